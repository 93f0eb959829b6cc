//! `status`: how far translation has come, overall and per document.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::model::{ids, SlotStatus, TranslationSlot};
use crate::version::{Purpose, Version};

/// Slots counted by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StatusCounts {
    pub slots: u64,
    /// By status, in the order empty, machine, draft, done, reviewed.
    pub by_status: BTreeMap<&'static str, u64>,
    /// Done or reviewed.
    pub finished: u64,
}

impl StatusCounts {
    fn add(&mut self, status: SlotStatus) {
        self.slots += 1;
        *self.by_status.entry(status.as_str()).or_default() += 1;
        if status >= SlotStatus::Done {
            self.finished += 1;
        }
    }

    /// The share of slots done or reviewed, 0 to 1.
    pub fn share_finished(&self) -> f64 {
        if self.slots == 0 {
            0.0
        } else {
            self.finished as f64 / self.slots as f64
        }
    }

    /// The count of one status.
    pub fn count(&self, status: SlotStatus) -> u64 {
        self.by_status.get(status.as_str()).copied().unwrap_or(0)
    }
}

/// The translation status of a version.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Status {
    pub version: String,
    pub overall: StatusCounts,
    /// Translations kept in the orphans table.
    pub orphans: u64,
}

/// Counts the slots of `version` (one pass over the translations table),
/// which must match its manifest: counts of damaged data would mislead.
/// The table is in document order, so each document's counts go to `each`
/// as soon as they are whole, in id order, and memory does not grow with
/// the number of documents.
pub fn status(
    version: &Version,
    mut each: impl FnMut(&str, &StatusCounts) -> Result<()>,
) -> Result<Status> {
    version.check_integrity(Purpose::Report)?;
    let mut status = Status {
        version: version.name().to_string(),
        ..Status::default()
    };
    let mut document: Option<(String, StatusCounts)> = None;
    for slot in version.rows::<TranslationSlot>()? {
        let slot = slot?;
        let s = slot.slot_status();
        status.overall.add(s);
        let doc = ids::doc_of_sentence(&slot.sentence_id);
        match &mut document {
            Some((id, counts)) if id == doc => counts.add(s),
            _ => {
                if let Some((id, counts)) = document.take() {
                    each(&id, &counts)?;
                }
                let mut counts = StatusCounts::default();
                counts.add(s);
                document = Some((doc.to_string(), counts));
            }
        }
    }
    if let Some((id, counts)) = document {
        each(&id, &counts)?;
    }
    status.orphans = version
        .manifest
        .table_rows(<crate::model::Orphan as crate::table::Table>::NAME);
    Ok(status)
}
