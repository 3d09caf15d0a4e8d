//! The top level of a text: prose with structures, logfmt, header and YAML-ish lines.

use super::{Line, Scanner, Sep, is_key_char, join};

impl Scanner<'_> {
    pub(super) fn top(&mut self, prefix: &str) {
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
    pub(super) fn start_line(&mut self, line: &mut Line) -> bool {
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
    pub(super) fn top_key(&mut self, line: &mut Line, base: &str) -> bool {
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
    pub(super) fn skip_word(&mut self) {
        if is_key_char(self.at(self.pos)) {
            while is_key_char(self.at(self.pos)) {
                self.pos += 1;
            }
        } else {
            self.advance_char();
        }
    }

    /// A line `key:` with nothing after it and no bracket on the next line opens a YAML-ish block.
    pub(super) fn block_header(&mut self, base: &str) -> Option<String> {
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
    pub(super) fn is_label(&mut self) -> bool {
        self.skip_blanks();
        self.peek_key(self.pos)
            .is_some_and(|k| !k.quoted && matches!(k.sep, Sep::Colon | Sep::ColonSpace))
    }

    pub(super) fn token_start(&self, i: usize) -> bool {
        i == 0 || !(is_key_char(self.at(i - 1)) || self.at(i - 1) == b'\\')
    }

    pub(super) fn prev_nonblank(&self, i: usize) -> u8 {
        let mut j = i;
        while j > 0 && matches!(self.at(j - 1), b' ' | b'\t') {
            j -= 1;
        }
        if j == 0 { 0 } else { self.at(j - 1) }
    }

    /// First non-blank byte of the line after the one ending at `i` (at `\n` or end).
    pub(super) fn next_line_start(&self, i: usize) -> u8 {
        let i = self.skip(i, b"\r", 1);
        let i = self.skip(i, b"\n", 1);
        self.at(self.skip(i, b" \t", usize::MAX))
    }
}
