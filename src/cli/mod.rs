//! The command line: one file per subcommand, each an `Args` struct and a
//! `run` function. Only this module prints; exit codes are 0 (ok),
//! 1 (validation findings), 2 (could not run).

mod build;
mod init;
mod log;
mod segment;
mod validate;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};

/// Turn raw Arabic news articles into versioned, hashed translation-and-annotation datasets.
#[derive(Debug, Parser)]
#[command(name = "tarjama", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(init::Args),
    Build(build::Args),
    Validate(validate::Args),
    Log(log::Args),
    Segment(segment::Args),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Build(args) => build::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Log(args) => log::run(args),
        Command::Segment(args) => segment::run(args),
    }
}

/// Writes to standard output, turning a write failure into an [`Error`].
fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("<stdout>", e))
}
