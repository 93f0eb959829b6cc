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
}
