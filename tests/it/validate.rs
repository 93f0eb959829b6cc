//! `tarjama validate`: a clean dataset passes; every kind of tampering is
//! reported with the file and the rule, and exit code 1.

use std::path::Path;

use tarjama::io::{parquet::read_rows, TableWriter};
use tarjama::manifest;
use tarjama::model::{Document, Entity, Sentence, TranslationSlot};
use tarjama::table::Table;

use crate::util::*;

#[test]
fn the_committed_dataset_is_valid() {
    let run = tarjama(&["validate", arg(&seed_dataset())]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("valid: 1 versions, 8 files"),
        "{}",
        run.stdout
    );
    let (code, report) = validate_json(&seed_v0001());
    assert_eq!(code, Some(0));
    assert_eq!(report["valid"], true);
    assert_eq!(report["stats"]["rows"], 183);
    assert_eq!(report["findings"], serde_json::json!([]));
}

fn flip_byte(path: &Path, at: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[at] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn one_changed_byte_in_any_file_is_caught_and_named() {
    let files = DATA_FILES.iter().copied().chain(["manifest.json"]);
    for file in files {
        let dir = TestDir::new();
        let dataset = dir.seed_with_v0001("seed");
        let path = dataset.join("versions/v0001").join(file);
        let len = std::fs::metadata(&path).unwrap().len() as usize;
        flip_byte(&path, len / 2);
        let (code, report) = validate_json(&dataset);
        assert_eq!(code, Some(1), "flipping a byte of {file} went unnoticed");
        let found = findings(&report);
        let expected_rule = if file == "manifest.json" {
            "manifest."
        } else {
            "file.sha256"
        };
        assert!(
            found
                .iter()
                .any(|(rule, f)| f == file && rule.starts_with(expected_rule)),
            "{file}: {found:?}"
        );
    }
}

#[test]
fn a_deleted_file_is_missing() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    std::fs::remove_file(dataset.join("versions/v0001/entities.jsonl")).unwrap();
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(1));
    assert!(
        findings(&report).contains(&("file.missing".into(), "entities.jsonl".into())),
        "{report}"
    );
}

#[test]
fn a_stray_extra_file_is_unlisted() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    std::fs::write(dataset.join("versions/v0001/notes.txt"), "x").unwrap();
    let run = tarjama(&["validate", arg(&dataset)]);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("notes.txt"), "{}", run.stdout);
    assert!(run.stdout.contains("file.unlisted"), "{}", run.stdout);
}

#[test]
fn an_edited_jsonl_row_differs_from_parquet() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let path = dataset.join("versions/v0001/sentences.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut row: serde_json::Value = serde_json::from_str(&lines[6]).unwrap();
    row["role"] = "boilerplate".into();
    lines[6] = serde_json::to_string(&row).unwrap();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(1));
    let found = &report["findings"].as_array().unwrap();
    let mismatch = found
        .iter()
        .find(|f| f["rule"] == "table.jsonl-mismatch")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(mismatch["row"], 7);
    assert!(findings(&report).contains(&("file.sha256".into(), "sentences.jsonl".into())));
}

/// Rewrites every table of a version with `edit` applied to its rows and
/// reseals the manifest: the result is self-consistent in its hashes, as a
/// buggy producer would leave it, so only the row checks can catch it.
fn rewrite_version(
    version: &Path,
    edit: impl Fn(&mut Vec<Sentence>, &mut Vec<Entity>, &mut Vec<TranslationSlot>),
) {
    fn load<T: Table>(dir: &Path) -> Vec<T> {
        read_rows::<T>(&dir.join(format!("{}.parquet", T::NAME)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }
    fn store<T: Table>(dir: &Path, rows: Vec<T>) -> Vec<tarjama::model::FileEntry> {
        let mut writer = TableWriter::<T>::create(dir).unwrap();
        rows.into_iter().for_each(|r| writer.push(r).unwrap());
        writer.finish().unwrap().to_vec()
    }
    let documents: Vec<Document> = load(version);
    let mut sentences: Vec<Sentence> = load(version);
    let mut entities: Vec<Entity> = load(version);
    let mut slots: Vec<TranslationSlot> = load(version);
    edit(&mut sentences, &mut entities, &mut slots);
    let mut files = store(version, documents);
    files.extend(store(version, sentences));
    files.extend(store(version, entities));
    files.extend(store(version, slots));
    let (mut m, _) = manifest::read(version).unwrap();
    m.files = files;
    std::fs::write(version.join("manifest.json"), manifest::seal(&mut m)).unwrap();
}

#[test]
fn a_shifted_offset_is_caught_even_when_every_hash_agrees() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let version = dataset.join("versions/v0001");
    rewrite_version(&version, |sentences, _, _| {
        sentences[10].start += 1;
        sentences[10].end += 1;
    });
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(1));
    let found = findings(&report);
    assert!(
        found.contains(&("sentence.text".into(), "sentences.parquet".into())),
        "{found:?}"
    );
    assert!(
        found.iter().all(|(rule, _)| rule.starts_with("sentence.")),
        "{found:?}"
    );
}

