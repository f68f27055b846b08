//! End-to-end tests: one binary, a module per area.

mod crs_inputs;
mod demo_cli;
mod fences_cli;
mod footfall_cli;
mod pings_csv;
mod pings_parquet;
mod util;
mod validate_cli;
