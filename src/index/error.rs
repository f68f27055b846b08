//! Errors of the index layer.

/// A [`Locator`](super::Locator) that cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// The area is empty, not finite, or outside longitude [-180, 180] / latitude [-90, 90].
    #[error(
        "invalid area: lon {min_lon}..{max_lon}, lat {min_lat}..{max_lat} \
         (expected finite, non-empty, within lon -180..180 and lat -90..90)"
    )]
    InvalidArea {
        /// West edge, degrees.
        min_lon: f64,
        /// South edge, degrees.
        min_lat: f64,
        /// East edge, degrees.
        max_lon: f64,
        /// North edge, degrees.
        max_lat: f64,
    },
    /// `pixel_m` or `max_pixels` is not usable.
    #[error("invalid raster setting: {0}")]
    InvalidSetting(String),
    /// The area holds more H3 cells at the resolution than the locator indexes.
    #[error(
        "the area holds about {estimated} H3 cells at resolution {resolution}, more than the \
         {max} a locator indexes; use a coarser resolution or a smaller area"
    )]
    TooManyCells {
        /// Estimated cell count.
        estimated: u64,
        /// The limit.
        max: u64,
        /// The H3 resolution asked for.
        resolution: u8,
    },
    /// A fence has a coordinate that is NaN or infinite.
    #[error("fence {index}: coordinate {coord} is not finite")]
    InvalidFence {
        /// Index of the fence in the list given to the builder.
        index: usize,
        /// 0-based position of the coordinate in the fence's rings.
        coord: usize,
    },
    /// More fences than a class entry can number (2³¹ − 1).
    #[error("{0} fences: at most 2147483647 are supported")]
    TooManyFences(usize),
}
