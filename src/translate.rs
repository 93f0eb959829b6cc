//! Translation slots: one per sentence that is to be translated, and the
//! translation memory that carries translators' work from one version to
//! the next.
//!
//! Carry-over on rebuild ([`Memory`]): a translation moves, as it was, to
//! the sentence of the same document with the same normalised text (the
//! sentence with its old id first: ids shift when the splitter changes).
//! Any other slot whose normalised source text was translated before (in
//! another document, or in an orphan) gets that translation as a `tm` draft
//! for a human to confirm.
//! Every earlier translation that lands nowhere becomes an [`Orphan`], with
//! its source text, so nothing a translator typed is ever dropped.

use std::collections::{HashMap, HashSet};

use crate::error::Result;
use crate::model::{ids, origin, orphan_reason, Orphan, Sentence, SlotStatus, TranslationSlot};
use crate::version::Version;

/// The slots for a document's sentences, in sentence order: an empty slot
/// for every sentence whose `translate` flag is set.
pub fn slots_for(sentences: &[Sentence]) -> Vec<TranslationSlot> {
    sentences
        .iter()
        .filter(|s| s.translate)
        .map(|s| TranslationSlot::empty(s.sentence_id.clone(), s.text_sha256.clone()))
        .collect()
}

/// An earlier translation that a new version may take up.
#[derive(Debug, Clone)]
struct Earlier {
    /// The translation, as it stood in its slot.
    slot: TranslationSlot,
    source_text: String,
    source_norm_sha256: String,
    /// Set when this translation is already an orphan.
    orphan: Option<Orphan>,
}

impl Earlier {
    /// Which of two translations of the same normalised source a new slot
    /// takes: live before orphaned, then the more trusted status, then human
    /// work before memory copies, then the lower sentence id.
    fn preference(&self) -> impl Ord + '_ {
        (
            self.orphan.is_some(),
            std::cmp::Reverse(self.slot.slot_status()),
            self.slot.origin.as_deref() == Some(origin::TRANSLATION_MEMORY),
            self.slot.sentence_id.as_str(),
        )
    }
}

/// What carry-over did, for the build summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CarryCounts {
    /// Translations kept as they were, by the same sentence of the same document.
    pub kept: u64,
    /// Empty slots filled from another sentence with the same normalised source.
    pub from_memory: u64,
}

/// The translations of the version a build starts from.
#[derive(Debug, Default)]
pub struct Memory {
    earlier: Vec<Earlier>,
    by_sentence: HashMap<String, usize>,
    /// Live translations by (document, normalised source), not yet moved.
    by_place: HashMap<(String, String), Vec<usize>>,
    by_norm: HashMap<String, usize>,
    /// (normalised source, text) of every translation that found a slot.
    landed: HashSet<(String, String)>,
    /// Normalised sources of earlier translations seen in the new version.
    seen: HashSet<String>,
    counts: CarryCounts,
}

impl Memory {
    /// The filled slots and orphans of `version`, with their source texts.
    /// Streams the sentences table only when some slot is filled.
    pub fn of(version: &Version) -> Result<Memory> {
        let mut filled = Vec::new();
        for slot in version.rows::<TranslationSlot>()? {
            let slot = slot?;
            if slot.is_filled() {
                filled.push(slot);
            }
        }
        let mut earlier = Vec::with_capacity(filled.len());
        if !filled.is_empty() {
            let mut slots = filled.into_iter().peekable();
            for sentence in version.rows::<Sentence>()? {
                let sentence = sentence?;
                if let Some(slot) = slots.next_if(|s| s.sentence_id == sentence.sentence_id) {
                    earlier.push(Earlier {
                        slot,
                        source_text: sentence.text,
                        source_norm_sha256: sentence.norm_sha256,
                        orphan: None,
                    });
                }
            }
        }
        for orphan in version.rows::<Orphan>()? {
            let orphan = orphan?;
            earlier.push(Earlier {
                slot: TranslationSlot {
                    sentence_id: orphan.sentence_id.clone(),
                    source_sha256: orphan.source_sha256.clone(),
                    text: Some(orphan.text.clone()),
                    status: orphan.status.clone(),
                    origin: orphan.origin.clone(),
                    translator: orphan.translator.clone(),
                    updated_at: orphan.updated_at.clone(),
                },
                source_text: orphan.source_text.clone(),
                source_norm_sha256: orphan.source_norm_sha256.clone(),
                orphan: Some(orphan),
            });
        }
        Ok(Memory::from_earlier(earlier))
    }

