//! The command line as typed (clap), before it is resolved into a [`crate::config::Config`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit status:
  0  analysis complete, no 401 found
  1  analysis complete, at least one 401 found (with --fail-on: one of those causes)
  2  usage error, or an input that could not be read as a whole
     (a bad record inside a readable input is listed in the report, not an error)

Examples:
  why401 analyze session.har
  curl -v https://api.example.com/v2/devices 2>&1 | why401 analyze -
  why401 analyze -f json logs/ | jq '.summary'
  why401 analyze --profile samples/profile.toml samples/";

/// Explains why API calls came back 401 Unauthorized.
///
/// why401 reads HAR files, curl -v / --trace-ascii transcripts, raw HTTP pasted into tickets
/// and JSON log lines, finds every 401 and tells you its root cause with the evidence behind
/// it. It never opens a network connection and never prints a full token or secret.
#[derive(Debug, Parser)]
#[command(name = "why401", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read captures and logs, and explain every 401 in them.
    #[command(after_help = AFTER_HELP)]
    Analyze(Box<AnalyzeArgs>),
    /// Inspect one token: kind, fingerprint, JWT header and claims, times, signature, problems.
    #[command(after_help = TOKEN_AFTER_HELP)]
    Token(TokenArgs),
}

const TOKEN_AFTER_HELP: &str = "\
Exit status:
  0  no problem found
  1  a problem found (expired, not yet valid, damaged, placeholder, wrong environment,
     unsigned, signature invalid, scope missing)
  2  usage error

