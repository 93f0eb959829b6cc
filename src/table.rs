//! The four tables' Arrow schemas and the conversion of rows to and from
//! Arrow record batches. `schemas/*.schema.json` documents the same columns;
//! a test keeps the two from drifting apart.

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Float32Array, Int32Array, RecordBatch, StringArray, StructArray,
};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::model::{Changes, Document, Entity, Label, Orphan, Sentence, TranslationSlot};

/// A table of the dataset: its name, columns and row conversions.
pub trait Table: Sized + Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + Send {
    /// The table's name, which is also its files' stem (`documents.parquet`).
    const NAME: &'static str;
    /// Rows per Parquet row group, and per record batch. Fixed, because the
    /// way rows are cut into batches changes the bytes of the file; modest,
    /// so that dataset viewers can page through a file.
    const ROW_GROUP_ROWS: usize;

    /// Trailing columns added to the schema after the table's first
    /// release, which files written before may lack (read as null there).
    const ADDED_COLUMNS: &'static [&'static str] = &[];

    fn schema() -> SchemaRef;
    /// String columns with a closed set of values, described to Hugging
    /// Face `datasets` as class labels with these names.
    fn class_labels() -> Vec<(&'static str, Vec<&'static str>)> {
        Vec::new()
    }
    /// The row's stable id; rows are written in id order.
    fn id(&self) -> &str;
    fn to_batch(rows: &[Self]) -> RecordBatch;
    /// Rows of a batch; an error names the column and row that do not fit.
    fn from_batch(batch: &RecordBatch) -> Result<Vec<Self>, String>;
}

/// Names of the tables every version has, in the order they are written and
/// listed. A version with orphaned translations also has [`Orphan::NAME`].
pub const TABLE_NAMES: [&str; 4] = [
    Document::NAME,
    Sentence::NAME,
    Entity::NAME,
    TranslationSlot::NAME,
];

fn field(name: &str, data_type: DataType, nullable: bool) -> Field {
    Field::new(name, data_type, nullable)
}

fn strings<'a>(values: impl Iterator<Item = &'a str>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(values))
}

fn optional_strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}

fn ints(values: impl Iterator<Item = i32>) -> ArrayRef {
    Arc::new(values.collect::<Int32Array>())
}

fn batch(schema: SchemaRef, columns: Vec<ArrayRef>) -> RecordBatch {
    RecordBatch::try_new(schema, columns).expect("columns are built in schema order")
}

/// Typed access to a batch's columns, with errors that name the column.
struct Columns<'a>(&'a RecordBatch);

impl<'a> Columns<'a> {
    fn column<A: Array + 'static>(&self, name: &str) -> Result<&'a A, String> {
        self.0
            .column_by_name(name)
            .ok_or_else(|| format!("column {name:?} is missing"))?
            .as_any()
            .downcast_ref::<A>()
            .ok_or_else(|| format!("column {name:?} has the wrong type"))
    }

    fn required<A: Array + 'static>(&self, name: &str) -> Result<&'a A, String> {
        let column = self.column::<A>(name)?;
        match column.nulls() {
            Some(nulls) if nulls.null_count() > 0 => {
                let row = (0..column.len()).find(|&i| column.is_null(i)).unwrap_or(0);
                Err(format!("column {name:?} is null in row {}", row + 1))
            }
            _ => Ok(column),
        }
    }

    fn string(&self, name: &str) -> Result<impl Fn(usize) -> String + 'a, String> {
        let column = self.required::<StringArray>(name)?;
        Ok(move |i| column.value(i).to_string())
    }

    /// A nullable string column that files written before it was added lack.
    fn added_string(&self, name: &str) -> Result<impl Fn(usize) -> Option<String> + 'a, String> {
        let column = match self.0.column_by_name(name) {
            None => None,
            Some(_) => Some(self.column::<StringArray>(name)?),
        };
        Ok(move |i| {
            column
                .filter(|c| !c.is_null(i))
                .map(|c| c.value(i).to_string())
        })
    }

    fn optional_string(&self, name: &str) -> Result<impl Fn(usize) -> Option<String> + 'a, String> {
        let column = self.column::<StringArray>(name)?;
        Ok(move |i| (!column.is_null(i)).then(|| column.value(i).to_string()))
    }

    fn int(&self, name: &str) -> Result<impl Fn(usize) -> i32 + 'a, String> {
        let column = self.required::<Int32Array>(name)?;
        Ok(move |i| column.value(i))
    }
}

