//! Shopwave's `api` envelope, read from every answer (success and error) (docs/providers.md
//! §4.1); what its message ids mean to the till is `errors.rs`.
//!
//! Both spellings are accepted: `api.message.error` (docs) and `api.message.errors` (2015 SDK),
//! `warning` / `warnings`, `objectRef` / `ObjectRef`, `moreInfo` / `MoreInfo`. Object references
//! may come as a string (comma-separated), a number or an array.

use serde_json::{Map, Value};

/// One entry of `api.message.{success,error,warning}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageEntry {
    /// The message id (913, 602, 206...), from `id` or else the entry's key.
    pub id: Option<u16>,
    /// The HTTP status the docs give for it.
    pub status_code: Option<u16>,
    pub title: String,
    pub details: String,
    /// Our object references it concerns (`objectRef`).
    pub object_refs: Vec<String>,
    /// Shopwave ids it concerns (`moreInfo`).
    pub more_info: Vec<String>,
}

impl MessageEntry {
    /// `Title: details`, for a person to read.
    pub fn text(&self) -> String {
        match (self.title.is_empty(), self.details.is_empty()) {
            (false, false) if self.title != self.details => {
                format!("{}: {}", self.title, self.details)
            }
            (false, _) => self.title.clone(),
            (true, false) => self.details.clone(),
            (true, true) => format!("Shopwave message {}", self.id.unwrap_or(0)),
        }
    }

    /// An entry that is not a failure: success ids (2xx) and 604 "Newer Version Available".
    pub fn is_benign(&self) -> bool {
        self.status_code.is_some_and(|s| (200..300).contains(&s)) || self.id == Some(604)
    }
}

/// `api.message`, gathered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiMessage {
    pub success: Vec<MessageEntry>,
    /// `error` and `errors`.
    pub errors: Vec<MessageEntry>,
    /// `warning` and `warnings`.
    pub warnings: Vec<MessageEntry>,
}

impl ApiMessage {
    /// Errors and warnings that are failures, errors first.
    pub fn problems(&self) -> impl Iterator<Item = &MessageEntry> {
        self.errors
            .iter()
            .chain(self.warnings.iter())
            .filter(|e| !e.is_benign())
    }

    /// The first failure that names `key`, the object's key in the request: our reference
    /// (`objectRef`) or, for an update by id, Shopwave's id (`objectRef` or `moreInfo`).
    pub fn problem_for(&self, key: &str) -> Option<&MessageEntry> {
        self.problems()
            .find(|e| e.object_refs.iter().chain(&e.more_info).any(|r| r == key))
    }

    /// The access token was refused as expired (908) or invalid (907).
    pub fn token_refused(&self) -> bool {
        self.problems()
            .any(|e| matches!(e.id, Some(907) | Some(908)))
    }
}

/// A whole answer: the resource maps (`baskets`, `transactions`...), the `api` envelope and the
/// docs' top-level `error` object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Envelope {
    pub resources: Map<String, Value>,
    pub message: ApiMessage,
    /// The top-level `error` of an error answer (`code`, `message`, `details`), as an entry
    /// with no id: its `code` is the HTTP status, `message` the title.
    pub error: Option<MessageEntry>,
}

impl Envelope {
    /// Reads any JSON object; fails only on something that is not one.
    pub fn parse(body: &[u8]) -> Result<Envelope, String> {
        let value: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        let Value::Object(mut top) = value else {
            return Err("the answer is not a JSON object".into());
        };
        let api = top.remove("api");
        let message = api
            .as_ref()
            .and_then(|a| a.get("message"))
            .map(api_message)
            .unwrap_or_default();
        let error = top.remove("error").and_then(|e| match e {
            Value::Null => None,
            o @ Value::Object(_) => Some(MessageEntry {
                status_code: field(&o, &["code", "statusCode"]).and_then(number),
                title: field(&o, &["message"]).map(text).unwrap_or_default(),
                details: field(&o, &["details"]).map(text).unwrap_or_default(),
                ..MessageEntry::default()
            }),
            other => Some(MessageEntry {
                title: text(&other),
                ..MessageEntry::default()
            }),
        });
        Ok(Envelope {
            resources: top,
            message,
            error,
        })
    }

    /// The map of one resource kind (`"transactions"`), empty when absent.
    pub fn resource(&self, key: &str) -> Map<String, Value> {
        match self.resources.get(key) {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        }
    }

    /// The failure that stands for the whole answer: the first problem that names no object,
    /// else the first problem, else the top-level `error`.
    pub fn main_problem(&self) -> Option<&MessageEntry> {
        self.message
            .problems()
            .find(|e| e.object_refs.is_empty())
            .or_else(|| self.message.problems().next())
            .or(self.error.as_ref())
    }
}

fn api_message(v: &Value) -> ApiMessage {
    let entries = |names: &[&str]| -> Vec<MessageEntry> {
        names
            .iter()
            .filter_map(|n| v.get(*n))
            .flat_map(|section| match section {
                Value::Object(map) => map.iter().map(|(k, e)| entry(Some(k), e)).collect(),
                Value::Array(list) => list.iter().map(|e| entry(None, e)).collect(),
                _ => vec![],
            })
            .collect()
    };
    ApiMessage {
        success: entries(&["success"]),
        errors: entries(&["error", "errors"]),
        warnings: entries(&["warning", "warnings"]),
    }
}

fn field<'a>(o: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .find_map(|n| o.get(*n))
        .filter(|v| !v.is_null())
}

fn number(v: &Value) -> Option<u16> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn entry(key: Option<&str>, o: &Value) -> MessageEntry {
    MessageEntry {
        id: field(o, &["id"])
            .and_then(number)
            .or_else(|| key.and_then(|k| k.trim().parse().ok())),
        status_code: field(o, &["statusCode", "status_code"]).and_then(number),
        title: field(o, &["title"]).map(text).unwrap_or_default(),
        details: field(o, &["details", "message"])
            .map(text)
            .unwrap_or_default(),
        object_refs: field(o, &["objectRef", "ObjectRef", "objectRefs"])
            .map(list)
            .unwrap_or_default(),
        more_info: field(o, &["moreInfo", "MoreInfo"])
            .map(list)
            .unwrap_or_default(),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("; "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A list of references or ids: `"a,b"`, `["a", "b"]`, `17`.
fn list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().flat_map(list).collect(),
        Value::String(s) => s
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        Value::Number(n) => vec![n.to_string()],
        _ => vec![],
    }
}
