//! What the precedence's tests share: exchanges built by hand, signed tokens, contexts, and
//! assertions on decisions and on findings.
//!
//! Every case is a real-looking exchange run through `gather` and `decide` (or, for the
//! capture-level cases, through a `SourceJudge`). Unless a case says otherwise the response's
//! `Date` is [`NOW`] (2024-03-08T14:23:45Z), the leeway is the default 60 s, and tokens are
//! RS256, signed at test time with the keys in `tests/fixtures/evidence` (the right key is
//! `kid: key-1` in `jwks.json`).
//!
//! Each test asserts the cause and detail; each pair test (`pair_N_M`, beside rule N) also
//! asserts which rule decided and that the rule that lost is named in `considered` and in the
//! evidence.

pub(crate) use std::path::PathBuf;
pub(crate) use std::sync::Arc;

pub(crate) use base64::Engine as _;
pub(crate) use base64::engine::general_purpose::URL_SAFE_NO_PAD;
pub(crate) use chrono::{DateTime, Utc};
pub(crate) use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
pub(crate) use serde_json::{Value, json};

pub(crate) use super::{Decision, EarlierSuccess, Input, Prior, Refusal, decide};
pub(crate) use crate::diagnose::{Context, SourceJudge};
pub(crate) use crate::evidence::{EvidenceContext, KeySet, Profile, gather};
pub(crate) use why401_model::details::Detail;
pub(crate) use why401_model::exchange::{
    Body, ClientTime, Exchange, Location, Request, Response, ServerMessage,
};
pub(crate) use why401_model::finding::{Cause, Confidence, Finding};
pub(crate) use why401_model::input::{Format, InputStats};

/// 2024-03-08T14:23:45Z: the server's `Date` of most cases.
pub(crate) const NOW: i64 = 1_709_907_825;

pub(crate) const API: &str = "https://api.example.com/v2/devices";

pub(crate) const TOKEN_URL: &str = "https://auth.example.com/oauth/token";

pub(crate) const BEARER_REALM: &str = r#"Bearer realm="Example API""#;

pub(crate) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("tests/fixtures/evidence")
        .join(name)
}

pub(crate) fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("a time in range")
}

