//! Raw HTTP and what people paste into tickets: `curl -i` / `curl -D -` / HTTPie output, a
//! request block before its response, pasted commands above their output, OkHttp logs,
//! Postman and Swagger UI panels, PowerShell and SDK exceptions quoting a status, access-log
//! lines, and a lone `WWW-Authenticate` challenge. One exchange per response; its location is
//! the line of the status.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::BufRead;

use super::command::{self, Command, CommandLines, Tool};
use super::headers::{
    BodyCollector, BodyStep, HeaderBlock, Pushed, looks_like_body_start, parse_header_line,
    parse_request_line, parse_status_line, resolve_location, same_origin, split_origin,
};
use super::lines::{self, LineTrouble, MAX_LINE};
use super::paste::{self, AccessLine, Heading, OkLine, QuotedStatus};
use super::{Fatal, Sink, for_each_line};
use why401_model::exchange::{
    Body, Exchange, ExchangeNote, Headers, Location, Request, Response, ServerMessage, ServerTime,
    ServerTimeSource,
};

/// OkHttp requests waiting for their response, matched by URL (calls interleave).
const MAX_OK_REQUESTS: usize = 64;
/// A Postman head or a `Code Details` label announces a status within this many lines.
const STATUS_LOOKAHEAD: u8 = 4;

pub fn read(input: &mut dyn BufRead, sink: &mut Sink) -> Result<(), Fatal> {
    let reader = RefCell::new(PasteReader::new(sink));
    let result = for_each_line(
        input,
        MAX_LINE,
        |number, bytes| reader.borrow_mut().line(number, bytes),
        |number, len| reader.borrow_mut().long_line(number, len),
    );
    reader.into_inner().finish();
    result.map_err(|err| lines::read_failure(&err))
}

/// What the reader is in the middle of.
enum Mode {
    Idle,
    Command(CommandLines),
    RequestHeaders,
    RequestBody(BodyCollector),
    ResponseHeaders,
    ResponseBody(BodyCollector),
    /// Between `--> GET url` and `--> END GET`; the body after the blank line.
    OkRequest(Option<BodyCollector>),
    /// Between `<-- 401 ... url` and `<-- END HTTP`.
    OkResponse(Option<BodyCollector>),
    /// A panel status was read; sections or a body may follow.
    AfterStatus,
    /// Inside a labelled panel section.
    Section(Heading),
    SectionBody(Heading, BodyCollector),
    /// After an exception quoting a status: a body may follow on the next lines.
    ExceptionBody(BodyCollector),
}

/// Where a response's request comes from.
enum Source {
    /// The request block above it, else the command above it.
    Context,
    /// What the response's own line says (OkHttp, exceptions).
    Own(Request),
}

struct PendingResponse {
    line: u64,
    status: Option<u16>,
    reason: String,
    version: String,
    headers: HeaderBlock,
    body: Option<Body>,
    source: Source,
}

impl PendingResponse {
    fn new(line: u64, status: Option<u16>, reason: &str, source: Source) -> PendingResponse {
        PendingResponse {
            line,
            status,
            reason: reason.to_owned(),
            version: String::new(),
            headers: HeaderBlock::new(),
            body: None,
            source,
        }
    }
}

/// A request block (request line and headers) or a Postman head, waiting for its response.
struct PendingRequest {
    request: Request,
    target: String,
    headers: HeaderBlock,
    body: Option<Body>,
}

/// A pasted command and how far its output has got.
struct CommandState {
    command: Command,
    url_index: usize,
    /// The request of the next hop after a followed redirect.
    redirect: Option<Request>,
    redirected_from: Option<String>,
    /// A multi-pass auth (`--digest`...) got its expected first 401.
    second_pass: bool,
}

impl CommandState {
    fn new(command: Command) -> CommandState {
        CommandState {
            command,
            url_index: 0,
            redirect: None,
            redirected_from: None,
            second_pass: false,
        }
    }

