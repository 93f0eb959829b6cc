//! Writes one table as Parquet and JSONL side by side, streaming: JSONL lines
//! go out as rows arrive, Parquet row groups as they fill.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use parquet::arrow::ArrowWriter;

use super::hash::HashingWriter;
use super::{jsonl, parquet as pq};
use crate::error::{Error, IoContext, Result};
use crate::model::FileEntry;
use crate::table::Table;

type Sink = HashingWriter<BufWriter<File>>;

/// A table being written into a version folder.
pub struct TableWriter<T: Table> {
    dir: PathBuf,
    parquet: ArrowWriter<Sink>,
    jsonl: Sink,
    pending: Vec<T>,
    rows: u64,
}

impl<T: Table> TableWriter<T> {
    /// Creates `DIR/<table>.parquet` and `DIR/<table>.jsonl`.
    pub fn create(dir: &Path) -> Result<Self> {
        let parquet_path = dir.join(format!("{}.parquet", T::NAME));
        let parquet_file = create(&parquet_path)?;
        let parquet = ArrowWriter::try_new(
            parquet_file,
            pq::file_schema_of::<T>(),
            Some(pq::writer_properties::<T>()),
        )
        .map_err(|e| Error::Parquet {
            path: parquet_path,
            message: e.to_string(),
        })?;
        Ok(TableWriter {
            dir: dir.to_path_buf(),
            parquet,
            jsonl: create(&dir.join(format!("{}.jsonl", T::NAME)))?,
            pending: Vec::with_capacity(T::ROW_GROUP_ROWS),
            rows: 0,
        })
    }

    /// Appends a row; rows must come in id order.
    pub fn push(&mut self, row: T) -> Result<()> {
        debug_assert!(
            self.pending.last().is_none_or(|last| last.id() < row.id()),
            "{} rows out of id order at {:?}",
            T::NAME,
            row.id()
        );
        jsonl::write_row(&mut self.jsonl, &row).at(self.path("jsonl"))?;
        self.pending.push(row);
        self.rows += 1;
        if self.pending.len() == T::ROW_GROUP_ROWS {
            self.write_row_group()?;
        }
        Ok(())
    }

    fn path(&self, format: &str) -> PathBuf {
        self.dir.join(format!("{}.{format}", T::NAME))
    }

    fn write_row_group(&mut self) -> Result<()> {
        let batch = T::to_batch(&self.pending);
        self.pending.clear();
        self.parquet
            .write(&batch)
            .and_then(|()| self.parquet.flush())
            .map_err(|e| Error::Parquet {
                path: self.path("parquet"),
                message: e.to_string(),
            })
    }

    /// Writes what is pending and the Parquet footer, syncs both files to
    /// disk, and returns their manifest entries (Parquet first).
    pub fn finish(mut self) -> Result<[FileEntry; 2]> {
        if !self.pending.is_empty() {
            self.write_row_group()?;
        }
        let parquet_path = self.path("parquet");
        let parquet = self.parquet.into_inner().map_err(|e| Error::Parquet {
            path: parquet_path.clone(),
            message: e.to_string(),
        })?;
        let entries = [
            (parquet, "parquet", parquet_path),
            (
                self.jsonl,
                "jsonl",
                self.dir.join(format!("{}.jsonl", T::NAME)),
            ),
        ]
        .map(|(sink, format, path)| {
            let (buffered, sha256, bytes) = sink.finish();
            let file = buffered
                .into_inner()
                .map_err(|e| e.into_error())
                .at(&path)?;
            file.sync_all().at(&path)?;
            Ok(FileEntry {
                path: format!("{}.{format}", T::NAME),
                table: T::NAME.to_string(),
                format: format.to_string(),
                sha256,
                bytes,
                rows: self.rows,
            })
        });
        let [parquet, jsonl] = entries;
        Ok([parquet?, jsonl?])
    }
}

fn create(path: &Path) -> Result<Sink> {
    let file = File::create(path).map_err(|source| Error::NotWritable {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(HashingWriter::new(BufWriter::new(file)))
}
