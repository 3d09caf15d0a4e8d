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

use std::cell::RefCell;
use std::io::BufRead;

use super::command::{self, Command, CommandLines};
use super::lines::{self, MAX_LINE};
use super::{Fatal, Sink, for_each_line};
use build::Text;
use group::{LineInfo, Reported};
use phrasing::{Kind, Mention};

/// Lines are analysed in windows of about this many lines, cut at a blank line, so a large
/// text streams in bounded memory.
const WINDOW_LINES: usize = 4_000;
/// A window is cut here even without a blank line.
const MAX_WINDOW_LINES: usize = 16_000;

pub fn read(input: &mut dyn BufRead, sink: &mut Sink) -> Result<(), Fatal> {
    let reader = RefCell::new(Window::new(sink));
    let result = for_each_line(
        input,
        MAX_LINE,
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

/// The text of a window that starts like an e-mail message or an HTML page.
fn decoded_container(raw: &[(u64, String)]) -> Option<String> {
    let first = raw.iter().map(|(_, l)| l.trim()).find(|l| !l.is_empty())?;
    let lower = first.to_ascii_lowercase();
    let maybe = first.starts_with('<')
        || [
            "from:",
            "received:",
            "return-path:",
            "mime-version:",
            "delivered-to:",
            "date:",
            "message-id:",
            "subject:",
            "to:",
        ]
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

fn line_infos(texts: &[&str], documentation: bool) -> Vec<LineInfo> {
    let mut infos = facts_of_lines(texts, documentation);
    drop_expectations(&mut infos, texts);
    panel_statuses(&mut infos, texts);
    if !documentation {
        inferred_statuses(&mut infos, texts);
    }
    infos
}

/// When the text states no 401 at all, a provider's statement that only a 401 carries (the
/// provider table's `status` column) reports one, unless its block states another status or
/// shows the error never became an HTTP answer (an unhandled exception, a 500 page).
fn inferred_statuses(infos: &mut [LineInfo], texts: &[&str]) {
    let states_401 = infos
        .iter()
        .flat_map(|i| &i.mentions)
        .any(|m| m.status == 401);
    if states_401 {
        return;
    }
    for index in 0..texts.len() {
        let line = texts[index];
        if line.trim().is_empty() || !infos[index].mentions.is_empty() || line.len() > 8192 {
            continue;
        }
        let Some(inferred) = why401_model::providers::inferred_status(line) else {
            continue;
        };
        let block = infos[index].block;
        if inferred.status != 401 || inference_cancelled(infos, texts, block) {
            continue;
        }
        infos[index].mentions.push(Mention {
            kind: Kind::Inferred,
            status: 401,
            start: 0,
            end: 0,
            reason: None,
            method: None,
            url: None,
            text: None,
            tool: "provider statement (provider table status column)",
        });
    }
}

fn inference_cancelled(infos: &[LineInfo], texts: &[&str], block: usize) -> bool {
    infos.iter().zip(texts).any(|(info, text)| {
        info.block == block
            && (info
                .mentions
                .iter()
                .any(|m| m.status != 401 && m.kind != Kind::Prose)
                || NOT_AN_ANSWER.iter().any(|w| text.contains(w)))
    })
}

/// Words showing an error was thrown inside the server or client, not answered as a 401:
/// ASP.NET Core's and Express's unhandled-exception logs, a 500 page.
const NOT_AN_ANSWER: [&str; 4] = [
    "An unhandled exception",
    "unhandled exception has occurred",
    "Internal Server Error",
    "UnhandledPromiseRejection",
];

/// A status under a heading that announces an expectation ("Expected result", a test plan's
/// "Resultado esperado") is planned, not received.
fn drop_expectations(infos: &mut [LineInfo], texts: &[&str]) {
    for (index, info) in infos.iter_mut().enumerate().skip(1) {
        if info.mentions.is_empty() {
            continue;
        }
        let heading = (index.saturating_sub(2)..index)
            .rev()
            .map(|i| texts[i].trim())
            .find(|l| !l.is_empty());
        if heading.is_some_and(is_expectation_heading) {
            info.mentions.clear();
        }
    }
}

/// "Expected" in the languages test plans are written in.
const EXPECTATION_WORDS: [&str; 7] = [
    "expected",
    "expectation",
    "esperado",
    "erwartet",
    "attendu",
    "previsto",
    "atteso",
];

fn is_expectation_heading(line: &str) -> bool {
    let lower = line.to_lowercase();
    line.chars().count() < 60 && EXPECTATION_WORDS.iter().any(|w| lower.contains(w))
}

/// A status alone on the line after a request head (`GET https://…` then `401`): how
/// Postman's console and response panels print it.
fn panel_statuses(infos: &mut [LineInfo], texts: &[&str]) {
    for index in 1..texts.len() {
        let line = texts[index].trim();
        let Some(status) = line
            .split_whitespace()
            .next()
            .filter(|code| code.len() == 3)
            .and_then(|code| code.parse::<u16>().ok())
            .filter(|s| (100..600).contains(s))
        else {
            continue;
        };
        let rest_is_reason = line[3..]
            .trim()
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == ' ');
        let head = &infos[index - 1];
        let after_head = head.mentions.is_empty()
            && head
                .request
                .as_ref()
                .is_some_and(|r| r.method.is_some() && r.target.contains("://"))
            && texts[index - 1].split_whitespace().count() == 2
            || is_status_heading(texts[index - 1]);
        if !rest_is_reason || !after_head || !infos[index].mentions.is_empty() {
            continue;
        }
        let request = head.request.clone();
        infos[index].mentions.push(Mention {
            kind: Kind::Stated,
            status,
            start: 0,
            end: 3,
            reason: None,
            method: request.as_ref().and_then(|r| r.method.clone()),
            url: request.map(|r| r.target),
            text: None,
            tool: "Postman console (status under the request head)",
        });
    }
}

/// The heading a response panel prints above the status: Swagger UI's "Code  Details" under
/// "Server response" (its "Code  Description" table documents responses, not one received).
fn is_status_heading(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["Code", "Details"] | ["Status"] | ["Status", "Code"]
    )
}

fn facts_of_lines(texts: &[&str], documentation: bool) -> Vec<LineInfo> {
    let mut block = 0usize;
    let mut previous_blank = true;
    texts
        .iter()
        .map(|line| {
            let blank = line.trim().is_empty();
            if !blank && previous_blank {
                block += 1;
            }
            previous_blank = blank;
            let mentions: Vec<Mention> = if blank {
                Vec::new()
            } else {
                phrasing::mentions(line)
                    .into_iter()
                    .filter(|m| !documentation || m.kind == Kind::Prose)
                    .collect()
            };
            let facts_wanted = !blank;
            LineInfo {
                block,
                stamp: facts_wanted.then(|| facts::stamp(line)).flatten(),
                request_id: facts_wanted.then(|| facts::request_id(line)).flatten(),
                request: facts_wanted
                    .then(|| facts::request_ref(line).or_else(|| mentioned_request(&mentions)))
                    .flatten(),
                mentions,
            }
        })
        .collect()
}

/// The request a status template names (`<-- 401 Unauthorized https://…`), when the line
/// has no request line of its own.
fn mentioned_request(mentions: &[Mention]) -> Option<facts::RequestRef> {
    let mention = mentions.iter().find(|m| m.url.is_some())?;
    Some(facts::RequestRef {
        method: mention.method.clone(),
        target: mention.url.clone()?,
    })
}

/// Registry and package-manager login commands: they send the username and password typed
/// at their prompt (docs.docker.com `docker login`, helm.sh `helm registry login`,
/// docs.npmjs.com `npm login`, podman-login(1)).
static LOGIN_COMMAND: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"^(?:sudo\s+)?(?:(?:docker|podman|nerdctl|buildah|skopeo|oras|crane)\s+login|helm\s+registry\s+login|npm\s+login|npm\s+adduser)\b",
    )
    .expect("constant pattern") // ok: fixed pattern, tested by the labelled cases
});

