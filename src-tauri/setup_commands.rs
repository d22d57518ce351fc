//! The setup screen's commands: a manager sets the till up without a text editor. Settings go
//! into the configuration file (`kassa_core::config::write`: checked by the same parser, written
//! atomically; the file stays the source of truth), secrets into the OS keyring (answered "set",
//! never read back), "Test connection" is `kassa doctor`'s probe of one provider, and Lightspeed
//! and Shopwave sign in through the browser (`oauth_sign_in`). Every command takes the
//! manager's PIN. The running till keeps the configuration it opened with: the window is
//! closed and opened again to use the new one (the screen says so).

use crate::commands::AppState;
use crate::doctor::{probe_pos, probe_provider, Status};
use crate::dto::ErrorDto;
use crate::oauth_sign_in::{self, OAuthProvider, Pending, SignInSettings};
use crate::setup_dto::{SetupDto, PROVIDERS, SECRETS};
use kassa_core::config::write::{ConfigFile, Edit, Setting};
use kassa_core::config::Config;
use kassa_core::lang::{Language, Sentence, Text};
use kassa_core::provider::GiftCardProvider;
use kassa_core::secrets::{Secret, SecretStore};
use kassa_providers::wiring;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;
use tokio::sync::Mutex;

/// What the setup commands work on: the configuration file, the secret store the till's secrets
/// live in (the OS keyring under the file's `[secrets] keyring_service` — in training mode too,
/// since what is set up is the real till), and the sign-in under way, if any.
pub struct SetupState {
    file: ConfigFile,
    secrets: Arc<dyn SecretStore>,
    sign_in: SignInSettings,
    pending: Mutex<Option<Pending>>,
}

impl SetupState {
    pub fn new(
        config_file: PathBuf,
        secrets: Arc<dyn SecretStore>,
        sign_in: SignInSettings,
    ) -> SetupState {
        SetupState {
            file: ConfigFile::new(config_file),
            secrets,
            sign_in,
            pending: Mutex::new(None),
        }
    }

    fn config(&self) -> Result<Config, ErrorDto> {
        Config::load(self.file.path()).map_err(|e| ErrorDto::config(e.to_string()))
    }
}

/// One change from the screen: a setting's dotted name and its new value (text, a whole number,
/// true/false, or empty/null for the default).
#[derive(Debug, Deserialize)]
pub struct ChangeDto {
    pub key: String,
    pub value: Value,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedDto {
    /// The file as saved has no provider: the till opens in training mode.
    pub training: bool,
    pub config_file: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestDto {
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInStartDto {
    /// Where the browser was sent (shown, should the browser not open).
    pub authorize_url: String,
}

/// A refusal of the setup screen in `language`.
fn refused(sentence: Sentence, language: Language) -> ErrorDto {
    ErrorDto::config(sentence.render(language))
}

/// Checks the manager's PIN; answers the till's language, which the screen's refusals speak.
fn check_pin(state: &AppState, pin: &str) -> Result<Language, ErrorDto> {
    let language = state.language();
    let booted = state.till().map_err(|e| {
        refused(
            Sentence::new(Text::SetupTillNotOpen).with("error", e.to_string()),
            language,
        )
    })?;
    booted
        .manager
        .check(pin)
        .map_err(|e| ErrorDto::pin(&e, language))?;
    Ok(language)
}

/// The settings a change may touch: the register and the providers' sections. The rest of the
/// file (the outbox, offline caps, where secrets live…) is the installer's, by hand.
fn edit(change: &ChangeDto) -> Result<Edit, Sentence> {
    let key = change.key.as_str();
    let allowed = key.starts_with("register.")
        || PROVIDERS
            .iter()
            .any(|p| key.starts_with(&format!("providers.{p}.")));
    if !allowed {
        return Err(Sentence::new(Text::SetupNotOnScreen).with("key", key));
    }
    let value = match &change.value {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(Setting::Text(s.trim().to_string())),
        Value::Bool(b) => Some(Setting::Flag(*b)),
        Value::Number(n) => {
            Some(Setting::Integer(n.as_i64().ok_or_else(|| {
                Sentence::new(Text::SetupWholeNumber).with("key", key)
            })?))
        }
        Value::Array(_) | Value::Object(_) => {
            return Err(Sentence::new(Text::SetupOneAtATime).with("key", key))
        }
    };
    Ok(Edit {
        key: key.to_string(),
        value,
    })
}

/// The setup screen's content; checks the PIN, so the screen opens only for a manager.
#[tauri::command]
pub async fn setup_get(
    state: State<'_, AppState>,
    setup: State<'_, SetupState>,
    pin: String,
) -> Result<SetupDto, ErrorDto> {
    let language = check_pin(&state, &pin)?;
    let path = setup.file.path();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(refused(
                Sentence::new(Text::SetupCannotRead)
                    .with("path", path.display().to_string())
                    .with("error", e.to_string()),
                language,
            ))
        }
    };
    let config = Config::parse(&text).map_err(|e| {
        refused(
            Sentence::new(Text::SetupNotValid)
                .with("path", path.display().to_string())
                .with("error", e.to_string()),
            language,
        )
    })?;
    SetupDto::new(
        path.display().to_string(),
        &text,
        &config,
        setup.secrets.as_ref(),
    )
    .map_err(ErrorDto::config)
}

/// Saves changes to the file, all or none: refused whole, and the file untouched, when the
/// result is not a valid configuration. Saving a first provider takes the till out of training
/// mode, which needs `leaveTraining`.
#[tauri::command]
pub async fn setup_save(
    state: State<'_, AppState>,
    setup: State<'_, SetupState>,
    pin: String,
    changes: Vec<ChangeDto>,
    leave_training: Option<bool>,
) -> Result<SavedDto, ErrorDto> {
    let language = check_pin(&state, &pin)?;
    let edits = changes
        .iter()
        .map(edit)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| refused(e, language))?;
    let planned = setup
        .file
        .plan(&edits)
        .map_err(|e| ErrorDto::config(e.to_string()))?;
    if planned.before.is_training() && !planned.after.is_training() && leave_training != Some(true)
    {
        return Err(refused(Text::SetupLeaveTraining.into(), language));
    }
    let saved = setup
        .file
        .write(planned)
        .map_err(|e| ErrorDto::config(e.to_string()))?;
    tracing::info!(
        training = saved.is_training(),
        "the setup screen saved the configuration"
    );
    Ok(SavedDto {
        training: saved.is_training(),
        config_file: setup.file.path().display().to_string(),
    })
}

