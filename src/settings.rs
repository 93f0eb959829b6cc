//! `dataset.toml`: a dataset's name, languages, raw folder and stage settings.
//! Unknown keys are errors, so a typo never silently falls back to a default.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, IoContext, Result};

/// File name of a dataset's settings, at the top of the dataset folder.
pub const CONFIG_FILE: &str = "dataset.toml";

/// A dataset's settings as read from `dataset.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "SettingsFile")]
pub struct DatasetConfig {
    pub name: String,
    pub source_language: String,
    pub target_language: String,
    /// The raw articles' folder, relative to the dataset folder.
    pub raw: String,
    /// What the dataset card and the Croissant metadata say about the data.
    pub about: About,
    #[serde(flatten)]
    pub stages: StageSettings,
}

/// `dataset.toml` as written: the stage sections sit beside the top-level
/// keys. Read through this rather than through `#[serde(flatten)]`, which
/// buffers the whole file and so places every type error at line 1.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    name: String,
    #[serde(default = "default_source_language")]
    source_language: String,
    #[serde(default = "default_target_language")]
    target_language: String,
    #[serde(default = "default_raw")]
    raw: String,
    #[serde(default)]
    about: About,
    #[serde(default)]
    ingest: IngestSettings,
    #[serde(default)]
    segment: SegmentSettings,
    #[serde(default)]
    entities: EntitySettings,
    #[serde(default)]
    splits: SplitSettings,
    #[serde(default)]
    output: OutputSettings,
}

impl From<SettingsFile> for DatasetConfig {
    fn from(file: SettingsFile) -> Self {
        DatasetConfig {
            name: file.name,
            source_language: file.source_language,
            target_language: file.target_language,
            raw: file.raw,
            about: file.about,
            stages: StageSettings {
                ingest: file.ingest,
                segment: file.segment,
                entities: file.entities,
                splits: file.splits,
                output: file.output,
            },
        }
    }
}

/// The dataset's description, licence and makers, as its card and its
/// Croissant metadata give them; recorded in every manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct About {
    /// A paragraph on what the articles are and where they come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// An SPDX licence id (`cc-by-4.0`), a licence URL, or `unknown`.
    #[serde(default = "default_license")]
    pub license: String,
    /// The people or organisations who made the dataset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub creators: Vec<String>,
    /// Where the dataset lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// How to cite the dataset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
}

impl Default for About {
    fn default() -> Self {
        About {
            description: None,
            license: default_license(),
            creators: Vec::new(),
            url: None,
            citation: None,
        }
    }
}

fn default_license() -> String {
    "unknown".into()
}

/// The settings that change what the stages produce; recorded in every manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageSettings {
    #[serde(default)]
    pub ingest: IngestSettings,
    #[serde(default)]
    pub segment: SegmentSettings,
    #[serde(default)]
    pub entities: EntitySettings,
    #[serde(default)]
    pub splits: SplitSettings,
    /// Left out of manifests when it is the default, so that versions
    /// written before it existed still describe themselves the same way.
    #[serde(default, skip_serializing_if = "OutputSettings::is_default")]
    pub output: OutputSettings,
}

/// How tables are cut into files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSettings {
    /// A table of more rows is written as several files of this many rows
    /// (the last one fewer), named as the Hugging Face hub names shards:
    /// `sentences-00000-of-00003.parquet`. A smaller table is one file,
    /// `sentences.parquet`. The cut depends only on the rows, so a sharded
    /// build cuts its tables exactly as a single build does.
    #[serde(default = "default_rows_per_file")]
    pub rows_per_file: u64,
}

impl Default for OutputSettings {
    fn default() -> Self {
        OutputSettings {
            rows_per_file: default_rows_per_file(),
        }
    }
}

impl OutputSettings {
    fn is_default(&self) -> bool {
        *self == OutputSettings::default()
    }
}

fn default_rows_per_file() -> u64 {
    1_000_000
}

/// Reading and decoding the raw inputs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestSettings {
    /// Accept UTF-8 files with a few invalid byte sequences, replacing each
    /// by U+FFFD (counted per document). By default such a file is skipped
    /// with the byte offset of the first bad sequence.
    #[serde(default)]
    pub accept_invalid_utf8: bool,
}

/// Sentence splitting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentSettings {
    /// A single line break ends a sentence (headlines, captions and list
    /// lines carry no final punctuation). When false, only a blank line does.
    #[serde(default = "yes")]
    pub line_break_ends_sentence: bool,
}

impl Default for SegmentSettings {
    fn default() -> Self {
        SegmentSettings {
            line_break_ends_sentence: true,
        }
    }
}

