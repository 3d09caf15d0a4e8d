//! Keys and the separators that tie them to their values.

use super::{Key, MAX_KEY, Scanner, Sep, is_key_char, is_key_start};

/// Blanks allowed between a key and its separator (`key  =>`, `"key" :`).
const MAX_SEP_BLANKS: usize = 4;

impl Scanner<'_> {
    /// The key starting at `i`, with its separator, if there is one.
    pub(super) fn peek_key(&self, i: usize) -> Option<Key> {
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
    pub(super) fn key_run(&self, i: usize) -> Option<usize> {
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
    pub(super) fn bracket_key(&self, i: usize) -> Option<Key> {
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
    pub(super) fn sep_after(&self, end: usize, loose: bool) -> Option<(usize, Sep)> {
        let k = self.skip(end, b" \t", MAX_SEP_BLANKS);
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
