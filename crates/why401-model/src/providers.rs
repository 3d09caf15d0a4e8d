//! Server statements as data: what an error code or message of a provider, gateway or library
//! says about a 401. The table lives in `providers.tsv` (one row per pattern: pattern, verdict,
//! detail, example, source, and the HTTP status the provider answers it with when its source
//! says so), is parsed once, and is matched through a [`RegexSet`]: adding a
//! provider is one line there, no code.
//!
//! The table only reads words. Rules that need the exchange (whether client credentials were
//! sent, whether the claims rule a cause out, how the stated times compare) belong to the
//! decision; the table says which of those questions to ask through its [`Verdict`].

use std::fmt;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use crate::finding::Cause;

/// The embedded table; see the comment at its top for the columns.
const TABLE_SOURCE: &str = include_str!("providers.tsv");

/// Messages are matched on their first bytes only: statements are short, and a whole HTML
/// error page must not cost a full scan per row.
const MAX_TEXT_BYTES: usize = 4096;

/// A set of causes, for statements naming several. Iterates in [`Cause::ALL`] order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CauseSet(u8);

impl CauseSet {
    pub fn of(causes: &[Cause]) -> CauseSet {
        causes
            .iter()
            .fold(CauseSet::default(), |set, &c| set.with(c))
    }

    fn bit(cause: Cause) -> u8 {
        1 << (cause as u8)
    }

    pub fn with(self, cause: Cause) -> CauseSet {
        CauseSet(self.0 | CauseSet::bit(cause))
    }

    /// The set with `cause` ruled out.
    pub fn without(self, cause: Cause) -> CauseSet {
        CauseSet(self.0 & !CauseSet::bit(cause))
    }

    pub fn contains(self, cause: Cause) -> bool {
        self.0 & CauseSet::bit(cause) != 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The one cause left, if exactly one is.
    pub fn single(self) -> Option<Cause> {
        let mut causes = self.iter();
        match (causes.next(), causes.next()) {
            (Some(cause), None) => Some(cause),
            _ => None,
        }
    }

    pub fn iter(self) -> impl Iterator<Item = Cause> {
        Cause::ALL.into_iter().filter(move |&c| self.contains(c))
    }
}

impl fmt::Debug for CauseSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(Cause::id)).finish()
    }
}

/// What a statement says, as far as words can say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The statement names exactly this cause (decision rule 2: the words decide over the code). `Cause::Unknown` here is a
    /// statement that says why the 401 is not a credential failure (`dpop_nonce_required`,
    /// `interaction_required`): the detail says which.
    Cause(Cause),
    /// The statement names several causes and decides nothing by itself; the evidence may rule
    /// all but one out (rule 12). `Cause::Unknown` among the candidates means the 401 may not be
    /// about the credential at all (an unknown route behind AWS "Missing Authentication Token").
    Ambiguous { candidates: CauseSet },
    /// The client was refused at a token endpoint (`invalid_client`): `missing_authorization`/
    /// `client_credentials_missing` when the client's credentials were absent or empty,
    /// `revoked_credentials`/`client_refused` when they were sent (rules 1 and 3).
    ClientRefused,
    /// The statement carries its own times (AADSTS700024 "not within its valid time range");
    /// the decision compares them with the reference time (`evidence::reftime`). When they do not decide,
    /// the candidates are `expired_token` and `clock_skew`.
    TimeRange,
}

impl Verdict {
    /// The one cause the statement names, if it names one.
    pub fn cause(self) -> Option<Cause> {
        match self {
            Verdict::Cause(cause) => Some(cause),
            _ => None,
        }
    }

    /// The causes the statement leaves open.
    pub fn candidates(self) -> CauseSet {
        match self {
            Verdict::Cause(cause) => CauseSet::of(&[cause]),
            Verdict::Ambiguous { candidates } => candidates,
            Verdict::ClientRefused => {
                CauseSet::of(&[Cause::MissingAuthorization, Cause::RevokedCredentials])
            }
            Verdict::TimeRange => CauseSet::of(&[Cause::ExpiredToken, Cause::ClockSkew]),
        }
    }
}

