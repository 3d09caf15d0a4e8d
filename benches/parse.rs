//! Throughput of each reader and of the whole per-source pass (read, gather evidence, judge),
//! on inputs built in memory from the bundled samples repeated to a few megabytes; a log
//! where every line is a 401; and the diagnosis of one 401 on its own.
//!
//! `cargo bench` — figures are MB/s of input (or exchanges per second). The end-to-end
//! comparison with jq, hl and wiretrail is `scripts/bench-compare.sh`.

use std::io::BufReader;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;

use why401::diagnose::{Context, SourceJudge};
use why401::model::Exchange;
use why401::parse::{self, Format, InputStats, Sink};
use why401::pipeline::read_and_judge;

/// The bundled Chrome sample with its entries repeated until the HAR holds `mb` megabytes.
fn big_har(mb: usize) -> Vec<u8> {
    let text = include_str!("../samples/chrome-devices.har");
    let mut doc: Value = serde_json::from_str(text).expect("sample HAR is JSON");
    let entries = doc["log"]["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let one: usize = entries
        .iter()
        .map(|e| e.to_string().len())
        .sum::<usize>()
        .max(1);
    let copies = (mb << 20) / one + 1;
    let repeated: Vec<Value> = (0..copies).flat_map(|_| entries.iter().cloned()).collect();
    doc["log"]["entries"] = Value::Array(repeated);
    serde_json::to_vec(&doc).expect("serializes")
}

/// Lines of a text sample repeated until `mb` megabytes.
fn repeated(text: &str, mb: usize) -> Vec<u8> {
    let copies = (mb << 20) / text.len().max(1) + 1;
    text.repeat(copies).into_bytes()
}

fn read_only(format: Format, bytes: &[u8]) -> u64 {
    let mut count = 0u64;
    let mut emit = |_| count += 1;
    let mut sink = Sink::new(InputStats::new(Arc::from("bench"), format), &mut emit);
    parse::read(format, &mut BufReader::new(bytes), &mut sink);
    count
}

fn end_to_end(format: Format, bytes: &[u8], context: &Context) -> usize {
    let output = read_and_judge(
        Arc::from("bench"),
        format,
        &mut BufReader::new(bytes),
        context,
        false,
    );
    output.findings.len()
}

fn bench_format(c: &mut Criterion, name: &str, format: Format, bytes: Vec<u8>) {
    let context = Context::default();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(10);
    group.bench_function("read", |b| b.iter(|| read_only(format, &bytes)));
    group.bench_function("read_and_judge", |b| {
        b.iter(|| end_to_end(format, &bytes, &context))
    });
    group.finish();
}

fn readers(c: &mut Criterion) {
    bench_format(c, "har", Format::Har, big_har(8));
    bench_format(
        c,
        "curl",
        Format::Curl,
        repeated(include_str!("../samples/curl-v-http1.txt"), 4),
    );
    bench_format(
        c,
        "jsonl",
        Format::Jsonl,
        repeated(include_str!("../samples/gateway-logs.jsonl"), 8),
    );
    bench_format(
        c,
        "http",
        Format::Http,
        repeated(include_str!("../samples/curl-i-paste.txt"), 2),
    );
}

/// The lines of a JSON-lines sample that are 401s, repeated until `mb` megabytes.
fn only_401s(text: &str, mb: usize) -> Vec<u8> {
    let lines: String = text
        .lines()
        .filter(|line| line.contains("\"status\":401"))
        .map(|line| format!("{line}\n"))
        .collect();
    repeated(&lines, mb)
}

fn heavy(c: &mut Criterion) {
    bench_format(
        c,
        "jsonl_401_heavy",
        Format::Jsonl,
        only_401s(include_str!("../samples/gateway-logs.jsonl"), 4),
    );
}

/// Every exchange the bundled curl sample holds.
fn exchanges_of(format: Format, bytes: &[u8]) -> Vec<Exchange> {
    let mut seen = Vec::new();
    let mut emit = |e: Exchange| seen.push(e);
    let mut sink = Sink::new(InputStats::new(Arc::from("bench"), format), &mut emit);
    parse::read(format, &mut BufReader::new(bytes), &mut sink);
    seen
}

/// The diagnosis of one 401 (evidence, history, rules, the finding), without reading.
fn one_401(c: &mut Criterion) {
    let sample = include_str!("../samples/curl-v-http1.txt");
    let exchanges = exchanges_of(Format::Curl, sample.as_bytes());
    let Some(unauthorized) = exchanges.into_iter().find(|e| e.is_unauthorized()) else {
        return;
    };
    let context = Context::default();
    let mut group = c.benchmark_group("diagnose");
    group.throughput(Throughput::Elements(1));
    group.bench_function("one_401", |b| {
        b.iter(|| {
            let mut judge = SourceJudge::new(&context);
            let mut findings = Vec::new();
            judge.push(unauthorized.clone(), &mut findings);
            let mut stats = InputStats::new(Arc::from("bench"), Format::Curl);
            judge.finish(&mut stats, &mut findings);
            findings.len()
        })
    });
    group.finish();
}

criterion_group!(benches, readers, heavy, one_401);
criterion_main!(benches);
