//! H3 coverage of fence geometries, exact with respect to a documented [`CoverageMode`].
//!
//! The join engine indexes fences by the H3 cells this module returns, so the set must be exactly
//! the set the mode's definition describes, never "about right". h3o's tiler finds the cells
//! whose centre lies deep inside the geometry; every cell whose polygon the geometry's boundary
//! touches is then decided again with exact geo predicates (robust orientation tests on the `f64`
//! coordinates as given).
//!
//! # The cell polygon
//!
//! A cell's polygon is the ring of h3o's [`CellIndex::boundary()`] vertices (H3's
//! `cellToBoundary`, counter-clockwise, with the extra "distortion" vertices of Class III
//! resolutions) joined by **straight lines in longitude/latitude degrees**, exactly as a GIS
//! draws the cell. See [`cell_polygon`]. H3's own cell edges are straight in the gnomonic
//! projection of an icosahedron face (great-circle arcs), so near an edge the two can disagree
//! by the arc's sagitta: under a millimetre at resolution 9 (edges ≈ 200 m), about 2 cm at
//! resolution 7. `latlng_to_cell` of a point that close to an edge may therefore name the
//! neighbour of the cell whose polygon contains it.
//!
//! # Geometry
//!
//! Geometries are planar in longitude/latitude degrees (as in GeoJSON and geo), valid
//! (OGC), within ±180° longitude and ±90° latitude, and must not cross the antimeridian (split
//! such a fence at ±180° first). Polygons with a non-finite or out-of-range coordinate, exteriors
//! with fewer than four coordinates and holes with fewer than four coordinates have no area and
//! are ignored.

use std::collections::{HashMap, HashSet};

use geo::{
    BoundingRect, Contains, Coord, CoordsIter, InteriorPoint, Intersects, Line, LineString,
    MultiPolygon, Point, Polygon, PreparedGeometry, Rect, Relate, coordinate_position::CoordPos,
    dimensions::Dimensions,
};
use h3o::geom::{ContainmentMode, TilerBuilder};
use h3o::{CellIndex, LatLng, Resolution};

/// Which H3 cells a fence's coverage holds.
///
/// Every definition is about the cell's *polygon* (see [`cell_polygon`]) or its *centre* (h3o's
/// `LatLng::from(cell)`, H3's `cellToLatLng`, in degrees) and the fence geometry taken as a
/// closed set (interior plus boundary). Two rules apply on top of every mode in
/// [`h3_coverage`]: the anchor's cell is always added, and a non-empty geometry never yields an
/// empty coverage.
///
/// # Example
///
/// ```
/// use catchment::fence::CoverageMode;
///
/// assert_eq!(CoverageMode::default(), CoverageMode::Center);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CoverageMode {
    /// Cells whose **centre lies in the closed geometry**: inside it, or exactly on its boundary
    /// (a hole's boundary included), i.e. geo's `geometry.intersects(&centre)`.
    ///
    /// The same rule as h3-py's `polygon_to_cells` except on the boundary (the H3 library breaks
    /// such ties by a northward nudge; a centre exactly on a fence edge does not happen with real
    /// coordinates). Cheapest; the cells' area approximates the fence's area without bias, and
    /// fences that tile the plane get (almost) disjoint coverages. Some of the fence is left
    /// outside the cells and some of the cells' area is outside the fence.
    #[default]
    Center,
    /// Cells whose **whole polygon lies in the closed geometry** (geo's `relate(..).is_covers()`:
    /// no point of the cell polygon, boundary included, is outside the geometry; sharing boundary
    /// with it is allowed).
    ///
    /// Every point of every cell belongs to the fence, so a ping in such a cell is in the fence
    /// without a point-in-polygon test; the cells leave a band along the boundary uncovered, and
    /// fences narrower than a cell may have none (see the non-empty rule in [`h3_coverage`]).
    Covers,
    /// Cells whose **polygon shares area with the geometry**: their interiors intersect (the
    /// DE-9IM entry interior/interior is not empty). A cell that only touches the geometry, at a
    /// vertex or along an edge, is *not* included.
    ///
    /// The union of the cells covers the whole closed geometry (a cell that merely touches adds
    /// nothing to that union), so this is the candidate set for an exact join: a point of the
    /// fence lies in the polygon of one of these cells. The largest set; the cells overshoot the
    /// fence by up to one cell width.
    Intersects,
}

