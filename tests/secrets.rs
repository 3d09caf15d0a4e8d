//! No output shows a secret. Captures full of secrets (tests/fixtures/secrets/, written by
//! its make_fixtures.py) are reported in every format — text, coloured text, `-v`,
//! `--explain N` for every N, JSON, JSON lines, CSV, Markdown, `--summary-csv` — and no
//! secret may appear in stdout, stderr or the summary file.
//!
//! The captures cover every reader: HAR (including entries broken or of the wrong type),
//! curl `-v` and `--trace-ascii` transcripts, a ticket pasting commands (`-H`, `-u`,
//! `--oauth2-bearer`, `-b`, `-d`) above their `curl -i` output, OkHttp logs, and JSON logs
//! (nginx `escape=json`, Kong, pino and bunyan, Caddy, Traefik, Envoy, Docker-wrapped lines,
//! logged exceptions, Kubernetes audit), with records cut inside a token; and ticket text
//! (exceptions, object dumps, URLs with userinfo and secret query values, `-u` options, a PEM
//! key block, logged forms and token requests, an `.npmrc` token) for the ticket reader. A curl transcript with a 5 MB header line holding a token is
//! written at test time. Any capture file added to tests/fixtures/secrets/ is read too; list
//! its secrets below.
//!
//! A secret of 12 characters or more leaks if any 12 consecutive characters of it appear
//! (so a clipped or partly scrubbed token counts); a shorter one leaks if it appears as a
//! whole word (`pw1`, not the `pw1` inside another word). Reader errors must also quote no
//! more than 32 characters of their input.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, why401};
use regex::Regex;
use serde_json::Value;

