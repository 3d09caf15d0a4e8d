use serde_json::json;

use super::*;
use crate::evidence::testutil::{b64, sign_hs256, sign_rs256, token};

fn claims() -> Value {
    json!({
        "iss": "https://auth.example.com/",
        "aud": "https://api.example.com",
        "sub": "client-42",
        "scope": "read write",
        "exp": 1709908425,
        "nbf": 1709904825,
        "iat": 1709904825
    })
}

fn rs256() -> String {
    sign_rs256("rsa-private.pem", Some("key-1"), &claims())
}

#[test]
fn intact_rs256_token_decodes_header_and_claims() {
    let got = inspect(&rs256());
    assert!(got.is_jwt);
    assert_eq!(got.damage, None);
    let jwt = got.jwt.unwrap();
    assert_eq!(jwt.alg(), Some("RS256"));
    assert_eq!(jwt.kid(), Some("key-1"));
    let summary = jwt.summary();
    assert_eq!(summary.iss.as_deref(), Some("https://auth.example.com/"));
    assert_eq!(summary.aud, Some(json!("https://api.example.com")));
    assert_eq!(summary.sub.as_deref(), Some("client-42"));
    assert_eq!(summary.scope, Some(vec!["read".into(), "write".into()]));
    assert_eq!(summary.exp.as_deref(), Some("2024-03-08T14:33:45Z"));
    assert_eq!(summary.iat.as_deref(), Some("2024-03-08T13:33:45Z"));
    assert_eq!(summary.typ.as_deref(), Some("JWT"));
}

#[test]
fn rs256_signature_of_a_2048_bit_key_is_342_chars() {
    let t = rs256();
    assert_eq!(t.rsplit('.').next().unwrap().len(), 342);
}

#[test]
fn scopes_from_scp_array_and_aud_array() {
    let t = token(
        &json!({"alg":"HS256","typ":"JWT"}),
        &json!({"scp": ["devices:read", "logs:read"], "aud": ["a", "https://api.example.com"], "exp": 1.5e9}),
        &"A".repeat(43),
    );
    let jwt = inspect(&t).jwt.unwrap();
    assert_eq!(
        jwt.scopes(),
        Some(vec!["devices:read".into(), "logs:read".into()])
    );
    assert_eq!(jwt.audiences(), ["a", "https://api.example.com"]);
    assert_eq!(jwt.summary().exp.as_deref(), Some("2017-07-14T02:40:00Z"));
}

#[test]
fn fractional_and_string_numeric_dates() {
    assert_eq!(
        numeric_date(&json!(1709908425.75)).map(|t| t.timestamp_millis()),
        Some(1709908425750)
    );
    assert_eq!(
        numeric_date(&json!("1709908425")).map(|t| t.timestamp()),
        Some(1709908425)
    );
    assert_eq!(numeric_date(&json!(-5)), None);
    assert_eq!(numeric_date(&json!(1e300)), None);
    assert_eq!(numeric_date(&json!(true)), None);
}

#[test]
fn placeholders() {
    for text in [
        "your_access_token_here",
        "YOUR_TOKEN",
        "<TOKEN>",
        "<access-token>",
        "${TOKEN}",
        "${{ secrets.TOKEN }}",
        "{{token}}",
        "{token}",
        "$ACCESS_TOKEN",
        "%TOKEN%",
        "null",
        "undefined",
        "xxx",
        "XXXXXXXX",
        "paste_token_here",
        "insert-token-here",
        "\"null\"",
    ] {
        let got = inspect(text);
        assert_eq!(got.damage, Some(Damage::Placeholder), "{text}");
        assert_eq!(got.damage.unwrap().detail().as_str(), "placeholder");
    }
    for real in [
        "ghp_abc123",
        "eyJhbGciOi",
        "2YotnFZFEjr1zCsicMWpAA",
        "$5abc",
    ] {
        assert!(!is_placeholder(real), "{real}");
    }
}

