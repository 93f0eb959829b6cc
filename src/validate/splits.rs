//! The training splits: every row's split agrees with its document's and
//! its group's, and no shared content sits in two splits (see [`crate::split`]).
//!
//! The leak check keeps 8 bytes of each distinct shared-content hash, its
//! split and its row: memory grows with distinct sentences, not with text.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::findings::Report;
use super::rules;
use crate::model::{Document, Sentence};
use crate::settings::SplitSettings;
use crate::split::{self, Split};

/// Where a piece of shared content was first seen: its split, its group
/// (hashed) and its row.
#[derive(Clone, Copy)]
struct Seen {
    split: Split,
    group: u64,
    row: u64,
}

/// A document's split and group, which its sentences are checked against.
#[derive(Clone, Copy)]
pub struct Assigned {
    split: Split,
    group: u64,
}

/// Checks the splits of one version, document by document.
pub struct SplitCheck<'a> {
    settings: &'a SplitSettings,
    sentences: HashMap<u64, Seen>,
    documents: HashMap<u64, Seen>,
    /// The hashed ids of the documents so far, which a group may be named after.
    doc_ids: HashSet<u64>,
}

impl<'a> SplitCheck<'a> {
    pub fn new(settings: &'a SplitSettings) -> Self {
        SplitCheck {
            settings,
            sentences: HashMap::new(),
            documents: HashMap::new(),
            doc_ids: HashSet::new(),
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
    ) -> Option<Assigned> {
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
        let doc_id = id_hash(&document.doc_id);
        self.doc_ids.insert(doc_id);
        let group_hash = id_hash(group);
        // Groups are named after their smallest document, which comes first.
        if group.as_str() > document.doc_id.as_str() || !self.doc_ids.contains(&group_hash) {
            let message = format!(
                "split_group {group:?} is neither this document's id nor that of a document before it; a group is named after its smallest document"
            );
            report.add(rules::SPLIT_GROUP, path, Some(row), id, message);
        }
        let seen = Seen {
            split,
            group: group_hash,
            row,
        };
        // A malformed hash is a `document.norm-hash` finding of its own.
        if let Some(key) = split::checked_hash_key(&document.norm_sha256) {
            let what = "the same normalised document text";
            leak(&mut self.documents, key, seen, what, (path, id), report);
        }
        Some(Assigned {
            split,
            group: group_hash,
        })
    }

    /// Checks a sentence of a document whose split is `split`.
    pub fn sentence(
        &mut self,
        sentence: &Sentence,
        Assigned { split, group }: Assigned,
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
            let seen = Seen { split, group, row };
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
    } else if first.group != seen.group {
        let message = format!(
            "{what} is also at row {}, whose split_group differs: documents sharing content are one group",
            first.row
        );
        report.add(rules::SPLIT_GROUP, path, Some(seen.row), id, message);
    }
}

/// A document id hashed, to remember it in 8 bytes.
fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}
