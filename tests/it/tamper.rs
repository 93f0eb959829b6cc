//! Ways to damage a copy of a version, as a bad disk, a careless hand or a
//! buggy producer would, for the validator's tests.

use std::path::Path;

use tarjama::describe;
use tarjama::io::{parquet::read_rows, TableFiles, TableWriter};
use tarjama::manifest;
use tarjama::model::{Document, Entity, FileEntry, Manifest, Orphan, Sentence, TranslationSlot};
use tarjama::table::Table;

/// Flips the lowest bit of the byte at `at`.
pub fn flip_byte(path: &Path, at: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[at] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

/// Every row of a version, to edit.
pub struct Tables {
    pub documents: Vec<Document>,
    pub sentences: Vec<Sentence>,
    pub entities: Vec<Entity>,
    pub slots: Vec<TranslationSlot>,
    /// Written only when not empty.
    pub orphans: Vec<Orphan>,
}

/// Every row of a version.
pub fn load_tables(version: &Path) -> Tables {
    Tables {
        documents: load(version),
        sentences: load(version),
        entities: load(version),
        slots: load(version),
        orphans: load(version),
    }
}

fn load<T: Table>(dir: &Path) -> Vec<T> {
    let path = dir.join(format!("{}.parquet", T::NAME));
    if !path.exists() {
        return Vec::new();
    }
    read_rows::<T>(&path).unwrap().map(|r| r.unwrap()).collect()
}

fn store<T: Table>(dir: &Path, rows: Vec<T>, tables: &mut Vec<TableFiles>) -> Vec<FileEntry> {
    let mut writer = TableWriter::<T>::create(dir, u64::MAX).unwrap();
    rows.into_iter().for_each(|r| writer.push(r).unwrap());
    let written = writer.finish().unwrap();
    tables.push(written.clone());
    written.files
}

/// Rewrites every table of a version with `edit` applied to its rows and
/// reseals the manifest: the result is self-consistent in its hashes, as a
/// buggy producer would leave it, so only the row checks can catch it.
pub fn rewrite_version(version: &Path, edit: impl FnOnce(&mut Tables)) {
    let mut tables = load_tables(version);
    edit(&mut tables);
    let (manifest, _) = manifest::read(version).unwrap();
    // Files that are not tables (the glossary) stay as they were.
    let kept: Vec<FileEntry> = manifest
        .files
        .into_iter()
        .filter(|f| f.format == "tsv")
        .collect();
    let mut written = Vec::new();
    let mut files = store(version, tables.documents, &mut written);
    files.extend(store(version, tables.sentences, &mut written));
    files.extend(store(version, tables.entities, &mut written));
    files.extend(store(version, tables.slots, &mut written));
    if !tables.orphans.is_empty() {
        files.extend(store(version, tables.orphans, &mut written));
    }
    files.extend(kept);
    edit_manifest(version, |m| {
        m.files = files;
        // A version that records content hashes records the new ones.
        if !m.tables.is_empty() {
            m.tables = written
                .into_iter()
                .map(|t| (t.table.to_string(), t.content))
                .collect();
        }
        // A producer that writes descriptions writes them for its rows.
        if m.about.is_some() {
            describe::write(version, m).unwrap();
        }
    });
}

/// Applies `edit` to a version's manifest and reseals it, fingerprint and
/// self-hash recomputed: the manifest is consistent with itself.
pub fn edit_manifest(version: &Path, edit: impl FnOnce(&mut Manifest)) {
    let (mut m, _) = manifest::read(version).unwrap();
    edit(&mut m);
    std::fs::write(version.join("manifest.json"), manifest::seal(&mut m)).unwrap();
}

/// Writes `m` with a correct self-hash but the fingerprint it holds.
pub fn write_manifest_keeping_fingerprint(version: &Path, mut m: Manifest) {
    m.manifest_sha256 = "f".repeat(64);
    let claimed = m.manifest_sha256.clone();
    m.manifest_sha256 = manifest::self_hash(&manifest::to_bytes(&m), &claimed);
    std::fs::write(version.join("manifest.json"), manifest::to_bytes(&m)).unwrap();
}

/// Records every listed file's current size and hash in the manifest, so
/// that a file edited by hand passes the integrity checks.
pub fn rehash_files(version: &Path) {
    edit_manifest(version, |m| {
        for file in &mut m.files {
            let bytes = std::fs::read(version.join(&file.path)).unwrap();
            file.bytes = bytes.len() as u64;
            file.sha256 = tarjama::pipeline::sha256_hex(&bytes);
        }
    });
}
