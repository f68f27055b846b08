//! Home and work (职住) cells of one device from its stays: the H3 cell with the most distinct
//! local nights, and the other cell with the most distinct local weekdays at office hours.

use h3o::{CellIndex, LatLng, Resolution};

use super::stays::Stay;
use crate::study::MobilityParams;
use crate::time::LocalClock;

/// Night window: 21:00 of a local date to 07:00 of the next, seconds of the local day.
const NIGHT_START_S: i64 = 21 * 3600;
const NIGHT_END_S: i64 = 7 * 3600;
/// Work window on a local Monday–Friday: 09:00 to 18:00.
const WORK_START_S: i64 = 9 * 3600;
const WORK_END_S: i64 = 18 * 3600;
const DAY_S: i64 = 86_400;
/// Stays outside 1900–2200 are ignored: the span where `LocalClock` has its offsets, and far from
/// any overflow in local-time arithmetic.
const MIN_TS: i64 = -2_208_988_800;
const MAX_TS: i64 = 7_258_118_400;

/// Thresholds of home and work detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeWorkParams {
    /// A home needs at least this many distinct nights (3).
    pub home_min_nights: u32,
    /// A workplace needs at least this many distinct weekdays (3).
    pub work_min_days: u32,
    /// H3 resolution of home and work cells (9).
    pub resolution: Resolution,
}

impl From<&MobilityParams> for HomeWorkParams {
    /// SPEC §4 thresholds at H3 resolution 9.
    fn from(p: &MobilityParams) -> Self {
        Self {
            home_min_nights: p.home_min_nights,
            work_min_days: p.work_min_days,
            resolution: Resolution::Nine,
        }
    }
}

/// A device's home and work cells; `None` when no cell has enough nights or days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HomeWork {
    /// Home cell.
    pub home: Option<CellIndex>,
    /// Work cell, never equal to `home`.
    pub work: Option<CellIndex>,
}

/// Reusable buffers for [`detect_home_work`], so that a loop over devices allocates only while the
/// buffers grow.
#[derive(Debug, Clone, Default)]
pub struct HomeWorkScratch {
    nights: Vec<Mark>,
    days: Vec<Mark>,
}

impl HomeWorkScratch {
    /// Empty buffers.
    pub fn new() -> Self {
        Self::default()
    }
}

/// One stay's presence in one window: its cell, the window's local date, seconds of overlap.
#[derive(Debug, Clone, Copy)]
struct Mark {
    cell: CellIndex,
    day: i64,
    secs: i64,
}

/// Finds a device's home and work cells from its stays.
///
/// - A stay's cell is the `resolution` cell of its centre.
/// - **Nights.** The night of local date *D* runs from *D* 21:00 to *D*+1 07:00 local time, so a
///   stay between 00:00 and 07:00 belongs to the previous date's night. A stay counts for every
///   night whose window its `[start, end]` overlaps by more than zero seconds (a zero-length stay
///   counts if its instant is in `[window start, window end)`); one stay over three nights counts
///   three, two stays in one night count one.
/// - **Home** is the cell with the most distinct nights, if at least `home_min_nights`.
/// - **Weekdays.** The work window of a local Monday–Friday date is 09:00–18:00, with the same
///   overlap rule. **Work** is the cell other than home with the most distinct weekdays, if at
///   least `work_min_days`; without a home, any cell may be work.
/// - Ties: more nights (days), then longer total overlap with the windows, then the smaller cell
///   index, so the answer does not depend on the order of `stays`.
///
/// Windows are local wall-clock times: each window edge is turned into an instant with the zone's
/// offset at that instant, so on a daylight-saving night the window is 9 or 11 hours long. (An edge
/// inside a DST gap or fold would get one of its candidate instants; no zone switches at 07:00,
/// 09:00, 18:00 or 21:00.) Stays with a centre that is not a valid coordinate (NaN, |lat| > 90°, |lon| > 180°), with `end < start`,
/// or outside the years 1900–2200 are ignored.
///
/// # Performance
/// Per stay: one H3 cell (~0.5 µs) and a few offset look-ups per local day it spans; then a sort
/// of the (cell, date) marks. No allocation once `scratch` has grown.
///
/// # Example
/// ```
/// use catchment::mobility::{detect_home_work, HomeWorkParams, HomeWorkScratch, Stay};
/// use catchment::time::LocalClock;
/// let clock = LocalClock::new(&jiff::tz::TimeZone::get("Asia/Shanghai")?);
/// // Three nights, 22:00–07:30 Shanghai time from Monday 2026-06-01 (14:00Z–23:30Z).
/// let stays: Vec<Stay> = (0..3)
///     .map(|d| Stay {
///         start: 1_780_322_400 + d * 86_400,
///         end: 1_780_356_600 + d * 86_400,
///         lon: 121.4737,
///         lat: 31.2304,
///         pings: 20,
///         first: 0,
///     })
///     .collect();
/// let params = HomeWorkParams {
///     home_min_nights: 3,
///     work_min_days: 3,
///     resolution: h3o::Resolution::Nine,
/// };
/// let hw = detect_home_work(&stays, &clock, &params, &mut HomeWorkScratch::new());
/// let home = h3o::LatLng::new(31.2304, 121.4737)?.to_cell(h3o::Resolution::Nine);
/// assert_eq!((hw.home, hw.work), (Some(home), None));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn detect_home_work(
    stays: &[Stay],
    clock: &LocalClock,
    params: &HomeWorkParams,
    scratch: &mut HomeWorkScratch,
) -> HomeWork {
    let res = params.resolution;
    detect_home_work_with(stays, clock, params, scratch, |s| {
        LatLng::new(s.lat, s.lon).ok().map(|ll| ll.to_cell(res))
    })
}

