//! Block indentation.

/// Leading spaces and tabs of `text`, in bytes.
fn indent(text: &str) -> usize {
    text.len() - text.trim_start_matches([' ', '\t']).len()
}

/// Removes each block's common indentation (a block is a run of non-blank lines), so that
/// relative indentation (stack frames, JSON) survives. Blank lines become empty.
pub(super) fn dedent_blocks(texts: &mut [String]) {
    let mut start = 0;
    while start < texts.len() {
        if texts[start].trim().is_empty() {
            texts[start].clear();
            start += 1;
            continue;
        }
        let end = (start..texts.len())
            .find(|&i| texts[i].trim().is_empty())
            .unwrap_or(texts.len());
        let common = texts[start..end]
            .iter()
            .map(|t| indent(t))
            .min()
            .unwrap_or(0);
        if common > 0 {
            for text in &mut texts[start..end] {
                text.replace_range(..common, "");
            }
        }
        start = end;
    }
}
