//! Writers of the report. They take the run's results and write one format; the engine knows
//! nothing about printing.

pub mod json;
pub mod text;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::{Cause, Finding};
use crate::pipeline::SourceOutput;

pub const SCHEMA: &str = "why401/report/v1";

/// Counts over the whole run (every 401 read, whatever filters narrow the findings).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub inputs: u64,
    pub exchanges: u64,
    pub unauthorized: u64,
    pub resolved_later: u64,
    /// All seven cause ids, in their fixed order, summing to `unauthorized`.
    pub by_cause: serde_json::Map<String, serde_json::Value>,
    pub by_host: BTreeMap<String, u64>,
    pub by_fingerprint: BTreeMap<String, u64>,
}

impl Summary {
    pub fn of(outputs: &[SourceOutput]) -> Summary {
        let mut counts: BTreeMap<Cause, u64> = Cause::ALL.iter().map(|&c| (c, 0)).collect();
        let mut by_host = BTreeMap::new();
        let mut by_fingerprint = BTreeMap::new();
        let mut resolved_later = 0;
        for finding in unauthorized_findings(outputs) {
            *counts.entry(finding.cause).or_default() += 1;
            if finding.resolved_later {
                resolved_later += 1;
            }
            if let Some(host) = host_of(&finding.url) {
                *by_host.entry(host.to_owned()).or_default() += 1;
            }
            if let Some(fp) = finding
                .credential
                .as_ref()
                .and_then(|c| c.fingerprint.as_ref())
            {
                *by_fingerprint.entry(fp.clone()).or_default() += 1;
            }
        }
        let by_cause = Cause::ALL
            .iter()
            .map(|c| (c.id().to_owned(), serde_json::Value::from(counts[c])))
            .collect();
        Summary {
            inputs: outputs.len() as u64,
            exchanges: outputs.iter().map(|o| o.stats.exchanges).sum(),
            unauthorized: outputs.iter().map(|o| o.stats.unauthorized).sum(),
            resolved_later,
            by_cause,
            by_host,
            by_fingerprint,
        }
    }

    pub fn cause_count(&self, cause: Cause) -> u64 {
        self.by_cause
            .get(cause.id())
            .and_then(|v| v.as_u64())
            .unwrap_or(0)
    }
}

/// Every status-401 finding, sources in name order, then index order.
pub fn unauthorized_findings(outputs: &[SourceOutput]) -> impl Iterator<Item = &Finding> {
    outputs
        .iter()
        .flat_map(|o| o.findings.iter())
        .filter(|f| f.status == 401)
}

/// The host of an absolute URL, without port or user info.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if authority.starts_with('[') {
        authority.split(']').next().map(|h| &h[1..])?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://api.example.com:8443/v2?x=1"),
            Some("api.example.com")
        );
        assert_eq!(host_of("http://u@h/x"), Some("h"));
        assert_eq!(host_of("/v2/devices"), None);
    }
}
