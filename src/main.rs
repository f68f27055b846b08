//! The `catchment` command-line tool.

fn main() {}
