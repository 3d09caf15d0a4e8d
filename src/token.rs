//! `why401 token`: one token, inspected exactly as `analyze` inspects the credential of a
//! request — the same evidence code reads it from a request built around it — and told as
//! its kind, fingerprint, header and non-identity claims, times against a stated clock,
//! signature, and the problems found. The token itself is never printed.

use std::io::{self, IsTerminal, Read, Write};

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::{TokenArgs, TokenFormatArg};
use crate::config::evidence_context;
use crate::evidence::credential::is_known_scheme;
use crate::evidence::reftime::{TimeCheck, format_duration};
use crate::evidence::{self, Evidence, EvidenceContext, SignatureStatus};
use crate::finding::{CredentialKind, CredentialSummary};
use crate::model::{Exchange, Headers, Location, Request};
use crate::redact::escape_control;
use crate::time::format_seconds;
use why401_model::details::Detail;

/// A pasted token is one line of at most a few kilobytes; more is not a token.
const MAX_TOKEN_BYTES: u64 = 64 * 1024;

/// What `token` reports (`-f json` writes it as is).
#[derive(Debug, Serialize)]
pub struct TokenReport {
    pub schema: &'static str,
    pub clock: Clock,
    pub credential: CredentialSummary,
    /// What kind of long-lived secret it is, when it is one ("a personal token (ghp_...)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_lived: Option<String>,
    /// `exp`, `nbf`, `iat` against the clock.
    pub times: Vec<ClaimTime>,
    /// `exp − iat`, when both are claimed.
    pub lifetime_seconds: Option<i64>,
    /// `exp − clock` (negative: expired that long ago).
    pub remaining_seconds: Option<i64>,
    pub signature: Signature,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    pub problems: Vec<Problem>,
}

/// The time the claims were judged against, and where it came from.
#[derive(Debug, Serialize)]
pub struct Clock {
    pub at: String,
    /// `now` (this machine's clock) or `--at`.
    pub source: &'static str,
    pub leeway_seconds: i64,
}

#[derive(Debug, Serialize)]
pub struct ClaimTime {
    pub claim: &'static str,
    pub at: String,
    /// Claim minus clock: negative is in the past.
    pub seconds_from_clock: i64,
}

#[derive(Debug, Serialize)]
pub struct Signature {
    /// `verified`, `signature_invalid`, `alg_none` or `not_checked`.
    pub status: &'static str,
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub struct Scope {
    pub endpoint: String,
    pub accepted: Vec<String>,
    pub token_scopes: Option<Vec<String>>,
    pub satisfied: Option<bool>,
}

/// A problem, named by the detail code `analyze` would give a 401 it caused.
#[derive(Debug, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub message: String,
}

/// Runs `why401 token`; returns the exit status.
pub fn run(args: &TokenArgs) -> anyhow::Result<u8> {
    let mut ctx = evidence_context(&args.evidence)?;
    let clock_source = if ctx.at.is_some() { "--at" } else { "now" };
    let clock = *ctx.at.get_or_insert_with(Utc::now);
    let pasted = read_token(args.token.as_deref())?;
    let exchange = request_with(&pasted, args.url.as_deref(), &args.method);
    let evidence = evidence::gather(&exchange, &ctx);
    let report = report_of(&evidence, &ctx, clock, clock_source);
    let mut out = io::stdout().lock();
    match args.format {
        TokenFormatArg::Text => write_text(&mut out, &report)?,
        TokenFormatArg::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
    }
    Ok(u8::from(!report.problems.is_empty()))
}

