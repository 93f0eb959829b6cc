//! The trained tagger: feature weights per tag, tag transitions and the
//! lexicon (word clusters, corpus names, training names), in one file that ships inside the binary. The file is a zlib
//! stream of a fixed binary layout (little endian), so the same training run
//! gives the same bytes:
//!
//! ```text
//! "tarjama-ner\n"  u32 format  u32 n + n bytes of JSON (ModelInfo)
//! (1 + T) × T f32 transitions (the start row first)
//! u64 features, then their u64 hashes (ascending), then T f32 weights each
//! the lexicon (see Lexicon::write)
//! ```

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Write};
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Label;
use crate::ner::decode::{marginals, viterbi, Emissions, Transitions};
use crate::ner::features::{token_features, TokenView};
use crate::ner::lexicon::Lexicon;
use crate::ner::repeats::FoundNames;
use crate::ner::tags::{begin, inside, label_of, spans, LABELS, TAG_COUNT};
use crate::ner::tokens::{is_word, name_start, tokens};
use crate::pipeline::sha256_hex;

const MAGIC: &[u8] = b"tarjama-ner\n";
/// Words tagged at once. A real sentence is far shorter; a scraped page
/// without a stop can be one "sentence" of millions of words, and decoding
/// keeps scores for every token, so such text is tagged window by window
/// (3 million words: 910 MiB peak for the whole build when tagged at once).
const MAX_TAGGED_WORDS: usize = 1000;
const FORMAT: u32 = 3;
/// Tokens of a document whose scores the tagger keeps for the names found
/// again in it (about 80 bytes each); past them, a sentence where a name
/// recurs is decoded again, so a huge document costs time, not memory.
const MAX_KEPT_TOKENS: usize = 100_000;

/// The model shipped with the tool (`tarjama ner train` writes it).
const BUILTIN: &[u8] = include_bytes!("../../models/ner-ar.bin");

/// How a model was made, stored in its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub labels: Vec<String>,
    /// sha256 of the training file's bytes.
    pub train_sha256: String,
    pub train_sentences: usize,
    pub train_tokens: usize,
    pub epochs: u32,
    pub seed: u64,
    /// Perceptrons averaged into the model.
    pub runs: u32,
    /// sha256 of the unlabelled text the clusters and corpus names were
    /// learnt from, if any.
    pub clusters_sha256: Option<String>,
    pub features: usize,
}

/// Feature keys are already well-mixed hashes: use them as they are.
#[derive(Default)]
pub struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type FeatureIndex = HashMap<u64, u32, BuildHasherDefault<PrehashedHasher>>;

/// A fast hasher for the word maps looked up for every token (std's SipHash
/// showed up in profiles; these keys come from our own model file, so
/// flooding resistance buys nothing). Never stored: changing it changes no
/// model.
#[derive(Default)]
pub struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        let z = (self.0 ^ (self.0 >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z ^ (z >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(0x2127_599b_f432_5c37);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x2127_599b_f432_5c37);
        }
    }
}

/// Words (in matching form) to what the model knows of them.
pub type WordMap<V> = HashMap<String, V, BuildHasherDefault<WordHasher>>;

/// One span the model found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedSpan {
    /// Byte range in the sentence.
    pub range: Range<usize>,
    pub label: Label,
    /// The smallest probability the model gives any of the span's tags.
    pub score: f32,
}

#[derive(Debug, Clone)]
pub struct NerModel {
    pub info: ModelInfo,
    index: FeatureIndex,
    weights: Vec<f32>,
    transitions: Transitions,
    lexicon: Lexicon,
}

impl NerModel {
    /// Assembles a model from its parts; `hashes[i]` owns
    /// `weights[i * TAG_COUNT..][..TAG_COUNT]`.
    pub fn new(
        info: ModelInfo,
        hashes: &[u64],
        weights: Vec<f32>,
        transitions: Transitions,
        lexicon: Lexicon,
    ) -> Self {
        debug_assert_eq!(hashes.len() * TAG_COUNT, weights.len());
        let index = hashes
            .iter()
            .enumerate()
            .map(|(i, &h)| (h, i as u32))
            .collect();
        NerModel {
            info,
            index,
            weights,
            transitions,
            lexicon,
        }
    }

