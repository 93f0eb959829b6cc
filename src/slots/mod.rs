//! Translation slots for annotators: units exported in the formats their
//! tools read (JSONL, TSV, XLIFF 1.2), and their work imported back through
//! a gate that accepts, skips or rejects every row with a reason, so nothing
//! a translator typed is lost.

mod csv_cells;
mod export;
mod formula_guard;
mod import;
mod tsv;
mod xliff;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use export::{export, ExportOptions};
pub use import::{import, ImportOptions, ImportSummary};

/// One slot as handed to a translator. JSONL units have these keys in this
/// order; TSV has the same columns; XLIFF carries them in a `trans-unit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub sentence_id: String,
    /// The Arabic sentence.
    pub source: String,
    /// The sentence's `text_sha256`; an import checks it is still current.
    pub source_sha256: String,
    /// The current translation, if any.
    pub target: Option<String>,
    pub status: String,
    /// The sentences before and after in the document, if any.
    pub context_before: Option<String>,
    pub context_after: Option<String>,
    /// Entities in the sentence, with their English renderings where known.
    pub hints: Vec<Hint>,
    pub doc_id: String,
}

/// An entity of a unit's source, as a hint to the translator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hint {
    pub text: String,
    pub label: String,
    /// The English rendering, where the glossary knows one.
    pub en: Option<String>,
}

impl Hint {
    /// `النص → English [LABEL]`, for TSV cells and XLIFF notes.
    fn describe(&self) -> String {
        match &self.en {
            Some(en) => format!("{} → {} [{}]", self.text, en, self.label),
            None => format!("{} [{}]", self.text, self.label),
        }
    }
}

/// The exchange formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Tab-separated, with a header; `\t`, `\n`, `\r` and `\\` escaped in cells.
    Tsv,
    /// Comma-separated, with the TSV columns, quoted where needed, as Excel's "CSV UTF-8" saves it; import also reads semicolons.
    Csv,
    /// XLIFF 1.2, for CAT tools (OmegaT, Okapi, translate-toolkit, ...); import also reads XLIFF 2.
    Xliff,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Tsv => "tsv",
            Format::Csv => "csv",
            Format::Xliff => "xliff",
        }
    }

    /// The format a file's extension names, if it names one.
    pub fn of_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        let ext = name.rsplit('.').next()?;
        match ext {
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "tsv" | "tab" | "txt" => Some(Format::Tsv),
            "csv" => Some(Format::Csv),
            "xlf" | "xliff" | "xml" => Some(Format::Xliff),
            _ => None,
        }
    }
}
