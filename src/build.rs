//! `build`: raw folder → the next immutable version of a dataset.
//!
//! Documents are processed one at a time in id order and their rows streamed
//! into the table writers, so memory does not grow with the corpus. The
//! version is written aside and published atomically (see [`crate::store`]);
//! when its fingerprint equals the latest version's, nothing is published.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::ScopedJoinHandle;

use rayon::iter::{IntoParallelIterator, ParallelIterator};

use crate::audit::Auditor;
use crate::describe;
use crate::error::{Error, IoContext, Result};
use crate::glossary::{Glossary, GLOSSARY_FILE, GLOSSARY_TABLE};
use crate::ingest::{self, Plan, RawDocument};
use crate::io::{TableFiles, TableWriter};
use crate::manifest::{self, MANIFEST_FILE};
use crate::model::{
    Audit, Document, Entity, FileEntry, InputEntry, Manifest, Orphan, Sentence, SkippedInput,
    TableContent, ToolRef, TranslationSlot, MANIFEST_FORMAT_VERSION,
};
use crate::ner::NerModel;
use crate::pipeline::{self, sha256_hex, DocumentRows, NameSources};
use crate::settings::{DatasetConfig, StageSettings};
use crate::split::{Assignment, ContentKeys, Grouper, Grouping};
use crate::store::{self, WriteLock};
use crate::table::Table;
use crate::translate::{CarryCounts, Memory};
use crate::version::{Purpose, Version};

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    /// The published version's folder, or `None` when the data equals the latest version's.
    pub published: Option<PathBuf>,
    /// The version the data equals or became.
    pub version: String,
    pub fingerprint: String,
    pub counts: RowCounts,
    /// Translations carried over from the previous version.
    pub carried: CarryCounts,
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
    pub orphans: u64,
}

/// Documents decoded and processed together on the worker threads; with a
/// channel of two batches, at most about four batches are in memory.
pub(crate) const BATCH_DOCUMENTS: usize = 256;

/// How a build runs (not what it produces: the output never depends on these).
#[derive(Default)]
pub struct BuildOptions<'a> {
    /// Worker threads for decoding and the stages; `None` uses every core.
    pub jobs: Option<usize>,
    /// Called after each batch with (documents planned, documents done, raw bytes done).
    pub progress: Option<&'a (dyn Fn(u64, u64, u64) + Sync)>,
}

/// Builds the next version of the dataset in `dataset_dir`.
pub fn build(dataset_dir: &Path, options: &BuildOptions) -> Result<BuildReport> {
    let config = DatasetConfig::load(dataset_dir)?;
    let raw_dir = config.raw_dir(dataset_dir);
    let plan = ingest::plan(dataset_dir, &raw_dir, &config.stages.ingest)?;
    let stages = Stages::load(dataset_dir, &config, options)?;
    let mut target = Target::open(dataset_dir)?;
    let grouping = group_documents(&plan, &target.staging, &config.stages, &stages.pool);
    let written = write_tables(
        &target.staging,
        &plan,
        &config.stages,
        stages.sources(),
        Finishing {
            memory: std::mem::take(&mut target.memory),
            grouping: Some(grouping),
        },
        target.number,
        (&stages.pool, options),
    )?;
    target.publish(dataset_dir, &config, written, stages.model.is_some())
}

/// What the stages need besides the settings: the worker threads, the
/// dataset's glossary and the NER model (when the settings turn it on).
pub(crate) struct Stages {
    pub pool: rayon::ThreadPool,
    glossary: Glossary,
    pub model: Option<NerModel>,
}

/// A pool of `jobs` worker threads, or one per core.
pub fn worker_pool(jobs: Option<usize>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {jobs:?} worker threads: {e}")))
}

impl Stages {
    pub fn load(
        dataset_dir: &Path,
        config: &DatasetConfig,
        options: &BuildOptions,
    ) -> Result<Self> {
        let pool = worker_pool(options.jobs)?;
        let model = if config.stages.entities.model {
            Some(NerModel::builtin()?)
        } else {
            None
        };
        let glossary = Glossary::load(&dataset_dir.join(GLOSSARY_FILE))?.unwrap_or_default();
        Ok(Stages {
            pool,
            glossary,
            model,
        })
    }

