//! Custom polygon fences (自定义坐标 / 多边形): coordinates in any input CRS, or a GeoJSON file.

use super::FenceError;
use crate::crs::{Crs, ToWgs84};
use geo::orient::{Direction, Orient};
use geo::{BooleanOps, MultiPolygon, Polygon, Validation};
use std::path::Path;

/// A polygon from rings of `[x, y]` in `crs` (the exterior, then holes), converted to WGS-84.
///
/// Unambiguous repairs are made: rings are closed, repeated consecutive vertices dropped and rings
/// oriented per RFC 7946. A polygon still invalid after that (self-intersection, a hole outside
/// its shell, fewer than 3 distinct vertices) is an error naming the fence: fixing it would be a
/// guess.
///
/// # Errors
/// [`FenceError::InvalidPolygon`], or [`FenceError::Crs`] for an unusable CRS.
///
/// # Example
/// ```
/// use catchment::crs::{Crs, wgs84_to_gcj02};
/// use catchment::fence::polygon_from_coordinates;
/// // A square given in GCJ-02 (as from Amap), not closed: repaired and converted.
/// let gcj = |x, y| { let (a, b) = wgs84_to_gcj02(x, y); [a, b] };
/// let ring = vec![gcj(121.47, 31.23), gcj(121.48, 31.23), gcj(121.48, 31.24), gcj(121.47, 31.24)];
/// let mp = polygon_from_coordinates("custom", &[ring], Crs::Gcj02)?;
/// let first = mp.0[0].exterior().0[0];
/// assert!((first.x - 121.47).abs() < 1e-8 && (first.y - 31.23).abs() < 1e-8);
/// # Ok::<(), catchment::fence::FenceError>(())
/// ```
pub fn polygon_from_coordinates(
    fence_id: &str,
    rings: &[Vec<[f64; 2]>],
    crs: Crs,
) -> Result<MultiPolygon<f64>, FenceError> {
    let to = ToWgs84::new(crs).map_err(|source| FenceError::Crs {
        fence: fence_id.to_string(),
        source,
    })?;
    let positions: Vec<Vec<geojson::Position>> = rings
        .iter()
        .map(|r| r.iter().map(|p| geojson::Position::from(*p)).collect())
        .collect();
    let polygon = polygon_from_rings(fence_id, &positions, &to)?;
    checked(fence_id, MultiPolygon::new(vec![polygon]))
}

/// The polygons of a GeoJSON file (a Polygon or MultiPolygon geometry, Feature or
/// FeatureCollection), coordinates in `crs` (RFC 7946 files are WGS-84), unioned into one
/// geometry. Non-polygonal features are ignored; a file with none is an error.
///
/// # Errors
/// [`FenceError::File`] when the file cannot be read or parsed or has no polygon;
/// [`FenceError::InvalidPolygon`] as for [`polygon_from_coordinates`].
pub fn polygon_from_geojson(
    fence_id: &str,
    path: &Path,
    crs: Crs,
) -> Result<MultiPolygon<f64>, FenceError> {
    let file_err = |message: String| FenceError::File {
        fence: fence_id.to_string(),
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| file_err(e.to_string()))?;
    let gj: geojson::GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| file_err(e.to_string()))?;
    let to = ToWgs84::new(crs).map_err(|source| FenceError::Crs {
        fence: fence_id.to_string(),
        source,
    })?;
    let mut geometries = Vec::new();
    match gj {
        geojson::GeoJson::Geometry(g) => geometries.push(g),
        geojson::GeoJson::Feature(f) => geometries.extend(f.geometry),
        geojson::GeoJson::FeatureCollection(fc) => {
            geometries.extend(fc.features.into_iter().filter_map(|f| f.geometry))
        }
    }
    let mut polygons = Vec::new();
    for g in &geometries {
        match &g.value {
            geojson::GeometryValue::Polygon { coordinates } => {
                polygons.push(polygon_from_rings(fence_id, coordinates, &to)?)
            }
            geojson::GeometryValue::MultiPolygon { coordinates } => {
                for p in coordinates {
                    polygons.push(polygon_from_rings(fence_id, p, &to)?);
                }
            }
            _ => {}
        }
    }
    if polygons.is_empty() {
        return Err(file_err("no Polygon or MultiPolygon in the file".into()));
    }
    let geometry = if polygons.len() == 1 {
        MultiPolygon::new(polygons)
    } else {
        // Several polygons (or features): their union is the fence.
        polygons
            .iter()
            .skip(1)
            .fold(MultiPolygon::new(vec![polygons[0].clone()]), |acc, p| {
                acc.union(p)
            })
    };
    checked(fence_id, geometry)
}

fn polygon_from_rings(
    fence_id: &str,
    rings: &[Vec<geojson::Position>],
    to: &ToWgs84,
) -> Result<Polygon<f64>, FenceError> {
    let invalid = |message: String| FenceError::InvalidPolygon {
        fence: fence_id.to_string(),
        message,
    };
    let mut lines = Vec::with_capacity(rings.len());
    for ring in rings {
        let (ls, _repaired) =
            crate::input::admin::ring_to_wgs84(ring, to).map_err(|r| invalid(r.to_string()))?;
        lines.push(ls);
    }
    let mut it = lines.into_iter();
    let exterior = it.next().ok_or_else(|| invalid("no rings".into()))?;
    Ok(Polygon::new(exterior, it.collect()))
}

fn checked(fence_id: &str, geometry: MultiPolygon<f64>) -> Result<MultiPolygon<f64>, FenceError> {
    let geometry = geometry.orient(Direction::Default);
    geometry
        .check_validation()
        .map_err(|e| FenceError::InvalidPolygon {
            fence: fence_id.to_string(),
            message: e.to_string(),
        })?;
    Ok(geometry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bow_tie_is_an_error_naming_the_fence() {
        let ring = vec![[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]];
        let err = polygon_from_coordinates("shop_area", &[ring], Crs::Wgs84).unwrap_err();
        assert!(err.to_string().contains("shop_area"), "{err}");
        assert!(err.to_string().contains("self-intersection"), "{err}");
    }

    #[test]
    fn holes_and_clockwise_input_are_kept_and_oriented() {
        use geo::Winding;
        let outer = vec![[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0]]; // clockwise, open
        let hole = vec![[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.4], [0.2, 0.2]];
        let mp = polygon_from_coordinates("p", &[outer, hole], Crs::Wgs84).unwrap();
        assert!(mp.0[0].exterior().is_ccw());
        assert!(mp.0[0].interiors()[0].is_cw());
    }

    #[test]
    fn geojson_features_are_unioned() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}},
            {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[1,0],[3,0],[3,1],[1,1],[1,0]]]}},
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[5,5]}}]}"#,
        )
        .unwrap();
        let mp = polygon_from_geojson("f", &path, Crs::Wgs84).unwrap();
        use geo::Area;
        assert_eq!(mp.0.len(), 1);
        assert!((mp.unsigned_area() - 3.0).abs() < 1e-9);
        let err =
            polygon_from_geojson("f", &dir.path().join("none.geojson"), Crs::Wgs84).unwrap_err();
        assert!(err.to_string().contains("none.geojson"), "{err}");
    }
}
