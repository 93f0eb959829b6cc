//! Ingestion: from the raw folder to cleaned document texts, in document id
//! order, streamed.
//!
//! Inputs are `.txt` files (one article each, in any of the encodings
//! [`decode`] recognises) and `.jsonl` / `.jsonl.gz` files (one article per
//! record: `id` and `text`; the other fields become document metadata).
//! [`plan`] reads every input once to learn the document ids (keeping only
//! the ids and where each record lies, not the texts) and sorts them;
//! [`Plan::raw_documents`] then streams the documents in id order: a JSONL
//! file whose records are in id order is read sequentially, once; one whose
//! records are out of order is read record by record at their offsets (a
//! gzip file from a decompressed copy in the build's scratch folder), so
//! that memory does not grow with the file either way.
//!
//! Every input either becomes documents or is listed as skipped with a
//! reason (and a record-level skip names the file and line); one bad input
//! never stops the run.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, Read, Write};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::io::encoding::NotUtf8;
use crate::io::hash::file_sha256;
use crate::io::jsonl;
use crate::model::{ids, Changes, InputEntry, SkippedInput};
use crate::settings::IngestSettings;
use crate::text::aligned::is_other_line_end;
use crate::text::clean::clean;
use crate::text::AlignedText;

/// Offsets are stored as int32, so no document may be longer.
pub const MAX_DOCUMENT_CHARS: usize = i32::MAX as usize;

/// A share of control characters above this marks a file as binary.
const MAX_CONTROL_SHARE: f64 = 0.01;

/// A decoded and cleaned article, before segmentation.
#[derive(Debug)]
pub struct CleanText {
    pub doc_id: String,
    pub source_path: String,
    pub source_sha256: String,
    pub source_encoding: String,
    /// Cleaned text with its alignment back to the decoded raw text.
    pub aligned: AlignedText,
    pub changes: Changes,
    /// Fields of the input record other than id and text.
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

/// What became of one planned document.
pub type Ingested = std::result::Result<CleanText, SkippedInput>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    Text,
    Jsonl { gzip: bool },
}

#[derive(Debug)]
struct Source {
    path: PathBuf,
    rel_path: String,
    kind: SourceKind,
    access: Access,
}

/// How a source's documents are read in id order.
#[derive(Debug)]
enum Access {
    /// A text file, or JSONL records in id order: read from the start, once
    /// per pass.
    InOrder,
    /// JSONL records out of id order: each read at its offset in the file
    /// itself or, for gzip, in a decompressed copy; opened (or made) on first
    /// use, kept for the next pass, or why it cannot be.
    ByOffset(OnceLock<std::result::Result<File, String>>),
}

#[derive(Debug)]
struct Planned {
    doc_id: String,
    source: usize,
    /// 1-based line of a JSONL record; 0 for a text file.
    line: u64,
    /// Where the record's line starts in the (decompressed) file, and its
    /// length without the newline.
    offset: u64,
    len: u64,
}

/// Every document to build, in id order, and every input that is skipped.
#[derive(Debug)]
pub struct Plan {
    sources: Vec<Source>,
    planned: Vec<Planned>,
    /// Inputs (or records) that will not become documents.
    pub skipped: Vec<SkippedInput>,
    /// The JSONL inputs, hashed while they were indexed.
    pub jsonl_inputs: Vec<InputEntry>,
    settings: IngestSettings,
}

/// The codes of skipped inputs (`skipped[].code` in the manifest), stable
/// for scripts; `schemas/manifest.schema.json` lists the same.
pub mod skip_code {
    /// A name starting with a dot.
    pub const HIDDEN_FILE: &str = "hidden-file";
    /// Not .txt, .jsonl or .jsonl.gz.
    pub const UNSUPPORTED_FORMAT: &str = "unsupported-format";
    /// A document id another input already has.
    pub const DUPLICATE_ID: &str = "duplicate-id";
    /// A file that cannot be read, or a folder that cannot be listed.
    pub const UNREADABLE: &str = "unreadable";
    /// A symbolic link to nothing.
    pub const BROKEN_LINK: &str = "broken-link";
    /// A symbolic link to a folder that holds it.
    pub const LINK_LOOP: &str = "link-loop";
    /// Another name of a file that is read under its first name.
    pub const SAME_FILE: &str = "same-file";
    /// NUL bytes or too many control characters.
    pub const BINARY: &str = "binary";
    /// UTF-8 with a few invalid sequences.
    pub const INVALID_UTF8: &str = "invalid-utf8";
    /// Neither UTF-8 nor a code page the bytes fit.
    pub const INVALID_ENCODING: &str = "invalid-encoding";
    /// No text.
    pub const EMPTY: &str = "empty";
    /// More code points than 32-bit offsets reach.
    pub const TOO_LARGE: &str = "too-large";
    /// A JSONL line that is not a record with `id` and `text`.
    pub const INVALID_RECORD: &str = "invalid-record";
    /// A compressed input that ends early.
    pub const CORRUPT_FILE: &str = "corrupt-file";

