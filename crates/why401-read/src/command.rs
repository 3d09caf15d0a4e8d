//! Commands pasted above their output: `curl`, HTTPie (`http`/`https`) and PowerShell
//! `Invoke-WebRequest`/`Invoke-RestMethod`, with shell prompts and line continuations. A
//! command becomes the request of the responses printed after it.

use base64::Engine;

use super::headers::split_origin;
use why401_model::exchange::{Request, percent_decode};

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
        Tool::Curl => parse_curl(args),
        Tool::Httpie => {
            let default_https = words
                .first()
                .is_some_and(|w| w.text.ends_with("https") || w.text.ends_with("xhs"));
            parse_httpie(args, default_https)
        }
        Tool::PowerShell => parse_powershell(args),
    }
}

/// A shell word and whether the shell would have expanded part of it (`$TOKEN`, `$(...)`,
/// `%TOKEN%`): then its real value is not in the paste.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    text: String,
    expands: bool,
}

struct Tokens {
    words: Vec<Word>,
    unclosed: bool,
}

/// Splits a command into words the way a POSIX shell (or PowerShell) would, without
/// expanding anything; stops at a pipe, `;`, `&&` or a redirection.
fn tokenize(text: &str, powershell: bool) -> Tokens {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    let mut unclosed = false;
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        if matches!(first, '|' | ';' | '&') {
            break;
        }
        if first == '>' || first == '<' || (first.is_ascii_digit() && redirect_ahead(&chars)) {
            skip_redirect(&mut chars);
            continue;
        }
        let mut word = Word {
            text: String::new(),
            expands: false,
        };
        unclosed = read_word(&mut chars, &mut word, powershell);
        words.push(word);
        if unclosed {
            break;
        }
    }
    Tokens { words, unclosed }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn redirect_ahead(chars: &Chars) -> bool {
    let mut look = chars.clone();
    look.next();
    matches!(look.next(), Some('>'))
}

/// Skips `2>&1`, `> file`, `>>file`, `< in`.
fn skip_redirect(chars: &mut Chars) {
    while chars.next_if(|c| c.is_ascii_digit()).is_some() {}
    while chars.next_if(|c| matches!(c, '>' | '<' | '&')).is_some() {}
    if chars.next_if(|c| c.is_ascii_digit()).is_some() {
        return;
    }
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    while chars.next_if(|c| !c.is_whitespace()).is_some() {}
}

/// Reads one word; returns true when a quote was left open.
fn read_word(chars: &mut Chars, word: &mut Word, powershell: bool) -> bool {
    let escape = if powershell { '`' } else { '\\' };
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            break;
        }
        chars.next();
        match c {
            '\'' => {
                if read_single_quoted(chars, word, powershell) {
                    return true;
                }
            }
            '"' => {
                if read_double_quoted(chars, word, escape) {
                    return true;
                }
            }
            '@' if powershell && chars.peek() == Some(&'{') => {
                word.text.push('@');
                if read_braces(chars, word) {
                    return true;
                }
            }
            '$' if !powershell && chars.peek() == Some(&'\'') => {
                chars.next();
                if read_ansi_c(chars, word) {
                    return true;
                }
            }
            '$' | '`' | '%' => {
                mark_expansion(c, chars, word);
                word.text.push(c);
            }
            c if c == escape => match chars.next() {
                Some('\n') | None => {}
                Some(next) => word.text.push(next),
            },
            _ => word.text.push(c),
        }
    }
    false
}

fn mark_expansion(c: char, chars: &Chars, word: &mut Word) {
    let next = chars.clone().next();
    let expands = match c {
        '$' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '_' | '{' | '(')),
        '`' => true,
        _ => {
            // `%NAME%` (cmd.exe), not a percent-encoding like `%20`.
            let rest: String = chars.clone().take_while(|&ch| ch != '%').collect();
            !rest.is_empty()
                && rest.len() < 40
                && rest
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                && rest.chars().any(|ch| ch.is_ascii_alphabetic() || ch == '_')
                && chars.clone().nth(rest.chars().count()) == Some('%')
        }
    };
    word.expands |= expands;
}

fn read_single_quoted(chars: &mut Chars, word: &mut Word, powershell: bool) -> bool {
    loop {
        match chars.next() {
            None => return true,
            Some('\'') if powershell && chars.peek() == Some(&'\'') => {
                chars.next();
                word.text.push('\'');
            }
            Some('\'') => return false,
            Some(c) => word.text.push(c),
        }
    }
}

