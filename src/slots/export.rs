//! `slots export`: a version's slots as units, streamed document by document.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Write;
use std::iter::Peekable;
use std::path::Path;

use super::{csv_cells, formula_guard, tsv, xliff, Format, Hint, Unit};
use crate::error::Result;
use crate::io::write_aside;
use crate::model::{Entity, Languages, Sentence, SlotStatus, TranslationSlot};
use crate::shard::Shard;
use crate::version::{Purpose, Rows, Version};

/// Which slots to export, and how.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub format: Format,
    /// Only slots of these statuses (all when empty).
    pub statuses: Vec<SlotStatus>,
    /// Only slots of these documents (all when empty).
    pub docs: Vec<String>,
    /// Only slots of the documents of this shard, so that exports of every
    /// shard hand each document to one translator.
    pub shard: Option<Shard>,
    /// At most this many units.
    pub limit: Option<usize>,
    /// Leave out empty slots whose normalised source is already translated
    /// elsewhere, or is exported in an earlier unit: an import fills them
    /// from the translation memory.
    pub skip_tm: bool,
    /// Start a TSV or CSV file with a UTF-8 byte order mark: without one,
    /// Excel opens it as the Windows code page and shows Arabic as
    /// mojibake. Import skips it.
    pub byte_order_mark: bool,
    /// Write TSV or CSV cells as they are, without the apostrophe that keeps
    /// a spreadsheet from reading a cell starting with `=`, `+`, `-` or `@`
    /// as a formula: for scripts, not spreadsheets.
    pub raw_cells: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub units: u64,
    /// Empty slots left out because the memory covers them (`skip_tm`).
    pub covered_by_memory: u64,
}

/// Columns of an exported TSV or CSV file, in order.
pub const TABLE_COLUMNS: [&str; 9] = [
    "sentence_id",
    "source",
    "source_sha256",
    "target",
    "status",
    "context_before",
    "context_after",
    "hints",
    "doc_id",
];

/// Writes the slots of `version` to `output` (written aside and renamed
/// into place, so a failed export leaves no partial file).
pub fn export(version: &Version, output: &Path, options: &ExportOptions) -> Result<ExportSummary> {
    if options.byte_order_mark && !matches!(options.format, Format::Tsv | Format::Csv) {
        return Err(crate::Error::Usage(format!(
            "{}: --bom is for TSV and CSV files, which spreadsheets open; JSONL and XLIFF readers expect none",
            output.display()
        )));
    }
    if options.raw_cells && !matches!(options.format, Format::Tsv | Format::Csv) {
        return Err(crate::Error::Usage(format!(
            "{}: --raw-cells is for TSV and CSV files; JSONL and XLIFF cells are always written as they are",
            output.display()
        )));
    }
    version.check_integrity(Purpose::Export)?;
    let mut covered = if options.skip_tm {
        translated_sources(version)?
    } else {
        HashSet::new()
    };
    let mut summary = ExportSummary::default();
    let languages = version.manifest.languages();
    write_aside(output, |out| {
        let write_error = |e: std::io::Error| crate::Error::io(output, e);
        match options.format {
            Format::Xliff => xliff::write_header(
                out,
                &format!("{}/{}", version.manifest.dataset, version.name()),
                languages,
            )
            .map_err(write_error)?,
            Format::Tsv | Format::Csv => {
                if options.byte_order_mark {
                    out.write_all("\u{feff}".as_bytes()).map_err(write_error)?;
                }
                if options.format == Format::Tsv {
                    writeln!(out, "{}", TABLE_COLUMNS.join("\t")).map_err(write_error)?
                } else {
                    csv_cells::write_row(out, &TABLE_COLUMNS).map_err(write_error)?
                }
            }
            Format::Jsonl => {}
        }
        let mut documents = Documents::open(version)?;
        let mut unseen: HashSet<&str> = options.docs.iter().map(String::as_str).collect();
        'documents: while let Some(document) = documents.next_document()? {
            let doc_id = document.sentences[0].doc_id.as_str();
            if !options.docs.is_empty() && !unseen.remove(doc_id) {
                continue;
            }
            if options.shard.is_some_and(|shard| !shard.owns(doc_id)) {
                continue;
            }
            for unit in document.units() {
                if options
                    .limit
                    .is_some_and(|limit| summary.units as usize >= limit)
                {
                    break 'documents;
                }
                let status = SlotStatus::parse(&unit.status).unwrap_or(SlotStatus::Empty);
                if !options.statuses.is_empty() && !options.statuses.contains(&status) {
                    continue;
                }
                if options.skip_tm && unit.target.is_none() {
                    let norm = &document.sentence(&unit.sentence_id).norm_sha256;
                    if !covered.insert(norm.clone()) {
                        summary.covered_by_memory += 1;
                        continue;
                    }
                }
                write_unit(out, options, &unit, languages).map_err(write_error)?;
                summary.units += 1;
            }
        }
        if options.format == Format::Xliff {
            xliff::write_footer(out).map_err(write_error)?;
        }
        let limit_reached = options.limit.is_some_and(|l| summary.units as usize >= l);
        if !unseen.is_empty() && !limit_reached {
            let mut missing: Vec<&str> = unseen.into_iter().collect();
            missing.sort();
            return Err(crate::Error::Usage(format!(
                "{}: no document {} in {}; `tarjama status` lists the documents",
                version.dir.display(),
                missing.join(", "),
                version.name()
            )));
        }
        Ok(())
    })?;
    Ok(summary)
}

