//! What to tell the customer: one to three concrete steps per finding, written for the person
//! who makes the call, using the evidence's numbers when the decision has them (refresh before
//! expiry, cache tokens for less than their lifetime, check the application's status where
//! it is managed, request the scopes the endpoint needs, sync clocks with NTP, one set of
//! credentials per environment). `cors_preflight` is addressed to the API owner.
//!
//! The advice is vendor-neutral; what belongs to one API (where its applications are managed,
//! its refresh margin, its support contact) comes from the profile's `[advice]`, or from the
//! row of a known provider ([`api`]). Advice on collecting better evidence fits the kind of
//! source ([`collect`]); a group's advice speaks for all its members ([`group`]).
//!
//! Facts come from the capture (claims, scopes, environment names). They never hold a secret,
//! and each is shortened before it is quoted.

use why401_model::details::Detail;
use why401_model::finding::Cause;
use why401_model::time::format_seconds;

pub mod api;
mod collect;
pub mod group;

pub use why401_model::advice::RemediationFacts;

/// How long before expiry clients should refresh when neither the profile nor a provider
/// says: a minute covers clock drift and the token request's own latency.
pub const DEFAULT_REFRESH_MARGIN_SECONDS: i64 = 60;

/// Where client applications are managed, when neither the profile nor a provider says.
const NEUTRAL_PORTAL: &str = "the API provider's developer portal or admin console";

/// The longest piece of captured text a step quotes.
const MAX_FACT_CHARS: usize = 64;
/// The most scopes a step lists.
const MAX_SCOPES: usize = 6;

/// One to three steps for the customer (for `cors_preflight`, for the API owner).
pub fn steps(detail: Detail, facts: &RemediationFacts) -> Vec<String> {
    let steps = match detail.cause() {
        Cause::ExpiredToken => expired(facts),
        Cause::InvalidToken => invalid(detail, facts),
        Cause::MissingAuthorization => missing(detail, facts),
        Cause::InsufficientScope => scope(facts),
        Cause::RevokedCredentials => revoked(detail, facts),
        Cause::ClockSkew => skew(detail, facts),
        Cause::Unknown => collect::steps(detail, facts),
    };
    steps.into_iter().take(3).collect()
}

fn expired(facts: &RemediationFacts) -> Vec<String> {
    let cache = "Cache the token in memory for less than its lifetime, and drop the cached token \
                 as soon as a 401 arrives.";
    if let Some(contradiction) = &facts.contradiction {
        return vec![
            "Get a new access token and retry once: the server refused this one as expired.".into(),
            contradiction.clone(),
            cache.into(),
        ];
    }
    let first = match (facts.expired_at, facts.seconds_before_request) {
        (Some(at), Some(before)) if before >= 0 => format!(
            "Get a new access token: this one expired at {}, {} before the request.",
            format_seconds(&at),
            duration(before)
        ),
        _ => "Get a new access token (or refresh token, API key or personal token): the server \
              says this one has expired."
            .to_string(),
    };
    vec![first, refresh_step(facts), cache.into()]
}

/// Refresh before `exp` by the API's margin (the profile's, else a minute); with a known
/// lifetime, say when.
fn refresh_step(facts: &RemediationFacts) -> String {
    let margin = facts
        .api
        .refresh_margin_seconds
        .unwrap_or(DEFAULT_REFRESH_MARGIN_SECONDS);
    let whose = if facts.api.refresh_margin_seconds.is_some() {
        ""
    } else {
        ", or the margin your API's documentation asks for"
    };
    match facts.lifetime_seconds {
        Some(lifetime) if lifetime > margin => format!(
            "Refresh before expiry, not after a 401: with a {} lifetime, request the next token \
             {} after the last one at the latest ({margin} s before `exp`{whose}).",
            duration(lifetime),
            duration(lifetime - margin),
        ),
        _ => format!(
            "Refresh before expiry, not after a 401: request the next token when less than \
             {margin} s remain before `exp`{whose}."
        ),
    }
}

