//! [`AlignedText`]: a text together with an alignment map back to the text it
//! was made from, in the manner of Hugging Face tokenizers' `NormalizedString`.
//!
//! Every cleaning step is a function from one `AlignedText` to the next that
//! says, for each character it emits, which characters of its input it came
//! from. Alignments always point into the *original* text, so they compose:
//! after any number of steps, [`AlignedText::original_span`] maps a span of the
//! result back to the raw text without ever searching for substrings.

use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc, is_nfc_quick, IsNormalized, UnicodeNormalization};

/// A text and, for each of its characters, the half-open range of original
/// characters (code points) it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlignedText {
    text: String,
    /// One entry per character of `text`; `None` while the text is still the
    /// original (the identity alignment), which most documents stay for most
    /// steps, so that they never pay for a map they do not need.
    alignments: Option<Vec<Range<u32>>>,
    /// Characters of `text`.
    len: u32,
    original_len: u32,
}

/// What one cleaning step changed, for the document's audit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EditCount {
    /// Characters of the input that were removed or replaced.
    pub chars: u64,
}

impl AlignedText {
    /// The identity alignment of `original`.
    pub fn new(original: &str) -> Self {
        let len = original.chars().count() as u32;
        AlignedText {
            text: original.to_string(),
            alignments: None,
            len,
            original_len: len,
        }
    }

    /// The alignment of character `i`.
    fn alignment(&self, i: usize) -> Range<u32> {
        match &self.alignments {
            Some(alignments) => alignments[i].clone(),
            None => i as u32..i as u32 + 1,
        }
    }

