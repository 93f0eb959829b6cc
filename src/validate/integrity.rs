//! Integrity checks of one version folder: manifest, files, fingerprint,
//! parent link, schemas, and JSONL equal to Parquet row by row.

use std::collections::BTreeSet;
use std::path::Path;

use super::consistency;
use super::findings::Report;
use super::rules;
use crate::io::{hash, jsonl, parquet};
use crate::manifest::{self, MANIFEST_FILE};
use crate::model::{
    Document, Entity, FileEntry, Manifest, Sentence, TranslationSlot, MANIFEST_FORMAT_VERSION,
};
use crate::store;
use crate::table::{Table, TABLE_NAMES};

/// Runs every check on the version in `dir`.
pub fn check_version(dir: &Path, report: &mut Report) {
    report.stats.versions += 1;
    let Some(manifest) = read_manifest(dir, report) else {
        return;
    };
    check_files(dir, &manifest, report);
    check_parent(dir, &manifest, report);
    let readable = check_table::<Document>(dir, &manifest, report)
        & check_table::<Sentence>(dir, &manifest, report)
        & check_table::<Entity>(dir, &manifest, report)
        & check_table::<TranslationSlot>(dir, &manifest, report);
    if readable {
        consistency::check(dir, report);
    }
}

fn read_manifest(dir: &Path, report: &mut Report) -> Option<Manifest> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let message =
                format!("cannot read the manifest ({e}); a version without one cannot be trusted");
            report.add(rules::MANIFEST_UNREADABLE, &path, None, None, message);
            return None;
        }
    };
    // The format version is checked before the fields, so that a manifest of
    // a newer format says so instead of failing on its first new field.
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => {
            report.add(
                rules::MANIFEST_UNREADABLE,
                &path,
                Some(e.line() as u64),
                None,
                format!("not valid JSON: {e}"),
            );
            return None;
        }
    };
    let format = value.get("format_version").and_then(|v| v.as_u64());
    if format != Some(MANIFEST_FORMAT_VERSION as u64) {
        let message = format!(
            "format_version is {}, this tool reads {MANIFEST_FORMAT_VERSION}; use a tarjama that knows that format",
            value.get("format_version").map_or("missing".to_string(), |v| v.to_string())
        );
        report.add(rules::MANIFEST_FORMAT, &path, None, None, message);
        return None;
    }
    let manifest: Manifest = match serde_json::from_value(value) {
        Ok(m) => m,
        Err(e) => {
            report.add(
                rules::MANIFEST_UNREADABLE,
                &path,
                None,
                None,
                format!("not a valid manifest: {e}"),
            );
            return None;
        }
    };
    let expected = manifest::self_hash(&bytes, &manifest.manifest_sha256);
    if expected != manifest.manifest_sha256 {
        let message = format!(
            "manifest_sha256 is {} but the manifest's bytes hash to {expected}: the manifest was changed after it was written",
            manifest.manifest_sha256
        );
        report.add(rules::MANIFEST_SELF_HASH, &path, None, None, message);
    }
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if store::parse_version_name(&folder).is_some() && folder != manifest.version {
        let message = format!(
            "the manifest says version {:?} but its folder is {folder:?}",
            manifest.version
        );
        report.add(rules::MANIFEST_VERSION, &path, None, None, message);
    }
    Some(manifest)
}

