//! Radius fences: a geodesic circle, or donut bands between successive ring radii.

use super::shape::{finish, geodesic_circle, params};
use super::{Fence, FenceKind};
use crate::input::Branch;
use crate::study::num;
use geo::{MultiPolygon, Point, Polygon};

/// A geodesic circle of `meters` around the branch.
///
/// # Example
/// ```
/// use catchment::{Branch, fence::radius_fence};
/// let b = Branch { branch_id: "b1".into(), name: "HQ".into(), lon: 7.42, lat: 43.73, brand: None };
/// let f = radius_fence(&b, "radius_1000", 1000.0);
/// assert!((f.area_km2 - std::f64::consts::PI).abs() / std::f64::consts::PI < 0.005);
/// ```
pub fn radius_fence(branch: &Branch, fence_id: &str, meters: f64) -> Fence {
    let center = Point::new(branch.lon, branch.lat);
    let (geometry, area_km2) = finish(MultiPolygon::new(vec![Polygon::new(
        geodesic_circle(center, meters),
        vec![],
    )]));
    Fence {
        branch_id: branch.branch_id.clone(),
        fence_id: fence_id.to_string(),
        kind: FenceKind::Radius,
        params: params(&[("meters", meters.into())]),
        geometry,
        area_km2,
        primary: false,
    }
}

/// Donut bands around the branch: `[0, r₁]`, `[r₁, r₂]`, … for increasing `rings`, with ids
/// `<fence_id>/<inner>-<outer>` (metres). Bands share their circles exactly, so they tile the
/// largest disk without gap or overlap.
///
/// # Example
/// ```
/// use catchment::{Branch, fence::ring_fences};
/// let b = Branch { branch_id: "b1".into(), name: "HQ".into(), lon: 7.42, lat: 43.73, brand: None };
/// let bands = ring_fences(&b, "rings", &[500.0, 1000.0]);
/// assert_eq!(bands[1].fence_id, "rings/500-1000");
/// assert_eq!(bands[1].geometry.0[0].interiors().len(), 1);
/// ```
pub fn ring_fences(branch: &Branch, fence_id: &str, rings: &[f64]) -> Vec<Fence> {
    let center = Point::new(branch.lon, branch.lat);
    let circles: Vec<_> = rings.iter().map(|&r| geodesic_circle(center, r)).collect();
    let mut inner = 0.0;
    let mut out = Vec::with_capacity(rings.len());
    for (i, &outer) in rings.iter().enumerate() {
        let holes = if i == 0 {
            vec![]
        } else {
            vec![circles[i - 1].clone()]
        };
        let (geometry, area_km2) = finish(MultiPolygon::new(vec![Polygon::new(
            circles[i].clone(),
            holes,
        )]));
        out.push(Fence {
            branch_id: branch.branch_id.clone(),
            fence_id: format!("{fence_id}/{}-{}", num(inner), num(outer)),
            kind: FenceKind::Radius,
            params: params(&[
                ("inner_meters", inner.into()),
                ("outer_meters", outer.into()),
            ]),
            geometry,
            area_km2,
            primary: false,
        });
        inner = outer;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Validation};

    fn branch() -> Branch {
        Branch {
            branch_id: "b".into(),
            name: "b".into(),
            lon: 121.47,
            lat: 31.23,
            brand: None,
        }
    }

    #[test]
    fn circle_area_is_pi_r_squared() {
        for r in [100.0, 1000.0, 3000.0] {
            let f = radius_fence(&branch(), "r", r);
            let exact = std::f64::consts::PI * (r / 1000.0).powi(2);
            assert!(
                (f.area_km2 - exact).abs() / exact < 0.005,
                "{r}: {}",
                f.area_km2
            );
            assert!(f.geometry.is_valid());
            assert!(f.geometry.contains(&Point::new(121.47, 31.23)));
        }
    }

    #[test]
    fn bands_tile_the_disk() {
        let bands = ring_fences(&branch(), "rings", &[500.0, 1000.0, 2000.0]);
        let ids: Vec<_> = bands.iter().map(|f| f.fence_id.as_str()).collect();
        assert_eq!(ids, ["rings/0-500", "rings/500-1000", "rings/1000-2000"]);
        let total: f64 = bands.iter().map(|f| f.area_km2).sum();
        let disk = radius_fence(&branch(), "d", 2000.0).area_km2;
        assert!((total - disk).abs() < 1e-9, "{total} vs {disk}");
        for b in &bands {
            assert!(b.geometry.is_valid(), "{}", b.fence_id);
        }
        // The centre is in the first band only.
        let c = Point::new(121.47, 31.23);
        assert!(bands[0].geometry.contains(&c) && !bands[1].geometry.contains(&c));
    }
}