fn read_double_quoted(chars: &mut Chars, word: &mut Word, escape: char) -> bool {
    loop {
        match chars.next() {
            None => return true,
            Some('"') => return false,
            Some(c) if c == escape => match chars.next() {
                None => return true,
                Some(n @ ('"' | '\\' | '$' | '`')) => word.text.push(n),
                Some('\n') => {}
                Some(n) => {
                    word.text.push(c);
                    word.text.push(n);
                }
            },
            Some(c @ ('$' | '`')) => {
                mark_expansion(c, chars, word);
                word.text.push(c);
            }
            Some(c) => word.text.push(c),
        }
    }
}

/// `$'...'` with its backslash escapes.
fn read_ansi_c(chars: &mut Chars, word: &mut Word) -> bool {
    loop {
        match chars.next() {
            None => return true,
            Some('\'') => return false,
            Some('\\') => match chars.next() {
                None => return true,
                Some('n') => word.text.push('\n'),
                Some('t') => word.text.push('\t'),
                Some('r') => word.text.push('\r'),
                Some(n) => word.text.push(n),
            },
            Some(c) => word.text.push(c),
        }
    }
}

/// A PowerShell hashtable `@{ ... }` kept whole (quotes and nesting respected).
fn read_braces(chars: &mut Chars, word: &mut Word) -> bool {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in chars.by_ref() {
        word.text.push(c);
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '{') => depth += 1,
            (None, '}') => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            (None, '$') => word.expands = true,
            _ => {}
        }
    }
    true
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
            self.credential_unrecorded = true;
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
            // A shell variable, or a password curl would prompt for.
            self.credential_unrecorded = true;
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

/// curl options that take an argument (long names without `--`).
#[rustfmt::skip]
const CURL_LONG_WITH_ARG: &[&str] = &[
    "abstract-unix-socket", "alt-svc", "aws-sigv4", "cacert", "capath", "cert", "cert-type",
    "ciphers", "config", "connect-timeout", "connect-to", "continue-at", "cookie", "cookie-jar",
    "create-file-mode", "crlfile", "curves", "data", "data-ascii", "data-binary", "data-raw",
    "data-urlencode", "delegation", "dns-interface", "dns-ipv4-addr", "dns-ipv6-addr",
    "dns-servers", "doh-url", "dump-header", "ech", "egd-file", "engine", "etag-compare",
    "etag-save", "expect100-timeout", "form", "form-string", "ftp-account",
    "ftp-alternative-to-user", "ftp-method", "ftp-port", "ftp-ssl-ccc-mode",
    "happy-eyeballs-timeout-ms", "haproxy-clientip", "header", "hostpubmd5", "hostpubsha256",
    "hsts", "interface", "ip-tos", "ipfs-gateway", "json", "keepalive-cnt", "keepalive-time",
    "key", "key-type", "krb", "libcurl", "limit-rate", "local-port", "login-options",
    "mail-auth", "mail-from", "mail-rcpt", "max-filesize", "max-redirs", "max-time",
    "netrc-file", "noproxy", "oauth2-bearer", "output", "output-dir", "parallel-max", "pass",
    "pinnedpubkey", "preproxy", "proto", "proto-default", "proto-redir", "proxy",
    "proxy-cacert", "proxy-capath", "proxy-cert", "proxy-cert-type", "proxy-ciphers",
    "proxy-crlfile", "proxy-header", "proxy-key", "proxy-key-type", "proxy-pass",
    "proxy-pinnedpubkey", "proxy-service-name", "proxy-tls13-ciphers", "proxy-tlsauthtype",
    "proxy-tlspassword", "proxy-tlsuser", "proxy-user", "proxy1.0", "pubkey", "quote",
    "random-file", "range", "rate", "referer", "request", "request-target", "resolve", "retry",
    "retry-delay", "retry-max-time", "sasl-authzid", "service-name", "socks4", "socks4a",
    "socks5", "socks5-gssapi-service", "socks5-hostname", "speed-limit", "speed-time", "stderr",
    "telnet-option", "tftp-blksize", "time-cond", "tls-max", "tls13-ciphers", "tlsauthtype",
    "tlspassword", "tlsuser", "trace", "trace-ascii", "trace-config", "unix-socket",
    "upload-file", "url", "url-query", "user", "user-agent", "variable", "write-out",
];

