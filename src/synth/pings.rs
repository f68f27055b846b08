//! The ping process: when a phone reports its position, and how wrong the position is.

use super::SynthError;
use super::device::{Profile, Role};
use super::generate::{DayCtx, Model};
use super::rng::{Stream, stream};
use super::routine::DayPlan;
use super::sink::Ping;
use rand::Rng;
use rand_distr::{Distribution, Exp, Geometric, StandardNormal};

/// Relative session rate by local hour (normalised to mean 1 when used): quiet at night, peaks
/// at lunch and in the evening.
const DIURNAL: [f64; 24] = [
    0.30, 0.15, 0.10, 0.08, 0.08, 0.15, 0.40, 0.90, 1.30, 1.30, 1.20, 1.30, 1.50, 1.40, 1.20, 1.20,
    1.30, 1.50, 1.60, 1.60, 1.50, 1.30, 1.00, 0.60,
];

/// `accuracy_m` is the 68 % radius: for a 2-D Gaussian with per-axis σ, P(r ≤ a) = 0.68 at
/// a = σ·√(−2 ln 0.32) ≈ 1.5096 σ.
const ACC_TO_SIGMA: f64 = 1.0 / 1.509_592;

/// How phones ping. Rates are per device before its chattiness factor.
///
/// # Example
/// ```
/// use catchment::synth::PingModel;
/// let busy = PingModel { rate_scale: 2.0, ..PingModel::default() };
/// assert!(busy.validate().is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PingModel {
    /// App sessions per hour at the daily mean (the hourly rhythm multiplies it).
    pub sessions_per_hour: f64,
    /// Mean extra pings in a session burst (geometric), after the first.
    pub burst_extra: f64,
    /// Mean gap between pings of one burst, seconds (exponential).
    pub burst_gap_s: f64,
    /// Extra pings per minute while moving (location updates).
    pub moving_per_minute: f64,
    /// Probability of a ping on arrival after a move.
    pub arrival_ping: f64,
    /// σ of the lognormal per-device chattiness (mean 1).
    pub chattiness_sigma: f64,
    /// Multiplies every rate (set by [`resolve`](super::resolve) when both devices and a ping
    /// target are given).
    pub rate_scale: f64,
    /// Share of resident device-days with no ping at all (phone off, app not used).
    pub silent_day_share: f64,
    /// Share of device-days with a silent stretch of 1–5 hours.
    pub silent_stretch_share: f64,
    /// Share of fixes that are outliers (3–10× the stated accuracy away).
    pub outlier_share: f64,
    /// Share of pings of accuracy-reporting devices that still lack `accuracy_m`.
    pub missing_accuracy_share: f64,
}

impl Default for PingModel {
    fn default() -> Self {
        PingModel {
            sessions_per_hour: 1.1,
            burst_extra: 0.7,
            burst_gap_s: 20.0,
            moving_per_minute: 0.3,
            arrival_ping: 0.5,
            chattiness_sigma: 0.8,
            rate_scale: 1.0,
            silent_day_share: 0.04,
            silent_stretch_share: 0.15,
            outlier_share: 0.01,
            missing_accuracy_share: 0.02,
        }
    }
}

impl PingModel {
    /// Checks ranges.
    ///
    /// # Errors
    /// [`SynthError::Invalid`] naming the field.
    ///
    /// # Example
    /// ```
    /// use catchment::synth::PingModel;
    /// assert!(PingModel { sessions_per_hour: -1.0, ..PingModel::default() }.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), SynthError> {
        let pos = [
            ("sessions_per_hour", self.sessions_per_hour),
            ("burst_gap_s", self.burst_gap_s),
            ("rate_scale", self.rate_scale),
        ];
        for (name, v) in pos {
            if !(v > 0.0 && v.is_finite()) {
                return Err(SynthError::Invalid(format!(
                    "{name} must be a positive number"
                )));
            }
        }
        let nonneg = [
            ("burst_extra", self.burst_extra),
            ("moving_per_minute", self.moving_per_minute),
            ("chattiness_sigma", self.chattiness_sigma),
        ];
        for (name, v) in nonneg {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(SynthError::Invalid(format!("{name} must be ≥ 0")));
            }
        }
        let shares = [
            ("arrival_ping", self.arrival_ping),
            ("silent_day_share", self.silent_day_share),
            ("silent_stretch_share", self.silent_stretch_share),
            ("outlier_share", self.outlier_share),
            ("missing_accuracy_share", self.missing_accuracy_share),
        ];
        for (name, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                return Err(SynthError::Invalid(format!("{name} must be in [0, 1]")));
            }
        }
        Ok(())
    }
}

fn exp(rng: &mut impl Rng, rate: f64) -> f64 {
    Exp::new(rate)
        .map(|e| e.sample(rng))
        .unwrap_or(f64::INFINITY)
}

/// Position source of a fix: (median accuracy, lognormal σ, clamp low, clamp high).
const GPS: (f64, f64, f64, f64) = (8.0, 0.45, 3.0, 40.0);
const WIFI: (f64, f64, f64, f64) = (22.0, 0.45, 8.0, 100.0);
const CELL: (f64, f64, f64, f64) = (500.0, 0.6, 150.0, 3000.0);

