//! `README.md`: the version's dataset card, with the Hugging Face YAML
//! header (`configs` pointing at the Parquet files, `dataset_info` with
//! their features, languages, licence, task categories) and prose on what
//! the data is, its counts, how it was made and how to load it.

use std::fmt::Write;

use serde_json::Value;

use super::features::Feature;
use super::{data_files, description, tables, DescribedTable};
use crate::model::Manifest;
use crate::settings::About;

/// The one split of every config: all rows of the table. The training
/// split of a row is its `split` column.
const HF_SPLIT: &str = "full";

/// A YAML scalar: a JSON string is a valid YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    Value::from(s).to_string()
}

/// The text of `README.md` for a version with this manifest.
pub fn render(manifest: &Manifest, about: &About) -> String {
    let tables = tables(manifest);
    let mut out = String::new();
    yaml_header(&mut out, manifest, about, &tables);
    prose(&mut out, manifest, about, &tables);
    out
}

fn size_category(documents: u64) -> &'static str {
    match documents {
        0..1_000 => "n<1K",
        1_000..10_000 => "1K<n<10K",
        10_000..100_000 => "10K<n<100K",
        100_000..1_000_000 => "100K<n<1M",
        1_000_000..10_000_000 => "1M<n<10M",
        _ => "10M<n<100M",
    }
}

fn yaml_header(out: &mut String, manifest: &Manifest, about: &About, tables: &[DescribedTable]) {
    let documents = tables.first().map_or(0, |t| t.rows);
    out.push_str("---\n");
    let _ = writeln!(out, "pretty_name: {}", quoted(&manifest.dataset));
    let _ = writeln!(
        out,
        "language:\n- {}\n- {}",
        manifest.source_language, manifest.target_language
    );
    let _ = writeln!(out, "license: {}", quoted(&about.license));
    out.push_str("multilinguality: translation\n");
    let _ = writeln!(out, "size_categories:\n- {}", size_category(documents));
    out.push_str("task_categories:\n- translation\n- token-classification\n");
    out.push_str("task_ids:\n- named-entity-recognition\n");
    out.push_str("tags:\n- tarjama\n- news\n- parallel-corpus\n");
    out.push_str("configs:\n");
    for table in tables {
        let _ = writeln!(out, "- config_name: {}", table.name);
        if table.name == "sentences" {
            out.push_str("  default: true\n");
        }
        let paths: Vec<String> = table.parquet.iter().map(|p| quoted(p)).collect();
        let path = match paths.as_slice() {
            [one] => one.clone(),
            _ => format!("[{}]", paths.join(", ")),
        };
        let _ = writeln!(
            out,
            "  data_files:\n  - split: {HF_SPLIT}\n    path: {path}"
        );
    }
    out.push_str("dataset_info:\n");
    for table in tables {
        let _ = writeln!(out, "- config_name: {}\n  features:", table.name);
        yaml_features(out, &table.features, 2);
    }
    out.push_str("---\n\n");
}

/// Features in the card's list form: `- name:` with `dtype:`, a
/// `class_label` or a nested `struct:` list.
fn yaml_features(out: &mut String, features: &[(String, Feature)], indent: usize) {
    let pad = " ".repeat(indent);
    for (name, feature) in features {
        let _ = writeln!(out, "{pad}- name: {name}");
        match feature {
            Feature::Value(dtype) => {
                let _ = writeln!(out, "{pad}  dtype: {dtype}");
            }
            Feature::ClassLabel(names) => {
                let _ = writeln!(
                    out,
                    "{pad}  dtype:\n{pad}    class_label:\n{pad}      names:"
                );
                for (i, label) in names.iter().enumerate() {
                    let _ = writeln!(out, "{pad}        '{i}': {label}");
                }
            }
            Feature::Struct(fields) => {
                let _ = writeln!(out, "{pad}  struct:");
                yaml_features(out, fields, indent + 2);
            }
        }
    }
}