/// curl short options that take an argument.
const CURL_SHORT_WITH_ARG: &str = "AbcCdDeEFHKmoPQrtTuUwxXyYz";

fn curl_long_for_short(c: char) -> Option<&'static str> {
    Some(match c {
        'A' => "user-agent",
        'b' => "cookie",
        'd' => "data",
        'e' => "referer",
        'F' => "form",
        'G' => "get",
        'H' => "header",
        'I' => "head",
        'K' => "config",
        'L' => "location",
        'n' => "netrc",
        'T' => "upload-file",
        'u' => "user",
        'X' => "request",
        _ => return None,
    })
}

fn parse_curl(args: &[Word]) -> Option<Command> {
    let mut b = Builder::default();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        i += 1;
        let text = word.text.as_str();
        if let Some(long) = text.strip_prefix("--") {
            if long.is_empty() {
                continue;
            }
            let name = long.strip_prefix("expand-").unwrap_or(long);
            if CURL_LONG_WITH_ARG.contains(&name) {
                let Some(value) = args.get(i) else { break };
                i += 1;
                let mut value = value.clone();
                if long.starts_with("expand-") && value.text.contains("{{") {
                    value.expands = true;
                }
                curl_option(&mut b, name, &value);
            } else {
                curl_flag(&mut b, name);
            }
        } else if text.len() > 1 && text.starts_with('-') {
            i = curl_short_cluster(&mut b, word, args, i);
        } else if looks_like_url(&word.text) {
            b.urls.push(normalize_curl_url(&word.text));
            if word.expands {
                b.credential_unrecorded |= url_carries_credential(&word.text);
            }
        }
    }
    b.finish(Tool::Curl)
}

/// `-sSLk`, `-XPOST`, `-H 'x: y'`: returns the index of the next unread word.
fn curl_short_cluster(b: &mut Builder, word: &Word, args: &[Word], mut i: usize) -> usize {
    let flags: Vec<char> = word.text.chars().skip(1).collect();
    for (k, &c) in flags.iter().enumerate() {
        if CURL_SHORT_WITH_ARG.contains(c) {
            let attached: String = flags[k + 1..].iter().collect();
            let value = if attached.is_empty() {
                let Some(next) = args.get(i) else { return i };
                i += 1;
                next.clone()
            } else {
                Word {
                    text: attached,
                    expands: word.expands,
                }
            };
            if let Some(name) = curl_long_for_short(c) {
                curl_option(b, name, &value);
            }
            return i;
        }
        if let Some(name) = curl_long_for_short(c) {
            curl_flag(b, name);
        }
    }
    i
}

fn curl_flag(b: &mut Builder, name: &str) {
    match name {
        "location" => b.follow = true,
        "location-trusted" => b.trusted = true,
        "get" => b.get_mode = true,
        "head" => b.head = true,
        "netrc" | "netrc-optional" => b.credential_unrecorded = true,
        "digest" | "ntlm" | "ntlm-wb" | "negotiate" | "anyauth" => b.multi_pass = true,
        _ => {}
    }
}

fn curl_option(b: &mut Builder, name: &str, value: &Word) {
    let text = value.text.as_str();
    match name {
        "request" => b.method = Some(text.to_owned()),
        "url" => b.urls.push(normalize_curl_url(text)),
        "header" => b.header_arg(value),
        "user" => b.user = Some(value.clone()),
        "oauth2-bearer" => {
            b.credential_unrecorded |= value.expands;
            b.headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
            b.headers
                .push(("Authorization".into(), format!("Bearer {text}")));
        }
        "cookie" => {
            if text.contains('=') {
                b.credential_unrecorded |= value.expands;
                b.headers.push(("Cookie".into(), text.to_owned()));
            } else {
                // A cookie file: its cookies are not in the paste.
                b.credential_unrecorded = true;
            }
        }
        "data" | "data-ascii" | "data-binary" | "data-raw" | "data-urlencode" | "json" => {
            curl_data(b, name, value)
        }
        "form" | "form-string" | "upload-file" => {
            b.body_unrecorded = true;
            if name == "upload-file" && b.method.is_none() {
                b.method = Some("PUT".into());
            }
        }
        "user-agent" => b.headers.push(("User-Agent".into(), text.to_owned())),
        "referer" => b.headers.push(("Referer".into(), text.to_owned())),
        "config" | "netrc-file" | "aws-sigv4" => b.credential_unrecorded = true,
        _ => {}
    }
}

