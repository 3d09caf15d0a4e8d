//! The fuzz targets' bodies: each feeds bytes to one part of why401 and checks an invariant,
//! not only that nothing panics. `fuzz_targets/*.rs` call them under libFuzzer (nightly);
//! `tests/fuzz_corpus.rs` includes this file and replays the committed corpora on stable.

use std::io::Cursor;
use std::sync::Arc;

use why401::diagnose::Context;
use why401::evidence::{challenge, credential, jwt};
use why401::model::{Exchange, Request};
use why401::parse::{self, Format, InputStats, MAX_LISTED_ERRORS, Sink, detect, input};
use why401::pipeline::{self, ReadOptions};
use why401::redact;
use why401::report::Summary;

/// Bytes as the text a reader or parser would see.
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Detection is a function of the first [`detect::PREFIX_LEN`] bytes and the hint alone, and
/// never panics on any bytes.
pub fn detect(data: &[u8]) {
    let prefix = &data[..data.len().min(detect::PREFIX_LEN)];
    for hint in [None, Some("har"), Some("jsonl"), Some("txt"), Some("log")] {
        let first = detect::detect(prefix, hint);
        assert_eq!(first, detect::detect(prefix, hint), "detection is stable");
    }
    let _ = input::container_of(data);
    for line in text(data).lines().take(64) {
        let _ = detect::is_status_line(detect::strip_trace_prefixes(line));
        let _ = detect::is_request_line(line);
    }
}

/// What a reader gave: the emitted exchanges' indices and statuses, and the input's stats.
pub struct ReadOutcome {
    pub indices: Vec<u64>,
    pub unauthorized: u64,
    pub stats: InputStats,
}

/// Runs one reader over `data`.
pub fn read(format: Format, data: &[u8]) -> ReadOutcome {
    let mut indices = Vec::new();
    let mut unauthorized = 0u64;
    let stats = {
        let mut emit = |exchange: Exchange| {
            indices.push(exchange.origin.index);
            unauthorized += u64::from(exchange.is_unauthorized());
        };
        let mut sink = Sink::new(InputStats::new(Arc::from("fuzz"), format), &mut emit);
        parse::read(format, &mut &data[..], &mut sink);
        sink.into_stats()
    };
    ReadOutcome {
        indices,
        unauthorized,
        stats,
    }
}

/// A reader's invariants: indices unique and increasing, the counts are what was emitted,
/// errors listed within their bound and counted in full, one `limit_hit` note per limit.
pub fn check_read(format: Format, data: &[u8]) {
    let out = read(format, data);
    assert!(
        out.indices.windows(2).all(|w| w[0] < w[1]),
        "indices unique and increasing: {:?}",
        out.indices
    );
    assert_eq!(out.stats.exchanges, out.indices.len() as u64);
    assert_eq!(out.stats.unauthorized, out.unauthorized);
    assert!(out.stats.errors.len() <= MAX_LISTED_ERRORS);
    assert!(out.stats.errors_total >= out.stats.errors.len() as u64);
    let mut limits: Vec<&str> = out
        .stats
        .notes
        .iter()
        .filter(|n| n.code == "limit_hit")
        .map(|n| n.message.split(' ').next().unwrap_or(""))
        .collect();
    let all = limits.len();
    limits.sort_unstable();
    limits.dedup();
    assert_eq!(limits.len(), all, "one limit_hit note per limit");
}

pub fn read_har(data: &[u8]) {
    check_read(Format::Har, data);
}

pub fn read_curl(data: &[u8]) {
    check_read(Format::Curl, data);
}

pub fn read_http(data: &[u8]) {
    check_read(Format::Http, data);
}

/// Ticket text, its dumps and pasted commands included.
pub fn read_ticket(data: &[u8]) {
    check_read(Format::Ticket, data);
}

pub fn read_jsonl(data: &[u8]) {
    check_read(Format::Jsonl, data);
}

/// Drops quoted-string escapes, so an unescaped value can be found in the raw header.
fn unescaped(text: &str) -> String {
    text.replace('\\', "")
}

