//! Integration tests: the real `tarjama` binary on real files, each test in
//! its own temporary folder.

mod util;

mod atomicity;
mod bad_input;
mod build;
mod determinism;
mod ingest;
mod schemas;
mod segment;
mod slots;
mod validate;
