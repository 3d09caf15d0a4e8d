//! curl transcripts: `-v` (7.x to 8.x, HTTP/1.1, HTTP/2 and HTTP/3, with `--trace-time` and
//! `--trace-ids` prefixes), `--trace-ascii` and `--trace` (hex). One exchange per final
//! response; a `1xx` or a proxy tunnel's answer belongs to the response after it, a proxy
//! `CONNECT` is not an exchange, a request without a response is not one. The location is
//! the line of the request line, else of the status line.

use std::cell::RefCell;
use std::io::BufRead;

use chrono::NaiveTime;

use super::command::{self, CommandLines};
use super::headers::{
    BodyCollector, BodyStep, HeaderBlock, append_body, looks_like_body_start, parse_header_line,
    parse_request_line, parse_status_line, resolve_location, split_origin, url_host, url_target,
};
use super::lines::{self, LineTrouble, MAX_LINE};
use super::{Fatal, Sink, for_each_line};
use why401_model::exchange::{BODY_LIMIT, Body, ClientTime, Exchange, Location, Request, Response};

/// `--trace-ascii` prints at most this many bytes per row.
const ASCII_ROW: usize = 64;

/// A trace header section keeps at most this much (data sections keep a body excerpt).
const MAX_SECTION_BYTES: usize = 1024 * 1024;

pub fn read(input: &mut dyn BufRead, sink: &mut Sink) -> Result<(), Fatal> {
    let reader = RefCell::new(CurlReader::new(sink));
    let result = for_each_line(
        input,
        MAX_LINE,
        |number, bytes| reader.borrow_mut().line(number, bytes),
        |number, len| reader.borrow_mut().long_line(number, len),
    );
    reader.into_inner().finish();
    result.map_err(|err| lines::read_failure(&err))
}

/// Splits the `--trace-time` (`HH:MM:SS.uuuuuu `) and `--trace-ids` (`[0-0] `, `[0-x] `)
/// prefixes off a line.
pub fn split_trace_prefix(line: &str) -> (Option<NaiveTime>, &str) {
    let mut rest = line;
    let mut time = None;
    if let Some((stamp, after)) = rest.split_once(' ')
        && stamp.len() >= 8
        && stamp.as_bytes()[2] == b':'
        && let Ok(parsed) = NaiveTime::parse_from_str(stamp, "%H:%M:%S%.f")
    {
        time = Some(parsed);
        rest = after;
    }
    if rest.starts_with('[')
        && let Some((ids, after)) = rest.split_once("] ")
        && let Some((conn, xfer)) = ids[1..].split_once('-')
        && !conn.is_empty()
        && conn.bytes().all(|b| b.is_ascii_digit())
        && (xfer == "x" || (!xfer.is_empty() && xfer.bytes().all(|b| b.is_ascii_digit())))
    {
        rest = after;
    }
    (time, rest)
}

/// What curl said about the connection the next request goes over.
#[derive(Debug, Default)]
struct Connection {
    host: Option<String>,
    port: Option<u16>,
    tls: bool,
    /// `Re-using existing connection`: a `Connected to` line that follows keeps its TLS.
    reusing: bool,
}

/// HTTP/2 and HTTP/3 pseudo-headers from `h2h3 [...]` and `[HTTP/2] [n] [...]` info lines.
#[derive(Debug, Default)]
struct Pseudo {
    scheme: Option<String>,
    authority: Option<String>,
}

struct CurlRequest {
    line: u64,
    time: Option<NaiveTime>,
    method: String,
    target: String,
    version: String,
    headers: HeaderBlock,
    in_headers: bool,
    url: String,
    body: Option<Body>,
    /// `} [N bytes data]` after the headers.
    data_placeholder: bool,
    connect: bool,
    redirected_from: Option<String>,
}

impl CurlRequest {
    /// Whether the request says it carries a body.
    fn declares_body(&self) -> bool {
        let length = self
            .headers
            .get("content-length")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0);
        length > 0 || self.headers.contains("transfer-encoding")
    }

    fn into_request(self) -> Request {
        let placeholder_is_body = self.data_placeholder
            && (self.declares_body()
                || !matches!(
                    self.method.as_str(),
                    "GET" | "HEAD" | "OPTIONS" | "DELETE" | "TRACE"
                ));
        let unshown_body = self.body.is_none() && (placeholder_is_body || self.declares_body());
        let content_type = self.headers.get("content-type").map(str::to_owned);
        let mut request = Request::recorded(self.method, self.url);
        request.http_version = self.version;
        request.headers = self.headers.into_headers();
        if let Some(body) = self.body {
            request.set_body(&body.text, content_type.as_deref());
            if let Some(kept) = request.body.as_mut() {
                kept.truncated |= body.truncated;
            }
        } else if unshown_body {
            request.body_recorded = false;
        }
        request
    }
}

struct CurlResponse {
    line: u64,
    status: u16,
    reason: String,
    version: String,
    headers: HeaderBlock,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    SendHeader,
    SendData,
    RecvHeader,
    RecvData,
    Ignored,
}

/// One `--trace`/`--trace-ascii` section: its rows joined back into the bytes curl saw.
struct TraceSection {
    kind: SectionKind,
    declared: usize,
    line: u64,
    last_row_line: u64,
    time: Option<NaiveTime>,
    buf: Vec<u8>,
    /// Where each line of `buf` starts and the physical line its first byte came from.
    starts: Vec<(usize, u64)>,
    at_line_start: bool,
    prev_end: Option<usize>,
    hex: bool,
}

