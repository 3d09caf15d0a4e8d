//! Deciding a source's format from its first bytes: by structure, never by words. The file
//! extension is only a tie-breaker.

use super::{Format, paste};

/// How many bytes of a source detection looks at.
pub const PREFIX_LEN: usize = 64 * 1024;

/// The format of a source whose first bytes are `prefix` (BOM already removed), or `None`
/// when it matches no capture format. `extension` is a hint for ambiguous content.
pub fn detect(prefix: &[u8], extension: Option<&str>) -> Option<Format> {
    let text = String::from_utf8_lossy(prefix);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return None;
    }
    if looks_like_har(trimmed) {
        return Some(Format::Har);
    }
    if looks_like_curl(&text) {
        return Some(Format::Curl);
    }
    if looks_like_http(&text) {
        return Some(Format::Http);
    }
    if looks_like_json_log(trimmed) {
        return Some(Format::Jsonl);
    }
    match extension.map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("har") if trimmed.starts_with('{') => Some(Format::Har),
        Some("jsonl" | "ndjson" | "json") if trimmed.starts_with(['{', '[']) => Some(Format::Jsonl),
        _ => None,
    }
}

/// `{ "log": {` as the first key (every exporter writes `log` first). Docker's json-file
/// lines start `{"log":"` too, but their `log` is a string.
fn looks_like_har(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('{') else {
        return false;
    };
    let rest = rest.trim_start();
    let Some(rest) = rest.strip_prefix("\"log\"") else {
        return false;
    };
    let Some(value) = rest.trim_start().strip_prefix(':') else {
        return false;
    };
    value.trim_start().starts_with('{')
}

/// `curl -v` prefixes (`> ` request line and `< ` status line), `--trace`/`--trace-ascii`
/// section headers, or a `< ` status line among curl's `* ` connection lines.
fn looks_like_curl(text: &str) -> bool {
    let mut request = false;
    let mut response = false;
    let mut connection_info = false;
    let indent = common_indentation(text);
    for line in text.lines().take(2000) {
        let line = super::curl::strip_indent(line, indent);
        let line = strip_trace_prefixes(line.trim_end());
        if line.starts_with("=> Send header") || line.starts_with("<= Recv header") {
            return true;
        }
        if let Some(rest) = line.strip_prefix("> ") {
            request |= is_request_line(rest);
        }
        if let Some(rest) = line.strip_prefix("< ") {
            response |= is_status_line(rest);
        }
        if let Some(info) = line.strip_prefix("* ") {
            let info = info.trim_start();
            connection_info |= info.starts_with("Trying ")
                || info.starts_with("Connected to ")
                || info.starts_with("Connection #");
        }
        if response && (request || connection_info) {
            return true;
        }
    }
    false
}

/// The spaces and tabs every non-blank line of `text` starts with (a paste indented as a
/// whole: a Markdown list item, an e-mail).
fn common_indentation(text: &str) -> &str {
    let mut common: Option<&str> = None;
    for line in text.lines().take(2000).filter(|l| !l.trim().is_empty()) {
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        let shared = match common {
            None => indent,
            Some(c) => {
                &c[..c
                    .bytes()
                    .zip(indent.bytes())
                    .take_while(|(a, b)| a == b)
                    .count()]
            }
        };
        if shared.is_empty() {
            return "";
        }
        common = Some(shared);
    }
    common.unwrap_or("")
}

/// Removes `--trace-time` (`12:00:00.123456 `) and `--trace-ids` (`[0-0] `) prefixes.
pub fn strip_trace_prefixes(line: &str) -> &str {
    super::curl::split_trace_prefix(line).1
}

