//! `slots import`: translators' work back in, through a gate. Every row of
//! the file is accepted (it lands in the new version), skipped (nothing to
//! take: no target, or the same text again) or rejected (written to a
//! rejects file beside the input with its reason), so rows = accepted +
//! skipped + rejected and nothing typed is lost.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::{csv_cells, formula_guard, tsv, xliff, Format};
use crate::error::{Error, IoContext, Result};
use crate::io::external_sort::ExternalSort;
use crate::io::hash::digest128;
use crate::io::hash::file_sha256;
use crate::io::spill::Spill;
use crate::io::{encoding, TableWriter};
use crate::manifest;
use crate::model::{origin, ImportRecord, Sentence, SlotStatus, TranslationSlot};
use crate::pipeline::sha256_hex;
use crate::store::VERSIONS_DIR;
use crate::table::Table;
use crate::text::arabic;
use crate::validate::translation_qa;
use crate::version::{self, Purpose, Rows, Version};

/// How an import treats the rows it accepts.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The file's format; by default, from its extension.
    pub format: Option<Format>,
    /// Who translated; required for status done or reviewed.
    pub translator: Option<String>,
    /// The status accepted rows get: draft, done or reviewed.
    pub status: SlotStatus,
    /// Replace reviewed translations with different text instead of rejecting.
    pub overwrite: bool,
}

/// What an import did with the file's rows.
#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    pub rows: u64,
    pub accepted: u64,
    /// Skipped rows by reason code.
    pub skipped: BTreeMap<&'static str, u64>,
    /// Rejected rows by reason code.
    pub rejected: BTreeMap<&'static str, u64>,
    /// Other empty slots filled from the translation memory.
    pub from_memory: u64,
    /// The new version, when something was accepted.
    pub published: Option<Version>,
    /// The rejects file, when something was rejected.
    pub rejects_file: Option<PathBuf>,
    /// The encoding the file was read in (UTF-8 unless it was saved in
    /// UTF-16 or a legacy code page).
    pub encoding: &'static str,
}

impl ImportSummary {
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }
}

/// Reason codes, stable for scripts.
mod reason {
    pub const EMPTY: &str = "empty";
    pub const UNCHANGED: &str = "unchanged";
    pub const SOURCE_COPY: &str = "source-copy";
    pub const TRANSLATED: &str = "translated";
    pub const DUPLICATE: &str = "duplicate";
    pub const MALFORMED: &str = "malformed";
    pub const INCOMPLETE: &str = "incomplete";
    pub const MISSING_ID: &str = "missing-id";
    pub const UNKNOWN_ID: &str = "unknown-id";
    pub const NOT_TRANSLATABLE: &str = "not-translatable";
    pub const NO_SOURCE_HASH: &str = "no-source-hash";
    pub const STALE: &str = "stale";
    pub const SOURCE_LOST: &str = "source-lost";
    pub const SPREADSHEET_ERROR: &str = "spreadsheet-error";
    pub const CONFLICT_DUPLICATE: &str = "conflict-duplicate";
    pub const CONFLICT_REVIEWED: &str = "conflict-reviewed";
}

/// One row of the import file, holding only what the gate needs: the row
/// as read is not kept (a file can be larger than memory should grow), so
/// the rejects file reads its rows again.
#[derive(Debug)]
struct Row {
    /// 1-based line of the row (of its `trans-unit` in XLIFF).
    line: u64,
    sentence_id: Option<String>,
    source_sha256: Option<String>,
    /// The sha256 of the row's `source`, when it has no `source_sha256`.
    hash_of_source: Option<String>,
    /// That `source` has question marks for words (`??`) and no Arabic
    /// letter left: saved in a code page without Arabic, it no longer shows
    /// which sentence the row translates, and a mismatch says nothing about
    /// the sentence changing.
    source_lost: bool,
    target: Option<String>,
    /// The reason code and message of a row rejected as read (malformed,
    /// incomplete), before any check against the dataset.
    rejected_as_read: Option<(&'static str, String)>,
}

impl Row {
    fn new(
        line: u64,
        sentence_id: Option<String>,
        source_sha256: Option<String>,
        source: Option<&str>,
        target: Option<String>,
    ) -> Row {
        Row {
            line,
            hash_of_source: source.filter(|_| source_sha256.is_none()).map(sha256_hex),
            source_lost: source
                .filter(|_| source_sha256.is_none())
                .is_some_and(|source| {
                    source.contains("??") && !source.chars().any(arabic::is_arabic_letter)
                }),
            sentence_id,
            source_sha256,
            target,
            rejected_as_read: None,
        }
    }

