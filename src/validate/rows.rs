//! One table's rows, streamed once from Parquet, with the row-level
//! integrity checks done on the way: id order and uniqueness, the JSONL row
//! at the same position, and the row counts of both files.
//!
//! The JSONL lines are compared as bytes with the rows written the way
//! `build` writes them ([`JsonlCheck`]).

use std::path::{Path, PathBuf};

use super::findings::Report;
use super::jsonl_check::JsonlCheck;
use super::rules;
use crate::describe::features;
use crate::io::parquet;
use crate::manifest::is_rfc3339;
use crate::model::{
    origin, Document, Entity, FileEntry, Manifest, Orphan, Sentence, SlotStatus, TranslationSlot,
};
use crate::pipeline::{normalised_sha256_is, sha256_is};
use crate::table::Table;

/// A table's rows with their 1-based row numbers; findings go to a report
/// shared by the four tables of a version.
pub struct TableRows<T: Table> {
    /// The file pairs still to read, after the current one.
    parts: std::collections::VecDeque<(FileEntry, FileEntry)>,
    dir: PathBuf,
    /// The row number across the table's files, for the consistency checks.
    table_row: u64,
    parquet_path: PathBuf,
    jsonl_path: PathBuf,
    rows: Box<dyn Iterator<Item = crate::Result<T>>>,
    jsonl: Option<JsonlCheck>,
    expected: (u64, u64),
    count: u64,
    previous_id: Option<String>,
    findings: Report,
    finished: bool,
}

