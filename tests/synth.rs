//! Integration tests of the synthetic generator on the Monaco extract: determinism, behaviour,
//! customers, campaigns and the CLI.

use catchment::input::ReadOptions;
use catchment::synth::{
    self, City, CsvPingSink, DeviceRecord, ParquetPingSink, Ping, PingBlock, PingSink, SynthError,
    SynthParams,
};
use catchment::{Branch, Poi};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// Fixtures.

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/synth")
        .join(name)
}

/// The Monaco extract: `shared/` beside the repository (CI) or `/work/shared` (worktrees).
fn monaco_pbf() -> PathBuf {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/monaco/monaco.osm.pbf");
    if beside.exists() {
        return beside;
    }
    PathBuf::from("/work/shared/data/monaco/monaco.osm.pbf")
}

fn read_options() -> ReadOptions {
    ReadOptions::new("synth-test", jiff::tz::TimeZone::UTC)
}

fn read_branches() -> Vec<Branch> {
    catchment::input::read_branches(&fixture("branches.csv"), &read_options())
        .unwrap()
        .records
}

fn read_pois() -> Vec<Poi> {
    catchment::input::read_pois(&fixture("pois.csv"), &read_options())
        .unwrap()
        .records
}

fn monaco() -> &'static City {
    static CITY: OnceLock<City> = OnceLock::new();
    CITY.get_or_init(|| City::from_osm(monaco_pbf(), &read_branches(), &read_pois()).unwrap())
}

fn params(devices: u64, days: u32, seed: u64) -> SynthParams {
    SynthParams {
        seed,
        devices: Some(devices),
        days,
        timezone: jiff::tz::TimeZone::get("Europe/Monaco").unwrap(),
        ..SynthParams::default()
    }
}

#[derive(Default)]
struct Collect(Vec<Ping>);

impl PingSink for Collect {
    fn write_block(&mut self, block: &PingBlock) -> Result<(), SynthError> {
        self.0.extend_from_slice(block.pings());
        Ok(())
    }
}

fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.0 - a.0).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

fn local(ts: i64) -> jiff::Zoned {
    jiff::Timestamp::from_second(ts)
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Monaco").unwrap())
}

/// One shared run: 400 devices over 7 days from Monday 2026-06-01.
fn run_400() -> &'static (Vec<Ping>, Vec<DeviceRecord>, synth::SynthSummary) {
    static RUN: OnceLock<(Vec<Ping>, Vec<DeviceRecord>, synth::SynthSummary)> = OnceLock::new();
    RUN.get_or_init(|| {
        let p = params(400, 7, 42);
        let mut sink = Collect::default();
        let summary = synth::generate(monaco(), &p, &mut sink).unwrap();
        let records = synth::device_records(monaco(), &p).unwrap().collect();
        (sink.0, records, summary)
    })
}

// ---------------------------------------------------------------------------------------------
mod determinism {
    use super::*;

