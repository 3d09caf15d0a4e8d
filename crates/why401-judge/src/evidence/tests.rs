//! `gather` end to end on exchanges shaped like the reference API's captures.

use std::path::PathBuf;

use serde_json::json;

use super::*;
use crate::evidence::testutil::{fixture, sign_rs256};
use why401_model::exchange::{Body, ClientTime, Location, Response};
use why401_model::finding::{Confidence, CredentialKind};
use why401_model::time::parse_iso;

fn sample_profile() -> Profile {
    Profile::load(
        &PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("samples/profile.toml"),
    )
    .unwrap()
}

fn token(kid: &str, claims: serde_json::Value) -> String {
    sign_rs256("rsa-private.pem", Some(kid), &claims)
}

/// A 401 from the reference API: Date 14:23:45Z, bare `Bearer realm` challenge, JSON body.
fn reference_401(method: &str, url: &str, authorization: Option<&str>) -> Exchange {
    let mut request = Request::recorded(method, url);
    if let Some(value) = authorization {
        request.headers.push("Authorization", value);
    }
    let mut e = Exchange::new(Location::Entry(3), request);
    let mut response = Response::new(401);
    response
        .headers
        .push("Date", "Fri, 08 Mar 2024 14:23:45 GMT");
    response
        .headers
        .push("WWW-Authenticate", r#"Bearer realm="Example API""#);
    response.body = Some(Body::from_text(
        r#"{"error": "unauthorized", "error_description": "The access token is invalid or has expired", "error_code": "E-AUTH-001", "timestamp": "2024-03-08T14:23:45Z", "request_id": "req_7f3a9c01d2"}"#,
    ));
    e.response = Some(response);
    e.client_time = Some(ClientTime::Instant(
        parse_iso("2024-03-08T14:23:44.500Z").unwrap().at,
    ));
    e
}

fn production_claims(exp: i64, scope: &str) -> serde_json::Value {
    json!({
        "iss": "https://auth.example.com/",
        "aud": "https://api.example.com",
        "sub": "client-42",
        "scope": scope,
        "iat": exp - 3600,
        "nbf": exp - 3600,
        "exp": exp
    })
}

#[test]
fn expired_reference_token_with_profile_and_keys() {
    let ctx = EvidenceContext {
        profile: Some(sample_profile()),
        keys: Some(KeySet::from_jwks_file(&fixture("jwks.json")).unwrap()),
        ..EvidenceContext::default()
    };
    // exp 2024-03-08T14:05:12Z: 18m33s before the Date.
    let t = token("key-1", production_claims(1709906712, "read"));
    let e = reference_401(
        "GET",
        "https://api.example.com/v2/devices?limit=5",
        Some(&format!("Bearer {t}")),
    );
    let ev = gather(&e, &ctx);

    assert_eq!(ev.challenges.len(), 1);
    let challenge = ev.challenge_summary().unwrap();
    assert_eq!(challenge.scheme, "Bearer");
    assert_eq!(challenge.params["realm"], "Example API");

    let summary = ev.credential_summary();
    assert_eq!(summary.header.as_deref(), Some("Authorization"));
    assert_eq!(summary.kind, CredentialKind::Jwt);
    assert_eq!(summary.fingerprint, Some(Fingerprint::of_str(&t).short()));
    let claims = summary.claims.unwrap();
    assert_eq!(claims.exp.as_deref(), Some("2024-03-08T14:05:12Z"));
    assert_eq!(claims.scope, Some(vec!["read".to_owned()]));
    assert_eq!(ev.credential().unwrap().signature.as_str(), "verified");
    assert_eq!(ev.scheme_offered(), Some(true));

    let reference = ev.reference.as_ref().unwrap();
    assert_eq!(reference.source, reftime::RefSource::DateHeader);
    assert_eq!(reference.max_confidence(), Confidence::High);
    let times = ev.claim_times.as_ref().unwrap();
    assert!(times.expired());
    assert_eq!(
        times.exp.as_ref().unwrap().describe(reference, ev.leeway),
        "exp 2024-03-08T14:05:12Z is 18m33s before the server's Date 2024-03-08T14:23:45Z"
    );
    assert_eq!(ev.client_offset_seconds, Some(0), "0.5 s rounds to 0");

    let scope = ev.scope.as_ref().unwrap();
    assert_eq!(scope.rule.any_of, ["read", "devices:read"]);
    assert_eq!(scope.satisfied, Some(true));
    assert_eq!(ev.wrong_environment, None);
    assert_eq!(ev.expected_token_format, Some(TokenFormat::Jwt));
    assert!(ev.strict_scheme_case);
    assert!(!ev.token_endpoint && ev.client_auth.is_none());
    let rid = ev.request_id.as_ref().unwrap();
    assert_eq!(
        (rid.value.as_str(), rid.source.as_str()),
        ("req_7f3a9c01d2", "body request_id")
    );
    let fields: Vec<&str> = ev.statements.iter().map(|s| s.field.as_str()).collect();
    assert_eq!(fields, ["error", "error_description", "error_code"]);
}

#[test]
fn staging_token_without_scope_lowercase_scheme_and_unknown_kid() {
    let ctx = EvidenceContext {
        profile: Some(sample_profile()),
        keys: Some(KeySet::from_jwks_file(&fixture("jwks.json")).unwrap()),
        ..EvidenceContext::default()
    };
    let t = token(
        "key-7",
        json!({
            "iss": "https://auth.staging.example.com/",
            "aud": "https://api.staging.example.com",
            "scope": "read",
            "exp": 1709990000
        }),
    );
    let e = reference_401(
        "DELETE",
        "https://api.example.com/v2/organizations/org-1",
        Some(&format!("bearer {t}")),
    );
    let ev = gather(&e, &ctx);
    let c = ev.credential().unwrap();
    assert!(c.scheme_case_differs);
    assert_eq!(c.signature.as_str(), "signature_invalid");
    let wrong = ev.wrong_environment.as_ref().unwrap();
    assert_eq!(wrong.token_environment.as_deref(), Some("staging"));
    let scope = ev.scope.as_ref().unwrap();
    assert_eq!(scope.satisfied, Some(false));
    assert_eq!(scope.rule.any_of, ["admin"]);
    assert!(!ev.claim_times.as_ref().unwrap().expired());
}

#[test]
fn no_credential_not_recorded_and_wrong_header() {
    let ctx = EvidenceContext::default();
    let none = gather(
        &reference_401("GET", "https://api.example.com/v2/devices", None),
        &ctx,
    );
    assert_eq!(none.chosen, Chosen::None);
    assert_eq!(none.credential_summary().kind, CredentialKind::None);
    assert_eq!(none.scheme_offered(), None);
    assert_eq!(none.challenge_summary().unwrap().scheme, "Bearer");

    let mut wrong = reference_401("GET", "https://api.example.com/v2/devices", None);
    wrong
        .request
        .headers
        .push("Authentication", "Bearer abc.def.ghi");
    let ev = gather(&wrong, &ctx);
    assert_eq!(ev.chosen, Chosen::None);
    assert_eq!(
        ev.credentials
            .wrong_header()
            .unwrap()
            .summary()
            .header
            .as_deref(),
        Some("Authentication")
    );

    let mut log = reference_401("GET", "https://api.example.com/v2/devices", None);
    log.request = Request::unrecorded("GET", "https://api.example.com/v2/devices");
    let ev = gather(&log, &ctx);
    assert_eq!(ev.credential_summary().kind, CredentialKind::NotRecorded);
    assert!(ev.scope.is_none(), "no profile, no scope table");
}

#[test]
fn query_token_picks_the_bearer_challenge() {
    let mut e = reference_401(
        "GET",
        "https://api.example.com/v2/devices?access_token=abc123",
        None,
    );
    e.response
        .as_mut()
        .unwrap()
        .headers
        .push("WWW-Authenticate", r#"Basic realm="legacy""#);
    let ev = gather(&e, &EvidenceContext::default());
    // Challenges: Bearer then Basic; the query token is Bearer's.
    assert_eq!(ev.chosen_challenge, Some(0));
    assert_eq!(
        ev.credential_summary().header.as_deref(),
        Some("query:access_token")
    );
    assert_eq!(ev.scheme_offered(), Some(true));
}

#[test]
fn stated_time_wins_and_validity_is_read() {
    let mut request = Request::recorded(
        "POST",
        "https://login.microsoftonline.com/t/oauth2/v2.0/token",
    );
    request.set_body(
        "grant_type=client_credentials&client_id=app&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJhbGciOiJSUzI1NiJ9.e30.sig",
        None,
    );
    let mut e = Exchange::new(Location::Entry(0), request);
    let mut response = Response::new(401);
    response
        .headers
        .push("Date", "Tue, 14 Feb 2023 21:05:00 GMT");
    response.body = Some(Body::from_text(
        &json!({
            "error": "invalid_client",
            "error_description": "AADSTS700024: Client assertion is not within its valid time range. Current time: 2023-02-14T21:04:58.4400651Z, assertion valid from 2023-02-14T21:08:08.0000000Z, expiry time of assertion 2023-02-14T22:08:08.0000000Z.\r\nTrace ID: 2a5c1f6e-0000-4a1b-9c3d-7e8f9a0b1c2d\r\nCorrelation ID: c\r\nTimestamp: 2023-02-14 21:04:58Z",
            "error_codes": [700024]
        })
        .to_string(),
    ));
    e.response = Some(response);
    let ev = gather(&e, &EvidenceContext::default());
    let reference = ev.reference.as_ref().unwrap();
    assert_eq!(
        reference.source,
        reftime::RefSource::ServerStatement("body error_description".into())
    );
    let validity = ev.validity.as_ref().unwrap();
    assert_eq!(
        validity.validity.verdict(ev.leeway),
        Some(reftime::ValidityVerdict::NotYetValid { by_seconds: 189 })
    );
    assert!(ev.token_endpoint);
    assert_eq!(ev.client_auth, Some(ClientAuth::Present));
    assert_eq!(
        ev.credential_summary().header.as_deref(),
        Some("form:client_assertion")
    );
    assert_eq!(
        ev.request_id.as_ref().unwrap().value,
        "2a5c1f6e-0000-4a1b-9c3d-7e8f9a0b1c2d"
    );
}

#[test]
fn resolve_flags_over_profile_over_defaults() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("jwks.json"), dir.path().join("jwks.json")).unwrap();
    let profile_path = dir.path().join("p.toml");
    std::fs::write(
        &profile_path,
        "jwks = \"jwks.json\"\nleeway = 120\nbogus = 1\n",
    )
    .unwrap();
    let profile = Profile::load(&profile_path).unwrap();

    let ctx = EvidenceContext::resolve(Some(profile.clone()), None, None, None).unwrap();
    assert_eq!(ctx.leeway, 120);
    assert_eq!(ctx.keys.as_ref().unwrap().len(), 1);
    assert_eq!(ctx.warnings().len(), 1, "{:?}", ctx.warnings());

    let flag_keys = KeySet::from_key_file(&fixture("hs256.secret")).unwrap();
    let ctx = EvidenceContext::resolve(Some(profile), Some(flag_keys), None, Some(5)).unwrap();
    assert_eq!(ctx.leeway, 5);
    let t = crate::evidence::testutil::sign_hs256(b"a-shared-secret-of-the-test-suite", &json!({}));
    let e = reference_401(
        "GET",
        "https://api.example.com/v2/devices",
        Some(&format!("Bearer {t}")),
    );
    assert_eq!(
        gather(&e, &ctx).credential().unwrap().signature.as_str(),
        "verified"
    );

    assert_eq!(
        EvidenceContext::resolve(None, None, None, None)
            .unwrap()
            .leeway,
        DEFAULT_LEEWAY
    );
    let missing = dir.path().join("q.toml");
    std::fs::write(&missing, "jwks = \"nope.json\"\n").unwrap();
    let err = EvidenceContext::resolve(Some(Profile::load(&missing).unwrap()), None, None, None)
        .unwrap_err();
    assert!(err.to_string().contains("nope.json"), "{err}");
}

