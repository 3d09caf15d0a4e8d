use std::sync::Arc;

use super::*;
use crate::lines::MAX_LINE;
use crate::{Format, InputStats};
use why401_model::exchange::{
    Exchange, ExchangeNote, Location, Response, ServerMessage, ServerTimeSource,
};

fn read_all(bytes: &[u8]) -> (Vec<Exchange>, InputStats) {
    crate::read_bytes(read, Format::Http, bytes)
}

fn read_text(text: &str) -> Vec<Exchange> {
    read_all(text.as_bytes()).0
}

/// The rest of the first fixture line holding `marker`, quotes and line ending removed.
fn after(text: &str, marker: &str) -> String {
    let at = text.find(marker).unwrap() + marker.len();
    let line = text[at..].lines().next().unwrap();
    line.trim_end()
        .trim_end_matches(['\'', '"', '\\', ' '])
        .to_owned()
}

fn response(e: &Exchange) -> &Response {
    e.response.as_ref().unwrap()
}

fn body(e: &Exchange) -> &str {
    &response(e).body.as_ref().unwrap().text
}

const BODY: &str = "{\"error\": \"unauthorized\", \"message\": \"Invalid or expired token\"}";

#[test]
fn curl_i_without_credential_records_none() {
    let ex = read_text(include_str!(
        "../../../../tests/fixtures/http/curl-i-no-credential.txt"
    ));
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    assert_eq!(e.origin.location, Location::Line(2));
    assert_eq!(
        (e.request.method.as_str(), e.request.url.as_str()),
        ("GET", "https://api.example.com/v2/devices")
    );
    assert!(e.request.headers_recorded && e.request.credential_recorded);
    assert!(!e.request.headers.contains("authorization"));
    assert_eq!(response(e).status, 401);
    assert_eq!(response(e).http_version, "2");
    assert_eq!(
        response(e).headers.get("x-request-id"),
        Some("req_7f3a9c01d2")
    );
    assert_eq!(body(e), BODY);
    assert!(e.server_time.is_some());
}

#[test]
fn curl_i_with_bearer_header_carries_it() {
    let text = include_str!("../../../../tests/fixtures/http/curl-i-bearer.txt");
    let ex = read_text(text);
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    assert_eq!(e.origin.location, Location::Line(4));
    let want = format!("Bearer {}", after(text, "Authorization: Bearer "));
    assert_eq!(e.request.headers.get("authorization"), Some(want.as_str()));
    assert_eq!(e.request.headers.get("accept"), Some("application/json"));
    assert!(e.request.credential_recorded);
    assert!(
        response(e)
            .headers
            .get("www-authenticate")
            .unwrap()
            .contains("expired")
    );
}

#[test]
fn hidden_credentials_are_not_recorded() {
    for command in [
        "$ curl -n -i https://api.example.com/v2/devices",
        "$ curl -i -K ./api.cfg https://api.example.com/v2/devices",
        "$ curl -i -H @auth-headers.txt https://api.example.com/v2/devices",
    ] {
        let text = format!("{command}\nHTTP/1.1 401 Unauthorized\nContent-Length: 0\n\n");
        let ex = read_text(&text);
        assert_eq!(ex.len(), 1, "{command}");
        assert!(ex[0].request.headers_recorded, "{command}");
        assert!(!ex[0].request.credential_recorded, "{command}");
    }
}

#[test]
fn response_alone_has_an_unknown_request() {
    let ex = read_text("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n\r\n");
    assert_eq!(ex.len(), 1);
    assert_eq!(
        (ex[0].request.method.as_str(), ex[0].request.url.as_str()),
        ("", "")
    );
    assert!(!ex[0].request.headers_recorded);
}

