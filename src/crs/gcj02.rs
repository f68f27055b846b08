//! GCJ-02 (火星坐标): WGS-84 with a deliberate, position-dependent offset.
//!
//! Chinese regulations require published maps of mainland China to use GCJ-02. The forward
//! formula is the widely published one (Krasovsky 1940 semi-major axis a = 6 378 245 m,
//! e² = 0.006 693 421 622 965 943 23, polynomial-plus-sine offsets around 105 E, 35 N); it moves
//! points by roughly 100–700 m. It is applied only inside
//! [`in_mainland_china`](super::in_mainland_china); everywhere else GCJ-02 equals WGS-84.
//!
//! The formula has no closed-form inverse. The popular one-step inverse (subtracting the offset
//! evaluated at the GCJ-02 point) is up to 2–3 m off; [`gcj02_to_wgs84`] instead iterates the fixed point
//! `w = g - offset(w)` until a step moves it by less than 1e-9° (about 0.1 mm), which leaves an
//! error of a few micrometres.

use std::f64::consts::PI;

use super::china::{in_mainland_china, near_mainland_bbox};

/// Semi-major axis of the Krasovsky 1940 ellipsoid used by the formula, metres.
const A: f64 = 6_378_245.0;
/// Its first eccentricity squared.
const EE: f64 = 0.006_693_421_622_965_943;
/// Stop iterating when a step moves the estimate by less than this, degrees (~0.1 mm); the
/// iteration contracts by a factor of 100 or more per step, so the error left is micrometres.
const STEP_EPS: f64 = 1e-9;
/// 3–5 steps reach STEP_EPS from any start; the cap only guards against non-finite input.
const MAX_ITER: usize = 10;
/// Larger than any GCJ-02 offset, degrees: a GCJ-02 point farther than this from the mask's box
/// cannot come from a point inside it.
const MAX_OFFSET: f64 = 0.05;

/// The GCJ-02 offset (Δlon, Δlat) in degrees at a WGS-84 point, without the mask test.
pub(crate) fn offset(lon: f64, lat: f64) -> (f64, f64) {
    let x = lon - 105.0;
    let y = lat - 35.0;
    let sqrt_abs_x = x.abs().sqrt();
    let common = (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;

    let mut dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x;
    dlat += common;
    dlat += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlat += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;

    let mut dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x;
    dlon += common;
    dlon += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlon += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;

    let rad_lat = lat / 180.0 * PI;
    let sin_lat = rad_lat.sin();
    let magic = 1.0 - EE * sin_lat * sin_lat;
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (A / sqrt_magic * rad_lat.cos() * PI);
    (dlon, dlat)
}

/// Converts a WGS-84 point to GCJ-02 (Amap / Tencent / Google China), degrees.
///
/// Points outside [`in_mainland_china`](super::in_mainland_china) are returned unchanged.
///
/// # Example
///
/// ```
/// use catchment::crs::wgs84_to_gcj02;
///
/// // Tian'anmen: GCJ-02 moves it about 550 m, mostly east.
/// let (lon, lat) = wgs84_to_gcj02(116.3912, 39.9067);
/// assert!((lon - 116.397_441).abs() < 1e-6 && (lat - 39.908_101).abs() < 1e-6);
///
/// // Hong Kong is outside the mask: unchanged.
/// assert_eq!(wgs84_to_gcj02(114.1588, 22.2820), (114.1588, 22.2820));
/// ```
#[must_use]
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !in_mainland_china(lon, lat) {
        return (lon, lat);
    }
    let (dlon, dlat) = offset(lon, lat);
    (lon + dlon, lat + dlat)
}

/// Converts a GCJ-02 point back to WGS-84, iterating to a few micrometres.
///
/// The estimate `w` is refined by fixed-point iteration of `w = g - offset(w)`, which contracts
/// by a factor of 100 or more per step, so 3–5 steps suffice. Near the edge of the mask a GCJ-02
/// point can have two preimages (a shifted mainland point and an unshifted outside point) or
/// none; the mainland preimage wins whenever the result or the input lies in the mask, as GCJ-02
/// data comes from Chinese map providers. Otherwise the point is returned unchanged.
///
/// # Example
///
/// ```
/// use catchment::crs::{gcj02_to_wgs84, wgs84_to_gcj02};
///
/// let wgs = (121.4737, 31.2304); // Shanghai, People's Square
/// let gcj = wgs84_to_gcj02(wgs.0, wgs.1);
/// let back = gcj02_to_wgs84(gcj.0, gcj.1);
/// assert!((back.0 - wgs.0).abs() < 1e-9 && (back.1 - wgs.1).abs() < 1e-9);
/// ```
#[must_use]
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if !near_mainland_bbox(lon, lat, MAX_OFFSET) {
        return (lon, lat);
    }
    let w = invert(lon, lat);
    if in_mainland_china(w.0, w.1) || in_mainland_china(lon, lat) {
        w
    } else {
        (lon, lat)
    }
}

/// The WGS-84 point whose (unmasked) GCJ-02 offset lands on `(lon, lat)`.
fn invert(lon: f64, lat: f64) -> (f64, f64) {
    let (mut wlon, mut wlat) = (lon, lat);
    for _ in 0..MAX_ITER {
        let (dlon, dlat) = offset(wlon, wlat);
        let (nlon, nlat) = (lon - dlon, lat - dlat);
        let moved = (nlon - wlon).abs().max((nlat - wlat).abs());
        (wlon, wlat) = (nlon, nlat);
        if moved < STEP_EPS {
            break;
        }
    }
    (wlon, wlat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_at_the_formula_origin() {
        // At (105 E, 35 N) the offsets are the constants 300 m east and -100 m north.
        let (dlon, dlat) = offset(105.0, 35.0);
        let m_per_deg_lat =
            A * (1.0 - EE) / (1.0 - EE * 35f64.to_radians().sin().powi(2)).powf(1.5) * PI / 180.0;
        assert!((dlat * m_per_deg_lat + 100.0).abs() < 1e-9);
        assert!(dlon > 0.0);
    }

    #[test]
    fn inverse_converges_in_a_few_steps() {
        let g = wgs84_to_gcj02(104.066, 30.573);
        let w = gcj02_to_wgs84(g.0, g.1);
        assert!((w.0 - 104.066).abs() < 1e-10 && (w.1 - 30.573).abs() < 1e-10);
    }

    #[test]
    fn far_away_points_are_identity() {
        assert_eq!(gcj02_to_wgs84(7.42, 43.73), (7.42, 43.73));
        assert_eq!(wgs84_to_gcj02(-74.0, 40.7), (-74.0, 40.7));
    }

    #[test]
    fn nan_passes_through() {
        let (lon, lat) = gcj02_to_wgs84(f64::NAN, 30.0);
        assert!(lon.is_nan() && lat == 30.0);
    }
}
