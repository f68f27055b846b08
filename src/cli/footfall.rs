//! `catchment footfall <study>`: joins the pings to cells and fences and writes the `heat_grid`
//! layer, `fences` with footfall fields, and the `hourly` and `opening_hours` tables.

use super::Failure;
use super::report::print_report;
use catchment::footfall::{FootfallRun, RunOptions, run_study};
use catchment::output::{
    write_fences_footfall, write_heat_grid, write_hourly_csv, write_opening_hours_csv,
    write_poi_footfall_csv,
};
use catchment::study::{Study, StudyInputs};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study file (TOML).
    pub study: PathBuf,
    /// Output folder (default: the study's output folder).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Fail (exit 2) on the first input with a rejected row.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Engine knobs shared by `footfall` and `demo`.
#[derive(clap::Args, Debug, Clone)]
pub struct EngineArgs {
    /// MiB of pings held in memory between the passes before spilling to disk.
    #[arg(long, default_value_t = 512)]
    pub memory_mb: usize,
    /// Folder for spill files (default: the system's temporary folder).
    #[arg(long)]
    pub spill_dir: Option<PathBuf>,
    /// Worker threads (default: all cores). Outputs are identical at any count.
    #[arg(long)]
    pub threads: Option<usize>,
}

impl EngineArgs {
    fn options(&self) -> RunOptions {
        RunOptions {
            memory_budget: self.memory_mb.max(1) << 20,
            spill_dir: self.spill_dir.clone(),
        }
    }
}

pub fn run(args: Args) -> Result<(), Failure> {
    let mut study = Study::load(&args.study)?;
    study.validation.strict |= args.strict;
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| study.outputs.dir.clone());
    footfall(&study, &out, &args.engine)
}

/// Reads the inputs, builds fences, runs the join and writes every footfall output into `out`;
/// shared by `footfall` and `demo`.
pub fn footfall(study: &Study, out: &Path, engine: &EngineArgs) -> Result<(), Failure> {
    if let Some(n) = engine.threads {
        // A second call in one process (tests) keeps the first pool: outputs do not depend on it.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let started = Instant::now();
    let mut inputs = StudyInputs::load(study, study.validation.strict)?;
    let fences = super::fences::build(study, &inputs)?;
    let run = run_study(study, &inputs, &fences, &engine.options()).map_err(|e| match e {
        catchment::footfall::FootfallError::Input(e) => Failure::input(e),
        e => Failure::from(e),
    })?;
    inputs.reports.push(run.pings.clone());
    let rejects_dir = out.join("rejects");
    let mut written = Vec::new();
    for r in &inputs.reports {
        if let Some(p) = r.rejects.write(&rejects_dir)? {
            written.push(p);
        }
    }
    print_report(study, &inputs, &written);
    println!();
    let layers = out.join("layers");
    let tables = out.join("tables");
    write_fences_footfall(layers.join("fences.geojson"), &fences, &run.tables.fences)?;
    super::fences::summarise(&fences, &inputs, &layers.join("fences.geojson"), started);
    write_heat_grid(layers.join("heat_grid.geojson"), &run.tables.heat)?;
    write_hourly_csv(tables.join("hourly.csv"), &fences, &run.tables)?;
    write_opening_hours_csv(tables.join("opening_hours.csv"), &run.tables)?;
    write_poi_footfall_csv(tables.join("poi_footfall.csv"), &inputs.pois, &run.tables)?;
    summarise(&run, out);
    Ok(())
}

fn summarise(run: &FootfallRun, out: &Path) {
    let c = &run.counts;
    let t = &run.tables;
    let devices: u64 = c.devices.iter().sum();
    println!();
    println!(
        "footfall   {} pings of {} devices ({} customers) over {} local days ({} weekdays, {} weekend days)",
        c.pings,
        devices,
        devices - c.devices[0],
        t.days[2],
        t.days[0],
        t.days[1]
    );
    println!(
        "           {} stays, {} homes, {} workplaces; {} cells with devices",
        c.stays,
        c.homes,
        c.workplaces,
        t.heat.len()
    );
    if c.unlocated > 0 {
        println!(
            "           {} pings outside the study area's cells",
            c.unlocated
        );
    }
    println!(
        "privacy    {} values suppressed ({} under the threshold, {} complementary)",
        t.suppressions.total(),
        t.suppressions.primary,
        t.suppressions.complementary
    );
    let [a, b, d] = run.timings;
    println!(
        "timings    read + partition {:.2} s, locator {:.2} s, aggregate {:.2} s; {} MiB spilled",
        a.as_secs_f64(),
        b.as_secs_f64(),
        d.as_secs_f64(),
        run.spilled_bytes >> 20
    );
    for (what, path) in [
        ("layer", "layers/heat_grid.geojson"),
        ("layer", "layers/fences.geojson"),
        ("table", "tables/hourly.csv"),
        ("table", "tables/opening_hours.csv"),
        ("table", "tables/poi_footfall.csv"),
    ] {
        println!("{what:<10} {}", out.join(path).display());
    }
}
