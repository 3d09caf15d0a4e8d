//! PowerShell's `Invoke-WebRequest`/`Invoke-RestMethod` parameters and `@{...}` header tables.

use super::shell::{Word, tokenize};
use super::{Builder, Command, Tool, looks_like_url};

#[rustfmt::skip]
const POWERSHELL_PARAMS: &[&str] = &[
    "uri", "method", "headers", "body", "contenttype", "credential", "usedefaultcredentials",
    "authentication", "token", "websession", "sessionvariable", "useragent", "outfile",
    "timeoutsec", "maximumredirection", "proxy", "proxycredential", "erroraction",
    "usebasicparsing", "skipcertificatecheck", "allowunencryptedauthentication",
];

/// PowerShell parameters may be abbreviated to any unique prefix.
fn powershell_param(text: &str) -> Option<&'static str> {
    let name = text.strip_prefix('-')?.to_ascii_lowercase();
    let name = name.trim_end_matches(':');
    if name.is_empty() {
        return None;
    }
    if let Some(exact) = POWERSHELL_PARAMS.iter().find(|p| **p == name) {
        return Some(exact);
    }
    let mut matches = POWERSHELL_PARAMS.iter().filter(|p| p.starts_with(name));
    let first = matches.next()?;
    matches.next().is_none().then_some(*first)
}

pub(super) fn parse_powershell(args: &[Word]) -> Option<Command> {
    let mut b = Builder::default();
    let mut body: Option<Word> = None;
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        i += 1;
        let Some(param) = powershell_param(&word.text) else {
            if looks_like_url(&word.text) {
                b.urls.push(word.text.clone());
            }
            continue;
        };
        let switch = matches!(
            param,
            "usedefaultcredentials"
                | "usebasicparsing"
                | "skipcertificatecheck"
                | "allowunencryptedauthentication"
        );
        if switch {
            b.credential_unrecorded |= param == "usedefaultcredentials";
            continue;
        }
        let Some(value) = args.get(i) else { break };
        i += 1;
        match param {
            "uri" => b.urls.push(value.text.clone()),
            "method" => b.method = Some(value.text.to_ascii_uppercase()),
            "headers" => powershell_headers(&mut b, value),
            "body" => body = Some(value.clone()),
            "contenttype" => b.content_type = Some(value.text.clone()),
            "credential" | "authentication" | "token" | "websession" => {
                b.credential_unrecorded = true
            }
            "useragent" => b.headers.push(("User-Agent".into(), value.text.clone())),
            _ => {}
        }
    }
    if let Some(body) = body {
        if body.expands {
            b.body_unrecorded = true;
        } else {
            b.data.push(body.text);
        }
    }
    let mut command = b.finish(Tool::PowerShell)?;
    if command.request.method == "POST" && !command.method_explicit {
        // Invoke-WebRequest sends GET unless told otherwise, even with a body.
        command.request.method = "GET".into();
    }
    Some(command)
}

/// `@{ Authorization = "Bearer x"; 'X-Api-Key' = 'k' }`.
fn powershell_headers(b: &mut Builder, value: &Word) {
    let text = value.text.trim();
    let Some(inner) = text
        .strip_prefix("@{")
        .and_then(|rest| rest.strip_suffix('}'))
    else {
        if value.expands {
            // A variable holding the headers: not in the paste.
            b.credential_unrecorded = true;
        }
        return;
    };
    for entry in split_unquoted(inner, &[';', '\n']) {
        let Some((name, raw)) = entry.split_once('=') else {
            continue;
        };
        let name = unquote(name.trim());
        let raw = raw.trim();
        let tokens = tokenize(raw, true);
        let expands = tokens.words.iter().any(|w| w.expands) || tokens.words.len() > 1;
        let value = tokens
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        b.header_arg(&Word {
            text: format!("{name}: {value}"),
            expands,
        });
    }
}

fn unquote(text: &str) -> String {
    let text = text.trim();
    for q in ['\'', '"'] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner.to_owned();
        }
    }
    text.to_owned()
}

/// Splits on any of `seps` outside quotes.
fn split_unquoted(text: &str, seps: &[char]) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, c) if seps.contains(&c) => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts.retain(|p| !p.trim().is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::super::{Tool, parse};

    #[test]
    fn powershell_commands() {
        let c = parse(
            "Invoke-WebRequest -Uri \"https://api.example.com/v2/devices\" -Headers @{ Authorization = 'Bearer a.b.c'; 'X-Trace' = \"1\" } -UseBasicParsing",
            Tool::PowerShell,
        )
        .unwrap();
        assert_eq!(c.request.method, "GET");
        assert_eq!(c.request.url, "https://api.example.com/v2/devices");
        assert_eq!(c.request.headers.get("authorization"), Some("Bearer a.b.c"));
        assert_eq!(c.request.headers.get("x-trace"), Some("1"));
        assert!(c.request.credential_recorded);

        let c = parse(
            "irm https://api.example.com/v2/x -Method Post -Headers @{Authorization = \"Bearer $token\"}",
            Tool::PowerShell,
        )
        .unwrap();
        assert_eq!(c.request.method, "POST");
        assert!(!c.request.credential_recorded);
    }
}
