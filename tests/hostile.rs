//! Hostile inputs (issue 14): each one is read beside a good capture, and each has an exact
//! outcome: the message names the input and the place, the exit status is the one stated,
//! the good capture's 401 is still reported, nothing is written to disk, and no raw escape
//! sequence reaches stdout or stderr. No secret of a hostile input reaches any output.
//!
//! Inputs over 1 MB are generated here into a temporary folder from a fixed seed; sizes are
//! the smallest that still prove the point (a line just past the line limit, a HAR of 20,000
//! entries). `WHY401_HOSTILE_FULL=1` generates the issue's full sizes (100 MB lines, 100,000
//! entries) for measuring by hand with `/usr/bin/time -v`; `WHY401_HOSTILE_KEEP=DIR` writes the
//! generated corpus to DIR and keeps it.

mod common;
#[path = "common/hostile_inputs.rs"]
mod hostile_inputs;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{fixture, why401};
use hostile_inputs::{SECRET_KEY, gzip, tar_of, zip_of};
use serde_json::Value;

/// The good capture read beside every hostile input: one expired-token 401.
const GOOD: &str = "good.har";

/// The bearer token of the hostile inputs that carry one; no output may show it. (Its own,
/// not the sanitize corpus's: its claims decide the findings asserted here.)
const SECRET_JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Imhvc3RpbGUtazEifQ.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9ob3N0aWxlIiwiYXVkIjoiaHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20iLCJleHAiOjE3MDAwMDAwMDAsImlhdCI6MTY5OTk5NjQwMCwic2NvcGUiOiJyZWFkIn0.BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4_QEFCQ0RFRg";

/// Full sizes (the issue's) when asked, small ones otherwise.
fn full() -> bool {
    std::env::var_os("WHY401_HOSTILE_FULL").is_some_and(|v| v == "1")
}

/// A small deterministic generator (splitmix64): the corpus is the same on every run.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `len` characters of base64url.
    fn word(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        (0..len)
            .map(|_| ALPHABET[(self.next() % 64) as usize] as char)
            .collect()
    }
}

/// A temporary folder holding the good capture; hostile inputs are written beside it.
struct Corpus {
    dir: tempfile::TempDir,
}

impl Corpus {
    fn new() -> Corpus {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::copy(fixture("hostile/good.har"), dir.path().join(GOOD)).expect("copy");
        Corpus { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, bytes).expect("write");
        keep_copy(name, bytes);
        path
    }

    /// Every path under the folder (to prove nothing was written).
    fn listing(&self) -> BTreeSet<PathBuf> {
        fn walk(dir: &Path, out: &mut BTreeSet<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                out.insert(entry.path());
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    walk(&entry.path(), out);
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(self.path(), &mut out);
        out
    }

    /// Runs `analyze` on the good capture and `hostile` (names relative to the folder) with
    /// `flags`, in JSON and in text, and checks what every hostile input must keep: the good
    /// capture's 401 reported, nothing written, no raw control byte on stdout or stderr, no
    /// secret anywhere. Returns the JSON run.
    fn run(&self, hostile: &[&str], flags: &[&str]) -> Run {
        let before = self.listing();
        let json = self.analyze(&["-f", "json"], hostile, flags);
        let report: Value = serde_json::from_slice(&json.stdout).unwrap_or_else(|err| {
            panic!(
                "stdout is not JSON ({err}); stderr: {}",
                String::from_utf8_lossy(&json.stderr)
            )
        });
        let text = self.analyze(&["-f", "text", "--color", "never"], hostile, flags);
        assert_eq!(
            text.status.code(),
            json.status.code(),
            "text and JSON runs end alike"
        );
        assert_eq!(self.listing(), before, "nothing is written to disk");
        let good = common::input(&report, GOOD);
        assert_eq!(
            good["unauthorized"], 1,
            "the good capture is still read: {good}"
        );
        assert_eq!(good["errors_total"], 0, "{good}");
        let good_findings = common::findings_of(&report, GOOD);
        assert_eq!(good_findings.len(), 1, "the good capture's 401 is reported");
        assert_eq!(good_findings[0]["cause"], "expired_token");
        let text_out = String::from_utf8_lossy(&text.stdout);
        assert!(
            text_out.contains(GOOD),
            "the text report names the good capture"
        );
        for (what, bytes) in [
            ("JSON stdout", &json_as_shown(&json.stdout)),
            ("JSON stderr", &json.stderr),
            ("text stdout", &text.stdout),
            ("text stderr", &text.stderr),
        ] {
            assert_no_raw_control(what, bytes);
            assert_no_secret(what, bytes);
        }
        Run {
            status: json.status.code().unwrap_or(-1),
            report,
            stderr: String::from_utf8_lossy(&json.stderr).into_owned(),
        }
    }

    fn analyze(&self, format: &[&str], hostile: &[&str], flags: &[&str]) -> Output {
        why401()
            .current_dir(self.path())
            .args(["analyze", "--no-progress"])
            .args(format)
            .args(flags)
            .arg(GOOD)
            .args(hostile)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .expect("runs")
    }
}

/// With `WHY401_HOSTILE_KEEP=DIR`, a copy of each generated input for measuring by hand.
fn keep_copy(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("WHY401_HOSTILE_KEEP") {
        let path = Path::new(&dir).join(name);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(path, bytes);
    }
}

struct Run {
    status: i32,
    report: Value,
    stderr: String,
}

impl Run {
    /// The input failed with exactly `error` (`place: message`), and stderr says so naming
    /// the input.
    fn assert_failed(&self, source: &str, error: &str) {
        assert_eq!(self.errors(source), vec![error.to_owned()]);
        let (place, message) = error.split_once(": ").expect("place: message");
        let line = match place {
            "input" => format!("why401: error: {source}: {message}"),
            _ => format!("why401: error: {source}: {place}: {message}"),
        };
        assert!(self.stderr.contains(&line), "{line} not in {}", self.stderr);
    }

