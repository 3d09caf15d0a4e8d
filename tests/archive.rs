//! Archives: members named `<archive>!/<path>`, nesting, links skipped, bombs stopped by the
//! bound while the rest is still read. Archives are built in a temporary folder.

mod common;

use std::io::Write;
use std::path::Path;

use common::{analyze_json, input, why401};
use flate2::Compression;
use flate2::write::GzEncoder;

const NOTE: &[u8] = b"Customer notes: nothing to parse here.\n";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn tar_with_link(dir: &Path, inner_zip: &[u8]) -> std::path::PathBuf {
    let path = dir.join("bundle.tar.gz");
    let file = std::fs::File::create(&path).unwrap();
    let mut builder = tar::Builder::new(GzEncoder::new(file, Compression::fast()));
    let mut header = tar::Header::new_gnu();
    header.set_size(NOTE.len() as u64);
    header.set_mode(0o644);
    builder
        .append_data(&mut header, "./logs/README.txt", NOTE)
        .unwrap();
    let mut header = tar::Header::new_gnu();
    header.set_size(inner_zip.len() as u64);
    header.set_mode(0o644);
    builder
        .append_data(&mut header, "nested/inner.zip", inner_zip)
        .unwrap();
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    builder
        .append_link(&mut link, "logs/current", "README.txt")
        .unwrap();
    builder.into_inner().unwrap().finish().unwrap();
    path
}

#[test]
fn nested_members_are_named_and_links_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let inner = zip_of(&[("deep/notes.md.gz", &gzip(NOTE)), ("win\\path.txt", NOTE)]);
    let bundle = tar_with_link(dir.path(), &inner);
    let (status, report) = analyze_json(&[bundle.to_str().unwrap()]);
    assert_eq!(status, 0, "{report}");
    let name = bundle.to_str().unwrap();
    let readme = input(&report, &format!("{name}!/logs/README.txt"));
    assert_eq!(readme["format"], "text");
    assert_eq!(readme["notes"][0]["code"], "not_a_capture");
    let deep = input(
        &report,
        &format!("{name}!/nested/inner.zip!/deep/notes.md.gz"),
    );
    assert_eq!(deep["notes"][0]["code"], "not_a_capture");
    input(&report, &format!("{name}!/nested/inner.zip!/win/path.txt"));
    let link = input(&report, &format!("{name}!/logs/current"));
    assert_eq!(link["notes"][0]["code"], "link_skipped");
    assert_eq!(report["inputs"].as_array().unwrap().len(), 4);
}

#[test]
fn a_bomb_is_stopped_by_the_bound_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let bomb =
        gzip(&b"{\"status\":200,\"method\":\"GET\",\"path\":\"/v2/devices\"}\n".repeat(200_000));
    let archive = zip_of(&[("bomb.jsonl.gz", &bomb), ("notes.txt", NOTE)]);
    let path = dir.path().join("bomb.zip");
    std::fs::write(&path, archive).unwrap();
    let output = why401()
        .args(["analyze", "-f", "json", "--max-member-size", "1M"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let name = path.to_str().unwrap();
    let bomb = input(&report, &format!("{name}!/bomb.jsonl.gz"));
    assert!(
        bomb["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("limit of 1048576 bytes"),
        "{bomb}"
    );
    let notes = input(&report, &format!("{name}!/notes.txt"));
    assert_eq!(notes["errors_total"], 0);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bomb.jsonl.gz"), "{stderr}");
}

#[test]
fn a_broken_gzip_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = gzip(b"HTTP/1.1 401 Unauthorized\r\n\r\n");
    bytes.truncate(bytes.len() / 2);
    let path = dir.path().join("cut.txt.gz");
    std::fs::write(&path, bytes).unwrap();
    let (status, report) = analyze_json(&[path.to_str().unwrap()]);
    assert_eq!(status, 2);
    assert!(
        input(&report, path.to_str().unwrap())["errors_total"]
            .as_u64()
            .unwrap()
            >= 1
    );
}
