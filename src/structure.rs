//! Layout of an article: the headline, and the lines that are not part of
//! the article (marked `boilerplate`, never deleted, so offsets and
//! provenance stay intact). The rules look at repetition, position, length,
//! punctuation and list markers, not at particular strings of particular sites:
//!
//! - a line that occurs more than once is boilerplate (mastheads, captions,
//!   repeated tag lists), except a headline printed twice in a row (only
//!   blank lines between), whose first copy stays the title;
//! - a run of three or more short list-marker lines (`- `, `• `, `* `)
//!   without sentence punctuation is a tag or related-topics list;
//! - a lone word on a line, without sentence punctuation, that is not the
//!   title is a label or an agency name (`Sputnik`, a comments-section
//!   label), and a line without letters is a separator or a number (`***`);
//!   two words or more may be a sub-heading, which is article text;
//! - a short line that starts with a byline word (`بقلم`, `كتب`, `By`) or is
//!   all in parentheses (`(رويترز)`) is a byline or agency line;
//! - a crawl artefact at the very start of the text, a Latin key and a date
//!   (`date 2021-05`), is cut off as boilerplate and its value goes into the
//!   document's metadata.
//!
//! The title is the first remaining line with content, when it is short and
//! does not end like a sentence.

use std::collections::HashMap;
use std::ops::Range;

use crate::model::Role;

/// Characters that end a sentence; a line ending in one is running text, not a headline.
pub const TERMINAL_PUNCTUATION: &[char] = &['.', '!', '?', '؟', '…', ':'];

/// A headline longer than this many words is more likely a lead paragraph.
const MAX_TITLE_WORDS: usize = 30;
/// Lines of at most this many words may be labels (with no punctuation).
const MAX_LABEL_WORDS: usize = 1;
/// Items of a tag list are at most this many words.
const MAX_LIST_ITEM_WORDS: usize = 8;
/// A tag list has at least this many items.
const MIN_LIST_ITEMS: usize = 3;
/// Bylines and agency lines are at most this many words.
const MAX_BYLINE_WORDS: usize = 6;

const LIST_MARKERS: &[&str] = &["- ", "– ", "• ", "* ", "▪ ", "· "];
const BYLINE_WORDS: &[&str] = &[
    "بقلم",
    "كتب",
    "كتبت",
    "تحرير",
    "إعداد",
    "تصوير",
    "مراسل",
    "By",
    "by",
];

/// The roles of a document's pieces of text, and what was learnt on the way.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Byte ranges (lines, or a line cut after a crawl artefact) and their roles.
    pieces: Vec<(Range<usize>, Role)>,
    /// Byte offsets where a sentence must end although no line ends there.
    pub hard_breaks: Vec<usize>,
    /// Values found in crawl artefacts, such as `("date", "2021-05")`.
    pub metadata: Vec<(String, String)>,
}

fn words(line: &str) -> usize {
    line.split_whitespace().count()
}

fn ends_like_sentence(line: &str) -> bool {
    line.trim_end_matches(['"', '»', '”', ')', '\''])
        .ends_with(TERMINAL_PUNCTUATION)
}

fn is_list_item(line: &str) -> bool {
    LIST_MARKERS.iter().any(|m| line.starts_with(m))
        && words(line) <= MAX_LIST_ITEM_WORDS + 1
        && !ends_like_sentence(line)
}

fn is_byline(line: &str) -> bool {
    let first = line
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches(':');
    let short = words(line) <= MAX_BYLINE_WORDS;
    let parenthesised = line.starts_with('(') && line.ends_with(')') && !line[1..].contains('(');
    short && (BYLINE_WORDS.contains(&first) || parenthesised)
}

