//! A table file's JSONL lines, checked against its Parquet rows.
//!
//! Each row is written the way `build` writes it (keys in field order,
//! compact, [`crate::io::compact_json`]) into a window of a few hundred
//! kilobytes, and the window is compared with the same number of bytes of
//! the file in one go: no line splitting, no per-row comparison, and no
//! parsing of what matches. From the first window that differs on, the file
//! is read line by line, and each line that differs is parsed to say whether
//! it is invalid or holds other values than its row.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::PathBuf;

use super::findings::Report;
use super::rules;
use crate::table::Table;

/// Bytes of serialised rows compared at a time: small enough to stay in cache.
const WINDOW_BYTES: usize = 256 * 1024;

pub struct JsonlCheck {
    path: PathBuf,
    source: Source,
    /// Rows as `build` writes them, each with its newline, not yet compared.
    window: Vec<u8>,
    window_bytes: usize,
    window_rows: u64,
    /// The Parquet row number of the window's first row.
    window_first_row: u64,
    found: Vec<u8>,
    line: Vec<u8>,
    lines: u64,
}

/// Where the file's bytes come from: the file itself while the windows
/// match (read straight into the comparison buffer), then lines.
enum Source {
    Windows(File),
    Lines(Box<dyn BufRead>),
}

impl JsonlCheck {
    /// `None` when the file cannot be opened (its absence is a finding of
    /// the file checks).
    pub fn open(path: PathBuf) -> Option<Self> {
        Self::with_window(path, WINDOW_BYTES)
    }

    fn with_window(path: PathBuf, window_bytes: usize) -> Option<Self> {
        let file = File::open(&path).ok()?;
        Some(JsonlCheck {
            path,
            source: Source::Windows(file),
            window: Vec::with_capacity(window_bytes + (1 << 16)),
            window_bytes,
            window_rows: 0,
            window_first_row: 1,
            found: Vec::with_capacity(window_bytes + (1 << 16)),
            line: Vec::new(),
            lines: 0,
        })
    }

    /// The lines read so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Checks the line of the Parquet row `row` (1-based), `value`.
    pub fn push<T: Table>(&mut self, value: &T, row: u64, findings: &mut Report) {
        if self.window.is_empty() {
            self.window_first_row = row;
        }
        crate::io::jsonl::write_table_row(&mut self.window, value)
            .expect("rows always serialise into memory");
        self.window_rows += 1;
        match self.source {
            Source::Lines(_) => self.compare_lines::<T>(findings),
            Source::Windows(_) if self.window.len() >= self.window_bytes => {
                self.compare_window::<T>(findings)
            }
            Source::Windows(_) => {}
        }
    }

    /// Compares what is left, then reads the lines past the last row: each
    /// must at least be a valid row.
    pub fn finish<T: Table>(&mut self, findings: &mut Report) {
        match self.source {
            Source::Lines(_) => self.compare_lines::<T>(findings),
            Source::Windows(_) => self.compare_window::<T>(findings),
        }
        self.read_lines();
        while self.next_line() {
            if serde_json::from_slice::<T>(&self.line).is_err() {
                let message = format!("not a valid {} row", T::NAME);
                let line = Some(self.lines);
                findings.add(rules::TABLE_JSONL_INVALID, &self.path, line, None, message);
            }
        }
    }

