//! Structures that start with a word: Ruby and Python objects, PHP arrays and var_dump
//! scalars, typed Go, Rust and Java values.

use super::{MAX_KEY, Scanner, is_key_char, join};

/// How far along its line a PHP `array(2)`/`object(Cls)#1 (2)` header may put its `{`.
const PHP_HEADER_REACH: usize = 200;
/// How far a var_dump scalar's `)` may be (`float(-1.2345678901234567E+300)`).
const VAR_DUMP_REACH: usize = 32;

impl Scanner<'_> {
    /// Structures that start with a word: `#<Ruby ...>`, `<Response [401]>`, PHP
    /// `Array (`/`array(2) {`/`int(401)`, `Type{...}`/`Type { ... }`, Go `map[...]`, `Some(...)`.
    pub(super) fn structure(&mut self, path: &str, key: &str, in_value: bool) -> bool {
        let i = self.pos;
        if self.starts(i, "#<") {
            self.ruby_object(path);
            return true;
        }
        if self.at(i) == b'<' {
            return self.python_response(path);
        }
        if in_value && self.var_dump_scalar(path, key) {
            return true;
        }
        if let Some((open, close)) = self.opener_after_prefix(i, in_value) {
            self.pos = open + 1;
            self.container(path, key, close);
            return true;
        }
        false
    }

    /// Where the bracket of a prefixed structure is, if `i` starts one.
    pub(super) fn opener_after_prefix(&self, i: usize, in_value: bool) -> Option<(usize, u8)> {
        let word_end = self.ident_run(i);
        let word = &self.text[i..word_end];
        if matches!(word, "array" | "object") && self.at(word_end) == b'(' {
            let j = self.find_on_line(word_end, b'{', PHP_HEADER_REACH)?;
            return Some((j, b'}'));
        }
        if word == "Array" || self.word_then(word_end, "Object") {
            let after = if word == "Array" {
                word_end
            } else {
                self.ident_run(word_end + 1)
            };
            let j = self.skip(after, b" \t\r\n", MAX_KEY);
            return (self.at(j) == b'(').then_some((j, b')'));
        }
        if word == "map" && self.at(word_end) == b'[' {
            let j = self.find_on_line(word_end, b']', MAX_KEY)?;
            let mut t = j + 1;
            while self.starts(t, "[]") || self.at(t) == b'*' {
                t += if self.at(t) == b'*' { 1 } else { 2 };
            }
            let k = self.ident_run(t);
            if k > t && self.at(k) == b'{' {
                return Some((k, b'}'));
            }
            return Some((word_end, b']'));
        }
        let mut j = i;
        while matches!(self.at(j), b'&' | b'*') || self.starts(j, "[]") {
            j += if self.at(j) == b'[' { 2 } else { 1 };
        }
        let end = self.ident_run(j);
        if end == j || !self.at(j).is_ascii_alphabetic() {
            return None;
        }
        if in_value && self.at(end) == b'(' && j == i {
            return Some((end, b')'));
        }
        let k = self.skip(end, b" ", 2);
        (self.at(k) == b'{').then_some((k, b'}'))
    }

    pub(super) fn ident_run(&self, i: usize) -> usize {
        let mut j = i;
        while (self.at(j).is_ascii_alphanumeric()
            || matches!(self.at(j), b'_' | b'.' | b':' | b'\\'))
            && j - i < MAX_KEY
        {
            j += 1;
        }
        j
    }

    pub(super) fn word_then(&self, i: usize, word: &str) -> bool {
        self.at(i) == b' ' && self.starts(i + 1, word) && !is_key_char(self.at(i + 1 + word.len()))
    }

    /// The first `byte` within `limit` bytes from `i`, unless a line ends first.
    pub(super) fn find_on_line(&self, i: usize, byte: u8, limit: usize) -> Option<usize> {
        let end = i.saturating_add(limit).min(self.b.len());
        let window = self.b.get(i..end)?;
        let j = memchr::memchr2(byte, b'\n', window)?;
        (window[j] == byte).then_some(i + j)
    }

    /// PHP var_dump scalars: `int(401)`, `bool(false)`, `float(1.5)`, `string(5) "value"`.
    pub(super) fn var_dump_scalar(&mut self, path: &str, key: &str) -> bool {
        let i = self.pos;
        let word_end = self.ident_run(i);
        let word = &self.text[i..word_end];
        if !matches!(word, "int" | "float" | "bool" | "string") || self.at(word_end) != b'(' {
            return false;
        }
        let Some(close) = self.find_on_line(word_end, b')', VAR_DUMP_REACH) else {
            return false;
        };
        let inside = &self.text[word_end + 1..close];
        if word != "string" {
            self.pos = close + 1;
            self.emit(path, key, inside.to_owned());
            return true;
        }
        let q = close + 2;
        if self.at(close + 1) != b' ' || self.at(q) != b'"' {
            return false;
        }
        // var_dump does not escape: the declared length says where the string ends.
        let end = inside
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_add(q + 1));
        let value = match end {
            Some(e) if self.text.is_char_boundary(e.min(self.b.len())) && self.at(e) == b'"' => {
                self.pos = e + 1;
                self.text[q + 1..e].to_owned()
            }
            _ => self.take_quoted(q),
        };
        self.emit(path, key, value);
        true
    }

    /// Ruby `#<Net::HTTPUnauthorized 401 Unauthorized readbody=true>`, `#<Obj:0x1 @status=401>`.
    pub(super) fn ruby_object(&mut self, path: &str) {
        self.pos += 2;
        while !matches!(self.at(self.pos), b' ' | b'>' | b'\n' | 0) && self.pos < self.b.len() {
            self.pos += 1;
        }
        self.skip_blanks();
        self.status_number(path);
        self.container(path, "", b'>');
    }

    /// Python `<Response [401]>`.
    pub(super) fn python_response(&mut self, path: &str) -> bool {
        let end = self.ident_run(self.pos + 1);
        if end == self.pos + 1 || !self.starts(end, " [") {
            return false;
        }
        let at = self.pos;
        self.pos = end + 2;
        if self.status_number(path) && self.starts(self.pos, "]>") {
            self.pos += 2;
            return true;
        }
        self.pos = at;
        false
    }

    /// A three-digit HTTP status at the position, reported as `status`.
    pub(super) fn status_number(&mut self, path: &str) -> bool {
        let i = self.pos;
        let digits = (i..i + 3).all(|j| self.at(j).is_ascii_digit());
        if !digits || self.at(i).wrapping_sub(b'1') > 4 || self.at(i + 3).is_ascii_digit() {
            return false;
        }
        self.pos = i + 3;
        let number = self.text[i..i + 3].to_owned();
        self.emit(&join(path, "status"), "status", number);
        true
    }
}
