//! Consistency of one version's rows, in one streaming pass.
//!
//! All four tables are sorted by id, and every id starts with its document's
//! id, so the tables are merged document by document: only one document's
//! rows are held at a time, and memory does not grow with the corpus.

use std::iter::Peekable;
use std::path::Path;

use super::findings::Report;
use super::rows::ChannelRows;
use super::rules;
use super::splits::SplitCheck;
use super::translation_qa::{self, LengthBand};
use crate::glossary::Glossary;
use crate::model::{
    Document, Entity, EntityOrigin, Label, Orphan, Role, Sentence, SlotStatus, TranslationSlot,
};
use crate::pipeline::document_norm_sha256;
use crate::settings::SplitSettings;
use crate::text::arabic;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::GraphemeCursor;

type Rows<T> = Peekable<ChannelRows<T>>;

/// What the checks of a document's entities and slots need of a sentence.
struct SentenceInfo {
    id: String,
    start: i32,
    end: i32,
    text: String,
    text_sha256: String,
    norm_sha256: String,
    translate: bool,
    boilerplate: bool,
    title: bool,
    has_slot: bool,
    row: u64,
    /// The English renderings of its names, which its translation should use.
    renderings: Vec<String>,
}

/// A document's sentences, in table order, which is id order in a sound table.
struct DocumentSentences(Vec<SentenceInfo>);

impl DocumentSentences {
    fn position(&self, id: &str) -> Option<usize> {
        let sentences = &self.0;
        match sentences.binary_search_by(|s| s.id.as_str().cmp(id)) {
            Ok(at) => Some(at),
            // Out of order (a finding of its own): look at every sentence.
            Err(_) => sentences.iter().position(|s| s.id == id),
        }
    }

    fn get(&self, id: &str) -> Option<&SentenceInfo> {
        self.position(id).map(|at| &self.0[at])
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut SentenceInfo> {
        self.position(id).map(|at| &mut self.0[at])
    }
}

/// What the row checks compare with besides the rows.
pub struct Context<'a> {
    pub length_band: LengthBand,
    /// The version's glossary, if it has one.
    pub glossary: Option<&'a Glossary>,
    /// The split settings the version was built with.
    pub splits: &'a SplitSettings,
}

