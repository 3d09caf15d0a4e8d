//! Replays the fuzz corpora (fuzz/corpus/<target>/, minimized with `cargo fuzz cmin`) and
//! the crashes they found (fuzz/regressions/<target>/) on the stable toolchain, through the
//! same invariant checks the fuzz targets run (fuzz/src/lib.rs). A proptest checks that
//! noise injected into one record of a valid document leaves every other record read.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz;

use std::path::{Path, PathBuf};

/// A target's check: panics when its invariant breaks.
type Check = fn(&[u8]);

/// Each target with the function it runs.
const TARGETS: &[(&str, Check)] = &[
    ("detect", fuzz::detect),
    ("read_har", fuzz::read_har),
    ("read_curl", fuzz::read_curl),
    ("read_http", fuzz::read_http),
    ("read_ticket", fuzz::read_ticket),
    ("read_jsonl", fuzz::read_jsonl),
    ("challenge", fuzz::challenge),
    ("authorization", fuzz::authorization),
    ("jwt", fuzz::jwt),
    ("redact", fuzz::redact),
    ("pipeline", fuzz::pipeline),
];

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_input_keeps_its_invariant() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for (target, check) in TARGETS {
        for kind in ["corpus", "regressions"] {
            for file in files_under(&root.join(kind).join(target)) {
                let bytes = std::fs::read(&file).expect("read corpus file");
                let outcome = std::panic::catch_unwind(|| check(&bytes));
                assert!(outcome.is_ok(), "{target} fails on {}", file.display());
                replayed += 1;
            }
        }
    }
    assert!(replayed > 0, "the corpora are committed under fuzz/");
}

mod noise {
    use std::sync::Arc;

    use proptest::prelude::*;
    use why401::model::{Exchange, Location};
    use why401::parse::{self, Format, InputStats, Sink};

    /// The lines of the exchanges a reader read from `bytes`.
    fn lines_read(format: Format, bytes: &[u8]) -> Vec<u64> {
        let mut lines = Vec::new();
        {
            let mut emit = |exchange: Exchange| {
                if let Location::Line(n) | Location::Lines(n, _) = exchange.origin.location {
                    lines.push(n);
                }
            };
            let mut sink = Sink::new(InputStats::new(Arc::from("noise"), format), &mut emit);
            parse::read(format, &mut &bytes[..], &mut sink);
        }
        lines
    }

    fn record(n: usize) -> String {
        format!(
            r#"{{"time":"2023-11-14T22:20:{:02}Z","status":401,"method":"GET","host":"api.example.com","path":"/v2/items/{n}","request_id":"r{n}"}}"#,
            n % 60
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Noise (any bytes but a line end) injected anywhere into one record of a valid
        /// JSON-lines document leaves every other record read, on its own line.
        #[test]
        fn noise_in_one_json_line_leaves_the_others_read(
            count in 2usize..12,
            pick in any::<prop::sample::Index>(),
            at in any::<prop::sample::Index>(),
            noise in prop::collection::vec(any::<u8>().prop_filter("no line end", |b| *b != b'\n' && *b != b'\r'), 1..64),
        ) {
            let target = pick.index(count);
            let mut document = Vec::new();
            for n in 0..count {
                let mut line = record(n).into_bytes();
                if n == target {
                    let at = at.index(line.len() + 1);
                    line.splice(at..at, noise.iter().copied());
                }
                document.extend_from_slice(&line);
                document.push(b'\n');
            }
            let read = lines_read(Format::Jsonl, &document);
            for n in 0..count {
                if n != target {
                    prop_assert!(read.contains(&(n as u64 + 1)), "line {} read: {:?}", n + 1, read);
                }
            }
        }
    }
}
