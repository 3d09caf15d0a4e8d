//! The markers that replace secrets, one value at a time: a credential is read as `analyze`
//! reads it (the judge's credential reader), and its marker keeps the kind, fingerprint and
//! defects that reading found. Every format's rewriter comes here for its values.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;

use super::personal;
use crate::evidence::credential::{self, BASE64_LENIENT, Credential};
use crate::evidence::jwt::{self, Damage};
use crate::model::Request;
use crate::redact::{Fingerprint, marker, token_prefix};
use why401_model::finding::CredentialKind;

/// A secret shorter than this gets a per-output id instead of its fingerprint, which could be
/// found by trying every value of that length (the rule; `redact::secret_mark` too).
const SHORT_SECRET: usize = 12;

/// Distinct short secrets numbered per output; beyond this they share one id.
const MAX_SHORT_IDS: usize = 100_000;

/// The marker factory of one output, with what it replaced.
#[derive(Debug, Default)]
pub struct Secrets {
    /// `--strict`: Basic user names, personal data and bodies are replaced too.
    pub strict: bool,
    short_ids: HashMap<String, usize>,
    /// Values replaced, by kind (`jwt`, `opaque`, `password`, …): the summary.
    pub counts: BTreeMap<String, u64>,
}

impl Secrets {
    pub fn new(strict: bool) -> Secrets {
        Secrets {
            strict,
            ..Secrets::default()
        }
    }

    /// A value of the header `name` (any header): the replacement, or `None` to keep it.
    pub fn header(&mut self, name: &str, value: &str) -> Option<String> {
        let lower = name.trim().to_ascii_lowercase();
        let trimmed = lower.trim_end_matches([':', ' ']);
        match trimmed {
            "authorization" | "proxy-authorization" => self.authorization(value),
            "cookie" => self.cookie_header(value),
            "set-cookie" => self.set_cookie(value),
            _ if credential::is_wrong_authorization_name(name) => self.authorization(value),
            _ if credential::is_api_key_header(name) => self.api_key_header(name, value),
            _ if crate::redact::is_secret_param(trimmed) || trimmed == "dpop" => {
                self.token(value, "opaque")
            }
            _ if looks_like_token(value.trim()) => self.token(value, "opaque"),
            _ => None,
        }
    }

    /// An `Authorization` value: the scheme as sent, then the credential's marker.
    pub fn authorization(&mut self, value: &str) -> Option<String> {
        let (lead, trimmed, trail) = split_trim(value);
        let (scheme, rest) = credential::split_scheme(trimmed);
        let head = &trimmed[..trimmed.len() - rest.len()];
        let scheme_lower = scheme.map(|s| s.trim_end_matches(':').to_ascii_lowercase());
        let new_rest = match scheme_lower.as_deref() {
            Some("basic") => self.basic(rest),
            Some("digest") => self.digest(rest),
            _ => {
                let judged = judged_header("Authorization", trimmed)?;
                self.credential_value(rest, &judged)
            }
        }?;
        Some(format!("{lead}{head}{new_rest}{trail}"))
    }

    /// An API-key header's value (a known scheme before the key is kept).
    fn api_key_header(&mut self, name: &str, value: &str) -> Option<String> {
        let (lead, trimmed, trail) = split_trim(value);
        let judged = judged_header(name, trimmed)?;
        let rest = match credential::split_scheme(trimmed) {
            (Some(s), rest) if credential::is_known_scheme(s.trim_end_matches(':')) => rest,
            _ => trimmed,
        };
        let head = &trimmed[..trimmed.len() - rest.len()];
        let new_rest = self.credential_value(rest, &judged)?;
        Some(format!("{lead}{head}{new_rest}{trail}"))
    }

    /// The marker of a credential the judge read from `value` (scheme already off).
    fn credential_value(&mut self, value: &str, judged: &Credential) -> Option<String> {
        let kind = judged.kind.as_str();
        self.token(value, kind)
    }

