//! `tarjama validate PATH`: every finding, as text or JSON.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::Result;
use crate::validate::{self, Finding, Report};

/// Check a version folder, or every version of a dataset folder.
///
/// Exit status: 0 valid, 1 findings of error severity, 2 could not run.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A version folder (with manifest.json) or a dataset folder (all its versions).
    path: PathBuf,
    /// Check only the manifest, file sizes and hashes, the fingerprint and
    /// the parent link, not the rows: the fast gate for large datasets.
    #[arg(long)]
    integrity_only: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Findings grouped by file, and a summary line.
    Text,
    /// One JSON object: {"valid", "stats", "findings"} (schemas/validate-report.schema.json).
    Json,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let report = validate::validate_path(&args.path, args.integrity_only)?;
    let text = match args.format {
        Format::Text => render_text(&report),
        Format::Json => {
            let mut json =
                serde_json::to_string_pretty(&report).expect("a report always serialises");
            json.push('\n');
            json
        }
    };
    super::emit(&text)?;
    Ok(if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn render_text(report: &Report) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in &report.findings {
        by_file.entry(&finding.file).or_default().push(finding);
    }
    let mut out = String::new();
    for (file, findings) in by_file {
        writeln!(out, "{file}").expect("infallible");
        for f in findings {
            let place = f.row.map(|r| format!("row {r}")).unwrap_or_default();
            let id =
                f.id.as_deref()
                    .map(|id| format!(" [{id}]"))
                    .unwrap_or_default();
            let sep = if place.is_empty() && id.is_empty() {
                ""
            } else {
                ": "
            };
            writeln!(
                out,
                "  {place}{id}{sep}{} {}: {}",
                severity_word(f),
                f.rule,
                f.message
            )
            .expect("infallible");
        }
    }
    let s = &report.stats;
    writeln!(
        out,
        "{}: {} versions, {} files ({} bytes), {} rows checked; {} errors, {} warnings",
        if report.valid { "valid" } else { "INVALID" },
        s.versions,
        s.files,
        s.bytes,
        s.rows,
        s.errors,
        s.warnings
    )
    .expect("infallible");
    out
}

fn severity_word(f: &Finding) -> &'static str {
    match f.severity {
        validate::Severity::Error => "error",
        validate::Severity::Warning => "warning",
    }
}
