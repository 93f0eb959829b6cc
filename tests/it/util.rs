//! A temporary folder holding a copy of the seed dataset, and a runner for
//! the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The data files of every version, in the order build writes them.
pub const DATA_FILES: [&str; 8] = [
    "documents.parquet",
    "documents.jsonl",
    "sentences.parquet",
    "sentences.jsonl",
    "entities.parquet",
    "entities.jsonl",
    "translations.parquet",
    "translations.jsonl",
];

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The committed seed dataset.
pub fn seed_dataset() -> PathBuf {
    repo().join("datasets/seed-news")
}

/// The committed seed dataset's latest version.
pub fn seed_latest() -> PathBuf {
    let versions = seed_dataset().join("versions");
    let latest = std::fs::read_dir(&versions)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('v'))
        .max()
        .expect("a committed version");
    versions.join(latest)
}

/// The committed seed dataset's first version.
pub fn seed_v0001() -> PathBuf {
    seed_dataset().join("versions/v0001")
}

/// A temporary working folder, removed when dropped.
///
/// Hand-made rather than from the `tempfile` crate: that dev-dependency
/// changes the features of crates the library shares with it, which makes
/// `cargo test --release` compile the whole Arrow stack a second time.
pub struct TestDir {
    dir: PathBuf,
}

impl TestDir {
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("tarjama-it-{}-{n}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        TestDir { dir }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A dataset folder `name` holding the seed dataset's settings, glossary
    /// and raw articles, with no versions.
    pub fn seed_copy(&self, name: &str) -> PathBuf {
        let dataset = self.path().join(name);
        copy_dir(&seed_dataset().join("raw"), &dataset.join("raw"));
        for file in ["dataset.toml", "glossary.tsv"] {
            std::fs::copy(seed_dataset().join(file), dataset.join(file)).unwrap();
        }
        dataset
    }

    /// [`TestDir::seed_copy`] with a version v0001 built by this binary.
    pub fn seed_built(&self, name: &str) -> PathBuf {
        let dataset = self.seed_copy(name);
        build_quietly(&dataset);
        dataset
    }

    /// A dataset folder `name` with default settings and an empty raw/.
    pub fn empty_dataset(&self, name: &str) -> PathBuf {
        let dataset = self.path().join(name);
        std::fs::create_dir_all(dataset.join("raw")).unwrap();
        std::fs::write(dataset.join("dataset.toml"), format!("name = \"{name}\"\n")).unwrap();
        dataset
    }

    /// A dataset folder `name` holding the settings, raw articles and the
    /// committed version v0001 of the seed dataset.
    pub fn seed_with_v0001(&self, name: &str) -> PathBuf {
        let dataset = self.seed_copy(name);
        copy_dir(&seed_v0001(), &dataset.join("versions/v0001"));
        dataset
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The result of one run of the binary.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// Runs `tarjama ARGS` with extra environment variables.
pub fn tarjama_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tarjama"));
    command
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("TARJAMA_FAULT");
    for (key, value) in env {
        command.env(key, value);
    }
    Run::from(command.output().expect("the tarjama binary runs"))
}

/// Runs `tarjama ARGS`.
pub fn tarjama(args: &[&str]) -> Run {
    tarjama_env(args, &[])
}

/// Runs `tarjama build --quiet DATASET`, which must succeed.
pub fn build_quietly(dataset: &Path) {
    let run = tarjama(&["build", "--quiet", arg(dataset)]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
}

/// Replaces `from` with `to` in the raw article `name` of a dataset, so
/// that the next build has new data.
pub fn edit_article(dataset: &Path, name: &str, from: &str, to: &str) {
    let article = dataset.join("raw").join(name);
    let text = std::fs::read_to_string(&article).unwrap();
    assert!(text.contains(from), "{name} lacks {from:?}");
    std::fs::write(&article, text.replace(from, to)).unwrap();
}

/// Runs `tarjama COMMAND... DATASET --format FORMAT -o OUTPUT EXTRA...`,
/// the shape of `slots export` and `export parallel`.
fn export_to(command: &[&str], dataset: &Path, format: &str, output: &Path, extra: &[&str]) -> Run {
    let mut args = command.to_vec();
    args.extend([arg(dataset), "--format", format, "-o", arg(output)]);
    args.extend(extra);
    tarjama(&args)
}

/// Runs `tarjama slots export`.
pub fn slots_export(dataset: &Path, format: &str, output: &Path, extra: &[&str]) -> Run {
    export_to(&["slots", "export"], dataset, format, output, extra)
}

/// Runs `tarjama export parallel`.
pub fn export_parallel(dataset: &Path, format: &str, output: &Path, extra: &[&str]) -> Run {
    export_to(&["export", "parallel"], dataset, format, output, extra)
}

/// `path` as a `&str` argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

/// The parsed JSON report of `tarjama validate --format json PATH`, and the exit code.
pub fn validate_json(path: &Path) -> (Option<i32>, serde_json::Value) {
    let run = tarjama(&["validate", "--format", "json", arg(path)]);
    let report = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "validate printed no JSON ({e}): {}{}",
            run.stdout, run.stderr
        )
    });
    (run.code, report)
}

/// The (rule, file name) pairs of a JSON report's findings.
pub fn findings(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            let file = Path::new(f["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (f["rule"].as_str().unwrap().to_string(), file)
        })
        .collect()
}

/// Asserts that the dataset still has no version after v0001: the run
/// described by `context` published nothing.
pub fn assert_nothing_published(dataset: &Path, context: &str) {
    assert!(
        !dataset.join("versions/v0002").exists(),
        "{context}: a version was published"
    );
}