/// [`detect_home_work`] with the cells of stay centres given by `cell_of` (at
/// `params.resolution`), e.g. from a precomputed [`Locator`](crate::index::Locator) instead of
/// one h3o call per stay. `cell_of` is called only for stays with a valid centre and times; a
/// stay for which it returns `None` is skipped.
///
/// # Example
/// ```
/// use catchment::mobility::{HomeWorkParams, HomeWorkScratch, Stay, detect_home_work, detect_home_work_with};
/// use catchment::time::LocalClock;
/// let clock = LocalClock::utc();
/// // Five nights 22:00–06:00 UTC at one place.
/// let stays: Vec<Stay> = (0..5)
///     .map(|d| Stay { start: 1_780_351_200 + d * 86_400, end: 1_780_380_000 + d * 86_400, lon: 121.47, lat: 31.23, pings: 9, first: 0 })
///     .collect();
/// let params = HomeWorkParams { home_min_nights: 3, work_min_days: 3, resolution: h3o::Resolution::Nine };
/// let mut scratch = HomeWorkScratch::new();
/// let by_h3o = detect_home_work(&stays, &clock, &params, &mut scratch);
/// let given = detect_home_work_with(&stays, &clock, &params, &mut scratch, |s| {
///     h3o::LatLng::new(s.lat, s.lon).ok().map(|ll| ll.to_cell(h3o::Resolution::Nine))
/// });
/// assert_eq!(by_h3o, given);
/// assert!(given.home.is_some());
/// ```
pub fn detect_home_work_with(
    stays: &[Stay],
    clock: &LocalClock,
    params: &HomeWorkParams,
    scratch: &mut HomeWorkScratch,
    mut cell_of: impl FnMut(&Stay) -> Option<CellIndex>,
) -> HomeWork {
    scratch.nights.clear();
    scratch.days.clear();
    for s in stays {
        let valid_centre = s.lat.abs() <= 90.0 && s.lon.abs() <= 180.0;
        if !valid_centre || s.end < s.start || s.start < MIN_TS || s.end > MAX_TS {
            continue;
        }
        let Some(cell) = cell_of(s) else {
            continue;
        };
        // The night of the day before the start date can still hold the start (before 07:00).
        let first = i64::from(clock.local(s.start).day) - 1;
        let last = i64::from(clock.local(s.end).day);
        for day in first..=last {
            let ws = local_instant(clock, day, NIGHT_START_S);
            let we = local_instant(clock, day + 1, NIGHT_END_S);
            if let Some(secs) = overlap(s.start, s.end, ws, we) {
                scratch.nights.push(Mark { cell, day, secs });
            }
            // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 for Monday.
            if (day + 3).rem_euclid(7) < 5 {
                let ws = local_instant(clock, day, WORK_START_S);
                let we = local_instant(clock, day, WORK_END_S);
                if let Some(secs) = overlap(s.start, s.end, ws, we) {
                    scratch.days.push(Mark { cell, day, secs });
                }
            }
        }
    }
    let home = best_cell(&mut scratch.nights, params.home_min_nights, None);
    let work = best_cell(&mut scratch.days, params.work_min_days, home);
    HomeWork { home, work }
}

/// The instant of local wall-clock time `second_of_day` on local date `day` (days since
/// 1970-01-01).
///
/// Two fixed-point steps: the offset at "local time read as UTC" is a guess; the offset at the
/// guessed instant is the right one unless the time lies within a DST gap or fold.
#[inline]
fn local_instant(clock: &LocalClock, day: i64, second_of_day: i64) -> i64 {
    let local = day * DAY_S + second_of_day;
    let guess = local - i64::from(clock.offset(local));
    local - i64::from(clock.offset(guess))
}

/// Seconds of overlap of a stay `[s, e]` with a window `[ws, we)`, if they overlap.
#[inline]
fn overlap(s: i64, e: i64, ws: i64, we: i64) -> Option<i64> {
    if s == e {
        return (ws <= s && s < we).then_some(0);
    }
    let secs = e.min(we) - s.max(ws);
    (secs > 0).then_some(secs)
}

/// The cell with the most distinct days (then most seconds, then smallest index) among `marks`,
/// other than `exclude`, if it has at least `min_days`.
fn best_cell(marks: &mut [Mark], min_days: u32, exclude: Option<CellIndex>) -> Option<CellIndex> {
    marks.sort_unstable_by_key(|m| (m.cell, m.day));
    let mut best: Option<(u32, i64, CellIndex)> = None;
    for group in marks.chunk_by(|a, b| a.cell == b.cell) {
        let cell = group[0].cell;
        if Some(cell) == exclude {
            continue;
        }
        let days = group.chunk_by(|a, b| a.day == b.day).count();
        let days = u32::try_from(days).unwrap_or(u32::MAX);
        let secs = group
            .iter()
            .fold(0_i64, |acc, m| acc.saturating_add(m.secs));
        // Groups come in ascending cell order, so a strict improvement keeps the smaller cell.
        if days >= min_days && best.is_none_or(|(d, s, _)| (days, secs) > (d, s)) {
            best = Some((days, secs, cell));
        }
    }
    best.map(|(_, _, cell)| cell)
}

#[cfg(test)]
#[path = "home_work_tests.rs"]
mod tests;
