//! Integrity checks of one version folder: manifest, files, fingerprint,
//! parent link, schemas, and JSONL equal to Parquet row by row.

use std::collections::BTreeSet;
use std::path::Path;

use rayon::iter::{IntoParallelRefIterator, ParallelIterator};

use super::consistency;
use super::findings::Report;
use super::rows;
use super::rules;
use super::{LengthBand, Options};
use crate::describe;
use crate::glossary::{Glossary, GLOSSARY_TABLE};
use crate::io::hash;
use crate::manifest::{self, MANIFEST_FILE};
use crate::model::{
    Document, Entity, FileEntry, Manifest, Orphan, Sentence, TranslationSlot,
    MANIFEST_FORMAT_VERSION,
};
use crate::store;
use crate::table::{Table, TABLE_NAMES};

/// Runs the checks on the version in `dir`: with `integrity_only`, only the
/// manifest, files, hashes, fingerprint and parent; otherwise also every
/// row, read once, while the files are hashed on another thread.
pub fn check_version(dir: &Path, report: &mut Report, options: Options) {
    report.stats.versions += 1;
    let Some(manifest) = read_manifest(dir, report) else {
        return;
    };
    check_parent(dir, &manifest, report);
    check_descriptions(dir, &manifest, report);
    if options.integrity_only {
        check_files(dir, &manifest, report);
        return;
    }
    let (files, rows) = rayon::join(
        || {
            let mut files = Report::new();
            check_files(dir, &manifest, &mut files);
            files
        },
        || {
            let mut rows = Report::new();
            check_rows(dir, &manifest, options.length_band, &mut rows);
            rows
        },
    );
    report.absorb(files);
    report.absorb(rows);
}

