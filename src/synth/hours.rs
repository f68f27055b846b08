//! Weekly opening hours at 15-minute resolution, with a parser for the common OSM forms.

use jiff::civil::Weekday;

/// Slots per day (15 minutes each).
const SLOTS: u32 = 96;
const ALL_DAY: u128 = (1u128 << SLOTS) - 1;

/// Weekly opening hours: for each weekday, which 15-minute slots are open.
///
/// Built from the simple forms of OpenStreetMap's `opening_hours` syntax (see
/// [`OpeningHours::parse`]) or from the per-category defaults of the synthetic generator.
///
/// # Example
/// ```
/// use catchment::synth::OpeningHours;
/// use jiff::civil::Weekday;
///
/// let h = OpeningHours::parse("Mo-Sa 08:30-19:30; Su off").expect("simple form");
/// assert!(h.is_open(Weekday::Monday, 8 * 60 + 30));
/// assert!(!h.is_open(Weekday::Monday, 19 * 60 + 30));
/// assert!(!h.is_open(Weekday::Sunday, 12 * 60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpeningHours {
    /// Monday first; bit `s` = open during minutes `[15 s, 15 s + 15)`.
    days: [u128; 7],
}

impl OpeningHours {
    /// Open around the clock, every day.
    ///
    /// # Example
    /// ```
    /// use catchment::synth::OpeningHours;
    /// assert!(OpeningHours::ALWAYS.is_open(jiff::civil::Weekday::Sunday, 3 * 60));
    /// ```
    pub const ALWAYS: OpeningHours = OpeningHours { days: [ALL_DAY; 7] };

    /// Parses the simple forms of OSM `opening_hours`.
    ///
    /// Accepted: `24/7`; rules separated by `;`, each an optional weekday selector (`Mo-Fr`,
    /// `Mo,We,Fr`, `Sa-Mo`) followed by time spans (`08:00-12:00,13:30-17:00`) or `off` /
    /// `closed`. A later rule replaces earlier ones on the days it names, as in OSM. A span past
    /// midnight (`18:00-02:00`) spills into the next morning; a trailing `+` (open end) is read
    /// as two hours. Public-holiday (`PH`), school-holiday, month and week selectors are not
    /// understood: such rules are skipped if other rules parse, and a string with no usable rule
    /// gives `None` (callers then use the category default).
    ///
    /// # Example
    /// ```
    /// use catchment::synth::OpeningHours;
    /// use jiff::civil::Weekday;
    ///
    /// let bar = OpeningHours::parse("Tu-Su 18:00-02:00").expect("parses");
    /// assert!(bar.is_open(Weekday::Wednesday, 60)); // Tuesday night spills into Wednesday
    /// assert!(!bar.is_open(Weekday::Tuesday, 60));
    /// assert!(OpeningHours::parse("sunrise-sunset").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<OpeningHours> {
        let s = s.trim();
        if s == "24/7" {
            return Some(Self::ALWAYS);
        }
        let mut days = [0u128; 7];
        let mut any = false;
        for rule in s.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            let Some((sel, today, spill)) = parse_rule(rule) else {
                continue;
            };
            any = true;
            for d in 0..7 {
                if sel[d] {
                    days[d] = today;
                }
            }
            // Spill-over into the next morning is added, never replaced.
            for d in 0..7 {
                if sel[d] {
                    days[(d + 1) % 7] |= spill;
                }
            }
        }
        any.then_some(OpeningHours { days })
    }

    /// Whether the place is open at `minute` (0..1440) of a local `day`.
    ///
    /// # Example
    /// ```
    /// use catchment::synth::OpeningHours;
    /// let h = OpeningHours::parse("09:00-17:00").expect("parses");
    /// assert!(h.is_open(jiff::civil::Weekday::Friday, 9 * 60));
    /// ```
    pub fn is_open(&self, day: Weekday, minute: u32) -> bool {
        let slot = (minute / 15).min(SLOTS - 1);
        (self.days[day.to_monday_zero_offset() as usize] >> slot) & 1 == 1
    }

    /// Whether the place is open for the whole local span `[from, to)` minutes of one day
    /// (`to` ≤ 1440).
    ///
    /// # Example
    /// ```
    /// use catchment::synth::OpeningHours;
    /// let h = OpeningHours::parse("Mo-Fr 12:00-14:30").expect("parses");
    /// assert!(h.is_open_during(jiff::civil::Weekday::Monday, 12 * 60 + 10, 13 * 60));
    /// assert!(!h.is_open_during(jiff::civil::Weekday::Monday, 14 * 60, 15 * 60));
    /// ```
    pub fn is_open_during(&self, day: Weekday, from: u32, to: u32) -> bool {
        let a = (from / 15).min(SLOTS - 1);
        let b = (to.saturating_sub(1) / 15).clamp(a, SLOTS - 1);
        let width = b - a + 1;
        let mask = (if width >= 128 {
            u128::MAX
        } else {
            (1u128 << width) - 1
        }) << a;
        self.days[day.to_monday_zero_offset() as usize] & mask == mask
    }

    /// Whether the place opens at all during the week.
    ///
    /// # Example
    /// ```
    /// use catchment::synth::OpeningHours;
    /// assert!(!OpeningHours::parse("off").expect("parses").ever_open());
    /// ```
    pub fn ever_open(&self) -> bool {
        self.days.iter().any(|d| *d != 0)
    }
}

