//! Secrets found inside free text (bodies, messages) by their shape, replaced by a mark.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::Fingerprint;

/// Captured text with anything secret-looking replaced by its fingerprint.
pub fn scrub(text: &str) -> String {
    scrub_secrets(text, &secret_mark)
}

/// What replaces a secret found inside a text: its fingerprint, so the same secret reads the
/// same everywhere — except for short values, whose fingerprint could be reversed by trying
/// every value of that length.
pub fn secret_mark(value: &str) -> String {
    if value.chars().count() < 12 {
        "[hidden]".to_owned()
    } else {
        Fingerprint::of_str(value).short()
    }
}

/// How a pattern's match is confirmed before it is hidden.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    /// A name that says secret, then `:` or `=`: always a secret.
    Always,
    /// A scheme then a value (`Bearer abc…`): a secret unless prose ("token expired") or an
    /// auth parameter of a challenge (`Bearer realm="api"`, `error=invalid_token`).
    Scheme,
    /// A word that says secret, then a space and a value ("API key 7c4a…", "password pw1"):
    /// a secret unless prose.
    Named,
    /// A run cut by `clip`: a secret if it has a token's mix of characters.
    Clipped,
    /// A `code` value: an authorization code (long, letters with digits), not an error code.
    AuthorizationCode,
}

/// Patterns of secrets inside free text (bodies, messages): JWTs, scheme + credential,
/// `name=value` / `"name": "value"` pairs whose name says secret, known token prefixes, and
/// long random-looking strings.
static SECRET_PATTERNS: LazyLock<Vec<(Check, Regex)>> = LazyLock::new(|| {
    [
        // "access_token": "…", "accessToken": "…", password=…, Cookie: …
        (
            Check::Always,
            r#"(?i)(?P<keep>"?\b(?:access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|client[_-]?assertion|password|passwd|api[_-]?key|x-api-key|secret|session[_-]?(?:id)?|cookie|set-cookie|authorization|assertion|subject[_-]?token|token)"?\s*[:=]\s*"?)(?P<secret>(?:(?:bearer|basic|token|dpop|digest|negotiate|ntlm|apikey|ssws)\s+)?[^"&\s,;}]+)"#
                .to_owned(),
        ),
        // code=SplxlOBeZQQYbYS6WxSbIA (an OAuth authorization code), but not "Error code: 401"
        // or "code": "invalid_api_key": the same name holds error codes, which are evidence.
        (
            Check::AuthorizationCode,
            r#"(?i)(?P<keep>"?\bcode"?\s*[:=]\s*['"]?)(?P<secret>[^"'&\s,;}]+)"#.to_owned(),
        ),
        // Bearer abc…, Basic dXNl…
        (
            Check::Scheme,
            r"(?i)(?P<keep>\b(?:bearer|basic|token|dpop|apikey|ssws|negotiate|ntlm)\s+)(?P<secret>[A-Za-z0-9._~+/=-]{6,})"
                .to_owned(),
        ),
        // Invalid API key 7c4a…, wrong password pw1, token t0k is malformed
        (
            Check::Named,
            r#"(?i)(?P<keep>\b(?:api[ _-]?key|access[ _-]?key|secret[ _-]?key|private[ _-]?key|(?:access|refresh|id)?[ _-]?token|password|passwd|secret|credentials?|session)(?:\s*:\s*|\s+)['"]?)(?P<secret>[A-Za-z0-9._~+/=-]{3,})"#
                .to_owned(),
        ),
        // JWT-like
        (
            Check::Always,
            r"(?P<keep>)(?P<secret>\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?)"
                .to_owned(),
        ),
        // personal and service token prefixes (token_prefixes.tsv)
        (Check::Always, prefixed_token_pattern()),
        // The end of a clipped text: what is left of a token cut by `clip` is too short for
        // the patterns above, yet still part of a secret.
        (
            Check::Clipped,
            r"(?P<keep>)(?P<secret>[A-Za-z0-9_\-+/=.~]{6,})…"
                .to_owned(),
        ),
    ]
    .into_iter()
    .filter_map(|(check, p)| Regex::new(&p).ok().map(|r| (check, r)))
    .collect()
});

