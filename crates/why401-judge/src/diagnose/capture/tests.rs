//! A source judged as a whole: history across exchanges, look-ahead, sanitized exports.

use crate::diagnose::rules::test_support::*;

#[test]
fn capture_token_that_worked_then_failed_before_exp_was_revoked() {
    let token = jwt(&claims(NOW + 1800));
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get(API)
                .bearer(&token)
                .status(200)
                .date(NOW - 600)
                .client_at(NOW - 600)
                .done(),
            get(API)
                .bearer(&token)
                .challenge(r#"Bearer realm="Example API", error="invalid_token""#)
                .date(NOW)
                .client_at(NOW)
                .done(),
        ],
    );
    assert_eq!(judged.findings.len(), 1);
    let f = judged.at(1);
    assert_finding(f, Cause::InvalidToken, "token_revoked");
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("got 200 earlier (at 2024-03-08T14:13:45.000Z)")),
        "{:#?}",
        f.evidence
    );
}

#[test]
fn capture_personal_token_that_worked_then_failed_is_revoked_credentials() {
    let pat = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get("https://api.github.com/user")
                .header("Authorization", &format!("token {pat}"))
                .status(200)
                .date(NOW - 600)
                .done(),
            get("https://api.github.com/user")
                .header("Authorization", &format!("token {pat}"))
                .date(NOW)
                .done(),
        ],
    );
    let f = judged.at(1);
    assert_eq!(f.cause, Cause::RevokedCredentials, "{f:#?}");
    assert!(
        matches!(
            f.detail.as_str(),
            "credential_revoked" | "credentials_rejected"
        ),
        "{f:#?}"
    );
}

#[test]
fn capture_refused_client_linked_by_client_id() {
    let of_client = |client: &str, exp: i64| {
        jwt(
            &json!({"iss": "https://auth.example.com/", "aud": "https://api.example.com", "client_id": client, "scope": "read", "iat": exp - 3600, "exp": exp}),
        )
    };
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            req("POST", TOKEN_URL)
                .form("grant_type=client_credentials&client_id=app-1&client_secret=old-secret")
                .body(r#"{"error":"invalid_client"}"#)
                .date(NOW - 60)
                .done(),
            get(API)
                .bearer(&of_client("app-1", NOW + 1800))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
            get(API)
                .bearer(&of_client("app-2", NOW + 1800))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
            get(API)
                .bearer(&of_client("app-1", NOW - 1200))
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        ],
    );
    assert_finding(judged.at(0), Cause::RevokedCredentials, "client_refused");
    assert_finding(judged.at(1), Cause::RevokedCredentials, "client_refused");
    // Another client's token is not linked to the refusal.
    let other = judged.at(2);
    assert_ne!(other.detail, "client_refused", "{other:#?}");
    assert_finding(other, Cause::Unknown, "no_statement");
    // An earlier rule decides; the refusal is in the evidence.
    let expired = judged.at(3);
    assert_finding(expired, Cause::ExpiredToken, "jwt_exp_passed");
    assert!(
        expired
            .evidence
            .iter()
            .any(|e| e.contains("also fired: revoked_credentials/client_refused")),
        "{:#?}",
        expired.evidence
    );
}

#[test]
fn capture_a_refused_user_login_is_not_a_refused_client() {
    let token = jwt(
        &json!({"iss": "https://auth.example.com/", "aud": "https://api.example.com", "client_id": "web-app", "scope": "read", "iat": NOW - 600, "exp": NOW + 1800}),
    );
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            req("POST", TOKEN_URL)
                .form("grant_type=password&client_id=web-app&username=ada&password=hunter22")
                .body(r#"{"error":"invalid_grant","error_description":"Invalid user credentials"}"#)
                .date(NOW - 60)
                .done(),
            get(API)
                .bearer(&token)
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        ],
    );
    assert_finding(
        judged.at(0),
        Cause::RevokedCredentials,
        "credentials_rejected",
    );
    // Another user's token from the same client is not tied to that refusal.
    let later = judged.at(1);
    assert_ne!(later.detail, "client_refused", "{later:#?}");
    assert_finding(later, Cause::Unknown, "no_statement");
}

#[test]
fn capture_handshake_resolved_later() {
    let registry = "https://registry.example.com/v2/";
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get(registry)
                .challenge(r#"Bearer realm="https://auth.example.com/token",service="registry.example.com""#)
                .date(NOW)
                .done(),
            get("https://auth.example.com/token?service=registry.example.com")
                .status(200)
                .body(r#"{"token":"opaque-registry-token-123456","expires_in":300}"#)
                .date(NOW)
                .done(),
            get(registry)
                .bearer("opaque-registry-token-123456")
                .status(200)
                .date(NOW)
                .done(),
        ],
    );
    let f = judged.at(0);
    assert!(f.resolved_later, "{f:#?}");
    assert_finding(f, Cause::MissingAuthorization, "no_authorization");
}

