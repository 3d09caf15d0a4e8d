//! Rule 10, and the pair of rule 10 with the rule after it.

use crate::diagnose::rules::test_support::*;

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