/// A crawl artefact at the start of `text`: its byte length (with the
/// following spaces), key and value. `date 2021-05`, `published: 2021-05-12`.
fn crawl_artefact(text: &str) -> Option<(usize, String, String)> {
    let lead = text.len() - text.trim_start_matches([' ', '\t']).len();
    let rest = &text[lead..];
    let key_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic() || *b == b'_')
        .count();
    if !(2..=20).contains(&key_len) {
        return None;
    }
    let after_key = &rest[key_len..];
    let after_sep = after_key.trim_start_matches([' ', ':', '=']);
    if after_sep.len() == after_key.len() {
        return None;
    }
    let value_len = after_sep
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'-')
        .count();
    let value = &after_sep[..value_len];
    let shaped_like_date =
        value.len() >= 4 && value[..4].bytes().all(|b| b.is_ascii_digit()) && !value.ends_with('-');
    let followed_by_space = after_sep[value_len..].starts_with([' ', '\t']);
    if !shaped_like_date || !followed_by_space {
        return None;
    }
    let after_value = &after_sep[value_len..];
    let spaces = after_value.len() - after_value.trim_start_matches([' ', '\t']).len();
    let end = text.len() - after_value.len() + spaces;
    Some((end, rest[..key_len].to_ascii_lowercase(), value.to_string()))
}

impl Layout {
    /// Lays out a cleaned document text.
    pub fn of(text: &str) -> Self {
        let mut lines: Vec<(Range<usize>, &str)> = Vec::new();
        let mut start = 0;
        for line in text.split('\n') {
            lines.push((start..start + line.len(), line.trim()));
            start += line.len() + 1;
        }
        let mut occurrences: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, (_, trimmed)) in lines.iter().enumerate() {
            if !trimmed.is_empty() {
                occurrences.entry(trimmed).or_default().push(i);
            }
        }
        let first_content = lines.iter().position(|(_, t)| !t.is_empty());
        let repeated_headline = first_content.filter(|&first| {
            let copies = &occurrences[lines[first].1];
            copies.len() == 2
                && lines[first + 1..copies[1]]
                    .iter()
                    .all(|(_, t)| t.is_empty())
        });

        let mut roles: Vec<Role> = lines
            .iter()
            .enumerate()
            .map(|(i, (_, trimmed))| {
                let repeated = !trimmed.is_empty() && occurrences[trimmed].len() > 1;
                if (repeated && Some(i) != repeated_headline) || is_byline(trimmed) {
                    Role::Boilerplate
                } else {
                    Role::Body
                }
            })
            .collect();
        mark_list_runs(&lines, &mut roles);

        let title = (0..lines.len()).find(|&i| !lines[i].1.is_empty() && roles[i] == Role::Body);
        let title = title
            .filter(|&i| !ends_like_sentence(lines[i].1) && words(lines[i].1) <= MAX_TITLE_WORDS);
        if let Some(i) = title {
            roles[i] = Role::Title;
        }
        for (i, (_, trimmed)) in lines.iter().enumerate() {
            let label = !trimmed.is_empty()
                && words(trimmed) <= MAX_LABEL_WORDS
                && !ends_like_sentence(trimmed);
            if label && roles[i] == Role::Body {
                roles[i] = Role::Boilerplate;
            }
        }

        let mut pieces: Vec<(Range<usize>, Role)> = lines
            .into_iter()
            .map(|(range, _)| range)
            .zip(roles)
            .collect();
        let mut hard_breaks = Vec::new();
        let mut metadata = Vec::new();
        if let Some(first) = first_content {
            let range = pieces[first].0.clone();
            if let Some((len, key, value)) = crawl_artefact(&text[range.clone()]) {
                let cut = range.start + len;
                if cut < range.end {
                    let role = pieces[first].1;
                    pieces[first] = (range.start..cut, Role::Boilerplate);
                    pieces.insert(first + 1, (cut..range.end, role));
                    hard_breaks.push(cut);
                    metadata.push((key, value));
                }
            }
        }
        Layout {
            pieces,
            hard_breaks,
            metadata,
        }
    }

    /// The role of the piece holding byte offset `at`.
    pub fn role_at(&self, at: usize) -> Role {
        let i = self.pieces.partition_point(|(range, _)| range.end <= at);
        self.pieces.get(i).map_or(Role::Body, |(_, role)| *role)
    }
}

