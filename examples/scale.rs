//! Scale benchmark of the footfall join (pass 1 + pass 2 + heat grid), reporting pings/s and peak
//! memory per case. Each case runs in its own child process so that its peak RSS (`VmHWM`) is its
//! own.
//!
//! ```sh
//! # Synthetic pings on the Monaco study (346 fences, res 10), N pings as Parquet and as CSV:
//! cargo run --release --example scale -- synth --pings 5000000
//! # The peer workload of ../shared/bench/peers (550 fences, res 9, UTC hours), same files as the peers:
//! cargo run --release --example scale -- peer --data ~/.cache/peerbench/data --n 5000000
//! ```
//!
//! Options: `--threads N` (default: all cores), `--work DIR` (synth files; default
//! `target/scale`), `--memory-mb M` (pings held between the passes before spilling, 512),
//! `--runs R` (median of R runs, 3), `--pixel-m P` (peer mode: the locator's pixel side instead of
//! `footfall::locator_pixel_m`). Output: one JSON line per case and a table.

use catchment::fence::Fence;
use catchment::footfall::{
    ALL_DAYS, Footfall, FootfallCounts, RunOptions, Segments, locator_pixel_m, partition_pings,
    run_study,
};
use catchment::index::Locator;
use catchment::input::{PingReader, ReadOptions};
use catchment::study::{Study, StudyInputs};
use catchment::synth::{self, City, SynthParams};
use catchment::time::LocalClock;
use geo::{MultiPolygon, Rect};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if let Some(case) = opt("--case") {
        return child(&case, &opt);
    }
    let mode = args.first().map(String::as_str).unwrap_or("synth");
    let runs: usize = opt("--runs").map_or(Ok(3), |v| v.parse())?;
    let mut common: Vec<String> = Vec::new();
    for k in ["--threads", "--memory-mb"] {
        if let Some(v) = opt(k) {
            common.extend([k.to_string(), v]);
        }
    }
    let cases: Vec<(String, Vec<String>)> = match mode {
        "synth" => {
            let n: u64 = opt("--pings").map_or(Ok(1_000_000), |v| v.parse())?;
            let work = PathBuf::from(opt("--work").unwrap_or_else(|| "target/scale".into()));
            let files = synth_files(&work, n)?;
            files
                .into_iter()
                .map(|f| {
                    let ext = f.extension().unwrap().to_string_lossy().into_owned();
                    (
                        format!("monaco_{ext}"),
                        vec!["--pings-file".into(), f.display().to_string()],
                    )
                })
                .collect()
        }
        "peer" => {
            let data = PathBuf::from(opt("--data").ok_or("peer needs --data DIR")?);
            let n = opt("--n").ok_or("peer needs --n N")?;
            let fences = data.join("geofences.geojson");
            if !fences.exists() {
                return Err(format!(
                    "{} is missing: convert the peers' fences once (see BENCHMARKS.md)",
                    fences.display()
                )
                .into());
            }
            let mut v = Vec::new();
            for ext in ["parquet", "csv"] {
                let pings = data.join(format!("pings_{n}.{ext}"));
                if !pings.exists() {
                    continue;
                }
                for (case, with_fences) in [("cells", false), ("join", true)] {
                    let mut a = vec!["--pings-file".into(), pings.display().to_string()];
                    if with_fences {
                        a.extend(["--fences".into(), fences.display().to_string()]);
                    }
                    v.push((format!("peer_{case}_{ext}"), a));
                }
            }
            v
        }
        other => return Err(format!("unknown mode {other:?}: synth or peer").into()),
    };
    let exe = std::env::current_exe()?;
    println!(
        "{:<20} {:>11} {:>9} {:>12} {:>10} {:>9}  check",
        "case", "pings", "wall s", "pings/s", "CPU s", "peak MiB"
    );
    for (name, extra) in cases {
        let mut lines = Vec::new();
        for _ in 0..runs.max(1) {
            let out = Command::new(&exe)
                .args(["--case", &name])
                .args(&extra)
                .args(&common)
                .output()?;
            if !out.status.success() {
                return Err(format!(
                    "case {name} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                )
                .into());
            }
            let line = String::from_utf8(out.stdout)?.trim().to_string();
            let v: serde_json::Value = serde_json::from_str(&line)?;
            eprintln!("{line}");
            lines.push(v);
        }
        lines.sort_by(|a, b| {
            a["wall_s"]
                .as_f64()
                .partial_cmp(&b["wall_s"].as_f64())
                .unwrap()
        });
        let m = &lines[lines.len() / 2];
        println!(
            "{:<20} {:>11} {:>9.2} {:>12.0} {:>10.2} {:>9.0}  {}",
            name,
            m["pings"],
            m["wall_s"].as_f64().unwrap_or(0.0),
            m["pings_per_s"].as_f64().unwrap_or(0.0),
            m["cpu_s"].as_f64().unwrap_or(0.0),
            m["peak_rss_mib"].as_f64().unwrap_or(0.0),
            m["check"]
        );
    }
    Ok(())
}