    /// The weights of one feature, by tag.
    #[cfg(test)]
    pub(crate) fn weights_of(&self, hash: u64) -> Option<&[f32]> {
        let &f = self.index.get(&hash)?;
        Some(&self.weights[f as usize * TAG_COUNT..][..TAG_COUNT])
    }

    #[cfg(test)]
    pub(crate) fn transitions(&self) -> &Transitions {
        &self.transitions
    }

    /// The model compiled into the tool.
    pub fn builtin() -> Result<NerModel> {
        NerModel::from_bytes(BUILTIN, Path::new("<built-in model>"))
    }

    /// sha256 of the built-in model file, recorded in the manifests of
    /// the versions it tagged.
    pub fn builtin_sha256() -> String {
        sha256_hex(BUILTIN)
    }

    pub fn load(path: &Path) -> Result<NerModel> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        NerModel::from_bytes(&bytes, path)
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Tag scores of every token of a sentence.
    fn emissions(&self, views: &[TokenView], scratch: &mut Vec<u64>) -> Vec<Emissions> {
        (0..views.len())
            .map(|i| {
                scratch.clear();
                token_features(views, i, &self.lexicon, scratch);
                let mut scores = [0f32; TAG_COUNT];
                for hash in scratch.iter() {
                    if let Some(&f) = self.index.get(hash) {
                        let row = &self.weights[f as usize * TAG_COUNT..][..TAG_COUNT];
                        for (s, w) in scores.iter_mut().zip(row) {
                            *s += w;
                        }
                    }
                }
                scores
            })
            .collect()
    }

    /// The PER / LOC / ORG / MISC spans of one sentence, as byte ranges
    /// in increasing order.
    pub fn tag(&self, sentence: &str) -> Vec<TaggedSpan> {
        self.tag_keeping(sentence).0
    }

    /// [`tag`](Self::tag), and each window's token scores, which the
    /// document pass needs again where a name recurs.
    fn tag_keeping(&self, sentence: &str) -> (Vec<TaggedSpan>, Vec<TaggedWindow>) {
        let mut found = Vec::new();
        let mut windows = Vec::new();
        for window in word_windows(sentence, MAX_TAGGED_WORDS) {
            let offset = window.start;
            let (spans, tagged) = self.tag_window(&sentence[window], offset);
            found.extend(spans);
            windows.push(tagged);
        }
        (found, windows)
    }

    /// The spans of each sentence of one document: each sentence tagged
    /// alone, then the names found in any of them tagged wherever else
    /// they occur untagged (see [`repeats`](crate::ner::repeats)).
    pub fn tag_document(&self, sentences: &[&str]) -> Vec<Vec<TaggedSpan>> {
        let mut kept_tokens = 0;
        let (mut found, mut kept): (Vec<Vec<TaggedSpan>>, Vec<Option<Vec<TaggedWindow>>>) =
            sentences
                .iter()
                .map(|sentence| {
                    let (spans, windows) = self.tag_keeping(sentence);
                    kept_tokens += windows.iter().map(|w| w.ranges.len()).sum::<usize>();
                    (spans, (kept_tokens <= MAX_KEPT_TOKENS).then_some(windows))
                })
                .unzip();
        let names = FoundNames::of(
            sentences
                .iter()
                .copied()
                .zip(found.iter().map(Vec::as_slice)),
            |word, label| self.lexicon.may_stand_for(word, label),
        );
        if names.is_empty() {
            return found;
        }
        for ((sentence, spans), windows) in sentences.iter().zip(&mut found).zip(&mut kept) {
            let missed = names.missed_in(sentence, spans);
            if missed.is_empty() {
                continue;
            }
            let windows = windows
                .take()
                .unwrap_or_else(|| self.tag_keeping(sentence).1);
            let scores = self.scores_at(windows, &missed);
            spans.extend(
                missed
                    .into_iter()
                    .zip(scores)
                    .map(|((range, label), score)| TaggedSpan {
                        range,
                        label,
                        score,
                    }),
            );
            spans.sort_by_key(|s| s.range.start);
        }
        found
    }

