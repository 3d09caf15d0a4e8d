use super::*;

fn text(t: &str) -> StatementMatch {
    classify_statement(None, Some(t)).unwrap_or_else(|| panic!("no row for {t:?}"))
}

fn names(t: &str) -> (Cause, &'static str) {
    let m = text(t);
    (
        m.verdict
            .cause()
            .unwrap_or_else(|| panic!("{t:?} is {m:?}")),
        m.detail,
    )
}

fn is_ambiguous(m: &StatementMatch) -> bool {
    matches!(m.verdict, Verdict::Ambiguous { .. })
}

#[test]
fn the_embedded_table_parses_without_errors() {
    assert_eq!(table_errors(), &[] as &[String]);
    assert!(
        table().text_rows.len() >= 100,
        "{}",
        table().text_rows.len()
    );
    assert!(table().code_rows.len() >= 35, "{}", table().code_rows.len());
}

#[test]
fn every_row_with_a_status_infers_it_from_its_example() {
    let table = table();
    let mut with_status = 0;
    for row in &table.text_rows {
        let inferred = inferred_status(row.example).map(|s| s.status);
        match row.status {
            Some(status) => {
                with_status += 1;
                assert_eq!(inferred, Some(status), "line {}", row.line);
            }
            None => assert_eq!(inferred, None, "line {}: a row without a status", row.line),
        }
    }
    for row in &table.code_rows {
        let inferred = inferred_status_code(row.example).map(|s| s.status);
        assert_eq!(inferred, row.status, "line {}", row.line);
    }
    assert!(with_status >= 40, "{with_status}");
}