    fn from_earlier(earlier: Vec<Earlier>) -> Memory {
        let mut by_sentence = HashMap::new();
        let mut by_place: HashMap<(String, String), Vec<usize>> = HashMap::new();
        let mut by_norm: HashMap<String, usize> = HashMap::new();
        for (i, e) in earlier.iter().enumerate() {
            if e.orphan.is_none() {
                by_sentence.insert(e.slot.sentence_id.clone(), i);
                let doc = ids::doc_of_sentence(&e.slot.sentence_id).to_string();
                by_place
                    .entry((doc, e.source_norm_sha256.clone()))
                    .or_default()
                    .push(i);
            }
            by_norm
                .entry(e.source_norm_sha256.clone())
                .and_modify(|best| {
                    if e.preference() < earlier[*best].preference() {
                        *best = i;
                    }
                })
                .or_insert(i);
        }
        // Moved in sentence order: the first new sentence takes the first old one.
        for places in by_place.values_mut() {
            places.reverse();
        }
        Memory {
            earlier,
            by_sentence,
            by_place,
            by_norm,
            ..Memory::default()
        }
    }

    /// Whether there is nothing to carry over.
    pub fn is_empty(&self) -> bool {
        self.earlier.is_empty()
    }

    /// Fills a document's new, empty slots from the memory. `sentences` are
    /// the document's sentences and `slots` its slots, both in id order.
    pub fn fill(&mut self, sentences: &[Sentence], slots: &mut [TranslationSlot]) {
        if self.is_empty() {
            return;
        }
        let mut slots = slots.iter_mut().peekable();
        for sentence in sentences {
            let Some(slot) = slots.next_if(|s| s.sentence_id == sentence.sentence_id) else {
                continue;
            };
            if self.by_norm.contains_key(&sentence.norm_sha256) {
                self.seen.insert(sentence.norm_sha256.clone());
            }
            let place = (sentence.doc_id.clone(), sentence.norm_sha256.clone());
            let own = self
                .by_sentence
                .get(&sentence.sentence_id)
                .copied()
                .filter(|&i| self.earlier[i].source_norm_sha256 == sentence.norm_sha256);
            let moved = own.or_else(|| self.by_place.get_mut(&place).and_then(Vec::pop));
            if let (Some(i), Some(places)) = (own, self.by_place.get_mut(&place)) {
                places.retain(|&p| p != i);
            }
            let (earlier, kept) = match moved {
                Some(i) => (&self.earlier[i], true),
                None => match self.by_norm.get(&sentence.norm_sha256) {
                    Some(&i) => (&self.earlier[i], false),
                    None => continue,
                },
            };
            let text = earlier.slot.text.clone();
            slot.text = text.clone();
            slot.translator = earlier.slot.translator.clone();
            slot.updated_at = earlier.slot.updated_at.clone();
            if kept {
                slot.status = earlier.slot.status.clone();
                slot.origin = earlier.slot.origin.clone();
                self.counts.kept += 1;
            } else {
                slot.status = SlotStatus::Draft.as_str().to_string();
                slot.origin = Some(origin::TRANSLATION_MEMORY.to_string());
                self.counts.from_memory += 1;
            }
            self.landed
                .insert((sentence.norm_sha256.clone(), text.unwrap_or_default()));
        }
    }

    /// The earlier translations that found no slot, as orphans sorted by id:
    /// old orphans as they were, new ones marked as orphaned in `version`.
    pub fn finish(self, version: &str) -> (Vec<Orphan>, CarryCounts) {
        let Memory {
            earlier,
            landed,
            seen,
            counts,
            ..
        } = self;
        let mut orphans: Vec<Orphan> = earlier
            .into_iter()
            .filter(|e| {
                let text = e.slot.text.clone().unwrap_or_default();
                !landed.contains(&(e.source_norm_sha256.clone(), text))
            })
            .map(|e| match e.orphan {
                Some(orphan) => orphan,
                None => {
                    let reason = if seen.contains(&e.source_norm_sha256) {
                        orphan_reason::DISPLACED
                    } else {
                        orphan_reason::SOURCE_GONE
                    };
                    Orphan {
                        orphan_id: Orphan::id_of(&e.slot.sentence_id, version),
                        sentence_id: e.slot.sentence_id,
                        orphaned_in: version.to_string(),
                        reason: reason.to_string(),
                        source_text: e.source_text,
                        source_sha256: e.slot.source_sha256,
                        source_norm_sha256: e.source_norm_sha256,
                        text: e.slot.text.unwrap_or_default(),
                        status: e.slot.status,
                        origin: e.slot.origin,
                        translator: e.slot.translator,
                        updated_at: e.slot.updated_at,
                    }
                }
            })
            .collect();
        orphans.sort_by(|a, b| a.orphan_id.cmp(&b.orphan_id));
        (orphans, counts)
    }
}
