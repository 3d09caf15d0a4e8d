//! Raw HTTP and what people paste into tickets: `curl -i` / `curl -D -` / HTTPie output, a
//! request block before its response, pasted commands above their output, OkHttp logs,
//! Postman and Swagger UI panels, PowerShell and SDK exceptions quoting a status, access-log
//! lines, and a lone `WWW-Authenticate` challenge. One exchange per response; its location is
//! the line of the status.

mod exchange;
mod modes;
mod start;

use std::collections::VecDeque;
use std::io::BufRead;

use super::command::{Command, CommandLines};
use super::headers::{BodyCollector, HeaderBlock};
use super::lines::{self, LineReader, LineTrouble};
use super::paste::Heading;
use super::{Fatal, Sink};
use why401_model::exchange::{Body, Headers, Request};

/// OkHttp requests waiting for their response, matched by URL (calls interleave).
const MAX_OK_REQUESTS: usize = 64;
/// A Postman head or a `Code Details` label announces a status within this many lines.
const STATUS_LOOKAHEAD: u8 = 4;

pub fn read(input: &mut dyn BufRead, sink: &mut Sink) -> Result<(), Fatal> {
    lines::read_lines(input, PasteReader::new(sink))
}

/// What the reader is in the middle of.
enum Mode {
    Idle,
    Command(CommandLines),
    Headers(Side),
    Body(Side, BodyCollector),
    /// Between `--> GET url` and `--> END GET` (request), or `<-- 401 ... url` and
    /// `<-- END HTTP` (response); the body after the blank line.
    Ok(Side, Option<BodyCollector>),
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

/// Which half of an exchange a block of headers or a body belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
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

    fn dispatch(&mut self, n: u64, line: &str) {
        let mode = std::mem::replace(&mut self.mode, Mode::Idle);
        self.mode = match mode {
            Mode::Idle => self.idle(n, line),
            Mode::Command(lines) => self.command_line(lines, line),
            Mode::Headers(side) => self.headers(n, line, side),
            Mode::Body(side, body) => self.body(n, line, side, body),
            Mode::Ok(side, body) => self.ok_block(n, line, side, body),
            Mode::AfterStatus => self.after_status(n, line),
            Mode::Section(heading) => self.section(n, line, heading),
            Mode::SectionBody(heading, body) => self.section_body(n, line, heading, body),
            Mode::ExceptionBody(body) => self.exception_body(n, line, body),
        };
    }
}

impl LineReader for PasteReader<'_, '_> {
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
            Mode::Body(_, body) | Mode::SectionBody(_, body) | Mode::ExceptionBody(body) => {
                body.mark_truncated()
            }
            _ => {}
        }
    }

    fn finish(mut self) {
        let mode = std::mem::replace(&mut self.mode, Mode::Idle);
        match mode {
            Mode::Command(lines) => self.install_command(&lines),
            Mode::Body(Side::Response, body)
            | Mode::SectionBody(Heading::ResponseBody, body)
            | Mode::ExceptionBody(body) => self.attach_body(Side::Response, body),
            Mode::Ok(side, body) => self.attach_ok_body(side, body),
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
}

#[cfg(test)]
mod tests;
