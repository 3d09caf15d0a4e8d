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
