//! Translation QA: checks of a filled slot's English text against its
//! Arabic source, in the spirit of Okapi CheckMate and Xbench, and across
//! the dataset (one source translated two ways, two sources sharing one
//! translation). Findings are warnings; `--strict` makes them errors.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use super::rules::{self, Rule};
use crate::io::hash::digest128;
use crate::text::arabic;
use crate::text::numbers;

/// The band a translation's length may take, as a multiple of its source's
/// length in code points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LengthBand {
    pub min: f64,
    pub max: f64,
}

impl Default for LengthBand {
    /// English written from Arabic news runs about 1.1 to 1.6 times the
    /// source's length (Arabic writes no short vowels and attaches clitics);
    /// the default band is wide enough to flag only the grossly wrong: a
    /// sentence cut short, or two sentences pasted into one slot.
    fn default() -> Self {
        LengthBand { min: 0.5, max: 3.0 }
    }
}

impl FromStr for LengthBand {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let parse = |part: &str| part.trim().parse::<f64>().ok().filter(|v| *v >= 0.0);
        let band = s
            .split_once("..")
            .and_then(|(min, max)| {
                Some(LengthBand {
                    min: parse(min)?,
                    max: parse(max)?,
                })
            })
            .filter(|band| band.min < band.max);
        band.ok_or_else(|| format!("{s:?} is not a band MIN..MAX of ratios, such as 0.5..3.0"))
    }
}

impl fmt::Display for LengthBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.min, self.max)
    }
}

/// Sources shorter than this many code points get no length check: the
/// ratio of a one-word headline says nothing.
const MIN_SOURCE_CHARS_FOR_RATIO: usize = 12;

/// The error value a target is, if it is one: Excel and LibreOffice save a
/// cell they took for a formula that failed as its error, so what was typed
/// is gone from the file and must be typed again.
pub fn spreadsheet_error(target: &str) -> Option<&str> {
    const ERRORS: [&str; 12] = [
        "#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
        "#FIELD!", "Err:508", "Err:509",
    ];
    let trimmed = target.trim();
    ERRORS.contains(&trimmed).then_some(trimmed)
}

/// One problem with a translation.
pub type Problem = (Rule, String);

/// Checks of one translation against its source and the English
/// renderings of the names in it.
pub fn check_pair(source: &str, target: &str, names: &[String], band: LengthBand) -> Vec<Problem> {
    let mut problems = Vec::new();
    if target.trim().is_empty() {
        let message =
            "the translation is empty; translate the sentence or set its status back to empty"
                .to_string();
        problems.push((rules::QA_EMPTY, message));
        return problems;
    }
    // An error value is a lost translation, not also a length or number one.
    if let Some(error) = spreadsheet_error(target) {
        let message = format!(
            "the translation is {error}, what a spreadsheet saved for a cell it read as a formula; translate the sentence again"
        );
        problems.push((rules::QA_SPREADSHEET_ERROR, message));
        return problems;
    }
    if let Some(message) = whitespace_problem(target) {
        problems.push((rules::QA_WHITESPACE, message));
    }
    // A copied source is one mistake, not also a script, number and length one.
    if collapse_whitespace(target) == collapse_whitespace(source) {
        let message = "the translation is the source copied unchanged".to_string();
        problems.push((rules::QA_SAME_AS_SOURCE, message));
        return problems;
    }
    if let Some(word) = target
        .split_whitespace()
        .find(|w| w.chars().any(arabic::is_arabic_letter))
    {
        let message = format!("the translation still holds Arabic script: {word:?}");
        problems.push((rules::QA_ARABIC_SCRIPT, message));
    }
    if let Some(message) = missing_names(target, names) {
        problems.push((rules::QA_NAME_MISSING, message));
    }
    if let Some(message) = numbers_problem(source, target) {
        problems.push((rules::QA_NUMBERS, message));
    }
    if let Some(message) = length_problem(source, target, band) {
        problems.push((rules::QA_LENGTH_RATIO, message));
    }
    if let Some(message) = bracket_problem(target) {
        problems.push((rules::QA_BRACKETS, message));
    }
    if let Some(word) = doubled_word(target) {
        problems.push((
            rules::QA_DOUBLED_WORD,
            format!("{word:?} is written twice in a row"),
        ));
    }
    problems
}

fn whitespace_problem(target: &str) -> Option<String> {
    let mut faults = Vec::new();
    if target.starts_with(char::is_whitespace) {
        faults.push("starts with whitespace");
    }
    if target.ends_with(char::is_whitespace) {
        faults.push("ends with whitespace");
    }
    let chars: Vec<char> = target.trim().chars().collect();
    if chars
        .windows(2)
        .any(|w| w[0].is_whitespace() && w[1].is_whitespace())
    {
        faults.push("has two whitespace characters in a row");
    }
    (!faults.is_empty()).then(|| format!("the translation {}", faults.join(" and ")))
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Names whose rendering the translation does not use, ignoring case and a
/// leading article (`the Kremlin` is used by `Kremlin's`).
fn missing_names(target: &str, names: &[String]) -> Option<String> {
    let target = target.to_lowercase();
    let mut missing: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|en| {
            let lower = en.to_lowercase();
            let core = lower.strip_prefix("the ").unwrap_or(&lower);
            !target.contains(core)
        })
        .collect();
    missing.dedup();
    (!missing.is_empty()).then(|| {
        format!(
            "the source names {} but the translation does not use {}",
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        )
    })
}