    /// Every code.
    pub const ALL: [&str; 14] = [
        HIDDEN_FILE,
        UNSUPPORTED_FORMAT,
        DUPLICATE_ID,
        UNREADABLE,
        BROKEN_LINK,
        LINK_LOOP,
        SAME_FILE,
        BINARY,
        INVALID_UTF8,
        INVALID_ENCODING,
        EMPTY,
        TOO_LARGE,
        INVALID_RECORD,
        CORRUPT_FILE,
    ];
}

fn skip(path: &str, code: &str, reason: impl Into<String>) -> SkippedInput {
    SkippedInput {
        path: path.to_string(),
        code: code.to_string(),
        reason: reason.into(),
    }
}

/// A file's name in lower case.
fn lowercase_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Whether a path under the raw folder is hidden: a name in it starts with a dot.
fn is_hidden(rel_to_raw: &Path) -> bool {
    rel_to_raw
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
}

/// The kind of input a file's lower-case name says, if tarjama reads it.
fn kind_of(name: &str) -> Option<SourceKind> {
    if name.ends_with(".txt") {
        Some(SourceKind::Text)
    } else if name.ends_with(".jsonl") {
        Some(SourceKind::Jsonl { gzip: false })
    } else if name.ends_with(".jsonl.gz") {
        Some(SourceKind::Jsonl { gzip: true })
    } else {
        None
    }
}

/// `path` relative to `base`, `/`-separated (or the whole path when outside it).
pub fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Lists and indexes the raw folder.
pub fn plan(dataset_dir: &Path, raw_dir: &Path, settings: &IngestSettings) -> Result<Plan> {
    let RawListing { files, skipped, .. } = RawListing::of(dataset_dir, raw_dir)?;
    let mut plan = Plan {
        sources: Vec::new(),
        planned: Vec::new(),
        skipped,
        jsonl_inputs: Vec::new(),
        settings: settings.clone(),
    };
    for path in files {
        let rel_path = relative(dataset_dir, &path);
        let rel_to_raw = path.strip_prefix(raw_dir).unwrap_or(&path).to_path_buf();
        let name = lowercase_name(&path);
        match (is_hidden(&rel_to_raw), kind_of(&name)) {
            (true, _) => plan.skipped.push(skip(&rel_path, skip_code::HIDDEN_FILE, "hidden file (name starts with '.'): not read as an article; rename it to include it")),
            (false, None) => plan.skipped.push(skip(
                &rel_path,
                skip_code::UNSUPPORTED_FORMAT,
                format!("unsupported file type: tarjama reads .txt, .jsonl and .jsonl.gz; convert {name:?} or move it out of the raw folder"),
            )),
            (false, Some(SourceKind::Text)) => {
                let stem = rel_to_raw.with_extension("");
                let stem = stem.to_string_lossy().replace(std::path::MAIN_SEPARATOR, ".");
                plan.planned.push(Planned {
                    doc_id: ids::doc_id_from_stem(&stem),
                    source: plan.sources.len(),
                    line: 0,
                    offset: 0,
                    len: 0,
                });
                plan.sources.push(Source { path, rel_path, kind: SourceKind::Text, access: Access::InOrder });
            }
            (false, Some(kind)) => plan.index_jsonl(path, rel_path, kind),
        }
    }
    plan.planned
        .sort_by(|a, b| (&a.doc_id, a.source, a.line).cmp(&(&b.doc_id, b.source, b.line)));
    let mut kept: Vec<Planned> = Vec::with_capacity(plan.planned.len());
    for entry in std::mem::take(&mut plan.planned) {
        match kept.last() {
            Some(previous) if previous.doc_id == entry.doc_id => {
                let reason = format!(
                    "its document id {:?} is already taken by {}; rename one of the two",
                    entry.doc_id,
                    plan.location(previous)
                );
                plan.skipped.push(skip(
                    &plan.location(&entry),
                    skip_code::DUPLICATE_ID,
                    reason,
                ));
            }
            _ => kept.push(entry),
        }
    }
    plan.planned = kept;
    plan.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(plan)
}

