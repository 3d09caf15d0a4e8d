//! Rule 2: a server statement naming exactly one cause, or carrying its own times.

use crate::evidence::reftime::{Band, TimeCheck, ValidityVerdict, format_duration};
use why401_model::details::Detail;
use why401_model::finding::{Cause, Confidence};
use why401_model::providers::Verdict;
use why401_model::time::format_seconds;

use super::r08_time::client_clock_behind;
use super::statements::{quote, statement_detail};
use super::{Input, RuleVerdict, verdict};

pub(super) fn rule2_server_statement(input: &Input) -> Option<RuleVerdict> {
    let (place, m) = input
        .matches
        .iter()
        .find(|(_, m)| matches!(m.verdict, Verdict::Cause(_) | Verdict::TimeRange))?;
    let said = format!("{place} says \"{}\"", quote(input, place));
    if let Verdict::TimeRange = m.verdict {
        return time_range_verdict(input, said);
    }
    let Verdict::Cause(cause) = m.verdict else {
        return None;
    };
    if cause == Cause::ExpiredToken
        && let Some(skew) = client_clock_behind(input)
    {
        return Some(RuleVerdict {
            detail: Detail::ClientClockBehind,
            confidence: Confidence::High,
            evidence: vec![said, skew],
        });
    }
    let detail = statement_detail(m)?;
    match contradiction(input, detail) {
        Some(found) => Some(RuleVerdict {
            detail,
            confidence: Confidence::Medium,
            evidence: vec![said, found.evidence],
        }),
        None => Some(verdict(detail, Confidence::High, said)),
    }
}

/// The server's statement against the token's claims: it says expired while `exp` is still
/// ahead of the reference time by more than the leeway, or not yet valid while `nbf` (or
/// `iat`) is clearly past. The server's cause stands (it refused the token), at medium
/// confidence: the disagreement points at the validating server's clock, or at a session
/// ended early and reported as expiry.
pub(super) struct Contradiction {
    /// The evidence line, with both times.
    pub evidence: String,
    /// The advice step.
    pub advice: String,
}

pub(super) fn contradiction(input: &Input, detail: Detail) -> Option<Contradiction> {
    let ev = input.evidence;
    let reference = ev.reference.as_ref()?;
    let times = ev.claim_times.as_ref()?;
    let (claim, said, meaning, points_at) = match detail.cause() {
        Cause::ExpiredToken => (
            times.exp.as_ref().filter(|c| c.band == Band::After)?,
            "expired",
            "by its claims it had not expired",
            "whether the validating server's clock is ahead, or whether the token's session \
             was ended early (revoked) and reported as expiry",
        ),
        Cause::ClockSkew if detail == Detail::NbfInFuture => (
            [&times.nbf, &times.iat]
                .into_iter()
                .flatten()
                .find(|c| c.band == Band::Before)?,
            "not yet valid",
            "by its claims it was already valid",
            "whether the validating server's clock is behind",
        ),
        _ => return None,
    };
    let when = |check: &TimeCheck, claim: &str| {
        format!(
            "{claim} {} is {} {} {} {}",
            format_seconds(&check.at),
            format_duration(check.delta_seconds.abs()),
            if check.delta_seconds > 0 {
                "after"
            } else {
                "before"
            },
            reference.source.describe(),
            format_seconds(&reference.at)
        )
    };
    Some(Contradiction {
        evidence: format!(
            "the server's statement contradicts the token's claims: {} (leeway {}s), so {meaning}; \
             this points at the validating server's clock, or at a session ended early",
            when(claim, claim.claim),
            ev.leeway
        ),
        advice: format!(
            "The server says the token is {said}, but its {}: ask the API provider {points_at}.",
            when(claim, &format!("`{}`", claim.claim))
        ),
    })
}

/// A statement carrying its own times: valid-from after the stated time → clock skew;
/// expiry before it → expired; inside the leeway it decides nothing.
fn time_range_verdict(input: &Input, said: String) -> Option<RuleVerdict> {
    let ev = input.evidence;
    let validity = ev.validity.as_ref()?;
    let (detail, by) = match validity.validity.verdict(ev.leeway)? {
        ValidityVerdict::NotYetValid { by_seconds } => (Detail::NbfInFuture, by_seconds),
        ValidityVerdict::Expired { by_seconds } => (Detail::ServerSaysExpired, by_seconds),
    };
    let line = format!(
        "{said}; the stated times differ by {} (leeway {}s)",
        format_duration(by.abs()),
        ev.leeway
    );
    Some(verdict(detail, Confidence::High, line))
}

#[cfg(test)]
mod tests;
