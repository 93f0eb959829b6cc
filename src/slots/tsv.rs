//! TSV cells: one row per line, cells separated by tabs, and the four
//! characters that would break that (tab, newline, carriage return,
//! backslash) written as `\t`, `\n`, `\r`, `\\`. Cells that a spreadsheet
//! quoted on saving are read unquoted.

/// A cell's text with tabs, line breaks and backslashes escaped.
pub fn escape(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    for c in cell.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// The text of an escaped cell. A backslash before any other character is
/// kept as it is, since spreadsheets write lone backslashes.
pub fn unescape(cell: &str) -> String {
    let unquoted = unquote(cell);
    let cell = unquoted.as_deref().unwrap_or(cell);
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

/// A cell that a spreadsheet quoted the CSV way because it holds a double
/// quote (Excel and LibreOffice save `He said "yes"` as
/// `"He said ""yes"""`), unquoted. Only quoting that was needed counts:
/// text that merely starts and ends with a quote (`"Stop!"`) is not quoted.
fn unquote(cell: &str) -> Option<String> {
    let inner = cell.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    let mut doubled = false;
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.next() != Some('"') {
                return None;
            }
            doubled = true;
        }
        out.push(c);
    }
    doubled.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips_every_special_character() {
        let cell = "a\tb\nc\rd\\e \\n";
        assert_eq!(escape(cell), "a\\tb\\nc\\rd\\\\e \\\\n");
        assert_eq!(unescape(&escape(cell)), cell);
    }

    #[test]
    fn a_lone_backslash_is_kept() {
        assert_eq!(unescape("C:\\x\\"), "C:\\x\\");
    }

    #[test]
    fn a_cell_a_spreadsheet_quoted_is_read_unquoted_and_other_quotes_are_kept() {
        let cases = [
            (r#""He said ""yes""""#, r#"He said "yes""#),
            (r#""""Stop!""""#, r#""Stop!""#),
            (r#""Stop!""#, r#""Stop!""#),
            (r#""a" and "b""#, r#""a" and "b""#),
            (r#""""#, r#""""#),
            ("\"", "\""),
            (r#""x ""y"" \t z""#, "x \"y\" \t z"),
        ];
        for (cell, text) in cases {
            assert_eq!(unescape(cell), text, "{cell}");
        }
    }
}