/// Secrets written literally in the fixtures: (what it is, value).
const SECRETS: &[(&str, &str)] = &[
    (
        "a Bearer JWT (expired), echoed in the challenge and the body",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImxlYWstazEifQ.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9sZWFrMSIsImF1ZCI6Imh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIiwiZXhwIjoxNzA5OTA2MDAwLCJpYXQiOjE3MDk5MDI0MDAsInNjb3BlIjoicmVhZCBkZXZpY2VzOnJlYWQiLCJqdGkiOiJKcThacEwydlh3In0.dpLDrTVAu4A8Ags67mbNiIcSMjTqDG5xQ8Ct1z_0Me0",
    ),
    (
        "a Bearer JWT cut inside its payload, echoed in the body",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImxlYWstazIifQ.eyJpc3MiOiJ",
    ),
    (
        "the first line of a JWT broken over two lines",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtp",
    ),
    (
        "the second line of a JWT broken over two lines",
        "ZCI6ImxlYWstazMifQ.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9sZWFrMyIsImF1ZCI6Imh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIiwiZXhwIjoxNzA5OTkzMDAwLCJpYXQiOjE3MDk5MDI0MDB9.i1udsME9skJWyCmqNkqpDG0uujGLkjKkq5MTuVTTVV8",
    ),
    (
        "an id_token in a 200 token response",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImxlYWstazQifQ.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9sZWFrNCIsImF1ZCI6ImFwcC1jbGllbnQiLCJleHAiOjE3MDk5OTMwMDAsImlhdCI6MTcwOTkwMjQwMCwibm9uY2UiOiJuMG5jZVY0bHVlIn0.BO-vCA9aPnThwp0cpqSFaTgsu80yTo1Z0rg-8hwDnwA",
    ),
    (
        "a JWT in a 403's challenge and body (--include-403)",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImxlYWstazUifQ.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9sZWFrNSIsImF1ZCI6Imh0dHBzOi8vb3RoZXIuZXhhbXBsZS5jb20iLCJleHAiOjE3MDk5OTMwMDAsImlhdCI6MTcwOTkwMjQwMCwic2NvcGUiOiJyZWFkIn0.IisL1R_O9-ZcLmLbLtZUVwE7q1a-b6_rGe4R1FMVPIA",
    ),
    (
        "a magic-link JWT in the URL path",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyX2xlYWs2IiwicHVycG9zZSI6ImFjdGl2YXRlIiwiZXhwIjoxNzA5OTkzMDAwfQ.RHeNgjZeSvaBxA1fDu9c9vWJnT8KwzUFCn7Wd5zz9nQ",
    ),
    (
        "a Basic value (svc-reporting:<password>), echoed in the body",
        "c3ZjLXJlcG9ydGluZzpmR2IwMFJ5a3k4WmU5VUxUeTdx",
    ),
    (
        "the decoded password of that Basic value, echoed",
        "fGb00Ryky8Ze9ULTy7q",
    ),
    ("the Basic value of a:b, echoed", "YTpi"),
    ("the Basic value of admin:pw1", "YWRtaW46cHcx"),
    ("the password pw1, echoed", "pw1"),
    (
        "a Basic value whose user is an API key",
        "azdRelgybVc5cFI0dEw4dk4zYlk2Y0oxOg==",
    ),
    (
        "an access_token query value (and fragment)",
        "cLH8trpEwQrGhtA1qfv6ETAq",
    ),
    ("an authorization code query value", "GKSh9O7hZK8dWYq"),
    ("a client_secret query value", "RB4Z7JmXyKnGw"),
    ("a password in the URL's userinfo", "dPVR5TTguh46e"),
    (
        "a client_secret form value, echoed in the error",
        "cs_live_zzVmXsjvvDlbGAqsb5LS",
    ),
    (
        "a refresh_token form value, echoed in the error",
        "rt_k28kToD9lAmkq03QYMnI7VL",
    ),
    ("a password-grant form password", "gDDluKy034c"),
    ("a three-character form password, echoed", "pq7"),
    (
        "an access_token of a 200 token response, then refused and echoed",
        "at_pTqcrZAgBBEBt35ShM0fex6",
    ),
    (
        "a refresh_token of a 200 token response",
        "rt_rzBUIhGUdHDd0O399Pw6BL6",
    ),
    (
        "a session cookie, echoed in the body",
        "AYEdCK9Ae2v9VEkL0XQj9cAP",
    ),
    ("a CSRF cookie", "ztHJlaR3zaL1"),
    ("a Set-Cookie session value", "YbtXoyVhM14qRAFVcVI9eGKz"),
    (
        "an X-Api-Key (hex), echoed in prose",
        "7c4a8d09ca3762af61e59520943dc264",
    ),
    (
        "an X-Api-Key, echoed as a pair",
        "ak_JPlX0MN5a7BZSQQbR7uG9MN",
    ),
    (
        "a GitHub token (Authorization: token ghp_…), echoed",
        "ghp_K63KKhgT1E7AaAKi9ESjMbufXy9mVdxCu266",
    ),
    ("a three-character Bearer token, echoed", "t0k"),
    (
        "a token in Authorization without a scheme",
        "44rRiZvRf9s27DeBv8Zu3zq7",
    ),
    ("a token after `Bearer:`", "Joa6jBW4u4fAZrKKL8qfbia0"),
    (
        "an opaque Bearer token echoed in a text body",
        "hXiYE9dSu67hcaGlAyVNhJhB",
    ),
    (
        "a token cut by the 500-character body excerpt",
        "fntDLOv3OPJbyAPbUyd9jJRRH7NDppt",
    ),
    (
        "a token cut where a quoted statement is clipped",
        "jijMJmPvTKyXO9ssoRSQMqqhHZ7Py69",
    ),
    (
        "a personal token in the URL path",
        "ghp_LLlETekvS9IZjxKlxf9ZO6dQdHgs9FJ8KT9",
    ),
    (
        "a personal token as the URL's user",
        "ghp_t5zJnW6w6iBVT53cZlY1w0wMlkljuN3gPI6",
    ),
    (
        "curl -v: a Bearer JWT in the command, the HTTP/2 pseudo-header line, the challenge and the body",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImN2LWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9jdjEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwLCJzY29wZSI6InJlYWQifQ.GoLYR5cvtXJO8sWE7ON0LyDwdns99_RIV1l-3jbo_In6s93WIhB2-ZcnC6Ed4hbU9J_D441EdYwj-lBMBf5rs42i7McDyIKrjV39UICF76SPFDsC7mBdoIokgg39z-JYD4VS7wc-uxRVIXinkL-pgK1JLXVS3jIOfECoJxZ8_VLqrKGRGoZW4PiCW0MalXMNu_hZdGMAy2AsrXCz83GKUFNZS4tXSPMzvn60DbiEZ40N4xImS3nmcOvOme_2OcZCuElymIxk7ofU37znoRuD5O11sD1bg_UlAlDhhS4w7qTYE6krolRnKwXvdtTfIOYk-xtynEjXezv_3o5HbfR-fQ",
    ),
    (
        "curl -v: the -u password, echoed in the body",
        "whoqUgVM7xchSVyvE",
    ),
    (
        "curl -v: the Basic value curl sent for -u",
        "c3ZjLWJpbGxpbmc6d2hvcVVnVk03eGNoU1Z5dkU=",
    ),
    (
        "curl -v: an --oauth2-bearer token, echoed in a text body",
        "ltRjs3CaL1l1gUreY7cJxuWS4k",
    ),
    (
        "curl -v: a -b session cookie, echoed",
        "8q42A7hpxctpBtkKXH55eCpP",
    ),
    (
        "curl -v: a Set-Cookie session value",
        "NYbMl8a32afWRXLtsfJxkIcQ",
    ),
    (
        "curl -v: a truncated Bearer JWT, echoed",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImN2LWsyIn0.eyJpc3MiOiJodHRwczo",
    ),
    (
        "curl -v: an access_token query value, echoed",
        "l4HhzkMBLLIgMztdvtL1Of",
    ),
    (
        "curl -v: an authorization code query value, echoed",
        "Rp76azyt8TIlk9dk",
    ),
    (
        "curl -v: a GitHub token (Authorization: token), echoed",
        "ghp_cFH5fTuMbEzZTr4B2sjDSbsf3tUVHZpUjocs",
    ),
    (
        "curl -v: an X-Api-Key (hex), echoed in prose and bare",
        "67f651b19396863e1eac2fa2099e150e",
    ),
    (
        "curl -v: a three-character Bearer token, echoed bare",
        "q8w",
    ),
    (
        "curl -v: a code query value in a redirect's Location, echoed",
        "SNSroyUJiCIgd34hGk",
    ),
    (
        "curl -v: an access_token query value in a redirect's Location, echoed",
        "Z1Z0cOn2U4A4j5v0ADXb2XtUT",
    ),
    (
        "curl -v: a JWT as the value of a `jwt` query parameter",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImN2LWs0In0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9jdjQiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.mM08T4l6x9tLA3rei7_nTQFRk9jMdu055qUDeWMoG2RoOAgHcBs_Tjp2AahDXoSS4SsagTrxlO_osReQ78tAb4w2a5zSU57YgduqB-bMSceWmYuPQiwHiDls9OdGPaJpYVPcQnn1oC7r1TmpHUl_ADnck3o6bhUkBGgCYT2fCTglkZnp4-8C1Z6RPvGniEU53ODTYkPTmPEJiawrfKTS7DQkmJJRBS8l6y5DPGIjkUbLcNC1kduBMEn1CkhtVAdsJFvwTaCngoE7bqvecl4acIKpDEn3iV48xB144-bw8p5n4sg-h2G5IXyssdI4_ECmsI3WlZXLMa2tMFEUZKq7Zw",
    ),
    (
        "curl -v: an `accessToken` query value",
        "j3DnNbZpQ7cMufdc2sdV",
    ),
    ("curl -v: an `api-key` query value", "gbQPcAmOaED0Y5ABt6SV"),
    (
        "curl -v: a proxy password (-x user:password@)",
        "slSzxX4eb9drYU",
    ),
    (
        "curl -v: the Proxy-Authorization Basic value of a CONNECT",
        "amRvZTpzbFN6eFg0ZWI5ZHJZVQ==",
    ),
    (
        "--trace-ascii: a refresh_token form value (cut into 64-byte rows)",
        "rt_g19tJLWHs7obgqD1CYC4xUx6",
    ),
    (
        "--trace-ascii: a client_secret form value, echoed",
        "cs_live_cAVXanENRecdrerJ0qiMyw",
    ),
    (
        "--trace-ascii: the access token of a 200 token response, then refused and echoed",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InRyLWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl90cjEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwLCJzY29wZSI6InJlYWQgd3JpdGUifQ.uxe49p-Ln5CWE9Y1rOPHyCDgH09_90hrBiLdR4_sTTx_jMVQMiR6_k0ZOM1MhoQFSeBpnBewPqjyNxBnRu_3NQONwoNw8wKPFaqWBmmj3li6NWUZJP3vuTZIW67i7BEcMFyvzAQV5RGoulQXOTBXpSRZI0hsEFujRfTPWcq4AOOOKsS9w3fhCUrQKcQ41OvIbXvbta9QCleTi3rL-BSj5cdtwWU7y7fYAwJVML9cJvyOfnuHn49q9EJdFnCqC_bnOBM2uLHqsm7Vz2OSa3PDOUEO_3g35emOdO3gKdW99RUf924S8F_vpGmwZ-HeH4g7LFBnWMA28p7wpc8YNi3Qzg",
    ),
    (
        "--trace-ascii: the refresh_token of a 200 token response, echoed",
        "rt_VehllJaTx54ofmxUzY47OBAL",
    ),
    (
        "--trace-ascii: the id_token of a 200 token response",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InRyLWsyIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl90cjIiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwLCJub25jZSI6Im4wbmNlVHI0Y2UifQ.UPxFDrSTcChhjebmz_2yu25X12WZjwgRY0YZ0CzxSkPwCVhvfcO93MvUxztY126JCPi9eNX8rrayMrjejzr07Kj3LaAUPWDVr3yWKQx0u-SHRhSUdAtz2k2vyD4wDq1w1PQiT6742Opl0aFOaKmGPbkKaYVFWM5kdlgKM9QQrAmzxidB-jttm5MTf-yFiFOnWd1m0OVZUKFA_bXzSOAWc8jUCkUqRkFzYUfpY4rST5ahaSTDbUcGXr-meYAxC7zW7GbRfQKCSlZNIe9l1Slyv2D1et0i-WGT8KKksGhkZU9ovo5zVJblQRxUvWdVC3gyYOuDWDoSAW7c2WHG9-059g",
    ),
    (
        "--trace-ascii: a three-character form password, echoed",
        "k4j",
    ),
    (
        "paste: a Bearer JWT in a -H of the pasted command, echoed",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InBhLWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9wYTEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwLCJzY29wZSI6InJlcG9ydHM6cmVhZCJ9.DLh0IpIxNoauZuw2FgI8D7ZOkuey1wqdCgZnGClrg3mWVYQnPVaal4Cs5JBSRpiia-vBw--6z6_P1NXz3cseo5FG3nTiUTNUIXPqMCJxg7r4OiaCgOyzZa-g_yQbRRq1emPKnC46I96j7-qnz3YQQyRM2G22le6nhw0lUnlX8cpvIxaqokmikmoZHnOIgRzqSTHbzdGYiPK7BAC0bfxXjVOEO7QwFMuI1VFAkyqRbKRiSdpnP9HqjmQf7ukKHOhlEROfLxFhlo9y2rvQlt_psuZzBgCH1u2usK1kgCDfJ0GjYgz-IOZ6w2jlGfsjYyyP_fbOpSVze47Af1NwWrZMTA",
    ),
    (
        "paste: the -u password of the pasted command, echoed",
        "JbJsR6GDw8DdU8D",
    ),
    (
        "paste: the Basic value of that -u, echoed in the body",
        "cmVwb3J0ZXI6SmJKc1I2R0R3OERkVThE",
    ),
    (
        "paste: an --oauth2-bearer token, echoed in a text body",
        "h3aTIfaBPBAFmzQKnCj26adq4",
    ),
    (
        "paste: a -b session cookie, echoed",
        "MlrL9eZ5QYVRTGyaB7P5GzHV",
    ),
    ("paste: a -b CSRF cookie", "wOQliLIOOq9dW5"),
    (
        "paste: a Set-Cookie session value",
        "22rA7LGeyIleNM3IhjCB1o8F",
    ),
    ("paste: a -d password-grant password", "nQ6tzgB99zGP"),
    ("paste: a -d client_secret", "cs_test_FuFtYsHrIF45fv8yoFFu"),
    (
        "paste: the access_token of a 200 token response",
        "at_9GHh58tYSM8LqOd5kZI2rDSV",
    ),
    (
        "paste: the refresh_token of a 200 token response",
        "rt_yWolkSMofXy9j65KSyVYwjil",
    ),
    (
        "paste: the id_token of a 200 token response",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InBhLWsyIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9wYTIiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwLCJub25jZSI6Im4wbmNlUGE1dGUifQ.118TbJDXWEHiXBQe45G2CvON8KCGvvKguuPx2eXy5PV7aLrtovTg6Zy-FnwEiwwIWwucCTVucnxMbcxiQBPTVut6H8y9M9gHWMM_VMjixe4pqVutSMHPUEI5CIPk0KgRlgaSvSxkj0cpjWO5SSbBynnAg7DWa1CTqJX7FKgiEBsMg0ry4Njvhv4ABifhHc-WLSRK_7BMmny0S-aSW38aA5ayww6UxZTAcPJG60uzyvkTUfLtAtPE-S5ifD1pl8aJp8xSsxHww47dMytvzYWg2d42HERKBvMCU1Pc_fjfwymUfU0wUUUomoBhSEqqlvwajKgc01Ep293Mc_wVyuG7WQ",
    ),
    (
        "paste: a -d client_secret, echoed in the error",
        "cs_live_dod2WHApx5Zswcm3uhJN",
    ),
    ("paste: a three-character -d password, echoed", "zq5"),
    (
        "paste: an api_key query value of a raw request block, echoed",
        "KLv5eB01IWTfgwuv0xnC",
    ),
    (
        "paste: an X-Api-Key of a raw request block, echoed in prose",
        "727539ef07bd3f4c0acf6ea72bfac5de",
    ),
    (
        "paste: a GitHub token of a raw request block, echoed",
        "ghp_giq3dgT48uNapjJQJQjMgRxtuR74acIgCUFz",
    ),
    ("paste: a three-character -u password, echoed", "m3n"),
    (
        "paste: an authorization code query value, echoed",
        "g4ZAfjIGu1MvPQCyeA",
    ),
    (
        "paste: an access_token query value, echoed",
        "9VwhyaZj4f4MAPKIEFrzvkIuJZ",
    ),
    (
        "paste: an API key sent as the -u user, echoed bare",
        "zItcBBKfNVJ6Of7y",
    ),
    ("paste: a password in a -d JSON body", "zQRIANXn7mLj1u"),
    (
        "paste: a clientSecret in a -d JSON body, echoed",
        "nGqgGbRn0I1dH13IfW",
    ),
    (
        "paste: an accessToken echoed in a camelCase body",
        "GCF0josoMg6MA8HQdFwp",
    ),
    (
        "paste: a refreshToken echoed in a camelCase body",
        "jYmmfAyae4rsD4CYonON",
    ),
    (
        "OkHttp: a Bearer JWT, echoed in the challenge and the body",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Im9rLWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9vazEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwLCJzY29wZSI6ImZsZWV0In0.nonMFDQuTTFfcwWQUx5Acqv_apfpiwDPPHFIq3QtaBNn2X8t1PUNgxD8R-lfSzJfdludnP3WYPGRzH6ZSdsiclTw55MpSlPRg26EqXvRVNKuu6h1hPHTb1xudweUm_13U_vf9v627TFmBv9-81-Y6lnhrgVzzzCtaPAHqJ4ULxQ4ohheKUAc--yU0r2ydvEDB_o6QQoh9DRHx_d-VrCt8164OYRHpoacXuNuJzPiECrnG1KIuVDg_GadcF0PV1B4B2GxCQOPd_WWxsEx5pdRE52va2UDmm611Yq3Nj8GhCGfMS0lp9aSxXWv1SiAcejkG-Fk_4C5tc70RiwktBwmuw",
    ),
    (
        "OkHttp: a session cookie, echoed",
        "Bj3K3X5RPL8wAdXIX0ft1Gjv",
    ),
    (
        "OkHttp: a refresh_token in a logged form body",
        "rt_XB0gnloi7JRXQLWmudyHOW93",
    ),
    (
        "OkHttp: a client_secret in a logged form body",
        "cs_live_SZpUqS3eRkXczzW15uWYSf",
    ),
    (
        "OkHttp: the access_token of a 200 token response, then refused and echoed",
        "at_yTVm1vJ387ryzIf0S9IPqdg4",
    ),
    (
        "OkHttp: the refresh_token of a 200 token response",
        "rt_NzUJGpRuEGiOd5NYm1Fz6v55",
    ),
    ("OkHttp: a Basic password, echoed bare", "aYGZrRqvft66Decd"),
    (
        "OkHttp: a Basic value",
        "ZmxlZXQtYXBwOmFZR1pyUnF2ZnQ2NkRlY2Q=",
    ),
    (
        "nginx: $http_authorization, echoed in the challenge, a message and a body field",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Im5nLWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9uZzEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.I3h1LvTXmZhRq0b34gbptg0ywAKvAW77T65dTiRTap5xItdDBgy4_PcJPPKTqiu6xs96MHKpVOTeMm9waAoSYNYKXpnIDp-j2yGDkMKitakBZE6inYXRKz98Bqme6taicVyKGqVRg10a_UO8xw7f1PlyjX_AbGcypxOai53BNLKS1Ni4qrjPg-upUnJvnY9saMStkK-doMYJpOiY5GYZCkbdj3Gg9WjieY-Ril1hWEjjZW3sNzGU7O8CN6G689RqcZjRBcLnvicxbmJguDljx48gweUP8bh2wHkPo4eGROYCAte7zgPW7D5BjTUmh8mwz4SL_rQijFDBdFy1Jwnh7g",
    ),
    ("nginx: $http_cookie", "cgWoQZBNNgws5BAjJ4BIWgRW"),
    (
        "nginx: $http_x_api_key, echoed in the error",
        "ak_7J4LcVh7qahr2uQgY92vN6u",
    ),
    (
        "nginx: an access_token in $request",
        "pUcGQblfUbG13zm4CbhDrrFX",
    ),
    (
        "nginx: a Basic password, echoed in the error and bare",
        "0rn3W6Vk5XaKCJ",
    ),
    (
        "nginx: a Basic $http_authorization",
        "b3BzOjBybjNXNlZrNVhhS0NK",
    ),
    (
        "nginx: a client_secret in $request_body, echoed",
        "cs_live_dAawfBMpYnCUxt1u4JWc",
    ),
    ("nginx: a password in $request_body", "lvNbp9yRlRDVz"),
    (
        "nginx: a token where $request has its method",
        "kPn6PwRWJb2COtB4U4m2Wu",
    ),
    (
        "nginx: a JWT on a line cut inside it",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Im5nLWsyIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbX",
    ),
    (
        "nginx: a JWT on the last line, cut inside it",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Im5nLWszIn0.eyJpc3MiOiJodHRwczovL2F1",
    ),
    (
        "Kong: a Bearer JWT in request.headers (also where the array is cut)",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImtnLWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9rZzEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.fIYwxoxzrCQ3QVmYA0oFr4Ey2v6EhGQOAS34DkHwK4n27HVSNy688bMH8v9HwJf6uhoCc7KF57W-vznJCUr6Q7xB3X4MBCrHGr5CVTM0lN9QTeBMjdLHwd0lJeUprX7xzs3PyfnNSFxtLX47sNRp6Qr1-EPXR4BueA8INu2iAhHIKcd3SWUDmFGmVFU_iWY2mpPNBXHKhFiVpGfYVIX36gp2NmRvFDjDQgZ-Hj5lZ-wgOlbEYjTJPD3usD856yeXtKt1Bw55w4kLC3cSuQN0IktNLilPGg4jBKstzKYMlf9Q5bBJPRPDrC4PIUcwJOgdH7ceYoyP8_2IAsGNKgdNWw",
    ),
    (
        "Kong: a session cookie in request.headers",
        "jBtls457t0IFl5wxnNnfL6ys",
    ),
    (
        "Kong: an apikey / x-api-key header",
        "dmgK3gnlgxxSjENg3eX42KsJ",
    ),
    ("Kong: an apikey query value", "6HooEaAvI37BFSlIvbU2a4"),
    (
        "Kong: a Basic value in a header array",
        "cGFydG5lcjp4bTdnelJRS2RSZDIzdTI=",
    ),
    (
        "pino: a Bearer JWT in req.headers, quoted by err.message",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InBpLWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9waTEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.iQ54sFDzMn5v28aNSPH-VEEuyw1wzRQvTdtMO6y6AaP39aKmk28Jqd5V16YGBbKac_LtXLJNwFmkES1_RysZ2l93FpFVUvEYgEAx6bNFuUX8-DyaG8ekTi1dz8_f9WBwGH4xLFN80ve1WMsUQTGxigVUnZPa3wNi2Ui7vFwgMVcyQQAlfm6bxCmp2vdy4Gybd3quUPebTP941VC-unyaqK51Kw3KB8h4duklPkHsZFjwjBZDJSKkQ1ocuGXr259ykUMEPvu4dXpZ_rhCm93si2lDse5jguHnlDl5U-X0JD-NFIO76wGSLE-zgrB5kVWzjdpqKcxgD_Z9KCymbbriQQ",
    ),
    (
        "pino: a session cookie in req.headers",
        "z1Zd0QDNNhiJ16HAIlcksoeu",
    ),
    (
        "pino: a token query value in req.url",
        "5zZdLRaLQ5ycDZbv9zXR3YMe",
    ),
    ("bunyan: a Basic password, echoed in msg", "Cp7KNMN6w6z61y5"),
    (
        "bunyan: a Basic value in req.headers",
        "d29ya2VyOkNwN0tOTU42dzZ6NjF5NQ==",
    ),
    (
        "bunyan: a Set-Cookie in the raw res.header",
        "kwbpXF7UJUq7aIivnnzahYXt",
    ),
    (
        "pino: an x-api-key, echoed in msg",
        "ak_0gOV5Faj82HnqjJJ568Jzl8j",
    ),
    (
        "Caddy: a Bearer JWT logged with log_credentials, echoed in the challenge",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Imd3LWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9ndzEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.BP-udTzhHQP-XZtPP9003td4D4jJ4p66pGsQ4byMkcSnFgDScGodFCWvWQT4ALQqLR3Con3-o42lBaN_XsTGbmvb-VZd_6oI14tmNEPDIVmKLe8ZNTh0oiW2PKffa1fV4zdC72JcutrsH357GeQ7ohGlBPkwK0QeC6KfCLCenfUvNJL_y4OmPKtiiO3GKkGuitcsj3A47OV__azpdpEaEjPx3d7x0XikaKfKSIzSV-zBfM7D82D2DO0RK8SpJD8Uv_n12ZMLhPQxG3I1eCsB1xIkZ9by17ZwRsFaxC2cjdH5H4aLzC14SoxlAO4gwXe9w9Y2d3aAezGuYcrSZU8kVg",
    ),
    (
        "Caddy: a session cookie logged with log_credentials",
        "khkVHaYhJfCWGkRymwwG45eU",
    ),
    (
        "Traefik: a kept request_Authorization (Basic)",
        "ZWRnZTo5bHZVZlZvdjRkNHdjS0c=",
    ),
    (
        "Traefik: a kept request_X-Api-Key",
        "RZ9C0CaxfYYKAnOZClQhcB",
    ),
    (
        "Envoy: %REQ(AUTHORIZATION)%, echoed in the challenge",
        "fLhiFXPSk4zpp4j1wFcI1Vuxzx",
    ),
    (
        "Docker-wrapped pino: a Bearer JWT in req.headers",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Imd3LWsyIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9ndzIiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.7Xo8_E98zI4X1eSHtbb4I5AB2JauLG62eii0X_7_zulklpTbSs17golVr7P9BjbXRxYM-kpX_sP5w3Ks6lcT-1N0Hnf2FCH8SOhLpiR78vSz43G8_fkNfq9WLqqI6Gvxw_rRKageZq2oAR6Qj_D_KkAlJ3x0ZtJsc-r9j8mIHv0dYIaJapmHrcia71Msc5BJTvjkMeiGwyQs8tbBoFe68IMR1J6xGeVEbtJdsuOcd2xzsCczXwJnZXsySLwwKgjbb3LmRXgtoE5wwUwbcT259Y9HrjZQDc1A-5vOt3N0SNtkOpwbmYp7DyuPYHbgO0T_AdmqXKhKGc6uJaWQ_3ZKnQ",
    ),
    (
        "exception: an opaque token quoted in Spring's message",
        "B7SSWNqVMIRP4hP5DdgrmBPs",
    ),
    (
        "exception: a Bearer JWT in a stack trace",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImV4LWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9leDEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.W9OZ-WCpGWAKGn4Mz7aJ5KwWSLEwqCOe5q3pfTm1SO3hW_oNKKyDftxKSa1RakwZtuZDK1yLz5qA-vk3F45hF3LdX3BhiGZsximrQJpDjFfKfCx--2tdH65iTnWSdcfNiM3AoDjLquz6_-nMPK8GPdz8fMRVT9Wv9EMCBbe3_6HdEdSDRuhsxeMEzwcWUS0OiQuxu9-71qcLjSBGSidQ1diVPH_7hoJ5Z9EqNofQgIZLsWraZh3YJTtow_vdm-M7VyY11XOi15eWpl9VTZ1F3K9F4EQRdNJR2TnzCQnHomCeR_a88VQnerkAsh8UUiK3LErCc9C5UTpCr49Ort9mMA",
    ),
    (
        "exception: a Bearer token in axios' err.config.headers",
        "GbHMVuvFPooaFafbrezawP2iYW",
    ),
    (
        "exception: a client_secret in axios' err.config.data",
        "cs_live_iLd5z7hssocUKX0CVvkN",
    ),
    (
        "exception: a refresh_token in axios' err.config.data",
        "rt_0Q0RixkqqndgRUS6cpDk3grt",
    ),
    (
        "exception: an access_token query value in a requests error",
        "e4HSRHNDEgZAdbS3SiL1fNgD",
    ),
    (
        "exception: a code query value in a requests error",
        "13TgKUeL8Fx8rhjG",
    ),
    (
        "a pasted JSON error body quoting a token",
        "3qG2j4NBbC49bFKTvw8RGuFo",
    ),
    (
        "a pasted JSON error body holding a refresh_token",
        "rt_d9js0qWmWo4ZiszXSa162bgM",
    ),
    (
        "exception: an API key (hex) in Guzzle's quoted body",
        "ad52f9f3ad82e19cc88803fa8109575c",
    ),
    (
        "k8s audit: a service-account JWT in requestURI's access_token",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ims4LWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OmNpOmRlcGxveWVyIiwiYXVkIjoiaHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20iLCJleHAiOjE3MDk5MDYwMDAsImlhdCI6MTcwOTkwMjQwMH0.1ftLBCN7L5w4rjqKxM33exdOjvYNbwv7hkBNmJEHWhjo-jW2G-UHNBTzmIQTo7FLR_1r0kNDp0ebz8Q_WWRhH4YJqd0CS-e7qIUR1Cohj_5_5Sf42w-XTwIn0d4O85uCYXk99IAXjc0Mg9h0qZfmGFnqh3utdzwueW_9GVKYc5Swbw8KHQ1zge_GpHHOJsOaA7VW4uIYCznR8S0Ql0gfOuyF2R4uOBOS-l-rbK7k0I8j8j5UoEuOKFtMFQ7p07zXwMW3PigyYM9I12UJE-HKD9WfwwIjz15uYps0gv9mHZAodq_3ck_1B5uwQyXiPZ4m6ng4oFeIgsW7k8Jub5yTXw",
    ),
    (
        "k8s audit: a TokenReview's spec.token, quoted by responseStatus.message",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ims4LWsyIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OmNpOmJ1aWxkZXIiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.li53XkA14FKUS9yCtdSFnxcxMlPlSaE-Fk92GsM0O02tNDoZW_294VPDq7k3U8sKbp9uCnt2MulfhGMYW9bhM5-Bwi6g8HP3bHzWLrSowSghA1LLrVL3P-npuaBHrO9McFYM8gZd1GN0nCMYuxcY0A-9UBVqcjzwWY6CmepBUmmCJWs_H7RYS7dmjytcj3hZE31bUpBBPU3qL34mSHkbt0SHZC6yXgWfGBRnfsV5BybkxRYAgsZ3n8ECwByuip1G9vNXfDg0wrtl3kl1HA_n2rLAkMYwh5_gxYiALs7iKGYTIpzPjl4XWCGhHZp7IPMmdEtYT8QsP7Y4RVNwhSxAjQ",
    ),
    (
        "k8s audit: a legacy token in annotations and the message",
        "toiyKwfnxx08lHrCuxjv03rO",
    ),
    (
        "wrong-type HAR values: a JWT in a status, a header list, a content",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ind0LWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl93dDEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.YyU0v_bJRDbLqfCydlDY-gl071XOlxXIkXZqYOHPHJopzqj2g9P9PgV0of3lcKW5xEyse-kMtSfu2JKJqhV3MbUkjJ7n1RmeXU1ytJMlArPI3q4Hh9JN6x-7yfXqILe-xmB7R9d5owp2BaNrC1AiMD1EfbHIAVKdiRPZ0ojbb2ObFloFE6cZOIyyZ7g59seZklQLU60bpAMcMkINR9RugjNMDek-VKAt7sA3qhvfBQCsdTFoxIIVNGbHiqN57h98JZ9ZcbCnVquDgApe8T28aXZ0h6VvQAF7q0syeoq2ad_nu6bkOxkVyx8IXpEf8whJjfwH7m9eQjBKX3GD9e5Axw",
    ),
    (
        "wrong-type HAR values: a token in a URL array and a method object",
        "6lhRLaxmcgUDuRAgQlsmKwbZ",
    ),
    (
        "wrong-type HAR values: a GitHub token as startedDateTime and a header name",
        "ghp_RyY9of7O379ke724qraWd5nurJGPlfsvQ92a",
    ),
    (
        "HAR: a second Authorization (Basic)",
        "c3ZjOkdrckhKaWI0U21TOA==",
    ),
    (
        "wrong-type HAR values: a cookie in a string `cookies`",
        "vcMSupq230XjyiyVojd3kVhl",
    ),
    (
        "paste: the first line of a JWT the mail client wrapped",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InBhLWszIn0.eyJp",
    ),
    (
        "paste: the second line of that wrapped JWT",
        "c3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9wYTMiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.TMxNCZVzzvECR-Vtug21_sZSnN6ZRZcf6HBu-goMCG9M3_OE2EqUGRH1FJUu_Itw272pujmNcZ8owyQggmkDWWOwwIr68gDc4ayImPCsadLjNe9feHyA3UJxuPZNDNBGkt2S7cgDnFmVl1WrThD3UtT69eJ98qWmCiGs56e8oD_mtalKfo-64JPOsCeEg2VgZwcqYZ7EeUPJi-SEKH-d3nAeF3-FbCmoI9SZeIvTUbC5sTw20ICsAJ9iEUPjtmWyTNqoKpXi5aKYVwTA-Q05Nlnc060ELM1sz9wWkaB2Rh3L4P7i5KDHShtRtkfSzmyooWSoVqrhA2s8-CYmqqMbKw",
    ),
    (
        "curl -v: the first piece of a JWT with spaces inside",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsIm",
    ),
    (
        "curl -v: the second piece of that JWT",
        "tpZCI6ImN2LWszIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXB",
    ),
    (
        "curl -v: the third piece of that JWT",
        "sZS5jb20vIiwic3ViIjoidXNlcl9jdjMiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ._27eOksmaE55fExiuUVtDg2akyoZvDezj0LX18ge2jk",
    ),
    (
        "ticket: a JWT echoed in a Spring exception's quoted body",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InRrLWsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl90azEiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwLCJzY29wZSI6InJlYWQifQ.1vodkFOJ7vl3vcFYzcgWMDVn6-b69_kBJ9cyG3kljYRcUlfMPZj9MGHLOf4X17skluF0TZ6dP8M2rsGC4bblBcIwx1kCxCSIHo96Qre5E5kNm52oUE1drQgpMR9kIwlzLz18hzdlkUtpLD8nPK3xsInA55Ii7uKAOP_s_kM46mO37C2QTxYRtM8Urvv_CQIvFjZJbfptjxK9oYHl8tH6VAw5nUgzofzBzOqkQnq9ZoStiMpbTKORwzbs55kxefwNbMb00-Yr3wOTTdUDCXQ0h2M5QWlgTzbAZeAcLJGJcjl6H8UiY4fzGypcSHib-tpOg_9rexKBDm9HU9b74fcI8g",
    ),
    (
        "ticket: a session value in a Spring exception's quoted body",
        "Ui7q1nEQdkp0y0phFEcNZnKmzQ",
    ),
    (
        "ticket: an access_token query value in a requests HTTPError URL",
        "OffhD5NH894u41CpVfzvRO6h",
    ),
    (
        "ticket: an api_key query value in a requests HTTPError URL",
        "1PUSmv3dwQ1k2i7w6uoYJc",
    ),
    (
        "ticket: a Bearer token in a Python repr dump, echoed",
        "r2slX8juv3LCSCFheTHYaTLW6PCP",
    ),
    (
        "ticket: a session cookie in a Python repr dump",
        "k1s3A2V5JIGvisCfRIMwtGuA",
    ),
    (
        "ticket: Authorization: Bearer <jwt> in a .NET request-headers dump",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InRrLWsyIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl90azIiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwLCJzY29wZSI6ImRldmljZXM6cmVhZCJ9.wS5zYbXUuOHudAoXg7reM3s4TCMlU3kPa46DVF_G1eGUG0m_ZQRIP0rjFwDAInHe3UZRy_g5laBG6o8Yh4lwJpxKDD1z9TkIAwyccSMMfTHlewJ3D1-UCW_6rXRrQMSuQlUntBUy0JgjHauCC45jPql4lqdBukmolCkIomVL_vUruI4KgkqswYZdB7OrnPksYLb8gpu0RraiJZpsz90ToVM1BcfLHzB1bxOrsEE8DqSGEXMZZpRlVxSh7HIIt2o54FiltqZVdoGLsVjfL4O_otdPy1-9N4PpOpmn5jmmMJ14az86kAGa-gBmTi5H-l1SinWc95QNY4ia9A8moQ_omA",
    ),
    (
        "ticket: a Bearer JWT in a Go http.Request dump",
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InRrLWszIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoiYWdlbnRfdGszIiwiYXVkIjoiaHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20iLCJleHAiOjE3MDk5MDYwMDAsImlhdCI6MTcwOTkwMjQwMH0.XLBBqvmRsNGuIXCpLcvhweDu6MezVORetiAGB_tW-BNSEHysXyFegYoEquDf773exU-iPcupI8HEsIJWR7DtdwH6J--gaXk3KMOxsFZ60fydijM4zsfzBnXCtF0YS-KwTJs4D529bRI_jKUqC0MtRB9as6IYAHbZavSonu8vXFgfvjG-QIiEhDX9xScQXz37nEg_O-zBwGyX3KYXya0Ie3unGiVXyNlOWVbaegwYa-d6cEl0HVwyDtgdMAEcrkGDUCX6De0LuXNwH_EKEAOjQpdlK96ss4uWJLFFmBg7wwHlNxN8EF9OqDYEiMuTJnkXhnzC9XdydmV6r4xW5GqOkw",
    ),
    (
        "ticket: a [password] in a PHP print_r dump",
        "jZn6Ie8OPsn392O",
    ),
    (
        "ticket: a Basic password echoed in an axios error.response.data",
        "XUAkreuu8n52nPdX",
    ),
    (
        "ticket: a Basic value in an axios error.config.headers dump",
        "cG9ydGFsLXN5bmM6WFVBa3JldXU4bjUyblBkWA==",
    ),
    (
        "ticket: the -u secret of a pasted curl -v command",
        "jIL4sNsMlLlftdHtMd",
    ),
    (
        "ticket: the Basic value of that -u in the transcript",
        "c3ZjLWV4cG9ydDpqSUw0c05zTWxMbGZ0ZEh0TWQ=",
    ),
    (
        "ticket: a password in a git URL's userinfo",
        "P2btOIXPoxqMk3",
    ),
    (
        "ticket: a password in an httpx error URL's userinfo",
        "9hUI3aUmUROj50T",
    ),
    (
        "ticket: the first line of a pasted PEM private key",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQPOyxCvkBUN4wtL",
    ),
    (
        "ticket: the second line of a pasted PEM private key",
        "kl3jlrhpttOqBJgUqN4lWtfMJRBWNQDBCEpyTzA3GfYsEcgHeEuLRX3rVDHelv7S",
    ),
    ("ticket: password= in a logged form body", "Yvbl3k3eVdIEx"),
    (
        "ticket: client_secret= in a logged token request",
        "cs_live_n3esXEmg9gPMMjCJzKI78hDX",
    ),
    (
        "ticket: a Bearer token in a PowerShell -Headers option",
        "0rS4LPHP0JK72y3xdpnWyebjemDpkm",
    ),
    (
        "ticket: an npm _authToken pasted from .npmrc",
        "npm_p1sJaSrASDSaa8qdG6V8uKT9gx3rP5FetrvA",
    ),
];

