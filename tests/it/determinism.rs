//! The output never depends on the number of threads.

use std::io::Write;

use crate::util::*;

/// Writes `n` articles made from the seed articles as `raw/slice.jsonl`:
/// enough documents for several batches, with no data from outside the repository.
fn corpus_slice(dataset: &std::path::Path, n: usize) {
    let mut seeds: Vec<String> = std::fs::read_dir(seed_dataset().join("raw"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    std::fs::create_dir_all(dataset.join("raw")).unwrap();
    std::fs::write(dataset.join("dataset.toml"), "name = \"slice\"\n").unwrap();
    let mut out = std::fs::File::create(dataset.join("raw/slice.jsonl")).unwrap();
    for i in 0..n {
        let text = format!("{}\n\nخبر رقم {i}.", seeds[i % seeds.len()]);
        let record = serde_json::json!({"id": format!("doc-{i:05}"), "text": text});
        writeln!(out, "{record}").unwrap();
    }
}

fn fingerprint_with_jobs(jobs: &str) -> (String, Vec<u8>) {
    let dir = TestDir::new();
    let dataset = dir.path().join("slice");
    corpus_slice(&dataset, 1200);
    let run = tarjama(&["build", "--quiet", "--jobs", jobs, arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dataset.join("versions/v0001/manifest.json")).unwrap(),
    )
    .unwrap();
    let sentences = std::fs::read(dataset.join("versions/v0001/sentences.parquet")).unwrap();
    (
        manifest["fingerprint"].as_str().unwrap().to_string(),
        sentences,
    )
}

#[test]
fn one_thread_and_several_threads_give_the_same_fingerprint() {
    // 1,200 articles are five batches, so batches and threads really interleave.
    let (one, one_bytes) = fingerprint_with_jobs("1");
    let (three, three_bytes) = fingerprint_with_jobs("3");
    assert_eq!(one, three);
    assert!(one_bytes == three_bytes);
}
