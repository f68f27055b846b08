//! Travel circles: building the road graph and 15-minute isochrones.
//!
//! `cargo bench --bench travel`. Monaco (`data/monaco/monaco.osm.pbf`, the four branches of
//! `data/monaco/branches.csv`) is small: a 15-minute drive reaches all of it. The synthetic city
//! is a 30 km × 30 km street grid (blocks 150 m × 150 m, a bend in every street, a primary
//! avenue every 1.5 km, a secondary every 750 m, oneway pairs), about 40,000 intersections and
//! 80,000 edges, so a 15-minute drive from its centre reaches tens of thousands of edges: the
//! SPEC's "city graph".

use catchment::fence::travel::{RoadGraph, TravelMode, TravelOptions};
use catchment::input::{ReadOptions, read_branches};
use catchment::osm::{OsmWay, Tags};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use geo::Coord;
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn monaco(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/monaco")
        .join(file)
}

const ALL: [TravelMode; 3] = [TravelMode::Walk, TravelMode::Bike, TravelMode::Drive];

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("build_graph");
    g.sample_size(10);
    g.bench_function("monaco", |b| {
        b.iter(|| RoadGraph::from_pbf(black_box(monaco("monaco.osm.pbf")), &ALL).unwrap())
    });
    let ways = synthetic_city();
    g.bench_function("synthetic_city_ways", |b| {
        b.iter(|| RoadGraph::from_ways(black_box(&ways), &ALL))
    });
    g.finish();
}

fn monaco_isochrones(c: &mut Criterion) {
    let graph = RoadGraph::from_pbf(monaco("monaco.osm.pbf"), &ALL).unwrap();
    let opts = ReadOptions::new("bench", jiff::tz::TimeZone::UTC);
    let branches = read_branches(&monaco("branches.csv"), &opts)
        .unwrap()
        .records;
    let mut g = c.benchmark_group("monaco_isochrone_15min");
    g.sample_size(20);
    for mode in [TravelMode::Walk, TravelMode::Drive] {
        for b in &branches {
            let id = BenchmarkId::new(format!("{mode:?}").to_lowercase(), &b.branch_id);
            g.bench_with_input(id, b, |bench, b| {
                bench.iter(|| graph.isochrone(b.lon, b.lat, mode, &[15.0]).unwrap())
            });
        }
    }
    g.bench_function("walk_all_branches_5_10_15", |bench| {
        bench.iter(|| {
            for b in &branches {
                black_box(
                    graph
                        .isochrone(b.lon, b.lat, TravelMode::Walk, &[5.0, 10.0, 15.0])
                        .unwrap(),
                );
            }
        })
    });
    g.finish();
}

fn city_isochrones(c: &mut Criterion) {
    let graph = RoadGraph::from_ways(&synthetic_city(), &ALL);
    let (lon, lat) = (CITY_LON + 0.0001, CITY_LAT + 0.0003);
    let mut g = c.benchmark_group("city_isochrone_15min");
    g.sample_size(10);
    for mode in [TravelMode::Walk, TravelMode::Drive] {
        let name = format!("{mode:?}").to_lowercase();
        g.bench_function(BenchmarkId::new("search", &name), |b| {
            b.iter(|| {
                graph
                    .travel_times(lon, lat, mode, 15.0)
                    .unwrap()
                    .nodes()
                    .count()
            })
        });
        let times = graph.travel_times(lon, lat, mode, 15.0).unwrap();
        g.bench_function(BenchmarkId::new("polygon", &name), |b| {
            b.iter(|| times.isochrone(15.0, &TravelOptions::new()).unwrap())
        });
        g.bench_function(BenchmarkId::new("isochrone", &name), |b| {
            b.iter(|| graph.isochrone(lon, lat, mode, &[15.0]).unwrap())
        });
    }
    g.finish();
}

const CITY_LON: f64 = 121.47;
const CITY_LAT: f64 = 31.23;

/// The synthetic grid city (see the module docs).
fn synthetic_city() -> Vec<OsmWay> {
    const N: i64 = 201; // streets each way, 150 m apart
    const STEP_M: f64 = 150.0;
    let m_lat = 1.0 / 111_195.08;
    let m_lon = m_lat / CITY_LAT.to_radians().cos();
    let half = (N - 1) as f64 / 2.0;
    let at = |i: i64, j: i64| Coord {
        x: CITY_LON + (i as f64 - half) * STEP_M * m_lon,
        y: CITY_LAT + (j as f64 - half) * STEP_M * m_lat,
    };
    let id = |i: i64, j: i64| j * N + i + 1;
    let mut ways = Vec::new();
    let mut bend_id = N * N + 1;
    let mut street = |k: i64, horizontal: bool, ways: &mut Vec<OsmWay>| {
        let class = if k % 10 == 0 {
            "primary"
        } else if k % 5 == 0 {
            "secondary"
        } else {
            "residential"
        };
        let mut tags = vec![("highway", class)];
        // Every third residential street is oneway, alternating direction.
        let reverse = k % 6 == 3;
        if class == "residential" && k % 3 == 0 {
            tags.push(("oneway", "yes"));
        }
        let tags = Tags::from_pairs(tags);
        for s in 0..N - 1 {
            let (a, b) = if horizontal {
                ((s, k), (s + 1, k))
            } else {
                ((k, s), (k, s + 1))
            };
            let (a, b) = if reverse { (b, a) } else { (a, b) };
            let (ca, cb) = (at(a.0, a.1), at(b.0, b.1));
            // A bend: the midpoint pushed 5 m sideways.
            let off = 5.0 * if horizontal { m_lat } else { m_lon };
            let mid = Coord {
                x: (ca.x + cb.x) / 2.0 + if horizontal { 0.0 } else { off },
                y: (ca.y + cb.y) / 2.0 + if horizontal { off } else { 0.0 },
            };
            bend_id += 1;
            ways.push(OsmWay {
                id: bend_id,
                tags: tags.clone(),
                node_ids: vec![id(a.0, a.1), bend_id + 10 * N * N, id(b.0, b.1)],
                coords: vec![Some(ca), Some(mid), Some(cb)],
            });
        }
    };
    for k in 0..N {
        street(k, true, &mut ways);
        street(k, false, &mut ways);
    }
    ways
}

criterion_group!(benches, build, monaco_isochrones, city_isochrones);
criterion_main!(benches);
