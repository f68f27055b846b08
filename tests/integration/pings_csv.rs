//! Pings from CSV: every kind of bad row is rejected with its line and reason; none is lost.

use crate::util::{
    assert_parallel_matches, fixture, parallel, ping_options, ping_rows, read_all, reject_rows,
    sequential,
};
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

/// Part sizes for the parallel tests: a record per part, parts cut inside records, the default.
const PARTS: &[(usize, usize)] = &[(1, 1), (64, 1), (97, 1), (4 << 20, 1 << 18)];

/// A file with every kind of row: bad rows scattered, blank and whitespace lines, quoted fields
/// with commas, quotes and newlines, RFC 3339 times, a row that is not UTF-8, an accuracy column.
fn tricky_csv(rows: usize) -> Vec<u8> {
    let mut out = b"device_id,ts,lon,lat,accuracy_m\n".to_vec();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for i in 0..rows {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let lon = 7.40 + (state % 400) as f64 / 10_000.0;
        let lat = 43.72 + (state / 400 % 300) as f64 / 10_000.0;
        let dev = state % 7;
        let line: Vec<u8> = match state % 23 {
            0 => format!(",1780300000,{lon},{lat},5").into(),
            1 => format!("d{dev},soon,{lon},{lat},5").into(),
            2 => format!("d{dev},1780300000,NaN,{lat},").into(),
            3 => format!("d{dev},1780300000,{lat},{lon},5").into(),
            4 => format!("d{dev},1780300000,{lon},{lat},500").into(),
            5 => format!("d{dev},1780300000,{lon}").into(),
            6 => b"d1,1780300000,7.42,43.73,\xff\n".to_vec(),
            7 => "\n  \n".into(),
            8 => format!("\"d{dev}, \"\"quoted\"\"\",1780300000,{lon},{lat},5").into(),
            9 => format!("\"multi\nline\n{dev}\",1780300000,{lon},{lat},").into(),
            10 => format!("d{dev},2026-06-01T10:00:00+02:00,{lon},{lat},5").into(),
            11 => format!("d{dev},2026-06-01 10:00:{:02},{lon},{lat},5", i % 60).into(),
            12 => format!("d{dev},1780300000123,\"{lon}\",{lat},12.5").into(),
            13 => format!("d{dev},1780300000,0,0,5").into(),
            _ => format!("d{dev},{},{lon},{lat},{}", 1_780_300_000 + i, i % 150).into(),
        };
        out.extend_from_slice(&line);
        if line.last() != Some(&b'\n') {
            out.push(b'\n');
        }
    }
    out
}

#[test]
fn par_fold_matches_sequential_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.csv");
    let text = tricky_csv(600);
    std::fs::write(&path, &text).unwrap();
    let (pings, log) = assert_parallel_matches(&path, &ping_options(), PARTS).unwrap();
    // The file has something of each kind, so the comparison means something.
    assert!(pings.len() > 300, "{}", pings.len());
    for code in [
        "empty_device_id",
        "bad_time",
        "not_finite",
        "outside_study_area",
        "accuracy_too_large",
        "field_count",
        "not_utf8",
        "null_island",
    ] {
        assert!(log.by_reason().contains_key(code), "no {code}");
    }
    assert!(log.blank_lines() > 10);

    // The same with CRLF line ends, a BOM and no final line end.
    let crlf = String::from_utf8_lossy(&text).replace('\n', "\r\n");
    let crlf = format!("\u{feff}{}", crlf.trim_end());
    std::fs::write(&path, crlf).unwrap();
    let (crlf_pings, crlf_log) = assert_parallel_matches(&path, &ping_options(), PARTS).unwrap();
    assert_eq!(crlf_pings.len(), pings.len());
    assert_eq!(crlf_log.total(), log.total());
}

