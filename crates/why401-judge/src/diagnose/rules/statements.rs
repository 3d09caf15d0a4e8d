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

/// Each statement read through the provider table: the text decides over the code of the
/// same source.
pub(super) fn statement_matches(evidence: &Evidence) -> Vec<(String, StatementMatch)> {
    let mut out: Vec<(String, StatementMatch, Source)> = Vec::new();
    for statement in &evidence.statements {
        let found = if is_code_field(&statement.field) {
            providers::classify_code(statement.text.trim())
        } else {
            providers::classify_text_narrowed(&statement.text)
        };
        if let Some(m) = found {
            out.push((statement.place(), m, statement.source));
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
pub(super) fn quote(input: &Input, place: &str) -> String {
    let text = input
        .evidence
        .statements
        .iter()
        .find(|s| s.place() == place)
        .map(|s| s.text.as_str())
        .unwrap_or("");
    // Scrub first: a token cut by the clip would no longer look like one. The request's
    // own credentials are hidden even where no pattern knows them.
    let known = why401_redact::KnownSecrets::of(input.exchange);
    let mark = |v: &str| crate::evidence::Fingerprint::of_str(v).short();
    why401_redact::clip(
        &known.hide(&crate::diagnose::scrub(text.trim()), &mark),
        QUOTE_CHARS,
    )
}
