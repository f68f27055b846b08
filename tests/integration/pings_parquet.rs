//! Pings from Parquet (written here with the parquet crate): the same checks as CSV, typed columns.

use crate::util::{ping_options, read_all};
use arrow_array::{
    ArrayRef, Float32Array, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, UInt64Array,
};
use parquet::arrow::ArrowWriter;
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
