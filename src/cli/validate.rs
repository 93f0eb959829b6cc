//! `tarjama validate PATH`: every finding, as text or JSON.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::Result;
use crate::io::xml;
use crate::validate::{self, rules, Finding, LengthBand, Report};

/// Check a version folder, or every version of a dataset folder.
///
/// Exit status: 0 valid, 1 findings of error severity, 2 could not run.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A version folder (with manifest.json) or a dataset folder (all its versions).
    #[arg(required_unless_present = "list_rules")]
    path: Option<PathBuf>,
    /// Check only the manifest, file sizes and hashes, the fingerprint and
    /// the parent link, not the rows: the fast gate for large datasets.
    #[arg(long)]
    integrity_only: bool,
    /// Count warnings (the translation QA rules, orphans) as errors: exit 1 on any finding.
    #[arg(long)]
    strict: bool,
    /// The band of translation length / source length (in code points)
    /// that qa.length-ratio accepts, as MIN..MAX.
    #[arg(long, value_name = "MIN..MAX", default_value_t = LengthBand::default())]
    length_ratio: LengthBand,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print every rule (id, severity, description) and exit.
    #[arg(long)]
    list_rules: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Findings grouped by file, and a summary line.
    Text,
    /// One JSON object: {"valid", "stats", "findings"} (schemas/validate-report.schema.json).
    Json,
    /// GitHub Actions workflow commands (::error / ::warning), shown on the files in a pull request.
    Github,
    /// JUnit XML: one test case per finding (or one passing case), for CI systems' test reports.
    Junit,
}

pub fn run(args: Args) -> Result<ExitCode> {
    if args.list_rules {
        super::emit(&render_rules(args.format))?;
        return Ok(ExitCode::SUCCESS);
    }
    let path = args
        .path
        .expect("clap requires a path without --list-rules");
    let options = validate::Options {
        integrity_only: args.integrity_only,
        strict: args.strict,
        length_band: args.length_ratio,
    };
    let report = validate::validate_path(&path, options)?;
    let text = match args.format {
        Format::Json => {
            super::emit_json(&report)?;
            return Ok(exit_code(&report));
        }
        Format::Text => render_text(&report),
        Format::Github => render_github(&report),
        Format::Junit => render_junit(&report, &path),
    };
    super::emit(&text)?;
    Ok(exit_code(&report))
}

fn exit_code(report: &Report) -> ExitCode {
    if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
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
    out.push_str(&summary_line(report));
    out
}

fn summary_line(report: &Report) -> String {
    let s = &report.stats;
    format!(
        "{}: {} versions, {} files ({} bytes), {} rows checked; {} errors, {} warnings\n",
        if report.valid { "valid" } else { "INVALID" },
        s.versions,
        s.files,
        s.bytes,
        s.rows,
        s.errors,
        s.warnings
    )
}

fn render_rules(format: Format) -> String {
    if format == Format::Json {
        let rules: Vec<_> = rules::ALL
            .iter()
            .map(|r| serde_json::json!({"id": r.id, "severity": r.severity, "description": r.description}))
            .collect();
        return format!(
            "{}\n",
            serde_json::to_string_pretty(&rules).expect("rules serialise")
        );
    }
    let width = rules::ALL.iter().map(|r| r.id.len()).max().unwrap_or(0);
    rules::ALL
        .iter()
        .map(|r| {
            let severity = match r.severity {
                validate::Severity::Error => "error",
                validate::Severity::Warning => "warning",
            };
            format!("{:<width$}  {severity:<7}  {}\n", r.id, r.description)
        })
        .collect()
}

/// GitHub's workflow-command escaping: `%`, CR and LF in messages, and also
/// `:` and `,` in properties.
fn github_escape(text: &str, property: bool) -> String {
    let mut out = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

fn render_github(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        // A line number means something only in a text file.
        let line = f
            .row
            .filter(|_| f.file.ends_with(".jsonl") || f.file.ends_with(".json"))
            .map(|r| format!(",line={r}"))
            .unwrap_or_default();
        let id =
            f.id.as_deref()
                .map(|id| format!(" [{id}]"))
                .unwrap_or_default();
        writeln!(
            out,
            "::{} file={}{line},title={}::{}{}",
            severity_word(f),
            github_escape(&f.file, true),
            github_escape(f.rule, true),
            github_escape(&id, false).trim_start(),
            github_escape(
                &format!("{}{}", if id.is_empty() { "" } else { ": " }, f.message),
                false
            )
        )
        .expect("infallible");
    }
    out.push_str(&summary_line(report));
    out
}

fn render_junit(report: &Report, path: &std::path::Path) -> String {
    let s = &report.stats;
    let cases = report.findings.len().max(1);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tarjama validate\" tests=\"{cases}\" failures=\"{}\">\n<testsuite name=\"{}\" tests=\"{cases}\" failures=\"{}\">\n",
        s.errors,
        xml::escape(&path.display().to_string()),
        s.errors
    );
    if report.findings.is_empty() {
        writeln!(
            out,
            "<testcase classname=\"tarjama.validate\" name=\"{} versions, {} files, {} rows: valid\"/>",
            s.versions, s.files, s.rows
        )
        .expect("infallible");
    }
    for f in &report.findings {
        let place = match (f.row, &f.id) {
            (Some(row), Some(id)) => format!(" row {row} [{id}]"),
            (Some(row), None) => format!(" row {row}"),
            (None, Some(id)) => format!(" [{id}]"),
            (None, None) => String::new(),
        };
        let name = xml::escape(&format!("{}{place}", f.rule));
        let message = xml::escape(&f.message);
        let body = match f.severity {
            validate::Severity::Error => format!(
                "<failure type=\"{}\" message=\"{message}\">{message}</failure>",
                f.rule
            ),
            validate::Severity::Warning => format!("<system-out>warning: {message}</system-out>"),
        };
        writeln!(
            out,
            "<testcase classname=\"{}\" name=\"{name}\">{body}</testcase>",
            xml::escape(&f.file)
        )
        .expect("infallible");
    }
    out.push_str("</testsuite>\n</testsuites>\n");
    out
}

fn severity_word(f: &Finding) -> &'static str {
    match f.severity {
        validate::Severity::Error => "error",
        validate::Severity::Warning => "warning",
    }
}
