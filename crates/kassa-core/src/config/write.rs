//! Changing the configuration file from the setup screen. The file stays the source of truth:
//! each change is applied to its text with `toml_edit`, which keeps the installer's comments,
//! order and layout; the result must pass the same [`Config::parse`] as a hand-written file
//! before it replaces the old one, so an invalid configuration is never written; and it is
//! written atomically (a temporary file in the same folder, flushed to disk, renamed over the
//! old one with the old one's permissions), so a crash or a full disk leaves the old file whole.
//!
//! Secrets cannot be written here: the parser knows no setting that holds one, and refuses a
//! file with a setting it does not know.

use super::{Config, ConfigError};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use toml_edit::{DocumentMut, Item, Table, TableLike, Value};

/// A setting's new value, typed as the file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    Text(String),
    Integer(i64),
    Flag(bool),
}

/// One change: the setting's dotted name (`register.name`, `providers.leat.base_url`) and its
/// new value, or `None` to take it out of the file (back to its default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub key: String,
    pub value: Option<Setting>,
}

impl Edit {
    pub fn set(key: impl Into<String>, value: Setting) -> Edit {
        Edit {
            key: key.into(),
            value: Some(value),
        }
    }

    pub fn unset(key: impl Into<String>) -> Edit {
        Edit {
            key: key.into(),
            value: None,
        }
    }
}

/// The file's text with `edits` applied, and the configuration it holds; refused with the
/// parser's sentence when the result is not a valid configuration.
pub fn edited(text: &str, edits: &[Edit]) -> Result<(String, Config), String> {
    let mut doc: DocumentMut = text.parse().map_err(|_| {
        "the configuration file is not valid TOML: fix it by hand first".to_string()
    })?;
    for edit in edits {
        apply(&mut doc, edit)?;
    }
    let text = doc.to_string();
    let config = Config::parse(&text)?;
    Ok((text, config))
}

fn apply(doc: &mut DocumentMut, edit: &Edit) -> Result<(), String> {
    let parts: Vec<&str> = edit.key.split('.').collect();
    let named = |p: &&str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    let Some((last, path)) = parts.split_last().filter(|_| parts.iter().all(named)) else {
        return Err(format!("'{}' is not the name of a setting", edit.key));
    };
    if path.is_empty() {
        return Err(format!("'{}' is a section, not a setting", edit.key));
    }
    let mut table: &mut dyn TableLike = doc.as_table_mut();
    for (depth, part) in path.iter().enumerate() {
        if table.get(part).is_none() {
            if edit.value.is_none() {
                return Ok(()); // Nothing to take out.
            }
            let mut new = Table::new();
            // `[providers.leat]` alone, not an empty `[providers]` above it.
            new.set_implicit(depth + 1 < path.len());
            table.insert(part, Item::Table(new));
        }
        let at = path[..=depth].join(".");
        table = table
            .get_mut(part)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| format!("{at} is a setting, not a section"))?;
    }
    match &edit.value {
        None => {
            table.remove(last);
        }
        Some(setting) => {
            let mut value = match setting {
                Setting::Text(s) => Value::from(s.as_str()),
                Setting::Integer(n) => Value::from(*n),
                Setting::Flag(b) => Value::from(*b),
            };
            match table.get_mut(last) {
                // The comment after the old value stays after the new one.
                Some(Item::Value(old)) => {
                    *value.decor_mut() = old.decor().clone();
                    *old = value;
                }
                Some(_) => return Err(format!("{} is a section, not a setting", edit.key)),
                None => {
                    table.insert(last, Item::Value(value));
                }
            }
        }
    }
    Ok(())
}

/// The configuration file on disk.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: PathBuf,
}

/// A change checked and ready to write: the configuration before and after it.
#[derive(Debug)]
pub struct Planned {
    pub before: Config,
    pub after: Config,
    text: String,
}