pub(crate) fn http_date(seconds: i64) -> String {
    at(seconds).format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// RS256 with a private key of the fixtures.
pub(crate) fn sign(private_pem: &str, kid: &str, claims: &Value) -> String {
    let pem = std::fs::read(fixture(private_pem)).expect("fixture key");
    let key = EncodingKey::from_rsa_pem(&pem).expect("an RSA key");
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    encode(&header, claims, &key).expect("signs")
}

/// A token signed with the right key (`jwks.json`, `kid: key-1`).
pub(crate) fn jwt(claims: &Value) -> String {
    sign("rsa-private.pem", "key-1", claims)
}

/// Claims of a token issued for `iss`/`aud`, an hour before `exp`.
pub(crate) fn claims_for(iss: &str, aud: &str, scope: &str, exp: i64) -> Value {
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
pub(crate) fn claims(exp: i64) -> Value {
    claims_for(
        "https://auth.example.com/",
        "https://api.example.com",
        "read",
        exp,
    )
}

pub(crate) fn staging_claims(scope: &str, exp: i64) -> Value {
    claims_for(
        "https://auth.staging.example.com/",
        "https://api.staging.example.com",
        scope,
        exp,
    )
}

/// The forms in which captures mask a JWT's signature (the third part).
pub(crate) const SIGNATURE_MASKS: &[&str] = &[
    "REDACTED",
    "xxxxx",
    "***",
    "",
    "<signature removed>",
    "[redacted]",
    "..",
];

/// `token` with its signature replaced by `mask`.
pub(crate) fn mask_signature(token: &str, mask: &str) -> String {
    let head = token.rsplit_once('.').map_or(token, |(head, _)| head);
    format!("{head}.{mask}")
}

pub(crate) fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// An exchange under construction: the request's parts, then the response's (a 401 unless
/// `status` says otherwise).
pub(crate) struct Ex(pub(crate) Exchange);

pub(crate) fn req(method: &str, url: &str) -> Ex {
    Ex(Exchange::new(
        Location::Entry(0),
        Request::recorded(method, url),
    ))
}

pub(crate) fn get(url: &str) -> Ex {
    req("GET", url)
}

impl Ex {
    pub(crate) fn header(mut self, name: &str, value: &str) -> Ex {
        self.0.request.headers.push(name, value);
        self
    }

    pub(crate) fn bearer(self, token: &str) -> Ex {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    pub(crate) fn form(mut self, body: &str) -> Ex {
        self.0
            .request
            .set_body(body, Some("application/x-www-form-urlencoded"));
        self
    }

    /// A response paste or a log without request headers: it says nothing about the
    /// credential.
    pub(crate) fn unrecorded(mut self) -> Ex {
        let request = &mut self.0.request;
        request.headers_recorded = false;
        request.credential_recorded = false;
        request.body_recorded = false;
        self
    }

    /// A body was sent but the capture does not show it (`} [N bytes data]`).
    pub(crate) fn body_not_shown(mut self) -> Ex {
        self.0.request.body_recorded = false;
        self
    }

    pub(crate) fn response(&mut self) -> &mut Response {
        self.0.response.get_or_insert_with(|| Response::new(401))
    }

    pub(crate) fn status(mut self, status: u16) -> Ex {
        self.response().status = status;
        self
    }

    pub(crate) fn reply_header(mut self, name: &str, value: &str) -> Ex {
        self.response().headers.push(name, value);
        self
    }

    pub(crate) fn challenge(self, value: &str) -> Ex {
        self.reply_header("WWW-Authenticate", value)
    }

    pub(crate) fn body(mut self, text: &str) -> Ex {
        self.response().body = Some(Body::from_text(text));
        self
    }

    pub(crate) fn date(self, seconds: i64) -> Ex {
        self.reply_header("Date", &http_date(seconds))
    }

    pub(crate) fn client_at(mut self, seconds: i64) -> Ex {
        self.0.client_time = Some(ClientTime::Instant(at(seconds)));
        self
    }

    pub(crate) fn log(mut self, field: &str, text: &str) -> Ex {
        self.0.server_messages.push(ServerMessage {
            field: field.into(),
            text: text.into(),
        });
        self
    }

    pub(crate) fn redirected_from(mut self, url: &str) -> Ex {
        self.0.redirected_from = Some(url.into());
        self
    }

    pub(crate) fn done(mut self) -> Exchange {
        self.response();
        self.0
    }
}

pub(crate) fn sample_profile() -> Profile {
    Profile::load(
        &PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("samples/profile.toml"),
    )
    .expect("the sample profile loads")
}

pub(crate) fn plain() -> EvidenceContext {
    EvidenceContext::default()
}

/// The sample profile: api.example.com is production (JWT, strict `Bearer` case), scopes
/// per endpoint (`GET /v2/devices` needs `read` or `devices:read`).
pub(crate) fn profiled() -> EvidenceContext {
    EvidenceContext {
        profile: Some(sample_profile()),
        ..EvidenceContext::default()
    }
}

/// `--jwks tests/fixtures/evidence/jwks.json`.
pub(crate) fn keyed() -> EvidenceContext {
    EvidenceContext {
        keys: Some(KeySet::from_jwks_file(&fixture("jwks.json")).expect("jwks loads")),
        ..EvidenceContext::default()
    }
}

pub(crate) fn decide_in(exchange: &Exchange, ctx: &EvidenceContext, prior: &Prior) -> Decision {
    let evidence = gather(exchange, ctx);
    decide(&Input::new(exchange, &evidence, prior))
}

pub(crate) fn judge(exchange: Exchange) -> Decision {
    decide_in(&exchange, &plain(), &Prior::default())
}

pub(crate) fn judge_in(exchange: Exchange, ctx: &EvidenceContext) -> Decision {
    decide_in(&exchange, ctx, &Prior::default())
}

/// Cause, detail and the deciding rule (`"2"` for `rule 2 server statement`).
#[track_caller]
pub(crate) fn assert_decided(d: &Decision, rule: &str, cause: Cause, detail: &str) {
    assert_eq!(
        (d.cause(), d.detail.as_str()),
        (cause, detail),
        "decided by {}; evidence {:#?}",
        d.rule,
        d.evidence
    );
    assert!(
        d.rule.to_string().starts_with(&format!("{rule} ")),
        "decided by {}, expected rule {rule}; evidence {:#?}",
        d.rule,
        d.evidence
    );
    assert!(!d.evidence.is_empty());
}

/// The losing rule is named, with its verdict, in `considered` and in the evidence.
#[track_caller]
pub(crate) fn assert_also_fired(d: &Decision, rule: &str, cause: Cause, detail: &str) {
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
pub(crate) fn assert_not_fired(d: &Decision, rule: &str) {
    assert!(
        !d.considered
            .iter()
            .any(|c| c.starts_with(&format!("rule {rule} "))),
        "rule {rule} should not fire: {:#?}",
        d.considered
    );
}

#[track_caller]
pub(crate) fn assert_evidence_mentions(d: &Decision, words: &str) {
    assert!(
        d.evidence.iter().any(|e| e.contains(words)),
        "no evidence line mentions {words:?}: {:#?}",
        d.evidence
    );
}

pub(crate) struct Judged {
    pub(crate) findings: Vec<Finding>,
    pub(crate) stats: InputStats,
}

impl Judged {
    pub(crate) fn at(&self, index: u64) -> &Finding {
        self.findings
            .iter()
            .find(|f| f.index == index)
            .unwrap_or_else(|| panic!("no finding for index {index}: {:#?}", self.findings))
    }

    pub(crate) fn has_note(&self, code: &str) -> bool {
        self.stats.notes.iter().any(|n| n.code == code)
    }
}

/// One source through a `SourceJudge`, exchanges numbered in order.
pub(crate) fn judge_capture(
    format: Format,
    creator: Option<&str>,
    exchanges: Vec<Exchange>,
) -> Judged {
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
pub(crate) fn assert_finding(f: &Finding, cause: Cause, detail: &str) {
    assert_eq!(
        (f.cause, f.detail.as_str()),
        (cause, detail),
        "evidence {:#?}",
        f.evidence
    );
}

/// Entra's AADSTS700024 for a client assertion at `current`, valid `from`..`expiry`.
pub(crate) fn aadsts700024(current: i64, from: i64, expiry: i64) -> Exchange {
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
pub(crate) const ENTRA_NOW: i64 = 1_727_906_703;

/// Claims that pass at NOW, signed by the other key under the right kid.
pub(crate) fn other_key_token(claims: &Value) -> String {
    sign("other-private.pem", "key-1", claims)
}

/// Signed by the right key but under a kid the JWKS does not hold.
pub(crate) fn unknown_kid_token(claims: &Value) -> String {
    sign("rsa-private.pem", "key-9", claims)
}

pub(crate) fn write_only_token() -> String {
    jwt(&claims_for(
        "https://auth.example.com/",
        "https://api.example.com",
        "write",
        NOW + 1800,
    ))
}

pub(crate) fn refused_earlier() -> Prior {
    Prior {
        client_refusal: Some(Refusal {
            detail: Detail::ClientRefused,
            at: Some("2024-03-08T14:20:00.000Z".into()),
            place: "401 invalid_client".into(),
        }),
        ..Prior::default()
    }
}

pub(crate) fn worked_earlier() -> Prior {
    Prior {
        earlier_success: Some(EarlierSuccess {
            at: Some("2024-03-08T14:03:00.000Z".into()),
            status: 200,
            same_endpoint: true,
        }),
        ..Prior::default()
    }
}
