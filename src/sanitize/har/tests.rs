use super::*;

const HAR: &str = r#"{"log": {"version": "1.2", "entries": [
  {"request": {"method": "GET", "url": "https://api.example.com/x?access_token=at_0123456789abcdefXYZ",
     "headers": [{"name": "Authorization", "value": "Bearer tok_0123456789abcdefABCDEF"}, {"name": "Accept", "value": "*/*"}],
     "cookies": [{"name": "session", "value": "sess_0123456789abcdef"}],
     "queryString": [{"name": "access_token", "value": "at_0123456789abcdefXYZ"}], "headersSize": 120, "bodySize": 0},
   "response": {"status": 200, "headers": [], "cookies": [], "headersSize": 50,
     "content": {"mimeType": "application/json", "encoding": "base64", "text": "eyJhY2Nlc3NfdG9rZW4iOiJhdF8wMTIzNDU2Nzg5YWJjZGVmWFlaIn0="}}},
  {"request": {"method": "GET", "url": "https://api.example.com/y", "headers": [], "headersSize": 30}}
]}}"#;

#[test]
fn every_entry_stays_in_place_with_its_secrets_replaced() {
    let mut secrets = Secrets::new(false);
    let out = rewrite(&mut secrets, HAR).expect("a HAR");
    for secret in [
        "at_0123456789abcdefXYZ",
        "tok_0123456789abcdefABCDEF",
        "sess_0123456789abcdef",
    ] {
        assert!(!out.contains(secret), "{secret} in {out}");
    }
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    let entries = doc["log"]["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["request"]["headersSize"], -1);
    assert_eq!(entries[0]["response"]["headersSize"], 50);
    assert_eq!(entries[1]["request"]["headersSize"], 30);
    let query = entries[0]["request"]["queryString"][0]["value"]
        .as_str()
        .expect("value");
    assert!(
        entries[0]["request"]["url"]
            .as_str()
            .expect("url")
            .ends_with(query)
    );
    let content = entries[0]["response"]["content"]["text"]
        .as_str()
        .expect("text");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(content)
        .expect("base64");
    assert_eq!(
        String::from_utf8(decoded).expect("utf-8"),
        format!(r#"{{"access_token":"{query}"}}"#)
    );
}
