//! `tarjama entities export|import`: entity spans out to Label Studio for
//! review and the reviewed spans back as a new version.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::{Error, Result};
use crate::label_studio::{self, ExportOptions};
use crate::version::Version;

/// Review entity spans in Label Studio.
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

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Label Studio tasks (JSON), the spans as predictions.
    LabelStudio,
}

/// Write one task per title or body sentence, with its spans as predictions.
#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// The dataset folder.
    dir: PathBuf,
    #[arg(long, value_enum)]
    format: Format,
    /// The tasks file to write.
    #[arg(long, short)]
    output: PathBuf,
    /// Only sentences of this document (repeat for several).
    #[arg(long = "doc")]
    docs: Vec<String>,
    /// Only documents of shard K of N (0 <= K < N), split by a hash of the
    /// document id as `build --shard` splits them: the N exports K = 0..N-1
    /// hand every document to exactly one person.
    #[arg(long, value_name = "K/N", value_parser = crate::shard::Shard::parse)]
    shard: Option<crate::shard::Shard>,
    /// At most N tasks.
    #[arg(long)]
    limit: Option<usize>,
    /// The version to export [default: the latest].
    #[arg(long, default_value = "latest")]
    version: String,
}

/// Import a Label Studio JSON export as human entities, as a new version.
///
/// Exit status: 0 every task accepted or skipped, 1 some tasks rejected
/// (they are in FILE.rejects.json with their reasons; the accepted ones are
/// published), 2 could not run (nothing imported).
#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// The dataset folder.
    dir: PathBuf,
    /// Label Studio's JSON export.
    file: PathBuf,
    /// Who reviewed (recorded in the manifest).
    #[arg(long)]
    reviewer: Option<String>,
    /// Print the summary as JSON: {"tasks", "accepted", "spans", "converted_utf16", "skipped", "rejected", "version", "rejects_file"}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Command::Export(args) => export(args),
        Command::Import(args) => import(args),
    }
}

fn export(args: ExportArgs) -> Result<ExitCode> {
    let Format::LabelStudio = args.format;
    let version = Version::named(&args.dir, &args.version)?;
    if let Some(unknown) = args
        .docs
        .iter()
        .find(|d| !version_has_document(&version, d))
    {
        return Err(Error::Usage(format!(
            "document {unknown:?} is not in {} {}; see `tarjama status {}`",
            version.manifest.dataset,
            version.name(),
            args.dir.display()
        )));
    }
    let options = ExportOptions {
        docs: args.docs,
        shard: args.shard,
        limit: args.limit,
    };
    let summary = label_studio::export(&version, &args.output, &options)?;
    super::emit(&format!(
        "exported {} tasks ({} predicted spans) of {} {} to {}\n",
        summary.tasks,
        summary.spans,
        version.manifest.dataset,
        version.name(),
        args.output.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn version_has_document(version: &Version, doc_id: &str) -> bool {
    version
        .rows::<crate::model::Document>()
        .map(|rows| rows.flatten().any(|d| d.doc_id == doc_id))
        .unwrap_or(false)
}

fn import(args: ImportArgs) -> Result<ExitCode> {
    super::check_file_to_import(&args.file)?;
    let summary = label_studio::import(&args.dir, &args.file, args.reviewer.as_deref())?;
    let code = super::import_exit_code(summary.rejected_total());
    if args.json {
        let json = serde_json::json!({
            "tasks": summary.tasks,
            "accepted": summary.accepted,
            "spans": summary.spans,
            "converted_utf16": summary.converted_utf16,
            "skipped": summary.skipped,
            "rejected": summary.rejected,
            "version": summary.published.as_ref().map(|v| v.name()),
            "rejects_file": summary.rejects_file.as_ref().map(|p| p.display().to_string()),
        });
        super::emit(&format!("{json}\n"))?;
        return Ok(code);
    }
    let counts = format!(
        "  tasks {}: accepted {} ({} spans, {} converted from UTF-16 offsets), skipped {}{}, rejected {}{}\n",
        summary.tasks,
        summary.accepted,
        summary.spans,
        summary.converted_utf16,
        summary.skipped_total(),
        super::by_code(&summary.skipped),
        summary.rejected_total(),
        super::by_code(&summary.rejected),
    );
    let out = super::import_report(
        summary.published.as_ref(),
        &counts,
        summary.rejects_file.as_deref(),
        "rejected tasks",
    );
    super::emit(&out)?;
    Ok(code)
}
