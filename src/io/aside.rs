//! Output files that appear whole or not at all.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use crate::error::{Error, IoContext, Result};

/// Writes a file through `write` into a hidden file beside `path`, syncs
/// it, and renames it into place only when all went well.
pub fn write_aside(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    refuse_a_folder(path, "the file to write")?;
    let name = path
        .file_name()
        .map_or("export".into(), |n| n.to_string_lossy());
    let partial = path.with_file_name(format!(".{name}.partial"));
    // The error names the file asked for: the hidden one is ours.
    let file = File::create(&partial).map_err(|source| Error::NotWritable {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = BufWriter::new(file);
    let written = write(&mut out).and_then(|()| {
        let file = out
            .into_inner()
            .map_err(|e| Error::io(&partial, e.into_error()))?;
        file.sync_all().at(&partial)
    });
    let published = written.and_then(|()| std::fs::rename(&partial, path).at(path));
    if published.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    published
}

/// Refuses an output path that names a folder (an existing one, or one
/// written with a trailing `/`): `-o` names `what`.
pub fn refuse_a_folder(path: &Path, what: &str) -> Result<()> {
    let shown = path.display().to_string();
    if path.is_dir() || shown.ends_with(std::path::MAIN_SEPARATOR) || shown.ends_with('/') {
        return Err(Error::Usage(format!(
            "{shown}: a folder; -o names {what}, for example {}",
            path.join("export").display()
        )));
    }
    Ok(())
}
