//! Judging a source as a whole: one sequential pass in `index` order builds the
//! capture's history (credentials seen, tokens issued, clients refused, sanitized signs) and
//! holds each 401 back only while a later exchange can still change it.

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::{DateTime, Utc};

use super::rules::{EarlierSuccess, Prior, Refusal};
use crate::evidence::credential::{self, LongLived};
use crate::evidence::{Evidence, EvidenceContext, Fingerprint};
use why401_model::details::Detail;
use why401_model::exchange::{Exchange, ExchangeNote, Request};
use why401_model::finding::{Cause, Timeline};
use why401_model::input::InputStats;
use why401_model::providers::{self, Verdict};
use why401_model::setting::Setting;
use why401_model::time::format_millis;
use why401_model::url::endpoint_pattern;

mod cache;
use cache::{AuthorizationCache, DigestHash, ValueKey};

/// At most this many credentials are remembered per source (least recently used dropped)
/// by default: the default of `--max-credentials-tracked`.
pub const MAX_FINGERPRINTS: usize = 100_000;

/// The bound set by `--max-credentials-tracked`; 0 keeps [`MAX_FINGERPRINTS`].
/// Process-wide, like the readers' limits.
static MAX_FINGERPRINTS_SET: Setting = Setting::new(MAX_FINGERPRINTS);

/// Sets how many credentials a source's history remembers (`--max-credentials-tracked`).
pub fn set_max_credentials(count: usize) {
    MAX_FINGERPRINTS_SET.set(count);
}

/// How many credentials a source's history remembers.
pub fn max_credentials() -> usize {
    MAX_FINGERPRINTS_SET.get()
}

/// A 401 waits this many later exchanges for its handshake or retry to show.
pub const LOOK_AHEAD: usize = 50;

/// What the capture knows about one credential.
#[derive(Debug, Clone, Default)]
struct CredentialLife {
    first_seen: Option<DateTime<Utc>>,
    last_success: Option<(DateTime<Utc>, u16, String)>,
    last_success_untimed: Option<(u16, String)>,
    first_failure: Option<DateTime<Utc>>,
    expiry: Option<DateTime<Utc>>,
    /// Issued by a token response in this capture: with this client id and refresh token.
    client_id: Option<String>,
    refresh: Option<Fingerprint>,
    successes: u64,
    failures: u64,
    last_used: u64,
}

/// A token request the endpoint refused.
#[derive(Debug, Clone)]
struct TokenRefusal {
    client_id: Option<String>,
    refresh: Option<Fingerprint>,
    detail: Detail,
    at: Option<DateTime<Utc>>,
    place: String,
}

/// Whole-source facts for sanitized-export detection.
#[derive(Debug, Clone, Default)]
pub struct SanitizedSigns {
    pub credential_header_seen: bool,
    pub marker_seen: bool,
    /// An exchange's export may have removed its credential headers.
    pub export_may_strip: bool,
    /// An exchange's export removed some of its request headers.
    pub headers_removed: bool,
    pub challenge_implies_token: bool,
    /// (host, first path segment) answered 2xx/3xx, and those challenged with a scheme.
    pub succeeded_areas: HashSet<(String, String)>,
    pub challenged_areas: HashSet<(String, String)>,
    pub profile_auth_success: bool,
}

impl SanitizedSigns {
    /// Whether an export whose exporter strips credential headers did strip them: `None`
    /// when the exporter keeps them or a request shows one; `Some(true)` when a sign shows
    /// a credential was sent (an authenticated area answered, headers were removed, or a
    /// challenge implies a token).
    pub fn stripped_by_exporter(&self, exporter_strips: bool) -> Option<bool> {
        if !exporter_strips || self.credential_header_seen {
            return None;
        }
        let auth_area_succeeded = self.profile_auth_success
            || self
                .succeeded_areas
                .intersection(&self.challenged_areas)
                .next()
                .is_some();
        Some(auth_area_succeeded || self.headers_removed || self.challenge_implies_token)
    }
}

