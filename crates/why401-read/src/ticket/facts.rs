//! What one ticket line says about which response it belongs to: its log timestamp, request
//! id and request line. Two lines naming a status are the same response unless one of these
//! tells them apart.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;

use why401_model::time;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant pattern") // ok: fixed patterns, tested below
}

/// A log timestamp as written (normalised for comparison) and, when it carries a date and an
/// offset, the instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// Digits of the date and time as written, fraction included: equal texts are one instant.
    pub key: String,
    pub instant: Option<DateTime<Utc>>,
}

impl Stamp {
    /// Both known and not the same moment.
    pub fn differs(&self, other: &Stamp) -> bool {
        match (self.instant, other.instant) {
            (Some(a), Some(b)) => a != b,
            _ => self.key != other.key,
        }
    }

    /// Within `seconds` of each other, when both instants are known.
    pub fn near(&self, other: &Stamp, seconds: i64) -> Option<bool> {
        Some((self.instant? - other.instant?).num_seconds().abs() <= seconds)
    }
}

/// Where a log line puts its time: at its start (after a level letter or bracket) or in a
/// `time=`/`ts=`/`"timestamp":` field.
static LEADING_TIME: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?x)
        (?: ^[\[\s]*[IWEFD]?(?P<klog>\d{4}\s\d{2}:\d{2}:\d{2}(?:\.\d+)?)
          | (?P<iso>\d{4}-\d{2}-\d{2}[T\s]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:\s?(?:Z|[+-]\d{2}:?\d{2}))?)
          | (?P<clf>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2}(?:\s[+-]\d{4})?)
          | (?P<slash>\d{4}/\d{2}/\d{2}\s\d{2}:\d{2}:\d{2}(?:\.\d+)?)
          | ^(?P<syslog>[A-Z][a-z]{2}\s+\d{1,2}\s\d{2}:\d{2}:\d{2})
          | ^[\[\s]*(?P<clock>\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)
        )"#,
    )
});

/// The timestamp a log line starts with (within its first 160 bytes), or of its time field;
/// one with a date and an offset is preferred (a syslog prefix before a logfmt `time=`).
pub fn stamp(line: &str) -> Option<Stamp> {
    let head = clip(line, 160);
    let mut first = None;
    for caps in LEADING_TIME.captures_iter(head) {
        let Some(stamp) = stamp_of(&caps) else {
            continue;
        };
        if stamp.instant.is_some() {
            return Some(stamp);
        }
        first = first.or(Some(stamp));
    }
    first
}

fn stamp_of(caps: &regex::Captures) -> Option<Stamp> {
    let whole = caps.get(0)?;
    if whole.start() > 60 && caps.name("iso").is_none() {
        return None;
    }
    let text = whole.as_str().trim_start_matches(['[', ' ', '\t']);
    let instant = if let Some(iso) = caps.name("iso") {
        time::parse_iso(&iso.as_str().replace(',', "."))
            .filter(|s| s.had_offset)
            .map(|s| s.at)
    } else if let Some(clf) = caps.name("clf") {
        time::parse_clf(clf.as_str())
    } else {
        None
    };
    let key: String = text.chars().filter(char::is_ascii_digit).collect();
    Some(Stamp { key, instant })
}

static REQUEST_ID: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)\b(?:x-)?(?:request[_.-]?id|req[_-]?id|requestid|http\.request\.id|trace[_-]?id|correlation[_-]?id|x-amzn-requestid|x-github-request-id)["']?\s*(?:=|:|=>)\s*["']?(?P<id>[A-Za-z0-9][A-Za-z0-9._:/-]{5,80})|\bRequest (?P<stripe>req_[A-Za-z0-9]{6,})"#,
    )
});

/// A request id the line names.
pub fn request_id(line: &str) -> Option<String> {
    let caps = REQUEST_ID.captures(clip(line, 8 * 1024))?;
    caps.name("id")
        .or(caps.name("stripe"))
        .map(|m| m.as_str().to_owned())
}

static REQUEST_LINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?:^|[\s"'`(\[])(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(?:-\s+)?["'`]?(?P<target>https?://[^\s"'`<>]+|/[^\s"'`<>]*)"#,
    )
});

static METHOD_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)\b(?:http\.request\.)?method["']?\s*[=:]\s*["']?(?P<m>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b"#,
    )
});

static PATH_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)\b(?:http\.request\.)?(?:uri|path|url)["']?\s*[=:]\s*["']?(?P<p>(?:https?://|/)[^\s"',}]*)"#,
    )
});

/// A request the line names: `GET /path`, `POST https://…`, or `method=` and `path=` fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRef {
    pub method: Option<String>,
    /// As written: absolute or a path.
    pub target: String,
}

