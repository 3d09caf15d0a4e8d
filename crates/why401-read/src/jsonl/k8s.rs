//! Kubernetes API server audit events (`audit.k8s.io/v1` `Event`). One request writes an
//! event per stage; the exchange is the `ResponseComplete` event, or the single
//! `ResponseStarted` event a failed authentication writes (it has no other). The message
//! tells missing from invalid credentials: `Authentication failed, attempted: bearer` vs
//! `Authentication failed, no credentials provided`. No request headers are logged.

use super::draft::{Draft, status_at};
use super::record::Found;
use super::value::Obj;

pub fn matches(obj: &Obj) -> bool {
    obj.text("kind").is_some_and(|k| k == "Event")
        && obj
            .text("apiVersion")
            .is_some_and(|v| v.starts_with("audit.k8s.io"))
}

pub fn map(obj: &Obj) -> Found {
    let Some(status) = status_at(obj, &["responseStatus.code"]) else {
        return Found::Nothing;
    };
    let stage = obj.text("stage").unwrap_or_default();
    let is_exchange = match stage.as_ref() {
        "ResponseComplete" => true,
        "ResponseStarted" => status == 401,
        _ => false,
    };
    if !is_exchange {
        return Found::Nothing;
    }
    let mut draft = Draft::new(status);
    draft.time_from([
        obj.get("requestReceivedTimestamp"),
        obj.get("stageTimestamp"),
    ]);
    draft.method = http_method(&obj.text("verb").unwrap_or_default()).to_owned();
    draft.url = obj.text("requestURI").unwrap_or_default().into_owned();
    draft.messages_at(obj, &["responseStatus.message", "responseStatus.reason"]);
    Found::One(draft)
}

/// The HTTP method behind an audit verb (API verbs, or the method itself lower-cased).
fn http_method(verb: &str) -> &'static str {
    match verb.to_ascii_lowercase().as_str() {
        "get" | "list" | "watch" | "proxy" => "GET",
        "create" | "post" => "POST",
        "update" | "put" => "PUT",
        "patch" => "PATCH",
        "delete" | "deletecollection" => "DELETE",
        "head" => "HEAD",
        "options" => "OPTIONS",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::testing::{challenge, items, messages, one};

    const FAILED: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"4f6a1c2e-8b9d-4e0f-a1b2-c3d4e5f60718","stage":"ResponseStarted","requestURI":"/api/v1/namespaces/default/pods","verb":"list","user":{},"sourceIPs":["10.0.0.5"],"userAgent":"kubectl/v1.30.0","responseStatus":{"metadata":{},"status":"Failure","message":"Authentication failed, attempted: bearer","reason":"Unauthorized","code":401},"requestReceivedTimestamp":"2025-06-02T10:00:00.000000Z","stageTimestamp":"2025-06-02T10:00:00.001000Z"}"#;

    #[test]
    fn failed_authentication_event() {
        let ex = one(FAILED);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "GET");
        assert_eq!(ex.request.url, "/api/v1/namespaces/default/pods");
        assert!(ex.request.headers.is_empty() && challenge(&ex).is_none());
        assert!(!ex.request.headers_recorded && !ex.request.credential_recorded);
        assert_eq!(
            messages(&ex),
            vec![
                "responseStatus.message: Authentication failed, attempted: bearer",
                "responseStatus.reason: Unauthorized"
            ]
        );
    }

    #[test]
    fn only_complete_and_failed_authentication_stages() {
        let received = FAILED.replace("ResponseStarted", "RequestReceived");
        assert!(items(&received).is_empty());
        let started_ok = FAILED.replace("\"code\":401", "\"code\":200");
        assert!(items(&started_ok).is_empty());
        let complete = FAILED
            .replace("ResponseStarted", "ResponseComplete")
            .replace("\"code\":401", "\"code\":200");
        assert_eq!(one(&complete).status(), Some(200));
    }
}