/// Which part of a message a row matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// An error code (`error`, `code`, `errorCode`, `messageId`, an exception name...).
    Code,
    /// A message text (`error_description`, `message`, a logged line...).
    Text,
}

/// A table row that matched a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementMatch {
    pub verdict: Verdict,
    /// The detail code: for `Ambiguous` and `TimeRange` rows `ambiguous_statement`, what the
    /// finding says when the evidence does not resolve the statement; for `ClientRefused`,
    /// `client_refused`.
    pub detail: &'static str,
    /// Where the wording was verified.
    pub source: &'static str,
    /// The row's pattern, for `--explain`.
    pub pattern: &'static str,
    pub field: Field,
}

/// The HTTP status a statement implies: the provider's source or documentation says it answers
/// this statement with `status` (a ticket that quotes the words without the status line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InferredStatus {
    pub status: u16,
    /// Where the status was verified (the row's source).
    pub source: &'static str,
    /// The row that carries the status.
    pub matched: StatementMatch,
}

/// The status implied by a text: the first row (in table order) that matches the text and
/// states a status. Rows without a status infer nothing, so a wording many servers share never
/// implies a 401; a 422 or 400 row placed before a generic one keeps its statement from
/// implying a 401.
pub fn inferred_status(text: &str) -> Option<InferredStatus> {
    let table = table();
    let text = head(text);
    if text.trim().is_empty() {
        return None;
    }
    let matches = table.text_set.matches(text);
    matches.iter().find_map(|i| table.text_rows[i].inferred())
}

/// The status implied by an error code (`invalid_client` at a token endpoint is a 401), from
/// the first code row matching the whole code.
pub fn inferred_status_code(code: &str) -> Option<InferredStatus> {
    let table = table();
    let code = code.trim().trim_matches('"');
    if code.is_empty() || code.len() > 200 {
        return None;
    }
    let first = table.code_set.matches(code).iter().next()?;
    table.code_rows[first].inferred()
}

/// The best reading of a message made of an error code and a text (either may be absent).
/// When the table knows the text, the text decides, whatever the code says: "No access token
/// provided" with `invalid_token` is `missing_authorization`, "Token has expired" with
/// `invalid_token` is `expired_token` (decision rule 2: the words decide over the code). Otherwise the code decides.
pub fn classify_statement(code: Option<&str>, text: Option<&str>) -> Option<StatementMatch> {
    text.and_then(best_text_match)
        .or_else(|| code.and_then(classify_code))
}

/// Every row matching the text, best (first in the table) first.
pub fn classify_text(text: &str) -> Vec<StatementMatch> {
    let table = table();
    let text = head(text);
    if text.trim().is_empty() {
        return Vec::new();
    }
    table
        .text_set
        .matches(text)
        .iter()
        .map(|i| table.text_rows[i].matched())
        .collect()
}

/// The one reading of a text: its first row, unless that row names several causes and the
/// rest of the text (without the words that row matched) matches a row naming one of them.
/// "Token verification failed: the token is expired" is the expiry; "invalid or has
/// expired" stays ambiguous, since its "has expired" is part of the ambiguous words.
pub fn classify_text_narrowed(text: &str) -> Option<StatementMatch> {
    let table = table();
    let text = head(text);
    if text.trim().is_empty() {
        return None;
    }
    let hits: Vec<usize> = table.text_set.matches(text).iter().collect();
    let (&first, later) = hits.split_first()?;
    let row = &table.text_rows[first];
    let Verdict::Ambiguous { candidates } = row.verdict else {
        return Some(row.matched());
    };
    let narrower = text_regex(first)
        .and_then(|re| re.find(text))
        .map(|words| format!("{} {}", &text[..words.start()], &text[words.end()..]))
        .and_then(|rest| {
            later.iter().copied().find(|&i| {
                matches!(table.text_rows[i].verdict, Verdict::Cause(c) if candidates.contains(c))
                    && text_regex(i).is_some_and(|re| re.is_match(&rest))
            })
        });
    Some(table.text_rows[narrower.unwrap_or(first)].matched())
}

