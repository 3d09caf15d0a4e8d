//! A request's credentials: where each is, its scheme, kind and fingerprint, the user of a
//! Basic credential, the form of a token, never the secret itself.
//!
//! Read from `Authorization` (RFC 9110 §11.6.2), headers with a wrong name (`Authentication:`,
//! `X-Authorization:`, `Bearer:`), `access_token` and API-key query parameters, form bodies
//! (`access_token`, `client_secret`, `client_assertion`, `refresh_token`, `password`),
//! API-key headers and session cookies. A [`Credential`] keeps no secret: Basic passwords are
//! hashed into the fingerprint and dropped, tokens are decoded and dropped.

use super::challenge::{self, Challenge};
use super::fingerprint::Fingerprint;
use super::jwt::{Damage, DecodedJwt, TokenInspection};
use super::keys::{KeySet, NotChecked, SignatureStatus};
use why401_model::exchange::Request;
use why401_model::finding::{CredentialKind, CredentialSummary};

mod names;
mod parse;
mod token_response;

use names::printable;
pub use names::{
    is_api_key_header, is_redacted, is_wrong_authorization_name, personal_token_prefix,
    query_params,
};
use parse::*;
pub use parse::{
    BASE64_LENIENT, is_known_scheme, is_session_cookie, looks_like_a_name, split_scheme,
};
pub use token_response::{ClientAuth, TokenResponse, client_auth, read_token_response};

/// Where a credential was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The `Authorization` header.
    Authorization,
    /// A header whose name is a mistake for `Authorization` (name as recorded).
    WrongHeader(String),
    /// A query parameter (name as recorded).
    Query(String),
    /// A form body parameter.
    Form(String),
    /// An API-key header (name as recorded).
    ApiKeyHeader(String),
    /// A session cookie (its name).
    Cookie(String),
}

impl Place {
    /// The report's `credential.header`: `Authorization`, the wrong header's name,
    /// `query:access_token`, `form:access_token`, an API-key header's name, `cookie:NAME`.
    pub fn label(&self) -> String {
        match self {
            Place::Authorization => "Authorization".into(),
            Place::WrongHeader(name) | Place::ApiKeyHeader(name) => printable(name),
            Place::Query(name) => format!("query:{}", printable(name)),
            Place::Form(name) => format!("form:{}", printable(name)),
            Place::Cookie(name) => format!("cookie:{}", printable(name)),
        }
    }

    /// Whether this is the query or form parameter `name`.
    pub fn is_param(&self, name: &str) -> bool {
        matches!(self, Place::Query(n) | Place::Form(n) if n == name)
    }
}

/// Why a credential counts as long-lived: one that is refused, not being able to expire, was
/// revoked (`revoked_credentials`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LongLived {
    /// A user name and password (Basic, Digest, a `password` grant).
    StaticPassword,
    /// An API key (API-key header or parameter, AWS access key).
    ApiKey,
    /// A client's own credentials: `client_secret`, `client_assertion`, Basic at a token
    /// endpoint.
    ClientCredentials,
    /// A refresh token sent in a refresh grant.
    RefreshToken,
    /// A personal or service token recognised by its prefix (`ghp_`, `glpat-`, `xoxb-`...).
    PersonalToken(&'static str),
    /// A scheme that carries static tokens (`token`, `SSWS`, `ApiKey`), as written.
    Scheme(String),
}

impl LongLived {
    pub fn describe(&self) -> String {
        match self {
            LongLived::StaticPassword => "a static password".into(),
            LongLived::ApiKey => "an API key".into(),
            LongLived::ClientCredentials => "the client's own credentials".into(),
            LongLived::RefreshToken => "a refresh token".into(),
            LongLived::PersonalToken(prefix) => format!("a personal token ({prefix}...)"),
            LongLived::Scheme(s) => format!("a static token (scheme {})", printable(s)),
        }
    }
}

