//! A group's "What to do": steps that are true for every finding of one cause. Findings are
//! tallied per detail and kind of source; a fact goes into a sentence only when every member
//! shares it, and the numbers that differ become ranges ("3 tokens expired between 14s and
//! 3h05m before their requests"). A step that holds for only some details names them and
//! their findings.

use std::collections::{BTreeMap, HashSet};

use why401_model::advice::{AdviceLine, Numbers, RemediationFacts, SourceKind};
use why401_model::details::Detail;
use why401_model::finding::{Cause, Finding};

use super::{duration, steps};

/// Distinct credentials counted per detail; past this the count says "over".
const MAX_FINGERPRINTS: usize = 10_000;

/// The most lines a group's advice has.
const MAX_LINES: usize = 6;

/// Findings tallied for their groups' advice, in bounded memory.
#[derive(Debug, Default)]
pub struct Tally {
    causes: BTreeMap<Cause, BTreeMap<(Detail, SourceKind), Members>>,
}

/// What the findings of one detail and kind of source have in common, and their spread.
#[derive(Debug, Default)]
struct Members {
    count: u64,
    numbers: Numbers,
    /// Facts every member shares (a fact that differs is dropped).
    shared: Option<RemediationFacts>,
    /// Seconds between expiry and request, over members that expired before their request.
    expired_before: Option<(i64, i64)>,
    expiry_known: u64,
    longest_lifetime: Option<i64>,
    skew: Option<(i64, i64)>,
    fingerprints: HashSet<String>,
    contradictions: u64,
}

impl Tally {
    /// Tallies a finding; a handshake resolved later needs no advice.
    pub fn add(&mut self, finding: &Finding) {
        if finding.resolved_later {
            return;
        }
        let Ok(detail) = finding.detail.parse::<Detail>() else {
            return;
        };
        let facts = finding.facts.as_deref().cloned().unwrap_or_default();
        // Only the advice on collecting evidence depends on the kind of source.
        let source = if finding.cause == Cause::Unknown {
            facts.source
        } else {
            SourceKind::Unknown
        };
        let members = self
            .causes
            .entry(finding.cause)
            .or_default()
            .entry((detail, source))
            .or_default();
        members.count += 1;
        members.numbers.add(finding.number);
        if let Some(fp) = finding
            .credential
            .as_ref()
            .and_then(|c| c.fingerprint.as_ref())
            && members.fingerprints.len() < MAX_FINGERPRINTS
        {
            members.fingerprints.insert(fp.clone());
        }
        members.add_facts(facts);
    }

    /// Each cause's advice lines.
    pub fn advice(&self) -> BTreeMap<Cause, Vec<AdviceLine>> {
        self.causes
            .iter()
            .map(|(cause, keys)| (*cause, cause_advice(keys)))
            .collect()
    }
}

impl Members {
    fn add_facts(&mut self, facts: RemediationFacts) {
        if let Some(before) = facts.seconds_before_request.filter(|s| *s >= 0) {
            widen(&mut self.expired_before, before);
            self.expiry_known += 1;
        }
        if let Some(lifetime) = facts.lifetime_seconds {
            self.longest_lifetime =
                Some(self.longest_lifetime.map_or(lifetime, |l| l.max(lifetime)));
        }
        if let Some(skew) = facts.skew_seconds {
            widen(&mut self.skew, skew);
        }
        self.contradictions += u64::from(facts.contradiction.is_some());
        match &mut self.shared {
            None => self.shared = Some(facts),
            Some(shared) => keep_shared(shared, &facts),
        }
    }

    /// The steps for these members, true for each.
    fn steps(&self, detail: Detail) -> Vec<String> {
        let mut facts = self.shared.clone().unwrap_or_default();
        if self.count == 1 {
            return steps(detail, &facts);
        }
        let skew_range = self
            .skew
            .filter(|(low, high)| low != high && low.signum() == high.signum());
        if skew_range.is_some() {
            facts.skew_seconds = self.skew.map(|(low, _)| low);
        }
        let mut list = steps(detail, &facts);
        if let Some(first) = list.first_mut() {
            if detail.cause() == Cause::ExpiredToken {
                *first = self.expired_sentence();
            } else if let Some((low, high)) = skew_range {
                *first = skew_sentence(low, high);
            }
        }
        list
    }

