//! `tarjama segment INPUT.jsonl -o OUTPUT.jsonl`: sentence splits of
//! arbitrary records, in the shape `../shared/tools/score.py sentences` scores.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{json, Value};

use crate::error::{Error, IoContext, Result};
use crate::segment;
use crate::settings::SegmentSettings;
use crate::text::CharOffsets;

/// Split the "text" of every JSONL record into sentences.
///
/// Each record is written back with "sentences": [{"start", "end"}, ...],
/// half-open code point offsets into "text". Other fields are kept.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSONL records with at least "id" and "text".
    input: PathBuf,
    /// Where to write the records with their sentences.
    #[arg(long, short)]
    output: PathBuf,
    /// Only a blank line is a hard break (by default every line break is).
    #[arg(long)]
    no_line_breaks: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let settings = SegmentSettings {
        line_break_ends_sentence: !args.no_line_breaks,
    };
    let input = BufReader::new(File::open(&args.input).at(&args.input)?);
    let out_file = File::create(&args.output).map_err(|source| Error::NotWritable {
        path: args.output.clone(),
        source,
    })?;
    let mut output = BufWriter::new(out_file);
    for (i, line) in input.lines().enumerate() {
        let line = line.at(&args.input)?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Jsonl {
            path: args.input.clone(),
            line: i as u64 + 1,
            message,
        };
        let mut record: Value =
            serde_json::from_str(&line).map_err(|e| bad(format!("not a JSON object: {e}")))?;
        let text = record
            .get("text")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("the record has no string \"text\"".into()))?;
        let mut offsets = CharOffsets::new(text);
        let sentences: Vec<Value> = segment::split(text, &settings)
            .into_iter()
            .map(|r| json!({"start": offsets.char_offset(r.start), "end": offsets.char_offset(r.end)}))
            .collect();
        record["sentences"] = Value::Array(sentences);
        serde_json::to_writer(&mut output, &record)
            .map_err(std::io::Error::from)
            .at(&args.output)?;
        output.write_all(b"\n").at(&args.output)?;
    }
    output.flush().at(&args.output)?;
    Ok(ExitCode::SUCCESS)
}
