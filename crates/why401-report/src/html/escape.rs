//! Captured text made safe for an HTML page: control characters and bidirectional overrides
//! shown as escapes (a header cannot reorder what a reader sees), markup characters as
//! entities, links only to http(s), and JSON for the page's script with `<` escaped so no
//! string can end its `<script>` element.

use std::fmt::Write as _;

use why401_redact::escape_control;

/// Text for an element's content or a quoted attribute value.
pub fn text(raw: &str) -> String {
    let visible = neutralize(raw);
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Control characters as `\n`, `\u{1b}`; bidirectional controls and invisible marks as
/// `\u{202e}`, so neither the terminal's nor the browser's rendering can be steered.
fn neutralize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in escape_control(raw).chars() {
        if is_invisible_control(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Unicode's bidirectional embeddings, overrides and isolates, the directional marks, and
/// zero-width characters that hide text (Unicode TR9 and the "Trojan Source" paper).
fn is_invisible_control(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
    )
}

/// A link target for a captured URL: only `http` and `https`, without whitespace or control
/// characters; anything else (`javascript:`, `data:`, relative paths) is shown as text only.
pub fn safe_link(url: &str) -> Option<String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || is_invisible_control(c));
    (web && clean).then(|| text(url))
}

/// JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the line
/// separators escaped, so the text can close no element and start no comment.
pub fn json_for_script(value: &serde_json::Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_everywhere() {
        assert_eq!(
            text(r#""><img src=x onerror=alert(1)>"#),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(
            text("</script><script>alert('x')</script>"),
            "&lt;/script&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(text("a & b"), "a &amp; b");
    }

    #[test]
    fn controls_and_bidi_overrides_are_shown_not_obeyed() {
        assert_eq!(text("evil\u{202e}fdp.exe"), "evil\\u{202e}fdp.exe");
        assert_eq!(text("a\u{2066}b\u{200b}c"), "a\\u{2066}b\\u{200b}c");
        assert_eq!(text("bell\u{7}\nnext"), "bell\\u{7}\\nnext");
    }

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            safe_link("https://api.example.com/a?b=1&c=\"2\"").as_deref(),
            Some("https://api.example.com/a?b=1&amp;c=&quot;2&quot;")
        );
        assert_eq!(safe_link("HTTP://x/").as_deref(), Some("HTTP://x/"));
        for hostile in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "/v2/devices",
            "http://x/\u{202e}y",
            "https://x/ y",
        ] {
            assert_eq!(safe_link(hostile), None, "{hostile}");
        }
    }

    #[test]
    fn embedded_json_cannot_close_its_script() {
        let value = serde_json::json!({"a": "</script><!--", "b": "x\u{2028}&"});
        let json = json_for_script(&value);
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&json).expect("still JSON");
        assert_eq!(back, value);
    }
}
