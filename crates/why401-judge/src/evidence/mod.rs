//! The evidence of a 401: everything the capture says about it, read exactly and
//! safely, for the decision rules to use and the finding to show.
//!
//! One entry point, [`gather`], reads an exchange with an [`EvidenceContext`] (profile, keys,
//! `--at`, leeway) into an [`Evidence`]: the challenges and the one that answered, the
//! request's credentials and "the credential of the request", the token's form, claims and
//! signature, the server's statements, the reference time and the claim times judged against
//! it, the scope and environment checks, and the request id. Pure library code: no I/O
//! beyond the loaders ([`Profile::load`], [`KeySet::from_jwks_file`],
//! [`KeySet::from_key_file`]), never the wall clock, never a secret kept.

pub mod challenge;
pub mod credential;
pub use why401_redact::fingerprint;
pub mod jwt;
pub mod keys;
pub mod profile;
pub mod reftime;
pub mod request_id;
pub mod statement;

#[cfg(test)]
mod testutil;

use chrono::{DateTime, Utc};

pub use challenge::Challenge;
pub use credential::{Chosen, ClientAuth, Credential, Credentials};
pub use fingerprint::Fingerprint;
pub use keys::{KeyError, KeySet, SignatureStatus};
pub use profile::{Profile, ProfileError, ScopeRule, TokenFormat, WrongEnvironment};
pub use reftime::{ClaimTimes, ReferenceTime, Validity};
pub use request_id::RequestId;
pub use statement::Statement;

use why401_model::exchange::{Exchange, ExchangeNote, Request};
use why401_model::finding::{ChallengeSummary, CredentialSummary};

/// The leeway when neither `--leeway` nor the profile gives one.
pub const DEFAULT_LEEWAY: i64 = 60;

/// Everything evidence depends on besides the capture.
#[derive(Debug, Clone)]
pub struct EvidenceContext {
    pub profile: Option<Profile>,
    pub keys: Option<KeySet>,
    /// `--at`: the reference time of last resort.
    pub at: Option<DateTime<Utc>>,
    /// Seconds of clock tolerance for claim times.
    pub leeway: i64,
}

impl Default for EvidenceContext {
    fn default() -> Self {
        EvidenceContext {
            profile: None,
            keys: None,
            at: None,
            leeway: DEFAULT_LEEWAY,
        }
    }
}

impl EvidenceContext {
    /// Flags win over the profile, the profile over defaults: `flag_keys` (`--jwks`/`--key`,
    /// already loaded) replace the profile's `jwks`, which is loaded here; `flag_leeway`
    /// replaces the profile's `leeway`. An unreadable profile `jwks` is an error.
    pub fn resolve(
        profile: Option<Profile>,
        flag_keys: Option<KeySet>,
        at: Option<DateTime<Utc>>,
        flag_leeway: Option<i64>,
    ) -> Result<EvidenceContext, KeyError> {
        let keys = match (flag_keys, profile.as_ref().and_then(|p| p.jwks.as_deref())) {
            (Some(keys), _) => Some(keys),
            (None, Some(path)) => Some(KeySet::from_jwks_file(path)?),
            (None, None) => None,
        };
        let leeway = flag_leeway
            .or_else(|| profile.as_ref().and_then(|p| p.leeway))
            .unwrap_or(DEFAULT_LEEWAY);
        Ok(EvidenceContext {
            profile,
            keys,
            at,
            leeway,
        })
    }

    /// The profile's and the keys' warnings (unknown keys, skipped JWKS keys), to print once.
    pub fn warnings(&self) -> Vec<String> {
        let profile = self.profile.iter().flat_map(|p| p.warnings.iter());
        let keys = self.keys.iter().flat_map(|k| k.warnings().iter());
        profile.chain(keys).cloned().collect()
    }
}

/// The required scopes of the request's endpoint and whether the token has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeCheck {
    pub rule: ScopeRule,
    /// The token's scopes; `None` when the token shows none (opaque, no `scope`/`scp`).
    pub token_scopes: Option<Vec<String>>,
    /// `Some(false)`: the token lacks every scope the endpoint accepts.
    pub satisfied: Option<bool>,
}

/// A validity statement and where it was said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedValidity {
    pub validity: Validity,
    pub place: String,
}

/// Everything read about one exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Every challenge of every `WWW-Authenticate` header, in order.
    pub challenges: Vec<Challenge>,
    /// Index of the challenge matching the credential's scheme, else 0.
    pub chosen_challenge: Option<usize>,
    pub credentials: Credentials,
    /// The credential of the request: the one the rules judge.
    pub chosen: Chosen,
    /// What the server said: challenge, headers, body, log.
    pub statements: Vec<Statement>,
    /// A statement giving the server's current time and a validity (AADSTS700024...).
    pub validity: Option<StatedValidity>,
    pub reference: Option<ReferenceTime>,
    /// The chosen credential's JWT times against the reference (both needed).
    pub claim_times: Option<ClaimTimes>,
    /// Server clock minus client clock in seconds (the rule 8 client-clock test).
    pub client_offset_seconds: Option<i64>,
    /// The request's host (URL, else `Host`).
    pub host: Option<String>,
    pub scope: Option<ScopeCheck>,
    pub wrong_environment: Option<WrongEnvironment>,
    /// The token format the profile expects for the host (`None`: no environment lists it).
    pub expected_token_format: Option<TokenFormat>,
    /// The host's environment rejects `bearer` in another case.
    pub strict_scheme_case: bool,
    /// The request went to a token endpoint (profile `token_endpoint`, else a form body with
    /// `grant_type=`, else a path ending in `/token`).
    pub token_endpoint: bool,
    /// How the request authenticated the client, for token endpoint requests.
    pub client_auth: Option<ClientAuth>,
    pub request_id: Option<RequestId>,
    /// The leeway the times were judged with.
    pub leeway: i64,
}

