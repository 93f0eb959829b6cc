use serde::{Deserialize, Serialize};

/// What a sentence is within its article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The headline.
    Title,
    /// Article text.
    Body,
    /// Text that is not part of the article (mastheads, repeated lines, tag lists).
    Boilerplate,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Title, Role::Body, Role::Boilerplate];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Body => "body",
            Role::Boilerplate => "boilerplate",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A sentence: a span of its document's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub sentence_id: String,
    pub doc_id: String,
    /// 0-based position in the document.
    pub index: i32,
    /// Code point offset into the document text, inclusive.
    pub start: i32,
    /// Code point offset into the document text, exclusive.
    pub end: i32,
    /// Exactly the document text `[start, end)`.
    pub text: String,
    /// sha256 of `text` as UTF-8; translations record it to detect staleness.
    pub text_sha256: String,
    /// sha256 of the normalised view of `text`: sentences that share it are
    /// the same sentence (syndicated wire copy) and are translated once.
    pub norm_sha256: String,
    /// `title`, `body` or `boilerplate`.
    pub role: String,
    /// Whether the sentence gets a translation slot.
    pub translate: bool,
    /// Its document's split. Versions written before the column existed lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
}
