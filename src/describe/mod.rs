//! Descriptions of a version for the tools people find and load datasets
//! with: Hugging Face features ([`features`], also in every Parquet file),
//! Croissant metadata ([`croissant`]) and the dataset card ([`card`]).
//!
//! Both files are rendered from the manifest alone, before it is sealed, and
//! listed in it like data files; `validate` renders them again from the
//! manifest and compares, so a description never drifts from the data.

pub mod card;
pub mod croissant;
pub mod features;

use std::path::Path;
use std::sync::OnceLock;

use arrow_schema::SchemaRef;
use serde_json::Value;

use crate::error::Result;
use crate::model::{Document, Entity, FileEntry, Manifest, Orphan, Sentence, TranslationSlot};
use crate::pipeline::sha256_hex;
use crate::settings::About;
use crate::store;
use crate::table::Table;

/// How this tool renders the descriptions. Bump it whenever the rendering
/// changes: `validate` compares a version's descriptions byte for byte only
/// with a rendering of the format that wrote them, and otherwise checks that
/// they name every data file with its sha256 (see [`check_meaning`]).
pub const FORMAT: u32 = 1;

/// The description files: (table, file name, format).
pub const DESCRIPTIONS: [(&str, &str, &str); 2] = [
    ("croissant", "croissant.json", "json"),
    ("card", "README.md", "markdown"),
];

/// Whether a manifest entry is a description rather than data.
pub fn is_description(entry: &FileEntry) -> bool {
    DESCRIPTIONS
        .iter()
        .any(|(table, _, _)| *table == entry.table)
}

/// The version's data files: everything the manifest lists but the descriptions.
fn data_files(manifest: &Manifest) -> impl Iterator<Item = &FileEntry> {
    manifest.files.iter().filter(|f| !is_description(f))
}

/// The fingerprint of a version's data files alone: two versions with the
/// same data differ only in their descriptions, which name the version.
pub fn data_fingerprint(manifest: &Manifest) -> String {
    let data: Vec<FileEntry> = data_files(manifest).cloned().collect();
    crate::manifest::fingerprint(&data)
}

