//! The join engine: pass 1 partitions pings by device, pass 2 walks each device's pings in time
//! order, locates them (H3 cell and fences), and adds its distinct contributions to the counters.

use super::counts::{ALL_DAYS, Dims, FootfallCounts};
use super::partition::{PartitionInput, Partitioned, PingRecord};
use super::{FootfallError, Segments};
use crate::index::{Locator, Pixel};
use crate::mobility::{
    HomeWorkParams, HomeWorkScratch, PoiIndex, Stay, StayParams, TrackPoint, detect_home_work_with,
    detect_stays,
};
use crate::study::MobilityParams;
use crate::time::LocalClock;
use h3o::LatLng;
use rayon::prelude::*;

/// What the engine needs besides the pings.
pub struct Footfall<'a> {
    locator: &'a Locator,
    clock: LocalClock,
    segments: &'a Segments,
    pois: Option<&'a PoiIndex>,
    home_cells: Option<&'a Locator>,
    stay: StayParams,
    home_work: HomeWorkParams,
}

/// Reusable per-thread buffers, so the per-device work allocates nothing in steady state.
#[derive(Debug, Default)]
struct Scratch {
    pixels: Vec<Option<Pixel>>,
    fences: Vec<u32>,
    cell_keys: Vec<u64>,
    fence_keys: Vec<u64>,
    track: Vec<TrackPoint>,
    stays: Vec<Stay>,
    stay_cells: Vec<u32>,
    visit_keys: Vec<u64>,
    visited: Vec<u32>,
    pois: Vec<u32>,
    poi_set: Vec<u32>,
    home_fences: Vec<u32>,
    work_fences: Vec<u32>,
    home_work: HomeWorkScratch,
}

impl<'a> Footfall<'a> {
    /// An engine over the fences and cells of `locator`, bucketing hours with `clock`, with SPEC
    /// §4's default stay and home/work thresholds and no POIs.
    pub fn new(locator: &'a Locator, clock: LocalClock, segments: &'a Segments) -> Self {
        let defaults = MobilityParams::default();
        Self {
            locator,
            clock,
            segments,
            pois: None,
            home_cells: (locator.resolution() == h3o::Resolution::Nine).then_some(locator),
            stay: StayParams::from(&defaults),
            home_work: HomeWorkParams::from(&defaults),
        }
    }

    /// Uses the study's stay and home/work thresholds.
    pub fn with_mobility(mut self, p: &MobilityParams) -> Self {
        self.stay = StayParams::from(p);
        self.home_work = HomeWorkParams::from(p);
        self
    }

    /// Takes the res-9 cells of stay centres (for home and work) from this locator, instead of
    /// one h3o call per stay; ignored unless it is at resolution 9. The main locator serves when
    /// the study's resolution is 9.
    pub fn with_home_cells(mut self, locator: &'a Locator) -> Self {
        if locator.resolution() == h3o::Resolution::Nine {
            self.home_cells = Some(locator);
        }
        self
    }

    /// Counts visits to these POIs (stays within the index's radius).
    pub fn with_pois(mut self, pois: &'a PoiIndex) -> Self {
        self.pois = Some(pois);
        self
    }

    /// Dimensions of the states this engine produces.
    pub fn dims(&self) -> Dims {
        Dims {
            cells: self.locator.cells().len(),
            fences: self.locator.fence_count(),
            segments: self.segments.len(),
            pois: self.pois.map_or(0, PoiIndex::len),
        }
    }

    /// Pass 2 over every partition on the rayon pool; the counters are summed, so the result is
    /// the same at any thread count.
    ///
    /// # Errors
    /// [`FootfallError::Spill`] when a spill file cannot be read back.
    pub fn aggregate(&self, pings: Partitioned) -> Result<FootfallCounts, FootfallError> {
        let dims = self.dims();
        let parts = pings.into_partitions();
        // A few partitions per task: each task zeroes (and the reduction adds) a full state.
        let per_task = (parts.len() / (4 * rayon::current_num_threads())).max(1);
        parts
            .into_par_iter()
            .with_min_len(per_task)
            .try_fold(
                || (FootfallCounts::new(dims), Scratch::default()),
                |(mut acc, mut scratch), part: PartitionInput| {
                    let recs = part.into_sorted()?;
                    self.aggregate_sorted(&recs, &mut acc, &mut scratch);
                    Ok::<_, FootfallError>((acc, scratch))
                },
            )
            .map(|r| r.map(|(acc, _)| acc))
            .try_reduce(
                || FootfallCounts::new(dims),
                |mut a, b| {
                    a.merge(&b);
                    Ok(a)
                },
            )
    }