/// The int32 fields of the `changes` struct column, in [`Changes::counts`] order.
fn changes_fields() -> Fields {
    Changes::default()
        .counts()
        .iter()
        .map(|(name, _)| Field::new(*name, DataType::Int32, false))
        .collect()
}

fn changes_column<'a>(rows: impl Iterator<Item = &'a Changes> + Clone) -> ArrayRef {
    let columns: Vec<ArrayRef> = (0..Changes::default().counts().len())
        .map(|k| ints(rows.clone().map(move |c| c.counts()[k].1)))
        .collect();
    Arc::new(StructArray::new(changes_fields(), columns, None))
}

fn read_changes(column: &StructArray) -> Result<Vec<Changes>, String> {
    let field = |name: &str| -> Result<&Int32Array, String> {
        column
            .column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<Int32Array>())
            .ok_or_else(|| format!("field changes.{name} is missing or not int32"))
    };
    let (bom, line_ends, html_tags, html_entities, invisible) = (
        field("bom")?,
        field("line_ends")?,
        field("html_tags")?,
        field("html_entities")?,
        field("invisible")?,
    );
    let (nbsp, tatweel, nfc, blank_lines, invalid_bytes) = (
        field("nbsp")?,
        field("tatweel")?,
        field("nfc")?,
        field("blank_lines")?,
        field("invalid_bytes")?,
    );
    Ok((0..column.len())
        .map(|i| Changes {
            bom: bom.value(i),
            line_ends: line_ends.value(i),
            html_tags: html_tags.value(i),
            html_entities: html_entities.value(i),
            invisible: invisible.value(i),
            nbsp: nbsp.value(i),
            tatweel: tatweel.value(i),
            nfc: nfc.value(i),
            blank_lines: blank_lines.value(i),
            invalid_bytes: invalid_bytes.value(i),
        })
        .collect())
}

impl Table for Document {
    const NAME: &'static str = "documents";
    const ROW_GROUP_ROWS: usize = 1024;
    const ADDED_COLUMNS: &'static [&'static str] = &["split", "split_group"];

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            field("doc_id", DataType::Utf8, false),
            field("source_path", DataType::Utf8, false),
            field("source_sha256", DataType::Utf8, false),
            field("source_encoding", DataType::Utf8, false),
            field("text", DataType::Utf8, false),
            field("text_sha256", DataType::Utf8, false),
            field("title", DataType::Utf8, true),
            field("norm_sha256", DataType::Utf8, false),
            field("metadata", DataType::Utf8, false),
            field("changes", DataType::Struct(changes_fields()), false),
            field("split", DataType::Utf8, true),
            field("split_group", DataType::Utf8, true),
        ]))
    }

    fn id(&self) -> &str {
        &self.doc_id
    }

    fn to_batch(rows: &[Self]) -> RecordBatch {
        batch(
            Self::schema(),
            vec![
                strings(rows.iter().map(|r| r.doc_id.as_str())),
                strings(rows.iter().map(|r| r.source_path.as_str())),
                strings(rows.iter().map(|r| r.source_sha256.as_str())),
                strings(rows.iter().map(|r| r.source_encoding.as_str())),
                strings(rows.iter().map(|r| r.text.as_str())),
                strings(rows.iter().map(|r| r.text_sha256.as_str())),
                optional_strings(rows.iter().map(|r| r.title.as_deref())),
                strings(rows.iter().map(|r| r.norm_sha256.as_str())),
                strings(rows.iter().map(|r| r.metadata.as_str())),
                changes_column(rows.iter().map(|r| &r.changes)),
                optional_strings(rows.iter().map(|r| r.split.as_deref())),
                optional_strings(rows.iter().map(|r| r.split_group.as_deref())),
            ],
        )
    }

    fn from_batch(batch: &RecordBatch) -> Result<Vec<Self>, String> {
        let c = Columns(batch);
        let (doc_id, source_path, source_sha256) = (
            c.string("doc_id")?,
            c.string("source_path")?,
            c.string("source_sha256")?,
        );
        let (source_encoding, text, text_sha256, title) = (
            c.string("source_encoding")?,
            c.string("text")?,
            c.string("text_sha256")?,
            c.optional_string("title")?,
        );
        let (norm_sha256, metadata) = (c.string("norm_sha256")?, c.string("metadata")?);
        let changes = read_changes(c.required::<StructArray>("changes")?)?;
        let (split, split_group) = (c.added_string("split")?, c.added_string("split_group")?);
        Ok((0..batch.num_rows())
            .map(|i| Document {
                doc_id: doc_id(i),
                source_path: source_path(i),
                source_sha256: source_sha256(i),
                source_encoding: source_encoding(i),
                text: text(i),
                text_sha256: text_sha256(i),
                title: title(i),
                norm_sha256: norm_sha256(i),
                metadata: metadata(i),
                changes: changes[i],
                split: split(i),
                split_group: split_group(i),
            })
            .collect())
    }
}

