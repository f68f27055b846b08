//! Inputs in GCJ-02, BD-09 and a projected EPSG code are converted to WGS-84 on read.

use catchment::crs::{Crs, wgs84_to_bd09, wgs84_to_gcj02};
use catchment::input::{ReadOptions, read_branches};

const SHANGHAI: (f64, f64) = (121.4737, 31.2304);

fn read(crs: Crs, x: f64, y: f64) -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("branches.csv");
    std::fs::write(&path, format!("branch_id,name,lon,lat\nb1,Bund,{x},{y}\n")).unwrap();
    let opts = ReadOptions::new("s", jiff::tz::TimeZone::UTC).with_crs(crs);
    let b = read_branches(&path, &opts).unwrap();
    assert_eq!(b.rejects.total(), 0);
    (b.records[0].lon, b.records[0].lat)
}

fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let k = a.1.to_radians().cos();
    ((a.0 - b.0) * k).hypot(a.1 - b.1) * 111_320.0
}

#[test]
fn gcj02_and_bd09_inputs_land_on_wgs84() {
    let (gx, gy) = wgs84_to_gcj02(SHANGHAI.0, SHANGHAI.1);
    assert!(
        metres((gx, gy), SHANGHAI) > 100.0,
        "GCJ-02 shifts Shanghai by hundreds of metres"
    );
    assert!(metres(read(Crs::Gcj02, gx, gy), SHANGHAI) < 0.01);
    let (bx, by) = wgs84_to_bd09(SHANGHAI.0, SHANGHAI.1);
    assert!(metres(read(Crs::Bd09, bx, by), SHANGHAI) < 0.01);
}

#[test]
fn web_mercator_input_lands_on_wgs84() {
    // EPSG:3857 is spherical Mercator on the WGS-84 semi-major axis; its forward formula.
    let x = SHANGHAI.0.to_radians() * 6_378_137.0;
    let y = (std::f64::consts::FRAC_PI_4 + SHANGHAI.1.to_radians() / 2.0)
        .tan()
        .ln()
        * 6_378_137.0;
    assert!(metres(read(Crs::Epsg(3857), x, y), SHANGHAI) < 0.001);
}
