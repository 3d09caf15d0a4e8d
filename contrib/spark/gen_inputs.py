"""Small Caddy-style JSON-lines access logs for the Spark test (stdlib only, deterministic).

    python3 gen_inputs.py OUT_DIR [FILES] [LINES]

Writes FILES logs (every third one gzipped) of LINES requests each; about one in six gets a
401 for an expired, malformed or missing bearer token.
"""

import base64
import gzip
import hashlib
import hmac
import json
import os
import random
import sys

START = 1710000000  # 2024-03-09, so the report does not depend on today's date
SECRET = b"why401-spark-test"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(rng, issued, lifetime):
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"iss": "https://auth.example.com/", "sub": f"u_{rng.randrange(10**6)}",
              "aud": "orders-api", "iat": issued, "exp": issued + lifetime}
    body = b64(json.dumps(claims).encode())
    signature = hmac.new(SECRET, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"


def line(rng, ts):
    kind = rng.choice(["ok"] * 5 + ["expired", "malformed", "missing"])
    headers = {"User-Agent": ["example-sdk/1.0"], "Accept": ["application/json"]}
    if kind == "ok":
        headers["Authorization"] = ["Bearer " + token(rng, ts - 60, 3600)]
    elif kind == "expired":
        headers["Authorization"] = ["Bearer " + token(rng, ts - 7200, 3600)]
    elif kind == "malformed":
        headers["Authorization"] = ["Bearer " + token(rng, ts - 60, 3600)[:40]]
    status = 200 if kind == "ok" else 401
    response = {"Content-Type": ["application/json"]}
    if status == 401:
        error = "" if kind == "missing" else ', error="invalid_token"'
        response["Www-Authenticate"] = [f'Bearer realm="api"{error}']
    record = {"level": "info", "ts": ts, "logger": "http.log.access.log0",
              "msg": "handled request",
              "request": {"remote_ip": "198.51.100.7", "proto": "HTTP/2.0", "method": "GET",
                          "host": "api.example.com", "uri": f"/v1/orders/{rng.randrange(999)}",
                          "headers": headers},
              "duration": 0.01, "size": 20, "status": status, "resp_headers": response}
    return json.dumps(record, separators=(",", ":")) + "\n"


def main(out, files=36, lines=200):
    os.makedirs(out, exist_ok=True)
    for i in range(files):
        rng = random.Random(i)
        text = "".join(line(rng, START + i * 3600 + n) for n in range(lines)).encode()
        name = os.path.join(out, f"access-{i:03}.jsonl")
        if i % 3 == 0:
            with gzip.GzipFile(name + ".gz", "wb", mtime=0) as f:
                f.write(text)
        else:
            with open(name, "wb") as f:
                f.write(text)


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:4]))
