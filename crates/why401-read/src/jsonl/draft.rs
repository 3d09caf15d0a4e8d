//! What a mapper learns from one record before it becomes an [`Exchange`], and the field
//! readers every producer shares: statuses, timestamps, URLs, header collections, and the
//! single header fields (`http_authorization`, `sent_http_www_authenticate`, ...) that
//! formats with user-chosen fields log.

use why401_model::exchange::{
    Body, Exchange, Headers, Location, Request, Response, ServerMessage, ServerTime,
};
use why401_model::time;

use super::value::{Obj, Val};

/// One exchange as a record describes it.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub method: String,
    pub url: String,
    pub http_version: String,
    pub status: u16,
    pub reason: String,
    pub request_headers: Headers,
    pub response_headers: Headers,
    /// The record shows request headers (all, or some chosen ones).
    pub headers_recorded: bool,
    /// An absent `Authorization` means none was sent: the record holds every request header,
    /// or an authorization field.
    pub credential_recorded: bool,
    pub messages: Vec<ServerMessage>,
    pub time: Option<ServerTime>,
    /// The response body, for records that are a response body (pasted error bodies) or
    /// quote one (exception messages).
    pub body: Option<String>,
}

impl Draft {
    pub fn new(status: u16) -> Draft {
        Draft {
            status,
            ..Draft::default()
        }
    }

    /// A server message, unless it is empty or a logger's placeholder for "none".
    pub fn message(&mut self, field: &str, text: &str) {
        let text = text.trim();
        if is_placeholder(text) || self.messages.iter().any(|m| m.text == text) {
            return;
        }
        self.messages.push(ServerMessage {
            field: field.to_owned(),
            text: text.to_owned(),
        });
    }

    /// A message field: a string, or an object whose `message` (or `error_description`,
    /// `description`) is the text.
    pub fn message_from(&mut self, field: &str, value: Option<Val>) {
        match value {
            Some(Val::Obj(_)) => {
                let Some(obj) = value.and_then(|v| v.as_obj()) else {
                    return;
                };
                for key in ["message", "error_description", "description", "reason"] {
                    if let Some(text) = obj.text(key) {
                        self.message(&format!("{field}.{key}"), &text);
                    }
                }
            }
            Some(v) => {
                if let Some(text) = v.text() {
                    self.message(field, &text);
                }
            }
            None => {}
        }
    }

    /// Each of `paths` present in `obj` becomes a server message.
    pub fn messages_at(&mut self, obj: &Obj, paths: &[&str]) {
        for path in paths {
            self.message_from(path, obj.path(path));
        }
    }

