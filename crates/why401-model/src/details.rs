//! The closed list of detail codes and the cause each belongs to. The rows live in
//! `details.tsv` (code, cause, meaning, source); `Detail` is written out by hand from them, and
//! a test checks the two agree row for row, so a new code needs a row there, a variant here and
//! the README's row (another test checks the README's table equals the file).

use std::fmt;
use std::str::FromStr;

use crate::finding::Cause;

/// The table of detail codes, as committed.
pub const TABLE: &str = include_str!("details.tsv");

/// Every detail code a finding can carry. A finding's cause is its detail's [`Detail::cause`],
/// so a detail can never be paired with another cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Detail {
    JwtExpPassed,
    ExpiresInPassed,
    ServerSaysExpired,
    Placeholder,
    TokenHasWhitespace,
    NotAJwt,
    JwtMalformed,
    TokenTruncated,
    SignatureInvalid,
    AlgNone,
    WrongEnvironment,
    ClaimInvalid,
    TokenRevoked,
    TokenRejected,
    NoAuthorization,
    WrongHeaderName,
    NoScheme,
    WrongScheme,
    SchemeCase,
    EmptyCredentials,
    ClientCredentialsMissing,
    CorsPreflight,
    DroppedOnRedirect,
    ServerSaysInsufficientScope,
    ScopeNotGranted,
    ClientRefused,
    ClientSecretExpired,
    RefreshGrantRevoked,
    CredentialRevoked,
    CredentialsRejected,
    NbfInFuture,
    IatInFuture,
    ClientClockBehind,
    ServerSaysClockSkew,
    CredentialRedacted,
    CredentialNotRecorded,
    NoServerTime,
    WithinLeeway,
    AmbiguousStatement,
    NoStatement,
    DpopNonceRequired,
    InteractionRequired,
}

impl Detail {
    /// Variants in the order of the table's rows.
    pub const ALL: [Detail; 42] = [
        Detail::JwtExpPassed,
        Detail::ExpiresInPassed,
        Detail::ServerSaysExpired,
        Detail::Placeholder,
        Detail::TokenHasWhitespace,
        Detail::NotAJwt,
        Detail::JwtMalformed,
        Detail::TokenTruncated,
        Detail::SignatureInvalid,
        Detail::AlgNone,
        Detail::WrongEnvironment,
        Detail::ClaimInvalid,
        Detail::TokenRevoked,
        Detail::TokenRejected,
        Detail::NoAuthorization,
        Detail::WrongHeaderName,
        Detail::NoScheme,
        Detail::WrongScheme,
        Detail::SchemeCase,
        Detail::EmptyCredentials,
        Detail::ClientCredentialsMissing,
        Detail::CorsPreflight,
        Detail::DroppedOnRedirect,
        Detail::ServerSaysInsufficientScope,
        Detail::ScopeNotGranted,
        Detail::ClientRefused,
        Detail::ClientSecretExpired,
        Detail::RefreshGrantRevoked,
        Detail::CredentialRevoked,
        Detail::CredentialsRejected,
        Detail::NbfInFuture,
        Detail::IatInFuture,
        Detail::ClientClockBehind,
        Detail::ServerSaysClockSkew,
        Detail::CredentialRedacted,
        Detail::CredentialNotRecorded,
        Detail::NoServerTime,
        Detail::WithinLeeway,
        Detail::AmbiguousStatement,
        Detail::NoStatement,
        Detail::DpopNonceRequired,
        Detail::InteractionRequired,
    ];