impl Table for Sentence {
    const NAME: &'static str = "sentences";
    const ROW_GROUP_ROWS: usize = 16 * 1024;
    const ADDED_COLUMNS: &'static [&'static str] = &["split"];

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            field("sentence_id", DataType::Utf8, false),
            field("doc_id", DataType::Utf8, false),
            field("index", DataType::Int32, false),
            field("start", DataType::Int32, false),
            field("end", DataType::Int32, false),
            field("text", DataType::Utf8, false),
            field("text_sha256", DataType::Utf8, false),
            field("norm_sha256", DataType::Utf8, false),
            field("role", DataType::Utf8, false),
            field("translate", DataType::Boolean, false),
            field("split", DataType::Utf8, true),
        ]))
    }

    fn id(&self) -> &str {
        &self.sentence_id
    }

    fn to_batch(rows: &[Self]) -> RecordBatch {
        batch(
            Self::schema(),
            vec![
                strings(rows.iter().map(|r| r.sentence_id.as_str())),
                strings(rows.iter().map(|r| r.doc_id.as_str())),
                ints(rows.iter().map(|r| r.index)),
                ints(rows.iter().map(|r| r.start)),
                ints(rows.iter().map(|r| r.end)),
                strings(rows.iter().map(|r| r.text.as_str())),
                strings(rows.iter().map(|r| r.text_sha256.as_str())),
                strings(rows.iter().map(|r| r.norm_sha256.as_str())),
                strings(rows.iter().map(|r| r.role.as_str())),
                Arc::new(
                    rows.iter()
                        .map(|r| Some(r.translate))
                        .collect::<BooleanArray>(),
                ),
                optional_strings(rows.iter().map(|r| r.split.as_deref())),
            ],
        )
    }

    fn from_batch(batch: &RecordBatch) -> Result<Vec<Self>, String> {
        let c = Columns(batch);
        let (sentence_id, doc_id, index) = (
            c.string("sentence_id")?,
            c.string("doc_id")?,
            c.int("index")?,
        );
        let (start, end, text, text_sha256) = (
            c.int("start")?,
            c.int("end")?,
            c.string("text")?,
            c.string("text_sha256")?,
        );
        let (role, norm_sha256) = (c.string("role")?, c.string("norm_sha256")?);
        let translate = c.required::<BooleanArray>("translate")?;
        let split = c.added_string("split")?;
        Ok((0..batch.num_rows())
            .map(|i| Sentence {
                sentence_id: sentence_id(i),
                doc_id: doc_id(i),
                index: index(i),
                start: start(i),
                end: end(i),
                text: text(i),
                text_sha256: text_sha256(i),
                norm_sha256: norm_sha256(i),
                role: role(i),
                translate: translate.value(i),
                split: split(i),
            })
            .collect())
    }
}

