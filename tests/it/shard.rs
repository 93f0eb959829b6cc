//! Sharded builds: N shard results merged give exactly the single build's
//! version, a killed shard is rerun alone, and a merge refuses missing or
//! tampered shards with their names.
//!
//! The articles are the first 2,000 of the SaudiNewsNet corpus when
//! `TARJAMA_CORPUS` names it (`make test` does when `../shared` is there;
//! the corpus's licence keeps it out of the repository), else 2,000
//! articles made from the seed articles.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::util::*;

const ARTICLES: usize = 2000;

/// Writes the articles and a dataset.toml that cuts tables into files of
/// 3,000 rows, so that the large tables are several files.
fn write_slice(dataset: &Path) {
    std::fs::create_dir_all(dataset.join("raw")).unwrap();
    std::fs::write(
        dataset.join("dataset.toml"),
        "name = \"slice\"\n[output]\nrows_per_file = 3000\n",
    )
    .unwrap();
    let mut out = std::fs::File::create(dataset.join("raw/slice.jsonl")).unwrap();
    match std::env::var_os("TARJAMA_CORPUS").filter(|c| !c.is_empty()) {
        Some(corpus) => {
            let file = std::fs::File::open(&corpus)
                .unwrap_or_else(|e| panic!("TARJAMA_CORPUS={corpus:?}: {e}"));
            let lines = std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines();
            for line in lines.take(ARTICLES) {
                writeln!(out, "{}", line.unwrap()).unwrap();
            }
        }
        None => {
            let mut seeds: Vec<String> = std::fs::read_dir(seed_dataset().join("raw"))
                .unwrap()
                .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect();
            seeds.sort();
            for i in 0..ARTICLES {
                let text = format!("{}\n\nخبر رقم {i} من المراسل.", seeds[i % seeds.len()]);
                let record = serde_json::json!({"id": format!("doc-{i:05}"), "text": text});
                writeln!(out, "{record}").unwrap();
            }
        }
    }
}

fn run_ok(args: &[&str]) {
    let run = tarjama(args);
    assert_eq!(run.code, Some(0), "{args:?}: {}{}", run.stdout, run.stderr);
}

/// Builds one shard of the dataset into the staging folder.
fn build_shard(dataset: &Path, shard: &str, staging: &Path) {
    run_ok(&[
        "build",
        "--quiet",
        arg(dataset),
        "--shard",
        shard,
        "--staging",
        arg(staging),
    ]);
}

fn manifest_bytes(dataset: &Path) -> Vec<u8> {
    std::fs::read(dataset.join("versions/v0001/manifest.json")).unwrap()
}

/// Builds the slice as N shards into `staging` and merges them.
fn sharded(dir: &TestDir, name: &str, n: u32) -> (PathBuf, PathBuf) {
    let dataset = dir.path().join(name);
    write_slice(&dataset);
    let staging = dir.path().join(format!("{name}-staging"));
    for k in 0..n {
        build_shard(&dataset, &format!("{k}/{n}"), &staging);
    }
    run_ok(&["build", "--quiet", arg(&dataset), "--merge", arg(&staging)]);
    (dataset, staging)
}

#[test]
fn merged_shards_equal_a_single_build_for_1_3_and_8_shards() {
    let dir = TestDir::new();
    let single = dir.path().join("single");
    write_slice(&single);
    run_ok(&["build", "--quiet", arg(&single)]);
    let expected = manifest_bytes(&single);
    let manifest: serde_json::Value = serde_json::from_slice(&expected).unwrap();
    // The merge's whole-corpus steps ran: the documents are grouped into splits.
    assert!(manifest["audit"]["splits"]["groups"].as_u64().unwrap() > 1);
    let files: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().any(|f| f.starts_with("sentences-00000-of-")),
        "a large table is cut into files: {files:?}"
    );
    assert!(
        files.contains(&"documents.parquet"),
        "a small table keeps one file: {files:?}"
    );
    for n in [1, 3, 8] {
        let (merged, _) = sharded(&dir, &format!("shards-{n}"), n);
        // Same rows in the same files: the manifests, hashes and all, are identical.
        assert!(
            manifest_bytes(&merged) == expected,
            "{n} shards: the manifest differs"
        );
        let run = tarjama(&["validate", arg(&merged)]);
        assert_eq!(run.code, Some(0), "{}", run.stdout);
    }
}

#[test]
fn a_shard_run_twice_gives_the_same_bytes() {
    let dir = TestDir::new();
    let (dataset, staging) = sharded(&dir, "twice", 3);
    let shard = staging.join("shard-1-of-3");
    let before: Vec<(String, Vec<u8>)> = files_of(&shard);
    build_shard(&dataset, "1/3", &staging);
    assert!(
        files_of(&shard) == before,
        "a retried task changed its result"
    );
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_killed_shard_is_named_by_the_merge_and_rerun_alone() {
    let dir = TestDir::new();
    let single = dir.path().join("single");
    write_slice(&single);
    run_ok(&["build", "--quiet", arg(&single)]);

    let dataset = dir.path().join("killed");
    write_slice(&dataset);
    let staging = dir.path().join("killed-staging");
    for k in [0, 2] {
        build_shard(&dataset, &format!("{k}/3"), &staging);
    }
    // Shard 1 dies after its first batch of documents, as a killed task would.
    let killed = tarjama_env(
        &[
            "build",
            "--quiet",
            arg(&dataset),
            "--shard",
            "1/3",
            "--staging",
            arg(&staging),
        ],
        &[("TARJAMA_FAULT", "after-document")],
    );
    assert_ne!(killed.code, Some(0));
    assert!(
        !staging.join("shard-1-of-3").exists(),
        "no half-written result is visible"
    );
    let merge = tarjama(&["build", arg(&dataset), "--merge", arg(&staging)]);
    assert_eq!(merge.code, Some(2));
    assert!(
        merge.stderr.contains("shard(s) 1/3 missing"),
        "{}",
        merge.stderr
    );
    assert!(!dataset.join("versions/v0001").exists());

    build_shard(&dataset, "1/3", &staging);
    run_ok(&["build", "--quiet", arg(&dataset), "--merge", arg(&staging)]);
    assert!(manifest_bytes(&dataset) == manifest_bytes(&single));
}

#[test]
fn a_tampered_shard_result_is_refused_with_its_file_named() {
    let dir = TestDir::new();
    let dataset = dir.path().join("tampered");
    write_slice(&dataset);
    let staging = dir.path().join("tampered-staging");
    for k in 0..2 {
        build_shard(&dataset, &format!("{k}/2"), &staging);
    }
    let documents = staging.join("shard-0-of-2/documents.parquet");
    let mut bytes = std::fs::read(&documents).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&documents, bytes).unwrap();
    let merge = tarjama(&["build", arg(&dataset), "--merge", arg(&staging)]);
    assert_eq!(merge.code, Some(2));
    assert!(
        merge.stderr.contains("shard-0-of-2/documents.parquet"),
        "{}",
        merge.stderr
    );
    assert!(
        merge.stderr.contains("run this shard again"),
        "{}",
        merge.stderr
    );

    // A result of another sharding left in the staging folder is refused too.
    build_shard(&dataset, "0/2", &staging);
    build_shard(&dataset, "2/3", &staging);
    let merge = tarjama(&["build", arg(&dataset), "--merge", arg(&staging)]);
    assert_eq!(merge.code, Some(2));
    assert!(
        merge.stderr.contains("does not belong with"),
        "{}",
        merge.stderr
    );
}
