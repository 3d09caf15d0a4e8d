use super::*;

/// Unquotes `text` split into numbered lines and returns the clean texts.
fn clean(text: &str) -> Vec<String> {
    let lines: Vec<(u64, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| (i as u64 + 1, line))
        .collect();
    let out = unquote(&lines);
    assert_eq!(out.len(), lines.len(), "one clean line per input line");
    for (line, (number, _)) in out.iter().zip(&lines) {
        assert_eq!(line.number, *number);
    }
    out.into_iter().map(|l| l.text).collect()
}

#[test]
fn keeps_numbers_and_order() {
    let out = unquote(&[(7, "```"), (9, "  HTTP/1.1 401"), (12, "```")]);
    let numbers: Vec<u64> = out.iter().map(|l| l.number).collect();
    assert_eq!(numbers, [7, 9, 12]);
    assert_eq!(out[1].text, "HTTP/1.1 401");
}

#[test]
fn fences_become_empty_lines() {
    let text = "Output:\n```json\n{\"error\":\"invalid_token\"}\n```\n~~~\nnext\n~~~";
    assert_eq!(
        clean(text),
        [
            "Output:",
            "",
            "{\"error\":\"invalid_token\"}",
            "",
            "",
            "next",
            ""
        ]
    );
}

#[test]
fn text_glued_to_a_fence_stays() {
    assert_eq!(clean("```GET /v1/me HTTP/1.1```"), ["GET /v1/me HTTP/1.1"]);
    assert_eq!(clean("{\"status\":401}```"), ["{\"status\":401}"]);
}

#[test]
fn backtick_wrapped_lines_lose_the_backticks() {
    let text = "`HTTP/1.1 401 UNAUTHORIZED`\n`Server: waitress`\n`{\n  \"error\": \"expired\"\n}`";
    assert_eq!(
        clean(text),
        [
            "HTTP/1.1 401 UNAUTHORIZED",
            "Server: waitress",
            "{",
            "  \"error\": \"expired\"",
            "}"
        ]
    );
}

#[test]
fn stray_backticks_of_a_broken_fence_go() {
    let text = "`\nacme-cli login --token x\nError: 401 Unauthorized`\n`";
    assert_eq!(
        clean(text),
        [
            "",
            "acme-cli login --token x",
            "Error: 401 Unauthorized",
            ""
        ]
    );
}

#[test]
fn inline_code_and_generic_backticks_stay() {
    assert_eq!(
        clean("at Client.Send[T](Task`1 task)\nset `token` in `config`"),
        ["at Client.Send[T](Task`1 task)", "set `token` in `config`"]
    );
    assert_eq!(clean("`token` is expired"), ["`token` is expired"]);
    assert_eq!(clean("`a` and `b`"), ["`a` and `b`"]);
}

#[test]
fn email_quotes_are_removed_at_every_depth() {
    let text = "> The call returns 401.\n> > Did you rotate the key?\n>\n> Yes.";
    assert_eq!(
        clean(text),
        [
            "The call returns 401.",
            "Did you rotate the key?",
            "",
            "Yes."
        ]
    );
}

const CURL_V: &str = "*   Trying 10.1.2.3:443...\n\
> GET /v2/orders HTTP/1.1\n\
> Host: api.example.test\n\
> Authorization: Bearer xyz\n\
>\n\
< HTTP/1.1 401 Unauthorized\n\
< WWW-Authenticate: Bearer error=\"invalid_token\"\n\
<\n\
{\"error\":\"invalid_token\"}";

#[test]
fn curl_request_lines_stay() {
    let lines: Vec<&str> = CURL_V.split('\n').collect();
    assert_eq!(clean(CURL_V), lines);
}

#[test]
fn quoted_curl_loses_exactly_one_level() {
    let quoted: String = CURL_V.split('\n').map(|l| format!("> {l}\n")).collect();
    let out = clean(quoted.trim_end());
    let lines: Vec<&str> = CURL_V.split('\n').collect();
    assert_eq!(out, lines);
}

#[test]
fn curl_request_block_without_neighbours_is_kept_by_its_request_line() {
    let text = "I ran it:\n\n> POST /token HTTP/2\n> Host: auth.example.test\n> content-type: application/x-www-form-urlencoded";
    assert_eq!(clean(text)[2], "> POST /token HTTP/2");
    assert_eq!(
        clean(text)[4],
        "> content-type: application/x-www-form-urlencoded"
    );
}

