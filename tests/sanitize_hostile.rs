//! The hostile-input corpus through `why401 sanitize`: every input ends with exit status 0
//! (written) or 2 (an error naming the input), never a panic; nothing is written but the
//! `-o` path; no planted secret reaches the output (archives and gzip opened) or stderr.

mod common;
#[path = "common/hostile_inputs.rs"]
mod hostile_inputs;

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use common::why401;
use hostile_inputs::{corpus, secret_parts};

/// No 16 consecutive characters of a planted secret in `bytes`.
fn assert_no_secret(what: &str, bytes: &[u8]) {
    for secret in secret_parts() {
        for window in secret.as_bytes().windows(16) {
            assert!(
                memchr::memmem::find(bytes, window).is_none(),
                "{what} shows part of a secret: {}",
                String::from_utf8_lossy(window)
            );
        }
    }
}

/// The bytes of every document inside `bytes` (gzip, tar and zip opened, a few levels deep).
fn documents(bytes: Vec<u8>, depth: usize, out: &mut Vec<Vec<u8>>) {
    if depth > 8 {
        out.push(bytes);
        return;
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut inner = Vec::new();
        let _ = flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .take(64 << 20)
            .read_to_end(&mut inner);
        return documents(inner, depth + 1, out);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        if let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(&bytes)) {
            for i in 0..archive.len() {
                let mut inner = Vec::new();
                if let Ok(mut file) = archive.by_index(i) {
                    let _ = file.read_to_end(&mut inner);
                }
                documents(inner, depth + 1, out);
            }
        }
        return;
    }
    if bytes.len() > 262 && &bytes[257..262] == b"ustar" {
        let mut archive = tar::Archive::new(bytes.as_slice());
        if let Ok(entries) = archive.entries() {
            for mut entry in entries.flatten() {
                let mut inner = Vec::new();
                let _ = entry.read_to_end(&mut inner);
                documents(inner, depth + 1, out);
            }
        }
        return;
    }
    out.push(bytes);
}

/// Every file under `dir`, relative.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("a folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(tree(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn the_hostile_corpus_is_sanitized_or_refused_by_name_and_no_secret_escapes() {
    for (name, bytes) in corpus() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let input = dir.path().join("in").join(&name);
        fs::create_dir_all(input.parent().expect("a parent")).expect("made");
        fs::write(&input, &bytes).expect("written");
        fs::create_dir_all(dir.path().join("out")).expect("made");
        let output = dir.path().join("out").join(&name);
        let run = why401()
            .arg("sanitize")
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&run.stderr);
        let status = run.status.code();
        assert!(matches!(status, Some(0 | 2)), "{name}: {status:?} {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        if status == Some(2) {
            assert!(
                stderr.contains(&name),
                "{name}: the error names the input: {stderr}"
            );
        }
        assert_no_secret(&format!("{name}: stderr"), &run.stderr);
        let written = tree(dir.path());
        let allowed = [input.clone(), output.clone()];
        for path in &written {
            assert!(allowed.contains(path), "{name}: wrote {}", path.display());
        }
        assert_eq!(
            fs::read(&input).expect("kept"),
            bytes,
            "{name}: input changed"
        );
        if let Ok(copy) = fs::read(&output) {
            let mut docs = Vec::new();
            documents(copy, 0, &mut docs);
            for doc in docs {
                assert_no_secret(&format!("{name}: output"), &doc);
            }
        }
    }
}
