//! The run: expand inputs into sources, read them in parallel, judge each source in one
//! sequential pass, and gather the results in a deterministic order.

use std::io::{self, BufRead, Read};
use std::sync::Arc;

use rayon::prelude::*;

use crate::archive::{self, Member};
use crate::diagnose::{Context, SourceJudge};
use crate::finding::Timeline;
use crate::input::{self, Container, Place, SourceSpec};
use crate::model::Location;
use crate::parse::{self, Format, InputStats, Sink, detect, ticket};
use crate::progress::Progress;
use crate::store::FindingStore;

/// What one source produced.
#[derive(Debug)]
pub struct SourceOutput {
    pub stats: InputStats,
    pub findings: FindingStore,
    /// Credentials' lives in this source (those that failed at least once).
    pub timelines: Vec<Timeline>,
}

impl SourceOutput {
    pub fn empty(stats: InputStats) -> SourceOutput {
        SourceOutput {
            stats,
            findings: FindingStore::default(),
            timelines: Vec::new(),
        }
    }
}

/// How a source is to be read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions<'a> {
    pub forced_format: Option<Format>,
    /// Text that matches no capture format is read as ticket text.
    pub ticket: bool,
    pub context: &'a Context,
    pub limits: archive::Limits,
    /// Keep every finding in memory (for `--explain`), never spilling to disk.
    pub keep_findings: bool,
}

/// Sources read in parallel at a time. Fixed, so the report does not depend on `-j`; each
/// window's results are handed on in name order before the next window starts, which bounds
/// what waits in memory.
const WINDOW: usize = 16;

/// One unit of work: a source to read, or a path that could not be expanded.
enum Job {
    Read(SourceSpec),
    Missing(input::PathError),
}

impl Job {
    fn name(&self) -> &str {
        match self {
            Job::Read(spec) => &spec.name,
            Job::Missing(err) => &err.name,
        }
    }
}

/// Reads every input, sources in parallel on `threads` threads, and hands each source's
/// output to `consume` in source-name order (then `index` order inside a source), so the
/// report is the same whatever the thread count and streams at any size.
///
/// With `input_timeout`, a source not read within it is an error (see
/// [`crate::partial::deadline`]).
pub fn analyze(
    inputs: &[String],
    options: ReadOptions,
    input_timeout: Option<std::time::Duration>,
    threads: usize,
    progress: &Progress,
    consume: &mut dyn FnMut(SourceOutput) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let (sources, path_errors) = input::expand(inputs);
    let mut jobs: Vec<Job> = sources.into_iter().map(Job::Read).collect();
    jobs.extend(path_errors.into_iter().map(Job::Missing));
    jobs.sort_by(|a, b| a.name().as_bytes().cmp(b.name().as_bytes()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    for window in jobs.chunks(WINDOW) {
        let mut outputs: Vec<SourceOutput> = pool.install(|| {
            window
                .par_iter()
                .map(|job| run_job(job, options, input_timeout, progress))
                .collect::<Vec<_>>()
                .into_iter()
                .flatten()
                .collect()
        });
        outputs.sort_by(|a, b| a.stats.source.as_bytes().cmp(b.stats.source.as_bytes()));
        for output in outputs {
            consume(output)?;
        }
    }
    Ok(())
}

fn run_job(
    job: &Job,
    options: ReadOptions,
    input_timeout: Option<std::time::Duration>,
    progress: &Progress,
) -> Vec<SourceOutput> {
    match job {
        Job::Read(spec) => match input_timeout {
            Some(limit) => crate::partial::deadline::analyze_spec(spec, options, progress, limit),
            None => analyze_spec(spec, options, |raw| progress.wrap(raw)),
        },
        Job::Missing(err) => vec![failed(&err.name, format!("cannot read: {}", err.message))],
    }
}

/// Reads one source; `wrap` layers the raw bytes (progress counting, a deadline).
pub(crate) fn analyze_spec<'a>(
    spec: &SourceSpec,
    options: ReadOptions,
    wrap: impl FnOnce(Box<dyn Read>) -> Box<dyn Read + 'a>,
) -> Vec<SourceOutput> {
    let raw = match input::open(&spec.place) {
        Ok(raw) => wrap(raw),
        Err(err) => {
            return vec![failed(
                &spec.name,
                format!("cannot open: {}", input::io_message(&err)),
            )];
        }
    };
    let from_stdin = spec.place == Place::Stdin;
    analyze_stream(&spec.name, spec.explicit || from_stdin, raw, options, 0)
}

/// A link inside an archive: listed, never followed.
fn link_member(member: &str) -> SourceOutput {
    let mut output = text_source(member);
    output.stats.note(
        "link_skipped",
        "a symbolic or hard link inside the archive; not followed",
    );
    output
}

/// Reads one stream: peels compression, expands archives, detects the format, parses and
/// judges. `depth` counts archive nesting.
pub fn analyze_stream<'a>(
    name: &str,
    explicit: bool,
    raw: Box<dyn Read + 'a>,
    options: ReadOptions,
    depth: usize,
) -> Vec<SourceOutput> {
    let peeked = match input::peek(raw, detect::PREFIX_LEN) {
        Ok(peeked) => peeked,
        Err(err) => return vec![failed(name, read_error_message(&err))],
    };
    match input::container_of(&peeked.prefix) {
        Container::Gzip => {
            let inner = input::gunzip(peeked.reader);
            let inner = archive::bounded(inner, options.limits.member_bytes);
            analyze_stream(name, explicit, inner, options, depth)
        }
        Container::Zip | Container::Tar => {
            archive::expand(name, peeked, options.limits, depth, |member| match member {
                Member::Readable {
                    name,
                    reader,
                    depth,
                } => analyze_stream(name, false, reader, options, depth),
                Member::Failed { name, message } => vec![failed(name, message)],
                Member::Link { name } => vec![link_member(name)],
            })
        }
        Container::Plain => vec![analyze_text(name, explicit, peeked, options)],
    }
}

