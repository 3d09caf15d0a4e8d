//! Rule 12: what remains: a statement the evidence narrows to one cause, a long-lived
//! credential refused, a bare challenge, else `unknown` with what is missing.

use crate::evidence::Chosen;
use crate::evidence::credential::LongLived;
use crate::evidence::keys::{NotChecked, SignatureStatus};
use why401_model::details::Detail;
use why401_model::exchange::ExchangeNote;
use why401_model::finding::{Cause, Confidence};
use why401_model::providers::Verdict;

use super::statements::{decides, quote};
use super::{Input, RuleVerdict, verdict};

pub(super) fn rule12_otherwise(input: &Input) -> Option<RuleVerdict> {
    Some(
        masked_signature(input)
            .or_else(|| ruled_out(input))
            .or_else(|| login_refused(input))
            .or_else(|| challenge_without_error(input))
            .unwrap_or_else(|| unknown_verdict(input)),
    )
}

/// A JWT whose signature the capture masked, and whose claims decided nothing (rules 8 to 10
/// judge them first): what the server refused is in the part that cannot be read.
fn masked_signature(input: &Input) -> Option<RuleVerdict> {
    let credential = input.evidence.credential()?;
    if credential.signature != SignatureStatus::NotChecked(NotChecked::Masked) {
        return None;
    }
    let line = format!(
        "the {} token's signature was masked in the capture and its claims decide nothing, so the credential cannot be judged",
        credential.place.label()
    );
    Some(verdict(Detail::CredentialRedacted, Confidence::Low, line))
}

/// A login command's request refused without another statement: the username and password
/// typed at its prompt were refused (a long-lived credential, as rule 12 reads any other).
fn login_refused(input: &Input) -> Option<RuleVerdict> {
    let login = input.exchange.notes.contains(&ExchangeNote::LoginCommand);
    if !login || input.evidence.chosen != Chosen::NotRecorded {
        return None;
    }
    let line = "the request came from a login command, which sends the username and password typed at its prompt; the server refused them".to_owned();
    Some(verdict(
        Detail::CredentialsRejected,
        Confidence::Medium,
        line,
    ))
}

/// The capture does not show the credential, and every challenge omits an error code: RFC
/// 6750 section 3.1 has a server omit it when the request lacked authentication (no
/// credential, or one in a scheme it does not take). A ticket pastes the response without
/// the request, so this is the server's own word that nothing usable was sent.
fn challenge_without_error(input: &Input) -> Option<RuleVerdict> {
    let ev = input.evidence;
    let bare = !ev.challenges.is_empty()
        && ev
            .challenges
            .iter()
            .all(|c| c.error().is_none() && c.scheme.is_some());
    // A statement that presupposes a credential ("invalid or has expired") contradicts it.
    let statements_agree = input
        .matches
        .iter()
        .all(|(_, m)| m.verdict.candidates().contains(Cause::MissingAuthorization));
    if ev.chosen != Chosen::NotRecorded || !bare || !statements_agree {
        return None;
    }
    let line = "the capture does not show the request's credential, and the server's challenge carries no error code, which a server omits when the request lacked authentication (RFC 6750 section 3.1)".to_owned();
    Some(verdict(Detail::NoAuthorization, Confidence::Medium, line))
}

