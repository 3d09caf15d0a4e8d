//! Rule 2: a server statement naming exactly one cause, or carrying its own times.

use crate::evidence::reftime::{ValidityVerdict, format_duration};
use why401_model::details::Detail;
use why401_model::finding::{Cause, Confidence};
use why401_model::providers::Verdict;

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
    Some(verdict(statement_detail(m)?, Confidence::High, said))
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
