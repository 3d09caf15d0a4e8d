//! Reading the tab-separated data tables of the ticket reader (`words.tsv`, `prompts.tsv`).

/// The data rows of a table: its lines that are neither blank nor `#` comments, each split
/// into exactly `N` columns. A line with another count is left out; each table's unit test
/// counts its rows, so none is lost unnoticed.
pub(super) fn rows<const N: usize>(table: &'static str) -> impl Iterator<Item = [&'static str; N]> {
    data_lines(table).filter_map(|line| line.split('\t').collect::<Vec<_>>().try_into().ok())
}

/// The lines of a table that hold data: neither blank nor `#` comments.
pub(super) fn data_lines(table: &str) -> impl Iterator<Item = &str> {
    table
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
}