/// Where the API's client applications are managed: the profile's or provider's words, else
/// a neutral phrase.
fn portal(facts: &RemediationFacts) -> String {
    facts
        .api
        .portal
        .as_deref()
        .map(own_words)
        .unwrap_or_else(|| NEUTRAL_PORTAL.into())
}

/// Where a request id goes: the profile's support contact, else the API provider's support.
fn support(facts: &RemediationFacts) -> String {
    facts
        .api
        .support
        .as_deref()
        .map(own_words)
        .unwrap_or_else(|| "the API provider's support".into())
}

/// The profile's and the provider table's words are the tool user's, not captured: they may
/// be longer than a captured fact, and are still cleaned and clipped.
fn own_words(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    why401_redact::clip(&clean, 120)
}

fn invalid(detail: Detail, facts: &RemediationFacts) -> Vec<String> {
    match detail {
        Detail::Placeholder => vec![
            "Replace the placeholder with a real access token: the request sent template text \
             (such as `<TOKEN>`, `${TOKEN}` or `your_access_token_here`) instead of a token."
                .into(),
            "Check that the variable holding the token is set before the call: an unset variable \
             is sent as empty text, `null` or `undefined`."
                .into(),
        ],
        Detail::TokenHasWhitespace => vec![
            "Remove the spaces or line breaks inside the token: copy it again in one piece, or \
             trim it when reading it from a file or an environment variable."
                .into(),
            "Send the `access_token` value of the token response exactly as received.".into(),
        ],
        Detail::TokenTruncated => vec![
            "Send the whole token: it was cut short. Check length limits where it is stored \
             (database columns, environment variables, log-based copies)."
                .into(),
            "Send the `access_token` value of the token response exactly as received.".into(),
        ],
        Detail::SignatureInvalid | Detail::AlgNone => signature_steps(),
        Detail::WrongEnvironment => environment_steps(facts),
        Detail::TokenRevoked => vec![
            "Request a new access token: this one was revoked (a logout, or revoked by hand in \
             the admin portal)."
                .into(),
            "Drop the cached token when a 401 arrives, so the next call fetches a fresh one."
                .into(),
        ],
        Detail::NotAJwt | Detail::JwtMalformed | Detail::ClaimInvalid => vec![
            "Send the `access_token` value of the token response, unchanged: not the refresh \
             token, the ID token, the client secret or an authorization code."
                .into(),
            "Check that it has three base64url parts separated by dots \
             (header.payload.signature); request a fresh token if it does not."
                .into(),
        ],
        _ => vec![
            "Request a fresh token and retry once: the server rejected this one although its \
             claims look valid."
                .into(),
            format!(
                "If the new token fails too, check the client application's status in {} and \
                 send the response's request id to {}.",
                portal(facts),
                support(facts)
            ),
        ],
    }
}

fn signature_steps() -> Vec<String> {
    vec![
        "Use a token issued by this API's own token endpoint: its signature does not verify \
         with the server's keys (a token from another issuer, an edited token, or one signed \
         with a key that was rotated out)."
            .into(),
        "Request a new token; never edit a token's payload or header.".into(),
        "If your own service validates these tokens, reload the JWKS when a `kid` is unknown."
            .into(),
    ]
}

fn environment_steps(facts: &RemediationFacts) -> Vec<String> {
    let first = match (&facts.token_environment, &facts.request_environment) {
        (Some(token_env), Some(request_env)) => format!(
            "Request the token from the token endpoint of the environment you call: this token \
             was issued for {} but sent to {}.",
            quote(token_env),
            quote(request_env)
        ),
        _ => "Request the token from the token endpoint of the environment you call: this \
              token was issued for another environment (issuer or audience)."
            .into(),
    };
    vec![
        first,
        "Keep separate credentials (client id and secret) for each environment, and name the \
         configuration after the environment so staging and production cannot be mixed up."
            .into(),
    ]
}

