//! BD-09 (Baidu): GCJ-02 with Baidu's second offset.
//!
//! Baidu's published formula, with `x_pi = π·3000/180`, treats the GCJ-02 point `(x, y)` as a
//! polar vector and perturbs it:
//!
//! ```text
//! z = √(x² + y²) + 0.00002·sin(y·x_pi)      θ = atan2(y, x) + 0.000003·cos(x·x_pi)
//! bd = (z·cos θ + 0.0065, z·sin θ + 0.006)
//! ```
//!
//! which moves points by roughly 1 km on top of GCJ-02. Its one-step inverse is up to about 20 cm
//! off over China; [`bd09_to_gcj02`] refines it by fixed-point iteration to a few micrometres.
//!
//! # Outside mainland China
//!
//! Baidu's published formula has no region test, so this module applies it everywhere:
//! BD-09 = Baidu offset ∘ GCJ-02 worldwide. Since GCJ-02 is the identity outside the
//! [mainland mask](super::in_mainland_china), a BD-09 point in Hong Kong or Seoul is the WGS-84
//! point plus Baidu's offset only. This keeps BD-09 a pure function of GCJ-02 (as the spec
//! defines it) and [`gcj02_to_bd09`] invertible everywhere, so round trips are exact on both
//! sides of the mask edge. prcoords does the same; the `coordtransform` crate instead returns
//! WGS-84 unchanged outside its mask. Exports that carry plain WGS-84 outside the mainland
//! should be read as `wgs84`, not `bd09`.

use std::f64::consts::PI;

use super::gcj02::{gcj02_to_wgs84, wgs84_to_gcj02};

/// Baidu's angular constant: π·3000/180.
const X_PI: f64 = PI * 3000.0 / 180.0;
/// Baidu's constant shift in longitude and latitude, degrees.
const DLON: f64 = 0.0065;
const DLAT: f64 = 0.006;
/// Stop iterating when the residual is below this, degrees (~0.1 mm); the error left after the
/// last update is about a thousand times smaller.
const STEP_EPS: f64 = 1e-9;
const MAX_ITER: usize = 10;

/// Converts a GCJ-02 point to BD-09 (Baidu), degrees.
///
/// The offset applies worldwide; see the module documentation for points outside mainland China.
///
/// # Example
///
/// ```
/// use catchment::crs::gcj02_to_bd09;
///
/// let (lon, lat) = gcj02_to_bd09(116.3974, 39.9081);
/// assert!((lon - 116.4038).abs() < 1e-3 && (lat - 39.9145).abs() < 1e-3);
/// ```
#[must_use]
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = (lon, lat);
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) + 0.000003 * (x * X_PI).cos();
    (z * theta.cos() + DLON, z * theta.sin() + DLAT)
}

/// Converts a BD-09 point to GCJ-02, iterating to a few micrometres.
///
/// Starts from Baidu's one-step inverse and refines it with `g ← g − (bd(g) − b)`.
///
/// # Example
///
/// ```
/// use catchment::crs::{bd09_to_gcj02, gcj02_to_bd09};
///
/// let gcj = (113.3245, 23.1064); // Guangzhou
/// let bd = gcj02_to_bd09(gcj.0, gcj.1);
/// let back = bd09_to_gcj02(bd.0, bd.1);
/// assert!((back.0 - gcj.0).abs() < 1e-9 && (back.1 - gcj.1).abs() < 1e-9);
/// ```
#[must_use]
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = (lon - DLON, lat - DLAT);
    let z = (x * x + y * y).sqrt() - 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * X_PI).cos();
    let (mut glon, mut glat) = (z * theta.cos(), z * theta.sin());
    for _ in 0..MAX_ITER {
        let (blon, blat) = gcj02_to_bd09(glon, glat);
        let (elon, elat) = (blon - lon, blat - lat);
        glon -= elon;
        glat -= elat;
        if elon.abs().max(elat.abs()) < STEP_EPS {
            break;
        }
    }
    (glon, glat)
}

/// Converts a WGS-84 point to BD-09 through GCJ-02.
///
/// Outside mainland China only Baidu's offset applies (see the module documentation).
///
/// # Example
///
/// ```
/// use catchment::crs::{gcj02_to_bd09, wgs84_to_bd09, wgs84_to_gcj02};
///
/// let (lon, lat) = (104.0665, 30.5723); // Chengdu
/// let gcj = wgs84_to_gcj02(lon, lat);
/// assert_eq!(wgs84_to_bd09(lon, lat), gcj02_to_bd09(gcj.0, gcj.1));
/// ```
#[must_use]
pub fn wgs84_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let (glon, glat) = wgs84_to_gcj02(lon, lat);
    gcj02_to_bd09(glon, glat)
}

/// Converts a BD-09 point to WGS-84 through GCJ-02, both inverses iterated to a few micrometres.
///
/// # Example
///
/// ```
/// use catchment::crs::{bd09_to_wgs84, wgs84_to_bd09};
///
/// let wgs = (126.5350, 45.8038); // Harbin
/// let bd = wgs84_to_bd09(wgs.0, wgs.1);
/// let back = bd09_to_wgs84(bd.0, bd.1);
/// assert!((back.0 - wgs.0).abs() < 1e-9 && (back.1 - wgs.1).abs() < 1e-9);
/// ```
#[must_use]
pub fn bd09_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (glon, glat) = bd09_to_gcj02(lon, lat);
    gcj02_to_wgs84(glon, glat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_outside_mainland_keeps_the_baidu_offset() {
        let (lon, lat) = (126.978, 37.566); // Seoul
        let bd = wgs84_to_bd09(lon, lat);
        assert!(
            (bd.0 - lon).abs() > 1e-3,
            "Baidu offset applies outside mainland"
        );
        assert_eq!(bd, gcj02_to_bd09(lon, lat));
        let back = bd09_to_wgs84(bd.0, bd.1);
        assert!((back.0 - lon).abs() < 1e-10 && (back.1 - lat).abs() < 1e-10);
    }

    #[test]
    fn one_step_inverse_is_not_enough() {
        // The refinement is what brings the error from metres to micrometres.
        let g = (121.4737, 31.2304);
        let b = gcj02_to_bd09(g.0, g.1);
        let back = bd09_to_gcj02(b.0, b.1);
        assert!((back.0 - g.0).abs() < 1e-10 && (back.1 - g.1).abs() < 1e-10);
    }
}
