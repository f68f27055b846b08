//! Which POIs lie within a fixed great-circle radius of a point: an R-tree over longitude/latitude
//! envelopes with an exact haversine check.

use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use super::distance::{EARTH_RADIUS_M, haversine_m};
use crate::input::Poi;

/// A POI's position in the tree (longitude normalised to [-180, 180)) and its input index.
type Entry = GeomWithData<[f64; 2], u32>;

/// An index of POI positions answering "which POIs are within `radius_m` of this point?".
///
/// Distances are great-circle (haversine) on a sphere of 6,371,000 m, measured from the POI to the
/// point, and a POI at exactly `radius_m` is within. POIs with a non-finite coordinate or a latitude
/// beyond ±90° are never returned.
///
/// # Example
/// ```
/// use catchment::mobility::PoiIndex;
/// // Two POIs about 40 m and 150 m east of the query point.
/// let pois = [(121.47412, 31.2304), (121.47527, 31.2304)];
/// let index = PoiIndex::new(&pois, 50.0);
/// let mut hits = Vec::new();
/// index.within(121.4737, 31.2304, &mut hits);
/// assert_eq!(hits, [0]);
/// ```
#[derive(Debug, Clone)]
pub struct PoiIndex {
    tree: RTree<Entry>,
    /// Input positions, for the exact distance with the caller's own coordinates.
    points: Vec<(f64, f64)>,
    radius_m: f64,
    /// Angular radius, radians.
    angle: f64,
}

impl PoiIndex {
    /// Builds the index of `pois` given as `(lon, lat)` in WGS-84 degrees; results are indices into
    /// `pois`.
    ///
    /// # Performance
    /// Bulk-loaded R-tree: O(n log n) to build, 16 + 24 bytes per POI.
    ///
    /// # Example
    /// ```
    /// use catchment::mobility::PoiIndex;
    /// let index = PoiIndex::new(&[(2.2945, 48.8584)], 50.0);
    /// assert_eq!((index.len(), index.radius_m()), (1, 50.0));
    /// ```
    pub fn new(pois: &[(f64, f64)], radius_m: f64) -> Self {
        let entries = pois
            .iter()
            .enumerate()
            .filter(|(_, (lon, lat))| lon.is_finite() && lat.abs() <= 90.0)
            .map(|(i, &(lon, lat))| {
                let i = u32::try_from(i).unwrap_or(u32::MAX);
                GeomWithData::new([normalise_lon(lon), lat], i)
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
            points: pois.to_vec(),
            radius_m,
            angle: radius_m / EARTH_RADIUS_M,
        }
    }

    /// Builds the index of POI records; results are indices into `pois`.
    ///
    /// # Example
    /// ```
    /// use catchment::{mobility::PoiIndex, Poi};
    /// let poi = Poi {
    ///     poi_id: "p1".into(),
    ///     name: "Mall".into(),
    ///     category: "mall".into(),
    ///     lon: 121.4737,
    ///     lat: 31.2304,
    ///     brand: None,
    ///     opening_hours: None,
    /// };
    /// let index = PoiIndex::from_pois(&[poi], 50.0);
    /// let mut hits = Vec::new();
    /// index.within(121.4738, 31.2304, &mut hits);
    /// assert_eq!(hits, [0]);
    /// ```
    pub fn from_pois(pois: &[Poi], radius_m: f64) -> Self {
        let points: Vec<(f64, f64)> = pois.iter().map(|p| (p.lon, p.lat)).collect();
        Self::new(&points, radius_m)
    }

    /// The radius, metres.
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }

