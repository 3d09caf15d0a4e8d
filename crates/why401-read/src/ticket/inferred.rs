//! Responses the text reports without stating their status: a provider statement only a 401
//! carries, a lone challenge.

use std::collections::HashSet;

use super::build;
use super::group::{LineInfo, Reported};
use super::phrasing::{Kind, Mention};
use super::words;

/// Provider statements are short sentences: a longer line is data, and skipping it keeps the
/// provider table's search bounded.
const MAX_STATEMENT_LINE: usize = 8192;

/// When the text states no 401 at all, a provider's statement that only a 401 carries (the
/// provider table's `status` column) reports one, unless its block states another status or
/// shows the error never became an HTTP answer (the `not_an_answer` words of the word table:
/// an unhandled exception, a 500 page).
pub(super) fn inferred_statuses(infos: &mut [LineInfo], texts: &[&str]) {
    let states_401 = infos
        .iter()
        .flat_map(|i| &i.mentions)
        .any(|m| m.status == 401);
    if states_401 {
        return;
    }
    let mut cancelled: Option<HashSet<usize>> = None;
    for index in 0..texts.len() {
        let line = texts[index];
        if line.trim().is_empty()
            || !infos[index].mentions.is_empty()
            || line.len() > MAX_STATEMENT_LINE
        {
            continue;
        }
        let Some(inferred) = why401_model::providers::inferred_status(line) else {
            continue;
        };
        let block = infos[index].block;
        // The inferred mentions pushed below are 401s, which cancel nothing: the blocks
        // can be found once.
        let cancelled = cancelled.get_or_insert_with(|| cancelled_blocks(infos, texts));
        if inferred.status != 401 || cancelled.contains(&block) {
            continue;
        }
        infos[index].mentions.push(Mention {
            kind: Kind::Inferred,
            status: 401,
            start: 0,
            end: 0,
            reason: None,
            method: None,
            url: None,
            text: None,
            tool: "provider statement (provider table status column)",
        });
    }
}

/// The blocks that state another status or show the error never became an HTTP answer.
fn cancelled_blocks(infos: &[LineInfo], texts: &[&str]) -> HashSet<usize> {
    infos
        .iter()
        .zip(texts)
        .filter(|(info, text)| {
            info.mentions
                .iter()
                .any(|m| m.status != 401 && m.kind != Kind::Prose)
                || words::list("not_an_answer")
                    .iter()
                    .any(|w| text.contains(w))
        })
        .map(|(info, _)| info.block)
        .collect()
}

/// Responses whose status is not stated: when the text states none at all, a challenge
/// without `error="insufficient_scope"`, one per block.
pub(super) fn inferred_responses(
    info: &[LineInfo],
    texts: &[&str],
    stated: &[Reported],
) -> Vec<Reported> {
    let mut inferred: Vec<Reported> = Vec::new();
    if !stated.is_empty() {
        return inferred;
    }
    let mut known_blocks = HashSet::new();
    for (index, line) in texts.iter().enumerate() {
        let Some(challenge) = build::challenge_on(line) else {
            continue;
        };
        let block = info[index].block;
        if challenge.contains("insufficient_scope") || !known_blocks.insert(block) {
            continue;
        }
        inferred.push(Reported {
            status: 401,
            kind: Kind::Inferred,
            mentions: vec![(index, usize::MAX)],
            stamp: info[index].stamp.clone(),
            request_id: info[index].request_id.clone(),
            request: info[index].request.clone(),
            inferred: true,
        });
    }
    inferred
}
