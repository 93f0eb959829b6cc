//! Writes one table as Parquet and JSONL side by side, streaming: JSONL lines
//! go out as rows arrive, Parquet row groups as they fill. A table of more
//! than `rows_per_file` rows is cut into several file pairs, named as the
//! Hugging Face hub names shards once their number is known.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use parquet::arrow::ArrowWriter;
use sha2::{Digest, Sha256};

use super::hash::HashingWriter;
use super::{jsonl, parquet as pq};
use crate::error::{Error, IoContext, Result};
use crate::model::{FileEntry, TableContent};
use crate::table::Table;

type Sink = HashingWriter<BufWriter<File>>;

/// The files of a table, and its content hash.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFiles {
    pub table: &'static str,
    /// Parquet then JSONL, file by file.
    pub files: Vec<FileEntry>,
    pub content: TableContent,
}

/// The files of a table of `count` files: `{table}.{format}` when there is
/// one, `{table}-{i:05}-of-{count:05}.{format}` when there are several.
pub fn file_name(table: &str, index: usize, count: usize, format: &str) -> String {
    if count == 1 {
        format!("{table}.{format}")
    } else {
        format!("{table}-{index:05}-of-{count:05}.{format}")
    }
}

/// One file pair being written, under a temporary name.
struct Part {
    parquet: ArrowWriter<Sink>,
    jsonl: Sink,
    rows: u64,
}

/// A table being written into a version folder.
pub struct TableWriter<T: Table> {
    dir: PathBuf,
    rows_per_file: u64,
    part: Option<Part>,
    /// Entries of the finished parts, under their temporary names.
    finished: Vec<[FileEntry; 2]>,
    pending: Vec<T>,
    rows: u64,
    /// The sha256 of every JSONL line in order, whatever file it went to.
    content: Sha256,
}

/// Writes to a part's JSONL file and to the table's content hash.
struct Tee<'a> {
    file: &'a mut Sink,
    content: &'a mut Sha256,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.content.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl<T: Table> TableWriter<T> {
    /// Starts the table in `dir`; its files appear when it is finished.
    pub fn create(dir: &Path, rows_per_file: u64) -> Result<Self> {
        let mut writer = TableWriter {
            dir: dir.to_path_buf(),
            rows_per_file: rows_per_file.max(1),
            part: None,
            finished: Vec::new(),
            pending: Vec::with_capacity(T::ROW_GROUP_ROWS),
            rows: 0,
            content: Sha256::new(),
        };
        // An empty table still has its (empty) files.
        writer.open_part()?;
        Ok(writer)
    }

    fn temporary(&self, index: usize, format: &str) -> PathBuf {
        self.dir
            .join(format!(".{}-{index:05}.{format}.part", T::NAME))
    }

    fn open_part(&mut self) -> Result<()> {
        let index = self.finished.len();
        let parquet_path = self.temporary(index, "parquet");
        let parquet = ArrowWriter::try_new(
            create(&parquet_path)?,
            pq::file_schema_of::<T>(),
            Some(pq::writer_properties::<T>()),
        )
        .map_err(|e| Error::Parquet {
            path: parquet_path,
            message: e.to_string(),
        })?;
        let jsonl = create(&self.temporary(index, "jsonl"))?;
        self.part = Some(Part {
            parquet,
            jsonl,
            rows: 0,
        });
        Ok(())
    }

    /// Appends a row; rows must come in id order.
    pub fn push(&mut self, row: T) -> Result<()> {
        debug_assert!(
            self.pending.last().is_none_or(|last| last.id() < row.id()),
            "{} rows out of id order at {:?}",
            T::NAME,
            row.id()
        );
        if self.part.is_none() {
            self.open_part()?;
        }
        let part = self.part.as_mut().expect("a part is open");
        let mut tee = Tee {
            file: &mut part.jsonl,
            content: &mut self.content,
        };
        if let Err(e) = jsonl::write_table_row(&mut tee, &row) {
            return Err(Error::io(self.temporary(self.finished.len(), "jsonl"), e));
        }
        part.rows += 1;
        let full = part.rows == self.rows_per_file;
        self.pending.push(row);
        self.rows += 1;
        if self.pending.len() == T::ROW_GROUP_ROWS || full {
            self.write_row_group()?;
        }
        if full {
            self.finish_part()?;
        }
        Ok(())
    }

    fn write_row_group(&mut self) -> Result<()> {
        let batch = T::to_batch(&self.pending);
        self.pending.clear();
        let path = self.temporary(self.finished.len(), "parquet");
        let part = self.part.as_mut().expect("a part is open");
        part.parquet
            .write(&batch)
            .and_then(|()| part.parquet.flush())
            .map_err(|e| Error::Parquet {
                path,
                message: e.to_string(),
            })
    }

    /// Writes the part's footer and syncs both of its files.
    fn finish_part(&mut self) -> Result<()> {
        let index = self.finished.len();
        let Part {
            parquet,
            jsonl,
            rows,
        } = self.part.take().expect("a part is open");
        let parquet_path = self.temporary(index, "parquet");
        let parquet = parquet.into_inner().map_err(|e| Error::Parquet {
            path: parquet_path.clone(),
            message: e.to_string(),
        })?;
        let entries = [
            (parquet, "parquet", parquet_path),
            (jsonl, "jsonl", self.temporary(index, "jsonl")),
        ]
        .map(|(sink, format, path)| {
            let (buffered, sha256, bytes) = sink.finish();
            let file = buffered
                .into_inner()
                .map_err(|e| e.into_error())
                .at(&path)?;
            file.sync_all().at(&path)?;
            Ok(FileEntry {
                path: path.to_string_lossy().into_owned(),
                table: T::NAME.to_string(),
                format: format.to_string(),
                sha256,
                bytes,
                rows,
            })
        });
        let [parquet, jsonl] = entries;
        self.finished.push([parquet?, jsonl?]);
        Ok(())
    }

    /// Writes what is pending, names the files now that their number is
    /// known, and returns their manifest entries (Parquet then JSONL, file
    /// by file) and the table's content hash.
    pub fn finish(mut self) -> Result<TableFiles> {
        if !self.pending.is_empty() {
            self.write_row_group()?;
        }
        if self.part.is_some() {
            self.finish_part()?;
        }
        let count = self.finished.len();
        let mut files = Vec::with_capacity(2 * count);
        for (index, pair) in std::mem::take(&mut self.finished).into_iter().enumerate() {
            for mut entry in pair {
                let name = file_name(T::NAME, index, count, &entry.format);
                let target = self.dir.join(&name);
                std::fs::rename(&entry.path, &target).at(&target)?;
                entry.path = name;
                files.push(entry);
            }
        }
        Ok(TableFiles {
            table: T::NAME,
            files,
            content: TableContent {
                rows: self.rows,
                sha256: hex::encode(self.content.finalize()),
            },
        })
    }
}

fn create(path: &Path) -> Result<Sink> {
    let file = File::create(path).map_err(|source| Error::NotWritable {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(HashingWriter::new(BufWriter::new(file)))
}
