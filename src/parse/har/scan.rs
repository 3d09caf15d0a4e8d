//! A byte-level JSON framer: finds where one JSON value ends in a stream without building
//! it, so `log.entries` can be cut into one entry at a time whatever the file's line length.
//!
//! It checks only what framing needs (strings, escapes, bracket nesting); the captured
//! bytes of an entry are then parsed properly by serde_json. Captured strings longer than
//! [`Limits::string`] are cut at a safe place (never inside an escape or a UTF-8
//! character), so a 200 MB response body never sits in memory: only its head is kept,
//! which is all the model keeps anyway.

use std::io::{self, BufRead};

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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Captured {
    /// The value was larger than [`Limits::total`]: it was skipped, nothing is captured.
    pub too_large: bool,
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
        match first {
            b'{' | b'[' | b'"' => self.nested(&mut capture)?,
            _ => self.scalar(&mut capture)?,
        }
        Ok(Captured {
            too_large: capture.too_large,
        })
    }

    /// A string, object or array: follows strings and brackets to the matching end.
    fn nested(&mut self, capture: &mut Capture) -> Result<(), ScanError> {
        self.stack.clear();
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Err(ScanError::Eof);
            }
            let mut i = 0;
            let mut span = 0;
            let mut done = false;
            while i < buf.len() {
                if in_string {
                    if escaped {
                        escaped = false;
                        i += 1;
                        continue;
                    }
                    match memchr2(b'"', b'\\', &buf[i..]) {
                        None => i = buf.len(),
                        Some(k) if buf[i + k] == b'\\' => {
                            escaped = true;
                            i += k + 1;
                        }
                        Some(k) => {
                            capture.string_content(&buf[span..i + k]);
                            capture.string_close();
                            in_string = false;
                            i += k + 1;
                            span = i;
                            if self.stack.is_empty() {
                                done = true;
                                break;
                            }
                        }
                    }
                    continue;
                }
                match buf[i] {
                    b'"' => {
                        capture.outside(&buf[span..=i]);
                        capture.string_open();
                        in_string = true;
                        span = i + 1;
                    }
                    open @ (b'{' | b'[') => {
                        if self.stack.len() >= MAX_DEPTH {
                            return Err(ScanError::TooDeep {
                                at: self.offset + i as u64,
                            });
                        }
                        self.stack.push(if open == b'{' { b'}' } else { b']' });
                    }
                    close @ (b'}' | b']') => {
                        if self.stack.pop() != Some(close) {
                            return Err(ScanError::syntax(
                                self.offset + i as u64,
                                format!("unexpected '{}'", close as char),
                            ));
                        }
                        if self.stack.is_empty() {
                            i += 1;
                            done = true;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            if in_string {
                capture.string_content(&buf[span..i]);
            } else {
                capture.outside(&buf[span..i]);
            }
            self.input.consume(i);
            self.offset += i as u64;
            if done {
                return Ok(());
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

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn ends_scalar(b: u8) -> bool {
    is_whitespace(b) || matches!(b, b',' | b':' | b'}' | b']' | b'{' | b'[' | b'"')
}

/// Where captured bytes go, and the bookkeeping that keeps them bounded.
struct Capture<'o> {
    out: Option<&'o mut Vec<u8>>,
    limits: Limits,
    /// Where the current string's content starts in `out`.
    string_start: usize,
    /// The current string passed its limit; the rest of it is dropped.
    dropping: bool,
    too_large: bool,
}

impl<'o> Capture<'o> {
    fn new(out: Option<&'o mut Vec<u8>>, limits: Limits) -> Capture<'o> {
        Capture {
            out,
            limits,
            string_start: 0,
            dropping: false,
            too_large: false,
        }
    }

    fn outside(&mut self, bytes: &[u8]) {
        if let Some(out) = self.out.as_deref_mut() {
            out.extend_from_slice(bytes);
            self.check_total();
        }
    }

    fn string_open(&mut self) {
        self.string_start = self.out.as_deref().map_or(0, Vec::len);
        self.dropping = false;
    }

    fn string_content(&mut self, bytes: &[u8]) {
        if self.dropping || bytes.is_empty() {
            return;
        }
        let Some(out) = self.out.as_deref_mut() else {
            return;
        };
        out.extend_from_slice(bytes);
        // A margin past the limit keeps a whole escape pair in view for `safe_cut`.
        if out.len() - self.string_start > self.limits.string + 16 {
            self.dropping = true;
        }
    }

    fn string_close(&mut self) {
        let Some(out) = self.out.as_deref_mut() else {
            return;
        };
        if self.dropping || out.len() - self.string_start > self.limits.string {
            let cut = safe_cut(&out[self.string_start..], self.limits.string);
            out.truncate(self.string_start + cut);
            self.dropping = false;
        }
        out.push(b'"');
        self.check_total();
    }

    /// A value past the total limit is skipped whole: its bytes are released at once.
    fn check_total(&mut self) {
        if let Some(out) = self.out.as_deref_mut()
            && out.len() > self.limits.total
        {
            out.clear();
            self.out = None;
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
}
