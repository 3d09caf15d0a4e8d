//! Each statement of a 401 read through the provider table.

use crate::evidence::Evidence;
use crate::evidence::statement::Source;
use why401_model::details::Detail;
use why401_model::providers;
use why401_model::providers::{Field, StatementMatch, Verdict};

use super::Input;

/// The most characters of a statement the evidence quotes: a sentence or two, enough to
/// recognise the provider's wording without repeating a whole error page.
const QUOTE_CHARS: usize = 160;

/// Field names that carry an error code rather than a sentence.
fn is_code_field(field: &str) -> bool {
    let last = field.rsplit('.').next().unwrap_or(field);
    matches!(
        last.to_ascii_lowercase().as_str(),
        "error"
            | "code"
            | "error_code"
            | "errorcode"
            | "type"
            | "reason"
            | "errortype"
            | "responsetype"
            | "status"
    ) && !field.contains("description")
}

/// Where a statement stands: its place as the evidence names it ("log text") and its index
/// among the exchange's statements, so a quote is of this statement even when several share
/// one place (every line of a log block is "log text").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    place: String,
    index: usize,
    /// The words the provider table matched, when it matched words of a text.
    words: Option<String>,
}

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.place)
    }
}

/// Each statement read through the provider table: the text decides over the code of the
/// same source.
pub(super) fn statement_matches(evidence: &Evidence) -> Vec<(Said, StatementMatch)> {
    let mut out: Vec<(Said, StatementMatch, Source)> = Vec::new();
    for (index, statement) in evidence.statements.iter().enumerate() {
        let found = if is_code_field(&statement.field) {
            providers::classify_code(statement.text.trim())
        } else {
            providers::classify_text_narrowed(&statement.text)
        };
        if let Some(m) = found {
            let words = providers::words_in(&m, &statement.text)
                .and_then(|range| statement.text.get(range))
                .map(str::to_owned);
            let said = Said {
                place: statement.place(),
                index,
                words,
            };
            out.push((said, m, statement.source));
        }
    }
    // The text decides whenever the table knows it: a code of the same source is dropped.
    let has_text = |source: Source| {
        out.iter()
            .any(|(_, m, s)| *s == source && m.field == Field::Text)
    };
    let keep: Vec<bool> = out
        .iter()
        .map(|(_, m, s)| m.field == Field::Text || !has_text(*s))
        .collect();
    out.into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((place, m, _), _)| (place, m))
        .collect()
}

/// The detail code of a provider-table row; the table's test checks every row's code is in
/// the table of details, under the cause its verdict names.
pub(super) fn statement_detail(m: &StatementMatch) -> Option<Detail> {
    m.detail.parse().ok()
}

pub(super) fn decides(m: &StatementMatch) -> bool {
    !matches!(m.verdict, Verdict::Ambiguous { .. })
}

/// The statement's own words, clipped and scrubbed of secrets.
pub(super) fn quote(input: &Input, said: &Said) -> String {
    let text = input
        .evidence
        .statements
        .get(said.index)
        .map(|s| s.text.as_str())
        .unwrap_or("");
    // Scrub before clipping: a token cut by the clip would no longer look like one. The
    // window starts at a space, so it never cuts a token either. The request's own
    // credentials are hidden even where no pattern knows them.
    let window = around_words(text.trim(), said.words.as_deref());
    let known = why401_redact::KnownSecrets::of(input.exchange);
    let mark = |v: &str| crate::evidence::Fingerprint::of_str(v).short();
    let shown = known.hide(&crate::diagnose::scrub(&window), &mark);
    why401_redact::clip(&shown, QUOTE_CHARS)
}

/// Characters kept before the matched words when a long statement is quoted from its middle:
/// enough to show what the words are about.
const QUOTE_LEAD: usize = 48;

/// `text` from a little before the matched `words` when they would fall past the quote's end
/// (a long log line whose verdict comes last), else `text` itself.
fn around_words<'t>(text: &'t str, words: Option<&str>) -> std::borrow::Cow<'t, str> {
    let Some(at) = words.and_then(|w| Some((text.find(w)?, w.len()))) else {
        return text.into();
    };
    if at.0 + at.1 <= QUOTE_CHARS {
        return text.into();
    }
    let mut start = at.0.saturating_sub(QUOTE_LEAD);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    // Start at a word, not inside one.
    let start = match text[start..at.0].find([' ', '\t']) {
        Some(space) => start + space + 1,
        None => return text.into(),
    };
    format!("…{}", &text[start..]).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_statement_is_quoted_from_a_little_before_its_verdict() {
        let text = format!(
            "{} oidc: token is expired (Token Expiry: x)",
            "word ".repeat(60)
        );
        let quoted = around_words(&text, Some("token is expired"));
        assert!(quoted.starts_with('…'), "{quoted}");
        assert!(quoted.contains("token is expired"), "{quoted}");
        assert!(quoted.chars().count() < 120, "{quoted}");
        // Words near the start, or words not in the text, keep the whole text.
        assert_eq!(
            around_words("token is expired", Some("token is expired")),
            "token is expired"
        );
        assert_eq!(around_words(&text, Some("absent")), text.as_str());
    }

    #[test]
    fn the_window_never_starts_inside_a_word_or_a_character() {
        let text = format!("{}é{}token is expired", "x".repeat(100), "é".repeat(40));
        // No space in the lead: the text is kept whole rather than cut inside a token.
        assert_eq!(around_words(&text, Some("token is expired")), text.as_str());
    }
}
