//! Word clusters learnt from unlabelled text, so that a name never seen in
//! the annotated data still looks like the names it shares contexts with.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::Result;
use crate::ner::features::{mix64, TokenView, GOLDEN_GAMMA};
use crate::ner::model::{read_word_map, write_word_map, Reader, WordMap};
use crate::ner::tokens::tokens;

/// Each word's cluster at every granularity, coarse to fine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clusters {
    levels: usize,
    of_word: WordMap<Vec<u16>>,
}

impl Clusters {
    pub fn empty() -> Self {
        Clusters::default()
    }

    pub fn from_assignments(levels: usize, of_word: WordMap<Vec<u16>>) -> Self {
        debug_assert!(of_word.values().all(|ids| ids.len() == levels));
        Clusters { levels, of_word }
    }

    pub fn len(&self) -> usize {
        self.of_word.len()
    }

    pub fn is_empty(&self) -> bool {
        self.of_word.is_empty()
    }

    /// The clusters of a word in matching form, if it was seen often enough.
    pub fn of(&self, word: &str) -> Option<&[u16]> {
        self.of_word.get(word).map(Vec::as_slice)
    }

    /// Appends `u32 levels`, then the words with `levels × u16` each.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.levels as u32).to_le_bytes());
        write_word_map(&self.of_word, out, |ids, out| {
            for id in ids {
                out.extend_from_slice(&id.to_le_bytes());
            }
        });
    }

    pub fn read(r: &mut Reader) -> Result<Clusters> {
        let levels = r.u32()? as usize;
        let of_word = read_word_map(r, |r| (0..levels).map(|_| r.u16()).collect())?;
        Ok(Clusters { levels, of_word })
    }
}

/// How clusters are learnt: words seen at least `min_count` times (the
/// `max_words` most frequent of them) are described by the words to their
/// left and right (the `context_words` most frequent), weighted by positive
/// pointwise mutual information and randomly projected to `dimensions`;
/// spherical k-means then groups them into `sizes[0]` clusters, and the
/// cluster centres again into each coarser size.
#[derive(Debug, Clone)]
pub struct LearnOptions {
    pub min_count: u32,
    pub max_words: usize,
    pub context_words: usize,
    pub dimensions: usize,
    pub sizes: Vec<usize>,
    pub iterations: usize,
    pub seed: u64,
}

impl Default for LearnOptions {
    fn default() -> Self {
        LearnOptions {
            min_count: 5,
            max_words: 100_000,
            context_words: 2_000,
            dimensions: 128,
            sizes: vec![1024, 256, 64],
            iterations: 12,
            seed: 1,
        }
    }
}

/// Counts of stems and of neighbouring stem pairs, fed one text at a time so
/// the corpus is never held whole.
#[derive(Debug, Default)]
pub struct Cooccurrences {
    ids: HashMap<String, u32>,
    counts: Vec<u64>,
    /// (left id, right id) of adjacent tokens, counted.
    pairs: HashMap<u64, u32>,
}

impl Cooccurrences {
    pub fn add_text(&mut self, text: &str) {
        let mut prev: Option<u32> = None;
        for range in tokens(text) {
            let view = TokenView::new(&text[range]);
            let stem = view.stem();
            let id = match self.ids.get(stem) {
                Some(&id) => id,
                None => {
                    let id = self.counts.len() as u32;
                    self.ids.insert(stem.to_string(), id);
                    self.counts.push(0);
                    id
                }
            };
            self.counts[id as usize] += 1;
            if let Some(p) = prev {
                *self
                    .pairs
                    .entry(u64::from(p) << 32 | u64::from(id))
                    .or_default() += 1;
            }
            prev = Some(id);
        }
    }