    /// A token value (no scheme): a JWT keeps its header and payload with a marked
    /// signature, anything else becomes a marker. `None` when it holds no secret.
    pub fn token(&mut self, value: &str, opaque_kind: &str) -> Option<String> {
        let (lead, token, trail) = split_trim(value);
        if !holds_secret(token) {
            return None;
        }
        let inspection = jwt::inspect(token);
        if inspection.signature_masked {
            return None;
        }
        let fp = Fingerprint::of_str(token).short();
        if inspection.is_jwt
            && inspection.damage.is_none()
            && let Some(kept) = self.marked_signature(token, &fp)
        {
            return Some(format!("{lead}{kept}{trail}"));
        }
        let kind = if inspection.is_jwt {
            "jwt"
        } else {
            opaque_kind
        };
        let flags = damage_flags(token, inspection.damage);
        let prefix = token_prefix(token.as_bytes()).unwrap_or_default();
        let id = self.id(token, &fp);
        self.count(kind);
        Some(format!(
            "{lead}{prefix}{}{trail}",
            marker::format(kind, &id, &flags)
        ))
    }

    /// `header.payload.(why401~signature~fp_…)` for a JWS with three non-empty parts.
    fn marked_signature(&mut self, token: &str, fp: &str) -> Option<String> {
        let mut parts = token.splitn(3, '.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if header.is_empty() || payload.is_empty() || signature.contains('.') {
            return None;
        }
        if signature.is_empty() {
            // `alg: none`: nothing secret is left to mark.
            return Some(token.to_owned());
        }
        self.count("jwt");
        let mark = marker::format("signature", fp, &[]);
        let payload = match self.strict {
            true => personal::payload(payload, |claim, value| self.numbered(claim, value))
                .unwrap_or_else(|| payload.to_owned()),
            false => payload.to_owned(),
        };
        Some(format!("{header}.{payload}.{mark}"))
    }

    /// A Basic credential: the user kept (unless `--strict` or it is itself a key), the
    /// password replaced, base64 again so every tool still reads it.
    fn basic(&mut self, encoded: &str) -> Option<String> {
        if encoded.is_empty() || credential::is_redacted(encoded) || marker::contains(encoded) {
            return None;
        }
        let Ok(decoded) = BASE64_LENIENT.decode(encoded) else {
            return self.token(encoded, "basic");
        };
        let fp = Fingerprint::of(&decoded).short();
        let Ok(text) = String::from_utf8(decoded) else {
            return self.whole(encoded, "basic", &fp);
        };
        let (user, password) = text.split_once(':').unwrap_or((&text, ""));
        let user_is_key = token_prefix(user.as_bytes()).is_some()
            || !credential::looks_like_a_name(user.as_bytes());
        if password.is_empty() && (user.is_empty() || !user_is_key) {
            return None;
        }
        let new_user = if user_is_key && password.is_empty() {
            let prefix = token_prefix(user.as_bytes()).unwrap_or_default();
            let id = self.id(&text, &fp);
            self.count("api_key");
            format!("{prefix}{}", marker::format("api_key", &id, &[]))
        } else if self.strict {
            // The id a token's `sub` naming the same account gets (`personal::IDENTITY_CLAIMS`).
            self.user(user)
        } else if token_prefix(user.as_bytes()).is_some() {
            let user_fp = Fingerprint::of_str(user).short();
            marker::format("user", &self.id(user, &user_fp), &[])
        } else {
            user.to_owned()
        };
        let new_password = if password.is_empty() {
            String::new()
        } else {
            self.count("password");
            let id = self.short_or(password, &text, &fp);
            marker::format("password", &id, &[])
        };
        let plain = format!("{new_user}:{new_password}");
        Some(base64::engine::general_purpose::STANDARD.encode(plain))
    }

