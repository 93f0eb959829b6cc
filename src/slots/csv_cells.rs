//! CSV cells as Excel's "CSV UTF-8", LibreOffice and pandas write them
//! (RFC 4180): a cell holding the separator, a double quote or a line break
//! is quoted, its quotes doubled; nothing is escaped with backslashes. A
//! sheet saved where the decimal mark is a comma separates cells with
//! semicolons instead, which the header line shows.

use std::io::Write;

/// The separator a header line uses: the comma, unless it holds more
/// semicolons (or tabs, a TSV file named `.csv`).
pub fn separator_of(header: &[u8]) -> u8 {
    let count = |byte: u8| header.iter().filter(|&&b| b == byte).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&sep| (count(sep), sep == b','))
        .unwrap_or(b',')
}

/// Writes one row of cells, separated by commas, ended by CRLF.
pub fn write_row(out: &mut impl Write, cells: &[&str]) -> std::io::Result<()> {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        if cell.contains([',', '"', '\n', '\r']) {
            write!(out, "\"{}\"", cell.replace('"', "\"\""))?;
        } else {
            out.write_all(cell.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_is_what_the_header_line_uses() {
        assert_eq!(separator_of(b"sentence_id,source,target"), b',');
        assert_eq!(separator_of(b"sentence_id;source;target"), b';');
        assert_eq!(separator_of(b"sentence_id\tsource\ttarget"), b'\t');
        assert_eq!(separator_of(b"target"), b',');
    }

    #[test]
    fn a_written_row_reads_back_cell_for_cell_with_a_csv_reader() {
        let cells = [
            "قال: \"نعم\"، ثم ذهب",
            "He said \"yes\", then left",
            "two\nlines",
            "",
            "plain",
        ];
        let mut out = Vec::new();
        write_row(&mut out, &cells).unwrap();
        write_row(&mut out, &cells).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(out.as_slice());
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows, [cells.map(String::from), cells.map(String::from)]);
    }
}
