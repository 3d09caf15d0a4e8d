//! Removing the quoting that pasting adds, before anything is detected.

/// One line of a ticket after its quoting was removed, with the physical line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanLine {
    /// 1-based physical line number in the input.
    pub number: u64,
    pub text: String,
}

/// Removes quoting from `lines` (physical number, text). Placeholder: keeps every line.
pub fn unquote(lines: &[(u64, &str)]) -> Vec<CleanLine> {
    lines
        .iter()
        .map(|(number, text)| CleanLine {
            number: *number,
            text: (*text).to_owned(),
        })
        .collect()
}
