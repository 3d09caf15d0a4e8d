//! `curl --trace-ascii` and `--trace` sections: their rows (`0040: …`, at most 64 bytes of
//! text, or 16 bytes in hex with their text beside) are joined into the bytes curl sent or
//! received, sanitized as text, and cut into rows again with new offsets and byte counts, so
//! a token cut across two rows is found whole, and no secret survives in the hex column.

use std::fmt::Write as _;

use super::text::TextRewriter;
use crate::parse::curl::split_trace_prefix;

/// Bytes in a full `--trace-ascii` row.
const ASCII_ROW: usize = 64;

/// Bytes in a full `--trace` (hex) row.
const HEX_ROW: usize = 16;

/// A section read: its header line's parts, the lines its rows make and the bytes between
/// lines (2 for CRLF, 0 for the last).
struct Section {
    lead: String,
    label: String,
    lines: Vec<String>,
    gaps: Vec<usize>,
    trailing: usize,
}

/// Whether a text is a `--trace-ascii` transcript (any section header line).
pub fn is_trace(text: &str) -> bool {
    text.lines().take(2000).any(|l| section_header(l).is_some())
}

/// A whole trace transcript.
pub fn rewrite(rw: &mut TextRewriter, input: &str) -> String {
    let lines: Vec<&str> = input.split_inclusive('\n').collect();
    let mut out = String::with_capacity(input.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let Some((lead, label)) = section_header(line.trim_end_matches(['\n', '\r'])) else {
            out.push_str(&rw.text(line));
            i += 1;
            continue;
        };
        let rows_end = (i + 1..lines.len())
            .find(|&j| row(lines[j]).is_none())
            .unwrap_or(lines.len());
        let rows: Vec<(usize, &str)> = lines[i + 1..rows_end]
            .iter()
            .filter_map(|l| row(l))
            .collect();
        if rows.iter().any(|(_, data)| looks_hex(data)) {
            write_hex_section(rw, lead, label, &rows, &mut out);
        } else {
            let section = join(lead, label, &rows, declared(line));
            write_section(rw, section, &mut out);
        }
        i = rows_end;
    }
    out
}

/// `=> Send header, 85 bytes (0x55)` → (`` or a time prefix, `=> Send header`).
fn section_header(line: &str) -> Option<(&str, &str)> {
    let (_, rest) = split_trace_prefix(line);
    let lead = &line[..line.len() - rest.len()];
    let (label, count) = rest.split_once(", ")?;
    let known = [
        "=> Send header",
        "=> Send data",
        "<= Recv header",
        "<= Recv data",
    ];
    (known.contains(&label) && count.contains(" bytes")).then_some((lead, label))
}

fn declared(line: &str) -> usize {
    line.split(", ")
        .nth(1)
        .and_then(|c| c.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// `0040: data` → (0x40, `data`).
fn row(line: &str) -> Option<(usize, &str)> {
    let line = line.trim_end_matches(['\n', '\r']);
    let (offset, data) = line
        .split_once(": ")
        .or_else(|| line.strip_suffix(':').map(|o| (o, "")))?;
    if offset.len() < 4 || !offset.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((usize::from_str_radix(offset, 16).ok()?, data))
}

/// A hex row (`48 54 54 50 …`): `--trace`, not `--trace-ascii`.
fn looks_hex(data: &str) -> bool {
    let mut bytes = data.split(' ').take(4);
    data.len() > 48 && bytes.all(|b| b.len() == 2 && b.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// The lines the rows make: a row that ends before the next row's offset ended at a CRLF.
fn join(lead: &str, label: &str, rows: &[(usize, &str)], declared: usize) -> Section {
    let mut section = Section {
        lead: lead.to_owned(),
        label: label.to_owned(),
        lines: vec![String::new()],
        gaps: Vec::new(),
        trailing: 0,
    };
    let mut end = None;
    for &(offset, data) in rows {
        if let Some(prev_end) = end
            && offset != prev_end
        {
            section.gaps.push(offset.saturating_sub(prev_end).min(2));
            section.lines.push(String::new());
        }
        if let Some(last) = section.lines.last_mut() {
            last.push_str(data);
        }
        end = Some(offset + data.len());
    }
    section.trailing = declared.saturating_sub(end.unwrap_or(0)).min(2);
    section
}

/// The section's header line with its new byte count, then its rows.
fn write_section(rw: &mut TextRewriter, mut section: Section, out: &mut String) {
    section.lines = section.lines.iter().map(|l| rw.line(l)).collect();
    let mut rows = String::new();
    let mut offset = 0;
    for (i, line) in section.lines.iter().enumerate() {
        let mut chunk_start = 0;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        loop {
            let chunk_end = chars
                .iter()
                .map(|(b, _)| *b)
                .find(|&b| b >= chunk_start + ASCII_ROW)
                .unwrap_or(line.len());
            let chunk = &line[chunk_start..chunk_end];
            let _ = writeln!(rows, "{offset:04x}: {chunk}");
            offset += chunk.len();
            chunk_start = chunk_end;
            if chunk_start >= line.len() {
                break;
            }
        }
        offset += section.gaps.get(i).copied().unwrap_or(section.trailing);
    }
    let _ = writeln!(
        out,
        "{}{}, {offset} bytes (0x{offset:x})",
        section.lead, section.label
    );
    out.push_str(&rows);
}

/// A `--trace` section: the bytes its hex columns hold, sanitized line by line (lines end at
/// CRLF), written again as curl writes them: `0010: 48 54 … HT..` rows of 16 bytes, the text
/// column with `.` for bytes outside printable ASCII.
fn write_hex_section(
    rw: &mut TextRewriter,
    lead: &str,
    label: &str,
    rows: &[(usize, &str)],
    out: &mut String,
) {
    let bytes: Vec<u8> = rows.iter().flat_map(|(_, data)| hex_column(data)).collect();
    let text = String::from_utf8_lossy(&bytes);
    let sanitized: String = text
        .split_inclusive("\r\n")
        .map(|line| match line.strip_suffix("\r\n") {
            Some(body) => format!("{}\r\n", rw.line(body)),
            None => rw.line(line),
        })
        .collect();
    let bytes = sanitized.as_bytes();
    let _ = writeln!(
        out,
        "{lead}{label}, {} bytes (0x{:x})",
        bytes.len(),
        bytes.len()
    );
    for (n, chunk) in bytes.chunks(HEX_ROW).enumerate() {
        let _ = write!(out, "{:04x}: ", n * HEX_ROW);
        for i in 0..HEX_ROW {
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
        }
        out.extend(chunk.iter().map(|&b| match b {
            0x20..0x80 => b as char,
            _ => '.',
        }));
        out.push('\n');
    }
}

/// The bytes of a hex row's column (`48 54 54 50 …`, 16 pairs, then the text column).
fn hex_column(data: &str) -> Vec<u8> {
    let column = data.get(..HEX_ROW * 3).unwrap_or(data);
    column
        .split_whitespace()
        .map_while(|pair| {
            u8::from_str_radix(pair, 16)
                .ok()
                .filter(|_| pair.len() == 2)
        })
        .collect()
}

#[cfg(test)]
mod tests;
