//! `tarjama status DIR`: translation progress, overall and per document.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::{Error, Result};
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
    /// Only the counts over all documents, not a row per document.
    #[arg(long)]
    summary: bool,
    /// Print JSON: {"version", "documents" (by id; left out with --summary), "overall", "orphans"}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let version = Version::named(&args.dir, &args.version)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = |e| Error::io("<stdout>", e);
    if args.json {
        // Documents are written as they are counted, the totals after them.
        write!(
            out,
            "{{\n  \"version\": {}",
            super::one_line_json(version.name())
        )
        .map_err(written)?;
        if !args.summary {
            write!(out, ",\n  \"documents\": {{").map_err(written)?;
        }
        let mut first = true;
        let status = status::status(&version, |doc, counts| {
            if args.summary {
                return Ok(());
            }
            let separator = if std::mem::take(&mut first) { "" } else { "," };
            write!(
                out,
                "{separator}\n    {}: {}",
                super::one_line_json(doc),
                super::one_line_json(counts)
            )
            .map_err(written)
        })?;
        if !args.summary {
            let close = if first { "}" } else { "\n  }" };
            write!(out, "{close}").map_err(written)?;
        }
        writeln!(
            out,
            ",\n  \"overall\": {},\n  \"orphans\": {}\n}}",
            super::one_line_json(&status.overall),
            status.orphans
        )
        .map_err(written)?;
        return out.flush().map_err(written).map(|()| ExitCode::SUCCESS);
    }
    let header = SlotStatus::ALL
        .iter()
        .map(|s| format!("{:>9}", s.as_str()))
        .collect::<String>();
    writeln!(
        out,
        "{:<32}{:>7}{header}{:>8}",
        "document", "slots", "done%"
    )
    .map_err(written)?;
    let row = |out: &mut dyn Write, name: &str, counts: &StatusCounts| {
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
        .map_err(written)
    };
    let status = status::status(&version, |doc, counts| {
        if args.summary {
            return Ok(());
        }
        row(&mut out, doc, counts)
    })?;
    row(&mut out, "all", &status.overall)?;
    // Last, so that it is in sight after thousands of document rows.
    writeln!(
        out,
        "{} {}: {} slots, {:.1}% done or reviewed, {} orphaned translations",
        version.manifest.dataset,
        status.version,
        status.overall.slots,
        100.0 * status.overall.share_finished(),
        status.orphans
    )
    .map_err(written)?;
    out.flush().map_err(written)?;
    Ok(ExitCode::SUCCESS)
}
