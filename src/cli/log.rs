//! `tarjama log DIR`: the versions of a dataset, oldest first.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::{Error, Result};
use crate::{manifest, store};

/// List a dataset's versions: fingerprints, parents, row counts, skipped inputs.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset folder.
    dir: PathBuf,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let versions = store::versions(&args.dir)?;
    if versions.is_empty() && !args.dir.join(crate::settings::CONFIG_FILE).exists() {
        return Err(Error::MissingConfig {
            path: args.dir.join(crate::settings::CONFIG_FILE),
        });
    }
    let mut out = String::new();
    if versions.is_empty() {
        writeln!(
            out,
            "no versions yet: run `tarjama build {}`",
            args.dir.display()
        )
        .expect("infallible");
    }
    for (_, dir) in versions.iter().rev() {
        let (m, _) = manifest::read(dir)?;
        let rows = |table: &str| {
            m.files
                .iter()
                .find(|f| f.table == table && f.format == "parquet")
                .map_or(0, |f| f.rows)
        };
        writeln!(out, "{}  {}", m.version, m.fingerprint).expect("infallible");
        match &m.parent {
            Some(p) => writeln!(out, "  parent     {} ({})", p.version, p.fingerprint),
            None => writeln!(out, "  parent     none"),
        }
        .expect("infallible");
        writeln!(out, "  tool       {} {}", m.tool.name, m.tool.version).expect("infallible");
        if let Some(created) = &m.created {
            writeln!(out, "  created    {created}").expect("infallible");
        }
        writeln!(
            out,
            "  rows       documents {}  sentences {}  entities {}  translations {}",
            rows("documents"),
            rows("sentences"),
            rows("entities"),
            rows("translations")
        )
        .expect("infallible");
        writeln!(
            out,
            "  inputs     {} read, {} skipped",
            m.inputs.len(),
            m.skipped.len()
        )
        .expect("infallible");
        out.push_str(&super::audit_lines(&m.audit));
        for skip in &m.skipped {
            writeln!(
                out,
                "    skipped {} ({}): {}",
                skip.path, skip.code, skip.reason
            )
            .expect("infallible");
        }
    }
    super::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