    fn csv_bytes(p: &SynthParams, threads: usize) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pings.csv");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut sink = CsvPingSink::create(&path).unwrap();
            synth::generate(monaco(), p, &mut sink).unwrap();
            sink.finish().unwrap();
        });
        std::fs::read(&path).unwrap()
    }

    fn parquet_bytes(p: &SynthParams, threads: usize) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pings.parquet");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut sink = ParquetPingSink::create(&path).unwrap();
            synth::generate(monaco(), p, &mut sink).unwrap();
            sink.finish().unwrap();
        });
        std::fs::read(&path).unwrap()
    }

    #[test]
    fn same_seed_same_csv_bytes_at_any_thread_count() {
        // Small blocks so that 150 devices make many blocks per wave.
        let p = SynthParams {
            block_devices: 16,
            ..params(150, 3, 7)
        };
        let one = csv_bytes(&p, 1);
        let two = csv_bytes(&p, 2);
        let again = csv_bytes(&p, 2);
        assert!(one.len() > 10_000);
        assert!(one == two, "1 vs 2 threads differ");
        assert!(two == again, "two runs differ");
    }

    #[test]
    fn same_seed_same_parquet_bytes_at_any_thread_count() {
        let p = SynthParams {
            block_devices: 16,
            ..params(150, 3, 7)
        };
        let one = parquet_bytes(&p, 1);
        let two = parquet_bytes(&p, 2);
        assert!(one == two, "1 vs 2 threads differ");
        assert_eq!(&one[..4], b"PAR1");
    }

    #[test]
    fn different_seed_differs() {
        let a = csv_bytes(&params(100, 2, 1), 2);
        let b = csv_bytes(&params(100, 2, 2), 2);
        assert!(a != b);
    }

    #[test]
    fn devices_and_campaigns_repeat() {
        let dir = tempfile::tempdir().unwrap();
        let p = params(300, 7, 3);
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        synth::write_devices_csv(monaco(), &p, &a).unwrap();
        synth::write_devices_csv(monaco(), &p, &b).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let t1 = synth::poi_truth(monaco(), &p).unwrap();
        let t2 = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| synth::poi_truth(monaco(), &p).unwrap());
        assert_eq!(t1, t2);
        assert_eq!(
            synth::campaigns(monaco(), &p, &t1).unwrap(),
            synth::campaigns(monaco(), &p, &t2).unwrap()
        );
    }

    #[test]
    fn parquet_matches_csv_content() {
        use arrow_array::{Array, Float32Array, Float64Array, Int64Array, StringArray};
        let p = params(60, 2, 11);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.parquet");
        let mut sink = ParquetPingSink::create(&path).unwrap();
        synth::generate(monaco(), &p, &mut sink).unwrap();
        sink.finish().unwrap();
        let mut mem = Collect::default();
        synth::generate(monaco(), &p, &mut mem).unwrap();

        let file = std::fs::File::open(&path).unwrap();
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        let mut i = 0;
        for batch in reader {
            let batch = batch.unwrap();
            let ids = batch
                .column(0)
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap();
            let ts = batch
                .column(1)
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap();
            let lon = batch
                .column(2)
                .as_any()
                .downcast_ref::<Float64Array>()
                .unwrap();
            let lat = batch
                .column(3)
                .as_any()
                .downcast_ref::<Float64Array>()
                .unwrap();
            let acc = batch
                .column(4)
                .as_any()
                .downcast_ref::<Float32Array>()
                .unwrap();
            for r in 0..batch.num_rows() {
                let want = &mem.0[i];
                assert_eq!(ids.value(r), format!("d{:07}", want.device + 1));
                assert_eq!(ts.value(r), want.ts);
                assert_eq!(lon.value(r), want.lon);
                assert_eq!(lat.value(r), want.lat);
                assert_eq!(acc.is_null(r), want.accuracy_m.is_none());
                i += 1;
            }
        }
        assert_eq!(i, mem.0.len());
    }
}

// ---------------------------------------------------------------------------------------------
mod behaviour {
    use super::*;
    use jiff::civil::Weekday;

    #[test]
    fn monaco_city_reads_buildings() {
        let s = monaco().stats();
        assert_eq!(s.buildings, 1286, "{s:?}");
        assert!(s.home_buildings > 800 && s.work_buildings > 300, "{s:?}");
        assert_eq!(monaco().poi_count(), 97);
    }

