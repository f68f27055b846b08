use super::*;
use crate::mobility::distance::{EARTH_RADIUS_M, haversine_m};

const LON: f64 = 121.4737;
const LAT: f64 = 31.2304;

fn params() -> StayParams {
    StayParams {
        radius_m: 100.0,
        min_duration_s: 600,
        max_gap_s: 3600,
        gap: GapRule::Split,
        include_last: true,
    }
}

/// The point `east_m`, `north_m` metres from (LON, LAT).
fn at(ts: i64, east_m: f64, north_m: f64) -> TrackPoint {
    let lat = LAT + (north_m / EARTH_RADIUS_M).to_degrees();
    let lon = LON + (east_m / (EARTH_RADIUS_M * LAT.to_radians().cos())).to_degrees();
    TrackPoint { ts, lon, lat }
}

fn stays(points: &[TrackPoint], p: &StayParams) -> Vec<Stay> {
    let mut out = vec![Stay {
        start: -1,
        end: -1,
        lon: 0.0,
        lat: 0.0,
        pings: 0,
        first: 0,
    }];
    detect_stays(points, p, &mut out);
    out
}

#[test]
fn fifteen_minutes_then_moving() {
    let mut pts: Vec<_> = (0..16).map(|i| at(60 * i, 0.0, 0.0)).collect();
    pts.extend((1..6).map(|i| at(900 + 60 * i, 90.0 * i as f64, 0.0)));
    let s = stays(&pts, &params());
    assert_eq!(s.len(), 1);
    // Ends at the first ping outside (180 m at 17:00), which is not one of its pings.
    assert_eq!(
        (s[0].start, s[0].end, s[0].pings, s[0].first),
        (0, 1020, 17, 0)
    );
    assert_eq!(s[0].duration_s(), 1020);
    assert!(haversine_m(s[0].lon, s[0].lat, LON, LAT) < 6.0);
}

#[test]
fn two_stays_separated_by_a_walk() {
    let mut pts: Vec<_> = (0..11).map(|i| at(120 * i, 0.0, 0.0)).collect();
    pts.extend((1..11).map(|i| at(1200 + 60 * i, 80.0 * i as f64, 0.0)));
    pts.extend((1..16).map(|i| at(1800 + 120 * i, 800.0, 0.0)));
    pts.extend((1..4).map(|i| at(3600 + 60 * i, 800.0 + 150.0 * i as f64, 0.0)));
    let s = stays(&pts, &params());
    assert_eq!(s.len(), 2, "{s:?}");
    // First: pings 0..=11 (the 80 m step is inside), ended by the 160 m ping at 1320 s.
    assert_eq!(
        (s[0].start, s[0].end, s[0].first, s[0].pings),
        (0, 1320, 0, 12)
    );
    // Second: anchored at the 800 m ping of the walk (1800 s), ended by 950 m at 3660 s.
    assert_eq!((s[1].start, s[1].end, s[1].first), (1800, 3660, 20));
    assert_eq!(s[1].pings, 16);
    assert!(haversine_m(s[1].lon, s[1].lat, at(0, 800.0, 0.0).lon, LAT) < 0.01);
}

#[test]
fn exactly_ten_minutes_is_a_stay_one_second_less_is_not() {
    for (last, n) in [(600, 1), (599, 0)] {
        let mut pts: Vec<_> = (0..10).map(|i| at(60 * i, 0.0, 0.0)).collect();
        pts.push(at(last, 300.0, 0.0));
        let mut p = params();
        p.include_last = false;
        assert_eq!(stays(&pts, &p).len(), n, "last ping at {last}");
    }
}

#[test]
fn distance_threshold_is_inclusive_for_moving_on() {
    // 99.99 m stays inside; 100.01 m ends the candidate (at 100 m or more it is outside).
    for (d, n) in [(99.99, 1), (100.01, 0)] {
        let pts = [at(0, 0.0, 0.0), at(300, d, 0.0), at(700, 0.0, 0.0)];
        let mut p = params();
        p.include_last = true;
        let s = stays(&pts, &p);
        assert_eq!(s.len(), n, "{d}: {s:?}");
    }
}

