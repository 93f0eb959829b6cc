//! XLIFF 1.2 (OASIS): the format CAT tools exchange. One `trans-unit` per
//! sentence, `id` = sentence id; the source hash travels in an attribute of
//! tarjama's own namespace, which XLIFF allows and tools keep; context and
//! entity hints are `note`s.

use std::io::{BufRead, Read, Write};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::Unit;
use crate::io::xml::escape;
use crate::model::{Languages, SlotStatus};

/// tarjama's XML namespace for extension attributes.
pub const NAMESPACE: &str = "https://tarjama.dev/xliff/1";

/// XLIFF's `state` (and `state-qualifier`) for a slot status; an empty
/// slot has no `target`.
fn state(status: SlotStatus) -> Option<(&'static str, Option<&'static str>)> {
    match status {
        SlotStatus::Empty => None,
        SlotStatus::Machine => Some(("needs-review-translation", Some("mt-suggestion"))),
        SlotStatus::Draft => Some(("needs-review-translation", None)),
        SlotStatus::Done => Some(("translated", None)),
        SlotStatus::Reviewed => Some(("signed-off", None)),
    }
}

/// Writes the XLIFF header for a file of `original` (dataset/version).
pub fn write_header(
    out: &mut impl Write,
    original: &str,
    languages: Languages,
) -> std::io::Result<()> {
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" xmlns:tj=\"{NAMESPACE}\">\n\
         <file original=\"{}\" source-language=\"{}\" target-language=\"{}\" datatype=\"plaintext\">\n\
         <header><tool tool-id=\"tarjama\" tool-name=\"tarjama\" tool-version=\"{}\"/></header>\n\
         <body>\n",
        escape(original),
        escape(languages.source),
        escape(languages.target),
        env!("CARGO_PKG_VERSION")
    )
}

pub fn write_unit(out: &mut impl Write, unit: &Unit, languages: Languages) -> std::io::Result<()> {
    writeln!(
        out,
        "<trans-unit id=\"{}\" tj:source-sha256=\"{}\" tj:doc-id=\"{}\" xml:space=\"preserve\">",
        escape(&unit.sentence_id),
        unit.source_sha256,
        escape(&unit.doc_id)
    )?;
    writeln!(
        out,
        "<source xml:lang=\"{}\">{}</source>",
        escape(languages.source),
        escape(&unit.source)
    )?;
    let status = SlotStatus::parse(&unit.status).unwrap_or(SlotStatus::Empty);
    if let (Some(target), Some((state, qualifier))) = (&unit.target, state(status)) {
        let qualifier = qualifier
            .map(|q| format!(" state-qualifier=\"{q}\""))
            .unwrap_or_default();
        writeln!(
            out,
            "<target xml:lang=\"{}\" state=\"{state}\"{qualifier}>{}</target>",
            escape(languages.target),
            escape(target)
        )?;
    }
    let notes = [
        ("context-before", unit.context_before.clone()),
        ("context-after", unit.context_after.clone()),
        (
            "entities",
            (!unit.hints.is_empty()).then(|| {
                unit.hints
                    .iter()
                    .map(|h| h.describe())
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
        ),
    ];
    for (from, note) in notes {
        if let Some(note) = note {
            writeln!(out, "<note from=\"{from}\">{}</note>", escape(&note))?;
        }
    }
    writeln!(out, "</trans-unit>")
}

pub fn write_footer(out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "</body>\n</file>\n</xliff>")
}

/// A unit read back: where it starts, and what an import needs.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReadUnit {
    pub line: u64,
    pub id: Option<String>,
    pub source_sha256: Option<String>,
    pub source: Option<String>,
    pub target: Option<String>,
    /// Why the unit cannot be imported although the XML is well formed.
    pub problem: Option<String>,
}

/// An XML error: the line it is on and what is wrong.
#[derive(Debug)]
pub struct XmlError {
    pub line: u64,
    pub message: String,
}

