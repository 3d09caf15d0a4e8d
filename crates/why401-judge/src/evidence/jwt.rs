//! Reading a token's form: a JWT decoded without verifying (header and claims, always), or
//! opaque; and the damage copy-paste, templates and truncation leave on tokens.
//!
//! Nothing here keeps the token: the result holds decoded JSON (which the report may print)
//! and the damage found, never a base64 segment.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Map, Value};

use super::credential::is_redacted;
use why401_model::details::Detail;
use why401_model::finding::Claims;
use why401_model::time::format_seconds;

/// base64url as JWTs use it, tolerant of padding and stray trailing bits.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// A part of a compact JWS (`header.payload.signature`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Header,
    Payload,
    Signature,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        }
    }
}

/// What is wrong with a token's form (rule 6 decides on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// Template text instead of a token: `your_access_token_here`, `<TOKEN>`, `${TOKEN}`,
    /// `null`, `undefined`, `xxx`...
    Placeholder,
    /// A space or line break inside the token (copy-paste damage).
    Whitespace,
    /// A part is not base64url.
    BadBase64url(Part),
    /// A part decodes but is not a JSON object.
    BadJson(Part),
    /// The token was cut: a part is missing or ends early.
    Truncated(Part),
    /// Not three (JWS) or five (JWE) parts, or a signature longer than its algorithm makes.
    BadStructure,
}

impl Damage {
    /// The detail code for this damage.
    pub fn detail(self) -> Detail {
        match self {
            Damage::Placeholder => Detail::Placeholder,
            Damage::Whitespace => Detail::TokenHasWhitespace,
            Damage::Truncated(_) => Detail::TokenTruncated,
            Damage::BadBase64url(_) | Damage::BadJson(_) | Damage::BadStructure => {
                Detail::JwtMalformed
            }
        }
    }

    /// The damage's name in a `why401 sanitize` marker (`truncated-payload`).
    pub fn code(self) -> String {
        match self {
            Damage::Placeholder => "placeholder".into(),
            Damage::Whitespace => "whitespace".into(),
            Damage::BadBase64url(p) => format!("bad-base64url-{}", p.as_str()),
            Damage::BadJson(p) => format!("bad-json-{}", p.as_str()),
            Damage::Truncated(p) => format!("truncated-{}", p.as_str()),
            Damage::BadStructure => "bad-structure".into(),
        }
    }

    /// The damage a marker's flag names (`whitespace@17` is `whitespace`).
    pub fn from_code(flag: &str) -> Option<Damage> {
        let code = flag.split('@').next().unwrap_or(flag);
        let parts = [Part::Header, Part::Payload, Part::Signature];
        let all = [
            Damage::Placeholder,
            Damage::Whitespace,
            Damage::BadStructure,
        ]
        .into_iter()
        .chain(parts.iter().flat_map(|&p| {
            [
                Damage::BadBase64url(p),
                Damage::BadJson(p),
                Damage::Truncated(p),
            ]
        }));
        all.into_iter().find(|d| d.code() == code)
    }

    /// A sentence for the evidence; it names parts, never their content.
    pub fn describe(self) -> String {
        match self {
            Damage::Placeholder => "the token is placeholder text, not a token".into(),
            Damage::Whitespace => "the token contains a space or line break".into(),
            Damage::BadBase64url(p) => format!("the JWT {} is not base64url", p.as_str()),
            Damage::BadJson(p) => format!("the JWT {} is not a JSON object", p.as_str()),
            Damage::Truncated(Part::Signature) => {
                "the JWT signature is missing or shorter than its algorithm makes".into()
            }
            Damage::Truncated(p) => format!("the JWT was cut inside its {}", p.as_str()),
            Damage::BadStructure => {
                "the token has the wrong number of parts or a signature of the wrong length".into()
            }
        }
    }
}

/// The decoded header and claims of a JWT. Claims are absent for an encrypted JWT (JWE) or
/// when the payload could not be read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecodedJwt {
    pub header: Map<String, Value>,
    pub claims: Option<Map<String, Value>>,
    /// Five parts: the payload is encrypted.
    pub encrypted: bool,
}

