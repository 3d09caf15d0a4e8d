//! Partial reports and `merge`: the merged report of the partials of any split of the inputs,
//! in any order and merged in any tree, is the report of one run over all of them.

mod common;

use std::path::Path;

use common::why401;

const SAMPLE_FILES: [&str; 10] = [
    "chrome-devices.har",
    "curl-i-paste.txt",
    "curl-trace-ascii.txt",
    "curl-v-http1.txt",
    "curl-v-http2-redirect.txt",
    "firefox-portal.har",
    "gateway-logs.jsonl",
    "kong.json",
    "profile.toml",
    "traefik-access.log.gz",
];

const PROFILE: [&str; 2] = ["--profile", "samples/profile.toml"];

/// A small deterministic generator (the splits must be the same on every run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn run(args: &[&str], stdin: Option<Vec<u8>>) -> (i32, Vec<u8>, String) {
    let mut cmd = why401();
    cmd.args(args);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes);
    }
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The samples spread over `parts` sub-folders of `all/`.
fn split_samples(root: &Path, rng: &mut Lcg, parts: usize) {
    for name in SAMPLE_FILES {
        let part = root.join("all").join(format!("p{}", rng.below(parts)));
        std::fs::create_dir_all(&part).expect("mkdir");
        std::fs::copy(common::root().join("samples").join(name), part.join(name)).expect("copy");
    }
}

fn partial_of(folder: &Path) -> Vec<u8> {
    let (code, stdout, stderr) = run(
        &[
            &["analyze", "--partial", "--no-progress"][..],
            &PROFILE,
            &[path(folder)],
        ]
        .concat(),
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    stdout
}

#[test]
fn merged_partials_of_any_split_and_order_equal_one_run() {
    for seed in 1..=4u64 {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut rng = Lcg(seed);
        let parts = 1 + rng.below(4);
        split_samples(dir.path(), &mut rng, parts);
        let all = dir.path().join("all");
        let (_, expected, _) = run(
            &[
                &["analyze", "--no-progress", "-f", "json"][..],
                &PROFILE,
                &[path(&all)],
            ]
            .concat(),
            None,
        );
        let mut parts: Vec<Vec<u8>> = std::fs::read_dir(&all)
            .expect("parts")
            .map(|e| partial_of(&e.expect("entry").path()))
            .collect();
        // Any order, and a nested merge of the first two parts when there are two.
        for i in (1..parts.len()).rev() {
            parts.swap(i, rng.below(i + 1));
        }
        if parts.len() >= 2 {
            let nested: Vec<u8> = parts.drain(..2).flatten().collect();
            let (code, merged, stderr) = run(&["merge", "--partial", "-"], Some(nested));
            assert_eq!(code, 0, "{stderr}");
            parts.push(merged);
        }
        let files: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(i, bytes)| {
                let file = dir.path().join(format!("{i}.partial"));
                std::fs::write(&file, bytes).expect("write");
                path(&file).to_owned()
            })
            .collect();
        let args: Vec<&str> = ["merge", "-f", "json"]
            .into_iter()
            .chain(files.iter().map(String::as_str))
            .collect();
        let (code, merged, stderr) = run(&args, None);
        assert_eq!(code, 1, "the samples hold 401s: {stderr}");
        assert!(
            merged == expected,
            "seed {seed}: merged report differs:\n{}",
            String::from_utf8_lossy(&merged)
        );
    }
}

#[test]
fn the_text_report_of_a_merge_is_the_text_report_of_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    split_samples(dir.path(), &mut Lcg(7), 2);
    let all = dir.path().join("all");
    let text = ["--color", "never"];
    let (_, expected, _) = run(
        &[
            &["analyze", "--no-progress"][..],
            &PROFILE,
            &text,
            &[path(&all)],
        ]
        .concat(),
        None,
    );
    let joined: Vec<u8> = std::fs::read_dir(&all)
        .expect("parts")
        .flat_map(|e| partial_of(&e.expect("entry").path()))
        .collect();
    let (_, merged, _) = run(&[&["merge"][..], &text, &["-"]].concat(), Some(joined));
    assert_eq!(
        String::from_utf8_lossy(&merged),
        String::from_utf8_lossy(&expected)
    );
    assert!(String::from_utf8_lossy(&merged).contains("What to do:"));
}

#[test]
fn unreadable_inputs_are_records_and_the_merge_reports_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("gone.har");
    let truncated = dir.path().join("cut.jsonl.gz");
    std::fs::write(&truncated, [0x1f, 0x8b, 0x08, 0x00, 0x00]).expect("write");
    let (code, partial, stderr) = run(
        &[
            "analyze",
            "--partial",
            "--no-progress",
            path(&missing),
            path(&truncated),
            "samples/kong.json",
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&partial)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON record"))
        .collect();
    assert_eq!(records.len(), 3);
    assert!(records.iter().all(|r| r["schema"] == "why401/partial/v1"));
    let failed: Vec<bool> = records.iter().map(|r| r["failed"] == true).collect();
    assert_eq!(failed.iter().filter(|f| **f).count(), 2, "{records:?}");
    // The merged report fails as one run over the same inputs would (exit 2).
    let (code, report, _) = run(&["merge", "-f", "json", "-"], Some(partial));
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_slice(&report).expect("JSON");
    assert_eq!(report["summary"]["inputs"], 3);
}