/// Generates N synthetic pings on the Monaco study as Parquet and CSV (once; reused after).
fn synth_files(work: &Path, n: u64) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(work)?;
    let files = vec![
        work.join(format!("monaco_{n}.parquet")),
        work.join(format!("monaco_{n}.csv")),
    ];
    if files.iter().all(|f| f.exists()) {
        return Ok(files);
    }
    let study = Study::load(&monaco())?;
    let inputs = StudyInputs::load(&study, false)?;
    let roads = study
        .inputs
        .roads
        .as_ref()
        .ok_or("the study has no roads")?;
    let city = City::from_osm(&roads.path, &inputs.branches, &inputs.pois)?;
    let params = SynthParams {
        target_pings: Some(n),
        timezone: study.timezone.clone(),
        start: jiff::civil::date(2026, 6, 1),
        ..SynthParams::default()
    };
    for f in &files {
        let t = Instant::now();
        let mut sink = synth::open_ping_sink(f)?;
        let s = synth::generate(&city, &params, &mut *sink)?;
        sink.finish()?;
        eprintln!(
            "synth: {} pings -> {} ({:.1} s)",
            s.pings,
            f.display(),
            t.elapsed().as_secs_f64()
        );
    }
    Ok(files)
}

fn monaco() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/monaco/study.toml")
}

/// One measured case, in this (child) process; prints one JSON line.
fn child(case: &str, opt: &dyn Fn(&str) -> Option<String>) -> Result<(), Error> {
    if let Some(t) = opt("--threads") {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t.parse()?)
            .build_global()?;
    }
    let pings_file = PathBuf::from(opt("--pings-file").ok_or("--pings-file")?);
    let run_opts = RunOptions {
        memory_budget: opt("--memory-mb").map_or(Ok(512), |v| v.parse::<usize>())? << 20,
        spill_dir: None,
    };
    let cpu0 = cpu_seconds();
    let (pings, wall, check) = if case.starts_with("monaco") {
        let mut study = Study::load(&monaco())?;
        if let Some(p) = study.inputs.pings.as_mut() {
            p.path = pings_file.clone();
            p.format = None;
        }
        let inputs = StudyInputs::load(&study, false)?;
        let fences = build_fences(&study, &inputs)?;
        reset_peak();
        let t = Instant::now();
        let run = run_study(&study, &inputs, &fences, &run_opts)?;
        let wall = t.elapsed().as_secs_f64();
        let c = &run.counts;
        let check = format!(
            "devices {} stays {} homes {} cells {}",
            c.devices.iter().sum::<u64>(),
            c.stays,
            c.homes,
            run.tables.heat.len()
        );
        (c.pings + run.pings.rejects.total(), wall, check)
    } else {
        // The peers' box: 30 km × 30 km around (104.06, 30.66); hours in UTC like the peers.
        let area = Rect::new((103.90, 30.52), (104.22, 30.80));
        let fences = match opt("--fences") {
            Some(f) => read_fences(Path::new(&f))?,
            None => Vec::new(),
        };
        let n_fences = fences.len();
        reset_peak();
        let t = Instant::now();
        let mut ro = ReadOptions::new("peer-bench", jiff::tz::TimeZone::UTC);
        ro.study_area = Some(area);
        let mut reader = PingReader::open(&pings_file, None, &ro)?;
        let parts = partition_pings(&mut reader, &run_opts)?;
        // As a study run does: the locator after pass 1, its pixel sized by the ping count.
        let pixel_m = match opt("--pixel-m") {
            Some(m) => m.parse()?,
            None => locator_pixel_m(h3o::Resolution::Nine, parts.valid),
        };
        let locator = Locator::builder(area, h3o::Resolution::Nine)
            .fences(fences)
            .pixel_m(pixel_m)
            .build()?;
        eprintln!("{:?}", locator.stats());
        let segments = Segments::new(None, &[]);
        let engine = Footfall::new(&locator, LocalClock::utc(), &segments);
        let c = engine.aggregate(parts.pings)?;
        let wall = t.elapsed().as_secs_f64();
        (
            c.pings + reader.rejects().total(),
            wall,
            peer_check(&c, n_fences),
        )
    };
    let cpu = cpu_seconds() - cpu0;
    println!(
        "{}",
        serde_json::json!({
            "case": case,
            "pings": pings,
            "wall_s": wall,
            "pings_per_s": pings as f64 / wall,
            "cpu_s": cpu,
            "peak_rss_mib": peak_rss_kib() as f64 / 1024.0,
            "threads": rayon::current_num_threads(),
            "check": check,
        })
    );
    Ok(())
}

