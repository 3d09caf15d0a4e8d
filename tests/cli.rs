//! The command line as a user meets it: exit statuses, bad paths, non-captures, output
//! destinations, help.

mod common;

use common::{analyze_json, input, why401, write};
use predicates::prelude::*;

#[test]
fn missing_path_is_an_input_error_and_the_report_is_still_written() {
    let (status, report) = analyze_json(&["tests/fixtures/does-not-exist.har"]);
    assert_eq!(status, 2);
    let entry = input(&report, "tests/fixtures/does-not-exist.har");
    assert_eq!(entry["errors_total"], 1);
    assert!(
        entry["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no such file")
    );
}

#[test]
fn missing_path_is_named_on_stderr_with_prefix() {
    why401()
        .args(["analyze", "--no-progress", "nope/x.har"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("why401: error: nope/x.har"));
}

#[test]
fn explicit_file_of_no_known_format_is_an_error() {
    let (status, report) = analyze_json(&["tests/fixtures/misc/notes.md"]);
    assert_eq!(status, 2);
    let entry = input(&report, "tests/fixtures/misc/notes.md");
    // Read as ticket text (any text is), but it reports no response: an error, never a
    // silent all-clear.
    assert_eq!(entry["format"], "ticket");
    let message = entry["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("no HTTP response"), "{message}");
    assert!(message.contains("--input-format"), "{message}");
}

#[test]
fn non_capture_inside_a_folder_is_listed_with_a_note_and_exit_0() {
    let (status, report) = analyze_json(&["tests/fixtures/misc"]);
    assert_eq!(status, 0);
    let entry = input(&report, "tests/fixtures/misc/notes.md");
    assert_eq!(entry["format"], "text");
    assert_eq!(entry["exchanges"], 0);
    assert_eq!(entry["notes"][0]["code"], "not_a_capture");
    assert_eq!(entry["errors_total"], 0);
}

#[test]
fn empty_and_binary_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.har", b"");
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let binary = write(dir.path(), "garbage.bin", &garbage);
    let (status, report) = analyze_json(&[empty.to_str().unwrap(), binary.to_str().unwrap()]);
    assert_eq!(status, 2);
    let empty_entry = input(&report, empty.to_str().unwrap());
    assert!(
        empty_entry["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("empty")
    );
    let binary_entry = input(&report, binary.to_str().unwrap());
    assert_eq!(binary_entry["errors_total"], 1);
    // No reader can read binary data: no advice to force one.
    let message = binary_entry["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("binary data"), "{message}");
    assert!(!message.contains("--input-format"), "{message}");
}

#[test]
fn empty_stdin_is_named_dash() {
    let output = why401()
        .args(["analyze", "-f", "json", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["inputs"][0]["source"], "-");
}

#[test]
fn output_file_leaves_stdout_empty() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    why401()
        .args(["analyze", "-f", "json", "-o", out.to_str().unwrap()])
        .arg("tests/fixtures/misc")
        .assert()
        .code(0)
        .stdout("");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(report["schema"], "why401/report/v1");
    assert_eq!(report["summary"]["by_cause"].as_object().unwrap().len(), 7);
}

#[test]
fn zero_threads_is_a_usage_error() {
    why401()
        .args(["analyze", "-j", "0", "tests/fixtures/misc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--threads"));
}

#[test]
fn help_explains_every_option_with_examples() {
    let assert = why401().args(["analyze", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for option in [
        "--input-format",
        "--format",
        "--output",
        "--threads",
        "--no-progress",
        "--quiet",
        "Exit status",
        "Example",
    ] {
        assert!(help.contains(option), "help lacks {option}");
    }
}

#[test]
fn a_gz_file_is_one_source_named_after_the_file() {
    let (status, report) = analyze_json(&["samples/traefik-access.log.gz"]);
    assert_eq!(status, 1);
    let entry = input(&report, "samples/traefik-access.log.gz");
    assert_eq!(entry["format"], "jsonl");
    assert_eq!(entry["exchanges"], 8);
    assert_eq!(entry["unauthorized"], 2);
    assert_eq!(
        common::finding_places(&report, "samples/traefik-access.log.gz"),
        vec![(3, "line 4".to_owned()), (5, "line 6".to_owned())]
    );
}

#[test]
fn samples_read_without_errors_and_exit_1() {
    let (status, report) = analyze_json(&["--profile", "samples/profile.toml", "samples/"]);
    assert_eq!(status, 1);
    for input in report["inputs"].as_array().unwrap() {
        assert_eq!(input["errors_total"], 0, "{input}");
        assert!(input["source"].as_str().unwrap().starts_with("samples/"));
    }
    let summary = &report["summary"];
    let by_cause: u64 = summary["by_cause"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_cause, summary["unauthorized"].as_u64().unwrap());
    assert_eq!(
        summary["unauthorized"].as_u64().unwrap() as usize,
        report["findings"].as_array().unwrap().len()
    );
}

#[test]
fn thread_count_does_not_change_the_report() {
    let run = |threads: &str| {
        why401()
            .args([
                "analyze",
                "-f",
                "json",
                "-j",
                threads,
                "--profile",
                "samples/profile.toml",
            ])
            .args(["samples/", "tests/cases"])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("4"));
}

#[test]
fn every_option_in_help_has_an_example() {
    let assert = why401().args(["analyze", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let options = help.matches("\n  -").count() + help.matches("\n      --").count();
    let examples = help.matches("Example:").count();
    // --help and --version come from clap without examples.
    assert!(
        examples + 2 >= options,
        "{examples} examples for {options} options:\n{help}"
    );
}

#[test]
fn a_closed_pipe_exits_0_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("why401"))
        .args(["analyze", "-f", "jsonl", "-v", "tests/cases", "samples"])
        .current_dir(common::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is now closed: the rest of the report meets a broken pipe.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("error"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

// --- no false all-clear ----------------------------------------------------------------------

const PROSE: &str = "Hi team,\nour nightly sync against the ledger API stopped working.\nThanks\n";

#[test]
fn a_named_file_forced_to_a_format_that_finds_nothing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let prose = write(dir.path(), "mail.txt", PROSE.as_bytes());
    let name = prose.to_str().unwrap();
    let output = why401()
        .args(["analyze", "--no-progress", "--input-format", "curl", name])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(name), "{stderr}");
    assert!(
        stderr.contains("read as curl but no exchange was found; try --input-format auto"),
        "{stderr}"
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(name) && text.contains("no exchange was found"),
        "{text}"
    );

    let (status, report) = analyze_json(&["--input-format", "http", name]);
    assert_eq!(status, 2);
    let entry = input(&report, name);
    assert_eq!(entry["format"], "http");
    assert!(
        entry["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("read as http but no exchange was found")
    );
}

#[test]
fn a_named_file_whose_detected_format_finds_nothing_is_an_error() {
    // JSON lines, so read as a JSON log, but no line is a request.
    let dir = tempfile::tempdir().unwrap();
    let log = write(
        dir.path(),
        "app.jsonl",
        b"{\"level\":\"info\",\"msg\":\"worker started\"}\n{\"level\":\"info\",\"msg\":\"queue drained\"}\n",
    );
    let name = log.to_str().unwrap();
    let (status, report) = analyze_json(&[name]);
    assert_eq!(status, 2);
    let entry = input(&report, name);
    assert_eq!(entry["format"], "jsonl");
    assert!(
        entry["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("read as jsonl but no exchange was found")
    );
}

#[test]
fn stdin_forced_to_a_format_that_finds_nothing_is_an_error() {
    why401()
        .args(["analyze", "--no-progress", "--input-format", "curl", "-"])
        .write_stdin(PROSE)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "why401: error: -: read as curl but no exchange was found",
        ));
}

#[test]
fn an_empty_file_forced_to_a_format_is_not_a_finding_failure() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.txt", b"\n\n");
    let (status, _) = analyze_json(&["--input-format", "curl", empty.to_str().unwrap()]);
    assert_eq!(status, 0);
}

#[test]
fn a_folder_walk_names_the_inputs_it_read_nothing_from() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..24 {
        write(dir.path(), &format!("notes-{i:02}.txt"), PROSE.as_bytes());
    }
    write(
        dir.path(),
        "zz-app.jsonl",
        b"{\"level\":\"info\",\"msg\":\"worker started\"}\n",
    );
    let output = why401()
        .args(["analyze", "--no-progress"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "a folder walk skips, it does not fail"
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("Inputs from which no exchange was read (25):"),
        "{text}"
    );
    let named = text.lines().filter(|l| l.contains("notes-")).count();
    assert_eq!(named, 20, "{text}");
    assert!(text.contains("  … and 5 more"), "{text}");
    assert!(text.contains("not a HAR file"), "{text}");

    let (_, report) = analyze_json(&[dir.path().to_str().unwrap()]);
    let jsonl = input(&report, dir.path().join("zz-app.jsonl").to_str().unwrap());
    assert_eq!(jsonl["notes"][0]["code"], "no_exchange");
    assert_eq!(jsonl["errors_total"], 0);
}

#[test]
fn explain_past_the_last_finding_is_a_usage_error() {
    let (_, report) = analyze_json(&["--profile", "samples/profile.toml", "samples/"]);
    let findings = report["findings"].as_array().expect("findings").len();
    for n in ["0".to_owned(), (findings + 1).to_string()] {
        why401()
            .args(["analyze", "--no-progress", "--explain", &n, "samples/"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!("--explain {n}")));
    }
    why401()
        .args([
            "analyze",
            "--no-progress",
            "--explain",
            &findings.to_string(),
            "samples/",
        ])
        .assert()
        .code(1);
}

#[test]
fn an_empty_folder_is_an_error_not_an_all_clear() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().to_str().expect("utf-8 path");
    why401()
        .args(["analyze", "--no-progress", folder])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("(not read)"))
        .stderr(predicate::str::contains("the folder holds no file"));
}

#[test]
fn a_path_that_cannot_be_read_is_not_called_text_and_its_error_has_no_place() {
    why401()
        .args([
            "analyze",
            "--no-progress",
            "tests/fixtures/does-not-exist.har",
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("(not read)"))
        .stdout(predicate::str::contains("(text)").not())
        .stdout(predicate::str::contains("error at input").not())
        .stderr(predicate::str::contains(": input:").not());
}

#[test]
fn a_date_alone_bounds_the_whole_day_in_utc() {
    let (_, all) = analyze_json(&["samples/"]);
    let on = |day: &str| {
        all["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["time"].as_str().is_some_and(|t| t.starts_with(day)))
            .count()
    };
    let day = all["findings"][0]["time"]
        .as_str()
        .expect("a timed finding")[..10]
        .to_owned();
    let (_, that_day) = analyze_json(&["--since", &day, "--until", &day, "samples/"]);
    let kept = that_day["findings"].as_array().expect("findings").len();
    assert_eq!(kept, on(&day));
    assert!(kept > 0);
    why401()
        .args(["analyze", "--since", "2024-13-01", "samples/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("neither a date"));
}

#[test]
fn explain_with_json_prints_that_finding_alone() {
    let (_, report) = analyze_json(&["samples/"]);
    let second = &report["findings"][1];
    let output = why401()
        .args([
            "analyze",
            "--no-progress",
            "-f",
            "json",
            "--explain",
            "2",
            "samples/",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let alone: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(&alone, second);
}

/// A reader that stops early (`| head -1`) closes the pipe: the run ends quietly, whatever
/// the format.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command as Process, Stdio};
    // Far more output than a pipe buffers, so the writer meets the closed pipe.
    let dir = tempfile::tempdir().expect("tempdir");
    let log = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/gateway-logs.jsonl"),
    )
    .expect("sample");
    let big = dir.path().join("big.jsonl");
    std::fs::write(&big, log.repeat(300)).expect("write");
    for format in ["csv", "jsonl", "text"] {
        let mut child = Process::new(assert_cmd::cargo::cargo_bin("why401"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["analyze", "--no-progress", "-v", "-f", format])
            .arg(&big)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("a first line");
        let out = child.wait_with_output().expect("ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("Broken pipe"), "{format}: {stderr}");
    }
}
