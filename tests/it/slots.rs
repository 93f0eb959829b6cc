//! Translation slots: export, import through the gate, translation memory,
//! carry-over on rebuild, parallel export, status and diff, run through the
//! real binary on the seed dataset.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::util::*;

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/import").join(name)
}

fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn latest_version(dataset: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(dataset.join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('v'))
        .collect();
    names.sort();
    names.pop().unwrap()
}

/// The import summary (`--json`) and exit code.
struct Imported {
    code: Option<i32>,
    summary: Value,
    file: PathBuf,
}

impl Imported {
    fn count(&self, key: &str) -> u64 {
        match &self.summary[key] {
            Value::Object(by_reason) => by_reason.values().map(|v| v.as_u64().unwrap()).sum(),
            v => v.as_u64().unwrap(),
        }
    }

    fn reason(&self, key: &str, code: &str) -> u64 {
        self.summary[key][code].as_u64().unwrap_or(0)
    }

    /// The rejects file's records.
    fn rejects(&self) -> Vec<Value> {
        read_jsonl(&self.rejects_path())
    }

    fn rejects_path(&self) -> PathBuf {
        PathBuf::from(format!("{}.rejects.jsonl", self.file.display()))
    }

    /// Every row is accepted, skipped or rejected, and every rejected row is
    /// in the rejects file.
    fn assert_nothing_lost(&self, input_rows: u64) {
        assert_eq!(self.count("rows"), input_rows, "{}", self.summary);
        assert_eq!(
            self.count("accepted") + self.count("skipped") + self.count("rejected"),
            input_rows,
            "{}",
            self.summary
        );
        if self.count("rejected") > 0 {
            assert_eq!(self.rejects().len() as u64, self.count("rejected"));
        } else {
            assert!(!self.rejects_path().exists());
        }
    }
}

fn import(dataset: &Path, file: &Path, extra: &[&str]) -> Imported {
    let mut args = vec!["slots", "import", arg(dataset), arg(file), "--json"];
    args.extend(extra);
    let run = tarjama(&args);
    let summary = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("no JSON summary ({e}): {}{}", run.stdout, run.stderr));
    Imported {
        code: run.code,
        summary,
        file: file.to_path_buf(),
    }
}

/// Imports a copy of fixture `name` into a fresh copy of the seed dataset.
fn import_fixture(name: &str, extra: &[&str]) -> (TestDir, PathBuf, Imported) {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let file = fixture_copy(&dir, name);
    let imported = import(&dataset, &file, extra);
    (dir, dataset, imported)
}

/// A copy of a fixture inside the test folder (the rejects file goes beside it).
fn fixture_copy(dir: &TestDir, name: &str) -> PathBuf {
    let copy = dir.path().join(name);
    std::fs::copy(fixture(name), &copy).unwrap();
    copy
}

fn assert_valid(dataset: &Path) {
    let (code, report) = validate_json(dataset);
    let errors: Vec<_> = findings(&report)
        .into_iter()
        .zip(report["findings"].as_array().unwrap())
        .filter(|(_, f)| f["severity"] == "error")
        .collect();
    assert_eq!(code, Some(0), "{errors:?}");
}

fn export(dataset: &Path, format: &str, output: &Path, extra: &[&str]) -> Run {
    let run = slots_export(dataset, format, output, extra);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run
}

/// The (sentence id, English) pairs of a parallel JSONL export.
fn parallel_pairs(dataset: &Path, dir: &TestDir) -> BTreeSet<(String, String)> {
    let output = dir.path().join("pairs.jsonl");
    let run = export_parallel(dataset, "jsonl", &output, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    read_jsonl(&output)
        .iter()
        .map(|p| string_pair(p, "sentence_id", "en"))
        .collect()
}

/// Two string fields of a JSON row.
fn string_pair(row: &Value, first: &str, second: &str) -> (String, String) {
    let field = |key: &str| row[key].as_str().unwrap().to_string();
    (field(first), field(second))
}

#[test]
fn export_fill_import_validate_and_export_parallel_round_trip() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let exported = dir.path().join("batch.jsonl");
    export(&dataset, "jsonl", &exported, &["--status", "empty"]);
    let units = read_jsonl(&exported);
    assert_eq!(units.len(), 63);
    let keys: Vec<&str> = units[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "sentence_id",
        "source",
        "source_sha256",
        "target",
        "status",
        "context_before",
        "context_after",
        "hints",
    ] {
        assert!(keys.contains(&key), "unit lacks {key}: {keys:?}");
    }
    assert_eq!(units[0]["context_before"], Value::Null);
    assert_eq!(units[1]["context_before"], units[0]["source"]);

    // A script fills every third unit.
    let mut filled = BTreeSet::new();
    let mut lines = String::new();
    for (i, mut unit) in units.into_iter().enumerate() {
        if i % 3 == 0 {
            let text = format!("Translation number {i}, with \"quotes\" & a tab\there.");
            filled.insert((
                unit["sentence_id"].as_str().unwrap().to_string(),
                text.clone(),
            ));
            unit["target"] = Value::String(text);
        }
        lines.push_str(&format!("{unit}\n"));
    }
    std::fs::write(&exported, lines).unwrap();

    let imported = import(&dataset, &exported, &["--translator", "amal"]);
    assert_eq!(imported.code, Some(0), "{}", imported.summary);
    assert_eq!(imported.count("accepted"), 21);
    assert_eq!(imported.reason("skipped", "empty"), 42);
    imported.assert_nothing_lost(63);
    assert_eq!(imported.summary["version"], "v0002");
    assert_valid(&dataset);
    assert_eq!(parallel_pairs(&dataset, &dir), filled);

    // Importing the same file again changes nothing and publishes nothing.
    let again = import(&dataset, &exported, &["--translator", "amal"]);
    assert_eq!(again.reason("skipped", "unchanged"), 21);
    assert_eq!(again.summary["version"], Value::Null);
    assert_eq!(latest_version(&dataset), "v0002");
}

#[test]
fn tsv_and_xliff_exports_import_back() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");

    let tsv = dir.path().join("batch.tsv");
    export(&dataset, "tsv", &tsv, &["--limit", "5"]);
    let text = std::fs::read_to_string(&tsv).unwrap();
    let filled = with_tsv_targets(&text, "\n", |i| {
        format!("TSV line {i}\\twith an escaped tab")
    });
    std::fs::write(&tsv, filled).unwrap();
    let imported = import(&dataset, &tsv, &["--translator", "amal"]);
    assert_eq!(imported.count("accepted"), 5, "{}", imported.summary);
    imported.assert_nothing_lost(5);
    let pairs = parallel_pairs(&dataset, &dir);
    assert!(pairs
        .iter()
        .any(|(_, en)| en == "TSV line 0\twith an escaped tab"));

    let xliff = dir.path().join("batch.xlf");
    let text = export_three_empty_units(&dataset, "xliff", &xliff);
    assert!(text.contains("source-language=\"ar\" target-language=\"en\""));
    assert_eq!(text.matches("<trans-unit ").count(), 3);
    let target = "<target xml:lang=\"en\" state=\"translated\">From a CAT tool &amp; back</target>";
    let imported = import_after_each_source(&dataset, &xliff, &text, target);
    assert_eq!(imported.count("accepted"), 3, "{}", imported.summary);
    assert_eq!(imported.count("from_memory"), 0);
    assert_valid(&dataset);
    let pairs = parallel_pairs(&dataset, &dir);
    assert_eq!(
        pairs
            .iter()
            .filter(|(_, en)| en == "From a CAT tool & back")
            .count(),
        3
    );
}

#[test]
fn truncated_jsonl_keeps_the_good_rows_and_rejects_the_cut_line() {
    let (_dir, dataset, imported) = import_fixture("truncated.jsonl", &["--translator", "amal"]);
    assert_eq!(imported.code, Some(1));
    assert_eq!(imported.count("accepted"), 3);
    assert_eq!(imported.reason("rejected", "malformed"), 1);
    imported.assert_nothing_lost(4);
    let rejects = imported.rejects();
    assert_eq!(rejects[0]["line"], 4);
    assert!(rejects[0]["reason"].as_str().unwrap().contains("line 4"));
    assert!(rejects[0]["row"]
        .as_str()
        .unwrap()
        .contains("Cut off in the mid"));
    assert_valid(&dataset);
}

/// Writes the XLIFF `text` to `xliff` with `element` after each `source`, as
/// a CAT tool would, and imports it.
fn import_after_each_source(dataset: &Path, xliff: &Path, text: &str, element: &str) -> Imported {
    let filled = text.replace("</source>\n", &format!("</source>\n{element}\n"));
    std::fs::write(xliff, filled).unwrap();
    import(dataset, xliff, &["--translator", "omegat"])
}

/// A fresh copy of the seed with the first three of its empty slots
/// exported in `format`: the folder (removed when dropped), the dataset,
/// the exported file (`batch.tsv`, `batch.xlf`, ...) and its text.
fn three_empty_units(format: &str) -> (TestDir, PathBuf, PathBuf, String) {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let extension = if format == "xliff" { "xlf" } else { format };
    let file = dir.path().join(format!("batch.{extension}"));
    let text = export_three_empty_units(&dataset, format, &file);
    (dir, dataset, file, text)
}

