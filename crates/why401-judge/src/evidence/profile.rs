//! The customer's profile (`--profile FILE`, TOML): scopes per endpoint, environments with
//! their issuer, audience and token endpoint. Other tools write this file, so its shape is a
//! contract: keys are added, never renamed.
//!
//! ```toml
//! jwks = "keys/jwks.json"          # optional, relative to this file
//! leeway = 60                      # optional
//! [[scopes]]                       # first match in file order applies
//! method = "POST"                  # case-insensitive; "*" = any (the default)
//! path = "/v2/devices/{id}/actions"  # {name} = one segment; trailing /* = one or more
//! any_of = ["write", "devices:manage"]
//! [[environments]]                 # one per API host
//! name = "production"              # optional
//! api_host = "api.example.com"     # matched without port
//! issuer = "https://auth.example.com/"     # optional; one trailing / ignored
//! audience = "https://api.example.com"     # optional; matches any element of an aud array
//! token_endpoint = "https://auth.example.com/oauth/token"   # optional
//! token_format = "jwt"             # optional: "jwt" (default) or "opaque"
//! strict_scheme_case = true        # optional, default false
//! [advice]                         # optional: what the customer's advice names for this API
//! portal = "the admin portal (Settings → API → Applications)"  # where client apps are managed
//! refresh_margin_seconds = 300     # refresh this long before `exp`
//! support = "support@example.com" # where to send a request id
//! ```
//!
//! Unknown keys are ignored with a warning; a malformed file is an error naming the line.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::jwt::DecodedJwt;
use file::{RawProfile, advice, environment, line_of, scope_rule, unknown_keys};
use why401_model::exchange::Request;

mod file;

/// A profile that cannot be used: a usage error naming the file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("{}: cannot read the profile: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("{}: line {line}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// The token form an environment issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenFormat {
    #[default]
    Jwt,
    Opaque,
}

/// One `[[scopes]]` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRule {
    /// Upper-case method, or `*`.
    pub method: String,
    pub path: String,
    pub any_of: Vec<String>,
    /// The line of the rule's `path` in the profile, for evidence.
    pub line: usize,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `{name}`: exactly one segment.
    One,
    /// A trailing `*`: one or more segments.
    Rest,
}

impl ScopeRule {
    /// Whether the rule applies to `method` and `path` (no query; one trailing `/` ignored).
    pub fn matches(&self, method: &str, path: &str) -> bool {
        if self.method != "*" && !self.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let path = path
            .strip_suffix('/')
            .filter(|p| !p.is_empty())
            .unwrap_or(path);
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        segments_match(&self.segments, &parts)
    }

    /// Whether `scopes` hold at least one of the rule's scopes.
    pub fn satisfied_by(&self, scopes: &[String]) -> bool {
        self.any_of.iter().any(|want| scopes.contains(want))
    }
}

fn segments_match(pattern: &[Segment], parts: &[&str]) -> bool {
    match (pattern.first(), parts.first()) {
        (Some(Segment::Rest), _) => !parts.is_empty() && parts.iter().all(|p| !p.is_empty()),
        (None, None) => true,
        (Some(Segment::One), Some(part)) => {
            !part.is_empty() && segments_match(&pattern[1..], &parts[1..])
        }
        (Some(Segment::Literal(want)), Some(part)) => {
            want == part && segments_match(&pattern[1..], &parts[1..])
        }
        _ => false,
    }
}

/// One `[[environments]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub name: Option<String>,
    /// Lower-case, without a port.
    pub api_host: String,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    pub token_endpoint: Option<String>,
    pub token_format: TokenFormat,
    pub strict_scheme_case: bool,
}

impl Environment {
    /// The name, else the API host, for evidence.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.api_host)
    }

    /// Whether a token belongs here: every `issuer` and `audience` this environment gives
    /// matches (`iss` equal up to one trailing `/`; `aud` equal or, as an array, containing
    /// it).
    pub fn accepts(&self, jwt: &DecodedJwt) -> bool {
        let issuer_ok = self.issuer.as_deref().is_none_or(|want| {
            jwt.iss()
                .is_some_and(|iss| strip_slash(iss) == strip_slash(want))
        });
        let audience_ok = self
            .audience
            .as_deref()
            .is_none_or(|want| jwt.audiences().contains(&want));
        issuer_ok && audience_ok
    }
}

fn strip_slash(text: &str) -> &str {
    text.strip_suffix('/').unwrap_or(text)
}

/// `[advice]`: the API's own facts for the customer's advice (none by default: the advice is
/// then vendor-neutral, or a known provider's).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiAdvice {
    /// Where the API's client applications are managed.
    pub portal: Option<String>,
    /// How long before `exp` clients should refresh.
    pub refresh_margin_seconds: Option<i64>,
    /// Where to send a request id.
    pub support: Option<String>,
}

