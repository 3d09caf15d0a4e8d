//! One `log.entries` element: borrowed, lenient serde structs and their mapping onto the
//! exchange model. Only the fields the model needs are declared; serde skips the rest
//! (`cookies`, `timings`, `cache`, `_initiator`, ...) without allocating.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;

use super::lenient::{HeaderList, Number, ObjectOr, ParamList, Text};
use super::sanitized;
use why401_model::exchange::{
    Body, ClientTime, Exchange, ExchangeNote, Location, Request, Response, body_limit,
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawEntry<'a> {
    #[serde(rename = "startedDateTime", borrow)]
    started: Text<'a>,
    #[serde(rename = "_error", borrow)]
    error: Text<'a>,
    #[serde(rename = "_failureText", borrow)]
    failure_text: Text<'a>,
    #[serde(borrow)]
    request: ObjectOr<RawRequest<'a>>,
    #[serde(borrow)]
    response: ObjectOr<RawResponse<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawRequest<'a> {
    #[serde(borrow)]
    method: Text<'a>,
    #[serde(borrow)]
    url: Text<'a>,
    #[serde(rename = "httpVersion", borrow)]
    http_version: Text<'a>,
    headers: HeaderList,
    #[serde(rename = "headersSize")]
    headers_size: Number,
    #[serde(rename = "postData", borrow)]
    post_data: ObjectOr<RawPostData<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawPostData<'a> {
    #[serde(rename = "mimeType", borrow)]
    mime_type: Text<'a>,
    #[serde(borrow)]
    text: Text<'a>,
    params: ParamList,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawResponse<'a> {
    status: Number,
    #[serde(rename = "statusText", borrow)]
    status_text: Text<'a>,
    #[serde(rename = "httpVersion", borrow)]
    http_version: Text<'a>,
    headers: HeaderList,
    #[serde(borrow)]
    content: ObjectOr<RawContent<'a>>,
    #[serde(rename = "_error", borrow)]
    error: Text<'a>,
    #[serde(rename = "_failureText", borrow)]
    failure_text: Text<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawContent<'a> {
    #[serde(borrow)]
    text: Text<'a>,
    #[serde(borrow)]
    encoding: Text<'a>,
    #[serde(rename = "mimeType", borrow)]
    mime_type: Text<'a>,
}

impl<'a> RawEntry<'a> {
    /// Puts back the `response.content.text` read apart (see `body`); false when the entry
    /// has no such object to put it in.
    pub fn set_response_text(&mut self, text: Cow<'a, str>) -> bool {
        let content = self
            .response
            .0
            .as_mut()
            .and_then(|response| response.content.0.as_mut());
        match content {
            Some(content) => {
                content.text = Text(Some(text));
                true
            }
            None => false,
        }
    }

    /// What is wrong with an entry that is still read: a response status that is a number
    /// but no HTTP status (0 and -1 are exporters' ways to say the request failed).
    pub fn oddity(&self) -> Option<String> {
        let status = self.response.0.as_ref()?.status.0?;
        let whole = status.fract() == 0.0 && status.abs() < 1e9;
        if whole && ((100.0..=999.0).contains(&status) || status == 0.0 || status == -1.0) {
            return None;
        }
        let what = match whole {
            true => format!("response status {} is no HTTP status", status as i64),
            false => "response status is not a whole number".to_owned(),
        };
        Some(format!("{what}; read as a request without a response"))
    }

    /// The exchange at `entries[n]` and what is odd about it ([`RawEntry::oddity`]), or
    /// `None` when the entry has no `request` object.
    pub fn into_checked(self, n: u64) -> Option<(Exchange, Option<String>)> {
        let oddity = self.oddity();
        self.into_exchange(n).map(|exchange| (exchange, oddity))
    }

    /// The exchange at `entries[n]`, or `None` when the entry has no `request` object.
    pub fn into_exchange(self, n: u64) -> Option<Exchange> {
        let request = self.request.0?;
        let headers_size = request.headers_size();
        let mut exchange = Exchange::new(Location::Entry(n), request.into_request());
        sanitized::note_removals(&mut exchange, headers_size);
        exchange.client_time = self
            .started
            .non_empty()
            .and_then(why401_model::time::parse_iso)
            .map(|stamp| ClientTime::Instant(stamp.at));
        let entry_failed = reports_failure(&self.error, &self.failure_text);
        if let Some(response) = self.response.0 {
            match response.into_response() {
                Some(response) if !entry_failed => exchange.response = Some(response),
                _ => exchange.notes.push(ExchangeNote::Failed),
            }
        } else if entry_failed {
            exchange.notes.push(ExchangeNote::Failed);
        }
        exchange.take_server_time_from_date();
        Some(exchange)
    }
}

