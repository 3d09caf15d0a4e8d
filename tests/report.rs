//! The report writers as a user meets them: golden files pinning every format on the samples,
//! the CSV contract (header, round trip, formula neutralization, `--summary-csv`), JSON lines,
//! filters and exit statuses, `--include-403`, colour, and escaping of captured text.
//!
//! Golden files live in `tests/golden/`. Text, CSV and Markdown compare byte for byte; JSON
//! and JSON lines compare parsed values (key order is free, every value is pinned). When a
//! report changes, the test writes the actual report next to its golden file as `NAME.new`
//! (nothing is overwritten) and prints the unified diff; after reading it, accept it with
//!
//! ```text
//! for f in tests/golden/*.new; do mv "$f" "${f%.new}"; done
//! ```

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{fixture, root, why401};
use serde_json::Value;

/// `analyze` on the samples, as the README shows it.
const SAMPLES: [&str; 5] = [
    "analyze",
    "--no-progress",
    "--profile",
    "samples/profile.toml",
    "samples/",
];

const CSV_HEADER: &str = "source,index,location,time,method,url,status,cause,detail,confidence,evidence,token_kind,token_fingerprint,challenge_error,challenge_description,request_id,resolved_later,remediation,status_inferred,number,token_alg,token_iss,token_aud,token_exp,token_iat,token_scope";

const CAUSES: [&str; 7] = [
    "expired_token",
    "invalid_token",
    "missing_authorization",
    "insufficient_scope",
    "revoked_credentials",
    "clock_skew",
    "unknown",
];

// --- running the binary ----------------------------------------------------------------------

fn run(args: &[&str]) -> Output {
    why401().args(args).output().expect("runs")
}

/// The samples with `extra` arguments: stdout, after checking the exit status is 1 (the
/// samples hold 401s).
fn samples(extra: &[&str]) -> String {
    let output = run(&[&SAMPLES[..], extra].concat());
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 report")
}

fn samples_json(extra: &[&str]) -> Value {
    parse_json(&samples(&[&["-f", "json"], extra].concat()))
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}"))
}

fn json_of(args: &[&str]) -> (i32, Value) {
    let output = run(&[args, &["-f", "json"]].concat());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    (output.status.code().unwrap_or(-1), parse_json(&text))
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings array")
}

fn fixture_arg(path: &str) -> String {
    fixture(path).to_str().expect("UTF-8 path").to_owned()
}

// --- golden files ----------------------------------------------------------------------------

fn golden_path(name: &str) -> PathBuf {
    root().join("tests/golden").join(name)
}

/// The golden file's text; a missing golden reads as empty, so its first run fails with the
/// whole report as the diff and a `.new` file to accept.
fn golden(name: &str) -> String {
    std::fs::read_to_string(golden_path(name)).unwrap_or_default()
}

/// A report that differs from its golden file: the actual report is written next to it as
/// `NAME.new` (never over the golden) and the test fails with a unified diff. Accepting it is
/// a rename the reviewer does after reading the diff.
fn golden_differs(name: &str, expected: &str, actual: &str, how: &str) -> ! {
    let path = golden_path(name);
    let new = path.with_file_name(format!("{name}.new"));
    std::fs::write(&new, actual).expect("write the .new report");
    let diff = similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("tests/golden/{name}"),
            &format!("tests/golden/{name}.new"),
        )
        .to_string();
    panic!(
        "{name} differs from tests/golden/{name} ({how}). The actual report is in {}.\n\
         If the change is intended, read the diff and accept it: mv {} {}\n{diff}",
        new.display(),
        new.display(),
        path.display(),
    );
}

fn assert_golden_text(name: &str, actual: &str) {
    let expected = golden(name);
    if expected != actual {
        golden_differs(name, &expected, actual, "byte for byte");
    }
}

fn assert_golden_json(name: &str, actual: &str) {
    let expected = golden(name);
    if expected.trim().is_empty() || parse_json(&expected) != parse_json(actual) {
        golden_differs(name, &expected, actual, "compared as JSON values");
    }
}

fn assert_golden_jsonl(name: &str, actual: &str) {
    let expected = golden(name);
    let parse = |text: &str| -> Vec<Value> { text.lines().map(parse_json).collect() };
    if expected.trim().is_empty() || parse(&expected) != parse(actual) {
        golden_differs(
            name,
            &expected,
            actual,
            "compared line by line as JSON values",
        );
    }
}

#[test]
fn golden_text() {
    assert_golden_text(
        "samples.text.txt",
        &samples(&["-f", "text", "--color", "never"]),
    );
}

#[test]
fn golden_verbose() {
    assert_golden_text("samples.verbose.txt", &samples(&["-v", "--color", "never"]));
}

