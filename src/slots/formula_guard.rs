//! Spreadsheets (Excel, LibreOffice Calc, Google Sheets) read a cell that
//! starts with `=`, `+`, `-` or `@` as a formula, in a TSV or CSV file they
//! open as much as in a cell typed by hand. An interview's answers in news
//! text start with a dash (`- لا أرى أن ...`, 1.1% of the corpus's
//! sentences), and Excel shows such a source as `#NAME?`, so the translator
//! cannot read the sentence to translate. A leading apostrophe is the
//! spreadsheets' own mark for "this is text"; an export puts it before such
//! a cell and an import takes it off again, whether the spreadsheet kept it
//! in the saved file or not.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

const TEXT_MARK: char = '\'';

/// The cell with an apostrophe before it when a spreadsheet would take it
/// for a formula.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        Cow::Owned(format!("{TEXT_MARK}{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The cell without the apostrophe [`guard`] put before a formula character
/// (or a translator typed to keep Excel from reading one).
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix(TEXT_MARK) {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_read_as_a_formula_gets_an_apostrophe_and_loses_it_again() {
        for cell in ["- لا أرى أن تنظيم داعش", "=1+1", "+966 11", "@user"] {
            let guarded = guard(cell);
            assert_eq!(guarded, format!("'{cell}"));
            assert_eq!(unguard(&guarded), cell);
        }
    }

    #[test]
    fn other_cells_are_left_as_they_are() {
        for cell in ["قال - ثم ذهب", "", "'quoted' he said", "He said -", "'"] {
            assert_eq!(guard(cell), cell);
            assert_eq!(unguard(cell), cell);
        }
    }
}
