use serde::{Deserialize, Serialize};

/// Why a translation became an orphan.
pub mod orphan_reason {
    /// No sentence of the new version has the translated source text.
    pub const SOURCE_GONE: &str = "source-gone";
    /// The source text still exists, but its slot took another translation.
    pub const DISPLACED: &str = "displaced";
}

/// A translation whose source sentence no longer exists (a raw file or the
/// splitter changed). It is kept, with its source text, so that nothing a
/// translator typed is lost; a later version whose sentence has the same
/// normalised text takes it back as a translation-memory draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Orphan {
    /// `sentence_id@orphaned_in`: unique, since a sentence id has one
    /// translation per version.
    pub orphan_id: String,
    /// The sentence the text translated, in the version before `orphaned_in`.
    pub sentence_id: String,
    /// The first version without a place for this translation.
    pub orphaned_in: String,
    /// One of [`orphan_reason`]'s strings.
    pub reason: String,
    /// The Arabic sentence that was translated.
    pub source_text: String,
    pub source_sha256: String,
    pub source_norm_sha256: String,
    /// The English translation.
    pub text: String,
    pub status: String,
    pub origin: Option<String>,
    pub translator: Option<String>,
    pub updated_at: Option<String>,
}

impl Orphan {
    /// The id of the orphan of `sentence_id`'s translation, made in version `orphaned_in`.
    pub fn id_of(sentence_id: &str, orphaned_in: &str) -> String {
        format!("{sentence_id}@{orphaned_in}")
    }
}