#[test]
fn golden_explain_1() {
    assert_golden_text(
        "samples.explain-1.txt",
        &samples(&["--explain", "1", "--color", "never"]),
    );
}

#[test]
fn golden_explain_7_markdown() {
    assert_golden_text(
        "samples.explain-7.md",
        &samples(&["--explain", "7", "-f", "markdown"]),
    );
}

#[test]
fn golden_json() {
    assert_golden_json("samples.json", &samples(&["-f", "json"]));
}

#[test]
fn golden_jsonl() {
    assert_golden_jsonl("samples.jsonl", &samples(&["-f", "jsonl"]));
}

#[test]
fn golden_csv() {
    assert_golden_text("samples.csv", &samples(&["-f", "csv"]));
}

#[test]
fn golden_markdown() {
    assert_golden_text("samples.md", &samples(&["-f", "markdown"]));
}

#[test]
fn golden_summary_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("counts.csv");
    samples(&[
        "-q",
        "-f",
        "json",
        "--summary-csv",
        path.to_str().expect("path"),
    ]);
    let written = std::fs::read_to_string(&path).expect("summary CSV written");
    assert_golden_text("samples.summary.csv", &written);
}

// --- CSV ----------------------------------------------------------------------------------------

/// What the CSV writer must make of a JSON string: a leading `'` when a spreadsheet would run it.
fn neutralized(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn joined(value: &Value) -> String {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(text_of)
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The row the CSV must hold for a JSON finding. `index`, `status`, `time` and
/// `resolved_later` are written as they are, never neutralized.
fn expected_row(f: &Value) -> Vec<String> {
    let text = |v: &Value| neutralized(&text_of(v));
    vec![
        text(&f["source"]),
        text_of(&f["index"]),
        text(&f["location"]),
        text_of(&f["time"]),
        text(&f["method"]),
        text(&f["url"]),
        text_of(&f["status"]),
        text_of(&f["cause"]),
        text(&f["detail"]),
        text_of(&f["confidence"]),
        neutralized(&joined(&f["evidence"])),
        text_of(&f["credential"]["kind"]),
        text_of(&f["credential"]["fingerprint"]),
        text(&f["challenge"]["params"]["error"]),
        text(&f["challenge"]["params"]["error_description"]),
        text(&f["request_id"]),
        text_of(&f["resolved_later"]),
        neutralized(&joined(&f["remediation"])),
        text_of(&f["status_inferred"]),
        text_of(&f["number"]),
        text(&f["credential"]["claims"]["alg"]),
        text(&f["credential"]["claims"]["iss"]),
        text(&f["credential"]["claims"]["aud"]),
        text_of(&f["credential"]["claims"]["exp"]),
        text_of(&f["credential"]["claims"]["iat"]),
        neutralized(&words(&f["credential"]["claims"]["scope"])),
    ]
}

/// A JSON array of strings as one space-separated cell (a claim's scopes).
fn words(value: &Value) -> String {
    value.as_array().map_or(String::new(), |items| {
        items.iter().map(text_of).collect::<Vec<_>>().join(" ")
    })
}

/// Runs `-f csv` and `-f json` with the same arguments (in `dir`) and checks the CSV is the
/// JSON findings, row for row, under the exact header. Returns the rows.
fn assert_csv_matches_json(args: &[&str], dir: &Path) -> Vec<csv::StringRecord> {
    let csv_out = why401()
        .current_dir(dir)
        .args(args)
        .args(["-f", "csv"])
        .output()
        .expect("runs");
    let json_out = why401()
        .current_dir(dir)
        .args(args)
        .args(["-f", "json"])
        .output()
        .expect("runs");
    let report = parse_json(&String::from_utf8(json_out.stdout).expect("UTF-8"));
    let bytes = csv_out.stdout;
    let first_line = bytes.split(|&b| b == b'\n').next().expect("a first line");
    assert_eq!(
        first_line,
        CSV_HEADER.as_bytes(),
        "the first line is exactly the header (no BOM, no spaces, LF)"
    );
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, CSV_HEADER.split(',').collect::<Vec<_>>());
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("RFC 4180 rows");
    let json_findings = findings(&report);
    assert_eq!(rows.len(), json_findings.len(), "one row per finding");
    for (row, finding) in rows.iter().zip(json_findings) {
        let row: Vec<&str> = row.iter().collect();
        assert_eq!(row, expected_row(finding), "row of finding {finding}");
    }
    rows
}

#[test]
fn csv_round_trips_and_equals_the_json_findings() {
    let rows = assert_csv_matches_json(&SAMPLES, &root());
    assert!(rows.len() >= 7, "the samples hold at least seven 401s");
}

#[test]
fn csv_rows_follow_filters_and_403s() {
    assert_csv_matches_json(
        &[&SAMPLES[..], &["--cause", "expired_token"]].concat(),
        &root(),
    );
    let forbidden = fixture_arg("report/forbidden.har");
    let rows = assert_csv_matches_json(&["analyze", "--include-403", &forbidden], &root());
    assert!(rows.iter().any(|r| &r[6] == "403"), "a 403 row is written");
}

#[test]
fn csv_neutralizes_formulas_end_to_end() {
    let dir = fixture("report/formula");
    // The source name itself starts with `=`.
    let rows = assert_csv_matches_json(&["analyze", "=formula.har"], &dir);
    assert_eq!(rows.len(), 3);
    let cell = |row: usize, column: &str| -> String {
        let i = CSV_HEADER
            .split(',')
            .position(|c| c == column)
            .expect("column");
        rows[row][i].to_owned()
    };
    assert_eq!(cell(0, "source"), "'=formula.har");
    assert_eq!(cell(0, "url"), "'=1+1");
    assert_eq!(cell(0, "request_id"), "'=2+3");
    assert_eq!(cell(0, "challenge_error"), "'=cmd|' /C calc'!A0");
    assert_eq!(cell(0, "challenge_description"), "'+SUM(1,2)");
    assert_eq!(cell(1, "url"), "'@SUM(A1)");
    assert_eq!(cell(1, "request_id"), "'-4+5");
    assert_eq!(cell(1, "challenge_error"), "'@cmd");
    assert_eq!(cell(1, "challenge_description"), "'-1+2");
    assert_eq!(cell(2, "request_id"), "'+6");
    assert_eq!(cell(2, "url"), "https://-evil.example/v2/items");
    // Numbers, times and booleans are never touched.
    for (row, index) in [(0, "0"), (1, "1"), (2, "2")] {
        assert_eq!(cell(row, "index"), index);
        assert_eq!(cell(row, "status"), "401");
        assert_eq!(cell(row, "resolved_later"), "false");
        assert!(cell(row, "time").starts_with("2024-03-08T14:00:0"));
    }
    // No cell at all starts with a formula character.
    for row in &rows {
        for field in row {
            assert!(
                !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{field:?} would run as a formula"
            );
        }
    }
}

#[test]
fn summary_csv_counts_every_cause_then_every_host() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("counts.csv");
    let report = samples_json(&["--summary-csv", path.to_str().expect("path")]);
    let mut reader = csv::Reader::from_path(&path).expect("summary CSV written");
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        ["kind", "key", "count"]
    );
    let rows: Vec<(String, String, u64)> = reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            (
                r[0].to_owned(),
                r[1].to_owned(),
                r[2].parse().expect("count"),
            )
        })
        .collect();
    let summary = &report["summary"];
    let causes: Vec<(String, String, u64)> = CAUSES
        .iter()
        .map(|c| {
            (
                "cause".into(),
                (*c).into(),
                summary["by_cause"][c].as_u64().expect("n"),
            )
        })
        .collect();
    let hosts: Vec<(String, String, u64)> = summary["by_host"]
        .as_object()
        .expect("by_host")
        .iter()
        .map(|(h, n)| ("host".into(), h.clone(), n.as_u64().expect("n")))
        .collect();
    assert!(!hosts.is_empty());
    assert_eq!(rows, [causes, hosts].concat());
    let total: u64 = rows.iter().filter(|r| r.0 == "cause").map(|r| r.2).sum();
    assert_eq!(total, summary["unauthorized"].as_u64().expect("n"));
}

