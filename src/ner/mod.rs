//! Named entities found by a trained model: PER, LOC, ORG and MISC (the
//! ANERcorp labels). A structured averaged perceptron over Arabic-aware
//! features and word clusters learnt from unlabelled news; the model file
//! ships inside the tool, so tagging needs no network.
//!
//! - [`tokens`]: tokens with byte ranges, raw or pre-tokenised text alike
//! - [`features`]: hashed features of a token in its sentence
//! - [`clusters`]: word clusters from unlabelled text; [`corpus_names`]:
//!   the names a first model found there; [`lexicon`]: both and the
//!   training names
//! - [`tags`], [`decode`]: BIO tags, Viterbi and tag probabilities
//! - [`train`]: the perceptron; [`model`]: the trained model and its file
//! - [`gold`]: annotated records, training examples and scores

pub mod clusters;
pub mod corpus_names;
pub mod decode;
pub mod features;
pub mod gold;
pub mod lexicon;
pub mod model;
pub mod repeats;
pub mod tags;
pub mod tokens;
pub mod train;

pub use model::{NerModel, TaggedSpan};

use gold::{GoldRecord, GoldSpan, Scores};

use crate::text::CharOffsets;

/// The spans of one sentence (byte ranges) in code point offsets, with
/// their scores.
pub fn in_code_points(text: &str, spans: Vec<TaggedSpan>) -> Vec<(GoldSpan, f32)> {
    let mut offsets = CharOffsets::new(text);
    spans
        .into_iter()
        .map(|span| {
            let start = offsets.char_offset(span.range.start);
            let end = offsets.char_offset(span.range.end);
            let gold = GoldSpan {
                start,
                end,
                label: span.label.as_str().to_string(),
            };
            (gold, span.score)
        })
        .collect()
}

/// Scores the model's spans against annotated records. With a
/// `document_field`, consecutive records with the same value of it are
/// tagged as the sentences of one document.
pub fn evaluate(model: &NerModel, records: &[GoldRecord], document_field: Option<&str>) -> Scores {
    use rayon::prelude::*;
    let documents: Vec<&[GoldRecord]> = match document_field {
        Some(field) => records
            .chunk_by(|a, b| a.document(field).is_some() && a.document(field) == b.document(field))
            .collect(),
        None => records.chunks(1).collect(),
    };
    let predicted: Vec<Vec<GoldSpan>> = documents
        .par_iter()
        .flat_map_iter(|document| {
            let texts: Vec<&str> = document.iter().map(|r| r.text.as_str()).collect();
            model
                .tag_document(&texts)
                .into_iter()
                .zip(texts)
                .map(|(spans, text)| {
                    in_code_points(text, spans)
                        .into_iter()
                        .map(|(s, _)| s)
                        .collect()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut scores = Scores::default();
    for (record, predicted) in records.iter().zip(&predicted) {
        scores.add(&record.entities, predicted);
    }
    scores
}
