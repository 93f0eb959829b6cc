//! A build killed at any point leaves no new version visible and the older
//! versions valid; the next build completes.

use crate::util::*;

fn visible_entries(dataset: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dataset.join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

fn killed_build_leaves_nothing_visible(fault: &str) {
    let dir = TestDir::new();
    let dataset = dir.seed_with_v0001("seed");
    edit_article(&dataset, "000_97094da2f4076d17.txt", "مناقشة", "تعليقات");

    let killed = tarjama_env(&["build", arg(&dataset)], &[("TARJAMA_FAULT", fault)]);
    assert_ne!(
        killed.code,
        Some(0),
        "the fault at {fault} did not stop the build"
    );
    assert_eq!(visible_entries(&dataset), ["v0001"]);
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(0), "{report}");

    let resumed = tarjama(&["build", arg(&dataset)]);
    assert!(
        resumed.stdout.contains("published v0002"),
        "{}{}",
        resumed.stdout,
        resumed.stderr
    );
    assert_eq!(visible_entries(&dataset), ["v0001", "v0002"]);
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(0), "{report}");
}

#[test]
fn killed_while_writing_tables() {
    killed_build_leaves_nothing_visible("after-document");
}

#[test]
fn killed_just_before_the_rename() {
    killed_build_leaves_nothing_visible("before-rename");
}
