//! No output shows a secret. Captures full of secrets (tests/fixtures/secrets/, written by
//! its make_fixtures.py) are reported in every format — text, coloured text, `-v`,
//! `--explain N` for every N, JSON, JSON lines, CSV, Markdown, `--summary-csv` — and no
//! secret may appear in stdout, stderr or the summary file.
//!
//! A secret of 12 characters or more leaks if any 12 consecutive characters of it appear
//! (so a clipped or partly scrubbed token counts); a shorter one leaks if it appears as a
//! whole word (`pw1`, not the `pw1` inside another word).
//!
//! Only HAR captures are used for now: the curl, raw HTTP and JSON-log readers are not in
//! this branch yet. Any capture file added to tests/fixtures/secrets/ is read too; list its
//! secrets below.

mod common;

use std::path::PathBuf;

use common::{fixture, why401};
use regex::Regex;
use serde_json::Value;

/// Secrets written literally in the fixtures: (what it is, value).
const SECRETS: &[(&str, &str)] = &[
    (
        "a Bearer JWT (expired), echoed in the challenge and the body",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImxlYWstazEifQ.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9sZWFrMSIsImF1ZCI6Imh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIiwiZXhwIjoxNzA5OTA2MDAwLCJpYXQiOjE3MDk5MDI0MDAsInNjb3BlIjoicmVhZCBkZXZpY2VzOnJlYWQiLCJqdGkiOiJKcThacEwydlh3In0.dpLDrTVAu4A8Ags67mbNiIcSMjTqDG5xQ8Ct1z_0Me0",
    ),
    (
        "a Bearer JWT cut inside its payload, echoed in the body",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImxlYWstazIifQ.eyJpc3MiOiJ",
    ),
    (
        "the first line of a JWT broken over two lines",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtp",
    ),
    (
        "the second line of a JWT broken over two lines",
        "ZCI6ImxlYWstazMifQ.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9sZWFrMyIsImF1ZCI6Imh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIiwiZXhwIjoxNzA5OTkzMDAwLCJpYXQiOjE3MDk5MDI0MDB9.i1udsME9skJWyCmqNkqpDG0uujGLkjKkq5MTuVTTVV8",
    ),
    (
        "an id_token in a 200 token response",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImxlYWstazQifQ.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9sZWFrNCIsImF1ZCI6ImFwcC1jbGllbnQiLCJleHAiOjE3MDk5OTMwMDAsImlhdCI6MTcwOTkwMjQwMCwibm9uY2UiOiJuMG5jZVY0bHVlIn0.BO-vCA9aPnThwp0cpqSFaTgsu80yTo1Z0rg-8hwDnwA",
    ),
    (
        "a JWT in a 403's challenge and body (--include-403)",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImxlYWstazUifQ.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9sZWFrNSIsImF1ZCI6Imh0dHBzOi8vb3RoZXIuZXhhbXBsZS5jb20iLCJleHAiOjE3MDk5OTMwMDAsImlhdCI6MTcwOTkwMjQwMCwic2NvcGUiOiJyZWFkIn0.IisL1R_O9-ZcLmLbLtZUVwE7q1a-b6_rGe4R1FMVPIA",
    ),
    (
        "a magic-link JWT in the URL path",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyX2xlYWs2IiwicHVycG9zZSI6ImFjdGl2YXRlIiwiZXhwIjoxNzA5OTkzMDAwfQ.RHeNgjZeSvaBxA1fDu9c9vWJnT8KwzUFCn7Wd5zz9nQ",
    ),
    (
        "a Basic value (svc-reporting:<password>), echoed in the body",
        "c3ZjLXJlcG9ydGluZzpmR2IwMFJ5a3k4WmU5VUxUeTdx",
    ),
    (
        "the decoded password of that Basic value, echoed",
        "fGb00Ryky8Ze9ULTy7q",
    ),
    ("the Basic value of a:b, echoed", "YTpi"),
    ("the Basic value of admin:pw1", "YWRtaW46cHcx"),
    ("the password pw1, echoed", "pw1"),
    (
        "a Basic value whose user is an API key",
        "azdRelgybVc5cFI0dEw4dk4zYlk2Y0oxOg==",
    ),
    (
        "an access_token query value (and fragment)",
        "cLH8trpEwQrGhtA1qfv6ETAq",
    ),
    ("an authorization code query value", "GKSh9O7hZK8dWYq"),
    ("a client_secret query value", "RB4Z7JmXyKnGw"),
    ("a password in the URL's userinfo", "dPVR5TTguh46e"),
    (
        "a client_secret form value, echoed in the error",
        "cs_live_zzVmXsjvvDlbGAqsb5LS",
    ),
    (
        "a refresh_token form value, echoed in the error",
        "rt_k28kToD9lAmkq03QYMnI7VL",
    ),
    ("a password-grant form password", "gDDluKy034c"),
    ("a three-character form password, echoed", "pq7"),
    (
        "an access_token of a 200 token response, then refused and echoed",
        "at_pTqcrZAgBBEBt35ShM0fex6",
    ),
    (
        "a refresh_token of a 200 token response",
        "rt_rzBUIhGUdHDd0O399Pw6BL6",
    ),
    (
        "a session cookie, echoed in the body",
        "AYEdCK9Ae2v9VEkL0XQj9cAP",
    ),
    ("a CSRF cookie", "ztHJlaR3zaL1"),
    ("a Set-Cookie session value", "YbtXoyVhM14qRAFVcVI9eGKz"),
    (
        "an X-Api-Key (hex), echoed in prose",
        "7c4a8d09ca3762af61e59520943dc264",
    ),
    (
        "an X-Api-Key, echoed as a pair",
        "ak_JPlX0MN5a7BZSQQbR7uG9MN",
    ),
    (
        "a GitHub token (Authorization: token ghp_…), echoed",
        "ghp_K63KKhgT1E7AaAKi9ESjMbufXy9mVdxCu266",
    ),
    ("a three-character Bearer token, echoed", "t0k"),
    (
        "a token in Authorization without a scheme",
        "44rRiZvRf9s27DeBv8Zu3zq7",
    ),
    ("a token after `Bearer:`", "Joa6jBW4u4fAZrKKL8qfbia0"),
    (
        "an opaque Bearer token echoed in a text body",
        "hXiYE9dSu67hcaGlAyVNhJhB",
    ),
    (
        "a token cut by the 500-character body excerpt",
        "fntDLOv3OPJbyAPbUyd9jJRRH7NDppt",
    ),
    (
        "a token cut where a quoted statement is clipped",
        "jijMJmPvTKyXO9ssoRSQMqqhHZ7Py69",
    ),
    (
        "a personal token in the URL path",
        "ghp_LLlETekvS9IZjxKlxf9ZO6dQdHgs9FJ8KT9",
    ),
    (
        "a personal token as the URL's user",
        "ghp_t5zJnW6w6iBVT53cZlY1w0wMlkljuN3gPI6",
    ),
];

