//! End-to-end tests: one binary, a module per area.

mod pings_csv;
mod pings_parquet;
mod util;
mod validate_cli;
