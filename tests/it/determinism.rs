//! The output never depends on the number of threads.

use std::io::{BufRead, BufReader, Write};

use crate::util::*;

/// Writes the first `n` articles of the shared corpus as `raw/slice.jsonl`.
fn corpus_slice(dataset: &std::path::Path, n: usize) {
    let corpus = repo().join("../shared/corpus/saudinewsnet.jsonl.gz");
    let reader = BufReader::new(flate2::read::MultiGzDecoder::new(
        std::fs::File::open(&corpus).expect("../shared/corpus is beside the checkout"),
    ));
    std::fs::create_dir_all(dataset.join("raw")).unwrap();
    std::fs::write(dataset.join("dataset.toml"), "name = \"slice\"\n").unwrap();
    let mut out = std::fs::File::create(dataset.join("raw/slice.jsonl")).unwrap();
    for line in reader.lines().take(n) {
        writeln!(out, "{}", line.unwrap()).unwrap();
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