/// The descriptions of a version with this manifest (whose description
/// entries, if any, are ignored): (table, file name, format, text).
pub fn render(manifest: &Manifest) -> [(&'static str, &'static str, &'static str, String); 2] {
    let about = manifest.about.clone().unwrap_or_default();
    let [(c_table, c_file, c_format), (d_table, d_file, d_format)] = DESCRIPTIONS;
    [
        (
            c_table,
            c_file,
            c_format,
            croissant::render(manifest, &about),
        ),
        (d_table, d_file, d_format, card::render(manifest, &about)),
    ]
}

/// Writes the descriptions of `manifest`'s data into the staging folder and
/// lists them in the manifest (replacing any copied from a parent).
pub fn write(staging: &Path, manifest: &mut Manifest) -> Result<()> {
    manifest.files.retain(|f| !is_description(f));
    manifest.descriptions_format = Some(FORMAT);
    for (table, file, format, text) in render(manifest) {
        store::write_synced(&staging.join(file), text.as_bytes())?;
        manifest.files.push(FileEntry {
            path: file.to_string(),
            table: table.to_string(),
            format: format.to_string(),
            sha256: sha256_hex(&text),
            bytes: text.len() as u64,
            rows: 0,
        });
    }
    Ok(())
}

/// Whether descriptions of another rendering format still describe the
/// manifest's data: `croissant.json` lists every data file with its sha256
/// and size, and `README.md` names every data file's sha256. The problem, if any.
pub fn check_meaning(manifest: &Manifest, file: &str, text: &str) -> Option<String> {
    let mut files = data_files(manifest);
    if file == "README.md" {
        return files
            .find(|f| !text.contains(&f.sha256))
            .map(|f| format!("does not give {}'s sha256 {}", f.path, f.sha256));
    }
    let croissant: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return Some(format!("not valid JSON: {e}")),
    };
    let listed = croissant["distribution"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    files
        .find(|f| {
            !listed.iter().any(|o| {
                o["contentUrl"] == f.path.as_str()
                    && o["sha256"] == f.sha256.as_str()
                    && o["contentSize"] == format!("{} B", f.bytes).as_str()
            })
        })
        .map(|f| {
            format!(
                "does not list {} with sha256 {} and {} bytes",
                f.path, f.sha256, f.bytes
            )
        })
}

/// A table of the version as the descriptions present it.
struct DescribedTable {
    name: &'static str,
    /// Its Parquet files, in order.
    parquet: Vec<String>,
    /// A path or glob that reads them all.
    parquet_glob: String,
    rows: u64,
    schema: SchemaRef,
    features: Vec<(String, features::Feature)>,
    id_column: &'static str,
    description: String,
}

fn described<T: Table>(manifest: &Manifest, id_column: &'static str) -> Option<DescribedTable> {
    let parquet: Vec<&FileEntry> = data_files(manifest)
        .filter(|f| f.table == T::NAME && f.format == "parquet")
        .collect();
    let parquet_glob = match parquet.as_slice() {
        [] => return None,
        [one] => one.path.clone(),
        _ => format!("{}-*-of-*.parquet", T::NAME),
    };
    Some(DescribedTable {
        name: T::NAME,
        rows: parquet.iter().map(|f| f.rows).sum(),
        parquet: parquet.iter().map(|f| f.path.clone()).collect(),
        parquet_glob,
        schema: T::schema(),
        features: features::features::<T>(),
        id_column,
        description: table_schema(T::NAME)
            .and_then(|s| s["description"].as_str())
            .unwrap_or_default()
            .to_string(),
    })
}

/// The version's tables, in the manifest's order.
fn tables(manifest: &Manifest) -> Vec<DescribedTable> {
    [
        described::<Document>(manifest, "doc_id"),
        described::<Sentence>(manifest, "sentence_id"),
        described::<Entity>(manifest, "entity_id"),
        described::<TranslationSlot>(manifest, "sentence_id"),
        described::<Orphan>(manifest, "orphan_id"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The JSON Schema of each table in `schemas/`, compiled in, so that the
/// descriptions say what the documentation says.
fn table_schema(table: &str) -> Option<&'static Value> {
    static SCHEMAS: OnceLock<Vec<(&str, Value)>> = OnceLock::new();
    let schemas = SCHEMAS.get_or_init(|| {
        [
            (
                "documents",
                include_str!("../../schemas/documents.schema.json"),
            ),
            (
                "sentences",
                include_str!("../../schemas/sentences.schema.json"),
            ),
            (
                "entities",
                include_str!("../../schemas/entities.schema.json"),
            ),
            (
                "translations",
                include_str!("../../schemas/translations.schema.json"),
            ),
            ("orphans", include_str!("../../schemas/orphans.schema.json")),
        ]
        .into_iter()
        .map(|(name, text)| {
            (
                name,
                serde_json::from_str(text).expect("schemas/ holds valid JSON (a test reads it)"),
            )
        })
        .collect()
    });
    schemas
        .iter()
        .find(|(name, _)| *name == table)
        .map(|(_, schema)| schema)
}

/// A column's description in `schemas/`.
fn column_description(table: &str, column: &str) -> String {
    table_schema(table)
        .and_then(|s| s["properties"][column]["description"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// The dataset's description, or one made from the manifest.
fn description(manifest: &Manifest, about: &About) -> String {
    about.description.clone().unwrap_or_else(|| {
        format!(
            "{}: news articles in {} prepared by tarjama as a translation and annotation dataset: \
             cleaned documents, sentence splits, named-entity spans and one {} translation slot per sentence.",
            manifest.dataset,
            language_name(&manifest.source_language),
            language_name(&manifest.target_language)
        )
    })
}

fn language_name(code: &str) -> &str {
    match code {
        "ar" => "Arabic",
        "en" => "English",
        other => other,
    }
}

/// `vNNNN` as a semantic version (`N.0.0`), as Croissant asks.
fn semantic_version(manifest: &Manifest) -> String {
    let number = store::parse_version_name(&manifest.version).unwrap_or(0);
    format!("{number}.0.0")
}

/// How to cite the version.
fn citation(manifest: &Manifest, about: &About) -> String {
    about.citation.clone().unwrap_or_else(|| {
        let makers = if about.creators.is_empty() {
            String::new()
        } else {
            format!("{}. ", about.creators.join(", "))
        };
        format!(
            "{makers}{}, version {}. Built with {} {}.",
            manifest.dataset, manifest.version, manifest.tool.name, manifest.tool.version
        )
    })
}