#[test]
fn summary_csv_neutralizes_hosts_and_ignores_filters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("counts.csv");
    let output = why401()
        .current_dir(fixture("report/formula"))
        .args(["analyze", "-q", "--cause", "clock_skew", "--summary-csv"])
        .arg(&path)
        .arg("=formula.har")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(text.contains("host,'-evil.example,1\n"), "{text}");
    let counted: u64 = text
        .lines()
        .filter(|l| l.starts_with("cause,"))
        .map(|l| l.rsplit(',').next().expect("n").parse::<u64>().expect("n"))
        .sum();
    assert_eq!(
        counted, 3,
        "the filter narrows findings, never the counts: {text}"
    );
}

// --- JSON lines ----------------------------------------------------------------------------

fn without_line_keys(mut value: Value) -> Value {
    let object = value.as_object_mut().expect("object line");
    assert_eq!(
        object.remove("schema"),
        Some(Value::from("why401/report/v1"))
    );
    object.remove("type");
    value
}

#[test]
fn json_lines_are_the_document_line_by_line() {
    let document = samples_json(&[]);
    let text = samples(&["-f", "jsonl"]);
    let lines: Vec<Value> = text.lines().map(parse_json).collect();
    let kinds: Vec<&str> = lines
        .iter()
        .map(|l| l["type"].as_str().expect("type"))
        .collect();
    assert!(
        kinds
            .iter()
            .all(|k| ["input", "finding", "summary"].contains(k))
    );
    assert_eq!(
        kinds.last(),
        Some(&"summary"),
        "the summary is the last line"
    );
    assert_eq!(kinds.iter().filter(|k| **k == "summary").count(), 1);
    // Streaming: each source's input line comes before its findings.
    let mut seen_inputs = std::collections::BTreeSet::new();
    for line in &lines {
        match line["type"].as_str() {
            Some("input") => {
                seen_inputs.insert(line["source"].as_str().expect("source").to_owned());
            }
            Some("finding") => assert!(
                seen_inputs.contains(line["source"].as_str().expect("source")),
                "a finding before its input line: {line}"
            ),
            _ => {}
        }
    }
    let of_kind = |kind: &str| -> Vec<Value> {
        lines
            .iter()
            .filter(|l| l["type"] == kind)
            .cloned()
            .map(without_line_keys)
            .collect()
    };
    assert_eq!(&of_kind("finding"), findings(&document));
    assert_eq!(
        &of_kind("input"),
        document["inputs"].as_array().expect("inputs")
    );
    assert_eq!(of_kind("summary"), [document["summary"].clone()]);
}

