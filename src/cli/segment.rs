//! `tarjama segment INPUT.jsonl -o OUTPUT.jsonl`: sentence splits of
//! arbitrary records, in the shape `../shared/tools/score.py sentences` scores.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use crate::error::Result;
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
    #[command(flatten)]
    jobs: super::Jobs,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let settings = SegmentSettings {
        line_break_ends_sentence: !args.no_line_breaks,
    };
    super::annotate_records(&args.input, &args.output, "sentences", args.jobs, |text| {
        let mut offsets = CharOffsets::new(text);
        segment::split(text, &settings)
            .into_iter()
            .map(|r| json!({"start": offsets.char_offset(r.start), "end": offsets.char_offset(r.end)}))
            .collect()
    })?;
    Ok(ExitCode::SUCCESS)
}
