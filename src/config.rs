//! The command line resolved into what a run needs: formats, threads, filters, terminal
//! decisions. Every usage error is found here, before any input is read.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};

use crate::archive::Limits;
use crate::cli::{AnalyzeArgs, ColorWhen, EvidenceArgs, InputFormatArg, OutputFormatArg};
use crate::diagnose::Context;
use crate::evidence::{EvidenceContext, KeySet, Profile};
use crate::finding::Cause;
use crate::parse::Format;
use crate::report::{Filters, Presentation};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Jsonl,
    Csv,
    Markdown,
    Html,
}

/// Everything a run needs, decided once.
#[derive(Debug, Clone)]
pub struct Config {
    pub inputs: Vec<String>,
    /// `None` detects each source's format by content.
    pub input_format: Option<Format>,
    /// Read text that matches no capture format as ticket text.
    pub ticket: bool,
    pub output_format: OutputFormat,
    pub output: Option<PathBuf>,
    pub summary_csv: Option<PathBuf>,
    pub threads: usize,
    /// Show a progress bar (stderr is a terminal, not quiet, not `--no-progress`).
    pub progress: bool,
    /// Print warnings and notes to stderr.
    pub warnings: bool,
    pub presentation: Presentation,
    pub filters: Filters,
    /// With `--fail-on`: only 401s of these causes make the exit status 1.
    pub fail_on: Option<Vec<Cause>>,
    /// Print identity claims (`sub`) of tokens; hidden by default.
    pub show_identity: bool,
    pub limits: Limits,
    pub context: Context,
    /// Write partial records (`--partial`) instead of a report.
    pub partial: bool,
    /// The source name of stdin's input (`--name`).
    pub stdin_name: Option<String>,
    /// `--input-timeout`: the longest one input may take.
    pub input_timeout: Option<std::time::Duration>,
}

impl Config {
    pub fn from_args(args: AnalyzeArgs) -> anyhow::Result<Config> {
        let threads = match args.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let output_format = output_format(args.format);
        let presentation = Presentation {
            color: use_color(args.color, args.output.is_some()),
            verbose: args.verbose,
            explain: args.explain,
            max_detail: args.max_detail,
        };
        let filters = Filters {
            causes: causes(&args.cause, "--cause")?,
            host: args.host.clone(),
            since: bound_arg(args.since.as_deref(), "--since", DayEdge::Start)?,
            until: bound_arg(args.until.as_deref(), "--until", DayEdge::End)?,
        };
        let limits = limits(&args)?;
        let context = context_from_args(&args)?;
        Ok(Config {
            input_format: input_format(args.input_format),
            ticket: !args.no_ticket,
            output_format,
            output: args.output,
            summary_csv: args.summary_csv,
            threads,
            progress: !args.quiet && !args.no_progress && std::io::stderr().is_terminal(),
            warnings: !args.quiet,
            presentation,
            filters,
            fail_on: causes(&args.fail_on, "--fail-on")?,
            show_identity: args.show_identity,
            limits,
            context,
            partial: args.partial,
            inputs: inputs(args.inputs, args.files_from.as_deref())?,
            stdin_name: args.name,
            input_timeout: args
                .input_timeout
                .as_deref()
                .map(crate::partial::deadline::parse_duration)
                .transpose()
                .context("--input-timeout")?,
        })
    }
}

/// The inputs named on the command line, then those `--files-from` lists (one per line;
/// blank lines skipped).
fn inputs(mut named: Vec<String>, files_from: Option<&str>) -> anyhow::Result<Vec<String>> {
    let Some(list) = files_from else {
        return Ok(named);
    };
    let text = if list == "-" {
        if named.iter().any(|i| i == "-") {
            bail!("--files-from -: stdin cannot hold both the list and an input");
        }
        std::io::read_to_string(std::io::stdin())
            .with_context(|| "--files-from -: cannot read the list from stdin")?
    } else {
        std::fs::read_to_string(list)
            .with_context(|| format!("--files-from {list}: cannot read"))?
    };
    named.extend(
        text.lines()
            .map(|line| line.trim_end_matches('\r'))
            .filter(|line| !line.trim().is_empty())
            .map(str::to_owned),
    );
    if named.is_empty() {
        bail!("--files-from {list}: the list names no input");
    }
    Ok(named)
}