/// Secrets the fixtures only hold encoded (a Basic value's parts), or that a reader builds
/// (the Basic value curl sends for `-u`).
const DERIVED: &[(&str, &str)] = &[
    ("the decoded Basic credential a:b", "a:b"),
    ("the decoded Basic credential admin:pw1", "admin:pw1"),
    (
        "the API key that is a Basic user",
        "k7QzX2mW9pR4tL8vN3bY6cJ1",
    ),
    (
        "paste: the Basic value curl builds for -u admin:m3n",
        "YWRtaW46bTNu",
    ),
    ("Kong: the password inside a Basic value", "xm7gzRQKdRd23u2"),
    (
        "HAR: the password of a second Authorization (Basic)",
        "GkrHJib4SmS8",
    ),
    (
        "Traefik: the password of a kept Authorization (Basic)",
        "9lvUfVov4d4wcKG",
    ),
    (
        "ticket: the decoded Basic credential of an axios dump",
        "portal-sync:XUAkreuu8n52nPdX",
    ),
];

/// A token only the 5 MB header line holds (that file is written by the test).
const LONG_LINE_TOKEN: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImxvbmctazEifQ.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlcl9sb25nX2xpbmUiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTcwOTkwNjAwMCwiaWF0IjoxNzA5OTAyNDAwfQ.xy-cgtFqw_Xgcvpu32KkIJIIHOva9t31vTxlTRhxpvc";

