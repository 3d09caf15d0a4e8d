//! What may be printed of captured text: secret query values removed from URLs, control
//! characters escaped. Every writer and every message goes through here.

pub mod fingerprint;

pub use fingerprint::Fingerprint;

pub use why401_model::secret_names::is_secret_param;

/// The URL with every secret query value replaced by `REDACTED` (fragment dropped), the
/// userinfo's password dropped, and path segments, query values or a user that are tokens (a
/// magic link's JWT, `?jwt=eyJ…`, `https://ghp_…@github.com/`) replaced by `REDACTED`.
pub fn redact_url(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let Some((base, query)) = url.split_once('?') else {
        return redact_base(url);
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value))
                if is_secret_param(&why401_model::exchange::percent_decode(name))
                    || token_segment(&why401_model::exchange::percent_decode(value)) =>
            {
                format!("{name}=REDACTED")
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("{}?{}", redact_base(base), pairs.join("&"))
}

/// The part before the query: userinfo and path segments.
fn redact_base(url: &str) -> String {
    let (prefix, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let authority_end = if prefix.is_empty() {
        0
    } else {
        rest.find('/').unwrap_or(rest.len())
    };
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => {
            let user = authority[..at].split(':').next().unwrap_or("");
            let user = if token_segment(user) {
                "REDACTED"
            } else {
                user
            };
            format!("{user}@{}", &authority[at + 1..])
        }
        None => authority.to_owned(),
    };
    let path: Vec<&str> = path
        .split('/')
        .map(|segment| {
            if token_segment(segment) {
                "REDACTED"
            } else {
                segment
            }
        })
        .collect();
    format!("{prefix}{authority}{}", path.join("/"))
}

/// Personal and service token prefixes (`ghp_…`, `glpat-…`, `sk_live_…`).
const TOKEN_PREFIXES: &[&str] = &[
    "ghp",
    "gho",
    "ghu",
    "ghs",
    "ghr",
    "github_pat",
    "glpat",
    "sk_live",
    "sk_test",
    "rk_live",
    "xoxb",
    "xoxp",
    "xoxa",
];

/// A URL path segment or user that is a token: a JWT or a prefixed personal token.
fn token_segment(segment: &str) -> bool {
    let jwt = segment.starts_with("eyJ") && segment.contains('.');
    let prefixed = TOKEN_PREFIXES.iter().any(|prefix| {
        segment
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix(['_', '-']))
            .is_some_and(|rest| rest.len() >= 8)
    });
    jwt || prefixed
}

/// A request's method as printed. A method is a short word (`GET`, `M-SEARCH`); anything
/// else a reader took for one (a token in a broken record) is not shown.
pub fn printable_method(method: &str) -> &str {
    let word = method.len() <= 24 && method.chars().all(|c| c.is_ascii_alphabetic() || c == '-');
    if word { method } else { "" }
}

