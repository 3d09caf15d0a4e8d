//! why401: explains why API calls came back 401 Unauthorized.
//!
//! The pipeline: [`input`] finds sources and peels their layers, [`parse`] reads each into
//! [`model::Exchange`]s, [`diagnose`] judges each source's exchanges in one sequential pass,
//! and [`report`] writes the findings. [`run`] ties them together for the binary.

pub mod cli;
pub mod config;
pub mod partial;
pub mod pipeline;
pub mod progress;
pub mod sanitize;
pub mod serve;
pub mod store;
pub mod token;

// The layers, each a crate of its own; this crate is the only one that sees them all.
pub use why401_judge::{diagnose, evidence};
pub use why401_model::{exchange as model, finding, time};
pub use why401_read as parse;
pub use why401_read::{archive, input};
pub use why401_redact as redact;
pub use why401_report as report;

use std::fs::File;
use std::io::{self, BufWriter, Write};

use config::{Config, OutputFormat};
use pipeline::ReadOptions;
use progress::Progress;
use report::{Summary, Writer};

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

/// Runs an analysis and writes its report (or, with `--partial`, its partial records),
/// streaming findings to the writer as each source completes.
pub fn run(config: &Config) -> anyhow::Result<Outcome> {
    if config.partial {
        return partial::write(config, |consume| read_inputs(config, consume));
    }
    report(config, |consume| read_inputs(config, consume))
}

/// Runs an analysis into `writer` (any writer, or several at once: `serve` writes every
/// format from one run) and finishes it; returns the outcome and the summary's counts.
pub fn run_with(config: &Config, writer: &mut dyn Writer) -> anyhow::Result<(Outcome, Summary)> {
    report_into(config, writer, |consume| read_inputs(config, consume))
}

/// The sources a [`report`] is built from, handed on one at a time in report order.
pub type Feed<'a> = &'a mut dyn FnMut(pipeline::SourceOutput) -> anyhow::Result<()>;

/// Reads every input, handing each source's output to `consume` in report order.
fn read_inputs(config: &Config, consume: Feed) -> anyhow::Result<()> {
    if config.warnings {
        for warning in config.context.evidence.warnings() {
            eprintln!("why401: warning: {}", redact::escape_control(&warning));
        }
    }
    let progress = progress_for(config);
    let options = ReadOptions {
        forced_format: config.input_format,
        ticket: config.ticket,
        context: &config.context,
        limits: config.limits,
        keep_findings: config.presentation.explain.is_some(),
    };
    let named = &mut |output| consume(partial::named_stdin(output, config));
    let (inputs, timeout, threads) = (&config.inputs, config.input_timeout, config.threads);
    pipeline::analyze(inputs, options, timeout, threads, &progress, named)?;
    progress.finish();
    Ok(())
}

/// Writes the report of the sources `feed` hands on, in the order it hands them, to the
/// configured output (and `--summary-csv`).
pub fn report(
    config: &Config,
    feed: impl FnOnce(Feed) -> anyhow::Result<()>,
) -> anyhow::Result<Outcome> {
    let mut out = open_output(config)?;
    let mut writer = writer_for(config, &mut out)?;
    let (outcome, summary) = report_into(config, writer.as_mut(), feed)?;
    drop(writer);
    out.flush()?;
    if let Some(path) = &config.summary_csv {
        let mut file = BufWriter::new(File::create(path).map_err(|err| cannot_write(path, &err))?);
        report::csv::write_summary(&mut file, &summary)?;
        file.flush()?;
    }
    Ok(outcome)
}

fn report_into(
    config: &Config,
    writer: &mut dyn Writer,
    feed: impl FnOnce(Feed) -> anyhow::Result<()>,
) -> anyhow::Result<(Outcome, Summary)> {
    let mut run = RunState::default();
    feed(&mut |output| run.take(config, output, writer))?;
    if config.warnings {
        warn_about_inputs(&run.inputs);
    }
    if let Some(n) = config.presentation.explain.filter(|_| !run.explained) {
        if n == 0 || n as u64 > run.numbered {
            anyhow::bail!(
                "--explain {n}: the report numbers its findings #1 to #{} (see them with -v)",
                run.numbered
            );
        }
        anyhow::bail!("--explain {n}: finding #{n} is left out by the filters");
    }
    writer.advice(&run.advice.advice());
    writer.finish(&run.inputs, &run.summary, &run.timelines)?;
    let outcome = run.outcome();
    Ok((outcome, run.summary))
}