/// The running history of one source.
#[derive(Debug, Default)]
pub struct History {
    lives: HashMap<[u8; 32], CredentialLife, DigestHash>,
    clock: u64,
    refusals: VecDeque<TokenRefusal>,
    pub signs: SanitizedSigns,
    /// The previous exchange: its URL and whether it carried Authorization.
    previous: Option<(String, bool)>,
    /// What each `Authorization` value met says (its fingerprint, whether it is a marker).
    authorizations: AuthorizationCache,
    /// How often credentials were dropped past [`max_credentials`].
    evictions: u64,
}

impl History {
    /// Facts about the capture before this 401, for rules 4, 5, 8 and 11.
    pub fn prior(&mut self, exchange: &Exchange, evidence: &Evidence) -> Prior {
        let mut prior = Prior {
            dropped_on_redirect: self.dropped_on_redirect(exchange),
            ..Prior::default()
        };
        let Some(credential) = evidence.credential() else {
            return prior;
        };
        let Some(fp) = credential.fingerprint else {
            return prior;
        };
        let endpoint = endpoint_key(exchange);
        let jwt_client = credential
            .jwt()
            .and_then(|j| j.claims.as_ref())
            .and_then(|c| ["client_id", "azp", "cid"].iter().find_map(|k| c.get(*k)))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let life = self.lives.get(fp.digest());
        prior.issued_expiry = life
            .and_then(|l| l.expiry)
            .filter(|_| credential.jwt().is_none());
        prior.earlier_success = life.and_then(|l| {
            let (at, status, key) = match (&l.last_success, &l.last_success_untimed) {
                (Some((at, status, key)), _) => (Some(format_millis(at)), *status, key.clone()),
                (None, Some((status, key))) => (None, *status, key.clone()),
                (None, None) => return None,
            };
            Some(EarlierSuccess {
                at,
                status,
                same_endpoint: key == endpoint,
            })
        });
        let client = life.and_then(|l| l.client_id.clone()).or(jwt_client);
        let refresh = life.and_then(|l| l.refresh);
        prior.client_refusal = self
            .refusals
            .iter()
            .rev()
            .find(|r| {
                (client.is_some() && r.client_id == client)
                    || (refresh.is_some() && r.refresh == refresh)
            })
            .map(|r| Refusal {
                detail: r.detail,
                at: r.at.map(|t| format_millis(&t)),
                place: r.place.clone(),
            });
        if matches!(credential.long_lived, Some(LongLived::ClientCredentials)) {
            prior.client_refusal = None;
        }
        prior
    }

    fn dropped_on_redirect(&self, exchange: &Exchange) -> Option<String> {
        let from = exchange.redirected_from.as_ref()?;
        let (previous_url, had_auth) = self.previous.as_ref()?;
        let other_host =
            why401_model::url::host_of(from) != why401_model::url::host_of(&exchange.request.url);
        let dropped = *had_auth
            && previous_url == from
            && !exchange.request.headers.contains("authorization");
        (other_host && dropped).then(|| why401_redact::redact_url(from))
    }

    /// Records what an exchange shows. `evidence` is given for judged exchanges (401s);
    /// others are read cheaply.
    pub fn record(
        &mut self,
        exchange: &Exchange,
        evidence: Option<&Evidence>,
        ctx: &EvidenceContext,
    ) {
        self.clock += 1;
        let authorization = exchange.request.headers.get("authorization");
        let key = authorization.map(ValueKey::of);
        self.record_signs(exchange, evidence, ctx, key);
        let status = exchange.status().unwrap_or(0);
        let time = exchange_time(exchange);
        let has_auth = authorization.is_some();
        if (200..400).contains(&status) || status == 401 || status == 403 {
            self.record_credentials(exchange, evidence, status, time, key);
        }
        if crate::evidence::is_token_endpoint(&exchange.request, ctx.profile.as_ref()) {
            self.record_token_endpoint(exchange, status, time);
        }
        self.previous = Some((exchange.request.url.clone(), has_auth));
        self.evict();
    }

