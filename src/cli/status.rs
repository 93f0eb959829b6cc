//! `tarjama status DIR`: translation progress, overall and per document.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::Result;
use crate::model::SlotStatus;
use crate::status::{self, StatusCounts};
use crate::version::Version;

/// Slots by status, overall and per document, with the share done.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset folder.
    dir: PathBuf,
    /// The version [default: the latest].
    #[arg(long, default_value = "latest")]
    version: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let version = Version::named(&args.dir, &args.version)?;
    let status = status::status(&version)?;
    if args.json {
        super::emit_json(&status)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    let header = SlotStatus::ALL
        .iter()
        .map(|s| format!("{:>9}", s.as_str()))
        .collect::<String>();
    writeln!(
        out,
        "{} {}: {} slots, {:.1}% done or reviewed, {} orphaned translations",
        version.manifest.dataset,
        status.version,
        status.overall.slots,
        100.0 * status.overall.share_finished(),
        status.orphans
    )
    .expect("infallible");
    writeln!(
        out,
        "{:<32}{:>7}{header}{:>8}",
        "document", "slots", "done%"
    )
    .expect("infallible");
    let row = |out: &mut String, name: &str, counts: &StatusCounts| {
        let cells = SlotStatus::ALL
            .iter()
            .map(|s| format!("{:>9}", counts.count(*s)))
            .collect::<String>();
        writeln!(
            out,
            "{name:<32}{:>7}{cells}{:>7.1}%",
            counts.slots,
            100.0 * counts.share_finished()
        )
        .expect("infallible");
    };
    for (doc, counts) in &status.documents {
        row(&mut out, doc, counts);
    }
    row(&mut out, "all", &status.overall);
    super::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