#[test]
fn swagger_panel_reads_one_exchange() {
    let text = include_str!("../../../../tests/fixtures/http/swagger-ui.txt");
    let ex = read_text(text);
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    assert_eq!(e.origin.location, Location::Line(11));
    assert_eq!(
        e.request.url,
        "https://api.example.com/v2/policies?limit=20"
    );
    let want = format!("Bearer {}", after(text, "Authorization: Bearer "));
    assert_eq!(e.request.headers.get("authorization"), Some(want.as_str()));
    assert_eq!(e.request.headers.get("accept"), Some("application/json"));
    let r = response(e);
    assert_eq!(r.status, 401);
    assert_eq!(r.headers.get("content-type"), Some("application/json"));
    assert!(
        r.headers
            .get("www-authenticate")
            .unwrap()
            .contains("signature verification")
    );
    assert!(body(e).starts_with("{\n  \"error\": \"unauthorized\""));
    assert!(body(e).ends_with("\"request_id\": \"req_7f3a9c01d2\"\n}"));
}

#[test]
fn postman_snippet_and_status_bar() {
    let ex = read_text(include_str!(
        "../../../../tests/fixtures/http/postman-snippet.txt"
    ));
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    assert_eq!(e.origin.location, Location::Line(12));
    assert_eq!(e.request.method, "POST");
    assert_eq!(
        e.request.body.as_ref().unwrap().text,
        "{\n    \"action\": \"reboot\"\n}"
    );
    assert!(e.request.form.is_empty());
    assert!(
        e.request
            .headers
            .get("authorization")
            .unwrap()
            .starts_with("Bearer eyJ")
    );
    assert_eq!(response(e).reason, "Unauthorized");
    assert!(body(e).contains("\"message\": \"Invalid or expired token\""));
    assert!(!body(e).contains("Thanks"));
}

#[test]
fn okhttp_logcat_pairs_requests_and_responses() {
    let ex = read_text(include_str!(
        "../../../../tests/fixtures/http/okhttp-logcat.txt"
    ));
    assert_eq!(ex.len(), 2);
    let ok = &ex[0];
    assert_eq!(response(ok).status, 200);
    assert_eq!(ok.request.method, "GET");
    assert!(ok.request.headers.contains("authorization"));
    assert_eq!(body(ok), "{\"devices\": [{\"id\": \"dev_42\"}]}");
    let e = &ex[1];
    assert_eq!(e.origin.location, Location::Line(18));
    assert_eq!(e.request.method, "POST");
    assert_eq!(
        e.request.url,
        "https://api.example.com/v2/devices/dev_42/actions"
    );
    assert!(e.request.headers_recorded && e.request.credential_recorded);
    assert_eq!(e.request.headers.len(), 3);
    assert_eq!(
        e.request.body.as_ref().unwrap().text,
        "{\"action\":\"reboot\"}"
    );
    assert_eq!(response(e).reason, "Unauthorized");
    assert!(
        response(e)
            .headers
            .get("www-authenticate")
            .unwrap()
            .contains("expired")
    );
    assert_eq!(body(e), BODY);
    assert!(e.server_time.is_some());
}

#[test]
fn okhttp_redacted_header_is_not_recorded() {
    let text = "--> GET https://api.example.com/v2/x\nAuthorization: ██\n--> END GET\n<-- 401 https://api.example.com/v2/x (5ms)\n<-- END HTTP\n";
    let ex = read_text(text);
    assert_eq!(ex.len(), 1);
    assert!(!ex[0].request.credential_recorded);
    assert_eq!(response(&ex[0]).reason, "");
}

#[test]
fn postman_console_sections() {
    let ex = read_text(include_str!(
        "../../../../tests/fixtures/http/postman-console.txt"
    ));
    assert_eq!(ex.len(), 2);
    let e = &ex[0];
    assert_eq!(e.origin.location, Location::Line(2));
    assert_eq!(e.request.url, "https://api.example.com/v2/logs/audit");
    assert!(e.request.headers_recorded);
    assert!(
        e.request
            .headers
            .get("authorization")
            .unwrap()
            .starts_with("Bearer eyJ")
    );
    assert_eq!(
        e.request.headers.get("user-agent"),
        Some("PostmanRuntime/7.36.3")
    );
    assert_eq!(response(e).headers.len(), 4);
    assert!(body(e).contains("Token lacks required scope"));
    let second = &ex[1];
    assert_eq!(response(second).status, 200);
    assert!(!second.request.headers_recorded);
    assert_eq!(second.request.url, "https://api.example.com/v2/devices");
}

