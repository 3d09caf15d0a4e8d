//! Rule 8, and the pair of rule 8 with the rule after it.

use crate::diagnose::rules::test_support::*;

#[test]
fn rule8_exp_passed() {
    // exp 14:05:12Z, Date 14:23:45Z.
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW - 1113)))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(
        &d,
        "exp 2024-03-08T14:05:12Z is 18m33s before the server's Date 2024-03-08T14:23:45Z",
    );
}

#[test]
fn rule8_nbf_and_iat_in_the_future() {
    let nbf = json!({"iss": "https://auth.example.com/", "aud": "https://api.example.com", "iat": NOW - 10, "nbf": NOW + 600, "exp": NOW + 3600});
    let iat = json!({"iss": "https://auth.example.com/", "aud": "https://api.example.com", "iat": NOW + 600, "exp": NOW + 3600});
    for (claims, detail) in [(nbf, "nbf_in_future"), (iat, "iat_in_future")] {
        let d = judge(
            get(API)
                .bearer(&jwt(&claims))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        );
        assert_decided(&d, "8", Cause::ClockSkew, detail);
        assert_evidence_mentions(&d, "10m00s after the server's Date");
    }
}

#[test]
fn rule8_client_clock_behind_explains_an_expiry() {
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW - 300)))
            .challenge(BEARER_REALM)
            .date(NOW)
            .client_at(NOW - 900)
            .done(),
    );
    assert_decided(&d, "8", Cause::ClockSkew, "client_clock_behind");
}

#[test]
fn rule8_leeway_band() {
    let decide_exp = |exp: i64| {
        judge(
            get(API)
                .bearer(&jwt(&claims(exp)))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        )
    };
    // exp exactly at reference − leeway: passed.
    let d = decide_exp(NOW - 60);
    assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
    // One second later it is inside the band: it decides nothing.
    let d = decide_exp(NOW - 59);
    assert_decided(&d, "12", Cause::Unknown, "within_leeway");
    assert_not_fired(&d, "8");
    assert_evidence_mentions(&d, "within the 60s leeway");
}

#[test]
fn rule8_server_stated_time_beats_date() {
    // By the Date (14:23:45Z) exp 14:25:00Z has not passed; by the time the server states in
    // its message (14:30:00Z) it has.
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW + 75)))
            .challenge(BEARER_REALM)
            .body(r#"{"message":"Unauthorized. Current time: 2024-03-08T14:30:00Z"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(&d, "the server's stated time");
}

#[test]
fn rule8_client_time_caps_confidence_and_has_no_clock_test() {
    // No Date: the client's time is the reference; its expiry is medium at most, and the
    // client-clock test (which needs the server's clock) cannot turn it into clock skew.
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW - 600)))
            .challenge(BEARER_REALM)
            .client_at(NOW)
            .done(),
    );
    assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
    assert_eq!(d.confidence, Confidence::Medium);
    assert_evidence_mentions(&d, "the client's time");
}

#[test]
fn pair_8_9_time_beats_environment() {
    let d = judge_in(
        get(API)
            .bearer(&jwt(&staging_claims("read", NOW - 1200)))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &profiled(),
    );
    assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
    assert_also_fired(&d, "9", Cause::InvalidToken, "wrong_environment");
}

#[test]
fn rule8_masked_signature_is_judged_by_its_claims() {
    for mask in SIGNATURE_MASKS {
        let token = mask_signature(&jwt(&claims(NOW - 1800)), mask);
        for ctx in [plain(), keyed()] {
            let e = get(API)
                .bearer(&token)
                .challenge(BEARER_REALM)
                .date(NOW)
                .done();
            let d = judge_in(e, &ctx);
            assert_decided(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
            assert_not_fired(&d, "4");
            assert_not_fired(&d, "6");
            assert_not_fired(&d, "7");
        }
    }
    // nbf in the future, signature masked: clock skew as usual.
    let early = json!({"iss": "https://auth.example.com/", "aud": "https://api.example.com", "iat": NOW - 10, "nbf": NOW + 600, "exp": NOW + 3600});
    let d = judge(
        get(API)
            .bearer(&mask_signature(&jwt(&early), "REDACTED"))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "8", Cause::ClockSkew, "nbf_in_future");
}
