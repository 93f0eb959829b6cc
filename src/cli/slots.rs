//! `tarjama slots export|import`: translation work out to translators' tools and back.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::Result;
use crate::model::SlotStatus;
use crate::slots::{self, ExportOptions, Format, ImportOptions};
use crate::version::Version;

/// Hand translation slots to translators, and take their work back.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Export(ExportArgs),
    Import(ImportArgs),
}

/// Write slots as units (source, hash, context, entity hints, current target).
#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// The dataset folder.
    dir: PathBuf,
    #[arg(long, value_enum)]
    format: Format,
    /// The file to write.
    #[arg(long, short)]
    output: PathBuf,
    /// Only slots of these statuses (comma-separated: empty,machine,draft,done,reviewed).
    #[arg(long, value_delimiter = ',', value_parser = parse_status)]
    status: Vec<SlotStatus>,
    /// Only slots of this document (repeat for several).
    #[arg(long = "doc")]
    docs: Vec<String>,
    /// Only documents of shard K of N (0 <= K < N), split by a hash of the
    /// document id as `build --shard` splits them: the N exports K = 0..N-1
    /// hand every document to exactly one person.
    #[arg(long, value_name = "K/N", value_parser = crate::shard::Shard::parse)]
    shard: Option<crate::shard::Shard>,
    /// At most N units.
    #[arg(long)]
    limit: Option<usize>,
    /// Leave out empty slots whose source the translation memory covers
    /// (translated elsewhere, or earlier in this export): an import fills them.
    #[arg(long)]
    skip_tm: bool,
    /// Start a TSV or CSV file with a UTF-8 byte order mark, which Excel
    /// needs to show Arabic when it opens the file (import skips it).
    #[arg(long)]
    bom: bool,
    /// Write TSV or CSV cells as they are: without it, a cell starting with
    /// = + - or @ (an interview answer's dash) gets an apostrophe before it,
    /// so that spreadsheets show it as text instead of #NAME? (import takes
    /// the apostrophe off again).
    #[arg(long)]
    raw_cells: bool,
    /// The version to export [default: the latest].
    #[arg(long, default_value = "latest")]
    version: String,
}

/// Import translations (jsonl, tsv, csv or xliff) as a new version.
///
/// Exit status: 0 every row accepted or skipped, 1 some rows rejected (they
/// are in FILE.rejects.jsonl with their reasons; the accepted ones are
/// published), 2 could not run (nothing imported).
#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The dataset folder.
    dir: PathBuf,
    /// The translated file (format from its extension, or --format).
    file: PathBuf,
    /// Who translated (required for done and reviewed); for machine, the
    /// system (`opus-mt-ar-en`).
    #[arg(long)]
    translator: Option<String>,
    /// The status accepted rows get: machine (origin machine: fills empty
    /// slots and replaces machine output, never a translator's text),
    /// draft, done or reviewed (origin human).
    #[arg(long, default_value = "done", value_parser = parse_status)]
    status: SlotStatus,
    /// Replace reviewed translations that have other text, instead of rejecting the rows.
    #[arg(long)]
    overwrite: bool,
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Print the summary as JSON: {"rows", "accepted", "skipped", "rejected", "from_memory", "version", "rejects_file", "encoding"}.
    #[arg(long)]
    json: bool,
}

pub(super) fn parse_status(value: &str) -> std::result::Result<SlotStatus, String> {
    SlotStatus::parse(value).ok_or_else(|| {
        format!("{value:?} is not a status; use empty, machine, draft, done or reviewed")
    })
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Command::Export(args) => export(args),
        Command::Import(args) => import(args),
    }
}

fn export(args: ExportArgs) -> Result<ExitCode> {
    let version = Version::named(&args.dir, &args.version)?;
    let options = ExportOptions {
        format: args.format,
        statuses: args.status,
        docs: args.docs,
        shard: args.shard,
        limit: args.limit,
        skip_tm: args.skip_tm,
        byte_order_mark: args.bom,
        raw_cells: args.raw_cells,
    };
    let summary = slots::export(&version, &args.output, &options)?;
    let mut out = format!(
        "exported {} units of {} {} to {}\n",
        summary.units,
        version.manifest.dataset,
        version.name(),
        args.output.display()
    );
    if options.skip_tm {
        writeln!(
            out,
            "  left out {} empty slots the translation memory covers",
            summary.covered_by_memory
        )
        .expect("infallible");
    }
    super::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn import(args: ImportArgs) -> Result<ExitCode> {
    super::check_file_to_import(&args.file)?;
    let options = ImportOptions {
        format: args.format,
        translator: args.translator,
        status: args.status,
        overwrite: args.overwrite,
    };
    let summary = slots::import(&args.dir, &args.file, &options)?;
    let code = super::import_exit_code(summary.rejected_total());
    if args.json {
        let json = serde_json::json!({
            "rows": summary.rows,
            "accepted": summary.accepted,
            "skipped": summary.skipped,
            "rejected": summary.rejected,
            "from_memory": summary.from_memory,
            "version": summary.published.as_ref().map(|v| v.name()),
            "rejects_file": summary.rejects_file.as_ref().map(|p| p.display().to_string()),
            "encoding": summary.encoding,
        });
        super::emit(&format!("{json}\n"))?;
        return Ok(code);
    }
    let mut counts = format!(
        "  rows {}: accepted {}, skipped {}{}, rejected {}{}\n",
        summary.rows,
        summary.accepted,
        summary.skipped_total(),
        super::by_code(&summary.skipped),
        summary.rejected_total(),
        super::by_code(&summary.rejected),
    );
    if summary.encoding != "UTF-8" {
        writeln!(
            counts,
            "  read as {}: the file is not UTF-8 (a spreadsheet's \"Text\" save); check a few accepted rows",
            summary.encoding
        )
        .expect("infallible");
    }
    if summary.from_memory > 0 {
        writeln!(
            counts,
            "  translation memory: {} other empty slots with the same source filled as drafts",
            summary.from_memory
        )
        .expect("infallible");
    }
    let out = super::import_report(
        summary.published.as_ref(),
        &counts,
        summary.rejects_file.as_deref(),
        "rejected rows",
    );
    super::emit(&out)?;
    Ok(code)
}
