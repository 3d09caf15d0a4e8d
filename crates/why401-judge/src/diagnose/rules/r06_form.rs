//! Rule 6: the token's form (placeholder, damage, not a JWT where one is expected).

use crate::evidence::TokenFormat;
use crate::evidence::credential::Place;
use why401_model::details::Detail;
use why401_model::finding::{Confidence, CredentialKind};

use super::{Input, RuleVerdict, verdict};

pub(super) fn rule6_form(input: &Input) -> Option<RuleVerdict> {
    let ev = input.evidence;
    let credential = ev.credential()?;
    if let Some(damage) = credential.damage() {
        return Some(verdict(
            damage.detail(),
            Confidence::Medium,
            damage.describe(),
        ));
    }
    let expects_jwt = ev.expected_token_format == Some(TokenFormat::Jwt);
    let opaque = credential.kind == CredentialKind::Opaque && credential.long_lived.is_none();
    (expects_jwt && opaque && credential.place == Place::Authorization).then(|| {
        verdict(
            Detail::NotAJwt,
            Confidence::Medium,
            "this API expects a JWT, but the token is not one (it does not start with eyJ and has no JWT parts)".into(),
        )
    })
}

#[cfg(test)]
mod tests;
