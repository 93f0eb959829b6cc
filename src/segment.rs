//! Sentence splitting.
//!
//! Sentences never cross a line break (when `line_break_ends_sentence`, the
//! default: headlines, captions and list lines carry no final punctuation)
//! or a blank line; inside a line a sentence ends after terminal punctuation
//! (`.` `!` `?` `؟` `…`, and runs such as `...` or `؟!`) plus any closing
//! quotes or brackets, when whitespace or the end of the line follows. A
//! period after a single letter (an initial, `د.`) does not end a sentence.
//! The Arabic comma and semicolon and the colon never do.
//!
//! The splitter returns byte ranges of the text it was given, trimmed of
//! whitespace and never empty; callers convert them to code point offsets.

use std::ops::Range;

use crate::settings::SegmentSettings;

const TERMINALS: &[char] = &['.', '!', '?', '؟', '…'];
const CLOSERS: &[char] = &['"', '\'', '»', '”', '’', ')', ']', '›'];

/// Splits `text` into sentences: increasing, non-overlapping byte ranges.
pub fn split(text: &str, settings: &SegmentSettings) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    for block in blocks(text, settings.line_break_ends_sentence) {
        split_block(text, block, &mut sentences);
    }
    sentences
}

/// The byte ranges between hard breaks: every line, or every paragraph.
fn blocks(text: &str, line_break_ends_sentence: bool) -> Vec<Range<usize>> {
    let mut blocks = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    for line in text.split('\n') {
        let line_end = line_start + line.len();
        if line_break_ends_sentence {
            blocks.push(line_start..line_end);
        } else if line.trim().is_empty() {
            blocks.push(start..line_start);
            start = line_end;
        }
        line_start = line_end + 1;
    }
    if !line_break_ends_sentence {
        blocks.push(start..text.len());
    }
    blocks
}

fn split_block(text: &str, block: Range<usize>, out: &mut Vec<Range<usize>>) {
    let body = &text[block.clone()];
    let mut sentence_start = 0;
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !TERMINALS.contains(&c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        let mut run = 1;
        while let Some(&(j, n)) = chars.peek() {
            if TERMINALS.contains(&n) {
                run += 1;
            } else if !CLOSERS.contains(&n) {
                break;
            }
            end = j + n.len_utf8();
            chars.next();
        }
        let followed_by_space = body[end..].chars().next().is_none_or(char::is_whitespace);
        if followed_by_space && !(c == '.' && run == 1 && follows_initial(&body[..i])) {
            push_trimmed(block.start + sentence_start..block.start + end, text, out);
            sentence_start = end;
        }
    }
    push_trimmed(block.start + sentence_start..block.end, text, out);
}

/// True when the text before a period ends in a word of one letter (`د.`).
fn follows_initial(before: &str) -> bool {
    let mut letters = before.chars().rev().take_while(|c| c.is_alphabetic());
    letters.next().is_some() && letters.next().is_none()
}

fn push_trimmed(range: Range<usize>, text: &str, out: &mut Vec<Range<usize>>) {
    let piece = &text[range.clone()];
    let start = range.start + (piece.len() - piece.trim_start().len());
    let end = range.end - (piece.len() - piece.trim_end().len());
    if start < end {
        out.push(start..end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text, &SegmentSettings::default())
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn splits_after_arabic_and_latin_terminals() {
        assert_eq!(
            sentences("هل جاء؟ نعم جاء. ثم ذهب!"),
            ["هل جاء؟", "نعم جاء.", "ثم ذهب!"]
        );
    }

    #[test]
    fn a_closing_quote_after_the_stop_stays_with_the_sentence() {
        assert_eq!(
            sentences("قال: \"وقف إطلاق النار\". ثم غادر."),
            ["قال: \"وقف إطلاق النار\".", "ثم غادر."]
        );
        assert_eq!(
            sentences("قال «انتهى.» ثم غادر."),
            ["قال «انتهى.»", "ثم غادر."]
        );
    }

    #[test]
    fn commas_semicolons_and_colons_do_not_split() {
        assert_eq!(
            sentences("أولا، ثانيا؛ ثالثا: رابعا"),
            ["أولا، ثانيا؛ ثالثا: رابعا"]
        );
    }

    #[test]
    fn a_headline_ends_at_its_line_break() {
        assert_eq!(
            sentences("عنوان بلا نقطة\nنص الخبر."),
            ["عنوان بلا نقطة", "نص الخبر."]
        );
    }

    #[test]
    fn decimals_and_initials_do_not_split() {
        assert_eq!(sentences("بلغ 3.5 بالمئة."), ["بلغ 3.5 بالمئة."]);
        assert_eq!(
            sentences("قال د. أحمد إنه بخير."),
            ["قال د. أحمد إنه بخير."]
        );
    }

    #[test]
    fn an_ellipsis_run_is_one_stop() {
        assert_eq!(sentences("انتظر... ثم تكلم"), ["انتظر...", "ثم تكلم"]);
    }

    #[test]
    fn whitespace_is_trimmed_and_empty_lines_give_nothing() {
        assert_eq!(sentences("  أ.  \n\u{a0}\n\n ب "), ["أ.", "ب"]);
    }

    #[test]
    fn without_line_breaks_a_sentence_may_span_lines_but_not_paragraphs() {
        let settings = SegmentSettings {
            line_break_ends_sentence: false,
        };
        let text = "سطر أول\nيكمل هنا.\n\nفقرة";
        let got: Vec<&str> = split(text, &settings)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, ["سطر أول\nيكمل هنا.", "فقرة"]);
    }
}
