//! Markdown fences and backtick quoting.

/// A Markdown fence's info string (` ```json `, ` ```c# `), as opposed to text glued to a fence.
fn is_info_string(rest: &str) -> bool {
    rest.len() <= 30
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+.#-".contains(c))
}

/// The line without its Markdown fence or backtick quoting, or `None` when it has none.
/// A fence becomes an empty line, since it separates blocks.
pub(super) fn unfence(text: &str) -> Option<String> {
    let trimmed = text.trim();
    for fence in ["```", "~~~"] {
        let Some(rest) = trimmed.strip_prefix(fence) else {
            continue;
        };
        let mark = fence.chars().next().unwrap_or('`');
        let rest = rest.trim_start_matches(mark);
        if rest.trim().is_empty() || is_info_string(rest.trim()) {
            return Some(String::new());
        }
        // Text glued to a fence: ```GET /v1 HTTP/1.1```
        return Some(rest.trim_end_matches(mark).to_owned());
    }
    if let Some(body) = trimmed.strip_suffix("```") {
        return Some(body.trim_end_matches('`').to_owned());
    }
    let leading = &text[..text.len() - text.trim_start().len()];
    let count = trimmed.matches('`').count();
    let body = if let Some(inner) = trimmed.strip_prefix('`').and_then(|t| t.strip_suffix('`'))
        && !inner.contains('`')
    {
        inner // `HTTP/1.1 401 Unauthorized`
    } else if count % 2 == 1 {
        // An unbalanced backtick at either end is a fence broken across lines.
        match trimmed.strip_prefix('`') {
            Some(rest) => rest,
            None => trimmed.strip_suffix('`')?,
        }
    } else {
        return None;
    };
    Some(if trimmed.starts_with('`') {
        body.to_owned()
    } else {
        format!("{leading}{body}")
    })
}
