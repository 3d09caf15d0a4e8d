//! One finding as a closed `<details>`: a line to scan, and inside it what `--explain` shows
//! (request, credential, decoded claims, challenge, the server's statement, the rule,
//! evidence and what to do). The browser renders the inside only when it is opened.

use std::io::{self, Write};

use super::escape::{safe_link, text};
use crate::{claims, endpoint_pattern, fingerprint_of, host_of};
use why401_model::finding::Finding;

pub fn write(out: &mut dyn Write, f: &Finding) -> io::Result<()> {
    let host = host_of(&f.url).unwrap_or_default();
    write!(
        out,
        "<details class=\"finding\" id=\"f{n}\" data-cause=\"{cause}\" data-host=\"{host}\" \
         data-source=\"{source}\"><summary><b>#{n}</b> {cause}/{detail} \
         <span class=\"mono\">{method} {url}</span> <span class=\"dim\">{source} {location}</span>\
         </summary>\n<dl>",
        n = f.number,
        cause = f.cause.id(),
        host = text(&host),
        source = text(&f.source),
        detail = text(&f.detail),
        method = text(&f.method),
        url = text(&f.url),
        location = text(&f.location),
    )?;
    for (name, value) in fields(f) {
        write!(out, "<dt>{name}</dt><dd>{value}</dd>")?;
    }
    writeln!(out, "</dl></details>")
}

/// The rows of the explanation, values already HTML.
fn fields(f: &Finding) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        (
            "source",
            format!(
                "<span class=\"mono\">{} {}</span>",
                text(&f.source),
                text(&f.location)
            ),
        ),
        ("time", text(f.time.as_deref().unwrap_or("unknown"))),
        ("request", request(f)),
        (
            "status",
            format!(
                "{}{}",
                f.status,
                if f.status_inferred { " (inferred)" } else { "" }
            ),
        ),
        (
            "cause",
            format!(
                "{} / {} ({})",
                f.cause.id(),
                text(&f.detail),
                f.confidence.as_str()
            ),
        ),
        ("endpoint", mono(&endpoint_pattern(&f.url))),
    ];
    if let Some(fp) = fingerprint_of(f) {
        rows.push(("fingerprint", mono(fp)));
    }
    if let Some(id) = &f.request_id {
        rows.push(("request id", mono(id)));
    }
    if f.resolved_later {
        rows.push((
            "resolved later",
            "yes: a later request succeeded".to_owned(),
        ));
    }
    explained(f, &mut rows);
    rows.push(("evidence", list(&f.evidence)));
    rows.push(("what to do", ordered(&f.remediation)));
    rows
}

/// What only an explained finding carries (the run keeps it for the findings it holds in
/// memory); the challenge as summarized otherwise.
fn explained(f: &Finding, rows: &mut Vec<(&'static str, String)>) {
    let token = claims::token_lines(f);
    let Some(e) = &f.explain else {
        if !token.is_empty() {
            rows.push(("token", list(&token)));
        }
        if let Some(c) = &f.challenge {
            let params: Vec<String> = c.params.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
            rows.push((
                "challenge",
                mono(&format!("{} {}", c.scheme, params.join(", "))),
            ));
        }
        return;
    };
    rows.push(("credentials", list(&e.credentials)));
    if !token.is_empty() {
        rows.push(("token", list(&token)));
    }
    rows.push(("challenges", list(&e.challenges)));
    if let Some(body) = &e.body_excerpt {
        rows.push(("server said", mono(body)));
    }
    rows.push(("rule", text(&e.rule)));
    if !e.considered.is_empty() {
        rows.push(("considered", list(&e.considered)));
    }
}

/// The request line, its URL a link only when it is http(s).
fn request(f: &Finding) -> String {
    let line = f
        .explain
        .as_ref()
        .map(|e| e.request_line.clone())
        .unwrap_or_else(|| format!("{} {}", f.method, f.url));
    match safe_link(&f.url) {
        Some(href) => format!(
            "<a class=\"mono\" href=\"{href}\" rel=\"noreferrer noopener nofollow\">{}</a>",
            text(&line)
        ),
        None => mono(&line),
    }
}

fn mono(value: &str) -> String {
    format!("<span class=\"mono\">{}</span>", text(value))
}

fn list(items: &[String]) -> String {
    tagged_list("ul", items)
}

fn ordered(items: &[String]) -> String {
    tagged_list("ol", items)
}

fn tagged_list(tag: &str, items: &[String]) -> String {
    if items.is_empty() {
        return "(none)".to_owned();
    }
    let body: String = items
        .iter()
        .map(|item| format!("<li>{}</li>", text(item)))
        .collect();
    format!("<{tag} class=\"plain\">{body}</{tag}>")
}