    #[test]
    fn landuse_only_extract_uses_fallbacks() {
        // A made-up town with landuse polygons, one multipolygon building and three job nodes.
        let city = City::from_osm(fixture("landuse_town.osm.pbf"), &[], &[]).unwrap();
        let s = city.stats();
        assert_eq!(
            (s.buildings, s.home_buildings, s.work_points),
            (1, 1, 3),
            "{s:?}"
        );
        assert_eq!(s.home_fallback, Some(synth::Fallback::LanduseGrid));
        assert_eq!(s.work_fallback, Some(synth::Fallback::LanduseGrid));
        assert!(s.home_sites > 100 && s.work_sites > 20, "{s:?}");
        // Default time zone (Asia/Shanghai), no POIs, no branches: still a working generator.
        let p = SynthParams {
            devices: Some(50),
            days: 2,
            ..SynthParams::default()
        };
        let mut sink = Collect::default();
        let summary = synth::generate(&city, &p, &mut sink).unwrap();
        assert!(summary.pings > 1000, "{summary:?}");
        let (x0, y0, x1, y1) = city.bbox();
        let inside = sink
            .0
            .iter()
            .filter(|q| x0 <= q.lon && q.lon <= x1 && y0 <= q.lat && q.lat <= y1)
            .count();
        assert!(inside as f64 > 0.95 * sink.0.len() as f64);
        assert!(
            synth::campaigns(&city, &p, &synth::poi_truth(&city, &p).unwrap())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn unreadable_extract_is_named() {
        let err = City::from_osm(fixture("pois.csv"), &[], &[]).unwrap_err();
        assert!(matches!(err, SynthError::Osm { .. }), "{err}");
        assert!(err.to_string().contains("pois.csv"), "{err}");
    }

    #[test]
    fn ping_target_with_fixed_devices_scales_rates() {
        let p = SynthParams {
            target_pings: Some(40_000),
            ..params(100, 3, 9)
        };
        let mut sink = Collect::default();
        let s = synth::generate(monaco(), &p, &mut sink).unwrap();
        assert_eq!(s.devices, 100);
        assert!(s.rate_scale > 1.0, "{s:?}");
        assert!(
            (s.pings as f64 - 40_000.0).abs() < 0.05 * 40_000.0,
            "{} pings",
            s.pings
        );
    }

    #[test]
    fn order_is_day_major_and_time_sorted_within_blocks() {
        let (pings, _, summary) = run_400();
        assert_eq!(pings.len() as u64, summary.pings);
        // Day-partitioned: local dates never go backwards.
        let dates: Vec<_> = pings.iter().map(|p| local(p.ts).date()).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]));
        // Not globally sorted (several blocks per day), but sorted within a block of 256.
        assert!(pings.windows(2).any(|w| w[1].ts < w[0].ts));
        for day_pings in pings.chunk_by(|a, b| local(a.ts).date() == local(b.ts).date()) {
            for block in day_pings.chunk_by(|a, b| a.device / 256 == b.device / 256) {
                assert!(
                    block
                        .windows(2)
                        .all(|w| (w[0].ts, w[0].device) <= (w[1].ts, w[1].device))
                );
            }
        }
    }

    #[test]
    fn nights_at_home() {
        let (pings, recs, _) = run_400();
        let (mut near, mut all) = (0usize, 0usize);
        let mut per_device: std::collections::HashMap<u64, (usize, usize)> = Default::default();
        for p in pings {
            let r = &recs[p.device as usize];
            let Some(home) = r.home else { continue };
            let h = local(p.ts).hour();
            if (7..21).contains(&h) {
                continue;
            }
            let close = haversine_m((p.lon, p.lat), home) <= 100.0;
            all += 1;
            near += usize::from(close);
            let e = per_device.entry(p.device).or_default();
            e.0 += usize::from(close);
            e.1 += 1;
        }
        let share = near as f64 / all as f64;
        assert!(share > 0.75, "night pings within 100 m of home: {share:.3}");
        // Most residents have at least 3 nights' worth of pings mostly at home.
        let good = per_device
            .values()
            .filter(|(n, a)| *a >= 5 && *n * 10 >= *a * 7)
            .count();
        assert!(
            good as f64 > 0.8 * per_device.len() as f64,
            "{good} of {}",
            per_device.len()
        );
    }

    #[test]
    fn weekday_work_presence() {
        let (pings, recs, _) = run_400();
        let (mut at_work, mut all) = (0usize, 0usize);
        let mut weekend_at_work = (0usize, 0usize);
        for p in pings {
            let r = &recs[p.device as usize];
            let Some(work) = r.work else { continue };
            let z = local(p.ts);
            let h = z.hour();
            if !(10..12).contains(&h) && !(15..16).contains(&h) {
                continue;
            }
            let close = haversine_m((p.lon, p.lat), work) <= 150.0;
            if matches!(z.weekday(), Weekday::Saturday | Weekday::Sunday) {
                weekend_at_work.0 += usize::from(close);
                weekend_at_work.1 += 1;
            } else {
                at_work += usize::from(close);
                all += 1;
            }
        }
        let share = at_work as f64 / all as f64;
        assert!(share > 0.6, "weekday office-hour pings at work: {share:.3}");
        let weekend = weekend_at_work.0 as f64 / weekend_at_work.1.max(1) as f64;
        assert!(
            weekend < share / 3.0,
            "weekend {weekend:.3} vs weekday {share:.3}"
        );
    }

    #[test]
    fn devices_visit_pois() {
        let (pings, _, summary) = run_400();
        assert!(
            summary.visits as f64 > 0.5 * summary.device_days_present as f64,
            "{summary:?}"
        );
        let pois = read_pois();
        let truth = synth::poi_truth(monaco(), &params(400, 7, 42)).unwrap();
        let visited = truth.iter().filter(|t| t.visitors > 0).count();
        assert!(
            visited > pois.len() / 2,
            "{visited} of {} POIs visited",
            pois.len()
        );
        // Daytime pings within 30 m of a POI (noise included): a real share, from many devices.
        let mut devices = std::collections::HashSet::new();
        let mut n = 0;
        for p in pings
            .iter()
            .filter(|p| (9..22).contains(&local(p.ts).hour()))
        {
            if pois
                .iter()
                .any(|q| haversine_m((p.lon, p.lat), (q.lon, q.lat)) < 30.0)
            {
                n += 1;
                devices.insert(p.device);
            }
        }
        assert!(
            n > 1000 && devices.len() > 200,
            "{n} pings from {} devices",
            devices.len()
        );
    }

    #[test]
    fn visitors_come_and_go() {
        let (pings, recs, summary) = run_400();
        assert!(
            summary.commuters > 30 && summary.tourists > 20,
            "{summary:?}"
        );
        let mut days: std::collections::HashMap<
            u64,
            std::collections::BTreeSet<jiff::civil::Date>,
        > = Default::default();
        let mut commuter_night = 0;
        for p in pings {
            let r = &recs[p.device as usize];
            days.entry(p.device).or_default().insert(local(p.ts).date());
            if r.role == "commuter" && (local(p.ts).hour() < 5) {
                commuter_night += 1;
            }
        }
        assert_eq!(commuter_night, 0, "commuters sleep outside the city");
        let tourist_days: Vec<usize> = recs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.role == "tourist")
            .filter_map(|(i, _)| days.get(&(i as u64)).map(|d| d.len()))
            .collect();
        assert!(tourist_days.iter().all(|d| *d <= 4), "{tourist_days:?}");
        let resident_days: Vec<usize> = recs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.role == "resident")
            .filter_map(|(i, _)| days.get(&(i as u64)).map(|d| d.len()))
            .collect();
        let mean = resident_days.iter().sum::<usize>() as f64 / resident_days.len() as f64;
        assert!(mean > 6.0, "residents present {mean:.2} of 7 days");
    }

    #[test]
    fn pings_are_irregular_with_consistent_accuracy() {
        let (pings, recs, _) = run_400();
        let missing =
            pings.iter().filter(|p| p.accuracy_m.is_none()).count() as f64 / pings.len() as f64;
        assert!(
            (0.03..0.2).contains(&missing),
            "missing accuracy share {missing:.3}"
        );
        // Stated accuracy is the 68 % radius: for resident night pings at home, the error is within
        // the stated accuracy (+ the 25 m home jitter of the building) about 68 % of the time or more.
        let mut within = (0usize, 0usize);
        for p in pings {
            let (Some(acc), Some(home)) = (p.accuracy_m, recs[p.device as usize].home) else {
                continue;
            };
            let h = local(p.ts).hour();
            if !(1..5).contains(&h) {
                continue;
            }
            within.1 += 1;
            within.0 += usize::from(haversine_m((p.lon, p.lat), home) <= f64::from(acc) + 1.0);
        }
        let share = within.0 as f64 / within.1 as f64;
        assert!(
            (0.6..0.8).contains(&share),
            "error ≤ stated accuracy in {share:.3} of fixes"
        );
        // Inter-ping gaps: bursty (many under a minute) with long silences.
        let mut by_dev: std::collections::HashMap<u64, Vec<i64>> = Default::default();
        for p in pings {
            by_dev.entry(p.device).or_default().push(p.ts);
        }
        let mut gaps: Vec<i64> = Vec::new();
        for ts in by_dev.values_mut() {
            ts.sort_unstable();
            gaps.extend(ts.windows(2).map(|w| w[1] - w[0]));
        }
        gaps.sort_unstable();
        let q = |f: f64| gaps[(f * gaps.len() as f64) as usize];
        assert!(
            q(0.25) < 60 && q(0.9) > 1800,
            "gap quartile {} s, p90 {} s",
            q(0.25),
            q(0.9)
        );
    }
}

