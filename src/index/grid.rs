//! The pixel raster over the area: geometry of pixels and conservative rasterisation of segments.
//!
//! Pixel `(col, row)` covers `[x0 + col·dx, x0 + (col+1)·dx] × [y0 + row·dy, y0 + (row+1)·dy]` in
//! degrees. The raster is an affine image of lon/lat, so a segment that is straight in lon/lat is
//! straight in pixel space and the only error to cover is float rounding (`EPS_DEG`).

/// Slack, in degrees, added around every pixel when deciding which pixels a segment touches.
///
/// It covers the rounding of the point → pixel mapping and of the segment clipping (both ~1e-14°
/// for coordinates below 180°); 1e-9° (~0.1 mm) is five orders of magnitude above that and costs
/// nothing measurable in pure pixels.
pub(crate) const EPS_DEG: f64 = 1e-9;

/// Geometry of the raster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PixelGrid {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub dx: f64,
    pub dy: f64,
    inv_dx: f64,
    inv_dy: f64,
    pub nx: usize,
    pub ny: usize,
}

impl PixelGrid {
    /// A grid of pixels about `pixel_m` metres square at the area's mid-latitude, coarsened
    /// (same aspect) until it has at most `max_pixels` pixels.
    pub fn new(rect: geo::Rect<f64>, pixel_m: f64, max_pixels: usize) -> Self {
        let (x0, y0) = rect.min().x_y();
        let (x1, y1) = rect.max().x_y();
        let mid_lat = 0.5 * (y0 + y1);
        // Metres per degree on the WGS-84 ellipsoid near `mid_lat` (the pixel size is a target,
        // so a spherical-ish formula is enough).
        let m_per_deg_lat = 111_132.95 - 559.82 * (2.0 * mid_lat.to_radians()).cos();
        let m_per_deg_lon = (111_412.84 * mid_lat.to_radians().cos()).max(1.0);
        let (w, h) = (x1 - x0, y1 - y0);
        let mut pdx = pixel_m / m_per_deg_lon;
        let mut pdy = pixel_m / m_per_deg_lat;
        let count = |pdx: f64, pdy: f64| {
            let nx = (w / pdx).ceil().clamp(1.0, 1e12);
            let ny = (h / pdy).ceil().clamp(1.0, 1e12);
            (nx, ny)
        };
        let (mut nx, mut ny) = count(pdx, pdy);
        while nx * ny > max_pixels as f64 {
            let scale = (nx * ny / max_pixels as f64).sqrt().max(1.0001);
            pdx *= scale;
            pdy *= scale;
            (nx, ny) = count(pdx, pdy);
        }
        let (nx, ny) = (nx as usize, ny as usize);
        let dx = w / nx as f64;
        let dy = h / ny as f64;
        Self {
            x0,
            y0,
            x1,
            y1,
            dx,
            dy,
            inv_dx: nx as f64 / w,
            inv_dy: ny as f64 / h,
            nx,
            ny,
        }
    }

    /// Number of pixels.
    pub fn len(&self) -> usize {
        self.nx * self.ny
    }

    /// Pixel size in metres (geometric mean of both sides at mid-latitude).
    pub fn pixel_m(&self) -> f64 {
        let mid_lat = 0.5 * (self.y0 + self.y1);
        let m_per_deg_lat = 111_132.95 - 559.82 * (2.0 * mid_lat.to_radians()).cos();
        let m_per_deg_lon = 111_412.84 * mid_lat.to_radians().cos();
        (self.dx * m_per_deg_lon * self.dy * m_per_deg_lat).sqrt()
    }

    /// `(col, row)` of a point, or `None` outside the (closed) area or for NaN.
    #[inline(always)]
    pub fn pixel_of(&self, lon: f64, lat: f64) -> Option<(usize, usize)> {
        if !((self.x0..=self.x1).contains(&lon) && (self.y0..=self.y1).contains(&lat)) {
            return None;
        }
        // `as usize` saturates; the east and north edges map onto the last pixel.
        let col = (((lon - self.x0) * self.inv_dx) as usize).min(self.nx - 1);
        let row = (((lat - self.y0) * self.inv_dy) as usize).min(self.ny - 1);
        Some((col, row))
    }

    /// Row of a latitude, clamped to the grid (for edges reaching past the area).
    pub fn row_floor(&self, lat: f64) -> isize {
        ((lat - self.y0) * self.inv_dy)
            .floor()
            .clamp(-1.0, self.ny as f64) as isize
    }

