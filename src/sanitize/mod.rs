//! `why401 sanitize`: a copy of a capture that can be shared, with every secret replaced by a
//! marker that keeps what `analyze` needs to explain each 401 (the header and scheme as sent,
//! the credential's kind, fingerprint and defects), in the input's own format and shape.
//!
//! [`secrets`] makes the markers, one value at a time; [`text`], [`trace`], [`json`] and
//! [`har`] find the values in each format; [`output`] reads files, folders, archives and
//! stdin and writes them back in the same shape.

mod har;
mod json;
mod output;
mod secrets;
mod text;
mod trace;

use std::collections::BTreeMap;

use crate::cli::{InputFormatArg, SanitizeArgs};
use crate::parse::{Format, detect};
use secrets::Secrets;
use text::TextRewriter;

pub use secrets::holds_secret;

/// Runs the command: 0 when the output was written; errors become exit status 2.
pub fn run(args: &SanitizeArgs) -> anyhow::Result<u8> {
    let mut secrets = Secrets::new(args.strict);
    let report = output::sanitize_input(args, &mut secrets)?;
    eprintln!("{}", summary(&secrets.counts, &report));
    Ok(0)
}

/// What the run wrote and refused, for the summary.
#[derive(Debug, Default)]
pub struct Report {
    pub destination: String,
    pub documents: u64,
    /// Members or files not written, with why (`..`, absolute, a link, not text).
    pub refused: Vec<String>,
}

/// The summary line on stderr: counts by kind, never a value.
fn summary(counts: &BTreeMap<String, u64>, report: &Report) -> String {
    let total: u64 = counts.values().sum();
    let kinds: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let mut out = format!(
        "why401 sanitize: wrote {} ({} document{}); replaced {total} secret{}",
        report.destination,
        report.documents,
        if report.documents == 1 { "" } else { "s" },
        if total == 1 { "" } else { "s" },
    );
    if !kinds.is_empty() {
        out.push_str(&format!(" ({})", kinds.join(", ")));
    }
    for refused in &report.refused {
        out.push_str(&format!(
            "\nwhy401 sanitize: left out {}",
            crate::redact::escape_control(refused)
        ));
    }
    out
}

/// One document's text sanitized in its format (`forced`, else detected as `analyze` does).
pub fn document(secrets: &mut Secrets, text: &str, name: &str, forced: InputFormatArg) -> String {
    let format = match forced {
        InputFormatArg::Auto => detect::detect(text.as_bytes(), extension(name).as_deref()),
        InputFormatArg::Har => Some(Format::Har),
        InputFormatArg::Curl => Some(Format::Curl),
        InputFormatArg::Http => Some(Format::Http),
        InputFormatArg::Jsonl => Some(Format::Jsonl),
        InputFormatArg::Ticket => Some(Format::Ticket),
    };
    match format {
        Some(Format::Har) => {
            har::rewrite(secrets, text).unwrap_or_else(|_| TextRewriter::new(secrets).text(text))
        }
        Some(Format::Jsonl) => json_lines(secrets, text),
        Some(Format::Curl) if trace::is_trace(text) => {
            trace::rewrite(&mut TextRewriter::new(secrets), text)
        }
        _ => TextRewriter::new(secrets).text(text),
    }
}

/// JSON lines: each record rewritten on its own, other lines (a pretty-printed document's,
/// a log's non-JSON lines) as text.
fn json_lines(secrets: &mut Secrets, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        match json::record(secrets, body) {
            Some(new) => out.push_str(&new),
            None => out.push_str(&TextRewriter::new(secrets).line(body)),
        }
        out.push_str(&line[body.len()..]);
    }
    out
}

fn extension(name: &str) -> Option<String> {
    crate::input::extension_hint(name)
}