/// Writes one of the providers' secrets to the secret store. The answer is "set": the value is
/// never sent back, nor logged.
#[tauri::command]
pub async fn setup_secret_set(
    state: State<'_, AppState>,
    setup: State<'_, SetupState>,
    pin: String,
    name: String,
    value: String,
) -> Result<String, ErrorDto> {
    let language = check_pin(&state, &pin)?;
    let Some(&(_, name)) = SECRETS.iter().find(|(_, known)| *known == name) else {
        return Err(refused(
            Sentence::new(Text::SetupUnknownSecret).with("name", name),
            language,
        ));
    };
    let value = value.trim();
    if value.is_empty() || value.chars().any(char::is_control) {
        return Err(refused(
            Sentence::new(Text::SetupSecretOneLine).with("name", name),
            language,
        ));
    }
    setup
        .secrets
        .set(name, &Secret::new(value))
        .map_err(|e| ErrorDto::config(e.to_string()))?;
    tracing::info!(secret = name, "a secret was set from the setup screen");
    Ok("set".into())
}

/// `kassa doctor`'s probe of one provider as saved in the file, with the secrets in the store.
#[tauri::command]
pub async fn setup_test(
    state: State<'_, AppState>,
    setup: State<'_, SetupState>,
    pin: String,
    provider: String,
) -> Result<TestDto, ErrorDto> {
    let language = check_pin(&state, &pin)?;
    let config = setup.config()?;
    let p = &config.providers;
    let register = &config.register;
    let secrets = &setup.secrets;
    let not_saved = || {
        refused(
            Sentence::new(Text::SetupSaveFirst).with("provider", &provider),
            language,
        )
    };
    let client: Result<Arc<dyn GiftCardProvider>, String> = match provider.as_str() {
        "leat" => wiring::leat_client(p.leat.as_ref().ok_or_else(not_saved)?, register, secrets)
            .map(|c| Arc::new(c) as _),
        "zmyle" => wiring::zmyle_client(p.zmyle.as_ref().ok_or_else(not_saved)?, register, secrets)
            .map(|c| Arc::new(c) as _),
        "lightspeed" => wiring::lightspeed_client(
            p.lightspeed.as_ref().ok_or_else(not_saved)?,
            register,
            secrets,
        )
        .map(|c| Arc::new(c) as _),
        "shopwave" => {
            let c = p.shopwave.as_ref().ok_or_else(not_saved)?;
            let (status, detail) = match wiring::shopwave_client(c, secrets) {
                Ok(pos) => probe_pos(&pos).await,
                Err(e) => (Status::Fail, e),
            };
            return Ok(TestDto {
                ok: status != Status::Fail,
                detail,
            });
        }
        other => {
            return Err(refused(
                Sentence::new(Text::SetupUnknownProvider).with("provider", other),
                language,
            ))
        }
    };
    let (status, detail) = match client {
        Ok(client) => probe_provider(client.as_ref()).await,
        Err(e) => (Status::Fail, e),
    };
    Ok(TestDto {
        ok: status != Status::Fail,
        detail,
    })
}

/// Starts Lightspeed's or Shopwave's sign-in: the till listens for the browser's return and the
/// system browser opens at the provider's page. A sign-in started before is given up.
#[tauri::command]
pub async fn setup_sign_in_start(
    state: State<'_, AppState>,
    setup: State<'_, SetupState>,
    pin: String,
    provider: String,
) -> Result<SignInStartDto, ErrorDto> {
    let language = check_pin(&state, &pin)?;
    let provider = OAuthProvider::parse(&provider).map_err(|e| refused(e, language))?;
    let config = setup.config()?;
    let mut pending = setup.pending.lock().await;
    // The listener of an earlier sign-in stops first, freeing its port.
    pending.take();
    let started = oauth_sign_in::start(provider, &config, &setup.secrets, &setup.sign_in, language)
        .await
        .map_err(|e| refused(e, language))?;
    let authorize_url = started.authorize_url.clone();
    *pending = Some(started);
    Ok(SignInStartDto { authorize_url })
}

/// Waits for the browser's return to the sign-in `setup_sign_in_start` began: the sentence to
/// show once the tokens are in the keyring, else why not (a wrong `state`, the provider's
/// refusal, no answer in time).
#[tauri::command]
pub async fn setup_sign_in_finish(
    state: State<'_, AppState>,
    setup: State<'_, SetupState>,
    provider: String,
) -> Result<String, ErrorDto> {
    let language = state.language();
    let provider = OAuthProvider::parse(&provider).map_err(|e| refused(e, language))?;
    let pending = {
        let mut pending = setup.pending.lock().await;
        match pending.take() {
            Some(p) if p.provider == provider => p,
            other => {
                *pending = other;
                return Err(refused(Text::SetupNoSignIn.into(), language));
            }
        }
    };
    pending
        .outcome()
        .await
        .map(|done| done.render(language))
        .map_err(|e| refused(e, language))
}
