//! The modes inside what was started: headers and bodies of raw HTTP, OkHttp blocks, panel
//! sections, the body after an exception.

use super::exchange::is_hidden_credential;
use super::start::Allow;
use super::{Mode, PasteReader, Side};
use crate::command;
use crate::headers::{
    BodyCollector, BodyStep, Pushed, looks_like_body_start, parse_header_line, split_origin,
};
use crate::paste::{self, Heading};

impl PasteReader<'_, '_> {
    pub(super) fn headers(&mut self, n: u64, line: &str, side: Side) -> Mode {
        if line.trim().is_empty() {
            return Mode::Body(side, BodyCollector::new());
        }
        if let Some(start) = self.classify(n, line, Allow::Strong) {
            return self.begin(n, line, start);
        }
        let block = match side {
            Side::Request => self.request.as_mut().map(|r| &mut r.headers),
            Side::Response => self.response.as_mut().map(|r| &mut r.headers),
        };
        let Some(block) = block else {
            return self.idle(n, line);
        };
        match block.push_line(line) {
            Pushed::Header | Pushed::Continuation => Mode::Headers(side),
            Pushed::NotHeader => self.body(n, line, side, BodyCollector::new()),
        }
    }

    pub(super) fn body(&mut self, n: u64, line: &str, side: Side, mut body: BodyCollector) -> Mode {
        // A prompt printed right after a body without a final newline: `}$ curl ...`.
        if side == Side::Response
            && let Some((head, tail)) = split_trailing_prompt(line)
        {
            body.push(head);
            self.attach_body(side, body);
            self.finish_response();
            return self.dispatch_owned(n, tail);
        }
        let allow = allow_in(&body);
        match self.feed_body(n, line, line, side, body, allow) {
            Fed::Began(mode) => mode,
            Fed::More(body) => Mode::Body(side, body),
            Fed::Done => {
                if side == Side::Response {
                    self.finish_response();
                }
                Mode::Idle
            }
        }
    }

    /// Feeds `text` (the body's part of `line`) to a body. A line that starts something
    /// else ends the body; so does the end of the body; either way the body is attached to
    /// the request or response on `side`.
    fn feed_body(
        &mut self,
        n: u64,
        line: &str,
        text: &str,
        side: Side,
        mut body: BodyCollector,
        allow: Allow,
    ) -> Fed {
        if let Some(start) = self.classify(n, line, allow) {
            self.attach_body(side, body);
            return Fed::Began(self.begin(n, line, start));
        }
        match body.push(text) {
            BodyStep::More => Fed::More(body),
            BodyStep::Done => {
                self.attach_body(side, body);
                Fed::Done
            }
        }
    }

    /// Runs a line through the reader from the idle state and returns the mode it leaves.
    fn dispatch_owned(&mut self, n: u64, line: &str) -> Mode {
        self.mode = Mode::Idle;
        self.dispatch(n, line);
        std::mem::replace(&mut self.mode, Mode::Idle)
    }

    pub(super) fn attach_body(&mut self, side: Side, body: BodyCollector) {
        let slot = match side {
            Side::Request => self.request.as_mut().map(|r| &mut r.body),
            Side::Response => self.response.as_mut().map(|r| &mut r.body),
        };
        if let (Some(slot), Some(body)) = (slot, body.finish()) {
            *slot = Some(body);
        }
    }

