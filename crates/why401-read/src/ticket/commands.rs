//! Commands pasted in a ticket: HTTP clients and registry logins.

use std::sync::LazyLock;

use regex::Regex;

use crate::command::{self, Command, CommandLines};

/// Registry and package-manager login commands: they send the username and password typed
/// at their prompt (docs.docker.com `docker login`, helm.sh `helm registry login`,
/// docs.npmjs.com `npm login`, podman-login(1)).
static LOGIN_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:sudo\s+)?(?:(?:docker|podman|nerdctl|buildah|skopeo|oras|crane)\s+login|helm\s+registry\s+login|npm\s+login|npm\s+adduser)\b",
    )
    .expect("constant pattern") // ok: fixed pattern, tested by the labelled cases
});

pub(super) fn login_commands(texts: &[&str]) -> Vec<usize> {
    texts
        .iter()
        .enumerate()
        .filter(|(_, line)| {
            LOGIN_COMMAND.is_match(command::strip_prompt(line).trim_start_matches('`'))
        })
        .map(|(index, _)| index)
        .collect()
}

/// Commands pasted in the text (curl, HTTPie, PowerShell), with their first line.
pub(super) fn commands(texts: &[&str]) -> Vec<(usize, Command)> {
    let mut found = Vec::new();
    let mut index = 0;
    while index < texts.len() {
        let Some(tool) = command::tool_of(texts[index]) else {
            index += 1;
            continue;
        };
        let mut lines = CommandLines::start(index as u64, texts[index], tool);
        let start = index;
        index += 1;
        while !lines.complete() && index < texts.len() {
            lines.push(texts[index]);
            index += 1;
        }
        if let Some(command) = lines.parse() {
            found.push((start, command));
        }
    }
    found
}
