//! One name, one label within a document. The tagger reads a sentence at a
//! time, so it may find `أسيك` in one sentence of an article and miss it in
//! the next, where the words around it say less. A name it found anywhere
//! in the document is looked for in the document's other words, and an
//! occurrence it left untagged becomes a span with the label the name got
//! most (the label consistency of Krishnan and Manning, 2006). A person
//! found by full name is also looked for by family name alone, as news
//! names them after the first mention.
//!
//! Names are compared in matching form (see [`normalise`]). The first word
//! may carry a conjunction or a preposition the other occurrence lacks
//! (`وإسرائيل`, `بإسرائيل`, `إسرائيل`), and the span keeps it, as the model's
//! own spans do (the ANERcorp convention).

use std::ops::Range;

use crate::model::Label;
use crate::ner::model::{TaggedSpan, WordMap};
use crate::ner::tags::LABELS;
use crate::ner::tokens::{is_word, name_start, tokens};
use crate::text::arabic::{normalise, normalise_into};

/// Shorter names (`بي`, `ام`) are too often ordinary words to be copied.
const MIN_NAME_CHARS: usize = 3;

/// A shorter last word of a person's name (`علي`, `احمد`, `جمعه`) is too
/// often a given name or an ordinary word (`جمعه`, Friday) to stand for the
/// person: on ner-dev, 4 letters added three wrong spans and no right one.
const MIN_FAMILY_NAME_CHARS: usize = 5;

/// A name the model found, after its first word.
#[derive(Debug)]
struct Name {
    rest: Vec<String>,
    /// The summed scores and the number of the name's spans, by label
    /// ([`LABELS`] order).
    votes: [(f32, u32); LABELS.len()],
}

impl Name {
    /// The label with the highest summed score, then the most spans (a
    /// score may round to 0), then the first in [`LABELS`] order.
    fn label(&self) -> Label {
        let mut best = 0;
        for (i, &(score, count)) in self.votes.iter().enumerate() {
            let (best_score, best_count) = self.votes[best];
            if score > best_score || (score == best_score && count > best_count) {
                best = i;
            }
        }
        LABELS[best]
    }
}

/// The names the model found in a document, by each form of their first word.
#[derive(Debug, Default)]
pub struct FoundNames {
    by_first_word: WordMap<Vec<Name>>,
}

