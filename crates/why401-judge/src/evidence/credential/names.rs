//! Names that say where a credential is (`Authorization` misspelled, API-key headers) and
//! values that say a secret was masked.

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

/// Headers that carry API keys or static tokens (compared lower-case).
pub(super) const API_KEY_HEADERS: &[&str] = &[
    "x-api-key",
    "apikey",
    "api-key",
    "api_key",
    "x-apikey",
    "x-api-token",
    "x-auth-token",
    "x-access-token",
    "x-auth-key",
    "x-token",
    "private-token",
    "x-gitlab-token",
    "ocp-apim-subscription-key",
    "x-functions-key",
    "x-goog-api-key",
    "x-rapidapi-key",
    "x-shopify-access-token",
    "x-vault-token",
    "dd-api-key",
    "x-dd-api-key",
];

pub fn is_api_key_header(name: &str) -> bool {
    API_KEY_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

/// The prefix of `token_prefixes.tsv` (why401-redact) a value starts with: a long-lived
/// personal, service or API token.
pub fn personal_token_prefix(value: &str) -> Option<&'static str> {
    why401_redact::token_prefix(value.as_bytes())
}

/// Words exporters and loggers put where a secret was.
pub(super) const REDACTION_WORDS: &[&str] = &[
    "redacted",
    "sanitized",
    "filtered",
    "masked",
    "removed",
    "hidden",
    "omitted",
    "scrubbed",
    "censored",
    "obfuscated",
];

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
