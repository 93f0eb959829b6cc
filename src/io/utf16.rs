//! UTF-16 text, as Windows tools save "Unicode text" (Excel's tab-separated
//! export among them): known by its byte order mark, and read as a stream
//! of UTF-8 so that the line readers take it unchanged.

use std::io::{BufRead, BufReader, Read};

use encoding_rs::{DecoderResult, Encoding};

/// The UTF-16 encoding a byte order mark at the start of `bytes` names.
pub fn encoding_of_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// `reader` as UTF-8 text: decoded when it starts with a UTF-16 byte order
/// mark, as it is otherwise.
pub fn as_utf8<R: Read + 'static>(reader: R) -> std::io::Result<Box<dyn BufRead>> {
    let mut reader = BufReader::new(reader);
    // A file's first read fills the buffer, so its mark is never cut in two.
    Ok(match encoding_of_bom(reader.fill_buf()?) {
        Some(encoding) => Box::new(Utf8FromUtf16 {
            inner: reader,
            decoder: encoding.new_decoder_with_bom_removal(),
            encoding,
            consumed: 0,
            finished: false,
            decoded: vec![0; 64 * 1024].into_boxed_slice(),
            start: 0,
            end: 0,
        }),
        None => Box::new(reader),
    })
}

/// UTF-16 bytes read as UTF-8. Text that is not valid UTF-16 (an unpaired
/// surrogate, an odd byte at the end) is an error naming its byte offset,
/// never replaced silently.
struct Utf8FromUtf16<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: &'static Encoding,
    /// Bytes of `inner` decoded so far.
    consumed: u64,
    finished: bool,
    /// Decoded text, of which `start..end` is not read yet: decoding into a
    /// buffer of its own serves readers that ask for fewer bytes than a
    /// character takes.
    decoded: Box<[u8]>,
    start: usize,
    end: usize,
}

impl<R: BufRead> BufRead for Utf8FromUtf16<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.start == self.end && !self.finished {
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(input, &mut self.decoded, last);
            self.inner.consume(read);
            self.consumed += read as u64;
            if let DecoderResult::Malformed(length, after) = result {
                let offset = self.consumed - u64::from(after) - u64::from(length);
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "invalid {} at byte {offset} (an unpaired surrogate or an odd byte at the end); save the file again, as UTF-8 if you can",
                        self.encoding.name()
                    ),
                ));
            }
            self.finished = last && result == DecoderResult::InputEmpty;
            (self.start, self.end) = (0, written);
        }
        Ok(&self.decoded[self.start..self.end])
    }

    fn consume(&mut self, amount: usize) {
        self.start = (self.start + amount).min(self.end);
    }
}

impl<R: BufRead> Read for Utf8FromUtf16<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    fn read_all(bytes: Vec<u8>) -> std::io::Result<String> {
        let mut text = String::new();
        as_utf8(std::io::Cursor::new(bytes))?.read_to_string(&mut text)?;
        Ok(text)
    }

    #[test]
    fn utf16_with_its_byte_order_mark_reads_as_utf8_and_other_text_as_it_is() {
        let text = "sentence_id\ttarget\r\na#1\tقال 😀\r\n";
        assert_eq!(read_all(utf16le(text)).unwrap(), text);
        let mut big_endian = vec![0xFE, 0xFF];
        big_endian.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(read_all(big_endian).unwrap(), text);
        assert_eq!(read_all(text.as_bytes().to_vec()).unwrap(), text);
        assert_eq!(read_all(b"x".to_vec()).unwrap(), "x");
        assert_eq!(read_all(Vec::new()).unwrap(), "");
    }

    #[test]
    fn a_long_file_decodes_across_buffers() {
        let text = "قال بوتين\n".repeat(5000);
        assert_eq!(read_all(utf16le(&text)).unwrap(), text);
    }

    #[test]
    fn invalid_utf16_is_an_error_with_its_offset() {
        let mut bytes = utf16le("ab");
        bytes.extend([0x00, 0xD8, b'c', 0x00]);
        let error = read_all(bytes).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
        assert!(error.to_string().contains("UTF-16LE at byte 6"), "{error}");
    }
}