/// Exports the first three empty slots in `format` to `output`; its text.
fn export_three_empty_units(dataset: &Path, format: &str, output: &Path) -> String {
    export(
        dataset,
        format,
        output,
        &["--status", "empty", "--limit", "3"],
    );
    std::fs::read_to_string(output).unwrap()
}

/// An exported TSV file's text with each unit's `target` cell set to
/// `target(n)` (n counting units from 0), lines ended by `line_end`; the
/// header line is kept as it is.
fn with_tsv_targets(text: &str, line_end: &str, target: impl Fn(usize) -> String) -> String {
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let column = header.split('\t').position(|h| h == "target").unwrap();
    let mut filled = format!("{header}{line_end}");
    for (n, line) in lines.enumerate() {
        let mut cells: Vec<String> = line.split('\t').map(str::to_string).collect();
        cells[column] = target(n);
        filled.push_str(&(cells.join("\t") + line_end));
    }
    filled
}

#[test]
fn regional_language_tags_travel_in_xliff_and_tmx() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("regional");
    edit_settings(&dataset, "\"ar\"", "\"ar-SA\"");
    edit_settings(&dataset, "\"en\"", "\"en-GB\"");
    build_quietly(&dataset);
    let xliff = dir.path().join("batch.xlf");
    let text = export_three_empty_units(&dataset, "xliff", &xliff);
    assert!(
        text.contains("source-language=\"ar-SA\" target-language=\"en-GB\""),
        "{text}"
    );
    assert_eq!(text.matches("<source xml:lang=\"ar-SA\">").count(), 3);
    let target = "<target xml:lang=\"en-GB\" state=\"translated\">Colour</target>";
    let imported = import_after_each_source(&dataset, &xliff, &text, target);
    assert_eq!(imported.count("accepted"), 3, "{}", imported.summary);
    let tmx = dir.path().join("pairs.tmx");
    let run = export_parallel(&dataset, "tmx", &tmx, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let tmx = std::fs::read_to_string(tmx).unwrap();
    assert!(tmx.contains("srclang=\"ar-SA\""), "{tmx}");
    assert_eq!(
        tmx.matches("<tuv xml:lang=\"en-GB\"><seg>Colour</seg>")
            .count(),
        3
    );
    assert_eq!(tmx.matches("<tuv xml:lang=\"ar-SA\">").count(), 3);
}

#[test]
fn an_xliff_2_file_from_a_cat_tool_imports_segment_by_segment() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let exported = dir.path().join("batch.jsonl");
    export_three_empty_units(&dataset, "jsonl", &exported);
    let units = read_jsonl(&exported);
    // As a CAT tool writes it back: the unit cut into segments, with
    // ignorable white space, notes and inline markup.
    let segments = [
        "<segment><source>s</source><target>Whole <pc id=\"1\">sentence</pc>.</target></segment>",
        "<segment><source>s1</source><target>First half.</target></segment>\
         <ignorable><source> </source></ignorable>\
         <segment><source>s2</source><target>Second half.</target></segment>",
        "<segment><source>s1</source><target>Only this.</target></segment>\
         <segment><source>s2</source></segment>",
    ];
    let mut xml = String::from(
        "<?xml version=\"1.0\"?>\n<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" \
         xmlns:tj=\"https://tarjama.dev/xliff/1\" version=\"2.0\" srcLang=\"ar\" trgLang=\"en\">\n<file id=\"f\">\n",
    );
    for (unit, segments) in units.iter().zip(segments) {
        xml.push_str(&format!(
            "<unit id=\"{}\" tj:source-sha256=\"{}\"><notes><note>from tarjama</note></notes>{segments}</unit>\n",
            unit["sentence_id"].as_str().unwrap(),
            unit["source_sha256"].as_str().unwrap()
        ));
    }
    xml.push_str("</file>\n</xliff>\n");
    let file = dir.path().join("batch.xlf");
    std::fs::write(&file, xml).unwrap();
    let imported = import(&dataset, &file, &["--translator", "cat"]);
    imported.assert_nothing_lost(3);
    assert_eq!(imported.count("accepted"), 2, "{}", imported.summary);
    assert_eq!(imported.reason("rejected", "incomplete"), 1);
    let reject = &imported.rejects()[0];
    assert_eq!(reject["line"], 6);
    assert_eq!(reject["target"], "Only this.", "what was typed is kept");
    let translations: BTreeSet<String> = parallel_pairs(&dataset, &dir)
        .into_iter()
        .map(|(_, en)| en)
        .collect();
    let expected = ["Whole sentence.", "First half. Second half."];
    assert_eq!(translations, expected.map(String::from).into());
}

#[test]
fn an_alt_trans_suggestion_is_not_taken_for_the_translation() {
    let (_dir, dataset, xliff, text) = three_empty_units("xliff");
    let suggestion =
        "<alt-trans origin=\"mt\"><target xml:lang=\"en\">Machine suggestion</target></alt-trans>";
    let imported = import_after_each_source(&dataset, &xliff, &text, suggestion);
    imported.assert_nothing_lost(3);
    assert_eq!(
        imported.reason("skipped", "empty"),
        3,
        "{}",
        imported.summary
    );
    assert_eq!(latest_version(&dataset), "v0001");
}

#[test]
fn targets_a_cat_tool_copied_from_the_source_are_skipped_not_imported() {
    let (_dir, dataset, xliff, text) = three_empty_units("xliff");
    // The first two units still hold the copy of the source a CAT tool
    // puts in an untranslated target; the third was translated.
    let mut copied = 0;
    let prefilled: String = text
        .lines()
        .map(|line| match line.strip_prefix("<source xml:lang=\"ar\">") {
            Some(rest) => {
                copied += 1;
                let source = rest.strip_suffix("</source>").unwrap();
                let target = if copied < 3 { source } else { "Translated." };
                format!("{line}\n<target state=\"new\">{target}</target>\n")
            }
            None => format!("{line}\n"),
        })
        .collect();
    assert_eq!(copied, 3);
    std::fs::write(&xliff, prefilled).unwrap();
    let imported = import(&dataset, &xliff, &["--translator", "omegat"]);
    imported.assert_nothing_lost(3);
    assert_eq!(
        imported.reason("skipped", "source-copy"),
        2,
        "{}",
        imported.summary
    );
    assert_eq!(imported.count("accepted"), 1);
    assert_valid(&dataset);
}

#[test]
fn a_tsv_export_for_excel_starts_with_a_byte_order_mark_and_imports_back() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let tsv = dir.path().join("batch.tsv");
    export(&dataset, "tsv", &tsv, &["--limit", "2", "--bom"]);
    let text = std::fs::read_to_string(&tsv).unwrap();
    let header = text.strip_prefix('\u{feff}').expect("a byte order mark");
    assert!(header.starts_with("sentence_id\tsource\t"), "{header}");
    let filled = with_tsv_targets(&text, "\n", |_| "Typed in Excel".to_string());
    std::fs::write(&tsv, filled).unwrap();
    let imported = import(&dataset, &tsv, &["--translator", "excel"]);
    imported.assert_nothing_lost(2);
    assert_eq!(imported.count("accepted"), 2, "{}", imported.summary);

    for (flag, says) in [
        ("--bom", "--bom is for TSV"),
        ("--raw-cells", "--raw-cells is for TSV"),
    ] {
        let run = slots_export(&dataset, "jsonl", &dir.path().join("b.jsonl"), &[flag]);
        assert_eq!(run.code, Some(2));
        assert!(run.stderr.contains(says), "{}", run.stderr);
    }
}

#[test]
fn a_tsv_saved_as_unicode_text_by_a_spreadsheet_imports() {
    let (dir, dataset, tsv, text) = three_empty_units("tsv");
    // As Excel's "Unicode Text" saves it: UTF-16LE, byte order mark, CRLF,
    // and a cell holding a double quote quoted the CSV way.
    let filled = with_tsv_targets(&text, "\r\n", |_| {
        "\"Saved by a \"\"spreadsheet\"\" – فلاديمير\"".to_string()
    });
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(filled.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&tsv, bytes).unwrap();
    let imported = import(&dataset, &tsv, &["--translator", "excel"]);
    imported.assert_nothing_lost(3);
    assert_eq!(imported.count("accepted"), 3, "{}", imported.summary);
    assert_eq!(imported.summary["encoding"], "UTF-16LE");
    let pairs = parallel_pairs(&dataset, &dir);
    assert_eq!(pairs.len(), 3);
    assert!(pairs
        .iter()
        .all(|(_, en)| en == "Saved by a \"spreadsheet\" – فلاديمير"));
}

// Excel's "Text (Tab delimited)" writes the system's code page: Arabic
// Windows keeps the sources, a Western one turns them into question marks.
fn saved_on_arabic_windows(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1256.encode(text).0.into_owned()
}

