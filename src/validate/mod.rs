//! `validate`: checks a version folder, or every version of a dataset, and
//! collects every finding rather than stopping at the first.
//!
//! Integrity ([`integrity`]): the manifest, every file's size, hash and row
//! count, unlisted files, the fingerprint, the parent link, Parquet schemas,
//! and JSONL rows equal to Parquet rows. Consistency ([`consistency`]): one
//! streaming pass over the four tables, joined by document, checking ids,
//! offsets, texts, hashes, labels and translation slots.

mod consistency;
pub mod findings;
mod integrity;
mod jsonl_check;
mod rows;
pub mod rules;
mod splits;
pub mod translation_qa;

use std::path::Path;

pub use consistency::span_edge_problem;
pub use findings::{Finding, Report, Stats};
pub use rules::{Rule, Severity};
pub use translation_qa::LengthBand;

use crate::error::{Error, IoContext, Result};
use crate::manifest::MANIFEST_FILE;
use crate::store::{self, VERSIONS_DIR};

/// What to check and how strictly.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Only the manifest, file sizes and hashes, the fingerprint and the
    /// parent link, not the rows.
    pub integrity_only: bool,
    /// Warnings count as errors.
    pub strict: bool,
    /// The band of translation/source length ratios `qa.length-ratio` accepts.
    pub length_band: LengthBand,
}

/// Validates `path`: a version folder (holding `manifest.json`) or a dataset
/// folder (holding `versions/`), meaning all its versions. An `Err` means the
/// validation could not run at all; problems with the data are findings.
pub fn validate_path(path: &Path, options: Options) -> Result<Report> {
    let mut report = Report::new();
    if path.join(MANIFEST_FILE).exists() {
        integrity::check_version(path, &mut report, options);
    } else if path.join(VERSIONS_DIR).is_dir() {
        let versions_dir = path.join(VERSIONS_DIR);
        let versions = store::versions(path)?;
        if versions.is_empty() {
            return Err(Error::Usage(format!(
                "{}: the dataset has no versions yet; run `tarjama build {}` first",
                path.display(),
                path.display()
            )));
        }
        for entry in std::fs::read_dir(&versions_dir).at(&versions_dir)? {
            let entry = entry.at(&versions_dir)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_version = store::parse_version_name(&name).is_some() && entry.path().is_dir();
            if !is_version && !name.starts_with('.') {
                report.add(
                    rules::DATASET_STRAY_ENTRY,
                    &entry.path(),
                    None,
                    None,
                    format!(
                        "{name:?} is not a version folder (vNNNN); move it out of {VERSIONS_DIR}/"
                    ),
                );
            }
        }
        for (_, dir) in versions {
            integrity::check_version(&dir, &mut report, options);
        }
    } else if path.exists() {
        return Err(Error::Usage(format!(
            "{}: neither a version folder (no {MANIFEST_FILE}) nor a dataset folder (no {VERSIONS_DIR}/)",
            path.display()
        )));
    } else {
        return Err(Error::Usage(format!(
            "{}: no such file or folder",
            path.display()
        )));
    }
    report.finish();
    if options.strict {
        report.promote_warnings();
    }
    Ok(report)
}