impl DecodedJwt {
    fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.as_ref().and_then(|c| c.get(name))
    }

    pub fn alg(&self) -> Option<&str> {
        self.header_str("alg")
    }

    pub fn typ(&self) -> Option<&str> {
        self.header_str("typ")
    }

    pub fn kid(&self) -> Option<&str> {
        self.header_str("kid")
    }

    /// `alg: none` (any case): an unsigned token.
    pub fn is_alg_none(&self) -> bool {
        self.alg().is_some_and(|a| a.eq_ignore_ascii_case("none"))
    }

    pub fn iss(&self) -> Option<&str> {
        self.claim("iss").and_then(Value::as_str)
    }

    pub fn sub(&self) -> Option<&str> {
        self.claim("sub").and_then(Value::as_str)
    }

    /// `aud` as in the token (a string or an array).
    pub fn aud_value(&self) -> Option<&Value> {
        self.claim("aud")
    }

    /// Every audience the token names.
    pub fn audiences(&self) -> Vec<&str> {
        match self.claim("aud") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    pub fn exp(&self) -> Option<DateTime<Utc>> {
        self.claim("exp").and_then(numeric_date)
    }

    pub fn nbf(&self) -> Option<DateTime<Utc>> {
        self.claim("nbf").and_then(numeric_date)
    }

    pub fn iat(&self) -> Option<DateTime<Utc>> {
        self.claim("iat").and_then(numeric_date)
    }

    /// Scopes from `scope` or `scp`, a space-separated string or an array.
    pub fn scopes(&self) -> Option<Vec<String>> {
        let value = self.claim("scope").or_else(|| self.claim("scp"))?;
        match value {
            Value::String(s) => Some(s.split_whitespace().map(str::to_owned).collect()),
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The report's claims: times as RFC 3339, scope as an array.
    pub fn summary(&self) -> Claims {
        Claims {
            iss: self.iss().map(str::to_owned),
            aud: self.aud_value().cloned(),
            sub: self.sub().map(str::to_owned),
            scope: self.scopes(),
            exp: self.exp().map(|t| format_seconds(&t)),
            nbf: self.nbf().map(|t| format_seconds(&t)),
            iat: self.iat().map(|t| format_seconds(&t)),
            alg: self.alg().map(str::to_owned),
            typ: self.typ().map(str::to_owned),
            kid: self.kid().map(str::to_owned),
        }
    }
}

/// RFC 7519 NumericDate: seconds since the epoch, possibly with a fraction. Some issuers write
/// it as a string of digits; that is read too.
pub fn numeric_date(value: &Value) -> Option<DateTime<Utc>> {
    let seconds = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    // Beyond year 9999 or before 1970 is not a date a token means.
    if !seconds.is_finite() || !(0.0..253_402_300_800.0).contains(&seconds) {
        return None;
    }
    let whole = seconds.trunc() as i64;
    let nanos = ((seconds - seconds.trunc()) * 1e9).round() as u32;
    Utc.timestamp_opt(whole, nanos.min(999_999_999)).single()
}

/// What a token is, read without keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenInspection {
    /// The token is (or was meant to be) a JWT: it starts with `eyJ` or its first part
    /// decodes to a JSON object.
    pub is_jwt: bool,
    /// The first damage found, in order: placeholder, whitespace, header, payload, signature.
    pub damage: Option<Damage>,
    /// Header and claims, when readable (also when a later part is damaged).
    pub jwt: Option<DecodedJwt>,
    /// The header and payload are intact but the signature was visibly masked (`REDACTED`,
    /// `***`, `xxxxx`, `<signature removed>`, empty): the claims can be judged, the signature
    /// cannot.
    pub signature_masked: bool,
}

impl TokenInspection {
    pub fn alg_none(&self) -> bool {
        self.jwt.as_ref().is_some_and(DecodedJwt::is_alg_none)
    }

    /// An intact JWS that a key could verify.
    pub fn is_verifiable(&self) -> bool {
        self.is_jwt
            && self.damage.is_none()
            && !self.signature_masked
            && self.jwt.as_ref().is_some_and(|j| !j.encrypted)
    }
}

/// Reads a token (the credential value without scheme or parameter name).
pub fn inspect(token: &str) -> TokenInspection {
    let token = token.trim();
    if is_placeholder(token) {
        return TokenInspection {
            damage: Some(Damage::Placeholder),
            ..TokenInspection::default()
        };
    }
    // A value `why401 sanitize` replaced whole keeps its kind and damage in its marker.
    if let Some(marker) = why401_redact::marker::parse(token) {
        return TokenInspection {
            is_jwt: marker.kind == "jwt",
            damage: marker.flags.iter().find_map(|f| Damage::from_code(f)),
            ..TokenInspection::default()
        };
    }
    // Before the whitespace check: a space inside `<signature removed>` is not damage.
    if let Some(masked) = inspect_masked(token) {
        return masked;
    }
    if token.contains(char::is_whitespace) {
        // Read what the token would be without the whitespace, to show its claims.
        let joined: String = token.split_whitespace().collect();
        let mut inner = inspect_compact(&joined);
        inner.damage = Some(Damage::Whitespace);
        return inner;
    }
    inspect_compact(token)
}

/// A signed JWT whose header and payload decode and whose third part is a mask. An `alg:
/// none` token is unsigned: its empty third part is not a mask.
fn inspect_masked(token: &str) -> Option<TokenInspection> {
    let mut parts = token.splitn(3, '.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if !is_signature_mask(signature) {
        return None;
    }
    let jwt = DecodedJwt {
        header: decode_object(header).ok()?,
        claims: Some(decode_object(payload).ok()?),
        encrypted: false,
    };
    if jwt.is_alg_none() {
        return None;
    }
    Some(TokenInspection {
        is_jwt: true,
        damage: None,
        jwt: Some(jwt),
        signature_masked: true,
    })
}

/// A signature part that shows it was masked, not cut: empty, a redaction marker
/// (`REDACTED`, `[redacted]`, `***`, `...`), a run of `x`, or text in brackets
/// (`<signature removed>`). A base64url part cut short is not a mask: its length says so.
fn is_signature_mask(signature: &str) -> bool {
    let wrapped = [('<', '>'), ('[', ']'), ('(', ')'), ('{', '}')]
        .iter()
        .any(|&(open, close)| {
            signature.len() > 2 && signature.starts_with(open) && signature.ends_with(close)
        });
    signature.is_empty()
        || wrapped
        || (signature.len() >= 3 && signature.bytes().all(|b| b == b'x' || b == b'X'))
        || signature.bytes().all(|b| b == b'.' || b == b'*')
        || is_redacted(signature)
}

fn inspect_compact(token: &str) -> TokenInspection {
    let parts: Vec<&str> = token.split('.').collect();
    // `split` yields at least one part, even for an empty string.
    let header = decode_object(parts.first().copied().unwrap_or_default());
    let is_jwt =
        token.starts_with("eyJ") || matches!(header, Ok(ref map) if map.contains_key("alg"));
    if !is_jwt {
        return TokenInspection::default();
    }
    let mut out = TokenInspection {
        is_jwt: true,
        ..TokenInspection::default()
    };
    let header = match header {
        Ok(map) => map,
        Err(kind) => {
            out.damage = Some(kind.damage(Part::Header, parts.len() == 1));
            return out;
        }
    };
    let mut jwt = DecodedJwt {
        header,
        claims: None,
        encrypted: parts.len() == 5,
    };
    out.damage = match parts.len() {
        1 => Some(Damage::Truncated(Part::Payload)),
        2 | 3 => read_claims(&mut jwt, &parts),
        5 => None,
        _ => Some(Damage::BadStructure),
    };
    out.jwt = Some(jwt);
    out
}

/// Fills the claims of a two- or three-part token and checks its signature's form.
fn read_claims(jwt: &mut DecodedJwt, parts: &[&str]) -> Option<Damage> {
    let last_part = parts.len() == 2;
    match decode_object(parts[1]) {
        Ok(claims) => jwt.claims = Some(claims),
        Err(kind) => return Some(kind.damage(Part::Payload, last_part)),
    }
    match parts.get(2) {
        None => Some(Damage::Truncated(Part::Signature)),
        Some(signature) => signature_damage(jwt, signature),
    }
}

/// Signature form: present unless `alg: none`, base64url, and as long as its algorithm makes.
fn signature_damage(jwt: &DecodedJwt, signature: &str) -> Option<Damage> {
    if jwt.is_alg_none() {
        return None;
    }
    if signature.is_empty() {
        return Some(Damage::Truncated(Part::Signature));
    }
    if !is_base64url(signature) {
        return Some(Damage::BadBase64url(Part::Signature));
    }
    let len = signature.trim_end_matches('=').len();
    let lengths = jwt.alg().map(signature_lengths).unwrap_or(&[]);
    match lengths.iter().max() {
        Some(&max) if !lengths.contains(&len) && len < max => {
            Some(Damage::Truncated(Part::Signature))
        }
        Some(_) if !lengths.contains(&len) => Some(Damage::BadStructure),
        _ => None,
    }
}

/// base64url lengths (unpadded) of a signature by algorithm; RSA by key size (1024, 2048,
/// 3072, 4096 bits). Empty for an algorithm not known here (no length check).
fn signature_lengths(alg: &str) -> &'static [usize] {
    match alg {
        "HS256" => &[43],
        "HS384" => &[64],
        "HS512" | "ES256" | "ES256K" | "EdDSA" => &[86],
        "ES384" => &[128],
        "ES512" => &[176],
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => &[171, 342, 512, 683],
        _ => &[],
    }
}

