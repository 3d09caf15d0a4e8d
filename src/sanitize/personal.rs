//! `--strict`: personal data and bodies. E-mail addresses and IP addresses (v4 and v6) in any
//! text become markers with a per-output id (`(why401~email~id3)`: an address is easy to
//! guess, so it gets no fingerprint); the identity claims of a kept JWT payload are marked the
//! same way; bodies are dropped, except what a 4xx body says about the error.
//!
//! What stays is what the rules read: a URL's host and the `Host` header (the environment
//! rules compare hosts), the claims `exp`, `nbf`, `iat`, `iss`, `aud` and `scope`, and the
//! `error`, `error_description` and `message` of a 4xx body.

use std::net::Ipv6Addr;
use std::sync::LazyLock;

use base64::Engine as _;
use regex::Regex;
use serde_json::{Map, Value};

use crate::redact::marker;

/// `name@domain.tld`
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("constant pattern") // ok: a literal pattern, compiled by the tests
});

/// Four numbers 0–255 joined by dots.
static IPV4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b")
        .expect("constant pattern") // ok: a literal pattern, compiled by the tests
});

/// A run of hex digits, colons and dots with two colons at least: an IPv6 address when it
/// parses as one (`12:34:56` does not).
static IPV6: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*").expect("constant pattern") // ok: a literal pattern, compiled by the tests
});

/// JWT claims that identify a person (or the account a client acts for), marked under
/// `--strict`, with the marker's kind: a claim naming an account or a client is a `user`, as
/// a Basic user name is, so that a token's subject or client and the client that asked for it
/// still match. The
/// project's reports hide `sub` (`hide_identity`, `why401 token`), the only identity claim
/// they decode; this is the one list of the others.
pub const IDENTITY_CLAIMS: &[(&str, &str, &str)] = &[
    ("sub", "user", "RFC 7519 §4.1.2"),
    ("name", "name", "OpenID Connect Core 1.0 §5.1"),
    ("given_name", "name", "OpenID Connect Core 1.0 §5.1"),
    ("family_name", "name", "OpenID Connect Core 1.0 §5.1"),
    ("middle_name", "name", "OpenID Connect Core 1.0 §5.1"),
    ("nickname", "name", "OpenID Connect Core 1.0 §5.1"),
    ("preferred_username", "user", "OpenID Connect Core 1.0 §5.1"),
    ("profile", "url", "OpenID Connect Core 1.0 §5.1"),
    ("picture", "url", "OpenID Connect Core 1.0 §5.1"),
    ("website", "url", "OpenID Connect Core 1.0 §5.1"),
    ("email", "email", "OpenID Connect Core 1.0 §5.1"),
    ("gender", "claim", "OpenID Connect Core 1.0 §5.1"),
    ("birthdate", "claim", "OpenID Connect Core 1.0 §5.1"),
    ("phone_number", "phone", "OpenID Connect Core 1.0 §5.1"),
    ("address", "claim", "OpenID Connect Core 1.0 §5.1"),
    (
        "upn",
        "user",
        "Microsoft identity platform access token claims reference",
    ),
    (
        "unique_name",
        "user",
        "Microsoft identity platform access token claims reference",
    ),
    (
        "oid",
        "user",
        "Microsoft identity platform access token claims reference",
    ),
    (
        "ipaddr",
        "ip",
        "Microsoft identity platform access token claims reference",
    ),
    ("username", "user", "AWS Cognito access token claims"),
    ("cognito:username", "user", "AWS Cognito ID token claims"),
    ("client_id", "user", "RFC 9068 §2.2"),
    ("azp", "user", "OpenID Connect Core 1.0 §2"),
    ("cid", "user", "Okta access token claims reference"),
];

/// The form parameter naming the client: marked like a Basic user name and the token's
/// `client_id`, so that the rules still match a token with the client that asked for it.
pub const FORM_CLIENT: &str = "client_id";

/// A non-JSON 4xx body longer than this is dropped even when it holds nothing personal.
const SHORT_BODY: usize = 300;

/// What a 4xx JSON body keeps under `--strict`.
const ERROR_FIELDS: &[&str] = &["error", "error_description", "message"];

/// What any JSON body keeps under `--strict`: a token response's fields (RFC 6749 §5.1), whose
/// tokens are markers by then; the rules read the lifetime and match the issued token's
/// fingerprint with its later use.
const TOKEN_RESPONSE_FIELDS: &[&str] = &[
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "scope",
    "id_token",
];

/// What a form body keeps under `--strict`: the grant and the client (RFC 6749 §4.1.3, §4.4.2,
/// §6), whose secrets are markers by then; the rules read which grant a client asked for.
const FORM_FIELDS: &[&str] = &[
    "grant_type",
    "scope",
    "resource",
    "audience",
    "client_assertion_type",
];

/// Whether a form parameter keeps its value under `--strict` (a secret one is a marker).
pub fn keeps_form_value(name: &str, value: &str) -> bool {
    FORM_FIELDS.contains(&name) || marker::contains(value) || value.is_empty()
}

/// The marker of a dropped body.
pub fn dropped_body() -> String {
    marker::format("body", "dropped", &[])
}

