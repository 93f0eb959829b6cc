//! The data model every stage shares: plain rows, one struct per table, no
//! I/O. Offsets everywhere are half-open Unicode code point offsets into the
//! document's stored `text` (what Python's `text[start:end]` slices).

mod document;
mod entity;
pub mod ids;
mod manifest;
mod orphan;
mod sentence;
mod translation;

pub use document::{Changes, Document};
pub use entity::{Entity, EntityOrigin, Label};
pub use manifest::{
    Audit, FileEntry, ImportRecord, InputEntry, Languages, Manifest, ParentRef, SkippedInput,
    SplitAudit, TableContent, ToolRef, MANIFEST_FORMAT_VERSION,
};
pub use orphan::{orphan_reason, Orphan};
pub use sentence::{Role, Sentence};
pub use translation::{origin, SlotStatus, TranslationSlot};
