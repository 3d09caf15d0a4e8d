//! Text inputs line by line: curl -v transcripts, raw HTTP, ticket text and bodies. Three
//! passes over each line, each leaving a placeholder where it replaced a secret so the next
//! cannot read a marker as a secret: header values (`Authorization: …`, also inside
//! `-H '…'` and JSON), `name=value` parameters whose name says secret, then the shapes of
//! secrets in free text (redact's patterns). The placeholders become markers at the end.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::secrets::Secrets;
use crate::evidence::credential;
use crate::model::{parse_form, percent_decode};
use crate::redact;

/// `Name:` or `"name":`, then the value (read by [`value_end`]).
static HEADER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?P<name>[A-Za-z][A-Za-z0-9_-]*)(?P<q>"?)[ \t]*:[ \t]*"#)
        .expect("constant pattern") // ok: a literal pattern, compiled by the tests
});

/// `name=value` at a word boundary, as in URLs, forms and ticket text.
static PARAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?P<name>[A-Za-z0-9_.\[\]-]+)=(?P<value>[^&\s#"',;<>)]*)"#)
        .expect("constant pattern") // ok: a literal pattern, compiled by the tests
});

/// `https://user:password@host`
static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"://(?P<user>[^/:@\s]+):(?P<pass>[^/@\s]+)@").expect("constant pattern") // ok: a literal pattern, compiled by the tests
});

/// A placeholder for a marker: `fp_` so redact's patterns leave it alone, private-use
/// characters so no pattern's run of token characters crosses it.
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("fp_\u{E000}([0-9]+)\u{E001}").expect("constant pattern")); // ok: a literal pattern, compiled by the tests

/// `-----BEGIN … PRIVATE KEY-----`
static PEM_BEGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----").expect("constant pattern") // ok: a literal pattern, compiled by the tests
});

/// The rewriter of one text: markers waiting for their placeholders, and a PEM block open.
pub struct TextRewriter<'s> {
    secrets: &'s mut Secrets,
    pending: Vec<String>,
    pem: Option<String>,
}

impl<'s> TextRewriter<'s> {
    pub fn new(secrets: &'s mut Secrets) -> TextRewriter<'s> {
        TextRewriter {
            secrets,
            pending: Vec::new(),
            pem: None,
        }
    }

    /// A whole text, line endings kept.
    pub fn text(&mut self, input: &str) -> String {
        let mut out = String::with_capacity(input.len());
        for line in input.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            out.push_str(&self.line(body));
            out.push_str(&line[body.len()..]);
        }
        out
    }

    /// One line without its ending.
    pub fn line(&mut self, line: &str) -> String {
        if let Some(mark) = self.pem_line(line) {
            return mark;
        }
        let step = self.headers(line);
        let step = self.params(&step);
        let step = self.free_text(&step);
        let step = self.personal(step, line);
        self.resolve(&step)
    }

    /// `--strict`: e-mail and IP addresses, except a `Host` line's (the server's name).
    fn personal(&mut self, step: String, line: &str) -> String {
        if !self.secrets.strict || super::personal::is_host_line(line) {
            return step;
        }
        self.secrets.personal(&step).unwrap_or(step)
    }

    /// Inside a private key block every line is the key's marker.
    fn pem_line(&mut self, line: &str) -> Option<String> {
        if let Some(mark) = &self.pem {
            let mark = mark.clone();
            if line.contains("-----END ") {
                self.pem = None;
                return Some(line.to_owned());
            }
            return Some(mark);
        }
        if PEM_BEGIN.is_match(line) {
            let fp = redact::Fingerprint::of_str(line).short();
            *self.secrets.counts.entry("private_key".into()).or_default() += 1;
            // Every line of the block shows the same marker: the key itself is not read.
            self.pem = Some(redact::marker::format("private_key", &fp, &[]));
            return Some(line.to_owned());
        }
        None
    }

