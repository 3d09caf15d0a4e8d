//! The reference time of a 401 and the leeway band claims are judged in.
//!
//! The reference is the first of: (1) a current time the server states in its own message;
//! (2) the response `Date`; (3) a server log timestamp (then a `timestamp` the server wrote in
//! its error body); (4) the client's time of the request, with a date and an offset; (5)
//! `--at`. Never the wall clock of the analysis.

use std::sync::LazyLock;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use regex::Regex;

use super::statement::{Source, Statement};
use why401_model::exchange::{ClientTime, Exchange, ServerTimeSource};
use why401_model::finding::Confidence;
use why401_model::time::{format_seconds, parse_http_date, parse_iso};

/// Where the reference time came from, in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefSource {
    /// The server's own "current time" in a message (the statement's place).
    ServerStatement(String),
    /// The response `Date` header.
    DateHeader,
    /// A timestamp the server or gateway wrote in its log.
    ServerLog,
    /// A `timestamp` field of the server's error body.
    BodyTimestamp(String),
    /// The client's time of the request (HAR `startedDateTime`, a dated log line).
    ClientTime,
    /// `--at TIME`.
    At,
}

impl RefSource {
    /// Words for evidence: "the server's Date", "the client's time".
    pub fn describe(&self) -> String {
        match self {
            RefSource::ServerStatement(place) => format!("the server's stated time ({place})"),
            RefSource::DateHeader => "the server's Date".into(),
            RefSource::ServerLog => "the server's log time".into(),
            RefSource::BodyTimestamp(field) => format!("the server's body {field}"),
            RefSource::ClientTime => "the client's time".into(),
            RefSource::At => "the --at time".into(),
        }
    }

    /// Whether this is the server's clock (the clock that judged the credential).
    pub fn is_server_clock(&self) -> bool {
        !matches!(self, RefSource::ClientTime | RefSource::At)
    }
}

/// The time a 401's claims are judged against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceTime {
    pub at: DateTime<Utc>,
    pub source: RefSource,
    /// The timestamp had no offset and was read as UTC (say so in a note).
    pub assumed_utc: bool,
}

impl ReferenceTime {
    /// The highest confidence a time verdict against this reference can have: medium when
    /// it is not the server's clock (client time, `--at`).
    pub fn max_confidence(&self) -> Confidence {
        if self.source.is_server_clock() {
            Confidence::High
        } else {
            Confidence::Medium
        }
    }
}

/// Picks the reference time of an exchange. `statements` are the exchange's statements
/// (for a stated current time); `at` is `--at`.
pub fn reference_time(
    exchange: &Exchange,
    statements: &[Statement],
    at: Option<DateTime<Utc>>,
) -> Option<ReferenceTime> {
    stated(statements)
        .or_else(|| date_header(exchange))
        .or_else(|| log_time(exchange))
        .or_else(|| body_timestamp(exchange))
        .or_else(|| client_time(exchange))
        .or_else(|| {
            at.map(|at| ReferenceTime {
                at,
                source: RefSource::At,
                assumed_utc: false,
            })
        })
}

fn stated(statements: &[Statement]) -> Option<ReferenceTime> {
    statements.iter().find_map(|s| {
        let stamp = stated_current_time(&s.text)?;
        Some(ReferenceTime {
            at: stamp.at,
            source: RefSource::ServerStatement(s.place()),
            assumed_utc: stamp.assumed_utc,
        })
    })
}

fn date_header(exchange: &Exchange) -> Option<ReferenceTime> {
    let from_model = exchange
        .server_time
        .filter(|t| t.source == ServerTimeSource::DateHeader)
        .map(|t| t.at);
    let from_header = || {
        exchange
            .response
            .as_ref()
            .and_then(|r| r.headers.get("date"))
            .and_then(parse_http_date)
    };
    from_model.or_else(from_header).map(|at| ReferenceTime {
        at,
        source: RefSource::DateHeader,
        assumed_utc: false,
    })
}

fn log_time(exchange: &Exchange) -> Option<ReferenceTime> {
    exchange
        .server_time
        .filter(|t| t.source == ServerTimeSource::LogTimestamp)
        .map(|t| ReferenceTime {
            at: t.at,
            source: RefSource::ServerLog,
            assumed_utc: t.assumed_utc,
        })
}

