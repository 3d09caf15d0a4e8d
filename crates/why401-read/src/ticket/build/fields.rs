//! Fields of the object dumps a response owns: headers, error fields, method and URL.

use super::super::dump::{self, Field};
use super::super::words;
use super::request::clean_url;
use super::{Text, push_message};
use why401_model::exchange::{Request, Response, ServerMessage};

/// Object dumps among the owned lines (JSON, repr, print_r, Go, Ruby, .NET, logfmt): headers
/// of the request or response, error fields of the body, method and URL. A command line is
/// no dump: its arguments (`-Headers @{Authorization = "Bearer $token"}`) are read by the
/// command reader, which knows what the shell expanded.
pub(super) fn read_dump_fields(
    text: &Text,
    owned: &[usize],
    request: &mut Request,
    reply: &mut Response,
    messages: &mut Vec<ServerMessage>,
) {
    let joined: String = owned
        .iter()
        .map(|&l| text.lines[l])
        .filter(|line| crate::command::tool_of(line.trim_start()).is_none())
        .take(MAX_DUMP_LINES)
        .collect::<Vec<_>>()
        .join("\n");
    for field in dump::fields(&joined) {
        read_dump_field(&field, request, reply, messages);
    }
}

/// Most owned lines joined for the dump scanner: a response's own dump is far shorter, and
/// this bounds the scan on a huge paste.
const MAX_DUMP_LINES: usize = 2_000;
/// Longest host name a `host` field may give the URL (a DNS name is at most 253 bytes).
const MAX_HOST: usize = 256;
/// A `method` field gives the method only when shorter than this: the methods of RFC 9110
/// (`OPTIONS`, `CONNECT` the longest) fit, a longer value is not a method.
const MAX_METHOD: usize = 10;
/// Longest URL a `url` or `uri` field may give.
const MAX_URL: usize = 2048;

/// Header names a dump may hold for the request's credential (the `credential_key` words of
/// the word table).
fn is_credential_key(key: &str) -> bool {
    words::list("credential_key").contains(&key)
}

/// Error fields of a body, as the judge reads them, code fields by their name (the
/// `statement_key` words of the word table).
fn is_statement_key(key: &str) -> bool {
    words::list("statement_key").contains(&key)
}

fn read_dump_field(
    field: &Field,
    request: &mut Request,
    reply: &mut Response,
    messages: &mut Vec<ServerMessage>,
) {
    let key = field.key.as_str();
    let path = field.path.to_ascii_lowercase();
    let value = field.value.trim();
    if value.is_empty() {
        return;
    }
    let in_request = path.contains("request") && !path.contains("response");
    if key == "www-authenticate" && !reply.headers.contains(key) {
        reply.headers.push("WWW-Authenticate", value);
    } else if key == "date" && !in_request && !reply.headers.contains("date") {
        reply.headers.push("Date", value);
    } else if is_credential_key(key)
        && (in_request || path.contains("header") || key == "authorization")
    {
        if !request.headers.contains(key) {
            request.headers.push(key, value);
        }
        request.headers_recorded = true;
        request.credential_recorded = true;
    } else if in_request && path.contains("header") {
        request.headers.push(key, value);
        request.headers_recorded = true;
        request.credential_recorded = true;
    } else if is_statement_key(key) && !in_request {
        // `error="token is expired"` is a sentence, not a code: the judge reads it as one.
        let sentence = value.contains(' ') && matches!(key, "error" | "error_code" | "errorcode");
        push_message(messages, if sentence { "message" } else { key }, value);
    } else if key == "host" && is_path_only(&request.url) && value.len() < MAX_HOST {
        request.url = format!("//{value}{}", request.url);
    } else if key == "method" && request.method.is_empty() && value.len() < MAX_METHOD {
        request.method = value.to_ascii_uppercase();
    } else if matches!(key, "url" | "uri") && request.url.is_empty() && value.len() < MAX_URL {
        request.url = clean_url(value);
    }
}

/// A URL of a path alone (`/v1/me`), not yet one with its host (`//host/v1/me`).
fn is_path_only(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//")
}

/// A whole line kept as the server's words is dropped when a field read from it says the same
/// thing more precisely (`error="token is expired"` of a logfmt line): the field is quoted.
pub(super) fn drop_lines_restated_by_fields(messages: &mut Vec<ServerMessage>) {
    let fields: Vec<String> = messages
        .iter()
        .filter(|m| is_statement_key(&m.field) && m.text.len() > 3)
        .map(|m| m.text.clone())
        .collect();
    messages.retain(|m| m.field != "line" || !fields.iter().any(|f| m.text.contains(f.as_str())));
}