const DAY_NAMES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// One rule: (days selected, slots of that day, slots spilling into the next day).
fn parse_rule(rule: &str) -> Option<([bool; 7], u128, u128)> {
    let (sel, times) = match rule.split_once(' ') {
        Some((a, b)) if a.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && a != "off" => {
            (parse_days(a)?, b.trim())
        }
        _ if rule.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && !matches!(rule, "off" | "closed") =>
        {
            // A bare day selector means open all day on those days.
            (parse_days(rule)?, "00:00-24:00")
        }
        _ => ([true; 7], rule),
    };
    if matches!(times, "off" | "closed") {
        return Some((sel, 0, 0));
    }
    let mut today = 0u128;
    let mut spill = 0u128;
    for span in times.split(',').map(str::trim) {
        let (a, b) = span.split_once('-')?;
        let open = parse_hm(a)?;
        let close = match b.strip_suffix('+') {
            Some("") => open + 120,
            Some(b) => parse_hm(b)?,
            None => parse_hm(b)?,
        };
        if close > open {
            today |= slots(open, close.min(1440));
            if close > 1440 {
                spill |= slots(0, close - 1440);
            }
        } else {
            today |= slots(open, 1440);
            spill |= slots(0, close);
        }
    }
    Some((sel, today, spill))
}

fn parse_days(s: &str) -> Option<[bool; 7]> {
    let mut sel = [false; 7];
    for part in s.split(',') {
        let day = |n: &str| DAY_NAMES.iter().position(|d| *d == n);
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut d = a;
                loop {
                    sel[d] = true;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => sel[day(part)?] = true,
        }
    }
    Some(sel)
}

fn parse_hm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 48 && m < 60).then_some(h * 60 + m)
}

/// Slots whose start lies in `[open, close)` minutes.
fn slots(open: u32, close: u32) -> u128 {
    let a = open.div_ceil(15).min(SLOTS);
    let b = close.div_ceil(15).min(SLOTS);
    if b <= a {
        return 0;
    }
    let width = b - a;
    (if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    }) << a
}

#[cfg(test)]
mod tests {
    use super::*;
    use Weekday::*;

    #[test]
    fn later_rules_override() {
        let h = OpeningHours::parse("Mo-Su 08:00-20:00; Su 09:00-13:00").unwrap();
        assert!(h.is_open(Sunday, 9 * 60));
        assert!(!h.is_open(Sunday, 14 * 60));
        assert!(h.is_open(Saturday, 19 * 60 + 45));
        assert!(!h.is_open(Saturday, 20 * 60));
    }

    #[test]
    fn split_spans_and_midnight() {
        let h = OpeningHours::parse("Mo-Fr 08:45-12:00,13:30-17:00").unwrap();
        assert!(!h.is_open(Monday, 8 * 60 + 30));
        assert!(h.is_open(Monday, 8 * 60 + 45));
        assert!(!h.is_open(Monday, 12 * 60 + 30));
        let h = OpeningHours::parse("08:30-24:00").unwrap();
        assert!(h.is_open(Sunday, 23 * 60 + 59));
        let h = OpeningHours::parse("Mo-Su 11:00-00:00").unwrap();
        assert!(h.is_open(Monday, 23 * 60));
        assert!(!h.is_open(Monday, 10 * 60));
    }

    #[test]
    fn wrapping_day_range_and_garbage() {
        let h = OpeningHours::parse("Sa-Mo 10:00-12:00").unwrap();
        assert!(h.is_open(Sunday, 600) && h.is_open(Monday, 600) && !h.is_open(Tuesday, 600));
        assert!(OpeningHours::parse("").is_none());
        assert!(OpeningHours::parse("Jan-Mar 10:00-12:00").is_none());
        // A PH rule is skipped when others parse.
        let h = OpeningHours::parse("Mo-Fr 09:00-17:00; PH off").unwrap();
        assert!(h.is_open(Tuesday, 600));
    }
}
