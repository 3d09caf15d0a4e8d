//! Removing the quoting that pasting adds, before anything is detected.
//!
//! Each stage keeps one output line per input line, so every finding can still name the
//! physical line it came from. Stages run in this order because each one uncovers the next:
//! fences and backticks, editor line numbers, log-collector prefixes, block indentation, shell
//! continuation prompts, `> ` quoting (telling curl's `> ` request lines apart), indentation
//! again (a quoted block may be indented inside the quote), then shell and REPL prompts.
//! Patterns only ever look at a short head or tail of a line, so a 1 MB line costs one copy.

use regex::Regex;

mod container;
mod fence;
mod gutter;
mod indent;
mod prefix;
mod prompt;
mod quote;
#[cfg(test)]
mod tests;

pub use container::decode_container;
pub use prefix::{PREFIX_RULES, PrefixRule};
pub use prompt::{PROMPT_RULES, PromptRule, PromptTable};

use fence::unfence;
use gutter::strip_gutters;
use indent::dedent_blocks;
use prefix::strip_collector_prefixes;
use prompt::strip_prompt;
use quote::{strip_continuations, strip_quotes};

/// One line of a ticket after its quoting was removed, with the physical line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanLine {
    /// 1-based physical line number in the input.
    pub number: u64,
    pub text: String,
}

/// Prefixes and prompts are short: patterns see at most this many bytes of a line.
const HEAD_WINDOW: usize = 512;

/// Removes quoting from `lines` (physical number, text): one clean line per input line.
pub fn unquote(lines: &[(u64, &str)]) -> Vec<CleanLine> {
    let mut texts: Vec<String> = lines
        .iter()
        .map(|(_, text)| text.trim_end_matches('\r').to_owned())
        .collect();
    for text in &mut texts {
        if let Some(clean) = unfence(text) {
            *text = clean;
        }
    }
    strip_gutters(&mut texts);
    strip_collector_prefixes(&mut texts);
    dedent_blocks(&mut texts);
    strip_continuations(&mut texts);
    strip_quotes(&mut texts);
    dedent_blocks(&mut texts);
    for text in &mut texts {
        strip_prompt(text);
    }
    lines
        .iter()
        .zip(texts)
        .map(|((number, _), text)| CleanLine {
            number: *number,
            text,
        })
        .collect()
}

/// Compiles a constant pattern.
fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant pattern") // ok: the patterns are fixed and tested
}

/// Compiles the constant patterns of a rule table, in table order.
fn compile_all<'p>(patterns: impl Iterator<Item = &'p str>) -> Vec<Regex> {
    patterns.map(regex).collect()
}

/// The first `HEAD_WINDOW` bytes of `text`, cut at a character boundary.
fn head(text: &str) -> &str {
    let mut end = text.len().min(HEAD_WINDOW);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The last `HEAD_WINDOW` bytes of `text` and where they start.
fn tail(text: &str) -> (usize, &str) {
    let mut start = text.len().saturating_sub(HEAD_WINDOW);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    (start, &text[start..])
}
