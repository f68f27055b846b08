//! Great-circle distances on the sphere trackintel uses, and a cheaper exact-enough test against a
//! fixed anchor point for the per-ping loop of stay detection.

/// Sphere radius in metres: trackintel's `point_haversine_dist` default (IUGG mean radius rounded).
pub(crate) const EARTH_RADIUS_M: f64 = 6_371_000.0;

/// Haversine great-circle distance in metres between two WGS-84 points (degrees), on a sphere of
/// radius [`EARTH_RADIUS_M`].
///
/// Haversine rather than trackintel's spherical law of cosines: both are the same distance, but the
/// law of cosines loses precision at short range (about 50 µm at 100 m in f64); haversine is accurate
/// to well under a micrometre there. Non-finite input gives NaN.
#[inline]
pub(crate) fn haversine_m(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let s1 = (dp * 0.5).sin();
    let s2 = (dl * 0.5).sin();
    let h = (s1 * s1 + p1.cos() * p2.cos() * s2 * s2).sqrt();
    // Rounding can push h a hair above 1 for antipodes; `f64::min` would also turn NaN into 1.
    2.0 * EARTH_RADIUS_M * (if h > 1.0 { 1.0 } else { h }).asin()
}

/// Longitude difference `lon - lon0` in degrees, wrapped into [-180, 180].
#[inline]
pub(crate) fn wrap_dlon(d: f64) -> f64 {
    if d > 180.0 {
        d - 360.0
    } else if d < -180.0 {
        d + 360.0
    } else {
        d
    }
}

/// A fixed point with its local metric scale precomputed, answering "is this point at least `r`
/// metres away?" without trigonometry in the common case.
///
/// The fast path is the equirectangular distance scaled at the anchor's latitude,
/// `R·√(Δφ² + (cos φ₀·Δλ)²)`. Against the haversine distance its relative error is about
/// `|tan φ₀|·|Δφ|/2 + O(d²/R²)`; within 10 % of a 100 m radius that is under 2 mm at 60° and under
/// 1 cm at 80°. Only points whose fast distance lies within ±10 % of `r` (where the answer could
/// flip) are decided by the exact haversine, so the answer is the haversine answer; above 80° of
/// latitude, where the scale varies fast, every point is decided exactly.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Anchor {
    lon: f64,
    lat: f64,
    /// Metres per degree of latitude.
    ky: f64,
    /// Metres per degree of longitude at the anchor's latitude.
    kx: f64,
    exact_only: bool,
}

impl Anchor {
    /// Degrees to metres along a meridian.
    const M_PER_DEG: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

    #[inline]
    pub(crate) fn new(lon: f64, lat: f64) -> Self {
        let ky = Self::M_PER_DEG;
        Self {
            lon,
            lat,
            ky,
            kx: ky * lat.to_radians().cos(),
            // NaN latitude lands here too, and then every comparison is NaN (see `is_outside`).
            exact_only: lat.abs() > 80.0 || lat.is_nan(),
        }
    }

    /// Whether `(lon, lat)` is at `r` metres or more from the anchor (trackintel's
    /// `delta_dist >= dist_threshold`). Non-finite coordinates on either side count as outside.
    #[inline]
    pub(crate) fn is_outside(&self, lon: f64, lat: f64, r: f64) -> bool {
        if !self.exact_only {
            let dx = wrap_dlon(lon - self.lon) * self.kx;
            let dy = (lat - self.lat) * self.ky;
            let d2 = dx * dx + dy * dy;
            // 10 % band around r: far wider than the fast formula's error, cheap to test.
            if d2 < 0.81 * r * r {
                return false;
            }
            if d2 > 1.21 * r * r {
                return true;
            }
        }
        let d = haversine_m(self.lon, self.lat, lon, lat);
        d >= r || d.is_nan()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_known_values() {
        // trackintel's docstring example (law of cosines): 18749.056277719905 m.
        let d = haversine_m(8.5, 47.3, 8.7, 47.2);
        assert!((d - 18_749.056_277_719_905).abs() < 1e-5, "{d}");
        // A quarter meridian.
        let q = haversine_m(0.0, 0.0, 0.0, 90.0);
        assert!((q - EARTH_RADIUS_M * std::f64::consts::FRAC_PI_2).abs() < 1e-6);
        // Across the antimeridian.
        let a = haversine_m(179.9999, 0.0, -179.9999, 0.0);
        assert!((a - 0.0002_f64.to_radians() * EARTH_RADIUS_M).abs() < 1e-6);
        assert!(haversine_m(f64::NAN, 0.0, 0.0, 0.0).is_nan());
    }

    #[test]
    fn anchor_agrees_with_haversine_near_the_radius() {
        // Deterministic sweep of directions, latitudes and distances around 100 m.
        let r = 100.0;
        for lat0 in [-85.0, -60.0, 0.0, 31.23, 59.9, 79.9, 80.1, 89.9] {
            let a = Anchor::new(179.9995, lat0);
            for k in 0..360 {
                let az = f64::from(k).to_radians();
                for d in [
                    50.0, 89.0, 99.9, 99.999, 100.0, 100.001, 100.1, 111.0, 500.0,
                ] {
                    let dlat = (d * az.cos() / EARTH_RADIUS_M).to_degrees();
                    let dlon =
                        (d * az.sin() / (EARTH_RADIUS_M * lat0.to_radians().cos())).to_degrees();
                    let (lon, lat) = (wrap_dlon(179.9995 + dlon), lat0 + dlat);
                    let exact = haversine_m(179.9995, lat0, lon, lat);
                    assert_eq!(a.is_outside(lon, lat, r), exact >= r, "{lat0} {k} {d}");
                }
            }
        }
    }

    #[test]
    fn a_point_at_exactly_the_radius_is_outside() {
        // trackintel ends a candidate at `dist >= dist_threshold`.
        for (lat0, lon, lat) in [(31.2304, 121.4747, 31.2309), (85.0, 121.48, 85.0004)] {
            let a = Anchor::new(121.4737, lat0);
            let d = haversine_m(121.4737, lat0, lon, lat);
            assert!(a.is_outside(lon, lat, d), "{lat0}");
            assert!(!a.is_outside(lon, lat, d.next_up()), "{lat0}");
        }
    }

    #[test]
    fn non_finite_is_outside() {
        let a = Anchor::new(121.0, 31.0);
        assert!(a.is_outside(f64::NAN, 31.0, 100.0));
        assert!(a.is_outside(121.0, f64::INFINITY, 100.0));
        let n = Anchor::new(f64::NAN, f64::NAN);
        assert!(n.is_outside(121.0, 31.0, 100.0));
    }
}
