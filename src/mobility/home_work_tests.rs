use super::*;
use jiff::tz::TimeZone;

/// Two places about 2.5 km apart in Shanghai, in different res-9 cells.
const A: (f64, f64) = (121.4737, 31.2304);
const B: (f64, f64) = (121.4990, 31.2397);
const C: (f64, f64) = (121.4500, 31.2200);

fn cell(p: (f64, f64)) -> CellIndex {
    LatLng::new(p.1, p.0).unwrap().to_cell(Resolution::Nine)
}

/// Epoch seconds of a local wall-clock time in `tz` (jiff, the reference).
fn t(tz: &str, y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
    jiff::civil::date(y, mo, d)
        .at(h, mi, 0, 0)
        .to_zoned(TimeZone::get(tz).unwrap())
        .unwrap()
        .timestamp()
        .as_second()
}

fn stay(p: (f64, f64), start: i64, end: i64) -> Stay {
    Stay {
        start,
        end,
        lon: p.0,
        lat: p.1,
        pings: 10,
        first: 0,
    }
}

const SH: &str = "Asia/Shanghai";

/// A stay in Shanghai from day `d` of June 2026 at `h0:m0` to day `d1` at `h1:m1` (local).
fn sh(p: (f64, f64), d: i8, h0: i8, m0: i8, d1: i8, h1: i8, m1: i8) -> Stay {
    stay(p, t(SH, 2026, 6, d, h0, m0), t(SH, 2026, 6, d1, h1, m1))
}

fn params() -> HomeWorkParams {
    HomeWorkParams {
        home_min_nights: 3,
        work_min_days: 3,
        resolution: Resolution::Nine,
    }
}

fn run(stays: &[Stay], tz: &str, p: &HomeWorkParams) -> HomeWork {
    let clock = LocalClock::new(&TimeZone::get(tz).unwrap());
    detect_home_work(stays, &clock, p, &mut HomeWorkScratch::new())
}

#[test]
fn places_are_distinct_cells() {
    assert_ne!(cell(A), cell(B));
    assert_ne!(cell(A), cell(C));
    assert_ne!(cell(B), cell(C));
}

#[test]
fn five_nights_at_a_and_office_at_b() {
    // 2026-06-01 is a Monday.
    let mut stays = Vec::new();
    for d in 1..=5 {
        stays.push(sh(A, d, 22, 0, d + 1, 7, 30));
        stays.push(sh(B, d + 1, 9, 30, d + 1, 17, 45));
    }
    let hw = run(&stays, SH, &params());
    assert_eq!(
        hw,
        HomeWork {
            home: Some(cell(A)),
            work: Some(cell(B))
        }
    );
    // Order of stays does not matter.
    stays.reverse();
    assert_eq!(run(&stays, SH, &params()), hw);
}

#[test]
fn two_nights_are_no_home() {
    let stays = [
        sh(A, 1, 22, 0, 2, 7, 0),
        sh(A, 2, 22, 0, 3, 7, 0),
        sh(B, 2, 10, 0, 2, 12, 0),
        sh(B, 3, 10, 0, 3, 12, 0),
        sh(B, 4, 10, 0, 4, 12, 0),
    ];
    let hw = run(&stays, SH, &params());
    assert_eq!(
        hw,
        HomeWork {
            home: None,
            work: Some(cell(B))
        }
    );
}

#[test]
fn work_equal_to_home_is_skipped_for_the_next_cell() {
    let mut stays = Vec::new();
    for d in 1..=5 {
        stays.push(sh(A, d, 20, 0, d + 1, 8, 0));
        // Works from home all day, five weekdays …
        stays.push(sh(A, d, 9, 0, d, 18, 0));
    }
    // … and three short weekday visits to B.
    for d in [2, 3, 4] {
        stays.push(sh(B, d, 14, 0, d, 15, 0));
    }
    let hw = run(&stays, SH, &params());
    assert_eq!(
        hw,
        HomeWork {
            home: Some(cell(A)),
            work: Some(cell(B))
        }
    );
    // With only two days at B there is no workplace.
    stays.pop();
    assert_eq!(run(&stays, SH, &params()).work, None);
}

#[test]
fn weekend_office_stays_do_not_count() {
    // 2026-06-05 is Friday, 06 Saturday, 07 Sunday.
    let stays = [
        sh(B, 5, 9, 0, 5, 17, 0),
        sh(B, 6, 9, 0, 6, 17, 0),
        sh(B, 7, 9, 0, 7, 17, 0),
    ];
    assert_eq!(run(&stays, SH, &params()).work, None);
    let mut p = params();
    p.work_min_days = 1;
    assert_eq!(run(&stays, SH, &p).work, Some(cell(B)));
    // Friday night out of office hours does not count either.
    let late = [sh(B, 1, 18, 30, 1, 23, 0), sh(B, 2, 6, 0, 2, 8, 59)];
    assert_eq!(run(&late, SH, &p).work, None);
}