/// `"timestamp": "2024-03-08T14:23:45Z"` in the error body (the reference API, Spring Boot,
/// Entra ID).
fn body_timestamp(exchange: &Exchange) -> Option<ReferenceTime> {
    let body = exchange.response.as_ref()?.body.as_ref()?;
    let trimmed = body.text.trim();
    if !trimmed.starts_with('{') {
        return None;
    }
    let doc: serde_json::Value = serde_json::from_str(trimmed).ok()?;
    ["timestamp", "time"].iter().find_map(|field| {
        let text = doc.get(*field)?.as_str()?;
        let stamp = parse_loose(text)?;
        Some(ReferenceTime {
            at: stamp.at,
            source: RefSource::BodyTimestamp((*field).to_owned()),
            assumed_utc: stamp.assumed_utc,
        })
    })
}

fn client_time(exchange: &Exchange) -> Option<ReferenceTime> {
    match exchange.client_time? {
        ClientTime::Instant(at) => Some(ReferenceTime {
            at,
            source: RefSource::ClientTime,
            assumed_utc: false,
        }),
        // A time of day alone orders events but is never compared with a date.
        ClientTime::TimeOfDay(_) => None,
    }
}

/// Server clock minus client clock in seconds, when both are known with a date: rule 8's
/// client-clock test needs it. `None` unless `reference` is a
/// server clock and the client time has a date and an offset.
pub fn client_offset_seconds(exchange: &Exchange, reference: &ReferenceTime) -> Option<i64> {
    if !reference.source.is_server_clock() {
        return None;
    }
    let client = exchange.client_time?.instant()?;
    Some((reference.at - client).num_seconds())
}

// --- The leeway band -----------------------------------------------------------------------

/// Where a claim time lies against the reference ± leeway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// `t ≤ reference − leeway`: clearly before.
    Before,
    /// Within the leeway: decides nothing.
    Inside,
    /// `t > reference + leeway`: clearly after.
    After,
}

pub fn band(t: DateTime<Utc>, reference: DateTime<Utc>, leeway: i64) -> Band {
    let (low, high) = window(reference, leeway);
    if t <= low {
        Band::Before
    } else if t > high {
        Band::After
    } else {
        Band::Inside
    }
}

/// `Some(true)` when `exp ≤ reference − leeway`, `Some(false)` when clearly not passed,
/// `None` inside the band.
pub fn exp_passed(exp: DateTime<Utc>, reference: DateTime<Utc>, leeway: i64) -> Option<bool> {
    match band(exp, reference, leeway) {
        Band::Before => Some(true),
        Band::After => Some(false),
        Band::Inside => None,
    }
}

/// `Some(true)` when `nbf`/`iat` `> reference + leeway`, `Some(false)` when clearly not,
/// `None` inside the band.
pub fn in_future(t: DateTime<Utc>, reference: DateTime<Utc>, leeway: i64) -> Option<bool> {
    match band(t, reference, leeway) {
        Band::After => Some(true),
        Band::Before => Some(false),
        Band::Inside => None,
    }
}

/// `reference ± leeway`, the leeway clamped to 0..=10 years and the ends to chrono's range,
/// so no input can overflow.
fn window(reference: DateTime<Utc>, leeway: i64) -> (DateTime<Utc>, DateTime<Utc>) {
    let leeway = Duration::seconds(leeway.clamp(0, MAX_LEEWAY));
    let low = reference
        .checked_sub_signed(leeway)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let high = reference
        .checked_add_signed(leeway)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    (low, high)
}

/// Ten years: any larger leeway is treated as this.
const MAX_LEEWAY: i64 = 10 * 365 * 86_400;

/// One claim time judged against the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeCheck {
    /// `exp`, `nbf` or `iat`.
    pub claim: &'static str,
    pub at: DateTime<Utc>,
    pub band: Band,
    /// `at − reference` in seconds (negative: before).
    pub delta_seconds: i64,
}

impl TimeCheck {
    /// The sentence the evidence quotes: "exp 2024-03-08T14:05:12Z is 18m33s before the
    /// server's Date 2024-03-08T14:23:45Z", "... within the 60s leeway of ... (decides
    /// nothing)".
    pub fn describe(&self, reference: &ReferenceTime, leeway: i64) -> String {
        let claim = format!("{} {}", self.claim, format_seconds(&self.at));
        let reference_text = format!(
            "{} {}",
            reference.source.describe(),
            format_seconds(&reference.at)
        );
        let distance = format_duration(self.delta_seconds.abs());
        match self.band {
            Band::Inside => format!(
                "{claim} is within the {leeway}s leeway of {reference_text} (decides nothing)"
            ),
            Band::Before => format!("{claim} is {distance} before {reference_text}"),
            Band::After => format!("{claim} is {distance} after {reference_text}"),
        }
    }
}

/// The time claims of a JWT judged against the reference.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClaimTimes {
    pub exp: Option<TimeCheck>,
    pub nbf: Option<TimeCheck>,
    pub iat: Option<TimeCheck>,
}

