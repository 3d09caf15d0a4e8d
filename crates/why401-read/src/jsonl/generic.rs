//! Records no known producer claims: nginx `log_format ... escape=json` lines (whose fields
//! the administrator names), application logs with a status field, and JSON error bodies
//! pasted into tickets (`{"status":401,...}`, `{"error":{"code":401,...}}`,
//! `{"errors":[{"status":"401",...}]}`), which are the response body themselves.

use super::draft::{Draft, compose_url, split_request_line, status_at, status_of};
use super::record::Found;
use super::value::{Obj, Val};

/// Where a status may be, most specific first. A top-level `code` counts only in a record
/// shaped like an error body (see [`body_code`]).
const STATUS_PATHS: &[&str] = &[
    "status",
    "status_code",
    "statusCode",
    "http_status",
    "httpStatus",
    "http_status_code",
    "httpStatusCode",
    "response_status",
    "responseStatus",
    "response_code",
    "responseCode",
    "StatusCode",
    "Status",
    "http.status_code",
    "http.response.status_code",
    "error.code",
    "error.status",
    "error.statusCode",
    "error.status_code",
    "err.status",
    "err.statusCode",
    "err.response.status",
    "error.response.status",
];

pub const TIME_KEYS: &[&str] = &[
    "timestamp",
    "time",
    "@timestamp",
    "ts",
    "time_iso8601",
    "time_local",
    "msec",
    "date",
    "datetime",
    "start_time",
    "startTime",
    "requestTime",
    "created_at",
    "logged_at",
    "eventTime",
];

const METHOD_KEYS: &[&str] = &[
    "method",
    "request_method",
    "http_method",
    "requestMethod",
    "verb",
    "http.method",
    "http.request.method",
];

const TARGET_KEYS: &[&str] = &[
    "url",
    "uri",
    "request_uri",
    "requestUri",
    "request_url",
    "requestUrl",
    "path",
    "request_path",
    "requestPath",
    "endpoint",
    "target",
];

const HOST_KEYS: &[&str] = &[
    "host",
    "http_host",
    "server_name",
    "authority",
    ":authority",
    "domain",
    "vhost",
    "request_host",
];

const SCHEME_KEYS: &[&str] = &[
    "scheme",
    "request_scheme",
    "x_forwarded_proto",
    "http_x_forwarded_proto",
];

const MESSAGE_KEYS: &[&str] = &[
    "error",
    "err",
    "error_description",
    "error_message",
    "errorMessage",
    "message",
    "msg",
    "detail",
    "title",
    "reason",
    "fault.faultstring",
];

/// Keys a logger adds to its lines; an error body has none of them.
const LOG_KEYS: &[&str] = &[
    "level",
    "severity",
    "logger",
    "log.level",
    "lvl",
    "@timestamp",
    "ts",
    "msg",
];

pub fn map(obj: &Obj, text: &str) -> Found {
    let Some(status) = find_status(obj) else {
        return Found::Nothing;
    };
    let mut draft = Draft::new(status);
    draft.time_from(TIME_KEYS.iter().map(|k| obj.get(k)));
    read_request(obj, &mut draft);
    read_headers(obj, &mut draft);
    read_messages(obj, &mut draft);
    if draft.method.is_empty() && !LOG_KEYS.iter().any(|k| obj.has(k)) {
        draft.body = Some(text.trim().to_owned());
    }
    Found::One(draft)
}

fn find_status(obj: &Obj) -> Option<u16> {
    status_at(obj, STATUS_PATHS)
        .or_else(|| first_error(obj).and_then(|e| status_at(&e, &["status", "code"])))
        .or_else(|| body_code(obj))
}

/// `{"error":"authentication_failed","code":401}`, a Kubernetes `Status` body: a top-level
/// `code` with the error text beside it.
fn body_code(obj: &Obj) -> Option<u16> {
    let has_text = ["error", "message", "reason", "error_description", "detail"]
        .iter()
        .any(|k| obj.has(k));
    if !has_text {
        return None;
    }
    obj.get("code").and_then(|v| match v {
        Val::Num(_) => status_of(&v),
        _ => None,
    })
}

/// The first element of a JSON:API `errors` list.
fn first_error<'a>(obj: &Obj<'a>) -> Option<Obj<'a>> {
    obj.get("errors")?.as_arr()?.first()?.as_obj()
}

/// Method, URL and version: named fields, or nginx's whole `$request` line.
pub fn read_request(obj: &Obj, draft: &mut Draft) {
    let text = |keys: &[&str]| keys.iter().find_map(|k| obj.path(k)?.text());
    let request_line = obj.text("request");
    let parts = request_line.as_deref().and_then(split_request_line);
    draft.method = text(METHOD_KEYS)
        .map(|m| m.into_owned())
        .or_else(|| parts.map(|(m, _, _)| m.to_owned()))
        .unwrap_or_default();
    let target = text(TARGET_KEYS)
        .map(|t| t.into_owned())
        .or_else(|| parts.map(|(_, t, _)| t.to_owned()))
        .unwrap_or_default();
    let protocol = text(&["server_protocol", "protocol", "http_version"]);
    let scheme = text(SCHEME_KEYS).or_else(|| {
        protocol
            .clone()
            .filter(|p| p.eq_ignore_ascii_case("http") || p.eq_ignore_ascii_case("https"))
    });
    draft.url = compose_url(scheme.as_deref(), text(HOST_KEYS).as_deref(), &target);
    draft.http_version = protocol
        .filter(|p| p.starts_with("HTTP/"))
        .map(|p| p.into_owned())
        .or_else(|| parts.map(|(_, _, v)| v.to_owned()))
        .unwrap_or_default();
}

