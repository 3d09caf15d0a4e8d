//! JSON logs: JSON Lines (one record per line, possibly after a prefix or wrapped by
//! Docker), a top-level JSON array of records, or JSON documents pretty-printed over many
//! lines (a pasted error body). Each record that carries a status is one exchange; every
//! other record, blank or non-JSON line is counted as skipped.
//!
//! Large inputs are read in bounded chunks cut at line ends; each batch of chunks is parsed
//! in parallel and merged in order, so `index` is assigned after merging and the result does
//! not depend on the thread count or the chunk size. A record still open at the end of a
//! chunk is parsed again together with the next chunk.

mod aws;
mod caddy;
mod draft;
mod envoy;
mod gcp;
mod generic;
mod k8s;
mod lines;
mod producers;
mod quoted;
mod record;
mod reqres;
mod semconv;
mod traefik;
mod value;

pub use draft::INERT_REQUEST_HEADERS;

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

use rayon::prelude::*;
use serde::de::{Deserializer as _, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::input::io_message;
use why401_model::exchange::{Location, ServerMessage};

use super::{Fatal, Sink};
use caddy::CaddyPairing;
use lines::{Parsed, parse_buffer};
use record::{Context, Item};
use value::Obj;

/// Bytes read per chunk when no override is set.
pub const DEFAULT_CHUNK_BYTES: usize = 1 << 20;

/// Overrides the chunk size (bytes), so tests can cut a small file into many chunks.
pub const CHUNK_ENV: &str = "WHY401_JSONL_CHUNK_BYTES";

/// A line longer than this is not read (it is reported and skipped).
pub const MAX_LINE_BYTES: usize = 64 << 20;

pub fn read(input: &mut dyn BufRead, sink: &mut Sink) -> Result<(), Fatal> {
    let mut emitter = Emitter::new(sink);
    let starts_array = starts_with_array(input).map_err(|err| {
        Fatal::new(
            Location::Line(1),
            format!("cannot read: {}", io_message(&err)),
        )
    })?;
    if starts_array {
        read_array(input, &mut emitter)
    } else {
        read_lines(input, &mut emitter, chunk_bytes())
    }
}

fn chunk_bytes() -> usize {
    std::env::var(CHUNK_ENV)
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(DEFAULT_CHUNK_BYTES, |n| n.max(64))
}

/// `[` followed by `{` or `]`: an array of records (not a `[prefix] {...}` line).
fn starts_with_array(input: &mut dyn BufRead) -> io::Result<bool> {
    let buf = input.fill_buf()?;
    let mut rest = buf.iter().skip_while(|b| b.is_ascii_whitespace());
    if rest.next() != Some(&b'[') {
        return Ok(false);
    }
    let next = rest.find(|b| !b.is_ascii_whitespace());
    Ok(matches!(next, Some(b'{') | Some(b']') | None))
}

/// Turns items into sink calls, in order, and pairs Caddy error-logger lines with the access
/// line of the same request.
struct Emitter<'s, 'a> {
    sink: &'s mut Sink<'a>,
    caddy: CaddyPairing,
}

impl<'s, 'a> Emitter<'s, 'a> {
    fn new(sink: &'s mut Sink<'a>) -> Self {
        Emitter {
            sink,
            caddy: CaddyPairing::default(),
        }
    }

    /// Emits a parse result whose line numbers start at `first_line`.
    fn emit(&mut self, parsed: Parsed, first_line: u64) {
        for _ in 0..parsed.skipped {
            self.sink.skip();
        }
        for item in parsed.items {
            self.item(item, first_line - 1);
        }
    }

    fn item(&mut self, item: Item, line_offset: u64) {
        let shift = |location: Location| match location {
            Location::Line(n) => Location::Line(n + line_offset),
            other => other,
        };
        match item {
            Item::Exchange(mut exchange, key) => {
                exchange.origin.location = shift(exchange.origin.location);
                if let Some(message) = key.and_then(|k| self.caddy.take(&k)) {
                    exchange.server_messages.push(ServerMessage {
                        field: "msg".into(),
                        text: message,
                    });
                }
                self.sink.exchange(*exchange);
            }
            Item::CaddyError(key, message) => {
                self.sink.skip();
                self.caddy.hold(key, message);
            }
            Item::Error(location, message) => self.sink.error(shift(location), message),
        }
    }
}

/// One chunk of whole lines.
struct Chunk {
    bytes: Vec<u8>,
    /// Nothing follows it.
    last: bool,
    /// It stands for one line longer than [`MAX_LINE_BYTES`], which was not kept.
    too_long: bool,
}

/// Reads chunks of about `size` bytes, each cut after its last line end. Chunk buffers are
/// reused once merged.
struct ChunkReader<'r> {
    input: &'r mut dyn BufRead,
    size: usize,
    carry: Vec<u8>,
    eof: bool,
    spare: Vec<Vec<u8>>,
    /// Lines longer than this are not kept ([`MAX_LINE_BYTES`]).
    max_line: usize,
}

