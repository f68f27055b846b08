//! Fence rasterisation and the exact per-ping test of candidate fences.
//!
//! Per fence: its edges bucketed by pixel row (every edge whose y-range, grown by the slack,
//! meets the row), a local bitmap over its bounding box where pixel centres inside the fence
//! (scanline over the row's bucket) are *sure* and every pixel an edge touches is a *candidate*,
//! and the bitmap as row runs. The per-ping test replays geo's winding-number rule on the
//! edges of one bucket only; edges outside it cannot contribute (geo only looks at edges whose
//! closed y-range holds the point).

use super::grid::{EPS_DEG, PixelGrid};
use geo::kernels::{Kernel, Orientation};
use geo::{Coord, GeoNum, MultiPolygon};

type Ker = <f64 as GeoNum>::Ker;

/// One edge of a fence ring.
#[derive(Debug, Clone, Copy)]
struct Edge {
    a: Coord<f64>,
    b: Coord<f64>,
    /// Ring number within the fence (polygon by polygon; exterior first, then holes).
    ring: u32,
}

/// Which polygon a ring belongs to, and whether it is a hole.
#[derive(Debug, Clone, Copy)]
struct Ring {
    polygon: u32,
    hole: bool,
}

/// A fence's edges bucketed by pixel row, for the exact test.
#[derive(Debug, Clone)]
pub(crate) struct FenceEdges {
    edges: Vec<Edge>,
    rings: Vec<Ring>,
    /// First grid row with a bucket.
    row0: usize,
    /// `offsets[r - row0]..offsets[r - row0 + 1]` indexes `bucket` for row `r`.
    offsets: Vec<u32>,
    /// Edge numbers, ascending (so ring by ring) within each row.
    bucket: Vec<u32>,
}

/// A run of pixels `c0..c1` in `row` where the fence is sure (`candidate == false`) or needs
/// the exact test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    pub row: u32,
    pub c0: u32,
    pub c1: u32,
    pub candidate: bool,
}

impl FenceEdges {
    /// Collects the edges of a fence and buckets them by the grid rows they reach.
    pub fn new(fence: &MultiPolygon<f64>, grid: &PixelGrid) -> Self {
        let mut edges = Vec::new();
        let mut rings = Vec::new();
        for (p, polygon) in fence.0.iter().enumerate() {
            if polygon.exterior().0.is_empty() {
                // geo skips a polygon with an empty exterior, holes included.
                continue;
            }
            for (k, ring) in std::iter::once(polygon.exterior())
                .chain(polygon.interiors())
                .enumerate()
            {
                let id = rings.len() as u32;
                rings.push(Ring {
                    polygon: p as u32,
                    hole: k > 0,
                });
                match ring.0.len() {
                    0 => {}
                    // geo: a one-point ring is on-boundary at that point only, which is what a
                    // zero-length edge gives under the same rule.
                    1 => edges.push(Edge {
                        a: ring.0[0],
                        b: ring.0[0],
                        ring: id,
                    }),
                    _ => edges.extend(ring.lines().map(|l| Edge {
                        a: l.start,
                        b: l.end,
                        ring: id,
                    })),
                }
            }
        }
        // Rows each edge reaches (closed y-range grown by the slack), clamped to the grid.
        let rows_of = |e: &Edge| -> Option<(usize, usize)> {
            let (lo, hi) = (e.a.y.min(e.b.y) - EPS_DEG, e.a.y.max(e.b.y) + EPS_DEG);
            if hi < grid.y0 || lo > grid.y1 {
                return None;
            }
            let r0 = grid.row_floor(lo).max(0) as usize;
            let r1 = (grid.row_floor(hi).max(0) as usize).min(grid.ny - 1);
            Some((r0, r1))
        };
        let (mut row0, mut row1) = (usize::MAX, 0);
        for e in &edges {
            if let Some((r0, r1)) = rows_of(e) {
                row0 = row0.min(r0);
                row1 = row1.max(r1);
            }
        }
        if row0 > row1 {
            return Self {
                edges,
                rings,
                row0: 0,
                offsets: vec![0],
                bucket: Vec::new(),
            };
        }
        // Counting sort by row keeps edges in ring order inside every bucket.
        let nrows = row1 - row0 + 1;
        let mut counts = vec![0u32; nrows + 1];
        for e in &edges {
            if let Some((r0, r1)) = rows_of(e) {
                for r in r0..=r1 {
                    counts[r - row0 + 1] += 1;
                }
            }
        }
        let mut total = 0;
        for c in &mut counts {
            total += *c;
            *c = total;
        }
        let offsets = counts.clone();
        let mut fill = counts;
        let mut bucket = vec![0u32; offsets[nrows] as usize];
        for (i, e) in edges.iter().enumerate() {
            if let Some((r0, r1)) = rows_of(e) {
                for r in r0..=r1 {
                    bucket[fill[r - row0] as usize] = i as u32;
                    fill[r - row0] += 1;
                }
            }
        }
        Self {
            edges,
            rings,
            row0,
            offsets,
            bucket,
        }
    }

