//! The HAR reader: streams `log.entries` one entry at a time, whatever the file's size or
//! line length, and reads each entry leniently (every field optional, odd types tolerated).
//!
//! A byte-level framer ([`scan`]) walks the document's outer objects and cuts out one entry
//! at a time into a reused buffer (long strings cut to their head); serde_json then reads
//! that entry with borrowed structs ([`entry`]). A bad entry is a record error at
//! `entries[N]` and the next entry is read; a broken document (truncated, unbalanced,
//! nested too deep, invalid UTF-8) stops the input with a [`Fatal`] error, keeping the
//! exchanges already emitted.

mod body;
mod entry;
mod lenient;
mod sanitized;
mod scan;

use std::io::BufRead;
use std::ops::Range;

use serde::Deserialize;
use serde_json::error::Category;

use self::entry::RawEntry;
use self::lenient::Text;
use self::scan::{Limits, ScanError, Scanner};
use super::{Fatal, Sink};
use crate::input::io_message;
use why401_model::exchange::{Exchange, Location};

/// Raw bytes kept of any one string of an entry: enough for 64 KiB of body text even when
/// every character is escaped (`\u00e9` is 6 bytes) or base64-encoded.
const STRING_LIMIT: usize = 512 * 1024;

/// An entry larger than this (after cutting long strings) is skipped as a record error.
const ENTRY_LIMIT: usize = 32 * 1024 * 1024;

/// Entries are framed in batches of about this many bytes (or [`BATCH_ENTRIES`] entries),
/// which bounds memory whatever the file's size.
const BATCH_BYTES: usize = 1024 * 1024;
const BATCH_ENTRIES: usize = 512;

/// A batch buffer is released rather than reused after holding more than this (one big
/// entry does not hold memory for the rest of the file).
const KEEP_BUFFER: usize = 4 * 1024 * 1024;

const ENTRY_LIMITS: Limits = Limits {
    string: STRING_LIMIT,
    total: ENTRY_LIMIT,
    watch_body: true,
};

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

/// Framed entries waiting to be parsed, their bytes back to back in one buffer.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    entries: Vec<Framed>,
}

impl Batch {
    fn is_full(&self) -> bool {
        self.bytes.len() >= BATCH_BYTES || self.entries.len() >= BATCH_ENTRIES
    }

    /// An emptied batch, its buffers kept for the next one unless one entry made them big.
    fn recycle(mut self) -> Batch {
        if self.bytes.capacity() > KEEP_BUFFER {
            return Batch::default();
        }
        self.bytes.clear();
        self.entries.clear();
        self
    }
}

/// One element of `log.entries`, framed.
struct Framed {
    /// Its position in `log.entries`.
    n: u64,
    /// Its byte offset in the input.
    start: u64,
    /// Its bytes in [`Batch::bytes`]; `None` when it was too large and skipped.
    bytes: Option<Range<usize>>,
    /// Where its response body's content is in [`Batch::bytes`], when framing found one.
    body: Option<Range<usize>>,
}

/// What became of a framed entry.
// Nearly every entry is an exchange: boxing it would only add an allocation to each.
#[allow(clippy::large_enum_variant)]
enum Parsed {
    Exchange(Exchange),
    /// A record error at `entries[n]`; the entry keeps its index.
    Error(u64, String),
    /// The rest of the input cannot be read.
    Fatal(Fatal),
}

/// How framing a batch stopped.
enum Framing {
    /// The batch is full; more entries follow.
    More,
    /// `log.entries` ended.
    End,
    /// The document is broken after the entries framed so far.
    Broken(Fatal),
}

impl Framing {
    /// The result of reading `log.entries` once the last batch is passed on.
    fn finish(self) -> Result<(), Fatal> {
        match self {
            Framing::Broken(fatal) => Err(fatal),
            Framing::More | Framing::End => Ok(()),
        }
    }
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
            .value(Some(&mut batch.bytes), ENTRY_LIMITS)
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
                "JSON nested more than {} levels deep at byte {at}",
                scan::MAX_DEPTH
            ),
        };
        Fatal::new(at, message)
    }
}

