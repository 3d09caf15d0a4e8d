//! Records that hold the request and the response as objects: Kong's `file-log`/`http-log`
//! (`request`/`response`, lowercase header names, `authorization: "REDACTED"`), pino-http and
//! bunyan (`req`/`res`), and loggers shaped like them.

use super::draft::{Draft, compose_url, is_warning_or_worse, status_at, status_of};
use super::record::Found;
use super::value::{Obj, Val};

pub fn matches(obj: &Obj) -> bool {
    (obj.has_obj("request") && obj.has_obj("response")) || obj.has_obj("req") || obj.has_obj("res")
}

const STATUS_KEYS: &[&str] = &["status", "statusCode", "status_code", "code"];
const TOP_STATUS_KEYS: &[&str] = &["status", "statusCode", "status_code"];

pub fn map(obj: &Obj) -> Found {
    let request = obj.obj("request").or_else(|| obj.obj("req"));
    let response = obj.obj("response").or_else(|| obj.obj("res"));
    let status = response
        .as_ref()
        .and_then(|r| status_at(r, STATUS_KEYS).or_else(|| header_block_status(r)))
        .or_else(|| status_at(obj, TOP_STATUS_KEYS));
    let Some(status) = status else {
        return Found::Nothing;
    };
    let mut draft = Draft::new(status);
    draft.time_from([
        obj.get("started_at"),
        obj.get("time"),
        obj.get("timestamp"),
        obj.get("@timestamp"),
        obj.get("ts"),
    ]);
    if let Some(request) = &request {
        read_request(request, &mut draft);
    }
    if let Some(response) = &response {
        draft.response_collection(response.first(&["headers", "header"]));
    }
    read_messages(obj, &mut draft);
    Found::One(draft)
}

fn read_request(request: &Obj, draft: &mut Draft) {
    draft.method = request
        .first(&["method", "verb"])
        .and_then(|v| v.text())
        .unwrap_or_default()
        .into_owned();
    draft.request_collection(request.first(&["headers", "header"]));
    let target = request
        .first(&["url", "originalUrl", "uri", "path"])
        .and_then(|v| v.text())
        .unwrap_or_default();
    let host = request
        .first(&["host", "hostname"])
        .and_then(|v| v.text())
        .or_else(|| {
            draft
                .request_headers
                .get("host")
                .map(|h| h.to_owned().into())
        });
    let scheme = request
        .first(&["scheme", "protocol"])
        .and_then(|v| v.text());
    let scheme = scheme.or_else(|| request.has("tls").then_some("https".into()));
    draft.url = compose_url(scheme.as_deref(), host.as_deref(), &target);
    if let Some(version) = request.first(&["httpVersion", "http_version"]) {
        draft.http_version = version.text().unwrap_or_default().into_owned();
    }
}

/// bunyan's `res.header` is the raw header block: its status line has the status.
fn header_block_status(response: &Obj) -> Option<u16> {
    let Some(Val::Str(block)) = response.get("header") else {
        return None;
    };
    let line = block.lines().next()?;
    if !line.starts_with("HTTP/") {
        return None;
    }
    let code = line.split_whitespace().nth(1)?;
    status_of(&Val::Str(code.into()))
}

fn read_messages(obj: &Obj, draft: &mut Draft) {
    draft.message_from("err", obj.get("err"));
    draft.message_from("error", obj.get("error"));
    // pino-http's and bunyan's fixed messages say nothing about the failure.
    if is_warning_or_worse(obj.get("level"))
        && let Some(msg) = obj.text("msg")
        && !matches!(msg.as_ref(), "request completed" | "request errored")
    {
        draft.message("msg", &msg);
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::testing::{challenge, messages, one};

    #[test]
    fn kong_file_log() {
        let line = r#"{"request":{"uri":"/v2/devices","url":"https://api.example.com:8443/v2/devices?limit=5","querystring":{"limit":"5"},"method":"GET","headers":{"host":"api.example.com","authorization":"REDACTED","user-agent":"curl/8.5.0"},"size":112},"response":{"status":401,"headers":{"www-authenticate":"Bearer realm=\"kong\", error=\"invalid_token\"","content-type":"application/json; charset=utf-8"},"size":210},"upstream_uri":"/v2/devices","latencies":{"kong":2,"proxy":-1,"request":2},"started_at":1717322400123,"client_ip":"10.0.0.5","tries":[],"service":{"name":"devices"},"route":{"name":"devices"}}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "GET");
        assert_eq!(
            ex.request.url,
            "https://api.example.com:8443/v2/devices?limit=5"
        );
        assert_eq!(ex.request.headers.get("Authorization"), Some("REDACTED"));
        assert_eq!(
            challenge(&ex),
            Some("Bearer realm=\"kong\", error=\"invalid_token\"")
        );
        assert!(ex.request.headers_recorded && ex.request.credential_recorded);
        assert!(ex.server_messages.is_empty());
        assert_eq!(
            why401_model::time::format_millis(&ex.server_time.unwrap().at),
            "2024-06-02T10:00:00.123Z"
        );
    }

    #[test]
    fn pino_http() {
        let line = r#"{"level":40,"time":1717322400123,"pid":7,"hostname":"api-7d9","req":{"id":42,"method":"POST","url":"/v2/devices/17/actions","query":{},"headers":{"host":"api.example.com","user-agent":"node-fetch","content-type":"application/json"},"remoteAddress":"::1"},"res":{"statusCode":401,"headers":{"www-authenticate":"Bearer realm=\"Example API\"","content-type":"application/json"}},"err":{"type":"UnauthorizedError","message":"jwt expired","stack":"UnauthorizedError: jwt expired\n    at ..."},"responseTime":4,"msg":"request completed"}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "POST");
        assert_eq!(
            ex.request.url,
            "https://api.example.com/v2/devices/17/actions"
        );
        assert!(ex.request.headers.get("authorization").is_none());
        assert!(ex.request.credential_recorded, "pino logs every header");
        assert_eq!(challenge(&ex), Some("Bearer realm=\"Example API\""));
        assert_eq!(messages(&ex), vec!["err.message: jwt expired"]);
    }

    #[test]
    fn pino_redacted_and_bunyan_header_block() {
        let line = r#"{"name":"api","hostname":"h","pid":1,"level":30,"req":{"method":"GET","url":"/v2/policies","headers":{"host":"api.example.com","authorization":"[Redacted]"}},"res":{"header":"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\"\r\n\r\n"},"msg":"done","time":"2025-06-02T10:00:00.000Z","v":0}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.headers.get("authorization"), Some("[Redacted]"));
        assert_eq!(challenge(&ex), Some("Bearer error=\"invalid_token\""));
        assert!(ex.server_messages.is_empty());
    }
}