fn mark_list_runs(lines: &[(Range<usize>, &str)], roles: &mut [Role]) {
    let mut i = 0;
    while i < lines.len() {
        let run = lines[i..]
            .iter()
            .take_while(|(_, t)| is_list_item(t))
            .count();
        if run >= MIN_LIST_ITEMS {
            roles[i..i + run].fill(Role::Boilerplate);
        }
        i += run.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Vec<Role> {
        Layout::of(text).pieces.iter().map(|(_, r)| *r).collect()
    }

    use Role::{Body as B, Boilerplate as X, Title as T};

    #[test]
    fn first_short_unpunctuated_line_is_the_title() {
        assert_eq!(roles("عنوان الخبر هنا\n\nنص الخبر هنا."), [T, B, B]);
    }

    #[test]
    fn a_first_line_that_ends_like_a_sentence_is_body() {
        assert_eq!(roles("قال الوزير إن الوضع مستقر.\nثم جاء المساء."), [B, B]);
    }

    #[test]
    fn a_headline_printed_twice_keeps_its_first_copy_as_title() {
        assert_eq!(roles("عنوان الخبر\n\nعنوان الخبر\nنص الخبر."), [T, B, X, B]);
    }

    #[test]
    fn a_repeated_masthead_block_is_boilerplate_and_the_title_follows() {
        assert_eq!(
            roles("رئيس التحرير\nفلان الفلاني\nرئيس التحرير\nفلان الفلاني\n\nعنوان الخبر اليوم\nنص."),
            [X, X, X, X, B, T, B]
        );
    }

    #[test]
    fn a_tag_list_is_boilerplate_but_a_list_of_sentences_is_not() {
        assert_eq!(
            roles("عنوان الخبر\n- روسيا\n- أرمينيا وأذربيجان\n- الكرملين\nنص الخبر هنا."),
            [T, X, X, X, B]
        );
        assert_eq!(
            roles(
                "عنوان الخبر\n- قال الوزير إن الحوار مستمر.\n- وأكد أن الوضع هادئ.\n- وختم بالشكر."
            ),
            [T, B, B, B]
        );
    }

    #[test]
    fn lone_words_bylines_and_agency_lines_are_boilerplate() {
        assert_eq!(
            roles("عنوان الخبر اليوم\nSputnik\nبقلم: أحمد علي\n(رويترز)\nنص الخبر هنا.\n\nمناقشة"),
            [T, X, X, X, B, B, X]
        );
    }

    #[test]
    fn a_two_word_sub_heading_is_article_text_but_a_separator_is_not() {
        assert_eq!(
            roles("عنوان الخبر اليوم\nنص الخبر هنا.\nالقطاع السياحي\nنص آخر.\n***"),
            [T, B, B, B, X]
        );
    }

    #[test]
    fn a_crawl_artefact_prefix_is_cut_off_into_metadata() {
        let text = " date 2021-05 وجاء في بيان المكتب.";
        let layout = Layout::of(text);
        assert_eq!(
            layout.metadata,
            [("date".to_string(), "2021-05".to_string())]
        );
        assert_eq!(layout.hard_breaks, [14]);
        assert_eq!(&text[14..], "وجاء في بيان المكتب.");
        assert_eq!(layout.role_at(1), X);
        assert_eq!(layout.role_at(14), B);
    }

    #[test]
    fn prose_that_starts_with_a_year_is_no_artefact() {
        assert!(crawl_artefact("في 2021 قال").is_none());
        assert!(crawl_artefact("COVID 19 انتشر").is_none());
        assert_eq!(
            crawl_artefact("published: 2021-05-12 نص").map(|a| a.2),
            Some("2021-05-12".to_string())
        );
    }

    #[test]
    fn role_at_finds_the_line() {
        let layout = Layout::of("ab cd\nعنوان الخبر\nab cd");
        assert_eq!(layout.role_at(0), X);
        assert_eq!(layout.role_at(6), T);
        assert_eq!(layout.role_at(30), X);
    }
}