/// A request's HTTP version as printed: `HTTP/1.1`, `HTTP/2`, `h2`; anything else (a token
/// in a broken record) is not shown.
pub fn printable_version(version: &str) -> &str {
    let lower = version.to_ascii_lowercase();
    let number = |v: &str| {
        !v.is_empty() && v.len() <= 3 && v.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    let known = lower.strip_prefix("http/").is_some_and(number)
        || matches!(lower.as_str(), "h2" | "h2c" | "h3" | "spdy/3.1" | "quic");
    if known { version } else { "" }
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
        assert_eq!(redact_url("/relative?code=1"), "/relative?code=REDACTED");
    }

    #[test]
    fn secret_names_in_any_style_and_tokens_under_any_name_are_redacted() {
        assert_eq!(
            redact_url(
                "https://h/s?accessToken=a1&api-key=k2&X-Api-Key=k3&clientSecret=c4&limit=5"
            ),
            "https://h/s?accessToken=REDACTED&api-key=REDACTED&X-Api-Key=REDACTED&clientSecret=REDACTED&limit=5"
        );
        assert_eq!(
            redact_url(
                "https://h/ws?jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln&t=ghp_abcdefghijklmnop&page=2"
            ),
            "https://h/ws?jwt=REDACTED&t=REDACTED&page=2"
        );
        for name in [
            "refreshToken",
            "ID-TOKEN",
            "user_password",
            "sessionId",
            "Signature",
        ] {
            assert!(is_secret_param(name), "{name}");
        }
        for name in [
            "state",
            "limit",
            "redirect_uri",
            "grant_type",
            "scope",
            "client_id",
        ] {
            assert!(!is_secret_param(name), "{name}");
        }
    }

    #[test]
    fn tokens_in_paths_and_users_are_redacted() {
        assert_eq!(
            redact_url("https://h/v2/activate/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln/confirm"),
            "https://h/v2/activate/REDACTED/confirm"
        );
        assert_eq!(
            redact_url("https://ghp_abcdefghijklmnop1234@github.com/acme/app.git"),
            "https://REDACTED@github.com/acme/app.git"
        );
        assert_eq!(
            redact_url("https://api.example.com/v2/devices/12345"),
            "https://api.example.com/v2/devices/12345"
        );
    }

    #[test]
    fn only_methods_and_versions_are_printed_as_such() {
        assert_eq!(printable_method("GET"), "GET");
        assert_eq!(printable_method("M-SEARCH"), "M-SEARCH");
        assert_eq!(
            printable_method("ghp_LYtoiyKwfnxx08lHrCuxjv03rO6lhRLaxmcg"),
            ""
        );
        assert_eq!(printable_method("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"), "");
        assert_eq!(printable_version("HTTP/1.1"), "HTTP/1.1");
        assert_eq!(printable_version("HTTP/2"), "HTTP/2");
        assert_eq!(printable_version("h3"), "h3");
        assert_eq!(
            printable_version("Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
            ""
        );
        assert_eq!(printable_version("HTTP/secret123"), "");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_control("a\u{1b}[31mb\u{7}"), "a\\u{1b}[31mb\\u{7}");
        assert_eq!(clip("abcdef", 3), "abc…");
    }
}

use std::sync::LazyLock;

use regex::{Captures, Regex};

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
}

/// Patterns of secrets inside free text (bodies, messages): JWTs, scheme + credential,
/// `name=value` / `"name": "value"` pairs whose name says secret, known token prefixes, and
/// long random-looking strings.
static SECRET_PATTERNS: LazyLock<Vec<(Check, Regex)>> = LazyLock::new(|| {
    [
        // "access_token": "…", "accessToken": "…", password=…, Cookie: …
        (
            Check::Always,
            r#"(?i)(?P<keep>"?\b(?:access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|client[_-]?assertion|password|passwd|api[_-]?key|x-api-key|secret|session[_-]?(?:id)?|cookie|set-cookie|authorization|code|assertion|subject[_-]?token|token)"?\s*[:=]\s*"?)(?P<secret>(?:(?:bearer|basic|token|dpop|digest|negotiate|ntlm|apikey|ssws)\s+)?[^"&\s,;}]+)"#,
        ),
        // Bearer abc…, Basic dXNl…
        (
            Check::Scheme,
            r"(?i)(?P<keep>\b(?:bearer|basic|token|dpop|apikey|ssws|negotiate|ntlm)\s+)(?P<secret>[A-Za-z0-9._~+/=-]{6,})",
        ),
        // Invalid API key 7c4a…, wrong password pw1, token t0k is malformed
        (
            Check::Named,
            r#"(?i)(?P<keep>\b(?:api[ _-]?key|access[ _-]?key|secret[ _-]?key|private[ _-]?key|(?:access|refresh|id)?[ _-]?token|password|passwd|secret|credentials?|session)(?:\s*:\s*|\s+)['"]?)(?P<secret>[A-Za-z0-9._~+/=-]{3,})"#,
        ),
        // JWT-like
        (
            Check::Always,
            r"(?P<keep>)(?P<secret>\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?)",
        ),
        // personal and service token prefixes
        (
            Check::Always,
            r"(?P<keep>)(?P<secret>\b(?:ghp|gho|ghu|ghs|ghr|github_pat|glpat|sk_live|sk_test|rk_live|xoxb|xoxp|xoxa|AKIA|ASIA)[_-][A-Za-z0-9_-]{8,})",
        ),
        // The end of a clipped text: what is left of a token cut by `clip` is too short for
        // the patterns above, yet still part of a secret.
        (
            Check::Clipped,
            r"(?P<keep>)(?P<secret>[A-Za-z0-9_\-+/=.~]{6,})…",
        ),
    ]
    .iter()
    .filter_map(|(check, p)| Regex::new(p).ok().map(|r| (*check, r)))
    .collect()
});

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
    }
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