/// Shorter secrets are matched as whole words; longer ones by any window of this length.
const WINDOW: usize = 12;

/// Reader errors may quote at most this many characters of their input.
const QUOTE_LIMIT: usize = 32;

/// How many `--explain` outputs must show a body excerpt (the captures have 69).
const BODIES: usize = 60;

struct Secret {
    what: String,
    value: String,
}

/// Every secret, with each JWT's header, payload and signature as secrets of their own.
fn secrets() -> Vec<Secret> {
    let long_line = [("the token on a 5 MB header line", LONG_LINE_TOKEN)];
    let mut all = Vec::new();
    for (what, value) in SECRETS.iter().chain(DERIVED).chain(&long_line) {
        all.push(Secret {
            what: (*what).to_owned(),
            value: (*value).to_owned(),
        });
        if value.starts_with("eyJ") {
            let parts = ["header", "payload", "signature"];
            for (part, segment) in parts.iter().zip(value.split('.')) {
                all.push(Secret {
                    what: format!("the {part} segment of {what}"),
                    value: segment.to_owned(),
                });
            }
        }
    }
    all
}

/// Where `secret` shows in `text`, if it does.
fn leak(secret: &Secret, text: &str) -> Option<String> {
    let value = &secret.value;
    let at = if value.chars().count() >= WINDOW {
        let chars: Vec<char> = value.chars().collect();
        chars
            .windows(WINDOW)
            .map(|w| w.iter().collect::<String>())
            .find_map(|w| text.find(&w))
    } else {
        let word = format!(
            "(?:^|[^A-Za-z0-9_]){}(?:$|[^A-Za-z0-9_])",
            regex::escape(value)
        );
        Regex::new(&word)
            .expect("pattern")
            .find(text)
            .map(|m| m.start())
    }?;
    let mut start = at.saturating_sub(60);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + 80).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Some(text[start..end].to_owned())
}

