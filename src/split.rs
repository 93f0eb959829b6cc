//! Training splits that do not leak: every document goes to train,
//! validation or test, and documents that share content go together.
//!
//! Two documents share content when they hold the same normalised title or
//! body sentence of at least `min_shared_words` words (syndicated wire copy,
//! a story updated under a new id), or the same normalised text as a whole.
//! Sharing is transitive, so the groups are the connected components, found
//! with a union-find over document numbers in id order: a group's key is its
//! first (smallest) `doc_id`, and its split comes from the sha256 of that
//! key, so a rebuild keeps every document's split unless its group changed.
//!
//! The build needs every group before it writes its first row, so it reads
//! the inputs twice: a first pass splits them into sentences and keeps 8
//! bytes of each shared-content hash (about 16 bytes per distinct sentence
//! and 12 per document, never any text), then the real pass writes the rows.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::settings::SplitSettings;

/// A training split, named as Hugging Face names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Split {
    Train,
    Validation,
    Test,
}

impl Split {
    pub const ALL: [Split; 3] = [Split::Train, Split::Validation, Split::Test];

    pub fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }

    pub fn parse(s: &str) -> Option<Split> {
        Split::ALL.into_iter().find(|split| split.as_str() == s)
    }

    /// The split of a group whose first document is `group_key`: the first
    /// 8 bytes of sha256("tarjama-split\0" + key), read as a fraction of
    /// 2^64, against the cumulative ratios train, validation, test.
    pub fn of_group(group_key: &str, settings: &SplitSettings) -> Split {
        let mut hasher = Sha256::new();
        hasher.update(b"tarjama-split\0");
        hasher.update(group_key.as_bytes());
        let digest = hasher.finalize();
        let prefix = u64::from_be_bytes(digest[..8].try_into().expect("a sha256 has 32 bytes"));
        let fraction = prefix as f64 / 18_446_744_073_709_551_616.0;
        if fraction < settings.train {
            Split::Train
        } else if fraction < settings.train + settings.validation {
            Split::Validation
        } else {
            Split::Test
        }
    }
}

/// Whether a sentence is content whose repetition in two splits is a leak:
/// a title or body sentence (`translate`) of at least `min_words` words, a
/// word being a whitespace-separated token with a letter in it.
pub fn is_shared_content(text: &str, translate: bool, min_words: u32) -> bool {
    translate
        && text
            .split_whitespace()
            .filter(|word| word.chars().any(crate::text::arabic::is_letter))
            .take(min_words as usize)
            .count()
            >= min_words as usize
}

/// The first 8 bytes of a hex sha256 this tool computed, as a hash-map key.
pub fn hash_key(hex: &str) -> u64 {
    checked_hash_key(hex).expect("sha256 hex digests are hex")
}

/// [`hash_key`] of a hash read from a dataset, which may be malformed.
pub fn checked_hash_key(hex: &str) -> Option<u64> {
    let first = hex
        .get(..16)
        .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    u64::from_str_radix(first, 16).ok()
}

/// What the grouping needs of one document: its id and the keys of its
/// shared content (its shared-content sentences' and its own normalised hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentKeys {
    pub doc_id: String,
    pub keys: Vec<u64>,
}

impl ContentKeys {
    /// The keys of a document: the normalised hash of each of its sentences
    /// (text, translate, `norm_sha256`) that is shared content, and its own
    /// `norm_sha256`.
    pub fn new<'a>(
        doc_id: String,
        sentences: impl Iterator<Item = (&'a str, bool, &'a str)>,
        document_norm_sha256: &str,
        min_words: u32,
    ) -> Self {
        let mut keys: Vec<u64> = sentences
            .filter(|(text, translate, _)| is_shared_content(text, *translate, min_words))
            .map(|(_, _, norm)| hash_key(norm))
            .collect();
        keys.push(hash_key(document_norm_sha256));
        ContentKeys { doc_id, keys }
    }
}

/// Builds the groups from the documents' content keys, in id order.
#[derive(Debug, Default)]
pub struct Grouper {
    /// Union-find parents; a root is always its group's smallest number.
    parent: Vec<u32>,
    /// A hash of each document's id, to check that the second pass reads
    /// the same documents in the same order.
    doc_ids: Vec<u64>,
    /// Per content key, the first document holding it.
    owners: HashMap<u64, u32>,
}

impl Grouper {
    pub fn add(&mut self, document: &ContentKeys) {
        let number = self.parent.len() as u32;
        self.parent.push(number);
        self.doc_ids
            .push(hash_key(&crate::pipeline::sha256_hex(&document.doc_id)));
        for &key in &document.keys {
            match self.owners.entry(key) {
                Entry::Vacant(vacant) => {
                    vacant.insert(number);
                }
                Entry::Occupied(owner) => {
                    let owner = *owner.get();
                    self.union(owner, number);
                }
            }
        }
    }