    fn record_signs(
        &mut self,
        exchange: &Exchange,
        evidence: Option<&Evidence>,
        ctx: &EvidenceContext,
        key: Option<ValueKey>,
    ) {
        let request = &exchange.request;
        if key.is_some() || request.headers.contains("cookie") {
            self.signs.credential_header_seen = true;
        }
        if !self.signs.marker_seen && key.is_some() {
            self.signs.marker_seen = self.any_marker(request, key);
        }
        let signs = &mut self.signs;
        for note in &exchange.notes {
            match note {
                ExchangeNote::ExportMayStripCredentials => signs.export_may_strip = true,
                ExchangeNote::RequestHeadersRemoved => signs.headers_removed = true,
                _ => {}
            }
        }
        let status = exchange.status().unwrap_or(0);
        let area = area(exchange);
        if (200..400).contains(&status) {
            if let Some(area) = area.clone() {
                signs.succeeded_areas.insert(area);
            }
            if let Some(profile) = &ctx.profile {
                let host = why401_model::url::host_of(&request.url);
                signs.profile_auth_success |= profile
                    .scope_rule(&request.method, &request.url, host.as_deref())
                    .is_some();
            }
        }
        if let Some(ev) = evidence.filter(|_| status == 401) {
            if ev.challenges.iter().any(|c| c.scheme.is_some())
                && let Some(area) = area
            {
                signs.challenged_areas.insert(area);
            }
            if ev
                .challenges
                .iter()
                .any(|c| matches!(c.error(), Some("invalid_token" | "insufficient_scope")))
            {
                signs.challenge_implies_token = true;
            }
        }
    }

    /// Whether an `Authorization` value of `request` is a redaction marker (`key` names the
    /// first; the others, rare, are read each time).
    fn any_marker(&mut self, request: &Request, key: Option<ValueKey>) -> bool {
        let mut values = request.headers.get_all("authorization");
        let first = match (key, values.next()) {
            (Some(key), Some(first)) => self.authorizations.redacted(key, first),
            _ => false,
        };
        first || values.any(credential::is_redacted)
    }

    /// The fingerprint of a request's `Authorization` token or `access_token` parameter, read
    /// without keys (cheap enough for every exchange that carries one: with recorded headers
    /// it is read once per `Authorization` value, see [`AuthorizationCache`]).
    fn quick_fingerprint(
        &mut self,
        exchange: &Exchange,
        key: Option<ValueKey>,
    ) -> Option<Fingerprint> {
        let request = &exchange.request;
        if key.is_none() && !request.url.contains("access_token=") {
            return None;
        }
        match key.filter(|_| request.headers_recorded) {
            Some(key) => self.authorizations.fingerprint(key, request),
            None => cache::token_fingerprint(request),
        }
    }

    fn record_credentials(
        &mut self,
        exchange: &Exchange,
        evidence: Option<&Evidence>,
        status: u16,
        time: Option<DateTime<Utc>>,
        key: Option<ValueKey>,
    ) {
        let fp = match evidence {
            Some(ev) => ev.credential().and_then(|c| c.fingerprint),
            None => self.quick_fingerprint(exchange, key),
        };
        let Some(fp) = fp else {
            return;
        };
        let clock = self.clock;
        let endpoint = endpoint_key(exchange);
        let life = self.lives.entry(*fp.digest()).or_default();
        life.last_used = clock;
        if life.first_seen.is_none() {
            life.first_seen = time;
        }
        if let Some(exp) = evidence
            .and_then(|e| e.credential())
            .and_then(|c| c.jwt())
            .and_then(|j| j.exp())
        {
            life.expiry = Some(exp);
        }
        if (200..400).contains(&status) {
            life.successes += 1;
            match time {
                Some(t) => life.last_success = Some((t, status, endpoint)),
                None => life.last_success_untimed = Some((status, endpoint)),
            }
        } else if status == 401 {
            life.failures += 1;
            if life.first_failure.is_none() {
                life.first_failure = time;
            }
        }
    }

