use std::sync::Arc;

use super::*;
use crate::{Format, InputStats};
use why401_model::exchange::{Exchange, ExchangeNote};

fn read_text(text: &str) -> Vec<Exchange> {
    let mut out = Vec::new();
    let mut emit = |e: Exchange| out.push(e);
    let mut sink = Sink::new(InputStats::new(Arc::from("t"), Format::Ticket), &mut emit);
    read(&mut text.as_bytes(), &mut sink).unwrap();
    drop(sink);
    out
}

fn statuses(text: &str) -> Vec<u16> {
    read_text(text).iter().filter_map(|e| e.status()).collect()
}

#[test]
fn an_exception_and_its_wrapper_are_one_response() {
    let text = "Exception in thread \"main\" com.example.ApiException: call failed\n\
                Caused by: org.springframework.web.client.HttpClientErrorException$Unauthorized: 401 Unauthorized: [no body]\n\
                \tat com.example.Client.get(Client.java:42)\n\
                ERROR request failed with status code 401";
    assert_eq!(statuses(text), vec![401]);
}

#[test]
fn log_records_with_their_own_timestamps_are_separate_responses() {
    let text = "2024-05-01T10:00:00Z level=info msg=\"denied\" status=401 path=/a\n\
                2024-05-01T10:00:05Z level=info msg=\"denied\" status=401 path=/a\n\
                2024-05-01T10:00:05Z level=info msg=\"ok\" status=200 path=/b";
    assert_eq!(statuses(text), vec![401, 401, 200]);
}

#[test]
fn the_same_block_quoted_again_is_one_response() {
    let block = "HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer error=\"invalid_token\"\n";
    let text = format!("{block}\nAs I said above:\n\n{block}");
    assert_eq!(statuses(&text), vec![401]);
}

#[test]
fn two_tools_in_two_blocks_are_two_responses() {
    let text = "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.example.com/a\n\n\
                AxiosError: Request failed with status code 401";
    assert_eq!(statuses(text), vec![401, 401]);
}

#[test]
fn a_challenge_alone_infers_a_401_unless_it_asks_for_scope() {
    let found = read_text("Bearer realm=\"api\", error=\"invalid_token\"\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].notes.contains(&ExchangeNote::StatusInferred));
    assert!(read_text("Bearer error=\"insufficient_scope\", scope=\"admin\"\n").is_empty());
}

#[test]
fn expectations_code_and_documentation_report_nothing() {
    for text in [
        "assert response.status_code == 401\n",
        "AssertionError: expected 401 \"Unauthorized\", got 400 \"Bad Request\"\n",
        "Expected result\nHTTP 401 Unauthorized\n",
        "The server MUST respond with 401 when the token is missing.\nClients SHOULD retry.\n",
    ] {
        let found: Vec<u16> = statuses(text).into_iter().filter(|&s| s == 401).collect();
        assert!(found.is_empty(), "{text}: {found:?}");
    }
}

#[test]
fn the_server_words_of_a_template_reach_the_exchange() {
    let found = read_text("GET https://api.example.com/v1/me: 401 Bad credentials []\n");
    let exchange = &found[0];
    assert_eq!(exchange.request.method, "GET");
    assert_eq!(exchange.request.url, "https://api.example.com/v1/me");
    assert!(
        exchange
            .server_messages
            .iter()
            .any(|m| m.text.contains("Bad credentials"))
    );
    assert_eq!(
        exchange.origin.location,
        why401_model::exchange::Location::Lines(1, 1)
    );
}

#[test]
fn a_logfmt_error_sentence_is_a_statement_and_its_host_names_the_url() {
    let found = read_text(
        "time=2024-05-16T12:20:07Z level=warn msg=\"request rejected\" method=GET host=api.example.com path=/v2/x status=401 error=\"token is expired\"\n",
    );
    let exchange = &found[0];
    assert_eq!(exchange.request.url, "//api.example.com/v2/x");
    assert!(
        exchange
            .server_messages
            .iter()
            .any(|m| m.field == "message" && m.text == "token is expired"),
        "{:?}",
        exchange.server_messages
    );
}

#[test]
fn browser_console_lines_keep_their_host_and_path() {
    let found = read_text(
        "main.js:42 GET https://api.example.com/v2/me 401 (Unauthorized)\nVM123:1 POST https://api.example.com/v2/orders 401 (Unauthorized)\n",
    );
    let urls: Vec<(&str, &str)> = found
        .iter()
        .map(|e| (e.request.method.as_str(), e.request.url.as_str()))
        .collect();
    assert_eq!(
        urls,
        vec![
            ("GET", "https://api.example.com/v2/me"),
            ("POST", "https://api.example.com/v2/orders")
        ]
    );
}

#[test]
fn e_mail_and_html_tickets_are_read_as_their_text() {
    let mail = "From: Dana <dana@example.com>\nSubject: API down\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nOur job fails:\nrequests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https=\n://api.example.com/v2/devices\n";
    assert_eq!(statuses(mail), vec![401]);
    let html = "<html><body><p>Our job fails:</p><pre>Invoke-RestMethod : The remote server returned an error: (401) Unauthorized.</pre></body></html>\n";
    assert_eq!(statuses(html), vec![401]);
}

#[test]
fn a_url_with_userinfo_sends_basic_and_keeps_no_password() {
    let found = read_text(
        "httpx.HTTPStatusError: Client error '401 Unauthorized' for url 'https://bot:s3cret-pw@api.example.com/v1/me'\n",
    );
    let request = &found[0].request;
    assert_eq!(request.url, "https://api.example.com/v1/me");
    assert!(
        request
            .headers
            .get("authorization")
            .is_some_and(|v| v.starts_with("Basic "))
    );
}
