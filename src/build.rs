//! `build`: raw folder → the next immutable version of a dataset.
//!
//! Documents are processed one at a time in id order and their rows streamed
//! into the table writers, so memory does not grow with the corpus. The
//! version is written aside and published atomically (see [`crate::store`]);
//! when its fingerprint equals the latest version's, nothing is published.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::audit::Auditor;
use crate::error::{Error, Result};
use crate::ingest::{self, Plan};
use crate::io::TableWriter;
use crate::manifest::{self, MANIFEST_FILE};
use crate::model::{
    Audit, Document, Entity, FileEntry, InputEntry, Manifest, ParentRef, Sentence, SkippedInput,
    ToolRef, TranslationSlot, MANIFEST_FORMAT_VERSION,
};
use crate::pipeline;
use crate::settings::{DatasetConfig, StageSettings};
use crate::store::{self, WriteLock};

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    /// The published version's folder, or `None` when the data equals the latest version's.
    pub published: Option<PathBuf>,
    /// The version the data equals or became.
    pub version: String,
    pub fingerprint: String,
    pub counts: RowCounts,
    pub skipped: Vec<SkippedInput>,
    pub audit: Audit,
}

/// Rows per table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RowCounts {
    pub documents: u64,
    pub sentences: u64,
    pub entities: u64,
    pub slots: u64,
}

impl BuildReport {
    /// Skipped inputs counted by reason code.
    pub fn skipped_by_code(&self) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for s in &self.skipped {
            *counts.entry(s.code.as_str()).or_default() += 1;
        }
        counts
    }
}

/// Builds the next version of the dataset in `dataset_dir`.
pub fn build(dataset_dir: &Path) -> Result<BuildReport> {
    let config = DatasetConfig::load(dataset_dir)?;
    let raw_dir = config.raw_dir(dataset_dir);
    let plan = ingest::plan(dataset_dir, &raw_dir, &config.stages.ingest)?;
    let lock = WriteLock::acquire(dataset_dir)?;
    let latest = store::versions(dataset_dir)?.pop();
    let number = latest.as_ref().map_or(1, |(n, _)| n + 1);
    let staging = lock.staging(number)?;

    let written = write_tables(&staging, &plan, &config.stages)?;
    let fingerprint = manifest::fingerprint(&written.files);
    if let Some((n, dir)) = &latest {
        let (latest_manifest, _) = manifest::read(dir)?;
        if latest_manifest.fingerprint == fingerprint {
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
            return Ok(BuildReport {
                published: None,
                version: store::version_name(*n),
                fingerprint,
                counts: written.counts,
                skipped: written.skipped,
                audit: written.audit,
            });
        }
    }
    let parent = match &latest {
        Some((n, dir)) => Some(ParentRef {
            version: store::version_name(*n),
            fingerprint: manifest::read(dir)?.0.fingerprint,
        }),
        None => None,
    };
    let mut manifest = Manifest {
        format_version: MANIFEST_FORMAT_VERSION,
        dataset: config.name.clone(),
        version: store::version_name(number),
        parent,
        tool: ToolRef {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        created: source_date_epoch()?.map(manifest::rfc3339_utc),
        source_language: config.source_language.clone(),
        target_language: config.target_language.clone(),
        settings: config.stages.clone(),
        inputs: written.inputs,
        skipped: written.skipped.clone(),
        files: written.files,
        audit: written.audit.clone(),
        fingerprint: String::new(),
        manifest_sha256: String::new(),
    };
    let bytes = manifest::seal(&mut manifest);
    store::write_synced(&staging.join(MANIFEST_FILE), &bytes)?;
    let published = lock.publish(&staging, number)?;
    Ok(BuildReport {
        published: Some(published),
        version: manifest.version,
        fingerprint: manifest.fingerprint,
        counts: written.counts,
        skipped: written.skipped,
        audit: written.audit,
    })
}

struct Written {
    files: Vec<FileEntry>,
    inputs: Vec<InputEntry>,
    skipped: Vec<SkippedInput>,
    counts: RowCounts,
    audit: Audit,
}

fn write_tables(dir: &Path, plan: &Plan, settings: &StageSettings) -> Result<Written> {
    let mut documents = TableWriter::<Document>::create(dir)?;
    let mut sentences = TableWriter::<Sentence>::create(dir)?;
    let mut entities = TableWriter::<Entity>::create(dir)?;
    let mut slots = TableWriter::<TranslationSlot>::create(dir)?;
    let mut counts = RowCounts::default();
    let mut auditor = Auditor::default();
    let mut inputs = plan.jsonl_inputs.clone();
    let mut skipped = plan.skipped.clone();
    for (input, ingested) in plan.documents() {
        inputs.extend(input);
        match ingested {
            Err(skip) => skipped.push(skip),
            Ok(clean) => {
                let rows = pipeline::process(clean, settings);
                auditor.observe(&rows);
                counts.documents += 1;
                counts.sentences += rows.sentences.len() as u64;
                counts.entities += rows.entities.len() as u64;
                counts.slots += rows.slots.len() as u64;
                documents.push(rows.document)?;
                rows.sentences
                    .into_iter()
                    .try_for_each(|r| sentences.push(r))?;
                rows.entities
                    .into_iter()
                    .try_for_each(|r| entities.push(r))?;
                rows.slots.into_iter().try_for_each(|r| slots.push(r))?;
                store::fault_point("after-document");
            }
        }
    }
    let mut files = Vec::new();
    files.extend(documents.finish()?);
    files.extend(sentences.finish()?);
    files.extend(entities.finish()?);
    files.extend(slots.finish()?);
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Written {
        files,
        inputs,
        skipped,
        counts,
        audit: auditor.finish(),
    })
}

/// `SOURCE_DATE_EPOCH`, the reproducible-builds convention for a fixed time.
fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Ok(None),
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => value.trim().parse().map(Some).map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH={value:?} is not a whole number of seconds; unset it or fix it"
            ))
        }),
    }
}
