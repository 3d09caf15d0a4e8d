//! The line engine: turns a buffer of whole lines into [`Item`]s. A line is a record when it
//! ends with a JSON object, after any prefix (syslog, `kubectl logs --timestamps`, CRI). A
//! line that opens an object it does not close is joined with the lines after it until the
//! object closes: a record hard-wrapped over two lines, or a pretty-printed document; the
//! record's location is its first line.
//!
//! Between records the engine keeps no state, so a buffer can be parsed on its own from any
//! line where a record starts; a record still open at the end of a buffer is reported as its
//! tail, to be parsed again together with the next buffer.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;
use serde::de::IgnoredAny;

use why401_model::exchange::{Location, ServerTime};

use super::record::{self, Context, Item, find_object};

/// A joined record longer than this is given up (its lines are skipped).
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// What parsing one buffer produced.
#[derive(Debug, Default)]
pub struct Parsed {
    pub items: Vec<Item>,
    pub skipped: u64,
    /// A record still open at the end of a buffer that is not the end of the input: its byte
    /// offset and 1-based line number in the buffer.
    pub tail: Option<(usize, u64)>,
}

/// Parses `buf` (whole lines; line 1 is its first). `at_eof`: nothing follows the buffer.
pub fn parse_buffer(buf: &[u8], at_eof: bool) -> Parsed {
    let mut parsed = Parsed {
        // About one exchange per 500 bytes of log.
        items: Vec::with_capacity(buf.len() / 512),
        ..Parsed::default()
    };
    let mut pos = 0;
    let mut number = 1u64;
    while pos < buf.len() {
        match step(buf, pos, number, at_eof, &mut parsed.items) {
            Step::Advance {
                end,
                lines,
                skipped,
            } => {
                parsed.skipped += skipped;
                pos = end;
                number += lines;
            }
            Step::Open => {
                parsed.tail = Some((pos, number));
                break;
            }
        }
    }
    parsed
}

/// How the engine moves past what starts at one line.
enum Step {
    /// `lines` lines were read, up to `end`; `skipped` of them are not part of a record.
    Advance {
        end: usize,
        lines: u64,
        skipped: u64,
    },
    /// A record is still open at the end of the buffer.
    Open,
}

/// Reads the record (or the line that is none) starting at `pos`, line `number`.
fn step(buf: &[u8], pos: usize, number: u64, at_eof: bool, items: &mut Vec<Item>) -> Step {
    let (line, next) = line_at(buf, pos);
    let line = trim_end(line);
    let skip_line = Step::Advance {
        end: next,
        lines: 1,
        skipped: 1,
    };
    let Some(brace) = memchr::memchr(b'{', line) else {
        return skip_line;
    };
    let location = Location::Line(number);
    if nests_too_deep(&line[brace..]) {
        items.push(Item::Error(location, too_deep_message()));
        return Step::Advance {
            end: next,
            lines: 1,
            skipped: 0,
        };
    }
    if line.last() == Some(&b'}') {
        if !may_hold_status(line) && balanced(&line[brace..]) {
            return skip_line;
        }
        if let Some(count) = map_line(line, None, location, items) {
            return Step::Advance {
                end: next,
                lines: 1,
                skipped: u64::from(count == 0),
            };
        }
    }
    if !opens(&line[brace..]) {
        return skip_line;
    }
    match join(buf, next, &line[brace..]) {
        Join::Record { text, end, lines } if nests_too_deep(&text) => {
            items.push(Item::Error(location, too_deep_message()));
            Step::Advance {
                end,
                lines,
                skipped: lines - 1,
            }
        }
        Join::Record { text, end, lines } => {
            let fallback = prefix_time(&line[..brace]);
            match map_line(trim_end(&text), fallback, location, items) {
                Some(count) => Step::Advance {
                    end,
                    lines,
                    skipped: u64::from(count == 0),
                },
                None => skip_line,
            }
        }
        Join::Abort => skip_line,
        Join::Cut if starts_json(line, brace) => {
            items.push(Item::Error(location, ENDED_EARLY.to_owned()));
            Step::Advance {
                end: next,
                lines: 1,
                skipped: 0,
            }
        }
        Join::Cut => skip_line,
        Join::Drop { end, lines } => Step::Advance {
            end,
            lines,
            skipped: lines,
        },
        Join::NeedMore { lines } if at_eof && starts_json(line, brace) => {
            items.push(Item::Error(location, ENDED_EARLY.to_owned()));
            Step::Advance {
                end: buf.len(),
                lines,
                skipped: lines - 1,
            }
        }
        Join::NeedMore { lines } if at_eof => Step::Advance {
            end: buf.len(),
            lines,
            skipped: lines,
        },
        Join::NeedMore { .. } => Step::Open,
    }
}

