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
use rayon::prelude::*;

/// How an isochrone's polygon is built from the reached network.
///
/// Both give the set of points within the buffer distance of the reached network; they differ
/// in speed and in how exactly they follow it. Measured on the Monaco extract (release build):
/// a 15-minute walk (about 13,000 reached vertices) takes 8–11 ms with `Grid` and 0.3–0.8 s
/// with `Buffer`; their boundaries differ by 0.11–0.25 m on average (symmetric difference ÷
/// perimeter), partly the exact buffer's own chords.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum PolygonMethod {
    /// Distance to the network sampled on a square grid, contoured at the buffer distance with
    /// marching squares (linear interpolation along cell sides, saddles resolved by the cell
    /// centre); points within a thousandth of a cell of a straight line are dropped. The
    /// boundary is within about `cell² / (8 · buffer)` of the exact one where it is curved
    /// (0.25 m for drive), exact along straight streets, and cuts the cusps where two streets'
    /// buffers meet by under half a cell. Cost grows with the isochrone's area over the cell
    /// size squared plus the reached segments times the cells their buffer covers, spread over
    /// the rayon threads: 0.15 s for a 15-minute drive across a 30 km city.
    #[default]
    Grid,
    /// geo's [`Buffer`] of all reached lines in one i_overlay sweep (round caps and joins, arcs
    /// of 0.2 rad: within 0.5 % of the buffer distance). Exact, but the sweep over the many
    /// overlapping arcs is slow: 0.3–0.8 s for a 15-minute walk in Monaco, seconds for a city.
    /// Kept as a reference (the tests compare the two).
    Buffer,
}

/// Angle step of the round caps and joins of [`PolygonMethod::Buffer`], radians: the chord of a
/// 50 m buffer strays at most `50 · (1 − cos 0.1) ≈ 0.25 m` from the true circle.
const ARC_STEP_RAD: f64 = 0.2;

/// Grid corners at most (5 bytes each while contouring); a wider isochrone gets a coarser grid,
/// down to half the buffer per cell (a 200 km-wide drive isochrone).
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
        PolygonMethod::Grid => grid_polygon(lines, buffer_m, cell_m, min_hole_m2, simplify),
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

/// Checks a finished polygon.
///
/// [`PolygonMethod::Buffer`] output goes through geo's [`Validation`]. Grid contours are valid
/// by construction (rings of distinct crossing points on distinct cell sides, outer rings
/// counter-clockwise, holes clockwise); what the simplification could break is checked here:
/// no two ring segments may meet except consecutive ones. geo's ring check compares every
/// segment with every other (3 s for the 20,000-vertex ring of a city-wide drive); this one
/// indexes the segments in an R-tree.
pub(crate) fn check_valid(
    polygon: &MultiPolygon<f64>,
    method: PolygonMethod,
) -> Result<(), TravelError> {
    match method {
        PolygonMethod::Buffer => polygon
            .check_validation()
            .map_err(|e| TravelError::Polygon {
                message: e.to_string(),
            }),
        PolygonMethod::Grid => match rings_touch(polygon) {
            None => Ok(()),
            Some((a, b)) => Err(TravelError::Polygon {
                message: format!("ring segments meet at {a:?} and {b:?}"),
            }),
        },
    }
}

/// Two segments of the polygon's rings that meet, other than consecutive ones of a ring.
fn rings_touch(polygon: &MultiPolygon<f64>) -> Option<(Coord<f64>, Coord<f64>)> {
    use rstar::primitives::{GeomWithData, Line as RLine};
    use rstar::{RTree, RTreeObject};
    let rings: Vec<&LineString<f64>> = polygon
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect();
    if rings
        .iter()
        .any(|r| r.0.len() < 4 || r.0.first() != r.0.last())
    {
        return rings.first().map(|r| (r.0[0], r.0[0]));
    }
    // Ring segments with (ring, index).
    type RingSegment = GeomWithData<RLine<[f64; 2]>, (u32, u32)>;
    let segments: Vec<RingSegment> = rings
        .iter()
        .enumerate()
        .flat_map(|(r, ring)| {
            ring.0.windows(2).enumerate().map(move |(k, w)| {
                GeomWithData::new(
                    RLine::new([w[0].x, w[0].y], [w[1].x, w[1].y]),
                    (r as u32, k as u32),
                )
            })
        })
        .collect();
    let tree = RTree::bulk_load(segments);
    let line = |s: &RingSegment| {
        let g = s.geom();
        geo::Line::new(
            Coord {
                x: g.from[0],
                y: g.from[1],
            },
            Coord {
                x: g.to[0],
                y: g.to[1],
            },
        )
    };
    for s in tree.iter() {
        let (r, k) = s.data;
        let n = (rings[r as usize].0.len() - 1) as u32;
        for t in tree.locate_in_envelope_intersecting(&s.envelope()) {
            let (r2, k2) = t.data;
            if (r2, k2) <= (r, k) {
                continue;
            }
            let consecutive = r == r2 && (k2 == k + 1 || (k == 0 && k2 == n - 1));
            if !consecutive && geo::Intersects::intersects(&line(s), &line(t)) {
                return Some((line(s).start, line(t).start));
            }
        }
    }
    None
}

