//! Typed errors of the library. Every variant names the file (and where it
//! helps, the line or row) so the message tells the person who must fix the
//! input where to look; the CLI maps them to exit code 2.

use std::path::PathBuf;

/// The library's error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: not a dataset folder: dataset.toml is missing (create one with `tarjama init {dir}`)", dir = .path.parent().map(|p| p.display().to_string()).unwrap_or_default())]
    MissingConfig { path: PathBuf },

    #[error("{path}: invalid dataset settings: {message}")]
    Config { path: PathBuf, message: String },

    #[error("{path}: the raw folder is missing or unreadable ({source}); put the articles there or set `raw` in dataset.toml")]
    RawFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: cannot write here ({source}); check that its folder exists, its permissions and the free space")]
    NotWritable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: another tarjama process is writing this dataset (lock file present); if none is running, delete the lock file")]
    Locked { path: PathBuf },

    #[error("{path}: {message}")]
    Parquet { path: PathBuf, message: String },

    #[error("{path}:{line}: {message}")]
    Jsonl {
        path: PathBuf,
        line: u64,
        message: String,
    },

    #[error("{path}: {message}")]
    Manifest { path: PathBuf, message: String },

    #[error("{path}:{line}: {message}")]
    Glossary {
        path: PathBuf,
        line: u64,
        message: String,
    },

    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },

    /// A shard result a merge cannot use.
    #[error("{path}: {message}")]
    Shard { path: PathBuf, message: String },

    #[error("{path}: already exists; choose another folder or remove it first")]
    AlreadyExists { path: PathBuf },

    #[error("{0}")]
    Usage(String),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// True when output went to a closed pipe (`tarjama log | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Adds the path to an I/O result, the one piece of context an I/O error lacks.
pub trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| Error::io(path, source))
    }
}
