//! Deciding the cause of each 401. A [`SourceJudge`] sees a source's exchanges in `index`
//! order (one sequential pass per source), keeps the capture's history, and emits a
//! [`Finding`] for each 401 once nothing later in the source can change it.

pub mod capture;
pub use why401_model::{details, providers};
pub mod remediation;
pub mod rules;

use std::collections::VecDeque;

use rayon::prelude::*;

use crate::evidence::{self, Evidence, EvidenceContext};
use capture::{History, LOOK_AHEAD, carries_credential, exchange_time, request_key};
use remediation::RemediationFacts;
use rules::{Decision, Input, Prior};
use why401_model::advice::{ApiFacts, SourceKind};
use why401_model::exchange::{Exchange, ExchangeNote};
use why401_model::finding::{Cause, Confidence, Explain, Finding, Timeline};
use why401_model::input::{Format, InputStats};
use why401_model::time::format_millis;
use why401_redact::{KnownSecrets, clip, printable_method, printable_version, redact_url};

/// Everything the judgement depends on besides the capture itself.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub evidence: EvidenceContext,
    /// Also report 403s that carry an authentication signal.
    pub include_403: bool,
    /// Build each finding's explanation (`--explain`); costly, so only when asked.
    pub explain: bool,
}

/// A 401 waiting for the look-ahead (or, in a HAR that may be sanitized, the end).
struct Pending {
    exchange: Box<Exchange>,
    evidence: Box<Evidence>,
    prior: Prior,
    key: String,
    had_credential: bool,
    dpop_nonce: bool,
    resolved_later: bool,
    retry: Option<String>,
    left: usize,
}

/// Held 401s decided in one parallel batch: deciding one (rules, scrubbing the finding)
/// costs more than reading it, and the decisions are independent once the history is known.
const DECIDE_BATCH: usize = 64;

/// Exchanges whose evidence is gathered in one parallel batch before they enter the history
/// in order: in a log where most lines are 401s, gathering evidence (reading credentials,
/// decoding tokens, classifying statements) is most of the work, and it depends on the
/// exchange alone, never on the history.
const GATHER_BATCH: usize = 64;

/// Judges one source's exchanges in order.
pub struct SourceJudge<'a> {
    context: &'a Context,
    /// What kind of capture the source is, for the advice on collecting a better one.
    source: SourceKind,
    history: History,
    pending: VecDeque<Pending>,
    /// 401s seen: a "possibly sanitized" note matters only where a 401 was.
    unauthorized: u64,
    /// Held 401s whose look-ahead has passed, decided together (in parallel, in order).
    decided: Vec<Pending>,
    /// Exchanges taken but not yet in the history, waiting for their evidence.
    incoming: Vec<Exchange>,
}

impl<'a> SourceJudge<'a> {
    pub fn new(context: &'a Context) -> SourceJudge<'a> {
        SourceJudge {
            context,
            source: SourceKind::Unknown,
            history: History::default(),
            pending: VecDeque::new(),
            unauthorized: 0,
            decided: Vec::new(),
            incoming: Vec::new(),
        }
    }

    /// The source's format, for advice that fits it (a HAR is exported again, logs are
    /// configured, a ticket asks the customer).
    pub fn reading(mut self, format: Format) -> SourceJudge<'a> {
        self.source = SourceKind::of(format);
        self
    }

    /// Takes the next exchange of the source; pushes the findings it can already decide.
    pub fn push(&mut self, exchange: Exchange, findings: &mut Vec<Finding>) {
        self.incoming.push(exchange);
        if self.incoming.len() >= GATHER_BATCH {
            self.take_incoming(findings);
        }
    }

    /// Gathers the evidence of the waiting exchanges (in parallel when two or more need
    /// it), then takes them into the history one by one, in order.
    fn take_incoming(&mut self, findings: &mut Vec<Finding>) {
        let context = self.context;
        let needing = self
            .incoming
            .iter()
            .filter(|e| needs_evidence(e, context))
            .count();
        let gather = |exchange: Exchange| {
            let evidence = needs_evidence(&exchange, context)
                .then(|| evidence::gather(&exchange, &context.evidence));
            (exchange, evidence)
        };
        let gathered: Vec<(Exchange, Option<Evidence>)> = if needing > 1 {
            self.incoming.par_drain(..).map(gather).collect()
        } else {
            self.incoming.drain(..).map(gather).collect()
        };
        for (exchange, evidence) in gathered {
            self.take(exchange, evidence, findings);
        }
    }