#[test]
fn token_endpoint_detection() {
    let p = sample_profile();
    let mut form = Request::recorded("POST", "https://idp.example.org/connect/issue");
    form.set_body("grant_type=refresh_token&refresh_token=x", None);
    assert!(is_token_endpoint(&form, None));
    assert!(is_token_endpoint(
        &Request::recorded("POST", "https://x.org/oauth2/token"),
        None
    ));
    assert!(is_token_endpoint(
        &Request::recorded("POST", "https://auth.example.com/oauth/token"),
        Some(&p)
    ));
    assert!(!is_token_endpoint(
        &Request::recorded("GET", "https://api.example.com/v2/tokens"),
        Some(&p)
    ));
}

#[test]
fn evidence_debug_never_holds_secrets() {
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode("alice:correct-horse-battery");
    let t = token("key-1", production_claims(1709906712, "read"));
    let mut e = reference_401(
        "GET",
        "https://api.example.com/v2/devices",
        Some(&format!("Basic {basic}")),
    );
    e.request
        .headers
        .push("X-Api-Key", "c2f1a9e0b7d34c6f8a1b2c3d4e5f6a7b");
    e.request.headers.push("Cookie", format!("session={t}"));
    let debug = format!("{:?}", gather(&e, &EvidenceContext::default()));
    for secret in [
        "correct-horse-battery",
        basic.as_str(),
        "c2f1a9e0b7d34c6f8a1b2c3d4e5f6a7b",
    ] {
        assert!(!debug.contains(secret), "{secret}");
    }
    let signature = t.rsplit('.').next().unwrap();
    assert!(!debug.contains(signature) && !debug.contains(&t));
}

