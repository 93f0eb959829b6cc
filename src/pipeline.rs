//! The stages applied to one document, in order: structure, segment,
//! entities, translation slots. Each stage is a plain function over the
//! previous stage's output; this module only wires them and converts byte
//! ranges to the dataset's code point offsets.

use sha2::{Digest, Sha256};

use std::collections::BTreeMap;
use std::ops::Range;

use crate::entities;
use crate::glossary::Glossary;
use crate::ingest::{CleanText, MAX_DOCUMENT_CHARS};
use crate::model::{ids, Document, Entity, EntityOrigin, Label, Role, Sentence, TranslationSlot};
use crate::ner::{NerModel, TaggedSpan};
use crate::segment;
use crate::settings::StageSettings;
use crate::split::ContentKeys;
use crate::structure::Layout;
use crate::text::arabic::normalise_into;
use crate::text::CharOffsets;
use crate::translate;

/// Every row one document contributes to the version's tables.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRows {
    pub document: Document,
    pub sentences: Vec<Sentence>,
    pub entities: Vec<Entity>,
    pub slots: Vec<TranslationSlot>,
}

/// Hex sha256 of a string's UTF-8 bytes (or of any bytes).
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    hex::encode(Sha256::digest(bytes.as_ref()))
}

/// Whether `expected` is the sha256 of `bytes` as [`sha256_hex`] writes it.
pub fn sha256_is(bytes: impl AsRef<[u8]>, expected: &str) -> bool {
    hex_is(Sha256::digest(bytes.as_ref()), expected)
}

/// Hex sha256 of the matching form of a text (see [`normalise_into`]).
pub fn normalised_sha256_hex(text: &str) -> String {
    hex::encode(normalised_sha256(text))
}

/// Whether `expected` is [`normalised_sha256_hex`] of `text`.
pub fn normalised_sha256_is(text: &str, expected: &str) -> bool {
    hex_is(normalised_sha256(text), expected)
}

fn normalised_sha256(text: &str) -> impl AsRef<[u8]> {
    let mut hasher = Sha256::new();
    normalise_into(text, |piece| hasher.update(piece.as_bytes()));
    hasher.finalize()
}

/// Whether `expected` is `digest` in lowercase hex, the only form this tool
/// writes (and the schemas allow). Encoding on the stack and comparing is a
/// tenth of the cost of decoding `expected` with the `hex` crate.
fn hex_is(digest: impl AsRef<[u8]>, expected: &str) -> bool {
    let mut encoded = [0u8; 64];
    hex::encode_to_slice(digest, &mut encoded).is_ok() && encoded == expected.as_bytes()
}

/// What the entity stage looks names up in: the dataset's glossary and the
/// NER model (absent when the settings turn it off).
#[derive(Debug, Clone, Copy)]
pub struct NameSources<'a> {
    pub glossary: &'a Glossary,
    pub model: Option<&'a NerModel>,
}

/// One entity span of a sentence, in bytes of the sentence.
#[derive(Debug, Clone, PartialEq)]
struct SentenceEntity<'g> {
    span: Range<usize>,
    label: Label,
    origin: EntityOrigin,
    score: Option<f32>,
    en: Option<&'g str>,
}

/// The entity spans of one sentence in byte ranges, ordered by start: rule
/// spans (numbers, dates), glossary names with their English rendering, and
/// the model's names. Where they overlap, the first source wins: a rule
/// span's extent is exact; a glossary name was checked by a person, though
/// a name found by form may be a coincidence (`جمعة`, Friday or a name);
/// the model guesses. A model span the glossary knows carries its rendering.
/// `model_spans` are the model's spans of this sentence, found with the
/// rest of its document ([`NerModel::tag_document`]) unless
/// `[entities] repeats` is off.
fn sentence_entities<'g>(
    sentence: &str,
    settings: &StageSettings,
    glossary: &'g Glossary,
    model_spans: Vec<TaggedSpan>,
) -> Vec<SentenceEntity<'g>> {
    let mut spans: Vec<SentenceEntity<'g>> = Vec::new();
    let mut taken = TakenRanges::default();
    if settings.entities.rules {
        for (span, label) in entities::find(sentence) {
            taken.take(&span);
            spans.push(SentenceEntity {
                span,
                label,
                origin: EntityOrigin::Rule,
                score: None,
                en: None,
            });
        }
    }
    for (span, entry) in glossary.find(sentence) {
        if taken.take_if_free(&span) {
            spans.push(SentenceEntity {
                span,
                label: entry.label,
                origin: EntityOrigin::Gazetteer,
                score: None,
                en: Some(entry.en.as_str()),
            });
        }
    }
    for found in model_spans {
        if taken.take_if_free(&found.range) {
            let en = glossary
                .entry_for(&sentence[found.range.clone()])
                .map(|entry| entry.en.as_str());
            spans.push(SentenceEntity {
                span: found.range,
                label: found.label,
                origin: EntityOrigin::Model,
                score: Some(found.score),
                en,
            });
        }
    }
    spans.sort_by_key(|e| (e.span.start, std::cmp::Reverse(e.span.end)));
    spans
}

