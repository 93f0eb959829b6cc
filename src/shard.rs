//! Sharded builds, for a distributed engine to run as its map step:
//! `build --shard K/N` processes the documents whose id hashes to shard K
//! and writes a shard result; `build --merge STAGING` checks the N results
//! and publishes one version, identical to a single-machine build.
//!
//! A document belongs to shard `u64(first 8 bytes of sha256(doc_id)) mod N`.
//! Every shard plans all the inputs (reading JSONL ids, not texts) and
//! processes only its own documents; the stages are per document, so its
//! rows are exactly the single build's rows of those documents. What needs
//! the whole corpus runs at the merge, in id order, exactly as `build` runs
//! it: the split groups, the translation memory's carry-over (and orphans),
//! the audit. A shard result is `STAGING/shard-K-of-N/`: the four tables
//! without splits or carried translations, and `shard.json`, which names
//! the settings, tool, glossary and inputs and hashes every file. It is
//! written aside and renamed into place, and the same shard gives the same
//! bytes, so a retried or duplicated task is harmless.

use std::collections::{BTreeMap, BTreeSet};
use std::iter::Peekable;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::build::{self, BuildOptions, BuildReport, Finishing, Processed, Stages, Target};
use crate::error::{Error, IoContext, Result};
use crate::glossary::GLOSSARY_FILE;
use crate::ingest;
use crate::io::hash::file_sha256;
use crate::io::parquet::read_table;
use crate::model::{
    ids, Document, Entity, FileEntry, InputEntry, Sentence, SkippedInput, ToolRef, TranslationSlot,
};
use crate::pipeline::{sha256_hex, DocumentRows};
use crate::settings::{DatasetConfig, StageSettings};
use crate::split::{hash_key, ContentKeys, Grouper};
use crate::store;
use crate::table::Table;
use crate::translate::Memory;

/// The shard manifest's file name inside a shard result.
pub const SHARD_MANIFEST: &str = "shard.json";

/// Shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` (0 ≤ K < N).
    pub fn parse(text: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("{text:?} is not a shard: write K/N with 0 <= K < N, as in 3/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether the document belongs to this shard.
    pub fn owns(&self, doc_id: &str) -> bool {
        hash_key(&sha256_hex(doc_id)) % u64::from(self.count) == u64::from(self.index)
    }

    /// The shard result's folder name, `shard-K-of-N`.
    pub fn folder_name(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

/// `shard.json`: what a shard result holds and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardManifest {
    pub dataset: String,
    pub shard: u32,
    pub shards: u32,
    pub tool: ToolRef,
    pub settings: StageSettings,
    /// sha256 of the dataset's glossary.tsv the entity stage used, if any.
    pub glossary_sha256: Option<String>,
    pub documents: u64,
    pub inputs: Vec<InputEntry>,
    pub skipped: Vec<SkippedInput>,
    pub files: Vec<FileEntry>,
}

/// What a shard build did.
#[derive(Debug)]
pub struct ShardReport {
    pub folder: PathBuf,
    pub documents: u64,
    pub sentences: u64,
    pub entities: u64,
}

fn glossary_sha256(dataset_dir: &Path) -> Result<Option<String>> {
    let path = dataset_dir.join(GLOSSARY_FILE);
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(file_sha256(&path)?.0))
}

/// Builds one shard's result into `staging` (created if missing).
pub fn build_shard(
    dataset_dir: &Path,
    shard: Shard,
    staging: &Path,
    options: &BuildOptions,
) -> Result<ShardReport> {
    let config = DatasetConfig::load(dataset_dir)?;
    let raw_dir = config.raw_dir(dataset_dir);
    let mut plan = ingest::plan(dataset_dir, &raw_dir, &config.stages.ingest)?;
    plan.retain_documents(|doc_id| shard.owns(doc_id));
    let stages = Stages::load(dataset_dir, &config, options)?;
    std::fs::create_dir_all(staging).map_err(|source| Error::NotWritable {
        path: staging.to_path_buf(),
        source,
    })?;
    let folder = staging.join(shard.folder_name());
    let partial = staging.join(format!(".{}.partial", shard.folder_name()));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).at(&partial)?;
    }
    std::fs::create_dir(&partial).map_err(|source| Error::NotWritable {
        path: partial.clone(),
        source,
    })?;
    let written = build::write_tables(
        &partial,
        &plan,
        &config.stages,
        stages.sources(),
        Finishing {
            memory: Memory::default(),
            grouping: None,
        },
        0,
        (&stages.pool, options),
    )?;
    let manifest = ShardManifest {
        dataset: config.name.clone(),
        shard: shard.index,
        shards: shard.count,
        tool: build::tool_ref(stages.model.is_some()),
        settings: config.stages.clone(),
        glossary_sha256: glossary_sha256(dataset_dir)?,
        documents: written.counts.documents,
        inputs: written.inputs,
        skipped: written.skipped,
        files: written.files,
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest).expect("a shard manifest serialises");
    bytes.push(b'\n');
    store::write_synced(&partial.join(SHARD_MANIFEST), &bytes)?;
    store::sync_dir(&partial)?;
    store::fault_point("before-shard-rename");
    if folder.exists() {
        // A retried task: its result replaces the earlier one (same bytes).
        std::fs::remove_dir_all(&folder).at(&folder)?;
    }
    std::fs::rename(&partial, &folder).at(&folder)?;
    store::sync_dir(staging)?;
    Ok(ShardReport {
        folder,
        documents: written.counts.documents,
        sentences: written.counts.sentences,
        entities: written.counts.entities,
    })
}

