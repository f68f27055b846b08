//! Deterministic synthetic pings, devices and campaigns for any OSM extract.
//!
//! (Skeleton: the synth helper owns this module.)
