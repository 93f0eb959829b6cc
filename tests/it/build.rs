//! `tarjama build`: reproducibility, versions, every input accounted for.

use crate::util::*;

fn manifest(version_dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(version_dir.join("manifest.json")).unwrap()).unwrap()
}

/// The fingerprint of a version's data files, without the descriptions
/// (which name the version, so differ between v0001 and a later version).
fn data_fingerprint(version_dir: &std::path::Path) -> String {
    let (manifest, _) = tarjama::manifest::read(version_dir).unwrap();
    tarjama::describe::data_fingerprint(&manifest)
}

#[test]
fn rebuild_from_raw_is_byte_identical_to_the_latest_committed_version() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("seed");
    let run = tarjama(&["build", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rebuilt = dataset.join("versions/v0001");
    for file in DATA_FILES.iter().chain(&["glossary.tsv"]) {
        let committed = std::fs::read(seed_latest().join(file)).unwrap();
        let fresh = std::fs::read(rebuilt.join(file)).unwrap();
        assert!(
            committed == fresh,
            "{file} differs from the committed version: rebuild datasets/seed-news"
        );
    }
    assert_eq!(data_fingerprint(&rebuilt), data_fingerprint(&seed_latest()));
}

#[test]
fn a_build_prints_its_summary_and_an_unchanged_rebuild_writes_nothing() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("seed");
    let first = tarjama(&["build", arg(&dataset)]);
    assert!(first.stdout.contains("published v0001"), "{}", first.stdout);
    assert!(
        first
            .stdout
            .contains("documents 5  sentences 83  entities 219  slots 63  skipped inputs 0"),
        "{}",
        first.stdout
    );
    let second = tarjama(&["build", arg(&dataset)]);
    assert_eq!(second.code, Some(0));
    assert!(second.stdout.contains("unchanged"), "{}", second.stdout);
    assert_nothing_published(&dataset, "an unchanged rebuild");

    // A new licence changes what the descriptions say: a new version whose
    // data files are those of the first.
    let config = dataset.join("dataset.toml");
    let settings = std::fs::read_to_string(&config).unwrap();
    assert!(settings.contains("license = \"unknown\""), "{settings}");
    std::fs::write(
        &config,
        settings.replace("license = \"unknown\"", "license = \"cc-by-4.0\""),
    )
    .unwrap();
    let third = tarjama(&["build", arg(&dataset)]);
    assert!(
        third.stdout.contains("published v0002"),
        "{}{}",
        third.stdout,
        third.stderr
    );
    let card = std::fs::read_to_string(dataset.join("versions/v0002/README.md")).unwrap();
    assert!(card.contains("license: \"cc-by-4.0\""), "{card}");
    assert_eq!(
        data_fingerprint(&dataset.join("versions/v0001")),
        data_fingerprint(&dataset.join("versions/v0002"))
    );
}

/// The seed dataset with its v0001 and one article changed since.
fn seed_with_a_changed_article(dir: &TestDir) -> std::path::PathBuf {
    let dataset = dir.seed_with_v0001("seed");
    let (from, to) = ("اليوم الأحد", "يوم الأحد");
    edit_article(&dataset, "002_16547596d5c87a81.txt", from, to);
    dataset
}

