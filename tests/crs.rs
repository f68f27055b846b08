//! The CRS layer against independent reference values (see `tests/data/crs/README.md`).
//!
//! Run with `-- --nocapture` to see the measured worst errors.

use catchment::crs::{
    Crs, EpsgBackend, FromWgs84, ToWgs84, bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09,
    gcj02_to_wgs84, in_mainland_china, wgs84_to_bd09, wgs84_to_gcj02,
};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rayon::prelude::*;

/// Typed loaders for the fixtures in `tests/data/crs`.
mod fixtures {
    use std::path::PathBuf;

    fn path(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/crs")
            .join(name)
    }

    fn records(name: &str) -> Vec<csv::StringRecord> {
        let mut reader = csv::Reader::from_path(path(name)).expect("fixture exists");
        reader
            .records()
            .map(|r| r.expect("fixture row parses"))
            .collect()
    }

    fn num(r: &csv::StringRecord, i: usize) -> f64 {
        r[i].parse().expect("fixture number")
    }

    /// A row of `epsg.csv`: a WGS-84 point and its coordinates in EPSG:`code` (pyproj).
    pub struct EpsgPoint {
        pub code: u32,
        pub name: String,
        pub lon: f64,
        pub lat: f64,
        pub x: f64,
        pub y: f64,
    }

    pub fn epsg() -> Vec<EpsgPoint> {
        records("epsg.csv")
            .iter()
            .map(|r| EpsgPoint {
                code: r[0].parse().expect("code"),
                name: r[1].to_string(),
                lon: num(r, 2),
                lat: num(r, 3),
                x: num(r, 4),
                y: num(r, 5),
            })
            .collect()
    }

    /// A row of `gcj02_bd09.csv`: a WGS-84 point and its GCJ-02 and BD-09 forms (prcoords).
    pub struct ChinaPoint {
        pub name: String,
        pub mainland: bool,
        pub wgs: (f64, f64),
        pub gcj: (f64, f64),
        pub bd: (f64, f64),
    }

    pub fn gcj02_bd09() -> Vec<ChinaPoint> {
        records("gcj02_bd09.csv")
            .iter()
            .map(|r| ChinaPoint {
                name: r[0].to_string(),
                mainland: &r[1] == "1",
                wgs: (num(r, 2), num(r, 3)),
                gcj: (num(r, 4), num(r, 5)),
                bd: (num(r, 6), num(r, 7)),
            })
            .collect()
    }
}

/// Great-circle distance in metres (haversine, mean Earth radius).
fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.1.to_radians(), b.1.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.0 - a.0).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

fn max_abs_diff(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).abs().max((a.1 - b.1).abs())
}

fn backends() -> Vec<EpsgBackend> {
    vec![
        EpsgBackend::Proj4rs,
        #[cfg(feature = "proj")]
        EpsgBackend::Proj,
    ]
}

fn is_geographic(code: u32) -> bool {
    code == 4490
}

mod epsg {
    use super::*;

    #[test]
    fn both_backends_match_pyproj_to_the_millimetre() {
        let points = fixtures::epsg();
        assert!(points.len() >= 30, "fixture has {} rows", points.len());
        for backend in backends() {
            let (mut worst_xy_m, mut worst_geo_deg) = (0.0_f64, 0.0_f64);
            for p in &points {
                let crs = Crs::Epsg(p.code);
                let to = ToWgs84::with_backend(crs, backend).unwrap();
                let from = FromWgs84::with_backend(crs, backend).unwrap();

                let (x, y) = from.convert(p.lon, p.lat).unwrap();
                let err = max_abs_diff((x, y), (p.x, p.y));
                if is_geographic(p.code) {
                    assert!(err <= 1e-8, "{backend} {crs} {}: {err}°", p.name);
                    worst_geo_deg = worst_geo_deg.max(err);
                } else {
                    assert!(err <= 1e-3, "{backend} {crs} {}: {err} m", p.name);
                    worst_xy_m = worst_xy_m.max(err);
                }

                let (lon, lat) = to.convert(p.x, p.y).unwrap();
                let err = max_abs_diff((lon, lat), (p.lon, p.lat));
                assert!(err <= 1e-8, "{backend} {crs} {} inverse: {err}°", p.name);
                worst_geo_deg = worst_geo_deg.max(err);
            }
            eprintln!(
                "{backend}: worst projected error {worst_xy_m:.3e} m, worst geographic error \
                 {worst_geo_deg:.3e}° over {} points",
                points.len()
            );
        }
    }

    #[test]
    fn unknown_codes_fail_at_construction() {
        for backend in backends() {
            let err = ToWgs84::with_backend(Crs::Epsg(99_999), backend).unwrap_err();
            assert!(err.to_string().contains("EPSG:99999"), "{err}");
            assert!(FromWgs84::with_backend(Crs::Epsg(99_999), backend).is_err());
        }
    }

