//! Rule 9: a token of another environment.

use why401_model::details::Detail;
use why401_model::finding::Confidence;

use super::{Input, RuleVerdict, verdict};

pub(super) fn rule9_environment(input: &Input) -> Option<RuleVerdict> {
    let wrong = input.evidence.wrong_environment.as_ref()?;
    let confidence = if wrong.heuristic {
        Confidence::Medium
    } else {
        Confidence::High
    };
    Some(verdict(
        Detail::WrongEnvironment,
        confidence,
        wrong.evidence.clone(),
    ))
}

#[cfg(test)]
mod tests;
