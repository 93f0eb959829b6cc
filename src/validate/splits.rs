//! The training splits: every row's split agrees with its document's and
//! its group's, and no shared content sits in two splits (see [`crate::split`]).
//!
//! The leak check keeps 8 bytes of each distinct shared-content hash, its
//! split and its row: memory grows with distinct sentences, not with text.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::path::Path;

use super::findings::Report;
use super::rules;
use crate::model::{Document, Sentence};
use crate::settings::SplitSettings;
use crate::split::{self, Split};

/// Where a piece of shared content was first seen.
#[derive(Clone, Copy)]
struct Seen {
    split: Split,
    row: u64,
}

/// Checks the splits of one version, document by document.
pub struct SplitCheck<'a> {
    settings: &'a SplitSettings,
    sentences: HashMap<u64, Seen>,
    documents: HashMap<u64, Seen>,
}

impl<'a> SplitCheck<'a> {
    pub fn new(settings: &'a SplitSettings) -> Self {
        SplitCheck {
            settings,
            sentences: HashMap::new(),
            documents: HashMap::new(),
        }
    }

    /// Checks a document's split; returns it when the sentences should be
    /// checked against it (the version has splits and this one is sound).
    pub fn document(
        &mut self,
        document: &Document,
        row: u64,
        path: &Path,
        report: &mut Report,
    ) -> Option<Split> {
        let id = Some(document.doc_id.as_str());
        let (name, group) = match (&document.split, &document.split_group) {
            (None, None) => return None,
            (Some(name), Some(group)) => (name, group),
            _ => {
                let message = "split and split_group must both be set or both be null".to_string();
                report.add(rules::SPLIT_INCONSISTENT, path, Some(row), id, message);
                return None;
            }
        };
        let Some(split) = Split::parse(name) else {
            let message = format!("split {name:?} is not train, validation or test");
            report.add(rules::SPLIT_INCONSISTENT, path, Some(row), id, message);
            return None;
        };
        let expected = Split::of_group(group, self.settings);
        if split != expected {
            let message = format!(
                "split is {name} but group {group:?} goes to {} with the version's ratios",
                expected.as_str()
            );
            report.add(rules::SPLIT_INCONSISTENT, path, Some(row), id, message);
        }
        // A malformed hash is a `document.norm-hash` finding of its own.
        if let Some(key) = split::checked_hash_key(&document.norm_sha256) {
            let seen = Seen { split, row };
            let what = "the same normalised document text";
            leak(&mut self.documents, key, seen, what, (path, id), report);
        }
        Some(split)
    }

    /// Checks a sentence of a document whose split is `split`.
    pub fn sentence(
        &mut self,
        sentence: &Sentence,
        split: Split,
        row: u64,
        path: &Path,
        report: &mut Report,
    ) {
        let id = Some(sentence.sentence_id.as_str());
        if sentence.split.as_deref() != Some(split.as_str()) {
            let message = format!(
                "split is {:?} but its document's is {}",
                sentence.split,
                split.as_str()
            );
            report.add(rules::SPLIT_INCONSISTENT, path, Some(row), id, message);
            return;
        }
        let shared = split::is_shared_content(
            &sentence.text,
            sentence.translate,
            self.settings.min_shared_words,
        );
        // A malformed hash is a `sentence.norm-hash` finding of its own.
        let key = split::checked_hash_key(&sentence.norm_sha256).filter(|_| shared);
        if let Some(key) = key {
            let seen = Seen { split, row };
            let what = "the same normalised sentence";
            leak(&mut self.sentences, key, seen, what, (path, id), report);
        }
    }
}

/// Records where shared content was first seen, and reports it when it
/// turns up again in another split.
fn leak(
    first_seen: &mut HashMap<u64, Seen>,
    key: u64,
    seen: Seen,
    what: &str,
    (path, id): (&Path, Option<&str>),
    report: &mut Report,
) {
    let first = match first_seen.entry(key) {
        Entry::Vacant(vacant) => {
            vacant.insert(seen);
            return;
        }
        Entry::Occupied(first) => *first.get(),
    };
    if first.split != seen.split {
        let message = format!(
            "{what} is in {} (row {}) and in {} here: documents sharing content must share a split",
            first.split.as_str(),
            first.row,
            seen.split.as_str()
        );
        report.add(rules::SPLIT_LEAK, path, Some(seen.row), id, message);
    }
}
