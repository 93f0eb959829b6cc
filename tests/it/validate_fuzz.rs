//! Every field of a row of every table set to hostile values, one field at
//! a time, in a version whose hashes are then resealed: the validator
//! reports the damage or accepts a harmless value, and neither it nor any
//! other command that reads the version crashes.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::tamper::*;
use crate::util::*;

const STRINGS: [&str; 6] = [
    "",
    "zz",
    "\u{0}",
    "000_97094da2f4076d17#999999",
    "\u{064E}\u{0651}ب",
    "99999999999999999999999999999999999999999999999999999999999999999",
];
const INTEGERS: [i64; 4] = [-1, 0, 2_147_483_647, 1_000_000];

/// Every row that differs from `row` in one field, with the field's name.
fn variants<T: Serialize + DeserializeOwned>(row: &T) -> Vec<(String, T)> {
    let Value::Object(fields) = serde_json::to_value(row).unwrap() else {
        panic!("rows serialise as objects");
    };
    let mut variants = Vec::new();
    for (name, value) in &fields {
        let candidates: Vec<Value> = match value {
            Value::String(_) | Value::Null => STRINGS.iter().map(|s| Value::from(*s)).collect(),
            Value::Number(_) => INTEGERS.iter().map(|&n| Value::from(n)).collect(),
            Value::Bool(b) => vec![Value::from(!b)],
            _ => Vec::new(),
        };
        for candidate in candidates.into_iter().filter(|c| c != value) {
            let mut changed = fields.clone();
            changed.insert(name.clone(), candidate.clone());
            if let Ok(variant) = serde_json::from_value(Value::Object(changed)) {
                variants.push((format!("{name} = {candidate}"), variant));
            }
        }
    }
    variants
}

/// A damaged copy of `pristine` in `dir`, validated: its exit code and output.
fn validate_damaged(pristine: &Path, dir: &Path, edit: impl FnOnce(&mut Tables)) -> Run {
    copy_dir(pristine, dir);
    rewrite_version(&dir.join("versions/v0001"), edit);
    tarjama(&["validate", arg(dir)])
}

type Edit = Box<dyn FnOnce(&mut Tables) + Send>;

/// One edit per field and hostile value, of one row of each table.
fn edits(tables: &Tables) -> Vec<(String, Edit)> {
    const ROW: usize = 7;
    let mut edits: Vec<(String, Edit)> = Vec::new();
    for (field, document) in variants(&tables.documents[1]) {
        edits.push((
            format!("documents {field}"),
            Box::new(|t| t.documents[1] = document),
        ));
    }
    for (field, sentence) in variants(&tables.sentences[ROW]) {
        edits.push((
            format!("sentences {field}"),
            Box::new(|t| t.sentences[ROW] = sentence),
        ));
    }
    for (field, entity) in variants(&tables.entities[ROW]) {
        edits.push((
            format!("entities {field}"),
            Box::new(|t| t.entities[ROW] = entity),
        ));
    }
    // A filled slot, so that who and when wrote it are checked too.
    let mut filled = tables.slots[ROW].clone();
    filled.text = Some("The Kremlin said.".into());
    filled.status = "draft".into();
    filled.origin = Some("human".into());
    filled.updated_at = Some("2026-11-24T10:00:00Z".into());
    let sound = filled.clone();
    edits.push((
        "translations filled".into(),
        Box::new(|t| t.slots[ROW] = sound),
    ));
    for (field, slot) in variants(&filled) {
        edits.push((
            format!("translations {field}"),
            Box::new(|t| t.slots[ROW] = slot),
        ));
    }
    edits
}

#[test]
fn hostile_field_values_are_reported_and_crash_no_command() {
    let dir = TestDir::new();
    let pristine = dir.seed_built("seed");
    let edits = edits(&load_tables(&pristine.join("versions/v0001")));
    assert!(edits.len() > 150, "only {} variants", edits.len());
    // Four threads, each validating its share of the damaged copies.
    let mut shares: Vec<Vec<(usize, String, Edit)>> = (0..4).map(|_| Vec::new()).collect();
    for (i, (what, edit)) in edits.into_iter().enumerate() {
        shares[i % 4].push((i, what, edit));
    }
    let outcomes: Vec<(String, Option<i32>, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                let (pristine, dir) = (&pristine, &dir);
                scope.spawn(move || {
                    let outcome = |(i, what, edit): (usize, String, Edit)| {
                        let copy = dir.path().join(format!("damaged-{i}"));
                        let run = validate_damaged(pristine, &copy, edit);
                        let crashes =
                            readers_crashing_on(&copy, &dir.path().join(format!("out-{i}")));
                        (what, run.code, run.stdout + &run.stderr + &crashes)
                    };
                    share.into_iter().map(outcome).collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut wrong = Vec::new();
    for (what, code, output) in &outcomes {
        let free = FREE_FIELDS
            .iter()
            .any(|field| what.starts_with(&format!("{field} = ")));
        let expected: &[i32] = match what.as_str() {
            // The filled slot every translation variant starts from is sound.
            "translations filled" => &[0],
            _ if free => &[0, 1],
            _ => &[1],
        };
        let crashed = output.contains("panicked") || output.contains("crashed");
        if !code.is_some_and(|code| expected.contains(&code)) || crashed {
            wrong.push(format!("{what}: exit {code:?}\n{output}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} variants:\n{}",
        wrong.len(),
        outcomes.len(),
        wrong.join("\n")
    );
}

/// The commands other than `validate` that read a version, run on the
/// damaged dataset: each may refuse it (exit 1 or 2) but none may crash.
/// Returns a line for each that did.
fn readers_crashing_on(dataset: &Path, out: &Path) -> String {
    std::fs::create_dir_all(out).unwrap();
    let d = arg(dataset);
    let file = |name: &str| out.join(name).to_str().unwrap().to_string();
    let (xliff, tmx, tasks) = (file("slots.xlf"), file("pairs.tmx"), file("tasks.json"));
    let commands: [Vec<&str>; 7] = [
        vec!["status", d],
        vec!["log", d],
        vec!["diff", d, "v0001", "v0001"],
        vec!["slots", "export", d, "--format", "xliff", "-o", &xliff],
        vec!["export", "parallel", d, "--format", "tmx", "-o", &tmx],
        vec![
            "entities",
            "export",
            d,
            "--format",
            "label-studio",
            "-o",
            &tasks,
        ],
        vec!["build", "--quiet", d],
    ];
    let mut crashes = String::new();
    for args in commands {
        let run = tarjama(&args);
        if !matches!(run.code, Some(0..=2)) || run.stderr.contains("panicked") {
            crashes += &format!(
                "`tarjama {}` crashed: {:?} {}\n",
                args.join(" "),
                run.code,
                run.stderr
            );
        }
    }
    crashes
}

/// Fields that take any text: a new value is a different, valid row.
const FREE_FIELDS: [&str; 3] = [
    "documents source_path",
    "translations text",
    "translations translator",
];
