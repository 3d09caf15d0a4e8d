//! What the advice for a finding is built from: the numbers and names the evidence found, and
//! what kind of source the finding came from. The judge fills these in for each finding and
//! writes the steps; a group's advice is built from the facts of all its members.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::input::Format;

/// What kind of capture a finding came from: the advice on collecting a better one differs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A browser or proxy export (HAR).
    Har,
    /// A client's own transcript (`curl -v`, raw HTTP).
    Transcript,
    /// Server, gateway or identity-provider logs.
    Log,
    /// Text a customer pasted.
    Ticket,
    /// Not known (a finding built outside a run).
    #[default]
    Unknown,
}

impl SourceKind {
    pub fn of(format: Format) -> SourceKind {
        match format {
            Format::Har => SourceKind::Har,
            Format::Curl | Format::Http => SourceKind::Transcript,
            Format::Jsonl => SourceKind::Log,
            Format::Ticket | Format::Text => SourceKind::Ticket,
        }
    }
}

/// Numbers and names the evidence found, all optional; a step uses those it has. None holds
/// a secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RemediationFacts {
    /// When the credential expired (`exp`, or the time a server message states).
    pub expired_at: Option<DateTime<Utc>>,
    /// How long before the request the credential had expired, in seconds (negative: `exp`
    /// was still ahead at the request).
    pub seconds_before_request: Option<i64>,
    /// The client's clock minus the server's, in seconds (positive: the client is ahead).
    pub skew_seconds: Option<i64>,
    /// The token's lifetime (`exp - iat`, or `expires_in`), in seconds.
    pub lifetime_seconds: Option<i64>,
    /// Scopes the endpoint accepts (any one of them).
    pub required_scopes: Vec<String>,
    /// Scopes the token carries.
    pub granted_scopes: Vec<String>,
    /// The environment the token was issued for (`staging`, an issuer host...).
    pub token_environment: Option<String>,
    /// The environment the request went to.
    pub request_environment: Option<String>,
    /// The header that carried the credential when it was not `Authorization`.
    pub header_name: Option<String>,
    /// Schemes the server's challenges offer (`Bearer`, `Basic`...).
    pub offered_schemes: Vec<String>,
    /// The endpoint, as `METHOD /path`.
    pub endpoint: Option<String>,
    /// A URL to test a token with (the request's own, secrets removed).
    pub probe_url: Option<String>,
    /// Only the token's signature was masked: its header and claims were read.
    pub signature_masked: bool,
    /// The server's statement and the token's claims disagree: the sentence that says how.
    pub contradiction: Option<String>,
    /// What kind of capture the finding came from.
    pub source: SourceKind,
    /// The API's or provider's own facts for the advice.
    pub api: ApiFacts,
}

/// What belongs to the API at hand: from the profile's `[advice]`, else from the row of a
/// known provider; empty means vendor-neutral advice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiFacts {
    /// The provider recognised (`GitHub`, `Okta`...), when no profile speaks for the API.
    pub provider: Option<String>,
    /// Where the API's client applications or tokens are managed.
    pub portal: Option<String>,
    /// How long before `exp` clients should refresh.
    pub refresh_margin_seconds: Option<i64>,
    /// Where to send a request id.
    pub support: Option<String>,
}

/// One line of a group's "What to do": a step, and when it speaks for only some of the
/// group's details, those details and their findings (`#N`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdviceLine {
    /// Empty when the step holds for every finding of the group.
    pub details: Vec<String>,
    pub numbers: Numbers,
    pub text: String,
}

/// Ranges kept; past them the text says how many more findings there are.
const MAX_RANGES: usize = 8;

/// Finding numbers as ranges (`#3, #7–#9 and 4 more`), in bounded memory however many are
/// added; numbers are added in increasing order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Numbers {
    ranges: Vec<(u64, u64)>,
    /// Numbers past the kept ranges.
    more: u64,
}

impl Numbers {
    pub fn add(&mut self, number: u64) {
        if let Some(last) = self.ranges.last_mut()
            && last.1 + 1 == number
        {
            last.1 = number;
        } else if self.ranges.len() < MAX_RANGES {
            self.ranges.push((number, number));
        } else {
            self.more += 1;
        }
    }

    /// Adds every number of `other` (whose numbers may interleave with these).
    pub fn merge(&mut self, other: &Numbers) {
        let mut all: Vec<(u64, u64)> = self.ranges.iter().chain(&other.ranges).copied().collect();
        all.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(all.len());
        for (a, b) in all {
            match merged.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let kept = merged.len().min(MAX_RANGES);
        let dropped: u64 = merged.drain(kept..).map(|(a, b)| b - a + 1).sum();
        self.more += other.more + dropped;
        self.ranges = merged;
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// How many numbers there are.
    pub fn count(&self) -> u64 {
        self.ranges.iter().map(|(a, b)| b - a + 1).sum::<u64>() + self.more
    }
}

/// `#3, #7–#9 and 4 more`.
impl std::fmt::Display for Numbers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, &(a, b)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if a == b {
                write!(f, "#{a}")?;
            } else {
                write!(f, "#{a}–#{b}")?;
            }
        }
        if self.more > 0 {
            write!(f, " and {} more", self.more)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_ranges_and_merge_in_order() {
        let mut a = Numbers::default();
        [3, 7, 8, 9, 12].into_iter().for_each(|n| a.add(n));
        assert_eq!(a.to_string(), "#3, #7–#9, #12");
        let mut b = Numbers::default();
        [4, 10, 11].into_iter().for_each(|n| b.add(n));
        a.merge(&b);
        assert_eq!(a.to_string(), "#3–#4, #7–#12");
        assert_eq!(a.count(), 8);
    }

    #[test]
    fn numbers_past_the_kept_ranges_are_counted() {
        let mut numbers = Numbers::default();
        (1..=40).step_by(2).for_each(|n| numbers.add(n));
        assert!(
            numbers.to_string().ends_with("#15 and 12 more"),
            "{numbers}"
        );
        assert_eq!(numbers.count(), 20);
    }
}
