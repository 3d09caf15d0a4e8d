//! The shell's words: quotes, escapes, `$VAR` expansions, and where a pipe or a redirect
//! ends the command.

/// A shell word and whether the shell would have expanded part of it (`$TOKEN`, `$(...)`,
/// `%TOKEN%`): then its real value is not in the paste.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Word {
    pub(super) text: String,
    pub(super) expands: bool,
}

pub(super) struct Tokens {
    pub(super) words: Vec<Word>,
    pub(super) unclosed: bool,
}

/// Splits a command into words the way a POSIX shell (or PowerShell) would, without
/// expanding anything; stops at a pipe, `;`, `&&` or a redirection.
pub(super) fn tokenize(text: &str, powershell: bool) -> Tokens {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    let mut unclosed = false;
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        if matches!(first, '|' | ';' | '&') {
            break;
        }
        if first == '>' || first == '<' || (first.is_ascii_digit() && redirect_ahead(&chars)) {
            skip_redirect(&mut chars);
            continue;
        }
        let mut word = Word {
            text: String::new(),
            expands: false,
        };
        unclosed = read_word(&mut chars, &mut word, powershell);
        words.push(word);
        if unclosed {
            break;
        }
    }
    Tokens { words, unclosed }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn redirect_ahead(chars: &Chars) -> bool {
    let mut look = chars.clone();
    look.next();
    matches!(look.next(), Some('>'))
}

/// Skips `2>&1`, `> file`, `>>file`, `< in`.
fn skip_redirect(chars: &mut Chars) {
    while chars.next_if(|c| c.is_ascii_digit()).is_some() {}
    while chars.next_if(|c| matches!(c, '>' | '<' | '&')).is_some() {}
    if chars.next_if(|c| c.is_ascii_digit()).is_some() {
        return;
    }
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    while chars.next_if(|c| !c.is_whitespace()).is_some() {}
}

/// Reads one word; returns true when a quote was left open.
fn read_word(chars: &mut Chars, word: &mut Word, powershell: bool) -> bool {
    let escape = if powershell { '`' } else { '\\' };
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            break;
        }
        chars.next();
        match c {
            '\'' => {
                if read_single_quoted(chars, word, powershell) {
                    return true;
                }
            }
            '"' => {
                if read_double_quoted(chars, word, escape) {
                    return true;
                }
            }
            '@' if powershell && chars.peek() == Some(&'{') => {
                word.text.push('@');
                if read_braces(chars, word) {
                    return true;
                }
            }
            '$' if !powershell && chars.peek() == Some(&'\'') => {
                chars.next();
                if read_ansi_c(chars, word) {
                    return true;
                }
            }
            '$' | '`' | '%' => {
                mark_expansion(c, chars, word);
                word.text.push(c);
            }
            c if c == escape => match chars.next() {
                Some('\n') | None => {}
                Some(next) => word.text.push(next),
            },
            _ => word.text.push(c),
        }
    }
    false
}

fn mark_expansion(c: char, chars: &Chars, word: &mut Word) {
    let next = chars.clone().next();
    let expands = match c {
        '$' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '_' | '{' | '(')),
        '`' => true,
        _ => {
            // `%NAME%` (cmd.exe), not a percent-encoding like `%20`.
            let rest: String = chars.clone().take_while(|&ch| ch != '%').collect();
            !rest.is_empty()
                && rest.len() < 40
                && rest
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                && rest.chars().any(|ch| ch.is_ascii_alphabetic() || ch == '_')
                && chars.clone().nth(rest.chars().count()) == Some('%')
        }
    };
    word.expands |= expands;
}

fn read_single_quoted(chars: &mut Chars, word: &mut Word, powershell: bool) -> bool {
    loop {
        match chars.next() {
            None => return true,
            Some('\'') if powershell && chars.peek() == Some(&'\'') => {
                chars.next();
                word.text.push('\'');
            }
            Some('\'') => return false,
            Some(c) => word.text.push(c),
        }
    }
}

fn read_double_quoted(chars: &mut Chars, word: &mut Word, escape: char) -> bool {
    loop {
        match chars.next() {
            None => return true,
            Some('"') => return false,
            Some(c) if c == escape => match chars.next() {
                None => return true,
                Some(n @ ('"' | '\\' | '$' | '`')) => word.text.push(n),
                Some('\n') => {}
                Some(n) => {
                    word.text.push(c);
                    word.text.push(n);
                }
            },
            Some(c @ ('$' | '`')) => {
                mark_expansion(c, chars, word);
                word.text.push(c);
            }
            Some(c) => word.text.push(c),
        }
    }
}

/// `$'...'` with its backslash escapes.
fn read_ansi_c(chars: &mut Chars, word: &mut Word) -> bool {
    loop {
        match chars.next() {
            None => return true,
            Some('\'') => return false,
            Some('\\') => match chars.next() {
                None => return true,
                Some('n') => word.text.push('\n'),
                Some('t') => word.text.push('\t'),
                Some('r') => word.text.push('\r'),
                Some(n) => word.text.push(n),
            },
            Some(c) => word.text.push(c),
        }
    }
}

/// A PowerShell hashtable `@{ ... }` kept whole (quotes and nesting respected).
fn read_braces(chars: &mut Chars, word: &mut Word) -> bool {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in chars.by_ref() {
        word.text.push(c);
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '{') => depth += 1,
            (None, '}') => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            (None, '$') => word.expands = true,
            _ => {}
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::{Tool, parse};

    #[test]
    fn pipes_and_redirects_end_the_command() {
        let c = parse("curl -s https://api.example.com/x 2>&1 | jq .", Tool::Curl).unwrap();
        assert_eq!(c.urls, vec!["https://api.example.com/x".to_string()]);
    }
}