    fn root(&mut self, mut n: u32) -> u32 {
        while self.parent[n as usize] != n {
            let grandparent = self.parent[self.parent[n as usize] as usize];
            self.parent[n as usize] = grandparent;
            n = grandparent;
        }
        n
    }

    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.root(a), self.root(b));
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        self.parent[high as usize] = low;
    }

    /// The groups, ready to assign splits in the second pass.
    pub fn finish(mut self, settings: &SplitSettings) -> Grouping {
        let mut sizes: HashMap<u32, u32> = HashMap::new();
        for n in 0..self.parent.len() as u32 {
            let root = self.root(n);
            self.parent[n as usize] = root;
            *sizes.entry(root).or_default() += 1;
        }
        sizes.retain(|_, size| *size > 1);
        Grouping {
            roots: self.parent,
            doc_ids: self.doc_ids,
            shared: sizes,
            settings: settings.clone(),
            shared_keys: HashMap::new(),
            next: 0,
        }
    }
}

/// The groups of a build's documents; hands out each document's split and
/// group key as the second pass writes the documents, in the same order.
#[derive(Debug)]
pub struct Grouping {
    roots: Vec<u32>,
    doc_ids: Vec<u64>,
    /// Sizes of the groups of more than one document, by root.
    shared: HashMap<u32, u32>,
    settings: SplitSettings,
    /// The keys of the groups of more than one document seen so far.
    shared_keys: HashMap<u32, String>,
    next: u32,
}

/// A document's place: its split and its group's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub split: Split,
    pub group: String,
}

impl Grouping {
    /// The split and group of the next document, which must be `doc_id`.
    pub fn assign(&mut self, doc_id: &str) -> Result<Assignment> {
        let n = self.next;
        self.next += 1;
        let expected = self.doc_ids.get(n as usize).copied();
        if expected != Some(hash_key(&crate::pipeline::sha256_hex(doc_id))) {
            return Err(Error::Usage(format!(
                "document {doc_id:?} was not read in the first pass over the inputs: \
                 the raw files changed during the build; build again"
            )));
        }
        let root = self.roots[n as usize];
        let group = if root == n {
            if self.shared.contains_key(&n) {
                self.shared_keys.insert(n, doc_id.to_string());
            }
            doc_id.to_string()
        } else {
            self.shared_keys[&root].clone()
        };
        Ok(Assignment {
            split: Split::of_group(&group, &self.settings),
            group,
        })
    }

    /// Groups of more than one document, and the documents in them.
    pub fn shared_groups(&self) -> (u64, u64) {
        let documents = self.shared.values().map(|&size| u64::from(size)).sum();
        (self.shared.len() as u64, documents)
    }

    /// All groups, singletons included.
    pub fn groups(&self) -> u64 {
        let grouped: u64 = self.shared.values().map(|&size| u64::from(size)).sum();
        self.roots.len() as u64 - grouped + self.shared.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn keys(doc_id: &str, keys: &[u64]) -> ContentKeys {
        ContentKeys {
            doc_id: doc_id.to_string(),
            keys: keys.to_vec(),
        }
    }

    #[test]
    fn documents_sharing_content_transitively_share_a_group_keyed_by_the_first() {
        let mut grouper = Grouper::default();
        for document in [
            keys("a", &[1]),
            keys("b", &[2]),
            keys("c", &[3, 2]),
            keys("d", &[1, 3]),
            keys("e", &[4]),
        ] {
            grouper.add(&document);
        }
        let mut grouping = grouper.finish(&SplitSettings::default());
        let groups: Vec<String> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|id| grouping.assign(id).unwrap().group)
            .collect();
        // b and c share 2, then d joins a and c: all four are one group, keyed by a.
        assert_eq!(groups, ["a", "a", "a", "a", "e"].map(String::from));
        assert_eq!(grouping.shared_groups(), (1, 4));
        assert_eq!(grouping.groups(), 2);
    }

    #[test]
    fn a_document_read_out_of_order_in_the_second_pass_is_an_error() {
        let mut grouper = Grouper::default();
        grouper.add(&keys("a", &[]));
        grouper.add(&keys("b", &[]));
        let mut grouping = grouper.finish(&SplitSettings::default());
        assert!(grouping.assign("b").is_err());
    }

    #[test]
    fn splits_follow_the_ratios() {
        let settings = SplitSettings::default();
        let mut counts = BTreeMap::new();
        for i in 0..10_000 {
            *counts
                .entry(Split::of_group(&format!("doc-{i}"), &settings))
                .or_insert(0) += 1;
        }
        assert!(
            (7_700..8_300).contains(&counts[&Split::Train]),
            "{counts:?}"
        );
        assert!(
            (800..1_200).contains(&counts[&Split::Validation]),
            "{counts:?}"
        );
        assert!((800..1_200).contains(&counts[&Split::Test]), "{counts:?}");
        let all_test = SplitSettings {
            train: 0.0,
            validation: 0.0,
            test: 1.0,
            ..settings
        };
        assert_eq!(Split::of_group("doc-1", &all_test), Split::Test);
    }

    #[test]
    fn short_or_boilerplate_sentences_are_not_shared_content() {
        assert!(!is_shared_content("ألف مبروك.", true, 4));
        assert!(!is_shared_content("// انتهى //", true, 4));
        assert!(!is_shared_content("الرياض 26 شوال 1436", true, 4));
        assert!(is_shared_content("وقد أعد مرسوم ملكي بذلك.", true, 4));
        assert!(!is_shared_content("وقد أعد مرسوم ملكي بذلك.", false, 4));
    }
}
