//! Shell and REPL prompts in front of commands (the table [`PROMPT_RULES`]).

use std::sync::LazyLock;

use regex::Regex;

use super::{compile_all, head, regex, tail};

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

static PROMPT_REGEXES: LazyLock<Vec<Regex>> =
    LazyLock::new(|| compile_all(PROMPT_RULES.iter().map(|rule| rule.pattern)));

/// A prompt left glued to the end of output that had no final newline (`{...}dev@box:~$`).
static TRAILING_PROMPT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"[\w.-]+@[\w.-]+:[^\s$#]*[$#]\s*$"));

/// Removes a leading prompt, then a prompt glued to the end of output.
pub(super) fn strip_prompt(text: &mut String) {
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
