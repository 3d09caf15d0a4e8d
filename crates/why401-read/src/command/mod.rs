//! Commands pasted above their output: `curl`, HTTPie (`http`/`https`) and PowerShell
//! `Invoke-WebRequest`/`Invoke-RestMethod`, with shell prompts and line continuations. A
//! command becomes the request of the responses printed after it.

mod curl;
mod httpie;
mod powershell;
mod shell;

use base64::Engine;

use super::headers::split_origin;
use shell::{Word, tokenize};
use why401_model::exchange::Request;

/// A multi-line command is joined from at most this many lines and bytes.
const MAX_COMMAND_LINES: usize = 200;
const MAX_COMMAND_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Curl,
    Httpie,
    PowerShell,
}

/// What a command asked for.
#[derive(Debug, Clone)]
pub struct Command {
    pub tool: Tool,
    /// The request template: method, the first URL, headers, body.
    pub request: Request,
    /// Every URL of the command, in order (curl fetches them one after the other).
    pub urls: Vec<String>,
    /// `-L`, `--location`, `--follow`.
    pub follow_redirects: bool,
    /// `--location-trusted`: credentials are kept across hosts.
    pub location_trusted: bool,
    /// `-X`/`--request` given: curl keeps the method on redirects.
    pub method_explicit: bool,
    /// `--digest`, `--ntlm`, `--negotiate`, `--anyauth`: a first 401 is expected.
    pub multi_pass_auth: bool,
}

/// The text after a shell prompt (`$ `, `> `, `% `, `PS C:\> `, `C:\dir>`, `user@host:~$ `).
pub fn strip_prompt(line: &str) -> &str {
    let line = line.trim_start();
    for prompt in ["$ ", "> ", "% ", "# "] {
        if let Some(rest) = line.strip_prefix(prompt) {
            return rest.trim_start();
        }
    }
    if let Some(rest) = line.strip_prefix("PS ")
        && let Some(end) = rest.find("> ")
        && !rest[..end].contains(' ')
    {
        return rest[end + 2..].trim_start();
    }
    let bytes = line.as_bytes();
    if bytes.len() > 3
        && bytes[0].is_ascii_alphabetic()
        && &bytes[1..3] == b":\\"
        && let Some(end) = line.find('>')
        && !line[..end].contains(' ')
    {
        return line[end + 1..].trim_start();
    }
    if let Some(end) = line.find(['$', '#'])
        && line[end + 1..].starts_with(' ')
        && line[..end].contains('@')
        && !line[..end].contains(' ')
    {
        return line[end + 2..].trim_start();
    }
    line
}

/// The tool a line invokes, if its first word (after a prompt) is one we read.
pub fn tool_of(line: &str) -> Option<Tool> {
    let text = strip_prompt(line);
    let word = text.split_whitespace().next()?;
    let second = text.split_whitespace().nth(1);
    let base = word.rsplit(['/', '\\']).next().unwrap_or(word);
    match base.to_ascii_lowercase().as_str() {
        "curl" | "curl.exe" => {
            let powershell = text.split_whitespace().any(|w| {
                let w = w.to_ascii_lowercase();
                w == "-uri" || w == "-headers" || w == "-method"
            });
            second?;
            Some(if powershell {
                Tool::PowerShell
            } else {
                Tool::Curl
            })
        }
        "http" | "https" | "xh" | "xhs" => {
            let next = second?;
            let plausible = next.starts_with('-')
                || next.bytes().all(|b| b.is_ascii_uppercase())
                || next.starts_with(':')
                || next.contains(['.', '/', ':'])
                || next.starts_with("localhost");
            plausible.then_some(Tool::Httpie)
        }
        "invoke-webrequest" | "invoke-restmethod" | "iwr" | "irm" => {
            // `Invoke-WebRequest : The remote server returned ...` is an error record.
            let next = second?;
            (next != ":").then_some(Tool::PowerShell)
        }
        _ => None,
    }
}

/// A command being joined from its lines (`\`, `^` or backtick continuations, or an open
/// quote).
#[derive(Debug, Clone)]
pub struct CommandLines {
    pub first_line: u64,
    pub tool: Tool,
    text: String,
    lines: usize,
    open: bool,
}

impl CommandLines {
    /// Starts a command at `line` (its first line, prompt included).
    pub fn start(number: u64, line: &str, tool: Tool) -> CommandLines {
        let mut lines = CommandLines {
            first_line: number,
            tool,
            text: String::new(),
            lines: 0,
            open: true,
        };
        lines.add(strip_prompt(line));
        lines
    }