    /// Digest: the `response` hash (it proves the password) is replaced wherever it is in
    /// the list and however its name is written; with `--strict` the user name too. The
    /// other parameters are not secrets (`digest.rs`) and stay.
    fn digest(&mut self, params: &str) -> Option<String> {
        let mut out = String::with_capacity(params.len());
        let (mut copied, mut changed) = (0, false);
        for param in super::digest::params(params) {
            let value = &params[param.value.clone()];
            let new = match param.name.as_str() {
                "response" if !value.is_empty() => self.token(value, "basic"),
                "username" | "username*" if self.strict && !value.is_empty() => {
                    Some(self.user(value))
                }
                _ => None,
            };
            if let Some(new) = new {
                out.push_str(&params[copied..param.value.start]);
                out.push_str(&new);
                copied = param.value.end;
                changed = true;
            }
        }
        if !changed {
            return None;
        }
        out.push_str(&params[copied..]);
        Some(out)
    }

    /// A `Cookie` header: each session cookie's value, and any long value, replaced.
    pub fn cookie_header(&mut self, value: &str) -> Option<String> {
        let mut changed = false;
        let pairs: Vec<String> = value
            .split(';')
            .map(|pair| match self.cookie_pair(pair) {
                Some(new) => {
                    changed = true;
                    new
                }
                None => pair.to_owned(),
            })
            .collect();
        changed.then(|| pairs.join(";"))
    }

    /// A `Set-Cookie` header: the cookie's value; its attributes stay.
    pub fn set_cookie(&mut self, value: &str) -> Option<String> {
        let (first, attributes) = match value.find(';') {
            Some(i) => value.split_at(i),
            None => (value, ""),
        };
        self.cookie_pair(first)
            .map(|new| format!("{new}{attributes}"))
    }

    /// One `name=value` of a cookie header.
    fn cookie_pair(&mut self, pair: &str) -> Option<String> {
        let (name, value) = pair.split_once('=')?;
        let new = self.cookie_value(name.trim(), value)?;
        Some(format!("{name}={new}"))
    }

    /// A cookie's value by its name: session cookies and long values are replaced.
    pub fn cookie_value(&mut self, name: &str, value: &str) -> Option<String> {
        let secret = credential::is_session_cookie(name) || value.trim().len() >= 16;
        if !secret {
            return None;
        }
        self.token(value, "cookie")
    }

    /// A query or form parameter (decoded value); `pair_id` is the `client_id` or `username`
    /// of the same form, for a `client_secret` or `password`, so the marker shows the
    /// fingerprint `analyze` shows for the pair.
    pub fn param(&mut self, name: &str, value: &str, pair_id: Option<&str>) -> Option<String> {
        if !crate::redact::is_secret_param(name) || !holds_secret(value.trim()) {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "client_secret" | "password" => {
                let pair = format!("{}:{value}", pair_id.unwrap_or_default());
                let fp = Fingerprint::of_str(&pair).short();
                let kind = if lower == "password" {
                    "password"
                } else {
                    "secret"
                };
                self.count(kind);
                let id = self.short_or(value, &pair, &fp);
                Some(marker::format(kind, &id, &[]))
            }
            "api_key" | "apikey" | "api-key" | "key" | "private_token" => {
                self.token(value, "api_key")
            }
            _ => self.token(value, "opaque"),
        }
    }

    /// A value replaced whole, no defect read.
    fn whole(&mut self, value: &str, kind: &str, fp: &str) -> Option<String> {
        let id = self.id(value, fp);
        self.count(kind);
        Some(marker::format(kind, &id, &[]))
    }

    /// The fingerprint, or a per-output id for a short secret.
    fn id(&mut self, secret: &str, fp: &str) -> String {
        self.short_or(secret, secret, fp)
    }

    /// `fp` unless `secret` is short; then an id numbered by `key` (the whole credential).
    fn short_or(&mut self, secret: &str, key: &str, fp: &str) -> String {
        if secret.chars().count() >= SHORT_SECRET {
            return fp.to_owned();
        }
        let next = self.short_ids.len().min(MAX_SHORT_IDS) + 1;
        let n = *self.short_ids.entry(key.to_owned()).or_insert(next);
        format!("id{n}")
    }

