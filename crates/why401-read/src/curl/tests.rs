use super::*;
use crate::lines::MAX_LINE;
use crate::{Format, InputStats};
use why401_model::exchange::{ClientTime, Location, Response};

fn read_all(bytes: &[u8]) -> (Vec<Exchange>, InputStats) {
    crate::read_bytes(read, Format::Curl, bytes)
}

/// The rest of the first fixture line holding `marker`, line ending removed.
fn after(text: &str, marker: &str) -> String {
    let at = text.find(marker).unwrap() + marker.len();
    text[at..].lines().next().unwrap().trim_end().to_owned()
}

fn response(e: &Exchange) -> &Response {
    e.response.as_ref().unwrap()
}

const V7: &str = include_str!("../../../../tests/fixtures/curl/v7-http1-crlf.txt");

#[test]
fn v7_http1_post_with_continue_and_stdout_body() {
    let (ex, stats) = read_all(V7.as_bytes());
    assert_eq!(ex.len(), 2);
    assert!(stats.errors.is_empty());
    let first = &ex[0];
    assert_eq!(first.origin.location, Location::Line(38));
    assert_eq!(first.request.method, "POST");
    assert_eq!(
        first.request.url,
        "https://api.example.com/v2/devices/dev_42/actions"
    );
    assert_eq!(first.request.http_version, "1.1");
    let auth = first.request.headers.get("authorization").unwrap();
    assert_eq!(auth, after(V7, "> Authorization: "));
    assert!(auth.starts_with("Bearer eyJ"));
    assert!(first.request.headers_recorded && first.request.credential_recorded);
    // `} [38 bytes data]`: a body was sent but is not in the transcript.
    assert!(!first.request.body_recorded);
    assert!(first.request.body.is_none());
    let r = response(first);
    assert_eq!((r.status, r.reason.as_str()), (401, "Unauthorized"));
    assert!(
        r.headers
            .get("www-authenticate")
            .unwrap()
            .contains("Token has expired")
    );
    let body = r.body.as_ref().unwrap();
    assert!(body.text.starts_with("{\"error\": \"unauthorized\""));
    assert!(body.text.ends_with("\"req_7f3a9c01d2\"}"));
    assert!(first.server_time.is_some());
    let second = &ex[1];
    assert_eq!(
        second.request.url,
        "https://api.example.com/v2/organizations/current"
    );
    assert!(second.request.body_recorded);
    assert_eq!(response(second).status, 200);
    assert!(
        response(second)
            .body
            .as_ref()
            .unwrap()
            .text
            .contains("org_1234")
    );
}

#[test]
fn h2h3_lines_do_not_repeat_headers() {
    let text = include_str!("../../../../tests/fixtures/curl/v7.88-h2h3.txt");
    let (ex, _) = read_all(text.as_bytes());
    let statuses: Vec<u16> = ex.iter().map(|e| response(e).status).collect();
    assert_eq!(statuses, vec![401, 200, 404]);
    let first = &ex[0];
    assert_eq!(first.request.url, "https://api.example.com/v2/policies");
    assert_eq!(first.request.headers.get_all("authorization").count(), 1);
    assert_eq!(first.request.headers.len(), 4);
    assert_eq!(response(first).http_version, "2");
    assert_eq!(response(first).reason, "");
    assert!(response(first).body.is_none());
    assert_eq!(
        ex[2].request.url,
        "https://api.example.com/v2/devices/dev_999"
    );
}

#[test]
fn curl8_http2_keeps_every_challenge() {
    let text = include_str!("../../../../tests/fixtures/curl/v8-http2.txt");
    let (ex, _) = read_all(text.as_bytes());
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    assert_eq!(
        e.request.url,
        "https://api.example.com/v2/logs/audit?since=2024-03-08"
    );
    assert_eq!(e.request.headers.get_all("authorization").count(), 1);
    let challenges: Vec<&str> = response(e).headers.get_all("www-authenticate").collect();
    assert_eq!(challenges.len(), 2);
    assert!(challenges[0].contains("insufficient_scope"));
    assert_eq!(challenges[1], "Basic realm=\"Example API\"");
}

#[test]
fn digest_pair_is_two_exchanges() {
    let text = include_str!("../../../../tests/fixtures/curl/digest.txt");
    let (ex, _) = read_all(text.as_bytes());
    assert_eq!(ex.len(), 2);
    assert_eq!(response(&ex[0]).status, 401);
    assert!(!ex[0].request.headers.contains("authorization"));
    assert_eq!(ex[0].request.url, "http://legacy.example.com/v1/report");
    assert_eq!(response(&ex[1]).status, 200);
    assert!(
        ex[1]
            .request
            .headers
            .get("authorization")
            .unwrap()
            .starts_with("Digest ")
    );
    assert_eq!(ex[1].redirected_from, None);
}

