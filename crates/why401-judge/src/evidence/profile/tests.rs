use serde_json::json;

use super::*;
use crate::evidence::jwt::inspect;
use crate::evidence::testutil::token;

fn sample() -> Profile {
    let path =
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("samples/profile.toml");
    Profile::load(&path).unwrap()
}

fn parse(text: &str) -> Result<Profile, ProfileError> {
    Profile::parse(text, Path::new("/etc/why401/profile.toml"))
}

fn jwt(claims: serde_json::Value) -> DecodedJwt {
    inspect(&token(&json!({"alg": "RS256"}), &claims, &"A".repeat(342)))
        .jwt
        .unwrap()
}

#[test]
fn every_key_is_read() {
    let p = parse(
        r#"
jwks = "keys/jwks.json"
leeway = 120
[[scopes]]
method = "post"
path = "/v2/devices/{id}/actions"
any_of = ["write", "devices:manage"]
[[environments]]
name = "production"
api_host = "API.example.com:443"
issuer = "https://auth.example.com/"
audience = "https://api.example.com"
token_endpoint = "https://auth.example.com/oauth/token"
token_format = "opaque"
strict_scheme_case = true
"#,
    )
    .unwrap();
    assert_eq!(p.jwks, Some(PathBuf::from("/etc/why401/keys/jwks.json")));
    assert_eq!(p.leeway, Some(120));
    let rule = &p.scopes[0];
    assert_eq!(rule.method, "POST");
    assert_eq!(rule.path, "/v2/devices/{id}/actions");
    assert_eq!(rule.any_of, ["write", "devices:manage"]);
    assert_eq!(rule.line, 6);
    let env = &p.environments[0];
    assert_eq!(env.name.as_deref(), Some("production"));
    assert_eq!(env.api_host, "api.example.com");
    assert_eq!(env.issuer.as_deref(), Some("https://auth.example.com/"));
    assert_eq!(env.audience.as_deref(), Some("https://api.example.com"));
    assert_eq!(
        env.token_endpoint.as_deref(),
        Some("https://auth.example.com/oauth/token")
    );
    assert_eq!(env.token_format, TokenFormat::Opaque);
    assert!(env.strict_scheme_case);
    assert!(p.warnings.is_empty());
}

#[test]
fn defaults() {
    let p = parse("[[scopes]]\npath = \"/a\"\nany_of = [\"x\"]\n[[environments]]\napi_host = \"h.example.com\"\n").unwrap();
    assert_eq!(p.jwks, None);
    assert_eq!(p.leeway, None);
    assert_eq!(p.scopes[0].method, "*");
    let env = &p.environments[0];
    assert_eq!(env.token_format, TokenFormat::Jwt);
    assert!(!env.strict_scheme_case);
    assert_eq!((env.name.as_deref(), env.label()), (None, "h.example.com"));
    let empty = parse("").unwrap();
    assert!(empty.scopes.is_empty() && empty.environments.is_empty());
}

#[test]
fn sample_profile_holds_the_reference_api() {
    let p = sample();
    assert_eq!(p.scopes.len(), 6);
    assert_eq!(p.environments.len(), 2);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let rule = p
        .scope_rule(
            "POST",
            "https://api.example.com/v2/devices/d-17/actions",
            Some("api.example.com"),
        )
        .unwrap();
    assert_eq!(rule.any_of, ["write", "devices:manage"]);
    let logs = p
        .scope_rule(
            "GET",
            "https://api.example.com/v2/logs/2024/03?x=1",
            Some("api.example.com"),
        )
        .unwrap();
    assert_eq!(logs.any_of, ["logs:read", "admin"]);
    assert!(p.strict_scheme_case("api.example.com"));
    assert!(p.strict_scheme_case("API.staging.example.com:8443"));
    assert!(!p.strict_scheme_case("other.example.org"));
    assert!(p.is_token_endpoint("https://auth.example.com/oauth/token"));
    assert!(p.is_token_endpoint("https://AUTH.example.com/oauth/token/?x"));
    assert!(!p.is_token_endpoint("https://auth.example.com/oauth/authorize"));
    assert!(!p.is_token_endpoint("/oauth/token"));
}

