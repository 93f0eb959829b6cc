//! Character classes and the letter normalisation used for matching (never
//! for stored text): alef variants, alef maksura, teh marbuta, diacritics,
//! tatweel and the two Arabic digit sets.

/// Tatweel (kashida), a stretching character with no meaning.
pub const TATWEEL: char = '\u{0640}';

/// The value of a decimal digit in ASCII, Arabic-Indic (U+0660..) or
/// extended Arabic-Indic (U+06F0..) form.
pub const fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    }
}

/// `char::is_alphabetic` with a fast path for ASCII and the Arabic letters:
/// the general test is a table search that showed up in profiles.
#[inline]
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else if ('\u{0621}'..='\u{064A}').contains(&c) {
        true
    } else {
        c.is_alphabetic()
    }
}

/// Letters of the Arabic script, in any of its Unicode blocks.
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}')
        && c.is_alphabetic()
}

/// True for a decimal digit of any of the three sets.
pub fn is_digit(c: char) -> bool {
    digit_value(c).is_some()
}

/// Arabic harakat, tanween, shadda, sukun, dagger alef and Quranic marks.
pub const fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// The matching form of one character: `None` drops it.
#[inline]
pub fn normalise_char(c: char) -> Option<char> {
    match c {
        '\u{0600}'..='\u{06ff}' => {
            let mapped = ARABIC_BLOCK_FORMS[c as usize - 0x600];
            (mapped != 0).then(|| char::from_u32(u32::from(mapped)).expect("the table holds chars"))
        }
        _ => Some(c),
    }
}

/// [`normalise_char_slow`] for U+0600..=U+06FF, computed at compile time;
/// 0 means the character is dropped.
const ARABIC_BLOCK_FORMS: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let c = match char::from_u32(0x600 + i as u32) {
            Some(c) => c,
            None => panic!("the Arabic block holds only chars"),
        };
        table[i] = match normalise_char_slow(c) {
            Some(n) => n as u16,
            None => 0,
        };
        i += 1;
    }
    table
};

/// The rules behind [`normalise_char`].
const fn normalise_char_slow(c: char) -> Option<char> {
    if c == TATWEEL || is_diacritic(c) {
        return None;
    }
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' => 'ي',
        'ة' => 'ه',
        _ => match digit_value(c) {
            Some(v) => (b'0' + v as u8) as char,
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
    let mut out = String::with_capacity(word.len());
    normalise_into(word, |piece| out.push_str(piece));
    out
}

/// Feeds the matching form of `text` to `sink` piece by piece: runs of
/// unchanged text as they are, changed characters one by one, so that
/// hashing the form needs no copy of it.
pub fn normalise_into(text: &str, mut sink: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    let mut buf = [0u8; 4];
    while i < bytes.len() {
        // Only U+0600..=U+06FF changes, and its code points are the two-byte
        // sequences led by 0xD8..=0xDB: every other byte is skipped unread.
        if !(0xD8..=0xDB).contains(&bytes[i]) {
            i += 1;
            continue;
        }
        let index = (usize::from(bytes[i] & 0x03) << 6) | usize::from(bytes[i + 1] & 0x3F);
        if ARABIC_BLOCK_KEPT[index] {
            i += 2;
            continue;
        }
        sink(&text[run_start..i]);
        let form = char::from_u32(u32::from(ARABIC_BLOCK_FORMS[index]));
        if let Some(form) = form.filter(|&form| form != '\0') {
            sink(form.encode_utf8(&mut buf));
        }
        i += 2;
        run_start = i;
    }
    sink(&text[run_start..]);
}

/// Whether [`normalise_char`] keeps each character of U+0600..=U+06FF as it is.
const ARABIC_BLOCK_KEPT: [bool; 256] = {
    let mut kept = [false; 256];
    let mut i = 0;
    while i < 256 {
        kept[i] = ARABIC_BLOCK_FORMS[i] == 0x600 + i as u16;
        i += 1;
    }
    kept
};

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
    fn the_table_agrees_with_the_rules() {
        for c in ('\u{0600}'..='\u{06ff}').chain(['a', '7', 'é']) {
            assert_eq!(normalise_char(c), normalise_char_slow(c), "{c:?}");
        }
    }

    #[test]
    fn the_byte_scan_agrees_with_the_character_rules() {
        // Every code point from U+0000 to U+08FF (Arabic, its neighbours, the
        // one-, two- and three-byte boundaries nearby) and a few far ones,
        // each alone and between Arabic letters.
        let far = ['\u{FEFF}', '\u{FDF2}', '\u{1F600}', '\u{10FFFF}'];
        for c in (0..=0x8ff).filter_map(char::from_u32).chain(far) {
            for text in [c.to_string(), format!("ب{c}ة{c}{c}أ")] {
                let expected: String = text.chars().filter_map(normalise_char).collect();
                assert_eq!(normalise(&text), expected, "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn matching_form_folds_variants() {
        assert_eq!(normalise("أكتوبر"), normalise("اكتوبر"));
        assert_eq!(normalise("مُصْطَفى"), "مصطفي");
        assert_eq!(normalise("مدرســة"), "مدرسه");
        assert_eq!(normalise("٢٠٢٠"), "2020");
    }
}
