//! Per-line prefixes that log collectors and viewers add (the table [`PREFIX_RULES`]).

use std::sync::LazyLock;

use regex::Regex;

use super::{compile_all, head};

/// Passes over stacked collector prefixes (an Actions timestamp, then `##[debug]`).
const PREFIX_ROUNDS: usize = 3;

/// A per-line prefix that a log collector or viewer adds in front of the program's own line.
pub struct PrefixRule {
    /// Rules of one family confirm each other on neighbouring lines.
    pub family: &'static str,
    /// Anchored pattern; the whole match is removed.
    pub pattern: &'static str,
    /// Distinctive enough to strip from a single line; otherwise a neighbouring line must carry
    /// a distinctive prefix of the same family, or one of the same length (Compose pads names
    /// to one column).
    pub alone: bool,
    pub source: &'static str,
    /// A line carrying the prefix, and what it becomes.
    pub example: (&'static str, &'static str),
}

/// Collector prefixes. Application timestamps (`2024-07-15 11:14:02,463 ERROR`, logfmt
/// `time=`, syslog `May  9 06:45:43 host prog[1]:`) are deliberately absent: they tell log
/// records apart.
pub const PREFIX_RULES: &[PrefixRule] = &[
    PrefixRule {
        family: "actions",
        pattern: r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ##\[(?:debug|error|warning|notice|command|group|endgroup|section)\]",
        alone: true,
        source: "docs.github.com: Actions `workflow-commands-for-github-actions` (`::debug::` shown as `##[debug]`) and `using-workflow-run-logs` (downloaded logs carry a 7-digit UTC timestamp)",
        example: (
            "2025-02-03T10:11:12.1234567Z ##[error]Request failed",
            "Request failed",
        ),
    },
    PrefixRule {
        family: "actions",
        pattern: r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ",
        alone: false,
        source: "docs.github.com: Actions `using-workflow-run-logs` (downloaded logs carry a 7-digit UTC timestamp)",
        example: ("2025-02-03T10:11:12.1234567Z HTTP 401", "HTTP 401"),
    },
    PrefixRule {
        family: "actions-marker",
        pattern: r"^##\[(?:debug|error|warning|notice|command|group|endgroup|section)\]",
        alone: true,
        source: "docs.github.com: Actions `workflow-commands-for-github-actions`",
        example: ("##[debug]status 401", "status 401"),
    },
    PrefixRule {
        family: "kubectl",
        pattern: r"^\[pod/[^\s\]/]+/[^\s\]]+\] ",
        alone: true,
        source: "kubernetes.io: `kubectl logs --prefix` (prefix each line with the pod and container name)",
        example: ("[pod/api-7d9f/web] 401 token expired", "401 token expired"),
    },
    PrefixRule {
        family: "compose",
        pattern: r"^[a-z][a-z0-9_.@-]*_\d+ +\| ",
        alone: true,
        source: "docs.docker.com: `docker compose logs` (`--no-log-prefix`); Compose v1 names containers `service_N`",
        example: (
            "gateway_1   | level=warn msg=denied",
            "level=warn msg=denied",
        ),
    },
    PrefixRule {
        family: "compose",
        pattern: r"^[a-z][a-z0-9_.@-]* *\| ",
        alone: false,
        // Lower case only: Compose names are, while the first column of a pasted table rarely is.
        source: "docs.docker.com: `docker compose logs` and `docker service logs` (service prefix padded to one column)",
        example: ("auth-api  | 401 invalid token", "401 invalid token"),
    },
    PrefixRule {
        family: "logcat",
        pattern: r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +\d+-\d+ +\S+ +\S+ +[VDIWEFA] +",
        alone: true,
        source: "developer.android.com/studio/debug/logcat (Android Studio Logcat columns)",
        example: (
            "2025-03-04 09:08:07.654  4321-4400 OkHttp  org.example.app  D  <-- 401 https://api.example.test/me (12ms)",
            "<-- 401 https://api.example.test/me (12ms)",
        ),
    },
    PrefixRule {
        family: "logcat",
        pattern: r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +\d+-\d+/\S+ [VDIWEFA]/[^:]+: ",
        alone: true,
        source: "developer.android.com/studio/debug/am-logcat (Android Studio before Dolphin: date time pid-tid/package priority/tag: message)",
        example: (
            "2025-03-04 09:08:07.654 4321-4400/org.example.app I/okhttp.OkHttpClient: <-- 401 Unauthorized https://api.example.test/me (12ms)",
            "<-- 401 Unauthorized https://api.example.test/me (12ms)",
        ),
    },
    PrefixRule {
        family: "logcat",
        pattern: r"^(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +\d+ +\d+ [VDIWEFA] [^:]*: ",
        alone: true,
        source: "developer.android.com/tools/logcat (`-v threadtime`); AOSP liblog `logprint.cpp`",
        example: (
            "03-04 09:08:07.654  4321  4400 D OkHttp  : <-- 401 Unauthorized",
            "<-- 401 Unauthorized",
        ),
    },
    PrefixRule {
        family: "logcat",
        pattern: r"^[VDIWEFA]/[^(:\s][^(:]*\( *\d+\): ",
        alone: true,
        source: "developer.android.com/tools/logcat (`-v brief`)",
        example: ("D/OkHttp( 4321): <-- 401", "<-- 401"),
    },
    PrefixRule {
        family: "logcat",
        pattern: r"^[VDIWEFA]/[A-Za-z0-9_.$-]{2,}: ",
        alone: true,
        source: "developer.android.com/tools/logcat (`-v tag`)",
        example: (
            "I/OkHttp: www-authenticate: Bearer",
            "www-authenticate: Bearer",
        ),
    },
    PrefixRule {
        family: "console",
        pattern: r"^VM\d+:\d+ ",
        alone: true,
        source: "developer.chrome.com/docs/devtools/console/reference (source link of each message)",
        example: (
            "VM412:1 GET https://api.example.test/me 401 (Unauthorized)",
            "GET https://api.example.test/me 401 (Unauthorized)",
        ),
    },
    PrefixRule {
        family: "console",
        pattern: r"^[\w.-]+\.(?:js|mjs|cjs|ts|tsx|jsx)(?:\?[^\s:]*)?:\d+ ",
        alone: true,
        source: "developer.chrome.com/docs/devtools/console/reference (source link of each message)",
        example: (
            "client.js:88 POST https://api.example.test/v2/items 401",
            "POST https://api.example.test/v2/items 401",
        ),
    },
];

