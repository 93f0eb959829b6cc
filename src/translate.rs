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

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::io::hash::digest128;
use crate::io::spill::Spill;
use crate::model::{ids, origin, orphan_reason, Orphan, Sentence, SlotStatus, TranslationSlot};
use crate::version::{Rows, Version};

/// The slots for a document's sentences, in sentence order: an empty slot
/// for every sentence whose `translate` flag is set.
pub fn slots_for(sentences: &[Sentence]) -> Vec<TranslationSlot> {
    sentences
        .iter()
        .filter(|s| s.translate)
        .map(|s| TranslationSlot::empty(s.sentence_id.clone(), s.text_sha256.clone()))
        .collect()
}

/// An earlier translation that a new version may take up. The memory keeps
/// these on disk ([`Spill`]), and in memory only their keys and offsets.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Earlier {
    /// The translation, as it stood in its slot.
    slot: TranslationSlot,
    /// Known for an old orphan; a live translation's is read again only if
    /// it becomes an orphan.
    source_text: Option<String>,
    source_norm_sha256: String,
    /// Set when this translation is already an orphan.
    orphan: Option<Orphan>,
}

/// See [`Earlier::preference`]; lower is preferred.
type Preference = (bool, std::cmp::Reverse<SlotStatus>, bool);

impl Earlier {
    /// Which of two translations of the same normalised source a new slot
    /// takes: live before orphaned, then the more trusted status, then human
    /// work before memory copies, then the lower sentence id (the memory
    /// meets them in id order and keeps the first of equals).
    fn preference(&self) -> Preference {
        (
            self.orphan.is_some(),
            std::cmp::Reverse(self.slot.slot_status()),
            self.slot.origin.as_deref() == Some(origin::TRANSLATION_MEMORY),
        )
    }

    fn doc_id(&self) -> &str {
        ids::doc_of_sentence(&self.slot.sentence_id)
    }

    /// The key a slot that takes this translation records in `landed`.
    fn landed_key(&self) -> Key {
        landed_key(
            &self.source_norm_sha256,
            self.slot.text.as_deref().unwrap_or_default(),
        )
    }

    /// This translation as an orphan: an old orphan as it was, a live one
    /// marked as orphaned in `version`.
    fn into_orphan(self, version: &str, reason: &str, source_text: String) -> Orphan {
        if let Some(orphan) = self.orphan {
            return orphan;
        }
        Orphan {
            orphan_id: Orphan::id_of(&self.slot.sentence_id, version),
            sentence_id: self.slot.sentence_id,
            orphaned_in: version.to_string(),
            reason: reason.to_string(),
            source_text,
            source_sha256: self.slot.source_sha256,
            source_norm_sha256: self.source_norm_sha256,
            text: self.slot.text.unwrap_or_default(),
            status: self.slot.status,
            origin: self.slot.origin,
            translator: self.slot.translator,
            updated_at: self.slot.updated_at,
        }
    }
}