impl RawRequest<'_> {
    /// `headersSize`, when the exporter gave a whole number of bytes (-1 is "unknown").
    fn headers_size(&self) -> Option<u64> {
        self.headers_size
            .0
            .filter(|size| *size >= 0.0 && size.fract() == 0.0)
            .map(|size| size as u64)
    }

    fn into_request(self) -> Request {
        let mut request = Request::recorded(self.method.as_str(), self.url.as_str());
        request.http_version = self.http_version.as_str().to_owned();
        request.headers = self.headers.0;
        if request.url.is_empty() {
            request.url = url_from_pseudo_headers(&request).unwrap_or_default();
        }
        if let Some(post) = self.post_data.0 {
            post.store_into(&mut request);
        }
        request
    }
}

/// An `_error` (Chromium) or `_failureText` (Playwright) says the request failed.
fn reports_failure(error: &Text, failure_text: &Text) -> bool {
    error.non_empty().is_some() || failure_text.non_empty().is_some()
}

/// HTTP/2 exports can leave `url` empty; `:scheme`, `:authority` and `:path` rebuild it.
fn url_from_pseudo_headers(request: &Request) -> Option<String> {
    let authority = request.headers.get(":authority")?;
    let path = request.headers.get(":path").unwrap_or("/");
    let scheme = request.headers.get(":scheme").unwrap_or("https");
    Some(format!("{scheme}://{authority}{path}"))
}

impl RawPostData<'_> {
    fn store_into(self, request: &mut Request) {
        let mime = self
            .mime_type
            .non_empty()
            .or_else(|| request.headers.get("content-type"))
            .map(str::to_owned);
        if let Some(text) = self.text.non_empty() {
            request.set_body(text, mime.as_deref());
        } else if !self.params.0.is_empty() {
            // `params` without `text`: the form is known, its raw text only approximately.
            let joined: Vec<String> = self
                .params
                .0
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            request.body = Some(Body::from_text(&joined.join("&")));
            request.form = self.params.0;
        }
    }
}

impl RawResponse<'_> {
    /// The response, or `None` when it says the request failed (status 0 or -1, `_error`,
    /// `_failureText`): a failed request never counts as a 401.
    fn into_response(self) -> Option<Response> {
        if reports_failure(&self.error, &self.failure_text) {
            return None;
        }
        let status =
            self.status
                .0
                .filter(|s| s.fract() == 0.0 && (100.0..=999.0).contains(s))? as u16;
        let mut response = Response::new(status);
        response.reason = self.status_text.as_str().to_owned();
        response.http_version = self.http_version.as_str().to_owned();
        response.headers = self.headers.0;
        response.body = self.content.0.and_then(|content| content.body());
        Some(response)
    }
}

impl RawContent<'_> {
    fn body(self) -> Option<Body> {
        let text = self.text.0?;
        let base64 = self
            .encoding
            .non_empty()
            .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
        if base64 {
            // An image or font is no evidence, and decoding it to text is costly.
            if is_binary_type(self.mime_type.as_str()) {
                return None;
            }
            if let Some(bytes) = decode_base64_head(&text) {
                return Some(Body::from_bytes(&bytes));
            }
        }
        Some(body_from_text(text))
    }
}

/// [`Body::from_text`], keeping an unescaped text that is already owned rather than
/// copying it.
fn body_from_text(text: Cow<'_, str>) -> Body {
    match text {
        Cow::Owned(text) if text.len() <= body_limit() => Body {
            text,
            truncated: false,
        },
        text => Body::from_text(&text),
    }
}

/// Media types whose bodies are binary, never an error text.
fn is_binary_type(mime: &str) -> bool {
    let mime = mime.trim_start().to_ascii_lowercase();
    ["image/", "audio/", "video/", "font/", "application/font"]
        .iter()
        .any(|prefix| mime.starts_with(prefix))
        || [
            "application/octet-stream",
            "application/wasm",
            "application/zip",
            "application/pdf",
        ]
        .iter()
        .any(|t| mime.starts_with(t))
}

