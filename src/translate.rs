//! Translation slots: one per sentence that is to be translated.

use crate::model::{Sentence, TranslationSlot};

/// The slots for a document's sentences, in sentence order: an empty slot
/// for every sentence whose `translate` flag is set.
pub fn slots_for(sentences: &[Sentence]) -> Vec<TranslationSlot> {
    sentences
        .iter()
        .filter(|s| s.translate)
        .map(|s| TranslationSlot::empty(s.sentence_id.clone(), s.text_sha256.clone()))
        .collect()
}
