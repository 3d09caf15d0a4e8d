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
use report::Summary;

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
    let total: Option<u64> = if config.progress {
        Some(
            input::expand(&config.inputs)
                .0
                .iter()
                .filter_map(|s| input::size(&s.place))
                .sum(),
        )
    } else {
        None
    };
    let progress = if config.progress {
        Progress::new(total)
    } else {
        Progress::hidden()
    };
    let options = ReadOptions {
        forced_format: config.input_format,
        context: &config.context,
        limits: archive::Limits::default(),
    };
    let outputs = pipeline::analyze(&config.inputs, options, config.threads, &progress)?;
    progress.finish();
    let summary = Summary::of(&outputs);
    if config.warnings {
        warn_about_inputs(&outputs);
    }
    write_report(config, &outputs, &summary)?;
    Ok(outcome(&outputs, &summary))
}

fn outcome(outputs: &[pipeline::SourceOutput], summary: &Summary) -> Outcome {
    if outputs.iter().any(|o| o.stats.failed) {
        Outcome::InputError
    } else if summary.unauthorized > 0 {
        Outcome::Unauthorized
    } else {
        Outcome::Clean
    }
}

fn write_report(
    config: &Config,
    outputs: &[pipeline::SourceOutput],
    summary: &Summary,
) -> anyhow::Result<()> {
    let mut out: Box<dyn Write> = match &config.output {
        Some(path) => Box::new(BufWriter::new(File::create(path).map_err(|err| {
            anyhow::anyhow!(
                "cannot write the report to {}: {}",
                path.display(),
                input::io_message(&err)
            )
        })?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    match config.output_format {
        OutputFormat::Json => report::json::write(&mut out, outputs, summary)?,
        OutputFormat::Text => report::text::write(&mut out, outputs, summary)?,
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
