//! Rule 6, and the pair of rule 6 with the rule after it.

use crate::diagnose::rules::test_support::*;

#[test]
fn rule6_placeholders() {
    for placeholder in [
        "your_access_token_here",
        "<TOKEN>",
        "${TOKEN}",
        "null",
        "undefined",
    ] {
        let d = judge(
            get(API)
                .bearer(placeholder)
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        );
        assert_decided(&d, "6", Cause::InvalidToken, "placeholder");
    }
}

#[test]
fn rule6_damaged_tokens() {
    let token = jwt(&claims(NOW + 1800));
    let (head, tail) = token.split_at(60);
    let spaced = format!("{head} {tail}");
    let cut = &token[..token.len() - 40];
    for (value, detail) in [
        (spaced.as_str(), "token_has_whitespace"),
        (cut, "token_truncated"),
    ] {
        let d = judge(
            get(API)
                .bearer(value)
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        );
        assert_decided(&d, "6", Cause::InvalidToken, detail);
    }
}

#[test]
fn rule6_not_a_jwt_where_the_profile_expects_one() {
    let d = judge_in(
        get(API)
            .bearer("8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f")
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
        &profiled(),
    );
    assert_decided(&d, "6", Cause::InvalidToken, "not_a_jwt");
}

#[test]
fn pair_6_7_form_beats_signature() {
    // An unsigned token (alg none, rule 7) with a space pasted into it (rule 6).
    let header = b64(&json!({"alg": "none", "typ": "JWT"}));
    let payload = b64(&claims(NOW + 1800));
    let (a, b) = payload.split_at(20);
    let d = judge(
        get(API)
            .bearer(&format!("{header}.{a} {b}."))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "6", Cause::InvalidToken, "token_has_whitespace");
    assert_also_fired(&d, "7", Cause::InvalidToken, "alg_none");
}
