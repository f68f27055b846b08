//! `catchment footfall <study>` end to end: a hand-made study with a known answer, bad rows, and
//! `--strict`.

use crate::util::{catchment, fixture, text};
use std::fmt::Write as _;
use std::path::Path;

/// A branch in Shanghai with a 500 m fence; 12 devices ping next to it on Monday 2026-06-01 at
/// 10:xx local time (02:xx UTC), 3 of them customers of tier `gold`; 4 more devices ping only far
/// away. One of the 12 also stays an hour (10 pings over 60 minutes) in the fence.
fn write_study(dir: &Path) {
    std::fs::write(
        dir.join("study.toml"),
        r#"name = "known answer"
salt = "s"
timezone = "Asia/Shanghai"
bbox = [121.40, 31.18, 121.55, 31.28]
h3_resolution = 9
[validation]
tiers = ["gold"]
[privacy]
min_devices = 10
[inputs]
pings = { path = "pings.csv" }
devices = { path = "devices.csv" }
branches = { path = "branches.csv" }
[[fences]]
kind = "radius"
meters = 500
primary = true
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("branches.csv"),
        "branch_id,name,lon,lat\nb1,Bund,121.4737,31.2304\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("devices.csv"),
        "device_id,tier\nd00,gold\nd01,gold\nd02,gold\nd03,\n",
    )
    .unwrap();
    let mut p = String::from("device_id,ts,lon,lat\n");
    let monday_10 = 1_780_279_200; // 2026-06-01T02:00:00Z = Monday 10:00 in Shanghai
    for d in 0..12 {
        let _ = writeln!(p, "d{d:02},{},121.4740,31.2306", monday_10 + 60 * d);
    }
    for k in 0..10 {
        let _ = writeln!(p, "d00,{},121.4738,31.2305", monday_10 + 900 + 400 * k);
    }
    for d in 12..16 {
        let _ = writeln!(p, "d{d:02},{},121.5300,31.2600", monday_10);
    }
    p.push_str("d99,not-a-time,121.47,31.23\n");
    std::fs::write(dir.join("pings.csv"), p).unwrap();
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

#[test]
fn footfall_counts_a_known_study() {
    let dir = tempfile::tempdir().unwrap();
    write_study(dir.path());
    let o = catchment(dir.path(), &["footfall", "study.toml", "-o", "out"]);
    let stdout = text(&o.stdout);
    assert!(o.status.success(), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.contains("footfall   26 pings of 16 devices (3 customers)"),
        "{stdout}"
    );

    let v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out/layers/fences.geojson")).unwrap(),
    )
    .unwrap();
    let props = &v["features"][0]["properties"];
    assert_eq!(props["devices"], 12, "{props}");
    assert_eq!(props["pings"], 22, "{props}");
    // 3 customers: under the threshold, suppressed and flagged.
    assert!(props["customers"].is_null(), "{props}");
    assert_eq!(props["suppressed"], true);

    // Hourly: weekday, 10:00 local, all segments: 12 devices; 09:00 and 02:00 (UTC) have none.
    let hourly = csv_rows(&dir.path().join("out/tables/hourly.csv"));
    let at = |day: &str, hour: &str, seg: &str| {
        hourly
            .iter()
            .find(|r| r[2] == day && r[3] == hour && r[4] == seg)
            .unwrap_or_else(|| panic!("{day} {hour} {seg}"))
            .clone()
    };
    assert_eq!(at("weekday", "10", "all")[5], "12");
    assert_eq!(at("all", "10", "all")[5], "12");
    assert_eq!(at("weekday", "2", "all")[5], "0");
    assert_eq!(at("weekend", "10", "all")[5], "0");
    // 9 non-customers and 3 gold: both under 10, both suppressed.
    assert_eq!(at("weekday", "10", "non_customer")[5], "");
    assert_eq!(at("weekday", "10", "tier_gold")[5], "");
    // One stay of one device: a visit, suppressed (1 visiting device).
    assert_eq!(at("weekday", "10", "all")[6], "");

    // The heat grid has the fence's cell with 12 devices at 10:00.
    let v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out/layers/heat_grid.geojson")).unwrap(),
    )
    .unwrap();
    let cell = h3o::LatLng::new(31.2306, 121.4740)
        .unwrap()
        .to_cell(h3o::Resolution::Nine);
    let f = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["h3"] == cell.to_string().as_str())
        .expect("the fence's cell");
    assert_eq!(f["properties"]["devices"], 12);
    assert_eq!(f["properties"]["h10"], 12);
    assert_eq!(f["properties"]["peak_hour"], 10);

    // The bad row is in the rejects with its line and the device key, not the raw id.
    let rejects = std::fs::read_to_string(dir.path().join("out/rejects/pings.csv")).unwrap();
    assert!(
        rejects.lines().nth(1).is_some_and(|l| l.starts_with("28,")),
        "{rejects}"
    );
    assert!(rejects.contains("bad_time"), "{rejects}");
    assert!(!rejects.contains("d99"), "{rejects}");
}

#[test]
fn strict_footfall_stops_on_rejects() {
    let dir = tempfile::tempdir().unwrap();
    write_study(dir.path());
    let o = catchment(
        dir.path(),
        &["footfall", "study.toml", "-o", "out", "--strict"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    let stderr = text(&o.stderr);
    assert!(stderr.contains("pings.csv"), "{stderr}");
    assert!(!dir.path().join("out/layers/heat_grid.geojson").exists());
}

#[test]
fn footfall_on_the_bad_rows_study_keeps_going_and_suppresses() {
    let dir = tempfile::tempdir().unwrap();
    let study = fixture("inputs/study.toml");
    let o = catchment(
        dir.path(),
        &[
            "footfall",
            study.to_str().unwrap(),
            "-o",
            "out",
            "--threads",
            "2",
        ],
    );
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(dir.path().join("out/rejects/pings.csv").exists());
    let v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out/layers/heat_grid.geojson")).unwrap(),
    )
    .unwrap();
    for f in v["features"].as_array().unwrap() {
        let d = &f["properties"]["devices"];
        assert!(d.is_null() || d.as_u64().unwrap() >= 10, "{f}");
    }
}
