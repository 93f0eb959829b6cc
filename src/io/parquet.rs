//! Parquet: the writer settings, built in one place and pinned so that the
//! same rows always give the same bytes, and a streaming row reader.

use std::fs::File;
use std::path::Path;

use arrow_schema::SchemaRef;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::schema::types::ColumnPath;

use crate::error::{Error, IoContext, Result};
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

/// The writer settings for a table whose row groups hold `row_group_rows` rows.
pub fn writer_properties(row_group_rows: usize) -> WriterProperties {
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
        .set_max_row_group_row_count(Some(row_group_rows))
        .set_max_row_group_bytes(None)
        .set_write_batch_size(1024)
        .set_data_page_size_limit(1024 * 1024)
        .build()
}

/// The Arrow schema stored in a Parquet file.
pub fn file_schema(path: &Path) -> Result<SchemaRef> {
    let file = File::open(path).at(path)?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| Error::Parquet {
        path: path.to_path_buf(),
        message: format!("not a readable Parquet file: {e}"),
    })?;
    Ok(builder.schema().clone())
}

/// Streams the rows of a table's Parquet file, batch by batch.
pub fn read_rows<T: Table>(path: &Path) -> Result<impl Iterator<Item = Result<T>>> {
    let file = File::open(path).at(path)?;
    let parquet_error = |e: &dyn std::fmt::Display| Error::Parquet {
        path: path.to_path_buf(),
        message: format!("not a readable Parquet file: {e}"),
    };
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| parquet_error(&e))?
        .with_batch_size(T::ROW_GROUP_ROWS)
        .build()
        .map_err(|e| parquet_error(&e))?;
    let path = path.to_path_buf();
    Ok(reader.flat_map(move |batch| {
        let rows: Vec<Result<T>> = match batch {
            Ok(batch) => match T::from_batch(&batch) {
                Ok(rows) => rows.into_iter().map(Ok).collect(),
                Err(message) => vec![Err(Error::Parquet {
                    path: path.clone(),
                    message,
                })],
            },
            Err(e) => vec![Err(Error::Parquet {
                path: path.clone(),
                message: format!("cannot decode a row group: {e}"),
            })],
        };
        rows
    }))
}
