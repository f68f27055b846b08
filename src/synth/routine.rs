//! Daily routines: a device-day becomes a timeline of stays and straight-line moves in local
//! seconds after midnight. See the [module docs](super) for the behaviour in words.

use super::category::{Activity, TABLE};
use super::city::dist;
use super::device::{Favourites, Profile, Role};
use super::generate::{DayCtx, Model};
use super::rng::{Stream, stream};
use jiff::civil::Weekday;
use rand::Rng;
use rand_distr::{Distribution, Normal, Poisson};
use rand_pcg::Pcg64Mcg;

pub(crate) const DAY: f64 = 86_400.0;
const HOUR: f64 = 3_600.0;
/// Outings end by 23:45.
const LAST_END: f64 = 23.75 * HOUR;
/// Share of outings that try a new place instead of a favourite.
const EXPLORE: f64 = 0.15;

/// One piece of a timeline: a stay when `a == b`, a move otherwise. Times are local seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Seg {
    pub t0: f64,
    pub t1: f64,
    pub a: [f64; 2],
    pub b: [f64; 2],
}

impl Seg {
    pub(crate) fn moving(&self) -> bool {
        self.a != self.b
    }

    pub(crate) fn pos(&self, t: f64) -> [f64; 2] {
        if !self.moving() || self.t1 <= self.t0 {
            return self.b;
        }
        let f = ((t - self.t0) / (self.t1 - self.t0)).clamp(0.0, 1.0);
        [
            self.a[0] + f * (self.b[0] - self.a[0]),
            self.a[1] + f * (self.b[1] - self.a[1]),
        ]
    }
}

/// A planned visit to a POI (the truth behind partner footfall).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Visit {
    pub poi: u32,
    pub t0: f64,
    pub t1: f64,
}

/// A device-day: when the device is in the city, where it is, which POIs it visits.
#[derive(Debug, Clone, Default)]
pub(crate) struct DayPlan {
    pub segs: Vec<Seg>,
    pub visits: Vec<Visit>,
    /// Local seconds the device is present (in the city) from and to; empty when absent.
    pub present: (f64, f64),
}

impl DayPlan {
    fn clear(&mut self) {
        self.segs.clear();
        self.visits.clear();
        self.present = (0.0, 0.0);
    }

    pub(crate) fn is_present(&self) -> bool {
        self.present.1 > self.present.0
    }
}

/// Door-to-door travel time for a straight-line distance: walking under 1.2 km, else a vehicle.
pub(crate) fn travel_time(d: f64) -> f64 {
    if d < 1_200.0 {
        d / 1.3
    } else {
        240.0 + d / 6.0
    }
}

struct Planner<'a, 'm> {
    m: &'a Model<'m>,
    prof: &'a Profile,
    favs: &'a Favourites,
    weekday: Weekday,
    rng: Pcg64Mcg,
    t: f64,
    pos: [f64; 2],
    out: &'a mut DayPlan,
}

impl Planner<'_, '_> {
    fn stay_until(&mut self, end: f64) {
        let end = end.min(DAY);
        if end > self.t {
            self.out.segs.push(Seg {
                t0: self.t,
                t1: end,
                a: self.pos,
                b: self.pos,
            });
            self.t = end;
        }
    }

    fn move_to(&mut self, dest: [f64; 2]) {
        let d = dist(self.pos, dest);
        if d >= 1.0 {
            let t1 = (self.t + travel_time(d)).min(DAY);
            self.out.segs.push(Seg {
                t0: self.t,
                t1,
                a: self.pos,
                b: dest,
            });
            self.t = t1;
        }
        self.pos = dest;
    }