    /// Number of POIs given (including any that can never match).
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether no POIs were given.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Replaces `out` with the indices, ascending, of the POIs within the radius of `(lon, lat)`.
    ///
    /// A non-finite query or radius gives no POIs.
    ///
    /// # Performance
    /// An R-tree search of the spherical cap's longitude/latitude bounding box (two boxes across the
    /// antimeridian), then one haversine per candidate. With a 50 m radius and a few thousand POIs
    /// the box holds a handful of candidates. No allocation once `out` has grown.
    ///
    /// # Example
    /// ```
    /// use catchment::mobility::PoiIndex;
    /// // Either side of the antimeridian, 22 m apart.
    /// let index = PoiIndex::new(&[(179.9999, 0.0), (-179.9999, 0.0)], 30.0);
    /// let mut hits = Vec::new();
    /// index.within(180.0, 0.0, &mut hits);
    /// assert_eq!(hits, [0, 1]);
    /// ```
    pub fn within(&self, lon: f64, lat: f64, out: &mut Vec<u32>) {
        out.clear();
        if !(lon.is_finite() && lat.abs() <= 90.0 && self.angle >= 0.0) {
            return;
        }
        let a = self.angle;
        // A little slack so that rounding never cuts off a POI the exact test accepts
        // (1e-7° is about 1 cm).
        const SLACK_DEG: f64 = 1e-7;
        let dlat = a.to_degrees() + SLACK_DEG;
        let (lat_lo, lat_hi) = ((lat - dlat).max(-90.0), (lat + dlat).min(90.0));
        // Longitude half-width of a spherical cap: sin Δλ = sin a / cos φ, unless the cap holds a
        // pole (then every longitude).
        let cos_lat = lat.to_radians().cos();
        let whole = a >= std::f64::consts::FRAC_PI_2
            || a.sin() >= cos_lat
            || lat_hi >= 90.0
            || lat_lo <= -90.0;
        let mut visit = |lo: f64, hi: f64| {
            let env = AABB::from_corners([lo, lat_lo], [hi, lat_hi]);
            for e in self.tree.locate_in_envelope_intersecting(&env) {
                let (plon, plat) = self.points[e.data as usize];
                if haversine_m(plon, plat, lon, lat) <= self.radius_m {
                    out.push(e.data);
                }
            }
        };
        if whole {
            visit(-180.0, 180.0);
        } else {
            let dlon = (a.sin() / cos_lat).asin().to_degrees() * (1.0 + 1e-9) + SLACK_DEG;
            let c = normalise_lon(lon);
            let (lo, hi) = (c - dlon, c + dlon);
            visit(lo.max(-180.0), hi.min(180.0));
            if lo < -180.0 {
                visit(lo + 360.0, 180.0);
            }
            if hi > 180.0 {
                visit(-180.0, hi - 360.0);
            }
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// Longitude into [-180, 180).
#[inline]
fn normalise_lon(lon: f64) -> f64 {
    if (-180.0..180.0).contains(&lon) {
        lon
    } else {
        (lon + 180.0).rem_euclid(360.0) - 180.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    fn brute(pois: &[(f64, f64)], r: f64, lon: f64, lat: f64) -> Vec<u32> {
        (0..pois.len() as u32)
            .filter(|&i| {
                let (plon, plat) = pois[i as usize];
                haversine_m(plon, plat, lon, lat) <= r
            })
            .collect()
    }

    /// The point at `d` metres and azimuth `az` (radians) from `(lon, lat)` on the sphere.
    fn destination(lon: f64, lat: f64, az: f64, d: f64) -> (f64, f64) {
        let (p1, l1, a) = (lat.to_radians(), lon.to_radians(), d / EARTH_RADIUS_M);
        let p2 = (p1.sin() * a.cos() + p1.cos() * a.sin() * az.cos()).asin();
        let l2 = l1 + (az.sin() * a.sin() * p1.cos()).atan2(a.cos() - p1.sin() * p2.sin());
        (normalise_lon(l2.to_degrees()), p2.to_degrees())
    }

    fn check(pois: &[(f64, f64)], queries: &[(f64, f64)], r: f64) -> usize {
        let index = PoiIndex::new(pois, r);
        let mut out = vec![99];
        let mut hits = 0;
        for &(lon, lat) in queries {
            index.within(lon, lat, &mut out);
            assert_eq!(out, brute(pois, r, lon, lat), "query {lon},{lat} r {r}");
            hits += out.len();
        }
        hits
    }

    #[test]
    fn matches_brute_force_on_random_points() {
        let mut rng = Pcg64::seed_from_u64(42);
        // A city: 3000 POIs in ~2 km, 3000 queries, radius 50 m.
        let pois: Vec<_> = (0..3000)
            .map(|_| {
                (
                    121.46 + rng.random::<f64>() * 0.02,
                    31.22 + rng.random::<f64>() * 0.02,
                )
            })
            .collect();
        let queries: Vec<_> = (0..3000)
            .map(|_| {
                (
                    121.46 + rng.random::<f64>() * 0.02,
                    31.22 + rng.random::<f64>() * 0.02,
                )
            })
            .collect();
        assert!(check(&pois, &queries, 50.0) > 1000);
        // Large radius, high latitudes, the antimeridian and the poles.
        for (lon0, lat0, span, r) in [
            (179.99, 10.0, 0.02, 300.0),
            (-179.99, 65.0, 0.05, 1000.0),
            (0.0, 89.995, 0.02, 800.0),
            (45.0, -89.999, 0.5, 200.0),
            (10.0, 45.0, 2.0, 50_000.0),
        ] {
            let mut pt = || {
                let lon = normalise_lon(lon0 + (rng.random::<f64>() - 0.5) * span * 2.0);
                let lat = (lat0 + (rng.random::<f64>() - 0.5) * span).clamp(-90.0, 90.0);
                (lon, lat)
            };
            let pois: Vec<_> = (0..800).map(|_| pt()).collect();
            let queries: Vec<_> = (0..800).map(|_| pt()).collect();
            assert!(check(&pois, &queries, r) > 0, "{lon0} {lat0}");
        }
    }

    #[test]
    fn points_at_exactly_the_radius_and_a_hair_either_side() {
        let mut rng = Pcg64::seed_from_u64(7);
        let r = 50.0;
        let mut pois = Vec::new();
        let mut queries = Vec::new();
        for _ in 0..3000 {
            let lon = -180.0 + rng.random::<f64>() * 360.0;
            let lat = -85.0 + rng.random::<f64>() * 170.0;
            let az = rng.random::<f64>() * std::f64::consts::TAU;
            pois.push((lon, lat));
            for d in [r - 1e-6, r, r + 1e-6] {
                queries.push(destination(lon, lat, az, d));
            }
        }
        let index = PoiIndex::new(&pois, r);
        let mut out = Vec::new();
        let (mut at_r, mut inside, mut outside) = (0, 0, 0);
        for (k, &(lon, lat)) in queries.iter().enumerate() {
            index.within(lon, lat, &mut out);
            assert_eq!(out, brute(&pois, r, lon, lat), "query {k}");
            let own = (k / 3) as u32;
            match k % 3 {
                0 => {
                    assert!(out.contains(&own), "r - 1 µm must be within");
                    inside += 1;
                }
                1 => at_r += usize::from(out.contains(&own)),
                _ => {
                    assert!(!out.contains(&own), "r + 1 µm must be outside");
                    outside += 1;
                }
            }
        }
        // Points constructed at exactly r land on either side of it by rounding; most are "at".
        assert!(at_r > 0 && inside == 3000 && outside == 3000);
    }

    #[test]
    fn the_radius_is_inclusive() {
        let (poi, q) = ((121.4737, 31.2304), (121.4741, 31.2306));
        let d = haversine_m(poi.0, poi.1, q.0, q.1);
        let mut out = Vec::new();
        PoiIndex::new(&[poi], d).within(q.0, q.1, &mut out);
        assert_eq!(out, [0]);
        PoiIndex::new(&[poi], d.next_down()).within(q.0, q.1, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn odd_input() {
        let pois = [(f64::NAN, 0.0), (10.0, 95.0), (10.0, 45.0), (190.0, 45.0)];
        let index = PoiIndex::new(&pois, 50.0);
        let mut out = Vec::new();
        index.within(10.0, 45.0, &mut out);
        assert_eq!(out, [2]);
        // 190° is -170°.
        index.within(-170.0, 45.0, &mut out);
        assert_eq!(out, [3]);
        index.within(f64::NAN, 45.0, &mut out);
        assert!(out.is_empty());
        index.within(10.0, f64::INFINITY, &mut out);
        assert!(out.is_empty());
        let empty = PoiIndex::new(&[], 50.0);
        empty.within(10.0, 45.0, &mut out);
        assert!(out.is_empty() && empty.is_empty());
        let nan_r = PoiIndex::new(&pois, f64::NAN);
        nan_r.within(10.0, 45.0, &mut out);
        assert!(out.is_empty());
        // A radius beyond half the globe holds every valid POI.
        let all = PoiIndex::new(&pois, 3e7);
        all.within(-100.0, -30.0, &mut out);
        assert_eq!(out, [2, 3]);
    }
}