    /// OkHttp lines carry the logger's prefix; lines of other loggers are passed over.
    fn strip_ok_prefix<'l>(&self, line: &'l str) -> Option<&'l str> {
        paste::strip_signature(line, &self.ok_signature)
    }

    /// A line between OkHttp's `-->`/`<--` and its `END`: a header, the blank line, or the
    /// body after it.
    pub(super) fn ok_block(
        &mut self,
        n: u64,
        line: &str,
        side: Side,
        body: Option<BodyCollector>,
    ) -> Mode {
        let Some(text) = self.strip_ok_prefix(line) else {
            return self.foreign_line(n, line, Mode::Ok(side, body));
        };
        if let Some((_, ok)) = paste::okhttp_line(text) {
            self.attach_ok_body(side, body);
            return self.begin_ok(n, ok);
        }
        match body {
            Some(mut body) => {
                body.push(text);
                Mode::Ok(side, Some(body))
            }
            None if text.trim().is_empty() => Mode::Ok(side, Some(BodyCollector::new())),
            None => {
                self.ok_header(side, text);
                Mode::Ok(side, None)
            }
        }
    }

    fn ok_header(&mut self, side: Side, text: &str) {
        match side {
            Side::Request => {
                if let Some((name, value)) = parse_header_line(text)
                    && let Some(request) = self.ok_requests.back_mut()
                {
                    request.headers.push(name, value);
                    if is_hidden_credential(name, value) {
                        request.credential_recorded = false;
                    }
                }
            }
            Side::Response => {
                if let Some(response) = self.response.as_mut() {
                    response.headers.push_line(text);
                }
            }
        }
    }

    pub(super) fn attach_ok_body(&mut self, side: Side, body: Option<BodyCollector>) {
        match (side, body) {
            (Side::Request, body) => self.attach_ok_request_body(body),
            (Side::Response, Some(body)) => self.attach_body(side, body),
            (Side::Response, None) => {}
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

    /// A line without the OkHttp logger's prefix: ignored unless it starts something.
    fn foreign_line(&mut self, n: u64, line: &str, mode: Mode) -> Mode {
        match self.classify(n, line, Allow::Strong) {
            Some(start) => {
                if let Mode::Ok(Side::Response, Some(body)) = mode {
                    self.attach_body(Side::Response, body);
                }
                self.begin(n, line, start)
            }
            None => mode,
        }
    }

    pub(super) fn after_status(&mut self, n: u64, line: &str) -> Mode {
        if let Some(start) = self.classify(n, line, Allow::All) {
            return self.begin(n, line, start);
        }
        if looks_like_body_start(line.trim_start()) {
            return self.section_body(n, line, Heading::ResponseBody, BodyCollector::new());
        }
        Mode::AfterStatus
    }

    pub(super) fn section(&mut self, n: u64, line: &str, heading: Heading) -> Mode {
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

    pub(super) fn section_body(
        &mut self,
        n: u64,
        line: &str,
        heading: Heading,
        body: BodyCollector,
    ) -> Mode {
        let side = match heading {
            Heading::RequestBody => Side::Request,
            _ => Side::Response,
        };
        let allow = allow_in(&body);
        match self.feed_body(n, line, line, side, body, allow) {
            Fed::Began(mode) => mode,
            Fed::More(body) => Mode::SectionBody(heading, body),
            Fed::Done => Mode::AfterStatus,
        }
    }

    pub(super) fn exception_body(&mut self, n: u64, line: &str, body: BodyCollector) -> Mode {
        let fresh = !body.is_started();
        if fresh && line.trim().is_empty() {
            self.finish_response();
            return Mode::Idle;
        }
        if fresh && !looks_like_body_start(line.trim_start()) {
            self.attach_body(Side::Response, body);
            self.finish_response();
            return self.idle(n, line);
        }
        let cleaned = line.trim_end().trim_end_matches(" (truncated...)");
        match self.feed_body(n, line, cleaned, Side::Response, body, Allow::Strong) {
            Fed::Began(mode) => mode,
            Fed::More(body) => Mode::ExceptionBody(body),
            Fed::Done => {
                self.finish_response();
                Mode::Idle
            }
        }
    }
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

/// What feeding a line to a body came to.
enum Fed {
    /// The line started something else; the mode it began.
    Began(Mode),
    More(BodyCollector),
    Done,
}

/// Inside a JSON body only a command, a status line or a request line ends the body.
fn allow_in(body: &BodyCollector) -> Allow {
    if body.inside_json() {
        Allow::Strong
    } else {
        Allow::All
    }
}
