//! The request of a response: a pasted command or request block, a client's log of it, or
//! what the mentions say of method and URL; a URL's userinfo becomes its credential.

use super::super::facts;
use super::super::group::Reported;
use super::super::words;
use super::Text;
use crate::command::Command;
use crate::headers::{parse_header_line, parse_request_line};
use why401_model::exchange::{Headers, Request};

/// The request: a pasted request block or command when the text shows one, else what the
/// mentions and lines say of method and URL (headers unrecorded).
pub(super) fn request_of(
    text: &Text,
    response: &Reported,
    owned: &[usize],
    context: &[usize],
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
    // A request pasted in its own block ("Request:" above "Response:") is outside the lines
    // the response owns; the context is wider only when the text reports this response alone.
    if !read_request_block(text, owned, &mut request) && context.len() > owned.len() {
        read_request_block(text, context, &mut request);
    }
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
            Some((name, value)) if !is_log_level(name) => headers.push(name, value),
            _ => break,
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
        // A URL inside the server's own words ("You can find your API key at https://…")
        // is a pointer the server gave, not the URL that was called.
        let said: Vec<&str> = response
            .mentions
            .iter()
            .filter_map(|&(line, slot)| text.info[line].mentions.get(slot)?.text.as_deref())
            .collect();
        url = owned
            .iter()
            .filter(|&&l| !points_to_help(text, l))
            .filter_map(|&l| facts::first_url(text.lines[l]))
            .find(|found| !said.iter().any(|words| words.contains(found)))
            .map(str::to_owned);
    }
    if url.is_none()
        && let Some(logged) = request_logged_before(text, response, owned)
    {
        method = method.or(logged.method.clone());
        url = Some(logged.target.clone());
    }
    (method, url.map(|u| clean_url(&u)))
}

/// The request a server logged before its response's line among the lines the response owns
/// (Rails' `Started GET "/path"` above `Completed 401 Unauthorized`): the nearest with a method.
fn request_logged_before<'t>(
    text: &'t Text,
    response: &Reported,
    owned: &[usize],
) -> Option<&'t facts::RequestRef> {
    let first = response.first_line();
    owned
        .iter()
        .rev()
        .filter(|&&l| l < first)
        .find_map(|&l| text.info[l].request.as_ref().filter(|r| r.method.is_some()))
}

/// The URL of line `line` is a help link ("recover your password at:", "For more
/// information, see …"): the help words are on it or on the line before.
fn points_to_help(text: &Text, line: usize) -> bool {
    is_help_line(text.lines[line]) || line > 0 && is_help_line(text.lines[line - 1])
}

/// A logger's level word (`dbug`, `info`: the `log_level` list) where a header name would be:
/// the logged request's headers end there.
pub fn is_log_level(name: &str) -> bool {
    words::list("log_level")
        .iter()
        .any(|w| name.eq_ignore_ascii_case(w))
}

/// A line holding a word of the `help_link` list.
pub fn is_help_line(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    words::list("help_link").iter().any(|w| lower.contains(w))
}

pub(super) fn clean_url(url: &str) -> String {
    url.trim_matches(['"', '\'', '`', '<', '>', '(', ')', '[', ']'])
        .trim_end_matches(['.', ',', ':', ';'])
        .to_owned()
}

/// A pasted request (`GET /path HTTP/1.1` and its headers) among `lines`, for the request's
/// URL when one is known; whether one was found.
fn read_request_block(text: &Text, lines: &[usize], request: &mut Request) -> bool {
    let wanted = (!request.url.is_empty()).then(|| facts::RequestRef {
        method: None,
        target: request.url.clone(),
    });
    let Some((start, parsed)) = lines.iter().enumerate().find_map(|(i, &l)| {
        let parsed = parse_request_line(strip_marks(text.lines[l]))?;
        let same = wanted.as_ref().is_none_or(|w| {
            facts::request_ref(&format!("{} {}", parsed.method, parsed.target))
                .is_none_or(|r| !r.differs(w))
        });
        same.then_some((i, parsed))
    }) else {
        return false;
    };
    let mut headers = Headers::new();
    for &l in &lines[start + 1..] {
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
    true
}

pub(super) fn strip_marks(line: &str) -> &str {
    let line = line.trim();
    line.strip_prefix("> ")
        .or_else(|| line.strip_prefix("< "))
        .unwrap_or(line)
}

/// `https://user:password@host/…` sends Basic credentials (RFC 9110 section 4.2.4 deprecates
/// userinfo, but clients still turn it into `Authorization: Basic`). The URL keeps no
/// userinfo, so the password is never printed.
pub(super) fn userinfo_credential(request: &mut Request) {
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