/// Runs the consistency checks over the four tables' rows.
pub fn check(
    documents: ChannelRows<Document>,
    sentences: ChannelRows<Sentence>,
    entities: ChannelRows<Entity>,
    slots: ChannelRows<TranslationSlot>,
    context: &Context,
    report: &mut Report,
) {
    let mut translations = translation_qa::Consistency::default();
    let mut splits = SplitCheck::new(context.splits);
    let (doc_path, sent_path) = (
        documents.path().to_path_buf(),
        sentences.path().to_path_buf(),
    );
    let (ent_path, slot_path) = (entities.path().to_path_buf(), slots.path().to_path_buf());
    let mut sentences: Rows<Sentence> = sentences.peekable();
    let mut entities: Rows<Entity> = entities.peekable();
    let mut slots: Rows<TranslationSlot> = slots.peekable();
    for (doc_row, document) in documents {
        let text = CharIndexed::new(&document.text);
        let split = splits.document(&document, doc_row, &doc_path, report);

        // Sentences of rows sorted before this document belong to none.
        while let Some((row, s)) = sentences.next_if(|(_, s)| s.doc_id < document.doc_id) {
            let message = format!("document {:?} does not exist", s.doc_id);
            report.add(
                rules::SENTENCE_DOCUMENT,
                &sent_path,
                Some(row),
                Some(&s.sentence_id),
                message,
            );
        }
        let mut infos = DocumentSentences(Vec::new());
        let mut previous_end = 0;
        let mut expected_index = 0;
        // Text between sentences, checked for stray characters once every
        // sentence of the document is known to be in range.
        let mut gaps: Vec<(i32, i32)> = Vec::new();
        let mut all_in_range = true;
        while let Some((row, s)) = sentences.next_if(|(_, s)| s.doc_id == document.doc_id) {
            let gap_start = previous_end;
            let in_range = check_sentence(
                &s,
                row,
                &text,
                &mut previous_end,
                &mut expected_index,
                &sent_path,
                report,
            );
            all_in_range &= in_range;
            if let Some(split) = split {
                splits.sentence(&s, split, row, &sent_path, report);
            }
            if in_range && s.start > gap_start {
                gaps.push((gap_start, s.start));
            }
            infos.0.push(SentenceInfo {
                id: s.sentence_id,
                start: s.start,
                end: s.end,
                text: s.text,
                text_sha256: s.text_sha256,
                norm_sha256: s.norm_sha256,
                translate: s.translate,
                boilerplate: s.role == Role::Boilerplate.as_str(),
                title: s.role == Role::Title.as_str(),
                has_slot: false,
                row,
                renderings: Vec::new(),
            });
        }

        if all_in_range {
            gaps.push((previous_end, text.len() as i32));
            check_coverage(&document, doc_row, &text, &gaps, &doc_path, report);
        }
        if all_in_range {
            check_title(&document, doc_row, &text, &infos, &doc_path, report);
        }
        let norms = infos.0.iter().map(|s| s.norm_sha256.as_str());
        if document_norm_sha256(norms) != document.norm_sha256 {
            let message =
                "norm_sha256 is not the sha256 of its sentences' norm_sha256, one per line"
                    .to_string();
            report.add(
                rules::DOCUMENT_NORM_HASH,
                &doc_path,
                Some(doc_row),
                Some(&document.doc_id),
                message,
            );
        }

        let mut spans: Vec<(String, i32, i32, String, u64)> = Vec::new();
        while let Some((row, e)) = entities.next_if(|(_, e)| e.doc_id <= document.doc_id) {
            if check_entity(&e, row, &document.doc_id, &infos, &text, &ent_path, report) {
                check_glossary(&e, row, context.glossary, &ent_path, report);
                if let (Some(en), Some(sentence)) = (e.en, infos.get_mut(&e.sentence_id)) {
                    sentence.renderings.push(en);
                }
                spans.push((e.origin, e.start, e.end, e.entity_id, row));
            }
        }
        check_crossings(spans, &ent_path, report);

        let last_sentence = infos.0.last().map(|s| s.id.clone());
        while let Some((row, slot)) = slots.next_if(|(_, slot)| {
            last_sentence
                .as_ref()
                .is_some_and(|last| &slot.sentence_id <= last)
        }) {
            let sentence = check_slot(&slot, row, &mut infos, &slot_path, report);
            if let (Some(sentence), Some(target)) = (sentence, &slot.text) {
                let id = &slot.sentence_id;
                let names = sentence.renderings.as_slice();
                let mut problems =
                    translation_qa::check_pair(&sentence.text, target, names, context.length_band);
                problems.extend(translations.check(id, &sentence.text, target));
                for (rule, message) in problems {
                    report.add(rule, &slot_path, Some(row), Some(id), message);
                }
            }
        }
        for info in &infos.0 {
            if info.translate && !info.has_slot {
                let message = "the sentence is to be translated but has no slot".to_string();
                report.add(
                    rules::SLOT_MISSING,
                    &sent_path,
                    Some(info.row),
                    Some(&info.id),
                    message,
                );
            }
        }
    }
    for (row, s) in sentences {
        let message = format!("document {:?} does not exist", s.doc_id);
        report.add(
            rules::SENTENCE_DOCUMENT,
            &sent_path,
            Some(row),
            Some(&s.sentence_id),
            message,
        );
    }
    for (row, e) in entities {
        let message = format!("document {:?} does not exist", e.doc_id);
        report.add(
            rules::ENTITY_SENTENCE,
            &ent_path,
            Some(row),
            Some(&e.entity_id),
            message,
        );
    }
    for (row, slot) in slots {
        let message = format!("sentence {:?} does not exist", slot.sentence_id);
        report.add(
            rules::SLOT_UNKNOWN,
            &slot_path,
            Some(row),
            Some(&slot.sentence_id),
            message,
        );
    }
}

