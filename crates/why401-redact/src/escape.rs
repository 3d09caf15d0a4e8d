//! Captured text made safe for a terminal, and words printed only when they are what they
//! claim to be (a method, an HTTP version).

/// A request's method as printed. A method is a short word (`GET`, `M-SEARCH`); anything
/// else a reader took for one (a token in a broken record) is not shown.
pub fn printable_method(method: &str) -> &str {
    let word = method.len() <= 24 && method.chars().all(|c| c.is_ascii_alphabetic() || c == '-');
    if word { method } else { "" }
}

/// A request's HTTP version as printed: `HTTP/1.1`, `HTTP/2`, `h2`; anything else (a token
/// in a broken record) is not shown.
pub fn printable_version(version: &str) -> &str {
    let lower = version.to_ascii_lowercase();
    let number = |v: &str| {
        !v.is_empty() && v.len() <= 3 && v.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    let known = lower.strip_prefix("http/").is_some_and(number)
        || matches!(lower.as_str(), "h2" | "h2c" | "h3" | "spdy/3.1" | "quic");
    if known { version } else { "" }
}

/// Escapes control characters and terminal escape sequences so captured text printed to a
/// terminal cannot move the cursor, change colours or ring bells.
pub fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters of `text`, with `…` when cut.
pub fn clip(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_methods_and_versions_are_printed_as_such() {
        assert_eq!(printable_method("GET"), "GET");
        assert_eq!(printable_method("M-SEARCH"), "M-SEARCH");
        assert_eq!(
            printable_method("ghp_LYtoiyKwfnxx08lHrCuxjv03rO6lhRLaxmcg"),
            ""
        );
        assert_eq!(printable_method("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"), "");
        assert_eq!(printable_version("HTTP/1.1"), "HTTP/1.1");
        assert_eq!(printable_version("HTTP/2"), "HTTP/2");
        assert_eq!(printable_version("h3"), "h3");
        assert_eq!(
            printable_version("Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
            ""
        );
        assert_eq!(printable_version("HTTP/secret123"), "");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_control("a\u{1b}[31mb\u{7}"), "a\\u{1b}[31mb\\u{7}");
        assert_eq!(clip("abcdef", 3), "abc…");
    }
}
