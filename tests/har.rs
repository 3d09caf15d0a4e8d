//! The HAR reader end to end: the binary on fixture HARs reproducing each exporter's quirks,
//! real exporter files, broken files, and the bundled samples.

use assert_cmd::Command;
use serde_json::Value;

const DIR: &str = "tests/fixtures/har";

struct Run {
    report: Value,
    status: i32,
    stderr: String,
}

fn analyze(args: &[&str]) -> Run {
    let output = Command::cargo_bin("why401")
        .unwrap()
        .args(["analyze", "-f", "json", "--no-progress"])
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).expect("the report is JSON");
    Run {
        report,
        status: output.status.code().unwrap(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

/// The only input of a run.
fn input(run: &Run) -> &Value {
    let inputs = run.report["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1, "{inputs:?}");
    &inputs[0]
}

/// (index, location, source) of every finding.
fn findings(run: &Run) -> Vec<(u64, String, String)> {
    run.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["status"], 401);
            (
                f["index"].as_u64().unwrap(),
                f["location"].as_str().unwrap().to_owned(),
                f["source"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Checks a readable HAR: counts, and each 401's index, `entries[N]` location and source.
fn assert_har(path: &str, exchanges: u64, unauthorized: &[u64]) -> Run {
    let run = analyze(&[path]);
    let input = input(&run);
    assert_eq!(input["source"], path);
    assert_eq!(input["format"], "har", "{path}");
    assert_eq!(input["exchanges"], exchanges, "{path}");
    assert_eq!(input["unauthorized"], unauthorized.len() as u64, "{path}");
    assert_eq!(input["errors_total"], 0, "{path}: {}", input["errors"]);
    let want: Vec<_> = unauthorized
        .iter()
        .map(|i| (*i, format!("entries[{i}]"), path.to_owned()))
        .collect();
    assert_eq!(findings(&run), want, "{path}");
    let status = if unauthorized.is_empty() { 0 } else { 1 };
    assert_eq!(run.status, status, "{path}: {}", run.stderr);
    run
}

fn time_of(run: &Run, index: u64) -> String {
    run.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["index"] == index)
        .and_then(|f| f["time"].as_str())
        .unwrap()
        .to_owned()
}

#[test]
fn real_exporter_files_read_every_entry() {
    for (name, entries) in [
        ("charles.har", 1),
        ("head-content-length.har", 1),
        ("insomnia.har", 1),
        ("postdata.har", 1),
        ("with-bom.har", 1),
    ] {
        assert_har(&fixture(&format!("exporters/{name}")), entries, &[]);
    }
}

#[test]
fn a_folder_of_hars_names_each_source() {
    let run = analyze(&[&fixture("exporters")]);
    let inputs = run.report["inputs"].as_array().unwrap();
    let names: Vec<_> = inputs
        .iter()
        .map(|i| i["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "tests/fixtures/har/exporters/NOTICE.md",
            "tests/fixtures/har/exporters/charles.har",
            "tests/fixtures/har/exporters/head-content-length.har",
            "tests/fixtures/har/exporters/insomnia.har",
            "tests/fixtures/har/exporters/postdata.har",
            "tests/fixtures/har/exporters/with-bom.har",
        ]
    );
    assert_eq!(inputs[0]["format"], "text");
    assert_eq!(run.report["summary"]["exchanges"], 5);
    assert_eq!(run.status, 0);
}

#[test]
fn chrome_failed_entry_before_a_401() {
    // h2/h3 lowercase names and pseudo-headers, `_error` with status 0 at entries[1],
    // base64 bodies, an http/1.1 401 with postData.
    let run = assert_har(&fixture("chrome-h2.har"), 5, &[2, 4]);
    assert_eq!(time_of(&run, 2), "2024-10-21T09:12:44.318Z");
    let first = &run.report["findings"][0];
    assert_eq!(first["method"], "GET");
    assert_eq!(first["url"], "https://api.example.com/v2/devices");
}

#[test]
fn firefox_offsets_become_utc_and_cache_entries_count() {
    // `-07:00` timestamps; entries 1 and 3 are cache hits: httpVersion "", no headersSize,
    // no content.size, `timings: {}`.
    let run = assert_har(&fixture("firefox-offsets.har"), 4, &[2]);
    assert_eq!(time_of(&run, 2), "2024-10-21T09:14:07.512Z");
}

#[test]
fn safari_capitalised_http2_headers() {
    assert_har(&fixture("safari.har"), 3, &[1]);
}

#[test]
fn fiddler_seven_digit_fractions_and_creator_last() {
    let run = assert_har(&fixture("fiddler.har"), 3, &[1]);
    assert_eq!(time_of(&run, 1), "2016-06-28T20:42:02.722Z");
}

#[test]
fn playwright_failed_entry_and_attached_bodies() {
    // entries[0]: status -1 with `_failureText`; entries[1]: a 401 whose body is a `_file`.
    let run = assert_har(&fixture("playwright.har"), 3, &[1]);
    assert_eq!(time_of(&run, 1), "2024-10-21T09:30:01.733Z");
}

#[test]
fn insomnia_empty_headers_and_mitmproxy_microseconds() {
    assert_har(&fixture("insomnia-empty-headers.har"), 1, &[0]);
    let run = assert_har(&fixture("mitmproxy.har"), 1, &[0]);
    assert_eq!(time_of(&run, 0), "2024-10-21T09:50:01.726Z");
}

#[test]
fn a_broken_entry_is_an_error_and_later_indices_stay() {
    let path = fixture("broken-entry.har");
    let run = analyze(&[&path]);
    let input = input(&run);
    assert_eq!(input["exchanges"], 4);
    assert_eq!(input["unauthorized"], 2);
    assert_eq!(input["errors_total"], 3);
    let locations: Vec<_> = input["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["location"].as_str().unwrap())
        .collect();
    assert_eq!(locations, vec!["entries[1]", "entries[3]", "entries[5]"]);
    let want: Vec<_> = [2, 4]
        .iter()
        .map(|i| (*i, format!("entries[{i}]"), path.clone()))
        .collect();
    assert_eq!(findings(&run), want);
    // Record errors do not change the exit status: the 401s decide it.
    assert_eq!(run.status, 1);
}

/// A broken file: exit 2, an error at `location`, and what came before still reported.
fn assert_fatal(name: &str, location: &str, says: &str, exchanges: u64, unauthorized: &[u64]) {
    let path = fixture(name);
    let run = analyze(&[&path]);
    assert_eq!(run.status, 2, "{name}: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stderr.contains(&path), "{}", run.stderr);
    let input = input(&run);
    assert_eq!(input["exchanges"], exchanges, "{name}");
    let errors = input["errors"].as_array().unwrap();
    let last = errors.last().unwrap();
    assert_eq!(last["location"], location, "{name}");
    let message = last["message"].as_str().unwrap();
    assert!(message.contains(says), "{name}: {message}");
    let want: Vec<_> = unauthorized
        .iter()
        .map(|i| (*i, format!("entries[{i}]"), path.clone()))
        .collect();
    assert_eq!(findings(&run), want, "{name}");
}

#[test]
fn truncated_har_keeps_earlier_entries() {
    assert_fatal("truncated.har", "entries[3]", "truncated", 3, &[1]);
}

#[test]
fn json_nested_ten_thousand_deep_is_an_error() {
    assert_fatal("deep.har", "entries[0]", "nested", 0, &[]);
}

#[test]
fn invalid_utf8_stops_the_input_with_its_place() {
    assert_fatal("invalid-utf8.har", "entries[1]", "UTF-8", 1, &[0]);
}

#[test]
fn a_log_without_entries_is_not_a_har() {
    assert_fatal("no-entries.har", "input", "entries", 0, &[]);
}

#[test]
fn stdin_is_named_dash() {
    let output = Command::cargo_bin("why401")
        .unwrap()
        .args(["analyze", "-f", "json", "-"])
        .pipe_stdin(fixture("safari.har"))
        .unwrap()
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["inputs"][0]["source"], "-");
    assert_eq!(report["inputs"][0]["format"], "har");
    assert_eq!(report["findings"][0]["source"], "-");
    assert_eq!(report["findings"][0]["location"], "entries[1]");
}

#[test]
fn samples_hold_the_expected_401s() {
    let chrome = assert_har("samples/chrome-devices.har", 25, &[11, 12, 16, 20]);
    assert_eq!(time_of(&chrome, 11), "2024-11-04T14:00:09.208Z");
    let firefox = assert_har("samples/firefox-portal.har", 14, &[2, 5, 6]);
    // Recorded at 08:02:10.640-07:00.
    assert_eq!(time_of(&firefox, 2), "2024-10-22T15:02:10.640Z");
    let token_call = &firefox.report["findings"][0];
    assert_eq!(token_call["method"], "POST");
    assert_eq!(token_call["url"], "https://auth.example.com/oauth/token");
}
