//! tarjama turns raw Arabic news articles into a versioned, sha256-hashed
//! translation-and-annotation dataset (Parquet + JSONL), and validates it.
//!
//! ```text
//! raw/*.txt ─ ingest ─► cleaned text (+ alignment to raw)
//!              structure ─► line roles (title / body / boilerplate)
//!              segment ───► sentences          ┐
//!              entities ──► NUM / DATE spans    ├─► TableWriter ─► versions/.staging-vNNNN
//!              translate ─► translation slots  ┘        manifest ─► rename to versions/vNNNN
//! ```
//!
//! Offsets in every table are half-open Unicode code point offsets into the
//! document's stored `text`, as Python slices strings.

pub mod audit;
pub mod build;
pub mod cli;
pub mod describe;
pub mod diff;
pub mod entities;
pub mod error;
pub mod glossary;
pub mod ingest;
pub mod io;
pub mod label_studio;
pub mod manifest;
pub mod model;
pub mod ner;
pub mod parallel;
pub mod pipeline;
pub mod segment;
pub mod settings;
pub mod shard;
pub mod slots;
pub mod split;
pub mod status;
pub mod store;
pub mod structure;
pub mod table;
pub mod text;
pub mod translate;
pub mod validate;
pub mod version;

pub use error::{Error, Result};
