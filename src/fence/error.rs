//! Errors of the fence layer.

/// A fence that cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FenceError {
    /// A parameter is out of range or inconsistent.
    #[error("fence {fence:?} of branch {branch:?}: {message}")]
    Invalid {
        /// Branch id.
        branch: String,
        /// Fence id.
        fence: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A polygon fence's geometry is invalid and cannot be repaired unambiguously.
    #[error("fence {fence:?}: invalid polygon: {message}")]
    InvalidPolygon {
        /// Fence id.
        fence: String,
        /// Why.
        message: String,
    },
    /// An admin fence names an area the admin input does not have.
    #[error("fence {fence:?}: no admin area with {key} {value:?}{}", suggestions(.close))]
    AdminNotFound {
        /// Fence id.
        fence: String,
        /// `code` or `name`.
        key: &'static str,
        /// The value looked for.
        value: String,
        /// Close matches, best first.
        close: Vec<String>,
    },
    /// A file a fence needs cannot be read.
    #[error("fence {fence:?}: {path}: {message}")]
    File {
        /// Fence id.
        fence: String,
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A travel fence needs the road graph and something is wrong with it.
    #[error("travel fence {fence:?}: {message}")]
    Travel {
        /// Fence id.
        fence: String,
        /// What went wrong.
        message: String,
    },
    /// The CRS of a fence's coordinates cannot be used.
    #[error("fence {fence:?}: {source}")]
    Crs {
        /// Fence id.
        fence: String,
        /// The CRS error.
        source: crate::crs::CrsError,
    },
}

fn suggestions(close: &[String]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}
