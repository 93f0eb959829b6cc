//! `tarjama entities import DIR export.json`: a Label Studio JSON export
//! back in as human entities, through a gate. A task's annotation that is
//! the reviewers' last word (ground truth, else the one changed last) is
//! their whole judgement of its sentence: when every span of it
//! passes, the sentence's entities become exactly those spans (origin
//! `human`); when any fails, the task is rejected as a whole, with each
//! problem's reason, into `FILE.rejects.json` (tasks as read, so the fixed
//! file imports as it is), and the sentence keeps its entities.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_json::{json, Value};

use crate::error::{Error, IoContext, Result};
use crate::glossary::{Glossary, GLOSSARY_FILE};
use crate::io::hash::HashingReader;
use crate::io::AsideFile;
use crate::model::{ids, Entity, EntityOrigin, ImportRecord, Label, Sentence};
use crate::table::Table;
use crate::validate::span_edge_problem;
use crate::version::{self, Purpose, Version};

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub tasks: u64,
    pub accepted: u64,
    /// Spans of the accepted tasks.
    pub spans: u64,
    /// Spans whose offsets were UTF-16 units, converted to code points.
    pub converted_utf16: u64,
    pub skipped: BTreeMap<&'static str, u64>,
    pub rejected: BTreeMap<&'static str, u64>,
    pub rejects_file: Option<PathBuf>,
    pub published: Option<Version>,
}

impl ImportSummary {
    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// One span of an annotation that passed the gate, in code points of its sentence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Span {
    start: usize,
    end: usize,
    label: Label,
}

/// A problem with a task: a stable code, and what to do about it.
#[derive(Debug, Clone)]
struct Problem {
    code: &'static str,
    region: Option<String>,
    reason: String,
}

fn problem(code: &'static str, region: Option<&str>, reason: String) -> Problem {
    Problem {
        code,
        region: region.map(str::to_string),
        reason,
    }
}

/// What the gate and the new entities need of a sentence an import refers
/// to (a whole [`Sentence`] per task would double the memory an export of a
/// corpus takes).
struct Current {
    doc_id: String,
    /// Where the sentence starts in its document, in code points.
    start: i32,
    text: String,
    text_sha256: String,
}