fn check_files(dir: &Path, manifest: &Manifest, report: &mut Report) {
    let manifest_path = dir.join(MANIFEST_FILE);
    let mut listed = BTreeSet::new();
    for entry in &manifest.files {
        let plain = !entry.path.is_empty()
            && !entry.path.contains(['/', '\\'])
            && !entry.path.starts_with('.')
            && entry.path != MANIFEST_FILE;
        if !plain {
            let message = format!(
                "file path {:?} must be a plain file name inside the version folder",
                entry.path
            );
            report.add(rules::MANIFEST_FILES, &manifest_path, None, None, message);
            continue;
        }
        if !listed.insert(entry.path.as_str()) {
            let message = format!("{:?} is listed twice", entry.path);
            report.add(rules::MANIFEST_FILES, &manifest_path, None, None, message);
            continue;
        }
        check_file(dir, entry, report);
    }
    for table in TABLE_NAMES {
        for format in ["parquet", "jsonl"] {
            if !manifest
                .files
                .iter()
                .any(|f| f.table == table && f.format == format)
            {
                let message = format!("no {format} file of table {table:?} is listed");
                report.add(rules::MANIFEST_FILES, &manifest_path, None, None, message);
            }
        }
    }
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut unlisted: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name != MANIFEST_FILE && !listed.contains(name.as_str()))
                .collect();
            unlisted.sort();
            for name in unlisted {
                let message =
                    "not listed in the manifest: a published version never changes; remove it"
                        .to_string();
                report.add(rules::FILE_UNLISTED, &dir.join(name), None, None, message);
            }
        }
        Err(e) => {
            let message = format!("cannot list the version folder: {e}");
            report.add(rules::FILE_MISSING, dir, None, None, message);
        }
    }
    let recomputed = manifest::fingerprint(&manifest.files);
    if recomputed != manifest.fingerprint {
        let message = format!(
            "fingerprint is {} but the file entries give {recomputed}",
            manifest.fingerprint
        );
        report.add(
            rules::VERSION_FINGERPRINT,
            &manifest_path,
            None,
            None,
            message,
        );
    }
}

fn check_file(dir: &Path, entry: &FileEntry, report: &mut Report) {
    let path = dir.join(&entry.path);
    match hash::file_sha256(&path) {
        Err(e) => {
            report.add(
                rules::FILE_MISSING,
                &path,
                None,
                None,
                format!("listed in the manifest but cannot be read: {e}"),
            );
        }
        Ok((sha256, bytes)) => {
            report.stats.files += 1;
            report.stats.bytes += bytes;
            if bytes != entry.bytes {
                let message = format!("{bytes} bytes, the manifest says {}", entry.bytes);
                report.add(rules::FILE_SIZE, &path, None, None, message);
            }
            if sha256 != entry.sha256 {
                let message = format!("sha256 is {sha256}, the manifest says {}", entry.sha256);
                report.add(rules::FILE_SHA256, &path, None, None, message);
            }
        }
    }
}

fn check_parent(dir: &Path, manifest: &Manifest, report: &mut Report) {
    let Some(parent) = &manifest.parent else {
        return;
    };
    let manifest_path = dir.join(MANIFEST_FILE);
    let Some(versions_dir) = dir.parent() else {
        return;
    };
    let parent_dir = versions_dir.join(&parent.version);
    match manifest::read(&parent_dir) {
        Err(e) => {
            let message = format!("parent version {} cannot be read: {e}", parent.version);
            report.add(rules::VERSION_PARENT, &manifest_path, None, None, message);
        }
        Ok((parent_manifest, _)) if parent_manifest.fingerprint != parent.fingerprint => {
            let message = format!(
                "parent {} has fingerprint {}, this version recorded {}",
                parent.version, parent_manifest.fingerprint, parent.fingerprint
            );
            report.add(rules::VERSION_PARENT, &manifest_path, None, None, message);
        }
        Ok(_) => {}
    }
}

