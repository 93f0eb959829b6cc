//! `tarjama ner train|tag|eval`: the named-entity model.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};

use crate::error::{IoContext, Result};
use crate::io::hash::file_sha256;
use crate::io::write_aside;
use crate::ner::clusters::{Clusters, Cooccurrences, LearnOptions};
use crate::ner::corpus_names::{CorpusNames, NameCounts};
use crate::ner::gold::{example, read_records, Scores};
use crate::ner::model::ModelInfo;
use crate::ner::tags::LABELS;
use crate::ner::train::{train, TrainOptions};
use crate::ner::{evaluate, in_code_points, NerModel};

/// Train, run and score the named-entity model (PER, LOC, ORG, MISC).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Train(TrainArgs),
    Tag(TagArgs),
    Eval(EvalArgs),
}

/// Train a model on annotated JSONL records {"id", "text", "entities"}.
#[derive(Debug, clap::Args)]
struct TrainArgs {
    /// Training records, code point offsets (for example ../shared/gold/ner-train.jsonl).
    train: PathBuf,
    /// Where to write the model (the tool's own is models/ner-ar.bin).
    #[arg(long, short)]
    output: PathBuf,
    /// Records to score after each epoch (not used for training).
    #[arg(long)]
    dev: Option<PathBuf>,
    /// Unlabelled text to learn word clusters from, and to tag with a first
    /// model to learn which words it finds inside names: JSONL records with
    /// a "text" (gzip or plain), for example ../shared/corpus/saudinewsnet.jsonl.gz.
    #[arg(long, conflicts_with = "clusters_of")]
    corpus: Option<PathBuf>,
    /// Reuse the word clusters and corpus names of an existing model file
    /// instead of learning them.
    #[arg(long, value_name = "MODEL")]
    clusters_of: Option<PathBuf>,
    #[arg(long, default_value_t = 10)]
    epochs: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Perceptrons trained side by side, each on its own order of the
    /// sentences, whose mean is the model.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
}

/// Tag the "text" of JSONL records; each is written back with
/// "entities": [{"start", "end", "label", "score"}] in code point offsets.
#[derive(Debug, clap::Args)]
struct TagArgs {
    input: PathBuf,
    #[arg(long, short)]
    output: PathBuf,
    /// A model file instead of the built-in one.
    #[arg(long)]
    model: Option<PathBuf>,
    /// A field naming each record's document (for example "doc_id" in a
    /// version's sentences.jsonl): consecutive records with the same value
    /// are tagged as one document's sentences, so a name found in one is
    /// also found where the model missed it in another. Without it, each
    /// record is a document.
    #[arg(long, value_name = "FIELD")]
    document_field: Option<String>,
    #[command(flatten)]
    jobs: super::Jobs,
}

/// Print precision, recall and F1 per label against annotated records.
#[derive(Debug, clap::Args)]
struct EvalArgs {
    gold: PathBuf,
    #[arg(long)]
    model: Option<PathBuf>,
    /// Print the scores as JSON.
    #[arg(long)]
    json: bool,
    /// As for `ner tag`: consecutive records with the same value of this
    /// field are scored as one document's sentences.
    #[arg(long, value_name = "FIELD")]
    document_field: Option<String>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Command::Train(args) => run_train(args),
        Command::Tag(args) => run_tag(args),
        Command::Eval(args) => run_eval(args),
    }
}

fn load_model(path: Option<&Path>) -> Result<NerModel> {
    match path {
        Some(path) => NerModel::load(path),
        None => NerModel::builtin(),
    }
}