/// Squared distances from grid corners to the nearest line (exact within `reach` of a line).
struct DistanceGrid {
    origin: Coord<f64>,
    cell: f64,
    nx: usize,
    ny: usize,
    d2: Vec<f32>,
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
        // Coarser for very wide isochrones, but never above half the buffer: every street's
        // band must keep corners inside it.
        while corners(cell) > MAX_GRID_CORNERS && cell * 1.25 <= buffer_m / 2.0 {
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
        let far = (buffer_m + 4.0 * cell).powi(2) as f32;
        let mut d2 = vec![far; nx * ny];
        // A corner next to an inside corner is within one cell of the level: exact there.
        let reach = buffer_m + 1.01 * cell;
        let segments: Vec<(Coord<f64>, Coord<f64>)> = lines
            .0
            .iter()
            .flat_map(|l| match l.0.as_slice() {
                [p] => vec![(*p, *p)],
                coords => coords.windows(2).map(|w| (w[0], w[1])).collect(),
            })
            .collect();
        // Horizontal bands of rows filled in parallel, each from every segment that reaches it.
        let bands = if nx * ny < 1 << 20 {
            1
        } else {
            4 * rayon::current_num_threads()
        };
        let rows = ny.div_ceil(bands);
        let fill = |(band, chunk): (usize, &mut [f32])| {
            let rows = (band * rows, band * rows + chunk.len() / nx);
            for &(a, b) in &segments {
                fill_segment(chunk, rows, nx, origin, cell, a, b, reach);
            }
        };
        if bands == 1 {
            fill((0, &mut d2));
        } else {
            d2.par_chunks_mut(rows * nx).enumerate().for_each(fill);
        }
        Some(Self {
            origin,
            cell,
            nx,
            ny,
            d2,
        })
    }

    fn corner(&self, i: usize, j: usize) -> Coord<f64> {
        Coord {
            x: self.origin.x + i as f64 * self.cell,
            y: self.origin.y + j as f64 * self.cell,
        }
    }

    fn dist(&self, i: usize, j: usize) -> f32 {
        self.d2[j * self.nx + i].sqrt()
    }
}

/// Lowers the squared distance of every corner of a band of grid rows (`rows.0..rows.1`, held
/// in `band`) that lies in the box of segment `a`–`b` grown by `reach`.
#[allow(clippy::too_many_arguments)]
fn fill_segment(
    band: &mut [f32],
    rows: (usize, usize),
    nx: usize,
    origin: Coord<f64>,
    cell: f64,
    a: Coord<f64>,
    b: Coord<f64>,
    reach: f64,
) {
    let (lo, hi) = (a.y.min(b.y) - reach, a.y.max(b.y) + reach);
    let j0 = (((lo - origin.y) / cell).floor().max(0.0) as usize).max(rows.0);
    let j1 = ((((hi - origin.y) / cell).floor().max(0.0) as usize) + 1).min(rows.1 - 1);
    if j0 > j1 {
        return;
    }
    let i0 = ((a.x.min(b.x) - reach - origin.x) / cell).floor().max(0.0) as usize;
    let i1 = ((((a.x.max(b.x) + reach - origin.x) / cell).floor() as usize) + 1).min(nx - 1);
    // Coordinates relative to `a` fit f32 (metres, within the box): twice the SIMD lanes.
    let ab = b - a;
    let len2 = ab.x * ab.x + ab.y * ab.y;
    let inv = if len2 > 0.0 { (1.0 / len2) as f32 } else { 0.0 };
    let (abx, aby) = (ab.x as f32, ab.y as f32);
    let x0 = (origin.x + i0 as f64 * cell - a.x) as f32;
    let step = cell as f32;
    for j in j0..=j1 {
        let py = (origin.y + j as f64 * cell - a.y) as f32;
        let r = (j - rows.0) * nx;
        // Branch-free so it vectorises: every corner of the box gets its exact distance.
        for (k, d) in band[r + i0..=r + i1].iter_mut().enumerate() {
            let px = x0 + k as f32 * step;
            let t = ((px * abx + py * aby) * inv).clamp(0.0, 1.0);
            let (qx, qy) = (px - abx * t, py - aby * t);
            *d = d.min(qx * qx + qy * qy);
        }
    }
}