    #[test]
    fn random_round_trips_in_the_gauss_kruger_zone() {
        let mut rng = Pcg64::seed_from_u64(4547);
        for backend in backends() {
            let to = ToWgs84::with_backend(Crs::Epsg(4547), backend).unwrap();
            let from = FromWgs84::with_backend(Crs::Epsg(4547), backend).unwrap();
            let mut worst = 0.0_f64;
            for _ in 0..2_000 {
                let p = (rng.random_range(112.5..115.5), rng.random_range(18.0..45.0));
                let (x, y) = from.convert(p.0, p.1).unwrap();
                let back = to.convert(x, y).unwrap();
                worst = worst.max(haversine_m(p, back));
            }
            eprintln!("{backend}: EPSG:4547 round trip worst {worst:.3e} m");
            assert!(worst < 1e-6, "{backend}: {worst} m");
        }
    }

    /// With the `proj` feature both backends are present: they agree on random points too.
    #[cfg(feature = "proj")]
    #[test]
    fn backends_agree_on_random_points() {
        let mut rng = Pcg64::seed_from_u64(2000);
        for code in [3857, 4547, 4490, 4526, 32650] {
            let crs = Crs::Epsg(code);
            let rust = FromWgs84::with_backend(crs, EpsgBackend::Proj4rs).unwrap();
            let proj = FromWgs84::with_backend(crs, EpsgBackend::Proj).unwrap();
            let (lo, hi) = match code {
                4547 => (112.5, 115.5),
                4526 => (112.5, 115.5), // CGCS2000 3-degree zone 38 (CM 114E, zone prefix)
                32650 => (114.0, 120.0),
                _ => (74.0, 134.0),
            };
            let mut worst = 0.0_f64;
            for _ in 0..2_000 {
                let p = (rng.random_range(lo..hi), rng.random_range(18.0..53.0));
                let a = rust.convert(p.0, p.1).unwrap();
                let b = proj.convert(p.0, p.1).unwrap();
                worst = worst.max(max_abs_diff(a, b));
            }
            eprintln!("EPSG:{code}: proj4rs vs PROJ worst {worst:.3e}");
            let tolerance = if code == 4490 { 1e-8 } else { 1e-3 };
            assert!(worst <= tolerance, "EPSG:{code}: {worst}");
        }
    }

    #[test]
    fn converters_work_from_many_threads() {
        let points = fixtures::epsg();
        let to = ToWgs84::new(Crs::Epsg(4547)).unwrap();
        let errors: Vec<f64> = points
            .par_iter()
            .filter(|p| p.code == 4547)
            .map_with(to, |to, p| {
                let got = to.convert(p.x, p.y).unwrap();
                max_abs_diff(got, (p.lon, p.lat))
            })
            .collect();
        assert!(errors.iter().all(|&e| e <= 1e-8), "{errors:?}");
    }
}

mod gcj02_bd09 {
    use super::*;

    #[test]
    fn forward_matches_prcoords_and_coordtransform() {
        for p in fixtures::gcj02_bd09() {
            let gcj = wgs84_to_gcj02(p.wgs.0, p.wgs.1);
            let bd = wgs84_to_bd09(p.wgs.0, p.wgs.1);
            assert!(max_abs_diff(gcj, p.gcj) <= 1e-9, "{}: {gcj:?}", p.name);
            assert!(max_abs_diff(bd, p.bd) <= 1e-9, "{}: {bd:?}", p.name);
            assert!(max_abs_diff(gcj02_to_bd09(p.gcj.0, p.gcj.1), p.bd) <= 1e-9);
            assert_eq!(
                in_mainland_china(p.wgs.0, p.wgs.1),
                p.mainland,
                "{}",
                p.name
            );

            // The coordtransform crate has its own mask, which agrees on these points; outside
            // the mainland it leaves BD-09 as WGS-84, so only the GCJ-02 step is compared there.
            let theirs = coordtransform::wgs84_to_gcj02(p.wgs.0, p.wgs.1);
            assert!(max_abs_diff(gcj, theirs) <= 1e-9, "{}", p.name);
            if p.mainland {
                let theirs = coordtransform::wgs84_to_bd09(p.wgs.0, p.wgs.1);
                assert!(max_abs_diff(bd, theirs) <= 1e-9, "{}", p.name);
            }
        }
    }

    #[test]
    fn gcj02_is_identity_outside_mainland() {
        let outside = [
            ("Hong Kong Central", 114.1588, 22.2820),
            ("Kowloon", 114.1722, 22.3110),
            ("Macau peninsula", 113.5393, 22.1935),
            ("Taipei", 121.5654, 25.0330),
            ("Seoul", 126.9780, 37.5665),
            ("Monaco", 7.42, 43.73),
        ];
        for (name, lon, lat) in outside {
            assert_eq!(wgs84_to_gcj02(lon, lat), (lon, lat), "{name}");
            assert_eq!(gcj02_to_wgs84(lon, lat), (lon, lat), "{name}");
            assert_eq!(
                coordtransform::wgs84_to_gcj02(lon, lat),
                (lon, lat),
                "{name}"
            );
        }
    }

