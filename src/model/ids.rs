//! Stable row ids.
//!
//! Ids are built so that sorting them as strings (bytewise) gives the same
//! order as sorting by (document, position): a document id uses only
//! `[A-Za-z0-9._-]`, and the separator `#` sorts below every one of those
//! characters, with fixed-width counters after it. Every table is therefore
//! written in id order by writing documents in id order and rows in position
//! order, without a global sort.

use sha2::{Digest, Sha256};

/// Separator between the parts of a composite id; sorts below `[A-Za-z0-9._-]`.
pub const SEPARATOR: char = '#';

/// True when `c` may appear in a document id.
pub fn is_doc_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// The document id for a raw file's stem (its name without the extension).
///
/// A stem made only of `[A-Za-z0-9._-]` is the id as it is; any other stem
/// (Arabic file names, spaces) keeps its allowed characters, replaces runs of
/// the others with `_`, and gets the first 8 hex digits of the stem's sha256
/// so that two names differing only in those characters stay distinct.
pub fn doc_id_from_stem(stem: &str) -> String {
    if !stem.is_empty() && stem.chars().all(is_doc_id_char) {
        return stem.to_string();
    }
    let mut id = String::new();
    let mut in_replaced_run = false;
    for c in stem.chars() {
        if is_doc_id_char(c) {
            id.push(c);
            in_replaced_run = false;
        } else if !in_replaced_run {
            id.push('_');
            in_replaced_run = true;
        }
    }
    let digest = hex::encode(Sha256::digest(stem.as_bytes()));
    if !id.is_empty() && !id.ends_with('_') {
        id.push('-');
    }
    id.push_str(&digest[..8]);
    id
}

/// Marks a counter too large for its usual width; sorts just above `9`.
const WIDE_COUNTER: char = ':';

/// `index` in `width` digits; an index that needs more is written as `:`
/// and ten digits (any `u32`), which sorts after every `width`-digit one,
/// so ids keep their order however many rows a document or sentence holds.
fn counter(index: u32, width: usize) -> String {
    if u64::from(index) < 10u64.pow(width as u32) {
        format!("{index:0width$}")
    } else {
        format!("{WIDE_COUNTER}{index:010}")
    }
}

/// The id of sentence number `index` (0-based) of a document.
pub fn sentence_id(doc_id: &str, index: u32) -> String {
    format!("{doc_id}{SEPARATOR}{}", counter(index, 6))
}

/// The document id a sentence id starts with (document ids never hold the separator).
pub fn doc_of_sentence(sentence_id: &str) -> &str {
    sentence_id
        .split_once(SEPARATOR)
        .map_or(sentence_id, |(doc, _)| doc)
}

/// The id of entity number `index` (0-based, in offset order) of a sentence.
pub fn entity_id(sentence_id: &str, index: u32) -> String {
    format!("{sentence_id}{SEPARATOR}{}", counter(index, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_stems_are_kept() {
        assert_eq!(
            doc_id_from_stem("000_97094da2f4076d17"),
            "000_97094da2f4076d17"
        );
    }

    #[test]
    fn arabic_stems_get_a_hash_suffix() {
        let id = doc_id_from_stem("خبر 1");
        assert!(id.starts_with("_1-"), "{id}");
        assert_eq!(id.len(), "_1-".len() + 8);
        assert_ne!(doc_id_from_stem("خبر 1"), doc_id_from_stem("خبرا 1"));
    }

    #[test]
    fn string_order_equals_position_order() {
        // "x" < "x-1" as documents, so every sentence of "x" must sort first.
        let a = sentence_id("x", 999_999);
        let b = sentence_id("x-1", 0);
        assert!(a < b);
        assert!(sentence_id("x", 9) < sentence_id("x", 10));
        assert!(entity_id(&sentence_id("x", 1), 10) < entity_id(&sentence_id("x", 2), 0));
    }

    #[test]
    fn counters_past_their_width_still_sort_in_position_order() {
        let sentence = sentence_id("x", 0);
        let entities: Vec<String> = [0, 9_999, 10_000, 99_999, 100_000, u32::MAX]
            .into_iter()
            .map(|k| entity_id(&sentence, k))
            .collect();
        assert!(entities.windows(2).all(|w| w[0] < w[1]), "{entities:?}");
        assert_eq!(entities[1], "x#000000#9999");
        assert_eq!(entities[2], "x#000000#:0000010000");
        assert!(entities[5] < entity_id(&sentence_id("x", 1), 0));
        let sentences: Vec<String> = [999_999, 1_000_000, 12_345_678]
            .into_iter()
            .map(|i| sentence_id("x", i))
            .collect();
        assert!(sentences.windows(2).all(|w| w[0] < w[1]), "{sentences:?}");
        assert!(sentences[2] < sentence_id("x-1", 0));
        assert!(entity_id(&sentences[1], 0) < sentences[2]);
    }
}