impl Table for Entity {
    const NAME: &'static str = "entities";
    const ROW_GROUP_ROWS: usize = 16 * 1024;
    const ADDED_COLUMNS: &'static [&'static str] = &["en"];

    fn class_labels() -> Vec<(&'static str, Vec<&'static str>)> {
        vec![("label", Label::ALL.iter().map(|l| l.as_str()).collect())]
    }

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            field("entity_id", DataType::Utf8, false),
            field("doc_id", DataType::Utf8, false),
            field("sentence_id", DataType::Utf8, false),
            field("start", DataType::Int32, false),
            field("end", DataType::Int32, false),
            field("text", DataType::Utf8, false),
            field("label", DataType::Utf8, false),
            field("origin", DataType::Utf8, false),
            field("score", DataType::Float32, true),
            field("en", DataType::Utf8, true),
        ]))
    }

    fn id(&self) -> &str {
        &self.entity_id
    }

    fn to_batch(rows: &[Self]) -> RecordBatch {
        batch(
            Self::schema(),
            vec![
                strings(rows.iter().map(|r| r.entity_id.as_str())),
                strings(rows.iter().map(|r| r.doc_id.as_str())),
                strings(rows.iter().map(|r| r.sentence_id.as_str())),
                ints(rows.iter().map(|r| r.start)),
                ints(rows.iter().map(|r| r.end)),
                strings(rows.iter().map(|r| r.text.as_str())),
                strings(rows.iter().map(|r| r.label.as_str())),
                strings(rows.iter().map(|r| r.origin.as_str())),
                Arc::new(rows.iter().map(|r| r.score).collect::<Float32Array>()),
                optional_strings(rows.iter().map(|r| r.en.as_deref())),
            ],
        )
    }

    fn from_batch(batch: &RecordBatch) -> Result<Vec<Self>, String> {
        let c = Columns(batch);
        let (entity_id, doc_id, sentence_id) = (
            c.string("entity_id")?,
            c.string("doc_id")?,
            c.string("sentence_id")?,
        );
        let (start, end, text) = (c.int("start")?, c.int("end")?, c.string("text")?);
        let (label, origin) = (c.string("label")?, c.string("origin")?);
        let score = c.column::<Float32Array>("score")?;
        let en = c.added_string("en")?;
        Ok((0..batch.num_rows())
            .map(|i| Entity {
                entity_id: entity_id(i),
                doc_id: doc_id(i),
                sentence_id: sentence_id(i),
                start: start(i),
                end: end(i),
                text: text(i),
                label: label(i),
                origin: origin(i),
                score: (!score.is_null(i)).then(|| score.value(i)),
                en: en(i),
            })
            .collect())
    }
}

impl Table for TranslationSlot {
    const NAME: &'static str = "translations";
    const ROW_GROUP_ROWS: usize = 16 * 1024;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            field("sentence_id", DataType::Utf8, false),
            field("source_sha256", DataType::Utf8, false),
            field("text", DataType::Utf8, true),
            field("status", DataType::Utf8, false),
            field("origin", DataType::Utf8, true),
            field("translator", DataType::Utf8, true),
            field("updated_at", DataType::Utf8, true),
        ]))
    }

    fn id(&self) -> &str {
        &self.sentence_id
    }

    fn to_batch(rows: &[Self]) -> RecordBatch {
        batch(
            Self::schema(),
            vec![
                strings(rows.iter().map(|r| r.sentence_id.as_str())),
                strings(rows.iter().map(|r| r.source_sha256.as_str())),
                optional_strings(rows.iter().map(|r| r.text.as_deref())),
                strings(rows.iter().map(|r| r.status.as_str())),
                optional_strings(rows.iter().map(|r| r.origin.as_deref())),
                optional_strings(rows.iter().map(|r| r.translator.as_deref())),
                optional_strings(rows.iter().map(|r| r.updated_at.as_deref())),
            ],
        )
    }

    fn from_batch(batch: &RecordBatch) -> Result<Vec<Self>, String> {
        let c = Columns(batch);
        let (sentence_id, source_sha256, text) = (
            c.string("sentence_id")?,
            c.string("source_sha256")?,
            c.optional_string("text")?,
        );
        let (status, origin, translator, updated_at) = (
            c.string("status")?,
            c.optional_string("origin")?,
            c.optional_string("translator")?,
            c.optional_string("updated_at")?,
        );
        Ok((0..batch.num_rows())
            .map(|i| TranslationSlot {
                sentence_id: sentence_id(i),
                source_sha256: source_sha256(i),
                text: text(i),
                status: status(i),
                origin: origin(i),
                translator: translator(i),
                updated_at: updated_at(i),
            })
            .collect())
    }
}

