//! JSON Lines: one object per line, UTF-8, `\n` endings, keys in the
//! struct's field order (serde keeps it), compact: `validate` relies on
//! this form to compare lines with rows as bytes.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde::Serialize;

/// Writes one record as a line.
pub fn write_row<W: Write, T: Serialize>(out: &mut W, row: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, row)?;
    out.write_all(b"\n")
}

/// Writes one table row as a line: the same bytes as [`write_row`], faster
/// on long texts (see [`super::compact_json`]).
pub fn write_table_row<W: Write, T: Serialize>(out: &mut W, row: &T) -> std::io::Result<()> {
    super::compact_json::to_writer(&mut *out, row)?;
    out.write_all(b"\n")
}

/// Opens a JSONL file for reading line by line, decompressing it when its
/// first bytes are gzip's, whatever its name (the file is read once, so a
/// pipe works too).
pub fn open_lines_sniffed(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path)?);
    Ok(if reader.fill_buf()?.starts_with(&GZIP_MAGIC) {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(reader),
        ))
    } else {
        Box::new(reader)
    })
}

/// Opens a JSONL file for reading line by line, decompressing it when it is
/// gzip (`.jsonl.gz`).
pub fn open_lines(path: &Path, gzip: bool) -> std::io::Result<Box<dyn BufRead>> {
    let file = File::open(path)?;
    Ok(if gzip {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(BufReader::new(file)),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    })
}
