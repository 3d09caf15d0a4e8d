//! Secrets found inside free text (bodies, messages) by their shape, replaced by a mark.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::Fingerprint;
use crate::prefilter::{Gate, Gates, OPAQUE_MIN};

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
    /// Always a secret.
    Always,
    /// A name that says secret, then `:` or `=`: a secret, unless what follows is a status
    /// code or a label, as when prose names a token ("cannot fetch token: 401 Unauthorized",
    /// "verify token: oidc: token is expired").
    Pair,
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
///
/// Each pattern comes with the gate that must be open for it to match (`prefilter`).
static SECRET_PATTERNS: LazyLock<Vec<SecretPattern>> = LazyLock::new(|| {
    [
        // "access_token": "…", "accessToken": "…", password=…, Cookie: …
        (
            Check::Pair, Gate::Keyword,
            r#"(?i)(?P<keep>"?\b(?:access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|client[_-]?assertion|password|passwd|api[_-]?key|x-api-key|secret|session[_-]?(?:id)?|cookie|set-cookie|authorization|assertion|subject[_-]?token|token)"?\s*[:=]\s*"?)(?P<secret>(?:(?:bearer|basic|token|dpop|digest|negotiate|ntlm|apikey|ssws)\s+)?[^"&\s,;}]+)"#
                .to_owned(),
        ),
        // code=SplxlOBeZQQYbYS6WxSbIA (an OAuth authorization code), but not "Error code: 401"
        // or "code": "invalid_api_key": the same name holds error codes, which are evidence.
        (
            Check::AuthorizationCode, Gate::Keyword,
            r#"(?i)(?P<keep>"?\bcode"?\s*[:=]\s*['"]?)(?P<secret>[^"'&\s,;}]+)"#.to_owned(),
        ),
        // Bearer abc…, Basic dXNl…
        (
            Check::Scheme, Gate::Keyword,
            r"(?i)(?P<keep>\b(?:bearer|basic|token|dpop|apikey|ssws|negotiate|ntlm)\s+)(?P<secret>[A-Za-z0-9._~+/=-]{6,})"
                .to_owned(),
        ),
        // Invalid API key 7c4a…, wrong password pw1, token t0k is malformed
        (
            Check::Named, Gate::Keyword,
            r#"(?i)(?P<keep>\b(?:api[ _-]?key|access[ _-]?key|secret[ _-]?key|private[ _-]?key|(?:access|refresh|id)?[ _-]?token|password|passwd|secret|credentials?|session)(?:\s*:\s*|\s+)['"]?)(?P<secret>[A-Za-z0-9._~+/=-]{3,})"#
                .to_owned(),
        ),
        // JWT-like
        (
            Check::Always, Gate::Jwt,
            r"(?P<keep>)(?P<secret>\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?)"
                .to_owned(),
        ),
        // personal and service token prefixes (token_prefixes.tsv)
        (Check::Always, Gate::Prefix, prefixed_token_pattern()),
        // The end of a clipped text: what is left of a token cut by `clip` is too short for
        // the patterns above, yet still part of a secret.
        (
            Check::Clipped, Gate::Ellipsis,
            r"(?P<keep>)(?P<secret>[A-Za-z0-9_\-+/=.~]{6,})…"
                .to_owned(),
        ),
    ]
    .into_iter()
    .filter_map(|(check, gate, p)| SecretPattern::new(check, gate, &p))
    .collect()
});

/// A pattern of [`SECRET_PATTERNS`], compiled twice: Unicode word boundaries (`\b`) cost a
/// slow search engine, and on ASCII text (where case folding cannot meet `ſ` or the Kelvin
/// sign either) ASCII boundaries find exactly the same matches.
struct SecretPattern {
    check: Check,
    gate: Gate,
    unicode: Regex,
    ascii: Regex,
}

