//! Where the till keeps its files: the OS's per-user config, data and log folders under the app
//! identifier (the same folders Tauri's path resolver uses), or what the installer overrides.

use std::path::{Path, PathBuf};

/// Tauri's `identifier`; keep in step with tauri.conf.json.
pub const APP_ID: &str = "eu.kassa.till";

#[derive(Debug, Clone)]
pub struct Paths {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

impl Paths {
    /// `explicit` is `--config` or `KASSA_CONFIG` (clap reads both).
    pub fn resolve(explicit: Option<&Path>) -> Paths {
        let data_dir = dirs::data_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join(APP_ID);
        let config_file = explicit.map(Path::to_path_buf).unwrap_or_else(|| {
            dirs::config_dir()
                .unwrap_or_else(std::env::temp_dir)
                .join(APP_ID)
                .join("kassa.toml")
        });
        Paths {
            config_file,
            log_dir: data_dir.join("logs"),
            data_dir,
        }
    }

    /// Everything under one folder: the config file, the data and the logs (tests, and a
    /// portable install).
    pub fn in_dir(root: &Path) -> Paths {
        Paths {
            config_file: root.join("kassa.toml"),
            data_dir: root.join("data"),
            log_dir: root.join("logs"),
        }
    }

    /// Training mode has a database of its own, so practice never mixes with real sales.
    pub fn database(&self, training: bool) -> PathBuf {
        self.data_dir.join(if training {
            "training.sqlite3"
        } else {
            "kassa.sqlite3"
        })
    }
}