impl RequestRef {
    /// The path without scheme, host and query, for comparing two mentions of one request.
    pub fn path(&self) -> &str {
        let target = self.target.as_str();
        let without_origin = match target.find("://") {
            Some(i) => {
                let rest = &target[i + 3..];
                rest.find('/').map_or("/", |j| &rest[j..])
            }
            None => target,
        };
        without_origin
            .split(['?', '#'])
            .next()
            .unwrap_or(without_origin)
            .trim_end_matches('/')
    }

    /// Both name a path (and, when both name one, a method) and they differ.
    pub fn differs(&self, other: &RequestRef) -> bool {
        let methods_differ = matches!((&self.method, &other.method), (Some(a), Some(b)) if a != b);
        methods_differ || self.path() != other.path()
    }
}

/// The request the line names, if any.
pub fn request_ref(line: &str) -> Option<RequestRef> {
    let line = clip(line, 8 * 1024);
    if let Some(caps) = REQUEST_LINE.captures(line) {
        return Some(RequestRef {
            method: caps.name("method").map(|m| m.as_str().to_owned()),
            target: trim_target(&caps["target"]).to_owned(),
        });
    }
    let path = PATH_FIELD.captures(line)?;
    Some(RequestRef {
        method: METHOD_FIELD.captures(line).map(|c| c["m"].to_owned()),
        target: path["p"].to_owned(),
    })
}

/// A request target without the punctuation of the sentence or wrapper around it:
/// `…/messages]` in Spring's `[Request processing failed; nested exception is … from GET
/// …/messages]`. A `]` closes an IPv6 host only when the target opened one.
fn trim_target(target: &str) -> &str {
    let punctuation = [':', ',', '.', ')', ';', '\'', '"', '>'];
    let mut out = target.trim_end_matches(punctuation);
    if !out.contains('[') {
        out = out.trim_end_matches(']').trim_end_matches(punctuation);
    }
    out
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| regex(r#"\bhttps?://[A-Za-z0-9.\-\[\]:@%]+(?:/[^\s"'`<>)\]}]*)?"#));

/// The first absolute URL on the line.
pub fn first_url(line: &str) -> Option<&str> {
    URL.find(clip(line, 8 * 1024))
        .map(|m| m.as_str().trim_end_matches(['.', ',', ':', ';']))
}

/// The first `max` bytes of `text`, cut on a character boundary.
pub fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_timestamps_are_found_and_compared() {
        let a = stamp("2024-07-15 11:14:02,463 ERROR [x] failed").unwrap();
        let b = stamp("2024-07-15 11:14:02,463 ERROR [x] again").unwrap();
        assert!(!a.differs(&b));
        let c = stamp(r#"time="2024-07-15T11:14:03+02:00" level=info msg=x"#).unwrap();
        assert!(c.instant.is_some());
        let klog = stamp("E1009 09:42:45.361887    6910 authentication.go:53] x").unwrap();
        let klog2 = stamp("E1009 09:42:45.361932    6910 authentication.go:53] x").unwrap();
        assert!(klog.differs(&klog2));
        let clf =
            stamp(r#"10.0.0.1 - - [10/Mar/2024:10:00:00 +0000] "GET / HTTP/1.1" 401 0"#).unwrap();
        assert!(clf.instant.is_some());
        assert!(stamp("Traceback (most recent call last):").is_none());
    }

    #[test]
    fn request_ids_and_lines_are_found() {
        assert_eq!(
            request_id("level=warn http.request.id=9f1c2d3e-aaaa msg=x").as_deref(),
            Some("9f1c2d3e-aaaa")
        );
        assert_eq!(
            request_id("Request req_abc12345: Invalid API Key").as_deref(),
            Some("req_abc12345")
        );
        let r = request_ref(r#"10.0.0.1 - - [x] "POST /v2/app/blobs/uploads/ HTTP/1.1" 401 0"#)
            .unwrap();
        assert_eq!(
            (r.method.as_deref(), r.path()),
            (Some("POST"), "/v2/app/blobs/uploads")
        );
        let f = request_ref("level=debug method=GET path=/api/verify ip=1").unwrap();
        assert_eq!(f.path(), "/api/verify");
        let abs = request_ref("GET https://api.example.com/v1/me?x=1: 401").unwrap();
        assert_eq!(abs.path(), "/v1/me");
        assert!(!abs.differs(&RequestRef {
            method: None,
            target: "/v1/me".into()
        }));
        let wrapped = request_ref("[Request processing failed; nested exception is X: 401 Unauthorized from GET http://auth:9000/messages] with root cause").unwrap();
        assert_eq!(wrapped.target, "http://auth:9000/messages");
        let ipv6 = request_ref("GET http://[::1]: 401").unwrap();
        assert_eq!(ipv6.target, "http://[::1]");
    }
}
