//! Reading and writing files: hashing, Parquet, JSONL, XML, and outputs
//! written aside and renamed into place.

mod aside;
pub mod compact_json;
pub mod encoding;
pub mod external_sort;
pub mod hash;
pub mod jsonl;
pub mod parquet;
pub mod spill;
mod table_writer;
pub mod xml;

pub use aside::{refuse_a_folder, write_aside, AsideFile};
pub use table_writer::{TableFiles, TableWriter};

/// Bytes without the UTF-8 byte order mark that Windows editors and
/// spreadsheets put first in a file (and that concatenating such files
/// leaves at the start of a line): it is never part of a JSON value, so a
/// JSONL line or a JSON file is read without it.
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// The UTF-8 byte order mark that Windows tools put before text.
pub const UTF8_BOM: &[u8] = "\u{feff}".as_bytes();
