//! The HAR reader as a whole: documents, entries, batches and bodies read apart.

use super::batch::{Parsed, describe_entry_error, parse_entry};
use super::*;
use crate::{Format, InputStats};
use std::sync::Arc;
use why401_model::exchange::Exchange;

struct Outcome {
    exchanges: Vec<Exchange>,
    stats: InputStats,
    fatal: Option<Fatal>,
}

fn read_har(text: &[u8]) -> Outcome {
    let mut exchanges = Vec::new();
    let mut emit = |e| exchanges.push(e);
    let mut sink = Sink::new(InputStats::new(Arc::from("t.har"), Format::Har), &mut emit);
    let capacity = if text.len() > 1 << 20 { 256 * 1024 } else { 16 };
    let mut input = std::io::BufReader::with_capacity(capacity, text);
    let fatal = read(&mut input, &mut sink).err();
    let stats = sink.into_stats();
    Outcome {
        exchanges,
        stats,
        fatal,
    }
}

const OK: &str = r#"{"request":{"method":"GET","url":"https://a/"},"response":{"status":200}}"#;

#[test]
fn creator_after_entries_and_unknown_fields() {
    let text = format!(
        r#"{{"x":[1,{{"y":"}}"}}],"log":{{"version":"1.2","pages":[{{"id":"p"}}],
           "entries":[{OK},{OK}],"comment":null,"creator":{{"name":"WebInspector","version":"4"}}}}}}"#
    );
    let out = read_har(text.as_bytes());
    assert!(out.fatal.is_none(), "{:?}", out.fatal);
    assert_eq!(out.exchanges.len(), 2);
    assert!(out.stats.strips_credentials);
}

#[test]
fn a_bad_entry_keeps_its_index() {
    let text = format!(
        r#"{{"log":{{"entries":[{OK},"x",{{"response":{{}}}},{{"request":{{"url":1}} "a":2}},{OK},]}}}}"#
    );
    let out = read_har(text.as_bytes());
    assert!(out.fatal.is_none(), "{:?}", out.fatal);
    let indices: Vec<_> = out.exchanges.iter().map(|e| e.origin.index).collect();
    assert_eq!(indices, vec![0, 4]);
    let locations: Vec<_> = out
        .stats
        .errors
        .iter()
        .map(|e| e.location.as_str())
        .collect();
    assert_eq!(locations, vec!["entries[1]", "entries[2]", "entries[3]"]);
    assert!(out.stats.errors[2].message.contains("not valid JSON"));
}