#[test]
fn proxy_connect_is_not_an_exchange() {
    let text = include_str!("../../../../tests/fixtures/curl/proxy-connect.txt");
    let (ex, _) = read_all(text.as_bytes());
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    assert_eq!(e.request.method, "GET");
    assert_eq!(e.request.url, "https://api.example.com/v2/devices");
    assert!(!e.request.headers.contains("proxy-authorization"));
    assert_eq!(response(e).status, 401);
}

#[test]
fn cross_host_redirect_drops_authorization() {
    let text = include_str!("../../../../tests/fixtures/curl/redirect-cross-host.txt");
    let (ex, _) = read_all(text.as_bytes());
    assert_eq!(ex.len(), 2);
    assert_eq!(response(&ex[0]).status, 301);
    assert!(ex[0].request.headers.contains("authorization"));
    let hop = &ex[1];
    assert_eq!(hop.request.url, "https://api-eu.example.net/v2/devices");
    assert_eq!(
        hop.redirected_from.as_deref(),
        Some("https://api.example.com/v2/devices")
    );
    assert!(!hop.request.headers.contains("authorization"));
    assert!(hop.request.credential_recorded);
    assert_eq!(
        response(hop).body.as_ref().unwrap().text,
        "{\"error\": \"unauthorized\", \"message\": \"Invalid or expired token\"}"
    );
}

#[test]
fn trace_ascii_joins_rows_and_shows_bodies() {
    let text = include_str!("../../../../tests/fixtures/curl/trace-ascii-info.txt");
    let (ex, _) = read_all(text.as_bytes());
    assert_eq!(ex.len(), 2);
    let token = &ex[0];
    assert_eq!(token.request.url, "https://auth.example.com/oauth/token");
    assert!(token.request.body_recorded);
    assert_eq!(
        token.request.form_param("grant_type"),
        Some("client_credentials")
    );
    assert_eq!(
        token.request.form_param("client_id"),
        Some("app_inventory_sync")
    );
    assert_eq!(token.request.form_param("scope"), Some("read devices:read"));
    let body = response(token).body.as_ref().unwrap();
    assert!(body.text.starts_with("{\"access_token\": \"eyJ"));
    assert!(body.text.ends_with("\"scope\": \"read devices:read\"}"));
    assert!(!body.text.contains('\n'));
    let call = &ex[1];
    assert_eq!(call.origin.location, Location::Line(53));
    // The header spans three rows of the trace: joined with nothing between them. It is
    // the token the first call returned, with one character lost in the signature.
    let issued: serde_json::Value = serde_json::from_str(&body.text).unwrap();
    let issued = issued["access_token"].as_str().unwrap();
    let cut = issued.len() - 40;
    let damaged = format!("Bearer {}{}", &issued[..cut], &issued[cut + 1..]);
    assert_eq!(
        call.request.headers.get("authorization"),
        Some(damaged.as_str())
    );
    assert_eq!(response(call).status, 401);
    assert_eq!(call.request.headers.get("accept"), Some("*/*"));
}

#[test]
fn trace_time_ids_and_star_info() {
    let text = include_str!("../../../../tests/fixtures/curl/trace-ascii-star.txt");
    let (ex, _) = read_all(text.as_bytes());
    assert_eq!(ex.len(), 1);
    let e = &ex[0];
    assert_eq!(e.request.method, "PUT");
    assert_eq!(e.request.url, "https://api.example.com/v2/policies/pol_7");
    let want = NaiveTime::from_hms_micro_opt(14, 40, 0, 150_600).unwrap();
    assert_eq!(e.client_time, Some(ClientTime::TimeOfDay(want)));
    assert_eq!(
        e.request.body.as_ref().unwrap().text,
        "{\"name\": \"night-lockdown\", \"enabled\": true}"
    );
    assert!(e.request.form.is_empty());
    assert_eq!(response(e).status, 401);
    assert!(
        response(e)
            .body
            .as_ref()
            .unwrap()
            .text
            .contains("E-AUTH-001")
    );
}

#[test]
fn trace_hex_rows_are_decoded() {
    let text = include_str!("../../../../tests/fixtures/curl/trace-hex.txt");
    let (ex, _) = read_all(text.as_bytes());
    assert_eq!(ex.len(), 2);
    assert_eq!(ex[0].origin.location, Location::Line(5));
    assert_eq!(
        response(&ex[0]).body.as_ref().unwrap().text,
        "{\"devices\": [{\"id\": \"dev_42\", \"name\": \"lab\"}]}"
    );
    let e = &ex[1];
    assert_eq!(e.request.method, "DELETE");
    assert!(
        e.request
            .headers
            .get("authorization")
            .unwrap()
            .starts_with("bearer eyJ")
    );
    assert_eq!(
        response(e).headers.get("www-authenticate"),
        Some("Bearer realm=\"Example API\"")
    );
}

