//! Stays, home/work and POI proximity per device.
//!
//! `cargo bench --bench mobility`. Tracks are made in the bench: a seeded random walk in Shanghai
//! of pauses (5–70 m jitter), walks and drives with a ping every 20 s – 9 min, so that about a
//! third of the pings fall into stays, as in the trackintel fixture's random walks.

use catchment::mobility::{
    GapRule, HomeWorkParams, HomeWorkScratch, PoiIndex, StayParams, TrackPoint, detect_home_work,
    detect_stays,
};
use catchment::time::LocalClock;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use std::hint::black_box;

const LON: f64 = 121.4737;
const LAT: f64 = 31.2304;
const M_PER_DEG: f64 = 6_371_000.0 * std::f64::consts::PI / 180.0;

fn track(n: usize, seed: u64) -> Vec<TrackPoint> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut pts = Vec::with_capacity(n);
    let (mut t, mut x, mut y) = (1_780_000_000_i64, 0.0_f64, 0.0_f64);
    while pts.len() < n {
        let kind = rng.random_range(0..10);
        let speed = match kind {
            0..=4 => 0.0,
            5..=7 => 1.4,
            _ => 12.0,
        };
        let jitter = rng.random_range(5.0..70.0);
        let heading = rng.random_range(0.0..std::f64::consts::TAU);
        let stop = t + rng.random_range(180..4200);
        while t < stop && pts.len() < n {
            let dt = rng.random_range(20..540);
            t += dt;
            x += speed * dt as f64 * heading.cos();
            y += speed * dt as f64 * heading.sin();
            let a = rng.random_range(0.0..std::f64::consts::TAU);
            let r = jitter * rng.random::<f64>().sqrt();
            let (e, nn) = (x + r * a.cos(), y + r * a.sin());
            pts.push(TrackPoint {
                ts: t,
                lon: LON + e / (M_PER_DEG * LAT.to_radians().cos()),
                lat: LAT + nn / M_PER_DEG,
            });
        }
    }
    pts
}

fn params() -> StayParams {
    StayParams {
        radius_m: 100.0,
        min_duration_s: 600,
        max_gap_s: 3600,
        gap: GapRule::Split,
        include_last: true,
    }
}

fn stays(c: &mut Criterion) {
    let mut g = c.benchmark_group("detect_stays");
    for n in [1_000, 100_000] {
        let pts = track(n, 1);
        let mut out = Vec::new();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &pts, |b, pts| {
            b.iter(|| {
                detect_stays(black_box(pts), &params(), &mut out);
                black_box(out.len())
            })
        });
    }
    g.finish();
}

fn home_work(c: &mut Criterion) {
    let pts = track(20_000, 2);
    let mut stays = Vec::new();
    detect_stays(&pts, &params(), &mut stays);
    let clock = LocalClock::new(&jiff::tz::TimeZone::get("Asia/Shanghai").expect("zone"));
    let p = HomeWorkParams {
        home_min_nights: 3,
        work_min_days: 3,
        resolution: h3o::Resolution::Nine,
    };
    let mut scratch = HomeWorkScratch::new();
    let mut g = c.benchmark_group("detect_home_work");
    g.throughput(Throughput::Elements(stays.len() as u64));
    g.bench_function(BenchmarkId::new("stays", stays.len()), |b| {
        b.iter(|| detect_home_work(black_box(&stays), &clock, &p, &mut scratch))
    });
    g.finish();
}

fn poi_within(c: &mut Criterion) {
    let mut rng = Pcg64::seed_from_u64(3);
    let mut g = c.benchmark_group("poi_within");
    for n in [1_000, 50_000] {
        // POIs over ~20 km × 20 km.
        let pois: Vec<(f64, f64)> = (0..n)
            .map(|_| {
                (
                    LON + rng.random_range(-0.1..0.1),
                    LAT + rng.random_range(-0.1..0.1),
                )
            })
            .collect();
        let index = PoiIndex::new(&pois, 50.0);
        let queries: Vec<(f64, f64)> = (0..1024)
            .map(|_| {
                (
                    LON + rng.random_range(-0.1..0.1),
                    LAT + rng.random_range(-0.1..0.1),
                )
            })
            .collect();
        let mut out = Vec::new();
        g.throughput(Throughput::Elements(queries.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &queries, |b, q| {
            b.iter(|| {
                let mut hits = 0;
                for &(lon, lat) in q {
                    index.within(lon, lat, &mut out);
                    hits += out.len();
                }
                hits
            })
        });
    }
    g.finish();
}

criterion_group!(benches, stays, home_work, poi_within);
criterion_main!(benches);
