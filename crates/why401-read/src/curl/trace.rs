//! `--trace` and `--trace-ascii` sections: their rows joined back into header lines and
//! body text.

use chrono::NaiveTime;

use super::CurlReader;
use crate::headers::append_body;
use crate::lines;
use why401_model::exchange::body_limit;

/// `--trace-ascii` prints at most this many bytes per row.
const ASCII_ROW: usize = 64;

/// A trace header section keeps at most this much (data sections keep a body excerpt).
const MAX_SECTION_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    SendHeader,
    SendData,
    RecvHeader,
    RecvData,
    Ignored,
}

/// One `--trace`/`--trace-ascii` section: its rows joined back into the bytes curl saw.
pub(super) struct TraceSection {
    kind: SectionKind,
    declared: usize,
    line: u64,
    last_row_line: u64,
    time: Option<NaiveTime>,
    buf: Vec<u8>,
    /// Where each line of `buf` starts and the physical line its first byte came from.
    starts: Vec<(usize, u64)>,
    at_line_start: bool,
    prev_end: Option<usize>,
    hex: bool,
}

impl TraceSection {
    /// `=> Send header, 85 bytes (0x55)` and its siblings.
    pub(super) fn open(line: &str, number: u64, time: Option<NaiveTime>) -> Option<TraceSection> {
        let (label, rest) = line.split_once(", ")?;
        let kind = match label {
            "=> Send header" => SectionKind::SendHeader,
            "=> Send data" => SectionKind::SendData,
            "<= Recv header" => SectionKind::RecvHeader,
            "<= Recv data" => SectionKind::RecvData,
            "=> Send SSL data" | "<= Recv SSL data" => SectionKind::Ignored,
            _ => return None,
        };
        let (count, unit) = rest.split_once(' ')?;
        if !unit.starts_with("bytes") {
            return None;
        }
        Some(TraceSection {
            kind,
            declared: count.parse().ok()?,
            line: number,
            last_row_line: number,
            time,
            buf: Vec::new(),
            starts: Vec::new(),
            at_line_start: true,
            prev_end: None,
            hex: false,
        })
    }

    fn cap(&self) -> usize {
        match self.kind {
            SectionKind::SendHeader | SectionKind::RecvHeader => MAX_SECTION_BYTES,
            _ => body_limit().saturating_add(1),
        }
    }

    /// Adds a row `0040: ...`. `--trace-ascii` rows end at 64 bytes or at a CRLF (not
    /// printed): the gap between a row's end and the next row's offset tells which.
    pub(super) fn push_row(&mut self, offset: usize, data: &str, number: u64) {
        self.last_row_line = number;
        if self.kind == SectionKind::Ignored {
            return;
        }
        if let Some(bytes) = hex_row(data) {
            self.hex = true;
            self.push_bytes(&bytes, number);
            self.prev_end = Some(offset.saturating_add(bytes.len()));
            return;
        }
        if let Some(prev_end) = self.prev_end {
            let gap = offset.saturating_sub(prev_end);
            if gap >= 2 {
                // Trailing spaces an editor stripped (at most a row's worth), then the CRLF.
                self.push_spaces(gap - 2, number);
                self.push_bytes(b"\n", number);
            } else if gap > 0 {
                self.push_spaces(gap, number);
            } else if offset < prev_end {
                self.push_bytes(b"\n", number);
            }
        }
        self.push_bytes(data.as_bytes(), number);
        self.prev_end = Some(offset.saturating_add(data.len()));
    }

    fn push_spaces(&mut self, count: usize, number: u64) {
        for _ in 0..count.min(ASCII_ROW) {
            self.push_bytes(b" ", number);
        }
    }

    fn push_bytes(&mut self, bytes: &[u8], number: u64) {
        for &b in bytes {
            if self.buf.len() >= self.cap() {
                return;
            }
            if self.at_line_start {
                self.starts.push((self.buf.len(), number));
                self.at_line_start = false;
            }
            self.buf.push(b);
            self.at_line_start = b == b'\n';
        }
    }

