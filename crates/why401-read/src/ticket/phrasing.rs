//! The phrasing table (`phrasings.tsv`): how tools word a response status in ticket text, and
//! the look-alikes that never are a response. One row per template, each with its source and
//! an example the unit tests check.

use std::sync::LazyLock;

use regex::Regex;

/// What a matched template says about the status it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An HTTP status line: headers and a body may follow.
    StatusLine,
    /// An access-log record: one line, one request.
    Record,
    /// A status in a structural position of one tool's message.
    Stated,
    /// A status in a generic position: a status field or label, a code with its reason.
    Field,
    /// A sentence reporting an observed response.
    Prose,
    /// gRPC UNAUTHENTICATED.
    Grpc,
    /// No status stated: a provider's statement that only a 401 carries.
    Inferred,
    /// An expectation, comparison, metric or condition.
    Not,
}

/// One template of the table.
pub struct Row {
    pub kind: Kind,
    /// The status the template means when its pattern has no `status` group.
    pub fixed_status: Option<u16>,
    pub pattern: Regex,
    pub tool: &'static str,
    pub example: &'static str,
    pub source: &'static str,
}

/// A status named on one line by one template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub kind: Kind,
    pub status: u16,
    /// Byte range of the whole match on the line.
    pub start: usize,
    pub end: usize,
    pub reason: Option<String>,
    pub method: Option<String>,
    pub url: Option<String>,
    /// The server's words the template embeds.
    pub text: Option<String>,
    pub tool: &'static str,
}

const TABLE: &str = include_str!("phrasings.tsv");

static ROWS: LazyLock<Vec<Row>> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| parse_row(line).ok())
        .collect()
});

/// The rows of the table; a row that does not parse is left out (a unit test lists them).
pub fn rows() -> &'static [Row] {
    &ROWS
}

fn parse_row(line: &'static str) -> Result<Row, String> {
    let cols: Vec<&'static str> = line.split('\t').collect();
    let [kind, status, pattern, tool, example, source] = cols[..] else {
        return Err(format!("expected 6 columns, found {}", cols.len()));
    };
    let kind = match kind {
        "status_line" => Kind::StatusLine,
        "record" => Kind::Record,
        "stated" => Kind::Stated,
        "field" => Kind::Field,
        "prose" => Kind::Prose,
        "grpc" => Kind::Grpc,
        "not" => Kind::Not,
        other => return Err(format!("unknown kind {other:?}")),
    };
    let fixed_status = match status {
        "-" => None,
        digits => Some(
            digits
                .parse()
                .map_err(|_| format!("bad status {digits:?}"))?,
        ),
    };
    let pattern = Regex::new(pattern).map_err(|err| err.to_string())?;
    if fixed_status.is_none() && !pattern.capture_names().any(|n| n == Some("status")) {
        return Err("a row without a fixed status needs a `status` group".into());
    }
    Ok(Row {
        kind,
        fixed_status,
        pattern,
        tool,
        example,
        source,
    })
}

/// Lines longer than this are only searched in their first part: ticket lines that state a
/// status are short, and this keeps the search linear on huge lines.
const MAX_SEARCHED: usize = 8 * 1024;

/// Every status the line names, after look-alikes were removed: for each status position the
/// first row wins, and a `not` row covering a position cancels it.
pub fn mentions(line: &str) -> Vec<Mention> {
    let line = super::facts::clip(line, MAX_SEARCHED);
    if !line.bytes().any(|b| b.is_ascii_digit()) && !might_name_status_without_digits(line) {
        return Vec::new();
    }
    let mut found: Vec<Mention> = Vec::new();
    let mut cancelled: Vec<(usize, usize)> = Vec::new();
    for row in rows() {
        for caps in row.pattern.captures_iter(line) {
            let Some(whole) = caps.get(0) else { continue };
            let position = caps
                .name("status")
                .map(|m| (m.start(), m.end()))
                .unwrap_or((whole.start(), whole.end()));
            if row.kind == Kind::Not {
                cancelled.push(position);
                continue;
            }
            let status = match (row.fixed_status, caps.name("status")) {
                (Some(status), _) => status,
                (None, Some(m)) => match m.as_str().parse() {
                    Ok(status) => status,
                    Err(_) => continue,
                },
                (None, None) => continue,
            };
            if found.iter().any(|f| overlaps(f.status_span(), position)) {
                continue;
            }
            let text = |name: &str| caps.name(name).map(|m| m.as_str().trim().to_owned());
            found.push(Mention {
                kind: row.kind,
                status,
                start: position.0,
                end: position.1,
                reason: text("reason").filter(|r| !r.is_empty()),
                method: text("method"),
                url: text("url"),
                text: text("text").filter(|t| !t.is_empty()),
                tool: row.tool,
            });
        }
    }
    found.retain(|m| !cancelled.iter().any(|&c| overlaps(m.status_span(), c)));
    found.sort_by_key(|m| m.start);
    found
}

