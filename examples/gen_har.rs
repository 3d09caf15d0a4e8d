//! Writes a large, realistic Chrome-style HAR for size and speed measurements.
//!
//! ```sh
//! cargo run --release --example gen_har -- 200 /tmp/big.har     # about 200 MB
//! ```
//!
//! Entries are API calls against the reference platform (`api.example.com/v2/...`) with
//! HTTP/2 lowercase headers and pseudo-headers, JSON bodies, now and then a base64 image,
//! a failed request, and a mix of 200/204/304/403/404 and 401 answers. The output is
//! deterministic: the same size gives the same file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

/// A small deterministic generator (xorshift), so no extra dependency is needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const PATHS: [&str; 8] = [
    "/v2/devices",
    "/v2/devices/dev_4821/actions",
    "/v2/policies",
    "/v2/policies/pol_77",
    "/v2/logs/audit",
    "/v2/organizations/current",
    "/v3/devices?page=2&per_page=50",
    "/v2/users/me",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mb), Some(path)) = (
        args.first().and_then(|a| a.parse::<u64>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: gen_har <megabytes> <output.har>");
        return ExitCode::from(2);
    };
    match write_har(mb * 1024 * 1024, path) {
        Ok(entries) => {
            eprintln!("wrote {path}: {entries} entries");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("gen_har: {err}");
            ExitCode::FAILURE
        }
    }
}

fn write_har(target: u64, path: &str) -> std::io::Result<u64> {
    let mut out = CountingWriter {
        inner: BufWriter::with_capacity(1 << 20, File::create(path)?),
        written: 0,
    };
    out.write_all(
        br#"{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[{"startedDateTime":"2024-10-21T09:00:00.000Z","id":"page_1","title":"https://portal.example.com/","pageTimings":{"onContentLoad":412.5,"onLoad":980.1}}],"entries":["#,
    )?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let token = jwt(1_729_501_200, 1_729_504_800, "read devices:read");
    let mut n = 0u64;
    while out.written < target {
        if n > 0 {
            out.write_all(b",\n")?;
        }
        let entry = make_entry(n, &mut rng, &token);
        serde_json::to_writer(&mut out, &entry)?;
        n += 1;
    }
    out.write_all(b"]}}\n")?;
    out.inner.flush()?;
    Ok(n)
}

struct CountingWriter<W: Write> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// An RS256-looking JWT: real base64url header and claims, a fake signature.
fn jwt(iat: i64, exp: i64, scope: &str) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": "k-2024-10"});
    let claims = json!({
        "iss": "https://auth.example.com/", "sub": "client_7d2f9a", "aud": "https://api.example.com",
        "iat": iat, "nbf": iat, "exp": exp, "scope": scope, "jti": "a3f1c9e2-5b7d-4e08-9c61-2d4f8b0e7a13",
    });
    let signature: Vec<u8> = (0u8..=255).collect();
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

fn make_entry(n: u64, rng: &mut Rng, token: &str) -> Value {
    let millis = 1_729_501_200_000 + n * 137;
    let started = chrono::DateTime::from_timestamp_millis(millis as i64)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let date = chrono::DateTime::from_timestamp_millis(millis as i64 + 40)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let path = PATHS[rng.below(PATHS.len() as u64) as usize];
    let roll = rng.below(1000);
    let (status, text) = match roll {
        0..=779 => (200, "OK"),
        780..=829 => (204, "No Content"),
        830..=879 => (304, "Not Modified"),
        880..=909 => (403, "Forbidden"),
        910..=949 => (404, "Not Found"),
        950..=989 => (401, "Unauthorized"),
        _ => (0, ""),
    };
    let image = roll < 40;
    let url = if image {
        format!(
            "https://portal.example.com/assets/img/device-{}.png",
            n % 97
        )
    } else {
        format!("https://api.example.com{path}")
    };
    let request = json!({
        "method": "GET", "url": url, "httpVersion": "http/2.0",
        "headers": request_headers(&url, token),
        "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0,
    });
    let mut response = json!({
        "status": status, "statusText": text, "httpVersion": if status == 0 { "" } else { "http/2.0" },
        "headers": response_headers(status, &date), "cookies": [],
        "content": content(status, image, rng),
        "redirectURL": "", "headersSize": -1, "bodySize": -1, "_transferSize": 812, "_error": null,
    });
    if status == 0 {
        response["_error"] = json!("net::ERR_CONNECTION_RESET");
        response["headers"] = json!([]);
    }
    json!({
        "_initiator": {"type": "script", "stack": {"callFrames": [
            {"functionName": "fetchJson", "scriptId": "42", "url": "https://portal.example.com/static/js/main.8f3a1c.js", "lineNumber": 1, "columnNumber": 48213},
            {"functionName": "loadDevices", "scriptId": "42", "url": "https://portal.example.com/static/js/main.8f3a1c.js", "lineNumber": 1, "columnNumber": 51007}
        ]}},
        "_priority": "High", "_resourceType": if image { "image" } else { "fetch" },
        "cache": {}, "connection": "443", "pageref": "page_1",
        "request": request, "response": response,
        "serverIPAddress": "203.0.113.10", "startedDateTime": started, "time": 48.21000000089407,
        "timings": {"blocked": 1.234000001, "dns": -1, "ssl": -1, "connect": -1, "send": 0.118,
                    "wait": 45.67999999, "receive": 1.1780000003, "_blocked_queueing": 0.8}
    })
}

