//! What each line of a window says: its block, the statuses it names, its timestamp, request
//! id and request line.

use super::facts;
use super::group::LineInfo;
use super::phrasing::{self, Kind, Mention};
use super::{expectation, inferred, panel};

pub(super) fn line_infos(texts: &[&str], documentation: bool) -> Vec<LineInfo> {
    let mut infos = facts_of_lines(texts, documentation);
    expectation::drop_expectations(&mut infos, texts);
    panel::panel_statuses(&mut infos, texts);
    if !documentation {
        inferred::inferred_statuses(&mut infos, texts);
    }
    infos
}

fn facts_of_lines(texts: &[&str], documentation: bool) -> Vec<LineInfo> {
    let mut block = 0usize;
    let mut previous_blank = true;
    texts
        .iter()
        .map(|line| {
            let blank = line.trim().is_empty();
            if !blank && previous_blank {
                block += 1;
            }
            previous_blank = blank;
            let mentions: Vec<Mention> = if blank {
                Vec::new()
            } else {
                phrasing::mentions(line)
                    .into_iter()
                    .filter(|m| !documentation || m.kind == Kind::Prose)
                    .collect()
            };
            let facts_wanted = !blank;
            LineInfo {
                block,
                stamp: facts_wanted.then(|| facts::stamp(line)).flatten(),
                request_id: facts_wanted.then(|| facts::request_id(line)).flatten(),
                request: facts_wanted
                    .then(|| facts::request_ref(line).or_else(|| mentioned_request(&mentions)))
                    .flatten(),
                mentions,
            }
        })
        .collect()
}

/// The request a status template names (`<-- 401 Unauthorized https://…`), when the line
/// has no request line of its own.
fn mentioned_request(mentions: &[Mention]) -> Option<facts::RequestRef> {
    let mention = mentions.iter().find(|m| m.url.is_some())?;
    Some(facts::RequestRef {
        method: mention.method.clone(),
        target: mention.url.clone()?,
    })
}
