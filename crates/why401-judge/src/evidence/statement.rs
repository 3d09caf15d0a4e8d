//! What the server said about a 401, as statements with the field each came from: the
//! challenge's `error`/`error_description`, OAuth and common API error bodies (`message`,
//! `error.message`, `detail`, `title`, `errors[].message`...), plain-text and XML bodies, a few
//! error headers, and the messages a log recorded (`Exchange::server_messages`). The provider
//! table (`why401_model::providers`) reads these.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::challenge::Challenge;
use why401_model::exchange::Exchange;

/// Where a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A `WWW-Authenticate` parameter.
    Challenge,
    /// The response body.
    Body,
    /// A response header that carries an error (`X-Seraph-LoginReason`, `x-amzn-ErrorType`).
    Header,
    /// A message the server or gateway logged with the exchange.
    Log,
}

/// One thing the server said, with its field name (`error_description`, `error.message`,
/// `errors[0].message`, `body`, `response_code_details`...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub source: Source,
    pub field: String,
    pub text: String,
}

impl Statement {
    fn new(source: Source, field: impl Into<String>, text: impl Into<String>) -> Statement {
        Statement {
            source,
            field: field.into(),
            text: text.into(),
        }
    }

    /// Where it was said, for evidence: `WWW-Authenticate error_description`, `body
    /// error.message`, `header X-Seraph-LoginReason`, `log response_code_details`.
    pub fn place(&self) -> String {
        let prefix = match self.source {
            Source::Challenge => "WWW-Authenticate",
            Source::Body => "body",
            Source::Header => "header",
            Source::Log => "log",
        };
        if self.source == Source::Body && self.field == "body" {
            "body".into()
        } else if self.source == Source::Log && self.field == "log" {
            // A whole log line joined to the response it explains, not a field of a record.
            "log line".into()
        } else {
            format!("{prefix} {}", self.field)
        }
    }
}

/// At most this many characters of one statement are kept.
const MAX_TEXT: usize = 2000;

/// Every statement of an exchange, in order: challenges, headers, body, log.
pub fn gather(exchange: &Exchange, challenges: &[Challenge]) -> Vec<Statement> {
    let mut out = Vec::new();
    for challenge in challenges {
        for name in ["error", "error_description"] {
            if let Some(text) = challenge.param(name).filter(|t| !t.trim().is_empty()) {
                out.push(Statement::new(Source::Challenge, name, clip(text)));
            }
        }
    }
    if let Some(response) = &exchange.response {
        for header in response.headers.iter() {
            if STATEMENT_HEADERS.contains(&header.name.to_ascii_lowercase().as_str()) {
                out.push(Statement::new(
                    Source::Header,
                    header.name.clone(),
                    clip(&header.value),
                ));
            }
        }
        if let Some(body) = &response.body {
            out.extend(from_body(&body.text));
        }
    }
    for message in &exchange.server_messages {
        out.push(Statement::new(
            Source::Log,
            message.field.clone(),
            clip(&message.text),
        ));
    }
    out
}

/// Response headers that state an error.
const STATEMENT_HEADERS: &[&str] = &[
    "x-seraph-loginreason",
    "x-amzn-errortype",
    "x-ms-error-code",
    "x-error-code",
    "x-error-message",
    "x-error",
];

/// Statements of a response body: JSON error fields, XML `<Code>`/`<Message>`, an HTML
/// `<title>`, or a short plain-text body as a whole.
pub fn from_body(text: &str) -> Vec<Statement> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return match serde_json::from_str::<Value>(trimmed) {
            Ok(doc) => from_json(&doc),
            Err(_) => Vec::new(),
        };
    }
    if trimmed.starts_with('<') {
        return from_markup(trimmed);
    }
    if trimmed.len() <= MAX_TEXT {
        return vec![Statement::new(Source::Body, "body", trimmed)];
    }
    Vec::new()
}