    /// `Authorization: …`, `Cookie: …`, `"access_token": "…"`, `-H 'X-Api-Key: …'`.
    fn headers(&mut self, line: &str) -> String {
        let mut out = String::with_capacity(line.len());
        let mut done = 0;
        for caps in HEADER_NAME.captures_iter(line) {
            let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            if whole.start() < done || !boundary_before(line, name.start()) {
                continue;
            }
            let quoted_key = !caps["q"].is_empty();
            let Some((start, end)) = value_span(line, name.start(), whole.end(), quoted_key) else {
                continue;
            };
            let value = &line[start..end];
            let Some(new) = self.header_value(&caps["name"], value, quoted_key) else {
                continue;
            };
            out.push_str(&line[done..start]);
            out.push_str(&self.hold(new));
            done = end;
        }
        out.push_str(&line[done..]);
        out
    }

    /// The text for one header or named value, or `None` to leave it to the later passes. A
    /// credential header's value kept as it is (a placeholder, a masked token) is kept from
    /// them too, and so is prose after a secret parameter's name (`token: has expired`).
    fn header_value(&mut self, name: &str, value: &str, quoted_key: bool) -> Option<String> {
        if is_header_name(name) {
            return Some(
                self.secrets
                    .header(name, value)
                    .unwrap_or_else(|| value.to_owned()),
            );
        }
        if !redact::is_secret_param(name) {
            return None;
        }
        let word = !value.contains(char::is_whitespace);
        if !word {
            return Some(value.to_owned());
        }
        // A quoted JSON value or a word with a digit is a value; other words are left to the
        // free-text pass, which weighs them.
        let secretish = quoted_key || value.chars().any(|c| c.is_ascii_digit());
        if secretish && value.len() >= 3 {
            return self.secrets.param(name, value, None);
        }
        None
    }

    /// `access_token=…`, `client_secret=…` in URLs, forms and text, and the password of a
    /// URL's user information.
    fn params(&mut self, line: &str) -> String {
        let line = self.userinfo(line);
        if !line.contains('=') {
            return line;
        }
        let line = line.as_str();
        let form = parse_form(line.rsplit(['?', ' ']).next().unwrap_or(line));
        let pair_id = |name: &str| {
            let id = if name.eq_ignore_ascii_case("password") {
                "username"
            } else {
                "client_id"
            };
            form.iter().find(|(k, _)| k == id).map(|(_, v)| v.clone())
        };
        let mut pending = Vec::new();
        let replaced = PARAM.replace_all(line, |caps: &Captures| {
            let (Some(whole), name, raw) = (caps.get(0), &caps["name"], &caps["value"]) else {
                return String::new();
            };
            let original = whole.as_str().to_owned();
            if !boundary_before(line, whole.start()) || raw.contains('\u{E000}') {
                return original;
            }
            let value = percent_decode(raw);
            match self.secrets.param(name, &value, pair_id(name).as_deref()) {
                // A marker needs no escaping in a URL or form: `(`, `)` and `~` are allowed.
                Some(new) => {
                    pending.push(new);
                    format!(
                        "{name}=fp_\u{E000}{}\u{E001}",
                        self.pending.len() + pending.len() - 1
                    )
                }
                None => original,
            }
        });
        let out = replaced.into_owned();
        self.pending.extend(pending);
        out
    }

    fn userinfo(&mut self, line: &str) -> String {
        if !line.contains("://") {
            return line.to_owned();
        }
        let mut pending = Vec::new();
        let base = self.pending.len();
        let out = USERINFO.replace_all(line, |caps: &Captures| {
            let (user, pass) = (&caps["user"], percent_decode(&caps["pass"]));
            match self
                .secrets
                .param("password", &pass, Some(&percent_decode(user)))
            {
                Some(new) => {
                    pending.push(new);
                    format!("://{user}:fp_\u{E000}{}\u{E001}@", base + pending.len() - 1)
                }
                None => caps[0].to_owned(),
            }
        });
        let out = out.into_owned();
        self.pending.extend(pending);
        out
    }