    /// Waits where it is, then leaves to arrive at `dest` at `arrive` (or as soon as possible).
    fn go(&mut self, dest: [f64; 2], arrive: f64) {
        let depart = arrive - travel_time(dist(self.pos, dest));
        self.stay_until(depart);
        self.move_to(dest);
    }

    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.rng.random::<f64>()
    }

    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        Normal::new(mean, sd)
            .map(|n| n.sample(&mut self.rng))
            .unwrap_or(mean)
    }

    fn poisson(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        Poisson::new(mean)
            .map(|p| p.sample(&mut self.rng) as u32)
            .unwrap_or(0)
    }

    /// Goes out for activity `a` around `anchor`, arriving no earlier than `earliest` and back
    /// out by `latest_end`; picks a favourite (or a new place) open for the whole dwell.
    fn outing(&mut self, a: Activity, anchor: [f64; 2], earliest: f64, latest_end: f64) -> bool {
        let n_favs = self.favs.pois[a as usize].len();
        for attempt in 0..6 {
            let explore =
                n_favs == 0 || attempt >= 3 || (attempt == 0 && self.rng.random_bool(EXPLORE));
            let poi = if explore {
                match self.m.index.draw(anchor, a, &mut self.rng) {
                    Some(p) => p,
                    None => return false,
                }
            } else {
                self.favs.pois[a as usize][self.rng.random_range(0..n_favs)]
            };
            let site = &self.m.city.pois[poi as usize];
            let (lo, hi) = TABLE[site.cat].dwell;
            let dwell = self.uniform(f64::from(lo) * 60.0, f64::from(hi) * 60.0);
            let arrive = earliest.max(self.t + travel_time(dist(self.pos, site.xy)));
            let end = arrive + dwell;
            if end > latest_end.min(LAST_END) {
                continue;
            }
            let (from, to) = ((arrive / 60.0) as u32, (end / 60.0).ceil() as u32);
            if !site.hours.is_open_during(self.weekday, from, to) {
                continue;
            }
            let r = 10.0 * self.rng.random::<f64>().sqrt();
            let ang = self.uniform(0.0, std::f64::consts::TAU);
            let spot = [site.xy[0] + r * ang.cos(), site.xy[1] + r * ang.sin()];
            self.go(spot, arrive);
            let t0 = self.t;
            self.stay_until(end);
            self.out.visits.push(Visit {
                poi,
                t0,
                t1: self.t,
            });
            return true;
        }
        false
    }

    /// A working day at `work` from about `start` for `len` seconds.
    fn workday(&mut self, work: [f64; 2], start: f64, len: f64, evening_factor: f64) {
        let h = self.prof.habits;
        let end = start + len;
        self.go(work, start);
        if end - start > 6.0 * HOUR && self.rng.random_bool(h.p_lunch_out) {
            let lunch = self.uniform(12.0 * HOUR, 13.25 * HOUR);
            if self.outing(Activity::Lunch, work, lunch, lunch + 1.75 * HOUR) {
                self.go(work, self.t);
            }
        }
        self.stay_until(end);
        let anchor = if self.prof.role == Role::Resident && self.rng.random_bool(0.5) {
            self.prof.home
        } else {
            work
        };
        if self.rng.random_bool(h.p_errand) {
            self.outing(Activity::Errand, anchor, self.t, 21.5 * HOUR);
        }
        let friday = if self.weekday == Weekday::Friday {
            2.0
        } else {
            1.0
        };
        if self
            .rng
            .random_bool((h.p_evening * friday * evening_factor).min(1.0))
        {
            let at = self.t.max(self.uniform(19.0 * HOUR, 20.5 * HOUR));
            self.outing(Activity::Evening, anchor, at, LAST_END);
        }
    }

    /// A day of outings from `base`: errands, leisure, a meal; optionally an evening out.
    fn outings(&mut self, base: [f64; 2], n: u32, first: f64, weekend: bool, p_evening: f64) {
        let mut earliest = first;
        for _ in 0..n {
            let lunch_time = (11.5 * HOUR..13.5 * HOUR).contains(&earliest.max(self.t));
            let a = if lunch_time && self.rng.random_bool(0.5) {
                Activity::Lunch
            } else {
                let p_leisure = if weekend { 0.6 } else { 0.4 };
                let sunday = self.weekday == Weekday::Sunday;
                if self.rng.random_bool(if sunday { 0.85 } else { p_leisure }) {
                    Activity::Leisure
                } else {
                    Activity::Errand
                }
            };
            if self.outing(a, base, earliest, 21.5 * HOUR) {
                if self.rng.random_bool(0.5) {
                    self.go(base, self.t);
                }
                earliest = self.t + self.uniform(0.25 * HOUR, 2.0 * HOUR);
            } else {
                earliest += HOUR;
            }
        }
        if self.rng.random_bool(p_evening.min(1.0)) {
            let at = self.t.max(self.uniform(19.0 * HOUR, 20.5 * HOUR));
            self.outing(Activity::Evening, base, at, LAST_END);
        }
    }

    fn resident(&mut self) {
        let h = self.prof.habits;
        self.out.present = (0.0, DAY);
        self.t = 0.0;
        self.pos = self.prof.home;
        let weekend = matches!(self.weekday, Weekday::Saturday | Weekday::Sunday);
        match self.prof.work {
            Some(work) if !weekend => {
                let start = self.normal(h.work_start, 900.0);
                let len = self.normal(h.work_len, 1200.0).max(2.0 * HOUR);
                self.workday(work, start, len, 1.0);
            }
            Some(work) if self.weekday == Weekday::Saturday && self.rng.random_bool(0.10) => {
                let start = self.uniform(9.0 * HOUR, 10.5 * HOUR);
                let len = self.uniform(6.0 * HOUR, 8.0 * HOUR);
                self.workday(work, start, len, 1.0);
            }
            _ if weekend => {
                let n = self.poisson(h.weekend_outings).min(5);
                let first = self.uniform(10.0 * HOUR, 12.0 * HOUR);
                let pe = if self.weekday == Weekday::Saturday {
                    0.35
                } else {
                    0.15
                };
                self.outings(self.prof.home, n, first, true, pe);
            }
            _ => {
                let n = self.poisson(1.4).min(4);
                let first = self.uniform(9.0 * HOUR, 11.5 * HOUR);
                self.outings(self.prof.home, n, first, false, h.p_evening * 0.7);
            }
        }
        self.go(self.prof.home, self.t);
        self.stay_until(DAY);
    }

    fn commuter(&mut self) {
        let h = self.prof.habits;
        let weekend = matches!(self.weekday, Weekday::Saturday | Weekday::Sunday);
        let work = self.prof.work.unwrap_or(self.prof.home);
        self.pos = self.prof.entry;
        if !weekend {
            if !self.rng.random_bool(0.88) {
                return;
            }
            let start = self.normal(h.work_start, 900.0);
            let len = self.normal(h.work_len, 1200.0).max(2.0 * HOUR);
            self.t =
                (start - travel_time(dist(self.pos, work)) - self.uniform(0.0, 300.0)).max(0.0);
            self.out.present.0 = self.t;
            self.workday(work, start, len, 0.3);
        } else {
            if !self.rng.random_bool(0.08) {
                return;
            }
            self.t = self.uniform(11.0 * HOUR, 14.0 * HOUR);
            self.out.present.0 = self.t;
            let n = 1 + self.poisson(0.8).min(3);
            let first = self.t;
            self.outings(work, n, first, true, 0.1);
        }
        self.move_to(self.prof.entry);
        self.out.present.1 = self.t;
    }

    fn tourist(&mut self, day: i64) {
        let h = self.prof.habits;
        let d = day - h.stay_first;
        if d < 0 || d >= h.stay_len {
            return;
        }
        let last = d == h.stay_len - 1;
        let lodged = self.prof.lodged;
        let base = self.prof.home;
        if d == 0 || !lodged {
            self.t = self.uniform(9.5 * HOUR, 12.0 * HOUR);
            self.pos = self.prof.entry;
            self.out.present.0 = self.t;
            if lodged {
                // Drop the luggage first.
                self.go(base, self.t);
                let until = self.t + self.uniform(900.0, 2400.0);
                self.stay_until(until);
            }
        } else {
            self.t = 0.0;
            self.pos = base;
            self.out.present.0 = 0.0;
            let wake = self.uniform(8.5 * HOUR, 10.0 * HOUR);
            self.stay_until(wake);
        }
        let n = 2 + self.poisson(1.2).min(4);
        for _ in 0..n {
            let lunch_time = (11.75 * HOUR..13.75 * HOUR).contains(&self.t);
            let a = if lunch_time && self.rng.random_bool(0.7) {
                Activity::Lunch
            } else {
                Activity::Leisure
            };
            let at = self.t + self.uniform(0.0, 1800.0);
            self.outing(a, base, at, 21.0 * HOUR);
        }
        if !last && lodged {
            if self.rng.random_bool(0.5) {
                let at = self.t.max(self.uniform(19.5 * HOUR, 20.5 * HOUR));
                self.outing(Activity::Evening, base, at, LAST_END);
            }
            self.go(base, self.t);
            self.stay_until(DAY);
            self.out.present.1 = DAY;
        } else {
            self.move_to(self.prof.entry);
            self.out.present.1 = self.t;
        }
    }
}