/// Parses a batch of framed entries, in order.
fn parse_batch(batch: &Batch) -> Vec<Parsed> {
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
fn deliver(parsed: Vec<Parsed>, sink: &mut Sink) -> Result<(), Fatal> {
    for outcome in parsed {
        match outcome {
            Parsed::Exchange(exchange) => sink.exchange(exchange),
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
fn parse_entry(
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
            Ok(raw) => raw.into_exchange(n),
            Err(err) => return Parsed::Error(n, describe_entry_error(&err, text, start)),
        },
    };
    match read {
        Some(exchange) => Parsed::Exchange(exchange),
        None => Parsed::Error(n, "entry has no \"request\" object".into()),
    }
}

/// A serde_json error as a message that never quotes the input (serde_json's messages for
/// wrong types quote the offending value, which may be a token).
fn describe_entry_error(err: &serde_json::Error, text: &str, start: u64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, InputStats};
    use std::sync::Arc;
    use why401_model::exchange::Exchange;

    struct Outcome {
        exchanges: Vec<Exchange>,
        stats: InputStats,
        fatal: Option<Fatal>,
    }

    fn read_har(text: &[u8]) -> Outcome {
        let mut exchanges = Vec::new();
        let mut emit = |e| exchanges.push(e);
        let mut sink = Sink::new(InputStats::new(Arc::from("t.har"), Format::Har), &mut emit);
        let capacity = if text.len() > 1 << 20 { 256 * 1024 } else { 16 };
        let mut input = std::io::BufReader::with_capacity(capacity, text);
        let fatal = read(&mut input, &mut sink).err();
        let stats = sink.into_stats();
        Outcome {
            exchanges,
            stats,
            fatal,
        }
    }

    const OK: &str = r#"{"request":{"method":"GET","url":"https://a/"},"response":{"status":200}}"#;

    #[test]
    fn creator_after_entries_and_unknown_fields() {
        let text = format!(
            r#"{{"x":[1,{{"y":"}}"}}],"log":{{"version":"1.2","pages":[{{"id":"p"}}],
               "entries":[{OK},{OK}],"comment":null,"creator":{{"name":"WebInspector","version":"4"}}}}}}"#
        );
        let out = read_har(text.as_bytes());
        assert!(out.fatal.is_none(), "{:?}", out.fatal);
        assert_eq!(out.exchanges.len(), 2);
        assert!(out.stats.strips_credentials);
    }

    #[test]
    fn a_bad_entry_keeps_its_index() {
        let text = format!(
            r#"{{"log":{{"entries":[{OK},"x",{{"response":{{}}}},{{"request":{{"url":1}} "a":2}},{OK},]}}}}"#
        );
        let out = read_har(text.as_bytes());
        assert!(out.fatal.is_none(), "{:?}", out.fatal);
        let indices: Vec<_> = out.exchanges.iter().map(|e| e.origin.index).collect();
        assert_eq!(indices, vec![0, 4]);
        let locations: Vec<_> = out
            .stats
            .errors
            .iter()
            .map(|e| e.location.as_str())
            .collect();
        assert_eq!(locations, vec!["entries[1]", "entries[2]", "entries[3]"]);
        assert!(out.stats.errors[2].message.contains("not valid JSON"));
    }

    #[test]
    fn broken_documents_are_fatal_with_a_place() {
        let truncated = format!(r#"{{"log":{{"entries":[{OK},{OK},{{"request":{{"#);
        let out = read_har(truncated.as_bytes());
        assert_eq!(out.exchanges.len(), 2);
        let fatal = out.fatal.unwrap();
        assert_eq!(fatal.location, Location::Entry(2));
        assert!(fatal.message.contains("truncated"));

        let out = read_har(br#"{"log":{"version":"1.2"}}"#);
        assert!(out.fatal.unwrap().message.contains("no \"entries\""));
        let out = read_har(b"");
        assert_eq!(out.fatal.unwrap().location, Location::Whole);
        let out = read_har(b"[1]");
        assert!(out.fatal.unwrap().message.contains("not a JSON object"));

        let mut bad_utf8 =
            format!(r#"{{"log":{{"entries":[{OK},{{"request":{{"url":""#).into_bytes();
        bad_utf8.extend_from_slice(b"\xff\xfe\"}}]}}");
        let out = read_har(&bad_utf8);
        assert_eq!(out.exchanges.len(), 1);
        let fatal = out.fatal.unwrap();
        assert_eq!(fatal.location, Location::Entry(1));
        assert!(fatal.message.contains("UTF-8"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(r#"{{"log":{{"entries":[{}"#, "[".repeat(10_000));
        let fatal = read_har(deep.as_bytes()).fatal.unwrap();
        assert_eq!(fatal.location, Location::Entry(0));
        assert!(fatal.message.contains("nested"));
        // Deep but framable, in a field the reader skips: read.
        let inner = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let text = format!(r#"{{"log":{{"entries":[{{"request":{{}},"x":{inner}}},{OK}]}}}}"#);
        let out = read_har(text.as_bytes());
        assert!(out.fatal.is_none());
        assert_eq!(out.exchanges.len(), 2);
    }

    #[test]
    fn long_lines_and_huge_entries_stay_bounded() {
        // One line, a 3 MB escaped body: the body keeps its first 64 KiB.
        let body = "\\u00e9x".repeat(500_000);
        let text = format!(
            r#"{{"log":{{"entries":[{{"request":{{}},"response":{{"status":401,"content":{{"text":"{body}"}}}}}},{OK}]}}}}"#
        );
        let out = read_har(text.as_bytes());
        assert!(out.fatal.is_none());
        let kept = out.exchanges[0]
            .response
            .as_ref()
            .unwrap()
            .body
            .as_ref()
            .unwrap();
        assert!(kept.truncated);
        assert!(kept.text.starts_with("éxéx"));
        assert!(kept.text.len() <= why401_model::exchange::BODY_LIMIT);

        // Past ENTRY_LIMIT even after cutting strings: skipped, its index taken.
        let value = "v".repeat(STRING_LIMIT);
        let headers: Vec<String> = (0..(ENTRY_LIMIT / STRING_LIMIT + 2))
            .map(|_| format!(r#"{{"name":"x","value":"{value}"}}"#))
            .collect();
        let text = format!(
            r#"{{"log":{{"entries":[{{"request":{{"headers":[{}]}}}},{OK}]}}}}"#,
            headers.join(",")
        );
        let out = read_har(text.as_bytes());
        assert!(out.fatal.is_none());
        assert_eq!(out.stats.errors[0].location, "entries[0]");
        assert!(out.stats.errors[0].message.contains("larger than"));
        assert_eq!(out.exchanges.len(), 1);
        assert_eq!(out.exchanges[0].origin.index, 1);
    }

    #[test]
    fn every_truncation_or_damage_is_handled_without_panic() {
        let text = format!(
            "\u{FEFF}{{\"log\":{{\"creator\":{{\"name\":\"c\"}},\"entries\":[{OK},\n{{\"request\":{{\"url\":\"a\\\"b\\u00e9\"}}}}]}}}}"
        );
        let bytes = text.as_bytes();
        let whole = read_har(bytes);
        assert!(whole.fatal.is_none());
        assert_eq!(whole.exchanges.len(), 2);
        assert_eq!(whole.exchanges[1].request.url, "a\"bé");
        assert!(!whole.stats.strips_credentials);
        for cut in 0..bytes.len() - 1 {
            let out = read_har(&bytes[..cut]);
            assert!(out.fatal.is_some(), "cut at {cut}");
        }
        for at in 0..bytes.len() {
            for byte in [b'"', b'}', b'[', b'\\', 0xFF] {
                let mut damaged = bytes.to_vec();
                damaged[at] = byte;
                let out = read_har(&damaged);
                assert!(out.exchanges.len() <= 2);
            }
        }
    }

    #[test]
    fn entry_errors_never_quote_values() {
        let text = r#"{"log":{"entries":[{"request":{"headers":[]},"response":{"status":200,"headers":[{"name":"a","value":"v"}],"content":{"text":"x"}},"startedDateTime":"2024","request":{}}]}}"#;
        let out = read_har(text.as_bytes());
        assert_eq!(out.stats.errors.len(), 1);
        assert!(out.stats.errors[0].message.contains("duplicate field"));
        let err = serde_json::from_str::<u16>("\"Bearer secret-token\"").unwrap_err();
        let message = describe_entry_error(&err, "\"Bearer secret-token\"", 0);
        assert!(!message.contains("secret"), "{message}");
    }

    /// What an entry gives, in a form tests can compare.
    fn outcome(parsed: Parsed) -> Result<Exchange, String> {
        match parsed {
            Parsed::Exchange(exchange) => Ok(exchange),
            Parsed::Error(n, message) => Err(format!("{n}: {message}")),
            Parsed::Fatal(fatal) => Err(format!("fatal {}: {}", fatal.location, fatal.message)),
        }
    }

    #[test]
    fn bodies_read_apart_give_what_the_whole_entry_gives() {
        let json = r#"{\"data\":[{\"id\":\"dev_0001\",\"name\":\"Sensor \\\"north\\\" é \u00e9 \ud83d\ude00\"}]}"#.repeat(8);
        let image = "iVBORw0KGgo".repeat(40);
        let long = "x".repeat(body::MIN_LEN);
        let entries = [
            // (entry, whether the body is read apart)
            (
                format!(
                    r#"{{"request":{{"method":"GET","url":"https://a/"}},"response":{{"status":401,"content":{{"mimeType":"application/json","text":"{json}"}}}}}}"#
                ),
                true,
            ),
            (
                format!(
                    r#"{{"request":{{}},"response":{{"status":200,"content":{{"mimeType":"image/png","encoding":"base64","text":"{image}"}}}}}}"#
                ),
                true,
            ),
            (
                format!(
                    r#"{{"request":{{}},"response":{{"status":200,"content":{{"text":"{long}\x"}}}}}}"#
                ),
                true,
            ),
            (
                format!(
                    r#"{{"request":{{}},"response":{{"status":200,"content":{{"text":"{long}\ud83d"}}}}}}"#
                ),
                true,
            ),
            (
                format!(
                    "{{\"request\":{{}},\"response\":{{\"content\":{{\"text\":\"{long}\t\"}}}}}}"
                ),
                true,
            ),
            (
                format!(
                    r#"{{"request":{{}},"response":{{"content":{{"text":"{long}","text":"b"}}}}}}"#
                ),
                true,
            ),
            (
                format!(
                    r#"{{"request":{{}},"response":{{"content":{{"text":"{long}"}}}},"response":{{}}}}"#
                ),
                true,
            ),
            (
                format!(r#"{{"response":{{"status":200,"content":{{"text":"{long}"}}}}}}"#),
                true,
            ),
            (
                format!(
                    r#"{{"request":{{}},"response":{{"status":200,"content":{{"text":"{long}"}}}},"x":[1,]}}"#
                ),
                true,
            ),
            (
                r#"{"request":{},"response":{"content":{"text":"short"}}}"#.to_owned(),
                false,
            ),
            (
                format!(r#"{{"request":{{}},"response":{{"content":"{long}"}}}}"#),
                false,
            ),
        ];
        for (n, (entry, apart)) in entries.iter().enumerate() {
            let mut batch = Batch::default();
            let mut input = entry.as_bytes();
            let mut document = Document {
                scan: Scanner::new(&mut input),
                scratch: Vec::new(),
                next_entry: n as u64,
                saw_entries: true,
                first_entry: true,
            };
            document.frame_entry(&mut batch).unwrap();
            let framed = &batch.entries[0];
            assert_eq!(framed.body.is_some(), *apart, "{entry}");
            let bytes = &batch.bytes[framed.bytes.clone().unwrap()];
            let scratch = &mut String::new();
            let whole = outcome(parse_entry(bytes, framed.n, 7, None, scratch));
            let split = outcome(parse_entry(
                bytes,
                framed.n,
                7,
                framed.body.clone(),
                scratch,
            ));
            assert_eq!(split, whole, "{entry}");
            // Valid entries really take the way apart; invalid ones fall back.
            if let Some(range) = framed.body.clone() {
                let text = std::str::from_utf8(bytes).unwrap();
                let valid = whole.is_ok() || whole.as_ref().is_err_and(|e| e.contains("request"));
                let fast = body::read_entry(text, range, 0, scratch);
                assert_eq!(fast.is_some(), valid, "{entry}");
            }
        }
    }

    /// A HAR of `count` entries: mostly exchanges with bodies long enough to be read apart,
    /// some entries that are record errors.
    fn many_entries(count: usize) -> String {
        let body = format!(
            r#"{{\"error\":\"invalid_token\",\"pad\":\"{}\"}}"#,
            "p".repeat(300)
        );
        let entries: Vec<String> = (0..count)
            .map(|n| match n % 97 {
                13 => "\"not an object\"".to_owned(),
                14 => r#"{"response":{"status":401}}"#.to_owned(),
                15 => r#"{"request":{"url":1} "a":2}"#.to_owned(),
                _ => format!(
                    r#"{{"request":{{"method":"GET","url":"https://a/{n}"}},"response":{{"status":{},"content":{{"text":"{body}"}}}}}}"#,
                    if n % 5 == 0 { 401 } else { 200 }
                ),
            })
            .collect();
        format!(r#"{{"log":{{"entries":[{}]}}}}"#, entries.join(",\n"))
    }

    fn read_in_pool(threads: usize, text: &[u8]) -> Outcome {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| read_har(text))
    }

    #[test]
    fn batches_give_the_entries_in_order_whatever_the_threads() {
        let text = many_entries(3 * BATCH_ENTRIES + 7);
        let one = read_in_pool(1, text.as_bytes());
        assert!(one.fatal.is_none());
        let expected_errors = (0..3 * BATCH_ENTRIES + 7)
            .filter(|n| (13..=15).contains(&(n % 97)))
            .count();
        assert_eq!(one.stats.errors_total as usize, expected_errors);
        assert_eq!(one.exchanges.len(), 3 * BATCH_ENTRIES + 7 - expected_errors);
        for exchange in &one.exchanges {
            let Location::Entry(n) = exchange.origin.location else {
                panic!("not an entry");
            };
            assert_eq!(exchange.origin.index, n);
            assert_eq!(exchange.request.url, format!("https://a/{n}"));
            let body = exchange.response.as_ref().unwrap().body.as_ref().unwrap();
            assert!(body.text.starts_with(r#"{"error":"invalid_token""#));
        }
        let four = read_in_pool(4, text.as_bytes());
        assert_eq!(four.exchanges, one.exchanges);
        assert_eq!(four.stats.errors, one.stats.errors);
        assert_eq!(four.stats.unauthorized, one.stats.unauthorized);
    }

    #[test]
    fn a_fatal_error_in_a_later_batch_keeps_what_came_before() {
        let count = 3 * BATCH_ENTRIES;
        let text = many_entries(count);
        // Invalid UTF-8 inside entry 1000's URL.
        let at = text.find("https://a/1000\"").unwrap() + 10;
        let mut bad_utf8 = text.clone().into_bytes();
        bad_utf8[at] = 0xFF;
        // Truncated inside entry 1200.
        let cut = text.find("https://a/1200\"").unwrap();
        for threads in [1, 3] {
            let out = read_in_pool(threads, &bad_utf8);
            let fatal = out.fatal.unwrap();
            assert_eq!(fatal.location, Location::Entry(1000));
            assert!(fatal.message.contains("UTF-8"));
            assert_eq!(out.exchanges.last().unwrap().origin.index, 999);
            assert!(
                out.stats
                    .errors
                    .iter()
                    .all(|e| e.location != "entries[1001]")
            );

            let out = read_in_pool(threads, &text.as_bytes()[..cut]);
            let fatal = out.fatal.unwrap();
            assert_eq!(fatal.location, Location::Entry(1200));
            assert!(fatal.message.contains("truncated"));
            assert_eq!(out.exchanges.last().unwrap().origin.index, 1199);
        }
    }
}
