//! A whole footfall run over a study: locator, segments, both passes and the finished tables.

use super::{
    Footfall, FootfallCounts, FootfallError, FootfallTables, Partitioned, Segments, SpillStore,
    finish,
};
use crate::fence::Fence;
use crate::index::Locator;
use crate::mobility::PoiIndex;
use crate::study::{InputReport, Study, StudyInputs};
use crate::time::LocalClock;
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
    /// Time to build the locator, read + partition, and aggregate.
    pub timings: [Duration; 3],
}

/// Pass 1 over a whole pings file: every valid ping routed to its partition, spilling to a store
/// under `opts.spill_dir` past `opts.memory_budget`. Rejects stay in the reader.
///
/// # Errors
/// [`FootfallError::Input`] when the file turns out malformed, [`FootfallError::Spill`].
pub fn partition_pings(
    reader: &mut crate::input::PingReader,
    opts: &RunOptions,
) -> Result<Partitioned, FootfallError> {
    let spill_parent = opts.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
    let store = Arc::new(SpillStore::create(&spill_parent)?);
    let budget_records = opts.memory_budget / std::mem::size_of::<super::PingRecord>();
    let mut parts = Partitioned::new(budget_records, Some(store));
    for batch in reader {
        parts.push_batch(&batch?)?;
    }
    Ok(parts)
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
    let locator = Locator::builder(inputs.study_area, study.h3_resolution)
        .fences(fences.iter().map(|f| f.geometry.clone()).collect())
        .build()?;
    let segments = Segments::new(study.validation.tiers.as_deref(), &inputs.devices);
    let t1 = Instant::now();
    let spill_parent = opts.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
    let store = Arc::new(SpillStore::create(&spill_parent)?);
    let budget_records = opts.memory_budget / std::mem::size_of::<super::PingRecord>();
    let mut parts = Partitioned::new(budget_records, Some(store.clone()));
    let mut spill_err = None;
    let report = inputs
        .scan_pings_with(study, study.validation.strict, &mut |batch| {
            if spill_err.is_none()
                && let Err(e) = parts.push_batch(batch)
            {
                spill_err = Some(e);
            }
            Ok(())
        })
        .ok_or(FootfallError::NoPings)??;
    if let Some(e) = spill_err {
        return Err(e);
    }
    let t2 = Instant::now();
    let pois = PoiIndex::from_pois(&inputs.pois, study.mobility.poi_radius_m);
    let engine = Footfall::new(&locator, LocalClock::new(&study.timezone), &segments)
        .with_mobility(&study.mobility)
        .with_pois(&pois);
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
        spilled_bytes: store.bytes(),
        timings: [t1 - t0, t2 - t1, t3 - t2],
    })
}