fn check_sentence(
    s: &Sentence,
    row: u64,
    text: &CharIndexed,
    previous_end: &mut i32,
    expected_index: &mut i32,
    path: &Path,
    report: &mut Report,
) -> bool {
    let id = Some(s.sentence_id.as_str());
    if s.index != *expected_index {
        let message = format!("index is {}, expected {expected_index} (sentences of a document are numbered from 0 without gaps)", s.index);
        report.add(rules::SENTENCE_OVERLAP, path, Some(row), id, message);
    }
    *expected_index = s.index + 1;
    if Role::parse(&s.role).is_none() {
        report.add(
            rules::SENTENCE_ROLE,
            path,
            Some(row),
            id,
            format!("role {:?} is not title, body or boilerplate", s.role),
        );
    }
    match text.slice(s.start, s.end) {
        None => {
            let message = format!(
                "offsets {}..{} are not a non-empty span of the document's {} code points",
                s.start,
                s.end,
                text.len()
            );
            report.add(rules::SENTENCE_OFFSETS, path, Some(row), id, message);
            return false;
        }
        Some(slice) if slice != s.text => {
            let message = format!(
                "text differs from the document text at {}..{} ({slice:?})",
                s.start, s.end
            );
            report.add(rules::SENTENCE_TEXT, path, Some(row), id, message);
        }
        Some(_) => {}
    }
    if s.start < *previous_end {
        let message = format!(
            "starts at {} before the previous sentence ends at {previous_end}",
            s.start
        );
        report.add(rules::SENTENCE_OVERLAP, path, Some(row), id, message);
    }
    if let Some(problem) = grapheme_edge_problem(text, s.start, s.end) {
        let message = format!("span {}..{} {problem}", s.start, s.end);
        report.add(rules::SENTENCE_EDGE, path, Some(row), id, message);
    }
    *previous_end = s.end;
    true
}

/// Every non-whitespace character of a document lies in a sentence: text
/// left between sentences would be lost to every consumer of the splits.
fn check_coverage(
    document: &Document,
    row: u64,
    text: &CharIndexed,
    gaps: &[(i32, i32)],
    path: &Path,
    report: &mut Report,
) {
    for &(start, end) in gaps {
        let Some(gap) = text.slice(start, end) else {
            continue;
        };
        if let Some(offset) = gap.chars().position(|c| !c.is_whitespace()) {
            let at = start + offset as i32;
            let message = format!(
                "{:?} at {at} (in {start}..{end}) lies in no sentence; extend a sentence over it or split it into one of its own",
                gap.trim()
            );
            report.add(
                rules::SENTENCE_COVERAGE,
                path,
                Some(row),
                Some(&document.doc_id),
                message,
            );
        }
    }
}

/// The title is what the title sentences span, from the first one's start
/// to the last one's end, or, when no sentence is a title, the input
/// record's `title`: consumers show it as the headline.
fn check_title(
    document: &Document,
    row: u64,
    text: &CharIndexed,
    sentences: &DocumentSentences,
    path: &Path,
    report: &mut Report,
) {
    let mut titles = sentences.0.iter().filter(|s| s.title);
    let (expected, source) = match (titles.next(), titles.next_back()) {
        (Some(first), last) => {
            let last = last.unwrap_or(first);
            let spanned = text.slice(first.start, last.end).map(str::to_string);
            (spanned, "its title sentences span")
        }
        (None, _) => {
            let metadata = serde_json::from_str::<serde_json::Value>(&document.metadata);
            let title = metadata
                .ok()
                .and_then(|m| m.get("title")?.as_str().map(str::to_string));
            (
                title,
                "no sentence is a title, and its input record's title is",
            )
        }
    };
    if document.title != expected {
        let message = format!("title is {:?} but {source} {expected:?}", document.title);
        let id = Some(document.doc_id.as_str());
        report.add(rules::DOCUMENT_TITLE, path, Some(row), id, message);
    }
}

/// An entity's English rendering is the glossary's for its text, and an
/// entity has one only when the glossary gives it.
fn check_glossary(
    e: &Entity,
    row: u64,
    glossary: Option<&Glossary>,
    path: &Path,
    report: &mut Report,
) {
    let expected = glossary
        .and_then(|g| g.entry_for(&e.text))
        .map(|entry| entry.en.as_str());
    if e.en.as_deref() == expected {
        return;
    }
    let message = match (expected, &e.en) {
        (Some(en), None) => format!("the glossary renders {:?} as {en:?} but the entity has no rendering", e.text),
        (Some(en), Some(other)) => format!("the glossary renders {:?} as {en:?}, not {other:?}", e.text),
        (None, _) => format!("the rendering {:?} is not the glossary's: the glossary has no entry for {:?}; add it there", e.en.as_deref().unwrap_or_default(), e.text),
    };
    report.add(
        rules::ENTITY_GLOSSARY,
        path,
        Some(row),
        Some(&e.entity_id),
        message,
    );
}

