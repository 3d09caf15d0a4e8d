//! A byte-level JSON framer: finds where one JSON value ends in a stream without building
//! it, so `log.entries` can be cut into one entry at a time whatever the file's line length.
//!
//! It checks only what framing needs (strings, escapes, bracket nesting); the captured
//! bytes of an entry are then parsed properly by serde_json. Captured strings longer than
//! [`Limits::string`] are cut at a safe place (never inside an escape or a UTF-8
//! character), so a 200 MB response body never sits in memory: only its head is kept,
//! which is all the model keeps anyway.

use std::io::{self, BufRead};
use std::ops::Range;

use memchr::{memchr, memchr2};

/// Deeper nesting than this is refused while framing (serde_json refuses beyond 128 when
/// an entry is parsed; that is a record error, this one stops the input).
pub const MAX_DEPTH: usize = 512;

/// How much of a value is captured.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Raw (escaped) bytes kept of each string; the rest is dropped.
    pub string: usize,
    /// Bytes a captured value may take in all; a larger one is skipped.
    pub total: usize,
    /// Note where the value's `response.content.text` string is ([`Captured::body`]).
    pub watch_body: bool,
}

/// Why framing stopped.
#[derive(Debug)]
pub enum ScanError {
    Io(io::Error),
    /// The input ended inside a value or before an expected token.
    Eof,
    /// Bytes that cannot be JSON at this place; `at` is the byte offset in the input.
    Syntax {
        at: u64,
        what: String,
    },
    TooDeep {
        at: u64,
    },
}

impl ScanError {
    pub fn syntax(at: u64, what: impl Into<String>) -> ScanError {
        ScanError::Syntax {
            at,
            what: what.into(),
        }
    }
}

impl From<io::Error> for ScanError {
    fn from(err: io::Error) -> ScanError {
        ScanError::Io(err)
    }
}

/// What happened to a captured value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    /// The value was larger than [`Limits::total`]: it was skipped, nothing is captured.
    pub too_large: bool,
    /// With [`Limits::watch_body`]: where the content of the first `response.content.text`
    /// string is in the output (its raw, escaped bytes, as cut), if the value has one.
    /// Found by framing alone: it is right for valid JSON, which the parser checks.
    pub body: Option<Range<usize>>,
}

/// A stream of JSON text being framed; `offset` counts consumed bytes.
pub struct Scanner<'r> {
    input: &'r mut dyn BufRead,
    offset: u64,
    stack: Vec<u8>,
}

impl<'r> Scanner<'r> {
    pub fn new(input: &'r mut dyn BufRead) -> Scanner<'r> {
        Scanner {
            input,
            offset: 0,
            stack: Vec::with_capacity(64),
        }
    }

    /// Bytes consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Drops a UTF-8 byte order mark at the current position (normally already removed).
    pub fn skip_bom(&mut self) -> Result<(), ScanError> {
        let buf = self.input.fill_buf()?;
        if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.consume(3);
        }
        Ok(())
    }

    fn consume(&mut self, n: usize) {
        self.input.consume(n);
        self.offset += n as u64;
    }

    /// Consumes one byte (after [`Scanner::peek`] returned it).
    pub fn bump(&mut self) {
        self.consume(1);
    }