/// Why a part could not be read.
enum PartError {
    Base64,
    /// The JSON ends early (a cut token).
    JsonEof,
    Json,
}

impl PartError {
    /// A JSON text that ends early in the last part present is a cut token.
    fn damage(self, part: Part, last_part: bool) -> Damage {
        match self {
            PartError::JsonEof if last_part => Damage::Truncated(part),
            PartError::Base64 => Damage::BadBase64url(part),
            PartError::JsonEof | PartError::Json => Damage::BadJson(part),
        }
    }
}

fn is_base64url(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    body.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Decodes one base64url part into a JSON object. A part cut in the middle of a base64
/// quantum (length 1 mod 4) is read without its last character, so a cut payload shows as
/// JSON that ends early.
fn decode_object(part: &str) -> Result<Map<String, Value>, PartError> {
    if part.is_empty() || !is_base64url(part) {
        return Err(PartError::Base64);
    }
    let body = part.trim_end_matches('=');
    let usable = if body.len() % 4 == 1 {
        &body[..body.len() - 1]
    } else {
        body
    };
    let bytes = BASE64URL.decode(usable).map_err(|_| PartError::Base64)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(PartError::Json),
        Err(e) if e.is_eof() => Err(PartError::JsonEof),
        Err(_) => Err(PartError::Json),
    }
}

