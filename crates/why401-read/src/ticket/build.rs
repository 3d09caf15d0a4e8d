//! One exchange from the lines that report a response: method and URL, the server's
//! statements, the challenge, headers and body of a pasted response, times, request id and
//! the credential when the text shows it.

use std::sync::LazyLock;

use regex::Regex;

use super::facts::{self, Stamp};
use super::group::{LineInfo, Reported};
use super::phrasing::Kind;
use crate::command::Command;
use crate::headers::{parse_header_line, parse_request_line};
use why401_model::exchange::{
    Body, ClientTime, Exchange, ExchangeNote, Headers, Location, Request, Response, ServerMessage,
    ServerTime, ServerTimeSource,
};

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
                    .take(200),
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
    if first > from + 2 || !looks_like_data(text.lines[first]) {
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
    let mut request = request_of(text, response, owned, command);
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
    let by_login = text
        .logins
        .iter()
        .rev()
        .find(|&&l| l <= response.first_line())
        .is_some_and(|&l| {
            response.first_line() - l <= LOGIN_REACH
                && !(l..response.first_line())
                    .any(|i| text.lines[i].to_ascii_lowercase().contains("succeeded"))
        });
    if by_login && !exchange.request.credential_recorded {
        exchange.notes.push(ExchangeNote::LoginCommand);
    }
    exchange
}

fn command_before<'c>(text: &'c Text, line: usize) -> Option<&'c Command> {
    text.commands
        .iter()
        .rev()
        .find(|(start, _)| *start <= line)
        .map(|(_, command)| command)
}

/// The request: a pasted request block or command when the text shows one, else what the
/// mentions and lines say of method and URL (headers unrecorded).
fn request_of(
    text: &Text,
    response: &Reported,
    owned: &[usize],
    command: Option<&Command>,
) -> Request {
    let (method, url) = method_and_url(text, response, owned);
    if let Some(command) = command {
        let same_target = url.as_deref().is_none_or(|u| {
            command.urls.iter().any(|c| {
                facts::request_ref(&format!("GET {c}"))
                    .zip(facts::request_ref(&format!("GET {u}")))
                    .is_none_or(|(a, b)| !a.differs(&b))
            })
        });
        if same_target {
            let mut request = command.request.clone();
            if let Some(m) = method.filter(|_| request.method.is_empty()) {
                request.method = m;
            }
            return request;
        }
    }
    if let Some(url) = &url
        && let Some(request) = logged_request(text, response.first_line(), url)
    {
        return request;
    }
    let mut request = Request::unrecorded(method.unwrap_or_default(), url.unwrap_or_default());
    read_request_block(text, owned, &mut request);
    request
}

/// How far back a client's log of the request (`--> POST url`, a Postman head) is looked for.
const REQUEST_LOOKBACK: usize = 60;

/// The request a client logged before the response, for the same URL: its method, and the
/// headers logged under it (OkHttp `--> POST url`, a Postman head and its Request Headers).
fn logged_request(text: &Text, before: usize, url: &str) -> Option<Request> {
    let wanted = facts::RequestRef {
        method: None,
        target: url.to_owned(),
    };
    let start = before.saturating_sub(REQUEST_LOOKBACK);
    let line = (start..before).rev().find(|&l| {
        text.info[l].mentions.is_empty()
            && text.info[l].request.as_ref().is_some_and(|r| {
                r.method.is_some() && !r.differs(&wanted) && r.target.contains("://")
            })
    })?;
    let found = text.info[line].request.as_ref()?;
    let mut request = Request::unrecorded(
        found.method.clone().unwrap_or_default(),
        clean_url(&found.target),
    );
    let mut headers = Headers::new();
    for l in line + 1..before {
        let raw = strip_marks(text.lines[l].trim_start_matches("--> "));
        if raw.eq_ignore_ascii_case("request headers") || raw.is_empty() && headers.is_empty() {
            continue;
        }
        match parse_header_line(raw) {
            Some((name, value)) => headers.push(name, value),
            None => break,
        }
    }
    if !headers.is_empty() {
        request.headers = headers;
        request.headers_recorded = true;
        request.credential_recorded = true;
    }
    Some(request)
}

