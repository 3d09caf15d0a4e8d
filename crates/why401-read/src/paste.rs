//! The line shapes people paste into tickets besides raw HTTP: OkHttp/Retrofit logs,
//! Postman and Swagger UI panels, PowerShell and SDK exceptions quoting a status, Common Log
//! Format and logfmt access lines. Each recognizer works on one line and by structure: a
//! status is only taken where a fixed template puts it, never from prose.

use std::sync::LazyLock;

use regex::Regex;

use super::headers::parse_status_code;
use super::reason_phrases::is_canonical_reason;

/// Paste shapes are short lines; longer lines are only read as raw HTTP, which keeps the
/// recognizers linear on multi-megabyte lines.
pub const MAX_PASTE_LINE: usize = 64 * 1024;

/// Compiles a constant pattern.
fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant pattern") // ok: the patterns are fixed and tested
}

static STATUS_PANEL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:Status(?: Code)?:?\s*)?([1-5]\d\d)\s+([A-Za-z][A-Za-z -]*?)(?:\s+(?:Time:?\s*)?\d+(?:\.\d+)?\s*m?s)?(?:\s+(?:Size:?\s*)?\d+(?:\.\d+)?\s*[KMG]?B)?\s*$",
    )
});

/// `401 Unauthorized` or `Status: 401 Unauthorized  Time: 85 ms  Size: 412 B` on a line of
/// its own, as a Postman or Insomnia status bar copies: the status and its reason.
pub fn status_panel(line: &str) -> Option<(u16, String)> {
    let line = line.trim();
    if !line.starts_with(|c: char| c.is_ascii_digit() || c == 'S') || line.len() > 120 {
        return None;
    }
    let caps = STATUS_PANEL.captures(line)?;
    let status = parse_status_code(&caps[1])?;
    let reason = caps[2].trim();
    is_canonical_reason(status, reason).then(|| (status, reason.to_owned()))
}

/// A status alone on a line (`401`, `401\tUndocumented`), read only where a panel says a
/// status comes next.
pub fn bare_status(line: &str) -> Option<u16> {
    let line = line.trim();
    let (code, rest) = line
        .split_once(|c: char| c.is_whitespace())
        .unwrap_or((line, ""));
    let rest = rest.trim();
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    parse_status_code(code)
}

static POSTMAN_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(https?://\S+)(?:\s+([1-5]\d\d)(?:\s+[A-Za-z][A-Za-z ]*?)?(?:\s+\d+(?:\.\d+)?\s*m?s)?)?\s*$",
    )
});

/// `GET https://api.example.com/v2/devices`, optionally with `401` and a time on the same
/// line: the head of a Postman console entry.
pub fn postman_head(line: &str) -> Option<(String, String, Option<u16>)> {
    let line = line.trim();
    let method = line.split(' ').next().unwrap_or("");
    if !matches!(
        method,
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"
    ) {
        return None;
    }
    let caps = POSTMAN_HEAD.captures(line)?;
    let status = caps.get(3).and_then(|m| parse_status_code(m.as_str()));
    Some((caps[1].to_owned(), caps[2].to_owned(), status))
}

/// The labelled sections of Postman console entries and Swagger UI's response panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading {
    RequestHeaders,
    RequestBody,
    ResponseHeaders,
    ResponseBody,
    RequestUrl,
    /// `Server response` / `Code Details`: a status follows.
    StatusNext,
    /// Swagger's `Responses`: documentation follows, not an exchange.
    Documentation,
    /// A heading with nothing to read (`Network`, `Curl`, `Download`).
    Ignored,
}

pub fn heading(line: &str) -> Option<Heading> {
    let text = line.trim().trim_end_matches(':').trim_end();
    if text.len() > 20 || !text.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let joined = words.join(" ");
    Some(match joined.as_str() {
        "request headers" => Heading::RequestHeaders,
        "request body" => Heading::RequestBody,
        "response headers" => Heading::ResponseHeaders,
        "response body" => Heading::ResponseBody,
        "request url" => Heading::RequestUrl,
        "server response" | "code details" => Heading::StatusNext,
        "responses" => Heading::Documentation,
        "network" | "curl" | "download" => Heading::Ignored,
        _ => return None,
    })
}