fn landed_key(source_norm_sha256: &str, text: &str) -> Key {
    digest128(&[source_norm_sha256, text])
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
///
/// The earlier translations wait on disk, the live ones in sentence id
/// order; as the build fills documents in id order, each document's own
/// are read in turn, so memory holds one document's translations, and for
/// the rest only 16-byte keys and offsets (about 100 bytes a translation
/// instead of the whole slot).
#[derive(Default)]
pub struct Memory {
    /// Every earlier translation: the live ones, then the old orphans.
    /// None when there is nothing to carry over.
    spill: Option<Spill<Earlier>>,
    /// Where the live translations end in `spill`.
    live_end: u64,
    /// How far [`Memory::fill`] has read the live translations.
    next_live: u64,
    /// The preferred translation of each normalised source, by [`digest`]:
    /// keys are digests, not the strings, so that the memory does not hold
    /// every source again.
    by_norm: HashMap<Key, (Preference, u64)>,
    /// Live translations that their document did not keep (or whose
    /// document is gone), by landed key and offset, in sentence id order:
    /// orphans, unless some slot took the same text for the same source.
    unplaced_live: Vec<(Key, u64)>,
    /// The old orphans, likewise, in orphan id order.
    unplaced_orphans: Vec<(Key, u64)>,
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
    /// The filled slots and orphans of `version`, set aside in an unnamed
    /// file in `spill_dir` (the new version's staging folder).
    pub fn of(version: &Version, spill_dir: &Path) -> Result<Memory> {
        let mut sentences = version.rows::<Sentence>()?.peekable();
        let live = version
            .rows::<TranslationSlot>()?
            .filter(|slot| slot.as_ref().map_or(true, TranslationSlot::is_filled))
            .map(move |slot| {
                let slot = slot?;
                // Both tables are in id order. A slot without its sentence
                // (which validate reports) still becomes an orphan.
                let mut source_norm_sha256 = String::new();
                while let Some(sentence) = sentences.next_if(|s| match s {
                    Ok(s) => s.sentence_id <= slot.sentence_id,
                    Err(_) => true,
                }) {
                    let sentence = sentence?;
                    if sentence.sentence_id == slot.sentence_id {
                        source_norm_sha256 = sentence.norm_sha256;
                    }
                }
                Ok(Earlier {
                    slot,
                    source_text: None,
                    source_norm_sha256,
                    orphan: None,
                })
            });
        let orphans = version.rows::<Orphan>()?.map(|orphan| {
            let orphan = orphan?;
            Ok(Earlier {
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
                orphan: Some(orphan),
            })
        });
        Ok(Memory {
            from: Some(version.clone()),
            ..Memory::gather(live, orphans, spill_dir)?
        })
    }

    /// Sets the live translations (in sentence id order) and the old
    /// orphans (in orphan id order) aside.
    fn gather(
        live: impl Iterator<Item = Result<Earlier>>,
        orphans: impl Iterator<Item = Result<Earlier>>,
        spill_dir: &Path,
    ) -> Result<Memory> {
        let mut memory = Memory::default();
        for earlier in live {
            memory.add(earlier?, spill_dir)?;
        }
        memory.live_end = memory.spill.as_ref().map_or(0, Spill::end);
        for earlier in orphans {
            memory.add(earlier?, spill_dir)?;
        }
        if let Some(spill) = &mut memory.spill {
            spill.flush()?;
        }
        Ok(memory)
    }

    fn add(&mut self, earlier: Earlier, spill_dir: &Path) -> Result<()> {
        let spill = match &mut self.spill {
            Some(spill) => spill,
            None => self
                .spill
                .insert(Spill::create_in(spill_dir, "translation-memory")?),
        };
        let at = spill.push(&earlier)?;
        let preference = earlier.preference();
        self.by_norm
            .entry(digest128(&[&earlier.source_norm_sha256]))
            .and_modify(|best| {
                if preference < best.0 {
                    *best = (preference, at);
                }
            })
            .or_insert((preference, at));
        if earlier.orphan.is_some() {
            self.unplaced_orphans.push((earlier.landed_key(), at));
        }
        Ok(())
    }

    /// Fills a document's new, empty slots from the memory. `sentences` are
    /// the document's sentences and `slots` its slots, both in id order;
    /// documents come in id order.
    pub fn fill(&mut self, sentences: &[Sentence], slots: &mut [TranslationSlot]) -> Result<()> {
        let (Some(spill), Some(first)) = (&self.spill, sentences.first()) else {
            return Ok(());
        };
        let doc = first.doc_id.as_str();
        // The document's own earlier translations; those of documents
        // before it (gone from the new version) found no place.
        let mut here: Vec<(u64, Earlier)> = Vec::new();
        let mut stop = self.live_end;
        for record in spill.records(self.next_live, self.live_end) {
            let (at, earlier) = record?;
            match earlier.doc_id().cmp(doc) {
                Ordering::Less => self.unplaced_live.push((earlier.landed_key(), at)),
                Ordering::Equal => here.push((at, earlier)),
                Ordering::Greater => {
                    stop = at;
                    break;
                }
            }
        }
        self.next_live = stop;
        // Live translations by normalised source, moved in sentence order:
        // the first new sentence takes the first old one.
        let mut by_place: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, (_, earlier)) in here.iter().enumerate().rev() {
            by_place
                .entry(earlier.source_norm_sha256.as_str())
                .or_default()
                .push(i);
        }
        // A translation stays with its own sentence (same id, same source)
        // first; only the others move to a sentence with their source.
        let mut slot_ids = slots.iter().map(|s| s.sentence_id.as_str()).peekable();
        let own_of: Vec<Option<usize>> = sentences
            .iter()
            .map(|sentence| {
                slot_ids.next_if(|&id| id == sentence.sentence_id)?;
                here.binary_search_by(|(_, e)| {
                    e.slot.sentence_id.as_str().cmp(&sentence.sentence_id)
                })
                .ok()
                .filter(|&i| here[i].1.source_norm_sha256 == sentence.norm_sha256)
            })
            .collect();
        for &i in own_of.iter().flatten() {
            if let Some(places) = by_place.get_mut(here[i].1.source_norm_sha256.as_str()) {
                places.retain(|&p| p != i);
            }
        }
        let mut kept_here = vec![false; here.len()];
        let mut slots = slots.iter_mut().peekable();
        for (sentence, own) in sentences.iter().zip(own_of) {
            let Some(slot) = slots.next_if(|s| s.sentence_id == sentence.sentence_id) else {
                continue;
            };
            let norm = digest128(&[&sentence.norm_sha256]);
            let preferred = self.by_norm.get(&norm).map(|&(_, at)| at);
            if preferred.is_some() {
                self.seen.insert(norm);
            }
            let moved = own.or_else(|| {
                by_place
                    .get_mut(sentence.norm_sha256.as_str())
                    .and_then(Vec::pop)
            });
            let read;
            let (earlier, kept) = match (moved, preferred) {
                (Some(i), _) => {
                    kept_here[i] = true;
                    (&here[i].1, true)
                }
                (None, Some(at)) => match here.binary_search_by_key(&at, |(a, _)| *a) {
                    Ok(i) => (&here[i].1, false),
                    Err(_) => {
                        read = spill.read_at(at)?;
                        (&read, false)
                    }
                },
                (None, None) => continue,
            };
            slot.text = earlier.slot.text.clone();
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
            self.landed.insert(landed_key(
                &sentence.norm_sha256,
                slot.text.as_deref().unwrap_or_default(),
            ));
        }
        for ((at, earlier), kept) in here.into_iter().zip(kept_here) {
            if !kept {
                self.unplaced_live.push((earlier.landed_key(), at));
            }
        }
        Ok(())
    }

    /// Hands `emit` the earlier translations that found no slot, as orphans
    /// in id order: old orphans as they were, new ones marked as orphaned
    /// in `version`, their sources read from the version the memory came
    /// from.
    pub fn finish(
        self,
        version: &str,
        mut emit: impl FnMut(Orphan) -> Result<()>,
    ) -> Result<CarryCounts> {
        let Memory {
            spill,
            live_end,
            next_live,
            mut unplaced_live,
            unplaced_orphans,
            landed,
            seen,
            counts,
            from,
            ..
        } = self;
        let Some(spill) = spill else {
            return Ok(counts);
        };
        // The documents after the last one filled are gone.
        for record in spill.records(next_live, live_end) {
            let (at, earlier) = record?;
            unplaced_live.push((earlier.landed_key(), at));
        }
        let lost = |unplaced: Vec<(Key, u64)>| {
            unplaced
                .into_iter()
                .filter(|(key, _)| !landed.contains(key))
                .map(|(_, at)| at)
        };
        let mut sources = Sources {
            from: from.as_ref(),
            sentences: None,
        };
        let mut orphan_at = |at: u64| -> Result<Orphan> {
            let earlier = spill.read_at(at)?;
            let reason = if seen.contains(&digest128(&[&earlier.source_norm_sha256])) {
                orphan_reason::DISPLACED
            } else {
                orphan_reason::SOURCE_GONE
            };
            let source_text = match &earlier.source_text {
                Some(text) => text.clone(),
                None => sources.text_of(&earlier.slot.sentence_id)?,
            };
            Ok(earlier.into_orphan(version, reason, source_text))
        };
        let mut new = lost(unplaced_live);
        let mut old = lost(unplaced_orphans);
        // Both lists are in id order; merged, so are the orphans.
        let mut new_orphan = new.next().map(&mut orphan_at).transpose()?;
        let mut old_orphan = old.next().map(&mut orphan_at).transpose()?;
        loop {
            let from_new = match (&new_orphan, &old_orphan) {
                (None, None) => break,
                (Some(a), Some(b)) => a.orphan_id <= b.orphan_id,
                (Some(_), None) => true,
                (None, Some(_)) => false,
            };
            let (taken, list) = if from_new {
                (&mut new_orphan, &mut new)
            } else {
                (&mut old_orphan, &mut old)
            };
            let next = list.next().map(&mut orphan_at).transpose()?;
            if let Some(orphan) = std::mem::replace(taken, next) {
                emit(orphan)?;
            }
        }
        Ok(counts)
    }
}

