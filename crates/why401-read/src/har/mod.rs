//! The HAR reader: streams `log.entries` one entry at a time, whatever the file's size or
//! line length, and reads each entry leniently (every field optional, odd types tolerated).
//!
//! A byte-level framer ([`scan`]) walks the document's outer objects and cuts out one entry
//! at a time into a reused buffer (long strings cut to their head); serde_json then reads
//! that entry with borrowed structs ([`entry`]). A bad entry is a record error at
//! `entries[N]` and the next entry is read; a broken document (truncated, unbalanced,
//! nested too deep, invalid UTF-8) stops the input with a [`Fatal`] error, keeping the
//! exchanges already emitted.

mod batch;
mod body;
mod entry;
mod lenient;
mod sanitized;
mod scan;

use std::io::BufRead;

use serde::Deserialize;

use self::batch::{Batch, Framed, Framing, deliver, parse_batch};
use self::lenient::Text;
use self::scan::{Limits, ScanError, Scanner};
pub use self::scan::{max_depth as max_json_depth, set_max_depth as set_max_json_depth};
use super::{Fatal, Sink};
use crate::input::io_message;
use why401_model::exchange::Location;

/// Raw bytes kept of any one string of an entry: enough for 64 KiB of body text even when
/// every character is escaped (`\u00e9` is 6 bytes) or base64-encoded; eight times a
/// larger `--max-body-excerpt` ([`string_limit`]).
const STRING_LIMIT: usize = 512 * 1024;

/// Raw bytes kept of any one string of an entry, for the body excerpt size in force.
fn string_limit() -> usize {
    STRING_LIMIT.max(why401_model::exchange::body_limit().saturating_mul(8))
}

/// An entry larger than this (after cutting long strings) is skipped as a record error.
const ENTRY_LIMIT: usize = 32 * 1024 * 1024;

/// Entries are framed in batches of about this many bytes (or [`BATCH_ENTRIES`] entries),
/// which bounds memory whatever the file's size.
const BATCH_BYTES: usize = 1024 * 1024;
const BATCH_ENTRIES: usize = 512;

/// A batch buffer is released rather than reused after holding more than this (one big
/// entry does not hold memory for the rest of the file).
const KEEP_BUFFER: usize = 4 * 1024 * 1024;

/// How much of an entry is captured.
fn entry_limits() -> Limits {
    Limits {
        string: string_limit(),
        total: ENTRY_LIMIT,
        watch_body: true,
    }
}

/// Object keys and `log.creator` are small; larger ones are only skipped.
const SMALL_LIMITS: Limits = Limits {
    string: 1024,
    total: 64 * 1024,
    watch_body: false,
};

/// Reads a HAR document into `sink`, one exchange per `log.entries` element.
pub fn read(input: &mut dyn BufRead, sink: &mut Sink) -> Result<(), Fatal> {
    let mut document = Document {
        scan: Scanner::new(input),
        scratch: Vec::new(),
        next_entry: 0,
        saw_entries: false,
        first_entry: true,
    };
    document.read(sink)
}

struct Document<'r> {
    scan: Scanner<'r>,
    /// Keys and other small values.
    scratch: Vec<u8>,
    /// The position of the next element of `log.entries`.
    next_entry: u64,
    saw_entries: bool,
    /// No element of `log.entries` was framed yet (no comma expected).
    first_entry: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Creator<'a> {
    #[serde(borrow)]
    name: Text<'a>,
}

