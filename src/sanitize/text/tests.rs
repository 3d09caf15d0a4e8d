use super::*;

fn rewrite(text: &str) -> String {
    let mut secrets = Secrets::new(false);
    TextRewriter::new(&mut secrets).text(text)
}

#[test]
fn header_lines_in_every_dress() {
    let token = "tok_0123456789abcdefABCDEF";
    for line in [
        format!("> Authorization: Bearer {token}"),
        format!("curl -H 'Authorization: Bearer {token}' https://api.example.com/x"),
        format!(r#"{{"authorization": "Bearer {token}"}}"#),
        format!("map[Authorization:[Bearer {token}] Accept:[*/*]]"),
        format!("* [HTTP/2] [1] [authorization: Bearer {token}]"),
    ] {
        let out = rewrite(&line);
        assert!(!out.contains(token), "{out}");
        assert!(out.contains("Bearer (why401~opaque~fp_"), "{out}");
    }
}

#[test]
fn parameters_of_urls_and_forms() {
    let out = rewrite(
        "GET /cb?code=abcdef123456789&state=xyz HTTP/1.1\ngrant_type=client_credentials&client_id=app&client_secret=cs_live_0123456789abc\n",
    );
    assert!(out.starts_with("GET /cb?code=(why401~opaque~fp_"), "{out}");
    assert!(out.contains("&state=xyz HTTP/1.1\n"), "{out}");
    let fp = crate::redact::Fingerprint::of_str("app:cs_live_0123456789abc").short();
    assert!(
        out.contains(&format!("client_secret=(why401~secret~{fp})")),
        "{out}"
    );
}

#[test]
fn statuses_prose_and_request_lines_stay() {
    let text = "POST /oauth/token HTTP/1.1\n{\"code\":401,\"message\":\"token status=401 expired\"}\nResponse code: 401.\n";
    assert_eq!(rewrite(text), text);
}

#[test]
fn a_private_key_block_is_replaced_line_by_line() {
    let text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1\nabcdef\n-----END RSA PRIVATE KEY-----\n";
    let out = rewrite(text);
    assert!(
        !out.contains("MIIEpAIBAAKCAQEA1") && !out.contains("abcdef"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 4);
}

#[test]
fn a_sanitized_text_is_left_as_it_is() {
    let once = rewrite("Authorization: Bearer tok_0123456789abcdefABCDEF\npassword=hunter2\n");
    assert_eq!(rewrite(&once), once);
}

#[test]
fn the_password_of_a_url_goes_and_the_user_stays() {
    let out = rewrite("git clone https://deploy:s3cr3t-pass-word@git.example.com/repo.git\n");
    assert!(
        out.contains("https://deploy:(why401~password~fp_") && !out.contains("s3cr3t"),
        "{out}"
    );
}