    /// Every character with its alignment.
    fn aligned_chars(&self) -> impl Iterator<Item = (char, Range<u32>)> + '_ {
        self.text
            .chars()
            .enumerate()
            .map(|(i, c)| (c, self.alignment(i)))
    }

    /// The current text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Number of characters (code points) of the current text.
    pub fn char_len(&self) -> usize {
        self.len as usize
    }

    /// Consumes the value, keeping the text.
    pub fn into_text(self) -> String {
        self.text
    }

    /// The range of original characters that the current characters
    /// `[start, end)` came from. An empty span maps to the empty range at the
    /// original position of its neighbour.
    pub fn original_span(&self, span: Range<usize>) -> Range<usize> {
        assert!(span.start <= span.end && span.end <= self.char_len());
        if span.is_empty() {
            let at = if span.start < self.char_len() {
                self.alignment(span.start).start
            } else {
                self.original_len
            } as usize;
            return at..at;
        }
        let first = self.alignment(span.start);
        let last = self.alignment(span.end - 1);
        first.start as usize..last.end as usize
    }

    /// Rebuilds the text character by character: `edit` sees each character
    /// with the one after it and says what to emit in its place.
    fn rewrite(self, mut edit: impl FnMut(char, Option<char>) -> Rewrite) -> (Self, EditCount) {
        let mut out = Builder::with_capacity(self.text.len(), self.original_len);
        let mut count = EditCount::default();
        let mut chars = self.aligned_chars().peekable();
        while let Some((c, align)) = chars.next() {
            let next = chars.peek().map(|(n, _)| *n);
            match edit(c, next) {
                Rewrite::Keep => out.push(c, align),
                Rewrite::Replace(r) => {
                    count.chars += 1;
                    out.push(r, align);
                }
                Rewrite::Remove => count.chars += 1,
            }
        }
        (out.finish(), count)
    }

    /// Replaces byte ranges of the current text (sorted, non-overlapping,
    /// on char boundaries) by new strings. Every character of a replacement
    /// is aligned to the whole original span of the range it replaces; an
    /// empty replacement removes the range.
    pub fn replace_ranges(self, edits: &[(Range<usize>, &str)]) -> Self {
        if edits.is_empty() {
            return self;
        }
        let mut out = Builder::with_capacity(self.text.len(), self.original_len);
        let mut edits = edits.iter().peekable();
        let mut chars = self
            .text
            .char_indices()
            .enumerate()
            .map(|(i, (at, c))| (at, c, self.alignment(i)))
            .peekable();
        while let Some((at, c, align)) = chars.peek().cloned() {
            match edits.peek() {
                Some((range, replacement)) if range.start == at => {
                    let mut span: Option<Range<u32>> = None;
                    while let Some((i, _, a)) = chars.peek().cloned() {
                        if i >= range.end {
                            break;
                        }
                        span = Some(match span {
                            None => a,
                            Some(s) => s.start..a.end,
                        });
                        chars.next();
                    }
                    let span = span.unwrap_or(align.start..align.start);
                    for r in replacement.chars() {
                        out.push(r, span.clone());
                    }
                    edits.next();
                }
                _ => {
                    out.push(c, align);
                    chars.next();
                }
            }
        }
        for (range, replacement) in edits {
            debug_assert_eq!(range.start, self.text.len(), "edits lie inside the text");
            for r in replacement.chars() {
                out.push(r, self.original_len..self.original_len);
            }
        }
        out.finish()
    }

    /// Rewrites single characters: `edit` sees each character with the one
    /// before and after it and returns what to emit in its place.
    pub fn map_chars(
        self,
        mut edit: impl FnMut(Option<char>, char, Option<char>) -> CharEdit,
    ) -> (Self, EditCount) {
        let mut previous = None;
        self.rewrite(|c, next| {
            let result = edit(previous, c, next);
            previous = Some(c);
            match result {
                CharEdit::Keep => Rewrite::Keep,
                CharEdit::Replace(r) => Rewrite::Replace(r),
                CharEdit::Remove => Rewrite::Remove,
            }
        })
    }

    /// Removes a leading byte order mark.
    pub fn strip_bom(self) -> (Self, EditCount) {
        if !self.text.starts_with('\u{feff}') {
            return (self, EditCount::default());
        }
        let mut first = true;
        self.rewrite(|c, _| {
            let at_start = std::mem::replace(&mut first, false);
            if at_start && c == '\u{feff}' {
                Rewrite::Remove
            } else {
                Rewrite::Keep
            }
        })
    }

    /// Turns CRLF, lone CR and the other characters that end a line into
    /// LF, so that the splitter, which ends sentences at LF, sees the lines
    /// Python's `str.splitlines` shows: vertical tab (a manual line break in
    /// text saved from Word), form feed, the file, group and record
    /// separators, NEL, and the Unicode line and paragraph separators. SUB
    /// too, which Python does not split at but scraped news has
    /// where a line break was lost (in the corpus, 658 of them in 91
    /// articles, in pairs between paragraphs and after subheadings).
    pub fn unify_line_ends(self) -> (Self, EditCount) {
        if !self.text.contains(is_other_line_end) {
            return (self, EditCount::default());
        }
        self.rewrite(|c, next| match (c, next) {
            ('\r', Some('\n')) => Rewrite::Remove,
            (c, _) if is_other_line_end(c) => Rewrite::Replace('\n'),
            _ => Rewrite::Keep,
        })
    }

    /// Unicode NFC (never NFKC, which rewrites Arabic presentation forms).
    ///
    /// The text is cut into segments at characters that can neither combine
    /// with what precedes them nor be reordered across (canonical combining
    /// class 0 and NFC quick check Yes); each segment is normalised on its
    /// own, and every character a changed segment emits is aligned to the
    /// whole original segment.
    pub fn nfc(self) -> (Self, EditCount) {
        if self.text.chars().all(is_nfc_stable) || is_nfc(&self.text) {
            return (self, EditCount::default());
        }
        let mut out = Builder::with_capacity(self.text.len(), self.original_len);
        let mut count = EditCount::default();
        let chars: Vec<(char, Range<u32>)> = self.aligned_chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let mut end = start + 1;
            while end < chars.len() && !is_composition_boundary(chars[end].0) {
                end += 1;
            }
            let segment = &chars[start..end];
            let original: String = segment.iter().map(|(c, _)| *c).collect();
            let normalised: String = original.nfc().collect();
            if normalised == original {
                for (c, align) in segment {
                    out.push(*c, align.clone());
                }
            } else {
                count.chars += segment.len() as u64;
                let span = segment[0].1.start..segment[segment.len() - 1].1.end;
                for c in normalised.chars() {
                    out.push(c, span.clone());
                }
            }
            start = end;
        }
        (out.finish(), count)
    }
}