    /// The section's text lines with the physical line each starts on.
    fn into_lines(mut self) -> Vec<(u64, String)> {
        if !self.hex
            && let Some(prev_end) = self.prev_end
            && self.declared >= prev_end.saturating_add(2)
        {
            self.push_bytes(b"\n", self.last_row_line);
        }
        if self.prev_end.is_none() && self.declared >= 2 && !self.hex {
            // `<= Recv header, 2 bytes` whose empty row was lost: the blank line.
            self.push_bytes(b"\n", self.line);
        }
        let mut out = Vec::new();
        let mut segments = self.buf.split(|&b| b == b'\n').peekable();
        let mut index = 0;
        while let Some(segment) = segments.next() {
            if segments.peek().is_none() && segment.is_empty() {
                break;
            }
            let line = self.starts.get(index).map(|s| s.1).unwrap_or(self.line);
            let mut text = lines::decode(segment).into_owned();
            while text.ends_with('\r') {
                text.pop();
            }
            out.push((line, text));
            index += 1;
        }
        out
    }

    fn into_text(self) -> String {
        let mut text = lines::decode(&self.buf).into_owned();
        if self.hex {
            text = text.replace("\r\n", "\n");
        }
        text
    }
}

/// `--trace` rows: 16 bytes as hex pairs in a 48-column field, then their characters.
fn hex_row(data: &str) -> Option<Vec<u8>> {
    let field = data.get(..48)?;
    let mut bytes = Vec::with_capacity(16);
    for group in field.as_bytes().chunks(3) {
        match group {
            [b' ', b' ', b' '] => {}
            [h, l, b' '] => {
                let pair = std::str::from_utf8(&[*h, *l]).ok()?.to_owned();
                bytes.push(u8::from_str_radix(&pair, 16).ok()?);
            }
            _ => return None,
        }
    }
    (!bytes.is_empty()).then_some(bytes)
}

/// `0040: data` (offsets of four or more hex digits); `0019:` when the row is empty.
pub(super) fn parse_row(line: &str) -> Option<(usize, &str)> {
    let (offset, data) = match line.split_once(": ") {
        Some(split) => split,
        None => (line.strip_suffix(':')?, ""),
    };
    if offset.len() < 4 || !offset.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((usize::from_str_radix(offset, 16).ok()?, data))
}

/// `{ [1256 bytes data]` / `} [512 bytes data]`.
pub(super) fn is_data_placeholder(rest: &str) -> bool {
    rest.strip_prefix('[')
        .and_then(|r| r.strip_suffix(" bytes data]"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The progress meter curl prints on stderr when stdout is redirected: never a body.
pub(super) fn is_progress(segment: &str) -> bool {
    let t = segment.trim();
    // Each word below holds `%`, `D` or `-`: most lines hold none, and one scan says so.
    let may_hold_words = memchr::memchr3(b'%', b'D', b'-', t.as_bytes()).is_some();
    t.is_empty()
        || (may_hold_words
            && (t.contains("% Total")
                || (t.contains("Dload") && t.contains("Upload"))
                || t.contains("--:--:--")))
        || (t.len() > 20
            && t.chars()
                .all(|c| c.is_ascii_digit() || " .:-kMG".contains(c)))
}

impl CurlReader<'_, '_> {
    pub(super) fn close_section(&mut self) {
        let Some(section) = self.section.take() else {
            return;
        };
        match section.kind {
            SectionKind::SendHeader => {
                let time = section.time;
                for (line, text) in section.into_lines() {
                    self.request_line(line, time, &text);
                }
                if self.request.as_ref().is_some_and(|r| r.in_headers) {
                    self.end_request_headers();
                }
            }
            SectionKind::RecvHeader => {
                for (line, text) in section.into_lines() {
                    self.response_line(line, &text);
                }
            }
            SectionKind::SendData => {
                let text = section.into_text();
                if let Some(request) = self.request.as_mut() {
                    append_body(&mut request.body, &text);
                }
            }
            SectionKind::RecvData => {
                let text = section.into_text();
                if let Some(response) = self.done.as_mut().and_then(|e| e.response.as_mut()) {
                    append_body(&mut response.body, &text);
                }
            }
            SectionKind::Ignored => {}
        }
    }
}