/// Secrets the fixtures only hold encoded (a Basic value's parts).
const DERIVED: &[(&str, &str)] = &[
    ("the decoded Basic credential a:b", "a:b"),
    ("the decoded Basic credential admin:pw1", "admin:pw1"),
    (
        "the API key that is a Basic user",
        "k7QzX2mW9pR4tL8vN3bY6cJ1",
    ),
];

/// Shorter secrets are matched as whole words; longer ones by any window of this length.
const WINDOW: usize = 12;

struct Secret {
    what: String,
    value: String,
}

/// Every secret, with each JWT's header, payload and signature as secrets of their own.
fn secrets() -> Vec<Secret> {
    let mut all = Vec::new();
    for (what, value) in SECRETS.iter().chain(DERIVED) {
        all.push(Secret {
            what: (*what).to_owned(),
            value: (*value).to_owned(),
        });
        if value.starts_with("eyJ") {
            let parts = ["header", "payload", "signature"];
            for (part, segment) in parts.iter().zip(value.split('.')) {
                all.push(Secret {
                    what: format!("the {part} segment of {what}"),
                    value: segment.to_owned(),
                });
            }
        }
    }
    all
}

/// Where `secret` shows in `text`, if it does.
fn leak(secret: &Secret, text: &str) -> Option<String> {
    let value = &secret.value;
    let at = if value.chars().count() >= WINDOW {
        let chars: Vec<char> = value.chars().collect();
        chars
            .windows(WINDOW)
            .map(|w| w.iter().collect::<String>())
            .find_map(|w| text.find(&w))
    } else {
        let word = format!(
            "(?:^|[^A-Za-z0-9_]){}(?:$|[^A-Za-z0-9_])",
            regex::escape(value)
        );
        Regex::new(&word)
            .expect("pattern")
            .find(text)
            .map(|m| m.start())
    }?;
    let start = text.floor_char_boundary(at.saturating_sub(60));
    let end = text.ceil_char_boundary((at + 80).min(text.len()));
    Some(text[start..end].to_owned())
}

