//! Cleanup of decoded article text, every edit through [`AlignedText`] so the
//! cleaned text keeps its alignment to the decoded raw text, and every kind
//! of edit counted for the document's audit ([`Changes`]).
//!
//! In order: byte order mark; CRLF, lone CR and other line ends to LF; HTML remnants (tags
//! removed, block tags such as `<p>` and `<br>` turned into line breaks,
//! entities such as `&quot;` `&amp;` `&#1575;` decoded); invisible characters
//! (direction marks and isolates, zero-width space, word joiner, soft hyphen,
//! control characters, and zero-width (non-)joiners that do not sit between two letters, where
//! they shape Persian and Urdu); NBSP to space; tatweel; NFC (never NFKC);
//! whitespace-only lines emptied and runs of blank lines cut to one.

use std::borrow::Cow;
use std::ops::Range;

use super::arabic::TATWEEL;
use super::{AlignedText, CharEdit};
use crate::model::Changes;

/// Tags whose element starts or ends a block of text: they become a line break.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "br",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "figcaption",
    "figure",
];

/// Named HTML entities seen in scraped news, and what they stand for.
const NAMED_ENTITIES: &[(&str, &str)] = &[
    ("quot", "\""),
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("hellip", "…"),
    ("mdash", "—"),
    ("ndash", "–"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("zwnj", "\u{200c}"),
    ("zwj", "\u{200d}"),
    ("lrm", "\u{200e}"),
    ("rlm", "\u{200f}"),
];

/// Runs every cleanup step on decoded text.
pub fn clean(decoded: &str) -> (AlignedText, Changes) {
    let mut changes = Changes::default();
    let text = AlignedText::new(decoded);
    let (text, n) = text.strip_bom();
    changes.bom = n.chars as i32;
    let (text, n) = text.unify_line_ends();
    changes.line_ends = n.chars as i32;
    let text = strip_html(text, &mut changes);
    let text = strip_invisible(text, &mut changes);
    let text = if text.text().contains(TATWEEL) {
        let (text, n) = text.map_chars(|_, c, _| {
            if c == TATWEEL {
                CharEdit::Remove
            } else {
                CharEdit::Keep
            }
        });
        changes.tatweel = n.chars as i32;
        text
    } else {
        text
    };
    let (text, n) = text.nfc();
    changes.nfc = n.chars as i32;
    let text = collapse_blank_lines(text, &mut changes);
    (text, changes)
}

/// True for characters that change nothing visible and are removed. Control
/// characters other than tab and LF (NUL, escape, C1 controls: debris of
/// scraping and conversion) are among them: XML 1.0 cannot carry them, so
/// an XLIFF export would show translators a replacement character.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
    ) || (c.is_control() && !matches!(c, '\t' | '\n'))
}

fn strip_invisible(text: AlignedText, changes: &mut Changes) -> AlignedText {
    let affected =
        |c: char| is_invisible(c) || matches!(c, '\u{a0}' | '\u{202f}' | '\u{200c}' | '\u{200d}');
    if !text.text().chars().any(affected) {
        return text;
    }
    let mut nbsp = 0;
    let (text, n) = text.map_chars(|before, c, after| match c {
        '\u{a0}' | '\u{202f}' => {
            nbsp += 1;
            CharEdit::Replace(' ')
        }
        '\u{200c}' | '\u{200d}' => {
            let between_letters =
                before.is_some_and(char::is_alphabetic) && after.is_some_and(char::is_alphabetic);
            if between_letters {
                CharEdit::Keep
            } else {
                CharEdit::Remove
            }
        }
        c if is_invisible(c) => CharEdit::Remove,
        _ => CharEdit::Keep,
    });
    changes.nbsp = nbsp;
    changes.invisible = n.chars as i32 - nbsp;
    text
}