    /// Adds the next line; afterwards [`CommandLines::complete`] says whether more follow.
    pub fn push(&mut self, line: &str) {
        // Continuation lines may carry a secondary prompt (`> `).
        let line = line.strip_prefix("> ").unwrap_or(line);
        self.add(line);
    }

    fn add(&mut self, line: &str) {
        self.lines += 1;
        let trimmed = line.trim_end();
        let continued = ["\\", "^", "`"]
            .iter()
            .find_map(|mark| trimmed.strip_suffix(mark));
        let piece = continued.unwrap_or(trimmed);
        if self.text.len() + piece.len() < MAX_COMMAND_BYTES {
            if !self.text.is_empty() {
                self.text.push(if self.quote_open() { '\n' } else { ' ' });
            }
            self.text.push_str(piece);
        }
        let limit = self.lines >= MAX_COMMAND_LINES || self.text.len() >= MAX_COMMAND_BYTES;
        self.open = !limit && (continued.is_some() || self.quote_open());
    }

    pub fn complete(&self) -> bool {
        !self.open
    }

    fn quote_open(&self) -> bool {
        let powershell = self.tool == Tool::PowerShell;
        tokenize(&self.text, powershell).unclosed
    }

    pub fn parse(&self) -> Option<Command> {
        parse(&self.text, self.tool)
    }
}

/// Parses one (joined) command line.
pub fn parse(text: &str, tool: Tool) -> Option<Command> {
    let words = tokenize(text, tool == Tool::PowerShell).words;
    let args = words.get(1..)?;
    match tool {
        Tool::Curl => curl::parse_curl(args),
        Tool::Httpie => {
            let default_https = words
                .first()
                .is_some_and(|w| w.text.ends_with("https") || w.text.ends_with("xhs"));
            httpie::parse_httpie(args, default_https)
        }
        Tool::PowerShell => powershell::parse_powershell(args),
    }
}

/// Header names whose value is a credential.
fn is_credential_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["auth", "token", "key", "cookie", "session", "secret"]
        .iter()
        .any(|part| name.contains(part))
}

/// What a curl or HTTPie command line builds up.
#[derive(Debug, Default)]
struct Builder {
    method: Option<String>,
    urls: Vec<String>,
    headers: Vec<(String, String)>,
    data: Vec<String>,
    body_unrecorded: bool,
    credential_unrecorded: bool,
    follow: bool,
    trusted: bool,
    multi_pass: bool,
    get_mode: bool,
    head: bool,
    user: Option<Word>,
    content_type: Option<String>,
}

impl Builder {
    fn header_arg(&mut self, word: &Word) {
        let text = word.text.trim();
        if text.starts_with('@') {
            // `-H @file`: the headers (and any credential) are in a file we do not have.
            self.credential_unrecorded = true;
            return;
        }
        let (name, value) = match text.split_once(':') {
            Some((name, value)) => (name.trim(), value.trim()),
            None => match text.strip_suffix(';') {
                Some(name) => (name.trim(), ""),
                None => return,
            },
        };
        if name.is_empty() || (value.is_empty() && !text.ends_with(';')) {
            return;
        }
        if word.expands && is_credential_header(name) {
            // The shell filled the value in (`"Bearer $TOKEN"`): what was sent is not in the
            // paste, and the variable's name is no credential to judge or fingerprint.
            self.credential_unrecorded = true;
            return;
        }
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    fn set_default_header(&mut self, name: &str, value: &str) {
        if !self.has_header(name) {
            self.headers.push((name.to_owned(), value.to_owned()));
        }
    }

    fn basic_auth(&mut self) {
        let Some(user) = self.user.take() else {
            return;
        };
        if self.multi_pass {
            // Digest/NTLM/Negotiate credentials are computed while the exchange runs.
            self.credential_unrecorded = true;
            return;
        }
        if user.expands || !user.text.contains(':') {
            // A shell variable, or a password curl would prompt for: the credential sent is
            // not in the paste.
            self.credential_unrecorded = true;
            return;
        }
        let encoded = base64::engine::general_purpose::STANDARD.encode(user.text.as_bytes());
        if !self.has_header("authorization") {
            self.headers
                .push(("Authorization".into(), format!("Basic {encoded}")));
        }
    }

    fn finish(mut self, tool: Tool) -> Option<Command> {
        self.basic_auth();
        self.urls.first()?;
        let has_data = !self.data.is_empty() || self.body_unrecorded;
        let mut urls = self.urls.clone();
        let mut body = None;
        if self.get_mode && !self.data.is_empty() {
            let query = self.data.join("&");
            for url in &mut urls {
                let sep = if url.contains('?') { '&' } else { '?' };
                url.push(sep);
                url.push_str(&query);
            }
        } else if !self.data.is_empty() {
            body = Some(self.data.join(if tool == Tool::Httpie { "" } else { "&" }));
        }
        let default_method = if self.head {
            "HEAD"
        } else if has_data && !self.get_mode {
            "POST"
        } else {
            "GET"
        };
        let method_explicit = self.method.is_some();
        let method = self.method.clone().unwrap_or_else(|| default_method.into());
        let mut request = Request::recorded(method, urls[0].clone());
        request.credential_recorded = !self.credential_unrecorded;
        if body.is_some() {
            let ct = self
                .content_type
                .clone()
                .unwrap_or_else(|| "application/x-www-form-urlencoded".into());
            self.set_default_header("Content-Type", &ct);
        }
        let content_type = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.clone());
        request.headers = self.headers.into_iter().collect();
        if let Some(text) = body {
            request.set_body(&text, content_type.as_deref());
        }
        if self.body_unrecorded {
            request.body_recorded = false;
        }
        Some(Command {
            tool,
            request,
            urls,
            follow_redirects: self.follow || self.trusted,
            location_trusted: self.trusted,
            method_explicit,
            multi_pass_auth: self.multi_pass,
        })
    }
}

