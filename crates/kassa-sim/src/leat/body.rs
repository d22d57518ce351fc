//! Request input as Leat takes it: query strings for GET, and for POST a body in any of the
//! three encodings seen in the wild (docs/providers.md §1.1): `application/x-www-form-urlencoded`
//! (the PHP SDK), `multipart/form-data` (the Postman/OpenAPI export) and JSON.
//!
//! Form keys in bracket notation (`custom_attributes[kassa_op_id]=...`, `created_at[gte]=...`)
//! become nested objects, as a Laravel backend reads them.

use super::ledger::{invalid, Rule};
use super::respond::refuse;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Query, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::response::Response;
use axum::{Form, Json};
use serde_json::{Map, Value};

/// The fields of a request: a JSON body as is, form and multipart values as strings.
#[derive(Debug, Default)]
pub struct Fields(pub Map<String, Value>);

impl Fields {
    fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut map = Map::new();
        for (key, value) in pairs {
            insert(&mut map, &key, value);
        }
        Fields(map)
    }

    /// A non-empty string value; numbers are taken as their digits.
    pub fn text(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A required string, or 1003 naming the field.
    pub fn required(&self, key: &str) -> Rule<String> {
        self.text(key)
            .ok_or_else(|| invalid(key, &format!("The {key} field is required.")))
    }

    /// An integer given as a JSON number or a string of digits; absent is `None`.
    pub fn integer(&self, key: &str) -> Rule<Option<i64>> {
        let bad = || invalid(key, &format!("The {key} must be an integer."));
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(bad),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad()),
            Some(_) => Err(bad()),
        }
    }

    /// A key-value object (`custom_attributes`); absent is empty.
    pub fn object(&self, key: &str) -> Rule<Map<String, Value>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(map)) => Ok(map.clone()),
            Some(Value::Array(items)) if items.is_empty() => Ok(Map::new()),
            Some(_) => Err(invalid(key, &format!("The {key} must be an array."))),
        }
    }
}

/// `a[b]=v` puts `v` under `b` in the object `a`; `a[]=v` appends to the list `a`.
fn insert(map: &mut Map<String, Value>, key: &str, value: String) {
    let Some((name, rest)) = key.split_once('[') else {
        map.insert(key.to_string(), Value::String(value));
        return;
    };
    let Some(sub) = rest.strip_suffix(']') else {
        map.insert(key.to_string(), Value::String(value));
        return;
    };
    if sub.is_empty() {
        let entry = map
            .entry(name.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = entry {
            items.push(Value::String(value));
        }
        return;
    }
    let entry = map
        .entry(name.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(inner) = entry {
        inner.insert(sub.to_string(), Value::String(value));
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let garbled =
            |what: &str| refuse(invalid("body", &format!("The body is not valid {what}.")));
        if content_type.starts_with("application/json") {
            let Json(value) = Json::<Value>::from_request(request, state)
                .await
                .map_err(|_| garbled("JSON"))?;
            return match value {
                Value::Object(map) => Ok(Fields(map)),
                _ => Err(garbled("JSON object")),
            };
        }
        if content_type.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(request, state)
                .await
                .map_err(|_| garbled("multipart"))?;
            let mut pairs = Vec::new();
            while let Some(field) = multipart
                .next_field()
                .await
                .map_err(|_| garbled("multipart"))?
            {
                let name = field.name().unwrap_or_default().to_string();
                let value = field.text().await.map_err(|_| garbled("multipart"))?;
                pairs.push((name, value));
            }
            return Ok(Fields::from_pairs(pairs));
        }
        if content_type.starts_with("application/x-www-form-urlencoded") {
            let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, state)
                .await
                .map_err(|_| garbled("form data"))?;
            return Ok(Fields::from_pairs(pairs));
        }
        // No body (reverse takes none), or one in an encoding Leat does not read.
        Ok(Fields::default())
    }
}

/// The query string, bracket keys nested like form fields.
pub struct QueryFields(pub Fields);

impl<S: Send + Sync> FromRequestParts<S> for QueryFields {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| refuse(invalid("query", "The query string is not valid.")))?;
        Ok(QueryFields(Fields::from_pairs(pairs)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nests_bracket_keys_like_laravel() {
        let fields = Fields::from_pairs([
            ("amount_in_cents".to_string(), "-1000".to_string()),
            (
                "custom_attributes[kassa_op_id]".to_string(),
                "op-1".to_string(),
            ),
            (
                "created_at[gte]".to_string(),
                "2024-01-01T00:00:00+00:00".to_string(),
            ),
        ]);
        assert_eq!(fields.integer("amount_in_cents").unwrap(), Some(-1000));
        assert_eq!(
            fields.object("custom_attributes").unwrap()["kassa_op_id"],
            "op-1"
        );
        assert_eq!(fields.0["created_at"]["gte"], "2024-01-01T00:00:00+00:00");
        assert!(fields.integer("giftcard_uuid").unwrap().is_none());
        let bad = Fields::from_pairs([("amount_in_cents".to_string(), "ten".to_string())]);
        assert!(bad.integer("amount_in_cents").is_err());
    }
}
