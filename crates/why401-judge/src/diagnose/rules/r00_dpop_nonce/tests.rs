//! Rule 0, and the pair of rule 0 with rule 2.

use crate::diagnose::rules::test_support::*;

fn nonce_challenge() -> Exchange {
    get(API)
        .header("Authorization", "DPoP eyJhbGciOiJFUzI1NiJ9.e30.c2ln")
        .header("DPoP", "eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.c2ln")
        .challenge(r#"DPoP error="use_dpop_nonce", error_description="Authorization server requires nonce in DPoP proof""#)
        .done()
}

#[test]
fn rule0_nonce_answered_later_is_the_handshake() {
    let prior = Prior {
        dpop_nonce_answered: true,
        ..Prior::default()
    };
    let d = decide_in(&nonce_challenge(), &plain(), &prior);
    assert_decided(&d, "0", Cause::Unknown, "dpop_nonce_required");
    assert_evidence_mentions(&d, "the retry with the nonce succeeded");
}

#[test]
fn rule0_does_not_fire_without_the_successful_retry() {
    let d = decide_in(&nonce_challenge(), &plain(), &Prior::default());
    assert_not_fired(&d, "0");
    assert!(!d.rule.to_string().starts_with("0 "), "{d:#?}");
}
