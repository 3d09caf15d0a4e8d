//! The binding precedence: twelve numbered rules, each a small function over the evidence of
//! one 401 and what the capture showed before it, each in its own file with its tests. The
//! first rule that decides wins; the others that fired are named in the evidence.

mod r00_dpop_nonce;
mod r01_client_credentials;
mod r02_server_statement;
mod r03_client_refused;
mod r04_redacted;
mod r05_shape;
mod r06_form;
mod r07_signature;
mod r08_time;
mod r09_environment;
mod r10_scope;
mod r11_history;
mod r12_otherwise;
mod statements;
#[cfg(test)]
pub(crate) mod test_support;

use std::fmt;

use chrono::{DateTime, Utc};

use super::remediation::RemediationFacts;
use crate::evidence::Evidence;
use crate::evidence::keys::{NotChecked, SignatureStatus};
use why401_model::details::Detail;
use why401_model::exchange::Exchange;
use why401_model::finding::{Cause, Confidence};
use why401_model::providers::StatementMatch;

/// What the capture showed before (or around) this 401 that the rules may use.
#[derive(Debug, Clone, Default)]
pub struct Prior {
    /// The credentials were removed by an exporter (a sanitized capture).
    pub sanitized: bool,
    /// The client's token request was refused earlier, linked to this request's token.
    pub client_refusal: Option<Refusal>,
    /// The same credential got a 2xx earlier: when, and whether on the same endpoint.
    pub earlier_success: Option<EarlierSuccess>,
    /// An opaque token's expiry known from its issuance in the capture.
    pub issued_expiry: Option<DateTime<Utc>>,
    /// The request followed a redirect to another host that dropped `Authorization`.
    pub dropped_on_redirect: Option<String>,
    /// The server asked for a DPoP nonce (`use_dpop_nonce`), and a later request to the same
    /// endpoint that carried a DPoP proof succeeded: known only after the look-ahead.
    pub dpop_nonce_answered: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// [`Detail::ClientRefused`] or [`Detail::RefreshGrantRevoked`].
    pub detail: Detail,
    pub at: Option<String>,
    pub place: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierSuccess {
    pub at: Option<String>,
    pub status: u16,
    pub same_endpoint: bool,
}

/// A rule's verdict: its cause is its detail's.
#[derive(Debug, Clone)]
pub struct RuleVerdict {
    pub detail: Detail,
    pub confidence: Confidence,
    pub evidence: Vec<String>,
}

/// The decision for one 401.
#[derive(Debug, Clone)]
pub struct Decision {
    pub detail: Detail,
    pub confidence: Confidence,
    pub evidence: Vec<String>,
    /// The rule that decided.
    pub rule: RuleId,
    /// The other rules that fired, with their verdicts.
    pub considered: Vec<String>,
    pub facts: RemediationFacts,
}

/// Everything a rule looks at.
pub struct Input<'a> {
    pub exchange: &'a Exchange,
    pub evidence: &'a Evidence,
    pub matches: Vec<(statements::Said, StatementMatch)>,
    pub prior: &'a Prior,
}

impl RuleVerdict {
    pub fn cause(&self) -> Cause {
        self.detail.cause()
    }
}

impl Decision {
    pub fn cause(&self) -> Cause {
        self.detail.cause()
    }
}

impl<'a> Input<'a> {
    pub fn new(exchange: &'a Exchange, evidence: &'a Evidence, prior: &'a Prior) -> Input<'a> {
        Input {
            exchange,
            evidence,
            matches: statements::statement_matches(evidence),
            prior,
        }
    }
}

type Rule = fn(&Input) -> Option<RuleVerdict>;

/// The numbered rules, in their binding order: the first that decides wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    DpopNonceAnswered,
    ClientCredentialsMissing,
    ServerStatement,
    ClientRefused,
    Redacted,
    Shape,
    Form,
    Signature,
    Time,
    Environment,
    Scope,
    History,
    Otherwise,
}

impl RuleId {
    /// Every rule, in precedence order.
    pub const ALL: [RuleId; 13] = [
        RuleId::DpopNonceAnswered,
        RuleId::ClientCredentialsMissing,
        RuleId::ServerStatement,
        RuleId::ClientRefused,
        RuleId::Redacted,
        RuleId::Shape,
        RuleId::Form,
        RuleId::Signature,
        RuleId::Time,
        RuleId::Environment,
        RuleId::Scope,
        RuleId::History,
        RuleId::Otherwise,
    ];

    /// The rule's number in the README's precedence list. The DPoP handshake is rule 0: it
    /// comes before every other and is the only rule that reads what followed the 401, so the
    /// numbers of the others stay as every earlier report printed them.
    pub fn number(self) -> u8 {
        match self {
            RuleId::DpopNonceAnswered => 0,
            RuleId::ClientCredentialsMissing => 1,
            RuleId::ServerStatement => 2,
            RuleId::ClientRefused => 3,
            RuleId::Redacted => 4,
            RuleId::Shape => 5,
            RuleId::Form => 6,
            RuleId::Signature => 7,
            RuleId::Time => 8,
            RuleId::Environment => 9,
            RuleId::Scope => 10,
            RuleId::History => 11,
            RuleId::Otherwise => 12,
        }
    }

