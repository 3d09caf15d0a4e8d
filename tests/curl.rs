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
    // Forced to be read as curl: no exchange, one error saying why, no crash.
    let (status, report) = analyze(&["--input-format", "curl", garbage]);
    assert_eq!(status, 0);
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
