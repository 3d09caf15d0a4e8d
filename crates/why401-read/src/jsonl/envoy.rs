//! Envoy and Istio JSON access logs: user-defined `json_format` maps of command operators.
//! `response_code_details` says who answered and why (`jwt_authn_access_denied{Jwt_is_expired}`,
//! `via_upstream`), `response_flags` how (`UAEX`: external authorization denied). Headers are
//! logged only when the format names them (`%REQ(AUTHORIZATION)%`).

use super::draft::{Draft, compose_url, status_at};
use super::record::Found;
use super::value::Obj;

pub fn matches(obj: &Obj) -> bool {
    obj.has("response_code") || obj.has("response_code_details") || obj.has("response_flags")
}

pub fn map(obj: &Obj) -> Found {
    let Some(status) = status_at(obj, &["response_code", "status", "status_code"]) else {
        return Found::Nothing;
    };
    let mut draft = Draft::new(status);
    let text = |keys: &[&str]| obj.first(keys).and_then(|v| v.text());
    draft.time_from([obj.get("start_time"), obj.get("timestamp"), obj.get("time")]);
    draft.method = text(&["method", ":method", "request_method"])
        .unwrap_or_default()
        .into_owned();
    draft.http_version = text(&["protocol"]).unwrap_or_default().into_owned();
    let host = text(&["authority", ":authority", "host"]);
    let scheme = text(&["x_forwarded_proto", "scheme", ":scheme"]);
    let path = text(&["path", "x_envoy_original_path", ":path", "request_path"]);
    draft.url = compose_url(
        scheme.as_deref(),
        host.as_deref(),
        &path.unwrap_or_default(),
    );
    draft.flat_header_fields(obj);
    draft.messages_at(
        obj,
        &[
            "response_code_details",
            "response_flags",
            "upstream_transport_failure_reason",
            "connection_termination_details",
        ],
    );
    Found::One(draft)
}

#[cfg(test)]
mod tests {
    use super::super::record::testing::{challenge, messages, one};

    #[test]
    fn istio_jwt_expired() {
        let line = r#"{"authority":"api.example.com","bytes_received":0,"bytes_sent":14,"downstream_remote_address":"10.0.0.5:51544","duration":1,"method":"GET","path":"/v2/devices","protocol":"HTTP/2","request_id":"3f1c0e9a-1b2c-4d5e-8f90-a1b2c3d4e5f6","response_code":401,"response_code_details":"jwt_authn_access_denied{Jwt_is_expired}","response_flags":"-","route_name":"default","start_time":"2025-06-02T10:00:00.123Z","upstream_cluster":"outbound|80||devices.default.svc.cluster.local","user_agent":"curl/8.5.0","authorization":"Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","www_authenticate":"Bearer realm=\"https://api.example.com/v2/devices\", error=\"invalid_token\""}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "GET");
        assert_eq!(ex.request.url, "https://api.example.com/v2/devices");
        assert_eq!(
            ex.request.headers.get("authorization"),
            Some("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
        );
        assert!(challenge(&ex).unwrap().contains("invalid_token"));
        assert!(ex.request.headers_recorded && ex.request.credential_recorded);
        assert_eq!(
            messages(&ex),
            vec!["response_code_details: jwt_authn_access_denied{Jwt_is_expired}"]
        );
    }

    #[test]
    fn istio_default_format_records_no_headers() {
        let line = r#"{"authority":"api.example.com","method":"GET","path":"/v2/devices","protocol":"HTTP/1.1","response_code":401,"response_code_details":"ext_authz_denied","response_flags":"UAEX","start_time":"2025-06-02T10:00:00.123Z"}"#;
        let ex = one(line);
        assert!(!ex.request.headers_recorded);
        assert!(!ex.request.credential_recorded);
        assert_eq!(
            messages(&ex),
            vec![
                "response_code_details: ext_authz_denied",
                "response_flags: UAEX"
            ]
        );
    }
}
