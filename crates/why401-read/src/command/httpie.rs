//! HTTPie's (and xh's) command line: options, `METHOD URL` and request items.

use super::shell::Word;
use super::{Builder, Command, Tool, is_credential_header};
use crate::headers::split_origin;

#[rustfmt::skip]
const HTTPIE_WITH_ARG: &[&str] = &[
    "--auth", "-a", "--auth-type", "-A", "--output", "-o", "--print", "-p", "--pretty",
    "--style", "-s", "--session", "--session-read-only", "--verify", "--cert", "--cert-key",
    "--cert-key-pass", "--ssl", "--ciphers", "--timeout", "--max-redirects", "--proxy",
    "--boundary", "--raw", "--format-options", "--response-charset", "--response-mime",
    "--default-scheme", "--history-print", "-P", "--max-headers",
];

pub(super) fn parse_httpie(args: &[Word], default_https: bool) -> Option<Command> {
    let mut b = Builder::default();
    let mut auth_type = String::from("basic");
    let mut form = false;
    let mut json_fields: Vec<String> = Vec::new();
    let mut positional: Vec<&Word> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        i += 1;
        let text = word.text.as_str();
        if text.starts_with('-') && text.len() > 1 {
            let (flag, attached) = match text.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
                _ => (text, None),
            };
            if HTTPIE_WITH_ARG.contains(&flag) {
                let value = match attached {
                    Some(v) => Word {
                        text: v,
                        expands: word.expands,
                    },
                    None => {
                        let Some(next) = args.get(i) else { break };
                        i += 1;
                        next.clone()
                    }
                };
                match flag {
                    "--auth" | "-a" => b.user = Some(value),
                    "--auth-type" | "-A" => auth_type = value.text.to_ascii_lowercase(),
                    "--session" | "--session-read-only" => b.credential_unrecorded = true,
                    _ => {}
                }
            } else {
                match flag {
                    "--form" | "-f" | "--multipart" => form = true,
                    "--follow" | "-F" => b.follow = true,
                    _ => {}
                }
            }
            continue;
        }
        positional.push(word);
    }
    let mut items = positional.into_iter();
    let first = items.next()?;
    let url_word = if first.text.bytes().all(|c| c.is_ascii_alphabetic()) && items.len() > 0 {
        b.method = Some(first.text.to_ascii_uppercase());
        items.next()?
    } else {
        first
    };
    b.urls
        .push(normalize_httpie_url(&url_word.text, default_https));
    for item in items {
        httpie_item(&mut b, item, &mut json_fields);
    }
    httpie_auth(&mut b, &auth_type);
    if !json_fields.is_empty() {
        if form {
            b.content_type = Some("application/x-www-form-urlencoded".into());
            b.data.push(json_fields.join("&"));
        } else {
            b.content_type = Some("application/json".into());
            b.data.push(format!("{{{}}}", json_fields.join(", ")));
        }
    }
    b.finish(Tool::Httpie)
}

fn httpie_auth(b: &mut Builder, auth_type: &str) {
    let Some(user) = b.user.take() else { return };
    match auth_type {
        "bearer" => {
            b.credential_unrecorded |= user.expands;
            b.headers
                .push(("Authorization".into(), format!("Bearer {}", user.text)));
        }
        "basic" => b.user = Some(user),
        _ => {
            b.multi_pass = true;
            b.user = Some(user);
        }
    }
}

/// A request item: `Header:value`, `Header;`, `param==value`, `field=value`, `field:=json`,
/// `field@file`, `Header:@file`.
fn httpie_item(b: &mut Builder, item: &Word, json_fields: &mut Vec<String>) {
    let text = item.text.as_str();
    let Some(pos) = text.find([':', '=', '@', ';']) else {
        return;
    };
    let (name, rest) = (&text[..pos], &text[pos..]);
    if let Some(value) = rest.strip_prefix(":=@").or(rest.strip_prefix("=@")) {
        let _ = value;
        b.body_unrecorded = true;
    } else if let Some(value) = rest.strip_prefix(":=") {
        json_fields.push(format!("\"{name}\": {value}"));
    } else if let Some(value) = rest.strip_prefix("==") {
        let url = b.urls.last_mut();
        if let Some(url) = url {
            let sep = if url.contains('?') { '&' } else { '?' };
            url.push(sep);
            url.push_str(&format!("{name}={value}"));
        }
    } else if let Some(value) = rest.strip_prefix('=') {
        json_fields.push(format!("\"{name}\": {}", serde_json::Value::from(value)));
    } else if let Some(value) = rest.strip_prefix(":@") {
        let _ = value;
        if is_credential_header(name) {
            b.credential_unrecorded = true;
        }
    } else if let Some(value) = rest.strip_prefix(':') {
        if !value.is_empty() {
            b.header_arg(&Word {
                text: format!("{name}: {value}"),
                expands: item.expands,
            });
        }
    } else if rest == ";" {
        b.headers.push((name.to_owned(), String::new()));
    } else if rest.starts_with('@') {
        b.body_unrecorded = true;
    }
}

/// HTTPie URLs: `:3000/x` is localhost, a missing scheme is `http://` (`https://` for the
/// `https` command).
fn normalize_httpie_url(text: &str, default_https: bool) -> String {
    if split_origin(text).is_some() {
        return text.to_owned();
    }
    let scheme = if default_https { "https" } else { "http" };
    match text.strip_prefix(':') {
        Some(rest) if rest.starts_with('/') || rest.is_empty() => {
            format!("{scheme}://localhost{rest}")
        }
        Some(rest) => format!("{scheme}://localhost:{rest}"),
        None => format!("{scheme}://{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Tool, parse};
    use why401_model::exchange::Request;

    fn body_text(request: &Request) -> Option<&str> {
        request.body.as_ref().map(|b| b.text.as_str())
    }

    #[test]
    fn httpie_items_and_auth() {
        let c = parse(
            "http -v POST api.example.com/v2/devices 'Authorization:Bearer t.u.v' name=lamp count:=2 q==1",
            Tool::Httpie,
        )
        .unwrap();
        assert_eq!(c.request.method, "POST");
        assert_eq!(c.request.url, "http://api.example.com/v2/devices?q=1");
        assert_eq!(c.request.headers.get("authorization"), Some("Bearer t.u.v"));
        assert_eq!(
            body_text(&c.request),
            Some("{\"name\": \"lamp\", \"count\": 2}")
        );

        let c = parse("https -a alice:pw api.example.com/v2/x", Tool::Httpie).unwrap();
        assert_eq!(c.request.url, "https://api.example.com/v2/x");
        assert_eq!(
            c.request.headers.get("authorization"),
            Some("Basic YWxpY2U6cHc=")
        );

        let c = parse("http -A bearer -a tok :8080/v2/x", Tool::Httpie).unwrap();
        assert_eq!(c.request.url, "http://localhost:8080/v2/x");
        assert_eq!(c.request.headers.get("authorization"), Some("Bearer tok"));

        let c = parse(
            "http api.example.com/v2/x Authorization:@token.txt",
            Tool::Httpie,
        )
        .unwrap();
        assert!(!c.request.credential_recorded);
    }
}
