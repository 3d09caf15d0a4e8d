#!/usr/bin/env python3
"""Writes why401's labelled 401 cases (tests/cases/...) and their manifest, expected.tsv.

Run it from anywhere: `python3 tests/cases/make_cases.py`. The output is deterministic: fixed
timestamps, no wall clock, keys and fake signatures derived from fixed seeds. The script and its
output are both committed; rerunning it must leave `git status` clean.

Every 401 written here carries its expected label right beside it (cause, detail,
resolved_later, note); the writers refuse a 401 without a label or a label on anything else,
and expected.tsv is written from the labels, so a case and its label cannot drift apart.

Layout:
  har/ curl/ http/ jsonl/   run without --profile
  with-profile/             run with --profile tests/cases/profile.toml
  with-keys/                run with --jwks tests/cases/keys/jwks.json
Indices count every exchange of a file: every HAR entry, every final response of a curl
transcript or pasted HTTP, every log record that carries a status.
"""

import base64
import hashlib
import json
import os
import random
import shutil
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, quote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
REL = "tests/cases"
OUTPUT_FOLDERS = ["har", "curl", "http", "jsonl", "with-profile", "with-keys", "keys", "ticket"]
UTC = timezone.utc

ROWS = []  # (file, index, cause, detail, resolved_later, note)

CAUSES = {
    "expired_token", "invalid_token", "missing_authorization", "insufficient_scope",
    "revoked_credentials", "clock_skew", "unknown",
}


def read_details():
    """The detail codes, from the crate's table (crates/why401-model/src/details.tsv)."""
    path = os.path.join(HERE, "..", "..", "crates", "why401-model", "src", "details.tsv")
    with open(path, encoding="utf-8") as table:
        rows = [line.split("\t") for line in table.read().splitlines()
                if line.strip() and not line.startswith("#")]
    return {row[0] for row in rows}


DETAILS = read_details()


# ---------------------------------------------------------------------------------------------
# Times

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def t(text):
    """An aware datetime from RFC 3339 text."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def epoch(dt):
    return int(dt.timestamp())


def http_date(dt):
    dt = dt.astimezone(UTC)
    return (f"{DAYS[dt.weekday()]}, {dt.day:02d} {MONTHS[dt.month - 1]} {dt.year} "
            f"{dt:%H:%M:%S} GMT")


def iso_z(dt, digits=3):
    dt = dt.astimezone(UTC)
    frac = f"{dt.microsecond:06d}"[:digits]
    return f"{dt:%Y-%m-%dT%H:%M:%S}" + (f".{frac}" if digits else "") + "Z"


def iso_offset(dt, offset_hours, digits=3):
    tz = timezone(timedelta(hours=offset_hours))
    local = dt.astimezone(tz)
    frac = f"{local.microsecond:06d}".ljust(7, "0")[:digits]
    sign = "+" if offset_hours >= 0 else "-"
    return (f"{local:%Y-%m-%dT%H:%M:%S}.{frac}{sign}{abs(offset_hours):02d}:00")


def clf(dt):
    dt = dt.astimezone(UTC)
    return f"{dt.day:02d}/{MONTHS[dt.month - 1]}/{dt.year}:{dt:%H:%M:%S} +0000"


# ---------------------------------------------------------------------------------------------
# Deterministic noise, tokens, keys


def noise(seed, n):
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}|{counter}".encode()).digest()
        counter += 1
    return out[:n]


def hexid(seed, n=32):
    return noise(seed, n).hex()[:n]


def uuid(seed):
    h = hexid(seed, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64(data):
    return base64.b64encode(data).decode()


def segment(obj):
    return b64u(json.dumps(obj, separators=(",", ":")).encode())


def fake_signature(seed):
    """256 bytes: the 342 base64url characters of an RS256 signature (2048-bit key)."""
    return b64u(noise(seed, 256))


def opaque(seed, n=32):
    return b64u(noise(seed, n))


def alnum(seed, n):
    """n letters and digits (personal-token bodies)."""
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(chars[b % 62] for b in noise(seed, n))


def jwt(claims, *, kid="k-2024-03", alg="RS256", typ="JWT", header=None, signer=None):
    head = header if header is not None else {"alg": alg, "typ": typ, "kid": kid}
    if kid is None and header is None:
        head.pop("kid")
    signing_input = segment(head) + "." + segment(claims)
    if signer is not None:
        signature = signer(signing_input)
    elif head.get("alg") == "none":
        signature = ""
    elif head.get("alg") == "ES256":
        signature = b64u(noise(signing_input, 64))
    else:
        signature = fake_signature(signing_input)
    return signing_input + "." + signature


PROD_ISS = "https://auth.example.com/"
PROD_AUD = "https://api.example.com"
STAGING_ISS = "https://auth.staging.example.com/"
STAGING_AUD = "https://api.staging.example.com"


def claims(*, iat, exp=None, nbf="iat", iss=PROD_ISS, aud=PROD_AUD, sub="user_51c0e2",
           scope="read devices:read policies:read", client_id="portal-spa", **extra):
    """Access-token claims as the platform issues them (exp defaults to iat + 3600)."""
    body = {"iss": iss, "sub": sub, "aud": aud, "iat": epoch(iat)}
    if nbf == "iat":
        body["nbf"] = epoch(iat)
    elif nbf is not None:
        body["nbf"] = epoch(nbf)
    body["exp"] = epoch(exp if exp is not None else iat + timedelta(seconds=3600))
    if scope is not None:
        body["scope"] = scope
    if client_id is not None:
        body["client_id"] = client_id
    body.update(extra)
    body["jti"] = hexid(json.dumps(body, sort_keys=True))
    return body


# RSA, for the with-keys cases: a deterministic 2048-bit key pair and PKCS#1 v1.5 signatures.
SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]
DIGEST_INFO_SHA256 = bytes.fromhex("3031300d060960864801650304020105000420")


def probable_prime(n, rng):
    if any(n % p == 0 for p in SMALL_PRIMES):
        return n in SMALL_PRIMES
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for _ in range(40):
        a = rng.randrange(2, n - 2)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def prime(rng, bits):
    while True:
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if probable_prime(candidate, rng):
            return candidate


def rsa_key(seed):
    rng = random.Random(seed)
    e = 65537
    while True:
        p, q = prime(rng, 1024), prime(rng, 1024)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e and (p * q).bit_length() == 2048:
            return {"n": p * q, "e": e, "d": pow(e, -1, phi)}


def rs256_signer(key):
    def sign(signing_input):
        digest = hashlib.sha256(signing_input.encode()).digest()
        t_ = DIGEST_INFO_SHA256 + digest
        em = b"\x00\x01" + b"\xff" * (256 - len(t_) - 3) + b"\x00" + t_
        s = pow(int.from_bytes(em, "big"), key["d"], key["n"])
        return b64u(s.to_bytes(256, "big"))
    return sign


def jwk(key, kid):
    n = key["n"].to_bytes(256, "big")
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": b64u(n), "e": "AQAB"}


# ---------------------------------------------------------------------------------------------
# Labels and exchanges


def L(cause, detail, note="", resolved=False):
    assert cause in CAUSES, cause
    assert detail in DETAILS, detail
    assert "\t" not in note and "\n" not in note
    return (cause, detail, resolved, note)


REASONS = {200: "OK", 204: "No Content", 301: "Moved Permanently", 307: "Temporary Redirect",
           400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}


class X:
    """One exchange as the writers render it."""

    def __init__(self, method, url, status, *, req=(), body=None, body_type=None, resp=(),
                 rbody="", rtype="application/json", started=None, date=None, label=None,
                 reason=None):
        self.method = method
        self.url = url
        self.status = status
        self.req = list(req)  # request headers beyond the client's defaults
        self.body = body
        # None: a form when there is a body; "": no Content-Type added (the case sets its own)
        self.body_type = body_type if body_type is not None else (
            "application/x-www-form-urlencoded" if body else None)
        self.resp = list(resp)  # response headers beyond date
        self.rbody = rbody
        self.rtype = rtype
        self.started = started  # client time
        self.date = date  # server Date header (None: no Date)
        self.label = label
        self.reason = reason if reason is not None else REASONS.get(status, "")
        parts = urlsplit(url)
        self.host = parts.hostname
        self.path = parts.path + (f"?{parts.query}" if parts.query else "")


def record(rel, index, status, label):
    if status == 401:
        assert label is not None, f"{rel}[{index}]: a 401 needs a label"
        cause, detail, resolved, note = label
        ROWS.append((rel, index, cause, detail, "true" if resolved else "false", note))
    else:
        assert label is None, f"{rel}[{index}]: only 401s carry labels"


def write(rel, text, newline=""):
    path = os.path.join(HERE, os.path.relpath(rel, REL))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline=newline) as f:
        f.write(text)


def request_id(seed):
    return "req_" + hexid(seed, 10)


def ref_body(ts, rid):
    """The reference API's 401 body (reference-api.md)."""
    return json.dumps({"error": "unauthorized",
                       "error_description": "The access token is invalid or has expired",
                       "error_code": "E-AUTH-001", "timestamp": iso_z(ts, 0), "request_id": rid})


REF_BODY_SHORT = json.dumps({"error": "unauthorized", "message": "Invalid or expired token"})
REALM = 'Bearer realm="Example API"'


def api_401(date, seed, challenge=REALM, body="ref"):
    """Response headers and body of a platform 401 (envoy in front, JSON body)."""
    rid = request_id(seed)
    text = ref_body(date, rid) if body == "ref" else body
    headers = [("Content-Type", "application/json; charset=utf-8"), ("Server", "envoy"),
               ("X-Request-Id", rid)]
    if challenge:
        headers.append(("WWW-Authenticate", challenge))
    headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers, text


def api_200(seed, text):
    rid = request_id(seed)
    return [("Content-Type", "application/json; charset=utf-8"), ("Server", "envoy"),
            ("X-Request-Id", rid), ("X-RateLimit-Limit", "600"),
            ("X-RateLimit-Remaining", str(600 - int(hexid(seed, 2), 16) % 100)),
            ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")], text


def devices_json(seed, n=2):
    items = [{"id": f"dev_{int(hexid(seed + str(i), 4), 16) % 9000 + 1000}",
              "model": "TS-200", "status": "online"} for i in range(n)]
    return json.dumps({"data": items, "page": 1, "per_page": 50, "total": n})


# ---------------------------------------------------------------------------------------------
# HAR writer

CHROME_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/130.0.0.0 Safari/537.36")
FIREFOX_UA = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:131.0) Gecko/20100101 "
              "Firefox/131.0")


def hv(name, value):
    return {"name": name, "value": value}


def timing_values(seed):
    raw = noise(seed, 8)
    wait = 20 + raw[0] % 90 + raw[1] / 256
    send = 0.1 + raw[2] / 1000
    receive = 0.5 + raw[3] / 100
    blocked = 0.8 + raw[4] / 200
    return round(blocked, 3), round(send, 3), round(wait, 3), round(receive, 3)


def form_params(text):
    return [hv(k, v) for k, v in parse_qsl(text, keep_blank_values=True)]


def query_params(url):
    return [hv(k, v) for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)]


def wire_size(first_line, headers):
    return len(first_line) + 2 + sum(len(n) + 2 + len(v) + 2 for n, v in headers) + 2


def har_entry(x, style, seed):
    blocked, send, wait, receive = timing_values(seed)
    total = round(blocked + send + wait + receive, 3)
    h2 = style in ("chrome", "chrome-sanitized", "mitmproxy", "firefox")
    req_headers = har_request_headers(x, style)
    resp_headers = [("Date", http_date(x.date))] if x.date else []
    resp_headers += x.resp
    if x.rbody:
        resp_headers.append(("Content-Length", str(len(x.rbody.encode()))))
    if h2:
        resp_headers = [(n.lower(), v) for n, v in resp_headers]
    if style == "devproxy":
        resp_headers = [(n, "REDACTED" if n.lower() == "www-authenticate" else v)
                        for n, v in resp_headers]
    version = {"chrome": "http/2.0", "chrome-sanitized": "http/2.0", "mitmproxy": "HTTP/2.0",
               "firefox": "HTTP/2"}.get(style, "HTTP/1.1")
    status_text = "" if style in ("chrome", "chrome-sanitized", "mitmproxy") else x.reason
    request = {"method": x.method, "url": x.url, "httpVersion": version,
               "headers": [hv(n, v) for n, v in req_headers],
               "queryString": query_params(x.url), "cookies": []}
    if h2:
        request["headersSize"] = -1 if style != "firefox" else wire_size(
            f"{x.method} {x.path} HTTP/2", req_headers)
    else:
        request["headersSize"] = wire_size(f"{x.method} {x.path} HTTP/1.1", req_headers)
    request["bodySize"] = len(x.body.encode()) if x.body else 0
    if x.body is not None:
        request["postData"] = {"mimeType": x.body_type, "text": x.body}
        if x.body_type == "application/x-www-form-urlencoded" and style != "fiddler":
            request["postData"]["params"] = form_params(x.body)
    elif style == "fiddler":
        request["postData"] = {"text": "", "mimeType": ""}
    elif style == "insomnia":
        request["postData"] = {"mimeType": "", "text": "", "params": []}
    content = {"size": len(x.rbody.encode()), "mimeType": x.rtype if x.rbody else "x-unknown"}
    if x.rbody:
        content["text"] = x.rbody
    if style == "mitmproxy":
        content["compression"] = 0
    response = {"status": x.status, "statusText": status_text, "httpVersion": version,
                "headers": [hv(n, v) for n, v in resp_headers], "cookies": [],
                "content": content,
                "redirectURL": dict((n.lower(), v) for n, v in resp_headers).get("location", ""),
                "headersSize": -1 if style in ("chrome", "chrome-sanitized") else wire_size(
                    f"HTTP/1.1 {x.status} {x.reason}", resp_headers),
                "bodySize": len(x.rbody.encode())}
    timings = {"blocked": blocked, "dns": -1, "ssl": -1, "connect": -1, "send": send,
               "wait": wait, "receive": receive}
    if style == "fiddler":
        started = iso_offset(x.started, 1, 7)
    elif style == "firefox":
        started = iso_offset(x.started, FIREFOX_OFFSET[0], 3)
    elif style == "mitmproxy":
        started = iso_offset(x.started, 0, 6)
    else:
        started = iso_z(x.started)
    if style in ("chrome", "chrome-sanitized"):
        response["_transferSize"] = len(x.rbody.encode()) + 300
        response["_error"] = None
        entry = {"_connectionId": str(418000 + int(hexid(seed, 3), 16) % 900),
                 "_initiator": {"type": "script"},
                 "_priority": "High",
                 "_resourceType": "preflight" if x.method == "OPTIONS" else (
                     "document" if x.rtype == "text/html" else "fetch"),
                 "cache": {}, "connection": "443", "pageref": "page_1",
                 "request": request, "response": response,
                 "serverIPAddress": "203.0.113.10", "startedDateTime": started,
                 "time": total, "timings": timings}
    elif style == "firefox":
        entry = {"pageref": "page_1", "startedDateTime": started, "request": request,
                 "response": response, "cache": {}, "timings": timings,
                 "time": round(total), "_securityState": "secure",
                 "serverIPAddress": "203.0.113.10", "connection": "443"}
    elif style == "fiddler":
        entry = {"startedDateTime": started, "time": round(total), "request": request,
                 "response": response, "cache": {}, "timings": timings,
                 "connection": f"ClientPort:{50000 + int(hexid(seed, 3), 16) % 9000};"
                               f"EgressPort:{51000 + int(hexid(seed, 3), 16) % 9000}"}
    else:
        entry = {"startedDateTime": started, "time": total, "request": request,
                 "response": response, "cache": {}, "timings": timings}
        if style == "mitmproxy":
            entry["serverIPAddress"] = "203.0.113.10"
        if style == "insomnia":
            request["settingEncodeUrl"] = True
    return entry


FIREFOX_OFFSET = [-7]