/// The capture files of tests/fixtures/secrets/ (not the generator or notes).
fn captures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture("secrets"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("py" | "md")))
        .collect();
    files.sort();
    assert!(files.len() >= 14, "{files:?}");
    files
}

/// A curl `-v` transcript whose second request has a header line longer than the readers'
/// 4 MiB line limit, with a token at both ends of it. (The first exchange lets detection,
/// which reads the first 64 KiB, see a transcript.)
fn write_long_line_transcript(dir: &Path) -> PathBuf {
    let padding = "A".repeat(5 * 1024 * 1024);
    let text = format!(
        "* Connected to api.example.com (203.0.113.10) port 443\n\
         > GET /v2/small HTTP/1.1\n\
         > Host: api.example.com\n\
         > \n\
         < HTTP/1.1 200 OK\n\
         < \n\
         > GET /v2/huge HTTP/1.1\n\
         > Host: api.example.com\n\
         > X-Trace: Bearer {LONG_LINE_TOKEN} {padding} {LONG_LINE_TOKEN}\n\
         > \n\
         < HTTP/1.1 401 Unauthorized\n\
         < WWW-Authenticate: Bearer error=\"invalid_token\"\n\
         < \n"
    );
    let path = dir.join("long-header-line.txt");
    std::fs::write(&path, text).expect("write the long-line transcript");
    path
}

