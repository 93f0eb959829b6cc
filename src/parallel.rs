//! `export parallel`: aligned Arabic–English pairs of the filled slots, for
//! MT training (Moses plain text, JSONL, Parquet) and for translators'
//! memories (TMX 1.4b).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};
use crate::io::{parquet as pq, refuse_a_folder, write_aside, xml};
use crate::model::{Languages, Sentence, SlotStatus, TranslationSlot};
use crate::split::Split;
use crate::table::Table;
use crate::text::aligned::is_other_line_end;
use crate::version::{Purpose, Version};

/// One aligned pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParallelPair {
    pub sentence_id: String,
    pub doc_id: String,
    pub ar: String,
    pub en: String,
    pub status: String,
    pub origin: Option<String>,
    pub translator: Option<String>,
    /// The sentence's training split; null for versions made before splits.
    pub split: Option<String>,
}

impl Table for ParallelPair {
    const NAME: &'static str = "parallel";
    const ROW_GROUP_ROWS: usize = 16 * 1024;

    fn schema() -> SchemaRef {
        let text = |name: &str, nullable| Field::new(name, DataType::Utf8, nullable);
        Arc::new(Schema::new(vec![
            text("sentence_id", false),
            text("doc_id", false),
            text("ar", false),
            text("en", false),
            text("status", false),
            text("origin", true),
            text("translator", true),
            text("split", true),
        ]))
    }

    fn id(&self) -> &str {
        &self.sentence_id
    }

    fn to_batch(rows: &[Self]) -> RecordBatch {
        let required = |f: fn(&Self) -> &str| -> Arc<dyn Array> {
            Arc::new(StringArray::from_iter_values(rows.iter().map(f)))
        };
        let optional = |f: fn(&Self) -> Option<&str>| -> Arc<dyn Array> {
            Arc::new(rows.iter().map(f).collect::<StringArray>())
        };
        RecordBatch::try_new(
            Self::schema(),
            vec![
                required(|r| &r.sentence_id),
                required(|r| &r.doc_id),
                required(|r| &r.ar),
                required(|r| &r.en),
                required(|r| &r.status),
                optional(|r| r.origin.as_deref()),
                optional(|r| r.translator.as_deref()),
                optional(|r| r.split.as_deref()),
            ],
        )
        .expect("columns are built in schema order")
    }

