//! Framing one buffer of a string, object or array: strings, escapes and brackets.

use memchr::memchr2;

use super::body_watch::BodyWatch;
use super::capture::Capture;
use super::{ScanError, max_depth};

/// The first `"` or `\\` in `bytes`. Most strings of a HAR are short (keys, header names),
/// so the first bytes are tested here, eight at a time, before handing a long string to
/// `memchr2`, whose set-up costs more than a short string.
pub(super) fn find_quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const SHORT: usize = 32;
    let mut at = 0;
    while at < SHORT {
        let Some(word) = bytes
            .get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
        else {
            let tail = bytes.get(at..).unwrap_or_default();
            return tail
                .iter()
                .position(|b| matches!(b, b'"' | b'\\'))
                .map(|k| at + k);
        };
        let word = u64::from_le_bytes(word);
        let found = zero_bytes(word ^ QUOTES) | zero_bytes(word ^ BACKSLASHES);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    memchr2(b'"', b'\\', &bytes[at..]).map(|k| at + k)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const QUOTES: u64 = ONES * b'"' as u64;
const BACKSLASHES: u64 = ONES * b'\\' as u64;

/// The high bit set in the lowest zero byte of `word` (and maybe in higher ones): the
/// lowest set bit marks the first zero byte exactly; no bit is set without a zero byte.
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & (ONES << 7)
}

/// Where framing is inside a string, object or array, carried from one buffer to the next.
#[derive(Default)]
pub(super) struct Walk {
    in_string: bool,
    /// The previous buffer ended just after a backslash inside a string.
    escaped: bool,
    /// Content bytes of the current string seen so far.
    string_len: usize,
    pub(super) watch: BodyWatch,
}

impl Walk {
    /// Frames one buffer of input (whose first byte is at `offset`): returns the bytes used
    /// and whether the value ended in it.
    pub(super) fn chunk(
        &mut self,
        buf: &[u8],
        stack: &mut Vec<u8>,
        capture: &mut Capture,
        offset: u64,
    ) -> Result<(usize, bool), ScanError> {
        let mut i = 0;
        let mut done = false;
        while i < buf.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    i += 1;
                    self.string_len += 1;
                    capture.string_grew(buf, i, self.string_len);
                    continue;
                }
                match find_quote_or_backslash(&buf[i..]) {
                    None => {
                        self.string_len += buf.len() - i;
                        i = buf.len();
                    }
                    Some(k) if buf[i + k] == b'\\' => {
                        // The backslash and the byte it escapes, which may be in the next buffer.
                        let step = (k + 2).min(buf.len() - i);
                        self.escaped = step == k + 1;
                        self.string_len += step;
                        i += step;
                    }
                    Some(k) => {
                        self.string_len += k;
                        i += k;
                        let kept = capture.string_close(buf, i, self.string_len);
                        if self.watch.active {
                            self.watch
                                .string_closed(buf, i, self.string_len, stack.len(), kept);
                        }
                        self.in_string = false;
                        i += 1;
                        if stack.is_empty() {
                            done = true;
                            break;
                        }
                        continue;
                    }
                }
                capture.string_grew(buf, i, self.string_len);
                continue;
            }
            match buf[i] {
                b'"' => {
                    self.in_string = true;
                    self.string_len = 0;
                    capture.string_open(i + 1);
                    if self.watch.active {
                        self.watch
                            .string_opened(buf, i, stack.len(), capture.string_start);
                    }
                }
                open @ (b'{' | b'[') => {
                    if stack.len() >= max_depth() {
                        return Err(ScanError::TooDeep {
                            at: offset + i as u64,
                        });
                    }
                    stack.push(if open == b'{' { b'}' } else { b']' });
                    if self.watch.active {
                        self.watch.opened(buf, i, open, stack.len());
                    }
                }
                close @ (b'}' | b']') => {
                    if stack.pop() != Some(close) {
                        return Err(ScanError::syntax(
                            offset + i as u64,
                            format!("unexpected '{}'", close as char),
                        ));
                    }
                    if self.watch.active {
                        self.watch.closed(stack.len());
                    }
                    if stack.is_empty() {
                        i += 1;
                        done = true;
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        capture.chunk_end(buf, i, self.in_string);
        self.watch.buffer_ended();
        Ok((i, done))
    }
}
