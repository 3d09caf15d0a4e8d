//! Unit tests of the precedence: one per rule, and one per pair of adjacent rules.
//!
//! Every case is a real-looking exchange run through `gather` and `decide` (or, for the
//! capture-level cases, through a `SourceJudge`). Unless a case says otherwise the response's
//! `Date` is [`NOW`] (2024-03-08T14:23:45Z), the leeway is the default 60 s, and tokens are
//! RS256, signed at test time with the keys in `tests/fixtures/evidence` (the right key is
//! `kid: key-1` in `jwks.json`).
//!
//! Each test asserts the cause and detail; each pair test also asserts which rule decided and
//! that the rule that lost is named in `considered` and in the evidence.

use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use super::{Decision, EarlierSuccess, Input, Prior, Refusal, decide};
use crate::diagnose::{Context, SourceJudge};
use crate::evidence::{EvidenceContext, KeySet, Profile, gather};
use why401_model::exchange::{
    Body, ClientTime, Exchange, Location, Request, Response, ServerMessage,
};
use why401_model::finding::{Cause, Confidence, Finding};
use why401_model::input::{Format, InputStats};

/// 2024-03-08T14:23:45Z: the server's `Date` of most cases.
const NOW: i64 = 1_709_907_825;
const API: &str = "https://api.example.com/v2/devices";
const TOKEN_URL: &str = "https://auth.example.com/oauth/token";
const BEARER_REALM: &str = r#"Bearer realm="Example API""#;

// --- tokens ----------------------------------------------------------------------------------

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("tests/fixtures/evidence")
        .join(name)
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("a time in range")
}