impl Plan {
    /// Number of documents planned (before decoding, which may still skip some).
    pub fn len(&self) -> usize {
        self.planned.len()
    }

    pub fn is_empty(&self) -> bool {
        self.planned.is_empty()
    }

    /// Keeps only the documents whose id `keep` accepts (one shard's share).
    pub fn retain_documents(&mut self, keep: impl Fn(&str) -> bool) {
        self.planned.retain(|entry| keep(&entry.doc_id));
    }

    fn location(&self, entry: &Planned) -> String {
        let source = &self.sources[entry.source];
        match source.kind {
            SourceKind::Text => source.rel_path.clone(),
            SourceKind::Jsonl { .. } => format!("{}:{}", source.rel_path, entry.line),
        }
    }

    /// Reads a JSONL input once: hashes it, learns its record ids and
    /// offsets, and lists its malformed records.
    fn index_jsonl(&mut self, path: PathBuf, rel_path: String, kind: SourceKind) {
        let source = self.sources.len();
        let opened = file_sha256(&path).and_then(|hash| {
            Ok((
                hash,
                open_lines(&path, kind).map_err(|e| Error::io(&path, e))?,
            ))
        });
        let ((sha256, bytes), mut lines) = match opened {
            Ok(opened) => opened,
            Err(e) => {
                self.skipped.push(skip(
                    &rel_path,
                    skip_code::UNREADABLE,
                    format!("cannot read the file ({e}); check its permissions"),
                ));
                return;
            }
        };
        let mut previous: Option<String> = None;
        let mut sorted = true;
        let mut line_no = 0u64;
        let mut offset = 0u64;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let line_offset = offset;
            match lines.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    line_no += 1;
                    offset += n as u64;
                }
                Err(e) => {
                    let reason = format!("the file cannot be read past line {line_no} ({e}); the rest of it is not included: re-export or re-compress it");
                    self.skipped.push(skip(
                        &format!("{rel_path}:{}", line_no + 1),
                        skip_code::CORRUPT_FILE,
                        reason,
                    ));
                    break;
                }
            }
            let location = format!("{rel_path}:{line_no}");
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match record_id(&buf) {
                Ok(id) => {
                    let doc_id = ids::doc_id_from_stem(&id);
                    if previous.as_ref().is_some_and(|p| *p > doc_id) {
                        sorted = false;
                    }
                    previous = Some(doc_id.clone());
                    self.planned.push(Planned {
                        doc_id,
                        source,
                        line: line_no,
                        offset: line_offset,
                        len: buf.strip_suffix(b"\n").unwrap_or(&buf).len() as u64,
                    });
                }
                Err(reason) => {
                    self.skipped
                        .push(skip(&location, skip_code::INVALID_RECORD, reason))
                }
            }
        }
        self.jsonl_inputs.push(InputEntry {
            path: rel_path.clone(),
            sha256,
            bytes,
        });
        self.sources.push(Source {
            path,
            rel_path,
            kind,
            access: if sorted {
                Access::InOrder
            } else {
                Access::ByOffset(OnceLock::new())
            },
        });
    }

    /// Streams the planned documents' raw bytes in id order. Reading is
    /// sequential; [`RawDocument::ingest`] (decoding and cleanup) can then
    /// run on any thread. A gzip file whose records are out of id order is
    /// decompressed into `scratch_dir` (a folder of the build's own) the
    /// first time, to be read by offset.
    pub fn raw_documents<'a>(
        &'a self,
        scratch_dir: &'a Path,
    ) -> impl Iterator<Item = RawDocument> + 'a {
        let mut cursors: HashMap<usize, Cursor> = HashMap::new();
        self.planned.iter().map(move |entry| {
            let source = &self.sources[entry.source];
            let location = self.location(entry);
            let (is_record, bytes) = match source.kind {
                SourceKind::Text => (
                    false,
                    std::fs::read(&source.path).map_err(|e| {
                        skip(
                            &location,
                            skip_code::UNREADABLE,
                            format!("cannot read the file ({e}); check its permissions"),
                        )
                    }),
                ),
                SourceKind::Jsonl { .. } => {
                    let cursor = cursors
                        .entry(entry.source)
                        .or_insert_with(|| Cursor::open(source, entry.source, scratch_dir));
                    (
                        true,
                        cursor
                            .record(entry)
                            .map_err(|reason| skip(&location, skip_code::UNREADABLE, reason)),
                    )
                }
            };
            RawDocument {
                doc_id: entry.doc_id.clone(),
                location,
                is_record,
                bytes,
                accept_invalid_utf8: self.settings.accept_invalid_utf8,
            }
        })
    }
}

