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
mod tests {
    use super::*;

    fn text(t: &str) -> StatementMatch {
        classify_statement(None, Some(t)).unwrap_or_else(|| panic!("no row for {t:?}"))
    }

    fn names(t: &str) -> (Cause, &'static str) {
        let m = text(t);
        (
            m.verdict
                .cause()
                .unwrap_or_else(|| panic!("{t:?} is {m:?}")),
            m.detail,
        )
    }

    fn is_ambiguous(m: &StatementMatch) -> bool {
        matches!(m.verdict, Verdict::Ambiguous { .. })
    }

    #[test]
    fn the_embedded_table_parses_without_errors() {
        assert_eq!(table_errors(), &[] as &[String]);
        assert!(
            table().text_rows.len() >= 100,
            "{}",
            table().text_rows.len()
        );
        assert!(table().code_rows.len() >= 35, "{}", table().code_rows.len());
    }

    #[test]
    fn every_row_with_a_status_infers_it_from_its_example() {
        let table = table();
        let mut with_status = 0;
        for row in &table.text_rows {
            let inferred = inferred_status(row.example).map(|s| s.status);
            match row.status {
                Some(status) => {
                    with_status += 1;
                    assert_eq!(inferred, Some(status), "line {}", row.line);
                }
                None => assert_eq!(inferred, None, "line {}: a row without a status", row.line),
            }
        }
        for row in &table.code_rows {
            let inferred = inferred_status_code(row.example).map(|s| s.status);
            assert_eq!(inferred, row.status, "line {}", row.line);
        }
        assert!(with_status >= 40, "{with_status}");
    }