impl Evidence {
    /// The challenge that answered the credential.
    pub fn challenge(&self) -> Option<&Challenge> {
        self.chosen_challenge.and_then(|i| self.challenges.get(i))
    }

    /// The finding's `challenge`.
    pub fn challenge_summary(&self) -> Option<ChallengeSummary> {
        self.challenge().map(Challenge::summary)
    }

    /// The credential of the request, when there is one.
    pub fn credential(&self) -> Option<&Credential> {
        self.credentials.get(self.chosen)
    }

    /// The finding's `credential` (`kind: none` or `not_recorded` without one).
    pub fn credential_summary(&self) -> CredentialSummary {
        self.credentials.summary(self.chosen)
    }

    /// Whether a challenge offers the credential's scheme: `None` when there is no
    /// challenge with a scheme, or the credential has no scheme.
    pub fn scheme_offered(&self) -> Option<bool> {
        let scheme = credential_scheme(self.credential()?)?;
        let schemes: Vec<&str> = self
            .challenges
            .iter()
            .filter_map(|c| c.scheme.as_deref())
            .collect();
        if schemes.is_empty() {
            return None;
        }
        Some(schemes.iter().any(|s| s.eq_ignore_ascii_case(&scheme)))
    }
}

/// Reads the evidence of one exchange.
pub fn gather(exchange: &Exchange, ctx: &EvidenceContext) -> Evidence {
    let request = &exchange.request;
    let profile = ctx.profile.as_ref();
    let challenges = exchange
        .response
        .as_ref()
        .map(|r| challenge::from_headers(&r.headers))
        .unwrap_or_default();
    let credentials = credential::read(request, ctx.keys.as_ref());
    let chosen = credentials.choose(&challenges);
    let chosen_challenge = choose_challenge(&challenges, credentials.get(chosen));
    let statements = statement::gather(exchange, &challenges);
    let reference = reftime::reference_time(exchange, &statements, ctx.at);
    let jwt = credentials.get(chosen).and_then(Credential::jwt);
    let claim_times = jwt
        .zip(reference.as_ref())
        .map(|(jwt, r)| reftime::check_claims(jwt.exp(), jwt.nbf(), jwt.iat(), r.at, ctx.leeway));
    let host = profile::request_host(request);
    let token_endpoint =
        is_token_endpoint(request, profile) || exchange.notes.contains(&ExchangeNote::TokenRequest);
    Evidence {
        validity: reftime::find_validity(&statements)
            .map(|(validity, place)| StatedValidity { validity, place }),
        client_offset_seconds: reference
            .as_ref()
            .and_then(|r| reftime::client_offset_seconds(exchange, r)),
        scope: profile.and_then(|p| scope_check(p, request, host.as_deref(), jwt)),
        wrong_environment: jwt
            .and_then(|j| profile::wrong_environment(profile, host.as_deref(), j)),
        expected_token_format: profile
            .zip(host.as_deref())
            .and_then(|(p, h)| p.token_format(h)),
        strict_scheme_case: profile
            .zip(host.as_deref())
            .is_some_and(|(p, h)| p.strict_scheme_case(h)),
        client_auth: token_endpoint.then(|| credential::client_auth(request, &credentials)),
        token_endpoint,
        request_id: request_id::find(exchange),
        challenges,
        chosen_challenge,
        credentials,
        chosen,
        statements,
        reference,
        claim_times,
        host,
        leeway: ctx.leeway,
    }
}

/// The scheme a credential uses; `Bearer` for an `access_token` parameter.
fn credential_scheme(credential: &Credential) -> Option<String> {
    match &credential.scheme {
        Some(s) => Some(s.trim_end_matches(':').to_owned()),
        None if credential.place.is_param("access_token") => Some("Bearer".into()),
        None => None,
    }
}

/// The challenge matching the credential's scheme, else the first.
fn choose_challenge(challenges: &[Challenge], credential: Option<&Credential>) -> Option<usize> {
    if challenges.is_empty() {
        return None;
    }
    let scheme = credential.and_then(credential_scheme);
    let matching = scheme.and_then(|s| challenges.iter().position(|c| c.is_scheme(&s)));
    Some(matching.unwrap_or(0))
}

/// A token endpoint: the profile's `token_endpoint`, else a form body with `grant_type=`,
/// else a path ending in `/token` (rule 1 reads it).
pub fn is_token_endpoint(request: &Request, profile: Option<&Profile>) -> bool {
    if profile.is_some_and(|p| p.is_token_endpoint(&request.url)) {
        return true;
    }
    request.form_param("grant_type").is_some()
        || profile::url_path(&request.url)
            .trim_end_matches('/')
            .ends_with("/token")
}

fn scope_check(
    profile: &Profile,
    request: &Request,
    host: Option<&str>,
    jwt: Option<&jwt::DecodedJwt>,
) -> Option<ScopeCheck> {
    let rule = profile.scope_rule(&request.method, &request.url, host)?;
    let token_scopes = jwt.and_then(jwt::DecodedJwt::scopes);
    let satisfied = token_scopes.as_ref().map(|s| rule.satisfied_by(s));
    Some(ScopeCheck {
        rule: rule.clone(),
        token_scopes,
        satisfied,
    })
}

#[cfg(test)]
mod tests;