/// The polygon of an H3 cell in longitude/latitude degrees, counter-clockwise (RFC 7946).
///
/// Its exterior is h3o's [`CellIndex::boundary()`] (6 vertices for a hexagon, 5 for a pentagon,
/// plus one more wherever an edge crosses an icosahedron face at Class III resolutions), closed,
/// with the vertices joined by straight lines in degrees. Longitudes are unwrapped to lie within
/// 180° of the cell centre's, so the one cell row that straddles the antimeridian is a small
/// polygon reaching past ±180° rather than one wrapping the globe. This is the polygon every
/// [`CoverageMode`] is defined on.
///
/// # Example
///
/// ```
/// use catchment::fence::cell_polygon;
/// use geo::{Contains, Point};
/// use h3o::{LatLng, Resolution};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let cell = LatLng::new(22.5431, 114.0579)?.to_cell(Resolution::Nine);
/// let polygon = cell_polygon(cell);
/// assert_eq!(polygon.exterior().0.len(), 7); // a hexagon, closed
/// let centre = LatLng::from(cell);
/// assert!(polygon.contains(&Point::new(centre.lng(), centre.lat())));
/// # Ok(())
/// # }
/// ```
pub fn cell_polygon(cell: CellIndex) -> Polygon<f64> {
    let centre_lng = LatLng::from(cell).lng();
    let mut ring: Vec<Coord<f64>> = cell
        .boundary()
        .iter()
        .map(|ll| {
            let mut x = ll.lng();
            if x - centre_lng > 180.0 {
                x -= 360.0;
            } else if x - centre_lng < -180.0 {
                x += 360.0;
            }
            Coord { x, y: ll.lat() }
        })
        .collect();
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    Polygon::new(LineString::new(ring), Vec::new())
}

/// The centre of a cell in degrees, as a geo coordinate (x = longitude, y = latitude).
pub(crate) fn cell_centre(cell: CellIndex) -> Coord<f64> {
    let ll = LatLng::from(cell);
    Coord {
        x: ll.lng(),
        y: ll.lat(),
    }
}

/// The H3 cells at `resolution` that cover `geometry` in `mode`, sorted and without duplicates.
///
/// The result is exactly the set [`CoverageMode`] defines, plus two rules:
///
/// - with an `anchor` (a radius fence's branch point), the anchor's cell
///   (`latlng_to_cell(anchor)`) is always included;
/// - a non-empty geometry never yields an empty set: when the mode selects no cell (a fence
///   smaller than a cell in [`Center`](CoverageMode::Center) or
///   [`Covers`](CoverageMode::Covers) mode) and there is no anchor, the result is the cell of
///   geo's [`InteriorPoint`] of the geometry, a point guaranteed to lie in it.
///
/// An empty geometry (after ignoring polygons without area, see the [module](self) docs) yields
/// only the anchor's cell, or nothing.
///
/// # Performance
///
/// h3o's tiler fills the interior (one point-in-polygon test per cell near the boundary, none
/// inside); then every cell whose polygon the boundary touches is found by walking each ring
/// segment through neighbouring cells and decided with exact predicates: point position for
/// `Center`, and for the others a DE-9IM `relate` only when the cell's vertices and centre do
/// not settle it. Cost grows with the number of boundary cells times the ring size, and with the
/// number of interior cells. A 1 km circle (64 vertices) takes tens of microseconds at
/// resolution 9; see `benches/coverage.rs`.
///
/// # Example
///
/// ```
/// use catchment::fence::{CoverageMode, h3_coverage};
/// use geo::{LineString, MultiPolygon, Point, Polygon};
/// use h3o::{LatLng, Resolution};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A square of about 1.1 km around Futian, Shenzhen.
/// let square = Polygon::new(
///     LineString::from(vec![
///         (114.05, 22.54), (114.06, 22.54), (114.06, 22.55), (114.05, 22.55), (114.05, 22.54),
///     ]),
///     vec![],
/// );
/// let fence = MultiPolygon::new(vec![square]);
/// let res = Resolution::Nine;
/// let center = h3_coverage(&fence, res, CoverageMode::Center, None);
/// let covers = h3_coverage(&fence, res, CoverageMode::Covers, None);
/// let intersects = h3_coverage(&fence, res, CoverageMode::Intersects, None);
/// assert!(covers.len() < center.len() && center.len() < intersects.len());
/// assert!(covers.iter().all(|c| center.binary_search(c).is_ok()));
/// assert!(center.iter().all(|c| intersects.binary_search(c).is_ok()));
///
/// // A fence far smaller than a cell still has one, and an anchor's cell is always there.
/// let tiny = Polygon::new(
///     LineString::from(vec![
///         (114.0500, 22.5400), (114.0501, 22.5400), (114.0501, 22.5401), (114.0500, 22.5400),
///     ]),
///     vec![],
/// );
/// let tiny = MultiPolygon::new(vec![tiny]);
/// assert_eq!(h3_coverage(&tiny, res, CoverageMode::Center, None).len(), 1);
/// let branch = Point::new(114.07, 22.56);
/// let with_anchor = h3_coverage(&fence, res, CoverageMode::Covers, Some(branch));
/// let anchor_cell = LatLng::new(22.56, 114.07)?.to_cell(res);
/// assert!(with_anchor.binary_search(&anchor_cell).is_ok());
/// # Ok(())
/// # }
/// ```
pub fn h3_coverage(
    geometry: &MultiPolygon<f64>,
    resolution: Resolution,
    mode: CoverageMode,
    anchor: Option<Point<f64>>,
) -> Vec<CellIndex> {
    let geometry = usable(geometry);
    let mut cells = if geometry.0.is_empty() {
        Vec::new()
    } else {
        Coverage::new(&geometry, resolution).cells(mode)
    };

    if let Some(cell) = anchor.and_then(|p| point_cell(p, resolution)) {
        cells.push(cell);
    } else if cells.is_empty()
        && let Some(cell) = geometry
            .interior_point()
            .and_then(|p| point_cell(p, resolution))
    {
        cells.push(cell);
    }
    cells.sort_unstable();
    cells.dedup();
    cells
}

