//! Training splits on a built dataset: documents sharing content stay
//! together, a rebuild keeps splits, and validate finds no leak.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::util::*;

const WIRE: &str =
    "وقالت الوكالة إن الاجتماع الوزاري سيعقد في العاصمة الأسبوع المقبل لبحث الملفات الإقليمية.";

/// Sixty articles: 10, 25 and 47 carry the same wire sentence, 55 repeats
/// 12 word for word, and 3 and 4 share only a short formula.
fn articles() -> Vec<(String, String)> {
    (0..60)
        .map(|i| {
            let mut text = format!(
                "خبر رقم {i} عن حدث مختلف في المدينة\nوأوضح المسؤول في بيانه رقم {i} أن العمل مستمر في المشروع."
            );
            if [10, 25, 47].contains(&i) {
                text.push('\n');
                text.push_str(WIRE);
            }
            if [3, 4].contains(&i) {
                text.push_str("\nألف مبروك.");
            }
            if i == 55 {
                text = text.replace("رقم 55", "رقم 12");
            }
            (format!("doc-{i:03}"), text)
        })
        .collect()
}

fn write_dataset(dataset: &Path, articles: &[(String, String)]) {
    std::fs::create_dir_all(dataset.join("raw")).unwrap();
    std::fs::write(dataset.join("dataset.toml"), "name = \"splits\"\n").unwrap();
    let mut out = std::fs::File::create(dataset.join("raw/articles.jsonl")).unwrap();
    for (id, text) in articles {
        writeln!(out, "{}", serde_json::json!({"id": id, "text": text})).unwrap();
    }
}

/// doc_id → (split, split_group) of a version's documents.
fn splits(version: &Path) -> BTreeMap<String, (String, String)> {
    std::fs::read_to_string(version.join("documents.jsonl"))
        .unwrap()
        .lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let field = |k: &str| row[k].as_str().unwrap().to_string();
            (field("doc_id"), (field("split"), field("split_group")))
        })
        .collect()
}