/// An OkHttp/Retrofit logging-interceptor line, found after any log prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OkLine {
    /// `--> GET https://...` (OkHttp 3/4) or `---> HTTP GET https://...` (Retrofit 1).
    Request {
        method: String,
        url: String,
    },
    /// `--> END GET`.
    RequestEnd,
    /// `<-- 401 Unauthorized https://... (12ms)`.
    Response {
        status: u16,
        reason: String,
        url: String,
    },
    /// `<-- END HTTP`, or `<-- HTTP FAILED: ...` (no response).
    ResponseEnd,
    Failed,
}

static OK_REQUEST: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^-{2,3}> (?:HTTP )?([A-Z]+) (\S+://\S+)(?: \S+)?(?: \(\d+-byte(?: encoded)? body\))?\s*$",
    )
});
static OK_RESPONSE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^<-{2,3} (?:HTTP )?([1-5]\d\d)(?: (.*?))? (\S+://\S+) \(\d+ms(?:, [^)]*)?\)\s*$")
});

/// Finds an OkHttp line marker in `line`: its byte position (the end of any log prefix) and
/// what it says. Only the first marker of each direction is tried.
pub fn okhttp_line(line: &str) -> Option<(usize, OkLine)> {
    if line.len() > MAX_PASTE_LINE {
        return None;
    }
    let request = line.find("--> ").map(|at| {
        // `---> HTTP GET` (Retrofit 1) starts one dash earlier.
        if at > 0 && line.as_bytes()[at - 1] == b'-' {
            at - 1
        } else {
            at
        }
    });
    let response = line.find("<--");
    [request, response]
        .into_iter()
        .flatten()
        .find_map(|at| okhttp_at(&line[at..]).map(|parsed| (at, parsed)))
}

fn okhttp_at(text: &str) -> Option<OkLine> {
    if text.starts_with("--> END ") || text.starts_with("---> END ") {
        return Some(OkLine::RequestEnd);
    }
    if text.starts_with("<-- END HTTP") || text.starts_with("<--- END HTTP") {
        return Some(OkLine::ResponseEnd);
    }
    if text.starts_with("<-- HTTP FAILED") || text.starts_with("<--- HTTP FAILED") {
        return Some(OkLine::Failed);
    }
    if let Some(caps) = OK_REQUEST.captures(text) {
        return Some(OkLine::Request {
            method: caps[1].to_owned(),
            url: caps[2].to_owned(),
        });
    }
    let caps = OK_RESPONSE.captures(text)?;
    Some(OkLine::Response {
        status: parse_status_code(&caps[1])?,
        reason: caps
            .get(2)
            .map(|m| m.as_str().trim().to_owned())
            .unwrap_or_default(),
        url: caps[3].to_owned(),
    })
}

/// Log prefixes before OkHttp lines differ only in their digits (times, process ids): the
/// prefix with digits removed identifies the lines of one logger.
pub fn prefix_signature(prefix: &str) -> String {
    prefix.chars().filter(|c| !c.is_ascii_digit()).collect()
}

/// The rest of `line` after a prefix matching `signature` (digits skipped), if it matches.
pub fn strip_signature<'a>(line: &'a str, signature: &str) -> Option<&'a str> {
    let mut want = signature.chars().peekable();
    for (i, c) in line.char_indices() {
        if want.peek().is_none() {
            return Some(&line[i..]);
        }
        if c.is_ascii_digit() {
            continue;
        }
        if want.next() != Some(c) {
            return None;
        }
    }
    want.peek().is_none().then_some("")
}