fn input_format(arg: InputFormatArg) -> Option<Format> {
    match arg {
        InputFormatArg::Auto => None,
        InputFormatArg::Har => Some(Format::Har),
        InputFormatArg::Curl => Some(Format::Curl),
        InputFormatArg::Http => Some(Format::Http),
        InputFormatArg::Jsonl => Some(Format::Jsonl),
        InputFormatArg::Ticket => Some(Format::Ticket),
    }
}

fn output_format(arg: OutputFormatArg) -> OutputFormat {
    match arg {
        OutputFormatArg::Text => OutputFormat::Text,
        OutputFormatArg::Json => OutputFormat::Json,
        OutputFormatArg::Jsonl => OutputFormat::Jsonl,
        OutputFormatArg::Csv => OutputFormat::Csv,
        OutputFormatArg::Markdown => OutputFormat::Markdown,
        OutputFormatArg::Html => OutputFormat::Html,
    }
}

/// `auto`: stdout is a terminal and `NO_COLOR` is unset or empty.
fn use_color(when: ColorWhen, to_file: bool) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            !to_file && !no_color && std::io::stdout().is_terminal()
        }
    }
}

fn causes(list: &[String], flag: &str) -> anyhow::Result<Option<Vec<Cause>>> {
    if list.is_empty() {
        return Ok(None);
    }
    let causes = list
        .iter()
        .map(|id| {
            Cause::from_id(id.trim()).with_context(|| {
                let ids: Vec<&str> = Cause::ALL.iter().map(|c| c.id()).collect();
                format!(
                    "{flag}: unknown cause '{id}'; use one of {}",
                    ids.join(", ")
                )
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Some(causes))
}

/// An RFC 3339 time given on the command line.
pub fn time_arg(text: Option<&str>, flag: &str) -> anyhow::Result<Option<DateTime<Utc>>> {
    let Some(text) = text else {
        return Ok(None);
    };
    match crate::time::parse_iso(text) {
        Some(stamp) => Ok(Some(stamp.at)),
        None => bail!("{flag}: '{text}' is not an RFC 3339 time such as 2024-03-08T14:23:45Z"),
    }
}

/// Which end of a day a date alone stands for.
#[derive(Debug, Clone, Copy)]
enum DayEdge {
    Start,
    End,
}

/// A filter bound: an RFC 3339 time, or a date alone (`2024-11-01`): its first instant for
/// `--since`, its last millisecond for `--until`, in UTC.
fn bound_arg(
    text: Option<&str>,
    flag: &str,
    edge: DayEdge,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let Some(text) = text else {
        return Ok(None);
    };
    let Ok(day) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") else {
        return time_arg(Some(text), flag).map_err(|_| {
            anyhow::anyhow!(
                "{flag}: '{text}' is neither a date (2024-03-08) nor an RFC 3339 time (2024-03-08T14:23:45Z)"
            )
        });
    };
    let start = day.and_time(chrono::NaiveTime::MIN).and_utc();
    Ok(Some(match edge {
        DayEdge::Start => start,
        DayEdge::End => start + chrono::Duration::days(1) - chrono::Duration::milliseconds(1),
    }))
}

/// The limits of the command line. The archive limits travel with the run's options; the
/// readers' and the finding store's are process-wide settings (readers take no options).
fn limits(args: &AnalyzeArgs) -> anyhow::Result<Limits> {
    let mut limits = Limits::default();
    if let Some(size) = &args.max_member_size {
        limits.member_bytes = parse_size(size).context("--max-member-size")?;
    }
    if let Some(size) = &args.max_archive_size {
        limits.archive_bytes = parse_size(size).context("--max-archive-size")?;
    }
    if let Some(depth) = args.max_archive_depth {
        limits.max_depth = at_least_one(depth, "--max-archive-depth")?;
    }
    if let Some(depth) = args.max_json_depth {
        crate::parse::har::set_max_json_depth(at_least_one(depth, "--max-json-depth")?);
    }
    if let Some(size) = &args.max_line {
        let bytes = parse_size(size).context("--max-line")?;
        let bytes = usize::try_from(bytes).context("--max-line: too large")?;
        crate::parse::lines::set_max_line(at_least_one(bytes, "--max-line")?);
    }
    if let Some(findings) = args.max_findings_in_memory {
        crate::store::set_in_memory(at_least_one(findings, "--max-findings-in-memory")?);
    }
    if let Some(size) = &args.max_body_excerpt {
        let bytes = size_flag(size, "--max-body-excerpt")?;
        crate::model::set_body_limit(bytes);
    }
    if let Some(size) = &args.max_header_bytes {
        let bytes = size_flag(size, "--max-header-bytes")?;
        crate::parse::headers::set_max_header_bytes(bytes);
    }
    if let Some(count) = args.max_credentials_tracked {
        let count = at_least_one(count, "--max-credentials-tracked")?;
        crate::diagnose::capture::set_max_credentials(count);
    }
    Ok(limits)
}

/// A size flag's value in bytes, at least 1.
fn size_flag(size: &str, flag: &str) -> anyhow::Result<usize> {
    let bytes = parse_size(size).context(flag.to_owned())?;
    let bytes = usize::try_from(bytes).with_context(|| format!("{flag}: too large"))?;
    at_least_one(bytes, flag)
}

fn at_least_one(value: usize, flag: &str) -> anyhow::Result<usize> {
    if value == 0 {
        bail!("{flag} must be at least 1");
    }
    Ok(value)
}

/// `512`, `64K`, `512M`, `4G` (powers of 1024).
pub fn parse_size(text: &str) -> anyhow::Result<u64> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, ""),
    };
    let number: u64 = digits
        .parse()
        .with_context(|| format!("'{text}' is not a size such as 512M"))?;
    let factor: u64 = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => bail!("'{text}' is not a size such as 512M"),
    };
    number
        .checked_mul(factor)
        .with_context(|| format!("'{text}' is too large"))
}

