//! `tarjama log DIR`: the versions of a dataset, newest first.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use crate::error::{Error, Result};
use crate::model::{Manifest, SkippedInput};
use crate::{manifest, store};

/// The tables `log` counts rows of, in this order; orphans only when a
/// version has some.
const TABLES: [&str; 5] = [
    "documents",
    "sentences",
    "entities",
    "translations",
    "orphans",
];

/// List a dataset's versions: fingerprints, parents, row counts, skipped inputs.
///
/// Exit 1 when a version's manifest cannot be read or was changed after it
/// was written (listed as damaged among the others); `validate` checks the files.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset folder.
    dir: PathBuf,
    /// Print JSON: one object per version, newest first, with "version",
    /// "fingerprint", "parent", "tool", "created", "rows" per table,
    /// "inputs", "skipped", "audit" and "import", and "damaged" (why) for a
    /// version whose manifest cannot be read or was changed (exit 1).
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let versions = store::versions(&args.dir)?;
    if versions.is_empty() && !args.dir.join(crate::settings::CONFIG_FILE).exists() {
        return Err(Error::MissingConfig {
            path: args.dir.join(crate::settings::CONFIG_FILE),
        });
    }
    // One manifest at a time: a manifest lists every input of its build.
    let mut entries = Vec::new();
    let mut out = String::new();
    if versions.is_empty() {
        writeln!(
            out,
            "no versions yet: run `tarjama build {}`",
            args.dir.display()
        )
        .expect("infallible");
    }
    let mut damaged = 0;
    for (number, dir) in versions.iter().rev() {
        // A damaged version is listed as such among the others: the history
        // around it is what its owner needs to restore it.
        let (entry, problem) = match manifest::read(dir) {
            Ok((m, bytes)) => {
                let problem = manifest::changed_after_writing(&m, &bytes);
                (Some(m), problem)
            }
            Err(e) => (None, Some(e.to_string())),
        };
        let problem = problem.map(|p| {
            damaged += 1;
            format!("{p}; run `tarjama validate {}`", dir.display())
        });
        if args.json {
            let mut entry = match &entry {
                Some(m) => as_json(m),
                None => json!({"version": store::version_name(*number)}),
            };
            if let Some(problem) = problem {
                entry["damaged"] = problem.into();
            }
            entries.push(entry);
            continue;
        }
        match &entry {
            Some(m) => write_version(&mut out, m, problem.as_deref()),
            None => writeln!(
                out,
                "{}\n  damaged    {}",
                store::version_name(*number),
                problem.as_deref().unwrap_or_default()
            )
            .expect("infallible"),
        }
    }
    if args.json {
        super::emit_json(&entries)?;
    } else {
        super::emit(&out)?;
    }
    Ok(if damaged > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Tables with rows in this version (orphans only when there are some).
fn row_counts(m: &Manifest) -> Vec<(&'static str, u64)> {
    TABLES
        .iter()
        .map(|&table| (table, m.table_rows(table)))
        .filter(|&(table, rows)| table != "orphans" || rows > 0)
        .collect()
}

fn write_version(out: &mut String, m: &Manifest, damaged: Option<&str>) {
    writeln!(out, "{}  {}", m.version, m.fingerprint).expect("infallible");
    if let Some(problem) = damaged {
        writeln!(out, "  damaged    {problem}").expect("infallible");
    }
    match &m.parent {
        Some(p) => writeln!(out, "  parent     {} ({})", p.version, p.fingerprint),
        None => writeln!(out, "  parent     none"),
    }
    .expect("infallible");
    writeln!(out, "  tool       {} {}", m.tool.name, m.tool.version).expect("infallible");
    if let Some(created) = &m.created {
        writeln!(out, "  created    {created}").expect("infallible");
    }
    let rows: Vec<String> = row_counts(m)
        .into_iter()
        .map(|(table, rows)| format!("{table} {rows}"))
        .collect();
    writeln!(out, "  rows       {}", rows.join("  ")).expect("infallible");
    write!(
        out,
        "  inputs     {} read, {} skipped",
        m.inputs.len(),
        m.skipped.len()
    )
    .expect("infallible");
    if !m.skipped.is_empty() {
        let mut codes: Vec<(&str, usize)> = SkippedInput::count_by_code(&m.skipped)
            .into_iter()
            .collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let codes: Vec<String> = codes.iter().map(|(c, n)| format!("{c} {n}")).collect();
        write!(out, " ({})", codes.join(", ")).expect("infallible");
    }
    out.push('\n');
    out.push_str(&super::audit_lines(&m.audit));
    super::list_skipped(out, &m.skipped, 10, "`tarjama log --json` lists every one");
}

fn as_json(m: &Manifest) -> serde_json::Value {
    let rows: serde_json::Map<String, serde_json::Value> = row_counts(m)
        .into_iter()
        .map(|(table, rows)| (table.to_string(), rows.into()))
        .collect();
    json!({
        "version": m.version,
        "fingerprint": m.fingerprint,
        "parent": m.parent.as_ref().map(|p| json!({"version": p.version, "fingerprint": p.fingerprint})),
        "tool": m.tool,
        "created": m.created,
        "rows": rows,
        "inputs": m.inputs.len(),
        "skipped": m.skipped,
        "audit": m.audit,
        "import": m.import,
    })
}
