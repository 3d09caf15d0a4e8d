//! Key/value structures printed by any language, read as data.
//!
//! One tolerant scanner reads them all: JSON, Python repr, PHP `print_r`/`var_dump`, Go
//! `%+v`/`%#v`, Rust Debug, Ruby inspect, Java/.NET `toString`, logfmt, YAML-ish and header
//! lines. Every syntax is a container of elements, each element being `key SEP value` or a bare
//! value, so the scanner only has to know the key forms, the separators (`:`, `=`, `=>`) and
//! where a bare value ends. It never fails: a truncated or garbled dump yields what it holds.
//! Work is linear: every look-ahead is bounded by [`MAX_KEY`] and the position only moves on.

mod container;
mod key;
mod scalar;
mod structure;
#[cfg(test)]
mod tests;
mod top;

/// One scalar value found in a dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Keys from the outermost structure to this value, joined with `.` (`response.headers.www-authenticate`).
    pub path: String,
    /// The last key, lower-cased (`www-authenticate`, `status`, `error_description`).
    pub key: String,
    /// The value as text, unquoted and unescaped.
    pub value: String,
}

/// Longest value kept, in bytes (cut on a char boundary).
pub const MAX_VALUE: usize = 4096;
/// Most fields returned for one text.
pub const MAX_FIELDS: usize = 4000;
/// Deepest nesting read; deeper structures are skipped whole.
pub const MAX_DEPTH: usize = 64;
/// Longest key recognised; also the bound of every look-ahead.
const MAX_KEY: usize = 128;

/// Every key/value pair in `text`, in document order.
pub fn fields(text: &str) -> Vec<Field> {
    let mut scanner = Scanner::new(text, 0, MAX_FIELDS);
    scanner.top("");
    scanner.out
}

/// How a key is tied to its value; decides where a bare value ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// `key:value` (Go `%+v`, compact JSON).
    Colon,
    /// `key: value` (Rust Debug, YAML, headers, .NET, pretty JSON).
    ColonSpace,
    /// `key=value` (logfmt, Java toString, Python kwargs, Ruby ivars).
    Eq,
    /// `key => value` (Ruby hashes, PHP print_r and var_dump).
    Arrow,
    /// No key: a list element.
    None,
}

struct Key {
    name: String,
    sep: Sep,
    /// Position just after the separator.
    after: usize,
    quoted: bool,
}

/// What the top level knows of the current line.
struct Line {
    /// Open YAML-ish blocks: indentation of their `key:` line and their path.
    blocks: Vec<(usize, String)>,
    prefix: String,
    /// Path of a `Label:` that starts this line (`Response: StatusCode: 401, ...`).
    label: Option<String>,
    /// Where the line's content starts (`usize::MAX` before it was measured).
    content_start: usize,
    key_seen: bool,
}

impl Line {
    fn base(&self) -> String {
        let block = self.blocks.last().map(|(_, p)| p);
        self.label
            .as_ref()
            .or(block)
            .unwrap_or(&self.prefix)
            .clone()
    }
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    out: Vec<Field>,
    /// Closing brackets expected by the open containers, innermost last.
    closers: Vec<u8>,
    /// Nesting of JSON-in-string scans above this one.
    depth: usize,
    limit: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, depth: usize, limit: usize) -> Self {
        Scanner {
            text,
            b: text.as_bytes(),
            pos: 0,
            out: Vec::new(),
            closers: Vec::new(),
            depth,
            limit,
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn full(&self) -> bool {
        self.out.len() >= self.limit
    }

    fn starts(&self, i: usize, s: &str) -> bool {
        self.b
            .get(i..)
            .is_some_and(|rest| rest.starts_with(s.as_bytes()))
    }

    /// Moves past one whole char (never into the middle of a UTF-8 sequence).
    fn advance_char(&mut self) {
        self.pos += 1;
        while self.pos < self.b.len() && !self.text.is_char_boundary(self.pos) {
            self.pos += 1;
        }
    }

    fn skip_blanks(&mut self) {
        self.pos = self.skip(self.pos, b" \t", usize::MAX);
    }

    /// The first position from `i` whose byte is not in `set`, looking at most `limit` bytes.
    fn skip(&self, i: usize, set: &[u8], limit: usize) -> usize {
        let mut j = i;
        while j < self.b.len() && set.contains(&self.b[j]) && j - i < limit {
            j += 1;
        }
        j
    }

    /// Reads the quoted string at the position and moves past it.
    fn take_quoted(&mut self, q: usize) -> String {
        let (value, end, closed) = self.quoted(q, MAX_VALUE);
        self.pos = end + usize::from(closed);
        value
    }

    fn depth(&self) -> usize {
        self.depth + self.closers.len()
    }

    /// Records one scalar; a value that is itself a JSON object is read too, under the same path.
    fn emit(&mut self, path: &str, key: &str, value: String) {
        if key.is_empty() || self.full() {
            return;
        }
        let nested = value.trim_start().starts_with('{') && value.contains(':');
        self.out.push(Field {
            path: path.to_owned(),
            key: key.to_owned(),
            value: cap(value),
        });
        if nested && self.depth() < MAX_DEPTH {
            let value = self.out.last().map(|f| f.value.clone()).unwrap_or_default();
            let room = self.limit.saturating_sub(self.out.len());
            let mut inner = Scanner::new(&value, self.depth() + 1, room);
            inner.top(path);
            self.out.extend(inner.out);
        }
    }
}

fn is_key_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Cuts a value to [`MAX_VALUE`] bytes on a char boundary.
fn cap(mut value: String) -> String {
    if value.len() > MAX_VALUE {
        let mut end = MAX_VALUE;
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        value.truncate(end);
    }
    value
}
