//! The pieces of an HTTP message head shared by the text readers: status lines, request
//! lines, `Name: value` lines, header blocks with obs-fold continuations, bounded bodies,
//! and URL helpers.

use std::cell::Cell;

use why401_model::exchange::{Body, Headers, body_limit};
use why401_model::setting::Setting;

/// A header block keeps at most this many headers and this many bytes of names and values
/// ([`max_header_bytes`]); the rest is dropped so one pathological paste cannot grow
/// without bound.
const MAX_HEADERS: usize = 1000;

/// The bytes of names and values one header block keeps by default: the default of
/// `--max-header-bytes`.
pub const MAX_HEADER_BYTES: usize = 1024 * 1024;

/// The bound set by `--max-header-bytes`; 0 keeps [`MAX_HEADER_BYTES`]. Process-wide: the
/// readers take no options.
static MAX_HEADER_BYTES_SET: Setting = Setting::new(MAX_HEADER_BYTES);

/// Sets how many bytes of headers each message keeps (`--max-header-bytes`).
pub fn set_max_header_bytes(bytes: usize) {
    MAX_HEADER_BYTES_SET.set(bytes);
}

/// How many bytes of names and values one header block keeps.
pub fn max_header_bytes() -> usize {
    MAX_HEADER_BYTES_SET.get()
}

thread_local! {
    /// Header blocks of this thread that dropped headers past [`max_header_bytes`] since the
    /// sink last took the count: a reader reads one input on one thread, and its sink turns
    /// the count into the input's `limit_hit` note (header blocks have no sink at hand).
    static BLOCKS_CUT: Cell<u64> = const { Cell::new(0) };
}

/// The header blocks cut since the last call (see [`BLOCKS_CUT`]); the count restarts.
pub fn take_blocks_cut() -> u64 {
    BLOCKS_CUT.with(|cut| cut.replace(0))
}

/// `HTTP/1.1 401 Unauthorized`, `HTTP/2 401` (no reason phrase over HTTP/2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine<'a> {
    pub version: &'a str,
    pub status: u16,
    pub reason: &'a str,
}

pub fn parse_status_line(line: &str) -> Option<StatusLine<'_>> {
    let rest = line.strip_prefix("HTTP/")?;
    let (version, rest) = rest.split_once(' ')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    let status = parse_status_code(code)?;
    Some(StatusLine {
        version,
        status,
        reason: reason.trim(),
    })
}

/// Three digits from 100 to 599.
pub fn parse_status_code(code: &str) -> Option<u16> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let status: u16 = code.parse().ok()?;
    (100..=599).contains(&status).then_some(status)
}

/// `GET /v2/devices HTTP/1.1`: a token method in capitals, a target, an HTTP version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub version: &'a str,
}

pub fn parse_request_line(line: &str) -> Option<RequestLine<'_>> {
    let mut parts = line.trim_end().split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let version = version.strip_prefix("HTTP/")?;
    let method_ok = !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase());
    let version_ok =
        !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    (method_ok && version_ok && !target.is_empty()).then_some(RequestLine {
        method,
        target,
        version,
    })
}

/// RFC 9110 token characters.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `Name: value` (an HTTP/2 pseudo-header `:authority: x` too). The name must be a token
/// holding a letter; a URL (`https://...`) is not a header.
pub fn parse_header_line(line: &str) -> Option<(&str, &str)> {
    let search_from = usize::from(line.starts_with(':'));
    let colon = search_from + line[search_from..].find(':')?;
    let name = &line[..colon];
    let bare = &name[search_from..];
    if bare.is_empty()
        || !bare.bytes().all(is_tchar)
        || !bare.bytes().any(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let value = &line[colon + 1..];
    if value.starts_with("//") {
        return None;
    }
    Some((name, value.trim_matches([' ', '\t'])))
}

/// A line that ends a header block and starts a body: JSON, an array, markup.
pub fn looks_like_body_start(line: &str) -> bool {
    line.starts_with(['{', '[', '<'])
}

/// What a line did to a [`HeaderBlock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    Header,
    Continuation,
    /// Neither a header nor a continuation: the block is over.
    NotHeader,
}

