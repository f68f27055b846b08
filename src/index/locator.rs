//! The locator: a raster of pixels over the area, each naming its H3 cell (or "ask h3o") and a
//! fence class (fences surely containing the pixel, and candidates to test exactly).

use super::IndexError;
use super::brute_force::BruteForce;
use super::cells::{self, AMBIGUOUS};
use super::fences::FenceEdges;
use super::grid::PixelGrid;
use geo::{MultiPolygon, Rect};
use h3o::{CellIndex, LatLng, Resolution};
use rayon::prelude::*;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Class entry flag: the fence needs the exact test at this pixel.
const CANDIDATE: u32 = 1 << 31;
/// Pixel class flag: the class has at least one candidate (else its entries are copied).
const HAS_CANDIDATES: u32 = 1 << 31;

/// Default pixel count cap (512 MiB of raster at 8 bytes a pixel).
pub const DEFAULT_MAX_PIXELS: usize = 64 << 20;

/// Default pixel side as a fraction of the H3 edge length (measured: `locate` is flat from
/// edge/45 to edge/15 and slower at edge/9; see the module docs).
const DEFAULT_PIXELS_PER_EDGE: f64 = 15.0;

/// Exact, fast ping → (H3 cell, containing fences) location over a fixed area.
///
/// Built once for an area, a resolution and a list of fences; immutable and `Send + Sync`
/// afterwards, so one locator serves every thread.
///
/// # Exactness
/// - **Cell**: [`locate`](Self::locate) and [`cell_slot`](Self::cell_slot) give exactly the
///   cell of `h3o::LatLng::new(lat, lon)?.to_cell(resolution)`. Pixels that an H3 edge (grown by
///   a margin covering the arc's bow in lon/lat and h3o's rounding) may touch ask h3o.
/// - **Fences**: exactly the fences `f` with `geo::Intersects::intersects(&f, &Point::new(lon,
///   lat))`, geo's planar test in lon/lat. Pixels an edge may touch keep the fence as a
///   candidate and test it per point with geo's own rule.
///
/// # Boundary rule
/// A point on a fence's boundary — an edge or a vertex of the exterior or of a hole — belongs
/// to the fence. A multipolygon contains a point when any of its polygons does, so a point on an
/// edge shared by two of its polygons belongs to it (geo's `coordinate_position` on the
/// multipolygon would say outside there, by the OGC mod-2 rule; `Intersects` is the reference).
/// In a polygon whose holes overlap (invalid), the first hole the point is not outside of
/// decides, as in geo.
///
/// # Large areas
/// The raster has at most [`max_pixels`](LocatorBuilder::max_pixels) pixels (default
/// [`DEFAULT_MAX_PIXELS`], 8 bytes each); for a larger area the pixels grow. Answers stay exact,
/// only more points fall back to h3o and to the exact fence test.
///
/// # Example
/// ```
/// use catchment::index::Locator;
/// use geo::{MultiPolygon, Rect, coord};
/// use h3o::{LatLng, Resolution};
///
/// let area = Rect::new(coord! { x: 7.40, y: 43.72 }, coord! { x: 7.44, y: 43.76 });
/// let fence = Rect::new(coord! { x: 7.41, y: 43.73 }, coord! { x: 7.42, y: 43.74 });
/// let locator = Locator::builder(area, Resolution::Ten)
///     .fences(vec![MultiPolygon::new(vec![fence.to_polygon()])])
///     .build()?;
///
/// let mut fences = Vec::new();
/// let slot = locator.locate(7.415, 43.735, &mut fences).expect("inside the area");
/// let cell = LatLng::new(43.735, 7.415)?.to_cell(Resolution::Ten);
/// assert_eq!(locator.cells()[slot as usize], cell);
/// assert_eq!(fences, [0]);
/// assert_eq!(locator.locate(8.0, 43.735, &mut fences), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Locator {
    pub(super) grid: PixelGrid,
    resolution: Resolution,
    pub(super) cells: Vec<CellIndex>,
    /// `[cell slot or AMBIGUOUS, class | HAS_CANDIDATES]`, row-major from the south-west.
    pub(super) pixels: Vec<[u32; 2]>,
    pub(super) class_offsets: Vec<u32>,
    /// Fence numbers, ascending within a class, `| CANDIDATE` for the exact test.
    pub(super) class_entries: Vec<u32>,
    fences: Vec<FenceEdges>,
    brute: BruteForce,
    stats: LocatorStats,
}