impl ConfigFile {
    pub fn new(path: impl Into<PathBuf>) -> ConfigFile {
        ConfigFile { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's text; a file that does not exist yet is empty (training mode).
    fn text(&self) -> Result<String, ConfigError> {
        let unreadable = |reason: String| ConfigError::Unreadable {
            path: self.path.display().to_string(),
            reason,
        };
        match fs::read(&self.path) {
            Ok(bytes) => {
                String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(String::new()),
            Err(e) => Err(unreadable(e.to_string())),
        }
    }

    /// Applies `edits` to the file's current text and checks the result; writes nothing.
    pub fn plan(&self, edits: &[Edit]) -> Result<Planned, ConfigError> {
        let text = self.text()?;
        let invalid = |reason: String| ConfigError::Invalid {
            path: self.path.display().to_string(),
            reason,
        };
        let before = Config::parse(&text).map_err(invalid)?;
        let (text, after) = edited(&text, edits).map_err(invalid)?;
        Ok(Planned {
            before,
            after,
            text,
        })
    }

    /// Writes a planned change (atomically).
    pub fn write(&self, planned: Planned) -> Result<Config, ConfigError> {
        write_atomically(&self.path, &planned.text).map_err(|e| ConfigError::Unreadable {
            path: self.path.display().to_string(),
            reason: format!("it could not be written, and is unchanged: {e}"),
        })?;
        Ok(planned.after)
    }
}

/// Replaces the file at `path` with `text`, all or nothing.
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    write_with(path, |file| file.write_all(text.as_bytes()))
}

/// A temporary file beside `path` gets its content from `fill`, is flushed to disk and takes the
/// old file's permissions, and only then is renamed over `path`; the folder is flushed after,
/// so the rename survives a power cut. Any failure removes the temporary file and leaves
/// `path` as it was.
fn write_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".kassa-config-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    fill(temp.as_file_mut())?;
    temp.as_file().sync_all()?;
    match fs::metadata(path) {
        Ok(old) => temp.as_file().set_permissions(old.permissions())?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    temp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTALLED: &str = "\
# Kassa, shop 7 (set up by the installer)
[register]
name = \"Front\" # the till by the door
currency = \"EUR\"

# zmyle's sandbox until the go-live
[providers.zmyle]
base_url = \"https://posapi.zmyledemo.de\"
metadata = { till = \"2\" }
";

    #[test]
    fn a_change_keeps_the_installers_comments_and_layout() {
        let (text, config) = edited(
            INSTALLED,
            &[
                Edit::set("register.name", Setting::Text("Back room".into())),
                Edit::set("providers.zmyle.hold_minutes", Setting::Integer(20)),
                Edit::set("providers.zmyle.metadata.till", Setting::Text("3".into())),
            ],
        )
        .unwrap();
        assert_eq!(config.register.name, "Back room");
        let zmyle = config.providers.zmyle.unwrap();
        assert_eq!(zmyle.hold_minutes, 20);
        assert_eq!(zmyle.metadata["till"], "3");
        assert!(text.starts_with("# Kassa, shop 7 (set up by the installer)\n[register]\n"));
        assert!(
            text.contains("name = \"Back room\" # the till by the door\n"),
            "{text}"
        );
        assert!(text.contains("# zmyle's sandbox until the go-live\n[providers.zmyle]"));
        assert!(text.contains("metadata = { till = \"3\" }"), "{text}");
    }

    #[test]
    fn a_new_provider_gets_its_own_section_and_unset_goes_back_to_the_default() {
        let (text, config) = edited(
            "",
            &[
                Edit::set(
                    "providers.lightspeed.domain_prefix",
                    Setting::Text("mystore".into()),
                ),
                Edit::set("providers.lightspeed.registers", Setting::Integer(2)),
            ],
        )
        .unwrap();
        assert!(!config.is_training());
        assert!(text.contains("[providers.lightspeed]"), "{text}");
        assert!(
            !text.contains("[providers]\n"),
            "no empty parent section: {text}"
        );
        let (text, config) =
            edited(&text, &[Edit::unset("providers.lightspeed.registers")]).unwrap();
        assert_eq!(config.providers.lightspeed.unwrap().registers, 1);
        assert!(!text.contains("registers"), "{text}");
    }

    #[test]
    fn an_invalid_result_or_a_setting_that_does_not_exist_is_refused() {
        let err = edited(
            INSTALLED,
            &[Edit::set("register.currency", Setting::Text("EURO".into()))],
        )
        .unwrap_err();
        assert!(err.contains("currency"), "{err}");
        // No secret has a setting: one sent by mistake is refused, and not quoted back.
        let err = edited(
            INSTALLED,
            &[Edit::set(
                "providers.zmyle.api_key",
                Setting::Text("zk_live_77".into()),
            )],
        )
        .unwrap_err();
        assert!(err.contains("api_key"), "{err}");
        assert!(!err.contains("zk_live_77"), "{err}");
        for key in [
            "register",
            "register..name",
            "providers.zmyle",
            "register.name.first",
        ] {
            assert!(
                edited(INSTALLED, &[Edit::set(key, Setting::Flag(true))]).is_err(),
                "{key}"
            );
        }
    }

    #[test]
    fn an_invalid_change_leaves_the_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let file = ConfigFile::new(dir.path().join("kassa.toml"));
        fs::write(file.path(), INSTALLED).unwrap();
        let err = file
            .plan(&[Edit::set(
                "providers.zmyle.hold_minutes",
                Setting::Integer(0),
            )])
            .unwrap_err();
        assert!(err.to_string().contains("hold_minutes"), "{err}");
        assert_eq!(fs::read_to_string(file.path()).unwrap(), INSTALLED);
        let planned = file
            .plan(&[Edit::set("register.shop", Setting::Text("Shop 7".into()))])
            .unwrap();
        assert_eq!(planned.before.register.shop, "");
        file.write(planned).unwrap();
        let reread = Config::load(file.path()).unwrap();
        assert_eq!(reread.register.shop, "Shop 7");
        assert_eq!(reread.register.name, "Front");
    }

    #[test]
    fn a_write_that_fails_midway_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kassa.toml");
        fs::write(&path, INSTALLED).unwrap();
        let err = write_with(&path, |file| {
            file.write_all(b"[register]\nname = \"Ha")?;
            Err(io::Error::other("the disk is full"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "the disk is full");
        assert_eq!(fs::read_to_string(&path).unwrap(), INSTALLED);
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only kassa.toml: {left:?}");
    }

    #[test]
    fn a_file_that_does_not_exist_yet_is_written_with_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eu.kassa.till").join("kassa.toml");
        write_atomically(&path, "[register]\nname = \"New\"\n").unwrap();
        assert_eq!(Config::load(&path).unwrap().register.name, "New");
    }

    #[cfg(unix)]
    #[test]
    fn the_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kassa.toml");
        fs::write(&path, INSTALLED).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&path, "[register]\nname = \"Back\"\n").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(Config::load(&path).unwrap().register.name, "Back");
    }
}