    /// Skips whitespace and returns the next byte without consuming it; `None` at the end.
    pub fn peek(&mut self) -> Result<Option<u8>, ScanError> {
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            match buf.iter().position(|b| !is_whitespace(*b)) {
                Some(i) => {
                    let byte = buf[i];
                    self.consume(i);
                    return Ok(Some(byte));
                }
                None => {
                    let n = buf.len();
                    self.consume(n);
                }
            }
        }
    }

    /// Reads one value. With `out`, its bytes are appended there (strings cut to
    /// `limits.string`); without, it is only skipped.
    pub fn value(
        &mut self,
        out: Option<&mut Vec<u8>>,
        limits: Limits,
    ) -> Result<Captured, ScanError> {
        let first = self.peek()?.ok_or(ScanError::Eof)?;
        let mut capture = Capture::new(out, limits);
        let mut body = None;
        match first {
            b'{' | b'[' | b'"' => body = self.nested(&mut capture, limits.watch_body)?,
            _ => self.scalar(&mut capture)?,
        }
        Ok(Captured {
            too_large: capture.too_large,
            body: body.filter(|_| !capture.too_large),
        })
    }

    /// A string, object or array: follows strings and brackets to the matching end.
    fn nested(
        &mut self,
        capture: &mut Capture,
        watch_body: bool,
    ) -> Result<Option<Range<usize>>, ScanError> {
        self.stack.clear();
        let mut walk = Walk::default();
        walk.watch.active = watch_body && capture.out.is_some();
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Err(ScanError::Eof);
            }
            let (used, done) = walk.chunk(buf, &mut self.stack, capture, self.offset)?;
            self.input.consume(used);
            self.offset += used as u64;
            if done {
                return Ok(walk.watch.found);
            }
        }
    }

    /// A number, `true`, `false`, `null` (or junk that serde_json will refuse later).
    fn scalar(&mut self, capture: &mut Capture) -> Result<(), ScanError> {
        let start = self.offset;
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let end = buf
                .iter()
                .position(|b| ends_scalar(*b))
                .unwrap_or(buf.len());
            capture.outside(&buf[..end]);
            let whole = end == buf.len();
            self.consume(end);
            if !whole {
                break;
            }
        }
        if self.offset == start {
            return Err(ScanError::syntax(start, "expected a value"));
        }
        Ok(())
    }
}

/// The first `"` or `\\` in `bytes`. Most strings of a HAR are short (keys, header names),
/// so the first bytes are tested here, eight at a time, before handing a long string to
/// `memchr2`, whose set-up costs more than a short string.
fn find_quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const SHORT: usize = 32;
    let mut at = 0;
    while at < SHORT {
        let Some(word) = bytes
            .get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
        else {
            let tail = bytes.get(at..).unwrap_or_default();
            return tail
                .iter()
                .position(|b| matches!(b, b'"' | b'\\'))
                .map(|k| at + k);
        };
        let word = u64::from_le_bytes(word);
        let found = zero_bytes(word ^ QUOTES) | zero_bytes(word ^ BACKSLASHES);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    memchr2(b'"', b'\\', &bytes[at..]).map(|k| at + k)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const QUOTES: u64 = ONES * b'"' as u64;
const BACKSLASHES: u64 = ONES * b'\\' as u64;

/// The high bit set in the lowest zero byte of `word` (and maybe in higher ones): the
/// lowest set bit marks the first zero byte exactly; no bit is set without a zero byte.
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & (ONES << 7)
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn ends_scalar(b: u8) -> bool {
    is_whitespace(b) || matches!(b, b',' | b':' | b'}' | b']' | b'{' | b'[' | b'"')
}

/// Where framing is inside a string, object or array, carried from one buffer to the next.
#[derive(Default)]
struct Walk {
    in_string: bool,
    /// The previous buffer ended just after a backslash inside a string.
    escaped: bool,
    /// Content bytes of the current string seen so far.
    string_len: usize,
    watch: BodyWatch,
}

impl Walk {
    /// Frames one buffer of input (whose first byte is at `offset`): returns the bytes used
    /// and whether the value ended in it.
    fn chunk(
        &mut self,
        buf: &[u8],
        stack: &mut Vec<u8>,
        capture: &mut Capture,
        offset: u64,
    ) -> Result<(usize, bool), ScanError> {
        let mut i = 0;
        let mut done = false;
        while i < buf.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    i += 1;
                    self.string_len += 1;
                    capture.string_grew(buf, i, self.string_len);
                    continue;
                }
                match find_quote_or_backslash(&buf[i..]) {
                    None => {
                        self.string_len += buf.len() - i;
                        i = buf.len();
                    }
                    Some(k) if buf[i + k] == b'\\' => {
                        // The backslash and the byte it escapes, which may be in the next buffer.
                        let step = (k + 2).min(buf.len() - i);
                        self.escaped = step == k + 1;
                        self.string_len += step;
                        i += step;
                    }
                    Some(k) => {
                        self.string_len += k;
                        i += k;
                        let kept = capture.string_close(buf, i, self.string_len);
                        if self.watch.active {
                            self.watch
                                .string_closed(buf, i, self.string_len, stack.len(), kept);
                        }
                        self.in_string = false;
                        i += 1;
                        if stack.is_empty() {
                            done = true;
                            break;
                        }
                        continue;
                    }
                }
                capture.string_grew(buf, i, self.string_len);
                continue;
            }
            match buf[i] {
                b'"' => {
                    self.in_string = true;
                    self.string_len = 0;
                    capture.string_open(i + 1);
                    if self.watch.active {
                        self.watch
                            .string_opened(buf, i, stack.len(), capture.string_start);
                    }
                }
                open @ (b'{' | b'[') => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(ScanError::TooDeep {
                            at: offset + i as u64,
                        });
                    }
                    stack.push(if open == b'{' { b'}' } else { b']' });
                    if self.watch.active {
                        self.watch.opened(buf, i, open, stack.len());
                    }
                }
                close @ (b'}' | b']') => {
                    if stack.pop() != Some(close) {
                        return Err(ScanError::syntax(
                            offset + i as u64,
                            format!("unexpected '{}'", close as char),
                        ));
                    }
                    if self.watch.active {
                        self.watch.closed(stack.len());
                    }
                    if stack.is_empty() {
                        i += 1;
                        done = true;
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        capture.chunk_end(buf, i, self.in_string);
        self.watch.buffer_ended();
        Ok((i, done))
    }
}