impl ChunkReader<'_> {
    fn recycle(&mut self, mut bytes: Vec<u8>) {
        if bytes.capacity() <= 2 * self.size {
            bytes.clear();
            self.spare.push(bytes);
        }
    }

    fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let mut bytes = self.spare.pop().unwrap_or_default();
        bytes.extend_from_slice(&self.carry);
        self.carry.clear();
        bytes.reserve(self.size.saturating_sub(bytes.len()));
        while bytes.len() < self.size && !self.eof {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                self.eof = true;
                break;
            }
            let take = available.len().min(self.size - bytes.len());
            bytes.extend_from_slice(&available[..take]);
            self.input.consume(take);
        }
        if self.eof {
            let chunk = (!bytes.is_empty()).then_some(Chunk {
                bytes,
                last: true,
                too_long: false,
            });
            return Ok(chunk);
        }
        match memchr::memrchr(b'\n', &bytes) {
            Some(end) => {
                self.carry.extend_from_slice(&bytes[end + 1..]);
                bytes.truncate(end + 1);
                Ok(Some(Chunk {
                    bytes,
                    last: false,
                    too_long: false,
                }))
            }
            None => self.long_line(bytes).map(Some),
        }
    }

    /// A chunk's worth of bytes without a line end: reads on to the end of the line, keeping
    /// it unless it grows past [`MAX_LINE_BYTES`].
    fn long_line(&mut self, mut bytes: Vec<u8>) -> io::Result<Chunk> {
        let mut too_long = false;
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                self.eof = true;
                break;
            }
            let (take, done) = match memchr::memchr(b'\n', available) {
                Some(n) => (n + 1, true),
                None => (available.len(), false),
            };
            if !too_long && bytes.len() + take > self.max_line {
                too_long = true;
                bytes = Vec::new();
            }
            if !too_long {
                bytes.extend_from_slice(&available[..take]);
            }
            self.input.consume(take);
            if done {
                break;
            }
        }
        Ok(Chunk {
            bytes,
            last: self.eof,
            too_long,
        })
    }
}

/// A record left open at the end of a chunk: its first line and its bytes so far.
struct Tail {
    line: u64,
    bytes: Vec<u8>,
}

/// A batch of chunks and, once parsed, their results.
type Batch = Vec<Chunk>;
type BatchResults = Vec<(Parsed, u64)>;