fn check_entity(
    e: &Entity,
    row: u64,
    doc_id: &str,
    sentences: &DocumentSentences,
    text: &CharIndexed,
    path: &Path,
    report: &mut Report,
) -> bool {
    let id = Some(e.entity_id.as_str());
    if Label::parse(&e.label).is_none() {
        let known: Vec<&str> = Label::ALL.iter().map(|l| l.as_str()).collect();
        report.add(
            rules::ENTITY_LABEL,
            path,
            Some(row),
            id,
            format!("label {:?} is not one of {}", e.label, known.join(", ")),
        );
    }
    if EntityOrigin::parse(&e.origin).is_none() {
        report.add(
            rules::ENTITY_ORIGIN,
            path,
            Some(row),
            id,
            format!(
                "origin {:?} is not rule, gazetteer, model or human",
                e.origin
            ),
        );
    }
    let sentence = sentences.get(&e.sentence_id).filter(|_| e.doc_id == doc_id);
    let Some(sentence) = sentence else {
        let message = format!(
            "sentence {:?} of document {:?} does not exist",
            e.sentence_id, e.doc_id
        );
        report.add(rules::ENTITY_SENTENCE, path, Some(row), id, message);
        return false;
    };
    if e.start >= e.end || e.start < sentence.start || e.end > sentence.end {
        let message = format!(
            "span {}..{} is not inside its sentence {}..{}",
            e.start, e.end, sentence.start, sentence.end
        );
        report.add(rules::ENTITY_BOUNDS, path, Some(row), id, message);
        return false;
    }
    if let Some(problem) = edge_problem(text, e.start, e.end) {
        let message = format!("span {}..{} {problem}", e.start, e.end);
        report.add(rules::ENTITY_EDGE, path, Some(row), id, message);
    }
    if let Some(slice) = text.slice(e.start, e.end).filter(|slice| *slice != e.text) {
        let message = format!(
            "text {:?} differs from the document text at {}..{} ({slice:?})",
            e.text, e.start, e.end
        );
        report.add(rules::ENTITY_TEXT, path, Some(row), id, message);
    }
    true
}

/// Why the span `start..end` (code points) of `text` has a bad edge for an
/// entity, if it has one: the rule `entity.edge` applies, for gates that
/// take spans from people.
pub fn span_edge_problem(text: &str, start: i32, end: i32) -> Option<&'static str> {
    edge_problem(&CharIndexed::new(text), start, end)
}

/// Why an entity's span has a bad edge, if it has one: whitespace or
/// punctuation at either end, or an edge inside a written character.
fn edge_problem(text: &CharIndexed, start: i32, end: i32) -> Option<&'static str> {
    let (first, last) = (text.char_at(start), text.char_at(end - 1));
    if first.is_some_and(char::is_whitespace) || last.is_some_and(char::is_whitespace) {
        return Some("starts or ends with whitespace; trim the span");
    }
    if first.is_some_and(is_edge_punctuation) || last.is_some_and(is_edge_punctuation) {
        return Some("starts or ends with punctuation; trim the span to the name or number");
    }
    grapheme_edge_problem(text, start, end)
}

/// Why a span cuts a written character (a grapheme cluster) in two, if it
/// does: a letter from its harakat or shadda, a joiner from its letters.
fn grapheme_edge_problem(text: &CharIndexed, start: i32, end: i32) -> Option<&'static str> {
    let mark_at = |i: i32| text.char_at(i).is_some_and(is_combining_mark);
    // A mark typed after a space has no letter to be cut from (a "defective
    // combining sequence", as in `.. ًيستهدفون` in the SaudiNewsNet corpus).
    let stray_mark = mark_at(start) && text.char_at(start - 1).is_some_and(char::is_whitespace);
    if !text.is_grapheme_boundary(start) && !stray_mark {
        return Some("starts inside a written character (on a combining mark or joiner cut from the letter before it)");
    }
    // After a digit a mark is a symbol (news text writes the degree sign as a sukun: `74ْ`).
    let sign_after_digit = mark_at(end) && text.char_at(end - 1).is_some_and(arabic::is_digit);
    if !text.is_grapheme_boundary(end) && !sign_after_digit {
        return Some("ends inside a written character (before a combining mark of its last letter); include the mark");
    }
    None
}