    fn malformed(line: u64, why: String) -> Row {
        Row {
            line,
            sentence_id: None,
            source_sha256: None,
            hash_of_source: None,
            source_lost: false,
            target: None,
            rejected_as_read: Some((reason::MALFORMED, why)),
        }
    }
}

/// What became of a row.
#[derive(Debug)]
enum Outcome {
    Accepted,
    Skipped(&'static str),
    Rejected(&'static str, String),
}

/// A row with an id and a target, waiting for the checks against the
/// dataset. Candidates are sorted by sentence id (then file order) on disk,
/// so that the gate reads the dataset's tables once, in their order, and
/// memory holds neither the file's rows nor the dataset's, whatever their
/// size and order.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Candidate {
    sentence_id: String,
    /// 1-based place of the row in the file (several XLIFF units may
    /// share a line).
    position: u64,
    line: u64,
    /// The source hash the row says it translates: its `source_sha256`,
    /// else the sha256 of its `source`.
    claimed_source_sha256: Option<String>,
    /// See [`Row::source_lost`].
    source_lost: bool,
    target: String,
}

impl Candidate {
    /// The row's candidate, or the outcome decided by the file alone:
    /// malformed rows, empty targets and missing ids.
    fn of(position: u64, row: Row) -> std::result::Result<Candidate, Outcome> {
        if let Some((code, why)) = row.rejected_as_read {
            return Err(Outcome::Rejected(code, format!("line {}: {why}", row.line)));
        }
        let claimed_source_sha256 = row.source_sha256.or(row.hash_of_source);
        match (row.sentence_id, row.target) {
            (_, None) => Err(Outcome::Skipped(reason::EMPTY)),
            (_, Some(target)) if target.trim().is_empty() => Err(Outcome::Skipped(reason::EMPTY)),
            (None, Some(_)) => Err(Outcome::Rejected(
                reason::MISSING_ID,
                "the row has a target but no sentence_id; add the id it translates".to_string(),
            )),
            (Some(sentence_id), Some(target)) => Ok(Candidate {
                sentence_id,
                position,
                line: row.line,
                claimed_source_sha256,
                source_lost: row.source_lost,
                target,
            }),
        }
    }