/// Figures about a built [`Locator`], for READMEs and benches.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct LocatorStats {
    /// Pixel columns.
    pub columns: usize,
    /// Pixel rows.
    pub rows: usize,
    /// Pixels (`columns × rows`).
    pub pixels: usize,
    /// Pixel side in metres at the area's mid-latitude (geometric mean of both sides).
    pub pixel_m: f64,
    /// Listed H3 cells.
    pub cells: usize,
    /// Distinct fence classes.
    pub classes: usize,
    /// Share of pixels lying in a single H3 cell (no h3o call).
    pub pure_cell_share: f64,
    /// Share of pixels whose fences are known without an exact test.
    pub pure_fence_share: f64,
    /// Heap bytes held by the locator.
    pub memory_bytes: usize,
    /// Wall time of [`LocatorBuilder::build`].
    pub build_time: Duration,
}

/// Configures and builds a [`Locator`]; see [`Locator::builder`].
#[derive(Debug, Clone)]
pub struct LocatorBuilder {
    area: Rect<f64>,
    resolution: Resolution,
    fences: Vec<MultiPolygon<f64>>,
    pixel_m: Option<f64>,
    max_pixels: usize,
}

impl Locator {
    /// Starts a locator over `area` (lon/lat degrees, WGS-84) at an H3 resolution.
    ///
    /// # Example
    /// ```
    /// use catchment::index::Locator;
    /// use geo::{Rect, coord};
    /// use h3o::Resolution;
    ///
    /// let area = Rect::new(coord! { x: 104.0, y: 30.6 }, coord! { x: 104.1, y: 30.7 });
    /// let locator = Locator::builder(area, Resolution::Nine).pixel_m(20.0).build()?;
    /// assert_eq!(locator.fence_count(), 0);
    /// assert!(locator.cell_slot(104.05, 30.65).is_some());
    /// # Ok::<(), catchment::index::IndexError>(())
    /// ```
    pub fn builder(area: Rect<f64>, resolution: Resolution) -> LocatorBuilder {
        LocatorBuilder {
            area,
            resolution,
            fences: Vec::new(),
            pixel_m: None,
            max_pixels: DEFAULT_MAX_PIXELS,
        }
    }

    /// Every H3 cell that a point of the area can fall in, ascending by index; a slot is an
    /// index into this.
    ///
    /// It may also hold a few neighbours that come within a margin (well under a metre at
    /// resolution 9) of the area without reaching it.
    pub fn cells(&self) -> &[CellIndex] {
        &self.cells
    }

    /// The slot of a cell, if listed.
    pub fn slot_of(&self, cell: CellIndex) -> Option<u32> {
        cells::slot_in(&self.cells, cell)
    }

    /// The H3 resolution.
    pub fn resolution(&self) -> Resolution {
        self.resolution
    }

    /// The point's cell slot and the fences containing it.
    ///
    /// The slot is that of exactly the cell h3o's `LatLng::new(lat, lon)?.to_cell(resolution)`
    /// gives; `fences` receives (after being cleared) the indices of the fences containing the
    /// point, ascending, under the [boundary rule](Self#boundary-rule). `None`, with `fences`
    /// empty, when the point is outside the area or not a finite coordinate.
    ///
    /// # Performance
    /// One pixel read; an h3o call only near cell edges and an exact test only for fences
    /// whose boundary passes through the pixel. See the module docs for measured figures.
    ///
    /// # Example
    /// ```
    /// # use catchment::index::Locator;
    /// # use geo::{MultiPolygon, Rect, coord};
    /// # use h3o::Resolution;
    /// let area = Rect::new(coord! { x: 7.40, y: 43.72 }, coord! { x: 7.44, y: 43.76 });
    /// let fence = Rect::new(coord! { x: 7.41, y: 43.73 }, coord! { x: 7.42, y: 43.74 });
    /// let locator = Locator::builder(area, Resolution::Ten)
    ///     .fences(vec![MultiPolygon::new(vec![fence.to_polygon()])])
    ///     .build()?;
    /// let mut fences = Vec::new();
    /// assert!(locator.locate(7.42, 43.735, &mut fences).is_some()); // on the east edge
    /// assert_eq!(fences, [0]);
    /// assert_eq!(locator.locate(f64::NAN, 43.735, &mut fences), None);
    /// assert!(fences.is_empty());
    /// # Ok::<(), catchment::index::IndexError>(())
    /// ```
    #[inline]
    pub fn locate(&self, lon: f64, lat: f64, fences: &mut Vec<u32>) -> Option<u32> {
        self.resolve(self.pixel(lon, lat), lon, lat, fences)
    }

