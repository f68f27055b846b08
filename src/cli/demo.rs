//! `catchment demo`: the bundled Monaco study (real OpenStreetMap and GeoNames data, synthetic
//! pings), run into `./out`.

use super::Failure;
use catchment::study::Study;
use std::path::PathBuf;

/// Where the demo data was at build time (the crate's `data/monaco`).
const BUNDLED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/study.toml");

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// Another study file to run instead of the bundled Monaco one.
    #[arg(long)]
    pub study: Option<PathBuf>,
    #[command(flatten)]
    pub engine: super::footfall::EngineArgs,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let path = args.study.unwrap_or_else(|| PathBuf::from(BUNDLED));
    let study = Study::load(&path)?;
    eprintln!("catchment demo: {} ({})", study.name, path.display());
    super::footfall::footfall(&study, &args.output, &args.engine)
}
