//! `why401 sanitize`: for every sample and every labelled case, `analyze` on the sanitized
//! copy gives the same cause and detail for every 401 as on the original (with and without
//! the profile), and no secret of the original is left in it; and the command's files,
//! folders, archives, stdin and `-o` rules.

mod common;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use common::{root, why401};
use regex::Regex;
use serde_json::Value;

/// The cause and detail of every 401 of a report, in order.
fn diagnoses(path: &Path, extra: &[&str]) -> Vec<(String, String)> {
    let output = why401()
        .args(["analyze", "-f", "json", "--no-progress"])
        .args(extra)
        .arg(path)
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["status"] == 401)
        .map(|f| (f["cause"].to_string(), f["detail"].to_string()))
        .collect()
}

fn sanitize(input: &Path, output: &Path) -> String {
    let out = why401()
        .args(["sanitize"])
        .arg(input)
        .arg("-o")
        .arg(output)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Secrets as they appear in captures: JWT signatures and payloads' neighbours, scheme
/// values, secret parameters, known prefixes; each split at `.` and whitespace, so a damaged
/// form (cut, broken by a space) is looked for too.
static SECRET_SHAPES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]+\.(?P<s>[A-Za-z0-9_-]{16,})",
        r"(?i)\b(?:bearer|basic|token)[ \t]+(?P<s>[A-Za-z0-9._~+/=-]{16,})",
        r#"(?i)\b(?:access_token|refresh_token|id_token|client_secret|password|api_key|apikey|x-api-key)["']?\s*[:=]\s*["']?(?P<s>[A-Za-z0-9._~+/=-]{16,})"#,
        r"\b(?P<s>(?:ghp_|glpat-|xoxb-|sk_live_|npm_|AKIA)[A-Za-z0-9_-]{12,})",
    ]
    .iter()
    .map(|p| Regex::new(p).expect("constant pattern"))
    .collect()
});

fn secrets_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for shape in SECRET_SHAPES.iter() {
        for caps in shape.captures_iter(text) {
            let secret = &caps["s"];
            if !why401::sanitize::holds_secret(secret) || secret.starts_with("eyJ") {
                continue;
            }
            out.extend(
                secret
                    .split(['.', ' '])
                    .filter(|piece| piece.len() >= 16)
                    .map(str::to_owned),
            );
        }
    }
    out
}

/// Sanitizes `input` and checks the diagnosis and the secrets; returns the number of 401s.
fn check(input: &Path, dir: &Path, options: &[&[&str]]) -> usize {
    let name = input.file_name().expect("a file name");
    let output = dir.join(name);
    sanitize(input, &output);
    let mut count = 0;
    for extra in options {
        let before = diagnoses(input, extra);
        let after = diagnoses(&output, extra);
        assert_eq!(before, after, "{} {extra:?}", input.display());
        count = before.len();
    }
    if let (Ok(original), Ok(copy)) = (fs::read_to_string(input), fs::read_to_string(&output)) {
        for secret in secrets_of(&original) {
            assert!(
                !copy.contains(&secret),
                "{}: {secret:.12}… left",
                input.display()
            );
        }
    }
    count
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(root().join(dir))
        .expect("a folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

const PROFILE: &[&str] = &["--profile", "samples/profile.toml"];

#[test]
fn every_sample_keeps_every_diagnosis_and_loses_every_secret() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut total = 0;
    for input in files("samples") {
        if input.extension().is_some_and(|e| e == "toml") {
            continue;
        }
        total += check(&input, dir.path(), &[&[], PROFILE]);
    }
    assert!(total >= 20, "{total} 401s");
}

#[test]
fn every_labelled_case_keeps_every_diagnosis_and_loses_every_secret() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let runs: [(&str, &[&str]); 6] = [
        ("tests/cases/ticket", &[]),
        ("tests/cases/har", &[]),
        ("tests/cases/curl", &[]),
        ("tests/cases/http", &[]),
        ("tests/cases/jsonl", &[]),
        (
            "tests/cases/with-profile",
            &["--profile", "tests/cases/profile.toml"],
        ),
    ];
    let mut total = 0;
    for (folder, options) in runs {
        for input in files(folder) {
            total += check(&input, dir.path(), &[options, PROFILE]);
        }
    }
    assert!(total >= 100, "{total} 401s");
}

