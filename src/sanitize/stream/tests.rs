use super::*;

fn sanitized(input: &str) -> String {
    let mut out = Vec::new();
    har(&mut Secrets::new(false), input.as_bytes(), &mut out).expect("written");
    String::from_utf8(out).expect("UTF-8")
}

const PRETTY: &str = "{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"entries\": [\n      {\n        \"request\": {\n          \"method\": \"GET\",\n          \"headers\": [\n            {\n              \"name\": \"Authorization\",\n              \"value\": \"Bearer tok_0123456789abcdefABCDEF\"\n            }\n          ],\n          \"headersSize\": 120\n        }\n      },\n      {\n        \"request\": {\n          \"method\": \"GET\",  \"url\": \"https://x/\"\n        }\n      }\n    ]\n  }\n}\n";

#[test]
fn untouched_bytes_are_copied_and_a_changed_entry_keeps_its_layout() {
    let out = sanitized(PRETTY);
    assert!(!out.contains("tok_0123456789abcdefABCDEF"), "{out}");
    // The second entry, unchanged, keeps its odd spacing byte for byte.
    assert!(
        out.contains("\"method\": \"GET\",  \"url\": \"https://x/\""),
        "{out}"
    );
    let expected = PRETTY
        .replace("\"headersSize\": 120", "\"headersSize\": -1")
        .replace("tok_0123456789abcdefABCDEF", "");
    let marker_free = regex::Regex::new(r"\(why401~[^)]*\)")
        .expect("constant pattern")
        .replace_all(&out, "");
    assert_eq!(marker_free, expected);
}

#[test]
fn a_compact_document_stays_compact() {
    let input = r#"{"log":{"entries":[{"request":{"headers":[{"name":"Authorization","value":"Bearer tok_0123456789abcdefABCDEF"}]}}]}}"#;
    let out = sanitized(input);
    assert!(
        !out.contains('\n') && out.contains("(why401~opaque~fp_"),
        "{out}"
    );
}

#[test]
fn a_document_cut_short_is_sanitized_as_text_from_where_it_broke() {
    let cut = &PRETTY[..PRETTY.find("headersSize").expect("a key")];
    let out = sanitized(cut);
    assert!(!out.contains("tok_0123456789abcdefABCDEF"), "{out}");
    assert!(out.starts_with("{\n  \"log\": {"), "{out}");
    let other = "[1, 2, {\"access_token\": \"at_0123456789abcdefXYZ\"}]";
    assert!(!sanitized(other).contains("at_0123456789abcdefXYZ"));
}