#[test]
fn inferred_statuses_name_their_row() {
    let found = inferred_status(r#"{"msg":"Missing Authorization Header"}"#).unwrap();
    assert_eq!(found.status, 401);
    assert!(found.source.starts_with("Flask-JWT-Extended"), "{found:?}");
    assert_eq!(
        found.matched.verdict,
        Verdict::Cause(Cause::MissingAuthorization)
    );
    // Flask-JWT-Extended answers an invalid token with 422: never a 401.
    let found = inferred_status(r#"{"msg":"Signature verification failed"}"#).unwrap();
    assert_eq!(found.status, 422);
    assert_eq!(found.matched.detail, "signature_invalid");
    // A wording many servers share implies nothing.
    assert_eq!(inferred_status("Token has expired"), None);
    assert_eq!(inferred_status("Unauthorized"), None);
    assert_eq!(inferred_status(""), None);
    // The code alone: invalid_client at a token endpoint is a 401.
    let found = inferred_status_code(" invalid_client ").unwrap();
    assert_eq!(
        (found.status, found.matched.verdict),
        (401, Verdict::ClientRefused)
    );
    assert_eq!(inferred_status_code("invalid_token"), None);
    assert_eq!(
        inferred_status_code("FST_JWT_BAD_REQUEST").map(|s| s.status),
        Some(400)
    );
    // A wrapper line takes the handler's status while the inner code decides the cause.
    let line = "AuthenticationScheme: Bearer was not authenticated. Failure message: IDX10223: Lifetime validation failed. The token is expired.";
    assert_eq!(inferred_status(line).map(|s| s.status), Some(401));
    assert_eq!(names(line), (Cause::ExpiredToken, "server_says_expired"));
}

#[test]
fn framework_and_gateway_wordings() {
    for (statement, cause, detail) in [
        (
            r#"{"detail":"Invalid token."}"#,
            Cause::RevokedCredentials,
            "credentials_rejected",
        ),
        (
            r#"{"detail":"Invalid token header. Token string should not contain spaces."}"#,
            Cause::InvalidToken,
            "token_has_whitespace",
        ),
        (
            r#"{"detail":"Invalid token header. No credentials provided."}"#,
            Cause::MissingAuthorization,
            "empty_credentials",
        ),
        (
            "NotBeforeError: jwt not active",
            Cause::ClockSkew,
            "nbf_in_future",
        ),
        (
            "Jwt used before 2026-01-01T00:00:00Z",
            Cause::ClockSkew,
            "nbf_in_future",
        ),
        (
            "IDX10206: Unable to validate audience.",
            Cause::InvalidToken,
            "claim_invalid",
        ),
        (
            "IDX10205: Issuer validation failed.",
            Cause::InvalidToken,
            "wrong_environment",
        ),
        (
            "IDX10511: Signature validation failed.",
            Cause::InvalidToken,
            "signature_invalid",
        ),
        (
            r#"{"code":"PGRST303","message":"JWT issued at future"}"#,
            Cause::ClockSkew,
            "iat_in_future",
        ),
        (
            r#"{"code":"PGRST303","message":"JWT expired"}"#,
            Cause::ExpiredToken,
            "server_says_expired",
        ),
        ("token is not valid yet", Cause::ClockSkew, "nbf_in_future"),
        (
            "service account token has been invalidated",
            Cause::InvalidToken,
            "token_revoked",
        ),
        ("user token not found", Cause::InvalidToken, "token_revoked"),
        (
            r#"{"message":"Invalid API Key provided: sk_live_****abcd"}"#,
            Cause::RevokedCredentials,
            "credentials_rejected",
        ),
        (
            "Full authentication is required to access this resource",
            Cause::MissingAuthorization,
            "no_authorization",
        ),
        (
            "Access to https://wiki.example.net/ (method GET) is not authorized to user <anonymous>, responding with status code 401",
            Cause::MissingAuthorization,
            "no_authorization",
        ),
    ] {
        assert_eq!(names(statement), (cause, detail), "{statement:?}");
    }
    // Words that name several causes stay undecided.
    for statement in [
        "Token is invalid or expired",
        r#"{"detail":"Given token not valid for any token type","code":"token_not_valid"}"#,
        "remote: HTTP Basic: Access denied",
        r#"{"detail":"Could not validate credentials"}"#,
    ] {
        assert!(is_ambiguous(&text(statement)), "{statement:?}");
    }
    // simplejwt's envelope with its inner message: the inner message decides.
    let body = r#"{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is expired"}]}"#;
    assert_eq!(names(body), (Cause::ExpiredToken, "server_says_expired"));
}

#[test]
fn the_status_column_is_optional_and_checked() {
    let source = "text\texpired_token\tserver_says_expired\tjwt expired\tjwt expired\tsrc\t401\n\
                  text\texpired_token\tserver_says_expired\tgone\tgone\tsrc\t-\n\
                  text\texpired_token\tserver_says_expired\tlapsed\tlapsed\tsrc\n\
                  text\texpired_token\tserver_says_expired\tx\tx\tsrc\t4O1\n\
                  text\texpired_token\tserver_says_expired\ty\ty\tsrc\t99\n";
    let table = Table::parse(source);
    assert_eq!(table.errors.len(), 2, "{:?}", table.errors);
    let statuses: Vec<Option<u16>> = table.text_rows.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![Some(401), None, None]);
}

#[test]
fn malformed_rows_are_reported_and_skipped() {
    let source = "text\texpired_token\tserver_says_expired\t(unclosed\tx\tsrc\n\
                  text\tnot_a_cause\tx\tfine\tfine\tsrc\n\
                  text\texpired_token\tserver_says_expired\n\
                  code\tambiguous:expired_token\tambiguous_statement\tx\tx\tsrc\n\
                  text\texpired_token\tserver_says_expired\tjwt expired\tjwt expired\tsrc\n";
    let table = Table::parse(source);
    assert_eq!(table.errors.len(), 4, "{:?}", table.errors);
    assert_eq!(table.text_rows.len(), 1);
    assert!(table.text_set.is_match("JWT EXPIRED"));
}

#[test]
fn every_row_matches_its_own_example_and_the_best_match_agrees() {
    let table = table();
    for row in table.text_rows.iter().chain(&table.code_rows) {
        let wrapped = match row.field {
            Field::Text => row.pattern.to_string(),
            Field::Code => format!("^(?:{})$", row.pattern),
        };
        let re = single_regex(&wrapped).expect("compiles");
        assert!(
            re.is_match(row.example),
            "line {}: example does not match",
            row.line
        );
        let best = match row.field {
            Field::Text => best_text_match(row.example),
            Field::Code => classify_code(row.example),
        }
        .expect("a match");
        assert_eq!(
            (best.verdict, best.detail),
            (row.verdict, row.detail),
            "line {}: an earlier row ({}) reads the example differently",
            row.line,
            best.pattern
        );
    }
}

#[test]
fn every_detail_is_known_and_fits_its_verdict() {
    for (m, example) in table_rows() {
        let detail = crate::details::cause_of(m.detail);
        assert!(detail.is_some(), "{example}: {}", m.detail);
        match m.verdict {
            Verdict::Cause(cause) => assert_eq!(detail, Some(cause), "{example}"),
            Verdict::Ambiguous { candidates } => {
                assert_eq!(m.detail, "ambiguous_statement", "{example}");
                assert!(candidates.len() >= 2);
            }
            Verdict::ClientRefused => assert_eq!(m.detail, "client_refused"),
            Verdict::TimeRange => assert_eq!(m.detail, "ambiguous_statement"),
        }
    }
}

#[test]
fn the_text_decides_over_the_code() {
    let m = classify_statement(Some("invalid_token"), Some("Token has expired")).unwrap();
    assert_eq!(m.verdict, Verdict::Cause(Cause::ExpiredToken));
    assert_eq!(m.field, Field::Text);
    let m = classify_statement(
        Some("invalid_client"),
        Some("AADSTS7000215: Invalid client secret is provided."),
    )
    .unwrap();
    assert_eq!(m.verdict, Verdict::Cause(Cause::RevokedCredentials));
    assert_eq!(m.detail, "credentials_rejected");
    let m = classify_statement(Some("invalid_grant"), Some("Token is not active")).unwrap();
    assert_eq!(m.verdict, Verdict::Cause(Cause::ExpiredToken));
    // A text the table does not know leaves the code to decide.
    let m = classify_statement(Some("insufficient_scope"), Some("Nope.")).unwrap();
    assert_eq!(m.verdict, Verdict::Cause(Cause::InsufficientScope));
    assert_eq!(m.field, Field::Code);
    let m = classify_statement(Some("invalid_client"), Some("")).unwrap();
    assert_eq!(m.verdict, Verdict::ClientRefused);
    assert_eq!(classify_statement(None, None), None);
    assert_eq!(
        classify_statement(Some("teapot"), Some("short and stout")),
        None
    );
}

#[test]
fn not_provided_statements_name_missing_authorization_whatever_the_code() {
    let cases = [
        (
            "Authentication failed, no credentials provided",
            "no_authorization",
        ),
        (
            "jwt_authn_access_denied{Jwt_is_missing}",
            "no_authorization",
        ),
        ("Jwt is missing", "no_authorization"),
        ("No authorization token was found", "no_authorization"),
        ("jwt must be provided", "no_authorization"),
        ("No API key found in request", "no_authorization"),
        ("Requires authentication", "no_authorization"),
        ("No access token provided", "no_authorization"),
        ("missing authorization header", "no_authorization"),
        ("Bearer token not provided", "no_authorization"),
        ("The access_token parameter is required", "no_authorization"),
        ("Missing parameter: access_token", "no_authorization"),
        ("client_secret is missing", "client_credentials_missing"),
        (
            "Missing required parameter: client_assertion",
            "client_credentials_missing",
        ),
        (
            "AADSTS7000218: The request body must contain the following parameter: \
             'client_assertion' or 'client_secret'.",
            "client_credentials_missing",
        ),
    ];
    for code in [
        None,
        Some("invalid_token"),
        Some("invalid_client"),
        Some("invalid_request"),
    ] {
        for (statement, detail) in cases {
            let m = classify_statement(code, Some(statement))
                .unwrap_or_else(|| panic!("no row for {statement:?}"));
            assert_eq!(
                (m.verdict, m.detail),
                (Verdict::Cause(Cause::MissingAuthorization), detail),
                "{statement:?} with {code:?}"
            );
        }
    }
}

#[test]
fn a_missing_claim_or_scope_is_not_a_missing_credential() {
    for statement in [
        "Token is missing the \"exp\" claim",
        "IDX10225: Lifetime validation failed. The token is missing an Expiration Time.",
        "AADSTS90016: The access token isn't valid. The required claim is missing.",
        "The token has no expiration",
        "Token lacks required scope",
        "missing scope: devices:read",
        "Invalid token provided",
        "AADSTS7000215: Invalid client secret is provided.",
    ] {
        let m = text(statement);
        assert_ne!(
            m.verdict,
            Verdict::Cause(Cause::MissingAuthorization),
            "{statement:?}"
        );
    }
}

#[test]
fn statements_naming_several_causes_are_ambiguous() {
    for statement in [
        "The access token is invalid or has expired",
        "Invalid or expired token",
        "Unauthorized",
        "401 Unauthorized",
        "Access token has expired or is not yet valid.",
        "Token has been expired or revoked.",
        "Authentication failed, attempted: bearer",
        "Access token is expired, disabled, or deleted, or the user has globally signed out.",
        "Request had invalid authentication credentials. Expected OAuth 2 access token",
        "Invalid or missing API key",
        "invalid token",
        "The access token is invalid.",
    ] {
        assert!(
            is_ambiguous(&text(statement)),
            "{statement:?}: {:?}",
            text(statement)
        );
    }
    let bare = classify_statement(Some("invalid_token"), None).unwrap();
    let Verdict::Ambiguous { candidates } = bare.verdict else {
        panic!("{bare:?}")
    };
    assert!(candidates.contains(Cause::ExpiredToken));
    assert!(candidates.contains(Cause::InvalidToken));
    assert!(!candidates.contains(Cause::MissingAuthorization));
    // Ruling causes out leaves one.
    let left = candidates
        .without(Cause::ExpiredToken)
        .without(Cause::ClockSkew);
    assert_eq!(left.single(), Some(Cause::InvalidToken));
}

#[test]
fn the_reference_api_wordings() {
    assert_eq!(
        names("Token has expired"),
        (Cause::ExpiredToken, "server_says_expired")
    );
    assert_eq!(
        names("Token signature verification failed"),
        (Cause::InvalidToken, "signature_invalid")
    );
    assert_eq!(
        names("Token lacks required scope"),
        (Cause::InsufficientScope, "server_says_insufficient_scope")
    );
    let Verdict::Ambiguous { candidates } =
        text("The access token is invalid or has expired").verdict
    else {
        panic!()
    };
    assert_eq!(
        candidates,
        CauseSet::of(&[Cause::ExpiredToken, Cause::InvalidToken])
    );
    assert!(is_ambiguous(&classify_code("unauthorized").unwrap()));
    assert!(is_ambiguous(
        &classify_code("authentication_failed").unwrap()
    ));
}

#[test]
fn the_verdicts_on_long_lived_credentials() {
    assert_eq!(
        names("AADSTS7000222: The provided client secret keys for app 'x' are expired."),
        (Cause::RevokedCredentials, "client_secret_expired")
    );
    assert_eq!(
        names("The client secret has expired"),
        (Cause::RevokedCredentials, "client_secret_expired")
    );
    assert_eq!(
        names("Refresh token has expired"),
        (Cause::ExpiredToken, "server_says_expired")
    );
    assert_eq!(
        names("API key expired"),
        (Cause::ExpiredToken, "server_says_expired")
    );
    assert_eq!(
        names("Session expired"),
        (Cause::ExpiredToken, "server_says_expired")
    );
    assert_eq!(
        names("Access Token has been revoked"),
        (Cause::InvalidToken, "token_revoked")
    );
    assert_eq!(
        names("Refresh token has been revoked"),
        (Cause::RevokedCredentials, "refresh_grant_revoked")
    );
    assert_eq!(
        names("This personal access token was revoked"),
        (Cause::RevokedCredentials, "credential_revoked")
    );
    assert_eq!(
        names("The client application has been suspended"),
        (Cause::RevokedCredentials, "credential_revoked")
    );
    assert_eq!(
        names(
            r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#
        ),
        (Cause::RevokedCredentials, "credentials_rejected")
    );
    assert_eq!(
        names("Invalid authentication credentials"),
        (Cause::RevokedCredentials, "credentials_rejected")
    );
}

#[test]
fn client_refusals_are_left_to_the_decision() {
    for code in [
        "invalid_client",
        "INVALID_CLIENT",
        "unauthorized_client",
        " \"invalid_client\" ",
    ] {
        assert_eq!(
            classify_code(code).unwrap().verdict,
            Verdict::ClientRefused,
            "{code}"
        );
    }
    assert_eq!(
        text(
            "Client authentication failed. Either the client or the client credentials are invalid."
        )
        .verdict,
        Verdict::ClientRefused
    );
    assert_eq!(
        Verdict::ClientRefused.candidates(),
        CauseSet::of(&[Cause::MissingAuthorization, Cause::RevokedCredentials])
    );
}

#[test]
fn envoy_kubernetes_and_aws_gateway_wordings() {
    assert_eq!(
        names("jwt_authn_access_denied{Jwt_is_expired}"),
        (Cause::ExpiredToken, "server_says_expired")
    );
    assert_eq!(
        names("Jwt is expired"),
        (Cause::ExpiredToken, "server_says_expired")
    );
    assert_eq!(
        names("jwt_authn_access_denied{Jwt_verification_fails}"),
        (Cause::InvalidToken, "signature_invalid")
    );
    assert_eq!(
        names("jwt_authn_access_denied{Jwks_doesn't_have_key_to_match_kid_or_alg_from_Jwt}"),
        (Cause::InvalidToken, "signature_invalid")
    );
    assert_eq!(
        names("Jwt not yet valid"),
        (Cause::ClockSkew, "nbf_in_future")
    );
    assert_eq!(
        names("jwt_authn_access_denied{Audiences_in_Jwt_are_not_allowed}"),
        (Cause::InvalidToken, "wrong_environment")
    );
    assert_eq!(
        names("Authentication failed, no credentials provided"),
        (Cause::MissingAuthorization, "no_authorization")
    );
    assert!(is_ambiguous(&text(
        "Authentication failed, attempted: basic"
    )));
    assert_eq!(
        names(r#"{"message":"The incoming token has expired"}"#),
        (Cause::ExpiredToken, "server_says_expired")
    );
    assert!(is_ambiguous(&text(r#"{"message":"Unauthorized"}"#)));
    let missing = text(r#"{"message":"Missing Authentication Token"}"#);
    let Verdict::Ambiguous { candidates } = missing.verdict else {
        panic!("{missing:?}")
    };
    assert!(
        candidates.contains(Cause::MissingAuthorization) && candidates.contains(Cause::Unknown)
    );
    assert_eq!(
        names("the token does not have a valid audience"),
        (Cause::InvalidToken, "wrong_environment")
    );
    assert_eq!(
        names(
            "Signature expired: 20160610T180547Z is now earlier than 20160610T180612Z (20160610T181112Z - 5 min.)"
        ),
        (Cause::ClockSkew, "client_clock_behind")
    );
}

#[test]
fn entra_codes_beat_the_wording_around_them() {
    // AADSTS70043's text says "expired or is invalid"; the code decides.
    assert_eq!(
        names(
            "AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks"
        ),
        (Cause::ExpiredToken, "server_says_expired")
    );
    // AADSTS70002 wraps AADSTS50012: the time range decides.
    let m = text(
        "AADSTS70002: Error validating credentials. AADSTS50012: Client assertion is not within its valid time range.",
    );
    assert_eq!(m.verdict, Verdict::TimeRange);
    // AADSTS700082 is not AADSTS70008.
    assert_eq!(
        text("AADSTS700082: The refresh token has expired").pattern,
        r"\bAADSTS700082\b"
    );
}

#[test]
fn codes_match_whole_and_case_insensitively() {
    assert!(is_ambiguous(&classify_code("INVALID_TOKEN").unwrap()));
    assert_eq!(classify_code("invalid_token_extra"), None);
    assert_eq!(classify_code(""), None);
    assert_eq!(
        classify_code("com.amazonaws.cognito#NotAuthorizedException").map(|m| is_ambiguous(&m)),
        Some(true)
    );
    assert_eq!(
        classify_code("use_dpop_nonce").map(|m| (m.verdict, m.detail)),
        Some((Verdict::Cause(Cause::Unknown), "dpop_nonce_required"))
    );
}

#[test]
fn classify_text_lists_every_matching_row_best_first() {
    let all = classify_text("Token has expired");
    assert!(all.len() >= 2, "{all:?}");
    assert!(
        all[0].source.starts_with("reference-api.md"),
        "{:?}",
        all[0]
    );
    assert!(all[1..].iter().any(|m| m.source.starts_with("RFC 6750")));
    let all = classify_text("The access token is invalid or has expired");
    assert!(is_ambiguous(&all[0]) && all.len() >= 2, "{all:?}");
    assert!(classify_text("").is_empty());
    assert!(classify_text("all good").is_empty());
}

#[test]
fn long_texts_are_cut_on_a_character_boundary() {
    let mut long = "é".repeat(MAX_TEXT_BYTES);
    long.push_str(" jwt expired");
    assert_eq!(head(&long).len() % 2, 0);
    assert!(head(&long).len() <= MAX_TEXT_BYTES);
    assert_eq!(classify_statement(None, Some(&long)), None);
    let early = format!("jwt expired {}", "x".repeat(10 * MAX_TEXT_BYTES));
    assert_eq!(names(&early).0, Cause::ExpiredToken);
}

#[test]
fn cause_sets() {
    let set = CauseSet::of(&[Cause::ClockSkew, Cause::ExpiredToken]);
    assert_eq!(set.len(), 2);
    assert_eq!(
        set.iter().collect::<Vec<_>>(),
        vec![Cause::ExpiredToken, Cause::ClockSkew]
    );
    assert_eq!(format!("{set:?}"), r#"{"expired_token", "clock_skew"}"#);
    assert!(
        set.without(Cause::ExpiredToken)
            .without(Cause::ClockSkew)
            .is_empty()
    );
    assert_eq!(set.single(), None);
    assert_eq!(Verdict::TimeRange.candidates(), set);
}

#[test]
fn an_ambiguous_reading_is_narrowed_only_by_words_outside_it() {
    let narrowed = |t: &str| classify_text_narrowed(t).expect("a row matches");
    let expiry = narrowed("Token verification failed: the token is expired");
    assert_eq!(expiry.verdict, Verdict::Cause(Cause::ExpiredToken));
    // "has expired" belongs to the ambiguous words themselves.
    assert!(is_ambiguous(&narrowed(
        "The access token is invalid or has expired"
    )));
    assert!(is_ambiguous(&narrowed("Token verification failed")));
    // A later row naming a cause the ambiguous row does not leave open never narrows it.
    assert!(is_ambiguous(&narrowed(
        "Token verification failed; insufficient scope"
    )));
}

#[test]
fn the_words_a_text_row_matched_are_found_in_the_text() {
    let text = "E0722 authentication.go:53] Unable to authenticate the request due to an error: [invalid bearer token, oidc: verify token: oidc: token is expired]";
    let m = classify_text_narrowed(text).expect("a row matches");
    let range = words_in(&m, text).expect("the words are found");
    assert!(text[range].to_ascii_lowercase().contains("expired"));
}