fn strip_html(text: AlignedText, changes: &mut Changes) -> AlignedText {
    let s = text.text();
    if !s.contains(['<', '&']) {
        return text;
    }
    let mut edits: Vec<(Range<usize>, Cow<'static, str>)> = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'<' => html_tag(s, i).map(|(end, block)| {
                changes.html_tags += 1;
                (end, Cow::Borrowed(if block { "\n" } else { "" }))
            }),
            b'&' => html_entity(s, i).map(|(end, value)| {
                changes.html_entities += 1;
                (end, value)
            }),
            _ => None,
        };
        match found {
            Some((end, replacement)) => {
                edits.push((i..end, replacement));
                i = end;
            }
            None => i += 1,
        }
    }
    let edits: Vec<(Range<usize>, &str)> =
        edits.iter().map(|(r, v)| (r.clone(), v.as_ref())).collect();
    text.replace_ranges(&edits)
}

/// A tag or comment starting at byte `at`: its end, and whether it breaks a block.
fn html_tag(s: &str, at: usize) -> Option<(usize, bool)> {
    let rest = &s[at..];
    if let Some(comment) = rest.strip_prefix("<!--") {
        return comment.find("-->").map(|end| (at + 4 + end + 3, false));
    }
    let inner = rest[1..].strip_prefix('/').unwrap_or(&rest[1..]);
    let name_len = inner.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if name_len == 0 || !inner.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let after_name = inner.as_bytes().get(name_len).copied();
    if !matches!(after_name, Some(b'>' | b'/' | b' ' | b'\t' | b'\n')) {
        return None;
    }
    // A tag ends at the first '>' before any '<', within a bounded distance
    // (searched as bytes: '<' and '>' never occur inside a UTF-8 sequence).
    let window = &rest.as_bytes()[..rest.len().min(2048)];
    let close = window.iter().position(|&b| b == b'>')?;
    if window[1..close].contains(&b'<') {
        return None;
    }
    let name = inner[..name_len].to_ascii_lowercase();
    Some((at + close + 1, BLOCK_TAGS.contains(&name.as_str())))
}

/// An entity starting at byte `at`: its end and its value.
fn html_entity(s: &str, at: usize) -> Option<(usize, Cow<'static, str>)> {
    let rest = &s[at + 1..];
    let semicolon = rest.bytes().take(12).position(|b| b == b';')?;
    let body = &rest[..semicolon];
    let end = at + 1 + semicolon + 1;
    if let Some(number) = body.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        let c = char::from_u32(code)?;
        return Some((end, Cow::Owned(c.to_string())));
    }
    NAMED_ENTITIES
        .iter()
        .find(|(name, _)| *name == body)
        .map(|(_, value)| (end, Cow::Borrowed(*value)))
}

