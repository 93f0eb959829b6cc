//! `tarjama validate`: a clean dataset passes; every kind of tampering is
//! reported with the file and the rule, and exit code 1.

use crate::tamper::*;
use crate::util::*;

#[test]
fn the_committed_dataset_is_valid() {
    let run = tarjama(&["validate", arg(&seed_dataset())]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("valid: 8 versions, 79 files"),
        "{}",
        run.stdout
    );
    let (code, report) = validate_json(&seed_v0001());
    assert_eq!(code, Some(0));
    assert_eq!(report["valid"], true);
    assert_eq!(report["stats"]["rows"], 183);
    assert_eq!(report["findings"], serde_json::json!([]));
}

/// A small deterministic generator (splitmix64), so that a failing
/// position can be reproduced.
struct Positions(u64);

impl Positions {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % bound as u64) as usize
    }
}

#[test]
fn one_flipped_byte_anywhere_in_any_file_is_caught_and_named() {
    const FLIPS_PER_FILE: usize = 40;
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let version = dataset.join("versions/v0001");
    let mut positions = Positions(2026);
    let mut flips = 0;
    for file in DATA_FILES.iter().copied().chain(["manifest.json"]) {
        let path = version.join(file);
        let len = std::fs::metadata(&path).unwrap().len() as usize;
        // The first and last bytes, then positions drawn at random.
        let mut at: Vec<usize> = vec![0, len - 1];
        at.extend((2..FLIPS_PER_FILE).map(|_| positions.below(len)));
        for at in at {
            flip_byte(&path, at);
            let (code, report) = validate_json(&dataset);
            flip_byte(&path, at);
            assert_eq!(
                code,
                Some(1),
                "flipping byte {at} of {file} went unnoticed: {report}"
            );
            assert!(
                findings(&report).iter().any(|(_, f)| f == file),
                "flipping byte {at} of {file} was not reported on {file}: {report}"
            );
            flips += 1;
        }
    }
    assert_eq!(flips, 9 * FLIPS_PER_FILE);
    assert_eq!(validate_json(&dataset).0, Some(0), "every flip was undone");
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

#[test]
fn a_shifted_offset_is_caught_even_when_every_hash_agrees() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let version = dataset.join("versions/v0001");
    rewrite_version(&version, |t| {
        t.sentences[10].start += 1;
        t.sentences[10].end += 1;
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
fn a_missing_slot_and_a_slot_for_boilerplate_are_caught() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    rewrite_version(&dataset.join("versions/v0001"), |t| {
        t.slots.remove(0);
        let boilerplate = t.sentences.iter_mut().find(|s| !s.translate).unwrap();
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
    edit_article(&dataset, "003_58c241df490e0bb8.txt", "لوموند", "ليبراسيون");
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
    rewrite_version(&dataset.join("versions/v0001"), |t| {
        t.sentences[10].start += 1;
        t.sentences[10].end += 1;
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

#[test]
fn nested_entities_of_one_origin_are_not_crossing() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    // `12` inside `12 مايو`: one span holds the other.
    rewrite_version(&dataset.join("versions/v0001"), |t| {
        let mut inner = t.entities[0].clone();
        inner.entity_id = format!("{}#9999", inner.sentence_id);
        inner.text = inner.text.chars().take(2).collect();
        inner.end = inner.start + 2;
        t.entities.push(inner);
        t.entities.sort_by(|a, b| a.entity_id.cmp(&b.entity_id));
    });
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["findings"], serde_json::json!([]));
}

#[test]
fn a_page_that_makes_the_parquet_decoder_panic_is_reported_as_unreadable() {
    // Found by flipping bits at random: this bit of an encoded page makes
    // the parquet crate index out of bounds instead of returning an error.
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let path = dataset.join("versions/v0001/entities.parquet");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[884] ^= 0b10;
    std::fs::write(&path, bytes).unwrap();
    let run = tarjama(&["validate", "--format", "json", arg(&dataset)]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stderr, "", "the contained panic stays off stderr");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let unreadable = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "table.unreadable")
        .unwrap_or_else(|| panic!("{report}"));
    assert!(unreadable["message"]
        .as_str()
        .unwrap()
        .contains("decoder failed on damaged data"));
}

#[test]
fn descriptions_of_another_format_must_still_name_every_file_with_its_hash() {
    let dir = TestDir::new();
    let dataset = dir.seed_built("seed");
    let version = dataset.join("versions/v0001");
    // As an older or newer tool would have rendered them: other prose, same hashes.
    edit_manifest(&version, |m| m.descriptions_format = Some(99));
    let card = version.join("README.md");
    let text = std::fs::read_to_string(&card).unwrap();
    std::fs::write(
        &card,
        text.replace("## Offsets", "## Offsets (code points)"),
    )
    .unwrap();
    rehash_files(&version);
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(0), "{report}");
    // A card that no longer names the sentences file's hash does not describe the data.
    let (m, _) = tarjama::manifest::read(&version).unwrap();
    let sentences = m
        .files
        .iter()
        .find(|f| f.path == "sentences.parquet")
        .unwrap();
    let text = std::fs::read_to_string(&card).unwrap();
    std::fs::write(&card, text.replace(&sentences.sha256, "0")).unwrap();
    rehash_files(&version);
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&report),
        vec![("describe.mismatch".to_string(), "README.md".to_string())]
    );
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        format!(
            "does not give sentences.parquet's sha256 {}",
            sentences.sha256
        )
    );
}
