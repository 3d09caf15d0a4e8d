//! Real `WWW-Authenticate` values, each with where it comes from in
//! `../shared/reference/` (rfc-notes.md, provider-messages.md, formats.md, reference-api.md).

use super::*;

/// Parses `value` and checks the schemes (`""` for none) and a few parameters of each.
fn check(value: &str, want: &[(&str, &[(&str, &str)])]) {
    let got = parse(value);
    let schemes: Vec<&str> = got
        .iter()
        .map(|c| c.scheme.as_deref().unwrap_or(""))
        .collect();
    let want_schemes: Vec<&str> = want.iter().map(|(s, _)| *s).collect();
    assert_eq!(schemes, want_schemes, "schemes of {value}");
    for (challenge, (_, params)) in got.iter().zip(want) {
        for (name, expected) in *params {
            assert_eq!(
                challenge.param(name),
                Some(*expected),
                "param {name} of {value}"
            );
        }
    }
}

// --- RFC examples (rfc-notes.md) ---

#[test]
fn rfc6750_bare_realm() {
    check(
        r#"Bearer realm="example""#,
        &[("Bearer", &[("realm", "example")])],
    );
    assert_eq!(parse(r#"Bearer realm="example""#)[0].error(), None);
}

#[test]
fn rfc6750_error_folded_over_lines() {
    let value = "Bearer realm=\"example\",\n                  error=\"invalid_token\",\n                  error_description=\"The access token expired\"";
    check(
        value,
        &[(
            "Bearer",
            &[
                ("realm", "example"),
                ("error", "invalid_token"),
                ("error_description", "The access token expired"),
            ],
        )],
    );
}

#[test]
fn rfc9110_two_challenges_in_one_header_with_escapes() {
    let value = r#"Basic realm="simple", Newauth realm="apps", type=1, title="Login to \"apps\"""#;
    check(
        value,
        &[
            ("Basic", &[("realm", "simple")]),
            (
                "Newauth",
                &[
                    ("realm", "apps"),
                    ("type", "1"),
                    ("title", r#"Login to "apps""#),
                ],
            ),
        ],
    );
}

#[test]
fn rfc9449_bearer_without_params_then_dpop() {
    let got = parse(r#"Bearer, DPoP algs="ES256 PS256""#);
    check(
        r#"Bearer, DPoP algs="ES256 PS256""#,
        &[("Bearer", &[]), ("DPoP", &[("algs", "ES256 PS256")])],
    );
    assert!(got[0].params.is_empty() && got[0].token68.is_none());
}

#[test]
fn rfc9449_dpop_no_credentials() {
    check(
        r#"DPoP algs="ES256 PS256""#,
        &[("DPoP", &[("algs", "ES256 PS256")])],
    );
}

#[test]
fn rfc9449_dpop_invalid_key_binding() {
    check(
        r#"DPoP error="invalid_token", error_description="Invalid DPoP key binding", algs="ES256""#,
        &[(
            "DPoP",
            &[
                ("error", "invalid_token"),
                ("error_description", "Invalid DPoP key binding"),
                ("algs", "ES256"),
            ],
        )],
    );
}

#[test]
fn rfc9449_dpop_nonce_required() {
    check(
        r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#,
        &[("DPoP", &[("error", "use_dpop_nonce")])],
    );
}

// --- Providers (provider-messages.md) ---

#[test]
fn aws_http_api_params_without_commas() {
    let value = r#"Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience""#;
    check(
        value,
        &[(
            "Bearer",
            &[
                ("scope", ""),
                ("error", "invalid_token"),
                (
                    "error_description",
                    "the token does not have a valid audience",
                ),
            ],
        )],
    );
}

#[test]
fn cognito_userinfo_without_scheme() {
    let value = r#"error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out.""#;
    let got = parse(value);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].scheme, None);
    assert_eq!(got[0].error(), Some("invalid_token"));
    assert_eq!(
        got[0].error_description(),
        Some("Access token is expired, disabled, or deleted, or the user has globally signed out.")
    );
    assert_eq!(got[0].summary().scheme, "");
}

#[test]
fn microsoft_graph_challenge_without_error() {
    let value = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#;
    check(
        value,
        &[(
            "Bearer",
            &[
                ("realm", ""),
                (
                    "authorization_uri",
                    "https://login.microsoftonline.com/common/oauth2/authorize",
                ),
                ("client_id", "00000003-0000-0000-c000-000000000000"),
            ],
        )],
    );
    assert_eq!(parse(value)[0].error(), None);
}

#[test]
fn okta_userinfo() {
    let value = r#"Bearer authorization_uri="https://dev-1.okta.com/oauth2/default/v1/authorize", realm="https://dev-1.okta.com/oauth2/default", scope="openid", error="invalid_token", error_description="The access token is invalid.""#;
    check(
        value,
        &[(
            "Bearer",
            &[
                ("realm", "https://dev-1.okta.com/oauth2/default"),
                ("scope", "openid"),
                ("error", "invalid_token"),
                ("error_description", "The access token is invalid."),
            ],
        )],
    );
}

#[test]
fn keycloak_userinfo() {
    check(
        r#"Bearer realm="master", error="invalid_token", error_description="Token verification failed""#,
        &[(
            "Bearer",
            &[
                ("realm", "master"),
                ("error_description", "Token verification failed"),
            ],
        )],
    );
}

#[test]
fn google_insufficient_scope_with_scope_list() {
    let value = r#"Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/drive https://www.googleapis.com/auth/drive.file""#;
    let got = parse(value);
    check(value, &[("Bearer", &[("error", "insufficient_scope")])]);
    assert_eq!(
        got[0].scope(),
        Some(vec![
            "https://www.googleapis.com/auth/drive".to_owned(),
            "https://www.googleapis.com/auth/drive.file".to_owned()
        ])
    );
}

#[test]
fn google_invalid_token() {
    check(
        r#"Bearer realm="https://accounts.google.com/", error="invalid_token""#,
        &[(
            "Bearer",
            &[
                ("realm", "https://accounts.google.com/"),
                ("error", "invalid_token"),
            ],
        )],
    );
}

#[test]
fn docker_registry_no_spaces_and_comma_inside_scope() {
    let value = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#;
    check(
        value,
        &[(
            "Bearer",
            &[
                ("realm", "https://auth.docker.io/token"),
                ("service", "registry.docker.io"),
                ("scope", "repository:samalba/my-app:pull,push"),
            ],
        )],
    );
}

#[test]
fn docker_registry_insufficient_scope() {
    let value = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push",error="insufficient_scope""#;
    check(
        value,
        &[(
            "Bearer",
            &[
                ("scope", "repository:samalba/my-app:pull,push"),
                ("error", "insufficient_scope"),
            ],
        )],
    );
}

#[test]
fn docker_registry_invalid_token() {
    let value = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",error="invalid_token""#;
    check(value, &[("Bearer", &[("error", "invalid_token")])]);
}

#[test]
fn spring_security_error_uri() {
    let value = r#"Bearer error="invalid_token", error_description="An error occurred while attempting to decode the Jwt: Jwt expired at 2023-05-04T10:00:00Z", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1""#;
    let got = parse(value);
    assert_eq!(
        got[0].error_description(),
        Some(
            "An error occurred while attempting to decode the Jwt: Jwt expired at 2023-05-04T10:00:00Z"
        )
    );
    assert_eq!(
        got[0].error_uri(),
        Some("https://tools.ietf.org/html/rfc6750#section-3.1")
    );
}

#[test]
fn spring_security_bare_bearer() {
    let got = parse("Bearer");
    assert_eq!(got.len(), 1);
    assert!(got[0].is_scheme("bearer"));
    assert!(got[0].params.is_empty());
}

#[test]
fn spring_security_insufficient_scope() {
    check(
        r#"Bearer error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1""#,
        &[(
            "Bearer",
            &[
                ("error", "insufficient_scope"),
                (
                    "error_description",
                    "The request requires higher privileges than provided by the access token.",
                ),
            ],
        )],
    );
}

#[test]
fn aspnet_token_expired_at() {
    check(
        r#"Bearer error="invalid_token", error_description="The token expired at '06/14/2024 16:01:30'""#,
        &[(
            "Bearer",
            &[(
                "error_description",
                "The token expired at '06/14/2024 16:01:30'",
            )],
        )],
    );
}

#[test]
fn aspnet_audience_invalid() {
    check(
        r#"Bearer error="invalid_token", error_description="The audience 'api://default' is invalid""#,
        &[(
            "Bearer",
            &[(
                "error_description",
                "The audience 'api://default' is invalid",
            )],
        )],
    );
}

#[test]
fn envoy_jwt_missing_realm_is_request_url() {
    check(
        r#"Bearer realm="https://api.example.com/v2/devices""#,
        &[("Bearer", &[("realm", "https://api.example.com/v2/devices")])],
    );
}

// --- The reference API (reference-api.md) and captures (formats.md) ---

#[test]
fn reference_api_challenges() {
    check(
        r#"Bearer realm="Example API""#,
        &[("Bearer", &[("realm", "Example API")])],
    );
    check(
        r#"Bearer error="invalid_token""#,
        &[("Bearer", &[("error", "invalid_token")])],
    );
    check(
        r#"Bearer error="invalid_token", error_description="Token has expired""#,
        &[("Bearer", &[("error_description", "Token has expired")])],
    );
    check(
        r#"Bearer error="invalid_token", error_description="Token signature verification failed""#,
        &[(
            "Bearer",
            &[("error_description", "Token signature verification failed")],
        )],
    );
    check(
        r#"Bearer error="insufficient_scope", error_description="Token lacks required scope""#,
        &[("Bearer", &[("error", "insufficient_scope")])],
    );
}

#[test]
fn curl_h2_lowercase_header() {
    let headers: Headers = [(
        "www-authenticate",
        r#"Bearer error="invalid_token", error_description="The token expired at '06/02/2025 09:55:00'""#,
    )]
    .into_iter()
    .collect();
    let got = from_headers(&headers);
    assert_eq!(
        got[0].error_description(),
        Some("The token expired at '06/02/2025 09:55:00'")
    );
}

#[test]
fn caddy_go_canonical_header_name() {
    // formats.md: Caddy logs `"Www-Authenticate":["Bearer error=\"invalid_token\""]`.
    let headers: Headers = [("Www-Authenticate", r#"Bearer error="invalid_token""#)]
        .into_iter()
        .collect();
    assert_eq!(from_headers(&headers)[0].error(), Some("invalid_token"));
}

// --- Shapes: repeated headers, token68, case, commas ---

#[test]
fn repeated_headers_negotiate_and_ntlm_are_one_list() {
    let headers: Headers = [
        ("WWW-Authenticate", "Negotiate"),
        ("WWW-Authenticate", "NTLM"),
        ("WWW-Authenticate", r#"Basic realm="corp""#),
    ]
    .into_iter()
    .collect();
    let got = from_headers(&headers);
    let schemes: Vec<_> = got.iter().map(|c| c.scheme.clone().unwrap()).collect();
    assert_eq!(schemes, ["Negotiate", "NTLM", "Basic"]);
}

#[test]
fn token68_with_and_without_padding() {
    let got = parse(
        "Negotiate oYG0MIGxoAMKAQChCwYJKoZIgvcSAQICooGcBIGZYIGWBgkqhkiG9xIBAgICAG+BhjCBg6ADAgEFoQMCAQ+idzB1oAMCARKibgRs==",
    );
    assert_eq!(got.len(), 1);
    assert!(got[0].token68.as_deref().unwrap().ends_with("RKibgRs=="));
    assert!(got[0].params.is_empty());
    let ntlm = parse("NTLM TlRMTVNTUAACAAAADAAMADAAAAA1goni");
    assert_eq!(
        ntlm[0].token68.as_deref(),
        Some("TlRMTVNTUAACAAAADAAMADAAAAA1goni")
    );
    let padded = parse("Custom abc=, Basic realm=\"x\"");
    assert_eq!(padded[0].token68.as_deref(), Some("abc="));
    assert_eq!(padded[1].realm(), Some("x"));
}

#[test]
fn digest_rfc7616_with_comma_inside_qop() {
    let value = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
    check(
        value,
        &[(
            "Digest",
            &[
                ("realm", "http-auth@example.org"),
                ("qop", "auth, auth-int"),
                ("algorithm", "SHA-256"),
            ],
        )],
    );
}

#[test]
fn names_are_case_insensitive_and_stored_lower_case() {
    let got = parse(r#"BEARER Realm="x", ERROR="invalid_token""#);
    assert!(got[0].is_scheme("Bearer"));
    assert_eq!(got[0].scheme.as_deref(), Some("BEARER"));
    assert_eq!(got[0].params[0].0, "realm");
    assert_eq!(got[0].error(), Some("invalid_token"));
    assert_eq!(
        got[0].summary().params.keys().collect::<Vec<_>>(),
        ["error", "realm"]
    );
}

#[test]
fn comma_after_scheme_keeps_params_on_it() {
    check(
        r#"Bearer, realm="api", error="invalid_token""#,
        &[("Bearer", &[("realm", "api"), ("error", "invalid_token")])],
    );
}

#[test]
fn several_challenges_separated_by_spaces_only() {
    check(
        r#"Bearer realm="a" error="invalid_token" Basic realm="b""#,
        &[
            ("Bearer", &[("realm", "a"), ("error", "invalid_token")]),
            ("Basic", &[("realm", "b")]),
        ],
    );
}

#[test]
fn empty_elements_unterminated_quotes_and_garbage_do_not_panic() {
    check(
        r#",, Bearer ,, realm="x",,"#,
        &[("Bearer", &[("realm", "x")])],
    );
    let open = parse(r#"Bearer error_description="cut here"#);
    assert_eq!(open[0].error_description(), Some("cut here"));
    for text in ["", "=", "\"", "==,,=", "a=\"\\", "Bearer =x", "\\"] {
        let _ = parse(text);
    }
    assert!(parse("").is_empty());
}

#[test]
fn unquoted_token_values() {
    check(
        "Bearer error=invalid_token, realm=api",
        &[("Bearer", &[("error", "invalid_token"), ("realm", "api")])],
    );
}

#[test]
fn http_scheme_registry() {
    assert!(is_http_auth_scheme("bearer"));
    assert!(is_http_auth_scheme("NTLM"));
    assert!(is_http_auth_scheme("DPoP"));
    assert!(!is_http_auth_scheme("FormBased"));
    assert!(!is_http_auth_scheme("xBasic"));
}