    /// The raster pixel of a point, read ahead of [`Locator::resolve`]; `None` outside the area.
    ///
    /// Reading the pixels of many points first, in a tight loop, lets their memory reads
    /// overlap, where [`Locator::locate`] point by point waits for each in turn.
    ///
    /// # Example
    /// ```
    /// # use catchment::index::Locator;
    /// # use geo::{Rect, coord};
    /// # use h3o::Resolution;
    /// let area = Rect::new(coord! { x: 7.40, y: 43.72 }, coord! { x: 7.44, y: 43.76 });
    /// let locator = Locator::builder(area, Resolution::Ten).build()?;
    /// let points = [(7.41, 43.73), (7.43, 43.75)];
    /// let pixels: Vec<_> = points.iter().map(|&(x, y)| locator.pixel(x, y)).collect();
    /// let mut fences = Vec::new();
    /// for (&(x, y), &px) in points.iter().zip(&pixels) {
    ///     assert_eq!(locator.resolve(px, x, y, &mut fences), locator.locate(x, y, &mut fences));
    /// }
    /// # Ok::<(), catchment::index::IndexError>(())
    /// ```
    #[inline]
    pub fn pixel(&self, lon: f64, lat: f64) -> Option<Pixel> {
        let (col, row) = self.grid.pixel_of(lon, lat)?;
        Some(Pixel {
            row: row as u32,
            value: self.pixels[row * self.grid.nx + col],
        })
    }

    /// [`Locator::locate`] for a point whose pixel was read with [`Locator::pixel`].
    #[inline]
    pub fn resolve(
        &self,
        pixel: Option<Pixel>,
        lon: f64,
        lat: f64,
        fences: &mut Vec<u32>,
    ) -> Option<u32> {
        fences.clear();
        let Pixel {
            row,
            value: [slot, class],
        } = pixel?;
        let slot = if slot != AMBIGUOUS {
            slot
        } else {
            self.h3o_slot(lon, lat)?
        };
        self.class_fences(class, row as usize, lon, lat, fences);
        Some(slot)
    }

