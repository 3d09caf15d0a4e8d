//! curl transcripts through the binary: exchange and 401 counts, each 401's index,
//! location, method and URL, for every curl generation and the bundled samples.

use std::io::Write;

use assert_cmd::Command;
use serde_json::Value;

/// Runs `why401 analyze -f json ARGS...` and returns the exit status and the report.
fn analyze(args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("why401")
        .unwrap()
        .args(["analyze", "-f", "json", "--no-progress"])
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "no JSON report ({err}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), report)
}

/// One expected 401: index, location, method, URL.
type Unauthorized<'a> = (u64, &'a str, &'a str, &'a str);

/// Checks one input's format and counts and the exact list of its 401 findings.
fn check(path: &str, format: &str, exchanges: u64, want: &[Unauthorized]) {
    let (status, report) = analyze(&[path]);
    let input = &report["inputs"][0];
    assert_eq!(input["source"], path);
    assert_eq!(input["format"], format, "{path}");
    assert_eq!(input["exchanges"], exchanges, "{path}");
    assert_eq!(input["unauthorized"], want.len() as u64, "{path}");
    assert_eq!(input["errors_total"], 0, "{path}: {}", input["errors"]);
    let found: Vec<(u64, String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == 401)
        .map(|f| {
            assert_eq!(f["source"], path);
            (
                f["index"].as_u64().unwrap(),
                f["location"].as_str().unwrap().to_owned(),
                f["method"].as_str().unwrap().to_owned(),
                f["url"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: Vec<(u64, String, String, String)> = want
        .iter()
        .map(|(i, l, m, u)| (*i, l.to_string(), m.to_string(), u.to_string()))
        .collect();
    assert_eq!(found, want, "{path}");
    assert_eq!(status, if want.is_empty() { 0 } else { 1 }, "{path}");
}

#[test]
fn curl7_http1_crlf_with_100_continue() {
    check(
        "tests/fixtures/curl/v7-http1-crlf.txt",
        "curl",
        2,
        &[(
            0,
            "line 38",
            "POST",
            "https://api.example.com/v2/devices/dev_42/actions",
        )],
    );
}

#[test]
fn curl788_h2h3_lines() {
    check(
        "tests/fixtures/curl/v7.88-h2h3.txt",
        "curl",
        3,
        &[(0, "line 43", "GET", "https://api.example.com/v2/policies")],
    );
}

#[test]
fn curl8_http2_bracket_lines() {
    check(
        "tests/fixtures/curl/v8-http2.txt",
        "curl",
        1,
        &[(
            0,
            "line 31",
            "GET",
            "https://api.example.com/v2/logs/audit?since=2024-03-08",
        )],
    );
}

#[test]
fn trace_ascii_with_info_prefix() {
    check(
        "tests/fixtures/curl/trace-ascii-info.txt",
        "curl",
        2,
        &[(
            1,
            "line 53",
            "GET",
            "https://api.example.com/v2/devices?limit=50",
        )],
    );
}

#[test]
fn trace_ascii_with_star_prefix_time_and_ids() {
    check(
        "tests/fixtures/curl/trace-ascii-star.txt",
        "curl",
        1,
        &[(
            0,
            "line 14",
            "PUT",
            "https://api.example.com/v2/policies/pol_7",
        )],
    );
}

#[test]
fn trace_hex() {
    check(
        "tests/fixtures/curl/trace-hex.txt",
        "curl",
        2,
        &[(
            1,
            "line 74",
            "DELETE",
            "https://api.example.com/v2/organizations/org_1234",
        )],
    );
}

#[test]
fn digest_pair_is_two_exchanges() {
    check(
        "tests/fixtures/curl/digest.txt",
        "curl",
        2,
        &[(0, "line 4", "GET", "http://legacy.example.com/v1/report")],
    );
}

#[test]
fn proxy_connect_is_not_an_exchange() {
    check(
        "tests/fixtures/curl/proxy-connect.txt",
        "curl",
        1,
        &[(0, "line 60", "GET", "https://api.example.com/v2/devices")],
    );
}

#[test]
fn cross_host_redirect_hops() {
    check(
        "tests/fixtures/curl/redirect-cross-host.txt",
        "curl",
        2,
        &[(1, "line 75", "GET", "https://api-eu.example.net/v2/devices")],
    );
}

#[test]
fn request_without_response_is_not_an_exchange() {
    check(
        "tests/fixtures/curl/no-response-retry.txt",
        "curl",
        1,
        &[(0, "line 47", "GET", "https://api.example.com/v2/devices")],
    );
}

#[test]
fn invalid_utf8_is_read() {
    check(
        "tests/fixtures/curl/invalid-utf8.txt",
        "curl",
        1,
        &[(0, "line 3", "GET", "https://api.example.com/v2/devices")],
    );
}

#[test]
fn samples() {
    check(
        "samples/curl-v-http1.txt",
        "curl",
        4,
        &[(0, "line 39", "GET", "https://api.example.com/v2/devices")],
    );
    check(
        "samples/curl-v-http2-redirect.txt",
        "curl",
        4,
        &[(
            3,
            "line 159",
            "GET",
            "https://api.example.com/v2/logs/audit",
        )],
    );
    check(
        "samples/curl-trace-ascii.txt",
        "curl",
        5,
        &[(1, "line 61", "GET", "https://api.example.com/v2/devices")],
    );
}

#[test]
fn time_of_day_is_not_a_timestamp_but_date_is() {
    let (_, report) = analyze(&["tests/fixtures/curl/trace-ascii-star.txt"]);
    // --trace-time has no date: the finding's time is the server's Date header.
    assert_eq!(report["findings"][0]["time"], "2024-03-08T14:40:00.000Z");
}

#[test]
fn fifty_megabyte_line_is_a_record_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge-line.txt");
    let transcript = std::fs::read("tests/fixtures/curl/v7-http1-crlf.txt").unwrap();
    let lines_before = transcript.iter().filter(|&&b| b == b'\n').count();
    {
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(&transcript).unwrap();
        let chunk = vec![b'A'; 1024 * 1024];
        for _ in 0..50 {
            file.write_all(&chunk).unwrap();
        }
        file.write_all(b"\n").unwrap();
        file.write_all(&transcript).unwrap();
    }
    let path = path.to_str().unwrap();
    let (status, report) = analyze(&[path]);
    assert_eq!(status, 1);
    assert_eq!(report["inputs"][0]["format"], "curl");
    let input = &report["inputs"][0];
    assert_eq!(input["exchanges"], 4);
    assert_eq!(input["unauthorized"], 2);
    assert_eq!(input["errors_total"], 1);
    let error = &input["errors"][0];
    assert_eq!(error["location"], format!("line {}", lines_before + 1));
    assert!(error["message"].as_str().unwrap().contains("longer than"));
    let locations: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"].as_str().unwrap())
        .collect();
    assert_eq!(
        locations,
        vec![
            "line 38".to_string(),
            format!("line {}", lines_before + 1 + 38)
        ]
    );
}

#[test]
fn binary_garbage_and_empty_input() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.bin");
    let bytes: Vec<u8> = (0..65536u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&garbage, &bytes).unwrap();
    let garbage = garbage.to_str().unwrap();
    // Named explicitly and matching no format: the input fails with a clear message.
    let (status, report) = analyze(&[garbage]);
    assert_eq!(status, 2);
    assert_eq!(report["inputs"][0]["format"], "text");
    // Forced to be read as curl: no exchange, an error saying why, exit 2, no crash.
    let (status, report) = analyze(&["--input-format", "curl", garbage]);
    assert_eq!(status, 2);
    let input = &report["inputs"][0];
    assert_eq!(input["exchanges"], 0);
    assert!(
        input["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("binary")
    );

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let (status, report) = analyze(&["--input-format", "curl", empty.to_str().unwrap()]);
    assert_eq!(status, 0);
    assert_eq!(report["inputs"][0]["exchanges"], 0);
}

// --- pastes around the transcript --------------------------------------------------------

/// Writes `text` to a file in `dir` and analyzes it with `extra` arguments.
fn analyze_text(dir: &tempfile::TempDir, name: &str, text: &str, extra: &[&str]) -> (i32, Value) {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    analyze(&[extra, &[path.to_str().unwrap()]].concat())
}

fn only_finding(report: &Value) -> &Value {
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    &findings[0]
}

/// `curl -v URL 2>&1`: the body comes after the transcript, after `{ [N bytes data]` and the
/// connection's end, and it is the last response's body.
const BODY_AFTER_TRANSCRIPT: &str = "\
* Connected to api.quillon.test (198.51.100.4) port 443 (#0)
> GET /v3/ledgers HTTP/2
> Host: api.quillon.test
> Authorization: Bearer q7Hc2LmX9pRt4VwZ8sKd3NfJ
>
< HTTP/2 401
< content-type: text/plain
<
{ [16 bytes data]
* Connection #0 to host api.quillon.test left intact
Token is expired
Can you tell me why this fails? It worked yesterday.
";

#[test]
fn a_body_printed_after_the_transcript_is_the_last_response_body() {
    let dir = tempfile::tempdir().unwrap();
    let (status, report) = analyze_text(&dir, "after.txt", BODY_AFTER_TRANSCRIPT, &[]);
    assert_eq!(status, 1);
    let finding = only_finding(&report);
    assert_eq!(finding["cause"], "expired_token", "{finding}");
    // The announced 16 bytes bound the body: the question after it is not the server's.
    let explained = Command::cargo_bin("why401")
        .unwrap()
        .args(["analyze", "--no-progress", "--explain", "1"])
        .arg(dir.path().join("after.txt"))
        .output()
        .unwrap();
    let text = String::from_utf8(explained.stdout).unwrap();
    let body = text.lines().find(|l| l.contains("body ")).unwrap_or("");
    assert!(body.contains("Token is expired"), "{text}");
    assert!(!body.contains("yesterday"), "{text}");
}

#[test]
fn a_json_body_after_a_head_without_its_blank_line_is_kept() {
    // The blank `<` line that ends the head was lost in the paste.
    let text = "\
* Connected to api.quillon.test (198.51.100.4) port 443 (#0)
> GET /v3/ledgers HTTP/1.1
> Host: api.quillon.test
> Authorization: Bearer q7Hc2LmX9pRt4VwZ8sKd3NfJ
>
< HTTP/1.1 401 Unauthorized
< Content-Type: application/json
{ [34 bytes data]
* Closing connection
{\"message\":\"The token has expired\"}
";
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = analyze_text(&dir, "noblank.txt", text, &[]);
    assert_eq!(only_finding(&report)["cause"], "expired_token");
}

/// The command above the transcript (prompt, `\` continuations shown with `> `) and an
/// interim `100 Continue` answered before the 401.
const COMMAND_AND_CONTINUE: &str = "\
dev@build-07:~$ curl -v -X POST \\
>   -H \"Authorization: Bearer q7Hc2LmX9pRt4VwZ8sKd3NfJ\" \\
>   -d @payload.json https://api.quillon.test/v3/ledgers
> POST /v3/ledgers HTTP/1.1
> Host: api.quillon.test
> Authorization: Bearer q7Hc2LmX9pRt4VwZ8sKd3NfJ
> Content-Length: 2048
> Expect: 100-continue
>
< HTTP/1.1 100 Continue
} [2048 bytes data]
< HTTP/1.1 401 Unauthorized
< WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"The access token expired\"
< Content-Length: 0
<
* Connection #0 to host api.quillon.test left intact
";

#[test]
fn a_command_above_the_transcript_and_a_100_continue_are_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (status, report) = analyze_text(&dir, "cmd.txt", COMMAND_AND_CONTINUE, &[]);
    assert_eq!(status, 1);
    let input = &report["inputs"][0];
    assert_eq!(input["format"], "curl");
    assert_eq!(input["exchanges"], 1, "the 100 is not an exchange");
    let finding = only_finding(&report);
    assert_eq!(finding["status"], 401);
    assert_eq!(finding["method"], "POST");
    // No TLS line and no `Connected to`: the command's URL names the scheme.
    assert_eq!(finding["url"], "https://api.quillon.test/v3/ledgers");
    assert_eq!(finding["cause"], "expired_token");
}

#[test]
fn without_a_connection_line_the_scheme_stays_unknown() {
    let text = "\
> GET /v3/ledgers HTTP/1.1
> Host: api.quillon.test
> Authorization: Bearer q7Hc2LmX9pRt4VwZ8sKd3NfJ
>
< HTTP/1.1 401 Unauthorized
< WWW-Authenticate: Bearer error=\"invalid_token\"
<
";
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = analyze_text(&dir, "noconn.txt", text, &[]);
    assert_eq!(report["inputs"][0]["format"], "curl");
    assert_eq!(
        only_finding(&report)["url"],
        "//api.quillon.test/v3/ledgers"
    );
    assert_eq!(report["summary"]["by_host"]["api.quillon.test"], 1);
}

#[test]
fn an_indented_transcript_is_detected_and_read() {
    let indented: String = BODY_AFTER_TRANSCRIPT
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect();
    let tabbed: String = COMMAND_AND_CONTINUE
        .lines()
        .map(|l| format!("\t{l}\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("spaces.txt", &indented), ("tab.txt", &tabbed)] {
        for extra in [&[][..], &["--input-format", "curl"][..]] {
            let (status, report) = analyze_text(&dir, name, text, extra);
            assert_eq!(status, 1, "{name} {extra:?}: {report}");
            assert_eq!(report["inputs"][0]["format"], "curl");
            assert_eq!(report["summary"]["unauthorized"], 1);
            assert_eq!(only_finding(&report)["cause"], "expired_token");
        }
    }
}

#[test]
fn a_question_under_a_bodiless_401_is_not_the_server_speaking() {
    // The 401 declared no body; a TLS session ticket's bytes are not body bytes.
    let with_length = "\
* Connected to api.quillon.test (198.51.100.4) port 443 (#0)
> GET /v3/ledgers HTTP/2
> Host: api.quillon.test
> Authorization: Bearer q7Hc2LmX9pRt4VwZ8sKd3NfJ
>
< HTTP/2 401
< content-length: 0
<
* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):
{ [193 bytes data]
* Connection #0 to host api.quillon.test left intact
Why does it say my token expired?
";
    let without_type = with_length.replace("< content-length: 0\n", "");
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("length.txt", with_length), ("bare.txt", &without_type)] {
        let (status, report) = analyze_text(&dir, name, text, &[]);
        assert_eq!(status, 1);
        let finding = only_finding(&report);
        assert_ne!(finding["cause"], "expired_token", "{name}: {finding}");
    }
}