/// The peers' checksums: (c) groups of (cell, UTC hour) + sum of their distinct devices; (b) pairs
/// + sum of per-fence distinct devices.
fn peer_check(c: &FootfallCounts, fences: usize) -> String {
    let (mut groups, mut sum) = (0u64, 0u64);
    for cell in 0..c.dims.cells {
        for h in 0..24 {
            let v = c.cell_hour[FootfallCounts::cell_hour_index(cell, ALL_DAYS, h)];
            if v > 0 {
                groups += 1;
                sum += u64::from(v);
            }
        }
    }
    let mut s = format!(
        "cell_hour groups {groups} + distinct {sum} = {}",
        groups + sum
    );
    if fences > 0 {
        let pairs: u64 = c.fence_pings.iter().sum();
        let distinct: u64 = c.fence_devices.iter().map(|&d| u64::from(d)).sum();
        s.push_str(&format!(
            "; join pairs {pairs} + distinct {distinct} = {}",
            pairs + distinct
        ));
    }
    s
}

fn build_fences(study: &Study, inputs: &StudyInputs) -> Result<Vec<Fence>, Error> {
    use catchment::fence::{FenceInputs, build_fences, travel::RoadGraph, travel_modes};
    let modes = travel_modes(&study.fences);
    let graph = match &study.inputs.roads {
        Some(r) if !modes.is_empty() => Some(RoadGraph::from_pbf(&r.path, &modes)?),
        _ => None,
    };
    let base = study.path.parent().map(PathBuf::from).unwrap_or_default();
    let fi = FenceInputs {
        admin: &inputs.admin,
        study_area: inputs.study_area,
        crs: study.crs,
        base_dir: &base,
        roads: graph.as_ref(),
    };
    Ok(build_fences(&inputs.branches, &study.fences, &fi)?)
}

/// Every feature of a GeoJSON FeatureCollection as one fence (Polygon or MultiPolygon).
fn read_fences(path: &Path) -> Result<Vec<MultiPolygon<f64>>, Error> {
    let gj: geojson::GeoJson = std::fs::read_to_string(path)?.parse()?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(format!("{}: not a FeatureCollection", path.display()).into());
    };
    let mut out = Vec::new();
    for f in fc.features {
        let g = f.geometry.ok_or("feature without geometry")?;
        let g: geo::Geometry<f64> = g.try_into()?;
        out.push(match g {
            geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
            geo::Geometry::MultiPolygon(m) => m,
            _ => return Err("fences must be polygons".into()),
        });
    }
    Ok(out)
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn peak_rss_kib() -> u64 {
    status_kib("VmHWM:")
}

/// Resets the peak RSS to the current RSS (Linux `clear_refs` 5), so setup does not count.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn cpu_seconds() -> f64 {
    // utime + stime of the whole process, in clock ticks (100 Hz on Linux).
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some((f[11].parse::<f64>().ok()? + f[12].parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(0.0)
}
