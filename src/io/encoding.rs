//! The encoding of a text file, and its text read as UTF-8 so that the line
//! readers take it unchanged. Windows tools save text three ways: UTF-16
//! with a byte order mark ("Unicode text", Excel's among them), UTF-8, or
//! the system's legacy code page (Excel's "Text (Tab delimited)": windows-1256
//! on Arabic Windows, windows-1252 on most others).

use std::io::{BufRead, Read, Seek};

use encoding_rs::{DecoderResult, Encoding};

/// The UTF-16 encoding a byte order mark at the start of `bytes` names.
pub fn encoding_of_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// The UTF-16 encoding the byte order mark at the start of `reader` names.
/// Leaves it rewound.
fn utf16_of_file<R: Read + Seek>(reader: &mut R) -> std::io::Result<Option<&'static Encoding>> {
    let mut start = Vec::with_capacity(2);
    reader.take(2).read_to_end(&mut start)?;
    reader.rewind()?;
    Ok(encoding_of_bom(&start))
}

/// The encoding of an XML file: UTF-16 by its byte order mark, else the
/// one its declaration names (`<?xml version="1.0" encoding="windows-1256"?>`,
/// as some Windows tools write), else UTF-8. `Err` with the declared name
/// when no decoder knows it. Leaves the reader rewound.
pub fn of_xml_file<R: Read + Seek>(
    reader: &mut R,
) -> std::io::Result<Result<&'static Encoding, String>> {
    if let Some(encoding) = utf16_of_file(reader)? {
        return Ok(Ok(encoding));
    }
    // A declaration is the file's first characters; 512 bytes hold any.
    let mut start = Vec::with_capacity(512);
    reader.take(512).read_to_end(&mut start)?;
    reader.rewind()?;
    let Some(declared) = declared_xml_encoding(&start) else {
        return Ok(Ok(encoding_rs::UTF_8));
    };
    Ok(Encoding::for_label(declared.as_bytes()).ok_or_else(|| declared.to_string()))
}

/// The value of `encoding` in an XML declaration at the start of `bytes`.
fn declared_xml_encoding(bytes: &[u8]) -> Option<&str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let declaration = bytes.strip_prefix(b"<?xml")?;
    let declaration = &declaration[..declaration.windows(2).position(|w| w == b"?>")?];
    let declaration = std::str::from_utf8(declaration).ok()?;
    let after = declaration.split_once("encoding")?.1.trim_start();
    let value = after.strip_prefix('=')?.trim_start();
    let quote = value.chars().next().filter(|&q| q == '"' || q == '\'')?;
    let value = &value[1..];
    Some(&value[..value.find(quote)?])
}

/// What bytes that are not valid UTF-8 throughout are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NotUtf8 {
    /// UTF-8 with a few invalid sequences (one, or at most one in 20 of its
    /// non-ASCII characters): damage to repair, not another encoding.
    Damaged { invalid: u64, first_at: u64 },
    /// A legacy code page: chardetng's best guess (it knows windows-1256
    /// and ISO-8859-6 for Arabic).
    Legacy(&'static Encoding),
}

/// The encoding to read a translator's text file in: UTF-16 by its byte
/// order mark; UTF-8 when its bytes are UTF-8, even damaged (the readers
/// report the damaged lines); else a Windows code page: the Arabic one when
/// the bytes look Arabic, windows-1252 otherwise. Reads the file once, twice
/// more when it is not UTF-8, and leaves it rewound.
pub fn of_text_file<R: Read + Seek>(reader: &mut R) -> std::io::Result<&'static Encoding> {
    if let Some(encoding) = utf16_of_file(reader)? {
        return Ok(encoding);
    }
    let mut first_at = None;
    each_utf8_run(
        reader,
        |_| {},
        |at| {
            first_at = Some(at);
            false
        },
    )?;
    reader.rewind()?;
    let Some(first_at) = first_at else {
        return Ok(encoding_rs::UTF_8);
    };
    let encoding = match census(&mut *reader, first_at)? {
        NotUtf8::Damaged { .. } => encoding_rs::UTF_8,
        NotUtf8::Legacy(arabic)
            if arabic == encoding_rs::WINDOWS_1256 || arabic == encoding_rs::ISO_8859_6 =>
        {
            arabic
        }
        // Arabic-to-English work saved on a Windows without Arabic: the
        // typed English is ASCII but for a few accents and curly quotes,
        // too little for a guess (chardetng took `naïve` for Baltic), and
        // windows-1252 is what English and Western Windows write.
        NotUtf8::Legacy(_) => encoding_rs::WINDOWS_1252,
    };
    reader.rewind()?;
    Ok(encoding)
}

