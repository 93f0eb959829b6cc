use serde::{Deserialize, Serialize};

/// Where a translation slot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotStatus {
    Empty,
    Machine,
    Draft,
    Done,
    Reviewed,
}

impl SlotStatus {
    pub const ALL: [SlotStatus; 5] = [
        SlotStatus::Empty,
        SlotStatus::Machine,
        SlotStatus::Draft,
        SlotStatus::Done,
        SlotStatus::Reviewed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SlotStatus::Empty => "empty",
            SlotStatus::Machine => "machine",
            SlotStatus::Draft => "draft",
            SlotStatus::Done => "done",
            SlotStatus::Reviewed => "reviewed",
        }
    }

    pub fn parse(s: &str) -> Option<SlotStatus> {
        SlotStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// The English translation slot of one sentence that is to be translated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranslationSlot {
    pub sentence_id: String,
    /// The sentence's `text_sha256` when this slot was last written; a
    /// different current hash means the translation is stale.
    pub source_sha256: String,
    /// The English text; null until filled.
    pub text: Option<String>,
    /// One of [`SlotStatus`]'s strings.
    pub status: String,
    /// Who produced the text (`human`, `machine`, `tm`); null while empty.
    pub origin: Option<String>,
    pub translator: Option<String>,
    /// RFC 3339 time of the last write; null while empty.
    pub updated_at: Option<String>,
}

impl TranslationSlot {
    /// A new, unfilled slot for a sentence with hash `source_sha256`.
    pub fn empty(sentence_id: String, source_sha256: String) -> Self {
        TranslationSlot {
            sentence_id,
            source_sha256,
            text: None,
            status: SlotStatus::Empty.as_str().to_string(),
            origin: None,
            translator: None,
            updated_at: None,
        }
    }
}