impl Document<'_> {
    fn read(&mut self, sink: &mut Sink) -> Result<(), Fatal> {
        self.scan
            .skip_bom()
            .map_err(|e| self.fatal(Location::Whole, e))?;
        match self.peek(Location::Whole)? {
            None => return Err(Fatal::new(Location::Whole, "the HAR file is empty")),
            Some(b'{') => self.scan.bump(),
            Some(_) => {
                return Err(Fatal::new(
                    Location::Whole,
                    "not a HAR file: the document is not a JSON object",
                ));
            }
        }
        let mut saw_log = false;
        let mut first = true;
        while let Some(key) = self.next_key(&mut first, Location::Whole)? {
            if key == "log" {
                saw_log = true;
                self.read_log(sink)?;
            } else {
                self.skip_value(Location::Whole)?;
            }
        }
        if !saw_log {
            return Err(Fatal::new(
                Location::Whole,
                "not a HAR file: it has no \"log\" object",
            ));
        }
        if self.peek(Location::Whole)?.is_some() {
            sink.error(
                Location::Whole,
                format!(
                    "data after the end of the HAR document (byte {}) was ignored",
                    self.scan.offset()
                ),
            );
        }
        Ok(())
    }

    fn read_log(&mut self, sink: &mut Sink) -> Result<(), Fatal> {
        if self.peek(Location::Whole)? != Some(b'{') {
            return Err(Fatal::new(
                Location::Whole,
                "not a HAR file: \"log\" is not a JSON object",
            ));
        }
        self.scan.bump();
        let mut first = true;
        while let Some(key) = self.next_key(&mut first, Location::Whole)? {
            match key.as_str() {
                "entries" if self.peek(Location::Whole)? == Some(b'[') => {
                    self.saw_entries = true;
                    self.read_entries(sink)?;
                }
                "creator" => self.read_creator(sink)?,
                _ => self.skip_value(Location::Whole)?,
            }
        }
        if !self.saw_entries {
            return Err(Fatal::new(
                Location::Whole,
                "not a HAR file: \"log\" has no \"entries\" array",
            ));
        }
        Ok(())
    }

    /// `log.creator.name`, wherever `creator` comes (Fiddler writes it after `entries`).
    fn read_creator(&mut self, sink: &mut Sink) -> Result<(), Fatal> {
        self.scratch.clear();
        let captured = self
            .scan
            .value(Some(&mut self.scratch), SMALL_LIMITS)
            .map_err(|e| self.fatal(Location::Whole, e))?;
        if captured.too_large {
            return Ok(());
        }
        if let Ok(creator) = serde_json::from_slice::<Creator>(&self.scratch)
            && let Some(name) = creator.name.non_empty()
        {
            sink.stats.strips_credentials = sanitized::strips_credentials(name);
        }
        Ok(())
    }

    /// Reads `log.entries` one batch of entries after another: framing a batch, then
    /// parsing it and passing its exchanges on. The sink sees exchanges and errors in entry
    /// order, and nothing after a fatal error.
    fn read_entries(&mut self, sink: &mut Sink) -> Result<(), Fatal> {
        self.scan.bump();
        self.first_entry = true;
        let mut batch = Batch::default();
        loop {
            let framing = self.frame_batch(&mut batch);
            deliver(parse_batch(&batch), sink)?;
            if !matches!(framing, Framing::More) {
                return framing.finish();
            }
            batch = batch.recycle();
        }
    }

    /// Frames entries into `batch` until it is full or `log.entries` ends.
    fn frame_batch(&mut self, batch: &mut Batch) -> Framing {
        loop {
            match self.next_element() {
                Ok(true) => {}
                Ok(false) => return Framing::End,
                Err(fatal) => return Framing::Broken(fatal),
            }
            if let Err(fatal) = self.frame_entry(batch) {
                return Framing::Broken(fatal);
            }
            if batch.is_full() {
                return Framing::More;
            }
        }
    }

    /// Moves to the next element of `log.entries`: false after its `]` (also after a
    /// trailing comma).
    fn next_element(&mut self) -> Result<bool, Fatal> {
        let here = Location::Entry(self.next_entry);
        let mut next = self.peek(here)?;
        if !self.first_entry {
            match next {
                Some(b',') => {
                    self.scan.bump();
                    next = self.peek(here)?;
                }
                Some(b']') => {}
                Some(byte) => return Err(self.unexpected(here, byte, "',' or ']'")),
                None => return Err(self.fatal(here, ScanError::Eof)),
            }
        }
        self.first_entry = false;
        match next {
            Some(b']') => {
                self.scan.bump();
                Ok(false)
            }
            Some(_) => Ok(true),
            None => Err(self.fatal(here, ScanError::Eof)),
        }
    }

    /// Cuts the next entry out of the input into `batch`.
    fn frame_entry(&mut self, batch: &mut Batch) -> Result<(), Fatal> {
        let n = self.next_entry;
        self.next_entry += 1;
        let start = self.scan.offset();
        let from = batch.bytes.len();
        let captured = self
            .scan
            .value(Some(&mut batch.bytes), entry_limits())
            .map_err(|e| self.fatal(Location::Entry(n), e))?;
        let bytes = (!captured.too_large).then_some(from..batch.bytes.len());
        let body = captured
            .body
            .filter(|body| body.len() >= body::MIN_LEN)
            .map(|body| body.start - from..body.end - from);
        batch.entries.push(Framed {
            n,
            start,
            bytes,
            body,
        });
        Ok(())
    }

    /// The next key of an object whose `{` is consumed; `None` after its `}`.
    fn next_key(&mut self, first: &mut bool, at: Location) -> Result<Option<String>, Fatal> {
        let mut next = self.peek(at)?;
        if !*first {
            match next {
                Some(b',') => {
                    self.scan.bump();
                    next = self.peek(at)?;
                }
                Some(b'}') => {}
                Some(byte) => return Err(self.unexpected(at, byte, "',' or '}'")),
                None => return Err(self.fatal(at, ScanError::Eof)),
            }
        }
        *first = false;
        match next {
            Some(b'}') => {
                self.scan.bump();
                return Ok(None);
            }
            Some(b'"') => {}
            Some(byte) => return Err(self.unexpected(at, byte, "a quoted key")),
            None => return Err(self.fatal(at, ScanError::Eof)),
        }
        self.scratch.clear();
        self.scan
            .value(Some(&mut self.scratch), SMALL_LIMITS)
            .map_err(|e| self.fatal(at, e))?;
        // An undecodable key matches nothing and its value is skipped.
        let key = serde_json::from_slice::<String>(&self.scratch).unwrap_or_default();
        match self.peek(at)? {
            Some(b':') => self.scan.bump(),
            Some(byte) => return Err(self.unexpected(at, byte, "':'")),
            None => return Err(self.fatal(at, ScanError::Eof)),
        }
        Ok(Some(key))
    }

    fn skip_value(&mut self, at: Location) -> Result<(), Fatal> {
        self.scan
            .value(None, SMALL_LIMITS)
            .map(|_| ())
            .map_err(|e| self.fatal(at, e))
    }

    fn peek(&mut self, at: Location) -> Result<Option<u8>, Fatal> {
        self.scan.peek().map_err(|e| self.fatal(at, e))
    }

    fn unexpected(&self, at: Location, byte: u8, wanted: &str) -> Fatal {
        let found = if byte.is_ascii_graphic() {
            format!("'{}'", byte as char)
        } else {
            format!("byte 0x{byte:02x}")
        };
        self.fatal(
            at,
            ScanError::syntax(
                self.scan.offset(),
                format!("expected {wanted}, found {found}"),
            ),
        )
    }

    fn fatal(&self, at: Location, err: ScanError) -> Fatal {
        let message = match err {
            ScanError::Io(err) => format!("cannot read: {}", io_message(&err)),
            ScanError::Eof => format!(
                "the HAR ends too early at byte {} (truncated file?)",
                self.scan.offset()
            ),
            ScanError::Syntax { at, what } => format!("invalid JSON at byte {at}: {what}"),
            ScanError::TooDeep { at } => format!(
                "JSON nested more than {} levels deep at byte {at} (raise it with --max-json-depth)",
                scan::max_depth()
            ),
        };
        Fatal::new(at, message)
    }
}

#[cfg(test)]
mod tests;
