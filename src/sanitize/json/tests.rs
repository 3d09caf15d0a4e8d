use super::*;

#[test]
fn a_record_keeps_its_other_fields_and_their_order() {
    let mut secrets = Secrets::new(false);
    let line = r#"{"ts":"2024-03-08T14:20:00Z","authorization":"Bearer tok_0123456789abcdefABCDEF","status":401,"z":1}"#;
    let out = record(&mut secrets, line).expect("JSON");
    assert!(
        out.starts_with(
            r#"{"ts":"2024-03-08T14:20:00Z","authorization":"Bearer (why401~opaque~fp_"#
        ),
        "{out}"
    );
    assert!(out.ends_with(r#"","status":401,"z":1}"#), "{out}");
    let clean = r#"{"ts": "x",  "status": 200}"#;
    assert_eq!(record(&mut secrets, clean).as_deref(), Some(clean));
    assert_eq!(record(&mut secrets, "not json"), None);
}

#[test]
fn header_objects_bodies_and_forms() {
    let mut secrets = Secrets::new(false);
    let mut value: Value = serde_json::json!({
        "headers": [{"name": "X-Api-Key", "value": "key_0123456789abcdef"}],
        "body": "{\"access_token\":\"at_0123456789abcdefXYZ\",\"token_type\":\"Bearer\"}",
    });
    assert!(walk(&mut secrets, &mut value, 0));
    let text = value.to_string();
    assert!(
        !text.contains("key_0123456789abcdef") && !text.contains("at_0123456789abcdefXYZ"),
        "{text}"
    );
    assert!(text.contains("token_type"), "{text}");
    let body = form(
        &mut secrets,
        "grant_type=password&username=bob&password=hunter2",
    )
    .expect("changed");
    assert_eq!(
        body,
        "grant_type=password&username=bob&password=(why401~password~id1)"
    );
}