fn missing(detail: Detail, facts: &RemediationFacts) -> Vec<String> {
    match detail {
        Detail::WrongHeaderName => vec![format!(
            "Send the token in the `Authorization` header, not in `{}`: \
             `Authorization: Bearer <access token>`.",
            facts
                .header_name
                .as_deref()
                .map(shorten)
                .unwrap_or_else(|| "Authentication".into())
        )],
        Detail::NoScheme => vec![
            "Put the scheme before the token: `Authorization: Bearer <access token>`, not the \
             bare token."
                .into(),
        ],
        Detail::SchemeCase => vec![
            "Write the scheme as `Bearer` with a capital B: this server does not accept \
             `bearer`."
                .into(),
        ],
        Detail::WrongScheme => vec![scheme_step(facts)],
        Detail::EmptyCredentials => vec![
            "Fill in the credentials: they were sent empty (such as `Basic Og==` or `Bearer` \
             with nothing after it)."
                .into(),
            "Check that the variables holding them are set in this environment.".into(),
        ],
        Detail::ClientCredentialsMissing => vec![
            "Send the client's credentials to the token endpoint: `client_id` and \
             `client_secret` as HTTP Basic (`Authorization: Basic` of `client_id:client_secret`) \
             or in the form body."
                .into(),
            "Check that the variables holding them are set in this environment: an empty secret \
             counts as none."
                .into(),
        ],
        Detail::CorsPreflight => cors_steps(),
        Detail::DroppedOnRedirect => vec![
            "Call the final URL directly: `curl -L` drops a custom `Authorization` header when \
             a redirect leads to another host."
                .into(),
            "Only if you trust the redirect target, use `curl --location-trusted`.".into(),
        ],
        _ => vec![
            "Send the token in the `Authorization` header on every request: \
             `Authorization: Bearer <access token>`."
                .into(),
            "Check that your HTTP client keeps the header: proxies, redirects to another host \
             and browser CORS requests can drop it."
                .into(),
        ],
    }
}

fn scheme_step(facts: &RemediationFacts) -> String {
    if facts.offered_schemes.is_empty() {
        return "Use the scheme the server's `WWW-Authenticate` challenge asks for \
                (`Authorization: Bearer <access token>` for OAuth tokens)."
            .into();
    }
    format!(
        "Use a scheme the server's challenge offers ({}): `Authorization: <scheme> <credential>`.",
        list(&facts.offered_schemes)
    )
}

fn cors_steps() -> Vec<String> {
    vec![
        "For the API owner: answer CORS preflight requests (`OPTIONS` with \
         `Access-Control-Request-Method`) without requiring authentication; browsers never \
         send credentials on a preflight."
            .into(),
        "For the API owner: reply 204 with `Access-Control-Allow-Origin`, \
         `Access-Control-Allow-Methods` and `Access-Control-Allow-Headers: Authorization, \
         Content-Type`, and run the CORS handler before the authentication check."
            .into(),
    ]
}

fn scope(facts: &RemediationFacts) -> Vec<String> {
    let endpoint = facts
        .endpoint
        .as_deref()
        .map(shorten)
        .unwrap_or_else(|| "the endpoint".into());
    let first = if facts.required_scopes.is_empty() {
        format!(
            "Request a token with the scopes {endpoint} needs (the `scope` parameter of the \
             token request): the server says this token lacks them."
        )
    } else {
        let granted = if facts.granted_scopes.is_empty() {
            "none".to_string()
        } else {
            list(&facts.granted_scopes)
        };
        format!(
            "Request a token with one of the scopes {endpoint} needs: {} (this token has: {granted}).",
            list(&facts.required_scopes)
        )
    };
    vec![
        first,
        format!(
            "If the token endpoint leaves the scope out, allow it for the client application \
             in {}.",
            portal(facts)
        ),
    ]
}