/// One planned document's raw bytes: a whole text file, or one JSONL line.
#[derive(Debug)]
pub struct RawDocument {
    doc_id: String,
    /// The file, or `FILE:LINE` for a record.
    location: String,
    is_record: bool,
    bytes: std::result::Result<Vec<u8>, SkippedInput>,
    accept_invalid_utf8: bool,
}

impl RawDocument {
    /// Raw bytes read (0 for an input that could not be read).
    pub fn len(&self) -> u64 {
        self.bytes.as_ref().map_or(0, |b| b.len() as u64)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Decodes and cleans the document: its input entry (for a text file)
    /// and the cleaned text, or why it is skipped.
    pub fn ingest(self) -> (Option<InputEntry>, Ingested) {
        let bytes = match self.bytes {
            Ok(bytes) => bytes,
            Err(skipped) => return (None, Err(skipped)),
        };
        if self.is_record {
            return (None, from_record(&bytes, &self.doc_id, &self.location));
        }
        let source_sha256 = hex::encode(Sha256::digest(&bytes));
        let input = InputEntry {
            path: self.location.clone(),
            sha256: source_sha256.clone(),
            bytes: bytes.len() as u64,
        };
        let outcome = decode(&bytes, self.accept_invalid_utf8)
            .map_err(|(code, reason)| skip(&self.location, code, reason))
            .and_then(|decoded| {
                let (aligned, mut changes) = clean(&decoded.text);
                changes.invalid_bytes = decoded.replaced as i32;
                check_cleaned(&aligned, &self.location)?;
                Ok(CleanText {
                    doc_id: self.doc_id,
                    source_path: self.location.clone(),
                    source_sha256,
                    source_encoding: decoded.encoding.to_string(),
                    aligned,
                    changes,
                    metadata: serde_json::Map::new(),
                })
            });
        (Some(input), outcome)
    }
}

/// The `id` of a JSONL record, or why the line is not a usable record.
fn record_id(line: &[u8]) -> std::result::Result<String, String> {
    #[derive(serde::Deserialize)]
    struct Head {
        id: serde_json::Value,
        text: Option<serde_json::Value>,
    }
    let head: Head = serde_json::from_slice(crate::io::without_bom(line))
        .map_err(|e| format!("not a JSON record with an \"id\": {e}; fix or remove the line"))?;
    if !matches!(head.text, Some(serde_json::Value::String(_))) {
        return Err("the record has no string \"text\"; add one or remove the line".into());
    }
    match head.id {
        serde_json::Value::String(s) if !s.is_empty() => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(format!(
            "the record's \"id\" {other} is not a non-empty string or number"
        )),
    }
}

/// Opens a JSONL source, decompressing `.gz`, for reading line by line.
fn open_lines(path: &Path, kind: SourceKind) -> std::io::Result<Box<dyn BufRead>> {
    jsonl::open_lines(path, matches!(kind, SourceKind::Jsonl { gzip: true }))
}

/// The file to read `source`'s records from by offset: the file itself, or
/// for gzip its decompressed content in a new file of `scratch_dir`. That
/// copy has no name once made (Unix keeps an open file whose name is
/// removed), so neither a finished build nor a killed one leaves it behind.
/// Decompression stops where the file is corrupt, as indexing did.
fn open_by_offset(
    source: &Source,
    number: usize,
    scratch_dir: &Path,
) -> std::result::Result<File, String> {
    if source.kind != (SourceKind::Jsonl { gzip: true }) {
        return File::open(&source.path).map_err(cannot_reopen);
    }
    let mut lines = open_lines(&source.path, source.kind).map_err(cannot_reopen)?;
    let copy_path = scratch_dir.join(format!(".unsorted-{number}.jsonl"));
    let not_writable = |e| {
        format!(
            "its records are out of id order, and a decompressed copy to read them from cannot be written to {} ({e}); free some disk space or sort the file by id",
            copy_path.display()
        )
    };
    let copy = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&copy_path)
        .map_err(not_writable)?;
    std::fs::remove_file(&copy_path).map_err(not_writable)?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 16, &copy);
    let mut chunk = vec![0u8; 1 << 16];
    while let Ok(n @ 1..) = lines.read(&mut chunk) {
        writer.write_all(&chunk[..n]).map_err(not_writable)?;
    }
    writer.flush().map_err(not_writable)?;
    drop(writer);
    Ok(copy)
}

