//! The tagger's tokens: runs of word characters (letters, marks, digits)
//! and single punctuation marks, as byte ranges of the text. Raw text and the
//! gold's pre-tokenised text (punctuation set off by spaces) give the same
//! tokens, so a model trained on one tags the other; a clitic stays part of
//! its word (`وإسرائيل`), as in the ANERcorp convention.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;

use crate::entities::is_word_char;
use crate::text::arabic::is_digit;

/// Characters that continue a token: word characters, digits and the
/// zero-width joiners found inside scraped words.
fn continues_token(c: char) -> bool {
    is_word_char(c) || is_digit(c) || matches!(c, '\u{200c}' | '\u{200d}')
}

/// Whether a token is a word (not a punctuation mark): a name may hold
/// punctuation (`ابن-سينا`) but never begins or ends with it.
pub fn is_word(token: &str) -> bool {
    token.chars().next().is_some_and(continues_token)
}

/// The tokens of `text`, in order, as byte ranges.
pub fn tokens(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if continues_token(c) {
            open.get_or_insert(i);
            continue;
        }
        if let Some(start) = open.take() {
            out.push(start..i);
        }
        if !c.is_whitespace() {
            out.push(i..i + c.len_utf8());
        }
    }
    if let Some(start) = open {
        out.push(start..text.len());
    }
    out
}

/// Where a name spanning from the token at `start` may begin: past any
/// combining marks or joiners the token starts with. Such a mark (a stray
/// fatha after a quote, `"َضيف"`) belongs to the character before it, and a
/// span that began on it would cut that character in two.
pub fn name_start(text: &str, start: usize) -> usize {
    let cut_off = |c: &char| is_combining_mark(*c) || matches!(c, '\u{200c}' | '\u{200d}');
    start
        + text[start..]
            .chars()
            .take_while(cut_off)
            .map(char::len_utf8)
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_begins_after_the_marks_its_first_token_starts_with() {
        let text = "سمى \"َضيف\" أو";
        let token = tokens(text)[2].clone();
        assert_eq!(&text[token.clone()], "َضيف");
        assert_eq!(&text[name_start(text, token.start)..token.end], "ضيف");
        assert_eq!(name_start(text, 0), 0);
    }

    fn words(text: &str) -> Vec<&str> {
        tokens(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn raw_and_pretokenised_text_give_the_same_tokens() {
        assert_eq!(words("قتلوا. (د ب أ)"), words("قتلوا . ( د ب أ )"));
        assert_eq!(words("قتلوا."), ["قتلوا", "."]);
    }

    #[test]
    fn clitics_marks_and_digits_stay_in_their_word() {
        assert_eq!(
            words("وإسرائيلُ، في 2020م"),
            ["وإسرائيلُ", "،", "في", "2020م"]
        );
    }
}
