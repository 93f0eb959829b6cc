//! `tarjama export parallel DIR`: aligned Arabic–English pairs.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::Result;
use crate::model::SlotStatus;
use crate::parallel::{self, PairFilter, ParallelFormat};
use crate::split::Split;
use crate::version::Version;

/// Export data in formats other tools read.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Parallel(ParallelArgs),
}

/// Aligned Arabic–English pairs of the translated slots, for MT training and translation memories.
#[derive(Debug, clap::Args)]
struct ParallelArgs {
    /// The dataset folder.
    dir: PathBuf,
    #[arg(long, value_enum)]
    format: ParallelFormat,
    /// The file to write (for moses, the stem of PATH.ar and PATH.en).
    #[arg(long, short)]
    output: PathBuf,
    /// Only slots at this status or above (empty < machine < draft < done < reviewed).
    #[arg(long, default_value = "done", value_parser = super::slots::parse_status)]
    min_status: SlotStatus,
    /// Only sentences of this training split: train, validation or test
    /// (repeatable or comma-separated) [default: every split].
    #[arg(long, value_delimiter = ',', value_parser = parse_split)]
    split: Vec<Split>,
    /// The version [default: the latest].
    #[arg(long, default_value = "latest")]
    version: String,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let Command::Parallel(args) = args.command;
    let version = Version::named(&args.dir, &args.version)?;
    let filter = PairFilter {
        min_status: args.min_status,
        splits: args.split.clone(),
    };
    let (files, pairs) = parallel::export(&version, args.format, &args.output, filter)?;
    let splits = match args.split.as_slice() {
        [] => String::new(),
        splits => {
            let names: Vec<&str> = splits.iter().map(|s| s.as_str()).collect();
            format!(", split {}", names.join(" or "))
        }
    };
    let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    super::emit(&format!(
        "exported {pairs} pairs of {} {} (status {} or above{splits}) to {}\n",
        version.manifest.dataset,
        version.name(),
        args.min_status.as_str(),
        files.join(" and ")
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn parse_split(value: &str) -> std::result::Result<Split, String> {
    Split::parse(value)
        .ok_or_else(|| format!("{value:?} is not a split; use train, validation or test"))
}