/// Entity spans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntitySettings {
    /// Numbers and dates found by rule (labels NUM and DATE).
    #[serde(default = "yes")]
    pub rules: bool,
    /// PER, LOC, ORG and MISC found by the built-in model.
    #[serde(default = "yes")]
    pub model: bool,
    /// A name the model found in one sentence of a document is also tagged
    /// where it missed it in the others (a gain in recall on ner-dev at
    /// some cost in precision; off for spans from sentences alone). Left
    /// out of manifests when on, so that versions written before it
    /// existed still describe themselves the same way.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub repeats: bool,
}

impl Default for EntitySettings {
    fn default() -> Self {
        EntitySettings {
            rules: true,
            model: true,
            repeats: true,
        }
    }
}

/// Training splits: the share of documents in each, and what counts as
/// content shared between documents (see [`crate::split`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitSettings {
    #[serde(default = "default_train")]
    pub train: f64,
    #[serde(default = "default_held_out")]
    pub validation: f64,
    #[serde(default = "default_held_out")]
    pub test: f64,
    /// A title or body sentence of at least this many words, found in two
    /// documents, keeps them in one split. Shorter shared sentences are
    /// formulas ("ألف مبروك.", "// انتهى //", a dateline), not leaked content,
    /// and would chain thousands of unrelated articles together.
    #[serde(default = "default_min_shared_words")]
    pub min_shared_words: u32,
}

impl Default for SplitSettings {
    fn default() -> Self {
        SplitSettings {
            train: default_train(),
            validation: default_held_out(),
            test: default_held_out(),
            min_shared_words: default_min_shared_words(),
        }
    }
}

impl SplitSettings {
    /// Why the ratios cannot be used, if they cannot.
    fn problem(&self) -> Option<String> {
        let ratios = [self.train, self.validation, self.test];
        if ratios.iter().any(|r| !r.is_finite() || *r < 0.0) {
            return Some(format!(
                "[splits] ratios must be numbers from 0 to 1, got train = {}, validation = {}, test = {}",
                self.train, self.validation, self.test
            ));
        }
        let sum: f64 = ratios.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            return Some(format!(
                "[splits] train + validation + test must be 1, got {sum}; for example train = 0.8, validation = 0.1, test = 0.1"
            ));
        }
        None
    }
}

fn default_train() -> f64 {
    0.8
}
fn default_held_out() -> f64 {
    0.1
}
fn default_min_shared_words() -> u32 {
    4
}
fn yes() -> bool {
    true
}
fn is_yes(value: &bool) -> bool {
    *value
}
fn default_source_language() -> String {
    "ar".into()
}
fn default_target_language() -> String {
    "en".into()
}
fn default_raw() -> String {
    "raw".into()
}

impl DatasetConfig {
    /// The settings `tarjama init` writes for a dataset named `name`.
    pub fn new(name: &str) -> Self {
        DatasetConfig {
            name: name.to_string(),
            source_language: default_source_language(),
            target_language: default_target_language(),
            raw: default_raw(),
            about: About::default(),
            stages: StageSettings::default(),
        }
    }

    /// Creates a dataset folder: `dataset.toml` with default settings (named
    /// `name` or after the folder) and an empty raw folder. Refuses to
    /// overwrite an existing `dataset.toml`.
    pub fn init(dataset_dir: &Path, name: Option<&str>) -> Result<Self> {
        let config_path = dataset_dir.join(CONFIG_FILE);
        if config_path.exists() {
            return Err(Error::AlreadyExists { path: config_path });
        }
        let folder_name = dataset_dir
            .canonicalize()
            .ok()
            .or_else(|| Some(dataset_dir.to_path_buf()))
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "dataset".to_string());
        let config = DatasetConfig::new(name.unwrap_or(&folder_name));
        let raw = config.raw_dir(dataset_dir);
        std::fs::create_dir_all(&raw).map_err(|source| Error::NotWritable {
            path: raw.clone(),
            source,
        })?;
        config.save(dataset_dir)?;
        Ok(config)
    }

    /// Reads `DIR/dataset.toml`.
    pub fn load(dataset_dir: &Path) -> Result<Self> {
        let path = dataset_dir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::MissingConfig { path })
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        let config: DatasetConfig = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.clone(),
            message: located(&text, &e),
        })?;
        if config.name.trim().is_empty() {
            return Err(Error::Config {
                path,
                message: "`name` is empty; give the dataset a name".into(),
            });
        }
        for (key, tag, language, primary, region) in [
            (
                "source_language",
                &config.source_language,
                "Arabic",
                "ar",
                "SA",
            ),
            (
                "target_language",
                &config.target_language,
                "English",
                "en",
                "GB",
            ),
        ] {
            if !is_language_tag_of(tag, primary) {
                return Err(Error::Config {
                    path,
                    message: format!(
                        "`{key} = {tag:?}`: tarjama makes Arabic-to-English datasets, so this must be a BCP 47 tag of {language}: `{primary}` or a regional variant such as `{primary}-{region}`"
                    ),
                });
            }
        }
        if let Some(message) = config.stages.splits.problem() {
            return Err(Error::Config { path, message });
        }
        if config.stages.output.rows_per_file == 0 {
            return Err(Error::Config {
                path,
                message: "[output] rows_per_file must be at least 1".into(),
            });
        }
        Ok(config)
    }

    /// The text of a `dataset.toml` holding these settings, with comments.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).expect("settings always serialise to TOML");
        format!(
            "# tarjama dataset settings: `tarjama build` reads them, every manifest records them.\n{body}"
        )
    }

    /// Writes `DIR/dataset.toml`.
    pub fn save(&self, dataset_dir: &Path) -> Result<()> {
        let path = dataset_dir.join(CONFIG_FILE);
        std::fs::write(&path, self.to_toml()).at(path)
    }

    /// The raw folder's path.
    pub fn raw_dir(&self, dataset_dir: &Path) -> PathBuf {
        dataset_dir.join(&self.raw)
    }
}

