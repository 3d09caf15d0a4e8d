use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::*;
use crate::evidence::challenge::parse as parse_challenge;
use crate::evidence::testutil::{fixture, sign_rs256};

const URL: &str = "https://api.example.com/v2/devices";

fn request(headers: &[(&str, &str)]) -> Request {
    let mut r = Request::recorded("GET", URL);
    for (name, value) in headers {
        r.headers.push(*name, *value);
    }
    r
}

fn only(headers: &[(&str, &str)]) -> Credential {
    let creds = read(&request(headers), None);
    assert_eq!(creds.all.len(), 1, "{creds:?}");
    creds.all.into_iter().next().unwrap()
}

fn jwt() -> String {
    sign_rs256(
        "rsa-private.pem",
        Some("key-1"),
        &json!({"sub": "client-42", "exp": 1709908425, "scope": "read"}),
    )
}

#[test]
fn bearer_jwt() {
    let t = jwt();
    let c = only(&[("Authorization", &format!("Bearer {t}"))]);
    assert_eq!(c.place, Place::Authorization);
    assert_eq!(c.scheme.as_deref(), Some("Bearer"));
    assert_eq!(c.kind, CredentialKind::Jwt);
    assert!(!c.no_scheme && !c.scheme_case_differs && !c.empty);
    assert_eq!(c.jwt().unwrap().sub(), Some("client-42"));
    assert_eq!(c.signature.as_str(), "not_checked");
    assert_eq!(c.long_lived, None);
    let s = c.summary();
    assert_eq!(s.header.as_deref(), Some("Authorization"));
    assert_eq!(
        s.claims.unwrap().exp.as_deref(),
        Some("2024-03-08T14:33:45Z")
    );
    assert_eq!(s.fingerprint, Some(Fingerprint::of_str(&t).short()));
}

#[test]
fn bearer_opaque() {
    let c = only(&[("Authorization", "Bearer 2YotnFZFEjr1zCsicMWpAA")]);
    assert_eq!(c.kind, CredentialKind::Opaque);
    assert_eq!(c.damage(), None);
}

#[test]
fn signature_checked_when_keys_are_given() {
    let keys = KeySet::from_jwks_file(&fixture("jwks.json")).unwrap();
    let r = request(&[("Authorization", &format!("Bearer {}", jwt()))]);
    assert_eq!(read(&r, Some(&keys)).all[0].signature.as_str(), "verified");
}

#[test]
fn same_fingerprint_for_bearer_lowercase_query_and_token_response() {
    let t = jwt();
    let header = only(&[("Authorization", &format!("Bearer {t}"))]);
    let lower = only(&[("authorization", &format!("bearer {t}"))]);
    let query = read(
        &Request::recorded("GET", format!("{URL}?limit=5&access_token={t}")),
        None,
    );
    let response =
        read_token_response(&json!({"access_token": t, "expires_in": 3600}).to_string()).unwrap();
    let fp = header.fingerprint.unwrap();
    assert!(fp.matches(&lower.fingerprint.unwrap()));
    assert!(fp.matches(&query.all[0].fingerprint.unwrap()));
    assert!(fp.matches(&response.access_token.unwrap()));
    assert_eq!(response.expires_in, Some(3600));
    assert!(lower.scheme_case_differs);
}

#[test]
fn basic_keeps_the_user_never_the_password() {
    let encoded = STANDARD.encode("alice:hunter2-correct-horse");
    let c = only(&[("Authorization", &format!("Basic {encoded}"))]);
    assert_eq!(c.kind, CredentialKind::Basic);
    assert_eq!(c.user.as_deref(), Some("alice"));
    assert_eq!(c.long_lived, Some(LongLived::StaticPassword));
    assert!(!c.empty && !c.password_empty);
    assert!(
        c.fingerprint
            .unwrap()
            .matches(&Fingerprint::of_str("alice:hunter2-correct-horse"))
    );
    let debug = format!("{c:?} {:?}", c.summary());
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(!debug.contains(&encoded), "{debug}");
    let all = format!(
        "{:?}",
        read(
            &request(&[("Authorization", &format!("Basic {encoded}"))]),
            None
        )
    );
    assert!(!all.contains("hunter2") && !all.contains(&encoded));
}

