//! Raw HTTP and ticket pastes through the binary: exchange and 401 counts, each 401's index,
//! location, method and URL, for every paste shape.

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

/// Checks one input read as raw HTTP: its counts and the exact list of its 401 findings.
fn check(path: &str, exchanges: u64, want: &[Unauthorized]) {
    check_read_as(path, "http", exchanges, want);
}

/// Checks one paste that does not start like raw HTTP: the ticket reader reads it, and a
/// response's location is the range of lines that report it.
fn check_ticket(path: &str, exchanges: u64, want: &[Unauthorized]) {
    check_read_as(path, "ticket", exchanges, want);
}

fn check_read_as(path: &str, format: &str, exchanges: u64, want: &[Unauthorized]) {
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

const DEVICES: &str = "https://api.example.com/v2/devices";

#[test]
fn curl_i_paste_without_credential_option() {
    check(
        "tests/fixtures/http/curl-i-no-credential.txt",
        1,
        &[(0, "line 2", "GET", DEVICES)],
    );
}

#[test]
fn curl_i_paste_with_bearer_header() {
    check(
        "tests/fixtures/http/curl-i-bearer.txt",
        1,
        &[(0, "line 4", "GET", DEVICES)],
    );
}

#[test]
fn curl_i_redirect_and_digest_pass() {
    check(
        "tests/fixtures/http/curl-i-redirect.txt",
        4,
        &[
            (1, "line 6", "GET", "https://api-eu.example.net/v3/devices"),
            (2, "line 12", "GET", "http://legacy.example.com/v1/report"),
        ],
    );
}

#[test]
fn swagger_ui_curl_box_and_response_panel() {
    check_ticket(
        "tests/fixtures/http/swagger-ui.txt",
        1,
        &[(
            0,
            "lines 11-13",
            "GET",
            "https://api.example.com/v2/policies?limit=20",
        )],
    );
}

#[test]
fn postman_snippet_and_response_panel() {
    check_ticket(
        "tests/fixtures/http/postman-snippet.txt",
        1,
        &[(
            0,
            "lines 12-16",
            "POST",
            "https://api.example.com/v2/devices/dev_42/actions",
        )],
    );
}

#[test]
fn postman_console_dump() {
    check_ticket(
        "tests/fixtures/http/postman-console.txt",
        2,
        &[(
            0,
            "lines 2-19",
            "GET",
            "https://api.example.com/v2/logs/audit",
        )],
    );
}

#[test]
fn okhttp_logcat() {
    check_ticket(
        "tests/fixtures/http/okhttp-logcat.txt",
        2,
        &[(
            1,
            "lines 18-24",
            "POST",
            "https://api.example.com/v2/devices/dev_42/actions",
        )],
    );
}

#[test]
fn httpie_verbose() {
    check(
        "tests/fixtures/http/httpie-verbose.txt",
        1,
        &[(
            0,
            "line 12",
            "GET",
            "https://api.example.com/v2/organizations/current",
        )],
    );
}

#[test]
fn powershell_error_in_utf16le() {
    let bytes = std::fs::read("tests/fixtures/http/powershell-utf16le.txt").unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xFE]);
    check(
        "tests/fixtures/http/powershell-utf16le.txt",
        1,
        &[(0, "line 2", "GET", DEVICES)],
    );
}

#[test]
fn sdk_exceptions_quoting_status_and_body() {
    check_ticket(
        "tests/fixtures/http/sdk-exceptions.txt",
        5,
        &[
            (0, "lines 1-5", "GET", DEVICES),
            (
                1,
                "line 10",
                "",
                "https://api.example.com/v2/policies?limit=20",
            ),
            (2, "lines 12-13", "", ""),
            (3, "line 15", "", ""),
        ],
    );
}

