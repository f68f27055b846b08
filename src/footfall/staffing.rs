//! From hourly visits to staff and opening hours: a documented service-rate rule.

/// `[staffing]`: the queueing rule that turns visits into suggested staff.
///
/// For one fence, day type and local hour: `entering = visits_per_day × entry_share` customers
/// arrive at the branch; each needs `service_minutes` of a staff member, so
/// `suggested_staff = max(min_staff, ⌈entering × service_minutes ÷ 60⌉)` when `entering` reaches
/// `min_customers_per_hour`, else 0 (not worth opening). `⌈load⌉` is the offered load of an
/// M/M/c queue in Erlangs rounded up: enough servers to keep up on average, without a
/// waiting-time target. Opening hours are the span from the first to the last hour whose
/// `entering` reaches `min_customers_per_hour`.
///
/// # Example
/// ```
/// use catchment::footfall::{StaffingParams, suggested_staff};
/// let p = StaffingParams::default();
/// // 600 visits a day in the fence, 2 % enter: 12 customers × 10 min = 2 staff-hours.
/// assert_eq!(suggested_staff(600.0, &p), 2);
/// assert_eq!(suggested_staff(60.0, &p), p.min_staff); // 1.2 customers: the floor
/// assert_eq!(suggested_staff(10.0, &p), 0); // 0.2 customers an hour: stay closed
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffingParams {
    /// Share of the fence's visits that enter the branch (0.02).
    pub entry_share: f64,
    /// Minutes of staff time per customer served (10).
    pub service_minutes: f64,
    /// Staff present whenever the branch is open (1).
    pub min_staff: u32,
    /// Customers per hour that justify opening (1).
    pub min_customers_per_hour: f64,
}

impl Default for StaffingParams {
    fn default() -> Self {
        Self {
            entry_share: 0.02,
            service_minutes: 10.0,
            min_staff: 1,
            min_customers_per_hour: 1.0,
        }
    }
}

/// Staff for an hour with `visits_per_day` visits to the fence (see [`StaffingParams`]).
pub fn suggested_staff(visits_per_day: f64, p: &StaffingParams) -> u32 {
    let entering = visits_per_day.max(0.0) * p.entry_share;
    if entering < p.min_customers_per_hour || entering == 0.0 {
        return 0;
    }
    let load = entering * p.service_minutes / 60.0;
    // Rounded to 1e-9 first so that an exact load of 2.0 computed as 2.0000000001 stays 2.
    let staff = ((load * 1e9).round() / 1e9).ceil();
    (staff as u32).max(p.min_staff)
}

/// Suggested opening hours of a branch on one day type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningHours {
    /// The branch.
    pub branch_id: String,
    /// The fence whose visits were used (the branch's primary fence).
    pub fence_id: String,
    /// `weekday` or `weekend`.
    pub day_type: &'static str,
    /// First open hour (local), `None` when no hour is busy enough.
    pub open: Option<u8>,
    /// Closing hour (local, exclusive: 18 = closes at 18:00).
    pub close: Option<u8>,
    /// Hour with the most visits.
    pub peak_hour: Option<u8>,
}

/// Opening hours from 24 hourly visits per day (`None` = suppressed, treated as quiet).
pub fn opening_hours(
    visits_per_day: &[Option<f64>; 24],
    p: &StaffingParams,
) -> (Option<u8>, Option<u8>, Option<u8>) {
    let busy: Vec<u8> = (0..24u8)
        .filter(|&h| {
            visits_per_day[h as usize]
                .is_some_and(|v| v * p.entry_share >= p.min_customers_per_hour)
        })
        .collect();
    let peak = (0..24u8)
        .filter_map(|h| visits_per_day[h as usize].map(|v| (h, v)))
        .filter(|&(_, v)| v > 0.0)
        .fold(None::<(u8, f64)>, |best, (h, v)| match best {
            Some((_, bv)) if bv >= v => best,
            _ => Some((h, v)),
        })
        .map(|(h, _)| h);
    match (busy.first(), busy.last()) {
        (Some(&a), Some(&b)) => (Some(a), Some(b + 1), peak),
        _ => (None, None, peak),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_rounds_load_up_with_a_floor() {
        let p = StaffingParams::default();
        assert_eq!(suggested_staff(600.0, &p), 2);
        assert_eq!(suggested_staff(601.0, &p), 3);
        assert_eq!(suggested_staff(10.0, &p), 0);
        assert_eq!(suggested_staff(50.0, &p), 1);
        let p = StaffingParams { min_staff: 2, ..p };
        assert_eq!(suggested_staff(50.0, &p), 2);
        assert_eq!(suggested_staff(0.0, &p), 0);
    }

    #[test]
    fn opening_spans_first_to_last_busy_hour() {
        let p = StaffingParams::default();
        let mut v = [Some(0.0); 24];
        v[9] = Some(60.0); // 1.2 customers: busy
        v[12] = Some(40.0); // 0.8: quiet but inside the span
        v[16] = Some(100.0);
        v[20] = None;
        assert_eq!(opening_hours(&v, &p), (Some(9), Some(17), Some(16)));
        assert_eq!(opening_hours(&[None; 24], &p), (None, None, None));
    }
}