impl Mention {
    fn status_span(&self) -> (usize, usize) {
        (self.start, self.end)
    }

    /// The tool family of the template (its first word): an exception and its wrapper, or a
    /// tool's log line and its summary, belong to one family.
    pub fn family(&self) -> String {
        self.tool
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Templates that name a status without its digits (kubectl, git, docker, gRPC, Azure SDK).
fn might_name_status_without_digits(line: &str) -> bool {
    [
        "logged in",
        "Authentication failed",
        "unauthorized:",
        "nauthenticated",
        "UNAUTHENTICATED",
        "StatusCode: Unauthorized",
        "ClientAuthenticationError",
    ]
    .iter()
    .any(|word| line.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses() {
        let bad: Vec<String> = TABLE
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|(n, l)| parse_row(l).err().map(|e| format!("line {}: {e}", n + 1)))
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
        assert!(rows().len() > 50);
    }

    #[test]
    fn every_example_gives_its_rows_verdict() {
        let mut wrong = Vec::new();
        for row in rows() {
            let found = mentions(row.example);
            if row.kind == Kind::Not {
                assert!(
                    found.iter().all(|m| m.status == 401 && m.kind != Kind::Not)
                        || found.iter().all(|m| m.status != 401)
                        || found.is_empty(),
                    "{}: {:?}",
                    row.example,
                    found
                );
                continue;
            }
            let status = row.fixed_status.or_else(|| {
                row.pattern
                    .captures(row.example)
                    .and_then(|c| c.name("status"))
                    .and_then(|m| m.as_str().parse().ok())
            });
            if status.is_none() || !found.iter().any(|m| Some(m.status) == status) {
                wrong.push(format!("{}: {:?} gives {:?}", row.tool, row.example, found));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn look_alikes_name_no_401() {
        for text in [
            "The server MUST respond with 401 when the token is missing.",
            "if resp.status_code == 401:",
            "case 401:",
            "http_requests_total{code=\"401\",method=\"get\"} 1234",
            "AssertionError: expected 401 \"Unauthorized\", got 400 \"Bad Request\"",
            "✓ returns 401 when the token is missing",
            "The API returns 401 if the access token is missing or expired.",
            "should return 401 for an expired token",
        ] {
            let found = mentions(text);
            assert!(found.iter().all(|m| m.status != 401), "{text}: {found:?}");
        }
    }

    #[test]
    fn observed_side_of_an_expectation_is_read() {
        let found = mentions("expected 200, got 401");
        assert_eq!(
            found.iter().map(|m| m.status).collect::<Vec<_>>(),
            vec![401]
        );
    }

    #[test]
    fn templates_give_method_url_and_server_text() {
        let found = mentions("GET https://api.example.com/user: 401 Bad credentials []");
        assert_eq!(found[0].status, 401);
        assert_eq!(found[0].method.as_deref(), Some("GET"));
        assert_eq!(
            found[0].url.as_deref(),
            Some("https://api.example.com/user")
        );
        assert_eq!(found[0].text.as_deref(), Some("Bad credentials []"));
    }

    #[test]
    fn a_status_is_read_once_per_position() {
        let found = mentions("HTTP/1.1 401 Unauthorized");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, Kind::StatusLine);
    }

    #[test]
    fn huge_lines_are_clipped() {
        let line = "401 ".repeat(1_000_000);
        assert!(mentions(&line).len() < 5_000);
    }
}
