//! Containers and their elements, and the value after a key.

use super::{MAX_DEPTH, Scanner, Sep, join};

impl Scanner<'_> {
    /// Reads elements until `close` (consumed) or a closer an outer container waits for.
    pub(super) fn container(&mut self, path: &str, key: &str, close: u8) {
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
    pub(super) fn skip_balanced(&mut self) {
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
    pub(super) fn element(&mut self, path: &str, key: &str, keyed_seen: bool) -> bool {
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

    pub(super) fn value(&mut self, path: &str, key: &str, sep: Sep) {
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
    pub(super) fn value_on_next_line(&mut self, sep: Sep) -> bool {
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
}