/// The four sides of a cell, counter-clockwise: bottom, right, top, left.
const SIDES: [(usize, usize, bool); 4] = [(0, 0, false), (1, 0, true), (0, 1, false), (0, 0, true)];

/// Where a contour enters or leaves a cell: `side` of cell `(i, j)` ([`SIDES`] order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Crossing {
    i: usize,
    j: usize,
    side: usize,
}

/// Marching squares over a [`DistanceGrid`] at one level, tracing each contour ring by walking
/// from cell to cell, inside on the left: outer rings come out counter-clockwise, holes
/// clockwise. A crossing is visited once; a bitset marks them.
struct Contour<'g> {
    grid: &'g DistanceGrid,
    level: f32,
    /// 1 where a corner is inside (nearer than the level), else 0.
    inside: Vec<u8>,
    visited: Vec<u64>,
}

impl<'g> Contour<'g> {
    fn new(grid: &'g DistanceGrid, level: f64) -> Self {
        let bits = 2 * grid.nx * grid.ny;
        let level2 = (level * level) as f32;
        Self {
            grid,
            level: level as f32,
            inside: grid.d2.iter().map(|&d| u8::from(d < level2)).collect(),
            visited: vec![0; bits.div_ceil(64)],
        }
    }

    fn inside(&self, i: usize, j: usize) -> bool {
        self.inside[j * self.grid.nx + i] != 0
    }

    /// Inside state of the corners of cell `(i, j)`, counter-clockwise from bottom-left.
    fn corners(&self, i: usize, j: usize) -> [bool; 4] {
        [
            self.inside(i, j),
            self.inside(i + 1, j),
            self.inside(i + 1, j + 1),
            self.inside(i, j + 1),
        ]
    }

    /// The canonical side of a crossing: the corner it starts from and its direction.
    fn key(c: Crossing) -> (usize, usize, bool) {
        let (di, dj, vertical) = SIDES[c.side];
        (c.i + di, c.j + dj, vertical)
    }

    fn bit(&self, c: Crossing) -> usize {
        let (i, j, vertical) = Self::key(c);
        2 * (j * self.grid.nx + i) + usize::from(vertical)
    }

    fn visit(&mut self, c: Crossing) -> bool {
        let b = self.bit(c);
        let (w, m) = (b / 64, 1u64 << (b % 64));
        let seen = self.visited[w] & m != 0;
        self.visited[w] |= m;
        !seen
    }

    fn point(&self, c: Crossing) -> Coord<f64> {
        let (i, j, vertical) = Self::key(c);
        let (i2, j2) = if vertical { (i, j + 1) } else { (i + 1, j) };
        let (d0, d1) = (self.grid.dist(i, j), self.grid.dist(i2, j2));
        // Strictly inside the side, so rings never share a point.
        let t = f64::from((self.level - d0) / (d1 - d0)).clamp(1e-6, 1.0 - 1e-6);
        let (p, q) = (self.grid.corner(i, j), self.grid.corner(i2, j2));
        p + (q - p) * t
    }

