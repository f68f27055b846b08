//! `catchment synth`: deterministic synthetic pings, devices and campaigns for any OSM extract.

use anyhow::Result;
use catchment::input::ReadOptions;
use catchment::study::{InputSpec, Study};
use catchment::synth::{self, City, OpeningHours, SynthParams};
use catchment::{Branch, Poi};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Generate SYNTHETIC pings (and devices, campaigns) for a city from its OSM extract.
///
/// Output order: day by day; within a day, blocks of devices; time-sorted within a block.
/// The same seed gives byte-identical files at any thread count.
#[derive(Parser, Debug)]
pub struct Args {
    /// A study file: its roads extract, branches, POIs (with their CRS and column names) and time
    /// zone are used unless given below.
    #[arg(long, value_name = "FILE")]
    study: Option<PathBuf>,
    /// OpenStreetMap extract (.osm.pbf) of the city.
    #[arg(long, value_name = "FILE", required_unless_present = "study")]
    osm: Option<PathBuf>,
    /// The bank's own branches (branch_id,name,lon,lat[,brand]), WGS-84.
    #[arg(long, value_name = "FILE", required_unless_present = "study")]
    branches: Option<PathBuf>,
    /// POIs (poi_id,name,category,lon,lat[,brand][,opening_hours]), WGS-84.
    #[arg(long, value_name = "FILE", required_unless_present = "study")]
    pois: Option<PathBuf>,
    /// IANA time zone whose local clock routines follow [default: the study's, else Asia/Shanghai].
    #[arg(long)]
    timezone: Option<String>,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of devices (default 2000, or derived from --pings).
    #[arg(long)]
    devices: Option<u64>,
    /// Number of local days.
    #[arg(long, default_value_t = 7)]
    days: u32,
    /// First local day, YYYY-MM-DD.
    #[arg(long, default_value = "2026-06-01")]
    start: String,
    /// Target total pings: derives the device count, or with --devices scales ping rates.
    #[arg(long)]
    pings: Option<u64>,
    /// Number of past campaigns to draw.
    #[arg(long, default_value_t = 60)]
    campaign_count: usize,
    /// Ping output: .csv or .parquet.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
    /// devices.csv output (device_id,tier,age_band,gender,tags).
    #[arg(long, value_name = "FILE")]
    devices_out: Option<PathBuf>,
    /// campaigns.csv output (poi_id,branch_id,start,end,new_customers,cost).
    #[arg(long, value_name = "FILE")]
    campaigns_out: Option<PathBuf>,
    /// Truth file (default: synth_truth.json beside the ping output).
    #[arg(long, value_name = "FILE")]
    truth_out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

/// Runs the subcommand; errors are printed with their causes.
pub fn run(args: Args) -> ExitCode {
    match execute(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            let bad_input = e.chain().any(|c| {
                c.downcast_ref::<synth::SynthError>().is_some_and(|s| {
                    matches!(
                        s,
                        synth::SynthError::Osm { .. }
                            | synth::SynthError::Invalid(_)
                            | synth::SynthError::EmptyCity(_)
                    )
                }) || c.downcast_ref::<InputError>().is_some()
                    || c.downcast_ref::<catchment::input::InputError>().is_some()
            });
            ExitCode::from(if bad_input {
                super::EXIT_BAD_INPUT
            } else {
                super::EXIT_INTERNAL
            })
        }
    }
}

