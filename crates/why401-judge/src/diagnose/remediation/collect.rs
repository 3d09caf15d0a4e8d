//! Advice for an undetermined 401: what evidence to collect next. It fits the kind of source
//! the finding came from: a browser export is exported again, logs are configured to record a
//! fingerprint of the credential, a transcript is taken again whole, a ticket asks the
//! customer for what the paste lacks.

use why401_model::advice::SourceKind;
use why401_model::details::Detail;

use super::{RemediationFacts, shorten};

pub(super) fn steps(detail: Detail, facts: &RemediationFacts) -> Vec<String> {
    let source = facts.source;
    match detail {
        Detail::CredentialRedacted if facts.signature_masked => vec![
            "The token's claims pass at the server's time, so check its signature: run \
             `why401 token --jwks <the issuer's JWKS file>` on the whole token where it may be \
             seen (it reads the token from stdin and never prints it)."
                .into(),
            "A token signed by another issuer or tenant, or with a rotated key, is refused this \
             way: get a new token from the issuer the API trusts."
                .into(),
            curl(facts),
        ],
        Detail::CredentialRedacted => vec![masked_credential(source), curl(facts)],
        Detail::CredentialNotRecorded => vec![not_recorded(source), curl(facts)],
        Detail::NoServerTime => vec![DATE.into(), curl(facts)],
        Detail::DpopNonceRequired => vec![
            "Retry with a new DPoP proof carrying the nonce from the `DPoP-Nonce` response \
             header: this 401 is the normal DPoP nonce exchange."
                .into(),
            "If the retry is refused too, check the proof's `htm`, `htu` and `iat` (from a \
             synchronized clock)."
                .into(),
        ],
        Detail::InteractionRequired => vec![
            "Sign in interactively once (multi-factor authentication or consent is required), \
             then retry."
                .into(),
        ],
        _ if source == SourceKind::Har => vec![HAR_AGAIN.into(), DATE.into(), curl(facts)],
        _ => vec![curl(facts), DATE.into()],
    }
}

const HAR_AGAIN: &str = "Export the HAR again with sensitive data (Chrome DevTools: Network → \
                         Export HAR (with sensitive data); Firefox: Save All As HAR) and share \
                         it privately.";

const DATE: &str = "Include the response's `Date` header, so the token's `exp`, `nbf` and `iat` \
                    can be compared with the server's time.";

const LOG_FINGERPRINT: &str = "log a fingerprint of the `Authorization` header (such as the \
                               first 12 hex digits of its SHA-256), not its value, so each 401 \
                               can be tied to one token without storing it";

/// The credential was replaced by a marker: where it was masked decides how to see it.
fn masked_credential(source: SourceKind) -> String {
    match source {
        SourceKind::Har => format!("{HAR_AGAIN} This export masked the credential."),
        SourceKind::Log => format!(
            "These logs mask the credential (gateways such as Caddy, Kong and Traefik redact \
             `Authorization` by default): {LOG_FINGERPRINT}."
        ),
        SourceKind::Ticket => "The paste masks the credential: ask for the token's claims \
                               instead (`why401 token` prints them and never the token), or for \
                               the output of the `curl -v` below, shared privately."
            .into(),
        SourceKind::Transcript | SourceKind::Unknown => {
            "The transcript masks the credential: take it again unmasked and share it \
             privately, or run `why401 token` on the token where it may be seen."
                .into()
        }
    }
}

/// Nothing of the credential was recorded.
fn not_recorded(source: SourceKind) -> String {
    match source {
        SourceKind::Har => HAR_AGAIN.into(),
        SourceKind::Log => format!("These logs do not record the credential: {LOG_FINGERPRINT}."),
        SourceKind::Ticket => "The paste shows the error but not the request: ask for the \
                               request's headers (the token may be replaced by its first and \
                               last characters) and the response's headers and body."
            .into(),
        SourceKind::Transcript | SourceKind::Unknown => {
            "Keep the request headers in the transcript (`curl -v` prints them after `> `).".into()
        }
    }
}

fn curl(facts: &RemediationFacts) -> String {
    format!(
        "Run the call again with `curl -v -H \"Authorization: Bearer $TOKEN\" {}` and keep the \
         whole output (request headers, status line, response headers).",
        facts
            .probe_url
            .as_deref()
            .map(shorten)
            .unwrap_or_else(|| "<same URL>".into())
    )
}