/// Reads JSON Lines in a pipeline: while the pool parses one batch of chunks, this thread
/// emits the batch before it (in order) and reads the batch after it.
fn read_lines(
    input: &mut dyn BufRead,
    emitter: &mut Emitter,
    chunk_size: usize,
) -> Result<(), Fatal> {
    let mut reader = ChunkReader {
        input,
        size: chunk_size,
        carry: Vec::new(),
        eof: false,
        spare: Vec::new(),
        max_line: crate::lines::max_line(MAX_LINE_BYTES),
    };
    let batch_len = rayon::current_num_threads().max(1);
    let mut merger = Merger {
        next_line: 1,
        tail: None,
    };
    let mut batch = reader.next_batch(batch_len).map_err(|e| merger.fatal(&e))?;
    let mut parsed_before: Option<(Batch, BatchResults)> = None;
    while !batch.is_empty() || parsed_before.is_some() {
        let mut results = BatchResults::new();
        let mut next = Ok(Batch::new());
        rayon::in_place_scope(|scope| {
            let (to_parse, out) = (&batch, &mut results);
            scope.spawn(move |_| {
                *out = to_parse
                    .par_iter()
                    .map(|chunk| (parse_chunk(chunk), line_ends(chunk)))
                    .collect();
            });
            if let Some((chunks, results)) = parsed_before.take() {
                merger.emit_batch(chunks, results, emitter, &mut reader);
            }
            if !batch.is_empty() {
                next = reader.next_batch(batch_len);
            }
        });
        if !batch.is_empty() {
            parsed_before = Some((std::mem::take(&mut batch), results));
        }
        batch = match next {
            Ok(next) => next,
            Err(err) => {
                if let Some((chunks, results)) = parsed_before.take() {
                    merger.emit_batch(chunks, results, emitter, &mut reader);
                }
                return Err(merger.fatal(&err));
            }
        };
    }
    if let Some(open) = merger.tail.take() {
        emitter.emit(parse_buffer(&open.bytes, true), open.line);
    }
    Ok(())
}

impl ChunkReader<'_> {
    /// Up to `len` chunks; fewer at the end of the input.
    fn next_batch(&mut self, len: usize) -> io::Result<Batch> {
        let mut batch = Vec::with_capacity(len);
        while batch.len() < len {
            match self.next_chunk()? {
                Some(chunk) => {
                    let last = chunk.last;
                    batch.push(chunk);
                    if last {
                        break;
                    }
                }
                None => break,
            }
        }
        Ok(batch)
    }
}

/// Where merging stands: the next chunk's first line, and a record left open.
struct Merger {
    next_line: u64,
    tail: Option<Tail>,
}

impl Merger {
    fn emit_batch(
        &mut self,
        chunks: Batch,
        results: BatchResults,
        emitter: &mut Emitter,
        reader: &mut ChunkReader,
    ) {
        for (chunk, (parsed, lines)) in chunks.into_iter().zip(results) {
            self.tail = merge(&chunk, parsed, self.tail.take(), self.next_line, emitter);
            self.next_line += lines;
            reader.recycle(chunk.bytes);
        }
    }

    fn fatal(&self, err: &io::Error) -> Fatal {
        Fatal::new(
            Location::Line(self.next_line),
            format!("cannot read: {}", io_message(err)),
        )
    }
}

fn parse_chunk(chunk: &Chunk) -> Parsed {
    if chunk.too_long {
        return Parsed::default();
    }
    parse_buffer(&chunk.bytes, chunk.last)
}

/// The number of lines a chunk holds (a too-long line is one).
fn line_ends(chunk: &Chunk) -> u64 {
    if chunk.too_long {
        return 1;
    }
    memchr::memchr_iter(b'\n', &chunk.bytes).count() as u64
}

/// Emits one chunk's records. When the previous chunk left a record open, the chunk is
/// parsed again starting at that record; returns the record this chunk leaves open.
fn merge(
    chunk: &Chunk,
    parsed: Parsed,
    tail: Option<Tail>,
    first_line: u64,
    emitter: &mut Emitter,
) -> Option<Tail> {
    if chunk.too_long {
        if let Some(open) = tail {
            emitter.emit(parse_buffer(&open.bytes, true), open.line);
        }
        emitter.sink.error(
            Location::Line(first_line),
            crate::lines::too_long_message(None, crate::lines::max_line(MAX_LINE_BYTES)),
        );
        return None;
    }
    let (bytes, parsed, first_line) = match tail {
        None => (Cow::Borrowed(&chunk.bytes[..]), parsed, first_line),
        Some(open) => {
            let mut joined = open.bytes;
            joined.extend_from_slice(&chunk.bytes);
            let reparsed = parse_buffer(&joined, chunk.last);
            (Cow::Owned(joined), reparsed, open.line)
        }
    };
    let next_tail = parsed.tail.map(|(offset, line)| Tail {
        line: first_line + line - 1,
        bytes: bytes[offset..].to_vec(),
    });
    emitter.emit(parsed, first_line);
    next_tail
}