    /// The first timestamp among `values`, unless one is already known.
    pub fn time_from<'a>(&mut self, values: impl IntoIterator<Item = Option<Val<'a>>>) {
        if self.time.is_none() {
            self.time = values.into_iter().flatten().find_map(|v| stamp_of(&v));
        }
    }

    /// A collection of every request header (a map or list): an absent `Authorization`
    /// means none was sent.
    pub fn request_collection(&mut self, value: Option<Val>) -> bool {
        let found = value.is_some_and(|v| read_headers(&v, &mut self.request_headers));
        if found {
            self.headers_recorded = true;
            self.credential_recorded = true;
        }
        found
    }

    /// Whether the record may be judged: a 401, or a 403 under `--include-403`. Any other
    /// record only feeds the capture history (why401-judge's `diagnose::capture`), which
    /// reads its request line, credentials, status and time (light mode).
    pub fn judged(&self) -> bool {
        matches!(self.status, 401 | 403)
    }

    /// Whether the response's headers can matter: the history never reads those of a
    /// record nothing judges, but without a log time the `Date` header gives it.
    pub fn needs_response_headers(&self) -> bool {
        self.judged() || self.time.is_none()
    }

    /// Like [`Draft::request_collection`], but a record nothing judges keeps none of the
    /// [`INERT_REQUEST_HEADERS`] (light mode: building them is most of its cost).
    pub fn request_collection_light(&mut self, value: Option<Val>) -> bool {
        if self.judged() {
            return self.request_collection(value);
        }
        let keep = |name: &str| !is_inert_request_header(name);
        let found = value.is_some_and(|v| read_headers_kept(&v, &mut self.request_headers, &keep));
        if found {
            self.headers_recorded = true;
            self.credential_recorded = true;
        }
        found
    }

    pub fn response_collection(&mut self, value: Option<Val>) -> bool {
        value.is_some_and(|v| read_headers(&v, &mut self.response_headers))
    }

    /// One chosen request header field. An authorization field that is empty, null or `-`
    /// still says no credential was sent.
    pub fn request_field(&mut self, name: &str, value: &Val) {
        self.headers_recorded = true;
        if name.eq_ignore_ascii_case("authorization") {
            self.credential_recorded = true;
        }
        push_values(&mut self.request_headers, name, value, true);
    }

    pub fn response_field(&mut self, name: &str, value: &Val) {
        if !self.response_headers.contains(name) {
            push_values(&mut self.response_headers, name, value, true);
        }
    }

    /// Reads the single-header fields of a flat record (nginx, Envoy, generic).
    pub fn flat_header_fields(&mut self, obj: &Obj) {
        for (key, raw) in obj.iter() {
            if let Some((side, name)) = flat_header_name(key) {
                let value = Val::of(raw);
                match side {
                    Side::Request => self.request_field(&name, &value),
                    Side::Response => self.response_field(&name, &value),
                }
            }
        }
    }

    pub fn into_exchange(self, location: Location, fallback_time: Option<ServerTime>) -> Exchange {
        let request = Request {
            method: self.method,
            url: self.url,
            http_version: self.http_version.clone(),
            headers: self.request_headers,
            headers_recorded: self.headers_recorded,
            credential_recorded: self.credential_recorded,
            ..Request::default()
        };
        let response = Response {
            status: self.status,
            reason: self.reason,
            http_version: self.http_version,
            headers: self.response_headers,
            body: self.body.as_deref().map(Body::from_text),
        };
        let mut exchange = Exchange::new(location, request);
        exchange.response = Some(response);
        exchange.server_messages = self.messages;
        exchange.server_time = self.time.or(fallback_time);
        exchange.take_server_time_from_date();
        exchange
    }
}

/// Empty, `-`, `null`: what loggers write for a field that had no value.
pub fn is_placeholder(text: &str) -> bool {
    matches!(
        text.trim(),
        "" | "-" | "null" | "nil" | "<nil>" | "undefined"
    )
}

/// An HTTP status: an integer 100..=599 or a string of one (`"401"`, `"401 Unauthorized"`).
pub fn status_of(value: &Val) -> Option<u16> {
    let code = match value {
        Val::Num(n) => n.parse::<u16>().ok()?,
        Val::Str(s) => {
            let s = s.trim();
            let digits = s.get(..3)?;
            let rest = &s[3..];
            if !digits.bytes().all(|b| b.is_ascii_digit())
                || !(rest.is_empty() || rest.starts_with(' '))
            {
                return None;
            }
            digits.parse().ok()?
        }
        _ => return None,
    };
    (100..=599).contains(&code).then_some(code)
}

/// The first status among `keys` of `obj`.
pub fn status_at(obj: &Obj, keys: &[&str]) -> Option<u16> {
    keys.iter()
        .find_map(|k| obj.path(k).as_ref().and_then(status_of))
}

/// A log timestamp: epoch seconds/ms/µs/ns (number or digits), RFC 3339 with or without an
/// offset, Common Log Format time, or an HTTP date.
pub fn stamp_of(value: &Val) -> Option<ServerTime> {
    let stamp = crate::lines::log_stamp;
    match value {
        Val::Num(n) => time::from_epoch(n.parse().ok()?).map(|at| stamp(at, false)),
        Val::Str(s) => {
            let s = s.trim();
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return time::from_epoch(s.parse().ok()?).map(|at| stamp(at, false));
            }
            // Go's default `time.Time` format ends with the zone name after the offset.
            let s = s.strip_suffix(" UTC").unwrap_or(s);
            if let Some(iso) = time::parse_iso(s) {
                return Some(stamp(iso.at, !iso.had_offset));
            }
            time::parse_clf(s)
                .or_else(|| time::parse_http_date(s))
                .map(|at| stamp(at, false))
        }
        _ => None,
    }
}