/// Streams the four tables once, each read and row-checked on its own
/// thread, and joins them for the consistency checks when all four can be read.
fn check_rows(dir: &Path, manifest: &Manifest, length_band: LengthBand, report: &mut Report) {
    let mut consistency = Report::new();
    let glossary = read_glossary(dir, manifest, &mut consistency);
    let tables = std::thread::scope(|scope| {
        let (documents, d) = rows::spawn::<Document>(scope, dir, manifest);
        let (sentences, s) = rows::spawn::<Sentence>(scope, dir, manifest);
        let (entities, e) = rows::spawn::<Entity>(scope, dir, manifest);
        let (slots, t) = rows::spawn::<TranslationSlot>(scope, dir, manifest);
        let orphans = manifest
            .files
            .iter()
            .any(|f| f.table == Orphan::NAME)
            .then(|| rows::spawn::<Orphan>(scope, dir, manifest));
        if let (Some(d), Some(s), Some(e), Some(t)) = (documents, sentences, entities, slots) {
            let rules = consistency::Context {
                length_band,
                glossary: glossary.as_ref(),
                splits: &manifest.settings.splits,
            };
            consistency::check(d, s, e, t, &rules, &mut consistency);
        }
        let mut reports = vec![d.join(), s.join(), e.join(), t.join()];
        if let Some((rows, handle)) = orphans {
            if let Some(rows) = rows {
                consistency::check_orphans(rows, &mut consistency);
            }
            reports.push(handle.join());
        }
        // Dropped receivers let the threads finish their row checks alone.
        reports
            .into_iter()
            .map(|r| r.unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect::<Vec<_>>()
    });
    for table in tables {
        report.absorb(table);
    }
    report.absorb(consistency);
}

/// The version's glossary, when its manifest lists one that can be read.
fn read_glossary(dir: &Path, manifest: &Manifest, report: &mut Report) -> Option<Glossary> {
    let entry = manifest.files.iter().find(|f| f.table == GLOSSARY_TABLE)?;
    let path = dir.join(&entry.path);
    let text = std::fs::read_to_string(&path).ok()?;
    match Glossary::parse(&text, &path) {
        Ok(glossary) => {
            if glossary.len() as u64 != entry.rows {
                let message = format!(
                    "{} entries, the manifest says {}",
                    glossary.len(),
                    entry.rows
                );
                report.add(rules::FILE_ROWS, &path, None, None, message);
            }
            Some(glossary)
        }
        Err(e) => {
            report.add(rules::TABLE_UNREADABLE, &path, None, None, e.to_string());
            None
        }
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
    if let Some(message) = manifest::changed_after_writing(&manifest, &bytes) {
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
    let mut to_hash = Vec::new();
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
        to_hash.push(entry);
    }
    let hashed: Vec<_> = to_hash
        .par_iter()
        .map(|entry| (*entry, hash::file_sha256(&dir.join(&entry.path))))
        .collect();
    for (entry, hashed) in hashed {
        check_file(dir, entry, hashed, report);
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
    check_table_contents(dir, manifest, report);
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

/// Each table's content hash: its JSONL files, concatenated in order. A
/// table of one file has that file's hash, already checked, so only tables
/// cut into several files are read again.
fn check_table_contents(dir: &Path, manifest: &Manifest, report: &mut Report) {
    let manifest_path = dir.join(MANIFEST_FILE);
    for (table, content) in &manifest.tables {
        let parts: Vec<&FileEntry> = manifest
            .files
            .iter()
            .filter(|f| &f.table == table && f.format == "jsonl")
            .collect();
        let rows: u64 = parts.iter().map(|f| f.rows).sum();
        let sha256 = match parts.as_slice() {
            [one] => Ok(one.sha256.clone()),
            _ => concatenated_sha256(dir, &parts),
        };
        let problem = match sha256 {
            Err(e) => Some(format!("cannot hash its JSONL files: {e}")),
            Ok(sha256) if sha256 != content.sha256 || rows != content.rows => Some(format!(
                "{rows} rows with content sha256 {sha256} in {} JSONL file(s), the manifest says {} rows, {}",
                parts.len(),
                content.rows,
                content.sha256
            )),
            Ok(_) => None,
        };
        if let Some(problem) = problem {
            let message = format!("table {table:?}: {problem}");
            report.add(rules::TABLE_CONTENT, &manifest_path, None, None, message);
        }
    }
}

fn concatenated_sha256(dir: &Path, parts: &[&FileEntry]) -> crate::Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        let path = dir.join(&part.path);
        let mut file = std::fs::File::open(&path).map_err(|e| crate::Error::io(&path, e))?;
        std::io::copy(&mut file, &mut hasher).map_err(|e| crate::Error::io(&path, e))?;
    }
    Ok(hex::encode(hasher.finalize()))
}

fn check_file(
    dir: &Path,
    entry: &FileEntry,
    hashed: crate::Result<(String, u64)>,
    report: &mut Report,
) {
    let path = dir.join(&entry.path);
    match hashed {
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

/// The card and the Croissant metadata must be exactly what the manifest
/// renders: a version that records `about` (all since they exist) has both.
fn check_descriptions(dir: &Path, manifest: &Manifest, report: &mut Report) {
    let listed = manifest.files.iter().any(describe::is_description);
    if !listed && manifest.about.is_none() {
        return;
    }
    // Versions from before the format was recorded were written in format 1.
    let same_format = manifest.descriptions_format.unwrap_or(1) == describe::FORMAT;
    for (_, file, _, expected) in describe::render(manifest) {
        let path = dir.join(file);
        let Ok(found) = std::fs::read_to_string(&path) else {
            let message = format!("{file} is missing; rebuild the version to describe it");
            report.add(rules::DESCRIBE_MISMATCH, &path, None, None, message);
            continue;
        };
        if !same_format {
            if let Some(problem) = describe::check_meaning(manifest, file, &found) {
                report.add(rules::DESCRIBE_MISMATCH, &path, None, None, problem);
            }
            continue;
        }
        if found != expected {
            let line = found
                .lines()
                .zip(expected.lines())
                .position(|(f, e)| f != e)
                .unwrap_or_else(|| found.lines().count().min(expected.lines().count()));
            let message = format!(
                "differs from what the manifest gives at line {}: {:?}, expected {:?}",
                line + 1,
                found.lines().nth(line).unwrap_or(""),
                expected.lines().nth(line).unwrap_or("")
            );
            report.add(
                rules::DESCRIBE_MISMATCH,
                &path,
                Some(line as u64 + 1),
                None,
                message,
            );
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