#[test]
fn unanswered_request_is_not_an_exchange() {
    let text = include_str!("../../../../tests/fixtures/curl/no-response-retry.txt");
    let (ex, _) = read_all(text.as_bytes());
    assert_eq!(ex.len(), 1);
    assert_eq!(ex[0].origin.location, Location::Line(47));
    assert!(ex[0].request.credential_recorded);
    assert!(!ex[0].request.headers.contains("authorization"));
}

#[test]
fn response_without_request_and_interim_only() {
    let (ex, _) = read_all(b"* Connected to x (1.2.3.4) port 80\n< HTTP/1.1 401 Unauthorized\n< WWW-Authenticate: Basic\n<\n");
    assert_eq!(ex.len(), 1);
    assert_eq!(ex[0].origin.location, Location::Line(2));
    assert!(!ex[0].request.headers_recorded);
    assert!(ex[0].notes.is_empty());
    let (ex, _) = read_all(b"> POST /x HTTP/1.1\n> Host: h\n>\n< HTTP/1.1 100 Continue\n<\n");
    assert!(ex.is_empty());
}

#[test]
fn bad_input_is_reported_not_fatal() {
    let (ex, stats) = read_all(b"");
    assert!(ex.is_empty() && stats.errors.is_empty());
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let (ex, stats) = read_all(&garbage);
    assert!(ex.is_empty());
    assert_eq!(stats.errors.len(), 1);
    assert!(stats.errors[0].message.contains("binary"));
    let mut long = V7.as_bytes().to_vec();
    long.extend(std::iter::repeat_n(b'a', MAX_LINE + 10));
    long.extend_from_slice(b"\n");
    long.extend_from_slice(V7.as_bytes());
    let (ex, stats) = read_all(&long);
    assert_eq!(ex.len(), 4);
    assert_eq!(stats.errors.len(), 1);
    assert!(stats.errors[0].location.starts_with("line "));
}

#[test]
fn invalid_utf8_is_read_lossily() {
    let text = include_bytes!("../../../../tests/fixtures/curl/invalid-utf8.txt");
    let (ex, _) = read_all(text);
    assert_eq!(ex.len(), 1);
    let challenge = response(&ex[0]).headers.get("www-authenticate").unwrap();
    assert_eq!(challenge, "Bearer realm=\"Caf\u{FFFD} API\"");
}

#[test]
fn verbose_with_include_and_reused_tls_connection() {
    let text = b"* Connected to api.example.com (203.0.113.10) port 8443 (#0)\n* SSL connection using TLSv1.3\n> GET /a HTTP/1.1\n> Host: api.example.com:8443\n>\n< HTTP/1.1 200 OK\n<\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"a\": 1}\n* Re-using existing connection! (#0) with host api.example.com\n* Connected to api.example.com (203.0.113.10) port 8443 (#0)\n> GET /b HTTP/1.1\n> Host: api.example.com:8443\n>\n< HTTP/1.1 401 Unauthorized\n<\n";
    let (ex, _) = read_all(text);
    assert_eq!(ex.len(), 2);
    assert_eq!(response(&ex[0]).body.as_ref().unwrap().text, "{\"a\": 1}");
    assert_eq!(ex[1].request.url, "https://api.example.com:8443/b");
}

#[test]
fn hostile_trace_rows_do_not_panic() {
    let text = b"=> Send header, 99999999999999999999 bytes (0x1)\nffffffffffffffff: GET / HTTP/1.1\n0000: Host: x\nfffffffffffffffffff: y\n0010:\n<= Recv header, 2 bytes (0x2)\n0000: HTTP/1.1 401 x\n<= Recv header, 2 bytes (0x2)\n0000: \n";
    let (ex, _) = read_all(text);
    assert!(ex.len() <= 1);
}

#[test]
fn trace_prefixes() {
    let (t, rest) = split_trace_prefix("14:40:00.150600 [0-0] > GET / HTTP/2");
    assert_eq!(t, NaiveTime::from_hms_micro_opt(14, 40, 0, 150_600));
    assert_eq!(rest, "> GET / HTTP/2");
    assert_eq!(split_trace_prefix("[1-x] * Trying").1, "* Trying");
    assert_eq!(split_trace_prefix("* [HTTP/2] [1] x").1, "* [HTTP/2] [1] x");
    assert_eq!(split_trace_prefix("12:00 noon").1, "12:00 noon");
}
