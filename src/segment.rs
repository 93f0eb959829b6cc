//! Sentence splitting for Arabic news.
//!
//! Sentences never cross a line break (when `line_break_ends_sentence`, the
//! default: headlines, captions and list lines carry no final punctuation)
//! nor a blank line. Inside a line a sentence ends after terminal
//! punctuation (`.` `!` `?` `؟` `…`, and runs such as `...` or `؟!`) plus
//! any closing quotes or brackets, when whitespace or the end of the line
//! follows, except:
//!
//! - a period after an initial (a one-letter word: `د.`, `م.`, `ق.م.`, `U.S.`),
//!   unless the letter follows a number (`2020 م.` is a year, and often ends
//!   a sentence);
//! - a period after a Latin abbreviation that never ends a title (`Mr.`, `Dr.`);
//! - the period of a numbered list marker at the start of a line (`1.`, `١.`);
//! - an ellipsis followed by a connective that cannot start a sentence
//!   (`... فيما`, `... بينما`).
//!
//! The Arabic comma and semicolon and the colon never end a sentence, so a
//! colon before a quotation keeps the quotation in its sentence. A period
//! with no space after it (decimals `3.5`, dotted dates `2021.05.12`, URLs,
//! e-mail addresses) never ends one either; `٫` is not a period at all.
//!
//! A run of more than [`MAX_SENTENCE_WORDS`] words with no stop (a whole
//! article on one line) is cut into pieces of at most that many words, each
//! after the last clause mark (`،` `؛` `,` `;` `:`) of its second half, or
//! else before the word past the limit: a translator, an MT system or an
//! annotation tool can take each piece as one unit. No sentence of the
//! 30,676 articles of the corpus comes near the limit (the longest has 630).
//!
//! The splitter returns byte ranges of the text it was given, trimmed of
//! whitespace and never empty; callers convert them to code point offsets.

use std::ops::Range;

use crate::settings::SegmentSettings;
use crate::text::arabic::is_letter;

/// The most words a sentence holds.
pub const MAX_SENTENCE_WORDS: usize = 1000;

const TERMINALS: &[char] = &['.', '!', '?', '؟', '…'];
/// Where an overlong sentence is best cut: after a clause.
const CLAUSE_MARKS: &[char] = &['،', '؛', ',', ';', ':'];
const CLOSERS: &[char] = &['"', '\'', '»', '”', '’', ')', ']', '›'];

/// Splits `text` into sentences: increasing, non-overlapping byte ranges.
pub fn split(text: &str, settings: &SegmentSettings) -> Vec<Range<usize>> {
    split_with_breaks(text, settings, &[])
}

/// Like [`split`], with sentences also ending at the byte offsets
/// `hard_breaks` (increasing), where the layout found a boundary that no
/// punctuation or line break shows, such as the end of a crawl artefact.
pub fn split_with_breaks(
    text: &str,
    settings: &SegmentSettings,
    hard_breaks: &[usize],
) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    for block in blocks(text, settings.line_break_ends_sentence) {
        let mut start = block.start;
        for &cut in hard_breaks
            .iter()
            .filter(|&&b| block.start < b && b < block.end)
        {
            split_block(text, start..cut, &mut sentences);
            start = cut;
        }
        split_block(text, start..block.end, &mut sentences);
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

/// Latin abbreviations that are followed by a name or number, not a sentence end.
const LATIN_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "vs", "No", "Gen", "Lt", "Col", "Sgt",
    "Capt",
];

/// Words that continue a sentence: after an ellipsis they show that it did not end.
const CONNECTIVES: &[&str] = &[
    "فيما",
    "بينما",
    "حيث",
    "الذي",
    "التي",
    "الذين",
    "اللذان",
    "اللتان",
    "أو",
    "أم",
    "لأن",
    "لكي",
    "كي",
];

fn split_block(text: &str, block: Range<usize>, out: &mut Vec<Range<usize>>) {
    let body = &text[block.clone()];
    let list_marker_end = list_marker_end(body);
    let mut sentence_start = 0;
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !TERMINALS.contains(&c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        let mut stops = String::from(c);
        while let Some(&(j, n)) = chars.peek() {
            if TERMINALS.contains(&n) {
                stops.push(n);
            } else if !CLOSERS.contains(&n) {
                break;
            }
            end = j + n.len_utf8();
            chars.next();
        }
        let followed_by_space = body[end..].chars().next().is_none_or(char::is_whitespace);
        if followed_by_space
            && ends_sentence(
                &body[..i],
                &stops,
                &body[end..],
                Some(end) == list_marker_end,
            )
        {
            push_capped(block.start + sentence_start..block.start + end, text, out);
            sentence_start = end;
        }
    }
    push_capped(block.start + sentence_start..block.end, text, out);
}