#[test]
fn broken_documents_are_fatal_with_a_place() {
    let truncated = format!(r#"{{"log":{{"entries":[{OK},{OK},{{"request":{{"#);
    let out = read_har(truncated.as_bytes());
    assert_eq!(out.exchanges.len(), 2);
    let fatal = out.fatal.unwrap();
    assert_eq!(fatal.location, Location::Entry(2));
    assert!(fatal.message.contains("truncated"));

    let out = read_har(br#"{"log":{"version":"1.2"}}"#);
    assert!(out.fatal.unwrap().message.contains("no \"entries\""));
    let out = read_har(b"");
    assert_eq!(out.fatal.unwrap().location, Location::Whole);
    let out = read_har(b"[1]");
    assert!(out.fatal.unwrap().message.contains("not a JSON object"));

    let mut bad_utf8 = format!(r#"{{"log":{{"entries":[{OK},{{"request":{{"url":""#).into_bytes();
    bad_utf8.extend_from_slice(b"\xff\xfe\"}}]}}");
    let out = read_har(&bad_utf8);
    assert_eq!(out.exchanges.len(), 1);
    let fatal = out.fatal.unwrap();
    assert_eq!(fatal.location, Location::Entry(1));
    assert!(fatal.message.contains("UTF-8"));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(r#"{{"log":{{"entries":[{}"#, "[".repeat(10_000));
    let fatal = read_har(deep.as_bytes()).fatal.unwrap();
    assert_eq!(fatal.location, Location::Entry(0));
    assert!(fatal.message.contains("nested"));
    // Deep but framable, in a field the reader skips: read.
    let inner = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let text = format!(r#"{{"log":{{"entries":[{{"request":{{}},"x":{inner}}},{OK}]}}}}"#);
    let out = read_har(text.as_bytes());
    assert!(out.fatal.is_none());
    assert_eq!(out.exchanges.len(), 2);
}

#[test]
fn long_lines_and_huge_entries_stay_bounded() {
    // One line, a 3 MB escaped body: the body keeps its first 64 KiB.
    let body = "\\u00e9x".repeat(500_000);
    let text = format!(
        r#"{{"log":{{"entries":[{{"request":{{}},"response":{{"status":401,"content":{{"text":"{body}"}}}}}},{OK}]}}}}"#
    );
    let out = read_har(text.as_bytes());
    assert!(out.fatal.is_none());
    let kept = out.exchanges[0]
        .response
        .as_ref()
        .unwrap()
        .body
        .as_ref()
        .unwrap();
    assert!(kept.truncated);
    assert!(kept.text.starts_with("éxéx"));
    assert!(kept.text.len() <= why401_model::exchange::BODY_LIMIT);

    // Past ENTRY_LIMIT even after cutting strings: skipped, its index taken.
    let value = "v".repeat(STRING_LIMIT);
    let headers: Vec<String> = (0..(ENTRY_LIMIT / STRING_LIMIT + 2))
        .map(|_| format!(r#"{{"name":"x","value":"{value}"}}"#))
        .collect();
    let text = format!(
        r#"{{"log":{{"entries":[{{"request":{{"headers":[{}]}}}},{OK}]}}}}"#,
        headers.join(",")
    );
    let out = read_har(text.as_bytes());
    assert!(out.fatal.is_none());
    assert_eq!(out.stats.errors[0].location, "entries[0]");
    assert!(out.stats.errors[0].message.contains("larger than"));
    assert_eq!(out.exchanges.len(), 1);
    assert_eq!(out.exchanges[0].origin.index, 1);
}

#[test]
fn every_truncation_or_damage_is_handled_without_panic() {
    let text = format!(
        "\u{FEFF}{{\"log\":{{\"creator\":{{\"name\":\"c\"}},\"entries\":[{OK},\n{{\"request\":{{\"url\":\"a\\\"b\\u00e9\"}}}}]}}}}"
    );
    let bytes = text.as_bytes();
    let whole = read_har(bytes);
    assert!(whole.fatal.is_none());
    assert_eq!(whole.exchanges.len(), 2);
    assert_eq!(whole.exchanges[1].request.url, "a\"bé");
    assert!(!whole.stats.strips_credentials);
    for cut in 0..bytes.len() - 1 {
        let out = read_har(&bytes[..cut]);
        assert!(out.fatal.is_some(), "cut at {cut}");
    }
    for at in 0..bytes.len() {
        for byte in [b'"', b'}', b'[', b'\\', 0xFF] {
            let mut damaged = bytes.to_vec();
            damaged[at] = byte;
            let out = read_har(&damaged);
            assert!(out.exchanges.len() <= 2);
        }
    }
}

#[test]
fn entry_errors_never_quote_values() {
    let text = r#"{"log":{"entries":[{"request":{"headers":[]},"response":{"status":200,"headers":[{"name":"a","value":"v"}],"content":{"text":"x"}},"startedDateTime":"2024","request":{}}]}}"#;
    let out = read_har(text.as_bytes());
    assert_eq!(out.stats.errors.len(), 1);
    assert!(out.stats.errors[0].message.contains("duplicate field"));
    let err = serde_json::from_str::<u16>("\"Bearer secret-token\"").unwrap_err();
    let message = describe_entry_error(&err, "\"Bearer secret-token\"", 0);
    assert!(!message.contains("secret"), "{message}");
}

/// What an entry gives, in a form tests can compare.
fn outcome(parsed: Parsed) -> Result<Exchange, String> {
    match parsed {
        Parsed::Exchange(exchange) => Ok(exchange),
        Parsed::Odd(_, n, message) => Err(format!("odd {n}: {message}")),
        Parsed::Error(n, message) => Err(format!("{n}: {message}")),
        Parsed::Fatal(fatal) => Err(format!("fatal {}: {}", fatal.location, fatal.message)),
    }
}

#[test]
fn bodies_read_apart_give_what_the_whole_entry_gives() {
    let json = r#"{\"data\":[{\"id\":\"dev_0001\",\"name\":\"Sensor \\\"north\\\" é \u00e9 \ud83d\ude00\"}]}"#.repeat(8);
    let image = "iVBORw0KGgo".repeat(40);
    let long = "x".repeat(body::MIN_LEN);
    let entries = [
        // (entry, whether the body is read apart)
        (
            format!(
                r#"{{"request":{{"method":"GET","url":"https://a/"}},"response":{{"status":401,"content":{{"mimeType":"application/json","text":"{json}"}}}}}}"#
            ),
            true,
        ),
        (
            format!(
                r#"{{"request":{{}},"response":{{"status":200,"content":{{"mimeType":"image/png","encoding":"base64","text":"{image}"}}}}}}"#
            ),
            true,
        ),
        (
            format!(
                r#"{{"request":{{}},"response":{{"status":200,"content":{{"text":"{long}\x"}}}}}}"#
            ),
            true,
        ),
        (
            format!(
                r#"{{"request":{{}},"response":{{"status":200,"content":{{"text":"{long}\ud83d"}}}}}}"#
            ),
            true,
        ),
        (
            format!("{{\"request\":{{}},\"response\":{{\"content\":{{\"text\":\"{long}\t\"}}}}}}"),
            true,
        ),
        (
            format!(
                r#"{{"request":{{}},"response":{{"content":{{"text":"{long}","text":"b"}}}}}}"#
            ),
            true,
        ),
        (
            format!(
                r#"{{"request":{{}},"response":{{"content":{{"text":"{long}"}}}},"response":{{}}}}"#
            ),
            true,
        ),
        (
            format!(r#"{{"response":{{"status":200,"content":{{"text":"{long}"}}}}}}"#),
            true,
        ),
        (
            format!(
                r#"{{"request":{{}},"response":{{"status":200,"content":{{"text":"{long}"}}}},"x":[1,]}}"#
            ),
            true,
        ),
        (
            r#"{"request":{},"response":{"content":{"text":"short"}}}"#.to_owned(),
            false,
        ),
        (
            format!(r#"{{"request":{{}},"response":{{"content":"{long}"}}}}"#),
            false,
        ),
    ];
    for (n, (entry, apart)) in entries.iter().enumerate() {
        let mut batch = Batch::default();
        let mut input = entry.as_bytes();
        let mut document = Document {
            scan: Scanner::new(&mut input),
            scratch: Vec::new(),
            next_entry: n as u64,
            saw_entries: true,
            first_entry: true,
        };
        document.frame_entry(&mut batch).unwrap();
        let framed = &batch.entries[0];
        assert_eq!(framed.body.is_some(), *apart, "{entry}");
        let bytes = &batch.bytes[framed.bytes.clone().unwrap()];
        let scratch = &mut String::new();
        let whole = outcome(parse_entry(bytes, framed.n, 7, None, scratch));
        let split = outcome(parse_entry(
            bytes,
            framed.n,
            7,
            framed.body.clone(),
            scratch,
        ));
        assert_eq!(split, whole, "{entry}");
        // Valid entries really take the way apart; invalid ones fall back.
        if let Some(range) = framed.body.clone() {
            let text = std::str::from_utf8(bytes).unwrap();
            let valid = whole.is_ok() || whole.as_ref().is_err_and(|e| e.contains("request"));
            let fast = body::read_entry(text, range, 0, scratch);
            assert_eq!(fast.is_some(), valid, "{entry}");
        }
    }
}

/// A HAR of `count` entries: mostly exchanges with bodies long enough to be read apart,
/// some entries that are record errors.
fn many_entries(count: usize) -> String {
    let body = format!(
        r#"{{\"error\":\"invalid_token\",\"pad\":\"{}\"}}"#,
        "p".repeat(300)
    );
    let entries: Vec<String> = (0..count)
        .map(|n| match n % 97 {
            13 => "\"not an object\"".to_owned(),
            14 => r#"{"response":{"status":401}}"#.to_owned(),
            15 => r#"{"request":{"url":1} "a":2}"#.to_owned(),
            _ => format!(
                r#"{{"request":{{"method":"GET","url":"https://a/{n}"}},"response":{{"status":{},"content":{{"text":"{body}"}}}}}}"#,
                if n % 5 == 0 { 401 } else { 200 }
            ),
        })
        .collect();
    format!(r#"{{"log":{{"entries":[{}]}}}}"#, entries.join(",\n"))
}

fn read_in_pool(threads: usize, text: &[u8]) -> Outcome {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| read_har(text))
}

#[test]
fn batches_give_the_entries_in_order_whatever_the_threads() {
    let text = many_entries(3 * BATCH_ENTRIES + 7);
    let one = read_in_pool(1, text.as_bytes());
    assert!(one.fatal.is_none());
    let expected_errors = (0..3 * BATCH_ENTRIES + 7)
        .filter(|n| (13..=15).contains(&(n % 97)))
        .count();
    assert_eq!(one.stats.errors_total as usize, expected_errors);
    assert_eq!(one.exchanges.len(), 3 * BATCH_ENTRIES + 7 - expected_errors);
    for exchange in &one.exchanges {
        let Location::Entry(n) = exchange.origin.location else {
            panic!("not an entry");
        };
        assert_eq!(exchange.origin.index, n);
        assert_eq!(exchange.request.url, format!("https://a/{n}"));
        let body = exchange.response.as_ref().unwrap().body.as_ref().unwrap();
        assert!(body.text.starts_with(r#"{"error":"invalid_token""#));
    }
    let four = read_in_pool(4, text.as_bytes());
    assert_eq!(four.exchanges, one.exchanges);
    assert_eq!(four.stats.errors, one.stats.errors);
    assert_eq!(four.stats.unauthorized, one.stats.unauthorized);
}

#[test]
fn a_fatal_error_in_a_later_batch_keeps_what_came_before() {
    let count = 3 * BATCH_ENTRIES;
    let text = many_entries(count);
    // Invalid UTF-8 inside entry 1000's URL.
    let at = text.find("https://a/1000\"").unwrap() + 10;
    let mut bad_utf8 = text.clone().into_bytes();
    bad_utf8[at] = 0xFF;
    // Truncated inside entry 1200.
    let cut = text.find("https://a/1200\"").unwrap();
    for threads in [1, 3] {
        let out = read_in_pool(threads, &bad_utf8);
        let fatal = out.fatal.unwrap();
        assert_eq!(fatal.location, Location::Entry(1000));
        assert!(fatal.message.contains("UTF-8"));
        assert_eq!(out.exchanges.last().unwrap().origin.index, 999);
        assert!(
            out.stats
                .errors
                .iter()
                .all(|e| e.location != "entries[1001]")
        );

        let out = read_in_pool(threads, &text.as_bytes()[..cut]);
        let fatal = out.fatal.unwrap();
        assert_eq!(fatal.location, Location::Entry(1200));
        assert!(fatal.message.contains("truncated"));
        assert_eq!(out.exchanges.last().unwrap().origin.index, 1199);
    }
}

/// An entry whose status is a number but no HTTP status is read (as a request without a
/// response) and listed at its index; 0 and -1 are exporters' "failed" and stay quiet.
#[test]
fn a_status_that_is_no_http_status_is_listed() {
    let har = br#"{"log":{"entries":[
        {"request":{"method":"GET","url":"https://a/1"},"response":{"status":401}},
        {"request":{"method":"GET","url":"https://a/2"},"response":{"status":99999}},
        {"request":{"method":"GET","url":"https://a/3"},"response":{"status":401.5}},
        {"request":{"method":"GET","url":"https://a/4"},"response":{"status":-1}},
        {"request":{"method":"GET","url":"https://a/5"},"response":{"status":0}}]}}"#;
    let (exchanges, stats) = crate::read_bytes(read, Format::Har, har);
    assert_eq!(exchanges.len(), 5);
    let listed: Vec<String> = stats
        .errors
        .iter()
        .map(|e| format!("{}: {}", e.location, e.message))
        .collect();
    assert_eq!(
        listed,
        vec![
            "entries[1]: response status 99999 is no HTTP status; read as a request without a response",
            "entries[2]: response status is not a whole number; read as a request without a response",
        ]
    );
}