fn read_headers(obj: &Obj, draft: &mut Draft) {
    draft.request_collection(obj.first(&["request_headers", "requestHeaders", "req_headers"]));
    draft.response_collection(obj.first(&[
        "response_headers",
        "responseHeaders",
        "resp_headers",
        "res_headers",
    ]));
    if let Some(headers) = obj.get("headers") {
        if holds_response_headers(&headers) {
            draft.response_collection(Some(headers));
        } else {
            draft.request_collection(Some(headers));
        }
    }
    draft.flat_header_fields(obj);
}

/// A bare `headers` map is the response's when it has response headers and no request
/// headers.
fn holds_response_headers(headers: &Val) -> bool {
    let Some(map) = headers.as_obj() else {
        return false;
    };
    let has = |names: &[&str]| {
        map.iter()
            .any(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
    };
    has(&[
        "www-authenticate",
        "set-cookie",
        "server",
        "location",
        "retry-after",
    ]) && !has(&["authorization", "user-agent", "host", "accept", "cookie"])
}

fn read_messages(obj: &Obj, draft: &mut Draft) {
    for key in MESSAGE_KEYS {
        draft.message_from(key, obj.path(key));
    }
    if let Some(error) = first_error(obj) {
        for key in ["title", "detail", "message"] {
            if let Some(text) = error.text(key) {
                draft.message(&format!("errors[0].{key}"), &text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::testing::{challenge, messages, one};

    #[test]
    fn nginx_escape_json() {
        let line = r#"{"time":"2025-06-02T10:00:00+00:00","remote_addr":"203.0.113.7","request":"GET /v2/devices?limit=5 HTTP/1.1","status":401,"host":"api.example.com","scheme":"https","http_authorization":"Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln","http_user_agent":"curl/8.5.0","sent_http_www_authenticate":"Bearer realm=\"api\", error=\"invalid_token\"","request_time":0.002}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "GET");
        assert_eq!(ex.request.url, "https://api.example.com/v2/devices?limit=5");
        assert_eq!(ex.request.http_version, "HTTP/1.1");
        assert_eq!(
            ex.request.headers.get("authorization"),
            Some("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
        );
        assert_eq!(ex.request.headers.get("user-agent"), Some("curl/8.5.0"));
        assert_eq!(
            challenge(&ex),
            Some("Bearer realm=\"api\", error=\"invalid_token\"")
        );
        assert!(ex.request.headers_recorded && ex.request.credential_recorded);
        assert!(ex.server_messages.is_empty());
        assert!(ex.response.unwrap().body.is_none());
    }

    #[test]
    fn nginx_quoted_status_and_empty_authorization() {
        let line = r#"{"time_local":"02/Jun/2025:10:00:00 +0000","request_method":"GET","request_uri":"/v2/devices","status":"401","http_authorization":"","sent_http_www_authenticate":"Bearer realm=\"api\""}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.url, "/v2/devices");
        assert!(ex.request.headers.get("authorization").is_none());
        assert!(
            ex.request.credential_recorded,
            "an empty field says none was sent"
        );
        assert!(ex.server_time.is_some());
    }

    #[test]
    fn nginx_without_authorization_field_says_nothing() {
        let line =
            r#"{"request":"GET /v2/devices HTTP/1.1","status":401,"http_user_agent":"curl/8.5.0"}"#;
        let ex = one(line);
        assert!(ex.request.headers_recorded);
        assert!(!ex.request.credential_recorded);
    }

    #[test]
    fn generic_application_log() {
        let line = r#"{"level":"warn","timestamp":"2025-06-02T10:00:00.5Z","method":"PUT","path":"/v2/policies/7","statusCode":401,"headers":{"authorization":"<redacted>","user-agent":"okhttp/4.12.0"},"error":"invalid_token","msg":"token rejected: signature verification failed"}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "PUT");
        assert_eq!(ex.request.url, "/v2/policies/7");
        assert_eq!(ex.request.headers.get("authorization"), Some("<redacted>"));
        assert!(ex.request.headers_recorded && ex.request.credential_recorded);
        assert!(challenge(&ex).is_none());
        assert_eq!(
            messages(&ex),
            vec![
                "error: invalid_token",
                "msg: token rejected: signature verification failed"
            ]
        );
        assert!(
            ex.response.unwrap().body.is_none(),
            "a log line is not a body"
        );
    }

    #[test]
    fn pasted_error_bodies() {
        let spring = r#"{"timestamp":"2024-03-08T14:23:45.123+00:00","status":401,"error":"Unauthorized","message":"Full authentication is required to access this resource","path":"/v2/devices"}"#;
        let ex = one(spring);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.url, "/v2/devices");
        assert!(!ex.request.headers_recorded && !ex.request.credential_recorded);
        assert_eq!(
            ex.response.as_ref().unwrap().body.as_ref().unwrap().text,
            spring
        );
        assert_eq!(
            messages(&ex),
            vec![
                "error: Unauthorized",
                "message: Full authentication is required to access this resource"
            ]
        );
        let google = r#"{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}"#;
        let ex = one(google);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(
            messages(&ex),
            vec!["error.message: Request had invalid authentication credentials."]
        );
        let jsonapi =
            r#"{"errors":[{"status":"401","title":"Unauthorized","detail":"Token has expired"}]}"#;
        assert_eq!(one(jsonapi).status(), Some(401));
        let k8s = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#;
        assert_eq!(one(k8s).status(), Some(401));
        let platform = r#"{"error": "authentication_failed", "code": 401}"#;
        assert_eq!(one(platform).status(), Some(401));
    }
}