/// Why the records of a file indexed a moment ago cannot be read.
fn cannot_reopen(e: std::io::Error) -> String {
    format!("cannot reopen the file ({e})")
}

/// Reads a JSONL source's planned records, in the plan's order.
enum Cursor<'a> {
    Sequential { lines: Box<dyn BufRead>, at: u64 },
    ByOffset(&'a File),
    Failed(String),
}

impl<'a> Cursor<'a> {
    fn open(source: &'a Source, number: usize, scratch_dir: &Path) -> Cursor<'a> {
        if let Access::ByOffset(file) = &source.access {
            return match file.get_or_init(|| open_by_offset(source, number, scratch_dir)) {
                Ok(file) => Cursor::ByOffset(file),
                Err(reason) => Cursor::Failed(reason.clone()),
            };
        }
        match open_lines(&source.path, source.kind) {
            Ok(lines) => Cursor::Sequential { lines, at: 0 },
            Err(e) => Cursor::Failed(cannot_reopen(e)),
        }
    }

    /// The bytes of the record `entry`; records are asked for in increasing
    /// line order from a sequential cursor.
    fn record(&mut self, entry: &Planned) -> std::result::Result<Vec<u8>, String> {
        let n = entry.line;
        match self {
            Cursor::Failed(reason) => Err(reason.clone()),
            Cursor::ByOffset(file) => {
                let mut buf = vec![0u8; entry.len as usize];
                let mut end = [0u8; 1];
                file.read_exact_at(&mut buf, entry.offset)
                    .map_err(|e| format!("cannot read line {n}: {e}"))?;
                // The line must still end where it ended when indexed.
                match file.read_at(&mut end, entry.offset + entry.len) {
                    Ok(0) => Ok(buf),
                    Ok(_) if end == *b"\n" => Ok(buf),
                    _ => Err(format!(
                        "line {n} is not where it was: the file changed during the build"
                    )),
                }
            }
            Cursor::Sequential { lines, at } => {
                let mut buf = Vec::new();
                while *at < n {
                    buf.clear();
                    match lines.read_until(b'\n', &mut buf) {
                        Ok(0) => {
                            return Err(format!(
                                "the file ended before line {n}: it changed during the build"
                            ))
                        }
                        Ok(_) => *at += 1,
                        Err(e) => return Err(format!("cannot read line {n}: {e}")),
                    }
                }
                if buf.last() == Some(&b'\n') {
                    buf.pop();
                }
                Ok(buf)
            }
        }
    }
}

fn from_record(line: &[u8], doc_id: &str, location: &str) -> Ingested {
    let mut record: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(crate::io::without_bom(line)).map_err(|e| {
            skip(
                location,
                skip_code::INVALID_RECORD,
                format!("not a JSON record: {e}"),
            )
        })?;
    record.remove("id");
    let text = match record.remove("text") {
        Some(serde_json::Value::String(text)) => text,
        _ => {
            return Err(skip(
                location,
                skip_code::INVALID_RECORD,
                "the record has no string \"text\"",
            ))
        }
    };
    let (aligned, changes) = clean(&text);
    check_cleaned(&aligned, location)?;
    Ok(CleanText {
        doc_id: doc_id.to_string(),
        source_path: location.to_string(),
        source_sha256: hex::encode(Sha256::digest(line)),
        source_encoding: "UTF-8".to_string(),
        aligned,
        changes,
        metadata: record,
    })
}

fn check_cleaned(aligned: &AlignedText, location: &str) -> std::result::Result<(), SkippedInput> {
    if aligned.text().trim().is_empty() {
        return Err(skip(
            location,
            skip_code::EMPTY,
            "no text (empty or whitespace only)",
        ));
    }
    if aligned.char_len() > MAX_DOCUMENT_CHARS {
        let reason = format!(
            "{} code points exceed the {MAX_DOCUMENT_CHARS} a document may hold (offsets are 32-bit); split it",
            aligned.char_len()
        );
        return Err(skip(location, skip_code::TOO_LARGE, reason));
    }
    Ok(())
}

/// The files under the raw folder, in path order, and what could not be
/// listed. Symbolic links are followed, as a corpus kept elsewhere is often
/// linked into `raw/`; a link back to a folder that holds it would be read
/// for ever, and a link to nothing cannot be read, so both are listed as
/// skipped with where they point. A file reached under two names (a link to
/// a sibling folder, a hard link) is read once, or its articles would be
/// two documents under two ids.
struct RawListing<'a> {
    dataset_dir: &'a Path,
    raw_dir: PathBuf,
    /// The folders being listed, outermost first: canonical path, and
    /// path relative to the dataset as the listing reached it.
    open_folders: Vec<(PathBuf, String)>,
    files: Vec<PathBuf>,
    /// Where each file was listed in `files`, and whether under a name
    /// reached through a symbolic link.
    names_of_files: HashMap<FileIdentity, (usize, bool)>,
    skipped: Vec<SkippedInput>,
}

