//! The nine-square grid (九宫格): 3×3 squares of a given side centred on the branch.

use super::shape::{finish, params};
use super::{Fence, FenceKind};
use crate::input::Branch;
use geo::{Coord, Destination, Geodesic, LineString, MultiPolygon, Point, Polygon};

/// Cell ids by (column, row) offset from the centre: `C`, then the compass points.
pub const NINE_GRID_IDS: [((i32, i32), &str); 9] = [
    ((0, 0), "C"),
    ((0, 1), "N"),
    ((1, 1), "NE"),
    ((1, 0), "E"),
    ((1, -1), "SE"),
    ((0, -1), "S"),
    ((-1, -1), "SW"),
    ((-1, 0), "W"),
    ((-1, 1), "NW"),
];

/// The 3×3 grid of `cell_meters` squares centred on the branch, ids `<fence_id>/C`, `/N`, `/NE`, …
///
/// Sizes are true metres at any latitude: the 4×4 lattice of corners is laid out with geodesic
/// steps (north–south along the meridian, then east–west along the geodesic), and neighbouring
/// cells share their corner points exactly, so the nine cells tile the 3·`cell_meters` square.
///
/// # Example
/// ```
/// use catchment::{Branch, fence::nine_grid_fences};
/// let b = Branch { branch_id: "b1".into(), name: "HQ".into(), lon: 7.42, lat: 43.73, brand: None };
/// let cells = nine_grid_fences(&b, "nine_grid_500", 500.0);
/// assert_eq!(cells.len(), 9);
/// assert_eq!(cells[0].fence_id, "nine_grid_500/C");
/// assert!((cells[0].area_km2 - 0.25).abs() < 1e-4);
/// ```
pub fn nine_grid_fences(branch: &Branch, fence_id: &str, cell_meters: f64) -> Vec<Fence> {
    let center = Point::new(branch.lon, branch.lat);
    // corner[row][col] for offsets (-1.5, -0.5, 0.5, 1.5) × cell.
    let steps = [-1.5, -0.5, 0.5, 1.5];
    let corner: Vec<Vec<Coord<f64>>> = steps
        .iter()
        .map(|&dy| {
            let row_start = step(center, 0.0, dy * cell_meters);
            steps
                .iter()
                .map(|&dx| step(row_start, 90.0, dx * cell_meters).0)
                .collect()
        })
        .collect();
    NINE_GRID_IDS
        .iter()
        .map(|&((cx, cy), name)| {
            let (c, r) = ((cx + 1) as usize, (cy + 1) as usize);
            let ring = LineString::new(vec![
                corner[r][c],
                corner[r][c + 1],
                corner[r + 1][c + 1],
                corner[r + 1][c],
                corner[r][c],
            ]);
            let (geometry, area_km2) = finish(MultiPolygon::new(vec![Polygon::new(ring, vec![])]));
            Fence {
                branch_id: branch.branch_id.clone(),
                fence_id: format!("{fence_id}/{name}"),
                kind: FenceKind::NineGrid,
                params: params(&[("cell_meters", cell_meters.into()), ("cell", name.into())]),
                geometry,
                area_km2,
                primary: false,
            }
        })
        .collect()
}

/// The point `meters` from `p` along `bearing` (negative metres go the opposite way).
fn step(p: Point<f64>, bearing: f64, meters: f64) -> Point<f64> {
    if meters < 0.0 {
        Geodesic.destination(p, (bearing + 180.0) % 360.0, -meters)
    } else {
        Geodesic.destination(p, bearing, meters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Distance, Validation};

    #[test]
    fn cells_have_true_metric_sides_at_any_latitude() {
        for lat in [0.0, 22.5, 43.73, 60.0] {
            let b = Branch {
                branch_id: "b".into(),
                name: "b".into(),
                lon: 114.05,
                lat,
                brand: None,
            };
            let cells = nine_grid_fences(&b, "g", 500.0);
            for f in &cells {
                assert!(f.geometry.is_valid(), "{}", f.fence_id);
                let ring = f.geometry.0[0].exterior();
                for w in ring.0.windows(2) {
                    let side = Geodesic.distance(Point::from(w[0]), Point::from(w[1]));
                    assert!(
                        (side - 500.0).abs() < 0.5,
                        "lat {lat} {}: side {side}",
                        f.fence_id
                    );
                }
                assert!((f.area_km2 - 0.25).abs() < 0.25 * 0.002, "{}", f.area_km2);
            }
            assert!(cells[0].geometry.contains(&Point::new(114.05, lat)));
            let total: f64 = cells.iter().map(|f| f.area_km2).sum();
            assert!((total - 2.25).abs() < 2.25 * 0.002, "{total}");
        }
    }

    #[test]
    fn compass_ids_point_the_right_way() {
        let b = Branch {
            branch_id: "b".into(),
            name: "b".into(),
            lon: 7.42,
            lat: 43.73,
            brand: None,
        };
        let cells = nine_grid_fences(&b, "g", 200.0);
        let centre = |id: &str| {
            use geo::Centroid;
            cells
                .iter()
                .find(|f| f.fence_id == format!("g/{id}"))
                .unwrap()
                .geometry
                .centroid()
                .unwrap()
        };
        let c = centre("C");
        assert!(centre("N").y() > c.y() && (centre("N").x() - c.x()).abs() < 1e-6);
        assert!(centre("E").x() > c.x());
        assert!(centre("SW").x() < c.x() && centre("SW").y() < c.y());
        assert!(centre("NE").x() > c.x() && centre("NE").y() > c.y());
    }
}
