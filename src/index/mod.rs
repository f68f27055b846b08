//! Ping location: a point's H3 cell and the fences containing it, exactly and fast.
//!
//! [`Locator`] rasterises the study area once into pixels that each know their H3 cell (or that
//! h3o must be asked, near cell edges) and the fences that surely contain them (plus candidate
//! fences whose boundary passes through the pixel, tested exactly per point). [`BruteForce`] is
//! the reference it is tested against: h3o per point and geo's `Intersects` per fence.
//!
//! - `grid.rs`: pixel geometry and conservative segment rasterisation.
//! - `cells.rs`: the area's H3 cells and the cell raster (margins for great-circle edges).
//! - `fences.rs`: fence rasterisation and the exact test replaying geo's winding rule.
//! - `locator.rs`: [`Locator`], [`LocatorBuilder`], [`LocatorStats`].
//! - `brute_force.rs`: [`BruteForce`].
//!
//! # Performance
//! `cargo bench --bench locate -- --quick` (criterion 0.8), 200,000 points per iteration on a
//! Chengdu workload like `bench/peers/gen_data.py` (30 km box, resolution 9, 550 fences, 2.19
//! fences per point), one thread, on the shared 2-core machine (load average about 2.7 from
//! other builds; h3o measured 478 ns per point, as on an idle core). Figures are ns per point;
//! columns are pixel sides. Quick-mode figures move by about ±10 % between runs.
//!
//! | operation | 4 m | 7 m | 12 m | 20 m |
//! |---|---:|---:|---:|---:|
//! | h3o `LatLng::to_cell` (reference) | 478 | | | |
//! | [`BruteForce::fences_at`] (R-tree + geo `Intersects`) | 969 | | | |
//! | [`Locator::cell_slot`] | 92 | 66 | 81 | 106 |
//! | [`Locator::fences_at`] | 98 | 100 | 79 | 71 |
//! | [`Locator::locate`] (cell + fences) | 130 | 147 | 144 | 168 |
//! | `locate`, points in raster order | 101 | 98 | 110 | 130 |
//! | build, 550 fences (ms) | 1105 | 410 | 195 | 113 |
//! | raster + index memory (MB) | 457 | 152 | 54 | 21 |
//! | pixels in one cell / with known fences (%) | 97 / 98 | 95 / 97 | 91 / 94 | 85 / 91 |
//!
//! `locate` is about 10× faster than h3o plus the brute-force fence test (1447 ns) and 3×
//! faster than h3o alone. It is flat from 4 m to 12 m (finer pixels save h3o calls near cell
//! edges, coarser ones save cache misses and build time), so the default pixel is the H3 edge
//! ÷ 15 (12 m at resolution 9: 54 MB, 0.2 s to build). Points in raster order save only
//! 20–40 ns, so the remaining cost is mostly work, not cache misses: the h3o call for the
//! 3–15 % of points in pixels an H3 edge crosses (≈ 480 ns each) and the exact test of
//! candidate fences.

mod brute_force;
mod cells;
mod error;
mod fences;
mod grid;
mod locator;

pub use brute_force::BruteForce;
pub use cells::MAX_CELLS;
pub use error::IndexError;
pub use locator::{DEFAULT_MAX_PIXELS, Locator, LocatorBuilder, LocatorStats, Pixel};

#[cfg(test)]
#[path = "locator_tests.rs"]
mod locator_tests;