/// A file's device and inode: the same for every name of one file.
type FileIdentity = (u64, u64);

impl<'a> RawListing<'a> {
    fn of(dataset_dir: &'a Path, raw_dir: &Path) -> Result<RawListing<'a>> {
        let raw_error = |source| Error::RawFolder {
            path: raw_dir.to_path_buf(),
            source,
        };
        let mut listing = RawListing {
            dataset_dir,
            raw_dir: raw_dir.to_path_buf(),
            open_folders: Vec::new(),
            files: Vec::new(),
            names_of_files: HashMap::new(),
            skipped: Vec::new(),
        };
        let children = sorted_children(raw_dir).map_err(raw_error)?;
        listing.open_folders.push((
            raw_dir.canonicalize().map_err(raw_error)?,
            relative(dataset_dir, raw_dir),
        ));
        listing.add_children(children, false);
        Ok(listing)
    }

    fn add_children(&mut self, children: Vec<(PathBuf, bool)>, via_link: bool) {
        for (child, is_link) in children {
            let via_link = via_link || is_link;
            let rel_path = relative(self.dataset_dir, &child);
            let metadata = match std::fs::metadata(&child) {
                Ok(metadata) => metadata,
                Err(e) => {
                    let target = std::fs::read_link(&child).map_or_else(
                        |_| "its target".to_string(),
                        |t| format!("{:?}", t.display().to_string()),
                    );
                    self.skipped.push(skip(
                        &rel_path,
                        skip_code::BROKEN_LINK,
                        format!("a symbolic link to {target}, which cannot be reached ({e}); point it at the articles or remove it"),
                    ));
                    continue;
                }
            };
            if !metadata.is_dir() {
                self.add_file(child, (metadata.dev(), metadata.ino()), via_link);
                continue;
            }
            let canonical = match child.canonicalize() {
                Ok(canonical) => canonical,
                Err(e) => {
                    self.skipped.push(unreadable_folder(&rel_path, &e));
                    continue;
                }
            };
            if let Some((_, outer)) = self.open_folders.iter().find(|(f, _)| *f == canonical) {
                let reason = format!(
                    "a symbolic link to {outer:?}, a folder that holds it: following it would never end; remove the link"
                );
                self.skipped
                    .push(skip(&rel_path, skip_code::LINK_LOOP, reason));
                continue;
            }
            match sorted_children(&child) {
                Ok(grandchildren) => {
                    self.open_folders.push((canonical, rel_path));
                    self.add_children(grandchildren, via_link);
                    self.open_folders.pop();
                }
                Err(e) => self.skipped.push(unreadable_folder(&rel_path, &e)),
            }
        }
    }

    /// Lists a file unless another name of it is listed: the name reached
    /// without a symbolic link, or else the first, is read. A name that is
    /// not read anyway (hidden, or of a type tarjama does not read) is
    /// listed as it is, so that it never stands in for a name that is read.
    fn add_file(&mut self, path: PathBuf, identity: FileIdentity, via_link: bool) {
        let rel_to_raw = path.strip_prefix(&self.raw_dir).unwrap_or(&path);
        if is_hidden(rel_to_raw) || kind_of(&lowercase_name(&path)).is_none() {
            self.files.push(path);
            return;
        }
        let Some(&(index, listed_via_link)) = self.names_of_files.get(&identity) else {
            self.names_of_files
                .insert(identity, (self.files.len(), via_link));
            self.files.push(path);
            return;
        };
        let (read, not_read) = if listed_via_link && !via_link {
            self.names_of_files.insert(identity, (index, false));
            let linked = std::mem::replace(&mut self.files[index], path);
            (self.files[index].clone(), linked)
        } else {
            (self.files[index].clone(), path)
        };
        let reason = format!(
            "the same file as {}, reached under two names (a symbolic or hard link): read once, under that name; remove the link to silence this",
            relative(self.dataset_dir, &read)
        );
        self.skipped.push(skip(
            &relative(self.dataset_dir, &not_read),
            skip_code::SAME_FILE,
            reason,
        ));
    }
}

fn unreadable_folder(rel_path: &str, e: &std::io::Error) -> SkippedInput {
    skip(
        rel_path,
        skip_code::UNREADABLE,
        format!("cannot list the folder ({e}); check its permissions"),
    )
}

/// A folder's entries in path order, each with whether it is a symbolic link.
fn sorted_children(dir: &Path) -> std::io::Result<Vec<(PathBuf, bool)>> {
    let mut children = std::fs::read_dir(dir)?
        .map(|entry| {
            let entry = entry?;
            Ok((entry.path(), entry.file_type()?.is_symlink()))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    children.sort();
    Ok(children)
}

/// Decoded text and how it was decoded.
#[derive(Debug, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG label of the encoding.
    pub encoding: &'static str,
    /// Invalid byte sequences replaced by U+FFFD.
    pub replaced: u32,
}

/// Decodes a text file's bytes.
///
/// - A UTF-16 byte order mark means UTF-16.
/// - NUL bytes, or more than 1% control characters, mean a binary file.
/// - Valid UTF-8 (with or without BOM) is UTF-8.
/// - UTF-8 with a few invalid sequences (one, or at most 1 in 20 non-ASCII
///   sequences) is refused with the byte offset of the first, unless the
///   dataset accepts it (`accept_invalid_utf8`), which replaces them by
///   U+FFFD and counts them.
/// - Anything else is a legacy code page: chardetng guesses it (it knows
///   windows-1256 and ISO-8859-6 for Arabic) and encoding_rs decodes it; a
///   byte the guessed code page cannot map refuses the file.
pub fn decode(
    bytes: &[u8],
    accept_invalid_utf8: bool,
) -> std::result::Result<Decoded, (&'static str, String)> {
    let decoded = if let Some(encoding) = crate::io::encoding::encoding_of_bom(bytes) {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        if had_errors {
            return Err((
                skip_code::INVALID_ENCODING,
                format!(
                    "invalid {} (an odd length or unpaired surrogate); re-export the file",
                    encoding.name()
                ),
            ));
        }
        Decoded {
            text: text.into_owned(),
            encoding: encoding.name(),
            replaced: 0,
        }
    } else if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err((
            skip_code::BINARY,
            format!("NUL byte at byte {nul}: this is not a text file"),
        ));
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => Decoded {
                text: text.to_string(),
                encoding: "UTF-8",
                replaced: 0,
            },
            Err(e) => decode_not_utf8(bytes, e.valid_up_to(), accept_invalid_utf8)?,
        }
    };
    // Counted in one pass, keeping the first for the message.
    let (mut chars, mut controls, mut first) = (0usize, 0usize, None);
    for c in decoded.text.chars() {
        if c.is_control() && !matches!(c, '\n' | '\t') && !is_other_line_end(c) {
            first.get_or_insert((chars, c));
            controls += 1;
        }
        chars += 1;
    }
    if let Some((first_at, first)) = first {
        if controls as f64 / chars as f64 > MAX_CONTROL_SHARE {
            return Err((
                skip_code::BINARY,
                format!(
                    "{controls} of its {chars} characters (read as {}) are control characters, \
                     the first U+{:04X} at character {first_at}: this is not a text file",
                    decoded.encoding,
                    u32::from(first)
                ),
            ));
        }
    }
    Ok(decoded)
}

