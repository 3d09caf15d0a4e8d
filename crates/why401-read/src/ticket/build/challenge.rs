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
        r#"(?i)(?:^|[\s'"{,(\[])(?:[<>]\s*)?authorization["']?\s*(?:[:=]|=>)\s*(?:\[\s*|\(\s*)?(?:string\{)?["']?(?P<v>(?:Bearer|Basic|Token|Digest|DPoP|Negotiate|ApiKey|SSWS)\s+[^\s"',}\]]+)"#,
    )
});

/// An `Authorization` value the line shows (a request header or a dump field).
pub(super) fn credential_on(line: &str) -> Option<String> {
    let caps = CREDENTIAL.captures(facts::clip(line, CREDENTIAL_SEARCHED))?;
    Some(caps["v"].to_owned())
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
}
