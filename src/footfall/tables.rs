//! Finishing the counters into published tables, with the privacy threshold (SPEC §6).

use super::counts::{ALL_DAYS, FootfallCounts};
use super::staffing::{OpeningHours, StaffingParams, opening_hours, suggested_staff};
use crate::fence::{Fence, FenceKind};
use h3o::CellIndex;

/// Names of the day slots of hourly counters, by index.
const DAY_NAMES: [&str; 3] = ["weekday", "weekend", "all"];

/// Counts of suppressed values, for the run summary and the catalogue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Suppressions {
    /// Values below the threshold.
    pub primary: u64,
    /// Values hidden so that a suppressed one cannot be recovered as a difference of totals.
    pub complementary: u64,
}

impl Suppressions {
    /// All suppressed values.
    pub fn total(&self) -> u64 {
        self.primary + self.complementary
    }
}

/// One row of the `heat_grid` layer (`None` = suppressed).
#[derive(Debug, Clone, PartialEq)]
pub struct HeatCell {
    /// The H3 cell.
    pub cell: CellIndex,
    /// Distinct devices.
    pub devices: Option<u32>,
    /// Pings.
    pub pings: Option<u64>,
    /// Stays centred in the cell.
    pub stays: Option<u64>,
    /// Median stay duration, whole minutes (the lower median).
    pub dwell_min_median: Option<u64>,
    /// Local hour with the most distinct devices (earliest on ties).
    pub peak_hour: Option<u8>,
    /// Distinct devices per local hour, any day.
    pub hours: [Option<u32>; 24],
    /// Whether any value of the row is suppressed.
    pub suppressed: bool,
}

/// The footfall fields of one fence (`None` = suppressed).
#[derive(Debug, Clone, PartialEq)]
pub struct FenceFootfall {
    /// Index of the fence in the run's fence list.
    pub fence: usize,
    /// Distinct devices with a ping inside.
    pub devices: Option<u32>,
    /// Pings inside.
    pub pings: Option<u64>,
    /// Distinct customer devices with a ping inside.
    pub customers: Option<u32>,
    /// Devices whose home cell centre is inside.
    pub residents: Option<u32>,
    /// Devices whose work cell centre is inside.
    pub workers: Option<u32>,
    /// Devices with a visit that are neither residents nor workers.
    pub visitors: Option<u32>,
    /// Visits (stays centred inside).
    pub visits: Option<u64>,
    /// Whether any value is suppressed.
    pub suppressed: bool,
}

/// Visits to one POI (`None` = suppressed): the footfall that partner scores build on.
#[derive(Debug, Clone, PartialEq)]
pub struct PoiFootfall {
    /// Index of the POI in the run's POI list.
    pub poi: usize,
    /// Stays within the POI radius.
    pub visits: Option<u64>,
    /// Distinct visiting devices.
    pub visitors: Option<u32>,
    /// Distinct visiting customer devices.
    pub customer_visitors: Option<u32>,
    /// Whether a value is suppressed.
    pub suppressed: bool,
}

/// One row of the `hourly` table.
#[derive(Debug, Clone, PartialEq)]
pub struct HourlyRow {
    /// Index of the fence in the run's fence list.
    pub fence: usize,
    /// `weekday`, `weekend` or `all`.
    pub day_type: &'static str,
    /// Local hour.
    pub hour: u8,
    /// `all`, `non_customer` or `tier_<name>`.
    pub segment: String,
    /// Distinct devices with a ping in the fence in that hour on any day of that type.
    pub devices: Option<u32>,
    /// Visits starting in that hour, summed over the days of that type.
    pub visits: Option<u64>,
    /// Local dates of that type in the period.
    pub days: u32,
    /// Staff for an average day (segment `all` only).
    pub suggested_staff: Option<u32>,
    /// Whether a value is suppressed.
    pub suppressed: bool,
}

/// The published results of a footfall run.
#[derive(Debug, Clone, PartialEq)]
pub struct FootfallTables {
    /// `heat_grid` rows, by ascending cell index, cells with at least one device.
    pub heat: Vec<HeatCell>,
    /// Footfall fields per fence, in fence order.
    pub fences: Vec<FenceFootfall>,
    /// `hourly` rows for every fence except grid cells.
    pub hourly: Vec<HourlyRow>,
    /// Suggested opening hours per branch (primary fence) and day type.
    pub opening: Vec<OpeningHours>,
    /// Visits per POI, in POI order.
    pub pois: Vec<PoiFootfall>,
    /// Local dates per day type (weekday, weekend, all) in the period.
    pub days: [u32; 3],
    /// What was suppressed.
    pub suppressions: Suppressions,
}

struct Gate {
    k: u64,
    s: Suppressions,
}

