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