/// What every run reads: the fixture captures and the long-line transcript.
struct Inputs {
    files: Vec<PathBuf>,
    _dir: tempfile::TempDir,
}

impl Inputs {
    fn new() -> Inputs {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut files = captures();
        files.push(write_long_line_transcript(dir.path()));
        Inputs { files, _dir: dir }
    }

    /// Runs `analyze` on the inputs with `extra`; returns stdout and stderr.
    fn report(&self, extra: &[&str]) -> (String, String) {
        let output = why401()
            .args(["analyze", "--no-progress", "--include-403"])
            .args(&self.files)
            .args(extra)
            .output()
            .expect("runs");
        // A partial report exits 0: its inputs' problems are records.
        let expected: &[i32] = if extra.contains(&"--partial") {
            &[0]
        } else {
            &[1, 2]
        };
        assert!(
            output.status.code().is_some_and(|c| expected.contains(&c)),
            "{extra:?}: {:?}",
            output.status
        );
        (
            String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        )
    }
}

/// The text of the fixtures, plus each `--trace-ascii` data section joined back together
/// (the trace cuts a secret into 64-byte rows).
fn fixture_text() -> String {
    let row = Regex::new(r"^[0-9a-f]{4,}: ").expect("pattern");
    let mut text = String::new();
    for path in captures() {
        let content = std::fs::read_to_string(&path).expect("fixture");
        let joined: String = content
            .lines()
            .filter_map(|line| row.find(line).map(|m| &line[m.end()..]))
            .collect();
        text.push_str(&content);
        text.push('\n');
        text.push_str(&joined);
        text.push('\n');
    }
    text
}