    /// What the rule looks at, as the evidence names it.
    pub fn title(self) -> &'static str {
        match self {
            RuleId::DpopNonceAnswered => "DPoP nonce supplied by a later request",
            RuleId::ClientCredentialsMissing => "client credentials missing at the token endpoint",
            RuleId::ServerStatement => "server statement",
            RuleId::ClientRefused => "client refused at the token endpoint",
            RuleId::Redacted => "credential removed by an exporter",
            RuleId::Shape => "credential shape",
            RuleId::Form => "token form",
            RuleId::Signature => "signature",
            RuleId::Time => "time",
            RuleId::Environment => "environment",
            RuleId::Scope => "scope",
            RuleId::History => "capture history",
            RuleId::Otherwise => "otherwise",
        }
    }

    fn check(self) -> Rule {
        match self {
            RuleId::DpopNonceAnswered => r00_dpop_nonce::rule0_dpop_nonce_answered,
            RuleId::ClientCredentialsMissing => {
                r01_client_credentials::rule1_client_credentials_missing
            }
            RuleId::ServerStatement => r02_server_statement::rule2_server_statement,
            RuleId::ClientRefused => r03_client_refused::rule3_client_refused,
            RuleId::Redacted => r04_redacted::rule4_redacted,
            RuleId::Shape => r05_shape::rule5_shape,
            RuleId::Form => r06_form::rule6_form,
            RuleId::Signature => r07_signature::rule7_signature,
            RuleId::Time => r08_time::rule8_time,
            RuleId::Environment => r09_environment::rule9_environment,
            RuleId::Scope => r10_scope::rule10_scope,
            RuleId::History => r11_history::rule11_history,
            RuleId::Otherwise => r12_otherwise::rule12_otherwise,
        }
    }
}

/// `2 server statement`, as the evidence and `--explain` name the rule.
impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.number(), self.title())
    }
}

/// Runs every rule; the first that decides wins.
pub fn decide(input: &Input) -> Decision {
    let mut fired: Vec<(RuleId, RuleVerdict)> = RuleId::ALL
        .iter()
        .filter_map(|rule| rule.check()(input).map(|v| (*rule, v)))
        .collect();
    // Rule 12 always decides, so `fired` is never empty.
    let (rule, winner) = if fired.is_empty() {
        (RuleId::Otherwise, r12_otherwise::unknown_verdict(input))
    } else {
        fired.remove(0)
    };
    let (winner, refined) = refine_detail(rule, winner, &fired);
    // Rule 12's `unknown` says only what is missing: it is not worth naming beside a winner.
    let considered: Vec<String> = fired
        .iter()
        .filter(|(id, v)| *id != RuleId::Otherwise || v.cause() != Cause::Unknown)
        .map(|(id, v)| format!("rule {id} also fired: {}/{}", v.cause(), v.detail))
        .collect();
    let mut evidence = winner.evidence.clone();
    evidence.extend(refined);
    evidence.extend(considered.iter().cloned());
    if evidence.is_empty() {
        evidence.push(format!("decided by rule {rule}"));
    }
    let mut facts = remediation_facts(input);
    if rule == RuleId::ServerStatement {
        facts.contradiction =
            r02_server_statement::contradiction(input, winner.detail).map(|c| c.advice);
    }
    Decision {
        detail: winner.detail,
        confidence: winner.confidence,
        evidence,
        rule,
        considered,
        facts,
    }
}

/// A statement that the credential is missing or malformed (rule 2) is made more precise by
/// what rule 5 saw in the request (a wrong header name, no scheme): same cause, the detail
/// the request itself shows.
fn refine_detail(
    rule: RuleId,
    winner: RuleVerdict,
    fired: &[(RuleId, RuleVerdict)],
) -> (RuleVerdict, Vec<String>) {
    let shape = fired
        .iter()
        .find(|(id, v)| *id == RuleId::Shape && v.cause() == Cause::MissingAuthorization);
    match shape {
        Some((_, v))
            if rule == RuleId::ServerStatement
                && winner.cause() == Cause::MissingAuthorization
                && v.detail != Detail::NoAuthorization
                && v.detail != winner.detail =>
        {
            let extra = v.evidence.clone();
            (
                RuleVerdict {
                    detail: v.detail,
                    ..winner
                },
                extra,
            )
        }
        _ => (winner, Vec::new()),
    }
}

fn verdict(detail: Detail, confidence: Confidence, line: String) -> RuleVerdict {
    RuleVerdict {
        detail,
        confidence,
        evidence: vec![line],
    }
}

fn remediation_facts(input: &Input) -> RemediationFacts {
    let ev = input.evidence;
    let mut facts = RemediationFacts::default();
    if let (Some(exp), Some(reference)) = (
        ev.credential().and_then(|c| c.jwt()).and_then(|j| j.exp()),
        ev.reference.as_ref(),
    ) {
        facts.expired_at = Some(exp);
        facts.seconds_before_request = Some((reference.at - exp).num_seconds());
        if let Some(iat) = ev.credential().and_then(|c| c.jwt()).and_then(|j| j.iat()) {
            facts.lifetime_seconds = Some((exp - iat).num_seconds());
        }
    }
    facts.skew_seconds = ev.client_offset_seconds;
    if let Some(scope) = &ev.scope {
        facts.required_scopes = scope.rule.any_of.clone();
        facts.granted_scopes = scope.token_scopes.clone().unwrap_or_default();
    }
    if let Some(wrong) = &ev.wrong_environment {
        facts.token_environment = wrong.token_environment.clone();
        facts.request_environment = wrong.expected.first().cloned();
    }
    facts.header_name = ev.credentials.wrong_header().map(|c| c.place.label());
    facts.offered_schemes = r05_shape::offered_schemes(ev);
    facts.signature_masked = ev
        .credential()
        .is_some_and(|c| c.signature == SignatureStatus::NotChecked(NotChecked::Masked));
    facts.endpoint = Some(format!(
        "{} {}",
        input.exchange.request.method,
        why401_model::url::endpoint_pattern(&input.exchange.request.url)
    ));
    facts
}
