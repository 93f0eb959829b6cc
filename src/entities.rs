//! Entity spans found by rule: numbers (NUM) and dates (DATE).
//!
//! Works on one sentence at a time, so a span never crosses a sentence
//! boundary, and returns byte ranges of the sentence in increasing order,
//! never overlapping (a number inside a date is part of the DATE span only).
//!
//! - NUM: digits in ASCII, Arabic-Indic or extended Arabic-Indic form, with
//!   `.` `,` `٫` `٬` between digits, and a following `%` or `٪`.
//! - DATE: a month name (Gregorian, Levantine such as `تشرين الثاني`, both
//!   joined as in `تشرين الثاني/نوفمبر`, or Hijri) with a day before it or a
//!   year after it; and a year after `عام` / `سنة`.

use std::ops::Range;

use crate::model::Label;
use crate::text::arabic::{is_diacritic, is_digit, is_letter, normalise, TATWEEL};
use crate::text::numbers::number_at;

/// Gregorian month names, in their matching form (see [`normalise`]).
const GREGORIAN_MONTHS: &[&str] = &[
    "يناير",
    "فبراير",
    "مارس",
    "ابريل",
    "مايو",
    "يونيو",
    "يونيه",
    "يوليو",
    "يوليه",
    "اغسطس",
    "سبتمبر",
    "اكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// Levantine (Syriac) month names of one word, in matching form.
const LEVANTINE_MONTHS: &[&str] = &[
    "شباط",
    "اذار",
    "نيسان",
    "ايار",
    "حزيران",
    "تموز",
    "اب",
    "ايلول",
];

/// Levantine month names of two words: `تشرين الأول` and the like.
const LEVANTINE_PAIRS: &[(&str, &[&str])] = &[
    ("تشرين", &["الاول", "الثاني"]),
    ("كانون", &["الاول", "الثاني"]),
];

/// Hijri month names of one word, in matching form.
const HIJRI_MONTHS: &[&str] = &["محرم", "صفر", "رجب", "شعبان", "رمضان", "شوال"];

/// Hijri month names of two words.
const HIJRI_PAIRS: &[(&str, &[&str])] = &[
    ("ربيع", &["الاول", "الاخر", "الثاني"]),
    ("جمادي", &["الاولي", "الاخره", "الاول", "الثاني"]),
    ("ذو", &["القعده", "الحجه"]),
    ("ذي", &["القعده", "الحجه"]),
];

/// Words after which a number is a year.
const YEAR_WORDS: &[&str] = &["عام", "العام", "لعام", "بعام", "سنه", "السنه", "لسنه"];

/// Keywords are at most 7 Arabic letters; with diacritics a word of up to
/// twice that many bytes again may still match.
const MAX_KEYWORD_BYTES: usize = 28;

/// Joins a day to a month: `10 من تشرين الثاني`.
const DAY_MONTH_LINK: &str = "من";

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// Its value, when it has no decimal part.
    Number(Option<u64>),
    Word(String),
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    range: Range<usize>,
    kind: Kind,
}

/// Finds number and date spans in a sentence.
pub fn find(sentence: &str) -> Vec<(Range<usize>, Label)> {
    let tokens = tokenize(sentence);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some(end) = date_at(&tokens, i) {
            found.push((
                tokens[i].range.start..tokens[end - 1].range.end,
                Label::Date,
            ));
            i = end;
            continue;
        }
        if let Kind::Number(_) = tokens[i].kind {
            let start = tokens[i].range.start;
            let label = match i.checked_sub(1).map(|p| &tokens[p].kind) {
                Some(Kind::Word(w)) if YEAR_WORDS.contains(&w.as_str()) => Label::Date,
                _ => Label::Num,
            };
            if matches!(
                tokens.get(i + 1).map(|t| &t.kind),
                Some(Kind::Punct('%' | '٪'))
            ) {
                i += 1;
            }
            found.push((start..tokens[i].range.end, label));
        }
        i += 1;
    }
    found
}

/// If a date starts at token `i`, the index just past its last token.
fn date_at(tokens: &[Token], i: usize) -> Option<usize> {
    let mut j = i;
    let day = match tokens[j].kind {
        Kind::Number(Some(v)) if (1..=31).contains(&v) => {
            j += 1;
            if word_is(tokens.get(j), DAY_MONTH_LINK) {
                j += 1;
            }
            true
        }
        _ => false,
    };
    let after_month = month_at(tokens, j)?;
    let mut end = after_month;
    let year = match tokens.get(end).map(|t| &t.kind) {
        Some(Kind::Number(Some(v))) if (100..=2999).contains(v) => {
            end += 1;
            true
        }
        _ => false,
    };
    (day || year).then_some(end)
}

