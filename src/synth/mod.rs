//! Deterministic synthetic pings, devices and campaigns for any OSM extract.
//!
//! **Everything this module writes is synthetic.** Device ids (`d0000001`, …) are made up; no real
//! person's location is in any output. The generator exists because the demo city has no real
//! pings, and it is built so the rest of the pipeline can be checked against a known truth.
//!
//! # Quick start
//! ```no_run
//! # fn main() -> Result<(), catchment::synth::SynthError> {
//! use catchment::synth::{generate, City, CsvPingSink, PingSink, SynthParams};
//! let city = City::from_osm("monaco.osm.pbf", &[], &[])?;
//! let params = SynthParams { devices: Some(500), days: 7, ..SynthParams::default() };
//! let mut sink = CsvPingSink::create("pings.csv")?;
//! let summary = generate(&city, &params, &mut sink)?;
//! sink.finish()?;
//! println!("{} pings from {} devices", summary.pings, summary.devices);
//! # Ok(()) }
//! ```
//!
//! # The model
//! - **City** ([`City`]): homes and workplaces weighted by floor area, POIs with per-category
//!   visit weights and opening hours, own branches. See [`City::from_osm`] for the rules and
//!   fallbacks.
//! - **Devices**: a share are **residents** (home in the city, 70 %), **commuters** (home
//!   outside, workplace inside, present on 88 % of weekdays and 8 % of weekend days, 18 %) and
//!   **tourists** (a 1–4-day stay, 12 %; they sleep in a `hotel` POI, or a home site when the POI
//!   list has no hotel). Resident employment depends on the age band (18–24: 50 %, 25–34: 85 %,
//!   35–44: 88 %, 45–54: 85 %, 55–64: 60 %, 65+: 8 %; about 66 % overall); commuters are all
//!   employed.
//! - **Routines** in the study's local time zone: nights at home; on weekdays the employed leave
//!   for work to start around a personal time (N(8:45, 36 min), ± 15 min a day) for about 8.6 h,
//!   go out for lunch (personal propensity 10–70 %), run an errand after work (15–50 %) and go
//!   out in the evening (5–30 %, doubled on Fridays); others leave home between 9:00 and 11:30
//!   for about 1.4 errands / leisure outings / lunches; weekends start later with about 0.8–2.8
//!   leisure, shopping and meal outings, evenings out more often on Saturday (10 % of the
//!   employed work Saturday). Each outing picks a POI by category weight × `exp(-d / decay)`
//!   among the device's favourite places (85 %) or a fresh draw (15 %), and only POIs open for
//!   the whole planned dwell. Moves go in a straight line: walking (1.3 m/s) under 1.2 km,
//!   otherwise 6 m/s plus 4 minutes (bus, car, scooter).
//! - **Pings** ([`PingModel`]): each device has a lognormal chattiness (mean 1, σ 0.8); app
//!   sessions arrive as a Poisson process following a daily rhythm (quiet at night), each a
//!   burst of 1 + geometric pings seconds apart; moving adds pings (location updates) and an
//!   arrival ping half the time; some days are silent for hours, a few entirely. Positions carry
//!   GPS / Wi-Fi / cell noise: `accuracy_m` is the 68 % radius of a 2-D Gaussian error (GPS
//!   median 8 m, Wi-Fi 22 m, cell 500 m; cell fixes are rare indoors and outdoors), with 1 %
//!   outliers 3–10× the stated accuracy; 8 % of devices never report accuracy and 2 % of other
//!   pings lack it (empty field).
//! - **Customers** ([`CustomerModel`]): `P(customer) = base + near · exp(-d / scale)` with `d`
//!   the home's distance to the nearest own branch; tiers by age band.
//! - **Campaigns** ([`CampaignModel`]): Poisson outcomes from the generator's own truth.
//!
//! # POI categories
//! Per-category visit weights by activity (lunch, errand, leisure, evening), default opening
//! hours (used unless set with [`City::with_opening_hours`]) and dwell times:
//!
//! | category (aliases) | lunch | errand | leisure | evening | default hours | dwell min |
//! |---|---|---|---|---|---|---|
//! | `supermarket` (`grocery`) | – | 1.0 | 0.2 | – | Mo-Sa 08:00-21:00; Su 09:00-13:00 | 12–35 |
//! | `convenience` | 0.1 | 0.6 | – | – | 07:00-23:00 | 10–20 |
//! | `mall` (`department_store`, `shopping_centre`) | 0.3 | 0.5 | 1.0 | 0.2 | Mo-Sa 10:00-21:00; Su 11:00-19:00 | 40–150 |
//! | `marketplace` | 0.2 | 0.6 | 0.5 | – | Tu-Su 07:00-13:00 | 20–60 |
//! | `restaurant` | 1.0 | – | 0.6 | 1.0 | 11:30-15:00,18:30-23:30 | 35–100 |
//! | `fast_food` (`food_court`) | 1.0 | 0.1 | 0.3 | 0.3 | 10:00-23:00 | 15–35 |
//! | `cafe` (`ice_cream`) | 0.8 | 0.1 | 0.6 | 0.2 | 07:30-19:30 | 15–60 |
//! | `bakery` | 0.4 | 0.5 | 0.1 | – | Mo-Sa 07:00-19:30; Su 07:00-13:00 | 10–15 |
//! | `bar` (`pub`, `nightclub`, `biergarten`) | – | – | 0.1 | 0.8 | 17:00-02:00 | 45–150 |
//! | `cinema` (`theatre`) | – | – | 0.4 | 0.5 | 12:00-24:00 | 100–180 |
//! | `museum` (`attraction`, `gallery`, `zoo`) | – | – | 0.5 | – | 10:00-18:00 | 45–150 |
//! | `park` (`garden`, `beach`, `playground`) | – | – | 0.8 | 0.1 | 06:00-22:00 | 30–120 |
//! | `gym` (`fitness_centre`, `sports_centre`, `swimming_pool`) | – | 0.1 | 0.5 | 0.5 | 06:00-22:00 | 50–100 |
//! | `clothes` (`shoes`, `jewelry`, `shop`, `electronics`, …) | – | 0.3 | 0.4 | – | Mo-Sa 10:00-19:30 | 15–45 |
//! | `pharmacy` (`chemist`) | – | 0.5 | – | – | Mo-Sa 08:30-19:30 | 10–15 |
//! | `hairdresser` (`beauty`) | – | 0.2 | 0.1 | – | Tu-Sa 09:00-19:00 | 30–75 |
//! | `bank` | – | 0.25 | – | – | Mo-Fr 09:00-17:00; Sa 09:00-12:00 | 10–30 |
//! | `atm` | – | 0.1 | – | – | 24/7 | 10–12 |
//! | `post_office` | – | 0.2 | – | – | Mo-Fr 08:30-18:00; Sa 08:30-12:00 | 10–25 |
//! | `fuel` | – | 0.2 | – | – | 06:00-22:00 | 10–12 |
//! | `hotel` | – | – | 0.1 | 0.1 | 24/7 | 30–90 |
//! | `school` (`kindergarten`, `college`, `university`) | – | 0.15 | – | – | Mo-Fr 08:00-17:00 | 10–20 |
//! | `hospital` (`clinic`, `doctors`, `dentist`) | – | 0.1 | – | – | 24/7 | 30–120 |
//! | `place_of_worship` | – | – | 0.2 | – | 08:00-19:00 | 45–90 |
//! | `bus_stop`, `station`, `subway_entrance`, `parking` | – | – | – | – | 05:30-24:00 | – |
//! | anything else | – | 0.1 | 0.1 | – | Mo-Sa 09:00-19:00 | 15–45 |
//!
//! A `–` is weight 0: never a destination of that activity. Transit stops are never visited as
//! destinations (they are walked past). The weights are relative within an activity; the chance a
//! device picks a POI is `weight × exp(-distance / decay)` (`decay_km` of [`SynthParams`]).
//!
//! # Output order
//! Pings come day by day (local days of the study's time zone); within a day in blocks of
//! [`SynthParams::block_devices`] consecutive devices; within a block sorted by time (then device).
//! So files are day-partitioned but not globally time-sorted, like real vendor feeds. The bytes
//! do not depend on the number of threads: every random stream is seeded from
//! `(seed, device index, day, purpose)` and blocks are written in order.
//!
//! # Memory
//! Nothing per device is kept between days: a device's profile is re-derived from its seed when
//! its block is generated. Memory is the city, the POI index and a bounded number of blocks in
//! flight (plus the Parquet writer's open row group), whatever the number of pings.

