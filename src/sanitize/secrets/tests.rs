use super::*;

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3MTAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVzLXRoYXQtYXJlLWxvbmctZW5";

fn secrets() -> Secrets {
    Secrets::new(false)
}

#[test]
fn an_opaque_bearer_token_keeps_its_scheme_as_sent_and_its_fingerprint() {
    let token = "opaque-token-0123456789abcdef";
    let out = secrets().header("Authorization", &format!("bearer {token}"));
    let fp = Fingerprint::of_str(token).short();
    assert_eq!(out, Some(format!("bearer (why401~opaque~{fp})")));
}

#[test]
fn a_jwt_keeps_header_and_payload_and_marks_its_signature() {
    let out = secrets()
        .authorization(&format!("Bearer {JWT}"))
        .expect("replaced");
    let (head, _) = JWT.rsplit_once('.').expect("three parts");
    let fp = Fingerprint::of_str(JWT).short();
    assert_eq!(out, format!("Bearer {head}.(why401~signature~{fp})"));
    let inspection = jwt::inspect(out.trim_start_matches("Bearer "));
    assert!(inspection.signature_masked && inspection.damage.is_none());
}

#[test]
fn damage_is_kept_in_the_marker_and_read_back_by_the_judge() {
    let cut = &JWT[..60];
    let out = secrets().token(cut, "opaque").expect("replaced");
    assert!(out.contains("~truncated-payload)"), "{out}");
    assert_eq!(jwt::inspect(&out).damage, jwt::inspect(cut).damage);
    let spaced = "abcdefgh ijklmnopqrstu";
    let out = secrets().token(spaced, "opaque").expect("replaced");
    assert!(out.ends_with("~whitespace@8)"), "{out}");
    assert_eq!(jwt::inspect(&out).damage, Some(Damage::Whitespace));
    assert!(!out.contains("abcdefgh"));
}

#[test]
fn values_without_a_secret_stay() {
    let mut s = secrets();
    for value in [
        "Bearer null",
        "Bearer ${TOKEN}",
        "Bearer REDACTED",
        "Basic Og==",
        "Bearer",
    ] {
        assert_eq!(s.header("Authorization", value), None, "{value}");
    }
    assert!(s.counts.is_empty());
}

#[test]
fn basic_keeps_the_user_unless_strict() {
    let encoded = BASE64_LENIENT.encode("alice:correct-horse-battery");
    let out = secrets()
        .authorization(&format!("Basic {encoded}"))
        .expect("replaced");
    let decoded = BASE64_LENIENT
        .decode(out.trim_start_matches("Basic "))
        .expect("base64");
    let text = String::from_utf8(decoded).expect("utf-8");
    let fp = Fingerprint::of_str("alice:correct-horse-battery").short();
    assert_eq!(text, format!("alice:(why401~password~{fp})"));
    let strict = Secrets::new(true).authorization(&format!("Basic {encoded}"));
    let decoded = BASE64_LENIENT.decode(strict.expect("replaced").trim_start_matches("Basic "));
    assert!(
        !String::from_utf8(decoded.expect("base64"))
            .expect("utf-8")
            .contains("alice")
    );
}

#[test]
fn short_secrets_get_a_per_output_id_the_same_each_time() {
    let mut s = secrets();
    let first = s.param("password", "hunter2", Some("bob"));
    assert_eq!(first.as_deref(), Some("(why401~password~id1)"));
    assert_eq!(s.param("password", "hunter2", Some("bob")), first);
    assert_eq!(
        s.param("password", "other1", Some("bob")).as_deref(),
        Some("(why401~password~id2)")
    );
}

#[test]
fn known_prefixes_stay_before_the_marker() {
    let out = secrets().header(
        "Authorization",
        "token ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    );
    let out = out.expect("replaced");
    assert!(out.starts_with("token ghp_(why401~api_key~fp_"), "{out}");
    assert!(!out.contains("abcdefghijkl"));
}

#[test]
fn cookies_and_set_cookie_keep_names_and_attributes() {
    let mut s = secrets();
    let out = s
        .cookie_header("theme=dark; session_id=s3cr3t-session-value-123")
        .expect("changed");
    assert!(out.starts_with("theme=dark; session_id=(why401~"), "{out}");
    let set = s
        .set_cookie("sid=abcdefghijklmnop123; Path=/; HttpOnly")
        .expect("changed");
    assert!(
        set.ends_with("; Path=/; HttpOnly") && set.starts_with("sid=(why401~"),
        "{set}"
    );
}

/// RFC 7616 §3.9.1's example, `response` moved to the middle and its name capitalized.
const DIGEST: &str = r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", Response = "8ca523f5e9506fed4657c9700eebdbec", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;

#[test]
fn digest_replaces_the_response_and_keeps_the_server_values() {
    let out = secrets().authorization(DIGEST).expect("replaced");
    assert!(!out.contains("8ca523f5e9506fed4657c9700eebdbec"), "{out}");
    let fp = Fingerprint::of_str("8ca523f5e9506fed4657c9700eebdbec").short();
    assert!(out.contains(r#"Response = "(why401~"#), "{out}");
    assert!(out.contains(&fp), "{out}");
    let (before, _) = DIGEST.split_once("Response").expect("in the example");
    let (_, after) = DIGEST.split_once(", nc=").expect("in the example");
    assert!(out.starts_with(before) && out.ends_with(after), "{out}");
}

#[test]
fn strict_digest_replaces_the_user_name_too() {
    let out = Secrets::new(true).authorization(DIGEST).expect("replaced");
    assert!(!out.contains("Mufasa"), "{out}");
    assert!(!out.contains("8ca523f5e9506fed4657c9700eebdbec"), "{out}");
    assert!(out.contains(r#"realm="http-auth@example.org""#), "{out}");
}
