use super::*;

/// Values of every field with this key, in order.
fn values(text: &str, key: &str) -> Vec<String> {
    fields(text)
        .into_iter()
        .filter(|f| f.key == key)
        .map(|f| f.value)
        .collect()
}

fn first(text: &str, key: &str) -> String {
    values(text, key)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {key} in {:#?}", fields(text)))
}

/// The value at this exact path.
fn at_path(text: &str, path: &str) -> String {
    let all = fields(text);
    all.iter()
        .find(|f| f.path == path)
        .map(|f| f.value.clone())
        .unwrap_or_else(|| panic!("no {path} in {all:#?}"))
}

#[test]
fn json_in_prose_mid_line() {
    let text = r#"2026-03-02 10:00:01 WARN auth failed status=401, response={"error":"invalid_client","error_description":"Client secret is wrong","code":7} retrying"#;
    assert_eq!(first(text, "status"), "401");
    assert_eq!(at_path(text, "response.error"), "invalid_client");
    assert_eq!(
        at_path(text, "response.error_description"),
        "Client secret is wrong"
    );
    assert_eq!(at_path(text, "response.code"), "7");
}

#[test]
fn json_pretty_printed_across_lines() {
    let text = "Body was:\n{\n  \"error\": {\n    \"code\": 401,\n    \"message\": \"Request had invalid authentication credentials.\",\n    \"status\": \"UNAUTHENTICATED\",\n    \"ok\": false,\n    \"next\": null\n  }\n}\nThanks";
    assert_eq!(at_path(text, "error.code"), "401");
    assert_eq!(
        at_path(text, "error.message"),
        "Request had invalid authentication credentials."
    );
    assert_eq!(at_path(text, "error.status"), "UNAUTHENTICATED");
    assert_eq!(at_path(text, "error.ok"), "false");
    assert_eq!(at_path(text, "error.next"), "null");
}

#[test]
fn json_escapes_are_decoded() {
    let text = r#"{"msg":"say \"hi\" \\ done\nnext\r\nline caf\u00e9 \ud83d\ude00","path":"a\/b"}"#;
    assert_eq!(
        first(text, "msg"),
        "say \"hi\" \\ done\nnext\r\nline café 😀"
    );
    assert_eq!(first(text, "path"), "a/b");
}

#[test]
fn json_in_a_string_is_read_too() {
    let text = r#"{"status":401,"body":"{\"error\":\"invalid_token\",\"error_description\":\"The access token expired\"}"}"#;
    assert_eq!(at_path(text, "body.error"), "invalid_token");
    assert_eq!(
        at_path(text, "body.error_description"),
        "The access token expired"
    );
    assert!(first(text, "body").starts_with("{\"error\""));
}

#[test]
fn truncated_json_yields_what_it_holds() {
    let text = r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Trace ID: 1234","error_codes":[70"#;
    assert_eq!(first(text, "error"), "invalid_client");
    assert_eq!(
        first(text, "error_description"),
        "AADSTS7000215: Invalid client secret provided. Trace ID: 1234"
    );
    assert_eq!(first(text, "error_codes"), "70");
    let cut = r#"{"error":"invalid_grant","error_description":"Token is not act"#;
    assert_eq!(first(cut, "error"), "invalid_grant");
    assert_eq!(first(cut, "error_description"), "Token is not act");
}

#[test]
fn json_array_items_take_the_key_of_their_list() {
    let text = r#"{"scopes":["read","write"],"codes":[70011, 70012]}"#;
    assert_eq!(values(text, "scopes"), ["read", "write"]);
    assert_eq!(values(text, "codes"), ["70011", "70012"]);
}

#[test]
fn python_dict_repr() {
    let text = "Got {'status': 401, 'error': 'invalid_token', 'ok': False, 'detail': None, 'msg': 'it\\'s gone'}";
    assert_eq!(first(text, "status"), "401");
    assert_eq!(first(text, "error"), "invalid_token");
    assert_eq!(first(text, "ok"), "False");
    assert_eq!(first(text, "detail"), "None");
    assert_eq!(first(text, "msg"), "it's gone");
}

#[test]
fn python_response_object() {
    let text = "r = requests.get(url)\nprint(r)\n<Response [401]>\n";
    assert_eq!(first(text, "status"), "401");
    assert_eq!(first("resp=<Response [403]> after retry", "status"), "403");
}

#[test]
fn php_print_r_nested() {
    let text = "Array\n(\n    [status] => 401\n    [headers] => Array\n        (\n            [WWW-Authenticate] => Bearer realm=\"api\", error=\"invalid_token\"\n            [Content-Type] => application/json\n        )\n\n    [message] => \n    [body] => Unauthorized (token expired)\n)\n";
    assert_eq!(at_path(text, "status"), "401");
    assert_eq!(
        at_path(text, "headers.www-authenticate"),
        "Bearer realm=\"api\", error=\"invalid_token\""
    );
    assert_eq!(at_path(text, "headers.content-type"), "application/json");
    assert_eq!(at_path(text, "body"), "Unauthorized (token expired)");
    assert!(values(text, "message").iter().all(|v| v.is_empty()));
}

#[test]
fn php_print_r_object_with_visibility() {
    let text = "GuzzleHttp\\Psr7\\Response Object\n(\n    [reasonPhrase:GuzzleHttp\\Psr7\\Response:private] => Unauthorized\n    [statusCode:protected] => 401\n)";
    assert_eq!(first(text, "statuscode"), "401");
    assert_eq!(first(text, "reasonphrase"), "Unauthorized");
}

#[test]
fn php_var_dump() {
    let text = "array(3) {\n  [\"status\"]=>\n  int(401)\n  [\"ok\"]=>\n  bool(false)\n  [\"headers\"]=>\n  array(1) {\n    [\"www-authenticate\"]=>\n    string(33) \"Bearer error=\"invalid_token\", x=1\"\n  }\n}\n";
    assert_eq!(at_path(text, "status"), "401");
    assert_eq!(at_path(text, "ok"), "false");
    assert_eq!(
        at_path(text, "headers.www-authenticate"),
        "Bearer error=\"invalid_token\", x=1"
    );
}

#[test]
fn php_var_dump_object_private_key() {
    let text = "object(App\\Http\\Reply)#12 (2) {\n  [\"statusCode\":\"App\\Http\\Reply\":private]=>\n  int(401)\n  [\"reason\":protected]=>\n  string(12) \"Unauthorized\"\n}";
    assert_eq!(first(text, "statuscode"), "401");
    assert_eq!(first(text, "reason"), "Unauthorized");
}

#[test]
fn go_sharp_v() {
    let text = r#"resp: &http.Response{Status:"401 Unauthorized", StatusCode:401, Proto:"HTTP/1.1", Header:http.Header{"Www-Authenticate":[]string{"Bearer realm=\"svc\", error=\"invalid_token\""}}, Body:(*http.bodyEOFSignal)(0xc000123456), ContentLength:-1}"#;
    assert_eq!(first(text, "status"), "401 Unauthorized");
    assert_eq!(first(text, "statuscode"), "401");
    assert_eq!(
        at_path(text, "resp.header.www-authenticate"),
        "Bearer realm=\"svc\", error=\"invalid_token\""
    );
    assert_eq!(first(text, "contentlength"), "-1");
    assert_eq!(first(text, "body"), "(*http.bodyEOFSignal)(0xc000123456)");
}

#[test]
fn go_plus_v() {
    let text = r#"response: {Status:401 Unauthorized StatusCode:401 Header:map[Content-Type:[application/json] Www-Authenticate:[Bearer error="invalid_token"]] Uncompressed:false}"#;
    assert_eq!(first(text, "status"), "401 Unauthorized");
    assert_eq!(first(text, "statuscode"), "401");
    assert_eq!(
        at_path(text, "response.header.www-authenticate"),
        "Bearer error=\"invalid_token\""
    );
    assert_eq!(
        at_path(text, "response.header.content-type"),
        "application/json"
    );
    assert_eq!(first(text, "uncompressed"), "false");
}

#[test]
fn go_quoted_string_escapes() {
    let text = r#"err: map[string]string{"detail":"caf\u00e9 \x41 \"q\""}"#;
    assert_eq!(first(text, "detail"), "café A \"q\"");
}

#[test]
fn rust_debug() {
    let text = r#"Error: Response { url: "https://api.example.test/v1/me", status: 401, headers: {"www-authenticate": "Bearer realm=\"x\"", "content-length": "0"}, body: Some("expired") }"#;
    assert_eq!(first(text, "status"), "401");
    assert_eq!(
        at_path(text, "error.headers.www-authenticate"),
        "Bearer realm=\"x\""
    );
    assert_eq!(first(text, "url"), "https://api.example.test/v1/me");
    assert_eq!(first(text, "body"), "expired");
}

#[test]
fn rust_pretty_debug() {
    let text = "reqwest::Error {\n    kind: Status(\n        401,\n    ),\n    url: Url {\n        scheme: \"https\",\n        host: Some(\n            Domain(\n                \"auth.example.test\",\n            ),\n        ),\n    },\n}";
    assert_eq!(first(text, "kind"), "401");
    assert_eq!(at_path(text, "url.scheme"), "https");
    assert_eq!(at_path(text, "url.host"), "auth.example.test");
}

#[test]
fn ruby_hash_inspect() {
    let text = r#"response: {:status=>401, "error"=>"invalid_token", :headers=>{"www-authenticate"=>"Bearer"}, :retry=>nil}"#;
    assert_eq!(first(text, "status"), "401");
    assert_eq!(first(text, "error"), "invalid_token");
    assert_eq!(at_path(text, "response.headers.www-authenticate"), "Bearer");
    assert_eq!(first(text, "retry"), "nil");
}

#[test]
fn ruby_object_inspect() {
    let text =
        "E, [2026-01-01] got #<Net::HTTPUnauthorized 401 Unauthorized readbody=true> from api";
    assert_eq!(first(text, "status"), "401");
    let ivars = "#<Faraday::Response:0x000055d5 @status=401, @reason_phrase=\"Unauthorized\">";
    assert_eq!(first(ivars, "status"), "401");
    assert_eq!(first(ivars, "reason_phrase"), "Unauthorized");
}

#[test]
fn java_to_string() {
    let text = "okhttp: Response{protocol=h2, code=401, message=, url=https://api.example.test/v2/items?page=1}";
    assert_eq!(first(text, "protocol"), "h2");
    assert_eq!(first(text, "code"), "401");
    assert_eq!(first(text, "message"), "");
    assert_eq!(
        first(text, "url"),
        "https://api.example.test/v2/items?page=1"
    );
    let other =
        "HttpResponse{statusCode=401, reason=Unauthorized, headers={WWW-Authenticate=Bearer}}";
    assert_eq!(first(other, "statuscode"), "401");
    assert_eq!(at_path(other, "headers.www-authenticate"), "Bearer");
}

#[test]
fn dotnet_response_to_string() {
    let text = "Response: StatusCode: 401, ReasonPhrase: 'Unauthorized', Version: 1.1, Content: System.Net.Http.HttpConnectionResponseContent, Headers:\n{\n  WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"The token expired at '03/01/2026 10:00:00'\"\n  Date: Mon, 02 Mar 2026 10:00:05 GMT\n  Content-Length: 0\n}";
    assert_eq!(at_path(text, "response.statuscode"), "401");
    assert_eq!(first(text, "reasonphrase"), "Unauthorized");
    assert_eq!(first(text, "version"), "1.1");
    assert_eq!(
        at_path(text, "response.headers.www-authenticate"),
        "Bearer error=\"invalid_token\", error_description=\"The token expired at '03/01/2026 10:00:00'\""
    );
    assert_eq!(first(text, "date"), "Mon, 02 Mar 2026 10:00:05 GMT");
    assert_eq!(first(text, "content-length"), "0");
}

#[test]
fn logfmt_line() {
    let text = r#"time=2026-03-02T10:00:00Z level=warn status=401 msg="token is expired" error="oidc: token is expired (Token Expiry: 2026-03-02)" http.path=/v1/me"#;
    assert_eq!(first(text, "level"), "warn");
    assert_eq!(first(text, "status"), "401");
    assert_eq!(first(text, "msg"), "token is expired");
    assert_eq!(
        first(text, "error"),
        "oidc: token is expired (Token Expiry: 2026-03-02)"
    );
    assert_eq!(first(text, "http.path"), "/v1/me");
    assert_eq!(first(text, "time"), "2026-03-02T10:00:00Z");
}

#[test]
fn yaml_block_nests_by_indentation() {
    let text = "Details:\n  response:\n    status: 401\n    headers:\n      www-authenticate: Bearer error=\"insufficient_scope\"\n  request_id: abc-123\nafter: done";
    assert_eq!(at_path(text, "details.response.status"), "401");
    assert_eq!(
        at_path(text, "details.response.headers.www-authenticate"),
        "Bearer error=\"insufficient_scope\""
    );
    assert_eq!(at_path(text, "details.request_id"), "abc-123");
    assert_eq!(at_path(text, "after"), "done");
}

#[test]
fn header_lines() {
    let text = "HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer realm=\"example\", error=\"invalid_token\"\nX-Request-Id: 9f1c\nDate: Tue, 03 Mar 2026 08:00:00 GMT\n";
    assert_eq!(
        first(text, "www-authenticate"),
        "Bearer realm=\"example\", error=\"invalid_token\""
    );
    assert_eq!(first(text, "x-request-id"), "9f1c");
    assert_eq!(first(text, "date"), "Tue, 03 Mar 2026 08:00:00 GMT");
}

#[test]
fn prose_words_and_urls_are_not_keys() {
    let text = "I tried calling https://api.example.test/v1 at 10:30 and it said no.";
    assert!(fields(text).is_empty(), "{:#?}", fields(text));
}

#[test]
fn document_order_across_structures() {
    let text = "first status=401\nthen {\"error\":\"a\"}\nlast: {'error': 'b'}";
    let keys: Vec<_> = fields(text).into_iter().map(|f| (f.key, f.value)).collect();
    let expect = [("status", "401"), ("error", "a"), ("error", "b")];
    let expect: Vec<_> = expect
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(keys, expect);
}

#[test]
fn long_values_are_capped_on_a_char_boundary() {
    let text = format!("{{\"msg\":\"{}\"}}", "é".repeat(5000));
    let value = first(&text, "msg");
    assert!(value.len() <= MAX_VALUE && value.len() > MAX_VALUE - 4);
    assert!(value.chars().all(|c| c == 'é'));
}

#[test]
fn field_count_is_capped() {
    let text = "a=1 ".repeat(MAX_FIELDS * 2);
    assert_eq!(fields(&text).len(), MAX_FIELDS);
}

#[test]
fn deep_nesting_is_bounded() {
    let text = format!(
        "{}\"deep\":1{} status=401",
        "{\"a\":".repeat(10_000),
        "}".repeat(10_000)
    );
    assert_eq!(first(&text, "status"), "401");
    assert!(values(&text, "deep").is_empty());
    let open = "[{(".repeat(50_000);
    assert!(fields(&open).is_empty());
    let nested_strings = format!("{{\"a\":\"{}\"}}", r#"{\"b\":\"{\\\"c\\\":1}\"}"#);
    assert_eq!(at_path(&nested_strings, "a.b.c"), "1");
}

#[test]
fn one_megabyte_line_without_structure_is_fast() {
    let line = "word ".repeat(200_000)
        + &"x".repeat(200_000)
        + &"\"a, ".repeat(50_000)
        + &":=".repeat(50_000);
    let started = std::time::Instant::now();
    let found = fields(&line);
    assert!(found.is_empty());
    assert!(
        started.elapsed().as_secs() < 2,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn one_megabyte_of_structure_is_fast() {
    let line =
        "k=v ".repeat(50_000) + &"{\"a\":\"b, c\",".repeat(50_000) + &"x: y, ".repeat(50_000);
    let started = std::time::Instant::now();
    let _ = fields(&line);
    assert!(
        started.elapsed().as_secs() < 2,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn garbled_bytes_never_panic() {
    // A small xorshift generator: deterministic, no dependency.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let alphabet: Vec<char> = "{}[]()<>#\"'\\:=,; \n\r\t@$&*-_.aZ09uUxé😀=>[]{"
        .chars()
        .collect();
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..200 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        for field in fields(&text) {
            assert!(field.value.len() <= MAX_VALUE);
            assert!(!field.key.is_empty());
        }
    }
}

#[test]
fn lossy_bytes_never_panic() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let text = String::from_utf8_lossy(&bytes);
    let _ = fields(&text);
}

#[test]
fn nul_bytes_and_odd_line_ends_terminate() {
    let text = "\0\n\0 status: 1\r\n\0\0{\0\"a\"\0:\0}\0\r\r\n  \0";
    let _ = fields(text);
    assert_eq!(first("\0\nstatus=401\0", "status"), "401\0");
}

#[test]
fn mismatched_brackets_keep_reading() {
    let text = r#"{"a": [1, 2}, "b": 3} and {"c": (4]}"#;
    assert_eq!(first(text, "b"), "3");
    assert_eq!(first(text, "c"), "(4]");
}

#[test]
fn worst_case_lines_stay_linear() {
    let cases = [
        "[a".repeat(300_000),
        "{".repeat(500_000),
        "\"a".repeat(300_000),
        "a:".repeat(300_000),
        "x=\"".repeat(200_000),
        format!("k: {}", "a, ".repeat(300_000)),
        format!("k={}", "a b=".repeat(200_000)),
        "Array (".repeat(100_000),
        "#<".repeat(300_000),
    ];
    for text in cases {
        let started = std::time::Instant::now();
        let found = fields(&text);
        assert!(found.len() <= MAX_FIELDS);
        assert!(
            started.elapsed().as_secs() < 2,
            "{:?}: {:?}",
            &text[..8],
            started.elapsed()
        );
    }
}

#[test]
fn hard_wrapped_json_string_is_joined() {
    let text = "ERROR token call failed status=401, response={\"error\":\"invalid_client\",\"error_description\":\"\nCODE123: The secret is wrong. \nTrace ID: 42 \nTimestamp: 2026-01-02 03:04:05Z\",\"error_codes\":[123],\n\"error_uri\":\"https://login.example.test/error?code=123\"}\n\nthat's all";
    assert_eq!(
        at_path(text, "response.error_description"),
        "CODE123: The secret is wrong. Trace ID: 42 Timestamp: 2026-01-02 03:04:05Z"
    );
    assert_eq!(at_path(text, "response.error_codes"), "123");
    assert_eq!(
        at_path(text, "response.error_uri"),
        "https://login.example.test/error?code=123"
    );
}

#[test]
fn unterminated_string_does_not_swallow_following_lines() {
    let text = "{\"error\":\"cut here\nnext line says \"hello\" and more\n\"status\": 401}";
    assert_eq!(first(text, "error"), "cut here");
    assert_eq!(first(text, "status"), "401");
}

#[test]
fn top_level_logfmt_values_end_at_spaces() {
    let text = "GET https://api.example.test/orgs/acme/repos?page=2: 401 Bad credentials";
    assert_eq!(first(text, "page"), "2:");
}

#[test]
fn indented_structures_are_read() {
    let text = "Output:\n    {\n      \"error\": \"expired_token\"\n    }\n  - status: 401\n";
    assert_eq!(first(text, "error"), "expired_token");
    assert_eq!(first(text, "status"), "401");
}
