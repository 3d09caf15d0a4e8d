//! Telling reference pages and specifications from failure reports.

use super::words;

/// Headings a reference page has at least (an endpoint's request, responses, errors).
const MIN_DOC_HEADINGS: usize = 3;
/// Lines with a normative keyword a specification has at least (one can be a quote).
const MIN_NORMATIVE_LINES: usize = 2;
/// Explaining lines an article has at least (one can be a customer's aside).
const MIN_EXPLAINING_LINES: usize = 3;

/// A reference page or specification rather than a report: headings that document
/// responses, or normative keywords, and no sign of a real failure (a stack trace, an error
/// line, an issue template's "steps to reproduce", a first-person report).
pub(super) fn looks_like_documentation(texts: &[&str]) -> bool {
    let headings: Vec<&str> = texts
        .iter()
        .filter(|l| l.starts_with('#') && l.trim_start_matches('#').starts_with(' '))
        .copied()
        .collect();
    let documents_responses = headings.iter().any(|h| documents_responses(h))
        || texts
            .iter()
            .any(|l| l.starts_with("Returned when") || l.starts_with("Returns "));
    let normative = texts.iter().filter(|l| is_normative(l)).count();
    let reported = texts.iter().any(|l| reports(l));
    let explaining = texts.iter().filter(|l| explains(l)).count();
    ((headings.len() >= MIN_DOC_HEADINGS && documents_responses)
        || normative >= MIN_NORMATIVE_LINES
        || explaining >= MIN_EXPLAINING_LINES)
        && !reported
}

/// A heading that documents responses (the `doc_heading` words of the word table).
fn documents_responses(heading: &str) -> bool {
    let heading = heading.to_ascii_lowercase();
    words::list("doc_heading")
        .iter()
        .any(|w| heading.contains(w))
}

/// A line holding a normative keyword as a whole word (the `normative` words: RFC 2119).
pub(super) fn is_normative(line: &str) -> bool {
    words::list("normative").iter().any(|w| {
        line.split(|c: char| !c.is_ascii_alphabetic())
            .any(|t| t == *w)
    })
}

/// A line that explains what a status means rather than reports one (the `explaining` words:
/// knowledge-base articles, specifications, tutorials).
pub(super) fn explains(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    words::list("explaining").iter().any(|w| lower.contains(w))
}

/// A line of a failure report, which documentation does not use about itself (the `report`
/// words).
pub(super) fn reports(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    words::list("report").iter().any(|w| lower.contains(w))
}