#[test]
fn a_changed_article_makes_a_child_version_that_validates() {
    let dir = TestDir::new();
    let dataset = seed_with_a_changed_article(&dir);
    let run = tarjama(&["build", arg(&dataset)]);
    assert!(
        run.stdout.contains("published v0002"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let child = manifest(&dataset.join("versions/v0002"));
    let parent = manifest(&dataset.join("versions/v0001"));
    assert_eq!(child["parent"]["version"], "v0001");
    assert_eq!(child["parent"]["fingerprint"], parent["fingerprint"]);
    assert_ne!(child["fingerprint"], parent["fingerprint"]);
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["stats"]["versions"], 2);
    let log = tarjama(&["log", arg(&dataset)]);
    assert!(
        log.stdout
            .contains("cleanup      blank_lines 16, nbsp 11, tatweel 2"),
        "{}",
        log.stdout
    );
    assert!(
        log.stdout.contains("v0002") && log.stdout.contains("parent     v0001"),
        "{}",
        log.stdout
    );
}

#[test]
fn every_input_becomes_a_document_or_is_skipped_with_its_reason() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("seed");
    let raw = dataset.join("raw");
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "خبر قصير.\r\nسطر ثان".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    std::fs::write(raw.join("utf16_with_bom.txt"), utf16).unwrap();
    std::fs::write(raw.join("binary_nul.txt"), b"PK\x03\x04\0\0\x14").unwrap();
    std::fs::write(
        raw.join("invalid_utf8.txt"),
        b"\xd8\xa7\xd9\x84\xd8\xa7\xff",
    )
    .unwrap();
    std::fs::write(raw.join("whitespace_only.txt"), " \n\t\n").unwrap();
    std::fs::write(raw.join("notes.pdf"), b"%PDF-1.4").unwrap();
    let run = tarjama(&["build", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("documents 6 "), "{}", run.stdout);
    assert!(run.stdout.contains("skipped inputs 4"), "{}", run.stdout);

    let m = manifest(&dataset.join("versions/v0001"));
    let skipped: Vec<(String, String)> = m["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            ("raw/binary_nul.txt".to_string(), "binary".to_string()),
            (
                "raw/invalid_utf8.txt".to_string(),
                "invalid-utf8".to_string()
            ),
            (
                "raw/notes.pdf".to_string(),
                "unsupported-format".to_string()
            ),
            ("raw/whitespace_only.txt".to_string(), "empty".to_string()),
        ]
    );
    let reason = m["skipped"][1]["reason"].as_str().unwrap();
    assert!(reason.contains("at byte 6"), "{reason}");
    // Four files were read (the .pdf was not), so nine inputs in all.
    assert_eq!(m["inputs"].as_array().unwrap().len(), 9);

    let documents =
        std::fs::read_to_string(dataset.join("versions/v0001/documents.jsonl")).unwrap();
    let utf16_doc: serde_json::Value = documents
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|d| d["doc_id"] == "utf16_with_bom")
        .expect("the UTF-16 file became a document");
    assert_eq!(utf16_doc["source_encoding"], "UTF-16LE");
    assert_eq!(utf16_doc["text"], "خبر قصير.\nسطر ثان");
}