    pub fn sources(&self) -> NameSources<'_> {
        NameSources {
            glossary: &self.glossary,
            model: self.model.as_ref(),
        }
    }
}

/// The version being written: the write lock, its number and staging
/// folder, and the latest version's translation memory.
pub(crate) struct Target {
    lock: WriteLock,
    latest: Option<Version>,
    pub number: u32,
    pub staging: PathBuf,
    pub memory: Memory,
}

impl Target {
    pub fn open(dataset_dir: &Path) -> Result<Self> {
        let lock = WriteLock::acquire(dataset_dir)?;
        let latest = Version::latest(dataset_dir)?;
        let number = latest.as_ref().map_or(1, |v| v.number + 1);
        if let Some(version) = &latest {
            // Its translations are carried into the new version.
            version.check_integrity(Purpose::NewVersion)?;
        }
        let staging = lock.staging(number)?;
        let memory = match &latest {
            Some(version) => Memory::of(version, &staging)?,
            None => Memory::default(),
        };
        Ok(Target {
            lock,
            latest,
            number,
            staging,
            memory,
        })
    }

    /// Adds the glossary, the manifest and the descriptions to the written
    /// tables and publishes the version, unless its data and description
    /// equal the latest version's.
    pub fn publish(
        self,
        dataset_dir: &Path,
        config: &DatasetConfig,
        mut written: Written,
        model_ran: bool,
    ) -> Result<BuildReport> {
        let Target {
            lock,
            latest,
            number,
            staging,
            ..
        } = self;
        let glossary_path = dataset_dir.join(GLOSSARY_FILE);
        if let Some(glossary) = Glossary::load(&glossary_path)? {
            // The version keeps its own copy, so that it stays self-contained
            // however the dataset's glossary changes later.
            let bytes = std::fs::read(&glossary_path).at(&glossary_path)?;
            store::write_synced(&staging.join(GLOSSARY_FILE), &bytes)?;
            written.files.push(FileEntry {
                path: GLOSSARY_FILE.to_string(),
                table: GLOSSARY_TABLE.to_string(),
                format: "tsv".to_string(),
                sha256: sha256_hex(&bytes),
                bytes: bytes.len() as u64,
                rows: glossary.len() as u64,
            });
        }
        if let Some(latest) = &latest {
            // The descriptions name the version, so the data is compared, and
            // what the descriptions say about it.
            let same_data = describe::data_fingerprint(&latest.manifest)
                == manifest::fingerprint(&written.files);
            let same_about = latest.manifest.about.as_ref() == Some(&config.about);
            if same_data && same_about {
                std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
                return Ok(BuildReport {
                    published: None,
                    version: latest.name().to_string(),
                    fingerprint: latest.manifest.fingerprint.clone(),
                    counts: written.counts,
                    carried: written.carried,
                    skipped: written.skipped,
                    audit: written.audit,
                });
            }
        }
        let mut manifest = Manifest {
            format_version: MANIFEST_FORMAT_VERSION,
            dataset: config.name.clone(),
            version: store::version_name(number),
            parent: latest.as_ref().map(Version::as_parent),
            tool: tool_ref(model_ran),
            created: manifest::source_date_epoch()?.map(manifest::rfc3339_utc),
            source_language: config.source_language.clone(),
            target_language: config.target_language.clone(),
            settings: config.stages.clone(),
            about: Some(config.about.clone()),
            inputs: written.inputs,
            skipped: written.skipped.clone(),
            files: written.files,
            tables: written.tables,
            audit: written.audit.clone(),
            import: None,
            descriptions_format: None,
            fingerprint: String::new(),
            manifest_sha256: String::new(),
        };
        describe::write(&staging, &mut manifest)?;
        let bytes = manifest::seal(&mut manifest);
        store::write_synced(&staging.join(MANIFEST_FILE), &bytes)?;
        let published = lock.publish(&staging, number)?;
        Ok(BuildReport {
            published: Some(published),
            version: manifest.version,
            fingerprint: manifest.fingerprint,
            counts: written.counts,
            carried: written.carried,
            skipped: written.skipped,
            audit: written.audit,
        })
    }
}

/// This program, and the NER model when it tagged the entities.
pub(crate) fn tool_ref(model_ran: bool) -> ToolRef {
    ToolRef {
        name: env!("CARGO_PKG_NAME").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        ner_model: model_ran.then(NerModel::builtin_sha256),
    }
}