    /// Where the contour that enters cell `(i, j)` through side `a` leaves it.
    ///
    /// Walking a cell's sides counter-clockwise ([`SIDES`]), a side whose first corner is
    /// inside and second outside is where a contour (inside on its left) comes in; a side with
    /// the opposite corners is where it goes out. With one way in and one way out they pair;
    /// in a saddle (all four sides crossed) the cell centre decides: inside, the two inside
    /// corners are joined and the contour turns to the next side; outside, to the previous.
    fn leave(&self, i: usize, j: usize, a: usize) -> usize {
        let c = self.corners(i, j);
        let out = |k: usize| !c[k] && c[(k + 1) % 4];
        if (0..4).all(|k| c[k] != c[(k + 1) % 4]) {
            let g = self.grid;
            let centre =
                (g.dist(i, j) + g.dist(i + 1, j) + g.dist(i, j + 1) + g.dist(i + 1, j + 1)) / 4.0;
            if centre < self.level {
                (a + 1) % 4
            } else {
                (a + 3) % 4
            }
        } else {
            (1..4).map(|k| (a + k) % 4).find(|&k| out(k)).unwrap_or(a)
        }
    }

    /// The cell across side `side` of cell `(i, j)`, and that side's index there.
    fn across(i: usize, j: usize, side: usize) -> Crossing {
        match side {
            0 => Crossing {
                i,
                j: j - 1,
                side: 2,
            },
            1 => Crossing {
                i: i + 1,
                j,
                side: 3,
            },
            2 => Crossing {
                i,
                j: j + 1,
                side: 0,
            },
            _ => Crossing {
                i: i - 1,
                j,
                side: 1,
            },
        }
    }

    /// Traces every ring. The grid's border corners are all outside (it is padded by more
    /// than the buffer), so a contour never runs off it.
    fn rings(mut self) -> Vec<Vec<Coord<f64>>> {
        let g = self.grid;
        let mut rings = Vec::new();
        let nx = g.nx;
        for j in 0..g.ny - 1 {
            for i in 0..nx - 1 {
                // Most cells are wholly inside or outside.
                let m = &self.inside;
                let n = m[j * nx + i]
                    + m[j * nx + i + 1]
                    + m[(j + 1) * nx + i]
                    + m[(j + 1) * nx + i + 1];
                if n == 0 || n == 4 {
                    continue;
                }
                let c = self.corners(i, j);
                for side in 0..4 {
                    if c[side] && !c[(side + 1) % 4] {
                        let start = Crossing { i, j, side };
                        if self.visit(start) {
                            rings.push(self.trace(start));
                        }
                    }
                }
            }
        }
        rings
    }

    /// Follows a ring from the crossing `start` (where it enters `start`'s cell) until it
    /// closes. A crossing enters exactly one of the two cells that share its side, so each
    /// has one name here.
    fn trace(&mut self, start: Crossing) -> Vec<Coord<f64>> {
        let mut ring = vec![self.point(start)];
        let mut at = start;
        loop {
            let next = Self::across(at.i, at.j, self.leave(at.i, at.j, at.side));
            if next == start || !self.visit(next) {
                return ring;
            }
            ring.push(self.point(next));
            at = next;
        }
    }
}

fn grid_polygon(
    lines: &MultiLineString<f64>,
    buffer_m: f64,
    cell_m: f64,
    min_hole_m2: f64,
    simplify: bool,
) -> MultiPolygon<f64> {
    let Some(grid) = DistanceGrid::new(lines, buffer_m, cell_m) else {
        return MultiPolygon::new(vec![]);
    };
    // Only points within a thousandth of a cell of a straight line go: along straight streets
    // the contour's points are collinear (the distance to a line is linear), so the geometry
    // barely moves and bands that share a boundary keep sharing it exactly.
    let epsilon = grid.cell / 1000.0;
    let mut exteriors: Vec<(LineString<f64>, f64)> = Vec::new();
    let mut holes: Vec<LineString<f64>> = Vec::new();
    for mut ring in Contour::new(&grid, buffer_m).rings() {
        if ring.len() < 3 {
            continue;
        }
        ring.push(ring[0]);
        let mut ring = LineString::new(ring);
        // Small holes go before simplifying: a city-wide drive has tens of thousands.
        let area = ring_area(&ring);
        if area <= 0.0 && -area < min_hole_m2.max(f64::MIN_POSITIVE) {
            continue;
        }
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
        assert!(grid.cell > 5.0 && grid.cell <= 12.5);
        assert!((grid.nx * grid.ny) as f64 <= MAX_GRID_CORNERS * 1.1);
        assert_eq!(grid.d2.len(), grid.nx * grid.ny);
    }
}