    #[test]
    fn inverses_recover_the_reference_points_to_a_centimetre() {
        let (mut worst_gcj, mut worst_bd) = (0.0_f64, 0.0_f64);
        let mut worst_one_step = 0.0_f64;
        for p in fixtures::gcj02_bd09() {
            let w = gcj02_to_wgs84(p.gcj.0, p.gcj.1);
            let d = haversine_m(w, p.wgs);
            assert!(d < 0.01, "{}: GCJ-02 inverse {d} m", p.name);
            worst_gcj = worst_gcj.max(d);

            let w = bd09_to_wgs84(p.bd.0, p.bd.1);
            let d = haversine_m(w, p.wgs);
            assert!(d < 0.01, "{}: BD-09 inverse {d} m", p.name);
            worst_bd = worst_bd.max(d);

            let g = bd09_to_gcj02(p.bd.0, p.bd.1);
            assert!(haversine_m(g, p.gcj) < 0.01, "{}", p.name);

            if p.mainland {
                // Same inverse as coordtransform's refined one.
                let theirs = coordtransform::gcj02_to_wgs84(p.gcj.0, p.gcj.1);
                assert!(haversine_m(w, theirs) < 0.01, "{}", p.name);
                // The textbook one-step inverse, for the record.
                let one = wgs84_to_gcj02(p.gcj.0, p.gcj.1);
                let one_step = (2.0 * p.gcj.0 - one.0, 2.0 * p.gcj.1 - one.1);
                worst_one_step = worst_one_step.max(haversine_m(one_step, p.wgs));
            }
        }
        eprintln!(
            "inverse worst: GCJ-02 {worst_gcj:.3e} m, BD-09 {worst_bd:.3e} m; \
             one-step GCJ-02 inverse would be {worst_one_step:.2} m off"
        );
        assert!(worst_one_step > 0.5, "the iteration should matter");
    }

    #[test]
    fn converters_apply_the_same_transforms() {
        for p in fixtures::gcj02_bd09() {
            let from_gcj = ToWgs84::new(Crs::Gcj02).unwrap();
            let from_bd = ToWgs84::new(Crs::Bd09).unwrap();
            assert!(haversine_m(from_gcj.convert(p.gcj.0, p.gcj.1).unwrap(), p.wgs) < 0.01);
            assert!(haversine_m(from_bd.convert(p.bd.0, p.bd.1).unwrap(), p.wgs) < 0.01);
            let to_gcj = FromWgs84::new(Crs::Gcj02).unwrap();
            let to_bd = FromWgs84::new(Crs::Bd09).unwrap();
            assert!(max_abs_diff(to_gcj.convert(p.wgs.0, p.wgs.1).unwrap(), p.gcj) <= 1e-9);
            assert!(max_abs_diff(to_bd.convert(p.wgs.0, p.wgs.1).unwrap(), p.bd) <= 1e-9);
        }
    }

    /// Seeded property test: round trips over random mainland points.
    #[test]
    fn random_mainland_round_trips_stay_under_a_centimetre() {
        let mut rng = Pcg64::seed_from_u64(0x6c6a_3032);
        let (mut n, mut worst_gcj, mut worst_bd, mut worst_bd_gcj) = (0, 0.0_f64, 0.0_f64, 0.0_f64);
        while n < 50_000 {
            let w = (rng.random_range(73.0..135.5), rng.random_range(18.0..54.0));
            if !in_mainland_china(w.0, w.1) {
                continue;
            }
            n += 1;
            let g = wgs84_to_gcj02(w.0, w.1);
            let b = wgs84_to_bd09(w.0, w.1);
            worst_gcj = worst_gcj.max(haversine_m(gcj02_to_wgs84(g.0, g.1), w));
            worst_bd = worst_bd.max(haversine_m(bd09_to_wgs84(b.0, b.1), w));
            worst_bd_gcj = worst_bd_gcj.max(haversine_m(bd09_to_gcj02(b.0, b.1), g));
        }
        eprintln!(
            "{n} random mainland points: worst round trip GCJ-02 {worst_gcj:.3e} m, \
             BD-09 {worst_bd:.3e} m, BD-09→GCJ-02 {worst_bd_gcj:.3e} m"
        );
        assert!(worst_gcj < 0.01 && worst_bd < 0.01 && worst_bd_gcj < 0.01);
    }

    /// Outside the mask, far from its edge, GCJ-02 is the identity and BD-09 round-trips too.
    #[test]
    fn random_points_outside_china_round_trip() {
        let mut rng = Pcg64::seed_from_u64(7);
        for _ in 0..10_000 {
            let w = (
                rng.random_range(-180.0..180.0),
                rng.random_range(-80.0..80.0),
            );
            if (60.0..140.0).contains(&w.0) && (10.0..60.0).contains(&w.1) {
                continue;
            }
            assert_eq!(wgs84_to_gcj02(w.0, w.1), w);
            assert_eq!(gcj02_to_wgs84(w.0, w.1), w);
            let b = wgs84_to_bd09(w.0, w.1);
            assert!(haversine_m(bd09_to_wgs84(b.0, b.1), w) < 0.01, "{w:?}");
        }
    }
}
