use serde::{Deserialize, Serialize};

/// Where a translation slot stands, in increasing order of trust (so
/// `--min-status done` means done or reviewed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

    /// Whether a slot of this status must carry the name of who translated it.
    pub fn needs_translator(self) -> bool {
        matches!(self, SlotStatus::Done | SlotStatus::Reviewed)
    }
}

/// Who produced a translation's text.
pub mod origin {
    /// Typed in by a translator (imported).
    pub const HUMAN: &str = "human";
    /// Copied from another sentence with the same normalised source text.
    pub const TRANSLATION_MEMORY: &str = "tm";
    /// Written by a machine translation system (`slots import --status
    /// machine`).
    pub const MACHINE: &str = "machine";
    /// Every origin the schema admits.
    pub const ALL: [&str; 3] = [HUMAN, MACHINE, TRANSLATION_MEMORY];
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
    /// The slot's status; an unknown string (which `validate` reports) counts as empty.
    pub fn slot_status(&self) -> SlotStatus {
        SlotStatus::parse(&self.status).unwrap_or(SlotStatus::Empty)
    }

    /// Whether the slot holds a translation.
    pub fn is_filled(&self) -> bool {
        self.text.is_some()
    }

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