#[test]
fn a_night_counts_once_for_its_evening_date() {
    // Three nights, each 23:00–06:00 split into two stays (evening and small hours).
    let mut stays = Vec::new();
    for d in 1..=3 {
        stays.push(sh(A, d, 23, 0, d, 23, 50));
        stays.push(sh(A, d + 1, 2, 0, d + 1, 6, 0));
    }
    assert_eq!(run(&stays, SH, &params()).home, Some(cell(A)));
    let mut p = params();
    p.home_min_nights = 4;
    assert_eq!(run(&stays, SH, &p).home, None, "six stays are three nights");
    // One 23:00–06:00 stay is one night.
    p.home_min_nights = 2;
    assert_eq!(run(&[sh(A, 1, 23, 0, 2, 6, 0)], SH, &p).home, None);
    p.home_min_nights = 1;
    assert_eq!(run(&[sh(A, 1, 23, 0, 2, 6, 0)], SH, &p).home, Some(cell(A)));
    // Small hours of the 1st belong to the night of May 31st, 06:00–10:00 only to it.
    let early = [sh(A, 1, 6, 0, 1, 10, 0), sh(A, 2, 6, 30, 2, 12, 0)];
    p.home_min_nights = 2;
    assert_eq!(run(&early, SH, &p).home, Some(cell(A)));
    // Touching a window edge is no overlap: 07:00–21:00 is no night.
    let day = [sh(A, 1, 7, 0, 1, 21, 0), sh(A, 2, 7, 0, 2, 21, 0)];
    p.home_min_nights = 1;
    assert_eq!(run(&day, SH, &p).home, None);
}

#[test]
fn a_stay_over_several_nights_and_days_counts_each() {
    // Monday 20:00 to Thursday 08:00: nights of Mon, Tue, Wed.
    let long = [sh(A, 1, 20, 0, 4, 8, 0)];
    assert_eq!(run(&long, SH, &params()).home, Some(cell(A)));
    let mut p = params();
    p.home_min_nights = 4;
    assert_eq!(run(&long, SH, &p).home, None);
    // Friday 08:00 to Tuesday 19:00 at B: weekdays Fri, Mon, Tue (weekend skipped); A is home.
    let mut stays = vec![
        sh(A, 1, 22, 0, 2, 7, 0),
        sh(A, 2, 22, 0, 3, 7, 0),
        sh(A, 3, 22, 0, 4, 7, 0),
        sh(B, 5, 8, 0, 9, 19, 0),
    ];
    let hw = run(&stays, SH, &params());
    assert_eq!(
        hw.work, None,
        "B also holds 4 nights and becomes home: {hw:?}"
    );
    assert_eq!(hw.home, Some(cell(B)));
    stays[3] = sh(B, 5, 8, 0, 5, 19, 0);
    stays.push(sh(B, 8, 8, 0, 8, 19, 0));
    stays.push(sh(B, 9, 8, 0, 9, 19, 0));
    assert_eq!(run(&stays, SH, &params()).work, Some(cell(B)));
}

#[test]
fn ties_go_to_longer_overlap_then_smaller_cell() {
    let mut p = params();
    p.home_min_nights = 1;
    // Same number of nights; A has more hours.
    let stays = [sh(A, 1, 22, 0, 2, 7, 0), sh(B, 2, 22, 0, 2, 23, 0)];
    assert_eq!(run(&stays, SH, &p).home, Some(cell(A)));
    let stays = [sh(A, 1, 22, 0, 1, 23, 0), sh(B, 2, 22, 0, 3, 7, 0)];
    assert_eq!(run(&stays, SH, &p).home, Some(cell(B)));
    // Full tie: the smaller index.
    let stays = [sh(A, 1, 22, 0, 1, 23, 0), sh(B, 2, 22, 0, 2, 23, 0)];
    assert_eq!(run(&stays, SH, &p).home, Some(cell(A).min(cell(B))));
}

#[test]
fn local_time_boundary_in_shanghai() {
    // 13:30–14:30 UTC is 21:30–22:30 in Shanghai: a night there, daytime in UTC.
    let base = t("UTC", 2026, 6, 1, 13, 30);
    let stays: Vec<_> = (0..3)
        .map(|d| stay(A, base + d * DAY_S, base + d * DAY_S + 3600))
        .collect();
    assert_eq!(run(&stays, SH, &params()).home, Some(cell(A)));
    assert_eq!(run(&stays, "UTC", &params()).home, None);
    // And 01:30–02:30 UTC is 09:30–10:30 in Shanghai: office hours there, night in UTC.
    let base = t("UTC", 2026, 6, 2, 1, 30);
    let stays: Vec<_> = (0..3)
        .map(|d| stay(B, base + d * DAY_S, base + d * DAY_S + 3600))
        .collect();
    assert_eq!(run(&stays, SH, &params()).work, Some(cell(B)));
    assert_eq!(run(&stays, "UTC", &params()).work, None);
    assert_eq!(run(&stays, "UTC", &params()).home, Some(cell(B)));
}