    /// Column of a longitude, clamped to -1..=nx.
    pub fn col_floor(&self, lon: f64) -> isize {
        ((lon - self.x0) * self.inv_dx)
            .floor()
            .clamp(-1.0, self.nx as f64) as isize
    }

    /// Centre of a pixel.
    pub fn centre(&self, col: usize, row: usize) -> (f64, f64) {
        (
            self.x0 + (col as f64 + 0.5) * self.dx,
            self.y0 + (row as f64 + 0.5) * self.dy,
        )
    }

    /// Latitude of a row's centre line.
    pub fn row_centre(&self, row: usize) -> f64 {
        self.y0 + (row as f64 + 0.5) * self.dy
    }

    /// Calls `emit(row, first_col, last_col)` (inclusive) for every pixel row the segment `a → b`,
    /// grown by `margin` degrees (plus [`EPS_DEG`]), touches within the grid.
    ///
    /// Conservative: inside a row band the segment's x-range is grown by the margin, so a pixel
    /// is reported whenever its slack-grown rectangle might meet the grown segment.
    pub fn segment_spans(
        &self,
        a: (f64, f64),
        b: (f64, f64),
        margin: f64,
        mut emit: impl FnMut(usize, usize, usize),
    ) {
        let m = margin + EPS_DEG;
        let (ylo, yhi) = (a.1.min(b.1) - m, a.1.max(b.1) + m);
        if yhi < self.y0 || ylo > self.y1 {
            return;
        }
        let r0 = self.row_floor(ylo).max(0) as usize;
        let r1 = (self.row_floor(yhi).max(0) as usize).min(self.ny - 1);
        let dyab = b.1 - a.1;
        for row in r0..=r1 {
            let band_lo = self.y0 + row as f64 * self.dy - m;
            let band_hi = self.y0 + (row + 1) as f64 * self.dy + m;
            let (t0, t1) = if dyab == 0.0 {
                (0.0, 1.0)
            } else {
                let ta = (band_lo - a.1) / dyab;
                let tb = (band_hi - a.1) / dyab;
                (ta.min(tb).max(0.0), ta.max(tb).min(1.0))
            };
            if t0 > t1 {
                continue;
            }
            let xa = a.0 + t0 * (b.0 - a.0);
            let xb = a.0 + t1 * (b.0 - a.0);
            let (xlo, xhi) = (xa.min(xb) - m, xa.max(xb) + m);
            if xhi < self.x0 || xlo > self.x1 {
                continue;
            }
            let c0 = self.col_floor(xlo).max(0) as usize;
            let c1 = (self.col_floor(xhi).max(0) as usize).min(self.nx - 1);
            emit(row, c0, c1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Rect, coord};

    fn grid() -> PixelGrid {
        let r = Rect::new(coord! { x: 104.0, y: 30.0 }, coord! { x: 104.1, y: 30.1 });
        PixelGrid::new(r, 10.0, 64 << 20)
    }

    #[test]
    fn pixel_size_and_cap() {
        let g = grid();
        assert!((g.pixel_m() - 10.0).abs() < 0.1, "{}", g.pixel_m());
        let r = Rect::new(coord! { x: 104.0, y: 30.0 }, coord! { x: 104.1, y: 30.1 });
        let capped = PixelGrid::new(r, 10.0, 10_000);
        assert!(
            capped.len() <= 10_000 && capped.len() > 9_000,
            "{}",
            capped.len()
        );
    }

    #[test]
    fn pixel_of_edges_and_nan() {
        let g = grid();
        assert_eq!(g.pixel_of(104.0, 30.0), Some((0, 0)));
        assert_eq!(g.pixel_of(104.1, 30.1), Some((g.nx - 1, g.ny - 1)));
        assert_eq!(g.pixel_of(f64::NAN, 30.05), None);
        assert_eq!(g.pixel_of(104.05, f64::INFINITY), None);
        assert_eq!(g.pixel_of(103.99999, 30.05), None);
    }

    #[test]
    fn spans_cover_every_point_of_a_segment() {
        let g = grid();
        let (a, b) = ((104.0123, 30.0456), (104.0789, 30.0321));
        let mut touched = std::collections::HashSet::new();
        g.segment_spans(a, b, 0.0, |r, c0, c1| {
            for c in c0..=c1 {
                touched.insert((c, r));
            }
        });
        for k in 0..=10_000 {
            let t = k as f64 / 10_000.0;
            let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            let px = g.pixel_of(p.0, p.1).unwrap();
            assert!(touched.contains(&px), "{p:?}");
        }
    }
}
