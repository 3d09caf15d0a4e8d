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

mod body_watch;
mod capture;
mod walk;

use self::capture::Capture;
use self::walk::Walk;

/// Deeper nesting than this is refused while framing (serde_json refuses beyond 128 when
/// an entry is parsed; that is a record error, this one stops the input). The default of
/// `--max-json-depth`.
pub const MAX_DEPTH: usize = 512;

/// The depth set by `--max-json-depth`; 0 keeps [`MAX_DEPTH`]. Process-wide: the readers
/// take no options.
static MAX_DEPTH_SET: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Sets the deepest nesting the framer accepts (`--max-json-depth`).
pub fn set_max_depth(depth: usize) {
    MAX_DEPTH_SET.store(depth, std::sync::atomic::Ordering::Relaxed);
}

/// The deepest nesting the framer accepts.
pub fn max_depth() -> usize {
    match MAX_DEPTH_SET.load(std::sync::atomic::Ordering::Relaxed) {
        0 => MAX_DEPTH,
        set => set,
    }
}

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

pub(super) fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn ends_scalar(b: u8) -> bool {
    is_whitespace(b) || matches!(b, b',' | b':' | b'}' | b']' | b'{' | b'[' | b'"')
}

#[cfg(test)]
mod tests;
