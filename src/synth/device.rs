//! Devices: who they are (role, home, work, age, gender, tags, customer tier) and their habits.

use super::category::{ACTIVITIES, Activity};
use super::generate::Model;
use super::rng::{Stream, stream};
use super::{SynthError, SynthParams};
use crate::io::AtomicFile;
use rand::Rng;
use rand_distr::{Distribution, LogNormal, Normal};
use std::io::Write;
use std::path::Path;

/// Shares of the three roles; they must sum to 1.
///
/// # Example
/// ```
/// use catchment::synth::Population;
/// let p = Population::default();
/// assert!((p.residents + p.commuters + p.tourists - 1.0).abs() < 1e-9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Population {
    /// Residents: home in the city, present every day.
    pub residents: f64,
    /// Commuters: home outside, work inside; weekdays mostly.
    pub commuters: f64,
    /// Tourists: a 1–4-day stay.
    pub tourists: f64,
}

impl Default for Population {
    fn default() -> Self {
        Population {
            residents: 0.70,
            commuters: 0.18,
            tourists: 0.12,
        }
    }
}

impl Population {
    pub(crate) fn validate(&self) -> Result<(), SynthError> {
        let all = [self.residents, self.commuters, self.tourists];
        if all.iter().any(|s| !(0.0..=1.0).contains(s))
            || (all.iter().sum::<f64>() - 1.0).abs() > 1e-6
        {
            return Err(SynthError::Invalid(
                "population shares must be in [0, 1] and sum to 1".into(),
            ));
        }
        Ok(())
    }
}

/// Probability of being a bank customer.
///
/// A resident is a customer with probability `base + near · exp(-d / scale_km)`, `d` the
/// distance from home to the nearest own branch (defaults 0.05, 0.35, 1 km: 40 % next to a
/// branch, 18 % at 1 km, 5 % far away). Commuters are customers with probability 0.08, tourists
/// 0.01. Without branches every resident has probability `base`. Tiers by age band:
///
/// | age band | mass | affluent | private |
/// |---|---|---|---|
/// | 18–24, 25–34 | 90 % | 9 % | 1 % |
/// | 35–44, 45–54 | 76 % | 19 % | 5 % |
/// | 55–64, 65+ | 68 % | 24 % | 8 % |
///
/// # Example
/// ```
/// use catchment::synth::CustomerModel;
/// let m = CustomerModel::default();
/// assert!(m.probability(0.0) > m.probability(2_000.0));
/// assert!((m.probability(1e9) - m.base).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CustomerModel {
    /// Floor probability far from any branch.
    pub base: f64,
    /// Extra probability at a branch's door.
    pub near: f64,
    /// Decay length, km.
    pub scale_km: f64,
    /// Probability for commuters.
    pub commuter: f64,
    /// Probability for tourists.
    pub tourist: f64,
}

impl Default for CustomerModel {
    fn default() -> Self {
        CustomerModel {
            base: 0.05,
            near: 0.35,
            scale_km: 1.0,
            commuter: 0.08,
            tourist: 0.01,
        }
    }
}

impl CustomerModel {
    /// Probability that a resident living `distance_m` from the nearest own branch is a customer.
    ///
    /// # Example
    /// ```
    /// let p = catchment::synth::CustomerModel::default().probability(1_000.0);
    /// assert!((p - (0.05 + 0.35 * (-1.0f64).exp())).abs() < 1e-12);
    /// ```
    pub fn probability(&self, distance_m: f64) -> f64 {
        (self.base + self.near * (-distance_m / 1000.0 / self.scale_km).exp()).clamp(0.0, 1.0)
    }

    pub(crate) fn validate(&self) -> Result<(), SynthError> {
        let ok = |p: f64| (0.0..=1.0).contains(&p);
        let all_ok = ok(self.base)
            && ok(self.near)
            && ok(self.base + self.near)
            && ok(self.commuter)
            && ok(self.tourist)
            && self.scale_km > 0.0;
        if !all_ok {
            return Err(SynthError::Invalid(
                "customer probabilities must be in [0, 1], scale_km > 0".into(),
            ));
        }
        Ok(())
    }
}

/// Device roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Role {
    Resident,
    Commuter,
    Tourist,
}

