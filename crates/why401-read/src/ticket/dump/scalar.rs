//! Unquoted and quoted values, and the escapes of quoted ones.

use super::{MAX_KEY, MAX_VALUE, Scanner, Sep};

/// Most lines a hard-wrapped string may run on before it closes.
const MAX_WRAPPED_LINES: usize = 8;

impl Scanner<'_> {
    /// An unquoted value: up to the end of the line, an unbalanced closer, or a `,`/space
    /// followed by the next key of the same kind (see [`Scanner::comma_ends`]).
    pub(super) fn bare(&mut self, path: &str, key: &str, sep: Sep) {
        let start = self.pos;
        let close = self.closers.last().copied().unwrap_or(0);
        let mut open = 0usize;
        let mut i = start;
        while i < self.b.len() {
            match self.at(i) {
                b'\n' | b'\r' => break,
                b'(' | b'[' | b'{' => open += 1,
                b')' | b']' | b'}' if open == 0 => break,
                b')' | b']' | b'}' => open -= 1,
                b'>' if close == b'>' && open == 0 => break,
                b'"' => {
                    if let Some(q) = self.find_on_line(i + 1, b'"', usize::MAX) {
                        i = q;
                    }
                }
                b',' if open == 0 && self.comma_ends(i + 1, sep) => break,
                b' ' | b'\t' if open == 0 && self.space_ends(i + 1, sep, close) => break,
                _ => {}
            }
            i += 1;
        }
        self.pos = i;
        let value = self.text[start..i].trim_end();
        if !value.is_empty() || sep != Sep::None {
            self.emit(path, key, value.to_owned());
        }
    }

    /// Whether a `,` ends the value: `, next: ` does; `, error="x"` inside a header does not.
    pub(super) fn comma_ends(&self, i: usize, sep: Sep) -> bool {
        let i = self.skip(i, b" \t", usize::MAX);
        if matches!(self.at(i), b'\n' | b'\r' | b'}' | b']' | b')' | 0) {
            return true;
        }
        let next = self.peek_key(i).map(|k| k.sep);
        match sep {
            Sep::Eq => true,
            Sep::None => next != Some(Sep::Eq),
            _ => next.is_some_and(|s| s != Sep::Eq),
        }
    }

    /// Whether a space ends the value: logfmt `a=1 b=2`, Go `Status:401 Unauthorized StatusCode:401`.
    pub(super) fn space_ends(&self, i: usize, sep: Sep, close: u8) -> bool {
        let next = || self.peek_key(i).map(|k| k.sep);
        match sep {
            // logfmt quotes values with spaces: at top level a space always ends one.
            Sep::Eq if self.closers.is_empty() => true,
            Sep::Eq | Sep::Colon => next() == Some(sep),
            Sep::None if close == b'>' => next() == Some(Sep::Eq),
            _ => false,
        }
    }

    /// A quoted string at `i` (which holds the quote): its unescaped text (at most about
    /// `keep` bytes), the position of the closing quote or of the line end, and whether it closed.
    pub(super) fn quoted(&self, i: usize, keep: usize) -> (String, usize, bool) {
        let q = self.at(i);
        let mut out = String::new();
        let mut run = i + 1;
        let mut j = i + 1;
        // Keys are short: a key look-ahead never scans a long string.
        let end = if keep == MAX_KEY {
            (i + 2 * MAX_KEY).min(self.b.len())
        } else {
            self.b.len()
        };
        // Inside a structure, a `"` string cut by hard wrapping goes on to the next lines
        // when it closes there; the line breaks are dropped.
        let wrapped = keep == MAX_VALUE && q == b'"' && !self.closers.is_empty();
        let mut joined = false;
        while j < end {
            let c = self.at(j);
            if c == q || c == b'\n' || c == b'\\' {
                if out.len() < keep {
                    out.push_str(self.text[run..j].trim_end_matches('\r'));
                }
                if c == b'\n' && wrapped && (joined || self.closes_later(j, q)) {
                    joined = true;
                    j += 1;
                    run = j;
                    continue;
                }
                if c != b'\\' {
                    return (out, j, c == q);
                }
                j = self.escape(j, &mut out);
                run = j;
                continue;
            }
            j += 1;
        }
        let j = j.min(self.b.len());
        if out.len() < keep && self.text.is_char_boundary(j) && run <= j {
            out.push_str(&self.text[run..j]);
        }
        (out, j, false)
    }

    /// Whether the string broken at the line end `i` closes within a few lines, followed by
    /// what follows a JSON string (`,` `:` `}` `]` or a line end).
    pub(super) fn closes_later(&self, i: usize, q: u8) -> bool {
        let mut lines = 0;
        let mut j = i + 1;
        while j < self.b.len() && j - i < MAX_VALUE && lines < MAX_WRAPPED_LINES {
            match self.at(j) {
                b'\\' => j += 1,
                b'\n' => lines += 1,
                c if c == q => {
                    let k = self.skip(j + 1, b" \t\r", usize::MAX);
                    return matches!(self.at(k), b',' | b':' | b'}' | b']' | b'\n' | 0);
                }
                _ => {}
            }
            j += 1;
        }
        false
    }

    /// Decodes the escape at `i` (a backslash) into `out`; returns the position after it.
    pub(super) fn escape(&self, i: usize, out: &mut String) -> usize {
        const SIMPLE: &[u8] = b"nrt0bf\"'\\/";
        const DECODED: &[char] = &[
            '\n', '\r', '\t', '\0', '\u{8}', '\u{c}', '"', '\'', '\\', '/',
        ];
        let next = self.at(i + 1);
        if let Some((_, &decoded)) = SIMPLE.iter().zip(DECODED).find(|(e, _)| **e == next) {
            out.push(decoded);
            return i + 2;
        }
        let (code, end) = match self.at(i + 1) {
            b'u' if self.at(i + 2) == b'{' => match self.find_on_line(i + 3, b'}', 8) {
                Some(e) => (hex(&self.b[i + 3..e]), e + 1),
                None => (None, i + 1),
            },
            b'u' => (self.b.get(i + 2..i + 6).and_then(hex), i + 6),
            b'U' => (self.b.get(i + 2..i + 10).and_then(hex), i + 10),
            b'x' => (self.b.get(i + 2..i + 4).and_then(hex), i + 4),
            _ => (None, i + 1),
        };
        let Some(mut code) = code else {
            out.push('\\');
            return i + 1;
        };
        let mut end = end;
        let low = self.b.get(end + 2..end + 6).and_then(hex).unwrap_or(0);
        let pair = (0xD800..0xDC00).contains(&code) && (0xDC00..0xE000).contains(&low);
        if pair && self.starts(end, "\\u") {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            end += 6;
        }
        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
        end
    }
}

fn hex(digits: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(digits).ok()?;
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}