fn curl_data(b: &mut Builder, name: &str, value: &Word) {
    let text = value.text.as_str();
    if name == "json" {
        b.content_type = Some("application/json".into());
        b.set_default_header("Accept", "application/json");
    }
    if text.starts_with('@') && name != "data-raw" {
        b.body_unrecorded = true;
        return;
    }
    if name == "data-urlencode" {
        b.data.push(urlencode_data(text));
    } else {
        b.data.push(text.to_owned());
    }
    if value.expands && text.contains("secret") | text.contains("token") | text.contains("password")
    {
        b.credential_unrecorded = true;
    }
}

/// `--data-urlencode` forms: `content`, `=content`, `name=content`.
fn urlencode_data(text: &str) -> String {
    match text.split_once('=') {
        Some(("", content)) => percent_encode(content),
        Some((name, content)) => format!("{name}={}", percent_encode(content)),
        None => percent_encode(text),
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

/// curl guesses `http://` for a URL without a scheme.
fn normalize_curl_url(text: &str) -> String {
    let text = text.trim();
    if split_origin(text).is_some() {
        text.to_owned()
    } else {
        format!("http://{text}")
    }
}

/// A URL whose query carries a credential-like parameter.
fn url_carries_credential(url: &str) -> bool {
    url.split_once('?').is_some_and(|(_, query)| {
        query.split('&').any(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            why401_model::secret_names::is_secret_param(&percent_decode(name))
        })
    })
}

/// HTTPie options that take an argument.
#[rustfmt::skip]
const HTTPIE_WITH_ARG: &[&str] = &[
    "--auth", "-a", "--auth-type", "-A", "--output", "-o", "--print", "-p", "--pretty",
    "--style", "-s", "--session", "--session-read-only", "--verify", "--cert", "--cert-key",
    "--cert-key-pass", "--ssl", "--ciphers", "--timeout", "--max-redirects", "--proxy",
    "--boundary", "--raw", "--format-options", "--response-charset", "--response-mime",
    "--default-scheme", "--history-print", "-P", "--max-headers",
];

fn parse_httpie(args: &[Word], default_https: bool) -> Option<Command> {
    let mut b = Builder::default();
    let mut auth_type = String::from("basic");
    let mut form = false;
    let mut json_fields: Vec<String> = Vec::new();
    let mut positional: Vec<&Word> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        i += 1;
        let text = word.text.as_str();
        if text.starts_with('-') && text.len() > 1 {
            let (flag, attached) = match text.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
                _ => (text, None),
            };
            if HTTPIE_WITH_ARG.contains(&flag) {
                let value = match attached {
                    Some(v) => Word {
                        text: v,
                        expands: word.expands,
                    },
                    None => {
                        let Some(next) = args.get(i) else { break };
                        i += 1;
                        next.clone()
                    }
                };
                match flag {
                    "--auth" | "-a" => b.user = Some(value),
                    "--auth-type" | "-A" => auth_type = value.text.to_ascii_lowercase(),
                    "--session" | "--session-read-only" => b.credential_unrecorded = true,
                    _ => {}
                }
            } else {
                match flag {
                    "--form" | "-f" | "--multipart" => form = true,
                    "--follow" | "-F" => b.follow = true,
                    _ => {}
                }
            }
            continue;
        }
        positional.push(word);
    }
    let mut items = positional.into_iter();
    let first = items.next()?;
    let url_word = if first.text.bytes().all(|c| c.is_ascii_alphabetic()) && items.len() > 0 {
        b.method = Some(first.text.to_ascii_uppercase());
        items.next()?
    } else {
        first
    };
    b.urls
        .push(normalize_httpie_url(&url_word.text, default_https));
    for item in items {
        httpie_item(&mut b, item, &mut json_fields);
    }
    httpie_auth(&mut b, &auth_type);
    if !json_fields.is_empty() {
        if form {
            b.content_type = Some("application/x-www-form-urlencoded".into());
            b.data.push(json_fields.join("&"));
        } else {
            b.content_type = Some("application/json".into());
            b.data.push(format!("{{{}}}", json_fields.join(", ")));
        }
    }
    b.finish(Tool::Httpie)
}