#[test]
fn basic_empty_user_and_password() {
    let c = only(&[("Authorization", "Basic Og==")]);
    assert!(c.empty && c.password_empty);
    assert_eq!(c.user, None);
    let bare = only(&[("Authorization", "Basic")]);
    assert!(bare.empty);
    let user_only = only(&[(
        "Authorization",
        &format!("Basic {}", STANDARD.encode("bob:")),
    )]);
    assert!(!user_only.empty && user_only.password_empty);
    assert_eq!(user_only.user.as_deref(), Some("bob"));
}

#[test]
fn basic_with_an_api_key_as_user_hides_it() {
    let key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    let c = only(&[(
        "Authorization",
        &format!("Basic {}", STANDARD.encode(format!("{key}:"))),
    )]);
    assert_eq!(c.user, None);
    assert_eq!(c.long_lived, Some(LongLived::PersonalToken("sk_live_")));
    assert!(!format!("{c:?}").contains("4eC39HqLyjWDarjtT1zdp7dc"));
}

#[test]
fn dpop_token_and_custom_schemes() {
    let c = only(&[("Authorization", &format!("DPoP {}", jwt()))]);
    assert_eq!(c.kind, CredentialKind::Jwt);
    assert!(c.scheme_is("dpop"));
    let gh = only(&[(
        "Authorization",
        "token ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    )]);
    assert_eq!(gh.kind, CredentialKind::ApiKey);
    assert_eq!(gh.long_lived, Some(LongLived::PersonalToken("ghp_")));
    assert!(!gh.scheme_case_differs, "token is GitHub's own spelling");
    let okta = only(&[(
        "Authorization",
        "SSWS 00QCjAl4MlV-WPXM-ABCDEFGHIJKLMNOPQRSTUV",
    )]);
    assert_eq!(okta.kind, CredentialKind::ApiKey);
    assert_eq!(okta.long_lived, Some(LongLived::Scheme("SSWS".into())));
    let custom = only(&[(
        "Authorization",
        "GenieKey 5a7c2f91-0000-4e4d-9e8e-123456789abc",
    )]);
    assert_eq!(custom.kind, CredentialKind::ApiKey);
    let neg = only(&[(
        "Authorization",
        "Negotiate YIIFyQYGKwYBBQUCoIIFvTCCBbmgMDAu",
    )]);
    assert_eq!(neg.kind, CredentialKind::Opaque);
    let digest = only(&[(
        "Authorization",
        r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", response="8ca523f5e9506fed4657c9700eebdbec""#,
    )]);
    assert_eq!(digest.kind, CredentialKind::Basic);
    assert_eq!(digest.user.as_deref(), Some("Mufasa"));
}

#[test]
fn personal_token_prefixes_in_bearer() {
    for (token, prefix) in [
        ("glpat-xxxxxxxxxxxxxxxxxxxx1234", "glpat-"),
        ("github_pat_11ABCDEFG0123456789_abcdef", "github_pat_"),
        ("gho_16C7e42F292c6912E7710c838347Ae178B4a", "gho_"),
        (
            "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
            "xoxb-",
        ),
    ] {
        let c = only(&[("Authorization", &format!("Bearer {token}"))]);
        assert_eq!(
            c.long_lived,
            Some(LongLived::PersonalToken(prefix)),
            "{token}"
        );
    }
}

#[test]
fn wrong_header_names() {
    let t = jwt();
    for name in [
        "Authentication",
        "X-Authorization",
        "Bearer",
        "authorisation",
        "Authorization:",
    ] {
        let creds = read(&request(&[(name, &format!("Bearer {t}"))]), None);
        let c = creds.wrong_header().expect(name);
        assert_eq!(c.place, Place::WrongHeader(name.into()));
        assert_eq!(c.summary().header.as_deref(), Some(name));
        assert_eq!(c.kind, CredentialKind::Jwt);
        assert!(creds.authorization().is_none());
        assert_eq!(
            creds.choose(&parse_challenge("Bearer realm=\"x\"")),
            Chosen::None
        );
    }
    // A header named Bearer usually holds the token alone.
    let creds = read(&request(&[("Bearer", &t)]), None);
    let c = creds.wrong_header().unwrap();
    assert!(c.no_scheme && c.kind == CredentialKind::Jwt);
}

#[test]
fn no_scheme_and_lowercase_scheme() {
    let t = jwt();
    let c = only(&[("Authorization", &t)]);
    assert!(c.no_scheme);
    assert_eq!(c.scheme, None);
    assert_eq!(c.kind, CredentialKind::Jwt);
    let opaque = only(&[("Authorization", "abc123def456")]);
    assert!(opaque.no_scheme);
    let upper = only(&[("Authorization", &format!("BEARER {t}"))]);
    assert!(upper.scheme_case_differs);
    let colon = only(&[("Authorization", &format!("Bearer: {t}"))]);
    assert_eq!(colon.scheme.as_deref(), Some("Bearer:"));
    assert_eq!(colon.kind, CredentialKind::Jwt);
}

#[test]
fn empty_authorization_values() {
    for value in ["", "Bearer", "Bearer   "] {
        let c = only(&[("Authorization", value)]);
        assert!(c.empty, "{value:?}");
        assert_eq!(c.kind, CredentialKind::None);
        assert_eq!(c.fingerprint, None);
    }
}

#[test]
fn placeholder_and_whitespace_tokens() {
    let c = only(&[("Authorization", "Bearer your_access_token_here")]);
    assert_eq!(c.damage(), Some(Damage::Placeholder));
    let c = only(&[("Authorization", "Bearer ${TOKEN}")]);
    assert_eq!(c.damage(), Some(Damage::Placeholder));
    let t = jwt();
    let c = only(&[(
        "Authorization",
        &format!("Bearer {} {}", &t[..50], &t[50..]),
    )]);
    assert_eq!(c.damage(), Some(Damage::Whitespace));
    assert_eq!(c.kind, CredentialKind::Jwt);
}

#[test]
fn query_and_form_tokens() {
    let t = jwt();
    let r = Request::recorded("GET", format!("{URL}?access_token={t}"));
    let creds = read(&r, None);
    assert_eq!(creds.all[0].place, Place::Query("access_token".into()));
    assert_eq!(
        creds.all[0].summary().header.as_deref(),
        Some("query:access_token")
    );
    assert_eq!(creds.choose(&parse_challenge("Bearer")), Chosen::Index(0));
    // A Basic challenge does not ask for an access_token parameter.
    assert_eq!(
        creds.choose(&parse_challenge("Basic realm=\"x\"")),
        Chosen::None
    );

    let mut form = Request::recorded("POST", URL);
    form.set_body(
        &format!("access_token={t}&x=1"),
        Some("application/x-www-form-urlencoded"),
    );
    let creds = read(&form, None);
    assert_eq!(
        creds.all[0].summary().header.as_deref(),
        Some("form:access_token")
    );
    assert_eq!(creds.all[0].kind, CredentialKind::Jwt);
    assert_eq!(creds.choose(&[]), Chosen::Index(0));
}

#[test]
fn api_key_headers_and_query_keys() {
    for name in ["X-Api-Key", "apikey", "Api-Key", "X-Auth-Token"] {
        let c = only(&[(name, "c2f1a9e0b7d34c6f8a1b2c3d4e5f6a7b")]);
        assert_eq!(c.kind, CredentialKind::ApiKey, "{name}");
        assert_eq!(c.long_lived, Some(LongLived::ApiKey));
        assert_eq!(c.summary().header.as_deref(), Some(name));
    }
    let jwt_in_header = only(&[("X-Access-Token", &jwt())]);
    assert_eq!(jwt_in_header.kind, CredentialKind::Jwt);
    let with_scheme = only(&[("X-Access-Token", &format!("Bearer {}", jwt()))]);
    assert_eq!(with_scheme.kind, CredentialKind::Jwt);
    assert_eq!(with_scheme.damage(), None);
    assert_eq!(with_scheme.scheme.as_deref(), Some("Bearer"));
    let r = Request::recorded("GET", format!("{URL}?key=AIzaSyA-abcdefghijklmnop"));
    let c = &read(&r, None).all[0];
    assert_eq!(c.kind, CredentialKind::ApiKey);
    assert_eq!(c.summary().header.as_deref(), Some("query:key"));
}

#[test]
fn cookies_only_session_ones() {
    let creds = read(
        &request(&[(
            "Cookie",
            "_ga=GA1.2.3; session_id=8f1c2a; csrftoken=abc; theme=dark",
        )]),
        None,
    );
    assert_eq!(creds.all.len(), 1);
    let c = &creds.all[0];
    assert_eq!(c.kind, CredentialKind::Cookie);
    assert_eq!(c.summary().header.as_deref(), Some("cookie:session_id"));
    assert!(
        c.fingerprint
            .unwrap()
            .matches(&Fingerprint::of_str("8f1c2a"))
    );
}

#[test]
fn redaction_markers() {
    for value in [
        "Bearer REDACTED",
        "Bearer [REDACTED]",
        "Bearer <redacted>",
        "Bearer [sanitized]",
        "Bearer redacted:342",
        "Bearer ****",
        "Bearer eyJhbG...xyz",
        "Bearer abcd****wxyz",
        "REDACTED",
        "Basic [FILTERED]",
    ] {
        let c = only(&[("Authorization", value)]);
        assert_eq!(c.kind, CredentialKind::Redacted, "{value}");
        assert_eq!(c.fingerprint, None, "{value}");
    }
    // A JWT whose signature alone is masked is a JWT: its claims show, its signature is not
    // checkable, and it has no fingerprint.
    let t = jwt();
    let head = t.rsplit_once('.').unwrap().0;
    for mask in ["redacted", "", "<signature removed>", "xxxxx", "***", ".."] {
        let c = only(&[("Authorization", &format!("Bearer {head}.{mask}"))]);
        assert_eq!(c.kind, CredentialKind::Jwt, "{mask:?}");
        assert_eq!(c.jwt().unwrap().sub(), Some("client-42"), "{mask:?}");
        assert_eq!(c.damage(), None, "{mask:?}");
        assert_eq!(c.fingerprint, None, "{mask:?}");
        assert_eq!(
            c.signature,
            SignatureStatus::NotChecked(NotChecked::Masked),
            "{mask:?}"
        );
        assert!(c.signature.describe().contains("not checkable (masked"));
    }
    assert!(!is_redacted("2YotnFZFEjr1zCsicMWpAA"));
    assert!(!is_redacted(&t));
}

#[test]
fn not_recorded() {
    let log = Request::unrecorded("GET", URL);
    let creds = read(&log, None);
    assert!(creds.all.is_empty());
    assert_eq!(
        creds.choose(&parse_challenge("Bearer")),
        Chosen::NotRecorded
    );
    assert_eq!(
        creds.summary(Chosen::NotRecorded).kind,
        CredentialKind::NotRecorded
    );
    // The URL is still recorded: a query token is seen.
    let with_query = Request::unrecorded("GET", format!("{URL}?access_token=abc"));
    let creds = read(&with_query, None);
    assert_eq!(creds.choose(&[]), Chosen::Index(0));
    // Headers shown, credential not (curl -n).
    let mut netrc = request(&[("Accept", "*/*")]);
    netrc.credential_recorded = false;
    assert_eq!(read(&netrc, None).choose(&[]), Chosen::NotRecorded);
}

#[test]
fn credential_of_the_request_depends_on_the_challenge() {
    let r = request(&[
        ("X-Api-Key", "c2f1a9e0b7d34c6f8a1b2c3d4e5f6a7b"),
        ("Cookie", "sid=abc"),
    ]);
    let creds = read(&r, None);
    // An HTTP scheme is challenged: API keys and cookies do not count.
    assert_eq!(
        creds.choose(&parse_challenge("Bearer realm=\"api\"")),
        Chosen::None
    );
    assert_eq!(creds.summary(Chosen::None).kind, CredentialKind::None);
    // No challenge, or a custom scheme: the API key counts, then the cookie.
    assert_eq!(creds.choose(&[]), Chosen::Index(0));
    assert_eq!(
        creds.choose(&parse_challenge("FormBased realm=\"x\"")),
        Chosen::Index(0)
    );
    let cookie_only = read(&request(&[("Cookie", "sid=abc")]), None);
    assert_eq!(cookie_only.choose(&[]), Chosen::Index(0));
    // Authorization wins everywhere.
    let both = read(
        &request(&[
            ("X-Api-Key", "k1234567890"),
            ("Authorization", "Bearer abc"),
        ]),
        None,
    );
    assert_eq!(both.choose(&[]), Chosen::Index(1));
    assert_eq!(
        both.choose(&parse_challenge("Basic realm=\"x\"")),
        Chosen::Index(1)
    );
}

#[test]
fn multiple_authorization_headers_read_the_first() {
    let creds = read(
        &request(&[
            ("Authorization", "Bearer one"),
            ("Authorization", "Bearer two"),
        ]),
        None,
    );
    assert!(creds.multiple_authorization);
    assert_eq!(creds.all.len(), 1);
    assert!(
        creds.all[0]
            .fingerprint
            .unwrap()
            .matches(&Fingerprint::of_str("one"))
    );
}

#[test]
fn token_requests_client_credentials() {
    let mut r = Request::recorded("POST", "https://auth.example.com/oauth/token");
    r.set_body(
        "grant_type=client_credentials&client_id=app-1&client_secret=s3cr3t-value",
        Some("application/x-www-form-urlencoded"),
    );
    let creds = read(&r, None);
    let c = &creds.all[0];
    assert_eq!(c.summary().header.as_deref(), Some("form:client_secret"));
    assert_eq!(c.kind, CredentialKind::Basic);
    assert_eq!(c.user.as_deref(), Some("app-1"));
    assert_eq!(c.long_lived, Some(LongLived::ClientCredentials));
    // Same pair as Basic, same fingerprint.
    let basic = only(&[(
        "Authorization",
        &format!("Basic {}", STANDARD.encode("app-1:s3cr3t-value")),
    )]);
    assert!(c.fingerprint.unwrap().matches(&basic.fingerprint.unwrap()));
    assert!(!format!("{creds:?}").contains("s3cr3t-value"));
    assert_eq!(client_auth(&r, &creds), ClientAuth::Present);
    assert_eq!(
        creds.choose(&parse_challenge("Basic realm=\"auth\"")),
        Chosen::Index(0)
    );
}

#[test]
fn client_auth_empty_absent_and_not_shown() {
    let url = "https://auth.example.com/oauth/token";
    let mut empty = Request::recorded("POST", url);
    empty.set_body(
        "grant_type=client_credentials&client_id=app&client_secret=",
        None,
    );
    assert_eq!(client_auth(&empty, &read(&empty, None)), ClientAuth::Empty);
    let mut og = Request::recorded("POST", url);
    og.headers.push("Authorization", "Basic Og==");
    og.set_body("grant_type=client_credentials", None);
    assert_eq!(client_auth(&og, &read(&og, None)), ClientAuth::Empty);
    let mut absent = Request::recorded("POST", url);
    absent.set_body("grant_type=client_credentials&client_id=app", None);
    assert_eq!(
        client_auth(&absent, &read(&absent, None)),
        ClientAuth::ShownAbsent
    );
    let mut hidden = Request::recorded("POST", url);
    hidden.body_recorded = false;
    assert_eq!(
        client_auth(&hidden, &read(&hidden, None)),
        ClientAuth::NotShown
    );
    let log = Request::unrecorded("POST", url);
    assert_eq!(client_auth(&log, &read(&log, None)), ClientAuth::NotShown);
    let mut redacted = Request::recorded("POST", url);
    redacted.headers.push("Authorization", "Basic REDACTED");
    assert_eq!(
        client_auth(&redacted, &read(&redacted, None)),
        ClientAuth::NotShown
    );
}

#[test]
fn refresh_and_password_grants() {
    let mut r = Request::recorded("POST", "https://auth.example.com/oauth/token");
    r.set_body(
        "grant_type=password&username=alice&password=pa55word-xyz&refresh_token=rt-1234567890",
        None,
    );
    let creds = read(&r, None);
    let password = creds
        .all
        .iter()
        .find(|c| c.place.is_param("password"))
        .unwrap();
    assert_eq!(password.user.as_deref(), Some("alice"));
    assert_eq!(password.long_lived, Some(LongLived::StaticPassword));
    let refresh = creds
        .all
        .iter()
        .find(|c| c.place.is_param("refresh_token"))
        .unwrap();
    assert_eq!(refresh.long_lived, Some(LongLived::RefreshToken));
    assert!(!format!("{creds:?}").contains("pa55word"));
}

#[test]
fn proxy_authorization_is_not_the_origin_credential() {
    let creds = read(
        &request(&[("Proxy-Authorization", "Basic dXNlcjpwYXNz")]),
        None,
    );
    assert!(creds.all.is_empty());
}

#[test]
fn labels_escape_control_characters() {
    assert_eq!(
        Place::WrongHeader("Auth\u{1b}[31m".into()).label(),
        "Auth\\u{1b}[31m"
    );
    assert_eq!(Place::Cookie("a\nb".into()).label(), "cookie:a\\nb");
}