/// Numbers compared by value, whatever their digits: `٢٠٢٠` in the source
/// is matched by `2020` in the translation.
fn numbers_problem(source: &str, target: &str) -> Option<String> {
    let mut unmatched = numbers::values(source);
    let mut extra = Vec::new();
    for value in numbers::values(target) {
        match unmatched.iter().position(|v| *v == value) {
            Some(i) => {
                unmatched.remove(i);
            }
            None => extra.push(value),
        }
    }
    let mut faults = Vec::new();
    if !unmatched.is_empty() {
        faults.push(format!("the source's {} missing", unmatched.join(", ")));
    }
    if !extra.is_empty() {
        faults.push(format!("{} not in the source", extra.join(", ")));
    }
    (!faults.is_empty()).then(|| format!("numbers differ by value: {}", faults.join("; ")))
}

fn length_problem(source: &str, target: &str, band: LengthBand) -> Option<String> {
    let source_chars = source.trim().chars().count();
    if source_chars < MIN_SOURCE_CHARS_FOR_RATIO {
        return None;
    }
    let ratio = target.trim().chars().count() as f64 / source_chars as f64;
    (ratio < band.min || ratio > band.max).then(|| {
        format!("the translation is {ratio:.2} times the source's length, outside the band {band} (set it with --length-ratio)")
    })
}

/// Brackets that must pair up, and the straight double quote, which must
/// come in even numbers. Single quotes are left out: English writes `’` as
/// an apostrophe.
fn bracket_problem(target: &str) -> Option<String> {
    const PAIRS: [(char, char); 5] = [('(', ')'), ('[', ']'), ('{', '}'), ('“', '”'), ('«', '»')];
    let mut open: Vec<(char, usize)> = Vec::new();
    for (i, c) in target.chars().enumerate() {
        if PAIRS.iter().any(|&(o, _)| o == c) {
            open.push((c, i));
        } else if let Some(&(opener, _)) = PAIRS.iter().find(|&&(_, close)| close == c) {
            match open.pop() {
                Some((o, _)) if o == opener => {}
                Some((o, at)) => {
                    return Some(format!(
                        "{c:?} at character {i} closes {o:?} opened at character {at}"
                    ))
                }
                None => return Some(format!("{c:?} at character {i} closes nothing")),
            }
        }
    }
    if let Some((o, at)) = open.pop() {
        return Some(format!("{o:?} opened at character {at} is never closed"));
    }
    let quotes = target.matches('"').count();
    (quotes % 2 == 1).then(|| format!("{quotes} straight double quotes: one is unpaired"))
}

/// A word written twice in a row (`the the`), ignoring case; punctuation
/// between the two (`is, is`) breaks the repetition.
fn doubled_word(target: &str) -> Option<&str> {
    // The previous word, when nothing but whitespace follows it.
    let mut previous: Option<&str> = None;
    for raw in target.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let is_word = word.chars().any(char::is_alphabetic);
        let repeated = previous.is_some_and(|p| p.to_lowercase() == word.to_lowercase());
        if is_word && raw.starts_with(word) && repeated {
            return Some(word);
        }
        previous = (is_word && raw.ends_with(word)).then_some(word);
    }
    None
}

/// Translations seen so far in one version, for the checks across the
/// dataset. It holds only filled slots, which people typed or imported,
/// and of each only digests and the first sentence id: the texts
/// themselves cost a kilobyte per translation (a corpus version with
/// 277,890 translations took 468 MiB to validate, 257 MiB with digests,
/// 190 MiB with no translation).
#[derive(Default)]
pub struct Consistency {
    /// Normalised source → (translation as compared, first sentence id).
    by_source: HashMap<Digest, (Digest, String)>,
    /// Translation as compared → (normalised source, first sentence id).
    by_target: HashMap<Digest, (Digest, String)>,
}

/// A [`digest128`] of a text.
type Digest = [u8; 16];

