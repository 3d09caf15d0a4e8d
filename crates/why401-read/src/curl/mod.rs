//! curl transcripts: `-v` (7.x to 8.x, HTTP/1.1, HTTP/2 and HTTP/3, with `--trace-time` and
//! `--trace-ids` prefixes), `--trace-ascii` and `--trace` (hex). One exchange per final
//! response; a `1xx` or a proxy tunnel's answer belongs to the response after it, a proxy
//! `CONNECT` is not an exchange, a request without a response is not one. The location is
//! the line of the request line, else of the status line.

use std::io::BufRead;

use chrono::NaiveTime;

use super::command::CommandLines;
use super::headers::{BodyCollector, HeaderBlock};
use super::lines::{self, LineReader, LineTrouble};
use super::{Fatal, Sink};
use response::Announced;
use trace::{TraceSection, is_data_placeholder, is_progress, parse_row};
use why401_model::exchange::{Body, Exchange, Request};

mod response;
mod trace;
mod transcript;

pub fn read(input: &mut dyn BufRead, sink: &mut Sink) -> Result<(), Fatal> {
    lines::read_lines(input, CurlReader::new(sink))
}

/// Splits the `--trace-time` (`HH:MM:SS.uuuuuu `) and `--trace-ids` (`[0-0] `, `[0-x] `)
/// prefixes off a line.
pub fn split_trace_prefix(line: &str) -> (Option<NaiveTime>, &str) {
    let mut rest = line;
    let mut time = None;
    // Most lines have no time: a stamp's third byte is its first `:`.
    if line.as_bytes().get(2) == Some(&b':')
        && let Some((stamp, after)) = rest.split_once(' ')
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
}

impl LineReader for CurlReader<'_, '_> {
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

    fn finish(mut self) {
        self.close_section();
        if self.response.is_some() {
            self.end_response_headers();
        }
        self.flush_done();
        self.trouble.finish(self.sink);
    }
}

#[cfg(test)]
mod tests;
