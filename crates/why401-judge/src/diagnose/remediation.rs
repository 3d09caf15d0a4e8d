//! What to tell the customer: one to three concrete steps per finding, written for the person
//! who makes the call, using the evidence's numbers when the decision has them. The advice
//! follows what the reference platform's support team tells customers (refresh 300 s before
//! expiry, cache tokens for less than their lifetime, check the application's status in the
//! admin portal, request the scopes the endpoint needs, sync clocks with NTP, one set of
//! credentials per environment). `cors_preflight` is addressed to the API owner.
//!
//! Facts come from the capture (claims, scopes, environment names). They never hold a secret,
//! and each is shortened before it is quoted.

use chrono::{DateTime, Utc};

use why401_model::details::Detail;
use why401_model::finding::Cause;
use why401_model::time::format_seconds;

/// How long before expiry clients should refresh: the platform advises 5 minutes.
pub const REFRESH_MARGIN_SECONDS: i64 = 300;

/// Where the platform's admin portal lists client applications and their status.
pub const APPLICATIONS_PAGE: &str = "the admin portal (Settings → API → Applications)";

/// The longest piece of captured text a step quotes.
const MAX_FACT_CHARS: usize = 64;
/// The most scopes a step lists.
const MAX_SCOPES: usize = 6;

/// Numbers and names the evidence found, all optional; a step uses those it has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemediationFacts {
    /// When the credential expired (`exp`, or the time a server message states).
    pub expired_at: Option<DateTime<Utc>>,
    /// How long before the request the credential had expired, in seconds.
    pub seconds_before_request: Option<i64>,
    /// The client's clock minus the server's, in seconds (positive: the client is ahead).
    pub skew_seconds: Option<i64>,
    /// The token's lifetime (`exp - iat`, or `expires_in`), in seconds.
    pub lifetime_seconds: Option<i64>,
    /// Scopes the endpoint accepts (any one of them).
    pub required_scopes: Vec<String>,
    /// Scopes the token carries.
    pub granted_scopes: Vec<String>,
    /// The environment the token was issued for (`staging`, an issuer host...).
    pub token_environment: Option<String>,
    /// The environment the request went to.
    pub request_environment: Option<String>,
    /// The header that carried the credential when it was not `Authorization`.
    pub header_name: Option<String>,
    /// Schemes the server's challenges offer (`Bearer`, `Basic`...).
    pub offered_schemes: Vec<String>,
    /// The endpoint, as `METHOD /path`.
    pub endpoint: Option<String>,
    /// A URL to test a token with (`GET /v2/organizations/current` on the platform).
    pub probe_url: Option<String>,
    /// Only the token's signature was masked: its header and claims were read.
    pub signature_masked: bool,
}

/// One to three steps for the customer (for `cors_preflight`, for the API owner).
pub fn steps(detail: Detail, facts: &RemediationFacts) -> Vec<String> {
    let steps = match detail.cause() {
        Cause::ExpiredToken => expired(facts),
        Cause::InvalidToken => invalid(detail, facts),
        Cause::MissingAuthorization => missing(detail, facts),
        Cause::InsufficientScope => scope(facts),
        Cause::RevokedCredentials => revoked(detail),
        Cause::ClockSkew => skew(detail, facts),
        Cause::Unknown => unknown(detail, facts),
    };
    steps.into_iter().take(3).collect()
}

fn expired(facts: &RemediationFacts) -> Vec<String> {
    let first = match (facts.expired_at, facts.seconds_before_request) {
        (Some(at), Some(before)) => format!(
            "Get a new access token: this one expired at {}, {} before the request.",
            format_seconds(&at),
            duration(before)
        ),
        (Some(at), None) => format!(
            "Get a new access token: this one expired at {}.",
            format_seconds(&at)
        ),
        _ => "Get a new access token (or refresh token, API key or personal token): the server \
              says this one has expired."
            .to_string(),
    };
    let refresh = match facts.lifetime_seconds {
        Some(lifetime) if lifetime > REFRESH_MARGIN_SECONDS => format!(
            "Refresh before expiry, not after a 401: with a {} lifetime, request the next token \
             {} after the last one at the latest ({} s before `exp`).",
            duration(lifetime),
            duration(lifetime - REFRESH_MARGIN_SECONDS),
            REFRESH_MARGIN_SECONDS
        ),
        _ => format!(
            "Refresh before expiry, not after a 401: request the next token when less than \
             {REFRESH_MARGIN_SECONDS} s (5 minutes) remain before `exp`."
        ),
    };
    vec![
        first,
        refresh,
        "Cache the token in memory for less than its lifetime, and drop the cached token as soon \
         as a 401 arrives."
            .into(),
    ]
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
                "If the new token fails too, check the client application's status in \
                 {APPLICATIONS_PAGE} and send the response's request id to support."
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
             in {APPLICATIONS_PAGE}."
        ),
    ]
}

