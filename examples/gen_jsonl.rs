//! Writes a realistic mixed-producer JSON-lines gateway log of about N MB for load tests:
//! Caddy, Kong, Traefik, Envoy, nginx (some behind syslog), API Gateway, GCP, Kubernetes
//! audit, ECS, OpenTelemetry and pino (some in Docker's json-file wrapper) records, with
//! start-up and debug lines, a few hard-wrapped records and pretty-printed error bodies.
//! About 3% of the requests are 401s. The output depends only on the size and the seed.
//!
//! ```sh
//! cargo run --release --example gen_jsonl -- 1024 /tmp/big.jsonl   # 1 GB
//! ```

use std::fs::File;
use std::io::{self, BufWriter, Write};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    pub bytes: u64,
    pub lines: u64,
    /// Records a reader should count as exchanges, and as 401s.
    pub exchanges: u64,
    pub unauthorized: u64,
    /// Lines a reader should skip (start-up, debug, error-logger, client-span lines).
    pub skipped: u64,
}

/// Writes about `target_bytes` of log lines to `out`.
pub fn generate(out: &mut dyn Write, target_bytes: u64, seed: u64) -> io::Result<Generated> {
    let mut state = State {
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
        millis: 1_748_858_400_000,
        stats: Generated::default(),
        tokens: Vec::new(),
    };
    state.skip(
        out,
        "Caddy v2.8.4 h1:q3pe0wpBj1OcHFZ3n/1nl4V4bxBrYoSoab7rL9BMYNk=",
    )?;
    while state.stats.bytes < target_bytes {
        state.record(out)?;
    }
    Ok(state.stats)
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One request as every producer sees it.
struct Call {
    method: &'static str,
    path: String,
    status: u16,
    token: Option<String>,
    challenge: &'static str,
    ip: String,
    port: u64,
    millis: u64,
}

const PATHS: &[(&str, &str)] = &[
    ("GET", "/v2/devices"),
    ("GET", "/v2/devices?limit=50&cursor=eyJvZmZzZXQiOjUwfQ"),
    ("POST", "/v2/devices/{id}/actions"),
    ("GET", "/v2/policies"),
    ("PUT", "/v2/policies/{id}"),
    ("GET", "/v2/logs/audit"),
    ("DELETE", "/v2/organizations/{id}"),
    ("GET", "/v2/organizations/current"),
    ("GET", "/v3/devices/{id}"),
];

const CHALLENGES: &[&str] = &[
    "Bearer realm=\\\"Example API\\\"",
    "Bearer error=\\\"invalid_token\\\"",
    "Bearer error=\\\"invalid_token\\\", error_description=\\\"Token has expired\\\"",
    "Bearer error=\\\"invalid_token\\\", error_description=\\\"Token signature verification failed\\\"",
];

struct State {
    rng: Rng,
    millis: u64,
    stats: Generated,
    /// Tokens in use: clients reuse them, so a token's successes and failures spread over
    /// the file (and over chunk boundaries), as in a real log.
    tokens: Vec<String>,
}

/// How many tokens are in use at a time.
const TOKEN_POOL: usize = 48;

impl State {
    fn write(&mut self, out: &mut dyn Write, line: &str) -> io::Result<()> {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        self.stats.bytes += line.len() as u64 + 1;
        self.stats.lines += 1;
        Ok(())
    }

    /// A line that is not an exchange.
    fn skip(&mut self, out: &mut dyn Write, line: &str) -> io::Result<()> {
        self.stats.skipped += 1;
        self.write(out, line)
    }

    fn exchange(&mut self, status: u16) {
        self.stats.exchanges += 1;
        if status == 401 {
            self.stats.unauthorized += 1;
        }
    }

    fn call(&mut self) -> Call {
        self.millis += 1 + self.rng.below(40);
        let (method, template) = PATHS[self.rng.below(PATHS.len() as u64) as usize];
        let path = template.replace("{id}", &(1000 + self.rng.below(9000)).to_string());
        let status = match self.rng.below(1000) {
            0..=599 => 200,
            600..=679 => 204,
            680..=759 => 304,
            760..=839 => 404,
            840..=909 => 403,
            910..=939 => 401,
            940..=979 => 201,
            _ => 500,
        };
        let token = (status != 401 || self.rng.below(3) > 0).then(|| self.token());
        let challenge = CHALLENGES[self.rng.below(CHALLENGES.len() as u64) as usize];
        Call {
            method,
            path,
            status,
            token,
            challenge,
            ip: format!("10.0.{}.{}", self.rng.below(8), 2 + self.rng.below(250)),
            port: 40_000 + self.rng.below(25_000),
            millis: self.millis,
        }
    }

    /// A token from the pool; now and then a slot gets a freshly issued one.
    fn token(&mut self) -> String {
        let slot = self.rng.below(TOKEN_POOL as u64) as usize;
        if self.tokens.len() < TOKEN_POOL {
            let fresh = self.new_token();
            self.tokens.push(fresh);
        } else if self.rng.below(200) == 0 {
            self.tokens[slot] = self.new_token();
        }
        self.tokens[slot.min(self.tokens.len() - 1)].clone()
    }

    fn new_token(&mut self) -> String {
        let iat = self.millis / 1000 - self.rng.below(3600);
        let claims = format!(
            r#"{{"iss":"https://auth.example.com/","sub":"client-{}","aud":"https://api.example.com","scope":"read write","iat":{iat},"exp":{}}}"#,
            self.rng.below(40),
            iat + 3600
        );
        let signature: String = (0..342)
            .map(|_| {
                let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                alphabet[self.rng.below(64) as usize] as char
            })
            .collect();
        format!(
            "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.{}.{signature}",
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    fn record(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let call = self.call();
        let roll = self.rng.below(1000);
        match roll {
            0..=39 => return self.noise(out, &call),
            40..=41 => return self.pretty_body(out, &call),
            _ => {}
        }
        let line = match roll % 11 {
            0 => self.caddy(out, &call)?,
            1 => kong(&call),
            2 => traefik(&call),
            3 => envoy(&call),
            4 => nginx(&call),
            5 => aws(&call),
            6 => gcp(&call),
            7 => self.k8s(out, &call)?,
            8 => ecs(&call),
            9 => self.otel(out, &call)?,
            _ => pino(&call),
        };
        self.exchange(call.status);
        let wrap = self.rng.below(100);
        if wrap == 0 && !line.starts_with('{') {
            self.write(out, &line)
        } else if wrap == 0 {
            // A record hard-wrapped by a terminal or a mail client.
            let cut = 1 + self.rng.below(line.len() as u64 - 2) as usize;
            let cut = (cut..line.len())
                .find(|&i| line.is_char_boundary(i))
                .unwrap_or(cut);
            let joined = format!("{}\n{}", &line[..cut], &line[cut..]);
            self.stats.lines += 1;
            self.write(out, &joined)
        } else if wrap < 4 && line.starts_with('{') {
            let docker = format!(
                r#"{{"log":{},"stream":"stdout","time":"{}"}}"#,
                serde_json::to_string(&format!("{line}\n")).unwrap_or_default(),
                iso(call.millis)
            );
            self.write(out, &docker)
        } else {
            self.write(out, &line)
        }
    }

    /// Lines that are not exchanges: start-up text, debug records, TLS events.
    fn noise(&mut self, out: &mut dyn Write, call: &Call) -> io::Result<()> {
        let line = match self.rng.below(4) {
            0 => format!(
                "{} [INFO] upstream health check passed for 10.0.1.{}:8080",
                iso(call.millis),
                self.rng.below(9)
            ),
            1 => format!(
                r#"{{"level":"debug","ts":{},"logger":"http.handlers.reverse_proxy","msg":"selected upstream","dial":"10.0.1.7:8080","total_upstreams":2}}"#,
                secs(call.millis)
            ),
            2 => format!(
                r#"{{"level":30,"time":{},"pid":7,"hostname":"api-7d9f","msg":"token cache refreshed","entries":{}}}"#,
                call.millis,
                self.rng.below(500)
            ),
            _ => format!(
                r#"{{"level":"info","ts":{},"logger":"tls.cache.maintenance","msg":"certificate is valid","identifier":"api.example.com","remaining":"1430h0m0s"}}"#,
                secs(call.millis)
            ),
        };
        self.skip(out, &line)
    }

    /// A JSON error body pasted into a ticket, pretty-printed.
    fn pretty_body(&mut self, out: &mut dyn Write, call: &Call) -> io::Result<()> {
        let body = format!(
            "{{\n  \"error\": \"unauthorized\",\n  \"error_description\": \"The access token is invalid or has expired\",\n  \"error_code\": \"E-AUTH-001\",\n  \"status\": 401,\n  \"timestamp\": \"{}\",\n  \"request_id\": \"req_{:010x}\"\n}}",
            iso(call.millis),
            self.rng.next() >> 24
        );
        self.exchange(401);
        self.stats.lines += body.matches('\n').count() as u64;
        self.write(out, &body)
    }

    /// Caddy access line; a 401 from its basic auth comes after an error-logger line.
    fn caddy(&mut self, out: &mut dyn Write, call: &Call) -> io::Result<String> {
        let request = format!(
            r#"{{"remote_ip":"{ip}","remote_port":"{port}","client_ip":"{ip}","proto":"HTTP/2.0","method":"{m}","host":"api.example.com","uri":"{p}","headers":{{{auth}"User-Agent":["example-sdk-go/2.3.1"],"Accept":["application/json"]}},"tls":{{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"api.example.com"}}}}"#,
            ip = call.ip,
            port = call.port,
            m = call.method,
            p = call.path,
            auth = if call.token.is_some() {
                r#""Authorization":["REDACTED"],"#
            } else {
                ""
            }
        );
        let level = if call.status >= 400 { "error" } else { "info" };
        if call.status == 401 && call.token.is_none() {
            let error = format!(
                r#"{{"level":"error","ts":{},"logger":"http.log.error.log0","msg":"not authenticated","request":{request},"duration":0.000412,"status":401,"err_id":"m3kq7d2c","err_trace":"caddyauth.Authentication.ServeHTTP (caddyauth.go:90)"}}"#,
                secs(call.millis)
            );
            self.skip(out, &error)?;
        }
        Ok(format!(
            r#"{{"level":"{level}","ts":{},"logger":"http.log.access.log0","msg":"handled request","request":{request},"bytes_read":0,"user_id":"","duration":0.0021,"size":{},"status":{},"resp_headers":{{"Server":["Caddy"],"Content-Type":["application/json"]{}}}}}"#,
            secs(call.millis),
            120 + call.millis % 900,
            call.status,
            challenge_header(call, r#","Www-Authenticate":[""#, r#""]"#)
        ))
    }

    fn k8s(&mut self, out: &mut dyn Write, call: &Call) -> io::Result<String> {
        let id = format!(
            "{:08x}-1b2c-4d5e-8f90-{:012x}",
            self.rng.next() >> 32,
            call.millis
        );
        let common = format!(
            r#""kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"{id}","requestURI":"/api/v1/namespaces/default/pods","verb":"list","user":{{"username":"system:serviceaccount:ci:deployer"}},"sourceIPs":["{}"],"userAgent":"kubectl/v1.30.0","requestReceivedTimestamp":"{}","stageTimestamp":"{}""#,
            call.ip,
            iso(call.millis),
            iso(call.millis + 1)
        );
        if call.status == 401 {
            let message = if call.token.is_some() {
                "Authentication failed, attempted: bearer"
            } else {
                "Authentication failed, no credentials provided"
            };
            return Ok(format!(
                r#"{{{common},"stage":"ResponseStarted","responseStatus":{{"metadata":{{}},"status":"Failure","message":"{message}","reason":"Unauthorized","code":401}}}}"#
            ));
        }
        self.skip(out, &format!(r#"{{{common},"stage":"RequestReceived"}}"#))?;
        Ok(format!(
            r#"{{{common},"stage":"ResponseComplete","responseStatus":{{"metadata":{{}},"code":{}}}}}"#,
            call.status
        ))
    }

    /// A server span; sometimes the client's span of the same call comes first.
    fn otel(&mut self, out: &mut dyn Write, call: &Call) -> io::Result<String> {
        let span = |kind: &str, id: u64| {
            format!(
                r#"{{"name":"{m} {p}","context":{{"trace_id":"0x{t:032x}","span_id":"0x{id:016x}"}},"kind":"SpanKind.{kind}","start_time":"{time}","status":{{"status_code":"{code}"}},"attributes":{{"http.request.method":"{m}","url.scheme":"https","server.address":"api.example.com","url.path":"{p}","http.response.status_code":{s}{h}}},"resource":{{"attributes":{{"service.name":"devices-api"}}}}}}"#,
                m = call.method,
                p = call.path.split('?').next().unwrap_or(""),
                t = call.millis,
                time = iso(call.millis),
                code = if call.status >= 500 { "ERROR" } else { "UNSET" },
                s = call.status,
                h = challenge_header(
                    call,
                    r#","http.response.header.www-authenticate":[""#,
                    r#""]"#
                ),
            )
        };
        if self.rng.below(3) == 0 {
            let client = span("CLIENT", call.millis * 2);
            self.skip(out, &client)?;
        }
        Ok(span("SERVER", call.millis * 2 + 1))
    }
}

fn secs(millis: u64) -> String {
    format!("{}.{:03}", millis / 1000, millis % 1000)
}

/// RFC 3339 with milliseconds (2025-06-02 onwards, no leap handling needed for days).
fn iso(millis: u64) -> String {
    let secs = millis / 1000;
    let days = secs / 86_400 - 20_241; // days since 2025-06-02
    format!(
        "2025-06-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        2 + days.min(27),
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60,
        millis % 1000
    )
}

fn clf(millis: u64) -> String {
    let secs = millis / 1000;
    format!(
        "{:02}/Jun/2025:{:02}:{:02}:{:02} +0000",
        2 + (secs / 86_400 - 20_241).min(27),
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60
    )
}

fn challenge_header(call: &Call, before: &str, after: &str) -> String {
    if call.status == 401 {
        format!("{before}{}{after}", call.challenge)
    } else {
        String::new()
    }
}

fn bearer(call: &Call) -> String {
    call.token
        .as_ref()
        .map(|t| format!("Bearer {t}"))
        .unwrap_or_default()
}

fn kong(call: &Call) -> String {
    let auth = if call.token.is_some() {
        r#""authorization":"REDACTED","#
    } else {
        ""
    };
    format!(
        r#"{{"request":{{"uri":"{p}","url":"https://api.example.com:443{p}","querystring":{{}},"method":"{m}","headers":{{"host":"api.example.com",{auth}"user-agent":"example-sdk-python/1.8.0","accept":"application/json"}},"size":187}},"upstream_uri":"{p}","response":{{"status":{s},"headers":{{"content-type":"application/json; charset=utf-8","x-kong-proxy-latency":"1"{h}}},"size":311}},"latencies":{{"kong":1,"proxy":12,"request":13}},"started_at":{t},"client_ip":"{ip}","tries":[{{"ip":"10.0.1.7","port":8080,"balancer_latency":0}}],"service":{{"name":"devices","host":"devices.internal"}},"route":{{"name":"devices-v2","paths":["/v2"]}}}}"#,
        p = call.path,
        m = call.method,
        s = call.status,
        t = call.millis,
        ip = call.ip,
        h = challenge_header(call, r#","www-authenticate":""#, r#"""#),
    )
}

fn traefik(call: &Call) -> String {
    format!(
        r#"{{"ClientAddr":"{ip}:{port}","ClientHost":"{ip}","DownstreamContentSize":142,"DownstreamStatus":{s},"Duration":{d},"OriginStatus":{o},"RequestAddr":"api.example.com","RequestHost":"api.example.com","RequestMethod":"{m}","RequestPath":"{p}","RequestProtocol":"HTTP/2.0","RequestScheme":"https","RouterName":"api@file","ServiceName":"devices@file","StartUTC":"{time}","entryPointName":"websecure","request_User-Agent":"example-sdk-js/4.0.2"{a}{h},"level":"info","msg":"","time":"{time}"}}"#,
        ip = call.ip,
        port = call.port,
        s = call.status,
        o = if call.status == 401 { 0 } else { call.status },
        d = 1_000_000 + call.millis % 9_000_000,
        m = call.method,
        p = call.path,
        time = iso(call.millis),
        a = if call.token.is_some() {
            r#","request_Authorization":"REDACTED""#
        } else {
            ""
        },
        h = challenge_header(call, r#","downstream_Www-Authenticate":""#, r#"""#),
    )
}

fn envoy(call: &Call) -> String {
    let details = match call.status {
        401 if call.token.is_some() => "jwt_authn_access_denied{Jwt_is_expired}",
        401 => "jwt_authn_access_denied{Jwt_is_missing}",
        _ => "via_upstream",
    };
    format!(
        r#"{{"authority":"api.example.com","bytes_received":0,"bytes_sent":{b},"downstream_remote_address":"{ip}:{port}","duration":{d},"method":"{m}","path":"{p}","protocol":"HTTP/2","request_id":"{t:08x}-0b1c-4d2e-9f30-a1b2c3d4e5f6","response_code":{s},"response_code_details":"{details}","response_flags":"-","route_name":"default","start_time":"{time}","upstream_cluster":"outbound|80||devices.default.svc.cluster.local","user_agent":"example-sdk-go/2.3.1"}}"#,
        b = 14 + call.millis % 800,
        ip = call.ip,
        port = call.port,
        d = call.millis % 40,
        m = call.method,
        p = call.path,
        t = call.millis,
        s = call.status,
        time = iso(call.millis),
    )
}

fn nginx(call: &Call) -> String {
    let record = format!(
        r#"{{"time_local":"{time}","remote_addr":"{ip}","request":"{m} {p} HTTP/1.1","status":"{s}","body_bytes_sent":{b},"request_time":0.00{r},"host":"api.example.com","scheme":"https","http_user_agent":"curl/8.5.0","http_authorization":"{auth}","sent_http_www_authenticate":"{h}"}}"#,
        time = clf(call.millis),
        ip = call.ip,
        m = call.method,
        p = call.path,
        s = call.status,
        b = 100 + call.millis % 3000,
        r = call.millis % 10,
        auth = bearer(call),
        h = challenge_header(call, "", ""),
    );
    if call.millis.is_multiple_of(2) {
        format!("Jun  2 10:00:00 edge-1 nginx: {record}")
    } else {
        record
    }
}

fn aws(call: &Call) -> String {
    let (message, kind) = match (call.status, call.token.is_some()) {
        (401, true) => ("The incoming token has expired", "EXPIRED_TOKEN"),
        (401, false) => ("Unauthorized", "UNAUTHORIZED"),
        (403, _) => (
            "User is not authorized to access this resource",
            "ACCESS_DENIED",
        ),
        _ => ("-", "-"),
    };
    format!(
        r#"{{"requestId":"{t:08x}-7b61-11e6-9a41-93e8deadbeef","ip":"{ip}","requestTime":"{time}","requestTimeEpoch":"{t}","httpMethod":"{m}","resourcePath":"{p}","domainName":"api.example.com","status":"{s}","protocol":"HTTP/1.1","responseLength":"{b}","errorMessage":"{message}","authorizerError":"-","errorResponseType":"{kind}"}}"#,
        t = call.millis,
        ip = call.ip,
        time = clf(call.millis),
        m = call.method,
        p = call.path.split('?').next().unwrap_or(""),
        s = call.status,
        b = 40 + call.millis % 900,
    )
}

fn gcp(call: &Call) -> String {
    format!(
        r#"{{"insertId":"{t:x}","jsonPayload":{{"@type":"type.googleapis.com/google.cloud.loadbalancing.type.LoadBalancerLogEntry","statusDetails":"response_sent_by_backend","backendTargetProjectNumber":"projects/123456789"}},"httpRequest":{{"requestMethod":"{m}","requestUrl":"https://api.example.com{p}","requestSize":"187","status":{s},"responseSize":"{b}","userAgent":"example-sdk-java/3.1.0","remoteIp":"{ip}","latency":"0.0{l}s","protocol":"HTTP/1.1"}},"resource":{{"type":"http_load_balancer","labels":{{"forwarding_rule_name":"api-https","url_map_name":"api"}}}},"timestamp":"{time}","severity":"{sev}","logName":"projects/example/logs/requests"}}"#,
        t = call.millis,
        m = call.method,
        p = call.path,
        s = call.status,
        b = 40 + call.millis % 900,
        ip = call.ip,
        l = call.millis % 90,
        time = iso(call.millis),
        sev = if call.status >= 400 {
            "WARNING"
        } else {
            "INFO"
        },
    )
}

fn ecs(call: &Call) -> String {
    let error = if call.status == 401 {
        r#","error":{"message":"JWT expired","type":"ExpiredJwtException"}"#
    } else {
        ""
    };
    format!(
        r#"{{"@timestamp":"{time}","log.level":"{lvl}","message":"{m} {p} {s}","ecs.version":"8.11.0","service.name":"devices-api","http":{{"request":{{"method":"{m}"}},"response":{{"status_code":{s}}}}},"url":{{"path":"{p}","domain":"api.example.com","scheme":"https"}},"client":{{"ip":"{ip}"}},"event":{{"duration":{d}}}{error}}}"#,
        time = iso(call.millis),
        lvl = if call.status >= 400 { "warn" } else { "info" },
        m = call.method,
        p = call.path.split('?').next().unwrap_or(""),
        s = call.status,
        ip = call.ip,
        d = 1_000_000 + call.millis % 9_000_000,
    )
}

fn pino(call: &Call) -> String {
    let auth = match &call.token {
        Some(_) => r#","authorization":"[Redacted]""#,
        None => "",
    };
    format!(
        r#"{{"level":{lvl},"time":{t},"pid":7,"hostname":"api-7d9f","req":{{"id":{id},"method":"{m}","url":"{p}","query":{{}},"headers":{{"host":"api.example.com","user-agent":"example-sdk-js/4.0.2","accept":"application/json"{auth}}},"remoteAddress":"{ip}","remotePort":{port}}},"res":{{"statusCode":{s},"headers":{{"content-type":"application/json"{h}}}}},"responseTime":{r},"msg":"request completed"}}"#,
        lvl = if call.status >= 400 { 40 } else { 30 },
        t = call.millis,
        id = call.millis % 100_000,
        m = call.method,
        p = call.path,
        ip = call.ip,
        port = call.port,
        s = call.status,
        r = call.millis % 30,
        h = challenge_header(call, r#","www-authenticate":""#, r#"""#),
    )
}

#[allow(dead_code)] // the integration tests include this file for `generate`
fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(megabytes), Some(path)) =
        (args.get(1).and_then(|a| a.parse::<u64>().ok()), args.get(2))
    else {
        eprintln!("usage: gen_jsonl <MB> <output path> [seed]");
        std::process::exit(2);
    };
    let seed = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let stats = generate(&mut out, megabytes << 20, seed)?;
    out.flush()?;
    eprintln!(
        "wrote {} bytes, {} lines, {} exchanges, {} with status 401, {} lines to skip",
        stats.bytes, stats.lines, stats.exchanges, stats.unauthorized, stats.skipped
    );
    Ok(())
}