#[test]
fn json_document_is_complete() {
    let report = samples_json(&[]);
    assert_eq!(report["schema"], "why401/report/v1");
    let summary = &report["summary"];
    let by_cause = summary["by_cause"].as_object().expect("by_cause");
    assert_eq!(by_cause.keys().collect::<Vec<_>>(), CAUSES);
    let sum: u64 = by_cause.values().map(|v| v.as_u64().expect("n")).sum();
    assert_eq!(sum, summary["unauthorized"].as_u64().expect("n"));
    for f in findings(&report) {
        assert!(!f["evidence"].as_array().expect("evidence").is_empty());
        let steps = f["remediation"].as_array().expect("remediation").len();
        assert!((1..=3).contains(&steps), "1 to 3 steps: {f}");
        assert!(f["resolved_later"].is_boolean());
    }
}

// --- filters and exit statuses --------------------------------------------------------------

#[test]
fn cause_filter_narrows_findings_not_the_summary() {
    let all = samples_json(&[]);
    let narrowed = samples_json(&["--cause", "expired_token,insufficient_scope"]);
    assert_eq!(narrowed["summary"], all["summary"]);
    let kept = findings(&narrowed);
    assert!(
        kept.iter()
            .all(|f| f["cause"] == "expired_token" || f["cause"] == "insufficient_scope")
    );
    let expected = all["summary"]["by_cause"]["expired_token"]
        .as_u64()
        .expect("n")
        + all["summary"]["by_cause"]["insufficient_scope"]
            .as_u64()
            .expect("n");
    assert_eq!(kept.len() as u64, expected);
    assert!(kept.len() < findings(&all).len());
    let text = samples(&["--cause", "expired_token", "--color", "never"]);
    assert!(text.contains("shown after filters"), "{text}");
}

#[test]
fn host_filter_matches_wildcards() {
    let all = samples_json(&[]);
    let auth = samples_json(&["--host", "auth.*"]);
    assert_eq!(auth["summary"], all["summary"]);
    let kept = findings(&auth);
    assert_eq!(
        kept.len() as u64,
        all["summary"]["by_host"]["auth.example.com"]
            .as_u64()
            .expect("n")
    );
    assert!(kept.iter().all(|f| {
        f["url"]
            .as_str()
            .expect("url")
            .starts_with("https://auth.example.com/")
    }));
    let every = samples_json(&["--host", "*.EXAMPLE.com"]);
    assert_eq!(findings(&every).len(), findings(&all).len());
    // Nothing shown, yet the 401s were read: the exit status still says so.
    let none = samples_json(&["--host", "nowhere.invalid"]);
    assert!(findings(&none).is_empty());
    assert_eq!(none["summary"], all["summary"]);
}