/// Credentials the exchange itself carries, hidden wherever the server echoes them. The
/// patterns of [`scrub_secrets`] cannot know that `fleet-app / 13IfWGCF0josoMg6 rejected`
/// quotes a password, but the request's `Authorization` says so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownSecrets(Vec<String>);

/// Values shorter than this are not hidden by value: a one-letter password would hide every
/// `a` of the text.
const MIN_KNOWN_LEN: usize = 3;

/// Header names (lower case) whose values are credentials besides `Authorization` and
/// `Cookie`: API keys, session and CSRF tokens, secrets.
const CREDENTIAL_HEADER_HINTS: &[&str] = &[
    "key",
    "token",
    "secret",
    "session",
    "password",
    "csrf",
    "xsrf",
    "credential",
    "signature",
];

impl KnownSecrets {
    /// The secrets of `exchange`: its credential headers (a Basic value also as `user:password`
    /// and password), cookie values, secret query, userinfo and form values, and the cookies
    /// its response sets.
    pub fn of(exchange: &why401_model::exchange::Exchange) -> KnownSecrets {
        let request = &exchange.request;
        let mut values = Vec::new();
        for header in request.headers.iter() {
            let name = header.name.to_ascii_lowercase();
            if name == "cookie" {
                cookie_values(&header.value, &mut values);
            } else if name.ends_with("authorization") {
                authorization_values(&header.value, &mut values);
            } else if CREDENTIAL_HEADER_HINTS.iter().any(|h| name.contains(h))
                && !is_setting(header.value.trim())
            {
                values.push(header.value.trim().to_owned());
            }
        }
        let set_cookies = exchange
            .response
            .iter()
            .flat_map(|r| r.headers.get_all("set-cookie"));
        for set_cookie in set_cookies {
            cookie_values(set_cookie.split(';').next().unwrap_or(""), &mut values);
        }
        let (url, fragment) = request.url.split_once('#').unwrap_or((&request.url, ""));
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let params = [query, fragment].map(why401_model::exchange::parse_form);
        for (name, value) in params.iter().flatten().chain(&request.form) {
            if is_secret_param(name) {
                values.push(value.clone());
            }
        }
        values.extend(userinfo_password(url));
        values.retain(|v| v.chars().count() >= MIN_KNOWN_LEN && v != "REDACTED");
        // Longest first: a password inside its `user:password` is hidden with the pair.
        values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        values.dedup();
        KnownSecrets(values)
    }

    /// `text` with every whole-word occurrence of a known secret replaced by `mark(secret)`.
    /// A word ends where a letter or digit does not follow (`pw1` in `upw12` is left).
    pub fn hide(&self, text: &str, mark: &dyn Fn(&str) -> String) -> String {
        let mut out = text.to_owned();
        for secret in &self.0 {
            out = replace_words(&out, secret, mark);
        }
        out
    }
}

