//! `why401 sanitize`: a copy of a capture that can be shared, with every secret replaced by a
//! marker that keeps what `analyze` needs to explain each 401 (the header and scheme as sent,
//! the credential's kind, fingerprint and defects), in the input's own format and shape.
//!
//! [`secrets`] makes the markers, one value at a time; [`text`], [`trace`], [`json`] and
//! [`har`] find the values in each format; [`output`] reads files, folders, archives and
//! stdin and writes them back in the same shape.

mod digest;
mod har;
mod json;
mod output;
mod personal;
mod secrets;
mod stream;
mod text;
mod trace;

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};

use crate::cli::{InputFormatArg, SanitizeArgs};
use crate::parse::{Format, detect};
use secrets::Secrets;
use text::TextRewriter;

pub use output::file_in_memory;
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

/// The first bytes of a document, which its format is detected from (as `analyze` does).
const HEAD: u64 = 64 << 10;

/// A line longer than this is rewritten in pieces of this size (bounded memory).
const MAX_LINE: u64 = 64 << 20;

/// A `--trace` transcript is rewritten whole (its sections span lines): at most this much.
const MAX_TRACE: u64 = 4 << 30;

/// One document from `input` to `out`, sanitized in its format (`forced`, else detected from
/// its first bytes as `analyze` does), as it is read: a HAR entry by entry, JSON lines and
/// text line by line. Binary input is refused before anything is written.
pub fn stream<R: BufRead, W: Write>(
    secrets: &mut Secrets,
    mut input: R,
    out: &mut W,
    name: &str,
    forced: InputFormatArg,
) -> anyhow::Result<()> {
    let mut head = Vec::new();
    (&mut input).take(HEAD).read_to_end(&mut head)?;
    if head.contains(&0) {
        anyhow::bail!("not text");
    }
    let start = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let format = match forced {
        InputFormatArg::Auto => detect::detect(&head[start..], extension(name).as_deref()),
        InputFormatArg::Har => Some(Format::Har),
        InputFormatArg::Curl => Some(Format::Curl),
        InputFormatArg::Http => Some(Format::Http),
        InputFormatArg::Jsonl => Some(Format::Jsonl),
        InputFormatArg::Ticket => Some(Format::Ticket),
    };
    let is_trace =
        format == Some(Format::Curl) && trace::is_trace(&String::from_utf8_lossy(&head[start..]));
    let input = BufReader::with_capacity(256 << 10, (&head[start..]).chain(input));
    match format {
        Some(Format::Har) => stream::har(secrets, input, &mut *out)?,
        Some(Format::Jsonl) => lines(input, out, |line| match json::record(secrets, line) {
            Some(new) => new,
            None => TextRewriter::new(secrets).line(line),
        })?,
        _ if is_trace => {
            let mut bytes = Vec::new();
            input.take(MAX_TRACE).read_to_end(&mut bytes)?;
            let text = String::from_utf8_lossy(&bytes);
            out.write_all(trace::rewrite(&mut TextRewriter::new(secrets), &text).as_bytes())?;
        }
        _ => {
            let mut rewriter = TextRewriter::new(secrets);
            lines(input, out, |line| rewriter.line(line))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// One document in memory (an archive's member, a test's text).
pub fn document(
    secrets: &mut Secrets,
    bytes: &[u8],
    name: &str,
    forced: InputFormatArg,
) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    stream(secrets, bytes, &mut out, name, forced)?;
    Ok(out)
}

/// Each line of `input` (without its ending) rewritten by `rewrite`, to `out` with its
/// ending. A line that is not UTF-8 is rewritten from its lossy text and written back byte for
/// byte when nothing in it was replaced.
fn lines<R: BufRead, W: Write>(
    mut input: R,
    out: &mut W,
    mut rewrite: impl FnMut(&str) -> String,
) -> io::Result<()> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        (&mut input).take(MAX_LINE).read_until(b'\n', &mut buf)?;
        if buf.is_empty() {
            return Ok(());
        }
        let body_len = buf.len() - buf.iter().rev().take_while(|b| b"\r\n".contains(b)).count();
        let (body, ending) = buf.split_at(body_len);
        let text = String::from_utf8_lossy(body);
        let new = rewrite(&text);
        if new == text {
            out.write_all(body)?;
        } else {
            out.write_all(new.as_bytes())?;
        }
        out.write_all(ending)?;
    }
}

fn extension(name: &str) -> Option<String> {
    crate::input::extension_hint(name)
}