/// `latlng_to_cell` of a point, `None` when it is not a finite coordinate.
fn point_cell(p: Point<f64>, resolution: Resolution) -> Option<CellIndex> {
    LatLng::new(p.y(), p.x())
        .ok()
        .map(|ll| ll.to_cell(resolution))
}

/// The polygons and holes that have an area and valid coordinates (see the module docs).
pub(crate) fn usable(geometry: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let in_range = |c: &Coord<f64>| {
        c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0
    };
    let ring_ok = |r: &LineString<f64>| r.0.len() >= 4;
    geometry
        .iter()
        .filter(|p| ring_ok(p.exterior()) && p.coords_iter().all(|c| in_range(&c)))
        .map(|p| {
            Polygon::new(
                p.exterior().clone(),
                p.interiors()
                    .iter()
                    .filter(|r| ring_ok(r))
                    .cloned()
                    .collect(),
            )
        })
        .collect()
}

/// One coverage computation: the geometry, prepared, and the cell polygons seen so far.
struct Coverage<'a> {
    geometry: &'a MultiPolygon<f64>,
    resolution: Resolution,
    shapes: CellShapes,
}

impl<'a> Coverage<'a> {
    fn new(geometry: &'a MultiPolygon<f64>, resolution: Resolution) -> Self {
        Self {
            geometry,
            resolution,
            shapes: CellShapes::default(),
        }
    }

    fn cells(mut self, mode: CoverageMode) -> Vec<CellIndex> {
        // Cells away from the boundary are wholly inside or wholly outside, so for them every
        // mode agrees with "centre inside", which the tiler decides reliably that far from the
        // boundary (its radians and its nudge rule only matter within rounding of it).
        let boundary = self.boundary_cells();
        let mut cells: Vec<CellIndex> = self
            .interior_by_tiler()
            .into_iter()
            .filter(|c| !boundary.contains(c))
            .collect();

        let prepared = match mode {
            CoverageMode::Center => None,
            CoverageMode::Covers | CoverageMode::Intersects => {
                Some(PreparedGeometry::from(self.geometry))
            }
        };
        let mut boundary: Vec<CellIndex> = boundary.into_iter().collect();
        boundary.sort_unstable();
        for cell in boundary {
            let keep = match mode {
                CoverageMode::Center => self.geometry.intersects(&cell_centre(cell)),
                CoverageMode::Covers => {
                    let shape = self.shapes.get(cell);
                    covers(self.geometry, prepared.as_ref(), &shape.polygon, cell)
                }
                CoverageMode::Intersects => {
                    let shape = self.shapes.get(cell);
                    shares_area(self.geometry, prepared.as_ref(), &shape.polygon, cell)
                }
            };
            if keep {
                cells.push(cell);
            }
        }
        cells
    }

    /// Cells whose centre h3o's tiler finds inside (in radians, ties nudged north).
    fn interior_by_tiler(&self) -> Vec<CellIndex> {
        let mut tiler = TilerBuilder::new(self.resolution)
            .containment_mode(ContainmentMode::ContainsCentroid)
            // Geometries are planar in degrees and never cross the antimeridian: a long edge
            // must not be reinterpreted as the short way round.
            .disable_transmeridian_heuristic()
            .build();
        for polygon in self.geometry {
            // `usable` guarantees what the tiler checks (≥ 4 finite, in-range coordinates).
            if tiler.add(polygon.clone()).is_err() {
                debug_assert!(false, "the tiler refused a usable polygon");
            }
        }
        tiler.into_coverage().collect()
    }

