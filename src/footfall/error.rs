use std::path::PathBuf;

/// Why a footfall run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FootfallError {
    /// A spill file could not be written or read back.
    #[error("spill file {0}: {1}")]
    Spill(PathBuf, #[source] std::io::Error),
    /// The pings could not be read.
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
    /// The study names no pings input.
    #[error("the study has no [inputs.pings]")]
    NoPings,
    /// The ping locator could not be built.
    #[error("ping locator: {0}")]
    Index(#[from] crate::index::IndexError),
}
