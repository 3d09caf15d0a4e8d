//! The command line resolved into what a run needs: formats, threads, terminal decisions.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{AnalyzeArgs, InputFormatArg, OutputFormatArg};
use crate::diagnose::Context;
use crate::parse::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Everything a run needs, decided once.
#[derive(Debug, Clone)]
pub struct Config {
    pub inputs: Vec<String>,
    /// `None` detects each source's format by content.
    pub input_format: Option<Format>,
    pub output_format: OutputFormat,
    pub output: Option<PathBuf>,
    pub threads: usize,
    /// Show a progress bar (stderr is a terminal, not quiet, not `--no-progress`).
    pub progress: bool,
    /// Print warnings and notes to stderr.
    pub warnings: bool,
    pub context: Context,
}

impl Config {
    pub fn from_args(args: AnalyzeArgs) -> anyhow::Result<Config> {
        let threads = match args.threads {
            Some(0) => anyhow::bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let input_format = match args.input_format {
            InputFormatArg::Auto => None,
            InputFormatArg::Har => Some(Format::Har),
            InputFormatArg::Curl => Some(Format::Curl),
            InputFormatArg::Http => Some(Format::Http),
            InputFormatArg::Jsonl => Some(Format::Jsonl),
        };
        let output_format = match args.format {
            OutputFormatArg::Text => OutputFormat::Text,
            OutputFormatArg::Json => OutputFormat::Json,
        };
        Ok(Config {
            inputs: args.inputs,
            input_format,
            output_format,
            output: args.output,
            threads,
            progress: !args.quiet && !args.no_progress && std::io::stderr().is_terminal(),
            warnings: !args.quiet,
            context: Context::default(),
        })
    }
}
