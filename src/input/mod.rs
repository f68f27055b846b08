//! Readers for every input (SPEC §2), with per-row validation and rejects.
//!
//! Each reader checks every row; a bad row never stops the read and never vanishes: it becomes a
//! [`Reject`] (line, reason, the row as read with any device id replaced by its key), counted in the
//! input's [`RejectLog`] and written to `rejects/<input>.csv`. Whole-file problems (missing file,
//! missing column, empty input, broken structure) are [`InputError`]s naming the file.
//!
//! | input | reader | columns (defaults, remappable) |
//! |---|---|---|
//! | pings | [`PingReader`] (streamed batches, CSV or Parquet) | `device_id, ts, lon, lat[, accuracy_m]` |
//! | devices | [`read_devices`] | `device_id[, tier][, age_band, gender, tags]` |
//! | branches | [`read_branches`] | `branch_id, name, lon, lat[, brand]` |
//! | POIs | [`read_pois`] | `poi_id, name, category, lon, lat[, brand]` |
//! | campaigns | [`read_campaigns`] | `poi_id, branch_id, start, end, new_customers[, cost]` |
//! | admin areas | [`read_admin`] | GeoJSON polygons with `code, name, level[, population]` |

pub(crate) mod admin;
mod campaigns;
mod csv_table;
mod devices;
mod error;
mod pings;
mod places;
mod point;
mod records;
mod reject;
mod time;

pub use admin::read_admin;
pub use campaigns::read_campaigns;
pub use csv_table::ColumnMap;
pub use devices::read_devices;
pub use error::InputError;
pub use pings::{PingFormat, PingReader};
pub use places::{read_branches, read_pois};
pub use records::{AdminArea, Branch, Campaign, Device, PingBatch, Poi};
pub use reject::{Reject, RejectLog, RejectReason};
pub use time::{EPOCH_MS_THRESHOLD, TimeParser};

use crate::crs::{Crs, ToWgs84};
use crate::privacy::DeviceKeyer;
use geo::Rect;
use std::path::PathBuf;

/// What readers need to know from the study: CRS, study area, limits, keys, time zone, columns.
///
/// # Example
/// ```
/// use catchment::input::ReadOptions;
/// let opts = ReadOptions::new("salt", jiff::tz::TimeZone::UTC).with_max_accuracy_m(100.0);
/// assert_eq!(opts.max_accuracy_m, 100.0);
/// ```
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// CRS of the coordinates in the file.
    pub crs: Crs,
    /// Points outside are rejected (`None`: no area check).
    pub study_area: Option<Rect<f64>>,
    /// Pings with a worse accuracy are rejected (SPEC default 200 m).
    pub max_accuracy_m: f64,
    /// Hashes device ids on read.
    pub keyer: DeviceKeyer,
    /// Parses times; offset-less times are local to its zone.
    pub time: TimeParser,
    /// Column renames (default name → name in the file).
    pub columns: ColumnMap,
    /// Allowed customer tiers (`None`: any non-empty tier).
    pub tiers: Option<Vec<String>>,
    /// Pings per batch for streamed readers.
    pub batch_size: usize,
}

impl ReadOptions {
    /// Defaults of SPEC §2 (WGS-84, no study area, 200 m accuracy, 65,536 pings per batch).
    pub fn new(salt: &str, tz: jiff::tz::TimeZone) -> Self {
        Self {
            crs: Crs::Wgs84,
            study_area: None,
            max_accuracy_m: 200.0,
            keyer: DeviceKeyer::new(salt),
            time: TimeParser::new(tz),
            columns: ColumnMap::new(),
            tiers: None,
            batch_size: 1 << 16,
        }
    }

    /// With another input CRS.
    pub fn with_crs(mut self, crs: Crs) -> Self {
        self.crs = crs;
        self
    }

    /// With a study area.
    pub fn with_study_area(mut self, area: Rect<f64>) -> Self {
        self.study_area = Some(area);
        self
    }

    /// With another accuracy limit.
    pub fn with_max_accuracy_m(mut self, max: f64) -> Self {
        self.max_accuracy_m = max;
        self
    }

    /// With column renames.
    pub fn with_columns(mut self, columns: ColumnMap) -> Self {
        self.columns = columns;
        self
    }

    fn point_check(&self, path: &std::path::Path) -> Result<point::PointCheck, InputError> {
        let to = ToWgs84::new(self.crs).map_err(|source| InputError::Crs {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(point::PointCheck::new(self.crs, to, self.study_area))
    }
}

/// The records read from one whole (small) input, with its rejects.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The file read.
    pub path: PathBuf,
    /// The valid records, in file order.
    pub records: Vec<T>,
    /// Data rows (or features) read, valid or not, blank lines excluded.
    pub rows: u64,
    /// The rejected rows.
    pub rejects: RejectLog,
}

/// The text that replaces a raw device id in a reject: its key, or empty.
pub(crate) fn redact_device(keyer: &DeviceKeyer, raw: &str) -> String {
    if raw.trim().is_empty() {
        String::new()
    } else {
        keyer.key(raw).to_string()
    }
}

/// Trimmed, `None` when empty.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}
