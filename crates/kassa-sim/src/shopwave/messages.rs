//! Shopwave's `api.message` envelope and its catalogue of message ids (docs/providers.md §4.1).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// A documented message: id, HTTP status, title and details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    pub id: u16,
    pub status: u16,
    pub code: &'static str,
    pub title: &'static str,
    pub details: &'static str,
}

const fn m(
    id: u16,
    status: u16,
    code: &'static str,
    title: &'static str,
    details: &'static str,
) -> Message {
    Message {
        id,
        status,
        code,
        title,
        details,
    }
}

pub const UNKNOWN_ERROR: Message = m(
    899,
    500,
    "UNKNOWN_ERROR",
    "Unknown Error",
    "Something went wrong. Please contact the site administrator",
);
pub const SERVICE_DOWN: Message = m(
    900,
    503,
    "SERVICE_DOWN",
    "Service Down",
    "The service is down for maintenance. Please try again later",
);
pub const INVALID_CLIENT: Message = m(
    901,
    400,
    "INVALID_CLIENT",
    "Invalid Client",
    "The client credentials are invalid",
);
pub const REDIRECT_URI_MISMATCH: Message = m(
    903,
    400,
    "REDIRECT_URI_MISMATCH",
    "Redirect URI Mismatch",
    "The redirect URI does not match the one registered for the application",
);
pub const INVALID_GRANT: Message = m(
    906,
    400,
    "INVALID_GRANT",
    "Invalid Grant",
    "The grant is invalid, expired or revoked",
);
pub const INVALID_TOKEN: Message = m(
    907,
    401,
    "INVALID_TOKEN",
    "Invalid Token",
    "The access token is invalid",
);
pub const EXPIRED_TOKEN: Message = m(
    908,
    401,
    "EXPIRED_TOKEN",
    "Expired Token",
    "Token expired or invalid. Please renew your token",
);
pub const INVALID_CODE: Message = m(
    909,
    401,
    "INVALID_CODE",
    "Invalid Code",
    "The authorization code is invalid or was used already",
);
pub const NOT_FOUND: Message = m(
    910,
    404,
    "NOT_FOUND",
    "Not Found",
    "The requested resource was not found",
);
pub const AUTHORIZATION_HEADER_INVALID: Message = m(911, 401, "AUTHORIZATION_HEADER_INVALID", "Authorization Header Invalid", "The authorization header is invalid. The correct format is Authorization: {token_type} {accessToken}");
pub const RESOURCE_NOT_ALLOWED: Message = m(
    912,
    403,
    "RESOURCE_NOT_ALLOWED",
    "Resource Not Allowed For Specified User",
    "The user does not own this resource and its forbidden",
);
pub const MISSING_PARAMETER: Message = m(913, 400, "MISSING_PARAMETER", "Required parameter or object missing in request", "One or more of the required parameters or object formation is missing in your request. Please refer the documentation");
pub const UNSUPPORTED_MEDIA_TYPE: Message = m(
    916,
    415,
    "UNSUPPORTED_MEDIA_TYPE",
    "Unsupported Media Type",
    "The request body must be JSON",
);
pub const TOO_MANY: Message = m(
    919,
    429,
    "TOO_MANY_OBJECTS",
    "Cannot handle too many request",
    "There is a limit for every object you can send to our server and you are exceding that.",
);
pub const BASKETS_COMPLETE: Message = m(
    601,
    403,
    "BASKETS_ALREADY_COMPLETE",
    "Baskets Already Complete",
    "The basket is complete and cannot be modified",
);
pub const TRANSACTION_COMPLETE: Message = m(
    602,
    403,
    "TRANSACTION_ALREADY_COMPLETE",
    "Transaction Already Complete",
    "The transaction is complete and cannot be modified",
);
pub const SUCCESS_PROCESSED: Message = m(
    203,
    200,
    "REQUEST_PROCESSED",
    "Request Processed Successfully",
    "Your request was processed successfully",
);
pub const SUCCESS_CREATED: Message = m(
    206,
    201,
    "RESOURCE_CREATED",
    "Resource Created",
    "Your resource is created partially or fully. Please check further message or process log",
);