    /// Every cell whose closed polygon meets the geometry's boundary (any ring).
    fn boundary_cells(&mut self) -> HashSet<CellIndex> {
        let mut found = HashSet::new();
        let mut visited = HashSet::new();
        let mut queue = Vec::new();
        let rings = self
            .geometry
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
        for ring in rings {
            for line in ring.lines() {
                self.trace(line, &mut found, &mut visited, &mut queue);
            }
        }
        found
    }

    /// Adds to `found` every cell whose polygon meets `line`: a breadth-first walk from the
    /// cells around its start through neighbours that meet it. The cells a segment passes
    /// through form a chain of neighbours, so the walk misses none.
    fn trace(
        &mut self,
        line: Line<f64>,
        found: &mut HashSet<CellIndex>,
        visited: &mut HashSet<CellIndex>,
        queue: &mut Vec<CellIndex>,
    ) {
        let Ok(start) = LatLng::new(line.start.y, line.start.x) else {
            return;
        };
        let origin = start.to_cell(self.resolution);
        visited.clear();
        queue.clear();
        // The start lies in the polygon of the origin cell or a neighbour (the polygon and the
        // true H3 cell differ by millimetres); the rings further out are a safety net.
        for k in 1..=MAX_SEED_RING {
            let ring: Vec<CellIndex> = if k == 1 {
                origin.grid_disk(1)
            } else {
                origin.grid_ring_fast(k).flatten().collect()
            };
            for cell in ring {
                if visited.insert(cell) && self.shapes.get(cell).meets(&line) {
                    queue.push(cell);
                }
            }
            if !queue.is_empty() {
                break;
            }
        }
        while let Some(cell) = queue.pop() {
            found.insert(cell);
            for next in cell.grid_disk::<Vec<_>>(1) {
                if visited.insert(next) && self.shapes.get(next).meets(&line) {
                    queue.push(next);
                }
            }
        }
    }
}

/// How far from the start's cell the walk looks for the first cell of a segment.
const MAX_SEED_RING: u32 = 4;

/// Cell polygons with their bounding boxes, computed once per cell.
#[derive(Default)]
struct CellShapes(HashMap<CellIndex, CellShape>);

struct CellShape {
    polygon: Polygon<f64>,
    bbox: Rect<f64>,
}

impl CellShape {
    /// Whether the closed polygon and the closed segment have a point in common.
    fn meets(&self, line: &Line<f64>) -> bool {
        self.bbox.intersects(&line.bounding_rect()) && self.polygon.intersects(line)
    }
}

impl CellShapes {
    fn get(&mut self, cell: CellIndex) -> &CellShape {
        self.0.entry(cell).or_insert_with(|| {
            let polygon = cell_polygon(cell);
            let bbox = polygon
                .bounding_rect()
                .unwrap_or_else(|| Rect::new(Coord::zero(), Coord::zero()));
            CellShape { polygon, bbox }
        })
    }
}

/// A fence geometry with its DE-9IM graph and edge index built once.
pub(crate) type Prepared<'a> = PreparedGeometry<'a, &'a MultiPolygon<f64>>;

/// The DE-9IM test, with `geometry` prepared when one is given.
fn relate(
    geometry: &MultiPolygon<f64>,
    prepared: Option<&Prepared<'_>>,
    polygon: &Polygon<f64>,
) -> geo::relate::IntersectionMatrix {
    match prepared {
        Some(p) => p.relate(polygon),
        None => geometry.relate(polygon),
    }
}

/// [`CoverageMode::Covers`] for one cell whose polygon is `polygon`.
///
/// A vertex or the centre strictly outside settles it (no); otherwise DE-9IM decides.
pub(crate) fn covers(
    geometry: &MultiPolygon<f64>,
    prepared: Option<&Prepared<'_>>,
    polygon: &Polygon<f64>,
    cell: CellIndex,
) -> bool {
    let outside = |c: &Coord<f64>| !geometry.intersects(c);
    if outside(&cell_centre(cell)) || polygon.exterior().coords().any(outside) {
        return false;
    }
    relate(geometry, prepared, polygon).is_covers()
}

