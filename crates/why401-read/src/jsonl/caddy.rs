//! Caddy's access log (`http.log.access*` loggers) and error logger. Headers are Go maps of
//! lists with canonical names (`Www-Authenticate`); credentials are logged as
//! `["REDACTED"]` unless the server logs them. Only access-logger lines are exchanges: the
//! error logger repeats a status the access logger writes too.

use std::collections::VecDeque;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::draft::{Draft, compose_url, status_of};
use super::record::{CaddyKey, Found};
use super::value::Obj;

/// How many Caddy error-logger lines wait for their access-logger line.
const CADDY_PENDING: usize = 64;

/// Caddy's error-logger lines waiting for the access-logger line of the same request, whose
/// exchange takes the error's message.
#[derive(Debug, Default)]
pub struct CaddyPairing {
    waiting: VecDeque<(CaddyKey, String)>,
}

impl CaddyPairing {
    /// Keeps an error line's message (the oldest is dropped past [`CADDY_PENDING`]).
    pub fn hold(&mut self, key: CaddyKey, message: String) {
        self.waiting.push_back((key, message));
        if self.waiting.len() > CADDY_PENDING {
            self.waiting.pop_front();
        }
    }

    /// The message of the latest error line of the request `key`, taken.
    pub fn take(&mut self, key: &CaddyKey) -> Option<String> {
        let at = self.waiting.iter().rposition(|(k, _)| k == key)?;
        self.waiting.remove(at).map(|(_, message)| message)
    }
}

/// A Caddy HTTP logger line (`logger: "http.log.access.log0"`, `"http.log.error"`,
/// `"http.handlers.reverse_proxy"`), or an access record without a logger name.
pub fn matches(obj: &Obj) -> bool {
    obj.text("logger").is_some_and(|l| l.starts_with("http."))
        || (obj.has("resp_headers") && obj.has_obj("request"))
}

pub fn map(obj: &Obj) -> Found {
    let logger = obj.text("logger").unwrap_or_default();
    let request = obj.obj("request");
    let key = request.as_ref().map(key_of);
    if logger.starts_with("http.log.error") {
        return match (key, obj.text("msg")) {
            (Some(key), Some(msg)) => Found::CaddyError(key, msg.into_owned()),
            _ => Found::Nothing,
        };
    }
    if !logger.is_empty() && !logger.starts_with("http.log.access") {
        return Found::Nothing;
    }
    let Some(status) = obj.get("status").as_ref().and_then(status_of) else {
        return Found::Nothing;
    };
    let mut draft = Draft::new(status);
    draft.time_from([obj.get("ts")]);
    if let Some(request) = &request {
        read_request(request, &mut draft);
    }
    if draft.needs_response_headers() {
        draft.response_collection(obj.get("resp_headers"));
    }
    Found::CaddyAccess(draft, key)
}

fn read_request(request: &Obj, draft: &mut Draft) {
    draft.method = request.text("method").unwrap_or_default().into_owned();
    draft.http_version = request.text("proto").unwrap_or_default().into_owned();
    let scheme = if request.has("tls") { "https" } else { "http" };
    let host = request.text("host");
    let uri = request.text("uri").unwrap_or_default();
    draft.url = compose_url(Some(scheme), host.as_deref(), &uri);
    draft.request_collection_light(request.get("headers"));
}

