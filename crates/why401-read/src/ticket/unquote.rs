//! Removing the quoting that pasting adds, before anything is detected.
//!
//! Each stage keeps one output line per input line, so every finding can still name the
//! physical line it came from. Stages run in this order because each one uncovers the next:
//! fences and backticks, editor line numbers, log-collector prefixes, block indentation, shell
//! continuation prompts, `> ` quoting (telling curl's `> ` request lines apart), indentation
//! again (a quoted block may be indented inside the quote), then shell and REPL prompts.
//! Patterns only ever look at a short head or tail of a line, so a 1 MB line costs one copy.

use std::sync::LazyLock;

use regex::Regex;

mod container;
#[cfg(test)]
mod tests;

pub use container::decode_container;

/// One line of a ticket after its quoting was removed, with the physical line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanLine {
    /// 1-based physical line number in the input.
    pub number: u64,
    pub text: String,
}

/// Prefixes and prompts are short: patterns see at most this many bytes of a line.
const HEAD_WINDOW: usize = 512;
/// Deepest `> > >` nesting undone; deeper markers stay as text.
const MAX_QUOTE_DEPTH: usize = 8;
/// Passes over stacked collector prefixes (an Actions timestamp, then `##[debug]`).
const PREFIX_ROUNDS: usize = 3;
/// Fewest consecutive numbered lines read as an editor's line-number gutter.
const MIN_GUTTER_RUN: usize = 3;

/// Removes quoting from `lines` (physical number, text): one clean line per input line.
pub fn unquote(lines: &[(u64, &str)]) -> Vec<CleanLine> {
    let mut texts: Vec<String> = lines
        .iter()
        .map(|(_, text)| text.trim_end_matches('\r').to_owned())
        .collect();
    for text in &mut texts {
        if let Some(clean) = unfence(text) {
            *text = clean;
        }
    }
    strip_gutters(&mut texts);
    strip_collector_prefixes(&mut texts);
    dedent_blocks(&mut texts);
    strip_continuations(&mut texts);
    strip_quotes(&mut texts);
    dedent_blocks(&mut texts);
    for text in &mut texts {
        strip_prompt(text);
    }
    lines
        .iter()
        .zip(texts)
        .map(|((number, _), text)| CleanLine {
            number: *number,
            text,
        })
        .collect()
}

/// Compiles a constant pattern.
fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant pattern") // ok: the patterns are fixed and tested
}

