//! What the response's own lines say: its reason, headers after a status line, challenges,
//! body and the server's words.

use super::super::group::Reported;
use super::super::phrasing::{Kind, Mention};
use super::super::words;
use super::challenge::{challenge_on, credential_on};
use super::request::strip_marks;
use super::{Text, push_message, regex};
use crate::headers::parse_header_line;
use regex::Regex;
use std::sync::LazyLock;
use why401_model::exchange::{Body, Request, Response, ServerMessage};

/// Longer lines are data, not a sentence around a template.
const MAX_WORDS_LINE: usize = 8192;
/// Words around a template shorter than this are the template's own (a tool's prefix), not
/// the server's statement.
const MIN_WORDS_AROUND: usize = 40;
/// Most body bytes kept from a response's lines.
const MAX_BODY: usize = 64 * 1024;
/// Bounds of a line that may be the server's words: shorter is a fragment, longer is data.
const SERVER_WORDS_LEN: std::ops::RangeInclusive<usize> = 4..=2000;

pub(super) fn read_mentions(
    text: &Text,
    response: &Reported,
    reply: &mut Response,
    messages: &mut Vec<ServerMessage>,
) {
    for &(line, slot) in &response.mentions {
        let Some(m) = text.info[line].mentions.get(slot) else {
            continue;
        };
        if let Some(words) = words_around(text.lines[line], m) {
            push_message(messages, "line", &words);
        }
        if let Some(reason) = &m.reason
            && reply.reason.is_empty()
        {
            reply.reason = reason.clone();
        }
        if let Some(server_text) = &m.text {
            push_body_or_message(reply, messages, server_text);
        }
    }
}

/// What a line says besides the template that names the status (a long exception message
/// quoting the server, a provider statement that implies the status), URLs left out so a
/// path never reads as a statement.
fn words_around(line: &str, mention: &Mention) -> Option<String> {
    if matches!(mention.kind, Kind::StatusLine | Kind::Record) || line.len() > MAX_WORDS_LINE {
        return None;
    }
    let words: Vec<&str> = line
        .split_whitespace()
        .filter(|w| !w.contains("://") && !w.starts_with('/'))
        .collect();
    let words = words.join(" ");
    (words.len() > MIN_WORDS_AROUND || mention.kind == Kind::Inferred).then_some(words)
}

/// Headers after a status line, challenges, bodies and the server's words on the owned lines.
pub(super) fn read_owned_lines(
    text: &Text,
    response: &Reported,
    owned: &[usize],
    request: &mut Request,
    reply: &mut Response,
    messages: &mut Vec<ServerMessage>,
) {
    let status_line = response
        .mentions
        .iter()
        .find(|&&(l, s)| {
            text.info[l]
                .mentions
                .get(s)
                .is_some_and(|m| m.kind == Kind::StatusLine)
        })
        .map(|m| m.0);
    let mut in_headers = status_line.is_some();
    let mut body = String::new();
    for &line in owned {
        let raw = text.lines[line];
        if Some(line) == status_line {
            continue;
        }
        if let Some(sl) = status_line
            && line > sl
            && in_headers
        {
            match parse_header_line(strip_marks(raw)) {
                Some((name, value)) => {
                    reply.headers.push(name, value);
                    continue;
                }
                None => in_headers = false,
            }
        }
        if let Some(challenge) = challenge_on(raw) {
            reply.headers.push("WWW-Authenticate", challenge);
            continue;
        }
        if let Some(credential) = credential_on(raw)
            && !request.headers.contains("authorization")
        {
            request.headers.push("Authorization", credential);
            request.headers_recorded = true;
            request.credential_recorded = true;
            continue;
        }
        if status_line.is_some_and(|sl| line > sl) || looks_like_json_piece(raw) {
            if body.len() < MAX_BODY {
                body.push_str(raw.trim());
                body.push('\n');
            }
            continue;
        }
        if is_server_words(text, line, response) {
            push_message(messages, "text", raw);
        }
    }
    if !body.trim().is_empty() {
        push_body_or_message(reply, messages, body.trim());
    }
}

fn push_body_or_message(reply: &mut Response, messages: &mut Vec<ServerMessage>, text: &str) {
    let text = text.trim().trim_matches(['"', '\'']).trim();
    if let Some(json) = json_span(text) {
        let mut body = reply.body.take().map(|b| b.text).unwrap_or_default();
        if !body.is_empty() {
            body.push('\n');
        }
        body.push_str(json);
        reply.body = Some(Body::from_text(&body));
        let rest = text.replacen(json, " ", 1);
        if rest.trim().len() > 3 {
            push_message(messages, "message", rest.trim());
        }
    } else {
        push_message(messages, "message", text);
    }
}

/// The first `{…}` span of `text`, cut at its end or at the end of the text (truncated).
fn json_span(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate().skip(start) {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'{' if !in_string => depth += 1,
            b'}' if !in_string => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(&text[start..=i]);
                }
            }
            _ => {}
        }
    }
    (text.len() - start > 2 && text[start..].contains(':')).then(|| &text[start..])
}

fn looks_like_json_piece(line: &str) -> bool {
    let line = line.trim();
    line.starts_with('{')
        || line.starts_with('}')
        || line.starts_with("\"") && line.contains("\":")
        || labelled_json(line)
}

/// Longest label before a JSON body (`Response: {…}`, `Body: {…}`).
const MAX_LABEL: usize = 24;

/// A short label and a JSON object: how clients print the body they got (golang.org/x/oauth2's
/// `Response: {…}` under "cannot fetch token").
fn labelled_json(line: &str) -> bool {
    line.split_once(": {").is_some_and(|(label, _)| {
        !label.is_empty()
            && label.len() <= MAX_LABEL
            && label.chars().all(|c| c.is_ascii_alphabetic() || c == ' ')
    })
}

/// A line of the response's own text that may carry the server's words: not the client's
/// stack frames (the `frame_start` words of the word table), commands, prompts or the customer's own sentences.
fn is_server_words(text: &Text, line: usize, response: &Reported) -> bool {
    let raw = text.lines[line].trim();
    if !SERVER_WORDS_LEN.contains(&raw.len()) || response.mentions.iter().any(|m| m.0 == line) {
        return false;
    }
    let frame = words::list("frame_start")
        .iter()
        .any(|start| raw.starts_with(start));
    let prose = raw.ends_with('?')
        || raw.starts_with("I ")
        || raw.contains(" I ")
        || raw.starts_with("We ")
        || raw.contains(" my ");
    let command = crate::command::tool_of(raw).is_some();
    !(frame || prose || command || is_client_words(raw))
}

static CLIENT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    // The client's own advice lines, which name no server statement: npm's E401 summaries
    // (npm/cli lib/utils/error-message.js), git's credential prompts (git/git prompt.c).
    regex(
        r"(?i)your authentication token seems to be invalid|To correct this please try logging in again|npm (?:ERR!|error)\s+(?:npm login|A complete log of this run)|Incorrect or missing password|could not read (?:Username|Password) for|^(?:npm )?(?:verbose|timing|silly|http fetch)\b",
    )
});

fn is_client_words(line: &str) -> bool {
    CLIENT_WORDS.is_match(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_spans_are_found_whole_or_cut() {
        assert_eq!(json_span(r#"x {"a":{"b":1}} y"#), Some(r#"{"a":{"b":1}}"#));
        assert_eq!(
            json_span(r#"resp={"error":"invalid_client","codes":[70"#),
            Some(r#"{"error":"invalid_client","codes":[70"#)
        );
        assert_eq!(json_span("no json"), None);
    }
}
