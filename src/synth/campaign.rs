//! The truth behind partner footfall, and past campaigns whose outcomes follow a stated model.

use super::city::{City, dist};
use super::device::Profile;
use super::generate::{DayCtx, Model};
use super::rng::{Stream, stream};
use super::routine::{DayPlan, plan_day};
use super::{SynthError, SynthParams, category, resolve};
use crate::io::AtomicFile;
use jiff::civil::Date;
use rand::Rng;
use rand_distr::{Distribution, Poisson};
use rayon::prelude::*;
use std::path::Path;

/// How past campaigns are drawn and how they convert.
///
/// # Model
/// For a campaign of `days` days run by branch `b` with partner POI `p`:
///
/// `new_customers ~ Poisson(days · exp(β0 + β1·ln(1 + V) + β2·s + β3·d + β4·c))`
///
/// - `V` = weekly distinct visitors of `p` in the synthetic truth: distinct devices with a
///   planned visit in each full 7-day window from the start date, averaged over the windows
///   (with fewer than 7 days: the distinct visitors × 7 / days);
/// - `s` = non-customer share of `p`'s distinct visitors over the whole period (the population's
///   non-customer share when `p` has no visitor);
/// - `d` = straight-line distance `p` → `b`, km;
/// - `c` = competitor banks (`bank` POIs not of an own brand) within 500 m of `p`.
///
/// Default β = (−3.0, 0.45, 0.8, −0.35, −0.15): a POI with 200 weekly visitors, 80 % of them
/// non-customers, 0.5 km from the branch and 2 competitors converts about 0.64 a day.
///
/// Campaigns pick a partner-eligible POI (a destination of some activity; not a bank, ATM,
/// transit stop, hotel, school, hospital or place of worship) uniformly, its nearest branch 70 %
/// of the time (else any branch), a length of 14–60 days, ending 1–365 days before the study
/// start (the footfall truth is taken as stationary). `cost` is descriptive only
/// (`days × (25 + 1.5·√V) × U(0.8, 1.2)`): it does not enter the outcome.
///
/// # Example
/// ```
/// use catchment::synth::CampaignModel;
/// let m = CampaignModel::default();
/// let rate = m.rate_per_day(200.0, 0.8, 0.5, 2);
/// assert!((rate - 0.64).abs() < 0.01);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CampaignModel {
    /// Number of campaigns to draw.
    pub count: usize,
    /// β0 (intercept), β1 (ln(1 + weekly visitors)), β2 (non-customer share), β3 (distance km),
    /// β4 (competitors within 500 m).
    pub beta: [f64; 5],
    /// Shortest campaign, days.
    pub min_days: u32,
    /// Longest campaign, days.
    pub max_days: u32,
}

impl Default for CampaignModel {
    fn default() -> Self {
        CampaignModel {
            count: 60,
            beta: [-3.0, 0.45, 0.8, -0.35, -0.15],
            min_days: 14,
            max_days: 60,
        }
    }
}

impl CampaignModel {
    /// Expected new customers per day for the given features.
    ///
    /// # Example
    /// ```
    /// let m = catchment::synth::CampaignModel::default();
    /// assert!(m.rate_per_day(100.0, 0.9, 0.2, 0) > m.rate_per_day(100.0, 0.9, 2.0, 0));
    /// ```
    pub fn rate_per_day(
        &self,
        visitors_week: f64,
        non_customer_share: f64,
        distance_km: f64,
        competitors: u32,
    ) -> f64 {
        let b = self.beta;
        (b[0]
            + b[1] * (1.0 + visitors_week).ln()
            + b[2] * non_customer_share
            + b[3] * distance_km
            + b[4] * f64::from(competitors))
        .exp()
    }
}