fn saved_on_western_windows(text: &str) -> Vec<u8> {
    let unmappable = |c: char| ('\u{0600}'..='\u{06FF}').contains(&c);
    let text: String = text
        .chars()
        .map(|c| if unmappable(c) { '?' } else { c })
        .collect();
    let (bytes, _, replaced) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!replaced, "{text}");
    bytes.into_owned()
}

#[test]
fn a_tsv_saved_as_text_in_a_windows_code_page_imports_what_was_typed() {
    let typed = "The café’s “menu” – naïve";
    for (code_page, save) in [
        (
            "windows-1256",
            saved_on_arabic_windows as fn(&str) -> Vec<u8>,
        ),
        ("windows-1252", saved_on_western_windows),
    ] {
        let (dir, dataset, tsv, text) = three_empty_units("tsv");
        let filled = with_tsv_targets(&text, "\r\n", |n| format!("{typed} {n}"));
        std::fs::write(&tsv, save(&filled)).unwrap();
        let imported = import(&dataset, &tsv, &["--translator", "excel"]);
        imported.assert_nothing_lost(3);
        assert_eq!(
            imported.count("accepted"),
            3,
            "{code_page}: {}",
            imported.summary
        );
        assert_eq!(imported.summary["encoding"], code_page);
        let targets: Vec<String> = parallel_pairs(&dataset, &dir)
            .into_iter()
            .map(|(_, en)| en)
            .collect();
        assert_eq!(
            targets,
            [0, 1, 2].map(|n| format!("{typed} {n}")),
            "{code_page}"
        );
        let manifest =
            std::fs::read_to_string(dataset.join("versions/v0002/manifest.json")).unwrap();
        assert!(
            manifest.contains(&format!("\"encoding\": \"{code_page}\"")),
            "{manifest}"
        );
        assert_valid(&dataset);
    }
}

/// An exported CSV file's rows (the header first), as a CSV reader sees them.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn a_sheet_saved_as_csv_imports_with_commas_or_semicolons_quotes_and_line_breaks() {
    let typed = [
        "He said \"yes\", then left; the café’s “menu”",
        "Two lines\ntyped with Alt+Enter",
        "Plain",
    ];
    for (separator, code_page) in [(b',', "UTF-8"), (b';', "windows-1256")] {
        let (dir, dataset, file, text) = three_empty_units("csv");
        assert!(text.ends_with("\r\n"), "CSV rows end with CRLF");
        let mut rows = csv_rows(&text);
        assert_eq!(
            rows[0][..4],
            ["sentence_id", "source", "source_sha256", "target"],
            "the TSV export's columns"
        );
        assert_eq!(rows.len(), 4);
        let target = rows[0].iter().position(|h| h == "target").unwrap();
        for (row, typed) in rows[1..].iter_mut().zip(typed) {
            row[target] = typed.to_string();
        }
        let mut sheet = csv::WriterBuilder::new()
            .delimiter(separator)
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        for row in &rows {
            sheet.write_record(row).unwrap();
        }
        let saved = String::from_utf8(sheet.into_inner().unwrap()).unwrap();
        let bytes = if code_page == "UTF-8" {
            // Excel's "CSV UTF-8" starts with a byte order mark.
            format!("\u{feff}{saved}").into_bytes()
        } else {
            saved_on_arabic_windows(&saved)
        };
        std::fs::write(&file, bytes).unwrap();
        let imported = import(&dataset, &file, &["--translator", "excel"]);
        imported.assert_nothing_lost(3);
        assert_eq!(imported.count("accepted"), 3, "{}", imported.summary);
        let manifest: Value = serde_json::from_slice(
            &std::fs::read(dataset.join("versions/v0002/manifest.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(manifest["import"]["format"], "csv");
        assert_eq!(imported.summary["encoding"], code_page);
        let targets: Vec<String> = parallel_pairs(&dataset, &dir)
            .into_iter()
            .map(|(_, en)| en)
            .collect();
        assert_eq!(targets, typed, "{code_page}, {:?}", char::from(separator));
        assert_valid(&dataset);
    }
}

#[test]
fn a_csv_row_with_an_unquoted_comma_is_rejected_with_its_cells_kept() {
    let (_dir, dataset, file, text) = three_empty_units("csv");
    // A translation typed in a text editor, its comma unquoted.
    let edited = text.replacen(",,empty,", ",Yes, he said,empty,", 1);
    assert_ne!(edited, text);
    std::fs::write(&file, edited).unwrap();
    let imported = import(&dataset, &file, &["--translator", "editor"]);
    imported.assert_nothing_lost(3);
    assert_eq!(
        imported.reason("rejected", "malformed"),
        1,
        "{}",
        imported.summary
    );
    let reject = &imported.rejects()[0];
    assert_eq!(reject["line"], 2);
    let reason = reject["reason"].as_str().unwrap();
    assert!(reason.contains("10 cells, the header has 9"), "{reason}");
    assert!(reject.to_string().contains(" he said"), "{reject}");
}

#[test]
fn a_formula_error_excel_saved_for_a_translation_is_rejected_with_what_to_type() {
    let (_dir, dataset, file, text) = three_empty_units("csv");
    // Typed `- He said`, read by Excel as a formula, saved as its error.
    let saved = text.replacen(",,empty,", ",#NAME?,empty,", 1).replacen(
        ",,empty,",
        ",He said it.,empty,",
        1,
    );
    std::fs::write(&file, saved).unwrap();
    let imported = import(&dataset, &file, &["--translator", "excel"]);
    imported.assert_nothing_lost(3);
    assert_eq!(imported.count("accepted"), 1, "{}", imported.summary);
    assert_eq!(
        imported.reason("skipped", "empty"),
        1,
        "{}",
        imported.summary
    );
    assert_eq!(
        imported.reason("rejected", "spreadsheet-error"),
        1,
        "{}",
        imported.summary
    );
    let reason = imported.rejects()[0]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("#NAME?") && reason.contains("apostrophe"),
        "{reason}"
    );
}

/// A dataset built from an interview whose answers start with a dash.
fn interview_dataset(dir: &TestDir) -> PathBuf {
    let dataset = dir.empty_dataset("interview");
    let article = "interview_answers_start_with_a_dash.txt";
    std::fs::copy(
        repo().join("tests/fixtures/slots").join(article),
        dataset.join("raw").join(article),
    )
    .unwrap();
    build_quietly(&dataset);
    dataset
}

fn starts_a_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@'])
}

#[test]
fn a_source_starting_with_a_dash_is_exported_as_text_for_spreadsheets_and_imports_without_its_apostrophe(
) {
    let dir = TestDir::new();
    let dataset = interview_dataset(&dir);
    let csv_file = dir.path().join("batch.csv");
    export(&dataset, "csv", &csv_file, &[]);
    let rows = csv_rows(&std::fs::read_to_string(&csv_file).unwrap());
    let source = rows[0].iter().position(|h| h == "source").unwrap();
    let target = rows[0].iter().position(|h| h == "target").unwrap();
    let answers: Vec<usize> = (1..rows.len())
        .filter(|&r| rows[r][source].starts_with("'- "))
        .collect();
    assert_eq!(answers.len(), 2, "{rows:?}");
    for row in &rows {
        assert!(
            !row.iter().any(|cell| starts_a_formula(cell)),
            "a cell Excel would read as a formula: {row:?}"
        );
    }
    let tsv_file = dir.path().join("batch.tsv");
    export(&dataset, "tsv", &tsv_file, &[]);
    let tsv = std::fs::read_to_string(&tsv_file).unwrap();
    assert!(tsv.matches("\t'- ").count() >= 2, "{tsv}");
    assert!(
        tsv.lines()
            .all(|line| !line.split('\t').any(starts_a_formula)),
        "{tsv}"
    );
    let raw_file = dir.path().join("raw.tsv");
    export(&dataset, "tsv", &raw_file, &["--raw-cells"]);
    let raw = std::fs::read_to_string(&raw_file).unwrap();
    assert_eq!(
        raw.lines()
            .filter(|line| line.split('\t').nth(1).is_some_and(|s| s.starts_with("- ")))
            .count(),
        2,
        "{raw}"
    );

    // Excel keeps the apostrophe of one answer in the saved file; the
    // translator typed the other's as Excel wants it, and Excel dropped it.
    let mut saved = rows.clone();
    saved[answers[0]][target] = "'- Hard to say.".into();
    saved[answers[1]][target] = "- I do not see investors leaving.".into();
    let mut sheet = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in &saved {
        sheet.write_record(row).unwrap();
    }
    std::fs::write(&csv_file, sheet.into_inner().unwrap()).unwrap();
    let imported = import(&dataset, &csv_file, &["--translator", "excel"]);
    imported.assert_nothing_lost(rows.len() as u64 - 1);
    assert_eq!(imported.count("accepted"), 2, "{}", imported.summary);
    let translations = read_jsonl(
        &dataset
            .join("versions")
            .join(latest_version(&dataset))
            .join("translations.jsonl"),
    );
    let mut texts: Vec<&str> = translations
        .iter()
        .filter_map(|t| t["text"].as_str())
        .collect();
    texts.sort();
    assert_eq!(
        texts,
        ["- Hard to say.", "- I do not see investors leaving."]
    );
    assert_valid(&dataset);

    // The translations come back out with the apostrophe, and the file,
    // imported as it is, changes nothing.
    let again = dir.path().join("again.csv");
    export(&dataset, "csv", &again, &[]);
    let rows = csv_rows(&std::fs::read_to_string(&again).unwrap());
    assert_eq!(
        rows.iter()
            .filter(|row| row[target].starts_with("'- "))
            .count(),
        2,
        "{rows:?}"
    );
    let imported = import(&dataset, &again, &["--translator", "excel"]);
    assert_eq!(imported.count("accepted"), 0, "{}", imported.summary);
    assert_eq!(
        imported.reason("skipped", "unchanged"),
        2,
        "{}",
        imported.summary
    );
}

