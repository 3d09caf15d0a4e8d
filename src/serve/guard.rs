//! What every request passes before a handler sees it: the `Host` it names (against DNS
//! rebinding), its origin for anything that changes state (against CSRF), the token when
//! one is required; and the headers every response carries.

use std::sync::Arc;

use axum::extract::{Form, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::App;
use super::page;

/// The cookie holding the token's hash once the page was given the token.
const COOKIE: &str = "why401_session";

pub async fn check(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut response = match refusal(&app, &request) {
        Some(refused) => refused,
        None => next.run(request).await,
    };
    secure_headers(response.headers_mut());
    response
}

/// Why a request is refused, if it is.
fn refusal(app: &App, request: &Request) -> Option<Response> {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !app.hosts.contains(&host) {
        return Some(page::message(
            StatusCode::MISDIRECTED_REQUEST,
            "This server does not answer to that host name (start it with --allow-host NAME to add one).",
        ));
    }
    let changes = !matches!(*request.method(), Method::GET | Method::HEAD);
    if changes && !same_origin(headers, &host) {
        return Some(page::message(
            StatusCode::FORBIDDEN,
            "Refused: the request comes from another site.",
        ));
    }
    let open = request.uri().path() == "/login" && *request.method() == Method::POST;
    match app.settings.token {
        Some(token) if !open && !authorized(headers, &token) => Some(ask_for_token()),
        _ => None,
    }
}

/// A browser names the site that sent a request in `Sec-Fetch-Site` and `Origin`; both, when
/// present, must be this server. Under `Referrer-Policy: no-referrer` a form's `Origin` is
/// `null`, which passes only when `Sec-Fetch-Site` vouches for it. Tools that send neither
/// (curl) are not a browser steered by another site.
fn same_origin(headers: &HeaderMap, host: &str) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let site = text("sec-fetch-site");
    let origin_ok = match text("origin") {
        None => true,
        Some("null") => site == Some("same-origin"),
        Some(origin) => {
            let origin = origin.to_ascii_lowercase();
            origin == format!("http://{host}") || origin == format!("https://{host}")
        }
    };
    let site_ok = site.is_none_or(|site| matches!(site, "same-origin" | "none"));
    origin_ok && site_ok
}

fn authorized(headers: &HeaderMap, token: &[u8; 32]) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| Sha256::digest(t.trim().as_bytes()).into());
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .find_map(from_hex);
    [bearer, cookie]
        .into_iter()
        .flatten()
        .any(|given: [u8; 32]| same_bytes(&given, token))
}

/// Compares in time independent of where the values differ.
fn same_bytes(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn from_hex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn ask_for_token() -> Response {
    let mut response = page::login(StatusCode::UNAUTHORIZED);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"why401 serve\""),
    );
    response
}

#[derive(serde::Deserialize)]
pub struct Login {
    token: String,
}

/// The page's token form: a right token sets the cookie (its hash, never the token itself,
/// `HttpOnly` and `SameSite=Strict`) and goes back to the page.
pub async fn login(State(app): State<Arc<App>>, Form(login): Form<Login>) -> Response {
    let given: [u8; 32] = Sha256::digest(login.token.trim().as_bytes()).into();
    match app.settings.token {
        Some(token) if same_bytes(&given, &token) => {
            let cookie = format!(
                "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
                hex(&token)
            );
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Some(_) => ask_for_token(),
        None => (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response(),
    }
}

/// Nothing cached, no referrer, no framing, no sniffing; the page's own policy unless the
/// handler set one (a report carries its own).
fn secure_headers(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(policy) = HeaderValue::from_str(page::policy())
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_of_other_sites_are_refused() {
        let mut headers = HeaderMap::new();
        assert!(same_origin(&headers, "127.0.0.1:8401"));
        headers.insert("origin", HeaderValue::from_static("http://127.0.0.1:8401"));
        assert!(same_origin(&headers, "127.0.0.1:8401"));
        headers.insert("origin", HeaderValue::from_static("http://evil.example"));
        assert!(!same_origin(&headers, "127.0.0.1:8401"));
        headers.insert("origin", HeaderValue::from_static("null"));
        assert!(!same_origin(&headers, "127.0.0.1:8401"));
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&headers, "127.0.0.1:8401"));
        headers.remove("origin");
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&headers, "127.0.0.1:8401"));
    }

    #[test]
    fn the_cookie_holds_the_hash_in_hex() {
        let digest: [u8; 32] = Sha256::digest(b"a token of some length").into();
        assert_eq!(from_hex(&hex(&digest)), Some(digest));
        assert_eq!(from_hex("zz"), None);
    }
}
