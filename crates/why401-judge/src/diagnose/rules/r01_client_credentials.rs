//! Rule 1: client credentials shown absent or empty at a token endpoint.

use crate::evidence::ClientAuth;
use why401_model::details::Detail;
use why401_model::finding::Confidence;
use why401_model::providers::Verdict;

use super::statements::statement_detail;
use super::{Input, RuleVerdict, verdict};

pub(super) fn rule1_client_credentials_missing(input: &Input) -> Option<RuleVerdict> {
    let ev = input.evidence;
    if !ev.token_endpoint || input.prior.sanitized {
        return None;
    }
    // A login (password grant) from a public client sends no client credentials by design:
    // its refusal is the user's password, unless the server names the client.
    if ev.credentials.user_login().is_some() && !server_names_the_client(input) {
        return None;
    }
    let line = match ev.client_auth? {
        ClientAuth::ShownAbsent => {
            "the token request carries no client credentials: no Authorization header and no client_secret or client_assertion in its body"
        }
        ClientAuth::Empty => "the token request's client credentials are empty",
        ClientAuth::Present | ClientAuth::NotShown => return None,
    };
    Some(verdict(
        Detail::ClientCredentialsMissing,
        Confidence::High,
        line.to_owned(),
    ))
}

/// A statement about the client itself (`invalid_client`, "client_secret is missing").
fn server_names_the_client(input: &Input) -> bool {
    input.matches.iter().any(|(_, m)| {
        m.verdict == Verdict::ClientRefused
            || statement_detail(m) == Some(Detail::ClientCredentialsMissing)
    })
}

#[cfg(test)]
mod tests;
