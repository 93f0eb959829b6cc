//! Line structure of an article: which line is the headline and which lines
//! are not part of the article at all. Lines are never deleted, only marked,
//! so offsets and provenance stay intact.

use std::collections::HashMap;
use std::ops::Range;

use crate::model::Role;

/// Characters that end a sentence; a line ending in one is running text, not a headline.
pub const TERMINAL_PUNCTUATION: &[char] = &['.', '!', '?', '؟', '…', ':'];

/// A headline longer than this many words is more likely a lead paragraph.
const MAX_TITLE_WORDS: usize = 30;

/// The role of every line of a document.
#[derive(Debug, Clone)]
pub struct LineRoles {
    /// Byte range of each line (without its `\n`) and its role.
    lines: Vec<(Range<usize>, Role)>,
}

impl LineRoles {
    /// Classifies the lines of a cleaned document text.
    ///
    /// - A line that occurs more than once (ignoring surrounding whitespace)
    ///   is boilerplate: mastheads, captions and tag lists repeat. The one
    ///   exception is a headline printed twice in a row (only blank lines in
    ///   between), a common scraping artefact: its first copy stays the title.
    /// - The title is the first remaining line with content, when it is short
    ///   and does not end like a sentence.
    pub fn classify(text: &str) -> Self {
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
                if repeated && Some(i) != repeated_headline {
                    Role::Boilerplate
                } else {
                    Role::Body
                }
            })
            .collect();
        if let Some(title) =
            (0..lines.len()).find(|&i| !lines[i].1.is_empty() && roles[i] == Role::Body)
        {
            if looks_like_headline(lines[title].1) {
                roles[title] = Role::Title;
            }
        }
        LineRoles {
            lines: lines
                .into_iter()
                .zip(roles)
                .map(|((range, _), role)| (range, role))
                .collect(),
        }
    }

    /// The role of the line holding byte offset `at`.
    pub fn role_at(&self, at: usize) -> Role {
        let i = self.lines.partition_point(|(range, _)| range.end < at);
        self.lines.get(i).map_or(Role::Body, |(_, role)| *role)
    }
}

fn looks_like_headline(line: &str) -> bool {
    let ends_like_sentence = line
        .trim_end_matches(['"', '»', '”', ')'])
        .ends_with(TERMINAL_PUNCTUATION);
    !ends_like_sentence && line.split_whitespace().count() <= MAX_TITLE_WORDS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Vec<Role> {
        let lr = LineRoles::classify(text);
        lr.lines.iter().map(|(_, r)| *r).collect()
    }

    #[test]
    fn first_short_unpunctuated_line_is_the_title() {
        assert_eq!(
            roles("عنوان الخبر\n\nنص الخبر هنا."),
            [Role::Title, Role::Body, Role::Body]
        );
    }

    #[test]
    fn a_first_line_that_ends_like_a_sentence_is_body() {
        assert_eq!(
            roles("قال الوزير إن الوضع مستقر.\nثم"),
            [Role::Body, Role::Body]
        );
    }

    #[test]
    fn a_headline_printed_twice_keeps_its_first_copy_as_title() {
        assert_eq!(
            roles("عنوان\n\nعنوان\nنص."),
            [Role::Title, Role::Body, Role::Boilerplate, Role::Body]
        );
    }

    #[test]
    fn a_repeated_masthead_block_is_boilerplate_and_the_title_follows() {
        assert_eq!(
            roles("رئيس التحرير\nفلان\nرئيس التحرير\nفلان\n\nعنوان\nنص."),
            [
                Role::Boilerplate,
                Role::Boilerplate,
                Role::Boilerplate,
                Role::Boilerplate,
                Role::Body,
                Role::Title,
                Role::Body
            ]
        );
    }

    #[test]
    fn role_at_finds_the_line() {
        let lr = LineRoles::classify("ab\ncd\nab");
        assert_eq!(lr.role_at(0), Role::Boilerplate);
        assert_eq!(lr.role_at(4), Role::Title);
        assert_eq!(lr.role_at(7), Role::Boilerplate);
    }
}