/// A loaded profile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    /// The file it was read from.
    pub path: PathBuf,
    /// The JWKS file, resolved against the profile's folder.
    pub jwks: Option<PathBuf>,
    pub leeway: Option<i64>,
    pub scopes: Vec<ScopeRule>,
    pub environments: Vec<Environment>,
    pub advice: ApiAdvice,
    /// One sentence per unknown key (ignored); the caller prints them as warnings.
    pub warnings: Vec<String>,
}

impl Profile {
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError::Read {
            path: path.to_owned(),
            reason: why401_model::input::io_message(&e),
        })?;
        Profile::parse(&text, path)
    }

    /// Reads profile text; `path` names it in errors and resolves `jwks`.
    pub fn parse(text: &str, path: &Path) -> Result<Profile, ProfileError> {
        let invalid = |span: Option<std::ops::Range<usize>>, message: &str| ProfileError::Invalid {
            path: path.to_owned(),
            line: line_of(text, span.map_or(0, |s| s.start)),
            message: why401_redact::escape_control(&why401_redact::clip(&one_line(message), 200)),
        };
        let raw: RawProfile = toml::from_str(text).map_err(|e| invalid(e.span(), e.message()))?;
        let base = path.parent().unwrap_or(Path::new(""));
        let leeway = match raw.leeway {
            Some(l) if *l.get_ref() < 0 => {
                return Err(invalid(Some(l.span()), "leeway must not be negative"));
            }
            l => l.map(Spanned::into_inner),
        };
        let scopes = raw
            .scopes
            .into_iter()
            .map(|s| scope_rule(s, text).map_err(|(span, m)| invalid(Some(span), &m)))
            .collect::<Result<Vec<_>, _>>()?;
        let environments = raw
            .environments
            .into_iter()
            .map(|e| environment(e).map_err(|(span, m)| invalid(Some(span), &m)))
            .collect::<Result<Vec<_>, _>>()?;
        let advice = advice(raw.advice).map_err(|(span, m)| invalid(Some(span), &m))?;
        Ok(Profile {
            path: path.to_owned(),
            jwks: raw.jwks.map(|j| base.join(j.into_inner())),
            leeway,
            scopes,
            environments,
            advice,
            warnings: unknown_keys(text, path),
        })
    }

    /// Environments whose `api_host` is this host (compared without port, any case).
    pub fn environments_for_host(&self, host: &str) -> Vec<&Environment> {
        let host = normalize_host(host);
        self.environments
            .iter()
            .filter(|e| e.api_host == host)
            .collect()
    }

    /// The scope rule for a request: the first rule in file order that matches. Rules apply
    /// to the hosts the environments list, or to every host when none is listed; a request
    /// whose host is unknown (a path alone) is matched too.
    pub fn scope_rule(&self, method: &str, url: &str, host: Option<&str>) -> Option<&ScopeRule> {
        let host_listed = match host {
            Some(h) => self.environments.is_empty() || !self.environments_for_host(h).is_empty(),
            None => true,
        };
        if !host_listed {
            return None;
        }
        let path = url_path(url);
        self.scopes.iter().find(|r| r.matches(method, path))
    }

    /// The token format the host's environment issues; `None` when no environment lists it.
    pub fn token_format(&self, host: &str) -> Option<TokenFormat> {
        self.environments_for_host(host)
            .first()
            .map(|e| e.token_format)
    }

    /// Whether the host's environment rejects a scheme written in another case (`bearer`).
    pub fn strict_scheme_case(&self, host: &str) -> bool {
        self.environments_for_host(host)
            .iter()
            .any(|e| e.strict_scheme_case)
    }

    /// Whether `url` is one of the environments' `token_endpoint`s (scheme, host and path
    /// compared; query ignored; any case for the host; one trailing `/` ignored).
    pub fn is_token_endpoint(&self, url: &str) -> bool {
        let key = |u: &str| (url_host(u), strip_slash(url_path(u)).to_owned());
        self.environments
            .iter()
            .filter_map(|e| e.token_endpoint.as_deref())
            .any(|endpoint| url_host(endpoint).is_some() && key(endpoint) == key(url))
    }
}

/// The result of the environment check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongEnvironment {
    /// The environments the request's host belongs to (empty for the heuristic).
    pub expected: Vec<String>,
    /// An environment the token does belong to, when the profile names one.
    pub token_environment: Option<String>,
    /// A sentence for the evidence, with the values that decided.
    pub evidence: String,
    /// Decided by the no-profile heuristic (host names), not the profile.
    pub heuristic: bool,
}

