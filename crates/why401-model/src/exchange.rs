//! The one data model every reader produces and every later stage consumes: an HTTP
//! exchange (request, optional response, server messages, times) and where it came from.
//!
//! Readers keep per-exchange data small: header lists and bounded body excerpts
//! ([`body_limit`]), so a source can be streamed exchange by exchange at any size.

use std::fmt;
use std::sync::Arc;

use crate::setting::Setting;

use chrono::{DateTime, NaiveTime, Utc};

/// Bodies are kept as evidence, but only their first 64 KiB: the default of
/// `--max-body-excerpt`.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The excerpt size set by `--max-body-excerpt`; 0 keeps [`BODY_LIMIT`]. Process-wide: the
/// readers take no options.
static BODY_LIMIT_SET: Setting = Setting::new(BODY_LIMIT);

/// Sets how many bytes of each body are kept (`--max-body-excerpt`).
pub fn set_body_limit(bytes: usize) {
    BODY_LIMIT_SET.set(bytes);
}

/// How many bytes of each body are kept: `--max-body-excerpt` when given, else
/// [`BODY_LIMIT`]. A longer body is cut and marked [`Body::truncated`].
pub fn body_limit() -> usize {
    BODY_LIMIT_SET.get()
}

/// Where an exchange sits inside its source, as the report prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// A 1-based physical line of a text input: `line N`.
    Line(u64),
    /// An element of a HAR `log.entries` array: `entries[N]`.
    Entry(u64),
    /// An element of a top-level JSON array: `[N]`.
    Element(u64),
    /// A range of 1-based physical lines of a text input (a pasted response): `lines N-M`.
    Lines(u64, u64),
    /// The input as a whole (an error that no record can be blamed for).
    Whole,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Entry(n) => write!(f, "entries[{n}]"),
            Location::Element(n) => write!(f, "[{n}]"),
            Location::Lines(a, b) if a == b => write!(f, "line {a}"),
            Location::Lines(a, b) => write!(f, "lines {a}-{b}"),
            Location::Whole => f.write_str("input"),
        }
    }
}

/// The source an exchange came from and its place in it. `index` is 0-based and restarts in
/// every source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub source: Arc<str>,
    pub index: u64,
    pub location: Location,
}

/// One header with its name as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// Headers in recorded order, original names kept, repeated headers kept; lookup is
/// case-insensitive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<Header>);

impl Headers {
    pub fn new() -> Self {
        Headers(Vec::new())
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push(Header {
            name: name.into(),
            value: value.into(),
        });
    }

    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// Every value of `name` (case-insensitive), in recorded order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Header> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut headers = Headers::new();
        for (name, value) in iter {
            headers.push(name, value);
        }
        headers
    }
}

/// A bounded body excerpt, decoded to text (invalid UTF-8 replaced).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    pub text: String,
    /// The body was longer than [`body_limit`] and was cut.
    pub truncated: bool,
}

impl Body {
    /// Keeps the first [`body_limit`] bytes of `text`, cut at a character boundary.
    pub fn from_text(text: &str) -> Body {
        let limit = body_limit();
        if text.len() <= limit {
            return Body {
                text: text.to_owned(),
                truncated: false,
            };
        }
        let mut end = limit;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        Body {
            text: text[..end].to_owned(),
            truncated: true,
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Body {
        let limit = body_limit();
        let cut = bytes.len().min(limit);
        let mut body = Body {
            text: String::from_utf8_lossy(&bytes[..cut]).into_owned(),
            truncated: bytes.len() > limit,
        };
        // A multi-byte character cut at the limit becomes one replacement character.
        if body.truncated && body.text.ends_with('\u{FFFD}') {
            body.text.pop();
        }
        body
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// Absolute when the host is known, else as recorded (a path).
    pub url: String,
    pub http_version: String,
    pub headers: Headers,
    /// False for inputs that never record request headers (gateway logs, response pastes).
    pub headers_recorded: bool,
    /// False when the input shows the headers but says the credential was not recorded
    /// (`curl -n`, `-K file`, `-H @file`; a log that keeps a few chosen headers).
    pub credential_recorded: bool,
    pub body: Option<Body>,
    /// False when a body was sent but the input does not show it (`} [N bytes data]`, logs).
    pub body_recorded: bool,
    /// `application/x-www-form-urlencoded` parameters of the body, decoded.
    pub form: Vec<(String, String)>,
}

impl Request {
    /// A request whose headers and body are both recorded (HAR, curl, raw HTTP).
    pub fn recorded(method: impl Into<String>, url: impl Into<String>) -> Request {
        Request {
            method: method.into(),
            url: url.into(),
            headers_recorded: true,
            credential_recorded: true,
            body_recorded: true,
            ..Request::default()
        }
    }

    /// A request known only by what a log or a response paste says: no headers, no body.
    pub fn unrecorded(method: impl Into<String>, url: impl Into<String>) -> Request {
        Request {
            method: method.into(),
            url: url.into(),
            ..Request::default()
        }
    }

    /// Stores a body excerpt and, for form bodies, its decoded parameters.
    pub fn set_body(&mut self, text: &str, content_type: Option<&str>) {
        let is_form = content_type
            .map(|ct| {
                ct.to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            })
            .unwrap_or(false);
        if is_form || (content_type.is_none() && looks_like_form(text)) {
            self.form = parse_form(text);
        }
        self.body = Some(Body::from_text(text));
        self.body_recorded = true;
    }

    /// The value of a form parameter, if the body was a form.
    pub fn form_param(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub http_version: String,
    pub headers: Headers,
    pub body: Option<Body>,
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            ..Response::default()
        }
    }
}

/// An error text a server or gateway logged with the exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerMessage {
    /// The field it came from (`error.message`, `response_code_details`, ...).
    pub field: String,
    pub text: String,
}

/// When the client sent the request, by the client's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientTime {
    /// A full timestamp with a date and an offset (HAR `startedDateTime`).
    Instant(DateTime<Utc>),
    /// A time of day alone (`curl --trace-time`): it orders events, never compared with `Date`.
    TimeOfDay(NaiveTime),
}

