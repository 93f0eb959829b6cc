//! Training: a structured averaged perceptron (Collins 2002) over the
//! hashed features, with first-order tag transitions and Viterbi decoding.
//! Several perceptrons are trained side by side, each visiting the
//! sentences in its own order, and the model is the mean of their averaged
//! weights: one order's luck (which names it saw last) then matters less.
//! Weights are integers during training and the averages are taken once at
//! the end, in a fixed order, so training is exact: the same data, seed,
//! epochs and runs give the same model bytes on every machine and any
//! number of threads.

use rayon::prelude::*;

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
    /// Perceptrons trained side by side and averaged (at least one).
    pub runs: u32,
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

    fn average(&self, steps: u32) -> f64 {
        let total = self.total + i64::from(steps - self.stamp) * i64::from(self.weight);
        total as f64 / f64::from(steps.max(1))
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

/// One perceptron with its own order of the sentences.
struct Trainer {
    weights: Vec<Averaged>,
    start: [Averaged; TAG_COUNT],
    from: [[Averaged; TAG_COUNT]; TAG_COUNT],
    step: u32,
    order: Vec<usize>,
    rng: SplitMix,
}

impl Trainer {
    fn new(features: usize, sentences: usize, seed: u64) -> Self {
        Trainer {
            weights: vec![Averaged::default(); features * TAG_COUNT],
            start: Default::default(),
            from: Default::default(),
            step: 0,
            order: (0..sentences).collect(),
            rng: SplitMix(seed),
        }
    }

    /// One pass over the sentences in a new order.
    fn epoch(&mut self, features: &[Vec<Vec<u32>>], examples: &[Example]) {
        self.rng.shuffle(&mut self.order);
        for i in 0..self.order.len() {
            let k = self.order[i];
            self.step += 1;
            let emissions = self.emissions(&features[k]);
            let predicted = viterbi(&emissions, &self.transitions(|a| a.weight as f32));
            if predicted != examples[k].tags {
                self.learn(&features[k], &examples[k].tags, &predicted);
            }
        }
    }

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
    // Run 0 keeps the seed itself; the others step away from it as splitmix64 does.
    let mut trainers: Vec<Trainer> = (0..u64::from(options.runs.max(1)))
        .map(|run| {
            let seed = options.seed.wrapping_add(run.wrapping_mul(GOLDEN_GAMMA));
            Trainer::new(hashes.len(), examples.len(), seed)
        })
        .collect();
    let mut model = None;
    for epoch in 1..=options.epochs {
        trainers
            .par_iter_mut()
            .for_each(|trainer| trainer.epoch(&features, examples));
        let averaged = averaged_model(&trainers, &hashes, &lexicon, &info);
        after_epoch(epoch, &averaged);
        model = Some(averaged);
    }
    model.unwrap_or_else(|| averaged_model(&trainers, &hashes, &lexicon, &info))
}

/// The mean of the trainers' averaged weights, leaving out features whose
/// weights all average to zero.
fn averaged_model(
    trainers: &[Trainer],
    hashes: &[u64],
    lexicon: &Lexicon,
    info: &ModelInfo,
) -> NerModel {
    let mean = |value: &dyn Fn(&Trainer) -> &Averaged| -> f32 {
        let sum: f64 = trainers.iter().map(|t| value(t).average(t.step)).sum();
        (sum / trainers.len() as f64) as f32
    };
    let mut kept_hashes = Vec::new();
    let mut weights = Vec::new();
    for (f, &hash) in hashes.iter().enumerate() {
        let row: [f32; TAG_COUNT] =
            std::array::from_fn(|tag| mean(&|t| &t.weights[f * TAG_COUNT + tag]));
        if row.iter().any(|&w| w != 0.0) {
            kept_hashes.push(hash);
            weights.extend(row);
        }
    }
    let transitions = Transitions {
        start: std::array::from_fn(|tag| mean(&|t| &t.start[tag])),
        from: std::array::from_fn(|prev| std::array::from_fn(|tag| mean(&|t| &t.from[prev][tag]))),
    };
    let info = ModelInfo {
        features: kept_hashes.len(),
        ..info.clone()
    };
    NerModel::new(info, &kept_hashes, weights, transitions, lexicon.clone())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ner::gold::{example, GoldRecord, GoldSpan};

    fn examples() -> Vec<Example> {
        let record = |text: &str, start, end, label: &str| GoldRecord {
            id: "x".into(),
            text: text.into(),
            entities: vec![GoldSpan {
                start,
                end,
                label: label.into(),
            }],
            other: Default::default(),
        };
        [
            record("قال فلاديمير بوتين امس .", 4, 18, "PER"),
            record("وصل الوفد الى موسكو امس .", 14, 19, "LOC"),
            record("اعلنت الامم المتحده انها سترسل قوات .", 6, 19, "ORG"),
            record("قال بوتين في موسكو .", 4, 9, "PER"),
        ]
        .iter()
        .map(|r| example(r, Path::new("toy.jsonl"), 1).unwrap())
        .collect()
    }

    fn trained(examples: &[Example], seed: u64, runs: u32) -> NerModel {
        let info = ModelInfo {
            labels: Vec::new(),
            train_sha256: String::new(),
            train_sentences: examples.len(),
            train_tokens: 0,
            epochs: 3,
            seed,
            runs,
            clusters_sha256: None,
            features: 0,
        };
        let options = TrainOptions {
            epochs: 3,
            seed,
            runs,
        };
        let (clusters, names) = (Clusters::empty(), CorpusNames::default());
        train(examples, clusters, names, options, info, |_, _| {})
    }

    #[test]
    fn a_model_of_two_runs_is_the_mean_of_the_runs_alone() {
        let examples = examples();
        let first = trained(&examples, 7, 1);
        let second = trained(&examples, 7u64.wrapping_add(GOLDEN_GAMMA), 1);
        let both = trained(&examples, 7, 2);
        let close = |mean: f32, a: f32, b: f32| (mean - (a + b) / 2.0).abs() < 1e-5;
        let [a, b, m] = [&first, &second, &both].map(|model| model.transitions().clone());
        for tag in 0..TAG_COUNT {
            assert!(
                close(m.start[tag], a.start[tag], b.start[tag]),
                "start {tag}"
            );
            for next in 0..TAG_COUNT {
                let (x, y) = (a.from[tag][next], b.from[tag][next]);
                assert!(close(m.from[tag][next], x, y), "{tag} -> {next}");
            }
        }
        let mut hashes = Vec::new();
        token_features(&examples[0].views, 1, &both.lexicon().clone(), &mut hashes);
        let zeros = [0f32; TAG_COUNT];
        for hash in hashes {
            let of = |model: &NerModel| {
                model
                    .weights_of(hash)
                    .map_or(zeros, |w| w.try_into().unwrap())
            };
            let (x, y, mean) = (of(&first), of(&second), of(&both));
            assert!(
                (0..TAG_COUNT).all(|t| close(mean[t], x[t], y[t])),
                "{hash:x}"
            );
        }
        assert_ne!(
            first.to_bytes(),
            second.to_bytes(),
            "the runs see different orders"
        );
    }
}