    /// One exchange into the history, in order, with its evidence if it may be judged.
    fn take(
        &mut self,
        exchange: Exchange,
        evidence: Option<Evidence>,
        findings: &mut Vec<Finding>,
    ) {
        self.look_back(&exchange);
        let ctx = &self.context.evidence;
        if exchange.is_unauthorized() {
            self.unauthorized += 1;
        }
        let judged = evidence.filter(|ev| exchange.is_unauthorized() || auth_signal(ev));
        if let Some(evidence) = judged {
            let prior = self.history.prior(&exchange, &evidence);
            self.history.record(&exchange, Some(&evidence), ctx);
            self.pending.push_back(pending(exchange, evidence, prior));
        } else {
            self.history.record(&exchange, None, ctx);
        }
        self.release(findings, false);
    }

    /// The source is complete: decides what was held back, adds input notes, and returns
    /// the credentials' timelines.
    pub fn finish(&mut self, stats: &mut InputStats, findings: &mut Vec<Finding>) -> Vec<Timeline> {
        self.take_incoming(findings);
        let sanitized = self.note_sanitized(stats);
        self.history.note_limits(stats);
        for p in self.pending.iter_mut() {
            p.prior.sanitized |= sanitized;
        }
        self.release(findings, true);
        self.history.timelines()
    }

    /// A later exchange may resolve a held 401's handshake or show the client's retry.
    fn look_back(&mut self, exchange: &Exchange) {
        if self.pending.is_empty() {
            return;
        }
        let status = exchange.status().unwrap_or(0);
        let success = (200..300).contains(&status) || status == 304;
        let key = request_key(exchange);
        let carries = carries_credential(exchange);
        for p in self.pending.iter_mut() {
            p.left = p.left.saturating_sub(1);
            if !success || p.key != key {
                continue;
            }
            let nonce_answered = p.dpop_nonce && exchange.request.headers.contains("dpop");
            if nonce_answered || (!p.had_credential && carries) {
                p.resolved_later = true;
            } else if p.had_credential && carries && p.retry.is_none() {
                let at = exchange_time(exchange).map(|t| format!(" at {}", format_millis(&t)));
                p.retry = Some(format!(
                    "the client retried{} and got {status}",
                    at.unwrap_or_default()
                ));
            }
        }
    }

    /// Emits the held 401s whose look-ahead has passed (all of them at the end). In an
    /// export that may still turn out sanitized, nothing is emitted before the end.
    fn release(&mut self, findings: &mut Vec<Finding>, all: bool) {
        let signs = &self.history.signs;
        let hold = !all && signs.export_may_strip && !signs.credential_header_seen;
        while let Some(front) = self.pending.front() {
            if hold || (!all && front.left > 0) {
                break;
            }
            if let Some(p) = self.pending.pop_front() {
                self.decided.push(p);
            }
        }
        if all || self.decided.len() >= DECIDE_BATCH {
            let batch = std::mem::take(&mut self.decided);
            let (context, source) = (self.context, self.source);
            findings.par_extend(batch.into_par_iter().map(|p| judge(p, context, source)));
        }
    }

    /// The signs of a sanitized capture, as notes on the input.
    fn note_sanitized(&self, stats: &mut InputStats) -> bool {
        const ADVICE: &str = "Authorization and Cookie headers were removed by the exporter; in Chrome or Edge DevTools enable Settings → Preferences → Network → \"Allow to generate HAR with sensitive data\" and use \"Export HAR (with sensitive data)\"";
        let signs = &self.history.signs;
        match signs.stripped_by_exporter(stats.strips_credentials) {
            Some(true) => {
                stats.note("sanitized_export", ADVICE);
                return true;
            }
            Some(false) if self.unauthorized > 0 => stats.note(
                "possibly_sanitized",
                format!("no request in this Chromium export carries credentials; if the client sent any, {ADVICE}"),
            ),
            _ => {}
        }
        if signs.marker_seen {
            stats.note(
                "sanitized_export",
                "credential values were replaced by redaction markers; to judge them, capture the request with its credentials (export HAR with sensitive data, or enable credential logging for the test)",
            );
        }
        false
    }
}

fn pending(exchange: Exchange, evidence: Evidence, prior: Prior) -> Pending {
    let dpop_nonce = evidence
        .challenges
        .iter()
        .any(|c| c.error() == Some("use_dpop_nonce"));
    Pending {
        key: request_key(&exchange),
        had_credential: evidence.credential().is_some(),
        dpop_nonce,
        resolved_later: false,
        retry: None,
        left: LOOK_AHEAD,
        exchange: Box::new(exchange),
        evidence: Box::new(evidence),
        prior,
    }
}

/// Whether an exchange may be judged, so its evidence is gathered: a 401, or with
/// `--include-403` a 403 (judged when its evidence has an authentication signal).
fn needs_evidence(exchange: &Exchange, context: &Context) -> bool {
    match exchange.status() {
        Some(401) => true,
        Some(403) => context.include_403,
        _ => false,
    }
}

