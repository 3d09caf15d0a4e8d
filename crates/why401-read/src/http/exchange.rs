//! What is pending (a request block, a response, the pasted command) and the exchanges made
//! of it: responses, access-log lines, the lone challenge.

use super::{CommandState, PasteReader, PendingRequest, Source};
use crate::command::{self, Command};
use crate::headers::{HeaderBlock, parse_header_line, resolve_location, same_origin, split_origin};
use crate::lines;
use crate::paste::AccessLine;
use why401_model::exchange::{
    Exchange, ExchangeNote, Headers, Location, Request, Response, ServerMessage, ServerTime,
};

impl CommandState {
    pub(super) fn new(command: Command) -> CommandState {
        CommandState {
            command,
            url_index: 0,
            redirect: None,
            redirected_from: None,
            second_pass: false,
        }
    }

    pub(super) fn current(&self) -> Request {
        if let Some(request) = &self.redirect {
            return request.clone();
        }
        let urls = &self.command.urls;
        let url = urls
            .get(self.url_index.min(urls.len().saturating_sub(1)))
            .cloned()
            .unwrap_or_default();
        command::request_for(&self.command, &url)
    }

    /// Moves on after a final response to `request`.
    fn advance(&mut self, request: &Request, status: u16, location: Option<&str>) {
        if (300..400).contains(&status)
            && status != 304
            && self.command.follow_redirects
            && let Some(location) = location
        {
            self.redirect = Some(self.redirect_request(request, status, location));
            self.redirected_from = Some(request.url.clone());
            return;
        }
        if status == 401 && self.command.multi_pass_auth && !self.second_pass {
            self.second_pass = true;
            return;
        }
        self.url_index += 1;
        self.redirect = None;
        self.redirected_from = None;
        self.second_pass = false;
    }

    /// What curl sends to a redirect target: credentials dropped across origins unless
    /// `--location-trusted`; POST turned into GET on 301/302/303 unless `-X` was given.
    fn redirect_request(&self, request: &Request, status: u16, location: &str) -> Request {
        let mut next = request.clone();
        next.url = resolve_location(&request.url, location);
        if !self.command.location_trusted && !same_origin(&request.url, &next.url) {
            next.headers = request
                .headers
                .iter()
                .filter(|h| {
                    !h.name.eq_ignore_ascii_case("authorization")
                        && !h.name.eq_ignore_ascii_case("cookie")
                })
                .map(|h| (h.name.clone(), h.value.clone()))
                .collect();
        }
        let to_get = status == 303 && request.method != "HEAD"
            || (matches!(status, 301 | 302)
                && request.method == "POST"
                && !self.command.method_explicit);
        if to_get {
            next.method = "GET".into();
            next.body = None;
            next.form.clear();
        }
        next
    }
}

impl PasteReader<'_, '_> {
    pub(super) fn loose_line(&mut self, n: u64, line: &str) {
        let folded = line.starts_with([' ', '\t']) && !line.trim().is_empty();
        let header = parse_header_line(line);
        if !(folded && self.loose.is_some()) && header.is_none() {
            self.close_loose();
            return;
        }
        let (block, www) = self.loose.get_or_insert_with(|| (HeaderBlock::new(), None));
        block.push_line(line);
        if let Some((name, _)) = header
            && name.eq_ignore_ascii_case("www-authenticate")
        {
            www.get_or_insert(n);
        }
    }

    pub(super) fn close_loose(&mut self) {
        let Some((block, www)) = self.loose.take() else {
            return;
        };
        if let (Some(line), None) = (www, &self.challenge) {
            self.challenge = Some((line, block.into_headers()));
        }
    }

    pub(super) fn finish_response(&mut self) {
        let Some(response) = self.response.take() else {
            return;
        };
        let Some(status) = response.status else {
            if response.headers.contains("www-authenticate") && self.challenge.is_none() {
                self.challenge = Some((response.line, response.headers.into_headers()));
            }
            return;
        };
        if is_interim(status, &response.reason) {
            return;
        }
        let location = response.headers.get("location").map(str::to_owned);
        let (request, redirected_from) = match response.source {
            Source::Own(request) => (request, None),
            Source::Context => self.context_request(),
        };
        if let Some(state) = self.command.as_mut() {
            state.advance(&request, status, location.as_deref());
        }
        let mut exchange = Exchange::new(Location::Line(response.line), request);
        exchange.response = Some(Response {
            status,
            reason: response.reason,
            http_version: response.version,
            headers: response.headers.into_headers(),
            body: response.body,
        });
        exchange.redirected_from = redirected_from;
        exchange.take_server_time_from_date();
        self.sink.exchange(exchange);
    }

