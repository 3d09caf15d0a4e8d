//! Which patterns of [`crate::scrub_secrets`] could match a text, decided by cheap scans:
//! most captured strings (header values, URLs, JSON fields) hold no secret, and the pattern
//! pass over every one of them was most of `sanitize`'s time.
//!
//! Each gate is a necessary condition of its patterns, never a guess: a gate that says no
//! means the pattern cannot match, so scrubbing with the gates gives the same text as
//! scrubbing without them (a test compares both on every sample).

use std::sync::LazyLock;

use regex::Regex;

/// What a pattern needs to be present in the text before it can match.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Gate {
    /// One of [`KEYWORDS`], in any case (Unicode case folding included: `(?i)` patterns
    /// match `ſecret` and the Kelvin sign's `K`).
    Keyword,
    /// `eyJ`, the start of every JWT's header.
    Jwt,
    /// A prefix of `token_prefixes.tsv`.
    Prefix,
    /// `…`, where `clip` cut a text.
    Ellipsis,
    /// A run of [`OPAQUE_MIN`] characters of a token's alphabet.
    Opaque,
}

/// Every literal word the case-insensitive patterns require, shortened to the part all their
/// spellings share (`passw` for `password` and `passwd`, `key` for `api_key`, `apikey`,
/// `access key`): at least one of these is inside any match of those patterns.
const KEYWORDS: &[&str] = &[
    "token",
    "secret",
    "assertion",
    "passw",
    "key",
    "session",
    "cookie",
    "authorization",
    "code",
    "bearer",
    "basic",
    "dpop",
    "ssws",
    "negotiate",
    "ntlm",
    "credential",
];

/// Fewest characters of a long random-looking string (`OPAQUE_PATTERN`).
pub(crate) const OPAQUE_MIN: usize = 24;

/// The keywords as one automaton, with the patterns' own Unicode case folding.
static KEYWORD: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!("(?i){}", KEYWORDS.join("|"))).ok());

/// The token prefixes as one automaton, case kept as the prefixed pattern does.
static PREFIX: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let prefixes: Vec<String> = crate::token_prefixes()
        .iter()
        .map(|p| regex::escape(p.prefix))
        .collect();
    Regex::new(&prefixes.join("|")).ok()
});

/// The gates `text` passes: `open(gate)` is false only when no pattern behind `gate` can
/// match. A gate whose automaton failed to build stays open.
pub(crate) struct Gates<'t> {
    text: &'t str,
}

impl<'t> Gates<'t> {
    pub(crate) fn of(text: &'t str) -> Self {
        Gates { text }
    }

    pub(crate) fn open(&self, gate: Gate) -> bool {
        let text = self.text;
        match gate {
            Gate::Keyword => KEYWORD.as_ref().is_none_or(|k| k.is_match(text)),
            Gate::Jwt => memchr::memmem::find(text.as_bytes(), b"eyJ").is_some(),
            Gate::Prefix => PREFIX.as_ref().is_none_or(|p| p.is_match(text)),
            Gate::Ellipsis => memchr::memmem::find(text.as_bytes(), "…".as_bytes()).is_some(),
            Gate::Opaque => has_opaque_run(text.as_bytes()),
        }
    }
}

/// Whether `bytes` has [`OPAQUE_MIN`] characters of `[A-Za-z0-9_\-+/=.~]` in a row.
fn has_opaque_run(bytes: &[u8]) -> bool {
    let mut run = 0;
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"_-+/=.~".contains(&b) {
            run += 1;
            if run >= OPAQUE_MIN {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_fold_like_the_patterns() {
        for text in ["TOKEN", "ſecret", "\u{212A}ey", "Passwd", "x-api-key"] {
            assert!(Gates::of(text).open(Gate::Keyword), "{text}");
        }
        assert!(!Gates::of("GET /v2/devices?page=2").open(Gate::Keyword));
    }

    #[test]
    fn runs_literals_and_prefixes() {
        let run = "a".repeat(OPAQUE_MIN);
        assert!(Gates::of(&format!("x {run} y")).open(Gate::Opaque));
        assert!(!Gates::of(&run[1..]).open(Gate::Opaque));
        assert!(Gates::of("x eyJhbG").open(Gate::Jwt));
        assert!(Gates::of("cut…").open(Gate::Ellipsis));
        assert!(Gates::of("key ghp_abc").open(Gate::Prefix));
        assert!(!Gates::of("GHP_abc").open(Gate::Prefix));
    }
}
