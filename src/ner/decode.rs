//! Best tag sequence (Viterbi) and per-token tag probabilities
//! (forward-backward) of a linear-chain model, given each token's tag
//! scores and the tag transition scores. The BIO constraint is hard: a
//! sequence with an `I-X` that continues nothing is never returned.

use crate::ner::tags::{allowed, TAG_COUNT};

/// Per-token scores, one per tag.
pub type Emissions = [f32; TAG_COUNT];

/// Transition scores: `from[prev][next]`, and `start[next]` at the sentence start.
#[derive(Debug, Clone, PartialEq)]
pub struct Transitions {
    pub start: [f32; TAG_COUNT],
    pub from: [[f32; TAG_COUNT]; TAG_COUNT],
}

impl Transitions {
    pub fn zero() -> Self {
        Transitions {
            start: [0.0; TAG_COUNT],
            from: [[0.0; TAG_COUNT]; TAG_COUNT],
        }
    }

    fn score(&self, prev: Option<usize>, next: usize) -> f32 {
        if !allowed(prev.map(|p| p as u8), next as u8) {
            return f32::NEG_INFINITY;
        }
        match prev {
            None => self.start[next],
            Some(p) => self.from[p][next],
        }
    }
}

/// The highest-scoring allowed tag sequence.
pub fn viterbi(emissions: &[Emissions], transitions: &Transitions) -> Vec<u8> {
    let n = emissions.len();
    if n == 0 {
        return Vec::new();
    }
    let mut best = vec![[0f32; TAG_COUNT]; n];
    let mut back = vec![[0u8; TAG_COUNT]; n];
    for t in 0..TAG_COUNT {
        best[0][t] = transitions.score(None, t) + emissions[0][t];
    }
    for i in 1..n {
        for t in 0..TAG_COUNT {
            let (mut arg, mut max) = (0, f32::NEG_INFINITY);
            for (p, previous) in best[i - 1].iter().enumerate() {
                let s = previous + transitions.score(Some(p), t);
                if s > max {
                    (arg, max) = (p, s);
                }
            }
            best[i][t] = max + emissions[i][t];
            back[i][t] = arg as u8;
        }
    }
    let mut tag = (0..TAG_COUNT)
        .fold((0, f32::NEG_INFINITY), |(arg, max), t| {
            if best[n - 1][t] > max {
                (t, best[n - 1][t])
            } else {
                (arg, max)
            }
        })
        .0 as u8;
    let mut tags = vec![0u8; n];
    for i in (0..n).rev() {
        tags[i] = tag;
        tag = back[i][tag as usize];
    }
    tags
}

fn log_sum_exp(values: [f32; TAG_COUNT]) -> f32 {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if max == f32::NEG_INFINITY {
        return max;
    }
    max + values.iter().map(|v| (v - max).exp()).sum::<f32>().ln()
}

/// The probability of each tag at each token, reading the scores as the
/// log-potentials of a linear-chain CRF.
pub fn marginals(emissions: &[Emissions], transitions: &Transitions) -> Vec<Emissions> {
    let n = emissions.len();
    let mut alpha = vec![[f32::NEG_INFINITY; TAG_COUNT]; n];
    let mut beta = vec![[0f32; TAG_COUNT]; n];
    for i in 0..n {
        for t in 0..TAG_COUNT {
            alpha[i][t] = emissions[i][t]
                + if i == 0 {
                    transitions.score(None, t)
                } else {
                    log_sum_exp(std::array::from_fn(|p| {
                        alpha[i - 1][p] + transitions.score(Some(p), t)
                    }))
                };
        }
    }
    for i in (0..n.saturating_sub(1)).rev() {
        for t in 0..TAG_COUNT {
            beta[i][t] = log_sum_exp(std::array::from_fn(|q| {
                transitions.score(Some(t), q) + emissions[i + 1][q] + beta[i + 1][q]
            }));
        }
    }
    (0..n)
        .map(|i| {
            let total = log_sum_exp(std::array::from_fn(|t| alpha[i][t] + beta[i][t]));
            std::array::from_fn(|t| (alpha[i][t] + beta[i][t] - total).exp())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::tags::{begin, inside, OUTSIDE};

    #[test]
    fn viterbi_never_starts_a_span_with_inside() {
        let mut emissions = [[0.0; TAG_COUNT]; 2];
        // I-PER scores best on its own at the first token, yet may not start.
        emissions[0][inside(0) as usize] = 5.0;
        emissions[0][begin(0) as usize] = 1.0;
        emissions[1][inside(0) as usize] = 5.0;
        let tags = viterbi(&emissions, &Transitions::zero());
        assert_eq!(tags, [begin(0), inside(0)]);
    }

    #[test]
    fn marginals_are_probabilities_and_agree_with_viterbi_when_sure() {
        let mut emissions = [[0.0; TAG_COUNT]; 3];
        for e in &mut emissions {
            e[OUTSIDE as usize] = 10.0;
        }
        let m = marginals(&emissions, &Transitions::zero());
        for row in &m {
            let sum: f32 = row.iter().sum();
            assert!((sum - 1.0).abs() < 1e-4, "{sum}");
            assert!(row[OUTSIDE as usize] > 0.99);
        }
    }
}
