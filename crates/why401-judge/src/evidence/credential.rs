//! A request's credentials: where each is, its scheme, kind and fingerprint, the user of a
//! Basic credential, the form of a token, never the secret itself.
//!
//! Read from `Authorization` (RFC 9110 §11.6.2), headers with a wrong name (`Authentication:`,
//! `X-Authorization:`, `Bearer:`), `access_token` and API-key query parameters, form bodies
//! (`access_token`, `client_secret`, `client_assertion`, `refresh_token`, `password`),
//! API-key headers and session cookies. A [`Credential`] keeps no secret: Basic passwords are
//! hashed into the fingerprint and dropped, tokens are decoded and dropped.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::challenge::{self, Challenge};
use super::fingerprint::Fingerprint;
use super::jwt::{self, Damage, DecodedJwt, TokenInspection};
use super::keys::{KeySet, NotChecked, SignatureStatus, signature_status};
use why401_model::exchange::{Request, parse_form};
use why401_model::finding::{CredentialKind, CredentialSummary};

/// Basic credentials as clients send them: standard alphabet, padding optional.
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

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

/// Why a credential counts as long-lived (refused long-lived credentials are
/// `revoked_credentials` in the decision issue).
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

/// "The credential of the request" (issue 4), chosen by [`Credentials::choose`].
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

    /// The credential the server asks for (issue 4). When a challenge names an HTTP
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

// --- Authorization ---------------------------------------------------------------------------

/// Schemes written in one registered case; another case is `scheme_case_differs`.
const CANONICAL_SCHEMES: &[&str] = &["Bearer", "Basic", "DPoP", "Digest", "Negotiate", "NTLM"];

/// Schemes whose tokens are static keys (long-lived).
const STATIC_TOKEN_SCHEMES: &[&str] = &["token", "ssws", "apikey", "api-key", "key"];

/// Every scheme recognised when written alone (`Authorization: Bearer`).
const KNOWN_SCHEMES: &[&str] = &[
    "bearer",
    "basic",
    "dpop",
    "digest",
    "negotiate",
    "ntlm",
    "token",
    "ssws",
    "apikey",
    "api-key",
    "key",
    "jwt",
    "oauth",
    "kerberos",
    "aws4-hmac-sha256",
];

/// An `Authorization` value (or a wrong header's) split into scheme and credentials.
fn authorization(place: Place, value: &str, keys: Option<&KeySet>) -> Credential {
    let value = value.trim();
    let (scheme, rest) = split_scheme(value);
    let lower = scheme.map(|s| s.trim_end_matches(':').to_ascii_lowercase());
    let mut c = match lower.as_deref() {
        Some("basic") => basic(place, rest),
        Some("digest") => digest(place, value),
        Some("negotiate" | "ntlm" | "kerberos") => opaque(place, rest),
        Some("aws4-hmac-sha256") => {
            let mut c = opaque(place, rest);
            c.kind = CredentialKind::ApiKey;
            c.long_lived = Some(LongLived::ApiKey);
            c
        }
        Some(s) if is_static_scheme(s) => {
            let mut c = api_key(place, rest, keys);
            // A known token prefix says more than the scheme does.
            if !matches!(c.long_lived, Some(LongLived::PersonalToken(_))) {
                let written = scheme.unwrap_or(s).trim_end_matches(':');
                c.long_lived = Some(LongLived::Scheme(written.to_owned()));
            }
            c
        }
        _ => token_credential(place, rest, keys),
    };
    c.scheme = scheme.map(str::to_owned);
    c.no_scheme = scheme.is_none() && !value.is_empty();
    c.scheme_case_differs = scheme.is_some_and(|s| {
        CANONICAL_SCHEMES
            .iter()
            .any(|k| k.eq_ignore_ascii_case(s) && *k != s)
    });
    if value.is_empty() {
        c.kind = CredentialKind::None;
        c.empty = true;
    }
    c
}

