//! Geometry helpers shared by the fence kinds: geodesic circles, orientation and area.

use geo::orient::{Direction, Orient};
use geo::{Destination, Geodesic, GeodesicArea, LineString, MultiPolygon, Point};

/// Largest relative area error of a circle drawn as a polygon (SPEC asks < 0.5%; we keep 0.1%).
pub const CIRCLE_AREA_TOLERANCE: f64 = 0.001;

/// Vertices of a polygon inscribed in a circle so that its area is within `tolerance` of the
/// circle's: the smallest `n` with `1 − n·sin(2π/n)/(2π) < tolerance` (82 for 0.1%).
///
/// The ratio does not depend on the radius, so one count serves every circle.
///
/// # Example
/// ```
/// use catchment::fence::circle_vertex_count;
/// assert_eq!(circle_vertex_count(0.001), 82);
/// assert_eq!(circle_vertex_count(0.005), 37);
/// ```
pub fn circle_vertex_count(tolerance: f64) -> usize {
    let tau = std::f64::consts::TAU;
    (3..100_000)
        .find(|&n| {
            let n = n as f64;
            1.0 - n * (tau / n).sin() / tau < tolerance
        })
        .unwrap_or(100_000)
}

/// A geodesic circle (WGS-84 ellipsoid) of `radius_m` around `center`, as a closed
/// counter-clockwise ring of [`circle_vertex_count`]`(CIRCLE_AREA_TOLERANCE)` vertices.
///
/// Each vertex is the geodesic destination at `radius_m` on an evenly spaced bearing, so the ring
/// is a true metric circle at any latitude, not a circle in degrees.
pub fn geodesic_circle(center: Point<f64>, radius_m: f64) -> LineString<f64> {
    let n = circle_vertex_count(CIRCLE_AREA_TOLERANCE);
    // Bearings run clockwise from north; walk them backwards for a counter-clockwise ring.
    let mut coords: Vec<_> = (0..n)
        .map(|i| {
            let bearing = 360.0 - 360.0 * i as f64 / n as f64;
            Geodesic.destination(center, bearing % 360.0, radius_m).0
        })
        .collect();
    coords.push(coords[0]);
    LineString::new(coords)
}

/// Orients per RFC 7946 (exteriors counter-clockwise, holes clockwise) and returns the geodesic
/// area in km².
pub fn finish(geometry: MultiPolygon<f64>) -> (MultiPolygon<f64>, f64) {
    let g = geometry.orient(Direction::Default);
    let area = g.geodesic_area_unsigned() / 1e6;
    (g, area)
}

/// `{"a":1,"b":[2,3]}`-style compact JSON for a fence's parameters, keys in the given order.
pub(crate) fn params(pairs: &[(&str, serde_json::Value)]) -> String {
    let mut s = String::from("{");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&serde_json::to_string(k).expect("string"));
        s.push(':');
        s.push_str(&v.to_string());
    }
    s.push('}');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Polygon};

    #[test]
    fn circle_area_within_tolerance_at_any_latitude() {
        for lat in [0.0, 31.2, 43.73, 60.0, 75.0] {
            for r in [50.0, 500.0, 1000.0, 5000.0] {
                let ring = geodesic_circle(Point::new(10.0, lat), r);
                let area = Polygon::new(ring.clone(), vec![]).geodesic_area_unsigned();
                let exact = std::f64::consts::PI * r * r;
                let err = (area - exact).abs() / exact;
                assert!(err < CIRCLE_AREA_TOLERANCE, "lat {lat} r {r}: {err}");
                for c in ring.coords() {
                    let d = Geodesic.distance(Point::new(10.0, lat), Point::from(*c));
                    assert!((d - r).abs() < 1e-6, "vertex at {d} m, not {r}");
                }
            }
        }
    }

    #[test]
    fn circle_is_counter_clockwise() {
        use geo::Winding;
        assert!(geodesic_circle(Point::new(7.42, 43.73), 300.0).is_ccw());
    }
}