fn analyze_text(
    name: &str,
    explicit: bool,
    peeked: input::Peeked<'_>,
    options: ReadOptions,
) -> SourceOutput {
    let text = match input::normalize_text(peeked) {
        Ok(text) => text,
        Err(err) => return failed(name, read_error_message(&err)),
    };
    let peeked = match input::peek(Box::new(text), detect::PREFIX_LEN) {
        Ok(peeked) => peeked,
        Err(err) => return failed(name, read_error_message(&err)),
    };
    let format = options.forced_format.or_else(|| {
        let hint = input::extension_hint(name);
        detect::detect(&peeked.prefix, hint.as_deref())
            .map(|format| match format {
                Format::Http if options.ticket && ticket::prefers_ticket(&peeked.prefix) => {
                    Format::Ticket
                }
                other => other,
            })
            .or_else(|| ticket_text(options.ticket, hint.as_deref(), &peeked.prefix))
    });
    let source: Arc<str> = Arc::from(name);
    let blank = peeked.prefix.iter().all(u8::is_ascii_whitespace);
    let Some(format) = format else {
        let kind = if peeked.prefix.is_empty() {
            Unread::Empty
        } else if looks_like_text(&peeked.prefix) {
            Unread::Text
        } else {
            Unread::Binary
        };
        return not_a_capture(source, explicit, kind);
    };
    let retry_as_ticket = ticket_retry_text(format, &peeked.prefix, options);
    let mut reader = peeked.reader;
    let mut output = read_and_judge(
        source,
        format,
        &mut reader,
        options.context,
        options.keep_findings,
    );
    if let Some(text) = retry_as_ticket.filter(|_| read_nothing(&output)) {
        output = read_and_judge(
            output.stats.source.clone(),
            Format::Ticket,
            &mut std::io::Cursor::new(text),
            options.context,
            options.keep_findings,
        );
    }
    // An input that already failed says why; one that read fine but found nothing must say so.
    if output.stats.exchanges == 0 && !blank && !output.stats.failed {
        if quiet_text_in_walk(&output.stats, explicit) {
            return not_a_capture(output.stats.source, false, Unread::Text);
        }
        nothing_read(&mut output.stats, explicit, options.forced_format.is_some());
    }
    output
}

/// The whole text of a short input detected (not forced) as JSON lines, to be read again as
/// ticket text if the JSON reader finds nothing in it: a pasted error line ending in the
/// server's JSON body (`unexpected status code 401: {…}`) looks like a prefixed JSON log.
/// A log whose lines start with their JSON is a JSON log whatever it holds, and keeps its
/// JSON reader's verdict.
fn ticket_retry_text(format: Format, prefix: &[u8], options: ReadOptions) -> Option<Vec<u8>> {
    let whole = prefix.len() < detect::PREFIX_LEN;
    let detected = options.forced_format.is_none();
    let words_first = prefix
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .find(|line| !line.is_empty())
        .is_some_and(|line| !line.starts_with(b"{") && !line.starts_with(b"["));
    (format == Format::Jsonl && detected && whole && words_first && options.ticket)
        .then(|| prefix.to_vec())
}

/// A read that gave no exchange and no error.
fn read_nothing(output: &SourceOutput) -> bool {
    output.stats.exchanges == 0 && output.stats.errors_total == 0 && !output.stats.failed
}

/// The note (or, for an input named on the command line, the error) of an input that was
/// read as a format but gave no exchange: never a silent "0 unauthorized".
pub use why401_model::input::NO_EXCHANGE;

