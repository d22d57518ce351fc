/// The till's commands, as `lib.rs` registers them. Each gets an `allow-<command>` permission,
/// and with an app manifest Tauri lets a window call only what a capability in
/// `capabilities/` allows it.
const COMMANDS: &[&str] = &[
    "app_info",
    "startup_mark",
    "lookup_card",
    "till_status",
    "queue_ops",
    "resolve_review",
    "sale_current",
    "sale_open",
    "sale_add_line",
    "sale_remove_line",
    "sale_scan",
    "sale_tender_card",
    "sale_tender_cash",
    "sale_tender_terminal",
    "sale_remove_tender",
    "sale_complete",
    "sale_abandon",
    "sale_get",
    "receipt_get",
    "receipt_print",
    "sale_add_card_line",
    "sales_recent",
    "refund_find",
    "sale_refund",
    "setup_get",
    "setup_save",
    "setup_secret_set",
    "setup_test",
    "setup_sign_in_start",
    "setup_sign_in_finish",
    "journal_acknowledge",
    "cashier_sign_in",
    "cashier_lock",
    "shift_current",
    "shift_open",
    "shift_cash_move",
    "shift_x",
    "shift_close",
    "shift_z",
    "shift_print",
    "shift_differences",
    "shift_settle_difference",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