/// Emits the pings of one device-day into `out` (unsorted); `times` is scratch space.
pub(crate) fn emit(
    m: &Model<'_>,
    prof: &Profile,
    plan: &DayPlan,
    day: &DayCtx,
    times: &mut Vec<f64>,
    out: &mut Vec<Ping>,
) {
    if !plan.is_present() || plan.segs.is_empty() {
        return;
    }
    let pm = &m.params.pings;
    let mut rng = stream(
        m.params.seed,
        prof.index,
        u64::from(day.index),
        Stream::Pings,
    );
    if prof.role == Role::Resident && rng.random_bool(pm.silent_day_share) {
        return;
    }
    let (p0, p1) = plan.present;
    let silent = if rng.random_bool(pm.silent_stretch_share) {
        let s = rng.random_range(p0..p1);
        (s, s + rng.random_range(3_600.0..18_000.0))
    } else {
        (0.0, 0.0)
    };
    let c = prof.chattiness * pm.rate_scale;
    times.clear();

    // App sessions: a thinned Poisson process following the daily rhythm, each a burst.
    let mean_d = DIURNAL.iter().sum::<f64>() / 24.0;
    let max_d = DIURNAL.iter().copied().fold(0.0, f64::max) / mean_d;
    let lam_max = c * pm.sessions_per_hour * max_d / 3_600.0;
    let burst = Geometric::new(1.0 / (1.0 + pm.burst_extra)).ok();
    let mut t = p0 + exp(&mut rng, lam_max);
    while t < p1 {
        let hour = ((t / 3_600.0) as usize).min(23);
        if rng.random::<f64>() * max_d < DIURNAL[hour] / mean_d {
            let k = 1 + burst.map_or(0, |g| g.sample(&mut rng).min(50));
            let mut tt = t;
            for _ in 0..k {
                if tt >= p1 {
                    break;
                }
                times.push(tt);
                tt += exp(&mut rng, 1.0 / pm.burst_gap_s);
            }
        }
        t += exp(&mut rng, lam_max);
    }
    // Location updates while moving, and on arrival.
    let move_rate = c * pm.moving_per_minute / 60.0;
    for s in plan.segs.iter().filter(|s| s.moving()) {
        let mut t = s.t0 + exp(&mut rng, move_rate);
        while t < s.t1 {
            times.push(t);
            t += exp(&mut rng, move_rate);
        }
        if rng.random_bool(pm.arrival_ping) {
            let t = s.t1 + rng.random_range(0.0..60.0);
            if t < p1 {
                times.push(t);
            }
        }
    }
    times.retain(|t| *t >= p0 && *t < p1 && !(silent.0 <= *t && *t < silent.1));
    times.sort_unstable_by(f64::total_cmp);

    let frame = &m.city.frame;
    let mut cur = 0;
    for &t in times.iter() {
        while cur + 1 < plan.segs.len() && plan.segs[cur].t1 <= t {
            cur += 1;
        }
        let seg = &plan.segs[cur];
        let (pos, moving) = if t < seg.t0 {
            (seg.a, false)
        } else {
            (seg.pos(t), seg.moving() && t < seg.t1)
        };
        let u = rng.random::<f64>();
        let src = match (moving, u) {
            (true, u) if u < 0.85 => GPS,
            (true, u) if u < 0.95 => WIFI,
            (false, u) if u < 0.35 => GPS,
            (false, u) if u < 0.92 => WIFI,
            _ => CELL,
        };
        let z: f64 = StandardNormal.sample(&mut rng);
        let acc = (src.0 * (src.1 * z).exp()).clamp(src.2, src.3);
        let (dx, dy) = if src != CELL && rng.random_bool(pm.outlier_share) {
            let r = acc * rng.random_range(3.0..10.0);
            let a = rng.random_range(0.0..std::f64::consts::TAU);
            (r * a.cos(), r * a.sin())
        } else {
            let sigma = acc * ACC_TO_SIGMA;
            let zx: f64 = StandardNormal.sample(&mut rng);
            let zy: f64 = StandardNormal.sample(&mut rng);
            (zx * sigma, zy * sigma)
        };
        let accuracy_m = (prof.reports_accuracy && !rng.random_bool(pm.missing_accuracy_share))
            .then(|| ((acc * 10.0).round() / 10.0) as f32);
        let (lon, lat) = frame.to_lonlat([pos[0] + dx, pos[1] + dy]);
        out.push(Ping {
            device: prof.index,
            ts: day.to_epoch(t).floor() as i64,
            lon: (lon * 1e6).round() / 1e6,
            lat: (lat * 1e6).round() / 1e6,
            accuracy_m,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accuracy_is_the_68_percent_radius() {
        // P(r <= a) for a Rayleigh with σ = a · ACC_TO_SIGMA.
        let p = 1.0 - (-1.0 / (2.0 * ACC_TO_SIGMA * ACC_TO_SIGMA)).exp();
        assert!((p - 0.68).abs() < 1e-4, "{p}");
    }

    #[test]
    fn defaults_validate() {
        PingModel::default().validate().unwrap();
    }
}
