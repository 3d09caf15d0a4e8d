//! Credentials and challenges shown on a line, in every shape a ticket prints them.

use std::sync::LazyLock;

use regex::Regex;

use super::super::facts;
use super::regex;

/// Bytes of a line searched for a challenge: a header value is far shorter, and the cut keeps
/// the search linear on huge lines.
const CHALLENGE_SEARCHED: usize = 4096;
/// Bytes of a line searched for a credential (a dump puts it after other headers).
const CREDENTIAL_SEARCHED: usize = 8192;

static CHALLENGE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)(?:^|[\s'"{,(\[])(?:[<>]\s*)?www-authenticate["']?\s*(?:[:=]|=>)\s*(?:\[\s*)?["']?(?P<v>(?:Bearer|Basic|Digest|DPoP|Negotiate|NTLM|Token|ApiKey)\b[^\r\n]*)|\bneed: (?P<npm>(?:Bearer|Basic|Digest|Negotiate)\b[^\r\n]*)|^(?P<bare>(?:Bearer|Basic|Digest|DPoP)\s+(?:realm|error|scope|charset|resource_metadata)=[^\r\n]*)"#,
    )
});

/// A `WWW-Authenticate` value on the line: a header, a dump field, npm's `need:`, or a bare
/// challenge value.
pub fn challenge_on(line: &str) -> Option<String> {
    let caps = CHALLENGE.captures(facts::clip(line.trim(), CHALLENGE_SEARCHED))?;
    let value = caps
        .name("v")
        .or(caps.name("npm"))
        .or(caps.name("bare"))?
        .as_str();
    let value = value.trim().trim_end_matches([',', '\'', ']', '}']);
    // A dump quotes the whole value: drop a closing quote that has no opening one.
    let unbalanced = value.matches('"').count() % 2 == 1;
    let value = value
        .strip_suffix('"')
        .filter(|_| unbalanced)
        .unwrap_or(value);
    Some(value.trim().to_owned())
}

static CREDENTIAL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)(?:^|(?P<pre>[\s'"{,(\[]))(?:[<>]\s*)?authorization["']?\s*(?:[:=]|=>)\s*(?:\[\s*|\(\s*)?(?:string\{)?(?P<q>["']?)(?P<v>(?:Bearer|Basic|Token|Digest|DPoP|Negotiate|ApiKey|SSWS)\s+(?P<t>[^\s"',}\]]+))"#,
    )
});

/// An `Authorization` value the line shows (a request header or a dump field). A value that
/// is a variable a shell expands (`"Bearer $token"` in a PowerShell or bash command, `%TOKEN%`
/// in cmd) does not show what was sent: single quotes alone keep it literal.
pub(super) fn credential_on(line: &str) -> Option<String> {
    let caps = CREDENTIAL.captures(facts::clip(line, CREDENTIAL_SEARCHED))?;
    let quote = match &caps["q"] {
        "" => caps.name("pre").map_or("", |m| m.as_str()),
        q => q,
    };
    let literal = quote == "'";
    if !literal && is_variable(&caps["t"]) {
        return None;
    }
    Some(caps["v"].to_owned())
}

/// `$name`, `${name}`, `$(command)`, `$env:NAME` or `%NAME%`: a value the shell fills in.
fn is_variable(value: &str) -> bool {
    let starts_dollar = value.strip_prefix('$').is_some_and(|rest| {
        rest.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '_' | '{' | '('))
    });
    let percent = value.len() > 2
        && value.starts_with('%')
        && value.ends_with('%')
        && value[1..value.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    starts_dollar || percent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_found_in_every_shape() {
        for (line, want) in [
            (
                "WWW-Authenticate: Bearer error=\"invalid_token\"",
                "Bearer error=\"invalid_token\"",
            ),
            ("< www-authenticate: Basic realm=\"x\"", "Basic realm=\"x\""),
            (
                "'www-authenticate': 'Bearer realm=\"api\"',",
                "Bearer realm=\"api\"",
            ),
            (
                "npm ERR! Unable to authenticate, need: Basic realm=\"pkgs\"",
                "Basic realm=\"pkgs\"",
            ),
            (
                "Bearer realm=\"api\", error=\"invalid_token\"",
                "Bearer realm=\"api\", error=\"invalid_token\"",
            ),
        ] {
            assert_eq!(challenge_on(line).as_deref(), Some(want), "{line}");
        }
        assert_eq!(
            challenge_on("Bearer tokens are described in RFC 6750"),
            None
        );
    }

    #[test]
    fn a_variable_the_shell_expands_is_not_the_credential_sent() {
        for line in [
            "Invoke-RestMethod -Uri https://x -Headers @{Authorization = \"Bearer $token\"}",
            "curl -H \"Authorization: Bearer ${TOKEN}\" https://x",
            "curl -H \"Authorization: Bearer $env:TOKEN\" https://x",
            "curl -H \"Authorization: Bearer %TOKEN%\" https://x",
        ] {
            assert_eq!(credential_on(line), None, "{line}");
        }
        // Single quotes send the text as it is; a real token is a credential.
        assert_eq!(
            credential_on("curl -H 'Authorization: Bearer $TOKEN' https://x").as_deref(),
            Some("Bearer $TOKEN")
        );
        assert_eq!(
            credential_on("Authorization: Bearer abc.def").as_deref(),
            Some("Bearer abc.def")
        );
    }
}
