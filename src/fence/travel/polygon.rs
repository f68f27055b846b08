//! From a reached network to a polygon, in a metric plane: the set of points within the buffer
//! distance of the network, by a distance grid and marching squares ([`PolygonMethod::Grid`]) or
//! by geo's exact buffer and union ([`PolygonMethod::Buffer`]).

use super::TravelError;
use geo::algorithm::buffer::{BufferStyle, LineCap, LineJoin};
use geo::orient::Direction;
use geo::{
    Buffer, Contains, Coord, LineString, MultiLineString, MultiPolygon, Orient, Point, Polygon,
    Simplify, Validation,
};
use std::collections::HashMap;

/// How an isochrone's polygon is built from the reached network.
///
/// Both give the set of points within the buffer distance of the reached network; they differ
/// in speed and in how exactly they follow it. Measured on the Monaco extract (15-minute walk,
/// about 13,000 reached vertices; release build, one core): `Grid` 10–20 ms, `Buffer` 1.3 s;
/// their boundaries differ by 0.1–0.2 m on average (symmetric difference ÷ perimeter).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum PolygonMethod {
    /// Distance to the network sampled on a square grid, contoured at the buffer distance with
    /// marching squares (linear interpolation along cell sides, saddles resolved by the cell
    /// centre); points within a thousandth of a cell of a straight line are dropped. The
    /// boundary is within about
    /// `cell² / (8 · buffer)` of the exact one where it is smooth (0.25 m for drive) and cuts
    /// the cusps where two streets' buffers meet by under half a cell. Cost grows with the
    /// area of the isochrone over the cell size squared, plus the reached segments times the
    /// cells their buffer covers: fast for every size of isochrone.
    #[default]
    Grid,
    /// geo's [`Buffer`] of all reached lines in one i_overlay sweep (round caps and joins, arcs
    /// of 0.2 rad: within 0.5 % of the buffer distance). Exact, but the sweep over the many
    /// overlapping arcs is slow: seconds for a city-wide walk. Kept as a reference.
    Buffer,
}

/// Angle step of the round caps and joins of [`PolygonMethod::Buffer`], radians: the chord of a
/// 50 m buffer strays at most `50 · (1 − cos 0.1) ≈ 0.25 m` from the true circle.
const ARC_STEP_RAD: f64 = 0.2;

/// Grid corners at most; a larger isochrone gets a coarser grid.
const MAX_GRID_CORNERS: f64 = 64e6;

/// Points within `buffer_m` of `lines` (metres, in a local plane), holes under `min_hole_m2`
/// filled; exteriors counter-clockwise, holes clockwise. `simplify` removes grid vertices that
/// deviate less than a thousandth of a cell from a straight line ([`PolygonMethod::Grid`] only).
pub(crate) fn network_polygon(
    lines: &MultiLineString<f64>,
    buffer_m: f64,
    min_hole_m2: f64,
    method: PolygonMethod,
    cell_m: f64,
    simplify: bool,
) -> MultiPolygon<f64> {
    let polygon = match method {
        PolygonMethod::Grid => grid_polygon(lines, buffer_m, cell_m, simplify),
        PolygonMethod::Buffer => {
            let style = BufferStyle::new(buffer_m)
                .line_cap(LineCap::Round(ARC_STEP_RAD))
                .line_join(LineJoin::Round(ARC_STEP_RAD));
            lines.buffer_with_style(style)
        }
    };
    let polygons = polygon
        .into_iter()
        .map(|p| {
            let (exterior, holes) = p.into_inner();
            let holes = holes
                .into_iter()
                .filter(|h| ring_area(h).abs() >= min_hole_m2.max(f64::MIN_POSITIVE))
                .collect();
            Polygon::new(exterior, holes)
        })
        .collect();
    MultiPolygon::new(polygons).orient(Direction::Default)
}

/// Signed area of a closed ring (shoelace): positive counter-clockwise.
fn ring_area(ring: &LineString<f64>) -> f64 {
    ring.0
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum::<f64>()
        / 2.0
}

/// Checks a finished polygon with geo's [`Validation`].
pub(crate) fn check_valid(polygon: &MultiPolygon<f64>) -> Result<(), TravelError> {
    polygon
        .check_validation()
        .map_err(|e| TravelError::Polygon {
            message: e.to_string(),
        })
}

/// Distances from grid corners to the nearest line, within `reach` of a line (beyond: `far`).
struct DistanceGrid {
    origin: Coord<f64>,
    cell: f64,
    nx: usize,
    ny: usize,
    d: Vec<f32>,
}

