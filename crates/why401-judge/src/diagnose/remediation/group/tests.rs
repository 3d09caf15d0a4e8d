use super::*;
use std::sync::Arc;
use why401_model::finding::{Confidence, CredentialKind, CredentialSummary};

fn finding(number: u64, detail: Detail, fp: Option<&str>, facts: RemediationFacts) -> Finding {
    Finding {
        number,
        source: Arc::from("a.har"),
        index: number,
        location: String::new(),
        time: None,
        method: "GET".into(),
        url: "https://api.example.com/v2/devices".into(),
        status: 401,
        cause: detail.cause(),
        detail: detail.as_str().into(),
        confidence: Confidence::High,
        evidence: Vec::new(),
        credential: fp.map(|fp| CredentialSummary {
            header: Some("Authorization".into()),
            scheme: Some("Bearer".into()),
            kind: CredentialKind::Jwt,
            fingerprint: Some(fp.into()),
            user: None,
            claims: None,
        }),
        challenge: None,
        request_id: None,
        resolved_later: false,
        remediation: Vec::new(),
        status_inferred: false,
        explain: None,
        facts: Some(Box::new(facts)),
    }
}

fn expired(before: i64, lifetime: i64) -> RemediationFacts {
    RemediationFacts {
        seconds_before_request: Some(before),
        lifetime_seconds: Some(lifetime),
        ..Default::default()
    }
}

fn texts(tally: &Tally, cause: Cause) -> Vec<String> {
    tally.advice()[&cause]
        .iter()
        .map(|l| {
            if l.details.is_empty() {
                l.text.clone()
            } else {
                format!("[{} {}] {}", l.details.join(","), l.numbers, l.text)
            }
        })
        .collect()
}

#[test]
fn one_finding_gets_its_own_steps() {
    let mut tally = Tally::default();
    let facts = expired(14, 3600);
    tally.add(&finding(
        1,
        Detail::JwtExpPassed,
        Some("fp_a"),
        facts.clone(),
    ));
    assert_eq!(
        texts(&tally, Cause::ExpiredToken),
        steps(Detail::JwtExpPassed, &facts)
    );
}

#[test]
fn an_expired_group_states_ranges_not_one_member_s_numbers() {
    let mut tally = Tally::default();
    tally.add(&finding(
        1,
        Detail::JwtExpPassed,
        Some("fp_a"),
        expired(14, 3600),
    ));
    tally.add(&finding(
        2,
        Detail::JwtExpPassed,
        Some("fp_b"),
        expired(3 * 3600 + 300, 1800),
    ));
    tally.add(&finding(
        3,
        Detail::JwtExpPassed,
        Some("fp_b"),
        expired(600, 1800),
    ));
    let advice = texts(&tally, Cause::ExpiredToken);
    assert_eq!(
        advice[0],
        "Get a new access token: 3 requests (2 tokens seen) were refused as expired; the `exp` \
         of each had passed between 14s and 3h05m before the request; the longest lifetime seen \
         was 1h00m."
    );
    assert!(!advice.iter().any(|s| s.contains("this one")), "{advice:?}");
    // The lifetimes differ, so the refresh step names none.
    assert!(!advice[1].contains("lifetime"), "{}", advice[1]);
}

#[test]
fn a_step_for_some_details_names_them_and_their_findings() {
    let mut tally = Tally::default();
    for n in [6, 20] {
        tally.add(&finding(
            n,
            Detail::SignatureInvalid,
            None,
            Default::default(),
        ));
    }
    tally.add(&finding(
        12,
        Detail::WrongEnvironment,
        None,
        Default::default(),
    ));
    let advice = texts(&tally, Cause::InvalidToken);
    assert!(
        advice[0].starts_with("[signature_invalid #6, #20] Use a token"),
        "{advice:?}"
    );
    assert!(
        advice[1].starts_with("[wrong_environment #12] Request the token"),
        "{advice:?}"
    );
    assert!(advice.len() <= MAX_LINES + 1);
}

#[test]
fn facts_that_differ_are_not_quoted() {
    let mut tally = Tally::default();
    let scope = |granted: &str| RemediationFacts {
        required_scopes: vec!["logs:read".into()],
        granted_scopes: vec![granted.into()],
        endpoint: Some("GET /v2/logs/audit".into()),
        ..Default::default()
    };
    tally.add(&finding(1, Detail::ScopeNotGranted, None, scope("read")));
    tally.add(&finding(2, Detail::ScopeNotGranted, None, scope("write")));
    let advice = texts(&tally, Cause::InsufficientScope);
    assert!(advice[0].contains("`logs:read`"), "{}", advice[0]);
    assert!(
        !advice[0].contains("`read`") && !advice[0].contains("`write`"),
        "{}",
        advice[0]
    );
}

#[test]
fn evidence_advice_is_per_kind_of_source_and_handshakes_get_none() {
    let mut tally = Tally::default();
    let from = |source| RemediationFacts {
        source,
        ..Default::default()
    };
    tally.add(&finding(
        1,
        Detail::CredentialRedacted,
        None,
        from(SourceKind::Log),
    ));
    tally.add(&finding(
        2,
        Detail::CredentialRedacted,
        None,
        from(SourceKind::Har),
    ));
    let mut handshake = finding(3, Detail::NoAuthorization, None, Default::default());
    handshake.resolved_later = true;
    tally.add(&handshake);
    let advice = texts(&tally, Cause::Unknown);
    let log = advice
        .iter()
        .find(|s| s.contains("log a fingerprint"))
        .unwrap();
    assert!(log.starts_with("[credential_redacted #1]"), "{log}");
    let har = advice
        .iter()
        .find(|s| s.contains("Export the HAR"))
        .unwrap();
    assert!(har.starts_with("[credential_redacted #2]"), "{har}");
    assert!(!tally.advice().contains_key(&Cause::MissingAuthorization));
}

#[test]
fn a_clock_skew_group_gives_the_range() {
    let mut tally = Tally::default();
    for (n, skew) in [(1, -420), (2, -600)] {
        let facts = RemediationFacts {
            skew_seconds: Some(skew),
            ..Default::default()
        };
        tally.add(&finding(n, Detail::ServerSaysClockSkew, None, facts));
    }
    let advice = texts(&tally, Cause::ClockSkew);
    assert_eq!(
        advice[0],
        "Your clock is between 7m00s and 10m00s behind the server's."
    );
}