#[test]
fn httpie_verbose_request_block() {
    let text = include_str!("../../../../tests/fixtures/http/httpie-verbose.txt");
    let ex = read_text(text);
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    assert_eq!(e.origin.location, Location::Line(12));
    assert_eq!(
        e.request.url,
        "https://api.example.com/v2/organizations/current"
    );
    assert_eq!(e.request.http_version, "1.1");
    assert_eq!(e.request.headers.get("user-agent"), Some("HTTPie/3.2.2"));
    assert_eq!(e.request.headers.len(), 6);
    assert!(e.request.body.is_none());
    assert!(body(e).starts_with("{\n    \"error\""));
    assert!(body(e).ends_with("}"));
}

#[test]
fn powershell_error_takes_the_command_as_request() {
    let text = "PS C:\\> Invoke-WebRequest -Uri https://api.example.com/v2/devices -Headers @{ Authorization = 'Bearer a.b.c' }\r\nInvoke-WebRequest : The remote server returned an error: (401) Unauthorized.\r\nAt line:1 char:1\r\n+ Invoke-WebRequest -Uri https://api.example.com/v2/devices -Headers @{ ...\r\n";
    let ex = read_text(text);
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    assert_eq!(e.origin.location, Location::Line(2));
    assert_eq!(e.request.url, "https://api.example.com/v2/devices");
    assert_eq!(e.request.headers.get("authorization"), Some("Bearer a.b.c"));
    assert_eq!(response(e).reason, "Unauthorized");
}

#[test]
fn exceptions_quote_status_and_body() {
    let ex = read_text(include_str!(
        "../../../../tests/fixtures/http/sdk-exceptions.txt"
    ));
    let statuses: Vec<u16> = ex.iter().map(|e| response(e).status).collect();
    assert_eq!(statuses, vec![401, 401, 401, 401, 403]);
    assert_eq!(ex[0].request.url, "https://api.example.com/v2/devices");
    assert!(!ex[0].request.headers_recorded);
    assert_eq!(body(&ex[0]), BODY);
    assert_eq!(
        ex[1].request.url,
        "https://api.example.com/v2/policies?limit=20"
    );
    assert_eq!(
        body(&ex[2]),
        "{\"error\": \"authentication_failed\", \"code\": 401}"
    );
    assert_eq!(response(&ex[3]).reason, "Unauthorized");
}

#[test]
fn access_log_lines() {
    let ex = read_text(include_str!(
        "../../../../tests/fixtures/http/access-clf.txt"
    ));
    assert_eq!(ex.len(), 3);
    let e = &ex[1];
    assert_eq!(
        (e.request.method.as_str(), e.request.url.as_str()),
        ("POST", "/v2/devices/dev_42/actions")
    );
    let time = e.server_time.unwrap();
    assert_eq!(time.source, ServerTimeSource::LogTimestamp);
    assert_eq!(
        why401_model::time::format_millis(&time.at),
        "2024-03-08T14:23:45.000Z"
    );
    let ex = read_text(include_str!(
        "../../../../tests/fixtures/http/access-logfmt.txt"
    ));
    assert_eq!(ex.len(), 2);
    let e = &ex[0];
    assert_eq!(e.origin.location, Location::Line(2));
    assert_eq!(
        e.server_messages,
        vec![ServerMessage {
            field: "error".into(),
            text: "token expired".into()
        }]
    );
    assert_eq!(
        why401_model::time::format_millis(&e.server_time.unwrap().at),
        "2024-03-08T14:23:45.120Z"
    );
}

#[test]
fn lone_challenge_infers_401() {
    let ex = read_text(include_str!(
        "../../../../tests/fixtures/http/lone-challenge.txt"
    ));
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    assert_eq!(e.origin.location, Location::Line(5));
    assert_eq!(e.notes, vec![ExchangeNote::StatusInferred]);
    assert_eq!(
        response(e).headers.get("www-authenticate"),
        Some(
            "Bearer realm=\"Example API\", error=\"invalid_token\", error_description=\"Token signature verification failed\""
        )
    );
    // A status elsewhere: the loose challenge is not an exchange of its own.
    let ex = read_text("WWW-Authenticate: Bearer\n\nHTTP/1.1 200 OK\n\n");
    assert_eq!(ex.len(), 1);
    assert_eq!(response(&ex[0]).status, 200);
    assert!(ex[0].notes.is_empty());
}