mod campaign;
mod category;
mod city;
mod device;
mod generate;
mod hours;
mod pings;
mod rng;
mod routine;
mod sink;

pub use campaign::{
    CampaignModel, CampaignRecord, PoiTruth, campaigns, poi_truth, write_campaigns_csv,
};
pub use city::{City, CityStats, Fallback, WeightedPoint};
pub use device::{CustomerModel, DeviceRecord, Population, device_records, write_devices_csv};
pub use generate::{SynthSummary, generate, resolve, write_truth_json};
pub use hours::OpeningHours;
pub use pings::PingModel;
pub use sink::{CsvPingSink, ParquetPingSink, Ping, PingBlock, PingSink, open_ping_sink};

use std::path::PathBuf;

/// Everything that can go wrong while generating.
///
/// # Example
/// ```
/// use catchment::synth::SynthError;
/// let e = SynthError::Invalid("days must be at least 1".into());
/// assert!(e.to_string().contains("days"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// The OSM extract could not be read.
    #[error("cannot read OSM extract {path}: {source}")]
    Osm {
        /// The file.
        path: PathBuf,
        /// The decoder's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Writing an output failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Nothing to place homes on.
    #[error("cannot build a city: {0}")]
    EmptyCity(String),
    /// A parameter is out of range.
    #[error("invalid synthesis parameter: {0}")]
    Invalid(String),
}