#[test]
fn common_log_format_lines() {
    check_ticket(
        "tests/fixtures/http/access-clf.txt",
        3,
        &[(1, "line 2", "POST", "/v2/devices/dev_42/actions")],
    );
    let (_, report) = analyze(&["tests/fixtures/http/access-clf.txt"]);
    // The log's own timestamp is the server time.
    assert_eq!(report["findings"][0]["time"], "2024-03-08T14:23:45.000Z");
}

#[test]
fn logfmt_lines() {
    check_ticket(
        "tests/fixtures/http/access-logfmt.txt",
        2,
        &[(0, "line 2", "GET", "/v2/devices")],
    );
}

#[test]
fn lone_challenge_is_an_inferred_401() {
    check_ticket(
        "tests/fixtures/http/lone-challenge.txt",
        1,
        &[(0, "lines 5-6", "", "")],
    );
}

#[test]
fn obs_fold_headers() {
    check(
        "tests/fixtures/http/obs-fold.txt",
        1,
        &[(0, "line 7", "GET", DEVICES)],
    );
}

#[test]
fn prose_reporting_401_is_one_response_at_most_medium() {
    // "every call returns 401 Unauthorized" reports observed responses; "401 times" is a count
    // and "HTTP 401 means" an explanation: one 401, never stated with high confidence.
    let path = "tests/fixtures/http/prose-401.txt";
    let (status, report) = analyze(&[path]);
    assert_eq!(status, 1);
    assert_eq!(report["inputs"][0]["format"], "ticket");
    assert_eq!(report["inputs"][0]["unauthorized"], 1);
    let finding = &report["findings"][0];
    assert_ne!(finding["confidence"], "high", "{finding}");
    // Forced as raw HTTP: no exchange, and never a silent all-clear.
    let (status, report) = analyze(&["--input-format", "http", path]);
    assert_eq!(status, 2);
    assert_eq!(report["inputs"][0]["exchanges"], 0);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn sample_ticket_paste() {
    check_ticket(
        "samples/curl-i-paste.txt",
        4,
        &[(
            2,
            "lines 31-37",
            "GET",
            "https://api.example.com/v2/policies?limit=20",
        )],
    );
}

#[test]
fn fifty_megabyte_line_is_a_record_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("paste.txt");
    {
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(
            b"$ curl -i https://api.example.com/v2/devices\nHTTP/1.1 401 Unauthorized\n\n",
        )
        .unwrap();
        let chunk = vec![b'x'; 1024 * 1024];
        for _ in 0..50 {
            file.write_all(&chunk).unwrap();
        }
        file.write_all(b"\n\nHTTP/1.1 200 OK\n\n").unwrap();
    }
    let (status, report) = analyze(&[path.to_str().unwrap()]);
    assert_eq!(status, 1);
    let input = &report["inputs"][0];
    assert_eq!(input["format"], "http");
    assert_eq!(input["exchanges"], 2);
    assert_eq!(input["errors_total"], 1);
    assert_eq!(input["errors"][0]["location"], "line 4");
    assert_eq!(report["findings"][0]["location"], "line 2");
}

#[test]
fn invalid_utf8_binary_and_empty() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(
        &latin1,
        b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"caf\xe9\"\r\n\r\n",
    )
    .unwrap();
    let (status, report) = analyze(&[latin1.to_str().unwrap()]);
    assert_eq!(status, 1);
    assert_eq!(report["inputs"][0]["exchanges"], 1);

    let garbage = dir.path().join("garbage.bin");
    let bytes: Vec<u8> = (0..65536u32)
        .map(|i| (i.wrapping_mul(2246822519) >> 11) as u8)
        .collect();
    std::fs::write(&garbage, &bytes).unwrap();
    let (status, report) = analyze(&["--input-format", "http", garbage.to_str().unwrap()]);
    assert_eq!(status, 2, "named, forced, and nothing read");
    assert_eq!(report["inputs"][0]["exchanges"], 0);
    assert!(
        report["inputs"][0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("binary")
    );

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let (status, report) = analyze(&[empty.to_str().unwrap()]);
    assert_eq!(status, 2);
    assert!(
        report["inputs"][0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("empty")
    );
}