    /// The point's cell slot only; `None` outside the area or for a non-finite coordinate.
    ///
    /// # Example
    /// ```
    /// # use catchment::index::Locator;
    /// # use geo::{Rect, coord};
    /// # use h3o::{LatLng, Resolution};
    /// let area = Rect::new(coord! { x: 104.0, y: 30.6 }, coord! { x: 104.1, y: 30.7 });
    /// let locator = Locator::builder(area, Resolution::Nine).build()?;
    /// let slot = locator.cell_slot(104.05, 30.65).expect("inside");
    /// assert_eq!(locator.cells()[slot as usize], LatLng::new(30.65, 104.05)?.to_cell(Resolution::Nine));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn cell_slot(&self, lon: f64, lat: f64) -> Option<u32> {
        let (col, row) = self.grid.pixel_of(lon, lat)?;
        let slot = self.pixels[row * self.grid.nx + col][0];
        if slot != AMBIGUOUS {
            Some(slot)
        } else {
            self.h3o_slot(lon, lat)
        }
    }

    /// The fences containing the point, ascending, written into `fences` (cleared first).
    ///
    /// Outside the area the answer is still exact: it falls back to the R-tree and geo.
    /// Empty for a non-finite coordinate.
    ///
    /// # Example
    /// ```
    /// # use catchment::index::Locator;
    /// # use geo::{MultiPolygon, Rect, coord};
    /// # use h3o::Resolution;
    /// let area = Rect::new(coord! { x: 7.40, y: 43.72 }, coord! { x: 7.44, y: 43.76 });
    /// let fence = Rect::new(coord! { x: 7.43, y: 43.73 }, coord! { x: 7.50, y: 43.74 });
    /// let locator = Locator::builder(area, Resolution::Ten)
    ///     .fences(vec![MultiPolygon::new(vec![fence.to_polygon()])])
    ///     .build()?;
    /// let mut fences = Vec::new();
    /// locator.fences_at(7.47, 43.735, &mut fences); // outside the area, inside the fence
    /// assert_eq!(fences, [0]);
    /// # Ok::<(), catchment::index::IndexError>(())
    /// ```
    #[inline]
    pub fn fences_at(&self, lon: f64, lat: f64, fences: &mut Vec<u32>) {
        match self.grid.pixel_of(lon, lat) {
            Some((col, row)) => {
                fences.clear();
                let class = self.pixels[row * self.grid.nx + col][1];
                self.class_fences(class, row, lon, lat, fences);
            }
            None => self.brute.fences_at(lon, lat, fences),
        }
    }

    /// Number of fences given to the builder.
    pub fn fence_count(&self) -> usize {
        self.fences.len()
    }

    /// Raster size, purity, memory and build time.
    pub fn stats(&self) -> LocatorStats {
        self.stats
    }

    /// The cell slot through h3o (pixels near a cell edge).
    #[cold]
    fn h3o_slot(&self, lon: f64, lat: f64) -> Option<u32> {
        let cell = LatLng::new(lat, lon).ok()?.to_cell(self.resolution);
        self.slot_of(cell)
    }

    /// Appends the fences of a pixel's class that contain the point.
    #[inline(always)]
    fn class_fences(&self, class: u32, row: usize, lon: f64, lat: f64, out: &mut Vec<u32>) {
        let id = (class & !HAS_CANDIDATES) as usize;
        let entries = &self.class_entries
            [self.class_offsets[id] as usize..self.class_offsets[id + 1] as usize];
        if class & HAS_CANDIDATES == 0 {
            out.extend_from_slice(entries);
            return;
        }
        for &e in entries {
            let fence = e & !CANDIDATE;
            if e & CANDIDATE == 0 || self.fences[fence as usize].contains(row, lon, lat) {
                out.push(fence);
            }
        }
    }
}

/// A raster pixel as read by [`Locator::pixel`]: what [`Locator::resolve`] needs to finish a
/// point's location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pixel {
    row: u32,
    value: [u32; 2],
}

impl LocatorBuilder {
    /// The fences; fence `i` is `fences[i]`. Without fences the locator answers cells only.
    ///
    /// # Example
    /// ```
    /// # use catchment::index::Locator;
    /// # use geo::{MultiPolygon, Rect, coord};
    /// # use h3o::Resolution;
    /// let area = Rect::new(coord! { x: 7.40, y: 43.72 }, coord! { x: 7.44, y: 43.76 });
    /// let fence = MultiPolygon::new(vec![area.to_polygon()]);
    /// let locator = Locator::builder(area, Resolution::Ten).fences(vec![fence]).build()?;
    /// assert_eq!(locator.fence_count(), 1);
    /// # Ok::<(), catchment::index::IndexError>(())
    /// ```
    #[must_use]
    pub fn fences(mut self, fences: Vec<MultiPolygon<f64>>) -> Self {
        self.fences = fences;
        self
    }

    /// Target pixel side in metres. Default: the resolution's mean H3 edge length ÷ 15 (about
    /// 12 m at resolution 9): as fast as finer pixels on the Chengdu bench (see the module's
    /// `# Performance`), with a third of the memory and half the build time of 7 m pixels.
    ///
    /// # Example
    /// ```
    /// # use catchment::index::Locator;
    /// # use geo::{Rect, coord};
    /// # use h3o::Resolution;
    /// let area = Rect::new(coord! { x: 7.40, y: 43.72 }, coord! { x: 7.44, y: 43.76 });
    /// let locator = Locator::builder(area, Resolution::Ten).pixel_m(5.0).build()?;
    /// assert!((locator.stats().pixel_m - 5.0).abs() < 0.1);
    /// # Ok::<(), catchment::index::IndexError>(())
    /// ```
    #[must_use]
    pub fn pixel_m(mut self, m: f64) -> Self {
        self.pixel_m = Some(m);
        self
    }

