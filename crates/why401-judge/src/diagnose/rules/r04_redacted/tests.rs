//! Rule 4, and the pair of rule 4 with the rule after it.

use crate::diagnose::rules::test_support::*;

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