    /// What the candidate holds on the heap, for the sort's memory budget.
    fn heap_bytes(&self) -> usize {
        self.sentence_id.len()
            + self.claimed_source_sha256.as_ref().map_or(0, String::len)
            + self.target.len()
    }
}

/// Candidates gathered in memory before a sorted run of them goes to disk:
/// about 40,000 rows of a machine-translated export.
const SORT_BUDGET_BYTES: usize = 8 << 20;

/// An accepted translation, kept on disk in sentence id order until the
/// new version is written.
type Accepted = (String, String);

/// The rows' outcomes as they are decided: the counts in the summary, and
/// the rejected rows' places and reasons for the rejects file, the reasons
/// on disk.
struct Outcomes {
    summary: ImportSummary,
    reasons: Spill<String>,
    /// Each rejected row's place in the file, code and reason's offset.
    rejected: Vec<(u64, &'static str, u64)>,
}

impl Outcomes {
    fn settle(&mut self, position: u64, outcome: Outcome) -> Result<()> {
        match outcome {
            Outcome::Accepted => self.summary.accepted += 1,
            Outcome::Skipped(code) => *self.summary.skipped.entry(code).or_default() += 1,
            Outcome::Rejected(code, why) => {
                *self.summary.rejected.entry(code).or_default() += 1;
                let at = self.reasons.push(&why)?;
                self.rejected.push((position, code, at));
            }
        }
        Ok(())
    }
}

/// Imports `file` into the dataset in `dataset_dir` as a new version.
pub fn import(dataset_dir: &Path, file: &Path, options: &ImportOptions) -> Result<ImportSummary> {
    let status = options.status;
    if status == SlotStatus::Empty {
        return Err(Error::Usage(
            "--status empty cannot be imported; use machine, draft, done or reviewed".to_string(),
        ));
    }
    if status.needs_translator() && options.translator.is_none() {
        return Err(Error::Usage(format!(
            "status {} needs the translator's name: add --translator NAME (or import with --status draft)",
            status.as_str()
        )));
    }
    let format = match options.format.or_else(|| Format::of_path(file)) {
        Some(format) => format,
        None => {
            return Err(Error::Usage(format!(
            "{}: cannot tell the format from the extension; add --format jsonl, tsv, csv or xliff",
            file.display()
        )))
        }
    };
    let base = Version::require_latest(dataset_dir)?;
    base.check_integrity(Purpose::NewVersion)?;
    let (file_sha256, _) = file_sha256(file)?;
    let encoding = encoding_of(file, format)?;
    // Temporary files go beside the versions, unnamed (see `Spill`).
    let spill_dir = dataset_dir.join(VERSIONS_DIR);

    let mut outcomes = Outcomes {
        summary: ImportSummary {
            encoding: encoding.name(),
            ..ImportSummary::default()
        },
        reasons: Spill::create_in(&spill_dir, "import-reasons")?,
        rejected: Vec::new(),
    };
    let mut candidates = ExternalSort::create_in(
        &spill_dir,
        "import-rows",
        SORT_BUDGET_BYTES,
        Candidate::heap_bytes,
    )?;
    let mut position = 0;
    let mut kept = Ok(());
    read_rows(file, format, encoding, |row, _| {
        position += 1;
        if kept.is_ok() {
            kept = match Candidate::of(position, row) {
                Ok(candidate) => candidates.push(candidate),
                Err(outcome) => outcomes.settle(position, outcome),
            };
        }
    })?;
    kept?;
    outcomes.summary.rows = position;

    let mut accepted = Spill::<Accepted>::create_in(&spill_dir, "import-accepted")?;
    // The memory: the first accepted text (by sentence id) of each
    // normalised source, as its offset in `accepted`.
    let mut memory: HashMap<[u8; 32], u64> = HashMap::new();
    let mut dataset = DatasetCursor::new(&base)?;
    let mut sorted = candidates.sorted()?;
    let mut same_id: Vec<Candidate> = Vec::new();
    let mut candidates = sorted.iter()?.peekable();
    while let Some(candidate) = candidates.next() {
        same_id.push(candidate?);
        let next_is_same = candidates.peek().is_some_and(|next| {
            next.as_ref()
                .is_ok_and(|n| n.sentence_id == same_id[0].sentence_id)
        });
        if next_is_same {
            continue;
        }
        let Some(candidate) = without_duplicates(&mut same_id, &mut outcomes)? else {
            continue;
        };
        let current = dataset.current(&candidate.sentence_id)?;
        let outcome = decide(&candidate, current.as_ref(), options);
        if matches!(outcome, Outcome::Accepted) {
            let norm = current.expect("accepted rows have a sentence").norm_sha256;
            let at = accepted.push(&(candidate.sentence_id, candidate.target))?;
            memory.entry(norm).or_insert(at);
        }
        outcomes.settle(candidate.position, outcome)?;
    }
    drop(candidates);
    accepted.flush()?;
    outcomes.reasons.flush()?;

    let mut summary = outcomes.summary;
    summary.rejects_file = write_rejects(
        file,
        format,
        encoding,
        &file_sha256,
        &outcomes.reasons,
        outcomes.rejected,
    )?;
    if summary.accepted == 0 {
        return Ok(summary);
    }

    let updated_at = manifest::now_rfc3339()?;
    // A translator's text fills, as a draft, the other slots of its source
    // that are empty or hold machine output; machine output fills only
    // empty ones.
    let (imported_origin, memory_status) = if status == SlotStatus::Machine {
        (origin::MACHINE, SlotStatus::Machine)
    } else {
        (origin::HUMAN, SlotStatus::Draft)
    };
    // Counted while the table is written, read when the manifest is.
    let from_memory = std::cell::Cell::new(0u64);
    let translator = options.translator.clone();
    let record = |summary: &ImportSummary, from_memory| ImportRecord {
        file: file
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        sha256: file_sha256.clone(),
        format: format.as_str().to_string(),
        translator: translator.clone(),
        status: status.as_str().to_string(),
        rows: summary.rows,
        accepted: summary.accepted,
        skipped: summary.skipped_total(),
        rejected: summary.rejected_total(),
        from_memory,
        table: None,
        encoding: (encoding != encoding_rs::UTF_8).then(|| encoding.name().to_string()),
    };
    let published = version::publish_derived(
        dataset_dir,
        &base,
        &[TranslationSlot::NAME],
        |dir, _| {
            let mut writer = TableWriter::<TranslationSlot>::create(
                dir,
                base.manifest.settings.output.rows_per_file,
            )?;
            let mut sentences = base.rows::<Sentence>()?;
            let mut accepted_texts = accepted.records(0, accepted.end()).peekable();
            for slot in base.rows::<TranslationSlot>()? {
                let mut slot = slot?;
                let norm = loop {
                    match sentences.next().transpose()? {
                        Some(s) if s.sentence_id == slot.sentence_id => {
                            break Some(sha256_bytes(&base, &s.norm_sha256)?)
                        }
                        Some(_) => continue,
                        None => break None,
                    }
                };
                // Accepted ids all have a slot: both are in id order.
                let own = accepted_texts
                    .next_if(|a| {
                        a.as_ref()
                            .map_or(true, |(_, (id, _))| *id == slot.sentence_id)
                    })
                    .transpose()?;
                let remembered = || -> Result<Option<String>> {
                    match norm
                        .filter(|_| slot.slot_status() < memory_status)
                        .and_then(|n| memory.get(&n))
                    {
                        Some(&at) => Ok(Some(accepted.read_at(at)?.1)),
                        None => Ok(None),
                    }
                };
                if let Some((_, (_, text))) = own {
                    slot.text = Some(text);
                    slot.status = status.as_str().to_string();
                    slot.origin = Some(imported_origin.to_string());
                    slot.translator = options.translator.clone();
                    slot.updated_at = Some(updated_at.clone());
                } else if let Some(text) = remembered()? {
                    slot.text = Some(text);
                    slot.status = memory_status.as_str().to_string();
                    slot.origin = Some(origin::TRANSLATION_MEMORY.to_string());
                    slot.translator = options.translator.clone();
                    slot.updated_at = Some(updated_at.clone());
                    from_memory.set(from_memory.get() + 1);
                }
                writer.push(slot)?;
            }
            Ok(vec![writer.finish()?])
        },
        |manifest| manifest.import = Some(record(&summary, from_memory.get())),
    )?;
    summary.from_memory = from_memory.get();
    summary.published = Some(published);
    Ok(summary)
}

/// The one candidate of a sentence id that goes on to the gate, if any:
/// the same slot twice with one text is one row and duplicates; with
/// different texts, no row can be chosen and all are rejected. `same_id`
/// is in file order, and is emptied.
fn without_duplicates(
    same_id: &mut Vec<Candidate>,
    outcomes: &mut Outcomes,
) -> Result<Option<Candidate>> {
    let mut rows = same_id.drain(..);
    let Some(first) = rows.next() else {
        return Ok(None);
    };
    let others: Vec<Candidate> = rows.collect();
    if others.iter().all(|other| other.target == first.target) {
        for other in others {
            outcomes.settle(other.position, Outcome::Skipped(reason::DUPLICATE))?;
        }
        return Ok(Some(first));
    }
    let lines: Vec<String> = std::iter::once(&first)
        .chain(&others)
        .map(|c| c.line.to_string())
        .collect();
    let why = format!(
        "{} has different translations on lines {}; keep one and import again",
        first.sentence_id,
        lines.join(", ")
    );
    for candidate in std::iter::once(first).chain(others) {
        let outcome = Outcome::Rejected(reason::CONFLICT_DUPLICATE, why.clone());
        outcomes.settle(candidate.position, outcome)?;
    }
    Ok(None)
}

/// What the gate needs of the sentence a row names, and hashes as bytes.
struct Current {
    text_sha256: [u8; 32],
    norm_sha256: [u8; 32],
    slot: Option<CurrentSlot>,
}

/// The status of a sentence's slot and a digest of its text, enough to
/// tell an unchanged translation.
struct CurrentSlot {
    text: Option<[u8; 16]>,
    status: SlotStatus,
}

/// A stored sha256 as bytes.
fn sha256_bytes(base: &Version, hex_digest: &str) -> Result<[u8; 32]> {
    let mut bytes = [0; 32];
    hex::decode_to_slice(hex_digest, &mut bytes).map_err(|e| Error::Input {
        path: base.dir.join(Sentence::NAME),
        message: format!(
            "a stored sha256 {hex_digest:?} is not 64 hex digits ({e}); rebuild the dataset"
        ),
    })?;
    Ok(bytes)
}

/// The dataset's sentences and slots, read once in id order while the
/// gate goes through the candidates in the same order.
struct DatasetCursor<'a> {
    base: &'a Version,
    sentences: std::iter::Peekable<Rows<Sentence>>,
    slots: std::iter::Peekable<Rows<TranslationSlot>>,
}

impl<'a> DatasetCursor<'a> {
    fn new(base: &'a Version) -> Result<Self> {
        Ok(DatasetCursor {
            base,
            sentences: base.rows::<Sentence>()?.peekable(),
            slots: base.rows::<TranslationSlot>()?.peekable(),
        })
    }