/// Headers read line by line. A line starting with a space or tab, or a line that is neither
/// a header, a status line nor a request line, continues the previous header: its break
/// becomes one space (RFC 9112 obs-fold), so a token broken over lines keeps a space inside.
#[derive(Debug, Clone, Default)]
pub struct HeaderBlock {
    headers: Vec<(String, String)>,
    bytes: usize,
    /// Bytes were dropped past [`max_header_bytes`] (counted once per block).
    cut: bool,
}

impl HeaderBlock {
    pub fn new() -> HeaderBlock {
        HeaderBlock::default()
    }

    pub fn push_line(&mut self, line: &str) -> Pushed {
        let folded = line.starts_with([' ', '\t']);
        if folded && self.continue_last(line) {
            return Pushed::Continuation;
        }
        if let Some((name, value)) = parse_header_line(line.trim_start()) {
            self.push(name, value);
            return Pushed::Header;
        }
        let structural = parse_status_line(line).is_some()
            || parse_request_line(line).is_some()
            || looks_like_body_start(line)
            || line.trim().is_empty();
        if !structural && self.continue_last(line) {
            return Pushed::Continuation;
        }
        Pushed::NotHeader
    }

    pub fn push(&mut self, name: &str, value: &str) {
        if self.headers.len() >= MAX_HEADERS {
            return;
        }
        if self.bytes + name.len() + value.len() > max_header_bytes() {
            self.count_cut();
            return;
        }
        self.bytes += name.len() + value.len();
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    fn continue_last(&mut self, line: &str) -> bool {
        let Some((_, value)) = self.headers.last_mut() else {
            return false;
        };
        let more = line.trim_matches([' ', '\t']);
        if self.bytes + more.len() + 1 > max_header_bytes() {
            self.count_cut();
            return true;
        }
        self.bytes += more.len() + 1;
        if !value.is_empty() && !more.is_empty() {
            value.push(' ');
        }
        value.push_str(more);
        true
    }

    fn count_cut(&mut self) {
        if !self.cut {
            self.cut = true;
            BLOCKS_CUT.with(|cut| cut.set(cut.get() + 1));
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    pub fn into_headers(self) -> Headers {
        self.headers.into_iter().collect()
    }
}

/// What a line did to a [`BodyCollector`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyStep {
    /// Taken; the body may go on.
    More,
    /// Taken, and the body is complete.
    Done,
}

/// A body printed as text lines after a header block. A body starting with `{` or `[` ends
/// where its brackets balance (a pretty-printed JSON error body); any other body ends at
/// its first blank line. At most [`body_limit`] bytes are kept.
#[derive(Debug, Clone, Default)]
pub struct BodyCollector {
    text: String,
    truncated: bool,
    started: bool,
    leading_blanks: u8,
    json: bool,
    depth: i64,
    in_string: bool,
    escaped: bool,
}

impl BodyCollector {
    pub fn new() -> BodyCollector {
        BodyCollector::default()
    }

    /// Whether a line was taken.
    pub fn is_started(&self) -> bool {
        self.started
    }

    /// Whether a JSON body is open (its brackets not yet balanced).
    pub fn inside_json(&self) -> bool {
        self.started && self.json && self.depth > 0
    }

    pub fn push(&mut self, line: &str) -> BodyStep {
        if !self.started {
            if line.trim().is_empty() {
                self.leading_blanks += 1;
                return if self.leading_blanks >= 2 {
                    BodyStep::Done
                } else {
                    BodyStep::More
                };
            }
            self.started = true;
            self.json = line.trim_start().starts_with(['{', '[']);
        } else if !self.json && line.trim().is_empty() {
            return BodyStep::Done;
        } else {
            self.append("\n");
        }
        self.append(line);
        if self.json {
            self.scan_brackets(line);
            if self.depth <= 0 {
                return BodyStep::Done;
            }
        }
        BodyStep::More
    }

    /// Marks the body as cut (a line of it was too long to read).
    pub fn mark_truncated(&mut self) {
        self.truncated = true;
        self.started = true;
    }

    fn append(&mut self, text: &str) {
        if self.truncated {
            return;
        }
        let room = body_limit().saturating_sub(self.text.len());
        if text.len() <= room {
            self.text.push_str(text);
            return;
        }
        let mut end = room;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.text.push_str(&text[..end]);
        self.truncated = true;
    }

    fn scan_brackets(&mut self, line: &str) {
        for b in line.bytes() {
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => self.depth -= 1,
                _ => {}
            }
        }
    }

    /// The collected body, or `None` when no line was taken.
    pub fn finish(self) -> Option<Body> {
        if !self.started {
            return None;
        }
        Some(Body {
            text: self.text,
            truncated: self.truncated,
        })
    }
}

/// Appends `text` to a body excerpt, keeping it within [`body_limit`].
pub fn append_body(body: &mut Option<Body>, text: &str) {
    let body = body.get_or_insert_with(Body::default);
    if body.truncated {
        return;
    }
    let room = body_limit().saturating_sub(body.text.len());
    if text.len() <= room {
        body.text.push_str(text);
        return;
    }
    let mut end = room;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    body.text.push_str(&text[..end]);
    body.truncated = true;
}

/// `https://host:port` and the rest of an absolute URL, or `None` for a relative one.
pub fn split_origin(url: &str) -> Option<(&str, &str)> {
    let scheme_end = url.find("://")?;
    let scheme = &url[..scheme_end];
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+')
    {
        return None;
    }
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let split = scheme_end + 3 + authority_end;
    Some((&url[..split], &url[split..]))
}

/// The host of an absolute URL (in the form of [`why401_model::url::host_of`], an IPv6
/// address in brackets) with its port unless it is the scheme's default: what an origin and
/// a `Host` header compare.
pub fn url_host(url: &str) -> Option<String> {
    let (origin, _) = split_origin(url)?;
    let (scheme, authority) = origin.split_once("://")?;
    let host = why401_model::url::host_of(origin)?;
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let after_host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map_or("", |(_, rest)| rest),
        None => host_port.find(':').map_or("", |at| &host_port[at..]),
    };
    let port = after_host.strip_prefix(':').unwrap_or("");
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => "443",
        "http" => "80",
        _ => "",
    };
    Some(if port.is_empty() || port == default_port {
        host
    } else {
        format!("{host}:{port}")
    })
}

