//! The JSON log reader through the binary: `index`, `location` and `skipped` on JSON Lines
//! with noise, arrays, pretty-printed error bodies, Docker and syslog wrappers, hard-wrapped
//! records, and byte-identical reports whatever the thread count or chunk size.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

#[allow(dead_code)] // `main` is the example's; the tests use `generate`
#[path = "../examples/gen_jsonl.rs"]
mod gen_jsonl;

const FIXTURES: &str = "tests/fixtures/jsonl";

/// Runs `why401 analyze -f json` with extra arguments and environment; returns the exit
/// status and the report's raw bytes.
fn analyze_raw(args: &[&str], env: &[(&str, &str)]) -> (i32, Vec<u8>) {
    let mut cmd = Command::cargo_bin("why401").unwrap();
    cmd.args(["analyze", "-q", "-f", "json"]).args(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().unwrap();
    (output.status.code().unwrap(), output.stdout)
}

fn analyze(path: &str) -> (i32, Value) {
    let (code, stdout) = analyze_raw(&[path], &[]);
    (code, serde_json::from_slice(&stdout).unwrap())
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// `inputs[0]` as (format, exchanges, unauthorized, skipped, errors_total).
fn counts(report: &Value) -> (String, u64, u64, u64, u64) {
    let input = &report["inputs"][0];
    let n = |k: &str| input[k].as_u64().unwrap();
    (
        input["format"].as_str().unwrap().to_owned(),
        n("exchanges"),
        n("unauthorized"),
        n("skipped"),
        n("errors_total"),
    )
}

/// Each finding as `index location method url status`.
fn findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}",
                f["index"],
                f["location"].as_str().unwrap(),
                f["method"].as_str().unwrap(),
                f["url"].as_str().unwrap(),
                f["status"]
            )
        })
        .collect()
}

#[test]
fn json_lines_with_noise_before_a_401() {
    let (code, report) = analyze(&fixture("caddy-gateway.jsonl"));
    assert_eq!(code, 1);
    // Skipped: the version banner, a TLS line, a reverse-proxy debug line with a status, a
    // blank line, the error logger's 401 (the access logger logs it too), a text warning.
    assert_eq!(counts(&report), ("jsonl".into(), 4, 2, 6, 0));
    assert_eq!(
        findings(&report),
        vec![
            "1 line 7 GET https://api.example.com/v2/logs/audit 401",
            "2 line 8 PUT https://api.example.com/v2/policies/4711 401",
        ]
    );
    assert_eq!(report["findings"][0]["time"], "2025-06-02T10:00:02.310Z");
}

#[test]
fn json_array_elements_are_numbered() {
    let (code, report) = analyze("samples/kong.json");
    assert_eq!(code, 1);
    assert_eq!(counts(&report), ("jsonl".into(), 8, 2, 0, 0));
    assert_eq!(
        findings(&report),
        vec![
            "2 [2] GET https://api.example.com/v2/devices 401",
            "5 [5] POST https://api.example.com/v2/devices/dev_4410/actions 401",
        ]
    );
}

#[test]
fn pasted_pretty_printed_status_body() {
    let (code, report) = analyze(&fixture("ticket-spring-body.txt"));
    assert_eq!(code, 1);
    assert_eq!(counts(&report), ("jsonl".into(), 1, 1, 0, 0));
    assert_eq!(findings(&report), vec!["0 line 1  /v2/devices 401"]);
    assert_eq!(report["findings"][0]["time"], "2024-03-08T14:23:45.123Z");
}

#[test]
fn pasted_pretty_printed_error_code_body() {
    let (code, report) = analyze(&fixture("ticket-google-body.json"));
    assert_eq!(code, 1);
    // The leading blank line is skipped; the document starts on line 2.
    assert_eq!(counts(&report), ("jsonl".into(), 1, 1, 1, 0));
    assert_eq!(findings(&report), vec!["0 line 2   401"]);
}