fn login_commands(texts: &[&str]) -> Vec<usize> {
    texts
        .iter()
        .enumerate()
        .filter(|(_, line)| {
            LOGIN_COMMAND.is_match(command::strip_prompt(line).trim_start_matches('`'))
        })
        .map(|(index, _)| index)
        .collect()
}

/// Commands pasted in the text (curl, HTTPie, PowerShell), with their first line.
fn commands(texts: &[&str]) -> Vec<(usize, Command)> {
    let mut found = Vec::new();
    let mut index = 0;
    while index < texts.len() {
        let Some(tool) = command::tool_of(texts[index]) else {
            index += 1;
            continue;
        };
        let mut lines = CommandLines::start(index as u64, texts[index], tool);
        let start = index;
        index += 1;
        while !lines.complete() && index < texts.len() {
            lines.push(texts[index]);
            index += 1;
        }
        if let Some(command) = lines.parse() {
            found.push((start, command));
        }
    }
    found
}

/// Responses whose status is not stated: when the text states none at all, a challenge
/// without `error="insufficient_scope"`, one per block.
fn inferred_responses(info: &[LineInfo], texts: &[&str], stated: &[Reported]) -> Vec<Reported> {
    let mut inferred: Vec<Reported> = Vec::new();
    if !stated.is_empty() {
        return inferred;
    }
    for (index, line) in texts.iter().enumerate() {
        let Some(challenge) = build::challenge_on(line) else {
            continue;
        };
        let block = info[index].block;
        let known = inferred.iter().any(|r| info[r.first_line()].block == block);
        if challenge.contains("insufficient_scope") || known {
            continue;
        }
        inferred.push(Reported {
            status: 401,
            kind: Kind::Inferred,
            mentions: vec![(index, usize::MAX)],
            stamp: info[index].stamp.clone(),
            request_id: info[index].request_id.clone(),
            request: info[index].request.clone(),
            inferred: true,
        });
    }
    inferred
}

