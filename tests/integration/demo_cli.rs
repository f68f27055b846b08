//! `catchment demo` on the bundled Monaco study, as a new user runs it. The demo runs twice (at
//! one and at two threads) once per test binary; the tests share those outputs.

use crate::util::{catchment, text};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

struct Demo {
    _dir: tempfile::TempDir,
    one: PathBuf,
    two: PathBuf,
    stdout: String,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let run = |out: &str, threads: &str| -> Output {
            let o = catchment(dir.path(), &["demo", "-o", out, "--threads", threads]);
            assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
            o
        };
        let a = run("one", "1");
        run("two", "2");
        Demo {
            one: dir.path().join("one"),
            two: dir.path().join("two"),
            stdout: text(&a.stdout),
            _dir: dir,
        }
    })
}

fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

fn geojson(path: &Path) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].as_object().unwrap().clone())
        .collect()
}

#[test]
fn demo_reads_every_monaco_input() {
    let d = demo();
    let stdout = &d.stdout;
    assert!(
        stdout.contains("branches 4, POIs 527, admin areas 9, devices 1500"),
        "{stdout}"
    );
    // Only the synthetic pings' coarse fixes (cell-tower accuracy > 200 m) are rejected.
    let pings = stdout.lines().find(|l| l.starts_with("pings")).unwrap();
    let cols: Vec<&str> = pings.split_whitespace().collect();
    let (rows, valid, rejected): (u64, u64, u64) = (
        cols[1].parse().unwrap(),
        cols[2].parse().unwrap(),
        cols[3].parse().unwrap(),
    );
    assert_eq!(rows, valid + rejected);
    assert!(valid > 400_000, "{pings}");
    assert!(stdout.contains("accuracy_too_large"), "{stdout}");
    let rejects = std::fs::read_to_string(d.one.join("rejects/pings.csv")).unwrap();
    assert_eq!(rejects.lines().count() as u64, rejected + 1);
    assert!(
        stdout.contains(&format!("footfall   {valid} pings of 1500 devices")),
        "{stdout}"
    );
}

#[test]
fn demo_output_is_byte_identical_at_one_and_two_threads() {
    let d = demo();
    let (a, b) = (files(&d.one), files(&d.two));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(
            v == &b[k],
            "{} differs between 1 and 2 threads",
            k.display()
        );
    }
    for f in [
        "layers/fences.geojson",
        "layers/heat_grid.geojson",
        "tables/hourly.csv",
        "tables/opening_hours.csv",
        "tables/poi_footfall.csv",
        "rejects/pings.csv",
    ] {
        assert!(a.contains_key(Path::new(f)), "{f} missing");
    }
}

#[test]
fn demo_writes_every_fence_kind_for_every_branch() {
    let d = demo();
    let fences = crate::fences_cli::check_fences_layer(&d.one.join("layers/fences.geojson"));
    let mut kinds: BTreeMap<&str, std::collections::BTreeSet<&str>> = Default::default();
    for (branch, _, kind, _) in &fences {
        kinds.entry(branch).or_default().insert(kind);
    }
    assert_eq!(kinds.len(), 4);
    for (branch, k) in &kinds {
        assert_eq!(k.len(), 6, "{branch}: {k:?}");
    }
    // Travel intervals are nested bands of one isochrone: 5 minutes inside 10.
    assert!(
        fences.iter().any(|f| f.1 == "walk_10/5") && fences.iter().any(|f| f.1 == "walk_10/10")
    );
}

/// A published count of devices is 0 or at least the threshold (10); nulls are flagged.
fn check_published(row: &serde_json::Map<String, serde_json::Value>, fields: &[&str]) {
    let mut any_null = false;
    for f in fields {
        match &row[*f] {
            serde_json::Value::Null => any_null = true,
            v => {
                let n = v.as_u64().unwrap_or_else(|| panic!("{f} = {v} in {row:?}"));
                assert!(n == 0 || n >= 10, "{f} = {n} in {row:?}");
            }
        }
    }
    if any_null {
        assert_eq!(row["suppressed"], true, "{row:?}");
    }
}

