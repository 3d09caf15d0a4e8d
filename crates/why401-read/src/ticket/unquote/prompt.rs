//! Shell and REPL prompts in front of commands (the table `prompts.tsv`).

use std::sync::LazyLock;

use regex::Regex;

use super::super::table;
use super::{compile_all, head, regex, tail};

/// A shell or REPL prompt in front of a command: one row of `prompts.tsv`.
pub struct PromptRule {
    /// Anchored pattern; capture group 1 is the prompt removed (what follows only checks that
    /// a command comes next).
    pub pattern: &'static str,
    pub source: &'static str,
    /// A line carrying the prompt, and what it becomes.
    pub example: (&'static str, &'static str),
}

const TABLE: &str = include_str!("prompts.tsv");

/// The rows of the table in order; a line without four columns is left out (a unit test
/// counts them).
static RULES: LazyLock<Vec<PromptRule>> = LazyLock::new(|| {
    table::rows(TABLE)
        .map(|[pattern, example, becomes, source]| PromptRule {
            pattern,
            source,
            example: (example, becomes),
        })
        .collect()
});

/// The prompt table: `for rule in PROMPT_RULES` walks its rows in order.
pub const PROMPT_RULES: PromptTable = PromptTable;

/// A handle on the rows of `prompts.tsv`, read once.
#[derive(Clone, Copy)]
pub struct PromptTable;

impl IntoIterator for PromptTable {
    type Item = &'static PromptRule;
    type IntoIter = std::slice::Iter<'static, PromptRule>;

    fn into_iter(self) -> Self::IntoIter {
        RULES.iter()
    }
}

static PROMPT_REGEXES: LazyLock<Vec<Regex>> =
    LazyLock::new(|| compile_all(RULES.iter().map(|rule| rule.pattern)));

/// A prompt left glued to the end of output that had no final newline (`{...}dev@box:~$`).
static TRAILING_PROMPT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"[\w.-]+@[\w.-]+:[^\s$#]*[$#]\s*$"));

/// Removes a leading prompt, then a prompt glued to the end of output.
pub(super) fn strip_prompt(text: &mut String) {
    let head = head(text);
    let cut = PROMPT_REGEXES
        .iter()
        .find_map(|re| re.captures(head).and_then(|c| c.get(1)).map(|m| m.end()));
    if let Some(cut) = cut {
        text.replace_range(..cut, "");
    }
    let (start, tail) = tail(text);
    if let Some(m) = TRAILING_PROMPT.find(tail)
        && m.start() > 0
    {
        text.truncate(start + m.start());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_table_is_a_rule() {
        let lines = table::data_lines(TABLE).count();
        assert_eq!(RULES.len(), lines);
        assert_eq!(PROMPT_REGEXES.len(), lines);
    }
}
