//! Copying a framed value out, its strings cut to their limit and the whole bounded.

use memchr::memchr;

use super::Limits;

/// Where captured bytes go, and the bookkeeping that keeps them bounded.
///
/// Bytes are copied lazily: a buffer's bytes from `span` on are copied at the end of the
/// buffer, or earlier when a string grows past its limit, so a run of short strings costs
/// one copy rather than several per string.
pub(super) struct Capture<'o> {
    pub(super) out: Option<&'o mut Vec<u8>>,
    pub(super) limits: Limits,
    /// The length of `out` before this value: other values may precede it there.
    base: usize,
    /// Where the bytes of the current buffer not yet copied start.
    span: usize,
    /// Where the current string's content starts (or will start) in `out`.
    pub(super) string_start: usize,
    /// The current string passed its limit; the rest of it is dropped.
    dropping: bool,
    pub(super) too_large: bool,
}

impl<'o> Capture<'o> {
    pub(super) fn new(out: Option<&'o mut Vec<u8>>, limits: Limits) -> Capture<'o> {
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
    pub(super) fn outside(&mut self, bytes: &[u8]) {
        if let Some(out) = self.out.as_deref_mut() {
            out.extend_from_slice(bytes);
            let len = out.len();
            self.check_total(len);
        }
    }

    /// A string's content starts at `content` in the current buffer.
    pub(super) fn string_open(&mut self, content: usize) {
        if let Some(out) = self.out.as_deref() {
            self.string_start = out.len() + (content - self.span);
            self.dropping = false;
        }
    }

    /// The current string has `len` content bytes, the last one before `at` in `buf`: past
    /// the limit, the kept part is copied and the rest dropped.
    pub(super) fn string_grew(&mut self, buf: &[u8], at: usize, len: usize) {
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
    pub(super) fn string_close(&mut self, buf: &[u8], quote: usize, len: usize) -> usize {
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
    pub(super) fn chunk_end(&mut self, buf: &[u8], end: usize, in_string: bool) {
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
pub(super) fn safe_cut(content: &[u8], cap: usize) -> usize {
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