/// A shard result found in the staging folder.
struct ShardResult {
    dir: PathBuf,
    manifest: ShardManifest,
}

impl ShardResult {
    fn table<T: Table + 'static>(&self) -> Result<impl Iterator<Item = Result<T>>> {
        read_table::<T>(&self.dir, &self.manifest.files)
    }
}

/// Reads the N shard results of `staging` and checks that they are all
/// there, agree with each other and with the dataset, and are intact.
fn shard_results(
    dataset_dir: &Path,
    config: &DatasetConfig,
    staging: &Path,
    model_on: bool,
) -> Result<Vec<ShardResult>> {
    let refuse = |path: &Path, message: String| Error::Shard {
        path: path.to_path_buf(),
        message,
    };
    let mut results = Vec::new();
    let entries = std::fs::read_dir(staging).at(staging)?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("shard-"))
        .collect();
    names.sort();
    for name in names {
        let dir = staging.join(&name);
        let path = dir.join(SHARD_MANIFEST);
        let bytes = std::fs::read(&path).map_err(|e| {
            refuse(
                &dir,
                format!("no readable {SHARD_MANIFEST} ({e}); run this shard again"),
            )
        })?;
        let manifest: ShardManifest = serde_json::from_slice(&bytes).map_err(|e| {
            refuse(
                &path,
                format!("not a shard manifest ({e}); run this shard again"),
            )
        })?;
        results.push(ShardResult { dir, manifest });
    }
    let Some(first) = results.first() else {
        return Err(refuse(
            staging,
            "no shard results (shard-K-of-N folders); run `tarjama build DIR --shard K/N --staging STAGING` for every K first".into(),
        ));
    };
    let count = first.manifest.shards;
    let present: BTreeSet<u32> = results.iter().map(|r| r.manifest.shard).collect();
    let missing: Vec<String> = (0..count)
        .filter(|k| !present.contains(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(refuse(
            staging,
            format!(
                "shard(s) {} missing (a task failed or was killed); run `tarjama build {} --shard K/{count} --staging {}` for each, then merge again",
                missing.join(", "),
                dataset_dir.display(),
                staging.display()
            ),
        ));
    }
    let expected_tool = build::tool_ref(model_on);
    let glossary = glossary_sha256(dataset_dir)?;
    for result in &results {
        let m = &result.manifest;
        let (name, dir) = (
            result
                .dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned()),
            &result.dir,
        );
        let disagree = |what: &str| {
            refuse(
                dir,
                format!("{what} differs from the dataset's now; run every shard again with this dataset.toml, glossary and tool"),
            )
        };
        if m.shards != count
            || name.as_deref()
                != Some(
                    Shard {
                        index: m.shard,
                        count: m.shards,
                    }
                    .folder_name()
                    .as_str(),
                )
        {
            return Err(refuse(
                dir,
                format!("shard {}/{} does not belong with {count} shards; remove the stale results from the staging folder", m.shard, m.shards),
            ));
        }
        if m.dataset != config.name {
            return Err(disagree("the dataset name"));
        }
        if m.settings != config.stages {
            return Err(disagree("the settings"));
        }
        if m.tool != expected_tool {
            return Err(disagree("the tool version or NER model"));
        }
        if m.glossary_sha256 != glossary {
            return Err(disagree("the glossary"));
        }
        for file in &m.files {
            let path = dir.join(&file.path);
            let (sha256, bytes) = file_sha256(&path).map_err(|e| {
                refuse(
                    &path,
                    format!(
                        "listed in {SHARD_MANIFEST} but cannot be read ({e}); run this shard again"
                    ),
                )
            })?;
            if sha256 != file.sha256 || bytes != file.bytes {
                return Err(refuse(
                    &path,
                    format!("sha256 {sha256} ({bytes} bytes) differs from {SHARD_MANIFEST} ({}, {} bytes): the file changed after the shard was written; run this shard again", file.sha256, file.bytes),
                ));
            }
        }
    }
    Ok(results)
}