def har_request_headers(x, style):
    host = x.host
    extra = list(x.req)
    if style in ("chrome", "chrome-sanitized"):
        pseudo = [(":authority", host), (":method", x.method), (":path", x.path),
                  (":scheme", "https")]
        defaults = [("accept", "application/json, text/plain, */*"),
                    ("accept-encoding", "gzip, deflate, br, zstd"),
                    ("accept-language", "en-GB,en;q=0.9"),
                    ("origin", "https://portal.example.com"), ("priority", "u=1, i"),
                    ("referer", "https://portal.example.com/"),
                    ("sec-ch-ua", '"Chromium";v="130", "Google Chrome";v="130", '
                                  '"Not?A_Brand";v="99"'),
                    ("sec-ch-ua-mobile", "?0"), ("sec-ch-ua-platform", '"Windows"'),
                    ("sec-fetch-dest", "empty"), ("sec-fetch-mode", "cors"),
                    ("sec-fetch-site", "same-site"), ("user-agent", CHROME_UA)]
        if x.rtype == "text/html":
            defaults = [(n, v) for n, v in defaults if n not in ("origin",)]
        merged = {n: v for n, v in defaults}
        for n, v in extra:
            merged[n.lower()] = v
        if style == "chrome-sanitized":
            merged = {n: v for n, v in merged.items() if n not in ("authorization", "cookie")}
        return pseudo + sorted(merged.items())
    if style == "firefox":
        headers = [("Host", host), ("User-Agent", FIREFOX_UA),
                   ("Accept", "application/json, text/plain, */*"),
                   ("Accept-Language", "en-US,en;q=0.5"),
                   ("Accept-Encoding", "gzip, deflate, br, zstd")]
        headers += extra
        headers += [("Origin", "https://portal.example.com"), ("Connection", "keep-alive"),
                    ("Referer", "https://portal.example.com/"), ("Sec-Fetch-Dest", "empty"),
                    ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Site", "same-site")]
        return headers
    if style == "mitmproxy":
        return [(":authority", host)] + [(n.lower(), v) for n, v in extra]
    if style == "insomnia":
        return extra + [("User-Agent", "insomnia/2023.5.8"), ("Accept", "*/*")]
    if style == "fiddler":
        return [("Host", host)] + extra + [("Accept", "application/json"),
                                           ("User-Agent", "BillingExport/2.3 (.NET 8.0)"),
                                           ("Accept-Encoding", "gzip, deflate")]
    if style == "devproxy":
        headers = [("Host", host)] + [(n, "REDACTED" if n.lower() == "authorization" else v)
                                      for n, v in extra]
        return headers + [("User-Agent", "python-requests/2.31.0"), ("Accept", "*/*")]
    raise ValueError(style)


def har(name, style, entries, folder="har"):
    rel = f"{REL}/{folder}/{name}"
    out = []
    for i, x in enumerate(entries):
        record(rel, i, x.status, x.label)
        out.append(har_entry(x, style, f"{name}|{i}"))
    creators = {
        "chrome": {"name": "WebInspector", "version": "537.36"},
        "chrome-sanitized": {"name": "WebInspector", "version": "537.36"},
        "firefox": {"name": "Firefox", "version": "131.0"},
        "insomnia": {"name": "Insomnia REST Client",
                     "version": "insomnia.desktop.app:v2023.5.8"},
        "fiddler": {"name": "Fiddler", "version": "5.0.20211.51073",
                    "comment": "https://fiddler2.com"},
        "mitmproxy": {"name": "mitmproxy", "version": "10.3.0", "comment": ""},
        "devproxy": {"name": "DevProxy", "version": "0.28.0"},
    }
    log = {"version": "1.2"}
    if style != "fiddler":
        log["creator"] = creators[style]
    if style == "firefox":
        log["browser"] = {"name": "Firefox", "version": "131.0"}
    if style in ("chrome", "chrome-sanitized", "firefox"):
        first = entries[0].started
        log["pages"] = [{"startedDateTime": iso_z(first) if style != "firefox"
                         else iso_offset(first, FIREFOX_OFFSET[0]),
                         "id": "page_1", "title": "https://portal.example.com/",
                         "pageTimings": {"onContentLoad": 388.42, "onLoad": 655.31}}]
    elif style in ("mitmproxy", "fiddler"):
        log["pages"] = []
    log["entries"] = out
    if style == "fiddler":
        log["comment"] = "exported @ " + f"{entries[-1].started:%m/%d/%Y %I:%M:%S %p}"
        log["creator"] = creators[style]
    indent = "\t" if style == "insomnia" else (1 if style == "fiddler" else 2)
    write(rel, json.dumps({"log": log}, indent=indent, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------
# curl -v writer (curl 8.x, stderr and stdout together as `2>&1` leaves them)

CRLF = "\r\n"


def curl_tls(h2, lines):
    lines += [f"* ALPN: curl offers {'h2,http/1.1' if h2 else 'http/1.1'}", "} [5 bytes data]",
              "* TLSv1.3 (OUT), TLS handshake, Client hello (1):", "} [512 bytes data]",
              "*  CAfile: /etc/ssl/certs/ca-certificates.crt", "*  CApath: /etc/ssl/certs",
              "{ [5 bytes data]", "* TLSv1.3 (IN), TLS handshake, Server hello (2):",
              "{ [122 bytes data]",
              "* TLSv1.3 (IN), TLS handshake, Encrypted Extensions (8):", "{ [19 bytes data]",
              "* TLSv1.3 (IN), TLS handshake, Certificate (11):", "{ [2835 bytes data]",
              "* TLSv1.3 (IN), TLS handshake, CERT verify (15):", "{ [264 bytes data]",
              "* TLSv1.3 (IN), TLS handshake, Finished (20):", "{ [52 bytes data]",
              "* TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):", "} [1 bytes data]",
              "* TLSv1.3 (OUT), TLS handshake, Finished (20):", "} [52 bytes data]",
              "* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / X25519 / RSASSA-PSS"]


class Curl:
    """One curl invocation: its hops (redirects, auth rounds) rendered as curl -v prints them."""

    def __init__(self, version="8.5.0", proto="h2", ip="203.0.113.10", insecure=False):
        self.version = version
        self.proto = proto
        self.ip = ip
        self.insecure = insecure
        self.hops = []  # (X, info lines before the request, show_body)

    def hop(self, x, info=(), show_body=True):
        self.hops.append((x, list(info), show_body))
        return self


def curl_file(name, invocations, folder="curl"):
    rel = f"{REL}/{folder}/{name}"
    lines = []
    index = 0
    for inv in invocations:
        connected = {}
        for hop_no, (x, info, show_body) in enumerate(inv.hops):
            record(rel, index, x.status, x.label)
            index += 1
            parts = urlsplit(x.url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            h2 = inv.proto == "h2" and parts.scheme == "https"
            if hop_no > 0:
                lines.append(f"* Issue another request to this URL: '{x.url}'")
            if x.host in connected:
                if inv.version >= "8.7":
                    lines.append(f"* Re-using existing connection with host {x.host}")
                else:
                    lines.append(f"* Found bundle for host: 0x55d5c5e8a2c0 [serially]")
                    lines.append(f"* Re-using existing connection with host {x.host}")
                conn = connected[x.host]
            else:
                conn = len(connected)
                connected[x.host] = conn
                ip = inv.ip if conn == 0 else "203.0.113.%d" % (40 + conn)
                if x.host[0].isdigit():  # an IP literal is not resolved
                    ip = x.host
                else:
                    lines += [f"* Host {x.host}:{port} was resolved.", "* IPv6: (none)",
                              f"* IPv4: {ip}"]
                lines += [f"*   Trying {ip}:{port}...",
                          f"* Connected to {x.host} ({ip}) port {port}"]
                if parts.scheme == "https":
                    curl_tls(h2, lines)
                    lines.append(f"* ALPN: server accepted {'h2' if h2 else 'http/1.1'}")
                    lines += ["* Server certificate:", f"*  subject: CN={x.host}",
                              "*  start date: Jan 15 00:00:00 2024 GMT",
                              "*  expire date: Feb 13 23:59:59 2025 GMT",
                              f"*  subjectAltName: host \"{x.host}\" matched cert's "
                              f"\"{x.host}\"",
                              "*  issuer: C=US; O=Let's Encrypt; CN=R3"]
                    lines.append("*  SSL certificate verify result: unable to get local "
                                 "issuer certificate (20), continuing anyway." if inv.insecure
                                 else "*  SSL certificate verify ok.")
                lines.append("* using HTTP/2" if h2 else "* using HTTP/1.x")
            lines += info
            request_headers = [("Host", f"{x.host}" + (f":{port}" if parts.port else ""))]
            auth_first = [h for h in x.req if h[0] == "Authorization" and h[1].startswith(
                ("Basic ", "Digest "))]
            request_headers += auth_first
            request_headers += [("User-Agent", f"curl/{inv.version}"), ("Accept", "*/*")]
            request_headers += [h for h in x.req if h not in auth_first]
            if x.body is not None:
                request_headers += [("Content-Length", str(len(x.body.encode())))]
                if x.body_type:
                    request_headers.append(("Content-Type", x.body_type))
            if h2:
                lines.append(f"* [HTTP/2] [1] OPENED stream for {x.url}")
                pseudo = [(":method", x.method), (":scheme", "https"),
                          (":authority", request_headers[0][1]), (":path", x.path)]
                for n, v in pseudo + [(n.lower(), v) for n, v in request_headers[1:]]:
                    lines.append(f"* [HTTP/2] [1] [{n}: {v}]")
                lines.append("} [5 bytes data]")
            version = "HTTP/2" if h2 else "HTTP/1.1"
            lines.append(f"> {x.method} {x.path} {version}{CRLF}".rstrip("\n"))
            for n, v in request_headers:
                lines.append(f"> {n}: {v}{CRLF}".rstrip("\n"))
            lines.append(f"> {CRLF}".rstrip("\n"))
            if x.body is not None:
                lines.append(f"}} [{len(x.body.encode())} bytes data]")
                lines.append("* We are completely uploaded and fine")
            elif inv.version >= "8.7":
                lines.append("* Request completely sent off")
            if h2:
                lines += ["{ [5 bytes data]",
                          "* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):",
                          "{ [57 bytes data]"]
            status_line = f"HTTP/2 {x.status} " if h2 else f"HTTP/1.1 {x.status} {x.reason}"
            if x.reason == "HTTP/1.0":
                status_line = f"HTTP/1.0 {x.status} Unauthorized"
            lines.append(f"< {status_line}{CRLF}".rstrip("\n"))
            resp = ([("Date", http_date(x.date))] if x.date else []) + x.resp
            if x.rbody:
                resp.append(("Content-Length", str(len(x.rbody.encode()))))
            elif x.method != "HEAD":
                resp.append(("Content-Length", "0"))
            for n, v in resp:
                n = n.lower() if h2 else n
                lines.append(f"< {n}: {v}{CRLF}".rstrip("\n"))
            lines.append(f"< {CRLF}".rstrip("\n"))
            if x.rbody and show_body:
                lines.append(f"{{ [{len(x.rbody.encode())} bytes data]")
                lines.append(x.rbody)
            elif x.rbody:
                lines.append("* Ignoring the response-body")
                lines.append(f"{{ [{len(x.rbody.encode())} bytes data]")
            if x.reason == "HTTP/1.0":  # no keep-alive
                lines.append("* Closing connection")
            else:
                lines.append(f"* Connection #{conn} to host {x.host} left intact")
    write(rel, "\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------------
# Pasted HTTP (curl -i output, optionally after the command that produced it)


def http_file(name, blocks, folder="http", crlf=False):
    """blocks: (command or None, X). The command's lines are written after `$ `."""
    rel = f"{REL}/{folder}/{name}"
    out = []
    for index, (command, x) in enumerate(blocks):
        record(rel, index, x.status, x.label)
        if command:
            out.append("$ " + command)
        h2 = x.reason == ""
        out.append(f"HTTP/2 {x.status} " if h2 else f"HTTP/1.1 {x.status} {x.reason}")
        resp = ([("Date", http_date(x.date))] if x.date else []) + x.resp
        if x.rbody:
            resp.append(("Content-Length", str(len(x.rbody.encode()))))
        for n, v in resp:
            out.append(f"{n.lower() if h2 else n}: {v}")
        out.append("")
        if x.rbody:
            out.append(x.rbody)
        out.append("")
    text = "\n".join(out)
    if crlf:
        text = text.replace("\n", "\r\n")
    write(rel, text)


# ---------------------------------------------------------------------------------------------
# JSON lines


def jsonl_file(name, records, folder="jsonl"):
    """records: (object or raw line, status or None, label). Records with a status count."""
    rel = f"{REL}/{folder}/{name}"
    out = []
    index = 0
    for obj, status, label in records:
        if status is not None:
            record(rel, index, status, label)
            index += 1
        else:
            assert label is None
        out.append(obj if isinstance(obj, str) else json.dumps(obj, separators=(",", ":"),
                                                               ensure_ascii=False))
    write(rel, "\n".join(out) + "\n")


# =============================================================================================
# The cases
# =============================================================================================

def har_cases():
    # --- expired session in a browser app: exp 14:05:12Z, 401s at 14:23:45Z ----------------
    iat = t("2024-03-08T13:05:12Z")
    tok = jwt(claims(iat=iat))
    d0 = t("2024-03-08T13:47:02.118Z")
    d2 = t("2024-03-08T14:23:45.182Z")
    d3 = t("2024-03-08T14:23:45.530Z")
    auth = [("Authorization", "Bearer " + tok)]
    h, b = api_401(d2, "exp-sess-2")
    h3, b3 = api_401(d3, "exp-sess-3")
    note = ("exp 14:05:12Z is 18m33s before the server's Date 14:23:45Z; "
            "'invalid or has expired' decides nothing (rule 2)")
    har("chrome-expired-session.har", "chrome", [
        X("GET", "https://api.example.com/v2/organizations/current", 200, req=auth,
          resp=api_200("exp-sess-0", "")[0],
          rbody=json.dumps({"id": "org_1942", "name": "Acme Facilities", "plan": "business"}),
          started=d0, date=d0),
        X("GET", "https://api.example.com/v2/devices?page=1&per_page=50", 200, req=auth,
          resp=api_200("exp-sess-1", "")[0], rbody=devices_json("exp-sess-1"),
          started=d0 + timedelta(milliseconds=288), date=d0),
        X("GET", "https://api.example.com/v2/devices?page=2&per_page=50", 401, req=auth,
          resp=h, rbody=b, started=d2, date=d2,
          label=L("expired_token", "jwt_exp_passed", note)),
        X("GET", "https://api.example.com/v2/policies", 401, req=auth, resp=h3, rbody=b3,
          started=d3, date=d3, label=L("expired_token", "jwt_exp_passed", note)),
    ])

    # --- refresh and retry: the 401 keeps its cause, resolved_later stays false ------------
    a = jwt(claims(iat=t("2024-04-02T08:27:40Z")))
    r1 = opaque("rt-1", 48)
    bt = jwt(claims(iat=t("2024-04-02T09:30:08Z")))
    r2 = opaque("rt-2", 48)
    s0 = t("2024-04-02T09:30:07.412Z")
    s1 = t("2024-04-02T09:30:07.688Z")
    s2 = t("2024-04-02T09:30:08.101Z")
    h, b = api_401(s0, "retry-0", 'Bearer realm="Example API", error="invalid_token"')
    har("refresh-and-retry.har", "chrome", [
        X("GET", "https://api.example.com/v2/devices", 401, req=[("Authorization", "Bearer " + a)],
          resp=h, rbody=b, started=s0, date=s0,
          label=L("expired_token", "jwt_exp_passed",
                  "exp 09:27:40Z is 2m27s before Date 09:30:07Z; the client refreshed [1] and "
                  "the retry [2] succeeded with another token: cause kept, resolved_later false "
                  "(the 401 carried a credential)")),
        X("POST", "https://auth.example.com/oauth/token", 200,
          body=f"grant_type=refresh_token&refresh_token={r1}&client_id=portal-spa",
          resp=[("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                ("Pragma", "no-cache")],
          rbody=json.dumps({"access_token": bt, "token_type": "Bearer", "expires_in": 3600,
                            "refresh_token": r2, "scope": "read devices:read policies:read"}),
          started=s1, date=s1),
        X("GET", "https://api.example.com/v2/devices", 200, req=[("Authorization", "Bearer " + bt)],
          resp=api_200("retry-2", "")[0], rbody=devices_json("retry-2"), started=s2, date=s2),
    ])

    # --- Chrome sanitized export: credentials deleted by DevTools -------------------------
    s = t("2024-11-18T14:58:03.402Z")
    h, b = api_401(s + timedelta(seconds=2), "san-3")
    har("chrome-sanitized-export.har", "chrome-sanitized", [
        X("GET", "https://portal.example.com/devices", 200, rtype="text/html",
          resp=[("Content-Type", "text/html"), ("Server", "envoy")],
          rbody="<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Devices"
                "</title><script defer src=\"/static/app.7d1e0c.js\"></script></head><body>"
                "<div id=\"root\"></div></body></html>", started=s, date=s),
        X("GET", "https://api.example.com/v2/organizations/current", 200,
          resp=api_200("san-1", "")[0],
          rbody=json.dumps({"id": "org_1942", "name": "Acme Facilities", "plan": "business"}),
          started=s + timedelta(milliseconds=611), date=s),
        X("GET", "https://api.example.com/v2/devices?page=1&per_page=50", 200,
          resp=api_200("san-2", "")[0], rbody=devices_json("san-2"),
          started=s + timedelta(milliseconds=790), date=s),
        X("GET", "https://api.example.com/v2/policies", 401, resp=h, rbody=b,
          started=s + timedelta(seconds=2, milliseconds=104), date=s + timedelta(seconds=2),
          label=L("unknown", "credential_redacted",
                  "rules 4-5: WebInspector export with no Authorization/Cookie anywhere and 200s "
                  "on api.example.com/v2 (same host and first segment as this Bearer-challenging "
                  "401): sanitized; rule 5 would say no_authorization")),
    ])

    # --- the same export, the challenge says the token expired ----------------------------
    s = t("2024-11-18T15:02:11.250Z")
    late = t("2024-11-18T15:41:07.733Z")
    h2_, b2 = api_401(late, "sanx-2",
                      'Bearer realm="Example API", error="invalid_token", '
                      'error_description="The access token expired"')
    h3, b3 = api_401(late + timedelta(seconds=1), "sanx-3")
    har("chrome-sanitized-expired.har", "chrome-sanitized", [
        X("GET", "https://api.example.com/v2/organizations/current", 200,
          resp=api_200("sanx-0", "")[0],
          rbody=json.dumps({"id": "org_1942", "name": "Acme Facilities", "plan": "business"}),
          started=s, date=s),
        X("GET", "https://api.example.com/v2/devices?page=1&per_page=50", 200,
          resp=api_200("sanx-1", "")[0], rbody=devices_json("sanx-1"),
          started=s + timedelta(milliseconds=231), date=s),
        X("GET", "https://api.example.com/v2/devices?page=2&per_page=50", 401, resp=h2_,
          rbody=b2, started=late, date=late,
          label=L("expired_token", "server_says_expired",
                  "rule 2 before rule 4: the challenge's 'The access token expired' decides "
                  "although the sanitized export removed the credential")),
        X("GET", "https://api.example.com/v2/organizations/current", 401, resp=h3, rbody=b3,
          started=late + timedelta(seconds=1), date=late + timedelta(seconds=1),
          label=L("unknown", "credential_redacted",
                  "sanitized export (invalid_token challenge at [2] shows a token was sent); "
                  "no statement here")),
    ])

    # --- CORS preflight answered 401 (Firefox) ---------------------------------------------
    s = t("2024-10-22T15:02:09.881Z")
    pre = [("Access-Control-Request-Method", "GET"),
           ("Access-Control-Request-Headers", "authorization")]
    h1, b1 = api_401(s + timedelta(milliseconds=412), "cors-1")
    h2b, b2b = api_401(s + timedelta(milliseconds=415), "cors-2")
    note = ("OPTIONS with Access-Control-Request-Method: browsers never send credentials on a "
            "preflight; the API must answer it without authentication")
    har("firefox-cors-preflight.har", "firefox", [
        X("GET", "https://portal.example.com/reports", 200, rtype="text/html",
          resp=[("Content-Type", "text/html"), ("Server", "envoy")],
          rbody="<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Reports"
                "</title></head><body><div id=\"root\"></div></body></html>",
          started=s, date=s),
        X("OPTIONS", "https://api.example.com/v2/devices?page=1&per_page=50", 401, req=pre,
          resp=h1, rbody=b1, started=s + timedelta(milliseconds=412),
          date=s + timedelta(milliseconds=412),
          label=L("missing_authorization", "cors_preflight", note)),
        X("OPTIONS", "https://api.example.com/v2/policies", 401, req=pre, resp=h2b, rbody=b2b,
          started=s + timedelta(milliseconds=415), date=s + timedelta(milliseconds=415),
          label=L("missing_authorization", "cors_preflight", note)),
    ])

    # --- the client's clock is 19m37s behind the server's ---------------------------------
    tok = jwt(claims(iat=t("2024-05-14T08:20:00Z")))
    auth = [("Authorization", "Bearer " + tok)]
    c0, d0 = t("2024-05-14T08:52:41.330Z"), t("2024-05-14T09:12:18Z")
    c1, d1 = t("2024-05-14T09:12:03.214Z"), t("2024-05-14T09:31:40Z")
    h, b = api_401(d1, "skew-1", 'Bearer realm="Example API", error="invalid_token"')
    har("client-clock-behind.har", "chrome", [
        X("GET", "https://api.example.com/v2/devices", 200, req=auth,
          resp=api_200("skew-0", "")[0], rbody=devices_json("skew-0"), started=c0, date=d0),
        X("GET", "https://api.example.com/v2/devices", 401, req=auth, resp=h, rbody=b,
          started=c1, date=d1,
          label=L("clock_skew", "client_clock_behind",
                  "exp 09:20:00Z is 11m40s before Date 09:31:40Z, but the client's clock read "
                  "09:12:03Z (19m37s behind), before exp")),
    ])

    # --- Spring says 'Jwt expired at', yet the client's clock explains it -----------------
    tok = jwt(claims(iat=t("2024-06-03T15:45:00Z"), sub="svc-usage-report",
                     client_id="svc-usage-report", scope="read"))
    c, d = t("2024-06-03T16:40:10.000Z"), t("2024-06-03T16:58:22Z")
    har("insomnia-spring-jwt-expired.har", "insomnia", [
        X("GET", "https://api.example.com/v3/reports/usage?month=2024-05", 401,
          req=[("Authorization", "Bearer " + tok)],
          resp=[("WWW-Authenticate",
                 'Bearer error="invalid_token", error_description="An error occurred while '
                 'attempting to decode the Jwt: Jwt expired at 2024-06-03T16:45:00Z", '
                 'error_uri="https://tools.ietf.org/html/rfc6750#section-3.1"'),
                ("X-Content-Type-Options", "nosniff"), ("X-XSS-Protection", "0"),
                ("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"),
                ("Pragma", "no-cache"), ("Expires", "0"), ("X-Frame-Options", "DENY")],
          started=c, date=d,
          label=L("clock_skew", "client_clock_behind",
                  "rule 2 expiry statement (Spring 'Jwt expired at 16:45:00Z') becomes "
                  "clock_skew by rule 8's client-clock test: client 16:40:10Z is before exp "
                  "and 18m12s behind Date 16:58:22Z")),
    ])

    # --- wrong header name carrying the placeholder 'undefined' ---------------------------
    s = t("2024-09-10T07:31:12.520Z")
    h, _ = api_401(s + timedelta(milliseconds=300), "hdr-1")
    FIREFOX_OFFSET[0] = 2
    har("firefox-wrong-header-undefined.har", "firefox", [
        X("GET", "https://portal.example.com/settings", 200, rtype="text/html",
          resp=[("Content-Type", "text/html"), ("Server", "envoy")],
          rbody="<!doctype html><html><head><title>Settings</title></head><body></body></html>",
          started=s, date=s),
        X("GET", "https://api.example.com/v2/organizations/current", 401,
          req=[("Authentication", "Bearer undefined")], resp=h, rbody=REF_BODY_SHORT,
          started=s + timedelta(milliseconds=300), date=s + timedelta(milliseconds=300),
          label=L("missing_authorization", "wrong_header_name",
                  "rules 5-6: 'Authentication:' instead of Authorization (rule 5) and the "
                  "placeholder 'undefined' (rule 6); shape wins")),
    ])
    FIREFOX_OFFSET[0] = -7

    # --- a staging token sent to production ------------------------------------------------
    tok = jwt(claims(iat=t("2024-07-22T10:02:11Z"), iss=STAGING_ISS, aud=STAGING_AUD,
                     kid="stg-2024-06"), kid="stg-2024-06")
    auth = [("Authorization", "Bearer " + tok)]
    s0, s1 = t("2024-07-22T10:15:30.114Z"), t("2024-07-22T10:15:30.902Z")
    h0, b0 = api_401(s0, "env-0")
    h1, b1 = api_401(s1, "env-1")
    note = ("iss https://auth.staging.example.com/ and aud api.staging.example.com sent to "
            "api.example.com; claims pass at Date; no profile: staging heuristic")
    har("staging-token-on-production.har", "chrome", [
        X("GET", "https://api.example.com/v2/organizations/current", 401, req=auth, resp=h0,
          rbody=b0, started=s0, date=s0, label=L("invalid_token", "wrong_environment", note)),
        X("GET", "https://api.example.com/v2/devices?page=1&per_page=50", 401, req=auth,
          resp=h1, rbody=b1, started=s1, date=s1,
          label=L("invalid_token", "wrong_environment", note)),
    ])

    # --- an opaque token whose expiry comes from its issuance ------------------------------
    op = opaque("opaque-access", 32)
    secret = opaque("inventory-secret", 30)
    d0 = t("2024-02-19T12:00:00.183Z")
    d1 = t("2024-02-19T12:00:01.020Z")
    d2 = t("2024-02-19T14:00:10.512Z")
    h, b = api_401(d2, "opq-2", 'Bearer error="invalid_token"')
    har("opaque-token-issued-expired.har", "mitmproxy", [
        X("POST", "https://auth.example.com/oauth/token", 200,
          req=[("content-type", "application/x-www-form-urlencoded"),
               ("user-agent", "python-requests/2.31.0")],
          body=f"grant_type=client_credentials&client_id=svc-inventory-sync&client_secret={secret}"
               "&scope=read%20write",
          resp=[("content-type", "application/json"), ("cache-control", "no-store")],
          rbody=json.dumps({"access_token": op, "token_type": "Bearer", "expires_in": 3600,
                            "scope": "read write"}),
          started=d0, date=d0),
        X("GET", "https://api.example.com/v2/devices", 200,
          req=[("authorization", "Bearer " + op), ("user-agent", "python-requests/2.31.0")],
          resp=api_200("opq-1", "")[0], rbody=devices_json("opq-1"), started=d1, date=d1),
        X("GET", "https://api.example.com/v2/devices", 401,
          req=[("authorization", "Bearer " + op), ("user-agent", "python-requests/2.31.0")],
          resp=h, rbody=b, started=d2, date=d2,
          label=L("expired_token", "expires_in_passed",
                  "opaque token: its expiry 13:00:00Z comes from its issuance at [0] (Date "
                  "12:00:00Z + expires_in 3600), 1h00m10s before Date 14:00:10Z; bare "
                  "invalid_token; expires_in_passed is the README's code for an expiry known "
                  "from its issuance (a token response's expires_in)")),
    ])

    # --- a token that worked, then failed before its exp -----------------------------------
    tok = jwt(claims(iat=t("2024-08-27T09:30:00Z")))
    auth = [("Authorization", "Bearer " + tok)]
    s0, s1, s2 = (t("2024-08-27T09:58:12.400Z"), t("2024-08-27T10:02:40.019Z"),
                  t("2024-08-27T10:14:05.611Z"))
    h, b = api_401(s2, "rev-2")
    har("revoked-after-success.har", "chrome", [
        X("GET", "https://api.example.com/v2/organizations/current", 200, req=auth,
          resp=api_200("rev-0", "")[0],
          rbody=json.dumps({"id": "org_1942", "name": "Acme Facilities", "plan": "business"}),
          started=s0, date=s0),
        X("GET", "https://api.example.com/v2/devices?page=1&per_page=50", 200, req=auth,
          resp=api_200("rev-1", "")[0], rbody=devices_json("rev-1"), started=s1, date=s1),
        X("GET", "https://api.example.com/v2/devices?page=1&per_page=50", 401, req=auth,
          resp=h, rbody=b, started=s2, date=s2,
          label=L("invalid_token", "token_revoked",
                  "rules 11-12: the same token got 200s at [0] and [1] and exp 10:30:00Z is "
                  "15m55s after Date; history (11b) wins over rule 12's token_rejected")),
    ])

    # --- worked on GET /v2/devices, insufficient_scope on DELETE --------------------------
    tok = jwt(claims(iat=t("2024-09-03T11:10:00Z"), scope="read devices:read"))
    auth = [("Authorization", "Bearer " + tok)]
    s0, s1, s2 = (t("2024-09-03T11:42:19.100Z"), t("2024-09-03T11:42:31.507Z"),
                  t("2024-09-03T11:42:31.689Z"))
    h, b = api_401(s2, "scope-2",
                   'Bearer realm="Example API", error="insufficient_scope", '
                   'error_description="Token lacks required scope", scope="admin"')
    har("scope-after-success.har", "chrome", [
        X("GET", "https://api.example.com/v2/devices?page=1&per_page=50", 200, req=auth,
          resp=api_200("scope-0", "")[0], rbody=devices_json("scope-0"), started=s0, date=s0),
        X("OPTIONS", "https://api.example.com/v2/organizations/org_5f2a9c", 204,
          req=[("Access-Control-Request-Method", "DELETE"),
               ("Access-Control-Request-Headers", "authorization")],
          resp=[("Access-Control-Allow-Origin", "https://portal.example.com"),
                ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"),
                ("Access-Control-Allow-Headers", "authorization, content-type"),
                ("Access-Control-Max-Age", "600"), ("Server", "envoy")],
          started=s1, date=s1),
        X("DELETE", "https://api.example.com/v2/organizations/org_5f2a9c", 401, req=auth,
          resp=h, rbody=b, started=s2, date=s2,
          label=L("insufficient_scope", "server_says_insufficient_scope",
                  "a 200 on GET /v2/devices with the same token does not make this a "
                  "revocation: the insufficient_scope challenge decides (rule 2 before 11)")),
    ])

    # --- containerd pulling from a private registry: the token handshake ------------------
    robot = b64(b"robot$acme+ci:" + opaque("robot-secret", 24).encode())
    s0 = t("2024-05-06T07:41:19.902Z")
    s1 = t("2024-05-06T07:41:20.118Z")
    s2 = t("2024-05-06T07:41:20.351Z")
    s3 = t("2024-05-06T07:41:20.574Z")
    rt = jwt({"iss": "https://auth.example.com/token", "sub": "robot$acme+ci",
              "aud": "registry.example.com", "exp": epoch(s1) + 300, "nbf": epoch(s1) - 10,
              "iat": epoch(s1) - 10, "jti": hexid("rt-jti"),
              "access": [{"type": "repository", "name": "acme/device-agent",
                          "actions": ["pull"]}]}, kid="registry-2024")
    manifest = "https://registry.example.com/v2/acme/device-agent/manifests/1.4.2"
    digest = "sha256:" + hexid("manifest-digest", 64)
    ua = ("containerd/v1.7.13")
    accept = ("application/vnd.docker.distribution.manifest.v2+json, "
              "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
              "application/vnd.docker.distribution.manifest.list.v2+json, */*")
    challenge = ('Bearer realm="https://auth.example.com/token",service="registry.example.com",'
                 'scope="repository:acme/device-agent:pull"')
    reg = [("docker-distribution-api-version", "registry/2.0")]
    har("containerd-pull-mitmproxy.har", "mitmproxy", [
        X("HEAD", manifest, 401, req=[("accept", accept), ("user-agent", ua)],
          resp=[("content-type", "application/json"), ("www-authenticate", challenge)] + reg,
          started=s0, date=s0,
          label=L("missing_authorization", "no_authorization",
                  "registry token handshake: no credential, then [2] HEAD on the same host and "
                  "path got 200 with a Bearer token", resolved=True)),
        X("GET", "https://auth.example.com/token?scope=repository%3Aacme%2Fdevice-agent%3Apull"
                 "&service=registry.example.com", 200,
          req=[("authorization", "Basic " + robot), ("user-agent", ua)],
          resp=[("content-type", "application/json")],
          rbody=json.dumps({"token": rt, "access_token": rt, "expires_in": 300,
                            "issued_at": iso_z(s1)}),
          started=s1, date=s1),
        X("HEAD", manifest, 200,
          req=[("accept", accept), ("authorization", "Bearer " + rt), ("user-agent", ua)],
          resp=[("content-type", "application/vnd.oci.image.index.v1+json"),
                ("docker-content-digest", digest), ("etag", f'"{digest}"')] + reg,
          started=s2, date=s2),
        X("GET", f"https://registry.example.com/v2/acme/device-agent/manifests/{digest}", 200,
          req=[("accept", accept), ("authorization", "Bearer " + rt), ("user-agent", ua)],
          resp=[("content-type", "application/vnd.oci.image.index.v1+json"),
                ("docker-content-digest", digest)] + reg,
          rbody=json.dumps({"schemaVersion": 2,
                            "mediaType": "application/vnd.oci.image.index.v1+json",
                            "manifests": [{"mediaType":
                                           "application/vnd.oci.image.manifest.v1+json",
                                           "digest": "sha256:" + hexid("amd64", 64),
                                           "size": 1054, "platform": {"architecture": "amd64",
                                                                      "os": "linux"}}]}),
          rtype="application/vnd.oci.image.index.v1+json", started=s3, date=s3),
    ])

    # --- DPoP: the resource server asks for a nonce, the retry succeeds -------------------
    iat = t("2024-10-08T12:00:00Z")
    thumb = b64u(noise("dpop-jkt", 32))
    at = jwt(claims(iat=iat, cnf={"jkt": thumb}), typ="at+jwt")
    jwk_pub = {"kty": "EC", "crv": "P-256", "x": b64u(noise("ec-x", 32)),
               "y": b64u(noise("ec-y", 32))}
    s0, s1 = t("2024-10-08T12:20:14.006Z"), t("2024-10-08T12:20:14.214Z")

    def proof(when, nonce=None):
        body = {"jti": uuid(f"dpop{when}"), "htm": "GET",
                "htu": "https://api.example.com/v2/devices", "iat": epoch(when),
                "ath": b64u(hashlib.sha256(at.encode()).digest())}
        if nonce:
            body["nonce"] = nonce
        return jwt(body, header={"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk_pub})

    nonce = "eyJ7S_zG.eyJH0-Z.HX4w-7v"
    h = [("Content-Type", "application/json; charset=utf-8"), ("Server", "envoy"),
         ("X-Request-Id", request_id("dpop-0")),
         ("WWW-Authenticate", 'DPoP error="use_dpop_nonce", error_description="Resource '
                              'server requires nonce in DPoP proof"'),
         ("DPoP-Nonce", nonce), ("Access-Control-Expose-Headers", "DPoP-Nonce, WWW-Authenticate")]
    har("dpop-nonce.har", "chrome", [
        X("GET", "https://api.example.com/v2/devices", 401,
          req=[("Authorization", "DPoP " + at), ("DPoP", proof(s0))], resp=h,
          rbody=json.dumps({"error": "use_dpop_nonce"}), started=s0, date=s0,
          label=L("unknown", "dpop_nonce_required",
                  "DPoP use_dpop_nonce challenge; [1] retried with the nonce on the same "
                  "method, host and path and got 200", resolved=True)),
        X("GET", "https://api.example.com/v2/devices", 200,
          req=[("Authorization", "DPoP " + at), ("DPoP", proof(s1, nonce))],
          resp=api_200("dpop-1", "")[0], rbody=devices_json("dpop-1"), started=s1, date=s1),
    ])

    # --- a refused client followed by API 401s (Fiddler on a Windows service) ------------
    client = "svc-billing-export"
    tok = jwt(claims(iat=t("2024-03-19T01:30:00Z"), sub=client, client_id=client,
                     scope="read write"))
    s0 = t("2024-03-19T01:58:03.100293Z")
    s1 = t("2024-03-19T01:58:04.220731Z")
    s2 = t("2024-03-19T01:58:04.591300Z")
    basic = b64(f"{client}:{opaque('billing-secret', 27)}".encode())
    api = [("Authorization", "Bearer " + tok)]
    h1, b1 = api_401(s1, "refused-1")
    h2b, b2b = api_401(s2, "refused-2")
    note11 = ("rule 11a: client svc-billing-export (client_id claim) was refused at the token "
              "endpoint at [0]; this cached token's claims pass (exp 02:30:00Z); rule 12 would "
              "say token_rejected")
    har("fiddler-refused-client.har", "fiddler", [
        X("POST", "https://auth.example.com/oauth/token", 401,
          req=[("Authorization", "Basic " + basic),
               ("Content-Type", "application/x-www-form-urlencoded")],
          body="grant_type=client_credentials&scope=read%20write",
          resp=[("Content-Type", "application/json;charset=UTF-8"),
                ("WWW-Authenticate", 'Basic realm="auth.example.com"'),
                ("Cache-Control", "no-store"), ("Pragma", "no-cache")],
          rbody=json.dumps({"error": "invalid_client"}), started=s0, date=s0,
          label=L("revoked_credentials", "client_refused",
                  "rule 3: the client authenticated with Basic (credentials present) and the "
                  "token endpoint answered invalid_client")),
        X("GET", "https://api.example.com/v2/devices", 401, req=api, resp=h1, rbody=b1,
          started=s1, date=s1, label=L("revoked_credentials", "client_refused", note11)),
        X("GET", "https://api.example.com/v2/policies", 401, req=api, resp=h2b, rbody=b2b,
          started=s2, date=s2, label=L("revoked_credentials", "client_refused", note11)),
    ])

    # --- Entra: empty client_secret (1-2) and expired client secret (2-3) -----------------
    tenant = "7d3f5c1e-8a44-4b6e-9d0b-2f6c1a9e4b21"
    app = "6a1f0c2e-5b7d-4e8a-9c3f-1d2e4f6a8b0c"
    token_url = f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"

    def entra(code, text, when, seed):
        trace, corr = uuid(seed + "t"), uuid(seed + "c")
        stamp = f"{when:%Y-%m-%d %H:%M:%S}Z"
        desc = (f"AADSTS{code}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\n"
                f"Timestamp: {stamp}")
        body = json.dumps({"error": "invalid_client", "error_description": desc,
                           "error_codes": [code], "timestamp": stamp, "trace_id": trace,
                           "correlation_id": corr,
                           "error_uri": f"https://login.microsoftonline.com/error?code={code}"},
                          separators=(",", ":"))
        headers = [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache"),
                   ("Content-Type", "application/json; charset=utf-8"), ("Expires", "-1"),
                   ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
                   ("X-Content-Type-Options", "nosniff"), ("x-ms-request-id", trace),
                   ("x-ms-ests-server", "2.1.17846.6 - WEULR1 ProdSlices"),
                   ("X-XSS-Protection", "0")]
        return headers, body

    scope = quote("api://example-platform/.default", safe="")
    w = t("2024-04-16T10:21:33.870Z")
    h, b = entra(7000215, "Invalid client secret provided. Ensure the secret being sent in the "
                 "request is the client secret value, not the client secret ID, for a secret "
                 f"added to app '{app}'.", w, "entra-1")
    har("entra-empty-secret.har", "insomnia", [
        X("POST", token_url, 401, req=[("Content-Type", "application/x-www-form-urlencoded")],
          body=f"client_id={app}&scope={scope}&client_secret=&grant_type=client_credentials",
          resp=h, rbody=b, started=w, date=w,
          label=L("missing_authorization", "client_credentials_missing",
                  "rules 1-2: token endpoint request (grant_type=) shown with no Authorization "
                  "and an empty client_secret (rule 1); AADSTS7000215 'Invalid client secret' "
                  "(rule 2, revoked_credentials) loses")),
    ])
    w = t("2024-04-16T10:34:02.114Z")
    h, b = entra(7000222, f"The provided client secret keys for app '{app}' are expired. Visit "
                 "the Azure portal to create new keys for your app: "
                 "https://aka.ms/NewClientSecret, or consider using certificate credentials for "
                 "added security: https://aka.ms/certCreds.", w, "entra-2")
    har("entra-secret-expired.har", "insomnia", [
        X("POST", token_url, 401, req=[("Content-Type", "application/x-www-form-urlencoded")],
          body=f"client_id={app}&scope={scope}&client_secret={quote(opaque('entra-sec', 30))}"
               "&grant_type=client_credentials",
          resp=h, rbody=b, started=w, date=w,
          label=L("revoked_credentials", "client_secret_expired",
                  "rules 2-3: AADSTS7000222 states the client secret expired (rule 2: "
                  "client_secret_expired) before rule 3's plain client_refused for "
                  "invalid_client")),
    ])

    # --- Dev Proxy export: Authorization redacted, token endpoint says invalid_client ----
    w0 = t("2024-07-02T08:15:40.220Z")
    w1 = t("2024-07-02T08:15:40.611Z")
    h1, b1 = api_401(w1, "devproxy-1")
    har("devproxy-redacted-token-request.har", "devproxy", [
        X("POST", "https://auth.example.com/oauth/token", 401,
          req=[("Authorization", "Basic c3ZjLWludmVudG9yeTo="),
               ("Content-Type", "application/x-www-form-urlencoded")],
          body="grant_type=client_credentials&scope=read",
          resp=[("Content-Type", "application/json"),
                ("WWW-Authenticate", 'Basic realm="auth.example.com"')],
          rbody=json.dumps({"error": "invalid_client"}), started=w0, date=w0,
          label=L("revoked_credentials", "client_refused",
                  "rules 3-4: invalid_client at the token endpoint (rule 3) although the "
                  "exporter replaced Authorization with REDACTED (rule 4); rule 1 does not fire "
                  "because an Authorization header was sent")),
        X("GET", "https://api.example.com/v2/devices", 401,
          req=[("Authorization", "Bearer " + opaque("devproxy-at", 32))], resp=h1, rbody=b1,
          started=w1, date=w1,
          label=L("unknown", "credential_redacted",
                  "Authorization value REDACTED by the exporter (rule 4 before 11); the refusal "
                  "at [0] only goes into the evidence")),
    ])

    # --- refresh grant refused as revoked, then the API refuses the access token ---------
    c0 = t("2024-06-11T13:00:00.350Z")
    c1 = t("2024-06-11T13:55:00.102Z")
    c2 = t("2024-06-11T13:55:02.448Z")
    a = jwt(claims(iat=t("2024-06-11T13:00:00Z")))
    r = opaque("refresh-revoked", 48)
    verifier = opaque("pkce", 32)
    h, b = api_401(c2, "rgr-2")
    har("refresh-grant-revoked.har", "chrome", [
        X("POST", "https://auth.example.com/oauth/token", 200,
          body=f"grant_type=authorization_code&code={opaque('code', 24)}&redirect_uri="
               f"{quote('https://portal.example.com/callback', safe='')}&client_id=portal-spa"
               f"&code_verifier={verifier}",
          resp=[("Content-Type", "application/json"), ("Cache-Control", "no-store")],
          rbody=json.dumps({"access_token": a, "token_type": "Bearer", "expires_in": 3600,
                            "refresh_token": r, "scope": "read devices:read policies:read"}),
          started=c0, date=c0),
        X("POST", "https://auth.example.com/oauth/token", 400,
          body=f"grant_type=refresh_token&refresh_token={r}&client_id=portal-spa",
          resp=[("Content-Type", "application/json"), ("Cache-Control", "no-store")],
          rbody=json.dumps({"error": "invalid_grant", "error_description": "Session not active"}),
          started=c1, date=c1),
        X("GET", "https://api.example.com/v2/devices", 401, req=[("Authorization", "Bearer " + a)],
          resp=h, rbody=b, started=c2, date=c2,
          label=L("revoked_credentials", "refresh_grant_revoked",
                  "rule 11a: the refresh token issued with this access token at [0] was refused "
                  "as revoked at [1] (Keycloak 'Session not active'); the access token's claims "
                  "pass (exp 14:00:00Z)")),
    ])

    # --- a scheme no challenge offers (Insomnia) ------------------------------------------
    w = t("2024-05-21T16:12:44.908Z")
    h, b = api_401(w, "scheme-0")
    har("insomnia-token-scheme.har", "insomnia", [
        X("GET", "https://api.example.com/v2/devices", 401,
          req=[("Authorization", "Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b")],
          resp=h, rbody=b, started=w, date=w,
          label=L("missing_authorization", "wrong_scheme",
                  "'Token' scheme (Django REST framework habit) where the only challenge is "
                  "Bearer")),
    ])


def curl_cases():
    # --- the issue's example: exp 14:05:12Z is 18m33s before Date 14:23:45Z ---------------
    tok = jwt(claims(iat=t("2024-03-08T13:05:12Z"), sub="client_7Hq2", client_id="client_7Hq2",
                     scope="read write"))
    d = t("2024-03-08T14:23:45Z")
    h, b = api_401(d, "curl-exp")
    curl_file("expired-jwt-h2.txt", [Curl().hop(
        X("GET", "https://api.example.com/v2/devices", 401,
          req=[("Authorization", "Bearer " + tok)], resp=h, rbody=b, date=d,
          label=L("expired_token", "jwt_exp_passed",
                  "exp 14:05:12Z is 18m33s before the server's Date 14:23:45Z")))])

    # --- ASP.NET JwtBearer says when the token expired ------------------------------------
    tok = jwt(claims(iat=t("2024-03-08T13:05:12Z"), sub="svc-orders", client_id="svc-orders",
                     scope="read write"))
    d = t("2024-03-08T14:09:31Z")
    curl_file("aspnet-token-expired.txt", [Curl(version="8.7.1", proto="http1.1").hop(
        X("GET", "https://api.example.com/v3/orders?status=open", 401,
          req=[("Authorization", "Bearer " + tok)],
          resp=[("Server", "Kestrel"),
                ("WWW-Authenticate", 'Bearer error="invalid_token", error_description="The '
                                     'token expired at \'03/08/2024 14:05:12\'"')],
          date=d,
          label=L("expired_token", "server_says_expired",
                  "rules 2 and 8 both fire (exp 14:05:12Z also passed at Date 14:09:31Z); the "
                  "statement decides")))])

    # --- curl --digest: the first round is the handshake ----------------------------------
    d0 = t("2024-02-27T06:40:11Z")
    nonce = hexid("digest-nonce", 32)
    cnonce = b64(noise("cnonce", 24))
    digest = (f'Digest username="alice", realm="cam-ops", nonce="{nonce}", '
              f'uri="/cgi-bin/status.cgi", cnonce="{cnonce}", nc=00000001, qop=auth, '
              f'response="{hexid("digest-resp", 32)}", algorithm=MD5')
    curl_file("digest-pair.txt", [Curl(proto="http1.1", ip="192.0.2.44")
              .hop(X("GET", "http://legacy.example.com/cgi-bin/status.cgi", 401,
                     resp=[("Server", "lighttpd/1.4.59"),
                           ("WWW-Authenticate", f'Digest realm="cam-ops", charset=UTF-8, '
                                                f'algorithm=MD5, nonce="{nonce}", qop="auth"'),
                           ("Content-Type", "text/html")],
                     rbody="<html><body><h1>401 Unauthorized</h1></body></html>", rtype="text/html",
                     date=d0,
                     label=L("missing_authorization", "no_authorization",
                             "curl --digest: first round without credentials; [1] on the same "
                             "method, host and path got 200 with Digest", resolved=True)),
                   show_body=False)
              .hop(X("GET", "http://legacy.example.com/cgi-bin/status.cgi", 200,
                     req=[("Authorization", digest)],
                     resp=[("Server", "lighttpd/1.4.59"), ("Content-Type", "application/json")],
                     rbody=json.dumps({"uptime": 1843221, "streams": 2, "storage": "ok"}),
                     date=d0), info=["* Server auth using Digest with user 'alice'"])])

    # --- curl -L drops Authorization on a cross-host redirect ---------------------------
    tok = jwt(claims(iat=t("2024-08-05T09:00:00Z"), sub="client_eu_31", client_id="client_eu_31",
                     scope="read"))
    d = t("2024-08-05T09:12:44Z")
    h, b = api_401(d, "redir-1")
    curl_file("redirect-cross-host.txt", [Curl()
              .hop(X("GET", "https://api.example.com/v2/devices", 301,
                     req=[("Authorization", "Bearer " + tok)],
                     resp=[("Location", "https://api.eu.example.com/v2/devices"),
                           ("Server", "envoy")], date=d))
              .hop(X("GET", "https://api.eu.example.com/v2/devices", 401, resp=h, rbody=b,
                     date=d,
                     label=L("missing_authorization", "dropped_on_redirect",
                             "curl -L followed a 301 from api.example.com to api.eu.example.com "
                             "and dropped the -H Authorization header")))])

    # --- a shell variable in single quotes: sent literally --------------------------------
    d = t("2024-03-12T10:04:51Z")
    h, b = api_401(d, "shellvar")
    curl_file("placeholder-shell-var.txt", [Curl(version="8.7.1").hop(
        X("GET", "https://api.example.com/v2/policies", 401,
          req=[("Authorization", "Bearer ${ACCESS_TOKEN}")], resp=h, rbody=b, date=d,
          label=L("invalid_token", "placeholder",
                  "-H 'Authorization: Bearer ${ACCESS_TOKEN}' in single quotes: the variable "
                  "was never expanded")))])

    # --- a space inside the token (copy-paste damage) ------------------------------------
    tok = jwt(claims(iat=t("2024-04-09T07:30:00Z")))
    head, payload, sig = tok.split(".")
    damaged = f"{head}.{payload[:61]} {payload[61:]}.{sig}"
    d = t("2024-04-09T07:48:19Z")
    h, b = api_401(d, "ws")
    curl_file("token-whitespace.txt", [Curl().hop(
        X("GET", "https://api.example.com/v2/devices/dev_4821", 401,
          req=[("Authorization", "Bearer " + damaged)], resp=h, rbody=b, date=d,
          label=L("invalid_token", "token_has_whitespace",
                  "a space inside the payload segment (pasted from a wrapped terminal line)")))])

    # --- a token cut short ------------------------------------------------------------------
    tok = jwt(claims(iat=t("2024-04-09T07:30:00Z"), sub="svc-telemetry", client_id="svc-telemetry",
                     scope="read write"))
    cut = tok[:256]
    assert cut.count(".") == 1
    d = t("2024-04-09T08:02:37Z")
    h, b = api_401(d, "trunc")
    curl_file("token-truncated.txt", [Curl().hop(
        X("GET", "https://api.example.com/v2/devices", 401,
          req=[("Authorization", "Bearer " + cut)], resp=h, rbody=b, date=d,
          label=L("invalid_token", "token_truncated",
                  "the token stops after 256 characters, inside the payload: one dot, JSON "
                  "cut off")))])

    # --- -u ":" at the token endpoint, then jq -r .access_token gives "null" ---------------
    d0 = t("2024-06-18T05:00:02Z")
    d1 = t("2024-06-18T05:00:03Z")
    h1, b1 = api_401(d1, "null-1")
    curl_file("client-basic-empty-then-null.txt", [
        Curl().hop(X("POST", "https://auth.example.com/oauth/token", 401,
                     req=[("Authorization", "Basic Og==")],
                     body="grant_type=client_credentials&scope=read",
                     resp=[("Content-Type", "application/json"),
                           ("WWW-Authenticate", 'Basic realm="auth.example.com"'),
                           ("Cache-Control", "no-store")],
                     rbody=json.dumps({"error": "invalid_client",
                                       "error_description": "Client authentication failed"}),
                     date=d0,
                     label=L("missing_authorization", "client_credentials_missing",
                             "rule 1 (also 3): Basic Og== is an empty user and password, "
                             "always empty even though -d's body is not shown")),
                   info=["* Server auth using Basic with user ''"]),
        Curl().hop(X("GET", "https://api.example.com/v2/devices", 401,
                     req=[("Authorization", "Bearer null")], resp=h1, rbody=b1, date=d1,
                     label=L("invalid_token", "placeholder",
                             "'Bearer null': jq -r .access_token of the error answer; rule 6 "
                             "decides before the refusal history (11a)"))),
    ])

    # --- GitHub: Bad credentials --------------------------------------------------------
    d = t("2024-09-30T12:41:07Z")
    pat = "ghp_" + alnum("gh-pat", 36)
    curl_file("github-bad-credentials.txt", [Curl(ip="140.82.121.6").hop(
        X("GET", "https://api.github.com/user", 401,
          req=[("Authorization", "token " + pat), ("X-GitHub-Api-Version", "2022-11-28")],
          resp=[("Content-Type", "application/json; charset=utf-8"),
                ("x-github-media-type", "github.v3; format=json"),
                ("x-ratelimit-limit", "60"), ("x-ratelimit-remaining", "57"),
                ("x-ratelimit-reset", str(epoch(d) + 3300)), ("x-ratelimit-used", "3"),
                ("x-ratelimit-resource", "core"),
                ("access-control-allow-origin", "*"),
                ("x-github-request-id", "C1F4:3A2B1:8E0F12:9A3C45:66FA9B23"),
                ("server", "github.com")],
          rbody=json.dumps({"message": "Bad credentials",
                            "documentation_url": "https://docs.github.com/rest",
                            "status": "401"}, separators=(",", ":")),
          date=d,
          label=L("revoked_credentials", "credentials_rejected",
                  "GitHub 'Bad credentials' for a personal access token (ghp_): a long-lived "
                  "credential refused")))])

    # --- Kubernetes: Bearer answered by a Basic realm, the SA token expired ---------------
    d = t("2024-10-14T03:17:52Z")
    sa = jwt({"aud": ["https://kubernetes.default.svc.cluster.local"],
              "exp": epoch(t("2024-10-14T01:12:00Z")), "iat": epoch(t("2024-10-14T00:12:00Z")),
              "iss": "https://kubernetes.default.svc.cluster.local",
              "kubernetes.io": {"namespace": "monitoring",
                                "serviceaccount": {"name": "prom-agent",
                                                   "uid": uuid("sa-uid")}},
              "nbf": epoch(t("2024-10-14T00:12:00Z")),
              "sub": "system:serviceaccount:monitoring:prom-agent"},
             kid="x1K6qPaDq3Ys8mV_5m3hSbnWu0QZz7hV1lM2uJk4Y3E")
    curl_file("k8s-expired-sa-basic-realm.txt", [Curl(ip="10.20.0.4", insecure=True).hop(
        X("GET", "https://k8s-api.example.com:6443/api/v1/namespaces/monitoring/pods", 401,
          req=[("Authorization", "Bearer " + sa)],
          resp=[("Audit-Id", uuid("audit-1")), ("Cache-Control", "no-cache, private"),
                ("Content-Type", "application/json"),
                ("WWW-Authenticate", 'Basic realm="kubernetes-master"')],
          rbody=json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Failure", "message": "Unauthorized",
                            "reason": "Unauthorized", "code": 401}, separators=(",", ":")),
          date=d,
          label=L("expired_token", "jwt_exp_passed",
                  "a Bearer token answered by a Basic realm challenge is not a wrong scheme "
                  "(rule 5, Kubernetes default); 'Unauthorized' decides nothing; exp 01:12:00Z "
                  "is 2h05m52s before Date")))])

    # --- iat in the future (FastAPI + PyJWT behind a skewed issuer) ------------------------
    d = t("2024-05-02T11:20:07Z")
    iat = d + timedelta(minutes=4, seconds=3)
    tok = jwt({"iss": "https://example.eu.auth0.com/", "sub": "auth0|65f1c2d9a8b7e6f5d4c3b2a1",
               "aud": ["https://reports.example.com", "https://example.eu.auth0.com/userinfo"],
               "iat": epoch(iat), "exp": epoch(iat) + 86400, "scope": "openid profile read",
               "azp": "Yb8s2KqPz1Lm4Nc7Vd0Rt6Wx9Fg3Hj5A"}, kid="Qk3NzVhOTZCQzg1RjM3QzJFNA")
    curl_file("iat-in-future.txt", [Curl(proto="http1.1").hop(
        X("GET", "https://reports.example.com/api/summary?period=2024-04", 401,
          req=[("Authorization", "Bearer " + tok)],
          resp=[("server", "uvicorn"), ("www-authenticate", "Bearer"),
                ("content-type", "application/json")],
          rbody=json.dumps({"detail": "Could not validate credentials"}, separators=(",", ":")),
          date=d,
          label=L("clock_skew", "iat_in_future",
                  "iat 11:24:10Z is 4m03s after Date 11:20:07Z (no nbf claim); a bare 'Bearer' "
                  "challenge to a request with a token decides nothing")))])

    # --- staging token, also expired: time (8) before environment (9) ---------------------
    tok = jwt(claims(iat=t("2024-07-23T06:00:00Z"), iss=STAGING_ISS, aud=STAGING_AUD,
                     sub="svc-sync", client_id="svc-sync", scope="read write"), kid="stg-2024-06")
    d = t("2024-07-23T08:31:26Z")
    h, b = api_401(d, "stg-exp")
    curl_file("staging-token-expired.txt", [Curl().hop(
        X("GET", "https://api.example.com/v2/devices", 401,
          req=[("Authorization", "Bearer " + tok)], resp=h, rbody=b, date=d,
          label=L("expired_token", "jwt_exp_passed",
                  "rules 8-9: exp 07:00:00Z passed 1h31m26s before Date, and the issuer is "
                  "auth.staging.example.com; time wins")))])

    # --- Okta SSWS token not accepted ----------------------------------------------------
    d = t("2024-08-19T15:06:40Z")
    curl_file("okta-ssws-invalid.txt", [Curl(ip="198.51.100.72").hop(
        X("GET", "https://acme.okta.com/api/v1/users/me", 401,
          req=[("Authorization", "SSWS 00" + alnum("okta-ssws", 40)),
               ("Accept", "application/json")],
          resp=[("Content-Type", "application/json"), ("Server", "nginx"),
                ("x-okta-request-id", opaque("okta-rid", 18)),
                ("x-rate-limit-limit", "600"), ("x-rate-limit-remaining", "599")],
          rbody=json.dumps({"errorCode": "E0000011", "errorSummary": "Invalid token provided",
                            "errorLink": "E0000011", "errorId": "oae" + opaque("okta-eid", 16),
                            "errorCauses": []}, separators=(",", ":")),
          date=d,
          label=L("revoked_credentials", "credentials_rejected",
                  "Okta E0000011 'Invalid token provided' for an SSWS API token: a long-lived "
                  "token not accepted (revoked, idle 30 days or creator deactivated)")))])

    # --- registry push: insufficient_scope with status 401 ----------------------------------
    s = t("2024-05-06T08:02:10Z")
    rt = jwt({"iss": "https://auth.example.com/token", "sub": "robot$acme+ci",
              "aud": "registry.example.com", "exp": epoch(s) + 240, "nbf": epoch(s) - 70,
              "iat": epoch(s) - 60, "jti": hexid("rt2"),
              "access": [{"type": "repository", "name": "acme/device-agent",
                          "actions": ["pull"]}]}, kid="registry-2024")
    curl_file("registry-push-insufficient-scope.txt", [Curl().hop(
        X("PUT", "https://registry.example.com/v2/acme/device-agent/manifests/1.4.3", 401,
          req=[("Authorization", "Bearer " + rt),
               ("Content-Type", "application/vnd.oci.image.manifest.v1+json")],
          body=json.dumps({"schemaVersion": 2}), body_type="",
          resp=[("Content-Type", "application/json"),
                ("Docker-Distribution-Api-Version", "registry/2.0"),
                ("Www-Authenticate", 'Bearer realm="https://auth.example.com/token",'
                                     'service="registry.example.com",'
                                     'scope="repository:acme/device-agent:pull,push",'
                                     'error="insufficient_scope"')],
          rbody=json.dumps({"errors": [{"code": "UNAUTHORIZED",
                                        "message": "authentication required",
                                        "detail": [{"Type": "repository", "Class": "",
                                                    "Name": "acme/device-agent",
                                                    "Action": "push"}]}]}),
          date=s,
          label=L("insufficient_scope", "server_says_insufficient_scope",
                  "Docker registry answers insufficient_scope with 401; the token only grants "
                  "pull")))])

    # --- Grafana: revoked service-account token ---------------------------------------------
    d = t("2024-11-05T09:44:18Z")
    curl_file("grafana-revoked-key.txt", [Curl(version="8.7.1", ip="203.0.113.55").hop(
        X("GET", "https://grafana.example.com/api/dashboards/uid/fleet-overview", 401,
          req=[("Authorization", "Bearer glsa_" + alnum("grafana-sa", 32) + "_" +
                hexid("grafana-sa-check", 8))],
          resp=[("Cache-Control", "no-store"), ("Content-Type", "application/json"),
                ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "deny"),
                ("X-Xss-Protection", "1; mode=block")],
          rbody=json.dumps({"message": "Revoked API key", "messageId": "api-key.revoked",
                            "statusCode": 401, "traceID": ""}, separators=(",", ":")),
          date=d,
          label=L("revoked_credentials", "credential_revoked",
                  "Grafana api-key.revoked: a service-account token revoked")))])

    # --- Basic to a Bearer-only API ---------------------------------------------------------
    d = t("2024-03-25T13:14:00Z")
    curl_file("basic-to-bearer-api.txt", [Curl().hop(
        X("GET", "https://api.example.com/v2/devices", 401,
          req=[("Authorization", "Basic " + b64(b"apiuser:" + opaque("apiuser-pw", 12).encode()))],
          resp=api_401(d, "basic-bearer")[0],
          rbody=json.dumps({"error": "authentication_failed", "code": 401}), date=d,
          label=L("missing_authorization", "wrong_scheme",
                  "curl -u sent Basic; the only challenge is Bearer")),
        info=["* Server auth using Basic with user 'apiuser'"])])

    # --- an embedded gateway without a Date header ----------------------------------------
    tok = jwt(claims(iat=t("2024-04-22T06:00:00Z"), sub="edge-gw-17", client_id="edge-gw-17",
                     scope="write"))
    curl_file("no-date-device.txt", [Curl(proto="http1.1", ip="192.0.2.60").hop(
        X("POST", "http://192.0.2.60:8080/api/v1/telemetry", 401,
          req=[("Authorization", "Bearer " + tok), ("Content-Type", "application/json")],
          body=json.dumps({"t": 21.4, "rh": 40}), body_type="",
          resp=[("Server", "Mongoose/6.18"), ("WWW-Authenticate", 'Bearer realm="edge-gateway"'),
                ("Content-Type", "text/plain")],
          rbody="Unauthorized", rtype="text/plain", reason="HTTP/1.0",
          label=L("unknown", "no_server_time",
                  "no Date, no log time, no client time: the JWT's exp cannot be judged and "
                  "'Unauthorized' decides nothing")))])

    # --- Microsoft Graph: CompactToken validation failed (unknown in the table) -----------
    d = t("2024-02-12T18:22:05Z")
    msa = "EwB4A8l6BAAU" + b64(noise("msa-token", 380))
    curl_file("graph-compact-token.txt", [Curl(ip="20.190.151.68").hop(
        X("GET", "https://graph.microsoft.com/v1.0/me/drive/root/children", 401,
          req=[("Authorization", "Bearer " + msa)],
          resp=[("content-type", "application/json"),
                ("www-authenticate", 'Bearer realm="", authorization_uri="https://login.'
                                     'microsoftonline.com/common/oauth2/authorize", '
                                     'client_id="00000003-0000-0000-c000-000000000000"'),
                ("strict-transport-security", "max-age=31536000"),
                ("request-id", uuid("graph-rid")), ("client-request-id", uuid("graph-crid")),
                ("x-ms-ags-diagnostic", '{"ServerInfo":{"DataCenter":"West Europe","Slice":"E",'
                                        '"Ring":"5","ScaleUnit":"004","RoleInstance":'
                                        '"AM2PEPF0001C66D"}}')],
          rbody=json.dumps({"error": {"code": "InvalidAuthenticationToken",
                                      "message": "CompactToken validation failed with reason "
                                                 "code: 80049228.",
                                      "innerError": {"date": f"{d:%Y-%m-%dT%H:%M:%S}",
                                                     "request-id": uuid("graph-rid"),
                                                     "client-request-id": uuid("graph-crid")}}}),
          date=d,
          label=L("unknown", "ambiguous_statement",
                  "Graph 'CompactToken validation failed with reason code: 80049228' (table: "
                  "unknown); an opaque MSA token whose expiry is not in the capture")))])

    # --- nbf (and iat) in the future ------------------------------------------------------
    d = t("2024-06-26T14:31:18Z")
    tok = jwt(claims(iat=d + timedelta(minutes=4, seconds=12), sub="svc-hvac-sched",
                     client_id="svc-hvac-sched", scope="read write"))
    h, b = api_401(d, "nbf", 'Bearer realm="Example API", error="invalid_token"')
    curl_file("nbf-in-future.txt", [Curl(version="8.7.1").hop(
        X("POST", "https://api.example.com/v2/devices/dev_4821/actions", 401,
          req=[("Authorization", "Bearer " + tok), ("Content-Type", "application/json")],
          body=json.dumps({"action": "set_mode", "mode": "eco"}), body_type="",
          resp=h, rbody=b, date=d,
          label=L("clock_skew", "nbf_in_future",
                  "nbf = iat = 14:35:30Z, 4m12s after Date 14:31:18Z (the issuer's clock is "
                  "ahead); labelled by nbf, the validity claim")))])

    # --- Entra: the statement that client_secret was not provided ------------------------
    tenant = "7d3f5c1e-8a44-4b6e-9d0b-2f6c1a9e4b21"
    app = "0b9c7e2a-41d3-4f5e-8a6b-3c2d1e0f9a8b"
    d = t("2024-04-16T09:58:40Z")
    trace, corr = uuid("e218t"), uuid("e218c")
    stamp = f"{d:%Y-%m-%d %H:%M:%S}Z"
    curl_file("entra-secret-not-provided.txt", [Curl(ip="20.190.160.131").hop(
        X("POST", f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token", 401,
          body=f"client_id={app}&scope={quote('https://graph.microsoft.com/.default', safe='')}"
               "&grant_type=client_credentials",
          resp=[("cache-control", "no-store, no-cache"), ("pragma", "no-cache"),
                ("content-type", "application/json; charset=utf-8"), ("expires", "-1"),
                ("x-ms-request-id", trace),
                ("x-ms-ests-server", "2.1.17846.6 - NEULR2 ProdSlices")],
          rbody=json.dumps({"error": "invalid_client",
                            "error_description": "AADSTS7000218: The request body must contain "
                            "the following parameter: 'client_assertion' or 'client_secret'."
                            f"\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\nTimestamp: "
                            f"{stamp}", "error_codes": [7000218], "timestamp": stamp,
                            "trace_id": trace, "correlation_id": corr,
                            "error_uri": "https://login.microsoftonline.com/error?code=7000218"},
                           separators=(",", ":")),
          date=d,
          label=L("missing_authorization", "client_credentials_missing",
                  "-d body sent but not shown ('} [N bytes data]'): rule 1 cannot see it and "
                  "goes on; AADSTS7000218 states client_secret was not provided, which names "
                  "missing_authorization whatever the error code (rule 2)")))])


def http_cases():
    # --- no credential option in the pasted command -------------------------------------
    d = t("2024-03-08T09:12:00Z")
    h, b = api_401(d, "p-nocred")
    http_file("no-credential-command.txt", [(
        "curl -i https://api.example.com/v2/devices",
        X("GET", "https://api.example.com/v2/devices", 401, resp=h, rbody=b, date=d, reason="",
          label=L("missing_authorization", "no_authorization",
                  "the pasted command has no credential option: nothing was sent")))])

    # --- lower-case 'bearer' without a profile: legal, the token is then rejected ---------
    tok = jwt(claims(iat=t("2024-03-14T10:00:00Z"), sub="client_7Hq2", client_id="client_7Hq2",
                     scope="read write"))
    d = t("2024-03-14T10:21:09Z")
    h, b = api_401(d, "p-lower")
    http_file("lowercase-bearer-no-profile.txt", [(
        f"curl -i -H 'authorization: bearer {tok}' https://api.example.com/v2/devices",
        X("GET", "https://api.example.com/v2/devices", 401, resp=h, rbody=b, date=d, reason="",
          label=L("invalid_token", "token_rejected",
                  "no profile, so lower-case 'bearer' is legal (RFC 9110); claims pass at Date "
                  "(exp 11:00:00Z); 'invalid or has expired' with expiry ruled out: rule 12")))])

    # --- response-only pastes ------------------------------------------------------------
    d = t("2024-03-15T16:40:02Z")
    http_file("response-only-expired.txt", [(None, X(
        "GET", "/v2/devices", 401, date=d,
        resp=[("Content-Type", "application/json"),
              ("WWW-Authenticate", 'Bearer realm="Example API", error="invalid_token", '
                                   'error_description="The access token expired"'),
              ("X-Request-Id", request_id("p-ro-exp"))],
        rbody=json.dumps({"error": "invalid_token",
                          "error_description": "The access token expired"}),
        label=L("expired_token", "server_says_expired",
                "response-only paste; RFC 6750's 'The access token expired' decides without "
                "the request")))], crlf=True)
    d = t("2024-03-15T16:52:30Z")
    h, b = api_401(d, "p-ro-bare")
    http_file("response-only-bare.txt", [(None, X(
        "GET", "/v2/devices", 401, resp=h, rbody=b, date=d,
        label=L("unknown", "credential_not_recorded",
                "response-only paste: nothing shows what was sent (rule 5 does not apply) and "
                "'invalid or has expired' decides nothing")))])

    # --- API Gateway (Cognito authorizer): raw token without 'Bearer', statement expired --
    pool = "eu-west-1_AbCdEf123"
    iat = t("2024-05-09T07:02:41Z")
    idt = jwt({"sub": uuid("cog-sub"), "email_verified": True,
               "iss": f"https://cognito-idp.eu-west-1.amazonaws.com/{pool}",
               "cognito:username": "m.jansen", "origin_jti": uuid("cog-ojti"),
               "aud": "3h7k9m2p4q6r8s0t1u5v7w9x2y", "event_id": uuid("cog-ev"),
               "token_use": "id", "auth_time": epoch(iat), "exp": epoch(iat) + 3600,
               "iat": epoch(iat), "jti": uuid("cog-jti"), "email": "m.jansen@example.com"},
              header={"kid": "Xq3nB8vZr1Kp0Tf6Wm4Yc2Hs9Jd7Lg5Ae0Ru8Io1Pk=", "alg": "RS256"})
    d = t("2024-05-09T09:15:03Z")
    apigw = "https://k3x9v2m1qa.execute-api.eu-west-1.amazonaws.com/prod/devices"
    http_file("apigw-cognito-expired.txt", [(
        f"curl -i -H 'Authorization: {idt}' {apigw}",
        X("GET", apigw, 401, date=d, reason="",
          resp=[("content-type", "application/json"),
                ("x-amzn-requestid", uuid("apigw-rid")),
                ("x-amzn-errortype", "UnauthorizedException"),
                ("x-amz-apigw-id", "Yx3kQGxDDoEF" + "Aw=")],
          rbody=json.dumps({"message": "The incoming token has expired"}, separators=(",", ":")),
          label=L("expired_token", "server_says_expired",
                  "rule 2 before rule 5: API Gateway's Cognito authorizer takes the raw token "
                  "without 'Bearer'; exp 08:02:41Z also passed")))])

    # --- docs placeholder -------------------------------------------------------------------
    d = t("2024-02-28T14:02:55Z")
    h, b = api_401(d, "p-angle")
    http_file("placeholder-angle.txt", [(
        'curl -i -H "Authorization: Bearer <ACCESS_TOKEN>" https://api.example.com/v2/policies',
        X("GET", "https://api.example.com/v2/policies", 401, resp=h, rbody=b, date=d,
          label=L("invalid_token", "placeholder",
                  "the documentation's <ACCESS_TOKEN> pasted as is")))])

    # --- Auth0 Management API: expired token ----------------------------------------------
    iat = t("2024-06-20T08:00:00Z")
    mt = jwt({"iss": "https://acme.eu.auth0.com/", "sub": "Yb8s2KqPz1Lm4Nc7Vd0Rt6Wx9Fg3Hj5A@clients",
              "aud": "https://acme.eu.auth0.com/api/v2/", "iat": epoch(iat),
              "exp": epoch(iat) + 86400, "scope": "read:users update:users",
              "gty": "client-credentials", "azp": "Yb8s2KqPz1Lm4Nc7Vd0Rt6Wx9Fg3Hj5A"},
             kid="Qk3NzVhOTZCQzg1RjM3QzJFNA")
    d = t("2024-06-21T09:30:12Z")
    http_file("auth0-mgmt-expired.txt", [(
        "curl -i --request GET --url 'https://acme.eu.auth0.com/api/v2/users?q=email%3A%22m.jansen"
        f"%40example.com%22' --header 'authorization: Bearer {mt}'",
        X("GET", "https://acme.eu.auth0.com/api/v2/users?q=email%3A%22m.jansen%40example.com%22",
          401, date=d, reason="",
          resp=[("content-type", "application/json; charset=utf-8"),
                ("x-auth0-requestid", hexid("auth0-rid", 20)),
                ("www-authenticate", 'Bearer realm="acme.eu.auth0.com", error="invalid_token", '
                                     'error_description="Expired token received for JSON Web '
                                     'Token validation"')],
          rbody=json.dumps({"statusCode": 401, "error": "Unauthorized",
                            "message": "Expired token received for JSON Web Token validation",
                            "attributes": {"error": "Expired token received for JSON Web Token "
                                                    "validation"}}, separators=(",", ":")),
          label=L("expired_token", "server_says_expired",
                  "Auth0 'Expired token received for JSON Web Token validation'; exp 08:00:00Z "
                  "also passed (rules 2 and 8, statement decides)")))])

    # --- ASP.NET: not valid before ----------------------------------------------------------
    d = t("2024-03-12T09:01:30Z")
    nbf = t("2024-03-12T09:05:00Z")
    tok = jwt(claims(iat=nbf, sub="svc-orders", client_id="svc-orders", scope="read write"))
    http_file("aspnet-not-valid-before.txt", [(
        f"curl -i https://api.example.com/v3/orders/ord_88412 -H 'Authorization: Bearer {tok}'",
        X("GET", "https://api.example.com/v3/orders/ord_88412", 401, date=d,
          resp=[("Content-Length", "0"), ("Server", "Kestrel"),
                ("WWW-Authenticate", 'Bearer error="invalid_token", error_description="The '
                                     'token is not valid before \'03/12/2024 09:05:00\'"')],
          label=L("clock_skew", "nbf_in_future",
                  "JwtBearer 'not valid before 09:05:00' at Date 09:01:30Z; the token's nbf "
                  "agrees (rules 2 and 8)")))])

    # --- wrong scheme 'ApiKey' ---------------------------------------------------------------
    d = t("2024-07-01T12:00:41Z")
    h, b = api_401(d, "p-apikey")
    http_file("apikey-scheme.txt", [(
        "curl -i https://api.example.com/v2/devices -H 'Authorization: ApiKey "
        f"{hexid('apikey-scheme', 40)}'",
        X("GET", "https://api.example.com/v2/devices", 401, resp=h, rbody=b, date=d, reason="",
          label=L("missing_authorization", "wrong_scheme",
                  "'ApiKey' scheme where the only challenge offers Bearer")))])

    # --- JWT without 'Bearer ' ------------------------------------------------------------
    tok = jwt(claims(iat=t("2024-07-01T11:50:00Z")))
    d = t("2024-07-01T12:03:10Z")
    h, _ = api_401(d, "p-noscheme")
    http_file("no-scheme-jwt.txt", [(
        f"curl -i https://api.example.com/v2/policies -H 'Authorization: {tok}'",
        X("GET", "https://api.example.com/v2/policies", 401, resp=h, rbody=REF_BODY_SHORT,
          date=d, reason="",
          label=L("missing_authorization", "no_scheme",
                  "'Authorization: eyJ...' without the Bearer scheme")))])

    # --- Google: several causes in one statement --------------------------------------------
    d = t("2024-10-30T08:44:51Z")
    ya29 = "ya29.a0AXooCg" + opaque("google-at", 150)
    http_file("google-ambiguous.txt", [(
        f"curl -i -H 'Authorization: Bearer {ya29}' "
        "'https://www.googleapis.com/drive/v3/files?pageSize=10'",
        X("GET", "https://www.googleapis.com/drive/v3/files?pageSize=10", 401, date=d, reason="",
          resp=[("www-authenticate", 'Bearer realm="https://accounts.google.com/", '
                                     'error="invalid_token"'),
                ("vary", "Origin, X-Origin"), ("content-type", "application/json; charset=UTF-8"),
                ("server", "ESF")],
          rbody=json.dumps({"error": {"code": 401, "message": "Request had invalid "
                                      "authentication credentials. Expected OAuth 2 access "
                                      "token, login cookie or other valid authentication "
                                      "credential. See https://developers.google.com/identity/"
                                      "sign-in/web/devconsole-project.",
                                      "errors": [{"message": "Invalid Credentials",
                                                  "domain": "global", "reason": "authError",
                                                  "location": "Authorization",
                                                  "locationType": "header"}],
                                      "status": "UNAUTHENTICATED"}}, indent=2),
          label=L("unknown", "ambiguous_statement",
                  "Google UNAUTHENTICATED and bare invalid_token name several causes; the "
                  "token is opaque (ya29.) and never issued in the capture, so nothing rules "
                  "expiry out")))])

    # --- no server time at all ------------------------------------------------------------
    tok = jwt(claims(iat=t("2024-01-30T10:00:00Z")))
    http_file("no-date-paste.txt", [(
        "curl -i https://api.example.com/v2/devices \\\n"
        f"    -H 'Authorization: Bearer {tok}' \\\n    -H 'Accept: application/json'",
        X("GET", "https://api.example.com/v2/devices", 401,
          resp=[("Content-Type", "application/json"), ("WWW-Authenticate", REALM)],
          rbody=REF_BODY_SHORT,
          label=L("unknown", "no_server_time",
                  "the paste kept no Date header and there is no other time: exp cannot be "
                  "judged, 'Invalid or expired token' decides nothing")))])

    # --- Jira Cloud: X-Seraph-LoginReason -----------------------------------------------
    d = t("2024-09-17T07:55:03Z")
    http_file("jira-seraph-failed.txt", [(
        "curl -i -u m.jansen@example.com:ATATT3xFfGF0" + alnum("jira-token", 40) + "=" +
        hexid("jira-crc", 8).upper() +
        " https://example.atlassian.net/rest/api/3/myself",
        X("GET", "https://example.atlassian.net/rest/api/3/myself", 401, date=d,
          resp=[("Content-Type", "application/json;charset=UTF-8"), ("Server", "AtlassianEdge"),
                ("X-Seraph-LoginReason", "AUTHENTICATED_FAILED"),
                ("WWW-Authenticate", 'OAuth realm="https%3A%2F%2Fexample.atlassian.net"'),
                ("X-Arequestid", hexid("jira-rid", 32)),
                ("Cache-Control", "no-cache, no-store, no-transform")],
          rbody=json.dumps({"message": "Client must be authenticated to access this resource.",
                            "status-code": 401}, separators=(",", ":")),
          label=L("revoked_credentials", "credentials_rejected",
                  "X-Seraph-LoginReason: AUTHENTICATED_FAILED (rule 2) decides before rule 5 "
                  "could call Basic against an OAuth challenge a wrong scheme; the body text "
                  "names two causes")))])

    # --- Kong key-auth: Invalid authentication credentials ------------------------------
    d = t("2024-08-08T13:20:44Z")
    http_file("kong-key-auth-invalid.txt", [(
        f"curl -i -H 'apikey: {hexid('kong-key', 32)}' "
        "https://gw.example.com/partners/v1/orders?since=2024-08-01",
        X("GET", "https://gw.example.com/partners/v1/orders?since=2024-08-01", 401, date=d,
          resp=[("Content-Type", "application/json; charset=utf-8"), ("Connection", "keep-alive"),
                ("WWW-Authenticate", 'Key realm="kong"'), ("X-Kong-Response-Latency", "1"),
                ("Server", "kong/3.6.1"), ("X-Kong-Request-Id", hexid("kong-rid", 32))],
          rbody=json.dumps({"message": "Invalid authentication credentials"}),
          label=L("revoked_credentials", "credentials_rejected",
                  "Kong key-auth 'Invalid authentication credentials': an API key refused "
                  "(a long-lived credential merely refused)")))])

    # --- -H @file: the credential is not shown ------------------------------------------
    d = t("2024-04-04T15:10:09Z")
    h, b = api_401(d, "p-atfile")
    http_file("headers-from-file.txt", [(
        "curl -i -H @/home/deploy/.config/example/auth-headers.txt "
        "https://api.example.com/v2/devices",
        X("GET", "https://api.example.com/v2/devices", 401, resp=h, rbody=b, date=d, reason="",
          label=L("unknown", "credential_not_recorded",
                  "-H @file: the headers, credential included, came from a file the paste does "
                  "not show")))])

    # --- Authentication: instead of Authorization ---------------------------------------
    tok = jwt(claims(iat=t("2024-04-04T15:00:00Z"), sub="client_7Hq2", client_id="client_7Hq2",
                     scope="read write"))
    d = t("2024-04-04T15:11:30Z")
    h, _ = api_401(d, "p-wrongname")
    http_file("wrong-header-name.txt", [(
        f"curl -i https://api.example.com/v2/devices -H 'Authentication: Bearer {tok}'",
        X("GET", "https://api.example.com/v2/devices", 401, resp=h, rbody=REF_BODY_SHORT,
          date=d, reason="",
          label=L("missing_authorization", "wrong_header_name",
                  "a valid token in 'Authentication:'")))])

    # --- malformed JWT: the payload is a Python dict's repr, not JSON -------------------
    header = segment({"alg": "RS256", "typ": "JWT"})
    payload = b64u(b"{'sub': 'svc-report', 'scope': 'read', 'exp': 1712246400}")
    bad = f"{header}.{payload}.{fake_signature('py-repr')}"
    d = t("2024-04-04T15:20:00Z")
    h, b = api_401(d, "p-malformed")
    http_file("jwt-malformed.txt", [(
        f"curl -i -H 'Authorization: Bearer {bad}' https://api.example.com/v2/devices",
        X("GET", "https://api.example.com/v2/devices", 401, resp=h, rbody=b, date=d, reason="",
          label=L("invalid_token", "jwt_malformed",
                  "the payload segment decodes to a Python dict repr (single quotes), not "
                  "JSON")))])

    # --- insufficient_scope challenge on a 401 ---------------------------------------------
    tok = jwt(claims(iat=t("2024-02-20T08:00:00Z"), scope="read devices:read"))
    d = t("2024-02-20T08:30:44Z")
    h, b = api_401(d, "p-scope",
                   'Bearer realm="Example API", error="insufficient_scope", '
                   'error_description="Token lacks required scope", scope="logs:read admin"')
    http_file("insufficient-scope-challenge.txt", [(
        f"curl -i 'https://api.example.com/v2/logs/audit?since=2024-02-19T00:00:00Z' "
        f"-H 'Authorization: Bearer {tok}'",
        X("GET", "https://api.example.com/v2/logs/audit?since=2024-02-19T00:00:00Z", 401,
          resp=h, rbody=b, date=d, reason="",
          label=L("insufficient_scope", "server_says_insufficient_scope",
                  "the reference API's insufficient_scope challenge; token scopes read "
                  "devices:read")))])

    # --- a token in the query string is judged like a header token ----------------------
    tok = jwt(claims(iat=t("2024-02-20T06:00:00Z")))
    d = t("2024-02-20T08:31:52Z")
    h, b = api_401(d, "p-query", 'Bearer realm="Example API", error="invalid_token"')
    http_file("query-access-token-expired.txt", [(
        f"curl -i 'https://api.example.com/v2/devices?access_token={tok}'",
        X("GET", f"https://api.example.com/v2/devices?access_token={tok}", 401, resp=h, rbody=b,
          date=d, reason="",
          label=L("expired_token", "jwt_exp_passed",
                  "token only in ?access_token= is judged like a header token (never "
                  "missing_authorization for that); exp 07:00:00Z is 1h31m52s before Date")))])

    # --- Entra AADSTS700024: client assertion not yet valid (2-3 again) -----------------
    tenant = "7d3f5c1e-8a44-4b6e-9d0b-2f6c1a9e4b21"
    app = "c41b2f7e-93a1-4d0b-b6e8-5f7a2c9d1e34"
    d = t("2024-03-12T09:01:30Z")
    valid_from = t("2024-03-12T09:06:02Z")
    assertion = jwt({"aud": f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
                     "exp": epoch(valid_from) + 600, "iss": app, "jti": uuid("assert-jti"),
                     "nbf": epoch(valid_from), "sub": app, "iat": epoch(valid_from)},
                    header={"alg": "RS256", "typ": "JWT",
                            "x5t": b64u(noise("x5t", 20))})
    trace, corr = uuid("e024t"), uuid("e024c")
    stamp = f"{d:%Y-%m-%d %H:%M:%S}Z"
    desc = ("AADSTS700024: Client assertion is not within its valid time range. Current time: "
            "2024-03-12T09:01:30.4417263Z, assertion valid from 2024-03-12T09:06:02.0000000Z, "
            "expiry time of assertion 2024-03-12T09:16:02.0000000Z. Review the documentation at "
            "https://docs.microsoft.com/azure/active-directory/develop/active-directory-"
            f"certificate-credentials .\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\n"
            f"Timestamp: {stamp}")
    form = (f"client_id={app}&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-"
            f"assertion-type%3Ajwt-bearer&client_assertion={assertion}&scope="
            f"{quote('api://example-platform/.default', safe='')}&grant_type=client_credentials")
    http_file("entra-assertion-not-yet-valid.txt", [(
        f"curl -i -X POST https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token "
        f"-d '{form}'",
        X("POST", f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token", 401, date=d,
          resp=[("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache"),
                ("Content-Type", "application/json; charset=utf-8"), ("Expires", "-1"),
                ("x-ms-request-id", trace),
                ("x-ms-ests-server", "2.1.17846.6 - WEULR1 ProdSlices")],
          rbody=json.dumps({"error": "invalid_client", "error_description": desc,
                            "error_codes": [700024], "timestamp": stamp, "trace_id": trace,
                            "correlation_id": corr,
                            "error_uri": "https://login.microsoftonline.com/error?code=700024"},
                           separators=(",", ":")),
          label=L("clock_skew", "nbf_in_future",
                  "rules 2-3: AADSTS700024 states its own times (valid from 09:06:02Z, 4m32s "
                  "after the stated current time): clock_skew; rule 3 (invalid_client) loses")))])

    # --- signatures masked by the customer: the claims are judged, the signature cannot be --
    masked = [
        ("masked-signature-expired.txt", "REDACTED", "2024-03-14T09:00:00Z",
         "2024-03-14T10:30:00Z", "p-mask-exp",
         L("expired_token", "jwt_exp_passed",
           "signature masked as .REDACTED; its claims still show exp 10:00:00Z, 30m before "
           "Date: not credential_redacted")),
        ("masked-signature-valid.txt", "<signature removed>", "2024-03-14T10:00:00Z",
         "2024-03-14T10:30:00Z", "p-mask-ok",
         L("unknown", "credential_redacted",
           "signature masked as .<signature removed> (its space is no whitespace damage); the "
           "claims pass at Date, so what was refused is in the masked part")),
        ("empty-signature-expired.txt", "", "2024-03-14T09:00:00Z",
         "2024-03-14T10:30:00Z", "p-mask-empty",
         L("expired_token", "jwt_exp_passed",
           "RS256 token pasted as header.payload. (signature left out, not alg none): exp "
           "10:00:00Z is 30m before Date; not token_truncated")),
    ]
    for name, mask, issued, date, seed, label in masked:
        signed = jwt(claims(iat=t(issued)))
        tok = signed[:signed.rindex(".") + 1] + mask
        d = t(date)
        h, b = api_401(d, seed, 'Bearer realm="Example API", error="invalid_token"')
        http_file(name, [(
            f"curl -i -H 'Authorization: Bearer {tok}' https://api.example.com/v2/devices",
            X("GET", "https://api.example.com/v2/devices", 401, resp=h, rbody=b, date=d,
              reason="", label=label))])


def jsonl_cases():
    # --- Kong file-log: Authorization redacted by default -----------------------------------
    def kong(started, method, uri, status, req_headers, resp_headers, route, seed):
        return {"request": {"uri": uri, "url": f"https://api.example.com:8443{uri}",
                            "querystring": {}, "method": method, "headers": req_headers,
                            "size": 412, "tls": {"version": "TLSv1.3",
                                                 "cipher": "TLS_AES_256_GCM_SHA384",
                                                 "client_verify": "NONE"}},
                "upstream_uri": uri.split("?")[0],
                "response": {"status": status, "headers": resp_headers, "size": 611},
                "latencies": {"kong": 1, "proxy": 4 if status == 200 else -1, "request": 6,
                              "receive": 0},
                "tries": [{"balancer_latency": 0, "port": 8080,
                           "balancer_start": epoch(started) * 1000 + 118, "ip": "10.0.3.17"}]
                if status == 200 else [],
                "client_ip": "198.51.100.23", "started_at": epoch(started) * 1000 + 117,
                "route": {"id": uuid(route), "name": route, "paths": ["/" + route.replace(
                    "-", "/")], "protocols": ["https"], "strip_path": False,
                          "preserve_host": True},
                "service": {"id": uuid(route + "svc"), "name": route + "-api",
                            "host": route + ".internal", "port": 8080, "protocol": "http"},
                "workspace": uuid("ws"), "source": "upstream" if status == 200 else "kong",
                "upstream_status": str(status)}

    k0 = t("2024-03-21T10:05:11Z")
    base_req = {"host": "api.example.com", "user-agent": "okhttp/4.12.0",
                "accept": "application/json", "authorization": "REDACTED",
                "x-request-id": request_id("k-x")}
    rh = {"content-type": "application/json; charset=utf-8", "date": http_date(k0),
          "connection": "close", "via": "kong/3.6.1"}
    jsonl_file("kong-file-log.jsonl", [
        (kong(k0, "GET", "/v2/devices", 200, base_req,
              dict(rh, **{"x-kong-upstream-latency": "4", "x-kong-proxy-latency": "1",
                          "x-ratelimit-limit": "600"}), "v2-devices", "k0"), 200, None),
        (kong(k0 + timedelta(seconds=7), "GET", "/v2/policies", 401, base_req,
              dict(rh, date=http_date(k0 + timedelta(seconds=7)),
                   **{"www-authenticate": REALM, "x-kong-response-latency": "1"}),
              "v2-policies", "k1"), 401,
         L("unknown", "credential_redacted",
           "Kong file-log keeps request headers but writes authorization as REDACTED; the bare "
           "challenge says nothing")),
        (kong(k0 + timedelta(seconds=9), "GET", "/partners/v1/orders?since=2024-03-01", 401,
              {"host": "api.example.com", "user-agent": "curl/8.5.0", "accept": "*/*"},
              dict(rh, date=http_date(k0 + timedelta(seconds=9)),
                   **{"www-authenticate": 'Key realm="kong"', "x-kong-response-latency": "0"}),
              "partners-v1", "k2"), 401,
         L("missing_authorization", "no_authorization",
           "key-auth route; the logged request headers hold no apikey and no authorization")),
        (kong(k0 + timedelta(minutes=48), "GET", "/v2/devices", 401, base_req,
              dict(rh, date=http_date(k0 + timedelta(minutes=48)),
                   **{"www-authenticate": 'Bearer realm="Example API", error="invalid_token", '
                                          'error_description="The access token expired"',
                      "x-kong-response-latency": "1"}), "v2-devices", "k3"), 401,
         L("expired_token", "server_says_expired",
           "the challenge's 'The access token expired' decides (rule 2) although the logger "
           "redacted the credential (rule 4)")),
    ])

    # --- Envoy / Istio JSON access log with jwt_authn details ---------------------------
    def envoy(when, method, path, code, details, seed):
        rec = {"start_time": iso_z(when), "method": method, "path": path,
               "protocol": "HTTP/2", "response_code": code, "response_flags": "-",
               "response_code_details": details, "connection_termination_details": None,
               "upstream_transport_failure_reason": None, "bytes_received": 0,
               "bytes_sent": 0 if code == 401 else 512, "duration": 1 if code == 401 else 9,
               "upstream_service_time": None if code == 401 else "7",
               "x_forwarded_for": "198.51.100.23", "user_agent": "okhttp/4.12.0",
               "request_id": uuid(seed), "authority": "api.example.com",
               "upstream_host": None if code == 401 else "10.0.4.21:8080",
               "upstream_cluster": "outbound|8080||devices.api.svc.cluster.local",
               "upstream_local_address": None, "downstream_local_address": "10.0.1.12:8443",
               "downstream_remote_address": "198.51.100.23:50412",
               "requested_server_name": "api.example.com", "route_name": "default"}
        return rec

    e0 = t("2024-04-11T06:30:02.118Z")
    jsonl_file("envoy-jwt-authn.jsonl", [
        (envoy(e0, "GET", "/v2/devices", 200, "via_upstream", "e0"), 200, None),
        (envoy(e0 + timedelta(minutes=3), "GET", "/v2/devices", 401,
               "jwt_authn_access_denied{Jwt_is_expired}", "e1"), 401,
         L("expired_token", "server_says_expired", "Envoy jwt_authn 'Jwt is expired'")),
        (envoy(e0 + timedelta(minutes=4), "GET", "/v2/policies", 401,
               "jwt_authn_access_denied{Jwt_is_missing}", "e2"), 401,
         L("missing_authorization", "no_authorization",
           "Envoy 'Jwt is missing': a statement that nothing was sent (the log has no request "
           "headers)")),
        (envoy(e0 + timedelta(minutes=5), "POST", "/v2/devices/dev_4821/actions", 401,
               "jwt_authn_access_denied{Jwt_not_yet_valid}", "e3"), 401,
         L("clock_skew", "nbf_in_future", "Envoy 'Jwt not yet valid'")),
        (envoy(e0 + timedelta(minutes=6), "GET", "/v2/devices/dev_4821", 401,
               "jwt_authn_access_denied{Jwt_verification_fails}", "e4"), 401,
         L("invalid_token", "signature_invalid",
           "Envoy 'Jwt verification fails' (jwt_verify_lib JwtVerificationFail: the signature "
           "does not verify)")),
    ])

    # --- nginx escape=json with the Authorization and the challenge --------------------
    def nginx(when, host, method, uri, status, auth, challenge, seed, ua="axios/1.6.8"):
        return {"time": f"{when.astimezone(UTC):%Y-%m-%dT%H:%M:%S}+00:00",
                "remote_addr": "198.51.100.23", "host": host, "method": method, "uri": uri,
                "status": status, "body_bytes_sent": 189 if status == 401 else 1240,
                "request_time": 0.004, "http_user_agent": ua, "http_authorization": auth,
                "sent_http_www_authenticate": challenge, "request_id": hexid(seed, 32)}

    n0 = t("2024-05-28T07:59:58Z")
    fresh = jwt(claims(iat=t("2024-05-28T07:55:00Z"), sub="user_88a1f4"))
    old = jwt(claims(iat=t("2024-05-28T06:12:40Z"), sub="user_2be93c"))
    stg = jwt(claims(iat=t("2024-05-28T07:40:00Z"), iss=STAGING_ISS, aud=STAGING_AUD,
                     sub="user_2be93c"), kid="stg-2024-06")
    prom_bad = b64(b"prometheus:" + opaque("prom-old", 12).encode())
    jsonl_file("nginx-json.jsonl", [
        (nginx(n0, "api.example.com", "GET", "/v2/organizations/current", 401, "", REALM, "n0"),
         401, L("missing_authorization", "no_authorization",
                "empty http_authorization (recorded absent); the same method, host and path got "
                "200 with a Bearer token two seconds later (app bootstrapping before login)",
                resolved=True)),
        (nginx(n0 + timedelta(seconds=2), "api.example.com", "GET", "/v2/organizations/current",
               200, "Bearer " + fresh, "", "n1"), 200, None),
        (nginx(n0 + timedelta(seconds=3), "api.example.com", "GET", "/v2/devices?page=1", 200,
               "Bearer " + fresh, "", "n2"), 200, None),
        (nginx(n0 + timedelta(minutes=31), "api.example.com", "GET", "/v2/devices?page=1", 401,
               "Bearer " + old, 'Bearer realm="Example API", error="invalid_token"', "n3"), 401,
         L("expired_token", "jwt_exp_passed",
           "exp 07:12:40Z is 1h18m18s before the log time 08:30:58Z")),
        (nginx(n0 + timedelta(minutes=32), "api.example.com", "GET", "/v2/policies", 401,
               "Bearer " + stg, REALM, "n4"), 401,
         L("invalid_token", "wrong_environment",
           "issuer auth.staging.example.com on api.example.com; claims pass at the log time")),
        (nginx(n0 + timedelta(minutes=33), "ops.example.com", "GET", "/metrics", 401,
               "Basic Og==", 'Basic realm="metrics"', "n5", ua="Prometheus/2.51.2"), 401,
         L("missing_authorization", "empty_credentials",
           "Basic Og== (empty user and password) from a scrape config with unset credentials")),
        (nginx(n0 + timedelta(minutes=33, seconds=15), "ops.example.com", "GET", "/metrics",
               401, "Basic " + prom_bad, 'Basic realm="metrics"', "n6", ua="Prometheus/2.51.2"),
         401, L("revoked_credentials", "credentials_rejected",
                "a static Basic password refused with no statement: rule 12, long-lived "
                "credential refused")),
        (nginx(n0 + timedelta(minutes=38), "api.example.com", "GET", "/v2/policies", 200,
               "Bearer " + fresh, "", "n7"), 200, None),
        (nginx(n0 + timedelta(minutes=41), "api.example.com", "GET", "/v2/policies", 401,
               "Bearer " + fresh, REALM, "n8"), 401,
         L("invalid_token", "token_revoked",
           "no statement (a bare challenge; nginx logs no body); the same token got 200s at "
           "[1], [2] and [7] and its exp 08:55:00Z is 14m02s after the log time: history "
           "(rule 11b)")),
    ])

    # --- Kubernetes audit: failed authentication events ---------------------------------
    def audit(stage, when, verb, uri, code=None, message=None, user=None, seed="a"):
        rec = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
               "auditID": uuid(seed), "stage": stage, "requestURI": uri, "verb": verb,
               "user": user or {}, "sourceIPs": ["10.20.3.41"],
               "userAgent": "kubectl/v1.30.2 (linux/amd64) kubernetes/39683505"}
        if code is not None:
            status = {"metadata": {}, "code": code}
            if message:
                status = {"metadata": {}, "status": "Failure", "message": message,
                          "reason": "Unauthorized", "code": code}
            rec["responseStatus"] = status
        rec["requestReceivedTimestamp"] = iso_z(when, 6)
        rec["stageTimestamp"] = iso_z(when + timedelta(microseconds=812), 6)
        return rec

    a0 = t("2024-10-14T03:17:50.101000Z")
    sa_user = {"username": "system:serviceaccount:monitoring:prom-agent",
               "uid": uuid("sa-uid"), "groups": ["system:serviceaccounts",
                                                 "system:serviceaccounts:monitoring",
                                                 "system:authenticated"]}
    jsonl_file("k8s-audit.jsonl", [
        (audit("RequestReceived", a0, "list", "/api/v1/namespaces/monitoring/pods",
               user=sa_user, seed="a0"), None, None),
        (audit("ResponseComplete", a0, "list", "/api/v1/namespaces/monitoring/pods", 200,
               user=sa_user, seed="a0"), 200, None),
        (audit("ResponseStarted", a0 + timedelta(seconds=1), "watch",
               "/api/v1/namespaces/monitoring/pods?watch=true&resourceVersion=88412", 200,
               user=sa_user, seed="a1"), None, None),
        (audit("ResponseStarted", a0 + timedelta(seconds=2), "list", "/api/v1/namespaces", 401,
               "Authentication failed, no credentials provided", seed="a2"), 401,
         L("missing_authorization", "no_authorization",
           "k8s audit 'Authentication failed, no credentials provided'")),
        (audit("ResponseStarted", a0 + timedelta(seconds=5), "get",
               "/api/v1/namespaces/monitoring/configmaps/prom-agent", 401,
               "Authentication failed, attempted: bearer", seed="a3"), 401,
         L("unknown", "credential_not_recorded",
           "'attempted: bearer' names several causes and audit logs never hold the token; what "
           "would decide is the credential")),
        (audit("ResponseStarted", a0 + timedelta(seconds=65), "get",
               "/api/v1/namespaces/monitoring/secrets/prom-agent-tls", 401,
               "Authentication failed, attempted: bearer", seed="a4"), 401,
         L("unknown", "credential_not_recorded", "as above")),
        (audit("ResponseComplete", a0 + timedelta(seconds=300), "watch",
               "/api/v1/namespaces/monitoring/pods?watch=true&resourceVersion=88412", 200,
               user=sa_user, seed="a1"), 200, None),
    ])

    # --- AWS API Gateway access log -------------------------------------------------------
    def apigw(when, method, path, status, error, authorizer="-", seed="g"):
        return {"requestId": uuid(seed), "ip": "198.51.100.23", "requestTime": clf(when),
                "requestTimeEpoch": str(epoch(when) * 1000 + 412),
                "domainName": "api.example.com", "httpMethod": method,
                "resourcePath": path, "status": str(status), "protocol": "HTTP/1.1",
                "responseLength": "42" if status == 401 else "1240", "errorMessage": error,
                "authorizerError": authorizer, "integrationStatus": "-" if status == 401
                else "200"}

    g0 = t("2024-05-09T09:15:03Z")
    jsonl_file("apigw-access.jsonl", [
        (apigw(g0 - timedelta(minutes=74), "GET", "/v2/devices", 200, "-", seed="g0"), 200, None),
        (apigw(g0, "GET", "/v2/devices", 401, "The incoming token has expired", seed="g1"), 401,
         L("expired_token", "server_says_expired",
           "API Gateway errorMessage 'The incoming token has expired'")),
        (apigw(g0 + timedelta(seconds=40), "GET", "/v2/devices", 200, "-", seed="g2"), 200, None),
        (apigw(g0 + timedelta(minutes=9), "GET", "/v2/policies", 401, "Unauthorized",
               seed="g3"), 401,
         L("unknown", "credential_not_recorded",
           "'Unauthorized' names several causes; access logs never hold request headers")),
    ])

    # --- pino-http + express-jwt -----------------------------------------------------------
    def pino(when, method, url, status, headers, err, seed, level=30):
        rec = {"level": level, "time": epoch(when) * 1000 + 123, "pid": 41,
               "hostname": "devices-api-7c9f5d8b6-x2mpl",
               "req": {"id": int(hexid(seed, 4), 16) % 9000, "method": method, "url": url,
                       "query": {}, "params": {}, "headers": headers,
                       "remoteAddress": "::ffff:10.0.2.15", "remotePort": 51234},
               "res": {"statusCode": status,
                       "headers": {"x-powered-by": "Express",
                                   "content-type": "application/json; charset=utf-8",
                                   "content-length": "62"}}}
        if err:
            rec["err"] = err
        rec["responseTime"] = 3
        rec["msg"] = "request errored" if err else "request completed"
        return rec

    p0 = t("2024-03-11T09:58:20Z")
    good = jwt(claims(iat=t("2024-03-11T09:30:00Z"), sub="user_51c0e2"))
    expired = jwt(claims(iat=t("2024-03-11T08:44:10Z"), sub="user_77d013"))
    revoked = jwt(claims(iat=t("2024-03-11T09:40:00Z"), sub="user_3fa2c8"))

    def hdrs(auth=None):
        h = {"host": "api.example.com", "user-agent": "ExampleMobile/5.2.0 (Android 14)",
             "accept": "application/json", "accept-encoding": "gzip"}
        if auth is not None:
            h["authorization"] = auth
        return h

    def unauthorized(code, message, inner=None):
        err = {"type": "UnauthorizedError", "message": message,
               "stack": f"UnauthorizedError: {message}\n    at /app/node_modules/express-jwt/"
                        "dist/index.js:124:39",
               "code": code, "status": 401}
        if inner:
            err["inner"] = inner
        return err

    jsonl_file("pino-express-jwt.jsonl", [
        ('{"level":30,"time":%d,"pid":41,"hostname":"devices-api-7c9f5d8b6-x2mpl",'
         '"msg":"server listening on :8080"}' % (epoch(p0) * 1000 - 3600000), None, None),
        (pino(p0, "GET", "/v2/devices", 200, hdrs("Bearer " + good), None, "p0"), 200, None),
        (pino(p0 + timedelta(seconds=20), "GET", "/v2/devices", 401, hdrs("Bearer " + expired),
              unauthorized("invalid_token", "jwt expired",
                           {"name": "TokenExpiredError", "message": "jwt expired",
                            "expiredAt": iso_z(t("2024-03-11T09:44:10Z"))}), "p1", 40), 401,
         L("expired_token", "server_says_expired",
           "express-jwt invalid_token wrapping jsonwebtoken 'jwt expired'; exp also passed")),
        (pino(p0 + timedelta(seconds=41), "GET", "/v2/devices/dev_4821", 401,
              hdrs("Bearer " + revoked),
              unauthorized("revoked_token", "The token has been revoked."), "p2", 40), 401,
         L("invalid_token", "token_revoked",
           "express-jwt revoked_token 'The token has been revoked.' (a single access token)")),
        (pino(p0 + timedelta(seconds=58), "GET", "/v2/policies", 401, hdrs(),
              unauthorized("credentials_required", "No authorization token was found"), "p3", 40),
         401, L("missing_authorization", "no_authorization",
                "express-jwt credentials_required; the logged headers hold no authorization")),
        (pino(p0 + timedelta(seconds=75), "GET", "/v2/policies", 401, hdrs(good),
              unauthorized("credentials_bad_format", "Format is Authorization: Bearer [token]"),
              "p4", 40), 401,
         L("missing_authorization", "no_scheme",
           "express-jwt credentials_bad_format; the logged authorization is a JWT without "
           "'Bearer '")),
    ])

    # --- ECS request log of an ASP.NET service (IdentityModel messages with times) -------
    def ecs(when, status, message, error=None, seed="x"):
        rec = {"@timestamp": iso_offset(when, 0, 7), "log.level": "Information",
               "message": message, "ecs.version": "8.6.0", "http.request.method": "GET",
               "url.full": "https://api.example.com/v2/devices", "url.path": "/v2/devices",
               "http.response.status_code": status, "service.name": "devices-api",
               "trace.id": hexid(seed + "tr", 32), "transaction.id": hexid(seed + "tx", 16)}
        if error:
            rec["log.level"] = "Warning"
            rec["error.message"] = error
        return rec

    x0 = t("2024-03-11T08:14:09.447123Z")
    jsonl_file("ecs-identitymodel.jsonl", [
        (ecs(x0 - timedelta(minutes=2), 200, "HTTP GET /v2/devices responded 200 in 8.1031 ms",
             seed="x0"), 200, None),
        (ecs(x0, 401, "HTTP GET /v2/devices responded 401 in 2.0914 ms",
             "IDX10222: Lifetime validation failed. The token is not yet valid. ValidFrom "
             "(UTC): '03/11/2024 08:19:30', Current time (UTC): '03/11/2024 08:14:09'.",
             seed="x1"), 401,
         L("clock_skew", "nbf_in_future",
           "IDX10222 with its own times: valid from 08:19:30, 5m21s after the stated current "
           "time 08:14:09")),
        (ecs(x0 + timedelta(minutes=16), 401, "HTTP GET /v2/devices responded 401 in 1.7760 ms",
             "IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): "
             "'03/11/2024 08:14:00', Current time (UTC): '03/11/2024 08:30:09'.", seed="x2"),
         401, L("expired_token", "server_says_expired",
                "IDX10223: ValidTo 08:14:00 is 16m09s before the stated current time")),
    ])

    # --- Caddy access log with its default credential redaction ---------------------------
    def caddy(when, method, uri, status, resp_headers, seed):
        return {"level": "error" if status >= 400 else "info", "ts": round(when.timestamp(), 3),
                "logger": "http.log.access.log0", "msg": "handled request",
                "request": {"remote_ip": "198.51.100.23", "remote_port": "51544",
                            "client_ip": "198.51.100.23", "proto": "HTTP/2.0",
                            "method": method, "host": "api.example.com", "uri": uri,
                            "headers": {"Authorization": ["REDACTED"],
                                        "User-Agent": ["ExampleSync/1.9"],
                                        "Accept": ["application/json"]},
                            "tls": {"resumed": False, "version": 772, "cipher_suite": 4865,
                                    "proto": "h2", "server_name": "api.example.com"}},
                "bytes_read": 0, "user_id": "", "duration": 0.0021, "size": 0,
                "status": status, "resp_headers": resp_headers}

    c0 = t("2024-02-20T08:29:10.412Z")
    jsonl_file("caddy-access.jsonl", [
        (caddy(c0, "GET", "/v2/devices", 200, {"Server": ["Caddy"],
                                               "Content-Type": ["application/json"]}, "c0"),
         200, None),
        (caddy(c0 + timedelta(seconds=12), "GET", "/v2/logs/audit?since=2024-02-19", 401,
               {"Server": ["Caddy"], "Www-Authenticate": [
                   'Bearer realm="Example API", error="insufficient_scope", error_description='
                   '"Token lacks required scope", scope="logs:read admin"']}, "c1"), 401,
         L("insufficient_scope", "server_says_insufficient_scope",
           "insufficient_scope challenge (rule 2) although Caddy redacted Authorization")),
        (caddy(c0 + timedelta(seconds=40), "GET", "/v2/policies", 401,
               {"Server": ["Caddy"], "Www-Authenticate": [REALM]}, "c2"), 401,
         L("unknown", "credential_redacted",
           "Caddy logs Authorization as [\"REDACTED\"]; bare challenge")),
    ])


def profile_cases():
    folder = "with-profile"
    # --- lower-case scheme, strict profile -------------------------------------------------
    tok = jwt(claims(iat=t("2024-09-12T08:00:00Z")))
    s = t("2024-09-12T08:20:31.775Z")
    h, b = api_401(s, "wp-case")
    har("scheme-case.har", "chrome", [
        X("GET", "https://api.example.com/v2/devices?page=1&per_page=50", 401,
          req=[("Authorization", "bearer " + tok)], resp=h, rbody=b, started=s, date=s,
          label=L("missing_authorization", "scheme_case",
                  "lower-case 'bearer' and the profile sets strict_scheme_case for "
                  "api.example.com")),
    ], folder=folder)

    # --- not a JWT where the profile says jwt -------------------------------------------
    d = t("2024-09-12T08:25:02Z")
    h, b = api_401(d, "wp-opaque")
    curl_file("not-a-jwt.curl.txt", [Curl().hop(
        X("GET", "https://api.example.com/v2/policies", 401,
          req=[("Authorization", "Bearer 2YotnFZFEjr1zCsicMWpAA")], resp=h, rbody=b, date=d,
          label=L("invalid_token", "not_a_jwt",
                  "an opaque value where the profile's token_format is jwt")))], folder=folder)

    # --- scope table: PUT /v2/policies/{id} needs write or policies:write --------------
    tok = jwt(claims(iat=t("2024-09-12T08:00:00Z"), scope="read devices:read"))
    d = t("2024-09-12T08:31:47Z")
    h, _ = api_401(d, "wp-scope")
    http_file("scope-not-granted.http.txt", [(
        "curl -i -X PUT https://api.example.com/v2/policies/pol_77 -H 'Content-Type: "
        f"application/json' -H 'Authorization: Bearer {tok}' -d '{{\"mode\":\"eco\"}}'",
        X("PUT", "https://api.example.com/v2/policies/pol_77", 401, resp=h, rbody=REF_BODY_SHORT,
          date=d, reason="",
          label=L("insufficient_scope", "scope_not_granted",
                  "PUT /v2/policies/{id} needs write or policies:write; the token has read "
                  "devices:read; rule 10 before rule 12's token_rejected")))], folder=folder)

    # --- staging token deleting an organization: environment (9) before scope (10) ------
    stg = jwt(claims(iat=t("2024-09-12T08:00:00Z"), iss=STAGING_ISS, aud=STAGING_AUD,
                     scope="read"), kid="stg-2024-06")
    n = t("2024-09-12T08:40:12Z")
    jsonl_file("staging-delete.jsonl", [
        ({"time": f"{n:%Y-%m-%dT%H:%M:%S}+00:00", "remote_addr": "198.51.100.23",
          "host": "api.example.com", "method": "DELETE", "uri": "/v2/organizations/org_1942",
          "status": 401, "body_bytes_sent": 189, "request_time": 0.003,
          "http_user_agent": "axios/1.6.8", "http_authorization": "Bearer " + stg,
          "sent_http_www_authenticate": REALM, "request_id": hexid("wp-stg", 32)}, 401,
         L("invalid_token", "wrong_environment",
           "rules 9-10: the staging token belongs to no environment of api.example.com (rule 9) "
           "and lacks admin for DELETE /v2/organizations/{id} (rule 10); environment wins")),
    ], folder=folder)

    # --- worked on GET /v2/devices, bare 401 on DELETE: scope (10) before history (11) ---
    tok = jwt(claims(iat=t("2024-09-12T09:00:00Z"), scope="read devices:read"))
    auth = [("Authorization", "Bearer " + tok)]
    s0, s1, s2 = (t("2024-09-12T09:12:40.100Z"), t("2024-09-12T09:12:55.020Z"),
                  t("2024-09-12T09:12:55.210Z"))
    h, b = api_401(s2, "wp-hist")
    har("scope-after-success-bare.har", "chrome", [
        X("GET", "https://api.example.com/v2/devices?page=1&per_page=50", 200, req=auth,
          resp=api_200("wp-hist-0", "")[0], rbody=devices_json("wp-hist-0"),
          started=s0, date=s0),
        X("OPTIONS", "https://api.example.com/v2/organizations/org_5f2a9c", 204,
          req=[("Access-Control-Request-Method", "DELETE"),
               ("Access-Control-Request-Headers", "authorization")],
          resp=[("Access-Control-Allow-Origin", "https://portal.example.com"),
                ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"),
                ("Access-Control-Allow-Headers", "authorization, content-type"),
                ("Server", "envoy")], started=s1, date=s1),
        X("DELETE", "https://api.example.com/v2/organizations/org_5f2a9c", 401, req=auth,
          resp=h, rbody=b, started=s2, date=s2,
          label=L("insufficient_scope", "scope_not_granted",
                  "rules 10-11: the same token got 200 on GET /v2/devices (11b would say "
                  "token_revoked) but DELETE /v2/organizations/{id} needs admin (rule 10)")),
    ], folder=folder)


def keys_cases():
    folder = "with-keys"
    good_key = rsa_key("why401-cases-good-key")
    other_key = rsa_key("why401-cases-other-key")
    good = rs256_signer(good_key)
    other = rs256_signer(other_key)
    write(f"{REL}/keys/jwks.json",
          json.dumps({"keys": [jwk(good_key, "k-2024-03")]}, indent=2) + "\n")

    base = t("2024-03-26T10:00:00Z")
    s = [base + timedelta(minutes=20, seconds=i * 7, milliseconds=150) for i in range(8)]
    g1 = jwt(claims(iat=base), signer=good)
    o1 = jwt(claims(iat=base, sub="user_0c77e1"), signer=other)
    u1 = jwt(claims(iat=base, sub="user_a41b09"), kid="k-2023-11", signer=other)
    o2 = jwt(claims(iat=base - timedelta(hours=2), sub="user_5d20fa"), signer=other)
    none = jwt(claims(iat=base, sub="user_e3f118"), header={"alg": "none", "typ": "JWT"})
    g_cut = jwt(claims(iat=base, sub="user_71aa02"), signer=good)
    g_cut = g_cut[:g_cut.rindex(".") + 1 + 200]
    g2 = jwt(claims(iat=base - timedelta(hours=3), sub="user_90b3c4"), signer=good)
    g3 = jwt(claims(iat=base, sub="user_b8e2d6"), signer=good)

    def call(i, token, label, status=401):
        h, b = api_401(s[i], f"keys-{i}")
        if status == 200:
            h, b = api_200(f"keys-{i}", devices_json(f"keys-{i}"))
        return X("GET", "https://api.example.com/v2/devices", status,
                 req=[("authorization", "Bearer " + token),
                      ("user-agent", "example-sdk-python/3.4.1")],
                 resp=h, rbody=b, started=s[i], date=s[i], label=label)

    har("signatures.har", "mitmproxy", [
        call(0, g1, None, 200),
        call(1, o1, L("invalid_token", "signature_invalid",
                      "kid k-2024-03 is in the key set but the token was signed by another key; "
                      "claims pass")),
        call(2, u1, L("invalid_token", "signature_invalid",
                      "kid k-2023-11 is not in the key set")),
        call(3, o2, L("invalid_token", "signature_invalid",
                      "rules 7-8: signed by another key (rule 7) and exp 09:00:00Z passed "
                      "(rule 8); signature wins")),
        call(4, none, L("invalid_token", "alg_none", "alg none with keys given")),
        call(5, g_cut, L("invalid_token", "token_truncated",
                         "rules 6-7: signature segment cut to 200 characters (rule 6); it cannot "
                         "verify either (rule 7); form wins")),
        call(6, g2, L("expired_token", "jwt_exp_passed",
                      "signature verifies; exp 08:00:00Z is 2h20m42s before Date")),
        call(7, g3, L("invalid_token", "token_rejected",
                      "signature verifies and claims pass; 'invalid or has expired' with expiry "
                      "ruled out: rule 12")),
    ], folder=folder)


# ---------------------------------------------------------------------------------------------
# Ticket text: what customers paste (client exceptions, CLI errors, object dumps, log lines,
# fragments, quoted pastes). One case per shape; every response the text reports is one
# exchange, in order of appearance; a response restated (an exception and its wrapper, a log
# line and the exception it caused, a status printed again by the customer) counts once, and
# prose mentioning a status is not a response.


def ticket_file(name, text, labels):
    """labels: one label per exchange the text reports, in order (None for a non-401)."""
    rel = f"{REL}/ticket/{name}"
    for index, label in enumerate(labels):
        record(rel, index, 401 if label is not None else 200, label)
    write(rel, text)


def lines(*parts):
    return "\n".join(parts) + "\n"


def ticket_cases():
    # (1) client exceptions -------------------------------------------------------------
    ticket_file("java-spring-resttemplate.log", lines(
        "2024-05-14 09:12:44.318 ERROR 23112 --- [   scheduling-1] c.e.portal.devices.DeviceSyncJob"
        "         : device sync failed",
        "",
        "com.example.portal.devices.DeviceSyncException: listing devices failed",
        "\tat com.example.portal.devices.DevicesClient.list(DevicesClient.java:64) ~[classes/:na]",
        "\tat com.example.portal.devices.DeviceSyncJob.run(DeviceSyncJob.java:38) ~[classes/:na]",
        "\tat org.springframework.scheduling.support.ScheduledMethodRunnable.run("
        "ScheduledMethodRunnable.java:84) ~[spring-context-5.3.31.jar:5.3.31]",
        "\tat java.base/java.lang.Thread.run(Thread.java:840) ~[na:na]",
        "Caused by: org.springframework.web.client.HttpClientErrorException$Unauthorized: 401 "
        "Unauthorized: \"{\"error\":\"invalid_token\",\"error_description\":\"Jwt expired at "
        "2024-05-14T08:55:00Z\"}\"",
        "\tat org.springframework.web.client.HttpClientErrorException.create("
        "HttpClientErrorException.java:106) ~[spring-web-5.3.31.jar:5.3.31]",
        "\tat org.springframework.web.client.DefaultResponseErrorHandler.handleError("
        "DefaultResponseErrorHandler.java:183) ~[spring-web-5.3.31.jar:5.3.31]",
        "\tat org.springframework.web.client.RestTemplate.handleResponse(RestTemplate.java:819)"
        " ~[spring-web-5.3.31.jar:5.3.31]",
        "\tat org.springframework.web.client.RestTemplate.exchange(RestTemplate.java:602)"
        " ~[spring-web-5.3.31.jar:5.3.31]",
        "\tat com.example.portal.devices.DevicesClient.list(DevicesClient.java:58) ~[classes/:na]",
        "\t... 4 common frames omitted"),
        [L("expired_token", "server_says_expired",
           "Spring RestTemplate exception quoting the body 'Jwt expired at ...'; the wrapper "
           "and its Caused by are one response")])

    ticket_file("dotnet-httpclient.log", lines(
        "info: System.Net.Http.HttpClient.DevicesApi.LogicalHandler[100]",
        "      Start processing HTTP request GET https://api.example.com/v2/devices?pageSize=50",
        "info: System.Net.Http.HttpClient.DevicesApi.ClientHandler[100]",
        "      Sending HTTP request GET https://api.example.com/v2/devices?pageSize=50",
        "info: System.Net.Http.HttpClient.DevicesApi.ClientHandler[101]",
        "      Received HTTP response headers after 38.6123ms - 401",
        "info: System.Net.Http.HttpClient.DevicesApi.LogicalHandler[101]",
        "      End processing HTTP request after 41.0087ms - 401",
        "warn: Example.Portal.Devices.DevicesClient[0]",
        "      Devices API refused the call: WWW-Authenticate: Bearer error=\"invalid_token\", "
        "error_description=\"The audience 'https://api.staging.example.com' is invalid\"",
        "fail: Example.Portal.Devices.SyncWorker[0]",
        "      Device sync failed",
        "      System.Net.Http.HttpRequestException: Response status code does not indicate "
        "success: 401 (Unauthorized).",
        "         at System.Net.Http.HttpResponseMessage.EnsureSuccessStatusCode()",
        "         at Example.Portal.Devices.DevicesClient.ListAsync(Int32 pageSize, "
        "CancellationToken ct) in /src/Example.Portal/Devices/DevicesClient.cs:line 57",
        "         at Example.Portal.Devices.SyncWorker.ExecuteAsync(CancellationToken "
        "stoppingToken) in /src/Example.Portal/Devices/SyncWorker.cs:line 33"),
        [L("invalid_token", "wrong_environment",
           ".NET HttpClient logging (two '- 401' lines), the app's challenge log and "
           "HttpRequestException all report one response; the challenge names a staging audience")])

    ticket_file("python-requests-traceback.txt", lines(
        "Traceback (most recent call last):",
        "  File \"/opt/reports/export.py\", line 112, in <module>",
        "    main()",
        "  File \"/opt/reports/export.py\", line 97, in main",
        "    rows = fetch_page(session, cursor)",
        "  File \"/opt/reports/export.py\", line 41, in fetch_page",
        "    resp.raise_for_status()",
        "  File \"/opt/reports/.venv/lib/python3.11/site-packages/requests/models.py\", "
        "line 1021, in raise_for_status",
        "    raise HTTPError(http_error_msg, response=self)",
        "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: "
        "https://api.example.com/v2/logs/audit?cursor=c_81f0a2&limit=500",
        "",
        "I added print(resp.status_code, resp.text) before raise_for_status and got:",
        "",
        "401 {\"error\":\"invalid_token\",\"error_description\":\"The token has been revoked\"}"),
        [L("invalid_token", "token_revoked",
           "requests HTTPError, then the same response's status and body printed by the "
           "customer: one response; the body says the token was revoked")])

    ticket_file("go-error-string.txt", lines(
        "$ ./release-notes --repo platform/device-agent --since v2.3.0",
        "Error: listing pull requests: GET https://git.example.com/api/v3/repos/platform/"
        "device-agent/pulls?per_page=100&state=closed: 401 Bad credentials []",
        "exit status 1"),
        [L("revoked_credentials", "credentials_rejected",
           "go-github style error string; 'Bad credentials' is a stored token refused")])

    tok = jwt(claims(iat=t("2024-05-14T07:00:00Z"), sub="user_3f9a1c", client_id="portal-sync"))
    ticket_file("node-axios-error.txt", lines(
        "sync failed: AxiosError: Request failed with status code 401",
        "    at settle (/srv/portal-sync/node_modules/axios/dist/node/axios.cjs:2019:12)",
        "    at IncomingMessage.handleStreamEnd (/srv/portal-sync/node_modules/axios/dist/node/"
        "axios.cjs:3135:11)",
        "    at IncomingMessage.emit (node:events:531:35)",
        "    at endReadableNT (node:internal/streams/readable:1696:12)",
        "    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)",
        "    at Axios.request (/srv/portal-sync/node_modules/axios/dist/node/axios.cjs:4287:41)",
        "    at async syncDevices (/srv/portal-sync/src/sync.js:41:22)",
        "error.config.url: https://api.example.com/v2/devices?updated_since=2024-05-13",
        "error.config.headers: Object [AxiosHeaders] {",
        "  Accept: 'application/json, text/plain, */*',",
        f"  Authorization: 'Bearer {tok}',",
        "  'User-Agent': 'axios/1.6.8',",
        "  'Accept-Encoding': 'gzip, compress, deflate, br'",
        "}",
        "error.response.headers: Object [AxiosHeaders] {",
        f"  date: '{http_date(t('2024-05-14T08:17:26Z'))}',",
        "  'content-type': 'application/json; charset=utf-8',",
        "  'content-length': '26',",
        "  connection: 'close',",
        "  'www-authenticate': 'Bearer realm=\"example\"'",
        "}",
        "error.response.data: { message: 'Unauthorized' }"),
        [L("expired_token", "jwt_exp_passed",
           "axios error with config and response dumps; 'Unauthorized' decides nothing, the "
           "JWT's exp 08:00:00Z is 17m26s before the response date 08:17:26Z (rule 8)")])

    ticket_file("powershell-invoke-restmethod.txt", lines(
        "PS C:\\Users\\ops> Invoke-RestMethod -Uri \"https://api.example.com/v2/sites\" "
        "-Headers $headers",
        "Invoke-RestMethod : The remote server returned an error: (401) Unauthorized.",
        "At line:1 char:1",
        "+ Invoke-RestMethod -Uri \"https://api.example.com/v2/sites\" -Headers $h ...",
        "+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        "    + CategoryInfo          : InvalidOperation: (System.Net.HttpWebRequest:"
        "HttpWebRequest) [Invoke-RestMethod], WebException",
        "    + FullyQualifiedErrorId : WebCmdletWebResponseException,Microsoft.PowerShell."
        "Commands.InvokeRestMethodCommand"),
        [L("unknown", "credential_not_recorded",
           "Windows PowerShell 5.1 WebException: the headers came from a variable the paste "
           "does not show, and 'Unauthorized' decides nothing")])

    # (2) CLI tools ---------------------------------------------------------------------
    ticket_file("npm-e401.txt", lines(
        "$ npm install",
        "npm ERR! code E401",
        "npm ERR! 401 Unauthorized - GET https://npm.pkg.example.com/@acme%2fwidgets - "
        "authentication token not provided",
        "",
        "npm ERR! A complete log of this run can be found in:",
        "npm ERR!     /home/dev/.npm/_logs/2024-07-02T10_14_55_318Z-debug-0.log"),
        [L("missing_authorization", "no_authorization",
           "npm E401 and its '401 Unauthorized - GET' line are one response; the registry "
           "says no token was provided")])

    ticket_file("docker-login.txt", lines(
        "$ docker login registry.example.com",
        "Username: ci-publisher",
        "Password:",
        "Error response from daemon: login attempt to https://registry.example.com/v2/ failed "
        "with status: 401 Unauthorized"),
        [L("revoked_credentials", "credentials_rejected",
           "docker login sent a typed static password (docker refuses an empty one) and the "
           "registry refused it without another statement: a long-lived credential refused "
           "(rule 12)")])

    ticket_file("kubectl-unauthorized.txt", lines(
        "$ kubectl --context prod-eu get pods -n devices",
        "error: You must be logged in to the server (Unauthorized)"),
        [L("unknown", "credential_not_recorded",
           "kubectl's 401 form; the kubeconfig credential is not in the paste and "
           "'Unauthorized' decides nothing")])

    ticket_file("git-auth-failed.txt", lines(
        "$ git clone https://git.example.com/platform/device-agent.git",
        "Cloning into 'device-agent'...",
        "remote: Your personal access token expired on 2024-05-01. Generate a new token and "
        "update your credential helper.",
        "fatal: Authentication failed for 'https://git.example.com/platform/device-agent.git/'"),
        [L("expired_token", "server_says_expired",
           "git's 401 form (no status digits); the remote: line is the server saying the "
           "personal token expired")])

    ticket_file("gh-bad-credentials.txt", lines(
        "$ gh pr list --repo platform/device-agent",
        "HTTP 401: Bad credentials (https://github.example.com/api/graphql)",
        "Try authenticating with:  gh auth login"),
        [L("revoked_credentials", "credentials_rejected",
           "gh's HTTPError against an Enterprise host; the stored token refused "
           "('Bad credentials')")])

    # (3) object dumps ------------------------------------------------------------------
    d = t("2024-05-14T09:20:31Z")
    ticket_file("python-repr-dict.log", lines(
        "2024-05-14 11:20:31,402 ERROR devices.client: action failed: {'status': 401, "
        "'method': 'POST', 'url': 'https://api.example.com/v2/devices/dev_8842/actions', "
        f"'headers': {{'Date': '{http_date(d)}', 'Content-Type': 'application/json', "
        "'WWW-Authenticate': 'Bearer realm=\"example\", error=\"insufficient_scope\", "
        "scope=\"devices:manage\"'}, 'body': {'error': 'insufficient_scope', "
        "'error_description': 'The token does not have the devices:manage scope'}}"),
        [L("insufficient_scope", "server_says_insufficient_scope",
           "Python repr of a response dict with 'status': 401; the challenge and body say "
           "insufficient_scope")])

    tok = jwt(claims(iat=t("2024-05-15T16:10:00Z"), sub="user_77c0d4", client_id="kiosk-php"))
    ticket_file("php-print-r.txt", lines(
        "Array",
        "(",
        "    [request] => Array",
        "        (",
        "            [method] => GET",
        "            [url] => https://api.example.com/v2/policies?site=s_311",
        "            [headers] => Array",
        "                (",
        "                    [Accept] => application/json",
        f"                    [Authentication] => Bearer {tok}",
        "                )",
        "",
        "        )",
        "",
        "    [response] => Array",
        "        (",
        "            [status] => 401",
        "            [headers] => Array",
        "                (",
        f"                    [Date] => {http_date(t('2024-05-15T16:45:02Z'))}",
        "                    [Content-Type] => application/json",
        "                    [WWW-Authenticate] => Bearer realm=\"example\"",
        "                )",
        "",
        "            [body] => {\"message\":\"Unauthorized\"}",
        "        )",
        "",
        ")"),
        [L("missing_authorization", "wrong_header_name",
           "PHP print_r of request and response; the token went in 'Authentication:' and "
           "'Unauthorized' decides nothing (rule 5)")])

    d = t("2024-05-16T07:31:09Z")
    tok = jwt(claims(iat=d + timedelta(minutes=10), nbf=None, sub="agent_0d51",
                     client_id="device-agent", scope="devices:register"))
    ticket_file("go-http-response.txt", lines(
        "device-agent: register failed (POST https://api.example.com/v2/devices)",
        f"request headers: map[Authorization:[Bearer {tok}] Content-Type:[application/json] "
        "User-Agent:[device-agent/2.3.0]]",
        "response: &http.Response{Status:\"401 Unauthorized\", StatusCode:401, "
        "Proto:\"HTTP/1.1\", ProtoMajor:1, ProtoMinor:1, Header:http.Header{"
        "\"Content-Length\":[]string{\"0\"}, "
        f"\"Date\":[]string{{\"{http_date(d)}\"}}, "
        "\"Www-Authenticate\":[]string{\"Bearer realm=\\\"example\\\"\"}}, "
        "Body:http.noBody{}, ContentLength:0, TransferEncoding:[]string(nil), Close:false, "
        "Uncompressed:false, Trailer:http.Header(nil), Request:(*http.Request)(0xc0001b2000), "
        "TLS:(*tls.ConnectionState)(0xc0000f2420)}"),
        [L("clock_skew", "iat_in_future",
           "Go %#v of http.Response plus the logged request headers; the JWT's iat is 10m "
           "after the response Date (no nbf claim)")])

    # (4) log lines ---------------------------------------------------------------------
    ticket_file("json-log-msg.log", lines(
        json.dumps({"level": "info", "ts": "2024-05-16T11:02:45.071Z", "logger": "billing.tokens",
                    "msg": "requesting token", "grant_type": "client_credentials",
                    "client_id": "billing-exporter"}, separators=(",", ":")),
        json.dumps({"level": "error", "ts": "2024-05-16T11:02:45.118Z",
                    "logger": "billing.tokens",
                    "msg": "token request failed: POST https://auth.example.com/oauth/token "
                           "status=401 body={\"error\":\"invalid_client\",\"error_description\":"
                           "\"The client secret has expired\"}",
                    "grant_type": "client_credentials", "client_id": "billing-exporter"},
                   separators=(",", ":"))),
        [L("revoked_credentials", "client_secret_expired",
           "a JSON log line whose msg embeds status=401 and the token endpoint's body; the "
           "first line is no response")])

    ticket_file("logfmt.log", lines(
        "time=2024-05-16T12:20:07.412Z level=warn service=gateway msg=\"request rejected\" "
        "method=GET host=api.example.com path=/v2/policies status=401 duration_ms=3 "
        "request_id=9c1e0f42d7 error=\"token is expired\"",
        "time=2024-05-16T12:20:08.001Z level=info service=gateway msg=\"config reloaded\" "
        "routes=42",
        "time=2024-05-16T12:20:09.877Z level=warn service=gateway msg=\"request rejected\" "
        "method=GET host=api.example.com path=/v2/policies/pol_77 status=401 duration_ms=2 "
        "request_id=4b7a2e90c1 error=\"token is expired\""),
        [L("expired_token", "server_says_expired",
           "logfmt access line: error=\"token is expired\""),
         L("expired_token", "server_says_expired",
           "a second request (own time and request id), same statement")])

    d = t("2024-05-17T06:14:02Z")
    tok = jwt(claims(iat=t("2024-05-17T05:50:00Z"), sub="tech_5521", client_id="field-app",
                     scope="devices:read sites:read"))
    p = "2024-05-17 08:14:02.{ms} 12044-12101/com.example.fieldapp D/OkHttp: {text}"
    ok = [("331", "--> GET https://api.example.com/v2/devices?site=s_204"),
          ("331", "Accept: application/json"),
          ("331", f"Authorization: Bearer {tok}"),
          ("332", "--> END GET"),
          ("419", "<-- 401 Unauthorized https://api.example.com/v2/devices?site=s_204 (87ms)"),
          ("419", f"date: {http_date(d)}"),
          ("419", "content-type: application/json"),
          ("419", "www-authenticate: Bearer realm=\"example\", error=\"invalid_token\""),
          ("420", ""),
          ("420", "{\"error\":\"invalid_token\",\"error_description\":\"Token signature "
                  "verification failed\"}"),
          ("420", "<-- END HTTP (91-byte body)")]
    ticket_file("android-logcat-okhttp.txt",
                lines(*(p.format(ms=ms, text=text) for ms, text in ok)),
                [L("invalid_token", "signature_invalid",
                   "OkHttp logging through logcat (every line prefixed); the body says the "
                   "signature failed and the claims pass at the Date")])

    # (5) fragments ---------------------------------------------------------------------
    ticket_file("bare-json-body.json", lines(json.dumps({
        "timestamp": "2024-05-17T10:40:12.554+00:00", "status": 401, "error": "Unauthorized",
        "message": "An error occurred while attempting to decode the Jwt: Jwt used before "
                   "2024-05-17T10:44:00Z",
        "path": "/v2/policies"}, separators=(",", ":"))),
        [L("clock_skew", "nbf_in_future",
           "a bare Spring-style error body with \"status\":401; 'Jwt used before' a time "
           "3m48s after the body's timestamp")])

    ticket_file("bare-challenge.txt", lines(
        "This is what comes back in the challenge header when the app calls the API:",
        "",
        "Bearer error=\"invalid_token\", error_description=\"The access token expired\""),
        [L("expired_token", "server_says_expired",
           "a bare Bearer challenge value with error=invalid_token: a 401 by RFC 6750 "
           "(status inferred); the description says the token expired")])

    ticket_file("http-status-and-message.txt", lines(
        "HTTP 401",
        "This API key has been revoked. Create a new key in the console."),
        [L("revoked_credentials", "credential_revoked",
           "'HTTP 401' and the message line; the API key was revoked")])

    ticket_file("ruby-rest-client.txt", lines(
        "/app/vendor/bundle/ruby/3.2.0/gems/rest-client-2.1.0/lib/restclient/"
        "abstract_response.rb:249:in `exception_with_response': 401 Unauthorized "
        "(RestClient::Unauthorized)",
        "\tfrom /app/vendor/bundle/ruby/3.2.0/gems/rest-client-2.1.0/lib/restclient/"
        "abstract_response.rb:129:in `return!'",
        "\tfrom /app/vendor/bundle/ruby/3.2.0/gems/rest-client-2.1.0/lib/restclient/"
        "request.rb:836:in `process_result'",
        "\tfrom /app/vendor/bundle/ruby/3.2.0/gems/rest-client-2.1.0/lib/restclient/"
        "request.rb:743:in `block in transmit'",
        "\tfrom /app/lib/tasks/sync_sites.rb:18:in `call'"),
        [L("unknown", "credential_not_recorded",
           "a bare '401 Unauthorized' with nothing else: nothing shows what was sent and the "
           "reason phrase decides nothing")])

    tok = jwt(claims(iat=t("2024-05-20T13:00:00Z"), sub="user_c4e8b2", client_id="ops-scripts"))
    ticket_file("node-fetch-console.txt", lines(
        "$ node scripts/check-sites.mjs",
        "request { method: 'GET', url: 'https://api.example.com/v2/sites', headers: { "
        f"authorization: 'Bearer {tok}', accept: 'application/json' }} }}",
        "response 401 Unauthorized { message: 'Unauthorized' }"),
        [L("unknown", "no_server_time",
           "console dumps of a fetch call: the JWT's exp cannot be judged, the paste holds no "
           "time at all, and 'Unauthorized' decides nothing")])

    # (6) quoting -----------------------------------------------------------------------
    body = json.dumps({"error": "invalid_token", "error_description": "Malformed token"},
                      separators=(",", ":"))
    quoted = [
        "From Dana:",
        "I ran the call by hand:",
        "",
        "```",
        "    $ curl -i 'https://api.example.com/v2/schedules?site=s_418' \\",
        "        -H 'Accept: application/json' \\",
        "        -H 'Authorization: Bearer {{access_token}}'",
        "    HTTP/2 401 ",
        f"    date: {http_date(t('2024-05-22T07:48:19Z'))}",
        "    content-type: application/json",
        "    www-authenticate: Bearer realm=\"example\", error=\"invalid_token\"",
        f"    content-length: {len(body)}",
        "",
        f"    {body}",
        "```",
    ]
    ticket_file("quoted-fenced-indented.md", lines(
        "Hi team,",
        "",
        "forwarding Dana's notes from our integration channel. Every call from the new "
        "scheduler fails with a 401 since yesterday.",
        "",
        *(("> " + q) if q else ">" for q in quoted),
        "",
        "Thanks,",
        "Sam"),
        [L("invalid_token", "placeholder",
           "'> '-quoted, fenced, indented curl -i paste; Bearer {{access_token}} is an unset "
           "template variable sent as is (rule 6; invalid_token in the challenge decides "
           "nothing); the prose 'fails with a 401' is no response")])

    # (7) credentials in the command and in the URL ---------------------------------------
    d = t("2024-05-21T15:02:10Z")
    basic = b64(b"svc-reports:Qm7vT2xLp9Rw")
    ticket_file("curl-verbose-basic.txt", lines(
        "$ curl -v -u svc-reports:Qm7vT2xLp9Rw 'https://api.example.com/v2/reports/daily?"
        "date=2024-05-20'",
        "*   Trying 203.0.113.10:443...",
        "* Connected to api.example.com (203.0.113.10) port 443",
        "* ALPN: curl offers h2,http/1.1",
        "* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / X25519 / RSASSA-PSS",
        "* ALPN: server accepted h2",
        "* Server auth using Basic with user 'svc-reports'",
        "* using HTTP/2",
        "* [HTTP/2] [1] OPENED stream for https://api.example.com/v2/reports/daily?date=2024-05-20",
        "> GET /v2/reports/daily?date=2024-05-20 HTTP/2",
        "> Host: api.example.com",
        f"> Authorization: Basic {basic}",
        "> User-Agent: curl/8.5.0",
        "> Accept: */*",
        ">",
        "< HTTP/2 401",
        f"< date: {http_date(d)}",
        "< content-type: application/json",
        "< www-authenticate: Bearer realm=\"example\"",
        "< content-length: 26",
        "<",
        "{\"message\":\"Unauthorized\"}",
        "* Connection #0 to host api.example.com left intact"),
        [L("missing_authorization", "wrong_scheme",
           "curl -v with -u: Basic sent, the only challenge is Bearer (rule 5)")])

    ticket_file("httpx-userinfo-url.txt", lines(
        "Traceback (most recent call last):",
        "  File \"/home/ci/fetch_agent.py\", line 22, in <module>",
        "    r.raise_for_status()",
        "  File \"/home/ci/.venv/lib/python3.12/site-packages/httpx/_models.py\", line 829, "
        "in raise_for_status",
        "    raise HTTPStatusError(message, request=request, response=self)",
        "httpx.HTTPStatusError: Client error '401 Unauthorized' for url "
        "'https://deploy-bot:Rel3ase-Pa55-2024@files.example.com/releases/"
        "device-agent-2.4.1.tar.gz'",
        "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/401"),
        [L("revoked_credentials", "credentials_rejected",
           "httpx error for a URL with userinfo (sent as Basic): a static password refused "
           "with no statement (rule 12); the MDN link's 401 is no response")])

    ticket_file("npm-verbose-http-fetch.log", lines(
        "0 verbose cli /usr/local/bin/node /usr/local/bin/npm",
        "12 http fetch GET 200 https://registry.npmjs.org/left-pad 88ms (cache miss)",
        "13 http fetch GET 401 https://npm.pkg.example.com/@acme%2fwidgets 41ms",
        "14 http fetch GET 401 https://npm.pkg.example.com/@acme%2fgadgets 39ms",
        "15 verbose stack HttpErrorAuthUnknown: Unable to authenticate, need: Basic realm=\"acme\"",
        "16 error code E401",
        "17 error Unable to authenticate, your authentication token seems to be invalid.",
        "18 error To correct this please try logging in again with:",
        "19 error   npm login"),
        [None,
         L("unknown", "credential_not_recorded",
           "npm's verbose `http fetch METHOD STATUS URL` lines are one request each"),
         L("missing_authorization", "no_authorization",
           "another package; npm's 'need: Basic realm' (the registry's bare challenge) joins "
           "the response it follows (rule 12, challenge without error)")])

    ticket_file("express-morgan-dev.log", lines(
        "> api@1.4.0 start",
        "> node server.js",
        "",
        "listening on :3000",
        "POST /auth/token 200 14.221 ms - 318",
        "GET /api/profile 401 1.902 ms - 26",
        "GET /api/profile 200 3.410 ms - 211"),
        [None,
         L("unknown", "credential_not_recorded",
           "morgan `dev` lines name method, path and status; the 401 is one request"),
         None])

    ticket_file("go-client-status-json.txt", lines(
        "Error: applying plan:",
        "* widgets_volume.data: Error creating volume data-1: 401: "
        "{\"message\": \"Token expired\", \"code\": 401}"),
        [L("expired_token", "server_says_expired",
           "Go client error 'NNN: <body>': the status and the JSON body it came with")])

    ticket_file("terraform-status-body.txt", lines(
        "data.http.items: Reading...",
        "\u2577",
        "\u2502 Error: status: 401, body: token contains an invalid number of segments",
        "\u2502",
        "\u2575"),
        [L("invalid_token", "jwt_malformed",
           "a provider's 'status: 401, body: ...' with golang-jwt's malformed-token words")])

    ticket_file("stainless-sdk-error.txt", lines(
        "Traceback (most recent call last):",
        "  File \"/srv/bot/reply.py\", line 31, in answer",
        "    completion = client.chat.completions.create(model=MODEL, messages=history)",
        "  File \"/srv/bot/.venv/lib/python3.12/site-packages/llmco/_base_client.py\", line 1047, "
        "in _request",
        "    raise self._make_status_error_from_response(err.response) from None",
        "llmco.AuthenticationError: Error code: 401 - {'error': {'message': 'Invalid API key. "
        "Create a new key at https://console.llmco.example/keys', 'type': "
        "'invalid_request_error', 'code': 'invalid_api_key'}}"),
        [L("revoked_credentials", "credentials_rejected",
           "a Stainless-generated SDK's 'Error code: NNN - {body}'; the console URL in the "
           "message is no request")])

    ticket_file("spring-webflux-root-cause.log", lines(
        "2024-06-03 10:41:12.004 ERROR 9120 --- [nio-8080-exec-4] o.a.c.c.C.[.[.[/].[dispatcherServlet]"
        "    : Servlet.service() for servlet [dispatcherServlet] threw exception [Request "
        "processing failed; nested exception is org.springframework.web.reactive.function."
        "client.WebClientResponseException$Unauthorized: 401 Unauthorized from GET "
        "http://orders.internal:8081/orders] with root cause",
        "",
        "org.springframework.web.reactive.function.client.WebClientResponseException$Unauthorized:"
        " 401 Unauthorized from GET http://orders.internal:8081/orders",
        "\tat org.springframework.web.reactive.function.client.WebClientResponseException.create("
        "WebClientResponseException.java:198) ~[spring-webflux-5.3.27.jar:5.3.27]"),
        [L("unknown", "credential_not_recorded",
           "the servlet's log line quotes the exception inside brackets ('...orders]'); it and "
           "the root cause are one response")])


PROFILE = """\
# The reference API (reference-api.md) as a why401 profile (see the README's profile section).
# Used by the labelled cases under tests/cases/with-profile/.
leeway = 60

[[scopes]]
method = "GET"
path = "/v2/devices"
any_of = ["read", "devices:read"]

[[scopes]]
method = "POST"
path = "/v2/devices/{id}/actions"
any_of = ["write", "devices:manage"]

[[scopes]]
method = "GET"
path = "/v2/policies"
any_of = ["read", "policies:read"]

[[scopes]]
method = "PUT"
path = "/v2/policies/{id}"
any_of = ["write", "policies:write"]

[[scopes]]
method = "GET"
path = "/v2/logs/*"
any_of = ["logs:read", "admin"]

[[scopes]]
method = "DELETE"
path = "/v2/organizations/{id}"
any_of = ["admin"]

[[environments]]
name = "production"
api_host = "api.example.com"
issuer = "https://auth.example.com/"
audience = "https://api.example.com"
token_endpoint = "https://auth.example.com/oauth/token"
token_format = "jwt"
strict_scheme_case = true

[[environments]]
name = "staging"
api_host = "api.staging.example.com"
issuer = "https://auth.staging.example.com/"
audience = "https://api.staging.example.com"
token_endpoint = "https://auth.staging.example.com/oauth/token"
token_format = "jwt"
"""


def main():
    for folder in OUTPUT_FOLDERS:
        shutil.rmtree(os.path.join(HERE, folder), ignore_errors=True)
    har_cases()
    curl_cases()
    http_cases()
    jsonl_cases()
    profile_cases()
    keys_cases()
    ticket_cases()
    write(f"{REL}/profile.toml", PROFILE)
    ROWS.sort(key=lambda r: (r[0], r[1]))
    seen = set()
    for row in ROWS:
        assert (row[0], row[1]) not in seen, row
        seen.add((row[0], row[1]))
    lines = ["file\tindex\tcause\tdetail\tresolved_later\tnote"]
    lines += ["\t".join(str(v) for v in row) for row in ROWS]
    write(f"{REL}/expected.tsv", "\n".join(lines) + "\n")
    by_cause = {}
    for row in ROWS:
        by_cause[row[2]] = by_cause.get(row[2], 0) + 1
    print(f"{len(ROWS)} labelled 401s: " +
          ", ".join(f"{c} {n}" for c, n in sorted(by_cause.items())))


if __name__ == "__main__":
    main()