/// The byte ranges a sentence's entities already cover, merged where they
/// touch or overlap: a new span is checked in logarithmic time, so a
/// sentence with a hundred thousand names (a scraped page without a stop)
/// costs no more per name than a short one.
#[derive(Debug, Default)]
struct TakenRanges {
    /// Disjoint ranges, start → end.
    ends_by_start: BTreeMap<usize, usize>,
}

impl TakenRanges {
    fn is_free(&self, span: &Range<usize>) -> bool {
        // The ranges are disjoint, so the last one starting before the
        // span's end is the only one that can reach into it.
        self.ends_by_start
            .range(..span.end)
            .next_back()
            .is_none_or(|(_, &end)| end <= span.start)
    }

    fn take(&mut self, span: &Range<usize>) {
        let (mut start, mut end) = (span.start, span.end);
        let merged: Vec<usize> = self
            .ends_by_start
            .range(..=end)
            .rev()
            .take_while(|(_, &taken_end)| taken_end >= start)
            .map(|(&taken_start, _)| taken_start)
            .collect();
        for taken_start in merged {
            let taken_end = self.ends_by_start.remove(&taken_start).unwrap_or(end);
            start = start.min(taken_start);
            end = end.max(taken_end);
        }
        self.ends_by_start.insert(start, end);
    }

    /// Takes `span` when nothing covers any of it; says whether it did.
    fn take_if_free(&mut self, span: &Range<usize>) -> bool {
        let free = self.is_free(span);
        if free {
            self.take(span);
        }
        free
    }
}

/// Runs the stages on one cleaned document.
pub fn process(clean: CleanText, settings: &StageSettings, sources: NameSources) -> DocumentRows {
    let text = clean.aligned.into_text();
    let layout = Layout::of(&text);
    let mut metadata = clean.metadata;
    for (key, value) in &layout.metadata {
        metadata
            .entry(key.clone())
            .or_insert_with(|| value.clone().into());
    }
    let mut offsets = CharOffsets::new(&text);
    let mut sentences = Vec::new();
    let mut entities = Vec::new();
    let ranges = segment::split_with_breaks(&text, &settings.segment, &layout.hard_breaks);
    let mut model_spans = match sources.model {
        Some(model) => {
            let sentence_texts: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
            if settings.entities.repeats {
                model.tag_document(&sentence_texts).into_iter()
            } else {
                let alone: Vec<_> = sentence_texts.iter().map(|s| model.tag(s)).collect();
                alone.into_iter()
            }
        }
        None => Vec::new().into_iter(),
    };
    for (index, range) in ranges.into_iter().enumerate() {
        let sentence_text = &text[range.clone()];
        let start = offsets.char_offset(range.start);
        let end = offsets.char_offset(range.end);
        let role = layout.role_at(range.start);
        let sentence_id = ids::sentence_id(&clean.doc_id, index as u32);
        let mut within = CharOffsets::new(sentence_text);
        let found_by_model = model_spans.next().unwrap_or_default();
        for (k, found) in
            sentence_entities(sentence_text, settings, sources.glossary, found_by_model)
                .into_iter()
                .enumerate()
        {
            let span_start = start + within.char_offset(found.span.start);
            let span_end = start + within.char_offset(found.span.end);
            entities.push(Entity {
                entity_id: ids::entity_id(&sentence_id, k as u32),
                doc_id: clean.doc_id.clone(),
                sentence_id: sentence_id.clone(),
                start: as_offset(span_start),
                end: as_offset(span_end),
                text: sentence_text[found.span].to_string(),
                label: found.label.as_str().to_string(),
                origin: found.origin.as_str().to_string(),
                score: found.score,
                en: found.en.map(str::to_string),
            });
        }
        sentences.push(Sentence {
            sentence_id,
            doc_id: clean.doc_id.clone(),
            index: as_offset(index),
            start: as_offset(start),
            end: as_offset(end),
            text: sentence_text.to_string(),
            text_sha256: sha256_hex(sentence_text),
            norm_sha256: normalised_sha256_hex(sentence_text),
            role: role.as_str().to_string(),
            translate: role != Role::Boilerplate,
            split: None,
        });
    }
    let record_title = metadata
        .get("title")
        .and_then(|t| t.as_str())
        .map(str::to_string);
    let title = title_of(&text, &sentences).or(record_title);
    let slots = translate::slots_for(&sentences);
    DocumentRows {
        document: Document {
            doc_id: clean.doc_id,
            source_path: clean.source_path,
            source_sha256: clean.source_sha256,
            source_encoding: clean.source_encoding,
            text_sha256: sha256_hex(&text),
            norm_sha256: document_norm_sha256(sentences.iter().map(|s| s.norm_sha256.as_str())),
            title,
            text,
            metadata: serde_json::Value::Object(metadata).to_string(),
            changes: clean.changes,
            split: None,
            split_group: None,
        },
        sentences,
        entities,
        slots,
    }
}

