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