#[test]
fn demo_heat_grid_has_hours_stays_and_no_small_counts() {
    let d = demo();
    let rows = geojson(&d.one.join("layers/heat_grid.geojson"));
    assert!(rows.len() > 200, "{} cells", rows.len());
    let mut hours: Vec<&str> = vec!["devices"];
    let names: Vec<String> = (0..24).map(|h| format!("h{h:02}")).collect();
    hours.extend(names.iter().map(String::as_str));
    let mut stays = 0;
    let mut busy = 0;
    for r in &rows {
        let h3 = r["h3"].as_str().unwrap();
        assert!(
            h3.parse::<h3o::CellIndex>()
                .is_ok_and(|c| c.resolution() == h3o::Resolution::Ten)
        );
        check_published(r, &hours);
        stays += r["stays"].as_u64().unwrap_or(0);
        if r["devices"].as_u64().unwrap_or(0) >= 100 {
            busy += 1;
            assert!(r["peak_hour"].is_u64(), "{r:?}");
        }
    }
    assert!(stays > 1000, "{stays} stays");
    assert!(busy > 10, "{busy} cells with 100+ devices");
}

#[test]
fn demo_fences_carry_footfall_and_roles() {
    let d = demo();
    let rows = geojson(&d.one.join("layers/fences.geojson"));
    let primary: Vec<_> = rows.iter().filter(|r| r["primary"] == true).collect();
    assert_eq!(primary.len(), 4);
    for r in &primary {
        for f in [
            "devices",
            "residents",
            "workers",
            "visitors",
            "visits",
            "customers",
        ] {
            let n = r[f]
                .as_u64()
                .unwrap_or_else(|| panic!("{f} missing in {r:?}"));
            assert!(n >= 10, "{f} = {n} in {r:?}");
        }
        assert!(r["devices"].as_u64() >= r["customers"].as_u64());
    }
    for r in &rows {
        check_published(
            r,
            &["devices", "customers", "residents", "workers", "visitors"],
        );
    }
}

#[test]
fn demo_hourly_table_covers_every_fence_hour_and_segment() {
    let d = demo();
    let text = std::fs::read_to_string(d.one.join("tables/hourly.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "branch_id,fence_id,day_type,hour,segment,devices,visits,days,suggested_staff,suppressed"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // 72 non-grid fences × 3 day types × 24 hours × (all + non-customers + 3 tiers).
    assert_eq!(rows.len(), 72 * 3 * 24 * 5);
    let mut staffed = 0;
    for r in &rows {
        if let Ok(n) = r[5].parse::<u64>() {
            assert!(n == 0 || n >= 10, "{r:?}");
        } else {
            assert_eq!(r[9], "true", "{r:?}");
        }
        if r[4] == "all" && r[8].parse::<u32>().is_ok_and(|s| s > 0) {
            staffed += 1;
        }
        assert!(
            r[4] == "all" || r[8].is_empty(),
            "staff only on `all`: {r:?}"
        );
    }
    assert!(staffed > 0, "some hour needs staff");
    let opening = std::fs::read_to_string(d.one.join("tables/opening_hours.csv")).unwrap();
    assert_eq!(opening.lines().count(), 1 + 4 * 2);
}

#[test]
fn demo_outputs_never_contain_raw_device_ids() {
    let d = demo();
    let devices = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/monaco/devices.csv"),
    )
    .unwrap();
    let ids: Vec<&str> = devices
        .lines()
        .skip(1)
        .step_by(50)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert!(ids.len() >= 30);
    for (path, bytes) in files(&d.one) {
        let text = String::from_utf8_lossy(&bytes);
        for id in &ids {
            assert!(!text.contains(id), "{id} in {}", path.display());
        }
    }
}