#[test]
fn time_filters_are_inclusive_bounds() {
    let all = samples_json(&[]);
    let times: Vec<String> = findings(&all)
        .iter()
        .map(|f| f["time"].as_str().expect("time").to_owned())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    let middle = &sorted[sorted.len() / 2];
    let since = samples_json(&["--since", middle]);
    let until = samples_json(&["--until", middle]);
    assert_eq!(since["summary"], all["summary"]);
    assert_eq!(until["summary"], all["summary"]);
    let count = |r: &Value, keep: &dyn Fn(&str) -> bool| {
        findings(r)
            .iter()
            .filter(|f| keep(f["time"].as_str().expect("time")))
            .count()
    };
    assert_eq!(
        findings(&since).len(),
        times.iter().filter(|t| *t >= middle).count()
    );
    assert_eq!(
        findings(&until).len(),
        times.iter().filter(|t| *t <= middle).count()
    );
    assert_eq!(count(&since, &|t| t < middle.as_str()), 0);
    assert_eq!(count(&until, &|t| t > middle.as_str()), 0);
    // The samples span two days: a window between them keeps one file's findings.
    let window = samples_json(&[
        "--since",
        "2024-11-01T00:00:00Z",
        "--until",
        "2024-11-30T00:00:00Z",
    ]);
    let kept = findings(&window);
    assert!(!kept.is_empty());
    assert!(
        kept.iter()
            .all(|f| f["time"].as_str().expect("time").starts_with("2024-11-"))
    );
}

#[test]
fn bad_filter_values_are_usage_errors() {
    for args in [
        ["--cause", "not_a_cause"],
        ["--since", "yesterday"],
        ["--fail-on", "nope"],
    ] {
        let output = run(&[&SAMPLES[..], &args].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(args[0]), "{args:?}: {stderr}");
    }
}

#[test]
fn fail_on_decides_exit_status_one() {
    let status = |extra: &[&str]| {
        run(&[&SAMPLES[..], &["-q", "-f", "json"], extra].concat())
            .status
            .code()
    };
    assert_eq!(status(&[]), Some(1));
    assert_eq!(status(&["--fail-on", "expired_token"]), Some(1));
    assert_eq!(status(&["--fail-on", "clock_skew"]), Some(0));
    assert_eq!(status(&["--fail-on", "clock_skew"]), Some(0));
    assert_eq!(
        status(&["--fail-on", "clock_skew,revoked_credentials"]),
        Some(1)
    );
    // A filter hides findings but the 401s were read.
    assert_eq!(status(&["--cause", "clock_skew"]), Some(1));
    // An unreadable input wins over everything.
    assert_eq!(
        status(&[
            "--fail-on",
            "clock_skew",
            "tests/fixtures/does-not-exist.har"
        ]),
        Some(2)
    );
    assert_eq!(
        status(&[
            "--fail-on",
            "expired_token",
            "tests/fixtures/does-not-exist.har"
        ]),
        Some(2)
    );
}

#[test]
fn include_403_adds_findings_that_never_count_as_401s() {
    let forbidden = fixture_arg("report/forbidden.har");
    let (plain_status, plain) = json_of(&["analyze", &forbidden]);
    let (status, with) = json_of(&["analyze", "--include-403", &forbidden]);
    assert_eq!((plain_status, status), (1, 1));
    assert_eq!(
        with["summary"], plain["summary"],
        "403s never reach the summary"
    );
    assert_eq!(with["summary"]["unauthorized"], 1);
    let statuses = |r: &Value| -> Vec<(u64, u64)> {
        findings(r)
            .iter()
            .map(|f| {
                (
                    f["index"].as_u64().expect("i"),
                    f["status"].as_u64().expect("s"),
                )
            })
            .collect()
    };
    assert_eq!(statuses(&plain), [(2, 401)]);
    // The plain 403 (index 1) has no auth signal and stays out.
    assert_eq!(statuses(&with), [(0, 403), (2, 401)]);
    assert_eq!(findings(&with)[0]["cause"], "insufficient_scope");
    // A capture with only a 403: reported, yet exit status 0.
    let only = fixture_arg("report/only-403.har");
    let (status, report) = json_of(&["analyze", "--include-403", &only]);
    assert_eq!(status, 0);
    assert_eq!(report["summary"]["unauthorized"], 0);
    assert_eq!(findings(&report).len(), 1);
}

// --- people's formats: numbering, limits, colour, escaping -----------------------------------

#[test]
fn verbose_numbers_findings_in_report_order_and_explain_follows_it() {
    let report = samples_json(&[]);
    let verbose = samples(&["-v", "--color", "never"]);
    for (i, f) in findings(&report).iter().enumerate() {
        let n = i + 1;
        let line = verbose
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("#{n} ")))
            .unwrap_or_else(|| panic!("no #{n} in {verbose}"));
        let place = format!(
            "{} {}",
            f["source"].as_str().expect("source"),
            f["location"].as_str().expect("location")
        );
        assert!(line.contains(&place), "#{n}: {line} vs {place}");
        let explained = samples(&["--explain", &n.to_string(), "--color", "never"]);
        assert!(
            explained.starts_with(&format!("Finding #{n}\n")),
            "{explained}"
        );
        assert!(explained.contains(&place), "{explained}");
        for label in ["request", "cause", "rule", "evidence", "what to do"] {
            assert!(
                explained.contains(&format!("  {label:<14}")),
                "{label} in {explained}"
            );
        }
    }
    // A number past the last finding is a usage error (exit 2), named on stderr.
    let beyond = findings(&report).len() + 1;
    let none = run(&[&SAMPLES[..], &["--explain", &beyond.to_string()]].concat());
    assert_eq!(none.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&none.stderr);
    assert!(stderr.contains(&format!("--explain {beyond}")), "{stderr}");
}