impl DistanceGrid {
    fn new(lines: &MultiLineString<f64>, buffer_m: f64, cell_m: f64) -> Option<Self> {
        let mut min = Coord {
            x: f64::MAX,
            y: f64::MAX,
        };
        let mut max = Coord {
            x: f64::MIN,
            y: f64::MIN,
        };
        for c in lines.0.iter().flat_map(|l| l.0.iter()) {
            min = Coord {
                x: min.x.min(c.x),
                y: min.y.min(c.y),
            };
            max = Coord {
                x: max.x.max(c.x),
                y: max.y.max(c.y),
            };
        }
        if min.x > max.x {
            return None;
        }
        let (w, h) = (max.x - min.x, max.y - min.y);
        let mut cell = cell_m;
        let pad = |cell: f64| buffer_m + 2.0 * cell;
        let corners =
            |cell: f64| ((w + 2.0 * pad(cell)) / cell + 2.0) * ((h + 2.0 * pad(cell)) / cell + 2.0);
        while corners(cell) > MAX_GRID_CORNERS {
            cell *= 1.25;
        }
        // Corners on a lattice through the plane's origin (the start), the same for every
        // budget, so nested networks give nested contours.
        let origin = Coord {
            x: ((min.x - pad(cell)) / cell).floor() * cell,
            y: ((min.y - pad(cell)) / cell).floor() * cell,
        };
        let nx = ((max.x + pad(cell) - origin.x) / cell).ceil() as usize + 1;
        let ny = ((max.y + pad(cell) - origin.y) / cell).ceil() as usize + 1;
        let far = (buffer_m + 4.0 * cell) as f32;
        let mut grid = Self {
            origin,
            cell,
            nx,
            ny,
            d: vec![far; nx * ny],
        };
        let reach = buffer_m + 1.5 * cell;
        for line in &lines.0 {
            match line.0.as_slice() {
                [] => {}
                [p] => grid.segment(*p, *p, reach),
                coords => {
                    for s in coords.windows(2) {
                        grid.segment(s[0], s[1], reach);
                    }
                }
            }
        }
        Some(grid)
    }

    fn corner(&self, i: usize, j: usize) -> Coord<f64> {
        Coord {
            x: self.origin.x + i as f64 * self.cell,
            y: self.origin.y + j as f64 * self.cell,
        }
    }