#[test]
fn the_fixtures_hold_every_listed_secret() {
    let text = fixture_text();
    for (what, value) in SECRETS {
        assert!(
            text.contains(value),
            "{what} ({value}) is not in the fixtures"
        );
    }
}

/// Every reader was fed: each format is read, and the broken records are reported.
fn assert_every_reader_ran(document: &Value) {
    let inputs = document["inputs"].as_array().expect("inputs");
    // Pastes that do not start like raw HTTP are read as ticket text.
    for format in ["har", "curl", "ticket", "jsonl"] {
        let read: u64 = inputs
            .iter()
            .filter(|i| i["format"] == format)
            .map(|i| i["exchanges"].as_u64().expect("exchanges"))
            .sum();
        assert!(read >= 3, "only {read} exchanges read as {format}");
    }
    let input = |name: &str| {
        inputs
            .iter()
            .find(|i| i["source"].as_str().is_some_and(|s| s.ends_with(name)))
            .unwrap_or_else(|| panic!("no input {name}"))
    };
    let errors = |name: &str| {
        let input = input(name);
        input["errors_total"].as_u64().expect("errors_total")
            + input["skipped"].as_u64().expect("skipped")
    };
    let long = input("long-header-line.txt");
    assert_eq!(long["format"], "curl", "{long}");
    assert_eq!(long["errors"][0]["location"], "line 9", "{long}");
    for broken in [
        "leaky.har",
        "truncated-in-token.har",
        "syntax-error-after-token.har",
        "kong-truncated.json",
        "nginx.jsonl",
        "long-header-line.txt",
    ] {
        assert!(
            errors(broken) > 0,
            "{broken}: the broken records are not reported"
        );
    }
}