    /// The request of a response read from raw HTTP or a panel: the request block above it,
    /// else the command above it, else unknown.
    fn context_request(&mut self) -> (Request, Option<String>) {
        let from_command = self
            .command
            .as_ref()
            .map(|state| (state.current(), state.redirected_from.clone()));
        if let Some(block) = self.request.take() {
            let base = from_command.as_ref().map(|(r, _)| r.url.as_str());
            let redirected = from_command.as_ref().and_then(|(_, from)| from.clone());
            return (finish_request_block(block, base), redirected);
        }
        if let Some(found) = from_command {
            return found;
        }
        let url = self.panel_url.clone().unwrap_or_default();
        (Request::unrecorded("", url), None)
    }

    pub(super) fn emit_access(&mut self, n: u64, access: AccessLine) {
        self.saw_status = true;
        let mut exchange = Exchange::new(
            Location::Line(n),
            Request::unrecorded(access.method, access.target),
        );
        exchange.response = Some(Response::new(access.status));
        exchange.server_time = access.time.as_deref().and_then(log_time);
        exchange.server_messages = access
            .messages
            .into_iter()
            .map(|(field, text)| ServerMessage { field, text })
            .collect();
        self.sink.exchange(exchange);
    }

    /// A challenge with no status anywhere: servers send challenges with 401.
    pub(super) fn emit_inferred(&mut self, line: u64, headers: Headers) {
        let request = self
            .command
            .as_ref()
            .map(CommandState::current)
            .unwrap_or_else(|| Request::unrecorded("", ""));
        let mut exchange = Exchange::new(Location::Line(line), request);
        let mut response = Response::new(401);
        response.headers = headers;
        exchange.response = Some(response);
        exchange.notes.push(ExchangeNote::StatusInferred);
        exchange.take_server_time_from_date();
        self.sink.exchange(exchange);
    }
}

/// `1xx` and a proxy's `200 Connection established` belong to the response after them.
fn is_interim(status: u16, reason: &str) -> bool {
    (100..200).contains(&status)
        || (status == 200 && reason.eq_ignore_ascii_case("connection established"))
}

/// A request block as a request: its URL made absolute from `Host` (scheme from the command
/// above when it names the same host) or from the command's URL.
fn finish_request_block(block: PendingRequest, command_url: Option<&str>) -> Request {
    let PendingRequest {
        mut request,
        target,
        headers,
        body,
    } = block;
    let host = headers.get("host").map(str::to_owned);
    request.headers = headers.into_headers();
    if request.url.is_empty() {
        request.url = absolute_url(&target, host.as_deref(), command_url);
    }
    let hidden = request
        .headers
        .iter()
        .any(|h| is_hidden_credential(&h.name, &h.value));
    if hidden {
        request.credential_recorded = false;
    }
    if let Some(body) = body {
        let content_type = request.headers.get("content-type").map(str::to_owned);
        request.set_body(&body.text, content_type.as_deref());
    }
    request
}

fn absolute_url(target: &str, host: Option<&str>, command_url: Option<&str>) -> String {
    if split_origin(target).is_some() {
        return target.to_owned();
    }
    let command_origin = command_url.and_then(split_origin).map(|(origin, _)| origin);
    let Some(host) = host else {
        return match command_origin {
            Some(origin) => format!("{origin}{target}"),
            None => target.to_owned(),
        };
    };
    let scheme = match command_origin {
        Some(origin)
            if origin
                .to_ascii_lowercase()
                .ends_with(&host.to_ascii_lowercase()) =>
        {
            origin.split("://").next().unwrap_or("https")
        }
        _ if host.ends_with(":80") || host.ends_with(":8080") => "http",
        _ => "https",
    };
    format!("{scheme}://{host}{target}")
}

/// A header a logger replaced with a placeholder (OkHttp writes `██`).
pub(super) fn is_hidden_credential(name: &str, value: &str) -> bool {
    let credential = name.eq_ignore_ascii_case("authorization")
        || name.eq_ignore_ascii_case("cookie")
        || name.eq_ignore_ascii_case("proxy-authorization");
    credential && value.trim().chars().all(|c| c == '█') && !value.trim().is_empty()
}

/// A log timestamp: RFC 3339 / ISO 8601, or the Common Log Format's.
fn log_time(text: &str) -> Option<ServerTime> {
    match why401_model::time::parse_clf(text) {
        Some(at) => Some(lines::log_stamp(at, false)),
        None => lines::iso_log_time(text),
    }
}