fn owned_by_each(text: &Text, responses: &[Reported]) -> Vec<Vec<usize>> {
    responses
        .iter()
        .map(|response| {
            let block = text.info[response.first_line()].block;
            let alone = responses
                .iter()
                .filter(|r| r.mentions.iter().any(|m| text.info[m.0].block == block))
                .count()
                == 1;
            build::owned_lines(text, response, alone)
        })
        .collect()
}

/// Server, gateway or identity-provider log lines that name no status but explain a
/// reported response: the same request id, else the same time (within a second) and request,
/// else the only response of the text. They become that response's statements.
fn join_statements(text: &Text, responses: &[Reported], owned: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut joined = vec![Vec::new(); responses.len()];
    if responses.is_empty() {
        return joined;
    }
    let is_owned = |line: usize| owned.iter().any(|o| o.binary_search(&line).is_ok());
    for (line, info) in text.info.iter().enumerate() {
        if !info.mentions.is_empty() || is_owned(line) || !names_a_failure(text.lines[line]) {
            continue;
        }
        if let Some(target) = explained_response(info, responses) {
            joined[target].push(line);
        }
    }
    joined
}

fn explained_response(info: &LineInfo, responses: &[Reported]) -> Option<usize> {
    if let Some(id) = &info.request_id
        && let Some(i) = responses
            .iter()
            .position(|r| r.request_id.as_ref() == Some(id))
    {
        return Some(i);
    }
    let same_moment = |r: &Reported| {
        let near = match (&r.stamp, &info.stamp) {
            (Some(a), Some(b)) => a.near(b, 1).unwrap_or(!a.differs(b)),
            _ => false,
        };
        let same_request = match (&r.request, &info.request) {
            (Some(a), Some(b)) => !a.differs(b),
            _ => true,
        };
        near && same_request
    };
    if let Some(i) = responses.iter().position(same_moment) {
        return Some(i);
    }
    (responses.len() == 1 && info.request_id.is_none()).then_some(0)
}

/// Words of a log line that reports a failure (an error level or a failure word).
fn names_a_failure(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    [
        "error",
        "fail",
        "invalid",
        "expired",
        "denied",
        "not valid",
        "not active",
        "not present",
        "not found",
        "missing",
        "required",
        "revoked",
        "insufficient",
        "unauthori",
        "reject",
    ]
    .iter()
    .any(|w| lower.contains(w))
        && line.len() < 4000
}

