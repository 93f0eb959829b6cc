//! What a first model found in the unlabelled corpus: for each word, how
//! often it stood inside a name of each label. A name missing from the
//! annotated data is often named in the corpus where its context gives it
//! away (`الرئيس العراقي جلال طالباني`); the final model then knows it in
//! contexts that do not (`قال طالباني`).

use rayon::prelude::*;

use crate::error::Result;
use crate::model::Label;
use crate::ner::model::{read_word_map, write_word_map, NerModel, Reader, WordMap};
use crate::ner::tags::LABELS;

/// Words seen fewer times than this say nothing reliable.
const MIN_COUNT: u32 = 3;
/// Words seen this often and never inside a name are evidence of `O`.
const NEVER_A_NAME_COUNT: u32 = 20;
/// Share of a word's occurrences inside a name of one label, from which
/// each evidence level (1, 2, 3) holds.
const SHARE_LEVELS: [f64; 3] = [0.1, 0.3, 0.6];

/// The counts of one word: occurrences, then occurrences inside a name of
/// each label (in [`LABELS`] order).
type WordCounts = [u32; 1 + LABELS.len()];

/// Counts over tagged texts, fed a batch at a time so the corpus is never
/// held whole. Sums do not depend on the order, so neither on the threads.
#[derive(Debug, Default)]
pub struct NameCounts {
    of_word: WordMap<WordCounts>,
}

impl NameCounts {
    /// Tags `texts` with `model` (in parallel) and counts their words.
    pub fn add_texts(&mut self, model: &NerModel, texts: &[String]) {
        let batch = texts
            .par_iter()
            .fold(NameCounts::default, |mut counts, text| {
                counts.add_tagged(model, text);
                counts
            })
            .reduce(NameCounts::default, NameCounts::merge);
        self.merge_in(batch);
    }

    fn add_tagged(&mut self, model: &NerModel, text: &str) {
        for (view, label) in model.word_labels(text) {
            let counts = match self.of_word.get_mut(view.word()) {
                Some(counts) => counts,
                None => self.of_word.entry(view.word().to_string()).or_default(),
            };
            counts[0] += 1;
            if let Some(label) = label {
                counts[1 + label] += 1;
            }
        }
    }

    fn merge(mut self, other: NameCounts) -> NameCounts {
        self.merge_in(other);
        self
    }

    fn merge_in(&mut self, other: NameCounts) {
        for (word, counts) in other.of_word {
            let mine = self.of_word.entry(word).or_default();
            for (m, c) in mine.iter_mut().zip(counts) {
                *m += c;
            }
        }
    }

    /// The evidence worth keeping, as [`CorpusNames`].
    pub fn evidence(&self) -> CorpusNames {
        let evidence_of_word = self
            .of_word
            .iter()
            .filter_map(|(word, counts)| Some((word.clone(), evidence(counts)?)))
            .collect();
        CorpusNames { evidence_of_word }
    }
}

/// A word's evidence as bits: two per label (its level, 0 to 3), then
/// [`NEVER_A_NAME`]; `None` when there is nothing to say.
fn evidence(counts: &WordCounts) -> Option<u16> {
    let seen = counts[0];
    if seen < MIN_COUNT {
        return None;
    }
    let mut bits = 0u16;
    for (label, &inside) in counts[1..].iter().enumerate() {
        let share = f64::from(inside) / f64::from(seen);
        let level = SHARE_LEVELS.iter().filter(|&&l| share >= l).count() as u16;
        bits |= level << (2 * label);
    }
    if bits == 0 && seen >= NEVER_A_NAME_COUNT && counts[1..].iter().all(|&c| c == 0) {
        bits = NEVER_A_NAME;
    }
    (bits != 0).then_some(bits)
}

/// The bit of a frequent word never found inside a name.
pub const NEVER_A_NAME: u16 = 1 << (2 * LABELS.len());

/// Per word ([`TokenView::word`]), the evidence a first model found in the
/// corpus. Not per stem: a stem joins a name (`سوريه`) with the adjective
/// made from it (`السوريه`), whose share inside names is low.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorpusNames {
    evidence_of_word: WordMap<u16>,
}

impl CorpusNames {
    pub fn len(&self) -> usize {
        self.evidence_of_word.len()
    }

    pub fn is_empty(&self) -> bool {
        self.evidence_of_word.is_empty()
    }

    /// The evidence bits of a word; 0 when there is none.
    pub fn evidence_of(&self, word: &str) -> u16 {
        self.evidence_of_word.get(word).copied().unwrap_or(0)
    }

    /// The evidence level (0 to 3) of a word for one label.
    pub fn level(&self, word: &str, label: Label) -> u16 {
        let Some(index) = LABELS.iter().position(|&l| l == label) else {
            return 0;
        };
        (self.evidence_of(word) >> (2 * index)) & 0b11
    }

    /// Appends the words with their evidence as `u16` each.
    pub fn write(&self, out: &mut Vec<u8>) {
        write_word_map(&self.evidence_of_word, out, |bits, out| {
            out.extend_from_slice(&bits.to_le_bytes())
        });
    }

    pub fn read(r: &mut Reader) -> Result<CorpusNames> {
        Ok(CorpusNames {
            evidence_of_word: read_word_map(r, |r| r.u16())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_inside_tagged_names_are_counted_by_word_and_label() {
        let model = NerModel::builtin().unwrap();
        let texts = vec![
            "قال الرئيس الروسي فلاديمير بوتين إن بلاده وروسيا مستعدة.".to_string();
            3
        ];
        let mut counts = NameCounts::default();
        counts.add_texts(&model, &texts);
        let per = LABELS.iter().position(|l| l.as_str() == "PER").unwrap();
        assert_eq!(counts.of_word["بوتين"][0], 3);
        assert_eq!(counts.of_word["بوتين"][1 + per], 3);
        // `الروسي` keeps its article, `وروسيا` loses its conjunction.
        assert_eq!(counts.of_word["الروسي"], [3, 0, 0, 0, 0]);
        assert!(!counts.of_word.contains_key("روسي"));
        assert_eq!(counts.of_word["روسيا"][0], 3);
        let names = counts.evidence();
        assert_eq!(names.evidence_of("بوتين"), 3 << (2 * per));
        assert_eq!(
            names.evidence_of("الروسي"),
            0,
            "too rare to be evidence of O"
        );
    }

    #[test]
    fn evidence_levels_follow_the_share_inside_names() {
        // Seen 10 times: 7 as PER (share 0.7, level 3), 2 as ORG (0.2, level 1).
        assert_eq!(evidence(&[10, 7, 0, 2, 0]), Some(3 | 1 << 4));
        assert_eq!(evidence(&[2, 2, 0, 0, 0]), None, "too rare to say");
        assert_eq!(evidence(&[25, 0, 0, 0, 0]), Some(NEVER_A_NAME));
        assert_eq!(evidence(&[10, 0, 0, 0, 0]), None);
        assert_eq!(evidence(&[100, 0, 1, 0, 0]), None, "a share under 0.1");
    }
}
