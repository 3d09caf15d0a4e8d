//! The pages the server writes itself: the drop page, the token form and short messages.
//! Their only script and style are inline and allowed by hash.

use std::sync::OnceLock;

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::report::html::{escape, hash_source};

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");
const BODY: &str = include_str!("page.html");

/// The pages' policy: their own script and style, requests only to this server.
pub fn policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        format!(
            "default-src 'none'; script-src '{}'; style-src '{}'; connect-src 'self'; \
             form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            hash_source(SCRIPT),
            hash_source(STYLE)
        )
    })
}

fn document(title: &str, body: &str, script: bool) -> String {
    let script = if script {
        format!("<script>{SCRIPT}</script>")
    } else {
        String::new()
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>{body}{script}</body></html>\n",
        escape(title)
    )
}

pub async fn index() -> Response {
    Html(document("why401 serve", BODY, true)).into_response()
}

pub async fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Nothing here.")
}

/// A short page saying what happened.
pub fn message(status: StatusCode, text: &str) -> Response {
    let body = format!(
        "<h1>why401 serve</h1><p id=\"message\">{}</p><p><a href=\"/\">Back</a></p>",
        escape(text)
    );
    (status, Html(document("why401 serve", &body, false))).into_response()
}

/// The token form (for a server reachable from other machines).
pub fn login(status: StatusCode) -> Response {
    let body = "<h1>why401 serve</h1><p>This server needs its token (ask who started it).</p>\
        <form method=\"post\" action=\"/login\"><label>Token <input type=\"password\" \
        name=\"token\" autocomplete=\"current-password\" required></label> \
        <button type=\"submit\">Enter</button></form>";
    (status, Html(document("why401 serve: token", body, false))).into_response()
}

/// A report file to download.
pub fn attachment(content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