    /// Sentence `id` and its slot; ids must come in increasing order.
    fn current(&mut self, id: &str) -> Result<Option<Current>> {
        let Some(sentence) = next_with_id(&mut self.sentences, id, |s| &s.sentence_id)? else {
            return Ok(None);
        };
        let slot = next_with_id(&mut self.slots, id, |s| &s.sentence_id)?;
        Ok(Some(Current {
            text_sha256: sha256_bytes(self.base, &sentence.text_sha256)?,
            norm_sha256: sha256_bytes(self.base, &sentence.norm_sha256)?,
            slot: slot.map(|slot| CurrentSlot {
                status: slot.slot_status(),
                text: slot.text.as_deref().map(|text| digest128(&[text])),
            }),
        }))
    }
}

/// Skips the rows of an id-ordered stream before `id`, and takes the one
/// with `id` if it is next.
fn next_with_id<T>(
    rows: &mut std::iter::Peekable<Rows<T>>,
    id: &str,
    id_of: impl Fn(&T) -> &String,
) -> Result<Option<T>> {
    while let Some(row) = rows.next_if(|row| row.as_ref().map_or(true, |r| id_of(r).as_str() < id))
    {
        row?;
    }
    rows.next_if(|row| row.as_ref().is_ok_and(|r| id_of(r) == id))
        .transpose()
}

/// The encoding to read the file in. JSONL and TSV files, which spreadsheets
/// and Windows editors save, may be UTF-8, UTF-16 (known by its byte order
/// mark) or a legacy code page (guessed when the bytes are not UTF-8, as
/// Excel's "Text (Tab delimited)" writes them); XLIFF, which is XML, is
/// UTF-16 by its byte order mark, else in the encoding its declaration
/// names, else UTF-8.
fn encoding_of(file: &Path, format: Format) -> Result<&'static encoding_rs::Encoding> {
    let mut opened = std::fs::File::open(file).at(file)?;
    match format {
        Format::Jsonl | Format::Tsv | Format::Csv => {
            encoding::of_text_file(&mut opened).at(file)
        }
        Format::Xliff => encoding::of_xml_file(&mut opened)
            .at(file)?
            .map_err(|declared| Error::Input {
                path: file.to_path_buf(),
                message: format!(
                    "line 1: the XML declaration names the encoding {declared:?}, which tarjama cannot decode; nothing was imported: save the XLIFF file as UTF-8 and rerun"
                ),
            }),
    }
}

/// Reads the file's rows in order, each with the row as read (for the
/// rejects file), as a stream: JSONL and TSV a line at a time, XLIFF a
/// unit at a time, decoded from `encoding` on the way. A JSONL or TSV line
/// that cannot be read becomes a malformed row (rejected with its line,
/// text kept); an XLIFF file that is not well-formed XML cannot be split
/// into rows and is an error naming the line.
fn read_rows(
    file: &Path,
    format: Format,
    encoding: &'static encoding_rs::Encoding,
    mut each: impl FnMut(Row, Value),
) -> Result<()> {
    let opened = std::io::BufReader::new(std::fs::File::open(file).at(file)?);
    let opened = encoding::as_utf8(opened, encoding);
    match format {
        Format::Xliff => xliff_rows(file, opened, each),
        Format::Jsonl => for_each_line(opened, |line, text| {
            if text.as_deref().is_ok_and(is_blank) {
                return;
            }
            let (row, original) = jsonl_row(line, text);
            each(row, original);
        })
        .at(file),
        Format::Tsv => tsv_rows(file, opened, each),
        Format::Csv => csv_rows(file, opened, each),
    }
}

fn xliff_rows(
    file: &Path,
    reader: impl std::io::BufRead,
    mut each: impl FnMut(Row, Value),
) -> Result<()> {
    xliff::read_units(reader, |unit| {
        let original = json!({
            "sentence_id": unit.id,
            "source_sha256": unit.source_sha256,
            "source": unit.source,
            "target": unit.target,
        });
        let mut row = Row::new(
            unit.line,
            unit.id,
            unit.source_sha256,
            unit.source.as_deref(),
            unit.target,
        );
        row.rejected_as_read = unit.problem.map(|why| (reason::INCOMPLETE, why));
        each(row, original);
    })
    .map_err(|e| Error::Input {
        path: file.to_path_buf(),
        message: format!(
            "line {}: {}; nothing was imported: fix the file (or export it again) and rerun",
            e.line, e.message
        ),
    })
}

/// A line that is no row: JSONL and TSV files may have blank lines (a
/// trailing one above all), except inside a quoted TSV cell.
fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_whitespace())
}

