//! Readers: bytes of one source in, [`Exchange`]s out through a [`Sink`].
//!
//! Every reader is a function `read(&mut dyn BufRead, &mut Sink) -> Result<(), Fatal>`: it
//! streams its input, hands each exchange to the sink as soon as it is complete, reports a bad
//! record with [`Sink::error`] and goes on, and returns [`Fatal`] only when the rest of the
//! input cannot be read (a truncated HAR, invalid UTF-8 in a JSON document).

pub mod archive;
pub mod command;
pub mod curl;
pub mod detect;
pub mod har;
pub mod headers;
pub mod http;
pub mod input;
pub mod jsonl;
pub mod lines;
pub mod paste;
pub mod reason_phrases;
pub mod ticket;

use std::io::BufRead;
use std::sync::Arc;

use why401_model::exchange::{Exchange, Location};

pub use why401_model::input::{Fatal, Format, InputStats, MAX_LISTED_ERRORS, Note, RecordError};

/// Where a reader puts what it reads. It numbers exchanges (`index`), counts them, and
/// passes each one on at once so a source streams through the later stages.
pub struct Sink<'a> {
    pub stats: InputStats,
    next_index: u64,
    emit: &'a mut dyn FnMut(Exchange),
}

impl<'a> Sink<'a> {
    pub fn new(stats: InputStats, emit: &'a mut dyn FnMut(Exchange)) -> Sink<'a> {
        headers::take_blocks_cut();
        Sink {
            stats,
            next_index: 0,
            emit,
        }
    }

    pub fn source(&self) -> &Arc<str> {
        &self.stats.source
    }

    /// Numbers the exchange and passes it on.
    pub fn exchange(&mut self, mut exchange: Exchange) {
        exchange.origin.source = self.stats.source.clone();
        exchange.origin.index = self.next_index;
        self.next_index += 1;
        self.stats.exchanges += 1;
        if exchange.is_unauthorized() {
            self.stats.unauthorized += 1;
        }
        let time = exchange
            .client_time
            .and_then(|t| t.instant())
            .or(exchange.server_time.map(|t| t.at));
        if let Some(time) = time {
            self.stats.widen_span(time);
        }
        self.count_keep_limits(&exchange);
        (self.emit)(exchange);
    }

    /// Counts the keep limits an exchange reached (its bodies cut, header blocks of this
    /// input cut) in the input's `limit_hit` notes.
    fn count_keep_limits(&mut self, exchange: &Exchange) {
        let request_cut = exchange.request.body.as_ref().is_some_and(|b| b.truncated);
        let response_cut = exchange
            .response
            .as_ref()
            .and_then(|r| r.body.as_ref())
            .is_some_and(|b| b.truncated);
        for _ in 0..u8::from(request_cut) + u8::from(response_cut) {
            self.stats.limit_hit("--max-body-excerpt");
        }
        self.count_headers_cut();
    }

    fn count_headers_cut(&mut self) {
        for _ in 0..headers::take_blocks_cut() {
            self.stats.limit_hit("--max-header-bytes");
        }
    }

    /// A record that could not be read; the input goes on.
    pub fn error(&mut self, location: Location, message: impl Into<String>) {
        self.stats.error(location, message);
    }

    /// A record that could not be read but still takes its place in the numbering (a HAR
    /// entry: its position is not reused).
    pub fn error_taking_index(&mut self, location: Location, message: impl Into<String>) {
        self.error(location, message);
        self.next_index += 1;
    }

    /// A record that is not an exchange (blank, debug, start-up lines).
    pub fn skip(&mut self) {
        self.stats.skipped += 1;
    }

    pub fn note(&mut self, code: &str, message: impl Into<String>) {
        self.stats.note(code, message);
    }

    pub fn into_stats(mut self) -> InputStats {
        self.count_headers_cut();
        self.stats
    }
}

/// Reads `input` as `format` into `sink`. A fatal error is recorded in the stats.
pub fn read(format: Format, input: &mut dyn BufRead, sink: &mut Sink) {
    let result = match format {
        Format::Har => har::read(input, sink),
        Format::Curl => curl::read(input, sink),
        Format::Http => http::read(input, sink),
        Format::Jsonl => jsonl::read(input, sink),
        Format::Ticket => ticket::read(input, sink),
        Format::Text => Ok(()),
    };
    if let Err(fatal) = result {
        sink.stats.fail(fatal.location, fatal.message);
    }
}

/// Reads a text input line by line with a bounded line length, giving each line (without
/// its line ending) and its 1-based number. A line longer than `max_len` is reported once
/// through `on_long` and skipped, so a 50 MB single line never sits in memory whole.
pub fn for_each_line(
    input: &mut dyn BufRead,
    max_len: usize,
    mut on_line: impl FnMut(u64, &[u8]),
    mut on_long: impl FnMut(u64, usize),
) -> std::io::Result<()> {
    let mut line = Vec::with_capacity(1024);
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        let mut too_long = 0usize;
        loop {
            let buf = input.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let (chunk, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (&buf[..=i], true),
                None => (buf, false),
            };
            let used = chunk.len();
            if too_long > 0 || line.len() + used > max_len {
                too_long += used + line.len();
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
            input.consume(used);
            if done {
                break;
            }
        }
        if too_long > 0 {
            on_long(number, too_long);
            continue;
        }
        if line.is_empty() {
            return Ok(());
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        on_line(number, &line);
    }
}

/// Runs a reader over `bytes` and collects what it emits (for the readers' tests).
#[cfg(test)]
pub(crate) fn read_bytes(
    read: fn(&mut dyn BufRead, &mut Sink) -> Result<(), Fatal>,
    format: Format,
    bytes: &[u8],
) -> (Vec<Exchange>, InputStats) {
    let mut out = Vec::new();
    let stats = {
        let mut emit = |e| out.push(e);
        let mut sink = Sink::new(InputStats::new(Arc::from("t"), format), &mut emit);
        read(&mut &bytes[..], &mut sink).unwrap();
        sink.into_stats()
    };
    (out, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_and_long_lines_skipped() {
        let text = b"one\r\n\nthree-is-long\nfour";
        let mut seen = Vec::new();
        let mut long = Vec::new();
        for_each_line(
            &mut &text[..],
            8,
            |n, l| seen.push((n, String::from_utf8_lossy(l).into_owned())),
            |n, len| long.push((n, len)),
        )
        .unwrap();
        assert_eq!(
            seen,
            vec![(1, "one".into()), (2, "".into()), (4, "four".into())]
        );
        assert_eq!(long, vec![(3, 14)]);
    }
}