impl SecretPattern {
    fn new(check: Check, gate: Gate, pattern: &str) -> Option<Self> {
        let unicode = Regex::new(pattern).ok()?;
        let ascii = Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).ok()?;
        Some(SecretPattern {
            check,
            gate,
            unicode,
            ascii,
        })
    }

    /// The compiled pattern to search `text` with: the ASCII one unless a character outside
    /// ASCII is a word character, the only place where the two kinds of `\b` disagree (the
    /// sanitizer's own placeholders, `\u{E000}`, are not).
    fn for_text(&self, text: &str) -> &Regex {
        if text.is_ascii() || !NON_ASCII_WORD.is_match(text) {
            &self.ascii
        } else {
            &self.unicode
        }
    }
}

/// A word character (what Unicode `\b` reads) outside ASCII.
static NON_ASCII_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\w&&[^\x00-\x7F]]").expect("constant pattern") // ok: fixed pattern, run by every scrub test
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
static OPAQUE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!(r"[A-Za-z0-9_\-+/=.~]{{{OPAQUE_MIN},}}")).ok());

/// Replaces every secret-looking value in `text` with `mark(value)` (normally a
/// fingerprint), keeping the names around them so the text still reads.
pub fn scrub_secrets(text: &str, mark: &dyn Fn(&str) -> String) -> String {
    let gates = Gates::of(text);
    scrub_with(
        text,
        mark,
        &|i| {
            let gate = SECRET_PATTERNS.get(i).map_or(Gate::Opaque, |p| p.gate);
            gates.open(gate)
        },
        SecretPattern::for_text,
    )
}

/// The pattern pass: pattern `i` runs when `may_match(i)` and it matches `text` itself (a
/// pattern that only matches what an earlier one wrote is not run); `may_match(i)` may only
/// say no for patterns that cannot match `text`. Index `SECRET_PATTERNS.len()` is `OPAQUE`.
/// `engine` picks the compiled form of a pattern for a text.
fn scrub_with(
    text: &str,
    mark: &dyn Fn(&str) -> String,
    may_match: &dyn Fn(usize) -> bool,
    engine: for<'p> fn(&'p SecretPattern, &str) -> &'p Regex,
) -> String {
    let mut out = text.to_owned();
    for (i, secret_pattern) in SECRET_PATTERNS.iter().enumerate() {
        // While nothing was replaced, a pattern that does not match `text` leaves `out` as
        // it is: asking first would only scan the text twice.
        if !may_match(i) || (out != text && !engine(secret_pattern, text).is_match(text)) {
            continue;
        }
        let (check, pattern) = (secret_pattern.check, engine(secret_pattern, &out));
        let current = out.as_str();
        out = pattern
            .replace_all(current, |caps: &Captures| {
                let secret = &caps["secret"];
                let next = caps.get(0).and_then(|m| current[m.end()..].chars().next());
                if secret.starts_with("fp_")
                    || secret == "REDACTED"
                    || !confirmed(check, secret, next)
                {
                    caps[0].to_owned()
                } else {
                    let clipped = if caps[0].ends_with('…') { "…" } else { "" };
                    format!("{}{}{clipped}", &caps["keep"], mark(secret))
                }
            })
            .into_owned();
    }
    // The gate of `OPAQUE` is exact: a run of its characters is a match.
    if let Some(opaque) = OPAQUE.as_ref().filter(|_| may_match(SECRET_PATTERNS.len())) {
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
        Check::Pair => !status_in_prose(secret, next) && !label(secret),
        Check::Scheme => credential_like(secret) && !auth_param(secret, next),
        Check::Named => credential_like(secret) && !status_in_prose(secret, next),
        Check::Clipped => token_fragment(secret) && !secret.contains("fp_"),
        Check::AuthorizationCode => authorization_code_like(secret),
    }
}

