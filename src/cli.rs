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
/// it. It never connects out (`serve` only listens) and never prints a full token or secret.
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
    /// Merge partial reports (`analyze --partial`) from many runs or machines into one report.
    ///
    /// The INPUTs are why401/partial/v1 streams (files or `-`). The report is the one
    /// `analyze` would write over all the inputs the partials came from, whatever the split
    /// and the order. The report options apply; the reading options (--input-format,
    /// --profile, --jwks...) have no effect: the partials hold the judgements.
    #[command(after_help = MERGE_AFTER_HELP)]
    Merge(Box<AnalyzeArgs>),
    /// Start a local web page to drop captures on and read their report in a browser.
    #[command(after_help = SERVE_AFTER_HELP)]
    Serve(ServeArgs),
    /// Write a copy of a capture with every secret replaced by a marker that keeps its
    /// diagnosis (header, scheme, kind, fingerprint, defects), in the same format and shape.
    #[command(after_help = SANITIZE_AFTER_HELP)]
    Sanitize(SanitizeArgs),
}

const SANITIZE_AFTER_HELP: &str = "\
Exit status:
  0  the sanitized copy was written (a summary of what was replaced is on stderr)
  2  usage error, or an input that could not be read or written

Examples:
  why401 sanitize session.har -o session.safe.har
  pbpaste | why401 sanitize - | pbcopy
  why401 sanitize ticket-4711/ -o ticket-4711-safe/
  why401 sanitize logs.tar.gz -o logs.safe.tar.gz";

#[derive(Debug, Args)]
pub struct SanitizeArgs {
    /// A file, folder, `.gz`, `.tar`, `.tar.gz` or `.zip`, or `-` for stdin.
    #[arg(value_name = "INPUT")]
    pub input: String,

    /// Where to write the copy (default stdout; a folder needs it). Never the input, never
    /// inside the input folder.
    ///
    /// Example: -o session.safe.har
    #[arg(short = 'o', long, value_name = "OUTPUT")]
    pub output: Option<PathBuf>,

    /// Also replace Basic user names, and drop bodies (a 4xx keeps `error`,
    /// `error_description`, `message`), e-mail and IP addresses and a JWT's identity claims.
    ///
    /// Example: --strict
    #[arg(long)]
    pub strict: bool,

    /// How to read the input, as for `analyze` (default: decided by content).
    ///
    /// Example: --input-format curl
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto, value_name = "FORMAT")]
    pub input_format: InputFormatArg,
}

const SERVE_AFTER_HELP: &str = "\
Security: listens on localhost only unless --listen names another address, which needs
--token. Requests must name the server (its address or an --allow-host name); uploads are
accepted from the page's own origin only; uploads are deleted when their analysis ends.

Examples:
  why401 serve
  why401 serve --profile samples/profile.toml --listen 127.0.0.1:9000
  why401 serve --listen 0.0.0.0:8401 --token /etc/why401/token --allow-host why401.example.com";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Any address but a loopback one needs --token.
    ///
    /// Example: --listen 127.0.0.1:9000
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8401")]
    pub listen: String,

    /// A file holding the shared secret (16 characters or more) the page asks for once and
    /// keeps in a cookie. Required to listen on anything but localhost.
    ///
    /// Example: --token /etc/why401/token
    #[arg(long, value_name = "FILE")]
    pub token: Option<PathBuf>,

    /// Another name requests may give as their Host (the name a reverse proxy serves).
    ///
    /// Example: --allow-host why401.example.com
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,

    /// Largest upload of one analysis, in bytes (K, M, G suffixes allowed).
    ///
    /// Example: --max-upload 2G
    #[arg(long, value_name = "SIZE", default_value = "1G")]
    pub max_upload: String,

    /// Analyses that may run at once; more are asked to wait.
    ///
    /// Example: --max-analyses 4
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub max_analyses: usize,

    #[command(flatten)]
    pub evidence: EvidenceArgs,
}

const MERGE_AFTER_HELP: &str = "\
Exit status: as analyze (with --partial: 0, or 2 for a usage error or a malformed partial)

Examples:
  why401 analyze --partial logs/2024-03-0[1-4]/ > a.partial
  why401 analyze --partial logs/2024-03-0[5-9]/ > b.partial
  why401 merge a.partial b.partial -f markdown
  cat *.partial | why401 merge --partial - > all.partial";

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
    #[arg(required_unless_present = "files_from", value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Also read the inputs listed in FILE, one path per line (`-`: the list on stdin).
    ///
    /// Example: find /archive -name '*.gz' | why401 analyze --partial --files-from -
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<String>,

    /// The source name stdin's input gets in reports (instead of `-`).
    ///
    /// Example: curl -s https://store/x.jsonl | why401 analyze --name x.jsonl -
    #[arg(long, value_name = "LABEL")]
    pub name: Option<String>,

    /// Give up on an input not read and judged within DURATION (`30s`, `5m`, `1h`; default:
    /// no limit): it becomes an error for that input (a failed record with --partial) and the
    /// other inputs are still read, so a hung pipe or mount cannot stall the run.
    ///
    /// Example: why401 analyze --partial --input-timeout 5m --files-from batch.txt
    #[arg(long, value_name = "DURATION")]
    pub input_timeout: Option<String>,

    /// Write a why401/partial/v1 record per input (JSON lines) for `why401 merge`, instead of
    /// a report. An input that cannot be read is a record, not an error: the exit status is 0,
    /// or 2 for a usage error.
    ///
    /// Example: why401 analyze --partial logs/ > logs.partial
    #[arg(long)]
    pub partial: bool,

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

    /// How deep a HAR document may nest JSON; deeper nesting stops that input (exit 2). A
    /// JSON-lines record nested deeper is one record error. Default 512.
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

    /// Bytes kept of each request and response body as evidence (K, M, G suffixes
    /// allowed); the rest is dropped. Default 64K.
    ///
    /// Example: --max-body-excerpt 16K
    #[arg(long, value_name = "SIZE")]
    pub max_body_excerpt: Option<String>,

    /// Bytes of header names and values kept of each message in a text input (curl, raw
    /// HTTP, ticket text), in bytes (K, M, G suffixes allowed); headers past it are
    /// dropped. Default 1M.
    ///
    /// Example: --max-header-bytes 64K
    #[arg(long, value_name = "SIZE")]
    pub max_header_bytes: Option<String>,

    /// Credentials one input's history remembers (for earlier successes, issued tokens,
    /// timelines); the least recently used are dropped past it. Default 100000.
    ///
    /// Example: --max-credentials-tracked 10000
    #[arg(long, value_name = "N")]
    pub max_credentials_tracked: Option<usize>,
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
    /// One self-contained page (no network access when opened) to attach to a ticket.
    Html,
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