/// If a month name starts at token `i`, the index just past it. A Levantine
/// name may be followed by its Gregorian twin, with or without a slash.
fn month_at(tokens: &[Token], i: usize) -> Option<usize> {
    let word = |k: usize| match tokens.get(k).map(|t| &t.kind) {
        Some(Kind::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    let first = word(i)?;
    if GREGORIAN_MONTHS.contains(&first) {
        return Some(i + 1);
    }
    for (head, tails) in HIJRI_PAIRS {
        if first == *head && word(i + 1).is_some_and(|w| tails.contains(&w)) {
            return Some(i + 2);
        }
    }
    if HIJRI_MONTHS.contains(&first) {
        return Some(i + 1);
    }
    let mut end = if LEVANTINE_MONTHS.contains(&first) {
        i + 1
    } else {
        LEVANTINE_PAIRS
            .iter()
            .find(|(head, tails)| first == *head && word(i + 1).is_some_and(|w| tails.contains(&w)))
            .map(|_| i + 2)?
    };
    let twin = if matches!(tokens.get(end).map(|t| &t.kind), Some(Kind::Punct('/'))) {
        end + 1
    } else {
        end
    };
    if word(twin).is_some_and(|w| GREGORIAN_MONTHS.contains(&w)) {
        end = twin + 1;
    }
    Some(end)
}

fn word_is(token: Option<&Token>, expected: &str) -> bool {
    matches!(token.map(|t| &t.kind), Some(Kind::Word(w)) if w == expected)
}

/// A letter (not a digit) or a mark or tatweel written on one: the
/// characters of an Arabic word, shared with the glossary's matcher.
pub(crate) fn is_word_char(c: char) -> bool {
    (is_letter(c) && !is_digit(c)) || is_diacritic(c) || c == TATWEEL
}

/// Numbers, words (in matching form) and single punctuation marks.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if let Some(number) = number_at(text, start) {
            while chars.peek().is_some_and(|&(j, _)| j < number.end) {
                chars.next();
            }
            tokens.push(Token {
                range: start..number.end,
                kind: Kind::Number(number.integer),
            });
        } else if is_word_char(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(j, n)) = chars.peek() {
                if !is_word_char(n) {
                    break;
                }
                end = j + n.len_utf8();
                chars.next();
            }
            // Only words as short as the longest keyword need their
            // matching form; longer ones are never compared.
            let word = &text[start..end];
            let form = if word.len() <= MAX_KEYWORD_BYTES {
                normalise(word)
            } else {
                String::new()
            };
            tokens.push(Token {
                range: start..end,
                kind: Kind::Word(form),
            });
        } else {
            tokens.push(Token {
                range: start..start + c.len_utf8(),
                kind: Kind::Punct(c),
            });
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<(&str, &'static str)> {
        find(text)
            .into_iter()
            .map(|(r, l)| (&text[r], l.as_str()))
            .collect()
    }

    #[test]
    fn levantine_and_gregorian_month_together_is_one_date() {
        assert_eq!(
            spans("بتاريخ 9 تشرين الثاني نوفمبر 2020 و11 كانون الثاني/ يناير من هذا العام"),
            [
                ("9 تشرين الثاني نوفمبر 2020", "DATE"),
                ("11 كانون الثاني/ يناير", "DATE")
            ]
        );
    }

    #[test]
    fn a_day_linked_by_min_belongs_to_the_date() {
        assert_eq!(
            spans("في الـ 10 من تشرين الثاني /نوفمبر 2020، وذلك"),
            [("10 من تشرين الثاني /نوفمبر 2020", "DATE")]
        );
    }

    #[test]
    fn month_and_year_without_day() {
        assert_eq!(
            spans("في نهاية شهر أيلول/ سبتمبر 2020"),
            [("أيلول/ سبتمبر 2020", "DATE")]
        );
    }

    #[test]
    fn hijri_dates() {
        assert_eq!(spans("في 15 رمضان 1442 هـ"), [("15 رمضان 1442", "DATE")]);
        assert_eq!(spans("يوم 3 ذو الحجة"), [("3 ذو الحجة", "DATE")]);
    }

    #[test]
    fn a_month_word_without_numbers_is_not_a_date() {
        // "مارس" is also the verb "practised".
        assert_eq!(spans("مارس الرياضة"), []);
    }

    #[test]
    fn numbers_in_all_digit_sets_with_separators_and_percent() {
        assert_eq!(
            spans("قتل 54 جنديا و٣٫٥٪ و۱۲ و1,200 و 30 %"),
            [
                ("54", "NUM"),
                ("٣٫٥٪", "NUM"),
                ("۱۲", "NUM"),
                ("1,200", "NUM"),
                ("30 %", "NUM")
            ]
        );
    }

    #[test]
    fn a_year_after_am_is_a_date() {
        assert_eq!(spans("إعلان الأرمن عام 1991 قيام"), [("1991", "DATE")]);
    }

    #[test]
    fn a_trailing_period_is_not_part_of_a_number() {
        assert_eq!(spans("إلى 158."), [("158", "NUM")]);
    }
}