#[test]
fn a_source_lost_to_a_western_code_page_is_rejected_with_what_to_do_not_as_stale() {
    // Typed English in ASCII leaves the file valid UTF-8: the question
    // marks, not the encoding, show what was lost.
    for (typed, code_page, save) in [
        (
            "Typed",
            "windows-1256",
            saved_on_arabic_windows as fn(&str) -> Vec<u8>,
        ),
        ("Typed", "UTF-8", saved_on_western_windows),
        ("Typed naïve", "windows-1252", saved_on_western_windows),
    ] {
        let (_dir, dataset, tsv, text) = three_empty_units("tsv");
        let filled = with_tsv_targets(&text, "\r\n", |n| format!("{typed} {n}"));
        // Without the hash column, only the source shows which sentence a
        // row translates.
        let header = filled.lines().next().unwrap();
        let hash = header
            .split('\t')
            .position(|h| h == "source_sha256")
            .unwrap();
        let without_hash: String = filled
            .split_inclusive("\r\n")
            .map(|line| {
                let mut cells: Vec<&str> = line.split('\t').collect();
                cells.remove(hash);
                cells.join("\t")
            })
            .collect();
        std::fs::write(&tsv, save(&without_hash)).unwrap();
        let imported = import(&dataset, &tsv, &["--translator", "excel"]);
        imported.assert_nothing_lost(3);
        assert_eq!(imported.summary["encoding"], code_page);
        if code_page == "windows-1256" {
            assert_eq!(imported.count("accepted"), 3, "{}", imported.summary);
            continue;
        }
        assert_eq!(
            imported.reason("rejected", "source-lost"),
            3,
            "{code_page}: {}",
            imported.summary
        );
        for (n, reject) in imported.rejects().iter().enumerate() {
            assert_eq!(reject["target"], format!("{typed} {n}"));
            let reason = reject["reason"].as_str().unwrap();
            assert!(
                reason.contains("question marks") && reason.contains("Unicode Text"),
                "{reason}"
            );
        }
    }
}

#[test]
fn an_xliff_file_declared_in_a_windows_code_page_imports_in_that_code_page() {
    let (dir, dataset, xliff, text) = three_empty_units("xliff");
    let typed = "Putin’s “plan” – naïve";
    let filled = text
        .replace("encoding=\"UTF-8\"", "encoding=\"windows-1256\"")
        .replace(
            "</source>\n",
            &format!("</source>\n<target>{typed}</target>\n"),
        );
    std::fs::write(&xliff, saved_on_arabic_windows(&filled)).unwrap();
    let imported = import(&dataset, &xliff, &["--translator", "passolo"]);
    imported.assert_nothing_lost(3);
    assert_eq!(imported.summary["encoding"], "windows-1256");
    assert_eq!(imported.count("accepted"), 3, "{}", imported.summary);
    assert!(parallel_pairs(&dataset, &dir)
        .iter()
        .all(|(_, en)| en == typed));
    assert_valid(&dataset);

    // A declared encoding no decoder knows is refused whole, saying what to do.
    let unknown = filled.replace("windows-1256", "x-mac-arabic-2");
    std::fs::write(&xliff, saved_on_arabic_windows(&unknown)).unwrap();
    let run = tarjama(&[
        "slots",
        "import",
        arg(&dataset),
        arg(&xliff),
        "--translator",
        "a",
    ]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("batch.xlf")
            && run.stderr.contains("\"x-mac-arabic-2\"")
            && run.stderr.contains("save the XLIFF file as UTF-8"),
        "{}",
        run.stderr
    );
    assert_eq!(latest_version(&dataset), "v0002");
}

#[test]
fn a_damaged_byte_in_a_utf8_tsv_rejects_only_its_line() {
    let (_dir, dataset, tsv, text) = three_empty_units("tsv");
    let filled = with_tsv_targets(&text, "\n", |n| format!("Typed {n}"));
    // One byte of the second unit's Arabic source lost to a bad copy.
    let second_line = filled.match_indices('\n').nth(1).unwrap().0 + 1;
    let cut = second_line + filled[second_line..].find(|c: char| !c.is_ascii()).unwrap();
    let mut bytes = filled.into_bytes();
    bytes.remove(cut);
    std::fs::write(&tsv, bytes).unwrap();
    let imported = import(&dataset, &tsv, &["--translator", "amal"]);
    imported.assert_nothing_lost(3);
    assert_eq!(imported.summary["encoding"], "UTF-8");
    assert_eq!(imported.count("accepted"), 2, "{}", imported.summary);
    assert_eq!(imported.reason("rejected", "malformed"), 1);
    let rejects = imported.rejects();
    assert_eq!(rejects[0]["line"], 3);
    assert!(
        rejects[0]["reason"].as_str().unwrap().contains("not UTF-8"),
        "{}",
        rejects[0]
    );
}

/// Replaces `from` by `to` in the dataset's `dataset.toml`, once.
fn edit_settings(dataset: &Path, from: &str, to: &str) {
    let path = dataset.join("dataset.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} is not in {}", path.display());
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_reject_carries_its_own_row_when_units_share_a_line() {
    let dir = TestDir::new();
    let dataset = dir.seed_built("seed");
    let xliff = dir.path().join("one-line.xlf");
    let text = export_three_empty_units(&dataset, "xliff", &xliff);
    // Some tools write the whole file on one line.
    let one_line = text.replace("\n<", "<").replace(
        "</source>",
        "</source><target xml:lang=\"en\" state=\"translated\">Here</target>",
    );
    let second_hash = one_line
        .split("tj:source-sha256=\"")
        .nth(2)
        .map(|rest| &rest[..64])
        .unwrap()
        .to_string();
    let stale = one_line.replacen(&second_hash, &"0".repeat(64), 1);
    std::fs::write(&xliff, stale).unwrap();
    let imported = import(&dataset, &xliff, &["--translator", "omegat"]);
    assert_eq!(imported.count("accepted"), 2, "{}", imported.summary);
    assert_eq!(imported.reason("rejected", "stale"), 1);
    imported.assert_nothing_lost(3);
    let rejects = imported.rejects();
    assert_eq!(rejects[0]["line"], 1);
    assert_eq!(rejects[0]["row"]["sentence_id"], rejects[0]["sentence_id"]);
    assert_eq!(rejects[0]["row"]["source_sha256"], "0".repeat(64));
    assert_valid(&dataset);
}

#[test]
fn unknown_ids_are_rejected_with_their_reason() {
    let (_dir, dataset, imported) = import_fixture("unknown_ids.jsonl", &["--translator", "amal"]);
    assert_eq!(imported.code, Some(1));
    assert_eq!(imported.count("accepted"), 1);
    assert_eq!(imported.reason("rejected", "unknown-id"), 2);
    imported.assert_nothing_lost(3);
    assert_valid(&dataset);
}

#[test]
fn stale_hashes_are_rejected() {
    let (_dir, dataset, imported) = import_fixture("stale_hashes.jsonl", &["--translator", "amal"]);
    assert_eq!(imported.reason("rejected", "stale"), 2);
    assert_eq!(imported.count("accepted"), 1);
    imported.assert_nothing_lost(3);
    assert_valid(&dataset);
    let rejects = imported.rejects();
    assert!(rejects[0]["reason"]
        .as_str()
        .unwrap()
        .contains("changed since the export"));
}

#[test]
fn conflicting_duplicates_are_rejected_and_agreeing_ones_kept_once() {
    let (_dir, dataset, imported) =
        import_fixture("conflicting_duplicates.jsonl", &["--translator", "amal"]);
    assert_eq!(imported.reason("rejected", "conflict-duplicate"), 2);
    assert_eq!(imported.count("accepted"), 1);
    assert_eq!(imported.reason("skipped", "duplicate"), 1);
    assert_eq!(imported.reason("skipped", "empty"), 2);
    imported.assert_nothing_lost(6);
    assert_valid(&dataset);
    let rejects = imported.rejects();
    assert!(rejects[0]["reason"]
        .as_str()
        .unwrap()
        .contains("lines 1, 3"));
}

#[test]
fn a_reviewed_translation_is_only_overwritten_when_asked() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let reviewed = fixture_copy(&dir, "reviewed.jsonl");
    let first = import(
        &dataset,
        &reviewed,
        &["--translator", "rev", "--status", "reviewed"],
    );
    assert_eq!(first.count("accepted"), 2);

    let file = fixture_copy(&dir, "overwrite_reviewed.jsonl");
    let refused = import(&dataset, &file, &["--translator", "amal"]);
    assert_eq!(refused.code, Some(1));
    assert_eq!(refused.reason("rejected", "conflict-reviewed"), 1);
    assert_eq!(refused.reason("skipped", "unchanged"), 1);
    refused.assert_nothing_lost(2);
    assert_eq!(refused.summary["version"], Value::Null);

    let forced = import(&dataset, &file, &["--translator", "amal", "--overwrite"]);
    assert_eq!(forced.code, Some(0));
    assert_eq!(forced.count("accepted"), 1);
    forced.assert_nothing_lost(2);
    assert!(parallel_pairs(&dataset, &dir).contains(&(
        "000_97094da2f4076d17#000000".to_string(),
        "A different text.".to_string()
    )));
    assert_valid(&dataset);
}

