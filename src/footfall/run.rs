//! A whole footfall run over a study: locator, segments, both passes and the finished tables.

use super::{
    Footfall, FootfallCounts, FootfallError, FootfallTables, Partitioned, Segments, SpillStore,
    finish,
};
use crate::fence::Fence;
use crate::index::Locator;
use crate::mobility::PoiIndex;
use crate::study::{InputReport, Study, StudyInputs, extent, union};
use crate::time::LocalClock;
use geo::Rect;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a run may use memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    /// Bytes of pings held in memory between the passes before spilling to disk (512 MiB).
    pub memory_budget: usize,
    /// Folder for spill files (default: the system's temporary folder).
    pub spill_dir: Option<PathBuf>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            memory_budget: 512 << 20,
            spill_dir: None,
        }
    }
}

/// Everything a footfall run produced.
#[derive(Debug)]
pub struct FootfallRun {
    /// The published tables.
    pub tables: FootfallTables,
    /// The merged counters (before suppression).
    pub counts: FootfallCounts,
    /// The pings input report (rows, rejects, extent, time span).
    pub pings: InputReport,
    /// Segment names.
    pub segments: Vec<String>,
    /// Bytes spilled to disk between the passes.
    pub spilled_bytes: u64,
    /// Time to read + partition (pass 1), build the locator, and aggregate (pass 2).
    pub timings: [Duration; 3],
}

/// The result of pass 1 over a pings file.
#[derive(Debug)]
pub struct Ingested {
    /// Valid pings, by partition.
    pub pings: Partitioned,
    /// Valid pings read.
    pub valid: u64,
    /// Extent of the valid pings.
    pub bounds: Option<Rect<f64>>,
    /// Earliest and latest valid time (epoch seconds).
    pub time_span: Option<(i64, i64)>,
}

struct Pass1 {
    parts: Partitioned,
    valid: u64,
    bounds: Option<Rect<f64>>,
    span: Option<(i64, i64)>,
    error: Option<FootfallError>,
}