fn collapse_blank_lines(text: AlignedText, changes: &mut Changes) -> AlignedText {
    let s = text.text();
    // Byte ranges of lines with content.
    let mut content: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for line in s.split('\n') {
        if !line.trim().is_empty() {
            content.push(start..start + line.len());
        }
        start += line.len() + 1;
    }
    let mut edits: Vec<(Range<usize>, &str)> = Vec::new();
    let mut removed_lines = 0;
    let mut gap =
        |range: Range<usize>, replacement: &'static str, edits: &mut Vec<(Range<usize>, &str)>| {
            let lines_before = s[range.clone()].matches('\n').count();
            let lines_after = replacement.matches('\n').count();
            if &s[range.clone()] != replacement {
                removed_lines += lines_before.saturating_sub(lines_after);
                edits.push((range, replacement));
            }
        };
    match (content.first(), content.last()) {
        (Some(first), Some(last)) => {
            gap(0..first.start, "", &mut edits);
            for pair in content.windows(2) {
                let between = pair[0].end..pair[1].start;
                let breaks = s[between.clone()].matches('\n').count();
                gap(between, if breaks > 1 { "\n\n" } else { "\n" }, &mut edits);
            }
            gap(last.end..s.len(), "", &mut edits);
        }
        _ => gap(0..s.len(), "", &mut edits),
    }
    changes.blank_lines = removed_lines as i32;
    text.replace_ranges(&edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_tags_and_entities_are_removed_with_offsets_kept() {
        let (t, c) = clean("<p>قال &quot;نعم&quot;</p><p>ثم<br/>ذهب &amp; عاد</p>");
        assert_eq!(t.text(), "قال \"نعم\"\n\nثم\nذهب & عاد");
        assert_eq!((c.html_tags, c.html_entities), (5, 3));
        // The first quote stands for "&quot;" at original characters 7..13.
        assert_eq!(t.original_span(4..5), 7..13);
    }

    #[test]
    fn a_less_than_sign_in_prose_is_not_a_tag() {
        let (t, c) = clean("إذا كان 3 < 5 و a<b");
        assert_eq!(t.text(), "إذا كان 3 < 5 و a<b");
        assert_eq!(c.html_tags, 0);
    }

    #[test]
    fn invisible_characters_and_nbsp_are_counted() {
        let (t, c) = clean("\u{200f}أ\u{200b}ب\u{a0}ج\u{2066}د\u{2069}");
        assert_eq!(t.text(), "أب جد");
        assert_eq!((c.invisible, c.nbsp), (4, 1));
    }

    #[test]
    fn a_pair_of_sub_characters_between_paragraphs_is_a_paragraph_break() {
        // As in the corpus: `الوطن. \x1a\x1aمن احتفالات`.
        let (t, c) = clean("حياض الوطن. \u{1a}\u{1a}من احتفالات أهالي المدينة");
        assert_eq!(t.text(), "حياض الوطن. \n\nمن احتفالات أهالي المدينة");
        assert_eq!((c.line_ends, c.invisible), (2, 0));
    }

    #[test]
    fn control_characters_other_than_tab_and_line_feed_are_removed() {
        let (t, c) = clean("أ\u{0}ب\u{1b}[0m\tج\u{7f}د\u{9d}\nه");
        assert_eq!(t.text(), "أب[0m\tجد\nه");
        assert_eq!(c.invisible, 4);
        // `ب` keeps its place in the raw text past the NUL.
        assert_eq!(t.original_span(1..2), 2..3);
    }

    #[test]
    fn every_line_end_python_knows_becomes_a_line_feed() {
        let raw =
            "عنوان\u{2028}نص أول\u{b}نص ثان\u{2029}فقرة\u{c}صفحة\u{85}سطر\r\nأخير\rتم\u{1e}سجل";
        let (t, c) = clean(raw);
        let lines: Vec<&str> = t.text().split('\n').collect();
        assert_eq!(
            lines,
            [
                "عنوان",
                "نص أول",
                "نص ثان",
                "فقرة",
                "صفحة",
                "سطر",
                "أخير",
                "تم",
                "سجل"
            ]
        );
        assert_eq!(c.line_ends, 8);
        assert_eq!(c.invisible, 0, "line ends are not control debris");
    }

    #[test]
    fn zwnj_between_letters_is_kept_for_persian_and_urdu() {
        let (t, c) = clean("می\u{200c}خواهم \u{200c}");
        assert_eq!(t.text(), "می\u{200c}خواهم ");
        assert_eq!(c.invisible, 1);
    }

    #[test]
    fn tatweel_is_removed() {
        let (t, c) = clean("مدرس\u{640}\u{640}\u{640}ة");
        assert_eq!(t.text(), "مدرسة");
        assert_eq!(c.tatweel, 3);
    }

    #[test]
    fn blank_line_runs_become_one_paragraph_break() {
        let (t, c) = clean("\n\nأ\n \n\u{a0}\n\nب\nج\n\n\n");
        assert_eq!(t.text(), "أ\n\nب\nج");
        assert_eq!(c.blank_lines, 7);
        assert_eq!(t.original_span(3..4), 9..10);
    }

    #[test]
    fn a_bare_ampersand_or_angle_bracket_before_arabic_is_left_alone() {
        let (t, c) = clean("أ & بتتتتتتتتت <بببببببببب");
        assert_eq!(t.text(), "أ & بتتتتتتتتت <بببببببببب");
        assert_eq!((c.html_tags, c.html_entities), (0, 0));
    }

    #[test]
    fn numeric_entities_decode() {
        let (t, _) = clean("&#1575;&#x644;");
        assert_eq!(t.text(), "ال");
    }
}
