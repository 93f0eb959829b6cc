//! The command line: one file per subcommand, each an `Args` struct and a
//! `run` function. Only this module prints; exit codes are 0 (ok),
//! 1 (validation findings), 2 (could not run).

mod build;
mod diff;
mod entities;
mod export;
mod init;
mod log;
mod ner;
mod segment;
mod slots;
mod status;
mod validate;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::{Error, IoContext, Result};

/// Turn raw Arabic news articles into versioned, hashed translation-and-annotation datasets.
#[derive(Debug, Parser)]
#[command(name = "tarjama", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Init(init::Args),
    Build(build::Args),
    Validate(validate::Args),
    Log(log::Args),
    Segment(segment::Args),
    Slots(slots::Args),
    Status(status::Args),
    Export(export::Args),
    Diff(diff::Args),
    Ner(ner::Args),
    Entities(entities::Args),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Build(args) => build::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Log(args) => log::run(args),
        Command::Segment(args) => segment::run(args),
        Command::Slots(args) => slots::run(args),
        Command::Status(args) => status::run(args),
        Command::Export(args) => export::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Ner(args) => ner::run(args),
        Command::Entities(args) => entities::run(args),
    }
}

/// What an import printed about its outcome: the version it published (or
/// none), a line of counts, and where its rejected rows went. Shared by
/// `slots import` and `entities import`.
fn import_report(
    published: Option<&crate::version::Version>,
    counts: &str,
    rejects: Option<&std::path::Path>,
    rejected: &str,
) -> String {
    let mut out = match published {
        Some(version) => format!("published {} ({})\n", version.name(), version.dir.display()),
        None => "nothing accepted; no new version\n".to_string(),
    };
    out.push_str(counts);
    if let Some(rejects) = rejects {
        out.push_str(&format!(
            "  {rejected}, each with its reasons: {} (fix them and import that file)\n",
            rejects.display()
        ));
    }
    out
}

/// Counts by code, as ` (code n, code n)`, or nothing when there are none.
fn by_code(counts: &std::collections::BTreeMap<&str, u64>) -> String {
    if counts.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = counts
        .iter()
        .map(|(code, n)| format!("{code} {n}"))
        .collect();
    format!(" ({})", listed.join(", "))
}

/// Exit status 1 when an import rejected anything (what it accepted is published).
/// Refuses a missing file, a folder given where its file was meant, and a
/// pipe or device.
fn check_file_to_import(file: &std::path::Path) -> Result<()> {
    let problem = if file.is_file() {
        return Ok(());
    } else if file.is_dir() {
        "a folder, not a file; name the exported file inside it"
    } else if file.exists() {
        "not a regular file (it is read twice: hashed, then imported); save it to a file first"
    } else {
        "no such file to import"
    };
    Err(Error::Usage(format!("{}: {problem}", file.display())))
}

