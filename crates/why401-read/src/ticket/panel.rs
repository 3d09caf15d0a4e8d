//! Statuses printed alone under a request head or a panel heading.

use super::group::LineInfo;
use super::phrasing::{Kind, Mention};

/// A status alone on the line after a request head (`GET https://…` then `401`): how
/// Postman's console and response panels print it.
pub(super) fn panel_statuses(infos: &mut [LineInfo], texts: &[&str]) {
    for index in 1..texts.len() {
        let line = texts[index].trim();
        let Some(status) = line
            .split_whitespace()
            .next()
            .filter(|code| code.len() == 3)
            .and_then(|code| code.parse::<u16>().ok())
            .filter(|s| (100..600).contains(s))
        else {
            continue;
        };
        let rest_is_reason = line[3..]
            .trim()
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == ' ');
        let head = &infos[index - 1];
        let after_head = head.mentions.is_empty()
            && head
                .request
                .as_ref()
                .is_some_and(|r| r.method.is_some() && r.target.contains("://"))
            && texts[index - 1].split_whitespace().count() == 2
            || is_status_heading(texts[index - 1]);
        if !rest_is_reason || !after_head || !infos[index].mentions.is_empty() {
            continue;
        }
        let request = head.request.clone();
        infos[index].mentions.push(Mention {
            kind: Kind::Stated,
            status,
            start: 0,
            end: 3,
            reason: None,
            method: request.as_ref().and_then(|r| r.method.clone()),
            url: request.map(|r| r.target),
            text: None,
            tool: "Postman console (status under the request head)",
        });
    }
}

/// The heading a response panel prints above the status: Swagger UI's "Code  Details" under
/// "Server response" (its "Code  Description" table documents responses, not one received).
fn is_status_heading(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["Code", "Details"] | ["Status"] | ["Status", "Code"]
    )
}