/// A status an exception or error message quotes as the response's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotedStatus {
    pub status: u16,
    pub reason: String,
    pub method: Option<String>,
    pub url: Option<String>,
    /// The body the message quotes on the same line, if any.
    pub body: Option<String>,
    /// The message comes from PowerShell (`Invoke-WebRequest`/`-RestMethod`): the command
    /// above it is its request.
    pub powershell: bool,
}

/// The templates of SDK and shell error messages that quote a response status.
static EXCEPTION_TEMPLATES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // Guzzle: Client error: `GET https://...` resulted in a `401 Unauthorized` response:
        r#"(?:[`'"](?P<m>[A-Z]+) (?P<u>[^`'"\s]+)[`'"]\s+)?resulted in an? [`'"](?P<s>[1-5]\d\d)(?: (?P<r>[^`'"]*))?[`'"] response:?\s*(?P<b>.*)$"#,
        // Python requests: 401 Client Error: Unauthorized for url: https://...
        r"(?P<s>[1-5]\d\d) (?:Client|Server) Error: (?P<r>.*?) for url: (?P<u>\S+)",
        // .NET HttpClient, PowerShell 7: Response status code does not indicate success: 401 (Unauthorized).
        r"Response status code does not indicate success: (?P<s>[1-5]\d\d) \((?P<r>[^)]*)\)",
        // .NET WebException, Windows PowerShell 5.1: The remote server returned an error: (401) Unauthorized.
        r"The remote server returned an error: \((?P<s>[1-5]\d\d)\) (?P<r>[^.\r\n]*)",
        // Java HttpURLConnection
        r"Server returned HTTP response code: (?P<s>[1-5]\d\d) for URL: (?P<u>\S+)",
        // Spring RestTemplate / WebClient
        r#"Http(?:Client|Server)ErrorException(?:\$\w+)?: (?P<s>[1-5]\d\d) ?(?P<r>[A-Za-z][A-Za-z -]*?)?(?: ?: (?P<b>.+?))?\s*$"#,
        r"WebClientResponseException(?:\$\w+)?: (?P<s>[1-5]\d\d) (?P<r>[A-Za-z][A-Za-z -]*?) from (?P<m>[A-Z]+) (?P<u>\S+)",
        // Axios
        r"Request failed with status code (?P<s>[1-5]\d\d)\b",
        // Retrofit HttpException
        r"HttpException: HTTP (?P<s>[1-5]\d\d)(?: (?P<r>.*?))?\s*$",
        // got (Node): HTTPError: Response code 401 (Unauthorized)
        r"HTTPError: Response code (?P<s>[1-5]\d\d) \((?P<r>[^)]*)\)",
        // aiohttp: ClientResponseError: 401, message='Unauthorized', url=URL('https://...')
        r"ClientResponseError: (?P<s>[1-5]\d\d), message='(?P<r>[^']*)', url=(?:URL\()?'(?P<u>[^']+)'",
        // RestClient (Ruby): RestClient::Unauthorized: 401 Unauthorized
        r"RestClient::\w+: (?P<s>[1-5]\d\d) (?P<r>.*?)\s*$",
        // Go oauth2: cannot fetch token: 401 Unauthorized
        r"oauth2: cannot fetch token: (?P<s>[1-5]\d\d) (?P<r>.*?)\s*$",
    ]
    .iter()
    .map(|p| regex(p))
    .collect()
});

/// A literal every template holds: lines without one are passed over in one fast scan.
static EXCEPTION_HINT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"resulted in a|Error: |does not indicate success|returned an error|HTTP response code|ErrorException|ResponseException|status code|HttpException|HTTPError|ClientResponseError|RestClient::|cannot fetch token",
    )
});

