//! Ingestion: from the raw folder to cleaned document texts.
//!
//! Every file under the raw folder either becomes a document or is returned
//! as skipped with a reason; one bad file never stops the run. Cleaning goes
//! through [`AlignedText`], so the cleaned text keeps an alignment back to
//! the decoded raw text.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{ids, InputEntry, SkippedInput};
use crate::text::AlignedText;

/// File extensions read as one article each.
const TEXT_EXTENSIONS: &[&str] = &["txt"];

/// Offsets are stored as int32, so no document may be longer.
pub const MAX_DOCUMENT_CHARS: usize = i32::MAX as usize;

/// A raw file that will be read, with the document id it will get.
#[derive(Debug, Clone)]
pub struct RawFile {
    pub path: PathBuf,
    /// Relative to the dataset folder, `/`-separated.
    pub rel_path: String,
    pub doc_id: String,
}

/// The raw folder's files, in document id order, and those that cannot be read as articles.
#[derive(Debug, Default)]
pub struct InputListing {
    pub files: Vec<RawFile>,
    pub skipped: Vec<SkippedInput>,
}

/// A decoded and cleaned article, before segmentation.
#[derive(Debug)]
pub struct CleanText {
    pub doc_id: String,
    pub source_path: String,
    pub source_sha256: String,
    pub source_encoding: String,
    /// Cleaned text with its alignment back to the decoded raw text.
    pub aligned: AlignedText,
}

/// What became of one raw file.
#[derive(Debug)]
pub struct Ingested {
    /// The file's hash and size, when it could be read at all.
    pub input: Option<InputEntry>,
    pub outcome: std::result::Result<CleanText, SkippedInput>,
}

/// Lists the raw folder recursively. Files are ordered by the id of the
/// document they become; a second file mapping to an id already taken is
/// skipped with a reason rather than silently overwriting the first.
pub fn list_inputs(dataset_dir: &Path, raw_dir: &Path) -> Result<InputListing> {
    let mut paths = Vec::new();
    walk(raw_dir, &mut paths)?;
    let mut listing = InputListing::default();
    let mut candidates = Vec::new();
    for path in paths {
        let rel_path = relative(dataset_dir, &path);
        let rel_to_raw = path.strip_prefix(raw_dir).unwrap_or(&path);
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let hidden = rel_to_raw
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if hidden {
            listing.skipped.push(skip(&rel_path, "hidden-file", "hidden file (name starts with '.'): not read as an article; rename it to include it"));
        } else if !TEXT_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str()) {
            listing.skipped.push(skip(
                &rel_path,
                "unsupported-format",
                &format!("unsupported file type {extension:?}: tarjama reads .txt articles; convert the file or move it out of the raw folder"),
            ));
        } else {
            let stem = rel_to_raw.with_extension("");
            let stem = stem
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/");
            let doc_id = ids::doc_id_from_stem(&stem.replace('/', "."));
            candidates.push(RawFile {
                path,
                rel_path,
                doc_id,
            });
        }
    }
    candidates.sort_by(|a, b| (&a.doc_id, &a.rel_path).cmp(&(&b.doc_id, &b.rel_path)));
    for file in candidates {
        match listing.files.last() {
            Some(previous) if previous.doc_id == file.doc_id => {
                let reason = format!(
                    "its document id {:?} is already taken by {}; rename one of the two files",
                    file.doc_id, previous.rel_path
                );
                listing
                    .skipped
                    .push(skip(&file.rel_path, "duplicate-id", &reason));
            }
            _ => listing.files.push(file),
        }
    }
    listing.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(listing)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::RawFolder {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut children = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::RawFolder {
            path: dir.to_path_buf(),
            source,
        })?;
        children.push(entry.path());
    }
    children.sort();
    for child in children {
        if child.is_dir() {
            walk(&child, out)?;
        } else {
            out.push(child);
        }
    }
    Ok(())
}

/// `path` relative to `base`, `/`-separated (or the whole path when outside it).
pub fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn skip(path: &str, code: &str, reason: &str) -> SkippedInput {
    SkippedInput {
        path: path.to_string(),
        code: code.to_string(),
        reason: reason.to_string(),
    }
}

