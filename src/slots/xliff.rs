//! XLIFF 1.2 (OASIS): the format CAT tools exchange. One `trans-unit` per
//! sentence, `id` = sentence id; the source hash travels in an attribute of
//! tarjama's own namespace, which XLIFF allows and tools keep; context and
//! entity hints are `note`s.

use std::io::Write;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::Unit;
use crate::io::xml::escape;
use crate::model::SlotStatus;

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
pub fn write_header(out: &mut impl Write, original: &str) -> std::io::Result<()> {
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" xmlns:tj=\"{NAMESPACE}\">\n\
         <file original=\"{}\" source-language=\"ar\" target-language=\"en\" datatype=\"plaintext\">\n\
         <header><tool tool-id=\"tarjama\" tool-name=\"tarjama\" tool-version=\"{}\"/></header>\n\
         <body>\n",
        escape(original),
        env!("CARGO_PKG_VERSION")
    )
}

pub fn write_unit(out: &mut impl Write, unit: &Unit) -> std::io::Result<()> {
    writeln!(
        out,
        "<trans-unit id=\"{}\" tj:source-sha256=\"{}\" tj:doc-id=\"{}\" xml:space=\"preserve\">",
        escape(&unit.sentence_id),
        unit.source_sha256,
        escape(&unit.doc_id)
    )?;
    writeln!(
        out,
        "<source xml:lang=\"ar\">{}</source>",
        escape(&unit.source)
    )?;
    let status = SlotStatus::parse(&unit.status).unwrap_or(SlotStatus::Empty);
    if let (Some(target), Some((state, qualifier))) = (&unit.target, state(status)) {
        let qualifier = qualifier
            .map(|q| format!(" state-qualifier=\"{q}\""))
            .unwrap_or_default();
        writeln!(
            out,
            "<target xml:lang=\"en\" state=\"{state}\"{qualifier}>{}</target>",
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

/// A `trans-unit` read back: where it starts, and what an import needs.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReadUnit {
    pub line: u64,
    pub id: Option<String>,
    pub source_sha256: Option<String>,
    pub source: Option<String>,
    pub target: Option<String>,
}

/// An XML error: the line it is on and what is wrong.
#[derive(Debug)]
pub struct XmlError {
    pub line: u64,
    pub message: String,
}

/// Line numbers of byte offsets, counted on from the last offset asked for:
/// the reader's offsets only grow, so a whole file costs one pass (counting
/// from the start each time made a large file's import quadratic).
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            counted_to: 0,
            line: 1,
        }
    }

    /// The 1-based line of the byte at `offset` (past the end: the last line).
    fn line_at(&mut self, offset: u64) -> u64 {
        let offset = (offset as usize).min(self.bytes.len());
        if offset < self.counted_to {
            self.counted_to = 0;
            self.line = 1;
        }
        let newlines = self.bytes[self.counted_to..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines as u64;
        self.counted_to = offset;
        self.line
    }
}