#[test]
fn par_fold_small_batches_and_fixture() {
    let mut opts = ping_options();
    opts.batch_size = 2;
    let (_, log) = assert_parallel_matches(&fixture("inputs/pings_bad.csv"), &opts, PARTS).unwrap();
    let codes: Vec<_> = log
        .rejects()
        .iter()
        .map(|r| (r.line, r.reason.code()))
        .collect();
    assert_eq!(codes, EXPECTED);
}

#[test]
fn quoted_newline_across_every_part_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.csv");
    let mut text = String::from("device_id,ts,lon,lat\n");
    for i in 0..40 {
        text.push_str(&format!("d{i},1780300000,7.42,43.73\n"));
        if i % 5 == 0 {
            text.push_str("\"a \"\"b\"\"\nc,\nd\",17803000x0,7.42,43.73\n");
        }
    }
    std::fs::write(&path, &text).unwrap();
    let parts: Vec<(usize, usize)> = (1..90).map(|b| (b, 1)).collect();
    let (pings, log) = assert_parallel_matches(&path, &ping_options(), &parts).unwrap();
    assert_eq!(pings.len(), 40);
    assert_eq!(log.total(), 8);
    assert!(log.rejects().iter().all(|r| r.reason.code() == "bad_time"));
}

#[test]
fn par_fold_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.csv");
    let mut text = String::from("device_id,ts,lon,lat\n");
    for i in 0..30 {
        text.push_str(&format!("d{i},bad,7.42,43.73\n"));
    }
    // Line 32 opens a quote that never closes.
    text.push_str("\"open,1780300000,7.42,43.73\n");
    for i in 0..30 {
        text.push_str(&format!("d{i},1780300000,7.42,43.73\n"));
    }
    std::fs::write(&path, &text).unwrap();
    let err = assert_parallel_matches(&path, &ping_options(), PARTS).unwrap_err();
    assert!(err.contains("pings.csv:32:"), "{err}");
    assert!(err.contains("never closed"), "{err}");
    // The rejects before the error are kept, as a sequential read keeps them.
    let (_, log) = *parallel(&path, &ping_options(), 2, 64, 1).unwrap_err();
    assert_eq!(log.total(), 30);

    // A quote left open for more than 1,000 lines: the error names the line it opened on.
    let mut long = String::from("device_id,ts,lon,lat\nd1,1780300000,7.42,43.73\n\"open,1,2,3\n");
    for i in 0..1_100 {
        long.push_str(&format!("d{i},1780300000,7.42,43.73\n"));
    }
    std::fs::write(&path, &long).unwrap();
    let err =
        assert_parallel_matches(&path, &ping_options(), &[(64, 1), (1 << 20, 1)]).unwrap_err();
    assert!(err.contains("pings.csv:3:"), "{err}");
    assert!(err.contains("not closed within"), "{err}");

    std::fs::write(&path, "device_id,ts,lon,lat\n\n").unwrap();
    let err = assert_parallel_matches(&path, &ping_options(), PARTS).unwrap_err();
    assert!(err.contains("pings.csv") && err.contains("empty"), "{err}");
}

#[test]
fn par_fold_reads_the_rest_after_sequential_batches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pings.csv");
    std::fs::write(&path, tricky_csv(200)).unwrap();
    let mut opts = ping_options();
    opts.batch_size = 16;
    let (all, all_log) = sequential(&path, &opts).unwrap();
    let mut reader = PingReader::open(&path, None, &opts)
        .unwrap()
        .with_part_size(50, 1);
    let first = reader.next().unwrap().unwrap();
    let states = reader
        .par_fold(Vec::new, |v: &mut Vec<_>, b| v.push(b))
        .unwrap();
    let mut batches = vec![first];
    batches.extend(states.into_iter().flatten());
    assert_eq!(ping_rows(&batches), all);
    assert_eq!(reject_rows(reader.rejects()), reject_rows(&all_log));
    let mut seq = PingReader::open(&path, None, &opts).unwrap();
    seq.by_ref().for_each(drop);
    assert_eq!(reader.rows(), seq.rows());
    assert!(reader.next().is_none());
}
