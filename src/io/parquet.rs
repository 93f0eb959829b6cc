//! Parquet: the writer settings, built in one place and pinned so that the
//! same rows always give the same bytes, and a streaming row reader that
//! reports a damaged file as an error.

use std::cell::Cell;
use std::fs::File;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Once};

use arrow_array::RecordBatch;

use arrow_schema::SchemaRef;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::schema::types::ColumnPath;

use crate::describe::features;
use crate::error::{Error, IoContext, Result};
use crate::model::FileEntry;
use crate::table::Table;

/// `created_by` in every file's footer. Fixed rather than the library's
/// default (which carries the parquet crate's version), so upgrading a
/// dependency does not by itself change the bytes of a dataset.
pub const CREATED_BY: &str = "tarjama (parquet format 1)";

/// zstd level 1: writing was the build's critical path at level 3, and the
/// files grow by only a few percent at level 1.
const ZSTD_LEVEL: i32 = 1;

/// Columns of long free text: dictionaries and min/max statistics only cost
/// time there (every value is distinct, and a page's minimum text is of no use).
const FREE_TEXT_COLUMNS: &[&str] = &["text", "title", "source_text"];

/// Table `T`'s schema as its Parquet files store it: with its Hugging Face
/// features in the schema metadata, which is where pyarrow and `datasets`
/// read them (they ignore the file's other key-value metadata).
pub fn file_schema_of<T: Table>() -> SchemaRef {
    let metadata = [(
        features::PARQUET_KEY.to_string(),
        features::parquet_metadata::<T>(),
    )];
    Arc::new(
        T::schema().as_ref().clone().with_metadata(
            metadata
                .into_iter()
                .collect::<std::collections::HashMap<_, _>>(),
        ),
    )
}

/// The writer settings for table `T`.
pub fn writer_properties<T: Table>() -> WriterProperties {
    let mut builder = WriterProperties::builder();
    for column in FREE_TEXT_COLUMNS {
        builder = builder
            .set_column_dictionary_enabled(ColumnPath::from(*column), false)
            .set_column_statistics_enabled(ColumnPath::from(*column), EnabledStatistics::None);
    }
    builder
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_created_by(CREATED_BY.to_string())
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(ZSTD_LEVEL).expect("level 1 is a valid zstd level"),
        ))
        .set_dictionary_enabled(true)
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(T::ROW_GROUP_ROWS))
        .set_max_row_group_bytes(None)
        .set_write_batch_size(1024)
        .set_data_page_size_limit(1024 * 1024)
        .build()
}

/// The Arrow schema stored in a Parquet file.
pub fn file_schema(path: &Path) -> Result<SchemaRef> {
    Ok(open(path)?.schema().clone())
}

/// A reader of the file's footer, which must describe column chunks inside
/// the file.
fn open(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>> {
    let file = File::open(path).at(path)?;
    let unreadable = |e: &dyn std::fmt::Display| Error::Parquet {
        path: path.to_path_buf(),
        message: format!("not a readable Parquet file: {e}"),
    };
    let file_len = file.metadata().at(path)?.len();
    let builder = contain_decoder_panic(|| ParquetRecordBatchReaderBuilder::try_new(file))
        .map_err(|e| unreadable(&e))?
        .map_err(|e| unreadable(&e))?;
    check_chunk_ranges(builder.metadata(), file_len).map_err(|e| unreadable(&e))?;
    Ok(builder)
}

thread_local! {
    /// Set while this thread runs the Parquet decoder under [`contain_decoder_panic`].
    static DECODING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `decode`, turning a panic of the parquet crate into an error.
///
/// The crate asserts on some damaged inputs (page headers, encoded values)
/// instead of returning an error; `validate` must report a damaged file, not
/// crash on it. The panic hook stays quiet for these panics only: any other
/// panic prints as it always does.
fn contain_decoder_panic<R>(decode: impl FnOnce() -> R) -> std::result::Result<R, String> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !DECODING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    DECODING.with(|d| d.set(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(decode));
    DECODING.with(|d| d.set(false));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("the Parquet decoder failed on damaged data ({message})")
    })
}