/// The token from the argument, or from stdin when there is none (or `-`), with the line
/// break a paste or `echo` adds removed. Whitespace inside stays: it is a defect to report.
fn read_token(argument: Option<&str>) -> anyhow::Result<String> {
    let text = match argument {
        Some(token) if token != "-" => token.to_owned(),
        _ => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                eprintln!("why401: paste the token, then press Ctrl-D");
            }
            let mut bytes = Vec::new();
            stdin
                .lock()
                .take(MAX_TOKEN_BYTES + 1)
                .read_to_end(&mut bytes)
                .context("cannot read the token from stdin")?;
            if bytes.len() as u64 > MAX_TOKEN_BYTES {
                bail!("the input is longer than {MAX_TOKEN_BYTES} bytes: not one token");
            }
            String::from_utf8(bytes).context("the token is not UTF-8 text")?
        }
    };
    let token = text.trim_matches(['\r', '\n']).trim_matches([' ', '\t']);
    if token.is_empty() {
        bail!("no token given: pass it as an argument or on stdin");
    }
    Ok(token.to_owned())
}

/// A request carrying the pasted credential: `Authorization: <as pasted>` when it names a
/// header or starts with a scheme, `Authorization: Bearer <token>` otherwise.
fn request_with(pasted: &str, url: Option<&str>, method: &str) -> Exchange {
    let mut headers = Headers::default();
    let (name, value) = match pasted.split_once(':') {
        Some((name, value)) if is_header_name(name) => (name.trim(), value.trim()),
        _ => ("Authorization", pasted),
    };
    let value = if starts_with_scheme(value) || !name.eq_ignore_ascii_case("authorization") {
        value.to_owned()
    } else {
        format!("Bearer {value}")
    };
    headers.push(name, value);
    let mut request = Request::recorded(method.to_ascii_uppercase(), url.unwrap_or_default());
    request.headers = headers;
    Exchange::new(Location::Line(1), request)
}

/// `Authorization`, `X-Api-Key`: a header name, not the start of a token.
fn is_header_name(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text.len() <= 64
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && text.chars().any(|c| c.is_ascii_alphabetic())
        && !is_known_scheme(text)
        && text.contains(|c: char| c == '-' || c.is_ascii_uppercase())
}

fn starts_with_scheme(value: &str) -> bool {
    value
        .split_once(' ')
        .is_some_and(|(first, rest)| is_known_scheme(first) && !rest.trim().is_empty())
        || is_known_scheme(value)
}

fn report_of(
    evidence: &Evidence,
    ctx: &EvidenceContext,
    clock: DateTime<Utc>,
    clock_source: &'static str,
) -> TokenReport {
    let mut credential = evidence.credential_summary();
    // Identity claims stay out of reports: the subject is a person or a client.
    if let Some(claims) = credential.claims.as_mut() {
        claims.sub = None;
    }
    let times = claim_times(evidence);
    let exp = times.iter().find(|t| t.claim == "exp");
    let iat = times.iter().find(|t| t.claim == "iat");
    TokenReport {
        schema: "why401/token/v1",
        clock: Clock {
            at: format_seconds(&clock),
            source: clock_source,
            leeway_seconds: ctx.leeway,
        },
        credential,
        long_lived: evidence
            .credential()
            .and_then(|c| c.long_lived.as_ref())
            .map(|l| l.describe()),
        lifetime_seconds: exp
            .zip(iat)
            .map(|(e, i)| e.seconds_from_clock - i.seconds_from_clock),
        remaining_seconds: exp.map(|e| e.seconds_from_clock),
        times,
        signature: signature_of(evidence),
        scope: scope_of(evidence),
        problems: problems_of(evidence),
    }
}

fn claim_times(evidence: &Evidence) -> Vec<ClaimTime> {
    let Some(times) = &evidence.claim_times else {
        return Vec::new();
    };
    [&times.exp, &times.nbf, &times.iat]
        .into_iter()
        .flatten()
        .map(|check| ClaimTime {
            claim: check.claim,
            at: format_seconds(&check.at),
            seconds_from_clock: check.delta_seconds,
        })
        .collect()
}

fn signature_of(evidence: &Evidence) -> Signature {
    match evidence.credential() {
        Some(credential) => Signature {
            status: credential.signature.as_str(),
            detail: credential.signature.describe(),
        },
        None => Signature {
            status: "not_checked",
            detail: "no credential".into(),
        },
    }
}