/// The keys leading from an entry to its response body: `response.content.text`.
const BODY_PATH: [&[u8]; 3] = [b"response", b"content", b"text"];

/// Follows an entry's framing to find its `response.content.text` string, the largest and
/// most escaped string of most entries, so that it can be decoded apart (see
/// `body::read_entry`). Only tokens are seen: in valid JSON a string followed by `:` is a
/// key, and the parser refuses anything else.
#[derive(Default)]
struct BodyWatch {
    active: bool,
    /// The objects of [`BODY_PATH`] the framing is in: 0 in the entry itself, 2 in
    /// `content`.
    level: usize,
    /// Where the closing quote of the last string is in the current buffer, when that
    /// string was the next key of [`BODY_PATH`] at its depth.
    key_end: Option<usize>,
    /// The string being read is the body.
    in_body: bool,
    /// Where the body's content starts in the output.
    body_start: usize,
    found: Option<Range<usize>>,
}

impl BodyWatch {
    /// A string closed at `quote` in `buf`, at nesting `depth`, with `len` content bytes
    /// (`kept` of them in the output).
    fn string_closed(&mut self, buf: &[u8], quote: usize, len: usize, depth: usize, kept: usize) {
        if std::mem::take(&mut self.in_body) {
            self.found = Some(self.body_start..self.body_start + kept);
            self.active = false;
            return;
        }
        let wanted = BODY_PATH.get(self.level).copied().unwrap_or_default();
        let is_key = depth == self.level + 1
            && len == wanted.len()
            && quote.checked_sub(len).map(|at| &buf[at..quote]) == Some(wanted);
        self.key_end = is_key.then_some(quote);
    }

    /// Whether the value opening at `at` in `buf` belongs to the key just closed: only
    /// blanks and one `:` lie between them.
    fn value_of_key(&mut self, buf: &[u8], at: usize) -> bool {
        let Some(quote) = self.key_end.take() else {
            return false;
        };
        let between = &buf[quote + 1..at];
        between.iter().filter(|b| **b == b':').count() == 1
            && between.iter().all(|b| *b == b':' || is_whitespace(*b))
    }