    /// The code as the reports print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Detail::JwtExpPassed => "jwt_exp_passed",
            Detail::ExpiresInPassed => "expires_in_passed",
            Detail::ServerSaysExpired => "server_says_expired",
            Detail::Placeholder => "placeholder",
            Detail::TokenHasWhitespace => "token_has_whitespace",
            Detail::NotAJwt => "not_a_jwt",
            Detail::JwtMalformed => "jwt_malformed",
            Detail::TokenTruncated => "token_truncated",
            Detail::SignatureInvalid => "signature_invalid",
            Detail::AlgNone => "alg_none",
            Detail::WrongEnvironment => "wrong_environment",
            Detail::ClaimInvalid => "claim_invalid",
            Detail::TokenRevoked => "token_revoked",
            Detail::TokenRejected => "token_rejected",
            Detail::NoAuthorization => "no_authorization",
            Detail::WrongHeaderName => "wrong_header_name",
            Detail::NoScheme => "no_scheme",
            Detail::WrongScheme => "wrong_scheme",
            Detail::SchemeCase => "scheme_case",
            Detail::EmptyCredentials => "empty_credentials",
            Detail::ClientCredentialsMissing => "client_credentials_missing",
            Detail::CorsPreflight => "cors_preflight",
            Detail::DroppedOnRedirect => "dropped_on_redirect",
            Detail::ServerSaysInsufficientScope => "server_says_insufficient_scope",
            Detail::ScopeNotGranted => "scope_not_granted",
            Detail::ClientRefused => "client_refused",
            Detail::ClientSecretExpired => "client_secret_expired",
            Detail::RefreshGrantRevoked => "refresh_grant_revoked",
            Detail::CredentialRevoked => "credential_revoked",
            Detail::CredentialsRejected => "credentials_rejected",
            Detail::NbfInFuture => "nbf_in_future",
            Detail::IatInFuture => "iat_in_future",
            Detail::ClientClockBehind => "client_clock_behind",
            Detail::ServerSaysClockSkew => "server_says_clock_skew",
            Detail::CredentialRedacted => "credential_redacted",
            Detail::CredentialNotRecorded => "credential_not_recorded",
            Detail::NoServerTime => "no_server_time",
            Detail::WithinLeeway => "within_leeway",
            Detail::AmbiguousStatement => "ambiguous_statement",
            Detail::NoStatement => "no_statement",
            Detail::DpopNonceRequired => "dpop_nonce_required",
            Detail::InteractionRequired => "interaction_required",
        }
    }

    /// The cause this detail belongs to: a finding's cause is always its detail's.
    pub fn cause(self) -> Cause {
        match self {
            Detail::JwtExpPassed | Detail::ExpiresInPassed | Detail::ServerSaysExpired => {
                Cause::ExpiredToken
            }
            Detail::Placeholder
            | Detail::TokenHasWhitespace
            | Detail::NotAJwt
            | Detail::JwtMalformed
            | Detail::TokenTruncated
            | Detail::SignatureInvalid
            | Detail::AlgNone
            | Detail::WrongEnvironment
            | Detail::ClaimInvalid
            | Detail::TokenRevoked
            | Detail::TokenRejected => Cause::InvalidToken,
            Detail::NoAuthorization
            | Detail::WrongHeaderName
            | Detail::NoScheme
            | Detail::WrongScheme
            | Detail::SchemeCase
            | Detail::EmptyCredentials
            | Detail::ClientCredentialsMissing
            | Detail::CorsPreflight
            | Detail::DroppedOnRedirect => Cause::MissingAuthorization,
            Detail::ServerSaysInsufficientScope | Detail::ScopeNotGranted => {
                Cause::InsufficientScope
            }
            Detail::ClientRefused
            | Detail::ClientSecretExpired
            | Detail::RefreshGrantRevoked
            | Detail::CredentialRevoked
            | Detail::CredentialsRejected => Cause::RevokedCredentials,
            Detail::NbfInFuture
            | Detail::IatInFuture
            | Detail::ClientClockBehind
            | Detail::ServerSaysClockSkew => Cause::ClockSkew,
            Detail::CredentialRedacted
            | Detail::CredentialNotRecorded
            | Detail::NoServerTime
            | Detail::WithinLeeway
            | Detail::AmbiguousStatement
            | Detail::NoStatement
            | Detail::DpopNonceRequired
            | Detail::InteractionRequired => Cause::Unknown,
        }
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDetail(pub String);

impl FromStr for Detail {
    type Err = UnknownDetail;

    fn from_str(code: &str) -> Result<Detail, UnknownDetail> {
        Detail::ALL
            .into_iter()
            .find(|d| d.as_str() == code)
            .ok_or_else(|| UnknownDetail(code.to_owned()))
    }
}

/// One row of `details.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub code: &'static str,
    pub cause: &'static str,
    pub meaning: &'static str,
    pub source: &'static str,
}

/// The rows of `details.tsv`, in order; a line without four columns is skipped (the tests
/// check there is none).
pub fn rows() -> impl Iterator<Item = Row> {
    TABLE
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| match l.split('\t').collect::<Vec<_>>()[..] {
            [code, cause, meaning, source] => Some(Row {
                code,
                cause,
                meaning,
                source,
            }),
            _ => None,
        })
}

/// The cause a detail code belongs to, if the code is known.
pub fn cause_of(detail: &str) -> Option<Cause> {
    detail.parse::<Detail>().ok().map(Detail::cause)
}

/// The detail codes of one cause.
pub fn of_cause(cause: Cause) -> impl Iterator<Item = Detail> {
    Detail::ALL.into_iter().filter(move |d| d.cause() == cause)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enum_and_the_table_agree_row_for_row() {
        let table: Vec<(String, String)> = rows()
            .map(|r| (r.code.to_owned(), r.cause.to_owned()))
            .collect();
        let code: Vec<(String, String)> = Detail::ALL
            .iter()
            .map(|d| (d.as_str().to_owned(), d.cause().id().to_owned()))
            .collect();
        assert_eq!(table, code);
    }

    #[test]
    fn every_line_of_the_table_is_a_row_with_a_meaning_and_a_source() {
        let lines = TABLE
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(rows().count(), lines);
        for row in rows() {
            assert!(!row.meaning.trim().is_empty(), "{}", row.code);
            assert!(!row.source.trim().is_empty(), "{}", row.code);
            assert!(Cause::from_id(row.cause).is_some(), "{}", row.code);
        }
    }

    #[test]
    fn every_code_parses_back_to_itself() {
        for detail in Detail::ALL {
            assert_eq!(detail.as_str().parse::<Detail>(), Ok(detail));
            assert_eq!(cause_of(detail.as_str()), Some(detail.cause()));
        }
        assert!("some_future_code".parse::<Detail>().is_err());
    }
}