pub(crate) struct Written {
    pub files: Vec<FileEntry>,
    pub tables: BTreeMap<String, TableContent>,
    pub inputs: Vec<InputEntry>,
    pub skipped: Vec<SkippedInput>,
    pub counts: RowCounts,
    pub carried: CarryCounts,
    pub audit: Audit,
}

/// The split grouping's first pass: every document's shared-content keys,
/// computed in parallel batches and added in id order.
fn group_documents(
    plan: &Plan,
    scratch_dir: &Path,
    settings: &StageSettings,
    pool: &rayon::ThreadPool,
) -> Grouping {
    let mut grouper = Grouper::default();
    let mut raws = plan.raw_documents(scratch_dir);
    loop {
        let batch: Vec<RawDocument> = raws.by_ref().take(BATCH_DOCUMENTS).collect();
        if batch.is_empty() {
            break;
        }
        let keys: Vec<Option<ContentKeys>> = pool.install(|| {
            batch
                .into_par_iter()
                .map(|raw| {
                    raw.ingest()
                        .1
                        .ok()
                        .map(|clean| pipeline::content_keys(clean, settings))
                })
                .collect()
        });
        keys.iter().flatten().for_each(|k| grouper.add(k));
    }
    grouper.finish(&settings.splits)
}

/// What the writer applies to each document's rows in id order: the
/// translation memory's fills and the split grouping's assignments (none
/// for a shard, whose rows the merge finishes).
pub(crate) struct Finishing {
    pub memory: Memory,
    pub grouping: Option<Grouping>,
}

/// A processed document: its input entry, and its rows or why it was skipped.
pub(crate) type Processed = (
    Option<InputEntry>,
    std::result::Result<DocumentRows, SkippedInput>,
);

/// Reads documents in id order on this thread, decodes and processes them in
/// parallel batches (order kept), and writes them on a writer thread, so
/// that the output is the same for any number of threads.
pub(crate) fn write_tables(
    dir: &Path,
    plan: &Plan,
    settings: &StageSettings,
    sources: NameSources,
    finishing: Finishing,
    number: u32,
    (pool, options): (&rayon::ThreadPool, &BuildOptions),
) -> Result<Written> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Processed>>(2);
    let planned = plan.len() as u64;
    std::thread::scope(|scope| {
        let (inputs, skipped) = (plan.jsonl_inputs.clone(), plan.skipped.clone());
        let output = (dir, settings.output.rows_per_file);
        let writer = scope
            .spawn(move || write_batches(output, (inputs, skipped), receiver, finishing, number));
        let mut raws = plan.raw_documents(dir);
        let (mut done, mut bytes) = (0u64, 0u64);
        loop {
            let batch: Vec<RawDocument> = raws.by_ref().take(BATCH_DOCUMENTS).collect();
            if batch.is_empty() {
                break;
            }
            done += batch.len() as u64;
            bytes += batch.iter().map(RawDocument::len).sum::<u64>();
            let processed: Vec<Processed> = pool.install(|| {
                batch
                    .into_par_iter()
                    .map(|raw| {
                        let (input, ingested) = raw.ingest();
                        (
                            input,
                            ingested.map(|clean| pipeline::process(clean, settings, sources)),
                        )
                    })
                    .collect()
            });
            if sender.send(processed).is_err() {
                break; // The writer stopped on an error, which join reports.
            }
            if let Some(progress) = options.progress {
                progress(planned, done, bytes);
            }
        }
        drop(sender);
        writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Batches of rows waiting for a table's writer thread.
const TABLE_CHANNEL_BATCHES: usize = 2;

/// Where a table's rows go, and the thread that writes them.
type TableThread<'scope, T> = (
    SyncSender<Vec<T>>,
    ScopedJoinHandle<'scope, Result<TableFiles>>,
);

/// A writer thread for one table: it owns the table's files and returns
/// their manifest entries.
fn spawn_table<'scope, T: Table + 'static>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    (dir, rows_per_file): (&Path, u64),
) -> Result<TableThread<'scope, T>> {
    let mut writer = TableWriter::<T>::create(dir, rows_per_file)?;
    let (sender, receiver) = sync_channel::<Vec<T>>(TABLE_CHANNEL_BATCHES);
    let handle = scope.spawn(move || {
        for rows in receiver {
            rows.into_iter().try_for_each(|row| writer.push(row))?;
        }
        writer.finish()
    });
    Ok((sender, handle))
}