fn decode_not_utf8(
    bytes: &[u8],
    first_bad: usize,
    accept: bool,
) -> std::result::Result<Decoded, (&'static str, String)> {
    let census = crate::io::encoding::census(std::io::Cursor::new(bytes), first_bad as u64)
        .map_err(|e| (skip_code::INVALID_ENCODING, e.to_string()))?;
    let encoding = match census {
        NotUtf8::Damaged { invalid, first_at } if !accept => {
            return Err((
                skip_code::INVALID_UTF8,
                format!(
                    "UTF-8 with {invalid} invalid byte sequence(s), the first at byte {first_at}: repair the file, or set `accept_invalid_utf8 = true` under [ingest] in dataset.toml to accept it with U+FFFD"
                ),
            ));
        }
        NotUtf8::Damaged { invalid, .. } => {
            return Ok(Decoded {
                text: String::from_utf8_lossy(bytes).into_owned(),
                encoding: "UTF-8",
                replaced: invalid as u32,
            });
        }
        NotUtf8::Legacy(encoding) => encoding,
    };
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(Decoded { text: text.into_owned(), encoding: encoding.name(), replaced: 0 }),
        None => Err((
            skip_code::INVALID_ENCODING,
            format!(
                "neither UTF-8 (invalid at byte {first_bad}) nor {} (the best guess): convert the file to UTF-8",
                encoding.name()
            ),
        )),
    }
}

