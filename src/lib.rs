//! # catchment
//!
//! Bank-branch catchment analysis: who is around each branch, when, and how well the bank already
//! reaches them. The crate reads anonymous device pings, POIs, branches and admin areas, builds
//! geofences around branches and turns the joins into layers for planners and grid-marketing teams.
//!
//! The library is engine-free: plain functions and types over plain data, so a distributed engine can
//! call the same kernels. The `catchment` binary is a thin CLI over it.
//!
//! ## Layers
//! - [`crs`]: coordinate systems (WGS-84, GCJ-02, BD-09, EPSG codes) and conversion to WGS-84.
//! - [`privacy`]: device keys (ids are hashed on read and never kept).
//! - [`input`]: honest readers for every input, with rejects written per row and counted.
//! - [`study`]: the TOML study file that names inputs, parameters, fences and outputs.
//! - [`osm`]: OpenStreetMap `.osm.pbf` reading (POIs, banks, admin boundaries).
//! - [`synth`]: a deterministic synthetic-ping generator for any OSM extract.
//!
//! ## Crate features
//! - `proj`: use the PROJ C library (through the `proj` crate) for `EPSG:nnnn` input instead of the
//!   pure-Rust `proj4rs` port. Both backends agree to the millimetre on the recorded reference points.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod crs;
pub mod fence;
pub mod footfall;
pub mod index;
pub mod input;
pub mod io;
pub mod mobility;
pub mod osm;
pub mod output;
pub mod privacy;
pub mod study;
pub mod synth;
pub mod time;

pub use input::{AdminArea, Branch, Campaign, Device, PingBatch, Poi};
pub use privacy::{DeviceKey, DeviceKeyer};