#[test]
fn malformed_xliff_is_refused_naming_the_line() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let file = fixture_copy(&dir, "malformed.xlf");
    let run = tarjama(&[
        "slots",
        "import",
        arg(&dataset),
        arg(&file),
        "--translator",
        "a",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("malformed.xlf"), "{}", run.stderr);
    assert!(run.stderr.contains("line 8"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
    assert_eq!(latest_version(&dataset), "v0001");
}

#[test]
fn a_tsv_row_with_the_wrong_number_of_cells_is_rejected() {
    let (dir, dataset, imported) = import_fixture("malformed_cells.tsv", &["--translator", "amal"]);
    assert_eq!(imported.count("accepted"), 1);
    assert_eq!(imported.reason("rejected", "malformed"), 1);
    imported.assert_nothing_lost(2);
    assert!(parallel_pairs(&dataset, &dir).contains(&first_article_pair(0, "Line one\nline two")));
}

/// A translation pair of the seed's first article, as `parallel_pairs` has it.
fn first_article_pair(sentence: usize, en: &str) -> (String, String) {
    (
        format!("000_97094da2f4076d17#{sentence:06}"),
        en.to_string(),
    )
}

#[test]
fn a_line_break_typed_in_a_spreadsheet_cell_stays_in_its_translation() {
    // Excel saves a cell with Alt+Enter in it quoted, the line break inside.
    let (dir, dataset, imported) =
        import_fixture("line_break_typed_in_a_cell.tsv", &["--translator", "amal"]);
    imported.assert_nothing_lost(2);
    assert_eq!(imported.count("accepted"), 2, "{}", imported.summary);
    let pairs: Vec<_> = parallel_pairs(&dataset, &dir).into_iter().collect();
    assert_eq!(
        pairs,
        [
            first_article_pair(0, "Line one\nline two, \"quoted\""),
            first_article_pair(1, "Plain")
        ]
    );
    assert_valid(&dataset);
}

#[test]
fn a_quote_opened_in_one_translation_and_closed_in_the_next_is_two_rows() {
    let (dir, dataset, imported) = import_fixture(
        "quote_closed_in_the_next_translation.tsv",
        &["--translator", "amal"],
    );
    imported.assert_nothing_lost(2);
    assert_eq!(imported.count("accepted"), 2, "{}", imported.summary);
    let pairs: Vec<_> = parallel_pairs(&dataset, &dir).into_iter().collect();
    assert_eq!(
        pairs,
        [
            first_article_pair(0, "\"The war is over."),
            first_article_pair(1, "It will not come back.\"")
        ]
    );
}

#[test]
fn a_quote_that_never_closes_rejects_its_line_and_keeps_the_next_row() {
    // The next row's closing quote would end the open cell, but a line that
    // is a whole row by its tabs is never the rest of another.
    let (dir, dataset, imported) =
        import_fixture("quote_that_never_closes.tsv", &["--translator", "amal"]);
    imported.assert_nothing_lost(2);
    assert_eq!(imported.reason("rejected", "malformed"), 1);
    let reject = &imported.rejects()[0];
    assert_eq!(reject["line"], 2);
    assert!(reject["reason"]
        .as_str()
        .unwrap()
        .contains("nothing closes"));
    assert!(reject["row"]
        .as_str()
        .unwrap()
        .ends_with("\t\"Never closed"));
    let pairs: Vec<_> = parallel_pairs(&dataset, &dir).into_iter().collect();
    assert_eq!(pairs, [first_article_pair(1, "Fine\"")]);
}

#[test]
fn done_without_a_translator_is_a_usage_error() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let file = fixture_copy(&dir, "reviewed.jsonl");
    let run = tarjama(&["slots", "import", arg(&dataset), arg(&file)]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--translator"), "{}", run.stderr);
}

/// Writes `articles` raw files of `sentences` distinct sentences each.
fn synthetic_dataset(dir: &TestDir, articles: usize, sentences: usize) -> PathBuf {
    let dataset = dir.path().join("synthetic");
    std::fs::create_dir_all(dataset.join("raw")).unwrap();
    std::fs::copy(
        seed_dataset().join("dataset.toml"),
        dataset.join("dataset.toml"),
    )
    .unwrap();
    for a in 0..articles {
        let mut text = String::new();
        for s in 0..sentences {
            text.push_str(&format!(
                "وقال المتحدث في المقال {a} إن الاجتماع {s} بحث ملفات كثيرة مع الوفد الزائر. "
            ));
            if s % 10 == 9 {
                text.push_str("\n\n");
            }
        }
        std::fs::write(dataset.join(format!("raw/article_{a:05}.txt")), text).unwrap();
    }
    build_quietly(&dataset);
    dataset
}

#[test]
fn a_file_of_100000_rows_is_accounted_for_row_by_row() {
    let dir = TestDir::new();
    let dataset = synthetic_dataset(&dir, 1000, 100);
    let exported = dir.path().join("all.jsonl");
    export(&dataset, "jsonl", &exported, &[]);
    let mut units = read_jsonl(&exported);
    assert_eq!(units.len(), 100_000);
    for (i, unit) in units.iter_mut().enumerate() {
        unit["target"] = match i % 10 {
            0 => Value::Null,
            1 => {
                unit["source_sha256"] = Value::String("f".repeat(64));
                Value::String(format!("stale {i}"))
            }
            _ => Value::String(format!("Sentence {i}.")),
        };
    }
    // Last sentence first: more rows than the import sorts in memory at
    // once, so they are sorted by id in runs on disk and merged.
    let text: String = units.iter().rev().map(|u| format!("{u}\n")).collect();
    std::fs::write(&exported, text).unwrap();
    let imported = import(&dataset, &exported, &["--translator", "bulk"]);
    assert_eq!(imported.count("accepted"), 80_000);
    assert_eq!(imported.reason("skipped", "empty"), 10_000);
    assert_eq!(imported.reason("rejected", "stale"), 10_000);
    imported.assert_nothing_lost(100_000);
    let lines: Vec<u64> = imported
        .rejects()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert!(
        lines.windows(2).all(|pair| pair[0] < pair[1]),
        "the rejects file keeps the file's order"
    );
    assert_valid(&dataset);
    let slots = slots_by_id(&dataset);
    let (id, [status, origin, _, text]) = slots.iter().nth(2).unwrap();
    assert_eq!(
        [status, origin, text].map(Value::as_str),
        [Some("done"), Some("human"), Some("Sentence 2.")],
        "{id}"
    );
}

/// The seed dataset built with article 000 also under the name
/// `900_syndicated_copy`, so that the memory has sources to share.
fn seed_built_with_a_syndicated_copy(dir: &TestDir) -> PathBuf {
    let dataset = dir.seed_copy("seed");
    std::fs::copy(
        dataset.join("raw/000_97094da2f4076d17.txt"),
        dataset.join("raw/900_syndicated_copy.txt"),
    )
    .unwrap();
    assert_eq!(tarjama(&["build", "--quiet", arg(&dataset)]).code, Some(0));
    dataset
}

#[test]
fn translation_memory_fills_identical_sources_and_export_can_skip_them() {
    let dir = TestDir::new();
    let dataset = seed_built_with_a_syndicated_copy(&dir);
    let all = dir.path().join("all.jsonl");
    export(&dataset, "jsonl", &all, &[]);
    let skipping = dir.path().join("skip.jsonl");
    let run = export(&dataset, "jsonl", &skipping, &["--skip-tm"]);
    let copies = read_jsonl(&all).len() - read_jsonl(&skipping).len();
    assert_eq!(copies, 13, "{}", run.stdout);
    assert!(run.stdout.contains("left out 13"), "{}", run.stdout);

    // Translating the original fills the copy's slots as memory drafts.
    let original: String = read_jsonl(&skipping)
        .into_iter()
        .filter(|u| u["doc_id"] == "000_97094da2f4076d17")
        .map(|mut u| {
            u["target"] = Value::String(format!("EN {}", u["sentence_id"].as_str().unwrap()));
            format!("{u}\n")
        })
        .collect();
    let batch = dir.path().join("original.jsonl");
    std::fs::write(&batch, original).unwrap();
    let imported = import(&dataset, &batch, &["--translator", "amal"]);
    assert_eq!(imported.count("accepted"), 13);
    assert_eq!(imported.count("from_memory"), 13);
    assert_valid(&dataset);
    let copy_slots: Vec<Value> = read_jsonl(
        &dataset
            .join("versions")
            .join(latest_version(&dataset))
            .join("translations.jsonl"),
    )
    .into_iter()
    .filter(|s| s["sentence_id"].as_str().unwrap().starts_with("900_"))
    .collect();
    assert_eq!(copy_slots.len(), 13);
    assert!(copy_slots
        .iter()
        .all(|s| s["origin"] == "tm" && s["status"] == "draft"));
    // Drafts are below the default --min-status done.
    assert_eq!(parallel_pairs(&dataset, &dir).len(), 13);
}

/// The latest version's slots, by sentence id: (status, origin, translator, text).
fn slots_by_id(dataset: &Path) -> std::collections::BTreeMap<String, [Value; 4]> {
    read_jsonl(
        &dataset
            .join("versions")
            .join(latest_version(dataset))
            .join("translations.jsonl"),
    )
    .into_iter()
    .map(|s| {
        let id = s["sentence_id"].as_str().unwrap().to_string();
        let fields = ["status", "origin", "translator", "text"].map(|k| s[k].clone());
        (id, fields)
    })
    .collect()
}

#[test]
fn machine_output_fills_empty_slots_and_its_own_but_never_a_translators_text() {
    let dir = TestDir::new();
    let dataset = seed_built_with_a_syndicated_copy(&dir);
    let units = dir.path().join("units.jsonl");
    export(
        &dataset,
        "jsonl",
        &units,
        &["--doc", "000_97094da2f4076d17"],
    );
    let ids: Vec<String> = read_jsonl(&units)
        .iter()
        .map(|u| u["sentence_id"].as_str().unwrap().to_string())
        .collect();
    let copy_of = |id: &str| id.replace("000_97094da2f4076d17", "900_syndicated_copy");
    let batch = |name: &str, targets: &[(usize, &str)]| {
        let path = dir.path().join(name);
        let lines: String = targets
            .iter()
            .map(|&(n, text)| {
                let mut unit = read_jsonl(&units)[n].clone();
                unit["target"] = Value::String(text.to_string());
                format!("{unit}\n")
            })
            .collect();
        std::fs::write(&path, lines).unwrap();
        path
    };

    // A translator does sentence 0.
    let human = import(
        &dataset,
        &batch("human.jsonl", &[(0, "The Kremlin: no request for help")]),
        &["--translator", "amal"],
    );
    assert_eq!(human.count("accepted"), 1, "{}", human.summary);

    // Machine output for sentences 0, 1 and 2.
    let machine = import(
        &dataset,
        &batch("mt.jsonl", &[(0, "MT zero"), (1, "MT one"), (2, "MT two")]),
        &["--status", "machine", "--translator", "opus-mt-ar-en"],
    );
    machine.assert_nothing_lost(3);
    assert_eq!(machine.count("accepted"), 2, "{}", machine.summary);
    assert_eq!(
        machine.reason("skipped", "translated"),
        1,
        "{}",
        machine.summary
    );
    let slots = slots_by_id(&dataset);
    assert_eq!(
        slots[&ids[0]],
        [
            json!("done"),
            json!("human"),
            json!("amal"),
            json!("The Kremlin: no request for help")
        ]
    );
    assert_eq!(
        slots[&ids[1]],
        [
            json!("machine"),
            json!("machine"),
            json!("opus-mt-ar-en"),
            json!("MT one")
        ]
    );
    // The copy's empty slots get the machine output through the memory;
    // its sentence 0 already had the translator's draft.
    assert_eq!(slots[&copy_of(&ids[0])][..2], [json!("draft"), json!("tm")]);
    assert_eq!(
        slots[&copy_of(&ids[1])][..2],
        [json!("machine"), json!("tm")]
    );
    assert_valid(&dataset);

    // A newer system replaces machine output; the same text is unchanged.
    let again = import(
        &dataset,
        &batch("mt2.jsonl", &[(1, "MT one, better"), (2, "MT two")]),
        &["--status", "machine", "--translator", "opus-mt-ar-en-v2"],
    );
    assert_eq!(again.count("accepted"), 1, "{}", again.summary);
    assert_eq!(again.reason("skipped", "unchanged"), 1, "{}", again.summary);
    assert_eq!(slots_by_id(&dataset)[&ids[1]][3], json!("MT one, better"));

    // A translator's draft replaces machine output, here and in the copy.
    let post_edited = import(
        &dataset,
        &batch("post-edit.jsonl", &[(1, "Post-edited one")]),
        &["--status", "draft", "--translator", "amal"],
    );
    assert_eq!(post_edited.count("accepted"), 1, "{}", post_edited.summary);
    let slots = slots_by_id(&dataset);
    assert_eq!(slots[&ids[1]][..2], [json!("draft"), json!("human")]);
    assert_eq!(
        slots[&copy_of(&ids[1])],
        [
            json!("draft"),
            json!("tm"),
            json!("amal"),
            json!("Post-edited one")
        ]
    );
    assert_eq!(slots[&ids[2]][..2], [json!("machine"), json!("machine")]);
    assert_valid(&dataset);
    // Machine output is below the default --min-status done of MT training data.
    assert_eq!(parallel_pairs(&dataset, &dir).len(), 1);
}

#[test]
fn a_rebuild_carries_translations_over_and_keeps_the_changed_one_as_an_orphan() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let batch = dir.path().join("all.jsonl");
    export(&dataset, "jsonl", &batch, &[]);
    let filled: String = read_jsonl(&batch)
        .into_iter()
        .map(|mut u| {
            u["target"] = Value::String(format!("EN {}", u["sentence_id"].as_str().unwrap()));
            format!("{u}\n")
        })
        .collect();
    std::fs::write(&batch, filled).unwrap();
    assert_eq!(
        import(&dataset, &batch, &["--translator", "amal"]).count("accepted"),
        63
    );

    // One raw file changes one headline; the splitter setting changes too.
    let headline = "بوتين وباشينيان يؤكدان ضرورة الالتزام بوقف إطلاق النار في قره باغ";
    let edited = "بوتين وباشينيان يؤكدان مجددا ضرورة الالتزام بوقف إطلاق النار في قره باغ";
    edit_article(&dataset, "000_97094da2f4076d17.txt", headline, edited);
    let settings = dataset.join("dataset.toml");
    let toml = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        toml.replace(
            "line_break_ends_sentence = true",
            "line_break_ends_sentence = false",
        ),
    )
    .unwrap();
    let run = tarjama(&["build", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("published v0003"), "{}", run.stdout);

    let v3 = dataset.join("versions/v0003");
    let orphans = read_jsonl(&v3.join("orphans.jsonl"));
    let orphaned: Vec<&str> = orphans
        .iter()
        .map(|o| o["source_text"].as_str().unwrap())
        .collect();
    assert!(orphaned.contains(&headline), "{orphaned:?}");
    assert!(orphans.iter().all(|o| o["reason"] == "source-gone"
        && o["orphaned_in"] == "v0003"
        && o["text"].as_str().unwrap().starts_with("EN ")));

    // Nothing is lost: every translation is in a slot or an orphan.
    let slots = read_jsonl(&v3.join("translations.jsonl"));
    let mut kept: BTreeSet<String> = slots
        .iter()
        .filter_map(|s| s["text"].as_str().map(str::to_string))
        .collect();
    let carried = kept.len();
    kept.extend(
        orphans
            .iter()
            .map(|o| o["text"].as_str().unwrap().to_string()),
    );
    assert_eq!(kept.len(), 63);
    assert!(carried >= 55, "only {carried} translations carried over");
    // Each carried translation sits on a sentence with the text it translated, as it was.
    let v2_text = sentence_texts(&dataset.join("versions/v0002"));
    let v3_text = sentence_texts(&v3);
    for slot in slots.iter().filter(|s| !s["text"].is_null()) {
        let translated = slot["text"].as_str().unwrap().strip_prefix("EN ").unwrap();
        let id = slot["sentence_id"].as_str().unwrap();
        assert_eq!(v3_text[id], v2_text[translated], "{id}");
        assert_eq!(
            (slot["status"].as_str(), slot["origin"].as_str()),
            (Some("done"), Some("human"))
        );
    }

    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(0));
    let warnings: Vec<_> = findings(&report)
        .into_iter()
        .filter(|(rule, _)| rule == "slot.orphan")
        .collect();
    assert_eq!(warnings.len(), orphans.len());

    // Changing both back takes the orphans back as memory drafts.
    edit_article(&dataset, "000_97094da2f4076d17.txt", edited, headline);
    std::fs::write(&settings, toml).unwrap();
    let run = tarjama(&["build", arg(&dataset)]);
    assert!(run.stdout.contains("published v0004"), "{}", run.stdout);
    assert!(!dataset.join("versions/v0004/orphans.jsonl").exists());
    assert_eq!(parallel_pairs(&dataset, &dir).len(), 63 - orphans.len());
    assert_valid(&dataset);
}