/// An absolute URL when the host is known (`https` when the scheme is not), else the target
/// as recorded.
pub fn compose_url(scheme: Option<&str>, host: Option<&str>, target: &str) -> String {
    let target = target.trim();
    if target.contains("://") {
        return target.to_owned();
    }
    let host = host.map(str::trim).filter(|h| !is_placeholder(h));
    let Some(host) = host else {
        return target.to_owned();
    };
    let scheme = scheme
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| s == "http" || s == "https")
        .unwrap_or_else(|| "https".to_owned());
    let slash = if target.starts_with('/') || target.is_empty() {
        ""
    } else {
        "/"
    };
    format!("{scheme}://{host}{slash}{target}")
}

/// `GET /v1/me HTTP/1.1` (nginx `$request`): method, target, version.
pub fn split_request_line(line: &str) -> Option<(&str, &str, &str)> {
    let mut parts = line.split_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next().unwrap_or("");
    method
        .bytes()
        .all(|b| b.is_ascii_uppercase())
        .then_some((method, target, version))
}

/// Reads headers given as a map (values a string or a list), a list of `{name, value}` or
/// `[name, value]`, or a raw header block (bunyan's `res.header`). True when `value` was a
/// collection.
pub fn read_headers(value: &Val, into: &mut Headers) -> bool {
    read_headers_kept(value, into, &|_| true)
}

/// Request headers that say nothing about credentials: the capture history never reads
/// them from a record nothing judges (it reads `Authorization`, its misspellings, API-key
/// headers, `Cookie` and `DPoP`; a test of the top crate checks no row is one of those).
/// Columns: lower-case name, where it is defined, an example value.
pub const INERT_REQUEST_HEADERS: &[(&str, &str, &str)] = &[
    ("user-agent", "RFC 9110 §10.1.5", "curl/8.5.0"),
    ("accept", "RFC 9110 §12.5.1", "application/json"),
    ("accept-encoding", "RFC 9110 §12.5.3", "gzip, deflate, br"),
    ("accept-language", "RFC 9110 §12.5.4", "en-US,en;q=0.9"),
    ("content-length", "RFC 9110 §8.6", "339"),
    (
        "referer",
        "RFC 9110 §10.1.3",
        "https://app.example.com/orders",
    ),
    ("connection", "RFC 9110 §7.6.1", "keep-alive"),
    ("cache-control", "RFC 9111 §5.2", "no-cache"),
    ("origin", "RFC 6454 §7", "https://app.example.com"),
    (
        "sec-fetch-dest",
        "W3C Fetch Metadata Request Headers §2.1",
        "empty",
    ),
    (
        "sec-fetch-mode",
        "W3C Fetch Metadata Request Headers §2.2",
        "cors",
    ),
    (
        "sec-fetch-site",
        "W3C Fetch Metadata Request Headers §2.3",
        "same-site",
    ),
    (
        "traceparent",
        "W3C Trace Context §3.2",
        "00-8f61e7d15f6b093eceb31e9b3ad75d1e-6e520f99f8702f55-01",
    ),
    ("tracestate", "W3C Trace Context §3.3", "congo=t61rcWkgMzE"),
    (
        "x-request-id",
        "Heroku HTTP Request IDs, https://devcenter.heroku.com/articles/http-request-id",
        "req_07e1bce3ad1d7e8348c4",
    ),
];

fn is_inert_request_header(name: &str) -> bool {
    INERT_REQUEST_HEADERS
        .iter()
        .any(|(inert, _, _)| inert.eq_ignore_ascii_case(name))
}

/// [`read_headers`] keeping only the headers whose name `keep` accepts.
fn read_headers_kept(value: &Val, into: &mut Headers, keep: &dyn Fn(&str) -> bool) -> bool {
    match value {
        Val::Obj(_) => {
            let Some(obj) = value.as_obj() else {
                return false;
            };
            for (name, raw) in obj.iter().filter(|(name, _)| keep(name)) {
                push_values(into, name, &Val::of(raw), false);
            }
            true
        }
        Val::Arr(_) => {
            let Some(items) = value.as_arr() else {
                return false;
            };
            for item in &items {
                read_header_pair(item, into, keep);
            }
            true
        }
        Val::Str(block) if block.contains(':') => {
            for line in block.lines().map(str::trim) {
                if let Some((name, value)) = line.split_once(':')
                    && !name.is_empty()
                    && !name.contains(' ')
                    && keep(name)
                {
                    into.push(name, value.trim());
                }
            }
            true
        }
        _ => false,
    }
}