impl Gate {
    /// `v` if it is zero or at least the threshold; else `None`, counted.
    fn count<T: Copy + Into<u64>>(&mut self, v: T) -> Option<T> {
        let x: u64 = v.into();
        if x == 0 || x >= self.k {
            Some(v)
        } else {
            self.s.primary += 1;
            None
        }
    }

    /// `v` when the devices it is built on pass the threshold.
    fn on<T>(&mut self, devices: Option<u32>, v: T) -> Option<T> {
        match devices {
            Some(_) => Some(v),
            None => {
                self.s.primary += 1;
                None
            }
        }
    }
}

/// Local dates of each day type between two local dates (inclusive), in closed form.
fn days_per_type(days: Option<(i32, i32)>) -> [u32; 3] {
    let Some((lo, hi)) = days else {
        return [0; 3];
    };
    let total = i64::from(hi) - i64::from(lo) + 1;
    if total <= 0 {
        return [0; 3];
    }
    // 1970-01-01 was a Thursday: the weekday index of day d is (d + 3) mod 7, Monday = 0.
    let first = (i64::from(lo) + 3).rem_euclid(7);
    let (weeks, rest) = (total / 7, total % 7);
    let weekend_in_rest = (0..rest).filter(|k| (first + k) % 7 >= 5).count() as i64;
    let weekend = weeks * 2 + weekend_in_rest;
    let clamp = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    [clamp(total - weekend), clamp(weekend), clamp(total)]
}

/// Finishes the counters of a run into published tables.
///
/// Every count of devices below `min_devices` (other than 0) is suppressed, and so is every value
/// built on such a count (pings, stays, dwell, visits, staff). Within each hourly group the
/// segments add up to `all`: when exactly one segment is suppressed, the smallest other non-zero
/// segment is suppressed too (complementary suppression), and `customers` is suppressed when
/// `devices − customers` (the non-customers) would fall below the threshold.
pub fn finish(
    counts: &FootfallCounts,
    cells: &[CellIndex],
    fences: &[Fence],
    segment_names: &[String],
    min_devices: u32,
    staffing: &StaffingParams,
) -> FootfallTables {
    let mut g = Gate {
        k: u64::from(min_devices.max(1)),
        s: Suppressions::default(),
    };
    let days = days_per_type(counts.days);
    let heat = heat_rows(counts, cells, &mut g);
    let fence_rows = fence_rows(counts, fences.len(), &mut g);
    let hourly = hourly_rows(counts, fences, segment_names, &days, staffing, &mut g);
    let opening = opening_rows(fences, &hourly, &days, staffing);
    let pois = poi_rows(counts, &mut g);
    FootfallTables {
        heat,
        fences: fence_rows,
        hourly,
        opening,
        pois,
        days,
        suppressions: g.s,
    }
}

fn heat_rows(c: &FootfallCounts, cells: &[CellIndex], g: &mut Gate) -> Vec<HeatCell> {
    // Dwell histograms, grouped by cell.
    let mut dwell: Vec<(u64, u64)> = c.cell_dwell.iter().map(|(&k, &v)| (k, v)).collect();
    dwell.sort_unstable();
    let mut rows = Vec::new();
    let mut d = 0;
    for (slot, &cell) in cells.iter().enumerate() {
        let start = d;
        while d < dwell.len() && (dwell[d].0 >> 32) as usize == slot {
            d += 1;
        }
        if c.cell_devices[slot] == 0 {
            continue;
        }
        let before = g.s.total();
        let devices = g.count(c.cell_devices[slot]);
        let pings = g.on(devices, c.cell_pings[slot]);
        let stay_devices = g.count(c.cell_stay_devices[slot]);
        let stays = g.on(stay_devices, c.cell_stays[slot]);
        let median = lower_median(&dwell[start..d]);
        let dwell_min_median = match median {
            Some(m) => g.on(stay_devices, m),
            None => None,
        };
        let mut hours = [None; 24];
        for (h, slot_h) in hours.iter_mut().enumerate() {
            *slot_h = g.count(c.cell_hour[FootfallCounts::cell_hour_index(slot, ALL_DAYS, h)]);
        }
        let peak_hour = peak(&hours);
        rows.push(HeatCell {
            cell,
            devices,
            pings,
            stays,
            dwell_min_median,
            peak_hour,
            hours,
            suppressed: g.s.total() > before,
        });
    }
    rows
}

/// The lower median of a histogram of `(cell << 32 | minutes, stays)`, in minutes.
fn lower_median(hist: &[(u64, u64)]) -> Option<u64> {
    let n: u64 = hist.iter().map(|&(_, v)| v).sum();
    if n == 0 {
        return None;
    }
    let rank = n.div_ceil(2);
    let mut seen = 0;
    for &(k, v) in hist {
        seen += v;
        if seen >= rank {
            return Some(k & 0xFFFF_FFFF);
        }
    }
    None
}

