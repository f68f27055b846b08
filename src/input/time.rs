//! Time parsing for every input: epoch seconds, epoch milliseconds, RFC 3339, local date-times.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// Integers at or above this are epoch milliseconds (10¹¹ s is the year 5138; 10¹¹ ms is 1973).
pub const EPOCH_MS_THRESHOLD: i64 = 100_000_000_000;

/// Parses input times to epoch seconds (UTC), following SPEC §2:
///
/// - an integer `≥ 10¹¹` is epoch milliseconds, otherwise epoch seconds; a decimal number is epoch
///   seconds with a fraction; sub-second parts are floored;
/// - RFC 3339 / ISO 8601 with an offset (`2026-06-01T08:30:00+02:00`, `…Z`) keeps its offset;
/// - a date-time without offset (`2026-06-01T08:30:00` or `2026-06-01 08:30:00`) is local to the
///   study's time zone; in a DST gap or fold the earlier valid instant is taken (RFC 5545
///   "compatible" rule);
/// - a bare date (`2026-06-01`) is local midnight.
///
/// # Example
/// ```
/// use catchment::input::TimeParser;
/// let p = TimeParser::new(jiff::tz::TimeZone::get("Asia/Shanghai")?);
/// assert_eq!(p.parse("1780000000"), Some(1_780_000_000));
/// assert_eq!(p.parse("1780000000123"), Some(1_780_000_000));
/// assert_eq!(p.parse("2026-06-01T00:00:00Z"), Some(1_780_272_000));
/// assert_eq!(p.parse("2026-06-01 08:00:00"), Some(1_780_272_000)); // UTC+8
/// assert_eq!(p.parse("yesterday"), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct TimeParser {
    tz: TimeZone,
}

impl TimeParser {
    /// A parser for times local to `tz` when they carry no offset.
    pub fn new(tz: TimeZone) -> Self {
        Self { tz }
    }

    /// The time zone of offset-less times.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// Epoch seconds of an integer time (seconds or milliseconds by magnitude).
    #[inline]
    pub fn from_epoch_int(v: i64) -> i64 {
        if v >= EPOCH_MS_THRESHOLD {
            v.div_euclid(1000)
        } else {
            v
        }
    }

    /// Epoch seconds of a text time, or `None` when it is not a time.
    pub fn parse(&self, s: &str) -> Option<i64> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if let Ok(v) = s.parse::<i64>() {
            return Some(Self::from_epoch_int(v));
        }
        let first = s.as_bytes()[0];
        if first.is_ascii_digit() && !s.contains(['-', ':'])
            || first == b'-' && !s[1..].contains('-')
        {
            // A decimal number: epoch seconds with a fraction (or milliseconds by magnitude).
            let v = s.parse::<f64>().ok().filter(|v| v.is_finite())?;
            if v.abs() >= 9.0e18 {
                return None;
            }
            let secs = if v >= EPOCH_MS_THRESHOLD as f64 {
                v / 1000.0
            } else {
                v
            };
            return Some(secs.floor() as i64);
        }
        if let Ok(ts) = s.parse::<Timestamp>() {
            return Some(ts.as_second());
        }
        let normalized;
        let text = if s.len() > 10 && s.as_bytes()[10] == b' ' {
            normalized = format!("{}T{}", &s[..10], &s[11..]);
            normalized.as_str()
        } else {
            s
        };
        if let Ok(ts) = text.parse::<Timestamp>() {
            return Some(ts.as_second());
        }
        if let Ok(dt) = text.parse::<DateTime>() {
            return self.local_to_epoch(dt);
        }
        if let Ok(d) = text.parse::<Date>() {
            return self.local_to_epoch(d.to_datetime(jiff::civil::Time::midnight()));
        }
        None
    }

    fn local_to_epoch(&self, dt: DateTime) -> Option<i64> {
        self.tz
            .to_ambiguous_timestamp(dt)
            .compatible()
            .ok()
            .map(|t| t.as_second())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeParser {
        TimeParser::new(TimeZone::get("Asia/Shanghai").unwrap())
    }

    #[test]
    fn epoch_seconds_and_millis() {
        let p = shanghai();
        assert_eq!(p.parse("0"), Some(0));
        assert_eq!(p.parse("99999999999"), Some(99_999_999_999));
        assert_eq!(p.parse("100000000000"), Some(100_000_000));
        assert_eq!(p.parse("1780000000999"), Some(1_780_000_000));
        assert_eq!(p.parse("1780000000.75"), Some(1_780_000_000));
        assert_eq!(p.parse(" 1780000000 "), Some(1_780_000_000));
    }

    #[test]
    fn rfc3339_keeps_offset() {
        let p = shanghai();
        assert_eq!(p.parse("2026-06-01T02:00:00+02:00"), Some(1_780_272_000));
        assert_eq!(p.parse("2026-06-01T00:00:00.999Z"), Some(1_780_272_000));
        assert_eq!(p.parse("2026-06-01 00:00:00Z"), Some(1_780_272_000));
    }

    #[test]
    fn local_times_use_the_study_zone() {
        let p = shanghai();
        assert_eq!(p.parse("2026-06-01T08:00:00"), Some(1_780_272_000));
        assert_eq!(p.parse("2026-06-01"), Some(1_780_272_000 - 8 * 3600));
        let paris = TimeParser::new(TimeZone::get("Europe/Paris").unwrap());
        // Summer time: UTC+2.
        assert_eq!(paris.parse("2026-06-01 02:00:00"), Some(1_780_272_000));
        // 2026-03-29 02:30 does not exist in Paris (spring forward): compatible = 03:30 CEST.
        assert_eq!(
            paris.parse("2026-03-29T02:30:00"),
            paris.parse("2026-03-29T03:30:00")
        );
    }

    #[test]
    fn garbage_is_not_a_time() {
        let p = shanghai();
        for s in [
            "",
            "abc",
            "2026-13-01",
            "NaN",
            "inf",
            "1e400",
            "2026-06-01T25:00:00",
        ] {
            assert_eq!(p.parse(s), None, "{s:?}");
        }
    }
}