/// The source texts of new orphans, read from the earlier version's
/// sentences in one pass: orphans are asked for in id order.
struct Sources<'a> {
    from: Option<&'a Version>,
    sentences: Option<std::iter::Peekable<Rows<Sentence>>>,
}

impl Sources<'_> {
    fn text_of(&mut self, sentence_id: &str) -> Result<String> {
        let Some(from) = self.from else {
            return Ok(String::new());
        };
        let sentences = match &mut self.sentences {
            Some(sentences) => sentences,
            None => self.sentences.insert(from.rows::<Sentence>()?.peekable()),
        };
        while let Some(sentence) = sentences.next_if(|s| match s {
            Ok(s) => s.sentence_id.as_str() <= sentence_id,
            Err(_) => true,
        }) {
            let sentence = sentence?;
            if sentence.sentence_id == sentence_id {
                return Ok(sentence.text);
            }
        }
        Ok(String::new())
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

    /// A memory of `earlier`, set aside in the temporary folder.
    fn memory_of(earlier: Vec<Earlier>) -> Memory {
        let (orphans, live): (Vec<Earlier>, Vec<Earlier>) =
            earlier.into_iter().partition(|e| e.orphan.is_some());
        Memory::gather(
            live.into_iter().map(Ok),
            orphans.into_iter().map(Ok),
            &std::env::temp_dir(),
        )
        .unwrap()
    }

    fn finish(memory: Memory, version: &str) -> (Vec<Orphan>, CarryCounts) {
        let mut orphans = Vec::new();
        let counts = memory
            .finish(version, |orphan| {
                orphans.push(orphan);
                Ok(())
            })
            .unwrap();
        (orphans, counts)
    }

    /// Fills one document's new sentences; returns (id, text, status, origin) of each slot.
    fn fill(memory: &mut Memory, sentences: &[Sentence]) -> Vec<(String, Option<String>, String)> {
        let mut slots = slots_for(sentences);
        memory.fill(sentences, &mut slots).unwrap();
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
        let mut memory = memory_of(vec![
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
        let (orphans, counts) = finish(memory, "v0002");
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
    fn a_sentence_repeated_above_its_old_place_does_not_take_its_translation_twice() {
        let mut memory = memory_of(vec![translated("d#000001", "n", "once", SlotStatus::Done)]);
        // The article now starts with the same sentence again.
        let got = fill(
            &mut memory,
            &[sentence("d#000000", "n"), sentence("d#000001", "n")],
        );
        assert_eq!(
            got,
            vec![
                ("d#000000".into(), Some("once".into()), "draft/tm".into()),
                ("d#000001".into(), Some("once".into()), "done/human".into()),
            ]
        );
        let (orphans, counts) = finish(memory, "v0002");
        assert!(orphans.is_empty());
        assert_eq!(
            counts,
            CarryCounts {
                kept: 1,
                from_memory: 1
            }
        );
    }

    #[test]
    fn another_document_with_the_same_source_gets_a_memory_draft() {
        let mut memory = memory_of(vec![translated("a#000000", "n", "text", SlotStatus::Done)]);
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
        let mut memory = memory_of(vec![machine]);
        fill(&mut memory, &[sentence("a#000000", "n")]);
        let got = fill(&mut memory, &[sentence("b#000000", "n")]);
        assert_eq!(
            got,
            vec![("b#000000".into(), Some("mt".into()), "machine/tm".into())]
        );
    }

    #[test]
    fn lost_translations_become_orphans_with_their_reason() {
        let mut memory = memory_of(vec![
            translated("a#000000", "gone", "lost", SlotStatus::Done),
            translated("a#000001", "shared", "first", SlotStatus::Reviewed),
            translated("b#000000", "shared", "second", SlotStatus::Draft),
        ]);
        // `gone` no longer exists; `b` was removed, and `shared` keeps the reviewed text.
        let got = fill(&mut memory, &[sentence("a#000000", "shared")]);
        assert_eq!(got[0].1.as_deref(), Some("first"));
        let (orphans, _) = finish(memory, "v0002");
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
    fn documents_read_past_on_disk_still_lend_their_translations_to_later_ones() {
        let mut memory = memory_of(vec![
            translated("a#000000", "na", "from a", SlotStatus::Done),
            translated("b#000000", "nb", "from b", SlotStatus::Reviewed),
            translated("c#000000", "nc", "from c", SlotStatus::Done),
        ]);
        // `a` and `c` are gone; `d` repeats their sentences. By the time `d`
        // is filled, both were read past (`a` before `b`, `c` before `d`).
        let b = fill(&mut memory, &[sentence("b#000000", "nb")]);
        let d = fill(
            &mut memory,
            &[sentence("d#000000", "na"), sentence("d#000001", "nc")],
        );
        assert_eq!(b[0].2, "reviewed/human");
        assert_eq!(
            d,
            vec![
                ("d#000000".into(), Some("from a".into()), "draft/tm".into()),
                ("d#000001".into(), Some("from c".into()), "draft/tm".into()),
            ]
        );
        let (orphans, counts) = finish(memory, "v0002");
        assert!(orphans.is_empty(), "each text found a slot: {orphans:?}");
        assert_eq!(
            counts,
            CarryCounts {
                kept: 1,
                from_memory: 2
            }
        );
    }

    #[test]
    fn old_and_new_orphans_come_out_in_id_order() {
        let mut old = translated("b#000000", "nb", "old", SlotStatus::Done);
        old.orphan = Some(
            old.clone()
                .into_orphan("v0001", orphan_reason::SOURCE_GONE, "b".into()),
        );
        let memory = memory_of(vec![
            translated("a#000000", "na", "lost a", SlotStatus::Done),
            translated("c#000000", "nc", "lost c", SlotStatus::Done),
            old,
        ]);
        let (orphans, _) = finish(memory, "v0002");
        let ids: Vec<&str> = orphans.iter().map(|o| o.orphan_id.as_str()).collect();
        assert_eq!(ids, ["a#000000@v0002", "b#000000@v0001", "c#000000@v0002"]);
        assert_eq!(orphans[1].text, "old", "an old orphan stays as it was");
    }

    #[test]
    fn an_orphan_returns_as_a_draft_when_its_source_reappears() {
        let mut orphaned = translated("a#000003", "back", "returning", SlotStatus::Done);
        orphaned.orphan = Some(Orphan {
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
        });
        let mut memory = memory_of(vec![orphaned]);
        let got = fill(&mut memory, &[sentence("a#000003", "back")]);
        assert_eq!(got[0].2, "draft/tm");
        assert!(finish(memory, "v0003").0.is_empty());
    }
}
