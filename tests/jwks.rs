//! Signature checking end to end: with keys, a token signed by another key and one
//! whose `kid` is unknown are `invalid_token`/`signature_invalid`; without keys the same
//! tokens are judged on their claims. The capture is `tests/fixtures/jwks/tokens.har` (see
//! its README for what each entry holds).

mod common;

use common::{analyze_json, findings_of};

const HAR: &str = "tests/fixtures/jwks/tokens.har";
const JWKS: &str = "tests/fixtures/evidence/jwks.json";
const OTHER_JWKS: &str = "tests/fixtures/evidence/jwks-other.json";

/// `(index, cause, detail)` of every finding of the capture, after checking the run.
fn verdicts(args: &[&str]) -> Vec<(u64, String, String)> {
    let mut all = args.to_vec();
    all.push(HAR);
    let (status, report) = analyze_json(&all);
    assert_eq!(status, 1, "three 401s: exit status 1; {report}");
    findings_of(&report, HAR)
        .iter()
        .map(|f| {
            (
                f["index"].as_u64().expect("index"),
                f["cause"].as_str().expect("cause").to_owned(),
                f["detail"].as_str().expect("detail").to_owned(),
            )
        })
        .collect()
}

fn row(index: u64, cause: &str, detail: &str) -> (u64, String, String) {
    (index, cause.to_owned(), detail.to_owned())
}

#[test]
fn without_keys_tokens_are_judged_on_claims() {
    assert_eq!(
        verdicts(&[]),
        [
            row(0, "expired_token", "jwt_exp_passed"),
            row(1, "clock_skew", "nbf_in_future"),
            row(2, "expired_token", "jwt_exp_passed"),
        ]
    );
}

#[test]
fn with_jwks_other_key_and_unknown_kid_are_signature_invalid() {
    assert_eq!(
        verdicts(&["--jwks", JWKS]),
        [
            row(0, "invalid_token", "signature_invalid"),
            row(1, "invalid_token", "signature_invalid"),
            row(2, "expired_token", "jwt_exp_passed"),
        ]
    );
}

#[test]
fn signature_evidence_names_the_reason_and_the_claims_that_lost() {
    let (_, report) = analyze_json(&["--jwks", JWKS, HAR]);
    let findings = findings_of(&report, HAR);
    let evidence = |i: usize| -> Vec<String> {
        findings[i]["evidence"]
            .as_array()
            .expect("evidence array")
            .iter()
            .map(|e| e.as_str().expect("a sentence").to_owned())
            .collect()
    };
    let other_key = evidence(0);
    assert!(
        other_key.iter().any(|e| e.contains("does not verify")),
        "{other_key:?}"
    );
    assert!(
        other_key
            .iter()
            .any(|e| e.contains("also fired: expired_token/jwt_exp_passed")),
        "{other_key:?}"
    );
    let unknown_kid = evidence(1);
    assert!(
        unknown_kid.iter().any(|e| e.contains("kid key-9")),
        "{unknown_kid:?}"
    );
    assert_eq!(findings[0]["confidence"], "high");
}

#[test]
fn profile_jwks_checks_signatures_and_the_flag_replaces_it() {
    let profile = "tests/fixtures/jwks/profile.toml";
    assert_eq!(
        verdicts(&["--profile", profile]),
        verdicts(&["--jwks", JWKS])
    );
    // --jwks wins over the profile's jwks: with the other key's JWKS, entry 0 verifies (and
    // is judged on its claims) while the right key's token does not.
    assert_eq!(
        verdicts(&["--profile", profile, "--jwks", OTHER_JWKS]),
        [
            row(0, "expired_token", "jwt_exp_passed"),
            row(1, "invalid_token", "signature_invalid"),
            row(2, "invalid_token", "signature_invalid"),
        ]
    );
}
