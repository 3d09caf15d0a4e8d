//! Rule 3, and the pair of rule 3 with the rule after it.

use crate::diagnose::rules::test_support::*;

#[test]
fn rule3_client_refused_at_the_token_endpoint() {
    let d = judge(
        req("POST", TOKEN_URL)
            .header("Authorization", "Basic YXBwLTE6czNjcjN0")
            .form("grant_type=client_credentials")
            .body(r#"{"error":"invalid_client"}"#)
            .done(),
    );
    assert_decided(&d, "3", Cause::RevokedCredentials, "client_refused");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(&d, "invalid_client");
}

#[test]
fn pair_3_4_client_refused_beats_redacted_client_credentials() {
    let d = judge(
        req("POST", TOKEN_URL)
            .header("Authorization", "Basic [REDACTED]")
            .form("grant_type=client_credentials")
            .body(r#"{"error":"invalid_client"}"#)
            .done(),
    );
    assert_decided(&d, "3", Cause::RevokedCredentials, "client_refused");
    assert_also_fired(&d, "4", Cause::Unknown, "credential_redacted");
    assert_not_fired(&d, "1");
}
