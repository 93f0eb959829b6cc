//! Reading and writing files: hashing, Parquet, JSONL, XML, and outputs
//! written aside and renamed into place.

mod aside;
pub mod compact_json;
pub mod hash;
pub mod jsonl;
pub mod parquet;
mod table_writer;
pub mod xml;

pub use aside::write_aside;
pub use table_writer::{TableFiles, TableWriter};

/// The bytes of a file handed back by people's tools without the UTF-8
/// byte order mark that Windows editors and spreadsheets put first: it is
/// not part of the first line or value.
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes)
}
