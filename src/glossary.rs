//! A dataset's glossary (`glossary.tsv`): names with their usual English
//! rendering. Build finds its forms in sentences as entities of origin
//! `gazetteer`, each carrying the rendering in `en`; validate checks that
//! entities agree with it and that translations use the renderings.
//!
//! The file is tab-separated with a header line `ar en label [wikidata]`:
//! `ar` holds one or more Arabic forms separated by `|`, `label` is PER,
//! LOC, ORG or MISC. Lines starting with `#` and blank lines are ignored.
//!
//! Matching happens on the normalised view (alef variants, teh marbuta,
//! alef maksura, harakat and tatweel do not matter) and handles the
//! proclitics attached to a name's first word: a conjunction (و ف), then a
//! preposition (ب ك ل), with `لل` standing for ل + ال. The clitics stay
//! outside the span: `وبوتين` gives the entity `بوتين`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::entities::is_word_char;
use crate::error::{Error, IoContext, Result};
use crate::model::Label;
use crate::text::arabic;

/// The glossary's file name, in a dataset folder and in a version folder.
pub const GLOSSARY_FILE: &str = "glossary.tsv";
/// The glossary's `table` in a manifest's file list; its `rows` are entries.
pub const GLOSSARY_TABLE: &str = "glossary";

/// One name of the glossary.
#[derive(Debug, Clone, PartialEq)]
pub struct GlossaryEntry {
    /// The Arabic forms as written in the file.
    pub forms: Vec<String>,
    pub en: String,
    pub label: Label,
    pub wikidata: Option<String>,
    /// The entry's line in the file.
    pub line: u64,
}

/// A parsed glossary, indexed by normalised form.
#[derive(Debug, Default)]
pub struct Glossary {
    entries: Vec<GlossaryEntry>,
    /// Normalised form (words joined by one space) → entry.
    by_form: HashMap<String, usize>,
    /// Words in the longest form.
    max_words: usize,
}

/// A word of a sentence in matching form, with where each of its
/// normalised characters came from.
struct Word {
    end: usize,
    norm: String,
    /// Byte offset in the sentence of each character of `norm`.
    origins: Vec<usize>,
}

const HEADER: [&str; 3] = ["ar", "en", "label"];

impl Glossary {
    /// Reads `path`; `Ok(None)` when there is no such file.
    pub fn load(path: &Path) -> Result<Option<Glossary>> {
        match std::fs::read_to_string(path) {
            Ok(text) => Glossary::parse(&text, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).at(path),
        }
    }

    /// Parses the text of a glossary file; errors name `path` and the line.
    pub fn parse(text: &str, path: &Path) -> Result<Glossary> {
        let error = |line: usize, message: String| Error::Glossary {
            path: PathBuf::from(path),
            line: line as u64 + 1,
            message,
        };
        let mut lines = text.lines().enumerate().filter(|(_, l)| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with('#')
        });
        let Some((n, header)) = lines.next() else {
            return Ok(Glossary::default());
        };
        let columns: Vec<&str> = header.split('\t').map(str::trim).collect();
        if columns[..columns.len().min(3)] != HEADER || columns.len() > 4 {
            return Err(error(n, format!("the header is {columns:?}; it must be `ar<TAB>en<TAB>label`, optionally followed by `<TAB>wikidata`")));
        }
        let mut glossary = Glossary::default();
        for (n, line) in lines {
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            if fields.len() < 3 || fields.len() > columns.len() {
                return Err(error(
                    n,
                    format!(
                        "{} fields, expected {} (separate them with tabs)",
                        fields.len(),
                        columns.len()
                    ),
                ));
            }
            let label = Label::parse(fields[2])
                .filter(|l| matches!(l, Label::Per | Label::Loc | Label::Org | Label::Misc))
                .ok_or_else(|| {
                    error(
                        n,
                        format!("label {:?} is not PER, LOC, ORG or MISC", fields[2]),
                    )
                })?;
            if fields[1].is_empty() {
                return Err(error(n, "the English rendering is empty".to_string()));
            }
            let forms: Vec<String> = fields[0].split('|').map(|f| f.trim().to_string()).collect();
            let index = glossary.entries.len();
            for form in &forms {
                let key = form_key(form);
                if key.is_empty() {
                    return Err(error(n, format!("the Arabic form {form:?} has no letters")));
                }
                if let Some(&other) = glossary.by_form.get(&key) {
                    let first = &glossary.entries[other];
                    return Err(error(n, format!("the form {form:?} is already listed on line {} (as {:?}); list each form once", first.line, first.en)));
                }
                glossary.max_words = glossary.max_words.max(key.split(' ').count());
                glossary.by_form.insert(key, index);
            }
            glossary.entries.push(GlossaryEntry {
                forms,
                en: fields[1].to_string(),
                label,
                wikidata: fields
                    .get(3)
                    .filter(|w| !w.is_empty())
                    .map(|w| w.to_string()),
                line: n as u64 + 1,
            });
        }
        Ok(glossary)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Every glossary name in `sentence`, longest first where they
    /// overlap, as byte ranges without the proclitics.
    pub fn find(&self, sentence: &str) -> Vec<(Range<usize>, &GlossaryEntry)> {
        let mut found = Vec::new();
        if self.is_empty() {
            return found;
        }
        let words = words(sentence);
        let mut i = 0;
        while i < words.len() {
            match self.match_at(sentence, &words, i) {
                Some((start, n, entry)) => {
                    found.push((start..words[i + n - 1].end, &self.entries[entry]));
                    i += n;
                }
                None => i += 1,
            }
        }
        found
    }