#[test]
fn a_quoted_header_is_prose_when_no_curl_is_around() {
    let text = "> Note: the token expired yesterday\n> and we rotated it";
    assert_eq!(
        clean(text),
        ["Note: the token expired yesterday", "and we rotated it"]
    );
}

#[test]
fn shell_continuation_prompts_are_removed_but_curl_stays() {
    let text = "ops@box:~$ curl -v https://api.example.test/me \\\n\
> -H \"Authorization: Bearer t\" \\\n\
> -H \"Accept: application/json\"\n\
* Connected to api.example.test\n\
> GET /me HTTP/1.1\n\
> Host: api.example.test\n\
>\n\
< HTTP/1.1 401 Unauthorized\n\
{\"detail\":\"Invalid token.\"}ops@box:~$";
    let out = clean(text);
    assert_eq!(out[0], "curl -v https://api.example.test/me \\");
    assert_eq!(out[1], "-H \"Authorization: Bearer t\" \\");
    assert_eq!(out[2], "-H \"Accept: application/json\"");
    assert_eq!(out[4], "> GET /me HTTP/1.1");
    assert_eq!(out[6], ">");
    assert_eq!(out[8], "{\"detail\":\"Invalid token.\"}");
}

#[test]
fn common_indentation_of_a_block_goes_and_relative_indentation_stays() {
    let text = "    Traceback (most recent call last):\n      File \"app.py\", line 3\n    HTTPError: 401\n\n\tone\n\t\ttwo";
    assert_eq!(
        clean(text),
        [
            "Traceback (most recent call last):",
            "  File \"app.py\", line 3",
            "HTTPError: 401",
            "",
            "one",
            "\ttwo"
        ]
    );
}

#[test]
fn prose_then_indented_frames_keep_their_indentation() {
    let text = "Error: 401\n    at fetch (client.js:10:3)";
    assert_eq!(clean(text), ["Error: 401", "    at fetch (client.js:10:3)"]);
}

#[test]
fn fenced_and_indented_block_together() {
    let text = "```\n    {\n      \"status\": 401\n    }\n```";
    assert_eq!(clean(text), ["", "{", "  \"status\": 401", "}", ""]);
}

#[test]
fn editor_line_numbers_go_when_consecutive() {
    let text = "  41 | def call():\n  42 |     r = get(url)\n  43 |     r.raise_for_status()";
    assert_eq!(
        clean(text),
        [
            "def call():",
            "    r = get(url)",
            "    r.raise_for_status()"
        ]
    );
    let grep = "10:status=401\n11:reason=expired\n12:retry=no";
    assert_eq!(clean(grep), ["status=401", "reason=expired", "retry=no"]);
    let cat = "     1\tHTTP/1.1 401\n     2\tServer: x\n     3\t";
    assert_eq!(clean(cat), ["HTTP/1.1 401", "Server: x", ""]);
}

#[test]
fn statuses_and_short_runs_are_not_line_numbers() {
    let text = "401 Unauthorized\n401: invalid token\n402: something";
    assert_eq!(
        clean(text),
        ["401 Unauthorized", "401: invalid token", "402: something"]
    );
    let times = "10:00:01 start\n11:00:01 next\n12:00:01 401";
    assert_eq!(
        clean(times),
        ["10:00:01 start", "11:00:01 next", "12:00:01 401"]
    );
}

#[test]
fn npm_numbered_log_keeps_its_numbers() {
    let text = "51 verbose statusCode 401\n52 error code E401\n53 error Unable to authenticate";
    assert_eq!(clean(text), text.split('\n').collect::<Vec<_>>());
}

#[test]
fn elision_lines_stay() {
    assert_eq!(
        clean("...\n[...]\n…\nHTTP 401"),
        ["...", "[...]", "…", "HTTP 401"]
    );
}