#[test]
fn prose_is_never_an_exchange() {
    let (ex, stats) = read_all(include_bytes!(
        "../../../../tests/fixtures/http/prose-401.txt"
    ));
    assert!(ex.is_empty());
    assert!(stats.errors.is_empty());
}

#[test]
fn obs_fold_keeps_one_space() {
    let text = include_str!("../../../../tests/fixtures/http/obs-fold.txt");
    let ex = read_text(text);
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    let lines: Vec<&str> = text.lines().collect();
    let want = format!(
        "{} {}",
        lines[2].trim_start_matches("Authorization: ").trim_end(),
        lines[3].trim_end()
    );
    assert_eq!(e.request.headers.get("authorization"), Some(want.as_str()));
    assert_eq!(e.request.headers.get("accept"), Some("application/json"));
    assert_eq!(
        response(e).headers.get("www-authenticate"),
        Some("Bearer realm=\"Example API\", error=\"invalid_token\"")
    );
    assert_eq!(body(e), BODY);
}

#[test]
fn curl_i_follows_redirects_and_digest_passes() {
    let ex = read_text(include_str!(
        "../../../../tests/fixtures/http/curl-i-redirect.txt"
    ));
    let statuses: Vec<u16> = ex.iter().map(|e| response(e).status).collect();
    assert_eq!(statuses, vec![302, 401, 401, 200]);
    assert!(ex[0].request.headers.contains("authorization"));
    let hop = &ex[1];
    assert_eq!(hop.request.url, "https://api-eu.example.net/v3/devices");
    assert_eq!(
        hop.redirected_from.as_deref(),
        Some("https://api.example.com/v3/devices")
    );
    assert!(!hop.request.headers.contains("authorization"));
    assert_eq!(body(hop), BODY);
    for digest in &ex[2..] {
        assert_eq!(digest.request.url, "http://legacy.example.com/v1/report");
        assert!(!digest.request.credential_recorded);
    }
    assert_eq!(body(&ex[3]), "device,status\ndev_42,online");
}

#[test]
fn several_urls_answer_in_order() {
    let text = "$ curl -i https://api.example.com/v2/devices https://api.example.com/v2/policies\nHTTP/1.1 200 OK\n\nHTTP/1.1 100 Continue\n\nHTTP/1.1 401 Unauthorized\n\n";
    let ex = read_text(text);
    let urls: Vec<&str> = ex.iter().map(|e| e.request.url.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            "https://api.example.com/v2/devices",
            "https://api.example.com/v2/policies"
        ]
    );
    assert_eq!(ex[1].origin.location, Location::Line(6));
}

#[test]
fn proxy_tunnel_answer_belongs_to_the_final_response() {
    let text = "HTTP/1.1 200 Connection established\r\n\r\nHTTP/2 401 \r\nwww-authenticate: Bearer\r\n\r\n";
    let ex = read_text(text);
    assert_eq!(ex.len(), 1);
    assert_eq!(ex[0].origin.location, Location::Line(3));
    assert_eq!(response(&ex[0]).status, 401);
}

#[test]
fn prompt_glued_to_a_body() {
    let text = "$ curl -i https://api.example.com/a\nHTTP/2 401 \n\n{\"error\":\"x\"}$ curl -i https://api.example.com/b\nHTTP/2 200 \n\n";
    let ex = read_text(text);
    assert_eq!(ex.len(), 2);
    assert_eq!(body(&ex[0]), "{\"error\":\"x\"}");
    assert_eq!(ex[1].request.url, "https://api.example.com/b");
}

