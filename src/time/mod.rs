//! Local civil time for bucketing pings: hour of day, local date and day type in the study's zone.

mod local_clock;

pub use local_clock::{DayType, LocalClock, LocalTime};