/// Whether `polygon`'s interior meets the interior of `geometry` (area in common), given a point
/// known to be inside `polygon` (`probe`; its centre for a cell).
///
/// A vertex or the probe strictly inside the geometry settles it (yes: a vertex is a limit of
/// interior points of the polygon); otherwise DE-9IM decides.
pub(crate) fn shares_area_at(
    geometry: &MultiPolygon<f64>,
    prepared: Option<&Prepared<'_>>,
    polygon: &Polygon<f64>,
    probe: Coord<f64>,
) -> bool {
    let inside = |c: &Coord<f64>| geometry.contains(c);
    if inside(&probe) || polygon.exterior().coords().any(inside) {
        return true;
    }
    relate(geometry, prepared, polygon).get(CoordPos::Inside, CoordPos::Inside) != Dimensions::Empty
}

/// [`CoverageMode::Intersects`] for one cell whose polygon is `polygon`.
fn shares_area(
    geometry: &MultiPolygon<f64>,
    prepared: Option<&Prepared<'_>>,
    polygon: &Polygon<f64>,
    cell: CellIndex,
) -> bool {
    shares_area_at(geometry, prepared, polygon, cell_centre(cell))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Orient, orient::Direction};

    fn square(x0: f64, y0: f64, side: f64) -> Polygon<f64> {
        Polygon::new(
            LineString::from(vec![
                (x0, y0),
                (x0 + side, y0),
                (x0 + side, y0 + side),
                (x0, y0 + side),
                (x0, y0),
            ]),
            vec![],
        )
    }

    fn cell_at(lat: f64, lng: f64, res: Resolution) -> CellIndex {
        LatLng::new(lat, lng).unwrap().to_cell(res)
    }

    #[test]
    fn cell_polygon_is_ccw_closed_and_holds_centre() {
        for res in [Resolution::Seven, Resolution::Nine, Resolution::Ten] {
            let cell = cell_at(22.54, 114.05, res);
            let p = cell_polygon(cell);
            assert_eq!(p.exterior().0.first(), p.exterior().0.last());
            assert_eq!(p, p.clone().orient(Direction::Default));
            assert!(p.contains(&cell_centre(cell)));
        }
    }

    #[test]
    fn cell_polygon_across_antimeridian_is_small() {
        let cell = cell_at(10.0, 179.9999, Resolution::Five);
        let p = cell_polygon(cell);
        let r = p.bounding_rect().unwrap();
        assert!(r.width() < 1.0, "{r:?}");
    }

    #[test]
    fn a_cell_as_geometry() {
        // Boundaries on cell edges and through cell vertices: the degenerate case.
        let res = Resolution::Nine;
        let cell = cell_at(22.54, 114.05, res);
        let g = MultiPolygon::new(vec![cell_polygon(cell)]);
        assert_eq!(h3_coverage(&g, res, CoverageMode::Covers, None), vec![cell]);
        assert_eq!(h3_coverage(&g, res, CoverageMode::Center, None), vec![cell]);
        // Neighbours only touch it: not included.
        assert_eq!(
            h3_coverage(&g, res, CoverageMode::Intersects, None),
            vec![cell]
        );
    }

    #[test]
    fn modes_nest() {
        let g = MultiPolygon::new(vec![square(114.05, 22.54, 0.02)]);
        let res = Resolution::Nine;
        let center = h3_coverage(&g, res, CoverageMode::Center, None);
        let covers = h3_coverage(&g, res, CoverageMode::Covers, None);
        let inter = h3_coverage(&g, res, CoverageMode::Intersects, None);
        assert!(!covers.is_empty());
        assert!(covers.iter().all(|c| center.binary_search(c).is_ok()));
        assert!(center.iter().all(|c| inter.binary_search(c).is_ok()));
        assert!(inter.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn empty_and_degenerate() {
        let res = Resolution::Nine;
        let empty = MultiPolygon::<f64>::new(vec![]);
        assert!(h3_coverage(&empty, res, CoverageMode::Intersects, None).is_empty());
        let anchor = Point::new(114.05, 22.54);
        assert_eq!(
            h3_coverage(&empty, res, CoverageMode::Center, Some(anchor)),
            vec![cell_at(22.54, 114.05, res)]
        );
        let nan = MultiPolygon::new(vec![square(f64::NAN, 22.54, 0.01)]);
        assert!(h3_coverage(&nan, res, CoverageMode::Center, None).is_empty());
    }

    #[test]
    fn tiny_geometry_has_one_cell_in_every_mode() {
        let res = Resolution::Nine;
        let g = MultiPolygon::new(vec![square(114.05, 22.54, 1e-5)]);
        let inside = g.interior_point().unwrap();
        let expected = cell_at(inside.y(), inside.x(), res);
        for mode in [
            CoverageMode::Center,
            CoverageMode::Covers,
            CoverageMode::Intersects,
        ] {
            assert_eq!(h3_coverage(&g, res, mode, None), vec![expected], "{mode:?}");
        }
    }
}