/// Pushes a sentence, cut into pieces of at most [`MAX_SENTENCE_WORDS`] words.
fn push_capped(range: Range<usize>, text: &str, out: &mut Vec<Range<usize>>) {
    // Words need a byte and a space each, so nearly every sentence is too
    // short to count. Past that, every word but the first follows a
    // whitespace character, each of which starts with one of these bytes
    // (the last four lead U+0085, U+00A0, U+1680, U+2000.. and U+3000, among
    // others): their count bounds the words from above, faster than words
    // are counted.
    let at_most_words = |bytes: &[u8]| {
        let separators = bytes.chunks(255).map(|chunk| {
            // A byte-wide sum per chunk, which the compiler vectorises.
            let in_chunk = chunk.iter().fold(0u8, |n, &b| {
                let lead = u8::from(b == 0xC2) | u8::from(b.wrapping_sub(0xE1) <= 2);
                n + (u8::from(b <= b' ') | lead)
            });
            usize::from(in_chunk)
        });
        1 + separators.sum::<usize>()
    };
    if range.len() < 2 * MAX_SENTENCE_WORDS
        || at_most_words(&text.as_bytes()[range.clone()]) <= MAX_SENTENCE_WORDS
    {
        push_trimmed(range, text, out);
        return;
    }
    let mut start = range.start;
    loop {
        let piece = &text[start..range.end];
        let (mut words, mut in_word) = (0, false);
        let (mut after_clause, mut cut) = (None, None);
        for (i, c) in piece.char_indices() {
            if c.is_whitespace() {
                in_word = false;
                continue;
            }
            if !in_word {
                in_word = true;
                words += 1;
                if words > MAX_SENTENCE_WORDS {
                    cut = Some(after_clause.unwrap_or(i));
                    break;
                }
            }
            let end = i + c.len_utf8();
            if CLAUSE_MARKS.contains(&c)
                && words > MAX_SENTENCE_WORDS / 2
                && piece[end..].starts_with(char::is_whitespace)
            {
                after_clause = Some(end);
            }
        }
        let Some(cut) = cut else {
            push_trimmed(start..range.end, text, out);
            return;
        };
        push_trimmed(start..start + cut, text, out);
        start += cut;
    }
}

/// Whether a run of terminal punctuation `stops` (followed by whitespace)
/// between `before` and `after` ends a sentence.
fn ends_sentence(before: &str, stops: &str, after: &str, is_list_marker: bool) -> bool {
    if is_list_marker {
        return false;
    }
    match stops {
        "." => {
            let word = last_word(before);
            let initial = word.chars().count() == 1 && word.chars().all(is_letter);
            let after_number = before[..before.len() - word.len()]
                .trim_end()
                .chars()
                .next_back()
                .is_some_and(|c| c.is_numeric());
            (!initial || after_number) && !LATIN_ABBREVIATIONS.contains(&word)
        }
        "..." | "…" => {
            let next = after.split_whitespace().next().unwrap_or("");
            let next = next.trim_end_matches(|c: char| !is_letter(c));
            !CONNECTIVES.contains(&next)
        }
        _ => true,
    }
}

/// The letters (and marks) at the end of `text`: the word before a period.
fn last_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_letter(*c) || crate::text::arabic::is_diacritic(*c))
        .last()
        .map_or(text.len(), |(i, _)| i);
    &text[start..]
}

