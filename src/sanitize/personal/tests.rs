use super::*;

fn marked(text: &str) -> String {
    replace(text, |kind, _| format!("<{kind}>")).unwrap_or_else(|| text.to_owned())
}

#[test]
fn emails_and_ip_addresses_are_found_in_free_text() {
    assert_eq!(
        marked("user alice.smith+test@example.co.uk from 203.0.113.7 and 2001:db8::42."),
        "user <email> from <ip> and <ip>."
    );
    assert_eq!(
        marked("X-Forwarded-For: 198.51.100.23, 10.0.0.1"),
        "X-Forwarded-For: <ip>, <ip>"
    );
    assert_eq!(marked("client [::ffff:192.0.2.1]:443"), "client [<ip>]:443");
    assert_eq!(
        marked("\"remote_ip\":\"fe80::1\""),
        "\"remote_ip\":\"<ip>\""
    );
}

#[test]
fn versions_times_hosts_and_markers_are_not_personal() {
    for text in [
        "Mozilla/5.0 Chrome/120.0.0.0 Safari/537.36",
        "at 2024-03-08T14:23:45.123Z",
        "12:34:56",
        "https://10.0.0.5:8443/v1/users",
        "version 1.2.3.4.5",
        "std::io::Error",
        "(why401~jwt~fp_0123456789ab~whitespace@17)",
        "Bearer (why401~signature~fp_0)",
    ] {
        assert_eq!(marked(text), text, "{text}");
    }
    assert!(is_host_line("> Host: 10.0.0.5:8080"));
    assert!(is_host_header(":authority") && is_host_header("HOST"));
}

#[test]
fn identity_claims_are_marked_and_the_rules_claims_stay() {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut claims = serde_json::json!({
        "iss": "https://auth.example.com/", "aud": "api", "exp": 1700000000, "nbf": 1, "iat": 1,
        "scope": "read write", "jti": "j1",
    });
    for (claim, _, source) in IDENTITY_CLAIMS {
        assert!(!source.is_empty());
        claims[*claim] = Value::String(format!("value of {claim}"));
    }
    let encoded = engine.encode(claims.to_string());
    let out = payload(&encoded, |kind, value| format!("<{kind} {value}>")).expect("changed");
    let decoded: Value = serde_json::from_slice(&engine.decode(out).expect("b64")).expect("json");
    for (claim, kind, _) in IDENTITY_CLAIMS {
        assert_eq!(decoded[*claim], format!("<{kind} value of {claim}>"));
    }
    for kept in ["iss", "aud", "exp", "nbf", "iat", "scope", "jti"] {
        assert_eq!(decoded[kept], claims[kept], "{kept}");
    }
    let plain = engine.encode(r#"{"exp":1,"iss":"x"}"#);
    assert_eq!(payload(&plain, |_, _| String::new()), None);
}

#[test]
fn a_4xx_json_body_keeps_its_error_fields_only() {
    let body = r#"{"error":"invalid_token","error_description":"expired","message":"m","user":"a@b.io","trace":"x"}"#;
    let kept = |body: &str, client_error| {
        kept_fields(body, client_error).map(|m| Value::Object(m).to_string())
    };
    assert_eq!(
        kept(body, true).as_deref(),
        Some(r#"{"error":"invalid_token","error_description":"expired","message":"m"}"#)
    );
    assert_eq!(kept(body, false).as_deref(), Some("{}"));
    assert_eq!(
        kept(
            r#"{"access_token":"x","expires_in":3600,"user":"u"}"#,
            false
        )
        .as_deref(),
        Some(r#"{"access_token":"x","expires_in":3600}"#)
    );
    assert_eq!(kept("[1]", true), None);
    assert!(keeps_form_value("grant_type", "refresh_token"));
    assert!(keeps_form_value("client_secret", "(why401~secret~id1)"));
    assert!(!keeps_form_value("username", "alice"));
    assert!(keeps_text_body("Jwt is expired", "Jwt is expired"));
    assert!(!keeps_text_body(
        "bad token for a@b.io",
        "bad token for a@b.io"
    ));
    assert!(!keeps_text_body(
        &"x".repeat(SHORT_BODY + 1),
        &"x".repeat(SHORT_BODY + 1)
    ));
    assert!(is_client_error(Some(401)) && !is_client_error(Some(500)) && !is_client_error(None));
}
