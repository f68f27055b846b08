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
//! fences per point), one thread, on the shared 2-core machine while three other builds ran
//! (h3o measured 735 ns per point there against about 480 ns on an idle core; read the
//! ratios). Figures are ns per point; columns are pixel sides.
//!
//! | operation | 4 m | 7 m | 12 m | 20 m |
//! |---|---:|---:|---:|---:|
//! | h3o `LatLng::to_cell` (reference) | 735 | | | |
//! | [`BruteForce::fences_at`] (R-tree + geo `Intersects`) | 1508 | | | |
//! | [`Locator::cell_slot`] | 121 | 119 | 133 | 159 |
//! | [`Locator::fences_at`] | 194 | 181 | 142 | 135 |
//! | [`Locator::locate`] (cell + fences) | 238 | 249 | 247 | 283 |
//! | build, 550 fences (ms) | 1724 | 971 | 416 | 247 |
//! | raster + index memory (MB) | 457 | 152 | 54 | 21 |
//! | pixels in one cell / with known fences (%) | 97 / 98 | 95 / 97 | 91 / 94 | 85 / 91 |
//!
//! `locate` is about 9× faster than h3o plus the brute-force fence test (2243 ns) and 3× faster
//! than h3o alone. It is flat from 4 m to 12 m: finer pixels save h3o calls near cell edges but
//! miss the cache more often, so the default pixel is the H3 edge ÷ 15 (12 m at resolution 9,
//! 54 MB, 0.4 s to build). What remains per point is mostly one cache miss on the raster (the
//! points are spread over 30 km) and the h3o call for the ~9 % of points near a cell edge.

mod brute_force;
mod cells;
mod error;
mod fences;
mod grid;
mod locator;

pub use brute_force::BruteForce;
pub use cells::MAX_CELLS;
pub use error::IndexError;
pub use locator::{DEFAULT_MAX_PIXELS, Locator, LocatorBuilder, LocatorStats};

#[cfg(test)]
#[path = "locator_tests.rs"]
mod locator_tests;
