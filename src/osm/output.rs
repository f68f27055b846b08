//! Writers for the extraction outputs (atomic: temporary file, then rename) and the boundary
//! GeoJSON reader.

use super::OsmError;
use super::extract::CityExtract;
use crate::input::Poi;
use crate::io::AtomicFile;
use crate::{AdminArea, Branch};
use geo::orient::Direction;
use geo::{Coord, LineString, MultiPolygon, Orient, Polygon};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> OsmError + '_ {
    move |source| OsmError::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> OsmError + '_ {
    move |e| OsmError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    }
}

fn deg(v: f64) -> String {
    format!("{v:.7}")
}

/// Writes `branches.csv` (`branch_id,name,lon,lat,brand`).
///
/// # Errors
/// [`OsmError::Write`] naming the file.
///
/// # Example
/// ```
/// use catchment::Branch;
/// # fn main() -> Result<(), catchment::osm::OsmError> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("branches.csv");
/// let b = Branch { branch_id: "osm:n1".into(), name: "BNP Paribas".into(), lon: 7.42, lat: 43.73,
///                  brand: Some("BNP Paribas".into()) };
/// catchment::osm::write_branches_csv(&path, &[b])?;
/// let text = std::fs::read_to_string(&path).unwrap();
/// assert_eq!(text, "branch_id,name,lon,lat,brand\nosm:n1,BNP Paribas,7.4200000,43.7300000,BNP Paribas\n");
/// # Ok(()) }
/// ```
pub fn write_branches_csv(path: impl AsRef<Path>, branches: &[Branch]) -> Result<(), OsmError> {
    let path = path.as_ref();
    let file = AtomicFile::create(path).map_err(write_err(path))?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record(["branch_id", "name", "lon", "lat", "brand"])
        .map_err(csv_err(path))?;
    for b in branches {
        w.write_record([
            b.branch_id.as_str(),
            &b.name,
            &deg(b.lon),
            &deg(b.lat),
            b.brand.as_deref().unwrap_or_default(),
        ])
        .map_err(csv_err(path))?;
    }
    let file = w
        .into_inner()
        .map_err(|e| write_err(path)(e.into_error()))?;
    file.commit().map_err(write_err(path))
}

/// Writes `pois.csv` (`poi_id,name,category,lon,lat,brand,opening_hours`).
///
/// # Errors
/// [`OsmError::Write`] naming the file.
pub fn write_pois_csv(path: impl AsRef<Path>, pois: &[Poi]) -> Result<(), OsmError> {
    let path = path.as_ref();
    let file = AtomicFile::create(path).map_err(write_err(path))?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record([
        "poi_id",
        "name",
        "category",
        "lon",
        "lat",
        "brand",
        "opening_hours",
    ])
    .map_err(csv_err(path))?;
    for p in pois {
        w.write_record([
            p.poi_id.as_str(),
            &p.name,
            &p.category,
            &deg(p.lon),
            &deg(p.lat),
            p.brand.as_deref().unwrap_or_default(),
            p.opening_hours.as_deref().unwrap_or_default(),
        ])
        .map_err(csv_err(path))?;
    }
    let file = w
        .into_inner()
        .map_err(|e| write_err(path)(e.into_error()))?;
    file.commit().map_err(write_err(path))
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

fn ring_json(ring: &LineString<f64>) -> Value {
    Value::Array(
        ring.0
            .iter()
            .map(|c| json!([round7(c.x), round7(c.y)]))
            .collect(),
    )
}

fn polygon_json(p: &Polygon<f64>) -> Value {
    Value::Array(
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(ring_json)
            .collect(),
    )
}

/// One admin area as a GeoJSON Feature, keys in the conventional order (`type`, `properties`,
/// `geometry`), properties `code, name, level, population`.
fn feature_text(a: &AdminArea) -> String {
    let geom = a.geometry.orient(Direction::Default);
    let (kind, coords) = if geom.0.len() == 1 {
        ("Polygon", polygon_json(&geom.0[0]))
    } else {
        (
            "MultiPolygon",
            Value::Array(geom.0.iter().map(polygon_json).collect()),
        )
    };
    format!(
        "{{\"type\":\"Feature\",\"properties\":{{\"code\":{},\"name\":{},\"level\":{},\"population\":{}}},\
         \"geometry\":{{\"type\":\"{kind}\",\"coordinates\":{coords}}}}}",
        json!(a.code),
        json!(a.name),
        json!(a.level),
        json!(a.population),
    )
}

/// The GeoJSON FeatureCollection text of `areas` (RFC 7946; see [`write_outputs`]), one feature
/// per line so that it diffs well.
///
/// # Example
/// ```
/// use catchment::AdminArea;
/// use geo::{polygon, MultiPolygon};
///
/// let cw = polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)];
/// let area = AdminArea { code: "osm:r1".into(), name: "A".into(), level: "10".into(),
///                        population: Some(5), geometry: MultiPolygon::new(vec![cw]) };
/// let text = catchment::osm::admin_geojson(&[area]);
/// let v: serde_json::Value = serde_json::from_str(&text).unwrap();
/// assert_eq!(v["features"][0]["properties"]["population"], 5);
/// // Written counter-clockwise whatever the input orientation.
/// assert_eq!(v["features"][0]["geometry"]["coordinates"][0][1], serde_json::json!([1.0, 0.0]));
/// ```
pub fn admin_geojson(areas: &[AdminArea]) -> String {
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, a) in areas.iter().enumerate() {
        text.push_str(&feature_text(a));
        text.push_str(if i + 1 < areas.len() { ",\n" } else { "\n" });
    }
    text.push_str("]}\n");
    text
}

