//! `catchment fences <study>`: build every branch's fences and write them as a GeoJSON layer.

use super::Failure;
use catchment::fence::travel::RoadGraph;
use catchment::fence::{Fence, FenceInputs, build_fences, travel_modes};
use catchment::output::write_fences_geojson;
use catchment::study::{Study, StudyInputs};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study file (TOML).
    pub study: PathBuf,
    /// Output file (default: `<study output folder>/layers/fences.geojson`).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let study = Study::load(&args.study)?;
    let inputs = StudyInputs::load(&study, study.validation.strict)?;
    let out = args
        .output
        .unwrap_or_else(|| study.outputs.dir.join("layers/fences.geojson"));
    write_fences(&study, &inputs, &out)
}

/// Builds the study's fences and writes them to `out`.
pub fn write_fences(study: &Study, inputs: &StudyInputs, out: &Path) -> Result<(), Failure> {
    let started = Instant::now();
    let fences = build(study, inputs)?;
    write_fences_geojson(out, &fences)?;
    summarise(&fences, inputs, out, started);
    Ok(())
}

/// Builds the study's fences (the road graph once, if a travel fence needs it).
pub fn build(study: &Study, inputs: &StudyInputs) -> Result<Vec<Fence>, Failure> {
    let base_dir = study.path.parent().map(PathBuf::from).unwrap_or_default();
    let modes = travel_modes(&study.fences);
    let graph = match (&study.inputs.roads, modes.is_empty()) {
        (_, true) => None,
        (None, false) => None, // build_fences names the travel fence that needs [inputs.roads]
        (Some(roads), false) => {
            let t = Instant::now();
            let g = RoadGraph::from_pbf(&roads.path, &modes).map_err(Failure::input)?;
            let s = g.stats();
            eprintln!(
                "road graph from {}: {} nodes, {} edges ({:.2} s)",
                roads.path.display(),
                s.nodes,
                s.edges,
                t.elapsed().as_secs_f64()
            );
            Some(g)
        }
    };
    let fence_inputs = FenceInputs {
        admin: &inputs.admin,
        study_area: inputs.study_area,
        crs: study.crs,
        base_dir: &base_dir,
        roads: graph.as_ref(),
    };
    build_fences(&inputs.branches, &study.fences, &fence_inputs).map_err(Failure::input)
}

/// Prints how many fences of each kind went to `out`, and the primary ones.
pub fn summarise(fences: &[Fence], inputs: &StudyInputs, out: &Path, started: Instant) {
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for f in fences {
        *by_kind.entry(f.kind.as_str()).or_default() += 1;
    }
    println!(
        "{} fences for {} branches -> {} ({:.2} s)",
        fences.len(),
        inputs.branches.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    for (k, n) in by_kind {
        println!("  {n:>6} {k}");
    }
    for f in fences.iter().filter(|f| f.primary) {
        println!(
            "  primary {:<20} {:<16} {:.4} km²",
            f.branch_id, f.fence_id, f.area_km2
        );
    }
}
