//! The framer: values, cuts, limits and errors, against a plain reading.

use super::capture::safe_cut;
use super::walk::find_quote_or_backslash;
use super::*;
use std::io::BufReader;

const WIDE: Limits = Limits {
    string: 1 << 20,
    total: 1 << 20,
    watch_body: false,
};

/// Captures the first value of `text`, reading `chunk` bytes at a time.
fn capture(text: &[u8], chunk: usize, limits: Limits) -> (Result<Captured, String>, Vec<u8>) {
    let mut reader = BufReader::with_capacity(chunk, text);
    let mut scanner = Scanner::new(&mut reader);
    let mut out = Vec::new();
    let result = scanner
        .value(Some(&mut out), limits)
        .map_err(|e| format!("{e:?}"));
    (result, out)
}

#[test]
fn frames_values_whatever_the_chunk_size() {
    let text = br#" {"a":"x\"}]\\","b":[1,{"c":null}],"d":"\u00e9"} ,"#;
    for chunk in [1, 2, 3, 7, 64] {
        let (result, out) = capture(text, chunk, WIDE);
        assert!(result.is_ok(), "chunk {chunk}");
        assert_eq!(out, text[1..text.len() - 2].to_vec(), "chunk {chunk}");
    }
    let (_, out) = capture(b"-12.5e3]", 2, WIDE);
    assert_eq!(out, b"-12.5e3");
    let (_, out) = capture(br#""a\"b" x"#, 1, WIDE);
    assert_eq!(out, br#""a\"b""#);
}

#[test]
fn long_strings_are_cut_at_safe_places() {
    let limits = Limits {
        string: 6,
        total: 1 << 20,
        watch_body: false,
    };
    let cases: [(&[u8], &[u8]); 5] = [
        (br#"["abcdefghij"]"#, br#"["abcdef"]"#),
        (br#"["abcd\u00e9xyz"]"#, br#"["abcd"]"#),
        (br#"["a\nb\"cdef"]"#, br#"["a\nb\""]"#),
        ("[\"abcdé€xyz\"]".as_bytes(), "[\"abcdé\"]".as_bytes()),
        (br#"["\ud83d\ude00abc"]"#, br#"[""]"#),
    ];
    for (input, want) in cases {
        for chunk in [1, 4, 64] {
            let (result, out) = capture(input, chunk, limits);
            assert!(result.is_ok());
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(want),
                "chunk {chunk}"
            );
            assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok());
        }
    }
}

#[test]
fn a_value_past_the_total_limit_is_skipped() {
    let limits = Limits {
        string: 100,
        total: 10,
        watch_body: false,
    };
    let text = br#"{"a":"0123456789abc"} ,"#;
    let mut reader = BufReader::with_capacity(4, &text[..]);
    let mut scanner = Scanner::new(&mut reader);
    let mut out = Vec::new();
    let captured = scanner.value(Some(&mut out), limits).unwrap();
    assert!(captured.too_large);
    assert!(out.is_empty());
    assert_eq!(scanner.peek().unwrap(), Some(b','));
}

#[test]
fn framing_errors() {
    let (result, _) = capture(br#"{"a":[1}"#, 64, WIDE);
    assert!(result.unwrap_err().contains("Syntax"));
    let (result, _) = capture(br#"{"a":"unterminated"#, 64, WIDE);
    assert_eq!(result.unwrap_err(), "Eof");
    let deep = "[".repeat(10_000);
    let (result, _) = capture(deep.as_bytes(), 64, WIDE);
    assert!(result.unwrap_err().contains("TooDeep"));
    let (result, _) = capture(b", 1", 64, WIDE);
    assert!(result.unwrap_err().contains("expected a value"));
}

/// A plain reading of what capturing means, over a whole value at once: every byte
/// kept, each string longer than the limit cut by `safe_cut`, the value dropped when
/// the result is longer than the total limit.
fn reference(text: &[u8], limits: Limits) -> (bool, Vec<u8>) {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        out.push(text[i]);
        if text[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while text[end] != b'"' {
            end += if text[end] == b'\\' { 2 } else { 1 };
        }
        let content = &text[start..end];
        let keep = if content.len() > limits.string {
            safe_cut(content, limits.string)
        } else {
            content.len()
        };
        out.extend_from_slice(&content[..keep]);
        out.push(b'"');
        i = end + 1;
    }
    let too_large = out.len() > limits.total;
    (too_large, if too_large { Vec::new() } else { out })
}

/// A random JSON value rich in what framing cares about: escapes (pairs too), multi-byte
/// characters, brackets inside strings, long strings.
fn random_value(seed: &mut u64, depth: usize, out: &mut String) {
    fn next(seed: &mut u64, n: u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed % n
    }
    const PIECES: [&str; 10] = [
        "a",
        "\\\"",
        "\\\\",
        "\\u00e9",
        "\\ud83d\\ude00",
        "é",
        "€",
        "😀",
        "}]{[",
        "xyz ",
    ];
    match if depth > 3 { 0 } else { next(seed, 4) } {
        0 => {
            out.push('"');
            let len = if next(seed, 8) == 0 {
                next(seed, 200)
            } else {
                next(seed, 12)
            };
            for _ in 0..len {
                out.push_str(PIECES[next(seed, PIECES.len() as u64) as usize]);
            }
            out.push('"');
        }
        1 => out.push_str(["12.5", "-3", "true", "null"][next(seed, 4) as usize]),
        kind => {
            let (open, close) = if kind == 2 { ('{', '}') } else { ('[', ']') };
            out.push(open);
            for k in 0..next(seed, 5) {
                if k > 0 {
                    out.push_str(if next(seed, 3) == 0 { " ,\n " } else { "," });
                }
                if kind == 2 {
                    out.push_str("\"k\": ");
                }
                random_value(seed, depth + 1, out);
            }
            out.push(close);
        }
    }
}

#[test]
fn capture_matches_the_plain_reading_for_any_buffer_size() {
    let mut seed = 0x2545_F491_4F6C_DD1D_u64;
    for round in 0..400 {
        let mut text = String::new();
        random_value(&mut seed, 0, &mut text);
        if !text.starts_with(['{', '[', '"']) {
            continue;
        }
        let string = [0, 1, 5, 6, 7, 13, 40, 1000][round % 8];
        let total = [8, 50, 200, 1 << 20][round % 4];
        let limits = Limits {
            string,
            total,
            watch_body: round % 2 == 0,
        };
        let want = reference(text.as_bytes(), limits);
        for chunk in [1, 2, 3, 7, 8, 9, 31, 33, 64, 4096] {
            let (result, out) = capture(text.as_bytes(), chunk, limits);
            let too_large = result.expect("frames").too_large;
            assert_eq!(
                (too_large, String::from_utf8_lossy(&out)),
                (want.0, String::from_utf8_lossy(&want.1)),
                "round {round}, chunk {chunk}, limits {limits:?}: {text}"
            );
        }
    }
}

#[test]
fn quotes_and_backslashes_are_found_at_any_position() {
    for len in 0..80 {
        for at in 0..=len {
            for byte in [b'"', b'\\'] {
                let mut bytes = vec![b'a'; len];
                if at < len {
                    bytes[at] = byte;
                }
                let want = (at < len).then_some(at);
                assert_eq!(find_quote_or_backslash(&bytes), want, "{len} {at}");
            }
        }
    }
    assert_eq!(find_quote_or_backslash("ééé\\\"".as_bytes()), Some(6));
}

#[test]
fn the_response_body_string_is_found() {
    let limits = Limits {
        watch_body: true,
        ..WIDE
    };
    let cases: [(&str, Option<&str>); 9] = [
        (r#"{"response":{"content":{"text":"abc"}}}"#, Some("abc")),
        (
            "{ \"response\" :\n { \"content\" : { \"size\": 3, \"text\"\t:\r\"a\\\"c\" } } }",
            Some("a\\\"c"),
        ),
        (
            r#"{"response":{"content":{"mimeType":"text","text":"yes"}}}"#,
            Some("yes"),
        ),
        (
            r#"{"request":{"content":{"text":"no"}},"response":{"x":{"content":{"text":"no"}},"content":{"text":"yes"}}}"#,
            Some("yes"),
        ),
        (r#"{"response":{"content":{"text":null,"x":"no"}}}"#, None),
        (
            r#"{"response":{"headers":[{"name":"content","value":"text"}]}}"#,
            None,
        ),
        (r#"{"content":{"text":"no"}}"#, None),
        (r#"{"respons\u0065":{"content":{"text":"no"}}}"#, None),
        (r#"{"response":{"content":{"text","no"}}}"#, None),
    ];
    for (text, want) in cases {
        for chunk in [1, 2, 5, 16, 4096] {
            let mut reader = BufReader::with_capacity(chunk, text.as_bytes());
            let mut scanner = Scanner::new(&mut reader);
            let mut out = b"earlier".to_vec();
            let body = scanner.value(Some(&mut out), limits).unwrap().body;
            let found = body.map(|range| String::from_utf8_lossy(&out[range]).into_owned());
            if chunk == 4096 {
                assert_eq!(found.as_deref(), want, "{text}");
            } else if found.is_some() {
                // A key cut by a buffer's end is missed, never mistaken.
                assert_eq!(found.as_deref(), want, "{text} (chunk {chunk})");
            }
        }
    }
}