/// The status an exception or error line quotes (see [`EXCEPTION_TEMPLATES`]).
pub fn quoted_status(line: &str) -> Option<QuotedStatus> {
    if !EXCEPTION_HINT.is_match(line) {
        return None;
    }
    for template in EXCEPTION_TEMPLATES.iter() {
        let Some(caps) = template.captures(line) else {
            continue;
        };
        let status = parse_status_code(caps.name("s")?.as_str())?;
        let text = |name: &str| {
            caps.name(name)
                .map(|m| m.as_str().trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let powershell = line.contains("Invoke-WebRequest") || line.contains("Invoke-RestMethod");
        return Some(QuotedStatus {
            status,
            reason: text("r").unwrap_or_default(),
            method: text("m"),
            url: text("u").map(|u| u.trim_end_matches(['.', ',', ')']).to_owned()),
            body: text("b").map(|b| unwrap_quoted_body(&b)),
            powershell,
        });
    }
    None
}

/// Spring quotes bodies as `[...]` or `"..."`; Guzzle cuts them with ` (truncated...)`.
fn unwrap_quoted_body(body: &str) -> String {
    let body = body.trim().trim_end_matches(" (truncated...)");
    let inner = body
        .strip_prefix("[")
        .and_then(|b| b.strip_suffix("]"))
        .or_else(|| body.strip_prefix('"').and_then(|b| b.strip_suffix('"')));
    match inner {
        Some(inner) if inner.trim_start().starts_with(['{', '[']) => inner.to_owned(),
        _ => body.to_owned(),
    }
}

/// An access-log line: what it says about one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLine {
    pub status: u16,
    pub method: String,
    /// The target as logged (a path, or absolute when the log had the host).
    pub target: String,
    /// The log's own timestamp, as written.
    pub time: Option<String>,
    /// `msg=`/`error=` texts with their keys.
    pub messages: Vec<(String, String)>,
}

static CLF: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"\[(?P<t>\d{2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "(?P<m>[A-Z]+) (?P<p>[^ "]+)(?: HTTP/[0-9.]+)?" (?P<s>[1-5]\d\d) (?:\d+|-)"#,
    )
});

/// Common/Combined Log Format: `... [08/Mar/2024:14:23:45 +0000] "GET /x HTTP/1.1" 401 123`.
pub fn clf_line(line: &str) -> Option<AccessLine> {
    memchr::memmem::find(line.as_bytes(), b"] \"")?;
    let caps = CLF.captures(line)?;
    Some(AccessLine {
        status: parse_status_code(&caps["s"])?,
        method: caps["m"].to_owned(),
        target: caps["p"].to_owned(),
        time: Some(caps["t"].to_owned()),
        messages: Vec::new(),
    })
}

const LOGFMT_STATUS: &[&str] = &[
    "status",
    "status_code",
    "statuscode",
    "http_status",
    "http.status_code",
    "response_status",
    "resp_status",
];
const LOGFMT_METHOD: &[&str] = &["method", "http_method", "http.method", "request_method"];
const LOGFMT_TARGET: &[&str] = &[
    "url",
    "uri",
    "path",
    "request_uri",
    "http.url",
    "http.target",
    "http.path",
];
const LOGFMT_TIME: &[&str] = &["time", "ts", "timestamp", "t", "@timestamp"];
const LOGFMT_MESSAGE: &[&str] = &["msg", "message", "error", "err", "error_message"];

