//! Containers a ticket may arrive in whole: an e-mail message (RFC 5322 headers, MIME parts,
//! quoted-printable or base64 bodies) or an HTML export of a ticket system.

use super::head;

/// Deepest multipart nesting read.
const MAX_MIME_DEPTH: usize = 4;
/// Most header lines read before deciding a text is not a message.
const MAX_HEADER_LINES: usize = 200;

/// The text of `text` when the whole input is an e-mail message (RFC 5322, with MIME parts and
/// transfer encodings) or an HTML page; `None` for anything else.
pub fn decode_container(text: &str) -> Option<String> {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if let Some((headers, body)) = split_headers(text)
        && header(&headers, "from").is_some()
        && (header(&headers, "subject").is_some() || header(&headers, "message-id").is_some())
    {
        return Some(decode_part(&headers, body, 0));
    }
    looks_like_html(text).then(|| html_to_text(text))
}

/// RFC 5322 header fields (lower-cased names, folded lines joined) and the body after the
/// blank line, or `None` when `text` does not start with a header block.
fn split_headers(text: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        offset += line.len();
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            return Some((headers, &text[offset..]));
        }
        if index >= MAX_HEADER_LINES {
            return None;
        }
        if line.starts_with([' ', '\t']) {
            let (_, value) = headers.last_mut()?;
            value.push(' ');
            value.push_str(line.trim());
        } else if index == 0 && line.starts_with("From ") {
            continue; // mbox separator
        } else {
            let (name, value) = line.split_once(':')?;
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
                return None;
            }
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    Some((headers, ""))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The `boundary` parameter of a multipart Content-Type.
fn boundary(content_type: &str) -> Option<String> {
    let at = content_type.to_ascii_lowercase().find("boundary=")?;
    let value = &content_type[at + "boundary=".len()..];
    let value = match value.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?,
        None => value.split([';', ' ']).next()?,
    };
    (!value.is_empty()).then(|| value.to_owned())
}

/// The readable text of one MIME part: the text/plain alternative of a multipart, else its
/// HTML stripped; transfer encodings decoded.
fn decode_part(headers: &[(String, String)], body: &str, depth: usize) -> String {
    let content_type = header(headers, "content-type").unwrap_or("text/plain");
    let lower = content_type.to_ascii_lowercase();
    if lower.starts_with("multipart/")
        && depth < MAX_MIME_DEPTH
        && let Some(boundary) = boundary(content_type)
    {
        let parts = multipart_parts(body, &boundary);
        let pick = |wanted: &str| {
            parts.iter().find(|(h, _)| {
                header(h, "content-type")
                    .unwrap_or("text/plain")
                    .to_ascii_lowercase()
                    .starts_with(wanted)
            })
        };
        if let Some((h, b)) = pick("text/plain")
            .or_else(|| pick("multipart/"))
            .or_else(|| pick("text/html"))
        {
            return decode_part(h, b, depth + 1);
        }
    }
    let encoding = header(headers, "content-transfer-encoding").unwrap_or("");
    let decoded = match encoding.to_ascii_lowercase().as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => decode_base64(body).unwrap_or_else(|| body.to_owned()),
        _ => body.to_owned(),
    };
    if lower.starts_with("text/html") {
        html_to_text(&decoded)
    } else {
        decoded
    }
}

/// The parts of a multipart body, each as (headers, body).
fn multipart_parts<'a>(body: &'a str, boundary: &str) -> Vec<(Vec<(String, String)>, &'a str)> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.starts_with(&delimiter) {
            if let Some(from) = start {
                let part = &body[from..offset];
                parts.push(split_headers(part).unwrap_or((Vec::new(), part)));
            }
            if trimmed[delimiter.len()..].starts_with("--") {
                break;
            }
            start = Some(offset + line.len());
        }
        offset += line.len();
    }
    parts
}

/// Quoted-printable (RFC 2045 §6.7): `=XX` octets and `=` soft line breaks.
fn decode_quoted_printable(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'=' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"\r\n") {
            i += 3;
        } else if rest.starts_with(b"\n") {
            i += 2;
        } else if let Some(byte) = rest
            .get(..2)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(b'=');
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn decode_base64(text: &str) -> Option<String> {
    use base64::Engine;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Whether the whole input is an HTML document or fragment (not an XML error body).
fn looks_like_html(text: &str) -> bool {
    let start = head(text).to_ascii_lowercase();
    [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<div",
        "<p>",
        "<p ",
        "<table",
        "<pre",
    ]
    .iter()
    .any(|tag| start.starts_with(tag))
}

/// Elements whose opening or closing tag ends a line.
const BLOCK_TAGS: &[&str] = &[
    "br",
    "p",
    "div",
    "pre",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "blockquote",
    "hr",
    "title",
];

/// The text of an HTML page: tags removed, entities decoded, block elements on lines of their
/// own, whitespace collapsed outside `<pre>`, scripts and styles dropped.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_pre = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            rest = html_tag(rest, &mut out, &mut in_pre);
        } else if c == '&' {
            let (decoded, used) = entity(rest);
            out.push_str(&decoded);
            rest = &rest[used..];
        } else {
            if c.is_whitespace() && !in_pre {
                if !out.is_empty() && !out.ends_with([' ', '\n']) {
                    out.push(' ');
                }
            } else {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    lines.join("\n").trim().to_owned()
}

/// Reads the tag at the start of `rest`, writes what it means to `out`, returns what follows.
fn html_tag<'a>(rest: &'a str, out: &mut String, in_pre: &mut bool) -> &'a str {
    if let Some(comment) = rest.strip_prefix("<!--") {
        return comment.find("-->").map_or("", |end| &comment[end + 3..]);
    }
    let Some(end) = rest.find('>') else {
        out.push_str(rest);
        return "";
    };
    let inside = &rest[1..end];
    let closing = inside.starts_with('/');
    let name: String = inside
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let after = &rest[end + 1..];
    if !closing && (name == "script" || name == "style") {
        return skip_element(after, &name);
    }
    if name == "pre" {
        *in_pre = !closing;
    }
    if BLOCK_TAGS.contains(&name.as_str()) {
        while out.ends_with(' ') {
            out.pop();
        }
        out.push('\n');
    }
    after
}

/// What follows the closing tag of `name` (case-insensitive), or nothing.
fn skip_element<'a>(text: &'a str, name: &str) -> &'a str {
    let mut from = 0;
    while let Some(at) = text[from..].find("</") {
        let start = from + at + 2;
        let candidate = text.get(start..start + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name)) {
            return text[start..]
                .find('>')
                .map_or("", |end| &text[start + end + 1..]);
        }
        from = start;
    }
    ""
}

/// Decodes the entity at the start of `text` (`&amp;`, `&#39;`, `&#x27;`): (text, bytes used).
/// An unknown entity stays as written.
fn entity(text: &str) -> (String, usize) {
    let Some(end) = text.get(..12.min(text.len())).and_then(|t| t.find(';')) else {
        return ("&".to_owned(), 1);
    };
    let name = &text[1..end];
    let decoded = match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => name
            .strip_prefix("#x")
            .or_else(|| name.strip_prefix("#X"))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    };
    match decoded {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".to_owned(), 1),
    }
}
