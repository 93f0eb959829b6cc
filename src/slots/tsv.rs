//! TSV cells: one row per line, cells separated by tabs, and the four
//! characters that would break that (tab, newline, carriage return,
//! backslash) written as `\t`, `\n`, `\r`, `\\`. A cell that starts with a
//! double quote is quoted the CSV way, as spreadsheets and CSV readers
//! (Excel, LibreOffice, pandas, Python's `csv`) expect: unquoted, they
//! would take its quotes for quoting and lose them. Reading back, cells a
//! spreadsheet quoted on saving are read unquoted, including a quoted cell
//! that runs over several lines (a line break typed in the cell).

/// A cell's text with tabs, line breaks and backslashes escaped, quoted
/// when it starts with a double quote.
pub fn escape(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len() + 2);
    let quoted = cell.starts_with('"');
    if quoted {
        out.push('"');
    }
    for c in cell.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '"' if quoted => out.push_str("\"\""),
            c => out.push(c),
        }
    }
    if quoted {
        out.push('"');
    }
    out
}

/// How the text of a row (its lines joined by `\n`) splits into cells.
#[derive(Debug, PartialEq)]
pub enum Split {
    /// As many cells as the header has, unquoted and unescaped.
    Cells(Vec<String>),
    /// A quoted cell is still open at the end of the text: it goes on in
    /// the next line.
    Open,
    /// Another number of cells than the header has.
    Count(usize),
}

/// The cells of a row with `width` columns, read the way spreadsheets and
/// CSV readers write them. A cell counts as quoted only when its quoting
/// was needed: it holds a doubled quote (Excel and LibreOffice save
/// `He said "yes"` as `"He said ""yes"""`), a tab or a line break. Text
/// that merely starts and ends with a quote (`"Stop!"`) is not quoted.
pub fn split(text: &str, width: usize) -> Split {
    let mut cells = Vec::with_capacity(width);
    let mut rest = text;
    loop {
        let after = match quoted_cell(rest) {
            QuotedCell::Closed { text, after } => {
                cells.push(unescape(&text));
                after
            }
            QuotedCell::Open => return Split::Open,
            QuotedCell::No => {
                let end = rest.find('\t').unwrap_or(rest.len());
                cells.push(unescape(&rest[..end]));
                &rest[end..]
            }
        };
        match after.strip_prefix('\t') {
            Some(next) => rest = next,
            None => break,
        }
    }
    if cells.len() == width {
        Split::Cells(cells)
    } else {
        Split::Count(cells.len())
    }
}

/// Whether a line's tabs alone give it `width` cells.
pub fn fits_by_tabs(line: &str, width: usize) -> bool {
    line.split('\t').count() == width
}

/// The cells of a line split at every tab, quotes taken as text: how a row
/// written by hand in a text editor reads, a quote typed at the start of
/// a cell and closed in a later sentence included.
pub fn by_tabs(line: &str) -> Vec<String> {
    line.split('\t').map(unescape).collect()
}

enum QuotedCell<'a> {
    /// A quoted cell, its quotes undoubled, and the text after it (empty,
    /// or starting with the tab before the next cell).
    Closed { text: String, after: &'a str },
    /// A quote opens the cell and nothing closes it.
    Open,
    /// The cell is not quoted.
    No,
}

fn quoted_cell(rest: &str) -> QuotedCell<'_> {
    let Some(inner) = rest.strip_prefix('"') else {
        return QuotedCell::No;
    };
    let mut text = String::new();
    let mut needed = false;
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '"' {
            needed |= c == '\t' || c == '\n';
            text.push(c);
            continue;
        }
        let after = &inner[i + 1..];
        if after.starts_with('"') {
            chars.next();
            needed = true;
            text.push('"');
            continue;
        }
        let ends_cell = after.is_empty() || after.starts_with('\t');
        return if ends_cell && needed {
            QuotedCell::Closed { text, after }
        } else {
            QuotedCell::No
        };
    }
    QuotedCell::Open
}

/// The text of an escaped cell. A backslash before any other character is
/// kept as it is, since spreadsheets write lone backslashes.
fn unescape(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            _ => {
                out.push('\\');
                continue;
            }
        }
        chars.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(texts: &[&str]) -> Split {
        Split::Cells(texts.iter().map(|t| t.to_string()).collect())
    }

    fn one_cell(text: &str) -> String {
        match split(text, 1) {
            Split::Cells(mut cells) => cells.remove(0),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn escaping_round_trips_every_special_character() {
        let cell = "a\tb\nc\rd\\e \\n";
        assert_eq!(escape(cell), "a\\tb\\nc\\rd\\\\e \\\\n");
        assert_eq!(one_cell(&escape(cell)), cell);
    }

    #[test]
    fn a_cell_starting_with_a_quote_is_quoted_and_reads_back() {
        for cell in [r#""Stop!" he said"#, r#""Stop!""#, "\"", r#""a\tb" c"#] {
            let escaped = escape(cell);
            assert!(
                escaped.starts_with('"') && escaped.ends_with('"'),
                "{escaped}"
            );
            assert_eq!(one_cell(&escaped), cell);
            let row = format!("x\t{escaped}\ty");
            assert_eq!(split(&row, 3), cells(&["x", cell, "y"]));
        }
        assert_eq!(escape(r#"say "no""#), r#"say "no""#);
    }

    #[test]
    fn a_lone_backslash_is_kept() {
        assert_eq!(one_cell("C:\\x\\"), "C:\\x\\");
    }

    #[test]
    fn a_cell_a_spreadsheet_quoted_is_read_unquoted_and_other_quotes_are_kept() {
        let cases = [
            (r#""He said ""yes""""#, r#"He said "yes""#),
            (r#""""Stop!""""#, r#""Stop!""#),
            (r#""Stop!""#, r#""Stop!""#),
            (r#""a" and "b""#, r#""a" and "b""#),
            (r#""""#, r#""""#),
            (r#""x ""y"" \t z""#, "x \"y\" \t z"),
        ];
        for (cell, text) in cases {
            assert_eq!(one_cell(cell), text, "{cell}");
        }
    }

    #[test]
    fn a_quoted_cell_holds_tabs_and_line_breaks() {
        assert_eq!(
            split("a\t\"one\ttwo\nthree\"\tc", 3),
            cells(&["a", "one\ttwo\nthree", "c"])
        );
    }

    #[test]
    fn a_quoted_cell_open_at_the_end_of_a_short_row_waits_for_its_next_line() {
        assert_eq!(split("a\t\"Line one", 3), Split::Open);
        assert_eq!(
            split("a\t\"Line one\nline two\"\tc", 3),
            cells(&["a", "Line one\nline two", "c"])
        );
    }

    #[test]
    fn a_quote_that_does_not_quote_is_text() {
        assert_eq!(split("a\t\"Hello\tc", 3), Split::Open);
        assert_eq!(split("\"", 1), Split::Open);
        assert_eq!(by_tabs("\""), ["\""]);
        assert_eq!(by_tabs("a\t\"Hello\tc"), ["a", "\"Hello", "c"]);
        assert!(fits_by_tabs("a\t\"Hello\tc", 3));
        assert_eq!(split("a\tb\tc\td", 3), Split::Count(4));
    }
}