/// One credential, without its secret.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    pub place: Place,
    /// The scheme as written (`Bearer`, `bearer`, `Bearer:`), for `Authorization` and wrong
    /// headers; `None` without one.
    pub scheme: Option<String>,
    pub kind: CredentialKind,
    /// Over the value alone (Basic: decoded `user:password`); none for empty, redacted.
    pub fingerprint: Option<Fingerprint>,
    /// A Basic/Digest user name or a form `client_id`/`username`, when printable (never a
    /// user that is itself a key).
    pub user: Option<String>,
    /// Nothing usable was sent: an empty value, `Bearer` alone, `Basic Og==` (empty user and
    /// password), an empty `client_secret`.
    pub empty: bool,
    /// A Basic credential's password is empty (`user:`).
    pub password_empty: bool,
    /// `Authorization` (or a wrong header) with a value but no scheme.
    pub no_scheme: bool,
    /// A known scheme written in another case than its registered one (`bearer`, `BEARER`).
    pub scheme_case_differs: bool,
    pub long_lived: Option<LongLived>,
    /// The form of a token value (JWT claims, damage); none for Basic, cookies without a JWT.
    pub token: Option<TokenInspection>,
    pub signature: SignatureStatus,
}

impl Credential {
    fn new(place: Place, kind: CredentialKind) -> Credential {
        Credential {
            place,
            scheme: None,
            kind,
            fingerprint: None,
            user: None,
            empty: false,
            password_empty: false,
            no_scheme: false,
            scheme_case_differs: false,
            long_lived: None,
            token: None,
            signature: SignatureStatus::NotChecked(NotChecked::NotVerifiable),
        }
    }

    /// The decoded JWT, when the value is one.
    pub fn jwt(&self) -> Option<&DecodedJwt> {
        self.token.as_ref().and_then(|t| t.jwt.as_ref())
    }

    /// The token's damage, if any (placeholder, whitespace, truncated...).
    pub fn damage(&self) -> Option<Damage> {
        self.token.as_ref().and_then(|t| t.damage)
    }

    pub fn is_redacted(&self) -> bool {
        self.kind == CredentialKind::Redacted
    }

    /// A user's password sent in the form body (a password grant, a login form), not empty.
    pub fn is_user_login(&self) -> bool {
        self.place.is_param("password")
            && matches!(self.place, Place::Form(_))
            && self.long_lived == Some(LongLived::StaticPassword)
            && !self.empty
    }

    /// Whether the scheme is `name` (case-insensitive).
    pub fn scheme_is(&self, name: &str) -> bool {
        self.scheme
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(name))
    }

    /// The report's form of this credential.
    pub fn summary(&self) -> CredentialSummary {
        CredentialSummary {
            header: Some(self.place.label()),
            scheme: self.scheme.as_deref().map(printable),
            kind: self.kind,
            fingerprint: self.fingerprint.map(|f| f.short()),
            user: self.user.clone(),
            claims: self
                .jwt()
                .filter(|j| j.claims.is_some())
                .map(DecodedJwt::summary),
        }
    }
}

/// Every credential of a request, and whether the input could show them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Credentials {
    pub all: Vec<Credential>,
    /// The input records request headers (`Request::headers_recorded`).
    pub headers_recorded: bool,
    /// The input shows the credential (`Request::credential_recorded`).
    pub credential_recorded: bool,
    /// More than one `Authorization` header (RFC 9110 allows one); the first is read.
    pub multiple_authorization: bool,
}

/// The one credential of a request the server judges, chosen by [`Credentials::choose`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// `Credentials::all[i]`.
    Index(usize),
    /// The request was recorded and carries no credential the server would read.
    None,
    /// The input does not show the request's credential.
    NotRecorded,
}

impl Credentials {
    /// Whether the capture shows the request's headers and credential.
    pub fn recorded(&self) -> bool {
        self.headers_recorded && self.credential_recorded
    }

    /// The `Authorization` credential, if sent.
    pub fn authorization(&self) -> Option<&Credential> {
        self.all.iter().find(|c| c.place == Place::Authorization)
    }

    /// The first credential sent under a wrong header name.
    pub fn wrong_header(&self) -> Option<&Credential> {
        self.all
            .iter()
            .find(|c| matches!(c.place, Place::WrongHeader(_)))
    }

    pub fn get(&self, chosen: Chosen) -> Option<&Credential> {
        match chosen {
            Chosen::Index(i) => self.all.get(i),
            Chosen::None | Chosen::NotRecorded => None,
        }
    }

    /// A user's name and password sent to log in (a password grant, a login form), with a
    /// password that is there to judge.
    pub fn user_login(&self) -> Option<&Credential> {
        self.all.iter().find(|c| c.is_user_login())
    }