type Rows<T> = Peekable<Box<dyn Iterator<Item = Result<T>>>>;

/// One shard's rows, document by document.
struct ShardDocuments {
    documents: Rows<Document>,
    sentences: Rows<Sentence>,
    entities: Rows<Entity>,
    slots: Rows<TranslationSlot>,
}

fn rows<T: Table + 'static>(result: &ShardResult) -> Result<Rows<T>> {
    let rows: Box<dyn Iterator<Item = Result<T>>> = Box::new(result.table::<T>()?);
    Ok(rows.peekable())
}

/// Takes the leading rows that belong to `doc_id` (every table is sorted by
/// id, and ids start with their document's).
fn take_rows<T>(rows: &mut Rows<T>, belongs: impl Fn(&T) -> bool) -> Result<Vec<T>> {
    let mut taken = Vec::new();
    while let Some(row) = rows.next_if(|r| r.as_ref().map_or(true, &belongs)) {
        taken.push(row?);
    }
    Ok(taken)
}

impl ShardDocuments {
    /// Opens a shard's tables; without `annotations`, its entities and
    /// slots are not read (the grouping pass needs only the sentences).
    fn open(result: &ShardResult, annotations: bool) -> Result<Self> {
        fn none<T: 'static>() -> Rows<T> {
            let rows: Box<dyn Iterator<Item = Result<T>>> = Box::new(std::iter::empty());
            rows.peekable()
        }
        Ok(ShardDocuments {
            documents: rows(result)?,
            sentences: rows(result)?,
            entities: if annotations { rows(result)? } else { none() },
            slots: if annotations { rows(result)? } else { none() },
        })
    }

    fn peek_id(&mut self) -> Option<&str> {
        match self.documents.peek() {
            Some(Ok(document)) => Some(&document.doc_id),
            _ => None,
        }
    }

    fn next_document(&mut self) -> Option<Result<DocumentRows>> {
        let document = match self.documents.next()? {
            Ok(document) => document,
            Err(e) => return Some(Err(e)),
        };
        let id = document.doc_id.clone();
        let rows = (|| {
            Ok(DocumentRows {
                sentences: take_rows(&mut self.sentences, |s: &Sentence| s.doc_id == id)?,
                entities: take_rows(&mut self.entities, |e: &Entity| e.doc_id == id)?,
                slots: take_rows(&mut self.slots, |t: &TranslationSlot| {
                    ids::doc_of_sentence(&t.sentence_id) == id
                })?,
                document,
            })
        })();
        Some(rows)
    }
}

