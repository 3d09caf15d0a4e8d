//! The labelled 401 cases under `tests/cases/`, written before the diagnosis rules.
//!
//! `tests/cases/expected.tsv` lists every 401 of every case file with the cause, detail and
//! `resolved_later` the diagnosis must give it (`tests/cases/make_cases.py` writes the files
//! and the manifest together). Two tests run today: the manifest is well formed, and the
//! binary reads every case file and finds exactly the 401s the manifest lists. The third
//! asserts every label and prints per-cause accuracy.
//!
//! `tests/cases/ticket/` (customer-pasted ticket text: exceptions, CLI errors, dumps, log
//! lines, fragments, quoted pastes) is labelled in the same manifest and checked by
//! `ticket_cases`, which also requires every ticket file to be read.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

const MANIFEST: &str = "tests/cases/expected.tsv";
const HEADER: &str = "file\tindex\tcause\tdetail\tresolved_later\tnote";

type Run = (&'static str, &'static [&'static str]);

/// Each case folder and the options it is analysed with.
const RUNS: [Run; 6] = [
    ("tests/cases/har", &[]),
    ("tests/cases/curl", &[]),
    ("tests/cases/http", &[]),
    ("tests/cases/jsonl", &[]),
    (
        "tests/cases/with-profile",
        &["--profile", "tests/cases/profile.toml"],
    ),
    (
        "tests/cases/with-keys",
        &["--jwks", "tests/cases/keys/jwks.json"],
    ),
];

/// Ticket text, checked by `ticket_cases`.
const TICKET: Run = ("tests/cases/ticket", &[]);

/// Every labelled folder, for the manifest's own checks.
fn all_runs() -> Vec<Run> {
    RUNS.iter().copied().chain([TICKET]).collect()
}

const CAUSES: [&str; 7] = [
    "expired_token",
    "invalid_token",
    "missing_authorization",
    "insufficient_scope",
    "revoked_credentials",
    "clock_skew",
    "unknown",
];

const FORMATS: [&str; 4] = ["har", "curl", "http", "jsonl"];

/// One manifest row: a 401 and the label it must get.
#[derive(Debug, Clone)]
struct Row {
    file: String,
    index: u64,
    cause: String,
    detail: String,
    resolved_later: bool,
    note: String,
}

impl Row {
    fn expected(&self) -> String {
        format!("{}/{} r={}", self.cause, self.detail, self.resolved_later)
    }
}

fn manifest() -> Vec<Row> {
    let text = std::fs::read_to_string(common::root().join(MANIFEST)).expect("manifest");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(HEADER), "{MANIFEST}: header line");
    lines
        .enumerate()
        .map(|(n, line)| parse_row(line, n + 2))
        .collect()
}

fn parse_row(line: &str, line_no: usize) -> Row {
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(
        fields.len(),
        6,
        "{MANIFEST}:{line_no}: six tab-separated fields"
    );
    let resolved_later = match fields[4] {
        "true" => true,
        "false" => false,
        other => panic!("{MANIFEST}:{line_no}: resolved_later is {other:?}"),
    };
    Row {
        file: fields[0].to_owned(),
        index: fields[1]
            .parse()
            .unwrap_or_else(|_| panic!("{MANIFEST}:{line_no}: index {:?}", fields[1])),
        cause: fields[2].to_owned(),
        detail: fields[3].to_owned(),
        resolved_later,
        note: fields[5].to_owned(),
    }
}

/// The input format a case file is written in: its folder, or for the mixed folders its name.
fn format_of(file: &str) -> &'static str {
    if file.ends_with(".har") {
        "har"
    } else if file.ends_with(".jsonl") {
        "jsonl"
    } else if file.contains("/curl/") || file.ends_with(".curl.txt") {
        "curl"
    } else if file.contains("/http/") || file.ends_with(".http.txt") {
        "http"
    } else if file.starts_with(TICKET.0) {
        "ticket"
    } else {
        panic!("{file}: no format folder or suffix")
    }
}

/// Every file under a case folder, as the binary names it (`tests/cases/har/x.har`).
fn case_files(folder: &str) -> Vec<String> {
    let mut files = Vec::new();
    collect_files(&common::root(), Path::new(folder), &mut files);
    files.sort();
    files
}

fn collect_files(root: &Path, dir: &Path, files: &mut Vec<String>) {
    for entry in std::fs::read_dir(root.join(dir)).expect("case folder") {
        let entry = entry.expect("folder entry");
        let relative = dir.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            collect_files(root, &relative, files);
        } else {
            files.push(relative.to_string_lossy().into_owned());
        }
    }
}

