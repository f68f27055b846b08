//! Pings from CSV: every kind of bad row is rejected with its line and reason; none is lost.

use crate::util::{fixture, ping_options, read_all};
use catchment::input::{InputError, PingReader};

const EXPECTED: &[(u64, &str)] = &[
    (4, "empty_device_id"),
    (5, "missing_field"),
    (6, "bad_time"),
    (7, "missing_field"),
    (8, "not_a_number"),
    (9, "not_finite"),
    (10, "not_finite"),
    (11, "out_of_range"),
    (12, "out_of_range"),
    (13, "null_island"),
    (14, "outside_study_area"),
    (15, "outside_study_area"),
    (16, "accuracy_too_large"),
    (17, "accuracy_negative"),
    (18, "field_count"),
];

#[test]
fn every_bad_row_is_rejected_with_its_line() {
    let (valid, rejects, log) = read_all(&fixture("inputs/pings_bad.csv"), &ping_options());
    assert_eq!(valid, [2, 3, 20, 21]);
    assert_eq!(rejects, EXPECTED);
    assert_eq!(log.blank_lines(), 1);
    // Nothing lost: every data row is either valid or rejected.
    assert_eq!(valid.len() + rejects.len(), 19);
}

#[test]
fn swap_hints_are_given() {
    let (_, _, log) = read_all(&fixture("inputs/pings_bad.csv"), &ping_options());
    let reason = |line| {
        log.rejects()
            .iter()
            .find(|r| r.line == line)
            .unwrap()
            .reason
            .to_string()
    };
    assert!(reason(11).contains("look swapped"));
    assert!(!reason(12).contains("swapped"));
    assert!(reason(15).contains("look swapped"));
}

#[test]
fn bom_crlf_and_small_batches_change_nothing() {
    let original = std::fs::read_to_string(fixture("inputs/pings_bad.csv")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.csv");
    let crlf = format!("\u{feff}{}", original.replace('\n', "\r\n"));
    std::fs::write(&path, crlf).unwrap();
    let mut opts = ping_options();
    opts.batch_size = 3;
    let (valid, rejects, log) = read_all(&path, &opts);
    assert_eq!(valid, [2, 3, 20, 21]);
    assert_eq!(rejects, EXPECTED);
    assert_eq!(log.blank_lines(), 1);
}

#[test]
fn quoted_multiline_field_keeps_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.csv");
    std::fs::write(
        &path,
        "device_id,ts,lon,lat\n\"multi\nline\",1780300000,7.42,43.73\nd2,1780300000,7.42,43.73\n\nd3,x,7.42,43.73\n",
    )
    .unwrap();
    let (valid, rejects, log) = read_all(&path, &ping_options());
    assert_eq!(valid, [2, 4]);
    assert_eq!(rejects, [(6, "bad_time")]);
    assert_eq!(log.blank_lines(), 1);
}

#[test]
fn raw_ids_never_reach_rejects() {
    let (_, _, log) = read_all(&fixture("inputs/pings_bad.csv"), &ping_options());
    let dir = tempfile::tempdir().unwrap();
    let path = log.write(dir.path()).unwrap().unwrap();
    let written = std::fs::read_to_string(path).unwrap();
    assert!(!written.contains("d3"), "{written}");
    let key = ping_options().keyer.key("d3").to_string();
    assert!(written.contains(&key));
}

#[test]
fn missing_column_and_empty_file_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.csv");
    std::fs::write(&path, "device_id,time,lon,lat\nd1,1,7.42,43.73\n").unwrap();
    let err = PingReader::open(&path, None, &ping_options())
        .err()
        .unwrap();
    assert!(
        matches!(&err, InputError::MissingColumn { column, .. } if column == "ts"),
        "{err}"
    );
    assert!(
        err.to_string().contains("device_id, time, lon, lat"),
        "{err}"
    );

    std::fs::write(&path, "device_id,ts,lon,lat\n").unwrap();
    let mut r = PingReader::open(&path, None, &ping_options()).unwrap();
    assert!(matches!(r.next(), Some(Err(InputError::Empty { .. }))));

    let err = PingReader::open(&dir.path().join("nope.csv"), None, &ping_options())
        .err()
        .unwrap();
    assert!(err.to_string().contains("nope.csv"), "{err}");
}

#[test]
fn remapped_columns_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.csv");
    std::fs::write(&path, "uid,time,x,y\nd1,1780300000,7.42,43.73\n").unwrap();
    let mut opts = ping_options();
    for (a, b) in [
        ("device_id", "uid"),
        ("ts", "time"),
        ("lon", "x"),
        ("lat", "y"),
    ] {
        opts.columns.insert(a.into(), b.into());
    }
    let (valid, rejects, _) = read_all(&path, &opts);
    assert_eq!((valid.len(), rejects.len()), (1, 0));
}
