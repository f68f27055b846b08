//! Branches and POIs: id, name, a point, and a few attributes.

use super::csv_table::{Columns, read_all};
use super::point::number;
use super::{Branch, InputError, Loaded, Poi, ReadOptions, RejectReason, non_empty};
use std::collections::HashMap;
use std::path::Path;

/// Reads the bank's branches (`branch_id, name, lon, lat[, brand]`).
///
/// Rows with an empty or duplicate id, bad coordinates, or a point outside the study area are
/// rejected. An empty name is allowed (the id is shown instead).
///
/// # Errors
/// An [`InputError`] when the file is missing, lacks a required column, is malformed or empty.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::input::{read_branches, ReadOptions};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("branches.csv");
/// std::fs::write(&path, "branch_id,name,lon,lat\nb1,Main,7.42,43.73\nb2,Bad,,43.7\n")?;
/// let read = read_branches(&path, &ReadOptions::new("salt", jiff::tz::TimeZone::UTC))?;
/// assert_eq!(read.records.len(), 1);
/// assert_eq!(read.rejects.total(), 1);
/// assert_eq!(read.rejects.rejects()[0].line, 3);
/// # Ok(()) }
/// ```
pub fn read_branches(path: &Path, opts: &ReadOptions) -> Result<Loaded<Branch>, InputError> {
    const COLS: Columns<'static> = Columns {
        required: &["branch_id", "name", "lon", "lat"],
        optional: &["brand"],
    };
    let check = opts.point_check(path)?;
    let mut seen = HashMap::new();
    read_all(path, "branches", COLS, &opts.columns, None, |t, row| {
        let id = unique_id(&mut seen, "branch_id", t.get(row, 0), row.line)?;
        let (lon, lat) =
            check.check(number("lon", t.get(row, 2))?, number("lat", t.get(row, 3))?)?;
        Ok(Branch {
            branch_id: id,
            name: t.get(row, 1).trim().to_string(),
            lon,
            lat,
            brand: non_empty(t.get(row, 4)),
        })
    })
}

/// Reads POIs (`poi_id, name, category, lon, lat[, brand][, opening_hours]`); categories are lower-cased.
///
/// Rows with an empty or duplicate id, an empty category, bad coordinates, or a point outside the
/// study area are rejected.
///
/// # Errors
/// An [`InputError`] when the file is missing, lacks a required column, is malformed or empty.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::input::{read_pois, ReadOptions};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("pois.csv");
/// std::fs::write(&path, "poi_id,name,category,lon,lat,brand\np1,Shop,Supermarket,7.42,43.73,\n")?;
/// let read = read_pois(&path, &ReadOptions::new("salt", jiff::tz::TimeZone::UTC))?;
/// assert_eq!(read.records[0].category, "supermarket");
/// # Ok(()) }
/// ```
pub fn read_pois(path: &Path, opts: &ReadOptions) -> Result<Loaded<Poi>, InputError> {
    const COLS: Columns<'static> = Columns {
        required: &["poi_id", "name", "category", "lon", "lat"],
        optional: &["brand", "opening_hours"],
    };
    let check = opts.point_check(path)?;
    let mut seen = HashMap::new();
    read_all(path, "pois", COLS, &opts.columns, None, |t, row| {
        let id = unique_id(&mut seen, "poi_id", t.get(row, 0), row.line)?;
        let category = non_empty(t.get(row, 2))
            .ok_or_else(|| RejectReason::Missing {
                column: "category".into(),
            })?
            .to_lowercase();
        let (lon, lat) =
            check.check(number("lon", t.get(row, 3))?, number("lat", t.get(row, 4))?)?;
        Ok(Poi {
            poi_id: id,
            name: t.get(row, 1).trim().to_string(),
            category,
            lon,
            lat,
            brand: non_empty(t.get(row, 5)),
            opening_hours: non_empty(t.get(row, 6)),
        })
    })
}

/// A non-empty id not seen before (the first occurrence wins; later ones are rejected).
pub(crate) fn unique_id(
    seen: &mut HashMap<String, u64>,
    column: &str,
    raw: &str,
    line: u64,
) -> Result<String, RejectReason> {
    let id = non_empty(raw).ok_or_else(|| RejectReason::Missing {
        column: column.to_string(),
    })?;
    if let Some(&first_line) = seen.get(&id) {
        return Err(RejectReason::Duplicate {
            column: column.to_string(),
            value: id,
            first_line,
        });
    }
    seen.insert(id.clone(), line);
    Ok(id)
}
