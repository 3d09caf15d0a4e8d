//! Keys to verify JWT signatures with (`--jwks FILE`, `--key FILE`, the profile's `jwks`),
//! and the verification itself, through `jsonwebtoken` with every claim check turned off:
//! claims are judged against the 401's reference time, never the wall clock.
//!
//! No network: keys come from files only.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use serde_json::Value;

use super::jwt::TokenInspection;

/// A key file that cannot be used: a usage error naming the file (and line for JSON).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("{}: cannot read the key file: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("{}: line {line}, column {column}: not valid JSON: {reason}", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("{}: not a JWKS: no \"keys\" array", path.display())]
    NotJwks { path: PathBuf },
    #[error("{}: not a public key jsonwebtoken can use: {reason}", path.display())]
    Pem { path: PathBuf, reason: String },
    #[error("{}: the key file is empty", path.display())]
    Empty { path: PathBuf },
}

/// One usable key.
#[derive(Clone)]
struct Key {
    kid: Option<String>,
    /// The JWK's `alg`, when it names one.
    alg: Option<Algorithm>,
    family: AlgorithmFamily,
    key: DecodingKey,
    /// Where it came from, for evidence: `jwks.json keys[2]`, `key.pem`.
    label: String,
}

// By hand: a shared secret's bytes must never reach a Debug output.
impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("family", &self.family)
            .field("label", &self.label)
            .finish()
    }
}

/// The keys given, plus a warning for each key that had to be skipped.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<Key>,
    warnings: Vec<String>,
}

impl KeySet {
    /// Reads a JWKS file. Keys jsonwebtoken cannot use (unsupported `kty` or curve,
    /// `use: enc`, an encryption `alg`) are skipped with a warning.
    pub fn from_jwks_file(path: &Path) -> Result<KeySet, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|e| KeyError::Read {
            path: path.to_owned(),
            reason: why401_model::input::io_message(&e),
        })?;
        KeySet::from_jwks_str(&text, path)
    }

    /// Reads JWKS text; `path` names it in errors and warnings.
    pub fn from_jwks_str(text: &str, path: &Path) -> Result<KeySet, KeyError> {
        let doc: Value = serde_json::from_str(text).map_err(|e| KeyError::Json {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            reason: json_reason(&e),
        })?;
        // A lone JWK is accepted as a set of one.
        let keys = match &doc {
            Value::Object(map) if map.contains_key("kty") => vec![doc.clone()],
            _ => doc
                .get("keys")
                .and_then(Value::as_array)
                .cloned()
                .ok_or_else(|| KeyError::NotJwks {
                    path: path.to_owned(),
                })?,
        };
        let name = file_name(path);
        let mut set = KeySet::default();
        for (index, jwk) in keys.iter().enumerate() {
            let label = match jwk.get("kid").and_then(Value::as_str) {
                Some(kid) => format!("{name} keys[{index}] (kid {})", clip_kid(kid)),
                None => format!("{name} keys[{index}]"),
            };
            match key_from_jwk(jwk, &label) {
                Ok(key) => set.keys.push(key),
                Err(why) => set.warnings.push(format!("{label} skipped: {why}")),
            }
        }
        if set.keys.is_empty() {
            set.warnings
                .push(format!("{name}: no usable key; signatures are not checked"));
        }
        Ok(set)
    }

    /// Reads a `--key` file: PEM when it starts with `-----BEGIN`, else a shared secret with
    /// one trailing newline removed.
    pub fn from_key_file(path: &Path) -> Result<KeySet, KeyError> {
        let bytes = std::fs::read(path).map_err(|e| KeyError::Read {
            path: path.to_owned(),
            reason: why401_model::input::io_message(&e),
        })?;
        KeySet::from_key_bytes(&bytes, path)
    }

    /// Reads key bytes; `path` names them in errors.
    pub fn from_key_bytes(bytes: &[u8], path: &Path) -> Result<KeySet, KeyError> {
        let label = file_name(path);
        let trimmed_start = bytes.trim_ascii_start();
        let key = if trimmed_start.starts_with(b"-----BEGIN") {
            pem_key(trimmed_start, &label).map_err(|reason| KeyError::Pem {
                path: path.to_owned(),
                reason,
            })?
        } else {
            let secret = strip_one_newline(bytes);
            if secret.is_empty() {
                return Err(KeyError::Empty {
                    path: path.to_owned(),
                });
            }
            Key {
                kid: None,
                alg: None,
                family: AlgorithmFamily::Hmac,
                key: DecodingKey::from_secret(secret),
                label,
            }
        };
        Ok(KeySet {
            keys: vec![key],
            warnings: Vec::new(),
        })
    }

    /// Adds another set's keys and warnings (`--jwks` and `--key` together).
    pub fn merge(&mut self, other: KeySet) {
        self.keys.extend(other.keys);
        self.warnings.extend(other.warnings);
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// One sentence per key that was skipped; the caller prints them as warnings.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Checks a token's signature against these keys.
    pub fn verify(&self, token: &str, inspection: &TokenInspection) -> SignatureStatus {
        signature_status(token, inspection, Some(self))
    }

    /// The keys that may have signed a token with this `kid`: those with that `kid`, and those
    /// without any (a PEM or a secret). `Err` when a `kid` matches none of them.
    fn candidates(&self, kid: Option<&str>) -> Result<Vec<&Key>, ()> {
        let found: Vec<&Key> = self
            .keys
            .iter()
            .filter(|k| match (kid, &k.kid) {
                (Some(want), Some(have)) => want == have,
                _ => true,
            })
            .collect();
        if found.is_empty() { Err(()) } else { Ok(found) }
    }
}

