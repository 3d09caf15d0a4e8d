//! Tests in a real browser (Chromium driven by Playwright for Python): the `-f html` page of
//! the samples and of a hostile capture, and `serve` used through its page. They run when
//! Chromium and Playwright are installed and are skipped with a message on stderr otherwise:
//!
//! ```text
//! apt-get install -y chromium && pip install playwright
//! cargo test --test browser          # CHROMIUM=/path/to/chrome to use another one
//! ```

#[path = "../common/mod.rs"]
mod common;
mod server;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{analyze_json, root, why401};

/// Chromium and Playwright, when both are here.
fn browser(test: &str) -> Option<PathBuf> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            [
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ]
            .map(PathBuf::from),
        )
        .find(|p| p.is_file());
    let playwright = Command::new("python3")
        .args(["-c", "import playwright.sync_api"])
        .output()
        .is_ok_and(|o| o.status.success());
    if let (Some(chromium), true) = (&chromium, playwright) {
        return Some(chromium.clone());
    }
    // Straight to stderr, past the test harness's capture, so the skip is seen.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: needs Chromium ({}) and Playwright for Python ({}); \
         apt-get install -y chromium && pip install playwright",
        if chromium.is_some() {
            "found"
        } else {
            "missing"
        },
        if playwright { "found" } else { "missing" },
    );
    None
}

fn python(script: &str, args: &[&std::ffi::OsStr]) {
    let output = Command::new("python3")
        .arg(root().join("tests/browser").join(script))
        .args(args)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn report(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let output = why401()
        .args(["analyze", "--no-progress", "-q", "-o"])
        .arg(&path)
        .args(args)
        .output()
        .expect("runs");
    assert!(matches!(output.status.code(), Some(0..=2)), "{output:?}");
    path
}

#[test]
fn the_report_page_in_chromium() {
    let Some(chromium) = browser("the_report_page_in_chromium") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let samples = ["--profile", "samples/profile.toml", "samples/"];
    let html = report(
        dir.path(),
        "report.html",
        &[&["-f", "html"], &samples[..]].concat(),
    );
    let json = report(
        dir.path(),
        "report.json",
        &[&["-f", "json"], &samples[..]].concat(),
    );
    let capture = dir.path().join("hostile\u{202e}.http");
    std::fs::copy(root().join("tests/browser/hostile.http"), &capture).expect("copy");
    let hostile = report(
        dir.path(),
        "hostile.html",
        &["-f", "html", capture.to_str().expect("path")],
    );
    let log = std::fs::read_to_string(root().join("samples/gateway-logs.jsonl")).expect("log");
    let many = dir.path().join("many.jsonl");
    std::fs::write(&many, log.repeat(120)).expect("write");
    let paged = report(
        dir.path(),
        "many.html",
        &["-f", "html", many.to_str().expect("path")],
    );
    let mut args = vec![
        chromium.into_os_string(),
        html.into(),
        json.into(),
        hostile.into(),
        paged.into(),
    ];
    if let Some(shot) = std::env::var_os("WHY401_SCREENSHOT") {
        args.push(shot);
    }
    python(
        "report_page.py",
        &args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>(),
    );
}

/// A `.tar.gz` of two samples, as a customer's log bundle.
fn bundle(dir: &Path) -> PathBuf {
    let path = dir.join("bundle.tar.gz");
    let file = std::fs::File::create(&path).expect("create");
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        file,
        flate2::Compression::fast(),
    ));
    for name in ["curl-v-http1.txt", "gateway-logs.jsonl"] {
        tar.append_path_with_name(root().join("samples").join(name), name)
            .expect("append");
    }
    tar.into_inner().expect("tar").finish().expect("gzip");
    path
}

#[test]
fn serve_in_chromium() {
    let Some(chromium) = browser("serve_in_chromium") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let har = root().join("samples/chrome-devices.har");
    let tgz = bundle(dir.path());
    let ticket = root().join("samples/curl-i-paste.txt");
    let (_, cli) = analyze_json(&[
        "--profile",
        "samples/profile.toml",
        har.to_str().expect("path"),
        tgz.to_str().expect("path"),
        ticket.to_str().expect("path"),
    ]);
    let expected = dir.path().join("expected.json");
    std::fs::write(&expected, cli["summary"].to_string()).expect("write");
    let local = server::start(&[
        "--listen",
        "127.0.0.1:0",
        "--profile",
        "samples/profile.toml",
    ]);
    let secret = "browser-test-token-0123456789";
    let token = dir.path().join("token");
    std::fs::write(&token, secret).expect("token");
    let shared = server::start(&[
        "--listen",
        "0.0.0.0:0",
        "--token",
        token.to_str().expect("path"),
    ]);
    let shared_url = format!(
        "http://127.0.0.1:{}/",
        shared.address.rsplit(':').next().unwrap_or("")
    );
    let args: Vec<std::ffi::OsString> = vec![
        chromium.into(),
        format!("http://{}/", local.address).into(),
        expected.into(),
        ticket.into(),
        har.into(),
        tgz.into(),
        "--".into(),
        shared_url.into(),
        secret.into(),
    ];
    python(
        "serve_page.py",
        &args.iter().map(|a| a.as_os_str()).collect::<Vec<_>>(),
    );
    assert!(
        std::fs::read_dir(&local.tmp)
            .map(|d| d.count())
            .unwrap_or(0)
            == 0,
        "uploads removed"
    );
}