static PREFIX_REGEXES: LazyLock<Vec<Regex>> =
    LazyLock::new(|| compile_all(PREFIX_RULES.iter().map(|rule| rule.pattern)));

/// The first prefix rule matching `text`: (rule index, prefix length).
fn collector_prefix(text: &str) -> Option<(usize, usize)> {
    let head = head(text);
    PREFIX_REGEXES
        .iter()
        .enumerate()
        .find_map(|(index, re)| re.find(head).map(|m| (index, m.end())))
}

/// Whether a neighbour's prefix confirms a prefix that may not stand alone.
fn confirms(mine: (usize, usize), theirs: Option<(usize, usize)>) -> bool {
    theirs.is_some_and(|(rule, len)| {
        let theirs = &PREFIX_RULES[rule];
        theirs.family == PREFIX_RULES[mine.0].family && (theirs.alone || len == mine.1)
    })
}

/// Strips collector prefixes, peeling stacked ones in later rounds.
pub(super) fn strip_collector_prefixes(texts: &mut [String]) {
    for _ in 0..PREFIX_ROUNDS {
        let found: Vec<_> = texts.iter().map(|text| collector_prefix(text)).collect();
        let mut stripped = false;
        for (index, text) in texts.iter_mut().enumerate() {
            let Some(mine) = found[index] else { continue };
            let before = index.checked_sub(1).and_then(|i| found[i]);
            let after = found.get(index + 1).copied().flatten();
            if PREFIX_RULES[mine.0].alone || confirms(mine, before) || confirms(mine, after) {
                text.replace_range(..mine.1, "");
                stripped = true;
            }
        }
        if !stripped {
            break;
        }
    }
}
