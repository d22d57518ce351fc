//! The floor: a minimal Tauri 2 window with an empty page (`floor/index.html`), which invokes
//! one command at load that prints the startup mark as the till does. No webview app on this
//! machine starts faster or idles in less memory; the till is measured against it.

use std::io::Write;

#[tauri::command]
fn startup_mark() {
    // A window started without a stdout (from a desktop menu) has nothing to report to.
    let _ = writeln!(std::io::stdout(), "{}", kassa_bench::STARTUP_MARK);
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![startup_mark])
        .run(tauri::generate_context!())
        .expect("the floor window runs");
}