impl Consistency {
    /// Records the translation of `sentence_id` and says if it disagrees
    /// with one recorded before.
    pub fn check(&mut self, sentence_id: &str, source: &str, target: &str) -> Vec<Problem> {
        let target_text = collapse_whitespace(target).to_lowercase();
        if target_text.is_empty() {
            return Vec::new();
        }
        let source_key = digest128(&[&arabic::normalise(&collapse_whitespace(source))]);
        let target_key = digest128(&[&target_text]);
        let mut problems = Vec::new();
        match self.by_source.get(&source_key) {
            Some((other, first)) if *other != target_key => problems.push((
                rules::QA_INCONSISTENT_TARGET,
                format!(
                    "the same source is translated differently in {first}; use one translation"
                ),
            )),
            Some(_) => {}
            None => {
                self.by_source
                    .insert(source_key, (target_key, sentence_id.to_string()));
            }
        }
        match self.by_target.get(&target_key) {
            Some((other, first)) if *other != source_key => problems.push((
                rules::QA_INCONSISTENT_SOURCE,
                format!("{first} has another source but this same translation; one of them is probably wrong"),
            )),
            Some(_) => {}
            None => {
                self.by_target.insert(target_key, (source_key, sentence_id.to_string()));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_of(source: &str, target: &str) -> Vec<&'static str> {
        check_pair(source, target, &[], LengthBand::default())
            .iter()
            .map(|(rule, _)| rule.id)
            .collect()
    }

    const SOURCE: &str = "قتل ٥٤ جنديا في ٩ تشرين الثاني ٢٠٢٠.";

    #[test]
    fn a_good_translation_has_no_problem() {
        assert!(rules_of(SOURCE, "54 soldiers were killed on 9 November 2020.").is_empty());
    }

    #[test]
    fn numbers_are_compared_by_value_across_digit_sets() {
        let problems = check_pair(
            SOURCE,
            "45 soldiers were killed on 9 November 2020.",
            &[],
            LengthBand::default(),
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0.id, "qa.numbers");
        assert!(
            problems[0].1.contains("54 missing") && problems[0].1.contains("45 not in the source"),
            "{}",
            problems[0].1
        );
        assert!(rules_of(
            "بلغت النسبة ٣٫٥٪ من ١٬٢٠٠",
            "The share reached 3.5% of 1,200"
        )
        .is_empty());
    }

    #[test]
    fn each_surface_fault_has_its_rule() {
        assert_eq!(rules_of(SOURCE, "   "), ["qa.empty"]);
        assert_eq!(rules_of(SOURCE, SOURCE), ["qa.same-as-source"]);
        assert_eq!(rules_of(SOURCE, "#NAME?"), ["qa.spreadsheet-error"]);
        assert_eq!(rules_of(SOURCE, " Err:509"), ["qa.spreadsheet-error"]);
        assert_eq!(
            rules_of(SOURCE, " 54 soldiers were  killed on 9 November 2020."),
            ["qa.whitespace"]
        );
        assert_eq!(
            rules_of(SOURCE, "54 soldiers were killed on 9 تشرين 2020."),
            ["qa.arabic-script"]
        );
        assert_eq!(rules_of(SOURCE, "54 killed 9/2020"), ["qa.length-ratio"]);
        assert_eq!(
            rules_of(
                SOURCE,
                "54 soldiers (of the army were killed on 9 November 2020."
            ),
            ["qa.brackets"]
        );
        assert_eq!(
            rules_of(SOURCE, "54 soldiers were killed on \"9 November 2020."),
            ["qa.brackets"]
        );
        assert_eq!(
            rules_of(SOURCE, "54 soldiers were were killed on 9 November 2020."),
            ["qa.doubled-word"]
        );
        assert!(
            rules_of(SOURCE, "54 soldiers were killed on 9 November 2020, 2020.")
                .contains(&"qa.numbers")
        );
    }

    #[test]
    fn a_name_must_keep_its_glossary_rendering() {
        let names = ["the Kremlin".to_string()];
        let source = "قال الكرملين";
        let band = LengthBand::default();
        assert!(check_pair(source, "The Kremlin's spokesman said", &names, band).is_empty());
        let problems = check_pair(source, "Moscow said so", &names, band);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0.id, "qa.name-missing");
        assert!(problems[0].1.contains("the Kremlin"));
    }

    #[test]
    fn a_short_source_gets_no_length_check() {
        assert!(rules_of("الرياض", "The Saudi capital city of Riyadh").is_empty());
    }

    #[test]
    fn one_source_two_translations_and_two_sources_one_translation_are_caught() {
        let mut seen = Consistency::default();
        assert!(seen
            .check("a#0", "قال الوزير", "The minister said")
            .is_empty());
        assert!(seen
            .check("b#0", "قال  الوزير", "the minister said")
            .is_empty());
        let differently = seen.check("c#0", "قال الوزير", "The minister stated");
        assert_eq!(differently.len(), 1);
        assert_eq!(differently[0].0.id, "qa.inconsistent-target");
        assert!(differently[0].1.contains("a#0"));
        let shared = seen.check("d#0", "قالت الوزيرة", "The minister said");
        assert_eq!(shared[0].0.id, "qa.inconsistent-source");
    }

    #[test]
    fn length_bands_parse_and_reject_nonsense() {
        assert_eq!(
            "0.8..2".parse::<LengthBand>(),
            Ok(LengthBand { min: 0.8, max: 2.0 })
        );
        assert!("2..1".parse::<LengthBand>().is_err());
        assert!("x".parse::<LengthBand>().is_err());
    }
}