/// Every shard's documents, merged into id order (with their entities and
/// slots when `annotations`).
fn merged_documents(
    results: &[ShardResult],
    annotations: bool,
) -> Result<impl Iterator<Item = Result<DocumentRows>>> {
    let mut shards: Vec<ShardDocuments> = results
        .iter()
        .map(|result| ShardDocuments::open(result, annotations))
        .collect::<Result<_>>()?;
    Ok(std::iter::from_fn(move || {
        // An unreadable head row is yielded first, so its error is not lost.
        for shard in shards.iter_mut() {
            if matches!(shard.documents.peek(), Some(Err(_))) {
                return shard.next_document();
            }
        }
        let next = shards
            .iter_mut()
            .filter_map(|s| s.peek_id().map(str::to_string).map(|id| (id, s)))
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, s)| s)?;
        next.next_document()
    }))
}

/// Merges the shard results in `staging` into the dataset's next version.
pub fn merge(dataset_dir: &Path, staging: &Path, options: &BuildOptions) -> Result<BuildReport> {
    let config = DatasetConfig::load(dataset_dir)?;
    let results = shard_results(dataset_dir, &config, staging, config.stages.entities.model)?;
    let mut target = Target::open(dataset_dir)?;

    let mut grouper = Grouper::default();
    for rows in merged_documents(&results, false)? {
        let rows = rows?;
        grouper.add(&ContentKeys::new(
            rows.document.doc_id.clone(),
            rows.sentences
                .iter()
                .map(|s| (s.text.as_str(), s.translate, s.norm_sha256.as_str())),
            &rows.document.norm_sha256,
            config.stages.splits.min_shared_words,
        ));
    }
    let grouping = grouper.finish(&config.stages.splits);

    // Inputs and skips as the single build lists them: every shard lists the
    // JSONL inputs and the planning's skips, each shard its own documents'.
    let mut inputs: BTreeMap<String, InputEntry> = BTreeMap::new();
    let mut skipped: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut planned = 0u64;
    for result in &results {
        planned += result.manifest.documents;
        for input in &result.manifest.inputs {
            inputs.insert(input.path.clone(), input.clone());
        }
        for skip in &result.manifest.skipped {
            skipped.insert((skip.path.clone(), skip.code.clone(), skip.reason.clone()));
        }
    }
    let inputs: Vec<InputEntry> = inputs.into_values().collect();
    let skipped: Vec<SkippedInput> = skipped
        .into_iter()
        .map(|(path, code, reason)| SkippedInput { path, code, reason })
        .collect();

    let finishing = Finishing {
        memory: std::mem::take(&mut target.memory),
        grouping: Some(grouping),
    };
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Processed>>(2);
    let staging_dir = target.staging.clone();
    let number = target.number;
    let written = std::thread::scope(|scope| -> Result<build::Written> {
        let writer = scope.spawn(move || {
            let output = (staging_dir.as_path(), config.stages.output.rows_per_file);
            build::write_batches(output, (inputs, skipped), receiver, finishing, number)
        });
        let mut done = 0u64;
        let mut batch = Vec::with_capacity(build::BATCH_DOCUMENTS);
        let mut read_error = None;
        for rows in merged_documents(&results, true)? {
            match rows {
                Ok(rows) => batch.push((None, Ok(rows))),
                Err(e) => {
                    read_error = Some(e);
                    break;
                }
            }
            if batch.len() == build::BATCH_DOCUMENTS {
                done += batch.len() as u64;
                if sender.send(std::mem::take(&mut batch)).is_err() {
                    break;
                }
                if let Some(progress) = options.progress {
                    progress(planned, done, 0);
                }
            }
        }
        if !batch.is_empty() {
            let _ = sender.send(batch);
        }
        drop(sender);
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        match read_error {
            Some(e) => Err(e),
            None => written,
        }
    })?;
    target.publish(dataset_dir, &config, written, config.stages.entities.model)
}
