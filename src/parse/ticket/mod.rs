//! Ticket text: what customers paste when an API call failed — client exceptions, CLI errors,
//! object dumps, log lines embedding an HTTP error, fragments, quoted or indented pastes.
//! The reader never refuses text: it finds each response the text reports and makes it one
//! exchange with what the text says of it.
//!
//! Stages: [`unquote`] removes quoting (fences, indentation, `> `, prompts, per-line
//! prefixes); [`dump`] reads key/value structures in any language's print syntax; the engine
//! finds anchors (statements of a status) through the phrasing table, groups the anchors that
//! restate one response, and builds an exchange from the lines around each.

pub mod dump;
pub mod phrasing;
pub mod unquote;
