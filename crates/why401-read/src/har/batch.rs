//! Framed entries in batches: each entry parsed into its exchange or its error, and passed
//! on in entry order.

use std::ops::Range;

use serde_json::error::Category;

use super::entry::RawEntry;
use super::{BATCH_BYTES, BATCH_ENTRIES, ENTRY_LIMIT, KEEP_BUFFER, body};
use crate::{Fatal, Sink};
use why401_model::exchange::{Exchange, Location};

/// Framed entries waiting to be parsed, their bytes back to back in one buffer.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) bytes: Vec<u8>,
    pub(super) entries: Vec<Framed>,
}

impl Batch {
    pub(super) fn is_full(&self) -> bool {
        self.bytes.len() >= BATCH_BYTES || self.entries.len() >= BATCH_ENTRIES
    }

    /// An emptied batch, its buffers kept for the next one unless one entry made them big.
    pub(super) fn recycle(mut self) -> Batch {
        if self.bytes.capacity() > KEEP_BUFFER {
            return Batch::default();
        }
        self.bytes.clear();
        self.entries.clear();
        self
    }
}

/// One element of `log.entries`, framed.
pub(super) struct Framed {
    /// Its position in `log.entries`.
    pub(super) n: u64,
    /// Its byte offset in the input.
    pub(super) start: u64,
    /// Its bytes in [`Batch::bytes`]; `None` when it was too large and skipped.
    pub(super) bytes: Option<Range<usize>>,
    /// Where its response body's content is in [`Batch::bytes`], when framing found one.
    pub(super) body: Option<Range<usize>>,
}

/// What became of a framed entry.
// Nearly every entry is an exchange: boxing it would only add an allocation to each.
#[allow(clippy::large_enum_variant)]
pub(super) enum Parsed {
    Exchange(Exchange),
    /// An exchange read from an entry with something wrong in it: listed as a record
    /// error at `entries[n]`, and the exchange still passed on.
    Odd(Exchange, u64, String),
    /// A record error at `entries[n]`; the entry keeps its index.
    Error(u64, String),
    /// The rest of the input cannot be read.
    Fatal(Fatal),
}

/// How framing a batch stopped.
pub(super) enum Framing {
    /// The batch is full; more entries follow.
    More,
    /// `log.entries` ended.
    End,
    /// The document is broken after the entries framed so far.
    Broken(Fatal),
}

impl Framing {
    /// The result of reading `log.entries` once the last batch is passed on.
    pub(super) fn finish(self) -> Result<(), Fatal> {
        match self {
            Framing::Broken(fatal) => Err(fatal),
            Framing::More | Framing::End => Ok(()),
        }
    }
}

/// Parses a batch of framed entries, in order.
pub(super) fn parse_batch(batch: &Batch) -> Vec<Parsed> {
    let mut scratch = String::new();
    batch
        .entries
        .iter()
        .map(|framed| match &framed.bytes {
            Some(range) => parse_entry(
                &batch.bytes[range.clone()],
                framed.n,
                framed.start,
                framed.body.clone(),
                &mut scratch,
            ),
            None => Parsed::Error(
                framed.n,
                format!("entry larger than {} MiB; skipped", ENTRY_LIMIT >> 20),
            ),
        })
        .collect()
}

/// Passes parsed entries on in order; a fatal one stops the input there.
pub(super) fn deliver(parsed: Vec<Parsed>, sink: &mut Sink) -> Result<(), Fatal> {
    for outcome in parsed {
        match outcome {
            Parsed::Exchange(exchange) => sink.exchange(exchange),
            Parsed::Odd(exchange, n, message) => {
                sink.error(Location::Entry(n), message);
                sink.exchange(exchange);
            }
            Parsed::Error(n, message) => sink.error_taking_index(Location::Entry(n), message),
            Parsed::Fatal(fatal) => return Err(fatal),
        }
    }
    Ok(())
}

/// Reads one captured entry (`start` is its byte offset in the input) into its exchange,
/// or says why it cannot be read. Invalid UTF-8 stops the input. With `body` (where its
/// response body's content is in `bytes`), the body is first decoded apart (`scratch`
/// holds the rest of the entry).
pub(super) fn parse_entry(
    bytes: &[u8],
    n: u64,
    start: u64,
    body: Option<Range<usize>>,
    scratch: &mut String,
) -> Parsed {
    let here = Location::Entry(n);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            return Parsed::Fatal(Fatal::new(
                here,
                format!(
                    "invalid UTF-8 at byte {}: a HAR file must be UTF-8",
                    start + err.valid_up_to() as u64
                ),
            ));
        }
    };
    if !text.starts_with('{') {
        return Parsed::Error(n, "entry is not a JSON object".into());
    }
    let read = body.and_then(|body| body::read_entry(text, body, n, scratch));
    let read = match read {
        Some(read) => read,
        None => match serde_json::from_str::<RawEntry>(text) {
            Ok(raw) => raw.into_checked(n),
            Err(err) => return Parsed::Error(n, describe_entry_error(&err, text, start)),
        },
    };
    match read {
        Some((exchange, None)) => Parsed::Exchange(exchange),
        Some((exchange, Some(oddity))) => Parsed::Odd(exchange, n, oddity),
        None => Parsed::Error(n, "entry has no \"request\" object".into()),
    }
}

/// A serde_json error as a message that never quotes the input (serde_json's messages for
/// wrong types quote the offending value, which may be a token).
pub(super) fn describe_entry_error(err: &serde_json::Error, text: &str, start: u64) -> String {
    let full = err.to_string();
    let what = full
        .rfind(" at line ")
        .map_or(full.as_str(), |i| &full[..i]);
    let at = start + byte_offset(text, err.line(), err.column());
    match err.classify() {
        Category::Data if what.contains(['"', '\'']) || what.len() > 80 => {
            format!("entry has a value of an unexpected type near byte {at}")
        }
        Category::Data => format!("entry cannot be read: {what} (near byte {at})"),
        _ => format!("entry is not valid JSON: {what} at byte {at}"),
    }
}

/// The byte offset of serde_json's 1-based line and column in `text`.
fn byte_offset(text: &str, line: usize, column: usize) -> u64 {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(line - 2)
            .map_or(text.len(), |i| i + 1)
    };
    (line_start + column.saturating_sub(1)) as u64
}
