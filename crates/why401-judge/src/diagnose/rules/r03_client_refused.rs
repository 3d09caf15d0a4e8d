//! Rule 3: the client refused at a token endpoint.

use why401_model::details::Detail;
use why401_model::finding::Confidence;
use why401_model::providers::Verdict;

use super::statements::quote;
use super::{Input, RuleVerdict, verdict};

pub(super) fn rule3_client_refused(input: &Input) -> Option<RuleVerdict> {
    if !input.evidence.token_endpoint {
        return None;
    }
    let (place, _) = input
        .matches
        .iter()
        .find(|(_, m)| m.verdict == Verdict::ClientRefused)?;
    Some(verdict(
        Detail::ClientRefused,
        Confidence::High,
        format!(
            "the token endpoint refused the client: {place} says \"{}\"",
            quote(input, place)
        ),
    ))
}

#[cfg(test)]
mod tests;