fn http_date(seconds: i64) -> String {
    at(seconds).format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// RS256 with a private key of the fixtures.
fn sign(private_pem: &str, kid: &str, claims: &Value) -> String {
    let pem = std::fs::read(fixture(private_pem)).expect("fixture key");
    let key = EncodingKey::from_rsa_pem(&pem).expect("an RSA key");
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    encode(&header, claims, &key).expect("signs")
}

/// A token signed with the right key (`jwks.json`, `kid: key-1`).
fn jwt(claims: &Value) -> String {
    sign("rsa-private.pem", "key-1", claims)
}

/// Claims of a token issued for `iss`/`aud`, an hour before `exp`.
fn claims_for(iss: &str, aud: &str, scope: &str, exp: i64) -> Value {
    json!({
        "iss": iss,
        "aud": aud,
        "sub": "client-42",
        "scope": scope,
        "iat": exp - 3600,
        "nbf": exp - 3600,
        "exp": exp
    })
}

/// Production claims with scope `read`.
fn claims(exp: i64) -> Value {
    claims_for(
        "https://auth.example.com/",
        "https://api.example.com",
        "read",
        exp,
    )
}

fn staging_claims(scope: &str, exp: i64) -> Value {
    claims_for(
        "https://auth.staging.example.com/",
        "https://api.staging.example.com",
        scope,
        exp,
    )
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

// --- exchanges -------------------------------------------------------------------------------

/// An exchange under construction: the request's parts, then the response's (a 401 unless
/// `status` says otherwise).
struct Ex(Exchange);

fn req(method: &str, url: &str) -> Ex {
    Ex(Exchange::new(
        Location::Entry(0),
        Request::recorded(method, url),
    ))
}

fn get(url: &str) -> Ex {
    req("GET", url)
}

impl Ex {
    fn header(mut self, name: &str, value: &str) -> Ex {
        self.0.request.headers.push(name, value);
        self
    }

    fn bearer(self, token: &str) -> Ex {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    fn form(mut self, body: &str) -> Ex {
        self.0
            .request
            .set_body(body, Some("application/x-www-form-urlencoded"));
        self
    }

    /// A response paste or a log without request headers: it says nothing about the
    /// credential.
    fn unrecorded(mut self) -> Ex {
        let request = &mut self.0.request;
        request.headers_recorded = false;
        request.credential_recorded = false;
        request.body_recorded = false;
        self
    }

    /// A body was sent but the capture does not show it (`} [N bytes data]`).
    fn body_not_shown(mut self) -> Ex {
        self.0.request.body_recorded = false;
        self
    }

    fn response(&mut self) -> &mut Response {
        self.0.response.get_or_insert_with(|| Response::new(401))
    }

    fn status(mut self, status: u16) -> Ex {
        self.response().status = status;
        self
    }

    fn reply_header(mut self, name: &str, value: &str) -> Ex {
        self.response().headers.push(name, value);
        self
    }

    fn challenge(self, value: &str) -> Ex {
        self.reply_header("WWW-Authenticate", value)
    }

    fn body(mut self, text: &str) -> Ex {
        self.response().body = Some(Body::from_text(text));
        self
    }

    fn date(self, seconds: i64) -> Ex {
        self.reply_header("Date", &http_date(seconds))
    }

    fn client_at(mut self, seconds: i64) -> Ex {
        self.0.client_time = Some(ClientTime::Instant(at(seconds)));
        self
    }

    fn log(mut self, field: &str, text: &str) -> Ex {
        self.0.server_messages.push(ServerMessage {
            field: field.into(),
            text: text.into(),
        });
        self
    }

    fn redirected_from(mut self, url: &str) -> Ex {
        self.0.redirected_from = Some(url.into());
        self
    }

    fn done(mut self) -> Exchange {
        self.response();
        self.0
    }
}

// --- contexts and decisions ------------------------------------------------------------------

fn sample_profile() -> Profile {
    Profile::load(
        &PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("samples/profile.toml"),
    )
    .expect("the sample profile loads")
}

fn plain() -> EvidenceContext {
    EvidenceContext::default()
}

/// The sample profile: api.example.com is production (JWT, strict `Bearer` case), scopes
/// per endpoint (`GET /v2/devices` needs `read` or `devices:read`).
fn profiled() -> EvidenceContext {
    EvidenceContext {
        profile: Some(sample_profile()),
        ..EvidenceContext::default()
    }
}

/// `--jwks tests/fixtures/evidence/jwks.json`.
fn keyed() -> EvidenceContext {
    EvidenceContext {
        keys: Some(KeySet::from_jwks_file(&fixture("jwks.json")).expect("jwks loads")),
        ..EvidenceContext::default()
    }
}

fn decide_in(exchange: &Exchange, ctx: &EvidenceContext, prior: &Prior) -> Decision {
    let evidence = gather(exchange, ctx);
    decide(&Input::new(exchange, &evidence, prior))
}

fn judge(exchange: Exchange) -> Decision {
    decide_in(&exchange, &plain(), &Prior::default())
}

fn judge_in(exchange: Exchange, ctx: &EvidenceContext) -> Decision {
    decide_in(&exchange, ctx, &Prior::default())
}

/// Cause, detail and the deciding rule (`"2"` for `rule 2 server statement`).
#[track_caller]
fn assert_decided(d: &Decision, rule: &str, cause: Cause, detail: &str) {
    assert_eq!(
        (d.cause, d.detail),
        (cause, detail),
        "decided by {}; evidence {:#?}",
        d.rule,
        d.evidence
    );
    assert!(
        d.rule.starts_with(&format!("rule {rule} ")),
        "decided by {}, expected rule {rule}; evidence {:#?}",
        d.rule,
        d.evidence
    );
    assert!(!d.evidence.is_empty());
}

/// The losing rule is named, with its verdict, in `considered` and in the evidence.
#[track_caller]
fn assert_also_fired(d: &Decision, rule: &str, cause: Cause, detail: &str) {
    let named = |line: &String| {
        line.starts_with(&format!("rule {rule} "))
            && line.ends_with(&format!(" also fired: {cause}/{detail}"))
    };
    assert!(
        d.considered.iter().any(named),
        "rule {rule} ({cause}/{detail}) not in considered {:#?}",
        d.considered
    );
    assert!(
        d.evidence.iter().any(named),
        "rule {rule} ({cause}/{detail}) not in evidence {:#?}",
        d.evidence
    );
}

#[track_caller]
fn assert_not_fired(d: &Decision, rule: &str) {
    assert!(
        !d.considered
            .iter()
            .any(|c| c.starts_with(&format!("rule {rule} "))),
        "rule {rule} should not fire: {:#?}",
        d.considered
    );
}

#[track_caller]
fn assert_evidence_mentions(d: &Decision, words: &str) {
    assert!(
        d.evidence.iter().any(|e| e.contains(words)),
        "no evidence line mentions {words:?}: {:#?}",
        d.evidence
    );
}

// --- capture-level judging -------------------------------------------------------------------

struct Judged {
    findings: Vec<Finding>,
    stats: InputStats,
}

impl Judged {
    fn at(&self, index: u64) -> &Finding {
        self.findings
            .iter()
            .find(|f| f.index == index)
            .unwrap_or_else(|| panic!("no finding for index {index}: {:#?}", self.findings))
    }

    fn has_note(&self, code: &str) -> bool {
        self.stats.notes.iter().any(|n| n.code == code)
    }
}

/// One source through a `SourceJudge`, exchanges numbered in order.
fn judge_capture(format: Format, creator: Option<&str>, exchanges: Vec<Exchange>) -> Judged {
    let context = Context {
        evidence: plain(),
        include_403: false,
        explain: true,
    };
    let mut judge = SourceJudge::new(&context);
    let mut stats = InputStats::new(Arc::from("capture"), format);
    stats.strips_credentials = creator == Some("WebInspector");
    let mut findings = Vec::new();
    for (i, mut exchange) in exchanges.into_iter().enumerate() {
        exchange.origin.index = i as u64;
        exchange.origin.location = Location::Entry(i as u64);
        stats.exchanges += 1;
        judge.push(exchange, &mut findings);
    }
    judge.finish(&mut stats, &mut findings);
    Judged { findings, stats }
}

#[track_caller]
fn assert_finding(f: &Finding, cause: Cause, detail: &str) {
    assert_eq!(
        (f.cause, f.detail.as_str()),
        (cause, detail),
        "evidence {:#?}",
        f.evidence
    );
}

// =============================================================================================
// Rule 1: client credentials shown absent or empty at a token endpoint
// =============================================================================================

#[test]
fn rule1_token_request_without_client_credentials() {
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=client_credentials&scope=read")
            .date(NOW)
            .done(),
    );
    assert_decided(
        &d,
        "1",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
    assert_eq!(d.confidence, Confidence::High);
}

#[test]
fn rule1_basic_og_is_always_empty() {
    // `Og==` is base64 of ":": an empty user and password.
    let d = judge(
        req("POST", TOKEN_URL)
            .header("Authorization", "Basic Og==")
            .form("grant_type=client_credentials")
            .challenge(r#"Basic realm="oauth""#)
            .done(),
    );
    assert_decided(
        &d,
        "1",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
    assert_also_fired(&d, "5", Cause::MissingAuthorization, "empty_credentials");
}

#[test]
fn rule1_not_when_an_exporter_removed_the_headers() {
    // A sanitized export deleted Authorization: the client may have sent Basic.
    let prior = Prior {
        sanitized: true,
        ..Prior::default()
    };
    let e = req("POST", TOKEN_URL)
        .form("grant_type=client_credentials&scope=read")
        .date(NOW)
        .done();
    let d = decide_in(&e, &plain(), &prior);
    assert_decided(&d, "4", Cause::Unknown, "credential_redacted");
    assert_not_fired(&d, "1");
}

#[test]
fn rule1_body_sent_but_not_shown_goes_on_to_rule3() {
    // curl -v shows `} [52 bytes data]`: the client_secret may be in it.
    let d = judge(
        req("POST", TOKEN_URL)
            .body_not_shown()
            .body(r#"{"error":"invalid_client"}"#)
            .done(),
    );
    assert_decided(&d, "3", Cause::RevokedCredentials, "client_refused");
    assert_not_fired(&d, "1");
}

#[test]
fn pair_1_2_missing_client_credentials_beat_the_statement() {
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=client_credentials&client_id=app-1")
            .body(r#"{"error":"invalid_client","error_description":"Invalid client secret"}"#)
            .done(),
    );
    assert_decided(
        &d,
        "1",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
    assert_also_fired(&d, "2", Cause::RevokedCredentials, "credentials_rejected");
}

#[test]
fn rule1_a_refused_user_login_is_not_missing_client_credentials() {
    // A password grant without client credentials (a public client) refused with a bare 401:
    // the user's name and password were refused, not the client's credentials.
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=password&username=ada%40example.org&password=hunter22&client_id=web-app")
            .date(NOW)
            .done(),
    );
    assert_eq!(
        (d.cause, d.detail),
        (Cause::RevokedCredentials, "credentials_rejected"),
        "{d:#?}"
    );
    assert_not_fired(&d, "1");
    assert_evidence_mentions(&d, "password");

    // The same login refused with a statement naming the user's credentials.
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=password&username=ada&password=hunter22")
            .body(r#"{"error":"invalid_grant","error_description":"Invalid user credentials"}"#)
            .done(),
    );
    assert_decided(&d, "2", Cause::RevokedCredentials, "credentials_rejected");
    assert_not_fired(&d, "1");

    // An ambiguous code (`invalid_grant`) leaves the refused password to decide.
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=password&username=ada&password=hunter22")
            .body(r#"{"error":"invalid_grant"}"#)
            .done(),
    );
    assert_eq!(
        (d.cause, d.detail),
        (Cause::RevokedCredentials, "credentials_rejected"),
        "{d:#?}"
    );
}

#[test]
fn rule1_a_user_login_still_misses_client_credentials_when_the_server_names_the_client() {
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=password&username=ada&password=hunter22&client_id=web-app")
            .body(r#"{"error":"invalid_client"}"#)
            .done(),
    );
    assert_decided(
        &d,
        "1",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
    // An empty password is no login: the client's missing credentials still decide.
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=password&username=ada&password=")
            .done(),
    );
    assert_decided(
        &d,
        "1",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
}

#[test]
fn a_refused_login_form_or_basic_login_is_credentials_rejected() {
    let d = judge(
        req("POST", "https://app.example.net/login")
            .form("username=ada&password=hunter22")
            .done(),
    );
    assert_eq!(
        (d.cause, d.detail),
        (Cause::RevokedCredentials, "credentials_rejected"),
        "{d:#?}"
    );
    // Basic (user:password) at a login endpoint.
    let d = judge(
        req("POST", "https://app.example.net/api/login")
            .header("Authorization", "Basic YWRhOmh1bnRlcjIy")
            .challenge(r#"Basic realm="app""#)
            .done(),
    );
    assert_eq!(
        (d.cause, d.detail),
        (Cause::RevokedCredentials, "credentials_rejected"),
        "{d:#?}"
    );
}

// =============================================================================================
// Rule 2: a server statement naming exactly one cause
// =============================================================================================

#[test]
fn rule2_server_statement_decides() {
    let d = judge(
        get(API)
            .bearer("8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f")
            .challenge(r#"Bearer realm="Example API", error="invalid_token", error_description="Token has expired""#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "2", Cause::ExpiredToken, "server_says_expired");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(
        &d,
        "WWW-Authenticate error_description says \"Token has expired\"",
    );
}

#[test]
fn rule2_expiry_statement_is_clock_skew_when_the_client_clock_is_behind() {
    // The server's Date is NOW; the client's clock read NOW-15m when it sent the request,
    // five minutes before exp by its own clock.
    let token = jwt(&claims(NOW - 300));
    let statement = r#"Bearer realm="Example API", error="invalid_token", error_description="Token has expired""#;
    let d = judge(
        get(API)
            .bearer(&token)
            .challenge(statement)
            .date(NOW)
            .client_at(NOW - 900)
            .done(),
    );
    assert_decided(&d, "2", Cause::ClockSkew, "client_clock_behind");
    assert_also_fired(&d, "8", Cause::ClockSkew, "client_clock_behind");
    assert_evidence_mentions(&d, "15m00s ahead");

    // The same statement with clocks that agree stays an expiry.
    let d = judge(
        get(API)
            .bearer(&token)
            .challenge(statement)
            .date(NOW)
            .client_at(NOW - 1)
            .done(),
    );
    assert_decided(&d, "2", Cause::ExpiredToken, "server_says_expired");
    assert_also_fired(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
}

#[test]
fn rule2_not_provided_statements_name_missing_authorization_whatever_the_code() {
    // Response pastes (the request is not recorded, so rule 5 cannot speak): the statement
    // alone decides, whatever code comes with it.
    let cases = [
        get(API).unrecorded().challenge(
            r#"Bearer realm="Example API", error="invalid_token", error_description="Bearer token not provided""#,
        ),
        get(API).unrecorded().body(
            r#"{"error":"invalid_request","error_description":"access_token parameter is required"}"#,
        ),
        get(API).unrecorded().body(
            r#"{"error":"insufficient_scope","error_description":"No access token provided"}"#,
        ),
        get(API)
            .unrecorded()
            .log("response_code_details", "jwt_authn_access_denied{Jwt_is_missing}"),
    ];
    for case in cases {
        let d = judge(case.date(NOW).done());
        assert_decided(&d, "2", Cause::MissingAuthorization, "no_authorization");
    }
    // A client credential not provided, said with `invalid_client`, at a token endpoint whose
    // body the capture does not show (rule 1 cannot see it).
    let d = judge(
        req("POST", "https://login.microsoftonline.com/contoso/oauth2/v2.0/token")
            .body_not_shown()
            .body(r#"{"error":"invalid_client","error_description":"AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.","error_codes":[7000218]}"#)
            .done(),
    );
    assert_decided(
        &d,
        "2",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
    assert_not_fired(&d, "3");
}

#[test]
fn rule2_not_provided_statement_takes_rule5s_more_telling_detail() {
    // "No access token provided" to a request that sent the token in `Authentication:`.
    let d = judge(
        get(API)
            .header(
                "Authentication",
                &format!("Bearer {}", jwt(&claims(NOW + 1800))),
            )
            .challenge(BEARER_REALM)
            .body(r#"{"error":"invalid_request","error_description":"No access token provided"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "2", Cause::MissingAuthorization, "wrong_header_name");
    assert_also_fired(&d, "5", Cause::MissingAuthorization, "wrong_header_name");
}

#[test]
fn rule2_text_decides_over_code() {
    let opaque = "8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f";
    // The code alone would decide insufficient_scope; the text says expired.
    let d = judge(
        get(API)
            .bearer(opaque)
            .body(r#"{"error":"insufficient_scope","error_description":"Token has expired"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "2", Cause::ExpiredToken, "server_says_expired");
    // The bare code would be ambiguous; the text names the scope.
    let d = judge(
        get(API)
            .bearer(opaque)
            .challenge(r#"Bearer realm="Example API", error="invalid_token", error_description="Token lacks required scope""#)
            .date(NOW)
            .done(),
    );
    assert_decided(
        &d,
        "2",
        Cause::InsufficientScope,
        "server_says_insufficient_scope",
    );
}

#[test]
fn rule2_statement_naming_several_causes_decides_nothing() {
    let d = judge(
        get(API)
            .bearer("8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f")
            .challenge(BEARER_REALM)
            .body(r#"{"error":"unauthorized","error_description":"The access token is invalid or has expired"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::Unknown, "ambiguous_statement");
    assert_not_fired(&d, "2");
}

/// Entra's AADSTS700024 for a client assertion at `current`, valid `from`..`expiry`.
fn aadsts700024(current: i64, from: i64, expiry: i64) -> Exchange {
    let stamp = |t: i64| at(t).format("%Y-%m-%dT%H:%M:%S.0000000Z").to_string();
    let endpoint = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token";
    let assertion = sign(
        "rsa-private.pem",
        "key-1",
        &json!({"iss": "app-1", "sub": "app-1", "aud": endpoint, "jti": "a1", "nbf": from, "exp": expiry}),
    );
    let description = format!(
        "AADSTS700024: Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .",
        stamp(current),
        stamp(from),
        stamp(expiry)
    );
    req("POST", endpoint)
        .form(&format!(
            "grant_type=client_credentials&client_id=app-1&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={assertion}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
        ))
        .body(
            &json!({"error": "invalid_client", "error_description": description, "error_codes": [700024]})
                .to_string(),
        )
        .date(current)
        .done()
}

/// 2024-10-02T22:05:03Z, the current time of the Azure/login#180 report.
const ENTRA_NOW: i64 = 1_727_906_703;

#[test]
fn rule2_time_range_statement_expired() {
    let d = judge(aadsts700024(ENTRA_NOW, ENTRA_NOW - 2650, ENTRA_NOW - 2050));
    assert_decided(&d, "2", Cause::ExpiredToken, "server_says_expired");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(&d, "34m10s");
}

#[test]
fn rule2_time_range_statement_not_yet_valid() {
    let d = judge(aadsts700024(ENTRA_NOW, ENTRA_NOW + 600, ENTRA_NOW + 1200));
    assert_decided(&d, "2", Cause::ClockSkew, "nbf_in_future");
    assert_evidence_mentions(&d, "10m00s");
}

#[test]
fn rule2_time_range_statement_inside_the_leeway_decides_nothing() {
    // Valid from 30 s after the stated time: inside the 60 s leeway. The server named expiry
    // or clock skew and neither is shown: unknown, never a refused credential.
    let d = judge(aadsts700024(ENTRA_NOW, ENTRA_NOW + 30, ENTRA_NOW + 630));
    assert_eq!(d.cause, Cause::Unknown, "{d:#?}");
    assert!(
        matches!(d.detail, "ambiguous_statement" | "within_leeway"),
        "{d:#?}"
    );
    assert_not_fired(&d, "2");
}

#[test]
fn pair_2_3_statement_beats_client_refused() {
    // The challenge says invalid_client (rule 3); the body's text says the secret expired.
    let d = judge(
        req("POST", TOKEN_URL)
            .header("Authorization", "Basic YXBwLTE6czNjcjN0")
            .form("grant_type=client_credentials")
            .challenge(r#"Basic realm="oauth", error="invalid_client""#)
            .body(r#"{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app '00000000-0000-0000-0000-000000000000' are expired."}"#)
            .done(),
    );
    assert_decided(&d, "2", Cause::RevokedCredentials, "client_secret_expired");
    assert_also_fired(&d, "3", Cause::RevokedCredentials, "client_refused");
}

// =============================================================================================
// Rule 3: the client refused at a token endpoint
// =============================================================================================

#[test]
fn rule3_client_refused_at_the_token_endpoint() {
    let d = judge(
        req("POST", TOKEN_URL)
            .header("Authorization", "Basic YXBwLTE6czNjcjN0")
            .form("grant_type=client_credentials")
            .body(r#"{"error":"invalid_client"}"#)
            .done(),
    );
    assert_decided(&d, "3", Cause::RevokedCredentials, "client_refused");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(&d, "invalid_client");
}

#[test]
fn pair_3_4_client_refused_beats_redacted_client_credentials() {
    let d = judge(
        req("POST", TOKEN_URL)
            .header("Authorization", "Basic [REDACTED]")
            .form("grant_type=client_credentials")
            .body(r#"{"error":"invalid_client"}"#)
            .done(),
    );
    assert_decided(&d, "3", Cause::RevokedCredentials, "client_refused");
    assert_also_fired(&d, "4", Cause::Unknown, "credential_redacted");
    assert_not_fired(&d, "1");
}

// =============================================================================================
// Rule 4: the credential removed by an exporter or logger
// =============================================================================================

#[test]
fn rule4_redaction_marker() {
    let d = judge(
        get(API)
            .header("Authorization", "Bearer [REDACTED]")
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "4", Cause::Unknown, "credential_redacted");
    assert_eq!(d.confidence, Confidence::Low);
}

#[test]
fn pair_4_5_sanitized_export_beats_no_authorization() {
    let prior = Prior {
        sanitized: true,
        ..Prior::default()
    };
    let e = get(API).challenge(BEARER_REALM).date(NOW).done();
    let d = decide_in(&e, &plain(), &prior);
    assert_decided(&d, "4", Cause::Unknown, "credential_redacted");
    assert_also_fired(&d, "5", Cause::MissingAuthorization, "no_authorization");
}

// =============================================================================================
// Rule 5: credential shape
// =============================================================================================

#[test]
fn rule5_no_credential() {
    let d = judge(get(API).challenge(BEARER_REALM).date(NOW).done());
    assert_decided(&d, "5", Cause::MissingAuthorization, "no_authorization");
    assert_eq!(d.confidence, Confidence::Medium);
}

#[test]
fn rule5_bearer_answered_only_by_basic_realm_is_not_a_wrong_scheme() {
    // The Kubernetes API server challenges Basic by default while accepting Bearer.
    let d = judge(
        get("https://k8s.example.com:6443/api/v1/namespaces/default/pods")
            .bearer(&jwt(&claims(NOW + 1800)))
            .challenge(r#"Basic realm="kubernetes-master""#)
            .body(r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#)
            .date(NOW)
            .done(),
    );
    assert_ne!(d.detail, "wrong_scheme");
    assert_not_fired(&d, "5");
    assert_decided(&d, "12", Cause::Unknown, "ambiguous_statement");
}

#[test]
fn rule5_scheme_no_challenge_offers_is_a_wrong_scheme() {
    // Basic sent where only Bearer is offered.
    let d = judge(
        get(API)
            .header("Authorization", "Basic dXNlcjpwYXNzd29yZA==")
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "5", Cause::MissingAuthorization, "wrong_scheme");
    assert_evidence_mentions(&d, "offers only Bearer");
}

#[test]
fn rule5_basic_og_is_empty_credentials() {
    let d = judge(
        get(API)
            .header("Authorization", "Basic Og==")
            .challenge(r#"Basic realm="Example API""#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "5", Cause::MissingAuthorization, "empty_credentials");
}

#[test]
fn rule5_authentication_header_is_a_wrong_header_name() {
    let d = judge(
        get(API)
            .header(
                "Authentication",
                &format!("Bearer {}", jwt(&claims(NOW + 1800))),
            )
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "5", Cause::MissingAuthorization, "wrong_header_name");
    assert_evidence_mentions(&d, "\"Authentication\" header");
}

#[test]
fn rule5_no_scheme_and_strict_case() {
    let token = jwt(&claims(NOW + 1800));
    let d = judge(
        get(API)
            .header("Authorization", &token)
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "5", Cause::MissingAuthorization, "no_scheme");
    // The profile says api.example.com rejects `bearer` in lower case.
    let d = judge_in(
        get(API)
            .header("Authorization", &format!("bearer {token}"))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &profiled(),
    );
    assert_decided(&d, "5", Cause::MissingAuthorization, "scheme_case");
}

#[test]
fn rule5_access_token_parameter_is_judged_like_a_header_token() {
    let expired = jwt(&claims(NOW - 1113));
    let query = get(&format!("{API}?access_token={expired}"));
    let form = req("POST", API).form(&format!("access_token={expired}&name=x"));
    for case in [query, form] {
        let d = judge(case.challenge(BEARER_REALM).date(NOW).done());
        assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
        assert_not_fired(&d, "5");
    }
    // The finding says where the token was.
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get(&format!("{API}?access_token={expired}"))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        ],
    );
    let f = judged.at(0);
    assert_finding(f, Cause::ExpiredToken, "jwt_exp_passed");
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("access_token parameter")),
        "{:#?}",
        f.evidence
    );
}

#[test]
fn pair_5_6_shape_beats_form() {
    // A placeholder pasted without its scheme.
    let d = judge(
        get(API)
            .header("Authorization", "your_access_token_here")
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "5", Cause::MissingAuthorization, "no_scheme");
    assert_also_fired(&d, "6", Cause::InvalidToken, "placeholder");
}

// =============================================================================================
// Rule 6: token form
// =============================================================================================

#[test]
fn rule6_placeholders() {
    for placeholder in [
        "your_access_token_here",
        "<TOKEN>",
        "${TOKEN}",
        "null",
        "undefined",
    ] {
        let d = judge(
            get(API)
                .bearer(placeholder)
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        );
        assert_decided(&d, "6", Cause::InvalidToken, "placeholder");
    }
}

#[test]
fn rule6_damaged_tokens() {
    let token = jwt(&claims(NOW + 1800));
    let (head, tail) = token.split_at(60);
    let spaced = format!("{head} {tail}");
    let cut = &token[..token.len() - 40];
    for (value, detail) in [
        (spaced.as_str(), "token_has_whitespace"),
        (cut, "token_truncated"),
    ] {
        let d = judge(
            get(API)
                .bearer(value)
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        );
        assert_decided(&d, "6", Cause::InvalidToken, detail);
    }
}

#[test]
fn rule6_not_a_jwt_where_the_profile_expects_one() {
    let d = judge_in(
        get(API)
            .bearer("8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f")
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &profiled(),
    );
    assert_decided(&d, "6", Cause::InvalidToken, "not_a_jwt");
}

#[test]
fn pair_6_7_form_beats_signature() {
    // An unsigned token (alg none, rule 7) with a space pasted into it (rule 6).
    let header = b64(&json!({"alg": "none", "typ": "JWT"}));
    let payload = b64(&claims(NOW + 1800));
    let (a, b) = payload.split_at(20);
    let d = judge(
        get(API)
            .bearer(&format!("{header}.{a} {b}."))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "6", Cause::InvalidToken, "token_has_whitespace");
    assert_also_fired(&d, "7", Cause::InvalidToken, "alg_none");
}

// =============================================================================================
// Rule 7: signature
// =============================================================================================

/// Claims that pass at NOW, signed by the other key under the right kid.
fn other_key_token(claims: &Value) -> String {
    sign("other-private.pem", "key-1", claims)
}

/// Signed by the right key but under a kid the JWKS does not hold.
fn unknown_kid_token(claims: &Value) -> String {
    sign("rsa-private.pem", "key-9", claims)
}

#[test]
fn rule7_with_keys_other_key_and_unknown_kid_are_signature_invalid() {
    let valid = claims(NOW + 1800);
    for token in [other_key_token(&valid), unknown_kid_token(&valid)] {
        let d = judge_in(
            get(API)
                .bearer(&token)
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
            &keyed(),
        );
        assert_decided(&d, "7", Cause::InvalidToken, "signature_invalid");
        assert_eq!(d.confidence, Confidence::High);
    }
    // The right key verifies: nothing for rule 7 to say.
    let d = judge_in(
        get(API)
            .bearer(&jwt(&valid))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &keyed(),
    );
    assert_ne!(d.detail, "signature_invalid");
    assert_not_fired(&d, "7");
}

#[test]
fn rule7_without_keys_the_same_tokens_are_judged_on_claims() {
    let expired = claims(NOW - 1113);
    let not_yet = json!({"iss": "https://auth.example.com/", "aud": "https://api.example.com", "scope": "read", "iat": NOW - 10, "nbf": NOW + 600, "exp": NOW + 3600});
    let cases = [
        (
            other_key_token(&expired),
            Cause::ExpiredToken,
            "jwt_exp_passed",
        ),
        (
            unknown_kid_token(&not_yet),
            Cause::ClockSkew,
            "nbf_in_future",
        ),
    ];
    for (token, cause, detail) in cases {
        let exchange = get(API)
            .bearer(&token)
            .challenge(BEARER_REALM)
            .date(NOW)
            .done();
        let d = judge(exchange.clone());
        assert_decided(&d, "8", cause, detail);
        let d = judge_in(exchange, &keyed());
        assert_decided(&d, "7", Cause::InvalidToken, "signature_invalid");
        assert_also_fired(&d, "8", cause, detail);
    }
}

#[test]
fn rule7_alg_none() {
    let header = b64(&json!({"alg": "none", "typ": "JWT"}));
    let payload = b64(&claims(NOW + 1800));
    let d = judge(
        get(API)
            .bearer(&format!("{header}.{payload}."))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "7", Cause::InvalidToken, "alg_none");
}

#[test]
fn pair_7_8_signature_beats_expiry() {
    let d = judge_in(
        get(API)
            .bearer(&other_key_token(&claims(NOW - 1113)))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &keyed(),
    );
    assert_decided(&d, "7", Cause::InvalidToken, "signature_invalid");
    assert_also_fired(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
}

// =============================================================================================
// Rule 8: time
// =============================================================================================

#[test]
fn rule8_exp_passed() {
    // exp 14:05:12Z, Date 14:23:45Z.
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW - 1113)))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(
        &d,
        "exp 2024-03-08T14:05:12Z is 18m33s before the server's Date 2024-03-08T14:23:45Z",
    );
}

#[test]
fn rule8_nbf_and_iat_in_the_future() {
    let nbf = json!({"iss": "https://auth.example.com/", "aud": "https://api.example.com", "iat": NOW - 10, "nbf": NOW + 600, "exp": NOW + 3600});
    let iat = json!({"iss": "https://auth.example.com/", "aud": "https://api.example.com", "iat": NOW + 600, "exp": NOW + 3600});
    for (claims, detail) in [(nbf, "nbf_in_future"), (iat, "iat_in_future")] {
        let d = judge(
            get(API)
                .bearer(&jwt(&claims))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        );
        assert_decided(&d, "8", Cause::ClockSkew, detail);
        assert_evidence_mentions(&d, "10m00s after the server's Date");
    }
}

#[test]
fn rule8_client_clock_behind_explains_an_expiry() {
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW - 300)))
            .challenge(BEARER_REALM)
            .date(NOW)
            .client_at(NOW - 900)
            .done(),
    );
    assert_decided(&d, "8", Cause::ClockSkew, "client_clock_behind");
}

#[test]
fn rule8_leeway_band() {
    let decide_exp = |exp: i64| {
        judge(
            get(API)
                .bearer(&jwt(&claims(exp)))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        )
    };
    // exp exactly at reference − leeway: passed.
    let d = decide_exp(NOW - 60);
    assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
    // One second later it is inside the band: it decides nothing.
    let d = decide_exp(NOW - 59);
    assert_decided(&d, "12", Cause::Unknown, "within_leeway");
    assert_not_fired(&d, "8");
    assert_evidence_mentions(&d, "within the 60s leeway");
}

#[test]
fn rule8_server_stated_time_beats_date() {
    // By the Date (14:23:45Z) exp 14:25:00Z has not passed; by the time the server states in
    // its message (14:30:00Z) it has.
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW + 75)))
            .challenge(BEARER_REALM)
            .body(r#"{"message":"Unauthorized. Current time: 2024-03-08T14:30:00Z"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(&d, "the server's stated time");
}

#[test]
fn rule8_client_time_caps_confidence_and_has_no_clock_test() {
    // No Date: the client's time is the reference; its expiry is medium at most, and the
    // client-clock test (which needs the server's clock) cannot turn it into clock skew.
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW - 600)))
            .challenge(BEARER_REALM)
            .client_at(NOW)
            .done(),
    );
    assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
    assert_eq!(d.confidence, Confidence::Medium);
    assert_evidence_mentions(&d, "the client's time");
}

#[test]
fn pair_8_9_time_beats_environment() {
    let d = judge_in(
        get(API)
            .bearer(&jwt(&staging_claims("read", NOW - 1200)))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &profiled(),
    );
    assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
    assert_also_fired(&d, "9", Cause::InvalidToken, "wrong_environment");
}

// =============================================================================================
// Rule 9: environment
// =============================================================================================

#[test]
fn rule9_token_of_another_environment() {
    let d = judge_in(
        get(API)
            .bearer(&jwt(&staging_claims("read", NOW + 1800)))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &profiled(),
    );
    assert_decided(&d, "9", Cause::InvalidToken, "wrong_environment");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(&d, "it belongs to staging");
}

#[test]
fn pair_9_10_environment_beats_scope() {
    let d = judge_in(
        get(API)
            .bearer(&jwt(&staging_claims("write", NOW + 1800)))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &profiled(),
    );
    assert_decided(&d, "9", Cause::InvalidToken, "wrong_environment");
    assert_also_fired(&d, "10", Cause::InsufficientScope, "scope_not_granted");
}

// =============================================================================================
// Rule 10: scope
// =============================================================================================

fn write_only_token() -> String {
    jwt(&claims_for(
        "https://auth.example.com/",
        "https://api.example.com",
        "write",
        NOW + 1800,
    ))
}

#[test]
fn rule10_scope_not_granted() {
    let d = judge_in(
        get(API)
            .bearer(&write_only_token())
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &profiled(),
    );
    assert_decided(&d, "10", Cause::InsufficientScope, "scope_not_granted");
    assert_evidence_mentions(&d, "GET /v2/devices needs one of [read, devices:read]");
}

fn refused_earlier() -> Prior {
    Prior {
        client_refusal: Some(Refusal {
            detail: "client_refused",
            at: Some("2024-03-08T14:20:00.000Z".into()),
            place: "401 invalid_client".into(),
        }),
        ..Prior::default()
    }
}

#[test]
fn pair_10_11_scope_beats_history() {
    let e = get(API)
        .bearer(&write_only_token())
        .challenge(BEARER_REALM)
        .date(NOW)
        .done();
    let d = decide_in(&e, &profiled(), &refused_earlier());
    assert_decided(&d, "10", Cause::InsufficientScope, "scope_not_granted");
    assert_also_fired(&d, "11", Cause::RevokedCredentials, "client_refused");
}

// =============================================================================================
// Rule 11: capture history
// =============================================================================================

fn worked_earlier() -> Prior {
    Prior {
        earlier_success: Some(EarlierSuccess {
            at: Some("2024-03-08T14:03:00.000Z".into()),
            status: 200,
            same_endpoint: true,
        }),
        ..Prior::default()
    }
}

#[test]
fn rule11_token_that_worked_earlier_was_revoked() {
    let e = get(API)
        .bearer(&jwt(&claims(NOW + 1800)))
        .challenge(BEARER_REALM)
        .date(NOW)
        .done();
    let d = decide_in(&e, &plain(), &worked_earlier());
    assert_decided(&d, "11", Cause::InvalidToken, "token_revoked");
    assert_eq!(d.confidence, Confidence::Medium);
    assert_evidence_mentions(&d, "got 200 earlier (at 2024-03-08T14:03:00.000Z)");
}

#[test]
fn rule11_refused_client() {
    let e = get(API)
        .bearer(&jwt(&claims(NOW + 1800)))
        .challenge(BEARER_REALM)
        .date(NOW)
        .done();
    let d = decide_in(&e, &plain(), &refused_earlier());
    assert_decided(&d, "11", Cause::RevokedCredentials, "client_refused");
}

#[test]
fn rule11_success_elsewhere_is_no_revocation_when_scope_explains_it() {
    let prior = Prior {
        earlier_success: Some(EarlierSuccess {
            at: None,
            status: 200,
            same_endpoint: false,
        }),
        ..Prior::default()
    };
    let e = get(API)
        .bearer(&write_only_token())
        .challenge(BEARER_REALM)
        .date(NOW)
        .done();
    let d = decide_in(&e, &profiled(), &prior);
    assert_decided(&d, "10", Cause::InsufficientScope, "scope_not_granted");
    assert_not_fired(&d, "11");
}

#[test]
fn pair_11_12_history_beats_ruled_out_statement() {
    // Rule 12 alone would read bare invalid_token with passing claims as token_rejected.
    let e = get(API)
        .bearer(&jwt(&claims(NOW + 1800)))
        .challenge(r#"Bearer realm="Example API", error="invalid_token""#)
        .date(NOW)
        .done();
    let d = decide_in(&e, &plain(), &Prior::default());
    assert_decided(&d, "12", Cause::InvalidToken, "token_rejected");
    let d = decide_in(&e, &plain(), &worked_earlier());
    assert_decided(&d, "11", Cause::InvalidToken, "token_revoked");
}

#[test]
fn pair_11_12_names_rule_12s_verdict() {
    let e = get(API)
        .bearer(&jwt(&claims(NOW + 1800)))
        .challenge(r#"Bearer realm="Example API", error="invalid_token""#)
        .date(NOW)
        .done();
    let d = decide_in(&e, &plain(), &worked_earlier());
    assert_decided(&d, "11", Cause::InvalidToken, "token_revoked");
    assert_also_fired(&d, "12", Cause::InvalidToken, "token_rejected");
}

// =============================================================================================
// Rule 12: otherwise
// =============================================================================================

#[test]
fn rule12_ambiguous_statement_ruled_out_by_passing_claims() {
    let token = jwt(&claims(NOW + 1800));
    let bodies = [
        r#"{"error_description":"The access token is invalid or has expired"}"#,
        r#"{"message":"Invalid or expired token"}"#,
    ];
    for body in bodies {
        let d = judge(
            get(API)
                .bearer(&token)
                .challenge(BEARER_REALM)
                .body(body)
                .date(NOW)
                .done(),
        );
        assert_decided(&d, "12", Cause::InvalidToken, "token_rejected");
        assert_eq!(d.confidence, Confidence::Medium);
    }
    // Bare `error="invalid_token"`.
    let d = judge(
        get(API)
            .bearer(&token)
            .challenge(r#"Bearer realm="Example API", error="invalid_token""#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::InvalidToken, "token_rejected");
}

#[test]
fn rule12_reference_api_body_with_passing_claims_is_token_rejected() {
    // Issue 5: "when a message has both a code and a text the table knows, the text decides";
    // the text names expired_token or invalid_token, and the claims pass.
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW + 1800)))
            .challenge(BEARER_REALM)
            .body(r#"{"error": "unauthorized", "error_description": "The access token is invalid or has expired", "error_code": "E-AUTH-001", "timestamp": "2024-03-08T14:23:45Z", "request_id": "req_7f3a9c01d2"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::InvalidToken, "token_rejected");
}

#[test]
fn rule12_long_lived_credential_refused() {
    let cases = [
        get(API)
            .header("X-API-Key", "k_5a8e0c2f7b1d4e6a9c3f")
            .body(r#"{"message":"Unauthorized"}"#),
        get(API)
            .header("Authorization", "Basic YWxpY2U6aHVudGVyMg==")
            .challenge(r#"Basic realm="Example API""#),
    ];
    for case in cases {
        let d = judge(case.date(NOW).done());
        assert_decided(&d, "12", Cause::RevokedCredentials, "credentials_rejected");
    }
}

#[test]
fn rule12_challenge_without_error_and_no_credential_shown() {
    // A response paste: a challenge without `error` is the server saying the request lacked
    // authentication (RFC 6750 section 3.1).
    let d = judge(
        get(API)
            .unrecorded()
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::MissingAuthorization, "no_authorization");
    assert_eq!(d.confidence, Confidence::Medium);
    assert_not_fired(&d, "5");
}

#[test]
fn rule12_challenge_without_error_but_a_statement_about_the_token_decides_nothing() {
    let d = judge(
        get(API)
            .unrecorded()
            .challenge(BEARER_REALM)
            .body(r#"{"error_description": "The access token is invalid or has expired"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::Unknown, "credential_not_recorded");
}

#[test]
fn rule12_unknown_credential_not_recorded() {
    // Nothing shows the credential and the challenge names an error the evidence cannot
    // judge: unknown, saying what is missing.
    let d = judge(get(API).unrecorded().date(NOW).done());
    assert_decided(&d, "12", Cause::Unknown, "credential_not_recorded");
    assert_not_fired(&d, "5");
}

#[test]
fn rule12_unknown_no_server_time() {
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW - 1113)))
            .challenge(BEARER_REALM)
            .done(),
    );
    assert_decided(&d, "12", Cause::Unknown, "no_server_time");
    assert_not_fired(&d, "8");
}

#[test]
fn rule12_unknown_ambiguous_statement() {
    // An opaque token: nothing rules out expiry.
    let d = judge(
        get(API)
            .bearer("8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f")
            .challenge(BEARER_REALM)
            .body(r#"{"message":"Invalid or expired token"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::Unknown, "ambiguous_statement");
    assert_evidence_mentions(&d, "Invalid or expired token");
}

// =============================================================================================
// Capture level: a SourceJudge over several exchanges
// =============================================================================================

#[test]
fn capture_token_that_worked_then_failed_before_exp_was_revoked() {
    let token = jwt(&claims(NOW + 1800));
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get(API)
                .bearer(&token)
                .status(200)
                .date(NOW - 600)
                .client_at(NOW - 600)
                .done(),
            get(API)
                .bearer(&token)
                .challenge(r#"Bearer realm="Example API", error="invalid_token""#)
                .date(NOW)
                .client_at(NOW)
                .done(),
        ],
    );
    assert_eq!(judged.findings.len(), 1);
    let f = judged.at(1);
    assert_finding(f, Cause::InvalidToken, "token_revoked");
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("got 200 earlier (at 2024-03-08T14:13:45.000Z)")),
        "{:#?}",
        f.evidence
    );
}

#[test]
fn capture_personal_token_that_worked_then_failed_is_revoked_credentials() {
    let pat = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get("https://api.github.com/user")
                .header("Authorization", &format!("token {pat}"))
                .status(200)
                .date(NOW - 600)
                .done(),
            get("https://api.github.com/user")
                .header("Authorization", &format!("token {pat}"))
                .date(NOW)
                .done(),
        ],
    );
    let f = judged.at(1);
    assert_eq!(f.cause, Cause::RevokedCredentials, "{f:#?}");
    assert!(
        matches!(
            f.detail.as_str(),
            "credential_revoked" | "credentials_rejected"
        ),
        "{f:#?}"
    );
}

#[test]
fn capture_refused_client_linked_by_client_id() {
    let of_client = |client: &str, exp: i64| {
        jwt(
            &json!({"iss": "https://auth.example.com/", "aud": "https://api.example.com", "client_id": client, "scope": "read", "iat": exp - 3600, "exp": exp}),
        )
    };
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            req("POST", TOKEN_URL)
                .form("grant_type=client_credentials&client_id=app-1&client_secret=old-secret")
                .body(r#"{"error":"invalid_client"}"#)
                .date(NOW - 60)
                .done(),
            get(API)
                .bearer(&of_client("app-1", NOW + 1800))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
            get(API)
                .bearer(&of_client("app-2", NOW + 1800))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
            get(API)
                .bearer(&of_client("app-1", NOW - 1200))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        ],
    );
    assert_finding(judged.at(0), Cause::RevokedCredentials, "client_refused");
    assert_finding(judged.at(1), Cause::RevokedCredentials, "client_refused");
    // Another client's token is not linked to the refusal.
    let other = judged.at(2);
    assert_ne!(other.detail, "client_refused", "{other:#?}");
    assert_finding(other, Cause::Unknown, "no_statement");
    // An earlier rule decides; the refusal is in the evidence.
    let expired = judged.at(3);
    assert_finding(expired, Cause::ExpiredToken, "jwt_exp_passed");
    assert!(
        expired
            .evidence
            .iter()
            .any(|e| e.contains("also fired: revoked_credentials/client_refused")),
        "{:#?}",
        expired.evidence
    );
}

#[test]
fn capture_a_refused_user_login_is_not_a_refused_client() {
    let token = jwt(
        &json!({"iss": "https://auth.example.com/", "aud": "https://api.example.com", "client_id": "web-app", "scope": "read", "iat": NOW - 600, "exp": NOW + 1800}),
    );
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            req("POST", TOKEN_URL)
                .form("grant_type=password&client_id=web-app&username=ada&password=hunter22")
                .body(r#"{"error":"invalid_grant","error_description":"Invalid user credentials"}"#)
                .date(NOW - 60)
                .done(),
            get(API)
                .bearer(&token)
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        ],
    );
    assert_finding(
        judged.at(0),
        Cause::RevokedCredentials,
        "credentials_rejected",
    );
    // Another user's token from the same client is not tied to that refusal.
    let later = judged.at(1);
    assert_ne!(later.detail, "client_refused", "{later:#?}");
    assert_finding(later, Cause::Unknown, "no_statement");
}

#[test]
fn capture_handshake_resolved_later() {
    let registry = "https://registry.example.com/v2/";
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get(registry)
                .challenge(r#"Bearer realm="https://auth.example.com/token",service="registry.example.com""#)
                .date(NOW)
                .done(),
            get("https://auth.example.com/token?service=registry.example.com")
                .status(200)
                .body(r#"{"token":"opaque-registry-token-123456","expires_in":300}"#)
                .date(NOW)
                .done(),
            get(registry)
                .bearer("opaque-registry-token-123456")
                .status(200)
                .date(NOW)
                .done(),
        ],
    );
    let f = judged.at(0);
    assert!(f.resolved_later, "{f:#?}");
    assert_finding(f, Cause::MissingAuthorization, "no_authorization");
}

#[test]
fn capture_refresh_and_retry_is_not_resolved_later() {
    let old = jwt(&claims(NOW - 1113));
    let new = jwt(&claims(NOW + 3600));
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get(API)
                .bearer(&old)
                .challenge(r#"Bearer realm="Example API", error="invalid_token", error_description="Token has expired""#)
                .date(NOW)
                .done(),
            req("POST", TOKEN_URL)
                .header("Authorization", "Basic YXBwLTE6czNjcjN0")
                .form("grant_type=refresh_token&refresh_token=rt-7f3a9c01d2e4")
                .status(200)
                .body(&json!({"access_token": new, "token_type": "Bearer", "expires_in": 3600}).to_string())
                .date(NOW + 1)
                .done(),
            get(API).bearer(&new).status(200).date(NOW + 2).done(),
        ],
    );
    assert_eq!(judged.findings.len(), 1);
    let f = judged.at(0);
    assert!(!f.resolved_later, "{f:#?}");
    assert_finding(f, Cause::ExpiredToken, "server_says_expired");
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("the client retried") && e.contains("got 200")),
        "{:#?}",
        f.evidence
    );
}

/// A Chrome export: the same API area answered 200 and 401, and no request carries
/// `Authorization` or `Cookie` (Chrome 130+ deleted them).
fn chrome_export(challenge: &str) -> Judged {
    judge_capture(
        Format::Har,
        Some("WebInspector"),
        vec![
            get(API).status(200).date(NOW - 5).done(),
            get("https://api.example.com/v2/policies")
                .challenge(challenge)
                .date(NOW)
                .done(),
        ],
    )
}

#[test]
fn capture_chrome_sanitized_export() {
    let judged = chrome_export(BEARER_REALM);
    let f = judged.at(1);
    assert_finding(f, Cause::Unknown, "credential_redacted");
    assert!(
        judged.has_note("sanitized_export"),
        "{:?}",
        judged.stats.notes
    );
    assert!(!judged.has_note("possibly_sanitized"));
}

#[test]
fn capture_chrome_sanitized_export_with_an_expiry_statement() {
    let judged = chrome_export(
        r#"Bearer realm="Example API", error="invalid_token", error_description="Token has expired""#,
    );
    assert_finding(judged.at(1), Cause::ExpiredToken, "server_says_expired");
    assert!(judged.has_note("sanitized_export"));
}

#[test]
fn capture_chrome_export_without_a_sign_is_possibly_sanitized() {
    // Nothing shows credentials existed: the absence is real (rule 5), with a note.
    let judged = judge_capture(
        Format::Har,
        Some("WebInspector"),
        vec![
            get("https://www.example.com/").status(200).date(NOW).done(),
            get(API).challenge(BEARER_REALM).date(NOW).done(),
        ],
    );
    assert_finding(
        judged.at(1),
        Cause::MissingAuthorization,
        "no_authorization",
    );
    assert!(judged.has_note("possibly_sanitized"));
    assert!(!judged.has_note("sanitized_export"));
}

#[test]
fn capture_cors_preflight() {
    let judged = judge_capture(
        Format::Har,
        Some("Firefox"),
        vec![
            req("OPTIONS", API)
                .header("Origin", "https://portal.example.com")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        ],
    );
    let f = judged.at(0);
    assert_finding(f, Cause::MissingAuthorization, "cors_preflight");
    assert_eq!(f.confidence, Confidence::High);
}

#[test]
fn capture_authorization_dropped_on_a_cross_host_redirect() {
    let from = "https://api.example.com/v2/exports/7";
    let to = "https://files.example-cdn.net/exports/7.csv";
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get(from)
                .bearer(&jwt(&claims(NOW + 1800)))
                .status(302)
                .reply_header("Location", to)
                .date(NOW)
                .done(),
            get(to)
                .redirected_from(from)
                .challenge(r#"Bearer realm="files""#)
                .date(NOW)
                .done(),
        ],
    );
    let f = judged.at(1);
    assert_finding(f, Cause::MissingAuthorization, "dropped_on_redirect");
    assert!(
        f.evidence.iter().any(|e| e.contains(from)),
        "{:#?}",
        f.evidence
    );
}
