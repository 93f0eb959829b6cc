//! Table rows as compact JSON, byte for byte what `serde_json::to_writer`
//! writes, several times faster on long texts.
//!
//! serde_json looks up every byte of a string in a table of escapes; a
//! row's text is mostly Arabic, where none can occur. Here a string is
//! scanned 32 bytes at a time and copied in runs between escapes, which are
//! serde_json's own. Numbers are left to serde_json itself. `build` writes
//! JSONL this way and `validate` compares the lines it finds with what this
//! writes; the tests hold it to serde_json's output.
//!
//! Rows are flat records: structs of scalars, strings, options and nested
//! structs, and sequences of those. Maps, tuples and enum variants with
//! data are not rows and are refused with an error.

use std::fmt::Display;
use std::io::Write;

use serde::ser::{self, Impossible, Serialize};

/// Writes `value` as compact JSON, exactly as `serde_json::to_writer` does.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> std::io::Result<()> {
    value.serialize(&mut Writer { out }).map_err(|e| match e {
        Error::Io(e) => e,
        Error::Unsupported(what) => std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("a table row holds {what}, which rows never do"),
        ),
    })
}

#[derive(Debug)]
enum Error {
    Io(std::io::Error),
    Unsupported(String),
}

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => e.fmt(f),
            Error::Unsupported(what) => write!(f, "{what} is not a row value"),
        }
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error::Unsupported(msg.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Io(e.into())
    }
}

struct Writer<W> {
    out: W,
}

impl<W: Write> Writer<W> {
    /// A value serde_json writes the same way whatever surrounds it.
    fn scalar<T: Serialize>(&mut self, value: T) -> Result<(), Error> {
        Ok(serde_json::to_writer(&mut self.out, &value)?)
    }
}

/// Whether JSON escapes the byte: a quote, a backslash or a control character.
fn is_escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The offset of the first byte JSON escapes, if there is one. Bytes of
/// UTF-8 sequences (all of Arabic's) are never escaped.
fn first_escaped(bytes: &[u8]) -> Option<usize> {
    const CHUNK: usize = 32;
    let mut chunks = bytes.chunks_exact(CHUNK);
    let mut offset = 0;
    for chunk in chunks.by_ref() {
        // A fold with no early exit, which the compiler turns into vector compares.
        if chunk.iter().fold(false, |any, &b| any | is_escaped(b)) {
            return chunk
                .iter()
                .position(|&b| is_escaped(b))
                .map(|i| offset + i);
        }
        offset += CHUNK;
    }
    let rest = chunks.remainder();
    rest.iter().position(|&b| is_escaped(b)).map(|i| offset + i)
}

/// The escape serde_json writes for an escaped byte.
fn write_escape(out: &mut impl Write, b: u8) -> std::io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.write_all(b"\\\""),
        b'\\' => out.write_all(b"\\\\"),
        0x08 => out.write_all(b"\\b"),
        0x0c => out.write_all(b"\\f"),
        b'\n' => out.write_all(b"\\n"),
        b'\r' => out.write_all(b"\\r"),
        b'\t' => out.write_all(b"\\t"),
        _ => out.write_all(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xf)],
        ]),
    }
}

fn unsupported<T>(what: &str) -> Result<T, Error> {
    Err(Error::Unsupported(what.to_string()))
}

impl<'a, W: Write> ser::Serializer for &'a mut Writer<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.scalar(v)
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.out.write_all(b"\"")?;
        let mut rest = v.as_bytes();
        while let Some(at) = first_escaped(rest) {
            self.out.write_all(&rest[..at])?;
            write_escape(&mut self.out, rest[at])?;
            rest = &rest[at + 1..];
        }
        self.out.write_all(rest)?;
        Ok(self.out.write_all(b"\"")?)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        unsupported("bytes")
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(self.out.write_all(b"null")?)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        unsupported("an enum variant with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.out.write_all(b"[")?;
        Ok(Compound {
            writer: self,
            first: true,
        })
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        unsupported("a tuple")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        unsupported("a tuple struct")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        unsupported("an enum variant with data")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        unsupported("a map")
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, W>, Error> {
        self.out.write_all(b"{")?;
        Ok(Compound {
            writer: self,
            first: true,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        unsupported("an enum variant with data")
    }
}

/// The elements of a sequence or the fields of a struct, comma-separated.
struct Compound<'a, W> {
    writer: &'a mut Writer<W>,
    first: bool,
}

impl<W: Write> Compound<'_, W> {
    fn separate(&mut self) -> Result<(), Error> {
        if !std::mem::take(&mut self.first) {
            self.writer.out.write_all(b",")?;
        }
        Ok(())
    }
}

impl<W: Write> ser::SerializeSeq for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.separate()?;
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        Ok(self.writer.out.write_all(b"]")?)
    }
}

