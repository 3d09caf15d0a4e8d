//! The reason phrases of the statuses people paste, from `reason_phrases.tsv` (status,
//! phrase, the former phrase still seen in the wild, source): one table for the status-panel
//! reader and the quoted-status finder.

use std::sync::LazyLock;

/// One status's phrases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phrase {
    pub status: u16,
    /// The phrase RFC 9110 (or the registry) gives.
    pub phrase: &'static str,
    /// The phrase an earlier RFC gave, which servers still send.
    pub former: Option<&'static str>,
}

impl Phrase {
    /// The current phrase, then the former one.
    pub fn all(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.phrase).chain(self.former)
    }
}

static TABLE: LazyLock<Vec<Phrase>> = LazyLock::new(|| parse(include_str!("reason_phrases.tsv")));

/// Rows that do not parse are left out (the tests check there are none).
fn parse(text: &'static str) -> Vec<Phrase> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let status = fields.next()?.parse().ok()?;
            let phrase = fields.next()?;
            let former = fields.next().filter(|f| *f != "-");
            fields.next()?;
            Some(Phrase {
                status,
                phrase,
                former,
            })
        })
        .collect()
}

/// The phrases of `status`, if the table has it.
pub fn of(status: u16) -> Option<&'static Phrase> {
    TABLE.iter().find(|row| row.status == status)
}

/// The RFC 9110 reason phrase of `status`.
pub fn reason_phrase(status: u16) -> Option<&'static str> {
    of(status).map(|row| row.phrase)
}

/// Whether `reason` is the phrase (current or former) of `status`, case aside.
pub fn is_canonical_reason(status: u16, reason: &str) -> bool {
    let reason = reason.trim();
    of(status).is_some_and(|row| row.all().any(|p| reason.eq_ignore_ascii_case(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_with_a_source() {
        let text = include_str!("reason_phrases.tsv");
        let rows = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        for line in rows {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "{line}");
            assert!(!fields[3].trim().is_empty(), "{line}");
        }
        assert_eq!(
            TABLE.len(),
            text.lines()
                .filter(|l| l.starts_with(char::is_numeric))
                .count()
        );
    }

    #[test]
    fn every_row_is_recognized() {
        for row in TABLE.iter() {
            assert_eq!(reason_phrase(row.status), Some(row.phrase));
            for phrase in row.all() {
                assert!(is_canonical_reason(row.status, phrase), "{phrase}");
                assert!(is_canonical_reason(row.status, &phrase.to_uppercase()));
            }
        }
        assert!(!is_canonical_reason(401, "Forbidden"));
        assert!(!is_canonical_reason(499, "Client Closed Request"));
    }

    #[test]
    fn rfc_9110_phrases() {
        assert_eq!(reason_phrase(401), Some("Unauthorized"));
        assert_eq!(reason_phrase(413), Some("Content Too Large"));
        assert_eq!(reason_phrase(422), Some("Unprocessable Content"));
        assert!(is_canonical_reason(413, "Payload Too Large"));
        assert!(is_canonical_reason(422, "Unprocessable Entity"));
    }
}