/// Footfall truth of one POI.
///
/// # Example
/// ```
/// use catchment::synth::PoiTruth;
/// let t = PoiTruth { poi_id: "p1".into(), visitors_week: 12.0, visitors: 20, non_customer_visitors: 15, competitors_500m: 1 };
/// assert!(t.visitors >= t.non_customer_visitors);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PoiTruth {
    /// The POI.
    pub poi_id: String,
    /// Mean weekly distinct visitors (`V` of [`CampaignModel`]).
    pub visitors_week: f64,
    /// Distinct visitors over the whole period.
    pub visitors: u64,
    /// Of which not customers.
    pub non_customer_visitors: u64,
    /// Competitor banks within 500 m.
    pub competitors_500m: u32,
}

/// Per POI: distinct visitors summed over 7-day windows, over the period, and of those not
/// customers.
struct Counters {
    per_window: Vec<u64>,
    visitors: Vec<u64>,
    non_customers: Vec<u64>,
}

/// Computes each POI's footfall truth by re-planning every device-day (no pings), in parallel.
///
/// # Errors
/// Invalid parameters.
///
/// # Example
/// ```
/// # fn main() -> Result<(), catchment::synth::SynthError> {
/// use catchment::synth::{poi_truth, City, SynthParams, WeightedPoint};
/// use catchment::Poi;
/// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 1.0 }];
/// let cafe = Poi { poi_id: "c".into(), name: "Café".into(), category: "cafe".into(),
///                  lon: 7.421, lat: 43.731, brand: None, opening_hours: None };
/// let city = City::from_sites(&homes, &homes, &[], &[cafe])?;
/// let t = poi_truth(&city, &SynthParams { devices: Some(200), days: 7, ..Default::default() })?;
/// assert!(t[0].visitors > 0);
/// # Ok(()) }
/// ```
pub fn poi_truth(city: &City, params: &SynthParams) -> Result<Vec<PoiTruth>, SynthError> {
    let params = resolve(city, params)?;
    let model = Model::new(city, &params);
    let days: Vec<DayCtx> = (0..params.days)
        .map(|i| DayCtx::new(&params.timezone, params.start, i))
        .collect::<Result<_, _>>()?;
    let windows = (params.days / 7).max(1) as usize;
    let n_poi = city.pois.len();
    let block = u64::from(params.block_devices);
    let blocks: Vec<u64> = (0..model.devices.div_ceil(block)).collect();
    // Per block: (poi, window) distinct pairs and (poi, customer) distinct pairs.
    // Integer counters per POI, summed per thread and then across threads: the result does not
    // depend on the split, and memory is O(threads × POIs), not O(devices).
    let zero = || Counters {
        per_window: vec![0; n_poi],
        visitors: vec![0; n_poi],
        non_customers: vec![0; n_poi],
    };
    let c = blocks
        .par_iter()
        .fold(zero, |mut c, &b| {
            let mut plan = DayPlan::default();
            let mut weekly: Vec<(u32, u32)> = Vec::new();
            let mut all: Vec<u32> = Vec::new();
            for i in b * block..((b + 1) * block).min(model.devices) {
                let prof = Profile::new(&model, i);
                let favs = prof.favourites(&model);
                weekly.clear();
                all.clear();
                for d in &days {
                    plan_day(&model, &prof, &favs, d, &mut plan);
                    all.extend(plan.visits.iter().map(|v| v.poi));
                    let w = (d.index / 7) as usize;
                    if w < windows {
                        weekly.extend(plan.visits.iter().map(|v| (v.poi, w as u32)));
                    }
                }
                weekly.sort_unstable();
                weekly.dedup();
                all.sort_unstable();
                all.dedup();
                for (p, _) in &weekly {
                    c.per_window[*p as usize] += 1;
                }
                for p in &all {
                    c.visitors[*p as usize] += 1;
                    c.non_customers[*p as usize] += u64::from(prof.tier.is_none());
                }
            }
            c
        })
        .reduce(zero, |mut a, b| {
            for (x, y) in [
                (&mut a.per_window, &b.per_window),
                (&mut a.visitors, &b.visitors),
                (&mut a.non_customers, &b.non_customers),
            ] {
                x.iter_mut().zip(y).for_each(|(x, y)| *x += y);
            }
            a
        });
    let (per_window, visitors, non_customers) = (c.per_window, c.visitors, c.non_customers);
    let scale = if params.days < 7 {
        7.0 / f64::from(params.days)
    } else {
        1.0 / windows as f64
    };
    Ok(city
        .pois
        .iter()
        .enumerate()
        .map(|(i, p)| PoiTruth {
            poi_id: p.id.clone(),
            visitors_week: per_window[i] as f64 * scale,
            visitors: visitors[i],
            non_customer_visitors: non_customers[i],
            competitors_500m: city
                .pois
                .iter()
                .filter(|q| q.competitor && dist(q.xy, p.xy) <= 500.0)
                .count() as u32,
        })
        .collect())
}