impl Role {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Commuter => "commuter",
            Role::Tourist => "tourist",
        }
    }
}

pub(crate) const AGE_BANDS: [&str; 6] = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"];
const RESIDENT_AGE: [f64; 6] = [0.12, 0.20, 0.20, 0.19, 0.15, 0.14];
const COMMUTER_AGE: [f64; 6] = [0.10, 0.26, 0.26, 0.24, 0.14, 0.0];
const TOURIST_AGE: [f64; 6] = [0.14, 0.20, 0.18, 0.18, 0.16, 0.14];
const EMPLOYED: [f64; 6] = [0.50, 0.85, 0.88, 0.85, 0.60, 0.08];
pub(crate) const TIERS: [&str; 3] = ["mass", "affluent", "private"];
const TIER_BY_AGE: [[f64; 3]; 3] = [[0.90, 0.09, 0.01], [0.76, 0.19, 0.05], [0.68, 0.24, 0.08]];
const TAGS: [&str; 12] = [
    "dining",
    "shopping",
    "travel",
    "sports",
    "luxury",
    "family",
    "tech",
    "finance",
    "culture",
    "nightlife",
    "health",
    "auto",
];
const TAG_BASE: [f64; 12] = [
    0.35, 0.35, 0.20, 0.20, 0.05, 0.20, 0.20, 0.10, 0.15, 0.10, 0.15, 0.15,
];

fn pick(weights: &[f64], rng: &mut impl Rng) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.len() - 1
}

/// Personal habits that shape routines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Habits {
    /// Usual work start, seconds after local midnight.
    pub work_start: f64,
    /// Usual work duration, seconds.
    pub work_len: f64,
    pub p_lunch_out: f64,
    pub p_errand: f64,
    pub p_evening: f64,
    pub weekend_outings: f64,
    /// Tourists: first day present (may be negative) and stay length in days.
    pub stay_first: i64,
    pub stay_len: i64,
}

/// Everything about a device, re-derived from (seed, index) whenever needed.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub index: u64,
    pub role: Role,
    /// Residents: home; tourists: lodging; commuters: their entry point.
    pub home: [f64; 2],
    pub work: Option<[f64; 2]>,
    /// Where a visitor enters and leaves the city.
    pub entry: [f64; 2],
    /// Tourists: whether they sleep in the city.
    pub lodged: bool,
    pub age: usize,
    pub female: bool,
    pub tier: Option<usize>,
    pub tags: u16,
    pub chattiness: f64,
    pub reports_accuracy: bool,
    pub habits: Habits,
    /// Distance home → nearest own branch, metres (residents with branches).
    pub branch_m: Option<f64>,
}