    /// The entry whose form is the whole of `span` (proclitics allowed).
    pub fn entry_for(&self, span: &str) -> Option<&GlossaryEntry> {
        let words = words(span);
        let (start, n, entry) = self.match_at(span, &words, 0)?;
        let whole = span[..start].chars().all(is_word_char)
            && n == words.len()
            && span[words[n - 1].end..].trim().is_empty();
        whole.then(|| &self.entries[entry])
    }

    /// The longest form starting at word `i`: the span's start byte, its
    /// word count and the entry.
    fn match_at(&self, text: &str, words: &[Word], i: usize) -> Option<(usize, usize, usize)> {
        if i >= words.len() {
            return None;
        }
        let longest = self.max_words.min(words.len() - i);
        // Words of a multi-word form must be separated by whitespace only.
        let joined = (i + 1..i + longest)
            .take_while(|&j| {
                text[words[j - 1].end..words[j].origins[0]]
                    .chars()
                    .all(char::is_whitespace)
            })
            .count()
            + 1;
        for (skip, first) in without_proclitics(&words[i].norm) {
            let mut key = first;
            let mut keys = vec![key.clone()];
            for word in &words[i + 1..i + joined] {
                key.push(' ');
                key.push_str(&word.norm);
                keys.push(key.clone());
            }
            for (n, key) in keys.iter().enumerate().rev() {
                if let Some(&entry) = self.by_form.get(key) {
                    return Some((words[i].origins[skip], n + 1, entry));
                }
            }
        }
        None
    }
}

/// A form's lookup key: its words in matching form, one space apart.
fn form_key(form: &str) -> String {
    words(form)
        .into_iter()
        .map(|w| w.norm)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of `text` (runs of letters and their marks) in matching form.
fn words(text: &str) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut current: Option<Word> = None;
    for (i, c) in text.char_indices() {
        if !is_word_char(c) {
            words.extend(current.take());
            continue;
        }
        let word = current.get_or_insert_with(|| Word {
            end: i,
            norm: String::new(),
            origins: Vec::new(),
        });
        word.end = i + c.len_utf8();
        if let Some(n) = arabic::normalise_char(c) {
            word.norm.push(n);
            word.origins.push(i);
        }
    }
    words.extend(current);
    words.retain(|w| !w.norm.is_empty());
    words
}