/// Runs `analyze -f json --no-progress` on one case folder.
fn analyze(folder: &str, extra: &[&str]) -> Value {
    let mut args = extra.to_vec();
    args.push(folder);
    let (status, report) = common::analyze_json(&args);
    assert_ne!(status, 2, "{folder}: an input failed: {}", report["inputs"]);
    report
}

fn rows_by_file(rows: &[Row]) -> BTreeMap<&str, Vec<&Row>> {
    let mut by_file: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for row in rows {
        by_file.entry(row.file.as_str()).or_default().push(row);
    }
    by_file
}

#[test]
fn manifest_is_well_formed() {
    let rows = manifest();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for row in &rows {
        let place = format!("{}[{}]", row.file, row.index);
        if !CAUSES.contains(&row.cause.as_str()) {
            problems.push(format!("{place}: unknown cause {}", row.cause));
        }
        if why401::diagnose::details::cause_of(&row.detail).is_none() {
            problems.push(format!("{place}: unknown detail {}", row.detail));
        }
        if !common::root().join(&row.file).is_file() {
            problems.push(format!("{place}: no such file"));
        }
        if !all_runs()
            .iter()
            .any(|(folder, _)| row.file.starts_with(folder))
        {
            problems.push(format!("{place}: not under a case folder"));
        }
        if row.note.trim().is_empty() {
            problems.push(format!("{place}: no note"));
        }
        if !seen.insert((row.file.as_str(), row.index)) {
            problems.push(format!("{place}: listed twice"));
        }
    }
    for cause in CAUSES {
        let of_cause: Vec<&Row> = rows.iter().filter(|r| r.cause == cause).collect();
        if of_cause.len() < 3 {
            problems.push(format!("{cause}: {} rows, at least 3", of_cause.len()));
        }
        let formats: BTreeSet<&str> = of_cause.iter().map(|r| format_of(&r.file)).collect();
        for format in FORMATS {
            if !formats.contains(format) {
                problems.push(format!("{cause}: no case in {format}"));
            }
        }
    }
    for first in 1..=11 {
        let pair = format!("rules {first}-{}", first + 1);
        if !rows.iter().any(|r| r.note.contains(&pair)) {
            problems.push(format!("no case where {pair} both fire"));
        }
    }
    let listed = rows_by_file(&rows);
    for (folder, _) in all_runs() {
        for file in case_files(folder) {
            if !listed.contains_key(file.as_str()) {
                problems.push(format!("{file}: a case file without a labelled 401"));
            }
        }
    }
    assert!(problems.is_empty(), "{MANIFEST}:\n{}", problems.join("\n"));
}

/// The manifest rows of the files under `runs`.
fn rows_under(runs: &[Run]) -> Vec<Row> {
    manifest()
        .into_iter()
        .filter(|r| runs.iter().any(|(folder, _)| r.file.starts_with(folder)))
        .collect()
}

