//! Footfall (SPEC §4–5): pings joined to H3 cells and fences, devices' stays, visits and home/work,
//! aggregated into mergeable integer states, then finished into the `heat_grid` layer, the
//! footfall fields of `fences` and the `hourly` table, with the privacy threshold applied.
//!
//! Two passes:
//! 1. [`Partitioned`]: valid pings are routed to [`PARTITIONS`] logical partitions by device key
//!    (spilling to disk past a memory budget), in any input order, on any number of threads;
//! 2. [`Footfall::aggregate`]: each partition is sorted by device and time, and each device's
//!    pings are located and counted once per distinct cell / fence / hour, into
//!    [`FootfallCounts`] that add up across partitions.
//!
//! Because every device is whole inside one partition, distinct counts are exact and simply add;
//! because the sort gives a total order, results do not depend on input order or thread count.

mod counts;
mod engine;
mod error;
mod partition;
mod run;
mod segments;
mod staffing;
mod tables;

pub use counts::{ALL_DAYS, DAY_SLOTS, Dims, FootfallCounts};
pub use engine::Footfall;
pub use error::FootfallError;
pub use partition::{PARTITIONS, PartitionInput, Partitioned, PingRecord, SpillStore};
pub use run::{
    FootfallRun, Ingested, LOCATOR_MAX_PIXELS, RunOptions, locator_pixel_m, partition_pings,
    run_study,
};
pub use segments::{NON_CUSTOMER, Segments};
pub use staffing::{OpeningHours, StaffingParams, suggested_staff};
pub use tables::{
    FenceFootfall, FootfallTables, HeatCell, HourlyRow, PoiFootfall, Suppressions, finish,
};

#[cfg(test)]
#[path = "engine_tests.rs"]
mod engine_tests;