#[test]
fn shell_prompts_are_removed() {
    let cases = [
        (
            "$ curl -i https://api.example.test",
            "curl -i https://api.example.test",
        ),
        (
            "$curl -s 'https://api.example.test'",
            "curl -s 'https://api.example.test'",
        ),
        ("# kubectl logs deploy/api", "kubectl logs deploy/api"),
        ("% gh auth status", "gh auth status"),
        ("❯ npm whoami", "npm whoami"),
        (
            "dev@host-3:/srv/app# docker login reg.example.test",
            "docker login reg.example.test",
        ),
        (
            "PS C:\\Users\\dev> Connect-Thing -Token x",
            "Connect-Thing -Token x",
        ),
        ("C:\\>acme.exe login", "acme.exe login"),
        (">>> api.whoami()", "api.whoami()"),
    ];
    for (line, expected) in cases {
        assert_eq!(clean(line), [expected], "{line}");
    }
}

#[test]
fn headings_money_and_variables_are_not_prompts() {
    for line in [
        "# Steps to reproduce",
        "$ 12.50 charged",
        "$curl = curl_init($url);",
        "## Logs",
    ] {
        assert_eq!(clean(line), [line]);
    }
}

#[test]
fn compose_prefixes_go_when_they_repeat_in_one_column() {
    let text = "auth-api  | level=warn msg=\"token expired\"\nworker    | job done\nauth-api  | status=401";
    assert_eq!(
        clean(text),
        ["level=warn msg=\"token expired\"", "job done", "status=401"]
    );
}

#[test]
fn compose_v1_prefix_goes_on_a_single_line() {
    assert_eq!(
        clean("gateway_1   | status=401 path=/v2/"),
        ["status=401 path=/v2/"]
    );
}

#[test]
fn a_lone_pipe_in_prose_stays() {
    let line = "status | 401 and then it failed";
    assert_eq!(clean(line), [line]);
    let table = "Status | 401\nReason | expired";
    assert_eq!(clean(table), ["Status | 401", "Reason | expired"]);
}

#[test]
fn kubectl_prefix_goes() {
    let text = "[pod/api-6c8d/app] 401 token expired\n[pod/api-6c8d/sidecar] ok";
    assert_eq!(clean(text), ["401 token expired", "ok"]);
}

#[test]
fn logcat_prefixes_go() {
    let text = "2025-03-04 09:08:07.654  4321-4400 OkHttp                  org.example.app                 D  <-- 401 https://api.example.test/me (12ms)\n\
03-04 09:08:07.655  4321  4400 D OkHttp  : www-authenticate: Bearer\n\
D/OkHttp( 4321): <-- END HTTP\n\
I/OkHttp: {\"error\":\"expired\"}";
    assert_eq!(
        clean(text),
        [
            "<-- 401 https://api.example.test/me (12ms)",
            "www-authenticate: Bearer",
            "<-- END HTTP",
            "{\"error\":\"expired\"}"
        ]
    );
}

#[test]
fn actions_timestamps_and_markers_go() {
    let text = "2025-02-03T10:11:12.1234567Z ##[debug]Response 401\n\
2025-02-03T10:11:12.2234567Z ##[error]Process completed with exit code 1.\n\
2025-02-03T10:11:13.0000001Z Unauthorized";
    assert_eq!(
        clean(text),
        [
            "Response 401",
            "Process completed with exit code 1.",
            "Unauthorized"
        ]
    );
}

#[test]
fn browser_console_prefixes_go() {
    let text = "VM88:1 GET https://api.example.test/me 401 (Unauthorized)\napp.bundle.js:1204 Error: token expired";
    assert_eq!(
        clean(text),
        [
            "GET https://api.example.test/me 401 (Unauthorized)",
            "Error: token expired"
        ]
    );
}

#[test]
fn application_log_timestamps_stay() {
    let text = "2025-01-02 03:04:05,678 ERROR [auth] token rejected\n\
time=\"2025-01-02T03:04:05Z\" level=warning msg=\"denied\"\n\
Jun  3 04:05:06 edge-1 gatekeeper[812]: 401 for /v1/me";
    assert_eq!(clean(text), text.split('\n').collect::<Vec<_>>());
}

#[test]
fn every_prefix_rule_strips_its_example() {
    for rule in PREFIX_RULES {
        let (line, expected) = rule.example;
        assert!(!rule.source.is_empty());
        assert_eq!(
            regex(rule.pattern).find(line).map(|m| &line[m.end()..]),
            Some(expected),
            "{}",
            rule.pattern
        );
        // Each example, repeated on two lines, comes out stripped.
        let twice = format!("{line}\n{line}");
        assert_eq!(clean(&twice), [expected, expected], "{}", rule.pattern);
    }
}