/// Top-level fields that hold error text or codes.
const TOP_FIELDS: &[&str] = &[
    "error",
    "error_description",
    "error_code",
    "errorCode",
    "errorSummary",
    "message",
    "Message",
    "msg",
    "detail",
    "title",
    "description",
    "error_message",
    "errorMessage",
    "reason",
    "status",
    "code",
    "messageId",
    "__type",
    "exp",
];

/// Fields of a nested `error` object, `errors[]` elements and Apigee's `fault`.
const NESTED_FIELDS: &[&str] = &[
    "message",
    "code",
    "status",
    "detail",
    "description",
    "reason",
    "faultstring",
];

fn from_json(doc: &Value) -> Vec<Statement> {
    let mut out = Vec::new();
    if let Some(map) = doc.as_object() {
        from_object(&mut out, "", map, 0);
    }
    out
}

/// Keys under which SDKs and API wrappers keep the upstream server's own answer:
/// axios' `response.data`, a gateway's `body`, a wrapper's `responseBody`.
const WRAPPER_FIELDS: &[&str] = &["data", "body", "response", "responseBody", "response_body"];

/// How deep wrapped answers are unwrapped: an SDK's error around a gateway's error around
/// the server's is the deepest seen in pastes.
const MAX_WRAPPING: usize = 2;

