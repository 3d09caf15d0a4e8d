//! Rule 12, and the pair of rule 12 with the rule after it.

use crate::diagnose::rules::test_support::*;

#[test]
fn a_refused_login_form_or_basic_login_is_credentials_rejected() {
    let d = judge(
        req("POST", "https://app.example.net/login")
            .form("username=ada&password=hunter22")
            .done(),
    );
    assert_eq!(
        (d.cause(), d.detail.as_str()),
        (Cause::RevokedCredentials, "credentials_rejected"),
        "{d:#?}"
    );
    // Basic (user:password) at a login endpoint.
    let d = judge(
        req("POST", "https://app.example.net/api/login")
            .header("Authorization", "Basic YWRhOmh1bnRlcjIy")
            .challenge(r#"Basic realm="app""#)
            .done(),
    );
    assert_eq!(
        (d.cause(), d.detail.as_str()),
        (Cause::RevokedCredentials, "credentials_rejected"),
        "{d:#?}"
    );
}

#[test]
fn rule12_ambiguous_statement_ruled_out_by_passing_claims() {
    let token = jwt(&claims(NOW + 1800));
    let bodies = [
        r#"{"error_description":"The access token is invalid or has expired"}"#,
        r#"{"message":"Invalid or expired token"}"#,
    ];
    for body in bodies {
        let d = judge(
            get(API)
                .bearer(&token)
                .challenge(BEARER_REALM)
                .body(body)
                .date(NOW)
                .done(),
        );
        assert_decided(&d, "12", Cause::InvalidToken, "token_rejected");
        assert_eq!(d.confidence, Confidence::Medium);
    }
    // Bare `error="invalid_token"`.
    let d = judge(
        get(API)
            .bearer(&token)
            .challenge(r#"Bearer realm="Example API", error="invalid_token""#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::InvalidToken, "token_rejected");
}

#[test]
fn rule12_reference_api_body_with_passing_claims_is_token_rejected() {
    // When a message has both a code and a text the table knows, the text decides;
    // the text names expired_token or invalid_token, and the claims pass.
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW + 1800)))
            .challenge(BEARER_REALM)
            .body(r#"{"error": "unauthorized", "error_description": "The access token is invalid or has expired", "error_code": "E-AUTH-001", "timestamp": "2024-03-08T14:23:45Z", "request_id": "req_7f3a9c01d2"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::InvalidToken, "token_rejected");
}

#[test]
fn rule12_long_lived_credential_refused() {
    let cases = [
        get(API)
            .header("X-API-Key", "k_5a8e0c2f7b1d4e6a9c3f")
            .body(r#"{"message":"Unauthorized"}"#),
        get(API)
            .header("Authorization", "Basic YWxpY2U6aHVudGVyMg==")
            .challenge(r#"Basic realm="Example API""#),
    ];
    for case in cases {
        let d = judge(case.date(NOW).done());
        assert_decided(&d, "12", Cause::RevokedCredentials, "credentials_rejected");
    }
}

#[test]
fn rule12_challenge_without_error_and_no_credential_shown() {
    // A response paste: a challenge without `error` is the server saying the request lacked
    // authentication (RFC 6750 section 3.1).
    let d = judge(
        get(API)
            .unrecorded()
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::MissingAuthorization, "no_authorization");
    assert_eq!(d.confidence, Confidence::Medium);
    assert_not_fired(&d, "5");
}

#[test]
fn rule12_challenge_without_error_but_a_statement_about_the_token_decides_nothing() {
    let d = judge(
        get(API)
            .unrecorded()
            .challenge(BEARER_REALM)
            .body(r#"{"error_description": "The access token is invalid or has expired"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::Unknown, "credential_not_recorded");
}

#[test]
fn rule12_unknown_credential_not_recorded() {
    // Nothing shows the credential and the challenge names an error the evidence cannot
    // judge: unknown, saying what is missing.
    let d = judge(get(API).unrecorded().date(NOW).done());
    assert_decided(&d, "12", Cause::Unknown, "credential_not_recorded");
    assert_not_fired(&d, "5");
}

#[test]
fn rule12_unknown_no_server_time() {
    let d = judge(
        get(API)
            .bearer(&jwt(&claims(NOW - 1113)))
            .challenge(BEARER_REALM)
            .done(),
    );
    assert_decided(&d, "12", Cause::Unknown, "no_server_time");
    assert_not_fired(&d, "8");
}

#[test]
fn rule12_unknown_ambiguous_statement() {
    // An opaque token: nothing rules out expiry.
    let d = judge(
        get(API)
            .bearer("8f2a9c0d4e6b1a3f5c7e9d0b2a4c6e8f")
            .challenge(BEARER_REALM)
            .body(r#"{"message":"Invalid or expired token"}"#)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "12", Cause::Unknown, "ambiguous_statement");
    assert_evidence_mentions(&d, "Invalid or expired token");
}

#[test]
fn masked_signature_whose_claims_pass_is_credential_redacted() {
    for mask in SIGNATURE_MASKS {
        let d = judge(
            get(API)
                .bearer(&mask_signature(&jwt(&claims(NOW + 1800)), mask))
                .challenge(r#"Bearer realm="Example API", error="invalid_token""#)
                .date(NOW)
                .done(),
        );
        assert_decided(&d, "12", Cause::Unknown, "credential_redacted");
        assert_eq!(d.confidence, Confidence::Low);
        assert_evidence_mentions(&d, "signature was masked in the capture");
        assert_not_fired(&d, "4");
        assert_not_fired(&d, "6");
    }
}

#[test]
fn cut_or_unsigned_tokens_are_not_masked_signatures() {
    let token = jwt(&claims(NOW - 1800));
    let (head, signature) = token.rsplit_once('.').unwrap();
    let d = judge(
        get(API)
            .bearer(&format!("{head}.{}", &signature[..300]))
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "6", Cause::InvalidToken, "token_truncated");
    let (header, payload) = head.split_once('.').unwrap();
    let unsigned = format!("{}.{payload}.", b64(&json!({"alg": "none"})));
    let d = judge(
        get(API)
            .bearer(&unsigned)
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "7", Cause::InvalidToken, "alg_none");
    // Whitespace inside the payload is copy-paste damage, mask or not.
    let spaced = format!("{header}.{} {}.xxxxx", &payload[..8], &payload[8..]);
    let d = judge(
        get(API)
            .bearer(&spaced)
            .challenge(BEARER_REALM)
            .date(NOW)
            .done(),
    );
    assert_decided(&d, "6", Cause::InvalidToken, "token_has_whitespace");
}