/// What signature checking found (the report's words: `verified`, `signature_invalid`,
/// `alg_none`, `not_checked`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureStatus {
    /// A key verified the signature.
    Verified { key: String },
    /// The keys given do not verify it.
    Invalid(InvalidSignature),
    /// `alg: none`: the token is unsigned.
    AlgNone,
    /// No verdict: why not.
    NotChecked(NotChecked),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidSignature {
    /// The token's `kid` names no key in the set.
    KidUnknown(String),
    /// No key is of the token's algorithm family (an HS256 token against RSA keys).
    NoKeyForAlgorithm(String),
    /// Keys were tried and none verified.
    DoesNotVerify,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotChecked {
    /// No `--jwks`, `--key` or profile `jwks`, or none of their keys was usable.
    NoKeys,
    /// Not a JWT, or damaged (its form decides first).
    NotVerifiable,
    /// An encrypted JWT (JWE).
    Encrypted,
    /// An algorithm jsonwebtoken does not implement.
    UnsupportedAlgorithm,
    /// The capture masked the signature (`REDACTED`, `***`, empty...); the claims still show.
    Masked,
}

impl SignatureStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            SignatureStatus::Verified { .. } => "verified",
            SignatureStatus::Invalid(_) => "signature_invalid",
            SignatureStatus::AlgNone => "alg_none",
            SignatureStatus::NotChecked(_) => "not_checked",
        }
    }

    /// A sentence for the evidence.
    pub fn describe(&self) -> String {
        match self {
            SignatureStatus::Verified { key } => format!("the signature verifies with {key}"),
            SignatureStatus::Invalid(InvalidSignature::KidUnknown(kid)) => format!(
                "the token's kid {} is not among the keys given",
                clip_kid(kid)
            ),
            SignatureStatus::Invalid(InvalidSignature::NoKeyForAlgorithm(alg)) => {
                format!(
                    "no key given is for the token's algorithm {}",
                    clip_kid(alg)
                )
            }
            SignatureStatus::Invalid(InvalidSignature::DoesNotVerify) => {
                "the signature does not verify with the keys given".into()
            }
            SignatureStatus::AlgNone => "the token is unsigned (alg: none)".into(),
            SignatureStatus::NotChecked(NotChecked::NoKeys) => {
                "the signature was not checked (no keys given)".into()
            }
            SignatureStatus::NotChecked(NotChecked::NotVerifiable) => {
                "the signature was not checked (the token is not an intact JWT)".into()
            }
            SignatureStatus::NotChecked(NotChecked::Encrypted) => {
                "the signature was not checked (the token is encrypted)".into()
            }
            SignatureStatus::NotChecked(NotChecked::UnsupportedAlgorithm) => {
                "the signature was not checked (algorithm not supported)".into()
            }
            SignatureStatus::NotChecked(NotChecked::Masked) => {
                "the signature is not checkable (masked in the capture); the header and claims are read as sent".into()
            }
        }
    }
}

