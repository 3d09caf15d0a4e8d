//! One exchange from the lines that report a response: method and URL, the server's
//! statements, the challenge, headers and body of a pasted response, times, request id and
//! the credential when the text shows it.

mod challenge;
mod fields;
mod owned;
mod request;
mod response;

use regex::Regex;

use super::facts::{self, Stamp};
use super::group::{LineInfo, Reported};
use super::phrasing::Kind;
use super::words;
use crate::command::Command;
use why401_model::exchange::{
    ClientTime, Exchange, ExchangeNote, Location, Response, ServerMessage, ServerTime,
    ServerTimeSource,
};

pub use challenge::challenge_on;
use fields::{drop_lines_restated_by_fields, read_dump_fields};
pub use owned::owned_lines;
pub use request::{is_help_line, is_log_level};
use request::{request_of, userinfo_credential};
use response::{read_mentions, read_owned_lines};

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant pattern") // ok: fixed patterns, tested
}

/// The text around the responses: cleaned lines, what each says, and the commands pasted.
pub struct Text<'a> {
    pub lines: &'a [&'a str],
    pub numbers: &'a [u64],
    pub info: &'a [LineInfo],
    /// Commands with the index of their first line.
    pub commands: &'a [(usize, Command)],
    /// Lines running a login command (`docker login`, `helm registry login`).
    pub logins: &'a [usize],
}

/// A login command's own output (prompts, warnings) stays within this many lines of it.
const LOGIN_REACH: usize = 8;
/// Most statements kept per exchange: the judge needs a few, a log can repeat thousands.
const MAX_MESSAGES: usize = 32;
/// Longest statement kept, in bytes: a server's message is a sentence or two.
const MAX_MESSAGE: usize = 2000;

/// Builds the exchange of `response` from the lines it owns.
/// `context` is every line that may describe the response: the whole text when it reports
/// only this response (a dump split by blank lines, a request pasted above), else `owned`.
pub fn exchange(
    text: &Text,
    response: &Reported,
    owned: &[usize],
    context: &[usize],
    joined: &[usize],
) -> Exchange {
    // The location runs from the first line stating the response to the last line of what
    // it printed (headers, body, stack); lines above it are read but not blamed.
    let first = response.first_line();
    let last = owned.last().copied().unwrap_or(first).max(first);
    let location = Location::Lines(text.numbers[first], text.numbers[last]);
    let command = command_before(text, first);
    let mut request = request_of(text, response, owned, context, command);
    let mut reply = Response::new(response.status);
    let mut messages = Vec::new();
    read_mentions(text, response, &mut reply, &mut messages);
    read_owned_lines(
        text,
        response,
        owned,
        &mut request,
        &mut reply,
        &mut messages,
    );
    read_dump_fields(text, context, &mut request, &mut reply, &mut messages);
    drop_lines_restated_by_fields(&mut messages);
    for &line in joined {
        push_message(&mut messages, "log", text.lines[line]);
    }
    if let Some(id) = &response.request_id {
        reply.headers.push("X-Request-Id", id.as_str());
    }
    userinfo_credential(&mut request);
    let mut exchange = Exchange::new(location, request);
    exchange.response = Some(reply);
    exchange.server_messages = messages;
    set_times(&mut exchange, response);
    exchange.take_server_time_from_date();
    if response.inferred {
        exchange.notes.push(ExchangeNote::StatusInferred);
    }
    if response.kind == Kind::Prose {
        exchange.notes.push(ExchangeNote::StatusFromProse);
    }
    if follows_a_login(text, response.first_line()) && !exchange.request.credential_recorded {
        exchange.notes.push(ExchangeNote::LoginCommand);
    }
    if owned.iter().any(|&l| asks_for_a_token(text.lines[l])) {
        exchange.notes.push(ExchangeNote::TokenRequest);
    }
    exchange
}

/// A line saying a client library failed to get a token (the `token_request` words): the
/// response it reports is the token endpoint's.
pub fn asks_for_a_token(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    words::list("token_request")
        .iter()
        .any(|w| lower.contains(w))
}

/// Whether the response at `line` is a login command's answer: the command ran within
/// [`LOGIN_REACH`] lines above it and no line between says the login succeeded.
fn follows_a_login(text: &Text, line: usize) -> bool {
    text.logins
        .iter()
        .rev()
        .find(|&&l| l <= line)
        .is_some_and(|&l| {
            line - l <= LOGIN_REACH
                && !(l..line).any(|i| text.lines[i].to_ascii_lowercase().contains("succeeded"))
        })
}

fn command_before<'c>(text: &'c Text, line: usize) -> Option<&'c Command> {
    text.commands
        .iter()
        .rev()
        .find(|(start, _)| *start <= line)
        .map(|(_, command)| command)
}

fn push_message(messages: &mut Vec<ServerMessage>, field: &str, text: &str) {
    let text = text.trim();
    if text.is_empty() || messages.iter().any(|m| m.text == text) || messages.len() >= MAX_MESSAGES
    {
        return;
    }
    messages.push(ServerMessage {
        field: field.to_owned(),
        text: facts::clip(text, MAX_MESSAGE).to_owned(),
    });
}

/// A log time: the server's when the line is a server's record of the request, else the
/// client's. Times without a date and an offset are never compared with zoned times.
fn set_times(exchange: &mut Exchange, response: &Reported) {
    let Some(Stamp {
        instant: Some(at), ..
    }) = &response.stamp
    else {
        return;
    };
    let server_log = response.kind == Kind::Record
        || response
            .request
            .as_ref()
            .is_some_and(|r| r.method.is_some());
    if server_log {
        exchange.server_time = Some(ServerTime {
            at: *at,
            source: ServerTimeSource::LogTimestamp,
            assumed_utc: false,
        });
    } else {
        exchange.client_time = Some(ClientTime::Instant(*at));
    }
}