fn prose(out: &mut String, manifest: &Manifest, about: &About, tables: &[DescribedTable]) {
    let _ = writeln!(out, "# {}\n", manifest.dataset);
    let _ = writeln!(out, "{}\n", description(manifest, about));
    let _ = writeln!(
        out,
        "Version `{}` ({} → {}). Every file below is listed with its sha256 in \
         `manifest.json`; `tarjama validate` checks them, and checks that this card and \
         `croissant.json` agree with the manifest.\n",
        manifest.version, manifest.source_language, manifest.target_language
    );

    out.push_str("## Contents\n\n| table | rows | what a row is |\n|---|---|---|\n");
    for table in tables {
        let summary = table.description.split(". ").next().unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            table.name,
            table.rows,
            summary.trim_end_matches('.')
        );
    }
    out.push_str("\n| file | bytes | sha256 |\n|---|---|---|\n");
    for file in data_files(manifest) {
        let _ = writeln!(
            out,
            "| `{}` | {} | `{}` |",
            file.path, file.bytes, file.sha256
        );
    }

    if let Some(splits) = &manifest.audit.splits {
        out.push_str("\n## Splits\n\n| split | documents | sentences |\n|---|---|---|\n");
        for split in crate::split::Split::ALL {
            let name = split.as_str();
            let _ = writeln!(
                out,
                "| {name} | {} | {} |",
                splits.documents.get(name).copied().unwrap_or(0),
                splits.sentences.get(name).copied().unwrap_or(0)
            );
        }
        let settings = &manifest.settings.splits;
        let _ = writeln!(
            out,
            "\nEvery document and its sentences carry a `split` column. Documents that share \
             a normalised title or body sentence of at least {} words, or their whole \
             normalised text, are kept in one split: {} groups, {} of them holding more than \
             one document ({} documents). Ratios: train {}, validation {}, test {}. Each \
             config of this card has one split, `{HF_SPLIT}`, holding every row; filter on \
             `split` for training.",
            settings.min_shared_words,
            splits.groups,
            splits.shared_groups,
            splits.shared_group_documents,
            settings.train,
            settings.validation,
            settings.test
        );
    }

    out.push_str("\n## How it was made\n\n");
    let _ = writeln!(
        out,
        "Built by {} {} from {} input file(s); {} input(s) or record(s) were skipped, each \
         listed with its reason in `manifest.json`.",
        manifest.tool.name,
        manifest.tool.version,
        manifest.inputs.len(),
        manifest.skipped.len()
    );
    out.push_str(
        "Stages: ingest (decoding, cleanup with every edit counted), structure \
         (title, body and boilerplate lines), sentence splitting, entities \
         (numbers and dates by rule, glossary names, the built-in NER model), \
         translation slots (filled from earlier versions' translations of the same \
         sentence).\n",
    );
    if let Some(model) = &manifest.tool.ner_model {
        let _ = writeln!(out, "NER model sha256: `{model}`.");
    }
    if let Some(parent) = &manifest.parent {
        let _ = writeln!(out, "Parent version: `{}`.", parent.version);
    }
    if let Some(import) = &manifest.import {
        let _ = writeln!(
            out,
            "Made by importing `{}`: {} rows, {} accepted, {} skipped, {} rejected.",
            import.file, import.rows, import.accepted, import.skipped, import.rejected
        );
    }
    let settings = serde_json::to_string_pretty(&manifest.settings).unwrap_or_default();
    let _ = writeln!(out, "\nSettings:\n\n```json\n{settings}\n```");

    let example = tables
        .iter()
        .find(|t| t.name == "sentences")
        .or(tables.first());
    if let Some(table) = example {
        let _ = writeln!(
            out,
            "\n## Loading\n\n```python\n\
             from datasets import load_dataset\n\
             {name} = load_dataset(\"path/to/this/folder\", \"{name}\", split=\"{HF_SPLIT}\")\n\
             train = {name}.filter(lambda row: row[\"split\"] == \"train\")\n\n\
             import pyarrow.parquet as pq\n\
             table = pq.read_table(\"{file}\")\n\
             ```\n\n\
             Polars (`pl.read_parquet`), DuckDB (`SELECT * FROM '{file}'`) and Spark read the \
             Parquet files as they are; the JSONL files hold the same rows.",
            name = table.name,
            file = table.parquet_glob
        );
    }

    out.push_str(
        "\n## Offsets\n\n`start` and `end` are half-open Unicode code point offsets into \
         the document's `text`, as Python slices strings: `text[start:end]` is the span's \
         text. They are neither bytes nor UTF-16 units.\n",
    );
    let _ = writeln!(out, "\n## Licence\n\n`{}`.", about.license);
    let _ = writeln!(out, "\n## Citation\n\n{}", super::citation(manifest, about));
}