/// Whether two absolute URLs share scheme, host and port (an origin).
pub fn same_origin(a: &str, b: &str) -> bool {
    let scheme = |u: &str| u.split("://").next().map(str::to_ascii_lowercase);
    scheme(a) == scheme(b) && url_host(a).is_some() && url_host(a) == url_host(b)
}

/// Resolves a `Location` value against the URL it answered.
pub fn resolve_location(base: &str, location: &str) -> String {
    let location = location.trim();
    if split_origin(location).is_some() {
        return location.to_owned();
    }
    let Some((origin, path)) = split_origin(base) else {
        return location.to_owned();
    };
    if let Some(rest) = location.strip_prefix("//") {
        let scheme = origin.split("://").next().unwrap_or("https");
        return format!("{scheme}://{rest}");
    }
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map(|i| &path[..=i]).unwrap_or("/");
    format!("{origin}{dir}{location}")
}

/// The path-and-query part of a URL (the request target).
pub fn url_target(url: &str) -> &str {
    match split_origin(url) {
        Some((_, "")) => "/",
        Some((_, rest)) => rest,
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        let s = parse_status_line("HTTP/1.1 401 Unauthorized").unwrap();
        assert_eq!(
            (s.version, s.status, s.reason),
            ("1.1", 401, "Unauthorized")
        );
        let s = parse_status_line("HTTP/2 401 ").unwrap();
        assert_eq!((s.version, s.status, s.reason), ("2", 401, ""));
        assert!(parse_status_line("HTTP/2 4011").is_none());
        assert!(parse_status_line("HTTP/x 401").is_none());
        assert!(parse_status_line("HTTP/1.1 999 Nope").is_none());
    }

    #[test]
    fn request_lines() {
        let r = parse_request_line("GET /v2/devices?x=1 HTTP/1.1").unwrap();
        assert_eq!(
            (r.method, r.target, r.version),
            ("GET", "/v2/devices?x=1", "1.1")
        );
        assert!(parse_request_line("get / HTTP/1.1").is_none());
        assert!(parse_request_line("GET / HTTP/1.1 extra").is_none());
    }

    #[test]
    fn header_lines() {
        assert_eq!(
            parse_header_line("WWW-Authenticate: Bearer realm=\"x\"  "),
            Some(("WWW-Authenticate", "Bearer realm=\"x\""))
        );
        assert_eq!(parse_header_line("x-a:b"), Some(("x-a", "b")));
        assert_eq!(
            parse_header_line(":authority: api.example.com"),
            Some((":authority", "api.example.com"))
        );
        assert_eq!(parse_header_line("https://api.example.com/x"), None);
        assert_eq!(parse_header_line("12:00:00 started"), None);
        assert_eq!(parse_header_line("no colon here"), None);
    }

    #[test]
    fn obs_fold_joins_with_one_space() {
        let mut block = HeaderBlock::new();
        assert_eq!(
            block.push_line("Authorization: Bearer eyJhbGci"),
            Pushed::Header
        );
        assert_eq!(
            block.push_line("   OiJSUzI1NiJ9.e30.sig"),
            Pushed::Continuation
        );
        assert_eq!(block.push_line("X-Other: 1"), Pushed::Header);
        assert_eq!(
            block.push_line("broken-part-of-x-other"),
            Pushed::Continuation
        );
        assert_eq!(block.push_line("{\"error\":1}"), Pushed::NotHeader);
        assert_eq!(block.push_line("HTTP/1.1 200 OK"), Pushed::NotHeader);
        let headers = block.into_headers();
        assert_eq!(
            headers.get("authorization"),
            Some("Bearer eyJhbGci OiJSUzI1NiJ9.e30.sig")
        );
        assert_eq!(headers.get("x-other"), Some("1 broken-part-of-x-other"));
    }

    #[test]
    fn a_block_past_the_header_bytes_is_cut_and_counted_once() {
        take_blocks_cut();
        let mut block = HeaderBlock::new();
        let big = "v".repeat(MAX_HEADER_BYTES);
        block.push("X-Big", &big);
        block.push("X-Big-Too", &big);
        block.push_line("X-Small: 1");
        assert_eq!(take_blocks_cut(), 1, "one block cut, counted once");
        assert_eq!(take_blocks_cut(), 0, "the count restarts");
        let headers = block.into_headers();
        assert_eq!(headers.get("x-big"), None);
        assert_eq!(headers.get("x-small"), Some("1"));
    }

    #[test]
    fn json_body_ends_where_brackets_balance() {
        let mut body = BodyCollector::new();
        assert_eq!(body.push("{"), BodyStep::More);
        assert_eq!(
            body.push("  \"error\": \"a } in a string\","),
            BodyStep::More
        );
        assert_eq!(body.push("  \"code\": 401"), BodyStep::More);
        assert_eq!(body.push("}"), BodyStep::Done);
        let body = body.finish().unwrap();
        assert!(body.text.starts_with("{\n  \"error\""));
        assert!(body.text.ends_with("401\n}"));
    }

    #[test]
    fn text_body_ends_at_blank_line() {
        let mut body = BodyCollector::new();
        assert_eq!(body.push("<html>"), BodyStep::More);
        assert_eq!(body.push("</html>"), BodyStep::More);
        assert_eq!(body.push(""), BodyStep::Done);
        assert_eq!(body.finish().unwrap().text, "<html>\n</html>");
        let mut empty = BodyCollector::new();
        assert_eq!(empty.push(""), BodyStep::More);
        assert_eq!(empty.push(""), BodyStep::Done);
        assert!(empty.finish().is_none());
    }

    #[test]
    fn urls() {
        assert_eq!(
            resolve_location("https://a.example.com/v2/x?y=1", "/v3/z"),
            "https://a.example.com/v3/z"
        );
        assert_eq!(
            resolve_location("https://a.example.com/v2/x", "y"),
            "https://a.example.com/v2/y"
        );
        assert_eq!(
            resolve_location("https://a.example.com/", "https://b.example.com/q"),
            "https://b.example.com/q"
        );
        assert_eq!(
            url_host("https://API.example.com:443/x").as_deref(),
            Some("api.example.com")
        );
        assert!(same_origin(
            "https://a.example.com/x",
            "https://a.example.com:443/y"
        ));
        assert!(!same_origin(
            "https://a.example.com/x",
            "https://b.example.com/x"
        ));
        assert_eq!(url_target("https://a.example.com"), "/");
        assert_eq!(url_target("https://a.example.com/v2?x"), "/v2?x");
    }
}
