//! A `why401 serve` process on a free port, for the server's tests and the browser's.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use super::common::root;

/// A running server, stopped when dropped.
pub struct Server {
    child: Child,
    pub address: String,
    _tmp: tempfile::TempDir,
    /// The server's TMPDIR: empty again after each analysis.
    pub tmp: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn binary() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("why401")
}

pub fn start(args: &[&str]) -> Server {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(binary())
        .arg("serve")
        .args(args)
        .env("TMPDIR", tmp.path())
        .current_dir(root())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr);
    let mut line = String::new();
    lines.read_line(&mut line).expect("a line");
    // The server's later lines (counts) are read and dropped.
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    Server {
        child,
        address,
        tmp: tmp.path().to_owned(),
        _tmp: tmp,
    }
}
