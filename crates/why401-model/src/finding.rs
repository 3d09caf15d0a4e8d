//! A finding: one 401 (or, with `--include-403`, an auth-related 403), its cause and the
//! evidence behind it. This is the `findings[]` element of the JSON contract.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The root causes; the ids are fixed and other tools read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    ExpiredToken,
    InvalidToken,
    MissingAuthorization,
    InsufficientScope,
    RevokedCredentials,
    ClockSkew,
    Unknown,
}

impl Cause {
    pub const ALL: [Cause; 7] = [
        Cause::ExpiredToken,
        Cause::InvalidToken,
        Cause::MissingAuthorization,
        Cause::InsufficientScope,
        Cause::RevokedCredentials,
        Cause::ClockSkew,
        Cause::Unknown,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Cause::ExpiredToken => "expired_token",
            Cause::InvalidToken => "invalid_token",
            Cause::MissingAuthorization => "missing_authorization",
            Cause::InsufficientScope => "insufficient_scope",
            Cause::RevokedCredentials => "revoked_credentials",
            Cause::ClockSkew => "clock_skew",
            Cause::Unknown => "unknown",
        }
    }

    pub fn from_id(id: &str) -> Option<Cause> {
        Cause::ALL.into_iter().find(|c| c.id() == id)
    }

    /// A heading a person reads.
    pub fn title(self) -> &'static str {
        match self {
            Cause::ExpiredToken => "Expired token",
            Cause::InvalidToken => "Invalid token",
            Cause::MissingAuthorization => "Missing or malformed Authorization",
            Cause::InsufficientScope => "Insufficient scope",
            Cause::RevokedCredentials => "Revoked or rejected credentials",
            Cause::ClockSkew => "Clock skew",
            Cause::Unknown => "Undetermined",
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// The kinds of credential a request can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    Jwt,
    Opaque,
    Basic,
    ApiKey,
    Cookie,
    None,
    Redacted,
    NotRecorded,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Jwt => "jwt",
            CredentialKind::Opaque => "opaque",
            CredentialKind::Basic => "basic",
            CredentialKind::ApiKey => "api_key",
            CredentialKind::Cookie => "cookie",
            CredentialKind::None => "none",
            CredentialKind::Redacted => "redacted",
            CredentialKind::NotRecorded => "not_recorded",
        }
    }
}

/// Decoded JWT claims as the report shows them (times as RFC 3339).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: Option<String>,
    /// As in the token: a string or an array.
    pub aud: Option<serde_json::Value>,
    pub sub: Option<String>,
    pub scope: Option<Vec<String>>,
    pub exp: Option<String>,
    pub nbf: Option<String>,
    pub iat: Option<String>,
    pub alg: Option<String>,
    pub typ: Option<String>,
    pub kid: Option<String>,
}

/// What the report may show of a credential: never its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialSummary {
    /// `Authorization`, a wrong header's name, `query:access_token`, `form:access_token`.
    pub header: Option<String>,
    pub scheme: Option<String>,
    pub kind: CredentialKind,
    pub fingerprint: Option<String>,
    /// The Basic user name (never the password).
    pub user: Option<String>,
    pub claims: Option<Claims>,
}

/// The challenge that answered the credential, parameter names lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeSummary {
    pub scheme: String,
    pub params: BTreeMap<String, String>,
}

/// One finding: a 401 and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// `#N`: the finding's place in the whole report, before any filter narrows it (1-based;
    /// 0 until the run numbers it). `-v` and `--explain N` use it.
    #[serde(default)]
    pub number: u64,
    pub source: Arc<str>,
    pub index: u64,
    pub location: String,
    /// RFC 3339 UTC with milliseconds: client time, else server time.
    pub time: Option<String>,
    pub method: String,
    /// Absolute when the host is known; secret query values replaced by `REDACTED`.
    pub url: String,
    pub status: u16,
    pub cause: Cause,
    pub detail: String,
    pub confidence: Confidence,
    pub evidence: Vec<String>,
    pub credential: Option<CredentialSummary>,
    pub challenge: Option<ChallengeSummary>,
    pub request_id: Option<String>,
    pub resolved_later: bool,
    pub remediation: Vec<String>,
    /// The 401 was inferred from what only a 401 carries (a lone challenge), not stated.
    #[serde(default)]
    pub status_inferred: bool,
    /// What `--explain` shows beyond the JSON fields; never serialized.
    #[serde(skip)]
    pub explain: Option<Box<Explain>>,
    /// What the advice was built from, for a group's advice; never serialized.
    #[serde(skip)]
    pub facts: Option<Box<crate::advice::RemediationFacts>>,
}

/// Everything known about a finding, for `--explain N`. Every text here is already
/// scrubbed of secrets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Explain {
    /// `GET https://api.example.com/v2/devices HTTP/2`
    pub request_line: String,
    /// One line per credential the request carried.
    pub credentials: Vec<String>,
    /// Every challenge of the response, as parsed.
    pub challenges: Vec<String>,
    /// The start of the response body.
    pub body_excerpt: Option<String>,
    /// The rule that decided.
    pub rule: String,
    /// The other rules that fired or were checked, with what they found.
    pub considered: Vec<String>,
}

/// One credential's life in a source: when it was seen, worked and failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    /// The source the credential was seen in (a timeline never spans sources).
    #[serde(default)]
    pub source: Option<Arc<str>>,
    pub fingerprint: String,
    pub first_seen: Option<String>,
    pub last_success: Option<String>,
    pub first_failure: Option<String>,
    pub expiry: Option<String>,
    pub successes: u64,
    pub failures: u64,
}