/// The capture files of tests/fixtures/secrets/ (not the generator or notes).
fn captures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture("secrets"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("py" | "md")))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    files
}

/// Runs `analyze` on the captures with `extra`; returns stdout and stderr.
fn report(extra: &[&str]) -> (String, String) {
    let output = why401()
        .args(["analyze", "--no-progress", "--include-403"])
        .args(captures())
        .args(extra)
        .output()
        .expect("runs");
    assert!(
        matches!(output.status.code(), Some(1 | 2)),
        "{extra:?}: {:?}",
        output.status
    );
    (
        String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    )
}

#[test]
fn the_fixtures_hold_every_listed_secret() {
    let text: String = captures()
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("fixture"))
        .collect();
    for (what, value) in SECRETS {
        assert!(
            text.contains(value),
            "{what} ({value}) is not in the fixtures"
        );
    }
}

#[test]
fn no_format_shows_a_secret() {
    let (json, _) = report(&["-f", "json"]);
    let document: Value = serde_json::from_str(&json).expect("JSON report");
    let count = document["findings"].as_array().expect("findings").len();
    assert!(count >= 24, "the captures yield their findings: {count}");

    let mut outputs: Vec<(String, String)> = Vec::new();
    let mut add = |name: String, extra: &[&str]| {
        let (stdout, stderr) = report(extra);
        outputs.push((format!("{name} stdout"), stdout));
        outputs.push((format!("{name} stderr"), stderr));
    };
    add("text".into(), &["--color", "never"]);
    add("coloured text".into(), &["--color", "always"]);
    add("-v".into(), &["-v", "--color", "never"]);
    add("json".into(), &["-f", "json"]);
    add("jsonl".into(), &["-f", "jsonl"]);
    add("csv".into(), &["-f", "csv"]);
    add("markdown".into(), &["-f", "markdown"]);
    for n in 1..=count + 1 {
        let n = n.to_string();
        add(
            format!("--explain {n}"),
            &["--explain", &n, "--color", "never"],
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = dir.path().join("counts.csv");
    add(
        "--summary-csv".into(),
        &["-q", "--summary-csv", summary.to_str().expect("path")],
    );
    let summary_text = std::fs::read_to_string(&summary).expect("summary written");
    outputs.push(("--summary-csv file".into(), summary_text));

    // The explanations do quote the bodies (where most secrets were echoed).
    let bodies = outputs
        .iter()
        .filter(|(name, text)| name.starts_with("--explain") && text.contains("\n  body "))
        .count();
    assert!(bodies >= 20, "only {bodies} explanations show a body");

    let mut leaks = Vec::new();
    for secret in secrets() {
        for (name, text) in &outputs {
            if let Some(context) = leak(&secret, text) {
                leaks.push(format!("{} in {name}: …{context}…", secret.what));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leak(s):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

#[test]
fn the_leak_check_finds_what_it_looks_for() {
    let jwt = Secret {
        what: "a token".into(),
        value: SECRETS[0].1.to_owned(),
    };
    assert!(leak(&jwt, &format!("cut: {}…", &SECRETS[0].1[100..115])).is_some());
    assert!(leak(&jwt, "fp_0123456789ab").is_none());
    let short = Secret {
        what: "pw".into(),
        value: "pw1".into(),
    };
    assert!(leak(&short, "password \"pw1\"").is_some());
    assert!(leak(&short, "pw1").is_some());
    assert!(leak(&short, "upw12 and xpw1").is_none());
}
