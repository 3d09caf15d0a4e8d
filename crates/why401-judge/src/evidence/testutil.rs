//! Helpers shared by the evidence tests: fixture paths and tokens built at test time.

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::Value;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("tests/fixtures/evidence")
        .join(name)
}

pub fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// `header.claims.signature` from JSON values and a literal signature part.
pub fn token(header: &Value, claims: &Value, signature: &str) -> String {
    format!("{}.{}.{}", b64(header), b64(claims), signature)
}

/// An RS256 token signed with a private key of `tests/fixtures/evidence`.
pub fn sign_rs256(private_pem: &str, kid: Option<&str>, claims: &Value) -> String {
    let pem = std::fs::read(fixture(private_pem)).unwrap();
    let key = EncodingKey::from_rsa_pem(&pem).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, &key).unwrap()
}

/// An HS256 token signed with `secret`.
pub fn sign_hs256(secret: &[u8], claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}