    /// Token-endpoint answers: issuance ties tokens to their expiry and client; refusals are
    /// remembered for rule 11 (a client refused earlier).
    fn record_token_endpoint(
        &mut self,
        exchange: &Exchange,
        status: u16,
        time: Option<DateTime<Utc>>,
    ) {
        let request = &exchange.request;
        let client_id = client_id_of(exchange);
        let refresh_sent = request.form_param("refresh_token").map(Fingerprint::of_str);
        let body = exchange.response.as_ref().and_then(|r| r.body.as_ref());
        if (200..300).contains(&status) {
            let Some(issued) = body.and_then(|b| credential::read_token_response(&b.text)) else {
                return;
            };
            let clock = self.clock;
            if let Some(access) = issued.access_token {
                let life = self.lives.entry(*access.digest()).or_default();
                life.last_used = clock;
                life.client_id = client_id.clone();
                life.refresh = issued.refresh_token.or(refresh_sent);
                if let (Some(t), Some(seconds)) = (time, issued.expires_in) {
                    life.expiry = Some(t + chrono::Duration::seconds(seconds));
                }
            }
            return;
        }
        if !(400..500).contains(&status) {
            return;
        }
        let text = body.map(|b| b.text.as_str()).unwrap_or("");
        let Some(detail) = refusal_detail(text, refresh_sent.is_some(), is_user_login(request))
        else {
            return;
        };
        self.refusals.push_back(TokenRefusal {
            client_id,
            refresh: refresh_sent,
            detail,
            at: time,
            place: format!("{} {}", status, refusal_words(text)),
        });
        if self.refusals.len() > 1000 {
            self.refusals.pop_front();
        }
    }

    /// Drops the least recently used credentials beyond the bound (a tenth at a time).
    fn evict(&mut self) {
        if self.lives.len() <= max_credentials() {
            return;
        }
        let mut ages: Vec<u64> = self.lives.values().map(|l| l.last_used).collect();
        ages.sort_unstable();
        let cutoff = ages[ages.len() / 10];
        self.lives.retain(|_, l| l.last_used > cutoff);
        self.evictions += 1;
    }

    /// Counts each time credentials were dropped in the input's `limit_hit` note.
    pub fn note_limits(&self, stats: &mut InputStats) {
        for _ in 0..self.evictions {
            stats.limit_hit("--max-credentials-tracked");
        }
    }

    /// Timelines of the credentials that failed at least once, oldest first.
    pub fn timelines(&self) -> Vec<Timeline> {
        let mut lines: Vec<(Option<DateTime<Utc>>, Timeline)> = self
            .lives
            .iter()
            .filter(|(_, l)| l.failures > 0)
            .map(|(digest, l)| {
                let fp = fingerprint_short(digest);
                (
                    l.first_seen,
                    Timeline {
                        source: None,
                        fingerprint: fp,
                        first_seen: l.first_seen.map(|t| format_millis(&t)),
                        last_success: l.last_success.as_ref().map(|(t, _, _)| format_millis(t)),
                        first_failure: l.first_failure.map(|t| format_millis(&t)),
                        expiry: l.expiry.map(|t| format_millis(&t)),
                        successes: l.successes,
                        failures: l.failures,
                    },
                )
            })
            .collect();
        lines.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| a.1.fingerprint.cmp(&b.1.fingerprint))
        });
        lines.into_iter().map(|(_, t)| t).collect()
    }
}

fn fingerprint_short(digest: &[u8; 32]) -> String {
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("fp_{hex}")
}

/// A login with a user's password (a password grant): its refusal is about the user, so it
/// says nothing about the client unless the server names the client.
fn is_user_login(request: &Request) -> bool {
    request
        .form_param("password")
        .is_some_and(|p| !p.is_empty())
}

