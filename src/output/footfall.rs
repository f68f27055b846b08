//! The footfall outputs: the `heat_grid` layer, `fences` with footfall fields, and the `hourly`
//! and `opening_hours` tables.

use super::geojson::{GeoJsonWriter, Property};
use super::table_csv::{CsvTableWriter, Field};
use crate::fence::{Fence, cell_polygon};
use crate::footfall::{FenceFootfall, FootfallTables, HeatCell};
use geo::{BoundingRect, MultiPolygon};
use std::io;
use std::path::Path;

/// Names of the per-hour fields of `heat_grid`.
pub const HOUR_FIELDS: [&str; 24] = [
    "h00", "h01", "h02", "h03", "h04", "h05", "h06", "h07", "h08", "h09", "h10", "h11", "h12",
    "h13", "h14", "h15", "h16", "h17", "h18", "h19", "h20", "h21", "h22", "h23",
];

fn opt<T: Into<i64>>(v: Option<T>) -> Property<'static> {
    v.map_or(Property::Null, |x| Property::Int(x.into()))
}

fn opt_u64(v: Option<u64>) -> Property<'static> {
    v.map_or(Property::Null, |x| {
        Property::Int(x.min(i64::MAX as u64) as i64)
    })
}

/// Writes the `heat_grid` layer: one H3 hexagon per cell with `h3, devices, pings, stays,
/// dwell_min_median, peak_hour, h00..h23, suppressed` (nulls are suppressed values).
///
/// # Errors
/// Any I/O error.
pub fn write_heat_grid(path: impl AsRef<Path>, heat: &[HeatCell]) -> io::Result<()> {
    let polys: Vec<MultiPolygon<f64>> = heat
        .iter()
        .map(|c| MultiPolygon::new(vec![cell_polygon(c.cell)]))
        .collect();
    let bbox = polys
        .iter()
        .filter_map(|p| p.bounding_rect())
        .reduce(|a, b| crate::study::union(Some(a), Some(b)).expect("both present"));
    let mut w = GeoJsonWriter::create(path, bbox, &[("name", "\"heat_grid\"".into())])?;
    for (c, poly) in heat.iter().zip(&polys) {
        let h3 = c.cell.to_string();
        let mut props: Vec<(&str, Property<'_>)> = Vec::with_capacity(32);
        props.push(("h3", Property::Str(&h3)));
        props.push(("devices", opt(c.devices)));
        props.push(("pings", opt_u64(c.pings)));
        props.push(("stays", opt_u64(c.stays)));
        props.push(("dwell_min_median", opt_u64(c.dwell_min_median)));
        props.push(("peak_hour", opt(c.peak_hour)));
        for (h, name) in HOUR_FIELDS.iter().enumerate() {
            props.push((name, opt(c.hours[h])));
        }
        props.push(("suppressed", Property::Bool(c.suppressed)));
        w.feature(poly, &props)?;
    }
    w.finish()
}

/// Writes the `fences` layer with the footfall fields `devices, pings, customers, residents,
/// workers, visitors, visits, suppressed` after the fence's own.
///
/// # Errors
/// Any I/O error.
pub fn write_fences_footfall(
    path: impl AsRef<Path>,
    fences: &[Fence],
    footfall: &[FenceFootfall],
) -> io::Result<()> {
    super::geojson::write_fences_with(path, fences, Some("fences"), |i, props| {
        let ff = &footfall[i];
        props.extend([
            ("devices", opt(ff.devices)),
            ("pings", opt_u64(ff.pings)),
            ("customers", opt(ff.customers)),
            ("residents", opt(ff.residents)),
            ("workers", opt(ff.workers)),
            ("visitors", opt(ff.visitors)),
            ("visits", opt_u64(ff.visits)),
            ("suppressed", Property::Bool(ff.suppressed)),
        ]);
    })
}

/// Writes the `hourly` table: `branch_id, fence_id, day_type, hour, segment, devices, visits,
/// days, suggested_staff, suppressed`.
///
/// # Errors
/// Any I/O error.
pub fn write_hourly_csv(
    path: impl AsRef<Path>,
    fences: &[Fence],
    t: &FootfallTables,
) -> io::Result<()> {
    let mut w = CsvTableWriter::create(
        path,
        &[
            "branch_id",
            "fence_id",
            "day_type",
            "hour",
            "segment",
            "devices",
            "visits",
            "days",
            "suggested_staff",
            "suppressed",
        ],
    )?;
    for r in &t.hourly {
        let f = &fences[r.fence];
        w.row(&[
            Field::Str(&f.branch_id),
            Field::Str(&f.fence_id),
            Field::Str(r.day_type),
            Field::UInt(u64::from(r.hour)),
            Field::Str(&r.segment),
            r.devices.into(),
            r.visits.into(),
            Field::UInt(u64::from(r.days)),
            r.suggested_staff.into(),
            Field::Bool(r.suppressed),
        ])?;
    }
    w.finish()
}

/// Writes the `opening_hours` table: `branch_id, fence_id, day_type, open, close, peak_hour`.
///
/// # Errors
/// Any I/O error.
pub fn write_opening_hours_csv(path: impl AsRef<Path>, t: &FootfallTables) -> io::Result<()> {
    let mut w = CsvTableWriter::create(
        path,
        &[
            "branch_id",
            "fence_id",
            "day_type",
            "open",
            "close",
            "peak_hour",
        ],
    )?;
    let hh = |h: Option<u8>| h.map(|h| format!("{h:02}:00"));
    for o in &t.opening {
        let (open, close) = (hh(o.open), hh(o.close));
        w.row(&[
            Field::Str(&o.branch_id),
            Field::Str(&o.fence_id),
            Field::Str(o.day_type),
            open.as_deref().map_or(Field::Null, Field::Str),
            close.as_deref().map_or(Field::Null, Field::Str),
            o.peak_hour.into(),
        ])?;
    }
    w.finish()
}

/// Writes the `poi_footfall` table: `poi_id, name, category, visits, visitors, customer_visitors,
/// suppressed` (visits are stays within the POI radius).
///
/// # Errors
/// Any I/O error.
pub fn write_poi_footfall_csv(
    path: impl AsRef<Path>,
    pois: &[crate::input::Poi],
    t: &FootfallTables,
) -> io::Result<()> {
    let mut w = CsvTableWriter::create(
        path,
        &[
            "poi_id",
            "name",
            "category",
            "visits",
            "visitors",
            "customer_visitors",
            "suppressed",
        ],
    )?;
    for r in &t.pois {
        let p = &pois[r.poi];
        w.row(&[
            Field::Str(&p.poi_id),
            Field::Str(&p.name),
            Field::Str(&p.category),
            r.visits.into(),
            r.visitors.into(),
            r.customer_visitors.into(),
            Field::Bool(r.suppressed),
        ])?;
    }
    w.finish()
}