/// Whether bytes that are not valid UTF-8, the first invalid sequence at
/// `first_at`, are damaged UTF-8 or a legacy code page.
pub fn census(mut reader: impl Read + Seek, first_at: u64) -> std::io::Result<NotUtf8> {
    let (mut invalid, mut multibyte) = (0u64, 0u64);
    each_utf8_run(
        &mut reader,
        // A character's first byte: 0b11xxxxxx.
        |valid| multibyte += valid.bytes().filter(|&b| b >= 0xC0).count() as u64,
        |_| {
            invalid += 1;
            true
        },
    )?;
    if multibyte > 0 && invalid <= (multibyte / 20).max(1) {
        return Ok(NotUtf8::Damaged { invalid, first_at });
    }
    reader.rewind()?;
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = read_some(&mut reader, &mut buffer)?;
        detector.feed(&buffer[..n], n == 0);
        if n == 0 {
            break;
        }
    }
    Ok(NotUtf8::Legacy(
        detector.guess(None, chardetng::Utf8Detection::Deny),
    ))
}

/// Walks `reader` as UTF-8: `valid` gets each run of valid text, `invalid`
/// the byte offset of each invalid sequence (an incomplete one at the end
/// among them) and says whether to go on.
fn each_utf8_run(
    reader: &mut impl Read,
    mut valid: impl FnMut(&str),
    mut invalid: impl FnMut(u64) -> bool,
) -> std::io::Result<()> {
    let mut buffer = vec![0u8; 64 * 1024];
    // Bytes of a sequence cut by the end of the previous read, kept at the
    // buffer's start, and the file offset of the buffer's first byte.
    let (mut kept, mut offset) = (0usize, 0u64);
    loop {
        let read = read_some(reader, &mut buffer[kept..])?;
        let (end, at_end) = (kept + read, read == 0);
        let mut at = 0;
        while at < end {
            match std::str::from_utf8(&buffer[at..end]) {
                Ok(text) => {
                    valid(text);
                    at = end;
                }
                Err(e) => {
                    let valid_end = at + e.valid_up_to();
                    valid(std::str::from_utf8(&buffer[at..valid_end]).unwrap_or_default());
                    match e.error_len() {
                        None if !at_end => {
                            at = valid_end;
                            break;
                        }
                        length => {
                            if !invalid(offset + valid_end as u64) {
                                return Ok(());
                            }
                            at = valid_end + length.unwrap_or(end - valid_end);
                        }
                    }
                }
            }
        }
        if at_end {
            return Ok(());
        }
        buffer.copy_within(at..end, 0);
        kept = end - at;
        offset += at as u64;
    }
}

/// One `read`, retried when a signal interrupts it.
fn read_some(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match reader.read(buffer) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// `reader`'s text as UTF-8: decoded from `encoding` (its byte order mark
/// removed), or as it is when that is UTF-8, invalid lines left for the
/// line readers to report.
pub fn as_utf8<R: BufRead + 'static>(reader: R, encoding: &'static Encoding) -> Box<dyn BufRead> {
    if encoding == encoding_rs::UTF_8 {
        return Box::new(reader);
    }
    Box::new(Utf8From {
        inner: reader,
        decoder: encoding.new_decoder_with_bom_removal(),
        encoding,
        consumed: 0,
        finished: false,
        decoded: vec![0; 64 * 1024].into_boxed_slice(),
        start: 0,
        end: 0,
    })
}

/// Text in another encoding read as UTF-8. Bytes that are not valid in it
/// (an unpaired surrogate or an odd byte at the end of UTF-16, a byte a
/// code page leaves unmapped) are an error naming their byte offset, never
/// replaced silently.
struct Utf8From<R> {
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

impl<R: BufRead> BufRead for Utf8From<R> {
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
                let why = if self.encoding.is_single_byte() {
                    "a byte this code page does not map"
                } else {
                    "an unpaired surrogate or an odd byte at the end"
                };
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "invalid {} at byte {offset} ({why}); save the file again, as UTF-8 if you can",
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

impl<R: BufRead> Read for Utf8From<R> {
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
        let mut reader = std::io::Cursor::new(bytes);
        let encoding = of_text_file(&mut reader)?;
        let mut text = String::new();
        as_utf8(reader, encoding).read_to_string(&mut text)?;
        Ok(text)
    }