    /// Groups the frequent words into clusters.
    pub fn learn(self, options: &LearnOptions) -> Clusters {
        // Ranks by frequency, ties broken by the word, so the result does
        // not depend on hash map order.
        let mut words: Vec<(&String, u32)> = self.ids.iter().map(|(w, &id)| (w, id)).collect();
        words.sort_unstable_by(|a, b| {
            self.counts[b.1 as usize]
                .cmp(&self.counts[a.1 as usize])
                .then_with(|| a.0.cmp(b.0))
        });
        let rank_of: HashMap<u32, usize> = words
            .iter()
            .enumerate()
            .map(|(r, (_, id))| (*id, r))
            .collect();
        let clustered = words
            .iter()
            .take(options.max_words)
            .take_while(|(_, id)| self.counts[*id as usize] >= u64::from(options.min_count))
            .count();
        if clustered == 0 {
            return Clusters::empty();
        }
        let dims = options.dimensions;
        let context = options.context_words;
        // A fixed random ±1 direction per context feature (left word j is
        // feature j, right word j is feature context + j).
        let direction = |feature: usize, d: usize| -> f32 {
            let bits = mix64(
                (options.seed ^ ((feature as u64) << 20 | d as u64)).wrapping_add(GOLDEN_GAMMA),
            );
            if bits & 1 == 0 {
                1.0
            } else {
                -1.0
            }
        };
        let total: f64 = self.pairs.values().map(|&c| f64::from(c)).sum();
        let mut vectors = vec![0f32; clustered * dims];
        let mut pairs: Vec<(u64, u32)> = self.pairs.into_iter().collect();
        pairs.sort_unstable();
        for (key, count) in pairs {
            let (left, right) = ((key >> 32) as u32, key as u32);
            let (left_rank, right_rank) = (rank_of[&left], rank_of[&right]);
            let pmi = |word: u32, other: u32| {
                (f64::from(count) * total
                    / (self.counts[word as usize] as f64 * self.counts[other as usize] as f64))
                    .ln()
            };
            // The right word sees `left` as its left context, and the reverse.
            if right_rank < clustered && left_rank < context {
                let weight = pmi(right, left);
                if weight > 0.0 {
                    let v = &mut vectors[right_rank * dims..][..dims];
                    for (d, x) in v.iter_mut().enumerate() {
                        *x += weight as f32 * direction(left_rank, d);
                    }
                }
            }
            if left_rank < clustered && right_rank < context {
                let weight = pmi(left, right);
                if weight > 0.0 {
                    let v = &mut vectors[left_rank * dims..][..dims];
                    for (d, x) in v.iter_mut().enumerate() {
                        *x += weight as f32 * direction(context + right_rank, d);
                    }
                }
            }
        }
        vectors.par_chunks_mut(dims).for_each(normalise);
        let finest = kmeans(&vectors, dims, options.sizes[0], options.iterations);
        let mut levels = vec![finest.assignment];
        let mut centres = finest.centres;
        for &size in &options.sizes[1..] {
            let coarser = kmeans(&centres, dims, size, options.iterations);
            let previous = levels.last().expect("the finest level exists");
            levels.push(
                previous
                    .iter()
                    .map(|&c| coarser.assignment[c as usize])
                    .collect(),
            );
            centres = coarser.centres;
        }
        // Coarse to fine, as the features read them.
        levels.reverse();
        let of_word = words[..clustered]
            .iter()
            .enumerate()
            .map(|(rank, (word, _))| ((*word).clone(), levels.iter().map(|l| l[rank]).collect()))
            .collect();
        Clusters::from_assignments(levels.len(), of_word)
    }
}

fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

struct KMeans {
    assignment: Vec<u16>,
    centres: Vec<f32>,
}

/// Spherical k-means on unit rows, started from rows spread evenly over
/// the input order (by frequency rank), so runs are repeatable. Each row's
/// assignment is independent and the centres are summed in row order, so
/// the result does not depend on the number of threads.
fn kmeans(rows: &[f32], dims: usize, k: usize, iterations: usize) -> KMeans {
    let n = rows.len() / dims;
    let k = k.min(n).max(1);
    let mut centres: Vec<f32> = (0..k)
        .flat_map(|c| rows[(c * n / k) * dims..][..dims].iter().copied())
        .collect();
    let mut assignment = vec![0u16; n];
    for _ in 0..iterations {
        assignment = rows
            .par_chunks(dims)
            .map(|row| {
                let mut best = (0usize, f32::NEG_INFINITY);
                for (c, centre) in centres.chunks(dims).enumerate() {
                    let dot: f32 = row.iter().zip(centre).map(|(a, b)| a * b).sum();
                    if dot > best.1 {
                        best = (c, dot);
                    }
                }
                best.0 as u16
            })
            .collect();
        let mut sums = vec![0f32; k * dims];
        for (row, &c) in rows.chunks(dims).zip(&assignment) {
            for (s, x) in sums[c as usize * dims..][..dims].iter_mut().zip(row) {
                *s += x;
            }
        }
        for (c, centre) in sums.chunks_mut(dims).enumerate() {
            if centre.iter().all(|&x| x == 0.0) {
                // An empty cluster keeps its old centre.
                centre.copy_from_slice(&centres[c * dims..][..dims]);
            }
            normalise(centre);
        }
        centres = sums;
    }
    KMeans {
        assignment,
        centres,
    }
}