    /// Edges of grid row `row`.
    #[inline]
    fn row_edges(&self, row: usize) -> &[u32] {
        match row.checked_sub(self.row0) {
            Some(r) if r + 1 < self.offsets.len() => {
                &self.bucket[self.offsets[r] as usize..self.offsets[r + 1] as usize]
            }
            _ => &[],
        }
    }

    /// Whether the point, which lies in grid row `row`, is in the fence or on its boundary:
    /// exactly `geo::Intersects::intersects(&multipolygon, &point)`.
    #[inline]
    pub fn contains(&self, row: usize, lon: f64, lat: f64) -> bool {
        let c = Coord { x: lon, y: lat };
        let ids = self.row_edges(row);
        let mut i = 0;
        let mut polygon = u32::MAX;
        // Inside the current polygon's exterior and not yet decided by a hole.
        let mut pending = false;
        while i < ids.len() {
            let ring = self.edges[ids[i] as usize].ring;
            let mut winding = 0i32;
            let mut boundary = false;
            while i < ids.len() {
                let e = self.edges[ids[i] as usize];
                if e.ring != ring {
                    break;
                }
                i += 1;
                if !boundary {
                    match edge_effect(e.a, e.b, c) {
                        EdgeEffect::None => {}
                        EdgeEffect::Wind(w) => winding += w,
                        EdgeEffect::Boundary => boundary = true,
                    }
                }
            }
            let info = self.rings[ring as usize];
            if info.polygon != polygon {
                if pending {
                    return true;
                }
                polygon = info.polygon;
                pending = false;
            }
            if !info.hole {
                if boundary {
                    return true;
                }
                pending = winding != 0;
            } else if pending {
                // geo: the first hole the point is not outside of decides.
                if boundary {
                    return true;
                }
                if winding != 0 {
                    pending = false;
                }
            }
        }
        pending
    }