#[test]
fn a_61_minute_gap_splits_a_stationary_period() {
    let mut pts: Vec<_> = (0..7).map(|i| at(300 * i, 0.0, 0.0)).collect();
    let t1 = 1800 + 61 * 60;
    pts.extend((0..7).map(|i| at(t1 + 300 * i, 2.0, 1.0)));
    pts.push(at(t1 + 1860, 500.0, 0.0));
    let s = stays(&pts, &params());
    assert_eq!(s.len(), 2, "{s:?}");
    // Split: the part before the gap ends at its last ping.
    assert_eq!((s[0].start, s[0].end, s[0].pings), (0, 1800, 7));
    assert_eq!(
        (s[1].start, s[1].end, s[1].first, s[1].pings),
        (t1, t1 + 1860, 7, 7)
    );
    // trackintel's Discard drops the part before the gap.
    let mut p = params();
    p.gap = GapRule::Discard;
    let d = stays(&pts, &p);
    assert_eq!(d, vec![s[1]]);
    // Exactly 60 minutes is no gap: one stay across it.
    let pts = [at(0, 0.0, 0.0), at(3600, 0.0, 0.0), at(3660, 400.0, 0.0)];
    let s = stays(&pts, &p);
    assert_eq!((s.len(), s[0].end, s[0].pings), (1, 3660, 2));
}

#[test]
fn jitter_of_60_m_around_the_first_ping_is_one_stay_centred() {
    // Deterministic angles; the first ping is at the centre, so every ping is within 60 m of it.
    let mut pts = vec![at(0, 0.0, 0.0)];
    for i in 1..=40 {
        let a = f64::from(i) * 2.399_963; // golden angle: even spread
        pts.push(at(60 * i64::from(i), 60.0 * a.cos(), 60.0 * a.sin()));
    }
    pts.push(at(41 * 60, 1000.0, 0.0));
    let s = stays(&pts, &params());
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].pings, s[0].end), (41, 2460));
    assert!(haversine_m(s[0].lon, s[0].lat, LON, LAT) < 5.0);
}

#[test]
fn a_fast_drive_is_no_stay() {
    let pts: Vec<_> = (0..61).map(|i| at(30 * i, 450.0 * i as f64, 0.0)).collect();
    assert!(stays(&pts, &params()).is_empty());
}

#[test]
fn single_ping_and_empty_input() {
    assert!(stays(&[], &params()).is_empty());
    assert!(stays(&[at(0, 0.0, 0.0)], &params()).is_empty());
    let mut p = params();
    p.min_duration_s = 0;
    // With no minimum, trackintel's include_last makes a lone ping a zero-length stay.
    let s = stays(&[at(5, 0.0, 0.0)], &p);
    assert_eq!((s.len(), s[0].start, s[0].end, s[0].pings), (1, 5, 5, 1));
}

#[test]
fn equal_timestamps() {
    let mut pts: Vec<_> = (0..12)
        .map(|i| at(120 * (i / 2), (i % 2) as f64, 0.0))
        .collect();
    pts.push(at(720, 200.0, 0.0));
    pts.push(at(720, 210.0, 0.0));
    let s = stays(&pts, &params());
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].start, s[0].end, s[0].pings), (0, 720, 12));
}

#[test]
fn end_of_data_follows_include_last() {
    let pts: Vec<_> = (0..20).map(|i| at(120 * i, 0.0, 0.0)).collect();
    assert_eq!(stays(&pts, &params())[0].end, 2280);
    let mut p = params();
    p.include_last = false;
    assert!(stays(&pts, &p).is_empty());
}

#[test]
fn odd_input_does_not_panic() {
    // Unsorted: processed in order, backwards steps are no gaps, stays keep end >= start.
    let pts = [
        at(1000, 0.0, 0.0),
        at(0, 0.0, 0.0),
        at(2000, 0.0, 0.0),
        at(1700, 500.0, 0.0),
    ];
    let s = stays(&pts, &params());
    assert_eq!(
        (s.len(), s[0].start, s[0].end, s[0].pings),
        (1, 1000, 1700, 3)
    );
    // NaN never joins a stay, never anchors one, and does not poison the centre.
    let mut pts: Vec<_> = (0..12).map(|i| at(60 * i, 0.0, 0.0)).collect();
    pts[5].lon = f64::NAN;
    pts.push(TrackPoint {
        ts: 2000,
        lon: f64::NAN,
        lat: f64::NAN,
    });
    pts.push(at(4000, 0.0, 0.0));
    let s = stays(&pts, &params());
    assert!(
        s.iter().all(|s| s.lon.is_finite() && s.lat.is_finite()),
        "{s:?}"
    );
    // Extreme times do not overflow.
    let pts = [at(i64::MIN, 0.0, 0.0), at(i64::MAX, 0.0, 0.0)];
    let s = stays(&pts, &params());
    assert!(s.is_empty(), "{s:?}");
}

#[test]
fn params_from_study_defaults() {
    let m = MobilityParams::default();
    assert_eq!(StayParams::from(&m), params());
}

