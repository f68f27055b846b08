//! Admin areas from GeoJSON: districts, streets (街道), quarters.

use super::{AdminArea, InputError, Loaded, ReadOptions, Reject, RejectLog, RejectReason};
use crate::crs::ToWgs84;
use geo::orient::{Direction, Orient};
use geo::{Coord, LineString, MultiPolygon, Polygon, Validation};
use std::collections::HashMap;
use std::path::Path;

/// Reads admin areas from a GeoJSON FeatureCollection of Polygons / MultiPolygons with
/// properties `code`, `name`, `level` (remappable) and an optional numeric `population`.
///
/// Coordinates are converted from the input CRS to WGS-84. Unclosed rings are closed and repeated
/// consecutive vertices dropped (each such feature counts as *repaired*); rings are oriented per
/// RFC 7946 (exterior counter-clockwise). A feature is rejected — its "line" being its 1-based
/// position in `features` — when it has no geometry or one that is not polygonal, an empty or
/// duplicate `code`, a coordinate out of range, or a geometry still invalid after those repairs
/// (self-intersection, hole outside its shell, …: repairing those would be a guess).
///
/// # Errors
/// An [`InputError`] when the file is missing, is not JSON (with the line and column), is not a
/// FeatureCollection, or has no feature.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::input::{read_admin, ReadOptions};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("admin.geojson");
/// std::fs::write(&path, r#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"code":"A","name":"Quarter A","level":"10","population":1200},
///    "geometry":{"type":"Polygon","coordinates":[[[7.41,43.72],[7.42,43.72],[7.42,43.73],[7.41,43.72]]]}}]}"#)?;
/// let read = read_admin(&path, &ReadOptions::new("salt", jiff::tz::TimeZone::UTC))?;
/// assert_eq!(read.records[0].population, Some(1200));
/// # Ok(()) }
/// ```
pub fn read_admin(path: &Path, opts: &ReadOptions) -> Result<Loaded<AdminArea>, InputError> {
    let file = std::fs::File::open(path).map_err(|source| InputError::Open {
        path: path.to_path_buf(),
        what: "admin",
        source,
    })?;
    let malformed = |line: u64, message: String| InputError::Malformed {
        path: path.to_path_buf(),
        line,
        message,
    };
    let json: serde_json::Value = serde_json::from_reader(std::io::BufReader::new(file))
        .map_err(|e| malformed(e.line() as u64, format!("not valid JSON: {e}")))?;
    if json.get("type").and_then(|t| t.as_str()) != Some("FeatureCollection") {
        return Err(malformed(1, "expected a GeoJSON FeatureCollection".into()));
    }
    let features = json
        .get("features")
        .and_then(|f| f.as_array())
        .ok_or_else(|| malformed(1, "the FeatureCollection has no \"features\" array".into()))?;
    if features.is_empty() {
        return Err(InputError::Empty {
            path: path.to_path_buf(),
            what: "admin",
        });
    }
    let name = |c: &str| {
        opts.columns
            .get(c)
            .cloned()
            .unwrap_or_else(|| c.to_string())
    };
    let keys = [
        name("code"),
        name("name"),
        name("level"),
        name("population"),
    ];
    let to_wgs84 = ToWgs84::new(opts.crs).map_err(|source| InputError::Crs {
        path: path.to_path_buf(),
        source,
    })?;
    let mut header: Vec<String> = keys.to_vec();
    header.push("geometry_type".into());
    let mut rejects = RejectLog::new("admin", header);
    let mut records = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (i, value) in features.iter().enumerate() {
        let line = i as u64 + 1;
        let props = value.get("properties").and_then(|p| p.as_object());
        let text = |k: &str| -> String {
            match props.and_then(|p| p.get(k)) {
                Some(serde_json::Value::String(s)) => s.trim().to_string(),
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            }
        };
        let row: Vec<String> = keys
            .iter()
            .map(|k| text(k))
            .chain(std::iter::once(
                value
                    .pointer("/geometry/type")
                    .and_then(|t| t.as_str())
                    .unwrap_or("")
                    .to_string(),
            ))
            .collect();
        let result = area(value, &row, &keys, &to_wgs84, &mut seen, line);
        match result {
            Ok((area, repaired)) => {
                if repaired {
                    rejects.repaired();
                }
                records.push(area);
            }
            Err(reason) => rejects.push(Reject { line, reason, row }),
        }
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        rows: features.len() as u64,
        records,
        rejects,
    })
}