fn revoked(detail: Detail, facts: &RemediationFacts) -> Vec<String> {
    let portal = portal(facts);
    let status = format!(
        "Check the client application's status in {portal}: if it is revoked, suspended or \
         disabled, create new credentials and update the application's configuration."
    );
    let hygiene = "Never hard-code or commit secrets; keep them in a secret store, rotate them \
                   regularly, and keep separate credentials for each environment.";
    match detail {
        Detail::ClientSecretExpired => vec![
            format!(
                "Create a new client secret (or a new key for signing client assertions) in \
                 {portal}: the current one has expired. Update the application's \
                 configuration with it."
            ),
            "Rotate secrets before they expire: note the expiry date of the new one.".into(),
            hygiene.into(),
        ],
        Detail::RefreshGrantRevoked => vec![
            "Get a new grant: sign in again, or run the `client_credentials` grant; this \
             refresh token was revoked, reused or its session ended."
                .into(),
            "Store the newest refresh token after each refresh: with rotation, the previous one \
             stops working."
                .into(),
        ],
        Detail::CredentialRevoked => vec![status, hygiene.into()],
        _ => vec![
            "Check that the client id and secret (or API key, or password) are current and \
             belong to this environment: the server refused them."
                .into(),
            status,
            hygiene.into(),
        ],
    }
}

fn skew(detail: Detail, facts: &RemediationFacts) -> Vec<String> {
    let ntp = "Synchronize the system clock with NTP: on Linux `timedatectl set-ntp true` (check \
               with `timedatectl status` or `ntpdate -q pool.ntp.org`), on Windows \
               `w32tm /resync`.";
    if let Some(contradiction) = &facts.contradiction {
        return vec![contradiction.clone(), ntp.into()];
    }
    let first = match (detail, facts.skew_seconds) {
        (_, Some(skew)) if skew != 0 => format!(
            "Your clock is {} {} the server's{}.",
            duration(skew),
            if skew > 0 { "ahead of" } else { "behind" },
            match detail {
                Detail::ClientClockBehind =>
                    ": the token had expired by the server's time when it \
                                          was sent",
                Detail::NbfInFuture | Detail::IatInFuture =>
                    ": the token's start time lies in the \
                                                      future for the server",
                _ => "",
            }
        ),
        (Detail::NbfInFuture | Detail::IatInFuture, _) => {
            "The token's start time (`nbf` or `iat`) lies \
            in the future by the server's clock: the clocks of the machines involved disagree."
                .into()
        }
        (Detail::ClientClockBehind, _) => {
            "Your clock is behind the server's: the token had expired \
            by the server's time when it was sent."
                .into()
        }
        _ => "The server says the request's time is outside its window: the clocks of the \
              machines involved disagree."
            .into(),
    };
    let third = if detail == Detail::ClientClockBehind {
        format!(
            "Decide when to refresh from `expires_in` (seconds from receipt), not by comparing \
             `exp` with the local clock, and keep a {} s margin.",
            facts
                .api
                .refresh_margin_seconds
                .unwrap_or(DEFAULT_REFRESH_MARGIN_SECONDS)
        )
    } else {
        "Create signed tokens and requests with `iat`/`nbf` from a synchronized clock; if your \
         clock is right, send the response's `Date` and the token's claims to the API provider."
            .into()
    };
    vec![first, ntp.into(), third]
}

/// `18m33s`, `2h05m`, `3d04h`, `45s` (sign dropped: the sentence says which way).
pub use why401_model::time::format_duration as duration;

/// A captured value, shortened, in backquotes.
pub(crate) fn quote(text: &str) -> String {
    format!("`{}`", shorten(text))
}

pub(crate) fn shorten(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() <= MAX_FACT_CHARS {
        return clean;
    }
    let mut short: String = clean.chars().take(MAX_FACT_CHARS - 1).collect();
    short.push('…');
    short
}

fn list(items: &[String]) -> String {
    let mut quoted: Vec<String> = items.iter().take(MAX_SCOPES).map(|s| quote(s)).collect();
    if items.len() > MAX_SCOPES {
        quoted.push(format!("and {} more", items.len() - MAX_SCOPES));
    }
    quoted.join(", ")
}

#[cfg(test)]
mod tests;
