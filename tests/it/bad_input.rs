//! Bad input: a clear error naming the path, exit code 2, never a panic.

use crate::util::*;

fn assert_clear_error(run: &Run, must_name: &str) {
    assert_eq!(
        run.code,
        Some(2),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains(must_name),
        "the error does not name {must_name:?}: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_folder_without_dataset_toml() {
    let dir = TestDir::new();
    let run = tarjama(&["build", arg(dir.path())]);
    assert_clear_error(&run, "dataset.toml");
    assert!(run.stderr.contains("tarjama init"), "{}", run.stderr);
}

#[test]
fn a_missing_raw_folder() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("seed");
    std::fs::remove_dir_all(dataset.join("raw")).unwrap();
    assert_clear_error(&tarjama(&["build", arg(&dataset)]), "seed/raw");
}

#[test]
fn a_raw_folder_that_is_not_a_folder() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("seed");
    std::fs::remove_dir_all(dataset.join("raw")).unwrap();
    std::fs::write(dataset.join("raw"), "not a folder").unwrap();
    assert_clear_error(&tarjama(&["build", arg(&dataset)]), "seed/raw");
}

#[test]
fn an_output_folder_that_cannot_be_written() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("seed");
    // A file where the versions folder should be: unwritable even for root.
    std::fs::write(dataset.join("versions"), "").unwrap();
    let run = tarjama(&["build", arg(&dataset)]);
    assert_clear_error(&run, "seed/versions");
    assert!(run.stderr.contains("cannot write"), "{}", run.stderr);
}

#[test]
fn a_settings_file_with_an_unknown_key() {
    let dir = TestDir::new();
    let dataset = dir.seed_copy("seed");
    std::fs::write(
        dataset.join("dataset.toml"),
        "name = \"x\"\n[segment]\nsplit_hard = true\n",
    )
    .unwrap();
    let run = tarjama(&["build", arg(&dataset)]);
    assert_clear_error(&run, "dataset.toml");
    assert!(run.stderr.contains("split_hard"), "{}", run.stderr);
}

#[test]
fn validate_of_a_path_that_is_no_dataset() {
    let dir = TestDir::new();
    assert_clear_error(
        &tarjama(&["validate", arg(dir.path())]),
        "neither a version folder",
    );
    let missing = dir.path().join("nowhere");
    assert_clear_error(&tarjama(&["validate", arg(&missing)]), "nowhere");
}

#[test]
fn an_import_of_a_folder_a_missing_file_or_a_device() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    for command in ["slots", "entities"] {
        let import = |file: &str| tarjama(&[command, "import", arg(&dataset), file]);
        let run = import(arg(dir.path()));
        assert_clear_error(&run, "a folder, not a file");
        let missing = dir.path().join("batch.xlf");
        assert_clear_error(&import(arg(&missing)), "batch.xlf: no such file to import");
        #[cfg(unix)]
        assert_clear_error(&import("/dev/null"), "/dev/null: not a regular file");
    }
    assert_nothing_published(&dataset, "imports of what is not a file");
}

#[test]
fn an_output_that_names_a_folder_is_refused_and_a_failed_run_leaves_no_file() {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let with_slash = format!("{}/", out.display());
    for args in [
        vec![
            "export",
            "parallel",
            arg(&dataset),
            "--format",
            "moses",
            "-o",
            &with_slash,
        ],
        vec![
            "export",
            "parallel",
            arg(&dataset),
            "--format",
            "jsonl",
            "-o",
            arg(&out),
        ],
        vec![
            "slots",
            "export",
            arg(&dataset),
            "--format",
            "csv",
            "-o",
            arg(&out),
        ],
    ] {
        assert_clear_error(&tarjama(&args), "a folder; -o names");
    }
    let records = dir.path().join("records.jsonl");
    std::fs::write(&records, "{\"id\": \"a\", \"text\": \"نص.\"}\nnot json\n").unwrap();
    let split = out.join("split.jsonl");
    assert_clear_error(
        &tarjama(&["segment", arg(&records), "-o", arg(&split)]),
        "records.jsonl:2",
    );
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".partial"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}