/// A past campaign with its outcome and the truth behind it.
///
/// # Example
/// ```
/// use catchment::synth::CampaignRecord;
/// let c = CampaignRecord {
///     poi_id: "p".into(), branch_id: "b".into(),
///     start: jiff::civil::date(2025, 9, 1), end: jiff::civil::date(2025, 9, 30), days: 30,
///     new_customers: 4, cost: 900.0, visitors_week: 40.0, non_customer_share: 0.8,
///     distance_km: 0.6, competitors_500m: 1, expected: 4.2,
/// };
/// assert_eq!(c.days, 30);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignRecord {
    /// Partner POI.
    pub poi_id: String,
    /// Own branch.
    pub branch_id: String,
    /// First local day.
    pub start: Date,
    /// Last local day (inclusive).
    pub end: Date,
    /// Length in days (`end - start + 1`).
    pub days: u32,
    /// Outcome drawn from the model.
    pub new_customers: u64,
    /// Descriptive cost.
    pub cost: f64,
    /// Feature `V`.
    pub visitors_week: f64,
    /// Feature `s`.
    pub non_customer_share: f64,
    /// Feature `d`, km.
    pub distance_km: f64,
    /// Feature `c`.
    pub competitors_500m: u32,
    /// The model's expectation `days · rate`.
    pub expected: f64,
}