fn httpie_auth(b: &mut Builder, auth_type: &str) {
    let Some(user) = b.user.take() else { return };
    match auth_type {
        "bearer" => {
            b.credential_unrecorded |= user.expands;
            b.headers
                .push(("Authorization".into(), format!("Bearer {}", user.text)));
        }
        "basic" => b.user = Some(user),
        _ => {
            b.multi_pass = true;
            b.user = Some(user);
        }
    }
}

/// A request item: `Header:value`, `Header;`, `param==value`, `field=value`, `field:=json`,
/// `field@file`, `Header:@file`.
fn httpie_item(b: &mut Builder, item: &Word, json_fields: &mut Vec<String>) {
    let text = item.text.as_str();
    let Some(pos) = text.find([':', '=', '@', ';']) else {
        return;
    };
    let (name, rest) = (&text[..pos], &text[pos..]);
    if let Some(value) = rest.strip_prefix(":=@").or(rest.strip_prefix("=@")) {
        let _ = value;
        b.body_unrecorded = true;
    } else if let Some(value) = rest.strip_prefix(":=") {
        json_fields.push(format!("\"{name}\": {value}"));
    } else if let Some(value) = rest.strip_prefix("==") {
        let url = b.urls.last_mut();
        if let Some(url) = url {
            let sep = if url.contains('?') { '&' } else { '?' };
            url.push(sep);
            url.push_str(&format!("{name}={value}"));
        }
    } else if let Some(value) = rest.strip_prefix('=') {
        json_fields.push(format!("\"{name}\": {}", serde_json::Value::from(value)));
    } else if let Some(value) = rest.strip_prefix(":@") {
        let _ = value;
        if is_credential_header(name) {
            b.credential_unrecorded = true;
        }
    } else if let Some(value) = rest.strip_prefix(':') {
        if !value.is_empty() {
            b.header_arg(&Word {
                text: format!("{name}: {value}"),
                expands: item.expands,
            });
        }
    } else if rest == ";" {
        b.headers.push((name.to_owned(), String::new()));
    } else if rest.starts_with('@') {
        b.body_unrecorded = true;
    }
}

/// HTTPie URLs: `:3000/x` is localhost, a missing scheme is `http://` (`https://` for the
/// `https` command).
fn normalize_httpie_url(text: &str, default_https: bool) -> String {
    if split_origin(text).is_some() {
        return text.to_owned();
    }
    let scheme = if default_https { "https" } else { "http" };
    match text.strip_prefix(':') {
        Some(rest) if rest.starts_with('/') || rest.is_empty() => {
            format!("{scheme}://localhost{rest}")
        }
        Some(rest) => format!("{scheme}://localhost:{rest}"),
        None => format!("{scheme}://{text}"),
    }
}

#[rustfmt::skip]
const POWERSHELL_PARAMS: &[&str] = &[
    "uri", "method", "headers", "body", "contenttype", "credential", "usedefaultcredentials",
    "authentication", "token", "websession", "sessionvariable", "useragent", "outfile",
    "timeoutsec", "maximumredirection", "proxy", "proxycredential", "erroraction",
    "usebasicparsing", "skipcertificatecheck", "allowunencryptedauthentication",
];

/// PowerShell parameters may be abbreviated to any unique prefix.
fn powershell_param(text: &str) -> Option<&'static str> {
    let name = text.strip_prefix('-')?.to_ascii_lowercase();
    let name = name.trim_end_matches(':');
    if name.is_empty() {
        return None;
    }
    if let Some(exact) = POWERSHELL_PARAMS.iter().find(|p| **p == name) {
        return Some(exact);
    }
    let mut matches = POWERSHELL_PARAMS.iter().filter(|p| p.starts_with(name));
    let first = matches.next()?;
    matches.next().is_none().then_some(*first)
}

