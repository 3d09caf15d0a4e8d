//! Key/value structures printed by any language, read as data.
//!
//! One tolerant scanner reads them all: JSON, Python repr, PHP `print_r`/`var_dump`, Go
//! `%+v`/`%#v`, Rust Debug, Ruby inspect, Java/.NET `toString`, logfmt, YAML-ish and header
//! lines. Every syntax is a container of elements, each element being `key SEP value` or a bare
//! value, so the scanner only has to know the key forms, the separators (`:`, `=`, `=>`) and
//! where a bare value ends. It never fails: a truncated or garbled dump yields what it holds.
//! Work is linear: every look-ahead is bounded by [`MAX_KEY`] and the position only moves on.

#[cfg(test)]
mod tests;

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

    // ---- top level: prose with structures, logfmt, header and YAML-ish lines ----

    fn top(&mut self, prefix: &str) {
        let mut line = Line {
            blocks: Vec::new(),
            prefix: prefix.to_owned(),
            label: None,
            content_start: usize::MAX,
            key_seen: false,
        };
        while self.pos < self.b.len() && !self.full() {
            if matches!(self.at(self.pos), b'\n' | b'\r') {
                self.pos += 1;
                line.content_start = usize::MAX;
                continue;
            }
            if line.content_start == usize::MAX && self.start_line(&mut line) {
                continue;
            }
            let base = line.base();
            if self.at(self.pos) == b'{' {
                self.pos += 1;
                self.container(&base, "", b'}');
            } else if !self.token_start(self.pos) {
                self.advance_char();
            } else if !self.top_key(&mut line, &base) && !self.structure(&base, "", false) {
                self.skip_word();
            }
        }
    }

    /// Measures the indentation of a new line and closes the YAML-ish blocks it leaves; true
    /// when nothing is left to read on the line.
    fn start_line(&mut self, line: &mut Line) -> bool {
        let start = self.pos;
        self.skip_blanks();
        let indent = self.pos - start;
        if matches!(self.at(self.pos), b'\n' | b'\r') || self.pos >= self.b.len() {
            return true;
        }
        while line.blocks.last().is_some_and(|(i, _)| *i >= indent) {
            line.blocks.pop();
        }
        if self.starts(self.pos, "- ") {
            self.pos += 2;
        }
        line.content_start = self.pos;
        line.label = None;
        line.key_seen = false;
        let Some(path) = self.block_header(&line.base()) else {
            return false;
        };
        line.blocks.push((indent, path));
        true
    }

    /// A key in prose: `key=value` and `key => value` anywhere, `"key": value` anywhere, and
    /// `key: value` first on a line or after an earlier `key: value,` of the same line.
    fn top_key(&mut self, line: &mut Line, base: &str) -> bool {
        let Some(key) = self.peek_key(self.pos).filter(|k| !k.name.is_empty()) else {
            return false;
        };
        let first = self.pos == line.content_start;
        let after_comma = line.key_seen && self.prev_nonblank(self.pos) == b',';
        let allowed = match key.sep {
            Sep::Eq | Sep::Arrow => true,
            _ => key.quoted || first || after_comma || line.label.is_some(),
        };
        if !allowed {
            return false;
        }
        let path = join(base, &key.name);
        self.pos = key.after;
        line.key_seen = true;
        if first && key.sep == Sep::ColonSpace && self.is_label() {
            // The whole rest is the label's value, and its keys are read too.
            let eol = self.find_on_line(self.pos, b'\n', usize::MAX);
            let rest = &self.text[self.pos..eol.unwrap_or(self.b.len())];
            self.emit(&path, &key.name, rest.trim_end().to_owned());
            line.label = Some(path);
        } else {
            self.value(&path, &key.name, key.sep);
        }
        true
    }

    /// Moves past a whole word at once (linear on long words), or past one char.
    fn skip_word(&mut self) {
        if is_key_char(self.at(self.pos)) {
            while is_key_char(self.at(self.pos)) {
                self.pos += 1;
            }
        } else {
            self.advance_char();
        }
    }

    /// A line `key:` with nothing after it and no bracket on the next line opens a YAML-ish block.
    fn block_header(&mut self, base: &str) -> Option<String> {
        let key = self.peek_key(self.pos).filter(|k| !k.quoted)?;
        if !matches!(key.sep, Sep::ColonSpace) || key.name.is_empty() {
            return None;
        }
        let i = self.skip(key.after, b" \t\r", usize::MAX);
        if !matches!(self.at(i), b'\n' | 0) || matches!(self.next_line_start(i), b'{' | b'(') {
            return None;
        }
        self.pos = i;
        Some(join(base, &key.name))
    }

    /// After `Label: ` comes another `key: value` (`Response: StatusCode: 401, ...`).
    fn is_label(&mut self) -> bool {
        self.skip_blanks();
        self.peek_key(self.pos)
            .is_some_and(|k| !k.quoted && matches!(k.sep, Sep::Colon | Sep::ColonSpace))
    }

    fn token_start(&self, i: usize) -> bool {
        i == 0 || !(is_key_char(self.at(i - 1)) || self.at(i - 1) == b'\\')
    }

    fn prev_nonblank(&self, i: usize) -> u8 {
        let mut j = i;
        while j > 0 && matches!(self.at(j - 1), b' ' | b'\t') {
            j -= 1;
        }
        if j == 0 { 0 } else { self.at(j - 1) }
    }

    /// First non-blank byte of the line after the one ending at `i` (at `\n` or end).
    fn next_line_start(&self, i: usize) -> u8 {
        let i = self.skip(i, b"\r", 1);
        let i = self.skip(i, b"\n", 1);
        self.at(self.skip(i, b" \t", usize::MAX))
    }

    // ---- keys ----

    /// The key starting at `i`, with its separator, if there is one.
    fn peek_key(&self, i: usize) -> Option<Key> {
        let c = self.at(i);
        if c == b'[' {
            return self.bracket_key(i);
        }
        let quoted = matches!(c, b'"' | b'\'');
        let (name, end) = if quoted {
            let (raw, end, closed) = self.quoted(i, MAX_KEY);
            if !closed || raw.len() > MAX_KEY {
                return None;
            }
            (raw, end + 1)
        } else {
            // Sigils: Ruby `:symbol=>`, Ruby `@ivar=`, PHP/Perl `$var`.
            let sigil = usize::from(matches!(c, b':' | b'@' | b'$'));
            if !is_key_start(self.at(i + sigil)) {
                return None;
            }
            let end = self.key_run(i + sigil)?;
            (self.text[i..end].to_owned(), end)
        };
        let (after, sep) = self.sep_after(end, quoted)?;
        if c == b':' && sep != Sep::Arrow {
            return None;
        }
        let name = norm_key(&name);
        Some(Key {
            name,
            sep,
            after,
            quoted,
        })
    }

    /// End of a bare key, or None when longer than [`MAX_KEY`].
    fn key_run(&self, i: usize) -> Option<usize> {
        let mut j = i;
        while is_key_char(self.at(j)) {
            j += 1;
            if j - i > MAX_KEY {
                return None;
            }
        }
        Some(j)
    }

    /// PHP keys: `[status]`, `["status"]`, `[status:protected]`, `["code":"Cls":private]`.
    fn bracket_key(&self, i: usize) -> Option<Key> {
        let mut j = i + 1;
        while !matches!(self.at(j), b']' | b'\n' | b'[' | 0) {
            j += 1;
            if j - i > MAX_KEY {
                return None;
            }
        }
        if self.at(j) != b']' || matches!(self.at(i + 1), b' ' | b']') {
            return None;
        }
        let (after, sep) = self.sep_after(j + 1, true).filter(|k| k.1 == Sep::Arrow)?;
        Some(Key {
            name: php_key(&self.text[i + 1..j]),
            sep,
            after,
            quoted: false,
        })
    }

    /// The separator after a key ending at `end`; bare keys must touch `:` and `=`.
    fn sep_after(&self, end: usize, loose: bool) -> Option<(usize, Sep)> {
        let k = self.skip(end, b" \t", 4);
        let spaced = k > end;
        match (self.at(k), self.at(k + 1)) {
            (b'=', b'>') => Some((k + 2, Sep::Arrow)),
            _ if spaced && !loose => None,
            (b':', b':' | b'/' | b'\\' | b'=') => None,
            (b':', b' ' | b'\t' | b'\n' | b'\r' | 0) => Some((k + 1, Sep::ColonSpace)),
            (b':', _) => Some((k + 1, Sep::Colon)),
            (b'=', b'=') => None,
            (b'=', _) if !spaced => Some((k + 1, Sep::Eq)),
            _ => None,
        }
    }

    // ---- containers and elements ----

    /// Reads elements until `close` (consumed) or a closer an outer container waits for.
    fn container(&mut self, path: &str, key: &str, close: u8) {
        if self.depth() >= MAX_DEPTH {
            self.skip_balanced();
            return;
        }
        self.closers.push(close);
        let mut keyed = false;
        while !self.full() {
            self.pos = self.skip(self.pos, b" \t\n\r,;", usize::MAX);
            let c = self.at(self.pos);
            if self.pos >= self.b.len() {
                break;
            }
            if c == close {
                self.pos += 1;
                break;
            }
            if matches!(c, b'}' | b']' | b')') {
                if self.closers.contains(&c) {
                    break;
                }
                self.pos += 1;
                continue;
            }
            let start = self.pos;
            keyed |= self.element(path, key, keyed);
            if self.pos == start {
                self.advance_char();
            }
        }
        self.closers.pop();
    }

    /// Skips a structure too deep to read, counting brackets only.
    fn skip_balanced(&mut self) {
        let mut open = 1usize;
        while self.pos < self.b.len() {
            match self.at(self.pos) {
                b'{' | b'[' | b'(' => open += 1,
                b'}' | b']' | b')' => open -= 1,
                _ => {}
            }
            self.pos += 1;
            if open == 0 {
                return;
            }
        }
    }

    /// One element; true when it had a key. Bare elements of a container that already had
    /// keys are junk, not list items, so they are not reported.
    fn element(&mut self, path: &str, key: &str, keyed_seen: bool) -> bool {
        if let Some(k) = self.peek_key(self.pos).filter(|k| !k.name.is_empty()) {
            self.pos = k.after;
            if k.name.bytes().all(|b| b.is_ascii_digit()) {
                self.value(path, if keyed_seen { "" } else { key }, k.sep);
                return false;
            }
            let child = join(path, &k.name);
            self.value(&child, &k.name, k.sep);
            return true;
        }
        self.value(path, if keyed_seen { "" } else { key }, Sep::None);
        false
    }

    fn value(&mut self, path: &str, key: &str, sep: Sep) {
        self.skip_blanks();
        if matches!(self.at(self.pos), b'\n' | b'\r' | 0) && !self.value_on_next_line(sep) {
            return;
        }
        match self.at(self.pos) {
            b'"' | b'\'' => {
                let value = self.take_quoted(self.pos);
                self.emit(path, key, value);
            }
            b'{' => {
                self.pos += 1;
                self.container(path, key, b'}');
            }
            b'[' if !self.starts(self.pos, "[]") => {
                self.pos += 1;
                self.container(path, key, b']');
            }
            _ if self.structure(path, key, true) => {}
            _ => self.bare(path, key, sep),
        }
    }

    /// A value on the following line: .NET `Headers:` then `{`, var_dump `["k"]=>` then `int(1)`.
    fn value_on_next_line(&mut self, sep: Sep) -> bool {
        let next = self.next_line_start(self.pos);
        let ok = match sep {
            Sep::Arrow => !matches!(next, b'[' | b'}' | b']' | b')' | 0),
            Sep::Colon | Sep::ColonSpace => matches!(next, b'{' | b'('),
            Sep::Eq | Sep::None => false,
        };
        if ok {
            self.pos = self.skip(self.pos, b" \t\r\n", usize::MAX);
        }
        ok
    }

    /// Structures that start with a word: `#<Ruby ...>`, `<Response [401]>`, PHP
    /// `Array (`/`array(2) {`/`int(401)`, `Type{...}`/`Type { ... }`, Go `map[...]`, `Some(...)`.
    fn structure(&mut self, path: &str, key: &str, in_value: bool) -> bool {
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
    fn opener_after_prefix(&self, i: usize, in_value: bool) -> Option<(usize, u8)> {
        let word_end = self.ident_run(i);
        let word = &self.text[i..word_end];
        if matches!(word, "array" | "object") && self.at(word_end) == b'(' {
            let j = self.find_on_line(word_end, b'{', 200)?;
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

    fn ident_run(&self, i: usize) -> usize {
        let mut j = i;
        while (self.at(j).is_ascii_alphanumeric()
            || matches!(self.at(j), b'_' | b'.' | b':' | b'\\'))
            && j - i < MAX_KEY
        {
            j += 1;
        }
        j
    }

    fn word_then(&self, i: usize, word: &str) -> bool {
        self.at(i) == b' ' && self.starts(i + 1, word) && !is_key_char(self.at(i + 1 + word.len()))
    }

    /// The first `byte` within `limit` bytes from `i`, unless a line ends first.
    fn find_on_line(&self, i: usize, byte: u8, limit: usize) -> Option<usize> {
        let end = i.saturating_add(limit).min(self.b.len());
        let window = self.b.get(i..end)?;
        let j = memchr::memchr2(byte, b'\n', window)?;
        (window[j] == byte).then_some(i + j)
    }

    /// PHP var_dump scalars: `int(401)`, `bool(false)`, `float(1.5)`, `string(5) "value"`.
    fn var_dump_scalar(&mut self, path: &str, key: &str) -> bool {
        let i = self.pos;
        let word_end = self.ident_run(i);
        let word = &self.text[i..word_end];
        if !matches!(word, "int" | "float" | "bool" | "string") || self.at(word_end) != b'(' {
            return false;
        }
        let Some(close) = self.find_on_line(word_end, b')', 32) else {
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
    fn ruby_object(&mut self, path: &str) {
        self.pos += 2;
        while !matches!(self.at(self.pos), b' ' | b'>' | b'\n' | 0) && self.pos < self.b.len() {
            self.pos += 1;
        }
        self.skip_blanks();
        self.status_number(path);
        self.container(path, "", b'>');
    }

    /// Python `<Response [401]>`.
    fn python_response(&mut self, path: &str) -> bool {
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
    fn status_number(&mut self, path: &str) -> bool {
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

    // ---- scalars ----

    /// An unquoted value: up to the end of the line, an unbalanced closer, or a `,`/space
    /// followed by the next key of the same kind (see [`Scanner::comma_ends`]).
    fn bare(&mut self, path: &str, key: &str, sep: Sep) {
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
    fn comma_ends(&self, i: usize, sep: Sep) -> bool {
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
    fn space_ends(&self, i: usize, sep: Sep, close: u8) -> bool {
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
    fn quoted(&self, i: usize, keep: usize) -> (String, usize, bool) {
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
    fn closes_later(&self, i: usize, q: u8) -> bool {
        let mut lines = 0;
        let mut j = i + 1;
        while j < self.b.len() && j - i < MAX_VALUE && lines < 8 {
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
    fn escape(&self, i: usize, out: &mut String) -> usize {
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

fn is_key_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

/// `:status` → `status`, `@Status` → `status`.
fn norm_key(raw: &str) -> String {
    raw.trim()
        .trim_start_matches([':', '@', '$', '&'])
        .trim()
        .to_lowercase()
}

/// The key inside PHP brackets: `"code":"Cls":private` → `code`, `status:protected` → `status`.
fn php_key(raw: &str) -> String {
    let name = match raw.as_bytes().first() {
        Some(q @ (b'"' | b'\'')) => raw[1..].split(*q as char).next().unwrap_or(""),
        _ => raw.split(':').next().unwrap_or(""),
    };
    norm_key(name)
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
