//! A HAR sanitized as it is read: the document is framed by hand down to `log.entries`, each
//! entry (and each other value) is read whole, rewritten by [`har`] and written before the
//! next is read, so memory holds one entry, not the document. Bytes outside the values (keys,
//! commas, whitespace) and every value nothing was replaced in are copied through unchanged;
//! a changed value is written again in the layout of the original (pretty-printed at its own
//! indentation, or compact).
//!
//! A document that is not shaped like a HAR (cut short, another JSON) is sanitized as text
//! from where its shape broke, line by line, so nothing is written unsanitized.

use std::io::{self, BufRead, Write};

use serde::Serialize as _;
use serde_json::Value;

use super::secrets::Secrets;
use super::text::TextRewriter;
use super::{har, json};

/// One entry or value read whole; a larger one is sanitized as text.
const MAX_VALUE: usize = 256 << 20;

/// Why the framing stopped: the input is not shaped as expected here.
struct Unframed;

type Framed<T> = Result<Result<T, Unframed>, io::Error>;

/// The framer of one document.
struct Framer<'a, R, W> {
    input: R,
    out: W,
    secrets: &'a mut Secrets,
    /// Bytes read and not written yet: what the text fallback starts from.
    pending: Vec<u8>,
    /// The whitespace that starts the current line: a value's base indentation.
    indent: Vec<u8>,
    /// Nothing but whitespace written on the current line yet.
    line_start: bool,
}

/// A HAR document from `input` to `out`.
pub fn har<R: BufRead, W: Write>(secrets: &mut Secrets, input: R, out: W) -> io::Result<()> {
    let mut framer = Framer {
        input,
        out,
        secrets,
        pending: Vec::new(),
        indent: Vec::new(),
        line_start: true,
    };
    match framer.document()? {
        Ok(()) => framer.copy_rest(),
        Err(Unframed) => framer.rest_as_text(),
    }
}

