//! Ticket text: what customers paste when an API call failed — client exceptions, CLI errors,
//! object dumps, log lines embedding an HTTP error, fragments, quoted or indented pastes.
//! The reader never refuses text: it finds each response the text reports and makes it one
//! exchange with what the text says of it.
//!
//! Stages, per window of lines: [`unquote`] removes quoting (fences, indentation, `> `,
//! prompts, per-line prefixes); [`phrasing`] finds the statuses the lines name (templates of
//! clients, tools and servers, in a data table); [`facts`] reads what tells responses apart
//! (timestamps, request ids, request lines); [`group`] makes the mentions that restate one
//! response one; [`build`] turns each into an exchange with the lines around it.

pub mod build;
pub mod dump;
pub mod facts;
pub mod group;
pub mod phrasing;
pub mod unquote;
pub mod words;

mod commands;
mod documentation;
mod expectation;
mod inferred;
mod joined;
mod line_info;
mod panel;
mod table;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::BufRead;

use super::command;
use super::lines::{self, MAX_LINE, max_line};
use super::{Fatal, Sink, for_each_line};
use build::Text;
use commands::{commands, login_commands};
use documentation::looks_like_documentation;
use group::Reported;
use inferred::inferred_responses;
use joined::join_statements;
use line_info::line_infos;

/// Lines are analysed in windows of about this many lines, cut at a blank line, so a large
/// text streams in bounded memory.
const WINDOW_LINES: usize = 4_000;
/// A window is cut here even without a blank line.
const MAX_WINDOW_LINES: usize = 16_000;
/// Lines of the peeked prefix unquoted to see how a text detected as raw HTTP starts: its
/// first line after any quoting is among them.
const PEEKED_LINES: usize = 200;

pub fn read(input: &mut dyn BufRead, sink: &mut Sink) -> Result<(), Fatal> {
    let reader = RefCell::new(Window::new(sink));
    let result = for_each_line(
        input,
        max_line(MAX_LINE),
        |number, bytes| reader.borrow_mut().push(number, &lines::decode(bytes)),
        |number, len| lines::LineTrouble::too_long(reader.borrow_mut().sink, number, len),
    );
    reader.into_inner().flush();
    result.map_err(|err| lines::read_failure(&err))
}

struct Window<'s, 'a> {
    sink: &'s mut Sink<'a>,
    lines: Vec<(u64, String)>,
}

impl<'s, 'a> Window<'s, 'a> {
    fn new(sink: &'s mut Sink<'a>) -> Self {
        Window {
            sink,
            lines: Vec::new(),
        }
    }

    fn push(&mut self, number: u64, line: &str) {
        let blank = line.trim().is_empty();
        self.lines.push((number, line.to_owned()));
        if (blank && self.lines.len() >= WINDOW_LINES) || self.lines.len() >= MAX_WINDOW_LINES {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.lines.is_empty() {
            return;
        }
        let lines = std::mem::take(&mut self.lines);
        analyze(&lines, self.sink);
    }
}

/// Finds the responses of one window and hands each to the sink as an exchange. An e-mail
/// message or an HTML ticket export is decoded to its text first (line numbers then count
/// lines of that text).
fn analyze(raw: &[(u64, String)], sink: &mut Sink) {
    if let Some(decoded) = decoded_container(raw) {
        let lines: Vec<(u64, String)> = decoded
            .lines()
            .enumerate()
            .map(|(i, l)| (i as u64 + 1, l.to_owned()))
            .collect();
        analyze_text(&lines, sink);
        return;
    }
    analyze_text(raw, sink);
}

/// The text of a window that starts like an e-mail message (a header of the `mail_header`
/// words of the word table) or an HTML page.
fn decoded_container(raw: &[(u64, String)]) -> Option<String> {
    let first = raw.iter().map(|(_, l)| l.trim()).find(|l| !l.is_empty())?;
    let lower = first.to_ascii_lowercase();
    let maybe = first.starts_with('<')
        || words::list("mail_header")
            .iter()
            .any(|h| lower.starts_with(h));
    if !maybe {
        return None;
    }
    let joined: String = raw
        .iter()
        .map(|(_, l)| l.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    unquote::decode_container(&joined)
}

fn analyze_text(raw: &[(u64, String)], sink: &mut Sink) {
    let borrowed: Vec<(u64, &str)> = raw.iter().map(|(n, l)| (*n, l.as_str())).collect();
    let clean = unquote::unquote(&borrowed);
    let texts: Vec<&str> = clean.iter().map(|l| l.text.as_str()).collect();
    let numbers: Vec<u64> = clean.iter().map(|l| l.number).collect();
    let documentation = looks_like_documentation(&texts);
    let info = line_infos(&texts, documentation);
    let commands = commands(&texts);
    let logins = login_commands(&texts);
    let mut responses = group::group(&info, &texts);
    if !documentation {
        responses.extend(inferred_responses(&info, &texts, &responses));
    }
    responses.sort_by_key(Reported::first_line);
    let text = Text {
        lines: &texts,
        numbers: &numbers,
        info: &info,
        commands: &commands,
        logins: &logins,
    };
    let owned = owned_by_each(&text, &responses);
    let joined = join_statements(&text, &responses, &owned);
    for ((response, owned), joined) in responses.iter().zip(&owned).zip(&joined) {
        if response.status == 0 {
            continue;
        }
        let context: Vec<usize> = if responses.len() == 1 {
            (0..texts.len()).collect()
        } else {
            owned.clone()
        };
        let exchange = build::exchange(&text, response, owned, &context, joined);
        sink.exchange(exchange);
    }
}

fn owned_by_each(text: &Text, responses: &[Reported]) -> Vec<Vec<usize>> {
    let per_block = responses_per_block(text, responses);
    responses
        .iter()
        .map(|response| {
            let block = text.info[response.first_line()].block;
            let alone = per_block.get(&block) == Some(&1);
            build::owned_lines(text, response, alone)
        })
        .collect()
}

/// How many responses mention each block (counted once per response), computed once so a
/// window of many responses stays linear.
fn responses_per_block(text: &Text, responses: &[Reported]) -> HashMap<usize, usize> {
    let mut counts = HashMap::new();
    for response in responses {
        let mut blocks: Vec<usize> = response
            .mentions
            .iter()
            .map(|m| text.info[m.0].block)
            .collect();
        blocks.sort_unstable();
        blocks.dedup();
        for block in blocks {
            *counts.entry(block).or_insert(0) += 1;
        }
    }
    counts
}

/// Text detected as raw HTTP that does not start like raw HTTP (a status or request line, a
/// header, or a pasted command, after any quoting) is a ticket with an HTTP message inside:
/// the ticket reader reads the words around the message too.
pub fn prefers_ticket(prefix: &[u8]) -> bool {
    let text = String::from_utf8_lossy(prefix);
    let lines: Vec<(u64, &str)> = text
        .lines()
        .take(PEEKED_LINES)
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l))
        .collect();
    let clean = unquote::unquote(&lines);
    let Some(first) = clean.iter().map(|l| l.text.trim()).find(|l| !l.is_empty()) else {
        return false;
    };
    let first = command::strip_prompt(first);
    let raw_http = super::detect::is_status_line(first)
        || super::detect::is_request_line(first)
        || command::tool_of(first).is_some();
    !raw_http
}

#[cfg(test)]
mod tests;
