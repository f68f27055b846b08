//! Writing layers: RFC 7946 GeoJSON (and, later, GeoPackage, STAC, HTML, manifest).

mod geojson;

pub use geojson::{GeoJsonWriter, Property, write_fences_geojson};
