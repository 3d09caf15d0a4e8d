//! What may be printed of captured text: secret query values removed from URLs, control
//! characters escaped. Every writer and every message goes through here.

/// Query and form parameter names whose values are secrets.
const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "id_token",
    "refresh_token",
    "token",
    "code",
    "client_secret",
    "client_assertion",
    "password",
    "passwd",
    "pwd",
    "secret",
    "api_key",
    "apikey",
    "key",
    "sig",
    "signature",
    "x-amz-signature",
    "x-amz-security-token",
    "assertion",
    "subject_token",
    "session",
    "sessionid",
    "auth",
];

/// Whether a query or form parameter's value must never be printed.
pub fn is_secret_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_PARAMS.contains(&name.as_str()) || name.ends_with("_token") || name.ends_with("secret")
}

/// The URL with every secret query value replaced by `REDACTED` (fragment dropped).
pub fn redact_url(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let Some((base, query)) = url.split_once('?') else {
        return strip_userinfo(url);
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret_param(&crate::model::percent_decode(name)) => {
                format!("{name}=REDACTED")
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("{}?{}", strip_userinfo(base), pairs.join("&"))
}

/// `https://user:pass@host/` loses its password.
fn strip_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let user = rest[..at].split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..scheme_end + 3], user, &rest[at + 1..])
        }
        None => url.to_owned(),
    }
}

/// Escapes control characters and terminal escape sequences so captured text printed to a
/// terminal cannot move the cursor, change colours or ring bells.
pub fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters of `text`, with `…` when cut.
pub fn clip(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_query_values_are_redacted() {
        assert_eq!(
            redact_url("https://api.example.com/v2/devices?access_token=abc.def&limit=5#frag"),
            "https://api.example.com/v2/devices?access_token=REDACTED&limit=5"
        );
        assert_eq!(
            redact_url("https://x/cb?code=123&state=ok&client_secret=s3"),
            "https://x/cb?code=REDACTED&state=ok&client_secret=REDACTED"
        );
        assert_eq!(redact_url("https://u:pw@x/y"), "https://u@x/y");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_control("a\u{1b}[31mb\u{7}"), "a\\u{1b}[31mb\\u{7}");
        assert_eq!(clip("abcdef", 3), "abc…");
    }
}

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Patterns of secrets inside free text (bodies, messages): JWTs, scheme + credential,
/// `name=value` / `"name": "value"` pairs whose name says secret, known token prefixes, and
/// long random-looking strings.
static SECRET_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // "access_token": "…", password=…, Cookie: …
        r#"(?i)(?P<keep>"?\b(?:access_token|refresh_token|id_token|client_secret|client_assertion|password|passwd|api_?key|x-api-key|secret|session(?:id)?|cookie|set-cookie|authorization|code|assertion|subject_token|token)"?\s*[:=]\s*"?)(?P<secret>(?:(?:bearer|basic|token|dpop|digest|negotiate|ntlm|apikey|ssws)\s+)?[^"&\s,;}]+)"#,
        // Bearer abc…, Basic dXNl…
        r"(?i)(?P<keep>\b(?:bearer|basic|token|dpop|apikey|ssws|negotiate|ntlm)\s+)(?P<secret>[A-Za-z0-9._~+/=-]{6,})",
        // JWT-like
        r"(?P<keep>)(?P<secret>\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?)",
        // personal and service token prefixes
        r"(?P<keep>)(?P<secret>\b(?:ghp|gho|ghu|ghs|ghr|github_pat|glpat|sk_live|sk_test|rk_live|xoxb|xoxp|xoxa|AKIA|ASIA)[_-][A-Za-z0-9_-]{8,})",
    ]
    .iter()
    .filter_map(|p| Regex::new(p).ok())
    .collect()
});

/// Long strings that look random (mixed letters and digits, 24+ characters).
static OPAQUE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9_\-+/=.~]{24,}").ok());

/// Replaces every secret-looking value in `text` with `mark(value)` (normally a
/// fingerprint), keeping the names around them so the text still reads.
pub fn scrub_secrets(text: &str, mark: &dyn Fn(&str) -> String) -> String {
    let mut out = text.to_owned();
    for (i, pattern) in SECRET_PATTERNS.iter().enumerate() {
        // Only the scheme pattern can meet prose ("token expired"); named pairs always hide.
        let needs_shape = i == 1;
        out = pattern
            .replace_all(&out, |caps: &Captures| {
                let secret = &caps["secret"];
                if secret.starts_with("fp_")
                    || secret == "REDACTED"
                    || (needs_shape && !credential_like(secret))
                {
                    caps[0].to_owned()
                } else {
                    format!("{}{}", &caps["keep"], mark(secret))
                }
            })
            .into_owned();
    }
    if let Some(opaque) = OPAQUE.as_ref() {
        out = opaque
            .replace_all(&out, |caps: &Captures| {
                let candidate = &caps[0];
                if looks_random(candidate) {
                    mark(candidate)
                } else {
                    candidate.to_owned()
                }
            })
            .into_owned();
    }
    out
}

/// A word that could be a credential rather than prose: a digit or a symbol in it, or a
/// capital letter after the first character.
fn credential_like(s: &str) -> bool {
    let word = s.rsplit(char::is_whitespace).next().unwrap_or(s);
    // `realm=`, `error=`: a challenge parameter's name, not a token68 value.
    if let Some(name) = word.strip_suffix('=')
        && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    {
        return false;
    }
    word.chars()
        .any(|c| c.is_ascii_digit() || "=._-+/~".contains(c))
        || word.chars().skip(1).any(|c| c.is_ascii_uppercase())
}

/// Mixed upper, lower and digits, not a UUID, a hex id, a URL path or a fingerprint.
fn looks_random(s: &str) -> bool {
    if s.starts_with("fp_") || s.contains('/') && s.starts_with('/') {
        return false;
    }
    let upper = s.chars().any(|c| c.is_ascii_uppercase());
    let lower = s.chars().any(|c| c.is_ascii_lowercase());
    let digit = s.chars().any(|c| c.is_ascii_digit());
    let hex_or_uuid = s.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    upper && lower && digit && !hex_or_uuid
}

#[cfg(test)]
mod scrub_tests {
    use super::*;

    fn mark(_: &str) -> String {
        "fp_x".into()
    }

    #[test]
    fn secrets_in_bodies_are_replaced() {
        let body = r#"{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln","refresh_token":"def502abc","token_type":"Bearer"}"#;
        let out = scrub_secrets(body, &mark);
        assert!(!out.contains("eyJhbG"), "{out}");
        assert!(!out.contains("def502abc"), "{out}");
        assert!(out.contains(r#""token_type":"Bearer""#), "{out}");
    }

    #[test]
    fn schemes_pairs_and_prefixes() {
        let out = scrub_secrets(
            "Authorization: Basic dXNlcjpwYXNz and password=hunter and key ghp_abcdefghijklmnop1234",
            &mark,
        );
        assert!(!out.contains("dXNlcjpwYXNz"), "{out}");
        assert!(!out.contains("hunter"), "{out}");
        assert!(!out.contains("ghp_abcdefghijklmnop1234"), "{out}");
    }

    #[test]
    fn challenge_parameters_survive() {
        let text = r#"Bearer realm="Example API", error="invalid_token""#;
        assert_eq!(scrub_secrets(text, &mark), text);
    }

    #[test]
    fn ordinary_text_survives() {
        let text = "The access token expired at 2024-03-08T14:05:12Z (request_id req_7f3a9c01d2, trace 4bf92f3577b34da6a3ce929d0e0e4736)";
        assert_eq!(scrub_secrets(text, &mark), text);
    }
}
