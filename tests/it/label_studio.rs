//! Entity review through Label Studio: export tasks, edit them as a
//! reviewer would, import, validate; a wrong `value.text` is rejected with
//! its reason and imports once fixed.

use std::path::Path;

use serde_json::{json, Value};

use crate::util::*;

const HEADLINE: &str = "000_97094da2f4076d17#000000";
/// A body sentence whose task gets a span with the wrong text.
const BODY: &str = "002_16547596d5c87a81#000010";

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The tasks `entities export --format label-studio` writes for the dataset.
fn exported_tasks(dir: &TestDir, dataset: &Path) -> Value {
    let tasks_path = dir.path().join("tasks.json");
    let run = tarjama(&[
        "entities",
        "export",
        arg(dataset),
        "--format",
        "label-studio",
        "-o",
        arg(&tasks_path),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    read_json(&tasks_path)
}

/// The `--json` summary of `entities import`, which must exit 1: some
/// tasks rejected, the others published.
fn import_with_rejects(dataset: &Path, export: &Path) -> Value {
    let run = tarjama(&["entities", "import", arg(dataset), arg(export), "--json"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn entities_of(version: &Path, sentence_id: &str) -> Vec<Value> {
    std::fs::read_to_string(version.join("entities.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["sentence_id"] == sentence_id)
        .collect()
}

/// `text[start:end]` in code points.
fn slice(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

/// A reviewer's annotation: the predictions as given, edited by `edit`.
fn annotate(task: &Value, edit: impl FnOnce(&mut Vec<Value>)) -> Value {
    let mut result: Vec<Value> = task["predictions"][0]["result"].as_array().unwrap().clone();
    edit(&mut result);
    let mut task = task.clone();
    task["annotations"] = json!([{"id": 1, "result": result, "was_cancelled": false}]);
    task
}

fn region(start: usize, end: usize, text: &str, label: &str) -> Value {
    json!({"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
           "value": {"start": start, "end": end, "text": text, "labels": [label]}})
}

#[test]
fn a_review_round_trip_publishes_human_entities_and_rejects_a_wrong_span_with_its_reason() {
    let dir = TestDir::new();
    let dataset = dir.seed_built("seed");
    let tasks = exported_tasks(&dir, &dataset);
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 63, "one task per title or body sentence");
    let mut model_spans = 0;
    for task in tasks {
        let text = task["data"]["text"].as_str().unwrap();
        let prediction = &task["predictions"][0];
        assert!(prediction["model_version"]
            .as_str()
            .unwrap()
            .starts_with("tarjama "));
        for r in prediction["result"].as_array().unwrap() {
            let v = &r["value"];
            let (start, end) = (v["start"].as_u64().unwrap(), v["end"].as_u64().unwrap());
            assert_eq!(slice(text, start, end), v["text"].as_str().unwrap());
            model_spans += usize::from(r.get("score").is_some());
        }
    }
    assert!(model_spans > 0, "model spans carry their score");

    let task = |id: &str| {
        tasks
            .iter()
            .find(|t| t["data"]["sentence_id"] == id)
            .unwrap()
    };
    let headline = task(HEADLINE);
    let text = headline["data"]["text"].as_str().unwrap();
    assert!(text.starts_with("الكرملين: باشينيان"), "{text}");
    // The reviewer drops the Kremlin, keeps Pashinyan and marks the province.
    let province = text.chars().count() - "سيونيك".chars().count();
    let reviewed_headline = annotate(headline, |result| {
        result.retain(|r| r["value"]["text"] != "الكرملين");
        result.push(region(province, province + 6, "سيونيك", "LOC"));
    });
    let reviewed_body = annotate(task(BODY), |result| {
        result.push(region(0, 3, "Armenia", "LOC"));
    });
    let export_path = dir.path().join("export.json");
    // With a byte order mark, as a Windows editor saves the file.
    let export = json!([reviewed_headline, reviewed_body]);
    std::fs::write(&export_path, format!("\u{feff}{export}")).unwrap();

    let summary = import_with_rejects(&dataset, &export_path);
    assert_eq!(summary["accepted"], 1);
    assert_eq!(summary["rejected"]["text-mismatch"], 1);
    assert_eq!(summary["version"], "v0002");
    let rejects_path = dir.path().join("export.json.rejects.json");
    let rejects = read_json(&rejects_path);
    let reason = &rejects[0]["tarjama_rejects"][0];
    assert_eq!(reason["code"], "text-mismatch");
    assert!(
        reason["reason"].as_str().unwrap().contains("\"Armenia\""),
        "{reason}"
    );

    let v2 = dataset.join("versions/v0002");
    let headline_entities = entities_of(&v2, HEADLINE);
    let texts: Vec<&str> = headline_entities
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(!texts.contains(&"الكرملين"), "{texts:?}");
    assert!(texts.contains(&"سيونيك"), "{texts:?}");
    assert!(headline_entities.iter().all(|e| e["origin"] == "human"));
    let pashinyan = headline_entities
        .iter()
        .find(|e| e["text"] == "باشينيان")
        .unwrap();
    assert_eq!(
        pashinyan["en"], "Nikol Pashinyan",
        "the glossary names reviewed spans too"
    );
    assert_eq!(
        entities_of(&v2, BODY),
        entities_of(&dataset.join("versions/v0001"), BODY),
        "a rejected task leaves its sentence's entities as they were"
    );
    let run = tarjama(&["validate", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);

    // The reviewer fixes the offsets in the rejects file and imports it.
    let mut fixed = rejects.clone();
    let body_text = fixed[0]["data"]["text"].as_str().unwrap().to_string();
    let result = fixed[0]["annotations"][0]["result"].as_array_mut().unwrap();
    let last = result.last_mut().unwrap();
    let armenia = body_text.chars().collect::<Vec<_>>();
    let start = (0..armenia.len())
        .find(|&i| {
            armenia[i..]
                .iter()
                .collect::<String>()
                .starts_with("أرمينيا")
        })
        .unwrap();
    last["value"] = json!({"start": start, "end": start + 7, "text": "أرمينيا", "labels": ["LOC"]});
    std::fs::write(&rejects_path, fixed.to_string()).unwrap();
    let run = tarjama(&["entities", "import", arg(&dataset), arg(&rejects_path)]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("published v0003"), "{}", run.stdout);
    assert!(!dir
        .path()
        .join("export.json.rejects.json.rejects.json")
        .exists());
    let body = entities_of(&dataset.join("versions/v0003"), BODY);
    assert!(body
        .iter()
        .any(|e| e["text"] == "أرمينيا" && e["origin"] == "human"));
    let run = tarjama(&["validate", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
}

#[test]
fn a_json_min_or_csv_export_is_refused_whole_with_the_export_to_choose() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    // JSON-MIN: the task's data at the top, the regions under the label's name.
    let json_min = dir.path().join("min.json");
    let record = json!([{"id": 1, "sentence_id": HEADLINE, "text": "الكرملين",
        "label": [{"start": 0, "end": 8, "text": "الكرملين", "labels": ["ORG"]}],
        "annotator": "amal@example.org", "annotation_id": 7}]);
    std::fs::write(&json_min, record.to_string()).unwrap();
    let csv = dir.path().join("export.csv");
    std::fs::write(&csv, "id,sentence_id,label\n1,x,[]\n").unwrap();
    for (file, what) in [(&json_min, "JSON-MIN export"), (&csv, "not valid JSON")] {
        let run = tarjama(&["entities", "import", arg(&dataset), arg(file)]);
        assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(what), "{}", run.stderr);
        assert!(run.stderr.contains("as JSON"), "{}", run.stderr);
    }
    assert_nothing_published(&dataset, "a refused import");
}

#[test]
fn a_cut_off_export_imports_nothing_and_leaves_no_rejects_file() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let tasks = exported_tasks(&dir, &dataset);
    let mut tasks = tasks.as_array().unwrap().clone();
    // The first task is rejected (its sentence is unknown), the others
    // accepted, before the parse reaches where the download stopped.
    tasks[0]["data"]["sentence_id"] = json!("gone#000000");
    for task in tasks.iter_mut() {
        *task = annotate(task, |_| {});
    }
    let whole = serde_json::to_string_pretty(&tasks).unwrap();
    let cut = &whole[..whole.len() * 9 / 10];
    let export_path = dir.path().join("export.json");
    std::fs::write(&export_path, cut).unwrap();
    let run = tarjama(&["entities", "import", arg(&dataset), arg(&export_path)]);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("not valid JSON at line"),
        "{}",
        run.stderr
    );
    assert_nothing_published(&dataset, "a refused import");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("export.json."))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // An object is not an export, whatever it holds.
    std::fs::write(&export_path, json!({"tasks": tasks}).to_string()).unwrap();
    let run = tarjama(&["entities", "import", arg(&dataset), arg(&export_path)]);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("expected an array of tasks"),
        "{}",
        run.stderr
    );

    // Whole, it imports: the unknown sentence rejected, the rest accepted.
    std::fs::write(&export_path, &whole).unwrap();
    let summary = import_with_rejects(&dataset, &export_path);
    assert_eq!(summary["rejected"]["unknown-id"], 1, "{summary}");
    assert_eq!(summary["accepted"], tasks.len() - 1, "{summary}");
    let rejects = read_json(&dir.path().join("export.json.rejects.json"));
    assert_eq!(rejects.as_array().unwrap().len(), 1);
    assert_eq!(rejects[0]["data"]["sentence_id"], "gone#000000");
}
