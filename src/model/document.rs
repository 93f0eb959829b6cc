use serde::{Deserialize, Serialize};

/// One article as it lands in the dataset: the cleaned text every offset
/// points into, and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub doc_id: String,
    /// Path of the raw file relative to the dataset folder, `/`-separated.
    pub source_path: String,
    /// sha256 of the raw file's bytes, before decoding.
    pub source_sha256: String,
    /// The encoding the raw bytes were decoded from (WHATWG label, e.g. `UTF-8`).
    pub source_encoding: String,
    /// Cleaned text: NFC, `\n` line ends. All offsets of all tables point here.
    pub text: String,
    /// sha256 of `text` as UTF-8.
    pub text_sha256: String,
    /// The headline, when the article has one.
    pub title: Option<String>,
    /// Duplicate key: sha256 of the sentences' `norm_sha256`, one per line,
    /// equal for documents that differ only in spelling variants,
    /// diacritics, tatweel, digit forms or whitespace between sentences.
    pub norm_sha256: String,
    /// A JSON object: fields of the input record other than id and text,
    /// and values taken from crawl artefacts (`{"date": "2021-05"}`).
    pub metadata: String,
    /// What cleanup changed, counted per kind.
    pub changes: Changes,
    /// `train`, `validation` or `test` (see `schemas/README.md`, Splits).
    /// Versions written before the column existed lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    /// The `doc_id` of the first document of this one's group: documents
    /// that share content share a group and a split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_group: Option<String>,
}

/// Counts of the edits cleanup made to a document, so that nothing it
/// removed or replaced goes unnoticed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// Byte order marks removed.
    pub bom: i32,
    /// CR characters removed or turned into LF.
    pub line_ends: i32,
    /// HTML tags and comments removed (block tags became line breaks).
    pub html_tags: i32,
    /// HTML entities decoded.
    pub html_entities: i32,
    /// Invisible characters removed (direction marks, zero-width characters, soft hyphens).
    pub invisible: i32,
    /// No-break spaces turned into spaces.
    pub nbsp: i32,
    /// Tatweel characters removed.
    pub tatweel: i32,
    /// Characters rewritten by NFC.
    pub nfc: i32,
    /// Blank or whitespace-only lines removed.
    pub blank_lines: i32,
    /// Invalid byte sequences replaced by U+FFFD (only when the dataset accepts them).
    pub invalid_bytes: i32,
}

impl Changes {
    /// The kinds and their counts, in column order.
    pub fn counts(&self) -> [(&'static str, i32); 10] {
        [
            ("bom", self.bom),
            ("line_ends", self.line_ends),
            ("html_tags", self.html_tags),
            ("html_entities", self.html_entities),
            ("invisible", self.invisible),
            ("nbsp", self.nbsp),
            ("tatweel", self.tatweel),
            ("nfc", self.nfc),
            ("blank_lines", self.blank_lines),
            ("invalid_bytes", self.invalid_bytes),
        ]
    }
}
