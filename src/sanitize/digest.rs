//! The parameters of a Digest `Authorization` (RFC 7616 §3.4), found where they are so each
//! value can be replaced in place and the rest of the header kept byte for byte.
//!
//! Only `response` is derived from the password (a hash over it, the nonces and the request);
//! `realm`, `nonce` and `opaque` are the server's, `uri`, `qop`, `nc`, `cnonce`, `algorithm`
//! and `userhash` are counters and settings that prove nothing without the password.
//! `username` (or `username*`) names the account: hidden by `--strict` only.

use std::ops::Range;

/// One `name=value` of the list: the name in lower case and where the value is, quotes
/// excluded.
pub struct Param {
    pub name: String,
    pub value: Range<usize>,
}

/// Every `name=value` of `params`, in order. Commas inside a quoted value do not split it
/// (`uri="/a,b"`), and a backslash escapes the next character of a quoted string.
pub fn params(params: &str) -> Vec<Param> {
    pieces(params)
        .into_iter()
        .filter_map(|piece| param(params, piece))
        .collect()
}

/// The ranges of the comma-separated pieces of `text`, quoted commas kept inside.
fn pieces(text: &str) -> Vec<Range<usize>> {
    let (mut pieces, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                pieces.push(start..at);
                start = at + 1;
            }
            _ => {}
        }
    }
    pieces.push(start..text.len());
    pieces
}

/// The parameter of one piece: its name, and its value without the spaces around it or its
/// quotes.
fn param(text: &str, piece: Range<usize>) -> Option<Param> {
    let raw = &text[piece.clone()];
    let equals = raw.find('=')?;
    let name = raw[..equals].trim().to_ascii_lowercase();
    let value_raw = &raw[equals + 1..];
    let lead = value_raw.len() - value_raw.trim_start().len();
    let trimmed = value_raw.trim();
    let start = piece.start + equals + 1 + lead;
    let value = match trimmed.strip_prefix('"') {
        Some(inner) => {
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            start + 1..start + 1 + inner.len()
        }
        None => start..start + trimmed.len(),
    };
    Some(Param { name, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_in_place_quoted_or_not() {
        let text = r#"username="Mufasa", realm="a,b", uri="/dir/index.html", nc=00000001, Response = "6629fae49393a05397450978507c4ef1", opaque="5ccc""#;
        let found: Vec<(String, &str)> = params(text)
            .into_iter()
            .map(|p| (p.name, &text[p.value]))
            .collect();
        assert_eq!(
            found,
            [
                ("username".to_owned(), "Mufasa"),
                ("realm".to_owned(), "a,b"),
                ("uri".to_owned(), "/dir/index.html"),
                ("nc".to_owned(), "00000001"),
                ("response".to_owned(), "6629fae49393a05397450978507c4ef1"),
                ("opaque".to_owned(), "5ccc"),
            ]
        );
    }
}