/// Sentence texts of a version by sentence id.
fn sentence_texts(version: &Path) -> std::collections::BTreeMap<String, String> {
    read_jsonl(&version.join("sentences.jsonl"))
        .iter()
        .map(|s| string_pair(s, "sentence_id", "text"))
        .collect()
}

#[test]
fn a_killed_import_leaves_the_previous_version_latest_and_intact() {
    for fault in ["after-document", "before-rename"] {
        let dir = TestDir::new();
        let dataset = dir.seed_with_v0001("seed");
        let file = fixture_copy(&dir, "reviewed.jsonl");
        let killed = tarjama_env(
            &[
                "slots",
                "import",
                arg(&dataset),
                arg(&file),
                "--translator",
                "a",
            ],
            &[("TARJAMA_FAULT", fault)],
        );
        assert_ne!(
            killed.code,
            Some(0),
            "the fault at {fault} did not stop the import"
        );
        assert_eq!(latest_version(&dataset), "v0001");
        assert_valid(&dataset);
        let imported = import(&dataset, &file, &["--translator", "a"]);
        assert_eq!(imported.summary["version"], "v0002");
        assert_valid(&dataset);
    }
}

#[test]
fn status_counts_slots_and_diff_lists_the_changed_translations() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let file = fixture_copy(&dir, "reviewed.jsonl");
    import(
        &dataset,
        &file,
        &["--translator", "rev", "--status", "reviewed"],
    );
    let run = tarjama(&["status", arg(&dataset), "--json"]);
    let status: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(status["overall"]["slots"], 63);
    assert_eq!(status["overall"]["finished"], 2);
    assert_eq!(status["overall"]["by_status"]["empty"], 61);
    assert_eq!(status["documents"]["000_97094da2f4076d17"]["finished"], 2);
    let text = tarjama(&["status", arg(&dataset)]).stdout;
    assert!(text.contains("63 slots, 3.2% done or reviewed"), "{text}");
    assert_eq!(text.lines().count(), 1 + 5 + 2, "{text}");
    let summary = tarjama(&["status", arg(&dataset), "--summary"]).stdout;
    assert_eq!(
        summary.lines().collect::<Vec<_>>(),
        [
            text.lines().next().unwrap(),
            text.lines().nth(6).unwrap(),
            text.lines().nth(7).unwrap()
        ],
        "{summary}"
    );
    let run = tarjama(&["status", arg(&dataset), "--json", "--summary"]);
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["overall"], status["overall"]);
    assert!(summary.get("documents").is_none(), "{summary}");

    let run = tarjama(&["diff", arg(&dataset), "v0001", "v0002", "--json"]);
    let diff: Value = serde_json::from_str(&run.stdout).unwrap();
    let translations = &diff["tables"][3];
    assert_eq!(translations["table"], "translations");
    assert_eq!(translations["changed"], 2);
    assert_eq!(translations["unchanged"], 61);
    assert_eq!(diff["tables"][1]["changed"], 0);
    let changes = diff["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert!(changes[0]["fields"]
        .as_array()
        .unwrap()
        .contains(&Value::String("text".into())));
    let run = tarjama(&[
        "diff",
        arg(&dataset),
        "v0001",
        "v0002",
        "--json",
        "--summary",
    ]);
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["changes"], json!([]));
    assert_eq!(summary["tables"], diff["tables"]);
    let text = tarjama(&["diff", arg(&dataset), "v0001", "v0002"]).stdout;
    let listed: Vec<&str> = text.lines().filter(|l| l.starts_with("~ ")).collect();
    assert_eq!(listed.len(), 2, "{text}");
    assert!(
        listed[0].starts_with(&format!(
            "~ translations {} (",
            changes[0]["id"].as_str().unwrap()
        )),
        "{text}"
    );
    assert!(text.contains("v0001 → v0002\n"), "{text}");
    let run = tarjama(&["diff", arg(&dataset), "v0001", "v0009"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("v0001, v0002"), "{}", run.stderr);
}