/// Maps the JSON object that ends `line`; `None` when there is none (not JSON). Invalid
/// UTF-8 is replaced rather than losing the record.
fn map_line(
    line: &[u8],
    fallback: Option<ServerTime>,
    location: Location,
    out: &mut Vec<Item>,
) -> Option<usize> {
    let text = match std::str::from_utf8(line) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(line),
    };
    if let Some((start, obj)) = find_object(&text) {
        let context = Context {
            location,
            fallback_time: fallback.or_else(|| prefix_time(&text.as_bytes()[..start])),
        };
        return Some(record::map(&obj, &text[start..], context, out));
    }
    let text = unescape_nginx(&text)?;
    let (start, obj) = find_object(&text)?;
    let context = Context {
        location,
        fallback_time: fallback.or_else(|| prefix_time(&text.as_bytes()[..start])),
    };
    Some(record::map(&obj, &text[start..], context, out))
}

/// nginx's default log escaping writes `\xHH` (invalid JSON) where `escape=json` writes
/// `\u00HH`; `None` when the line has no such escape.
fn unescape_nginx(text: &str) -> Option<String> {
    if !text.contains("\\x") {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(at) = rest.find("\\x") {
        let hex = rest
            .get(at + 2..at + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        // `\\x` is an escaped backslash followed by `x`, not an escape.
        let escaped = rest[..at].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1;
        out.push_str(&rest[..at]);
        match hex {
            Some(hex) if !escaped => {
                out.push_str("\\u00");
                out.push_str(hex);
                rest = &rest[at + 4..];
            }
            _ => {
                out.push_str("\\x");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// The line at `pos` without its line ending, and where the next one starts.
fn line_at(buf: &[u8], pos: usize) -> (&[u8], usize) {
    let rest = &buf[pos..];
    match memchr::memchr(b'\n', rest) {
        Some(n) => {
            let line = &rest[..n];
            (line.strip_suffix(b"\r").unwrap_or(line), pos + n + 1)
        }
        None => (rest, buf.len()),
    }
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// Words every status-carrying record holds one of (`status`, `response_code`,
/// `statusCode`, `error`, or a quoted `401 Unauthorized`): a line with none of them is not
/// parsed at all.
fn may_hold_status(line: &[u8]) -> bool {
    static NEEDLES: LazyLock<Vec<Finder<'static>>> = LazyLock::new(|| {
        [
            "tatus",
            "TATUS",
            "ode",
            "ODE",
            "rror",
            "RROR",
            "nauthorized",
            "NAUTHORIZED",
            "orbidden",
            "xception",
        ]
        .iter()
        .map(|n| Finder::new(n.as_bytes()))
        .collect()
    });
    NEEDLES.iter().any(|f| f.find(line).is_some())
}

/// Brace depth and string state across the lines of one record.
#[derive(Debug, Default, Clone, Copy)]
pub struct Scanner {
    pub depth: i64,
    pub in_string: bool,
    escaped: bool,
    /// More closed than opened: not the start of an object.
    broken: bool,
}

impl Scanner {
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth -= 1;
                    self.broken |= self.depth < 0;
                }
                _ => {}
            }
        }
    }

    fn closed(&self) -> bool {
        self.depth == 0 && !self.in_string && !self.broken
    }

    fn open(&self) -> bool {
        !self.broken && (self.depth > 0 || self.in_string)
    }
}

/// The record error of a JSON record the input ends (or the next record starts) inside.
const ENDED_EARLY: &str = "JSON ended early (truncated?)";

/// Whether the line is JSON that starts at its first byte: `{` then a key or nothing. A
/// text log line that opens a brace after its words is no cut record.
fn starts_json(line: &[u8], brace: usize) -> bool {
    brace == 0
        && line[1..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_none_or(|&b| b == b'"')
}

/// Whether brackets nest deeper than `--max-json-depth` outside strings. Only a record
/// holding more brackets than the limit is scanned.
fn nests_too_deep(bytes: &[u8]) -> bool {
    let limit = crate::har::max_json_depth();
    if bytes.len() <= limit || memchr::memchr2_iter(b'{', b'[', bytes).count() <= limit {
        return false;
    }
    let mut scanner = Scanner::default();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    bytes.iter().any(|b| {
        scanner.feed(std::slice::from_ref(b));
        scanner.depth > limit
    })
}

/// The record error of a record nested deeper than `--max-json-depth`.
fn too_deep_message() -> String {
    format!(
        "JSON nested more than {} levels deep; skipped (raise it with --max-json-depth)",
        crate::har::max_json_depth()
    )
}

fn balanced(bytes: &[u8]) -> bool {
    let mut scanner = Scanner::default();
    scanner.feed(bytes);
    scanner.closed()
}

fn opens(bytes: &[u8]) -> bool {
    let mut scanner = Scanner::default();
    scanner.feed(bytes);
    scanner.open()
}

enum Join {
    /// The lines joined into a closed object (`lines` physical lines; the next line starts
    /// at `end`).
    Record {
        text: Vec<u8>,
        end: usize,
        lines: u64,
    },
    /// Not a record: only the first line is skipped.
    Abort,
    /// A complete record starts before the object closes: the first line is cut short.
    Cut,
    /// Longer than [`MAX_RECORD_BYTES`]: every line read is skipped.
    Drop { end: usize, lines: u64 },
    /// The buffer ended first.
    NeedMore { lines: u64 },
}

/// Joins the lines after an unclosed `first` (starting at `pos`) until the object closes.
/// Lines are joined with nothing between them: a break inside a string (a wrapped token) is
/// undone, and a break between tokens needs no whitespace.
fn join(buf: &[u8], mut pos: usize, first: &[u8]) -> Join {
    let mut scanner = Scanner::default();
    scanner.feed(first);
    let mut text = first.to_vec();
    let mut lines = 1u64;
    loop {
        if pos >= buf.len() {
            return Join::NeedMore { lines };
        }
        let (line, next) = line_at(buf, pos);
        if starts_new_record(line) {
            return Join::Cut;
        }
        text.extend_from_slice(line);
        scanner.feed(line);
        lines += 1;
        pos = next;
        if scanner.broken {
            return Join::Abort;
        }
        if scanner.closed() {
            return Join::Record {
                text,
                end: pos,
                lines,
            };
        }
        if text.len() > MAX_RECORD_BYTES {
            return Join::Drop { end: pos, lines };
        }
    }
}

/// A line that is a complete record of its own, not the inside of a pretty-printed document
/// (those lines are indented, or continue a key: `"error": {"code": 401}`). It ends a join
/// that began at a truncated line.
fn starts_new_record(line: &[u8]) -> bool {
    let line = trim_end(line);
    if line.first().is_none_or(u8::is_ascii_whitespace) || line.last() != Some(&b'}') {
        return false;
    }
    let Some(brace) = memchr::memchr(b'{', line) else {
        return false;
    };
    let prefix = trim_end(&line[..brace]);
    if prefix.ends_with(b"\":") || prefix.ends_with(b",") || prefix.ends_with(b"[") {
        return false;
    }
    serde_json::from_slice::<IgnoredAny>(&line[brace..]).is_ok()
}

/// A timestamp that starts a line's prefix (`kubectl logs --timestamps`, CRI logs).
fn prefix_time(prefix: &[u8]) -> Option<ServerTime> {
    let token = prefix.split(|b| b.is_ascii_whitespace()).next()?;
    let token = std::str::from_utf8(token).ok()?.trim_matches(['[', ']']);
    if token.len() < 19 {
        return None;
    }
    crate::lines::iso_log_time(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use why401_model::time;

    fn lines_of(parsed: &Parsed) -> Vec<u64> {
        parsed
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Exchange(e, _) => match e.origin.location {
                    Location::Line(n) => Some(n),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    fn errors_of(parsed: &Parsed) -> Vec<(u64, &str)> {
        parsed
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Error(Location::Line(n), message) => Some((*n, message.as_str())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn prefixes_blank_and_non_json_lines() {
        let buf = b"starting up\n\n{\"level\":\"debug\",\"msg\":\"tls ok\"}\nJun  2 10:00:00 gw app[1]: {\"status\":401,\"path\":\"/x\"}\n2025-06-02T10:00:00.5Z stdout F {\"status\":200}\n";
        let parsed = parse_buffer(buf, true);
        assert_eq!(lines_of(&parsed), vec![4, 5]);
        assert_eq!(parsed.skipped, 3);
        let Item::Exchange(last, _) = &parsed.items[1] else {
            panic!()
        };
        let time = last.server_time.unwrap();
        assert_eq!(time::format_millis(&time.at), "2025-06-02T10:00:00.500Z");
    }

    #[test]
    fn hard_wrapped_record_is_joined() {
        let buf = b"{\"status\":401,\"headers\":{\"authorization\":\"Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdW\nIiOiJ4In0.c2ln\"},\"path\":\"/v2/devices\"}\n{\"status\":200}\n";
        let parsed = parse_buffer(buf, true);
        assert_eq!(lines_of(&parsed), vec![1, 3]);
        assert_eq!(parsed.skipped, 0);
        let Item::Exchange(first, _) = &parsed.items[0] else {
            panic!()
        };
        assert_eq!(
            first.request.headers.get("authorization"),
            Some("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
        );
    }

    #[test]
    fn pretty_documents_and_truncated_lines() {
        let buf = b"{\n  \"status\": 401,\n  \"error\": {\"code\": 401},\n\"message\": \"x\"\n}\n{\"status\":200,\"path\":\"/cut\n{\"status\":204}\n";
        let parsed = parse_buffer(buf, true);
        assert_eq!(lines_of(&parsed), vec![1, 7]);
        assert_eq!(errors_of(&parsed), vec![(6, ENDED_EARLY)]);
        assert_eq!(parsed.skipped, 0);
    }

    #[test]
    fn open_record_at_buffer_end_is_a_tail() {
        let buf = b"{\"status\":200}\n{\n  \"status\": 401,\n";
        let parsed = parse_buffer(buf, false);
        assert_eq!(parsed.tail, Some((15, 2)));
        let parsed = parse_buffer(buf, true);
        assert_eq!(parsed.tail, None);
        assert_eq!(errors_of(&parsed), vec![(2, ENDED_EARLY)]);
        assert_eq!(parsed.skipped, 1);
    }

    #[test]
    fn a_record_nested_past_the_depth_limit_is_an_error() {
        let depth = crate::har::max_json_depth() + 1;
        let line = format!(
            "{{\"status\":401,\"x\":{}{}}}\n{{\"status\":401}}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let parsed = parse_buffer(line.as_bytes(), true);
        assert_eq!(lines_of(&parsed), vec![2]);
        assert_eq!(errors_of(&parsed), vec![(1, too_deep_message().as_str())]);
        let within = format!(
            "{{\"status\":401,\"x\":{}{}}}\n",
            "[".repeat(500),
            "]".repeat(500)
        );
        assert_eq!(lines_of(&parse_buffer(within.as_bytes(), true)), vec![1]);
    }

    #[test]
    fn first_half_of_a_wrapped_record_is_not_a_prefix() {
        let buf = b"{\"request\":{\"uri\":\"/v2/devices\",\"headers\":{\"host\":\"api.example.com\"}}\n,\"status\":401}\n[main] {worker-1} INFO {\"status\":200}\n";
        let parsed = parse_buffer(buf, true);
        assert_eq!(lines_of(&parsed), vec![1, 3]);
        assert_eq!(parsed.skipped, 0);
    }

    #[test]
    fn nginx_default_escapes_are_read() {
        let buf = b"{\"request\":\"GET /v2/devices HTTP/1.1\",\"status\":401,\"http_user_agent\":\"Mozilla \\x22x\\x22\"}\n";
        let parsed = parse_buffer(buf, true);
        let Item::Exchange(ex, _) = &parsed.items[0] else {
            panic!("{parsed:?}")
        };
        assert_eq!(ex.request.headers.get("user-agent"), Some("Mozilla \"x\""));
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let buf = b"{\"status\":401,\"http_user_agent\":\"caf\xe9\"}\n";
        let parsed = parse_buffer(buf, true);
        assert_eq!(lines_of(&parsed), vec![1]);
    }
}
