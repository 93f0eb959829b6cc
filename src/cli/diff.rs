//! `tarjama diff DIR vA vB`: rows added, removed and changed between two versions.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::diff::{self, RowChange};
use crate::error::{Error, Result};
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
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = |e| Error::io("<stdout>", e);
    if args.json {
        // The rows are written as they are found, before the counts.
        write!(
            out,
            "{{\n  \"from\": {},\n  \"to\": {},\n  \"changes\": [",
            super::one_line_json(from.name()),
            super::one_line_json(to.name())
        )
        .map_err(written)?;
        let mut first = true;
        let mut each = |change: RowChange| {
            let separator = if std::mem::take(&mut first) { "" } else { "," };
            write!(out, "{separator}\n    {}", super::one_line_json(&change)).map_err(written)
        };
        let diff = diff::diff(&from, &to, (!args.summary).then_some(&mut each as _))?;
        let tables = serde_json::to_string_pretty(&diff.tables)
            .expect("counts serialise")
            .replace('\n', "\n  ");
        let close_changes = if first { "]" } else { "\n  ]" };
        writeln!(out, "{close_changes},\n  \"tables\": {tables}\n}}").map_err(written)?;
    } else {
        let mut each = |change: RowChange| {
            let mark = match change.change {
                "added" => '+',
                "removed" => '-',
                _ => '~',
            };
            write!(out, "{mark} {} {}", change.table, change.id).map_err(written)?;
            if !change.fields.is_empty() {
                write!(out, " ({})", change.fields.join(", ")).map_err(written)?;
            }
            writeln!(out).map_err(written)
        };
        let diff = diff::diff(&from, &to, (!args.summary).then_some(&mut each as _))?;
        writeln!(out, "{} → {}", diff.from, diff.to).map_err(written)?;
        for t in &diff.tables {
            writeln!(
                out,
                "  {:<13} added {:>7}  removed {:>7}  changed {:>7}  unchanged {:>7}",
                t.table, t.added, t.removed, t.changed, t.unchanged
            )
            .map_err(written)?;
        }
    }
    out.flush().map_err(written)?;
    Ok(ExitCode::SUCCESS)
}
