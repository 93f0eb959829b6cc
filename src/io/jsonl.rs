//! JSON Lines: one object per line, UTF-8, `\n` endings, keys in the
//! struct's field order (serde keeps it), compact: `validate` relies on
//! this form to compare lines with rows as bytes.

use std::io::Write;

use serde::Serialize;

/// Writes one row as a line.
pub fn write_row<W: Write, T: Serialize>(out: &mut W, row: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, row)?;
    out.write_all(b"\n")
}