impl TraceSection {
    /// `=> Send header, 85 bytes (0x55)` and its siblings.
    fn open(line: &str, number: u64, time: Option<NaiveTime>) -> Option<TraceSection> {
        let (label, rest) = line.split_once(", ")?;
        let kind = match label {
            "=> Send header" => SectionKind::SendHeader,
            "=> Send data" => SectionKind::SendData,
            "<= Recv header" => SectionKind::RecvHeader,
            "<= Recv data" => SectionKind::RecvData,
            "=> Send SSL data" | "<= Recv SSL data" => SectionKind::Ignored,
            _ => return None,
        };
        let (count, unit) = rest.split_once(' ')?;
        if !unit.starts_with("bytes") {
            return None;
        }
        Some(TraceSection {
            kind,
            declared: count.parse().ok()?,
            line: number,
            last_row_line: number,
            time,
            buf: Vec::new(),
            starts: Vec::new(),
            at_line_start: true,
            prev_end: None,
            hex: false,
        })
    }

    fn cap(&self) -> usize {
        match self.kind {
            SectionKind::SendHeader | SectionKind::RecvHeader => MAX_SECTION_BYTES,
            _ => BODY_LIMIT + 1,
        }
    }

    /// Adds a row `0040: ...`. `--trace-ascii` rows end at 64 bytes or at a CRLF (not
    /// printed): the gap between a row's end and the next row's offset tells which.
    fn push_row(&mut self, offset: usize, data: &str, number: u64) {
        self.last_row_line = number;
        if self.kind == SectionKind::Ignored {
            return;
        }
        if let Some(bytes) = hex_row(data) {
            self.hex = true;
            self.push_bytes(&bytes, number);
            self.prev_end = Some(offset.saturating_add(bytes.len()));
            return;
        }
        if let Some(prev_end) = self.prev_end {
            let gap = offset.saturating_sub(prev_end);
            if gap >= 2 {
                // Trailing spaces an editor stripped (at most a row's worth), then the CRLF.
                self.push_spaces(gap - 2, number);
                self.push_bytes(b"\n", number);
            } else if gap > 0 {
                self.push_spaces(gap, number);
            } else if offset < prev_end {
                self.push_bytes(b"\n", number);
            }
        }
        self.push_bytes(data.as_bytes(), number);
        self.prev_end = Some(offset.saturating_add(data.len()));
    }

    fn push_spaces(&mut self, count: usize, number: u64) {
        for _ in 0..count.min(ASCII_ROW) {
            self.push_bytes(b" ", number);
        }
    }

    fn push_bytes(&mut self, bytes: &[u8], number: u64) {
        for &b in bytes {
            if self.buf.len() >= self.cap() {
                return;
            }
            if self.at_line_start {
                self.starts.push((self.buf.len(), number));
                self.at_line_start = false;
            }
            self.buf.push(b);
            self.at_line_start = b == b'\n';
        }
    }

    /// The section's text lines with the physical line each starts on.
    fn into_lines(mut self) -> Vec<(u64, String)> {
        if !self.hex
            && let Some(prev_end) = self.prev_end
            && self.declared >= prev_end.saturating_add(2)
        {
            self.push_bytes(b"\n", self.last_row_line);
        }
        if self.prev_end.is_none() && self.declared >= 2 && !self.hex {
            // `<= Recv header, 2 bytes` whose empty row was lost: the blank line.
            self.push_bytes(b"\n", self.line);
        }
        let mut out = Vec::new();
        let mut segments = self.buf.split(|&b| b == b'\n').peekable();
        let mut index = 0;
        while let Some(segment) = segments.next() {
            if segments.peek().is_none() && segment.is_empty() {
                break;
            }
            let line = self.starts.get(index).map(|s| s.1).unwrap_or(self.line);
            let mut text = lines::decode(segment).into_owned();
            while text.ends_with('\r') {
                text.pop();
            }
            out.push((line, text));
            index += 1;
        }
        out
    }

    fn into_text(self) -> String {
        let mut text = lines::decode(&self.buf).into_owned();
        if self.hex {
            text = text.replace("\r\n", "\n");
        }
        text
    }
}

/// `--trace` rows: 16 bytes as hex pairs in a 48-column field, then their characters.
fn hex_row(data: &str) -> Option<Vec<u8>> {
    let field = data.get(..48)?;
    let mut bytes = Vec::with_capacity(16);
    for group in field.as_bytes().chunks(3) {
        match group {
            [b' ', b' ', b' '] => {}
            [h, l, b' '] => {
                let pair = std::str::from_utf8(&[*h, *l]).ok()?.to_owned();
                bytes.push(u8::from_str_radix(&pair, 16).ok()?);
            }
            _ => return None,
        }
    }
    (!bytes.is_empty()).then_some(bytes)
}

/// `0040: data` (offsets of four or more hex digits); `0019:` when the row is empty.
fn parse_row(line: &str) -> Option<(usize, &str)> {
    let (offset, data) = match line.split_once(": ") {
        Some(split) => split,
        None => (line.strip_suffix(':')?, ""),
    };
    if offset.len() < 4 || !offset.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((usize::from_str_radix(offset, 16).ok()?, data))
}

