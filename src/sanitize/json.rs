//! JSON values: log records (one a line), JSON bodies, anything in a HAR that is not an
//! entry's known field. A field is rewritten by its name (`authorization`, `cookie`, a
//! secret parameter, a `{name, value}` header object), a string that is itself JSON or a
//! form by its content, any other string as free text; numbers, keys and order stay.

use serde_json::{Map, Value};

use super::personal;
use super::secrets::Secrets;
use super::text::TextRewriter;
use crate::model::parse_form;
use crate::redact;

/// Nested JSON deeper than this is left as it is (bounded work on hostile input).
const MAX_DEPTH: usize = 64;

/// One JSON lines record: the line rewritten, or `None` when it is not JSON (then it is
/// text). Unchanged records are written back byte for byte.
pub fn record(secrets: &mut Secrets, line: &str) -> Option<String> {
    let trimmed = line.trim();
    if !trimmed.starts_with(['{', '[']) {
        return None;
    }
    let mut value: Value = serde_json::from_str(trimmed).ok()?;
    let dropped = secrets.strict && record_bodies(secrets, &mut value);
    if !walk(secrets, &mut value, 0) && !dropped {
        return Some(line.to_owned());
    }
    serde_json::to_string(&value).ok()
}

/// Rewrites every secret inside `value`; whether anything changed.
pub fn walk(secrets: &mut Secrets, value: &mut Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match value {
        Value::Object(map) => object(secrets, map, depth),
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, v| walk(secrets, v, depth + 1) | changed),
        Value::String(text) => string(secrets, text, depth),
        _ => false,
    }
}

fn object(secrets: &mut Secrets, map: &mut Map<String, Value>, depth: usize) -> bool {
    if let Some(changed) = name_value_pair(secrets, map) {
        return changed;
    }
    let mut changed = false;
    for (key, value) in map.iter_mut() {
        changed |= match value {
            Value::String(text) => match by_name(secrets, key, text) {
                Some(new) => {
                    *text = new;
                    true
                }
                None => string(secrets, text, depth),
            },
            _ => walk(secrets, value, depth + 1),
        };
    }
    changed
}

/// `{"name": "Authorization", "value": "…"}`: a header (or cookie, or parameter) object.
fn name_value_pair(secrets: &mut Secrets, map: &mut Map<String, Value>) -> Option<bool> {
    let name = map.get("name")?.as_str()?.to_owned();
    let Some(Value::String(value)) = map.get_mut("value") else {
        return None;
    };
    let new = secrets
        .header(&name, value)
        .or_else(|| secrets.param(&name, value, None));
    Some(match new {
        Some(new) => {
            *value = new;
            true
        }
        None => false,
    })
}

/// A field whose name says what its string is: a header or a secret parameter.
fn by_name(secrets: &mut Secrets, key: &str, text: &str) -> Option<String> {
    let header = key.replace('_', "-");
    if let Some(new) = secrets.header(&header, text) {
        return Some(new);
    }
    if redact::is_secret_param(key) && !text.contains(char::is_whitespace) {
        return secrets.param(key, text, None);
    }
    None
}

/// A string by its content: JSON (rewritten and written back compact), else free text.
fn string(secrets: &mut Secrets, text: &mut String, depth: usize) -> bool {
    let new = match embedded_json(text) {
        Some(mut inner) => {
            if !walk(secrets, &mut inner, depth + 1) {
                return false;
            }
            serde_json::to_string(&inner).ok()
        }
        None => {
            let rewritten = TextRewriter::new(secrets).text(text);
            (rewritten != *text).then_some(rewritten)
        }
    };
    match new {
        Some(new) => {
            *text = new;
            true
        }
        None => false,
    }
}

