//! A precomputed offset table that turns epoch seconds into local date, hour and day type in a few
//! nanoseconds, instead of a time-zone lookup per ping.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Whether a local date is a weekday (Monday–Friday) or falls on the weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DayType {
    /// Monday to Friday.
    Weekday,
    /// Saturday or Sunday.
    Weekend,
}

impl DayType {
    /// `"weekday"` or `"weekend"`, the name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            DayType::Weekday => "weekday",
            DayType::Weekend => "weekend",
        }
    }

    /// 0 for weekdays, 1 for weekends (an index into per-day-type arrays).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The local civil time of an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    /// Local date as days since 1970-01-01 (may be negative).
    pub day: i32,
    /// Local hour, 0–23.
    pub hour: u8,
    /// Seconds since local midnight, 0–86399.
    pub second_of_day: u32,
    /// Day of week, 0 = Monday … 6 = Sunday.
    pub weekday: u8,
}

impl LocalTime {
    /// Weekday or weekend, by the local date.
    pub fn day_type(&self) -> DayType {
        if self.weekday >= 5 {
            DayType::Weekend
        } else {
            DayType::Weekday
        }
    }
}

/// Converts epoch seconds to local time in one time zone, with the zone's UTC offsets precomputed
/// between 1900 and 2200 (outside that span the nearest offset is used).
///
/// # Performance
/// One binary search over the zone's transitions (a few hundred at most) per call; zones without
/// daylight saving answer from a single entry.
///
/// # Example
/// ```
/// use catchment::time::{DayType, LocalClock};
/// let clock = LocalClock::new(&jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
/// // 2026-06-05T16:30:00Z is Saturday 00:30 in Shanghai (UTC+8).
/// let t = clock.local(1_780_677_000);
/// assert_eq!((t.hour, t.day_type()), (0, DayType::Weekend));
/// ```
#[derive(Debug, Clone)]
pub struct LocalClock {
    /// Instants (epoch seconds) from which `offsets[i]` applies; `starts[0]` is `i64::MIN`.
    starts: Vec<i64>,
    /// UTC offsets in seconds.
    offsets: Vec<i32>,
}

impl LocalClock {
    /// Precomputes the offsets of `tz`.
    pub fn new(tz: &TimeZone) -> Self {
        let lo = Timestamp::from_second(-2_208_988_800).expect("1900 is a valid instant");
        let hi = Timestamp::from_second(7_258_118_400).expect("2200 is a valid instant");
        let mut starts = vec![i64::MIN];
        let mut offsets = vec![tz.to_offset(lo).seconds()];
        for tr in tz.following(lo) {
            let at = tr.timestamp();
            if at > hi {
                break;
            }
            let off = tr.offset().seconds();
            if off != *offsets.last().expect("never empty") {
                starts.push(at.as_second());
                offsets.push(off);
            }
        }
        Self { starts, offsets }
    }

    /// A clock for UTC.
    pub fn utc() -> Self {
        Self::new(&TimeZone::UTC)
    }

    /// UTC offset in seconds at `epoch_s`.
    #[inline]
    pub fn offset(&self, epoch_s: i64) -> i32 {
        if self.offsets.len() == 1 {
            return self.offsets[0];
        }
        let i = self.starts.partition_point(|&s| s <= epoch_s);
        self.offsets[i - 1]
    }

    /// Local date, hour and day of week of `epoch_s` (seconds since 1970-01-01T00:00:00Z).
    #[inline]
    pub fn local(&self, epoch_s: i64) -> LocalTime {
        let local = epoch_s.saturating_add(i64::from(self.offset(epoch_s)));
        let day = local.div_euclid(86_400);
        let sod = local.rem_euclid(86_400) as u32;
        LocalTime {
            day: day as i32,
            hour: (sod / 3600) as u8,
            second_of_day: sod,
            // 1970-01-01 was a Thursday (index 3).
            weekday: (day + 3).rem_euclid(7) as u8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Weekday;

    fn reference(tz: &TimeZone, s: i64) -> LocalTime {
        let dt = Timestamp::from_second(s)
            .unwrap()
            .to_zoned(tz.clone())
            .datetime();
        let day = dt
            .date()
            .since(jiff::civil::date(1970, 1, 1))
            .unwrap()
            .get_days();
        LocalTime {
            day,
            hour: dt.hour() as u8,
            second_of_day: (dt.hour() as u32) * 3600
                + (dt.minute() as u32) * 60
                + dt.second() as u32,
            weekday: dt.weekday().to_monday_zero_offset() as u8,
        }
    }

    #[test]
    fn matches_jiff_across_dst_and_fixed_zones() {
        for name in [
            "Europe/Monaco",
            "Asia/Shanghai",
            "America/New_York",
            "Australia/Lord_Howe",
        ] {
            let tz = TimeZone::get(name).unwrap();
            let clock = LocalClock::new(&tz);
            // Every 7919 s over 2024–2027 crosses every DST switch at many offsets from it.
            let mut s = 1_704_067_200;
            while s < 1_798_761_600 {
                assert_eq!(clock.local(s), reference(&tz, s), "{name} at {s}");
                s += 7919;
            }
        }
    }

    #[test]
    fn dst_switch_hours_in_monaco() {
        let clock = LocalClock::new(&TimeZone::get("Europe/Monaco").unwrap());
        // 2026-03-29T00:59:59Z is 01:59:59 CET; one second later is 03:00:00 CEST.
        assert_eq!(clock.local(1_774_745_999).hour, 1);
        assert_eq!(clock.local(1_774_746_000).hour, 3);
        assert_eq!(
            clock.local(1_774_746_000).weekday,
            Weekday::Sunday.to_monday_zero_offset() as u8
        );
    }

    #[test]
    fn weekday_before_1970_and_utc() {
        let clock = LocalClock::utc();
        // 1969-12-31 was a Wednesday.
        let t = clock.local(-1);
        assert_eq!(
            (t.day, t.hour, t.weekday, t.second_of_day),
            (-1, 23, 2, 86_399)
        );
        assert_eq!(t.day_type(), DayType::Weekday);
    }
}