/// `Bearer abc` → (`Bearer`, `abc`); `Bearer` → (`Bearer`, ``); `abc` → (none, `abc`). A first
/// word that cannot be a scheme (has a `.`, starts like a JWT, too long) makes the whole
/// value the credential.
fn split_scheme(value: &str) -> (Option<&str>, &str) {
    let (first, rest) = match value.split_once(char::is_whitespace) {
        Some((first, rest)) => (first, rest.trim()),
        None => (value, ""),
    };
    let bare = first.trim_end_matches(':');
    let known = KNOWN_SCHEMES.contains(&bare.to_ascii_lowercase().as_str());
    let looks_like_scheme = !bare.is_empty()
        && bare.len() <= 32
        && !bare.starts_with("eyJ")
        && bare
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+^`|~".contains(&b));
    if known || (!rest.is_empty() && looks_like_scheme) {
        (Some(first), rest)
    } else {
        (None, value)
    }
}

fn is_static_scheme(lower: &str) -> bool {
    STATIC_TOKEN_SCHEMES.contains(&lower)
        || (!KNOWN_SCHEMES.contains(&lower) && (lower.contains("key") || lower.contains("token")))
}

/// Basic: decode, keep the user (unless it is itself a key), hash `user:password`, drop it.
fn basic(place: Place, encoded: &str) -> Credential {
    let mut c = Credential::new(place, CredentialKind::Basic);
    c.long_lived = Some(LongLived::StaticPassword);
    if encoded.is_empty() {
        c.empty = true;
        return c;
    }
    if is_redacted(encoded) {
        c.kind = CredentialKind::Redacted;
        return c;
    }
    let Ok(decoded) = BASE64_LENIENT.decode(encoded) else {
        // Not base64: the value as sent is all there is to fingerprint.
        c.fingerprint = Some(Fingerprint::of_str(encoded));
        return c;
    };
    c.fingerprint = Some(Fingerprint::of(&decoded));
    let (user, password) = match decoded.iter().position(|&b| b == b':') {
        Some(i) => (&decoded[..i], &decoded[i + 1..]),
        None => (&decoded[..], &[][..]),
    };
    c.empty = user.is_empty() && password.is_empty();
    c.password_empty = password.is_empty();
    if let Some(prefix) = why401_redact::token_prefix(user) {
        // Stripe-style: the key is the user name; never print it.
        c.long_lived = Some(LongLived::PersonalToken(prefix));
    } else if !user.is_empty() && (!password.is_empty() || looks_like_a_name(user)) {
        // With an empty password the "user" may be the secret (an API key sent as `key:`).
        c.user = std::str::from_utf8(user).ok().map(printable);
    }
    c
}

/// A user name rather than a key: short, and not a long run of letters mixed with digits.
fn looks_like_a_name(user: &[u8]) -> bool {
    let digits = user.iter().any(u8::is_ascii_digit);
    let letters = user.iter().any(u8::is_ascii_alphabetic);
    user.len() <= 32 && !(user.len() >= 12 && digits && letters)
}

/// Digest: the user from the `username` parameter; the response changes every request, so
/// the fingerprint names this request only.
fn digest(place: Place, value: &str) -> Credential {
    let mut c = Credential::new(place, CredentialKind::Basic);
    c.long_lived = Some(LongLived::StaticPassword);
    let parsed = challenge::parse(value);
    if let Some(first) = parsed.first() {
        c.user = first.param("username").map(printable);
        c.empty = first.params.is_empty() && first.token68.is_none();
    }
    c.fingerprint = Some(Fingerprint::of_str(value));
    c
}

fn opaque(place: Place, value: &str) -> Credential {
    let mut c = Credential::new(place, CredentialKind::Opaque);
    if value.is_empty() {
        c.kind = CredentialKind::None;
        c.empty = true;
    } else if is_redacted(value) {
        c.kind = CredentialKind::Redacted;
    } else {
        c.fingerprint = Some(Fingerprint::of_str(value));
    }
    c
}

// --- Tokens, keys, cookies ---------------------------------------------------------------

/// A token value: form, claims, signature, fingerprint; kind `jwt` or `opaque`.
fn token_credential(place: Place, value: &str, keys: Option<&KeySet>) -> Credential {
    let value = value.trim();
    let mut c = Credential::new(place, CredentialKind::Opaque);
    if value.is_empty() {
        c.kind = CredentialKind::None;
        c.empty = true;
        return c;
    }
    if is_redacted(value) {
        c.kind = CredentialKind::Redacted;
        // A JWT whose signature alone was masked still shows its claims.
        let mut inspection = jwt::inspect(value);
        if inspection.jwt.is_some() {
            inspection.damage = None;
            c.token = Some(inspection);
        }
        return c;
    }
    let inspection = jwt::inspect(value);
    c.kind = if inspection.is_jwt {
        CredentialKind::Jwt
    } else {
        CredentialKind::Opaque
    };
    c.signature = signature_status(value, &inspection, keys);
    c.fingerprint = Some(Fingerprint::of_str(value));
    c.long_lived = personal_token_prefix(value).map(LongLived::PersonalToken);
    c.token = Some(inspection);
    c
}

/// An API key (header, parameter or static scheme): kind `api_key` unless it is a JWT.
fn api_key(place: Place, value: &str, keys: Option<&KeySet>) -> Credential {
    let mut c = token_credential(place, value, keys);
    if c.kind == CredentialKind::Opaque {
        c.kind = CredentialKind::ApiKey;
        c.long_lived = c.long_lived.or(Some(LongLived::ApiKey));
    }
    c
}

/// An API-key header; a known scheme before the value (`X-Access-Token: Bearer ...`) is read
/// as a scheme, not as part of the key.
fn api_key_header(name: &str, value: &str, keys: Option<&KeySet>) -> Credential {
    let value = value.trim();
    let (scheme, rest) = match split_scheme(value) {
        (Some(s), rest) if KNOWN_SCHEMES.contains(&s.to_ascii_lowercase().as_str()) => {
            (Some(s), rest)
        }
        _ => (None, value),
    };
    let mut c = api_key(Place::ApiKeyHeader(name.to_owned()), rest, keys);
    c.scheme = scheme.map(str::to_owned);
    c
}

/// A form pair like `client_id` + `client_secret` or `username` + `password`: kind `basic`,
/// fingerprinted as `id:secret` so it matches the same pair sent as Basic.
fn secret_pair(place: Place, id: Option<&str>, secret: &str, why: LongLived) -> Credential {
    let mut c = Credential::new(place, CredentialKind::Basic);
    c.long_lived = Some(why);
    c.user = id.filter(|u| !u.is_empty()).map(printable);
    if is_redacted(secret) {
        c.kind = CredentialKind::Redacted;
        return c;
    }
    c.empty = secret.is_empty();
    c.password_empty = secret.is_empty();
    if !secret.is_empty() {
        let pair = format!("{}:{secret}", id.unwrap_or_default());
        c.fingerprint = Some(Fingerprint::of_str(&pair));
    }
    c
}

/// Query and form parameters that carry credentials; others are not credentials.
fn param_credential(
    place: Place,
    name: &str,
    value: &str,
    keys: Option<&KeySet>,
) -> Option<Credential> {
    match name.to_ascii_lowercase().as_str() {
        "access_token" | "token" | "auth_token" | "jwt" => {
            Some(token_credential(place, value, keys))
        }
        "api_key" | "apikey" | "api-key" | "key" | "private_token" => {
            Some(api_key(place, value, keys))
        }
        _ => None,
    }
}

/// Session cookies of a `Cookie` header; analytics and CSRF cookies are not credentials.
fn cookies(header: &str, keys: Option<&KeySet>) -> Vec<Credential> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| is_session_cookie(name))
        .map(|(name, value)| {
            let mut c = token_credential(Place::Cookie(name.to_owned()), value, keys);
            if !matches!(c.kind, CredentialKind::Redacted | CredentialKind::None) {
                c.kind = CredentialKind::Cookie;
            }
            c.long_lived = None;
            c
        })
        .collect()
}

fn is_session_cookie(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.contains("csrf") || lower.contains("xsrf") {
        return false;
    }
    [
        "sess", "sid", "auth", "token", "jwt", "login", "remember", "identity", "connect.",
    ]
    .iter()
    .any(|k| lower.contains(k))
}

// --- Names and markers -----------------------------------------------------------------------

/// Header names people use by mistake for `Authorization` (compared lower-case, also with a
/// stray trailing colon or space: `Authorization:` recorded as a name).
const WRONG_AUTHORIZATION_NAMES: &[&str] = &[
    "authentication",
    "authorisation",
    "authorizaton",
    "autorization",
    "authorzation",
    "x-authorization",
    "x-authentication",
    "authorization-token",
    "bearer",
    "auth",
];

pub fn is_wrong_authorization_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let trimmed = lower.trim_end_matches([':', ' ']);
    (trimmed == "authorization" && trimmed != lower) || WRONG_AUTHORIZATION_NAMES.contains(&trimmed)
}

/// Headers that carry API keys or static tokens (compared lower-case).
const API_KEY_HEADERS: &[&str] = &[
    "x-api-key",
    "apikey",
    "api-key",
    "api_key",
    "x-apikey",
    "x-api-token",
    "x-auth-token",
    "x-access-token",
    "x-auth-key",
    "x-token",
    "private-token",
    "x-gitlab-token",
    "ocp-apim-subscription-key",
    "x-functions-key",
    "x-goog-api-key",
    "x-rapidapi-key",
    "x-shopify-access-token",
    "x-vault-token",
    "dd-api-key",
    "x-dd-api-key",
];

pub fn is_api_key_header(name: &str) -> bool {
    API_KEY_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

/// The prefix of `token_prefixes.tsv` (why401-redact) a value starts with: a long-lived
/// personal, service or API token.
pub fn personal_token_prefix(value: &str) -> Option<&'static str> {
    why401_redact::token_prefix(value.as_bytes())
}

/// Words exporters and loggers put where a secret was.
const REDACTION_WORDS: &[&str] = &[
    "redacted",
    "sanitized",
    "filtered",
    "masked",
    "removed",
    "hidden",
    "omitted",
    "scrubbed",
    "censored",
    "obfuscated",
];

/// A value an exporter or logger masked: `REDACTED`, `[REDACTED]`, `<redacted>`,
/// `[sanitized]`, `redacted:64`, `****`, `abcd****wxyz`, `eyJ...`, a `.redacted` signature.
pub fn is_redacted(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    let word = lower.trim_matches(|c: char| "[]<>(){}*_-\"' ".contains(c));
    let word = word.split_once(':').map_or(word, |(w, n)| {
        if n.bytes().all(|b| b.is_ascii_digit()) {
            w
        } else {
            word
        }
    });
    REDACTION_WORDS.contains(&word)
        || lower.contains("***")
        || lower.contains("...")
        || lower.contains('…')
        || lower.ends_with(".redacted")
        || lower.ends_with(".[redacted]")
        || (!lower.is_empty() && lower.bytes().all(|b| b == b'*'))
}

/// Text from a capture made safe to print: control characters escaped, at most 64 chars.
fn printable(text: &str) -> String {
    why401_redact::escape_control(&why401_redact::clip(text, 64))
}

/// The query parameters of a URL, decoded.
pub fn query_params(url: &str) -> Vec<(String, String)> {
    let without_fragment = url.split('#').next().unwrap_or(url);
    match without_fragment.split_once('?') {
        Some((_, query)) => parse_form(query),
        None => Vec::new(),
    }
}

// --- Token responses and client authentication ----------------------------------------------

/// Fingerprints and facts of a token endpoint's success response, to connect it with the
/// requests that later send the token.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenResponse {
    pub access_token: Option<Fingerprint>,
    pub refresh_token: Option<Fingerprint>,
    pub id_token: Option<Fingerprint>,
    pub token_type: Option<String>,
    pub expires_in: Option<i64>,
    pub scope: Option<Vec<String>>,
}

/// Reads a token response body (`{"access_token": ..., "expires_in": ...}`); `None` when the
/// body is not one.
pub fn read_token_response(body: &str) -> Option<TokenResponse> {
    let doc: serde_json::Value = serde_json::from_str(body.trim()).ok()?;
    let text = |name: &str| doc.get(name).and_then(serde_json::Value::as_str);
    let fp = |name: &str| {
        text(name)
            .filter(|v| !v.is_empty())
            .map(Fingerprint::of_str)
    };
    let response = TokenResponse {
        access_token: fp("access_token"),
        refresh_token: fp("refresh_token"),
        id_token: fp("id_token"),
        token_type: text("token_type").map(printable),
        expires_in: doc.get("expires_in").and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        }),
        scope: text("scope").map(|s| s.split_whitespace().map(str::to_owned).collect()),
    };
    (response.access_token.is_some() || response.refresh_token.is_some()).then_some(response)
}

/// How a request at a token endpoint authenticated the client (the decision issue's rules 1
/// and 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// Basic, `client_secret` or `client_assertion` with a value.
    Present,
    /// Sent but empty (`Basic Og==`, `client_secret=`).
    Empty,
    /// Shown absent: headers recorded without `Authorization`, and the body recorded
    /// without `client_secret`/`client_assertion` or no body at all.
    ShownAbsent,
    /// The capture cannot show it (headers or body not recorded, a value redacted).
    NotShown,
}

/// Reads the client authentication of a (token endpoint) request.
pub fn client_auth(request: &Request, credentials: &Credentials) -> ClientAuth {
    let client = |c: &&Credential| {
        c.place == Place::Authorization
            || c.place.is_param("client_secret")
            || c.place.is_param("client_assertion")
    };
    let sent: Vec<&Credential> = credentials.all.iter().filter(client).collect();
    if sent.iter().any(|c| c.is_redacted()) {
        return ClientAuth::NotShown;
    }
    if sent.iter().any(|c| !c.empty) {
        return ClientAuth::Present;
    }
    if !sent.is_empty() {
        return ClientAuth::Empty;
    }
    // `body_recorded` is true for a request recorded without a body too.
    if credentials.recorded() && request.body_recorded {
        ClientAuth::ShownAbsent
    } else {
        ClientAuth::NotShown
    }
}

#[cfg(test)]
mod tests;
