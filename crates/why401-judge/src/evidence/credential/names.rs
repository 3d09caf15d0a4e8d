//! Names that say where a credential is (`Authorization` misspelled, API-key headers) and
//! values that say a secret was masked.

use std::sync::LazyLock;

use why401_model::exchange::parse_form;

/// Header names people use by mistake for `Authorization` (compared lower-case, also with a
/// stray trailing colon or space: `Authorization:` recorded as a name).
pub(super) const WRONG_AUTHORIZATION_NAMES: &[&str] = &[
    "authentication",
    "authorisation",
    "authorizaton",
    "autorization",
    "authorzation",
    "x-authorization",
    "x-authentication",
    "authorization-token",
    "bearer",
    "auth",
];

pub fn is_wrong_authorization_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let trimmed = lower.trim_end_matches([':', ' ']);
    (trimmed == "authorization" && trimmed != lower) || WRONG_AUTHORIZATION_NAMES.contains(&trimmed)
}

/// Headers that carry API keys or static tokens (lower-case), from `api_key_headers.tsv`.
static API_KEY_HEADERS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| first_column(include_str!("api_key_headers.tsv")));

pub fn is_api_key_header(name: &str) -> bool {
    API_KEY_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

/// The prefix of `token_prefixes.tsv` (why401-redact) a value starts with: a long-lived
/// personal, service or API token.
pub fn personal_token_prefix(value: &str) -> Option<&'static str> {
    why401_redact::token_prefix(value.as_bytes())
}

/// Words exporters and loggers put where a secret was, from `redaction_words.tsv`.
static REDACTION_WORDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| first_column(include_str!("redaction_words.tsv")));

/// The first column of a word table: one row a word, `#` lines are comments.
fn first_column(table: &'static str) -> Vec<&'static str> {
    table
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split('\t').next())
        .collect()
}

/// A value an exporter or logger masked: `REDACTED`, `[REDACTED]`, `<redacted>`,
/// `[sanitized]`, `redacted:64`, `****`, `abcd****wxyz`, `eyJ...`, a `.redacted` signature.
pub fn is_redacted(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    let word = lower.trim_matches(|c: char| "[]<>(){}*_-\"' ".contains(c));
    let word = word.split_once(':').map_or(word, |(w, n)| {
        if n.bytes().all(|b| b.is_ascii_digit()) {
            w
        } else {
            word
        }
    });
    REDACTION_WORDS.contains(&word)
        || lower.contains("***")
        || lower.contains("...")
        || lower.contains('…')
        || lower.ends_with(".redacted")
        || lower.ends_with(".[redacted]")
        || (!lower.is_empty() && lower.bytes().all(|b| b == b'*'))
}

/// Text from a capture made safe to print: control characters escaped, at most 64 chars.
pub(super) fn printable(text: &str) -> String {
    why401_redact::escape_control(&why401_redact::clip(text, 64))
}

/// The query parameters of a URL, decoded.
pub fn query_params(url: &str) -> Vec<(String, String)> {
    let without_fragment = url.split('#').next().unwrap_or(url);
    match without_fragment.split_once('?') {
        Some((_, query)) => parse_form(query),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    /// Every row of a word table: word, source, example; none empty.
    fn rows(table: &'static str) -> Vec<[&'static str; 3]> {
        table
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                assert_eq!(fields.len(), 3, "{line:?}");
                assert!(fields.iter().all(|f| !f.trim().is_empty()), "{line:?}");
                [fields[0], fields[1], fields[2]]
            })
            .collect()
    }

    #[test]
    fn every_api_key_header_row_recognizes_its_example() {
        let rows = rows(include_str!("api_key_headers.tsv"));
        assert!(rows.len() >= 20);
        for [name, _, example] in rows {
            let (header, value) = example.split_once(':').expect("a header line");
            assert!(is_api_key_header(header), "{example}");
            assert_eq!(header.to_ascii_lowercase(), name);
            assert!(!is_redacted(value), "{example}");
        }
        assert!(!is_api_key_header("x-request-id"));
    }

    #[test]
    fn every_redaction_word_row_recognizes_its_example() {
        let rows = rows(include_str!("redaction_words.tsv"));
        assert!(rows.len() >= 10);
        for [word, _, example] in rows {
            assert!(is_redacted(example), "{example}");
            assert!(example.to_ascii_lowercase().contains(word), "{example}");
        }
        assert!(!is_redacted("eyJhbGciOiJIUzI1NiJ9"));
    }
}
