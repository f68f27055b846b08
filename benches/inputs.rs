//! Input kernels: streaming pings from CSV and Parquet, device keys, time parsing, GCJ-02.
//!
//! `cargo bench --bench inputs`. The ping files are made once per run by the synthetic generator on
//! the Monaco demo (200,000 pings), so the bench needs nothing but the repository.

use catchment::input::{PingReader, ReadOptions, TimeParser};
use catchment::synth::{self, City, SynthParams};
use catchment::{DeviceKeyer, input};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn monaco(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/monaco")
        .join(file)
}

/// Writes `n` synthetic pings as `pings.csv` and `pings.parquet` in `dir`.
fn make_pings(dir: &Path, n: u64) -> u64 {
    let opts = ReadOptions::new("bench", jiff::tz::TimeZone::UTC);
    let branches = input::read_branches(&monaco("branches.csv"), &opts)
        .unwrap()
        .records;
    let pois = input::read_pois(&monaco("pois.csv"), &opts)
        .unwrap()
        .records;
    let city = City::from_osm(monaco("monaco.osm.pbf"), &branches, &pois).unwrap();
    let params = SynthParams {
        target_pings: Some(n),
        timezone: jiff::tz::TimeZone::get("Europe/Monaco").unwrap(),
        ..SynthParams::default()
    };
    let params = synth::resolve(&city, &params).unwrap();
    let mut written = 0;
    for name in ["pings.csv", "pings.parquet"] {
        let mut sink = synth::open_ping_sink(dir.join(name)).unwrap();
        written = synth::generate(&city, &params, &mut sink).unwrap().pings;
        sink.finish().unwrap();
    }
    written
}

fn read_pings(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let n = make_pings(dir.path(), 200_000);
    let opts = ReadOptions::new("bench", jiff::tz::TimeZone::get("Europe/Monaco").unwrap())
        .with_max_accuracy_m(f64::MAX);
    let mut g = c.benchmark_group("read_pings");
    g.throughput(Throughput::Elements(n));
    g.sample_size(10);
    for name in ["pings.csv", "pings.parquet"] {
        let path = dir.path().join(name);
        g.bench_with_input(BenchmarkId::from_parameter(name), &path, |b, path| {
            b.iter(|| {
                let mut reader = PingReader::open(path, None, &opts).unwrap();
                let mut valid = 0;
                for batch in &mut reader {
                    valid += batch.unwrap().len();
                }
                black_box(valid)
            })
        });
    }
    g.finish();
}

fn kernels(c: &mut Criterion) {
    let keyer = DeviceKeyer::new("bench");
    c.bench_function("device_key", |b| {
        b.iter(|| keyer.key(black_box("d0001234")))
    });
    let time = TimeParser::new(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
    let mut g = c.benchmark_group("parse_time");
    for (label, s) in [
        ("epoch_s", "1780300000"),
        ("epoch_ms", "1780300000123"),
        ("rfc3339", "2026-06-01T10:00:00+08:00"),
        ("local", "2026-06-01 10:00:00"),
    ] {
        g.bench_with_input(BenchmarkId::from_parameter(label), s, |b, s| {
            b.iter(|| time.parse(black_box(s)))
        });
    }
    g.finish();
    c.bench_function("gcj02_to_wgs84", |b| {
        b.iter(|| catchment::crs::gcj02_to_wgs84(black_box(121.4786), black_box(31.2284)))
    });
}

criterion_group!(benches, read_pings, kernels);
criterion_main!(benches);