/// Reads all of `reader` (for tests of compressed input).
#[cfg(test)]
fn read_all(mut reader: impl std::io::Read) -> Vec<u8> {
    let mut out = Vec::new();
    reader.read_to_end(&mut out).unwrap();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_out_of_id_order_are_read_at_their_offsets_and_a_changed_file_is_caught() {
        let dir = std::env::temp_dir().join(format!("tarjama-by-offset-{}", std::process::id()));
        let raw = dir.join("raw");
        std::fs::create_dir_all(&raw).unwrap();
        let records = "{\"id\": \"b\", \"text\": \"باء\"}\n{\"id\": \"a\", \"text\": \"ألف\"}\n";
        std::fs::write(raw.join("r.jsonl"), records).unwrap();
        let plan = plan(&dir, &raw, &IngestSettings::default()).unwrap();
        let read = |plan: &Plan| -> Vec<std::result::Result<Vec<u8>, SkippedInput>> {
            plan.raw_documents(&dir).map(|raw| raw.bytes).collect()
        };
        let bytes = read(&plan);
        assert_eq!(
            bytes[0].as_ref().unwrap(),
            r#"{"id": "a", "text": "ألف"}"#.as_bytes()
        );
        assert_eq!(
            bytes[1].as_ref().unwrap(),
            r#"{"id": "b", "text": "باء"}"#.as_bytes()
        );
        // One byte more in the first line moves the second one.
        std::fs::write(raw.join("r.jsonl"), records.replacen("باء", "باءً", 1)).unwrap();
        let bytes = read(&plan);
        std::fs::remove_dir_all(&dir).unwrap();
        let skipped = bytes[0].as_ref().unwrap_err();
        assert_eq!(skipped.path, "raw/r.jsonl:2");
        assert!(
            skipped.reason.contains("changed during the build"),
            "{skipped:?}"
        );
    }

    #[test]
    fn utf16_with_bom_decodes() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in "سلام".encode_utf16() {
            le.extend(unit.to_le_bytes());
            be.extend(unit.to_be_bytes());
        }
        assert_eq!(decode(&le, false).unwrap().text, "سلام");
        assert_eq!(decode(&le, false).unwrap().encoding, "UTF-16LE");
        assert_eq!(decode(&be, false).unwrap().encoding, "UTF-16BE");
    }

    #[test]
    fn a_few_invalid_bytes_in_utf8_are_refused_with_their_offset_or_replaced_when_accepted() {
        let bytes = "سلام عليكم ورحمة الله"
            .as_bytes()
            .iter()
            .copied()
            .chain([0xFF])
            .chain(*b" ok")
            .collect::<Vec<u8>>();
        let (code, reason) = decode(&bytes, false).unwrap_err();
        assert_eq!(code, "invalid-utf8");
        assert!(reason.contains("at byte 39"), "{reason}");
        let accepted = decode(&bytes, true).unwrap();
        assert_eq!(accepted.replaced, 1);
        assert!(accepted.text.ends_with("الله\u{fffd} ok"));
    }

    #[test]
    fn windows_1256_is_detected() {
        let text = "أعلن المتحدث باسم الرئاسة الروسية أن الرئيس بحث الوضع في المنطقة مع نظيره";
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(text);
        let decoded = decode(&bytes, false).unwrap();
        assert_eq!(decoded.encoding, "windows-1256");
        assert_eq!(decoded.text, text);
    }

    #[test]
    fn nul_bytes_and_control_soup_mean_binary() {
        assert_eq!(decode(b"ab\0", false).unwrap_err().0, "binary");
        let (code, message) = decode(b"abc\x01\x02\x03\x04", false).unwrap_err();
        assert_eq!(code, "binary");
        assert!(
            message.starts_with("4 of its 7 characters (read as UTF-8)")
                && message.contains("the first U+0001 at character 3"),
            "{message}"
        );
        // A few controls in a long text are scraping noise, not a binary file.
        let text = format!("{}\x07", "نص ".repeat(100));
        assert!(decode(text.as_bytes(), false).is_ok());
    }

    #[test]
    fn gzip_members_concatenate() {
        use std::io::Write;
        let mut gz = Vec::new();
        for part in ["a\n", "b\n"] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(part.as_bytes()).unwrap();
            gz.extend(e.finish().unwrap());
        }
        assert_eq!(
            read_all(flate2::read::MultiGzDecoder::new(&gz[..])),
            b"a\nb\n"
        );
    }
}
