//! The study file (TOML): inputs, parameters, fences and outputs of one analysis.