/// A 403 worth reporting with `--include-403`: it speaks of scope or audience.
fn auth_signal(evidence: &Evidence) -> bool {
    evidence
        .challenges
        .iter()
        .any(|c| c.error() == Some("insufficient_scope"))
        || evidence.statements.iter().any(|s| {
            let text = s.text.to_ascii_lowercase();
            text.contains("scope") || text.contains("audience")
        })
}

/// Decides one held 401 and builds its finding.
fn judge(mut p: Pending, context: &Context, source: SourceKind) -> Finding {
    p.prior.dpop_nonce_answered = p.dpop_nonce && p.resolved_later;
    let input = Input::new(&p.exchange, &p.evidence, &p.prior);
    let mut decision = rules::decide(&input);
    if let Some(retry) = &p.retry {
        decision.evidence.push(retry.clone());
    }
    if p.resolved_later && !p.dpop_nonce {
        decision.evidence.push(
            "a later request to the same endpoint with credentials succeeded: a normal challenge, resolved later".into(),
        );
    }
    if p.evidence
        .credential()
        .is_some_and(|c| !matches!(c.place, evidence::credential::Place::Authorization))
        && p.evidence
            .credential()
            .is_some_and(|c| c.place.is_param("access_token"))
    {
        decision
            .evidence
            .push("note: the token was sent as an access_token parameter, not in Authorization; judged like a header token".into());
    }
    decision.facts.source = source;
    decision.facts.api = api_facts(&p, context);
    finding(&p, decision, context.explain)
}

/// The API's own facts for the advice: the profile's `[advice]`, else a known provider's.
fn api_facts(p: &Pending, context: &Context) -> ApiFacts {
    let credential = p.evidence.credential();
    let token_kind = credential.and_then(|c| match &c.long_lived {
        Some(evidence::credential::LongLived::PersonalToken(kind)) => Some(*kind),
        _ => None,
    });
    let clues = remediation::api::ApiClues {
        url: &p.exchange.request.url,
        issuer: credential.and_then(|c| c.jwt()).and_then(|j| j.iss()),
        token_kind,
    };
    let profile = context.evidence.profile.as_ref().map(|p| &p.advice);
    remediation::api::facts(profile, clues)
}

fn finding(p: &Pending, decision: Decision, with_explanation: bool) -> Finding {
    let ev = &p.evidence;
    let known = KnownSecrets::of(&p.exchange);
    let mark = secret_mark;
    let hide = |text: &str| known.hide(&scrub(text), &mark);
    let facts = hidden_facts(&decision.facts, &hide);
    let remediation = remediation::steps(decision.detail, &facts);
    let mut finding = base_finding(&p.exchange);
    finding.method = printable_method(&finding.method).to_owned();
    finding.cause = decision.cause();
    finding.detail = decision.detail.as_str().to_owned();
    finding.confidence = decision.confidence;
    // A 401 known only from a sentence, or inferred from a statement, is never certain.
    let status_unstated = p.exchange.notes.iter().any(|n| {
        matches!(
            n,
            ExchangeNote::StatusFromProse | ExchangeNote::StatusInferred
        )
    });
    if status_unstated {
        finding.confidence = finding.confidence.min(Confidence::Medium);
    }
    finding.evidence = decision.evidence.iter().map(|e| hide(e)).collect();
    finding.credential = Some(ev.credential_summary()).map(|mut c| {
        c.user = c.user.map(|user| hide(&user));
        c
    });
    finding.challenge = ev.challenge_summary().map(|mut c| {
        c.params.values_mut().for_each(|v| *v = hide(v));
        c
    });
    finding.request_id = ev.request_id.as_ref().map(|r| hide(&r.value));
    finding.resolved_later = p.resolved_later;
    finding.remediation = remediation;
    finding.facts = Some(Box::new(facts));
    if with_explanation {
        finding.explain = Some(Box::new(explain(p, &decision)));
    }
    finding
}

/// The facts as a finding keeps them (partial reports carry them): every captured text
/// scrubbed like the evidence, so a token in a URL path or a claim never travels with them.
fn hidden_facts(facts: &RemediationFacts, hide: &dyn Fn(&str) -> String) -> RemediationFacts {
    let text = |t: &Option<String>| t.as_deref().map(hide);
    let all = |list: &[String]| list.iter().map(|t| hide(t)).collect();
    RemediationFacts {
        token_environment: text(&facts.token_environment),
        request_environment: text(&facts.request_environment),
        header_name: text(&facts.header_name),
        endpoint: text(&facts.endpoint),
        probe_url: text(&facts.probe_url),
        contradiction: text(&facts.contradiction),
        required_scopes: all(&facts.required_scopes),
        granted_scopes: all(&facts.granted_scopes),
        offered_schemes: all(&facts.offered_schemes),
        ..facts.clone()
    }
}