/// A reader that counts the line breaks of the bytes its reader consumes,
/// so that a streamed file's events know their line: the XML reader
/// consumes exactly up to the end of each event.
struct LineCounting<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> LineCounting<R> {
    /// The 1-based line of the next byte to be read.
    fn line(&self) -> u64 {
        self.newlines + 1
    }
}

impl<R: BufRead> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.newlines += newlines_in(&buf[..read]);
        Ok(read)
    }
}

impl<R: BufRead> BufRead for LineCounting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // The bytes consumed are the front of the buffer last filled, which
        // asking again returns without reading.
        if let Ok(buffered) = self.inner.fill_buf() {
            self.newlines += newlines_in(&buffered[..amount.min(buffered.len())]);
        }
        self.inner.consume(amount);
    }
}

fn newlines_in(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Which text of a unit (or of an XLIFF 2 segment) is being read.
#[derive(Debug, Clone, Copy)]
enum Field {
    Source,
    Target,
}

/// An XLIFF 2 `segment` or `ignorable` of a unit: the unit's text is theirs
/// joined in order.
#[derive(Debug, Default)]
struct Part {
    ignorable: bool,
    source: String,
    target: Option<String>,
}

/// A unit being read.
struct OpenUnit {
    unit: ReadUnit,
    /// XLIFF 2 (`unit`, text in `segment`s), not 1.2 (`trans-unit`).
    version_2: bool,
    /// Elements open inside the unit element.
    depth: usize,
    /// The XLIFF 2 part open at depth 1, and those read before it.
    part: Option<Part>,
    parts: Vec<Part>,
    /// The text element open, the depth it opened at, and its text so far.
    capture: Option<(Field, usize, String)>,
}

impl OpenUnit {
    /// Whether `name`, opening at the current depth, is the unit's own
    /// source or target: a child of a 1.2 `trans-unit`, or of a 2 `segment`
    /// or `ignorable`; never one inside `alt-trans` (a suggestion) or notes.
    fn field(&self, name: &str) -> Option<Field> {
        let level = if self.version_2 { 1 } else { 0 };
        if self.capture.is_some() || self.depth != level || (self.version_2 && self.part.is_none())
        {
            return None;
        }
        match name {
            "source" => Some(Field::Source),
            "target" => Some(Field::Target),
            _ => None,
        }
    }

    fn start(&mut self, name: &str) {
        if let Some(field) = self.field(name) {
            self.capture = Some((field, self.depth, String::new()));
        } else if self.version_2 && self.depth == 0 && matches!(name, "segment" | "ignorable") {
            self.part = Some(Part {
                ignorable: name == "ignorable",
                ..Part::default()
            });
        }
        self.depth += 1;
    }

    fn end(&mut self) {
        self.depth -= 1;
        if let Some((field, _, text)) = self.capture.take_if(|(_, at, _)| *at == self.depth) {
            self.keep(field, text);
        }
        if self.depth == 0 {
            self.parts.extend(self.part.take());
        }
    }

    fn keep(&mut self, field: Field, text: String) {
        match (self.part.as_mut(), field) {
            (Some(part), Field::Source) => part.source = text,
            (Some(part), Field::Target) => part.target = Some(text),
            (None, Field::Source) => self.unit.source = Some(text),
            (None, Field::Target) => self.unit.target = Some(text),
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((_, _, buffer)) = self.capture.as_mut() {
            buffer.push_str(text);
        }
    }

    /// The unit read; an XLIFF 2 unit's text joins its parts. A unit with
    /// some segments translated and others not keeps what was typed and
    /// says why it cannot be imported.
    fn finish(mut self) -> ReadUnit {
        if !self.version_2 {
            return self.unit;
        }
        let segments = self.parts.iter().filter(|p| !p.ignorable).count();
        let translated = self
            .parts
            .iter()
            .filter(|p| !p.ignorable && p.target.is_some())
            .count();
        self.unit.source = Some(self.parts.iter().map(|p| p.source.as_str()).collect());
        if translated == segments && translated > 0 {
            // An ignorable without a target stands for itself in the target.
            let target = self
                .parts
                .iter()
                .map(|p| p.target.as_deref().unwrap_or(&p.source));
            self.unit.target = Some(target.collect());
        } else if translated > 0 {
            // Kept, so that the rejected row still holds what was typed.
            let typed = self.parts.iter().filter(|p| !p.ignorable);
            let typed: Vec<&str> = typed.filter_map(|p| p.target.as_deref()).collect();
            self.unit.target = Some(typed.join(" "));
            self.unit.problem = Some(format!(
                "{translated} of its {segments} segments have a target: translate every segment of the unit, or none"
            ));
        }
        self.unit
    }
}

/// Calls `each` with every unit of an XLIFF document, read as a stream (a
/// file's units are never all in memory): `trans-unit`s of XLIFF 1.2, or
/// `unit`s of XLIFF 2, whose `segment`s and `ignorable`s are joined. Inline
/// markup inside `source` or `target` (`g`, `mrk`, `pc`, ...) is dropped
/// and its text kept.
pub fn read_units(reader: impl BufRead, mut each: impl FnMut(ReadUnit)) -> Result<(), XmlError> {
    let mut reader = Reader::from_reader(LineCounting {
        inner: reader,
        newlines: 0,
    });
    reader.config_mut().check_end_names = true;
    let mut buffer = Vec::new();
    let mut current: Option<OpenUnit> = None;
    let mut saw_xliff = false;
    loop {
        buffer.clear();
        let line = reader.get_ref().line();
        let event = match reader.read_event_into(&mut buffer) {
            Ok(event) => event,
            Err(e) => {
                let line = reader.get_ref().line();
                let message = match e {
                    quick_xml::Error::Encoding(_) => {
                        "not UTF-8; save the XLIFF file as UTF-8".to_string()
                    }
                    e => format!("malformed XML: {e}"),
                };
                return Err(XmlError { line, message });
            }
        };
        let error = |message: String| XmlError { line, message };
        match event {
            Event::Eof => break,
            Event::Start(start) | Event::Empty(start) if start.local_name().as_ref() == "xliff" => {
                saw_xliff = true;
            }
            Event::Start(start) if matches!(start.local_name().as_ref(), "trans-unit" | "unit") => {
                if current.is_some() {
                    return Err(error("a unit inside another one".to_string()));
                }
                let mut unit = ReadUnit {
                    line,
                    ..ReadUnit::default()
                };
                for attribute in start.attributes() {
                    let attribute =
                        attribute.map_err(|e| error(format!("malformed attribute: {e}")))?;
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| error(format!("malformed attribute value: {e}")))?
                        .into_owned();
                    match attribute.key.local_name().as_ref() {
                        "id" => unit.id = Some(value),
                        "source-sha256" => unit.source_sha256 = Some(value),
                        _ => {}
                    }
                }
                current = Some(OpenUnit {
                    unit,
                    version_2: start.local_name().as_ref() == "unit",
                    depth: 0,
                    part: None,
                    parts: Vec::new(),
                    capture: None,
                });
            }
            Event::End(_) if current.as_ref().is_some_and(|open| open.depth == 0) => {
                each(current.take().expect("a unit is open").finish());
            }
            Event::Start(start) => {
                if let Some(open) = current.as_mut() {
                    open.start(start.local_name().as_ref());
                }
            }
            Event::Empty(empty) => {
                if let Some(open) = current.as_mut() {
                    open.start(empty.local_name().as_ref());
                    open.end();
                }
            }
            Event::End(_) => {
                if let Some(open) = current.as_mut() {
                    open.end();
                }
            }
            Event::Text(text) => {
                if let Some(open) = current.as_mut() {
                    open.text(&text.xml10_content());
                }
            }
            Event::CData(cdata) => {
                if let Some(open) = current.as_mut() {
                    open.text(&cdata.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                let Some(open) = current.as_mut().filter(|open| open.capture.is_some()) else {
                    continue;
                };
                let resolved = match reference
                    .resolve_char_ref()
                    .map_err(|e| error(format!("bad character reference: {e}")))?
                {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference.xml10_content();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| error(format!("unknown entity &{name};")))?
                            .to_string()
                    }
                };
                open.text(&resolved);
            }
            _ => {}
        }
    }
    if current.is_some() {
        return Err(XmlError {
            line: reader.get_ref().line(),
            message: "the file ends inside a unit (truncated?)".to_string(),
        });
    }
    if !saw_xliff {
        return Err(XmlError {
            line: 1,
            message: "not an XLIFF document (no <xliff> element)".to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slots::Hint;

    /// The units of `xml`, read through a buffer smaller than a line, so
    /// that events span refills.
    fn units(xml: &str) -> Result<Vec<ReadUnit>, XmlError> {
        let mut units = Vec::new();
        let reader = std::io::BufReader::with_capacity(7, xml.as_bytes());
        read_units(reader, |unit| units.push(unit))?;
        Ok(units)
    }

    #[test]
    fn every_unit_knows_its_line_across_buffer_refills() {
        let xml = "<xliff>\n<file><body>\n<trans-unit id=\"a\"><source>x\ny</source>\n</trans-unit>\n\n\
                   <trans-unit id=\"b\"><source>z</source></trans-unit><trans-unit id=\"c\">\n</trans-unit>\n</body></file></xliff>";
        let lines: Vec<(Option<String>, u64)> = units(xml)
            .unwrap()
            .into_iter()
            .map(|u| (u.id, u.line))
            .collect();
        let expected =
            [("a", 3), ("b", 7), ("c", 7)].map(|(id, line)| (Some(id.to_string()), line));
        assert_eq!(lines, expected);
    }

    #[test]
    fn a_file_that_is_not_utf8_says_so_with_its_line() {
        let mut xml = b"<xliff>\n<file>\n<trans-unit id=\"a\"><source>".to_vec();
        xml.extend_from_slice(&[0xff, 0xfe]);
        xml.extend_from_slice(b"</source></trans-unit></file></xliff>");
        let error = read_units(&xml[..], |_| {}).unwrap_err();
        assert_eq!(error.line, 3, "{}", error.message);
        assert!(error.message.contains("not UTF-8"), "{}", error.message);
    }

    fn unit(target: Option<&str>, status: &str) -> Unit {
        Unit {
            sentence_id: "a#000001".into(),
            source: "قال \"بوتين\" <نعم> & لا".into(),
            source_sha256: "ab".repeat(32),
            target: target.map(str::to_string),
            status: status.into(),
            context_before: None,
            context_after: Some("بعد".into()),
            hints: vec![Hint {
                text: "بوتين".into(),
                label: "PER".into(),
                en: Some("Putin".into()),
            }],
            doc_id: "a".into(),
        }
    }

    const LANGUAGES: Languages = Languages {
        source: "ar",
        target: "en-GB",
    };

    fn document(units: &[Unit]) -> String {
        let mut out = Vec::new();
        write_header(&mut out, "seed/v0001", LANGUAGES).unwrap();
        for u in units {
            write_unit(&mut out, u, LANGUAGES).unwrap();
        }
        write_footer(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn units_read_back_as_written_with_markup_and_references() {
        let xml = document(&[unit(Some("He said \"yes\" & <no>\r\n"), "done")]);
        assert!(xml.contains("state=\"translated\""));
        assert!(xml.contains("source-language=\"ar\" target-language=\"en-GB\""));
        assert!(xml.contains("<target xml:lang=\"en-GB\""));
        let read = units(&xml).unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].id.as_deref(), Some("a#000001"));
        assert_eq!(read[0].source_sha256, Some("ab".repeat(32)));
        assert_eq!(read[0].source.as_deref(), Some("قال \"بوتين\" <نعم> & لا"));
        assert_eq!(
            read[0].target.as_deref(),
            Some("He said \"yes\" & <no>\r\n")
        );
        assert_eq!(read[0].line, 6);
    }

    #[test]
    fn an_empty_slot_has_no_target_and_a_machine_one_is_an_mt_suggestion() {
        let xml = document(&[unit(None, "empty")]);
        assert!(!xml.contains("<target"));
        assert_eq!(units(&xml).unwrap()[0].target, None);
        let xml = document(&[unit(Some("x"), "machine")]);
        assert!(xml.contains("state-qualifier=\"mt-suggestion\""));
    }

    #[test]
    fn inline_markup_in_a_target_keeps_its_text() {
        let xml = "<xliff><file><body><trans-unit id=\"x\"><source>s</source>\
                   <target>a <g id=\"1\">b</g> <mrk mtype=\"x\">c</mrk><x id=\"2\"/></target></trans-unit></body></file></xliff>";
        assert_eq!(units(xml).unwrap()[0].target.as_deref(), Some("a b c"));
    }

    #[test]
    fn an_alt_trans_suggestion_is_never_the_unit_s_source_or_target() {
        let xml = "<xliff version=\"1.2\"><file><body>\
                   <trans-unit id=\"a\"><source>s</source><target>mine</target>\
                   <alt-trans origin=\"tm\"><source>other</source><target>suggestion</target></alt-trans></trans-unit>\
                   <trans-unit id=\"b\"><source>s</source>\
                   <alt-trans><target/><target>suggestion</target></alt-trans></trans-unit></body></file></xliff>";
        let read = units(xml).unwrap();
        assert_eq!(read[0].source.as_deref(), Some("s"));
        assert_eq!(read[0].target.as_deref(), Some("mine"));
        assert_eq!(read[1].target, None);
    }

    #[test]
    fn an_xliff_2_unit_joins_its_segments_and_ignorables() {
        let xml = "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"ar\" trgLang=\"en\"><file id=\"f\">\
                   <unit id=\"a\" xmlns:tj=\"https://tarjama.dev/xliff/1\" tj:source-sha256=\"ab\">\
                   <notes><note>context</note></notes><originalData><data id=\"d1\">&lt;b&gt;</data></originalData>\
                   <segment state=\"translated\"><source>one.</source><target>One <pc id=\"1\">bold</pc>.</target></segment>\
                   <ignorable><source> </source></ignorable>\
                   <segment><source>two.</source><target>Two.</target></segment></unit>\
                   <unit id=\"b\"><segment><source>x</source></segment></unit>\
                   <unit id=\"c\"><segment><source>x.</source><target>X.</target></segment><ignorable><source> </source></ignorable>\
                   <segment><source>y.</source></segment></unit></file></xliff>";
        let read = units(xml).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].id.as_deref(), Some("a"));
        assert_eq!(read[0].source_sha256.as_deref(), Some("ab"));
        assert_eq!(read[0].source.as_deref(), Some("one. two."));
        assert_eq!(read[0].target.as_deref(), Some("One bold. Two."));
        assert_eq!(read[0].problem, None);
        assert_eq!(
            (read[1].source.as_deref(), read[1].target.as_deref()),
            (Some("x"), None)
        );
        assert_eq!(
            read[2].target.as_deref(),
            Some("X."),
            "what was typed is kept"
        );
        assert!(read[2]
            .problem
            .as_deref()
            .unwrap()
            .contains("1 of its 2 segments"));
    }

    #[test]
    fn malformed_xml_names_its_line() {
        let xml = document(&[unit(Some("x"), "done")]).replace("</target>", "</targ>");
        let error = units(&xml).unwrap_err();
        assert_eq!(error.line, 8, "{}", error.message);
        let truncated = &document(&[unit(Some("x"), "done")])[..300];
        assert!(units(truncated).is_err());
    }
}