/// A document's duplicate key: the sha256 of its sentences' `norm_sha256`,
/// one per line. Two documents share it when they hold the same normalised
/// sentences in the same order, whatever the whitespace between them; each
/// text is normalised once, for its sentences.
pub fn document_norm_sha256<'a>(sentence_norms: impl Iterator<Item = &'a str>) -> String {
    let mut hasher = Sha256::new();
    for norm in sentence_norms {
        hasher.update(norm.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// The split grouping's first pass over a document: the same layout and
/// sentences as [`process`], but only the hashes of its shared content.
pub fn content_keys(clean: CleanText, settings: &StageSettings) -> ContentKeys {
    let text = clean.aligned.into_text();
    let layout = Layout::of(&text);
    let ranges = segment::split_with_breaks(&text, &settings.segment, &layout.hard_breaks);
    let sentences: Vec<(&str, bool, String)> = ranges
        .into_iter()
        .map(|range| {
            let sentence = &text[range.clone()];
            let translate = layout.role_at(range.start) != Role::Boilerplate;
            (sentence, translate, normalised_sha256_hex(sentence))
        })
        .collect();
    let document_norm = document_norm_sha256(sentences.iter().map(|(_, _, n)| n.as_str()));
    ContentKeys::new(
        clean.doc_id,
        sentences.iter().map(|(s, t, n)| (*s, *t, n.as_str())),
        &document_norm,
        settings.splits.min_shared_words,
    )
}

/// The document text covered by its title sentences, if any.
fn title_of(text: &str, sentences: &[Sentence]) -> Option<String> {
    let mut titles = sentences.iter().filter(|s| s.role == Role::Title.as_str());
    let first = titles.next()?;
    let last = titles.next_back().unwrap_or(first);
    Some(
        text.chars()
            .skip(first.start as usize)
            .take((last.end - first.start) as usize)
            .collect(),
    )
}

/// Offsets fit in i32: ingestion refuses documents longer than
/// [`MAX_DOCUMENT_CHARS`].
fn as_offset(n: usize) -> i32 {
    debug_assert!(n <= MAX_DOCUMENT_CHARS);
    n as i32
}

#[cfg(test)]
mod tests {
    use super::TakenRanges;

    #[test]
    fn taken_ranges_refuse_any_overlap_and_accept_neighbours() {
        let mut taken = TakenRanges::default();
        taken.take(&(10..20));
        taken.take(&(12..15)); // nested, as a date around its year
        taken.take(&(30..40));
        for overlapping in [5..11, 19..25, 12..13, 0..50, 35..36, 39..45] {
            assert!(!taken.is_free(&overlapping), "{overlapping:?}");
        }
        for free in [0..10, 20..30, 40..41, 25..26] {
            assert!(taken.is_free(&free), "{free:?}");
        }
        assert!(taken.take_if_free(&(20..30)));
        assert!(!taken.take_if_free(&(25..26)));
        // 10..40 is now one taken range.
        assert_eq!(taken.ends_by_start.len(), 1);
        assert!(!taken.is_free(&(21..22)) && taken.is_free(&(40..41)));
    }
}