    /// Adds the pings of whole devices, sorted by [`PingRecord::total_cmp`], to `acc`.
    pub fn add_sorted(&self, recs: &[PingRecord], acc: &mut FootfallCounts) {
        self.aggregate_sorted(recs, acc, &mut Scratch::default());
    }

    fn aggregate_sorted(&self, recs: &[PingRecord], acc: &mut FootfallCounts, s: &mut Scratch) {
        // The raster reads first, in one tight loop whose loads are independent, so the CPU
        // overlaps their cache misses (point by point, each waits for the previous one).
        let mut pixels = std::mem::take(&mut s.pixels);
        pixels.clear();
        pixels.extend(recs.iter().map(|r| self.locator.pixel(r.lon, r.lat)));
        let mut i = 0;
        while i < recs.len() {
            let device = recs[i].device;
            let mut j = i + 1;
            while j < recs.len() && recs[j].device == device {
                j += 1;
            }
            self.device(&recs[i..j], &pixels[i..j], acc, s);
            i = j;
        }
        s.pixels = pixels;
    }

    /// One device's pings, in time order, with their raster pixels.
    fn device(
        &self,
        pings: &[PingRecord],
        pixels: &[Option<Pixel>],
        acc: &mut FootfallCounts,
        s: &mut Scratch,
    ) {
        let seg = self.segments.segment(pings[0].device);
        acc.devices[seg] += 1;
        s.cell_keys.clear();
        s.fence_keys.clear();
        s.track.clear();
        let (mut lo_day, mut hi_day) = (i32::MAX, i32::MIN);
        for (p, &px) in pings.iter().zip(pixels) {
            s.track.push(TrackPoint {
                ts: p.ts,
                lon: p.lon,
                lat: p.lat,
            });
            let t = self.clock.local(p.ts);
            lo_day = lo_day.min(t.day);
            hi_day = hi_day.max(t.day);
            let Some(slot) = self.locator.resolve(px, p.lon, p.lat, &mut s.fences) else {
                acc.unlocated += 1;
                continue;
            };
            acc.pings += 1;
            let slot = slot as usize;
            acc.cell_pings[slot] += 1;
            let (hour, dt) = (usize::from(t.hour), t.day_type().index());
            s.cell_keys.push(hour_key(slot, hour, dt));
            for &f in &s.fences {
                acc.fence_pings[f as usize] += 1;
                s.fence_keys.push(hour_key(f as usize, hour, dt));
            }
        }
        if lo_day <= hi_day {
            acc.days = Some(match acc.days {
                Some((a, b)) => (a.min(lo_day), b.max(hi_day)),
                None => (lo_day, hi_day),
            });
        }
        for_each_distinct(&mut s.cell_keys, |cell, day_slot, hour| match day_slot {
            Some(dt) => acc.cell_hour[FootfallCounts::cell_hour_index(cell, dt, hour)] += 1,
            None => acc.cell_devices[cell] += 1,
        });
        for_each_distinct(&mut s.fence_keys, |f, day_slot, hour| match day_slot {
            Some(dt) => {
                let i = acc.fence_hour_index(f, seg, dt, hour);
                acc.fence_hour[i] += 1;
            }
            None => {
                let i = acc.fence_seg_index(f, seg);
                acc.fence_devices[i] += 1;
            }
        });
        self.mobility(seg, acc, s);
    }

