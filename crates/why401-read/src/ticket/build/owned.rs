//! The lines each response owns: its mentions, their continuations, its block, a body after it.

use super::super::group::Reported;
use super::Text;
use crate::headers::parse_header_line;

/// Most continuation lines a mention owns (a stack trace, a pretty-printed body): bounds the
/// work when many responses share one huge block.
const MAX_CONTINUATION: usize = 200;
/// A body printed apart from its response may follow it after at most this many blank lines.
const BODY_REACH: usize = 2;

/// Lines a response owns: its own block when it is the only response there, else its mention
/// lines and the continuation lines (no timestamp of their own) after each.
pub fn owned_lines(text: &Text, response: &Reported, alone_in_block: bool) -> Vec<usize> {
    let mut owned = Vec::new();
    for &(line, _) in &response.mentions {
        if alone_in_block {
            owned.extend(block_of(text, line));
        } else {
            owned.push(line);
            owned.extend(
                (line + 1..text.lines.len())
                    .take_while(|&l| is_continuation(text, l, line))
                    .take(MAX_CONTINUATION),
            );
        }
    }
    if let Some(next) = owned.last().map(|&l| l + 1) {
        owned.extend(following_body(text, next));
    }
    owned.retain(|&l| !text.lines[l].trim().is_empty());
    owned.sort_unstable();
    owned.dedup();
    owned
}

fn is_continuation(text: &Text, line: usize, start: usize) -> bool {
    let info = &text.info[line];
    info.block == text.info[start].block && info.stamp.is_none() && info.mentions.is_empty()
}

fn block_of<'t>(text: &'t Text<'t>, line: usize) -> impl Iterator<Item = usize> + 't {
    let block = text.info[line].block;
    let start = (0..=line)
        .rev()
        .take_while(move |&l| text.info[l].block == block)
        .last()
        .unwrap_or(line);
    (start..text.lines.len()).take_while(move |&l| text.info[l].block == block)
}

/// A body printed in the next block (after a blank line), when that block names no status.
fn following_body(text: &Text, from: usize) -> Vec<usize> {
    let Some(first) = (from..text.lines.len()).find(|&l| !text.lines[l].trim().is_empty()) else {
        return Vec::new();
    };
    if first > from + BODY_REACH || !looks_like_data(text.lines[first]) {
        return Vec::new();
    }
    let block: Vec<usize> = block_of(text, first).collect();
    let names_status = block.iter().any(|&l| !text.info[l].mentions.is_empty());
    if names_status { Vec::new() } else { block }
}

fn looks_like_data(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with(['{', '[', '<'])
        || parse_header_line(line).is_some_and(|(n, _)| n.eq_ignore_ascii_case("www-authenticate"))
}
