//! The H3 cells of the area and the per-pixel cell raster.
//!
//! Every cell that can hold a point of the area is listed (h3o's `Covers` tiling of the area plus
//! one ring of neighbours, kept when its boundary's bounding box, grown by the margin, meets the
//! area). Each cell boundary is rasterised with a margin; every pixel touched is *ambiguous* and
//! asks h3o at query time. The remaining pixels are connected regions that no cell boundary
//! crosses, so each lies in a single cell: one h3o call per region (per run of pixels in a row
//! that does not touch a resolved run above it) labels them.
//!
//! # Margin
//! H3 edges are great-circle arcs (straight in the gnomonic projection of an icosahedron face);
//! the raster is in lon/lat, where an arc bows away from the chord between its vertices. For
//! each edge the deviation is measured at seven points along the arc and doubled, then
//! [`CELL_EPS_DEG`] is added for h3o's own rounding. At resolution 9 the deviation is a few
//! millimetres; at resolution 0 tens of kilometres. Pentagon and face-crossing (distortion)
//! vertices are part of h3o's `boundary()`, so every sub-edge is an arc on a single face.

use super::IndexError;
use super::grid::PixelGrid;
use h3o::{CellIndex, LatLng, Resolution};
use rayon::prelude::*;

/// Pixel value: no single cell; ask h3o.
pub(crate) const AMBIGUOUS: u32 = u32::MAX;
/// Pixel value during the build: not yet labelled.
const UNSET: u32 = u32::MAX - 1;

/// Extra margin, degrees, for h3o's own float rounding near a cell edge (about 1 cm; h3o's
/// error is below a micrometre).
pub(crate) const CELL_EPS_DEG: f64 = 1e-7;

/// Most cells a locator indexes (a 30 km box at resolution 12 is about 2.9 M cells).
pub const MAX_CELLS: u64 = 4_000_000;

/// Rows per parallel band of the labelling pass.
const BAND_ROWS: usize = 128;

/// One listed cell's boundary in unwrapped lon/lat and the margin for each edge.
struct CellShape {
    cell: CellIndex,
    verts: Vec<(f64, f64)>,
    margins: Vec<f64>,
}

/// Lists the cells of `area` and labels every pixel with its cell slot or [`AMBIGUOUS`].
pub(crate) fn cell_raster(
    grid: &PixelGrid,
    resolution: Resolution,
) -> Result<(Vec<CellIndex>, Vec<u32>), IndexError> {
    let shapes = cell_shapes(grid, resolution)?;
    let cells: Vec<CellIndex> = shapes.iter().map(|s| s.cell).collect();

    let mut slots = vec![UNSET; grid.len()];
    let spans: Vec<Vec<(u32, u32, u32)>> = shapes
        .par_iter()
        .map(|s| {
            let mut out = Vec::new();
            let n = s.verts.len();
            for k in 0..n {
                let (a, b) = (s.verts[k], s.verts[(k + 1) % n]);
                grid.segment_spans(a, b, s.margins[k], |r, c0, c1| {
                    out.push((r as u32, c0 as u32, c1 as u32));
                });
            }
            out
        })
        .collect();
    for (r, c0, c1) in spans.into_iter().flatten() {
        let base = r as usize * grid.nx;
        slots[base + c0 as usize..=base + c1 as usize].fill(AMBIGUOUS);
    }

    let nx = grid.nx;
    slots
        .par_chunks_mut(BAND_ROWS * nx)
        .enumerate()
        .for_each(|(band, chunk)| label_band(grid, resolution, &cells, band * BAND_ROWS, chunk));
    Ok((cells, slots))
}

/// Labels the unset pixels of a band of rows, row by row.
///
/// A run of unset pixels touches no cell boundary, so it lies in one cell; two vertically
/// adjacent unset pixels share that cell too (their union is a rectangle no boundary crosses).
fn label_band(
    grid: &PixelGrid,
    resolution: Resolution,
    cells: &[CellIndex],
    first_row: usize,
    chunk: &mut [u32],
) {
    let nx = grid.nx;
    for local in 0..chunk.len() / nx {
        let (above, row) = chunk.split_at_mut(local * nx);
        let row = &mut row[..nx];
        let above = (local > 0).then(|| &above[(local - 1) * nx..]);
        let mut c = 0;
        while c < nx {
            if row[c] != UNSET {
                c += 1;
                continue;
            }
            let start = c;
            while c < nx && row[c] == UNSET {
                c += 1;
            }
            let inherited = above.and_then(|above| {
                above[start..c]
                    .iter()
                    .copied()
                    .find(|&s| s != AMBIGUOUS && s != UNSET)
            });
            let slot = inherited.unwrap_or_else(|| {
                let (lon, lat) = grid.centre(start, first_row + local);
                LatLng::new(lat, lon)
                    .ok()
                    .and_then(|ll| slot_in(cells, ll.to_cell(resolution)))
                    // Not listed (never seen in tests): leave it to h3o at query time.
                    .unwrap_or(AMBIGUOUS)
            });
            row[start..c].fill(slot);
        }
    }
}

/// Slot of a cell in the sorted list.
pub(crate) fn slot_in(cells: &[CellIndex], cell: CellIndex) -> Option<u32> {
    cells.binary_search(&cell).ok().map(|i| i as u32)
}