fn method_and_url(
    text: &Text,
    response: &Reported,
    owned: &[usize],
) -> (Option<String>, Option<String>) {
    let mut method = None;
    let mut url = None;
    for &(line, slot) in &response.mentions {
        if let Some(m) = text.info[line].mentions.get(slot) {
            method = method.or(m.method.clone());
            url = url.or(m.url.clone());
        }
    }
    if let Some(r) = &response.request {
        method = method.or(r.method.clone());
        url = url.or(Some(r.target.clone()));
    }
    if url.is_none() {
        url = owned
            .iter()
            .find_map(|&l| facts::first_url(text.lines[l]).map(str::to_owned));
    }
    (method, url.map(|u| clean_url(&u)))
}

fn clean_url(url: &str) -> String {
    url.trim_matches(['"', '\'', '`', '<', '>', '(', ')', '[', ']'])
        .trim_end_matches(['.', ',', ':', ';'])
        .to_owned()
}

/// A pasted request (`GET /path HTTP/1.1` and its headers) among the owned lines.
fn read_request_block(text: &Text, owned: &[usize], request: &mut Request) {
    let Some(start) = owned
        .iter()
        .position(|&l| parse_request_line(strip_marks(text.lines[l])).is_some())
    else {
        return;
    };
    let line = strip_marks(text.lines[owned[start]]);
    let Some(parsed) = parse_request_line(line) else {
        return;
    };
    let mut headers = Headers::new();
    for &l in &owned[start + 1..] {
        match parse_header_line(strip_marks(text.lines[l])) {
            Some((name, value)) => headers.push(name, value),
            None => break,
        }
    }
    let host = headers.get("host").map(str::to_owned);
    request.method = parsed.method.to_owned();
    request.url = match host {
        Some(host) if parsed.target.starts_with('/') => format!("//{host}{}", parsed.target),
        _ => parsed.target.to_owned(),
    };
    request.headers = headers;
    request.headers_recorded = true;
    request.credential_recorded = true;
}

fn strip_marks(line: &str) -> &str {
    let line = line.trim();
    line.strip_prefix("> ")
        .or_else(|| line.strip_prefix("< "))
        .unwrap_or(line)
}

