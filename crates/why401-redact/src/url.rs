//! URLs as printed: secret query values, passwords and tokens in paths or users hidden.

use crate::{is_secret_param, token_prefix};

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

/// A URL path segment or user that is a token: a JWT or a prefixed personal token.
fn token_segment(segment: &str) -> bool {
    let jwt = segment.starts_with("eyJ") && segment.contains('.');
    jwt || token_prefix(segment.as_bytes()).is_some()
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
}
