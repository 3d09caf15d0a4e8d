//! Rule 4: the credential removed by an exporter or logger.

use why401_model::details::Detail;
use why401_model::finding::Confidence;

use super::{Input, RuleVerdict, verdict};

pub(super) fn rule4_redacted(input: &Input) -> Option<RuleVerdict> {
    let ev = input.evidence;
    if let Some(credential) = ev.credential()
        && credential.is_redacted()
    {
        return Some(verdict(
            Detail::CredentialRedacted,
            Confidence::Low,
            format!(
                "the {} value was replaced by a redaction marker, so the credential cannot be judged",
                credential.place.label()
            ),
        ));
    }
    if input.prior.sanitized && ev.credential().is_none() {
        return Some(verdict(
            Detail::CredentialRedacted,
            Confidence::Low,
            "the exporter removed Authorization and Cookie headers from this capture (sanitized export), so the request's credential is unknown".into(),
        ));
    }
    None
}

#[cfg(test)]
mod tests;