#[test]
fn pattern_matching() {
    let p = parse(
        r#"
[[scopes]]
method = "GET"
path = "/v2/devices"
any_of = ["read"]
[[scopes]]
method = "*"
path = "/v2/devices/{id}/actions"
any_of = ["write"]
[[scopes]]
path = "/v2/logs/*"
any_of = ["logs:read"]
"#,
    )
    .unwrap();
    let rule = |m: &str, url: &str| p.scope_rule(m, url, None).map(|r| r.any_of[0].as_str());
    assert_eq!(rule("GET", "/v2/devices"), Some("read"));
    assert_eq!(
        rule("get", "/v2/devices/"),
        Some("read"),
        "method any case, trailing /"
    );
    assert_eq!(rule("POST", "/v2/devices"), None, "method differs");
    assert_eq!(
        rule("DELETE", "/v2/devices/42/actions"),
        Some("write"),
        "* = any method"
    );
    assert_eq!(
        rule("POST", "/v2/devices/42/7/actions"),
        None,
        "{{id}} is one segment"
    );
    assert_eq!(
        rule("POST", "/v2/devices//actions"),
        None,
        "{{id}} is not empty"
    );
    assert_eq!(rule("GET", "/v2/logs/a"), Some("logs:read"));
    assert_eq!(
        rule("GET", "/v2/logs/a/b/c"),
        Some("logs:read"),
        "/* = one or more"
    );
    assert_eq!(rule("GET", "/v2/logs"), None, "/* needs at least one");
    assert_eq!(rule("GET", "/v2/Devices"), None, "paths are case-sensitive");
    assert_eq!(
        rule("GET", "https://api.example.com/v2/devices?limit=5"),
        Some("read")
    );
}

#[test]
fn first_match_in_file_order_wins() {
    let p = parse(
        "[[scopes]]\npath = \"/v2/{x}\"\nany_of = [\"first\"]\n[[scopes]]\npath = \"/v2/devices\"\nany_of = [\"second\"]\n",
    )
    .unwrap();
    assert_eq!(
        p.scope_rule("GET", "/v2/devices", None).unwrap().any_of,
        ["first"]
    );
}

#[test]
fn scopes_apply_to_listed_hosts_or_all_when_none_listed() {
    let p = sample();
    assert!(
        p.scope_rule(
            "GET",
            "https://api.example.com/v2/devices",
            Some("api.example.com")
        )
        .is_some()
    );
    assert!(
        p.scope_rule("GET", "https://x.org/v2/devices", Some("x.org"))
            .is_none()
    );
    let no_env = parse("[[scopes]]\npath = \"/v2/devices\"\nany_of = [\"read\"]\n").unwrap();
    assert!(
        no_env
            .scope_rule("GET", "https://x.org/v2/devices", Some("x.org"))
            .is_some()
    );
}

#[test]
fn satisfied_by_any_of() {
    let rule = &sample().scopes[1];
    assert!(rule.satisfied_by(&["read".into(), "devices:manage".into()]));
    assert!(!rule.satisfied_by(&["read".into()]));
    assert!(!rule.satisfied_by(&[]));
}

