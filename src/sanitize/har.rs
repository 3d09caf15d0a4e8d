//! HAR: every entry in place, its known fields rewritten by what they hold (headers,
//! cookies, query strings, form parameters, bodies, base64 content), anything else as JSON.
//! An entry whose headers changed gets `headersSize: -1` (HAR 1.2: unknown), since its
//! recorded size no longer holds. Written back as JSON that devtools and `analyze` open.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::json;
use super::secrets::Secrets;
use super::text::TextRewriter;

/// A whole HAR document in memory (the tests'; files are streamed by [`super::stream`]).
#[cfg(test)]
pub fn rewrite(secrets: &mut Secrets, input: &str) -> anyhow::Result<String> {
    let mut out = Vec::new();
    super::stream::har(secrets, input.as_bytes(), &mut out)?;
    Ok(String::from_utf8(out)?)
}

/// One entry of `log.entries`.
pub(super) fn entry(secrets: &mut Secrets, entry: &mut Value) {
    let Value::Object(map) = entry else {
        json::walk(secrets, entry, 1);
        return;
    };
    for (key, value) in map.iter_mut() {
        match (key.as_str(), value) {
            ("request", Value::Object(request)) => message(secrets, request, None),
            ("response", Value::Object(response)) => {
                let status = response.get("status").and_then(Value::as_u64);
                message(secrets, response, status);
            }
            (_, value) => {
                json::walk(secrets, value, 2);
            }
        }
    }
}

/// A request or a response (with its status).
fn message(secrets: &mut Secrets, map: &mut Map<String, Value>, status: Option<u64>) {
    let mut headers_changed = false;
    let form_ids = form_ids(map);
    for (key, value) in map.iter_mut() {
        match (key.as_str(), value) {
            ("headers", Value::Array(items)) => headers_changed |= headers(secrets, items),
            ("cookies", Value::Array(items)) => cookies(secrets, items),
            ("queryString", Value::Array(items)) => params(secrets, items, &[]),
            ("url" | "redirectURL", Value::String(url)) => {
                *url = TextRewriter::new(secrets).line(url);
            }
            ("postData" | "content", Value::Object(body)) => {
                self::body(secrets, body, &form_ids);
                if secrets.strict {
                    strict_body(secrets, body, status);
                }
            }
            ("headersSize" | "bodySize" | "status" | "method", _) => {}
            (_, value) => {
                json::walk(secrets, value, 3);
            }
        }
    }
    if secrets.strict {
        headers_changed |= strict_personal(secrets, map);
    }
    if headers_changed {
        map.insert("headersSize".into(), Value::from(-1));
    }
}

/// `--strict`: e-mail and IP addresses in every string of a request or response but its
/// `Host` header; whether a header changed.
fn strict_personal(secrets: &mut Secrets, map: &mut Map<String, Value>) -> bool {
    let mut headers_changed = false;
    for (key, value) in map.iter_mut() {
        let changed = personal_strings(secrets, value, 0);
        headers_changed |= changed && key == "headers";
    }
    headers_changed
}

fn personal_strings(secrets: &mut Secrets, value: &mut Value, depth: usize) -> bool {
    match value {
        Value::String(text) => match secrets.personal(text) {
            Some(new) => {
                *text = new;
                true
            }
            None => false,
        },
        Value::Object(map) => {
            let name = map.get("name").and_then(Value::as_str);
            if name.is_some_and(super::personal::is_host_header) || depth > 8 {
                return false;
            }
            map.values_mut()
                .fold(false, |c, v| personal_strings(secrets, v, depth + 1) | c)
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |c, v| personal_strings(secrets, v, depth + 1) | c),
        _ => false,
    }
}