fn revoked(detail: Detail) -> Vec<String> {
    let status = format!(
        "Check the client application's status in {APPLICATIONS_PAGE}: if it is Revoked or \
         Suspended, create new credentials and update the application's configuration."
    );
    let hygiene = "Never hard-code or commit secrets; keep them in a secret store, rotate them \
                   regularly, and keep separate credentials for each environment.";
    match detail {
        Detail::ClientSecretExpired => vec![
            format!(
                "Create a new client secret (or a new key for signing client assertions) in \
                 {APPLICATIONS_PAGE}: the current one has expired. Update the application's \
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
             `exp` with the local clock, and keep a {REFRESH_MARGIN_SECONDS} s margin."
        )
    } else {
        "Create signed tokens and requests with `iat`/`nbf` from a synchronized clock; if your \
         clock is right, send the response's `Date` and the token's claims to the API provider."
            .into()
    };
    vec![first, ntp.into(), third]
}

fn unknown(detail: Detail, facts: &RemediationFacts) -> Vec<String> {
    let curl = format!(
        "Run the call again with `curl -v -H \"Authorization: Bearer $TOKEN\" {}` and keep the \
         whole output (request headers, status line, response headers).",
        facts
            .probe_url
            .as_deref()
            .map(shorten)
            .unwrap_or_else(|| "<same URL>".into())
    );
    let har = "Export the HAR again with sensitive data (Chrome DevTools: Network → Export HAR \
               (with sensitive data); Firefox: Save All As HAR) and share it privately.";
    let date = "Include the response's `Date` header, so the token's `exp`, `nbf` and `iat` can \
                be compared with the server's time.";
    match detail {
        Detail::CredentialRedacted if facts.signature_masked => vec![
            "The token's claims pass at the server's time, so check its signature: run \
             `why401 token --jwks <the issuer's JWKS file>` on the whole token where it may be \
             seen (it reads the token from stdin and never prints it)."
                .into(),
            "A token signed by another issuer or tenant, or with a rotated key, is refused this \
             way: get a new token from the issuer the API trusts."
                .into(),
            curl,
        ],
        Detail::CredentialRedacted => vec![
            format!("{har} This export removed the Authorization header."),
            "For gateway or server logs that mask credentials (Caddy, Kong, Traefik redact \
             `Authorization`), reproduce the call with `curl -v` instead, or log the token's \
             fingerprint rather than the token."
                .into(),
            curl,
        ],
        Detail::CredentialNotRecorded => vec![curl, har.into()],
        Detail::NoServerTime => vec![date.into(), curl],
        Detail::DpopNonceRequired => vec![
            "Retry with a new DPoP proof carrying the nonce from the `DPoP-Nonce` response \
             header: this 401 is the normal DPoP nonce exchange."
                .into(),
            "If the retry is refused too, check the proof's `htm`, `htu` and `iat` (from a \
             synchronized clock)."
                .into(),
        ],
        Detail::InteractionRequired => vec![
            "Sign in interactively once (multi-factor authentication or consent is required), \
             then retry."
                .into(),
        ],
        _ => vec![har.into(), date.into(), curl],
    }
}

/// `18m33s`, `2h05m`, `3d04h`, `45s` (sign dropped: the sentence says which way).
pub use why401_model::time::format_duration as duration;

/// A captured value, shortened, in backquotes.
fn quote(text: &str) -> String {
    format!("`{}`", shorten(text))
}

fn shorten(text: &str) -> String {
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
mod tests {
    use super::*;
    use why401_model::time::parse_iso;

    fn full_facts() -> RemediationFacts {
        RemediationFacts {
            expired_at: parse_iso("2024-03-08T14:05:12Z").map(|s| s.at),
            seconds_before_request: Some(18 * 60 + 33),
            skew_seconds: Some(-420),
            lifetime_seconds: Some(3600),
            required_scopes: vec!["read".into(), "devices:read".into()],
            granted_scopes: vec!["write".into()],
            token_environment: Some("https://auth.staging.example.com".into()),
            request_environment: Some("https://api.example.com".into()),
            header_name: Some("Authentication".into()),
            offered_schemes: vec!["Bearer".into()],
            endpoint: Some("GET /v2/devices".into()),
            probe_url: Some("https://api.example.com/v2/organizations/current".into()),
            signature_masked: false,
        }
    }

    #[test]
    fn a_masked_signature_asks_for_the_signature_check_not_a_new_export() {
        let facts = RemediationFacts {
            signature_masked: true,
            ..Default::default()
        };
        let masked = steps(Detail::CredentialRedacted, &facts);
        assert!(masked[0].contains("why401 token --jwks"), "{masked:?}");
        assert!(!masked.iter().any(|s| s.contains("Export the HAR")));
        let removed = steps(Detail::CredentialRedacted, &RemediationFacts::default());
        assert!(removed[0].contains("removed the Authorization header"));
    }

    #[test]
    fn every_cause_and_detail_gets_one_to_three_steps() {
        for facts in [RemediationFacts::default(), full_facts()] {
            for detail in Detail::ALL {
                let steps = steps(detail, &facts);
                assert!((1..=3).contains(&steps.len()), "{detail}: {steps:?}");
                for step in &steps {
                    assert!(step.len() > 20, "{detail}: {step:?}");
                    assert!(!step.contains("  "), "{detail}: {step:?}");
                }
            }
        }
    }

    #[test]
    fn expiry_steps_use_the_numbers() {
        let steps = steps(Detail::JwtExpPassed, &full_facts());
        assert!(steps[0].contains("2024-03-08T14:05:12Z"), "{}", steps[0]);
        assert!(
            steps[0].contains("18m33s before the request"),
            "{}",
            steps[0]
        );
        assert!(steps[1].contains("55m00s"), "{}", steps[1]);
        assert!(steps[1].contains("300 s"), "{}", steps[1]);
        let plain = super::steps(Detail::ServerSaysExpired, &Default::default());
        assert!(plain[1].contains("300 s"), "{}", plain[1]);
    }

    #[test]
    fn scope_environment_and_skew_steps_use_the_facts() {
        let facts = full_facts();
        let scope = steps(Detail::ScopeNotGranted, &facts);
        assert!(scope[0].contains("`read`, `devices:read`"), "{}", scope[0]);
        assert!(scope[0].contains("this token has: `write`"), "{}", scope[0]);
        assert!(scope[0].contains("GET /v2/devices"), "{}", scope[0]);
        assert!(scope[1].contains("Settings → API → Applications"));
        let env = steps(Detail::WrongEnvironment, &facts);
        assert!(env[0].contains("auth.staging.example.com") && env[0].contains("api.example.com"));
        assert!(env[1].contains("separate credentials"));
        let skew = steps(Detail::ClientClockBehind, &facts);
        assert!(skew[0].contains("7m00s behind"), "{}", skew[0]);
        assert!(skew[1].contains("timedatectl") && skew[1].contains("w32tm /resync"));
        let header = steps(Detail::WrongHeaderName, &facts);
        assert!(
            header[0].contains("not in `Authentication`"),
            "{}",
            header[0]
        );
    }

    #[test]
    fn unknown_steps_say_what_evidence_to_collect() {
        let steps = steps(Detail::AmbiguousStatement, &full_facts());
        let all = steps.join(" ");
        assert!(all.contains("with sensitive data"), "{all}");
        assert!(all.contains("`Date`"), "{all}");
        assert!(all.contains("curl -v"), "{all}");
        assert!(all.contains("/v2/organizations/current"), "{all}");
        let redacted = super::steps(Detail::CredentialRedacted, &Default::default());
        assert!(redacted[0].contains("with sensitive data"));
    }

    #[test]
    fn cors_preflight_steps_are_for_the_api_owner() {
        let steps = steps(Detail::CorsPreflight, &Default::default());
        assert!(steps.iter().all(|s| s.starts_with("For the API owner")));
        assert!(steps[0].contains("OPTIONS"));
    }

    #[test]
    fn revoked_steps_point_to_the_admin_portal() {
        for detail in [
            Detail::CredentialRevoked,
            Detail::CredentialsRejected,
            Detail::ClientSecretExpired,
        ] {
            let all = steps(detail, &Default::default()).join(" ");
            assert!(
                all.contains("Settings → API → Applications"),
                "{detail}: {all}"
            );
        }
    }

    #[test]
    fn captured_facts_are_shortened_and_cleaned() {
        let facts = RemediationFacts {
            token_environment: Some(format!("evil\u{1b}[31m{}", "x".repeat(200))),
            request_environment: Some("prod".into()),
            required_scopes: (0..10).map(|i| format!("s{i}")).collect(),
            ..Default::default()
        };
        let env = steps(Detail::WrongEnvironment, &facts);
        assert!(!env[0].contains('\u{1b}'));
        assert!(env[0].contains('…') && env[0].len() < 300, "{}", env[0]);
        let scope = steps(Detail::ScopeNotGranted, &facts);
        assert!(
            scope[0].contains("and 4 more") && !scope[0].contains("`s6`"),
            "{}",
            scope[0]
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(18 * 60 + 33), "18m33s");
        assert_eq!(duration(-(2 * 3600 + 5 * 60)), "2h05m");
        assert_eq!(duration(3 * 86_400 + 4 * 3600), "3d04h");
    }
}