/// A token that starts with a prefix of the table and has enough after it.
fn prefixed_token_pattern() -> String {
    let prefixes: Vec<String> = crate::token_prefixes()
        .iter()
        .map(|p| regex::escape(p.prefix))
        .collect();
    format!(
        r"(?P<keep>)(?P<secret>\b(?:{})[A-Za-z0-9_-]{{{},}})",
        prefixes.join("|"),
        crate::MIN_TOKEN_REST
    )
}

/// Long strings that look random (mixed letters and digits, 24+ characters).
const OPAQUE_PATTERN: &str = r"[A-Za-z0-9_\-+/=.~]{24,}";
static OPAQUE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(OPAQUE_PATTERN).ok());

/// Every pattern at once: most texts match none, and one pass over them says so.
static ANY_SECRET: LazyLock<Option<regex::RegexSet>> = LazyLock::new(|| {
    let patterns = SECRET_PATTERNS
        .iter()
        .map(|(_, r)| r.as_str().to_owned())
        .chain(std::iter::once(OPAQUE_PATTERN.to_owned()));
    regex::RegexSet::new(patterns).ok()
});

/// Replaces every secret-looking value in `text` with `mark(value)` (normally a
/// fingerprint), keeping the names around them so the text still reads.
pub fn scrub_secrets(text: &str, mark: &dyn Fn(&str) -> String) -> String {
    let hits = ANY_SECRET.as_ref().map(|set| set.matches(text));
    if hits.as_ref().is_some_and(|h| !h.matched_any()) {
        return text.to_owned();
    }
    let hit = |i: usize| hits.as_ref().is_none_or(|h| h.matched(i));
    let mut out = text.to_owned();
    for (i, (check, pattern)) in SECRET_PATTERNS.iter().enumerate() {
        if !hit(i) {
            continue;
        }
        let current = out.as_str();
        out = pattern
            .replace_all(current, |caps: &Captures| {
                let secret = &caps["secret"];
                let next = caps.get(0).and_then(|m| current[m.end()..].chars().next());
                if secret.starts_with("fp_")
                    || secret == "REDACTED"
                    || !confirmed(*check, secret, next)
                {
                    caps[0].to_owned()
                } else {
                    let clipped = if caps[0].ends_with('…') { "…" } else { "" };
                    format!("{}{}{clipped}", &caps["keep"], mark(secret))
                }
            })
            .into_owned();
    }
    if let Some(opaque) = OPAQUE.as_ref().filter(|_| hit(SECRET_PATTERNS.len())) {
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

/// Whether a match of a pattern of kind `check` is a secret; `next` is the character after it.
fn confirmed(check: Check, secret: &str, next: Option<char>) -> bool {
    match check {
        Check::Always => true,
        Check::Scheme => credential_like(secret) && !auth_param(secret, next),
        Check::Named => credential_like(secret),
        Check::Clipped => token_fragment(secret) && !secret.contains("fp_"),
        Check::AuthorizationCode => authorization_code_like(secret),
    }
}

/// Fewest characters of an authorization code: providers issue 20 to 1,000 (RFC 6749's
/// example has 22); error codes (`401`, `E0000011`, `AADSTS700082`) are shorter or are words.
const MIN_AUTHORIZATION_CODE: usize = 16;

fn authorization_code_like(s: &str) -> bool {
    let digit = s.chars().any(|c| c.is_ascii_digit());
    let alpha = s.chars().any(|c| c.is_ascii_alphabetic());
    s.chars().count() >= MIN_AUTHORIZATION_CODE && digit && alpha
}

/// Letters with digits, or a capital inside: a piece of a token rather than a cut word. A
/// path keeps its shape.
fn token_fragment(s: &str) -> bool {
    let digit = s.chars().any(|c| c.is_ascii_digit());
    let alpha = s.chars().any(|c| c.is_ascii_alphabetic());
    let inner_upper = s.chars().skip(1).any(|c| c.is_ascii_uppercase());
    !s.starts_with('/') && ((digit && alpha) || inner_upper)
}

/// `realm=` before `"api"`, or `error=invalid_token`: a challenge's auth parameter, not a
/// token68 (whose `=` can only be trailing padding, and which is not a lower-case word).
fn auth_param(text: &str, next: Option<char>) -> bool {
    let Some((name, value)) = text.split_once('=') else {
        return false;
    };
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-');
    is_name && (next == Some('"') || !value.trim_start_matches('=').is_empty())
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
mod tests {
    use super::*;
    use crate::clip;

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
    fn authorization_codes_are_hidden_and_error_codes_kept() {
        let out = scrub_secrets(
            "callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz then Error code: 401 - {'code': 'invalid_api_key'} and \"code\": \"E0000011\"",
            &mark,
        );
        assert!(!out.contains("SplxlOBeZQQYbYS6WxSbIA"), "{out}");
        for kept in ["Error code: 401", "'invalid_api_key'", "E0000011"] {
            assert!(out.contains(kept), "{kept} in {out}");
        }
    }

    #[test]
    fn camel_case_and_kebab_case_names_say_secret_too() {
        let body = r#"{"clientSecret": "nGqgGbRn0I1dH13IfW", "accessToken": "GCF0josoMg6MA8HQdFwp", "refreshToken": "jYmmfAyae4rsD4CYonON", "api-key": "k2k2k2", "sessionId": "s3s3", "tokenType": "Bearer"}"#;
        let out = scrub_secrets(body, &mark);
        for secret in [
            "nGqgGbRn0I1dH13IfW",
            "GCF0josoMg6MA8HQdFwp",
            "jYmmfAyae4rsD4CYonON",
            "k2k2k2",
            "s3s3",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(out.contains(r#""tokenType": "Bearer""#), "{out}");
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
    fn challenge_parameters_are_not_tokens() {
        let text = r#"Bearer realm="Example API", error="invalid_token", error_description="Token has expired""#;
        assert_eq!(scrub_secrets(text, &mark), text);
        let unquoted = "Bearer error=invalid_token, scope=read";
        assert_eq!(scrub_secrets(unquoted, &mark), unquoted);
        // A padded token68 before a quote is still a token.
        let json = r#"{"authorization":"Basic dXNlcjpwYXNz=="}"#;
        assert!(!scrub_secrets(json, &mark).contains("dXNlcjpwYXNz"));
    }

    #[test]
    fn values_after_words_that_say_secret() {
        let out = scrub_secrets(
            "Invalid API key 7c4a8d09ca3762af61e59520943dc264; wrong password pw1; token t0k is malformed; bad credentials YTpi",
            &mark,
        );
        for secret in ["7c4a8d09ca3762af61e59520943dc264", "pw1", "t0k", "YTpi"] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        let prose = "the token has expired; the password grant was refused; token_revoked";
        assert_eq!(scrub_secrets(prose, &mark), prose);
    }

    #[test]
    fn a_token_cut_by_clip_is_still_hidden() {
        let text = clip("the upstream refused Cl1pB0dyQz8Lm3Wp7Xk2Vt9Rn6Yd4Hs", 36);
        let out = scrub_secrets(&text, &mark);
        assert!(!out.contains("Cl1pB0dy"), "{out}");
        assert!(out.ends_with('…'), "{out}");
        let prose = clip("the upstream refused the authorization", 34);
        assert_eq!(scrub_secrets(&prose, &mark), prose);
    }

    #[test]
    fn ordinary_text_survives() {
        let text = "The access token expired at 2024-03-08T14:05:12Z (request_id req_7f3a9c01d2, trace 4bf92f3577b34da6a3ce929d0e0e4736)";
        assert_eq!(scrub_secrets(text, &mark), text);
    }
}