fn peak(hours: &[Option<u32>; 24]) -> Option<u8> {
    let mut best: Option<(u8, u32)> = None;
    for (h, v) in hours.iter().enumerate() {
        if let Some(v) = *v
            && v > 0
            && best.is_none_or(|(_, b)| v > b)
        {
            best = Some((h as u8, v));
        }
    }
    best.map(|(h, _)| h)
}

fn fence_rows(c: &FootfallCounts, n: usize, g: &mut Gate) -> Vec<FenceFootfall> {
    let segs = c.dims.segments;
    (0..n)
        .map(|f| {
            let before = g.s.total();
            let sum = |v: &[u32]| v[f * segs..(f + 1) * segs].iter().sum::<u32>();
            let all = sum(&c.fence_devices);
            let cust = all - c.fence_devices[f * segs];
            let devices = g.count(all);
            let pings = g.on(devices, c.fence_pings[f]);
            let mut customers = g.count(cust);
            let non_customers = all - cust;
            if customers.is_some() && non_customers > 0 && u64::from(non_customers) < g.k {
                customers = None;
                g.s.complementary += 1;
            }
            let residents = g.count(sum(&c.fence_residents));
            let workers = g.count(sum(&c.fence_workers));
            let visitors = g.count(sum(&c.fence_visitors));
            let visit_devices = g.count(sum(&c.fence_visit_devices));
            let visits: u64 = (0..segs)
                .flat_map(|s| (0..2).flat_map(move |dt| (0..24).map(move |h| (s, dt, h))))
                .map(|(s, dt, h)| c.fence_visits[c.fence_hour_index(f, s, dt, h)])
                .sum();
            let visits = g.on(visit_devices, visits);
            FenceFootfall {
                fence: f,
                devices,
                pings,
                customers,
                residents,
                workers,
                visitors,
                visits,
                suppressed: g.s.total() > before,
            }
        })
        .collect()
}

fn hourly_rows(
    c: &FootfallCounts,
    fences: &[Fence],
    segment_names: &[String],
    days: &[u32; 3],
    staffing: &StaffingParams,
    g: &mut Gate,
) -> Vec<HourlyRow> {
    let segs = c.dims.segments;
    let mut rows = Vec::new();
    for (f, fence) in fences.iter().enumerate() {
        if fence.kind == FenceKind::Grid {
            continue;
        }
        for (slot, day_type) in DAY_NAMES.iter().enumerate() {
            for hour in 0..24 {
                let dev: Vec<u32> = (0..segs)
                    .map(|s| c.fence_hour[c.fence_hour_index(f, s, slot, hour)])
                    .collect();
                let vis: Vec<u64> = (0..segs).map(|s| visits_at(c, f, s, slot, hour)).collect();
                let vdev: Vec<u32> = (0..segs)
                    .map(|s| c.fence_visit_hour_devices[c.fence_hour_index(f, s, slot, hour)])
                    .collect();
                let before = g.s.total();
                let total_dev = g.count(dev.iter().sum::<u32>());
                // Visiting devices of `all` on weekday+weekend are not a sum of distinct sets,
                // but each segment's are; the `all` visiting devices are their sum.
                let total_vdev = g.count(vdev.iter().sum::<u32>());
                let total_vis = g.on(total_vdev, vis.iter().sum::<u64>());
                let mut seg_dev: Vec<Option<u32>> = dev.iter().map(|&v| g.count(v)).collect();
                complementary(&mut seg_dev, &dev, total_dev.is_some(), g);
                let mut seg_vdev: Vec<Option<u32>> = vdev.iter().map(|&v| g.count(v)).collect();
                complementary(&mut seg_vdev, &vdev, total_vdev.is_some(), g);
                let seg_vis: Vec<Option<u64>> = seg_vdev
                    .iter()
                    .zip(&vis)
                    .map(|(d, &v)| d.map(|_| v))
                    .collect();
                let n_days = days[slot];
                let staff = total_vis
                    .map(|v| suggested_staff(v as f64 / f64::from(n_days.max(1)), staffing));
                let any = g.s.total() > before;
                rows.push(HourlyRow {
                    fence: f,
                    day_type,
                    hour: hour as u8,
                    segment: "all".into(),
                    devices: total_dev,
                    visits: total_vis,
                    days: n_days,
                    suggested_staff: staff,
                    suppressed: total_dev.is_none() || total_vis.is_none(),
                });
                for s in 0..segs {
                    rows.push(HourlyRow {
                        fence: f,
                        day_type,
                        hour: hour as u8,
                        segment: segment_names[s].clone(),
                        devices: seg_dev[s],
                        visits: seg_vis[s],
                        days: n_days,
                        suggested_staff: None,
                        suppressed: any && (seg_dev[s].is_none() || seg_vis[s].is_none()),
                    });
                }
            }
        }
    }
    rows
}

