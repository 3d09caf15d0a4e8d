//! Editor line numbers in front of pasted lines.

use std::sync::LazyLock;

use regex::Regex;

use super::{head, regex};

/// Fewest consecutive numbered lines read as an editor's line-number gutter.
const MIN_GUTTER_RUN: usize = 3;

/// `  12 | text` (editors, GitHub's blame and code view), `12:text` (`grep -n`), `    12\ttext`
/// (`cat -n`, `nl`; GNU coreutils manual). The separator is captured to keep styles apart;
/// `12:` must not be followed by a digit, so `10:00:01` timestamps never count.
static GUTTER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^[ \t]*(\d{1,7})(?:( *\|) ?|(:)(?:[^\d]|$)|(\t))"));

/// A gutter on `text`: (number, separator, bytes to strip).
fn gutter(text: &str) -> Option<(u64, &'static str, usize)> {
    let caps = GUTTER.captures(head(text))?;
    let number = caps.get(1)?.as_str().parse().ok()?;
    let (style, end) = if let Some(pipe) = caps.get(2) {
        ("|", caps.get(0)?.end().max(pipe.end()))
    } else if let Some(colon) = caps.get(3) {
        (":", colon.end())
    } else {
        ("\t", caps.get(4)?.end())
    };
    Some((number, style, end))
}

/// Strips line numbers carried by at least `MIN_GUTTER_RUN` consecutive lines numbered
/// consecutively in one style: a lone `401: Unauthorized` is never a gutter.
pub(super) fn strip_gutters(texts: &mut [String]) {
    let found: Vec<_> = texts.iter().map(|text| gutter(text)).collect();
    let mut start = 0;
    while start < found.len() {
        let mut end = start + 1;
        if let Some((first, style, _)) = found[start] {
            while let Some(Some((number, next_style, _))) = found.get(end) {
                if *next_style != style || *number != first + (end - start) as u64 {
                    break;
                }
                end += 1;
            }
            if end - start >= MIN_GUTTER_RUN {
                for (text, hit) in texts[start..end].iter_mut().zip(&found[start..end]) {
                    if let Some((_, _, cut)) = hit {
                        text.replace_range(..*cut, "");
                    }
                }
            }
        }
        start = end;
    }
}
