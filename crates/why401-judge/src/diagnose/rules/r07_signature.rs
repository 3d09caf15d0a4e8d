//! Rule 7: the token's signature, with the keys given.

use crate::evidence::SignatureStatus;
use why401_model::details::Detail;
use why401_model::finding::Confidence;

use super::{Input, RuleVerdict, verdict};

pub(super) fn rule7_signature(input: &Input) -> Option<RuleVerdict> {
    let credential = input.evidence.credential()?;
    let detail = match &credential.signature {
        SignatureStatus::Invalid(_) => Detail::SignatureInvalid,
        SignatureStatus::AlgNone => Detail::AlgNone,
        _ => return None,
    };
    Some(verdict(
        detail,
        Confidence::High,
        credential.signature.describe(),
    ))
}

#[cfg(test)]
mod tests;