fn read_header_pair(item: &Val, into: &mut Headers, keep: &dyn Fn(&str) -> bool) {
    if let Some(obj) = item.as_obj() {
        let name = obj
            .first(&["name", "key", "Name", "Key"])
            .and_then(|v| v.text());
        if let (Some(name), Some(value)) = (name, obj.first(&["value", "Value", "values"]))
            && keep(&name)
        {
            push_values(into, &name, &value, false);
        }
    } else if let Some(pair) = item.as_arr()
        && let [name, value] = pair.as_slice()
        && let Some(name) = name.text()
        && keep(&name)
    {
        push_values(into, &name, value, false);
    }
}

/// Pushes a header value (each element of a list). With `skip_placeholders`, `-` and empty
/// values (a logger's "not present") are not headers.
fn push_values(into: &mut Headers, name: &str, value: &Val, skip_placeholders: bool) {
    let mut push = |text: &str| {
        if !(skip_placeholders && is_placeholder(text)) {
            into.push(name, text);
        }
    };
    match value {
        Val::Arr(_) => value.each(|item| {
            if let Some(text) = item.text() {
                push(&text);
            }
        }),
        Val::Obj(_) | Val::Null => {}
        other => {
            if let Some(text) = other.text() {
                push(&text);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Request,
    Response,
}

/// Field names that hold the request's `Authorization` in user-defined formats.
const AUTHORIZATION_FIELDS: &[&str] = &[
    "authorization",
    "http_authorization",
    "req_authorization",
    "request_authorization",
    "req_header_authorization",
    "request_header_authorization",
    "header_authorization",
    "authorization_header",
];

/// Field names that hold the response's `WWW-Authenticate`.
const CHALLENGE_FIELDS: &[&str] = &[
    "www_authenticate",
    "sent_http_www_authenticate",
    "upstream_http_www_authenticate",
    "resp_www_authenticate",
    "res_www_authenticate",
    "response_www_authenticate",
    "resp_header_www_authenticate",
    "response_header_www_authenticate",
];

/// nginx variables with an `http_` prefix that are not request headers.
const NOT_HEADERS: &[&str] = &[
    "version",
    "status",
    "status_code",
    "method",
    "code",
    "protocol",
    "url",
    "uri",
    "path",
    "scheme",
    "request",
    "response",
    "x_status",
];

/// Which header a flat field holds: `http_user_agent` → request `user-agent`,
/// `sent_http_www_authenticate` → response `www-authenticate`, `authorization` fields.
/// Field names compare case-insensitively, `-` and `_` alike.
pub fn flat_header_name(key: &str) -> Option<(Side, String)> {
    let same = |name: &&str| loosely_equal(key, name);
    if AUTHORIZATION_FIELDS.iter().any(same) {
        return Some((Side::Request, "Authorization".to_owned()));
    }
    if CHALLENGE_FIELDS.iter().any(same) {
        return Some((Side::Response, "WWW-Authenticate".to_owned()));
    }
    let (side, rest) = if let Some(rest) = strip_loosely(key, "sent_http_") {
        (Side::Response, rest)
    } else if let Some(rest) = strip_loosely(key, "upstream_http_") {
        (Side::Response, rest)
    } else if let Some(rest) = strip_loosely(key, "http_") {
        (Side::Request, rest)
    } else {
        return None;
    };
    if rest.is_empty() || NOT_HEADERS.iter().any(|n| loosely_equal(rest, n)) {
        return None;
    }
    Some((side, rest.to_ascii_lowercase().replace('_', "-")))
}

/// ASCII case-insensitive, `-` and `_` alike.
fn loosely_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes().zip(b.bytes()).all(|(x, y)| {
            let fold = |c: u8| {
                if c == b'-' {
                    b'_'
                } else {
                    c.to_ascii_lowercase()
                }
            };
            fold(x) == fold(y)
        })
}

fn strip_loosely<'k>(key: &'k str, prefix: &str) -> Option<&'k str> {
    let head = key.get(..prefix.len())?;
    loosely_equal(head, prefix).then(|| &key[prefix.len()..])
}

