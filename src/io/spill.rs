//! Records set aside on disk for a later pass, so that memory holds only
//! their offsets: the build's translation memory keeps every earlier
//! translation this way, which would otherwise grow with the dataset.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::marker::PhantomData;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, IoContext, Result};

/// An unnamed file of length-prefixed JSON records: written in one go,
/// then read in order or at the offsets [`Spill::push`] returned.
pub struct Spill<T> {
    /// Where the file was made, for error messages: its name is removed as
    /// soon as it is open, so a crash leaves nothing behind.
    path: PathBuf,
    file: File,
    writer: BufWriter<File>,
    end: u64,
    record: PhantomData<fn() -> T>,
}

impl<T: Serialize + DeserializeOwned> Spill<T> {
    /// A new, empty spill file in `dir`.
    pub fn create_in(dir: &Path, name: &str) -> Result<Spill<T>> {
        // Unique within the process too: tests make several at once.
        static MADE: AtomicU64 = AtomicU64::new(0);
        let n = MADE.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{name}.{}.{n}.spill", std::process::id()));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| Error::NotWritable {
                path: path.clone(),
                source,
            })?;
        std::fs::remove_file(&path).at(&path)?;
        let writer = BufWriter::with_capacity(1 << 16, file.try_clone().at(&path)?);
        Ok(Spill {
            path,
            file,
            writer,
            end: 0,
            record: PhantomData,
        })
    }

    /// Appends `record`; returns its offset.
    pub fn push(&mut self, record: &T) -> Result<u64> {
        let at = self.end;
        let body = serde_json::to_vec(record).map_err(|e| self.broken(at, &e))?;
        self.writer
            .write_all(&(body.len() as u32).to_le_bytes())
            .and_then(|()| self.writer.write_all(&body))
            .at(&self.path)?;
        self.end += 4 + body.len() as u64;
        Ok(at)
    }

    /// The offset just past the last record: where the next one goes.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// The record at `at`. Call [`Spill::flush`] after the last push first.
    pub fn read_at(&self, at: u64) -> Result<T> {
        let mut size = [0u8; 4];
        self.file.read_exact_at(&mut size, at).at(&self.path)?;
        let mut body = vec![0u8; u32::from_le_bytes(size) as usize];
        self.file.read_exact_at(&mut body, at + 4).at(&self.path)?;
        serde_json::from_slice(&body).map_err(|e| self.broken(at, &e))
    }

    /// Makes every pushed record readable.
    pub fn flush(&mut self) -> Result<()> {
        self.writer.flush().at(&self.path)
    }

    /// The records from offset `from` up to `to`, in order, with their
    /// offsets. Call [`Spill::flush`] after the last push first.
    pub fn records(&self, from: u64, to: u64) -> SpillRecords<'_, T> {
        SpillRecords {
            spill: self,
            at: from,
            to,
            chunk: Vec::new(),
            chunk_at: from,
        }
    }

    fn broken(&self, at: u64, error: &serde_json::Error) -> Error {
        spill_broken(&self.path, at, error)
    }
}

fn spill_broken(path: &Path, at: u64, error: &serde_json::Error) -> Error {
    // Only this process writes the file, so this is a bug or a failing disk.
    Error::io(
        path,
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("temporary record at byte {at} is unreadable: {error}"),
        ),
    )
}

/// The records of a [`Spill`] in order; see [`Spill::records`]. Reads
/// a chunk at a time at its own offsets, so [`Spill::read_at`] may be
/// called between records.
pub struct SpillRecords<'a, T> {
    spill: &'a Spill<T>,
    at: u64,
    to: u64,
    chunk: Vec<u8>,
    /// The offset of `chunk[0]`.
    chunk_at: u64,
}

const CHUNK: usize = 1 << 16;

impl<T: Serialize + DeserializeOwned> SpillRecords<'_, T> {
    /// `len` bytes at offset `at`, from the chunk or a fresh read.
    fn bytes(&mut self, at: u64, len: usize) -> Result<&[u8]> {
        let in_chunk =
            at >= self.chunk_at && at + len as u64 <= self.chunk_at + self.chunk.len() as u64;
        if !in_chunk {
            let wanted = CHUNK.min((self.to - at) as usize).max(len);
            self.chunk.resize(wanted, 0);
            self.spill
                .file
                .read_exact_at(&mut self.chunk, at)
                .at(&self.spill.path)?;
            self.chunk_at = at;
        }
        let start = (at - self.chunk_at) as usize;
        Ok(&self.chunk[start..start + len])
    }

    fn read_next(&mut self) -> Result<(u64, T)> {
        let at = self.at;
        let size = self.bytes(at, 4)?;
        let len = u32::from_le_bytes(size.try_into().expect("four bytes")) as usize;
        let spill = self.spill;
        let body = self.bytes(at + 4, len)?;
        let record = serde_json::from_slice(body).map_err(|e| spill.broken(at, &e))?;
        self.at += 4 + len as u64;
        Ok((at, record))
    }
}

impl<T: Serialize + DeserializeOwned> Iterator for SpillRecords<'_, T> {
    type Item = Result<(u64, T)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.to {
            return None;
        }
        let next = self.read_next();
        if next.is_err() {
            self.at = self.to;
        }
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_in_order_and_at_their_offsets_and_leave_no_file() {
        let dir = std::env::temp_dir().join(format!("tarjama-spill-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut spill = Spill::<(String, u32)>::create_in(&dir, "test").unwrap();
        let first = spill.push(&("واحد".to_string(), 1)).unwrap();
        let second = spill.push(&("two".to_string(), 2)).unwrap();
        let end = spill.end();
        spill.push(&("past the range".to_string(), 3)).unwrap();
        spill.flush().unwrap();
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "the file has no name"
        );
        assert_eq!(spill.read_at(second).unwrap(), ("two".to_string(), 2));
        let all: Vec<(u64, (String, u32))> =
            spill.records(first, end).collect::<Result<_>>().unwrap();
        assert_eq!(
            all,
            vec![
                (first, ("واحد".to_string(), 1)),
                (second, ("two".to_string(), 2))
            ]
        );
        assert_eq!(
            spill.read_at(first).unwrap().1,
            1,
            "reading in order moved no offset read_at uses"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
