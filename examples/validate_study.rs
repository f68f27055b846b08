//! Read a study's inputs from Rust, without the CLI: load the study, read the small inputs, stream
//! the pings, and print what came in and what was rejected.
//!
//! ```sh
//! cargo run --example validate_study -- data/monaco/study.toml
//! ```

use catchment::study::{Study, StudyInputs};
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/study.toml").into());
    let study = Study::load(path.as_ref())?;
    let inputs = StudyInputs::load(&study, false)?;
    println!(
        "{}: {} branches, {} POIs",
        study.name,
        inputs.branches.len(),
        inputs.pois.len()
    );

    // Pings are streamed in batches (struct of arrays), never loaded whole.
    if let Some(reader) = inputs.ping_reader(&study) {
        let mut reader = reader?;
        let (mut pings, mut devices) = (0, std::collections::HashSet::new());
        for batch in &mut reader {
            let batch = batch?;
            pings += batch.len();
            devices.extend(batch.device.iter().copied());
        }
        println!("{pings} valid pings from {} devices", devices.len());
        let rejects = reader.into_rejects();
        for (reason, n) in rejects.by_reason() {
            println!("  rejected {n:>7}  {reason}");
        }
        if let Some(first) = rejects.first() {
            println!("  e.g. line {}: {}", first.line, first.reason);
        }
    }
    Ok(())
}
