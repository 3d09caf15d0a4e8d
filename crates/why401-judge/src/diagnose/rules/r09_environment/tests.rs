//! Rule 9, and the pair of rule 9 with the rule after it.

use crate::diagnose::rules::test_support::*;

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

#[test]
fn rule9_masked_signature_of_another_environment() {
    let token = mask_signature(&jwt(&staging_claims("read", NOW + 1800)), "[redacted]");
    let d = judge_in(
        get(API)
            .bearer(&token)
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &profiled(),
    );
    assert_decided(&d, "9", Cause::InvalidToken, "wrong_environment");
}
