//! The binding precedence of issue 5: twelve rules, each a small function over the evidence
//! of one 401 and what the capture showed before it. The first rule that decides wins; the
//! others that fired are named in the evidence.

use chrono::{DateTime, Utc};

use super::remediation::RemediationFacts;
use crate::evidence::credential::{LongLived, Place};
use crate::evidence::reftime::{Band, ValidityVerdict, format_duration};
use crate::evidence::statement::Source;
use crate::evidence::{Chosen, ClientAuth, Evidence, SignatureStatus, TokenFormat};
use why401_model::details::Detail;
use why401_model::exchange::{Exchange, ExchangeNote};
use why401_model::finding::{Cause, Confidence, CredentialKind};
use why401_model::providers::{self, Field, StatementMatch, Verdict};
use why401_model::time::format_seconds;

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
    /// The rule that decided (`"2 server statement"`).
    pub rule: String,
    /// The other rules that fired, with their verdicts.
    pub considered: Vec<String>,
    pub facts: RemediationFacts,
}

/// Everything a rule looks at.
pub struct Input<'a> {
    pub exchange: &'a Exchange,
    pub evidence: &'a Evidence,
    pub matches: Vec<(String, StatementMatch)>,
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
            matches: statement_matches(evidence),
            prior,
        }
    }
}

type Rule = fn(&Input) -> Option<RuleVerdict>;

/// The rules in their binding order, with names for the evidence.
const RULES: [(&str, Rule); 12] = [
    (
        "1 client credentials missing at the token endpoint",
        rule1_client_credentials_missing,
    ),
    ("2 server statement", rule2_server_statement),
    (
        "3 client refused at the token endpoint",
        rule3_client_refused,
    ),
    ("4 credential removed by an exporter", rule4_redacted),
    ("5 credential shape", rule5_shape),
    ("6 token form", rule6_form),
    ("7 signature", rule7_signature),
    ("8 time", rule8_time),
    ("9 environment", rule9_environment),
    ("10 scope", rule10_scope),
    ("11 capture history", rule11_history),
    ("12 otherwise", rule12_otherwise),
];

/// Runs every rule; the first that decides wins.
pub fn decide(input: &Input) -> Decision {
    let mut fired: Vec<(&str, RuleVerdict)> = RULES
        .iter()
        .filter_map(|(name, rule)| rule(input).map(|v| (*name, v)))
        .collect();
    // Rule 12 always decides, so `fired` is never empty.
    let (rule, winner) = if fired.is_empty() {
        ("12 otherwise", unknown_verdict(input))
    } else {
        fired.remove(0)
    };
    let (winner, refined) = refine_detail(rule, winner, &fired);
    let considered: Vec<String> = fired
        .iter()
        .filter(|(name, v)| !name.starts_with("12") || v.cause() != Cause::Unknown)
        .map(|(name, v)| format!("rule {name} also fired: {}/{}", v.cause(), v.detail))
        .collect();
    let mut evidence = winner.evidence.clone();
    evidence.extend(refined);
    evidence.extend(considered.iter().cloned());
    if evidence.is_empty() {
        evidence.push(format!("decided by rule {rule}"));
    }
    Decision {
        detail: winner.detail,
        confidence: winner.confidence,
        evidence,
        rule: format!("rule {rule}"),
        considered,
        facts: remediation_facts(input),
    }
}

