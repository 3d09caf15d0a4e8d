//! `why401 token` as a user runs it: each problem it must find, the clock it says it used,
//! stdin, exit statuses, and never the token in what it prints.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{fixture, why401};
use serde_json::{Value, json};

/// The clock every test judges at (`--at`).
const AT: &str = "2024-03-08T14:00:00Z";
const AT_EPOCH: i64 = 1_709_906_400;

fn part(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// An HS256 JWT signed with the shared secret of `tests/fixtures/evidence/hs256.secret`.
fn signed(claims: Value) -> String {
    let file = std::fs::read_to_string(fixture("evidence/hs256.secret")).expect("secret fixture");
    // The key file's one trailing newline is not part of the secret.
    let key = file.strip_suffix('\n').unwrap_or(&file).as_bytes().to_vec();
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&key),
    )
    .expect("token encodes")
}

fn production(exp_from_at: i64) -> Value {
    json!({
        "iss": "https://auth.example.com/",
        "aud": "https://api.example.com",
        "sub": "person-4711@example.com",
        "scope": "read",
        "iat": AT_EPOCH - 600,
        "exp": AT_EPOCH + exp_from_at,
    })
}

/// Runs `token -f json --at AT` with the token on stdin; returns (exit, report, all output).
fn inspect(token: &str, extra: &[&str]) -> (i32, Value, String) {
    let output = why401()
        .args(["token", "-f", "json", "--at", AT])
        .args(extra)
        .write_stdin(format!("{token}\n"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout} {stderr}"));
    (output.status.code().unwrap_or(-1), report, stdout + &stderr)
}

fn problem_codes(report: &Value) -> Vec<&str> {
    report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["code"].as_str().expect("code"))
        .collect()
}

#[test]
fn a_valid_token_has_no_problem_and_exits_0() {
    let token = signed(production(3600));
    let key = fixture("evidence/hs256.secret");
    let (code, report, _) = inspect(&token, &["--key", key.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(problem_codes(&report), Vec::<&str>::new());
    assert_eq!(report["credential"]["kind"], "jwt");
    assert_eq!(report["signature"]["status"], "verified");
    assert_eq!(report["clock"]["at"], AT);
    assert_eq!(report["clock"]["source"], "--at");
    assert_eq!(report["remaining_seconds"], 3600);
    assert_eq!(report["lifetime_seconds"], 4200);
}

#[test]
fn an_expired_token_is_found_and_exits_1() {
    let (code, report, _) = inspect(&signed(production(-1800)), &[]);
    assert_eq!(code, 1);
    assert_eq!(problem_codes(&report), ["jwt_exp_passed"]);
    assert_eq!(report["remaining_seconds"], -1800);
}

#[test]
fn claims_from_the_future_are_clock_problems() {
    let mut claims = production(7200);
    claims["nbf"] = json!(AT_EPOCH + 900);
    claims["iat"] = json!(AT_EPOCH + 900);
    let (code, report, _) = inspect(&signed(claims), &[]);
    assert_eq!(code, 1);
    assert_eq!(problem_codes(&report), ["nbf_in_future", "iat_in_future"]);
}

#[test]
fn damaged_tokens_name_their_damage() {
    let token = signed(production(3600));
    let (middle, _) = token.split_at(token.len() / 2);
    let wrapped = format!("{} {}", &token[..40], &token[40..]);
    for (pasted, expected) in [
        (middle.to_owned(), "token_truncated"),
        (wrapped, "token_has_whitespace"),
        ("<YOUR_ACCESS_TOKEN>".to_owned(), "placeholder"),
    ] {
        let (code, report, _) = inspect(&pasted, &[]);
        assert_eq!(code, 1, "{pasted}");
        assert_eq!(problem_codes(&report)[0], expected, "{report}");
    }
}

#[test]
fn an_unsigned_token_is_alg_none() {
    let token = format!(
        "{}.{}.",
        part(&json!({"alg": "none", "typ": "JWT"})),
        part(&production(3600))
    );
    let (code, report, _) = inspect(&token, &[]);
    assert_eq!(code, 1);
    assert!(problem_codes(&report).contains(&"alg_none"), "{report}");
}

#[test]
fn a_signature_another_key_made_is_invalid() {
    let token = signed(production(3600));
    let other = fixture("evidence/rsa-public.pem");
    let (code, report, _) = inspect(&token, &["--key", other.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(report["signature"]["status"], "signature_invalid");
    assert!(problem_codes(&report).contains(&"signature_invalid"));
}

#[test]
fn the_profile_checks_environment_and_scopes_for_the_url() {
    let mut claims = production(3600);
    claims["iss"] = json!("https://auth.staging.example.com/");
    claims["aud"] = json!("https://api.staging.example.com");
    claims["scope"] = json!("logs:read");
    let args = [
        "--profile",
        "samples/profile.toml",
        "--url",
        "https://api.example.com/v2/devices",
    ];
    let (code, report, _) = inspect(&signed(claims), &args);
    assert_eq!(code, 1);
    assert_eq!(
        problem_codes(&report),
        ["wrong_environment", "scope_not_granted"]
    );
    assert_eq!(report["scope"]["endpoint"], "GET /v2/devices");
    assert_eq!(report["scope"]["satisfied"], false);
}

#[test]
fn the_token_and_identity_claims_are_never_printed() {
    let token = signed(production(-60));
    let signature = token.rsplit('.').next().unwrap();
    for format in ["text", "json"] {
        let output = why401()
            .args([
                "token",
                "--at",
                AT,
                "-f",
                format,
                &format!("Bearer {token}"),
            ])
            .output()
            .expect("runs");
        let printed = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(!printed.contains(signature), "{format}: {printed}");
        assert!(!printed.contains(&token[..30]), "{format}: {printed}");
        assert!(!printed.contains("person-4711"), "{format}: {printed}");
        assert!(printed.contains("fp_"), "{format}: {printed}");
    }
}

#[test]
fn the_text_report_names_the_clock_it_judged_with() {
    let output = why401()
        .args(["token"])
        .write_stdin(signed(production(3600)))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("this machine's clock now"), "{text}");
    let output = why401()
        .args(["token", "--at", AT])
        .write_stdin(signed(production(-90)))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains(&format!("clock      {AT} (--at")), "{text}");
    assert!(
        text.contains("jwt_exp_passed: expired 1m30s before the clock"),
        "{text}"
    );
}

#[test]
fn no_token_is_a_usage_error() {
    let output = why401()
        .args(["token"])
        .write_stdin("\n")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no token given"));
}