#[test]
fn parallel_exports_in_every_format_hold_the_same_pairs() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let file = fixture_copy(&dir, "reviewed.jsonl");
    import(
        &dataset,
        &file,
        &["--translator", "rev", "--status", "reviewed"],
    );
    let out = |name: &str| dir.path().join(name);
    for (format, name) in [
        ("tmx", "p.tmx"),
        ("moses", "p"),
        ("parquet", "p.parquet"),
        ("jsonl", "pairs.jsonl"),
    ] {
        let run = export_parallel(&dataset, format, &out(name), &[]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.stdout.contains("exported 2 pairs"), "{}", run.stdout);
    }
    let tmx = std::fs::read_to_string(out("p.tmx")).unwrap();
    assert!(tmx.contains("<tmx version=\"1.4\">") && tmx.contains("srclang=\"ar\""));
    assert_eq!(tmx.matches("<tu ").count(), 2);
    assert!(tmx.contains("<seg>Reviewed text.</seg>"));
    let en = std::fs::read_to_string(out("p.en")).unwrap();
    let ar = std::fs::read_to_string(out("p.ar")).unwrap();
    assert_eq!(en, "Reviewed text.\nAlso reviewed.\n");
    assert_eq!(ar.lines().count(), 2);
    assert!(ar.starts_with("الكرملين"));
    // Only reviewed work at --min-status reviewed; none at all for an empty dataset.
    let empty = dir.seed_with_v0001("empty");
    let run = export_parallel(&empty, "jsonl", &out("none.jsonl"), &[]);
    assert!(run.stdout.contains("exported 0 pairs"));
    assert_eq!(std::fs::read_to_string(out("none.jsonl")).unwrap(), "");
    // The seed's v0001 predates splits: its pairs have none, and asking
    // for one is refused rather than answered with nothing.
    let pairs = read_jsonl(&out("pairs.jsonl"));
    assert!(pairs.iter().all(|p| p["split"].is_null()), "{pairs:?}");
    let run = export_parallel(
        &dataset,
        "jsonl",
        &out("train.jsonl"),
        &["--split", "train"],
    );
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr.contains("has no training splits"),
        "{}",
        run.stderr
    );
    assert!(!out("train.jsonl").exists());
}

#[test]
fn export_filters_by_document_status_and_limit() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let out = dir.path().join("doc.jsonl");
    export(&dataset, "jsonl", &out, &["--doc", "001_e7d6e6f1aabd009e"]);
    let units = read_jsonl(&out);
    assert_eq!(units.len(), 11);
    assert!(units.iter().all(|u| u["doc_id"] == "001_e7d6e6f1aabd009e"));
    export(&dataset, "jsonl", &out, &["--status", "done,reviewed"]);
    assert!(read_jsonl(&out).is_empty());
    export(&dataset, "jsonl", &out, &["--limit", "7"]);
    assert_eq!(read_jsonl(&out).len(), 7);

    let none = dir.path().join("none.jsonl");
    let run = slots_export(&dataset, "jsonl", &none, &["--doc", "no_such_document"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("no document no_such_document"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("none.jsonl").exists());
    assert!(!dir.path().join(".none.jsonl.partial").exists());
}

/// The seed dataset with its v0001, and every unit of it as exported.
fn seed_and_its_units(dir: &TestDir) -> (PathBuf, Vec<Value>) {
    let pristine = dir.seed_with_v0001("seed");
    let units_path = dir.path().join("units.jsonl");
    export(&pristine, "jsonl", &units_path, &[]);
    let units = read_jsonl(&units_path);
    (pristine, units)
}

/// A small deterministic generator, so that a failing case can be rerun.
struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A translator's file as careless tools and hands leave it: good rows
/// mixed with fields of the wrong type or missing, hostile text, unknown
/// ids, cut lines, blank lines, non-JSON lines, CRLF line ends and a BOM.
fn hostile_import_file(units: &[Value], random: &mut Xorshift) -> Vec<u8> {
    let hostile: Vec<Value> = [
        Value::from(""),
        Value::from(" "),
        Value::from("\u{0}"),
        Value::from("\u{202E}reversed"),
        Value::from("ع".repeat(3000)),
        Value::from("line\nbreak\ttab \"quoted\" <b>&amp;</b> ]]>"),
        Value::from("🙂"),
        Value::Null,
        Value::from(7),
        Value::from(true),
        serde_json::json!([]),
        serde_json::json!({"nested": "object"}),
    ]
    .into();
    let mut lines = Vec::new();
    for _ in 0..1 + random.below(30) {
        let unit = random.pick(units);
        let mut row = serde_json::json!({
            "sentence_id": unit["sentence_id"],
            "source_sha256": unit["source_sha256"],
            "target": "The translation.",
        });
        match random.below(10) {
            0..=2 => {
                let field = *random.pick(&["sentence_id", "source_sha256", "target", "source"]);
                row[field] = random.pick(&hostile).clone();
            }
            3 => {
                let field = *random.pick(&["sentence_id", "source_sha256", "target"]);
                row.as_object_mut().unwrap().remove(field);
            }
            4 => {
                row["sentence_id"] =
                    Value::from(format!("{}9", unit["sentence_id"].as_str().unwrap()))
            }
            _ => {}
        }
        let line = row.to_string();
        lines.push(match random.below(20) {
            0 => line[..random.below(line.len())].to_string(),
            1 => String::new(),
            2 => random.pick(&["[]", "null", "42", "{", "\u{1}"]).to_string(),
            _ => line,
        });
    }
    let end = if random.below(4) == 0 { "\r\n" } else { "\n" };
    let bom = if random.below(8) == 0 { "\u{FEFF}" } else { "" };
    format!("{bom}{}", lines.join(end)).into_bytes()
}

#[test]
fn hostile_import_files_lose_no_row_and_leave_a_valid_dataset() {
    let dir = TestDir::new();
    let (pristine, units) = seed_and_its_units(&dir);
    let mut random = Xorshift(0x9E37_79B9_7F4A_7C15);
    for case in 0..30 {
        let dataset = dir.path().join(format!("case-{case}"));
        copy_dir(&pristine, &dataset);
        let file = dir.path().join(format!("case-{case}.jsonl"));
        let bytes = hostile_import_file(&units, &mut random);
        std::fs::write(&file, &bytes).unwrap();
        let rows = String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|line| !line.trim().trim_start_matches('\u{FEFF}').is_empty())
            .count() as u64;
        let imported = import(&dataset, &file, &["--translator", "t"]);
        assert!(
            matches!(imported.code, Some(0 | 1)),
            "case {case}: exit {:?} {}",
            imported.code,
            imported.summary
        );
        imported.assert_nothing_lost(rows);
        if imported.count("accepted") > 0 {
            assert_valid(&dataset);
        }
    }
}

