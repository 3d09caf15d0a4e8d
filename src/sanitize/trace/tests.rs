use super::*;
use crate::sanitize::secrets::Secrets;

#[test]
fn a_token_cut_across_rows_is_found_whole_and_the_rows_renumbered() {
    let token = "tok_0123456789abcdefABCDEF0123456789abcdefABCDEF";
    let line = format!("Authorization: Bearer {token}");
    let (first, second) = line.split_at(64);
    let text = format!(
        "=> Send header, {} bytes (0x{:x})\n0000: GET / HTTP/1.1\n0010: {first}\n{:04x}: {second}\n",
        16 + line.len() + 2,
        16 + line.len() + 2,
        16 + 64,
    );
    let mut secrets = Secrets::new(false);
    let out = rewrite(&mut TextRewriter::new(&mut secrets), &text);
    assert!(
        !out.contains(&token[..20]) && !out.contains(&token[30..]),
        "{out}"
    );
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[1], "0000: GET / HTTP/1.1");
    assert!(
        rows[2].starts_with("0010: Authorization: Bearer (why401~opaque~fp_"),
        "{out}"
    );
    let total = 16 + 2 + rows[2].len() - 6;
    assert_eq!(
        rows[0],
        format!("=> Send header, {total} bytes (0x{total:x})")
    );
}

#[test]
fn sections_are_recognized_with_trace_time() {
    assert!(is_trace(
        "14:20:00.123456 => Send header, 16 bytes (0x10)\n"
    ));
    assert!(!is_trace("> GET / HTTP/1.1\n"));
}

#[test]
fn a_hex_trace_keeps_no_secret_in_either_column_and_stays_readable() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/curl/trace-hex.txt"
    ))
    .expect("fixture");
    let mut secrets = Secrets::new(false);
    let out = rewrite(&mut TextRewriter::new(&mut secrets), &text);
    let original = first_send_header(&text);
    let token = original
        .split("Bearer ")
        .nth(1)
        .and_then(|rest| rest.split("\r\n").next())
        .expect("the fixture sends a bearer token");
    let signature = token.split('.').nth(2).expect("a JWT");
    let sent = first_send_header(&out);
    // The hex and text columns are both written from these bytes.
    assert!(!sent.contains(&signature[..16]), "{sent}");
    assert!(sent.starts_with("GET /v2/devices HTTP/1.1\r\n"), "{sent}");
    assert!(sent.contains("Authorization: Bearer eyJ"), "{sent}");
    assert!(sent.contains("(why401~"), "{sent}");
}

/// The bytes of the first `=> Send header` section's hex rows, checked against the count
/// its header line declares.
fn first_send_header(trace: &str) -> String {
    let mut lines = trace
        .lines()
        .skip_while(|l| !l.starts_with("=> Send header, "));
    let header = lines.next().expect("a Send header section");
    let declared: usize = header["=> Send header, ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a byte count");
    let bytes: Vec<u8> = lines
        .map_while(row)
        .flat_map(|(_, data)| hex_column(data))
        .collect();
    assert_eq!(bytes.len(), declared, "{header}");
    String::from_utf8_lossy(&bytes).into_owned()
}