fn parse_powershell(args: &[Word]) -> Option<Command> {
    let mut b = Builder::default();
    let mut body: Option<Word> = None;
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        i += 1;
        let Some(param) = powershell_param(&word.text) else {
            if looks_like_url(&word.text) {
                b.urls.push(word.text.clone());
            }
            continue;
        };
        let switch = matches!(
            param,
            "usedefaultcredentials"
                | "usebasicparsing"
                | "skipcertificatecheck"
                | "allowunencryptedauthentication"
        );
        if switch {
            b.credential_unrecorded |= param == "usedefaultcredentials";
            continue;
        }
        let Some(value) = args.get(i) else { break };
        i += 1;
        match param {
            "uri" => b.urls.push(value.text.clone()),
            "method" => b.method = Some(value.text.to_ascii_uppercase()),
            "headers" => powershell_headers(&mut b, value),
            "body" => body = Some(value.clone()),
            "contenttype" => b.content_type = Some(value.text.clone()),
            "credential" | "authentication" | "token" | "websession" => {
                b.credential_unrecorded = true
            }
            "useragent" => b.headers.push(("User-Agent".into(), value.text.clone())),
            _ => {}
        }
    }
    if let Some(body) = body {
        if body.expands {
            b.body_unrecorded = true;
        } else {
            b.data.push(body.text);
        }
    }
    let mut command = b.finish(Tool::PowerShell)?;
    if command.request.method == "POST" && !command.method_explicit {
        // Invoke-WebRequest sends GET unless told otherwise, even with a body.
        command.request.method = "GET".into();
    }
    Some(command)
}

/// `@{ Authorization = "Bearer x"; 'X-Api-Key' = 'k' }`.
fn powershell_headers(b: &mut Builder, value: &Word) {
    let text = value.text.trim();
    let Some(inner) = text
        .strip_prefix("@{")
        .and_then(|rest| rest.strip_suffix('}'))
    else {
        if value.expands {
            // A variable holding the headers: not in the paste.
            b.credential_unrecorded = true;
        }
        return;
    };
    for entry in split_unquoted(inner, &[';', '\n']) {
        let Some((name, raw)) = entry.split_once('=') else {
            continue;
        };
        let name = unquote(name.trim());
        let raw = raw.trim();
        let tokens = tokenize(raw, true);
        let expands = tokens.words.iter().any(|w| w.expands) || tokens.words.len() > 1;
        let value = tokens
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        b.header_arg(&Word {
            text: format!("{name}: {value}"),
            expands,
        });
    }
}

fn unquote(text: &str) -> String {
    let text = text.trim();
    for q in ['\'', '"'] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner.to_owned();
        }
    }
    text.to_owned()
}