// ---------------------------------------------------------------------------------------------
mod customers {
    use super::*;

    #[test]
    fn tier_probability_decreases_with_distance() {
        let p = params(30_000, 1, 5);
        let model = p.customers;
        let recs: Vec<DeviceRecord> = synth::device_records(monaco(), &p).unwrap().collect();
        let bands = [0.0, 250.0, 500.0, 800.0, f64::INFINITY];
        let mut rows = Vec::new();
        for w in bands.windows(2) {
            let inside: Vec<&DeviceRecord> = recs
                .iter()
                .filter(|r| r.home_branch_m.is_some_and(|d| w[0] <= d && d < w[1]))
                .collect();
            assert!(inside.len() > 500, "band {w:?}: {}", inside.len());
            let observed =
                inside.iter().filter(|r| r.tier.is_some()).count() as f64 / inside.len() as f64;
            let expected = inside
                .iter()
                .map(|r| model.probability(r.home_branch_m.unwrap()))
                .sum::<f64>()
                / inside.len() as f64;
            let se = (expected * (1.0 - expected) / inside.len() as f64).sqrt();
            assert!(
                (observed - expected).abs() < 4.0 * se,
                "band {w:?}: {observed:.3} vs {expected:.3}"
            );
            rows.push(observed);
        }
        assert!(rows.windows(2).all(|w| w[0] > w[1]), "{rows:?}");
        // Tiers: mass dominates, private is rare.
        let count = |t: &str| recs.iter().filter(|r| r.tier == Some(t)).count();
        let (mass, affluent, private) = (count("mass"), count("affluent"), count("private"));
        assert!(
            mass > 3 * affluent && affluent > 2 * private && private > 0,
            "{mass} {affluent} {private}"
        );
    }