/// Decodes enough of a base64 body to fill [`body_limit`] (and to tell it was longer);
/// line breaks are tolerated. `None` when it is not base64.
fn decode_base64_head(text: &str) -> Option<Vec<u8>> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    // A multiple of 4 characters that decodes to just over the limit.
    let head_chars = (body_limit() / 3 + 1).saturating_mul(4);
    let head: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .take(head_chars)
        .collect();
    LENIENT.decode(head).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(text: &str) -> Exchange {
        let raw: RawEntry = serde_json::from_str(text).unwrap();
        raw.into_exchange(3).unwrap()
    }

    #[test]
    fn chrome_failed_entry_has_no_response() {
        let ex = exchange(
            r#"{"startedDateTime":"2023-07-13T12:32:32.676Z","request":{"method":"GET","url":"https://x/"},
                "response":{"status":0,"httpVersion":"","headers":[],"_error":"net::ERR_INTERNET_DISCONNECTED"}}"#,
        );
        assert!(ex.response.is_none());
        assert!(ex.notes.contains(&ExchangeNote::Failed));
        assert_eq!(ex.origin.location, Location::Entry(3));
    }

    #[test]
    fn playwright_failure_and_error_with_a_status_are_failed() {
        for text in [
            r#"{"request":{"method":"GET","url":"u"},"response":{"status":-1,"_failureText":"net::ERR_FAILED"}}"#,
            r#"{"request":{"method":"GET","url":"u"},"response":{"status":401},"_error":"aborted"}"#,
            r#"{"request":{"method":"GET","url":"u"},"response":{}}"#,
        ] {
            let ex = exchange(text);
            assert!(ex.response.is_none(), "{text}");
            assert!(ex.notes.contains(&ExchangeNote::Failed), "{text}");
        }
        let no_response = exchange(r#"{"request":{"method":"GET","url":"u"}}"#);
        assert!(no_response.response.is_none());
        assert!(!no_response.notes.contains(&ExchangeNote::Failed));
    }

    #[test]
    fn base64_bodies_are_decoded_and_bounded() {
        let small = exchange(
            r#"{"request":{},"response":{"status":401,"content":{"text":"eyJlcnJvciI6ImludmFsaWRfdG9rZW4ifQ==","encoding":"base64"}}}"#,
        );
        let body = small.response.unwrap().body.unwrap();
        assert_eq!(body.text, r#"{"error":"invalid_token"}"#);
        assert!(!body.truncated);

        let big = base64::engine::general_purpose::STANDARD.encode(vec![
            b'a';
            why401_model::exchange::BODY_LIMIT
                * 2
        ]);
        let text = format!(
            r#"{{"request":{{}},"response":{{"status":200,"content":{{"text":"{big}","encoding":"base64"}}}}}}"#
        );
        let body = exchange(&text).response.unwrap().body.unwrap();
        assert_eq!(body.text.len(), why401_model::exchange::BODY_LIMIT);
        assert!(body.truncated);

        let image = exchange(
            r#"{"request":{},"response":{"status":200,"content":{"mimeType":"image/png","text":"iVBORw0KGgo=","encoding":"base64"}}}"#,
        );
        assert!(image.response.unwrap().body.is_none());
    }

    #[test]
    fn request_fields_are_mapped() {
        let ex = exchange(
            r#"{"startedDateTime":"2016-06-28T21:42:02.7221474+01:00",
                "request":{"method":"POST","url":"","httpVersion":"HTTP/2","headersSize":120,
                  "headers":[{"name":":authority","value":"auth.example.com"},{"name":":path","value":"/oauth/token"},
                             {"name":":scheme","value":"https"}],
                  "postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"grant_type","value":"client_credentials"}]}},
                "response":{"status":"401","headers":[{"name":"Date","value":"Tue, 28 Jun 2016 20:42:05 GMT"}]}}"#,
        );
        assert_eq!(ex.request.url, "https://auth.example.com/oauth/token");
        assert!(!ex.notes.contains(&ExchangeNote::RequestHeadersRemoved));
        assert_eq!(
            ex.request.form_param("grant_type"),
            Some("client_credentials")
        );
        assert!(ex.request.body_recorded);
        assert_eq!(ex.status(), Some(401));
        let client = ex.client_time.and_then(|t| t.instant()).unwrap();
        assert_eq!(
            why401_model::time::format_millis(&client),
            "2016-06-28T20:42:02.722Z"
        );
        assert_eq!(
            why401_model::time::format_millis(&ex.server_time.unwrap().at),
            "2016-06-28T20:42:05.000Z"
        );
    }

    #[test]
    fn a_declared_headers_size_past_the_headers_shown_is_noted() {
        let removed = exchange(
            r#"{"request":{"method":"GET","url":"https://x/a","httpVersion":"HTTP/1.1","headersSize":400,
                "headers":[{"name":"Host","value":"x"}]},"response":{"status":401}}"#,
        );
        assert!(removed.notes.contains(&ExchangeNote::RequestHeadersRemoved));
        assert!(
            removed
                .notes
                .contains(&ExchangeNote::ExportMayStripCredentials)
        );
        let unknown = exchange(
            r#"{"request":{"method":"GET","url":"https://x/a","httpVersion":"HTTP/1.1","headersSize":-1},"response":{"status":401}}"#,
        );
        assert!(!unknown.notes.contains(&ExchangeNote::RequestHeadersRemoved));
    }

    #[test]
    fn fiddler_empty_post_data_is_no_body() {
        let ex = exchange(
            r#"{"request":{"method":"GET","url":"u","postData":{"text":"","mimeType":""}},"response":{"status":200}}"#,
        );
        assert!(ex.request.body.is_none());
        assert!(ex.request.body_recorded);
    }
}
