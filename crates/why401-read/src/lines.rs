//! Line handling shared by the text readers: bounded lines, lossy decoding, binary input
//! and read errors reported without quoting content.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{self, BufRead};

use why401_model::setting::Setting;

use super::{Fatal, Sink, for_each_line};
use chrono::{DateTime, Utc};
use why401_model::exchange::{Location, ServerTime, ServerTimeSource};

/// The longest line a text reader reads by default; a longer one is reported and skipped.
pub const MAX_LINE: usize = 4 * 1024 * 1024;

/// The line limit set by `--max-line` for every line-oriented reader; 0 leaves each
/// reader its default. Process-wide: the readers take no options.
static MAX_LINE_SET: Setting = Setting::new(MAX_LINE);

/// Sets the line limit of every line-oriented reader (`--max-line`).
pub fn set_max_line(bytes: usize) {
    MAX_LINE_SET.set(bytes);
}

/// The line limit: `--max-line` when given, else the reader's `default`.
pub fn max_line(default: usize) -> usize {
    MAX_LINE_SET.get_or(default)
}

/// A size for messages: whole MiB or KiB when it is one, else bytes.
pub fn size_text(bytes: usize) -> String {
    const MIB: usize = 1 << 20;
    const KIB: usize = 1 << 10;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// The record error of a line (of `len` bytes, when known) longer than `limit`: it names
/// the limit's flag, so the input's `limit_hit` note counts it.
pub fn too_long_message(len: Option<usize>, limit: usize) -> String {
    let line = match len {
        Some(len) => format!("line of {len} bytes"),
        None => "line".to_owned(),
    };
    format!(
        "{line} is longer than the {} limit; skipped (raise it with --max-line)",
        size_text(limit)
    )
}

/// A timestamp a log wrote (the server's clock); `assumed_utc` when it named no offset.
pub fn log_stamp(at: DateTime<Utc>, assumed_utc: bool) -> ServerTime {
    ServerTime {
        at,
        source: ServerTimeSource::LogTimestamp,
        assumed_utc,
    }
}

/// A log's ISO 8601 / RFC 3339 timestamp, read as UTC when it has no offset.
pub fn iso_log_time(text: &str) -> Option<ServerTime> {
    let stamp = why401_model::time::parse_iso(text)?;
    Some(log_stamp(stamp.at, !stamp.had_offset))
}

/// A text reader fed one line at a time.
pub trait LineReader {
    /// A line of at most [`max_line`] bytes, without its line ending.
    fn line(&mut self, number: u64, bytes: &[u8]);
    /// A line too long to read, of `len` bytes.
    fn long_line(&mut self, number: u64, len: usize);
    /// The input is over (or could not be read further).
    fn finish(self);
}

/// Feeds the lines of `input` to `reader` and finishes it; what was read before a read error
/// is kept.
pub fn read_lines(input: &mut dyn BufRead, reader: impl LineReader) -> Result<(), Fatal> {
    let reader = RefCell::new(reader);
    let result = for_each_line(
        input,
        max_line(MAX_LINE),
        |number, bytes| reader.borrow_mut().line(number, bytes),
        |number, len| reader.borrow_mut().long_line(number, len),
    );
    reader.into_inner().finish();
    result.map_err(|err| read_failure(&err))
}

/// Decodes a line as UTF-8, replacing invalid bytes.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    // Checking valid UTF-8 (nearly every line) is faster than walking it chunk by chunk.
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// A line no text capture contains: NUL bytes or mostly control characters.
pub fn is_binary(bytes: &[u8]) -> bool {
    if memchr::memchr(0, bytes).is_some() {
        return true;
    }
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\x1b' | b'\x0c'))
        .count();
    bytes.len() >= 8 && controls * 4 > bytes.len()
}

/// What a reader remembers about lines it could not use.
#[derive(Debug, Default)]
pub struct LineTrouble {
    first_binary: Option<u64>,
}

impl LineTrouble {
    pub fn binary(&mut self, number: u64) {
        self.first_binary.get_or_insert(number);
    }

    /// A line over the line limit: one record error naming the line.
    pub fn too_long(sink: &mut Sink, number: u64, len: usize) {
        sink.error(
            Location::Line(number),
            too_long_message(Some(len), max_line(MAX_LINE)),
        );
    }

    /// At the end: an input that gave no exchange and held binary data says so.
    pub fn finish(&self, sink: &mut Sink) {
        if let (Some(line), 0) = (self.first_binary, sink.stats.exchanges) {
            sink.error(
                Location::Line(line),
                "binary data, not a text capture; no exchange read",
            );
        }
    }
}

/// A read error that stops a text reader.
pub fn read_failure(err: &io::Error) -> Fatal {
    let message = match err.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => {
            format!("cannot decode: {err}")
        }
        _ => format!("cannot read: {}", crate::input::io_message(err)),
    };
    Fatal::new(Location::Whole, message)
}
