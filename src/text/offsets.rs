//! Conversion from UTF-8 byte offsets (what Rust slices) to code point offsets
//! (what the dataset stores), in one forward pass per document.

/// Converts increasing byte offsets of one text into code point offsets.
///
/// Stages work in byte offsets, which Rust slices cheaply, and convert at the
/// edge; asking for offsets in increasing order makes every conversion
/// amortised O(1) instead of a rescan from the start.
pub struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    pub fn new(text: &'a str) -> Self {
        CharOffsets {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// The code point offset of byte offset `byte`, which must lie on a char
    /// boundary. Calls with smaller offsets than the last one rescan from the start.
    pub fn char_offset(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_code_points_not_bytes() {
        let text = "aبc دe";
        let mut offsets = CharOffsets::new(text);
        assert_eq!(offsets.char_offset(1), 1);
        assert_eq!(offsets.char_offset(3), 2);
        assert_eq!(offsets.char_offset(text.len()), 6);
        assert_eq!(offsets.char_offset(0), 0);
    }
}