fn replace_words(text: &str, word: &str, mark: &dyn Fn(&str) -> String) -> String {
    let is_word_char = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back().or(out.chars().next_back());
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        if is_word_char(before) || is_word_char(after) {
            out.push_str(word);
        } else {
            out.push_str(&mark(word));
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// The credential of an `Authorization` value (each piece, when whitespace split it), and
/// for Basic the decoded `user:password` and password (the user when the password is empty:
/// an API key sent as user).
fn authorization_values(value: &str, values: &mut Vec<String>) {
    let value = value.trim();
    let (scheme, credential) = match value.split_once(char::is_whitespace) {
        Some((scheme, rest)) => (scheme, rest.trim()),
        None => ("", value),
    };
    values.push(credential.to_owned());
    values.extend(credential.split_whitespace().map(str::to_owned));
    if !scheme.eq_ignore_ascii_case("basic") {
        return;
    }
    use base64::Engine as _;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let decoded = engine
        .decode(credential)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    if let Some((user, password)) = decoded.as_deref().and_then(|d| d.split_once(':')) {
        values.push(format!("{user}:{password}"));
        values.push(if password.is_empty() { user } else { password }.to_owned());
    }
}

/// The values of `name=value; name2=value2`, but not settings (`theme=dark`).
fn cookie_values(header: &str, values: &mut Vec<String>) {
    for pair in header.split(';') {
        if let Some((_, value)) = pair.split_once('=') {
            let value = value.trim().trim_matches('"');
            if !is_setting(value) {
                values.push(value.to_owned());
            }
        }
    }
}

/// A cookie or header value that is a setting, not a secret (`true`, `dark`, `en`, `1`):
/// hiding it would hide every `true` of a JSON body.
fn is_setting(value: &str) -> bool {
    let word = value.len() <= 8 && value.chars().all(|c| c.is_ascii_lowercase());
    let small_number = value.len() <= 4 && value.chars().all(|c| c.is_ascii_digit());
    word || small_number
}

/// The password of `scheme://user:password@host/…`.
fn userinfo_password(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    userinfo.split_once(':').map(|(_, p)| p.to_owned())
}

#[cfg(test)]
mod known_tests {
    use super::*;
    use why401_model::exchange::{Exchange, Location, Request, Response};

    fn mark(_: &str) -> String {
        "fp_x".into()
    }

    fn exchange(headers: &[(&str, &str)], url: &str) -> Exchange {
        let mut request = Request::recorded("GET", url);
        for (name, value) in headers {
            request.headers.push(*name, *value);
        }
        Exchange::new(Location::Line(1), request)
    }

    #[test]
    fn a_basic_password_echoed_without_a_keyword_is_hidden() {
        // fleet-app:13IfWGCF0josoMg6
        let ex = exchange(
            &[(
                "Authorization",
                "Basic ZmxlZXQtYXBwOjEzSWZXR0NGMGpvc29NZzY=",
            )],
            "https://api.example.com/v2/firmware",
        );
        let body = r#"{"message": "fleet-app / 13IfWGCF0josoMg6 rejected"}"#;
        assert_eq!(scrub_secrets(body, &mark), body, "no pattern knows it");
        let out = KnownSecrets::of(&ex).hide(body, &mark);
        assert_eq!(out, r#"{"message": "fleet-app / fp_x rejected"}"#);
    }

    #[test]
    fn every_place_a_request_carries_a_secret() {
        let mut ex = exchange(
            &[
                (
                    "Cookie",
                    "session=s3ss10nValue; theme=dark; consent=true; n=1",
                ),
                ("X-Api-Key", "k3yValue9"),
                ("Authorization", "Basic azdRelgybVc5OnE="),
            ],
            "https://u:urlPw9@h/cb?code=c0deValue&state=ok#access_token=fragTok3n",
        );
        ex.request.form = vec![("client_secret".into(), "cs_v4lue".into())];
        let mut response = Response::new(401);
        response.headers.push("Set-Cookie", "sid=n3wSid; HttpOnly");
        ex.response = Some(response);
        let text = "s3ss10nValue k3yValue9 k7QzX2mW9:q c0deValue fragTok3n cs_v4lue urlPw9 n3wSid ok dark true 1";
        let out = KnownSecrets::of(&ex).hide(text, &mark);
        assert_eq!(
            out, "fp_x fp_x fp_x fp_x fp_x fp_x fp_x fp_x ok dark true 1",
            "`state` and the cookies that are settings are not secrets"
        );
    }

    #[test]
    fn short_values_and_words_inside_words_are_kept() {
        let ex = exchange(&[("Authorization", "Basic YWRtaW46cHcx")], "/x");
        let out = KnownSecrets::of(&ex).hide("password pw1, upw12 and xpw1; a:b", &mark);
        assert_eq!(out, "password fp_x, upw12 and xpw1; a:b");
        let tiny = exchange(&[("Authorization", "Basic YTpi")], "/x");
        assert_eq!(KnownSecrets::of(&tiny).hide("a b a:b", &mark), "a b fp_x");
    }
}