#[test]
fn europe_dst_switch_nights() {
    const PAR: &str = "Europe/Paris";
    let mut p = params();
    p.home_min_nights = 1;
    let utc = |mo, d, h, mi| t("UTC", 2026, mo, d, h, mi);
    // Spring: night of Sat 2026-03-28 ends at 07:00 CEST = 05:00Z (a 9-hour night).
    // 05:30Z is 07:30 CEST: no night (a fixed CET offset would say 06:30 and count it).
    assert_eq!(
        run(&[stay(A, utc(3, 29, 5, 30), utc(3, 29, 5, 50))], PAR, &p).home,
        None
    );
    // 04:30Z is 06:30 CEST: the night of the 28th.
    assert_eq!(
        run(&[stay(A, utc(3, 29, 4, 30), utc(3, 29, 4, 50))], PAR, &p).home,
        Some(cell(A))
    );
    // The window starts at 21:00 CET = 20:00Z on the 28th.
    assert_eq!(
        run(&[stay(A, utc(3, 28, 19, 30), utc(3, 28, 20, 0))], PAR, &p).home,
        None
    );
    // Autumn: night of Sat 2026-10-24 ends at 07:00 CET = 06:00Z (an 11-hour night).
    // 05:30Z is 06:30 CET: counts (a fixed CEST offset would say 07:30 and drop it).
    assert_eq!(
        run(&[stay(A, utc(10, 25, 5, 30), utc(10, 25, 5, 50))], PAR, &p).home,
        Some(cell(A))
    );
    // It starts at 21:00 CEST = 19:00Z on the 24th.
    assert_eq!(
        run(&[stay(A, utc(10, 24, 19, 0), utc(10, 24, 19, 10))], PAR, &p).home,
        Some(cell(A))
    );
}

#[test]
fn local_instant_matches_jiff() {
    for name in [
        "Europe/Paris",
        "America/Santiago",
        "Australia/Lord_Howe",
        "Asia/Shanghai",
    ] {
        let tz = TimeZone::get(name).unwrap();
        let clock = LocalClock::new(&tz);
        let mut date = jiff::civil::date(2024, 1, 1);
        while date.year() < 2028 {
            let day = date
                .since(jiff::civil::date(1970, 1, 1))
                .unwrap()
                .get_days();
            for h in [7, 9, 18, 21] {
                let want = date
                    .at(h, 0, 0, 0)
                    .to_zoned(tz.clone())
                    .unwrap()
                    .timestamp();
                let got = local_instant(&clock, i64::from(day), i64::from(h) * 3600);
                assert_eq!(got, want.as_second(), "{name} {date} {h}:00");
            }
            date = date.tomorrow().unwrap();
        }
    }
}

#[test]
fn odd_stays_are_ignored_without_panicking() {
    let mut p = params();
    p.home_min_nights = 1;
    p.work_min_days = 1;
    let n = t(SH, 2026, 6, 1, 22, 0);
    let stays = [
        Stay {
            lon: f64::NAN,
            ..stay(A, n, n + 3600)
        },
        Stay {
            lat: 95.0,
            ..stay(A, n, n + 3600)
        },
        stay(A, n + 3600, n),
        stay(A, i64::MIN, i64::MAX),
        stay(A, i64::MAX - 10, i64::MAX),
    ];
    assert_eq!(run(&stays, SH, &p), HomeWork::default());
    assert_eq!(run(&[], SH, &p), HomeWork::default());
    // A zero-length stay counts if its instant is inside the window.
    assert_eq!(run(&[stay(A, n, n)], SH, &p).home, Some(cell(A)));
}

#[test]
fn scratch_is_reused_across_devices() {
    let clock = LocalClock::new(&TimeZone::get(SH).unwrap());
    let mut scratch = HomeWorkScratch::new();
    let mut p = params();
    p.home_min_nights = 1;
    let a = detect_home_work(&[sh(A, 1, 22, 0, 2, 7, 0)], &clock, &p, &mut scratch);
    let b = detect_home_work(&[sh(B, 1, 22, 0, 2, 7, 0)], &clock, &p, &mut scratch);
    assert_eq!((a.home, b.home), (Some(cell(A)), Some(cell(B))));
}

#[test]
fn params_from_study() {
    let m = MobilityParams {
        home_min_nights: 4,
        work_min_days: 2,
        ..MobilityParams::default()
    };
    let p = HomeWorkParams::from(&m);
    assert_eq!(
        (p.home_min_nights, p.work_min_days, p.resolution),
        (4, 2, Resolution::Nine)
    );
}