/// The first `HEAD_WINDOW` bytes of `text`, cut at a character boundary.
fn head(text: &str) -> &str {
    let mut end = text.len().min(HEAD_WINDOW);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The last `HEAD_WINDOW` bytes of `text` and where they start.
fn tail(text: &str) -> (usize, &str) {
    let mut start = text.len().saturating_sub(HEAD_WINDOW);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    (start, &text[start..])
}

// ---------------------------------------------------------------------------------------------
// Fences and backticks

/// A Markdown fence's info string (` ```json `, ` ```c# `), as opposed to text glued to a fence.
fn is_info_string(rest: &str) -> bool {
    rest.len() <= 30
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+.#-".contains(c))
}

/// The line without its Markdown fence or backtick quoting, or `None` when it has none.
/// A fence becomes an empty line, since it separates blocks.
fn unfence(text: &str) -> Option<String> {
    let trimmed = text.trim();
    for fence in ["```", "~~~"] {
        let Some(rest) = trimmed.strip_prefix(fence) else {
            continue;
        };
        let mark = fence.chars().next().unwrap_or('`');
        let rest = rest.trim_start_matches(mark);
        if rest.trim().is_empty() || is_info_string(rest.trim()) {
            return Some(String::new());
        }
        // Text glued to a fence: ```GET /v1 HTTP/1.1```
        return Some(rest.trim_end_matches(mark).to_owned());
    }
    if let Some(body) = trimmed.strip_suffix("```") {
        return Some(body.trim_end_matches('`').to_owned());
    }
    let leading = &text[..text.len() - text.trim_start().len()];
    let count = trimmed.matches('`').count();
    let body = if let Some(inner) = trimmed.strip_prefix('`').and_then(|t| t.strip_suffix('`'))
        && !inner.contains('`')
    {
        inner // `HTTP/1.1 401 Unauthorized`
    } else if count % 2 == 1 {
        // An unbalanced backtick at either end is a fence broken across lines.
        match trimmed.strip_prefix('`') {
            Some(rest) => rest,
            None => trimmed.strip_suffix('`')?,
        }
    } else {
        return None;
    };
    Some(if trimmed.starts_with('`') {
        body.to_owned()
    } else {
        format!("{leading}{body}")
    })
}

// ---------------------------------------------------------------------------------------------
// Editor line numbers

/// `  12 | text` (editors, GitHub's blame and code view), `12:text` (`grep -n`), `    12\ttext`
/// (`cat -n`, `nl`; GNU coreutils manual). The separator is captured to keep styles apart;
/// `12:` must not be followed by a digit, so `10:00:01` timestamps never count.
static GUTTER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^[ \t]*(\d{1,7})(?:( *\|) ?|(:)(?:[^\d]|$)|(\t))"));

/// A gutter on `text`: (number, separator, bytes to strip).
fn gutter(text: &str) -> Option<(u64, &'static str, usize)> {
    let caps = GUTTER.captures(head(text))?;
    let number = caps.get(1)?.as_str().parse().ok()?;
    let (style, end) = if let Some(pipe) = caps.get(2) {
        ("|", caps.get(0)?.end().max(pipe.end()))
    } else if let Some(colon) = caps.get(3) {
        (":", colon.end())
    } else {
        ("\t", caps.get(4)?.end())
    };
    Some((number, style, end))
}

/// Strips line numbers carried by at least `MIN_GUTTER_RUN` consecutive lines numbered
/// consecutively in one style: a lone `401: Unauthorized` is never a gutter.
fn strip_gutters(texts: &mut [String]) {
    let found: Vec<_> = texts.iter().map(|text| gutter(text)).collect();
    let mut start = 0;
    while start < found.len() {
        let mut end = start + 1;
        if let Some((first, style, _)) = found[start] {
            while let Some(Some((number, next_style, _))) = found.get(end) {
                if *next_style != style || *number != first + (end - start) as u64 {
                    break;
                }
                end += 1;
            }
            if end - start >= MIN_GUTTER_RUN {
                for (text, hit) in texts[start..end].iter_mut().zip(&found[start..end]) {
                    if let Some((_, _, cut)) = hit {
                        text.replace_range(..*cut, "");
                    }
                }
            }
        }
        start = end;
    }
}

// ---------------------------------------------------------------------------------------------
// Log-collector prefixes

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

static PREFIX_REGEXES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    PREFIX_RULES
        .iter()
        .map(|rule| regex(rule.pattern))
        .collect()
});

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
fn strip_collector_prefixes(texts: &mut [String]) {
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

// ---------------------------------------------------------------------------------------------
// Indentation

/// Leading spaces and tabs of `text`, in bytes.
fn indent(text: &str) -> usize {
    text.len() - text.trim_start_matches([' ', '\t']).len()
}

/// Removes each block's common indentation (a block is a run of non-blank lines), so that
/// relative indentation (stack frames, JSON) survives. Blank lines become empty.
fn dedent_blocks(texts: &mut [String]) {
    let mut start = 0;
    while start < texts.len() {
        if texts[start].trim().is_empty() {
            texts[start].clear();
            start += 1;
            continue;
        }
        let end = (start..texts.len())
            .find(|&i| texts[i].trim().is_empty())
            .unwrap_or(texts.len());
        let common = texts[start..end]
            .iter()
            .map(|t| indent(t))
            .min()
            .unwrap_or(0);
        if common > 0 {
            for text in &mut texts[start..end] {
                text.replace_range(..common, "");
            }
        }
        start = end;
    }
}

// ---------------------------------------------------------------------------------------------
// `> ` quoting versus curl -v

/// The line with one level of `>` quoting removed (up to three spaces before the marker, one
/// after it), or `None` when it is not quoted.
fn strip_one_quote(text: &str) -> Option<&str> {
    let rest = text.trim_start_matches(' ');
    if text.len() - rest.len() > 3 {
        return None;
    }
    let rest = rest.strip_prefix('>')?;
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// A shell's continuation prompt `> ` on lines following one that ends with `\`.
fn strip_continuations(texts: &mut [String]) {
    for index in 1..texts.len() {
        if texts[index - 1].trim_end().ends_with('\\')
            && let Some(rest) = texts[index].strip_prefix("> ")
        {
            texts[index] = rest.to_owned();
        }
    }
}

static REQUEST_LINE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^[A-Z]{3,10} \S+ HTTP/\d(?:\.\d)?\s*$"));
static HEADER_LINE: LazyLock<Regex> = LazyLock::new(|| regex(r"^[A-Za-z0-9!#$%&'*+.^_|~-]+: ?\S?"));

/// curl -v's own line markers: `< ` response lines and `* ` information lines.
fn is_curl_marker(text: &str) -> bool {
    text == "<" || text.starts_with("< ") || text.starts_with("* ")
}

/// Whether the run of `>` lines `texts[start..end]` is curl -v's request block (stays as it
/// is) rather than e-mail or Markdown quoting. Quoting that holds curl markers or deeper
/// quotes is quoting; a block of a request line and headers is curl when curl's response or
/// information lines are near it, or when the input holds `< ` response lines at all.
fn is_curl_request_block(texts: &[String], start: usize, end: usize, has_responses: bool) -> bool {
    let inner: Vec<&str> = texts[start..end]
        .iter()
        .filter_map(|t| strip_one_quote(t))
        .map(|t| head(t).trim_end())
        .collect();
    if inner
        .iter()
        .any(|t| is_curl_marker(t) || t.starts_with('>'))
    {
        return false;
    }
    let http_shaped = inner
        .iter()
        .all(|t| t.is_empty() || REQUEST_LINE.is_match(t) || HEADER_LINE.is_match(t));
    if !http_shaped {
        return false;
    }
    let near = |range: &mut dyn Iterator<Item = usize>| {
        range
            .map(|i| texts[i].as_str())
            .filter(|t| !t.is_empty())
            .take(2)
            .any(is_curl_marker)
    };
    let starts_with_request = inner
        .iter()
        .find(|t| !t.is_empty())
        .is_some_and(|t| REQUEST_LINE.is_match(t));
    starts_with_request
        || has_responses
        || near(&mut (0..start).rev())
        || near(&mut (end..texts.len()))
}

/// Removes `> ` quoting level by level, keeping curl -v's request blocks (quoted curl loses
/// exactly the quoting level).
fn strip_quotes(texts: &mut [String]) {
    let mut curl = vec![false; texts.len()];
    for _ in 0..MAX_QUOTE_DEPTH {
        let has_responses = texts.iter().any(|t| t == "<" || t.starts_with("< "));
        let mut stripped = false;
        let mut start = 0;
        while start < texts.len() {
            let quoted = |i: usize| !curl[i] && strip_one_quote(&texts[i]).is_some();
            if !quoted(start) {
                start += 1;
                continue;
            }
            let end = (start..texts.len())
                .find(|&i| !quoted(i))
                .unwrap_or(texts.len());
            if is_curl_request_block(texts, start, end, has_responses) {
                curl[start..end].iter_mut().for_each(|c| *c = true);
            } else {
                for text in &mut texts[start..end] {
                    let cut = text.len() - strip_one_quote(text).map_or(text.len(), str::len);
                    text.replace_range(..cut, "");
                }
                stripped = true;
            }
            start = end;
        }
        if !stripped {
            break;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Prompts

/// A shell or REPL prompt in front of a command.
pub struct PromptRule {
    /// Anchored pattern; capture group 1 is the prompt removed (what follows only checks that
    /// a command comes next).
    pub pattern: &'static str,
    pub source: &'static str,
    /// A line carrying the prompt, and what it becomes.
    pub example: (&'static str, &'static str),
}

pub const PROMPT_RULES: &[PromptRule] = &[
    PromptRule {
        pattern: r"^((?:\([\w.-]+\) )?[\w.-]+@[\w.-]+:[^\s$#]*[$#] ?)",
        source: "GNU Bash manual, Controlling the Prompt (Debian's default PS1 `\\u@\\h:\\w\\$ `)",
        example: (
            "dev@build-01:~/svc$ curl -s https://api.example.test",
            "curl -s https://api.example.test",
        ),
    },
    PromptRule {
        pattern: r"^(\[[\w.-]+@[\w.-]+[^\]]*\][$#] ?)",
        source: "GNU Bash manual, Controlling the Prompt (Red Hat's default PS1 `[\\u@\\h \\W]\\$ `)",
        example: ("[ops@node2 ~]$ kubectl get pods", "kubectl get pods"),
    },
    PromptRule {
        pattern: r"^((?:ba|z|k)?sh-\d+(?:\.\d+)*[$#] )",
        source: "GNU Bash manual, Controlling the Prompt (default PS1 `\\s-\\v\\$ `)",
        example: (
            "bash-5.2$ wget -S https://api.example.test",
            "wget -S https://api.example.test",
        ),
    },
    PromptRule {
        pattern: r"^(\$ +)[A-Za-z./~_]",
        source: "GNU Bash manual, Controlling the Prompt (`$` for a user)",
        example: ("$ npm publish", "npm publish"),
    },
    PromptRule {
        pattern: r"^(\$)(?:curl|wget|http) +[-'\x22h]",
        source: "GNU Bash manual, Controlling the Prompt (a `$` prompt glued to curl)",
        example: (
            "$curl -i https://api.example.test",
            "curl -i https://api.example.test",
        ),
    },
    PromptRule {
        pattern: r"^(# +)[a-z./~_][\w./+-]*(?: |$)",
        source: "GNU Bash manual, Controlling the Prompt (`#` for root); capitalised words are headings",
        example: (
            "# curl -v https://api.example.test",
            "curl -v https://api.example.test",
        ),
    },
    PromptRule {
        pattern: r"^(% +)[A-Za-z./~_]",
        source: "zsh manual, Prompt Expansion (default `%m%# `)",
        example: ("% gh api /user", "gh api /user"),
    },
    PromptRule {
        pattern: r"^((?:❯+|λ) +)",
        source: "sindresorhus/pure readme (`❯` prompt symbol)",
        example: ("❯❯❯ gh auth status", "gh auth status"),
    },
    PromptRule {
        pattern: r"^(➜ +\S+ (?:git:\([^)]*\) )?(?:✗ )?)",
        source: "ohmyzsh `themes/robbyrussell.zsh-theme` (`➜  dir git:(branch) ✗`)",
        example: (
            "➜  api git:(main) ✗ curl -I https://api.example.test",
            "curl -I https://api.example.test",
        ),
    },
    PromptRule {
        pattern: r"^(PS(?: [A-Za-z]:\\[^>]*| /[^>]*)?> ?)",
        source: "Microsoft Learn, about_Prompts (default `PS C:\\>` prompt)",
        example: (
            "PS C:\\work\\tool> Invoke-RestMethod https://api.example.test",
            "Invoke-RestMethod https://api.example.test",
        ),
    },
    PromptRule {
        pattern: r#"^([A-Za-z]:\\[^>:*?"<|]{0,120}> ?)"#,
        source: "Microsoft Learn, `prompt` command (cmd default `$P$G`)",
        example: ("C:\\Users\\dev>az login", "az login"),
    },
    PromptRule {
        pattern: r"^(>>> ?)",
        source: "Python tutorial, Using the Python Interpreter (`>>>` primary prompt)",
        example: (">>> client.get('/me')", "client.get('/me')"),
    },
];

static PROMPT_REGEXES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    PROMPT_RULES
        .iter()
        .map(|rule| regex(rule.pattern))
        .collect()
});

/// A prompt left glued to the end of output that had no final newline (`{...}dev@box:~$`).
static TRAILING_PROMPT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"[\w.-]+@[\w.-]+:[^\s$#]*[$#]\s*$"));

/// Removes a leading prompt, then a prompt glued to the end of output.
fn strip_prompt(text: &mut String) {
    let head = head(text);
    let cut = PROMPT_REGEXES
        .iter()
        .find_map(|re| re.captures(head).and_then(|c| c.get(1)).map(|m| m.end()));
    if let Some(cut) = cut {
        text.replace_range(..cut, "");
    }
    let (start, tail) = tail(text);
    if let Some(m) = TRAILING_PROMPT.find(tail)
        && m.start() > 0
    {
        text.truncate(start + m.start());
    }
}
