//! Annotated sentences in the gold JSONL shape
//! `{"id", "text", "entities": [{"start", "end", "label"}]}` (code point
//! offsets into `text`), turned into tokens with BIO tags for training and
//! scored against the model's spans.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Label;
use crate::ner::features::TokenView;
use crate::ner::tags::{begin, inside, LABELS, OUTSIDE};
use crate::ner::tokens::tokens;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GoldSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldRecord {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub entities: Vec<GoldSpan>,
    /// The record's other fields, one of which may name its document.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl GoldRecord {
    /// The value of `field`, which groups consecutive records into one
    /// document; a record without it is a document of its own.
    pub fn document(&self, field: &str) -> Option<&serde_json::Value> {
        self.other.get(field)
    }
}

/// Reads every record of a JSONL file (gzip or not), naming the line of a bad one.
pub fn read_records(path: &Path) -> Result<Vec<GoldRecord>> {
    let lines = crate::io::jsonl::open_lines_sniffed(path).map_err(|e| Error::io(path, e))?;
    let mut records = Vec::new();
    for (n, line) in lines.lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: GoldRecord = serde_json::from_slice(crate::io::without_bom(line.as_bytes()))
            .map_err(|e| Error::Jsonl {
                path: path.to_path_buf(),
                line: n as u64 + 1,
                message: format!("not a record {{\"id\", \"text\", \"entities\"}}: {e}"),
            })?;
        records.push(record);
    }
    Ok(records)
}

/// A sentence's tokens with their gold tags.
#[derive(Debug, Clone)]
pub struct Example {
    pub views: Vec<TokenView>,
    pub tags: Vec<u8>,
}

/// Byte offset of every code point offset of `text`, and its end.
fn byte_offsets(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

/// The training example of a record: a token starting a span is `B-`, the
/// others inside it `I-`. Spans of other labels, and spans whose edges fall
/// inside a token, are errors naming the record.
pub fn example(record: &GoldRecord, path: &Path, line: usize) -> Result<Example> {
    let bytes = byte_offsets(&record.text);
    let ranges = tokens(&record.text);
    let mut tags = vec![OUTSIDE; ranges.len()];
    let bad = |message: String| Error::Jsonl {
        path: path.to_path_buf(),
        line: line as u64,
        message: format!("record {}: {message}", record.id),
    };
    for span in &record.entities {
        let label = Label::parse(&span.label)
            .and_then(|l| LABELS.iter().position(|&k| k == l))
            .ok_or_else(|| {
                bad(format!(
                    "label {:?} is not PER, LOC, ORG or MISC",
                    span.label
                ))
            })?;
        let (Some(&start), Some(&end)) = (bytes.get(span.start), bytes.get(span.end)) else {
            return Err(bad(format!(
                "span {}..{} is outside the text of {} characters",
                span.start,
                span.end,
                bytes.len() - 1
            )));
        };
        let first = ranges.iter().position(|r| r.start == start);
        let last = ranges.iter().position(|r| r.end == end);
        let (Some(first), Some(last)) = (first, last) else {
            return Err(bad(format!(
                "span {}..{} does not start and end on token edges",
                span.start, span.end
            )));
        };
        tags[first] = begin(label);
        for tag in &mut tags[first + 1..=last] {
            *tag = inside(label);
        }
    }
    Ok(Example {
        views: ranges
            .iter()
            .map(|r| TokenView::new(&record.text[r.clone()]))
            .collect(),
        tags,
    })
}

/// Exact-match counts of predicted spans against gold spans, per label.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, other: &Counts) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Scores per label, the way `score.py ner` counts them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    pub per_label: BTreeMap<String, Counts>,
}

impl Scores {
    /// Adds one sentence: spans match when start, end and label are equal.
    pub fn add(&mut self, gold: &[GoldSpan], predicted: &[GoldSpan]) {
        for span in gold {
            let counts = self.per_label.entry(span.label.clone()).or_default();
            if predicted.contains(span) {
                counts.true_positives += 1;
            } else {
                counts.false_negatives += 1;
            }
        }
        for span in predicted {
            if !gold.contains(span) {
                self.per_label
                    .entry(span.label.clone())
                    .or_default()
                    .false_positives += 1;
            }
        }
    }

    pub fn micro(&self) -> Counts {
        let mut total = Counts::default();
        for counts in self.per_label.values() {
            total.add(counts);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, label: &str) -> GoldSpan {
        GoldSpan {
            start,
            end,
            label: label.into(),
        }
    }

    #[test]
    fn spans_become_bio_tags_over_tokens() {
        let record = GoldRecord {
            id: "x".into(),
            text: "قال فلاديمير بوتين في موسكو .".into(),
            entities: vec![span(4, 18, "PER"), span(22, 27, "LOC")],
            other: Default::default(),
        };
        let ex = example(&record, Path::new("gold.jsonl"), 1).unwrap();
        assert_eq!(
            ex.tags,
            [OUTSIDE, begin(0), inside(0), OUTSIDE, begin(1), OUTSIDE]
        );
    }

    #[test]
    fn a_span_ending_inside_a_token_is_an_error_naming_the_record() {
        let record = GoldRecord {
            id: "r7".into(),
            text: "وإسرائيل".into(),
            entities: vec![span(1, 5, "LOC")],
            other: Default::default(),
        };
        let err = example(&record, Path::new("gold.jsonl"), 3)
            .unwrap_err()
            .to_string();
        assert!(err.contains("gold.jsonl:3") && err.contains("r7"), "{err}");
    }

    #[test]
    fn scores_count_exact_matches_per_label() {
        let mut scores = Scores::default();
        scores.add(
            &[span(0, 3, "PER"), span(5, 8, "LOC")],
            &[span(0, 3, "PER"), span(5, 9, "LOC"), span(10, 12, "ORG")],
        );
        let micro = scores.micro();
        assert_eq!(
            (
                micro.true_positives,
                micro.false_positives,
                micro.false_negatives
            ),
            (1, 2, 1)
        );
        assert_eq!(scores.per_label["PER"].f1(), 1.0);
        assert_eq!(scores.per_label["LOC"].recall(), 0.0);
    }
}