#[test]
fn bad_input() {
    let (ex, stats) = read_all(b"");
    assert!(ex.is_empty() && stats.errors.is_empty());
    let garbage: Vec<u8> = (0..2048u32).map(|i| (i * 31 % 256) as u8).collect();
    let (ex, stats) = read_all(&garbage);
    assert!(ex.is_empty());
    assert_eq!(stats.errors.len(), 1);
    let mut long = b"HTTP/1.1 401 Unauthorized\n\n".to_vec();
    long.extend(std::iter::repeat_n(b'{', MAX_LINE + 1));
    long.extend_from_slice(b"\nHTTP/1.1 200 OK\n\n");
    let (ex, stats) = read_all(&long);
    assert_eq!(ex.len(), 2);
    assert_eq!(stats.errors[0].location, "line 3");
    assert!(response(&ex[0]).body.as_ref().unwrap().truncated);
}

const ALL_FIXTURES: [&[u8]; 26] = [
    include_bytes!("../../../../tests/fixtures/curl/digest.txt"),
    include_bytes!("../../../../tests/fixtures/curl/invalid-utf8.txt"),
    include_bytes!("../../../../tests/fixtures/curl/no-response-retry.txt"),
    include_bytes!("../../../../tests/fixtures/curl/proxy-connect.txt"),
    include_bytes!("../../../../tests/fixtures/curl/redirect-cross-host.txt"),
    include_bytes!("../../../../tests/fixtures/curl/trace-ascii-info.txt"),
    include_bytes!("../../../../tests/fixtures/curl/trace-ascii-star.txt"),
    include_bytes!("../../../../tests/fixtures/curl/trace-hex.txt"),
    include_bytes!("../../../../tests/fixtures/curl/v7-http1-crlf.txt"),
    include_bytes!("../../../../tests/fixtures/curl/v7.88-h2h3.txt"),
    include_bytes!("../../../../tests/fixtures/curl/v8-http2.txt"),
    include_bytes!("../../../../tests/fixtures/http/access-clf.txt"),
    include_bytes!("../../../../tests/fixtures/http/access-logfmt.txt"),
    include_bytes!("../../../../tests/fixtures/http/curl-i-bearer.txt"),
    include_bytes!("../../../../tests/fixtures/http/curl-i-no-credential.txt"),
    include_bytes!("../../../../tests/fixtures/http/curl-i-redirect.txt"),
    include_bytes!("../../../../tests/fixtures/http/httpie-verbose.txt"),
    include_bytes!("../../../../tests/fixtures/http/lone-challenge.txt"),
    include_bytes!("../../../../tests/fixtures/http/obs-fold.txt"),
    include_bytes!("../../../../tests/fixtures/http/okhttp-logcat.txt"),
    include_bytes!("../../../../tests/fixtures/http/postman-console.txt"),
    include_bytes!("../../../../tests/fixtures/http/postman-snippet.txt"),
    include_bytes!("../../../../tests/fixtures/http/powershell-utf16le.txt"),
    include_bytes!("../../../../tests/fixtures/http/prose-401.txt"),
    include_bytes!("../../../../tests/fixtures/http/sdk-exceptions.txt"),
    include_bytes!("../../../../tests/fixtures/http/swagger-ui.txt"),
];

type Reader = fn(&mut dyn BufRead, &mut Sink) -> Result<(), Fatal>;

/// Both text readers on every fixture cut short and with bytes changed: never a panic,
/// never more exchanges than status-bearing lines.
#[test]
fn damaged_inputs_never_panic() {
    let readers: [Reader; 2] = [read, crate::curl::read];
    for fixture in ALL_FIXTURES {
        let mut variants: Vec<Vec<u8>> = (0..fixture.len())
            .step_by(97)
            .map(|cut| fixture[..cut].to_vec())
            .collect();
        for (k, flip) in [b'\n', b' ', b'{', b'}', b':', b'\\', b'\'', 0xFF]
            .iter()
            .enumerate()
        {
            let mut changed = fixture.to_vec();
            for i in (k * 13..changed.len()).step_by(41) {
                changed[i] = *flip;
            }
            variants.push(changed);
        }
        for bytes in variants {
            for reader in readers {
                let mut count = 0usize;
                let mut emit = |_e: Exchange| count += 1;
                let mut sink = Sink::new(InputStats::new(Arc::from("t"), Format::Http), &mut emit);
                reader(&mut &bytes[..], &mut sink).unwrap();
                let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
                drop(sink);
                assert!(count <= lines);
            }
        }
    }
}