/// A top-level array, streamed element by element.
fn read_array(input: &mut dyn BufRead, emitter: &mut Emitter) -> Result<(), Fatal> {
    let mut deserializer = serde_json::Deserializer::from_reader(input);
    let mut visitor = ArrayVisitor { emitter, count: 0 };
    let result = (&mut deserializer).deserialize_seq(&mut visitor);
    let count = visitor.count;
    if result.is_err() {
        return Err(Fatal::new(
            Location::Element(count),
            format!("the JSON array is cut short or broken after {count} element(s)"),
        ));
    }
    if deserializer.end().is_err() {
        visitor.emitter.sink.skip();
    }
    Ok(())
}

struct ArrayVisitor<'e, 's, 'a> {
    emitter: &'e mut Emitter<'s, 'a>,
    count: u64,
}

impl<'de> Visitor<'de> for &mut ArrayVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(element) = seq.next_element::<Box<RawValue>>()? {
            let location = Location::Element(self.count);
            self.count += 1;
            let mut items = Vec::new();
            let produced = Obj::parse(element.get()).map(|obj| {
                let context = Context {
                    location,
                    fallback_time: None,
                };
                record::map(&obj, element.get(), context, &mut items)
            });
            let parsed = Parsed {
                items,
                skipped: u64::from(produced.unwrap_or(0) == 0),
                tail: None,
            };
            self.emitter.emit(parsed, 1);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{Format, InputStats};
    use why401_model::exchange::Exchange;

    /// Every exchange as `location status method url`, and the skip count.
    fn run(text: &[u8], chunk_size: Option<usize>) -> (Vec<String>, u64, u64) {
        let mut seen: Vec<Exchange> = Vec::new();
        let mut emit = |e: Exchange| seen.push(e);
        let stats = InputStats::new(Arc::from("t"), Format::Jsonl);
        let mut sink = Sink::new(stats, &mut emit);
        let mut input = text;
        match chunk_size {
            Some(size) => read_lines(&mut input, &mut Emitter::new(&mut sink), size).unwrap(),
            None => read(&mut input, &mut sink).unwrap(),
        }
        let stats = sink.into_stats();
        let list = seen
            .iter()
            .map(|e| {
                format!(
                    "{} {} {} {} {:?}",
                    e.origin.location,
                    e.status().unwrap_or(0),
                    e.request.method,
                    e.request.url,
                    e.server_messages
                        .iter()
                        .map(|m| &m.text)
                        .collect::<Vec<_>>()
                )
            })
            .collect();
        (list, stats.skipped, stats.errors_total)
    }

    const MIXED: &str = concat!(
        "gateway starting\n",
        "{\"level\":\"debug\",\"msg\":\"tls handshake\"}\n",
        "{\"level\":\"error\",\"logger\":\"http.log.error\",\"msg\":\"not authenticated\",\"request\":{\"remote_ip\":\"10.0.0.5\",\"remote_port\":\"5\",\"method\":\"GET\",\"uri\":\"/v2/devices\"},\"status\":401}\n",
        "{\"level\":\"info\",\"logger\":\"http.log.access\",\"msg\":\"handled request\",\"request\":{\"remote_ip\":\"10.0.0.5\",\"remote_port\":\"5\",\"method\":\"GET\",\"host\":\"api.example.com\",\"uri\":\"/v2/devices\",\"headers\":{}},\"status\":401}\n",
        "\n",
        "{\"status\":401,\"path\":\"/v2/po\n",
        "licies\",\"error\":\"invalid_token\"}\n",
        "{\n  \"status\": 403,\n  \"message\": \"forbidden\"\n}\n",
        "{\"log\":\"{\\\"status\\\":204,\\\"method\\\":\\\"DELETE\\\",\\\"path\\\":\\\"/v2/devices/1\\\"}\\n\",\"stream\":\"stdout\",\"time\":\"2025-06-02T10:00:00Z\"}\n",
        "{\"status\":200,\"path\":\"/cut\n",
        "{\"status\":200,\"path\":\"/v2/devices\"}",
    );

