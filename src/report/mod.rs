//! Writers of the report. They take the run's results and write one format; the engine knows
//! nothing about printing. Filters narrow the findings shown, never the summary's counts.

pub mod csv;
pub mod json;
pub mod markdown;
pub mod text;

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::finding::{Cause, ChallengeSummary, Finding, Timeline};
use crate::parse::InputStats;
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
            if let Some(fp) = fingerprint_of(finding) {
                *by_fingerprint.entry(fp.to_owned()).or_default() += 1;
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

/// Which findings a report shows.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub causes: Option<Vec<Cause>>,
    /// A host, or a pattern with `*` wildcards (`*.example.com`).
    pub host: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl Filters {
    pub fn keeps(&self, finding: &Finding) -> bool {
        if let Some(causes) = &self.causes
            && !causes.contains(&finding.cause)
        {
            return false;
        }
        if let Some(pattern) = &self.host
            && !host_of(&finding.url).is_some_and(|h| wildcard_match(pattern, h))
        {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(time) = finding_time(finding) else {
                return false;
            };
            if self.since.is_some_and(|s| time < s) || self.until.is_some_and(|u| time > u) {
                return false;
            }
        }
        true
    }
}

/// How writers for people present the report.
#[derive(Debug, Clone, Copy)]
pub struct Presentation {
    pub color: bool,
    /// `-v`: every finding with its evidence.
    pub verbose: bool,
    /// `--explain N`: finding `#N` in full.
    pub explain: Option<usize>,
    /// At most this many findings are listed one by one (text and Markdown).
    pub max_detail: usize,
}

impl Default for Presentation {
    fn default() -> Presentation {
        Presentation {
            color: false,
            verbose: false,
            explain: None,
            max_detail: 10_000,
        }
    }
}

/// What a writer gets: the inputs, the summary, the findings that passed the filters (in
/// report order), and the credential timelines.
pub struct View<'a> {
    pub inputs: Vec<&'a InputStats>,
    pub summary: &'a Summary,
    pub findings: Vec<&'a Finding>,
    pub timelines: Vec<&'a Timeline>,
}

impl<'a> View<'a> {
    pub fn new(outputs: &'a [SourceOutput], summary: &'a Summary, filters: &Filters) -> View<'a> {
        View {
            inputs: outputs.iter().map(|o| &o.stats).collect(),
            summary,
            findings: outputs
                .iter()
                .flat_map(|o| o.findings.iter())
                .filter(|f| filters.keeps(f))
                .collect(),
            timelines: outputs.iter().flat_map(|o| o.timelines.iter()).collect(),
        }
    }
}

/// The finding as the writers print it: captured texts the engine keeps as they were are
/// scrubbed like evidence. A challenge's parameters are the server's own words and can echo
/// the credential (`error_description="token eyJ… is revoked"`); a Basic user can be an API
/// key (`key:` with an empty password). Borrowed unless something had to be hidden.
pub fn printable(finding: &Finding) -> Cow<'_, Finding> {
    let challenge = finding.challenge.as_ref().map(scrub_challenge);
    let user = finding
        .credential
        .as_ref()
        .and_then(|c| c.user.as_deref())
        .map(crate::diagnose::scrub);
    let same_challenge = challenge.as_ref() == finding.challenge.as_ref();
    let same_user = user.as_deref() == finding.credential.as_ref().and_then(|c| c.user.as_deref());
    if same_challenge && same_user {
        return Cow::Borrowed(finding);
    }
    let mut owned = finding.clone();
    owned.challenge = challenge;
    if let Some(credential) = owned.credential.as_mut() {
        credential.user = user;
    }
    Cow::Owned(owned)
}

fn scrub_challenge(challenge: &ChallengeSummary) -> ChallengeSummary {
    ChallengeSummary {
        scheme: crate::diagnose::scrub(&challenge.scheme),
        params: challenge
            .params
            .iter()
            .map(|(name, value)| (name.clone(), crate::diagnose::scrub(value)))
            .collect(),
    }
}

/// Findings alike enough to be one line: same cause, detail, host, endpoint pattern and
/// credential.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    pub cause: Cause,
    pub detail: String,
    pub host: String,
    pub endpoint: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone)]
pub struct Group<'a> {
    pub key: GroupKey,
    pub count: u64,
    pub first: Option<&'a str>,
    pub last: Option<&'a str>,
    /// The first finding of the group: its evidence and remediation speak for the rest.
    pub sample: &'a Finding,
}

