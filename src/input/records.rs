//! The records the readers produce: plain data, WGS-84 coordinates, device ids already keyed.

use crate::privacy::DeviceKey;
use geo::MultiPolygon;

/// One of the bank's own branches (网点).
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// Stable id from the input.
    pub branch_id: String,
    /// Display name.
    pub name: String,
    /// WGS-84 longitude, degrees.
    pub lon: f64,
    /// WGS-84 latitude, degrees.
    pub lat: f64,
    /// Brand, when given.
    pub brand: Option<String>,
}

/// A point of interest: merchant, mall, school, transit stop, competitor bank.
#[derive(Debug, Clone, PartialEq)]
pub struct Poi {
    /// Stable id from the input.
    pub poi_id: String,
    /// Display name (may be empty).
    pub name: String,
    /// Category, lower case (`bank`, `mall`, `supermarket`, `restaurant`, …).
    pub category: String,
    /// WGS-84 longitude, degrees.
    pub lon: f64,
    /// WGS-84 latitude, degrees.
    pub lat: f64,
    /// Brand, when given. A `bank` of another brand than the study's is a competitor.
    pub brand: Option<String>,
    /// Opening hours in OpenStreetMap `opening_hours` syntax, verbatim, when given.
    pub opening_hours: Option<String>,
}

/// A device known to the bank's matching: customer tier and descriptive tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Keyed hash of the raw id.
    pub key: DeviceKey,
    /// Customer tier; `None` = not a customer.
    pub tier: Option<String>,
    /// Age band, when given.
    pub age_band: Option<String>,
    /// Gender, when given.
    pub gender: Option<String>,
    /// Interest tags (the `;`-separated `tags` column), trimmed, empty ones dropped.
    pub tags: Vec<String>,
}

/// A past partner campaign, for calibrating predicted conversions.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// The partner POI.
    pub poi_id: String,
    /// The branch that ran it.
    pub branch_id: String,
    /// First day, epoch seconds UTC of its local start.
    pub start: i64,
    /// End, epoch seconds UTC (exclusive: a date means the end of that local day).
    pub end: i64,
    /// New customers attributed to the campaign.
    pub new_customers: u32,
    /// Cost, when given.
    pub cost: Option<f64>,
}

impl Campaign {
    /// Length in days (the exposure of the conversion model), at least a minute's fraction.
    pub fn days(&self) -> f64 {
        ((self.end - self.start) as f64 / 86_400.0).max(1.0 / 1440.0)
    }
}

/// An admin area (district, street / 街道, quarter) with its polygon in WGS-84.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminArea {
    /// Code (unique within the input).
    pub code: String,
    /// Name.
    pub name: String,
    /// Level (e.g. `district`, `street`, or an OSM `admin_level`).
    pub level: String,
    /// Population, when the input gives one.
    pub population: Option<u64>,
    /// Geometry, valid and RFC 7946-oriented.
    pub geometry: MultiPolygon<f64>,
}

/// A batch of valid pings, column by column (struct of arrays), in input order.
///
/// Times are epoch seconds UTC; coordinates WGS-84 degrees; `accuracy_m` is `NaN` when unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PingBatch {
    /// Device keys.
    pub device: Vec<DeviceKey>,
    /// Epoch seconds, UTC.
    pub ts: Vec<i64>,
    /// WGS-84 longitudes.
    pub lon: Vec<f64>,
    /// WGS-84 latitudes.
    pub lat: Vec<f64>,
    /// Horizontal accuracy in metres, `NaN` when unknown.
    pub accuracy_m: Vec<f32>,
    /// 1-based line (CSV, header = line 1) or row (Parquet, first row = 1) of each ping in its file.
    pub line: Vec<u64>,
}

impl PingBatch {
    /// Number of pings.
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    /// Whether the batch holds no ping.
    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    /// Appends one ping.
    pub fn push(
        &mut self,
        device: DeviceKey,
        ts: i64,
        lon: f64,
        lat: f64,
        accuracy_m: f32,
        line: u64,
    ) {
        self.device.push(device);
        self.ts.push(ts);
        self.lon.push(lon);
        self.lat.push(lat);
        self.accuracy_m.push(accuracy_m);
        self.line.push(line);
    }
}
