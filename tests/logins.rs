//! A refused login through the binary: a password grant from a public client (no client
//! credentials by design) is the user's credentials rejected, unless the server names the
//! client.

mod common;

use common::{analyze_json, findings_of, write};
use serde_json::{Value, json};

/// A HAR with one form POST to a token endpoint answered 401 with `body`.
fn har(form: &str, body: &str) -> Vec<u8> {
    let entry = json!({
        "startedDateTime": "2026-03-08T14:31:00.000Z",
        "time": 12,
        "request": {
            "method": "POST",
            "url": "https://id.example.net/oauth2/token",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": form.len(),
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": form}
        },
        "response": {
            "status": 401,
            "statusText": "Unauthorized",
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": "Date", "value": "Sun, 08 Mar 2026 14:31:00 GMT"},
                {"name": "Content-Type", "value": "application/json"}
            ],
            "cookies": [],
            "content": {"size": body.len(), "mimeType": "application/json", "text": body},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": body.len()
        },
        "cache": {},
        "timings": {"send": 0, "wait": 12, "receive": 0}
    });
    let doc = json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [entry]}});
    serde_json::to_vec(&doc).expect("serializes")
}

fn judge(form: &str, body: &str) -> (Value, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "login.har", &har(form, body));
    let source = path.to_string_lossy().into_owned();
    let (status, report) = analyze_json(&[&source]);
    assert_eq!(status, 1, "{report}");
    let findings = findings_of(&report, &source);
    assert_eq!(findings.len(), 1, "{report}");
    (findings[0].clone(), report.to_string())
}

#[test]
fn a_refused_password_grant_is_the_users_credentials_rejected() {
    let form =
        "grant_type=password&username=ada%40example.org&password=Tr0ub4dor-x9&client_id=web-app";
    for body in [
        r#"{"error":"invalid_grant"}"#,
        r#"{"error":"invalid_grant","error_description":"Invalid user credentials"}"#,
    ] {
        let (finding, whole) = judge(form, body);
        assert_eq!(finding["cause"], "revoked_credentials", "{finding}");
        assert_eq!(finding["detail"], "credentials_rejected", "{finding}");
        assert!(
            !whole.contains("Tr0ub4dor-x9"),
            "the password is printed: {whole}"
        );
    }
}

#[test]
fn a_password_grant_refused_as_invalid_client_misses_client_credentials() {
    let form = "grant_type=password&username=ada&password=Tr0ub4dor-x9&client_id=web-app";
    let (finding, _) = judge(form, r#"{"error":"invalid_client"}"#);
    assert_eq!(finding["cause"], "missing_authorization", "{finding}");
    assert_eq!(finding["detail"], "client_credentials_missing", "{finding}");
}
