//! Errors of the study layer.

use std::path::PathBuf;

/// A study file that cannot be used, or an input it names that cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StudyError {
    /// The study file cannot be read.
    #[error("{}: cannot read study file: {source}", path.display())]
    Read {
        /// The study file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TOML is malformed, a key is unknown, or a value has the wrong type.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        /// The study file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was expected.
        message: String,
    },
    /// A value is well-formed but not allowed (unknown time zone, H3 resolution out of range, …).
    #[error("{}:{line}: {key}: {message}", path.display())]
    Invalid {
        /// The study file.
        path: PathBuf,
        /// 1-based line of the key (0 when unknown).
        line: usize,
        /// The key, dotted (`fences[2].meters`).
        key: String,
        /// What is allowed.
        message: String,
    },
    /// An input named by the study cannot be read.
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
    /// The road extract cannot be read.
    #[error("{}: cannot read the OpenStreetMap extract: {message}", path.display())]
    Roads {
        /// The `.osm.pbf` file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}