/// `--strict` on `postData` or `content` (its secrets already markers): a form keeps the
/// values the rules read (`json::strict_form`), any other text what `json::strict_body`
/// keeps; a base64 text is decoded first.
fn strict_body(secrets: &mut Secrets, body: &mut Map<String, Value>, status: Option<u64>) {
    if let Some(Value::Array(items)) = body.get_mut("params") {
        for item in items.iter_mut() {
            let Some((name, value)) = name_value(item) else {
                continue;
            };
            if name == super::personal::FORM_CLIENT && !value.is_empty() {
                *value = secrets.user(value);
            } else if !super::personal::keeps_form_value(&name, value) {
                *value = secrets.dropped_body();
            }
        }
    }
    let form = body
        .get("mimeType")
        .and_then(Value::as_str)
        .is_some_and(|m| {
            m.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let base64 = body.get("encoding").and_then(Value::as_str) == Some("base64");
    let Some(Value::String(text)) = body.get_mut("text") else {
        return;
    };
    let plain = if base64 {
        let engine = base64::engine::general_purpose::STANDARD;
        match engine.decode(text.trim()).map(String::from_utf8) {
            Ok(Ok(plain)) => plain,
            // Binary: nothing a rule reads.
            _ if text.is_empty() => return,
            _ => String::new(),
        }
    } else {
        text.clone()
    };
    if base64 && plain.is_empty() {
        *text = secrets.dropped_body();
        body.remove("encoding");
        return;
    }
    let new = match form {
        true => json::strict_form(secrets, &plain),
        false => json::strict_body(secrets, &plain, status),
    };
    if new != plain {
        *text = new;
        body.remove("encoding");
    }
}

fn headers(secrets: &mut Secrets, items: &mut [Value]) -> bool {
    let mut changed = false;
    for item in items {
        let Some((name, value)) = name_value(item) else {
            continue;
        };
        if let Some(new) = secrets.header(&name, value) {
            *value = new;
            changed = true;
        }
    }
    changed
}

fn cookies(secrets: &mut Secrets, items: &mut [Value]) {
    for item in items {
        if let Some((name, value)) = name_value(item)
            && let Some(new) = secrets.cookie_value(&name, value)
        {
            *value = new;
        }
    }
}

/// `queryString[]` and `postData.params[]`, with the form's `client_id` and `username`.
fn params(secrets: &mut Secrets, items: &mut [Value], ids: &[(String, String)]) {
    for item in items {
        let Some((name, value)) = name_value(item) else {
            continue;
        };
        let pair = if name == "password" {
            "username"
        } else {
            "client_id"
        };
        let id = ids.iter().find(|(k, _)| k == pair).map(|(_, v)| v.as_str());
        if let Some(new) = secrets.param(&name, value, id) {
            *value = new;
        }
    }
}

/// The `client_id` and `username` of a request's form parameters.
fn form_ids(map: &Map<String, Value>) -> Vec<(String, String)> {
    let params = map
        .get("postData")
        .and_then(|p| p.get("params"))
        .and_then(Value::as_array);
    let from_params = params.into_iter().flatten().filter_map(|p| {
        let name = p.get("name")?.as_str()?;
        let value = p.get("value")?.as_str()?;
        Some((name.to_owned(), value.to_owned()))
    });
    let text = map
        .get("postData")
        .and_then(|p| p.get("text"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    from_params
        .chain(crate::model::parse_form(text))
        .filter(|(k, _)| k == "client_id" || k == "username")
        .collect()
}

/// `postData` or `content`: parameters, then the text by its MIME type (base64 decoded and
/// encoded again).
fn body(secrets: &mut Secrets, body: &mut Map<String, Value>, ids: &[(String, String)]) {
    if let Some(Value::Array(items)) = body.get_mut("params") {
        params(secrets, items, ids);
    }
    let mime = body
        .get("mimeType")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let base64 = body.get("encoding").and_then(Value::as_str) == Some("base64");
    let Some(Value::String(text)) = body.get_mut("text") else {
        return;
    };
    if base64 {
        let engine = base64::engine::general_purpose::STANDARD;
        let Some(decoded) = engine
            .decode(text.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        else {
            return;
        };
        if let Some(new) = body_text(secrets, &decoded, &mime) {
            *text = engine.encode(new);
        }
    } else if let Some(new) = body_text(secrets, text, &mime) {
        *text = new;
    }
}

/// A body's text rewritten by what it is: a form, JSON, else free text.
fn body_text(secrets: &mut Secrets, text: &str, mime: &str) -> Option<String> {
    if mime.starts_with("application/x-www-form-urlencoded") {
        return json::form(secrets, text);
    }
    let mut value = Value::String(text.to_owned());
    if !json::walk(secrets, &mut value, 3) {
        return None;
    }
    value.as_str().map(str::to_owned)
}

/// An item `{ "name": …, "value": … }`: its name and its value to rewrite.
fn name_value(item: &mut Value) -> Option<(String, &mut String)> {
    let Value::Object(map) = item else {
        return None;
    };
    let name = map.get("name")?.as_str()?.to_owned();
    match map.get_mut("value") {
        Some(Value::String(value)) => Some((name, value)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