/// Raw HTTP or a ticket paste: a status line, a lone `WWW-Authenticate` header, an OkHttp
/// response line, a Postman/Swagger status panel, an exception quoting a status, an access
/// log line. A file that is mostly JSON records is left to the JSON-log reader unless it
/// holds a status line.
fn looks_like_http(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().take(5000).collect();
    let json_lines = lines.iter().filter(|l| paste::is_json_shaped(l)).count();
    let other_lines = lines.iter().filter(|l| !l.trim().is_empty()).count() - json_lines;
    let pastes = json_lines <= other_lines;
    let mut expect_status = 0u8;
    for line in lines {
        let line = line.trim_end();
        let stripped = line.trim_start_matches(['$', '>', ' ']);
        if is_status_line(stripped) || is_challenge_header(stripped) {
            return true;
        }
        if !pastes {
            continue;
        }
        if expect_status > 0 {
            if paste::bare_status(line).is_some() {
                return true;
            }
            expect_status -= u8::from(!line.trim().is_empty());
        }
        if paste::heading(line) == Some(paste::Heading::StatusNext) {
            expect_status = 4;
        }
        if let Some((_, _, status)) = paste::postman_head(line) {
            if status.is_some() {
                return true;
            }
            expect_status = 4;
        }
        if looks_like_paste_status(line) {
            return true;
        }
    }
    false
}

fn is_challenge_header(line: &str) -> bool {
    line.get(..17)
        .is_some_and(|h| h.eq_ignore_ascii_case("www-authenticate:"))
}

/// A line whose structure carries a status: a status panel, an OkHttp response, an
/// exception template, an access-log line.
fn looks_like_paste_status(line: &str) -> bool {
    if line.len() > paste::MAX_PASTE_LINE {
        return false;
    }
    if paste::status_panel(line).is_some() {
        return true;
    }
    if let Some((_, paste::OkLine::Response { .. })) = paste::okhttp_line(line) {
        return true;
    }
    if paste::is_json_shaped(line) {
        return false;
    }
    paste::quoted_status(line).is_some()
        || paste::clf_line(line).is_some()
        || paste::logfmt_line(line).is_some()
}

/// A JSON array of objects, a JSON object (one per line or pretty-printed), or text whose
/// lines mostly end with a JSON object after a prefix (syslog, `kubectl logs --timestamps`).
/// A paste with a JSON body under a line of prose is not a log: the lines must be JSON more
/// often than not.
fn looks_like_json_log(text: &str) -> bool {
    let opens = |open: char, next: &[char]| {
        text.strip_prefix(open).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.is_empty() || rest.starts_with(next)
        })
    };
    if opens('[', &['{', ']']) || opens('{', &['"', '}']) {
        return true;
    }
    let mut json = 0;
    let mut other = 0;
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(50)
    {
        if ends_with_json_object(line) {
            json += 1;
        } else {
            other += 1;
        }
    }
    json > other
}

/// The line ends with a JSON object, after a prefix that may hold braces of its own.
fn ends_with_json_object(line: &str) -> bool {
    line.ends_with('}')
        && line
            .match_indices('{')
            .take(4)
            .any(|(start, _)| serde_json::from_str::<serde::de::IgnoredAny>(&line[start..]).is_ok())
}

/// `HTTP/1.1 200 OK`, `HTTP/2 401`, `HTTP/1.0 404`.
pub fn is_status_line(line: &str) -> bool {
    super::headers::parse_status_line(line).is_some()
}

