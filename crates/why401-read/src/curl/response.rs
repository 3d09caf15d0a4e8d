//! The `<` response lines and what follows the transcript: the exchange of each final
//! response, with the body printed on stdout after it.

use std::borrow::Cow;

use super::trace::is_progress;
use super::{CurlReader, CurlResponse};
use crate::command::{self, CommandLines};
use crate::headers::{
    BodyCollector, BodyStep, HeaderBlock, looks_like_body_start, parse_header_line,
    parse_status_line, resolve_location, split_origin,
};
use why401_model::exchange::{ClientTime, Exchange, Location, Request, Response};

/// Info phrases that can end up glued after a body printed without a final newline.
const GLUED_INFO: &[&str] = &[
    "* Connection #",
    "* Closing connection",
    "* shutting down connection",
];

/// A text body (not JSON or markup) announced only by the end of its connection is taken
/// for at most this many lines: the paragraph after the transcript.
const MAX_UNCOUNTED_BODY_LINES: usize = 20;

/// What curl and the response said about the body printed on stdout (after `2>&1`): the
/// bytes curl received (`{ [N bytes data]`), the `Content-Length` and `Content-Type`, and
/// whether the transfer ended (`Connection #0 ... left intact`). Received bytes, or the end of
/// a transfer whose response declared a body, make the unprefixed text after the transcript
/// the body whatever it looks like; a byte count bounds how much of it is taken, so the
/// question a customer writes under the transcript is never read as the server's words.
#[derive(Debug, Default)]
pub(super) struct Announced {
    pub(super) received: Option<usize>,
    declared: Option<usize>,
    typed: bool,
    pub(super) ended: bool,
    /// Bytes and lines of a text body taken so far.
    taken: usize,
    lines: usize,
}

impl Announced {
    fn for_response(response: Option<&Response>) -> Announced {
        let headers = response.map(|r| &r.headers);
        Announced {
            declared: headers
                .and_then(|h| h.get("content-length"))
                .and_then(|v| v.trim().parse().ok()),
            typed: headers.is_some_and(|h| h.contains("content-type")),
            ..Announced::default()
        }
    }

    pub(super) fn any(&self) -> bool {
        if self.received.is_some_and(|n| n > 0) {
            return true;
        }
        self.ended && self.declared.map_or(self.typed, |n| n > 0)
    }

    /// Counts a text line taken; true when the announced body is complete.
    fn take_line(&mut self, line: &str) -> bool {
        // Counted as if each line ended with CRLF: a body never runs past its bytes into the
        // text after it, at worst a few bytes of it are left out.
        self.taken = self.taken.saturating_add(line.len() + 2);
        self.lines += 1;
        match self.received.or(self.declared) {
            Some(bytes) => self.taken >= bytes,
            None => self.lines >= MAX_UNCOUNTED_BODY_LINES,
        }
    }
}

impl CurlReader<'_, '_> {
    /// Ends a response head whose blank `<` line was not pasted.
    pub(super) fn end_open_response(&mut self) {
        if self.response.is_some() {
            self.end_response_headers();
        }
    }

    pub(super) fn response_line(&mut self, n: u64, text: &str) {
        if let Some(response) = self.response.as_mut() {
            if text.trim().is_empty() {
                self.end_response_headers();
                return;
            }
            if parse_status_line(text.trim_end()).is_none() {
                response.headers.push_line(text);
                return;
            }
            // A status line inside a head: the one before (`100 Continue`) lost its blank line.
            self.end_response_headers();
        }
        let Some(status) = parse_status_line(text.trim_end()) else {
            return;
        };
        if self.request.as_ref().is_some_and(|r| r.in_headers) {
            self.end_request_headers();
        }
        if self.request.is_none() {
            self.flush_done();
        }
        self.response = Some(CurlResponse {
            line: n,
            status: status.status,
            reason: status.reason.to_owned(),
            version: status.version.to_owned(),
            headers: HeaderBlock::new(),
        });
    }

    pub(super) fn end_response_headers(&mut self) {
        let Some(response) = self.response.take() else {
            return;
        };
        let interim = (100..200).contains(&response.status)
            || (response.status == 200
                && response
                    .reason
                    .eq_ignore_ascii_case("connection established"));
        let connect = self.request.as_ref().is_some_and(|r| r.connect);
        if interim && !connect {
            return;
        }
        if connect {
            // The proxy's answer to CONNECT: a tunnel, not an exchange.
            if !interim || response.status == 200 {
                self.request = None;
            }
            return;
        }
        let exchange = self.exchange(response);
        self.announced = Announced::for_response(exchange.response.as_ref());
        self.done = Some(exchange);
        self.stdout = Some(BodyCollector::new());
    }