/// Estimated number of cells of the area at `resolution` (area over mean cell area).
fn estimate_cells(grid: &PixelGrid, resolution: Resolution) -> u64 {
    let r = 6_371.007_180_918_475_f64;
    let area_km2 = r
        * r
        * (grid.x1 - grid.x0).to_radians()
        * (grid.y1.to_radians().sin() - grid.y0.to_radians().sin()).abs();
    (area_km2 / resolution.area_km2()).ceil() as u64
}

/// Candidate cells (covering tiling plus neighbours), with shapes, filtered to the area.
fn cell_shapes(grid: &PixelGrid, resolution: Resolution) -> Result<Vec<CellShape>, IndexError> {
    let estimated = estimate_cells(grid, resolution);
    if estimated > MAX_CELLS {
        return Err(IndexError::TooManyCells {
            estimated,
            max: MAX_CELLS,
            resolution: u8::from(resolution),
        });
    }
    let invalid = || IndexError::InvalidArea {
        min_lon: grid.x0,
        min_lat: grid.y0,
        max_lon: grid.x1,
        max_lat: grid.y1,
    };
    let rect = geo::Rect::new((grid.x0, grid.y0), (grid.x1, grid.y1));
    let mut tiler = h3o::geom::TilerBuilder::new(resolution)
        .containment_mode(h3o::geom::ContainmentMode::Covers)
        .disable_transmeridian_heuristic()
        .build();
    tiler.add(rect.to_polygon()).map_err(|_| invalid())?;
    let covering: Vec<CellIndex> = tiler.into_coverage().collect();
    // The tiler works on straight lon/lat edges; a ring of neighbours covers the arcs' bow and
    // pentagon distortion (both far smaller than a cell).
    let mut candidates: Vec<CellIndex> = covering
        .par_iter()
        .flat_map_iter(|c| c.grid_disk::<Vec<_>>(1))
        .collect();
    candidates.par_sort_unstable();
    candidates.dedup();

    let centre_lon = 0.5 * (grid.x0 + grid.x1);
    let shapes: Vec<CellShape> = candidates
        .par_iter()
        .filter_map(|&cell| {
            let shape = cell_shape(cell, centre_lon);
            let reach = shape.margins.iter().fold(0.0_f64, |m, &x| m.max(x));
            let (mut xlo, mut ylo, mut xhi, mut yhi) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for &(x, y) in &shape.verts {
                (xlo, ylo, xhi, yhi) = (xlo.min(x), ylo.min(y), xhi.max(x), yhi.max(y));
            }
            let meets = xlo - reach <= grid.x1
                && xhi + reach >= grid.x0
                && ylo - reach <= grid.y1
                && yhi + reach >= grid.y0;
            meets.then_some(shape)
        })
        .collect();
    Ok(shapes)
}

/// A cell's boundary vertices (longitudes unwrapped to within 180° of `centre_lon`) and the
/// margin of each edge `k → k+1`.
fn cell_shape(cell: CellIndex, centre_lon: f64) -> CellShape {
    let boundary = cell.boundary();
    let unwrap = |lon: f64| {
        let mut lon = lon;
        while lon - centre_lon > 180.0 {
            lon -= 360.0;
        }
        while lon - centre_lon < -180.0 {
            lon += 360.0;
        }
        lon
    };
    let verts: Vec<(f64, f64)> = boundary
        .iter()
        .map(|ll| (unwrap(ll.lng()), ll.lat()))
        .collect();
    let n = verts.len();
    let margins = (0..n)
        .map(|k| {
            let (a, b) = (boundary[k], boundary[(k + 1) % n]);
            2.0 * arc_deviation(a, b, verts[k], verts[(k + 1) % n], &unwrap) + CELL_EPS_DEG
        })
        .collect();
    CellShape {
        cell,
        verts,
        margins,
    }
}

/// Largest lon/lat distance, in degrees, between the great-circle arc `a → b` and the chord
/// between their (unwrapped) lon/lat, sampled at seven interior points.
fn arc_deviation(
    a: LatLng,
    b: LatLng,
    pa: (f64, f64),
    pb: (f64, f64),
    unwrap: &impl Fn(f64) -> f64,
) -> f64 {
    let to_vec = |ll: LatLng| {
        let (lat, lng) = (ll.lat_radians(), ll.lng_radians());
        [lat.cos() * lng.cos(), lat.cos() * lng.sin(), lat.sin()]
    };
    let (va, vb) = (to_vec(a), to_vec(b));
    let mut worst = 0.0_f64;
    for k in 1..8 {
        let t = f64::from(k) / 8.0;
        let v = [0, 1, 2].map(|i| va[i] * (1.0 - t) + vb[i] * t);
        let norm = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        if norm == 0.0 {
            // Antipodal vertices cannot bound an H3 cell; be safe anyway.
            return 180.0;
        }
        let lat = (v[2] / norm).clamp(-1.0, 1.0).asin().to_degrees();
        let lon = unwrap(v[1].atan2(v[0]).to_degrees());
        worst = worst.max(point_segment_distance((lon, lat), pa, pb));
    }
    worst
}

/// Planar distance from `p` to the segment `a → b`.
fn point_segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - qx).powi(2) + (p.1 - qy).powi(2)).sqrt()
}