/// A statement that the credential is missing or malformed (rule 2) is made more precise by
/// what rule 5 saw in the request (a wrong header name, no scheme): same cause, the detail
/// the request itself shows.
fn refine_detail(
    rule: &str,
    winner: RuleVerdict,
    fired: &[(&str, RuleVerdict)],
) -> (RuleVerdict, Vec<String>) {
    let shape = fired
        .iter()
        .find(|(name, v)| name.starts_with("5 ") && v.cause() == Cause::MissingAuthorization);
    match shape {
        Some((_, v))
            if rule.starts_with("2 ")
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

// --- statements ------------------------------------------------------------------------------

/// Field names that carry an error code rather than a sentence.
fn is_code_field(field: &str) -> bool {
    let last = field.rsplit('.').next().unwrap_or(field);
    matches!(
        last.to_ascii_lowercase().as_str(),
        "error"
            | "code"
            | "error_code"
            | "errorcode"
            | "type"
            | "reason"
            | "errortype"
            | "responsetype"
            | "status"
    ) && !field.contains("description")
}

/// Each statement read through the provider table: the text decides over the code of the
/// same source.
fn statement_matches(evidence: &Evidence) -> Vec<(String, StatementMatch)> {
    let mut out: Vec<(String, StatementMatch, Source)> = Vec::new();
    for statement in &evidence.statements {
        let found = if is_code_field(&statement.field) {
            providers::classify_code(statement.text.trim())
        } else {
            providers::classify_text(&statement.text).into_iter().next()
        };
        if let Some(m) = found {
            out.push((statement.place(), m, statement.source));
        }
    }
    // The text decides whenever the table knows it: a code of the same source is dropped.
    let has_text = |source: Source| {
        out.iter()
            .any(|(_, m, s)| *s == source && m.field == Field::Text)
    };
    let keep: Vec<bool> = out
        .iter()
        .map(|(_, m, s)| m.field == Field::Text || !has_text(*s))
        .collect();
    out.into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((place, m, _), _)| (place, m))
        .collect()
}

/// The detail code of a provider-table row; the table's test checks every row's code is in
/// the table of details, under the cause its verdict names.
fn statement_detail(m: &StatementMatch) -> Option<Detail> {
    m.detail.parse().ok()
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

fn decides(m: &StatementMatch) -> bool {
    !matches!(m.verdict, Verdict::Ambiguous { .. })
}

// --- rules 1 to 4 ----------------------------------------------------------------------------

fn rule1_client_credentials_missing(input: &Input) -> Option<RuleVerdict> {
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

fn rule2_server_statement(input: &Input) -> Option<RuleVerdict> {
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

/// The statement's own words, clipped and scrubbed of secrets.
fn quote(input: &Input, place: &str) -> String {
    let text = input
        .evidence
        .statements
        .iter()
        .find(|s| s.place() == place)
        .map(|s| s.text.as_str())
        .unwrap_or("");
    // Scrub first: a token cut by the clip would no longer look like one. The request's
    // own credentials are hidden even where no pattern knows them.
    let known = why401_redact::KnownSecrets::of(input.exchange);
    let mark = |v: &str| crate::evidence::Fingerprint::of_str(v).short();
    why401_redact::clip(&known.hide(&super::scrub(text.trim()), &mark), 160)
}

fn rule3_client_refused(input: &Input) -> Option<RuleVerdict> {
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

fn rule4_redacted(input: &Input) -> Option<RuleVerdict> {
    let ev = input.evidence;
    if let Some(credential) = ev.credential()
        && credential.is_redacted()
    {
        return Some(verdict(
            Detail::CredentialRedacted,
            Confidence::Low,
            format!(
                "the {} value was replaced by a redaction marker, so the credential cannot be judged",
                credential.place.label()
            ),
        ));
    }
    if input.prior.sanitized && ev.credential().is_none() {
        return Some(verdict(
            Detail::CredentialRedacted,
            Confidence::Low,
            "the exporter removed Authorization and Cookie headers from this capture (sanitized export), so the request's credential is unknown".into(),
        ));
    }
    None
}

// --- rule 5: credential shape ----------------------------------------------------------------

fn rule5_shape(input: &Input) -> Option<RuleVerdict> {
    if let Some(v) = cors_preflight(input) {
        return Some(v);
    }
    let ev = input.evidence;
    let medium = Confidence::Medium;
    match ev.chosen {
        Chosen::NotRecorded => return None,
        Chosen::None => return Some(no_credential(input)),
        Chosen::Index(_) => {}
    }
    let credential = ev.credential()?;
    let label = credential.place.label();
    if credential.empty {
        let line = format!("the {label} credentials are empty");
        return Some(verdict(Detail::EmptyCredentials, medium, line));
    }
    if credential.no_scheme {
        let line = format!(
            "the {label} header carries a token without a scheme (expected \"Bearer <token>\")"
        );
        return Some(verdict(Detail::NoScheme, medium, line));
    }
    if ev.scheme_offered() == Some(false) && !bearer_answered_by_basic(input) {
        let offered: Vec<String> = offered_schemes(ev);
        let line = format!(
            "the request uses scheme {} but the server offers only {}",
            credential.scheme.as_deref().unwrap_or("?"),
            offered.join(", ")
        );
        return Some(verdict(Detail::WrongScheme, medium, line));
    }
    if ev.strict_scheme_case && credential.scheme_case_differs {
        let line = format!(
            "the scheme is written \"{}\"; this API requires exactly \"Bearer\"",
            credential.scheme.as_deref().unwrap_or("?")
        );
        return Some(verdict(Detail::SchemeCase, medium, line));
    }
    None
}

fn no_credential(input: &Input) -> RuleVerdict {
    let ev = input.evidence;
    if let Some(url) = &input.prior.dropped_on_redirect {
        let line = format!(
            "curl followed a redirect from {url} to another host and dropped the Authorization header (it does so unless --location-trusted)"
        );
        return verdict(Detail::DroppedOnRedirect, Confidence::High, line);
    }
    if let Some(wrong) = ev.credentials.wrong_header() {
        let line = format!(
            "the credential was sent in a \"{}\" header; the server reads Authorization",
            wrong.place.label()
        );
        return verdict(Detail::WrongHeaderName, Confidence::Medium, line);
    }
    let mut line = "the request carried no credential: no Authorization header".to_owned();
    let beside: Vec<String> = ev.credentials.all.iter().map(|c| c.place.label()).collect();
    if !beside.is_empty() {
        line.push_str(&format!(
            " (it carried {}, which the challenged scheme does not read)",
            beside.join(", ")
        ));
    }
    verdict(Detail::NoAuthorization, Confidence::Medium, line)
}

/// Kubernetes and others answer any failure with `Basic realm` while accepting Bearer.
fn bearer_answered_by_basic(input: &Input) -> bool {
    let ev = input.evidence;
    let bearer = ev.credential().is_some_and(|c| c.scheme_is("bearer"));
    let only_basic =
        !ev.challenges.is_empty() && ev.challenges.iter().all(|c| c.is_scheme("basic"));
    bearer && only_basic
}

fn offered_schemes(ev: &Evidence) -> Vec<String> {
    ev.challenges
        .iter()
        .filter_map(|c| c.scheme.clone())
        .collect()
}

/// Browsers never send credentials on a CORS preflight: a 401 to it is the server's
/// configuration.
fn cors_preflight(input: &Input) -> Option<RuleVerdict> {
    let request = &input.exchange.request;
    let preflight = request.method.eq_ignore_ascii_case("OPTIONS")
        && request.headers.contains("access-control-request-method");
    preflight.then(|| {
        verdict(
            Detail::CorsPreflight,
            Confidence::High,
            "a CORS preflight (OPTIONS with Access-Control-Request-Method) was answered 401; browsers never send credentials on a preflight, so the server must answer it without authentication".into(),
        )
    })
}

// --- rules 6 to 10 ---------------------------------------------------------------------------

fn rule6_form(input: &Input) -> Option<RuleVerdict> {
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

fn rule7_signature(input: &Input) -> Option<RuleVerdict> {
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

fn rule8_time(input: &Input) -> Option<RuleVerdict> {
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
fn client_clock_behind(input: &Input) -> Option<String> {
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

fn rule9_environment(input: &Input) -> Option<RuleVerdict> {
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

fn rule10_scope(input: &Input) -> Option<RuleVerdict> {
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

// --- rules 11 and 12 -------------------------------------------------------------------------

fn rule11_history(input: &Input) -> Option<RuleVerdict> {
    let prior = input.prior;
    if let Some(refusal) = &prior.client_refusal {
        let line = format!(
            "the token endpoint refused this client earlier ({}{}), and this request's credential belongs to it",
            refusal.place,
            refusal
                .at
                .as_deref()
                .map(|t| format!(" at {t}"))
                .unwrap_or_default()
        );
        return Some(verdict(refusal.detail, Confidence::Medium, line));
    }
    let success = prior.earlier_success.as_ref()?;
    let scope_ok = input
        .evidence
        .scope
        .as_ref()
        .is_none_or(|s| s.satisfied == Some(true));
    if !success.same_endpoint && !scope_ok {
        return None;
    }
    if input
        .evidence
        .claim_times
        .as_ref()
        .is_some_and(|t| t.expired())
    {
        return None;
    }
    if let Some(long_lived) = input
        .evidence
        .credential()
        .and_then(|c| c.long_lived.clone())
    {
        let line = format!(
            "{} got {} earlier{} and is refused now: it was revoked or disabled in between",
            long_lived.describe(),
            success.status,
            success
                .at
                .as_deref()
                .map(|t| format!(" (at {t})"))
                .unwrap_or_default()
        );
        return Some(verdict(Detail::CredentialRevoked, Confidence::Medium, line));
    }
    let line = format!(
        "the same credential got {} earlier{} and is not expired: it was revoked in between",
        success.status,
        success
            .at
            .as_deref()
            .map(|t| format!(" (at {t})"))
            .unwrap_or_default()
    );
    Some(verdict(Detail::TokenRevoked, Confidence::Medium, line))
}

fn rule12_otherwise(input: &Input) -> Option<RuleVerdict> {
    Some(
        ruled_out(input)
            .or_else(|| login_refused(input))
            .or_else(|| challenge_without_error(input))
            .unwrap_or_else(|| unknown_verdict(input)),
    )
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

/// `unknown`, saying what is missing.
fn unknown_verdict(input: &Input) -> RuleVerdict {
    let ev = input.evidence;
    let (detail, line) = if ev.chosen == Chosen::NotRecorded {
        (Detail::CredentialNotRecorded, "the capture does not record the request's credential (a response alone, or a log without request headers); export the request too".to_owned())
    } else if ev.reference.is_none()
        && ev
            .credential()
            .and_then(|c| c.jwt())
            .is_some_and(|j| j.exp().is_some())
    {
        (Detail::NoServerTime, "the capture holds no time for this request (no Date header, no log or client time): the token's exp cannot be judged; pass --at TIME".to_owned())
    } else if let Some((place, _)) = input
        .matches
        .iter()
        .find(|(_, m)| !decides(m) || m.verdict == Verdict::TimeRange)
    {
        (
            Detail::AmbiguousStatement,
            format!(
                "{place} says \"{}\", which names several causes, and the evidence does not rule out all but one",
                quote(input, place)
            ),
        )
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
        (Detail::NoServerTime, "the capture holds no time for this request (no Date header, no log or client time): the token's exp cannot be judged; pass --at TIME".to_owned())
    } else {
        (
            Detail::NoStatement,
            "the server said nothing that names a cause, and the credential shows no defect"
                .to_owned(),
        )
    };
    verdict(detail, Confidence::Low, line)
}

// --- remediation facts -----------------------------------------------------------------------

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
    facts.offered_schemes = offered_schemes(ev);
    facts.endpoint = Some(format!(
        "{} {}",
        input.exchange.request.method,
        why401_model::url::endpoint_pattern(&input.exchange.request.url)
    ));
    facts
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