fn run_train(args: TrainArgs) -> Result<ExitCode> {
    let records = read_records(&args.train)?;
    let examples = records
        .iter()
        .enumerate()
        .map(|(i, r)| example(r, &args.train, i + 1))
        .collect::<Result<Vec<_>>>()?;
    let dev = args.dev.as_deref().map(read_records).transpose()?;
    let mut info = ModelInfo {
        labels: LABELS.iter().map(|l| l.as_str().to_string()).collect(),
        train_sha256: file_sha256(&args.train)?.0,
        train_sentences: examples.len(),
        train_tokens: examples.iter().map(|e| e.tags.len()).sum(),
        epochs: args.epochs,
        seed: args.seed,
        runs: args.runs,
        clusters_sha256: None,
        features: 0,
    };
    let options = TrainOptions {
        epochs: args.epochs,
        seed: args.seed,
        runs: args.runs,
    };
    let report = |what: &str, model: &NerModel| -> Option<String> {
        let micro = evaluate(model, dev.as_ref()?, None).micro();
        Some(format!(
            "{what}: dev P {:.4} R {:.4} F1 {:.4}",
            micro.precision(),
            micro.recall(),
            micro.f1()
        ))
    };
    let (clusters, corpus_names) = match &args.corpus {
        Some(corpus) => {
            let mut cooccurrences = Cooccurrences::default();
            let digest = read_corpus(corpus, |text| cooccurrences.add_text(text))?;
            for record in &records {
                cooccurrences.add_text(&record.text);
            }
            info.clusters_sha256 = Some(digest);
            let clusters = cooccurrences.learn(&LearnOptions::default());
            eprintln!("clusters: {} words", clusters.len());
            let first = train(
                &examples,
                clusters.clone(),
                CorpusNames::default(),
                options,
                info.clone(),
                |_, _| {},
            );
            if let Some(line) = report("first pass", &first) {
                eprintln!("{line}");
            }
            let corpus_names = count_names(corpus, &first)?.evidence();
            eprintln!("corpus names: {} words", corpus_names.len());
            (clusters, corpus_names)
        }
        None => match &args.clusters_of {
            Some(path) => {
                let donor = NerModel::load(path)?;
                info.clusters_sha256 = donor.info.clusters_sha256.clone();
                let lexicon = donor.lexicon();
                (lexicon.clusters.clone(), lexicon.corpus_names.clone())
            }
            None => (Clusters::empty(), CorpusNames::default()),
        },
    };
    let model = train(
        &examples,
        clusters,
        corpus_names,
        options,
        info,
        |epoch, model| {
            if let Some(line) = report(&format!("epoch {epoch:>2}"), model) {
                eprintln!("{line}");
            }
        },
    );
    let bytes = model.to_bytes();
    write_aside(&args.output, |file| file.write_all(&bytes).at(&args.output))?;
    super::emit(&format!(
        "wrote {} ({} bytes): {} features, {} sentences, {} tokens, {} epochs, seed {}, {} runs\n",
        args.output.display(),
        bytes.len(),
        model.info.features,
        model.info.train_sentences,
        model.info.train_tokens,
        args.epochs,
        args.seed,
        args.runs
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// Tags the corpus with `model`, a batch of texts at a time, and counts
/// where it found names.
fn count_names(corpus: &Path, model: &NerModel) -> Result<NameCounts> {
    const BATCH: usize = 1024;
    let mut counts = NameCounts::default();
    let mut batch = Vec::with_capacity(BATCH);
    read_corpus(corpus, |text| {
        batch.push(text.to_string());
        if batch.len() == BATCH {
            counts.add_texts(model, &batch);
            batch.clear();
        }
    })?;
    counts.add_texts(model, &batch);
    Ok(counts)
}

/// Feeds the "text" of every record of a JSONL file (`.gz` or plain) to
/// `sink`, one at a time; returns the sha256 of the file's bytes.
fn read_corpus(path: &Path, mut sink: impl FnMut(&str)) -> Result<String> {
    super::for_each_text_record(path, |text, _| {
        sink(&text);
        Ok(())
    })?;
    Ok(file_sha256(path)?.0)
}

fn run_tag(args: TagArgs) -> Result<ExitCode> {
    let model = load_model(args.model.as_deref())?;
    let document_field = args.document_field.as_deref();
    super::annotate_documents(
        &args.input,
        &args.output,
        "entities",
        document_field,
        args.jobs,
        |texts| {
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let found = model.tag_document(&texts);
            texts
            .into_iter()
            .zip(found)
            .map(|(text, spans)| {
                in_code_points(text, spans)
                    .into_iter()
                    .map(|(s, score)| json!({"start": s.start, "end": s.end, "label": s.label, "score": score}))
                    .collect()
            })
            .collect()
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

fn run_eval(args: EvalArgs) -> Result<ExitCode> {
    let model = load_model(args.model.as_deref())?;
    let records = read_records(&args.gold)?;
    let scores = evaluate(&model, &records, args.document_field.as_deref());
    if args.json {
        super::emit_json(&scores_json(&scores))?;
    } else {
        super::emit(&scores_table(&scores))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn scores_json(scores: &Scores) -> Value {
    let row = |c: &crate::ner::gold::Counts| {
        json!({"precision": c.precision(), "recall": c.recall(), "f1": c.f1(),
               "tp": c.true_positives, "fp": c.false_positives, "fn": c.false_negatives})
    };
    let per_label: serde_json::Map<String, Value> = scores
        .per_label
        .iter()
        .map(|(label, c)| (label.clone(), row(c)))
        .collect();
    json!({"micro": row(&scores.micro()), "per_label": per_label})
}

fn scores_table(scores: &Scores) -> String {
    let mut out = format!(
        "{:<6} {:>9} {:>9} {:>9} {:>6} {:>6} {:>6}\n",
        "label", "precision", "recall", "f1", "tp", "fp", "fn"
    );
    let micro = scores.micro();
    for (label, c) in scores
        .per_label
        .iter()
        .map(|(l, c)| (l.as_str(), c))
        .chain([("micro", &micro)])
    {
        out.push_str(&format!(
            "{label:<6} {:>9.4} {:>9.4} {:>9.4} {:>6} {:>6} {:>6}\n",
            c.precision(),
            c.recall(),
            c.f1(),
            c.true_positives,
            c.false_positives,
            c.false_negatives
        ));
    }
    out
}