/// Schema, row counts, id order and JSONL = Parquet for one table. Returns
/// whether the Parquet file could be read in full (consistency needs it).
fn check_table<T: Table>(dir: &Path, manifest: &Manifest, report: &mut Report) -> bool {
    let entry = |format: &str| {
        manifest
            .files
            .iter()
            .find(|f| f.table == T::NAME && f.format == format)
    };
    let (Some(parquet_entry), Some(jsonl_entry)) = (entry("parquet"), entry("jsonl")) else {
        return false;
    };
    let parquet_path = dir.join(&parquet_entry.path);
    let jsonl_path = dir.join(&jsonl_entry.path);
    if !parquet_path.is_file() {
        return false;
    }
    match parquet::file_schema(&parquet_path) {
        Err(e) => {
            report.add(
                rules::TABLE_UNREADABLE,
                &parquet_path,
                None,
                None,
                e.to_string(),
            );
            return false;
        }
        Ok(schema) => {
            let expected = T::schema();
            let describe = |s: &arrow_schema::Schema| {
                s.fields()
                    .iter()
                    .map(|f| {
                        format!(
                            "{}: {}{}",
                            f.name(),
                            f.data_type(),
                            if f.is_nullable() { "?" } else { "" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let actual = describe(&schema);
            if actual != describe(&expected) {
                let message = format!(
                    "schema is [{actual}], schemas/{}.schema.json says [{}]",
                    T::NAME,
                    describe(&expected)
                );
                report.add(rules::TABLE_SCHEMA, &parquet_path, None, None, message);
                return false;
            }
        }
    }
    let parquet_rows = match parquet::read_rows::<T>(&parquet_path) {
        Ok(rows) => rows,
        Err(e) => {
            report.add(
                rules::TABLE_UNREADABLE,
                &parquet_path,
                None,
                None,
                e.to_string(),
            );
            return false;
        }
    };
    let mut jsonl_rows = jsonl::read_rows::<T>(&jsonl_path).ok();
    let mut readable = true;
    let mut count = 0u64;
    let mut jsonl_count = 0u64;
    let mut previous_id: Option<String> = None;
    for row in parquet_rows {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                report.add(
                    rules::TABLE_UNREADABLE,
                    &parquet_path,
                    Some(count + 1),
                    None,
                    e.to_string(),
                );
                readable = false;
                break;
            }
        };
        count += 1;
        let id = row.id();
        if let Some(previous) = &previous_id {
            if previous.as_str() == id {
                report.add(
                    rules::ID_DUPLICATE,
                    &parquet_path,
                    Some(count),
                    Some(id),
                    format!("id {id:?} appears twice"),
                );
            } else if previous.as_str() > id {
                report.add(
                    rules::ID_ORDER,
                    &parquet_path,
                    Some(count),
                    Some(id),
                    format!("id {id:?} comes after {previous:?}"),
                );
            }
        }
        if let Some(lines) = jsonl_rows.as_mut() {
            let next = lines.next();
            jsonl_count += u64::from(next.is_some());
            match next {
                Some((line, Ok(json_row))) if json_row != row => {
                    let message =
                        format!("line {line} differs from Parquet row {count} (id {id:?})");
                    report.add(
                        rules::TABLE_JSONL_MISMATCH,
                        &jsonl_path,
                        Some(line),
                        Some(id),
                        message,
                    );
                }
                Some((line, Err(e))) => {
                    report.add(
                        rules::TABLE_JSONL_INVALID,
                        &jsonl_path,
                        Some(line),
                        None,
                        e.to_string(),
                    );
                }
                _ => {}
            }
        }
        previous_id = Some(row.id().to_string());
    }
    jsonl_count += jsonl_rows.map_or(0, |rest| {
        rest.map(|(line, row)| {
            if let Err(e) = row {
                report.add(
                    rules::TABLE_JSONL_INVALID,
                    &jsonl_path,
                    Some(line),
                    None,
                    e.to_string(),
                );
            }
        })
        .count() as u64
    });
    report.stats.rows += count;
    if readable && count != parquet_entry.rows {
        let message = format!("{count} rows, the manifest says {}", parquet_entry.rows);
        report.add(rules::FILE_ROWS, &parquet_path, None, None, message);
    }
    if jsonl_path.is_file() && jsonl_count != jsonl_entry.rows {
        let message = format!(
            "{jsonl_count} lines, the manifest says {}",
            jsonl_entry.rows
        );
        report.add(rules::FILE_ROWS, &jsonl_path, None, None, message);
    }
    readable
}
