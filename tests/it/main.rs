//! Integration tests: the real `tarjama` binary on real files, each test in
//! its own temporary folder.

mod tamper;
mod util;

mod atomicity;
mod bad_input;
mod build;
mod determinism;
mod ingest;
mod label_studio;
mod ner;
mod schemas;
mod segment;
mod shard;
mod slots;
mod splits;
mod validate;
mod validate_fuzz;
mod validate_rules;