#[test]
fn max_detail_says_when_the_limit_was_hit() {
    let count = findings(&samples_json(&[])).len();
    let verbose = samples(&["-v", "--max-detail", "1", "--color", "never"]);
    // `-v` lists findings as `  #N  …`; a group's evidence line quotes one as `#N: …`.
    let numbered = |text: &str| {
        text.lines()
            .filter(|l| {
                let l = l.trim_start();
                l.starts_with('#') && !l.split_whitespace().next().unwrap_or("").ends_with(':')
            })
            .count()
    };
    assert_eq!(numbered(&verbose), 1);
    assert!(
        verbose.contains(&format!(
            "{} more finding(s) not listed: --max-detail 1 was reached",
            count - 1
        )),
        "{verbose}"
    );
    let full = samples(&["-v", "--max-detail", &count.to_string(), "--color", "never"]);
    assert_eq!(numbered(&full), count);
    assert!(!full.contains("--max-detail"), "{full}");
    let markdown = samples(&["-f", "markdown", "--max-detail", "1"]);
    assert!(markdown.contains("--max-detail"), "{markdown}");
    let markdown = samples(&["-f", "markdown", "--max-detail", &count.to_string()]);
    assert!(!markdown.contains("--max-detail"), "{markdown}");
}

#[test]
fn color_follows_the_flag() {
    let always = samples(&["--color", "always"]);
    assert!(always.contains("\u{1b}["), "--color always paints");
    for args in [&["--color", "never"][..], &["--color", "auto"], &[]] {
        let text = samples(args);
        assert!(!text.contains('\u{1b}'), "{args:?}: no ANSI into a pipe");
    }
    // Machine formats never carry colour.
    for format in ["json", "jsonl", "csv", "markdown"] {
        let text = samples(&["--color", "always", "-f", format]);
        assert!(!text.contains('\u{1b}'), "{format}");
    }
}

/// `--color auto` on a real terminal (a pty from util-linux `script`): colour, unless
/// `NO_COLOR` is set and not empty. Skipped where `script` is missing.
#[cfg(target_os = "linux")]
#[test]
fn no_color_turns_auto_off_on_a_terminal() {
    let bin = assert_cmd::cargo::cargo_bin("why401");
    let command = format!(
        "'{}' analyze --no-progress --profile samples/profile.toml samples/ --color auto",
        bin.display()
    );
    let on_terminal = |no_color: Option<&str>| -> Option<String> {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &command, "/dev/null"])
            .current_dir(root())
            .env_remove("NO_COLOR");
        if let Some(value) = no_color {
            cmd.env("NO_COLOR", value);
        }
        let output = cmd.output().ok()?;
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.contains("unauthorized (401)").then_some(text)
    };
    let Some(colored) = on_terminal(None) else {
        eprintln!("skipped: util-linux `script` is not available to provide a terminal");
        return;
    };
    assert!(
        colored.contains("\u{1b}["),
        "auto colours a terminal: {colored}"
    );
    let plain = on_terminal(Some("1")).expect("runs under script");
    assert!(
        !plain.contains("\u{1b}["),
        "NO_COLOR=1 turns colour off: {plain}"
    );
    let empty = on_terminal(Some("")).expect("runs under script");
    assert!(empty.contains("\u{1b}["), "an empty NO_COLOR is ignored");
}

/// Control characters other than line breaks in a report meant for people.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect()
}

#[test]
fn captured_escape_sequences_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The file name itself carries an escape sequence.
    let source = dir.path().join("esc\u{1b}[31mname.har");
    std::fs::copy(fixture("report/escapes.har"), &source).expect("copy fixture");
    let source = source.to_str().expect("UTF-8").to_owned();
    let report = json_of(&["analyze", &source]).1;
    let count = findings(&report).len();
    assert_eq!(count, 3);
    let mut runs: Vec<Vec<String>> = vec![
        vec!["--color".into(), "never".into()],
        vec!["--color".into(), "always".into()],
        vec!["-v".into()],
        vec!["-f".into(), "markdown".into()],
    ];
    runs.extend((1..=count + 1).map(|n| vec!["--explain".into(), n.to_string()]));
    let own_colours = regex::Regex::new("\u{1b}\\[[0-9;]*m").expect("pattern");
    let mut shown_escaped = 0;
    for extra in runs {
        let output = why401()
            .args(["analyze", "--no-progress", &source])
            .args(&extra)
            .output()
            .expect("runs");
        let stdout = String::from_utf8(output.stdout).expect("UTF-8");
        let stderr = String::from_utf8(output.stderr).expect("UTF-8");
        let colored = extra.contains(&"always".to_owned());
        let mut controls = raw_controls(&stdout);
        if colored {
            // The report's own colours are ESC [ … m; strip them and look again.
            let stripped = own_colours.replace_all(&stdout, "").into_owned();
            controls = raw_controls(&stripped);
        }
        assert!(
            controls.is_empty(),
            "{extra:?}: raw {controls:?} in\n{stdout}"
        );
        assert!(
            raw_controls(&stderr).is_empty(),
            "{extra:?}: stderr {stderr:?}"
        );
        assert!(stderr.contains("esc\\u{1b}[31mname.har"), "{stderr}");
        if stdout.contains("\\u{1b}") {
            shown_escaped += 1;
        }
    }
    assert!(shown_escaped >= 5, "the captured text is shown, escaped");
}