/// Calls `each` with every line and its 1-based number, decoded leniently
/// (a line that is not UTF-8 is kept with replacement characters and
/// rejected), without a byte order mark or line ending.
fn for_each_line(
    mut reader: impl std::io::BufRead,
    mut each: impl FnMut(u64, std::result::Result<&str, String>),
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut number = 0u64;
    loop {
        buffer.clear();
        if reader.read_until(b'\n', &mut buffer)? == 0 {
            return Ok(());
        }
        number += 1;
        let line = buffer.strip_suffix(b"\n").unwrap_or(&buffer);
        let line = crate::io::without_bom(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text =
            std::str::from_utf8(line).map_err(|_| String::from_utf8_lossy(line).into_owned());
        each(number, text);
    }
}

/// A JSONL line's row, and the line as read: its JSON, or its text when
/// it is not JSON.
fn jsonl_row(line: u64, text: std::result::Result<&str, String>) -> (Row, Value) {
    let text = match text {
        Ok(text) => text,
        Err(lossy) => {
            return (
                Row::malformed(line, "not UTF-8".to_string()),
                Value::String(lossy),
            )
        }
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            let why = format!("not valid JSON ({e}); a truncated line?");
            return (Row::malformed(line, why), Value::String(text.to_string()));
        }
    };
    let Value::Object(object) = &value else {
        return (Row::malformed(line, "not a JSON object".to_string()), value);
    };
    let field = |key: &str| -> std::result::Result<Option<String>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("{key:?} must be a string or null, not {other}")),
        }
    };
    let fields = (|| {
        Ok::<_, String>((
            field("sentence_id")?,
            field("source_sha256")?,
            field("source")?,
            field("target")?,
        ))
    })();
    let row = match fields {
        Err(why) => Row::malformed(line, why),
        Ok((sentence_id, source_sha256, source, target)) => {
            Row::new(line, sentence_id, source_sha256, source.as_deref(), target)
        }
    };
    (row, value)
}

/// The most lines a quoted cell may run over (line breaks typed in a
/// spreadsheet cell) before the quote that opened it counts as text.
const MOST_LINES_IN_A_CELL: usize = 100;

fn tsv_rows(
    file: &Path,
    reader: impl std::io::BufRead,
    mut each: impl FnMut(Row, Value),
) -> Result<()> {
    let mut header: Option<Vec<String>> = None;
    let mut columns = None;
    let mut bad_header = false;
    // The lines of a row whose quoted cell is still open.
    let mut pending: Vec<(u64, String)> = Vec::new();
    for_each_line(reader, |line, text| {
        let Some(header) = header.as_ref() else {
            if text.as_deref().is_ok_and(is_blank) {
                return;
            }
            let names: Vec<String> = match text {
                Ok(text) => text.split('\t').map(str::to_string).collect(),
                Err(_) => Vec::new(),
            };
            columns = HeaderColumns::of(&names);
            bad_header = columns.is_none();
            header = Some(names);
            return;
        };
        let Some(columns) = columns else {
            return;
        };
        match text {
            Ok(text) if pending.is_empty() && is_blank(text) => {}
            Ok(text) => {
                pending.push((line, text.to_string()));
                settle_tsv_rows(&mut pending, header, columns, false, &mut each);
            }
            Err(lossy) => {
                settle_tsv_rows(&mut pending, header, columns, true, &mut each);
                each(
                    Row::malformed(line, "not UTF-8".to_string()),
                    Value::String(lossy),
                );
            }
        }
    })
    .at(file)?;
    if let (Some(header), Some(columns)) = (header.as_ref(), columns) {
        settle_tsv_rows(&mut pending, header, columns, true, &mut each);
    }
    if bad_header || header.is_none() {
        return Err(bad_header_error(file, Format::Tsv));
    }
    Ok(())
}

fn bad_header_error(file: &Path, format: Format) -> Error {
    Error::Input {
        path: file.to_path_buf(),
        message: format!(
            "line 1: the header must name the columns sentence_id and target (as `tarjama slots export --format {}` writes them); nothing was imported",
            format.as_str()
        ),
    }
}