impl<T: Table + CheckAlone + 'static> TableRows<T> {
    /// Opens the table's files; `None` (with findings) when the Parquet file
    /// is missing, unreadable or of another schema.
    pub fn open(dir: &Path, manifest: &Manifest, findings: &mut Report) -> Option<Self> {
        let entries = |format: &'static str| {
            manifest
                .files
                .iter()
                .filter(move |f| f.table == T::NAME && f.format == format)
                .cloned()
        };
        let mut parts: std::collections::VecDeque<(FileEntry, FileEntry)> =
            entries("parquet").zip(entries("jsonl")).collect();
        let (parquet_entry, jsonl_entry) = parts.pop_front()?;
        let mut rows = Self::open_part(dir, &parquet_entry, &jsonl_entry, findings)?;
        rows.parts = parts;
        Some(rows)
    }

    /// Opens one Parquet and JSONL file pair of the table.
    fn open_part(
        dir: &Path,
        parquet_entry: &FileEntry,
        jsonl_entry: &FileEntry,
        findings: &mut Report,
    ) -> Option<Self> {
        let parquet_path = dir.join(&parquet_entry.path);
        let jsonl_path = dir.join(&jsonl_entry.path);
        if !parquet_path.is_file() {
            return None;
        }
        let opened = parquet::file_schema(&parquet_path)
            .and_then(|schema| Ok((schema, parquet::read_rows::<T>(&parquet_path)?)));
        let (schema, rows) = match opened {
            Ok(opened) => opened,
            Err(e) => {
                findings.add(
                    rules::TABLE_UNREADABLE,
                    &parquet_path,
                    None,
                    None,
                    e.to_string(),
                );
                return None;
            }
        };
        let (actual, expected) = (describe(&schema), describe(&T::schema()));
        let before_added = describe(&arrow_schema::Schema::new(
            T::schema()
                .fields()
                .iter()
                .filter(|f| !T::ADDED_COLUMNS.contains(&f.name().as_str()))
                .cloned()
                .collect::<Vec<_>>(),
        ));
        if actual != expected && actual != before_added {
            let message = format!(
                "schema is [{actual}], schemas/{}.schema.json says [{expected}]",
                T::NAME
            );
            findings.add(rules::TABLE_SCHEMA, &parquet_path, None, None, message);
            return None;
        }
        if let Some(stored) = schema.metadata().get(features::PARQUET_KEY) {
            if *stored != features::parquet_metadata_of::<T>(&schema) {
                let message = format!(
                    "the {:?} metadata does not describe the file's columns: {stored}",
                    features::PARQUET_KEY
                );
                findings.add(rules::TABLE_SCHEMA, &parquet_path, None, None, message);
            }
        }
        let rows = Box::new(rows);
        Some(TableRows {
            parts: Default::default(),
            dir: dir.to_path_buf(),
            table_row: 0,
            jsonl: JsonlCheck::open(jsonl_path.clone()),
            parquet_path,
            jsonl_path,
            rows,
            expected: (parquet_entry.rows, jsonl_entry.rows),
            count: 0,
            previous_id: None,
            findings: Report::new(),
            finished: false,
        })
    }

    /// The findings of the row checks, once the rows are all read.
    pub fn into_findings(self) -> Report {
        self.findings
    }

    /// The Parquet file's path, which consistency findings name.
    pub fn path(&self) -> &Path {
        &self.parquet_path
    }

    fn check_row(&mut self, row: &T) {
        let id = row.id();
        let findings = &mut self.findings;
        row.check_alone(self.count, &self.parquet_path, findings);
        if let Some(previous) = &self.previous_id {
            if previous.as_str() == id {
                findings.add(
                    rules::ID_DUPLICATE,
                    &self.parquet_path,
                    Some(self.count),
                    Some(id),
                    format!("id {id:?} appears twice"),
                );
            } else if previous.as_str() > id {
                findings.add(
                    rules::ID_ORDER,
                    &self.parquet_path,
                    Some(self.count),
                    Some(id),
                    format!("id {id:?} comes after {previous:?}"),
                );
            }
        }
        if let Some(jsonl) = self.jsonl.as_mut() {
            jsonl.push(row, self.count, findings);
        }
        match &mut self.previous_id {
            Some(previous) => {
                previous.clear();
                previous.push_str(id);
            }
            None => self.previous_id = Some(id.to_string()),
        }
    }

    /// Row counts against the manifest, and any JSONL lines past the last row.
    fn finish(&mut self, readable: bool) {
        self.finished = true;
        let findings = &mut self.findings;
        if let Some(jsonl) = self.jsonl.as_mut() {
            jsonl.finish::<T>(findings);
        }
        findings.stats.rows += self.count;
        if readable && self.count != self.expected.0 {
            let message = format!("{} rows, the manifest says {}", self.count, self.expected.0);
            findings.add(rules::FILE_ROWS, &self.parquet_path, None, None, message);
        }
        let lines = self.jsonl.as_ref().map(JsonlCheck::lines);
        if let Some(lines) = lines.filter(|&lines| lines != self.expected.1) {
            let message = format!("{lines} lines, the manifest says {}", self.expected.1);
            findings.add(rules::FILE_ROWS, &self.jsonl_path, None, None, message);
        }
    }
}

impl<T: Table + CheckAlone + 'static> Iterator for TableRows<T> {
    type Item = (u64, T);

    fn next(&mut self) -> Option<(u64, T)> {
        if self.finished {
            return None;
        }
        match self.rows.next() {
            Some(Ok(row)) => {
                self.count += 1;
                self.table_row += 1;
                self.check_row(&row);
                Some((self.table_row, row))
            }
            Some(Err(e)) => {
                self.findings.add(
                    rules::TABLE_UNREADABLE,
                    &self.parquet_path,
                    Some(self.count + 1),
                    None,
                    e.to_string(),
                );
                self.finish(false);
                None
            }
            None => {
                self.finish(true);
                let (parquet_entry, jsonl_entry) = self.parts.pop_front()?;
                let mut findings = Report::new();
                let next = Self::open_part(&self.dir, &parquet_entry, &jsonl_entry, &mut findings);
                self.findings.absorb(findings);
                let mut next = next?;
                next.parts = std::mem::take(&mut self.parts);
                next.table_row = self.table_row;
                next.previous_id = self.previous_id.take();
                next.findings = std::mem::replace(&mut self.findings, Report::new());
                *self = next;
                self.next()
            }
        }
    }
}

