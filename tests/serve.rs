//! `why401 serve` against the real binary on a free port: the usage errors before binding,
//! the headers every answer carries, the `Host` check, uploads from another origin refused,
//! the token (401 with a challenge, then a cookie), the size and concurrency limits (the page
//! still answering while an analysis runs), and an upload analyzed with the same counts as
//! `analyze`, its temporary files gone afterwards.

mod common;
#[path = "browser/server.rs"]
mod server;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;

use common::{analyze_json, root};
use serde_json::Value;
use server::{Server, binary, start};

struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request (`Host` is the server's unless `extra` names another).
fn request(
    server: &Server,
    method: &str,
    path: &str,
    extra: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = TcpStream::connect(&server.address).expect("connects");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !extra.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {}\r\n", server.address));
    }
    for (key, value) in extra {
        head.push_str(&format!("{key}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write");
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head[9..12].parse().expect("status");
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = unchunk(&body);
    }
    Answer { status, head, body }
}

fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..end]).unwrap_or("0").trim(), 16)
                .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 4 + size..];
    }
    out
}

const BOUNDARY: &str = "why401boundary";

/// A multipart form: files (name, content), then the ticket text.
fn form(files: &[(&str, Vec<u8>)], ticket: &str) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, content) in files {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").bytes());
        body.extend(content);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"ticket\"\r\n\r\n{ticket}\r\n--{BOUNDARY}--\r\n").bytes());
    body
}

fn upload(server: &Server, body: &[u8], origin: &str) -> Answer {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    request(
        server,
        "POST",
        "/analyze",
        &[
            ("Content-Type", &content_type),
            ("Origin", origin),
            ("X-Requested-With", "why401"),
        ],
        body,
    )
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(root().join("samples").join(name)).expect("sample")
}

#[test]
fn a_non_local_address_needs_a_token_before_anything_binds() {
    let output = Command::new(binary())
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--token"), "{stderr}");
}

#[test]
fn every_answer_forbids_caching_referrers_and_foreign_content() {
    let server = start(&["--listen", "127.0.0.1:0"]);
    let page = request(&server, "GET", "/", &[], b"");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(
        page.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );
    let policy = page.header("content-security-policy").expect("a policy");
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(page.text().contains("id=\"upload\""));
    let missing = request(&server, "GET", "/../../etc/passwd", &[], b"");
    assert_eq!(missing.status, 404);
    assert!(!missing.text().contains("root:"));
    let rebound = request(&server, "GET", "/", &[("Host", "attacker.example:80")], b"");
    assert_eq!(
        rebound.status, 421,
        "a foreign Host (DNS rebinding) is refused"
    );
}

