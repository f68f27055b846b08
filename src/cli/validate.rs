//! `catchment validate <study>`: read every input, report counts, rejects and extents.

use super::Failure;
use super::report::print_report;
use catchment::study::{Study, StudyInputs};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study file (TOML).
    pub study: PathBuf,
    /// Folder for `rejects/<input>.csv` (default: the study's output folder).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Fail (exit 2) on the first input with a rejected row.
    #[arg(long)]
    pub strict: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let study = Study::load(&args.study)?;
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| study.outputs.dir.clone());
    validate(&study, &out, args.strict || study.validation.strict).map(drop)
}

/// Reads everything, prints the report, writes rejects; shared by `validate` and `demo`.
pub fn validate(
    study: &Study,
    out: &std::path::Path,
    strict: bool,
) -> Result<StudyInputs, Failure> {
    let mut inputs = StudyInputs::load(study, strict)?;
    if let Some(pings) = inputs.scan_pings(study, strict) {
        inputs.reports.push(pings?);
    }
    let rejects_dir = out.join("rejects");
    let mut written = Vec::new();
    for r in &inputs.reports {
        if let Some(p) = r.rejects.write(&rejects_dir)? {
            written.push(p);
        }
    }
    print_report(study, &inputs, &written);
    Ok(inputs)
}
