//! `tarjama entities export --format label-studio`: one Label Studio task
//! per title or body sentence, with the version's entity spans as the
//! predictions a reviewer corrects.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};

use super::{FROM_NAME, TO_NAME};
use crate::error::{IoContext, Result};
use crate::model::{Entity, Sentence};
use crate::shard::Shard;
use crate::version::{Purpose, Version};

/// Which sentences to export.
#[derive(Debug, Default)]
pub struct ExportOptions {
    /// Only sentences of these documents (all when empty).
    pub docs: Vec<String>,
    /// Only sentences of the documents of this shard, so that exports of
    /// every shard hand each document to one reviewer.
    pub shard: Option<Shard>,
    /// At most this many tasks.
    pub limit: Option<usize>,
}

/// What an export wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub tasks: u64,
    pub spans: u64,
}

/// The `model_version` of the predictions: the tool, and the NER model when it ran.
fn model_version(version: &Version) -> String {
    let tool = &version.manifest.tool;
    match &tool.ner_model {
        Some(model) => format!("{} {} ner-{}", tool.name, tool.version, &model[..12]),
        None => format!("{} {}", tool.name, tool.version),
    }
}

/// Writes the tasks as one JSON array, streaming the sentences and their
/// entities in id order; the file is written aside and renamed into place.
pub fn export(version: &Version, output: &Path, options: &ExportOptions) -> Result<ExportSummary> {
    version.check_integrity(Purpose::Export)?;
    let model_version = model_version(version);
    let mut summary = ExportSummary::default();
    crate::io::write_aside(output, |out| {
        let mut entities = version.rows::<Entity>()?.peekable();
        out.write_all(b"[").at(output)?;
        for sentence in version.rows::<Sentence>()? {
            let sentence = sentence?;
            let mut spans = Vec::new();
            while let Some(entity) = entities.next_if(|e| {
                e.as_ref()
                    .map_or(true, |e| e.sentence_id <= sentence.sentence_id)
            }) {
                let entity = entity?;
                if entity.sentence_id == sentence.sentence_id {
                    spans.push(entity);
                }
            }
            let wanted = (options.docs.is_empty() || options.docs.contains(&sentence.doc_id))
                && options
                    .shard
                    .is_none_or(|shard| shard.owns(&sentence.doc_id));
            if !sentence.translate || !wanted {
                continue;
            }
            if options
                .limit
                .is_some_and(|limit| summary.tasks as usize >= limit)
            {
                break;
            }
            let task = task(&sentence, &spans, &model_version, version.name());
            out.write_all(if summary.tasks == 0 { b"\n" } else { b",\n" })
                .at(output)?;
            serde_json::to_writer(&mut *out, &task)
                .map_err(|e| crate::Error::io(output, std::io::Error::other(e)))?;
            summary.tasks += 1;
            summary.spans += spans.len() as u64;
        }
        out.write_all(b"\n]\n").at(output)
    })?;
    Ok(summary)
}

/// A task: the sentence as `data` (with the ids and hash an import needs),
/// its spans as one prediction. Offsets are code points of the sentence.
fn task(sentence: &Sentence, spans: &[Entity], model_version: &str, version: &str) -> Value {
    let result: Vec<Value> = spans
        .iter()
        .map(|e| {
            let mut region = json!({
                "id": e.entity_id.rsplit('#').next().unwrap_or_default(),
                "from_name": FROM_NAME,
                "to_name": TO_NAME,
                "type": "labels",
                "origin": "prediction",
                "value": {
                    "start": e.start - sentence.start,
                    "end": e.end - sentence.start,
                    "text": e.text,
                    "labels": [e.label],
                },
            });
            if let Some(score) = e.score {
                region["score"] = json!(score);
            }
            region
        })
        .collect();
    json!({
        "data": {
            "text": sentence.text,
            "sentence_id": sentence.sentence_id,
            "doc_id": sentence.doc_id,
            "sentence_sha256": sentence.text_sha256,
            "version": version,
        },
        "predictions": [{"model_version": model_version, "result": result}],
    })
}
