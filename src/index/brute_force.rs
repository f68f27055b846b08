//! The reference the locator is tested and benchmarked against: h3o per point and geo's
//! `Intersects` on every fence whose bounding box holds the point.

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use h3o::{CellIndex, LatLng, Resolution};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// Brute-force ping location: h3o for the cell, an R-tree of fence bounding boxes and geo's
/// exact `Intersects` for the fences.
///
/// This is the definition [`Locator`](super::Locator) is exact against, and the fallback it
/// uses for points outside its area.
///
/// # Performance
/// About 480 ns per point for the cell and about 300 ns for the R-tree query plus about 100 ns
/// per 64-gon tested (see the module docs for measured figures).
///
/// # Example
/// ```
/// use catchment::index::BruteForce;
/// use geo::{MultiPolygon, Rect, coord};
/// use h3o::Resolution;
///
/// let square = Rect::new(coord! { x: 7.41, y: 43.72 }, coord! { x: 7.43, y: 43.74 });
/// let brute = BruteForce::new(Resolution::Ten, vec![MultiPolygon::new(vec![square.to_polygon()])]);
/// let mut fences = Vec::new();
/// brute.fences_at(7.42, 43.73, &mut fences);
/// assert_eq!(fences, [0]);
/// assert!(brute.cell(7.42, 43.73).is_some());
/// ```
#[derive(Debug, Clone)]
pub struct BruteForce {
    resolution: Resolution,
    fences: Vec<MultiPolygon<f64>>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
}

impl BruteForce {
    /// Indexes the fences' bounding boxes; fence `i` is `fences[i]`.
    pub fn new(resolution: Resolution, fences: Vec<MultiPolygon<f64>>) -> Self {
        let boxes = fences
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let r = f.bounding_rect()?;
                let aabb = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                Some(GeomWithData::new(Rectangle::from_aabb(aabb), i as u32))
            })
            .collect();
        Self {
            resolution,
            fences,
            tree: RTree::bulk_load(boxes),
        }
    }

    /// The H3 cell of a point: `LatLng::new(lat, lon)?.to_cell(resolution)`; `None` for an
    /// invalid coordinate.
    pub fn cell(&self, lon: f64, lat: f64) -> Option<CellIndex> {
        LatLng::new(lat, lon)
            .ok()
            .map(|ll| ll.to_cell(self.resolution))
    }

    /// Indices of the fences the point intersects (inside or on the boundary), ascending,
    /// written into `fences` (cleared first). Empty for NaN or infinite coordinates.
    pub fn fences_at(&self, lon: f64, lat: f64, fences: &mut Vec<u32>) {
        fences.clear();
        if !(lon.is_finite() && lat.is_finite()) {
            return;
        }
        let p = Point::new(lon, lat);
        fences.extend(
            self.tree
                .locate_all_at_point(&[lon, lat])
                .map(|g| g.data)
                .filter(|&i| self.fences[i as usize].intersects(&p)),
        );
        fences.sort_unstable();
    }

    /// Number of fences.
    pub fn fence_count(&self) -> usize {
        self.fences.len()
    }

    /// Heap bytes held (approximate: polygons and tree nodes).
    pub(crate) fn memory_bytes(&self) -> usize {
        let coords: usize = self
            .fences
            .iter()
            .flat_map(|f| &f.0)
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum();
        coords * 16 + self.tree.size() * 64
    }
}