/// Where in `text` the words of a text row's match stand (byte range), for quoting them when
/// the text is long; `None` for a code row or when the row's words are not in `text`.
pub fn words_in(m: &StatementMatch, text: &str) -> Option<std::ops::Range<usize>> {
    if m.field != Field::Text {
        return None;
    }
    let index = table()
        .text_rows
        .iter()
        .position(|row| std::ptr::eq(row.pattern, m.pattern))?;
    text_regex(index)?.find(text).map(|found| found.range())
}

/// The text row `index` as a regex of its own, compiled on first use: the set says which
/// rows match, not where.
fn text_regex(index: usize) -> Option<&'static Regex> {
    static REGEXES: LazyLock<Vec<std::sync::OnceLock<Option<Regex>>>> = LazyLock::new(|| {
        (0..table().text_rows.len())
            .map(|_| std::sync::OnceLock::new())
            .collect()
    });
    let slot = REGEXES.get(index)?;
    slot.get_or_init(|| single_regex(table().text_rows[index].pattern).ok())
        .as_ref()
}

/// The row for an error code, matched against the whole (trimmed) code.
pub fn classify_code(code: &str) -> Option<StatementMatch> {
    let table = table();
    let code = code.trim().trim_matches('"');
    if code.is_empty() || code.len() > 200 {
        return None;
    }
    let first = table.code_set.matches(code).iter().next()?;
    Some(table.code_rows[first].matched())
}

/// Every row of the table with its example wording, code rows after text rows, each in table
/// order (for documentation and `--explain`).
pub fn table_rows() -> impl Iterator<Item = (StatementMatch, &'static str)> {
    let table = table();
    table
        .text_rows
        .iter()
        .chain(&table.code_rows)
        .map(|row| (row.matched(), row.example))
}

/// Rows of the embedded table that were skipped as malformed (empty in a sound build: a unit
/// test checks it).
pub fn table_errors() -> &'static [String] {
    &table().errors
}

fn best_text_match(text: &str) -> Option<StatementMatch> {
    let table = table();
    let text = head(text);
    if text.trim().is_empty() {
        return None;
    }
    let first = table.text_set.matches(text).iter().next()?;
    Some(table.text_rows[first].matched())
}

