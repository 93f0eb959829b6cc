//! `tarjama ner train|tag|eval` and the model's spans in a build.

use std::collections::BTreeMap;

use crate::util::*;

fn fixture(name: &str) -> std::path::PathBuf {
    repo().join("tests/fixtures/ner").join(name)
}

fn jsonl(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn training_is_reproducible_and_the_model_learns_its_data() {
    let dir = TestDir::new();
    let train = fixture("train.jsonl");
    let models: Vec<_> = ["a.bin", "b.bin"]
        .iter()
        .map(|name| {
            let out = dir.path().join(name);
            let run = tarjama(&[
                "ner",
                "train",
                arg(&train),
                "-o",
                arg(&out),
                "--epochs",
                "8",
            ]);
            assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
            assert!(run.stdout.contains("8 sentences"), "{}", run.stdout);
            std::fs::read(out).unwrap()
        })
        .collect();
    assert_eq!(models[0], models[1], "same data and seed, same model bytes");

    let model = dir.path().join("a.bin");
    let eval = tarjama(&["ner", "eval", arg(&train), "--model", arg(&model), "--json"]);
    assert_eq!(eval.code, Some(0), "{}", eval.stderr);
    let scores: serde_json::Value = serde_json::from_str(&eval.stdout).unwrap();
    assert_eq!(scores["micro"]["f1"], 1.0, "{scores}");
    assert_eq!(scores["per_label"]["ORG"]["tp"], 7, "{scores}");
}

/// The committed model's training command learns from the corpus; a retrain
/// that reuses what it learnt must give the same bytes.
#[test]
fn corpus_training_counts_names_and_a_retrain_reusing_them_is_identical() {
    let dir = TestDir::new();
    let train = fixture("train.jsonl");
    let corpus = fixture("corpus.jsonl");
    // Learns from `--corpus` or reuses with `--clusters-of`.
    let train_with = |out: &std::path::Path, lexicon_from: &str, source: &std::path::Path| {
        let (out, source) = (arg(out), arg(source));
        tarjama(&[
            "ner",
            "train",
            arg(&train),
            "-o",
            out,
            lexicon_from,
            source,
            "--epochs",
            "8",
        ])
    };
    let first = dir.path().join("first.bin");
    let run = train_with(&first, "--corpus", &corpus);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let names: usize = run
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("corpus names: "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no corpus names line in {}", run.stderr));
    assert!(
        names > 0,
        "the first model finds names in the corpus: {}",
        run.stderr
    );

    let again = dir.path().join("again.bin");
    let run = train_with(&again, "--clusters-of", &first);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(std::fs::read(first).unwrap(), std::fs::read(again).unwrap());
}

#[test]
fn tag_writes_code_point_spans_that_slice_the_text() {
    let dir = TestDir::new();
    let out = dir.path().join("tagged.jsonl");
    let run = tarjama(&["ner", "tag", arg(&fixture("train.jsonl")), "-o", arg(&out)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let one_thread = dir.path().join("one_thread.jsonl");
    let run = tarjama(&[
        "ner",
        "tag",
        arg(&fixture("train.jsonl")),
        "-o",
        arg(&one_thread),
        "-j",
        "1",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(&one_thread).unwrap()
    );
    let records = jsonl(&out);
    assert_eq!(records.len(), 8);
    let mut found = Vec::new();
    for record in &records {
        let text: Vec<char> = record["text"].as_str().unwrap().chars().collect();
        for e in record["entities"].as_array().unwrap() {
            let (start, end) = (
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
            );
            let score = e["score"].as_f64().unwrap();
            assert!(score > 0.0 && score <= 1.0, "{e}");
            found.push((
                text[start..end].iter().collect::<String>(),
                e["label"].as_str().unwrap().to_string(),
            ));
        }
    }
    // The built-in model was not trained on these sentences.
    for (text, label) in [
        ("فلاديمير بوتين", "PER"),
        ("موسكو", "LOC"),
        ("نيويورك", "LOC"),
    ] {
        assert!(
            found.contains(&(text.to_string(), label.to_string())),
            "{text} {label} not in {found:?}"
        );
    }
}

/// A tagged span as (text, label, score).
type Found = (String, String, f64);

/// Tags the fixture's records, alone or grouped into documents by "doc":
/// each record's spans by its id.
fn tagged_by_record(document_field: Option<&str>) -> BTreeMap<String, Vec<Found>> {
    let dir = TestDir::new();
    let out = dir.path().join("tagged.jsonl");
    let input = fixture("name_found_in_one_sentence_missed_in_another.jsonl");
    let mut args = vec!["ner", "tag", arg(&input), "-o", arg(&out)];
    args.extend(
        document_field
            .map(|f| ["--document-field", f])
            .into_iter()
            .flatten(),
    );
    let run = tarjama(&args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    jsonl(&out)
        .iter()
        .map(|record| {
            let text: Vec<char> = record["text"].as_str().unwrap().chars().collect();
            let spans = record["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let (start, end) = (e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap());
                    (
                        text[start as usize..end as usize].iter().collect(),
                        e["label"].as_str().unwrap().to_string(),
                        e["score"].as_f64().unwrap(),
                    )
                })
                .collect();
            (record["id"].as_str().unwrap().to_string(), spans)
        })
        .collect()
}

#[test]
fn a_name_found_in_one_sentence_of_a_document_is_found_where_the_model_missed_it() {
    let alone = tagged_by_record(None);
    let names = |tagged: &BTreeMap<String, Vec<Found>>, id: &str| -> Vec<(String, String)> {
        tagged[id]
            .iter()
            .map(|(t, l, _)| (t.clone(), l.clone()))
            .collect()
    };
    let pair = |t: &str, l: &str| (t.to_string(), l.to_string());
    // The case: alone, the model misses `بدارفور` and finds `دارفور`.
    assert_eq!(names(&alone, "b1"), []);
    assert_eq!(
        names(&alone, "b2"),
        [pair("دارفور", "LOC"), pair("السودان", "LOC")]
    );

    let grouped = tagged_by_record(Some("doc"));
    assert_eq!(names(&grouped, "b1"), [pair("بدارفور", "LOC")]);
    assert_eq!(names(&grouped, "b2"), names(&alone, "b2"));
    assert_eq!(
        names(&grouped, "d1"),
        [],
        "another document learns nothing from b"
    );
    let score = grouped["b1"][0].2;
    assert!(
        (0.0..0.5).contains(&score),
        "the model's own doubt, {score}"
    );

    let eval = |extra: &[&str]| -> serde_json::Value {
        let gold = fixture("name_found_in_one_sentence_missed_in_another.jsonl");
        let mut args = vec!["ner", "eval", arg(&gold), "--json"];
        args.extend(extra);
        let run = tarjama(&args);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()["micro"].clone()
    };
    let (alone, grouped) = (eval(&[]), eval(&["--document-field", "doc"]));
    assert_eq!(
        (alone["tp"].as_u64(), alone["fp"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(
        (grouped["tp"].as_u64(), grouped["fp"].as_u64()),
        (Some(3), Some(0))
    );
}

#[test]
fn a_build_finds_a_name_again_in_the_other_sentences_of_its_article() {
    let dir = TestDir::new();
    let dataset = dir.empty_dataset("darfur");
    std::fs::write(
        dataset.join("raw/darfur.txt"),
        "وصل الوفد إلى بدارفور صباح اليوم. وتشهد منطقة دارفور في غرب السودان نزاعا منذ سنوات.\n",
    )
    .unwrap();
    build_quietly(&dataset);
    let rows = jsonl(&dataset.join("versions/v0001/entities.jsonl"));
    let found: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|e| {
            (
                e["text"].as_str().unwrap(),
                e["label"].as_str().unwrap(),
                e["origin"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("بدارفور", "LOC", "model"),
            ("دارفور", "LOC", "model"),
            ("السودان", "LOC", "model")
        ]
    );
    assert_ne!(rows[0]["sentence_id"], rows[1]["sentence_id"]);
    let run = tarjama(&["validate", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);

    // With the document pass off, the name stays where the model found it.
    let config = dataset.join("dataset.toml");
    let settings = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, settings + "[entities]\nrepeats = false\n").unwrap();
    build_quietly(&dataset);
    let rows = jsonl(&dataset.join("versions/v0002/entities.jsonl"));
    let found: Vec<&str> = rows.iter().map(|e| e["text"].as_str().unwrap()).collect();
    assert_eq!(found, ["دارفور", "السودان"]);
}

#[test]
fn a_gold_span_inside_a_word_is_refused_naming_the_line() {
    let dir = TestDir::new();
    let out = dir.path().join("m.bin");
    let run = tarjama(&[
        "ner",
        "train",
        arg(&fixture("span_inside_a_word.jsonl")),
        "-o",
        arg(&out),
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("span_inside_a_word.jsonl:2") && run.stderr.contains("record bad"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}

#[test]
fn a_damaged_model_file_is_an_error_not_a_panic() {
    let dir = TestDir::new();
    let model = dir.path().join("m.bin");
    std::fs::write(&model, b"not a model").unwrap();
    let run = tarjama(&[
        "ner",
        "eval",
        arg(&fixture("train.jsonl")),
        "--model",
        arg(&model),
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("m.bin") && run.stderr.contains("tarjama ner train"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_seed_build_has_model_names_behind_rules_and_glossary() {
    let rows = jsonl(&seed_latest().join("entities.jsonl"));
    let model_span = |text: &str, label: &str| {
        rows.iter()
            .find(|e| e["text"] == text && e["label"] == label && e["origin"] == "model")
            .unwrap_or_else(|| panic!("no model {label} entity {text:?}"))
    };
    for (text, label) in [
        ("سيرغي شويغو", "PER"),
        ("إيمانويل ماكرون", "PER"),
        ("شارل ميشيل", "PER"),
        ("لوموند", "ORG"),
        ("جبل كيليسالي", "LOC"),
        ("أفغانستان", "LOC"),
    ] {
        let e = model_span(text, label);
        let score = e["score"].as_f64().unwrap();
        assert!(score > 0.0 && score <= 1.0, "{e}");
    }
    // Model spans never overlap a glossary or rule span of the same sentence.
    for m in rows.iter().filter(|e| e["origin"] == "model") {
        for other in rows
            .iter()
            .filter(|e| e["origin"] != "model" && e["sentence_id"] == m["sentence_id"])
        {
            assert!(
                m["end"].as_i64() <= other["start"].as_i64()
                    || other["end"].as_i64() <= m["start"].as_i64(),
                "{m} overlaps {other}"
            );
        }
    }
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(seed_latest().join("manifest.json")).unwrap(),
    )
    .unwrap();
    let model_sha = manifest["tool"]["ner_model"].as_str().unwrap();
    let model_bytes = std::fs::read(repo().join("models/ner-ar.bin")).unwrap();
    let expected = tarjama::pipeline::sha256_hex(&model_bytes);
    assert_eq!(model_sha, expected);
}

#[test]
fn with_the_model_off_a_build_has_no_model_spans_and_names_no_model() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("seed");
    let config = dataset.join("dataset.toml");
    let settings = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, settings.replace("model = true", "model = false")).unwrap();
    let run = tarjama(&["build", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let version = dataset.join("versions/v0001");
    let rows = jsonl(&version.join("entities.jsonl"));
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|e| e["origin"] != "model"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(version.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["settings"]["entities"]["model"], false);
    assert!(
        manifest["tool"].get("ner_model").is_none(),
        "{}",
        manifest["tool"]
    );
}

#[test]
fn a_corpus_record_without_text_is_refused_naming_the_line() {
    let dir = TestDir::new();
    let out = dir.path().join("m.bin");
    let corpus = fixture("corpus_record_without_text.jsonl");
    let run = tarjama(&[
        "ner",
        "train",
        arg(&fixture("train.jsonl")),
        "--corpus",
        arg(&corpus),
        "-o",
        arg(&out),
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("corpus_record_without_text.jsonl:2")
            && run.stderr.contains("\"text\""),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}