#[test]
fn whitespace_inside_still_shows_claims() {
    let t = rs256();
    let (head, rest) = t.split_at(40);
    for broken in [
        format!("{head} {rest}"),
        format!("{head}\n{rest}"),
        format!("{head}\r\n  {rest}"),
    ] {
        let got = inspect(&broken);
        assert_eq!(got.damage, Some(Damage::Whitespace));
        assert_eq!(
            got.damage.unwrap().detail().as_str(),
            "token_has_whitespace"
        );
        assert_eq!(got.jwt.unwrap().sub(), Some("client-42"));
    }
    // Leading and trailing whitespace is not damage.
    assert_eq!(inspect(&format!("  {t}\n")).damage, None);
}

#[test]
fn bad_base64url_in_each_part() {
    let t = rs256();
    let parts: Vec<&str> = t.split('.').collect();
    let header_bad = format!("eyJ*{}.{}.{}", &parts[0][4..], parts[1], parts[2]);
    assert_eq!(
        inspect(&header_bad).damage,
        Some(Damage::BadBase64url(Part::Header))
    );
    let payload_bad = format!("{}.{}+/.{}", parts[0], parts[1], parts[2]);
    assert_eq!(
        inspect(&payload_bad).damage,
        Some(Damage::BadBase64url(Part::Payload))
    );
    let sig_bad = format!("{}.{}.{}", parts[0], parts[1], parts[2].replace('A', "%"));
    let got = inspect(&sig_bad).damage.unwrap();
    assert_eq!(got, Damage::BadBase64url(Part::Signature));
    assert_eq!(got.detail().as_str(), "jwt_malformed");
}

#[test]
fn bad_json_in_header_and_payload() {
    let not_json = b64(&json!("just a string"));
    let t = format!("eyJhbGciOiJIUzI1NiJ9.{not_json}.{}", "A".repeat(43));
    assert_eq!(inspect(&t).damage, Some(Damage::BadJson(Part::Payload)));
    use base64::Engine as _;
    let garbage = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("{\"alg\":\"RS256\",,}");
    let t = format!("{garbage}.{}.{}", b64(&claims()), "A".repeat(342));
    let got = inspect(&t);
    assert!(got.is_jwt, "starts with eyJ");
    assert_eq!(got.damage, Some(Damage::BadJson(Part::Header)));
}

#[test]
fn truncated_payload_signature_and_header_only() {
    let t = rs256();
    let parts: Vec<&str> = t.split('.').collect();
    // Cut inside the payload (the rest of the token lost).
    for cut in [10, 21, 30] {
        let got = inspect(&format!("{}.{}", parts[0], &parts[1][..cut]));
        assert_eq!(
            got.damage,
            Some(Damage::Truncated(Part::Payload)),
            "cut {cut}"
        );
        assert_eq!(got.damage.unwrap().detail().as_str(), "token_truncated");
    }
    // Whole payload, no signature part (an empty third part is a mask: see below).
    let no_sig = format!("{}.{}", parts[0], parts[1]);
    assert_eq!(
        inspect(&no_sig).damage,
        Some(Damage::Truncated(Part::Signature))
    );
    // RS256 signature cut short (342 expected).
    let short = format!("{no_sig}.{}", &parts[2][..300]);
    let got = inspect(&short);
    assert_eq!(got.damage, Some(Damage::Truncated(Part::Signature)));
    assert_eq!(got.jwt.unwrap().sub(), Some("client-42"));
    // Only the header.
    assert_eq!(
        inspect(parts[0]).damage,
        Some(Damage::Truncated(Part::Payload))
    );
}

#[test]
fn masked_signatures_keep_the_claims_without_damage() {
    let t = rs256();
    let head = t.rsplit_once('.').unwrap().0;
    for mask in [
        "REDACTED",
        "xxxxx",
        "XXX",
        "***",
        "",
        "<signature removed>",
        "[redacted]",
        "..",
        "(masked)",
        "abcd****wxyz",
    ] {
        let got = inspect(&format!("{head}.{mask}"));
        assert!(got.is_jwt, "{mask:?}");
        assert!(got.signature_masked, "{mask:?}");
        assert_eq!(got.damage, None, "{mask:?}");
        assert!(!got.is_verifiable(), "{mask:?}");
        assert_eq!(got.jwt.unwrap().sub(), Some("client-42"), "{mask:?}");
    }
}

