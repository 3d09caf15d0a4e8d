//! Rule 7, and the pair of rule 7 with the rule after it.

use crate::diagnose::rules::test_support::*;

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
    assert_ne!(d.detail.as_str(), "signature_invalid");
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
