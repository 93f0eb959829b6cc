//! The `tarjama` command: parses arguments and hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use tarjama::cli::{self, Cli};

/// See Cargo.toml for why not the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::run(Cli::parse()) {
        Ok(code) => code,
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tarjama: error: {err}");
            ExitCode::from(2)
        }
    }
}
