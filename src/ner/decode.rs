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

/// The probability of each tag at each token, reading the scores as the
/// log-potentials of a linear-chain CRF. Works in probability space, each
/// token's scores shifted by their maximum and each step rescaled to sum to
/// one, so it takes one `exp` per token and tag and never overflows.
pub fn marginals(emissions: &[Emissions], transitions: &Transitions) -> Vec<Emissions> {
    let n = emissions.len();
    let potential = |prev: Option<usize>, next: usize| -> f32 {
        let s = transitions.score(prev, next);
        if s == f32::NEG_INFINITY {
            0.0
        } else {
            s.exp()
        }
    };
    let start: [f32; TAG_COUNT] = std::array::from_fn(|t| potential(None, t));
    let from: [[f32; TAG_COUNT]; TAG_COUNT] =
        std::array::from_fn(|p| std::array::from_fn(|t| potential(Some(p), t)));
    let local: Vec<Emissions> = emissions
        .iter()
        .map(|e| {
            let max = e.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            e.map(|s| (s - max).exp())
        })
        .collect();
    let rescale = |row: &mut Emissions| {
        let sum: f32 = row.iter().sum();
        if sum > 0.0 {
            row.iter_mut().for_each(|x| *x /= sum);
        }
    };
    let mut alpha = vec![[0f32; TAG_COUNT]; n];
    for i in 0..n {
        for t in 0..TAG_COUNT {
            let reach = if i == 0 {
                start[t]
            } else {
                (0..TAG_COUNT).map(|p| alpha[i - 1][p] * from[p][t]).sum()
            };
            alpha[i][t] = local[i][t] * reach;
        }
        rescale(&mut alpha[i]);
    }
    let mut beta = vec![[1f32; TAG_COUNT]; n];
    for i in (0..n.saturating_sub(1)).rev() {
        for t in 0..TAG_COUNT {
            beta[i][t] = (0..TAG_COUNT)
                .map(|q| from[t][q] * local[i + 1][q] * beta[i + 1][q])
                .sum();
        }
        rescale(&mut beta[i]);
    }
    (0..n)
        .map(|i| {
            let mut row: Emissions = std::array::from_fn(|t| alpha[i][t] * beta[i][t]);
            rescale(&mut row);
            row
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
    fn marginals_equal_brute_force_sums_over_all_sequences() {
        let emissions: Vec<Emissions> = (0..3)
            .map(|i| std::array::from_fn(|t| ((i * 7 + t * 3) % 5) as f32 * 0.7 - 1.0))
            .collect();
        let mut transitions = Transitions::zero();
        transitions.from[OUTSIDE as usize][begin(1) as usize] = 0.8;
        transitions.start[begin(0) as usize] = -0.5;
        let mut totals = vec![[0f64; TAG_COUNT]; 3];
        for code in 0..TAG_COUNT.pow(3) {
            let tags = [
                code % TAG_COUNT,
                code / TAG_COUNT % TAG_COUNT,
                code / TAG_COUNT / TAG_COUNT,
            ];
            let mut score = 0f32;
            for (i, &t) in tags.iter().enumerate() {
                score += transitions.score(i.checked_sub(1).map(|j| tags[j]), t) + emissions[i][t];
            }
            for (i, &t) in tags.iter().enumerate() {
                totals[i][t] += f64::from(score).exp();
            }
        }
        let m = marginals(&emissions, &transitions);
        for i in 0..3 {
            let z: f64 = totals[i].iter().sum();
            for t in 0..TAG_COUNT {
                assert!((m[i][t] as f64 - totals[i][t] / z).abs() < 1e-4, "{i} {t}");
            }
        }
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