#[test]
fn malformed_files_name_the_line() {
    let cases = [
        ("leeway = 60\n[[scopes]\npath = \"/x\"\n", 2),
        ("leeway = \"sixty\"\n", 1),
        ("leeway = -5\n", 1),
        ("\n[[scopes]]\npath = \"v2/devices\"\nany_of = [\"x\"]\n", 3),
        ("[[scopes]]\npath = \"/v2/*/x\"\nany_of = [\"x\"]\n", 2),
        ("[[scopes]]\npath = \"/v2\"\nany_of = []\n", 3),
        (
            "\n\n[[environments]]\napi_host = \"a.example.com\"\ntoken_format = \"saml\"\n",
            5,
        ),
        ("[[environments]]\napi_host = \"\"\n", 2),
    ];
    for (text, line) in cases {
        match parse(text) {
            Err(ProfileError::Invalid {
                line: got,
                ref message,
                ..
            }) => {
                assert_eq!(got, line, "{text:?}: {message}")
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    let err = parse("leeway = -5\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "/etc/why401/profile.toml: line 1: leeway must not be negative"
    );
    let missing = Profile::load(Path::new("/nonexistent/p.toml")).unwrap_err();
    assert!(matches!(missing, ProfileError::Read { .. }));
}

#[test]
fn unknown_keys_are_warnings_with_lines() {
    let p = parse(
        "leeway = 30\ncolour = \"blue\"\n[[scopes]]\npath = \"/a\"\nany_of = [\"x\"]\nverb = \"GET\"\n[[environments]]\napi_host = \"a.example.com\"\nissuer_url = \"x\"\n",
    )
    .unwrap();
    assert_eq!(
        p.warnings,
        [
            "/etc/why401/profile.toml: line 2: unknown key colour in the profile ignored",
            "/etc/why401/profile.toml: line 6: unknown key verb in [[scopes]] ignored",
            "/etc/why401/profile.toml: line 9: unknown key issuer_url in [[environments]] ignored",
        ]
    );
    assert_eq!(p.leeway, Some(30));
}

#[test]
fn token_belongs_to_environment() {
    let p = sample();
    let prod = &p.environments[0];
    let good = jwt(json!({"iss": "https://auth.example.com", "aud": "https://api.example.com"}));
    assert!(prod.accepts(&good), "one trailing / ignored");
    let array =
        jwt(json!({"iss": "https://auth.example.com/", "aud": ["x", "https://api.example.com"]}));
    assert!(prod.accepts(&array));
    let wrong_aud =
        jwt(json!({"iss": "https://auth.example.com/", "aud": "https://api.example.org"}));
    assert!(!prod.accepts(&wrong_aud));
    let no_iss = jwt(json!({"aud": "https://api.example.com"}));
    assert!(!prod.accepts(&no_iss));
}

#[test]
fn wrong_environment_with_profile() {
    let p = sample();
    let staging = jwt(json!({
        "iss": "https://auth.staging.example.com/",
        "aud": "https://api.staging.example.com"
    }));
    let got = wrong_environment(Some(&p), Some("api.example.com"), &staging).unwrap();
    assert_eq!(got.expected, ["production"]);
    assert_eq!(got.token_environment.as_deref(), Some("staging"));
    assert!(!got.heuristic);
    assert_eq!(
        got.evidence,
        "the token (iss https://auth.staging.example.com/, aud https://api.staging.example.com) does not belong to production for host api.example.com; it belongs to staging"
    );
    assert!(wrong_environment(Some(&p), Some("api.staging.example.com"), &staging).is_none());
    assert!(wrong_environment(Some(&p), None, &staging).is_none());
}

#[test]
fn wrong_environment_heuristic_without_profile() {
    let staging_token = jwt(json!({"iss": "https://auth.staging.example.com/"}));
    let got = wrong_environment(None, Some("api.example.com"), &staging_token).unwrap();
    assert!(got.heuristic);
    assert!(
        got.evidence.contains("auth.staging.example.com (staging)"),
        "{}",
        got.evidence
    );
    // The reverse: a production token at a dev host.
    let prod_token = jwt(json!({"iss": "https://auth.example.com/", "aud": "api.example.com"}));
    let got = wrong_environment(None, Some("api-dev.example.com"), &prod_token).unwrap();
    assert!(
        got.evidence.contains("api-dev.example.com is dev"),
        "{}",
        got.evidence
    );
    // Same environment, or a third-party identity provider: no verdict.
    assert!(wrong_environment(None, Some("api.staging.example.com"), &staging_token).is_none());
    let okta = jwt(json!({"iss": "https://dev-123456.okta.com/oauth2/default"}));
    assert!(wrong_environment(None, Some("api.example.com"), &okta).is_none());
    // Hosts not listed in a profile get the heuristic.
    let p = sample();
    assert!(wrong_environment(Some(&p), Some("www.example.com"), &staging_token).is_some());
    // "devices" is not "dev".
    let devices = jwt(json!({"iss": "https://devices.example.com/"}));
    assert!(wrong_environment(None, Some("api.example.com"), &devices).is_none());
}

#[test]
fn urls_and_hosts() {
    assert_eq!(
        url_host("https://u:p@API.Example.com:8443/x?y"),
        Some("api.example.com".into())
    );
    assert_eq!(url_host("http://[::1]:8080/"), Some("::1".into()));
    assert_eq!(url_host("/v2/devices"), None);
    assert_eq!(
        url_path("https://api.example.com/v2/devices?x=1#f"),
        "/v2/devices"
    );
    assert_eq!(url_path("https://api.example.com"), "/");
    assert_eq!(url_path("/v2/devices?x"), "/v2/devices");
    let mut r = Request::recorded("GET", "/v2/devices");
    r.headers.push("Host", "api.example.com:443");
    assert_eq!(request_host(&r), Some("api.example.com".into()));
}

#[test]
fn a_parser_message_over_several_lines_is_told_on_one() {
    assert_eq!(
        super::one_line("invalid table header\nexpected `.`, `]`\n"),
        "invalid table header; expected `.`, `]`"
    );
}

#[test]
fn advice_section_is_read_checked_and_its_unknown_keys_warned() {
    let p = parse(
        "[advice]\nportal = \"Settings → API\"\nrefresh_margin_seconds = 300\nsupport = \" help desk \"\ncolour = 1\n",
    )
    .unwrap();
    assert_eq!(
        p.advice,
        ApiAdvice {
            portal: Some("Settings → API".into()),
            refresh_margin_seconds: Some(300),
            support: Some("help desk".into()),
        }
    );
    assert_eq!(
        p.warnings,
        ["/etc/why401/profile.toml: line 5: unknown key colour in [advice] ignored"]
    );
    let err = parse("[advice]\nrefresh_margin_seconds = -1\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "/etc/why401/profile.toml: line 2: refresh_margin_seconds must not be negative"
    );
    assert_eq!(parse("leeway = 5\n").unwrap().advice, ApiAdvice::default());
    assert_eq!(sample().advice.refresh_margin_seconds, Some(300));
}