    pub(super) fn exchange(&mut self, response: CurlResponse) -> Exchange {
        let mut exchange = match self.request.take() {
            Some(request) => {
                let mut exchange = Exchange::new(Location::Line(request.line), Request::default());
                exchange.client_time = request.time.map(ClientTime::TimeOfDay);
                exchange.redirected_from = request.redirected_from.clone();
                exchange.request = request.into_request();
                exchange
            }
            None => Exchange::new(Location::Line(response.line), Request::unrecorded("", "")),
        };
        self.fill_response(&mut exchange, response);
        exchange
    }

    fn fill_response(&mut self, exchange: &mut Exchange, response: CurlResponse) {
        let headers = response.headers.into_headers();
        if (300..400).contains(&response.status)
            && let Some(location) = headers.get("location")
        {
            let to = resolve_location(&exchange.request.url, location);
            self.last_redirect = Some((exchange.request.url.clone(), to));
        }
        exchange.response = Some(Response {
            status: response.status,
            reason: response.reason,
            http_version: response.version,
            headers,
            body: None,
        });
        exchange.take_server_time_from_date();
    }

    /// Emits the held exchange with any body printed after it.
    pub(super) fn flush_done(&mut self) {
        let stdout = self.stdout.take();
        let Some(mut exchange) = self.done.take() else {
            return;
        };
        if let (Some(body), Some(response)) = (
            stdout.and_then(BodyCollector::finish),
            exchange.response.as_mut(),
        ) && response.body.is_none()
        {
            response.body = Some(body);
        }
        self.sink.exchange(exchange);
    }

    /// A line without a curl prefix: the response body on stdout (`2>&1`), a progress
    /// meter, the command, or something else.
    pub(super) fn other(&mut self, line: &str) {
        // Most lines hold no carriage return: nothing to cut out of them.
        let cleaned: Cow<str> = if line.contains('\r') {
            Cow::Owned(line.split('\r').filter(|s| !is_progress(s)).collect())
        } else if is_progress(line) {
            return;
        } else {
            Cow::Borrowed(line)
        };
        if cleaned.trim().is_empty() {
            return;
        }
        // Every glued info line starts with `* `.
        let glued = || GLUED_INFO.iter().filter_map(|p| cleaned.find(p)).min();
        if memchr::memchr(b'*', cleaned.as_bytes()).is_some()
            && let Some(at) = glued()
            && at > 0
        {
            self.stdout_line(&cleaned[..at]);
            self.info(cleaned[at + 2..].trim());
            return;
        }
        if let Some(tool) = command::tool_of(&cleaned) {
            self.flush_done();
            let lines = CommandLines::start(0, &cleaned, tool);
            if lines.complete() {
                self.install_command(&lines);
            } else {
                self.command = Some(lines);
            }
            return;
        }
        self.stdout_line(&cleaned);
    }

    /// Takes a continuation line of the command above the transcript; false when no command
    /// is being joined.
    pub(super) fn command_continues(&mut self, line: &str) -> bool {
        let Some(lines) = self.command.as_mut() else {
            return false;
        };
        lines.push(line);
        if lines.complete()
            && let Some(lines) = self.command.take()
        {
            self.install_command(&lines);
        }
        true
    }

    /// The command's first URL names the scheme the transcript may not show.
    fn install_command(&mut self, lines: &CommandLines) {
        if let Some(url) = lines.parse().and_then(|c| c.urls.into_iter().next())
            && split_origin(&url).is_some()
        {
            self.next_url = Some(url);
        }
    }

    /// A body line after the final response: kept when it clearly starts a body (JSON, an
    /// array, markup) or continues one.
    fn stdout_line(&mut self, line: &str) {
        let Some(stdout) = self.stdout.as_mut() else {
            return;
        };
        if !stdout.is_started() {
            // `curl -v -i` prints the response head again on stdout before the body.
            let head = line.trim().is_empty()
                || parse_status_line(line.trim_end()).is_some()
                || parse_header_line(line).is_some();
            if head {
                return;
            }
            let announced = self.announced.any() && !is_prompt(line);
            if !announced && !looks_like_body_start(line.trim_start()) {
                self.stdout = None;
                return;
            }
        }
        let step = stdout.push(line);
        // A body that is not JSON has no end of its own: the announced bytes bound it.
        let text_done = stdout.is_started()
            && !stdout.inside_json()
            && self.announced.any()
            && self.announced.take_line(line);
        if step == BodyStep::Done || text_done {
            let body = self.stdout.take().and_then(BodyCollector::finish);
            if let Some(response) = self.done.as_mut().and_then(|e| e.response.as_mut())
                && response.body.is_none()
            {
                response.body = body;
            }
        }
    }
}

/// A shell prompt line after the transcript (`$ `, `user@host:~$ `): never a body.
fn is_prompt(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed == "$" || trimmed == "%" || command::strip_prompt(line) != line.trim_start()
}
