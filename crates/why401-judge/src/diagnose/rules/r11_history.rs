//! Rule 11: what the capture showed before this 401.

use why401_model::details::Detail;
use why401_model::finding::Confidence;

use super::{Input, RuleVerdict, verdict};

pub(super) fn rule11_history(input: &Input) -> Option<RuleVerdict> {
    let prior = input.prior;
    if let Some(refusal) = &prior.client_refusal {
        let line = format!(
            "the token endpoint refused this client earlier ({}{}), and this request's credential belongs to it",
            refusal.place,
            refusal
                .at
                .as_deref()
                .map(|t| format!(" at {t}"))
                .unwrap_or_default()
        );
        return Some(verdict(refusal.detail, Confidence::Medium, line));
    }
    let success = prior.earlier_success.as_ref()?;
    let scope_ok = input
        .evidence
        .scope
        .as_ref()
        .is_none_or(|s| s.satisfied == Some(true));
    if !success.same_endpoint && !scope_ok {
        return None;
    }
    if input
        .evidence
        .claim_times
        .as_ref()
        .is_some_and(|t| t.expired())
    {
        return None;
    }
    let when = success
        .at
        .as_deref()
        .map(|t| format!(" (at {t})"))
        .unwrap_or_default();
    let status = success.status;
    let (detail, line) = match input
        .evidence
        .credential()
        .and_then(|c| c.long_lived.as_ref())
    {
        Some(long_lived) => (
            Detail::CredentialRevoked,
            format!(
                "{} got {status} earlier{when} and is refused now: it was revoked or disabled in between",
                long_lived.describe()
            ),
        ),
        None => (
            Detail::TokenRevoked,
            format!(
                "the same credential got {status} earlier{when} and is not expired: it was revoked in between"
            ),
        ),
    };
    Some(verdict(detail, Confidence::Medium, line))
}

#[cfg(test)]
mod tests;
