//! Ticket text that reports no 401 must yield none: documentation quoting status lines,
//! metrics, source code, test logs, a knowledge-base article, and the look-alikes that are
//! other statuses (a registry 403, a proxy 407, a token endpoint's 400 `invalid_grant`).
//! Every file of `tests/fixtures/ticket-negatives/` is run through the real binary with
//! `-f json`.
//!
//! The ticket reader looks for statuses in free text; these files guard it against finding
//! them where none was reported.

mod common;

use serde_json::Value;

const NEGATIVES: &str = "tests/fixtures/ticket-negatives";

/// The negative files, as paths relative to the repository root.
fn negatives() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(common::root().join(NEGATIVES))
        .expect("negatives folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .map(|name| format!("{NEGATIVES}/{name}"))
        .collect();
    files.sort();
    files
}

/// The 401s a report holds, described for a failure message.
fn unauthorized(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == 401)
        .map(|f| format!("{} {} ({})", f["location"], f["url"], f["cause"]))
        .collect()
}

#[test]
fn the_negatives_cover_every_shape() {
    let files = negatives();
    assert!(files.len() >= 10, "{files:?}");
    for file in &files {
        assert!(common::root().join(file).is_file(), "{file}");
    }
}

#[test]
fn ticket_text_without_a_401_response_yields_none() {
    let mut problems = Vec::new();
    for file in negatives() {
        let (status, report) = common::analyze_json(&[&file]);
        let found = unauthorized(&report);
        if !found.is_empty() {
            problems.push(format!("{file}: {found:?}"));
        }
        if report["summary"]["unauthorized"] != 0 {
            problems.push(format!(
                "{file}: summary.unauthorized is {}",
                report["summary"]["unauthorized"]
            ));
        }
        // 1 is "a 401 found"; 0 or, for a file no reader claims, 2 are both fine here.
        if status == 1 {
            problems.push(format!("{file}: exit status 1 (a 401 found)"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A paste that names no host says so in the text report, and an inferred 401 is counted
/// apart in the header.
#[test]
fn text_report_names_an_unknown_host_and_counts_inferred_401s() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("challenge.txt");
    std::fs::write(
        &path,
        "The gateway only printed this:\nBearer realm=\"api\", error=\"invalid_token\", error_description=\"The access token expired\"\n",
    )
    .unwrap();
    let output = assert_cmd::Command::cargo_bin("why401")
        .unwrap()
        .args(["analyze", "--no-progress", "--color", "never"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("1 unauthorized (401), 1 inferred"), "{text}");
    assert!(text.contains("host unknown"), "{text}");
    assert!(text.contains("expired_token"), "{text}");
}

/// The findings of `text` read as one ticket, as JSON.
fn ticket_findings(text: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "ticket.txt", text.as_bytes());
    let (_, report) = common::analyze_json(&[path.to_str().unwrap()]);
    report["findings"].as_array().expect("findings").clone()
}

#[test]
fn a_help_link_is_not_the_failed_request() {
    let findings = ticket_findings(
        "npm error code E401\nnpm error Incorrect or missing password.\nnpm error Please try again, or recover your password at:\nnpm error   https://accounts.example.com/forgot\n",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    let url = findings[0]["url"].as_str().unwrap_or("");
    assert!(
        !url.contains("forgot"),
        "the help link became the request: {url}"
    );
}

#[test]
fn a_server_answer_quoted_inside_a_wrapper_is_read() {
    let findings = ticket_findings(
        "I got this when I hit the url:\n{\"success\":false,\"status_code\":401,\"message\":\"{\\n \\\"error\\\": \\\"invalid_grant\\\"\\n}\",\"data\":[]}\n",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    let evidence = findings[0]["evidence"].to_string();
    assert!(
        evidence.contains("message.error says \\\"invalid_grant\\\""),
        "{evidence}"
    );
}

#[test]
fn a_log_line_joined_to_a_response_is_named_a_log_line() {
    let findings = ticket_findings(
        "2024-05-02T10:00:01Z ERROR auth: token verification failed: token is expired\n2024-05-02T10:00:01Z INFO GET /v1/me 401 3.2 ms\n",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    let evidence = findings[0]["evidence"].to_string();
    assert!(!evidence.contains("log log"), "{evidence}");
}

#[test]
fn a_url_inside_the_servers_words_is_not_the_failed_request() {
    let findings = ticket_findings(
        "sdk.AuthenticationError: Error code: 401 - {'error': {'message': 'Invalid API key. Create one at https://console.example.com/keys', 'code': 'invalid_api_key'}}\n",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    let url = findings[0]["url"].as_str().unwrap_or("");
    assert!(!url.contains("console.example.com"), "{url}");
    let evidence = findings[0]["evidence"].to_string();
    assert!(
        evidence.contains("Error code: 401"),
        "the status was scrubbed: {evidence}"
    );
}

#[test]
fn a_request_pasted_in_its_own_block_is_the_responses_request() {
    // "Request:" and "Response:" blocks, the second one Markdown-quoted as a whole.
    for text in [
        "Request:\nGET /v1/me HTTP/1.1\nHost: api.example.com\nAuthorization: Bearer abc.def\n\nResponse:\nHTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer error=\"invalid_token\"\n",
        "### Request:\n> GET /v1/me HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer abc.def\n\n### Response:\n> HTTP/1.1 401 Unauthorized\n> WWW-Authenticate: Bearer error=\"invalid_token\"\n",
    ] {
        let findings = ticket_findings(text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0]["method"], "GET", "{text}");
        assert_eq!(findings[0]["url"], "//api.example.com/v1/me", "{text}");
        assert_eq!(
            findings[0]["credential"]["header"], "Authorization",
            "{text}"
        );
    }
}

#[test]
fn an_exception_and_the_request_pasted_under_it_are_one_401() {
    let findings = ticket_findings(
        "> java.lang.Exception: Token request failed: HttpResponseException: 401 Unauthorized\n> GET https://idp.example.com/adfs/userinfo/\n\n### Request:\n> GET https://idp.example.com/adfs/userinfo/ HTTP/1.1\n> Authorization: Bearer <...>\n\n### Response:\n> HTTP/1.1 401 Unauthorized\n> WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"ID4037: The key needed to verify the signature could not be resolved\"\n",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["method"], "GET");
    assert_eq!(findings[0]["detail"], "signature_invalid", "{findings:?}");
}

#[test]
fn aspnet_core_logs_name_the_request_and_the_handlers_verdict() {
    let log = |middle: &str| {
        format!(
            "info: Microsoft.AspNetCore.Hosting.Diagnostics[1]\n      Request starting HTTP/1.1 GET https://localhost:7138/me - - -\n{middle}info: Microsoft.AspNetCore.Hosting.Diagnostics[2]\n      Request finished HTTP/1.1 GET https://localhost:7138/me - 401 0 - 12.3456ms\n"
        )
    };
    let none = ticket_findings(&log(
        "dbug: Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler[9]\n      AuthenticationScheme: Bearer was not authenticated.\n",
    ));
    assert_eq!(none.len(), 1, "{none:?}");
    assert_eq!(none[0]["url"], "https://localhost:7138/me");
    assert_eq!(none[0]["detail"], "no_authorization", "{none:?}");
    // The logger's `dbug:` line is not a header of the logged request.
    assert_eq!(none[0]["credential"]["kind"], "not_recorded", "{none:?}");

    let expired = ticket_findings(&log(
        "info: Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler[1]\n      Failed to validate the token.\n      Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException: IDX10223: Lifetime validation failed. The token is expired.\n",
    ));
    assert_eq!(expired.len(), 1, "{expired:?}");
    assert_eq!(expired[0]["detail"], "server_says_expired");
    // The quote is the line that said it, not the first line of the block.
    let evidence = expired[0]["evidence"].to_string();
    assert!(evidence.contains("IDX10223"), "{evidence}");
}

#[test]
fn serilog_request_logging_lines_are_records() {
    let findings = ticket_findings(
        "[10:00:01 INF] HTTP GET /api/orders responded 401 in 12.3456 ms\n[10:00:02 INF] HTTP GET /api/health responded 200 in 1.0000 ms\n",
    );
    let unauthorized: Vec<&Value> = findings.iter().filter(|f| f["status"] == 401).collect();
    assert_eq!(unauthorized.len(), 1, "{findings:?}");
    assert_eq!(unauthorized[0]["url"], "/api/orders");
}

#[test]
fn a_long_log_line_is_quoted_where_it_states_the_cause() {
    let findings = ticket_findings(
        "error: You must be logged in to the server (Unauthorized)\n\nThe kube-apiserver logs:\nE0722 11:41:09.420668       1 authentication.go:53] Unable to authenticate the request due to an error: [invalid bearer token, oidc: verify token: oidc: token is expired (Token Expiry: 2022-07-22 11:40:27 +0000 UTC)]\n",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["cause"], "expired_token");
    let evidence = findings[0]["evidence"].to_string();
    assert!(evidence.contains("token is expired"), "{evidence}");
}

#[test]
fn a_pasted_error_line_ending_in_json_is_read_as_ticket_text() {
    // Ends with a JSON object, so it first looks like a prefixed JSON log line.
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "paste.txt",
        b"unexpected status code 401: {\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}\n",
    );
    let (_, report) = common::analyze_json(&[path.to_str().unwrap()]);
    assert_eq!(report["inputs"][0]["format"], "ticket", "{report}");
    assert_eq!(report["summary"]["unauthorized"], 1, "{report}");
}

#[test]
fn pip_reports_the_url_it_was_refused() {
    let findings = ticket_findings(
        "ERROR: HTTP error 401 while getting https://pypi.example.com/simple/pkg/\n",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["url"], "https://pypi.example.com/simple/pkg/");
}

#[test]
fn a_client_library_failing_to_fetch_a_token_reports_the_token_endpoints_answer() {
    let findings = ticket_findings(
        "rpc error: code = Unauthenticated desc = transport: per-RPC creds failed due to error: oauth2: cannot fetch token: 401 Unauthorized\nResponse: {\"error\":\"invalid_client\"}\n",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    // Read as the token endpoint's answer: the client itself was refused.
    assert_eq!(findings[0]["detail"], "client_refused", "{findings:?}");
    let evidence = findings[0]["evidence"].to_string();
    assert!(evidence.contains("invalid_client"), "{evidence}");
}

#[test]
fn a_shell_variable_in_a_pasted_command_is_not_fingerprinted_as_the_credential() {
    for text in [
        "$ curl -i -H \"Authorization: Bearer $TOKEN\" https://api.example.com/v1/me\nHTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer realm=\"api\"\n",
        "PS C:\\> Invoke-RestMethod -Uri https://api.example.com/v1/me -Headers @{Authorization = \"Bearer $token\"}\nInvoke-RestMethod : The remote server returned an error: (401) Unauthorized.\n",
    ] {
        let findings = ticket_findings(text);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0]["credential"]["kind"], "not_recorded", "{text}");
        assert_eq!(
            findings[0]["credential"]["fingerprint"],
            Value::Null,
            "{text}"
        );
    }
}

#[test]
fn a_request_and_an_arrow_to_its_status_is_one_401_each() {
    let findings = ticket_findings(
        "2024-06-03T09:12:01.114Z ERROR [req-7f3a] POST /v2/payments -> 401 (token expired)\n2024-06-03T09:12:01.530Z INFO  [req-7f3b] POST /v2/payments -> 201\n2024-06-03T09:14:22.908Z ERROR [req-8c11] GET /v2/payments/123 -> 401 (invalid signature)\n",
    );
    let unauthorized: Vec<&Value> = findings.iter().filter(|f| f["status"] == 401).collect();
    assert_eq!(unauthorized.len(), 2, "{findings:?}");
    assert_eq!(unauthorized[0]["url"], "/v2/payments");
    assert_eq!(unauthorized[0]["cause"], "expired_token");
    assert_eq!(unauthorized[1]["detail"], "signature_invalid");
}

#[test]
fn a_rails_log_names_the_request_started_above_its_status() {
    let findings = ticket_findings(
        "Started GET \"/api/v1/me\" for 127.0.0.1 at 2024-05-01 10:00:00 +0000\nProcessing by Api::V1::MeController#show as JSON\nFilter chain halted as :authenticate_user! rendered or redirected\nCompleted 401 Unauthorized in 3ms (ActiveRecord: 0.0ms | Allocations: 412)\n",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["method"], "GET");
    assert_eq!(findings[0]["url"], "/api/v1/me");
}

#[test]
fn a_vault_error_names_its_status_and_it_is_no_401() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "vault.txt",
        b"Error making API request.\n\nURL: GET https://vault.example.com/v1/secret/data/app\nCode: 403. Errors:\n\n* permission denied\n",
    );
    let (status, report) = common::analyze_json(&[path.to_str().unwrap()]);
    // A 403 was reported: read, not refused, and not a 401.
    assert_eq!(status, 0, "{report}");
    assert_eq!(report["summary"]["exchanges"], 1, "{report}");
    assert_eq!(report["summary"]["unauthorized"], 0, "{report}");
}

#[test]
fn an_azure_sdk_authentication_error_is_a_401() {
    let findings = ticket_findings(
        "azure.core.exceptions.ClientAuthenticationError: (InvalidAuthenticationTokenTenant) The access token is from the wrong issuer 'https://sts.windows.net/aaaa/'.\nCode: InvalidAuthenticationTokenTenant\n",
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["detail"], "wrong_environment", "{findings:?}");
}