fn poi_rows(c: &FootfallCounts, g: &mut Gate) -> Vec<PoiFootfall> {
    let segs = c.dims.segments;
    (0..c.dims.pois)
        .map(|p| {
            let before = g.s.total();
            let by_seg = &c.poi_visitors[p * segs..(p + 1) * segs];
            let all: u32 = by_seg.iter().sum();
            let visitors = g.count(all);
            let visits = g.on(visitors, c.poi_visits[p]);
            let mut customer_visitors = g.count(all - by_seg[0]);
            if customer_visitors.is_some() && by_seg[0] > 0 && u64::from(by_seg[0]) < g.k {
                customer_visitors = None;
                g.s.complementary += 1;
            }
            PoiFootfall {
                poi: p,
                visits,
                visitors,
                customer_visitors,
                suppressed: g.s.total() > before,
            }
        })
        .collect()
}

fn visits_at(c: &FootfallCounts, f: usize, s: usize, slot: usize, hour: usize) -> u64 {
    if slot == ALL_DAYS {
        c.fence_visits[c.fence_hour_index(f, s, 0, hour)]
            + c.fence_visits[c.fence_hour_index(f, s, 1, hour)]
    } else {
        c.fence_visits[c.fence_hour_index(f, s, slot, hour)]
    }
}

/// When the total is published and exactly one part is suppressed, also suppress the smallest
/// other non-zero published part, so the hidden one is not `total − Σ others`.
fn complementary(parts: &mut [Option<u32>], raw: &[u32], total_published: bool, g: &mut Gate) {
    if !total_published || parts.iter().filter(|p| p.is_none()).count() != 1 {
        return;
    }
    let pick = (0..parts.len())
        .filter(|&i| parts[i].is_some() && raw[i] > 0)
        .min_by_key(|&i| (raw[i], i));
    if let Some(i) = pick {
        parts[i] = None;
        g.s.complementary += 1;
    }
}

fn opening_rows(
    fences: &[Fence],
    hourly: &[HourlyRow],
    days: &[u32; 3],
    staffing: &StaffingParams,
) -> Vec<OpeningHours> {
    // Visits per day of the `all` segment, by (fence, weekday/weekend, hour).
    let mut per_day = vec![[None; 24]; fences.len() * 2];
    for r in hourly.iter().filter(|r| r.segment == "all") {
        if let Some(slot) = DAY_NAMES[..2].iter().position(|d| *d == r.day_type) {
            per_day[r.fence * 2 + slot][r.hour as usize] =
                r.visits.map(|v| v as f64 / f64::from(days[slot].max(1)));
        }
    }
    let mut out = Vec::new();
    for (f, fence) in fences.iter().enumerate().filter(|(_, f)| f.primary) {
        for (slot, day_type) in DAY_NAMES.iter().enumerate().take(2) {
            let (open, close, peak_hour) = opening_hours(&per_day[f * 2 + slot], staffing);
            out.push(OpeningHours {
                branch_id: fence.branch_id.clone(),
                fence_id: fence.fence_id.clone(),
                day_type,
                open,
                close,
                peak_hour,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_split_by_local_weekday() {
        // 2026-06-01 (Monday) .. 2026-06-07 (Sunday): days 20605..=20611.
        assert_eq!(days_per_type(Some((20_605, 20_611))), [5, 2, 7]);
        assert_eq!(days_per_type(None), [0, 0, 0]);
        // Saturday 2026-06-06 alone; a fortnight from a Wednesday; a huge span stays fast.
        assert_eq!(days_per_type(Some((20_610, 20_610))), [0, 1, 1]);
        assert_eq!(days_per_type(Some((20_607, 20_620))), [10, 4, 14]);
        assert_eq!(days_per_type(Some((i32::MIN, i32::MAX)))[2], u32::MAX);
    }

    #[test]
    fn lower_median_of_a_histogram() {
        let h = [(5u64, 2u64), (7, 1), (30, 1)];
        assert_eq!(lower_median(&h), Some(5));
        assert_eq!(lower_median(&[(9, 1)]), Some(9));
        assert_eq!(lower_median(&[]), None);
    }

    #[test]
    fn one_hidden_segment_hides_another() {
        let mut g = Gate {
            k: 10,
            s: Suppressions::default(),
        };
        let raw = [40, 3, 12, 0];
        let mut parts: Vec<Option<u32>> = raw.iter().map(|&v| g.count(v)).collect();
        complementary(&mut parts, &raw, true, &mut g);
        assert_eq!(parts, [Some(40), None, None, Some(0)]);
        assert_eq!((g.s.primary, g.s.complementary), (1, 1));
    }
}
