//! Reading one credential from where it was sent: an `Authorization` value (Basic, Digest,
//! tokens, static-key schemes), a token or API-key value, a form pair, session cookies.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::{Credential, LongLived, Place, is_redacted, personal_token_prefix, printable};
use crate::evidence::challenge;
use crate::evidence::fingerprint::Fingerprint;
use crate::evidence::jwt;
use crate::evidence::keys::{KeySet, NotChecked, SignatureStatus, signature_status};
use why401_model::finding::CredentialKind;

/// Basic credentials as clients send them: standard alphabet, padding optional.
pub const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Schemes written in one registered case; another case is `scheme_case_differs`.
pub(super) const CANONICAL_SCHEMES: &[&str] =
    &["Bearer", "Basic", "DPoP", "Digest", "Negotiate", "NTLM"];

/// Schemes whose tokens are static keys (long-lived).
pub(super) const STATIC_TOKEN_SCHEMES: &[&str] = &["token", "ssws", "apikey", "api-key", "key"];

/// Every scheme recognised when written alone (`Authorization: Bearer`).
pub(super) const KNOWN_SCHEMES: &[&str] = &[
    "bearer",
    "basic",
    "dpop",
    "digest",
    "negotiate",
    "ntlm",
    "token",
    "ssws",
    "apikey",
    "api-key",
    "key",
    "jwt",
    "oauth",
    "kerberos",
    "aws4-hmac-sha256",
];

/// Whether `word` is an authentication scheme the credential reader knows (any case).
pub fn is_known_scheme(word: &str) -> bool {
    KNOWN_SCHEMES.contains(&word.to_ascii_lowercase().as_str())
}

/// An `Authorization` value (or a wrong header's) split into scheme and credentials.
pub(super) fn authorization(place: Place, value: &str, keys: Option<&KeySet>) -> Credential {
    let value = value.trim();
    let (scheme, rest) = split_scheme(value);
    let lower = scheme.map(|s| s.trim_end_matches(':').to_ascii_lowercase());
    let mut c = match lower.as_deref() {
        Some("basic") => basic(place, rest),
        Some("digest") => digest(place, value),
        Some("negotiate" | "ntlm" | "kerberos") => opaque(place, rest),
        Some("aws4-hmac-sha256") => {
            let mut c = opaque(place, rest);
            c.kind = CredentialKind::ApiKey;
            c.long_lived = Some(LongLived::ApiKey);
            c
        }
        Some(s) if is_static_scheme(s) => {
            let mut c = api_key(place, rest, keys);
            // A known token prefix says more than the scheme does.
            if !matches!(c.long_lived, Some(LongLived::PersonalToken(_))) {
                let written = scheme.unwrap_or(s).trim_end_matches(':');
                c.long_lived = Some(LongLived::Scheme(written.to_owned()));
            }
            c
        }
        _ => token_credential(place, rest, keys),
    };
    c.scheme = scheme.map(str::to_owned);
    c.no_scheme = scheme.is_none() && !value.is_empty();
    c.scheme_case_differs = scheme.is_some_and(|s| {
        CANONICAL_SCHEMES
            .iter()
            .any(|k| k.eq_ignore_ascii_case(s) && *k != s)
    });
    if value.is_empty() {
        c.kind = CredentialKind::None;
        c.empty = true;
    }
    c
}

