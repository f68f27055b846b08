//! Ping location: H3 cell and containing fences per point.
//!
//! `cargo bench --bench locate`. The workload follows `bench/peers/gen_data.py` (seeded here, not
//! the same random streams): a 30 km × 30 km box around Chengdu, points clustered around 50
//! hotspots (15 % uniform background), 550 fences (500 circles of 300–1500 m as 64-gons and 50
//! star-shaped, often concave, polygons of 12–48 vertices), H3 resolution 9. Every group
//! processes the same 200,000 points per iteration, so `thrpt` is points per second and
//! `time / 200,000` is the cost per point.

use catchment::index::{BruteForce, Locator};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use geo::{LineString, MultiPolygon, Polygon, Rect, coord};
use h3o::{LatLng, Resolution};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64;
use std::hint::black_box;

const LON0: f64 = 104.06;
const LAT0: f64 = 30.66;
const M_PER_DEG_LAT: f64 = 110_574.0;
const HALF_M: f64 = 15_000.0;
const POINTS: usize = 200_000;
const RES: Resolution = Resolution::Nine;

fn m_per_deg_lon() -> f64 {
    111_320.0 * LAT0.to_radians().cos()
}

fn to_lonlat(x: f64, y: f64) -> (f64, f64) {
    (LON0 + x / m_per_deg_lon(), LAT0 + y / M_PER_DEG_LAT)
}

fn area() -> Rect<f64> {
    let (a, b) = (to_lonlat(-HALF_M, -HALF_M), to_lonlat(HALF_M, HALF_M));
    Rect::new(coord! { x: a.0, y: a.1 }, coord! { x: b.0, y: b.1 })
}

struct Hotspot {
    x: f64,
    y: f64,
    sigma: f64,
}

fn hotspots(rng: &mut Pcg64) -> (Vec<Hotspot>, Vec<f64>) {
    let spots: Vec<Hotspot> = (0..50)
        .map(|_| Hotspot {
            x: rng.random_range(-HALF_M + 2000.0..HALF_M - 2000.0),
            y: rng.random_range(-HALF_M + 2000.0..HALF_M - 2000.0),
            sigma: rng.random_range(200.0..1500.0),
        })
        .collect();
    // Zipf-like weights 1/k^0.8 in random order, as a cumulative table.
    let mut w: Vec<f64> = (1..=50).map(|k| 1.0 / f64::powf(k as f64, 0.8)).collect();
    for i in (1..w.len()).rev() {
        w.swap(i, rng.random_range(0..=i));
    }
    let total: f64 = w.iter().sum();
    let mut acc = 0.0;
    let cdf = w
        .iter()
        .map(|v| {
            acc += v / total;
            acc
        })
        .collect();
    (spots, cdf)
}

fn pick(cdf: &[f64], rng: &mut Pcg64) -> usize {
    let u: f64 = rng.random();
    cdf.iter().position(|&c| u < c).unwrap_or(cdf.len() - 1)
}

fn points(spots: &[Hotspot], cdf: &[f64], rng: &mut Pcg64) -> Vec<(f64, f64)> {
    let normal = Normal::new(0.0, 1.0).expect("unit normal");
    (0..POINTS)
        .map(|_| {
            let (x, y) = if rng.random::<f64>() < 0.85 {
                let h = &spots[pick(cdf, rng)];
                (
                    h.x + normal.sample(rng) * h.sigma,
                    h.y + normal.sample(rng) * h.sigma,
                )
            } else {
                (
                    rng.random_range(-HALF_M..HALF_M),
                    rng.random_range(-HALF_M..HALF_M),
                )
            };
            let (lon, lat) = to_lonlat(x.clamp(-HALF_M, HALF_M), y.clamp(-HALF_M, HALF_M));
            // Rounded to 1e-7° like real feeds (and gen_data.py); stays inside the box.
            let r = |v: f64| (v * 1e7).round() / 1e7;
            (r(lon), r(lat))
        })
        .collect()
}

fn fences(spots: &[Hotspot], cdf: &[f64], rng: &mut Pcg64) -> Vec<MultiPolygon<f64>> {
    let mut out = Vec::new();
    for _ in 0..500 {
        let (bx, by) = (
            rng.random_range(-HALF_M + 500.0..HALF_M - 500.0),
            rng.random_range(-HALF_M + 500.0..HALF_M - 500.0),
        );
        let r = rng.random_range(300.0..1500.0);
        let ring: Vec<_> = (0..64)
            .map(|i| {
                let a = i as f64 / 64.0 * std::f64::consts::TAU;
                to_lonlat(bx + r * a.cos(), by + r * a.sin())
            })
            .collect();
        out.push(MultiPolygon::new(vec![Polygon::new(
            LineString::from(ring),
            vec![],
        )]));
    }
    let normal = Normal::new(0.0, 1.0).expect("unit normal");
    for _ in 0..50 {
        let k = rng.random_range(12..49);
        let big_r = rng.random_range(500.0..3000.0);
        let (cx, cy) = if rng.random::<f64>() < 0.6 {
            let h = &spots[pick(cdf, rng)];
            (
                h.x + normal.sample(rng) * h.sigma,
                h.y + normal.sample(rng) * h.sigma,
            )
        } else {
            (
                rng.random_range(-HALF_M..HALF_M),
                rng.random_range(-HALF_M..HALF_M),
            )
        };
        let mut angles: Vec<f64> = (0..k)
            .map(|_| rng.random::<f64>() * std::f64::consts::TAU)
            .collect();
        angles.sort_by(f64::total_cmp);
        let ring: Vec<_> = angles
            .iter()
            .map(|a| {
                let r = big_r * rng.random_range(0.35..1.0);
                to_lonlat(cx + r * a.cos(), cy + r * a.sin())
            })
            .collect();
        out.push(MultiPolygon::new(vec![Polygon::new(
            LineString::from(ring),
            vec![],
        )]));
    }
    out
}

