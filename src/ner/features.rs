//! Features of a token in its sentence, hashed to `u64` so that extracting
//! them allocates nothing per feature: the word's matching form, its stem
//! without proclitics (و ف ب ك ل ال) and the proclitics themselves,
//! suffixes and prefixes, word shape, the neighbouring words, the
//! distributional clusters learnt from unlabelled text, the training names
//! and what a first model found in the unlabelled text.

use crate::ner::lexicon::Lexicon;
use crate::ner::tags::LABELS;
use crate::text::arabic::{is_digit, is_letter, normalise};

/// One token's strings, computed once per sentence.
#[derive(Debug, Clone)]
pub struct TokenView {
    /// Matching form (see [`normalise`]).
    pub form: String,
    /// Byte length in `form` of the proclitics split off for `stem`.
    pub proclitic_len: usize,
    pub shape: Shape,
}

impl TokenView {
    pub fn new(word: &str) -> Self {
        let form = normalise(word);
        let proclitic_len = proclitic_len(&form);
        let shape = Shape::of(&form);
        TokenView {
            form,
            proclitic_len,
            shape,
        }
    }

    pub fn stem(&self) -> &str {
        &self.form[self.proclitic_len..]
    }

    fn proclitics(&self) -> &str {
        &self.form[..self.proclitic_len]
    }

    /// The matching form without a leading conjunction و or ف: the word as
    /// a name stands in text, article and prepositions kept, so that a name
    /// (`سوريه`, Syria) and an adjective made from it (`السوريه`, the
    /// Syrian), one stem, stay apart.
    pub fn word(&self) -> &str {
        without_conjunction(&self.form)
    }
}

/// The kind of characters a token is made of, with a length bucket for words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    ArabicShort,
    ArabicMedium,
    ArabicLong,
    Latin,
    Number,
    /// Digits with letters, as in `2020م` or `F16`.
    Mixed,
    Punctuation,
}

impl Shape {
    fn of(form: &str) -> Shape {
        let (mut letters, mut latin, mut digits, mut chars) = (0, 0, 0, 0);
        for c in form.chars() {
            chars += 1;
            if is_digit(c) {
                digits += 1;
            } else if c.is_ascii_alphabetic() {
                latin += 1;
            } else if is_letter(c) {
                letters += 1;
            }
        }
        match (letters + latin, digits) {
            (0, 0) => Shape::Punctuation,
            (0, _) => Shape::Number,
            (_, d) if d > 0 => Shape::Mixed,
            _ if latin > 0 => Shape::Latin,
            _ if chars <= 3 => Shape::ArabicShort,
            _ if chars <= 6 => Shape::ArabicMedium,
            _ => Shape::ArabicLong,
        }
    }
}

/// Proclitics split off a matching form: an optional و or ف, then the
/// article ال, possibly behind ب ك ل (`بالمدينة`), or the contracted لل
/// (`للحكومة`). A bare ب ك ل is left alone: too many names start with one
/// (`بوتين`, `لبنان`). At least two letters of stem remain.
fn proclitic_len(form: &str) -> usize {
    let mut rest = without_conjunction(form);
    for article in ["ال", "بال", "كال", "لال", "لل"] {
        if let Some(after) = rest.strip_prefix(article) {
            if after.chars().count() >= 2 {
                rest = after;
                break;
            }
        }
    }
    form.len() - rest.len()
}

/// `form` without a leading و or ف, when at least three letters remain.
fn without_conjunction(form: &str) -> &str {
    form.strip_prefix('و')
        .or_else(|| form.strip_prefix('ف'))
        .filter(|after| after.chars().count() >= 3)
        .unwrap_or(form)
}

/// Feature templates; their numbers are part of the model file format.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
enum Template {
    Bias = 0,
    Form,
    Stem,
    Proclitics,
    Suffix1,
    Suffix2,
    Suffix3,
    StemPrefix2,
    StemPrefix3,
    Shape,
    FormPrev,
    FormNext,
    FormPrev2,
    FormNext2,
    StemPrev,
    StemNext,
    BigramPrev,
    BigramNext,
    ShapePrevNext,
    Cluster,
    ClusterPrev,
    ClusterNext,
    Name,
    NamePrev,
    NameNext,
    CorpusName,
    CorpusNamePrev,
    CorpusNameNext,
}

/// splitmix64's increment: its generators add it to their state before mixing.
pub const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// The splitmix64 finaliser: spreads every input bit over the output. Also
/// the step of the seeded generators of training and clustering.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a over a template number and string parts, then a final mix so the
/// low bits spread well in a hash table.
struct FeatureHash(u64);

impl FeatureHash {
    fn new(template: Template) -> Self {
        let mut h = FeatureHash(0xcbf2_9ce4_8422_2325);
        h.byte(template as u8);
        h
    }

    fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }

    fn part(mut self, s: &str) -> Self {
        for &b in s.as_bytes() {
            self.byte(b);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        self.byte(0xff);
        self
    }

    fn number(mut self, n: u32) -> Self {
        for b in n.to_le_bytes() {
            self.byte(b);
        }
        self
    }

    fn finish(self) -> u64 {
        mix64(self.0)
    }
}

const SENTENCE_START: &str = "<s>";
const SENTENCE_END: &str = "</s>";

/// The last `n` characters of `s` (all of it when shorter).
fn suffix(s: &str, n: usize) -> &str {
    let start = s.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i);
    &s[start..]
}

