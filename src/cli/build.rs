//! `tarjama build DIR`: the next version of a dataset from its raw folder.

use std::fmt::Write;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::build::{self, BuildOptions};
use crate::error::Result;
use crate::model::SkippedInput;
use crate::shard::{self, Shard};

/// Build the next immutable version from dataset.toml and the raw folder.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset folder.
    dir: PathBuf,
    #[command(flatten)]
    jobs: super::Jobs,
    /// Print nothing but errors (no summary, no progress bar).
    #[arg(long, short)]
    quiet: bool,
    /// Build only shard K of N (the documents whose id hashes to K) into the
    /// staging folder, for a distributed engine's map step; see --merge.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse, conflicts_with = "merge")]
    shard: Option<Shard>,
    /// Where --shard writes its result [default: DIR/shards].
    #[arg(long, value_name = "STAGING", requires = "shard")]
    staging: Option<PathBuf>,
    /// Check the N shard results in STAGING and publish them as one version,
    /// the same as a single build of the same inputs.
    #[arg(long, value_name = "STAGING")]
    merge: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    // The bar is drawn only on a terminal (stderr), never into CI logs.
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} documents  {msg}")
                .expect("the template is valid"),
        );
        bar
    });
    let started = Instant::now();
    let progress = |planned: u64, done: u64, bytes: u64| {
        if let Some(bar) = &bar {
            let seconds = started.elapsed().as_secs_f64().max(1e-3);
            bar.set_length(planned);
            bar.set_position(done);
            bar.set_message(format!(
                "{:.0} documents/s  {:.1} MB/s",
                done as f64 / seconds,
                bytes as f64 / 1e6 / seconds
            ));
        }
    };
    let options = BuildOptions {
        jobs: args.jobs.count(),
        progress: Some(&progress),
    };
    if let Some(shard) = args.shard {
        let staging = args.staging.unwrap_or_else(|| args.dir.join("shards"));
        let report = shard::build_shard(&args.dir, shard, &staging, &options);
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let report = report?;
        if !args.quiet {
            super::emit(&format!(
                "wrote shard {}/{} ({})\n  documents {}  sentences {}  entities {}\n",
                shard.index,
                shard.count,
                report.folder.display(),
                report.documents,
                report.sentences,
                report.entities
            ))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = match &args.merge {
        Some(staging) => shard::merge(&args.dir, staging, &options),
        None => build::build(&args.dir, &options),
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = report?;
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
    let carried = report.carried;
    if carried.kept + carried.from_memory + c.orphans > 0 {
        writeln!(
            out,
            "  translations carried over {}, filled from memory as drafts {}, orphaned (kept in orphans) {}",
            carried.kept, carried.from_memory, c.orphans
        )
        .expect("infallible");
    }
    out.push_str(&super::audit_lines(&report.audit));
    for (code, n) in SkippedInput::count_by_code(&report.skipped) {
        writeln!(out, "  skipped ({code}): {n}").expect("infallible");
    }
    super::list_skipped(
        &mut out,
        &report.skipped,
        20,
        "all are in the manifest's \"skipped\"",
    );
    super::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
