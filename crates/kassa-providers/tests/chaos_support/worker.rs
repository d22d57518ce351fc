//! The process the crash test kills: the outbox engine over a till database, against the
//! chaos simulators the test serves, until nothing is left to do.
//!
//! Usage: kassa-chaos-worker <database> <leat url> <lightspeed url> <zmyle url> <leat shop uuid>

#[path = "clients.rs"]
mod clients;

use kassa_core::store::Store;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, leat, lightspeed, zmyle, shop] = &args[..] else {
        eprintln!("usage: kassa-chaos-worker <database> <leat url> <lightspeed url> <zmyle url> <leat shop uuid>");
        return ExitCode::from(2);
    };
    let urls = clients::Urls {
        leat: leat.clone(),
        lightspeed: lightspeed.clone(),
        zmyle: zmyle.clone(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let store = match Store::open(std::path::Path::new(db)) {
        Ok(store) => Arc::new(store),
        Err(e) => {
            eprintln!("kassa-chaos-worker: {e}");
            return ExitCode::FAILURE;
        }
    };
    let engine = clients::engine(store, &urls, shop);
    match runtime.block_on(engine.run_until_idle()) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kassa-chaos-worker: {e}");
            ExitCode::FAILURE
        }
    }
}
