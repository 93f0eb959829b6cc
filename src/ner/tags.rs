//! BIO tags over the four ANERcorp labels, and the spans they spell.

use std::ops::Range;

use crate::model::Label;

/// The labels the model tags, in tag order.
pub const LABELS: [Label; 4] = [Label::Per, Label::Loc, Label::Org, Label::Misc];

/// `O`, then `B-` and `I-` of each label.
pub const TAG_COUNT: usize = 1 + 2 * LABELS.len();

pub const OUTSIDE: u8 = 0;

pub fn begin(label: usize) -> u8 {
    (1 + 2 * label) as u8
}

pub fn inside(label: usize) -> u8 {
    (2 + 2 * label) as u8
}

/// The label index of a `B-` or `I-` tag.
pub fn label_of(tag: u8) -> Option<usize> {
    (tag != OUTSIDE).then(|| (tag as usize - 1) / 2)
}

pub fn is_inside(tag: u8) -> bool {
    tag != OUTSIDE && (tag - 1) % 2 == 1
}

/// Whether `next` may follow `prev` (`None`: the sentence start): an `I-X`
/// only continues a `B-X` or an `I-X`.
pub fn allowed(prev: Option<u8>, next: u8) -> bool {
    !is_inside(next) || prev.is_some_and(|p| label_of(p) == label_of(next))
}

/// Token index ranges of the spans a tag sequence spells, with their label index.
pub fn spans(tags: &[u8]) -> Vec<(Range<usize>, usize)> {
    let mut out: Vec<(Range<usize>, usize)> = Vec::new();
    for (i, &tag) in tags.iter().enumerate() {
        let Some(label) = label_of(tag) else { continue };
        match out.last_mut() {
            Some((range, l)) if is_inside(tag) && range.end == i && *l == label => {
                range.end = i + 1
            }
            _ => out.push((i..i + 1, label)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_bio() {
        let per_b = begin(0);
        let per_i = inside(0);
        let loc_b = begin(1);
        assert_eq!(
            spans(&[OUTSIDE, per_b, per_i, loc_b, per_b, OUTSIDE]),
            [(1..3, 0), (3..4, 1), (4..5, 0)]
        );
        assert!(!allowed(None, per_i));
        assert!(!allowed(Some(loc_b), per_i));
        assert!(allowed(Some(per_b), per_i));
    }
}
