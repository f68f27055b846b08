//! Input kernels: streaming pings from CSV and Parquet, device keys, time parsing, GCJ-02.
//!
//! `cargo bench --bench inputs`. The ping files are made once per run by the synthetic generator on
//! the Monaco demo (200,000 pings), so the bench needs nothing but the repository. `peer_pings`
//! reads a file shaped like the peer benchmark's (`bench/peers/gen_data.py`: 2 M pings, `device_id`
//! u64 of 63 random bits, `lon`, `lat` f64 rounded to 7 decimals, `ts` i64 in time order, Parquet
//! with snappy and 1 Mi-row row groups, CSV as pyarrow writes it), written in the bench setup.

use catchment::input::{PingReader, ReadOptions, TimeParser};
use catchment::synth::{self, City, SynthParams};
use catchment::{DeviceKeyer, input};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Pings in the peer benchmark's shape around Chengdu; returns how many.
fn make_peer_pings(dir: &Path, n: usize) -> u64 {
    use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, UInt64Array};
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    let ids: Vec<u64> = (0..200_000)
        .map(|_| rng.random_range(1..i64::MAX as u64))
        .collect();
    let round7 = |v: f64| (v * 1e7).round() / 1e7;
    let mut ts: Vec<i64> = (0..n)
        .map(|_| 1_780_000_000 + rng.random_range(0..7 * 86_400))
        .collect();
    ts.sort_unstable();
    let dev: Vec<u64> = (0..n)
        .map(|_| ids[rng.random_range(0..ids.len())])
        .collect();
    let lon: Vec<f64> = (0..n)
        .map(|_| round7(104.06 + rng.random_range(-0.15..0.15)))
        .collect();
    let lat: Vec<f64> = (0..n)
        .map(|_| round7(30.66 + rng.random_range(-0.13..0.13)))
        .collect();
    let mut csv = std::io::BufWriter::new(std::fs::File::create(dir.join("peer.csv")).unwrap());
    writeln!(csv, "\"device_id\",\"lon\",\"lat\",\"ts\"").unwrap();
    for i in 0..n {
        writeln!(csv, "{},{},{},{}", dev[i], lon[i], lat[i], ts[i]).unwrap();
    }
    csv.flush().unwrap();
    let batch = RecordBatch::try_from_iter([
        ("device_id", Arc::new(UInt64Array::from(dev)) as ArrayRef),
        ("lon", Arc::new(Float64Array::from(lon)) as ArrayRef),
        ("lat", Arc::new(Float64Array::from(lat)) as ArrayRef),
        ("ts", Arc::new(Int64Array::from(ts)) as ArrayRef),
    ])
    .unwrap();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .set_max_row_group_row_count(Some(1 << 20))
        .build();
    let file = std::fs::File::create(dir.join("peer.parquet")).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    n as u64
}

fn peer_pings(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let n = make_peer_pings(dir.path(), 2_000_000);
    let area = geo::Rect::new(
        geo::coord! { x: 103.8, y: 30.4 },
        geo::coord! { x: 104.3, y: 30.9 },
    );
    let opts = ReadOptions::new("bench", jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .with_study_area(area);
    let mut g = c.benchmark_group("peer_pings");
    g.throughput(Throughput::Elements(n));
    g.sample_size(10);
    for name in ["peer.csv", "peer.parquet"] {
        let path = dir.path().join(name);
        g.bench_with_input(BenchmarkId::new("sequential", name), &path, |b, path| {
            b.iter(|| {
                let mut reader = PingReader::open(path, None, &opts).unwrap();
                let mut valid = 0;
                for batch in &mut reader {
                    valid += batch.unwrap().len();
                }
                assert_eq!(valid as u64, n);
                black_box(valid)
            })
        });
        // On the global rayon pool: every core.
        g.bench_with_input(BenchmarkId::new("par_fold", name), &path, |b, path| {
            b.iter(|| {
                let mut reader = PingReader::open(path, None, &opts).unwrap();
                let counts = reader
                    .par_fold(|| 0usize, |valid, batch| *valid += batch.len())
                    .unwrap();
                let valid: usize = counts.iter().sum();
                assert_eq!(valid as u64, n);
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

criterion_group!(benches, peer_pings, read_pings, kernels);
criterion_main!(benches);