fn read_mentions(
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

/// Object dumps among the owned lines (JSON, repr, print_r, Go, Ruby, .NET, logfmt): headers
/// of the request or response, error fields of the body, method and URL.
fn read_dump_fields(
    text: &Text,
    owned: &[usize],
    request: &mut Request,
    reply: &mut Response,
    messages: &mut Vec<ServerMessage>,
) {
    let joined: String = owned
        .iter()
        .map(|&l| text.lines[l])
        .take(2_000)
        .collect::<Vec<_>>()
        .join("\n");
    for field in super::dump::fields(&joined) {
        read_dump_field(&field, request, reply, messages);
    }
}

/// Header names a dump may hold for the request's credential.
const CREDENTIAL_KEYS: [&str; 7] = [
    "authorization",
    "authentication",
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "proxy-authorization",
];

/// Error fields of a body, as the judge reads them (code fields by their name).
const STATEMENT_KEYS: [&str; 12] = [
    "error",
    "error_description",
    "errordescription",
    "message",
    "msg",
    "detail",
    "title",
    "description",
    "error_message",
    "errormessage",
    "error_code",
    "errorcode",
];

fn read_dump_field(
    field: &super::dump::Field,
    request: &mut Request,
    reply: &mut Response,
    messages: &mut Vec<ServerMessage>,
) {
    let key = field.key.as_str();
    let path = field.path.to_ascii_lowercase();
    let value = field.value.trim();
    if value.is_empty() {
        return;
    }
    let in_request = path.contains("request") && !path.contains("response");
    if key == "www-authenticate" && !reply.headers.contains(key) {
        reply.headers.push("WWW-Authenticate", value);
    } else if key == "date" && !in_request && !reply.headers.contains("date") {
        reply.headers.push("Date", value);
    } else if CREDENTIAL_KEYS.contains(&key)
        && (in_request || path.contains("header") || key == "authorization")
    {
        if !request.headers.contains(key) {
            request.headers.push(key, value);
        }
        request.headers_recorded = true;
        request.credential_recorded = true;
    } else if in_request && path.contains("header") {
        request.headers.push(key, value);
        request.headers_recorded = true;
        request.credential_recorded = true;
    } else if STATEMENT_KEYS.contains(&key) && !in_request {
        // `error="token is expired"` is a sentence, not a code: the judge reads it as one.
        let sentence = value.contains(' ') && matches!(key, "error" | "error_code" | "errorcode");
        push_message(messages, if sentence { "message" } else { key }, value);
    } else if key == "host" && request.url.starts_with('/') && value.len() < 256 {
        request.url = format!("//{value}{}", request.url);
    } else if key == "method" && request.method.is_empty() && value.len() < 10 {
        request.method = value.to_ascii_uppercase();
    } else if matches!(key, "url" | "uri") && request.url.is_empty() && value.len() < 2048 {
        request.url = clean_url(value);
    }
}

/// `https://user:password@host/…` sends Basic credentials (RFC 9110 section 4.2.4 deprecates
/// userinfo, but clients still turn it into `Authorization: Basic`). The URL keeps no
/// userinfo, so the password is never printed.
fn userinfo_credential(request: &mut Request) {
    let Some(scheme_end) = request.url.find("://") else {
        return;
    };
    let rest = &request.url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return;
    };
    let userinfo = why401_model::exchange::percent_decode(&rest[..at]);
    let url = format!("{}{}", &request.url[..scheme_end + 3], &rest[at + 1..]);
    request.url = url;
    if userinfo.contains(':') && !request.headers.contains("authorization") {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(userinfo.as_bytes());
        request
            .headers
            .push("Authorization", format!("Basic {encoded}"));
        request.headers_recorded = true;
        request.credential_recorded = true;
    }
}

/// A whole line kept as the server's words is dropped when a field read from it says the same
/// thing more precisely (`error="token is expired"` of a logfmt line): the field is quoted.
fn drop_lines_restated_by_fields(messages: &mut Vec<ServerMessage>) {
    let fields: Vec<String> = messages
        .iter()
        .filter(|m| STATEMENT_KEYS.contains(&m.field.as_str()) && m.text.len() > 3)
        .map(|m| m.text.clone())
        .collect();
    messages.retain(|m| m.field != "line" || !fields.iter().any(|f| m.text.contains(f.as_str())));
}

/// What a line says besides the template that names the status (a long exception message
/// quoting the server, a provider statement that implies the status), URLs left out so a
/// path never reads as a statement.
fn words_around(line: &str, mention: &super::phrasing::Mention) -> Option<String> {
    if matches!(mention.kind, Kind::StatusLine | Kind::Record) || line.len() > 8192 {
        return None;
    }
    let words: Vec<&str> = line
        .split_whitespace()
        .filter(|w| !w.contains("://") && !w.starts_with('/'))
        .collect();
    let words = words.join(" ");
    (words.len() > 40 || mention.kind == Kind::Inferred).then_some(words)
}