/// If the line starts with a numbered list marker (`1.` `١٢.`), the byte
/// offset just past its period.
fn list_marker_end(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let offset = line.len() - trimmed.len();
    let digits: usize = trimmed
        .chars()
        .take_while(|c| crate::text::arabic::is_digit(*c))
        .map(char::len_utf8)
        .sum();
    (digits > 0 && digits <= 9 && trimmed[digits..].starts_with('.')).then_some(offset + digits + 1)
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

    #[test]
    fn a_run_of_words_without_a_stop_is_cut_after_a_clause_or_at_the_limit() {
        let word_count = |s: &str| s.split_whitespace().count();
        // 2,500 words, a comma after word 700 and none later.
        let words: Vec<String> = (1..=2500)
            .map(|i| {
                if i == 700 {
                    format!("كلمة{i}،")
                } else {
                    format!("كلمة{i}")
                }
            })
            .collect();
        let text = words.join(" ");
        let pieces = sentences(&text);
        let counts: Vec<usize> = pieces.iter().map(|p| word_count(p)).collect();
        assert_eq!(counts, [700, 1000, 800]);
        assert!(pieces[0].ends_with("كلمة700،"));
        assert_eq!(pieces.join(" "), text, "the pieces cover the text");
        // A comma in the first half of the window is too early to cut at.
        let early: Vec<String> = (1..=1001)
            .map(|i| {
                if i == 10 {
                    format!("w{i},")
                } else {
                    format!("w{i}")
                }
            })
            .collect();
        let counts: Vec<usize> = sentences(&early.join(" "))
            .iter()
            .map(|p| word_count(p))
            .collect();
        assert_eq!(counts, [1000, 1]);
        assert_eq!(sentences(&vec!["w"; 1000].join(" ")).len(), 1);
    }

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
        assert_eq!(sentences("انتظر… ثم تكلم"), ["انتظر…", "ثم تكلم"]);
        assert_eq!(sentences("حقا؟! لا أصدق"), ["حقا؟!", "لا أصدق"]);
    }

    #[test]
    fn an_ellipsis_before_a_connective_does_not_end_the_sentence() {
        assert_eq!(
            sentences("يتوجهون إلى الائتمان... فيما قد يكون ذلك خطرا."),
            ["يتوجهون إلى الائتمان... فيما قد يكون ذلك خطرا."]
        );
    }

    #[test]
    fn initials_and_abbreviations_do_not_split() {
        assert_eq!(
            sentences("بين عامي 512 و511 ق.م. أقر الملك"),
            ["بين عامي 512 و511 ق.م. أقر الملك"]
        );
        assert_eq!(
            sentences("التقى ص. حسن مع أ.د. علي"),
            ["التقى ص. حسن مع أ.د. علي"]
        );
        assert_eq!(
            sentences("said Mr. Smith to the U.S. envoy"),
            ["said Mr. Smith to the U.S. envoy"]
        );
    }

    #[test]
    fn a_year_letter_after_a_number_may_end_the_sentence() {
        assert_eq!(
            sentences("ولد عام 1950 م. ثم رحل"),
            ["ولد عام 1950 م.", "ثم رحل"]
        );
    }

    #[test]
    fn decimals_in_both_digit_systems_and_dotted_dates_do_not_split() {
        assert_eq!(
            sentences("نما 3.5 بالمئة و٣٫٥ بالمئة."),
            ["نما 3.5 بالمئة و٣٫٥ بالمئة."]
        );
        assert_eq!(
            sentences("في 2021.05.12 وقع الحادث."),
            ["في 2021.05.12 وقع الحادث."]
        );
    }

    #[test]
    fn urls_and_email_addresses_do_not_split() {
        assert_eq!(
            sentences("زوروا www.spa.gov.sa أو راسلوا info@spa.gov.sa للمزيد. شكرا"),
            [
                "زوروا www.spa.gov.sa أو راسلوا info@spa.gov.sa للمزيد.",
                "شكرا"
            ]
        );
        assert_eq!(
            sentences("المصدر https://example.com/a?b=1. انتهى"),
            ["المصدر https://example.com/a?b=1.", "انتهى"]
        );
    }

    #[test]
    fn numbered_list_items_keep_their_marker() {
        assert_eq!(
            sentences("1. البند الأول\n٢. البند الثاني. وفيه تفصيل"),
            ["1. البند الأول", "٢. البند الثاني.", "وفيه تفصيل"]
        );
    }

    #[test]
    fn a_colon_before_a_quotation_is_not_a_boundary_and_the_quote_closes_the_sentence() {
        assert_eq!(
            sentences("وقال بيسكوف: \"لا، لم يطلب المساعدة\". وأضاف"),
            ["وقال بيسكوف: \"لا، لم يطلب المساعدة\".", "وأضاف"]
        );
        assert_eq!(
            sentences("قال: «انتهى الأمر.» ثم صمت"),
            ["قال: «انتهى الأمر.»", "ثم صمت"]
        );
        assert_eq!(
            sentences("قال: “انتهى الأمر”. ثم صمت"),
            ["قال: “انتهى الأمر”.", "ثم صمت"]
        );
    }

    #[test]
    fn datelines_and_source_lines_stay_with_their_sentence() {
        assert_eq!(
            sentences("الرياض - واس: أعلن الوزير اليوم. وقال"),
            ["الرياض - واس: أعلن الوزير اليوم.", "وقال"]
        );
        assert_eq!(
            sentences("(رويترز) - قال المتحدث إن الوضع هادئ."),
            ["(رويترز) - قال المتحدث إن الوضع هادئ."]
        );
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