/// What the run has gathered so far.
#[derive(Default)]
struct RunState {
    inputs: Vec<parse::InputStats>,
    summary: Summary,
    timelines: Vec<finding::Timeline>,
    failed: bool,
    /// A 401 counted for the exit status (of the `--fail-on` causes).
    failing: bool,
    /// Findings numbered so far (every one, before filters): `#N` of `-v` and `--explain`.
    numbered: u64,
    /// `--explain N` found finding `#N` among those the filters kept.
    explained: bool,
    /// The findings the filters kept, tallied for each cause's advice.
    advice: diagnose::remediation::group::Tally,
}

impl RunState {
    fn take(
        &mut self,
        config: &Config,
        output: pipeline::SourceOutput,
        writer: &mut dyn Writer,
    ) -> anyhow::Result<()> {
        writer.input(&output.stats)?;
        let mut shown_credentials = std::collections::HashSet::new();
        for mut finding in output.findings.drain() {
            self.numbered += 1;
            finding.number = self.numbered;
            if !config.show_identity {
                hide_identity(&mut finding);
            }
            self.summary.add_finding(&finding);
            if finding.status == 401
                && config
                    .fail_on
                    .as_ref()
                    .is_none_or(|causes| causes.contains(&finding.cause))
            {
                self.failing = true;
            }
            if config.filters.keeps(&finding) {
                if let Some(fp) = report::fingerprint_of(&finding) {
                    shown_credentials.insert(fp.to_owned());
                }
                self.explained |= config.presentation.explain == Some(finding.number as usize);
                self.advice.add(&finding);
                writer.finding(&finding)?;
            }
        }
        self.summary.add_input(&output.stats);
        self.failed |= output.stats.failed;
        // A filtered report shows the timelines of the credentials its findings show.
        let narrows = config.filters.narrows();
        self.timelines.extend(
            output
                .timelines
                .into_iter()
                .filter(|t| !narrows || shown_credentials.contains(&t.fingerprint))
                .map(|t| finding::Timeline {
                    source: Some(output.stats.source.clone()),
                    ..t
                }),
        );
        self.inputs.push(output.stats);
        Ok(())
    }

    /// 2 before 1 before 0: an unreadable input, then a 401 (of the `--fail-on` causes).
    fn outcome(&self) -> Outcome {
        if self.failed {
            Outcome::InputError
        } else if self.failing {
            Outcome::Unauthorized
        } else {
            Outcome::Clean
        }
    }
}

/// Identity claims name a person or a client: no report carries them unless asked.
pub(crate) fn hide_identity(finding: &mut finding::Finding) {
    if let Some(claims) = finding.credential.as_mut().and_then(|c| c.claims.as_mut()) {
        claims.sub = None;
    }
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

fn cannot_write(path: &std::path::Path, err: &io::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot write {}: {}",
        path.display(),
        input::io_message(err)
    )
}

pub(crate) fn open_output(config: &Config) -> anyhow::Result<Box<dyn Write>> {
    Ok(match &config.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).map_err(|err| cannot_write(path, &err))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

/// The writer of the format the command line asks for.
pub fn writer_for<'w>(
    config: &Config,
    out: &'w mut dyn Write,
) -> anyhow::Result<Box<dyn Writer + 'w>> {
    let how = config.presentation;
    Ok(match (config.output_format, how.explain) {
        (OutputFormat::Json | OutputFormat::Jsonl, Some(n)) => {
            Box::new(report::json::OneFinding::new(out, n))
        }
        (OutputFormat::Json, None) => Box::new(report::json::Json::new(out)?),
        (OutputFormat::Jsonl, None) => Box::new(report::json::JsonLines::new(out)),
        (OutputFormat::Csv, _) => Box::new(report::csv::Csv::new(out)?),
        (OutputFormat::Markdown, _) => Box::new(report::ForPeople::new(out, how, true)),
        (OutputFormat::Html, _) => Box::new(report::html::Html::new(out, &how)?),
        (OutputFormat::Text, _) => Box::new(report::ForPeople::new(out, how, false)),
    })
}

/// One stderr line per input that failed, so a script sees why the exit status is 2.
fn warn_about_inputs(inputs: &[parse::InputStats]) {
    for stats in inputs {
        if stats.failed {
            let reason = stats
                .errors
                .last()
                .map(
                    |e| match report::error_heading(e).strip_prefix("error at ") {
                        Some(place) => format!("{place}: {}", e.message),
                        None => e.message.clone(),
                    },
                )
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
