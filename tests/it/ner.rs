//! `tarjama ner train|tag|eval` and the model's spans in a build.

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