/// Whether a `level` field says warning or worse (pino numbers, names).
pub fn is_warning_or_worse(level: Option<Val>) -> bool {
    match level {
        Some(Val::Num(n)) => n.parse::<f64>().is_ok_and(|n| n >= 40.0),
        Some(Val::Str(s)) => matches!(
            s.to_ascii_lowercase().as_str(),
            "warn"
                | "warning"
                | "error"
                | "err"
                | "fatal"
                | "critical"
                | "crit"
                | "alert"
                | "emerg"
                | "panic"
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(json: &str) -> Val<'_> {
        let raw: &serde_json::value::RawValue = serde_json::from_str(json).unwrap();
        Val::of(raw)
    }

    #[test]
    fn statuses() {
        assert_eq!(status_of(&val("401")), Some(401));
        assert_eq!(status_of(&val("\"401\"")), Some(401));
        assert_eq!(status_of(&val("\"401 Unauthorized\"")), Some(401));
        assert_eq!(status_of(&val("0")), None);
        assert_eq!(status_of(&val("\"UNAUTHENTICATED\"")), None);
        assert_eq!(status_of(&val("401.5")), None);
        assert_eq!(status_of(&val("\"4011\"")), None);
    }

    #[test]
    fn stamps() {
        let t = stamp_of(&val("1717322400.123")).unwrap();
        assert_eq!(time::format_millis(&t.at), "2024-06-02T10:00:00.123Z");
        assert!(!t.assumed_utc);
        let t = stamp_of(&val("\"2024-06-02 10:00:00\"")).unwrap();
        assert!(t.assumed_utc);
        let t = stamp_of(&val("\"02/Jun/2025:12:00:00 +0200\"")).unwrap();
        assert_eq!(time::format_millis(&t.at), "2025-06-02T10:00:00.000Z");
        let t = stamp_of(&val("\"1717322400123\"")).unwrap();
        assert_eq!(time::format_millis(&t.at), "2024-06-02T10:00:00.123Z");
        assert!(stamp_of(&val("\"soon\"")).is_none());
    }

    #[test]
    fn urls() {
        assert_eq!(
            compose_url(None, Some("api.example.com"), "/v2/devices"),
            "https://api.example.com/v2/devices"
        );
        assert_eq!(
            compose_url(Some("http"), Some("h:8080"), "x"),
            "http://h:8080/x"
        );
        assert_eq!(compose_url(None, Some("-"), "/x"), "/x");
        assert_eq!(compose_url(None, None, "https://a/b"), "https://a/b");
    }

    #[test]
    fn flat_names() {
        assert_eq!(
            flat_header_name("http_user_agent"),
            Some((Side::Request, "user-agent".into()))
        );
        assert_eq!(
            flat_header_name("sent_http_www_authenticate"),
            Some((Side::Response, "WWW-Authenticate".into()))
        );
        assert_eq!(flat_header_name("http_status"), None);
        assert_eq!(flat_header_name("status"), None);
    }

    #[test]
    fn header_collections() {
        let mut h = Headers::new();
        assert!(read_headers(
            &val(r#"{"Authorization":["REDACTED"],"Accept":["a","b"]}"#),
            &mut h
        ));
        assert_eq!(h.get("authorization"), Some("REDACTED"));
        assert_eq!(h.get_all("accept").count(), 2);
        let mut h = Headers::new();
        assert!(read_headers(
            &val(r#"[{"name":"X-A","value":"1"},["X-B","2"]]"#),
            &mut h
        ));
        assert_eq!(h.get("x-b"), Some("2"));
        let mut h = Headers::new();
        assert!(read_headers(
            &val(r#""HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\n\r\n""#),
            &mut h
        ));
        assert_eq!(h.get("www-authenticate"), Some("Bearer"));
        assert_eq!(h.len(), 1);
    }
}
