//! The word table (`words.tsv`): lists of words that mark a line of a ticket as one thing or
//! another (an e-mail header, a failure, documentation, a report, a dump field holding a
//! credential or the server's words). One row per word, each with its source and an example
//! the unit tests check.

use std::sync::LazyLock;

use super::table;

const TABLE: &str = include_str!("words.tsv");

/// The lists of the table, by name.
static LISTS: LazyLock<Vec<(&'static str, Vec<&'static str>)>> = LazyLock::new(|| {
    let mut lists: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for (list, word) in rows().map(|row| (row.list, row.word)) {
        match lists.iter_mut().find(|(name, _)| *name == list) {
            Some((_, words)) => words.push(word),
            None => lists.push((list, vec![word])),
        }
    }
    lists
});

/// One row of the table.
pub struct Row {
    pub list: &'static str,
    pub word: &'static str,
    pub example: &'static str,
    pub source: &'static str,
}

/// The rows of the table; a line without four columns is left out (a unit test lists them).
pub fn rows() -> impl Iterator<Item = Row> {
    table::rows(TABLE).map(|[list, word, example, source]| Row {
        list,
        word,
        example,
        source,
    })
}

/// The words of one list, in table order (none for a name the table lacks).
pub fn list(name: &str) -> &'static [&'static str] {
    LISTS
        .iter()
        .find(|(list, _)| *list == name)
        .map_or(&[], |(_, words)| words.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::{documentation, dump, expectation, joined};

    /// What each list's words mark, checked on a row's example: the word is found the way the
    /// reader looks for it, and the reader's own test says yes.
    fn marks(list: &str, word: &str, example: &str) -> bool {
        let lower = example.to_ascii_lowercase();
        match list {
            "mail_header" => lower.starts_with(word),
            "not_an_answer" => example.contains(word),
            "expectation" => {
                example.to_lowercase().contains(word)
                    && expectation::is_expectation_heading(example)
            }
            "failure" => lower.contains(word) && joined::names_a_failure(example),
            "doc_heading" => example.starts_with('#') && lower.contains(word),
            "normative" => {
                example
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .any(|t| t == word)
                    && documentation::is_normative(example)
            }
            "explaining" => lower.contains(word) && documentation::explains(example),
            "report" => lower.contains(word) && documentation::reports(example),
            "frame_start" => example.starts_with(word),
            "help_link" => lower.contains(word) && crate::ticket::build::is_help_line(example),
            "token_request" => {
                lower.contains(word) && crate::ticket::build::asks_for_a_token(example)
            }
            "log_level" => {
                lower.starts_with(&format!("{word}:"))
                    && example
                        .split_once(':')
                        .is_some_and(|(name, _)| crate::ticket::build::is_log_level(name))
            }
            "credential_key" | "statement_key" => {
                dump::fields(example).iter().any(|f| f.key == word)
            }
            _ => false,
        }
    }

    #[test]
    fn every_line_of_the_table_is_a_row() {
        let lines = table::data_lines(TABLE).count();
        assert_eq!(rows().count(), lines);
    }

    #[test]
    fn every_row_has_a_source_and_its_example_is_marked_by_its_word() {
        for row in rows() {
            assert!(!row.source.trim().is_empty(), "{}", row.word);
            assert!(
                marks(row.list, row.word, row.example),
                "{} {:?}: {:?}",
                row.list,
                row.word,
                row.example
            );
        }
    }

    #[test]
    fn every_list_the_reader_uses_has_words() {
        for list in [
            "mail_header",
            "not_an_answer",
            "expectation",
            "failure",
            "doc_heading",
            "normative",
            "explaining",
            "report",
            "credential_key",
            "statement_key",
            "frame_start",
            "help_link",
            "log_level",
            "token_request",
        ] {
            assert!(!super::list(list).is_empty(), "{list}");
        }
    }
}
