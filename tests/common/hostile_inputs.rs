//! Hostile inputs, each with a planted secret, for the commands that read captures
//! (`sanitize`'s corpus test): empty and wrong documents, huge lines and values, deep nesting,
//! bytes that are not text, escape sequences, a gzip bomb, archives with members that point
//! outside, links and deep nesting, and inputs with thousands of records.
#![allow(dead_code)]

use std::io::Write as _;

use flate2::Compression;
use flate2::write::GzEncoder;

/// A signed-looking JWT whose signature must never be written.
pub const SECRET_JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoiaG9zdGlsZSIsImV4cCI6MTcwMDAwMDAwMH0.c2VjcmV0LXNpZ25hdHVyZS1vZi10aGUtaG9zdGlsZS1jb3JwdXMtMDEyMzQ1Njc4OQ";

/// An API key that must never be written.
pub const SECRET_KEY: &str = "sk_live_h0st1leK3yV4lue9QzR2";

/// The parts of the planted secrets that must not appear: the JWT's signature (its header
/// and payload are kept on purpose) and the key after its known prefix.
pub fn secret_parts() -> [&'static str; 2] {
    [
        SECRET_JWT.rsplit('.').next().unwrap_or(SECRET_JWT),
        &SECRET_KEY["sk_live_".len()..],
    ]
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

pub fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        writer.start_file(*name, options).expect("zip member");
        writer.write_all(bytes).expect("zip write");
    }
    writer.finish().expect("zip").into_inner()
}

/// A tar of regular members, then links: (name, target, hard). A member name may hold `..`
/// (written into the header by hand, as a hostile tool would).
pub fn tar_of(members: &[(&str, &[u8])], links: &[(&str, &str, bool)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, bytes) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        let raw = name.as_bytes();
        header.as_old_mut().name[..raw.len()].copy_from_slice(raw);
        header.set_cksum();
        builder.append(&header, *bytes).expect("tar member");
    }
    for (name, target, hard) in links {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(if *hard {
            tar::EntryType::Link
        } else {
            tar::EntryType::Symlink
        });
        header.set_size(0);
        builder
            .append_link(&mut header, name, target)
            .expect("tar link");
    }
    builder.into_inner().expect("tar")
}

fn har_entry(n: usize, status: u16) -> String {
    format!(
        r#"{{"startedDateTime":"2023-11-14T22:{:02}:{:02}.000Z","request":{{"method":"GET","url":"https://api.example.com/v2/items/{n}?api_key={SECRET_KEY}","headers":[{{"name":"Authorization","value":"Bearer {SECRET_JWT}"}}]}},"response":{{"status":{status},"headers":[{{"name":"WWW-Authenticate","value":"Bearer error=\"invalid_token\""}}],"content":{{"size":0,"text":""}}}}}}"#,
        (n / 60) % 60,
        n % 60,
    )
}

fn har_of(entries: &[String]) -> Vec<u8> {
    format!(
        "{{\"log\":{{\"version\":\"1.2\",\"creator\":{{\"name\":\"hostile\"}},\"entries\":[\n{}\n]}}}}\n",
        entries.join(",\n")
    )
    .into_bytes()
}

fn curl_exchange(n: usize) -> String {
    format!(
        "> GET /v2/items/{n} HTTP/1.1\r\n> Host: api.example.com\r\n> Authorization: Bearer {SECRET_JWT}\r\n>\r\n< HTTP/1.1 302 Found\r\n< Location: /v2/items/{}\r\n<\r\n",
        n + 1
    )
}

/// Every hostile input: (file name, bytes).
pub fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>| out.push((name.to_owned(), bytes));
    add("empty.har", Vec::new());
    add("lone-brace.har", b"{".to_vec());
    add(
        "entries-object.har",
        format!(r#"{{"log":{{"entries":{{"a":"Bearer {SECRET_JWT}"}}}}}}"#).into_bytes(),
    );
    let mut entries: Vec<String> = (0..3000).map(|n| har_entry(n, 401)).collect();
    entries[1500] = format!(r#"{{"request": {{"url": "Bearer {SECRET_JWT}", "#);
    add("one-malformed-entry.har", har_of(&entries));
    let whole = har_of(&[har_entry(0, 401), har_entry(1, 200)]);
    add("cut-short.har", whole[..whole.len() * 3 / 4].to_vec());
    add(
        "huge-line.jsonl",
        format!(
            "{{\"authorization\":\"Bearer {SECRET_JWT}\",\"pad\":\"{}\",\"api_key\":\"{SECRET_KEY}\"}}\n",
            "x".repeat(3 << 20)
        )
        .into_bytes(),
    );
    add(
        "deep.json",
        format!(
            "{}{{\"access_token\":\"{SECRET_KEY}\"}}{}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        )
        .into_bytes(),
    );
    let mut invalid = format!("GET /x HTTP/1.1\r\nX-Api-Key: {SECRET_KEY}\r\nX-Odd: ").into_bytes();
    invalid.extend_from_slice(b"\xff\xfe\x80 caf\xe9\r\n\r\n");
    add("invalid-utf8.http", invalid);
    let mut nul = format!("Authorization: Bearer {SECRET_JWT}\n").into_bytes();
    nul.extend_from_slice(b"\0\0\0binary\n");
    add("nul.txt", nul);
    add(
        "escapes.txt",
        format!(
            "\x1b[31mred\x1b[0m \x1b]0;title\x07 Authorization: Bearer {SECRET_JWT}\n\u{9b}2J\n"
        )
        .into_bytes(),
    );
    add("bomb.txt.gz", gzip(&vec![0u8; 50 << 20]));
    let capture = format!("Authorization: Bearer {SECRET_JWT}\nX-Api-Key: {SECRET_KEY}\n");
    add(
        "outside.zip",
        zip_of(&[
            ("../escape.txt", capture.as_bytes()),
            ("/absolute.txt", capture.as_bytes()),
            ("ok/ticket.txt", capture.as_bytes()),
        ]),
    );
    add(
        "links.tar",
        tar_of(
            &[
                ("ok.txt", capture.as_bytes()),
                ("../up.txt", capture.as_bytes()),
            ],
            &[
                ("passwd", "/etc/passwd", false),
                ("hard", "/etc/shadow", true),
            ],
        ),
    );
    let mut nested = capture.clone().into_bytes();
    for level in 0..7 {
        nested = if level % 2 == 0 {
            gzip(&tar_of(&[("inner", nested.as_slice())], &[]))
        } else {
            zip_of(&[("inner", nested.as_slice())])
        };
    }
    add("nested.tar.gz", nested);
    add(
        "redirects.txt",
        (0..10_000)
            .map(curl_exchange)
            .collect::<String>()
            .into_bytes(),
    );
    add(
        "megabyte-challenge.txt",
        format!(
            "> GET / HTTP/1.1\n> Authorization: Bearer {SECRET_JWT}\n>\n< HTTP/1.1 401 Unauthorized\n< WWW-Authenticate: Bearer realm=\"{}\"\n<\n",
            "r".repeat(1 << 20)
        )
        .into_bytes(),
    );
    add(
        "ticket-401-every-line.txt",
        (0..50_000)
            .map(|n| format!("{n}: HTTP 401 Unauthorized with key {SECRET_KEY}\n"))
            .collect::<String>()
            .into_bytes(),
    );
    out
}
