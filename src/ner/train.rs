//! Training: a structured averaged perceptron (Collins 2002) over the
//! hashed features, with first-order tag transitions and Viterbi decoding.
//! Weights are integers during training and the average is taken once at
//! the end, so a run is exact: the same data, seed and epochs give the same
//! model bytes on every machine.

use crate::ner::clusters::Clusters;
use crate::ner::corpus_names::CorpusNames;
use crate::ner::decode::{viterbi, Emissions, Transitions};
use crate::ner::features::{mix64, token_features, GOLDEN_GAMMA};
use crate::ner::gold::Example;
use crate::ner::lexicon::{Lexicon, Names};
use crate::ner::model::{FeatureIndex, ModelInfo, NerModel};
use crate::ner::tags::TAG_COUNT;

/// The training sentences are split in this many folds for the name list.
const NAME_FOLDS: usize = 10;

#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    pub epochs: u32,
    /// Seeds the order in which sentences are visited in each epoch.
    pub seed: u64,
}

/// A weight with the bookkeeping for its running average: `total` is the
/// sum of the weight over all steps up to `stamp`.
#[derive(Debug, Clone, Copy, Default)]
struct Averaged {
    weight: i32,
    total: i64,
    stamp: u32,
}

impl Averaged {
    fn update(&mut self, step: u32, delta: i32) {
        self.total += i64::from(step - self.stamp) * i64::from(self.weight);
        self.stamp = step;
        self.weight += delta;
    }

    fn average(&self, steps: u32) -> f32 {
        let total = self.total + i64::from(steps - self.stamp) * i64::from(self.weight);
        (total as f64 / f64::from(steps.max(1))) as f32
    }
}

/// splitmix64: a small, well-known generator, enough to shuffle.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix64(self.0)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

struct Trainer {
    weights: Vec<Averaged>,
    start: [Averaged; TAG_COUNT],
    from: [[Averaged; TAG_COUNT]; TAG_COUNT],
    step: u32,
}

impl Trainer {
    fn emissions(&self, features: &[Vec<u32>]) -> Vec<Emissions> {
        features
            .iter()
            .map(|token| {
                let mut scores = [0f32; TAG_COUNT];
                for &f in token {
                    for (s, w) in scores
                        .iter_mut()
                        .zip(&self.weights[f as usize * TAG_COUNT..][..TAG_COUNT])
                    {
                        *s += w.weight as f32;
                    }
                }
                scores
            })
            .collect()
    }

    fn transitions(&self, value: impl Fn(&Averaged) -> f32) -> Transitions {
        Transitions {
            start: self.start.each_ref().map(&value),
            from: self.from.each_ref().map(|row| row.each_ref().map(&value)),
        }
    }

    /// Moves the weights towards the gold tags and away from the predicted ones.
    fn learn(&mut self, features: &[Vec<u32>], gold: &[u8], predicted: &[u8]) {
        let step = self.step;
        for (i, token) in features.iter().enumerate() {
            let (g, p) = (gold[i] as usize, predicted[i] as usize);
            let prev = i
                .checked_sub(1)
                .map(|j| (gold[j] as usize, predicted[j] as usize));
            if g == p && prev.is_none_or(|(pg, pp)| pg == pp) {
                continue;
            }
            for (tag, delta) in [(g, 1), (p, -1)] {
                for &f in token {
                    self.weights[f as usize * TAG_COUNT + tag].update(step, delta);
                }
            }
            match prev {
                None => {
                    self.start[g].update(step, 1);
                    self.start[p].update(step, -1);
                }
                Some((pg, pp)) => {
                    self.from[pg][g].update(step, 1);
                    self.from[pp][p].update(step, -1);
                }
            }
        }
    }
}

/// Trains a model; `after_epoch` sees the averaged model after each epoch
/// (to report development scores).
pub fn train(
    examples: &[Example],
    clusters: Clusters,
    corpus_names: CorpusNames,
    options: TrainOptions,
    info: ModelInfo,
    mut after_epoch: impl FnMut(u32, &NerModel),
) -> NerModel {
    // Each sentence sees the names of the other folds only, as an unseen
    // sentence will: names known from its own annotation would teach the
    // model to trust the name list more than it deserves.
    let fold_lexicons: Vec<Lexicon> = (0..NAME_FOLDS)
        .map(|fold| Lexicon {
            clusters: clusters.clone(),
            corpus_names: corpus_names.clone(),
            names: Names::from_examples(
                examples
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| k % NAME_FOLDS != fold)
                    .map(|(_, ex)| ex),
            ),
        })
        .collect();
    let lexicon = Lexicon {
        names: Names::from_examples(examples),
        clusters,
        corpus_names,
    };
    let mut index = FeatureIndex::default();
    let mut hashes = Vec::new();
    let mut scratch = Vec::new();
    let features: Vec<Vec<Vec<u32>>> = examples
        .iter()
        .enumerate()
        .map(|(k, ex)| {
            (0..ex.views.len())
                .map(|i| {
                    scratch.clear();
                    token_features(&ex.views, i, &fold_lexicons[k % NAME_FOLDS], &mut scratch);
                    scratch
                        .iter()
                        .map(|&h| {
                            *index.entry(h).or_insert_with(|| {
                                hashes.push(h);
                                (hashes.len() - 1) as u32
                            })
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut trainer = Trainer {
        weights: vec![Averaged::default(); hashes.len() * TAG_COUNT],
        start: Default::default(),
        from: Default::default(),
        step: 0,
    };
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = SplitMix(options.seed);
    let mut model = None;
    for epoch in 1..=options.epochs {
        rng.shuffle(&mut order);
        for &k in &order {
            trainer.step += 1;
            let emissions = trainer.emissions(&features[k]);
            let predicted = viterbi(&emissions, &trainer.transitions(|a| a.weight as f32));
            if predicted != examples[k].tags {
                trainer.learn(&features[k], &examples[k].tags, &predicted);
            }
        }
        let averaged = averaged_model(&trainer, &hashes, &lexicon, &info);
        after_epoch(epoch, &averaged);
        model = Some(averaged);
    }
    model.unwrap_or_else(|| averaged_model(&trainer, &hashes, &lexicon, &info))
}

/// The averaged weights, leaving out features whose weights all average to zero.
fn averaged_model(
    trainer: &Trainer,
    hashes: &[u64],
    lexicon: &Lexicon,
    info: &ModelInfo,
) -> NerModel {
    let steps = trainer.step;
    let mut kept_hashes = Vec::new();
    let mut weights = Vec::new();
    for (f, &hash) in hashes.iter().enumerate() {
        let row: Vec<f32> = trainer.weights[f * TAG_COUNT..][..TAG_COUNT]
            .iter()
            .map(|w| w.average(steps))
            .collect();
        if row.iter().any(|&w| w != 0.0) {
            kept_hashes.push(hash);
            weights.extend(row);
        }
    }
    let info = ModelInfo {
        features: kept_hashes.len(),
        ..info.clone()
    };
    NerModel::new(
        info,
        &kept_hashes,
        weights,
        trainer.transitions(|a| a.average(steps)),
        lexicon.clone(),
    )
}