    /// For spans the model did not choose, the smallest probability it
    /// gives the tags that would spell each of them: what `score` means
    /// for its own spans, so that a reviewer who sorts by it sees these
    /// among the doubtful.
    fn scores_at(&self, windows: Vec<TaggedWindow>, spans: &[(Range<usize>, Label)]) -> Vec<f32> {
        let mut scores = vec![0.0; spans.len()];
        for window in windows {
            let in_window: Vec<usize> = (0..spans.len())
                .filter(|&k| window.ranges.iter().any(|r| r.start == spans[k].0.start))
                .collect();
            if in_window.is_empty() {
                continue;
            }
            let probabilities = window
                .probabilities
                .unwrap_or_else(|| marginals(&window.emissions, &self.transitions));
            for k in in_window {
                let (span, label) = &spans[k];
                let label = LABELS.iter().position(|l| l == label).unwrap_or(0);
                let tags = window
                    .ranges
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| span.start <= r.start && r.end <= span.end)
                    .enumerate()
                    .map(|(nth, (i, _))| {
                        let tag = if nth == 0 {
                            begin(label)
                        } else {
                            inside(label)
                        };
                        probabilities[i][tag as usize]
                    });
                scores[k] = to_four_places(tags.fold(1.0, f32::min));
            }
        }
        scores
    }

    /// The spans of one window of a sentence that starts at byte `offset`
    /// of it, in the sentence's byte offsets.
    fn tag_window(&self, window: &str, offset: usize) -> (Vec<TaggedSpan>, TaggedWindow) {
        let Decoded {
            mut ranges,
            emissions,
            tags,
            ..
        } = self.decode(window);
        for range in &mut ranges {
            *range = range.start + offset..range.end + offset;
        }
        let found = spans(&tags);
        if found.is_empty() {
            let tagged = TaggedWindow {
                ranges,
                emissions,
                probabilities: None,
            };
            return (Vec::new(), tagged);
        }
        let probabilities = marginals(&emissions, &self.transitions);
        let is_word =
            |i: &usize| is_word(&window[ranges[*i].start - offset..ranges[*i].end - offset]);
        let spans = found
            .into_iter()
            .filter_map(|(tokens, label)| {
                // The tagger may run a name into a dash or a closing stop
                // (`محمد.`); the span keeps only its words.
                let first = tokens.clone().find(is_word)?;
                let last = tokens.rev().find(is_word)?;
                let start = offset + name_start(window, ranges[first].start - offset);
                let end = ranges[last].end;
                (start < end).then_some(())?;
                Some(TaggedSpan {
                    range: start..end,
                    label: LABELS[label],
                    score: to_four_places(
                        (first..=last)
                            .map(|i| probabilities[i][tags[i] as usize])
                            .fold(1.0, f32::min),
                    ),
                })
            })
            .collect();
        let tagged = TaggedWindow {
            ranges,
            emissions,
            probabilities: Some(probabilities),
        };
        (spans, tagged)
    }

    /// Each word of a text (punctuation left out) with the label index
    /// ([`LABELS`]) of the name the model puts it in, if any.
    pub fn word_labels<'a>(
        &self,
        text: &'a str,
    ) -> impl Iterator<Item = (TokenView, Option<usize>)> + 'a {
        let Decoded {
            ranges,
            views,
            tags,
            ..
        } = self.decode(text);
        ranges
            .into_iter()
            .zip(views)
            .zip(tags)
            .filter(move |((range, _), _)| is_word(&text[range.clone()]))
            .map(|((_, view), tag)| (view, label_of(tag)))
    }

    fn decode(&self, sentence: &str) -> Decoded {
        let ranges = tokens(sentence);
        let views: Vec<TokenView> = ranges
            .iter()
            .map(|r| TokenView::new(&sentence[r.clone()]))
            .collect();
        let emissions = self.emissions(&views, &mut Vec::new());
        let tags = viterbi(&emissions, &self.transitions);
        Decoded {
            ranges,
            views,
            emissions,
            tags,
        }
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut raw = Vec::new();
        raw.extend_from_slice(MAGIC);
        raw.extend_from_slice(&FORMAT.to_le_bytes());
        let info = serde_json::to_vec(&self.info).expect("model info serialises");
        raw.extend_from_slice(&(info.len() as u32).to_le_bytes());
        raw.extend_from_slice(&info);
        let rows = std::iter::once(&self.transitions.start).chain(&self.transitions.from);
        for w in rows.flatten() {
            raw.extend_from_slice(&w.to_le_bytes());
        }
        let mut features: Vec<(u64, u32)> = self.index.iter().map(|(&h, &i)| (h, i)).collect();
        features.sort_unstable();
        raw.extend_from_slice(&(features.len() as u64).to_le_bytes());
        for (hash, _) in &features {
            raw.extend_from_slice(&hash.to_le_bytes());
        }
        for (_, i) in &features {
            for w in &self.weights[*i as usize * TAG_COUNT..][..TAG_COUNT] {
                raw.extend_from_slice(&w.to_le_bytes());
            }
        }
        self.lexicon.write(&mut raw);
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&raw).expect("writing to memory");
        encoder.finish().expect("writing to memory")
    }

    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<NerModel> {
        let damaged = |what: &str| Error::Input {
            path: path.to_path_buf(),
            message: format!(
                "not a tarjama NER model ({what}); retrain it with `tarjama ner train`"
            ),
        };
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(bytes)
            .read_to_end(&mut raw)
            .map_err(|_| damaged("not a zlib stream"))?;
        let mut r = Reader {
            bytes: &raw,
            damaged: &damaged,
        };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(damaged("wrong magic bytes"));
        }
        let format = r.u32()?;
        if format != FORMAT {
            return Err(damaged(&format!(
                "file format {format}, this tool reads {FORMAT}"
            )));
        }
        let info_len = r.u32()? as usize;
        let info: ModelInfo = serde_json::from_slice(r.take(info_len)?)
            .map_err(|e| damaged(&format!("unreadable header: {e}")))?;
        let mut transitions = Transitions::zero();
        for w in &mut transitions.start {
            *w = r.f32()?;
        }
        for row in &mut transitions.from {
            for w in row {
                *w = r.f32()?;
            }
        }
        let n = usize::try_from(r.u64()?).map_err(|_| damaged("feature count"))?;
        if n > r.bytes.len() / 8 {
            return Err(damaged("feature count larger than the file"));
        }
        let hashes: Vec<u64> = (0..n).map(|_| r.u64()).collect::<Result<_>>()?;
        let weights: Vec<f32> = (0..n * TAG_COUNT).map(|_| r.f32()).collect::<Result<_>>()?;
        let lexicon = Lexicon::read(&mut r)?;
        if !r.bytes.is_empty() {
            return Err(damaged("trailing bytes"));
        }
        Ok(NerModel::new(info, &hashes, weights, transitions, lexicon))
    }
}

