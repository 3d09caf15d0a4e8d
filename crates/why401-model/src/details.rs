//! The closed list of detail codes and the cause each belongs to. A new code needs a row here
//! and in the README's table (a test checks both).

use crate::finding::Cause;

/// Every detail code a finding can carry, with its cause.
pub const DETAILS: &[(&str, Cause)] = &[
    ("jwt_exp_passed", Cause::ExpiredToken),
    ("expires_in_passed", Cause::ExpiredToken),
    ("server_says_expired", Cause::ExpiredToken),
    ("placeholder", Cause::InvalidToken),
    ("token_has_whitespace", Cause::InvalidToken),
    ("not_a_jwt", Cause::InvalidToken),
    ("jwt_malformed", Cause::InvalidToken),
    ("token_truncated", Cause::InvalidToken),
    ("signature_invalid", Cause::InvalidToken),
    ("alg_none", Cause::InvalidToken),
    ("wrong_environment", Cause::InvalidToken),
    ("claim_invalid", Cause::InvalidToken),
    ("token_revoked", Cause::InvalidToken),
    ("token_rejected", Cause::InvalidToken),
    ("no_authorization", Cause::MissingAuthorization),
    ("wrong_header_name", Cause::MissingAuthorization),
    ("no_scheme", Cause::MissingAuthorization),
    ("wrong_scheme", Cause::MissingAuthorization),
    ("scheme_case", Cause::MissingAuthorization),
    ("empty_credentials", Cause::MissingAuthorization),
    ("client_credentials_missing", Cause::MissingAuthorization),
    ("cors_preflight", Cause::MissingAuthorization),
    ("dropped_on_redirect", Cause::MissingAuthorization),
    ("server_says_insufficient_scope", Cause::InsufficientScope),
    ("scope_not_granted", Cause::InsufficientScope),
    ("client_refused", Cause::RevokedCredentials),
    ("client_secret_expired", Cause::RevokedCredentials),
    ("refresh_grant_revoked", Cause::RevokedCredentials),
    ("credential_revoked", Cause::RevokedCredentials),
    ("credentials_rejected", Cause::RevokedCredentials),
    ("nbf_in_future", Cause::ClockSkew),
    ("iat_in_future", Cause::ClockSkew),
    ("client_clock_behind", Cause::ClockSkew),
    ("server_says_clock_skew", Cause::ClockSkew),
    ("credential_redacted", Cause::Unknown),
    ("credential_not_recorded", Cause::Unknown),
    ("no_server_time", Cause::Unknown),
    ("within_leeway", Cause::Unknown),
    ("ambiguous_statement", Cause::Unknown),
    ("no_statement", Cause::Unknown),
    ("dpop_nonce_required", Cause::Unknown),
    ("interaction_required", Cause::Unknown),
];

/// The cause a detail code belongs to, if the code is known.
pub fn cause_of(detail: &str) -> Option<Cause> {
    DETAILS.iter().find(|(d, _)| *d == detail).map(|(_, c)| *c)
}

/// The detail codes of one cause.
pub fn of_cause(cause: Cause) -> impl Iterator<Item = &'static str> {
    DETAILS
        .iter()
        .filter(move |(_, c)| *c == cause)
        .map(|(d, _)| *d)
}