impl FoundNames {
    /// Collects the names in the model's spans of each sentence of a
    /// document; `may_stand_for` tells whether a word (in matching form)
    /// may stand alone for a name of a label.
    pub fn of<'a>(
        sentences: impl Iterator<Item = (&'a str, &'a [TaggedSpan])>,
        may_stand_for: impl Fn(&str, Label) -> bool,
    ) -> FoundNames {
        let mut names = FoundNames::default();
        for (sentence, spans) in sentences {
            for span in spans {
                let text = &sentence[span.range.clone()];
                let mut words = tokens(text).into_iter().map(|r| normalise(&text[r]));
                let Some(first) = words.next() else { continue };
                let rest: Vec<String> = words.collect();
                let rest_chars: usize = rest.iter().map(|w| w.chars().count()).sum();
                let Some(label) = LABELS.iter().position(|&l| l == span.label) else {
                    continue;
                };
                // One word is a name only where the model saw it as one; a
                // word the corpus has often and seldom in such names
                // (`الاتفاق`, the agreement; `على`, on, read as `علي`) would
                // be copied onto its every plain use.
                if !rest.is_empty() || may_stand_for(&first, span.label) {
                    each_first_word_form(&first, |form| {
                        if form.chars().count() + rest_chars >= MIN_NAME_CHARS {
                            names.vote(form, &rest, label, span.score);
                        }
                    });
                }
                // A person named in full is named again by the family name
                // alone (`مفرج بن ناصر اليامي` ... `وعبر اليامي`).
                if span.label == Label::Per {
                    if let Some((first, rest)) =
                        family_name(&rest, |w| may_stand_for(w, Label::Per))
                    {
                        names.vote(first, rest, label, span.score);
                    }
                }
            }
        }
        names
    }

    /// Counts a span of label `label` (its index in [`LABELS`]) for the
    /// name of first word `first` (one of its forms) and other words `rest`.
    fn vote(&mut self, first: &str, rest: &[String], label: usize, score: f32) {
        let entries = self.by_first_word.entry(first.to_string()).or_default();
        let name = match entries.iter().position(|n| n.rest == rest) {
            Some(i) => &mut entries[i],
            None => {
                entries.push(Name {
                    rest: rest.to_vec(),
                    votes: [(0.0, 0); LABELS.len()],
                });
                entries.last_mut().expect("just pushed")
            }
        };
        name.votes[label].0 += score;
        name.votes[label].1 += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.by_first_word.is_empty()
    }

    /// Occurrences of the names in `sentence` that touch none of `spans`,
    /// as byte ranges with their labels, in order; the longest name wins
    /// where several start at one word.
    pub fn missed_in(&self, sentence: &str, spans: &[TaggedSpan]) -> Vec<(Range<usize>, Label)> {
        let mut words = SentenceForms::new(sentence);
        let is_free = |range: &Range<usize>| {
            spans
                .iter()
                .all(|s| s.range.end <= range.start || range.end <= s.range.start)
        };
        let mut missed = Vec::new();
        let mut first = String::new();
        let mut i = 0;
        while i < words.ranges.len() {
            let range = words.ranges[i].clone();
            let longest = is_word(&sentence[range.clone()])
                .then(|| {
                    first.clear();
                    normalise_into(&sentence[range], |piece| first.push_str(piece));
                    self.longest_at(&first, &mut words, i)
                })
                .flatten()
                .map(|name| {
                    let last = i + name.rest.len();
                    let start = name_start(sentence, words.ranges[i].start);
                    (last, start..words.ranges[last].end, name.label())
                })
                .filter(|(_, span, _)| !span.is_empty() && is_free(span));
            match longest {
                Some((last, span, label)) => {
                    missed.push((span, label));
                    i = last + 1;
                }
                None => i += 1,
            }
        }
        missed
    }

    /// The longest name whose first word is `first` (word `i` in matching
    /// form) and whose other words follow it.
    fn longest_at(&self, first: &str, words: &mut SentenceForms, i: usize) -> Option<&Name> {
        let mut candidates: Vec<&Name> = Vec::new();
        each_first_word_form(first, |form| {
            candidates.extend(self.by_first_word.get(form).into_iter().flatten());
        });
        candidates.sort_by_key(|name| std::cmp::Reverse(name.rest.len()));
        candidates.into_iter().find(|name| {
            name.rest
                .iter()
                .enumerate()
                .all(|(k, word)| words.form(i + 1 + k) == Some(word.as_str()))
        })
    }
}

/// The family name in the words after the first of a person's name, in
/// matching form, as a first word and the words after it: the last two
/// words when the last but one joins them (`بن لادن`, `آل الشيخ`, `ابو
/// مازن`), else the last word, when it is long enough and may stand for a
/// person. `الدين` ends given names (`صلاح الدين`, `عز الدين`) and, alone,
/// means religion.
fn family_name(
    rest: &[String],
    may_name_a_person: impl Fn(&str) -> bool,
) -> Option<(&str, &[String])> {
    let (last, before) = rest.split_last()?;
    if let Some(joining) = before
        .last()
        .filter(|w| JOINING_WORDS.contains(&w.as_str()))
    {
        return Some((joining, std::slice::from_ref(last)));
    }
    let stands_alone =
        last.chars().count() >= MIN_FAMILY_NAME_CHARS && last != "الدين" && may_name_a_person(last);
    stands_alone.then_some((last.as_str(), &[]))
}

/// Words that join a family name to the word after them, in matching form:
/// son of, family of (`آل`), father of, servant of.
const JOINING_WORDS: [&str; 5] = ["بن", "ابن", "ال", "ابو", "عبد"];