fn scope_of(evidence: &Evidence) -> Option<Scope> {
    let check = evidence.scope.as_ref()?;
    Some(Scope {
        endpoint: format!("{} {}", check.rule.method, check.rule.path),
        accepted: check.rule.any_of.clone(),
        token_scopes: check.token_scopes.clone(),
        satisfied: check.satisfied,
    })
}

/// Every problem found, in the order the decision rules weigh them.
fn problems_of(evidence: &Evidence) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut add = |detail: Detail, message: String| {
        problems.push(Problem {
            code: detail.as_str(),
            message,
        })
    };
    let Some(credential) = evidence.credential() else {
        add(Detail::NoAuthorization, "no credential was read".into());
        return problems;
    };
    if credential.empty {
        add(
            Detail::EmptyCredentials,
            "nothing usable: the value is empty".into(),
        );
    }
    if let Some(damage) = credential.token.as_ref().and_then(|t| t.damage) {
        add(damage.detail(), damage.describe());
    }
    match &credential.signature {
        SignatureStatus::Invalid(_) => {
            add(Detail::SignatureInvalid, credential.signature.describe())
        }
        SignatureStatus::AlgNone => add(Detail::AlgNone, credential.signature.describe()),
        _ => {}
    }
    if let Some(times) = &evidence.claim_times {
        let judged = [
            (times.expired(), &times.exp),
            (times.nbf_in_future(), &times.nbf),
            (times.iat_in_future(), &times.iat),
        ];
        for (failed, check) in judged {
            if let (true, Some(check)) = (failed, check) {
                let (code, message) = time_problem(check);
                add(code, message);
            }
        }
    }
    if let Some(wrong) = &evidence.wrong_environment {
        add(Detail::WrongEnvironment, wrong.evidence.clone());
    }
    if let Some(scope) = evidence
        .scope
        .as_ref()
        .filter(|s| s.satisfied == Some(false))
    {
        add(
            Detail::ScopeNotGranted,
            format!(
                "{} {} accepts {}; the token has none of them",
                scope.rule.method,
                scope.rule.path,
                scope.rule.any_of.join(" or ")
            ),
        );
    }
    problems
}

/// A claim time past the leeway, told against the clock the report names.
fn time_problem(check: &TimeCheck) -> (Detail, String) {
    let at = format_seconds(&check.at);
    let distance = format_duration(check.delta_seconds);
    match check.claim {
        "exp" => (
            Detail::JwtExpPassed,
            format!("expired {distance} before the clock (exp {at}): get a new token"),
        ),
        "nbf" => (
            Detail::NbfInFuture,
            format!(
                "not valid before {at}, {distance} after the clock: one of the two clocks is wrong"
            ),
        ),
        _ => (
            Detail::IatInFuture,
            format!("issued at {at}, {distance} after the clock: one of the two clocks is wrong"),
        ),
    }
}

fn write_text(out: &mut dyn Write, report: &TokenReport) -> io::Result<()> {
    let credential = &report.credential;
    let kind = credential.kind.as_str();
    let fingerprint = credential
        .fingerprint
        .as_deref()
        .unwrap_or("no fingerprint");
    let sent_as = [credential.header.as_deref(), credential.scheme.as_deref()]
        .into_iter()
        .flatten()
        .map(escape_control)
        .collect::<Vec<_>>()
        .join(": ");
    let what = report
        .long_lived
        .as_deref()
        .map_or(String::new(), |l| format!(", {l}"));
    writeln!(
        out,
        "token      {kind} {fingerprint} (sent as {sent_as}{what})"
    )?;
    if let Some(user) = &credential.user {
        writeln!(out, "user       {}", escape_control(user))?;
    }
    write_claims(out, credential)?;
    writeln!(
        out,
        "clock      {} ({}, leeway {}s)",
        report.clock.at,
        clock_words(report.clock.source),
        report.clock.leeway_seconds
    )?;
    for time in &report.times {
        writeln!(
            out,
            "{:<10} {} ({})",
            time.claim,
            time.at,
            relative(time.seconds_from_clock)
        )?;
    }
    if let Some(lifetime) = report.lifetime_seconds {
        writeln!(out, "lifetime   {}", format_duration(lifetime.abs()))?;
    }
    if credential.kind == CredentialKind::Jwt {
        writeln!(
            out,
            "signature  {}",
            escape_control(&report.signature.detail)
        )?;
    }
    if let Some(scope) = &report.scope {
        let has = scope
            .token_scopes
            .as_ref()
            .map_or("none shown".to_owned(), |s| s.join(" "));
        writeln!(
            out,
            "scope      {} accepts {}; the token has {}",
            escape_control(&scope.endpoint),
            escape_control(&scope.accepted.join(" or ")),
            escape_control(&has)
        )?;
    }
    write_problems(out, report)
}

