use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::settings::{About, StageSettings};

/// The manifest format this tool writes and the only one it reads.
pub const MANIFEST_FORMAT_VERSION: u32 = 1;

/// `manifest.json`: what a version holds and how it was made.
///
/// `fingerprint` is the sha256 of the sorted `sha256sum`-style lines of
/// `files` (see `schemas/README.md`); `manifest_sha256` is the sha256 of this
/// file's bytes with its own value replaced by 64 zeros, so that any edit of
/// the manifest itself is detectable too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format_version: u32,
    pub dataset: String,
    /// The version folder's name, `vNNNN`.
    pub version: String,
    pub parent: Option<ParentRef>,
    pub tool: ToolRef,
    /// RFC 3339, only when `SOURCE_DATE_EPOCH` was set, so builds stay reproducible.
    pub created: Option<String>,
    pub source_language: String,
    pub target_language: String,
    pub settings: StageSettings,
    /// The dataset's description, licence and makers (from `dataset.toml`);
    /// absent in versions written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<About>,
    pub inputs: Vec<InputEntry>,
    pub skipped: Vec<SkippedInput>,
    pub files: Vec<FileEntry>,
    /// Per table: its rows and the sha256 of its rows as JSONL lines in id
    /// order, whatever files they are cut into, so that two versions with
    /// the same rows compare equal (a sharded build and a single one).
    /// Absent in versions written before it was recorded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tables: BTreeMap<String, TableContent>,
    pub audit: Audit,
    /// The rendering format of `croissant.json` and `README.md`; absent in
    /// versions written before it was recorded (format 1) or without them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descriptions_format: Option<u32>,
    /// Set on a version made by `tarjama slots import`: what was imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportRecord>,
    pub fingerprint: String,
    pub manifest_sha256: String,
}

/// A version's languages as BCP 47 tags (`ar`, `ar-SA`, `en-GB`), for the
/// formats that name them (XLIFF, TMX).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Languages<'a> {
    pub source: &'a str,
    pub target: &'a str,
}

impl Manifest {
    pub fn languages(&self) -> Languages<'_> {
        Languages {
            source: &self.source_language,
            target: &self.target_language,
        }
    }

    /// The rows of a table over all its Parquet files (a sharded table has
    /// several); 0 when the version has no such table.
    pub fn table_rows(&self, table: &str) -> u64 {
        self.files
            .iter()
            .filter(|f| f.table == table && f.format == "parquet")
            .map(|f| f.rows)
            .sum()
    }
}

/// The version this one was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParentRef {
    pub version: String,
    pub fingerprint: String,
}

/// The program that wrote the version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolRef {
    pub name: String,
    pub version: String,
    /// sha256 of the NER model file that tagged the entities, when the
    /// model ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ner_model: Option<String>,
}

/// One raw input file that was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputEntry {
    /// Relative to the dataset folder, `/`-separated.
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// An input that did not become a document, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkippedInput {
    pub path: String,
    /// A stable, machine-readable kind of reason (`not-utf8`, `empty`, ...).
    pub code: String,
    /// What is wrong and what to do, for a person.
    pub reason: String,
}

impl SkippedInput {
    /// Skipped inputs counted by reason code.
    pub fn count_by_code(skipped: &[SkippedInput]) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for s in skipped {
            *counts.entry(s.code.as_str()).or_default() += 1;
        }
        counts
    }
}

/// What ingestion saw and changed, so that no encoding or invisible-character
/// problem goes unnoticed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    /// Documents per source encoding.
    pub encodings: BTreeMap<String, u64>,
    /// Cleanup edits per kind, over all documents (see the documents' `changes`).
    pub changes: BTreeMap<String, u64>,
    /// Documents that cleanup changed in any way.
    pub documents_changed: u64,
    /// Sentences marked boilerplate (not translated).
    pub boilerplate_sentences: u64,
    /// Groups of documents with the same normalised text, and the documents in them.
    pub duplicate_document_groups: u64,
    pub duplicate_documents: u64,
    /// Groups of title or body sentences with the same normalised text in
    /// more than one document (wire copy), and the sentences in them.
    pub shared_sentence_groups: u64,
    pub shared_sentences: u64,
    /// The training splits; absent in versions written before splits existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub splits: Option<SplitAudit>,
}

/// Documents and sentences per training split, and the groups of documents
/// kept together because they share content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitAudit {
    pub documents: BTreeMap<String, u64>,
    pub sentences: BTreeMap<String, u64>,
    /// All groups; a document that shares nothing is a group of one.
    pub groups: u64,
    /// Groups of more than one document, and the documents in them.
    pub shared_groups: u64,
    pub shared_group_documents: u64,
}

/// A table's rows and content hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableContent {
    pub rows: u64,
    /// sha256 of the concatenation of the table's JSONL files, in order.
    pub sha256: String,
}

/// One data file of the version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Relative to the version folder.
    pub path: String,
    pub table: String,
    /// `parquet` or `jsonl`.
    pub format: String,
    pub sha256: String,
    pub bytes: u64,
    pub rows: u64,
}

/// The import a version was made from: the file, who and how, and what came of its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportRecord {
    /// The imported file's name (not its folder, which is the user's business).
    pub file: String,
    pub sha256: String,
    pub format: String,
    pub translator: Option<String>,
    /// The status given to accepted rows.
    pub status: String,
    /// Rows in the file: accepted + skipped + rejected.
    pub rows: u64,
    pub accepted: u64,
    pub skipped: u64,
    pub rejected: u64,
    /// Other empty slots with the same normalised source, filled as `tm` drafts.
    pub from_memory: u64,
    /// The table the import changed, when not `translations` (`entities`
    /// for a Label Studio review, whose `status` is then the origin given,
    /// `human`, and whose `rows` are tasks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The encoding the file was read in, when not UTF-8 (UTF-16 from its
    /// byte order mark, or a legacy code page such as windows-1256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}