/// Whether `tag` is a well-formed BCP 47 tag whose language subtag is
/// `primary`: `ar`, `ar-SA`, `ar-Latn-EG`, `en-GB`.
fn is_language_tag_of(tag: &str, primary: &str) -> bool {
    let mut subtags = tag.split('-');
    subtags
        .next()
        .is_some_and(|first| first.eq_ignore_ascii_case(primary))
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A TOML error as `line L, column C: what is wrong`, columns counted in
/// characters, so that the reader can go straight to the place.
fn located(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim_end();
    let Some(span) = error.span() else {
        return message.to_string();
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    format!("line {line}, column {column}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_recorded_before_a_setting_existed_serialise_as_recorded() {
        // The entities settings of the seed's v0008 manifest.
        let recorded = r#"{"rules":true,"model":true}"#;
        let read: EntitySettings = serde_json::from_str(recorded).unwrap();
        assert!(read.repeats);
        assert_eq!(serde_json::to_string(&read).unwrap(), recorded);
        let off = EntitySettings {
            repeats: false,
            ..read
        };
        assert_eq!(
            serde_json::to_string(&off).unwrap(),
            r#"{"rules":true,"model":true,"repeats":false}"#
        );
    }

    #[test]
    fn written_settings_read_back_equal() {
        let config = DatasetConfig::new("x");
        let back: DatasetConfig = toml::from_str(&config.to_toml()).unwrap();
        assert_eq!(back, config);
    }

    /// The message `load` gives for a `dataset.toml` holding `text`; `case`
    /// names the test's own folder, as tests run side by side.
    fn load_error(case: &str, text: &str) -> String {
        let dir = std::env::temp_dir().join(format!("tarjama-{case}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(CONFIG_FILE), text).unwrap();
        let err = DatasetConfig::load(&dir).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        err
    }

    #[test]
    fn split_ratios_must_add_up_to_one() {
        let err = load_error(
            "splits",
            "name = \"x\"\n[splits]\ntrain = 0.9\nvalidation = 0.1\ntest = 0.1\n",
        );
        assert!(err.contains("must be 1"), "{err}");
    }

    #[test]
    fn languages_are_bcp_47_tags_of_arabic_and_english() {
        for (tag, primary) in [
            ("ar", "ar"),
            ("ar-SA", "ar"),
            ("ar-Latn-EG", "ar"),
            ("EN-gb", "en"),
        ] {
            assert!(is_language_tag_of(tag, primary), "{tag}");
        }
        for (tag, primary) in [
            ("arabic", "ar"),
            ("", "ar"),
            ("ar-", "ar"),
            ("ar_SA", "ar"),
            ("fr", "en"),
            ("en-toolongsubtag", "en"),
        ] {
            assert!(!is_language_tag_of(tag, primary), "{tag}");
        }
        let err = load_error("language", "name = \"x\"\nsource_language = \"arabic\"\n");
        assert!(
            err.contains("`source_language = \"arabic\"`") && err.contains("`ar`"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_are_rejected_where_they_stand() {
        let err = load_error("unknown-key", "name = \"x\"\n[segment]\nline_breaks = 1\n");
        assert!(
            err.contains("line 3, column 1: unknown field `line_breaks`"),
            "{err}"
        );
        let err = load_error("unknown-section", "name = \"x\"\n[segmnet]\n");
        assert!(
            err.contains("line 2, column 2: unknown field `segmnet`"),
            "{err}"
        );
    }

    #[test]
    fn a_wrong_value_in_a_section_is_placed_on_its_line() {
        let err = load_error(
            "wrong-value",
            "name = \"قره باغ\"\n\n[splits]\nmin_shared_words = -3\n",
        );
        assert!(
            err.contains("line 4, column 20: invalid value: integer `-3`, expected u32"),
            "{err}"
        );
    }
}