#[test]
fn source_date_epoch_sets_the_creation_time_and_nothing_else() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("seed");
    let run = tarjama_env(
        &["build", arg(&dataset)],
        &[("SOURCE_DATE_EPOCH", "1700000000")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let m = manifest(&dataset.join("versions/v0001"));
    assert_eq!(m["created"], "2023-11-14T22:13:20Z");
    // The date is the Croissant metadata's datePublished; the data is unchanged.
    let croissant = std::fs::read_to_string(dataset.join("versions/v0001/croissant.json")).unwrap();
    assert!(croissant.contains("\"datePublished\": \"2023-11-14T22:13:20Z\""));
    assert_eq!(
        data_fingerprint(&dataset.join("versions/v0001")),
        data_fingerprint(&seed_latest())
    );
}

#[test]
fn init_creates_a_dataset_that_builds_once_articles_arrive() {
    let dir = TestDir::new();
    let dataset = dir.path().join("news");
    let run = tarjama(&["init", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let config = std::fs::read_to_string(dataset.join("dataset.toml")).unwrap();
    assert!(config.contains("name = \"news\""), "{config}");
    assert!(dataset.join("raw").is_dir());
    let again = tarjama(&["init", arg(&dataset)]);
    assert_eq!(again.code, Some(2));
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);

    std::fs::write(dataset.join("raw/a.txt"), "عنوان\n\nنص الخبر.").unwrap();
    let build = tarjama(&["build", arg(&dataset)]);
    assert!(
        build.stdout.contains("documents 1  sentences 2"),
        "{}",
        build.stdout
    );
    let (code, _) = validate_json(&dataset);
    assert_eq!(code, Some(0));
}

/// A scraped page without a single stop, holding 12,000 numbers and as many
/// names: it is cut into sentences of 1,000 words, and its entities keep
/// their order.
#[test]
fn a_page_without_a_stop_becomes_sentences_of_a_thousand_words_and_validates() {
    let dir = TestDir::new();
    let dataset = dir.empty_dataset("endless");
    let text: Vec<String> = (0..12_000)
        .map(|i| format!("زار فلاديمير بوتين موسكو يوم {i} و"))
        .collect();
    std::fs::write(dataset.join("raw/endless.txt"), text.join(" ")).unwrap();
    build_quietly(&dataset);

    let entities = std::fs::read_to_string(dataset.join("versions/v0001/entities.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = entities
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let count = |label: &str| rows.iter().filter(|r| r["label"] == label).count();
    assert_eq!(count("NUM"), 12_000);
    assert!(count("PER") > 11_000, "{} PER", count("PER"));
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r["entity_id"].as_str().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids out of order");
    // 84,000 words with no stop and no clause mark: 84 pieces of 1,000.
    let sentences =
        std::fs::read_to_string(dataset.join("versions/v0001/sentences.jsonl")).unwrap();
    let words: Vec<usize> = sentences
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .map(|s| s["text"].as_str().unwrap().split_whitespace().count())
        .collect();
    assert_eq!(words, vec![1000; 84]);
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(0), "{report}");
}

#[test]
fn the_seed_glossary_and_rules_find_names_dates_and_their_english() {
    let rows: Vec<serde_json::Value> =
        std::fs::read_to_string(seed_latest().join("entities.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    let find = |text: &str, label: &str| {
        rows.iter()
            .find(|e| e["text"] == text && e["label"] == label)
            .unwrap_or_else(|| panic!("no {label} entity {text:?}"))
    };
    for (text, label, origin, en) in [
        ("فلاديمير بوتين", "PER", "gazetteer", "Vladimir Putin"),
        ("قره باغ", "LOC", "gazetteer", "Nagorno-Karabakh"),
        ("الكرملين", "ORG", "gazetteer", "the Kremlin"),
        ("نيكول باشينيان", "PER", "gazetteer", "Nikol Pashinyan"),
    ] {
        let entity = find(text, label);
        assert_eq!(entity["origin"], origin, "{entity}");
        assert_eq!(entity["en"], en, "{entity}");
    }
    let date = find("9 تشرين الثاني نوفمبر 2020", "DATE");
    assert_eq!(date["origin"], "rule");
    assert!(
        date.get("en").is_none(),
        "a date has no glossary rendering: {date}"
    );
    // `وأذربيجان`: the conjunction stays outside the span.
    let azerbaijan = rows.iter().filter(|e| e["en"] == "Azerbaijan").count();
    assert!(azerbaijan >= 9, "{azerbaijan}");
    assert!(rows.iter().all(|e| e["text"] != "وأذربيجان"));
}

#[test]
fn a_damaged_latest_version_is_never_built_on() {
    let dir = TestDir::new();
    let dataset = seed_with_a_changed_article(&dir);
    // One bit of a translator's file flipped on disk after publication.
    let damaged = dataset.join("versions/v0001/translations.jsonl");
    crate::tamper::flip_byte(&damaged, 40);
    let import_file = dir.path().join("reviewed.jsonl");
    std::fs::copy(
        repo().join("tests/fixtures/import/reviewed.jsonl"),
        &import_file,
    )
    .unwrap();
    for args in [
        vec!["build", arg(&dataset)],
        vec![
            "slots",
            "import",
            arg(&dataset),
            arg(&import_file),
            "--translator",
            "t",
        ],
    ] {
        let run = tarjama(&args);
        assert_eq!(run.code, Some(2), "{args:?}: {}{}", run.stdout, run.stderr);
        for needed in ["translations.jsonl", "file.sha256", "tarjama validate"] {
            assert!(
                run.stderr.contains(needed),
                "{args:?} lacks {needed:?}: {}",
                run.stderr
            );
        }
        assert_nothing_published(&dataset, &format!("{args:?}"));
    }
}

#[test]
fn a_damaged_version_is_never_exported_or_reported_on() {
    let dir = TestDir::new();
    let dataset = dir.seed_built("seed");
    crate::tamper::flip_byte(&dataset.join("versions/v0001/sentences.parquet"), 200);
    let out = dir.path().join("out");
    let exports = [
        vec!["slots", "export", arg(&dataset), "--format", "xliff"],
        vec![
            "export",
            "parallel",
            arg(&dataset),
            "--format",
            "jsonl",
            "--min-status",
            "empty",
        ],
        vec![
            "entities",
            "export",
            arg(&dataset),
            "--format",
            "label-studio",
        ],
    ];
    let reports = [
        vec!["status", arg(&dataset)],
        vec!["diff", arg(&dataset), "v0001", "v0001"],
    ];
    let exports = exports.into_iter().map(|mut args| {
        args.extend(["-o", arg(&out)]);
        (args, "before exporting")
    });
    let reports = reports.into_iter().map(|args| (args, "before reporting"));
    for (args, before) in exports.chain(reports) {
        let run = tarjama(&args);
        assert_eq!(run.code, Some(2), "{args:?}: {}{}", run.stdout, run.stderr);
        for needed in [
            "sentences.parquet",
            "file.sha256",
            "tarjama validate",
            before,
        ] {
            assert!(
                run.stderr.contains(needed),
                "{args:?} lacks {needed:?}: {}",
                run.stderr
            );
        }
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

/// Rows of `table` in a version, counted from its JSONL files.
fn jsonl_lines(version: &std::path::Path, table: &str) -> u64 {
    std::fs::read_dir(version)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.starts_with(table) && name.ends_with(".jsonl")
        })
        .map(|p| std::fs::read_to_string(p).unwrap().lines().count() as u64)
        .sum()
}

#[test]
fn log_counts_the_rows_of_every_file_of_a_sharded_table() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("seed");
    let settings = std::fs::read_to_string(dataset.join("dataset.toml")).unwrap();
    std::fs::write(
        dataset.join("dataset.toml"),
        format!("{settings}\n[output]\nrows_per_file = 20\n"),
    )
    .unwrap();
    build_quietly(&dataset);
    let version = dataset.join("versions/v0001");
    assert!(version.join("sentences-00004-of-00005.parquet").exists());
    let log = tarjama(&["log", arg(&dataset), "--json"]);
    assert_eq!(log.code, Some(0), "{}", log.stderr);
    let entries: serde_json::Value = serde_json::from_str(&log.stdout).unwrap();
    let rows = &entries[0]["rows"];
    let text = tarjama(&["log", arg(&dataset)]).stdout;
    for table in ["documents", "sentences", "entities", "translations"] {
        let expected = jsonl_lines(&version, table);
        assert!(expected > 0, "{table}");
        assert_eq!(rows[table], expected, "{table}: {}", log.stdout);
        assert!(
            text.contains(&format!("{table} {expected}")),
            "{table}: {text}"
        );
    }
    assert_eq!(entries[0]["version"], "v0001");
    assert_eq!(entries[0]["parent"], serde_json::Value::Null);
    assert_eq!(entries[0]["fingerprint"], manifest(&version)["fingerprint"]);
}

#[test]
fn log_lists_a_damaged_manifest_among_the_other_versions() {
    let dir = TestDir::new();
    let dataset = dir.path().join("seed");
    crate::util::copy_dir(&seed_dataset(), &dataset);
    let versions = dataset.join("versions");
    // One manifest edited by hand, one cut short by a full disk.
    let edited = versions.join("v0002/manifest.json");
    let text = std::fs::read_to_string(&edited).unwrap();
    assert!(text.contains("\"source_language\": \"ar\""));
    std::fs::write(
        &edited,
        text.replacen(
            "\"source_language\": \"ar\"",
            "\"source_language\": \"ar-SA\"",
            1,
        ),
    )
    .unwrap();
    let cut = versions.join("v0003/manifest.json");
    let bytes = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();

    let log = tarjama(&["log", arg(&dataset), "--json"]);
    assert_eq!(log.code, Some(1), "{}{}", log.stdout, log.stderr);
    let entries: Vec<serde_json::Value> = serde_json::from_str(&log.stdout).unwrap();
    let damaged: Vec<(&str, &str)> = entries
        .iter()
        .filter_map(|e| Some((e["version"].as_str()?, e["damaged"].as_str()?)))
        .collect();
    assert_eq!(
        damaged.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
        ["v0003", "v0002"]
    );
    let reasons = ["not a valid manifest", "changed after it was written"];
    for ((_, why), reason) in damaged.iter().zip(reasons) {
        assert!(
            why.contains(reason) && why.contains("tarjama validate"),
            "{why}"
        );
    }
    let listed = entries
        .iter()
        .filter(|e| e["fingerprint"].is_string())
        .count();
    assert_eq!(
        listed,
        entries.len() - 1,
        "every readable manifest is listed"
    );

    let text = tarjama(&["log", arg(&dataset)]);
    assert_eq!(text.code, Some(1));
    assert_eq!(
        text.stdout.matches("  damaged    ").count(),
        2,
        "{}",
        text.stdout
    );
    let (code, _) = validate_json(&dataset);
    assert_eq!(code, Some(1));
}

#[test]
fn log_counts_skipped_inputs_by_code_and_lists_the_first_few() {
    let dir = TestDir::new();
    let dataset = dir.empty_dataset("scraped");
    let raw = dataset.join("raw");
    std::fs::copy(
        repo().join("tests/fixtures/ingest/utf8_bom.txt"),
        raw.join("article.txt"),
    )
    .unwrap();
    for n in 0..12 {
        std::fs::write(raw.join(format!("empty_{n:02}.txt")), "").unwrap();
    }
    std::fs::write(raw.join("notes.docx"), "PK").unwrap();
    build_quietly(&dataset);
    let text = tarjama(&["log", arg(&dataset)]).stdout;
    assert!(
        text.contains("  inputs     13 read, 13 skipped (empty 12, unsupported-format 1)\n"),
        "{text}"
    );
    assert_eq!(text.matches("\n    skipped raw/").count(), 10, "{text}");
    assert!(
        text.contains("    ... and 3 more skipped: `tarjama log --json` lists every one"),
        "{text}"
    );
    let log = tarjama(&["log", arg(&dataset), "--json"]);
    let entries: serde_json::Value = serde_json::from_str(&log.stdout).unwrap();
    assert_eq!(entries[0]["skipped"].as_array().unwrap().len(), 13);
}