    /// Secrets found by their shape (JWTs, `Bearer …`, known prefixes, `password …`).
    fn free_text(&mut self, line: &str) -> String {
        let found = std::cell::RefCell::new(Vec::new());
        let base = self.pending.len();
        let out = redact::scrub_secrets(line, &|secret: &str| {
            if secret.contains('\u{E000}') {
                // A marker placed by an earlier pass, with a quote the pattern took along.
                return secret.to_owned();
            }
            let mut found = found.borrow_mut();
            found.push(secret.to_owned());
            format!("fp_\u{E000}{}\u{E001}", base + found.len() - 1)
        });
        for secret in found.into_inner() {
            let new = self.free_secret(&secret).unwrap_or(secret);
            self.pending.push(new);
        }
        out
    }

    /// A secret found in free text: `Bearer abc` keeps its scheme. A protocol version
    /// (`token HTTP/1.1` of a request line) or a path is not one.
    fn free_secret(&mut self, secret: &str) -> Option<String> {
        if secret.starts_with("HTTP/") || secret.starts_with('/') || is_plain_pair(secret) {
            return None;
        }
        if let Some((scheme, _)) = secret.split_once(char::is_whitespace)
            && credential::is_known_scheme(scheme)
        {
            return self.secrets.authorization(secret);
        }
        self.secrets.token(secret, "opaque")
    }

    /// A placeholder for `marker`, resolved by [`Self::resolve`].
    fn hold(&mut self, marker: String) -> String {
        self.pending.push(marker);
        format!("fp_\u{E000}{}\u{E001}", self.pending.len() - 1)
    }

    fn resolve(&mut self, line: &str) -> String {
        let out = PLACEHOLDER.replace_all(line, |caps: &Captures| {
            caps[1]
                .parse::<usize>()
                .ok()
                .and_then(|i| self.pending.get(i).cloned())
                .unwrap_or_default()
        });
        let out = out.into_owned();
        self.pending.clear();
        out
    }
}

/// `status=401` after "token": a field of a log line, not a token (whose `=` can only be
/// trailing padding); a field whose name says secret is one.
fn is_plain_pair(text: &str) -> bool {
    text.split_once('=').is_some_and(|(name, value)| {
        !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && !value.trim_start_matches('=').is_empty()
            && !redact::is_secret_param(name)
    })
}

/// Header names whose whole value (scheme and all) is a credential or holds one.
fn is_header_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "dpop"
    ) || credential::is_wrong_authorization_name(name)
        || credential::is_api_key_header(name)
}

/// A name starts a word: not the tail of a longer one.
fn boundary_before(line: &str, at: usize) -> bool {
    line[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_' && c != '-' && c != '.')
}

/// Where the value after `Name:` is: inside its quotes or brackets (JSON, `'Bearer …'`,
/// Go's `map[Authorization:[…]]`), up to the quote or bracket before the name (`-H '…'`,
/// curl's `[authorization: …]`), else to the end of the line (a trailing ` \` of a
/// continued command stays).
fn value_span(
    line: &str,
    name_start: usize,
    start: usize,
    quoted_key: bool,
) -> Option<(usize, usize)> {
    let rest = &line[start..];
    let own = rest.chars().next().and_then(closer);
    if quoted_key && own != Some('"') {
        return None;
    }
    if let Some(close) = own {
        let end = closing(&rest[1..], close)?;
        return (end > 0).then_some((start + 1, start + 1 + end));
    }
    let opener = line[..name_start].chars().next_back().and_then(closer);
    let end = match opener {
        Some(close) => closing(rest, close).unwrap_or(rest.len()),
        None => rest.trim_end_matches(['\\', ' ', '\t']).len(),
    };
    (end > 0).then_some((start, start + end))
}

/// The character that closes `open`, for quotes and brackets.
fn closer(open: char) -> Option<char> {
    match open {
        '\'' => Some('\''),
        '"' => Some('"'),
        '[' => Some(']'),
        _ => None,
    }
}

/// The index of the first unescaped `quote`.
fn closing(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            c if c == quote && !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests;