#[test]
fn an_offset_out_of_range_is_caught() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    rewrite_version(&dataset.join("versions/v0001"), |sentences, _, _| {
        sentences[0].end = 1_000_000;
    });
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(1));
    assert!(
        findings(&report).contains(&("sentence.offsets".into(), "sentences.parquet".into())),
        "{report}"
    );
}

#[test]
fn a_translation_of_a_changed_sentence_is_stale() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    rewrite_version(&dataset.join("versions/v0001"), |_, _, slots| {
        slots[3].text = Some("The Kremlin said so.".into());
        slots[3].status = "done".into();
        slots[3].source_sha256 = "0".repeat(64);
    });
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(1));
    let stale: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "slot.stale")
        .collect();
    assert_eq!(stale.len(), 1, "{report}");
    assert_eq!(stale[0]["row"], 4);
}

#[test]
fn a_missing_slot_and_a_slot_for_boilerplate_are_caught() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    rewrite_version(&dataset.join("versions/v0001"), |sentences, _, slots| {
        slots.remove(0);
        let boilerplate = sentences.iter_mut().find(|s| !s.translate).unwrap();
        boilerplate.translate = true;
    });
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(1));
    let rules: Vec<String> = findings(&report).into_iter().map(|(r, _)| r).collect();
    assert_eq!(rules, ["slot.missing", "slot.missing"], "{report}");
}

#[test]
fn a_version_whose_parent_changed_is_caught() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let article = dataset.join("raw/003_58c241df490e0bb8.txt");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text.replace("لوموند", "ليبراسيون")).unwrap();
    assert_eq!(tarjama(&["build", arg(&dataset)]).code, Some(0));
    std::fs::remove_dir_all(dataset.join("versions/v0001")).unwrap();
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(1));
    assert!(
        findings(&report).contains(&("version.parent".into(), "manifest.json".into())),
        "{report}"
    );
}

#[test]
fn integrity_only_checks_hashes_but_not_rows() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    // A self-consistent edit passes the integrity gate: only the rows show it.
    rewrite_version(&dataset.join("versions/v0001"), |sentences, _, _| {
        sentences[10].start += 1;
        sentences[10].end += 1;
    });
    let quick = tarjama(&["validate", "--integrity-only", arg(&dataset)]);
    assert_eq!(quick.code, Some(0), "{}", quick.stdout);
    assert!(quick.stdout.contains("0 rows checked"), "{}", quick.stdout);
    let full = tarjama(&["validate", arg(&dataset)]);
    assert_eq!(full.code, Some(1), "{}", full.stdout);
    // A changed byte is caught by the integrity gate too.
    flip_byte(&dataset.join("versions/v0001/entities.parquet"), 100);
    let quick = tarjama(&["validate", "--integrity-only", arg(&dataset)]);
    assert_eq!(quick.code, Some(1));
    assert!(quick.stdout.contains("file.sha256"), "{}", quick.stdout);
}

