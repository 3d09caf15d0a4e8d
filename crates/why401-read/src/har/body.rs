//! An entry's response body decoded apart from the rest of the entry.
//!
//! JSON bodies inside a HAR are escaped at every quote, and serde_json's string reader pays
//! for each escape on its own; the body is also most of an entry's bytes. So when framing
//! found the `response.content.text` string of an entry, the entry is parsed without that
//! string's content and the content is decoded here, copying the runs between escapes in
//! bulk. This decoder accepts exactly the strings serde_json accepts and gives the same
//! text; for anything it does not accept it gives up, and the entry is parsed as a whole,
//! so results and error messages never differ.

use std::borrow::Cow;
use std::ops::Range;

use memchr::memchr;

use super::entry::RawEntry;
use why401_model::exchange::Exchange;

/// Shorter bodies are left to serde_json: too little to gain for the extra copy.
pub const MIN_LEN: usize = 256;

/// Reads entry `n` (`text`), whose response body content is at `body` in it, as
/// [`RawEntry::into_checked`] does; `None` when anything is unusual (the caller then
/// parses the whole entry). `rest` is scratch space for the entry without its body.
pub fn read_entry(
    text: &str,
    body: Range<usize>,
    n: u64,
    rest: &mut String,
) -> Option<Option<(Exchange, Option<String>)>> {
    let decoded = unescape(text.get(body.clone())?)?;
    rest.clear();
    rest.push_str(text.get(..body.start)?);
    rest.push_str(text.get(body.end..)?);
    let mut raw: RawEntry = serde_json::from_str(rest).ok()?;
    if !raw.set_response_text(decoded) {
        return None;
    }
    Some(raw.into_checked(n))
}

/// Decodes the content of a JSON string (what is between its quotes) as serde_json does;
/// `None` for anything serde_json refuses: a control character, an unknown escape, a bad
/// hex digit, a lone surrogate.
pub fn unescape(raw: &str) -> Option<Cow<'_, str>> {
    let bytes = raw.as_bytes();
    if has_control(bytes) {
        return None;
    }
    let Some(mut escape) = find_backslash(bytes) else {
        return Some(Cow::Borrowed(raw));
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    loop {
        out.extend_from_slice(&bytes[at..escape]);
        at = escape + decode_escape(&bytes[escape..], &mut out)?;
        match find_backslash(&bytes[at..]) {
            Some(k) => escape = at + k,
            None => {
                out.extend_from_slice(&bytes[at..]);
                break;
            }
        }
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

/// The first backslash in `bytes`. Escapes in a JSON body come every few bytes, so the
/// next 16 bytes are tested here, eight at a time, before handing a long run to `memchr`.
fn find_backslash(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const BACKSLASHES: u64 = ONES * b'\\' as u64;
    for at in [0, 8] {
        let Some(word) = bytes
            .get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
        else {
            let tail = bytes.get(at..).unwrap_or_default();
            return tail.iter().position(|b| *b == b'\\').map(|k| at + k);
        };
        let word = u64::from_le_bytes(word) ^ BACKSLASHES;
        // The high bit of the first zero byte (a backslash) is the lowest bit set.
        let found = word.wrapping_sub(ONES) & !word & (ONES << 7);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
    }
    memchr(b'\\', &bytes[16..]).map(|k| 16 + k)
}

/// Decodes the escape sequence starting `bytes` (with its backslash) into `out`; returns
/// its length.
fn decode_escape(bytes: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let byte = match *bytes.get(1)? {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => return decode_unicode(bytes, out),
        _ => return None,
    };
    out.push(byte);
    Some(2)
}

/// `\uXXXX`, or a `\uD83D\uDE00` surrogate pair; a surrogate alone is refused.
fn decode_unicode(bytes: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let unit = u32::from(hex4(bytes.get(2..6)?)?);
    let (code, len) = match unit {
        0xD800..=0xDBFF => {
            if bytes.get(6..8)? != b"\\u" {
                return None;
            }
            let low = u32::from(hex4(bytes.get(8..12)?)?);
            if !(0xDC00..=0xDFFF).contains(&low) {
                return None;
            }
            (0x1_0000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12)
        }
        0xDC00..=0xDFFF => return None,
        _ => (unit, 6),
    };
    let mut utf8 = [0; 4];
    out.extend_from_slice(char::from_u32(code)?.encode_utf8(&mut utf8).as_bytes());
    Some(len)
}

fn hex4(digits: &[u8]) -> Option<u16> {
    digits.iter().try_fold(0u16, |value, &digit| {
        let digit = char::from(digit).to_digit(16)?;
        Some(value << 4 | digit as u16)
    })
}

/// Whether `bytes` hold a control character, which a JSON string may not. No early exit,
/// so that the loop is vectorized: bodies are long.
fn has_control(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(0u8, |found, &b| found | u8::from(b < 0x20))
        != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_json makes of the JSON string `"{raw}"`.
    fn serde(raw: &str) -> Option<String> {
        serde_json::from_str::<String>(&format!("\"{raw}\"")).ok()
    }

    #[test]
    fn decodes_like_serde_json() {
        let cases = [
            "",
            "plain text, no escapes",
            r#"{\"error\":\"invalid_token\",\"n\":1}"#,
            r#"a\\b\/c\bd\fe\nf\rg\th"#,
            r#"\u00e9\u00E9\u20ac\u0000x"#,
            r#"\ud83d\ude00 and \uD83D\uDE00"#,
            "é€😀 raw \\\" mixed",
            r#"\"\"\"\\\\"#,
            // Refused by serde_json: must be refused here too.
            r#"\x"#,
            r#"\u12"#,
            r#"\u12g4"#,
            r#"\ud83d"#,
            r#"\ud83dx"#,
            r#"\ud83d\n"#,
            r#"\ud83d\u0041"#,
            r#"\ude00"#,
            "tab\there",
            "nul\u{0}",
            r#"ends\"#,
        ];
        for raw in cases {
            let ours = unescape(raw).map(Cow::into_owned);
            assert_eq!(ours, serde(raw), "{raw:?}");
        }
    }

    #[test]
    fn backslashes_are_found_at_any_position() {
        for len in 0..60 {
            for at in 0..=len {
                let mut bytes = vec![b'a'; len];
                if at < len {
                    bytes[at] = b'\\';
                }
                assert_eq!(
                    find_backslash(&bytes),
                    (at < len).then_some(at),
                    "{len} {at}"
                );
            }
        }
    }

    #[test]
    fn unescaped_text_is_borrowed() {
        assert!(matches!(unescape("abc"), Some(Cow::Borrowed("abc"))));
        assert!(matches!(unescape(r#"a\"b"#), Some(Cow::Owned(_))));
    }

    #[test]
    fn every_escape_position_and_random_mix_matches() {
        let pieces = [
            "a",
            "é",
            "\\\"",
            "\\\\",
            "\\n",
            "\\u00e9",
            "\\ud83d\\ude00",
            "😀",
            "\\/",
            "xyz",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..2000 {
            let mut raw = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut state = seed;
            for _ in 0..(state % 40) {
                raw.push_str(pieces[(state % pieces.len() as u64) as usize]);
                state = state.rotate_left(7) ^ 0x5851_F42D_4C95_7F2D;
            }
            assert_eq!(unescape(&raw).map(Cow::into_owned), serde(&raw), "{raw:?}");
        }
    }
}