/// Characters that NFC leaves alone in any context: ASCII, Latin-1, and the
/// Arabic letters, digits and punctuation without combining marks. Text made
/// only of these skips the normalisation check, which showed up in profiles.
fn is_nfc_stable(c: char) -> bool {
    matches!(c, '\0'..='\u{2ff}' | '\u{600}'..='\u{64a}' | '\u{660}'..='\u{66f}' | '\u{671}'..='\u{6d3}' | '\u{2000}'..='\u{206f}')
}

/// True when `c` starts a segment that normalises independently of what
/// precedes it.
fn is_composition_boundary(c: char) -> bool {
    canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// A character other than LF that ends a line (see
/// [`AlignedText::unify_line_ends`]).
pub fn is_other_line_end(c: char) -> bool {
    matches!(
        c,
        '\r' | '\u{0b}' | '\u{0c}' | '\u{1a}' | '\u{1c}'
            ..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// What [`AlignedText::map_chars`] does with one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharEdit {
    Keep,
    Replace(char),
    Remove,
}

enum Rewrite {
    Keep,
    Replace(char),
    Remove,
}

struct Builder {
    text: String,
    alignments: Vec<Range<u32>>,
    original_len: u32,
}

impl Builder {
    fn with_capacity(bytes: usize, original_len: u32) -> Self {
        Builder {
            text: String::with_capacity(bytes),
            alignments: Vec::with_capacity(bytes / 2),
            original_len,
        }
    }

    fn push(&mut self, c: char, align: Range<u32>) {
        self.text.push(c);
        self.alignments.push(align);
    }

    fn finish(self) -> AlignedText {
        AlignedText {
            len: self.alignments.len() as u32,
            text: self.text,
            alignments: Some(self.alignments),
            original_len: self.original_len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lone_cr_become_lf_with_offsets_kept() {
        let (t, n) = AlignedText::new("أ\r\nب\rج").unify_line_ends();
        assert_eq!(t.text(), "أ\nب\nج");
        assert_eq!(n.chars, 2);
        // "ج" is character 4 now and was character 5 in the original.
        assert_eq!(t.original_span(4..5), 5..6);
        // The LF that replaced CRLF stands for the LF of the pair.
        assert_eq!(t.original_span(1..2), 2..3);
    }

    #[test]
    fn bom_is_removed_only_at_the_start() {
        let (t, n) = AlignedText::new("\u{feff}ab\u{feff}").strip_bom();
        assert_eq!(t.text(), "ab\u{feff}");
        assert_eq!(n.chars, 1);
        assert_eq!(t.original_span(0..2), 1..3);
    }

    #[test]
    fn nfc_composes_alef_with_hamza_and_aligns_to_both_originals() {
        // ALEF (0627) + HAMZA ABOVE (0654) composes to ALEF WITH HAMZA ABOVE (0623).
        let (t, n) = AlignedText::new("ب\u{0627}\u{0654}د").nfc();
        assert_eq!(t.text(), "بأد");
        assert_eq!(n.chars, 2);
        assert_eq!(t.original_span(1..2), 1..3);
        assert_eq!(t.original_span(2..3), 3..4);
    }

    #[test]
    fn nfc_keeps_presentation_forms() {
        // NFKC would turn U+FEFB (LAM WITH ALEF ligature) into two letters.
        let (t, n) = AlignedText::new("\u{fefb}").nfc();
        assert_eq!(t.text(), "\u{fefb}");
        assert_eq!(n.chars, 0);
    }

    #[test]
    fn replaced_ranges_align_to_what_they_replaced() {
        let t = AlignedText::new("a&amp;b<br>c");
        let t = t.replace_ranges(&[(1..6, "&"), (7..11, "\n")]);
        assert_eq!(t.text(), "a&b\nc");
        assert_eq!(t.original_span(1..2), 1..6);
        assert_eq!(t.original_span(3..4), 7..11);
        assert_eq!(t.original_span(4..5), 11..12);
        let removed = AlignedText::new("ab<i>c").replace_ranges(&[(2..5, "")]);
        assert_eq!(removed.text(), "abc");
        assert_eq!(removed.original_span(2..3), 5..6);
    }

    #[test]
    fn empty_span_maps_to_a_point() {
        let (t, _) = AlignedText::new("\r\nx").unify_line_ends();
        assert_eq!(t.original_span(0..0), 1..1);
        assert_eq!(t.original_span(2..2), 3..3);
    }
}
