//! The API's own facts for the advice: the profile's `[advice]` when it has one, else the row
//! of a known provider recognised by the request's host, the token issuer's host or path, or
//! a long-lived token's prefix (`providers.tsv`). Nothing recognised: vendor-neutral advice.

use std::sync::LazyLock;

use why401_model::advice::ApiFacts;
use why401_model::url::host_of;

use crate::evidence::profile::ApiAdvice;

/// What identifies the API at hand.
#[derive(Debug, Default, Clone, Copy)]
pub struct ApiClues<'a> {
    /// The request's URL.
    pub url: &'a str,
    /// The token's `iss`, when it is a JWT.
    pub issuer: Option<&'a str>,
    /// A long-lived token's kind (`GitHub personal access token (classic)`).
    pub token_kind: Option<&'a str>,
}

/// The profile's advice when it says anything, else a known provider's, else nothing.
pub fn facts(profile: Option<&ApiAdvice>, clues: ApiClues) -> ApiFacts {
    if let Some(advice) = profile.filter(|a| **a != ApiAdvice::default()) {
        return ApiFacts {
            provider: None,
            portal: advice.portal.clone(),
            refresh_margin_seconds: advice.refresh_margin_seconds,
            support: advice.support.clone(),
        };
    }
    match provider(clues) {
        Some(row) => ApiFacts {
            provider: Some(row.provider.to_owned()),
            portal: Some(row.portal.to_owned()),
            ..ApiFacts::default()
        },
        None => ApiFacts::default(),
    }
}

/// One row of `providers.tsv`.
#[derive(Debug)]
struct Provider {
    provider: &'static str,
    matches: Vec<Clue>,
    portal: &'static str,
}

#[derive(Debug)]
enum Clue {
    Host(&'static str),
    HostUnder(&'static str),
    HostStarting(&'static str),
    Token(&'static str),
    IssuerPath(&'static str),
}

static PROVIDERS: LazyLock<Vec<Provider>> = LazyLock::new(|| {
    rows(include_str!("providers.tsv"))
        .map(|cols| Provider {
            provider: cols[0],
            matches: cols[1].split_whitespace().filter_map(clue).collect(),
            portal: cols[2],
        })
        .collect()
});

/// The data rows (comments and the header skipped), each with its five columns.
fn rows(table: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    table
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .skip(1)
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|cols| cols.len() == 5)
}

fn clue(pattern: &'static str) -> Option<Clue> {
    let (kind, value) = pattern.split_once(':')?;
    Some(match kind {
        "host" => match (value.strip_prefix("*."), value.strip_suffix(".*")) {
            (Some(suffix), _) => Clue::HostUnder(suffix),
            (None, Some(prefix)) => Clue::HostStarting(prefix),
            (None, None) => Clue::Host(value),
        },
        "token" => Clue::Token(value),
        "issuer-path" => Clue::IssuerPath(value),
        _ => return None,
    })
}

fn provider(clues: ApiClues) -> Option<&'static Provider> {
    let hosts: Vec<String> = [Some(clues.url), clues.issuer]
        .into_iter()
        .flatten()
        .filter_map(host_of)
        .collect();
    let issuer_path = clues.issuer.map(path_of).unwrap_or("");
    PROVIDERS.iter().find(|row| {
        row.matches.iter().any(|clue| match clue {
            Clue::Host(name) => hosts.iter().any(|h| h == name),
            Clue::HostUnder(suffix) => hosts.iter().any(|h| {
                h.strip_suffix(suffix)
                    .is_some_and(|rest| rest.ends_with('.'))
            }),
            Clue::HostStarting(prefix) => hosts.iter().any(|h| {
                h.strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('.'))
            }),
            Clue::Token(word) => clues.token_kind.is_some_and(|k| k.starts_with(word)),
            Clue::IssuerPath(text) => issuer_path.contains(text),
        })
    })
}

/// The path of an absolute URL (`https://sso/realms/acme` → `/realms/acme`).
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("", |i| &rest[i..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_and_matches_its_example() {
        let table = include_str!("providers.tsv");
        let examples: Vec<(&str, &str)> = rows(table).map(|cols| (cols[0], cols[4])).collect();
        let data_lines = table
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(examples.len() + 1, data_lines, "a row without five columns");
        for row in PROVIDERS.iter() {
            assert!(!row.matches.is_empty(), "{}: no clue", row.provider);
        }
        for (name, example) in examples {
            let clues = match example.strip_prefix("token:") {
                Some(kind) => ApiClues {
                    token_kind: Some(kind),
                    ..ApiClues::default()
                },
                None if example.contains("://") => ApiClues {
                    issuer: Some(example),
                    ..ApiClues::default()
                },
                None => ApiClues {
                    url: example,
                    ..ApiClues::default()
                },
            };
            let example_url = format!("https://{example}/x");
            let clues = if clues.url == example {
                ApiClues {
                    url: &example_url,
                    ..clues
                }
            } else {
                clues
            };
            let found = provider(clues).map(|p| p.provider);
            assert_eq!(found, Some(name), "{example}");
        }
    }

    #[test]
    fn the_profile_speaks_first_and_nothing_known_is_neutral() {
        let github = ApiClues {
            url: "https://api.github.com/user",
            ..ApiClues::default()
        };
        let own = ApiAdvice {
            portal: Some("Settings → API".into()),
            refresh_margin_seconds: Some(300),
            support: None,
        };
        let facts_own = facts(Some(&own), github);
        assert_eq!(facts_own.portal.as_deref(), Some("Settings → API"));
        assert_eq!(facts_own.provider, None);
        let by_host = facts(Some(&ApiAdvice::default()), github);
        assert_eq!(by_host.provider.as_deref(), Some("GitHub"));
        let unknown = ApiClues {
            url: "https://api.example.com/v2/devices",
            issuer: Some("https://auth.example.com/"),
            token_kind: None,
        };
        assert_eq!(facts(None, unknown), ApiFacts::default());
    }

    #[test]
    fn host_patterns_match_whole_labels_only() {
        let look = |url| {
            provider(ApiClues {
                url,
                ..ApiClues::default()
            })
            .map(|p| p.provider)
        };
        assert_eq!(look("https://dev-1.okta.com/x"), Some("Okta"));
        assert_eq!(look("https://notokta.com/x"), None);
        assert_eq!(
            look("https://cognito-idp.us-east-1.amazonaws.com/"),
            Some("Amazon Cognito")
        );
        assert_eq!(look("https://cognito-idpx.example.com/"), None);
    }
}
