//! OpenStreetMap `.osm.pbf` reading.
//!
//! (Skeleton: the OSM helper owns this module.)
