//! Errors of the input layer: whole-file problems. Row problems are rejects, not errors.

use std::path::PathBuf;

/// A problem that stops reading an input (a bad row is a [`Reject`](super::Reject) instead).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The file is missing or cannot be opened.
    #[error("{}: cannot open {what} input: {source}", path.display())]
    Open {
        /// The input's path.
        path: PathBuf,
        /// Which input (`pings`, `branches`, …).
        what: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A required column is absent from the header (or the Parquet schema).
    #[error("{}: missing required column {column:?}{mapped} (columns found: {found})", path.display(), mapped = mapped_note(.default, .column))]
    MissingColumn {
        /// The input's path.
        path: PathBuf,
        /// The column name looked for (after the study's remapping).
        column: String,
        /// The column's default name, if the study remapped it.
        default: String,
        /// The columns the file has, comma-separated.
        found: String,
    },
    /// A column exists but has a type the reader cannot use (Parquet).
    #[error("{}: column {column:?} has type {found}, expected {expected}", path.display())]
    ColumnType {
        /// The input's path.
        path: PathBuf,
        /// The column.
        column: String,
        /// The type found.
        found: String,
        /// What the reader accepts.
        expected: &'static str,
    },
    /// The file has a header but no data row (or no feature).
    #[error("{}: the {what} input is empty (no data rows)", path.display())]
    Empty {
        /// The input's path.
        path: PathBuf,
        /// Which input.
        what: &'static str,
    },
    /// The file cannot be parsed at all at some point (broken CSV quoting, corrupt Parquet, bad JSON).
    #[error("{}:{line}: {message}", path.display())]
    Malformed {
        /// The input's path.
        path: PathBuf,
        /// 1-based line (or row, for Parquet; 0 when unknown).
        line: u64,
        /// What went wrong and what was expected.
        message: String,
    },
    /// Rejects were found and strict mode turns them into an error.
    #[error("{}: {count} rejected row(s) in strict mode; first at line {first_line}: {first_reason}", path.display())]
    Strict {
        /// The input's path.
        path: PathBuf,
        /// How many rows were rejected.
        count: u64,
        /// The first rejected line.
        first_line: u64,
        /// Its reason.
        first_reason: String,
    },
    /// The input's CRS cannot be used.
    #[error("{}: {source}", path.display())]
    Crs {
        /// The input's path.
        path: PathBuf,
        /// The CRS error.
        source: crate::crs::CrsError,
    },
    /// Writing the rejects file failed.
    #[error("{}: cannot write rejects: {source}", path.display())]
    WriteRejects {
        /// The rejects file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn mapped_note(default: &str, column: &str) -> String {
    if default == column {
        String::new()
    } else {
        format!(" (the study maps {default:?} to it)")
    }
}
