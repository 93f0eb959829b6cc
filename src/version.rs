//! A published version read back: its manifest and its tables, streamed in
//! id order; and publishing a version derived from it (an import), whose
//! unchanged tables are copied byte for byte.

use std::path::{Path, PathBuf};

use crate::describe;
use crate::error::{Error, IoContext, Result};
use crate::io::hash::HashingWriter;
use crate::io::parquet;
use crate::io::TableFiles;
use crate::manifest::{self, MANIFEST_FILE};
use crate::model::{FileEntry, Manifest, ParentRef, TableContent};
use crate::store::{self, WriteLock};
use crate::table::Table;
use crate::validate;

/// One published version of a dataset.
#[derive(Debug, Clone)]
pub struct Version {
    pub number: u32,
    pub dir: PathBuf,
    pub manifest: Manifest,
}

/// Rows of a table, in id order.
pub type Rows<T> = Box<dyn Iterator<Item = Result<T>>>;

impl Version {
    /// The newest version of the dataset, if it has any.
    pub fn latest(dataset_dir: &Path) -> Result<Option<Version>> {
        match store::versions(dataset_dir)?.pop() {
            None => Ok(None),
            Some((number, dir)) => Version::at(number, dir).map(Some),
        }
    }

    /// The newest version, or an error telling how to make one.
    pub fn require_latest(dataset_dir: &Path) -> Result<Version> {
        Version::latest(dataset_dir)?.ok_or_else(|| {
            Error::Usage(format!(
                "{}: the dataset has no versions yet; run `tarjama build {}` first",
                dataset_dir.display(),
                dataset_dir.display()
            ))
        })
    }

    /// The version named `name` (`v0003`, or `3`), or the latest for `latest`.
    pub fn named(dataset_dir: &Path, name: &str) -> Result<Version> {
        if name == "latest" {
            return Version::require_latest(dataset_dir);
        }
        let number = store::parse_version_name(name)
            .or_else(|| name.parse().ok())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{name:?} is not a version; use a name like v0002, a number, or latest"
                ))
            })?;
        let dir = dataset_dir
            .join(store::VERSIONS_DIR)
            .join(store::version_name(number));
        if !dir.is_dir() {
            let known: Vec<String> = store::versions(dataset_dir)?
                .into_iter()
                .map(|(n, _)| store::version_name(n))
                .collect();
            return Err(Error::Usage(format!(
                "{}: no such version; the dataset has {}",
                dir.display(),
                if known.is_empty() {
                    "none yet".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
        Version::at(number, dir)
    }

    fn at(number: u32, dir: PathBuf) -> Result<Version> {
        let (manifest, _) = manifest::read(&dir)?;
        Ok(Version {
            number,
            dir,
            manifest,
        })
    }

    /// The name of this version (`v0003`).
    pub fn name(&self) -> &str {
        &self.manifest.version
    }

    /// The reference a child version records to this one.
    pub fn as_parent(&self) -> ParentRef {
        ParentRef {
            version: self.manifest.version.clone(),
            fingerprint: self.manifest.fingerprint.clone(),
        }
    }

    /// Whether the version has the table (every version has the four main
    /// ones; orphans only when there are some).
    pub fn has_table<T: Table>(&self) -> bool {
        self.manifest.files.iter().any(|f| f.table == T::NAME)
    }

    /// The table's rows from its Parquet file, in id order; none when the
    /// version does not have the table.
    pub fn rows<T: Table + 'static>(&self) -> Result<Rows<T>> {
        Ok(Box::new(parquet::read_table::<T>(
            &self.dir,
            &self.manifest.files,
        )?))
    }

    /// Refuses to use a version whose files do not match its manifest, so
    /// that damage is never carried into a new version or handed to people
    /// and training jobs as data.
    pub fn check_integrity(&self, purpose: Purpose) -> Result<()> {
        let options = validate::Options {
            integrity_only: true,
            ..validate::Options::default()
        };
        let report = validate::validate_path(&self.dir, options)?;
        match report.findings.iter().find(|f| f.severity == validate::Severity::Error) {
            None => Ok(()),
            Some(finding) => Err(Error::Manifest {
                path: self.dir.clone(),
                message: format!(
                    "the version fails validation ({}: {}: {}); run `tarjama validate {}` and restore it before {}",
                    finding.rule, finding.file, finding.message, self.dir.display(), purpose.doing()
                ),
            }),
        }
    }
}

/// What a version's integrity is checked for, named in the refusal.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    /// A build or an import starting from it.
    NewVersion,
    /// Its rows written out for people or training jobs.
    Export,
    /// Its rows counted or compared for people (`status`, `diff`).
    Report,
}

impl Purpose {
    fn doing(self) -> &'static str {
        match self {
            Purpose::NewVersion => "writing a new version",
            Purpose::Export => "exporting from it",
            Purpose::Report => "reporting on it",
        }
    }
}