/// A JSON object or array inside a string (a body, a message).
fn embedded_json(text: &str) -> Option<Value> {
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// Log fields that hold a body (Caddy's, Envoy's, nginx's and common custom names).
const BODY_FIELDS: &[&str] = &[
    "body",
    "request_body",
    "response_body",
    "req_body",
    "resp_body",
    "requestBody",
    "responseBody",
];

/// `--strict` on a log record: its body fields dropped, a 4xx response's error fields kept
/// (the record's `status`, at its top or in its `response`, says which). Whether any changed.
fn record_bodies(secrets: &mut Secrets, record: &mut Value) -> bool {
    let status = record_status(record);
    let mut changed = false;
    let Value::Object(map) = record else {
        return false;
    };
    for (key, value) in map.iter_mut() {
        if BODY_FIELDS.contains(&key.as_str()) {
            changed |= strict_value(secrets, value, status);
        } else if let Value::Object(inner) = value {
            for (key, value) in inner.iter_mut() {
                if BODY_FIELDS.contains(&key.as_str()) {
                    // A request's body has no status of its own: it is dropped.
                    let own = if key.starts_with("req") { None } else { status };
                    changed |= strict_value(secrets, value, own);
                }
            }
        }
    }
    changed
}

/// The HTTP status of a log record: `status` or `status_code`, at its top or one level in.
fn record_status(record: &Value) -> Option<u64> {
    let of = |v: &Value| {
        ["status", "status_code"]
            .iter()
            .find_map(|k| v.get(k).and_then(Value::as_u64))
    };
    of(record).or_else(|| {
        record
            .as_object()?
            .values()
            .filter(|v| v.is_object())
            .find_map(of)
    })
}

/// A body field's value under `--strict`; whether it changed.
fn strict_value(secrets: &mut Secrets, value: &mut Value, status: Option<u64>) -> bool {
    let new = match &*value {
        Value::String(text) => strict_body(secrets, text, status),
        Value::Null => return false,
        other => strict_body(secrets, &other.to_string(), status),
    };
    let new = match (&*value, serde_json::from_str::<Value>(&new)) {
        (Value::Object(_), Ok(object @ Value::Object(_))) => object,
        _ => Value::String(new),
    };
    let changed = new != *value;
    *value = new;
    changed
}

/// A body under `--strict`: dropped (a marker), except what the rules read: a JSON object
/// keeps a token response's fields and, in a 4xx response, its `error`, `error_description`
/// and `message` (secrets and personal data in them replaced); a 4xx's short text with
/// nothing to replace stays. Form bodies: [`strict_form`].
pub fn strict_body(secrets: &mut Secrets, text: &str, status: Option<u64>) -> String {
    if text.trim().is_empty() {
        return text.to_owned();
    }
    let client_error = personal::is_client_error(status);
    if let Some(kept) = personal::kept_fields(text, client_error)
        && (client_error || !kept.is_empty())
    {
        let mut kept = Value::Object(kept);
        walk(secrets, &mut kept, 1);
        return kept.to_string();
    }
    if client_error {
        let sanitized = TextRewriter::new(secrets).text(text);
        if personal::keeps_text_body(text, &sanitized) {
            return text.to_owned();
        }
    }
    secrets.dropped_body()
}

/// A form body under `--strict` (its secrets already markers): each parameter keeps its name,
/// and its value when the rules read it (`personal::keeps_form_value`).
pub fn strict_form(secrets: &mut Secrets, body: &str) -> String {
    let mut out = Vec::new();
    for raw in body.trim().split('&') {
        let (name, value) = raw.split_once('=').unwrap_or((raw, ""));
        let decoded_name = crate::model::percent_decode(name);
        let decoded = crate::model::percent_decode(value);
        if decoded_name == personal::FORM_CLIENT && !decoded.is_empty() {
            out.push(format!("{name}={}", secrets.user(&decoded)));
        } else if personal::keeps_form_value(&decoded_name, &decoded) {
            out.push(raw.to_owned());
        } else {
            out.push(format!("{name}={}", secrets.dropped_body()));
        }
    }
    out.join("&")
}

/// A form body (`a=1&b=2`): each secret parameter's value replaced, encoded again.
pub fn form(secrets: &mut Secrets, body: &str) -> Option<String> {
    let pairs = parse_form(body);
    if pairs.is_empty() || !body.contains('=') {
        return None;
    }
    let id_of = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut changed = false;
    let mut out = Vec::new();
    for raw in body.trim().split('&') {
        let (name, value) = raw.split_once('=').unwrap_or((raw, ""));
        let decoded_name = crate::model::percent_decode(name);
        let decoded = crate::model::percent_decode(value);
        let pair = if decoded_name == "password" {
            "username"
        } else {
            "client_id"
        };
        match secrets.param(&decoded_name, &decoded, id_of(pair).as_deref()) {
            Some(new) => {
                changed = true;
                out.push(format!("{name}={new}"));
            }
            None => out.push(raw.to_owned()),
        }
    }
    changed.then(|| out.join("&"))
}

#[cfg(test)]
mod tests;