    /// A string opens at `at` in `buf`, at nesting `depth`; its content will start at
    /// `start` in the output.
    fn string_opened(&mut self, buf: &[u8], at: usize, depth: usize, start: usize) {
        self.in_body = self.value_of_key(buf, at) && self.level == 2 && depth == 3;
        self.body_start = start;
    }

    /// An object or array opened at `at` in `buf`; `depth` counts it.
    fn opened(&mut self, buf: &[u8], at: usize, open: u8, depth: usize) {
        if self.value_of_key(buf, at) && open == b'{' && self.level < 2 && depth == self.level + 2 {
            self.level += 1;
        }
    }

    /// An object or array closed; `depth` no longer counts it.
    fn closed(&mut self, depth: usize) {
        self.level = self.level.min(depth.saturating_sub(1));
        self.key_end = None;
    }

    /// The buffer ends: positions in it mean nothing in the next one.
    fn buffer_ended(&mut self) {
        self.key_end = None;
    }
}

/// Where captured bytes go, and the bookkeeping that keeps them bounded.
///
/// Bytes are copied lazily: a buffer's bytes from `span` on are copied at the end of the
/// buffer, or earlier when a string grows past its limit, so a run of short strings costs
/// one copy rather than several per string.
struct Capture<'o> {
    out: Option<&'o mut Vec<u8>>,
    limits: Limits,
    /// The length of `out` before this value: other values may precede it there.
    base: usize,
    /// Where the bytes of the current buffer not yet copied start.
    span: usize,
    /// Where the current string's content starts (or will start) in `out`.
    string_start: usize,
    /// The current string passed its limit; the rest of it is dropped.
    dropping: bool,
    too_large: bool,
}

