//! Rule 10: the profile's scope table.

use why401_model::details::Detail;
use why401_model::finding::Confidence;

use super::{Input, RuleVerdict, verdict};

pub(super) fn rule10_scope(input: &Input) -> Option<RuleVerdict> {
    let scope = input.evidence.scope.as_ref()?;
    if scope.satisfied != Some(false) {
        return None;
    }
    let granted = scope
        .token_scopes
        .as_ref()
        .map(|s| s.join(" "))
        .unwrap_or_default();
    let line = format!(
        "{} {} needs one of [{}]; the token grants [{}]",
        scope.rule.method,
        scope.rule.path,
        scope.rule.any_of.join(", "),
        granted
    );
    Some(verdict(Detail::ScopeNotGranted, Confidence::Medium, line))
}

#[cfg(test)]
mod tests;