/// Reads, decodes and cleans one raw file.
pub fn ingest(file: &RawFile) -> Ingested {
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Ingested {
                input: None,
                outcome: Err(skip(
                    &file.rel_path,
                    "unreadable",
                    &format!("cannot read the file ({e}); check its permissions"),
                )),
            }
        }
    };
    let source_sha256 = hex::encode(Sha256::digest(&bytes));
    let input = Some(InputEntry {
        path: file.rel_path.clone(),
        sha256: source_sha256.clone(),
        bytes: bytes.len() as u64,
    });
    let outcome = decode(&bytes)
        .map_err(|(code, reason)| skip(&file.rel_path, code, &reason))
        .and_then(|(decoded, encoding)| {
            let aligned = clean(&decoded);
            if aligned.text().trim().is_empty() {
                return Err(skip(
                    &file.rel_path,
                    "empty",
                    "the file holds no text (empty or whitespace only)",
                ));
            }
            if aligned.char_len() > MAX_DOCUMENT_CHARS {
                return Err(skip(
                    &file.rel_path,
                    "too-large",
                    &format!("{} code points exceed the {MAX_DOCUMENT_CHARS} a document may hold (offsets are 32-bit); split the file", aligned.char_len()),
                ));
            }
            Ok(CleanText {
                doc_id: file.doc_id.clone(),
                source_path: file.rel_path.clone(),
                source_sha256: source_sha256.clone(),
                source_encoding: encoding.to_string(),
                aligned,
            })
        });
    Ingested { input, outcome }
}

/// Decodes raw bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM.
/// Anything else is refused with a reason naming the byte offset.
fn decode(bytes: &[u8]) -> std::result::Result<(String, &'static str), (&'static str, String)> {
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => {
            Some((rest, "UTF-16LE", u16::from_le_bytes as fn([u8; 2]) -> u16))
        }
        [0xFE, 0xFF, rest @ ..] => {
            Some((rest, "UTF-16BE", u16::from_be_bytes as fn([u8; 2]) -> u16))
        }
        _ => None,
    };
    if let Some((rest, label, to_unit)) = utf16 {
        if rest.len() % 2 != 0 {
            return Err((
                "not-text",
                format!(
                    "{label} text with an odd number of bytes ({}): the file is truncated",
                    bytes.len()
                ),
            ));
        }
        let units = rest.chunks_exact(2).map(|pair| to_unit([pair[0], pair[1]]));
        let mut text = String::with_capacity(rest.len());
        for (i, unit) in char::decode_utf16(units).enumerate() {
            match unit {
                Ok(c) => text.push(c),
                Err(_) => {
                    return Err((
                        "invalid-encoding",
                        format!(
                            "invalid {label} at byte {}: an unpaired surrogate; re-export the file",
                            2 + 2 * i
                        ),
                    ))
                }
            }
        }
        return Ok((text, label));
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err((
            "binary",
            format!("NUL byte at byte {nul}: this is not a text file"),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), "UTF-8")),
        Err(e) => Err((
            "invalid-encoding",
            format!(
                "not valid UTF-8 at byte {}: convert the file to UTF-8",
                e.valid_up_to()
            ),
        )),
    }
}

/// The cleaning steps, in order: BOM, line ends, NFC.
fn clean(decoded: &str) -> AlignedText {
    let text = AlignedText::new(decoded);
    let (text, _) = text.strip_bom();
    let (text, _) = text.unify_line_ends();
    let (text, _) = text.nfc();
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_bom_decodes() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "سلام".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), ("سلام".to_string(), "UTF-16LE"));
    }

    #[test]
    fn invalid_utf8_names_the_byte() {
        let err = decode(b"abc\xffdef").unwrap_err();
        assert_eq!(err.0, "invalid-encoding");
        assert!(err.1.contains("at byte 3"), "{}", err.1);
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert_eq!(decode(b"ab\0").unwrap_err().0, "binary");
    }

    #[test]
    fn cleaning_strips_bom_and_crlf() {
        assert_eq!(clean("\u{feff}أ\r\nب").text(), "أ\nب");
    }
}