impl Profile {
    pub(crate) fn new(m: &Model<'_>, index: u64) -> Profile {
        let p = &m.params;
        let mut rng = stream(p.seed, index, 0, Stream::Profile);
        let pop = &p.population;
        let role = match pick(&[pop.residents, pop.commuters, pop.tourists], &mut rng) {
            0 => Role::Resident,
            1 => Role::Commuter,
            _ => Role::Tourist,
        };
        let age = pick(
            match role {
                Role::Resident => &RESIDENT_AGE,
                Role::Commuter => &COMMUTER_AGE,
                Role::Tourist => &TOURIST_AGE,
            },
            &mut rng,
        );
        let female = rng.random_bool(0.51);
        let employed = match role {
            Role::Resident => rng.random_bool(EMPLOYED[age]),
            Role::Commuter => true,
            Role::Tourist => false,
        };
        let entry = m.city.edge_point(&mut rng);
        let work = employed.then(|| m.city.works.draw_point(&mut rng));
        let stay_len =
            [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 1, 1, 1, 1, 2][rng.random_range(0..20)];
        let stay_first = rng.random_range(1 - stay_len..i64::from(p.days));
        let (home, lodged) = match role {
            Role::Resident => (m.city.homes.draw_point(&mut rng), false),
            Role::Commuter => (entry, false),
            Role::Tourist if stay_len > 1 => {
                if m.lodgings.is_empty() {
                    (m.city.homes.draw_point(&mut rng), true)
                } else {
                    let h = m.lodgings[rng.random_range(0..m.lodgings.len())];
                    (m.city.pois[h as usize].xy, true)
                }
            }
            // Day-trippers never sleep here; a home-like site anchors their choice of places.
            Role::Tourist => (m.city.homes.draw_point(&mut rng), false),
        };
        let branch_m = match role {
            Role::Resident => m.city.nearest_branch_m(home),
            _ => None,
        };
        let cm = &p.customers;
        let p_customer = match role {
            Role::Resident => branch_m.map_or(cm.base, |d| cm.probability(d)),
            Role::Commuter => cm.commuter,
            Role::Tourist => cm.tourist,
        };
        let tier = rng
            .random_bool(p_customer)
            .then(|| pick(&TIER_BY_AGE[age / 2], &mut rng));
        let tags = draw_tags(age, tier, role, &mut rng);
        let sigma = p.pings.chattiness_sigma;
        let chattiness = LogNormal::new(-sigma * sigma / 2.0, sigma)
            .map(|d| d.sample(&mut rng))
            .unwrap_or(1.0)
            .min(25.0);
        let reports_accuracy = rng.random_bool(0.92);
        let normal =
            |m: f64, s: f64, rng: &mut _| Normal::new(m, s).map(|d| d.sample(rng)).unwrap_or(m);
        let part_time = rng.random_bool(0.12);
        let work_start =
            normal(8.75 * 3600.0, 0.6 * 3600.0, &mut rng).clamp(6.5 * 3600.0, 11.0 * 3600.0);
        let work_len = if part_time {
            rng.random_range(4.0 * 3600.0..5.5 * 3600.0)
        } else {
            normal(8.6 * 3600.0, 0.7 * 3600.0, &mut rng).clamp(6.0 * 3600.0, 11.0 * 3600.0)
        };
        let habits = Habits {
            work_start,
            work_len,
            p_lunch_out: rng.random_range(0.10..0.70),
            p_errand: rng.random_range(0.15..0.50),
            p_evening: rng.random_range(0.05..0.30),
            weekend_outings: rng.random_range(0.8..2.8),
            stay_first,
            stay_len,
        };
        Profile {
            index,
            role,
            home,
            work,
            entry,
            lodged,
            age,
            female,
            tier,
            tags,
            chattiness,
            reports_accuracy,
            habits,
            branch_m,
        }
    }

    /// The device's favourite POIs per activity: a few near home, a few near work.
    pub(crate) fn favourites(&self, m: &Model<'_>) -> Favourites {
        let mut rng = stream(m.params.seed, self.index, 0, Stream::Favourites);
        let mut f = Favourites::default();
        let near_work = self.work.unwrap_or(self.home);
        // (activity, from home, from work)
        let plan: [(Activity, usize, usize); ACTIVITIES] = [
            (Activity::Lunch, 2, 4),
            (Activity::Errand, 4, 2),
            (Activity::Leisure, 5, 1),
            (Activity::Evening, 3, 2),
        ];
        for (a, from_home, from_work) in plan {
            let list = &mut f.pois[a as usize];
            for k in 0..from_home + from_work {
                let anchor = if k < from_home { self.home } else { near_work };
                if let Some(p) = m.index.draw(anchor, a, &mut rng)
                    && !list.contains(&p)
                {
                    list.push(p);
                }
            }
        }
        f
    }

    pub(crate) fn record(&self, width: usize, frame: &super::city::Frame) -> DeviceRecord {
        DeviceRecord {
            device_id: device_id(self.index, width),
            tier: self.tier.map(|t| TIERS[t]),
            age_band: AGE_BANDS[self.age],
            gender: if self.female { "F" } else { "M" },
            tags: (0..TAGS.len())
                .filter(|i| self.tags >> i & 1 == 1)
                .map(|i| TAGS[i])
                .collect(),
            role: self.role.name(),
            home: (self.role == Role::Resident).then(|| frame.to_lonlat(self.home)),
            work: self.work.map(|w| frame.to_lonlat(w)),
            home_branch_m: self.branch_m,
        }
    }
}