/// Pseudo-random text (fixed seed) over the characters parsers care about never panics.
#[test]
fn readers_never_panic_on_garbage() {
    const ALPHABET: &[u8] = b"aZ9=,\"\\ \t\r\n.:;/-_+*<>[]{}$%eyJ'()@?&#\x01\xc3\xa9";
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 80) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = challenge::parse(&text);
        let _ = jwt::inspect(&text);
        let _ = jwt::inspect(&format!("eyJ{text}"));
        let _ = credential::is_redacted(&text);
        let _ = reftime::stated_current_time(&text);
        let _ = reftime::validity_statement(&text);
        let _ = statement::from_body(&text);
        let _ = request_id::from_body(&text);
        let _ = profile::url_host(&text);
        let _ = profile::url_path(&text);
        let _ = Profile::parse(&text, std::path::Path::new("p.toml"));
        let mut e = reference_401(
            "GET",
            &format!("https://h/{text}?access_token={text}"),
            None,
        );
        e.request.headers.push("Authorization", text.clone());
        e.request.headers.push("Cookie", text.clone());
        e.request.set_body(&text, None);
        e.response
            .as_mut()
            .unwrap()
            .headers
            .push("WWW-Authenticate", text.clone());
        let _ = gather(&e, &EvidenceContext::default());
    }
}
