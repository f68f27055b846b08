//! Pings from Parquet (written here with the parquet crate): the same checks as CSV, typed columns.

use crate::util::{
    assert_parallel_matches, ping_options, ping_rows, read_all, reject_rows, sequential,
};
use arrow_array::{
    ArrayRef, Float32Array, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, UInt64Array,
};
use catchment::input::PingReader;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use std::path::Path;
use std::sync::Arc;

fn write(path: &Path, cols: Vec<(&str, ArrayRef)>) {
    let batch = RecordBatch::try_from_iter(cols).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    // Two writes: rows span record batches and row groups.
    w.write(&batch.slice(0, 5)).unwrap();
    w.flush().unwrap();
    w.write(&batch.slice(5, batch.num_rows() - 5)).unwrap();
    w.close().unwrap();
}

#[test]
fn every_bad_row_is_rejected_with_its_row_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.parquet");
    let ids = [
        "d1", "", "d3", "d3", "d3", "d3", "d3", "d3", "d3", "d3", "d3", "d3", "d3", "d4",
    ];
    let dev: ArrayRef = Arc::new(StringArray::from(
        ids.iter()
            .enumerate()
            .map(|(i, s)| if i == 11 { None } else { Some(*s) })
            .collect::<Vec<_>>(),
    ));
    let t = 1_780_300_000i64;
    let ts: ArrayRef = Arc::new(Int64Array::from(vec![
        Some(t),
        Some(t),
        None,
        Some(t),
        Some(t),
        Some(t),
        Some(t),
        Some(t),
        Some(t),
        Some(t),
        Some(t),
        Some(t),
        Some(t),
        Some(t * 1000),
    ]));
    let lon: ArrayRef = Arc::new(Float64Array::from(vec![
        Some(7.42),
        Some(7.42),
        Some(7.42),
        None,
        Some(f64::NAN),
        Some(f64::INFINITY),
        Some(7.42),
        Some(0.0),
        Some(2.35),
        Some(43.73),
        Some(7.42),
        Some(7.42),
        Some(7.42),
        Some(7.43),
    ]));
    let lat: ArrayRef = Arc::new(Float64Array::from(vec![
        43.73, 43.73, 43.73, 43.73, 43.73, 43.73, 93.73, 0.0, 48.85, 7.42, 43.73, 43.73, 43.73,
        43.74,
    ]));
    let acc: ArrayRef = Arc::new(Float32Array::from(vec![
        Some(5.0),
        Some(5.0),
        Some(5.0),
        Some(5.0),
        Some(5.0),
        Some(5.0),
        Some(5.0),
        Some(5.0),
        Some(5.0),
        Some(5.0),
        Some(250.0),
        None,
        Some(-1.0),
        None,
    ]));
    write(
        &path,
        vec![
            ("device_id", dev),
            ("ts", ts),
            ("lon", lon),
            ("lat", lat),
            ("accuracy_m", acc),
        ],
    );
    let (valid, rejects, log) = read_all(&path, &ping_options());
    assert_eq!(valid, [1, 14]);
    assert_eq!(
        rejects,
        [
            (2, "empty_device_id"),
            (3, "missing_field"),
            (4, "missing_field"),
            (5, "not_finite"),
            (6, "not_finite"),
            (7, "out_of_range"),
            (8, "null_island"),
            (9, "outside_study_area"),
            (10, "outside_study_area"),
            (11, "accuracy_too_large"),
            (12, "empty_device_id"),
            (13, "accuracy_negative"),
        ]
    );
    // The row as read, device id keyed.
    let r = log.rejects().iter().find(|r| r.line == 7).unwrap();
    assert_eq!(r.row[0], ping_options().keyer.key("d3").to_string());
    assert_eq!(r.row[3], "93.73");
}