#[test]
fn every_prompt_rule_strips_its_example() {
    for rule in PROMPT_RULES {
        let (line, expected) = rule.example;
        assert!(!rule.source.is_empty());
        assert_eq!(clean(line), [expected], "{}", rule.pattern);
    }
}

#[test]
fn a_one_megabyte_line_is_linear() {
    let big = format!("> $ {}", "a".repeat(1 << 20));
    let text = format!("```\n{big}\n   {big}\n{}|\n```", "x".repeat(1 << 20));
    let start = std::time::Instant::now();
    let out = clean(&text);
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
    assert_eq!(out[1].len(), 1 << 20);
    assert_eq!(out[2], out[1]);
    assert_eq!(out[3].len(), (1 << 20) + 1);
}

#[test]
fn many_quote_lines_stay_fast() {
    let text = "> GET / HTTP/1.1\n".repeat(20_000) + "< HTTP/1.1 401";
    let start = std::time::Instant::now();
    let out = clean(&text);
    assert!(start.elapsed().as_secs() < 5);
    assert_eq!(out[0], "> GET / HTTP/1.1");
}

#[test]
fn decodes_a_quoted_printable_email() {
    let eml = "From: Ana <ana@example.test>\r\nTo: support@example.test\r\nSubject: 401 again\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
The API says: HTTP/1.1 401 Unauthorized =E2=80=94 token expired, see www-authent=\r\nicate.\r\n";
    let text = decode_container(eml).expect("an e-mail");
    assert!(
        text.contains("HTTP/1.1 401 Unauthorized — token expired"),
        "{text}"
    );
    assert!(text.contains("see www-authenticate."), "{text}");
    assert!(!text.contains("Subject:"));
}

#[test]
fn takes_the_plain_part_of_a_multipart_email() {
    let eml = "From: a@example.test\nSubject: help\nMIME-Version: 1.0\n\
Content-Type: multipart/alternative; boundary=\"b1\"\n\n\
preamble\n--b1\nContent-Type: text/plain\n\nplain: status 401\n--b1\n\
Content-Type: text/html\n\n<p>html: status 401</p>\n--b1--\n";
    assert_eq!(
        decode_container(eml).expect("an e-mail").trim(),
        "plain: status 401"
    );
}

#[test]
fn falls_back_to_the_html_part_and_base64() {
    let eml = "From: a@example.test\nMessage-ID: <1@example.test>\n\
Content-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/html\n\
Content-Transfer-Encoding: base64\n\nPHA+ZXJyb3IgJmx0OzQwMSZndDs8L3A+\n--zz--\n";
    assert_eq!(decode_container(eml).expect("an e-mail"), "error <401>");
}

#[test]
fn decodes_an_html_export() {
    let html = "<!DOCTYPE html><html><head><style>p{x:1}</style><script>var a='</p>';</script></head>\
<body><div>Customer wrote:</div><p>GET /v1/me returned\n  401 &amp; &quot;invalid_token&quot; &#39;x&#39; &#8212; ok</p>\
<pre>{\n  &quot;error&quot;: 1\n}</pre>line<br>next<!-- note --></body></html>";
    let text = decode_container(html).expect("html");
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            "Customer wrote:",
            "GET /v1/me returned 401 & \"invalid_token\" 'x' — ok",
            "{",
            "  \"error\": 1",
            "}",
            "line",
            "next"
        ]
    );
}

#[test]
fn other_texts_are_not_containers() {
    for text in [
        "HTTP/1.1 401 Unauthorized\nDate: x\n\nbody",
        "From: the logs I see a 401",
        "<?xml version=\"1.0\"?><Error><Code>x</Code></Error>",
        "Error: 401 <html> in text",
        "",
    ] {
        assert_eq!(decode_container(text), None, "{text}");
    }
}

#[test]
fn broken_containers_do_not_panic() {
    for text in [
        "<div",
        "<p>&#xFFFFFFFF; &#;&",
        "<pre><script>",
        "From: a\nSubject: b\nContent-Type: multipart/mixed; boundary=\n\n--\n",
    ] {
        let _ = decode_container(text);
    }
    assert_eq!(
        decode_container("<p>a &unknown; b").as_deref(),
        Some("a &unknown; b")
    );
}
