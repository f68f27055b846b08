//! H3 coverage of fences and grid-marketing cells.
//!
//! `cargo bench --bench coverage`. Shapes are made in the bench: a 1 km geodesic circle as a
//! 64-gon (a radius fence) in Shenzhen, and an irregular 400-vertex district of about 60 km² with
//! a hole. `h3o_tiler` is h3o's own tiler on the same shapes, for scale (it is not exact with
//! respect to our definitions, see `src/fence/coverage.rs`).

use catchment::fence::{CoverageMode, h3_coverage, h3_grid, square_grid};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use geo::{Destination, Geodesic, LineString, MultiPolygon, Point, Polygon};
use h3o::Resolution;
use h3o::geom::{ContainmentMode, TilerBuilder};
use std::hint::black_box;

const BRANCH: (f64, f64) = (114.0579, 22.5431);

/// A geodesic circle of `meters` around the branch, as a `n`-gon, counter-clockwise.
fn circle(meters: f64, n: usize) -> MultiPolygon<f64> {
    let centre = Point::new(BRANCH.0, BRANCH.1);
    let mut ring: Vec<_> = (0..n)
        .map(|i| {
            let bearing = -(i as f64) * 360.0 / n as f64; // decreasing bearing = CCW
            Geodesic.destination(centre, bearing, meters).0
        })
        .collect();
    ring.push(ring[0]);
    MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])])
}

/// A deterministic irregular district: 400 vertices at radii 3–5.5 km (sums of sines), with
/// a 400 m-radius hole off-centre.
fn district() -> MultiPolygon<f64> {
    let centre = Point::new(BRANCH.0, BRANCH.1);
    let n = 400;
    let mut ext: Vec<_> = (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = 4200.0
                + 700.0 * (3.0 * t).sin()
                + 400.0 * (7.0 * t + 1.0).sin()
                + 150.0 * (23.0 * t).sin();
            Geodesic.destination(centre, -t.to_degrees(), r).0
        })
        .collect();
    ext.push(ext[0]);
    let hole_centre = Geodesic.destination(centre, 45.0, 1500.0);
    let mut hole: Vec<_> = (0..24)
        .map(|i| Geodesic.destination(hole_centre, i as f64 * 15.0, 400.0).0)
        .collect();
    hole.push(hole[0]);
    MultiPolygon::new(vec![Polygon::new(
        LineString::new(ext),
        vec![LineString::new(hole)],
    )])
}

const MODES: [(CoverageMode, &str); 3] = [
    (CoverageMode::Center, "center"),
    (CoverageMode::Covers, "covers"),
    (CoverageMode::Intersects, "intersects"),
];

fn coverage(c: &mut Criterion) {
    let shapes = [
        ("circle_1km_64", circle(1000.0, 64), Resolution::Nine),
        ("circle_1km_64", circle(1000.0, 64), Resolution::Ten),
        ("district_400", district(), Resolution::Nine),
    ];
    let mut g = c.benchmark_group("h3_coverage");
    for (name, shape, res) in &shapes {
        for (mode, mode_name) in MODES {
            let cells = h3_coverage(shape, *res, mode, None).len();
            let id = BenchmarkId::new(format!("{name}/r{}/{mode_name}", u8::from(*res)), cells);
            g.bench_with_input(id, shape, |b, shape| {
                b.iter(|| h3_coverage(black_box(shape), *res, mode, None))
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("h3o_tiler");
    for (name, shape, res) in &shapes {
        for (mode, mode_name) in [
            (ContainmentMode::ContainsCentroid, "centroid"),
            (ContainmentMode::ContainsBoundary, "boundary"),
            (ContainmentMode::Covers, "covers"),
        ] {
            let id = BenchmarkId::new(format!("{name}/r{}", u8::from(*res)), mode_name);
            g.bench_with_input(id, shape, |b, shape| {
                b.iter(|| {
                    let mut tiler = TilerBuilder::new(*res).containment_mode(mode).build();
                    tiler.add_batch(black_box(shape).0.iter().cloned()).unwrap();
                    tiler.into_coverage().count()
                })
            });
        }
    }
    g.finish();
}

fn grids(c: &mut Criterion) {
    let area = district();
    let mut g = c.benchmark_group("grid");
    g.sample_size(20);
    for res in [Resolution::Eight, Resolution::Nine] {
        let n = h3_grid(&area, res).len();
        let id = BenchmarkId::new(format!("h3_grid/r{}", u8::from(res)), n);
        g.bench_function(id, |b| b.iter(|| h3_grid(black_box(&area), res)));
    }
    for meters in [500.0, 200.0] {
        let n = square_grid(&area, meters).unwrap().len();
        let id = BenchmarkId::new(format!("square_grid/{meters}m"), n);
        g.bench_function(id, |b| {
            b.iter(|| square_grid(black_box(&area), meters).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, coverage, grids);
criterion_main!(benches);