/// The most characters of the response body `--explain` shows: enough for an error page's
/// message, short enough to stay on one screen.
const BODY_EXCERPT_CHARS: usize = 500;

fn explain(p: &Pending, decision: &Decision) -> Explain {
    let request = &p.exchange.request;
    let ev = &p.evidence;
    // Scrub first, then hide what the request carried; clip last, or a cut secret would
    // no longer match.
    let known = KnownSecrets::of(&p.exchange);
    let mark = secret_mark;
    let hide = |text: &str| known.hide(&scrub(text), &mark);
    Explain {
        request_line: format!(
            "{} {} {}",
            printable_method(&request.method),
            redact_url(&request.url),
            printable_version(&request.http_version)
        )
        .trim()
        .to_owned(),
        credentials: ev
            .credentials
            .all
            .iter()
            .map(|c| {
                let s = c.summary();
                format!(
                    "{}: {}{} {}",
                    s.header.unwrap_or_default(),
                    s.scheme.map(|x| format!("{x} ")).unwrap_or_default(),
                    s.kind.as_str(),
                    s.fingerprint.unwrap_or_default()
                )
            })
            .collect(),
        challenges: ev
            .challenges
            .iter()
            .map(|c| {
                let params: Vec<String> = c
                    .params
                    .iter()
                    .map(|(k, v)| format!("{k}=\"{v}\""))
                    .collect();
                hide(&format!(
                    "{} {}",
                    c.scheme.as_deref().unwrap_or("(no scheme)"),
                    params.join(", ")
                ))
            })
            .collect(),
        body_excerpt: p
            .exchange
            .response
            .as_ref()
            .and_then(|r| r.body.as_ref())
            .filter(|b| !b.text.trim().is_empty())
            .map(|b| clip(&hide(b.text.trim()), BODY_EXCERPT_CHARS)),
        rule: format!("rule {}", decision.rule),
        considered: decision.considered.clone(),
    }
}

pub use why401_redact::{scrub, secret_mark};

/// The finding's skeleton: where, when, what.
pub fn base_finding(exchange: &Exchange) -> Finding {
    let time = exchange_time(exchange).map(|t| format_millis(&t));
    Finding {
        number: 0,
        source: exchange.origin.source.clone(),
        index: exchange.origin.index,
        location: exchange.origin.location.to_string(),
        time,
        method: exchange.request.method.clone(),
        url: redact_url(&exchange.request.url),
        status: exchange.status().unwrap_or(0),
        cause: Cause::Unknown,
        detail: "no_statement".into(),
        confidence: Confidence::Low,
        evidence: Vec::new(),
        credential: None,
        challenge: None,
        request_id: None,
        resolved_later: false,
        remediation: Vec::new(),
        status_inferred: exchange.notes.contains(&ExchangeNote::StatusInferred),
        explain: None,
        facts: None,
    }
}

#[cfg(test)]
mod known_secret_tests {
    use super::*;
    use why401_model::exchange::{Body, Location, Request, Response};

    /// A server echoes the Basic password with no word that says secret: no pattern can
    /// tell, but the request's own credential is hidden from evidence, challenge and body.
    #[test]
    fn a_credential_echoed_without_a_keyword_is_hidden_everywhere() {
        let password = "13IfWGCF0josoMg6"; // Basic value of fleet-app:13IfWGCF0josoMg6
        let mut request = Request::recorded("GET", "https://api.example.com/v2/firmware");
        request.headers.push(
            "Authorization",
            "Basic ZmxlZXQtYXBwOjEzSWZXR0NGMGpvc29NZzY=",
        );
        let mut response = Response::new(401);
        response.headers.push(
            "WWW-Authenticate",
            format!("Basic realm=\"fw\", error_description=\"{password} refused\""),
        );
        response.body = Some(Body::from_text(&format!(
            "{{\"message\": \"fleet-app / {password} rejected\"}}"
        )));
        let mut exchange = Exchange::new(Location::Line(1), request);
        exchange.response = Some(response);

        let context = Context {
            explain: true,
            ..Context::default()
        };
        let mut judge = SourceJudge::new(&context);
        let mut findings = Vec::new();
        judge.push(exchange, &mut findings);
        let mut stats = InputStats::new("t".into(), why401_model::input::Format::Http);
        judge.finish(&mut stats, &mut findings);

        assert_eq!(findings.len(), 1);
        let shown = format!("{:?}", findings[0]);
        assert!(shown.contains("fleet-app / fp_"), "{shown}");
        assert!(!shown.contains(password), "{shown}");
    }
}
