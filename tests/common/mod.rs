//! Helpers shared by the integration tests: run the real binary with a scrubbed
//! environment and read its JSON report.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The binary with an environment that cannot change its output.
pub fn why401() -> Command {
    let mut cmd = Command::cargo_bin("why401").expect("binary builds");
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_LOG")
        .current_dir(root());
    cmd
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(path: &str) -> PathBuf {
    root().join("tests/fixtures").join(path)
}

/// Runs `analyze -f json` on `args` and returns (exit status, report).
pub fn analyze_json(args: &[&str]) -> (i32, Value) {
    let output = why401()
        .args(["analyze", "-f", "json", "--no-progress"])
        .args(args)
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

/// The `inputs[]` entry for `source`.
pub fn input<'a>(report: &'a Value, source: &str) -> &'a Value {
    report["inputs"]
        .as_array()
        .expect("inputs array")
        .iter()
        .find(|i| i["source"] == source)
        .unwrap_or_else(|| panic!("no input {source} in {}", report["inputs"]))
}

/// `(index, location)` of every finding of `source`.
pub fn finding_places(report: &Value, source: &str) -> Vec<(u64, String)> {
    findings_of(report, source)
        .iter()
        .map(|f| {
            (
                f["index"].as_u64().expect("index"),
                f["location"].as_str().expect("location").to_owned(),
            )
        })
        .collect()
}

pub fn findings_of<'a>(report: &'a Value, source: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["source"] == source)
        .collect()
}

pub fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, content).expect("write fixture");
    path
}