/// Audits the processed batches, fills their slots from the translation
/// memory, and hands their rows to one writer thread per table, so that the
/// four tables are encoded, compressed and hashed at the same time. The
/// translations that found no slot are written last, as orphans.
pub(crate) fn write_batches(
    (dir, rows_per_file): (&Path, u64),
    (mut inputs, mut skipped): (Vec<InputEntry>, Vec<SkippedInput>),
    batches: Receiver<Vec<Processed>>,
    finishing: Finishing,
    number: u32,
) -> Result<Written> {
    let Finishing {
        mut memory,
        mut grouping,
    } = finishing;
    let mut counts = RowCounts::default();
    let mut auditor = Auditor::default();
    let output = (dir, rows_per_file);
    let mut tables = std::thread::scope(|scope| -> Result<Vec<TableFiles>> {
        let (documents, documents_done) = spawn_table::<Document>(scope, output)?;
        let (sentences, sentences_done) = spawn_table::<Sentence>(scope, output)?;
        let (entities, entities_done) = spawn_table::<Entity>(scope, output)?;
        let (slots, slots_done) = spawn_table::<TranslationSlot>(scope, output)?;
        for batch in batches {
            let (mut d, mut s, mut e, mut t) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for (input, processed) in batch {
                inputs.extend(input);
                match processed {
                    Err(skip) => skipped.push(skip),
                    Ok(mut rows) => {
                        if let Some(grouping) = &mut grouping {
                            let assignment = grouping.assign(&rows.document.doc_id)?;
                            assign_split(&mut rows, assignment);
                        }
                        memory.fill(&rows.sentences, &mut rows.slots)?;
                        auditor.observe(&rows);
                        counts.documents += 1;
                        counts.sentences += rows.sentences.len() as u64;
                        counts.entities += rows.entities.len() as u64;
                        counts.slots += rows.slots.len() as u64;
                        d.push(rows.document);
                        s.extend(rows.sentences);
                        e.extend(rows.entities);
                        t.extend(rows.slots);
                    }
                }
            }
            let sent = documents.send(d).is_ok()
                && sentences.send(s).is_ok()
                && entities.send(e).is_ok()
                && slots.send(t).is_ok();
            if !sent {
                break; // A writer stopped on an error, which its join reports.
            }
            store::fault_point("after-document");
        }
        drop((documents, sentences, entities, slots));
        let mut tables = Vec::new();
        for done in [documents_done, sentences_done, entities_done, slots_done] {
            tables.push(
                done.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
            );
        }
        Ok(tables)
    })?;
    let mut audit = auditor.finish();
    if let (Some(splits), Some(grouping)) = (&mut audit.splits, &grouping) {
        splits.groups = grouping.groups();
        (splits.shared_groups, splits.shared_group_documents) = grouping.shared_groups();
    }
    let mut orphans: Option<TableWriter<Orphan>> = None;
    let carried = memory.finish(&store::version_name(number), |orphan| {
        counts.orphans += 1;
        let writer = match &mut orphans {
            Some(writer) => writer,
            None => orphans.insert(TableWriter::create(dir, rows_per_file)?),
        };
        writer.push(orphan)
    })?;
    if let Some(writer) = orphans {
        tables.push(writer.finish()?);
    }
    let (files, tables) = table_entries(tables);
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Written {
        files,
        tables,
        inputs,
        skipped,
        counts,
        carried,
        audit,
    })
}

/// The manifest's file list and content hashes of written tables.
pub(crate) fn table_entries(
    tables: Vec<TableFiles>,
) -> (Vec<FileEntry>, BTreeMap<String, TableContent>) {
    let mut files = Vec::new();
    let mut contents = BTreeMap::new();
    for table in tables {
        files.extend(table.files);
        contents.insert(table.table.to_string(), table.content);
    }
    (files, contents)
}

fn assign_split(rows: &mut DocumentRows, assignment: Assignment) {
    let split = assignment.split.as_str();
    for sentence in &mut rows.sentences {
        sentence.split = Some(split.to_string());
    }
    rows.document.split = Some(split.to_string());
    rows.document.split_group = Some(assignment.group);
}
