//! One JSON record in, what it means out: which producer wrote it, and the exchange(s) it
//! describes. Producers are recognised by the fields only they write; a record none claims
//! goes to the generic reader, and a record with no status anywhere may still quote one in
//! an exception message.

use why401_model::exchange::{Exchange, Location, ServerTime};

use super::draft::{Draft, stamp_of};
use super::lines::Scanner;
use super::value::{Obj, Val};
use super::{generic, producers, quoted};

/// Identifies one request across Caddy's error and access loggers (a hash of the client's
/// address and port and the request line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaddyKey(pub u64);

/// What reading produced, in input order; turned into sink calls by the emitter.
#[derive(Debug)]
pub enum Item {
    /// An exchange; a Caddy access record carries its request key.
    Exchange(Box<Exchange>, Option<CaddyKey>),
    /// A Caddy error-logger line: not an exchange, but its message belongs to the access
    /// record of the same request that follows.
    CaddyError(CaddyKey, String),
    /// A record that could not be read (JSON ended early, nested too deep): listed as a
    /// record error at its first line.
    Error(Location, String),
}

/// What a producer's mapper found in a record.
#[derive(Debug)]
pub enum Found {
    Nothing,
    One(Draft),
    Many(Vec<Draft>),
    CaddyAccess(Draft, Option<CaddyKey>),
    CaddyError(CaddyKey, String),
}

/// Where a record sits and what its surroundings say about its time.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub location: Location,
    /// A timestamp written before the JSON (`kubectl logs --timestamps`, Docker `time`).
    pub fallback_time: Option<ServerTime>,
}

/// Maps one record (`text` is its JSON) into `out`; returns how many items it produced.
pub fn map(obj: &Obj, text: &str, context: Context, out: &mut Vec<Item>) -> usize {
    if let Some(inner) = docker_log(obj) {
        let inner = inner.trim_end();
        if let Some((start, inner_obj)) = find_object(inner) {
            let fallback = obj.get("time").and_then(|t| stamp_of(&t));
            let context = Context {
                fallback_time: fallback.or(context.fallback_time),
                ..context
            };
            return map(&inner_obj, &inner[start..], context, out);
        }
    }
    let found = identify(obj, text);
    let before = out.len();
    let exchange =
        |draft: Draft| Box::new(draft.into_exchange(context.location, context.fallback_time));
    match found {
        Found::Nothing => {}
        Found::One(draft) => out.push(Item::Exchange(exchange(draft), None)),
        Found::Many(drafts) => out.extend(
            drafts
                .into_iter()
                .map(|d| Item::Exchange(exchange(d), None)),
        ),
        Found::CaddyAccess(draft, key) => out.push(Item::Exchange(exchange(draft), key)),
        Found::CaddyError(key, message) => out.push(Item::CaddyError(key, message)),
    }
    out.len() - before
}

/// The producer that wrote `obj`, and what it says.
fn identify(obj: &Obj, text: &str) -> Found {
    let found = match producers::producer_of(obj) {
        Some(producer) => (producer.map)(obj),
        None => generic::map(obj, text),
    };
    match found {
        Found::Nothing => quoted::map(obj),
        found => found,
    }
}

/// Docker's json-file driver: `{"log":"<line>\n","stream":"stdout","time":"..."}`.
fn docker_log(obj: &Obj) -> Option<String> {
    if !obj.has("stream") {
        return None;
    }
    match obj.get("log")? {
        Val::Str(line) => Some(line.into_owned()),
        _ => None,
    }
}

/// The JSON object that ends `line`, after any prefix: tries each of the first few `{`
/// (a prefix may hold braces too, `{main} INFO {...}`), but never one nested inside an
/// object the line opened before it (the first half of a hard-wrapped record). Returns
/// where it starts.
pub fn find_object(line: &str) -> Option<(usize, Obj<'_>)> {
    let bytes = line.as_bytes();
    if bytes.last() != Some(&b'}') {
        return None;
    }
    let mut before = Scanner::default();
    let mut scanned = 0;
    for start in memchr::memchr_iter(b'{', bytes).take(4) {
        before.feed(&bytes[scanned..start]);
        scanned = start;
        if before.depth > 0 || before.in_string {
            return None;
        }
        if let Some(obj) = Obj::parse(&line[start..]) {
            return Some((start, obj));
        }
    }
    None
}

#[cfg(test)]
pub mod testing {
    //! Helpers for the producers' unit tests.

    use super::*;

    /// A JSON record inside a text line (after a prefix, or inside a Docker `log` field).
    fn map_embedded(line: &str, context: Context, out: &mut Vec<Item>) -> usize {
        let line = line.trim_end();
        let Some((start, obj)) = find_object(line) else {
            return 0;
        };
        map(&obj, &line[start..], context, out)
    }

    /// The items one line produces.
    pub fn items(line: &str) -> Vec<Item> {
        let mut out = Vec::new();
        let context = Context {
            location: Location::Line(1),
            fallback_time: None,
        };
        map_embedded(line, context, &mut out);
        out
    }

    /// The one exchange a line produces.
    pub fn one(line: &str) -> Exchange {
        let mut items = items(line);
        assert_eq!(items.len(), 1, "expected one item from {line}");
        match items.remove(0) {
            Item::Exchange(exchange, _) => *exchange,
            other => panic!("expected an exchange, got {other:?}"),
        }
    }

    /// The server message texts, as `field: text`.
    pub fn messages(exchange: &Exchange) -> Vec<String> {
        exchange
            .server_messages
            .iter()
            .map(|m| format!("{}: {}", m.field, m.text))
            .collect()
    }

    pub fn challenge(exchange: &Exchange) -> Option<&str> {
        exchange
            .response
            .as_ref()
            .and_then(|r| r.headers.get("www-authenticate"))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{challenge, one};

    #[test]
    fn docker_json_file_line() {
        let line = r#"{"log":"{\"level\":\"info\",\"ts\":1717322400.5,\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\",\"request\":{\"method\":\"GET\",\"host\":\"api.example.com\",\"uri\":\"/v2/devices\",\"headers\":{\"Authorization\":[\"REDACTED\"]}},\"status\":401,\"resp_headers\":{\"Www-Authenticate\":[\"Bearer\"]}}\n","stream":"stderr","time":"2025-06-02T10:00:07.000000001Z"}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.url, "http://api.example.com/v2/devices");
        assert_eq!(ex.request.headers.get("authorization"), Some("REDACTED"));
        assert_eq!(challenge(&ex), Some("Bearer"));
        // The record's own time wins over Docker's.
        assert_eq!(
            why401_model::time::format_millis(&ex.server_time.unwrap().at),
            "2024-06-02T10:00:00.500Z"
        );
    }

    #[test]
    fn docker_time_is_the_fallback() {
        let line = r#"{"log":"{\"status\":401,\"path\":\"/x\"}\n","stream":"stdout","time":"2025-06-02T10:00:07.25Z"}"#;
        let ex = one(line);
        assert_eq!(
            why401_model::time::format_millis(&ex.server_time.unwrap().at),
            "2025-06-02T10:00:07.250Z"
        );
    }
}