fn draw_tags(age: usize, tier: Option<usize>, role: Role, rng: &mut impl Rng) -> u16 {
    let mut p = TAG_BASE;
    let mul = |p: &mut [f64; 12], tag: &str, f: f64| {
        if let Some(i) = TAGS.iter().position(|t| *t == tag) {
            p[i] *= f;
        }
    };
    match age {
        0 => {
            mul(&mut p, "nightlife", 3.0);
            mul(&mut p, "sports", 1.5);
            mul(&mut p, "tech", 1.5);
            mul(&mut p, "family", 0.2);
        }
        1 => {
            mul(&mut p, "nightlife", 2.0);
            mul(&mut p, "tech", 1.5);
        }
        2 => mul(&mut p, "family", 2.0),
        3 => {
            mul(&mut p, "family", 1.5);
            mul(&mut p, "finance", 1.5);
        }
        4 => {
            mul(&mut p, "health", 1.5);
            mul(&mut p, "culture", 1.5);
            mul(&mut p, "finance", 1.5);
        }
        _ => {
            mul(&mut p, "health", 2.5);
            mul(&mut p, "culture", 2.0);
            mul(&mut p, "nightlife", 0.2);
            mul(&mut p, "tech", 0.5);
            mul(&mut p, "sports", 0.5);
        }
    }
    match tier {
        Some(1) => {
            mul(&mut p, "luxury", 4.0);
            mul(&mut p, "finance", 2.0);
            mul(&mut p, "travel", 1.5);
        }
        Some(2) => {
            mul(&mut p, "luxury", 8.0);
            mul(&mut p, "finance", 3.0);
            mul(&mut p, "travel", 2.0);
        }
        _ => {}
    }
    if role == Role::Tourist {
        mul(&mut p, "travel", 3.0);
        mul(&mut p, "culture", 2.0);
    }
    let mut tags = 0u16;
    for (i, pi) in p.iter().enumerate() {
        if rng.random_bool(pi.min(0.95)) {
            tags |= 1 << i;
        }
    }
    if tags == 0 {
        tags = 1 << pick(&p, rng);
    }
    tags
}

/// Favourite POIs per activity.
#[derive(Debug, Clone, Default)]
pub(crate) struct Favourites {
    pub pois: [Vec<u32>; ACTIVITIES],
}

/// The synthetic id of device `index` (0-based): `d` + the 1-based number, zero-padded to
/// `width` digits.
pub(crate) fn device_id(index: u64, width: usize) -> String {
    format!("d{:0width$}", index + 1)
}

/// Digits in device ids: at least 7, more when there are over 9,999,999 devices.
pub(crate) fn id_width(devices: u64) -> usize {
    devices.to_string().len().max(7)
}

/// One row of `devices.csv`, plus the truth the file does not carry (role, home, work).
///
/// # Attributes
/// Age bands `18-24 25-34 35-44 45-54 55-64 65+` (residents 12/20/20/19/15/14 %, commuters
/// 10/26/26/24/14/0 %, tourists 14/20/18/18/16/14 %); gender `F` 51 % / `M` 49 %. Tags are drawn
/// independently from a base rate times multipliers (at least one tag per device):
///
/// | tag | base | more likely for |
/// |---|---|---|
/// | dining | 0.35 | |
/// | shopping | 0.35 | |
/// | travel | 0.20 | affluent ×1.5, private ×2, tourists ×3 |
/// | sports | 0.20 | 18–24 ×1.5; 65+ ×0.5 |
/// | luxury | 0.05 | affluent ×4, private ×8 |
/// | family | 0.20 | 35–44 ×2, 45–54 ×1.5; 18–24 ×0.2 |
/// | tech | 0.20 | 18–34 ×1.5; 65+ ×0.5 |
/// | finance | 0.10 | 45–64 ×1.5, affluent ×2, private ×3 |
/// | culture | 0.15 | 55+ ×1.5–2, tourists ×2 |
/// | nightlife | 0.10 | 18–24 ×3, 25–34 ×2; 65+ ×0.2 |
/// | health | 0.15 | 55–64 ×1.5, 65+ ×2.5 |
/// | auto | 0.15 | |
///
/// # Example
/// ```
/// # fn main() -> Result<(), catchment::synth::SynthError> {
/// use catchment::synth::{device_records, City, SynthParams, WeightedPoint};
/// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 1.0 }];
/// let city = City::from_sites(&homes, &homes, &[], &[])?;
/// let params = SynthParams { devices: Some(3), ..SynthParams::default() };
/// let first = device_records(&city, &params)?.next().expect("three devices");
/// assert_eq!(first.device_id, "d0000001");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRecord {
    /// Synthetic id (`d0000001`, …).
    pub device_id: String,
    /// Customer tier (`mass`, `affluent`, `private`); `None` = not a customer.
    pub tier: Option<&'static str>,
    /// Age band.
    pub age_band: &'static str,
    /// `F` or `M`.
    pub gender: &'static str,
    /// Interest tags.
    pub tags: Vec<&'static str>,
    /// `resident`, `commuter` or `tourist` (truth only, not written to `devices.csv`).
    pub role: &'static str,
    /// Home (residents), WGS-84 `(lon, lat)` (truth only).
    pub home: Option<(f64, f64)>,
    /// Workplace, WGS-84 `(lon, lat)` (truth only).
    pub work: Option<(f64, f64)>,
    /// Distance from home to the nearest own branch, metres (truth only).
    pub home_branch_m: Option<f64>,
}