/// Splits on any of `seps` outside quotes.
fn split_unquoted(text: &str, seps: &[char]) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, c) if seps.contains(&c) => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts.retain(|p| !p.trim().is_empty());
    parts
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

    fn curl(text: &str) -> Command {
        parse(text, Tool::Curl).unwrap()
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
    fn curl_without_credentials_records_none() {
        let c = curl("curl -i https://api.example.com/v2/devices");
        assert_eq!(c.request.method, "GET");
        assert_eq!(c.request.url, "https://api.example.com/v2/devices");
        assert!(c.request.headers_recorded);
        assert!(c.request.credential_recorded);
        assert!(!c.request.headers.contains("authorization"));
    }

    #[test]
    fn curl_headers_user_and_bearer() {
        let c = curl(
            "curl -sS -X POST 'https://api.example.com/v2/devices/7/actions' -H 'Authorization: Bearer abc.def.ghi' --header \"Content-Type: application/json\" -d '{\"a\":1}' -L",
        );
        assert_eq!(c.request.method, "POST");
        assert_eq!(
            c.request.headers.get("authorization"),
            Some("Bearer abc.def.ghi")
        );
        assert_eq!(
            c.request.headers.get("content-type"),
            Some("application/json")
        );
        assert_eq!(body_text(&c.request), Some("{\"a\":1}"));
        assert!(c.follow_redirects && c.method_explicit);

        let c = curl("curl -u alice:s3cret https://api.example.com/v2/policies");
        assert_eq!(
            c.request.headers.get("authorization"),
            Some("Basic YWxpY2U6czNjcmV0")
        );
        assert!(c.request.credential_recorded);

        let c = curl("curl --oauth2-bearer tok123 https://api.example.com/x");
        assert_eq!(
            c.request.headers.get("authorization"),
            Some("Bearer tok123")
        );

        let c = curl("curl -XPUT -HX-Trace:1 https://api.example.com/x");
        assert_eq!(c.request.method, "PUT");
        assert_eq!(c.request.headers.get("x-trace"), Some("1"));
    }

    #[test]
    fn prose_after_curl_is_not_a_command() {
        assert!(parse("curl returns 401 for me", Tool::Curl).is_none());
        assert!(parse("curl", Tool::Curl).is_none());
    }

    #[test]
    fn curl_form_and_cookie() {
        let c = curl(
            "curl https://auth.example.com/oauth/token -d grant_type=client_credentials -d client_id=app --data-urlencode 'scope=read write' -b 'session=abc'",
        );
        assert_eq!(c.request.method, "POST");
        assert_eq!(
            c.request.form_param("grant_type"),
            Some("client_credentials")
        );
        assert_eq!(c.request.form_param("scope"), Some("read write"));
        assert_eq!(c.request.headers.get("cookie"), Some("session=abc"));
        let c = curl("curl -G -d limit=5 https://api.example.com/v2/devices");
        assert_eq!(c.request.method, "GET");
        assert_eq!(c.request.url, "https://api.example.com/v2/devices?limit=5");
    }

    #[test]
    fn credentials_not_in_the_paste() {
        for text in [
            "curl -n https://api.example.com/x",
            "curl --netrc-file ~/.netrc https://api.example.com/x",
            "curl -K creds.cfg https://api.example.com/x",
            "curl -H @headers.txt https://api.example.com/x",
            "curl -H \"Authorization: Bearer $TOKEN\" https://api.example.com/x",
            "curl -u \"$USER:$PASS\" https://api.example.com/x",
            "curl -u alice https://api.example.com/x",
            "curl --digest -u alice:pw https://api.example.com/x",
        ] {
            let c = curl(text);
            assert!(!c.request.credential_recorded, "{text}");
            assert!(c.request.headers_recorded, "{text}");
        }
        // Single quotes send `$TOKEN` literally: that is what the server got.
        let c = curl("curl -H 'Authorization: Bearer $TOKEN' https://api.example.com/x");
        assert!(c.request.credential_recorded);
        assert_eq!(
            c.request.headers.get("authorization"),
            Some("Bearer $TOKEN")
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

    #[test]
    fn pipes_and_redirects_end_the_command() {
        let c = curl("curl -s https://api.example.com/x 2>&1 | jq .");
        assert_eq!(c.urls, vec!["https://api.example.com/x".to_string()]);
    }

    #[test]
    fn httpie_items_and_auth() {
        let c = parse(
            "http -v POST api.example.com/v2/devices 'Authorization:Bearer t.u.v' name=lamp count:=2 q==1",
            Tool::Httpie,
        )
        .unwrap();
        assert_eq!(c.request.method, "POST");
        assert_eq!(c.request.url, "http://api.example.com/v2/devices?q=1");
        assert_eq!(c.request.headers.get("authorization"), Some("Bearer t.u.v"));
        assert_eq!(
            body_text(&c.request),
            Some("{\"name\": \"lamp\", \"count\": 2}")
        );

        let c = parse("https -a alice:pw api.example.com/v2/x", Tool::Httpie).unwrap();
        assert_eq!(c.request.url, "https://api.example.com/v2/x");
        assert_eq!(
            c.request.headers.get("authorization"),
            Some("Basic YWxpY2U6cHc=")
        );

        let c = parse("http -A bearer -a tok :8080/v2/x", Tool::Httpie).unwrap();
        assert_eq!(c.request.url, "http://localhost:8080/v2/x");
        assert_eq!(c.request.headers.get("authorization"), Some("Bearer tok"));

        let c = parse(
            "http api.example.com/v2/x Authorization:@token.txt",
            Tool::Httpie,
        )
        .unwrap();
        assert!(!c.request.credential_recorded);
    }

    #[test]
    fn powershell_commands() {
        let c = parse(
            "Invoke-WebRequest -Uri \"https://api.example.com/v2/devices\" -Headers @{ Authorization = 'Bearer a.b.c'; 'X-Trace' = \"1\" } -UseBasicParsing",
            Tool::PowerShell,
        )
        .unwrap();
        assert_eq!(c.request.method, "GET");
        assert_eq!(c.request.url, "https://api.example.com/v2/devices");
        assert_eq!(c.request.headers.get("authorization"), Some("Bearer a.b.c"));
        assert_eq!(c.request.headers.get("x-trace"), Some("1"));
        assert!(c.request.credential_recorded);

        let c = parse(
            "irm https://api.example.com/v2/x -Method Post -Headers @{Authorization = \"Bearer $token\"}",
            Tool::PowerShell,
        )
        .unwrap();
        assert_eq!(c.request.method, "POST");
        assert!(!c.request.credential_recorded);
    }
}