/// Checks that every column chunk the footer describes lies inside the
/// file. The parquet crate asserts this while reading pages (a panic), so a
/// damaged footer must be caught before: it becomes an error naming the chunk.
fn check_chunk_ranges(
    metadata: &ParquetMetaData,
    file_len: u64,
) -> std::result::Result<(), String> {
    for (g, group) in metadata.row_groups().iter().enumerate() {
        for column in group.columns() {
            let start = column
                .dictionary_page_offset()
                .unwrap_or(column.data_page_offset());
            let len = column.compressed_size();
            let inside = u64::try_from(start)
                .ok()
                .zip(u64::try_from(len).ok())
                .and_then(|(start, len)| start.checked_add(len))
                .is_some_and(|end| end <= file_len);
            if !inside {
                return Err(format!(
                    "the footer places column {} of row group {g} at bytes {start}..+{len}, outside the file's {file_len} bytes",
                    column.column_path()
                ));
            }
        }
    }
    Ok(())
}

/// Streams the rows of table `T` from its Parquet files among `files`
/// (paths relative to `dir`), file after file in the listed order.
pub fn read_table<T: Table + 'static>(
    dir: &Path,
    files: &[FileEntry],
) -> Result<impl Iterator<Item = Result<T>>> {
    let parts = files
        .iter()
        .filter(|f| f.table == T::NAME && f.format == "parquet")
        .map(|f| read_rows::<T>(&dir.join(&f.path)))
        .collect::<Result<Vec<_>>>()?;
    Ok(parts.into_iter().flatten())
}

/// Rows decoded at a time. Small batches keep Arrow's buffers small enough
/// for the allocator to reuse: with whole row groups (16k sentences),
/// `validate` on the 96 MB corpus peaked at 280 MiB and spent 7% of its
/// CPU in page faults on fresh memory; with 256 rows, 190 MiB and 3% faster.
const READ_BATCH_ROWS: usize = 256;

/// Streams the rows of a table's Parquet file, batch by batch.
pub fn read_rows<T: Table>(path: &Path) -> Result<impl Iterator<Item = Result<T>>> {
    let unreadable = |e: &dyn std::fmt::Display| Error::Parquet {
        path: path.to_path_buf(),
        message: format!("not a readable Parquet file: {e}"),
    };
    let reader = open(path)?
        .with_batch_size(READ_BATCH_ROWS)
        .build()
        .map_err(|e| unreadable(&e))?;
    let path = path.to_path_buf();
    let mut batches = ContainedBatches {
        reader: Some(reader),
    };
    let mut rows = Vec::new().into_iter();
    // Rows are moved out of each batch's vector as they are asked for, not
    // collected again: a row is a few hundred bytes, and there are millions.
    Ok(std::iter::from_fn(move || loop {
        if let Some(row) = rows.next() {
            return Some(Ok(row));
        }
        match batches.next()?.and_then(|batch| T::from_batch(&batch)) {
            Ok(batch) => rows = batch.into_iter(),
            Err(message) => {
                batches.reader = None;
                let path = path.clone();
                return Some(Err(Error::Parquet { path, message }));
            }
        }
    }))
}

/// Record batches, decoded with the decoder's panics contained; after a
/// panic the reader is dropped, since its state is unknown.
struct ContainedBatches {
    reader: Option<ParquetRecordBatchReader>,
}

impl Iterator for ContainedBatches {
    type Item = std::result::Result<RecordBatch, String>;

    fn next(&mut self) -> Option<Self::Item> {
        let reader = self.reader.as_mut()?;
        match contain_decoder_panic(|| reader.next()) {
            Ok(batch) => batch.map(|b| b.map_err(|e| format!("cannot decode a row group: {e}"))),
            Err(message) => {
                self.reader = None;
                Some(Err(message))
            }
        }
    }
}
