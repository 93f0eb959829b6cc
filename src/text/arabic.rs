//! Character classes and the letter normalisation used for matching (never
//! for stored text): alef variants, alef maksura, teh marbuta, diacritics,
//! tatweel and the two Arabic digit sets.

/// Tatweel (kashida), a stretching character with no meaning.
pub const TATWEEL: char = '\u{0640}';

/// The value of a decimal digit in ASCII, Arabic-Indic (U+0660..) or
/// extended Arabic-Indic (U+06F0..) form.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    }
}

/// True for a decimal digit of any of the three sets.
pub fn is_digit(c: char) -> bool {
    digit_value(c).is_some()
}

/// Arabic harakat, tanween, shadda, sukun, dagger alef and Quranic marks.
pub fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// The matching form of one character: `None` drops it.
pub fn normalise_char(c: char) -> Option<char> {
    if c == TATWEEL || is_diacritic(c) {
        return None;
    }
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' => 'ي',
        'ة' => 'ه',
        _ => match digit_value(c) {
            Some(v) => char::from_digit(v, 10).expect("digit values are below 10"),
            None => c,
        },
    })
}

/// The normalised view of a text, for matching (gazetteers, translation
/// memory, duplicates), with its alignment back to the text: never stored
/// in place of the text.
pub fn normalised_view(text: &str) -> super::AlignedText {
    super::AlignedText::new(text)
        .map_chars(|_, c, _| match normalise_char(c) {
            None => super::CharEdit::Remove,
            Some(n) if n == c => super::CharEdit::Keep,
            Some(n) => super::CharEdit::Replace(n),
        })
        .0
}

/// The matching form of a word (see [`normalise_char`]).
pub fn normalise(word: &str) -> String {
    word.chars().filter_map(normalise_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_all_three_sets_have_values() {
        assert_eq!(digit_value('7'), Some(7));
        assert_eq!(digit_value('٧'), Some(7));
        assert_eq!(digit_value('۷'), Some(7));
        assert_eq!(digit_value('a'), None);
    }

    #[test]
    fn the_normalised_view_maps_back_to_the_text() {
        let view = normalised_view("قالَ أحمد ٣");
        assert_eq!(view.text(), "قال احمد 3");
        // "احمد" (view 4..8) is "أحمد" at text 5..9: the removed fatha shifts it.
        assert_eq!(view.original_span(4..8), 5..9);
        assert_eq!(view.original_span(9..10), 10..11);
    }

    #[test]
    fn matching_form_folds_variants() {
        assert_eq!(normalise("أكتوبر"), normalise("اكتوبر"));
        assert_eq!(normalise("مُصْطَفى"), "مصطفي");
        assert_eq!(normalise("مدرســة"), "مدرسه");
        assert_eq!(normalise("٢٠٢٠"), "2020");
    }
}