impl ClaimTimes {
    /// `exp ≤ reference − leeway`.
    pub fn expired(&self) -> bool {
        self.exp.as_ref().is_some_and(|c| c.band == Band::Before)
    }

    /// `nbf > reference + leeway`.
    pub fn nbf_in_future(&self) -> bool {
        self.nbf.as_ref().is_some_and(|c| c.band == Band::After)
    }

    /// `iat > reference + leeway`.
    pub fn iat_in_future(&self) -> bool {
        self.iat.as_ref().is_some_and(|c| c.band == Band::After)
    }

    /// Checks that fell inside the leeway band (the evidence says they decided nothing).
    pub fn undecided(&self) -> Vec<&TimeCheck> {
        [&self.exp, &self.nbf, &self.iat]
            .into_iter()
            .flatten()
            .filter(|c| c.band == Band::Inside)
            .collect()
    }
}

/// Judges `exp`, `nbf` and `iat` against the reference with the leeway.
pub fn check_claims(
    exp: Option<DateTime<Utc>>,
    nbf: Option<DateTime<Utc>>,
    iat: Option<DateTime<Utc>>,
    reference: DateTime<Utc>,
    leeway: i64,
) -> ClaimTimes {
    let check = |claim: &'static str, at: Option<DateTime<Utc>>| {
        at.map(|at| TimeCheck {
            claim,
            at,
            band: band(at, reference, leeway),
            delta_seconds: (at - reference).num_seconds(),
        })
    };
    ClaimTimes {
        exp: check("exp", exp),
        nbf: check("nbf", nbf),
        iat: check("iat", iat),
    }
}

pub use why401_model::time::format_duration;

// --- Times servers state in their messages ---------------------------------------------------

/// A time read from a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stated {
    pub at: DateTime<Utc>,
    /// No offset in the text (and no "(UTC)" label): read as UTC.
    pub assumed_utc: bool,
}

/// One time value after a marker: quoted up to the quote, else up to `,` `;` `. ` or the end.
const VALUE: &str = r"\s*'?(?P<t>[^',;\r\n]+?)'?(?:[,;'\r\n]|\.\s|\.?\s*$)";

/// The wordings before a stated time, as data: kind, pattern, example, source.
const MARKERS: &str = include_str!("reftime/stated_times.tsv");

/// The rows of `stated_times.tsv`: (kind, pattern, example, source).
fn marker_rows() -> impl Iterator<Item = [&'static str; 4]> {
    MARKERS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| match l.split('\t').collect::<Vec<_>>()[..] {
            [kind, pattern, example, source] => Some([kind, pattern, example, source]),
            _ => None,
        })
}

/// One regex for every marker of a kind, followed by the time value.
fn marker(kind: &str) -> Regex {
    let patterns: Vec<&str> = marker_rows()
        .filter(|[k, ..]| *k == kind)
        .map(|[_, pattern, ..]| pattern)
        .collect();
    let words = patterns.join("|");
    // The table is embedded; a test builds every kind's regex and reads every row's example.
    Regex::new(&format!("(?i)(?:{words}){VALUE}")).expect("a constant pattern") // ok: embedded table, compiled by a test
}

static CURRENT: LazyLock<Regex> = LazyLock::new(|| marker("current"));
static SERVER_TIME_XML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)<ServerTime>\s*([^<]+?)\s*</ServerTime>").expect("a literal pattern") // ok: literal
});
/// SigV4: `X is now earlier than Y (Z - 5 min.)` and `X is still later than Y (Z + 5 min.)`:
/// Z is the server's current time.
static SIGV4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)is (?:now earlier|still later) than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) [-+] \d+ min",
    )
    .expect("a literal pattern") // ok: literal
});
static VALID_FROM: LazyLock<Regex> = LazyLock::new(|| marker("valid_from"));
static EXPIRY: LazyLock<Regex> = LazyLock::new(|| marker("expiry"));

/// The server's current time stated in a message: `Current time: ...` (JJWT, Entra ID),
/// IdentityModel `Current time (UTC): '...'`, SigV4 `... is now earlier than ... (Z - 5
/// min.)`, S3 `<ServerTime>`.
pub fn stated_current_time(text: &str) -> Option<Stated> {
    if let Some(c) = SIGV4.captures(text) {
        return parse_loose(&c[1]);
    }
    if let Some(c) = SERVER_TIME_XML.captures(text) {
        return parse_loose(&c[1]);
    }
    capture(&CURRENT, text)
}

