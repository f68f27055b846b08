use super::*;
use crate::index::Locator;
use crate::time::LocalClock;
use geo::{Intersects, MultiPolygon, Point, Rect, polygon};
use h3o::{LatLng, Resolution};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use std::collections::HashSet;

const RES: Resolution = Resolution::Nine;

fn fences() -> Vec<MultiPolygon<f64>> {
    vec![
        MultiPolygon::new(vec![polygon![
            (x: 104.050, y: 30.650), (x: 104.062, y: 30.650), (x: 104.062, y: 30.662), (x: 104.050, y: 30.662)
        ]]),
        // Overlaps the first; concave.
        MultiPolygon::new(vec![polygon![
            (x: 104.058, y: 30.655), (x: 104.075, y: 30.655), (x: 104.075, y: 30.672),
            (x: 104.066, y: 30.662), (x: 104.058, y: 30.672)
        ]]),
        // With a hole.
        MultiPolygon::new(vec![polygon!(
            exterior: [(x: 104.040, y: 30.640), (x: 104.080, y: 30.640), (x: 104.080, y: 30.645), (x: 104.040, y: 30.645)],
            interiors: [[(x: 104.050, y: 30.641), (x: 104.060, y: 30.641), (x: 104.060, y: 30.644), (x: 104.050, y: 30.644)]],
        )]),
    ]
}

fn area() -> Rect<f64> {
    Rect::new((104.035, 30.635), (104.085, 30.680))
}

fn locator() -> Locator {
    Locator::builder(area(), RES)
        .fences(fences())
        .build()
        .unwrap()
}

/// Seeded pings: `devices` devices, each wandering around a home point over a week, shuffled.
fn pings(n: usize, devices: u64, seed: u64) -> Vec<PingRecord> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let homes: Vec<(f64, f64)> = (0..devices)
        .map(|_| {
            (
                rng.random_range(104.04..104.08),
                rng.random_range(30.64..30.675),
            )
        })
        .collect();
    let mut v: Vec<PingRecord> = (0..n)
        .map(|_| {
            let d = rng.random_range(0..devices);
            let (x, y) = homes[d as usize];
            PingRecord {
                // Spread keys over all partitions.
                device: (d + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                ts: 1_780_272_000 + rng.random_range(0..7 * 86_400),
                lon: x + rng.random_range(-0.004..0.004),
                lat: y + rng.random_range(-0.004..0.004),
            }
        })
        .collect();
    v.shuffle(&mut rng);
    v
}

fn run(engine: &Footfall<'_>, recs: &[PingRecord]) -> FootfallCounts {
    let mut p = Partitioned::new(usize::MAX, None);
    for r in recs {
        p.push(*r);
    }
    engine.aggregate(p).unwrap()
}

#[test]
fn distinct_counts_equal_naive_sets() {
    let loc = locator();
    let segs = Segments::new(None, &[]);
    let clock = LocalClock::new(&jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
    let engine = Footfall::new(&loc, clock.clone(), &segs);
    let recs = pings(20_000, 300, 1);
    let got = run(&engine, &recs);

    // Naive: sets of (device, group) computed with h3o and geo directly.
    let fences = fences();
    let mut cell_dev = HashSet::new();
    let mut cell_hour = HashSet::new();
    let mut fence_dev = HashSet::new();
    let mut fence_hour = HashSet::new();
    for r in &recs {
        let t = clock.local(r.ts);
        let dt = t.day_type().index();
        let cell = LatLng::new(r.lat, r.lon).unwrap().to_cell(RES);
        let slot = loc.slot_of(cell).unwrap() as usize;
        cell_dev.insert((r.device, slot));
        cell_hour.insert((r.device, slot, dt, t.hour));
        cell_hour.insert((r.device, slot, ALL_DAYS, t.hour));
        for (f, poly) in fences.iter().enumerate() {
            if poly.intersects(&Point::new(r.lon, r.lat)) {
                fence_dev.insert((r.device, f));
                fence_hour.insert((r.device, f, dt, t.hour));
                fence_hour.insert((r.device, f, ALL_DAYS, t.hour));
            }
        }
    }
    let mut want = FootfallCounts::new(engine.dims());
    for &(_, slot) in &cell_dev {
        want.cell_devices[slot] += 1;
    }
    for &(_, slot, dt, h) in &cell_hour {
        want.cell_hour[FootfallCounts::cell_hour_index(slot, dt, h as usize)] += 1;
    }
    for &(_, f) in &fence_dev {
        let i = want.fence_seg_index(f, 0);
        want.fence_devices[i] += 1;
    }
    for &(_, f, dt, h) in &fence_hour {
        let i = want.fence_hour_index(f, 0, dt, h as usize);
        want.fence_hour[i] += 1;
    }
    assert_eq!(got.cell_devices, want.cell_devices);
    assert_eq!(got.cell_hour, want.cell_hour);
    assert_eq!(got.fence_devices, want.fence_devices);
    assert_eq!(got.fence_hour, want.fence_hour);
    assert_eq!(got.pings, recs.len() as u64);
    assert!(
        got.fence_devices.iter().all(|&d| d > 0),
        "every fence is visited"
    );
}

#[test]
fn split_and_merge_in_any_order_gives_the_same_state() {
    let loc = locator();
    let segs = Segments::new(None, &[]);
    let engine = Footfall::new(&loc, LocalClock::utc(), &segs);
    let recs = pings(8_000, 200, 2);
    let whole = run(&engine, &recs);
    let mut rng = Pcg64::seed_from_u64(3);
    for _ in 0..4 {
        // Pass-1 states over random chunks, merged in a random order.
        let k = rng.random_range(2..7);
        let mut states: Vec<Partitioned> =
            (0..k).map(|_| Partitioned::new(usize::MAX, None)).collect();
        for r in &recs {
            states[rng.random_range(0..k)].push(*r);
        }
        states.shuffle(&mut rng);
        let mut merged = states.pop().unwrap();
        for s in states {
            merged.merge(s);
        }
        assert_eq!(engine.aggregate(merged).unwrap(), whole);

        // Pass-2 states per partition, merged in a random order.
        let mut p = Partitioned::new(usize::MAX, None);
        for r in &recs {
            p.push(*r);
        }
        let mut per_part: Vec<FootfallCounts> = p
            .into_partitions()
            .into_iter()
            .map(|part| {
                let mut c = FootfallCounts::new(engine.dims());
                engine.add_sorted(&part.into_sorted().unwrap(), &mut c);
                c
            })
            .collect();
        per_part.shuffle(&mut rng);
        let mut acc = FootfallCounts::new(engine.dims());
        for c in &per_part {
            acc.merge(c);
        }
        assert_eq!(acc, whole);
    }
}

#[test]
fn same_state_at_one_and_two_threads_and_when_spilled() {
    let loc = locator();
    let segs = Segments::new(None, &[]);
    let engine = Footfall::new(&loc, LocalClock::utc(), &segs);
    let recs = pings(6_000, 150, 4);
    let at = |n: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| run(&engine, &recs))
    };
    let one = at(1);
    assert_eq!(one, at(2));
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(SpillStore::create(dir.path()).unwrap());
    let mut p = Partitioned::new(300, Some(store.clone()));
    for chunk in recs.chunks(500) {
        let mut b = crate::input::PingBatch::default();
        for r in chunk {
            b.push(crate::DeviceKey(r.device), r.ts, r.lon, r.lat, f32::NAN, 0);
        }
        p.push_batch(&b).unwrap();
    }
    assert!(store.bytes() > 0);
    assert_eq!(engine.aggregate(p).unwrap(), one);
}