/// Reads a CSV file's rows with the `csv` crate, the separator taken from
/// the header line. A row with another number of cells than the header,
/// or not in UTF-8, is malformed (its cells kept for the rejects file).
fn csv_rows(
    file: &Path,
    mut reader: impl std::io::BufRead,
    mut each: impl FnMut(Row, Value),
) -> Result<()> {
    let mut header_line = Vec::new();
    reader.read_until(b'\n', &mut header_line).at(file)?;
    let header_line = crate::io::without_bom(&header_line).to_vec();
    let separator = csv_cells::separator_of(&header_line);
    // Rows end at LF, the CR of CRLF taken off the last cell below: with
    // CRLF as the terminator, the reader counts each row's line break in
    // the next row and numbers rows a line too early.
    let mut records = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(std::io::Cursor::new(header_line).chain(reader));
    let mut header: Option<(Vec<String>, HeaderColumns)> = None;
    let mut record = csv::ByteRecord::new();
    loop {
        let read = records
            .read_byte_record(&mut record)
            .map_err(|e| Error::Input {
                path: file.to_path_buf(),
                message: format!("cannot read the file as CSV ({e}); nothing was imported"),
            })?;
        if !read {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        let last = record.len().saturating_sub(1);
        let cells = record.iter().enumerate().map(|(i, cell)| match cell {
            [rest @ .., b'\r'] if i == last => rest,
            cell => cell,
        });
        let text: std::result::Result<Vec<&str>, _> =
            cells.clone().map(std::str::from_utf8).collect();
        let Some((names, columns)) = &header else {
            let names: Vec<String> = text
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect();
            let columns =
                HeaderColumns::of(&names).ok_or_else(|| bad_header_error(file, Format::Csv))?;
            header = Some((names, columns));
            continue;
        };
        match text {
            Ok(cells) if cells.iter().all(|c| is_blank(c)) => {}
            Ok(cells) if cells.len() == names.len() => each_table_row(
                line,
                names,
                *columns,
                cells.into_iter().map(str::to_string).collect(),
                &mut each,
            ),
            Ok(cells) => each(
                Row::malformed(
                    line,
                    format!(
                        "{} cells, the header has {} (a cell holding a {:?}, a double quote or a line break must be quoted, its quotes doubled)",
                        cells.len(),
                        names.len(),
                        char::from(separator)
                    ),
                ),
                Value::Array(cells.into_iter().map(|c| Value::String(c.to_string())).collect()),
            ),
            Err(_) => each(
                Row::malformed(line, "not UTF-8".to_string()),
                Value::Array(
                    cells
                        .map(|c| Value::String(String::from_utf8_lossy(c).into_owned()))
                        .collect(),
                ),
            ),
        }
    }
    if header.is_none() {
        return Err(bad_header_error(file, Format::Csv));
    }
    Ok(())
}

/// Where the columns import reads are in a TSV or CSV file's header.
#[derive(Debug, Clone, Copy)]
struct HeaderColumns {
    id: usize,
    target: usize,
    hash: Option<usize>,
    source: Option<usize>,
}

impl HeaderColumns {
    fn of(names: &[String]) -> Option<HeaderColumns> {
        let column = |name: &str| names.iter().position(|h| h == name);
        Some(HeaderColumns {
            id: column("sentence_id")?,
            target: column("target")?,
            hash: column("source_sha256"),
            source: column("source"),
        })
    }
}

/// Turns the pending lines into rows: one row when they make one, or, when
/// they cannot, the first line a row of its own (by its tabs, or malformed)
/// and the others read again. An open quoted cell waits for more lines
/// unless the file has ended. A line that makes a row by its tabs is never
/// the continuation of another: a translation that opens a quote and the
/// next one that closes it are two rows, and a row cut short by a stray
/// quote is settled as soon as a whole row follows it.
fn settle_tsv_rows(
    pending: &mut Vec<(u64, String)>,
    header: &[String],
    columns: HeaderColumns,
    at_end: bool,
    each: &mut impl FnMut(Row, Value),
) {
    let width = header.len();
    while !pending.is_empty() {
        let whole_row_follows = pending[1..]
            .iter()
            .any(|(_, line)| tsv::fits_by_tabs(line, width));
        let lines = if whole_row_follows { 1 } else { pending.len() };
        let text = pending[..lines]
            .iter()
            .map(|(_, line)| line.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let may_wait = !at_end && !whole_row_follows && lines < MOST_LINES_IN_A_CELL;
        let why = match tsv::split(&text, width) {
            tsv::Split::Cells(cells) => {
                let line = pending[0].0;
                pending.drain(..lines);
                each_table_row(line, header, columns, cells, each);
                continue;
            }
            tsv::Split::Open if may_wait => return,
            tsv::Split::Open => "a cell opens with a double quote that nothing closes (a quote typed at the start of a cell must be doubled and the cell quoted: \"\"\"Stop!\"\" he said\")".to_string(),
            tsv::Split::Count(_) if lines > 1 => format!(
                "a quoted cell starting on this line runs onto the next line but does not end the row with the header's {width} cells"
            ),
            tsv::Split::Count(count) => format!(
                "{count} cells, the header has {width} (a tab or line break inside a cell must be written \\t or \\n, or the cell quoted)"
            ),
        };
        let (line, first) = pending.remove(0);
        if tsv::fits_by_tabs(&first, width) {
            each_table_row(line, header, columns, tsv::by_tabs(&first), each);
        } else {
            each(Row::malformed(line, why), Value::String(first));
        }
    }
}

/// Calls `each` with the row of a TSV or CSV row's cells and the cells by column.
fn each_table_row(
    line: u64,
    header: &[String],
    columns: HeaderColumns,
    cells: Vec<String>,
    each: &mut impl FnMut(Row, Value),
) {
    // The text a spreadsheet shows, without the apostrophe an export or a
    // translator put before a leading formula character.
    let cell = |column: Option<usize>| {
        column
            .map(|c| formula_guard::unguard(&cells[c]).to_string())
            .filter(|c| !c.is_empty())
    };
    let row = Row::new(
        line,
        cell(Some(columns.id)),
        cell(columns.hash),
        cell(columns.source).as_deref(),
        cell(Some(columns.target)),
    );
    let original: Map<String, Value> = header
        .iter()
        .cloned()
        .zip(cells.into_iter().map(Value::String))
        .collect();
    each(row, Value::Object(original));
}

fn decide(candidate: &Candidate, current: Option<&Current>, options: &ImportOptions) -> Outcome {
    let (id, target) = (candidate.sentence_id.as_str(), candidate.target.as_str());
    let Some(current) = current else {
        return Outcome::Rejected(
            reason::UNKNOWN_ID,
            format!("no sentence {id} in the dataset; check the id against the export"),
        );
    };
    let Some(slot) = &current.slot else {
        return Outcome::Rejected(
            reason::NOT_TRANSLATABLE,
            format!(
                "sentence {id} has no translation slot (it is boilerplate or not to be translated)"
            ),
        );
    };
    let Some(claimed) = candidate.claimed_source_sha256.as_deref() else {
        return Outcome::Rejected(
            reason::NO_SOURCE_HASH,
            "the row has neither source_sha256 nor source, so it cannot be checked against the current sentence; export again".to_string(),
        );
    };
    if claimed != hex::encode(current.text_sha256) {
        if candidate.source_lost {
            return Outcome::Rejected(
                reason::SOURCE_LOST,
                format!(
                    "the source of {id} is question marks where its Arabic was: the file was saved in a code page without Arabic letters (Excel's \"Text (Tab delimited)\" on a Western Windows), so it cannot show that the translation is of the current sentence; save the sheet again as \"Unicode Text\" or \"CSV UTF-8\", or keep the export's source_sha256 column, and import again"
                ),
            );
        }
        return Outcome::Rejected(
            reason::STALE,
            format!(
                "sentence {id} changed since the export (source {claimed}, now {}); export it again and retranslate",
                hex::encode(current.text_sha256)
            ),
        );
    }
    if let Some(error) = translation_qa::spreadsheet_error(target) {
        return Outcome::Rejected(
            reason::SPREADSHEET_ERROR,
            format!(
                "the target of {id} is {error}, what a spreadsheet shows for a cell it read as a formula (a translation starting with -, +, = or @); type an apostrophe before that first character ('- He said) and save again"
            ),
        );
    }
    // CAT tools copy the source into untranslated targets; Arabic text
    // equal to the source is such a copy, never a translation (a Latin or
    // numeric sentence may be its own translation).
    if target.chars().any(arabic::is_arabic_letter)
        && Sha256::digest(target).as_slice() == current.text_sha256
    {
        return Outcome::Skipped(reason::SOURCE_COPY);
    }
    let same_text = slot.text == Some(digest128(&[target]));
    if same_text && options.status <= slot.status {
        return Outcome::Skipped(reason::UNCHANGED);
    }
    // Machine output fills empty slots and replaces older machine output,
    // never what a translator wrote.
    if options.status == SlotStatus::Machine && slot.status > SlotStatus::Machine {
        return Outcome::Skipped(reason::TRANSLATED);
    }
    if !same_text && slot.status == SlotStatus::Reviewed && !options.overwrite {
        return Outcome::Rejected(
            reason::CONFLICT_REVIEWED,
            format!(
                "sentence {id} has a reviewed translation with other text; pass --overwrite to replace it"
            ),
        );
    }
    Outcome::Accepted
}

/// A line of the rejects file. Its first keys are the ones an import
/// reads, so a corrected rejects file can itself be imported.
#[derive(serde::Serialize)]
struct Reject<'a> {
    sentence_id: Option<&'a str>,
    source_sha256: Option<&'a str>,
    target: Option<&'a str>,
    /// The row's line in the imported file.
    line: u64,
    code: &'a str,
    reason: &'a str,
    /// The row as it was read.
    row: &'a Value,
}

/// Rejects file name for an input: `FILE.rejects.jsonl` beside it.
pub fn rejects_path(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map_or("import".into(), |n| n.to_string_lossy());
    file.with_file_name(format!("{name}.rejects.jsonl"))
}

/// Writes the rejected rows, each with its line, code and reason and the
/// row as read again from the file, beside the input (written aside and
/// renamed). A rejects file left by an earlier import of the same file is
/// removed when nothing is rejected now.
fn write_rejects(
    file: &Path,
    format: Format,
    encoding: &'static encoding_rs::Encoding,
    read_sha256: &str,
    reasons: &Spill<String>,
    mut rejected: Vec<(u64, &'static str, u64)>,
) -> Result<Option<PathBuf>> {
    let path = rejects_path(file);
    // Rejected as read come in file order, at the gate in id order.
    rejected.sort_unstable();
    if rejected.is_empty() {
        if path.exists() {
            std::fs::remove_file(&path).at(&path)?;
        }
        return Ok(None);
    }
    crate::io::write_aside(&path, |out| {
        // The file is read again in the same order, so the rejected rows
        // come up by their position (several XLIFF units may share a line).
        let mut pending = rejected.iter().peekable();
        let mut position = 0;
        let mut written = Ok(());
        read_rows(file, format, encoding, |row, original| {
            position += 1;
            let Some(&(_, code, reason_at)) = pending.next_if(|(at, ..)| *at == position) else {
                return;
            };
            if written.is_err() {
                return;
            }
            written = reasons.read_at(reason_at).and_then(|reason| {
                let record = Reject {
                    sentence_id: row.sentence_id.as_deref(),
                    source_sha256: row.source_sha256.as_deref(),
                    target: row.target.as_deref(),
                    line: row.line,
                    code,
                    reason: &reason,
                    row: &original,
                };
                crate::io::jsonl::write_row(out, &record).at(&path)
            });
        })?;
        written?;
        if pending.peek().is_some() || file_sha256(file)?.0 != read_sha256 {
            return Err(Error::Input {
                path: file.to_path_buf(),
                message: "the file changed while it was being imported; nothing was imported: import it again".to_string(),
            });
        }
        Ok(())
    })?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_slot_of(source: &str) -> Current {
        Current {
            text_sha256: Sha256::digest(source).into(),
            norm_sha256: [0; 32],
            slot: Some(CurrentSlot {
                text: None,
                status: SlotStatus::Empty,
            }),
        }
    }

    fn options() -> ImportOptions {
        ImportOptions {
            format: None,
            translator: Some("t".into()),
            status: SlotStatus::Done,
            overwrite: false,
        }
    }

    /// What the gate decides for `target` over an empty slot of `source`.
    fn decision(source: &str, target: &str) -> Outcome {
        let id = "a#000001";
        let row = Row::new(1, Some(id.into()), None, Some(source), Some(target.into()));
        let candidate = Candidate::of(1, row).expect("a row with an id and a target");
        decide(&candidate, Some(&empty_slot_of(source)), &options())
    }

    #[test]
    fn an_arabic_copy_of_the_source_is_skipped_but_a_latin_sentence_may_be_its_own_translation() {
        let arabic = "قال بوتين.";
        assert!(matches!(
            decision(arabic, arabic),
            Outcome::Skipped(reason::SOURCE_COPY)
        ));
        assert!(matches!(decision(arabic, "Putin said."), Outcome::Accepted));
        assert!(matches!(
            decision("COVID-19", "COVID-19"),
            Outcome::Accepted
        ));
    }

    #[test]
    fn a_formula_error_a_spreadsheet_saved_is_rejected_not_taken_for_a_translation() {
        let arabic = "- قال بوتين.";
        for error in ["#NAME?", " #VALUE! ", "Err:509"] {
            match decision(arabic, error) {
                Outcome::Rejected(code, why) => {
                    assert_eq!(code, reason::SPREADSHEET_ERROR);
                    assert!(why.contains("apostrophe"), "{why}");
                }
                other => panic!("{error}: {other:?}"),
            }
        }
        assert!(matches!(
            decision(arabic, "- Putin said #NAME? twice."),
            Outcome::Accepted
        ));
    }

    #[test]
    fn a_source_turned_to_question_marks_is_lost_not_stale() {
        let row = |source: &str| {
            let row = Row::new(
                1,
                Some("a#000001".into()),
                None,
                Some(source),
                Some("Hi".into()),
            );
            let candidate = Candidate::of(1, row).expect("a row with an id and a target");
            decide(&candidate, Some(&empty_slot_of("قال بوتين؟")), &options())
        };
        assert!(matches!(
            row("??? ?????"),
            Outcome::Rejected(reason::SOURCE_LOST, _)
        ));
        assert!(matches!(
            row("قال ميدفيديف؟"),
            Outcome::Rejected(reason::STALE, _)
        ));
        assert!(matches!(row("Why?"), Outcome::Rejected(reason::STALE, _)));
        assert!(matches!(row("قال بوتين؟"), Outcome::Accepted));
    }

    #[test]
    fn json_lines_become_rows_or_malformed_rows() {
        let (good, original) =
            jsonl_row(3, Ok(r#"{"sentence_id":"a#000001","target":"Hi","x":1}"#));
        assert_eq!(original["x"], 1);
        assert_eq!(good.sentence_id.as_deref(), Some("a#000001"));
        assert_eq!(good.target.as_deref(), Some("Hi"));
        assert!(good.rejected_as_read.is_none());
        let (truncated, original) = jsonl_row(4, Ok(r#"{"sentence_id":"a#0000"#));
        assert_eq!(original, r#"{"sentence_id":"a#0000"#);
        assert!(truncated.rejected_as_read.unwrap().1.contains("truncated"));
        let (wrong_type, _) = jsonl_row(5, Ok(r#"{"sentence_id":"a#000001","target":7}"#));
        assert!(wrong_type
            .rejected_as_read
            .unwrap()
            .1
            .contains("\"target\""));
    }

    /// The lines `for_each_line` gives for `bytes`.
    fn lines(bytes: &[u8]) -> Vec<(u64, String)> {
        let mut got = Vec::new();
        for_each_line(bytes, |n, t| got.push((n, t.unwrap().to_string()))).unwrap();
        got
    }

    #[test]
    fn lines_are_numbered_from_one_without_their_line_endings() {
        let got = lines(b"a\n\n  \nb\r\nc");
        let numbered: Vec<(u64, &str)> = got.iter().map(|(n, t)| (*n, t.as_str())).collect();
        assert_eq!(numbered, [(1, "a"), (2, ""), (3, "  "), (4, "b"), (5, "c")]);
        assert!(is_blank(&got[1].1) && is_blank(&got[2].1) && !is_blank(&got[3].1));
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_a_line() {
        // Files saved by Windows tools start with one; concatenating them
        // leaves one at the start of a later line.
        let got = lines("\u{feff}{}\n\u{feff}x\u{feff}".as_bytes());
        assert_eq!(got, [(1, "{}".to_string()), (2, "x\u{feff}".to_string())]);
        assert_eq!(lines("\u{feff}\n{}".as_bytes())[0], (1, String::new()));
    }

    #[test]
    fn rejects_go_beside_the_input() {
        assert_eq!(
            rejects_path(Path::new("/x/batch.xlf")),
            PathBuf::from("/x/batch.xlf.rejects.jsonl")
        );
    }
}