    /// Lowers the distance of every corner within `reach` of segment `a`–`b`.
    fn segment(&mut self, a: Coord<f64>, b: Coord<f64>, reach: f64) {
        let ab = b - a;
        let len2 = ab.x * ab.x + ab.y * ab.y;
        let reach2 = reach * reach;
        let to_index = |v: f64, o: f64| ((v - o) / self.cell).floor().max(0.0) as usize;
        let j0 = to_index(a.y.min(b.y) - reach, self.origin.y);
        let j1 = (to_index(a.y.max(b.y) + reach, self.origin.y) + 1).min(self.ny - 1);
        let i0 = to_index(a.x.min(b.x) - reach, self.origin.x);
        let i1 = (to_index(a.x.max(b.x) + reach, self.origin.x) + 1).min(self.nx - 1);
        for j in j0..=j1 {
            let y = self.origin.y + j as f64 * self.cell;
            let row = &mut self.d[j * self.nx..(j + 1) * self.nx];
            for (i, d) in row.iter_mut().enumerate().take(i1 + 1).skip(i0) {
                let p = Coord {
                    x: self.origin.x + i as f64 * self.cell,
                    y,
                };
                let ap = p - a;
                let t = if len2 > 0.0 {
                    ((ap.x * ab.x + ap.y * ab.y) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let q = ap - ab * t;
                let d2 = q.x * q.x + q.y * q.y;
                if d2 < reach2 {
                    let dist = d2.sqrt() as f32;
                    if dist < *d {
                        *d = dist;
                    }
                }
            }
        }
    }
}

/// A contour crossing: on the side of cell corner `(i, j)` towards `+x` (`vertical = false`) or
/// `+y` (`vertical = true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Crossing {
    i: u32,
    j: u32,
    vertical: bool,
}

fn grid_polygon(
    lines: &MultiLineString<f64>,
    buffer_m: f64,
    cell_m: f64,
    simplify: bool,
) -> MultiPolygon<f64> {
    let Some(grid) = DistanceGrid::new(lines, buffer_m, cell_m) else {
        return MultiPolygon::new(vec![]);
    };
    let level = buffer_m as f32;
    let inside = |i: usize, j: usize| grid.d[j * grid.nx + i] < level;

    // Marching squares: one directed segment per contour piece, inside on its left, so outer
    // rings come out counter-clockwise and holes clockwise.
    let mut next: HashMap<Crossing, Crossing> = HashMap::new();
    for j in 0..grid.ny - 1 {
        for i in 0..grid.nx - 1 {
            let corners = [
                inside(i, j),
                inside(i + 1, j),
                inside(i + 1, j + 1),
                inside(i, j + 1),
            ];
            if corners.iter().all(|&c| c) || corners.iter().all(|&c| !c) {
                continue;
            }
            // Cell sides counter-clockwise: bottom, right, top, left; a crossing where the
            // inside state changes along that walk.
            let sides = [
                Crossing {
                    i: i as u32,
                    j: j as u32,
                    vertical: false,
                },
                Crossing {
                    i: i as u32 + 1,
                    j: j as u32,
                    vertical: true,
                },
                Crossing {
                    i: i as u32,
                    j: j as u32 + 1,
                    vertical: false,
                },
                Crossing {
                    i: i as u32,
                    j: j as u32,
                    vertical: true,
                },
            ];
            // (crossing, leaves the inside) in counter-clockwise order.
            let mut found: Vec<(Crossing, bool)> = Vec::with_capacity(4);
            for k in 0..4 {
                let (from, to) = (corners[k], corners[(k + 1) % 4]);
                if from != to {
                    found.push((sides[k], from));
                }
            }
            let joined = found.len() == 4 && {
                let centre = (grid.d[j * grid.nx + i]
                    + grid.d[j * grid.nx + i + 1]
                    + grid.d[(j + 1) * grid.nx + i]
                    + grid.d[(j + 1) * grid.nx + i + 1])
                    / 4.0;
                centre < level
            };
            let n = found.len();
            for k in 0..n {
                let (c, exits) = found[k];
                if !exits {
                    continue;
                }
                // An exit joins the next entry counter-clockwise, or, in a saddle whose two
                // inside corners are apart, the previous one.
                let to = if n == 4 && !joined {
                    found[(k + n - 1) % n].0
                } else {
                    found[(k + 1) % n].0
                };
                next.insert(c, to);
            }
        }
    }

    let point = |c: Crossing| {
        let (i, j) = (c.i as usize, c.j as usize);
        let (i2, j2) = if c.vertical { (i, j + 1) } else { (i + 1, j) };
        let (d0, d1) = (grid.d[j * grid.nx + i], grid.d[j2 * grid.nx + i2]);
        // Strictly inside the side, so rings never share a point.
        let t = f64::from((level - d0) / (d1 - d0)).clamp(1e-6, 1.0 - 1e-6);
        let (p, q) = (grid.corner(i, j), grid.corner(i2, j2));
        p + (q - p) * t
    };

    // Trace rings.
    let mut exteriors: Vec<(LineString<f64>, f64)> = Vec::new();
    let mut holes: Vec<LineString<f64>> = Vec::new();
    let mut keys: Vec<Crossing> = next.keys().copied().collect();
    keys.sort_unstable_by_key(|c| (c.j, c.i, c.vertical));
    // Only points within a thousandth of a cell of a straight line go: along straight streets
    // the contour's points are collinear (the distance to a line is linear), so the geometry
    // barely moves and bands that share a boundary keep sharing it exactly.
    let epsilon = grid.cell / 1000.0;
    for start in keys {
        if !next.contains_key(&start) {
            continue;
        }
        let mut ring = Vec::new();
        let mut c = start;
        while let Some(n) = next.remove(&c) {
            ring.push(point(c));
            c = n;
        }
        if ring.len() < 3 {
            continue;
        }
        ring.push(ring[0]);
        let mut ring = LineString::new(ring);
        if simplify {
            let simplified = ring.simplify(epsilon);
            if simplified.0.len() >= 4 {
                ring = simplified;
            }
        }
        let area = ring_area(&ring);
        if area > 0.0 {
            exteriors.push((ring, area));
        } else {
            holes.push(ring);
        }
    }

    // Each hole goes to the smallest exterior that contains it.
    exteriors.sort_by(|a, b| a.1.total_cmp(&b.1));
    let shells: Vec<Polygon<f64>> = exteriors
        .into_iter()
        .map(|(r, _)| Polygon::new(r, vec![]))
        .collect();
    let mut interiors: Vec<Vec<LineString<f64>>> = vec![Vec::new(); shells.len()];
    for hole in holes {
        let probe = Point(hole.0[0]);
        let owner = if shells.len() == 1 {
            Some(0)
        } else {
            shells.iter().position(|p| p.contains(&probe))
        };
        if let Some(k) = owner {
            interiors[k].push(hole);
        }
    }
    MultiPolygon::new(
        shells
            .into_iter()
            .zip(interiors)
            .map(|(shell, holes)| Polygon::new(shell.into_inner().0, holes))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Winding, line_string};

    fn lines(ls: Vec<LineString<f64>>) -> MultiLineString<f64> {
        MultiLineString::new(ls)
    }

    fn area(mp: &MultiPolygon<f64>) -> f64 {
        mp.iter()
            .map(|p| ring_area(p.exterior()) + p.interiors().iter().map(ring_area).sum::<f64>())
            .sum()
    }

    #[test]
    fn a_segment_becomes_a_capsule() {
        let l = lines(vec![line_string![(x: 0.0, y: 0.0), (x: 70.0, y: 70.0)]]);
        let len = 70.0 * 2f64.sqrt();
        let want = 2.0 * 25.0 * len + std::f64::consts::PI * 625.0;
        for method in [PolygonMethod::Grid, PolygonMethod::Buffer] {
            let p = network_polygon(&l, 25.0, 0.0, method, 5.0, true);
            assert_eq!(p.0.len(), 1);
            assert!(p.is_valid());
            assert!(p.0[0].exterior().is_ccw());
            assert!(
                (area(&p) - want).abs() / want < 0.005,
                "{method:?}: {}",
                area(&p)
            );
        }
        // A single point still makes a disc.
        let dot = lines(vec![LineString::new(vec![Coord { x: 3.0, y: 4.0 }])]);
        let p = network_polygon(&dot, 25.0, 0.0, PolygonMethod::Grid, 5.0, true);
        assert!(
            (area(&p) - std::f64::consts::PI * 625.0).abs() < 20.0,
            "{}",
            area(&p)
        );
    }

    #[test]
    fn blocks_become_holes_unless_small() {
        let square = |s: f64| {
            line_string![
                (x: 0.0, y: 0.0), (x: s, y: 0.0), (x: s, y: s), (x: 0.0, y: s), (x: 0.0, y: 0.0)
            ]
        };
        let l = lines(vec![square(200.0)]);
        let kept = network_polygon(&l, 25.0, 0.0, PolygonMethod::Grid, 5.0, true);
        assert_eq!(kept.0[0].interiors().len(), 1);
        let hole = &kept.0[0].interiors()[0];
        assert!(hole.is_cw());
        // The hole is the 150 m square inside the buffer.
        assert!(
            (ring_area(hole).abs() - 150.0 * 150.0).abs() < 1.0,
            "{}",
            ring_area(hole)
        );
        let filled = network_polygon(&l, 25.0, 30_000.0, PolygonMethod::Grid, 5.0, true);
        assert!(filled.0[0].interiors().is_empty());
        assert!(filled.is_valid());
    }

    #[test]
    fn apart_networks_make_separate_polygons_and_saddles_stay_valid() {
        let l = lines(vec![
            line_string![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0)],
            line_string![(x: 0.0, y: 500.0), (x: 100.0, y: 500.0)],
        ]);
        let p = network_polygon(&l, 25.0, 0.0, PolygonMethod::Grid, 5.0, true);
        assert_eq!(p.0.len(), 2);
        assert!(p.is_valid());
        // Two parallel streets exactly two buffers apart touch along a line of saddles.
        for gap in [49.0, 50.0, 51.0] {
            let l = lines(vec![
                line_string![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0)],
                line_string![(x: 0.0, y: gap), (x: 100.0, y: gap)],
            ]);
            for cell in [5.0, 7.0] {
                let p = network_polygon(&l, 25.0, 0.0, PolygonMethod::Grid, cell, true);
                assert!(
                    p.is_valid(),
                    "gap {gap} cell {cell}: {:?}",
                    p.validation_errors()
                );
            }
        }
    }

    #[test]
    fn a_huge_network_gets_a_coarser_grid() {
        let l = lines(vec![
            line_string![(x: 0.0, y: 0.0), (x: 100_000.0, y: 100_000.0)],
        ]);
        let grid = DistanceGrid::new(&l, 25.0, 5.0).unwrap();
        assert!(grid.cell > 5.0);
        assert!((grid.nx * grid.ny) as f64 <= MAX_GRID_CORNERS * 1.01);
    }
}