/// Imports `file` into the dataset's latest version as a new version.
///
/// The export is read twice, a task at a time, so memory holds one task
/// and the accepted spans, never the whole file (an export of a corpus runs
/// to hundreds of megabytes): once for the sentence ids it names, then,
/// with those sentences loaded, to decide every task.
pub fn import(dataset_dir: &Path, file: &Path, reviewer: Option<&str>) -> Result<ImportSummary> {
    let mut tasks = 0u64;
    let mut json_min = false;
    let mut wanted: HashSet<String> = HashSet::new();
    let file_sha256 = for_each_task(file, |task| {
        tasks += 1;
        // JSON-MIN flattens each annotation into the task's data fields:
        // the reviewer's choice among annotations and the regions' types
        // are gone.
        json_min |= task.get("data").is_none() && task.get("sentence_id").is_some();
        if let Some(id) = sentence_id(&task) {
            wanted.insert(id.to_string());
        }
        Ok(())
    })?;
    if json_min {
        return Err(Error::Input {
            path: file.to_path_buf(),
            message: "this is Label Studio's JSON-MIN export (the tasks have sentence_id at the top, no data); nothing was imported: export the project again as JSON".into(),
        });
    }
    let base = Version::require_latest(dataset_dir)?;
    base.check_integrity(Purpose::NewVersion)?;
    let mut current: HashMap<String, Current> = HashMap::new();
    for sentence in base.rows::<Sentence>()? {
        let sentence = sentence?;
        if wanted.contains(sentence.sentence_id.as_str()) {
            let Sentence {
                sentence_id,
                doc_id,
                start,
                text,
                text_sha256,
                ..
            } = sentence;
            current.insert(
                sentence_id,
                Current {
                    doc_id,
                    start,
                    text,
                    text_sha256,
                },
            );
        }
    }
    drop(wanted);

    let mut summary = ImportSummary {
        tasks,
        ..ImportSummary::default()
    };
    let mut accepted: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    let mut rejects = Rejects::new(file);
    let mut seen: HashSet<String> = HashSet::new();
    let read_again = for_each_task(file, |task| {
        match gate(&task, &current, &mut seen, &mut summary.converted_utf16) {
            Ok(Some((id, spans))) => {
                summary.accepted += 1;
                summary.spans += spans.len() as u64;
                accepted.insert(id.to_string(), spans);
            }
            Ok(None) => *summary.skipped.entry("no-annotation").or_default() += 1,
            Err(problems) => {
                *summary.rejected.entry(problems[0].code).or_default() += 1;
                rejects.push(task, &problems)?;
            }
        }
        Ok(())
    })?;
    if read_again != file_sha256 {
        return Err(Error::Input {
            path: file.to_path_buf(),
            message: "the file changed while it was being imported; nothing was imported: import it again".into(),
        });
    }
    summary.rejects_file = rejects.finish()?;
    if accepted.is_empty() {
        return Ok(summary);
    }

    let glossary = Glossary::load(&base.dir.join(GLOSSARY_FILE))?.unwrap_or_default();
    // Made as they are written, in entity id order: a sentence's entity
    // ids extend its id, whose digits have a fixed width, so the sentences'
    // order is their entities' order.
    let new_entities = accepted.iter().flat_map(|(id, spans)| {
        let sentence = &current[id];
        let glossary = &glossary;
        spans.iter().enumerate().map(move |(k, span)| {
            let text: String = sentence
                .text
                .chars()
                .skip(span.start)
                .take(span.end - span.start)
                .collect();
            Entity {
                entity_id: ids::entity_id(id, k as u32),
                doc_id: sentence.doc_id.clone(),
                sentence_id: id.clone(),
                start: sentence.start + span.start as i32,
                end: sentence.start + span.end as i32,
                en: glossary.entry_for(&text).map(|e| e.en.clone()),
                text,
                label: span.label.as_str().to_string(),
                origin: EntityOrigin::Human.as_str().to_string(),
                score: None,
            }
        })
    });
    let record = ImportRecord {
        file: file
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        sha256: file_sha256,
        format: "label-studio".into(),
        translator: reviewer.map(str::to_string),
        status: EntityOrigin::Human.as_str().into(),
        rows: summary.tasks,
        accepted: summary.accepted,
        skipped: summary.skipped_total(),
        rejected: summary.rejected_total(),
        from_memory: 0,
        table: Some(Entity::NAME.into()),
        encoding: None,
    };
    let published = version::publish_derived(
        dataset_dir,
        &base,
        &[Entity::NAME],
        |dir, _| {
            let mut writer = crate::io::TableWriter::<Entity>::create(
                dir,
                base.manifest.settings.output.rows_per_file,
            )?;
            let mut added = new_entities.peekable();
            for old in base.rows::<Entity>()? {
                let old = old?;
                while let Some(new) = added.next_if(|n| n.entity_id < old.entity_id) {
                    writer.push(new)?;
                }
                if !accepted.contains_key(&old.sentence_id) {
                    writer.push(old)?;
                }
            }
            added.try_for_each(|new| writer.push(new))?;
            Ok(vec![writer.finish()?])
        },
        |manifest| manifest.import = Some(record),
    )?;
    summary.published = Some(published);
    Ok(summary)
}

/// The key under which a rejected task carries its problems; an import ignores it.
const REJECTS_KEY: &str = "tarjama_rejects";

fn sentence_id(task: &Value) -> Option<&str> {
    task.pointer("/data/sentence_id").and_then(Value::as_str)
}

