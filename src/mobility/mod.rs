//! From one device's sorted pings to behaviour (SPEC §4): stays, home and work cells, POI
//! proximity, and a device's roles for a fence.
//!
//! Everything here works on plain data for one device at a time, so the join engine can call it
//! per device with reused buffers:
//!
//! 1. [`detect_stays`]: trackintel's sliding staypoints over [`TrackPoint`]s → [`Stay`]s.
//! 2. [`detect_home_work`]: the night and weekday-office H3 cells of those stays → [`HomeWork`].
//! 3. [`PoiIndex::within`]: POIs within `poi_radius_m` of a stay's centre (a visit).
//! 4. [`FenceRoles::new`]: resident / worker / visitor for one fence.
//!
//! Distances are great-circle on trackintel's 6,371,000 m sphere (haversine); stay detection uses a
//! planar shortcut that defers to haversine whenever the answer could differ.
//!
//! # Example
//! ```
//! use catchment::mobility::{detect_stays, StayParams, TrackPoint};
//! use catchment::study::MobilityParams;
//! let study = MobilityParams {
//!     stay_radius_m: 100.0,
//!     stay_min_minutes: 10.0,
//!     stay_max_gap_minutes: 60.0,
//!     poi_radius_m: 50.0,
//!     home_min_nights: 3,
//!     work_min_days: 3,
//! };
//! let pings: Vec<TrackPoint> = (0..20)
//!     .map(|i| TrackPoint { ts: 1_780_000_000 + 60 * i, lon: 121.4737, lat: 31.2304 })
//!     .collect();
//! let mut stays = Vec::new();
//! detect_stays(&pings, &StayParams::from(&study), &mut stays);
//! assert_eq!(stays[0].duration_s(), 19 * 60);
//! ```

mod distance;
mod home_work;
mod poi_index;
mod roles;
mod stays;

pub use home_work::{
    HomeWork, HomeWorkParams, HomeWorkScratch, detect_home_work, detect_home_work_with,
};
pub use poi_index::PoiIndex;
pub use roles::{FenceRoles, Role};
pub use stays::{GapRule, Stay, StayParams, TrackPoint, detect_stays};
