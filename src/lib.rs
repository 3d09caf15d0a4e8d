//! why401: explains why API calls came back 401 Unauthorized.
//!
//! The pipeline: [`input`] finds sources and peels their layers, [`parse`] reads each into
//! [`model::Exchange`]s, [`diagnose`] judges each source's exchanges in one sequential pass,
//! and [`report`] writes the findings. [`run`] ties them together for the binary.

pub mod archive;
pub mod cli;
pub mod config;
pub mod diagnose;
pub mod evidence;
pub mod finding;
pub mod input;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod progress;
pub mod redact;
pub mod report;
pub mod time;

use std::fs::File;
use std::io::{self, BufWriter, Write};

use config::{Config, OutputFormat};
use pipeline::ReadOptions;
use progress::Progress;
use report::{Summary, View};

/// How a run ended, as the exit status reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Analysis complete, no 401.
    Clean,
    /// Analysis complete, at least one 401.
    Unauthorized,
    /// An input could not be read as a whole.
    InputError,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Unauthorized => 1,
            Outcome::InputError => 2,
        }
    }
}

/// Runs an analysis and writes its report.
pub fn run(config: &Config) -> anyhow::Result<Outcome> {
    if config.warnings {
        for warning in config.context.evidence.warnings() {
            eprintln!("why401: warning: {}", redact::escape_control(&warning));
        }
    }
    let progress = progress_for(config);
    let options = ReadOptions {
        forced_format: config.input_format,
        context: &config.context,
        limits: config.limits,
    };
    let outputs = pipeline::analyze(&config.inputs, options, config.threads, &progress)?;
    progress.finish();
    let summary = Summary::of(&outputs);
    if config.warnings {
        warn_about_inputs(&outputs);
    }
    let view = View::new(&outputs, &summary, &config.filters);
    write_report(config, &view)?;
    if let Some(path) = &config.summary_csv {
        let mut file = BufWriter::new(File::create(path).map_err(|err| cannot_write(path, &err))?);
        report::csv::write_summary(&mut file, &summary)?;
        file.flush()?;
    }
    Ok(outcome(config, &outputs))
}

fn progress_for(config: &Config) -> Progress {
    if !config.progress {
        return Progress::hidden();
    }
    let total = input::expand(&config.inputs)
        .0
        .iter()
        .map(|s| input::size(&s.place))
        .sum::<Option<u64>>();
    Progress::new(total)
}

/// 2 before 1 before 0: an unreadable input, then a 401 (of the `--fail-on` causes).
fn outcome(config: &Config, outputs: &[pipeline::SourceOutput]) -> Outcome {
    if outputs.iter().any(|o| o.stats.failed) {
        return Outcome::InputError;
    }
    let counts = |f: &&finding::Finding| {
        config
            .fail_on
            .as_ref()
            .is_none_or(|causes| causes.contains(&f.cause))
    };
    if report::unauthorized_findings(outputs).any(|f| counts(&f)) {
        Outcome::Unauthorized
    } else {
        Outcome::Clean
    }
}

fn cannot_write(path: &std::path::Path, err: &io::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot write {}: {}",
        path.display(),
        input::io_message(err)
    )
}

fn write_report(config: &Config, view: &View) -> anyhow::Result<()> {
    let mut out: Box<dyn Write> = match &config.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).map_err(|err| cannot_write(path, &err))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let how = &config.presentation;
    match config.output_format {
        OutputFormat::Json => report::json::write(&mut out, view)?,
        OutputFormat::Jsonl => report::json::write_lines(&mut out, view)?,
        OutputFormat::Csv => report::csv::write(&mut out, view)?,
        OutputFormat::Markdown => report::markdown::write(&mut out, view, how.max_detail)?,
        OutputFormat::Text => report::text::write(&mut out, view, how)?,
    }
    out.flush()?;
    Ok(())
}

/// One stderr line per input that failed, so a script sees why the exit status is 2.
fn warn_about_inputs(outputs: &[pipeline::SourceOutput]) {
    for output in outputs {
        let stats = &output.stats;
        if stats.failed {
            let reason = stats
                .errors
                .last()
                .map(|e| format!("{}: {}", e.location, e.message))
                .unwrap_or_default();
            eprintln!(
                "why401: error: {}: {}",
                redact::escape_control(&stats.source),
                redact::escape_control(&reason)
            );
        } else if stats.errors_total > 0 {
            eprintln!(
                "why401: warning: {}: {} record(s) could not be read (listed in the report)",
                redact::escape_control(&stats.source),
                stats.errors_total
            );
        }
    }
}