    #[test]
    fn mixed_lines_in_order() {
        let (list, skipped, errors) = run(MIXED.as_bytes(), None);
        assert_eq!(
            list,
            vec![
                "line 4 401 GET http://api.example.com/v2/devices [\"not authenticated\"]",
                "line 6 401  /v2/policies [\"invalid_token\"]",
                "line 8 403   [\"forbidden\"]",
                "line 12 204 DELETE /v2/devices/1 []",
                "line 14 200  /v2/devices []",
            ]
        );
        // Start-up, debug, error-logger and blank lines; the truncated line is an error.
        assert_eq!((skipped, errors), (4, 1));
    }

    #[test]
    fn any_chunk_size_gives_the_same_result() {
        let mut text = String::new();
        for _ in 0..20 {
            text.push_str(MIXED);
            text.push('\n');
        }
        let whole = run(text.as_bytes(), Some(DEFAULT_CHUNK_BYTES));
        assert_eq!(whole.0.len(), 100);
        for size in [64, 100, 257, 1000, 4096] {
            assert_eq!(run(text.as_bytes(), Some(size)), whole, "chunk size {size}");
        }
    }

    #[test]
    fn a_line_too_long_is_an_error_and_the_rest_is_read() {
        let mut seen = Vec::new();
        let mut emit = |e: Exchange| seen.push(e.origin.location);
        let stats = InputStats::new(Arc::from("t"), Format::Jsonl);
        let mut sink = Sink::new(stats, &mut emit);
        let long = format!("{{\"status\":401,\"pad\":\"{}\"}}", "x".repeat(5000));
        let text = format!("{{\"status\":200}}\n{long}\n{{\"status\":401}}\n");
        let mut input = text.as_bytes();
        let mut emitter = Emitter::new(&mut sink);
        let mut reader = ChunkReader {
            input: &mut input,
            size: 100,
            carry: Vec::new(),
            eof: false,
            spare: Vec::new(),
            max_line: 1000,
        };
        let mut merger = Merger {
            next_line: 1,
            tail: None,
        };
        while let Some(chunk) = reader.next_chunk().unwrap() {
            let parsed = parse_chunk(&chunk);
            let lines = line_ends(&chunk);
            merger.emit_batch(
                vec![chunk],
                vec![(parsed, lines)],
                &mut emitter,
                &mut reader,
            );
        }
        let stats = sink.into_stats();
        assert_eq!(seen, vec![Location::Line(1), Location::Line(3)]);
        assert_eq!(stats.errors_total, 1);
        assert_eq!(stats.errors[0].location, "line 2");
    }

    #[test]
    fn arrays_are_numbered_by_element() {
        let text = b"[\n {\"status\": 401, \"path\": \"/a\"},\n {\"msg\": \"no status\"},\n 7,\n {\"status\": 200}\n]\n";
        let (list, skipped, _) = run(text, None);
        assert_eq!(list, vec!["[0] 401  /a []", "[3] 200   []"]);
        assert_eq!(skipped, 2);
    }

    #[test]
    fn a_broken_array_keeps_what_came_before() {
        let mut seen = 0;
        let mut emit = |_e: Exchange| seen += 1;
        let stats = InputStats::new(Arc::from("t"), Format::Jsonl);
        let mut sink = Sink::new(stats, &mut emit);
        let mut input: &[u8] = b"[{\"status\":401},{\"status\":";
        let fatal = read(&mut input, &mut sink).unwrap_err();
        assert_eq!(fatal.location, Location::Element(1));
        drop(sink);
        assert_eq!(seen, 1);
    }
}