    /// `--strict`: `text` with its e-mail and IP addresses marked; `None` when it has none
    /// (or the run is not strict).
    pub fn personal(&mut self, text: &str) -> Option<String> {
        if !self.strict {
            return None;
        }
        personal::replace(text, |kind, value| self.numbered(kind, value))
    }

    /// A marker with a per-output id for personal data (`(why401~email~id2)`): the same value
    /// gets the same id, and no fingerprint, since an address or a name is easy to guess.
    fn numbered(&mut self, kind: &str, value: &str) -> String {
        let kind: String = kind
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let key = format!("{kind}\u{0}{value}");
        let next = self.short_ids.len().min(MAX_SHORT_IDS) + 1;
        let n = *self.short_ids.entry(key).or_insert(next);
        self.count(&kind);
        marker::format(&kind, &format!("id{n}"), &[])
    }

    /// `--strict`: a user name or client id, marked as a token's `sub` or `client_id` naming
    /// the same account is.
    pub fn user(&mut self, name: &str) -> String {
        self.numbered("user", name)
    }

    /// A body dropped by `--strict`, counted.
    pub fn dropped_body(&mut self) -> String {
        self.count("body");
        personal::dropped_body()
    }

    /// How many values were replaced so far: a value that did not move it is unchanged.
    pub fn replaced(&self) -> u64 {
        self.counts.values().sum()
    }

    fn count(&mut self, kind: &str) {
        *self.counts.entry(kind.to_owned()).or_default() += 1;
    }
}

/// What the judge reads from one header, for its kind: `None` when it finds no credential
/// that holds a secret (empty, masked, a placeholder).
fn judged_header(name: &str, value: &str) -> Option<Credential> {
    let mut request = Request::recorded("GET", "/");
    request.headers.push(name, value);
    let found = credential::read(&request, None).all.into_iter().next()?;
    let secret = found.fingerprint.is_some()
        && !matches!(found.kind, CredentialKind::Redacted | CredentialKind::None)
        && found.damage() != Some(Damage::Placeholder);
    secret.then_some(found)
}

/// A value with a secret in it: not empty, not placeholder text, not masked already, not a
/// marker, not an HTTP status (`"code": 401`, `Response code: 401.`).
pub fn holds_secret(value: &str) -> bool {
    !value.is_empty()
        && !is_status(value)
        && !jwt::is_placeholder(value)
        && !credential::is_redacted(value)
        && !marker::contains(value)
}

fn is_status(text: &str) -> bool {
    let text = text.trim_end_matches(['.', ',', ')', ';', ':']);
    text.len() == 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && (b'1'..=b'5').contains(&text.as_bytes()[0])
}

/// A header value that is itself a token: a JWT or a known token prefix.
fn looks_like_token(value: &str) -> bool {
    (value.starts_with("eyJ") && value.contains('.') && value.len() >= 20)
        || token_prefix(value.as_bytes()).is_some()
}

/// The marker's flags for a damage: its code, and where whitespace sits.
fn damage_flags(token: &str, damage: Option<Damage>) -> Vec<String> {
    let Some(damage) = damage else {
        return Vec::new();
    };
    let mut flag = damage.code();
    if damage == Damage::Whitespace
        && let Some(at) = token.chars().position(char::is_whitespace)
    {
        flag.push_str(&format!("@{at}"));
    }
    vec![flag]
}

/// `  abc ` → (`  `, `abc`, ` `).
fn split_trim(value: &str) -> (&str, &str, &str) {
    let start = value.len() - value.trim_start().len();
    let end = value.trim_end().len().max(start);
    (&value[..start], &value[start..end], &value[end..])
}

#[cfg(test)]
mod tests;
