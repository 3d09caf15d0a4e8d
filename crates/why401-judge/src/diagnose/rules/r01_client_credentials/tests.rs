//! Rule 1, and the pair of rule 1 with the rule after it.

use crate::diagnose::rules::test_support::*;

#[test]
fn rule1_token_request_without_client_credentials() {
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=client_credentials&scope=read")
            .date(NOW)
            .done(),
    );
    assert_decided(
        &d,
        "1",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
    assert_eq!(d.confidence, Confidence::High);
}

#[test]
fn rule1_basic_og_is_always_empty() {
    // `Og==` is base64 of ":": an empty user and password.
    let d = judge(
        req("POST", TOKEN_URL)
            .header("Authorization", "Basic Og==")
            .form("grant_type=client_credentials")
            .challenge(r#"Basic realm="oauth""#)
            .done(),
    );
    assert_decided(
        &d,
        "1",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
    assert_also_fired(&d, "5", Cause::MissingAuthorization, "empty_credentials");
}

#[test]
fn rule1_not_when_an_exporter_removed_the_headers() {
    // A sanitized export deleted Authorization: the client may have sent Basic.
    let prior = Prior {
        sanitized: true,
        ..Prior::default()
    };
    let e = req("POST", TOKEN_URL)
        .form("grant_type=client_credentials&scope=read")
        .date(NOW)
        .done();
    let d = decide_in(&e, &plain(), &prior);
    assert_decided(&d, "4", Cause::Unknown, "credential_redacted");
    assert_not_fired(&d, "1");
}

#[test]
fn rule1_body_sent_but_not_shown_goes_on_to_rule3() {
    // curl -v shows `} [52 bytes data]`: the client_secret may be in it.
    let d = judge(
        req("POST", TOKEN_URL)
            .body_not_shown()
            .body(r#"{"error":"invalid_client"}"#)
            .done(),
    );
    assert_decided(&d, "3", Cause::RevokedCredentials, "client_refused");
    assert_not_fired(&d, "1");
}

#[test]
fn pair_1_2_missing_client_credentials_beat_the_statement() {
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=client_credentials&client_id=app-1")
            .body(r#"{"error":"invalid_client","error_description":"Invalid client secret"}"#)
            .done(),
    );
    assert_decided(
        &d,
        "1",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
    assert_also_fired(&d, "2", Cause::RevokedCredentials, "credentials_rejected");
}

#[test]
fn rule1_a_refused_user_login_is_not_missing_client_credentials() {
    // A password grant without client credentials (a public client) refused with a bare 401:
    // the user's name and password were refused, not the client's credentials.
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=password&username=ada%40example.org&password=hunter22&client_id=web-app")
            .date(NOW)
            .done(),
    );
    assert_eq!(
        (d.cause(), d.detail.as_str()),
        (Cause::RevokedCredentials, "credentials_rejected"),
        "{d:#?}"
    );
    assert_not_fired(&d, "1");
    assert_evidence_mentions(&d, "password");

    // The same login refused with a statement naming the user's credentials.
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=password&username=ada&password=hunter22")
            .body(r#"{"error":"invalid_grant","error_description":"Invalid user credentials"}"#)
            .done(),
    );
    assert_decided(&d, "2", Cause::RevokedCredentials, "credentials_rejected");
    assert_not_fired(&d, "1");

    // An ambiguous code (`invalid_grant`) leaves the refused password to decide.
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=password&username=ada&password=hunter22")
            .body(r#"{"error":"invalid_grant"}"#)
            .done(),
    );
    assert_eq!(
        (d.cause(), d.detail.as_str()),
        (Cause::RevokedCredentials, "credentials_rejected"),
        "{d:#?}"
    );
}

#[test]
fn rule1_a_user_login_still_misses_client_credentials_when_the_server_names_the_client() {
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=password&username=ada&password=hunter22&client_id=web-app")
            .body(r#"{"error":"invalid_client"}"#)
            .done(),
    );
    assert_decided(
        &d,
        "1",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
    // An empty password is no login: the client's missing credentials still decide.
    let d = judge(
        req("POST", TOKEN_URL)
            .form("grant_type=password&username=ada&password=")
            .done(),
    );
    assert_decided(
        &d,
        "1",
        Cause::MissingAuthorization,
        "client_credentials_missing",
    );
}