    /// The fence's pixel runs: sure where the pixel centre is inside and no edge touches the
    /// pixel, candidate wherever an edge touches it.
    pub fn runs(&self, grid: &PixelGrid) -> Vec<Run> {
        let nrows = self.offsets.len() - 1;
        if nrows == 0 {
            return Vec::new();
        }
        let (mut xlo, mut xhi) = (f64::MAX, f64::MIN);
        for e in &self.edges {
            xlo = xlo.min(e.a.x.min(e.b.x));
            xhi = xhi.max(e.a.x.max(e.b.x));
        }
        if xhi + EPS_DEG < grid.x0 || xlo - EPS_DEG > grid.x1 {
            return Vec::new();
        }
        let col0 = grid.col_floor(xlo - EPS_DEG).max(0) as usize;
        let col1 = (grid.col_floor(xhi + EPS_DEG).max(0) as usize).min(grid.nx - 1);
        let width = col1 - col0 + 1;
        // 0 = outside, 1 = sure, 2 = candidate.
        let mut bitmap = vec![0u8; width * nrows];

        let mut events: Vec<(f64, u32, i32)> = Vec::new();
        let mut windings: Vec<i32> = vec![0; self.rings.len()];
        // Per polygon: (inside its exterior, number of its holes the point is inside).
        let npolys = self.rings.last().map_or(0, |r| r.polygon as usize + 1);
        let mut polys: Vec<(bool, u32)> = vec![(false, 0); npolys];
        for r in 0..nrows {
            let row = self.row0 + r;
            let yc = grid.row_centre(row);
            let line = &mut bitmap[r * width..(r + 1) * width];
            events.clear();
            for &id in self.row_edges(row) {
                let e = self.edges[id as usize];
                // Half-open rule: each crossing of the centre line counted once.
                let dir = if e.a.y <= yc && yc < e.b.y {
                    1
                } else if e.b.y <= yc && yc < e.a.y {
                    -1
                } else {
                    continue;
                };
                let x = e.a.x + (yc - e.a.y) * (e.b.x - e.a.x) / (e.b.y - e.a.y);
                events.push((x, e.ring, dir));
            }
            events.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
            // Per polygon: inside = exterior winding != 0 and no hole winding != 0; the fence
            // is the union of its polygons, which the bitmap accumulates.
            let mut inside_polys = 0u32;
            let mut start = f64::NAN;
            for &(x, ring, dir) in &events {
                let info = self.rings[ring as usize];
                let entry = &mut polys[info.polygon as usize];
                let was = entry.0 && entry.1 == 0;
                let before = windings[ring as usize] != 0;
                windings[ring as usize] += dir;
                let after = windings[ring as usize] != 0;
                if before != after {
                    if info.hole {
                        if after {
                            entry.1 += 1;
                        } else {
                            entry.1 -= 1;
                        }
                    } else {
                        entry.0 = after;
                    }
                }
                let now = entry.0 && entry.1 == 0;
                if was != now {
                    let before_any = inside_polys > 0;
                    if now {
                        inside_polys += 1;
                    } else {
                        inside_polys -= 1;
                    }
                    let after_any = inside_polys > 0;
                    if !before_any && after_any {
                        start = x;
                    } else if before_any && !after_any {
                        mark_centres(grid, col0, line, start, x);
                    }
                }
            }
            // Every ring closes, so windings are back to zero; reset only what was touched.
            for &(_, ring, _) in &events {
                windings[ring as usize] = 0;
                polys[self.rings[ring as usize].polygon as usize] = (false, 0);
            }
        }

        for e in &self.edges {
            grid.segment_spans((e.a.x, e.a.y), (e.b.x, e.b.y), 0.0, |row, c0, c1| {
                let r = row - self.row0;
                let (c0, c1) = (c0.max(col0) - col0, c1.min(col1) - col0);
                bitmap[r * width + c0..=r * width + c1].fill(2);
            });
        }

        let mut runs = Vec::new();
        for r in 0..nrows {
            let line = &bitmap[r * width..(r + 1) * width];
            let mut c = 0;
            while c < width {
                let v = line[c];
                let start = c;
                while c < width && line[c] == v {
                    c += 1;
                }
                if v != 0 {
                    runs.push(Run {
                        row: (self.row0 + r) as u32,
                        c0: (col0 + start) as u32,
                        c1: (col0 + c) as u32,
                        candidate: v == 2,
                    });
                }
            }
        }
        runs
    }

    /// Heap bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.edges.len() * size_of::<Edge>()
            + self.rings.len() * size_of::<Ring>()
            + (self.offsets.len() + self.bucket.len()) * 4
    }
}

/// Marks as sure the pixels of a bitmap row whose centres lie strictly between `xs` and `xe`.
fn mark_centres(grid: &PixelGrid, col0: usize, line: &mut [u8], xs: f64, xe: f64) {
    let first = ((xs - grid.x0) / grid.dx - 0.5).ceil().max(col0 as f64);
    let last = ((xe - grid.x0) / grid.dx - 0.5)
        .floor()
        .min((col0 + line.len() - 1) as f64);
    if first <= last {
        line[first as usize - col0..=last as usize - col0].fill(1);
    }
}

/// What one edge does to the winding number of a point, as geo's `coord_pos_relative_to_ring`.
enum EdgeEffect {
    None,
    Wind(i32),
    Boundary,
}

/// geo 0.33 `coord_pos_relative_to_ring`, one edge at a time (same branches, same predicate).
#[inline(always)]
fn edge_effect(start: Coord<f64>, end: Coord<f64>, c: Coord<f64>) -> EdgeEffect {
    if start.y <= c.y {
        if end.y >= c.y {
            let o = Ker::orient2d(start, end, c);
            if o == Orientation::CounterClockwise && end.y != c.y {
                return EdgeEffect::Wind(1);
            } else if o == Orientation::Collinear && between(c.x, start.x, end.x) {
                return EdgeEffect::Boundary;
            }
        }
    } else if end.y <= c.y {
        let o = Ker::orient2d(start, end, c);
        if o == Orientation::Clockwise {
            return EdgeEffect::Wind(-1);
        } else if o == Orientation::Collinear && between(c.x, start.x, end.x) {
            return EdgeEffect::Boundary;
        }
    }
    EdgeEffect::None
}

/// geo's `value_in_between`: inclusive, bounds in either order.
#[inline(always)]
fn between(v: f64, a: f64, b: f64) -> bool {
    if a < b {
        (a..=b).contains(&v)
    } else {
        (b..=a).contains(&v)
    }
}