impl Table for Orphan {
    const NAME: &'static str = "orphans";
    const ROW_GROUP_ROWS: usize = 16 * 1024;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            field("orphan_id", DataType::Utf8, false),
            field("sentence_id", DataType::Utf8, false),
            field("orphaned_in", DataType::Utf8, false),
            field("reason", DataType::Utf8, false),
            field("source_text", DataType::Utf8, false),
            field("source_sha256", DataType::Utf8, false),
            field("source_norm_sha256", DataType::Utf8, false),
            field("text", DataType::Utf8, false),
            field("status", DataType::Utf8, false),
            field("origin", DataType::Utf8, true),
            field("translator", DataType::Utf8, true),
            field("updated_at", DataType::Utf8, true),
        ]))
    }

    fn id(&self) -> &str {
        &self.orphan_id
    }

    fn to_batch(rows: &[Self]) -> RecordBatch {
        batch(
            Self::schema(),
            vec![
                strings(rows.iter().map(|r| r.orphan_id.as_str())),
                strings(rows.iter().map(|r| r.sentence_id.as_str())),
                strings(rows.iter().map(|r| r.orphaned_in.as_str())),
                strings(rows.iter().map(|r| r.reason.as_str())),
                strings(rows.iter().map(|r| r.source_text.as_str())),
                strings(rows.iter().map(|r| r.source_sha256.as_str())),
                strings(rows.iter().map(|r| r.source_norm_sha256.as_str())),
                strings(rows.iter().map(|r| r.text.as_str())),
                strings(rows.iter().map(|r| r.status.as_str())),
                optional_strings(rows.iter().map(|r| r.origin.as_deref())),
                optional_strings(rows.iter().map(|r| r.translator.as_deref())),
                optional_strings(rows.iter().map(|r| r.updated_at.as_deref())),
            ],
        )
    }

    fn from_batch(batch: &RecordBatch) -> Result<Vec<Self>, String> {
        let c = Columns(batch);
        let (orphan_id, sentence_id, orphaned_in, reason) = (
            c.string("orphan_id")?,
            c.string("sentence_id")?,
            c.string("orphaned_in")?,
            c.string("reason")?,
        );
        let (source_text, source_sha256, source_norm_sha256) = (
            c.string("source_text")?,
            c.string("source_sha256")?,
            c.string("source_norm_sha256")?,
        );
        let (text, status) = (c.string("text")?, c.string("status")?);
        let (origin, translator, updated_at) = (
            c.optional_string("origin")?,
            c.optional_string("translator")?,
            c.optional_string("updated_at")?,
        );
        Ok((0..batch.num_rows())
            .map(|i| Orphan {
                orphan_id: orphan_id(i),
                sentence_id: sentence_id(i),
                orphaned_in: orphaned_in(i),
                reason: reason(i),
                source_text: source_text(i),
                source_sha256: source_sha256(i),
                source_norm_sha256: source_norm_sha256(i),
                text: text(i),
                status: status(i),
                origin: origin(i),
                translator: translator(i),
                updated_at: updated_at(i),
            })
            .collect())
    }
}