#[test]
fn docker_wrapped_lines() {
    // Read as JSON logs explicitly: detection by content currently takes a first key
    // `"log"` for HAR even when its value is a string (`looks_like_har`).
    let (code, stdout) = analyze_raw(&[&fixture("docker-containers.log")], &[]);
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(code, 1);
    // Two plain-text lines inside the wrapper are skipped.
    assert_eq!(counts(&report), ("jsonl".into(), 3, 1, 2, 0));
    assert_eq!(
        findings(&report),
        vec!["1 line 3 POST https://api.example.com/v2/devices/2231/actions 401"]
    );
    assert_eq!(report["findings"][0]["time"], "2025-06-02T10:00:01.456Z");
}

#[test]
fn syslog_and_kubectl_prefixed_lines() {
    let (code, report) = analyze(&fixture("edge-syslog.log"));
    assert_eq!(code, 1);
    assert_eq!(counts(&report), ("jsonl".into(), 4, 2, 1, 0));
    assert_eq!(
        findings(&report),
        vec![
            "1 line 2 GET https://api.example.com/v2/logs/audit 401",
            "3 line 5 GET /v2/devices 401",
        ]
    );
    // The record has no time of its own: the kubectl prefix gives it.
    assert_eq!(report["findings"][1]["time"], "2025-06-02T10:00:03.500Z");
}

#[test]
fn hard_wrapped_record_is_one_exchange() {
    let (code, report) = analyze(&fixture("hard-wrapped.jsonl"));
    assert_eq!(code, 1);
    assert_eq!(counts(&report), ("jsonl".into(), 3, 2, 0, 0));
    assert_eq!(
        findings(&report),
        vec![
            "1 line 2 GET https://api.example.com/v2/policies 401",
            "2 line 4 GET https://api.example.com/v2/devices 401",
        ]
    );
}

#[test]
fn gateway_sample() {
    let (code, report) = analyze("samples/gateway-logs.jsonl");
    assert_eq!(code, 1);
    assert_eq!(counts(&report), ("jsonl".into(), 29, 9, 1, 0));
    let first = &findings(&report)[0];
    assert_eq!(
        first,
        "7 line 8 GET https://api.example.com/v2/logs/audit 401"
    );
}

fn write_generated(path: &Path, bytes: u64) -> gen_jsonl::Generated {
    let mut out = BufWriter::new(File::create(path).unwrap());
    let generated = gen_jsonl::generate(&mut out, bytes, 42).unwrap();
    out.flush().unwrap();
    generated
}

/// 50 MB of mixed producers, hard-wrapped records and pretty-printed bodies, read with one
/// and four threads, and in 4 MiB and 192 KiB chunks (so many records straddle chunk ends):
/// the reports are byte-identical and count what the generator wrote.
#[test]
fn parallel_reading_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    let generated = write_generated(&path, 50 << 20);
    let path = path.to_str().unwrap();
    let (code, one) = analyze_raw(&["-j", "1", path], &[]);
    assert_eq!(code, 1);
    let (_, four) = analyze_raw(&["-j", "4", path], &[]);
    assert!(one == four, "-j 1 and -j 4 reports differ");
    let small_chunks = [("WHY401_JSONL_CHUNK_BYTES", "196608")];
    let (_, chunked) = analyze_raw(&["-j", "4", path], &small_chunks);
    assert!(one == chunked, "reports differ with small chunks");
    let report: Value = serde_json::from_slice(&one).unwrap();
    // Tokens are reused across the file, so the capture's history decides some 401s (a token
    // that worked earlier): that history crossed chunk boundaries and stayed the same.
    let revoked = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["detail"] == "token_revoked")
        .count();
    assert!(revoked > 0, "no 401 was decided by the capture's history");
    let (_, exchanges, unauthorized, skipped, errors) = counts(&report);
    assert_eq!(
        (exchanges, unauthorized, skipped, errors),
        (
            generated.exchanges,
            generated.unauthorized,
            generated.skipped,
            0
        )
    );
    let indexes: Vec<u64> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["index"].as_u64().unwrap())
        .collect();
    assert!(indexes.windows(2).all(|w| w[0] < w[1]));
}
