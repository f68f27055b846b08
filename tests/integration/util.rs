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