    #[test]
    fn inferred_statuses_name_their_row() {
        let found = inferred_status(r#"{"msg":"Missing Authorization Header"}"#).unwrap();
        assert_eq!(found.status, 401);
        assert!(found.source.starts_with("Flask-JWT-Extended"), "{found:?}");
        assert_eq!(
            found.matched.verdict,
            Verdict::Cause(Cause::MissingAuthorization)
        );
        // Flask-JWT-Extended answers an invalid token with 422: never a 401.
        let found = inferred_status(r#"{"msg":"Signature verification failed"}"#).unwrap();
        assert_eq!(found.status, 422);
        assert_eq!(found.matched.detail, "signature_invalid");
        // A wording many servers share implies nothing.
        assert_eq!(inferred_status("Token has expired"), None);
        assert_eq!(inferred_status("Unauthorized"), None);
        assert_eq!(inferred_status(""), None);
        // The code alone: invalid_client at a token endpoint is a 401.
        let found = inferred_status_code(" invalid_client ").unwrap();
        assert_eq!(
            (found.status, found.matched.verdict),
            (401, Verdict::ClientRefused)
        );
        assert_eq!(inferred_status_code("invalid_token"), None);
        assert_eq!(
            inferred_status_code("FST_JWT_BAD_REQUEST").map(|s| s.status),
            Some(400)
        );
        // A wrapper line takes the handler's status while the inner code decides the cause.
        let line = "AuthenticationScheme: Bearer was not authenticated. Failure message: IDX10223: Lifetime validation failed. The token is expired.";
        assert_eq!(inferred_status(line).map(|s| s.status), Some(401));
        assert_eq!(names(line), (Cause::ExpiredToken, "server_says_expired"));
    }

    #[test]
    fn framework_and_gateway_wordings() {
        for (statement, cause, detail) in [
            (
                r#"{"detail":"Invalid token."}"#,
                Cause::RevokedCredentials,
                "credentials_rejected",
            ),
            (
                r#"{"detail":"Invalid token header. Token string should not contain spaces."}"#,
                Cause::InvalidToken,
                "token_has_whitespace",
            ),
            (
                r#"{"detail":"Invalid token header. No credentials provided."}"#,
                Cause::MissingAuthorization,
                "empty_credentials",
            ),
            (
                "NotBeforeError: jwt not active",
                Cause::ClockSkew,
                "nbf_in_future",
            ),
            (
                "Jwt used before 2026-01-01T00:00:00Z",
                Cause::ClockSkew,
                "nbf_in_future",
            ),
            (
                "IDX10206: Unable to validate audience.",
                Cause::InvalidToken,
                "claim_invalid",
            ),
            (
                "IDX10205: Issuer validation failed.",
                Cause::InvalidToken,
                "wrong_environment",
            ),
            (
                "IDX10511: Signature validation failed.",
                Cause::InvalidToken,
                "signature_invalid",
            ),
            (
                r#"{"code":"PGRST303","message":"JWT issued at future"}"#,
                Cause::ClockSkew,
                "iat_in_future",
            ),
            (
                r#"{"code":"PGRST303","message":"JWT expired"}"#,
                Cause::ExpiredToken,
                "server_says_expired",
            ),
            ("token is not valid yet", Cause::ClockSkew, "nbf_in_future"),
            (
                "service account token has been invalidated",
                Cause::InvalidToken,
                "token_revoked",
            ),
            ("user token not found", Cause::InvalidToken, "token_revoked"),
            (
                r#"{"message":"Invalid API Key provided: sk_live_****abcd"}"#,
                Cause::RevokedCredentials,
                "credentials_rejected",
            ),
            (
                "Full authentication is required to access this resource",
                Cause::MissingAuthorization,
                "no_authorization",
            ),
            (
                "Access to https://wiki.example.net/ (method GET) is not authorized to user <anonymous>, responding with status code 401",
                Cause::MissingAuthorization,
                "no_authorization",
            ),
        ] {
            assert_eq!(names(statement), (cause, detail), "{statement:?}");
        }
        // Words that name several causes stay undecided.
        for statement in [
            "Token is invalid or expired",
            r#"{"detail":"Given token not valid for any token type","code":"token_not_valid"}"#,
            "remote: HTTP Basic: Access denied",
            r#"{"detail":"Could not validate credentials"}"#,
        ] {
            assert!(is_ambiguous(&text(statement)), "{statement:?}");
        }
        // simplejwt's envelope with its inner message: the inner message decides.
        let body = r#"{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is expired"}]}"#;
        assert_eq!(names(body), (Cause::ExpiredToken, "server_says_expired"));
    }

    #[test]
    fn the_status_column_is_optional_and_checked() {
        let source = "text\texpired_token\tserver_says_expired\tjwt expired\tjwt expired\tsrc\t401\n\
                      text\texpired_token\tserver_says_expired\tgone\tgone\tsrc\t-\n\
                      text\texpired_token\tserver_says_expired\tlapsed\tlapsed\tsrc\n\
                      text\texpired_token\tserver_says_expired\tx\tx\tsrc\t4O1\n\
                      text\texpired_token\tserver_says_expired\ty\ty\tsrc\t99\n";
        let table = Table::parse(source);
        assert_eq!(table.errors.len(), 2, "{:?}", table.errors);
        let statuses: Vec<Option<u16>> = table.text_rows.iter().map(|r| r.status).collect();
        assert_eq!(statuses, vec![Some(401), None, None]);
    }

    #[test]
    fn malformed_rows_are_reported_and_skipped() {
        let source = "text\texpired_token\tserver_says_expired\t(unclosed\tx\tsrc\n\
                      text\tnot_a_cause\tx\tfine\tfine\tsrc\n\
                      text\texpired_token\tserver_says_expired\n\
                      code\tambiguous:expired_token\tambiguous_statement\tx\tx\tsrc\n\
                      text\texpired_token\tserver_says_expired\tjwt expired\tjwt expired\tsrc\n";
        let table = Table::parse(source);
        assert_eq!(table.errors.len(), 4, "{:?}", table.errors);
        assert_eq!(table.text_rows.len(), 1);
        assert!(table.text_set.is_match("JWT EXPIRED"));
    }

    #[test]
    fn every_row_matches_its_own_example_and_the_best_match_agrees() {
        let table = table();
        for row in table.text_rows.iter().chain(&table.code_rows) {
            let wrapped = match row.field {
                Field::Text => row.pattern.to_string(),
                Field::Code => format!("^(?:{})$", row.pattern),
            };
            let re = single_regex(&wrapped).expect("compiles");
            assert!(
                re.is_match(row.example),
                "line {}: example does not match",
                row.line
            );
            let best = match row.field {
                Field::Text => best_text_match(row.example),
                Field::Code => classify_code(row.example),
            }
            .expect("a match");
            assert_eq!(
                (best.verdict, best.detail),
                (row.verdict, row.detail),
                "line {}: an earlier row ({}) reads the example differently",
                row.line,
                best.pattern
            );
        }
    }

    #[test]
    fn every_detail_is_known_and_fits_its_verdict() {
        for (m, example) in table_rows() {
            let detail = crate::details::cause_of(m.detail);
            assert!(detail.is_some(), "{example}: {}", m.detail);
            match m.verdict {
                Verdict::Cause(cause) => assert_eq!(detail, Some(cause), "{example}"),
                Verdict::Ambiguous { candidates } => {
                    assert_eq!(m.detail, "ambiguous_statement", "{example}");
                    assert!(candidates.len() >= 2);
                }
                Verdict::ClientRefused => assert_eq!(m.detail, "client_refused"),
                Verdict::TimeRange => assert_eq!(m.detail, "ambiguous_statement"),
            }
        }
    }

    #[test]
    fn the_text_decides_over_the_code() {
        let m = classify_statement(Some("invalid_token"), Some("Token has expired")).unwrap();
        assert_eq!(m.verdict, Verdict::Cause(Cause::ExpiredToken));
        assert_eq!(m.field, Field::Text);
        let m = classify_statement(
            Some("invalid_client"),
            Some("AADSTS7000215: Invalid client secret is provided."),
        )
        .unwrap();
        assert_eq!(m.verdict, Verdict::Cause(Cause::RevokedCredentials));
        assert_eq!(m.detail, "credentials_rejected");
        let m = classify_statement(Some("invalid_grant"), Some("Token is not active")).unwrap();
        assert_eq!(m.verdict, Verdict::Cause(Cause::ExpiredToken));
        // A text the table does not know leaves the code to decide.
        let m = classify_statement(Some("insufficient_scope"), Some("Nope.")).unwrap();
        assert_eq!(m.verdict, Verdict::Cause(Cause::InsufficientScope));
        assert_eq!(m.field, Field::Code);
        let m = classify_statement(Some("invalid_client"), Some("")).unwrap();
        assert_eq!(m.verdict, Verdict::ClientRefused);
        assert_eq!(classify_statement(None, None), None);
        assert_eq!(
            classify_statement(Some("teapot"), Some("short and stout")),
            None
        );
    }

    #[test]
    fn not_provided_statements_name_missing_authorization_whatever_the_code() {
        let cases = [
            (
                "Authentication failed, no credentials provided",
                "no_authorization",
            ),
            (
                "jwt_authn_access_denied{Jwt_is_missing}",
                "no_authorization",
            ),
            ("Jwt is missing", "no_authorization"),
            ("No authorization token was found", "no_authorization"),
            ("jwt must be provided", "no_authorization"),
            ("No API key found in request", "no_authorization"),
            ("Requires authentication", "no_authorization"),
            ("No access token provided", "no_authorization"),
            ("missing authorization header", "no_authorization"),
            ("Bearer token not provided", "no_authorization"),
            ("The access_token parameter is required", "no_authorization"),
            ("Missing parameter: access_token", "no_authorization"),
            ("client_secret is missing", "client_credentials_missing"),
            (
                "Missing required parameter: client_assertion",
                "client_credentials_missing",
            ),
            (
                "AADSTS7000218: The request body must contain the following parameter: \
                 'client_assertion' or 'client_secret'.",
                "client_credentials_missing",
            ),
        ];
        for code in [
            None,
            Some("invalid_token"),
            Some("invalid_client"),
            Some("invalid_request"),
        ] {
            for (statement, detail) in cases {
                let m = classify_statement(code, Some(statement))
                    .unwrap_or_else(|| panic!("no row for {statement:?}"));
                assert_eq!(
                    (m.verdict, m.detail),
                    (Verdict::Cause(Cause::MissingAuthorization), detail),
                    "{statement:?} with {code:?}"
                );
            }
        }
    }

    #[test]
    fn a_missing_claim_or_scope_is_not_a_missing_credential() {
        for statement in [
            "Token is missing the \"exp\" claim",
            "IDX10225: Lifetime validation failed. The token is missing an Expiration Time.",
            "AADSTS90016: The access token isn't valid. The required claim is missing.",
            "The token has no expiration",
            "Token lacks required scope",
            "missing scope: devices:read",
            "Invalid token provided",
            "AADSTS7000215: Invalid client secret is provided.",
        ] {
            let m = text(statement);
            assert_ne!(
                m.verdict,
                Verdict::Cause(Cause::MissingAuthorization),
                "{statement:?}"
            );
        }
    }

    #[test]
    fn statements_naming_several_causes_are_ambiguous() {
        for statement in [
            "The access token is invalid or has expired",
            "Invalid or expired token",
            "Unauthorized",
            "401 Unauthorized",
            "Access token has expired or is not yet valid.",
            "Token has been expired or revoked.",
            "Authentication failed, attempted: bearer",
            "Access token is expired, disabled, or deleted, or the user has globally signed out.",
            "Request had invalid authentication credentials. Expected OAuth 2 access token",
            "Invalid or missing API key",
            "invalid token",
            "The access token is invalid.",
        ] {
            assert!(
                is_ambiguous(&text(statement)),
                "{statement:?}: {:?}",
                text(statement)
            );
        }
        let bare = classify_statement(Some("invalid_token"), None).unwrap();
        let Verdict::Ambiguous { candidates } = bare.verdict else {
            panic!("{bare:?}")
        };
        assert!(candidates.contains(Cause::ExpiredToken));
        assert!(candidates.contains(Cause::InvalidToken));
        assert!(!candidates.contains(Cause::MissingAuthorization));
        // Ruling causes out leaves one.
        let left = candidates
            .without(Cause::ExpiredToken)
            .without(Cause::ClockSkew);
        assert_eq!(left.single(), Some(Cause::InvalidToken));
    }

    #[test]
    fn the_reference_api_wordings() {
        assert_eq!(
            names("Token has expired"),
            (Cause::ExpiredToken, "server_says_expired")
        );
        assert_eq!(
            names("Token signature verification failed"),
            (Cause::InvalidToken, "signature_invalid")
        );
        assert_eq!(
            names("Token lacks required scope"),
            (Cause::InsufficientScope, "server_says_insufficient_scope")
        );
        let Verdict::Ambiguous { candidates } =
            text("The access token is invalid or has expired").verdict
        else {
            panic!()
        };
        assert_eq!(
            candidates,
            CauseSet::of(&[Cause::ExpiredToken, Cause::InvalidToken])
        );
        assert!(is_ambiguous(&classify_code("unauthorized").unwrap()));
        assert!(is_ambiguous(
            &classify_code("authentication_failed").unwrap()
        ));
    }

    #[test]
    fn the_verdicts_on_long_lived_credentials() {
        assert_eq!(
            names("AADSTS7000222: The provided client secret keys for app 'x' are expired."),
            (Cause::RevokedCredentials, "client_secret_expired")
        );
        assert_eq!(
            names("The client secret has expired"),
            (Cause::RevokedCredentials, "client_secret_expired")
        );
        assert_eq!(
            names("Refresh token has expired"),
            (Cause::ExpiredToken, "server_says_expired")
        );
        assert_eq!(
            names("API key expired"),
            (Cause::ExpiredToken, "server_says_expired")
        );
        assert_eq!(
            names("Session expired"),
            (Cause::ExpiredToken, "server_says_expired")
        );
        assert_eq!(
            names("Access Token has been revoked"),
            (Cause::InvalidToken, "token_revoked")
        );
        assert_eq!(
            names("Refresh token has been revoked"),
            (Cause::RevokedCredentials, "refresh_grant_revoked")
        );
        assert_eq!(
            names("This personal access token was revoked"),
            (Cause::RevokedCredentials, "credential_revoked")
        );
        assert_eq!(
            names("The client application has been suspended"),
            (Cause::RevokedCredentials, "credential_revoked")
        );
        assert_eq!(
            names(
                r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#
            ),
            (Cause::RevokedCredentials, "credentials_rejected")
        );
        assert_eq!(
            names("Invalid authentication credentials"),
            (Cause::RevokedCredentials, "credentials_rejected")
        );
    }

    #[test]
    fn client_refusals_are_left_to_the_decision() {
        for code in [
            "invalid_client",
            "INVALID_CLIENT",
            "unauthorized_client",
            " \"invalid_client\" ",
        ] {
            assert_eq!(
                classify_code(code).unwrap().verdict,
                Verdict::ClientRefused,
                "{code}"
            );
        }
        assert_eq!(
            text("Client authentication failed. Either the client or the client credentials are invalid.").verdict,
            Verdict::ClientRefused
        );
        assert_eq!(
            Verdict::ClientRefused.candidates(),
            CauseSet::of(&[Cause::MissingAuthorization, Cause::RevokedCredentials])
        );
    }

    #[test]
    fn envoy_kubernetes_and_aws_gateway_wordings() {
        assert_eq!(
            names("jwt_authn_access_denied{Jwt_is_expired}"),
            (Cause::ExpiredToken, "server_says_expired")
        );
        assert_eq!(
            names("Jwt is expired"),
            (Cause::ExpiredToken, "server_says_expired")
        );
        assert_eq!(
            names("jwt_authn_access_denied{Jwt_verification_fails}"),
            (Cause::InvalidToken, "signature_invalid")
        );
        assert_eq!(
            names("jwt_authn_access_denied{Jwks_doesn't_have_key_to_match_kid_or_alg_from_Jwt}"),
            (Cause::InvalidToken, "signature_invalid")
        );
        assert_eq!(
            names("Jwt not yet valid"),
            (Cause::ClockSkew, "nbf_in_future")
        );
        assert_eq!(
            names("jwt_authn_access_denied{Audiences_in_Jwt_are_not_allowed}"),
            (Cause::InvalidToken, "wrong_environment")
        );
        assert_eq!(
            names("Authentication failed, no credentials provided"),
            (Cause::MissingAuthorization, "no_authorization")
        );
        assert!(is_ambiguous(&text(
            "Authentication failed, attempted: basic"
        )));
        assert_eq!(
            names(r#"{"message":"The incoming token has expired"}"#),
            (Cause::ExpiredToken, "server_says_expired")
        );
        assert!(is_ambiguous(&text(r#"{"message":"Unauthorized"}"#)));
        let missing = text(r#"{"message":"Missing Authentication Token"}"#);
        let Verdict::Ambiguous { candidates } = missing.verdict else {
            panic!("{missing:?}")
        };
        assert!(
            candidates.contains(Cause::MissingAuthorization) && candidates.contains(Cause::Unknown)
        );
        assert_eq!(
            names("the token does not have a valid audience"),
            (Cause::InvalidToken, "wrong_environment")
        );
        assert_eq!(
            names(
                "Signature expired: 20160610T180547Z is now earlier than 20160610T180612Z (20160610T181112Z - 5 min.)"
            ),
            (Cause::ClockSkew, "client_clock_behind")
        );
    }

    #[test]
    fn entra_codes_beat_the_wording_around_them() {
        // AADSTS70043's text says "expired or is invalid"; the code decides.
        assert_eq!(
            names(
                "AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks"
            ),
            (Cause::ExpiredToken, "server_says_expired")
        );
        // AADSTS70002 wraps AADSTS50012: the time range decides.
        let m = text(
            "AADSTS70002: Error validating credentials. AADSTS50012: Client assertion is not within its valid time range.",
        );
        assert_eq!(m.verdict, Verdict::TimeRange);
        // AADSTS700082 is not AADSTS70008.
        assert_eq!(
            text("AADSTS700082: The refresh token has expired").pattern,
            r"\bAADSTS700082\b"
        );
    }

    #[test]
    fn codes_match_whole_and_case_insensitively() {
        assert!(is_ambiguous(&classify_code("INVALID_TOKEN").unwrap()));
        assert_eq!(classify_code("invalid_token_extra"), None);
        assert_eq!(classify_code(""), None);
        assert_eq!(
            classify_code("com.amazonaws.cognito#NotAuthorizedException").map(|m| is_ambiguous(&m)),
            Some(true)
        );
        assert_eq!(
            classify_code("use_dpop_nonce").map(|m| (m.verdict, m.detail)),
            Some((Verdict::Cause(Cause::Unknown), "dpop_nonce_required"))
        );
    }

    #[test]
    fn classify_text_lists_every_matching_row_best_first() {
        let all = classify_text("Token has expired");
        assert!(all.len() >= 2, "{all:?}");
        assert!(
            all[0].source.starts_with("reference-api.md"),
            "{:?}",
            all[0]
        );
        assert!(all[1..].iter().any(|m| m.source.starts_with("RFC 6750")));
        let all = classify_text("The access token is invalid or has expired");
        assert!(is_ambiguous(&all[0]) && all.len() >= 2, "{all:?}");
        assert!(classify_text("").is_empty());
        assert!(classify_text("all good").is_empty());
    }

    #[test]
    fn long_texts_are_cut_on_a_character_boundary() {
        let mut long = "é".repeat(MAX_TEXT_BYTES);
        long.push_str(" jwt expired");
        assert_eq!(head(&long).len() % 2, 0);
        assert!(head(&long).len() <= MAX_TEXT_BYTES);
        assert_eq!(classify_statement(None, Some(&long)), None);
        let early = format!("jwt expired {}", "x".repeat(10 * MAX_TEXT_BYTES));
        assert_eq!(names(&early).0, Cause::ExpiredToken);
    }

    #[test]
    fn cause_sets() {
        let set = CauseSet::of(&[Cause::ClockSkew, Cause::ExpiredToken]);
        assert_eq!(set.len(), 2);
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![Cause::ExpiredToken, Cause::ClockSkew]
        );
        assert_eq!(format!("{set:?}"), r#"{"expired_token", "clock_skew"}"#);
        assert!(
            set.without(Cause::ExpiredToken)
                .without(Cause::ClockSkew)
                .is_empty()
        );
        assert_eq!(set.single(), None);
        assert_eq!(Verdict::TimeRange.candidates(), set);
    }
}
