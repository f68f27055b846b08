//! The pass-2 state: integer counters only, merged by addition, so any split of the partitions
//! over threads (or machines) and any merge order give the same totals.

use std::collections::HashMap;

/// Day-type slots of per-hour counters: weekday, weekend, and every day.
pub const DAY_SLOTS: usize = 3;
/// Slot of "every day" in per-hour counters.
pub const ALL_DAYS: usize = 2;

/// Dimensions of a [`FootfallCounts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    /// H3 cells (locator slots).
    pub cells: usize,
    /// Fences.
    pub fences: usize,
    /// Segments: non-customers, then one per tier.
    pub segments: usize,
    /// POIs.
    pub pois: usize,
}

/// Aggregates of a set of devices (SPEC §4–5), as integer counters.
///
/// Distinct-device counters are exact: every device's pings are processed together (partitions
/// are by device key), so its contribution to each distinct count is 0 or 1 and the counts of
/// disjoint device sets add up. Layouts (row-major):
/// - per cell: `cell_hour[(cell * 3 + day_slot) * 24 + hour]`;
/// - per fence and segment: `fence_hour[((fence * segments + segment) * 3 + day_slot) * 24 + hour]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FootfallCounts {
    /// Dimensions.
    pub dims: Dims,
    /// Distinct devices per cell.
    pub cell_devices: Vec<u32>,
    /// Pings per cell.
    pub cell_pings: Vec<u64>,
    /// Distinct devices per cell, day slot and local hour.
    pub cell_hour: Vec<u32>,
    /// Stays whose centre is in the cell.
    pub cell_stays: Vec<u64>,
    /// Distinct devices with a stay in the cell.
    pub cell_stay_devices: Vec<u32>,
    /// Stay durations per cell: `(cell << 32 | whole minutes) → stays`.
    pub cell_dwell: HashMap<u64, u64>,
    /// Distinct devices per fence and segment.
    pub fence_devices: Vec<u32>,
    /// Pings per fence.
    pub fence_pings: Vec<u64>,
    /// Distinct devices per fence, segment, day slot and local hour.
    pub fence_hour: Vec<u32>,
    /// Visits (stays centred in the fence) per fence, segment, day slot and local start hour.
    pub fence_visits: Vec<u64>,
    /// Distinct visiting devices per fence, segment, day slot and local start hour.
    pub fence_visit_hour_devices: Vec<u32>,
    /// Distinct visiting devices per fence and segment (any role).
    pub fence_visit_devices: Vec<u32>,
    /// Residents (home cell centre inside) per fence and segment.
    pub fence_residents: Vec<u32>,
    /// Workers (work cell centre inside) per fence and segment.
    pub fence_workers: Vec<u32>,
    /// Visitors (a visit, neither resident nor worker) per fence and segment.
    pub fence_visitors: Vec<u32>,
    /// Visits (stays within the POI radius) per POI.
    pub poi_visits: Vec<u64>,
    /// Distinct visiting devices per POI and segment.
    pub poi_visitors: Vec<u32>,
    /// Devices per segment.
    pub devices: Vec<u64>,
    /// Pings located (inside the study area).
    pub pings: u64,
    /// Pings outside the locator's area (the readers' study-area check normally rejects them).
    pub unlocated: u64,
    /// Stays.
    pub stays: u64,
    /// Devices with a home / a workplace.
    pub homes: u64,
    /// Devices with a workplace.
    pub workplaces: u64,
    /// Earliest and latest local date seen (days since 1970-01-01), `None` before any ping.
    pub days: Option<(i32, i32)>,
}

impl FootfallCounts {
    /// Zeroed counters.
    pub fn new(dims: Dims) -> Self {
        let fs = dims.fences * dims.segments;
        let fh = fs * DAY_SLOTS * 24;
        Self {
            dims,
            cell_devices: vec![0; dims.cells],
            cell_pings: vec![0; dims.cells],
            cell_hour: vec![0; dims.cells * DAY_SLOTS * 24],
            cell_stays: vec![0; dims.cells],
            cell_stay_devices: vec![0; dims.cells],
            cell_dwell: HashMap::new(),
            fence_devices: vec![0; fs],
            fence_pings: vec![0; dims.fences],
            fence_hour: vec![0; fh],
            fence_visits: vec![0; fh],
            fence_visit_hour_devices: vec![0; fh],
            fence_visit_devices: vec![0; fs],
            fence_residents: vec![0; fs],
            fence_workers: vec![0; fs],
            fence_visitors: vec![0; fs],
            poi_visits: vec![0; dims.pois],
            poi_visitors: vec![0; dims.pois * dims.segments],
            devices: vec![0; dims.segments],
            pings: 0,
            unlocated: 0,
            stays: 0,
            homes: 0,
            workplaces: 0,
            days: None,
        }
    }

    /// Adds `other` into `self`. Addition is associative and commutative, so the result does not
    /// depend on how states were split or in which order they are merged.
    ///
    /// # Panics
    /// When the dimensions differ (a programming error: states of one run share them).
    pub fn merge(&mut self, other: &FootfallCounts) {
        assert_eq!(self.dims, other.dims, "merging states of different runs");
        fn add<T: Copy + std::ops::AddAssign>(a: &mut [T], b: &[T]) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += *y;
            }
        }
        add(&mut self.cell_devices, &other.cell_devices);
        add(&mut self.cell_pings, &other.cell_pings);
        add(&mut self.cell_hour, &other.cell_hour);
        add(&mut self.cell_stays, &other.cell_stays);
        add(&mut self.cell_stay_devices, &other.cell_stay_devices);
        for (k, v) in &other.cell_dwell {
            *self.cell_dwell.entry(*k).or_insert(0) += v;
        }
        add(&mut self.fence_devices, &other.fence_devices);
        add(&mut self.fence_pings, &other.fence_pings);
        add(&mut self.fence_hour, &other.fence_hour);
        add(&mut self.fence_visits, &other.fence_visits);
        add(
            &mut self.fence_visit_hour_devices,
            &other.fence_visit_hour_devices,
        );
        add(&mut self.fence_visit_devices, &other.fence_visit_devices);
        add(&mut self.fence_residents, &other.fence_residents);
        add(&mut self.fence_workers, &other.fence_workers);
        add(&mut self.fence_visitors, &other.fence_visitors);
        add(&mut self.poi_visits, &other.poi_visits);
        add(&mut self.poi_visitors, &other.poi_visitors);
        add(&mut self.devices, &other.devices);
        self.pings += other.pings;
        self.unlocated += other.unlocated;
        self.stays += other.stays;
        self.homes += other.homes;
        self.workplaces += other.workplaces;
        self.days = match (self.days, other.days) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (x, None) | (None, x) => x,
        };
    }

    /// Index of a per-cell hourly counter.
    #[inline]
    pub fn cell_hour_index(cell: usize, day_slot: usize, hour: usize) -> usize {
        (cell * DAY_SLOTS + day_slot) * 24 + hour
    }

    /// Index of a per-fence-and-segment counter.
    #[inline]
    pub fn fence_seg_index(&self, fence: usize, segment: usize) -> usize {
        fence * self.dims.segments + segment
    }

    /// Index of a per-fence, segment and hour counter.
    #[inline]
    pub fn fence_hour_index(
        &self,
        fence: usize,
        segment: usize,
        day_slot: usize,
        hour: usize,
    ) -> usize {
        ((fence * self.dims.segments + segment) * DAY_SLOTS + day_slot) * 24 + hour
    }
}
