//! Shared helpers: fixture paths, running the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// Runs the `catchment` binary with `args` in `dir`.
pub fn catchment(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_catchment"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run catchment")
}

pub fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// The test study's read options for pings (same salt, zone and area as tests/data/inputs/study.toml).
pub fn ping_options() -> catchment::input::ReadOptions {
    let study = catchment::study::Study::load(&fixture("inputs/study.toml")).unwrap();
    let spec = study.inputs.pings.clone().unwrap();
    study.read_options(&spec, study.bbox)
}

/// Reads every ping of `path`; returns (valid lines, rejects as (line, code)).
pub fn read_all(
    path: &Path,
    opts: &catchment::input::ReadOptions,
) -> (
    Vec<u64>,
    Vec<(u64, &'static str)>,
    catchment::input::RejectLog,
) {
    let mut reader = catchment::input::PingReader::open(path, None, opts).unwrap();
    let mut lines = Vec::new();
    for b in &mut reader {
        lines.extend(b.unwrap().line);
    }
    let rejects = reader.into_rejects();
    let codes = rejects
        .rejects()
        .iter()
        .map(|r| (r.line, r.reason.code()))
        .collect();
    (lines, codes, rejects)
}

/// The pings and rejects of a whole read, or the error it stopped on and the rejects up to it.
pub type ReadResult = Result<
    (Vec<PingRow>, catchment::input::RejectLog),
    Box<(catchment::input::InputError, catchment::input::RejectLog)>,
>;

/// One valid ping, bit for bit: (line, key, ts, lon, lat, accuracy).
pub type PingRow = (u64, u64, i64, u64, u64, u32);

/// Every ping of `batches`, sorted by line.
pub fn ping_rows<'a>(
    batches: impl IntoIterator<Item = &'a catchment::input::PingBatch>,
) -> Vec<PingRow> {
    let mut rows: Vec<PingRow> = batches
        .into_iter()
        .flat_map(|b| {
            (0..b.len()).map(|i| {
                (
                    b.line[i],
                    b.device[i].0,
                    b.ts[i],
                    b.lon[i].to_bits(),
                    b.lat[i].to_bits(),
                    b.accuracy_m[i].to_bits(),
                )
            })
        })
        .collect();
    rows.sort_unstable();
    rows
}

/// Reads `path` sequentially: its pings, its reject log, or the error it stopped on.
pub fn sequential(path: &Path, opts: &catchment::input::ReadOptions) -> ReadResult {
    let mut reader = catchment::input::PingReader::open(path, None, opts).unwrap();
    let mut batches = Vec::new();
    for b in &mut reader {
        match b {
            Ok(b) => batches.push(b),
            Err(e) => return Err(Box::new((e, reader.into_rejects()))),
        }
    }
    Ok((ping_rows(&batches), reader.into_rejects()))
}

/// Reads `path` with `par_fold` on a pool of `threads`, cutting parts of `bytes` (CSV) or `rows`
/// (Parquet): its pings, its reject log, or the error it stopped on.
pub fn parallel(
    path: &Path,
    opts: &catchment::input::ReadOptions,
    threads: usize,
    bytes: usize,
    rows: usize,
) -> ReadResult {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut reader = catchment::input::PingReader::open(path, None, opts)
        .unwrap()
        .with_part_size(bytes, rows);
    let states = pool.install(|| reader.par_fold(Vec::new, |v: &mut Vec<_>, b| v.push(b)));
    match states {
        Ok(states) => Ok((ping_rows(states.iter().flatten()), reader.into_rejects())),
        Err(e) => Err(Box::new((e, reader.into_rejects()))),
    }
}

/// The kept rejects as (line, code, reason, row), for exact comparison.
pub fn reject_rows(
    log: &catchment::input::RejectLog,
) -> Vec<(u64, &'static str, String, Vec<String>)> {
    log.rejects()
        .iter()
        .map(|r| (r.line, r.reason.code(), r.reason.to_string(), r.row.clone()))
        .collect()
}

/// Asserts that `par_fold` reads `path` exactly as sequential reading does (pings, rejects, counts,
/// or the same error), at 1 and 2 threads and for each part size; returns the sequential result.
pub fn assert_parallel_matches(
    path: &Path,
    opts: &catchment::input::ReadOptions,
    parts: &[(usize, usize)],
) -> Result<(Vec<PingRow>, catchment::input::RejectLog), String> {
    let seq = sequential(path, opts);
    for threads in [1, 2] {
        for &(bytes, rows) in parts {
            let par = parallel(path, opts, threads, bytes, rows);
            let what = format!("{} threads, parts of {bytes} B / {rows} rows", threads);
            match (&seq, &par) {
                (Ok((sp, sl)), Ok((pp, pl))) => {
                    assert_eq!(sp, pp, "pings differ ({what})");
                    assert_eq!(reject_rows(sl), reject_rows(pl), "rejects differ ({what})");
                    assert_eq!(sl.total(), pl.total(), "{what}");
                    assert_eq!(sl.by_reason(), pl.by_reason(), "{what}");
                    assert_eq!(sl.blank_lines(), pl.blank_lines(), "{what}");
                }
                (Err(s), Err(p)) => {
                    let ((se, sl), (pe, pl)) = (&**s, &**p);
                    assert_eq!(se.to_string(), pe.to_string(), "{what}");
                    assert_eq!(reject_rows(sl), reject_rows(pl), "rejects differ ({what})");
                }
                _ => panic!(
                    "sequential {:?} but parallel {:?} ({what})",
                    seq.as_ref().map(|_| ()).map_err(|e| e.0.to_string()),
                    par.as_ref().map(|_| ()).map_err(|e| e.0.to_string())
                ),
            }
        }
    }
    seq.map_err(|e| e.0.to_string())
}
