//! What a line starts: a command, a status or request line, an OkHttp line, a panel, an
//! exception quoting a status, an access-log line.

use super::{
    CommandState, MAX_OK_REQUESTS, Mode, PasteReader, PendingRequest, PendingResponse,
    STATUS_LOOKAHEAD, Side, Source,
};
use crate::command::{self, CommandLines, Tool};
use crate::headers::{BodyCollector, HeaderBlock, parse_request_line, parse_status_line};
use crate::paste::{self, AccessLine, Heading, OkLine, QuotedStatus};
use why401_model::exchange::{Body, Request};

/// A structure a line starts.
pub(super) enum Start {
    Command(CommandLines),
    Status {
        status: u16,
        reason: String,
        version: String,
    },
    Request {
        method: String,
        target: String,
        version: String,
    },
    Ok(usize, OkLine),
    Heading(Heading),
    PostmanHead(String, String, Option<u16>),
    BareStatus(u16),
    Panel(u16, String),
    Quoted(QuotedStatus),
    Access(AccessLine),
}

/// How much may interrupt what is being read: inside a JSON body only a command, a status
/// line or a request line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Allow {
    Strong,
    All,
}

impl PasteReader<'_, '_> {
    pub(super) fn classify(&self, n: u64, line: &str, allow: Allow) -> Option<Start> {
        if let Some(tool) = command::tool_of(line) {
            let lines = CommandLines::start(n, line, tool);
            if !lines.complete() || lines.parse().is_some() {
                return Some(Start::Command(lines));
            }
        }
        if let Some(status) = parse_status_line(line.trim_end()) {
            return Some(Start::Status {
                status: status.status,
                reason: status.reason.to_owned(),
                version: status.version.to_owned(),
            });
        }
        if let Some(request) = parse_request_line(line) {
            return Some(Start::Request {
                method: request.method.to_owned(),
                target: request.target.to_owned(),
                version: request.version.to_owned(),
            });
        }
        if allow == Allow::Strong {
            return None;
        }
        self.classify_paste(line)
    }

    fn classify_paste(&self, line: &str) -> Option<Start> {
        if line.len() > paste::MAX_PASTE_LINE {
            return None;
        }
        if let Some((at, ok)) = paste::okhttp_line(line) {
            return Some(Start::Ok(at, ok));
        }
        if let Some(heading) = paste::heading(line) {
            return Some(Start::Heading(heading));
        }
        if let Some((method, url, status)) = paste::postman_head(line) {
            return Some(Start::PostmanHead(method, url, status));
        }
        if self.expect_status > 0
            && let Some(status) = paste::bare_status(line)
        {
            return Some(Start::BareStatus(status));
        }
        if let Some((status, reason)) = paste::status_panel(line) {
            return Some(Start::Panel(status, reason));
        }
        if paste::is_json_shaped(line) {
            return None;
        }
        if let Some(quoted) = paste::quoted_status(line) {
            return Some(Start::Quoted(quoted));
        }
        paste::clf_line(line)
            .or_else(|| paste::logfmt_line(line))
            .map(Start::Access)
    }

    /// Ends what was pending and begins what `start` begins; returns the new mode.
    pub(super) fn begin(&mut self, n: u64, line: &str, start: Start) -> Mode {
        if !matches!(start, Start::Heading(_)) {
            self.close_loose();
        }
        match start {
            Start::Command(lines) => {
                self.finish_response();
                if lines.complete() {
                    self.install_command(&lines);
                    Mode::Idle
                } else {
                    Mode::Command(lines)
                }
            }
            Start::Status {
                status,
                reason,
                version,
            } => {
                self.finish_response();
                let mut response = PendingResponse::new(n, Some(status), &reason, Source::Context);
                response.version = version;
                self.open_response(response);
                Mode::Headers(Side::Response)
            }
            Start::Request {
                method,
                target,
                version,
            } => {
                self.finish_response();
                let mut request = Request::recorded(method, "");
                request.http_version = version;
                self.request = Some(PendingRequest {
                    request,
                    target,
                    headers: HeaderBlock::new(),
                    body: None,
                });
                Mode::Headers(Side::Request)
            }
            Start::Ok(at, ok) => {
                self.ok_signature = paste::prefix_signature(&line[..at]);
                self.begin_ok(n, ok)
            }
            Start::Heading(heading) => self.begin_heading(n, heading),
            Start::PostmanHead(method, url, status) => {
                self.finish_response();
                self.request = Some(PendingRequest {
                    request: Request::unrecorded(method, url.clone()),
                    target: url,
                    headers: HeaderBlock::new(),
                    body: None,
                });
                match status {
                    Some(status) => self.begin_panel(n, status, ""),
                    None => {
                        self.expect_status = STATUS_LOOKAHEAD;
                        Mode::Idle
                    }
                }
            }
            Start::BareStatus(status) => self.begin_panel(n, status, ""),
            Start::Panel(status, reason) => self.begin_panel(n, status, &reason),
            Start::Quoted(quoted) => self.begin_quoted(n, quoted),
            Start::Access(access) => {
                self.finish_response();
                self.emit_access(n, access);
                Mode::Idle
            }
        }
    }