    fn compare_window<T: Table>(&mut self, findings: &mut Report) {
        let Source::Windows(file) = &mut self.source else {
            return;
        };
        self.found.resize(self.window.len(), 0);
        let mut filled = 0;
        // A read error ends the file here; the line count then says so.
        while filled < self.found.len() {
            match file.read(&mut self.found[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        self.found.truncate(filled);
        if self.found == self.window {
            self.lines += self.window_rows;
            self.found.clear();
            self.window.clear();
            self.window_rows = 0;
            return;
        }
        self.read_lines();
        self.compare_lines::<T>(findings);
    }

    /// From here on the file is read as lines, starting with the bytes
    /// already read for a window that differed.
    fn read_lines(&mut self) {
        if matches!(self.source, Source::Lines(_)) {
            return;
        }
        let placeholder = Source::Lines(Box::new(std::io::empty()));
        if let Source::Windows(file) = std::mem::replace(&mut self.source, placeholder) {
            let found = Cursor::new(std::mem::take(&mut self.found));
            self.source = Source::Lines(Box::new(BufReader::new(found.chain(file))));
        }
    }

    fn compare_lines<T: Table>(&mut self, findings: &mut Report) {
        let window = std::mem::take(&mut self.window);
        for (i, expected) in window.split_inclusive(|&b| b == b'\n').enumerate() {
            if !self.next_line() {
                break; // Missing lines: the line count says so.
            }
            let expected = &expected[..expected.len() - 1];
            if self.line != expected {
                self.report_difference::<T>(expected, self.window_first_row + i as u64, findings);
            }
        }
        self.window = window;
        self.window.clear();
        self.window_rows = 0;
    }

    fn report_difference<T: Table>(&self, expected: &[u8], row: u64, findings: &mut Report) {
        let line = self.lines;
        let found = match serde_json::from_slice::<T>(&self.line) {
            Err(e) => {
                let message = format!("not a valid {} row: {e}", T::NAME);
                findings.add(
                    rules::TABLE_JSONL_INVALID,
                    &self.path,
                    Some(line),
                    None,
                    message,
                );
                return;
            }
            Ok(found) => found,
        };
        // The expected line is a row as this tool writes it, so it reads back.
        let Ok(expected) = serde_json::from_slice::<T>(expected) else {
            return;
        };
        if found != expected {
            let id = expected.id();
            let message = format!("line {line} differs from Parquet row {row} (id {id:?})");
            findings.add(
                rules::TABLE_JSONL_MISMATCH,
                &self.path,
                Some(line),
                Some(id),
                message,
            );
        }
    }

    fn next_line(&mut self) -> bool {
        let Source::Lines(lines) = &mut self.source else {
            return false;
        };
        self.line.clear();
        match lines.read_until(b'\n', &mut self.line) {
            Ok(0) | Err(_) => false,
            Ok(_) => {
                if self.line.last() == Some(&b'\n') {
                    self.line.pop();
                }
                self.lines += 1;
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sentence;

    fn seed_sentences() -> (Vec<Sentence>, Vec<String>) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("datasets/seed-news/versions/v0006/sentences.jsonl");
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let rows = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (rows, lines)
    }

    /// Checks `lines` written to a file against `rows`, with windows of 500
    /// bytes (a few rows each): the findings' rules and lines, and the count.
    fn check(case: &str, rows: &[Sentence], lines: &[String]) -> (Vec<(&'static str, u64)>, u64) {
        let dir =
            std::env::temp_dir().join(format!("tarjama-jsonl-check-{}-{case}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("sentences.jsonl");
        std::fs::write(
            &path,
            lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
        )
        .unwrap();
        let mut check = JsonlCheck::with_window(path, 500).unwrap();
        let mut findings = Report::new();
        for (i, row) in rows.iter().enumerate() {
            check.push(row, i as u64 + 1, &mut findings);
        }
        check.finish::<Sentence>(&mut findings);
        std::fs::remove_dir_all(&dir).unwrap();
        let found = findings
            .findings
            .iter()
            .map(|f| (f.rule, f.row.unwrap()))
            .collect();
        (found, check.lines())
    }

    #[test]
    fn lines_equal_to_their_rows_pass_in_windows() {
        let (rows, lines) = seed_sentences();
        assert!(lines.iter().map(String::len).sum::<usize>() > 10 * 500);
        assert_eq!(
            check("lines_equal_to_their_rows_pass_in_windows", &rows, &lines),
            (vec![], rows.len() as u64)
        );
    }

    #[test]
    fn a_changed_line_in_a_later_window_is_named_and_the_rest_still_compared() {
        let (rows, mut lines) = seed_sentences();
        lines[40] = lines[40].replacen("\"role\":\"body\"", "\"role\":\"title\"", 1);
        lines[60] = "{not json".to_string();
        let (found, count) = check(
            "a_changed_line_in_a_later_window_is_named_and_the_rest_still_compared",
            &rows,
            &lines,
        );
        assert_eq!(
            found,
            vec![
                (rules::TABLE_JSONL_MISMATCH.id, 41),
                (rules::TABLE_JSONL_INVALID.id, 61)
            ]
        );
        assert_eq!(count, rows.len() as u64);
    }

    #[test]
    fn lines_past_the_last_row_are_counted_and_read() {
        let (rows, mut lines) = seed_sentences();
        lines.push(lines[0].clone());
        lines.push("[]".to_string());
        let (found, count) = check(
            "lines_past_the_last_row_are_counted_and_read",
            &rows,
            &lines,
        );
        let past = rows.len() as u64 + 2;
        assert_eq!(found, vec![(rules::TABLE_JSONL_INVALID.id, past)]);
        assert_eq!(count, past);
    }

    #[test]
    fn missing_lines_show_in_the_count() {
        let (rows, mut lines) = seed_sentences();
        lines.truncate(lines.len() - 3);
        assert_eq!(
            check("missing_lines_show_in_the_count", &rows, &lines),
            (vec![], rows.len() as u64 - 3)
        );
    }
}