/// A positional word that can be a URL: a scheme, a dotted host, `localhost`, an address.
/// Prose after the word `curl` ("curl returns 401") has none.
fn looks_like_url(text: &str) -> bool {
    if split_origin(text).is_some() {
        return true;
    }
    let host = text.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let name = host.split(':').next().unwrap_or(host);
    let dotted = name.contains('.')
        && !name.ends_with('.')
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && name.bytes().any(|b| b.is_ascii_alphabetic() || b == b'.');
    dotted || name == "localhost" || host.starts_with('[') || text.starts_with('$')
}

/// The request a command sends to `url` (one of its URLs, or a redirect target).
pub fn request_for(command: &Command, url: &str) -> Request {
    let mut request = command.request.clone();
    request.url = url.to_owned();
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_text(request: &Request) -> Option<&str> {
        request.body.as_ref().map(|b| b.text.as_str())
    }

    #[test]
    fn prompts_are_stripped() {
        assert_eq!(strip_prompt("$ curl -i x"), "curl -i x");
        assert_eq!(strip_prompt("> curl x"), "curl x");
        assert_eq!(strip_prompt("PS C:\\Users\\me> iwr x"), "iwr x");
        assert_eq!(strip_prompt("C:\\work>curl x"), "curl x");
        assert_eq!(strip_prompt("me@box:~/src$ curl x"), "curl x");
        assert_eq!(tool_of("$ curl -i https://x"), Some(Tool::Curl));
        assert_eq!(tool_of("curl returns 401 for me"), Some(Tool::Curl));
        assert_eq!(tool_of("http is a protocol"), None);
        assert_eq!(tool_of("http GET api.example.com/x"), Some(Tool::Httpie));
        assert_eq!(
            tool_of("Invoke-RestMethod -Uri https://x"),
            Some(Tool::PowerShell)
        );
    }

    #[test]
    fn continuations_join() {
        let mut lines = CommandLines::start(3, "$ curl -X 'GET' \\", Tool::Curl);
        assert!(!lines.complete());
        lines.push("  'https://api.example.com/v2/devices' \\");
        lines.push("  -H 'accept: application/json' ^");
        assert!(!lines.complete());
        lines.push("  -H 'Authorization: Bearer x.y.z'");
        assert!(lines.complete());
        let c = lines.parse().unwrap();
        assert_eq!(c.request.url, "https://api.example.com/v2/devices");
        assert_eq!(c.request.headers.get("authorization"), Some("Bearer x.y.z"));

        let mut open = CommandLines::start(1, "curl https://x.example.com -d '{", Tool::Curl);
        assert!(!open.complete());
        open.push("  \"a\": 1 }'");
        assert!(open.complete());
        assert_eq!(
            body_text(&open.parse().unwrap().request),
            Some("{\n  \"a\": 1 }")
        );
    }
}
