//! `> ` quoting, told apart from curl -v's `> ` request lines, and shell continuation prompts.

use std::sync::LazyLock;

use regex::Regex;

use super::{head, regex};

/// Deepest `> > >` nesting undone; deeper markers stay as text.
const MAX_QUOTE_DEPTH: usize = 8;

/// The line with one level of `>` quoting removed (up to three spaces before the marker, one
/// after it), or `None` when it is not quoted.
fn strip_one_quote(text: &str) -> Option<&str> {
    let rest = text.trim_start_matches(' ');
    if text.len() - rest.len() > 3 {
        return None;
    }
    let rest = rest.strip_prefix('>')?;
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// A shell's continuation prompt `> ` on lines following one that ends with `\`.
pub(super) fn strip_continuations(texts: &mut [String]) {
    for index in 1..texts.len() {
        if texts[index - 1].trim_end().ends_with('\\')
            && let Some(rest) = texts[index].strip_prefix("> ")
        {
            texts[index] = rest.to_owned();
        }
    }
}

static REQUEST_LINE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^[A-Z]{3,10} \S+ HTTP/\d(?:\.\d)?\s*$"));
static HEADER_LINE: LazyLock<Regex> = LazyLock::new(|| regex(r"^[A-Za-z0-9!#$%&'*+.^_|~-]+: ?\S?"));

/// curl -v's own line markers: `< ` response lines and `* ` information lines.
fn is_curl_marker(text: &str) -> bool {
    text == "<" || text.starts_with("< ") || text.starts_with("* ")
}

/// Whether the run of `>` lines `texts[start..end]` is curl -v's request block (stays as it
/// is) rather than e-mail or Markdown quoting. Quoting that holds curl markers or deeper
/// quotes is quoting; a block of a request line and headers is curl when curl's response or
/// information lines are near it, or when the input holds `< ` response lines at all.
fn is_curl_request_block(texts: &[String], start: usize, end: usize, has_responses: bool) -> bool {
    let inner: Vec<&str> = texts[start..end]
        .iter()
        .filter_map(|t| strip_one_quote(t))
        .map(|t| head(t).trim_end())
        .collect();
    if inner
        .iter()
        .any(|t| is_curl_marker(t) || t.starts_with('>'))
    {
        return false;
    }
    let http_shaped = inner
        .iter()
        .all(|t| t.is_empty() || REQUEST_LINE.is_match(t) || HEADER_LINE.is_match(t));
    if !http_shaped {
        return false;
    }
    let near = |range: &mut dyn Iterator<Item = usize>| {
        range
            .map(|i| texts[i].as_str())
            .filter(|t| !t.is_empty())
            .take(2)
            .any(is_curl_marker)
    };
    let starts_with_request = inner
        .iter()
        .find(|t| !t.is_empty())
        .is_some_and(|t| REQUEST_LINE.is_match(t));
    starts_with_request
        || has_responses
        || near(&mut (0..start).rev())
        || near(&mut (end..texts.len()))
}

/// Removes `> ` quoting level by level, keeping curl -v's request blocks (quoted curl loses
/// exactly the quoting level).
pub(super) fn strip_quotes(texts: &mut [String]) {
    let mut curl = vec![false; texts.len()];
    for _ in 0..MAX_QUOTE_DEPTH {
        let has_responses = texts.iter().any(|t| t == "<" || t.starts_with("< "));
        let mut stripped = false;
        let mut start = 0;
        while start < texts.len() {
            let quoted = |i: usize| !curl[i] && strip_one_quote(&texts[i]).is_some();
            if !quoted(start) {
                start += 1;
                continue;
            }
            let end = (start..texts.len())
                .find(|&i| !quoted(i))
                .unwrap_or(texts.len());
            if is_curl_request_block(texts, start, end, has_responses) {
                curl[start..end].iter_mut().for_each(|c| *c = true);
            } else {
                for text in &mut texts[start..end] {
                    let cut = text.len() - strip_one_quote(text).map_or(text.len(), str::len);
                    text.replace_range(..cut, "");
                }
                stripped = true;
            }
            start = end;
        }
        if !stripped {
            break;
        }
    }
}