/// The `WWW-Authenticate` parser never returns a scheme or parameter absent from its input.
pub fn challenge(data: &[u8]) {
    let value = text(data);
    let lower = value.to_ascii_lowercase();
    let plain = unescaped(&value);
    for found in challenge::parse(&value) {
        if let Some(scheme) = &found.scheme {
            assert!(
                value.contains(scheme.as_str()),
                "scheme {scheme:?} is in the input"
            );
        }
        if let Some(token68) = &found.token68 {
            // The parser may drop whitespace inside a token68 (fuzz/regressions/challenge/
            // token68-across-carriage-returns): compared without it.
            let squeezed = |t: &str| t.split_whitespace().collect::<String>();
            assert!(
                squeezed(&plain).contains(&squeezed(&unescaped(token68))),
                "token68 is in the input"
            );
        }
        for (name, param) in &found.params {
            assert!(
                lower.contains(name.as_str()),
                "parameter {name:?} is in the input"
            );
            assert!(
                plain.contains(&unescaped(param)),
                "the value of {name:?} is in the input"
            );
        }
        let _ = found.summary();
    }
}

/// The `Authorization` parser: the scheme it reports is one the header holds, a user name is
/// printable, and nothing usable (empty) has no fingerprint.
pub fn authorization(data: &[u8]) {
    let value = text(data);
    let mut request = Request::recorded("GET", "https://api.example.com/v2/devices");
    request.headers.push("Authorization", value.as_str());
    let credentials = credential::read(&request, None);
    let Some(found) = credentials.authorization() else {
        return;
    };
    if let Some(scheme) = &found.scheme {
        assert!(
            value.contains(scheme.as_str()),
            "scheme {scheme:?} is in the header"
        );
    }
    if let Some(user) = &found.user {
        assert!(
            !user.chars().any(char::is_control),
            "user {user:?} is printable"
        );
    }
    let _ = found.summary();
}

/// The JWT inspector: claims are only read from what it calls a JWT.
pub fn jwt(data: &[u8]) {
    let token = text(data);
    let inspection = jwt::inspect(&token);
    if inspection.jwt.is_some() {
        assert!(inspection.is_jwt, "decoded claims come from a JWT");
    }
    let _ = jwt::is_placeholder(&token);
    let _ = inspection.alg_none();
}

/// A secret derived from the input (so each run has its own): 40 base64url characters.
fn generated_secret(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    (0..40)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ALPHABET[(state % 64) as usize] as char
        })
        .collect()
}

/// The redactor's output never contains a generated secret sent as a bearer token, whatever
/// surrounds it, and escaping leaves no control character.
pub fn redact(data: &[u8]) {
    let secret = generated_secret(data);
    let around = text(data);
    let mut half = around.len() / 2;
    while !around.is_char_boundary(half) {
        half -= 1;
    }
    let (before, after) = around.split_at(half);
    let capture = format!("{before}\nAuthorization: Bearer {secret}\n{after}");
    let scrubbed = redact::scrub(&capture);
    assert!(!scrubbed.contains(&secret), "the bearer token is scrubbed");
    let shown = redact::escape_control(&scrubbed);
    assert!(
        !shown
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "escaped text has no control character"
    );
}

/// The whole pipeline on one input: it ends, and the summary adds up (the 401s by cause
/// sum to the inputs' 401s; findings' indices increase in each source).
pub fn pipeline(data: &[u8]) {
    let context = Context::default();
    let options = ReadOptions {
        forced_format: None,
        ticket: true,
        context: &context,
        limits: why401::archive::Limits::default(),
        keep_findings: false,
    };
    let outputs = pipeline::analyze_stream(
        "fuzz.bin",
        true,
        Box::new(Cursor::new(data.to_vec())),
        options,
        0,
    );
    let mut summary = Summary::default();
    for output in outputs {
        summary.add_input(&output.stats);
        let mut last = None;
        for finding in output.findings.drain() {
            assert!(
                last.is_none_or(|l| l < finding.index),
                "finding indices increase"
            );
            last = Some(finding.index);
            summary.add_finding(&finding);
        }
    }
    let by_cause: u64 = summary.by_cause.values().filter_map(|v| v.as_u64()).sum();
    assert_eq!(by_cause, summary.unauthorized, "the 401s by cause add up");
}