/// All devices' records, in device order.
///
/// # Errors
/// Invalid parameters (see [`SynthParams::validate`]).
///
/// # Example
/// ```
/// # fn main() -> Result<(), catchment::synth::SynthError> {
/// use catchment::synth::{device_records, City, SynthParams, WeightedPoint};
/// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 1.0 }];
/// let city = City::from_sites(&homes, &homes, &[], &[])?;
/// let params = SynthParams { devices: Some(10), ..SynthParams::default() };
/// assert_eq!(device_records(&city, &params)?.count(), 10);
/// # Ok(()) }
/// ```
pub fn device_records<'a>(
    city: &'a super::City,
    params: &SynthParams,
) -> Result<impl Iterator<Item = DeviceRecord> + 'a, SynthError> {
    let params = super::resolve(city, params)?;
    let devices = params.devices.unwrap_or(SynthParams::DEFAULT_DEVICES);
    let width = id_width(devices);
    let model = Model::new(city, &params);
    Ok((0..devices).map(move |i| Profile::new(&model, i).record(width, &city.frame)))
}

/// Writes `devices.csv` (`device_id,tier,age_band,gender,tags`; empty tier = not a customer;
/// tags `;`-separated) through an [`AtomicFile`]. Returns the number of rows.
///
/// # Errors
/// [`SynthError::Write`] naming the file; invalid parameters.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::synth::{write_devices_csv, City, SynthParams, WeightedPoint};
/// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 1.0 }];
/// let city = City::from_sites(&homes, &homes, &[], &[])?;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("devices.csv");
/// let n = write_devices_csv(&city, &SynthParams { devices: Some(5), ..Default::default() }, &path)?;
/// assert_eq!(n, 5);
/// assert!(std::fs::read_to_string(&path)?.starts_with("device_id,tier,age_band,gender,tags\n"));
/// # Ok(()) }
/// ```
pub fn write_devices_csv(
    city: &super::City,
    params: &SynthParams,
    path: impl AsRef<Path>,
) -> Result<u64, SynthError> {
    let path = path.as_ref();
    let params = super::resolve(city, params)?;
    let model = Model::new(city, &params);
    let err = |e: std::io::Error| SynthError::write(path, e);
    let mut f = AtomicFile::create(path).map_err(err)?;
    writeln!(f, "device_id,tier,age_band,gender,tags").map_err(err)?;
    let width = id_width(model.devices);
    for i in 0..model.devices {
        let r = Profile::new(&model, i).record(width, &city.frame);
        writeln!(
            f,
            "{},{},{},{},{}",
            r.device_id,
            r.tier.unwrap_or(""),
            r.age_band,
            r.gender,
            r.tags.join(";")
        )
        .map_err(err)?;
    }
    f.commit().map_err(err)?;
    Ok(model.devices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(device_id(0, 7), "d0000001");
        assert_eq!(id_width(9_999_999), 7);
        assert_eq!(id_width(10_000_000), 8);
    }

    #[test]
    fn customer_probability_decreases() {
        let m = CustomerModel::default();
        let mut last = 1.0;
        for d in [0.0, 250.0, 500.0, 1000.0, 2000.0, 5000.0] {
            let p = m.probability(d);
            assert!(p < last);
            last = p;
        }
    }
}