    fn current(&self) -> Request {
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

/// A structure a line starts.
enum Start {
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
enum Allow {
    Strong,
    All,
}

struct PasteReader<'s, 'a> {
    sink: &'s mut Sink<'a>,
    mode: Mode,
    command: Option<CommandState>,
    request: Option<PendingRequest>,
    response: Option<PendingResponse>,
    ok_requests: VecDeque<Request>,
    ok_signature: String,
    expect_status: u8,
    panel_url: Option<String>,
    loose: Option<(HeaderBlock, Option<u64>)>,
    challenge: Option<(u64, Headers)>,
    saw_status: bool,
    trouble: LineTrouble,
}

impl<'s, 'a> PasteReader<'s, 'a> {
    fn new(sink: &'s mut Sink<'a>) -> Self {
        PasteReader {
            sink,
            mode: Mode::Idle,
            command: None,
            request: None,
            response: None,
            ok_requests: VecDeque::new(),
            ok_signature: String::new(),
            expect_status: 0,
            panel_url: None,
            loose: None,
            challenge: None,
            saw_status: false,
            trouble: LineTrouble::default(),
        }
    }

    fn line(&mut self, number: u64, bytes: &[u8]) {
        if lines::is_binary(bytes) {
            self.trouble.binary(number);
            return;
        }
        let text = lines::decode(bytes);
        self.dispatch(number, &text);
    }

    fn long_line(&mut self, number: u64, len: usize) {
        LineTrouble::too_long(self.sink, number, len);
        match &mut self.mode {
            Mode::ResponseBody(body)
            | Mode::RequestBody(body)
            | Mode::SectionBody(_, body)
            | Mode::ExceptionBody(body) => body.mark_truncated(),
            _ => {}
        }
    }

    fn dispatch(&mut self, n: u64, line: &str) {
        let mode = std::mem::replace(&mut self.mode, Mode::Idle);
        self.mode = match mode {
            Mode::Idle => self.idle(n, line),
            Mode::Command(lines) => self.command_line(lines, line),
            Mode::RequestHeaders => self.request_headers(n, line),
            Mode::RequestBody(body) => self.request_body(n, line, body),
            Mode::ResponseHeaders => self.response_headers(n, line),
            Mode::ResponseBody(body) => self.response_body(n, line, body),
            Mode::OkRequest(body) => self.ok_request(n, line, body),
            Mode::OkResponse(body) => self.ok_response(n, line, body),
            Mode::AfterStatus => self.after_status(n, line),
            Mode::Section(heading) => self.section(n, line, heading),
            Mode::SectionBody(heading, body) => self.section_body(n, line, heading, body),
            Mode::ExceptionBody(body) => self.exception_body(n, line, body),
        };
    }

    // ---- classification -------------------------------------------------------------

    fn classify(&self, n: u64, line: &str, allow: Allow) -> Option<Start> {
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
    fn begin(&mut self, n: u64, line: &str, start: Start) -> Mode {
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
                Mode::ResponseHeaders
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
                Mode::RequestHeaders
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

    fn begin_ok(&mut self, n: u64, ok: OkLine) -> Mode {
        match ok {
            OkLine::Request { method, url } => {
                self.finish_response();
                let request = Request::recorded(method, url);
                self.push_ok_request(request);
                Mode::OkRequest(None)
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
                Mode::OkResponse(None)
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

    // ---- modes ------------------------------------------------------------------------

    fn idle(&mut self, n: u64, line: &str) -> Mode {
        if let Some(start) = self.classify(n, line, Allow::All) {
            return self.begin(n, line, start);
        }
        if !line.trim().is_empty() && self.expect_status > 0 {
            self.expect_status -= 1;
        }
        self.loose_line(n, line);
        Mode::Idle
    }

    fn command_line(&mut self, mut lines: CommandLines, line: &str) -> Mode {
        lines.push(line);
        if !lines.complete() {
            return Mode::Command(lines);
        }
        self.install_command(&lines);
        Mode::Idle
    }

    fn install_command(&mut self, lines: &CommandLines) {
        if let Some(command) = lines.parse() {
            self.command = Some(CommandState::new(command));
            self.request = None;
            self.panel_url = None;
        }
    }

    fn request_headers(&mut self, n: u64, line: &str) -> Mode {
        if line.trim().is_empty() {
            return Mode::RequestBody(BodyCollector::new());
        }
        if let Some(start) = self.classify(n, line, Allow::Strong) {
            return self.begin(n, line, start);
        }
        let Some(request) = self.request.as_mut() else {
            return self.idle(n, line);
        };
        match request.headers.push_line(line) {
            Pushed::Header | Pushed::Continuation => Mode::RequestHeaders,
            Pushed::NotHeader => self.request_body(n, line, BodyCollector::new()),
        }
    }

    fn request_body(&mut self, n: u64, line: &str, mut body: BodyCollector) -> Mode {
        let allow = if body.inside_json() {
            Allow::Strong
        } else {
            Allow::All
        };
        if let Some(start) = self.classify(n, line, allow) {
            self.attach_request_body(body);
            return self.begin(n, line, start);
        }
        match body.push(line) {
            BodyStep::More => Mode::RequestBody(body),
            BodyStep::Done => {
                self.attach_request_body(body);
                Mode::Idle
            }
        }
    }

    fn attach_request_body(&mut self, body: BodyCollector) {
        if let (Some(request), Some(body)) = (self.request.as_mut(), body.finish()) {
            request.body = Some(body);
        }
    }

    fn response_headers(&mut self, n: u64, line: &str) -> Mode {
        if line.trim().is_empty() {
            return Mode::ResponseBody(BodyCollector::new());
        }
        if let Some(start) = self.classify(n, line, Allow::Strong) {
            return self.begin(n, line, start);
        }
        let Some(response) = self.response.as_mut() else {
            return self.idle(n, line);
        };
        match response.headers.push_line(line) {
            Pushed::Header | Pushed::Continuation => Mode::ResponseHeaders,
            Pushed::NotHeader => self.response_body(n, line, BodyCollector::new()),
        }
    }

    fn response_body(&mut self, n: u64, line: &str, mut body: BodyCollector) -> Mode {
        let allow = if body.inside_json() {
            Allow::Strong
        } else {
            Allow::All
        };
        // A prompt printed right after a body without a final newline: `}$ curl ...`.
        if let Some((head, tail)) = split_trailing_prompt(line) {
            body.push(head);
            self.attach_response_body(body);
            self.finish_response();
            return self.dispatch_owned(n, tail);
        }
        if let Some(start) = self.classify(n, line, allow) {
            self.attach_response_body(body);
            return self.begin(n, line, start);
        }
        match body.push(line) {
            BodyStep::More => Mode::ResponseBody(body),
            BodyStep::Done => {
                self.attach_response_body(body);
                self.finish_response();
                Mode::Idle
            }
        }
    }

    /// Runs a line through the reader from the idle state and returns the mode it leaves.
    fn dispatch_owned(&mut self, n: u64, line: &str) -> Mode {
        self.mode = Mode::Idle;
        self.dispatch(n, line);
        std::mem::replace(&mut self.mode, Mode::Idle)
    }

    fn attach_response_body(&mut self, body: BodyCollector) {
        if let (Some(response), Some(body)) = (self.response.as_mut(), body.finish()) {
            response.body = Some(body);
        }
    }

    /// OkHttp lines carry the logger's prefix; lines of other loggers are passed over.
    fn strip_ok_prefix<'l>(&self, line: &'l str) -> Option<&'l str> {
        paste::strip_signature(line, &self.ok_signature)
    }

    fn ok_request(&mut self, n: u64, line: &str, body: Option<BodyCollector>) -> Mode {
        let Some(text) = self.strip_ok_prefix(line) else {
            return self.foreign_line(n, line, Mode::OkRequest(body));
        };
        if let Some((_, ok)) = paste::okhttp_line(text) {
            self.attach_ok_request_body(body);
            return self.begin_ok(n, ok);
        }
        match body {
            Some(mut body) => {
                body.push(text);
                Mode::OkRequest(Some(body))
            }
            None if text.trim().is_empty() => Mode::OkRequest(Some(BodyCollector::new())),
            None => {
                if let Some((name, value)) = parse_header_line(text)
                    && let Some(request) = self.ok_requests.back_mut()
                {
                    request.headers.push(name, value);
                    if is_hidden_credential(name, value) {
                        request.credential_recorded = false;
                    }
                }
                Mode::OkRequest(None)
            }
        }
    }

    fn attach_ok_request_body(&mut self, body: Option<BodyCollector>) {
        let Some(body) = body.and_then(BodyCollector::finish) else {
            return;
        };
        if let Some(request) = self.ok_requests.back_mut() {
            let content_type = request.headers.get("content-type").map(str::to_owned);
            request.set_body(&body.text, content_type.as_deref());
        }
    }

    fn ok_response(&mut self, n: u64, line: &str, body: Option<BodyCollector>) -> Mode {
        let Some(text) = self.strip_ok_prefix(line) else {
            return self.foreign_line(n, line, Mode::OkResponse(body));
        };
        if let Some((_, ok)) = paste::okhttp_line(text) {
            if let Some(body) = body {
                self.attach_response_body(body);
            }
            return self.begin_ok(n, ok);
        }
        match body {
            Some(mut body) => {
                body.push(text);
                Mode::OkResponse(Some(body))
            }
            None if text.trim().is_empty() => Mode::OkResponse(Some(BodyCollector::new())),
            None => {
                if let Some(response) = self.response.as_mut() {
                    response.headers.push_line(text);
                }
                Mode::OkResponse(None)
            }
        }
    }

    /// A line without the OkHttp logger's prefix: ignored unless it starts something.
    fn foreign_line(&mut self, n: u64, line: &str, mode: Mode) -> Mode {
        match self.classify(n, line, Allow::Strong) {
            Some(start) => {
                if let Mode::OkResponse(Some(body)) = mode {
                    self.attach_response_body(body);
                }
                self.begin(n, line, start)
            }
            None => mode,
        }
    }

    fn after_status(&mut self, n: u64, line: &str) -> Mode {
        if let Some(start) = self.classify(n, line, Allow::All) {
            return self.begin(n, line, start);
        }
        if looks_like_body_start(line.trim_start()) {
            return self.section_body(n, line, Heading::ResponseBody, BodyCollector::new());
        }
        Mode::AfterStatus
    }

    fn section(&mut self, n: u64, line: &str, heading: Heading) -> Mode {
        if line.trim().is_empty() {
            return Mode::Section(heading);
        }
        if let Some(start) = self.classify(n, line, Allow::All) {
            return self.begin(n, line, start);
        }
        match heading {
            Heading::RequestBody | Heading::ResponseBody => {
                if line.trim() == "Download" {
                    return Mode::Section(heading);
                }
                self.section_body(n, line, heading, BodyCollector::new())
            }
            Heading::RequestHeaders => {
                if let (Some(request), Some((name, value))) =
                    (self.request.as_mut(), panel_header(line))
                {
                    request.headers.push(name, value);
                    request.request.headers_recorded = true;
                    request.request.credential_recorded = true;
                }
                Mode::Section(heading)
            }
            Heading::ResponseHeaders => {
                if let (Some(response), Some((name, value))) =
                    (self.response.as_mut(), panel_header(line))
                {
                    response.headers.push(name, value);
                }
                Mode::Section(heading)
            }
            Heading::RequestUrl => {
                let url = line.trim();
                if split_origin(url).is_some() {
                    self.panel_url = Some(url.to_owned());
                }
                Mode::Idle
            }
            _ => Mode::AfterStatus,
        }
    }

    fn section_body(
        &mut self,
        n: u64,
        line: &str,
        heading: Heading,
        mut body: BodyCollector,
    ) -> Mode {
        let allow = if body.inside_json() {
            Allow::Strong
        } else {
            Allow::All
        };
        if let Some(start) = self.classify(n, line, allow) {
            self.attach_section_body(heading, body);
            return self.begin(n, line, start);
        }
        match body.push(line) {
            BodyStep::More => Mode::SectionBody(heading, body),
            BodyStep::Done => {
                self.attach_section_body(heading, body);
                Mode::AfterStatus
            }
        }
    }

    fn attach_section_body(&mut self, heading: Heading, body: BodyCollector) {
        match heading {
            Heading::RequestBody => self.attach_request_body(body),
            _ => self.attach_response_body(body),
        }
    }

    fn exception_body(&mut self, n: u64, line: &str, mut body: BodyCollector) -> Mode {
        let fresh = !body.is_started();
        if fresh && line.trim().is_empty() {
            self.finish_response();
            return Mode::Idle;
        }
        if fresh && !looks_like_body_start(line.trim_start()) {
            self.attach_response_body(body);
            self.finish_response();
            return self.idle(n, line);
        }
        if let Some(start) = self.classify(n, line, Allow::Strong) {
            self.attach_response_body(body);
            return self.begin(n, line, start);
        }
        let cleaned = line.trim_end().trim_end_matches(" (truncated...)");
        match body.push(cleaned) {
            BodyStep::More => Mode::ExceptionBody(body),
            BodyStep::Done => {
                self.attach_response_body(body);
                self.finish_response();
                Mode::Idle
            }
        }
    }

    // ---- loose headers and the inferred challenge -----------------------------------

    fn loose_line(&mut self, n: u64, line: &str) {
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

    fn close_loose(&mut self) {
        let Some((block, www)) = self.loose.take() else {
            return;
        };
        if let (Some(line), None) = (www, &self.challenge) {
            self.challenge = Some((line, block.into_headers()));
        }
    }

    // ---- exchanges ------------------------------------------------------------------

    fn finish_response(&mut self) {
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

    fn emit_access(&mut self, n: u64, access: AccessLine) {
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

    fn finish(mut self) {
        let mode = std::mem::replace(&mut self.mode, Mode::Idle);
        match mode {
            Mode::Command(lines) => self.install_command(&lines),
            Mode::ResponseBody(body)
            | Mode::SectionBody(Heading::ResponseBody, body)
            | Mode::ExceptionBody(body)
            | Mode::OkResponse(Some(body)) => self.attach_response_body(body),
            Mode::OkRequest(body) => self.attach_ok_request_body(body),
            _ => {}
        }
        self.finish_response();
        self.close_loose();
        if !self.saw_status
            && let Some((line, headers)) = self.challenge.take()
        {
            self.emit_inferred(line, headers);
        }
        self.trouble.finish(self.sink);
    }

    /// A challenge with no status anywhere: servers send challenges with 401.
    fn emit_inferred(&mut self, line: u64, headers: Headers) {
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
fn is_hidden_credential(name: &str, value: &str) -> bool {
    let credential = name.eq_ignore_ascii_case("authorization")
        || name.eq_ignore_ascii_case("cookie")
        || name.eq_ignore_ascii_case("proxy-authorization");
    credential && value.trim().chars().all(|c| c == '█') && !value.trim().is_empty()
}

/// A header in a panel section: `Name: value`, or `Name<TAB>value` as tables copy.
fn panel_header(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    if let Some(found) = parse_header_line(line) {
        return Some(found);
    }
    let (name, value) = line.split_once('\t')?;
    parse_header_line(&format!("{name}:x")).map(|_| (name.trim(), value.trim()))
}

/// `{"error":"x"}$ curl -i ...`: a body line with the next prompt glued to it.
fn split_trailing_prompt(line: &str) -> Option<(&str, &str)> {
    let at = line.find("}$ ").or_else(|| line.find("]$ "))?;
    let tail = &line[at + 1..];
    command::tool_of(tail)?;
    Some((&line[..=at], tail))
}

/// A log timestamp: RFC 3339 / ISO 8601, or the Common Log Format's.
fn log_time(text: &str) -> Option<ServerTime> {
    if let Some(at) = why401_model::time::parse_clf(text) {
        return Some(ServerTime {
            at,
            source: ServerTimeSource::LogTimestamp,
            assumed_utc: false,
        });
    }
    let stamp = why401_model::time::parse_iso(text)?;
    Some(ServerTime {
        at: stamp.at,
        source: ServerTimeSource::LogTimestamp,
        assumed_utc: !stamp.had_offset,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{Format, InputStats};

    fn read_all(bytes: &[u8]) -> (Vec<Exchange>, InputStats) {
        let mut out = Vec::new();
        let stats = {
            let mut emit = |e| out.push(e);
            let mut sink = Sink::new(InputStats::new(Arc::from("t"), Format::Http), &mut emit);
            read(&mut &bytes[..], &mut sink).unwrap();
            sink.into_stats()
        };
        (out, stats)
    }

    fn read_text(text: &str) -> Vec<Exchange> {
        read_all(text.as_bytes()).0
    }

    /// The rest of the first fixture line holding `marker`, quotes and line ending removed.
    fn after(text: &str, marker: &str) -> String {
        let at = text.find(marker).unwrap() + marker.len();
        let line = text[at..].lines().next().unwrap();
        line.trim_end()
            .trim_end_matches(['\'', '"', '\\', ' '])
            .to_owned()
    }

    fn response(e: &Exchange) -> &Response {
        e.response.as_ref().unwrap()
    }

    fn body(e: &Exchange) -> &str {
        &response(e).body.as_ref().unwrap().text
    }

    const BODY: &str = "{\"error\": \"unauthorized\", \"message\": \"Invalid or expired token\"}";

    #[test]
    fn curl_i_without_credential_records_none() {
        let ex = read_text(include_str!(
            "../../../tests/fixtures/http/curl-i-no-credential.txt"
        ));
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        assert_eq!(e.origin.location, Location::Line(2));
        assert_eq!(
            (e.request.method.as_str(), e.request.url.as_str()),
            ("GET", "https://api.example.com/v2/devices")
        );
        assert!(e.request.headers_recorded && e.request.credential_recorded);
        assert!(!e.request.headers.contains("authorization"));
        assert_eq!(response(e).status, 401);
        assert_eq!(response(e).http_version, "2");
        assert_eq!(
            response(e).headers.get("x-request-id"),
            Some("req_7f3a9c01d2")
        );
        assert_eq!(body(e), BODY);
        assert!(e.server_time.is_some());
    }

    #[test]
    fn curl_i_with_bearer_header_carries_it() {
        let text = include_str!("../../../tests/fixtures/http/curl-i-bearer.txt");
        let ex = read_text(text);
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        assert_eq!(e.origin.location, Location::Line(4));
        let want = format!("Bearer {}", after(text, "Authorization: Bearer "));
        assert_eq!(e.request.headers.get("authorization"), Some(want.as_str()));
        assert_eq!(e.request.headers.get("accept"), Some("application/json"));
        assert!(e.request.credential_recorded);
        assert!(
            response(e)
                .headers
                .get("www-authenticate")
                .unwrap()
                .contains("expired")
        );
    }

    #[test]
    fn hidden_credentials_are_not_recorded() {
        for command in [
            "$ curl -n -i https://api.example.com/v2/devices",
            "$ curl -i -K ./api.cfg https://api.example.com/v2/devices",
            "$ curl -i -H @auth-headers.txt https://api.example.com/v2/devices",
        ] {
            let text = format!("{command}\nHTTP/1.1 401 Unauthorized\nContent-Length: 0\n\n");
            let ex = read_text(&text);
            assert_eq!(ex.len(), 1, "{command}");
            assert!(ex[0].request.headers_recorded, "{command}");
            assert!(!ex[0].request.credential_recorded, "{command}");
        }
    }

    #[test]
    fn response_alone_has_an_unknown_request() {
        let ex =
            read_text("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n\r\n");
        assert_eq!(ex.len(), 1);
        assert_eq!(
            (ex[0].request.method.as_str(), ex[0].request.url.as_str()),
            ("", "")
        );
        assert!(!ex[0].request.headers_recorded);
    }

    #[test]
    fn swagger_panel_reads_one_exchange() {
        let text = include_str!("../../../tests/fixtures/http/swagger-ui.txt");
        let ex = read_text(text);
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        assert_eq!(e.origin.location, Location::Line(11));
        assert_eq!(
            e.request.url,
            "https://api.example.com/v2/policies?limit=20"
        );
        let want = format!("Bearer {}", after(text, "Authorization: Bearer "));
        assert_eq!(e.request.headers.get("authorization"), Some(want.as_str()));
        assert_eq!(e.request.headers.get("accept"), Some("application/json"));
        let r = response(e);
        assert_eq!(r.status, 401);
        assert_eq!(r.headers.get("content-type"), Some("application/json"));
        assert!(
            r.headers
                .get("www-authenticate")
                .unwrap()
                .contains("signature verification")
        );
        assert!(body(e).starts_with("{\n  \"error\": \"unauthorized\""));
        assert!(body(e).ends_with("\"request_id\": \"req_7f3a9c01d2\"\n}"));
    }

    #[test]
    fn postman_snippet_and_status_bar() {
        let ex = read_text(include_str!(
            "../../../tests/fixtures/http/postman-snippet.txt"
        ));
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        assert_eq!(e.origin.location, Location::Line(12));
        assert_eq!(e.request.method, "POST");
        assert_eq!(
            e.request.body.as_ref().unwrap().text,
            "{\n    \"action\": \"reboot\"\n}"
        );
        assert!(e.request.form.is_empty());
        assert!(
            e.request
                .headers
                .get("authorization")
                .unwrap()
                .starts_with("Bearer eyJ")
        );
        assert_eq!(response(e).reason, "Unauthorized");
        assert!(body(e).contains("\"message\": \"Invalid or expired token\""));
        assert!(!body(e).contains("Thanks"));
    }

    #[test]
    fn okhttp_logcat_pairs_requests_and_responses() {
        let ex = read_text(include_str!(
            "../../../tests/fixtures/http/okhttp-logcat.txt"
        ));
        assert_eq!(ex.len(), 2);
        let ok = &ex[0];
        assert_eq!(response(ok).status, 200);
        assert_eq!(ok.request.method, "GET");
        assert!(ok.request.headers.contains("authorization"));
        assert_eq!(body(ok), "{\"devices\": [{\"id\": \"dev_42\"}]}");
        let e = &ex[1];
        assert_eq!(e.origin.location, Location::Line(18));
        assert_eq!(e.request.method, "POST");
        assert_eq!(
            e.request.url,
            "https://api.example.com/v2/devices/dev_42/actions"
        );
        assert!(e.request.headers_recorded && e.request.credential_recorded);
        assert_eq!(e.request.headers.len(), 3);
        assert_eq!(
            e.request.body.as_ref().unwrap().text,
            "{\"action\":\"reboot\"}"
        );
        assert_eq!(response(e).reason, "Unauthorized");
        assert!(
            response(e)
                .headers
                .get("www-authenticate")
                .unwrap()
                .contains("expired")
        );
        assert_eq!(body(e), BODY);
        assert!(e.server_time.is_some());
    }

    #[test]
    fn okhttp_redacted_header_is_not_recorded() {
        let text = "--> GET https://api.example.com/v2/x\nAuthorization: ██\n--> END GET\n<-- 401 https://api.example.com/v2/x (5ms)\n<-- END HTTP\n";
        let ex = read_text(text);
        assert_eq!(ex.len(), 1);
        assert!(!ex[0].request.credential_recorded);
        assert_eq!(response(&ex[0]).reason, "");
    }

    #[test]
    fn postman_console_sections() {
        let ex = read_text(include_str!(
            "../../../tests/fixtures/http/postman-console.txt"
        ));
        assert_eq!(ex.len(), 2);
        let e = &ex[0];
        assert_eq!(e.origin.location, Location::Line(2));
        assert_eq!(e.request.url, "https://api.example.com/v2/logs/audit");
        assert!(e.request.headers_recorded);
        assert!(
            e.request
                .headers
                .get("authorization")
                .unwrap()
                .starts_with("Bearer eyJ")
        );
        assert_eq!(
            e.request.headers.get("user-agent"),
            Some("PostmanRuntime/7.36.3")
        );
        assert_eq!(response(e).headers.len(), 4);
        assert!(body(e).contains("Token lacks required scope"));
        let second = &ex[1];
        assert_eq!(response(second).status, 200);
        assert!(!second.request.headers_recorded);
        assert_eq!(second.request.url, "https://api.example.com/v2/devices");
    }

    #[test]
    fn httpie_verbose_request_block() {
        let text = include_str!("../../../tests/fixtures/http/httpie-verbose.txt");
        let ex = read_text(text);
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        assert_eq!(e.origin.location, Location::Line(12));
        assert_eq!(
            e.request.url,
            "https://api.example.com/v2/organizations/current"
        );
        assert_eq!(e.request.http_version, "1.1");
        assert_eq!(e.request.headers.get("user-agent"), Some("HTTPie/3.2.2"));
        assert_eq!(e.request.headers.len(), 6);
        assert!(e.request.body.is_none());
        assert!(body(e).starts_with("{\n    \"error\""));
        assert!(body(e).ends_with("}"));
    }

    #[test]
    fn powershell_error_takes_the_command_as_request() {
        let text = "PS C:\\> Invoke-WebRequest -Uri https://api.example.com/v2/devices -Headers @{ Authorization = 'Bearer a.b.c' }\r\nInvoke-WebRequest : The remote server returned an error: (401) Unauthorized.\r\nAt line:1 char:1\r\n+ Invoke-WebRequest -Uri https://api.example.com/v2/devices -Headers @{ ...\r\n";
        let ex = read_text(text);
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        assert_eq!(e.origin.location, Location::Line(2));
        assert_eq!(e.request.url, "https://api.example.com/v2/devices");
        assert_eq!(e.request.headers.get("authorization"), Some("Bearer a.b.c"));
        assert_eq!(response(e).reason, "Unauthorized");
    }

    #[test]
    fn exceptions_quote_status_and_body() {
        let ex = read_text(include_str!(
            "../../../tests/fixtures/http/sdk-exceptions.txt"
        ));
        let statuses: Vec<u16> = ex.iter().map(|e| response(e).status).collect();
        assert_eq!(statuses, vec![401, 401, 401, 401, 403]);
        assert_eq!(ex[0].request.url, "https://api.example.com/v2/devices");
        assert!(!ex[0].request.headers_recorded);
        assert_eq!(body(&ex[0]), BODY);
        assert_eq!(
            ex[1].request.url,
            "https://api.example.com/v2/policies?limit=20"
        );
        assert_eq!(
            body(&ex[2]),
            "{\"error\": \"authentication_failed\", \"code\": 401}"
        );
        assert_eq!(response(&ex[3]).reason, "Unauthorized");
    }

    #[test]
    fn access_log_lines() {
        let ex = read_text(include_str!("../../../tests/fixtures/http/access-clf.txt"));
        assert_eq!(ex.len(), 3);
        let e = &ex[1];
        assert_eq!(
            (e.request.method.as_str(), e.request.url.as_str()),
            ("POST", "/v2/devices/dev_42/actions")
        );
        let time = e.server_time.unwrap();
        assert_eq!(time.source, ServerTimeSource::LogTimestamp);
        assert_eq!(
            why401_model::time::format_millis(&time.at),
            "2024-03-08T14:23:45.000Z"
        );
        let ex = read_text(include_str!(
            "../../../tests/fixtures/http/access-logfmt.txt"
        ));
        assert_eq!(ex.len(), 2);
        let e = &ex[0];
        assert_eq!(e.origin.location, Location::Line(2));
        assert_eq!(
            e.server_messages,
            vec![ServerMessage {
                field: "error".into(),
                text: "token expired".into()
            }]
        );
        assert_eq!(
            why401_model::time::format_millis(&e.server_time.unwrap().at),
            "2024-03-08T14:23:45.120Z"
        );
    }

    #[test]
    fn lone_challenge_infers_401() {
        let ex = read_text(include_str!(
            "../../../tests/fixtures/http/lone-challenge.txt"
        ));
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        assert_eq!(e.origin.location, Location::Line(5));
        assert_eq!(e.notes, vec![ExchangeNote::StatusInferred]);
        assert_eq!(
            response(e).headers.get("www-authenticate"),
            Some(
                "Bearer realm=\"Example API\", error=\"invalid_token\", error_description=\"Token signature verification failed\""
            )
        );
        // A status elsewhere: the loose challenge is not an exchange of its own.
        let ex = read_text("WWW-Authenticate: Bearer\n\nHTTP/1.1 200 OK\n\n");
        assert_eq!(ex.len(), 1);
        assert_eq!(response(&ex[0]).status, 200);
        assert!(ex[0].notes.is_empty());
    }

    #[test]
    fn prose_is_never_an_exchange() {
        let (ex, stats) = read_all(include_bytes!("../../../tests/fixtures/http/prose-401.txt"));
        assert!(ex.is_empty());
        assert!(stats.errors.is_empty());
    }

    #[test]
    fn obs_fold_keeps_one_space() {
        let text = include_str!("../../../tests/fixtures/http/obs-fold.txt");
        let ex = read_text(text);
        assert_eq!(ex.len(), 1);
        let e = &ex[0];
        let lines: Vec<&str> = text.lines().collect();
        let want = format!(
            "{} {}",
            lines[2].trim_start_matches("Authorization: ").trim_end(),
            lines[3].trim_end()
        );
        assert_eq!(e.request.headers.get("authorization"), Some(want.as_str()));
        assert_eq!(e.request.headers.get("accept"), Some("application/json"));
        assert_eq!(
            response(e).headers.get("www-authenticate"),
            Some("Bearer realm=\"Example API\", error=\"invalid_token\"")
        );
        assert_eq!(body(e), BODY);
    }

    #[test]
    fn curl_i_follows_redirects_and_digest_passes() {
        let ex = read_text(include_str!(
            "../../../tests/fixtures/http/curl-i-redirect.txt"
        ));
        let statuses: Vec<u16> = ex.iter().map(|e| response(e).status).collect();
        assert_eq!(statuses, vec![302, 401, 401, 200]);
        assert!(ex[0].request.headers.contains("authorization"));
        let hop = &ex[1];
        assert_eq!(hop.request.url, "https://api-eu.example.net/v3/devices");
        assert_eq!(
            hop.redirected_from.as_deref(),
            Some("https://api.example.com/v3/devices")
        );
        assert!(!hop.request.headers.contains("authorization"));
        assert_eq!(body(hop), BODY);
        for digest in &ex[2..] {
            assert_eq!(digest.request.url, "http://legacy.example.com/v1/report");
            assert!(!digest.request.credential_recorded);
        }
        assert_eq!(body(&ex[3]), "device,status\ndev_42,online");
    }

    #[test]
    fn several_urls_answer_in_order() {
        let text = "$ curl -i https://api.example.com/v2/devices https://api.example.com/v2/policies\nHTTP/1.1 200 OK\n\nHTTP/1.1 100 Continue\n\nHTTP/1.1 401 Unauthorized\n\n";
        let ex = read_text(text);
        let urls: Vec<&str> = ex.iter().map(|e| e.request.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://api.example.com/v2/devices",
                "https://api.example.com/v2/policies"
            ]
        );
        assert_eq!(ex[1].origin.location, Location::Line(6));
    }

    #[test]
    fn proxy_tunnel_answer_belongs_to_the_final_response() {
        let text = "HTTP/1.1 200 Connection established\r\n\r\nHTTP/2 401 \r\nwww-authenticate: Bearer\r\n\r\n";
        let ex = read_text(text);
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0].origin.location, Location::Line(3));
        assert_eq!(response(&ex[0]).status, 401);
    }

    #[test]
    fn prompt_glued_to_a_body() {
        let text = "$ curl -i https://api.example.com/a\nHTTP/2 401 \n\n{\"error\":\"x\"}$ curl -i https://api.example.com/b\nHTTP/2 200 \n\n";
        let ex = read_text(text);
        assert_eq!(ex.len(), 2);
        assert_eq!(body(&ex[0]), "{\"error\":\"x\"}");
        assert_eq!(ex[1].request.url, "https://api.example.com/b");
    }

    #[test]
    fn bad_input() {
        let (ex, stats) = read_all(b"");
        assert!(ex.is_empty() && stats.errors.is_empty());
        let garbage: Vec<u8> = (0..2048u32).map(|i| (i * 31 % 256) as u8).collect();
        let (ex, stats) = read_all(&garbage);
        assert!(ex.is_empty());
        assert_eq!(stats.errors.len(), 1);
        let mut long = b"HTTP/1.1 401 Unauthorized\n\n".to_vec();
        long.extend(std::iter::repeat_n(b'{', MAX_LINE + 1));
        long.extend_from_slice(b"\nHTTP/1.1 200 OK\n\n");
        let (ex, stats) = read_all(&long);
        assert_eq!(ex.len(), 2);
        assert_eq!(stats.errors[0].location, "line 3");
        assert!(response(&ex[0]).body.as_ref().unwrap().truncated);
    }

    const ALL_FIXTURES: [&[u8]; 26] = [
        include_bytes!("../../../tests/fixtures/curl/digest.txt"),
        include_bytes!("../../../tests/fixtures/curl/invalid-utf8.txt"),
        include_bytes!("../../../tests/fixtures/curl/no-response-retry.txt"),
        include_bytes!("../../../tests/fixtures/curl/proxy-connect.txt"),
        include_bytes!("../../../tests/fixtures/curl/redirect-cross-host.txt"),
        include_bytes!("../../../tests/fixtures/curl/trace-ascii-info.txt"),
        include_bytes!("../../../tests/fixtures/curl/trace-ascii-star.txt"),
        include_bytes!("../../../tests/fixtures/curl/trace-hex.txt"),
        include_bytes!("../../../tests/fixtures/curl/v7-http1-crlf.txt"),
        include_bytes!("../../../tests/fixtures/curl/v7.88-h2h3.txt"),
        include_bytes!("../../../tests/fixtures/curl/v8-http2.txt"),
        include_bytes!("../../../tests/fixtures/http/access-clf.txt"),
        include_bytes!("../../../tests/fixtures/http/access-logfmt.txt"),
        include_bytes!("../../../tests/fixtures/http/curl-i-bearer.txt"),
        include_bytes!("../../../tests/fixtures/http/curl-i-no-credential.txt"),
        include_bytes!("../../../tests/fixtures/http/curl-i-redirect.txt"),
        include_bytes!("../../../tests/fixtures/http/httpie-verbose.txt"),
        include_bytes!("../../../tests/fixtures/http/lone-challenge.txt"),
        include_bytes!("../../../tests/fixtures/http/obs-fold.txt"),
        include_bytes!("../../../tests/fixtures/http/okhttp-logcat.txt"),
        include_bytes!("../../../tests/fixtures/http/postman-console.txt"),
        include_bytes!("../../../tests/fixtures/http/postman-snippet.txt"),
        include_bytes!("../../../tests/fixtures/http/powershell-utf16le.txt"),
        include_bytes!("../../../tests/fixtures/http/prose-401.txt"),
        include_bytes!("../../../tests/fixtures/http/sdk-exceptions.txt"),
        include_bytes!("../../../tests/fixtures/http/swagger-ui.txt"),
    ];

    type Reader = fn(&mut dyn BufRead, &mut Sink) -> Result<(), Fatal>;

    /// Both text readers on every fixture cut short and with bytes changed: never a panic,
    /// never more exchanges than status-bearing lines.
    #[test]
    fn damaged_inputs_never_panic() {
        let readers: [Reader; 2] = [read, crate::curl::read];
        for fixture in ALL_FIXTURES {
            let mut variants: Vec<Vec<u8>> = (0..fixture.len())
                .step_by(97)
                .map(|cut| fixture[..cut].to_vec())
                .collect();
            for (k, flip) in [b'\n', b' ', b'{', b'}', b':', b'\\', b'\'', 0xFF]
                .iter()
                .enumerate()
            {
                let mut changed = fixture.to_vec();
                for i in (k * 13..changed.len()).step_by(41) {
                    changed[i] = *flip;
                }
                variants.push(changed);
            }
            for bytes in variants {
                for reader in readers {
                    let mut count = 0usize;
                    let mut emit = |_e: Exchange| count += 1;
                    let mut sink =
                        Sink::new(InputStats::new(Arc::from("t"), Format::Http), &mut emit);
                    reader(&mut &bytes[..], &mut sink).unwrap();
                    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
                    drop(sink);
                    assert!(count <= lines);
                }
            }
        }
    }
}
