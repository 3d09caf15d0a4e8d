//! Statuses a test plan expects rather than one received.

use super::group::LineInfo;
use super::words;

/// How many lines above a status its heading may stand (the heading, then a blank line).
const HEADING_REACH: usize = 2;
/// A heading is short; a longer line holding "expected" is a sentence, not a heading.
const MAX_HEADING_CHARS: usize = 60;

/// A status under a heading that announces an expectation ("Expected result", a test plan's
/// "Resultado esperado") is planned, not received.
pub(super) fn drop_expectations(infos: &mut [LineInfo], texts: &[&str]) {
    for (index, info) in infos.iter_mut().enumerate().skip(1) {
        if info.mentions.is_empty() {
            continue;
        }
        let heading = (index.saturating_sub(HEADING_REACH)..index)
            .rev()
            .map(|i| texts[i].trim())
            .find(|l| !l.is_empty());
        if heading.is_some_and(is_expectation_heading) {
            info.mentions.clear();
        }
    }
}

/// A short line holding "expected" in one of the languages test plans are written in (the
/// `expectation` words of the word table).
pub(super) fn is_expectation_heading(line: &str) -> bool {
    let lower = line.to_lowercase();
    line.chars().count() < MAX_HEADING_CHARS
        && words::list("expectation").iter().any(|w| lower.contains(w))
}