/// Decides a task: its sentence id and spans when accepted, `None` when
/// there is nothing to import (no annotation), or its problems.
fn gate<'t>(
    task: &'t Value,
    current: &HashMap<String, Current>,
    seen: &mut HashSet<String>,
    converted_utf16: &mut u64,
) -> std::result::Result<Option<(&'t str, Vec<Span>)>, Vec<Problem>> {
    let one = |code, reason: String| vec![problem(code, None, reason)];
    let Some(id) = sentence_id(task) else {
        return Err(one(
            "missing-id",
            "the task has no data.sentence_id; import only tasks exported by `tarjama entities export`".into(),
        ));
    };
    let Some(sentence) = current.get(id) else {
        return Err(one(
            "unknown-id",
            format!("sentence {id:?} is not in the dataset's latest version"),
        ));
    };
    if !seen.insert(id.to_string()) {
        return Err(one(
            "duplicate",
            format!("sentence {id:?} has another task earlier in the file; keep one"),
        ));
    }
    let exported_hash = task
        .pointer("/data/sentence_sha256")
        .and_then(Value::as_str);
    if exported_hash != Some(sentence.text_sha256.as_str()) {
        return Err(one(
            "stale",
            format!(
                "the sentence changed since it was exported (sha256 {:?}, now {}); export it again and redo the review",
                exported_hash, sentence.text_sha256
            ),
        ));
    }
    let annotations = task
        .get("annotations")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let Some(annotation) = reviewers_word(annotations) else {
        return Ok(None);
    };
    let results = annotation
        .get("result")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let chars: Vec<char> = sentence.text.chars().collect();
    let mut spans = Vec::new();
    let mut problems = Vec::new();
    for region in results {
        if region.get("type").and_then(Value::as_str) != Some("labels") {
            continue; // Relations, ratings and comments carry no span.
        }
        match check_region(region, &sentence.text, &chars, converted_utf16) {
            Ok(span) => spans.push(span),
            Err(p) => problems.push(p),
        }
    }
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end), s.label.as_str()));
    spans.dedup();
    for pair in spans.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.start < a.end && a.end < b.end {
            problems.push(problem(
                "crossing",
                None,
                format!(
                    "spans {}..{} and {}..{} overlap without one containing the other; fix one of them",
                    a.start, a.end, b.start, b.end
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(Some((id, spans)))
    } else {
        Err(problems)
    }
}

/// Checks one labelled region against the sentence text: its label, its
/// offsets (code points, or UTF-16 units as some Label Studio versions
/// count, detected by `value.text`), and its edges.
fn check_region(
    region: &Value,
    text: &str,
    chars: &[char],
    converted_utf16: &mut u64,
) -> std::result::Result<Span, Problem> {
    let region_id = region.get("id").and_then(Value::as_str);
    let fail = |code, reason: String| problem(code, region_id, reason);
    let value = &region["value"];
    let (Some(start), Some(end), Some(claimed)) = (
        value.get("start").and_then(Value::as_u64),
        value.get("end").and_then(Value::as_u64),
        value.get("text").and_then(Value::as_str),
    ) else {
        return Err(fail(
            "malformed",
            "the region lacks value.start, value.end or value.text".into(),
        ));
    };
    let labels: Vec<&str> = value
        .get("labels")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let [label] = labels.as_slice() else {
        return Err(fail(
            "label",
            format!(
                "the region has {} labels; give it exactly one",
                labels.len()
            ),
        ));
    };
    let Some(label) = Label::parse(label) else {
        return Err(fail(
            "label",
            format!("{label:?} is not a label; use one of PER, LOC, ORG, MISC, NUM, DATE"),
        ));
    };
    let (start, end) = (start as usize, end as usize);
    let by_code_points =
        (start < end && end <= chars.len()).then(|| chars[start..end].iter().collect::<String>());
    let (start, end) = if by_code_points.as_deref() == Some(claimed) {
        (start, end)
    } else if let Some((s, e)) = utf16_to_code_points(text, start, end)
        .filter(|&(s, e)| chars[s..e].iter().collect::<String>() == claimed)
    {
        *converted_utf16 += 1;
        (s, e)
    } else {
        return Err(fail(
            "text-mismatch",
            format!(
                "value.text is {claimed:?} but the sentence holds {:?} at {start}..{end} (code points, nor as UTF-16 units); correct the offsets or the text",
                by_code_points.unwrap_or_default()
            ),
        ));
    };
    if let Some(why) = span_edge_problem(text, start as i32, end as i32) {
        return Err(fail("edge", format!("{claimed:?} {why}")));
    }
    Ok(Span { start, end, label })
}

/// Code point offsets of a UTF-16 range of `text`, when both ends fall
/// between characters.
fn utf16_to_code_points(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let (mut units, mut found_start) = (0usize, None);
    for (i, c) in text.chars().enumerate() {
        if units == start {
            found_start = Some(i);
        }
        if units == end {
            return found_start.filter(|&s| s < i).map(|s| (s, i));
        }
        units += c.len_utf16();
    }
    (units == end)
        .then(|| found_start.map(|s| (s, text.chars().count())))
        .flatten()
}

/// `FILE.rejects.json` beside the input.
pub fn rejects_path(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map_or("import".into(), |n| n.to_string_lossy());
    file.with_file_name(format!("{name}.rejects.json"))
}

/// The rejected tasks as they are decided, written aside into
/// `FILE.rejects.json` (a JSON array, as Label Studio imports it) and put
/// in place at the end; a rejects file left by an earlier import of the
/// same file goes when none remain.
struct Rejects {
    path: PathBuf,
    file: Option<AsideFile>,
}

impl Rejects {
    fn new(file: &Path) -> Rejects {
        Rejects {
            path: rejects_path(file),
            file: None,
        }
    }

    /// Adds a task as read, with its problems under [`REJECTS_KEY`].
    fn push(&mut self, task: Value, problems: &[Problem]) -> Result<()> {
        let reasons: Vec<Value> = problems
            .iter()
            .map(|p| json!({"code": p.code, "region": p.region, "reason": p.reason}))
            .collect();
        let reject = match task {
            Value::Object(mut map) => {
                map.insert(REJECTS_KEY.into(), Value::Array(reasons));
                Value::Object(map)
            }
            task => json!({"task": task, REJECTS_KEY: reasons}),
        };
        let separator = if self.file.is_some() { ",\n" } else { "[\n" };
        let aside = match &mut self.file {
            Some(aside) => aside,
            None => self.file.insert(AsideFile::create(&self.path)?),
        };
        // Indented as a pretty-printed array holds it.
        let pretty = serde_json::to_string_pretty(&reject).expect("JSON values serialise");
        let indented = pretty.replace('\n', "\n  ");
        write!(aside.out(), "{separator}  {indented}").at(&self.path)
    }

    fn finish(self) -> Result<Option<PathBuf>> {
        let Some(mut aside) = self.file else {
            if self.path.exists() {
                std::fs::remove_file(&self.path).at(&self.path)?;
            }
            return Ok(None);
        };
        aside.out().write_all(b"\n]\n").at(&self.path)?;
        aside.publish()?;
        Ok(Some(self.path))
    }
}

/// Calls `each` with every task of a Label Studio JSON export (an array of
/// tasks), one at a time as it is parsed; the file's sha256.
fn for_each_task(file: &Path, each: impl FnMut(Value) -> Result<()>) -> Result<String> {
    let opened = std::fs::File::open(file).at(file)?;
    let mut reader = BufReader::with_capacity(1 << 16, HashingReader::new(opened));
    if reader.fill_buf().at(file)?.starts_with(crate::io::UTF8_BOM) {
        reader.consume(crate::io::UTF8_BOM.len());
    }
    let mut stopped_by = None;
    let mut json = serde_json::Deserializer::from_reader(&mut reader);
    let parsed = json
        .deserialize_seq(Tasks {
            each,
            stopped_by: &mut stopped_by,
        })
        .and_then(|()| json.end());
    if let Some(error) = stopped_by {
        return Err(error);
    }
    parsed.map_err(|e| match e.classify() {
        serde_json::error::Category::Io => Error::io(file, e.into()),
        serde_json::error::Category::Data => Error::Input {
            path: file.to_path_buf(),
            message: "not a Label Studio JSON export (expected an array of tasks); \
                      export the project as JSON, not JSON-MIN or CSV"
                .into(),
        },
        _ => Error::Input {
            path: file.to_path_buf(),
            message: format!(
                "not valid JSON at line {}, column {}: {e}; export the project from Label Studio again, as JSON",
                e.line(),
                e.column()
            ),
        },
    })?;
    std::io::copy(&mut reader, &mut std::io::sink()).at(file)?;
    Ok(reader.into_inner().finish())
}

/// Hands the elements of a JSON array to a closure as they are parsed.
struct Tasks<'e, F> {
    each: F,
    /// The closure's error, which stopped the parse.
    stopped_by: &'e mut Option<Error>,
}

impl<'de, F: FnMut(Value) -> Result<()>> Visitor<'de> for Tasks<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of Label Studio tasks")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut tasks: A) -> std::result::Result<(), A::Error> {
        while let Some(task) = tasks.next_element::<Value>()? {
            if let Err(e) = (self.each)(task) {
                *self.stopped_by = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// The annotation that is the reviewers' last word on a task, of those not
/// cancelled: the one marked ground truth (Label Studio's "accepted" star),
/// else the one changed last (`updated_at`, else `created_at`; Label
/// Studio writes both in UTC, so their text sorts by time), else the last
/// one listed.
fn reviewers_word(annotations: &[Value]) -> Option<&Value> {
    let flag = |a: &Value, key: &str| a.get(key).and_then(Value::as_bool).unwrap_or(false);
    let stamp = |a: &'_ Value| {
        ["updated_at", "created_at"]
            .iter()
            .find_map(|key| a.get(*key).and_then(Value::as_str))
            .unwrap_or_default()
            .to_string()
    };
    annotations
        .iter()
        .enumerate()
        .filter(|(_, a)| !flag(a, "was_cancelled"))
        .max_by_key(|(position, a)| (flag(a, "ground_truth"), stamp(a), *position))
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reviewers_word_is_the_ground_truth_else_the_last_change_never_a_cancelled_one() {
        let chosen = |annotations: Value| {
            reviewers_word(annotations.as_array().unwrap()).map(|a| a["id"].as_u64().unwrap())
        };
        let early = "2026-01-01T09:00:00.000000Z";
        let late = "2026-01-02T09:00:00.000000Z";
        assert_eq!(
            chosen(json!([{"id": 1, "updated_at": late}, {"id": 2, "updated_at": early}])),
            Some(1),
            "an earlier annotation edited later is the last word"
        );
        assert_eq!(
            chosen(
                json!([{"id": 1, "ground_truth": true, "updated_at": early}, {"id": 2, "updated_at": late}])
            ),
            Some(1)
        );
        assert_eq!(
            chosen(
                json!([{"id": 1, "updated_at": early}, {"id": 2, "updated_at": late, "was_cancelled": true}])
            ),
            Some(1)
        );
        assert_eq!(chosen(json!([{"id": 1}, {"id": 2}])), Some(2));
        assert_eq!(
            chosen(json!([{"id": 1, "created_at": late}, {"id": 2, "created_at": early}])),
            Some(1)
        );
        assert_eq!(chosen(json!([{"id": 1, "was_cancelled": true}])), None);
    }

    #[test]
    fn utf16_offsets_convert_to_code_points_past_an_astral_character() {
        // 😀 is one code point and two UTF-16 units.
        let text = "😀 بوتين";
        assert_eq!(utf16_to_code_points(text, 3, 8), Some((2, 7)));
        assert_eq!(
            utf16_to_code_points(text, 1, 3),
            None,
            "inside the surrogate pair"
        );
    }
}