/// `GET /path HTTP/1.1` (any token method, any target, an HTTP version).
pub fn is_request_line(line: &str) -> bool {
    super::headers::parse_request_line(line).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_indented_curl_transcript_is_curl_by_its_common_indentation() {
        let transcript =
            "> GET /v1/x HTTP/1.1\n> Host: h.test\n>\n< HTTP/1.1 401 Unauthorized\n<\n";
        for indent in ["    ", "\t", "  "] {
            let text: String = transcript
                .lines()
                .map(|l| format!("{indent}{l}\n"))
                .collect();
            assert_eq!(
                detect(text.as_bytes(), None),
                Some(Format::Curl),
                "{indent:?}"
            );
        }
        assert_eq!(common_indentation("  a\n\n    b\n"), "  ");
        assert_eq!(common_indentation("  a\nb\n"), "");
        assert_eq!(common_indentation("\ta\n  b\n"), "");
    }

    #[test]
    fn docker_json_file_lines_are_not_har() {
        let line =
            br#"{"log":"{\"status\":401}\n","stream":"stdout","time":"2024-03-08T14:23:45Z"}"#;
        assert_ne!(detect(line, None), Some(Format::Har));
    }

    #[test]
    fn har_by_first_key() {
        assert_eq!(detect(b"{\n  \"log\": {", None), Some(Format::Har));
        assert_eq!(
            detect(b"{\"log\":{\"version\":\"1.2\"", Some("txt")),
            Some(Format::Har)
        );
    }

    #[test]
    fn curl_verbose_and_trace() {
        let v = b"* Trying 1.2.3.4:443...\n> GET /v2/devices HTTP/1.1\r\n> Host: x\r\n>\r\n< HTTP/1.1 401 Unauthorized\r\n";
        assert_eq!(detect(v, None), Some(Format::Curl));
        let t = b"== Info: Connected\n=> Send header, 85 bytes (0x55)\n0000: GET / HTTP/1.1\n";
        assert_eq!(detect(t, None), Some(Format::Curl));
    }

    #[test]
    fn raw_http_paste() {
        let p = b"$ curl -i https://api.example.com/v2/devices\nHTTP/2 401 \r\ndate: x\r\n";
        assert_eq!(detect(p, None), Some(Format::Http));
    }

    #[test]
    fn curl_wins_over_http_for_transcripts() {
        let v = b"$ curl -v https://x.example.com\n* Connected to x (1.2.3.4) port 443\n< HTTP/2 401 \n< www-authenticate: Bearer\n<\n";
        assert_eq!(detect(v, None), Some(Format::Curl));
        let t = b"14:40:00.100000 [0-x] * Trying 1.2.3.4:443...\n14:40:00.150600 [0-0] => Send header, 20 bytes (0x14)\n";
        assert_eq!(detect(t, None), Some(Format::Curl));
    }

    #[test]
    fn paste_shapes_are_http() {
        let pastes: [&[u8]; 9] = [
            b"I/okhttp.OkHttpClient: <-- 401 Unauthorized https://api.example.com/v2/x (12ms)\n",
            b"Hello,\n\nStatus: 401 Unauthorized   Time: 85 ms\n{\"error\": 1}\n",
            b"Server response\nCode\tDetails\n401\nUndocumented\n",
            b"GET https://api.example.com/v2/logs\n401\n143 ms\n",
            b"Invoke-WebRequest : The remote server returned an error: (401) Unauthorized.\n",
            b"Client error: `GET https://a.example.com/x` resulted in a `401 Unauthorized` response:\n",
            b"1.2.3.4 - - [08/Mar/2024:14:23:45 +0000] \"GET /v2/x HTTP/1.1\" 401 12\n",
            b"time=2024-03-08T14:23:45Z method=GET path=/v2/x status=401\n",
            b"The header says:\nWWW-Authenticate: Bearer error=\"invalid_token\"\n",
        ];
        for paste in pastes {
            assert_eq!(
                detect(paste, None),
                Some(Format::Http),
                "{}",
                String::from_utf8_lossy(paste)
            );
        }
    }

    #[test]
    fn prose_with_401_is_not_http() {
        let prose = b"Since Friday every call returns 401 Unauthorized.\nWe tried GET /v2/devices 401 times.\ncurl returns 401 for me\nFilter with status=401 method=GET path=/x in the console.\n";
        assert_eq!(detect(prose, Some("txt")), None);
    }

    #[test]
    fn json_records_quoting_shapes_stay_json() {
        let log = b"{\"msg\":\"resulted in a `401 Unauthorized` response\"}\n{\"msg\":\"status=401 method=GET path=/x\"}\nstarting worker status=200 method=GET path=/health\n";
        assert_eq!(detect(log, None), Some(Format::Jsonl));
    }

    #[test]
    fn json_logs() {
        assert_eq!(
            detect(b"{\"status\":401}\n{\"status\":200}\n", None),
            Some(Format::Jsonl)
        );
        assert_eq!(
            detect(b"Jun  2 10:00:00 host app[1]: {\"status\":401}\n", None),
            Some(Format::Jsonl)
        );
    }

    #[test]
    fn prose_is_nothing() {
        assert_eq!(
            detect(b"# README\nThe API returned 401 yesterday.\n", Some("md")),
            None
        );
        assert_eq!(detect(b"", None), None);
        assert_eq!(detect(b"   \n", None), None);
    }
}
