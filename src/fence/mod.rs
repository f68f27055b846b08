//! Geofences around branches (SPEC §3): radius circles and ring bands, custom polygons, the 3×3
//! nine-square grid (九宫格), H3 / square grids, admin areas and travel circles (出行圈), and their
//! H3 coverage.
//!
//! Every fence is a valid, RFC 7946-oriented (exterior counter-clockwise) [`MultiPolygon`] in
//! WGS-84 with its branch, id, kind, parameters and geodesic area.

mod admin;
mod build;
mod coverage;
mod error;
mod grid;
mod nine_grid;
mod polygon;
mod radius;
mod shape;
pub mod travel;

pub use admin::find_admin;
pub use build::{FenceInputs, build_fences, travel_modes};
pub use coverage::{CoverageMode, cell_polygon, h3_coverage};
pub use error::FenceError;
pub use grid::{GridCell, GridError, MAX_SQUARES, h3_grid, square_grid};
pub use nine_grid::{NINE_GRID_IDS, nine_grid_fences};
pub use polygon::{polygon_from_coordinates, polygon_from_geojson};
pub use radius::{radius_fence, ring_fences};
pub use shape::{CIRCLE_AREA_TOLERANCE, circle_vertex_count, geodesic_circle};

use geo::MultiPolygon;

/// The kind of a fence, as written in the study and in outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FenceKind {
    /// Geodesic circle, or a donut band between two radii.
    Radius,
    /// Custom polygon (自定义坐标 / 多边形).
    Polygon,
    /// One square of the 3×3 nine-square grid (九宫格).
    NineGrid,
    /// One cell of an H3 or square grid.
    Grid,
    /// An admin area.
    Admin,
    /// A travel-time isochrone (出行圈).
    Travel,
}

impl FenceKind {
    /// The name used in studies and outputs (`radius`, `nine_grid`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Radius => "radius",
            Self::Polygon => "polygon",
            Self::NineGrid => "nine_grid",
            Self::Grid => "grid",
            Self::Admin => "admin",
            Self::Travel => "travel",
        }
    }
}

/// One geofence of one branch.
#[derive(Debug, Clone, PartialEq)]
pub struct Fence {
    /// The branch it belongs to.
    pub branch_id: String,
    /// Stable id, unique per branch: the study's fence id, with `/<part>` for fences of several
    /// parts (`rings_250_500/250-500`, `nine_grid_500/NE`, `grid_h3r9/8a1f…`, `walk_15/10`).
    pub fence_id: String,
    /// Kind.
    pub kind: FenceKind,
    /// Parameters as a compact JSON object (`{"meters":1000}`), as written in outputs.
    pub params: String,
    /// Geometry: valid, exterior rings counter-clockwise, holes clockwise, WGS-84.
    pub geometry: MultiPolygon<f64>,
    /// Geodesic area in km² (WGS-84 ellipsoid).
    pub area_km2: f64,
    /// Whether it is the branch's primary fence.
    pub primary: bool,
}
