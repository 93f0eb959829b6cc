//! The build's audit: encodings, cleanup edits, boilerplate and duplicates,
//! gathered one document at a time.
//!
//! Duplicate detection keeps 8 bytes of each normalised hash (documents, and
//! title and body sentences), so its memory grows with the number of
//! distinct sentences (about 40 bytes each), never with their text.

use std::collections::HashMap;

use crate::model::{Audit, Role};
use crate::pipeline::DocumentRows;
use crate::split::hash_key as key;

/// Accumulates the [`Audit`] of a build.
#[derive(Debug, Default)]
pub struct Auditor {
    audit: Audit,
    documents: HashMap<u64, u32>,
    /// Per normalised sentence: the last document it was seen in, the number
    /// of documents, and the number of sentences.
    sentences: HashMap<u64, (u32, u32, u32)>,
    document_number: u32,
}

impl Auditor {
    /// Takes one document's rows into account.
    pub fn observe(&mut self, rows: &DocumentRows) {
        self.document_number += 1;
        let document = &rows.document;
        *self
            .audit
            .encodings
            .entry(document.source_encoding.clone())
            .or_default() += 1;
        let mut changed = false;
        for (kind, count) in document.changes.counts() {
            if count > 0 {
                *self.audit.changes.entry(kind.to_string()).or_default() += count as u64;
                changed = true;
            }
        }
        self.audit.documents_changed += u64::from(changed);
        *self
            .documents
            .entry(key(&document.norm_sha256))
            .or_default() += 1;
        if let Some(split) = &document.split {
            let splits = self.audit.splits.get_or_insert_with(Default::default);
            *splits.documents.entry(split.clone()).or_default() += 1;
            *splits.sentences.entry(split.clone()).or_default() += rows.sentences.len() as u64;
        }
        for sentence in &rows.sentences {
            if sentence.role == Role::Boilerplate.as_str() {
                self.audit.boilerplate_sentences += 1;
                continue;
            }
            let entry = self
                .sentences
                .entry(key(&sentence.norm_sha256))
                .or_insert((0, 0, 0));
            if entry.0 != self.document_number {
                entry.0 = self.document_number;
                entry.1 += 1;
            }
            entry.2 += 1;
        }
    }

    /// The audit of everything observed.
    pub fn finish(mut self) -> Audit {
        for &count in self.documents.values().filter(|&&c| c > 1) {
            self.audit.duplicate_document_groups += 1;
            self.audit.duplicate_documents += u64::from(count);
        }
        for &(_, documents, sentences) in self.sentences.values().filter(|(_, d, _)| *d > 1) {
            debug_assert!(documents > 1);
            self.audit.shared_sentence_groups += 1;
            self.audit.shared_sentences += u64::from(sentences);
        }
        self.audit
    }
}