/// Writes `admin.geojson` (format in [`write_outputs`]).
///
/// # Errors
/// [`OsmError::Write`] naming the file.
pub fn write_admin_geojson(path: impl AsRef<Path>, areas: &[AdminArea]) -> Result<(), OsmError> {
    let path = path.as_ref();
    let mut file = AtomicFile::create(path).map_err(write_err(path))?;
    file.write_all(admin_geojson(areas).as_bytes())
        .map_err(write_err(path))?;
    file.commit().map_err(write_err(path))
}

/// Writes `branches.csv`, `pois.csv` and `admin.geojson` into `dir` and returns their paths.
///
/// - `branches.csv`: `branch_id,name,lon,lat,brand`
/// - `pois.csv`: `poi_id,name,category,lon,lat,brand,opening_hours`
/// - `admin.geojson`: RFC 7946 FeatureCollection, exteriors counter-clockwise, holes clockwise,
///   coordinates rounded to 7 decimals, properties `code,name,level,population`.
///
/// Coordinates in the CSV files have 7 decimals (OSM's own precision, about 1 cm).
///
/// # Errors
/// [`OsmError::Write`] naming the first file that failed.
pub fn write_outputs(dir: impl AsRef<Path>, city: &CityExtract) -> Result<Vec<PathBuf>, OsmError> {
    let dir = dir.as_ref();
    let paths = vec![
        dir.join("branches.csv"),
        dir.join("pois.csv"),
        dir.join("admin.geojson"),
    ];
    write_branches_csv(&paths[0], &city.branches)?;
    write_pois_csv(&paths[1], &city.pois)?;
    write_admin_geojson(&paths[2], &city.admin)?;
    Ok(paths)
}

/// Reads the polygons of a GeoJSON file (Feature, FeatureCollection or bare geometry; Polygon
/// and MultiPolygon geometries; other geometries are ignored), e.g. a country outline to close
/// admin rings along.
///
/// # Errors
/// [`OsmError::Open`] if unreadable; [`OsmError::Companion`] if it is not GeoJSON or holds no
/// polygon.
///
/// # Example
/// ```
/// # fn main() -> Result<(), catchment::osm::OsmError> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("b.geojson");
/// std::fs::write(&path, r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#).unwrap();
/// let mp = catchment::osm::read_boundary_geojson(&path)?;
/// assert_eq!(mp.0.len(), 1);
/// # Ok(()) }
/// ```
pub fn read_boundary_geojson(path: impl AsRef<Path>) -> Result<MultiPolygon<f64>, OsmError> {
    let path = path.as_ref();
    let bad = |message: String| OsmError::Companion {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|source| OsmError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let mut polys = Vec::new();
    collect_polygons(&value, &mut polys).map_err(bad)?;
    if polys.is_empty() {
        return Err(bad("no Polygon or MultiPolygon geometry".into()));
    }
    // RFC 7946 orientation, whatever the file had (geodesic areas depend on it).
    Ok(MultiPolygon::new(polys).orient(Direction::Default))
}

fn collect_polygons(v: &Value, out: &mut Vec<Polygon<f64>>) -> Result<(), String> {
    match v.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            for f in v
                .get("features")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                collect_polygons(f, out)?;
            }
        }
        Some("Feature") => {
            if let Some(g) = v.get("geometry").filter(|g| !g.is_null()) {
                collect_polygons(g, out)?;
            }
        }
        Some("GeometryCollection") => {
            for g in v
                .get("geometries")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                collect_polygons(g, out)?;
            }
        }
        Some("Polygon") => out.push(parse_polygon(v.get("coordinates"))?),
        Some("MultiPolygon") => {
            for p in v
                .get("coordinates")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push(parse_polygon(Some(p))?);
            }
        }
        Some(_) => {}
        None => return Err("a GeoJSON object has no \"type\"".into()),
    }
    Ok(())
}

fn parse_polygon(v: Option<&Value>) -> Result<Polygon<f64>, String> {
    let rings = v
        .and_then(Value::as_array)
        .ok_or("polygon coordinates are not an array")?;
    let mut rings = rings.iter().map(|r| {
        r.as_array()
            .ok_or("ring is not an array")?
            .iter()
            .map(|p| {
                match p.as_array().map(|a| {
                    (
                        a.first().and_then(Value::as_f64),
                        a.get(1).and_then(Value::as_f64),
                    )
                }) {
                    Some((Some(x), Some(y))) => Ok(Coord { x, y }),
                    _ => Err("position is not [lon, lat]"),
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(LineString::new)
    });
    let exterior = rings.next().ok_or("polygon has no ring")??;
    let interiors = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}
