use serde_json::json;

use super::*;
use crate::evidence::jwt::inspect;
use crate::evidence::testutil::{fixture, sign_hs256, sign_rs256, token};

fn claims() -> Value {
    // Long expired: jsonwebtoken must not judge exp against the wall clock.
    json!({"sub": "client-42", "exp": 1_000_000_000, "nbf": 4_000_000_000u64, "aud": "x"})
}

fn status(token: &str, keys: Option<&KeySet>) -> SignatureStatus {
    signature_status(token, &inspect(token), keys)
}

fn jwks(name: &str) -> KeySet {
    KeySet::from_jwks_file(&fixture(name)).unwrap()
}

#[test]
fn right_key_verifies_even_when_expired_and_not_yet_valid() {
    let t = sign_rs256("rsa-private.pem", Some("key-1"), &claims());
    let got = status(&t, Some(&jwks("jwks.json")));
    assert_eq!(got.as_str(), "verified");
    assert!(got.describe().contains("jwks.json keys[0]"));
}

#[test]
fn token_signed_by_another_key_is_invalid() {
    let t = sign_rs256("other-private.pem", Some("key-1"), &claims());
    let got = status(&t, Some(&jwks("jwks.json")));
    assert_eq!(
        got,
        SignatureStatus::Invalid(InvalidSignature::DoesNotVerify)
    );
    assert_eq!(got.as_str(), "signature_invalid");
    // And the right token against the other JWKS.
    let right = sign_rs256("rsa-private.pem", Some("key-1"), &claims());
    assert_eq!(
        status(&right, Some(&jwks("jwks-other.json"))).as_str(),
        "signature_invalid"
    );
}

#[test]
fn unknown_kid_is_invalid() {
    let t = sign_rs256("rsa-private.pem", Some("key-9"), &claims());
    let got = status(&t, Some(&jwks("jwks.json")));
    assert_eq!(
        got,
        SignatureStatus::Invalid(InvalidSignature::KidUnknown("key-9".into()))
    );
    assert_eq!(got.as_str(), "signature_invalid");
}

#[test]
fn token_without_kid_tries_every_key() {
    let t = sign_rs256("rsa-private.pem", None, &claims());
    assert_eq!(status(&t, Some(&jwks("jwks.json"))).as_str(), "verified");
}

#[test]
fn no_keys_is_not_checked() {
    let t = sign_rs256("rsa-private.pem", Some("key-1"), &claims());
    let got = status(&t, None);
    assert_eq!(got, SignatureStatus::NotChecked(NotChecked::NoKeys));
    assert_eq!(got.as_str(), "not_checked");
    assert_eq!(
        status(&t, Some(&KeySet::default())),
        SignatureStatus::NotChecked(NotChecked::NoKeys)
    );
}

#[test]
fn alg_none_without_keys_too() {
    let t = token(&json!({"alg": "none"}), &claims(), "");
    assert_eq!(status(&t, None), SignatureStatus::AlgNone);
    assert_eq!(status(&t, Some(&jwks("jwks.json"))).as_str(), "alg_none");
}

#[test]
fn damaged_and_opaque_tokens_are_not_checked() {
    let keys = jwks("jwks.json");
    let t = sign_rs256("rsa-private.pem", Some("key-1"), &claims());
    assert_eq!(
        status(&t[..t.len() - 10], Some(&keys)),
        SignatureStatus::NotChecked(NotChecked::NotVerifiable)
    );
    assert_eq!(
        status("2YotnFZFEjr1zCsicMWpAA", Some(&keys)).as_str(),
        "not_checked"
    );
}

#[test]
fn mixed_jwks_skips_unusable_keys_with_warnings() {
    let keys = jwks("jwks-mixed.json");
    assert_eq!(keys.len(), 1);
    let warnings = keys.warnings().join("\n");
    assert_eq!(keys.warnings().len(), 3, "{warnings}");
    assert!(warnings.contains("keys[0] (kid enc-1) skipped: an encryption key"));
    assert!(warnings.contains("keys[1] (kid odd-1) skipped: key type XYZ is not supported"));
    assert!(warnings.contains("keys[2] (kid p521) skipped: its curve is not supported"));
    let t = sign_rs256("rsa-private.pem", Some("key-1"), &claims());
    assert_eq!(status(&t, Some(&keys)).as_str(), "verified");
}