#[test]
fn typed_columns_match_csv_keys_and_times() {
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("pings.parquet");
    let csv = dir.path().join("pings.csv");
    let t = 1_780_300_000i64;
    write(
        &pq,
        vec![
            (
                "device_id",
                Arc::new(UInt64Array::from(vec![42u64, 42, 7, 7, 9, 9])) as ArrayRef,
            ),
            (
                "ts",
                Arc::new(TimestampMillisecondArray::from(vec![
                    t * 1000,
                    t * 1000 + 999,
                    t * 1000,
                    t * 1000,
                    t * 1000,
                    t * 1000,
                ])) as ArrayRef,
            ),
            (
                "lon",
                Arc::new(Float64Array::from(vec![7.42; 6])) as ArrayRef,
            ),
            (
                "lat",
                Arc::new(Float64Array::from(vec![43.73; 6])) as ArrayRef,
            ),
        ],
    );
    std::fs::write(&csv, format!("device_id,ts,lon,lat\n42,{t},7.42,43.73\n")).unwrap();
    let opts = ping_options();
    let batch = catchment::input::PingReader::open(&pq, None, &opts)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let from_csv = catchment::input::PingReader::open(&csv, None, &opts)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(batch.len(), 6);
    assert_eq!(batch.device[0], from_csv.device[0]);
    assert_eq!(batch.ts[..2], [t, t]);
    assert!(batch.accuracy_m[0].is_nan());
}

#[test]
fn wrong_type_and_missing_column_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.parquet");
    write(
        &path,
        vec![
            (
                "device_id",
                Arc::new(StringArray::from(vec!["a"; 6])) as ArrayRef,
            ),
            ("ts", Arc::new(Int64Array::from(vec![1i64; 6])) as ArrayRef),
            (
                "lon",
                Arc::new(Float64Array::from(vec![7.42; 6])) as ArrayRef,
            ),
        ],
    );
    let err = catchment::input::PingReader::open(&path, None, &ping_options())
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("missing required column \"lat\""),
        "{err}"
    );
    std::fs::write(&path, b"not parquet").unwrap();
    let err = catchment::input::PingReader::open(&path, None, &ping_options())
        .err()
        .unwrap();
    assert!(err.to_string().contains("pings.parquet"), "{err}");
}

/// Writes `cols` in row groups of `group_rows` rows and pages of at most 3 rows, with or without
/// an offset index.
fn write_groups(path: &Path, cols: Vec<(&str, ArrayRef)>, group_rows: usize, offset_index: bool) {
    let batch = RecordBatch::try_from_iter(cols).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(group_rows))
        .set_data_page_row_count_limit(3)
        .set_write_batch_size(3)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_offset_index_disabled(!offset_index)
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// `n` rows with bad ones scattered (empty and null ids, null times, NaN, out of range, swapped,
/// (0, 0), bad accuracy), ids repeating in runs.
fn mixed_columns(n: usize) -> Vec<(&'static str, ArrayRef)> {
    let t = 1_780_300_000i64;
    let mut dev = Vec::new();
    let mut ts = Vec::new();
    let mut lon = Vec::new();
    let mut lat = Vec::new();
    let mut acc = Vec::new();
    for i in 0..n {
        let (mut d, mut s, mut x, mut y, mut a) = (
            Some(format!("d{}", i / 3 % 11)),
            Some(t + i as i64),
            Some(7.40 + (i % 37) as f64 / 1000.0),
            43.72 + (i % 29) as f64 / 1000.0,
            Some((i % 40) as f32),
        );
        match i % 17 {
            0 => d = Some(" ".into()),
            1 => d = None,
            2 => s = None,
            3 => x = Some(f64::NAN),
            4 => x = None,
            5 => y = 93.0,
            6 => (x, y) = (Some(43.73), 7.42),
            7 => (x, y) = (Some(0.0), 0.0),
            8 => a = Some(250.0),
            9 => a = None,
            10 => s = Some(t * 1000 + 999),
            _ => {}
        }
        dev.push(d);
        ts.push(s);
        lon.push(x);
        lat.push(y);
        acc.push(a);
    }
    vec![
        ("device_id", Arc::new(StringArray::from(dev)) as ArrayRef),
        ("ts", Arc::new(Int64Array::from(ts)) as ArrayRef),
        ("lon", Arc::new(Float64Array::from(lon)) as ArrayRef),
        ("lat", Arc::new(Float64Array::from(lat)) as ArrayRef),
        ("accuracy_m", Arc::new(Float32Array::from(acc)) as ArrayRef),
    ]
}

