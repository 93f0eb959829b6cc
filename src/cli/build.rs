//! `tarjama build DIR`: the next version of a dataset from its raw folder.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::build;
use crate::error::Result;

/// Build the next immutable version from dataset.toml and the raw folder.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset folder.
    dir: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let report = build::build(&args.dir)?;
    if args.quiet {
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    let c = report.counts;
    match &report.published {
        Some(dir) => writeln!(out, "published {} ({})", report.version, dir.display()),
        None => writeln!(
            out,
            "unchanged: the data equals the latest version {}; nothing written",
            report.version
        ),
    }
    .expect("writing to a String cannot fail");
    writeln!(out, "  fingerprint  {}", report.fingerprint).expect("infallible");
    writeln!(
        out,
        "  documents {}  sentences {}  entities {}  slots {}  skipped inputs {}",
        c.documents,
        c.sentences,
        c.entities,
        c.slots,
        report.skipped.len()
    )
    .expect("infallible");
    out.push_str(&super::audit_lines(&report.audit));
    for (code, n) in report.skipped_by_code() {
        writeln!(out, "  skipped ({code}): {n}").expect("infallible");
    }
    const LISTED: usize = 20;
    for skip in report.skipped.iter().take(LISTED) {
        writeln!(out, "    {}: {}", skip.path, skip.reason).expect("infallible");
    }
    if report.skipped.len() > LISTED {
        writeln!(
            out,
            "    ... and {} more (all are in the manifest's \"skipped\")",
            report.skipped.len() - LISTED
        )
        .expect("infallible");
    }
    super::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