/// The refusal a token endpoint's error body states, if it is one rule 11 uses.
fn refusal_detail(text: &str, refresh_grant: bool, user_login: bool) -> Option<Detail> {
    let code = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned));
    let description = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            v.get("error_description")
                .and_then(|e| e.as_str())
                .map(str::to_owned)
        });
    let m = providers::classify_statement(code.as_deref(), description.as_deref().or(Some(text)))?;
    match m.verdict {
        Verdict::ClientRefused => Some(Detail::ClientRefused),
        Verdict::Cause(Cause::RevokedCredentials)
            if m.detail == Detail::RefreshGrantRevoked.as_str() =>
        {
            Some(Detail::RefreshGrantRevoked)
        }
        Verdict::Cause(Cause::RevokedCredentials) if user_login => None,
        Verdict::Cause(Cause::RevokedCredentials) => Some(Detail::ClientRefused),
        Verdict::Cause(Cause::ExpiredToken) => None,
        _ if code.as_deref() == Some("invalid_grant") && refresh_grant => {
            Some(Detail::RefreshGrantRevoked)
        }
        _ => None,
    }
}

/// The most characters of a token endpoint's `error` code the evidence quotes: every OAuth
/// code (`invalid_client`, `unauthorized_client`) fits; anything longer is not a code.
const ERROR_CODE_CHARS: usize = 40;

fn refusal_words(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
        .map(|e| why401_redact::clip(&why401_redact::escape_control(&e), ERROR_CODE_CHARS))
        .unwrap_or_else(|| "error".into())
}

/// The client id of a token request: `client_id` in the form, else the Basic user.
fn client_id_of(exchange: &Exchange) -> Option<String> {
    if let Some(id) = exchange.request.form_param("client_id") {
        return Some(id.to_owned());
    }
    let creds = credential::read(&exchange.request, None);
    creds
        .authorization()
        .filter(|c| c.scheme_is("basic"))
        .and_then(|c| c.user.clone())
}

/// (host, first path segment): an area of an API that shares its authentication.
fn area(exchange: &Exchange) -> Option<(String, String)> {
    let url = &exchange.request.url;
    let host = why401_model::url::host_of(url)?;
    let path = crate::evidence::profile::url_path(url);
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_owned();
    Some((host, first))
}

/// Method, host and path (ids kept): what "the same request" means for handshakes.
pub fn request_key(exchange: &Exchange) -> String {
    let url = &exchange.request.url;
    let host = why401_model::url::host_of(url).unwrap_or_default();
    let path = crate::evidence::profile::url_path(url);
    format!(
        "{} {} {}",
        exchange.request.method.to_ascii_uppercase(),
        host,
        path
    )
}

/// Method, host and endpoint pattern: "the same endpoint" for revocation.
fn endpoint_key(exchange: &Exchange) -> String {
    let url = &exchange.request.url;
    let host = why401_model::url::host_of(url).unwrap_or_default();
    format!(
        "{} {} {}",
        exchange.request.method.to_ascii_uppercase(),
        host,
        endpoint_pattern(url)
    )
}

/// The exchange's time: client time, else server time.
pub fn exchange_time(exchange: &Exchange) -> Option<DateTime<Utc>> {
    exchange
        .client_time
        .and_then(|t| t.instant())
        .or(exchange.server_time.map(|t| t.at))
}

/// Whether a request carries any credential at all (for a 2xx that resolves a handshake:
/// with no challenge, a cookie or an API key counts).
pub fn carries_credential(exchange: &Exchange) -> bool {
    let request = &exchange.request;
    request.headers.iter().any(|h| {
        h.name.eq_ignore_ascii_case("authorization")
            || h.name.eq_ignore_ascii_case("cookie")
            || credential::is_api_key_header(&h.name)
    }) || request.url.contains("access_token=")
}

#[cfg(test)]
mod tests;
