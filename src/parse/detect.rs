//! Deciding a source's format from its first bytes: by structure, never by words. The file
//! extension is only a tie-breaker.

use super::Format;

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

/// `{ "log": {` as the first key (every exporter writes `log` first).
fn looks_like_har(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('{') else {
        return false;
    };
    let rest = rest.trim_start();
    let Some(rest) = rest.strip_prefix("\"log\"") else {
        return false;
    };
    rest.trim_start().starts_with(':')
}

/// `curl -v` prefixes (`* `, `> `, `< `) or `--trace`/`--trace-ascii` section headers.
fn looks_like_curl(text: &str) -> bool {
    let mut request = false;
    let mut response = false;
    for line in text.lines().take(2000) {
        let line = strip_trace_prefixes(line);
        if line.starts_with("=> Send header") || line.starts_with("<= Recv header") {
            return true;
        }
        if let Some(rest) = line.strip_prefix("> ") {
            request |= is_request_line(rest);
        }
        if let Some(rest) = line.strip_prefix("< ") {
            response |= is_status_line(rest);
        }
        if request && response {
            return true;
        }
    }
    false
}

/// Removes `--trace-time` (`12:00:00.123456 `) and `--trace-ids` (`[0-0] `) prefixes.
pub fn strip_trace_prefixes(line: &str) -> &str {
    let mut line = line;
    let bytes = line.as_bytes();
    if bytes.len() > 16
        && bytes[2] == b':'
        && bytes[5] == b':'
        && bytes[..2].iter().all(u8::is_ascii_digit)
        && let Some((_, rest)) = line.split_once(' ')
    {
        line = rest;
    }
    if line.starts_with('[')
        && let Some((ids, rest)) = line.split_once("] ")
        && ids[1..].chars().all(|c| c.is_ascii_digit() || c == '-')
    {
        line = rest;
    }
    line
}

/// A status line somewhere (`HTTP/1.1 401 ...`, `HTTP/2 401`), or a pasted curl/HTTPie
/// command, or a lone `WWW-Authenticate` header.
fn looks_like_http(text: &str) -> bool {
    text.lines().take(5000).any(|line| {
        let line = line.trim_start_matches(['$', '>', ' ']);
        is_status_line(line.trim_end())
            || line
                .get(..18)
                .is_some_and(|h| h.eq_ignore_ascii_case("www-authenticate: "))
    })
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
    let Some(rest) = line.strip_prefix("HTTP/") else {
        return false;
    };
    let mut parts = rest.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let code = parts.next().unwrap_or("");
    version.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !version.is_empty()
        && code.len() == 3
        && code.chars().all(|c| c.is_ascii_digit())
}

/// `GET /path HTTP/1.1` (any token method, any target, an HTTP version).
pub fn is_request_line(line: &str) -> bool {
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_uppercase())
        && !target.is_empty()
        && version.starts_with("HTTP/")
}

#[cfg(test)]
mod tests {
    use super::*;

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