// ---- Differential test against trackintel (tests/data/mobility/README.md) ----

struct FixtureTrack {
    name: String,
    points: Vec<TrackPoint>,
    /// (mode name, stays as [start, end, lon, lat, pings, first]).
    expected: Vec<(String, Vec<[f64; 6]>)>,
}

fn load_fixture() -> Vec<FixtureTrack> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/mobility/trackintel_staypoints.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture present");
    let v: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    assert_eq!(v["params"]["dist_threshold_m"], 100.0);
    v["tracks"]
        .as_array()
        .expect("tracks")
        .iter()
        .map(|t| FixtureTrack {
            name: t["name"].as_str().expect("name").to_owned(),
            points: t["points"]
                .as_array()
                .expect("points")
                .iter()
                .map(|p| TrackPoint {
                    ts: p[0].as_i64().expect("ts"),
                    lon: p[1].as_f64().expect("lon"),
                    lat: p[2].as_f64().expect("lat"),
                })
                .collect(),
            expected: t["expected"]
                .as_object()
                .expect("expected")
                .iter()
                .map(|(mode, stays)| {
                    let stays = stays
                        .as_array()
                        .expect("stays")
                        .iter()
                        .map(|s| std::array::from_fn(|k| s[k].as_f64().expect("number")))
                        .collect();
                    (mode.clone(), stays)
                })
                .collect(),
        })
        .collect()
}

#[test]
fn matches_trackintel_sliding_staypoints() {
    let tracks = load_fixture();
    assert!(tracks.len() >= 18);
    let mut out = Vec::new();
    let mut compared = 0;
    let mut same_centre = 0;
    for t in &tracks {
        for (mode, expected) in &t.expected {
            let (gap, include_last) = match mode.as_str() {
                "discard" => (GapRule::Discard, false),
                "discard_last" => (GapRule::Discard, true),
                "split" => (GapRule::Split, false),
                "split_last" => (GapRule::Split, true),
                other => panic!("unknown mode {other}"),
            };
            let p = StayParams {
                gap,
                include_last,
                ..params()
            };
            detect_stays(&t.points, &p, &mut out);
            let ctx = format!("{} / {mode}", t.name);
            assert_eq!(out.len(), expected.len(), "{ctx}: {out:?}");
            for (s, e) in out.iter().zip(expected) {
                assert_eq!(s.start, e[0] as i64, "{ctx}");
                assert_eq!(s.end, e[1] as i64, "{ctx}");
                assert_eq!(s.pings, e[4] as u32, "{ctx}");
                assert_eq!(s.first, e[5] as u32, "{ctx}");
                // Centres, to 1e-9 degrees (about 0.1 mm). trackintel averages the *distinct*
                // positions (`union_all()` of the pings merges equal points); this crate averages
                // every ping. Check both against the member pings, so equal when all differ.
                let members = &t.points[s.first as usize..(s.first + s.pings) as usize];
                let mut distinct: Vec<(f64, f64)> = Vec::new();
                for p in members {
                    if !distinct.contains(&(p.lon, p.lat)) {
                        distinct.push((p.lon, p.lat));
                    }
                }
                let all: Vec<(f64, f64)> = members.iter().map(|p| (p.lon, p.lat)).collect();
                let close = |a: (f64, f64), b: (f64, f64)| {
                    let dlon = (a.0 - b.0 + 540.0).rem_euclid(360.0) - 180.0;
                    dlon.abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
                };
                let theirs = (e[2], e[3]);
                assert!(close(mean(&distinct), theirs), "{ctx}: {theirs:?}");
                assert!(close(mean(&all), (s.lon, s.lat)), "{ctx}: {s:?}");
                if distinct.len() == all.len() {
                    assert!(close((s.lon, s.lat), theirs), "{ctx}: {s:?} vs {theirs:?}");
                    same_centre += 1;
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 150, "only {compared} stays compared");
    assert!(
        same_centre > 130,
        "only {same_centre} centres compared directly"
    );
}

/// Mean position, longitudes relative to the first (as trackintel's circular mean, at this scale).
fn mean(pts: &[(f64, f64)]) -> (f64, f64) {
    let n = pts.len() as f64;
    let lon0 = pts[0].0;
    let dlon: f64 = pts
        .iter()
        .map(|p| (p.0 - lon0 + 540.0).rem_euclid(360.0) - 180.0)
        .sum();
    let lat: f64 = pts.iter().map(|p| p.1).sum();
    (lon0 + dlon / n, lat / n)
}