#[test]
fn a_malformed_partial_is_an_error_naming_its_line() {
    let (code, _, stderr) = run(
        &["merge", "-"],
        Some(b"{\"schema\":\"why401/partial/v1\"}\nnot json at all\n".to_vec()),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("-: line 1: not a why401/partial/v1 record"),
        "{stderr}"
    );
    let (code, _, stderr) = run(
        &["merge", "-"],
        Some(b"{\"schema\":\"other/v9\"}\n".to_vec()),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("line 1"), "{stderr}");
}

#[test]
fn files_from_and_a_name_for_stdin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("inputs.txt");
    std::fs::write(&list, "samples/kong.json\n\nsamples/curl-v-http1.txt\n").expect("write");
    let (code, json, stderr) = run(
        &["analyze", "-f", "json", "--files-from", path(&list)],
        None,
    );
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    assert_eq!(report["summary"]["inputs"], 2);

    let kong = std::fs::read(common::root().join("samples/kong.json")).expect("read");
    let (_, json, _) = run(
        &["analyze", "-f", "json", "--name", "store/kong.json", "-"],
        Some(kong),
    );
    let report: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    assert_eq!(report["inputs"][0]["source"], "store/kong.json");
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["source"] == "store/kong.json")
    );

    let (code, _, stderr) = run(&["analyze", "--files-from", "-", "-"], Some(Vec::new()));
    assert_eq!(code, 2);
    assert!(stderr.contains("stdin cannot hold both"), "{stderr}");
}

/// A named pipe held open by a writer that never writes: reading it blocks for ever (a pipe
/// with no writer at all reads as empty, see `input::fifo`). The handle keeps the writer.
#[cfg(unix)]
fn hanging_pipe(dir: &Path) -> (std::path::PathBuf, std::fs::File) {
    let fifo = dir.join("hang.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // Opening read-write never blocks on Linux, and makes this process a writer.
    let writer = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .expect("open the pipe");
    (fifo, writer)
}

#[cfg(unix)]
#[test]
fn a_hanging_input_becomes_a_timeout_record_and_the_others_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (fifo, _writer) = hanging_pipe(dir.path());
    let started = std::time::Instant::now();
    let (code, partial, stderr) = run(
        &[
            "analyze",
            "--partial",
            "--no-progress",
            "--input-timeout",
            "1s",
            path(&fifo),
            "samples/kong.json",
        ],
        None,
    );
    // The process ends although the thread reading the pipe is still blocked in it.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(code, 0, "{stderr}");
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&partial)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON record"))
        .collect();
    assert_eq!(records.len(), 2, "{records:?}");
    let hung = &records[0];
    assert_eq!(hung["input"]["source"], path(&fifo));
    assert_eq!(hung["failed"], true);
    let message = hung["input"]["errors"][0]["message"]
        .as_str()
        .expect("error");
    assert!(message.contains("--input-timeout 1s"), "{message}");
    assert_eq!(records[1]["failed"], false);
    assert!(records[1]["input"]["exchanges"].as_u64() > Some(0));

    // Without --partial: an error for that input, exit 2, the report still written.
    let (code, json, stderr) = run(
        &[
            "analyze",
            "--no-progress",
            "-f",
            "json",
            "--input-timeout",
            "500ms",
            path(&fifo),
            "samples/kong.json",
        ],
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--input-timeout 500ms"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    assert_eq!(report["summary"]["inputs"], 2);
}

#[test]
fn an_input_timeout_needs_a_positive_duration() {
    for bad in ["0s", "soon", "5d"] {
        let (code, _, stderr) = run(
            &["analyze", "--input-timeout", bad, "samples/kong.json"],
            None,
        );
        assert_eq!(code, 2, "{bad}");
        assert!(stderr.contains("--input-timeout"), "{stderr}");
    }
    let (code, _, stderr) = run(
        &[
            "analyze",
            "--input-timeout",
            "1m",
            "-q",
            "samples/kong.json",
        ],
        None,
    );
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn merge_keeps_the_order_of_a_stable_sort_whether_streams_are_in_order_or_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sorted = partial_of(&common::root().join("samples"));
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&sorted)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON record"))
        .collect();
    // The same sources, out of order and marked, so each record tells which stream it is from.
    let reversed: String = records
        .iter()
        .rev()
        .map(|r| {
            let mut r = r.clone();
            r["input"]["exchanges"] = serde_json::json!(1_000_000);
            format!("{r}\n")
        })
        .collect();
    let in_order = dir.path().join("in-order.partial");
    let out_of_order = dir.path().join("out-of-order.partial");
    std::fs::write(&in_order, &sorted).expect("write");
    std::fs::write(&out_of_order, &reversed).expect("write");
    let expect = |first_marked: bool| -> Vec<(String, bool)> {
        records
            .iter()
            .flat_map(|r| {
                let source = r["input"]["source"].as_str().expect("source").to_owned();
                [(source.clone(), first_marked), (source, !first_marked)]
            })
            .collect()
    };
    let order_of = |bytes: &[u8]| -> Vec<(String, bool)> {
        String::from_utf8_lossy(bytes)
            .lines()
            .map(|l| {
                let r: serde_json::Value = serde_json::from_str(l).expect("a JSON record");
                let source = r["input"]["source"].as_str().expect("source").to_owned();
                (source, r["input"]["exchanges"] == 1_000_000)
            })
            .collect()
    };
    let (code, merged, stderr) = run(
        &["merge", "--partial", path(&in_order), path(&out_of_order)],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(order_of(&merged), expect(false));
    // Stdin is held and sorted too; named first, its records come first.
    let (_, merged, _) = run(
        &["merge", "--partial", "-", path(&in_order)],
        Some(reversed.into_bytes()),
    );
    assert_eq!(order_of(&merged), expect(true));
}
