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
use crate::io::hash::digest128;
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
    /// Known for an old orphan; a live translation's is read again only if
    /// it becomes an orphan, so the memory does not hold every source.
    source_text: Option<String>,
    source_norm_sha256: String,
    /// Set when this translation is already an orphan; boxed, as most are
    /// not and an orphan's fields would triple the size of every entry.
    orphan: Option<Box<Orphan>>,
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
    /// Live translations, as indices into `earlier` sorted by sentence id.
    by_sentence: Vec<usize>,
    /// Live translations by (document, normalised source), not yet moved.
    /// Keys here and below are [`digest`]s, not the strings: the memory
    /// holds every translation of the version, and a rebuild should not
    /// hold them several times over.
    by_place: HashMap<Key, Vec<usize>>,
    /// The preferred translation of each normalised source.
    by_norm: HashMap<Key, usize>,
    /// (normalised source, text) of every translation that found a slot.
    landed: HashSet<Key>,
    /// Normalised sources of earlier translations seen in the new version.
    seen: HashSet<Key>,
    counts: CarryCounts,
    /// The version the translations come from, to read new orphans'
    /// sources from.
    from: Option<Version>,
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
                        source_text: None,
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
                source_text: Some(orphan.source_text.clone()),
                source_norm_sha256: orphan.source_norm_sha256.clone(),
                orphan: Some(Box::new(orphan)),
            });
        }
        Ok(Memory {
            from: Some(version.clone()),
            ..Memory::from_earlier(earlier)
        })
    }

    fn from_earlier(earlier: Vec<Earlier>) -> Memory {
        let mut by_sentence = Vec::new();
        let mut by_place: HashMap<Key, Vec<usize>> = HashMap::new();
        let mut by_norm: HashMap<Key, usize> = HashMap::new();
        for (i, e) in earlier.iter().enumerate() {
            if e.orphan.is_none() {
                by_sentence.push(i);
                let doc = ids::doc_of_sentence(&e.slot.sentence_id);
                by_place
                    .entry(digest128(&[doc, &e.source_norm_sha256]))
                    .or_default()
                    .push(i);
            }
            by_norm
                .entry(digest128(&[&e.source_norm_sha256]))
                .and_modify(|best| {
                    if e.preference() < earlier[*best].preference() {
                        *best = i;
                    }
                })
                .or_insert(i);
        }
        by_sentence.sort_by(|&a, &b| {
            earlier[a]
                .slot
                .sentence_id
                .cmp(&earlier[b].slot.sentence_id)
        });
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
            let norm = digest128(&[&sentence.norm_sha256]);
            if self.by_norm.contains_key(&norm) {
                self.seen.insert(norm);
            }
            let place = digest128(&[&sentence.doc_id, &sentence.norm_sha256]);
            let own = self
                .by_sentence
                .binary_search_by(|&i| {
                    self.earlier[i]
                        .slot
                        .sentence_id
                        .as_str()
                        .cmp(&sentence.sentence_id)
                })
                .ok()
                .map(|k| self.by_sentence[k])
                .filter(|&i| self.earlier[i].source_norm_sha256 == sentence.norm_sha256);
            let moved = own.or_else(|| self.by_place.get_mut(&place).and_then(Vec::pop));
            if let (Some(i), Some(places)) = (own, self.by_place.get_mut(&place)) {
                places.retain(|&p| p != i);
            }
            let (earlier, kept) = match moved {
                Some(i) => (&self.earlier[i], true),
                None => match self.by_norm.get(&norm) {
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
                // A copy is a draft to check, and machine output stays
                // machine output.
                let status = earlier.slot.slot_status().min(SlotStatus::Draft);
                slot.status = status.as_str().to_string();
                slot.origin = Some(origin::TRANSLATION_MEMORY.to_string());
                self.counts.from_memory += 1;
            }
            self.landed.insert(digest128(&[
                &sentence.norm_sha256,
                text.as_deref().unwrap_or_default(),
            ]));
        }
    }

    /// The earlier translations that found no slot, as orphans sorted by id:
    /// old orphans as they were, new ones marked as orphaned in `version`,
    /// their sources read from the version the memory came from.
    pub fn finish(self, version: &str) -> Result<(Vec<Orphan>, CarryCounts)> {
        let Memory {
            earlier,
            landed,
            seen,
            counts,
            from,
            ..
        } = self;
        let lost: Vec<Earlier> = earlier
            .into_iter()
            .filter(|e| {
                let text = e.slot.text.as_deref().unwrap_or_default();
                !landed.contains(&digest128(&[&e.source_norm_sha256, text]))
            })
            .collect();
        let unread: HashSet<&str> = lost
            .iter()
            .filter(|e| e.source_text.is_none())
            .map(|e| e.slot.sentence_id.as_str())
            .collect();
        let mut sources: HashMap<String, String> = HashMap::new();
        if let (false, Some(from)) = (unread.is_empty(), &from) {
            for sentence in from.rows::<Sentence>()? {
                let sentence = sentence?;
                if unread.contains(sentence.sentence_id.as_str()) {
                    sources.insert(sentence.sentence_id, sentence.text);
                }
            }
        }
        let mut orphans: Vec<Orphan> = lost
            .into_iter()
            .map(|e| match e.orphan {
                Some(orphan) => *orphan,
                None => {
                    let reason = if seen.contains(&digest128(&[&e.source_norm_sha256])) {
                        orphan_reason::DISPLACED
                    } else {
                        orphan_reason::SOURCE_GONE
                    };
                    let source_text = e
                        .source_text
                        .or_else(|| sources.remove(&e.slot.sentence_id))
                        .unwrap_or_default();
                    Orphan {
                        orphan_id: Orphan::id_of(&e.slot.sentence_id, version),
                        sentence_id: e.slot.sentence_id,
                        orphaned_in: version.to_string(),
                        reason: reason.to_string(),
                        source_text,
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
        Ok((orphans, counts))
    }
}

/// A [`digest128`] of strings the memory would otherwise copy.
type Key = [u8; 16];

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(id: &str, norm: &str) -> Sentence {
        Sentence {
            sentence_id: id.to_string(),
            doc_id: ids::doc_of_sentence(id).to_string(),
            index: 0,
            start: 0,
            end: 1,
            text: format!("text of {norm}"),
            text_sha256: format!("sha of {norm}"),
            norm_sha256: norm.to_string(),
            role: "body".to_string(),
            translate: true,
            split: None,
        }
    }

    fn translated(id: &str, norm: &str, text: &str, status: SlotStatus) -> Earlier {
        Earlier {
            slot: TranslationSlot {
                text: Some(text.to_string()),
                status: status.as_str().to_string(),
                origin: Some(origin::HUMAN.to_string()),
                translator: Some("amal".to_string()),
                updated_at: Some("2026-01-01T00:00:00Z".to_string()),
                ..TranslationSlot::empty(id.to_string(), format!("sha of {norm}"))
            },
            source_text: Some(format!("text of {norm}")),
            source_norm_sha256: norm.to_string(),
            orphan: None,
        }
    }

    /// Fills one document's new sentences; returns (id, text, status, origin) of each slot.
    fn fill(memory: &mut Memory, sentences: &[Sentence]) -> Vec<(String, Option<String>, String)> {
        let mut slots = slots_for(sentences);
        memory.fill(sentences, &mut slots);
        slots
            .into_iter()
            .map(|s| {
                (
                    s.sentence_id,
                    s.text,
                    format!("{}/{}", s.status, s.origin.unwrap_or_default()),
                )
            })
            .collect()
    }

    #[test]
    fn a_translation_stays_with_its_sentence_and_follows_it_when_ids_shift() {
        let mut memory = Memory::from_earlier(vec![
            translated("d#000000", "n0", "zero", SlotStatus::Done),
            translated("d#000001", "n1", "one", SlotStatus::Reviewed),
        ]);
        // A new sentence was split off at the start, so `n0` and `n1` moved down one.
        let got = fill(
            &mut memory,
            &[
                sentence("d#000000", "new"),
                sentence("d#000001", "n0"),
                sentence("d#000002", "n1"),
            ],
        );
        assert_eq!(
            got,
            vec![
                ("d#000000".into(), None, "empty/".into()),
                ("d#000001".into(), Some("zero".into()), "done/human".into()),
                (
                    "d#000002".into(),
                    Some("one".into()),
                    "reviewed/human".into()
                ),
            ]
        );
        let (orphans, counts) = memory.finish("v0002").unwrap();
        assert!(orphans.is_empty());
        assert_eq!(
            counts,
            CarryCounts {
                kept: 2,
                from_memory: 0
            }
        );
    }

    #[test]
    fn another_document_with_the_same_source_gets_a_memory_draft() {
        let mut memory =
            Memory::from_earlier(vec![translated("a#000000", "n", "text", SlotStatus::Done)]);
        fill(&mut memory, &[sentence("a#000000", "n")]);
        let got = fill(&mut memory, &[sentence("b#000000", "n")]);
        assert_eq!(
            got,
            vec![("b#000000".into(), Some("text".into()), "draft/tm".into())]
        );
    }

    #[test]
    fn machine_output_reaches_another_document_as_machine_output_not_a_draft() {
        let mut machine = translated("a#000000", "n", "mt", SlotStatus::Machine);
        machine.slot.origin = Some(origin::MACHINE.into());
        let mut memory = Memory::from_earlier(vec![machine]);
        fill(&mut memory, &[sentence("a#000000", "n")]);
        let got = fill(&mut memory, &[sentence("b#000000", "n")]);
        assert_eq!(
            got,
            vec![("b#000000".into(), Some("mt".into()), "machine/tm".into())]
        );
    }

    #[test]
    fn lost_translations_become_orphans_with_their_reason() {
        let mut memory = Memory::from_earlier(vec![
            translated("a#000000", "gone", "lost", SlotStatus::Done),
            translated("a#000001", "shared", "first", SlotStatus::Reviewed),
            translated("b#000000", "shared", "second", SlotStatus::Draft),
        ]);
        // `gone` no longer exists; `b` was removed, and `shared` keeps the reviewed text.
        let got = fill(&mut memory, &[sentence("a#000000", "shared")]);
        assert_eq!(got[0].1.as_deref(), Some("first"));
        let (orphans, _) = memory.finish("v0002").unwrap();
        let summary: Vec<(&str, &str, &str)> = orphans
            .iter()
            .map(|o| (o.orphan_id.as_str(), o.reason.as_str(), o.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("a#000000@v0002", orphan_reason::SOURCE_GONE, "lost"),
                ("b#000000@v0002", orphan_reason::DISPLACED, "second"),
            ]
        );
        assert_eq!(orphans[0].source_text, "text of gone");
    }

    #[test]
    fn an_orphan_returns_as_a_draft_when_its_source_reappears() {
        let mut orphaned = translated("a#000003", "back", "returning", SlotStatus::Done);
        orphaned.orphan = Some(Box::new(Orphan {
            orphan_id: "a#000003@v0002".into(),
            sentence_id: "a#000003".into(),
            orphaned_in: "v0002".into(),
            reason: orphan_reason::SOURCE_GONE.into(),
            source_text: "text of back".into(),
            source_sha256: "sha of back".into(),
            source_norm_sha256: "back".into(),
            text: "returning".into(),
            status: "done".into(),
            origin: Some(origin::HUMAN.into()),
            translator: Some("amal".into()),
            updated_at: None,
        }));
        let mut memory = Memory::from_earlier(vec![orphaned]);
        let got = fill(&mut memory, &[sentence("a#000003", "back")]);
        assert_eq!(got[0].2, "draft/tm");
        assert!(memory.finish("v0003").unwrap().0.is_empty());
    }
}
