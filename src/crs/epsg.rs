//! EPSG codes through the pure-Rust PROJ port `proj4rs` (the default backend).
//!
//! Definitions come from the `crs-definitions` crate (PROJ strings for the EPSG registry), so
//! every code in it works without a system library. `proj4rs` follows PROJ.4 semantics: datum
//! shifts are `+towgs84` Helmert parameters (no grids), and a CRS whose definition has no datum
//! (such as CGCS2000, `+ellps=GRS80` without `+towgs84`) is taken as WGS-84-compatible. For
//! CGCS2000 that is also what PROJ does (a ballpark, zero-shift transformation); the difference
//! between the two frames is a few centimetres.
//!
//! Coordinates are always (easting, northing) / (longitude, latitude) whatever axis order the EPSG
//! registry declares; geographic CRSs take and return degrees, projected ones their linear unit
//! (metres for all the Chinese and Web Mercator codes).

use std::sync::Arc;

use proj4rs::Proj;

use super::{CrsError, EpsgBackend};

/// A prepared `proj4rs` transformation between an EPSG code and WGS-84, in either direction.
#[derive(Clone)]
pub(crate) struct Proj4rsTransform {
    src: Arc<Proj>,
    dst: Arc<Proj>,
}

/// WGS-84 longitude/latitude as proj4rs knows it.
fn wgs84() -> Proj {
    Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
        .expect("the WGS-84 PROJ string is valid")
}

fn epsg(code: u32) -> Result<Proj, CrsError> {
    let unknown = |reason: String| CrsError::UnknownEpsg {
        code,
        backend: EpsgBackend::Proj4rs,
        reason,
    };
    let short = u16::try_from(code).map_err(|_| unknown("not in the EPSG registry".into()))?;
    Proj::from_epsg_code(short).map_err(|e| match e {
        proj4rs::errors::Error::ProjectionNotFound => unknown("not in the EPSG registry".into()),
        other => unknown(format!("its definition is not supported: {other}")),
    })
}

impl Proj4rsTransform {
    /// EPSG `code` → WGS-84.
    pub(crate) fn to_wgs84(code: u32) -> Result<Self, CrsError> {
        Ok(Self {
            src: Arc::new(epsg(code)?),
            dst: Arc::new(wgs84()),
        })
    }

    /// WGS-84 → EPSG `code`.
    pub(crate) fn from_wgs84(code: u32) -> Result<Self, CrsError> {
        Ok(Self {
            src: Arc::new(wgs84()),
            dst: Arc::new(epsg(code)?),
        })
    }

    /// Converts one point; degrees for geographic CRSs, the CRS's unit otherwise.
    pub(crate) fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), String> {
        let (x, y) = if self.src.is_latlong() {
            (x.to_radians(), y.to_radians())
        } else {
            (x, y)
        };
        let (u, v) = proj4rs::adaptors::transform_xy(&self.src, &self.dst, x, y)
            .map_err(|e| e.to_string())?;
        Ok(if self.dst.is_latlong() {
            (u.to_degrees(), v.to_degrees())
        } else {
            (u, v)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mercator_origin_and_a_point() {
        let to = Proj4rsTransform::from_wgs84(3857).unwrap();
        let (x, y) = to.convert(0.0, 0.0).unwrap();
        assert!(x.abs() < 1e-9 && y.abs() < 1e-9);
        let (x, _) = to.convert(180.0, 0.0).unwrap();
        assert!((x - 20_037_508.342_789_244).abs() < 1e-6);
    }

    #[test]
    fn unknown_codes_are_reported() {
        for code in [1, 99_999, 4_000_000] {
            let err = Proj4rsTransform::to_wgs84(code)
                .err()
                .expect("unknown code");
            assert!(
                matches!(err, CrsError::UnknownEpsg { code: c, .. } if c == code),
                "{err}"
            );
        }
    }
}