#[test]
fn pem_public_key_file() {
    let keys = KeySet::from_key_file(&fixture("rsa-public.pem")).unwrap();
    let right = sign_rs256("rsa-private.pem", Some("any-kid"), &claims());
    let other = sign_rs256("other-private.pem", None, &claims());
    assert_eq!(status(&right, Some(&keys)).as_str(), "verified");
    assert_eq!(status(&other, Some(&keys)).as_str(), "signature_invalid");
}

#[test]
fn shared_secret_loses_one_trailing_newline() {
    let keys = KeySet::from_key_file(&fixture("hs256.secret")).unwrap();
    let right = sign_hs256(b"a-shared-secret-of-the-test-suite", &claims());
    let with_newline = sign_hs256(b"a-shared-secret-of-the-test-suite\n", &claims());
    assert_eq!(status(&right, Some(&keys)).as_str(), "verified");
    assert_eq!(
        status(&with_newline, Some(&keys)).as_str(),
        "signature_invalid"
    );
    // Only one newline goes.
    let two = KeySet::from_key_bytes(b"s\n\n", Path::new("k")).unwrap();
    assert_eq!(
        status(&sign_hs256(b"s\n", &claims()), Some(&two)).as_str(),
        "verified"
    );
}

#[test]
fn hs256_token_against_rsa_keys_is_invalid() {
    let t = sign_hs256(b"secret", &claims());
    let got = status(&t, Some(&jwks("jwks.json")));
    assert_eq!(
        got,
        SignatureStatus::Invalid(InvalidSignature::NoKeyForAlgorithm("HS256".into()))
    );
}

#[test]
fn merged_sets_use_both() {
    let mut keys = jwks("jwks-other.json");
    keys.merge(KeySet::from_key_file(&fixture("rsa-public.pem")).unwrap());
    let right = sign_rs256("rsa-private.pem", Some("key-1"), &claims());
    assert_eq!(status(&right, Some(&keys)).as_str(), "verified");
}

#[test]
fn unreadable_and_malformed_files_are_errors_naming_them() {
    let missing = KeySet::from_key_file(Path::new("/nonexistent/key.pem")).unwrap_err();
    assert!(matches!(missing, KeyError::Read { .. }));
    assert!(
        missing
            .to_string()
            .starts_with("/nonexistent/key.pem: cannot read")
    );
    let bad = KeySet::from_jwks_str("{\n  \"keys\": [\n    {,}\n  ]\n}", Path::new("j.json"))
        .unwrap_err();
    assert!(matches!(bad, KeyError::Json { line: 3, .. }), "{bad}");
    assert!(bad.to_string().starts_with("j.json: line 3, column"));
    let not_jwks = KeySet::from_jwks_str("{\"a\": 1}", Path::new("j.json")).unwrap_err();
    assert!(matches!(not_jwks, KeyError::NotJwks { .. }));
    let pem = KeySet::from_key_bytes(b"-----BEGIN PUBLIC KEY-----\nnope\n", Path::new("k.pem"))
        .unwrap_err();
    assert!(matches!(pem, KeyError::Pem { .. }));
    let empty = KeySet::from_key_bytes(b"\n", Path::new("k")).unwrap_err();
    assert!(matches!(empty, KeyError::Empty { .. }));
}

#[test]
fn debug_never_shows_a_shared_secret() {
    let keys = KeySet::from_key_bytes(b"super-secret-value", Path::new("k")).unwrap();
    assert!(!format!("{keys:?}").contains("super-secret-value"));
    // Byte values of the secret either.
    assert!(!format!("{keys:?}").contains("115, 117, 112"));
}

#[test]
fn a_lone_jwk_is_a_set_of_one() {
    let text = std::fs::read_to_string(fixture("jwks.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let lone = doc["keys"][0].to_string();
    let keys = KeySet::from_jwks_str(&lone, Path::new("one.json")).unwrap();
    assert_eq!(keys.len(), 1);
}
