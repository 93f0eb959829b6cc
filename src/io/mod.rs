//! Reading and writing the dataset's files: hashing, Parquet, JSONL.

pub mod hash;
pub mod jsonl;
pub mod parquet;
mod table_writer;

pub use table_writer::TableWriter;
