//! The advice a report gives: true for every finding it speaks for, fit for the source it
//! came from, the API's own (profile) or a known provider's, never one vendor's by default;
//! and a server statement that contradicts the token's claims is said so, with both times.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{analyze_json, why401, write};
use serde_json::{Value, json};

fn segment(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// An RS256-shaped JWT (a signature of the right length, not checkable).
fn jwt(exp: i64) -> String {
    let header = segment(&json!({"alg": "RS256", "typ": "JWT"}));
    let claims = segment(&json!({
        "iss": "https://auth.example.com/", "aud": "https://api.example.com",
        "iat": exp - 3600, "exp": exp, "scope": "read"
    }));
    format!("{header}.{claims}.{}", "s".repeat(342))
}

/// A `curl -v` transcript of one 401 whose server says the token expired.
fn transcript(token: &str, date: &str) -> String {
    format!(
        "* Connected to api.example.com (10.0.0.1) port 443\n\
         > GET /v2/devices HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer {token}\n>\n\
         < HTTP/1.1 401 Unauthorized\n< Date: {date}\n\
         < WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"The access token expired\"\n<\n"
    )
}

fn text_report(args: &[&str]) -> String {
    let out = why401()
        .args(["analyze", "--no-progress", "--color", "never"])
        .args(args)
        .output()
        .expect("runs");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// 2024-03-08T09:15:22Z, the server's `Date` below.
const DATE_EPOCH: i64 = 1_709_889_322;
const DATE: &str = "Fri, 08 Mar 2024 09:15:22 GMT";

#[test]
fn a_statement_against_the_claims_keeps_the_cause_at_medium_and_states_both_times() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "t.txt",
        transcript(&jwt(DATE_EPOCH + 1800), DATE).as_bytes(),
    );
    let path = path.to_str().expect("utf-8 path");
    let (_, report) = analyze_json(&[path]);
    let f = &report["findings"][0];
    assert_eq!(f["cause"], "expired_token");
    assert_eq!(f["detail"], "server_says_expired");
    assert_eq!(f["confidence"], "medium");
    let evidence = f["evidence"].to_string();
    assert!(
        evidence.contains(
            "exp 2024-03-08T09:45:22Z is 30m00s after the server's Date 2024-03-08T09:15:22Z"
        ),
        "{evidence}"
    );
    let advice = f["remediation"].to_string();
    assert!(advice.contains("validating server's clock"), "{advice}");
    // No sentence turns "30 minutes after" into "30 minutes before".
    let explain = text_report(&["--explain", "1", path]);
    assert!(
        explain.contains("contradicts the token's claims"),
        "{explain}"
    );
    assert!(
        explain.contains("exp 2024-03-08T09:45:22Z (30m00s after the request)"),
        "{explain}"
    );
    assert!(!explain.contains("09:45:22Z, 30m00s before"), "{explain}");

    // The same token 30 minutes past its exp: an expiry stated at high confidence, with the
    // distance the right way round.
    let expired = write(
        dir.path(),
        "e.txt",
        transcript(&jwt(DATE_EPOCH - 1800), DATE).as_bytes(),
    );
    let (_, report) = analyze_json(&[expired.to_str().expect("utf-8 path")]);
    let f = &report["findings"][0];
    assert_eq!(
        (f["cause"].as_str(), f["confidence"].as_str()),
        (Some("expired_token"), Some("high"))
    );
    assert!(
        f["remediation"][0]
            .as_str()
            .unwrap_or("")
            .contains("30m00s before the request")
    );
}

#[test]
fn advice_is_vendor_neutral_unless_the_profile_or_a_known_provider_speaks() {
    let with_profile = text_report(&["--profile", "samples/profile.toml", "samples/"]);
    assert!(
        with_profile.contains("Settings → API → Applications"),
        "{with_profile}"
    );
    assert!(with_profile.contains("300 s"), "{with_profile}");
    let neutral = text_report(&["samples/"]);
    assert!(
        !neutral.contains("Settings → API → Applications"),
        "{neutral}"
    );
    assert!(!neutral.contains("300 s"), "{neutral}");

    let dir = tempfile::tempdir().expect("tempdir");
    let github = write(
        dir.path(),
        "gh.txt",
        b"* Connected to api.github.com (140.82.121.6) port 443\n> GET /user HTTP/2\n> Host: api.github.com\n\
          > Authorization: token ghp_EXAMPLEfake0000000000000000000000000\n>\n< HTTP/2 401\n\
          < date: Fri, 08 Mar 2024 09:15:22 GMT\n<\n{\"message\":\"Bad credentials\"}\n",
    );
    let report = text_report(&[github.to_str().expect("utf-8 path")]);
    assert!(
        report.contains("GitHub's Settings → Developer settings"),
        "{report}"
    );
    assert!(
        !report.contains("Settings → API → Applications"),
        "{report}"
    );
}

#[test]
fn advice_on_collecting_evidence_fits_the_source() {
    // Gateway logs that mask the credential: log advice, never HAR export advice.
    let logs = text_report(&["samples/kong.json", "samples/gateway-logs.jsonl"]);
    let undetermined = logs
        .split("── Undetermined")
        .nth(1)
        .expect("an Undetermined section");
    let section = undetermined.split("\n── ").next().unwrap_or(undetermined);
    assert!(section.contains("log a fingerprint"), "{section}");
    assert!(!section.contains("HAR"), "{section}");
}

#[test]
fn group_advice_names_the_findings_of_a_step_that_holds_for_only_some() {
    let text = text_report(&["--profile", "samples/profile.toml", "samples/"]);
    let (_, report) = analyze_json(&["--profile", "samples/profile.toml", "samples/"]);
    let detail_of = |n: u64| -> String {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["number"] == n)
            .map(|f| f["detail"].as_str().unwrap_or("").to_owned())
            .unwrap_or_default()
    };
    let mut checked = 0;
    for line in text.lines() {
        // `   2. For `scheme_case` (#10, #18): Write the scheme …`
        let Some(rest) = line.trim_start().split_once(". For `").map(|(_, r)| r) else {
            continue;
        };
        let (details, rest) = rest.split_once(" (").expect("details then numbers");
        let numbers = rest.split_once("): ").expect("numbers then the step").0;
        for part in numbers.split(", ") {
            let bounds: Vec<u64> = part
                .split('–')
                .map(|n| n.trim_start_matches('#').parse().expect("a number"))
                .collect();
            for n in bounds[0]..=*bounds.last().expect("a bound") {
                let detail = detail_of(n);
                assert!(
                    details.contains(&format!("{detail}`")),
                    "#{n} is {detail}: {line}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "{text}");
    // A group of several expired findings is not told one finding's numbers.
    assert!(!text.contains("this one expired at"), "{text}");
}
