//! `WWW-Authenticate` challenges (RFC 9110 §11), read the way servers really send them.
//!
//! Grammar: `#challenge`, `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`. Commas
//! separate both challenges and parameters, so the parser walks the text: a word followed by
//! `=` is a parameter of the current challenge, any other word starts a new challenge, except a
//! word right after a fresh scheme (no comma between), which is that challenge's `token68`.
//! Lenient where servers deviate: parameters without commas between them (AWS HTTP API), no
//! scheme at all (Cognito userInfo), no spaces after commas (Docker registry), a comma after
//! the scheme, commas inside quoted values, unterminated quotes.

use std::collections::BTreeMap;

use why401_model::exchange::Headers;
use why401_model::finding::ChallengeSummary;

/// One challenge: its scheme and either a `token68` or parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// As written (`Bearer`, `bearer`); `None` when the server sent parameters without a
    /// scheme (Cognito userInfo: `error="invalid_token", ...`).
    pub scheme: Option<String>,
    pub token68: Option<String>,
    /// Parameter names lower-cased, values unescaped, in the order sent.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    fn new(scheme: Option<String>) -> Challenge {
        Challenge {
            scheme,
            token68: None,
            params: Vec::new(),
        }
    }

    /// Whether this challenge uses `scheme` (case-insensitive).
    pub fn is_scheme(&self, scheme: &str) -> bool {
        self.scheme
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    }

    /// The first value of a parameter (name case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn error(&self) -> Option<&str> {
        self.param("error")
    }

    pub fn error_description(&self) -> Option<&str> {
        self.param("error_description")
    }

    pub fn error_uri(&self) -> Option<&str> {
        self.param("error_uri")
    }

    pub fn realm(&self) -> Option<&str> {
        self.param("realm")
    }

    /// The `scope` parameter, split on spaces (RFC 6750 §3).
    pub fn scope(&self) -> Option<Vec<String>> {
        self.param("scope")
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
    }

    /// The report's form: scheme (empty when none was sent) and lower-case parameters; the
    /// first value of a repeated parameter wins.
    pub fn summary(&self) -> ChallengeSummary {
        let mut params = BTreeMap::new();
        for (name, value) in &self.params {
            params.entry(name.clone()).or_insert_with(|| value.clone());
        }
        ChallengeSummary {
            scheme: self.scheme.clone().unwrap_or_default(),
            params,
        }
    }
}

/// Every challenge of every `WWW-Authenticate` header, in order, as one list.
pub fn from_headers(headers: &Headers) -> Vec<Challenge> {
    headers
        .get_all("www-authenticate")
        .flat_map(parse)
        .collect()
}

/// The challenges of one header value.
pub fn parse(value: &str) -> Vec<Challenge> {
    let mut parser = Parser {
        text: value.as_bytes(),
        pos: 0,
    };
    parser.challenges()
}

/// The schemes of the IANA "HTTP Authentication Scheme" registry and the ones servers use in
/// practice. A challenge whose scheme is not here is a custom scheme (then a
/// session cookie or an API-key header counts as the request's credential).
const HTTP_AUTH_SCHEMES: &[&str] = &[
    "basic",
    "bearer",
    "concealed",
    "digest",
    "dpop",
    "gnap",
    "hoba",
    "mutual",
    "negotiate",
    "ntlm",
    "kerberos",
    "oauth",
    "privatetoken",
    "scram-sha-1",
    "scram-sha-256",
    "vapid",
    "jwt",
    "aws4-hmac-sha256",
];

/// Whether `scheme` is an HTTP authentication scheme rather than an application's own.
pub fn is_http_auth_scheme(scheme: &str) -> bool {
    let lower = scheme.to_ascii_lowercase();
    HTTP_AUTH_SCHEMES.contains(&lower.as_str())
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

/// What the parser last did inside the current challenge, to tell a `token68` from a scheme.
#[derive(PartialEq, Eq)]
enum After {
    /// Just read the scheme, with no comma since.
    FreshScheme,
    /// Anything else.
    Other,
}

impl Parser<'_> {
    fn challenges(&mut self) -> Vec<Challenge> {
        let mut out: Vec<Challenge> = Vec::new();
        let mut after = After::Other;
        loop {
            if self.skip_separators() {
                after = After::Other;
            }
            let Some(c) = self.peek() else { break };
            if c == b'"' {
                // A quoted string where a name belongs: nothing can use it.
                self.quoted();
                after = After::Other;
                continue;
            }
            let word = self.word();
            if word.is_empty() {
                // A lone `=` or other stray byte.
                self.pos += 1;
                continue;
            }
            self.skip_spaces();
            if self.peek() == Some(b'=') {
                if after == After::FreshScheme && self.is_token68_padding() {
                    let padding = self.take_while(|b| b == b'=');
                    if let Some(current) = out.last_mut() {
                        current.token68 = Some(format!("{word}{padding}"));
                    }
                    after = After::Other;
                    continue;
                }
                self.pos += 1;
                self.skip_spaces();
                let value = self.value();
                if out.is_empty() {
                    out.push(Challenge::new(None));
                }
                if let Some(current) = out.last_mut() {
                    current.params.push((word.to_ascii_lowercase(), value));
                }
                after = After::Other;
            } else if after == After::FreshScheme {
                // A second word after the scheme with no comma between: the token68.
                if let Some(current) = out.last_mut() {
                    current.token68 = Some(word);
                }
                after = After::Other;
            } else {
                out.push(Challenge::new(Some(word)));
                after = After::FreshScheme;
            }
        }
        out
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> String {
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.text[start..self.pos]).into_owned()
    }

    /// Skips whitespace and commas; true when at least one comma was skipped.
    fn skip_separators(&mut self) -> bool {
        let mut comma = false;
        while let Some(c) = self.peek() {
            match c {
                b',' => comma = true,
                c if is_space(c) => {}
                _ => break,
            }
            self.pos += 1;
        }
        comma
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// A scheme, parameter name, token value or token68 body: everything up to a separator.
    fn word(&mut self) -> String {
        self.take_while(|b| !is_space(b) && b != b',' && b != b'=' && b != b'"')
    }

    /// After a word, at `=`: whether the `=`s end the element (`abc==` then end or comma),
    /// which makes the word a token68 rather than a parameter name.
    fn is_token68_padding(&self) -> bool {
        let mut i = self.pos;
        while self.text.get(i) == Some(&b'=') {
            i += 1;
        }
        while self.text.get(i).is_some_and(|&b| is_space(b)) {
            i += 1;
        }
        matches!(self.text.get(i), None | Some(b','))
    }

    /// A parameter value: a quoted string or a token (lenient: up to whitespace or comma).
    fn value(&mut self) -> String {
        if self.peek() == Some(b'"') {
            self.quoted()
        } else {
            self.take_while(|b| !is_space(b) && b != b',')
        }
    }

    /// A quoted string at `"`, unescaping quoted pairs; an unterminated one runs to the end.
    fn quoted(&mut self) -> String {
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    if let Some(next) = self.peek() {
                        out.push(next);
                        self.pos += 1;
                    }
                }
                c => out.push(c),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

#[cfg(test)]
mod tests;