/// The judgement's settings from the command line: profile, keys, `--at`, `--leeway`.
/// Flags win over the profile, the profile over defaults. Unreadable files are usage errors.
fn context_from_args(args: &crate::cli::AnalyzeArgs) -> anyhow::Result<Context> {
    let evidence = evidence_context(&args.evidence)?;
    Ok(Context {
        evidence,
        include_403: args.include_403,
        // The HTML report opens every finding into its explanation.
        explain: args.explain.is_some() || args.format == OutputFormatArg::Html,
    })
}

/// The evidence settings from the flags: flags win over the profile, the profile over
/// defaults. Unreadable files are usage errors.
pub fn evidence_context(flags: &EvidenceArgs) -> anyhow::Result<EvidenceContext> {
    let profile = flags
        .profile
        .as_deref()
        .map(Profile::load)
        .transpose()
        .context("--profile")?;
    let mut keys: Option<KeySet> = None;
    if let Some(path) = &flags.jwks {
        keys = Some(KeySet::from_jwks_file(path).context("--jwks")?);
    }
    if let Some(path) = &flags.key {
        let key = KeySet::from_key_file(path).context("--key")?;
        match keys.as_mut() {
            Some(set) => set.merge(key),
            None => keys = Some(key),
        }
    }
    let at = time_arg(flags.at.as_deref(), "--at")?;
    let leeway = flags.leeway.map(|l| l.min(i64::MAX as u64) as i64);
    EvidenceContext::resolve(profile, keys, at, leeway).context("--profile jwks")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512").unwrap(), 512);
        assert_eq!(parse_size("64K").unwrap(), 65536);
        assert_eq!(parse_size("2M").unwrap(), 2 << 20);
        assert_eq!(parse_size("1GiB").unwrap(), 1 << 30);
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn cause_lists() {
        let list = vec!["expired_token".to_owned(), " clock_skew".to_owned()];
        assert_eq!(
            causes(&list, "--cause").unwrap(),
            Some(vec![Cause::ExpiredToken, Cause::ClockSkew])
        );
        assert!(causes(&["nope".to_owned()], "--cause").is_err());
    }
}