    #[test]
    fn device_attributes_are_complete() {
        let (_, recs, _) = run_400();
        let ages = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"];
        for r in recs {
            assert!(ages.contains(&r.age_band));
            assert!(r.gender == "F" || r.gender == "M");
            assert!(!r.tags.is_empty());
            assert!(r.tier.is_none() || ["mass", "affluent", "private"].contains(&r.tier.unwrap()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
mod campaigns {
    use super::*;

    #[test]
    fn outcomes_follow_the_stated_model() {
        let mut p = params(400, 7, 42);
        p.campaigns.count = 3000;
        let truth = synth::poi_truth(monaco(), &p).unwrap();
        let c = synth::campaigns(monaco(), &p, &truth).unwrap();
        assert_eq!(c.len(), 3000);
        let m = p.campaigns;
        for r in &c {
            let rate = m.rate_per_day(
                r.visitors_week,
                r.non_customer_share,
                r.distance_km,
                r.competitors_500m,
            );
            assert!((r.expected - f64::from(r.days) * rate).abs() < 1e-9 * r.expected.max(1.0));
            assert_eq!(r.days as i64, (r.end - r.start).get_days() as i64 + 1);
            assert!(r.end < p.start);
        }
        let observed: f64 = c.iter().map(|r| r.new_customers as f64).sum();
        let expected: f64 = c.iter().map(|r| r.expected).sum();
        // Poisson: variance = mean.
        assert!(
            (observed - expected).abs() < 4.0 * expected.sqrt(),
            "{observed} vs {expected}"
        );
        // And a Poisson regression on the features recovers β (log-exposure offset).
        let beta = fit_poisson(&c);
        let se_tol = [0.6, 0.15, 0.6, 0.25, 0.1];
        for k in 0..5 {
            assert!(
                (beta[k] - m.beta[k]).abs() < se_tol[k],
                "β{k}: fitted {:.3}, true {:.3}",
                beta[k],
                m.beta[k]
            );
        }
    }

    /// Newton–Raphson (IRLS) for a Poisson GLM with offset ln(days).
    #[allow(clippy::needless_range_loop)] // index form mirrors the matrix algebra
    fn fit_poisson(c: &[synth::CampaignRecord]) -> [f64; 5] {
        let x: Vec<[f64; 5]> = c
            .iter()
            .map(|r| {
                [
                    1.0,
                    (1.0 + r.visitors_week).ln(),
                    r.non_customer_share,
                    r.distance_km,
                    f64::from(r.competitors_500m),
                ]
            })
            .collect();
        let mut b = [
            (c.iter().map(|r| r.new_customers).sum::<u64>() as f64
                / c.iter().map(|r| f64::from(r.days)).sum::<f64>())
            .ln(),
            0.0,
            0.0,
            0.0,
            0.0,
        ];
        for _ in 0..50 {
            let mut g = [0.0; 5];
            let mut h = [[0.0; 5]; 5];
            for (xi, r) in x.iter().zip(c) {
                let eta: f64 = (0..5).map(|k| xi[k] * b[k]).sum::<f64>() + f64::from(r.days).ln();
                let mu = eta.exp();
                for k in 0..5 {
                    g[k] += (r.new_customers as f64 - mu) * xi[k];
                    for l in 0..5 {
                        h[k][l] += mu * xi[k] * xi[l];
                    }
                }
            }
            let step = solve(h, g);
            for k in 0..5 {
                b[k] += step[k];
            }
            if step.iter().all(|s| s.abs() < 1e-10) {
                break;
            }
        }
        b
    }

    #[allow(clippy::needless_range_loop)]
    fn solve(mut a: [[f64; 5]; 5], mut y: [f64; 5]) -> [f64; 5] {
        for i in 0..5 {
            let piv = (i..5)
                .max_by(|&p, &q| a[p][i].abs().total_cmp(&a[q][i].abs()))
                .unwrap();
            a.swap(i, piv);
            y.swap(i, piv);
            for r in i + 1..5 {
                let f = a[r][i] / a[i][i];
                for k in i..5 {
                    a[r][k] -= f * a[i][k];
                }
                y[r] -= f * y[i];
            }
        }
        let mut x = [0.0; 5];
        for i in (0..5).rev() {
            x[i] = (y[i] - (i + 1..5).map(|k| a[i][k] * x[k]).sum::<f64>()) / a[i][i];
        }
        x
    }
}

// ---------------------------------------------------------------------------------------------
mod cli {
    use super::*;
    use std::process::Command;

    fn synth_cmd_in(dir: &Path, timezone: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_catchment"));
        c.current_dir(dir)
            .arg("synth")
            .arg("--osm")
            .arg(monaco_pbf());
        c.arg("--branches")
            .arg(fixture("branches.csv"))
            .arg("--pois")
            .arg(fixture("pois.csv"));
        c.args(["--timezone", timezone, "--quiet"]);
        c
    }

    fn synth_cmd(dir: &Path) -> Command {
        synth_cmd_in(dir, "Europe/Monaco")
    }

    #[test]
    fn writes_every_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = synth_cmd(dir.path())
            .args(["--devices", "120", "--days", "3", "-o", "pings.csv"])
            .args([
                "--devices-out",
                "devices.csv",
                "--campaigns-out",
                "campaigns.csv",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pings = std::fs::read_to_string(dir.path().join("pings.csv")).unwrap();
        assert!(pings.starts_with("device_id,ts,lon,lat,accuracy_m\nd0"));
        let devices = std::fs::read_to_string(dir.path().join("devices.csv")).unwrap();
        assert_eq!(devices.lines().count(), 121);
        assert!(devices.starts_with("device_id,tier,age_band,gender,tags\n"));
        let campaigns = std::fs::read_to_string(dir.path().join("campaigns.csv")).unwrap();
        assert!(campaigns.starts_with("poi_id,branch_id,start,end,new_customers,cost\n"));
        assert_eq!(campaigns.lines().count(), 61);
        let truth: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("synth_truth.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(truth["synthetic"], true);
        assert_eq!(truth["seed"], 42);
        assert_eq!(truth["campaign_model"]["beta"]["b1"], 0.45);
        // No leftovers from the atomic writes.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
    }

    #[test]
    fn ping_target_sets_the_size() {
        let dir = tempfile::tempdir().unwrap();
        let out = synth_cmd(dir.path())
            .args(["--pings", "60000", "--days", "2", "-o", "p.parquet"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let file = std::fs::File::open(dir.path().join("p.parquet")).unwrap();
        let meta = parquet::file::reader::SerializedFileReader::new(file).unwrap();
        use parquet::file::reader::FileReader;
        let rows = meta.metadata().file_metadata().num_rows();
        assert!(
            (rows - 60_000).abs() < 60_000 / 20,
            "{rows} rows for a 60,000 target"
        );
    }

    #[test]
    fn bad_inputs_exit_2() {
        let dir = tempfile::tempdir().unwrap();
        let out = synth_cmd(dir.path())
            .args(["--devices", "5", "-o", "pings.txt"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(".csv or .parquet"));
        let out = synth_cmd_in(dir.path(), "Mars/Olympus")
            .args(["-o", "p.csv"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