/// A sentence's tokens as the model sees them, with their best tags.
/// A window of a sentence as the tagger saw it: its tokens (byte ranges of
/// the sentence), their tag scores and, when the window held a name, the
/// tag probabilities.
struct TaggedWindow {
    ranges: Vec<Range<usize>>,
    emissions: Vec<Emissions>,
    probabilities: Option<Vec<Emissions>>,
}

struct Decoded {
    ranges: Vec<Range<usize>>,
    views: Vec<TokenView>,
    emissions: Vec<Emissions>,
    tags: Vec<u8>,
}

/// A score rounded to four decimals: `exp` may differ in its last bit
/// between maths libraries, and the stored score must not.
fn to_four_places(p: f32) -> f32 {
    ((f64::from(p) * 1e4).round() / 1e4) as f32
}

/// Reads the fixed layout, turning a short file into an error.
pub struct Reader<'a> {
    bytes: &'a [u8],
    damaged: &'a dyn Fn(&str) -> Error,
}

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.bytes.len() < n {
            return Err((self.damaged)("truncated"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    pub fn damaged(&self, what: &str) -> Error {
        (self.damaged)(what)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        Ok(self.take(N)?.try_into().expect("take returns N bytes"))
    }

    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }
    pub fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn f32(&mut self) -> Result<f32> {
        Ok(f32::from_le_bytes(self.array()?))
    }
}

/// Appends a map keyed by words: `u64 count`, then per word in byte order
/// `u8 length, its bytes` and its value as `value` writes it. Words longer
/// than 255 bytes are left out (no real word is that long).
pub fn write_word_map<V>(
    map: &WordMap<V>,
    out: &mut Vec<u8>,
    mut value: impl FnMut(&V, &mut Vec<u8>),
) {
    let mut words: Vec<(&String, &V)> = map
        .iter()
        .filter(|(w, _)| w.len() <= usize::from(u8::MAX))
        .collect();
    words.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.extend_from_slice(&(words.len() as u64).to_le_bytes());
    for (word, v) in words {
        out.push(word.len() as u8);
        out.extend_from_slice(word.as_bytes());
        value(v, out);
    }
}

/// Reads what [`write_word_map`] wrote.
pub fn read_word_map<V>(
    r: &mut Reader,
    mut value: impl FnMut(&mut Reader) -> Result<V>,
) -> Result<WordMap<V>> {
    let count = r.u64()?;
    let mut map = WordMap::default();
    for _ in 0..count {
        let len = usize::from(r.u8()?);
        let word = std::str::from_utf8(r.take(len)?)
            .map_err(|_| r.damaged("a word is not UTF-8"))?
            .to_string();
        map.insert(word, value(r)?);
    }
    Ok(map)
}

/// Byte ranges covering `text`, each holding at most `max_words`
/// whitespace-separated words and cut just before a word.
fn word_windows(text: &str, max_words: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut word_starts = text
        .char_indices()
        .zip(std::iter::once(' ').chain(text.chars()))
        .filter(|((_, c), before)| !c.is_whitespace() && before.is_whitespace())
        .map(|((at, _), _)| at)
        .step_by(max_words)
        .skip(1)
        .chain(std::iter::once(text.len()));
    let mut start = 0;
    std::iter::from_fn(move || {
        let end = word_starts.next()?;
        let window = start..end;
        start = end;
        Some(window)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_text_is_cut_into_windows_of_whole_words() {
        let text = " one two  three\nfour five ";
        let windows: Vec<&str> = super::word_windows(text, 2).map(|w| &text[w]).collect();
        assert_eq!(windows, [" one two  ", "three\nfour ", "five "]);
        let short: Vec<_> = super::word_windows("a b", 1000).collect();
        assert_eq!(short, vec![0..3]);
        assert_eq!(super::word_windows("", 2).count(), 1);
    }

    use super::*;

    /// Corpus sentences where the model ran a name into a full stop, an
    /// opening guillemet or a dash.
    #[test]
    fn builtin_spans_never_begin_or_end_with_punctuation() {
        let model = NerModel::builtin().unwrap();
        let sentences = [
            "والثالث هو محمد.أ، ويبلغ من العمر 31 عامًا، وصدر ضده حكم بالسجن 4 سنوات وغرامة 15 ألف يورو.",
            "والمؤسسات الإعلامية على غرار مجلة «التايمز» و«واشنطن بوست» قد أضافت أقساما خاصة على صفحاتها.",
            "أيمن حسن – سبق:\"كالمستجير من الرمضاء بالنار\"، هرب ظبي من قطيع كلاب برية على ضفة نهر في بتسوانا.",
        ];
        let mut spans = 0;
        for sentence in sentences {
            for span in model.tag(sentence) {
                let text = &sentence[span.range];
                let edges = [text.chars().next(), text.chars().next_back()];
                assert!(
                    edges.iter().flatten().all(|&c| is_word(&c.to_string())),
                    "{text:?} in {sentence:?}"
                );
                spans += 1;
            }
        }
        assert!(spans >= 3, "the sentences name people and a newspaper");
    }
}
