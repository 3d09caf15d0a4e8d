//! The why401 binary: parse the command line, run, turn the outcome into an exit status.

use std::io;
use std::process::ExitCode;

use clap::Parser;

use why401::cli::{Cli, Command};
use why401::config::Config;

/// See the `mimalloc` dependency in Cargo.toml for why.
#[cfg(not(target_env = "musl"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => Config::from_args(*args)
            .and_then(|config| why401::run(&config))
            .map(|outcome| outcome.code()),
        Command::Token(args) => why401::token::run(&args),
        Command::Merge(args) => Config::from_args(*args)
            .and_then(|config| why401::partial::merge(&config))
            .map(|outcome| outcome.code()),
        Command::Serve(args) => why401::serve::run(&args),
        Command::Sanitize(args) => why401::sanitize::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::from(0),
        Err(err) => {
            eprintln!("why401: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
