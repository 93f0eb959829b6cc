//! `tarjama diff DIR vA vB`: rows added, removed and changed between two versions.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::diff;
use crate::error::Result;
use crate::version::Version;

/// Row-level differences between two versions, table by table.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset folder.
    dir: PathBuf,
    /// The older version (v0001, 1, or latest).
    from: String,
    /// The newer version.
    to: String,
    /// Only the counts per table, not every row.
    #[arg(long)]
    summary: bool,
    /// Print JSON: {"from", "to", "tables", "changes"}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let from = Version::named(&args.dir, &args.from)?;
    let to = Version::named(&args.dir, &args.to)?;
    let diff = diff::diff(&from, &to, args.summary)?;
    if args.json {
        super::emit_json(&diff)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for change in &diff.changes {
        let mark = match change.change {
            "added" => '+',
            "removed" => '-',
            _ => '~',
        };
        write!(out, "{mark} {} {}", change.table, change.id).expect("infallible");
        if !change.fields.is_empty() {
            write!(out, " ({})", change.fields.join(", ")).expect("infallible");
        }
        out.push('\n');
    }
    writeln!(out, "{} → {}", diff.from, diff.to).expect("infallible");
    for t in &diff.tables {
        writeln!(
            out,
            "  {:<13} added {:>7}  removed {:>7}  changed {:>7}  unchanged {:>7}",
            t.table, t.added, t.removed, t.changed, t.unchanged
        )
        .expect("infallible");
    }
    super::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