    fn open_response(&mut self, response: PendingResponse) {
        self.saw_status |= response.status.is_some();
        self.expect_status = 0;
        self.response = Some(response);
    }

    fn begin_panel(&mut self, n: u64, status: u16, reason: &str) -> Mode {
        self.finish_response();
        self.open_response(PendingResponse::new(
            n,
            Some(status),
            reason,
            Source::Context,
        ));
        Mode::AfterStatus
    }

    fn begin_heading(&mut self, n: u64, heading: Heading) -> Mode {
        match heading {
            Heading::Documentation => {
                self.finish_response();
                Mode::Idle
            }
            Heading::StatusNext => {
                self.expect_status = STATUS_LOOKAHEAD;
                Mode::Idle
            }
            Heading::Ignored => Mode::AfterStatus,
            Heading::RequestHeaders | Heading::RequestBody => {
                self.request.get_or_insert_with(|| PendingRequest {
                    request: Request::unrecorded("", ""),
                    target: String::new(),
                    headers: HeaderBlock::new(),
                    body: None,
                });
                Mode::Section(heading)
            }
            Heading::ResponseHeaders | Heading::ResponseBody => {
                if self.response.is_none() {
                    self.response = Some(PendingResponse::new(n, None, "", Source::Context));
                }
                Mode::Section(heading)
            }
            Heading::RequestUrl => Mode::Section(heading),
        }
    }

    fn begin_quoted(&mut self, n: u64, quoted: QuotedStatus) -> Mode {
        self.finish_response();
        let from_command = quoted.powershell
            && self
                .command
                .as_ref()
                .is_some_and(|c| c.command.tool == Tool::PowerShell);
        let source = if from_command {
            Source::Context
        } else {
            Source::Own(Request::unrecorded(
                quoted.method.clone().unwrap_or_default(),
                quoted.url.clone().unwrap_or_default(),
            ))
        };
        let mut response = PendingResponse::new(n, Some(quoted.status), &quoted.reason, source);
        let inline_body = quoted.body.is_some();
        if let Some(body) = &quoted.body {
            response.body = Some(Body::from_text(body));
        }
        self.open_response(response);
        if inline_body {
            self.finish_response();
            Mode::Idle
        } else {
            Mode::ExceptionBody(BodyCollector::new())
        }
    }

    pub(super) fn begin_ok(&mut self, n: u64, ok: OkLine) -> Mode {
        match ok {
            OkLine::Request { method, url } => {
                self.finish_response();
                let request = Request::recorded(method, url);
                self.push_ok_request(request);
                Mode::Ok(Side::Request, None)
            }
            OkLine::Response {
                status,
                reason,
                url,
            } => {
                self.finish_response();
                let request = self.take_ok_request(&url);
                self.open_response(PendingResponse::new(
                    n,
                    Some(status),
                    &reason,
                    Source::Own(request),
                ));
                Mode::Ok(Side::Response, None)
            }
            OkLine::RequestEnd | OkLine::ResponseEnd | OkLine::Failed => {
                self.finish_response();
                Mode::Idle
            }
        }
    }

    fn push_ok_request(&mut self, request: Request) {
        if self.ok_requests.len() >= MAX_OK_REQUESTS {
            self.ok_requests.pop_front();
        }
        self.ok_requests.push_back(request);
    }

    fn take_ok_request(&mut self, url: &str) -> Request {
        match self.ok_requests.iter().position(|r| r.url == url) {
            Some(i) => self.ok_requests.remove(i).unwrap_or_default(),
            None => Request::unrecorded("", url),
        }
    }

    pub(super) fn idle(&mut self, n: u64, line: &str) -> Mode {
        if let Some(start) = self.classify(n, line, Allow::All) {
            return self.begin(n, line, start);
        }
        if !line.trim().is_empty() && self.expect_status > 0 {
            self.expect_status -= 1;
        }
        self.loose_line(n, line);
        Mode::Idle
    }

    pub(super) fn command_line(&mut self, mut lines: CommandLines, line: &str) -> Mode {
        lines.push(line);
        if !lines.complete() {
            return Mode::Command(lines);
        }
        self.install_command(&lines);
        Mode::Idle
    }

    pub(super) fn install_command(&mut self, lines: &CommandLines) {
        if let Some(command) = lines.parse() {
            self.command = Some(CommandState::new(command));
            self.request = None;
            self.panel_url = None;
        }
    }
}
