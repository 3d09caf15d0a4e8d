//! Writers of the report. They take the run's results and write one format; the engine knows
//! nothing about printing. Filters narrow the findings shown, never the summary's counts.

pub mod claims;
pub mod csv;
pub mod explain;
pub mod html;
pub mod json;
pub mod markdown;
pub mod members;
pub mod text;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde::Serialize;

use why401_model::advice::AdviceLine;
use why401_model::exchange::Location;
use why401_model::finding::{Cause, ChallengeSummary, Finding, Timeline};
use why401_model::input::{Format, InputStats, RecordError};
pub use why401_model::url::{endpoint_pattern, host_of};

pub const SCHEMA: &str = "why401/report/v1";

/// Counts over the whole run (every 401 read, whatever filters narrow the findings).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub inputs: u64,
    pub exchanges: u64,
    pub unauthorized: u64,
    pub resolved_later: u64,
    /// 401s inferred rather than stated (counted in `unauthorized` too). Not in the JSON
    /// summary: each finding carries `status_inferred`.
    #[serde(skip)]
    pub inferred: u64,
    /// All seven cause ids, in their fixed order, summing to `unauthorized`.
    pub by_cause: serde_json::Map<String, serde_json::Value>,
    pub by_host: BTreeMap<String, u64>,
    pub by_fingerprint: BTreeMap<String, u64>,
}

impl Default for Summary {
    fn default() -> Summary {
        Summary::new()
    }
}

impl Summary {
    pub fn new() -> Summary {
        Summary {
            inputs: 0,
            exchanges: 0,
            unauthorized: 0,
            resolved_later: 0,
            inferred: 0,
            by_cause: Cause::ALL
                .iter()
                .map(|c| (c.id().to_owned(), serde_json::Value::from(0u64)))
                .collect(),
            by_host: BTreeMap::new(),
            by_fingerprint: BTreeMap::new(),
        }
    }

    pub fn add_input(&mut self, stats: &InputStats) {
        self.inputs += 1;
        self.exchanges += stats.exchanges;
        self.unauthorized += stats.unauthorized;
    }