/// Text escaped for XML, as the test writes it into a unit.
fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An XLIFF document as CAT tools and hands leave it, 1.2 or 2: units of
/// the export with suggestions in `alt-trans`, notes, inline markup,
/// segments and ignorables, hostile text, missing targets and unknown ids;
/// and now and then cut short. Returns its bytes, its units, and whether
/// it was cut.
fn hostile_xliff(units: &[Value], random: &mut Xorshift) -> (Vec<u8>, u64, bool) {
    let texts = [
        "The translation.",
        "",
        " ",
        "line\nbreak\ttab \"quoted\" <b>&amp;</b> ]]>",
        "\u{202E}reversed 🙂",
        "قال بوتين",
    ];
    let version_2 = random.below(2) == 0;
    let mut xml = if version_2 {
        "<?xml version=\"1.0\"?>\n<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" xmlns:tj=\"https://tarjama.dev/xliff/1\" version=\"2.0\" srcLang=\"ar\" trgLang=\"en\"><file id=\"f\">\n"
    } else {
        "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\" xmlns:tj=\"https://tarjama.dev/xliff/1\"><file><body>\n"
    }
    .to_string();
    let count = 1 + random.below(20);
    for _ in 0..count {
        let unit = random.pick(units);
        let mut id = xml_text(unit["sentence_id"].as_str().unwrap());
        if random.below(10) == 0 {
            id.push('9');
        }
        let hash = unit["source_sha256"].as_str().unwrap();
        let target = |random: &mut Xorshift| {
            let text = xml_text(texts[random.below(texts.len())]);
            match random.below(4) {
                0 => String::new(),
                1 => "<target/>".to_string(),
                2 => format!("<target>{text} <g id=\"1\"><pc id=\"1\">inline</pc></g></target>"),
                _ => format!("<target>{text}</target>"),
            }
        };
        let suggestion =
            "<alt-trans origin=\"mt\"><source>s</source><target>A suggestion.</target></alt-trans>";
        if version_2 {
            let second = if random.below(2) == 0 {
                format!(
                    "<ignorable><source> </source></ignorable><segment><source>b</source>{}</segment>",
                    target(random)
                )
            } else {
                String::new()
            };
            xml.push_str(&format!(
                "<unit id=\"{id}\" tj:source-sha256=\"{hash}\"><notes><note>n</note></notes>\
                 <originalData><data id=\"d\">&lt;b&gt;</data></originalData>\
                 <segment><source>a</source>{}</segment>{second}</unit>\n",
                target(random)
            ));
        } else {
            xml.push_str(&format!(
                "<trans-unit id=\"{id}\" tj:source-sha256=\"{hash}\"><source>s</source>{}{}<note>n</note></trans-unit>\n",
                target(random),
                if random.below(3) == 0 { suggestion } else { "" }
            ));
        }
    }
    xml.push_str(if version_2 {
        "</file></xliff>"
    } else {
        "</body></file></xliff>"
    });
    let mut bytes = xml.into_bytes();
    let cut = random.below(6) == 0;
    if cut {
        bytes.truncate(random.below(bytes.len()));
    }
    (bytes, count as u64, cut)
}

#[test]
fn hostile_xliff_files_lose_no_unit_and_a_cut_one_changes_nothing() {
    let dir = TestDir::new();
    let (pristine, units) = seed_and_its_units(&dir);
    let mut random = Xorshift(0x2545_F491_4F6C_DD1D);
    let mut outcomes = BTreeSet::new();
    for case in 0..40 {
        let dataset = dir.path().join(format!("case-{case}"));
        copy_dir(&pristine, &dataset);
        let file = dir.path().join(format!("case-{case}.xlf"));
        let (bytes, count, cut) = hostile_xliff(&units, &mut random);
        std::fs::write(&file, &bytes).unwrap();
        let run = tarjama(&[
            "slots",
            "import",
            arg(&dataset),
            arg(&file),
            "--translator",
            "t",
            "--json",
        ]);
        let context = format!(
            "case {case}: exit {:?} {}{}",
            run.code, run.stdout, run.stderr
        );
        if run.code == Some(2) {
            assert!(cut, "{context}");
            assert!(run.stderr.contains("line "), "{context}");
            assert_eq!(latest_version(&dataset), "v0001", "{context}");
            outcomes.insert("refused");
            continue;
        }
        assert!(matches!(run.code, Some(0 | 1)), "{context}");
        let imported = Imported {
            code: run.code,
            summary: serde_json::from_str(&run.stdout).unwrap(),
            file,
        };
        // A cut file may still hold its units whole (cut after the last one).
        let rows = imported.count("rows");
        assert!(rows == count || (cut && rows <= count), "{context}");
        imported.assert_nothing_lost(rows);
        if imported.count("accepted") > 0 {
            assert_valid(&dataset);
            let pairs = parallel_pairs(&dataset, &dir);
            assert!(
                pairs.iter().all(|(_, en)| en != "A suggestion."),
                "{context}: an alt-trans suggestion was imported"
            );
            outcomes.insert("published");
        }
        if imported.count("rejected") > 0 {
            outcomes.insert("rejected");
        }
    }
    assert_eq!(
        outcomes,
        ["published", "refused", "rejected"].into(),
        "the cases must reach every outcome"
    );
}

#[test]
fn exports_of_every_shard_hand_each_document_to_one_translator() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let units_of = |extra: &[&str]| -> Vec<Value> {
        let file = dir.path().join("part.jsonl");
        export(&dataset, "jsonl", &file, extra);
        read_jsonl(&file)
    };
    let all = units_of(&[]);
    let mut documents_seen = BTreeSet::new();
    let mut units_seen = Vec::new();
    for k in 0..3 {
        let shard = format!("{k}/3");
        let part = units_of(&["--shard", &shard]);
        let documents: BTreeSet<&str> =
            part.iter().map(|u| u["doc_id"].as_str().unwrap()).collect();
        for doc in &documents {
            assert!(
                documents_seen.insert(doc.to_string()),
                "{doc} in two shards"
            );
            let whole = all.iter().filter(|u| u["doc_id"] == *doc).count();
            let here = part.iter().filter(|u| u["doc_id"] == *doc).count();
            assert_eq!(here, whole, "{doc} is exported whole");
        }
        units_seen.extend(part);
    }
    units_seen.sort_by_key(|u| u["sentence_id"].as_str().unwrap().to_string());
    assert_eq!(units_seen, all);
    assert!(documents_seen.len() == 5);

    // Label Studio tasks are shared out the same way.
    let tasks_of = |shard: &str| -> BTreeSet<String> {
        let file = dir.path().join("tasks.json");
        let run = tarjama(&[
            "entities",
            "export",
            arg(&dataset),
            "--format",
            "label-studio",
            "-o",
            arg(&file),
            "--shard",
            shard,
        ]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let tasks: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        tasks
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["data"]["sentence_id"].as_str().unwrap().to_string())
            .collect()
    };
    let (first, second) = (tasks_of("0/2"), tasks_of("1/2"));
    assert!(first.is_disjoint(&second));
    let slotted: BTreeSet<String> = all
        .iter()
        .map(|u| u["sentence_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        first.union(&second).cloned().collect::<BTreeSet<_>>(),
        slotted
    );

    let run = slots_export(
        &dataset,
        "jsonl",
        &dir.path().join("x.jsonl"),
        &["--shard", "3/3"],
    );
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("0 <= K < N"), "{}", run.stderr);
}