#[test]
fn binary_reads_every_case_and_finds_the_listed_401s() {
    let problems = read_problems(&RUNS);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether the format a file was read as is the one its folder promises. Ticket text may be
/// read by any reader but must not be dismissed as `text` (not a capture).
fn format_problem(file: &str, read_as: &Value) -> Option<String> {
    let format = format_of(file);
    let fine = if format == "ticket" {
        read_as != "text"
    } else {
        read_as == format
    };
    (!fine).then(|| match format {
        "ticket" => format!("{file}: not read (format {read_as}); ticket text must be read"),
        _ => format!("{file}: read as {read_as}, not {format}"),
    })
}

/// Every way the binary's reading of the case files under `runs` differs from the manifest:
/// a file not read, read in the wrong format, with errors, or with other 401s.
fn read_problems(runs: &[Run]) -> Vec<String> {
    let rows = rows_under(runs);
    let listed = rows_by_file(&rows);
    let mut problems = Vec::new();
    for &(folder, extra) in runs {
        let report = analyze(folder, extra);
        for file in case_files(folder) {
            let Some(input) = report["inputs"]
                .as_array()
                .expect("inputs")
                .iter()
                .find(|i| i["source"] == file.as_str())
            else {
                problems.push(format!("{file}: not in the report's inputs"));
                continue;
            };
            if let Some(problem) = format_problem(&file, &input["format"]) {
                problems.push(problem);
                continue;
            }
            if input["errors_total"] != 0 {
                problems.push(format!("{file}: input errors {}", input["errors"]));
            }
            if input["exchanges"] == 0 {
                problems.push(format!("{file}: no exchange read"));
                continue;
            }
            let found: BTreeSet<u64> = common::findings_of(&report, &file)
                .iter()
                .filter(|f| f["status"] == 401)
                .map(|f| f["index"].as_u64().expect("index"))
                .collect();
            let expected: BTreeSet<u64> = listed
                .get(file.as_str())
                .map(|rows| rows.iter().map(|r| r.index).collect())
                .unwrap_or_default();
            if found != expected {
                problems.push(format!(
                    "{file}: 401s at {found:?}, the manifest lists {expected:?}"
                ));
            }
            if input["unauthorized"] != expected.len() {
                problems.push(format!(
                    "{file}: unauthorized {} but {} rows",
                    input["unauthorized"],
                    expected.len()
                ));
            }
        }
    }
    problems
}

/// What the binary said about one 401, in the manifest's terms.
fn got(finding: &Value) -> String {
    let resolved = match &finding["resolved_later"] {
        Value::Bool(b) => b.to_string(),
        other => format!("{other} (not a boolean)"),
    };
    format!(
        "{}/{} r={resolved}",
        finding["cause"].as_str().unwrap_or("?"),
        finding["detail"].as_str().unwrap_or("?")
    )
}

struct Mismatch {
    place: String,
    expected: String,
    got: String,
    note: String,
}

fn mismatch_table(mismatches: &[Mismatch]) -> String {
    let width = |f: fn(&Mismatch) -> &str, title: &str| {
        mismatches
            .iter()
            .map(|m| f(m).len())
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let (wp, we, wg) = (
        width(|m| &m.place, "file[index]"),
        width(|m| &m.expected, "expected"),
        width(|m| &m.got, "got"),
    );
    let mut table = format!(
        "{:wp$}  {:we$}  {:wg$}  note\n",
        "file[index]", "expected", "got"
    );
    for m in mismatches {
        let _ = writeln!(
            table,
            "{:wp$}  {:we$}  {:wg$}  {}",
            m.place, m.expected, m.got, m.note
        );
    }
    table
}

fn accuracy_table(rows: &[Row], correct: &BTreeSet<(String, u64)>) -> String {
    let mut table = String::from("per-cause accuracy on the labelled cases:\n");
    let (mut all_ok, mut all) = (0, 0);
    for cause in CAUSES {
        let of_cause: Vec<&Row> = rows.iter().filter(|r| r.cause == cause).collect();
        let ok = of_cause
            .iter()
            .filter(|r| correct.contains(&(r.file.clone(), r.index)))
            .count();
        all_ok += ok;
        all += of_cause.len();
        let _ = writeln!(table, "  {cause:22} {ok:3}/{:<3}", of_cause.len());
    }
    let _ = writeln!(table, "  {:22} {all_ok:3}/{all:<3}", "all");
    table
}

#[test]
fn every_401_gets_its_labelled_cause_detail_and_resolved_later() {
    assert_labels(&RUNS);
}

/// The ticket-text cases: read (each pasted response one exchange, restatements counted
/// once, prose ignored) and labelled.
#[test]
fn ticket_cases() {
    let problems = read_problems(&[TICKET]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_labels(&[TICKET]);
}

/// Runs the binary on every folder of `runs` and asserts every 401 against the manifest,
/// printing per-cause accuracy first.
fn assert_labels(runs: &[Run]) {
    let rows = rows_under(runs);
    let by_place: BTreeMap<(String, u64), &Row> = rows
        .iter()
        .map(|r| ((r.file.clone(), r.index), r))
        .collect();
    let mut mismatches = Vec::new();
    let mut seen = BTreeSet::new();
    let mut correct = BTreeSet::new();
    for &(folder, extra) in runs {
        let report = analyze(folder, extra);
        for finding in report["findings"].as_array().expect("findings") {
            if finding["status"] != 401 {
                continue;
            }
            let key = (
                finding["source"].as_str().expect("source").to_owned(),
                finding["index"].as_u64().expect("index"),
            );
            let place = format!("{}[{}]", key.0, key.1);
            let got = got(finding);
            let Some(row) = by_place.get(&key) else {
                mismatches.push(Mismatch {
                    place,
                    expected: "(no row: an extra 401)".into(),
                    got,
                    note: String::new(),
                });
                continue;
            };
            seen.insert(key.clone());
            if got == row.expected() {
                correct.insert(key);
            } else {
                mismatches.push(Mismatch {
                    place,
                    expected: row.expected(),
                    got,
                    note: row.note.clone(),
                });
            }
        }
    }
    for row in &rows {
        if !seen.contains(&(row.file.clone(), row.index)) {
            mismatches.push(Mismatch {
                place: format!("{}[{}]", row.file, row.index),
                expected: row.expected(),
                got: "(no finding)".into(),
                note: row.note.clone(),
            });
        }
    }
    eprint!("{}", accuracy_table(&rows, &correct));
    assert!(
        mismatches.is_empty(),
        "{} of {} labelled 401s differ:\n{}",
        mismatches.len(),
        rows.len(),
        mismatch_table(&mismatches)
    );
}