fn area(
    value: &serde_json::Value,
    row: &[String],
    keys: &[String; 4],
    to_wgs84: &ToWgs84,
    seen: &mut HashMap<String, u64>,
    line: u64,
) -> Result<(AdminArea, bool), RejectReason> {
    let code = super::places::unique_id(seen, &keys[0], &row[0], line)?;
    let population = match row[3].as_str() {
        "" => None,
        s => Some(
            s.parse::<f64>()
                .ok()
                .filter(|p| p.is_finite() && *p >= 0.0)
                .map(|p| p.round() as u64)
                .ok_or_else(|| RejectReason::BadValue {
                    column: keys[3].clone(),
                    value: s.to_string(),
                    expected: "a non-negative number".into(),
                })?,
        ),
    };
    let geometry = value
        .get("geometry")
        .filter(|g| !g.is_null())
        .ok_or_else(|| RejectReason::Missing {
            column: "geometry".into(),
        })?;
    let geometry: geojson::Geometry =
        serde_json::from_value(geometry.clone()).map_err(|e| RejectReason::InvalidGeometry {
            message: e.to_string(),
        })?;
    let polygons: Vec<&geojson::PolygonType> = match &geometry.value {
        geojson::GeometryValue::Polygon { coordinates } => vec![coordinates],
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
        _ => {
            return Err(RejectReason::BadValue {
                column: "geometry".into(),
                value: row[4].clone(),
                expected: "Polygon or MultiPolygon".into(),
            });
        }
    };
    let mut repaired = false;
    let mut parts = Vec::with_capacity(polygons.len());
    for rings in polygons {
        let mut lines = Vec::with_capacity(rings.len());
        for ring in rings {
            let (ls, fixed) = ring_to_wgs84(ring, to_wgs84)?;
            repaired |= fixed;
            lines.push(ls);
        }
        let mut it = lines.into_iter();
        let exterior = it.next().ok_or_else(|| RejectReason::InvalidGeometry {
            message: "polygon without rings".into(),
        })?;
        parts.push(Polygon::new(exterior, it.collect()));
    }
    let geometry = MultiPolygon::new(parts).orient(Direction::Default);
    if let Err(e) = geometry.check_validation() {
        return Err(RejectReason::InvalidGeometry {
            message: e.to_string(),
        });
    }
    Ok((
        AdminArea {
            code,
            name: row[1].clone(),
            level: row[2].clone(),
            population,
            geometry,
        },
        repaired,
    ))
}

/// A ring in WGS-84, closed, without repeated consecutive vertices; `true` when that needed fixing.
pub(crate) fn ring_to_wgs84(
    ring: &[geojson::Position],
    to_wgs84: &ToWgs84,
) -> Result<(LineString<f64>, bool), RejectReason> {
    let mut coords: Vec<Coord<f64>> = Vec::with_capacity(ring.len() + 1);
    let mut fixed = false;
    for p in ring {
        let s = p.as_slice();
        if s.len() < 2 || !s[0].is_finite() || !s[1].is_finite() {
            return Err(RejectReason::InvalidGeometry {
                message: format!("position {s:?} is not a pair of finite numbers"),
            });
        }
        let (lon, lat) = to_wgs84
            .convert(s[0], s[1])
            .map_err(|e| RejectReason::Crs {
                message: e.to_string(),
            })?;
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(RejectReason::OutOfRange {
                lon,
                lat,
                swapped: (-180.0..=180.0).contains(&lat) && (-90.0..=90.0).contains(&lon),
            });
        }
        let c = Coord { x: lon, y: lat };
        if coords.last() == Some(&c) {
            fixed = true;
            continue;
        }
        coords.push(c);
    }
    if coords.len() >= 2 && coords.first() != coords.last() {
        coords.push(coords[0]);
        fixed = true;
    }
    if coords.len() < 4 {
        return Err(RejectReason::InvalidGeometry {
            message: format!(
                "ring has {} distinct vertices, at least 3 needed",
                coords.len().saturating_sub(1)
            ),
        });
    }
    Ok((LineString::new(coords), fixed))
}
