//! JSON Lines: one object per line, UTF-8, `\n` endings, keys in the
//! struct's field order (serde keeps it), read back with line numbers.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, IoContext, Result};

/// Writes one row as a line.
pub fn write_row<W: Write, T: Serialize>(out: &mut W, row: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, row)?;
    out.write_all(b"\n")
}

/// Streams `(line number, row)` from a JSONL file; line numbers are 1-based.
/// A line that does not parse gives an error naming its line.
pub fn read_rows<T: DeserializeOwned>(
    path: &Path,
) -> Result<impl Iterator<Item = (u64, Result<T>)>> {
    let file = File::open(path).at(path)?;
    let path = path.to_path_buf();
    Ok(BufReader::new(file)
        .lines()
        .enumerate()
        .map(move |(i, line)| {
            let line_no = i as u64 + 1;
            let row = line.at(&path).and_then(|line| {
                serde_json::from_str::<T>(&line).map_err(|e| Error::Jsonl {
                    path: path.clone(),
                    line: line_no,
                    message: e.to_string(),
                })
            });
            (line_no, row)
        }))
}