fn request_headers(url: &str, token: &str) -> Value {
    let (authority, path) = url
        .trim_start_matches("https://")
        .split_once('/')
        .unwrap_or(("api.example.com", ""));
    json!([
        {"name": ":authority", "value": authority},
        {"name": ":method", "value": "GET"},
        {"name": ":path", "value": format!("/{path}")},
        {"name": ":scheme", "value": "https"},
        {"name": "accept", "value": "application/json, text/plain, */*"},
        {"name": "accept-encoding", "value": "gzip, deflate, br, zstd"},
        {"name": "accept-language", "value": "en-US,en;q=0.9"},
        {"name": "authorization", "value": format!("Bearer {token}")},
        {"name": "origin", "value": "https://portal.example.com"},
        {"name": "referer", "value": "https://portal.example.com/"},
        {"name": "sec-ch-ua", "value": "\"Chromium\";v=\"130\", \"Google Chrome\";v=\"130\", \"Not?A_Brand\";v=\"99\""},
        {"name": "sec-fetch-mode", "value": "cors"},
        {"name": "user-agent", "value": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"}
    ])
}

fn response_headers(status: u16, date: &str) -> Value {
    let mut headers = vec![
        json!({"name": "content-type", "value": "application/json; charset=utf-8"}),
        json!({"name": "date", "value": date}),
        json!({"name": "server", "value": "envoy"}),
        json!({"name": "x-request-id", "value": "req_7f3a9c01d2"}),
        json!({"name": "strict-transport-security", "value": "max-age=31536000; includeSubDomains"}),
    ];
    match status {
        200 => {
            headers.push(json!({"name": "x-ratelimit-limit", "value": "1000"}));
            headers.push(json!({"name": "x-ratelimit-remaining", "value": "987"}));
        }
        401 => headers.push(json!({"name": "www-authenticate",
            "value": "Bearer realm=\"Example API\", error=\"invalid_token\", error_description=\"Token has expired\""})),
        _ => {}
    }
    Value::Array(headers)
}

fn content(status: u16, image: bool, rng: &mut Rng) -> Value {
    match status {
        0 | 204 | 304 => json!({"size": 0, "mimeType": "x-unknown"}),
        401 => json!({"size": 180, "mimeType": "application/json", "text":
            r#"{"error": "unauthorized", "error_description": "The access token is invalid or has expired", "error_code": "E-AUTH-001", "request_id": "req_7f3a9c01d2"}"#}),
        403 | 404 => json!({"size": 60, "mimeType": "application/json",
            "text": format!(r#"{{"error": "{}", "code": {status}}}"#, if status == 403 { "forbidden" } else { "not_found" })}),
        _ if image => {
            let len = 20_000 + rng.below(180_000) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            json!({"size": len, "mimeType": "image/png", "encoding": "base64", "text": STANDARD.encode(bytes)})
        }
        _ => {
            let count = 1 + rng.below(40);
            let devices: Vec<Value> = (0..count)
                .map(|i| json!({"id": format!("dev_{:04}", rng.below(10_000)), "name": format!("Sensor {i} \"north\""),
                    "status": "online", "firmware": "4.2.1", "last_seen": "2024-10-21T08:59:12Z", "tags": ["floor-2", "hvac"]}))
                .collect();
            let text = json!({"data": devices, "page": 1, "per_page": 50}).to_string();
            json!({"size": text.len(), "mimeType": "application/json", "text": text})
        }
    }
}
