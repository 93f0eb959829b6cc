//! Throughput of the built-in NER model alone, on one core, features and
//! tag probabilities included, on the sentences of real articles, each
//! article tagged as `build` tags it: its sentences together, so that a
//! name found in one sentence is looked for in the others.
//!
//! `ner_throughput TEXTS.bin [MEGABYTES] [ROUNDS]`: TEXTS.bin holds UTF-8
//! texts separated by NUL bytes (see `corpus_texts.py`); the first
//! MEGABYTES (default 20) of them are split into sentences, then tagged.
//! Prints tokens/s.

use std::time::Instant;

use tarjama::ner::tokens::tokens;
use tarjama::ner::NerModel;
use tarjama::segment;
use tarjama::settings::SegmentSettings;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: ner_throughput TEXTS.bin [MEGABYTES] [ROUNDS]");
    let megabytes: usize = args
        .next()
        .map_or(20, |r| r.parse().expect("MEGABYTES is a number"));
    let rounds: usize = args
        .next()
        .map_or(3, |r| r.parse().expect("ROUNDS is a number"));
    let data = std::fs::read(&path).expect("the texts file is readable");
    let mut bytes = 0;
    let texts: Vec<&str> = data
        .split(|&b| b == 0)
        .filter(|t| !t.is_empty())
        .map(|t| std::str::from_utf8(t).expect("texts are UTF-8"))
        .take_while(|t| {
            bytes += t.len();
            bytes <= megabytes * 1_000_000
        })
        .collect();
    let settings = SegmentSettings::default();
    let documents: Vec<Vec<&str>> = texts
        .iter()
        .map(|t| {
            segment::split(t, &settings)
                .into_iter()
                .map(|r| &t[r])
                .collect()
        })
        .collect();
    let sentences = documents.iter().map(Vec::len).sum::<usize>();
    let token_count: usize = documents.iter().flatten().map(|s| tokens(s).len()).sum();
    let model = NerModel::builtin().expect("the built-in model loads");
    let mut best = f64::MAX;
    let mut spans = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        spans = documents
            .iter()
            .flat_map(|d| model.tag_document(d))
            .map(|found| found.len())
            .sum::<usize>();
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "tarjama ner: {} articles, {sentences} sentences, {token_count} tokens, {spans} spans, one core, best of {rounds}: {best:.3} s = {:.0} tokens/s",
        documents.len(),
        token_count as f64 / best
    );
}
