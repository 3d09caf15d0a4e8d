//! What is known about one input as a whole: its format, counts, record errors and notes.

use std::io;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::exchange::Location;

/// The note on an input named explicitly that held no exchange.
pub const NO_EXCHANGE: &str = "no_exchange";

/// The note of an input on which a limit was reached: one per limit, naming its flag and
/// counting the hits (`--max-line reached 3 times`).
pub const LIMIT_HIT: &str = "limit_hit";

/// A message about a reached limit ends `(raise it with --flag)`: the flag, when it does.
pub fn limit_named(message: &str) -> Option<&str> {
    let rest = &message[message.rfind("(raise it with ")? + "(raise it with ".len()..];
    let flag = rest.strip_suffix(')')?;
    (flag.starts_with("--") && !flag.contains(' ')).then_some(flag)
}

/// At most this many record errors are listed per input; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 100;

/// The formats a source can be read as. `Text` is a file that matched none of the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Har,
    Curl,
    Http,
    Jsonl,
    /// Ticket text: what people paste (exceptions, tool errors, dumps, log lines, fragments).
    Ticket,
    Text,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Har => "har",
            Format::Curl => "curl",
            Format::Http => "http",
            Format::Jsonl => "jsonl",
            Format::Ticket => "ticket",
            Format::Text => "text",
        }
    }
}

/// A record-level error: the input stays readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordError {
    pub location: String,
    pub message: String,
}

/// A note about an input as a whole (`not_a_capture`, `sanitized_export`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub code: String,
    pub message: String,
}

/// The error that stops a reader: the rest of the input cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fatal {
    pub location: Location,
    pub message: String,
}

impl Fatal {
    pub fn new(location: Location, message: impl Into<String>) -> Fatal {
        Fatal {
            location,
            message: message.into(),
        }
    }
}

/// What is known about one input after reading it: the `inputs[]` entry of the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputStats {
    pub source: Arc<str>,
    pub format: Format,
    pub exchanges: u64,
    pub unauthorized: u64,
    pub skipped: u64,
    pub errors_total: u64,
    pub errors: Vec<RecordError>,
    pub notes: Vec<Note>,
    /// The input could not be read as a whole (exit status 2).
    #[serde(skip)]
    pub failed: bool,
    /// The exporter that wrote this input removes credential headers (`Authorization`,
    /// `Cookie`) unless its user asks for them: a request without them may have had them.
    #[serde(skip)]
    pub strips_credentials: bool,
    /// The earliest and latest exchange times seen (client time, else server time).
    #[serde(skip)]
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// How often each limit was reached (by its flag), for the `limit_hit` notes.
    #[serde(skip)]
    limits_hit: Vec<(String, u64)>,
}

impl InputStats {
    pub fn new(source: Arc<str>, format: Format) -> InputStats {
        InputStats {
            source,
            format,
            exchanges: 0,
            unauthorized: 0,
            skipped: 0,
            errors_total: 0,
            errors: Vec::new(),
            notes: Vec::new(),
            failed: false,
            strips_credentials: false,
            span: None,
            limits_hit: Vec::new(),
        }
    }

    /// A record error; one that names a limit (see [`limit_named`]) is also counted in the
    /// `limit_hit` note.
    pub fn error(&mut self, location: impl ToString, message: impl Into<String>) {
        let message = message.into();
        if let Some(flag) = limit_named(&message) {
            self.limit_hit(flag);
        }
        self.errors_total += 1;
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(RecordError {
                location: location.to_string(),
                message,
            });
        }
    }

    /// A limit (named by its flag) was reached once more: its `limit_hit` note counts it.
    pub fn limit_hit(&mut self, flag: &str) {
        let count = match self.limits_hit.iter_mut().find(|(f, _)| f == flag) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                self.limits_hit.push((flag.to_owned(), 1));
                1
            }
        };
        let prefix = format!("{flag} reached ");
        let message = match count {
            1 => format!("{prefix}once"),
            n => format!("{prefix}{n} times"),
        };
        match self
            .notes
            .iter_mut()
            .find(|n| n.code == LIMIT_HIT && n.message.starts_with(&prefix))
        {
            Some(note) => note.message = message,
            None => self.notes.push(Note {
                code: LIMIT_HIT.to_owned(),
                message,
            }),
        }
    }

    /// An error that stops the input: listed like a record error, and the run exits 2.
    pub fn fail(&mut self, location: impl ToString, message: impl Into<String>) {
        self.error(location, message);
        self.failed = true;
    }

    pub fn widen_span(&mut self, time: DateTime<Utc>) {
        self.span = Some(match self.span {
            Some((first, last)) => (first.min(time), last.max(time)),
            None => (time, time),
        });
    }

    pub fn note(&mut self, code: &str, message: impl Into<String>) {
        if self.notes.iter().any(|n| n.code == code) {
            return;
        }
        self.notes.push(Note {
            code: code.to_owned(),
            message: message.into(),
        });
    }
}

/// An I/O error as a sentence, without the OS's error number.
pub fn io_message(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or folder".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::InvalidData => format!("invalid data: {err}"),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_lowercase(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_named_by_their_flag() {
        assert_eq!(
            limit_named("line of 5 MiB is longer than 4 MiB; skipped (raise it with --max-line)"),
            Some("--max-line")
        );
        assert_eq!(limit_named("cannot read (raise it with care)"), None);
        assert_eq!(limit_named("no limit here"), None);
    }

    #[test]
    fn each_limit_has_one_note_counting_its_hits() {
        let mut stats = InputStats::new(Arc::from("x"), Format::Curl);
        stats.error("line 3", "too long (raise it with --max-line)");
        stats.error("line 9", "too long (raise it with --max-line)");
        stats.limit_hit("--max-json-depth");
        let notes: Vec<(&str, &str)> = stats
            .notes
            .iter()
            .map(|n| (n.code.as_str(), n.message.as_str()))
            .collect();
        assert_eq!(
            notes,
            vec![
                ("limit_hit", "--max-line reached 2 times"),
                ("limit_hit", "--max-json-depth reached once"),
            ]
        );
        assert_eq!(stats.errors_total, 2);
    }
}
