//! The versions folder: listing versions, the writer's lock, and publishing
//! a new version atomically.
//!
//! A version is written into a hidden staging folder (`versions/.staging-*`),
//! every file is synced, the folder is synced, and only then is it renamed to
//! `vNNNN` and the parent folder synced. A crash or kill at any moment leaves
//! either no new version or a complete one; leftover staging folders are
//! invisible to readers and removed by the next writer.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};

/// The versions folder's name inside a dataset folder.
pub const VERSIONS_DIR: &str = "versions";
const LOCK_FILE: &str = ".lock";
const STAGING_PREFIX: &str = ".staging-";

/// Environment variable naming a point where a test wants the process to die.
pub const FAULT_ENV: &str = "TARJAMA_FAULT";

/// The folder name of version number `n`.
pub fn version_name(n: u32) -> String {
    format!("v{n:04}")
}

/// The number of a version folder name, if it is one.
pub fn parse_version_name(name: &str) -> Option<u32> {
    let digits = name.strip_prefix('v')?;
    (digits.len() >= 4 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The published versions of a dataset, oldest first.
pub fn versions(dataset_dir: &Path) -> Result<Vec<(u32, PathBuf)>> {
    let dir = dataset_dir.join(VERSIONS_DIR);
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).at(&dir)? {
        let entry = entry.at(&dir)?;
        let name = entry.file_name();
        if let Some(n) = name.to_str().and_then(parse_version_name) {
            if entry.path().is_dir() {
                found.push((n, entry.path()));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Dies on the spot when the test harness asked for a fault at `point`, to
/// show that a kill there leaves no half-written version visible.
pub fn fault_point(point: &str) {
    if std::env::var(FAULT_ENV).is_ok_and(|wanted| wanted == point) {
        std::process::abort();
    }
}

/// Exclusive right to write a dataset's versions, held until dropped. The
/// operating system releases the lock if the process dies.
pub struct WriteLock {
    _file: File,
    versions_dir: PathBuf,
}

impl WriteLock {
    /// Takes the lock, creating the versions folder if needed, and removes
    /// staging folders that a killed writer left behind.
    pub fn acquire(dataset_dir: &Path) -> Result<Self> {
        let versions_dir = dataset_dir.join(VERSIONS_DIR);
        let not_writable = |source| Error::NotWritable {
            path: versions_dir.clone(),
            source,
        };
        std::fs::create_dir_all(&versions_dir).map_err(not_writable)?;
        let lock_path = versions_dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(not_writable)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Locked { path: lock_path })
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(lock_path, e)),
        }
        for entry in std::fs::read_dir(&versions_dir).at(&versions_dir)? {
            let entry = entry.at(&versions_dir)?;
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(STAGING_PREFIX)
            {
                std::fs::remove_dir_all(entry.path()).at(entry.path())?;
            }
        }
        Ok(WriteLock {
            _file: file,
            versions_dir,
        })
    }

    /// A fresh, hidden folder to write version `n` into.
    pub fn staging(&self, n: u32) -> Result<PathBuf> {
        let dir = self
            .versions_dir
            .join(format!("{STAGING_PREFIX}{}", version_name(n)));
        std::fs::create_dir(&dir).map_err(|source| Error::NotWritable {
            path: dir.clone(),
            source,
        })?;
        Ok(dir)
    }

    /// Makes a staged version visible as `vNNNN`: syncs the staging folder,
    /// renames it, and syncs the versions folder so the rename is durable.
    pub fn publish(&self, staging: &Path, n: u32) -> Result<PathBuf> {
        let target = self.versions_dir.join(version_name(n));
        if target.exists() {
            return Err(Error::AlreadyExists { path: target });
        }
        sync_dir(staging)?;
        fault_point("before-rename");
        std::fs::rename(staging, &target).at(&target)?;
        sync_dir(&self.versions_dir)?;
        Ok(target)
    }
}

/// Writes a whole file and syncs it to disk.
pub fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = File::create(path).map_err(|source| Error::NotWritable {
        path: path.to_path_buf(),
        source,
    })?;
    file.write_all(bytes).at(path)?;
    file.sync_all().at(path)
}

/// Syncs a folder, so that the entries created or renamed in it are durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).at(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names_round_trip() {
        assert_eq!(version_name(7), "v0007");
        assert_eq!(parse_version_name("v0007"), Some(7));
        assert_eq!(parse_version_name("v12345"), Some(12345));
        assert_eq!(parse_version_name("v07"), None);
        assert_eq!(parse_version_name(".staging-v0007"), None);
    }
}
