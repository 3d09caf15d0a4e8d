//! Rule 11, and the pair of rule 11 with the rule after it.

use crate::diagnose::rules::test_support::*;

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