    /// Most pixels the raster may have (8 bytes each); beyond it pixels grow. Default
    /// [`DEFAULT_MAX_PIXELS`].
    ///
    /// # Example
    /// ```
    /// # use catchment::index::Locator;
    /// # use geo::{Rect, coord};
    /// # use h3o::Resolution;
    /// let area = Rect::new(coord! { x: 7.40, y: 43.72 }, coord! { x: 7.44, y: 43.76 });
    /// let locator = Locator::builder(area, Resolution::Ten).max_pixels(10_000).build()?;
    /// assert!(locator.stats().pixels <= 10_000);
    /// # Ok::<(), catchment::index::IndexError>(())
    /// ```
    #[must_use]
    pub fn max_pixels(mut self, n: usize) -> Self {
        self.max_pixels = n;
        self
    }

    /// Builds the locator (in parallel on the current rayon pool; the result does not depend
    /// on the thread count).
    ///
    /// # Errors
    /// [`IndexError::InvalidArea`] for an empty, non-finite or out-of-range area;
    /// [`IndexError::InvalidSetting`] for a non-positive pixel size or a zero pixel cap;
    /// [`IndexError::TooManyCells`] when the area holds more than [`MAX_CELLS`](super::MAX_CELLS)
    /// cells; [`IndexError::InvalidFence`] for a fence with a non-finite coordinate;
    /// [`IndexError::TooManyFences`] beyond 2³¹ − 1 fences.
    ///
    /// # Example
    /// ```
    /// # use catchment::index::{IndexError, Locator};
    /// # use geo::{Rect, coord};
    /// # use h3o::Resolution;
    /// let empty = Rect::new(coord! { x: 7.4, y: 43.7 }, coord! { x: 7.4, y: 43.8 });
    /// let err = Locator::builder(empty, Resolution::Ten).build().unwrap_err();
    /// assert!(matches!(err, IndexError::InvalidArea { .. }));
    /// ```
    pub fn build(self) -> Result<Locator, IndexError> {
        let started = Instant::now();
        let (min, max) = (self.area.min(), self.area.max());
        let valid = [min.x, min.y, max.x, max.y].iter().all(|v| v.is_finite())
            && min.x < max.x
            && min.y < max.y
            && min.x >= -180.0
            && max.x <= 180.0
            && min.y >= -90.0
            && max.y <= 90.0;
        if !valid {
            return Err(IndexError::InvalidArea {
                min_lon: min.x,
                min_lat: min.y,
                max_lon: max.x,
                max_lat: max.y,
            });
        }
        let pixel_m = self
            .pixel_m
            .unwrap_or(self.resolution.edge_length_m() / DEFAULT_PIXELS_PER_EDGE);
        if !(pixel_m.is_finite() && pixel_m > 0.0) {
            return Err(IndexError::InvalidSetting(format!(
                "pixel_m must be a positive number of metres, not {pixel_m}"
            )));
        }
        if self.max_pixels == 0 {
            return Err(IndexError::InvalidSetting(
                "max_pixels must be at least 1".into(),
            ));
        }
        if self.fences.len() >= CANDIDATE as usize {
            return Err(IndexError::TooManyFences(self.fences.len()));
        }
        for (index, fence) in self.fences.iter().enumerate() {
            let coords = fence
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| &r.0);
            if let Some(coord) = coords
                .clone()
                .position(|c| !(c.x.is_finite() && c.y.is_finite()))
            {
                return Err(IndexError::InvalidFence { index, coord });
            }
        }

        let grid = PixelGrid::new(self.area, pixel_m, self.max_pixels);
        let (cells, slots) = cells::cell_raster(&grid, self.resolution)?;