/// `{ [1256 bytes data]` / `} [512 bytes data]`.
fn is_data_placeholder(rest: &str) -> bool {
    rest.strip_prefix('[')
        .and_then(|r| r.strip_suffix(" bytes data]"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The progress meter curl prints on stderr when stdout is redirected: never a body.
fn is_progress(segment: &str) -> bool {
    let t = segment.trim();
    t.is_empty()
        || t.contains("% Total")
        || (t.contains("Dload") && t.contains("Upload"))
        || t.contains("--:--:--")
        || (t.len() > 20
            && t.chars()
                .all(|c| c.is_ascii_digit() || " .:-kMG".contains(c)))
}

/// Info phrases that can end up glued after a body printed without a final newline.
const GLUED_INFO: &[&str] = &[
    "* Connection #",
    "* Closing connection",
    "* shutting down connection",
];

/// A text body (not JSON or markup) announced only by the end of its connection is taken
/// for at most this many lines: the paragraph after the transcript.
const MAX_UNCOUNTED_BODY_LINES: usize = 20;

/// Whether curl's info line says a transfer is over (its body, if any, printed after it).
fn ends_transfer(info: &str) -> bool {
    (info.starts_with("Connection #") && info.contains("left intact"))
        || info.starts_with("Closing connection")
        || info.starts_with("shutting down connection")
}

/// `{ [1256 bytes data]` → 1256.
fn placeholder_bytes(rest: &str) -> Option<usize> {
    rest.strip_prefix('[')?
        .strip_suffix(" bytes data]")?
        .parse()
        .ok()
}

/// What curl and the response said about the body printed on stdout (after `2>&1`): the
/// bytes curl received (`{ [N bytes data]`), the `Content-Length` and `Content-Type`, and
/// whether the transfer ended (`Connection #0 ... left intact`). Received bytes, or the end of
/// a transfer whose response declared a body, make the unprefixed text after the transcript
/// the body whatever it looks like; a byte count bounds how much of it is taken, so the
/// question a customer writes under the transcript is never read as the server's words.
#[derive(Debug, Default)]
struct Announced {
    received: Option<usize>,
    declared: Option<usize>,
    typed: bool,
    ended: bool,
    /// Bytes and lines of a text body taken so far.
    taken: usize,
    lines: usize,
}

impl Announced {
    fn for_response(response: Option<&Response>) -> Announced {
        let headers = response.map(|r| &r.headers);
        Announced {
            declared: headers
                .and_then(|h| h.get("content-length"))
                .and_then(|v| v.trim().parse().ok()),
            typed: headers.is_some_and(|h| h.contains("content-type")),
            ..Announced::default()
        }
    }

    fn any(&self) -> bool {
        if self.received.is_some_and(|n| n > 0) {
            return true;
        }
        self.ended && self.declared.map_or(self.typed, |n| n > 0)
    }

    /// Counts a text line taken; true when the announced body is complete.
    fn take_line(&mut self, line: &str) -> bool {
        // Counted as if each line ended with CRLF: a body never runs past its bytes into the
        // text after it, at worst a few bytes of it are left out.
        self.taken = self.taken.saturating_add(line.len() + 2);
        self.lines += 1;
        match self.received.or(self.declared) {
            Some(bytes) => self.taken >= bytes,
            None => self.lines >= MAX_UNCOUNTED_BODY_LINES,
        }
    }
}

/// The leading spaces and tabs of a line.
fn indentation(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// `line` without as much of `indent` as it starts with.
pub fn strip_indent<'l>(line: &'l str, indent: &str) -> &'l str {
    let common = line
        .bytes()
        .zip(indent.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    &line[common..]
}

struct CurlReader<'s, 'a> {
    sink: &'s mut Sink<'a>,
    conn: Connection,
    /// The URL curl named for the next request (`Issue another request to this URL`,
    /// `OPENED stream for`).
    next_url: Option<String>,
    pseudo: Pseudo,
    issued_another: bool,
    request: Option<CurlRequest>,
    response: Option<CurlResponse>,
    /// The last complete exchange, held back for a body printed after it.
    done: Option<Exchange>,
    stdout: Option<BodyCollector>,
    /// (from, to) of the last redirect response.
    last_redirect: Option<(String, String)>,
    section: Option<TraceSection>,
    trouble: LineTrouble,
    /// What curl announced of the body printed after the last response.
    announced: Announced,
    /// The command pasted above the transcript, while its continuation lines come.
    command: Option<CommandLines>,
    /// The last info line spoke of TLS: a `{ [N bytes data]` after it is a TLS record (a
    /// session ticket), not body.
    tls_record_next: bool,
    /// The indentation of the first line that is not blank: a paste indented as a whole
    /// (a Markdown list, an e-mail) is read without it.
    indent: Option<String>,
}

impl<'s, 'a> CurlReader<'s, 'a> {
    fn new(sink: &'s mut Sink<'a>) -> Self {
        CurlReader {
            sink,
            conn: Connection::default(),
            next_url: None,
            pseudo: Pseudo::default(),
            issued_another: false,
            request: None,
            response: None,
            done: None,
            stdout: None,
            last_redirect: None,
            section: None,
            trouble: LineTrouble::default(),
            announced: Announced::default(),
            command: None,
            tls_record_next: false,
            indent: None,
        }
    }

    fn line(&mut self, number: u64, bytes: &[u8]) {
        if lines::is_binary(bytes) {
            self.trouble.binary(number);
            return;
        }
        let text = lines::decode(bytes);
        if self.indent.is_none() && !is_progress(&text) {
            self.indent = Some(indentation(&text).to_owned());
        }
        let text = strip_indent(&text, self.indent.as_deref().unwrap_or(""));
        if self.command_continues(text) {
            return;
        }
        let (time, rest) = split_trace_prefix(text);
        if let Some(section) = self.section.as_mut() {
            if let Some((offset, data)) = parse_row(rest) {
                section.push_row(offset, data, number);
                return;
            }
            self.close_section();
        }
        self.event(number, time, rest);
    }

    fn long_line(&mut self, number: u64, len: usize) {
        LineTrouble::too_long(self.sink, number, len);
        if let Some(stdout) = self.stdout.as_mut() {
            stdout.mark_truncated();
        }
    }

    fn event(&mut self, n: u64, time: Option<NaiveTime>, line: &str) {
        let tls_record = std::mem::take(&mut self.tls_record_next);
        if let Some(info) = line.strip_prefix("== Info: ") {
            return self.info(info.trim_end());
        }
        if let Some(section) = TraceSection::open(line, n, time) {
            self.section = Some(section);
            return;
        }
        let (marker, rest) = match line.as_bytes().first() {
            Some(&b) if line.len() == 1 || line.as_bytes()[1] == b' ' => {
                (b, line.get(2..).unwrap_or(""))
            }
            _ => (0, line),
        };
        match marker {
            b'*' => self.info(rest.trim()),
            b'>' => self.request_line(n, time, rest),
            b'<' => self.response_line(n, rest),
            b'}' if is_data_placeholder(rest) => self.sent_placeholder(),
            b'{' if is_data_placeholder(rest) && !tls_record => self.received_placeholder(rest),
            b'{' if is_data_placeholder(rest) => {}
            _ => self.other(line),
        }
    }

    // ---- info lines ------------------------------------------------------------------

    fn info(&mut self, text: &str) {
        self.tls_record_next = text.starts_with("TLSv") || text.starts_with("SSLv");
        if ends_transfer(text) {
            self.end_open_response();
            self.announced.ended |= self.stdout.is_some();
        } else if text.starts_with("Trying ") {
            self.conn.tls = false;
        } else if text.starts_with("Re-using existing connection") {
            self.conn.reusing = true;
        } else if let Some(rest) = text.strip_prefix("Connected to ") {
            self.connected(rest);
        } else if let Some(rest) = text.strip_prefix("Established connection to ") {
            self.connected(rest);
        } else if let Some(rest) = text.strip_prefix("Host ")
            && let Some(host) = rest.strip_suffix(" was resolved.")
        {
            self.set_host_port(host);
        } else if let Some(url) = quoted_after(text, "Issue another request to this URL: ") {
            self.next_url = Some(url.to_owned());
            self.issued_another = true;
        } else if let Some(at) = text.find("OPENED stream for ") {
            self.next_url = Some(text[at + 18..].trim().to_owned());
        } else if let Some(at) = text.find("[:") {
            self.pseudo_header(&text[at + 1..]);
        } else if let Some(at) = text.find("proxy tunnel to ") {
            self.set_host_port(text[at + 16..].trim());
        } else if is_tls_marker(text) {
            self.conn.tls = true;
        }
    }

    /// `api.example.com (203.0.113.7) port 443 (#0)` (≤ 8.15) or
    /// `api.example.com (203.0.113.7 port 443) from 10.0.0.2 port 51234` (≥ 8.16).
    fn connected(&mut self, rest: &str) {
        let host = rest.split_whitespace().next().unwrap_or("");
        let port = rest
            .split_once("port ")
            .and_then(|(_, p)| p.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok());
        self.conn.host = Some(host.to_owned());
        self.conn.port = port;
        self.conn.tls &= std::mem::take(&mut self.conn.reusing);
    }

    fn set_host_port(&mut self, host_port: &str) {
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, p.parse().ok()),
            _ => (host_port, None),
        };
        self.conn.host = Some(host.trim_matches(['[', ']']).to_owned());
        self.conn.port = port;
    }

    /// `:authority: api.example.com]` from `h2h3 [...]` / `[HTTP/2] [1] [...]`. Only the
    /// pseudo-headers are taken: the regular headers are repeated in the `>` block.
    fn pseudo_header(&mut self, text: &str) {
        let text = text.trim_end().trim_end_matches(']');
        match parse_header_line(text) {
            Some((":authority", value)) => self.pseudo.authority = Some(value.to_owned()),
            Some((":scheme", value)) => self.pseudo.scheme = Some(value.to_owned()),
            _ => {}
        }
    }

    // ---- request ---------------------------------------------------------------------

    fn request_line(&mut self, n: u64, time: Option<NaiveTime>, text: &str) {
        if let Some(request) = self.request.as_mut()
            && request.in_headers
        {
            if text.trim().is_empty() {
                self.end_request_headers();
                return;
            }
            if parse_request_line(text).is_none() {
                request.headers.push_line(text);
                return;
            }
        }
        if let Some(line) = parse_request_line(text) {
            self.flush_done();
            // A request still waiting for its response got none: not an exchange.
            self.request = Some(CurlRequest {
                line: n,
                time,
                method: line.method.to_owned(),
                target: line.target.to_owned(),
                version: line.version.to_owned(),
                headers: HeaderBlock::new(),
                in_headers: true,
                url: String::new(),
                body: None,
                data_placeholder: false,
                connect: line.method == "CONNECT",
                redirected_from: None,
            });
        }
    }

    fn end_request_headers(&mut self) {
        let Some(mut request) = self.request.take() else {
            return;
        };
        request.in_headers = false;
        if request.connect {
            self.set_host_port(&request.target.clone());
        } else {
            request.url = self.request_url(&request.target, &request.headers);
            if let Some((from, to)) = self.last_redirect.take()
                && (self.issued_another || to == request.url)
            {
                request.redirected_from = Some(from);
            }
            self.issued_another = false;
        }
        self.request = Some(request);
    }

    /// The absolute URL of a request: from what curl named, else from `Host` /
    /// `:authority` / the connection, https when TLS was seen or the port is 443.
    fn request_url(&mut self, target: &str, headers: &HeaderBlock) -> String {
        let next_url = self.next_url.take();
        let pseudo = std::mem::take(&mut self.pseudo);
        if split_origin(target).is_some() {
            return target.to_owned();
        }
        if let Some(url) = &next_url
            && url_target(url) == target
        {
            return url.clone();
        }
        let conn_host = self.conn.host.as_ref().map(|h| match self.conn.port {
            Some(p) if p != 80 && p != 443 => format!("{h}:{p}"),
            _ => h.clone(),
        });
        let host = headers
            .get("host")
            .map(str::to_owned)
            .or(pseudo.authority)
            .or_else(|| next_url.as_deref().and_then(url_host))
            .or(conn_host);
        let Some(host) = host else {
            return target.to_owned();
        };
        let named_scheme = next_url
            .as_deref()
            .filter(|u| url_host(u).as_deref() == Some(&host.to_ascii_lowercase()))
            .and_then(|u| u.split("://").next().map(str::to_owned));
        let tls = self.conn.tls || self.conn.port == Some(443) || host.ends_with(":443");
        // Without TLS lines, a port or a named URL the scheme is unknown: written `//host`.
        let plain = self.conn.port.is_some() || host.ends_with(":80");
        let scheme = pseudo.scheme.or(named_scheme).or_else(|| {
            if tls {
                Some("https".into())
            } else {
                plain.then(|| "http".into())
            }
        });
        match scheme {
            Some(scheme) => format!("{scheme}://{host}{target}"),
            None => format!("//{host}{target}"),
        }
    }

    fn sent_placeholder(&mut self) {
        // An interim response (`100 Continue`) pasted without its blank line ends here.
        self.end_open_response();
        if let Some(request) = self.request.as_mut()
            && !request.in_headers
        {
            request.data_placeholder = true;
        }
    }

    /// `{ [N bytes data]`: the response head is over and N bytes of body were received.
    fn received_placeholder(&mut self, rest: &str) {
        self.end_open_response();
        if self.stdout.is_some()
            && let Some(bytes) = placeholder_bytes(rest)
        {
            let received = self.announced.received.unwrap_or(0);
            self.announced.received = Some(received.saturating_add(bytes));
        }
    }

    // ---- response --------------------------------------------------------------------

    /// Ends a response head whose blank `<` line was not pasted.
    fn end_open_response(&mut self) {
        if self.response.is_some() {
            self.end_response_headers();
        }
    }

    fn response_line(&mut self, n: u64, text: &str) {
        if let Some(response) = self.response.as_mut() {
            if text.trim().is_empty() {
                self.end_response_headers();
                return;
            }
            if parse_status_line(text.trim_end()).is_none() {
                response.headers.push_line(text);
                return;
            }
            // A status line inside a head: the one before (`100 Continue`) lost its blank line.
            self.end_response_headers();
        }
        let Some(status) = parse_status_line(text.trim_end()) else {
            return;
        };
        if self.request.as_ref().is_some_and(|r| r.in_headers) {
            self.end_request_headers();
        }
        if self.request.is_none() {
            self.flush_done();
        }
        self.response = Some(CurlResponse {
            line: n,
            status: status.status,
            reason: status.reason.to_owned(),
            version: status.version.to_owned(),
            headers: HeaderBlock::new(),
        });
    }

    fn end_response_headers(&mut self) {
        let Some(response) = self.response.take() else {
            return;
        };
        let interim = (100..200).contains(&response.status)
            || (response.status == 200
                && response
                    .reason
                    .eq_ignore_ascii_case("connection established"));
        let connect = self.request.as_ref().is_some_and(|r| r.connect);
        if interim && !connect {
            return;
        }
        if connect {
            // The proxy's answer to CONNECT: a tunnel, not an exchange.
            if !interim || response.status == 200 {
                self.request = None;
            }
            return;
        }
        let exchange = self.exchange(response);
        self.announced = Announced::for_response(exchange.response.as_ref());
        self.done = Some(exchange);
        self.stdout = Some(BodyCollector::new());
    }

    fn exchange(&mut self, response: CurlResponse) -> Exchange {
        let mut exchange = match self.request.take() {
            Some(request) => {
                let mut exchange = Exchange::new(Location::Line(request.line), Request::default());
                exchange.client_time = request.time.map(ClientTime::TimeOfDay);
                exchange.redirected_from = request.redirected_from.clone();
                exchange.request = request.into_request();
                exchange
            }
            None => Exchange::new(Location::Line(response.line), Request::unrecorded("", "")),
        };
        self.fill_response(&mut exchange, response);
        exchange
    }

    fn fill_response(&mut self, exchange: &mut Exchange, response: CurlResponse) {
        let headers = response.headers.into_headers();
        if (300..400).contains(&response.status)
            && let Some(location) = headers.get("location")
        {
            let to = resolve_location(&exchange.request.url, location);
            self.last_redirect = Some((exchange.request.url.clone(), to));
        }
        exchange.response = Some(Response {
            status: response.status,
            reason: response.reason,
            http_version: response.version,
            headers,
            body: None,
        });
        exchange.take_server_time_from_date();
    }

    /// Emits the held exchange with any body printed after it.
    fn flush_done(&mut self) {
        let stdout = self.stdout.take();
        let Some(mut exchange) = self.done.take() else {
            return;
        };
        if let (Some(body), Some(response)) = (
            stdout.and_then(BodyCollector::finish),
            exchange.response.as_mut(),
        ) && response.body.is_none()
        {
            response.body = Some(body);
        }
        self.sink.exchange(exchange);
    }

    // ---- trace sections and stdout -----------------------------------------------------

    fn close_section(&mut self) {
        let Some(section) = self.section.take() else {
            return;
        };
        match section.kind {
            SectionKind::SendHeader => {
                let time = section.time;
                for (line, text) in section.into_lines() {
                    self.request_line(line, time, &text);
                }
                if self.request.as_ref().is_some_and(|r| r.in_headers) {
                    self.end_request_headers();
                }
            }
            SectionKind::RecvHeader => {
                for (line, text) in section.into_lines() {
                    self.response_line(line, &text);
                }
            }
            SectionKind::SendData => {
                let text = section.into_text();
                if let Some(request) = self.request.as_mut() {
                    append_body(&mut request.body, &text);
                }
            }
            SectionKind::RecvData => {
                let text = section.into_text();
                if let Some(response) = self.done.as_mut().and_then(|e| e.response.as_mut()) {
                    append_body(&mut response.body, &text);
                }
            }
            SectionKind::Ignored => {}
        }
    }

    /// A line without a curl prefix: the response body on stdout (`2>&1`), a progress
    /// meter, the command, or something else.
    fn other(&mut self, line: &str) {
        let cleaned: String = line.split('\r').filter(|s| !is_progress(s)).collect();
        if cleaned.trim().is_empty() {
            return;
        }
        if let Some(at) = GLUED_INFO.iter().filter_map(|p| cleaned.find(p)).min()
            && at > 0
        {
            self.stdout_line(&cleaned[..at]);
            self.info(cleaned[at + 2..].trim());
            return;
        }
        if let Some(tool) = command::tool_of(&cleaned) {
            self.flush_done();
            let lines = CommandLines::start(0, &cleaned, tool);
            if lines.complete() {
                self.install_command(&lines);
            } else {
                self.command = Some(lines);
            }
            return;
        }
        self.stdout_line(&cleaned);
    }

    /// Takes a continuation line of the command above the transcript; false when no command
    /// is being joined.
    fn command_continues(&mut self, line: &str) -> bool {
        let Some(lines) = self.command.as_mut() else {
            return false;
        };
        lines.push(line);
        if lines.complete()
            && let Some(lines) = self.command.take()
        {
            self.install_command(&lines);
        }
        true
    }

    /// The command's first URL names the scheme the transcript may not show.
    fn install_command(&mut self, lines: &CommandLines) {
        if let Some(url) = lines.parse().and_then(|c| c.urls.into_iter().next())
            && split_origin(&url).is_some()
        {
            self.next_url = Some(url);
        }
    }

    /// A body line after the final response: kept when it clearly starts a body (JSON, an
    /// array, markup) or continues one.
    fn stdout_line(&mut self, line: &str) {
        let Some(stdout) = self.stdout.as_mut() else {
            return;
        };
        if !stdout.is_started() {
            // `curl -v -i` prints the response head again on stdout before the body.
            let head = line.trim().is_empty()
                || parse_status_line(line.trim_end()).is_some()
                || parse_header_line(line).is_some();
            if head {
                return;
            }
            let announced = self.announced.any() && !is_prompt(line);
            if !announced && !looks_like_body_start(line.trim_start()) {
                self.stdout = None;
                return;
            }
        }
        let step = stdout.push(line);
        // A body that is not JSON has no end of its own: the announced bytes bound it.
        let text_done = stdout.is_started()
            && !stdout.inside_json()
            && self.announced.any()
            && self.announced.take_line(line);
        if step == BodyStep::Done || text_done {
            let body = self.stdout.take().and_then(BodyCollector::finish);
            if let Some(response) = self.done.as_mut().and_then(|e| e.response.as_mut())
                && response.body.is_none()
            {
                response.body = body;
            }
        }
    }

    fn finish(mut self) {
        self.close_section();
        if self.response.is_some() {
            self.end_response_headers();
        }
        self.flush_done();
        self.trouble.finish(self.sink);
    }
}

/// A shell prompt line after the transcript (`$ `, `user@host:~$ `): never a body.
fn is_prompt(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed == "$" || trimmed == "%" || command::strip_prompt(line) != line.trim_start()
}

/// `text` after `prefix`, inside single quotes.
fn quoted_after<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let at = text.find(prefix)?;
    let rest = text[at + prefix.len()..].trim();
    Some(rest.trim_matches('\''))
}