/// Checks that need nothing but the row itself, run on its table's thread
/// so that the consistency pass, which joins the tables, has less to do.
pub trait CheckAlone {
    fn check_alone(&self, _row: u64, _path: &Path, _findings: &mut Report) {}
}

impl CheckAlone for Document {
    fn check_alone(&self, row: u64, path: &Path, findings: &mut Report) {
        let hashed = (self.text.as_str(), self.text_sha256.as_str());
        check_text_hash(
            rules::DOCUMENT_HASH,
            hashed,
            (row, &self.doc_id),
            path,
            findings,
        );
        let mut problems = Vec::new();
        if !is_sha256_hex(&self.source_sha256) {
            problems.push(format!(
                "source_sha256 {:?} is not a sha256 (64 lowercase hex digits)",
                self.source_sha256
            ));
        }
        if let Err(e) = serde_json::from_str::<serde_json::Map<_, _>>(&self.metadata) {
            problems.push(format!("metadata is not a JSON object: {e}"));
        }
        let encoding = encoding_rs::Encoding::for_label(self.source_encoding.as_bytes());
        if encoding.map(encoding_rs::Encoding::name) != Some(self.source_encoding.as_str()) {
            problems.push(format!(
                "source_encoding {:?} is not an encoding name (UTF-8, UTF-16LE, windows-1256, ...)",
                self.source_encoding
            ));
        }
        report_formats(problems, (row, &self.doc_id), path, findings);
    }
}

impl CheckAlone for Sentence {
    fn check_alone(&self, row: u64, path: &Path, findings: &mut Report) {
        let hashed = (self.text.as_str(), self.text_sha256.as_str());
        check_text_hash(
            rules::SENTENCE_HASH,
            hashed,
            (row, &self.sentence_id),
            path,
            findings,
        );
        // Exports, imports and the splits group sentences by this key: a
        // wrong one would silently reuse or withhold translations.
        if !normalised_sha256_is(&self.text, &self.norm_sha256) {
            let message = "norm_sha256 is not the sha256 of the normalised text".to_string();
            let id = Some(self.sentence_id.as_str());
            findings.add(rules::SENTENCE_NORM_HASH, path, Some(row), id, message);
        }
    }
}

/// Reports `rule` when a row's `text_sha256` is not the sha256 of its text.
fn check_text_hash(
    rule: rules::Rule,
    (text, text_sha256): (&str, &str),
    (row, id): (u64, &str),
    path: &Path,
    findings: &mut Report,
) {
    if !sha256_is(text, text_sha256) {
        let message = "text_sha256 is not the sha256 of the text".to_string();
        findings.add(rule, path, Some(row), Some(id), message);
    }
}

impl CheckAlone for Entity {}

impl CheckAlone for TranslationSlot {
    fn check_alone(&self, row: u64, path: &Path, findings: &mut Report) {
        let empty = self.status == SlotStatus::Empty.as_str();
        let (origin, updated_at) = (self.origin.as_deref(), self.updated_at.as_deref());
        let problems = provenance_problems(empty, origin, updated_at);
        report_formats(problems, (row, &self.sentence_id), path, findings);
    }
}

impl CheckAlone for Orphan {
    fn check_alone(&self, row: u64, path: &Path, findings: &mut Report) {
        let (origin, updated_at) = (self.origin.as_deref(), self.updated_at.as_deref());
        let mut problems = provenance_problems(false, origin, updated_at);
        for (name, hash) in [
            ("source_sha256", &self.source_sha256),
            ("source_norm_sha256", &self.source_norm_sha256),
        ] {
            if !is_sha256_hex(hash) {
                problems.push(format!(
                    "{name} {hash:?} is not a sha256 (64 lowercase hex digits)"
                ));
            }
        }
        report_formats(problems, (row, &self.orphan_id), path, findings);
    }
}