#[test]
fn cut_damaged_and_unsigned_tokens_are_not_masks() {
    let t = rs256();
    let (head, signature) = t.rsplit_once('.').unwrap();
    // A base64url signature cut short stays truncated.
    for cut in [&signature[..5], &signature[..300]] {
        let got = inspect(&format!("{head}.{cut}"));
        assert!(!got.signature_masked);
        assert_eq!(got.damage, Some(Damage::Truncated(Part::Signature)));
    }
    // alg none: the empty third part is the unsigned token's, not a mask.
    let unsigned = inspect(&token(&json!({"alg": "none"}), &claims(), ""));
    assert!(!unsigned.signature_masked);
    assert!(unsigned.alg_none());
    // A space in the payload is whitespace damage even beside a masked signature.
    let (header, payload) = head.split_once('.').unwrap();
    let spaced = format!("{header}.{} {}.REDACTED", &payload[..8], &payload[8..]);
    let got = inspect(&spaced);
    assert!(!got.signature_masked);
    assert_eq!(got.damage, Some(Damage::Whitespace));
    // A payload that is not JSON is not a JWT whose signature alone was masked.
    assert!(!inspect(&format!("{header}.bm90anNvbg.REDACTED")).signature_masked);
    // A signature that is neither base64url nor a mask stays malformed.
    let got = inspect(&format!("{head}.abc$def"));
    assert!(!got.signature_masked);
    assert_eq!(got.damage, Some(Damage::BadBase64url(Part::Signature)));
}

#[test]
fn hs256_signature_length() {
    let t = sign_hs256(b"k", &claims());
    assert_eq!(inspect(&t).damage, None);
    assert_eq!(
        inspect(&t[..t.len() - 5]).damage,
        Some(Damage::Truncated(Part::Signature))
    );
    assert_eq!(
        inspect(&format!("{t}AAAA")).damage,
        Some(Damage::BadStructure)
    );
}

#[test]
fn alg_none_is_not_damage() {
    let t = token(&json!({"alg": "none"}), &claims(), "");
    let got = inspect(&t);
    assert_eq!(got.damage, None);
    assert!(got.alg_none());
    assert!(!inspect(&rs256()).alg_none());
}

#[test]
fn not_a_jwt_is_opaque_without_damage() {
    for opaque in [
        "2YotnFZFEjr1zCsicMWpAA",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        "a.b.c",
    ] {
        let got = inspect(opaque);
        assert!(!got.is_jwt, "{opaque}");
        assert_eq!(got.damage, None);
        assert!(got.jwt.is_none());
    }
}

#[test]
fn jwe_has_header_but_no_claims() {
    let header = b64(&json!({"alg": "RSA-OAEP", "enc": "A256GCM"}));
    let t = format!("{header}.a2V5.aXY.Y2lwaGVy.dGFn");
    let got = inspect(&t);
    assert!(got.is_jwt && got.damage.is_none());
    let jwt = got.jwt.unwrap();
    assert!(jwt.encrypted && jwt.claims.is_none());
    assert!(!inspect(&t).is_verifiable());
}

#[test]
fn wrong_number_of_parts() {
    let t = rs256();
    let got = inspect(&format!("{t}.extra"));
    assert_eq!(got.damage, Some(Damage::BadStructure));
}

#[test]
fn descriptions_never_quote_the_token() {
    let t = rs256();
    for damage in [
        Damage::Placeholder,
        Damage::Whitespace,
        Damage::BadBase64url(Part::Header),
        Damage::BadJson(Part::Payload),
        Damage::Truncated(Part::Signature),
        Damage::Truncated(Part::Payload),
        Damage::BadStructure,
    ] {
        let text = damage.describe();
        assert!(!text.contains("eyJ") && !t.contains(&text));
    }
}