impl SynthError {
    pub(crate) fn write(
        path: &std::path::Path,
        e: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        SynthError::Write {
            path: path.to_path_buf(),
            source: Box::new(e),
        }
    }
}

/// Parameters of one synthetic data set. `Default` gives 2,000 devices over the 7 days from
/// 2026-06-01 in `Asia/Shanghai`, seed 42.
///
/// Size control: give `devices` (and `days`); or only `target_pings`, and the number of devices
/// is derived (see [`resolve`]); or both, and the ping rates are scaled to hit the target.
///
/// # Example
/// ```
/// use catchment::synth::SynthParams;
/// let p = SynthParams {
///     seed: 7,
///     timezone: jiff::tz::TimeZone::get("Europe/Monaco").expect("bundled tzdb"),
///     target_pings: Some(1_000_000),
///     devices: None,
///     ..SynthParams::default()
/// };
/// assert_eq!(p.days, 7);
/// ```
#[derive(Debug, Clone)]
pub struct SynthParams {
    /// Seed of every random stream.
    pub seed: u64,
    /// Number of devices; `None` = derived from `target_pings`, else 2,000.
    pub devices: Option<u64>,
    /// Number of local days.
    pub days: u32,
    /// First local day.
    pub start: jiff::civil::Date,
    /// The study's time zone: routines follow its local clock.
    pub timezone: jiff::tz::TimeZone,
    /// Target total number of pings (approximate: within about 2 %).
    pub target_pings: Option<u64>,
    /// Shares of residents, commuters and tourists.
    pub population: Population,
    /// How phones ping.
    pub pings: PingModel,
    /// Distance decay of POI choice, km: weight × `exp(-d / decay_km)`.
    pub decay_km: f64,
    /// Who is a customer.
    pub customers: CustomerModel,
    /// Campaign outcomes.
    pub campaigns: CampaignModel,
    /// Devices per block (the unit of parallel work and of output order).
    pub block_devices: u32,
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            seed: 42,
            devices: None,
            days: 7,
            start: jiff::civil::date(2026, 6, 1),
            timezone: jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC),
            target_pings: None,
            population: Population::default(),
            pings: PingModel::default(),
            decay_km: 1.5,
            customers: CustomerModel::default(),
            campaigns: CampaignModel::default(),
            block_devices: 256,
        }
    }
}

impl SynthParams {
    /// Default device count when neither `devices` nor `target_pings` is given.
    pub const DEFAULT_DEVICES: u64 = 2_000;

    /// Checks ranges.
    ///
    /// # Errors
    /// [`SynthError::Invalid`] naming the parameter.
    ///
    /// # Example
    /// ```
    /// use catchment::synth::SynthParams;
    /// assert!(SynthParams { days: 0, ..SynthParams::default() }.validate().is_err());
    /// assert!(SynthParams::default().validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), SynthError> {
        let bad = |m: &str| Err(SynthError::Invalid(m.to_string()));
        if self.days == 0 || self.days > 3660 {
            return bad("days must be between 1 and 3660");
        }
        if self.devices == Some(0) {
            return bad("devices must be at least 1");
        }
        if self.devices.is_some_and(|d| d > 100_000_000) {
            return bad("devices must be at most 100,000,000");
        }
        if self.target_pings == Some(0) {
            return bad("target pings must be at least 1");
        }
        if !(self.decay_km > 0.0 && self.decay_km.is_finite()) {
            return bad("decay_km must be a positive number");
        }
        if self.block_devices == 0 {
            return bad("block_devices must be at least 1");
        }
        self.population.validate()?;
        self.pings.validate()?;
        self.customers.validate()?;
        Ok(())
    }
}
