//! The id a support engineer quotes back to the provider: response id headers
//! (`x-request-id`, `x-correlation-id`, `traceparent`, provider headers), ids in error bodies
//! (`request_id`, `requestId`, `trace_id`, `correlation_id`, Graph's `innerError`, Entra ID's
//! `Trace ID:` line), else the id the client sent.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use why401_model::exchange::{Exchange, Headers};

/// A request id and where it was found (`header x-request-id`, `body request_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId {
    pub value: String,
    pub source: String,
}

/// Response headers holding an id, most specific first.
const ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "correlation-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "apigw-requestid",
    "x-ms-request-id",
    "x-github-request-id",
    "x-trace-id",
    "x-b3-traceid",
    "x-cloud-trace-context",
    "traceresponse",
    "traceparent",
    "cf-ray",
];

/// Request headers a client sets to name its request.
const CLIENT_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "x-correlation-id",
    "client-request-id",
    "traceparent",
];

/// Body fields holding an id (top level, or inside `error` / `error.innerError`).
const ID_FIELDS: &[&str] = &[
    "request_id",
    "requestId",
    "request-id",
    "trace_id",
    "traceId",
    "traceID",
    "correlation_id",
    "correlationId",
    "errorId",
];

static TRACE_ID_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Trace ID: ([0-9A-Fa-f-]{8,64})").expect("a literal pattern") // ok: literal
});

/// The request id of an exchange: response headers, then the error body, then what the
/// client sent.
pub fn find(exchange: &Exchange) -> Option<RequestId> {
    let response = exchange.response.as_ref();
    response
        .and_then(|r| from_headers(&r.headers, ID_HEADERS))
        .or_else(|| {
            response
                .and_then(|r| r.body.as_ref())
                .and_then(|b| from_body(&b.text))
        })
        .or_else(|| from_headers(&exchange.request.headers, CLIENT_ID_HEADERS))
}

fn from_headers(headers: &Headers, names: &[&str]) -> Option<RequestId> {
    names.iter().find_map(|name| {
        let value = headers.get(name)?;
        let value = match *name {
            "traceparent" | "traceresponse" => value.split('-').nth(1)?,
            "x-cloud-trace-context" => value.split('/').next()?,
            _ => value,
        };
        clean(value).map(|value| RequestId {
            value,
            source: format!("header {name}"),
        })
    })
}

/// An id in an error body: JSON fields, or Entra ID's `Trace ID:` line in a description.
pub fn from_body(text: &str) -> Option<RequestId> {
    let trimmed = text.trim();
    let doc: Value = serde_json::from_str(trimmed).ok()?;
    let nested = |path: &[&str]| {
        let mut node = &doc;
        for key in path {
            node = node.get(*key)?;
        }
        Some(node)
    };
    for prefix in [&[][..], &["error"], &["error", "innerError"]] {
        let Some(node) = nested(prefix) else { continue };
        for field in ID_FIELDS {
            if let Some(value) = node.get(*field).and_then(Value::as_str).and_then(clean) {
                let mut path: Vec<&str> = prefix.to_vec();
                path.push(field);
                return Some(RequestId {
                    value,
                    source: format!("body {}", path.join(".")),
                });
            }
        }
    }
    let description = doc.get("error_description").and_then(Value::as_str)?;
    let caps = TRACE_ID_LINE.captures(description)?;
    Some(RequestId {
        value: caps[1].to_owned(),
        source: "body error_description Trace ID".into(),
    })
}