/// An HTTP status code (`401`) followed by a space, as prose writes after "token:".
fn status_in_prose(s: &str, next: Option<char>) -> bool {
    let code = s.len() == 3
        && s.starts_with(['1', '2', '3', '4', '5'])
        && s.bytes().all(|b| b.is_ascii_digit());
    code && next == Some(' ')
}

/// Longest label a prose `token:` is followed by (`oidc:`).
const MAX_LABEL: usize = 12;

/// A short lower-case word and a colon: the label of what follows, not a value.
fn label(s: &str) -> bool {
    s.strip_suffix(':').is_some_and(|word| {
        !word.is_empty() && word.len() < MAX_LABEL && word.bytes().all(|b| b.is_ascii_lowercase())
    })
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
    fn a_status_or_a_label_after_a_prose_token_is_kept() {
        let mark = |_: &str| "[hidden]".to_owned();
        for text in [
            "oauth2: cannot fetch token: 401 Unauthorized",
            "oidc: verify token: oidc: token is expired",
        ] {
            assert_eq!(scrub_secrets(text, &mark), text);
        }
        // A value is still hidden, and so is a status-like value that ends the text.
        for text in ["token: 7c4a8d09ca3762af", "token: t0k3n", "token=401"] {
            assert!(scrub_secrets(text, &mark).contains("[hidden]"), "{text}");
        }
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

    /// The pass as it was before the gates: every pattern asked of `text` at once.
    fn unfiltered(text: &str) -> String {
        static SET: LazyLock<regex::RegexSet> = LazyLock::new(|| {
            let patterns = SECRET_PATTERNS
                .iter()
                .map(|p| p.unicode.as_str().to_owned());
            let opaque = OPAQUE.as_ref().map(|o| o.as_str().to_owned());
            regex::RegexSet::new(patterns.chain(opaque)).expect("constant pattern")
        });
        let hits = SET.matches(text);
        scrub_with(text, &mark, &|i| hits.matched(i), |p, _| &p.unicode)
    }

    /// Every sample and test file of the repository, whole, by line and by `"`-separated
    /// piece (roughly its JSON strings).
    fn corpus() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs = vec![root.join("samples"), root.join("tests")];
        let mut texts: Vec<String> = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    texts.extend(text.lines().map(str::to_owned));
                    texts.extend(text.split('"').map(str::to_owned));
                    // Whole files too, where they are small enough for a debug build.
                    if text.len() <= 16_384 {
                        texts.push(text);
                    }
                }
            }
        }
        texts.extend(
            [
                "ſecret=abc123",
                "\u{212A}EY: v4lue",
                "passwd pw1…",
                "x eyJhbGciOi.eyJ",
                "é token=zzz9",
                "étoken=zzz9abc",
                "x\u{E000}token=zz9 étoken=q1w2e3r4",
                "Bearer\u{A0}abcdef123",
                "Cl1pB0dyQz8Lm3Wp7Xk2Vt9Rn6Yd4Hs…",
                "ghp_abcdefghijklmnop1234",
            ]
            .map(str::to_owned),
        );
        texts.sort_unstable();
        texts.dedup();
        texts
    }

    #[test]
    fn the_gates_change_nothing() {
        let texts = corpus();
        assert!(texts.len() > 1000, "the corpus was found: {}", texts.len());
        for text in &texts {
            let gates = Gates::of(text);
            for pattern in SECRET_PATTERNS.iter() {
                if pattern.unicode.is_match(text) || pattern.ascii.is_match(text) {
                    let gate = pattern.gate;
                    assert!(gates.open(gate), "{gate:?} closed on {text:?}");
                }
            }
            assert_eq!(scrub_secrets(text, &mark), unfiltered(text), "{text:?}");
        }
    }

    #[test]
    fn ordinary_text_survives() {
        let text = "The access token expired at 2024-03-08T14:05:12Z (request_id req_7f3a9c01d2, trace 4bf92f3577b34da6a3ce929d0e0e4736)";
        assert_eq!(scrub_secrets(text, &mark), text);
    }
}