#[test]
fn no_format_shows_a_secret() {
    let inputs = Inputs::new();
    let (json, _) = inputs.report(&["-f", "json"]);
    let document: Value = serde_json::from_str(&json).expect("JSON report");
    assert_every_reader_ran(&document);
    let count = document["findings"].as_array().expect("findings").len();
    assert!(count >= 85, "the captures yield their findings: {count}");

    let mut outputs: Vec<(String, String)> = Vec::new();
    let mut add = |name: String, extra: &[&str]| {
        let (stdout, stderr) = inputs.report(extra);
        outputs.push((format!("{name} stdout"), stdout));
        outputs.push((format!("{name} stderr"), stderr));
    };
    add("text".into(), &["--color", "never"]);
    add("coloured text".into(), &["--color", "always"]);
    add("-v".into(), &["-v", "--color", "never"]);
    add("json".into(), &["-f", "json"]);
    add("jsonl".into(), &["-f", "jsonl"]);
    add("csv".into(), &["-f", "csv"]);
    add("markdown".into(), &["-f", "markdown"]);
    add("partial".into(), &["--partial"]);
    add("html".into(), &["-f", "html"]);
    for n in 1..=count + 1 {
        let n = n.to_string();
        add(
            format!("--explain {n}"),
            &["--explain", &n, "--color", "never"],
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = dir.path().join("counts.csv");
    add(
        "--summary-csv".into(),
        &["-q", "--summary-csv", summary.to_str().expect("path")],
    );
    let summary_text = std::fs::read_to_string(&summary).expect("summary written");
    outputs.push(("--summary-csv file".into(), summary_text));

    // The explanations do quote the bodies (where most secrets were echoed).
    let bodies = outputs
        .iter()
        .filter(|(name, text)| name.starts_with("--explain") && text.contains("\n  body "))
        .count();
    assert!(bodies >= BODIES, "only {bodies} explanations show a body");

    let mut leaks = Vec::new();
    for secret in secrets() {
        for (name, text) in &outputs {
            if let Some(context) = leak(&secret, text) {
                leaks.push(format!("{} in {name}: …{context}…", secret.what));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leak(s):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

#[test]
fn reader_errors_quote_little_of_their_input() {
    let inputs = Inputs::new();
    let (json, _) = inputs.report(&["-f", "json"]);
    let document: Value = serde_json::from_str(&json).expect("JSON report");
    let messages: Vec<String> = document["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .flat_map(|i| i["errors"].as_array().expect("errors").iter())
        .chain(
            document["inputs"]
                .as_array()
                .expect("inputs")
                .iter()
                .flat_map(|i| i["notes"].as_array().expect("notes").iter()),
        )
        .map(|e| e["message"].as_str().expect("message").to_owned())
        .collect();
    assert!(messages.len() >= 6, "{messages:?}");
    let input = fixture_text();
    for message in &messages {
        let chars: Vec<char> = message.chars().collect();
        let quoted = chars
            .windows(QUOTE_LIMIT + 1)
            .map(|w| w.iter().collect::<String>())
            .find(|w| input.contains(w.as_str()));
        assert!(quoted.is_none(), "{message:?} quotes its input: {quoted:?}");
    }
}

#[test]
fn the_leak_check_finds_what_it_looks_for() {
    let jwt = Secret {
        what: "a token".into(),
        value: SECRETS[0].1.to_owned(),
    };
    assert!(leak(&jwt, &format!("cut: {}…", &SECRETS[0].1[100..115])).is_some());
    assert!(leak(&jwt, "fp_0123456789ab").is_none());
    let short = Secret {
        what: "pw".into(),
        value: "pw1".into(),
    };
    assert!(leak(&short, "password \"pw1\"").is_some());
    assert!(leak(&short, "pw1").is_some());
    assert!(leak(&short, "upw12 and xpw1").is_none());
}

/// Tokens of prefixes a URL path may hold (`/hooks/npm_…`): (what it is, value).
const PATH_TOKENS: &[(&str, &str)] = &[
    ("an npm token", "npm_Q7vLk2mX9pR4tW8yB3nC6dF1gH5jK0sZ2aE4"),
    (
        "a PyPI token",
        "pypi-AgEIcHlwaS5vcmcCJGQ3NzE4YjQ2LWIxNTgtNDc",
    ),
    (
        "a Hugging Face token",
        "hf_Rt5Yu8Io2Pa4Sd6Fg9Hj1Kl3Zx7Cv0Bn",
    ),
    (
        "a DigitalOcean token",
        "dop_v1_4f9c2a7e1b8d3f6a0c5e9b2d7f1a4c8e6b3d0f9a2c7e5b1d8f4a6c3e0b9d2f7a",
    ),
    (
        "a Grafana token",
        "glsa_Wq3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc_4f9c2a7e",
    ),
    ("a GitHub token", "ghp_Mn4Bv6Cx8Zl1Kj3Hg5Fd7Sa9Po2Iu4Yt6Re8"),
];

/// A curl `-v` transcript of a 401 to a URL whose path holds `token`.
fn path_token_transcript(dir: &Path, n: usize, token: &str) -> PathBuf {
    let text = format!(
        "$ curl -v -X POST https://hooks.example.com/hooks/{token}/deliver\n\
         * Connected to hooks.example.com (203.0.113.20) port 443\n\
         > POST /hooks/{token}/deliver HTTP/1.1\n\
         > Host: hooks.example.com\n\
         > User-Agent: curl/8.5.0\n\
         > Accept: */*\n\
         > \n\
         < HTTP/1.1 401 Unauthorized\n\
         < Content-Type: application/json\n\
         < WWW-Authenticate: Bearer realm=\"hooks\"\n\
         < \n\
         {{\"error\": \"unknown hook\"}}\n"
    );
    let path = dir.join(format!("path-token-{n}.txt"));
    std::fs::write(&path, text).expect("write transcript");
    path
}

#[test]
fn tokens_in_url_paths_are_never_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files: Vec<PathBuf> = PATH_TOKENS
        .iter()
        .enumerate()
        .map(|(n, (_, token))| path_token_transcript(dir.path(), n, token))
        .collect();
    let formats: &[&[&str]] = &[
        &["--color", "never"],
        &["-v", "--color", "never"],
        &["--explain", "1", "--color", "never"],
        &["-f", "json"],
        &["-f", "jsonl"],
        &["-f", "csv"],
        &["-f", "markdown"],
    ];
    let mut findings = 0;
    let mut leaks = Vec::new();
    for format in formats {
        let output = why401()
            .args(["analyze", "--no-progress"])
            .args(&files)
            .args(*format)
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if format.contains(&"json") {
            let document: Value = serde_json::from_str(&stdout).expect("JSON report");
            findings = document["findings"].as_array().expect("findings").len();
        }
        for (what, value) in PATH_TOKENS {
            let secret = Secret {
                what: (*what).to_owned(),
                value: (*value).to_owned(),
            };
            for text in [&stdout, &stderr] {
                if let Some(context) = leak(&secret, text) {
                    leaks.push(format!("{what} in {format:?}: …{context}…"));
                }
            }
        }
    }
    assert_eq!(findings, PATH_TOKENS.len(), "every capture yields its 401");
    assert!(
        leaks.is_empty(),
        "{} leak(s):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

/// The identity claim of the samples' tokens (a client id the reference platform issues).
const SAMPLE_SUBJECT: &str = "user_51c0e2";

#[test]
fn identity_claims_are_in_no_format_unless_asked() {
    for format in ["text", "json", "jsonl", "csv", "markdown"] {
        for extra in [&[][..], &["-v"][..], &["--explain", "1"][..]] {
            let output = why401()
                .args(["analyze", "--no-progress", "-f", format, "samples/"])
                .args(extra)
                .output()
                .expect("runs");
            let printed = String::from_utf8_lossy(&output.stdout);
            assert!(
                !printed.contains(SAMPLE_SUBJECT),
                "{format} {extra:?} prints the subject"
            );
        }
    }
    let output = why401()
        .args([
            "analyze",
            "--no-progress",
            "-f",
            "json",
            "--show-identity",
            "samples/",
        ])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&output.stdout).contains(SAMPLE_SUBJECT));
}