/// A reference page or specification rather than a report: headings that document
/// responses, or normative keywords, and no sign of a real failure (a stack trace, an error
/// line, an issue template's "steps to reproduce", a first-person report).
fn looks_like_documentation(texts: &[&str]) -> bool {
    let headings: Vec<&str> = texts
        .iter()
        .filter(|l| l.starts_with('#') && l.trim_start_matches('#').starts_with(' '))
        .copied()
        .collect();
    let documents_responses = headings.iter().any(|h| {
        let h = h.to_ascii_lowercase();
        ["response", "errors", "status code", "error code"]
            .iter()
            .any(|w| h.contains(w))
    }) || texts
        .iter()
        .any(|l| l.starts_with("Returned when") || l.starts_with("Returns "));
    let normative = texts
        .iter()
        .filter(|l| {
            ["MUST", "SHOULD", "MAY", "REQUIRED", "RECOMMENDED"]
                .iter()
                .any(|w| l.split(|c: char| !c.is_ascii_alphabetic()).any(|t| t == *w))
        })
        .count();
    let reported = texts.iter().any(|l| {
        let lower = l.to_ascii_lowercase();
        REPORT_WORDS.iter().any(|w| lower.contains(w))
    });
    let explaining = texts
        .iter()
        .filter(|l| {
            let lower = l.to_ascii_lowercase();
            EXPLAINING_WORDS.iter().any(|w| lower.contains(w))
        })
        .count();
    ((headings.len() >= 3 && documents_responses) || normative >= 2 || explaining >= 3) && !reported
}

/// Words that explain what a status means rather than report one (knowledge-base articles,
/// specifications, tutorials).
const EXPLAINING_WORDS: [&str; 14] = [
    " means ",
    "usually",
    "typically",
    "ought to",
    "for instance",
    "for example",
    "such as",
    "common causes",
    "how to fix",
    "troubleshooting",
    "returned when",
    "is returned",
    "should not",
    "in this case",
];

/// Words of a failure report, which documentation does not use about itself.
const REPORT_WORDS: [&str; 20] = [
    "i see",
    "i'm seeing",
    "here is",
    "here's",
    "my ",
    "our ",
    "exception",
    "traceback",
    "error:",
    "i get",
    "i got",
    "i'm getting",
    "i am getting",
    "we get",
    "we got",
    "steps to reproduce",
    "to reproduce",
    "describe the bug",
    "actual behavior",
    "stack trace",
];