struct Workload {
    points: Vec<(f64, f64)>,
    fences: Vec<MultiPolygon<f64>>,
}

fn workload() -> Workload {
    let mut rng = Pcg64::seed_from_u64(42);
    let (spots, cdf) = hotspots(&mut rng);
    let points = points(&spots, &cdf, &mut rng);
    let fences = fences(&spots, &cdf, &mut rng);
    Workload { points, fences }
}

/// Pixel sides compared, metres (the default at resolution 9 is the H3 edge ÷ 15 ≈ 12 m).
const PIXELS_M: [f64; 4] = [4.0, 7.0, 12.0, 20.0];

fn locate(c: &mut Criterion) {
    let w = workload();
    let brute = BruteForce::new(RES, w.fences.clone());
    let locators: Vec<(f64, Locator)> = PIXELS_M
        .iter()
        .map(|&m| {
            let l = Locator::builder(area(), RES)
                .fences(w.fences.clone())
                .pixel_m(m)
                .build()
                .expect("build");
            eprintln!("pixel {m} m: {:?}", l.stats());
            (m, l)
        })
        .collect();
    let mut buf = Vec::new();
    let per_ping: usize = w
        .points
        .iter()
        .map(|&(x, y)| {
            brute.fences_at(x, y, &mut buf);
            buf.len()
        })
        .sum();
    eprintln!("fences per point: {:.2}", per_ping as f64 / POINTS as f64);

    let mut g = c.benchmark_group("cell");
    g.throughput(Throughput::Elements(POINTS as u64));
    g.bench_function("h3o_to_cell", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for &(lon, lat) in &w.points {
                let cell = LatLng::new(lat, lon).expect("valid").to_cell(RES);
                acc = acc.wrapping_add(u64::from(cell));
            }
            black_box(acc)
        })
    });
    for (m, l) in &locators {
        g.bench_with_input(BenchmarkId::new("locator_cell_slot", m), l, |b, l| {
            b.iter(|| {
                let mut acc = 0u64;
                for &(lon, lat) in &w.points {
                    acc += u64::from(l.cell_slot(lon, lat).unwrap_or(0));
                }
                black_box(acc)
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("fences");
    g.throughput(Throughput::Elements(POINTS as u64));
    g.sample_size(10);
    g.bench_function("brute_force_rstar_geo", |b| {
        let mut buf = Vec::new();
        b.iter(|| {
            let mut acc = 0usize;
            for &(lon, lat) in &w.points {
                brute.fences_at(lon, lat, &mut buf);
                acc += buf.len();
            }
            black_box(acc)
        })
    });
    for (m, l) in &locators {
        g.bench_with_input(BenchmarkId::new("locator_fences_at", m), l, |b, l| {
            let mut buf = Vec::new();
            b.iter(|| {
                let mut acc = 0usize;
                for &(lon, lat) in &w.points {
                    l.fences_at(lon, lat, &mut buf);
                    acc += buf.len();
                }
                black_box(acc)
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("locate");
    g.throughput(Throughput::Elements(POINTS as u64));
    for (m, l) in &locators {
        g.bench_with_input(BenchmarkId::new("locator_locate", m), l, |b, l| {
            let mut buf = Vec::new();
            b.iter(|| {
                let mut acc = 0usize;
                for &(lon, lat) in &w.points {
                    acc += l.locate(lon, lat, &mut buf).unwrap_or(0) as usize + buf.len();
                }
                black_box(acc)
            })
        });
    }
    // The same points in raster order (by 0.01° band, then longitude): what a spatially
    // coherent stream costs, i.e. the locator without cache misses on its raster.
    let mut sorted = w.points.clone();
    sorted.sort_by(|a, b| {
        ((a.1 * 100.0) as i64, a.0)
            .partial_cmp(&((b.1 * 100.0) as i64, b.0))
            .expect("finite")
    });
    for (m, l) in &locators {
        g.bench_with_input(BenchmarkId::new("locator_locate_sorted", m), l, |b, l| {
            let mut buf = Vec::new();
            b.iter(|| {
                let mut acc = 0usize;
                for &(lon, lat) in &sorted {
                    acc += l.locate(lon, lat, &mut buf).unwrap_or(0) as usize + buf.len();
                }
                black_box(acc)
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("build");
    g.sample_size(10);
    for m in PIXELS_M {
        g.bench_with_input(BenchmarkId::new("locator_550_fences", m), &m, |b, &m| {
            b.iter(|| {
                Locator::builder(area(), RES)
                    .fences(w.fences.clone())
                    .pixel_m(m)
                    .build()
                    .expect("build")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, locate);
criterion_main!(benches);
