//! Output files that appear whole or not at all.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};

/// Writes a file through `write` into a hidden file beside `path`, syncs
/// it, and renames it into place only when all went well.
pub fn write_aside(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let mut aside = AsideFile::create(path)?;
    write(aside.out())?;
    aside.publish()
}

/// A file being written beside its place, for writers that cannot hand
/// all their writing to one closure: it appears at its path on
/// [`AsideFile::publish`], and a dropped one leaves nothing.
pub struct AsideFile {
    path: PathBuf,
    partial: PathBuf,
    out: Option<BufWriter<File>>,
}

impl AsideFile {
    pub fn create(path: &Path) -> Result<AsideFile> {
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
        Ok(AsideFile {
            path: path.to_path_buf(),
            partial,
            out: Some(BufWriter::new(file)),
        })
    }

    pub fn out(&mut self) -> &mut BufWriter<File> {
        self.out.as_mut().expect("only publish takes the writer")
    }

    /// Syncs the file and renames it into place.
    pub fn publish(mut self) -> Result<()> {
        let out = self.out.take().expect("published once");
        let file = out
            .into_inner()
            .map_err(|e| Error::io(&self.partial, e.into_error()))?;
        file.sync_all().at(&self.partial)?;
        std::fs::rename(&self.partial, &self.path).at(&self.path)
    }
}

impl Drop for AsideFile {
    fn drop(&mut self) {
        // Published, the partial file is gone; otherwise it must not stay.
        if self.partial.exists() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
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