/// Text detected as raw HTTP that does not start like raw HTTP (a status or request line, a
/// header, or a pasted command, after any quoting) is a ticket with an HTTP message inside:
/// the ticket reader reads the words around the message too.
pub fn prefers_ticket(prefix: &[u8]) -> bool {
    let text = String::from_utf8_lossy(prefix);
    let lines: Vec<(u64, &str)> = text
        .lines()
        .take(200)
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
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{Format, InputStats};
    use why401_model::exchange::{Exchange, ExchangeNote};

    fn read_text(text: &str) -> Vec<Exchange> {
        let mut out = Vec::new();
        let mut emit = |e: Exchange| out.push(e);
        let mut sink = Sink::new(InputStats::new(Arc::from("t"), Format::Ticket), &mut emit);
        read(&mut text.as_bytes(), &mut sink).unwrap();
        drop(sink);
        out
    }

    fn statuses(text: &str) -> Vec<u16> {
        read_text(text).iter().filter_map(|e| e.status()).collect()
    }

    #[test]
    fn an_exception_and_its_wrapper_are_one_response() {
        let text = "Exception in thread \"main\" com.example.ApiException: call failed\n\
                    Caused by: org.springframework.web.client.HttpClientErrorException$Unauthorized: 401 Unauthorized: [no body]\n\
                    \tat com.example.Client.get(Client.java:42)\n\
                    ERROR request failed with status code 401";
        assert_eq!(statuses(text), vec![401]);
    }

    #[test]
    fn log_records_with_their_own_timestamps_are_separate_responses() {
        let text = "2024-05-01T10:00:00Z level=info msg=\"denied\" status=401 path=/a\n\
                    2024-05-01T10:00:05Z level=info msg=\"denied\" status=401 path=/a\n\
                    2024-05-01T10:00:05Z level=info msg=\"ok\" status=200 path=/b";
        assert_eq!(statuses(text), vec![401, 401, 200]);
    }

    #[test]
    fn the_same_block_quoted_again_is_one_response() {
        let block = "HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer error=\"invalid_token\"\n";
        let text = format!("{block}\nAs I said above:\n\n{block}");
        assert_eq!(statuses(&text), vec![401]);
    }

    #[test]
    fn two_tools_in_two_blocks_are_two_responses() {
        let text = "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.example.com/a\n\n\
                    AxiosError: Request failed with status code 401";
        assert_eq!(statuses(text), vec![401, 401]);
    }

    #[test]
    fn a_challenge_alone_infers_a_401_unless_it_asks_for_scope() {
        let found = read_text("Bearer realm=\"api\", error=\"invalid_token\"\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].notes.contains(&ExchangeNote::StatusInferred));
        assert!(read_text("Bearer error=\"insufficient_scope\", scope=\"admin\"\n").is_empty());
    }

    #[test]
    fn expectations_code_and_documentation_report_nothing() {
        for text in [
            "assert response.status_code == 401\n",
            "AssertionError: expected 401 \"Unauthorized\", got 400 \"Bad Request\"\n",
            "Expected result\nHTTP 401 Unauthorized\n",
            "The server MUST respond with 401 when the token is missing.\nClients SHOULD retry.\n",
        ] {
            let found: Vec<u16> = statuses(text).into_iter().filter(|&s| s == 401).collect();
            assert!(found.is_empty(), "{text}: {found:?}");
        }
    }

    #[test]
    fn the_server_words_of_a_template_reach_the_exchange() {
        let found = read_text("GET https://api.example.com/v1/me: 401 Bad credentials []\n");
        let exchange = &found[0];
        assert_eq!(exchange.request.method, "GET");
        assert_eq!(exchange.request.url, "https://api.example.com/v1/me");
        assert!(
            exchange
                .server_messages
                .iter()
                .any(|m| m.text.contains("Bad credentials"))
        );
        assert_eq!(
            exchange.origin.location,
            why401_model::exchange::Location::Lines(1, 1)
        );
    }

    #[test]
    fn a_logfmt_error_sentence_is_a_statement_and_its_host_names_the_url() {
        let found = read_text(
            "time=2024-05-16T12:20:07Z level=warn msg=\"request rejected\" method=GET host=api.example.com path=/v2/x status=401 error=\"token is expired\"\n",
        );
        let exchange = &found[0];
        assert_eq!(exchange.request.url, "//api.example.com/v2/x");
        assert!(
            exchange
                .server_messages
                .iter()
                .any(|m| m.field == "message" && m.text == "token is expired"),
            "{:?}",
            exchange.server_messages
        );
    }

    #[test]
    fn browser_console_lines_keep_their_host_and_path() {
        let found = read_text(
            "main.js:42 GET https://api.example.com/v2/me 401 (Unauthorized)\nVM123:1 POST https://api.example.com/v2/orders 401 (Unauthorized)\n",
        );
        let urls: Vec<(&str, &str)> = found
            .iter()
            .map(|e| (e.request.method.as_str(), e.request.url.as_str()))
            .collect();
        assert_eq!(
            urls,
            vec![
                ("GET", "https://api.example.com/v2/me"),
                ("POST", "https://api.example.com/v2/orders")
            ]
        );
    }

    #[test]
    fn e_mail_and_html_tickets_are_read_as_their_text() {
        let mail = "From: Dana <dana@example.com>\nSubject: API down\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nOur job fails:\nrequests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https=\n://api.example.com/v2/devices\n";
        assert_eq!(statuses(mail), vec![401]);
        let html = "<html><body><p>Our job fails:</p><pre>Invoke-RestMethod : The remote server returned an error: (401) Unauthorized.</pre></body></html>\n";
        assert_eq!(statuses(html), vec![401]);
    }

    #[test]
    fn a_url_with_userinfo_sends_basic_and_keeps_no_password() {
        let found = read_text(
            "httpx.HTTPStatusError: Client error '401 Unauthorized' for url 'https://bot:s3cret-pw@api.example.com/v1/me'\n",
        );
        let request = &found[0].request;
        assert_eq!(request.url, "https://api.example.com/v1/me");
        assert!(
            request
                .headers
                .get("authorization")
                .is_some_and(|v| v.starts_with("Basic "))
        );
    }
}
