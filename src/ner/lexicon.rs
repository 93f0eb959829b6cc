//! What the model knows about words beyond its weights: the word clusters
//! learnt from unlabelled text, what a first model found in that text, and
//! the names of the training data with the tags they were seen with.

use crate::error::Result;
use crate::model::Label;
use crate::ner::clusters::Clusters;
use crate::ner::corpus_names::CorpusNames;
use crate::ner::features::TokenView;
use crate::ner::gold::Example;
use crate::ner::model::{read_word_map, write_word_map, Reader, WordMap};
use crate::ner::tags::OUTSIDE;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    pub clusters: Clusters,
    pub corpus_names: CorpusNames,
    pub names: Names,
}

impl Lexicon {
    pub fn write(&self, out: &mut Vec<u8>) {
        self.clusters.write(out);
        self.corpus_names.write(out);
        self.names.write(out);
    }

    /// Whether a word (in matching form) may stand alone for a name of
    /// `label`, as a family name does for a person: the first model found
    /// it inside such names in the corpus often enough for evidence, or the
    /// corpus has it too rarely to have a cluster. A frequent word seldom
    /// inside such a name (`العهد` of `ولي العهد`, `الثاني` of `عبدالله
    /// الثاني`) may not.
    pub fn may_stand_for(&self, word: &str, label: Label) -> bool {
        let view = TokenView::new(word);
        self.corpus_names.level(view.word(), label) > 0 || self.clusters.of(view.stem()).is_none()
    }

    pub fn read(r: &mut Reader) -> Result<Lexicon> {
        Ok(Lexicon {
            clusters: Clusters::read(r)?,
            corpus_names: CorpusNames::read(r)?,
            names: Names::read(r)?,
        })
    }
}

/// The stems of the words inside annotated names, each with the set of
/// `B-`/`I-` tags it carried (bit `tag - 1`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    tags_of_stem: WordMap<u8>,
}

impl Names {
    pub fn from_examples<'a>(examples: impl IntoIterator<Item = &'a Example>) -> Names {
        let mut tags_of_stem: WordMap<u8> = WordMap::default();
        for example in examples {
            for (view, &tag) in example.views.iter().zip(&example.tags) {
                if tag != OUTSIDE {
                    *tags_of_stem.entry(view.stem().to_string()).or_default() |= 1 << (tag - 1);
                }
            }
        }
        Names { tags_of_stem }
    }

    /// The tags a stem was seen with, as bits; 0 when never inside a name.
    pub fn tags_of(&self, stem: &str) -> u8 {
        self.tags_of_stem.get(stem).copied().unwrap_or(0)
    }

    /// Appends the stems with their tags as one byte each.
    fn write(&self, out: &mut Vec<u8>) {
        write_word_map(&self.tags_of_stem, out, |tags, out| out.push(*tags));
    }

    fn read(r: &mut Reader) -> Result<Names> {
        Ok(Names {
            tags_of_stem: read_word_map(r, |r| r.u8())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Label;
    use crate::ner::model::NerModel;

    #[test]
    fn a_word_may_stand_for_a_name_if_the_corpus_shows_it_in_such_names_or_hardly_at_all() {
        let model = NerModel::builtin().unwrap();
        let lexicon = model.lexicon();
        for (word, label, may) in [
            ("بوتين", Label::Per, true),
            ("اليامي", Label::Per, true),
            ("الثاني", Label::Per, false),
            ("العهد", Label::Per, false),
            ("على", Label::Per, false),
            ("الاتفاق", Label::Org, false),
            ("السعوديه", Label::Loc, true),
        ] {
            assert_eq!(lexicon.may_stand_for(word, label), may, "{word} {label:?}");
        }
    }
}