/// One e-mail or IP address found in a text, with where it is.
struct Found {
    start: usize,
    end: usize,
    kind: &'static str,
}

/// Every e-mail and IP address of `text`, in order, not overlapping. An IP address right
/// after `://` or `@` is a URL's host and stays (the rules compare hosts).
fn find(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = EMAIL
        .find_iter(text)
        .map(|m| Found {
            start: m.start(),
            end: m.end(),
            kind: "email",
        })
        .collect();
    found.extend(
        IPV4.find_iter(text)
            .filter(|m| is_lone_ipv4(text, m.start(), m.end()))
            .map(|m| Found {
                start: m.start(),
                end: m.end(),
                kind: "ip",
            }),
    );
    found.extend(ipv6(text));
    found.retain(|f| !is_url_host(text, f.start));
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut out: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        if out.last().is_none_or(|last| f.start >= last.end) {
            out.push(f);
        }
    }
    out
}

/// Not a part of a version (`Chrome/120.0.0.0`, `1.2.3.4.5`).
fn is_lone_ipv4(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let after_next = text[end..].chars().nth(1);
    let in_a_version = matches!(before, Some('/' | '.' | '-' | '_'));
    let more_numbers = after == Some('.') && after_next.is_some_and(|c| c.is_ascii_digit());
    !in_a_version && !more_numbers
}

fn ipv6(text: &str) -> Vec<Found> {
    IPV6.find_iter(text)
        .filter_map(|m| {
            let before = text[..m.start()].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let candidate = m.as_str().trim_end_matches('.');
            let candidate = if candidate.parse::<Ipv6Addr>().is_ok() {
                candidate
            } else {
                candidate.strip_suffix(':')?
            };
            let after = text[m.start() + candidate.len()..].chars().next();
            (candidate != "::"
                && candidate.parse::<Ipv6Addr>().is_ok()
                && !after.is_some_and(|c| c.is_ascii_alphanumeric()))
            .then_some(Found {
                start: m.start(),
                end: m.start() + candidate.len(),
                kind: "ip",
            })
        })
        .collect()
}

fn is_url_host(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches('[');
    before.ends_with("://") || before.ends_with('@')
}

/// `Host: 10.0.0.5` (curl's `> Host:` too): the server, which the rules compare.
pub fn is_host_line(line: &str) -> bool {
    let line = line.trim_start_matches(['>', '<', ' ', '\t']);
    line.get(..5)
        .is_some_and(|head| head.eq_ignore_ascii_case("host:"))
}

/// Whether a header keeps its IP addresses: the server's name.
pub fn is_host_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("host") || name == ":authority"
}

/// `text` with its e-mail and IP addresses replaced by what `mark` makes of each (kind,
/// value); `None` when it has none.
pub fn replace(text: &str, mut mark: impl FnMut(&str, &str) -> String) -> Option<String> {
    let found = find(text);
    if found.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for f in found {
        out.push_str(&text[done..f.start]);
        out.push_str(&mark(f.kind, &text[f.start..f.end]));
        done = f.end;
    }
    out.push_str(&text[done..]);
    Some(out)
}

/// Whether `text` holds an e-mail or IP address.
pub fn has_personal(text: &str) -> bool {
    !find(text).is_empty()
}

/// A JWT payload (base64url) with its identity claims replaced by what `mark` makes of each
/// (the claim's marker kind, its value: a string's text, else its JSON); `None` when it has none or is not a JSON object.
pub fn payload(encoded: &str, mut mark: impl FnMut(&str, &str) -> String) -> Option<String> {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let bytes = engine.decode(encoded.trim_end_matches('=')).ok()?;
    let Value::Object(mut claims) = serde_json::from_slice::<Value>(&bytes).ok()? else {
        return None;
    };
    let mut changed = false;
    for (name, value) in claims.iter_mut() {
        let Some((_, kind, _)) = IDENTITY_CLAIMS.iter().find(|(claim, ..)| claim == name) else {
            continue;
        };
        if !value.is_null() {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            *value = Value::String(mark(kind, &text));
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    let json = serde_json::to_vec(&Value::Object(claims)).ok()?;
    Some(engine.encode(json))
}

/// A JSON object body with the fields it keeps under `--strict` only (a token response's,
/// and a 4xx's error fields), or `None` when it is not a JSON object.
pub fn kept_fields(body: &str, client_error: bool) -> Option<Map<String, Value>> {
    let Value::Object(map) = serde_json::from_str::<Value>(body.trim()).ok()? else {
        return None;
    };
    let kept: Map<String, Value> = map
        .into_iter()
        .filter(|(key, _)| {
            TOKEN_RESPONSE_FIELDS.contains(&key.as_str())
                || (client_error && ERROR_FIELDS.contains(&key.as_str()))
        })
        .collect();
    Some(kept)
}

/// A non-JSON 4xx body kept as it is: short, and nothing was replaced in it.
pub fn keeps_text_body(original: &str, sanitized: &str) -> bool {
    original.chars().count() <= SHORT_BODY && original == sanitized && !has_personal(original)
}

/// A 4xx status: its body says why the request was refused.
pub fn is_client_error(status: Option<u64>) -> bool {
    status.is_some_and(|s| (400..500).contains(&s))
}

#[cfg(test)]
mod tests;
