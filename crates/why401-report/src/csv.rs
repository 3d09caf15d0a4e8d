//! `-f csv`: one row per finding for incident reviews, and `--summary-csv` counts. Text cells
//! a spreadsheet would execute are neutralized with a leading `'`.

use std::io::{self, Write};

use super::{Summary, Writer, printable};
use why401_model::finding::{Finding, Timeline};
use why401_model::input::InputStats;

pub const HEADER: [&str; 26] = [
    "source",
    "index",
    "location",
    "time",
    "method",
    "url",
    "status",
    "cause",
    "detail",
    "confidence",
    "evidence",
    "token_kind",
    "token_fingerprint",
    "challenge_error",
    "challenge_description",
    "request_id",
    "resolved_later",
    "remediation",
    "status_inferred",
    "number",
    "token_alg",
    "token_iss",
    "token_aud",
    "token_exp",
    "token_iat",
    "token_scope",
];

/// One row per finding, written as they come.
pub struct Csv<'w> {
    writer: csv::Writer<&'w mut dyn Write>,
}

impl<'w> Csv<'w> {
    pub fn new(out: &'w mut dyn Write) -> io::Result<Csv<'w>> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(HEADER).map_err(io_error)?;
        Ok(Csv { writer })
    }
}

impl Writer for Csv<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        // Captured text (a challenge's description) may hold terminal escape sequences, and
        // a CSV is often printed to a terminal: such cells are escaped.
        let row = row(finding).into_iter().map(|cell| {
            match cell.chars().any(|c| c.is_control() && c != '\n') {
                true => why401_redact::escape_control(&cell),
                false => cell,
            }
        });
        self.writer.write_record(row).map_err(io_error)
    }

    fn finish(
        &mut self,
        _inputs: &[InputStats],
        _summary: &Summary,
        _timelines: &[Timeline],
    ) -> io::Result<()> {
        self.writer.flush()
    }
}

fn row(f: &Finding) -> Vec<String> {
    let f = &*printable(f);
    let credential = f.credential.as_ref();
    let challenge_param = |name: &str| {
        f.challenge
            .as_ref()
            .and_then(|c| c.params.get(name))
            .map(|v| cell(v))
            .unwrap_or_default()
    };
    vec![
        cell(&f.source),
        f.index.to_string(),
        cell(&f.location),
        f.time.clone().unwrap_or_default(),
        cell(&f.method),
        cell(&f.url),
        f.status.to_string(),
        f.cause.id().to_owned(),
        cell(&f.detail),
        f.confidence.as_str().to_owned(),
        cell(&f.evidence.join(" | ")),
        credential
            .map(|c| c.kind.as_str().to_owned())
            .unwrap_or_default(),
        credential
            .and_then(|c| c.fingerprint.clone())
            .unwrap_or_default(),
        challenge_param("error"),
        challenge_param("error_description"),
        f.request_id.as_deref().map(cell).unwrap_or_default(),
        f.resolved_later.to_string(),
        cell(&f.remediation.join(" | ")),
        f.status_inferred.to_string(),
        f.number.to_string(),
    ]
    .into_iter()
    .chain(claim_cells(f))
    .collect()
}

/// `token_alg` … `token_scope`: the claims a review sorts by, empty without a JWT.
fn claim_cells(f: &Finding) -> [String; 6] {
    let Some(claims) = f.credential.as_ref().and_then(|c| c.claims.as_ref()) else {
        return Default::default();
    };
    let text = |value: &Option<String>| value.as_deref().map(cell).unwrap_or_default();
    let aud = match &claims.aud {
        Some(serde_json::Value::String(aud)) => cell(aud),
        Some(other) => cell(&other.to_string()),
        None => String::new(),
    };
    let scope = claims
        .scope
        .as_ref()
        .map(|s| cell(&s.join(" ")))
        .unwrap_or_default();
    [
        text(&claims.alg),
        text(&claims.iss),
        aud,
        text(&claims.exp),
        text(&claims.iat),
        scope,
    ]
}

/// A text cell that cannot run as a formula: one starting with `=`, `+`, `-`, `@`, TAB or CR
/// gets a leading `'`.
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A write error as the I/O error it is, so a closed pipe (`| head`) is told apart from a
/// real failure (the csv crate's own conversion hides its kind).
fn io_error(err: csv::Error) -> io::Error {
    match err.kind() {
        csv::ErrorKind::Io(inner) => io::Error::new(inner.kind(), inner.to_string()),
        _ => io::Error::other(err),
    }
}

/// `--summary-csv`: counts per cause, then per host.
pub fn write_summary(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["kind", "key", "count"])?;
    for (cause, count) in &summary.by_cause {
        writer.write_record(["cause", cause.as_str(), &count.to_string()])?;
    }
    for (host, count) in &summary.by_host {
        writer.write_record(["host", &cell(host), &count.to_string()])?;
    }
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("GET"), "GET");
    }
}
