//! `tarjama init DIR`: a new dataset folder with default settings.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::Result;
use crate::settings::DatasetConfig;

/// Create a dataset folder: a default dataset.toml and an empty raw/.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset folder to create (may exist, but must not hold a dataset.toml).
    dir: PathBuf,
    /// The dataset's name [default: the folder's name].
    #[arg(long)]
    name: Option<String>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let config = DatasetConfig::init(&args.dir, args.name.as_deref())?;
    super::emit(&format!(
        "created dataset {:?} in {}: put articles in {}/ and run `tarjama build {}`\n",
        config.name,
        args.dir.display(),
        config.raw_dir(&args.dir).display(),
        args.dir.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}
