//! Google Cloud load balancer (and Cloud Run) request logs: a Cloud Logging `LogEntry` with
//! an `httpRequest` object. They never hold request headers; `jsonPayload.statusDetails`
//! says who answered.

use super::draft::{Draft, status_at};
use super::record::Found;
use super::value::Obj;

pub fn matches(obj: &Obj) -> bool {
    obj.has_obj("httpRequest")
}

pub fn map(obj: &Obj) -> Found {
    let Some(request) = obj.obj("httpRequest") else {
        return Found::Nothing;
    };
    let Some(status) = status_at(&request, &["status"]) else {
        return Found::Nothing;
    };
    let mut draft = Draft::new(status);
    draft.time_from([obj.get("timestamp"), obj.get("receiveTimestamp")]);
    let text = |k: &str| request.text(k).unwrap_or_default().into_owned();
    draft.method = text("requestMethod");
    draft.url = text("requestUrl");
    draft.http_version = text("protocol");
    draft.messages_at(
        obj,
        &[
            "jsonPayload.statusDetails",
            "jsonPayload.error",
            "jsonPayload.enforcedSecurityPolicy.outcome",
        ],
    );
    Found::One(draft)
}

#[cfg(test)]
mod tests {
    use super::super::record::testing::{challenge, messages, one};

    #[test]
    fn load_balancer_entry() {
        let line = r#"{"insertId":"1x2y3z","jsonPayload":{"@type":"type.googleapis.com/google.cloud.loadbalancing.type.LoadBalancerLogEntry","statusDetails":"response_sent_by_backend","backendTargetProjectNumber":"projects/123"},"httpRequest":{"requestMethod":"GET","requestUrl":"https://api.example.com/v2/devices","requestSize":"112","status":401,"responseSize":"210","userAgent":"curl/8.5.0","remoteIp":"203.0.113.7","latency":"0.012s","protocol":"HTTP/1.1"},"resource":{"type":"http_load_balancer"},"timestamp":"2025-06-02T10:00:00.123456Z","severity":"WARNING","logName":"projects/p/logs/requests","receiveTimestamp":"2025-06-02T10:00:01.2Z"}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "GET");
        assert_eq!(ex.request.url, "https://api.example.com/v2/devices");
        assert!(ex.request.headers.is_empty() && challenge(&ex).is_none());
        assert!(!ex.request.headers_recorded && !ex.request.credential_recorded);
        assert_eq!(
            messages(&ex),
            vec!["jsonPayload.statusDetails: response_sent_by_backend"]
        );
        assert_eq!(
            why401_model::time::format_millis(&ex.server_time.unwrap().at),
            "2025-06-02T10:00:00.123Z"
        );
    }
}