fn write_unit(
    out: &mut impl Write,
    options: &ExportOptions,
    unit: &Unit,
    languages: Languages,
) -> std::io::Result<()> {
    match options.format {
        Format::Jsonl => crate::io::jsonl::write_row(out, unit),
        Format::Xliff => xliff::write_unit(out, unit, languages),
        Format::Tsv | Format::Csv => {
            let hints = unit
                .hints
                .iter()
                .map(Hint::describe)
                .collect::<Vec<_>>()
                .join("; ");
            let cells = table_cells(unit, &hints).map(|cell| {
                if options.raw_cells {
                    Cow::Borrowed(cell)
                } else {
                    formula_guard::guard(cell)
                }
            });
            if options.format == Format::Tsv {
                let line: Vec<String> = cells.iter().map(|c| tsv::escape(c)).collect();
                writeln!(out, "{}", line.join("\t"))
            } else {
                csv_cells::write_row(out, &cells.each_ref().map(|c| c.as_ref()))
            }
        }
    }
}

/// A unit's cells in [`TABLE_COLUMNS`] order.
fn table_cells<'a>(unit: &'a Unit, hints: &'a str) -> [&'a str; 9] {
    [
        unit.sentence_id.as_str(),
        &unit.source,
        &unit.source_sha256,
        unit.target.as_deref().unwrap_or(""),
        &unit.status,
        unit.context_before.as_deref().unwrap_or(""),
        unit.context_after.as_deref().unwrap_or(""),
        hints,
        &unit.doc_id,
    ]
}

/// Normalised sources of every filled slot of the version.
fn translated_sources(version: &Version) -> Result<HashSet<String>> {
    let mut filled = HashSet::new();
    for slot in version.rows::<TranslationSlot>()? {
        let slot = slot?;
        if slot.is_filled() {
            filled.insert(slot.sentence_id);
        }
    }
    let mut sources = HashSet::new();
    if filled.is_empty() {
        return Ok(sources);
    }
    for sentence in version.rows::<Sentence>()? {
        let sentence = sentence?;
        if filled.contains(&sentence.sentence_id) {
            sources.insert(sentence.norm_sha256);
        }
    }
    Ok(sources)
}

/// One document's sentences with their slots and entities.
struct DocumentSlots {
    sentences: Vec<Sentence>,
    slots: Vec<TranslationSlot>,
    entities: Vec<Entity>,
}

impl DocumentSlots {
    fn sentence(&self, id: &str) -> &Sentence {
        let i = self
            .sentences
            .binary_search_by(|s| s.sentence_id.as_str().cmp(id))
            .expect("a unit is made from one of the document's sentences");
        &self.sentences[i]
    }

    /// A unit for every slot, in sentence order.
    fn units(&self) -> Vec<Unit> {
        let mut slots = self.slots.iter().peekable();
        let mut units = Vec::with_capacity(self.slots.len());
        for (i, sentence) in self.sentences.iter().enumerate() {
            let Some(slot) = slots.next_if(|s| s.sentence_id == sentence.sentence_id) else {
                continue;
            };
            let hints = self
                .entities
                .iter()
                .filter(|e| e.sentence_id == sentence.sentence_id)
                .map(|e| Hint {
                    text: e.text.clone(),
                    label: e.label.clone(),
                    en: None,
                })
                .collect();
            units.push(Unit {
                sentence_id: sentence.sentence_id.clone(),
                source: sentence.text.clone(),
                source_sha256: sentence.text_sha256.clone(),
                target: slot.text.clone(),
                status: slot.status.clone(),
                context_before: i.checked_sub(1).map(|j| self.sentences[j].text.clone()),
                context_after: self.sentences.get(i + 1).map(|s| s.text.clone()),
                hints,
                doc_id: sentence.doc_id.clone(),
            });
        }
        units
    }
}

/// The sentences, slots and entities of a version, merged document by
/// document (all three tables are sorted by ids that start with the
/// document id), so one document is in memory at a time.
struct Documents {
    sentences: Peekable<Rows<Sentence>>,
    slots: Peekable<Rows<TranslationSlot>>,
    entities: Peekable<Rows<Entity>>,
}

impl Documents {
    fn open(version: &Version) -> Result<Documents> {
        Ok(Documents {
            sentences: version.rows::<Sentence>()?.peekable(),
            slots: version.rows::<TranslationSlot>()?.peekable(),
            entities: version.rows::<Entity>()?.peekable(),
        })
    }

    fn next_document(&mut self) -> Result<Option<DocumentSlots>> {
        let Some(first) = self.sentences.next().transpose()? else {
            return Ok(None);
        };
        let doc_id = first.doc_id.clone();
        let mut sentences = vec![first];
        while let Some(next) = self
            .sentences
            .next_if(|s| s.as_ref().is_ok_and(|s| s.doc_id == doc_id) || s.is_err())
        {
            sentences.push(next?);
        }
        let last = sentences
            .last()
            .map(|s| s.sentence_id.clone())
            .unwrap_or_default();
        let slots = take_through(&mut self.slots, &last, |s| &s.sentence_id)?;
        let entities = take_through(&mut self.entities, &last, |e| &e.sentence_id)?;
        let first = &sentences[0].sentence_id;
        Ok(Some(DocumentSlots {
            slots: slots
                .into_iter()
                .filter(|s| &s.sentence_id >= first)
                .collect(),
            entities: entities
                .into_iter()
                .filter(|e| &e.sentence_id >= first)
                .collect(),
            sentences,
        }))
    }
}

/// The rows whose sentence id sorts at or before `last`.
fn take_through<T>(
    rows: &mut Peekable<Rows<T>>,
    last: &str,
    sentence_id: impl Fn(&T) -> &String,
) -> Result<Vec<T>> {
    let mut taken = Vec::new();
    while let Some(row) = rows.next_if(|r| {
        r.as_ref()
            .map_or(true, |row| sentence_id(row).as_str() <= last)
    }) {
        taken.push(row?);
    }
    Ok(taken)
}