impl<W: Write> ser::SerializeStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.separate()?;
        ser::Serializer::serialize_str(&mut *self.writer, key)?;
        self.writer.out.write_all(b":")?;
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        Ok(self.writer.out.write_all(b"}")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Entity, Sentence, TranslationSlot};

    fn same_as_serde_json<T: Serialize>(value: &T) {
        let mut ours = Vec::new();
        to_writer(&mut ours, value).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string(value).unwrap()
        );
    }

    #[test]
    fn strings_are_escaped_exactly_as_serde_json_escapes_them() {
        for s in [
            "",
            "قال \"بوتين\"",
            "back\\slash",
            "tab\tand\nnewline and \u{1} and \u{1f}",
            "«اقتباس» ٣٫٥٪ 😀",
            "exactly8",
            "0123456789abcdef\"",
            "\u{7f}\u{80}\u{2028}",
        ] {
            same_as_serde_json(&s);
        }
        let every_ascii: String = (0u8..0x80).map(char::from).collect();
        same_as_serde_json(&every_ascii);
    }

    #[test]
    fn every_bytes_position_of_an_escape_is_found() {
        for len in 0..20 {
            for at in 0..len {
                for special in ['"', '\\', '\n', '\u{0}', '\u{1f}'] {
                    let mut s: String = "ب".repeat(len / 2) + &"x".repeat(len % 2);
                    let at = at.min(s.len());
                    let at = (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap();
                    s.insert(at, special);
                    same_as_serde_json(&s);
                }
            }
        }
    }

    fn each_line_is_rewritten_byte_for_byte<T: Serialize + serde::de::DeserializeOwned>(
        table: &str,
    ) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("datasets/seed-news/versions/v0006")
            .join(format!("{table}.jsonl"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.lines().count() >= 5, "{} has rows", path.display());
        for line in text.lines() {
            let row: T = serde_json::from_str(line).unwrap();
            let mut ours = Vec::new();
            to_writer(&mut ours, &row).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), line);
        }
    }

    #[test]
    fn the_seed_rows_are_written_as_build_wrote_them() {
        each_line_is_rewritten_byte_for_byte::<Document>("documents");
        each_line_is_rewritten_byte_for_byte::<Sentence>("sentences");
        each_line_is_rewritten_byte_for_byte::<Entity>("entities");
        each_line_is_rewritten_byte_for_byte::<TranslationSlot>("translations");
    }

    #[test]
    fn absent_scores_renderings_and_nan_are_written_as_serde_json_writes_them() {
        let entity = Entity {
            entity_id: "d1-e1".into(),
            doc_id: "d1".into(),
            sentence_id: "d1-s1".into(),
            start: 3,
            end: 8,
            text: "بوتين".into(),
            label: "PER".into(),
            origin: "model".into(),
            score: Some(0.1234),
            en: Some("Putin".into()),
        };
        same_as_serde_json(&entity);
        same_as_serde_json(&Entity {
            score: Some(f32::NAN),
            en: None,
            ..entity.clone()
        });
        same_as_serde_json(&Entity {
            score: None,
            ..entity
        });
        same_as_serde_json(&vec![Some(1u64), None]);
    }

    #[test]
    fn a_map_is_refused_not_written_differently() {
        let map = std::collections::BTreeMap::from([("a", 1)]);
        let error = to_writer(Vec::new(), &map).unwrap_err();
        assert!(error.to_string().contains("a map"), "{error}");
    }
}