#[test]
fn hours_are_local_to_the_study_zone() {
    let loc = locator();
    let segs = Segments::new(None, &[]);
    let at = |tz: &str| {
        let clock = LocalClock::new(&jiff::tz::TimeZone::get(tz).unwrap());
        let engine = Footfall::new(&loc, clock, &segs);
        let p = |ts| PingRecord {
            device: 42,
            ts,
            lon: 104.055,
            lat: 30.655,
        };
        // 2026-06-05T10:00Z = Friday 18:00 in Shanghai; 2026-06-05T16:30Z = Saturday 00:30.
        run(&engine, &[p(1_780_653_600), p(1_780_677_000)])
    };
    let slot = loc.cell_slot(104.055, 30.655).unwrap() as usize;
    let h = |c: &FootfallCounts, dt: usize, hour: usize| {
        c.cell_hour[FootfallCounts::cell_hour_index(slot, dt, hour)]
    };
    let sh = at("Asia/Shanghai");
    assert_eq!(
        (h(&sh, 0, 18), h(&sh, 1, 0), h(&sh, ALL_DAYS, 0)),
        (1, 1, 1)
    );
    assert_eq!(h(&sh, 0, 10) + h(&sh, 0, 16) + h(&sh, 0, 0), 0);
    let utc = at("UTC");
    assert_eq!((h(&utc, 0, 10), h(&utc, 0, 16), h(&utc, 1, 0)), (1, 1, 0));
    // Both local dates are counted: Friday and Saturday in Shanghai, Friday only in UTC.
    assert_eq!(sh.days.map(|(a, b)| b - a), Some(1));
    assert_eq!(utc.days.map(|(a, b)| b - a), Some(0));
    // The fence (square 0) holds the point; its weekend hour 0 has the device.
    let i = sh.fence_hour_index(0, 0, 1, 0);
    assert_eq!(sh.fence_hour[i], 1);
}

#[test]
fn segments_split_fence_counts() {
    let loc = locator();
    let dev = |k: u64, tier: Option<&str>| crate::Device {
        key: crate::DeviceKey(k),
        tier: tier.map(String::from),
        age_band: None,
        gender: None,
        tags: vec![],
    };
    let tiers = vec!["gold".to_string(), "silver".to_string()];
    let segs = Segments::new(Some(&tiers), &[dev(1, Some("silver")), dev(2, None)]);
    let engine = Footfall::new(&loc, LocalClock::utc(), &segs);
    let p = |device, ts| PingRecord {
        device,
        ts,
        lon: 104.055,
        lat: 30.655,
    };
    let c = run(&engine, &[p(1, 0), p(1, 60), p(2, 0), p(3, 7200)]);
    // Fence 0, segments: non_customer (devices 2 and 3), gold (none), silver (device 1).
    assert_eq!(&c.fence_devices[0..3], &[2, 0, 1]);
    assert_eq!(c.devices, vec![2, 0, 1]);
    assert_eq!(c.fence_pings[0], 4);
}
