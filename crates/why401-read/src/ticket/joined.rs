//! Log lines that name no status but explain a reported response.

use super::build::Text;
use super::group::{LineInfo, Reported};
use super::words;

/// A log line and a response this many seconds apart or less are one moment.
const SAME_MOMENT_SECONDS: i64 = 1;
/// Longer lines are data (a dump, a body), not a log line's statement.
const MAX_LOG_LINE: usize = 4000;

/// Server, gateway or identity-provider log lines that name no status but explain a
/// reported response: the same request id, else the same time (within a second) and request,
/// else the only response of the text. They become that response's statements.
pub(super) fn join_statements(
    text: &Text,
    responses: &[Reported],
    owned: &[Vec<usize>],
) -> Vec<Vec<usize>> {
    let mut joined = vec![Vec::new(); responses.len()];
    if responses.is_empty() {
        return joined;
    }
    // One pass over what the responses own, so each line's test is constant time.
    let mut is_owned = vec![false; text.info.len()];
    for &line in owned.iter().flatten() {
        if let Some(slot) = is_owned.get_mut(line) {
            *slot = true;
        }
    }
    for (line, info) in text.info.iter().enumerate() {
        if !info.mentions.is_empty() || is_owned[line] || !names_a_failure(text.lines[line]) {
            continue;
        }
        if let Some(target) = explained_response(info, responses) {
            joined[target].push(line);
        }
    }
    joined
}

fn explained_response(info: &LineInfo, responses: &[Reported]) -> Option<usize> {
    if let Some(id) = &info.request_id
        && let Some(i) = responses
            .iter()
            .position(|r| r.request_id.as_ref() == Some(id))
    {
        return Some(i);
    }
    let same_moment = |r: &Reported| {
        let near = match (&r.stamp, &info.stamp) {
            (Some(a), Some(b)) => a.near(b, SAME_MOMENT_SECONDS).unwrap_or(!a.differs(b)),
            _ => false,
        };
        let same_request = match (&r.request, &info.request) {
            (Some(a), Some(b)) => !a.differs(b),
            _ => true,
        };
        near && same_request
    };
    if let Some(i) = responses.iter().position(same_moment) {
        return Some(i);
    }
    (responses.len() == 1 && info.request_id.is_none()).then_some(0)
}

/// Words of a log line that reports a failure (the `failure` words of the word table: an
/// error level or a failure word).
pub(super) fn names_a_failure(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    words::list("failure").iter().any(|w| lower.contains(w)) && line.len() < MAX_LOG_LINE
}