/// The first [`MAX_TEXT_BYTES`] of a text, cut on a character boundary.
fn head(text: &str) -> &str {
    if text.len() <= MAX_TEXT_BYTES {
        return text;
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// One parsed row of the table.
#[derive(Debug, Clone)]
struct Row {
    field: Field,
    verdict: Verdict,
    detail: &'static str,
    pattern: &'static str,
    example: &'static str,
    source: &'static str,
    /// The HTTP status the provider answers this statement with, when its source says so.
    status: Option<u16>,
    line: usize,
}

impl Row {
    fn matched(&self) -> StatementMatch {
        StatementMatch {
            verdict: self.verdict,
            detail: self.detail,
            source: self.source,
            pattern: self.pattern,
            field: self.field,
        }
    }

    fn inferred(&self) -> Option<InferredStatus> {
        Some(InferredStatus {
            status: self.status?,
            source: self.source,
            matched: self.matched(),
        })
    }
}

/// The parsed table with one matcher per field.
struct Table {
    text_rows: Vec<Row>,
    text_set: RegexSet,
    code_rows: Vec<Row>,
    code_set: RegexSet,
    /// Rows skipped because they were malformed (line and reason); a unit test keeps it empty.
    errors: Vec<String>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| Table::parse(TABLE_SOURCE));

fn table() -> &'static Table {
    &TABLE
}

impl Table {
    fn parse(source: &'static str) -> Table {
        let mut errors = Vec::new();
        let mut text_rows = Vec::new();
        let mut code_rows = Vec::new();
        for (index, line) in source.lines().enumerate() {
            let line_no = index + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_row(line, line_no) {
                Ok(row) if row.field == Field::Text => text_rows.push(row),
                Ok(row) => code_rows.push(row),
                Err(reason) => errors.push(format!("line {line_no}: {reason}")),
            }
        }
        let text_set = build_set(&mut text_rows, |p| p.to_string(), &mut errors);
        let code_set = build_set(&mut code_rows, |p| format!("^(?:{p})$"), &mut errors);
        Table {
            text_rows,
            text_set,
            code_rows,
            code_set,
            errors,
        }
    }
}

fn parse_row(line: &'static str, line_no: usize) -> Result<Row, String> {
    let columns: Vec<&'static str> = line.split('\t').collect();
    let (kind, verdict, detail, pattern, example, source, status) = match columns[..] {
        [kind, verdict, detail, pattern, example, source] => {
            (kind, verdict, detail, pattern, example, source, "")
        }
        [kind, verdict, detail, pattern, example, source, status] => {
            (kind, verdict, detail, pattern, example, source, status)
        }
        _ => {
            return Err(format!(
                "expected 6 or 7 tab-separated columns, found {}",
                columns.len()
            ));
        }
    };
    let field = match kind {
        "text" => Field::Text,
        "code" => Field::Code,
        other => return Err(format!("unknown kind {other:?}")),
    };
    if detail.is_empty() || pattern.is_empty() || example.is_empty() || source.is_empty() {
        return Err("empty column".into());
    }
    Ok(Row {
        field,
        verdict: parse_verdict(verdict)?,
        detail,
        pattern,
        example,
        source,
        status: parse_status(status)?,
        line: line_no,
    })
}

/// The optional status column: empty or `-` for none, else an HTTP status (100 to 599).
fn parse_status(text: &str) -> Result<Option<u16>, String> {
    match text.trim() {
        "" | "-" => Ok(None),
        digits => match digits.parse::<u16>() {
            Ok(status) if (100..600).contains(&status) => Ok(Some(status)),
            _ => Err(format!("bad status {digits:?}")),
        },
    }
}

fn parse_verdict(text: &str) -> Result<Verdict, String> {
    match text {
        "client_refused" => return Ok(Verdict::ClientRefused),
        "time_range" => return Ok(Verdict::TimeRange),
        _ => {}
    }
    if let Some(list) = text.strip_prefix("ambiguous:") {
        let causes = list
            .split('+')
            .map(|id| Cause::from_id(id).ok_or_else(|| format!("unknown cause {id:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        if causes.len() < 2 {
            return Err("an ambiguous verdict needs two causes or more".into());
        }
        return Ok(Verdict::Ambiguous {
            candidates: CauseSet::of(&causes),
        });
    }
    Cause::from_id(text)
        .map(Verdict::Cause)
        .ok_or_else(|| format!("unknown verdict {text:?}"))
}

/// Builds the matcher for `rows`; a row whose pattern does not compile is dropped (and
/// reported), so one bad line never disables the table.
fn build_set(
    rows: &mut Vec<Row>,
    wrap: impl Fn(&str) -> String,
    errors: &mut Vec<String>,
) -> RegexSet {
    let patterns: Vec<String> = rows.iter().map(|r| wrap(r.pattern)).collect();
    if let Ok(set) = set_builder(&patterns).build() {
        return set;
    }
    rows.retain(|row| match single_regex(&wrap(row.pattern)) {
        Ok(_) => true,
        Err(err) => {
            errors.push(format!("line {}: bad pattern: {err}", row.line));
            false
        }
    });
    let patterns: Vec<String> = rows.iter().map(|r| wrap(r.pattern)).collect();
    set_builder(&patterns).build().unwrap_or_else(|err| {
        errors.push(format!("the table does not compile: {err}"));
        rows.clear();
        RegexSet::empty()
    })
}

fn set_builder(patterns: &[String]) -> RegexSetBuilder {
    let mut builder = RegexSetBuilder::new(patterns);
    builder.case_insensitive(true).size_limit(64 << 20);
    builder
}

fn single_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).case_insensitive(true).build()
}

#[cfg(test)]
mod tests;