// --- inferred 401s ------------------------------------------------------------------------

/// A paste of nothing but a challenge: no status line anywhere, so its 401 is inferred.
const LONE_CHALLENGE: &str = "WWW-Authenticate: Bearer error=\"invalid_token\"\n";

fn lone_challenge(format: &str) -> Output {
    why401()
        .args(["analyze", "--no-progress", "-f", format, "-"])
        .write_stdin(LONE_CHALLENGE)
        .output()
        .expect("runs")
}

#[test]
fn an_inferred_401_says_so_in_json_csv_and_text() {
    let json = lone_challenge("json");
    assert_eq!(
        json.status.code(),
        Some(1),
        "an inferred 401 is still a 401"
    );
    let report = parse_json(&String::from_utf8(json.stdout).expect("UTF-8"));
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(found[0]["status"], 401);
    assert_eq!(found[0]["status_inferred"], true);
    assert_eq!(report["summary"]["unauthorized"], 1);
    let counted: u64 = report["summary"]["by_cause"]
        .as_object()
        .expect("by_cause")
        .values()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(counted, 1, "counted in by_cause like any 401");

    let csv = lone_challenge("csv");
    let mut reader = csv::Reader::from_reader(csv.stdout.as_slice());
    let header = reader.headers().expect("header").clone();
    let column = header
        .iter()
        .position(|h| h == "status_inferred")
        .expect("a status_inferred column");
    assert_eq!(header.get(column - 1), Some("remediation"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get(column), Some("true"));

    let text = String::from_utf8(lone_challenge("text").stdout).expect("UTF-8");
    assert!(
        text.contains("1 unauthorized (401), 1 inferred"),
        "header of: {text}"
    );
    let markdown = String::from_utf8(lone_challenge("markdown").stdout).expect("UTF-8");
    assert!(
        markdown.contains("1 of the 401s were inferred"),
        "{markdown}"
    );
}

#[test]
fn stated_401s_are_not_marked_inferred() {
    let report = samples_json(&[]);
    assert!(
        findings(&report)
            .iter()
            .all(|f| f["status_inferred"] == false),
        "every sample states its status"
    );
    assert!(!samples(&[]).contains("inferred"));
}

// --- one set of numbers ----------------------------------------------------------------------

/// Every cause's count as each format states it, for `analyze` on `inputs`.
fn counts_in_every_format(inputs: &[&str]) -> Vec<(&'static str, BTreeMap<String, u64>)> {
    let stdout = |format: &str| {
        let output = run(&[&["analyze", "--no-progress", "-f", format], inputs].concat());
        String::from_utf8(output.stdout).expect("UTF-8 report")
    };
    let from_json = |summary: &Value| -> BTreeMap<String, u64> {
        let causes = summary["by_cause"].as_object().expect("by_cause");
        causes
            .iter()
            .map(|(c, n)| (c.clone(), n.as_u64().expect("count")))
            .filter(|(_, n)| *n > 0)
            .collect()
    };
    let json = parse_json(&stdout("json"));
    let jsonl_summary = stdout("jsonl")
        .lines()
        .map(parse_json)
        .find(|line| line["type"] == "summary")
        .expect("a summary line");
    let mut csv = BTreeMap::new();
    let csv_text = stdout("csv");
    let mut rows = csv::Reader::from_reader(csv_text.as_bytes());
    for row in rows.records() {
        let row = row.expect("a CSV row");
        if &row[6] == "401" {
            *csv.entry(row[7].to_owned()).or_default() += 1;
        }
    }
    let text_chart = chart_counts(&stdout("text"), |line| {
        let mut words = line.split_whitespace();
        Some((words.next()?.to_owned(), words.next()?.parse().ok()?))
    });
    let markdown_table = chart_counts(&stdout("markdown"), |line| {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let cause = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
        Some((cause.to_owned(), cells.get(2)?.parse().ok()?))
    });
    vec![
        ("json", from_json(&json["summary"])),
        ("jsonl", from_json(&jsonl_summary)),
        ("csv", csv),
        ("text", text_chart),
        ("markdown", markdown_table),
    ]
}

/// The lines of a report that name a cause id first, read by `parse`; zero counts left out.
fn chart_counts(
    report: &str,
    parse: impl Fn(&str) -> Option<(String, u64)>,
) -> BTreeMap<String, u64> {
    let ids: Vec<&str> = CAUSES.to_vec();
    report
        .lines()
        .filter_map(|line| parse(line.trim()))
        .filter(|(cause, n)| ids.contains(&cause.as_str()) && *n > 0)
        .collect()
}

#[test]
fn every_format_counts_every_cause_the_same() {
    for inputs in [
        &["samples/"][..],
        &["tests/cases/har", "tests/cases/curl", "tests/cases/jsonl"][..],
    ] {
        let counts = counts_in_every_format(inputs);
        let (_, reference) = &counts[0];
        assert!(!reference.is_empty(), "{inputs:?}: no 401 counted");
        for (format, found) in &counts {
            assert_eq!(found, reference, "{format} on {inputs:?}");
        }
    }
}

#[test]
fn finding_numbers_stay_the_same_whatever_the_filters() {
    let all = samples_json(&[]);
    let number_of = |f: &Value| {
        (
            f["source"].as_str().unwrap().to_owned(),
            f["index"].as_u64().unwrap(),
            f["number"].as_u64().unwrap(),
        )
    };
    let numbered: Vec<_> = findings(&all).iter().map(&number_of).collect();
    let expected: Vec<u64> = (1..=numbered.len() as u64).collect();
    assert_eq!(numbered.iter().map(|n| n.2).collect::<Vec<_>>(), expected);
    let filtered = samples_json(&["--cause", "invalid_token"]);
    let kept = findings(&filtered);
    assert!(!kept.is_empty() && kept.len() < numbered.len());
    for f in kept {
        assert!(numbered.contains(&number_of(f)), "{f}");
    }
    // -v and --explain use the same numbers under the filter.
    let (_, _, first) = number_of(&kept[0]);
    let verbose = samples(&["-v", "--color", "never", "--cause", "invalid_token"]);
    assert!(verbose.contains(&format!("  #{first} ")), "{verbose}");
    let explained = samples(&["--explain", &first.to_string(), "--cause", "invalid_token"]);
    assert!(
        explained.starts_with(&format!("Finding #{first}\n")),
        "{explained}"
    );
    let hidden = numbered
        .iter()
        .find(|n| !kept.iter().any(|f| number_of(f) == **n))
        .unwrap();
    let output = run(&[
        &SAMPLES[..],
        &[
            "--cause",
            "invalid_token",
            "--explain",
            &hidden.2.to_string(),
        ],
    ]
    .concat());
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("left out by the filters"));
}

