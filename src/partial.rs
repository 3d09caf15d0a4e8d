//! Partial reports, for runs spread over many processes or machines: `analyze --partial`
//! writes one self-contained `why401/partial/v1` record per input (JSON lines), and `merge`
//! turns any number of partial streams into any report. Records are merged in source-name
//! order, the order `analyze` reads sources in, so the merged report equals the report of one
//! run over all the inputs, whatever the split and the order of the partials; and `merge
//! --partial` writes records again, so merges nest.

pub mod deadline;
mod stream;

use std::io::{self, BufRead, BufReader, Write};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::finding::{Finding, Timeline};
use crate::parse::InputStats;
use crate::pipeline::SourceOutput;
use crate::store::FindingStore;
use crate::{Outcome, hide_identity, open_output};
use why401_model::advice::RemediationFacts;

/// The schema every record names.
pub const SCHEMA: &str = "why401/partial/v1";

/// Everything the final report needs from one input.
#[derive(Debug, Serialize, Deserialize)]
pub struct Record {
    pub schema: String,
    pub input: InputStats,
    /// The input could not be read as a whole (the final exit status is 2).
    #[serde(default)]
    pub failed: bool,
    /// The earliest and latest exchange times seen.
    #[serde(default)]
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// In the input's order, numbered by the final report.
    pub findings: Vec<PartialFinding>,
    /// The credentials' lives in this input.
    pub timelines: Vec<Timeline>,
}

/// A finding and what its advice was built from (the report's group advice tallies it).
#[derive(Debug, Serialize, Deserialize)]
pub struct PartialFinding {
    #[serde(flatten)]
    pub finding: Finding,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice_facts: Option<RemediationFacts>,
}

impl Record {
    fn of(output: SourceOutput, show_identity: bool) -> Record {
        let findings = output
            .findings
            .drain()
            .map(|mut finding| {
                if !show_identity {
                    hide_identity(&mut finding);
                }
                let advice_facts = finding.facts.take().map(|facts| *facts);
                PartialFinding {
                    finding,
                    advice_facts,
                }
            })
            .collect();
        Record {
            schema: SCHEMA.to_owned(),
            failed: output.stats.failed,
            span: output.stats.span,
            input: output.stats,
            findings,
            timelines: output.timelines,
        }
    }

    fn into_output(self) -> SourceOutput {
        let mut stats = self.input;
        stats.failed = self.failed;
        stats.span = self.span;
        let mut findings = FindingStore::new(true);
        for PartialFinding {
            mut finding,
            advice_facts,
        } in self.findings
        {
            finding.facts = advice_facts.map(Box::new);
            findings.push(finding);
        }
        SourceOutput {
            stats,
            findings,
            timelines: self.timelines,
        }
    }
}

/// `analyze --partial`: one record per source as `read` hands them on. An input that could
/// not be read is a record like any other, so the exit status is 0.
pub fn write(
    config: &Config,
    read: impl FnOnce(&mut dyn FnMut(SourceOutput) -> anyhow::Result<()>) -> anyhow::Result<()>,
) -> anyhow::Result<Outcome> {
    let mut out = open_output(config)?;
    read(&mut |output| write_record(&mut out, &Record::of(output, config.show_identity)))?;
    out.flush()?;
    Ok(Outcome::Clean)
}

fn write_record(out: &mut dyn Write, record: &Record) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// `merge`: reads every partial stream, orders the records as `analyze` reads sources, and
/// writes the report (or, with `--partial`, the records again), streaming where it can (see
/// [`stream`]).
pub fn merge(config: &Config) -> anyhow::Result<Outcome> {
    let streams = config
        .inputs
        .iter()
        .map(|name| stream::Sorted::open(name))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if config.partial {
        let mut out = open_output(config)?;
        stream::merged(streams, &mut |record| write_record(&mut out, &record))?;
        out.flush()?;
        return Ok(Outcome::Clean);
    }
    crate::report(config, |consume| {
        stream::merged(streams, &mut |record| consume(record.into_output()))
    })
}

/// Appends the records of one partial stream (`-`: stdin).
fn read_partial(name: &str, records: &mut Vec<Record>) -> anyhow::Result<()> {
    let reader: Box<dyn BufRead> = if name == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        let file = std::fs::File::open(name)
            .with_context(|| format!("{name}: cannot open the partial report"))?;
        Box::new(BufReader::new(file))
    };
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{name}: line {}: cannot read", i + 1))?;
        if !line.trim().is_empty() {
            records.push(parse_record(name, i + 1, &line)?);
        }
    }
    Ok(())
}

/// One line of a partial stream; a line that is not a record is an error naming the stream
/// and the line.
fn parse_record(name: &str, line_number: usize, line: &str) -> anyhow::Result<Record> {
    let record: Record = serde_json::from_str(line).map_err(|err| {
        anyhow::anyhow!(
            "{name}: line {line_number}: not a {SCHEMA} record ({})",
            redact_error(&err)
        )
    })?;
    if record.schema != SCHEMA {
        bail!(
            "{name}: line {line_number}: schema {:?} is not {SCHEMA}",
            crate::redact::clip(&record.schema, 40)
        );
    }
    Ok(record)
}

/// serde_json's message names the place and what was expected, never the value read.
fn redact_error(err: &serde_json::Error) -> String {
    format!("{:?} at column {}", err.classify(), err.column())
}

/// With `--name LABEL`, stdin's source (`-`, and `-:member` inside an archive) is named
/// LABEL.
pub fn named_stdin(mut output: SourceOutput, config: &Config) -> SourceOutput {
    let Some(label) = config.stdin_name.as_deref() else {
        return output;
    };
    let source = output.stats.source.as_ref();
    let renamed: Option<Arc<str>> = if source == "-" {
        Some(Arc::from(label))
    } else {
        source
            .strip_prefix("-:")
            .map(|member| Arc::from(format!("{label}:{member}")))
    };
    let Some(renamed) = renamed else {
        return output;
    };
    output.stats.source = renamed.clone();
    let findings = std::mem::take(&mut output.findings);
    let mut store = FindingStore::new(config.presentation.explain.is_some());
    for mut finding in findings.drain() {
        finding.source = renamed.clone();
        store.push(finding);
    }
    output.findings = store;
    output
}
