//! OpenStreetMap `.osm.pbf` reading: a selective reader, multipolygon assembly and city
//! extraction (branches, POIs, admin areas).
//!
//! - [`read_pbf`] reads only what a [`Selection`] of [`TagFilter`]s asks for, in up to three
//!   passes so memory stays bounded: relations → their member ways → the ways' vertices. Results
//!   are typed ([`OsmNode`], [`OsmWay`] with resolved coordinates, [`OsmRelation`] with members),
//!   sorted by id. Missing way vertices are counted in [`ReadStats`], never a panic.
//! - [`MultipolygonBuilder`] joins relation member ways into rings, nests holes, orients them
//!   (RFC 7946) and validates; rings that do not close are reported, or closed along a known
//!   boundary ([`MultipolygonBuilder::close_along`]) or by a short chord.
//! - [`extract_city`] turns an extract into the product's inputs: the bank's own
//!   [`Branch`](crate::Branch)es, categorised [`Poi`](crate::Poi)s ([`poi_category`] holds the tag
//!   table), and [`AdminArea`](crate::AdminArea)s at one `admin_level` with populations joined
//!   from GeoNames ([`join_population`]); [`write_outputs`] writes them as CSV and GeoJSON.
//!
//! # Example
//! ```
//! use catchment::osm::{read_pbf, MultipolygonBuilder, Selection, TagFilter};
//! # fn main() -> Result<(), catchment::osm::OsmError> {
//! let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
//! // Every drivable road with its geometry, for a road graph.
//! let roads = TagFilter::key_in("highway", &["primary", "secondary", "tertiary", "residential"]);
//! let data = read_pbf(pbf, &Selection::new().ways(roads))?;
//! assert!(data.ways.iter().all(|w| w.line_string().is_some()));
//!
//! // Buildings: closed ways, and multipolygon relations assembled into polygons.
//! let buildings = TagFilter::has_key("building");
//! let sel = Selection::new()
//!     .ways(buildings.clone())
//!     .relations(TagFilter::key_value("type", "multipolygon").and(buildings));
//! let data = read_pbf(pbf, &sel)?;
//! let footprints: Vec<_> = data
//!     .relations
//!     .iter()
//!     .map(|r| MultipolygonBuilder::new().build(r, &data))
//!     .filter(|a| a.is_ok())
//!     .collect();
//! assert!(data.ways.iter().filter(|w| w.closed()).count() > 1000);
//! assert!(!footprints.is_empty());
//! # Ok(()) }
//! ```

mod category;
mod extract;
mod multipolygon;
mod output;
mod population;
mod reader;
mod tags;

pub use category::{TagSource, TransitKind, poi_category, transit_kind};
pub use extract::{
    AdminReport, CityExtract, ExtractOptions, ExtractReport, ParentCheck, extract_city,
    matches_brand,
};
pub use multipolygon::{
    AreaIssue, AssembledArea, MultipolygonBuilder, Ring, RingRole, Segment, join_segments,
};
pub use output::{
    admin_geojson, read_boundary_geojson, write_admin_geojson, write_branches_csv, write_outputs,
    write_pois_csv,
};
pub use population::{
    GeoNamesPlace, MatchRule, PopulationMatch, fold_name, join_population, read_geonames,
};
pub use reader::{
    Member, MemberKind, OsmData, OsmNode, OsmRelation, OsmWay, ReadStats, Selection, read_pbf,
};
pub use tags::{TagFilter, TagView, Tags};

use std::path::PathBuf;

/// An error reading OSM or companion files; each variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OsmError {
    /// The file could not be opened.
    #[error("cannot open {}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A blob could not be read or decoded (truncated or corrupt file, or not a PBF at all).
    #[error("cannot read OSM PBF {}{}", path.display(), offset.map(|o| format!(" (blob at byte {o})")).unwrap_or_default())]
    Read {
        /// The file.
        path: PathBuf,
        /// Byte offset of the blob, when known.
        offset: Option<u64>,
        /// The decoder's error.
        #[source]
        source: osmpbf::Error,
    },
    /// The file has no `OSMHeader` blob: not an OSM PBF file (or an empty one).
    #[error("{} is not an OSM PBF file (no OSMHeader blob)", path.display())]
    NotPbf {
        /// The file.
        path: PathBuf,
    },
    /// The file requires a feature this reader does not support (e.g. history files).
    #[error("{} requires unsupported PBF feature {feature:?}", path.display())]
    UnsupportedFeature {
        /// The file.
        path: PathBuf,
        /// The required feature.
        feature: String,
    },
    /// A companion file (GeoNames CSV, boundary GeoJSON) is malformed.
    #[error("{}: {message}", path.display())]
    Companion {
        /// The file.
        path: PathBuf,
        /// What was wrong, with the line or feature.
        message: String,
    },
    /// An output file could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