    fn from_batch(batch: &RecordBatch) -> std::result::Result<Vec<Self>, String> {
        let column = |name: &str| {
            batch
                .column_by_name(name)
                .and_then(|c| c.as_any().downcast_ref::<StringArray>())
                .ok_or_else(|| format!("column {name:?} is missing or not a string"))
        };
        let (id, doc, ar, en) = (
            column("sentence_id")?,
            column("doc_id")?,
            column("ar")?,
            column("en")?,
        );
        let (status, origin, translator, split) = (
            column("status")?,
            column("origin")?,
            column("translator")?,
            column("split")?,
        );
        let optional = |c: &StringArray, i| (!c.is_null(i)).then(|| c.value(i).to_string());
        Ok((0..batch.num_rows())
            .map(|i| ParallelPair {
                sentence_id: id.value(i).to_string(),
                doc_id: doc.value(i).to_string(),
                ar: ar.value(i).to_string(),
                en: en.value(i).to_string(),
                status: status.value(i).to_string(),
                origin: optional(origin, i),
                translator: optional(translator, i),
                split: optional(split, i),
            })
            .collect())
    }
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ParallelFormat {
    /// TMX 1.4b, for translation memories of CAT tools.
    Tmx,
    /// Two line-aligned plain-text files, PATH.ar and PATH.en (line breaks inside a sentence become spaces).
    Moses,
    /// One JSON object per pair.
    Jsonl,
    /// One Parquet file (columns sentence_id, doc_id, ar, en, status, origin, translator, split).
    Parquet,
}

/// Which pairs to export.
#[derive(Debug, Clone)]
pub struct PairFilter {
    /// Only slots at this status or above.
    pub min_status: SlotStatus,
    /// Only sentences of these training splits; all when empty.
    pub splits: Vec<Split>,
}

impl PairFilter {
    /// Whether the pair of a sentence of `split` is wanted; an error when
    /// splits are asked for and the version has none.
    fn keeps_split(&self, split: Option<&str>, version: &str) -> Result<bool> {
        if self.splits.is_empty() {
            return Ok(true);
        }
        match split.and_then(Split::parse) {
            Some(split) => Ok(self.splits.contains(&split)),
            None => Err(Error::Usage(format!(
                "{version} has no training splits (it was made before tarjama assigned them); \
                 rebuild the dataset to assign them, or export without --split"
            ))),
        }
    }
}

/// The pairs of the slots `filter` keeps, in sentence id order.
pub fn pairs(
    version: &Version,
    filter: PairFilter,
) -> Result<impl Iterator<Item = Result<ParallelPair>>> {
    let version_name = version.name().to_string();
    let mut sentences = version.rows::<Sentence>()?;
    let slots = version.rows::<TranslationSlot>()?;
    Ok(slots.filter_map(move |slot| {
        let slot = match slot {
            Ok(slot) => slot,
            Err(e) => return Some(Err(e)),
        };
        let (Some(en), true) = (&slot.text, slot.slot_status() >= filter.min_status) else {
            return None;
        };
        // Sentences are a superset of the slots, in the same order.
        loop {
            match sentences.next()? {
                Err(e) => return Some(Err(e)),
                Ok(s) if s.sentence_id == slot.sentence_id => {
                    match filter.keeps_split(s.split.as_deref(), &version_name) {
                        Ok(true) => {}
                        Ok(false) => return None,
                        Err(e) => return Some(Err(e)),
                    }
                    return Some(Ok(ParallelPair {
                        sentence_id: slot.sentence_id.clone(),
                        doc_id: s.doc_id,
                        ar: s.text,
                        en: en.clone(),
                        status: slot.status.clone(),
                        origin: slot.origin.clone(),
                        translator: slot.translator.clone(),
                        split: s.split,
                    }));
                }
                Ok(_) => continue,
            }
        }
    }))
}

/// Writes the pairs to `output` in `format`; returns the files written and
/// the number of pairs. Each file is written aside and renamed into place.
pub fn export(
    version: &Version,
    format: ParallelFormat,
    output: &Path,
    filter: PairFilter,
) -> Result<(Vec<PathBuf>, u64)> {
    version.check_integrity(Purpose::Export)?;
    let pairs = pairs(version, filter)?;
    let mut count = 0u64;
    let counted = pairs.inspect(|p| count += u64::from(p.is_ok()));
    let files = match format {
        ParallelFormat::Jsonl => {
            write_aside(output, |out| {
                for pair in counted {
                    crate::io::jsonl::write_row(out, &pair?).at(output)?;
                }
                Ok(())
            })?;
            vec![output.to_path_buf()]
        }
        ParallelFormat::Tmx => {
            write_aside(output, |out| {
                write_tmx(out, output, version.manifest.languages(), counted)
            })?;
            vec![output.to_path_buf()]
        }
        ParallelFormat::Parquet => {
            write_aside(output, |out| write_parquet(out, output, counted))?;
            vec![output.to_path_buf()]
        }
        ParallelFormat::Moses => {
            refuse_a_folder(
                output,
                "the start of the two files' names (train: train.ar, train.en)",
            )?;
            let with_ext = |ext: &str| {
                let mut name = output.as_os_str().to_owned();
                name.push(format!(".{ext}"));
                PathBuf::from(name)
            };
            let (ar_path, en_path) = (with_ext("ar"), with_ext("en"));
            write_aside(&ar_path, |ar| {
                write_aside(&en_path, |en| {
                    for pair in counted {
                        let pair = pair?;
                        writeln!(ar, "{}", one_line(&pair.ar)).at(&ar_path)?;
                        writeln!(en, "{}", one_line(&pair.en)).at(&en_path)?;
                    }
                    Ok(())
                })
            })?;
            vec![ar_path, en_path]
        }
    };
    Ok((files, count))
}

/// A sentence on one line, as line-aligned formats need: each run of
/// line breaks (any that Python's `str.splitlines` splits at, or a reader
/// would count a line short) becomes one space.
fn one_line(text: &str) -> String {
    text.split(|c| c == '\n' || is_other_line_end(c))
        .filter(|piece| !piece.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn write_tmx(
    out: &mut BufWriter<File>,
    path: &Path,
    languages: Languages,
    pairs: impl Iterator<Item = Result<ParallelPair>>,
) -> Result<()> {
    let (source_language, target_language) =
        (xml::escape(languages.source), xml::escape(languages.target));
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <tmx version=\"1.4\">\n\
         <header creationtool=\"tarjama\" creationtoolversion=\"{}\" datatype=\"plaintext\" segtype=\"sentence\" adminlang=\"en\" srclang=\"{source_language}\" o-tmf=\"tarjama\"/>\n\
         <body>\n",
        env!("CARGO_PKG_VERSION"),
    )
    .at(path)?;
    for pair in pairs {
        let pair = pair?;
        let mut props = format!("<prop type=\"x-status\">{}</prop>", pair.status);
        if let Some(translator) = &pair.translator {
            props.push_str(&format!(
                "<prop type=\"x-translator\">{}</prop>",
                xml::escape(translator)
            ));
        }
        if let Some(split) = &pair.split {
            props.push_str(&format!("<prop type=\"x-split\">{split}</prop>"));
        }
        writeln!(
            out,
            "<tu tuid=\"{}\">{props}<tuv xml:lang=\"{source_language}\"><seg>{}</seg></tuv><tuv xml:lang=\"{target_language}\"><seg>{}</seg></tuv></tu>",
            xml::escape(&pair.sentence_id),
            xml::escape(&pair.ar),
            xml::escape(&pair.en)
        )
        .at(path)?;
    }
    writeln!(out, "</body>\n</tmx>").at(path)
}

fn write_parquet(
    out: &mut BufWriter<File>,
    path: &Path,
    pairs: impl Iterator<Item = Result<ParallelPair>>,
) -> Result<()> {
    let parquet_error = |e: parquet::errors::ParquetError| Error::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut writer = ArrowWriter::try_new(
        out,
        pq::file_schema_of::<ParallelPair>(),
        Some(pq::writer_properties::<ParallelPair>()),
    )
    .map_err(parquet_error)?;
    let mut batch = Vec::with_capacity(ParallelPair::ROW_GROUP_ROWS);
    for pair in pairs {
        batch.push(pair?);
        if batch.len() == ParallelPair::ROW_GROUP_ROWS {
            writer
                .write(&ParallelPair::to_batch(&batch))
                .map_err(parquet_error)?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        writer
            .write(&ParallelPair::to_batch(&batch))
            .map_err(parquet_error)?;
    }
    writer.close().map_err(parquet_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn every_run_of_line_breaks_python_splits_at_becomes_one_space() {
        let typed = "one\r\ntwo\u{2028}three\u{b}four\n\nfive\u{85}six\u{1e}seven\n";
        assert_eq!(one_line(typed), "one two three four five six seven");
        assert_eq!(one_line(typed).lines().count(), 1);
        assert_eq!(one_line("tab\tkept"), "tab\tkept");
    }
}