    fn encoding_of(bytes: &[u8]) -> &'static str {
        of_text_file(&mut std::io::Cursor::new(bytes))
            .unwrap()
            .name()
    }

    #[test]
    fn excel_text_saved_in_the_arabic_code_page_reads_as_its_text() {
        let text = "sentence_id\tsource\ttarget\r\na#1\tقال الرئيس إن الوضع في المنطقة مستقر\tThe president said the région is “calm”\r\n";
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(text);
        assert!(!unmappable);
        assert_eq!(encoding_of(&bytes), "windows-1256");
        assert_eq!(read_all(bytes.into_owned()).unwrap(), text);
    }

    #[test]
    fn excel_text_saved_in_a_western_code_page_keeps_the_typed_english() {
        // Arabic the code page cannot hold is saved as question marks.
        for typed in ["It’s the café’s “menu”, naïve", "It’s naïve", "é"] {
            let text = format!("sentence_id\tsource\ttarget\r\na#1\t??? ?????\t{typed}\r\n");
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
            assert_eq!(encoding_of(&bytes), "windows-1252", "{typed}");
            assert_eq!(read_all(bytes.into_owned()).unwrap(), text);
        }
    }

    #[test]
    fn an_xml_file_is_read_in_the_encoding_its_declaration_names() {
        let of = |bytes: &[u8]| of_xml_file(&mut std::io::Cursor::new(bytes.to_vec())).unwrap();
        let arabic = encoding_rs::WINDOWS_1256
            .encode("<?xml version='1.0' encoding = 'windows-1256' ?>\n<xliff>قال</xliff>")
            .0;
        assert_eq!(of(&arabic), Ok(encoding_rs::WINDOWS_1256));
        assert_eq!(
            of(b"<?xml version=\"1.0\" encoding=\"ISO-8859-6\"?><x/>"),
            Ok(encoding_rs::ISO_8859_6)
        );
        assert_eq!(of(b"<?xml version=\"1.0\"?><x/>"), Ok(encoding_rs::UTF_8));
        assert_eq!(
            of(b"<x encoding=\"windows-1256\"/>"),
            Ok(encoding_rs::UTF_8)
        );
        assert_eq!(
            of(b"<?xml version=\"1.0\" encoding=\"EBCDIC-420\"?><x/>"),
            Err("EBCDIC-420".to_string())
        );
        assert_eq!(of(&utf16le("<?xml?>")), Ok(encoding_rs::UTF_16LE));
    }

    #[test]
    fn utf8_with_one_damaged_byte_stays_utf8_for_the_line_readers_to_report() {
        let mut bytes = "قال بوتين\n".repeat(10).into_bytes();
        bytes.insert(20, 0xFF);
        assert_eq!(encoding_of(&bytes), "UTF-8");
        assert_eq!(
            census(std::io::Cursor::new(&bytes), 20).unwrap(),
            NotUtf8::Damaged {
                invalid: 1,
                first_at: 20
            }
        );
    }

    #[test]
    fn a_character_cut_by_the_end_of_a_read_is_not_invalid_and_offsets_count_from_the_file_start() {
        // 18-byte lines put byte 65,536 inside a two-byte letter.
        let mut bytes = "قال بوتين\n".repeat(5000).into_bytes();
        assert!(std::str::from_utf8(&bytes[65_536..]).is_err());
        assert_eq!(encoding_of(&bytes), "UTF-8");
        bytes.insert(79_998, 0xFF);
        let mut first = None;
        each_utf8_run(
            &mut std::io::Cursor::new(&bytes),
            |_| {},
            |at| {
                first.get_or_insert(at);
                true
            },
        )
        .unwrap();
        assert_eq!(first, Some(79_998));
        // A sequence cut by the end of the file is invalid.
        bytes.truncate(bytes.len() - 2);
        let mut invalid = Vec::new();
        each_utf8_run(
            &mut std::io::Cursor::new(&bytes),
            |_| {},
            |at| {
                invalid.push(at);
                true
            },
        )
        .unwrap();
        assert_eq!(invalid, vec![79_998, bytes.len() as u64 - 1]);
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