/// An input with text in it from which its format's reader took no exchange.
fn nothing_read(stats: &mut InputStats, explicit: bool, forced: bool) {
    // Records it could not read (a lone `{`: JSON ended early) say what is wrong and where.
    if explicit && stats.errors_total > 0 {
        stats.failed = true;
        return;
    }
    let format = stats.format.as_str();
    let message = if stats.format == Format::Ticket {
        "read as ticket text but no HTTP response was reported in it (no status, error or \
         challenge); if it is a capture, name its format with --input-format"
            .to_owned()
    } else if forced {
        format!("read as {format} but no exchange was found; try --input-format auto")
    } else {
        format!(
            "read as {format} but no exchange was found; \
             try --input-format with another format"
        )
    };
    if explicit {
        stats.fail(Location::Whole, message);
    } else {
        stats.note(NO_EXCHANGE, message);
    }
}

/// A text met in a folder or archive walk that reports no response (a README, notes) stays
/// listed as not a capture, as before ticket text was read.
fn quiet_text_in_walk(stats: &InputStats, explicit: bool) -> bool {
    !explicit && stats.format == Format::Ticket && stats.errors_total == 0
}

/// Parses a source and judges its exchanges as they stream out of the reader.
pub fn read_and_judge(
    source: Arc<str>,
    format: Format,
    reader: &mut dyn BufRead,
    context: &Context,
    keep_findings: bool,
) -> SourceOutput {
    let mut judge = SourceJudge::new(context).reading(format);
    let mut findings = FindingStore::new(keep_findings);
    let mut ready = Vec::new();
    let mut stats = {
        let mut emit = |exchange| {
            judge.push(exchange, &mut ready);
            ready.drain(..).for_each(|f| findings.push(f));
        };
        let mut sink = Sink::new(InputStats::new(source, format), &mut emit);
        parse::read(format, reader, &mut sink);
        sink.into_stats()
    };
    let timelines = judge.finish(&mut stats, &mut ready);
    ready.into_iter().for_each(|f| findings.push(f));
    if findings.spilled() {
        stats.limit_hit("--max-findings-in-memory");
    }
    if findings.lost > 0 {
        stats.note(
            "findings_lost",
            format!(
                "{} finding(s) could not be kept (the temporary file for large results failed)",
                findings.lost
            ),
        );
    }
    SourceOutput {
        stats,
        findings,
        timelines,
    }
}

/// Text that matched no capture format is ticket text, unless refused, binary, or a
/// source-code file (by its extension).
fn ticket_text(allowed: bool, extension: Option<&str>, prefix: &[u8]) -> Option<Format> {
    if !looks_like_text(prefix) {
        return None;
    }
    const SOURCE_CODE: [&str; 18] = [
        "py", "js", "ts", "jsx", "tsx", "java", "kt", "go", "rs", "rb", "php", "cs", "c", "cpp",
        "h", "swift", "scala", "mjs",
    ];
    let code = extension.is_some_and(|e| SOURCE_CODE.contains(&e.to_ascii_lowercase().as_str()));
    // Code names statuses it never received, even when the file is named on purpose; force
    // `--input-format ticket` to read it anyway.
    (allowed && !code).then_some(Format::Ticket)
}

/// Not blank, no NUL byte, and mostly valid UTF-8: something a person could have pasted.
fn looks_like_text(prefix: &[u8]) -> bool {
    let text = String::from_utf8_lossy(prefix);
    let replaced = text
        .chars()
        .filter(|&c| c == char::REPLACEMENT_CHARACTER)
        .count();
    !text.trim().is_empty() && !prefix.contains(&0) && replaced * 20 <= text.chars().count()
}

/// What an input that no reader took holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unread {
    Empty,
    /// Text in no known format: a reader may be forced on it.
    Text,
    /// Binary data: no reader can read it, so no `--input-format` advice.
    Binary,
}

fn not_a_capture(source: Arc<str>, explicit: bool, kind: Unread) -> SourceOutput {
    let mut stats = InputStats::new(source, Format::Text);
    if explicit {
        let message = match kind {
            Unread::Empty => "the input is empty",
            Unread::Binary => "binary data, not a capture (a HAR, transcript, log or ticket text)",
            Unread::Text => {
                "not a HAR file, curl transcript, raw HTTP or JSON log; \
                 use --input-format to read it as one"
            }
        };
        stats.fail(Location::Whole, message);
    } else {
        stats.note(
            "not_a_capture",
            "not a HAR file, curl transcript, raw HTTP or JSON log; skipped",
        );
    }
    SourceOutput::empty(stats)
}

/// A source listed as plain text: read, but not a capture.
pub fn text_source(name: &str) -> SourceOutput {
    SourceOutput::empty(InputStats::new(Arc::from(name), Format::Text))
}

/// A source that could not be read at all.
pub fn failed(name: &str, message: String) -> SourceOutput {
    let mut stats = InputStats::new(Arc::from(name), Format::Text);
    stats.fail(Location::Whole, message);
    SourceOutput::empty(stats)
}

fn read_error_message(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
            format!("cannot decode: {err}")
        }
        _ => format!("cannot read: {}", input::io_message(err)),
    }
}