/// Draws `params.campaigns.count` past campaigns from the truth (see [`CampaignModel`]).
/// Empty without branches or partner-eligible POIs.
///
/// # Errors
/// Invalid parameters, or a truth list that does not match the city's POIs.
///
/// # Example
/// ```
/// # fn main() -> Result<(), catchment::synth::SynthError> {
/// use catchment::synth::{campaigns, poi_truth, City, SynthParams, WeightedPoint};
/// use catchment::{Branch, Poi};
/// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 1.0 }];
/// let cafe = Poi { poi_id: "c".into(), name: "Café".into(), category: "cafe".into(),
///                  lon: 7.421, lat: 43.731, brand: None, opening_hours: None };
/// let branch = Branch { branch_id: "b".into(), name: "HQ".into(), lon: 7.42, lat: 43.73, brand: None };
/// let city = City::from_sites(&homes, &homes, &[branch], &[cafe])?;
/// let params = SynthParams { devices: Some(100), ..Default::default() };
/// let truth = poi_truth(&city, &params)?;
/// let c = campaigns(&city, &params, &truth)?;
/// assert_eq!(c.len(), 60);
/// # Ok(()) }
/// ```
pub fn campaigns(
    city: &City,
    params: &SynthParams,
    truth: &[PoiTruth],
) -> Result<Vec<CampaignRecord>, SynthError> {
    params.validate()?;
    if truth.len() != city.pois.len() {
        return Err(SynthError::Invalid(
            "POI truth does not belong to this city".into(),
        ));
    }
    let cm = &params.campaigns;
    let eligible: Vec<usize> = (0..city.pois.len())
        .filter(|&i| category::partner_eligible(city.pois[i].cat))
        .collect();
    if city.branches.is_empty() || eligible.is_empty() || cm.count == 0 {
        return Ok(Vec::new());
    }
    if cm.min_days == 0 || cm.max_days < cm.min_days {
        return Err(SynthError::Invalid(
            "campaign days must satisfy 1 ≤ min_days ≤ max_days".into(),
        ));
    }
    // Population non-customer share, for POIs nobody visited.
    let (all_v, all_nc) = truth.iter().fold((0u64, 0u64), |a, t| {
        (a.0 + t.visitors, a.1 + t.non_customer_visitors)
    });
    let default_share = if all_v > 0 {
        all_nc as f64 / all_v as f64
    } else {
        1.0
    };
    let mut rng = stream(params.seed, 0, 0, Stream::Campaigns);
    let mut out = Vec::with_capacity(cm.count);
    for _ in 0..cm.count {
        let pi = eligible[rng.random_range(0..eligible.len())];
        let poi = &city.pois[pi];
        let t = &truth[pi];
        let nearest = (0..city.branches.len())
            .min_by(|&a, &b| {
                dist(city.branches[a].xy, poi.xy).total_cmp(&dist(city.branches[b].xy, poi.xy))
            })
            .unwrap_or(0);
        let bi = if rng.random_bool(0.7) {
            nearest
        } else {
            rng.random_range(0..city.branches.len())
        };
        let branch = &city.branches[bi];
        let days = rng.random_range(cm.min_days..=cm.max_days);
        let back = rng.random_range(1..=365i64);
        let end = params
            .start
            .checked_sub(jiff::Span::new().days(back))
            .map_err(|e| SynthError::Invalid(format!("campaign end: {e}")))?;
        let start = end
            .checked_sub(jiff::Span::new().days(i64::from(days) - 1))
            .map_err(|e| SynthError::Invalid(format!("campaign start: {e}")))?;
        let share = if t.visitors > 0 {
            t.non_customer_visitors as f64 / t.visitors as f64
        } else {
            default_share
        };
        let distance_km = dist(branch.xy, poi.xy) / 1000.0;
        let expected = f64::from(days)
            * cm.rate_per_day(t.visitors_week, share, distance_km, t.competitors_500m);
        let new_customers = if expected > 0.0 {
            Poisson::new(expected)
                .map(|p| p.sample(&mut rng) as u64)
                .unwrap_or(0)
        } else {
            0
        };
        let cost =
            f64::from(days) * (25.0 + 1.5 * t.visitors_week.sqrt()) * rng.random_range(0.8..1.2);
        out.push(CampaignRecord {
            poi_id: poi.id.clone(),
            branch_id: branch.id.clone(),
            start,
            end,
            days,
            new_customers,
            cost: (cost * 100.0).round() / 100.0,
            visitors_week: t.visitors_week,
            non_customer_share: share,
            distance_km,
            competitors_500m: t.competitors_500m,
            expected,
        });
    }
    Ok(out)
}

/// Writes `campaigns.csv`: `poi_id,branch_id,start,end,new_customers,cost` (dates `YYYY-MM-DD`,
/// `end` inclusive), through an [`AtomicFile`].
///
/// # Errors
/// [`SynthError::Write`] naming the file.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("campaigns.csv");
/// catchment::synth::write_campaigns_csv(&path, &[])?;
/// assert_eq!(std::fs::read_to_string(&path)?, "poi_id,branch_id,start,end,new_customers,cost\n");
/// # Ok(()) }
/// ```
pub fn write_campaigns_csv(
    path: impl AsRef<Path>,
    campaigns: &[CampaignRecord],
) -> Result<(), SynthError> {
    let path = path.as_ref();
    let f = AtomicFile::create(path).map_err(|e| SynthError::write(path, e))?;
    let mut w = csv::Writer::from_writer(f);
    let err = |e: csv::Error| SynthError::write(path, e);
    w.write_record([
        "poi_id",
        "branch_id",
        "start",
        "end",
        "new_customers",
        "cost",
    ])
    .map_err(err)?;
    for c in campaigns {
        w.write_record([
            c.poi_id.as_str(),
            c.branch_id.as_str(),
            &c.start.to_string(),
            &c.end.to_string(),
            &c.new_customers.to_string(),
            &format!("{:.2}", c.cost),
        ])
        .map_err(err)?;
    }
    let f = w
        .into_inner()
        .map_err(|e| SynthError::write(path, e.into_error()))?;
    f.commit().map_err(|e| SynthError::write(path, e))
}