    /// Counts a finding (every 401, before filters).
    pub fn add_finding(&mut self, finding: &Finding) {
        if finding.status != 401 {
            return;
        }
        if let Some(count) = self.by_cause.get_mut(finding.cause.id()) {
            *count = serde_json::Value::from(count.as_u64().unwrap_or(0) + 1);
        }
        if finding.resolved_later {
            self.resolved_later += 1;
        }
        if finding.status_inferred {
            self.inferred += 1;
        }
        if let Some(host) = host_of(&finding.url) {
            *self.by_host.entry(host).or_default() += 1;
        }
        if let Some(fp) = fingerprint_of(finding) {
            *self.by_fingerprint.entry(fp.to_owned()).or_default() += 1;
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
    /// Whether any filter is set (a report without one shows every timeline).
    pub fn narrows(&self) -> bool {
        self.causes.is_some() || self.host.is_some() || self.since.is_some() || self.until.is_some()
    }
}

impl Filters {
    pub fn keeps(&self, finding: &Finding) -> bool {
        if let Some(causes) = &self.causes
            && !causes.contains(&finding.cause)
        {
            return false;
        }
        if let Some(pattern) = &self.host
            && !host_of(&finding.url).is_some_and(|h| wildcard_match(pattern, &h))
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

/// What the writers for people get at the end: the inputs, the summary, the aggregate of
/// the findings that passed the filters, and the credential timelines.
pub struct View<'a> {
    pub inputs: &'a [InputStats],
    pub summary: &'a Summary,
    pub findings: &'a Aggregate,
    pub timelines: &'a [Timeline],
    /// Each cause's "What to do", true for every finding shown.
    pub advice: &'a CauseAdvice,
}

/// Each cause's advice lines, as the judge wrote them for the findings shown.
pub type CauseAdvice = BTreeMap<Cause, Vec<AdviceLine>>;

impl View<'_> {
    /// The steps for a cause's section, each a sentence a person reads: a step that holds
    /// for only some details names them and their findings.
    pub fn steps(&self, cause: Cause) -> Vec<String> {
        cause_steps(self.advice, cause)
    }
}

/// A cause's steps as sentences: a step that holds for only some details names them and
/// their findings.
pub fn cause_steps(advice: &CauseAdvice, cause: Cause) -> Vec<String> {
    advice
        .get(&cause)
        .map(|lines| lines.iter().map(step_text).collect())
        .unwrap_or_default()
}

/// "For `signature_invalid` (#6, #20): Use a token issued by …".
fn step_text(line: &AdviceLine) -> String {
    if line.details.is_empty() {
        return line.text.clone();
    }
    let details: Vec<String> = line.details.iter().map(|d| format!("`{d}`")).collect();
    format!(
        "For {} ({}): {}",
        details.join(", "),
        line.numbers,
        line.text
    )
}

/// The findings as the text and Markdown reports need them, built one finding at a time:
/// groups with counts (always complete), and at most `max_detail` findings and group samples
/// kept whole.
#[derive(Debug, Default)]
pub struct Aggregate {
    /// Findings that passed the filters.
    pub shown: u64,
    pub groups: BTreeMap<GroupKey, Group>,
    /// The first `max_detail` findings, for `-v`.
    pub listed: Vec<Finding>,
    /// Finding `#N` for `--explain N`.
    pub explained: Option<Finding>,
    max_detail: usize,
    explain: Option<usize>,
}

impl Aggregate {
    pub fn new(how: &Presentation) -> Aggregate {
        Aggregate {
            max_detail: how.max_detail,
            explain: how.explain,
            ..Aggregate::default()
        }
    }

    pub fn add(&mut self, finding: &Finding, keep_listing: bool) {
        self.shown += 1;
        if self.explain == Some(finding.number as usize) {
            self.explained = Some(finding.clone());
        }
        if keep_listing && self.listed.len() < self.max_detail {
            self.listed.push(finding.clone());
        }
        let room = self.groups.len() < self.max_detail;
        let group = self
            .groups
            .entry(group_key(finding))
            .or_insert_with(|| Group {
                count: 0,
                first: None,
                last: None,
                sample: room.then(|| finding.clone()),
                members: members::Members::default(),
            });
        group.count += 1;
        group.members.add(finding.number, &finding.source);
        if let Some(time) = finding.time.as_deref() {
            if group.first.as_deref().is_none_or(|f| time < f) {
                group.first = Some(time.to_owned());
            }
            if group.last.as_deref().is_none_or(|l| time > l) {
                group.last = Some(time.to_owned());
            }
        }
    }

    /// Whether some findings were counted but not kept whole.
    pub fn limit_hit(&self) -> bool {
        self.shown as usize > self.listed.len()
    }

    /// The groups of real problems (or of handshakes resolved later), by cause, most
    /// frequent cause first, each cause's groups most frequent first.
    pub fn by_cause(&self, resolved_later: bool) -> Vec<CauseGroups<'_>> {
        self.causes_where(Some(resolved_later))
    }

    /// Every group by cause, handshakes included.
    pub fn by_cause_all(&self) -> Vec<CauseGroups<'_>> {
        self.causes_where(None)
    }

    fn causes_where(&self, resolved_later: Option<bool>) -> Vec<CauseGroups<'_>> {
        let mut causes: BTreeMap<Cause, Vec<(&GroupKey, &Group)>> = BTreeMap::new();
        for (key, group) in &self.groups {
            if resolved_later.is_none_or(|r| key.resolved_later == r) {
                causes.entry(key.cause).or_default().push((key, group));
            }
        }
        let mut list: Vec<_> = causes
            .into_iter()
            .map(|(cause, mut groups)| {
                groups.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
                let count: u64 = groups.iter().map(|(_, g)| g.count).sum();
                (cause, count, groups)
            })
            .collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list
    }
}

/// A cause, its count, and its groups most frequent first.
pub type CauseGroups<'a> = (Cause, u64, Vec<(&'a GroupKey, &'a Group)>);

