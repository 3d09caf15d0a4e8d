//! A record with no status field whose message quotes a response the way an exception does:
//! `... returned 401 Unauthorized: {"error":"invalid_token"}` (Spring), `` resulted in a `401
//! Unauthorized` response: {...} `` (Guzzle), `401 Client Error: Unauthorized for url: ...`
//! (requests), `Request failed with status code 401` (axios). The status must come with its
//! standard reason phrase or right after a word such as `status code`, so prose that merely
//! mentions a number is not an exchange.

use serde_json::value::RawValue;

use super::draft::Draft;
use super::generic::{TIME_KEYS, read_request};
use super::record::Found;
use super::value::Obj;
use crate::reason_phrases;

/// Fields that hold an error or exception text.
const FIELDS: &[&str] = &[
    "msg",
    "message",
    "error",
    "err",
    "error.message",
    "err.message",
    "exception",
    "exception.message",
    "exc_info",
    "stack_trace",
    "error.stack_trace",
    "stack",
    "err.stack",
];

/// How far after the status a quoted body may start.
const BODY_SEARCH: usize = 64;

pub fn map(obj: &Obj) -> Found {
    for field in FIELDS {
        let Some(text) = obj.path(field).and_then(|v| v.text()) else {
            continue;
        };
        let Some(quote) = find(&text) else {
            continue;
        };
        let mut draft = Draft::new(quote.status);
        read_request(obj, &mut draft);
        if draft.url.is_empty() {
            draft.url = quote.url;
        }
        if draft.method.is_empty() {
            draft.method = quote.method;
        }
        draft.reason = quote.reason;
        draft.body = quote.body;
        draft.time_from(TIME_KEYS.iter().map(|k| obj.get(k)));
        return Found::One(draft);
    }
    Found::Nothing
}

/// What an exception text says about the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub status: u16,
    pub reason: String,
    pub body: Option<String>,
    pub method: String,
    pub url: String,
}

/// The first quoted response status in `text`, with the body that follows it and the
/// request the text names.
pub fn find(text: &str) -> Option<Quote> {
    let (status, reason, end) = three_digit_numbers(text).find_map(|(start, end)| {
        let status: u16 = text[start..end].parse().ok()?;
        if let Some((phrase, after)) = error_phrase_after(status, &text[end..]) {
            return Some((status, phrase, end + after));
        }
        status_word_before(&text[..start]).then_some((status, "", end))
    })?;
    let (method, url) = request_named(text);
    Some(Quote {
        status,
        reason: reason.to_owned(),
        body: body_after(&text[end..]),
        method,
        url,
    })
}

/// Byte ranges of numbers of exactly three digits, 100..=599.
fn three_digit_numbers(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let bounded = (start == 0
                || !bytes[start - 1].is_ascii_alphanumeric() && bytes[start - 1] != b'.')
                && (i == bytes.len() || !bytes[i].is_ascii_alphanumeric());
            if i - start == 3 && bounded && (b'1'..=b'5').contains(&bytes[start]) {
                return Some((start, i));
            }
        }
        None
    })
}

/// `401 Unauthorized`, `` 401 Unauthorized` ``, `401 (Unauthorized)`, `401 Client Error:
/// Unauthorized`: the offset after the phrase, when it follows.
/// The reason phrase (current or former) of an error status right after it, and where it
/// ends. Only error statuses are quoted: a `200 OK` in a message is not an answer.
fn error_phrase_after(status: u16, after: &str) -> Option<(&'static str, usize)> {
    let row = reason_phrases::of(status).filter(|_| status >= 400)?;
    row.all()
        .find_map(|phrase| phrase_after(after, phrase).map(|end| (phrase, end)))
}

fn phrase_after(after: &str, phrase: &str) -> Option<usize> {
    let rest = after.trim_start_matches([')', '\'', '"', '`']);
    let rest = rest.trim_start_matches([' ', '-', ':']);
    let rest = rest.strip_prefix('(').unwrap_or(rest);
    let rest = strip_prefix_ci(rest, "client error: ")
        .or_else(|| strip_prefix_ci(rest, "server error: "))
        .unwrap_or(rest);
    let tail = strip_prefix_ci(rest, phrase)?;
    if tail.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(after.len() - tail.len())
}

fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `status code 401`, `status: 401`, `HTTP 401`, `HTTP/1.1 401`.
fn status_word_before(before: &str) -> bool {
    let head = before.trim_end_matches([' ', ':', '=', '\'', '"', '`', '(']);
    let lower = head.to_ascii_lowercase();
    [
        "status code",
        "statuscode",
        "status_code",
        "status",
        "http",
        "http/1.0",
        "http/1.1",
        "http/2",
        "http/2.0",
    ]
    .iter()
    .any(|word| {
        lower.ends_with(word)
            && !lower[..lower.len() - word.len()].ends_with(|c: char| c.is_ascii_alphanumeric())
    })
}

/// The body after the status: the first JSON value that starts soon after it, else the rest
/// of the text.
fn body_after(after: &str) -> Option<String> {
    let window = after.get(..BODY_SEARCH.min(after.len())).unwrap_or(after);
    let start = window.find(['{', '['])?;
    let rest = &after[start..];
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<&RawValue>();
    match values.next() {
        Some(Ok(value)) => Some(value.get().to_owned()),
        _ => Some(rest.trim_end().trim_end_matches(['"', '\'']).to_owned()),
    }
}

/// The method and absolute URL an exception text names (`` `GET https://...` ``, `for url:
/// https://...`, `from GET https://...`).
fn request_named(text: &str) -> (String, String) {
    let Some(start) = text.find("https://").or_else(|| text.find("http://")) else {
        return (String::new(), String::new());
    };
    let url_end = text[start..]
        .find(|c: char| c.is_whitespace() || matches!(c, '`' | '\'' | '"' | '<' | '>'))
        .map_or(text.len(), |n| start + n);
    let url = text[start..url_end].trim_end_matches(['.', ',', ';', ':', ')', ']']);
    let before = text[..start].trim_end_matches(['`', '\'', '"', ' ']);
    let method = before
        .rsplit(|c: char| !c.is_ascii_alphabetic())
        .next()
        .filter(|w| {
            matches!(
                *w,
                "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"
            )
        })
        .unwrap_or("");
    (method.to_owned(), url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::record::testing::{items, one};
    use super::*;

    #[test]
    fn spring_rest_template() {
        let line = r#"{"@timestamp":"2025-06-02T10:00:00.123Z","level":"ERROR","logger_name":"com.example.DeviceClient","message":"Device sync failed: org.springframework.web.client.HttpClientErrorException$Unauthorized: 401 Unauthorized: \"{\"error\":\"invalid_token\",\"error_description\":\"Jwt expired at 2025-06-02T09:59:00Z\"}\""}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        let response = ex.response.as_ref().unwrap();
        assert_eq!(response.reason, "Unauthorized");
        assert_eq!(
            response.body.as_ref().unwrap().text,
            r#"{"error":"invalid_token","error_description":"Jwt expired at 2025-06-02T09:59:00Z"}"#
        );
        assert!(!ex.request.headers_recorded && !ex.request.credential_recorded);
        assert!(ex.server_time.is_some());
    }

    #[test]
    fn guzzle_names_the_request() {
        let q = find("Client error: `GET https://api.example.com/v2/devices` resulted in a `401 Unauthorized` response:\n{\"error\":\"unauthorized\",\"message\":\"Invalid or expired token\"}\n").unwrap();
        assert_eq!(q.status, 401);
        assert_eq!(q.method, "GET");
        assert_eq!(q.url, "https://api.example.com/v2/devices");
        assert_eq!(
            q.body.as_deref(),
            Some(r#"{"error":"unauthorized","message":"Invalid or expired token"}"#)
        );
    }

    #[test]
    fn other_sdks() {
        let q = find("401 Client Error: Unauthorized for url: https://api.example.com/v2/policies")
            .unwrap();
        assert_eq!(
            (q.status, q.url.as_str()),
            (401, "https://api.example.com/v2/policies")
        );
        assert_eq!(
            find("Request failed with status code 401").unwrap().status,
            401
        );
        assert_eq!(
            find("Response status code does not indicate success: 401 (Unauthorized).")
                .unwrap()
                .status,
            401
        );
        assert_eq!(
            find("retrofit2.HttpException: HTTP 403 ").unwrap().status,
            403
        );
    }

    #[test]
    fn prose_is_not_a_quote() {
        assert!(find("the API returned 401 yesterday").is_none());
        assert!(find("processed 401 records in 12ms").is_none());
        assert!(find("version 1.401 Unauthorized").is_none());
        let line = r#"{"level":"info","msg":"retrying 401 times"}"#;
        assert!(items(line).is_empty());
    }
}