/// Whether a token was issued for another environment than the request's host. With a
/// profile that lists the host: the token must belong to one of the host's environments.
/// Otherwise (no profile, or the host is not listed): the heuristic on host names.
pub fn wrong_environment(
    profile: Option<&Profile>,
    host: Option<&str>,
    jwt: &DecodedJwt,
) -> Option<WrongEnvironment> {
    let host = normalize_host(host?);
    let listed = profile
        .map(|p| p.environments_for_host(&host))
        .unwrap_or_default();
    if listed.is_empty() {
        return heuristic(&host, jwt);
    }
    if listed.iter().any(|e| e.accepts(jwt)) {
        return None;
    }
    let expected: Vec<String> = listed.iter().map(|e| e.label().to_owned()).collect();
    let token_environment = profile
        .into_iter()
        .flat_map(|p| &p.environments)
        .find(|e| (e.issuer.is_some() || e.audience.is_some()) && e.accepts(jwt))
        .map(|e| e.label().to_owned());
    let evidence = format!(
        "the token (iss {}, aud {}) does not belong to {} for host {host}{}",
        printable(jwt.iss().unwrap_or("none")),
        printable(&jwt.audiences().join(" ")),
        expected.join(" or "),
        token_environment
            .as_ref()
            .map(|t| format!("; it belongs to {t}"))
            .unwrap_or_default()
    );
    Some(WrongEnvironment {
        expected,
        token_environment,
        evidence,
        heuristic: false,
    })
}

/// Host labels that name a non-production environment.
const NON_PRODUCTION: &[&str] = &[
    "staging",
    "stage",
    "stg",
    "dev",
    "develop",
    "development",
    "sandbox",
    "test",
    "testing",
    "qa",
    "uat",
    "preprod",
];

fn non_production(host: &str) -> Option<&'static str> {
    host.split(['.', '-', '_'])
        .find_map(|w| NON_PRODUCTION.iter().find(|n| **n == w).copied())
}

/// The no-profile heuristic: an issuer or audience host naming staging/dev/sandbox/test while
/// the API host does not, or the reverse. Only hosts of the API's own domain (same last two
/// labels) are compared, so a third-party identity provider (`dev-123.okta.com`) never
/// decides.
fn heuristic(api_host: &str, jwt: &DecodedJwt) -> Option<WrongEnvironment> {
    let base = base_domain(api_host);
    let token_hosts: Vec<String> = jwt
        .iss()
        .into_iter()
        .chain(jwt.audiences())
        .filter_map(host_of_claim)
        .filter(|h| base_domain(h) == base)
        .collect();
    let api_env = non_production(api_host);
    let mismatch = token_hosts
        .iter()
        .find(|h| non_production(h).is_some() != api_env.is_some())?;
    let evidence = match (api_env, non_production(mismatch)) {
        (None, Some(word)) => format!(
            "the token names host {mismatch} ({word}) while the API host {api_host} is production"
        ),
        (Some(word), _) => format!(
            "the API host {api_host} is {word} while the token names production host {mismatch}"
        ),
        (None, None) => return None,
    };
    Some(WrongEnvironment {
        expected: Vec::new(),
        token_environment: None,
        evidence,
        heuristic: true,
    })
}

/// The host of an `iss`/`aud` value that is a URL or a bare host name.
fn host_of_claim(value: &str) -> Option<String> {
    if value.contains("://") {
        return url_host(value);
    }
    let looks_like_host = value.contains('.')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    looks_like_host.then(|| value.to_ascii_lowercase())
}

fn base_domain(host: &str) -> String {
    let labels: Vec<&str> = host.rsplit('.').take(2).collect();
    labels.into_iter().rev().collect::<Vec<_>>().join(".")
}

// --- URLs ---------------------------------------------------------------------------------

/// The host of an absolute URL, in the one form hosts are compared in.
pub use why401_model::url::host_of as url_host;

/// The path of a URL (absolute or a path alone), without query or fragment.
pub fn url_path(url: &str) -> &str {
    let after_authority = match after_scheme(url) {
        Some(rest) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    after_authority
        .split(['?', '#'])
        .next()
        .unwrap_or(after_authority)
}

/// What follows `scheme://`, or `//` when a reader knew the host but not the scheme.
pub fn after_scheme(url: &str) -> Option<&str> {
    url.split_once("://")
        .map(|(_, rest)| rest)
        .or_else(|| url.strip_prefix("//"))
}

/// The host a request went to: the URL's, else the `Host` (or `:authority`) header.
pub fn request_host(request: &Request) -> Option<String> {
    url_host(&request.url).or_else(|| {
        request
            .headers
            .get("host")
            .or_else(|| request.headers.get(":authority"))
            .map(normalize_host)
    })
}

/// A host as written (`API.example.com:8443`) compared form (`api.example.com`).
fn normalize_host(host: &str) -> String {
    url_host(&format!("x://{}", host.trim())).unwrap_or_default()
}

fn printable(text: &str) -> String {
    why401_redact::escape_control(&why401_redact::clip(text, 80))
}

/// A parser's message on one line: a TOML error spreads over several, which would print as
/// literal `\n` once escaped.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests;