/// Punctuation that may not start or end an entity. Percent and per-mille
/// signs may: they belong to the number they follow (`٣٫٥٪`).
fn is_edge_punctuation(c: char) -> bool {
    matches!(c,
        '!' | '"' | '#' | '&' | '\'' | '(' | ')' | '*' | ',' | '-' | '.' | '/' | ':' | ';' | '?'
        | '@' | '[' | '\\' | ']' | '_' | '{' | '}' | '¡' | '«' | '»' | '¿'
        | '،' | '؛' | '؟' | '۔' | '٭'
        | '\u{2010}'..='\u{2027}' | '\u{2032}'..='\u{205E}')
}

/// Entities of the same origin (one annotation layer) may nest but not
/// cross: `a` starts inside `b` and ends outside it.
fn check_crossings(
    mut spans: Vec<(String, i32, i32, String, u64)>,
    path: &Path,
    report: &mut Report,
) {
    spans.sort_by(|a, b| {
        (&a.0, a.1, std::cmp::Reverse(a.2)).cmp(&(&b.0, b.1, std::cmp::Reverse(b.2)))
    });
    // Per origin, the spans still open at the current start, outermost first.
    let mut open: Vec<&(String, i32, i32, String, u64)> = Vec::new();
    for span in &spans {
        open.retain(|o| o.0 == span.0 && o.2 > span.1);
        if let Some(crossed) = open.iter().find(|o| o.2 < span.2) {
            let message = format!(
                "{} ({}..{}) crosses {} ({}..{}) of the same origin {:?}; one must contain the other or they must not overlap",
                span.3, span.1, span.2, crossed.3, crossed.1, crossed.2, span.0
            );
            report.add(
                rules::ENTITY_CROSSING,
                path,
                Some(span.4),
                Some(&span.3),
                message,
            );
        }
        open.push(span);
    }
}

/// Checks a slot against its sentence, and returns the sentence when the
/// slot translates its current text.
fn check_slot<'a>(
    slot: &TranslationSlot,
    row: u64,
    sentences: &'a mut DocumentSentences,
    path: &Path,
    report: &mut Report,
) -> Option<&'a SentenceInfo> {
    let id = Some(slot.sentence_id.as_str());
    if let Some(message) =
        status_problem(&slot.status, slot.text.is_some(), slot.translator.is_some())
    {
        report.add(rules::SLOT_STATUS, path, Some(row), id, message);
    }
    let Some(sentence) = sentences.get_mut(&slot.sentence_id) else {
        report.add(
            rules::SLOT_UNKNOWN,
            path,
            Some(row),
            id,
            format!("sentence {:?} does not exist", slot.sentence_id),
        );
        return None;
    };
    if sentence.has_slot {
        report.add(
            rules::ID_DUPLICATE,
            path,
            Some(row),
            id,
            "a second slot for the same sentence".to_string(),
        );
    }
    sentence.has_slot = true;
    if sentence.boilerplate || !sentence.translate {
        let why = if sentence.boilerplate {
            "the sentence is boilerplate (a byline, tag list or crawl artefact)"
        } else {
            "the sentence is marked translate = false"
        };
        let message = format!("{why}; such sentences get no slot");
        report.add(rules::SLOT_UNTRANSLATABLE, path, Some(row), id, message);
    }
    if slot.source_sha256 != sentence.text_sha256 {
        let message = format!(
            "stale: the slot was written for source {} but the sentence now hashes to {}; retranslate or re-import it",
            slot.source_sha256, sentence.text_sha256
        );
        report.add(rules::SLOT_STALE, path, Some(row), id, message);
        return None;
    }
    Some(sentence)
}

/// What is wrong with a translation's status given its content, if anything:
/// an empty slot has no text, any other has text, and done or reviewed work
/// names its translator.
fn status_problem(status: &str, has_text: bool, has_translator: bool) -> Option<String> {
    match SlotStatus::parse(status) {
        None => Some(format!(
            "status {status:?} is not empty, machine, draft, done or reviewed"
        )),
        Some(SlotStatus::Empty) if has_text => {
            Some("status is empty but the slot has text".to_string())
        }
        Some(SlotStatus::Empty) => None,
        Some(_) if !has_text => Some(format!("status is {status} but the slot has no text")),
        Some(s) if s.needs_translator() && !has_translator => Some(format!(
            "status is {status} but no translator is named; import it with --translator NAME"
        )),
        Some(_) => None,
    }
}