/// Pass 1 over a whole pings file, decoded on every core of the rayon pool: each valid ping is
/// routed to its partition, spilling to a store under `opts.spill_dir` once the pings held in
/// memory pass `opts.memory_budget`. Rejects stay in the reader, in file order.
///
/// # Errors
/// [`FootfallError::Input`] when the file turns out malformed, [`FootfallError::Spill`].
pub fn partition_pings(
    reader: &mut crate::input::PingReader,
    opts: &RunOptions,
) -> Result<Ingested, FootfallError> {
    let spill_parent = opts.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
    let store = Arc::new(SpillStore::create(&spill_parent)?);
    let threads = rayon::current_num_threads().max(1);
    let budget_records = opts.memory_budget / std::mem::size_of::<super::PingRecord>() / threads;
    let states = reader.par_fold(
        || Pass1 {
            parts: Partitioned::new(budget_records, Some(store.clone())),
            valid: 0,
            bounds: None,
            span: None,
            error: None,
        },
        |st, batch| {
            if st.error.is_some() || batch.is_empty() {
                return;
            }
            st.valid += batch.len() as u64;
            let b = extent(batch.lon.iter().copied().zip(batch.lat.iter().copied()));
            st.bounds = union(st.bounds, b);
            let (lo, hi) = batch
                .ts
                .iter()
                .fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
            st.span = Some(st.span.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
            if let Err(e) = st.parts.push_batch(&batch) {
                st.error = Some(e);
            }
        },
    )?;
    let mut out = Ingested {
        pings: Partitioned::new(usize::MAX, Some(store)),
        valid: 0,
        bounds: None,
        time_span: None,
    };
    for st in states {
        if let Some(e) = st.error {
            return Err(e);
        }
        out.pings.merge(st.parts);
        out.valid += st.valid;
        out.bounds = union(out.bounds, st.bounds);
        out.time_span = match (out.time_span, st.span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (x, None) | (None, x) => x,
        };
    }
    Ok(out)
}

/// Pixels of a study run's locator at most (8 bytes each: 128 MiB).
pub const LOCATOR_MAX_PIXELS: usize = 16 << 20;

/// The locator's pixel side for a run of `pings` pings: the H3 edge ÷ 15 (the locator's default),
/// or ÷ 30 from 10 million pings, where the finer raster's longer build (about 0.4 s more on the
/// peer workload) is repaid by fewer h3o calls near cell edges (about 8 % less CPU measured at
/// 20 M pings: 95 % of pixels inside one cell instead of 90 %).
///
/// # Example
/// ```
/// use catchment::footfall::locator_pixel_m;
/// use h3o::Resolution;
/// assert!(locator_pixel_m(Resolution::Nine, 20_000_000) < locator_pixel_m(Resolution::Nine, 1_000));
/// ```
pub fn locator_pixel_m(resolution: h3o::Resolution, pings: u64) -> f64 {
    let per_edge = if pings >= 10_000_000 { 30.0 } else { 15.0 };
    resolution.edge_length_m() / per_edge
}

fn grow(r: Rect<f64>, d: f64) -> Rect<f64> {
    Rect::new(
        (r.min().x - d, r.min().y - d),
        (r.max().x + d, r.max().y + d),
    )
}

/// Runs the footfall join over a study's pings and fences.
///
/// # Errors
/// [`FootfallError::NoPings`], [`FootfallError::Input`] for unreadable pings (or rejects under
/// the study's `strict`), [`FootfallError::Index`], [`FootfallError::Spill`].
pub fn run_study(
    study: &Study,
    inputs: &StudyInputs,
    fences: &[Fence],
    opts: &RunOptions,
) -> Result<FootfallRun, FootfallError> {
    let t0 = Instant::now();
    let spec = study.inputs.pings.as_ref().ok_or(FootfallError::NoPings)?;
    let mut reader = inputs.ping_reader(study).ok_or(FootfallError::NoPings)??;
    let ingested = partition_pings(&mut reader, opts)?;
    let rows = reader.rows();
    let rejects = reader.into_rejects();
    rejects.check_strict(study.validation.strict, &spec.path)?;
    let report = InputReport {
        input: "pings",
        path: spec.path.clone(),
        rows,
        valid: ingested.valid,
        rejects,
        bounds: ingested.bounds,
        time_span: ingested.time_span,
    };
    let spilled = ingested.pings.spilled_bytes();
    let parts = ingested.pings;
    let t1 = Instant::now();
    // The raster covers where the pings are, not the whole study area (often mostly empty):
    // every ping, stay centre and heat cell lies within the pings' extent; home and work cell
    // centres outside it are still answered exactly by the locator's fallback.
    let area = ingested.bounds.map_or(inputs.study_area, |b| grow(b, 1e-6));
    let locator = Locator::builder(area, study.h3_resolution)
        .fences(fences.iter().map(|f| f.geometry.clone()).collect())
        .pixel_m(locator_pixel_m(study.h3_resolution, ingested.valid))
        .max_pixels(LOCATOR_MAX_PIXELS)
        .build()?;
    // Home and work are res-9 cells: a second, fence-less raster unless the study is at 9.
    let home_cells = if study.h3_resolution == h3o::Resolution::Nine {
        None
    } else {
        Some(
            Locator::builder(area, h3o::Resolution::Nine)
                .max_pixels(LOCATOR_MAX_PIXELS)
                .build()?,
        )
    };
    let segments = Segments::new(study.validation.tiers.as_deref(), &inputs.devices);
    let t2 = Instant::now();
    let pois = PoiIndex::from_pois(&inputs.pois, study.mobility.poi_radius_m);
    let engine = Footfall::new(&locator, LocalClock::new(&study.timezone), &segments)
        .with_mobility(&study.mobility)
        .with_pois(&pois);
    let engine = match &home_cells {
        Some(l) => engine.with_home_cells(l),
        None => engine,
    };
    let counts = engine.aggregate(parts)?;
    let tables = finish(
        &counts,
        locator.cells(),
        fences,
        segments.names(),
        study.privacy.min_devices,
        &study.staffing,
    );
    let t3 = Instant::now();
    Ok(FootfallRun {
        tables,
        counts,
        pings: report,
        segments: segments.names().to_vec(),
        spilled_bytes: spilled,
        timings: [t1 - t0, t2 - t1, t3 - t2],
    })
}
