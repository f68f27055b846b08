//! Writing layers: RFC 7946 GeoJSON, CSV tables (and, later, GeoPackage, STAC, HTML, manifest).

mod footfall;
mod geojson;
mod table_csv;

pub use footfall::{
    HOUR_FIELDS, write_fences_footfall, write_heat_grid, write_hourly_csv, write_opening_hours_csv,
    write_poi_footfall_csv,
};
pub use geojson::{GeoJsonWriter, Property, write_fences_geojson};
pub use table_csv::{CsvTableWriter, Field};
