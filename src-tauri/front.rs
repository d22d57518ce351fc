//! A second window opened on a till's data folder brings the first one to the front instead of
//! opening beside it (only one Kassa sends a folder's payments: `data_lock.rs`). The window that
//! holds the folder listens on a loopback port it writes into `kassa.lock`; the second one asks
//! there and, once the first has answered, leaves.

use crate::data_lock::DataLock;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ASK: &[u8] = b"front\n";
const DONE: &[u8] = b"done\n";
const PATIENCE: Duration = Duration::from_secs(3);

/// A loopback port for "come to the front", written into the window's `kassa.lock`.
pub fn listen(lock: &mut DataLock) -> std::io::Result<TcpListener> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    lock.advertise_front(listener.local_addr()?)?;
    Ok(listener)
}

/// Answers "come to the front" for as long as the window is open.
pub async fn serve<R: Runtime>(listener: TcpListener, app: AppHandle<R>) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(e) => return tracing::warn!(error = %e, "cannot answer a second window"),
    };
    while let Ok((mut stream, _)) = listener.accept().await {
        let mut asked = [0u8; ASK.len()];
        let read = tokio::time::timeout(PATIENCE, stream.read_exact(&mut asked)).await;
        if !matches!(read, Ok(Ok(_))) || asked != ASK {
            continue;
        }
        let Some(window) = app.get_webview_window("main") else {
            continue;
        };
        let shown = window
            .unminimize()
            .and_then(|()| window.show())
            .and_then(|()| window.set_focus());
        match shown {
            Ok(()) => {
                tracing::info!("a second window was opened: this one came to the front");
                let _ = stream.write_all(DONE).await;
            }
            Err(e) => tracing::warn!(error = %e, "cannot come to the front"),
        }
    }
}

/// Asks the window holding `data_dir` to come to the front: true once it says it did.
pub fn ask_holder(data_dir: &Path) -> bool {
    let Some(at) = DataLock::holder_front(data_dir) else {
        return false;
    };
    let asked = || -> std::io::Result<bool> {
        let mut stream = TcpStream::connect_timeout(&at, PATIENCE)?;
        stream.set_read_timeout(Some(PATIENCE))?;
        stream.write_all(ASK)?;
        let mut answer = [0u8; DONE.len()];
        stream.read_exact(&mut answer)?;
        Ok(answer == DONE)
    };
    asked().unwrap_or(false)
}
