//! Secrets known by value: the credentials an exchange itself carries.

use std::borrow::Cow;

use crate::is_secret_param;

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
        let mut out = Cow::Borrowed(text);
        for secret in &self.0 {
            // Most texts are short lines and most secrets long tokens: a secret longer than
            // the text cannot be in it, and looking costs a searcher built for the secret.
            if secret.len() > out.len() {
                continue;
            }
            if let Some(replaced) = replace_words(&out, secret, mark) {
                out = Cow::Owned(replaced);
            }
        }
        out.into_owned()
    }
}

/// `text` with `word` replaced where it is a whole word; `None` when `word` is not in it.
fn replace_words(text: &str, word: &str, mark: &dyn Fn(&str) -> String) -> Option<String> {
    let is_word_char = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let finder = memchr::memmem::Finder::new(word.as_bytes());
    let first = finder.find(text.as_bytes())?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut next = Some(first);
    while let Some(at) = next {
        let before = rest[..at].chars().next_back().or(out.chars().next_back());
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        if is_word_char(before) || is_word_char(after) {
            out.push_str(word);
        } else {
            out.push_str(&mark(word));
        }
        rest = &rest[at + word.len()..];
        next = finder.find(rest.as_bytes());
    }
    out.push_str(rest);
    Some(out)
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
mod tests {
    use super::*;
    use crate::scrub_secrets;
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