    /// The credential the server asks for. When a challenge names an HTTP
    /// authentication scheme: `Authorization`, or for Bearer an `access_token` query or form
    /// parameter, or (at a token endpoint) the client's form credentials. With no challenge
    /// or a custom scheme, also an API-key header or parameter, or a session cookie.
    pub fn choose(&self, challenges: &[Challenge]) -> Chosen {
        let http_scheme = challenges.iter().any(|c| {
            c.scheme
                .as_deref()
                .is_some_and(challenge::is_http_auth_scheme)
        });
        let bearer_offered = !http_scheme
            || challenges
                .iter()
                .any(|c| c.is_scheme("bearer") || c.is_scheme("dpop"));
        let position = |want: &dyn Fn(&Credential) -> bool| self.all.iter().position(want);
        let found = position(&|c| c.place == Place::Authorization)
            .or_else(|| {
                bearer_offered
                    .then(|| position(&|c| c.place.is_param("access_token")))
                    .flatten()
            })
            .or_else(|| position(&|c| c.long_lived == Some(LongLived::ClientCredentials)))
            // A login form or password grant: the server judges the user's password.
            .or_else(|| position(&Credential::is_user_login))
            .or_else(|| {
                (!http_scheme)
                    .then(|| {
                        position(&|c| matches!(c.place, Place::ApiKeyHeader(_)))
                            .or_else(|| position(&|c| matches!(c.place, Place::Query(_))))
                            .or_else(|| position(&|c| matches!(c.place, Place::Cookie(_))))
                    })
                    .flatten()
            });
        match found {
            Some(i) => Chosen::Index(i),
            None if !self.recorded() => Chosen::NotRecorded,
            None => Chosen::None,
        }
    }

    /// The report's `credential` for a choice (`kind: none` / `not_recorded` without one).
    pub fn summary(&self, chosen: Chosen) -> CredentialSummary {
        let bare = |kind| CredentialSummary {
            header: None,
            scheme: None,
            kind,
            fingerprint: None,
            user: None,
            claims: None,
        };
        match chosen {
            Chosen::Index(i) => self
                .all
                .get(i)
                .map_or_else(|| bare(CredentialKind::None), Credential::summary),
            Chosen::None => bare(CredentialKind::None),
            Chosen::NotRecorded => bare(CredentialKind::NotRecorded),
        }
    }
}

/// Reads every credential of a request; token signatures are checked when `keys` are given.
pub fn read(request: &Request, keys: Option<&KeySet>) -> Credentials {
    let mut out = Credentials {
        headers_recorded: request.headers_recorded,
        credential_recorded: request.credential_recorded,
        ..Credentials::default()
    };
    if request.headers_recorded {
        read_headers(request, keys, &mut out);
    }
    for (name, value) in query_params(&request.url) {
        if let Some(c) = param_credential(Place::Query(name.clone()), &name, &value, keys) {
            out.all.push(c);
        }
    }
    read_form(request, keys, &mut out);
    out
}

fn read_headers(request: &Request, keys: Option<&KeySet>, out: &mut Credentials) {
    let mut authorization_seen = false;
    for header in request.headers.iter() {
        let name = header.name.as_str();
        if name.eq_ignore_ascii_case("authorization") {
            if authorization_seen {
                out.multiple_authorization = true;
                continue;
            }
            authorization_seen = true;
            out.all
                .push(authorization(Place::Authorization, &header.value, keys));
        } else if is_wrong_authorization_name(name) {
            let place = Place::WrongHeader(name.to_owned());
            out.all.push(authorization(place, &header.value, keys));
        } else if is_api_key_header(name) {
            out.all.push(api_key_header(name, &header.value, keys));
        } else if name.eq_ignore_ascii_case("cookie") {
            out.all.extend(cookies(&header.value, keys));
        }
    }
}

fn read_form(request: &Request, keys: Option<&KeySet>, out: &mut Credentials) {
    let client_id = request.form_param("client_id");
    let username = request.form_param("username");
    for (name, value) in &request.form {
        let place = Place::Form(name.clone());
        let credential = match name.as_str() {
            "client_secret" => Some(secret_pair(
                place,
                client_id,
                value,
                LongLived::ClientCredentials,
            )),
            "password" => Some(secret_pair(
                place,
                username,
                value,
                LongLived::StaticPassword,
            )),
            "client_assertion" => {
                let mut c = token_credential(place, value, keys);
                c.long_lived = Some(LongLived::ClientCredentials);
                Some(c)
            }
            "refresh_token" => {
                let mut c = token_credential(place, value, keys);
                c.long_lived = Some(LongLived::RefreshToken);
                Some(c)
            }
            _ => param_credential(place, name, value, keys),
        };
        out.all.extend(credential);
    }
}

#[cfg(test)]
mod tests;
