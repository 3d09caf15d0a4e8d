//! Reading the profile file: the TOML shape, each section checked with the line of its
//! error, and a warning per key the shape does not have.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{ApiAdvice, Environment, ScopeRule, Segment, TokenFormat, normalize_host, printable};

#[derive(Deserialize)]
pub(super) struct RawProfile {
    pub(super) jwks: Option<Spanned<String>>,
    pub(super) leeway: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) scopes: Vec<RawScope>,
    #[serde(default)]
    pub(super) environments: Vec<RawEnvironment>,
    pub(super) advice: Option<RawAdvice>,
}

/// `[advice]`: what belongs to this API in the customer's advice.
#[derive(Deserialize)]
pub(super) struct RawAdvice {
    portal: Option<String>,
    refresh_margin_seconds: Option<Spanned<i64>>,
    support: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawScope {
    method: Option<Spanned<String>>,
    path: Spanned<String>,
    any_of: Spanned<Vec<String>>,
}

#[derive(Deserialize)]
pub(super) struct RawEnvironment {
    name: Option<String>,
    api_host: Spanned<String>,
    issuer: Option<String>,
    audience: Option<String>,
    token_endpoint: Option<String>,
    token_format: Option<Spanned<String>>,
    #[serde(default)]
    strict_scheme_case: bool,
}

pub(super) type SpanError = (std::ops::Range<usize>, String);

pub(super) fn scope_rule(raw: RawScope, text: &str) -> Result<ScopeRule, SpanError> {
    let path_span = raw.path.span();
    let path = raw.path.into_inner();
    if !path.starts_with('/') {
        return Err((path_span, "a scope path must start with /".into()));
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut segments = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let segment = if *part == "*" && i + 1 == parts.len() {
            Segment::Rest
        } else if part.contains('*') {
            return Err((
                path_span,
                "* is allowed only as the last segment (/*)".into(),
            ));
        } else if part.starts_with('{') && part.ends_with('}') && part.len() > 2 {
            Segment::One
        } else {
            Segment::Literal((*part).to_owned())
        };
        segments.push(segment);
    }
    if raw.any_of.get_ref().is_empty() {
        return Err((
            raw.any_of.span(),
            "any_of must list at least one scope".into(),
        ));
    }
    let method = match raw.method {
        Some(m) if m.get_ref().trim().is_empty() => {
            return Err((m.span(), "method must not be empty".into()));
        }
        Some(m) => m.into_inner().trim().to_ascii_uppercase(),
        None => "*".into(),
    };
    Ok(ScopeRule {
        method,
        line: line_of(text, path_span.start),
        path,
        any_of: raw.any_of.into_inner(),
        segments,
    })
}

pub(super) fn advice(raw: Option<RawAdvice>) -> Result<ApiAdvice, SpanError> {
    let Some(raw) = raw else {
        return Ok(ApiAdvice::default());
    };
    let refresh_margin_seconds = match raw.refresh_margin_seconds {
        Some(m) if *m.get_ref() < 0 => {
            return Err((
                m.span(),
                "refresh_margin_seconds must not be negative".into(),
            ));
        }
        m => m.map(Spanned::into_inner),
    };
    let text = |t: Option<String>| t.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    Ok(ApiAdvice {
        portal: text(raw.portal),
        refresh_margin_seconds,
        support: text(raw.support),
    })
}

pub(super) fn environment(raw: RawEnvironment) -> Result<Environment, SpanError> {
    let api_host = normalize_host(raw.api_host.get_ref());
    if api_host.is_empty() {
        return Err((raw.api_host.span(), "api_host must name a host".into()));
    }
    let token_format = match raw.token_format {
        None => TokenFormat::Jwt,
        Some(f) => match f.get_ref().to_ascii_lowercase().as_str() {
            "jwt" => TokenFormat::Jwt,
            "opaque" => TokenFormat::Opaque,
            _ => {
                return Err((
                    f.span(),
                    "token_format must be \"jwt\" or \"opaque\"".into(),
                ));
            }
        },
    };
    Ok(Environment {
        name: raw.name,
        api_host,
        issuer: raw.issuer,
        audience: raw.audience,
        token_endpoint: raw.token_endpoint,
        token_format,
        strict_scheme_case: raw.strict_scheme_case,
    })
}

const TOP_KEYS: &[&str] = &["jwks", "leeway", "scopes", "environments", "advice"];
const ADVICE_KEYS: &[&str] = &["portal", "refresh_margin_seconds", "support"];
const SCOPE_KEYS: &[&str] = &["method", "path", "any_of"];
const ENVIRONMENT_KEYS: &[&str] = &[
    "name",
    "api_host",
    "issuer",
    "audience",
    "token_endpoint",
    "token_format",
    "strict_scheme_case",
];

/// One warning per key the profile shape does not have.
pub(super) fn unknown_keys(text: &str, path: &Path) -> Vec<String> {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut unknown: Vec<(String, String)> = Vec::new();
    for (key, value) in &table {
        if !TOP_KEYS.contains(&key.as_str()) {
            unknown.push((key.clone(), "the profile".into()));
        }
        let (known, section) = match key.as_str() {
            "scopes" => (SCOPE_KEYS, "[[scopes]]"),
            "environments" => (ENVIRONMENT_KEYS, "[[environments]]"),
            "advice" => (ADVICE_KEYS, "[advice]"),
            _ => continue,
        };
        // `[[scopes]]` is an array of tables, `[advice]` one table.
        let entries = value
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![value.clone()]);
        for entry in &entries {
            for inner in entry.as_table().into_iter().flat_map(|t| t.keys()) {
                if !known.contains(&inner.as_str()) {
                    unknown.push((inner.clone(), section.into()));
                }
            }
        }
    }
    let mut warnings: Vec<(usize, String)> = unknown
        .into_iter()
        .map(|(key, section)| {
            let key = printable(&key);
            let file = path.display();
            match key_line(text, &key) {
                Some(line) => (
                    line,
                    format!("{file}: line {line}: unknown key {key} in {section} ignored"),
                ),
                None => (
                    usize::MAX,
                    format!("{file}: unknown key {key} in {section} ignored"),
                ),
            }
        })
        .collect();
    // The table is sorted by key; the file's order reads better.
    warnings.sort();
    warnings.into_iter().map(|(_, w)| w).collect()
}

/// The first line that assigns `key` (or opens a `[key]` table).
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            let assigned = line
                .strip_prefix(key)
                .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with('='));
            let table = line.trim_start_matches('[').trim_end_matches(']').trim() == key
                && line.starts_with('[');
            assigned || table
        })
        .map(|i| i + 1)
}

/// The 1-based line of a byte offset.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