/// A logfmt line (`time=... method=GET path=/x status=401 msg="..."`): mostly `key=value`
/// pairs, with a status and a method or a path.
pub fn logfmt_line(line: &str) -> Option<AccessLine> {
    if !line.contains("=") {
        return None;
    }
    let (pairs, others) = logfmt_pairs(line);
    // A log line is almost all pairs (a prefix may add a word or two); prose is not.
    if pairs.len() < 3 || others * 2 > pairs.len() {
        return None;
    }
    let find = |keys: &[&str]| {
        pairs
            .iter()
            .find(|(k, _)| keys.contains(&k.to_ascii_lowercase().as_str()))
            .map(|(_, v)| v.clone())
    };
    let status = parse_status_code(&find(LOGFMT_STATUS)?)?;
    let method = find(LOGFMT_METHOD);
    let target = find(LOGFMT_TARGET);
    if method.is_none() && target.is_none() {
        return None;
    }
    let messages = pairs
        .iter()
        .filter(|(k, v)| LOGFMT_MESSAGE.contains(&k.to_ascii_lowercase().as_str()) && !v.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Some(AccessLine {
        status,
        method: method.unwrap_or_default().to_ascii_uppercase(),
        target: target.unwrap_or_default(),
        time: find(LOGFMT_TIME),
        messages,
    })
}

/// The `key=value` pairs of a line (values may be double-quoted) and how many words were not
/// pairs.
fn logfmt_pairs(line: &str) -> (Vec<(String, String)>, usize) {
    let mut pairs = Vec::new();
    let mut others = 0;
    let mut chars = line.trim().chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if chars.next_if_eq(&'=').is_none() {
            others += 1;
            continue;
        }
        let value = if chars.next_if_eq(&'"').is_some() {
            let mut value = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
            value
        } else {
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect()
        };
        let key_ok = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-@".contains(&b));
        if key_ok {
            pairs.push((key, value));
        } else {
            others += 1;
        }
    }
    (pairs, others)
}