/// Every `trans-unit` of an XLIFF document. Inline markup inside `source`
/// or `target` (`g`, `mrk`, ...) is dropped and its text kept.
pub fn read_units(xml: &str) -> Result<Vec<ReadUnit>, XmlError> {
    let mut lines = LineCounter::new(xml);
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut units = Vec::new();
    let mut current: Option<ReadUnit> = None;
    // Which text element of the unit is open, and how deep inside it we are.
    let mut capture: Option<(&'static str, usize, String)> = None;
    let mut saw_xliff = false;
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| XmlError {
            line: lines.line_at(reader.error_position()),
            message: format!("malformed XML: {e}"),
        })?;
        let line = lines.line_at(position);
        let error = |message: String| XmlError { line, message };
        match event {
            Event::Eof => break,
            Event::Start(start) | Event::Empty(start) if start.local_name().as_ref() == "xliff" => {
                saw_xliff = true;
            }
            Event::Start(start) if start.local_name().as_ref() == "trans-unit" => {
                if current.is_some() {
                    return Err(error("a trans-unit inside another one".to_string()));
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
                current = Some(unit);
            }
            Event::End(end) if end.local_name().as_ref() == "trans-unit" => {
                units.extend(current.take());
            }
            Event::Start(start) => {
                if let Some((_, depth, _)) = capture.as_mut() {
                    *depth += 1;
                } else if current.is_some() {
                    capture = match start.local_name().as_ref() {
                        "source" => Some(("source", 0, String::new())),
                        "target" => Some(("target", 0, String::new())),
                        _ => None,
                    };
                }
            }
            Event::End(_) => {
                if let Some((field, depth, _)) = capture.as_mut() {
                    if *depth > 0 {
                        *depth -= 1;
                    } else {
                        let field = *field;
                        let (_, _, text) = capture.take().expect("capture is open");
                        if let Some(unit) = current.as_mut() {
                            match field {
                                "source" => unit.source = Some(text),
                                _ => unit.target = Some(text),
                            }
                        }
                    }
                }
            }
            // `<target/>` is an empty target.
            Event::Empty(empty) if capture.is_none() && empty.local_name().as_ref() == "target" => {
                if let Some(unit) = current.as_mut() {
                    unit.target = Some(String::new());
                }
            }
            Event::Text(text) => {
                if let Some((_, _, buffer)) = capture.as_mut() {
                    buffer.push_str(&text.xml10_content());
                }
            }
            Event::CData(cdata) => {
                if let Some((_, _, buffer)) = capture.as_mut() {
                    buffer.push_str(&cdata.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                if let Some((_, _, buffer)) = capture.as_mut() {
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
                    buffer.push_str(&resolved);
                }
            }
            _ => {}
        }
    }
    if current.is_some() {
        return Err(XmlError {
            line: lines.line_at(xml.len() as u64),
            message: "the file ends inside a trans-unit (truncated?)".to_string(),
        });
    }
    if !saw_xliff {
        return Err(XmlError {
            line: 1,
            message: "not an XLIFF document (no <xliff> element)".to_string(),
        });
    }
    Ok(units)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slots::Hint;

    #[test]
    fn lines_are_counted_forwards_and_again_after_a_step_back() {
        let mut lines = LineCounter::new("a\nb\n\nc");
        let asked = [(0, 1), (2, 2), (5, 4), (3, 2), (99, 4), (1, 1)];
        for (offset, line) in asked {
            assert_eq!(lines.line_at(offset), line, "offset {offset}");
        }
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

    fn document(units: &[Unit]) -> String {
        let mut out = Vec::new();
        write_header(&mut out, "seed/v0001").unwrap();
        for u in units {
            write_unit(&mut out, u).unwrap();
        }
        write_footer(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn units_read_back_as_written_with_markup_and_references() {
        let xml = document(&[unit(Some("He said \"yes\" & <no>\r\n"), "done")]);
        assert!(xml.contains("state=\"translated\""));
        let read = read_units(&xml).unwrap();
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
        assert_eq!(read_units(&xml).unwrap()[0].target, None);
        let xml = document(&[unit(Some("x"), "machine")]);
        assert!(xml.contains("state-qualifier=\"mt-suggestion\""));
    }

    #[test]
    fn inline_markup_in_a_target_keeps_its_text() {
        let xml = "<xliff><file><body><trans-unit id=\"x\"><source>s</source>\
                   <target>a <g id=\"1\">b</g> <mrk mtype=\"x\">c</mrk><x id=\"2\"/></target></trans-unit></body></file></xliff>";
        assert_eq!(read_units(xml).unwrap()[0].target.as_deref(), Some("a b c"));
    }

    #[test]
    fn malformed_xml_names_its_line() {
        let xml = document(&[unit(Some("x"), "done")]).replace("</target>", "</targ>");
        let error = read_units(&xml).unwrap_err();
        assert_eq!(error.line, 8, "{}", error.message);
        let truncated = &document(&[unit(Some("x"), "done")])[..300];
        assert!(read_units(truncated).is_err());
    }
}