fn import_exit_code(rejected: u64) -> std::process::ExitCode {
    if rejected > 0 {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}

/// The audit as indented lines, for `build` and `log`.
fn audit_lines(audit: &crate::model::Audit) -> String {
    let join = |m: &std::collections::BTreeMap<String, u64>| {
        if m.is_empty() {
            "none".to_string()
        } else {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let splits = audit.splits.as_ref().map_or(String::new(), |s| {
        let documents = crate::split::Split::ALL
            .iter()
            .map(|split| {
                let name = split.as_str();
                format!("{name} {}", s.documents.get(name).copied().unwrap_or(0))
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "  splits       {documents} documents; {}, {} of them kept together ({})\n",
            counted(s.groups, "group"),
            s.shared_groups,
            counted(s.shared_group_documents, "document")
        )
    });
    format!(
        "  encodings    {}\n  cleanup      {} ({} changed)\n  boilerplate  {}\n  duplicates   {} of identical documents ({}); {} shared across documents ({})\n{splits}",
        join(&audit.encodings),
        join(&audit.changes),
        counted(audit.documents_changed, "document"),
        counted(audit.boilerplate_sentences, "sentence"),
        counted(audit.duplicate_document_groups, "group"),
        counted(audit.duplicate_documents, "document"),
        counted(audit.shared_sentences, "sentence"),
        counted(audit.shared_sentence_groups, "group"),
    )
}

/// `n` and the noun, plural unless `n` is 1.
fn counted(n: impl Into<u64>, noun: &str) -> String {
    match n.into() {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// Calls `each` with the "text" of every JSONL record of `input` (gzip or
/// not) and the rest of the record, in file order. A line that is not a
/// record with a string "text" is an error naming it.
fn for_each_text_record(
    input: &std::path::Path,
    mut each: impl FnMut(String, serde_json::Value) -> Result<()>,
) -> Result<()> {
    use serde_json::Value;
    use std::io::BufRead;
    let lines = crate::io::jsonl::open_lines_sniffed(input).at(input)?;
    for (i, line) in lines.lines().enumerate() {
        let line = line.at(input)?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Jsonl {
            path: input.to_path_buf(),
            line: i as u64 + 1,
            message,
        };
        let mut record: Value = serde_json::from_slice(crate::io::without_bom(line.as_bytes()))
            .map_err(|e| bad(format!("not a JSON object: {e}")))?;
        let Some(Value::String(text)) = record.get_mut("text").map(Value::take) else {
            return Err(bad(
                "the record has no string \"text\"; add one or remove the line".into(),
            ));
        };
        each(text, record)?;
    }
    Ok(())
}

/// Streams the JSONL records of `input` to `output`, each with `field` set
/// to what `annotate` makes of its "text"; other fields are kept.
fn annotate_records(
    input: &std::path::Path,
    output: &std::path::Path,
    field: &str,
    jobs: Jobs,
    annotate: impl Fn(&str) -> serde_json::Value + Sync,
) -> Result<()> {
    annotate_documents(input, output, field, None, jobs, |texts| {
        texts.iter().map(|text| annotate(text)).collect()
    })
}

/// As [`annotate_records`], but consecutive records with the same value of
/// `document_field` reach `annotate` together, as one document's texts in
/// order, and `annotate` gives one value per text. Without the field (or
/// in a record that lacks it) each record is a document of its own.
/// Documents are annotated on all cores a batch at a time (some megabytes
/// of text, so memory stays flat) and written in input order, gzipped when
/// `output` ends in `.gz`.
fn annotate_documents(
    input: &std::path::Path,
    output: &std::path::Path,
    field: &str,
    document_field: Option<&str>,
    jobs: Jobs,
    annotate: impl Fn(&[String]) -> Vec<serde_json::Value> + Sync,
) -> Result<()> {
    use rayon::prelude::*;
    let pool = crate::build::worker_pool(jobs.count())?;
    use serde_json::Value;
    const BATCH_TEXT_BYTES: usize = 4 << 20;
    /// The records of one document, with its field's value.
    #[derive(Default)]
    struct Document {
        key: Option<Value>,
        texts: Vec<String>,
        records: Vec<Value>,
    }
    let annotate_into = |out: &mut dyn Write| {
        let mut write_batch = |batch: &mut Vec<Document>| {
            let values: Vec<Vec<Value>> =
                pool.install(|| batch.par_iter().map(|d| annotate(&d.texts)).collect());
            for (document, values) in batch.drain(..).zip(values) {
                let records = document.texts.into_iter().zip(document.records);
                for ((text, mut record), value) in records.zip(values) {
                    record[field] = value;
                    record["text"] = Value::String(text);
                    serde_json::to_writer(&mut *out, &record)
                        .map_err(std::io::Error::from)
                        .at(output)?;
                    out.write_all(b"\n").at(output)?;
                }
            }
            Ok::<(), Error>(())
        };
        let mut batch: Vec<Document> = Vec::new();
        let mut batch_bytes = 0;
        let mut document = Document::default();
        for_each_text_record(input, |text, record| {
            let key = document_field.and_then(|f| record.get(f)).cloned();
            if key.is_none() || key != document.key {
                batch.push(std::mem::take(&mut document));
                if batch_bytes >= BATCH_TEXT_BYTES {
                    write_batch(&mut batch)?;
                    batch_bytes = 0;
                }
            }
            batch_bytes += text.len();
            document.key = key;
            document.texts.push(text);
            document.records.push(record);
            Ok(())
        })?;
        batch.push(document);
        write_batch(&mut batch)
    };
    crate::io::write_aside(output, |file| {
        if output.extension().is_some_and(|e| e == "gz") {
            let mut gzip = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            annotate_into(&mut gzip)?;
            gzip.finish().at(output).map(drop)
        } else {
            annotate_into(file)
        }
    })
}

/// `--jobs N`, for the commands that work on all cores.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Jobs {
    /// Worker threads [default: every core]. The output is the same for any number.
    #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

impl Jobs {
    /// The number asked for, if any.
    pub fn count(self) -> Option<usize> {
        self.jobs.map(usize::from)
    }
}

/// The first `listed` skipped inputs, each with its code and reason, then
/// how many more there are and where `all_are` (a scraped corpus may skip
/// thousands of files).
fn list_skipped(
    out: &mut String,
    skipped: &[crate::model::SkippedInput],
    listed: usize,
    all_are: &str,
) {
    use std::fmt::Write;
    for skip in skipped.iter().take(listed) {
        writeln!(
            out,
            "    skipped {} ({}): {}",
            skip.path, skip.code, skip.reason
        )
        .expect("infallible");
    }
    if skipped.len() > listed {
        writeln!(
            out,
            "    ... and {} more skipped: {all_are}",
            skipped.len() - listed
        )
        .expect("infallible");
    }
}

/// A value as JSON on one line, for reports written a row at a time.
fn one_line_json(value: &(impl serde::Serialize + ?Sized)) -> String {
    serde_json::to_string(value).expect("reports always serialise")
}

/// Writes a value as pretty JSON to standard output.
fn emit_json(value: &impl serde::Serialize) -> Result<()> {
    let mut json = serde_json::to_string_pretty(value).expect("reports always serialise");
    json.push('\n');
    emit(&json)
}

/// Writes to standard output, turning a write failure into an [`Error`].
fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("<stdout>", e))
}