fn capture(re: &Regex, text: &str) -> Option<Stated> {
    let caps = re.captures(text)?;
    let mut stated = parse_loose(caps.name("t")?.as_str())?;
    if caps.name("utc").is_some() {
        stated.assumed_utc = false;
    }
    Some(stated)
}

/// A statement carrying its own times: the server's current time and the credential's
/// validity (Entra ID AADSTS700024/500133, IdentityModel IDX10222/IDX10223, JJWT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub current: DateTime<Utc>,
    pub valid_from: Option<DateTime<Utc>>,
    pub expiry: Option<DateTime<Utc>>,
    pub assumed_utc: bool,
}

/// What a validity statement decides with the leeway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidityVerdict {
    /// Valid-from later than the stated time + leeway: `clock_skew`.
    NotYetValid { by_seconds: i64 },
    /// Expiry earlier than the stated time − leeway: `expired_token`.
    Expired { by_seconds: i64 },
}

impl Validity {
    /// The verdict, or `None` inside the band (it decides nothing).
    pub fn verdict(&self, leeway: i64) -> Option<ValidityVerdict> {
        let (low, high) = window(self.current, leeway);
        if let Some(from) = self.valid_from
            && from > high
        {
            let by_seconds = (from - self.current).num_seconds();
            return Some(ValidityVerdict::NotYetValid { by_seconds });
        }
        if let Some(expiry) = self.expiry
            && expiry < low
        {
            let by_seconds = (self.current - expiry).num_seconds();
            return Some(ValidityVerdict::Expired { by_seconds });
        }
        None
    }
}

/// Reads a statement that gives the server's current time and a validity time.
pub fn validity_statement(text: &str) -> Option<Validity> {
    let current = capture(&CURRENT, text)?;
    let valid_from = capture(&VALID_FROM, text);
    let expiry = capture(&EXPIRY, text);
    if valid_from.is_none() && expiry.is_none() {
        return None;
    }
    let assumed_utc = current.assumed_utc
        || valid_from.is_some_and(|s| s.assumed_utc)
        || expiry.is_some_and(|s| s.assumed_utc);
    Some(Validity {
        current: current.at,
        valid_from: valid_from.map(|s| s.at),
        expiry: expiry.map(|s| s.at),
        assumed_utc,
    })
}

/// The first validity statement among the statements (server-said ones only).
pub fn find_validity(statements: &[Statement]) -> Option<(Validity, String)> {
    statements
        .iter()
        .filter(|s| matches!(s.source, Source::Challenge | Source::Body | Source::Log))
        .find_map(|s| validity_statement(&s.text).map(|v| (v, s.place())))
}

/// Times as servers write them in messages: RFC 3339 (any fraction, `Z`, space separator),
/// SigV4 `20160610T180547Z`, IdentityModel `MM/dd/yyyy HH:mm:ss` and `M/d/yyyy h:mm:ss tt`,
/// HTTP dates. Without an offset the time is UTC (`assumed_utc`).
pub fn parse_loose(text: &str) -> Option<Stated> {
    let text = text.trim().trim_end_matches('.');
    let with_offset = |at| Stated {
        at,
        assumed_utc: false,
    };
    if let Some(stamp) = parse_iso(text) {
        return Some(Stated {
            at: stamp.at,
            assumed_utc: !stamp.had_offset,
        });
    }
    if let Some(stripped) = text.strip_suffix('Z')
        && let Some(stamp) = parse_iso(stripped)
    {
        return Some(with_offset(stamp.at));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%SZ") {
        return Some(with_offset(Utc.from_utc_datetime(&t)));
    }
    if let Some(at) = parse_http_date(text) {
        return Some(with_offset(at));
    }
    ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(text, fmt).ok())
        .map(|t| Stated {
            at: Utc.from_utc_datetime(&t),
            assumed_utc: true,
        })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod marker_table_tests {
    use super::*;

    #[test]
    fn every_row_of_the_marker_table_reads_a_time_from_its_example() {
        let lines = MARKERS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(marker_rows().count(), lines, "a row without four columns");
        for [kind, pattern, example, source] in marker_rows() {
            assert!(!source.trim().is_empty(), "{pattern}: no source");
            let re = match kind {
                "current" => &CURRENT,
                "valid_from" => &VALID_FROM,
                "expiry" => &EXPIRY,
                other => panic!("{pattern}: unknown kind {other}"),
            };
            let alone = Regex::new(&format!("(?i){pattern}{VALUE}")).expect("row pattern");
            assert!(
                alone.is_match(example),
                "{pattern} does not match {example:?}"
            );
            assert!(
                capture(re, example).is_some(),
                "{kind}: no time in {example:?}"
            );
        }
    }
}
