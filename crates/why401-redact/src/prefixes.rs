//! Prefixes of long-lived personal, service and API tokens (`ghp_…`, `npm_…`, `AKIA…`), read
//! from `token_prefixes.tsv`: one table for redaction and for credential detection.

use std::sync::LazyLock;

/// One row of `token_prefixes.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenPrefix {
    /// The prefix as the issuer writes it, separator included (`ghp_`, `glpat-`, `AKIA`).
    pub prefix: &'static str,
    /// The issuer and the token's type.
    pub kind: &'static str,
    /// The issuer's documentation of the prefix.
    pub source: &'static str,
    /// A well-formed fake token.
    pub example: &'static str,
}

/// Characters a token has after its prefix, at least: shorter, `ghp_x` is a word, not a key.
pub const MIN_TOKEN_REST: usize = 8;

const TABLE: &str = include_str!("token_prefixes.tsv");

static PREFIXES: LazyLock<Vec<TokenPrefix>> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split('\t');
            Some(TokenPrefix {
                prefix: fields.next()?,
                kind: fields.next()?,
                source: fields.next()?,
                example: fields.next()?,
            })
        })
        .collect()
});

/// Every row of the table, in file order.
pub fn token_prefixes() -> &'static [TokenPrefix] {
    &PREFIXES
}

/// The prefix of the table `value` starts with, when enough follows it to be a token.
pub fn token_prefix(value: &[u8]) -> Option<&'static str> {
    PREFIXES
        .iter()
        .find(|p| {
            value.starts_with(p.prefix.as_bytes()) && value.len() >= p.prefix.len() + MIN_TOKEN_REST
        })
        .map(|p| p.prefix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{redact_url, scrub};

    #[test]
    fn every_row_is_complete_and_sourced() {
        let rows = TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(token_prefixes().len() + 1, rows, "a row lacks a field");
        for row in token_prefixes() {
            assert!(row.source.starts_with("https://"), "{row:?}");
            assert!(!row.kind.is_empty(), "{row:?}");
        }
    }

    #[test]
    fn every_example_is_recognised_and_hidden() {
        for row in token_prefixes() {
            let example = row.example;
            assert_eq!(
                token_prefix(example.as_bytes()),
                Some(row.prefix),
                "{row:?}"
            );
            for url in [
                format!("https://h.example.com/hooks/{example}/run"),
                format!("https://h.example.com/run?t={example}"),
                format!("https://{example}@h.example.com/x"),
            ] {
                assert!(!redact_url(&url).contains(example), "{url}");
            }
            let text = format!("sent {example} to the API");
            assert!(!scrub(&text).contains(example), "{text}");
        }
    }

    #[test]
    fn a_prefix_alone_is_not_a_token() {
        assert_eq!(token_prefix(b"npm_x"), None);
        assert_eq!(token_prefix(b"ghp_1234567"), None);
        assert_eq!(token_prefix(b"ghp_12345678"), Some("ghp_"));
        assert_eq!(token_prefix(b"install"), None);
    }
}