/// The first `n` characters of `s` (all of it when shorter).
fn prefix(s: &str, n: usize) -> &str {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// Appends the hashed features of token `i` of a sentence to `out`.
pub fn token_features(views: &[TokenView], i: usize, lexicon: &Lexicon, out: &mut Vec<u64>) {
    let clusters = &lexicon.clusters;
    let view = &views[i];
    let form_at = |j: isize| -> &str {
        if j < 0 {
            SENTENCE_START
        } else {
            views
                .get(j as usize)
                .map_or(SENTENCE_END, |v| v.form.as_str())
        }
    };
    let stem_at = |j: isize| -> &str {
        if j < 0 {
            SENTENCE_START
        } else {
            views.get(j as usize).map_or(SENTENCE_END, |v| v.stem())
        }
    };
    let shape_at = |j: isize| -> u32 {
        if j < 0 || j as usize >= views.len() {
            u32::MAX
        } else {
            views[j as usize].shape as u32
        }
    };
    let view_at = |j: isize| usize::try_from(j).ok().and_then(|j| views.get(j));
    let i = i as isize;
    let form = view.form.as_str();
    let stem = view.stem();
    let one = |t: Template, s: &str| FeatureHash::new(t).part(s).finish();
    out.extend([
        FeatureHash::new(Template::Bias).finish(),
        one(Template::Form, form),
        one(Template::Stem, stem),
        one(Template::Proclitics, view.proclitics()),
        one(Template::Suffix1, suffix(form, 1)),
        one(Template::Suffix2, suffix(form, 2)),
        one(Template::Suffix3, suffix(form, 3)),
        one(Template::StemPrefix2, prefix(stem, 2)),
        one(Template::StemPrefix3, prefix(stem, 3)),
        FeatureHash::new(Template::Shape)
            .number(view.shape as u32)
            .finish(),
        one(Template::FormPrev, form_at(i - 1)),
        one(Template::FormNext, form_at(i + 1)),
        one(Template::FormPrev2, form_at(i - 2)),
        one(Template::FormNext2, form_at(i + 2)),
        one(Template::StemPrev, stem_at(i - 1)),
        one(Template::StemNext, stem_at(i + 1)),
        FeatureHash::new(Template::BigramPrev)
            .part(form_at(i - 1))
            .part(form)
            .finish(),
        FeatureHash::new(Template::BigramNext)
            .part(form)
            .part(form_at(i + 1))
            .finish(),
        FeatureHash::new(Template::ShapePrevNext)
            .number(shape_at(i - 1))
            .number(view.shape as u32)
            .number(shape_at(i + 1))
            .finish(),
    ]);
    for (template, j) in [
        (Template::Cluster, i),
        (Template::ClusterPrev, i - 1),
        (Template::ClusterNext, i + 1),
    ] {
        let Some(ids) = view_at(j).and_then(|v| clusters.of(v.stem())) else {
            continue;
        };
        for (level, &id) in ids.iter().enumerate() {
            out.push(
                FeatureHash::new(template)
                    .number(level as u32)
                    .number(u32::from(id))
                    .finish(),
            );
        }
    }
    for (template, j) in [
        (Template::Name, i),
        (Template::NamePrev, i - 1),
        (Template::NameNext, i + 1),
    ] {
        let tags = view_at(j).map_or(0, |v| lexicon.names.tags_of(v.stem()));
        for tag in (0..8).filter(|b| tags & (1 << b) != 0) {
            out.push(FeatureHash::new(template).number(tag).finish());
        }
    }
    for (template, j) in [
        (Template::CorpusName, i),
        (Template::CorpusNamePrev, i - 1),
        (Template::CorpusNameNext, i + 1),
    ] {
        let evidence = view_at(j).map_or(0, |v| lexicon.corpus_names.evidence_of(v.word()));
        // One feature per label with its level, and one for never a name.
        for part in 0..=LABELS.len() {
            let level = (evidence >> (2 * part)) & 0b11;
            if level != 0 {
                out.push(
                    FeatureHash::new(template)
                        .number(part as u32)
                        .number(u32::from(level))
                        .finish(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proclitics_are_split_off_but_names_keep_their_first_letter() {
        let stem = |w: &str| TokenView::new(w).stem().to_string();
        assert_eq!(stem("وإسرائيل"), "اسرائيل");
        assert_eq!(stem("بالمدينة"), "مدينه");
        assert_eq!(stem("للحكومة"), "حكومه");
        assert_eq!(stem("والكرملين"), "كرملين");
        assert_eq!(stem("بوتين"), "بوتين");
        assert_eq!(stem("لبنان"), "لبنان");
        assert_eq!(stem("وفد"), "وفد");
    }

    #[test]
    fn words_keep_their_article_but_not_their_conjunction() {
        let word = |w: &str| TokenView::new(w).word().to_string();
        assert_eq!(word("وسورية"), "سوريه");
        assert_eq!(word("السورية"), "السوريه");
        assert_eq!(word("فالسورية"), "السوريه");
        assert_eq!(word("ولد"), "ولد", "too short to carry a conjunction");
    }

    #[test]
    fn shapes() {
        assert_eq!(Shape::of("2020"), Shape::Number);
        assert_eq!(Shape::of("2020م"), Shape::Mixed);
        assert_eq!(Shape::of("NATO"), Shape::Latin);
        assert_eq!(Shape::of("،"), Shape::Punctuation);
        assert_eq!(Shape::of("في"), Shape::ArabicShort);
    }

    #[test]
    fn affixes_count_characters() {
        assert_eq!(suffix("مدينه", 2), "نه");
        assert_eq!(prefix("مدينه", 3), "مدي");
        assert_eq!(suffix("ab", 3), "ab");
    }
}