/// A sentence's tokens, with the matching form of each computed the first
/// time a name needs it: most words start no name, and normalising every
/// word of every sentence again was a tenth of the tagging time.
struct SentenceForms<'s> {
    sentence: &'s str,
    ranges: Vec<Range<usize>>,
    forms: Vec<Option<String>>,
}

impl<'s> SentenceForms<'s> {
    fn new(sentence: &'s str) -> Self {
        let ranges = tokens(sentence);
        let forms = vec![None; ranges.len()];
        SentenceForms {
            sentence,
            ranges,
            forms,
        }
    }

    fn form(&mut self, i: usize) -> Option<&str> {
        let range = self.ranges.get(i)?.clone();
        let sentence = self.sentence;
        Some(self.forms[i].get_or_insert_with(|| normalise(&sentence[range])))
    }
}

/// Feeds `each` a first word in matching form, then without a leading
/// conjunction (و ف), then without a preposition (ب ل ك) too, and with
/// `لل` read as `ال` (`للحكومة` is `ل` + `الحكومة`); each only when at least
/// three letters remain.
fn each_first_word_form(word: &str, mut each: impl FnMut(&str)) {
    let clitic = |letters: &[char], s: &str| -> Option<usize> {
        let c = s.chars().next()?;
        (letters.contains(&c) && s.chars().count() > 3).then(|| c.len_utf8())
    };
    each(word);
    let after_conjunction = match clitic(&['و', 'ف'], word) {
        Some(n) => {
            each(&word[n..]);
            &word[n..]
        }
        None => word,
    };
    if let Some(n) = clitic(&['ب', 'ل', 'ك'], after_conjunction) {
        each(&after_conjunction[n..]);
    }
    if let Some(stem) = after_conjunction.strip_prefix("لل") {
        if stem.chars().count() >= 2 {
            each(&format!("ال{stem}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model span over the first occurrence of `name` in `sentence`.
    fn span(sentence: &str, name: &str, label: Label, score: f32) -> TaggedSpan {
        let start = sentence.find(name).expect("the name is in the sentence");
        TaggedSpan {
            range: start..start + name.len(),
            label,
            score,
        }
    }

    /// A model span over the last word of `sentence`.
    fn span_at_end(sentence: &str, label: Label, score: f32) -> TaggedSpan {
        TaggedSpan {
            range: sentence.rfind(' ').expect("two words or more") + 1..sentence.len(),
            label,
            score,
        }
    }

    /// The names of one tagged sentence.
    fn found_in(sentence: &str, spans: &[TaggedSpan]) -> FoundNames {
        FoundNames::of([(sentence, spans)].into_iter(), |_, _| true)
    }

    fn missed<'s>(
        names: &FoundNames,
        sentence: &'s str,
        spans: &[TaggedSpan],
    ) -> Vec<(&'s str, Label)> {
        names
            .missed_in(sentence, spans)
            .into_iter()
            .map(|(range, label)| (&sentence[range], label))
            .collect()
    }

    #[test]
    fn a_name_is_found_again_behind_a_conjunction_or_a_preposition() {
        let tagged = "زار الوفد إسرائيل أمس";
        let spans = [span(tagged, "إسرائيل", Label::Loc, 0.9)];
        let names = found_in(tagged, &spans);
        assert_eq!(
            missed(&names, "وبإسرائيل قالوا إن اسرائيل لإسرائيل", &[]),
            [
                ("وبإسرائيل", Label::Loc),
                ("اسرائيل", Label::Loc),
                ("لإسرائيل", Label::Loc)
            ]
        );
        // The sentence it was found in keeps its one span.
        assert_eq!(missed(&names, tagged, &spans), []);
    }

    #[test]
    fn a_stray_mark_before_a_name_stays_with_the_quote_it_follows() {
        let tagged = "ضيف قال";
        let spans = [span(tagged, "ضيف", Label::Misc, 0.8)];
        let names = found_in(tagged, &spans);
        assert_eq!(
            missed(&names, "سمى \"َضيف\" أو", &[]),
            [("ضيف", Label::Misc)]
        );
    }

    #[test]
    fn the_contracted_article_reads_as_the_article() {
        let tagged = "قال البنك التجاري إن";
        let spans = [span(tagged, "البنك التجاري", Label::Org, 1.0)];
        let names = found_in(tagged, &spans);
        assert_eq!(
            missed(&names, "وقدم للبنك التجاري قرضا", &[]),
            [("للبنك التجاري", Label::Org)]
        );
        assert_eq!(missed(&names, "البنك المركزي", &[]), [], "only whole names");
    }

    #[test]
    fn the_longest_name_wins_and_a_word_already_in_a_span_is_left_alone() {
        let tagged = "التقى نيسان أورفان ثم نيسان";
        let spans = [
            span(tagged, "نيسان أورفان", Label::Org, 1.0),
            span_at_end(tagged, Label::Org, 1.0),
        ];
        let names = found_in(tagged, &spans);
        let other = "باع نيسان أورفان سيارات";
        assert_eq!(missed(&names, other, &[]), [("نيسان أورفان", Label::Org)]);
        let taken = [span(other, "أورفان", Label::Per, 0.5)];
        assert_eq!(missed(&names, other, &taken), [], "crossing a span");
    }

    #[test]
    fn the_label_is_the_one_with_the_most_score_and_short_words_are_never_copied() {
        let first = "قال حمدان في دبي";
        let second = "وصل حمدان إلى أبو ظبي مع بي";
        let first_spans = [
            span(first, "حمدان", Label::Per, 0.9),
            span(first, "دبي", Label::Loc, 1.0),
        ];
        let second_spans = [
            span(second, "حمدان", Label::Loc, 0.6),
            span(second, "بي", Label::Org, 1.0),
        ];
        let names = FoundNames::of(
            [(first, &first_spans[..]), (second, &second_spans[..])].into_iter(),
            |_, _| true,
        );
        assert_eq!(
            missed(&names, "غادر حمدان ومعه بي", &[]),
            [("حمدان", Label::Per)]
        );
    }

    #[test]
    fn a_person_named_in_full_is_found_again_by_the_family_name_alone() {
        let tagged = "رقي مفرج بن ناصر اليامي ومها أحمد وأسامة بن لادن والملك عبدالله الثاني";
        let spans = [
            span(tagged, "مفرج بن ناصر اليامي", Label::Per, 0.9),
            span(tagged, "مها أحمد", Label::Per, 0.9),
            span(tagged, "أسامة بن لادن", Label::Per, 0.9),
            span(tagged, "عبدالله الثاني", Label::Per, 0.9),
        ];
        // The lexicon knows الثاني (second) as a frequent word seldom in a name.
        let names = FoundNames::of([(tagged, &spans[..])].into_iter(), |w, _| w != "الثاني");
        assert_eq!(
            missed(
                &names,
                "وعبر اليامي يوم الجمعة مع أحمد عن شكره عن بن لادن في اليوم الثاني",
                &[]
            ),
            [("اليامي", Label::Per), ("بن لادن", Label::Per)],
            "أحمد is too short to stand for مها أحمد, لادن goes with بن"
        );
        let place = "زار الوفد مدينة الرياض";
        let place_spans = [span(place, "مدينة الرياض", Label::Loc, 0.9)];
        assert_eq!(
            missed(&found_in(place, &place_spans), "في الرياض", &[]),
            [],
            "only people go by their last words"
        );
    }

    #[test]
    fn a_word_the_lexicon_refuses_alone_is_copied_only_inside_a_longer_name() {
        let tagged = "وقع الاتفاق مع نادي الاتفاق";
        let spans = [
            span(tagged, "الاتفاق مع", Label::Org, 0.9),
            span_at_end(tagged, Label::Org, 0.9),
        ];
        let names = FoundNames::of([(tagged, &spans[..])].into_iter(), |w, _| w != "الاتفاق");
        assert_eq!(
            missed(&names, "نص الاتفاق كما نشره الاتفاق مع", &[]),
            [("الاتفاق مع", Label::Org)]
        );
    }
}
