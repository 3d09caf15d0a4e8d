//! Who a group of findings is: their numbers as ranges (`#3, #7–#9`) and their sources (or
//! how many, with the first), kept in bounded memory however large the group grows.

use std::sync::Arc;

use why401_model::advice::Numbers;

/// Sources named per group; past them, counted.
const MAX_SOURCES: usize = 2;

/// The members of one group, added in report order (numbers increase).
#[derive(Debug, Default, Clone)]
pub struct Members {
    numbers: Numbers,
    sources: Vec<Arc<str>>,
    source_count: usize,
}

impl Members {
    pub fn add(&mut self, number: u64, source: &Arc<str>) {
        self.numbers.add(number);
        if self.sources.last() != Some(source) && !self.sources.contains(source) {
            self.source_count += 1;
            if self.sources.len() < MAX_SOURCES {
                self.sources.push(source.clone());
            }
        }
    }

    /// `#3, #7–#9 and 4 more`.
    pub fn numbers(&self) -> String {
        self.numbers.to_string()
    }

    /// How many findings the group has.
    pub fn count(&self) -> u64 {
        self.numbers.count()
    }

    /// `samples/a.har`, `samples/a.har, b.log`, or `5 sources: samples/a.har, b.log, …`.
    pub fn sources(&self) -> String {
        let named = self
            .sources
            .iter()
            .map(|s| s.as_ref())
            .collect::<Vec<_>>()
            .join(", ");
        if self.source_count > self.sources.len() {
            format!("{} sources: {named}, …", self.source_count)
        } else {
            named
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_numbers_become_ranges_and_sources_are_counted() {
        let (a, b, c): (Arc<str>, Arc<str>, Arc<str>) =
            ("a.har".into(), "b.log".into(), "c.txt".into());
        let mut members = Members::default();
        for (n, s) in [(3, &a), (7, &a), (8, &b), (9, &b), (12, &c)] {
            members.add(n, s);
        }
        assert_eq!(members.numbers(), "#3, #7–#9, #12");
        assert_eq!(members.sources(), "3 sources: a.har, b.log, …");
        let mut one = Members::default();
        one.add(1, &a);
        assert_eq!(
            (one.numbers(), one.sources()),
            ("#1".to_owned(), "a.har".to_owned())
        );
    }
}