/// The client's address and port with the request line: the same in both loggers.
fn key_of(request: &Obj) -> CaddyKey {
    let mut hasher = DefaultHasher::new();
    for key in ["remote_ip", "remote_port", "method", "uri"] {
        request.text(key).unwrap_or_default().hash(&mut hasher);
    }
    CaddyKey(hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::super::draft::INERT_REQUEST_HEADERS;
    use super::super::record::Item;
    use super::super::record::testing::{challenge, items, one};

    const ACCESS: &str = r#"{"level":"error","ts":1717322400.123,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"10.0.0.5","remote_port":"51544","client_ip":"10.0.0.5","proto":"HTTP/2.0","method":"GET","host":"api.example.com","uri":"/v2/devices?limit=5","headers":{"Authorization":["REDACTED"],"User-Agent":["curl/8.5.0"]},"tls":{"resumed":false,"version":772}},"bytes_read":0,"user_id":"","duration":0.0021,"size":0,"status":401,"resp_headers":{"Www-Authenticate":["Bearer error=\"invalid_token\""],"Server":["Caddy"]}}"#;

    #[test]
    fn access_line_is_an_exchange() {
        let ex = one(ACCESS);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "GET");
        assert_eq!(ex.request.url, "https://api.example.com/v2/devices?limit=5");
        assert_eq!(ex.request.http_version, "HTTP/2.0");
        assert_eq!(ex.request.headers.get("authorization"), Some("REDACTED"));
        assert_eq!(challenge(&ex), Some("Bearer error=\"invalid_token\""));
        assert!(ex.request.headers_recorded && ex.request.credential_recorded);
        assert!(ex.server_messages.is_empty());
        let time = ex.server_time.unwrap();
        assert_eq!(
            why401_model::time::format_millis(&time.at),
            "2024-06-02T10:00:00.123Z"
        );
        assert!(!time.assumed_utc);
    }

    #[test]
    fn light_mode_reads_no_response_headers_of_a_record_nothing_judges() {
        let ok = one(&ACCESS.replace(r#""status":401"#, r#""status":200"#));
        assert_eq!(ok.status(), Some(200));
        assert_eq!(ok.request.headers.get("authorization"), Some("REDACTED"));
        assert!(ok.response.unwrap().headers.is_empty());
        let refused = one(&ACCESS.replace(r#""status":401"#, r#""status":403"#));
        assert_eq!(challenge(&refused), Some("Bearer error=\"invalid_token\""));
        // Without a log time the response's `Date` header gives it.
        let untimed = ACCESS
            .replace(r#""ts":1717322400.123,"#, "")
            .replace(r#""status":401"#, r#""status":200"#)
            .replace(
                r#""Server""#,
                r#""Date":["Sun, 02 Jun 2024 10:00:00 GMT"],"Server""#,
            );
        assert!(one(&untimed).server_time.is_some());
    }

    #[test]
    fn light_mode_keeps_no_inert_request_header_of_a_record_nothing_judges() {
        for (name, _, example) in INERT_REQUEST_HEADERS {
            let header = format!(r#""{name}":["{example}"],"Authorization""#);
            let line = ACCESS.replace(r#""Authorization""#, &header);
            let judged = one(&line);
            assert_eq!(judged.request.headers.get(name), Some(*example), "{name}");
            let ok = one(&line.replace(r#""status":401"#, r#""status":204"#));
            assert_eq!(ok.request.headers.get(name), None, "{name}");
            assert_eq!(ok.request.headers.get("authorization"), Some("REDACTED"));
            assert_eq!(ok.request.headers.get("user-agent"), None);
            assert!(ok.request.headers_recorded && ok.request.credential_recorded);
        }
    }

    #[test]
    fn absent_authorization_is_recorded_as_absent() {
        let line = ACCESS.replace(r#""Authorization":["REDACTED"],"#, "");
        let ex = one(&line);
        assert!(ex.request.headers.get("authorization").is_none());
        assert!(ex.request.credential_recorded);
    }

    #[test]
    fn error_logger_is_not_an_exchange() {
        let line = r#"{"level":"error","ts":1717322400.121,"logger":"http.log.error.log0","msg":"not authenticated","request":{"remote_ip":"10.0.0.5","remote_port":"51544","method":"GET","host":"api.example.com","uri":"/v2/devices?limit=5"},"duration":0.001,"status":401,"err_id":"x1","err_trace":"caddyauth.Authentication.ServeHTTP (caddyauth.go:90)"}"#;
        let found = items(line);
        assert!(matches!(found.as_slice(), [Item::CaddyError(_, m)] if m == "not authenticated"));
        let proxy = r#"{"level":"debug","ts":1717322400.1,"logger":"http.handlers.reverse_proxy","msg":"upstream roundtrip","status":401}"#;
        assert!(items(proxy).is_empty());
    }
}