impl ClientTime {
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        match self {
            ClientTime::Instant(t) => Some(*t),
            ClientTime::TimeOfDay(_) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerTimeSource {
    /// The response's `Date` header.
    DateHeader,
    /// A timestamp the server or gateway wrote in its log.
    LogTimestamp,
}

/// When the server handled the request, by the server's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerTime {
    pub at: DateTime<Utc>,
    pub source: ServerTimeSource,
    /// The timestamp had no offset and was read as UTC.
    pub assumed_utc: bool,
}

/// Facts a reader knows about one exchange beyond request and response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExchangeNote {
    /// No status anywhere; a lone `WWW-Authenticate` challenge implies 401.
    StatusInferred,
    /// The request failed before any response (HAR `_error`, status 0/-1).
    Failed,
    /// The status is known only from a sentence that reports it ("the response is 401").
    StatusFromProse,
    /// The request came from a login command (`docker login`, `helm registry login`): it sent
    /// the username and password typed at its prompt, which the input does not show.
    LoginCommand,
    /// The capture says the request's headers were longer than the headers it shows: the
    /// exporter removed some of them.
    RequestHeadersRemoved,
    /// The exchange comes from an export whose exporter may remove credential headers, and
    /// which exporter wrote it may be told only at the end of the source.
    ExportMayStripCredentials,
    /// The text says the failed call asked for a token (a client library's "cannot fetch
    /// token"), though it shows no token endpoint URL: the 401 is the token endpoint's.
    TokenRequest,
}

/// One HTTP exchange: the unit every stage works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub origin: Origin,
    pub request: Request,
    pub response: Option<Response>,
    pub server_messages: Vec<ServerMessage>,
    pub client_time: Option<ClientTime>,
    pub server_time: Option<ServerTime>,
    /// The URL of the hop before this one when the client followed a redirect (`curl -L`).
    pub redirected_from: Option<String>,
    pub notes: Vec<ExchangeNote>,
}

impl Exchange {
    /// A new exchange; the reader's sink fills in `origin.index`.
    pub fn new(location: Location, request: Request) -> Exchange {
        Exchange {
            origin: Origin {
                source: Arc::from(""),
                index: 0,
                location,
            },
            request,
            response: None,
            server_messages: Vec::new(),
            client_time: None,
            server_time: None,
            redirected_from: None,
            notes: Vec::new(),
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// Sets `server_time` from the response `Date` header unless a log timestamp is known.
    pub fn take_server_time_from_date(&mut self) {
        if self.server_time.is_some() {
            return;
        }
        let date = self
            .response
            .as_ref()
            .and_then(|r| r.headers.get("date"))
            .and_then(crate::time::parse_http_date);
        if let Some(at) = date {
            self.server_time = Some(ServerTime {
                at,
                source: ServerTimeSource::DateHeader,
                assumed_utc: false,
            });
        }
    }
}

fn looks_like_form(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && !text.starts_with('{')
        && !text.starts_with('[')
        && text.contains('=')
        && !text.contains(char::is_whitespace)
}

/// Decodes `a=1&b=two%20words` into pairs (`+` is a space).
pub fn parse_form(text: &str) -> Vec<(String, String)> {
    text.trim()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Percent-decodes a URL component, `+` as space; invalid escapes stay as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lookup_is_case_insensitive_and_keeps_repeats() {
        let headers: Headers = [
            ("WWW-Authenticate", "Bearer"),
            ("www-authenticate", "Basic realm=x"),
        ]
        .into_iter()
        .collect();
        assert_eq!(headers.get("Www-Authenticate"), Some("Bearer"));
        assert_eq!(headers.get_all("WWW-AUTHENTICATE").count(), 2);
        assert_eq!(headers.get("authorization"), None);
    }

    #[test]
    fn body_is_cut_at_limit_on_char_boundary() {
        let text = "é".repeat(BODY_LIMIT);
        let body = Body::from_text(&text);
        assert!(body.truncated);
        assert!(body.text.len() <= BODY_LIMIT);
        assert!(body.text.chars().all(|c| c == 'é'));
    }

    #[test]
    fn form_bodies_are_parsed() {
        let mut req = Request::recorded("POST", "https://auth.example.com/oauth/token");
        req.set_body(
            "grant_type=client_credentials&client_id=app%201&scope=read+write",
            Some("application/x-www-form-urlencoded; charset=utf-8"),
        );
        assert_eq!(req.form_param("grant_type"), Some("client_credentials"));
        assert_eq!(req.form_param("client_id"), Some("app 1"));
        assert_eq!(req.form_param("scope"), Some("read write"));
    }

    #[test]
    fn percent_decode_keeps_bad_escapes() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("a%zz"), "a%zz");
        assert_eq!(percent_decode("%41%42"), "AB");
    }
}