/// Plans one device-day into `out` (buffers are reused).
pub(crate) fn plan_day(
    m: &Model<'_>,
    prof: &Profile,
    favs: &Favourites,
    day: &DayCtx,
    out: &mut DayPlan,
) {
    out.clear();
    let rng = stream(
        m.params.seed,
        prof.index,
        u64::from(day.index),
        Stream::Plan,
    );
    let mut p = Planner {
        m,
        prof,
        favs,
        weekday: day.weekday,
        rng,
        t: 0.0,
        pos: prof.home,
        out,
    };
    match prof.role {
        Role::Resident => p.resident(),
        Role::Commuter => p.commuter(),
        Role::Tourist => p.tourist(i64::from(day.index)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seg_interpolates() {
        let s = Seg {
            t0: 0.0,
            t1: 10.0,
            a: [0.0, 0.0],
            b: [10.0, 20.0],
        };
        assert_eq!(s.pos(5.0), [5.0, 10.0]);
        assert_eq!(s.pos(50.0), [10.0, 20.0]);
        assert!(s.moving());
    }

    #[test]
    fn travel_modes() {
        assert!((travel_time(1300.0 * 0.5) - 500.0).abs() < 1e-9);
        assert!(travel_time(6000.0) < 6000.0 / 1.3);
    }
}