#[test]
fn an_upload_gives_the_counts_of_analyze_and_leaves_nothing_behind() {
    let server = start(&[
        "--listen",
        "127.0.0.1:0",
        "--profile",
        "samples/profile.toml",
    ]);
    let ticket = String::from_utf8(sample("curl-i-paste.txt")).expect("text");
    let body = form(
        &[
            ("../chrome-devices.har", sample("chrome-devices.har")),
            ("traefik-access.log.gz", sample("traefik-access.log.gz")),
        ],
        &ticket,
    );
    let origin = format!("http://{}", server.address);
    let answer = upload(&server, &body, &origin);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let result: Value = serde_json::from_slice(&answer.body).expect("JSON");
    let (_, cli) = analyze_json(&[
        "--profile",
        "samples/profile.toml",
        "samples/chrome-devices.har",
        "samples/traefik-access.log.gz",
        "samples/curl-i-paste.txt",
    ]);
    for key in [
        "inputs",
        "exchanges",
        "unauthorized",
        "resolved_later",
        "by_cause",
    ] {
        assert_eq!(result["summary"][key], cli["summary"][key], "{key}");
    }
    let id = result["id"].as_str().expect("id");
    let json = request(&server, "GET", &format!("/report/{id}/json"), &[], b"");
    let report: Value = serde_json::from_slice(&json.body).expect("JSON report");
    assert_eq!(report["summary"], result["summary"]);
    let sources: Vec<&str> = report["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["source"].as_str())
        .collect();
    assert_eq!(
        sources,
        [
            "1-chrome-devices.har",
            "2-traefik-access.log.gz",
            "3-pasted-ticket.txt"
        ]
    );
    for kind in ["csv", "md", "html"] {
        let file = request(&server, "GET", &format!("/report/{id}/{kind}"), &[], b"");
        assert_eq!(file.status, 200, "{kind}");
        assert!(
            file.header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment"))
        );
    }
    let page = request(&server, "GET", &format!("/report/{id}"), &[], b"");
    assert!(page.text().contains("<details class=\"finding\""));
    assert_eq!(
        page.header("content-security-policy").as_deref(),
        Some(why401::report::html::content_security_policy())
    );
    assert!(
        leftovers(&server.tmp).is_empty(),
        "{:?}",
        leftovers(&server.tmp)
    );
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn uploads_from_another_origin_are_refused() {
    let server = start(&["--listen", "127.0.0.1:0"]);
    let body = form(&[("a.har", sample("chrome-devices.har"))], "");
    assert_eq!(upload(&server, &body, "http://evil.example").status, 403);
    let cross = request(
        &server,
        "POST",
        "/analyze",
        &[("Sec-Fetch-Site", "cross-site")],
        &body,
    );
    assert_eq!(cross.status, 403);
}

#[test]
fn an_upload_over_the_limit_is_refused_with_the_flag_named() {
    let server = start(&["--listen", "127.0.0.1:0", "--max-upload", "10K"]);
    let body = form(&[("big.har", sample("chrome-devices.har"))], "");
    let answer = upload(&server, &body, &format!("http://{}", server.address));
    assert_eq!(answer.status, 413);
    assert!(answer.text().contains("--max-upload"), "{}", answer.text());
}

#[test]
fn without_the_token_a_shared_server_answers_401() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token_file = dir.path().join("token");
    let token = "0123456789abcdef0123456789abcdef";
    std::fs::write(&token_file, format!("{token}\n")).expect("token");
    let server = start(&[
        "--listen",
        "0.0.0.0:0",
        "--token",
        token_file.to_str().expect("path"),
    ]);
    let refused = request(&server, "GET", "/", &[], b"");
    assert_eq!(refused.status, 401);
    assert!(
        refused
            .header("www-authenticate")
            .is_some_and(|c| c.starts_with("Bearer"))
    );
    let bearer = format!("Bearer {token}");
    assert_eq!(
        request(&server, "GET", "/", &[("Authorization", &bearer)], b"").status,
        200
    );
    let origin = format!("http://{}", server.address);
    let login = request(
        &server,
        "POST",
        "/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &origin),
        ],
        format!("token={token}").as_bytes(),
    );
    assert_eq!(login.status, 303, "{}", login.text());
    let cookie = login.header("set-cookie").expect("a cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains(token),
        "the cookie holds a hash, not the token"
    );
    let pair = cookie.split(';').next().expect("pair");
    assert_eq!(
        request(&server, "GET", "/", &[("Cookie", pair)], b"").status,
        200
    );
    let wrong = request(&server, "GET", "/", &[("Cookie", "why401_session=00")], b"");
    assert_eq!(wrong.status, 401);
}

#[test]
fn while_an_analysis_runs_the_page_answers_and_a_second_one_waits_its_turn() {
    let server = start(&["--listen", "127.0.0.1:0", "--max-analyses", "1"]);
    // An upload that has begun and goes on: it holds the only analysis slot.
    let mut slow = TcpStream::connect(&server.address).expect("connects");
    let head = format!(
        "POST /analyze HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: 100000\r\n\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.har\"\r\n\r\n{{",
        server.address
    );
    slow.write_all(head.as_bytes()).expect("write");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(request(&server, "GET", "/", &[], b"").status, 200);
    let body = form(&[("b.har", sample("chrome-devices.har"))], "");
    let busy = upload(&server, &body, &format!("http://{}", server.address));
    assert_eq!(busy.status, 503, "{}", busy.text());
    assert!(busy.text().contains("--max-analyses"), "{}", busy.text());
}

#[test]
fn each_upload_has_a_sanitized_copy_to_download() {
    let server = start(&["--listen", "127.0.0.1:0"]);
    let body = form(&[("chrome-devices.har", sample("chrome-devices.har"))], "");
    let origin = format!("http://{}", server.address);
    let answer = upload(&server, &body, &origin);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let result: Value = serde_json::from_slice(&answer.body).expect("JSON");
    assert_eq!(
        result["sanitized"],
        serde_json::json!(["sanitized-chrome-devices.har"])
    );
    let id = result["id"].as_str().expect("id");
    let copy = request(
        &server,
        "GET",
        &format!("/report/{id}/sanitized/1"),
        &[],
        b"",
    );
    assert_eq!(copy.status, 200, "{}", copy.text());
    assert_eq!(
        copy.header("content-disposition").as_deref(),
        Some("attachment; filename=\"sanitized-chrome-devices.har\"")
    );
    assert_eq!(copy.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(
        copy.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );
    assert!(copy.header("content-security-policy").is_some());
    // The same bytes `why401 sanitize` writes.
    let cli = Command::new(binary())
        .args(["sanitize", "samples/chrome-devices.har"])
        .current_dir(root())
        .output()
        .expect("runs");
    assert!(cli.status.success());
    assert_eq!(copy.body, cli.stdout);
    assert!(copy.text().contains("(why401~"), "markers in the copy");
    let missing = request(
        &server,
        "GET",
        &format!("/report/{id}/sanitized/2"),
        &[],
        b"",
    );
    assert_eq!(missing.status, 404);
    let page = request(&server, "GET", "/", &[], b"");
    assert!(page.text().contains("id=\"sanitized\""));
    assert!(leftovers(&server.tmp).is_empty());
}
