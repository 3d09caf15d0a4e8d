//! Rule 5, and the pair of rule 5 with the rule after it.

use crate::diagnose::rules::test_support::*;

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
    assert_ne!(d.detail.as_str(), "wrong_scheme");
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