    /// Stays, visits, POI visits and home/work of one device whose track is in `s.track`.
    fn mobility(&self, seg: usize, acc: &mut FootfallCounts, s: &mut Scratch) {
        detect_stays(&s.track, &self.stay, &mut s.stays);
        acc.stays += s.stays.len() as u64;
        s.stay_cells.clear();
        s.visit_keys.clear();
        s.visited.clear();
        s.poi_set.clear();
        for st in &s.stays {
            if let Some(slot) = self.locator.locate(st.lon, st.lat, &mut s.fences) {
                acc.cell_stays[slot as usize] += 1;
                let minutes = (st.duration_s().max(0) / 60).min(i64::from(u32::MAX)) as u64;
                *acc.cell_dwell
                    .entry(u64::from(slot) << 32 | minutes)
                    .or_insert(0) += 1;
                s.stay_cells.push(slot);
                // A visit counts in the local hour it starts.
                let t = self.clock.local(st.start);
                let (hour, dt) = (usize::from(t.hour), t.day_type().index());
                for &f in &s.fences {
                    let i = acc.fence_hour_index(f as usize, seg, dt, hour);
                    acc.fence_visits[i] += 1;
                    s.visit_keys.push(hour_key(f as usize, hour, dt));
                    s.visited.push(f);
                }
            }
            if let Some(pois) = self.pois {
                pois.within(st.lon, st.lat, &mut s.pois);
                for &p in &s.pois {
                    acc.poi_visits[p as usize] += 1;
                    s.poi_set.push(p);
                }
            }
        }
        s.stay_cells.sort_unstable();
        s.stay_cells.dedup();
        for &c in &s.stay_cells {
            acc.cell_stay_devices[c as usize] += 1;
        }
        for_each_distinct(&mut s.visit_keys, |f, day_slot, hour| {
            if let Some(dt) = day_slot {
                let i = acc.fence_hour_index(f, seg, dt, hour);
                acc.fence_visit_hour_devices[i] += 1;
            }
        });
        s.visited.sort_unstable();
        s.visited.dedup();
        for &f in &s.visited {
            let i = acc.fence_seg_index(f as usize, seg);
            acc.fence_visit_devices[i] += 1;
        }
        s.poi_set.sort_unstable();
        s.poi_set.dedup();
        let segs = acc.dims.segments;
        for &p in &s.poi_set {
            acc.poi_visitors[p as usize * segs + seg] += 1;
        }

        let res = self.home_work.resolution;
        let home_cells = self.home_cells;
        let hw = detect_home_work_with(
            &s.stays,
            &self.clock,
            &self.home_work,
            &mut s.home_work,
            |st| match home_cells {
                Some(l) => l
                    .cell_slot(st.lon, st.lat)
                    .map(|slot| l.cells()[slot as usize])
                    .or_else(|| LatLng::new(st.lat, st.lon).ok().map(|ll| ll.to_cell(res))),
                None => LatLng::new(st.lat, st.lon).ok().map(|ll| ll.to_cell(res)),
            },
        );
        s.home_fences.clear();
        s.work_fences.clear();
        if let Some(home) = hw.home {
            acc.homes += 1;
            let c = LatLng::from(home);
            self.locator.fences_at(c.lng(), c.lat(), &mut s.home_fences);
            for &f in &s.home_fences {
                let i = acc.fence_seg_index(f as usize, seg);
                acc.fence_residents[i] += 1;
            }
        }
        if let Some(work) = hw.work {
            acc.workplaces += 1;
            let c = LatLng::from(work);
            self.locator.fences_at(c.lng(), c.lat(), &mut s.work_fences);
            for &f in &s.work_fences {
                let i = acc.fence_seg_index(f as usize, seg);
                acc.fence_workers[i] += 1;
            }
        }
        // Visitors: a visit, and neither home nor work inside (both lists are ascending).
        for &f in &s.visited {
            if s.home_fences.binary_search(&f).is_err() && s.work_fences.binary_search(&f).is_err()
            {
                let i = acc.fence_seg_index(f as usize, seg);
                acc.fence_visitors[i] += 1;
            }
        }
    }
}

/// A device's presence key: `(id, local hour, day type)` with the day type lowest, so that sorted
/// keys give distinct `(id, hour)` and distinct ids as prefixes.
#[inline]
fn hour_key(id: usize, hour: usize, day_type: usize) -> u64 {
    (id as u64) * 48 + (hour * 2 + day_type) as u64
}

/// Sorts and dedups one device's keys and reports each distinct `(id, Some(day type), hour)`,
/// `(id, Some(ALL_DAYS), hour)` and `(id, None, _)` (the id itself) once: the device's 0-or-1
/// contributions to the distinct counts.
fn for_each_distinct(keys: &mut Vec<u64>, mut add: impl FnMut(usize, Option<usize>, usize)) {
    keys.sort_unstable();
    keys.dedup();
    let mut last: Option<u64> = None;
    for &k in keys.iter() {
        let (id, hour, dt) = ((k / 48) as usize, ((k % 48) / 2) as usize, (k % 2) as usize);
        add(id, Some(dt), hour);
        if last.map(|l| l / 2) != Some(k / 2) {
            add(id, Some(ALL_DAYS), hour);
        }
        if last.map(|l| l / 48) != Some(k / 48) {
            add(id, None, hour);
        }
        last = Some(k);
    }
}