#[test]
fn capture_refresh_and_retry_is_not_resolved_later() {
    let old = jwt(&claims(NOW - 1113));
    let new = jwt(&claims(NOW + 3600));
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get(API)
                .bearer(&old)
                .challenge(r#"Bearer realm="Example API", error="invalid_token", error_description="Token has expired""#)
                .date(NOW)
                .done(),
            req("POST", TOKEN_URL)
                .header("Authorization", "Basic YXBwLTE6czNjcjN0")
                .form("grant_type=refresh_token&refresh_token=rt-7f3a9c01d2e4")
                .status(200)
                .body(&json!({"access_token": new, "token_type": "Bearer", "expires_in": 3600}).to_string())
                .date(NOW + 1)
                .done(),
            get(API).bearer(&new).status(200).date(NOW + 2).done(),
        ],
    );
    assert_eq!(judged.findings.len(), 1);
    let f = judged.at(0);
    assert!(!f.resolved_later, "{f:#?}");
    assert_finding(f, Cause::ExpiredToken, "server_says_expired");
    assert!(
        f.evidence
            .iter()
            .any(|e| e.contains("the client retried") && e.contains("got 200")),
        "{:#?}",
        f.evidence
    );
}

/// A Chrome export: the same API area answered 200 and 401, and no request carries
/// `Authorization` or `Cookie` (Chrome 130+ deleted them).
fn chrome_export(challenge: &str) -> Judged {
    judge_capture(
        Format::Har,
        Some("WebInspector"),
        vec![
            get(API).status(200).date(NOW - 5).done(),
            get("https://api.example.com/v2/policies")
                .challenge(challenge)
                .date(NOW)
                .done(),
        ],
    )
}

#[test]
fn capture_chrome_sanitized_export() {
    let judged = chrome_export(BEARER_REALM);
    let f = judged.at(1);
    assert_finding(f, Cause::Unknown, "credential_redacted");
    assert!(
        judged.has_note("sanitized_export"),
        "{:?}",
        judged.stats.notes
    );
    assert!(!judged.has_note("possibly_sanitized"));
}

#[test]
fn capture_chrome_sanitized_export_with_an_expiry_statement() {
    let judged = chrome_export(
        r#"Bearer realm="Example API", error="invalid_token", error_description="Token has expired""#,
    );
    assert_finding(judged.at(1), Cause::ExpiredToken, "server_says_expired");
    assert!(judged.has_note("sanitized_export"));
}

#[test]
fn capture_chrome_export_without_a_sign_is_possibly_sanitized() {
    // Nothing shows credentials existed: the absence is real (rule 5), with a note.
    let judged = judge_capture(
        Format::Har,
        Some("WebInspector"),
        vec![
            get("https://www.example.com/").status(200).date(NOW).done(),
            get(API).challenge(BEARER_REALM).date(NOW).done(),
        ],
    );
    assert_finding(
        judged.at(1),
        Cause::MissingAuthorization,
        "no_authorization",
    );
    assert!(judged.has_note("possibly_sanitized"));
    assert!(!judged.has_note("sanitized_export"));
}

#[test]
fn capture_cors_preflight() {
    let judged = judge_capture(
        Format::Har,
        Some("Firefox"),
        vec![
            req("OPTIONS", API)
                .header("Origin", "https://portal.example.com")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .challenge(BEARER_REALM)
                .date(NOW)
                .done(),
        ],
    );
    let f = judged.at(0);
    assert_finding(f, Cause::MissingAuthorization, "cors_preflight");
    assert_eq!(f.confidence, Confidence::High);
}

#[test]
fn capture_authorization_dropped_on_a_cross_host_redirect() {
    let from = "https://api.example.com/v2/exports/7";
    let to = "https://files.example-cdn.net/exports/7.csv";
    let judged = judge_capture(
        Format::Curl,
        None,
        vec![
            get(from)
                .bearer(&jwt(&claims(NOW + 1800)))
                .status(302)
                .reply_header("Location", to)
                .date(NOW)
                .done(),
            get(to)
                .redirected_from(from)
                .challenge(r#"Bearer realm="files""#)
                .date(NOW)
                .done(),
        ],
    );
    let f = judged.at(1);
    assert_finding(f, Cause::MissingAuthorization, "dropped_on_redirect");
    assert!(
        f.evidence.iter().any(|e| e.contains(from)),
        "{:#?}",
        f.evidence
    );
}
