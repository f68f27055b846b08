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
//! PERFORMANCE_PLACEHOLDER

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