impl<R: BufRead, W: Write> Framer<'_, R, W> {
    /// `{ "log": { …, "entries": [ … ], … }, … }`
    fn document(&mut self) -> Framed<()> {
        self.object(|framer, key| match key {
            b"\"log\"" => framer.object(|framer, key| match key {
                b"\"entries\"" => framer.array(Self::entry),
                _ => framer.value(),
            }),
            _ => framer.value(),
        })
    }

    /// An object whose members' values `member` reads (given the raw key, quotes included).
    fn object(&mut self, mut member: impl FnMut(&mut Self, &[u8]) -> Framed<()>) -> Framed<()> {
        if !self.consume_byte(b'{')? {
            return Ok(Err(Unframed));
        }
        loop {
            self.whitespace()?;
            match self.peek()? {
                Some(b'}') => return self.take_through().map(Ok),
                Some(b'"') => {}
                _ => return Ok(Err(Unframed)),
            }
            let key = match self.string()? {
                Ok(key) => key,
                Err(Unframed) => return Ok(Err(Unframed)),
            };
            self.flush_pending()?;
            self.whitespace()?;
            if !self.consume_byte(b':')? {
                return Ok(Err(Unframed));
            }
            self.whitespace()?;
            if let Err(Unframed) = member(self, &key)? {
                return Ok(Err(Unframed));
            }
            self.whitespace()?;
            match self.peek()? {
                Some(b',') => self.take_through()?,
                Some(b'}') => return self.take_through().map(Ok),
                _ => return Ok(Err(Unframed)),
            }
        }
    }

    /// An array whose items `item` reads.
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Framed<()>) -> Framed<()> {
        if self.peek()? != Some(b'[') {
            return self.value();
        }
        self.take_through()?;
        loop {
            self.whitespace()?;
            if self.peek()? == Some(b']') {
                return self.take_through().map(Ok);
            }
            if let Err(Unframed) = item(self)? {
                return Ok(Err(Unframed));
            }
            self.whitespace()?;
            match self.peek()? {
                Some(b',') => self.take_through()?,
                Some(b']') => return self.take_through().map(Ok),
                _ => return Ok(Err(Unframed)),
            }
        }
    }

    /// One entry: read whole, rewritten by the HAR rules.
    fn entry(&mut self) -> Framed<()> {
        self.rewrite_value(har::entry)
    }

    /// Any other value: rewritten as JSON.
    fn value(&mut self) -> Framed<()> {
        self.rewrite_value(|secrets, value| {
            json::walk(secrets, value, 1);
        })
    }

    /// Reads one value whole, rewrites it, and writes it back: the original bytes when
    /// nothing was replaced.
    fn rewrite_value(&mut self, rewrite: impl FnOnce(&mut Secrets, &mut Value)) -> Framed<()> {
        if let Err(Unframed) = self.raw_value()? {
            return Ok(Err(Unframed));
        }
        let Ok(mut value) = serde_json::from_slice::<Value>(&self.pending) else {
            return Ok(Err(Unframed));
        };
        let before = self.secrets.replaced();
        rewrite(self.secrets, &mut value);
        if self.secrets.replaced() != before {
            let layout = Layout::of(&self.pending, &self.indent);
            self.pending = layout.write(&value)?;
        }
        self.flush_pending()?;
        Ok(Ok(()))
    }

    /// The bytes of one JSON value into `pending`: strings and nesting followed, nothing
    /// parsed.
    fn raw_value(&mut self) -> Framed<()> {
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok(Err(Unframed));
            }
            let mut end = None;
            for (i, &b) in buf.iter().enumerate() {
                if in_string {
                    match b {
                        _ if escaped => escaped = false,
                        b'\\' => escaped = true,
                        b'"' => {
                            in_string = false;
                            if depth == 0 {
                                end = Some(i + 1);
                                break;
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        if depth <= 1 {
                            end = Some(i + 1);
                            break;
                        }
                        depth -= 1;
                    }
                    // A number, `true`, `false` or `null` at the top ends before these.
                    b',' | b' ' | b'\t' | b'\r' | b'\n' if depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let used = end.unwrap_or(buf.len());
            self.pending.extend_from_slice(&buf[..used]);
            self.input.consume(used);
            if end.is_some() {
                return Ok(Ok(()));
            }
            if self.pending.len() > MAX_VALUE {
                return Ok(Err(Unframed));
            }
        }
    }

    /// A JSON string (a key) into `pending` and returned, quotes included.
    fn string(&mut self) -> Framed<Vec<u8>> {
        let start = self.pending.len();
        if let Err(Unframed) = self.raw_value()? {
            return Ok(Err(Unframed));
        }
        Ok(Ok(self.pending[start..].to_vec()))
    }

    /// Whitespace, copied through; the indentation of the line it ends on is kept.
    fn whitespace(&mut self) -> io::Result<()> {
        loop {
            let buf = self.input.fill_buf()?;
            let n = buf.iter().take_while(|b| b" \t\r\n".contains(b)).count();
            if n == 0 {
                return Ok(());
            }
            let ws = &buf[..n];
            match ws.iter().rposition(|&b| b == b'\n') {
                Some(nl) => {
                    self.indent = ws[nl + 1..].to_vec();
                    self.line_start = true;
                }
                None if self.line_start => self.indent.extend_from_slice(ws),
                None => {}
            }
            self.out.write_all(ws)?;
            self.input.consume(n);
        }
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.input.fill_buf()?.first().copied())
    }

    /// The next byte, written through, when it is `byte`.
    fn consume_byte(&mut self, byte: u8) -> io::Result<bool> {
        if self.peek()? != Some(byte) {
            return Ok(false);
        }
        self.take_through()?;
        Ok(true)
    }

    /// The next byte, written through.
    fn take_through(&mut self) -> io::Result<()> {
        if let Some(b) = self.peek()? {
            self.out.write_all(&[b])?;
            self.input.consume(1);
            self.line_start = false;
        }
        Ok(())
    }

    fn flush_pending(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.out.write_all(&self.pending)?;
            self.pending.clear();
            self.line_start = false;
        }
        Ok(())
    }

    /// After the document: whatever follows, as text (it should be whitespace).
    fn copy_rest(&mut self) -> io::Result<()> {
        self.rest_as_text()
    }

    /// From where the shape broke: the bytes read and not written, then the rest of the
    /// input, sanitized as text line by line.
    fn rest_as_text(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        let chained = io::Read::chain(pending.as_slice(), &mut self.input);
        let mut rewriter = TextRewriter::new(self.secrets);
        super::lines(io::BufReader::new(chained), &mut self.out, |line| {
            rewriter.line(line)
        })?;
        self.out.flush()
    }
}

/// How a value was laid out: pretty-printed with an indentation step at a base indentation,
/// or on one line.
struct Layout {
    /// `None`: compact.
    step: Option<Vec<u8>>,
    base: Vec<u8>,
}

impl Layout {
    fn of(raw: &[u8], base: &[u8]) -> Layout {
        let step = raw.iter().position(|&b| b == b'\n').map(|nl| {
            let line = &raw[nl + 1..];
            let indent = line.iter().take_while(|b| b" \t".contains(b)).count();
            let step = indent.saturating_sub(base.len()).max(1);
            line[..indent.min(line.len())]
                .iter()
                .copied()
                .rev()
                .take(step)
                .collect::<Vec<u8>>()
        });
        Layout {
            step,
            base: base.to_vec(),
        }
    }

    fn write(&self, value: &Value) -> io::Result<Vec<u8>> {
        let Some(step) = &self.step else {
            return serde_json::to_vec(value).map_err(io::Error::other);
        };
        let mut pretty = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(step);
        let mut serializer = serde_json::Serializer::with_formatter(&mut pretty, formatter);
        value.serialize(&mut serializer).map_err(io::Error::other)?;
        let mut out = Vec::with_capacity(pretty.len() + pretty.len() / 8);
        for (i, line) in pretty.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                out.push(b'\n');
                out.extend_from_slice(&self.base);
            }
            out.extend_from_slice(line);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