#[test]
fn filters_narrow_the_timelines_and_each_names_its_source() {
    let all = samples(&["--color", "never"]);
    assert!(all.contains("Credential timelines:"));
    assert!(all.contains("  fp_23d63912a6b3  samples/chrome-devices.har  seen from"));
    let none = samples(&["--color", "never", "--cause", "clock_skew"]);
    assert!(!none.contains("Credential timelines:"), "{none}");
    let expired = samples(&["--color", "never", "--cause", "expired_token"]);
    assert!(expired.contains("fp_23d63912a6b3"));
    assert!(!expired.contains("fp_236e859dea1b"), "{expired}");
}

#[test]
fn group_lines_name_their_findings_and_sources() {
    let report = samples_json(&[]);
    let text = samples(&["--color", "never"]);
    // Every finding's number appears in exactly one group line, beside its source.
    for f in findings(&report) {
        let number = f["number"].as_u64().expect("number");
        let source = f["source"].as_str().expect("source");
        let holds = |line: &&str| {
            let line = line.trim_start();
            let Some(rest) = line
                .strip_prefix("findings ")
                .or_else(|| line.strip_prefix("finding "))
            else {
                return false;
            };
            let (numbers, sources) = rest.split_once(" in ").expect("numbers in sources");
            sources.contains(source)
                && numbers.split(", ").any(|part| {
                    let bounds: Vec<u64> = part
                        .split('–')
                        .map(|n| n.trim_start_matches('#').parse().expect("a number"))
                        .collect();
                    bounds[0] <= number && number <= *bounds.last().expect("a bound")
                })
        };
        assert_eq!(
            text.lines().filter(holds).count(),
            1,
            "#{number} of {source} in {text}"
        );
    }
}
