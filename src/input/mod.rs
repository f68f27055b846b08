//! Readers for every input, with per-row validation and rejects.

mod records;

pub use records::{AdminArea, Branch, Campaign, Device, PingBatch, Poi};