/// An id safe to print: short, no spaces or control characters.
fn clean(value: &str) -> Option<String> {
    let value = value.trim();
    let ok = !value.is_empty()
        && value.len() <= 128
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/=+@".contains(&b));
    ok.then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use why401_model::exchange::{Body, Location, Request, Response};

    fn exchange(headers: &[(&str, &str)], body: Option<&str>) -> Exchange {
        let mut e = Exchange::new(Location::Line(1), Request::recorded("GET", "/x"));
        let mut r = Response::new(401);
        for (n, v) in headers {
            r.headers.push(*n, *v);
        }
        r.body = body.map(Body::from_text);
        e.response = Some(r);
        e
    }

    fn id(e: &Exchange) -> Option<(String, String)> {
        find(e).map(|r| (r.value, r.source))
    }

    fn pair(v: &str, s: &str) -> Option<(String, String)> {
        Some((v.into(), s.into()))
    }

    #[test]
    fn response_headers() {
        assert_eq!(
            id(&exchange(&[("X-Request-Id", "abc-123")], None)),
            pair("abc-123", "header x-request-id")
        );
        assert_eq!(
            id(&exchange(&[("x-correlation-id", "c-9")], None)),
            pair("c-9", "header x-correlation-id")
        );
        assert_eq!(
            id(&exchange(
                &[(
                    "traceparent",
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                )],
                None
            )),
            pair("4bf92f3577b34da6a3ce929d0e0e4736", "header traceparent")
        );
        assert_eq!(
            id(&exchange(
                &[("x-amzn-RequestId", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111")],
                None
            )),
            pair(
                "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
                "header x-amzn-requestid"
            )
        );
    }

    #[test]
    fn body_ids() {
        let reference = r#"{"error": "unauthorized", "request_id": "req_7f3a9c01d2"}"#;
        assert_eq!(
            id(&exchange(&[], Some(reference))),
            pair("req_7f3a9c01d2", "body request_id")
        );
        let graph = r#"{"error":{"code":"InvalidAuthenticationToken","message":"x","innerError":{"date":"2024-03-08T14:23:45","request-id":"0d0d4b5c-1111-2222-3333-444455556666"}}}"#;
        assert_eq!(
            id(&exchange(&[], Some(graph))),
            pair(
                "0d0d4b5c-1111-2222-3333-444455556666",
                "body error.innerError.request-id"
            )
        );
        let grafana = r#"{"message":"Invalid API key","messageId":"api-key.invalid","traceID":"00000000000000000000000000000000"}"#;
        assert_eq!(id(&exchange(&[], Some(grafana))).unwrap().1, "body traceID");
        let okta = r#"{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorId":"oaeXYZ123"}"#;
        assert_eq!(
            id(&exchange(&[], Some(okta))),
            pair("oaeXYZ123", "body errorId")
        );
        let entra = r#"{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired.\r\nTrace ID: 2a5c1f6e-0000-4a1b-9c3d-7e8f9a0b1c2d\r\nCorrelation ID: x"}"#;
        assert_eq!(
            id(&exchange(&[], Some(entra))),
            pair(
                "2a5c1f6e-0000-4a1b-9c3d-7e8f9a0b1c2d",
                "body error_description Trace ID"
            )
        );
    }

    #[test]
    fn headers_before_body_then_client_ids() {
        let e = exchange(
            &[("x-request-id", "from-header")],
            Some(r#"{"request_id":"from-body"}"#),
        );
        assert_eq!(id(&e).unwrap().0, "from-header");
        let mut client = exchange(&[], Some("not json"));
        client.request.headers.push("X-Correlation-ID", "client-42");
        assert_eq!(id(&client), pair("client-42", "header x-correlation-id"));
        assert_eq!(id(&exchange(&[], None)), None);
    }

    #[test]
    fn ids_may_start_with_any_printable_id_character() {
        for value in ["+abc123", "@abc123", "=abc123", "-abc123"] {
            let found = id(&exchange(&[("x-request-id", value)], None));
            assert_eq!(found.map(|(v, _)| v).as_deref(), Some(value));
        }
    }

    #[test]
    fn unsafe_values_are_ignored() {
        assert_eq!(
            id(&exchange(&[("x-request-id", "a b\u{1b}[31m")], None)),
            None
        );
        assert_eq!(
            id(&exchange(&[("x-request-id", &"a".repeat(200))], None)),
            None
        );
    }
}
