//! Past partner campaigns, for calibrating predicted conversions.

use super::csv_table::{Columns, read_all};
use super::point::optional_number;
use super::{Branch, Campaign, InputError, Loaded, Poi, ReadOptions, RejectReason, non_empty};
use std::collections::HashSet;
use std::path::Path;

/// Reads campaigns (`poi_id, branch_id, start, end, new_customers[, cost]`).
///
/// `start` and `end` are dates (`2026-05-01`, local to the study's zone; an end date includes its
/// whole day) or times as for pings. Rows are rejected when a time is not one, `end` is not after
/// `start`, `new_customers` is not a non-negative integer, `cost` is negative or not a number, or
/// (when `pois` / `branches` are given) an id matches no POI / branch.
///
/// # Errors
/// An [`InputError`] when the file is missing, lacks a required column, is malformed or empty.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::input::{read_campaigns, ReadOptions};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("campaigns.csv");
/// std::fs::write(&path, "poi_id,branch_id,start,end,new_customers\np1,b1,2026-05-01,2026-05-14,12\n")?;
/// let read = read_campaigns(&path, &ReadOptions::new("salt", jiff::tz::TimeZone::UTC), None, None)?;
/// assert_eq!(read.records[0].days(), 14.0);
/// # Ok(()) }
/// ```
pub fn read_campaigns(
    path: &Path,
    opts: &ReadOptions,
    pois: Option<&[Poi]>,
    branches: Option<&[Branch]>,
) -> Result<Loaded<Campaign>, InputError> {
    const COLS: Columns<'static> = Columns {
        required: &["poi_id", "branch_id", "start", "end", "new_customers"],
        optional: &["cost"],
    };
    let poi_ids: Option<HashSet<&str>> =
        pois.map(|p| p.iter().map(|p| p.poi_id.as_str()).collect());
    let branch_ids: Option<HashSet<&str>> =
        branches.map(|b| b.iter().map(|b| b.branch_id.as_str()).collect());
    read_all(path, "campaigns", COLS, &opts.columns, None, |t, row| {
        let id = |i: usize, column: &str, known: &Option<HashSet<&str>>| {
            let v = non_empty(t.get(row, i)).ok_or_else(|| RejectReason::Missing {
                column: column.into(),
            })?;
            match known {
                Some(k) if !k.contains(v.as_str()) => Err(RejectReason::UnknownReference {
                    column: column.into(),
                    value: v,
                }),
                _ => Ok(v),
            }
        };
        let poi_id = id(0, "poi_id", &poi_ids)?;
        let branch_id = id(1, "branch_id", &branch_ids)?;
        let start = time(opts, "start", t.get(row, 2), false)?;
        let end = time(opts, "end", t.get(row, 3), true)?;
        if end <= start {
            return Err(RejectReason::BadValue {
                column: "end".into(),
                value: t.get(row, 3).trim().into(),
                expected: "a time after start".into(),
            });
        }
        let raw = t.get(row, 4).trim();
        let new_customers = raw.parse::<u32>().map_err(|_| {
            if raw.is_empty() {
                RejectReason::Missing {
                    column: "new_customers".into(),
                }
            } else {
                RejectReason::BadValue {
                    column: "new_customers".into(),
                    value: raw.into(),
                    expected: "a non-negative integer".into(),
                }
            }
        })?;
        let cost = optional_number("cost", t.get(row, 5))?;
        if let Some(c) = cost.filter(|c| *c < 0.0) {
            return Err(RejectReason::BadValue {
                column: "cost".into(),
                value: c.to_string(),
                expected: "a non-negative amount".into(),
            });
        }
        Ok(Campaign {
            poi_id,
            branch_id,
            start,
            end,
            new_customers,
            cost,
        })
    })
}

/// A campaign bound: a bare date is local midnight; as an end, the midnight after it.
fn time(opts: &ReadOptions, column: &str, s: &str, is_end: bool) -> Result<i64, RejectReason> {
    let s = s.trim();
    if s.is_empty() {
        return Err(RejectReason::Missing {
            column: column.into(),
        });
    }
    let bad = || RejectReason::BadTime {
        column: column.into(),
        value: s.into(),
    };
    if is_end
        && s.len() == 10
        && let Ok(d) = s.parse::<jiff::civil::Date>()
    {
        let next = d.tomorrow().map_err(|_| bad())?;
        return opts.time.parse(&next.to_string()).ok_or_else(bad);
    }
    opts.time.parse(s).ok_or_else(bad)
}