#[test]
fn list_rules_prints_every_rule_with_its_severity() {
    let run = tarjama(&["validate", "--list-rules"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().count(),
        tarjama::validate::rules::ALL.len()
    );
    for rule in tarjama::validate::rules::ALL {
        let line = run
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(rule.id))
            .unwrap_or_else(|| panic!("{} is not listed", rule.id));
        assert!(line.contains(rule.description), "{line}");
    }
    let json = tarjama(&["validate", "--list-rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(rules[0]["id"], "dataset.stray-entry");
    assert_eq!(rules[0]["severity"], "warning");
    assert_eq!(tarjama(&["validate"]).code, Some(2));
}

#[test]
fn github_and_junit_formats_show_findings_in_place() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let version = dataset.join("versions/v0001");
    let jsonl = version.join("sentences.jsonl");
    let text = std::fs::read_to_string(&jsonl).unwrap();
    std::fs::write(&jsonl, text.replacen("\"index\":0", "\"index\":9", 1)).unwrap();

    let run = tarjama(&["validate", "--format", "github", arg(&dataset)]);
    assert_eq!(run.code, Some(1));
    let annotations: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert!(annotations.iter().any(|l| l.starts_with("::error file=")
        && l.contains("sentences.jsonl,line=1,title=table.jsonl-mismatch::")));
    assert!(run.stdout.lines().last().unwrap().starts_with("INVALID"));

    let run = tarjama(&["validate", "--format", "junit", arg(&dataset)]);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.starts_with("<?xml"));
    assert!(run
        .stdout
        .contains("<failure type=\"table.jsonl-mismatch\""));
    let failures = run.stdout.matches("<failure ").count();
    assert!(failures >= 2, "{}", run.stdout);
    assert!(run.stdout.contains(&format!("failures=\"{failures}\"")));

    let clean = tarjama(&["validate", "--format", "junit", arg(&seed_dataset())]);
    assert_eq!(clean.code, Some(0));
    assert!(clean.stdout.contains("tests=\"1\" failures=\"0\""));
}

/// The rules a version triggers after `edit`, with their counts.
fn rules_after(
    edit: impl Fn(&mut Vec<Sentence>, &mut Vec<Entity>, &mut Vec<TranslationSlot>),
) -> Vec<String> {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    rewrite_version(&dataset.join("versions/v0001"), edit);
    let (_, report) = validate_json(&dataset);
    let mut rules: Vec<String> = findings(&report)
        .into_iter()
        .map(|(rule, _)| rule)
        .collect();
    rules.dedup();
    rules
}

/// Moves entity `e` to `start..end` of its document, text included.
fn respan(e: &mut Entity, sentence: &Sentence, start: i32, end: i32) {
    let chars: Vec<char> = sentence.text.chars().collect();
    let (from, to) = (
        (start - sentence.start) as usize,
        (end - sentence.start) as usize,
    );
    e.start = start;
    e.end = end;
    e.text = chars[from..to].iter().collect();
}

#[test]
fn an_entity_edge_on_whitespace_is_caught() {
    let rules = rules_after(|sentences, entities, _| {
        let e = &mut entities[0];
        let s = sentences
            .iter()
            .find(|s| s.sentence_id == e.sentence_id)
            .unwrap()
            .clone();
        let (start, end) = (e.start, e.end);
        // One more character on the left: the space before the span.
        assert_eq!(
            s.text.chars().nth((start - 1 - s.start) as usize),
            Some(' ')
        );
        respan(e, &s, start - 1, end);
    });
    assert_eq!(rules, ["entity.edge"]);
}

/// The rules triggered by a second rule entity beside the first one, at
/// offsets `place` gives from the first's (start, end).
fn rules_with_a_second_entity(place: fn(i32, i32) -> (i32, i32)) -> Vec<String> {
    rules_after(move |sentences, entities, _| {
        let e = entities[0].clone();
        let s = sentences
            .iter()
            .find(|s| s.sentence_id == e.sentence_id)
            .unwrap()
            .clone();
        let mut other = e.clone();
        other.entity_id = format!("{}#9999", e.sentence_id);
        let (start, end) = place(e.start, e.end);
        respan(&mut other, &s, start, end);
        entities.push(other);
        entities.sort_by(|a, b| a.entity_id.cmp(&b.entity_id));
    })
}

#[test]
fn crossing_entities_of_one_origin_are_caught_and_nested_ones_are_not() {
    // From inside the first span (`12 مايو`) to one past its end (the comma after it).
    let crossing = rules_with_a_second_entity(|start, end| (start + 1, end + 1));
    assert_eq!(crossing, ["entity.crossing"]);
    let nested = rules_with_a_second_entity(|start, _| (start, start + 1));
    assert!(nested.is_empty(), "{nested:?}");
}