const SECRET: &str = "tok_0123456789abcdefABCDEF";

fn capture() -> String {
    format!(
        "> GET /v2/devices HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer {SECRET}\n>\n< HTTP/1.1 401 Unauthorized\n< WWW-Authenticate: Bearer error=\"invalid_token\"\n<\n"
    )
}

#[test]
fn stdin_to_stdout_with_a_summary_that_counts_and_never_shows() {
    let out = why401()
        .args(["sanitize", "-"])
        .write_stdin(capture())
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("> Authorization: Bearer (why401~opaque~fp_"),
        "{stdout}"
    );
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
    assert!(stderr.contains("replaced 1 secret (1 opaque)"), "{stderr}");
}

#[test]
fn the_input_is_never_overwritten_nor_a_folder_written_into_itself() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("capture.txt");
    fs::write(&file, capture()).expect("written");
    let same = why401()
        .arg("sanitize")
        .arg(&file)
        .arg("-o")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(same.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&file).expect("read"), capture());
    let inside = why401()
        .arg("sanitize")
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path().join("safe"))
        .output()
        .expect("runs");
    assert_eq!(inside.status.code(), Some(2));
    assert!(!dir.path().join("safe").exists());
}

#[test]
fn a_folder_is_written_back_in_the_same_shape() {
    let input = tempfile::tempdir().expect("a temp dir");
    fs::create_dir_all(input.path().join("sub")).expect("made");
    fs::write(input.path().join("a.txt"), capture()).expect("written");
    fs::write(input.path().join("sub/b.txt"), capture()).expect("written");
    let out = tempfile::tempdir().expect("a temp dir");
    let target = out.path().join("safe");
    let stderr = sanitize(input.path(), &target);
    assert!(stderr.contains("(2 documents)"), "{stderr}");
    for name in ["a.txt", "sub/b.txt"] {
        let copy = fs::read_to_string(target.join(name)).expect("written");
        assert!(
            copy.contains("(why401~opaque~fp_") && !copy.contains(SECRET),
            "{copy}"
        );
    }
}

/// A tar.gz with a good member, a `..` member and a link: the bad ones are left out and named.
fn hostile_tar_gz() -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let body = capture();
    let mut header = tar::Header::new_gnu();
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(&mut header.clone(), "logs/good.txt", body.as_bytes())
        .expect("appended");
    let mut evil = header.clone();
    evil.as_old_mut().name[..13].copy_from_slice(b"../escape.txt");
    evil.set_cksum();
    builder.append(&evil, body.as_bytes()).expect("appended");
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    builder
        .append_link(&mut link, "logs/link.txt", "/etc/passwd")
        .expect("appended");
    let tar = builder.into_inner().expect("finished");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).expect("compressed");
    gz.finish().expect("finished")
}

#[test]
fn an_archive_is_written_back_as_an_archive_without_its_hostile_members() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("logs.tar.gz");
    fs::write(&input, hostile_tar_gz()).expect("written");
    let output = dir.path().join("safe.tar.gz");
    let stderr = sanitize(&input, &output);
    assert!(
        stderr.contains("../escape.txt: a name with `..`"),
        "{stderr}"
    );
    assert!(stderr.contains("logs/link.txt: a link"), "{stderr}");
    let bytes = fs::read(&output).expect("written");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut names = Vec::new();
    for entry in archive.entries().expect("a tar") {
        let mut entry = entry.expect("an entry");
        names.push(entry.path().expect("a path").display().to_string());
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).expect("text");
        assert!(!text.contains(SECRET), "{text}");
    }
    assert_eq!(names, ["logs/good.txt"]);
    // `analyze` reads every member in memory; the copy has the one safe member.
    assert_eq!(diagnoses(&output, &[]), diagnoses(&input, &[])[..1]);
}