#[test]
fn documents_sharing_content_share_a_split_and_a_rebuild_keeps_splits() {
    let dir = TestDir::new();
    let dataset = dir.path().join("splits");
    let mut articles = articles();
    write_dataset(&dataset, &articles);
    build_quietly(&dataset);
    let v1 = splits(&dataset.join("versions/v0001"));
    for id in ["doc-010", "doc-025", "doc-047"] {
        assert_eq!(v1[id].1, "doc-010", "{id} is in the wire story's group");
        assert_eq!(v1[id].0, v1["doc-010"].0);
    }
    assert_eq!(
        v1["doc-055"], v1["doc-012"],
        "a verbatim copy joins its original"
    );
    assert_eq!(v1["doc-055"].1, "doc-012");
    assert_eq!(v1["doc-003"].1, "doc-003", "a shared formula links nothing");
    assert_eq!(v1["doc-004"].1, "doc-004");
    let names: std::collections::BTreeSet<&str> = v1.values().map(|(s, _)| s.as_str()).collect();
    assert_eq!(names, ["test", "train", "validation"].into());

    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dataset.join("versions/v0001/manifest.json")).unwrap(),
    )
    .unwrap();
    let audit = &manifest["audit"]["splits"];
    assert_eq!(audit["shared_groups"], 2);
    assert_eq!(audit["shared_group_documents"], 5);
    assert_eq!(audit["groups"], 57);
    let documents: u64 = ["train", "validation", "test"]
        .iter()
        .map(|s| audit["documents"][s].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(documents, 60);
    let run = tarjama(&["validate", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);

    // A new unrelated article: every other document keeps its split.
    articles.push((
        "doc-060".into(),
        "خبر جديد تماما عن موضوع آخر لا صلة له بما سبق".into(),
    ));
    write_dataset(&dataset, &articles);
    build_quietly(&dataset);
    let v2 = splits(&dataset.join("versions/v0002"));
    for (id, place) in &v1 {
        assert_eq!(&v2[id], place, "{id} moved");
    }

    // A new article that carries the wire sentence and sorts first: only
    // the wire story's group changes (its key is now the new article).
    articles.push(("doc-009w".into(), format!("نقلا عن الوكالة\n{WIRE}")));
    write_dataset(&dataset, &articles);
    build_quietly(&dataset);
    let v3 = splits(&dataset.join("versions/v0003"));
    for id in ["doc-009w", "doc-010", "doc-025", "doc-047"] {
        assert_eq!(v3[id].1, "doc-009w");
        assert_eq!(v3[id].0, v3["doc-009w"].0);
    }
    for (id, place) in v2.iter().filter(|(_, (_, group))| group != "doc-010") {
        assert_eq!(&v3[id], place, "{id} moved though its group did not change");
    }
    let run = tarjama(&["validate", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
}

#[test]
fn split_ratios_that_do_not_add_up_are_refused_with_the_file_named() {
    let dir = TestDir::new();
    let dataset = dir.path().join("ratios");
    write_dataset(&dataset, &articles());
    std::fs::write(
        dataset.join("dataset.toml"),
        "name = \"ratios\"\n[splits]\ntrain = 0.7\nvalidation = 0.1\ntest = 0.1\n",
    )
    .unwrap();
    let run = tarjama(&["build", arg(&dataset)]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("dataset.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("must be 1"), "{}", run.stderr);
}

/// The (sentence id, split) pairs of a parallel JSONL export with `extra`
/// options.
fn parallel_splits(dataset: &Path, output: &Path, extra: &[&str]) -> Vec<(String, String)> {
    let run = export_parallel(dataset, "jsonl", output, extra);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    std::fs::read_to_string(output)
        .unwrap()
        .lines()
        .map(|line| {
            let pair: serde_json::Value = serde_json::from_str(line).unwrap();
            let field = |k: &str| pair[k].as_str().unwrap().to_string();
            (field("sentence_id"), field("split"))
        })
        .collect()
}

#[test]
fn parallel_pairs_carry_their_split_and_export_by_split() {
    let dir = TestDir::new();
    let dataset = dir.path().join("splits");
    write_dataset(&dataset, &articles());
    build_quietly(&dataset);
    let documents = splits(&dataset.join("versions/v0001"));

    // Every slot is translated.
    let units = dir.path().join("units.jsonl");
    let run = slots_export(&dataset, "jsonl", &units, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let filled: String = std::fs::read_to_string(&units)
        .unwrap()
        .lines()
        .map(|line| {
            let mut unit: serde_json::Value = serde_json::from_str(line).unwrap();
            unit["target"] = format!("English of {}", unit["sentence_id"]).into();
            format!("{unit}\n")
        })
        .collect();
    std::fs::write(&units, filled).unwrap();
    let run = tarjama(&[
        "slots",
        "import",
        arg(&dataset),
        arg(&units),
        "--translator",
        "t",
    ]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);

    let all = parallel_splits(&dataset, &dir.path().join("all.jsonl"), &[]);
    assert!(all.len() > 60, "{} pairs", all.len());
    for (sentence_id, split) in &all {
        let doc_id = sentence_id.split('#').next().unwrap();
        assert_eq!(split, &documents[doc_id].0, "{sentence_id}");
    }
    let mut by_split = Vec::new();
    for name in ["train", "validation", "test"] {
        let one = parallel_splits(&dataset, &dir.path().join("one.jsonl"), &["--split", name]);
        let expected: Vec<_> = all.iter().filter(|(_, s)| s == name).cloned().collect();
        assert!(!expected.is_empty(), "no {name} pairs");
        assert_eq!(one, expected, "--split {name}");
        by_split.push(one);
    }
    let held_out = parallel_splits(
        &dataset,
        &dir.path().join("held-out.jsonl"),
        &["--split", "validation,test"],
    );
    let mut expected = [by_split[1].clone(), by_split[2].clone()].concat();
    expected.sort();
    assert_eq!(held_out, expected);

    let tmx = dir.path().join("test.tmx");
    let run = export_parallel(&dataset, "tmx", &tmx, &["--split", "test"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("split test"), "{}", run.stdout);
    let tmx = std::fs::read_to_string(&tmx).unwrap();
    assert_eq!(tmx.matches("<tu ").count(), by_split[2].len());
    assert_eq!(
        tmx.matches("<prop type=\"x-split\">test</prop>").count(),
        by_split[2].len()
    );

    let run = export_parallel(
        &dataset,
        "jsonl",
        &dir.path().join("dev.jsonl"),
        &["--split", "dev"],
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("use train, validation or test"),
        "{}",
        run.stderr
    );
}