/// `Bearer abc` → (`Bearer`, `abc`); `Bearer` → (`Bearer`, ``); `abc` → (none, `abc`). A first
/// word that cannot be a scheme (has a `.`, starts like a JWT, too long) makes the whole
/// value the credential.
pub fn split_scheme(value: &str) -> (Option<&str>, &str) {
    let (first, rest) = match value.split_once(char::is_whitespace) {
        Some((first, rest)) => (first, rest.trim()),
        None => (value, ""),
    };
    let bare = first.trim_end_matches(':');
    let known = KNOWN_SCHEMES.contains(&bare.to_ascii_lowercase().as_str());
    let looks_like_scheme = !bare.is_empty()
        && bare.len() <= 32
        && !bare.starts_with("eyJ")
        && bare
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+^`|~".contains(&b));
    if known || (!rest.is_empty() && looks_like_scheme) {
        (Some(first), rest)
    } else {
        (None, value)
    }
}

pub(super) fn is_static_scheme(lower: &str) -> bool {
    STATIC_TOKEN_SCHEMES.contains(&lower)
        || (!KNOWN_SCHEMES.contains(&lower) && (lower.contains("key") || lower.contains("token")))
}

/// Basic: decode, keep the user (unless it is itself a key), hash `user:password`, drop it.
pub(super) fn basic(place: Place, encoded: &str) -> Credential {
    let mut c = Credential::new(place, CredentialKind::Basic);
    c.long_lived = Some(LongLived::StaticPassword);
    if encoded.is_empty() {
        c.empty = true;
        return c;
    }
    if is_redacted(encoded) {
        c.kind = CredentialKind::Redacted;
        return c;
    }
    let Ok(decoded) = BASE64_LENIENT.decode(encoded) else {
        // Not base64: the value as sent is all there is to fingerprint.
        c.fingerprint = Some(Fingerprint::of_str(encoded));
        return c;
    };
    c.fingerprint = Some(Fingerprint::of(&decoded));
    let (user, password) = match decoded.iter().position(|&b| b == b':') {
        Some(i) => (&decoded[..i], &decoded[i + 1..]),
        None => (&decoded[..], &[][..]),
    };
    c.empty = user.is_empty() && password.is_empty();
    c.password_empty = password.is_empty();
    if let Some(prefix) = why401_redact::token_prefix(user) {
        // Stripe-style: the key is the user name; never print it.
        c.long_lived = Some(LongLived::PersonalToken(prefix));
    } else if !user.is_empty() && (!password.is_empty() || looks_like_a_name(user)) {
        // With an empty password the "user" may be the secret (an API key sent as `key:`).
        c.user = std::str::from_utf8(user).ok().map(printable);
    }
    c
}

/// A user name rather than a key: short, and not a long run of letters mixed with digits.
pub fn looks_like_a_name(user: &[u8]) -> bool {
    let digits = user.iter().any(u8::is_ascii_digit);
    let letters = user.iter().any(u8::is_ascii_alphabetic);
    user.len() <= 32 && !(user.len() >= 12 && digits && letters)
}

/// Digest: the user from the `username` parameter; the response changes every request, so
/// the fingerprint names this request only.
pub(super) fn digest(place: Place, value: &str) -> Credential {
    let mut c = Credential::new(place, CredentialKind::Basic);
    c.long_lived = Some(LongLived::StaticPassword);
    let parsed = challenge::parse(value);
    if let Some(first) = parsed.first() {
        c.user = first.param("username").map(printable);
        c.empty = first.params.is_empty() && first.token68.is_none();
    }
    c.fingerprint = Some(Fingerprint::of_str(value));
    c
}

pub(super) fn opaque(place: Place, value: &str) -> Credential {
    let mut c = Credential::new(place, CredentialKind::Opaque);
    if value.is_empty() {
        c.kind = CredentialKind::None;
        c.empty = true;
    } else if is_redacted(value) {
        c.kind = CredentialKind::Redacted;
    } else {
        c.fingerprint = Some(Fingerprint::of_str(value));
    }
    c
}

// --- Tokens, keys, cookies ---------------------------------------------------------------

/// A token value: form, claims, signature, fingerprint; kind `jwt` or `opaque`.
pub(super) fn token_credential(place: Place, value: &str, keys: Option<&KeySet>) -> Credential {
    let value = value.trim();
    let mut c = Credential::new(place, CredentialKind::Opaque);
    if value.is_empty() {
        c.kind = CredentialKind::None;
        c.empty = true;
        return c;
    }
    let inspection = jwt::inspect(value);
    if inspection.signature_masked {
        // A JWT whose signature alone was masked: its claims are judged; no fingerprint, since
        // the mask hides what tells one token from another.
        c.kind = CredentialKind::Jwt;
        c.signature = signature_status(value, &inspection, keys);
        // `why401 sanitize` marks a signature by its token's fingerprint: the full text still
        // tells tokens apart, and without keys the signature would not have been checked.
        if why401_redact::marker::parse(value.rsplit('.').next().unwrap_or_default()).is_some() {
            c.fingerprint = Some(Fingerprint::of_str(value));
            if keys.is_none_or(KeySet::is_empty) {
                c.signature = SignatureStatus::NotChecked(NotChecked::NoKeys);
            }
        }
        c.token = Some(inspection);
        return c;
    }
    if is_redacted(value) {
        c.kind = CredentialKind::Redacted;
        // A token masked elsewhere than its signature may still show its header.
        let mut inspection = inspection;
        if inspection.jwt.is_some() {
            inspection.damage = None;
            c.token = Some(inspection);
        }
        return c;
    }
    c.kind = if inspection.is_jwt {
        CredentialKind::Jwt
    } else {
        CredentialKind::Opaque
    };
    c.signature = signature_status(value, &inspection, keys);
    c.fingerprint = Some(Fingerprint::of_str(value));
    c.long_lived = personal_token_prefix(value).map(LongLived::PersonalToken);
    c.token = Some(inspection);
    c
}

/// An API key (header, parameter or static scheme): kind `api_key` unless it is a JWT.
pub(super) fn api_key(place: Place, value: &str, keys: Option<&KeySet>) -> Credential {
    let mut c = token_credential(place, value, keys);
    if c.kind == CredentialKind::Opaque {
        c.kind = CredentialKind::ApiKey;
        c.long_lived = c.long_lived.or(Some(LongLived::ApiKey));
    }
    c
}

/// An API-key header; a known scheme before the value (`X-Access-Token: Bearer ...`) is read
/// as a scheme, not as part of the key.
pub(super) fn api_key_header(name: &str, value: &str, keys: Option<&KeySet>) -> Credential {
    let value = value.trim();
    let (scheme, rest) = match split_scheme(value) {
        (Some(s), rest) if KNOWN_SCHEMES.contains(&s.to_ascii_lowercase().as_str()) => {
            (Some(s), rest)
        }
        _ => (None, value),
    };
    let mut c = api_key(Place::ApiKeyHeader(name.to_owned()), rest, keys);
    c.scheme = scheme.map(str::to_owned);
    c
}

/// A form pair like `client_id` + `client_secret` or `username` + `password`: kind `basic`,
/// fingerprinted as `id:secret` so it matches the same pair sent as Basic.
pub(super) fn secret_pair(
    place: Place,
    id: Option<&str>,
    secret: &str,
    why: LongLived,
) -> Credential {
    let mut c = Credential::new(place, CredentialKind::Basic);
    c.long_lived = Some(why);
    c.user = id.filter(|u| !u.is_empty()).map(printable);
    if is_redacted(secret) {
        c.kind = CredentialKind::Redacted;
        return c;
    }
    c.empty = secret.is_empty();
    c.password_empty = secret.is_empty();
    if !secret.is_empty() {
        let pair = format!("{}:{secret}", id.unwrap_or_default());
        c.fingerprint = Some(Fingerprint::of_str(&pair));
    }
    c
}

/// Query and form parameters that carry credentials; others are not credentials.
pub(super) fn param_credential(
    place: Place,
    name: &str,
    value: &str,
    keys: Option<&KeySet>,
) -> Option<Credential> {
    match name.to_ascii_lowercase().as_str() {
        "access_token" | "token" | "auth_token" | "jwt" => {
            Some(token_credential(place, value, keys))
        }
        "api_key" | "apikey" | "api-key" | "key" | "private_token" => {
            Some(api_key(place, value, keys))
        }
        _ => None,
    }
}

/// Session cookies of a `Cookie` header; analytics and CSRF cookies are not credentials.
pub(super) fn cookies(header: &str, keys: Option<&KeySet>) -> Vec<Credential> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| is_session_cookie(name))
        .map(|(name, value)| {
            let mut c = token_credential(Place::Cookie(name.to_owned()), value, keys);
            if !matches!(c.kind, CredentialKind::Redacted | CredentialKind::None) {
                c.kind = CredentialKind::Cookie;
            }
            c.long_lived = None;
            c
        })
        .collect()
}

pub fn is_session_cookie(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.contains("csrf") || lower.contains("xsrf") {
        return false;
    }
    [
        "sess", "sid", "auth", "token", "jwt", "login", "remember", "identity", "connect.",
    ]
    .iter()
    .any(|k| lower.contains(k))
}