/// Writes a version derived from `base`: the tables in `replaced` are
/// written by `write_tables` into the staging folder (returning their file
/// entries), every other file is copied unchanged. `amend` adjusts the
/// manifest (for example, to record an import). Published atomically with
/// `base` as its parent.
pub fn publish_derived(
    dataset_dir: &Path,
    base: &Version,
    replaced: &[&str],
    write_tables: impl FnOnce(&Path, &str) -> Result<Vec<TableFiles>>,
    amend: impl FnOnce(&mut Manifest),
) -> Result<Version> {
    let lock = WriteLock::acquire(dataset_dir)?;
    let latest = store::versions(dataset_dir)?.pop().map_or(0, |(n, _)| n);
    if latest != base.number {
        return Err(Error::Usage(format!(
            "{}: version {} was published while this one was being prepared from {}; run the command again",
            dataset_dir.display(),
            store::version_name(latest),
            base.name()
        )));
    }
    let number = base.number + 1;
    let name = store::version_name(number);
    let staging = lock.staging(number)?;
    let mut files = Vec::new();
    for entry in &base.manifest.files {
        // The descriptions are rendered again for the new version's data.
        if !replaced.contains(&entry.table.as_str()) && !describe::is_description(entry) {
            copy_synced(
                &base.dir.join(&entry.path),
                &staging.join(&entry.path),
                entry,
            )?;
            files.push(entry.clone());
        }
    }
    let mut tables = base.manifest.tables.clone();
    // A version written before content hashes were recorded: a table of
    // one JSONL file has that file's hash as its content hash.
    for entry in files.iter().filter(|f| f.format == "jsonl") {
        let one_file = files
            .iter()
            .filter(|f| f.table == entry.table && f.format == "jsonl")
            .count()
            == 1;
        if one_file && !tables.contains_key(&entry.table) {
            let content = TableContent {
                rows: entry.rows,
                sha256: entry.sha256.clone(),
            };
            tables.insert(entry.table.clone(), content);
        }
    }
    for table in write_tables(&staging, &name)? {
        files.extend(table.files);
        tables.insert(table.table.to_string(), table.content);
    }
    files.sort_by_key(|f| table_rank(&f.table, &f.path));
    let mut manifest = base.manifest.clone();
    manifest.version = name;
    manifest.parent = Some(base.as_parent());
    manifest.created = manifest::source_date_epoch()?.map(manifest::rfc3339_utc);
    manifest.files = files;
    manifest.tables = tables;
    manifest.import = None;
    amend(&mut manifest);
    describe::write(&staging, &mut manifest)?;
    let bytes = manifest::seal(&mut manifest);
    store::write_synced(&staging.join(MANIFEST_FILE), &bytes)?;
    store::fault_point("after-document");
    let dir = lock.publish(&staging, number)?;
    Ok(Version {
        number,
        dir,
        manifest,
    })
}

/// Where a file goes in the manifest's list: the tables in their usual
/// order, then anything else.
fn table_rank(table: &str, path: &str) -> (usize, String) {
    let order = crate::table::TABLE_NAMES
        .iter()
        .chain(std::iter::once(&<crate::model::Orphan as Table>::NAME))
        .position(|t| *t == table)
        .unwrap_or(usize::MAX);
    (order, path.to_string())
}

/// Copies a file of the base version, checking on the way that its bytes
/// still hash to the manifest's sha256.
fn copy_synced(from: &Path, to: &Path, entry: &FileEntry) -> Result<()> {
    let mut source = std::fs::File::open(from).at(from)?;
    let target = std::fs::File::create(to).map_err(|source| Error::NotWritable {
        path: to.to_path_buf(),
        source,
    })?;
    let mut hashing = HashingWriter::new(target);
    std::io::copy(&mut source, &mut hashing).at(to)?;
    let (target, sha256, _) = hashing.finish();
    if sha256 != entry.sha256 {
        return Err(Error::Manifest {
            path: from.to_path_buf(),
            message: format!(
                "changed since it was published (sha256 {sha256}, the manifest says {}); run `tarjama validate`",
                entry.sha256
            ),
        });
    }
    target.sync_all().at(to)
}