fn write_claims(out: &mut dyn Write, credential: &CredentialSummary) -> io::Result<()> {
    let Some(claims) = &credential.claims else {
        if credential.kind == CredentialKind::Opaque {
            writeln!(
                out,
                "claims     none: an opaque token; only its issuer can say whether it is valid"
            )?;
        }
        return Ok(());
    };
    let header: Vec<String> = [
        ("alg", &claims.alg),
        ("typ", &claims.typ),
        ("kid", &claims.kid),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v}")))
    .collect();
    if !header.is_empty() {
        writeln!(out, "header     {}", escape_control(&header.join(", ")))?;
    }
    if let Some(iss) = &claims.iss {
        writeln!(out, "iss        {}", escape_control(iss))?;
    }
    if let Some(aud) = &claims.aud {
        let aud = match aud {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        writeln!(out, "aud        {}", escape_control(&aud))?;
    }
    if let Some(scope) = &claims.scope {
        writeln!(out, "scopes     {}", escape_control(&scope.join(" ")))?;
    }
    Ok(())
}

fn write_problems(out: &mut dyn Write, report: &TokenReport) -> io::Result<()> {
    if report.problems.is_empty() {
        return writeln!(out, "problems   none found");
    }
    writeln!(out, "problems")?;
    for problem in &report.problems {
        writeln!(
            out,
            "  {}: {}",
            problem.code,
            escape_control(&problem.message)
        )?;
    }
    Ok(())
}

fn clock_words(source: &str) -> &'static str {
    if source == "now" {
        "this machine's clock now; pass --at to judge at another time"
    } else {
        "--at"
    }
}

fn relative(seconds: i64) -> String {
    match seconds {
        0 => "at the clock".into(),
        s if s < 0 => format!("{} ago", format_duration(-s)),
        s => format!("in {}", format_duration(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authorization(pasted: &str) -> String {
        let exchange = request_with(pasted, None, "get");
        let header = &exchange.request.headers;
        header
            .iter()
            .map(|h| format!("{}: {}", h.name, h.value))
            .collect()
    }

    #[test]
    fn a_bare_token_is_sent_as_bearer() {
        assert_eq!(
            authorization("abc.def.ghi"),
            "Authorization: Bearer abc.def.ghi"
        );
    }

    #[test]
    fn a_scheme_or_a_header_name_is_kept_as_pasted() {
        assert_eq!(
            authorization("Basic dXNlcjpwdw=="),
            "Authorization: Basic dXNlcjpwdw=="
        );
        assert_eq!(authorization("bearer abc"), "Authorization: bearer abc");
        assert_eq!(
            authorization("Authorization: Bearer abc"),
            "Authorization: Bearer abc"
        );
        assert_eq!(authorization("X-Api-Key: k_123"), "X-Api-Key: k_123");
    }

    #[test]
    fn a_colon_inside_a_token_is_not_a_header() {
        // `user:password` pasted bare is a token, not a header named `user`.
        assert_eq!(
            authorization("user:password"),
            "Authorization: Bearer user:password"
        );
    }

    #[test]
    fn durations_read_as_past_or_future() {
        assert_eq!(relative(-90), "1m30s ago");
        assert_eq!(relative(3600), "in 1h00m");
    }
}
