//! Deciding the cause of each 401. A [`SourceJudge`] sees a source's exchanges in `index`
//! order (one sequential pass per source) and emits a [`Finding`] for each 401.

pub mod providers;
pub mod remediation;

use crate::finding::{Cause, Confidence, Finding, Timeline};
use crate::model::Exchange;
use crate::parse::InputStats;
use crate::redact::redact_url;
use crate::time::format_millis;

/// Everything the judgement depends on besides the capture itself.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Also report 403s that carry an authentication signal.
    pub include_403: bool,
}

/// The judgement's settings from the command line (profile, keys, times).
pub fn context_from_args(args: &crate::cli::AnalyzeArgs) -> anyhow::Result<Context> {
    Ok(Context {
        include_403: args.include_403,
    })
}

/// Judges one source's exchanges in order.
pub struct SourceJudge<'a> {
    #[allow(dead_code)] // read by the diagnosis rules
    context: &'a Context,
}

impl<'a> SourceJudge<'a> {
    pub fn new(context: &'a Context) -> SourceJudge<'a> {
        SourceJudge { context }
    }

    /// Takes the next exchange of the source; pushes the findings it can already decide.
    pub fn push(&mut self, exchange: Exchange, findings: &mut Vec<Finding>) {
        if exchange.is_unauthorized() {
            findings.push(undecided(&exchange));
        }
    }

    /// The source is complete: decides what was held back and adds input notes.
    pub fn finish(
        &mut self,
        _stats: &mut InputStats,
        _findings: &mut Vec<Finding>,
    ) -> Vec<Timeline> {
        Vec::new()
    }
}

/// The finding's skeleton: where, when, what.
pub fn base_finding(exchange: &Exchange) -> Finding {
    let time = exchange
        .client_time
        .and_then(|t| t.instant())
        .or(exchange.server_time.map(|t| t.at))
        .map(|t| format_millis(&t));
    Finding {
        source: exchange.origin.source.clone(),
        index: exchange.origin.index,
        location: exchange.origin.location.to_string(),
        time,
        method: exchange.request.method.clone(),
        url: redact_url(&exchange.request.url),
        status: exchange.status().unwrap_or(0),
        cause: Cause::Unknown,
        detail: "not_diagnosed".into(),
        confidence: Confidence::Low,
        evidence: vec!["the cause has not been decided".into()],
        credential: None,
        challenge: None,
        request_id: None,
        resolved_later: false,
        remediation: Vec::new(),
        explain: None,
    }
}

fn undecided(exchange: &Exchange) -> Finding {
    base_finding(exchange)
}