    /// "Get a new access token: 7 requests (4 tokens seen) were refused as expired; the
    /// `exp` of 3 of them had passed between 4s and 13m45s before the request; the longest
    /// lifetime seen was 1h00m."
    fn expired_sentence(&self) -> String {
        let tokens = match self.fingerprints.len() {
            0 => String::new(),
            1 => " (1 token seen)".to_owned(),
            n if n >= MAX_FINGERPRINTS => format!(" (over {n} tokens seen)"),
            n => format!(" ({n} tokens seen)"),
        };
        let mut text = format!(
            "Get a new access token: {} requests{tokens} were refused as expired",
            self.count
        );
        if let Some((low, high)) = self.expired_before {
            let whose = if self.expiry_known == self.count {
                "each".to_owned()
            } else {
                format!("{} of them", self.expiry_known)
            };
            let when = if low == high {
                duration(low)
            } else {
                format!("between {} and {}", duration(low), duration(high))
            };
            text.push_str(&format!(
                "; the `exp` of {whose} had passed {when} before the request"
            ));
        }
        if let Some(lifetime) = self.longest_lifetime {
            text.push_str(&format!(
                "; the longest lifetime seen was {}",
                duration(lifetime)
            ));
        }
        if self.contradictions > 0 {
            text.push_str(&format!(
                "; for {} of them the server said expired while `exp` was still ahead (see \
                 `--explain` on those findings)",
                self.contradictions
            ));
        }
        text.push('.');
        text
    }
}

fn skew_sentence(low: i64, high: i64) -> String {
    format!(
        "Your clock is between {} and {} {} the server's.",
        duration(low.abs().min(high.abs())),
        duration(low.abs().max(high.abs())),
        if low > 0 { "ahead of" } else { "behind" }
    )
}

fn widen(range: &mut Option<(i64, i64)>, value: i64) {
    *range = Some(range.map_or((value, value), |(low, high)| {
        (low.min(value), high.max(value))
    }));
}

/// Drops from `shared` every fact `next` does not share.
fn keep_shared(shared: &mut RemediationFacts, next: &RemediationFacts) {
    fn same<T: PartialEq + Default>(kept: &mut T, next: &T) {
        if kept != next {
            *kept = T::default();
        }
    }
    same(&mut shared.expired_at, &next.expired_at);
    same(
        &mut shared.seconds_before_request,
        &next.seconds_before_request,
    );
    same(&mut shared.skew_seconds, &next.skew_seconds);
    same(&mut shared.lifetime_seconds, &next.lifetime_seconds);
    same(&mut shared.required_scopes, &next.required_scopes);
    same(&mut shared.granted_scopes, &next.granted_scopes);
    same(&mut shared.token_environment, &next.token_environment);
    same(&mut shared.request_environment, &next.request_environment);
    same(&mut shared.header_name, &next.header_name);
    same(&mut shared.offered_schemes, &next.offered_schemes);
    same(&mut shared.endpoint, &next.endpoint);
    same(&mut shared.probe_url, &next.probe_url);
    same(&mut shared.signature_masked, &next.signature_masked);
    same(&mut shared.contradiction, &next.contradiction);
    same(&mut shared.api, &next.api);
}

/// One cause's lines: the first steps of every detail, then the second steps, and so on;
/// a step several details share is one line, naming the details only when not all share it.
fn cause_advice(keys: &BTreeMap<(Detail, SourceKind), Members>) -> Vec<AdviceLine> {
    let mut ordered: Vec<(&(Detail, SourceKind), &Members)> = keys.iter().collect();
    ordered.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    let per_key: Vec<Vec<String>> = ordered.iter().map(|(k, m)| m.steps(k.0)).collect();
    let mut lines: Vec<(String, Vec<usize>)> = Vec::new();
    let longest = per_key.iter().map(Vec::len).max().unwrap_or(0);
    for step in 0..longest {
        for (key, list) in per_key.iter().enumerate() {
            let Some(text) = list.get(step) else { continue };
            match lines.iter_mut().find(|(t, _)| t == text) {
                Some((_, members)) => members.push(key),
                None => lines.push((text.clone(), vec![key])),
            }
        }
    }
    let truncated = lines.len() > MAX_LINES;
    lines.truncate(MAX_LINES);
    let mut advice: Vec<AdviceLine> = lines
        .into_iter()
        .map(|(text, members)| line(text, &members, &ordered))
        .collect();
    if truncated {
        advice.push(AdviceLine {
            details: Vec::new(),
            numbers: Numbers::default(),
            text: "More steps for the other details: see `-v` and `--explain N`.".into(),
        });
    }
    advice
}

fn line(
    text: String,
    members: &[usize],
    ordered: &[(&(Detail, SourceKind), &Members)],
) -> AdviceLine {
    if members.len() == ordered.len() {
        return AdviceLine {
            details: Vec::new(),
            numbers: Numbers::default(),
            text,
        };
    }
    let mut details: Vec<String> = Vec::new();
    let mut numbers = Numbers::default();
    for &i in members {
        let ((detail, _), m) = ordered[i];
        if !details.iter().any(|d| d == detail.as_str()) {
            details.push(detail.as_str().to_owned());
        }
        numbers.merge(&m.numbers);
    }
    AdviceLine {
        details,
        numbers,
        text,
    }
}

#[cfg(test)]
mod tests;