/// The statements of one JSON object; `prefix` names where it sits in the whole body.
fn from_object(
    out: &mut Vec<Statement>,
    prefix: &str,
    map: &serde_json::Map<String, Value>,
    depth: usize,
) {
    let can_unwrap = depth < MAX_WRAPPING;
    for name in TOP_FIELDS {
        match map.get(*name) {
            Some(Value::String(s)) => match can_unwrap.then(|| wrapped_object(s)).flatten() {
                Some(inner) => from_object(out, &format!("{prefix}{name}."), &inner, depth + 1),
                None if !s.trim().is_empty() => out.push(Statement::new(
                    Source::Body,
                    format!("{prefix}{name}"),
                    clip(s),
                )),
                None => {}
            },
            Some(Value::Object(inner)) => nested(out, &format!("{prefix}{name}"), inner),
            _ => {}
        }
    }
    from_lists(out, prefix, map);
    if !can_unwrap {
        return;
    }
    for name in WRAPPER_FIELDS {
        let deeper = format!("{prefix}{name}.");
        match map.get(*name) {
            Some(Value::Object(inner)) => from_object(out, &deeper, inner, depth + 1),
            Some(Value::String(s)) => {
                if let Some(inner) = wrapped_object(s) {
                    from_object(out, &deeper, &inner, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// A string field that holds a whole JSON object: SDKs that quote the server's body
/// (`"message": "{\"error\": \"invalid_grant\"}"`).
fn wrapped_object(text: &str) -> Option<serde_json::Map<String, Value>> {
    let trimmed = text.trim();
    if !trimmed.starts_with('{') {
        return None;
    }
    match serde_json::from_str::<Value>(trimmed) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// Apigee's `fault`, `errors[]`/`errorMessages[]` lists and Entra ID's `error_codes`.
fn from_lists(out: &mut Vec<Statement>, prefix: &str, map: &serde_json::Map<String, Value>) {
    if let Some(Value::Object(fault)) = map.get("fault") {
        nested(out, &format!("{prefix}fault"), fault);
        if let Some(Value::Object(detail)) = fault.get("detail")
            && let Some(Value::String(code)) = detail.get("errorcode")
        {
            out.push(Statement::new(
                Source::Body,
                format!("{prefix}fault.detail.errorcode"),
                clip(code),
            ));
        }
    }
    for list in ["errors", "errorMessages"] {
        if let Some(Value::Array(items)) = map.get(list) {
            for (i, item) in items.iter().enumerate().take(10) {
                match item {
                    Value::String(s) => out.push(Statement::new(
                        Source::Body,
                        format!("{prefix}{list}[{i}]"),
                        clip(s),
                    )),
                    Value::Object(inner) => nested(out, &format!("{prefix}{list}[{i}]"), inner),
                    _ => {}
                }
            }
        }
    }
    // Entra ID: `"error_codes": [700082]`.
    if let Some(Value::Array(codes)) = map.get("error_codes") {
        let joined: Vec<String> = codes.iter().map(Value::to_string).collect();
        if !joined.is_empty() {
            out.push(Statement::new(
                Source::Body,
                format!("{prefix}error_codes"),
                joined.join(" "),
            ));
        }
    }
}

fn nested(out: &mut Vec<Statement>, prefix: &str, inner: &serde_json::Map<String, Value>) {
    for name in NESTED_FIELDS {
        if let Some(Value::String(s)) = inner.get(*name)
            && !s.trim().is_empty()
        {
            out.push(Statement::new(
                Source::Body,
                format!("{prefix}.{name}"),
                clip(s),
            ));
        }
    }
}

static XML_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<(Code|Message|title)>\s*([^<]{1,2000}?)\s*</").expect("a literal pattern") // ok: a literal pattern that compiles
});

/// `<Error><Code>ExpiredToken</Code><Message>...</Message>` (AWS XML) and an HTML `<title>`.
fn from_markup(text: &str) -> Vec<Statement> {
    XML_FIELD
        .captures_iter(text)
        .take(4)
        .map(|c| {
            let field = if c[1].eq_ignore_ascii_case("title") {
                "title".to_owned()
            } else {
                format!("Error.{}", &c[1])
            };
            Statement::new(Source::Body, field, clip(&c[2]))
        })
        .collect()
}

fn clip(text: &str) -> String {
    why401_redact::clip(text.trim(), MAX_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use why401_model::exchange::{Body, Request, Response, ServerMessage};

    fn fields(body: &str) -> Vec<(String, String)> {
        from_body(body)
            .into_iter()
            .map(|s| (s.field, s.text))
            .collect()
    }

    fn pair(field: &str, text: &str) -> (String, String) {
        (field.to_owned(), text.to_owned())
    }

    #[test]
    fn oauth_and_reference_api_bodies() {
        let got = fields(
            r#"{"error": "unauthorized", "error_description": "The access token is invalid or has expired", "error_code": "E-AUTH-001", "timestamp": "2024-03-08T14:23:45Z", "request_id": "req_7f3a9c01d2"}"#,
        );
        assert_eq!(
            got,
            [
                pair("error", "unauthorized"),
                pair(
                    "error_description",
                    "The access token is invalid or has expired"
                ),
                pair("error_code", "E-AUTH-001"),
            ]
        );
    }

    #[test]
    fn nested_error_objects() {
        let graph = fields(
            r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid.","innerError":{"request-id":"x"}}}"#,
        );
        assert_eq!(
            graph,
            [
                pair(
                    "error.message",
                    "Access token has expired or is not yet valid."
                ),
                pair("error.code", "InvalidAuthenticationToken"),
            ]
        );
        let google = fields(
            r#"{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}"#,
        );
        assert!(google.contains(&pair("error.status", "UNAUTHENTICATED")));
        let docker = fields(
            r#"{"errors":[{"code":"UNAUTHORIZED","message":"access to the requested resource is not authorized","detail":[]}]}"#,
        );
        assert!(docker.contains(&pair("errors[0].code", "UNAUTHORIZED")));
        let vault = fields(r#"{"errors":["permission denied"]}"#);
        assert_eq!(vault, [pair("errors[0]", "permission denied")]);
        let apigee = fields(
            r#"{"fault":{"faultstring":"Invalid access token","detail":{"errorcode":"oauth.v2.InvalidAccessToken"}}}"#,
        );
        assert_eq!(
            apigee,
            [
                pair("fault.faultstring", "Invalid access token"),
                pair("fault.detail.errorcode", "oauth.v2.InvalidAccessToken"),
            ]
        );
    }

    #[test]
    fn answers_wrapped_by_sdks_are_unwrapped() {
        let quoted = fields(
            r#"{"success":false,"status_code":401,"message":"{\n \"error\": \"invalid_grant\",\n \"error_description\": \"Bad Request\"\n}","data":[]}"#,
        );
        assert_eq!(
            quoted,
            [
                pair("message.error", "invalid_grant"),
                pair("message.error_description", "Bad Request"),
            ]
        );
        let axios = fields(
            r#"{"message":"Request failed with status code 401","response":{"status":401,"data":{"error":"invalid_token","error_description":"Token expired"}}}"#,
        );
        assert!(axios.contains(&pair("message", "Request failed with status code 401")));
        assert!(axios.contains(&pair("response.data.error", "invalid_token")));
        assert!(axios.contains(&pair("response.data.error_description", "Token expired")));
        // A wrapper never goes deeper than the limit, and a string that only looks like JSON
        // stays a statement.
        let deep = fields(r#"{"data":{"data":{"data":{"error":"x"}}}}"#);
        assert!(deep.is_empty(), "{deep:?}");
        let broken = fields(r#"{"message":"{not json"}"#);
        assert_eq!(broken, [pair("message", "{not json")]);
    }

    #[test]
    fn okta_aws_kong_entra_github() {
        let okta = fields(
            r#"{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae1","errorCauses":[]}"#,
        );
        assert_eq!(
            okta,
            [
                pair("errorCode", "E0000011"),
                pair("errorSummary", "Invalid token provided")
            ]
        );
        assert_eq!(
            fields(r#"{"message":"The incoming token has expired"}"#),
            [pair("message", "The incoming token has expired")]
        );
        assert_eq!(
            fields(r#"{"exp":"token expired"}"#),
            [pair("exp", "token expired")]
        );
        let entra = fields(
            r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"#,
        );
        assert!(entra.contains(&pair("error_codes", "7000215")));
        let github = fields(
            r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}"#,
        );
        assert_eq!(
            github,
            [pair("message", "Bad credentials"), pair("status", "401")]
        );
    }

    #[test]
    fn text_xml_and_html_bodies() {
        assert_eq!(fields("Jwt is expired"), [pair("body", "Jwt is expired")]);
        let s3 = fields(
            "<?xml version=\"1.0\"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>",
        );
        assert_eq!(
            s3,
            [
                pair("Error.Code", "ExpiredToken"),
                pair("Error.Message", "The provided token has expired.")
            ]
        );
        let html = fields("<html><head><title>401 Authorization Required</title></head></html>");
        assert_eq!(html, [pair("title", "401 Authorization Required")]);
        assert!(fields("{not json").is_empty());
        assert!(fields(&"x".repeat(MAX_TEXT + 1)).is_empty());
    }

    #[test]
    fn gather_orders_challenge_header_body_log() {
        let mut exchange = Exchange::new(
            why401_model::exchange::Location::Line(1),
            Request::recorded("GET", "https://api.example.com/v2/devices"),
        );
        let mut response = Response::new(401);
        response
            .headers
            .push("X-Seraph-LoginReason", "AUTHENTICATED_FAILED");
        response.body = Some(Body::from_text(r#"{"message":"Unauthorized"}"#));
        exchange.response = Some(response);
        exchange.server_messages.push(ServerMessage {
            field: "response_code_details".into(),
            text: "jwt_authn_access_denied{Jwt_is_expired}".into(),
        });
        exchange.server_messages.push(ServerMessage {
            field: "log".into(),
            text: "token verification failed: token is expired".into(),
        });
        let challenges = super::super::challenge::parse(
            r#"Bearer error="invalid_token", error_description="Jwt is expired""#,
        );
        let got: Vec<String> = gather(&exchange, &challenges)
            .iter()
            .map(Statement::place)
            .collect();
        assert_eq!(
            got,
            [
                "WWW-Authenticate error",
                "WWW-Authenticate error_description",
                "header X-Seraph-LoginReason",
                "body message",
                "log response_code_details",
                "log line"
            ]
        );
    }
}