/// Headers after a status line, challenges, bodies and the server's words on the owned lines.
fn read_owned_lines(
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
            if body.len() < 64 * 1024 {
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
    line.starts_with('{') || line.starts_with('}') || line.starts_with("\"") && line.contains("\":")
}

static CHALLENGE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)(?:^|[\s'"{,(\[])(?:[<>]\s*)?www-authenticate["']?\s*(?:[:=]|=>)\s*(?:\[\s*)?["']?(?P<v>(?:Bearer|Basic|Digest|DPoP|Negotiate|NTLM|Token|ApiKey)\b[^\r\n]*)|\bneed: (?P<npm>(?:Bearer|Basic|Digest|Negotiate)\b[^\r\n]*)|^(?P<bare>(?:Bearer|Basic|Digest|DPoP)\s+(?:realm|error|scope|charset|resource_metadata)=[^\r\n]*)"#,
    )
});

/// A `WWW-Authenticate` value on the line: a header, a dump field, npm's `need:`, or a bare
/// challenge value.
pub fn challenge_on(line: &str) -> Option<String> {
    let caps = CHALLENGE.captures(facts::clip(line.trim(), 4096))?;
    let value = caps
        .name("v")
        .or(caps.name("npm"))
        .or(caps.name("bare"))?
        .as_str();
    let value = value.trim().trim_end_matches([',', '\'', ']', '}']);
    // A dump quotes the whole value: drop a closing quote that has no opening one.
    let unbalanced = value.matches('"').count() % 2 == 1;
    let value = value
        .strip_suffix('"')
        .filter(|_| unbalanced)
        .unwrap_or(value);
    Some(value.trim().to_owned())
}

static CREDENTIAL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)(?:^|[\s'"{,(\[])(?:[<>]\s*)?authorization["']?\s*(?:[:=]|=>)\s*(?:\[\s*|\(\s*)?(?:string\{)?["']?(?P<v>(?:Bearer|Basic|Token|Digest|DPoP|Negotiate|ApiKey|SSWS)\s+[^\s"',}\]]+)"#,
    )
});

/// An `Authorization` value the line shows (a request header or a dump field).
fn credential_on(line: &str) -> Option<String> {
    let caps = CREDENTIAL.captures(facts::clip(line, 8192))?;
    Some(caps["v"].to_owned())
}

/// A line of the response's own text that may carry the server's words: not the client's
/// stack frames, commands, prompts or the customer's own sentences.
fn is_server_words(text: &Text, line: usize, response: &Reported) -> bool {
    let raw = text.lines[line].trim();
    if raw.len() < 4 || raw.len() > 2000 || response.mentions.iter().any(|m| m.0 == line) {
        return false;
    }
    let frame = raw.starts_with("at ")
        || raw.starts_with("File \"")
        || raw.starts_with("...")
        || raw.starts_with("Traceback")
        || raw.starts_with("---")
        || raw.starts_with('#');
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

fn push_message(messages: &mut Vec<ServerMessage>, field: &str, text: &str) {
    let text = text.trim();
    if text.is_empty() || messages.iter().any(|m| m.text == text) || messages.len() >= 32 {
        return;
    }
    messages.push(ServerMessage {
        field: field.to_owned(),
        text: facts::clip(text, 2000).to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_found_in_every_shape() {
        for (line, want) in [
            (
                "WWW-Authenticate: Bearer error=\"invalid_token\"",
                "Bearer error=\"invalid_token\"",
            ),
            ("< www-authenticate: Basic realm=\"x\"", "Basic realm=\"x\""),
            (
                "'www-authenticate': 'Bearer realm=\"api\"',",
                "Bearer realm=\"api\"",
            ),
            (
                "npm ERR! Unable to authenticate, need: Basic realm=\"pkgs\"",
                "Basic realm=\"pkgs\"",
            ),
            (
                "Bearer realm=\"api\", error=\"invalid_token\"",
                "Bearer realm=\"api\", error=\"invalid_token\"",
            ),
        ] {
            assert_eq!(challenge_on(line).as_deref(), Some(want), "{line}");
        }
        assert_eq!(
            challenge_on("Bearer tokens are described in RFC 6750"),
            None
        );
    }

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