/// The readings of a word's matching form with its proclitics taken off,
/// the word itself first: (normalised characters skipped, the rest).
fn without_proclitics(norm: &str) -> Vec<(usize, String)> {
    const MIN_STEM_CHARS: usize = 2;
    let chars: Vec<char> = norm.chars().collect();
    let mut readings = vec![(0, norm.to_string())];
    let after_conjunction = if matches!(chars.first(), Some('و' | 'ف')) {
        1
    } else {
        0
    };
    for skip in [0, after_conjunction] {
        let rest = &chars[skip..];
        if skip > 0 && rest.len() >= MIN_STEM_CHARS {
            readings.push((skip, rest.iter().collect()));
        }
        if rest.len() > 2 && rest[0] == 'ل' && rest[1] == 'ل' {
            // لل + stem: the preposition ل and the article ال without its alef.
            readings.push((
                skip + 1,
                std::iter::once('ا')
                    .chain(rest[1..].iter().copied())
                    .collect(),
            ));
        } else if rest.len() > MIN_STEM_CHARS && matches!(rest[0], 'ب' | 'ك' | 'ل') {
            readings.push((skip + 1, rest[1..].iter().collect()));
        }
        // The span found in `للكرملين` keeps the article's ل (`لكرملين`),
        // which reads back as ال + stem.
        if rest.len() > MIN_STEM_CHARS && rest[0] == 'ل' && rest[1] != 'ل' {
            readings.push((
                skip,
                std::iter::once('ا').chain(rest.iter().copied()).collect(),
            ));
        }
    }
    readings.dedup();
    readings
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "# names of the seed articles\nar\ten\tlabel\twikidata\nفلاديمير بوتين|بوتين\tVladimir Putin\tPER\tQ7747\nالكرملين\tthe Kremlin\tORG\nقره باغ|ناغورني قره باغ\tNagorno-Karabakh\tLOC\n";

    fn glossary() -> Glossary {
        Glossary::parse(TSV, Path::new("glossary.tsv")).unwrap()
    }

    fn spans(text: &str) -> Vec<(String, String)> {
        let g = glossary();
        let found = g.find(text);
        found
            .into_iter()
            .map(|(r, e)| (text[r].to_string(), e.en.clone()))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(a, e)| (a.to_string(), e.to_string()))
            .collect()
    }

    #[test]
    fn longest_forms_with_clitics_outside_the_span() {
        assert_eq!(
            spans("وقال بوتين إن الرئيس فلاديمير بوتين زار قره باغ وللكرملين رأي"),
            pairs(&[
                ("بوتين", "Vladimir Putin"),
                ("فلاديمير بوتين", "Vladimir Putin"),
                ("قره باغ", "Nagorno-Karabakh"),
                ("لكرملين", "the Kremlin"),
            ])
        );
        assert_eq!(
            spans("وبالكرملين وفلاديميرُ بوتين"),
            pairs(&[
                ("الكرملين", "the Kremlin"),
                ("فلاديميرُ بوتين", "Vladimir Putin")
            ])
        );
    }

    #[test]
    fn words_of_a_form_must_be_adjacent_and_whole() {
        assert_eq!(spans("قره، باغ"), pairs(&[]));
        assert_eq!(spans("بوتينات"), pairs(&[]));
    }

    #[test]
    fn a_whole_span_finds_its_entry() {
        let g = glossary();
        assert_eq!(
            g.entry_for("بوتين").map(|e| e.en.as_str()),
            Some("Vladimir Putin")
        );
        assert_eq!(g.entry_for("والكرملين").map(|e| e.label), Some(Label::Org));
        assert_eq!(g.entry_for("بوتين زار"), None);
        assert_eq!(g.entry_for("2021"), None);
        assert_eq!(g.entry_for("لكرملين").map(|e| e.label), Some(Label::Org));
    }

    #[test]
    fn bad_files_are_refused_with_their_line() {
        let bad = |text: &str| {
            Glossary::parse(text, Path::new("g.tsv"))
                .unwrap_err()
                .to_string()
        };
        assert!(bad("arabic\tenglish\n").contains("g.tsv:1: the header"));
        assert!(bad("ar\ten\tlabel\nبوتين\tPutin\tPERSON\n").contains("g.tsv:2: label \"PERSON\""));
        assert!(bad("ar\ten\tlabel\nبوتين Putin PER\n").contains("g.tsv:2: 1 fields"));
        assert!(
            bad("ar\ten\tlabel\nبوتين\tPutin\tPER\nبوتين\tPoutine\tPER\n")
                .contains("g.tsv:3: the form \"بوتين\" is already listed on line 2")
        );
        assert_eq!(Glossary::parse("", Path::new("g.tsv")).unwrap().len(), 0);
    }
}
