//! Statuses a test plan expects rather than one received.

use super::group::LineInfo;

/// A status under a heading that announces an expectation ("Expected result", a test plan's
/// "Resultado esperado") is planned, not received.
pub(super) fn drop_expectations(infos: &mut [LineInfo], texts: &[&str]) {
    for (index, info) in infos.iter_mut().enumerate().skip(1) {
        if info.mentions.is_empty() {
            continue;
        }
        let heading = (index.saturating_sub(2)..index)
            .rev()
            .map(|i| texts[i].trim())
            .find(|l| !l.is_empty());
        if heading.is_some_and(is_expectation_heading) {
            info.mentions.clear();
        }
    }
}

/// "Expected" in the languages test plans are written in.
const EXPECTATION_WORDS: [&str; 7] = [
    "expected",
    "expectation",
    "esperado",
    "erwartet",
    "attendu",
    "previsto",
    "atteso",
];

fn is_expectation_heading(line: &str) -> bool {
    let lower = line.to_lowercase();
    line.chars().count() < 60 && EXPECTATION_WORDS.iter().any(|w| lower.contains(w))
}