Examples:
  pbpaste | why401 token
  why401 token --jwks keys/jwks.json < token.txt
  why401 token --profile samples/profile.toml --url https://api.example.com/v2/devices -";

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The token, with or without its scheme (`Bearer …`) or header name (`Authorization: …`).
    /// Without it (or with `-`) the token is read from stdin, which keeps it out of the
    /// shell's history.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,

    /// The request the token was sent with, to check the endpoint's scopes and the host's
    /// environment from the profile.
    ///
    /// Example: --url https://api.example.com/v2/devices
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// The request's method, for the profile's scope rules.
    ///
    /// Example: --method POST
    #[arg(long, value_name = "METHOD", default_value = "GET")]
    pub method: String,

    #[command(flatten)]
    pub evidence: EvidenceArgs,

    /// Output: `text` for people, `json` for scripts.
    ///
    /// Example: -f json
    #[arg(short = 'f', long = "format", value_enum, default_value_t = TokenFormatArg::Text)]
    pub format: TokenFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenFormatArg {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Files, folders (walked recursively) or `-` for stdin. `.gz`, `.tar`, `.tar.gz` and
    /// `.zip` are read inside, never extracted to disk.
    ///
    /// Example: why401 analyze ticket-4711/ capture.har.gz -
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// How to read the inputs. `auto` decides by content (the extension is only a hint);
    /// with folders the choice applies to every file.
    ///
    /// Example: --input-format curl
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto, value_name = "FORMAT")]
    pub input_format: InputFormatArg,

    /// Do not read text that matches no capture format as ticket text (pasted exceptions,
    /// tool errors, dumps, log lines); list it as not a capture instead.
    ///
    /// Example: --no-ticket
    #[arg(long)]
    pub no_ticket: bool,

    /// Report format written to stdout (or to --output).
    ///
    /// Example: -f json
    #[arg(short = 'f', long = "format", value_enum, default_value_t = OutputFormatArg::Text)]
    pub format: OutputFormatArg,

    /// Write the report to FILE instead of stdout.
    ///
    /// Example: -o report.json
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Number of threads for reading inputs (default: one per core). The report is the same
    /// whatever the number.
    ///
    /// Example: -j 4
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,

    /// Never show a progress bar (it only shows when stderr is a terminal anyway).
    ///
    /// Example: why401 analyze --no-progress logs/
    #[arg(long)]
    pub no_progress: bool,

    /// No progress and no warnings on stderr; the report is still written.
    ///
    /// Example: why401 analyze -q -f json logs/ > report.json
    #[arg(short = 'q', long)]
    pub quiet: bool,

    #[command(flatten)]
    pub evidence: EvidenceArgs,

    /// When to colour the terminal report: `auto` colours when stdout is a terminal and
    /// NO_COLOR is not set.
    ///
    /// Example: --color never
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// List every finding with its evidence, numbered #1, #2, ... (text format).
    ///
    /// Example: why401 analyze -v session.har
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// Show finding #N (as -v numbers them) with everything known about it.
    ///
    /// Example: --explain 3
    #[arg(long, value_name = "N")]
    pub explain: Option<usize>,

    /// At most N findings are listed one by one in the text and Markdown reports; counts
    /// and groups still include every finding.
    ///
    /// Example: --max-detail 500
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_detail: usize,

    /// Also write counts per cause and per host as CSV to FILE.
    ///
    /// Example: --summary-csv counts.csv
    #[arg(long, value_name = "FILE")]
    pub summary_csv: Option<PathBuf>,

    /// Show only findings of these causes (comma-separated ids). The summary still counts
    /// every 401.
    ///
    /// Example: --cause expired_token,clock_skew
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub cause: Vec<String>,

    /// Show only findings whose host matches PATTERN (`*` is a wildcard).
    ///
    /// Example: --host '*.example.com'
    #[arg(long, value_name = "PATTERN")]
    pub host: Option<String>,

    /// Show only findings at or after TIME (RFC 3339, or a date alone: from its 00:00Z).
    ///
    /// Example: --since 2024-03-08T14:00:00Z
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Show only findings at or before TIME (RFC 3339, or a date alone: to its end, UTC).
    ///
    /// Example: --until 2024-03-08T15:00:00Z
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,

    /// Also report 403 responses that carry an authentication signal (insufficient_scope,
    /// audience or scope texts). They never count as unauthorized.
    ///
    /// Example: why401 analyze --include-403 session.har
    #[arg(long = "include-403")]
    pub include_403: bool,

    /// Print the identity claim (`sub`) of tokens. Reports leave it out by default: it names
    /// a person or a client.
    ///
    /// Example: why401 analyze --show-identity session.har
    #[arg(long)]
    pub show_identity: bool,

    /// Exit 1 only when a 401 of one of these causes is found (comma-separated ids).
    ///
    /// Example: --fail-on expired_token,revoked_credentials
    #[arg(long, value_name = "CAUSES", value_delimiter = ',')]
    pub fail_on: Vec<String>,

    /// Largest decompressed size of one archive member or .gz stream, in bytes (K, M, G
    /// suffixes allowed). Default 4G.
    ///
    /// Example: --max-member-size 512M
    #[arg(long, value_name = "SIZE")]
    pub max_member_size: Option<String>,

    /// Largest total an archive may expand to (for a zip: its size, read in memory), in
    /// bytes (K, M, G suffixes allowed). Default 16G.
    ///
    /// Example: --max-archive-size 2G
    #[arg(long, value_name = "SIZE")]
    pub max_archive_size: Option<String>,

    /// How deep archives may nest inside archives; a member nested deeper is an error for
    /// it (exit 2). Default 8.
    ///
    /// Example: --max-archive-depth 3
    #[arg(long, value_name = "N")]
    pub max_archive_depth: Option<usize>,

    /// How deep a HAR document may nest JSON; deeper nesting stops that input (exit 2).
    /// Default 512.
    ///
    /// Example: --max-json-depth 128
    #[arg(long, value_name = "N")]
    pub max_json_depth: Option<usize>,

    /// Longest line of a line-oriented input (JSON lines, curl transcripts, raw HTTP, ticket
    /// text), in bytes (K, M, G suffixes allowed); a longer line is one record error and
    /// reading resumes at the next line. Default 64M for JSON lines, 4M for the others.
    ///
    /// Example: --max-line 1M
    #[arg(long, value_name = "SIZE")]
    pub max_line: Option<String>,

    /// Findings of one input held in memory before the rest wait in a temporary file.
    /// Default 2000.
    ///
    /// Example: --max-findings-in-memory 500
    #[arg(long, value_name = "N")]
    pub max_findings_in_memory: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    Auto,
    Har,
    Curl,
    Http,
    Jsonl,
    /// Ticket text: exceptions, tool errors, dumps, log lines, fragments.
    Ticket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormatArg {
    /// A summary for people (the default).
    Text,
    /// The why401/report/v1 document.
    Json,
    /// One JSON object per line: inputs, findings, then the summary.
    Jsonl,
    /// One row per finding, for spreadsheets.
    Csv,
    /// A report to paste into a ticket.
    Markdown,
}

/// What judging a credential depends on besides the capture: the profile, keys, a clock and
/// its tolerance. Shared by every command that judges credentials.
#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// The customer's API profile (TOML): environments, scopes per endpoint, keys.
    ///
    /// Example: --profile samples/profile.toml
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,

    /// A JWKS file of keys to verify the signature with (no network is ever used).
    ///
    /// Example: --jwks keys/jwks.json
    #[arg(long, value_name = "FILE")]
    pub jwks: Option<PathBuf>,

    /// A PEM public key, or a file holding an HMAC shared secret, to verify the signature.
    ///
    /// Example: --key keys/public.pem
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,

    /// The time to judge exp/nbf/iat against (RFC 3339); default: this machine's clock now.
    ///
    /// Example: --at 2024-03-08T14:23:45Z
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,

    /// Seconds of clock tolerance when judging exp/nbf/iat (default 60, or the profile's).
    ///
    /// Example: --leeway 120
    #[arg(long, value_name = "SECONDS")]
    pub leeway: Option<u64>,
}
