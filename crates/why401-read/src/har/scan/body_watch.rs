//! Finding an entry's response body while it is framed.

use std::ops::Range;

use super::is_whitespace;

/// The keys leading from an entry to its response body: `response.content.text`.
const BODY_PATH: [&[u8]; 3] = [b"response", b"content", b"text"];

/// Follows an entry's framing to find its `response.content.text` string, the largest and
/// most escaped string of most entries, so that it can be decoded apart (see
/// `body::read_entry`). Only tokens are seen: in valid JSON a string followed by `:` is a
/// key, and the parser refuses anything else.
#[derive(Default)]
pub(super) struct BodyWatch {
    pub(super) active: bool,
    /// The objects of [`BODY_PATH`] the framing is in: 0 in the entry itself, 2 in
    /// `content`.
    level: usize,
    /// Where the closing quote of the last string is in the current buffer, when that
    /// string was the next key of [`BODY_PATH`] at its depth.
    key_end: Option<usize>,
    /// The string being read is the body.
    in_body: bool,
    /// Where the body's content starts in the output.
    body_start: usize,
    pub(super) found: Option<Range<usize>>,
}

impl BodyWatch {
    /// A string closed at `quote` in `buf`, at nesting `depth`, with `len` content bytes
    /// (`kept` of them in the output).
    pub(super) fn string_closed(
        &mut self,
        buf: &[u8],
        quote: usize,
        len: usize,
        depth: usize,
        kept: usize,
    ) {
        if std::mem::take(&mut self.in_body) {
            self.found = Some(self.body_start..self.body_start + kept);
            self.active = false;
            return;
        }
        let wanted = BODY_PATH.get(self.level).copied().unwrap_or_default();
        let is_key = depth == self.level + 1
            && len == wanted.len()
            && quote.checked_sub(len).map(|at| &buf[at..quote]) == Some(wanted);
        self.key_end = is_key.then_some(quote);
    }

    /// Whether the value opening at `at` in `buf` belongs to the key just closed: only
    /// blanks and one `:` lie between them.
    fn value_of_key(&mut self, buf: &[u8], at: usize) -> bool {
        let Some(quote) = self.key_end.take() else {
            return false;
        };
        let between = &buf[quote + 1..at];
        between.iter().filter(|b| **b == b':').count() == 1
            && between.iter().all(|b| *b == b':' || is_whitespace(*b))
    }

    /// A string opens at `at` in `buf`, at nesting `depth`; its content will start at
    /// `start` in the output.
    pub(super) fn string_opened(&mut self, buf: &[u8], at: usize, depth: usize, start: usize) {
        self.in_body = self.value_of_key(buf, at) && self.level == 2 && depth == 3;
        self.body_start = start;
    }

    /// An object or array opened at `at` in `buf`; `depth` counts it.
    pub(super) fn opened(&mut self, buf: &[u8], at: usize, open: u8, depth: usize) {
        if self.value_of_key(buf, at) && open == b'{' && self.level < 2 && depth == self.level + 2 {
            self.level += 1;
        }
    }

    /// An object or array closed; `depth` no longer counts it.
    pub(super) fn closed(&mut self, depth: usize) {
        self.level = self.level.min(depth.saturating_sub(1));
        self.key_end = None;
    }

    /// The buffer ends: positions in it mean nothing in the next one.
    pub(super) fn buffer_ended(&mut self) {
        self.key_end = None;
    }
}