/// The signature status of a token: `alg: none` always; otherwise verified against `keys`
/// when there are any.
pub fn signature_status(
    token: &str,
    inspection: &TokenInspection,
    keys: Option<&KeySet>,
) -> SignatureStatus {
    if inspection.alg_none() {
        return SignatureStatus::AlgNone;
    }
    let Some(jwt) = inspection.jwt.as_ref().filter(|_| inspection.is_jwt) else {
        return SignatureStatus::NotChecked(NotChecked::NotVerifiable);
    };
    if jwt.encrypted {
        return SignatureStatus::NotChecked(NotChecked::Encrypted);
    }
    if inspection.signature_masked {
        return SignatureStatus::NotChecked(NotChecked::Masked);
    }
    if !inspection.is_verifiable() {
        return SignatureStatus::NotChecked(NotChecked::NotVerifiable);
    }
    let Some(keys) = keys.filter(|k| !k.is_empty()) else {
        return SignatureStatus::NotChecked(NotChecked::NoKeys);
    };
    let Some(alg) = jwt.alg().and_then(|a| Algorithm::from_str(a).ok()) else {
        return SignatureStatus::NotChecked(NotChecked::UnsupportedAlgorithm);
    };
    let Ok(candidates) = keys.candidates(jwt.kid()) else {
        let kid = jwt.kid().unwrap_or_default().to_owned();
        return SignatureStatus::Invalid(InvalidSignature::KidUnknown(kid));
    };
    let usable: Vec<&Key> = candidates
        .into_iter()
        .filter(|k| k.family == alg.family() && k.alg.is_none_or(|a| a == alg))
        .collect();
    if usable.is_empty() {
        let name = jwt.alg().unwrap_or_default().to_owned();
        return SignatureStatus::Invalid(InvalidSignature::NoKeyForAlgorithm(name));
    }
    let validation = claims_unchecked(alg);
    match usable
        .iter()
        .find(|k| jsonwebtoken::decode::<Value>(token.trim(), &k.key, &validation).is_ok())
    {
        Some(key) => SignatureStatus::Verified {
            key: key.label.clone(),
        },
        None => SignatureStatus::Invalid(InvalidSignature::DoesNotVerify),
    }
}

/// Signature only: no `exp`/`nbf`/`aud` checks and no required claims (they would be judged
/// against the wall clock of the analysis).
fn claims_unchecked(alg: Algorithm) -> Validation {
    let mut validation = Validation::new(alg);
    validation.required_spec_claims = HashSet::new();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation
}

/// One JWK into a key, or why it was skipped.
fn key_from_jwk(jwk: &Value, label: &str) -> Result<Key, String> {
    let field = |name: &str| jwk.get(name).and_then(Value::as_str);
    if field("use").is_some_and(|u| u != "sig") {
        return Err("an encryption key (use is not \"sig\")".into());
    }
    let kty = field("kty").unwrap_or_default();
    let supported_curve = match kty {
        "RSA" | "oct" => true,
        "EC" => matches!(field("crv"), Some("P-256" | "P-384")),
        "OKP" => field("crv") == Some("Ed25519"),
        _ => return Err(format!("key type {} is not supported", clip_kid(kty))),
    };
    if !supported_curve {
        return Err("its curve is not supported".into());
    }
    let alg = match field("alg") {
        None => None,
        Some(a) => Some(Algorithm::from_str(a).map_err(|_| {
            format!(
                "algorithm {} is not a supported signing algorithm",
                clip_kid(a)
            )
        })?),
    };
    // serde's reason is not quoted: it could repeat key material.
    let parsed: Jwk =
        serde_json::from_value(jwk.clone()).map_err(|_| "not a valid JWK".to_owned())?;
    let key = DecodingKey::from_jwk(&parsed).map_err(|_| "its key material is invalid")?;
    Ok(Key {
        kid: field("kid").map(str::to_owned),
        alg,
        family: key.family(),
        key,
        label: label.to_owned(),
    })
}

/// One of jsonwebtoken's PEM readers.
type PemReader = fn(&[u8]) -> jsonwebtoken::errors::Result<DecodingKey>;

/// A PEM public key of any family jsonwebtoken reads (RSA, EC, Ed25519; SPKI, PKCS#1 or a
/// certificate).
fn pem_key(pem: &[u8], label: &str) -> Result<Key, String> {
    let attempts: [(AlgorithmFamily, PemReader); 3] = [
        (AlgorithmFamily::Rsa, DecodingKey::from_rsa_pem),
        (AlgorithmFamily::Ec, DecodingKey::from_ec_pem),
        (AlgorithmFamily::Ed, DecodingKey::from_ed_pem),
    ];
    for (family, read) in attempts {
        if let Ok(key) = read(pem) {
            return Ok(Key {
                kid: None,
                alg: None,
                family,
                key,
                label: label.to_owned(),
            });
        }
    }
    Err("expected an RSA, EC or Ed25519 public key or certificate in PEM".into())
}

/// A shared secret file loses exactly one trailing newline (`\n` or `\r\n`).
fn strip_one_newline(bytes: &[u8]) -> &[u8] {
    bytes
        .strip_suffix(b"\r\n")
        .or_else(|| bytes.strip_suffix(b"\n"))
        .unwrap_or(bytes)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// serde_json's message without its " at line N column M" tail (the caller says where).
fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// A `kid` or algorithm name from a file, clipped and escaped for messages.
fn clip_kid(text: &str) -> String {
    why401_redact::escape_control(&why401_redact::clip(text, 32))
}

#[cfg(test)]
mod tests;