/// A streaming writer: findings as they come (already filtered, in report order), then the
/// rest at the end.
pub trait Writer {
    fn finding(&mut self, finding: &Finding) -> io::Result<()>;
    /// Each cause's advice for the findings written, before `finish`.
    fn advice(&mut self, _advice: &CauseAdvice) {}
    fn input(&mut self, _stats: &InputStats) -> io::Result<()> {
        Ok(())
    }
    fn finish(
        &mut self,
        inputs: &[InputStats],
        summary: &Summary,
        timelines: &[Timeline],
    ) -> io::Result<()>;
}

/// The text and Markdown reports: aggregate while streaming, write at the end.
pub struct ForPeople<'w> {
    out: &'w mut dyn Write,
    how: Presentation,
    markdown: bool,
    aggregate: Aggregate,
    advice: CauseAdvice,
}

impl<'w> ForPeople<'w> {
    pub fn new(out: &'w mut dyn Write, how: Presentation, markdown: bool) -> ForPeople<'w> {
        ForPeople {
            out,
            aggregate: Aggregate::new(&how),
            how,
            markdown,
            advice: CauseAdvice::new(),
        }
    }
}

impl Writer for ForPeople<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        let listing = self.how.verbose && !self.markdown;
        self.aggregate.add(&printable(finding), listing);
        Ok(())
    }

    fn advice(&mut self, advice: &CauseAdvice) {
        self.advice = advice.clone();
    }

    fn finish(
        &mut self,
        inputs: &[InputStats],
        summary: &Summary,
        timelines: &[Timeline],
    ) -> io::Result<()> {
        let view = View {
            inputs,
            summary,
            findings: &self.aggregate,
            timelines,
            advice: &self.advice,
        };
        if self.markdown {
            markdown::write(self.out, &view, &self.how)
        } else {
            text::write(self.out, &view, &self.how)
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
        .map(why401_redact::scrub);
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
        scheme: why401_redact::scrub(&challenge.scheme),
        params: challenge
            .params
            .iter()
            .map(|(name, value)| (name.clone(), why401_redact::scrub(value)))
            .collect(),
    }
}

/// Findings alike enough to be one line: same cause, detail, host, endpoint pattern and
/// credential (and handshakes resolved later apart from real problems).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    pub cause: Cause,
    pub resolved_later: bool,
    pub detail: String,
    pub host: String,
    pub endpoint: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub count: u64,
    pub first: Option<String>,
    pub last: Option<String>,
    /// The first finding of the group (kept for the first `max_detail` groups): its
    /// evidence and remediation speak for the rest.
    pub sample: Option<Finding>,
    /// The findings' numbers and sources.
    pub members: members::Members,
}

fn group_key(finding: &Finding) -> GroupKey {
    GroupKey {
        cause: finding.cause,
        resolved_later: finding.resolved_later,
        detail: finding.detail.clone(),
        host: host_of(&finding.url).unwrap_or_default(),
        endpoint: format!("{} {}", finding.method, endpoint_pattern(&finding.url)),
        fingerprint: fingerprint_of(finding).unwrap_or("").to_owned(),
    }
}

/// "error at line 12", or "error" alone when it concerns the input as a whole.
pub fn error_heading(error: &RecordError) -> String {
    if error.location == Location::Whole.to_string() {
        "error".to_owned()
    } else {
        format!("error at {}", error.location)
    }
}

/// An input read as "not read": it failed before any format could be told.
pub fn format_label(stats: &InputStats) -> &'static str {
    if stats.failed && stats.exchanges == 0 && stats.format == Format::Text {
        "not read"
    } else {
        stats.format.as_str()
    }
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
        .and_then(why401_model::time::parse_iso)
        .map(|s| s.at)
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
    fn wildcards() {
        assert!(wildcard_match("*.example.com", "api.example.com"));
        assert!(wildcard_match("API.example.com", "api.example.com"));
        assert!(!wildcard_match("*.example.com", "example.org"));
        assert!(wildcard_match("api*com", "api.example.com"));
    }
}
