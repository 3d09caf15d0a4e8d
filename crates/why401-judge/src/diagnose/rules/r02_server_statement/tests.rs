//! Rule 2, and the pair of rule 2 with the rule after it.

use crate::diagnose::rules::test_support::*;

#[test]
fn rule2_server_statement_decides() {
    let d = judge(
        get(API)
            .bearer("8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f")
            .challenge(r#"Bearer realm="Example API", error="invalid_token", error_description="Token has expired""#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "2", Cause::ExpiredToken, "server_says_expired");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(
        &d,
        "WWW-Authenticate error_description says \"Token has expired\"",
    );
}

#[test]
fn rule2_expiry_statement_is_clock_skew_when_the_client_clock_is_behind() {
    // The server's Date is NOW; the client's clock read NOW-15m when it sent the request,
    // five minutes before exp by its own clock.
    let token = jwt(&claims(NOW - 300));
    let statement = r#"Bearer realm="Example API", error="invalid_token", error_description="Token has expired""#;
    let d = judge(
        get(API)
            .bearer(&token)
            .challenge(statement)
            .date(NOW)
            .client_at(NOW - 900)
            .done(),
    );
    assert_decided(&d, "2", Cause::ClockSkew, "client_clock_behind");
    assert_also_fired(&d, "8", Cause::ClockSkew, "client_clock_behind");
    assert_evidence_mentions(&d, "15m00s ahead");

    // The same statement with clocks that agree stays an expiry.
    let d = judge(
        get(API)
            .bearer(&token)
            .challenge(statement)
            .date(NOW)
            .client_at(NOW - 1)
            .done(),
    );
    assert_decided(&d, "2", Cause::ExpiredToken, "server_says_expired");
    assert_also_fired(&d, "8", Cause::ExpiredToken, "jwt_exp_passed");
}

#[test]
fn rule2_not_provided_statements_name_missing_authorization_whatever_the_code() {
    // Response pastes (the request is not recorded, so rule 5 cannot speak): the statement
    // alone decides, whatever code comes with it.
    let cases = [
        get(API).unrecorded().challenge(
            r#"Bearer realm="Example API", error="invalid_token", error_description="Bearer token not provided""#,
        ),
        get(API).unrecorded().body(
            r#"{"error":"invalid_request","error_description":"access_token parameter is required"}"#,
        ),
        get(API).unrecorded().body(
            r#"{"error":"insufficient_scope","error_description":"No access token provided"}"#,
        ),
        get(API)
            .unrecorded()
            .log("response_code_details", "jwt_authn_access_denied{Jwt_is_missing}"),
    ];
    for case in cases {
        let d = judge(case.date(NOW).done());
        assert_decided(&d, "2", Cause::MissingAuthorization, "no_authorization");
    }
    // A client credential not provided, said with `invalid_client`, at a token endpoint whose
    // body the capture does not show (rule 1 cannot see it).
    let d = judge(
        req("POST", "https://login.microsoftonline.com/contoso/oauth2/v2.0/token")
            .body_not_shown()
            .body(r#"{"error":"invalid_client","error_description":"AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.","error_codes":[7000218]}"#)
            .done(),
    );
    assert_decided(
        &d,
        "2",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
    assert_not_fired(&d, "3");
}

#[test]
fn rule2_not_provided_statement_takes_rule5s_more_telling_detail() {
    // "No access token provided" to a request that sent the token in `Authentication:`.
    let d = judge(
        get(API)
            .header(
                "Authentication",
                &format!("Bearer {}", jwt(&claims(NOW + 1800))),
            )
            .challenge(BEARER_REALM)
            .body(r#"{"error":"invalid_request","error_description":"No access token provided"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "2", Cause::MissingAuthorization, "wrong_header_name");
    assert_also_fired(&d, "5", Cause::MissingAuthorization, "wrong_header_name");
}

#[test]
fn rule2_text_decides_over_code() {
    let opaque = "8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f";
    // The code alone would decide insufficient_scope; the text says expired.
    let d = judge(
        get(API)
            .bearer(opaque)
            .body(r#"{"error":"insufficient_scope","error_description":"Token has expired"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "2", Cause::ExpiredToken, "server_says_expired");
    // The bare code would be ambiguous; the text names the scope.
    let d = judge(
        get(API)
            .bearer(opaque)
            .challenge(r#"Bearer realm="Example API", error="invalid_token", error_description="Token lacks required scope""#)
            .date(NOW)
            .done(),
    );
    assert_decided(
        &d,
        "2",
        Cause::InsufficientScope,
        "server_says_insufficient_scope",
    );
}

#[test]
fn rule2_statement_naming_several_causes_decides_nothing() {
    let d = judge(
        get(API)
            .bearer("8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f")
            .challenge(BEARER_REALM)
            .body(r#"{"error":"unauthorized","error_description":"The access token is invalid or has expired"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::Unknown, "ambiguous_statement");
    assert_not_fired(&d, "2");
}

#[test]
fn rule2_time_range_statement_expired() {
    let d = judge(aadsts700024(ENTRA_NOW, ENTRA_NOW - 2650, ENTRA_NOW - 2050));
    assert_decided(&d, "2", Cause::ExpiredToken, "server_says_expired");
    assert_eq!(d.confidence, Confidence::High);
    assert_evidence_mentions(&d, "34m10s");
}

#[test]
fn rule2_time_range_statement_not_yet_valid() {
    let d = judge(aadsts700024(ENTRA_NOW, ENTRA_NOW + 600, ENTRA_NOW + 1200));
    assert_decided(&d, "2", Cause::ClockSkew, "nbf_in_future");
    assert_evidence_mentions(&d, "10m00s");
}

#[test]
fn rule2_time_range_statement_inside_the_leeway_decides_nothing() {
    // Valid from 30 s after the stated time: inside the 60 s leeway. The server named expiry
    // or clock skew and neither is shown: unknown, never a refused credential.
    let d = judge(aadsts700024(ENTRA_NOW, ENTRA_NOW + 30, ENTRA_NOW + 630));
    assert_eq!(d.cause(), Cause::Unknown, "{d:#?}");
    assert!(
        matches!(d.detail.as_str(), "ambiguous_statement" | "within_leeway"),
        "{d:#?}"
    );
    assert_not_fired(&d, "2");
}

#[test]
fn pair_2_3_statement_beats_client_refused() {
    // The challenge says invalid_client (rule 3); the body's text says the secret expired.
    let d = judge(
        req("POST", TOKEN_URL)
            .header("Authorization", "Basic YXBwLTE6czNjcjN0")
            .form("grant_type=client_credentials")
            .challenge(r#"Basic realm="oauth", error="invalid_client""#)
            .body(r#"{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app '00000000-0000-0000-0000-000000000000' are expired."}"#)
            .done(),
    );
    assert_decided(&d, "2", Cause::RevokedCredentials, "client_secret_expired");
    assert_also_fired(&d, "3", Cause::RevokedCredentials, "client_refused");
}

#[test]
fn rule2_statement_against_the_claims_keeps_the_cause_at_medium_and_says_both_times() {
    // The server says expired while exp is 30 minutes after its own Date.
    let token = jwt(&claims(NOW + 1800));
    let d = judge(
        get(API)
            .bearer(&token)
            .challenge(
                r#"Bearer error="invalid_token", error_description="The access token expired""#,
            )
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "2", Cause::ExpiredToken, "server_says_expired");
    assert_eq!(d.confidence, Confidence::Medium);
    assert_evidence_mentions(&d, "contradicts the token's claims");
    assert_evidence_mentions(&d, "is 30m00s after the server's Date");
    let advice = d.facts.contradiction.as_deref().unwrap_or("");
    assert!(advice.contains("30m00s after"), "{advice}");
    assert!(advice.contains("validating server's clock"), "{advice}");

    // Within the leeway there is nothing to contradict.
    let near = jwt(&claims(NOW + 30));
    let d = judge(
        get(API)
            .bearer(&near)
            .challenge(
                r#"Bearer error="invalid_token", error_description="The access token expired""#,
            )
            .date(NOW)
            .done(),
    );
    assert_eq!(d.confidence, Confidence::High);
    assert_eq!(d.facts.contradiction, None);
}

#[test]
fn rule2_not_yet_valid_against_a_past_nbf_is_a_contradiction_too() {
    let token = jwt(&claims(NOW + 1800));
    let d = judge(
        get(API)
            .bearer(&token)
            .challenge(r#"Bearer error="invalid_token", error_description="token has invalid claims: token is not valid yet""#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "2", Cause::ClockSkew, "nbf_in_future");
    assert_eq!(d.confidence, Confidence::Medium);
    assert_evidence_mentions(&d, "contradicts the token's claims: nbf");
    assert_evidence_mentions(&d, "before the server's Date");
}

#[test]
fn rule2_a_text_naming_one_of_an_ambiguous_rows_causes_decides() {
    // "Token verification failed" alone leaves expiry or an invalid token open; the same text
    // going on to say the token is expired decides.
    let d = judge(
        get(API)
            .bearer("8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f")
            .body(r#"{"message":"Token verification failed: the token is expired"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "2", Cause::ExpiredToken, "server_says_expired");
    let alone = judge(
        get(API)
            .bearer("8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f")
            .body(r#"{"message":"Token verification failed"}"#)
            .date(NOW)
            .done(),
    );
    assert_ne!(alone.cause(), Cause::ExpiredToken);
}