impl<'o> Capture<'o> {
    fn new(out: Option<&'o mut Vec<u8>>, limits: Limits) -> Capture<'o> {
        let base = out.as_deref().map_or(0, Vec::len);
        Capture {
            out,
            limits,
            base,
            span: 0,
            string_start: 0,
            dropping: false,
            too_large: false,
        }
    }

    /// Raw string bytes kept before cutting: a margin past the limit keeps a whole escape
    /// sequence in view for `safe_cut`.
    fn keep(&self) -> usize {
        self.limits.string + 16
    }

    /// Bytes copied at once (scalars).
    fn outside(&mut self, bytes: &[u8]) {
        if let Some(out) = self.out.as_deref_mut() {
            out.extend_from_slice(bytes);
            let len = out.len();
            self.check_total(len);
        }
    }

    /// A string's content starts at `content` in the current buffer.
    fn string_open(&mut self, content: usize) {
        if let Some(out) = self.out.as_deref() {
            self.string_start = out.len() + (content - self.span);
            self.dropping = false;
        }
    }

    /// The current string has `len` content bytes, the last one before `at` in `buf`: past
    /// the limit, the kept part is copied and the rest dropped.
    fn string_grew(&mut self, buf: &[u8], at: usize, len: usize) {
        let keep = self.keep();
        if self.dropping || len <= keep {
            return;
        }
        let Some(out) = self.out.as_deref_mut() else {
            return;
        };
        let end = at.saturating_sub(len - keep).max(self.span);
        out.extend_from_slice(&buf[self.span..end]);
        self.dropping = true;
    }

    /// The current string ends at `quote` in `buf` with `len` content bytes: cut if too
    /// long. Returns the content bytes kept.
    fn string_close(&mut self, buf: &[u8], quote: usize, len: usize) -> usize {
        let dropping = std::mem::take(&mut self.dropping);
        if !dropping && len <= self.limits.string {
            return len;
        }
        let Some(out) = self.out.as_deref_mut() else {
            return 0;
        };
        if !dropping {
            out.extend_from_slice(&buf[self.span..quote]);
        }
        let cut = safe_cut(&out[self.string_start..], self.limits.string);
        out.truncate(self.string_start + cut);
        self.span = quote;
        let len = out.len();
        self.check_total(len);
        cut
    }

    /// The current buffer is used up to `end`: its remaining bytes are copied.
    fn chunk_end(&mut self, buf: &[u8], end: usize, in_string: bool) {
        let span = std::mem::take(&mut self.span);
        let Some(out) = self.out.as_deref_mut() else {
            return;
        };
        if !(in_string && self.dropping) {
            out.extend_from_slice(&buf[span..end]);
        }
        // Inside a string only what precedes it counts: the string may still be cut.
        let committed = if in_string {
            self.string_start
        } else {
            out.len()
        };
        self.check_total(committed);
    }

    /// A value past the total limit is skipped whole: its bytes are released at once. What
    /// is captured never shrinks below a committed length, so this decides as a check of
    /// the finished value would.
    fn check_total(&mut self, committed: usize) {
        if committed - self.base > self.limits.total
            && let Some(out) = self.out.take()
        {
            out.truncate(self.base);
            self.too_large = true;
        }
    }
}

/// The longest prefix of escaped string content, at most `cap` bytes, that ends neither
/// inside an escape sequence (a `\uD83D\uDE00` pair stays whole) nor inside a UTF-8
/// character.
fn safe_cut(content: &[u8], cap: usize) -> usize {
    let cap = cap.min(content.len());
    let mut pos = 0;
    while let Some(k) = memchr(b'\\', &content[pos..cap]) {
        let escape = pos + k;
        let end = escape + escape_len(&content[escape..]);
        if end > cap {
            return escape;
        }
        pos = end;
    }
    let mut cut = cap;
    while cut > pos && cut < content.len() && content[cut] & 0xC0 == 0x80 {
        cut -= 1;
    }
    cut
}

/// The length of the escape sequence at the start of `bytes` (which starts with `\`).
fn escape_len(bytes: &[u8]) -> usize {
    if bytes.get(1) != Some(&b'u') {
        return 2;
    }
    let high_surrogate = bytes
        .get(2..6)
        .and_then(|hex| std::str::from_utf8(hex).ok())
        .and_then(|hex| u16::from_str_radix(hex, 16).ok())
        .is_some_and(|unit| (0xD800..0xDC00).contains(&unit));
    if high_surrogate && bytes.get(6..8) == Some(b"\\u") {
        12
    } else {
        6
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    const WIDE: Limits = Limits {
        string: 1 << 20,
        total: 1 << 20,
        watch_body: false,
    };

    /// Captures the first value of `text`, reading `chunk` bytes at a time.
    fn capture(text: &[u8], chunk: usize, limits: Limits) -> (Result<Captured, String>, Vec<u8>) {
        let mut reader = BufReader::with_capacity(chunk, text);
        let mut scanner = Scanner::new(&mut reader);
        let mut out = Vec::new();
        let result = scanner
            .value(Some(&mut out), limits)
            .map_err(|e| format!("{e:?}"));
        (result, out)
    }

    #[test]
    fn frames_values_whatever_the_chunk_size() {
        let text = br#" {"a":"x\"}]\\","b":[1,{"c":null}],"d":"\u00e9"} ,"#;
        for chunk in [1, 2, 3, 7, 64] {
            let (result, out) = capture(text, chunk, WIDE);
            assert!(result.is_ok(), "chunk {chunk}");
            assert_eq!(out, text[1..text.len() - 2].to_vec(), "chunk {chunk}");
        }
        let (_, out) = capture(b"-12.5e3]", 2, WIDE);
        assert_eq!(out, b"-12.5e3");
        let (_, out) = capture(br#""a\"b" x"#, 1, WIDE);
        assert_eq!(out, br#""a\"b""#);
    }

    #[test]
    fn long_strings_are_cut_at_safe_places() {
        let limits = Limits {
            string: 6,
            total: 1 << 20,
            watch_body: false,
        };
        let cases: [(&[u8], &[u8]); 5] = [
            (br#"["abcdefghij"]"#, br#"["abcdef"]"#),
            (br#"["abcd\u00e9xyz"]"#, br#"["abcd"]"#),
            (br#"["a\nb\"cdef"]"#, br#"["a\nb\""]"#),
            ("[\"abcdé€xyz\"]".as_bytes(), "[\"abcdé\"]".as_bytes()),
            (br#"["\ud83d\ude00abc"]"#, br#"[""]"#),
        ];
        for (input, want) in cases {
            for chunk in [1, 4, 64] {
                let (result, out) = capture(input, chunk, limits);
                assert!(result.is_ok());
                assert_eq!(
                    String::from_utf8_lossy(&out),
                    String::from_utf8_lossy(want),
                    "chunk {chunk}"
                );
                assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok());
            }
        }
    }

    #[test]
    fn a_value_past_the_total_limit_is_skipped() {
        let limits = Limits {
            string: 100,
            total: 10,
            watch_body: false,
        };
        let text = br#"{"a":"0123456789abc"} ,"#;
        let mut reader = BufReader::with_capacity(4, &text[..]);
        let mut scanner = Scanner::new(&mut reader);
        let mut out = Vec::new();
        let captured = scanner.value(Some(&mut out), limits).unwrap();
        assert!(captured.too_large);
        assert!(out.is_empty());
        assert_eq!(scanner.peek().unwrap(), Some(b','));
    }

    #[test]
    fn framing_errors() {
        let (result, _) = capture(br#"{"a":[1}"#, 64, WIDE);
        assert!(result.unwrap_err().contains("Syntax"));
        let (result, _) = capture(br#"{"a":"unterminated"#, 64, WIDE);
        assert_eq!(result.unwrap_err(), "Eof");
        let deep = "[".repeat(10_000);
        let (result, _) = capture(deep.as_bytes(), 64, WIDE);
        assert!(result.unwrap_err().contains("TooDeep"));
        let (result, _) = capture(b", 1", 64, WIDE);
        assert!(result.unwrap_err().contains("expected a value"));
    }

    /// A plain reading of what capturing means, over a whole value at once: every byte
    /// kept, each string longer than the limit cut by `safe_cut`, the value dropped when
    /// the result is longer than the total limit.
    fn reference(text: &[u8], limits: Limits) -> (bool, Vec<u8>) {
        let mut out = Vec::new();
        let mut i = 0;
        while i < text.len() {
            out.push(text[i]);
            if text[i] != b'"' {
                i += 1;
                continue;
            }
            let start = i + 1;
            let mut end = start;
            while text[end] != b'"' {
                end += if text[end] == b'\\' { 2 } else { 1 };
            }
            let content = &text[start..end];
            let keep = if content.len() > limits.string {
                safe_cut(content, limits.string)
            } else {
                content.len()
            };
            out.extend_from_slice(&content[..keep]);
            out.push(b'"');
            i = end + 1;
        }
        let too_large = out.len() > limits.total;
        (too_large, if too_large { Vec::new() } else { out })
    }

    /// A random JSON value rich in what framing cares about: escapes (pairs too), multi-byte
    /// characters, brackets inside strings, long strings.
    fn random_value(seed: &mut u64, depth: usize, out: &mut String) {
        fn next(seed: &mut u64, n: u64) -> u64 {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed % n
        }
        const PIECES: [&str; 10] = [
            "a",
            "\\\"",
            "\\\\",
            "\\u00e9",
            "\\ud83d\\ude00",
            "é",
            "€",
            "😀",
            "}]{[",
            "xyz ",
        ];
        match if depth > 3 { 0 } else { next(seed, 4) } {
            0 => {
                out.push('"');
                let len = if next(seed, 8) == 0 {
                    next(seed, 200)
                } else {
                    next(seed, 12)
                };
                for _ in 0..len {
                    out.push_str(PIECES[next(seed, PIECES.len() as u64) as usize]);
                }
                out.push('"');
            }
            1 => out.push_str(["12.5", "-3", "true", "null"][next(seed, 4) as usize]),
            kind => {
                let (open, close) = if kind == 2 { ('{', '}') } else { ('[', ']') };
                out.push(open);
                for k in 0..next(seed, 5) {
                    if k > 0 {
                        out.push_str(if next(seed, 3) == 0 { " ,\n " } else { "," });
                    }
                    if kind == 2 {
                        out.push_str("\"k\": ");
                    }
                    random_value(seed, depth + 1, out);
                }
                out.push(close);
            }
        }
    }

    #[test]
    fn capture_matches_the_plain_reading_for_any_buffer_size() {
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        for round in 0..400 {
            let mut text = String::new();
            random_value(&mut seed, 0, &mut text);
            if !text.starts_with(['{', '[', '"']) {
                continue;
            }
            let string = [0, 1, 5, 6, 7, 13, 40, 1000][round % 8];
            let total = [8, 50, 200, 1 << 20][round % 4];
            let limits = Limits {
                string,
                total,
                watch_body: round % 2 == 0,
            };
            let want = reference(text.as_bytes(), limits);
            for chunk in [1, 2, 3, 7, 8, 9, 31, 33, 64, 4096] {
                let (result, out) = capture(text.as_bytes(), chunk, limits);
                let too_large = result.expect("frames").too_large;
                assert_eq!(
                    (too_large, String::from_utf8_lossy(&out)),
                    (want.0, String::from_utf8_lossy(&want.1)),
                    "round {round}, chunk {chunk}, limits {limits:?}: {text}"
                );
            }
        }
    }

    #[test]
    fn quotes_and_backslashes_are_found_at_any_position() {
        for len in 0..80 {
            for at in 0..=len {
                for byte in [b'"', b'\\'] {
                    let mut bytes = vec![b'a'; len];
                    if at < len {
                        bytes[at] = byte;
                    }
                    let want = (at < len).then_some(at);
                    assert_eq!(find_quote_or_backslash(&bytes), want, "{len} {at}");
                }
            }
        }
        assert_eq!(find_quote_or_backslash("ééé\\\"".as_bytes()), Some(6));
    }

    #[test]
    fn the_response_body_string_is_found() {
        let limits = Limits {
            watch_body: true,
            ..WIDE
        };
        let cases: [(&str, Option<&str>); 9] = [
            (r#"{"response":{"content":{"text":"abc"}}}"#, Some("abc")),
            (
                "{ \"response\" :\n { \"content\" : { \"size\": 3, \"text\"\t:\r\"a\\\"c\" } } }",
                Some("a\\\"c"),
            ),
            (
                r#"{"response":{"content":{"mimeType":"text","text":"yes"}}}"#,
                Some("yes"),
            ),
            (
                r#"{"request":{"content":{"text":"no"}},"response":{"x":{"content":{"text":"no"}},"content":{"text":"yes"}}}"#,
                Some("yes"),
            ),
            (r#"{"response":{"content":{"text":null,"x":"no"}}}"#, None),
            (
                r#"{"response":{"headers":[{"name":"content","value":"text"}]}}"#,
                None,
            ),
            (r#"{"content":{"text":"no"}}"#, None),
            (r#"{"respons\u0065":{"content":{"text":"no"}}}"#, None),
            (r#"{"response":{"content":{"text","no"}}}"#, None),
        ];
        for (text, want) in cases {
            for chunk in [1, 2, 5, 16, 4096] {
                let mut reader = BufReader::with_capacity(chunk, text.as_bytes());
                let mut scanner = Scanner::new(&mut reader);
                let mut out = b"earlier".to_vec();
                let body = scanner.value(Some(&mut out), limits).unwrap().body;
                let found = body.map(|range| String::from_utf8_lossy(&out[range]).into_owned());
                if chunk == 4096 {
                    assert_eq!(found.as_deref(), want, "{text}");
                } else if found.is_some() {
                    // A key cut by a buffer's end is missed, never mistaken.
                    assert_eq!(found.as_deref(), want, "{text} (chunk {chunk})");
                }
            }
        }
    }
}