#[test]
fn a_zip_keeps_its_member_names() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("ticket.zip");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("ticket/curl.txt", options).expect("started");
    zip.write_all(capture().as_bytes()).expect("written");
    fs::write(&input, zip.finish().expect("finished").into_inner()).expect("written");
    let output = dir.path().join("safe.zip");
    sanitize(&input, &output);
    let mut archive = zip::ZipArchive::new(fs::File::open(&output).expect("open")).expect("zip");
    let mut member = archive.by_name("ticket/curl.txt").expect("kept");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut member, &mut text).expect("text");
    assert!(
        text.contains("(why401~opaque~fp_") && !text.contains(SECRET),
        "{text}"
    );
}

/// Sanitizes `input` under `--strict` and checks that `analyze` gives the same diagnoses.
fn check_strict(input: &Path, dir: &Path, extra: &[&str]) -> usize {
    let output = dir.join(input.file_name().expect("a file name"));
    let out = why401()
        .args(["sanitize", "--strict"])
        .arg(input)
        .arg("-o")
        .arg(&output)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = diagnoses(input, extra);
    assert_eq!(before, diagnoses(&output, extra), "{}", input.display());
    before.len()
}

#[test]
fn strict_keeps_every_diagnosis_of_the_samples_and_the_labelled_set() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut total = 0;
    for folder in [
        "samples",
        "tests/cases/ticket",
        "tests/cases/har",
        "tests/cases/curl",
        "tests/cases/http",
        "tests/cases/jsonl",
    ] {
        for input in files(folder) {
            if input.extension().is_some_and(|e| e == "toml") {
                continue;
            }
            total += check_strict(&input, dir.path(), PROFILE);
        }
    }
    for input in files("tests/cases/with-profile") {
        total += check_strict(
            &input,
            dir.path(),
            &["--profile", "tests/cases/profile.toml"],
        );
    }
    assert!(total >= 120, "{total} 401s");
}

