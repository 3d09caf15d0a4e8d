//! `--explain N`: one finding with everything known, as rows the text and Markdown writers
//! each lay out their way.

use std::io::{self, Write};

use super::{View, fingerprint_of};
use why401_model::finding::Finding;
use why401_model::url::endpoint_pattern;

/// One row of an explanation.
pub enum Row {
    /// A single value (`cause`, `time`).
    Field(&'static str, String),
    /// A list, shown as `(none)` when empty (`evidence`, `what to do`).
    List(&'static str, Vec<String>),
}

/// The rows of finding `f`, in the order a person reads them.
pub fn rows(f: &Finding) -> Vec<Row> {
    let request = f
        .explain
        .as_ref()
        .map(|e| e.request_line.clone())
        .unwrap_or_else(|| format!("{} {}", f.method, f.url));
    let mut rows = vec![
        Row::Field("source", format!("{} {}", f.source, f.location)),
        Row::Field("time", f.time.as_deref().unwrap_or("unknown").to_owned()),
        Row::Field("request", request),
        Row::Field("status", f.status.to_string()),
        Row::Field(
            "cause",
            format!("{} / {} ({})", f.cause, f.detail, f.confidence.as_str()),
        ),
        Row::Field("endpoint", endpoint_pattern(&f.url)),
    ];
    if let Some(fp) = fingerprint_of(f) {
        rows.push(Row::Field("fingerprint", fp.to_owned()));
    }
    if let Some(id) = &f.request_id {
        rows.push(Row::Field("request id", id.clone()));
    }
    if let Some(e) = &f.explain {
        rows.push(Row::List("credentials", e.credentials.clone()));
        rows.push(Row::List("token", crate::claims::token_lines(f)));
        rows.push(Row::List("challenges", e.challenges.clone()));
        if let Some(body) = &e.body_excerpt {
            rows.push(Row::Field("body", body.clone()));
        }
        rows.push(Row::Field("rule", e.rule.clone()));
        rows.push(Row::List("considered", e.considered.clone()));
    }
    rows.push(Row::List("evidence", f.evidence.clone()));
    rows.push(Row::List("what to do", f.remediation.clone()));
    rows
}

/// The line for a number no finding shown has.
pub fn write_missing(out: &mut dyn Write, view: &View, n: usize) -> io::Result<()> {
    writeln!(
        out,
        "why401: there is no finding #{n}; this report has {} (numbered as -v lists them)",
        view.findings.shown
    )
}
