//! Rule 8: the token's times against the reference time.

use crate::evidence::reftime::{Band, format_duration};
use why401_model::details::Detail;
use why401_model::finding::Confidence;
use why401_model::time::format_seconds;

use super::{Input, RuleVerdict, verdict};

pub(super) fn rule8_time(input: &Input) -> Option<RuleVerdict> {
    let ev = input.evidence;
    let reference = ev.reference.as_ref()?;
    let confidence = reference.max_confidence();
    if let Some(times) = &ev.claim_times {
        for (check, future, detail) in [
            (&times.nbf, times.nbf_in_future(), Detail::NbfInFuture),
            (&times.iat, times.iat_in_future(), Detail::IatInFuture),
        ] {
            if future && let Some(check) = check {
                let line = check.describe(reference, ev.leeway);
                return Some(verdict(detail, confidence, line));
            }
        }
        if times.expired()
            && let Some(exp) = &times.exp
        {
            let line = exp.describe(reference, ev.leeway);
            if let Some(skew) = client_clock_behind(input) {
                return Some(RuleVerdict {
                    detail: Detail::ClientClockBehind,
                    confidence,
                    evidence: vec![line, skew],
                });
            }
            return Some(verdict(Detail::JwtExpPassed, confidence, line));
        }
    }
    let expiry = input.prior.issued_expiry?;
    (crate::evidence::reftime::band(expiry, reference.at, ev.leeway) == Band::Before).then(|| {
        let line = format!(
            "the token was issued in this capture with expires_in ending {}, {} before {} {}",
            format_seconds(&expiry),
            format_duration((reference.at - expiry).num_seconds()),
            reference.source.describe(),
            format_seconds(&reference.at)
        );
        verdict(Detail::ExpiresInPassed, Confidence::Medium, line)
    })
}

/// Rule 8's client-clock test: the client sent the request before `exp` by its own clock,
/// and its clock differs from the server's by more than the leeway.
pub(super) fn client_clock_behind(input: &Input) -> Option<String> {
    let ev = input.evidence;
    let offset = ev.client_offset_seconds?;
    let exp = ev.credential()?.jwt()?.exp()?;
    let client = input.exchange.client_time?.instant()?;
    (client < exp && offset.abs() > ev.leeway).then(|| {
        format!(
            "the client's clock read {} when it sent the request, before exp {}, but the server's clock was {} ahead",
            format_seconds(&client),
            format_seconds(&exp),
            format_duration(offset)
        )
    })
}

#[cfg(test)]
mod tests;
