//! `-f text`: the summary a person reads at a glance.

use std::io::{self, Write};

use super::Summary;
use crate::finding::Cause;
use crate::pipeline::SourceOutput;
use crate::redact::escape_control;

pub fn write(out: &mut dyn Write, outputs: &[SourceOutput], summary: &Summary) -> io::Result<()> {
    writeln!(
        out,
        "why401: read {} input(s), {} exchange(s), {} unauthorized (401)",
        summary.inputs, summary.exchanges, summary.unauthorized
    )?;
    if summary.unauthorized > 0 {
        writeln!(out)?;
        writeln!(out, "Causes:")?;
        for cause in Cause::ALL {
            let count = summary.cause_count(cause);
            if count > 0 {
                writeln!(out, "  {:<22} {count}", cause.id())?;
            }
        }
        writeln!(out)?;
        writeln!(out, "401 responses:")?;
        for finding in outputs.iter().flat_map(|o| o.findings.iter()) {
            writeln!(
                out,
                "  {} {} {} {} -> {}/{}",
                escape_control(&finding.source),
                finding.location,
                escape_control(&finding.method),
                escape_control(&finding.url),
                finding.cause,
                finding.detail
            )?;
        }
    }
    let troubled: Vec<_> = outputs
        .iter()
        .filter(|o| o.stats.errors_total > 0 || !o.stats.notes.is_empty())
        .collect();
    if !troubled.is_empty() {
        writeln!(out)?;
        writeln!(out, "Inputs with notes or errors:")?;
        for output in troubled {
            let stats = &output.stats;
            writeln!(
                out,
                "  {} ({})",
                escape_control(&stats.source),
                stats.format.as_str()
            )?;
            for note in &stats.notes {
                writeln!(
                    out,
                    "    note {}: {}",
                    note.code,
                    escape_control(&note.message)
                )?;
            }
            for error in &stats.errors {
                writeln!(
                    out,
                    "    error at {}: {}",
                    error.location,
                    escape_control(&error.message)
                )?;
            }
            let unlisted = stats.errors_total - stats.errors.len() as u64;
            if unlisted > 0 {
                writeln!(out, "    ... and {unlisted} more error(s)")?;
            }
        }
    }
    Ok(())
}