/// What a request's objects met, gathered into one envelope: entries with the same id share
/// one message, their objects listed comma-separated (the envelope is keyed by id).
#[derive(Debug, Default)]
pub struct Messages {
    success: Option<Message>,
    /// In first-seen order.
    problems: Vec<Gathered>,
}

/// One message id and everything it concerns.
#[derive(Debug)]
struct Gathered {
    message: Message,
    /// Our object references.
    refs: Vec<String>,
    /// Shopwave ids.
    info: Vec<String>,
    details: Vec<String>,
}

impl Messages {
    pub fn success(&mut self, message: Message) {
        self.success = Some(message);
    }

    /// Adds a problem for one object (or for the request, with no reference).
    pub fn problem(
        &mut self,
        message: Message,
        object_ref: Option<&str>,
        more_info: Option<String>,
        detail: Option<String>,
    ) {
        let at = match self
            .problems
            .iter()
            .position(|g| g.message.id == message.id)
        {
            Some(at) => at,
            None => {
                self.problems.push(Gathered {
                    message,
                    refs: vec![],
                    info: vec![],
                    details: vec![],
                });
                self.problems.len() - 1
            }
        };
        let g = &mut self.problems[at];
        g.refs.extend(object_ref.map(str::to_string));
        g.info.extend(more_info);
        g.details.extend(detail);
    }

    pub fn first_problem(&self) -> Option<Message> {
        self.problems.first().map(|g| g.message)
    }

    /// `{"success": …, "error": …, "warning": …}`: warnings (6xx) use the documented
    /// `ObjectRef` / `MoreInfo` spelling, errors `objectRef`.
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        if let Some(s) = self.success {
            out.insert("success".into(), json!({ s.id.to_string(): entry(&s) }));
        }
        let mut errors = Map::new();
        let mut warnings = Map::new();
        for Gathered {
            message: msg,
            refs,
            info,
            details,
        } in &self.problems
        {
            let mut e = entry(msg);
            if !details.is_empty() {
                e["details"] = json!(format!("{} ({})", msg.details, details.join("; ")));
            }
            let warning = msg.id < 700;
            let (ref_key, info_key) = if warning {
                ("ObjectRef", "MoreInfo")
            } else {
                ("objectRef", "moreInfo")
            };
            if !refs.is_empty() {
                e[ref_key] = json!(refs.join(","));
            }
            if !info.is_empty() {
                e[info_key] = json!(info.join(","));
            }
            let into = if warning { &mut warnings } else { &mut errors };
            into.insert(msg.id.to_string(), e);
        }
        if !errors.is_empty() {
            out.insert("error".into(), Value::Object(errors));
        }
        if !warnings.is_empty() {
            out.insert("warning".into(), Value::Object(warnings));
        }
        Value::Object(out)
    }
}

fn entry(m: &Message) -> Value {
    json!({"id": m.id, "code": m.code, "statusCode": m.status, "title": m.title, "details": m.details})
}

/// A full answer: the resources (e.g. `{"transactions": {...}}`), the `api` envelope and the
/// `statusCode` / `x-api-version` headers. An answer without any success also carries the
/// top-level `error` object of the docs.
pub fn answer(status: StatusCode, resources: Map<String, Value>, messages: &Messages) -> Response {
    let mut body = resources;
    if !status.is_success() {
        let first = messages.first_problem().unwrap_or(UNKNOWN_ERROR);
        body.insert(
            "error".into(),
            json!({"code": status.as_u16(), "message": first.title, "details": [first.details]}),
        );
    }
    body.insert(
        "api".into(),
        json!({"message": messages.to_json(), "codeBaseVersion": "2.0", "executionTime_milliSeconds": 3}),
    );
    (
        status,
        [
            ("statusCode", status.as_u16().to_string()),
            ("x-api-version", "2.0".to_string()),
        ],
        Json(Value::Object(body)),
    )
        .into_response()
}

/// An answer that is only one message, for the whole request.
pub fn fail(message: Message, detail: Option<String>) -> Response {
    let mut messages = Messages::default();
    messages.problem(message, None, None, detail);
    answer(status_of(message), Map::new(), &messages)
}

pub fn status_of(message: Message) -> StatusCode {
    StatusCode::from_u16(message.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