/// Words that are templates or defaults, never tokens (compared lower-case).
const PLACEHOLDER_WORDS: &[&str] = &[
    "null",
    "undefined",
    "nil",
    "none",
    "nan",
    "false",
    "true",
    "token",
    "access_token",
    "accesstoken",
    "access-token",
    "bearer",
    "jwt",
    "api_key",
    "apikey",
    "api-key",
    "string",
    "changeme",
    "change_me",
    "todo",
    "tbd",
    "dummy",
    "example",
    "sample",
    "placeholder",
    "test",
    "secret",
];

/// Template text: `your_access_token_here`, `<TOKEN>`, `${TOKEN}`, `{{token}}`, `$TOKEN`,
/// `%TOKEN%`, `{token}`, `xxx`, `null`, `undefined`...
pub fn is_placeholder(token: &str) -> bool {
    let lower = token.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    if lower.is_empty() {
        return false;
    }
    let wrapped = |open: &str, close: &str| {
        lower.len() > open.len() + close.len() && lower.starts_with(open) && lower.ends_with(close)
    };
    PLACEHOLDER_WORDS.contains(&lower.as_str())
        || wrapped("<", ">")
        || wrapped("${", "}")
        || wrapped("{{", "}}")
        || wrapped("{", "}")
        || wrapped("%", "%")
        || is_shell_variable(&lower)
        || (lower.len() >= 3 && lower.bytes().all(|b| b == b'x'))
        || lower.contains("placeholder")
        || lower.ends_with("_here")
        || lower.ends_with("-here")
        || [
            "your_",
            "your-",
            "yourtoken",
            "youraccess",
            "my_token",
            "insert_",
            "paste_",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// `$TOKEN`, `$ACCESS_TOKEN`: a shell variable the shell did not expand.
fn is_shell_variable(lower: &str) -> bool {
    let Some(name) = lower.strip_prefix('$') else {
        return false;
    };
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests;