        let rasters: Vec<(FenceEdges, Vec<super::fences::Run>)> = self
            .fences
            .par_iter()
            .map(|f| {
                let edges = FenceEdges::new(f, &grid);
                let runs = edges.runs(&grid);
                (edges, runs)
            })
            .collect();

        let mut pixels: Vec<[u32; 2]> = slots.into_iter().map(|s| [s, 0]).collect();
        let mut classes = Classes::new();
        // Fences in ascending order, so every class lists its fences ascending.
        for (f, (_, runs)) in rasters.iter().enumerate() {
            let mut last: Option<(u32, u32, u32)> = None; // (old class, entry, new class)
            for run in runs {
                let entry = f as u32 | if run.candidate { CANDIDATE } else { 0 };
                let base = run.row as usize * grid.nx;
                for px in &mut pixels[base + run.c0 as usize..base + run.c1 as usize] {
                    let old = px[1];
                    let new = match last {
                        Some((o, e, n)) if o == old && e == entry => n,
                        _ => {
                            let n = classes.push(old, entry);
                            last = Some((old, entry, n));
                            n
                        }
                    };
                    px[1] = new;
                }
            }
        }
        let (class_offsets, class_entries, has_candidates) = classes.flatten();
        let mut pure_cells = 0usize;
        let mut pure_fences = 0usize;
        for px in &mut pixels {
            pure_cells += usize::from(px[0] != AMBIGUOUS);
            if has_candidates[px[1] as usize] {
                px[1] |= HAS_CANDIDATES;
            } else {
                pure_fences += 1;
            }
        }
        let fences: Vec<FenceEdges> = rasters.into_iter().map(|(e, _)| e).collect();
        let brute = BruteForce::new(self.resolution, self.fences);
        let memory_bytes = pixels.len() * 8
            + cells.len() * 8
            + (class_offsets.len() + class_entries.len()) * 4
            + fences.iter().map(FenceEdges::memory_bytes).sum::<usize>()
            + brute.memory_bytes();
        let n = pixels.len() as f64;
        let stats = LocatorStats {
            columns: grid.nx,
            rows: grid.ny,
            pixels: pixels.len(),
            pixel_m: grid.pixel_m(),
            cells: cells.len(),
            classes: class_offsets.len() - 1,
            pure_cell_share: pure_cells as f64 / n,
            pure_fence_share: pure_fences as f64 / n,
            memory_bytes,
            build_time: started.elapsed(),
        };
        Ok(Locator {
            grid,
            resolution: self.resolution,
            cells,
            pixels,
            class_offsets,
            class_entries,
            fences,
            brute,
            stats,
        })
    }
}

/// Interned fence classes, grown one fence at a time.
struct Classes {
    lists: Vec<Vec<u32>>,
    ids: HashMap<Vec<u32>, u32>,
    /// (class, appended entry) → class.
    next: HashMap<(u32, u32), u32>,
}

impl Classes {
    fn new() -> Self {
        Self {
            lists: vec![Vec::new()],
            ids: HashMap::from([(Vec::new(), 0)]),
            next: HashMap::new(),
        }
    }

    /// The class of `class` plus `entry` (a fence above all of the class's fences).
    fn push(&mut self, class: u32, entry: u32) -> u32 {
        if let Some(&n) = self.next.get(&(class, entry)) {
            return n;
        }
        let mut list = self.lists[class as usize].clone();
        list.push(entry);
        let n = match self.ids.get(&list) {
            Some(&n) => n,
            None => {
                let n = self.lists.len() as u32;
                self.ids.insert(list.clone(), n);
                self.lists.push(list);
                n
            }
        };
        self.next.insert((class, entry), n);
        n
    }

    /// CSR offsets, entries, and whether each class has a candidate.
    fn flatten(self) -> (Vec<u32>, Vec<u32>, Vec<bool>) {
        let mut offsets = Vec::with_capacity(self.lists.len() + 1);
        let mut entries = Vec::new();
        let mut has = Vec::with_capacity(self.lists.len());
        offsets.push(0);
        for list in &self.lists {
            entries.extend_from_slice(list);
            offsets.push(entries.len() as u32);
            has.push(list.iter().any(|e| e & CANDIDATE != 0));
        }
        (offsets, entries, has)
    }
}