/// A line a JSON-log reader owns: an object (possibly after a prefix) or part of one.
pub fn is_json_shaped(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.starts_with(['{', '[', '"']) || (trimmed.contains('{') && trimmed.ends_with('}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_panels_need_the_canonical_reason() {
        assert_eq!(
            status_panel("401 Unauthorized"),
            Some((401, "Unauthorized".into()))
        );
        assert_eq!(
            status_panel("Status: 401 Unauthorized   Time: 85 ms   Size: 412 B"),
            Some((401, "Unauthorized".into()))
        );
        assert_eq!(status_panel("200 OK"), Some((200, "OK".into())));
        assert_eq!(status_panel("401 errors since yesterday"), None);
        assert_eq!(status_panel("We got 401 Unauthorized"), None);
        assert_eq!(bare_status("401"), Some(401));
        assert_eq!(bare_status("401\tUndocumented"), Some(401));
        assert_eq!(bare_status("401 300"), None);
        assert_eq!(bare_status("4010"), None);
    }

    #[test]
    fn postman_heads_and_headings() {
        assert_eq!(
            postman_head("GET https://api.example.com/v2/devices"),
            Some((
                "GET".into(),
                "https://api.example.com/v2/devices".into(),
                None
            ))
        );
        assert_eq!(
            postman_head("GET https://api.example.com/v2/devices 401 58 ms"),
            Some((
                "GET".into(),
                "https://api.example.com/v2/devices".into(),
                Some(401)
            ))
        );
        assert_eq!(postman_head("GET /v2/devices HTTP/1.1"), None);
        assert_eq!(heading("Response Headers"), Some(Heading::ResponseHeaders));
        assert_eq!(heading("Code\tDetails"), Some(Heading::StatusNext));
        assert_eq!(heading("Responses"), Some(Heading::Documentation));
        assert_eq!(heading("response body:"), Some(Heading::ResponseBody));
        assert_eq!(heading("the response body was empty"), None);
    }

    #[test]
    fn okhttp_lines_after_a_logcat_prefix() {
        let line = "2024-03-08 14:23:45.123 12345-12399/com.example.app I/okhttp.OkHttpClient: <-- 401 Unauthorized https://api.example.com/v2/devices (12ms)";
        let (at, parsed) = okhttp_line(line).unwrap();
        assert_eq!(
            parsed,
            OkLine::Response {
                status: 401,
                reason: "Unauthorized".into(),
                url: "https://api.example.com/v2/devices".into()
            }
        );
        let signature = prefix_signature(&line[..at]);
        let next = "2024-03-08 14:23:45.124 12345-12399/com.example.app I/okhttp.OkHttpClient: www-authenticate: Bearer";
        assert_eq!(
            strip_signature(next, &signature),
            Some("www-authenticate: Bearer")
        );
        assert_eq!(strip_signature("other: line", &signature), None);
        assert_eq!(
            okhttp_line("--> GET https://api.example.com/v2/devices http/1.1").map(|x| x.1),
            Some(OkLine::Request {
                method: "GET".into(),
                url: "https://api.example.com/v2/devices".into()
            })
        );
        assert_eq!(
            okhttp_line("<-- 401 https://api.example.com/x (7ms, 62-byte body)").map(|x| x.1),
            Some(OkLine::Response {
                status: 401,
                reason: String::new(),
                url: "https://api.example.com/x".into()
            })
        );
        assert_eq!(
            okhttp_line("<-- END HTTP (62-byte body)").map(|x| x.1),
            Some(OkLine::ResponseEnd)
        );
        assert_eq!(okhttp_line("a --> b"), None);
    }

    #[test]
    fn exception_templates() {
        let g = quoted_status(
            "Client error: `GET https://api.example.com/v2/devices` resulted in a `401 Unauthorized` response:",
        )
        .unwrap();
        assert_eq!((g.status, g.reason.as_str()), (401, "Unauthorized"));
        assert_eq!(g.method.as_deref(), Some("GET"));
        assert_eq!(g.url.as_deref(), Some("https://api.example.com/v2/devices"));
        assert_eq!(g.body, None);
        let q = quoted_status(
            "resulted in a '401 Unauthorized' response: {\"error\":\"x\"} (truncated...)",
        )
        .unwrap();
        assert_eq!(q.body.as_deref(), Some("{\"error\":\"x\"}"));
        let ps = quoted_status(
            "Invoke-WebRequest : The remote server returned an error: (401) Unauthorized.",
        )
        .unwrap();
        assert!(ps.powershell);
        assert_eq!((ps.status, ps.reason.as_str()), (401, "Unauthorized"));
        let r = quoted_status(
            "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.example.com/v2/x",
        )
        .unwrap();
        assert_eq!(r.url.as_deref(), Some("https://api.example.com/v2/x"));
        let s = quoted_status(
            "org.springframework.web.client.HttpClientErrorException$Unauthorized: 401 Unauthorized: \"{\"error\":\"unauthorized\"}\"",
        )
        .unwrap();
        assert_eq!(s.body.as_deref(), Some("{\"error\":\"unauthorized\"}"));
        assert!(quoted_status("AxiosError: Request failed with status code 401").is_some());
        assert!(quoted_status("The API returned 401 yesterday").is_none());
    }

    #[test]
    fn access_lines() {
        let c = clf_line(
            "203.0.113.9 - - [08/Mar/2024:14:23:45 +0000] \"GET /v2/devices HTTP/1.1\" 401 96 \"-\" \"curl/8.4.0\"",
        )
        .unwrap();
        assert_eq!(
            (c.status, c.method.as_str(), c.target.as_str()),
            (401, "GET", "/v2/devices")
        );
        let l = logfmt_line(
            "time=2024-03-08T14:23:45Z level=warn method=GET path=/v2/devices status=401 msg=\"token expired\"",
        )
        .unwrap();
        assert_eq!(
            (l.status, l.method.as_str(), l.target.as_str()),
            (401, "GET", "/v2/devices")
        );
        assert_eq!(l.time.as_deref(), Some("2024-03-08T14:23:45Z"));
        assert_eq!(
            l.messages,
            vec![("msg".to_string(), "token expired".to_string())]
        );
        assert!(logfmt_line("status=401 is what we get").is_none());
        assert!(logfmt_line("a=1 b=2 status=401").is_none());
        assert!(logfmt_line("use status=401 method=GET path=/x to filter").is_none());
        assert!(
            logfmt_line("2024-03-08T14:23:45Z web-1 method=GET path=/x status=401 dur=3ms ok=1")
                .is_some()
        );
    }
}
