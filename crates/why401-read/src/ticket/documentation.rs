//! Telling reference pages and specifications from failure reports.

/// A reference page or specification rather than a report: headings that document
/// responses, or normative keywords, and no sign of a real failure (a stack trace, an error
/// line, an issue template's "steps to reproduce", a first-person report).
pub(super) fn looks_like_documentation(texts: &[&str]) -> bool {
    let headings: Vec<&str> = texts
        .iter()
        .filter(|l| l.starts_with('#') && l.trim_start_matches('#').starts_with(' '))
        .copied()
        .collect();
    let documents_responses = headings.iter().any(|h| {
        let h = h.to_ascii_lowercase();
        ["response", "errors", "status code", "error code"]
            .iter()
            .any(|w| h.contains(w))
    }) || texts
        .iter()
        .any(|l| l.starts_with("Returned when") || l.starts_with("Returns "));
    let normative = texts
        .iter()
        .filter(|l| {
            ["MUST", "SHOULD", "MAY", "REQUIRED", "RECOMMENDED"]
                .iter()
                .any(|w| l.split(|c: char| !c.is_ascii_alphabetic()).any(|t| t == *w))
        })
        .count();
    let reported = texts.iter().any(|l| {
        let lower = l.to_ascii_lowercase();
        REPORT_WORDS.iter().any(|w| lower.contains(w))
    });
    let explaining = texts
        .iter()
        .filter(|l| {
            let lower = l.to_ascii_lowercase();
            EXPLAINING_WORDS.iter().any(|w| lower.contains(w))
        })
        .count();
    ((headings.len() >= 3 && documents_responses) || normative >= 2 || explaining >= 3) && !reported
}

/// Words that explain what a status means rather than report one (knowledge-base articles,
/// specifications, tutorials).
const EXPLAINING_WORDS: [&str; 14] = [
    " means ",
    "usually",
    "typically",
    "ought to",
    "for instance",
    "for example",
    "such as",
    "common causes",
    "how to fix",
    "troubleshooting",
    "returned when",
    "is returned",
    "should not",
    "in this case",
];

/// Words of a failure report, which documentation does not use about itself.
const REPORT_WORDS: [&str; 20] = [
    "i see",
    "i'm seeing",
    "here is",
    "here's",
    "my ",
    "our ",
    "exception",
    "traceback",
    "error:",
    "i get",
    "i got",
    "i'm getting",
    "i am getting",
    "we get",
    "we got",
    "steps to reproduce",
    "to reproduce",
    "describe the bug",
    "actual behavior",
    "stack trace",
];