/// `header.payload.signature` with the given claims (the signature is not checked here).
fn jwt(claims: &Value) -> String {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    // An RS256 signature is 256 bytes: a shorter one would be read as truncated.
    let signature: Vec<u8> = (0..=255u8).collect();
    format!(
        "{}.{}.{}",
        engine.encode(r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#),
        engine.encode(claims.to_string()),
        engine.encode(signature)
    )
}

fn strict_har() -> String {
    let token = jwt(&serde_json::json!({
        "iss": "https://auth.example.com/", "sub": "user-8812", "email": "carol@example.org",
        "name": "Carol Example", "aud": "https://api.example.com", "exp": 1710000000,
        "iat": 1709996400, "scope": "read"
    }));
    let entry = |status: u16, response: &str| {
        serde_json::json!({
            "startedDateTime": "2024-03-09T15:00:00.000Z", "time": 10,
            "serverIPAddress": "192.0.2.44",
            "request": {"method": "POST", "url": "https://api.example.com/v1/orders",
                "httpVersion": "HTTP/1.1", "headersSize": 100, "bodySize": 30,
                "headers": [
                    {"name": "Authorization", "value": format!("Bearer {token}")},
                    {"name": "X-Forwarded-For", "value": "198.51.100.23, 2001:db8::7"},
                    {"name": "From", "value": "dave@example.net"}],
                "cookies": [], "queryString": [],
                "postData": {"mimeType": "application/json", "text": "{\"customer\":\"Erin Private\",\"card\":\"4111\"}"}},
            "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1",
                "headers": [], "cookies": [], "redirectURL": "", "headersSize": 50, "bodySize": 10,
                "content": {"size": 10, "mimeType": "application/json", "text": response}},
            "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 0}
        })
    };
    let entries = vec![
        entry(200, r#"{"order":"o-1","owner":"Frank Private"}"#),
        entry(
            401,
            r#"{"error":"invalid_token","error_description":"The token expired","message":"Sign in again","account":"grace@example.com","trace":"Grace Private"}"#,
        ),
        entry(
            403,
            &format!("<html>{}</html>", "Heidi Private ".repeat(40)),
        ),
    ];
    serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": entries}})
        .to_string()
}

fn run_sanitize(args: &[&str], stdin: &str) -> (String, String) {
    let out = why401()
        .arg("sanitize")
        .args(args)
        .arg("-")
        .write_stdin(stdin.to_owned())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn strict_drops_bodies_personal_data_and_identity_claims_of_a_har() {
    let har = strict_har();
    let (plain, _) = run_sanitize(&[], &har);
    let (strict, stderr) = run_sanitize(&["--strict"], &har);
    let personal = [
        "Erin Private",
        "Frank Private",
        "Grace Private",
        "Heidi Private",
        "grace@example.com",
        "dave@example.net",
        "198.51.100.23",
        "2001:db8::7",
        "192.0.2.44",
    ];
    for value in personal {
        assert!(plain.contains(value), "{value} is kept without --strict");
        assert!(!strict.contains(value), "{value} left under --strict");
        assert!(!stderr.contains(value));
    }
    let doc: Value = serde_json::from_str(&strict).expect("a HAR");
    let entries = doc["log"]["entries"].as_array().expect("entries");
    assert_eq!(
        entries[1]["response"]["content"]["text"],
        r#"{"error":"invalid_token","error_description":"The token expired","message":"Sign in again"}"#
    );
    assert_eq!(
        entries[0]["response"]["content"]["text"],
        "(why401~body~dropped)"
    );
    assert_eq!(
        entries[2]["response"]["content"]["text"],
        "(why401~body~dropped)"
    );
    assert_eq!(
        entries[0]["request"]["postData"]["text"],
        "(why401~body~dropped)"
    );
    let forwarded = &entries[0]["request"]["headers"][1]["value"];
    let forwarded = forwarded.as_str().expect("a value");
    let ips: Vec<&str> = forwarded.split(", ").collect();
    assert!(
        ips.len() == 2 && ips.iter().all(|ip| ip.starts_with("(why401~ip~id")),
        "{forwarded}"
    );
    let authorization = entries[0]["request"]["headers"][0]["value"]
        .as_str()
        .expect("a value");
    let payload = authorization.split('.').nth(1).expect("a payload");
    use base64::Engine as _;
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64url"),
    )
    .expect("claims");
    for claim in ["sub", "email", "name"] {
        let value = claims[claim].as_str().expect("a marker");
        assert!(value.starts_with("(why401~"), "{claim}: {value}");
    }
    for claim in ["iss", "aud", "exp", "iat", "scope"] {
        assert!(!claims[claim].is_null(), "{claim} kept");
    }
    assert!(
        authorization.contains(".(why401~signature~fp_"),
        "{authorization}"
    );
    // The same token in every entry: the same marked text, so `analyze` still tells it apart.
    assert_eq!(entries[1]["request"]["headers"][0]["value"], authorization);
}

#[test]
fn strict_drops_personal_data_of_logs_and_ticket_text() {
    let log = concat!(
        r#"{"ts":"2024-03-09T15:00:00Z","remote_ip":"203.0.113.9","client_ip":"2001:db8::9","status":200,"resp_body":"{\"owner\":\"Ivan Private\"}"}"#,
        "\n",
        r#"{"ts":"2024-03-09T15:00:01Z","remote_ip":"203.0.113.9","status":401,"resp_body":"{\"error\":\"invalid_token\",\"user\":\"Judy Private\"}"}"#,
        "\n"
    );
    let (strict, _) = run_sanitize(&["--strict"], log);
    for value in ["203.0.113.9", "2001:db8::9", "Ivan Private", "Judy Private"] {
        assert!(!strict.contains(value), "{value} left: {strict}");
    }
    assert!(
        strict.contains(r#"\"error\":\"invalid_token\""#),
        "{strict}"
    );
    let ticket = "Customer mallory@example.com calls from 203.0.113.50 / fe80::1ff:fe23:4567:890a, \
                  Chrome/120.0.0.0, against https://10.1.2.3/v1\nHost: 10.1.2.3\n";
    let (strict, _) = run_sanitize(&["--strict"], ticket);
    for value in [
        "mallory@example.com",
        "203.0.113.50",
        "fe80::1ff:fe23:4567:890a",
    ] {
        assert!(!strict.contains(value), "{value} left: {strict}");
    }
    for kept in ["Chrome/120.0.0.0", "https://10.1.2.3/v1", "Host: 10.1.2.3"] {
        assert!(strict.contains(kept), "{kept} changed: {strict}");
    }
}
