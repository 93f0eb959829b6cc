//! Throughput of tarjama's sentence splitter alone, on one core.
//!
//! `segment_throughput TEXTS.bin [ROUNDS]`: TEXTS.bin holds UTF-8 texts
//! separated by NUL bytes (see `corpus_texts.py`). Prints MB/s of UTF-8 text.

use std::time::Instant;

use tarjama::segment;
use tarjama::settings::SegmentSettings;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: segment_throughput TEXTS.bin [ROUNDS]");
    let rounds: usize = args
        .next()
        .map_or(3, |r| r.parse().expect("ROUNDS is a number"));
    let data = std::fs::read(&path).expect("the texts file is readable");
    let texts: Vec<&str> = data
        .split(|&b| b == 0)
        .filter(|t| !t.is_empty())
        .map(|t| std::str::from_utf8(t).expect("texts are UTF-8"))
        .collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let settings = SegmentSettings::default();
    let mut best = f64::MAX;
    let mut sentences = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        sentences = texts
            .iter()
            .map(|t| segment::split(t, &settings).len())
            .sum::<usize>();
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "tarjama splitter: {} texts, {:.1} MB, {sentences} sentences, best of {rounds}: {:.3} s = {:.0} MB/s",
        texts.len(),
        bytes as f64 / 1e6,
        best,
        bytes as f64 / 1e6 / best
    );
}