/// Groups findings, most frequent first (ties by key, so the order is stable).
pub fn group<'a>(findings: &[&'a Finding]) -> Vec<Group<'a>> {
    let mut groups: BTreeMap<GroupKey, Group<'a>> = BTreeMap::new();
    for &finding in findings {
        let key = group_key(finding);
        let group = groups.entry(key.clone()).or_insert(Group {
            key,
            count: 0,
            first: None,
            last: None,
            sample: finding,
        });
        group.count += 1;
        if let Some(time) = finding.time.as_deref() {
            if group.first.is_none_or(|f| time < f) {
                group.first = Some(time);
            }
            if group.last.is_none_or(|l| time > l) {
                group.last = Some(time);
            }
        }
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    groups
}

fn group_key(finding: &Finding) -> GroupKey {
    GroupKey {
        cause: finding.cause,
        detail: finding.detail.clone(),
        host: host_of(&finding.url).unwrap_or("").to_owned(),
        endpoint: format!("{} {}", finding.method, endpoint_pattern(&finding.url)),
        fingerprint: fingerprint_of(finding).unwrap_or("").to_owned(),
    }
}

/// Causes with their findings, most frequent first.
pub fn by_cause<'a>(findings: &[&'a Finding]) -> Vec<(Cause, Vec<&'a Finding>)> {
    let mut map: BTreeMap<Cause, Vec<&Finding>> = BTreeMap::new();
    for &finding in findings {
        map.entry(finding.cause).or_default().push(finding);
    }
    let mut list: Vec<_> = map.into_iter().collect();
    list.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    list
}

/// The path of a URL with id-like segments (digits, UUIDs, 8+ hex, `prefix_` plus
/// alphanumerics) turned into `{id}`; the query is dropped.
pub fn endpoint_pattern(url: &str) -> String {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let segments: Vec<&str> = path
        .split('/')
        .map(|s| if looks_like_id(s) { "{id}" } else { s })
        .collect();
    let joined = segments.join("/");
    if joined.is_empty() {
        "/".into()
    } else {
        joined
    }
}

fn looks_like_id(segment: &str) -> bool {
    if segment.is_empty() {
        return false;
    }
    let all_digits = segment.chars().all(|c| c.is_ascii_digit());
    let hex = segment.len() >= 8 && segment.chars().all(|c| c.is_ascii_hexdigit());
    let uuid = segment.len() == 36
        && segment.chars().filter(|&c| c == '-').count() == 4
        && segment.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let prefixed = segment.split_once('_').is_some_and(|(prefix, rest)| {
        !prefix.is_empty()
            && prefix.chars().all(|c| c.is_ascii_lowercase())
            && rest.len() >= 4
            && rest.chars().all(|c| c.is_ascii_alphanumeric())
            && rest.chars().any(|c| c.is_ascii_digit())
    });
    all_digits || hex || uuid || prefixed
}

/// Every status-401 finding, sources in name order, then index order.
pub fn unauthorized_findings(outputs: &[SourceOutput]) -> impl Iterator<Item = &Finding> {
    outputs
        .iter()
        .flat_map(|o| o.findings.iter())
        .filter(|f| f.status == 401)
}

pub fn fingerprint_of(finding: &Finding) -> Option<&str> {
    finding
        .credential
        .as_ref()
        .and_then(|c| c.fingerprint.as_deref())
}

fn finding_time(finding: &Finding) -> Option<DateTime<Utc>> {
    finding
        .time
        .as_deref()
        .and_then(crate::time::parse_iso)
        .map(|s| s.at)
}

/// The host of an absolute URL, without port or user info.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// `*` matches any run of characters; everything else literally, case-insensitively.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let text = text.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = &rest[at + part.len()..];
        }
    }
    true
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

    #[test]
    fn endpoint_patterns_hide_ids() {
        assert_eq!(
            endpoint_pattern("https://api.example.com/v2/devices/12345/actions?x=1"),
            "/v2/devices/{id}/actions"
        );
        assert_eq!(
            endpoint_pattern("https://h/v2/policies/3f2a9c01-1b2c-4d5e-8f90-0123456789ab"),
            "/v2/policies/{id}"
        );
        assert_eq!(
            endpoint_pattern("https://h/v2/organizations/org_7f3a9c01"),
            "/v2/organizations/{id}"
        );
        assert_eq!(
            endpoint_pattern("https://h/v2/logs/deadbeef42"),
            "/v2/logs/{id}"
        );
        assert_eq!(endpoint_pattern("https://h/v2/devices"), "/v2/devices");
        assert_eq!(endpoint_pattern("https://h"), "/");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*.example.com", "api.example.com"));
        assert!(wildcard_match("API.example.com", "api.example.com"));
        assert!(!wildcard_match("*.example.com", "example.org"));
        assert!(wildcard_match("api*com", "api.example.com"));
    }
}