/// A statement naming several causes, of which the evidence rules out all but one; or a
/// long-lived credential refused.
fn ruled_out(input: &Input) -> Option<RuleVerdict> {
    let ev = input.evidence;
    let credential = ev.credential()?;
    let ambiguous = input
        .matches
        .iter()
        .find(|(_, m)| matches!(m.verdict, Verdict::Ambiguous { .. } | Verdict::TimeRange));
    let claims_pass = ev.claim_times.as_ref().is_some_and(|t| {
        !t.expired() && !t.nbf_in_future() && !t.iat_in_future() && t.undecided().is_empty()
    }) && credential.jwt().is_some_and(|j| j.exp().is_some());
    if let Some((place, m)) = ambiguous {
        let mut candidates = m.verdict.candidates();
        if claims_pass {
            candidates = candidates
                .without(Cause::ExpiredToken)
                .without(Cause::ClockSkew);
        }
        if let Some(cause) = candidates.single()
            && let Some(detail) = rejected_detail(cause)
        {
            let line = format!(
                "{place} says \"{}\", which names several causes; the token's claims pass at the server's time, which leaves {cause}",
                quote(input, place)
            );
            return Some(verdict(detail, Confidence::Medium, line));
        }
    }
    // A statement that explains the refusal otherwise (its times inside the leeway) is not
    // a plain refusal of the credential.
    let explained = input
        .matches
        .iter()
        .any(|(_, m)| m.verdict == Verdict::TimeRange);
    if let Some(long_lived) = &credential.long_lived
        && !matches!(long_lived, LongLived::RefreshToken)
        && !explained
    {
        let line = format!(
            "{} was refused ({}); a long-lived credential that is refused has been revoked, rotated or is wrong",
            long_lived.describe(),
            credential.place.label()
        );
        return Some(verdict(
            Detail::CredentialsRejected,
            Confidence::Medium,
            line,
        ));
    }
    if ambiguous.is_none()
        && claims_pass
        && ev
            .challenges
            .iter()
            .any(|c| c.error() == Some("invalid_token"))
    {
        let line = "the server answered invalid_token although the token's claims pass at its time"
            .to_owned();
        return Some(verdict(Detail::TokenRejected, Confidence::Medium, line));
    }
    None
}

/// The detail of a refusal whose statement named several causes, once the evidence leaves
/// one: the credential itself was refused.
fn rejected_detail(cause: Cause) -> Option<Detail> {
    match cause {
        Cause::InvalidToken => Some(Detail::TokenRejected),
        Cause::RevokedCredentials => Some(Detail::CredentialsRejected),
        _ => None,
    }
}

/// No time to judge the token's `exp` against.
fn no_server_time() -> (Detail, String) {
    let line = "the capture holds no time for this request (no Date header, no log or client time): the token's exp cannot be judged; pass --at TIME";
    (Detail::NoServerTime, line.to_owned())
}

/// `unknown`, saying what is missing.
pub(super) fn unknown_verdict(input: &Input) -> RuleVerdict {
    let ev = input.evidence;
    if ev.chosen == Chosen::NotRecorded {
        return not_recorded_verdict(input);
    }
    let (detail, line) = if ev.reference.is_none()
        && ev
            .credential()
            .and_then(|c| c.jwt())
            .is_some_and(|j| j.exp().is_some())
    {
        no_server_time()
    } else if let Some(line) = ambiguous_statement_line(input) {
        (Detail::AmbiguousStatement, line)
    } else if let Some(check) = ev
        .claim_times
        .as_ref()
        .and_then(|t| t.undecided().into_iter().next())
    {
        let reference = ev.reference.as_ref();
        let line = reference
            .map(|r| check.describe(r, ev.leeway))
            .unwrap_or_default();
        (Detail::WithinLeeway, line)
    } else if ev.reference.is_none() && ev.credential().and_then(|c| c.jwt()).is_some() {
        no_server_time()
    } else {
        (
            Detail::NoStatement,
            "the server said nothing that names a cause, and the credential shows no defect"
                .to_owned(),
        )
    };
    verdict(detail, Confidence::Low, line)
}

/// No credential to judge: say so, and still quote what the server said, so the engineer
/// sees the server's words ("invalid_grant") beside what to collect.
fn not_recorded_verdict(input: &Input) -> RuleVerdict {
    let line = "the capture does not record the request's credential (a response alone, or a log without request headers); export the request too".to_owned();
    let mut out = verdict(Detail::CredentialNotRecorded, Confidence::Low, line);
    out.evidence.extend(ambiguous_statement_line(input));
    out
}

/// The first statement that names several causes (or a time range), as an evidence line.
fn ambiguous_statement_line(input: &Input) -> Option<String> {
    let (place, _) = input
        .matches
        .iter()
        .find(|(_, m)| !decides(m) || m.verdict == Verdict::TimeRange)?;
    Some(format!(
        "{place} says \"{}\", which names several causes, and the evidence does not rule out all but one",
        quote(input, place)
    ))
}

#[cfg(test)]
mod tests;