/// What is wrong with who and when wrote a translation: both are null while
/// a slot is empty, and otherwise a known origin and an RFC 3339 time.
fn provenance_problems(empty: bool, origin: Option<&str>, updated_at: Option<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    match origin {
        Some(origin) if empty => {
            problems.push(format!("origin is {origin:?} but the slot is empty"))
        }
        Some(origin) if !origin::ALL.contains(&origin) => problems.push(format!(
            "origin {origin:?} is not {}",
            origin::ALL.join(", ")
        )),
        _ => {}
    }
    match updated_at {
        Some(time) if empty => {
            problems.push(format!("updated_at is {time:?} but the slot is empty"))
        }
        Some(time) if !is_rfc3339(time) => problems.push(format!(
            "updated_at {time:?} is not an RFC 3339 time such as 2026-11-24T10:00:00Z"
        )),
        _ => {}
    }
    problems
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn report_formats(
    problems: Vec<String>,
    (row, id): (u64, &str),
    path: &Path,
    findings: &mut Report,
) {
    for message in problems {
        findings.add(rules::FIELD_FORMAT, path, Some(row), Some(id), message);
    }
}

fn describe(schema: &arrow_schema::Schema) -> String {
    schema
        .fields()
        .iter()
        .map(|f| {
            format!(
                "{}: {}{}",
                f.name(),
                f.data_type(),
                if f.is_nullable() { "?" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows of one table checked on a thread of their own, in batches.
const CHANNEL_BATCH_ROWS: usize = 4096;

/// Rows received from a table's reader thread.
pub struct ChannelRows<T> {
    path: PathBuf,
    receiver: std::sync::mpsc::Receiver<Vec<(u64, T)>>,
    batch: std::vec::IntoIter<(u64, T)>,
}

impl<T> ChannelRows<T> {
    /// The Parquet file's path, which consistency findings name.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl<T> Iterator for ChannelRows<T> {
    type Item = (u64, T);

    fn next(&mut self) -> Option<(u64, T)> {
        loop {
            if let Some(row) = self.batch.next() {
                return Some(row);
            }
            self.batch = self.receiver.recv().ok()?.into_iter();
        }
    }
}

/// Reads and row-checks a table on a thread of the scope. Returns the rows
/// (or `None` when the table cannot be read, after the thread has recorded
/// why) and the thread, whose result is the table's findings.
pub fn spawn<'scope, T: Table + CheckAlone + 'static>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    dir: &'scope Path,
    manifest: &'scope Manifest,
) -> (
    Option<ChannelRows<T>>,
    std::thread::ScopedJoinHandle<'scope, Report>,
) {
    let (opened_sender, opened) = std::sync::mpsc::channel::<Option<PathBuf>>();
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<(u64, T)>>(2);
    let handle = scope.spawn(move || {
        let mut findings = Report::new();
        let Some(mut rows) = TableRows::<T>::open(dir, manifest, &mut findings) else {
            let _ = opened_sender.send(None);
            return findings;
        };
        let _ = opened_sender.send(Some(rows.path().to_path_buf()));
        let mut batch = Vec::with_capacity(CHANNEL_BATCH_ROWS);
        let mut listening = true;
        for row in rows.by_ref() {
            if !listening {
                continue; // The reader went away; finish the row checks alone.
            }
            batch.push(row);
            if batch.len() == CHANNEL_BATCH_ROWS {
                listening = sender.send(std::mem::take(&mut batch)).is_ok();
            }
        }
        if listening && !batch.is_empty() {
            let _ = sender.send(batch);
        }
        findings.absorb(rows.into_findings());
        findings
    });
    let rows = opened.recv().ok().flatten().map(|path| ChannelRows {
        path,
        receiver,
        batch: Vec::new().into_iter(),
    });
    (rows, handle)
}