fn execute(args: Args) -> Result<()> {
    let started = Instant::now();
    let study = args.study.as_deref().map(Study::load).transpose()?;
    let timezone = match (&args.timezone, &study) {
        (Some(name), _) => jiff::tz::TimeZone::get(name)
            .map_err(|e| InputError(format!("unknown time zone {name:?}: {e}")))?,
        (None, Some(s)) => s.timezone.clone(),
        (None, None) => jiff::tz::TimeZone::get("Asia/Shanghai").expect("bundled tzdb"),
    };
    // An explicit file is WGS-84 with default columns; a study's file is read as the study says.
    let source = |given: &Option<PathBuf>,
                  from_study: Option<&InputSpec>,
                  what: &str|
     -> Result<(PathBuf, ReadOptions)> {
        let plain = ReadOptions::new("synth", timezone.clone());
        match (given, from_study, &study) {
            (Some(p), _, _) => Ok((p.clone(), plain)),
            (None, Some(spec), Some(s)) => Ok((spec.path.clone(), s.read_options(spec, None))),
            _ => Err(InputError(format!(
                "no {what}: give --{what} or a study whose [inputs] has {what}"
            ))
            .into()),
        }
    };
    let (osm, _) = source(
        &args.osm,
        study.as_ref().and_then(|s| s.inputs.roads.as_ref()),
        "roads",
    )?;
    let branches_in = source(
        &args.branches,
        study.as_ref().map(|s| &s.inputs.branches),
        "branches",
    )?;
    let pois_in = source(
        &args.pois,
        study.as_ref().and_then(|s| s.inputs.pois.as_ref()),
        "pois",
    )?;
    let start: jiff::civil::Date = args.start.parse().map_err(|e| {
        InputError(format!(
            "--start {:?} is not a YYYY-MM-DD date: {e}",
            args.start
        ))
    })?;
    let (branches, pois, hours) = read_inputs(&branches_in, &pois_in)?;
    let mut city = City::from_osm(&osm, &branches, &pois)?;
    city.with_opening_hours(hours.iter().map(|(id, h)| (id.as_str(), *h)));
    let mut params = SynthParams {
        seed: args.seed,
        devices: args.devices,
        days: args.days,
        start,
        timezone,
        target_pings: args.pings,
        ..SynthParams::default()
    };
    params.campaigns.count = args.campaign_count;
    let params = synth::resolve(&city, &params)?;
    let log = |m: String| {
        if !args.quiet {
            eprintln!("{m}");
        }
    };
    let s = city.stats();
    log(format!(
        "synth: city from {}: {} buildings ({} home, {} work), {} work points, {} POIs, {} branches",
        osm.display(),
        s.buildings,
        s.home_buildings,
        s.work_buildings,
        s.work_points,
        city.poi_count(),
        branches.len()
    ));

    let gen_started = Instant::now();
    let mut sink = synth::open_ping_sink(&args.output)?;
    let summary = synth::generate(&city, &params, &mut sink)?;
    sink.finish()?;
    let secs = gen_started.elapsed().as_secs_f64();
    log(format!(
        "synth: {} SYNTHETIC pings from {} devices over {} days -> {} ({:.1} s, {:.0} pings/s)",
        summary.pings,
        summary.devices,
        summary.days,
        args.output.display(),
        secs,
        summary.pings as f64 / secs.max(1e-9)
    ));
    if let Some(path) = &args.devices_out {
        let n = synth::write_devices_csv(&city, &params, path)?;
        log(format!("synth: {n} devices -> {}", path.display()));
    }
    let truth = synth::poi_truth(&city, &params)?;
    let campaigns = synth::campaigns(&city, &params, &truth)?;
    if let Some(path) = &args.campaigns_out {
        synth::write_campaigns_csv(path, &campaigns)?;
        log(format!(
            "synth: {} campaigns -> {}",
            campaigns.len(),
            path.display()
        ));
    }
    let truth_path = args.truth_out.clone().unwrap_or_else(|| {
        args.output
            .parent()
            .unwrap_or(Path::new(""))
            .join("synth_truth.json")
    });
    synth::write_truth_json(&truth_path, &city, &params, &summary, &truth, &campaigns)?;
    log(format!(
        "synth: truth -> {} (total {:.1} s)",
        truth_path.display(),
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// A command-line value that cannot be used (bad input, exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct InputError(String);

type Hours = Vec<(String, OpeningHours)>;

/// Branches and POIs through the validating readers (rejected rows are reported, not used), and the
/// POIs' parseable `opening_hours`.
fn read_inputs(
    (branches, b_opts): &(PathBuf, ReadOptions),
    (pois, p_opts): &(PathBuf, ReadOptions),
) -> Result<(Vec<Branch>, Vec<Poi>, Hours)> {
    let b = catchment::input::read_branches(branches, b_opts)?;
    let p = catchment::input::read_pois(pois, p_opts)?;
    for (what, path, log) in [
        ("branches", branches, &b.rejects),
        ("POIs", pois, &p.rejects),
    ] {
        if let Some(first) = log.first() {
            eprintln!(
                "synth: ignored {} rejected {what} row(s) of {} (first: line {}: {}); `catchment validate` lists them all",
                log.total(),
                path.display(),
                first.line,
                first.reason
            );
        }
    }
    let hours = p
        .records
        .iter()
        .filter_map(|poi| {
            Some((
                poi.poi_id.clone(),
                OpeningHours::parse(poi.opening_hours.as_deref()?)?,
            ))
        })
        .collect();
    Ok((b.records, p.records, hours))
}