fn is_tls_marker(text: &str) -> bool {
    text.contains("TLSv1")
        || text.contains("SSL connection using")
        || text.starts_with("ALPN")
        || text.contains("SSL certificate")
        || text.starts_with("Server certificate")
        || text.contains("TLS handshake")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{Format, InputStats};

    fn read_all(bytes: &[u8]) -> (Vec<Exchange>, InputStats) {
        let mut out = Vec::new();
        let stats = {
            let mut emit = |e| out.push(e);
            let mut sink = Sink::new(InputStats::new(Arc::from("t"), Format::Curl), &mut emit);
            read(&mut &bytes[..], &mut sink).unwrap();
            sink.into_stats()
        };
        (out, stats)
    }

    /// The rest of the first fixture line holding `marker`, line ending removed.
    fn after(text: &str, marker: &str) -> String {
        let at = text.find(marker).unwrap() + marker.len();
        text[at..].lines().next().unwrap().trim_end().to_owned()
    }

    fn response(e: &Exchange) -> &Response {
        e.response.as_ref().unwrap()
    }

    const V7: &str = include_str!("../../../tests/fixtures/curl/v7-http1-crlf.txt");

    #[test]
    fn v7_http1_post_with_continue_and_stdout_body() {
        let (ex, stats) = read_all(V7.as_bytes());
        assert_eq!(ex.len(), 2);
        assert!(stats.errors.is_empty());
        let first = &ex[0];
        assert_eq!(first.origin.location, Location::Line(38));
        assert_eq!(first.request.method, "POST");
        assert_eq!(
            first.request.url,
            "https://api.example.com/v2/devices/dev_42/actions"
        );
        assert_eq!(first.request.http_version, "1.1");
        let auth = first.request.headers.get("authorization").unwrap();
        assert_eq!(auth, after(V7, "> Authorization: "));
        assert!(auth.starts_with("Bearer eyJ"));
        assert!(first.request.headers_recorded && first.request.credential_recorded);
        // `} [38 bytes data]`: a body was sent but is not in the transcript.
        assert!(!first.request.body_recorded);
        assert!(first.request.body.is_none());
        let r = response(first);
        assert_eq!((r.status, r.reason.as_str()), (401, "Unauthorized"));
        assert!(
            r.headers
                .get("www-authenticate")
                .unwrap()
                .contains("Token has expired")
        );
        let body = r.body.as_ref().unwrap();
        assert!(body.text.starts_with("{\"error\": \"unauthorized\""));
        assert!(body.text.ends_with("\"req_7f3a9c01d2\"}"));
        assert!(first.server_time.is_some());
        let second = &ex[1];
        assert_eq!(
            second.request.url,
            "https://api.example.com/v2/organizations/current"
        );
        assert!(second.request.body_recorded);
        assert_eq!(response(second).status, 200);
        assert!(
            response(second)
                .body
                .as_ref()
                .unwrap()
                .text
                .contains("org_1234")
        );
    }

    #[test]
    fn h2h3_lines_do_not_repeat_headers() {
        let text = include_str!("../../../tests/fixtures/curl/v7.88-h2h3.txt");
        let (ex, _) = read_all(text.as_bytes());
        let statuses: Vec<u16> = ex.iter().map(|e| response(e).status).collect();
        assert_eq!(statuses, vec![401, 200, 404]);
        let first = &ex[0];
        assert_eq!(first.request.url, "https://api.example.com/v2/policies");
        assert_eq!(first.request.headers.get_all("authorization").count(), 1);
        assert_eq!(first.request.headers.len(), 4);
        assert_eq!(response(first).http_version, "2");
        assert_eq!(response(first).reason, "");
        assert!(response(first).body.is_none());
        assert_eq!(
            ex[2].request.url,
            "https://api.example.com/v2/devices/dev_999"
        );
    }

    #[test]
    fn curl8_http2_keeps_every_challenge() {
        let text = include_str!("../../../tests/fixtures/curl/v8-http2.txt");
        let (ex, _) = read_all(text.as_bytes());
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        assert_eq!(
            e.request.url,
            "https://api.example.com/v2/logs/audit?since=2024-03-08"
        );
        assert_eq!(e.request.headers.get_all("authorization").count(), 1);
        let challenges: Vec<&str> = response(e).headers.get_all("www-authenticate").collect();
        assert_eq!(challenges.len(), 2);
        assert!(challenges[0].contains("insufficient_scope"));
        assert_eq!(challenges[1], "Basic realm=\"Example API\"");
    }

    #[test]
    fn digest_pair_is_two_exchanges() {
        let text = include_str!("../../../tests/fixtures/curl/digest.txt");
        let (ex, _) = read_all(text.as_bytes());
        assert_eq!(ex.len(), 2);
        assert_eq!(response(&ex[0]).status, 401);
        assert!(!ex[0].request.headers.contains("authorization"));
        assert_eq!(ex[0].request.url, "http://legacy.example.com/v1/report");
        assert_eq!(response(&ex[1]).status, 200);
        assert!(
            ex[1]
                .request
                .headers
                .get("authorization")
                .unwrap()
                .starts_with("Digest ")
        );
        assert_eq!(ex[1].redirected_from, None);
    }

    #[test]
    fn proxy_connect_is_not_an_exchange() {
        let text = include_str!("../../../tests/fixtures/curl/proxy-connect.txt");
        let (ex, _) = read_all(text.as_bytes());
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        assert_eq!(e.request.method, "GET");
        assert_eq!(e.request.url, "https://api.example.com/v2/devices");
        assert!(!e.request.headers.contains("proxy-authorization"));
        assert_eq!(response(e).status, 401);
    }

    #[test]
    fn cross_host_redirect_drops_authorization() {
        let text = include_str!("../../../tests/fixtures/curl/redirect-cross-host.txt");
        let (ex, _) = read_all(text.as_bytes());
        assert_eq!(ex.len(), 2);
        assert_eq!(response(&ex[0]).status, 301);
        assert!(ex[0].request.headers.contains("authorization"));
        let hop = &ex[1];
        assert_eq!(hop.request.url, "https://api-eu.example.net/v2/devices");
        assert_eq!(
            hop.redirected_from.as_deref(),
            Some("https://api.example.com/v2/devices")
        );
        assert!(!hop.request.headers.contains("authorization"));
        assert!(hop.request.credential_recorded);
        assert_eq!(
            response(hop).body.as_ref().unwrap().text,
            "{\"error\": \"unauthorized\", \"message\": \"Invalid or expired token\"}"
        );
    }

    #[test]
    fn trace_ascii_joins_rows_and_shows_bodies() {
        let text = include_str!("../../../tests/fixtures/curl/trace-ascii-info.txt");
        let (ex, _) = read_all(text.as_bytes());
        assert_eq!(ex.len(), 2);
        let token = &ex[0];
        assert_eq!(token.request.url, "https://auth.example.com/oauth/token");
        assert!(token.request.body_recorded);
        assert_eq!(
            token.request.form_param("grant_type"),
            Some("client_credentials")
        );
        assert_eq!(
            token.request.form_param("client_id"),
            Some("app_inventory_sync")
        );
        assert_eq!(token.request.form_param("scope"), Some("read devices:read"));
        let body = response(token).body.as_ref().unwrap();
        assert!(body.text.starts_with("{\"access_token\": \"eyJ"));
        assert!(body.text.ends_with("\"scope\": \"read devices:read\"}"));
        assert!(!body.text.contains('\n'));
        let call = &ex[1];
        assert_eq!(call.origin.location, Location::Line(53));
        // The header spans three rows of the trace: joined with nothing between them. It is
        // the token the first call returned, with one character lost in the signature.
        let issued: serde_json::Value = serde_json::from_str(&body.text).unwrap();
        let issued = issued["access_token"].as_str().unwrap();
        let cut = issued.len() - 40;
        let damaged = format!("Bearer {}{}", &issued[..cut], &issued[cut + 1..]);
        assert_eq!(
            call.request.headers.get("authorization"),
            Some(damaged.as_str())
        );
        assert_eq!(response(call).status, 401);
        assert_eq!(call.request.headers.get("accept"), Some("*/*"));
    }

    #[test]
    fn trace_time_ids_and_star_info() {
        let text = include_str!("../../../tests/fixtures/curl/trace-ascii-star.txt");
        let (ex, _) = read_all(text.as_bytes());
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        assert_eq!(e.request.method, "PUT");
        assert_eq!(e.request.url, "https://api.example.com/v2/policies/pol_7");
        let want = NaiveTime::from_hms_micro_opt(14, 40, 0, 150_600).unwrap();
        assert_eq!(e.client_time, Some(ClientTime::TimeOfDay(want)));
        assert_eq!(
            e.request.body.as_ref().unwrap().text,
            "{\"name\": \"night-lockdown\", \"enabled\": true}"
        );
        assert!(e.request.form.is_empty());
        assert_eq!(response(e).status, 401);
        assert!(
            response(e)
                .body
                .as_ref()
                .unwrap()
                .text
                .contains("E-AUTH-001")
        );
    }

    #[test]
    fn trace_hex_rows_are_decoded() {
        let text = include_str!("../../../tests/fixtures/curl/trace-hex.txt");
        let (ex, _) = read_all(text.as_bytes());
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].origin.location, Location::Line(5));
        assert_eq!(
            response(&ex[0]).body.as_ref().unwrap().text,
            "{\"devices\": [{\"id\": \"dev_42\", \"name\": \"lab\"}]}"
        );
        let e = &ex[1];
        assert_eq!(e.request.method, "DELETE");
        assert!(
            e.request
                .headers
                .get("authorization")
                .unwrap()
                .starts_with("bearer eyJ")
        );
        assert_eq!(
            response(e).headers.get("www-authenticate"),
            Some("Bearer realm=\"Example API\"")
        );
    }

    #[test]
    fn unanswered_request_is_not_an_exchange() {
        let text = include_str!("../../../tests/fixtures/curl/no-response-retry.txt");
        let (ex, _) = read_all(text.as_bytes());
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0].origin.location, Location::Line(47));
        assert!(ex[0].request.credential_recorded);
        assert!(!ex[0].request.headers.contains("authorization"));
    }

    #[test]
    fn response_without_request_and_interim_only() {
        let (ex, _) = read_all(b"* Connected to x (1.2.3.4) port 80\n< HTTP/1.1 401 Unauthorized\n< WWW-Authenticate: Basic\n<\n");
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0].origin.location, Location::Line(2));
        assert!(!ex[0].request.headers_recorded);
        assert!(ex[0].notes.is_empty());
        let (ex, _) = read_all(b"> POST /x HTTP/1.1\n> Host: h\n>\n< HTTP/1.1 100 Continue\n<\n");
        assert!(ex.is_empty());
    }

    #[test]
    fn bad_input_is_reported_not_fatal() {
        let (ex, stats) = read_all(b"");
        assert!(ex.is_empty() && stats.errors.is_empty());
        let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        let (ex, stats) = read_all(&garbage);
        assert!(ex.is_empty());
        assert_eq!(stats.errors.len(), 1);
        assert!(stats.errors[0].message.contains("binary"));
        let mut long = V7.as_bytes().to_vec();
        long.extend(std::iter::repeat_n(b'a', MAX_LINE + 10));
        long.extend_from_slice(b"\n");
        long.extend_from_slice(V7.as_bytes());
        let (ex, stats) = read_all(&long);
        assert_eq!(ex.len(), 4);
        assert_eq!(stats.errors.len(), 1);
        assert!(stats.errors[0].location.starts_with("line "));
    }

    #[test]
    fn invalid_utf8_is_read_lossily() {
        let text = include_bytes!("../../../tests/fixtures/curl/invalid-utf8.txt");
        let (ex, _) = read_all(text);
        assert_eq!(ex.len(), 1);
        let challenge = response(&ex[0]).headers.get("www-authenticate").unwrap();
        assert_eq!(challenge, "Bearer realm=\"Caf\u{FFFD} API\"");
    }

    #[test]
    fn verbose_with_include_and_reused_tls_connection() {
        let text = b"* Connected to api.example.com (203.0.113.10) port 8443 (#0)\n* SSL connection using TLSv1.3\n> GET /a HTTP/1.1\n> Host: api.example.com:8443\n>\n< HTTP/1.1 200 OK\n<\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"a\": 1}\n* Re-using existing connection! (#0) with host api.example.com\n* Connected to api.example.com (203.0.113.10) port 8443 (#0)\n> GET /b HTTP/1.1\n> Host: api.example.com:8443\n>\n< HTTP/1.1 401 Unauthorized\n<\n";
        let (ex, _) = read_all(text);
        assert_eq!(ex.len(), 2);
        assert_eq!(response(&ex[0]).body.as_ref().unwrap().text, "{\"a\": 1}");
        assert_eq!(ex[1].request.url, "https://api.example.com:8443/b");
    }

    #[test]
    fn hostile_trace_rows_do_not_panic() {
        let text = b"=> Send header, 99999999999999999999 bytes (0x1)\nffffffffffffffff: GET / HTTP/1.1\n0000: Host: x\nfffffffffffffffffff: y\n0010:\n<= Recv header, 2 bytes (0x2)\n0000: HTTP/1.1 401 x\n<= Recv header, 2 bytes (0x2)\n0000: \n";
        let (ex, _) = read_all(text);
        assert!(ex.len() <= 1);
    }

    #[test]
    fn trace_prefixes() {
        let (t, rest) = split_trace_prefix("14:40:00.150600 [0-0] > GET / HTTP/2");
        assert_eq!(t, NaiveTime::from_hms_micro_opt(14, 40, 0, 150_600));
        assert_eq!(rest, "> GET / HTTP/2");
        assert_eq!(split_trace_prefix("[1-x] * Trying").1, "* Trying");
        assert_eq!(split_trace_prefix("* [HTTP/2] [1] x").1, "* [HTTP/2] [1] x");
        assert_eq!(split_trace_prefix("12:00 noon").1, "12:00 noon");
    }
}
