//! The footfall engine's kernels on a peer-like workload made in the bench: 30 km × 30 km around
//! Chengdu, H3 resolution 9, 550 overlapping fences (500 geodesic circles of 300–1500 m as 64-gons
//! and 50 star-shaped polygons), pings clustered around 50 hotspots, 20,000 devices over 7 days.
//!
//! `cargo bench --bench footfall`:
//! - `partition/push_batch`: pass 1, routing a batch of keyed pings to the 256 partitions;
//! - `aggregate/<fences>`: pass 2 over one partition's worth of pings (sort by device and time,
//!   locate every ping, distinct counts per cell / fence / hour, stays, home and work), per ping.

use catchment::DeviceKey;
use catchment::footfall::{Footfall, FootfallCounts, Partitioned, PingRecord, Segments};
use catchment::index::Locator;
use catchment::input::PingBatch;
use catchment::time::LocalClock;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use geo::{Destination, Geodesic, LineString, MultiPolygon, Point, Polygon, Rect};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64;
use std::hint::black_box;

const CENTRE: (f64, f64) = (104.06, 30.66);
const HALF_DEG: (f64, f64) = (0.1566, 0.1357);

fn area() -> Rect<f64> {
    Rect::new(
        (CENTRE.0 - HALF_DEG.0, CENTRE.1 - HALF_DEG.1),
        (CENTRE.0 + HALF_DEG.0, CENTRE.1 + HALF_DEG.1),
    )
}

fn ring(centre: (f64, f64), radius: impl Fn(f64) -> f64, n: usize) -> MultiPolygon<f64> {
    let c = Point::new(centre.0, centre.1);
    let mut pts: Vec<_> = (0..n)
        .map(|i| {
            let bearing = -(i as f64) * 360.0 / n as f64;
            Geodesic
                .destination(c, bearing, radius(i as f64 / n as f64))
                .0
        })
        .collect();
    pts.push(pts[0]);
    MultiPolygon::new(vec![Polygon::new(LineString::new(pts), vec![])])
}

fn fences(rng: &mut Pcg64, hotspots: &[(f64, f64)]) -> Vec<MultiPolygon<f64>> {
    let a = area();
    let mut v: Vec<_> = (0..500)
        .map(|_| {
            let c = (
                rng.random_range(a.min().x..a.max().x),
                rng.random_range(a.min().y..a.max().y),
            );
            let r = rng.random_range(300.0..1500.0);
            ring(c, |_| r, 64)
        })
        .collect();
    for i in 0..50 {
        let c = if i % 5 < 3 {
            hotspots[i % hotspots.len()]
        } else {
            (
                rng.random_range(a.min().x..a.max().x),
                rng.random_range(a.min().y..a.max().y),
            )
        };
        let outer = rng.random_range(500.0..3000.0);
        let n = rng.random_range(6..24) * 2;
        v.push(ring(
            c,
            |t| {
                if ((t * n as f64).round() as usize).is_multiple_of(2) {
                    outer
                } else {
                    outer * 0.45
                }
            },
            n,
        ));
    }
    v
}

fn pings(rng: &mut Pcg64, hotspots: &[(f64, f64)], n: usize, devices: u64) -> Vec<PingRecord> {
    let a = area();
    let noise = Normal::new(0.0, 0.006).unwrap();
    (0..n)
        .map(|_| {
            let d = rng.random_range(0..devices);
            let (lon, lat) = if rng.random_bool(0.15) {
                (
                    rng.random_range(a.min().x..a.max().x),
                    rng.random_range(a.min().y..a.max().y),
                )
            } else {
                let h = hotspots[(d as usize * 7 + rng.random_range(0..3)) % hotspots.len()];
                (h.0 + noise.sample(rng), h.1 + noise.sample(rng))
            };
            PingRecord {
                device: (d + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                ts: 1_735_689_600 + rng.random_range(0..7 * 86_400),
                lon: lon.clamp(a.min().x, a.max().x),
                lat: lat.clamp(a.min().y, a.max().y),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut rng = Pcg64::seed_from_u64(7);
    let a = area();
    let hotspots: Vec<(f64, f64)> = (0..50)
        .map(|_| {
            (
                rng.random_range(a.min().x..a.max().x),
                rng.random_range(a.min().y..a.max().y),
            )
        })
        .collect();
    let fences = fences(&mut rng, &hotspots);
    let recs = pings(&mut rng, &hotspots, 200_000, 20_000);

    let mut g = c.benchmark_group("partition");
    g.throughput(Throughput::Elements(recs.len() as u64));
    let mut batch = PingBatch::default();
    for r in &recs {
        batch.push(DeviceKey(r.device), r.ts, r.lon, r.lat, f32::NAN, 0);
    }
    g.bench_function("push_batch", |b| {
        b.iter(|| {
            let mut p = Partitioned::new(usize::MAX, None);
            p.push_batch(black_box(&batch)).unwrap();
            p
        })
    });
    g.finish();

    let mut g = c.benchmark_group("aggregate");
    g.throughput(Throughput::Elements(recs.len() as u64));
    g.sample_size(10);
    let segments = Segments::new(None, &[]);
    let mut sorted = recs.clone();
    sorted.sort_unstable_by(PingRecord::total_cmp);
    for n_fences in [0usize, 550] {
        let locator = Locator::builder(a, h3o::Resolution::Nine)
            .fences(fences[..n_fences].to_vec())
            .build()
            .unwrap();
        let engine = Footfall::new(&locator, LocalClock::utc(), &segments);
        g.bench_with_input(
            BenchmarkId::new("sorted_devices", n_fences),
            &sorted,
            |b, s| {
                b.iter(|| {
                    let mut acc = FootfallCounts::new(engine.dims());
                    engine.add_sorted(black_box(s), &mut acc);
                    acc.pings
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("sort_then_devices", n_fences),
            &recs,
            |b, r| {
                b.iter(|| {
                    let mut v = r.clone();
                    v.sort_unstable_by(PingRecord::total_cmp);
                    let mut acc = FootfallCounts::new(engine.dims());
                    engine.add_sorted(&v, &mut acc);
                    acc.pings
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