    fn input(&self, source: &str) -> &Value {
        common::input(&self.report, source)
    }

    /// The input's listed errors as `location: message`.
    fn errors(&self, source: &str) -> Vec<String> {
        listed(&self.input(source)["errors"], "location")
    }

    /// The input's notes as `code: message`.
    fn notes(&self, source: &str) -> Vec<String> {
        listed(&self.input(source)["notes"], "code")
    }
}

fn listed(items: &Value, key: &str) -> Vec<String> {
    items
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|e| {
                    format!(
                        "{}: {}",
                        e[key].as_str().unwrap_or(""),
                        e["message"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Output meant for a terminal holds no control byte but newline and tab (an escape
/// sequence from a capture would reach it raw).
fn assert_no_raw_control(what: &str, bytes: &[u8]) {
    if let Some(at) = bytes
        .iter()
        .position(|&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
    {
        let from = at.saturating_sub(40);
        panic!(
            "{what} holds control byte 0x{:02x} at {at}: {:?}",
            bytes[at],
            String::from_utf8_lossy(&bytes[from..(at + 40).min(bytes.len())])
        );
    }
    let text = String::from_utf8_lossy(bytes);
    assert!(
        !text.contains('\u{9b}'),
        "{what} holds a C1 control sequence introducer"
    );
}

/// JSON may hold DEL and C1 characters unescaped (RFC 8259 escapes only C0): they are
/// blanked before the check; a terminal user reads the text report.
fn json_as_shown(bytes: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(bytes)
        .replace(['\u{7f}', '\u{9b}'], " ")
        .into_bytes()
}

/// No 16 consecutive characters of a hostile input's secret appear (so a clipped token
/// counts too).
fn assert_no_secret(what: &str, bytes: &[u8]) {
    for secret in [SECRET_JWT, SECRET_KEY] {
        for window in secret.as_bytes().windows(16) {
            assert!(
                memchr::memmem::find(bytes, window).is_none(),
                "{what} shows part of a secret: {}",
                String::from_utf8_lossy(window)
            );
        }
    }
}

/// One HAR entry: a GET answered with `status`, sent with the hostile bearer token.
fn har_entry(seed: &mut Seeded, n: usize, status: u16) -> String {
    format!(
        r#"{{"startedDateTime":"2023-11-14T22:{:02}:{:02}.000Z","request":{{"method":"GET","url":"https://api.example.com/v2/items/{}","headers":[{{"name":"Authorization","value":"Bearer {SECRET_JWT}"}},{{"name":"X-Request-Id","value":"{}"}}]}},"response":{{"status":{status},"headers":[{{"name":"WWW-Authenticate","value":"Bearer error=\"invalid_token\""}}],"content":{{"size":0,"text":""}}}}}}"#,
        (n / 60) % 60,
        n % 60,
        n,
        seed.word(16)
    )
}

fn har_of(entries: &[String]) -> Vec<u8> {
    format!(
        "{{\"log\":{{\"version\":\"1.2\",\"creator\":{{\"name\":\"hostile\"}},\"entries\":[\n{}\n]}}}}\n",
        entries.join(",\n")
    )
    .into_bytes()
}

// --- Empty and wrong documents ---------------------------------------------------------

#[test]
fn an_empty_file_is_an_input_error() {
    let corpus = Corpus::new();
    corpus.write("empty.har", b"");
    let run = corpus.run(&["empty.har"], &[]);
    assert_eq!(run.status, 2);
    run.assert_failed("empty.har", "input: the input is empty");
}

/// A lone `{` says what is wrong and where; a record cut short in a file of good ones is
/// one record error, whether the input ends inside it or the next record starts.
#[test]
fn a_lone_brace_is_an_input_error() {
    let corpus = Corpus::new();
    corpus.write("brace.json", b"{");
    corpus.write(
        "cut.jsonl",
        b"{\"status\":401,\"path\":\"/a\"}\n{\"status\":401,\n{\"status\":401,\"path\":\"/b\"}\n{\"status\":401,\"pa",
    );
    let run = corpus.run(&["brace.json", "cut.jsonl"], &[]);
    assert_eq!(run.status, 2);
    run.assert_failed("brace.json", "line 1: JSON ended early (truncated?)");
    assert_eq!(run.input("cut.jsonl")["unauthorized"], 2);
    assert_eq!(
        run.errors("cut.jsonl"),
        vec![
            "line 2: JSON ended early (truncated?)",
            "line 4: JSON ended early (truncated?)",
        ]
    );
    assert!(
        run.stderr
            .contains("why401: warning: cut.jsonl: 2 record(s) could not be read"),
        "{}",
        run.stderr
    );
}

#[test]
fn har_entries_as_an_object_is_an_input_error() {
    let corpus = Corpus::new();
    corpus.write(
        "object.har",
        br#"{"log":{"version":"1.2","entries":{"0":{"response":{"status":401}}}}}"#,
    );
    let run = corpus.run(&["object.har"], &[]);
    assert_eq!(run.status, 2);
    run.assert_failed(
        "object.har",
        "input: not a HAR file: \"log\" has no \"entries\" array",
    );
}

// --- Big documents -----------------------------------------------------------------------

/// A HAR of many 401s of which one entry is malformed: the malformed one is listed with its
/// index, every other entry is read and judged (findings spilled past the in-memory bound).
#[test]
fn a_har_with_one_malformed_entry_among_thousands_lists_it() {
    let count = if full() { 100_000 } else { 20_000 };
    let bad = count / 2 + 7;
    let mut seed = Seeded(14);
    let entries: Vec<String> = (0..count)
        .map(|n| {
            if n == bad {
                // Valid JSON, but its status is no HTTP status.
                r#"{"request":{"method":"GET","url":"https://api.example.com/v2/odd"},"response":{"status":40100,"headers":"none"}}"#.to_owned()
            } else {
                har_entry(&mut seed, n, 401)
            }
        })
        .collect();
    let corpus = Corpus::new();
    corpus.write("many.har", &har_of(&entries));
    let run = corpus.run(&["many.har"], &[]);
    assert_eq!(run.status, 1);
    let many = run.input("many.har");
    assert_eq!(many["exchanges"], count as u64, "{}", many["errors"]);
    assert_eq!(many["unauthorized"], count as u64 - 1);
    let errors = run.errors("many.har");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0],
        format!(
            "entries[{bad}]: response status 40100 is no HTTP status; read as a request without a response"
        )
    );
    let findings = common::findings_of(&run.report, "many.har");
    assert_eq!(findings.len(), count - 1);
    let indices: Vec<u64> = findings
        .iter()
        .map(|f| f["index"].as_u64().unwrap())
        .collect();
    assert!(indices.windows(2).all(|w| w[0] < w[1]), "indices increase");
    assert!(
        !indices.contains(&(bad as u64)),
        "the malformed entry keeps its index"
    );
}

/// A line longer than the line limit in a JSON-lines file is one record error; the reader
/// resumes at the next newline and the exit status is unchanged. (Small runs lower the
/// limit with `--max-line` rather than write 64 MiB.)
#[test]
fn a_huge_line_in_json_lines_is_one_record_error() {
    let (long, flags, limit): (usize, &[&str], &str) = if full() {
        (100 << 20, &[], "64 MiB")
    } else {
        (2 << 20, &["--max-line", "1M"], "1 MiB")
    };
    let good_line = br#"{"time":"2023-11-14T22:20:00Z","status":401,"method":"GET","path":"/v2/devices","host":"api.example.com"}"#;
    let mut bytes = Vec::with_capacity(long + 1024);
    bytes.extend_from_slice(good_line);
    bytes.push(b'\n');
    bytes.extend_from_slice(br#"{"status":401,"msg":""#);
    bytes.resize(bytes.len() + long, b'a');
    bytes.extend_from_slice(b"\"}\n");
    bytes.extend_from_slice(good_line);
    bytes.push(b'\n');
    let corpus = Corpus::new();
    corpus.write("long.jsonl", &bytes);
    let run = corpus.run(&["long.jsonl"], flags);
    assert_eq!(run.status, 1, "{}", run.input("long.jsonl"));
    let input = run.input("long.jsonl");
    assert_eq!(input["unauthorized"], 2, "{input}");
    assert_eq!(
        run.errors("long.jsonl"),
        vec![format!(
            "line 2: line is longer than the {limit} limit; skipped (raise it with --max-line)"
        )]
    );
    assert_eq!(
        run.notes("long.jsonl"),
        vec!["limit_hit: --max-line reached once"]
    );
}

/// JSON nested 100,000 deep: in a HAR, an error at its entry that stops the input (the
/// framer's depth limit); a JSON line nested past the same limit is a record error that
/// names it (the next line is still read); in a JSON array the deep value is skipped and its
/// record still read; an array never closed is an error for its input.
#[test]
fn json_nested_deep_is_bounded() {
    let depth = 100_000;
    let open = "[".repeat(depth);
    let close = "]".repeat(depth);
    let har = format!(r#"{{"log":{{"entries":[{{"request":{open}{close}}}]}}}}"#);
    let line = format!(
        "{{\"status\":401,\"path\":\"/a\",\"x\":{open}{close}}}\n{{\"status\":401,\"path\":\"/b\"}}\n"
    );
    let array = format!(
        r#"[{{"status":401,"path":"/a"}},{{"status":401,"x":{open}{close}}},{{"status":401,"path":"/b"}}]"#
    );
    let corpus = Corpus::new();
    corpus.write("deep.har", har.as_bytes());
    corpus.write("deep.jsonl", line.as_bytes());
    corpus.write("deep.json", array.as_bytes());
    corpus.write("unclosed.json", open.as_bytes());
    let run = corpus.run(
        &["deep.har", "deep.jsonl", "deep.json", "unclosed.json"],
        &[],
    );
    assert_eq!(run.status, 2);
    run.assert_failed(
        "deep.har",
        "entries[0]: JSON nested more than 512 levels deep at byte 541 \
         (raise it with --max-json-depth)",
    );
    assert_eq!(
        run.notes("deep.har"),
        vec!["limit_hit: --max-json-depth reached once"]
    );
    assert_eq!(run.input("deep.jsonl")["unauthorized"], 1);
    assert_eq!(
        run.errors("deep.jsonl"),
        vec![
            "line 1: JSON nested more than 512 levels deep; skipped \
             (raise it with --max-json-depth)"
        ]
    );
    assert_eq!(
        run.notes("deep.jsonl"),
        vec!["limit_hit: --max-json-depth reached once"]
    );
    assert_eq!(run.input("deep.json")["unauthorized"], 3);
    assert_eq!(run.errors("deep.json"), Vec::<String>::new());
    run.assert_failed(
        "unclosed.json",
        "input: read as jsonl but no exchange was found; try --input-format with another format",
    );
}

// --- Bytes no capture holds ------------------------------------------------------------

#[test]
fn invalid_utf8_and_nul_in_header_values_are_read() {
    let mut http = Vec::new();
    http.extend_from_slice(b"GET /v2/devices HTTP/1.1\r\nHost: api.example.com\r\n");
    http.extend_from_slice(format!("X-Api-Key: {SECRET_KEY}").as_bytes());
    http.extend_from_slice(b"\xff\xfe\0tail\r\n");
    http.extend_from_slice(b"\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"a\0\xc3\x28\"\r\nX-Odd: \x80\x81\0\r\nContent-Length: 0\r\n\r\n");
    let corpus = Corpus::new();
    corpus.write("odd-bytes.http", &http);
    let run = corpus.run(&["odd-bytes.http"], &[]);
    assert_eq!(run.status, 1);
    let input = run.input("odd-bytes.http");
    assert_eq!(input["unauthorized"], 1, "{input}");
}

/// Escape sequences in header values, file names and archive member names reach no
/// terminal raw (the run's checks look at every output).
#[test]
fn escape_sequences_never_reach_the_terminal() {
    let name = "esc\x1b[31mred\x1b]0;title\x07.http";
    let http = format!(
        "GET /v2/devices HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Bearer {SECRET_JWT}\r\n\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"\x1b[2J\x1b]52;c;cHduZWQ=\x07\", error=\"invalid_token\", error_description=\"\x1b[1mexpired\x1b[0m\u{9b}31m\"\r\nX-Trace: \x1b[6n\r\n\r\n"
    );
    let zip = zip_of(&[("member\x1b[33m\x08\x7f.http", http.as_bytes())]);
    let corpus = Corpus::new();
    corpus.write(name, http.as_bytes());
    corpus.write("esc.zip", &zip);
    let run = corpus.run(&[name, "esc.zip"], &["-v"]);
    assert_eq!(run.status, 1);
    assert_eq!(run.input(name)["unauthorized"], 1);
    assert_eq!(
        run.input("esc.zip!/member\x1b[33m\x08\x7f.http")["unauthorized"],
        1
    );
}

// --- Archives ---------------------------------------------------------------------------

/// A gzip bomb: stopped at the member limit, an error for that input only.
#[test]
fn a_gzip_bomb_is_stopped_at_the_member_limit() {
    let line = b"{\"status\":200,\"method\":\"GET\",\"path\":\"/v2/devices\"}\n";
    let bomb = gzip(&line.repeat(100_000));
    let mut bombs = Vec::new();
    for _ in 0..20 {
        bombs.extend_from_slice(&bomb);
    }
    let corpus = Corpus::new();
    corpus.write("bomb.jsonl.gz", &bombs);
    let run = corpus.run(&["bomb.jsonl.gz"], &["--max-member-size", "16M"]);
    assert_eq!(run.status, 2);
    let errors = run.errors("bomb.jsonl.gz");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("passes the limit of 16777216 bytes"),
        "{errors:?}"
    );
    assert!(
        run.stderr.contains("why401: error: bomb.jsonl.gz: "),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.notes("bomb.jsonl.gz"),
        vec!["limit_hit: --max-member-size reached once"]
    );
}

/// Members named `../` or absolute are read in memory under their archive's name, never
/// written (the run checks the folder; the absolute path must not exist either).
#[test]
fn zip_members_with_parent_and_absolute_paths_write_nothing() {
    let good = std::fs::read(fixture("hostile/good.har")).unwrap();
    let absolute = format!("/tmp/why401-hostile-{}.har", std::process::id());
    let zip = zip_of(&[
        ("../../escaped.har", &good),
        (&absolute, &good),
        ("..\\..\\windows.har", &good),
    ]);
    let corpus = Corpus::new();
    corpus.write("inner/slip.zip", &zip);
    let run = corpus.run(&["inner/slip.zip"], &[]);
    assert_eq!(run.status, 1);
    assert!(!Path::new(&absolute).exists());
    assert!(!corpus.path().join("../escaped.har").exists());
    let inputs = run.report["inputs"].as_array().unwrap();
    let members: Vec<&str> = inputs.iter().filter_map(|i| i["source"].as_str()).collect();
    assert_eq!(members.len(), 4, "{members:?}");
    for member in &members[..] {
        if *member != GOOD {
            assert_eq!(run.input(member)["unauthorized"], 1, "{member}");
        }
    }
}

#[test]
fn tar_links_are_listed_and_never_followed() {
    let good = std::fs::read(fixture("hostile/good.har")).unwrap();
    let tar = tar_of(
        &[("real.har", &good)],
        &[
            ("soft.har", "/etc/passwd", false),
            ("hard.har", "real.har", true),
            ("up.har", "../../../../etc/shadow", false),
        ],
    );
    let corpus = Corpus::new();
    corpus.write("links.tar", &tar);
    let run = corpus.run(&["links.tar"], &[]);
    assert_eq!(run.status, 1);
    assert_eq!(run.input("links.tar!/real.har")["unauthorized"], 1);
    for link in ["soft.har", "hard.har", "up.har"] {
        let notes = run.notes(&format!("links.tar!/{link}"));
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("link_skipped: "), "{notes:?}");
    }
}

/// Archives nested `levels` deep around the good capture: zip, tar, zip, ... from the
/// inside out. Returns the bytes and the innermost member's name under `outer`.
fn nested(levels: usize, outer: &str) -> (Vec<u8>, String) {
    let mut bytes = std::fs::read(fixture("hostile/good.har")).unwrap();
    let mut member = "a.har".to_owned();
    let mut path = vec![member.clone()];
    for level in 1..=levels {
        let is_tar = level % 2 == 0;
        bytes = if is_tar {
            tar_of(&[(&member, &bytes)], &[])
        } else {
            zip_of(&[(&member, &bytes)])
        };
        member = format!("l{level}.{}", if is_tar { "tar" } else { "zip" });
        path.push(member.clone());
    }
    path.pop();
    path.reverse();
    (bytes, format!("{outer}!/{}", path.join("!/")))
}

/// Nesting five deep is read; nesting past the depth limit is an error naming the member.
#[test]
fn nested_archives_are_read_to_the_depth_limit() {
    let (five, five_inner) = nested(5, "five.zip");
    let (twelve, _) = nested(12, "twelve.tar");
    let corpus = Corpus::new();
    corpus.write("five.zip", &five);
    corpus.write("twelve.tar", &twelve);
    let run = corpus.run(&["five.zip", "twelve.tar"], &[]);
    assert_eq!(run.status, 2);
    assert_eq!(run.input(&five_inner)["unauthorized"], 1);
    let inputs = run.report["inputs"].as_array().unwrap();
    let deep: Vec<&Value> = inputs
        .iter()
        .filter(|i| i["source"].as_str().unwrap().starts_with("twelve.tar"))
        .collect();
    assert_eq!(deep.len(), 1, "{deep:?}");
    let source = deep[0]["source"].as_str().unwrap();
    assert_eq!(source.matches("!/").count(), 8, "{source}");
    run.assert_failed(
        source,
        "input: archives nested more than 8 deep; not read (raise it with --max-archive-depth)",
    );
    assert_eq!(
        run.notes(source),
        vec!["limit_hit: --max-archive-depth reached once"]
    );
}

// --- Hostile captures ---------------------------------------------------------------------

/// A curl transcript following 10,000 redirects to a final 401.
#[test]
fn a_curl_transcript_with_ten_thousand_redirects_is_read() {
    let redirects = 10_000;
    let mut text = String::new();
    for n in 0..=redirects {
        text.push_str(&format!(
            "* Connected to api.example.com (93.184.216.34) port 443\n> GET /r/{n} HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer {SECRET_JWT}\n>\n"
        ));
        if n < redirects {
            text.push_str(&format!(
                "< HTTP/1.1 302 Found\n< Location: /r/{}\n< Content-Length: 0\n<\n* Issue another request to this URL: 'https://api.example.com/r/{}'\n",
                n + 1,
                n + 1
            ));
        } else {
            text.push_str("< HTTP/1.1 401 Unauthorized\n< WWW-Authenticate: Bearer error=\"invalid_token\"\n< Content-Length: 0\n<\n");
        }
    }
    let corpus = Corpus::new();
    corpus.write("redirects.txt", text.as_bytes());
    let run = corpus.run(&["redirects.txt"], &[]);
    assert_eq!(run.status, 1);
    let input = run.input("redirects.txt");
    assert_eq!(input["format"], "curl");
    assert_eq!(input["exchanges"], redirects as u64 + 1, "{input}");
    assert_eq!(input["unauthorized"], 1);
}

/// A WWW-Authenticate header of 1 MB: read, judged, never printed whole; past the header
/// bytes kept of a message it is dropped and the `limit_hit` note says so.
#[test]
fn a_megabyte_challenge_is_read() {
    let mut seed = Seeded(401);
    let mut params: Vec<String> = (0..25_000)
        .map(|n| format!("p{n}=\"{}\"", seed.word(40)))
        .collect();
    params.push(format!("token=\"{SECRET_JWT}\""));
    let challenge = format!(
        "Bearer realm=\"api\", error=\"invalid_token\", {}",
        params.join(", ")
    );
    let http = format!(
        "GET /v2/devices HTTP/1.1\r\nHost: api.example.com\r\n\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {challenge}\r\n\r\n"
    );
    assert!(http.len() > 1 << 20);
    let corpus = Corpus::new();
    corpus.write("big-challenge.http", http.as_bytes());
    let run = corpus.run(&["big-challenge.http"], &[]);
    assert_eq!(run.status, 1);
    assert_eq!(run.input("big-challenge.http")["unauthorized"], 1);
    assert_eq!(
        run.notes("big-challenge.http"),
        vec!["limit_hit: --max-header-bytes reached once"],
        "the header past the 1 MiB kept of a message is dropped, and counted"
    );
}

/// A JWT whose payload is 10 MB: read, judged, never printed whole.
#[test]
fn a_jwt_with_a_ten_megabyte_payload_is_read() {
    use base64::Engine;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut seed = Seeded(10);
    let filler = seed.word(64).repeat((10 << 20) / 64);
    let payload = format!(r#"{{"sub":"user_big","exp":1700000000,"pad":"{filler}"}}"#);
    let jwt = format!(
        "{}.{}.{}",
        engine.encode(br#"{"alg":"RS256","typ":"JWT"}"#),
        engine.encode(payload),
        seed.word(86)
    );
    let http = format!(
        "GET /v2/devices HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Bearer {jwt}\r\n\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\"\r\n\r\n"
    );
    let corpus = Corpus::new();
    corpus.write("big-jwt.http", http.as_bytes());
    let run = corpus.run(&["big-jwt.http"], &[]);
    assert_eq!(run.status, 1);
    let input = run.input("big-jwt.http");
    assert_eq!(input["unauthorized"], 1, "{input}");
    let head = &jwt[..200];
    let report = run.report.to_string();
    for window in head.as_bytes().windows(16).step_by(7) {
        assert!(!report.contains(std::str::from_utf8(window).unwrap()));
    }
}

/// Ticket text with a 401 status line on every line: each line its own 401, read in bounded
/// memory, findings spilled past the in-memory bound.
#[test]
fn ticket_text_with_a_401_on_every_line_is_read_line_by_line() {
    let lines = if full() { 2_000_000 } else { 5_000 };
    let mut text = String::with_capacity(lines * 60);
    for n in 0..lines {
        text.push_str(&format!(
            "GET https://api.example.com/v2/items/{n} -> HTTP/1.1 401 Unauthorized\n"
        ));
    }
    let corpus = Corpus::new();
    corpus.write("ticket.txt", text.as_bytes());
    let run = corpus.run(&["ticket.txt"], &[]);
    assert_eq!(run.status, 1);
    let input = run.input("ticket.txt");
    assert_eq!(input["format"], "ticket");
    assert_eq!(input["unauthorized"], lines as u64, "{input}");
    assert_eq!(
        run.notes("ticket.txt"),
        vec!["limit_hit: --max-findings-in-memory reached once"],
        "more findings than the default in-memory bound (2,000) are spilled"
    );
}

// --- Files that are not files -------------------------------------------------------------

#[test]
fn an_unreadable_file_is_an_input_error() {
    use std::os::unix::fs::PermissionsExt;
    let corpus = Corpus::new();
    let path = corpus.write("locked.har", b"{\"log\":{\"entries\":[]}}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Running as root: permissions stop nobody. `/proc/self/mem` opens but cannot be
        // read from its start, for root too.
        let run = corpus.run(&["/proc/self/mem"], &[]);
        assert_eq!(run.status, 2);
        run.assert_failed("/proc/self/mem", "input: cannot read: input/output error");
    } else {
        let run = corpus.run(&["locked.har"], &[]);
        assert_eq!(run.status, 2);
        run.assert_failed("locked.har", "input: cannot open: permission denied");
    }
}

#[test]
fn a_folder_holding_a_symlink_to_its_parent_is_walked_once() {
    let corpus = Corpus::new();
    let good = std::fs::read(fixture("hostile/good.har")).unwrap();
    corpus.write("loop/inner.har", &good);
    std::os::unix::fs::symlink("..", corpus.path().join("loop/up")).unwrap();
    std::os::unix::fs::symlink(".", corpus.path().join("loop/self")).unwrap();
    let run = corpus.run(&["loop"], &[]);
    assert_eq!(run.status, 1);
    let inputs = run.report["inputs"].as_array().unwrap();
    let sources: Vec<&str> = inputs.iter().filter_map(|i| i["source"].as_str()).collect();
    assert_eq!(sources, vec![GOOD, "loop/inner.har"]);
}

/// A FIFO nobody writes to: named, it reads as empty after a short wait for a writer
/// (opening it would otherwise block for ever); in a folder walk, it is not a file.
#[test]
fn a_fifo_never_hangs() {
    let corpus = Corpus::new();
    std::fs::create_dir(corpus.path().join("pipes")).unwrap();
    let fifo = corpus.path().join("pipes/capture.har");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let run = corpus.run(&["pipes/capture.har", "pipes"], &[]);
    assert_eq!(run.status, 2);
    run.assert_failed("pipes/capture.har", "input: the input is empty");
    run.assert_failed("pipes", "input: cannot read: the folder holds no file");
}

// --- Limits -------------------------------------------------------------------------------

/// Each limit's flag is honoured, and each hit is counted in its input's `limit_hit` note:
/// stop limits are an error for their input (exit 2), record limits skip one record.
#[test]
fn limits_are_set_by_their_flags_and_counted() {
    let (three, three_inner) = nested(3, "three.zip");
    let mut transcript = String::new();
    for n in 0..3 {
        transcript.push_str(&format!(
            "> GET /v2/{n} HTTP/1.1\n> Host: api.example.com\n> X-Pad: {}\n>\n< HTTP/1.1 401 Unauthorized\n< Content-Length: 0\n<\n",
            "p".repeat(if n == 1 { 10 } else { 3000 })
        ));
    }
    let mut har = br#"{"log":{"entries":[{"request":{"method":"GET","url":"https://x/"},"response":{"status":401,"headers":[{"name":"a","value":"b","x":"#.to_vec();
    har.extend_from_slice(b"[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}]}}]}}");
    let corpus = Corpus::new();
    corpus.write("three.zip", &three);
    corpus.write("wide.txt", transcript.as_bytes());
    corpus.write("deepish.har", &har);
    let flags = [
        "--max-archive-depth",
        "2",
        "--max-line",
        "2K",
        "--max-json-depth",
        "12",
        "--max-findings-in-memory",
        "1",
    ];
    let run = corpus.run(&["three.zip", "wide.txt", "deepish.har"], &flags);
    assert_eq!(run.status, 2);
    let cut: Vec<&str> = three_inner.split("!/").take(3).collect();
    let cut = cut.join("!/");
    run.assert_failed(
        &cut,
        "input: archives nested more than 2 deep; not read (raise it with --max-archive-depth)",
    );
    assert_eq!(
        run.notes(&cut),
        vec!["limit_hit: --max-archive-depth reached once"]
    );
    let wide = run.input("wide.txt");
    assert_eq!(
        wide["unauthorized"], 3,
        "the rest of each exchange is read: {wide}"
    );
    assert_eq!(
        run.errors("wide.txt"),
        vec![
            "line 3: line of 3010 bytes is longer than the 2 KiB limit; skipped (raise it with --max-line)",
            "line 17: line of 3010 bytes is longer than the 2 KiB limit; skipped (raise it with --max-line)",
        ]
    );
    assert_eq!(
        run.notes("wide.txt"),
        vec![
            "limit_hit: --max-line reached 2 times",
            "limit_hit: --max-findings-in-memory reached once",
        ],
        "its 3 findings passed the in-memory bound of 1 and were spilled"
    );
    assert_eq!(
        run.notes(GOOD),
        Vec::<String>::new(),
        "1 finding is not spilled"
    );
    assert_eq!(
        run.notes("deepish.har"),
        vec!["limit_hit: --max-json-depth reached once"]
    );
}

/// Keep limits only cap what is kept: each hit is counted in its input's `limit_hit` note,
/// the 401s are still reported, and the exit status is the one without the flags.
#[test]
fn keep_limits_cap_what_is_kept_and_never_change_the_exit_status() {
    let body = format!(
        "GET /v2/devices HTTP/1.1\r\nHost: api.example.com\r\n\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\"\r\nContent-Type: application/json\r\n\r\n{{\"error\":\"invalid_token\",\"pad\":\"{}\"}}\n",
        "b".repeat(300)
    );
    let headers = format!(
        "GET /v2/devices HTTP/1.1\r\nHost: api.example.com\r\nX-Pad: {}\r\n\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\"\r\n\r\n",
        "h".repeat(2000)
    );
    let entries: Vec<String> = (0..3)
        .map(|n| {
            format!(
                r#"{{"startedDateTime":"2023-11-14T22:20:0{n}.000Z","request":{{"method":"GET","url":"https://api.example.com/v2/items/{n}","headers":[{{"name":"Authorization","value":"Bearer opaque-token-number-{n}-abcdefghijklmnop"}}]}},"response":{{"status":401,"headers":[{{"name":"WWW-Authenticate","value":"Bearer error=\"invalid_token\""}}],"content":{{"size":0,"text":""}}}}}}"#
            )
        })
        .collect();
    let corpus = Corpus::new();
    corpus.write("body.http", body.as_bytes());
    corpus.write("headers.http", headers.as_bytes());
    corpus.write("tokens.har", &har_of(&entries));
    let inputs = ["body.http", "headers.http", "tokens.har"];
    let plain = corpus.run(&inputs, &[]);
    let flags = [
        "--max-body-excerpt",
        "64",
        "--max-header-bytes",
        "1K",
        "--max-credentials-tracked",
        "1",
    ];
    let run = corpus.run(&inputs, &flags);
    assert_eq!(plain.status, 1);
    assert_eq!(
        run.status, plain.status,
        "keep limits never change the exit status"
    );
    for (input, note) in [
        ("body.http", "limit_hit: --max-body-excerpt reached once"),
        ("headers.http", "limit_hit: --max-header-bytes reached once"),
        (
            "tokens.har",
            "limit_hit: --max-credentials-tracked reached 2 times",
        ),
    ] {
        assert_eq!(plain.notes(input), Vec::<String>::new(), "{input}");
        assert_eq!(run.notes(input), vec![note], "{input}");
        assert_eq!(run.errors(input), Vec::<String>::new(), "{input}");
        assert_eq!(
            run.input(input)["unauthorized"],
            plain.input(input)["unauthorized"],
            "{input}"
        );
        assert_eq!(
            common::findings_of(&run.report, input).len(),
            common::findings_of(&plain.report, input).len(),
            "{input}: every 401 is still reported"
        );
    }
}

// --- Secrets ------------------------------------------------------------------------------

/// `--explain` of every finding, `-v` and Markdown show no secret of the hostile inputs
/// (the other runs are checked by [`Corpus::run`]).
#[test]
fn explanations_of_hostile_inputs_show_no_secret() {
    let http = format!(
        "GET /v2/devices?api_key={SECRET_KEY} HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Bearer {SECRET_JWT}\r\nX-Api-Key: {SECRET_KEY}\x1b[0m\r\n\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"token {SECRET_JWT} expired\x1b]0;x\x07\"\r\nContent-Type: application/json\r\n\r\n{{\"error\":\"bad key {SECRET_KEY}\",\"token\":\"{SECRET_JWT}\"}}\n"
    );
    let corpus = Corpus::new();
    corpus.write("echo.http", http.as_bytes());
    let run = corpus.run(&["echo.http"], &[]);
    assert_eq!(run.status, 1);
    let findings = run.report["findings"].as_array().unwrap().len();
    let mut runs: Vec<Vec<String>> = (1..=findings)
        .map(|n| vec!["--explain".to_owned(), n.to_string()])
        .collect();
    runs.push(vec!["-v".to_owned()]);
    runs.push(vec!["-f".to_owned(), "markdown".to_owned()]);
    runs.push(vec!["-f".to_owned(), "csv".to_owned()]);
    for flags in runs {
        let output = why401()
            .current_dir(corpus.path())
            .args(["analyze", "--no-progress", "--color", "never"])
            .args(&flags)
            .args([GOOD, "echo.http"])
            .output()
            .expect("runs");
        for (what, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let what = format!("{what} of {flags:?}");
            assert_no_raw_control(&what, bytes);
            assert_no_secret(&what, bytes);
        }
    }
}