/// Lists every orphaned translation (a warning: the work is kept, but no
/// sentence shows it), and checks its status like a slot's.
pub fn check_orphans(orphans: ChannelRows<Orphan>, report: &mut Report) {
    let path = orphans.path().to_path_buf();
    for (row, orphan) in orphans {
        let id = Some(orphan.orphan_id.as_str());
        if let Some(message) = status_problem(&orphan.status, true, orphan.translator.is_some()) {
            report.add(rules::SLOT_STATUS, &path, Some(row), id, message);
        }
        let message = format!(
            "the translation of {} ({}) has had no sentence since {} ({}); translate the new sentence, or reuse it from the orphans table",
            orphan.sentence_id, orphan.status, orphan.orphaned_in, orphan.reason
        );
        report.add(rules::SLOT_ORPHAN, &path, Some(row), id, message);
    }
}

/// A text sliceable by code point offsets.
struct CharIndexed<'a> {
    text: &'a str,
    /// Byte offset of every code point, and the text's length at the end
    /// (u32: a Parquet string is under 2 GiB).
    bounds: Vec<u32>,
}

impl<'a> CharIndexed<'a> {
    fn new(text: &'a str) -> Self {
        // Every byte that is not a UTF-8 continuation byte starts a code
        // point. Each byte's offset is written at the next free slot and the
        // slot taken only when the byte starts one: no branch to mispredict
        // on text that mixes one- and two-byte characters.
        let mut bounds = vec![0u32; text.len() + 1];
        let mut count = 0;
        for (i, &b) in text.as_bytes().iter().enumerate() {
            bounds[count] = i as u32;
            count += usize::from((b as i8) >= -0x40);
        }
        bounds[count] = text.len() as u32;
        bounds.truncate(count + 1);
        CharIndexed { text, bounds }
    }

    /// The byte offset of code point `i`, if the text has that many.
    fn byte(&self, i: usize) -> Option<usize> {
        self.bounds.get(i).map(|&b| b as usize)
    }

    fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    /// The code point at offset `i`, if the text has one there.
    fn char_at(&self, i: i32) -> Option<char> {
        let i = usize::try_from(i).ok().filter(|&i| i < self.len())?;
        self.text[self.byte(i)?..].chars().next()
    }

    /// Whether code point offset `i` falls between two grapheme clusters
    /// (the text's ends count as boundaries; offsets outside it do not).
    fn is_grapheme_boundary(&self, i: i32) -> bool {
        let Some(byte) = usize::try_from(i).ok().and_then(|i| self.byte(i)) else {
            return false;
        };
        GraphemeCursor::new(byte, self.text.len(), true)
            .is_boundary(self.text, 0)
            .unwrap_or(true)
    }

    /// `text[start:end]` in code points, if that is a non-empty span of the text.
    fn slice(&self, start: i32, end: i32) -> Option<&'a str> {
        let (start, end) = (usize::try_from(start).ok()?, usize::try_from(end).ok()?);
        if start >= end {
            return None;
        }
        Some(&self.text[self.byte(start)?..self.byte(end)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_edge_may_not_split_a_letter_from_its_marks_but_a_digit_may_keep_its_sign() {
        // بِسمِ: ب + kasra, س, م + kasra; then a space and 74 + sukun as a degree sign.
        let text = CharIndexed::new("بِسمِ 74ْ");
        assert_eq!(edge_problem(&text, 0, 5), None);
        assert!(edge_problem(&text, 0, 4)
            .unwrap()
            .contains("combining mark"));
        assert!(edge_problem(&text, 1, 5)
            .unwrap()
            .contains("starts inside a written character"));
        assert!(edge_problem(&text, 0, 6).unwrap().contains("whitespace"));
        assert_eq!(edge_problem(&text, 6, 8), None);
    }

    #[test]
    fn punctuation_may_not_edge_an_entity_but_a_percent_sign_may() {
        let text = CharIndexed::new("«بوتين» ٣٫٥٪");
        assert!(edge_problem(&text, 0, 6).unwrap().contains("punctuation"));
        assert!(edge_problem(&text, 1, 7).unwrap().contains("punctuation"));
        assert_eq!(edge_problem(&text, 1, 6), None);
        assert_eq!(edge_problem(&text, 8, 12), None);
    }

    #[test]
    fn a_joiner_belongs_to_its_cluster_but_a_stray_mark_after_a_space_starts_one() {
        let joined = CharIndexed::new("a\u{200D}b");
        assert!(grapheme_edge_problem(&joined, 1, 3).is_some());
        let stray = CharIndexed::new("الألم .. ًيستهدفون");
        assert_eq!(grapheme_edge_problem(&stray, 9, 18), None);
    }
}