/// Part sizes for the parallel tests (Parquet rows per part).
const PARTS: &[(usize, usize)] = &[(1, 1), (1, 2), (1, 5), (1, 64), (4 << 20, 1 << 18)];

#[test]
fn par_fold_matches_sequential_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.parquet");
    for (group_rows, offset_index) in [(7, true), (7, false), (50, true), (1000, true)] {
        write_groups(&path, mixed_columns(301), group_rows, offset_index);
        let (pings, log) = assert_parallel_matches(&path, &ping_options(), PARTS).unwrap();
        assert_eq!(pings.len() as u64 + log.total(), 301);
        assert!(pings.len() > 100, "{}", pings.len());
        assert!(log.by_reason().len() >= 7, "{:?}", log.by_reason());
    }
    // Small batches: a row group spans several batches.
    let mut opts = ping_options();
    opts.batch_size = 4;
    assert_parallel_matches(&path, &opts, PARTS).unwrap();
}

#[test]
fn par_fold_typed_ids_and_times_match_sequential() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.parquet");
    let n = 100u64;
    let t = 1_780_300_000i64;
    let cols = vec![
        (
            "device_id",
            Arc::new(UInt64Array::from_iter_values(
                (0..n).map(|i| u64::MAX - i / 4),
            )) as ArrayRef,
        ),
        (
            "ts",
            Arc::new(TimestampMillisecondArray::from_iter_values(
                (0..n as i64).map(|i| (t + i) * 1000 + 999),
            )) as ArrayRef,
        ),
        (
            "lon",
            Arc::new(Float64Array::from(vec![7.42; n as usize])) as ArrayRef,
        ),
        (
            "lat",
            Arc::new(Float64Array::from(vec![43.73; n as usize])) as ArrayRef,
        ),
    ];
    write_groups(&path, cols, 16, true);
    let (pings, _) = assert_parallel_matches(&path, &ping_options(), PARTS).unwrap();
    assert_eq!(pings.len(), n as usize);
    let key = ping_options().keyer.key(&u64::MAX.to_string()).0;
    assert_eq!((pings[0].0, pings[0].1, pings[0].2), (1, key, t));
}

#[test]
fn par_fold_reads_the_rest_after_sequential_batches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.parquet");
    write_groups(&path, mixed_columns(120), 25, true);
    let mut opts = ping_options();
    opts.batch_size = 10;
    let (all, all_log) = sequential(&path, &opts).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let mut reader = PingReader::open(&path, None, &opts)
        .unwrap()
        .with_part_size(1, 7);
    // Stops inside the first row group.
    let first = [
        reader.next().unwrap().unwrap(),
        reader.next().unwrap().unwrap(),
    ];
    let states = pool
        .install(|| reader.par_fold(Vec::new, |v: &mut Vec<_>, b| v.push(b)))
        .unwrap();
    let batches: Vec<_> = first
        .into_iter()
        .chain(states.into_iter().flatten())
        .collect();
    assert_eq!(ping_rows(&batches), all);
    assert_eq!(reject_rows(reader.rejects()), reject_rows(&all_log));
    assert_eq!(reader.rows(), 120);
}

#[test]
fn par_fold_on_an_empty_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.parquet");
    let mut cols = mixed_columns(5);
    for (_, c) in &mut cols {
        *c = c.slice(0, 0);
    }
    write_groups(&path, cols, 10, true);
    let err = assert_parallel_matches(&path, &ping_options(), PARTS).unwrap_err();
    assert!(
        err.contains("pings.parquet") && err.contains("empty"),
        "{err}"
    );
}
