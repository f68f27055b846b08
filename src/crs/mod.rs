//! Coordinate reference systems of the inputs and their conversion to WGS-84.
//!
//! (Skeleton: the CRS helper owns this module.)

use std::fmt;
use std::str::FromStr;

/// A coordinate reference system an input can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Crs {
    /// WGS-84 longitude/latitude (EPSG:4326), the internal system.
    Wgs84,
    /// GCJ-02 (火星坐标, Amap / Tencent / Google China); equals WGS-84 outside mainland China.
    Gcj02,
    /// BD-09 (Baidu), defined from GCJ-02 with Baidu's offset.
    Bd09,
    /// Any EPSG code, through the pure-Rust PROJ port (or PROJ itself with the `proj` feature).
    Epsg(u32),
}

/// Errors of the CRS layer.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum CrsError {
    /// The CRS name is not one of `wgs84`, `gcj02`, `bd09`, `EPSG:nnnn`.
    #[error("unknown CRS {0:?}: expected wgs84, gcj02, bd09 or EPSG:<code>")]
    Unknown(String),
}

impl FromStr for Crs {
    type Err = CrsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace(['-', '_'], "");
        match t.as_str() {
            "wgs84" | "epsg:4326" => Ok(Crs::Wgs84),
            "gcj02" => Ok(Crs::Gcj02),
            "bd09" | "bd09ll" => Ok(Crs::Bd09),
            _ => t
                .strip_prefix("epsg:")
                .and_then(|c| c.parse::<u32>().ok())
                .map(Crs::Epsg)
                .ok_or_else(|| CrsError::Unknown(s.to_string())),
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::Wgs84 => f.write_str("wgs84"),
            Crs::Gcj02 => f.write_str("gcj02"),
            Crs::Bd09 => f.write_str("bd09"),
            Crs::Epsg(c) => write!(f, "EPSG:{c}"),
        }
    }
}

/// Converts coordinates of one CRS to WGS-84 (interim: WGS-84 only until the CRS layer lands).
#[derive(Debug, Clone)]
pub struct ToWgs84 {
    crs: Crs,
}

impl ToWgs84 {
    /// A converter from `crs`.
    ///
    /// # Errors
    /// [`CrsError::Unknown`] for a CRS this build cannot convert.
    pub fn new(crs: Crs) -> Result<Self, CrsError> {
        match crs {
            Crs::Wgs84 => Ok(Self { crs }),
            other => Err(CrsError::Unknown(other.to_string())),
        }
    }

    /// WGS-84 (lon, lat) of (x, y).
    ///
    /// # Errors
    /// Never for WGS-84.
    pub fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        debug_assert_eq!(self.crs, Crs::Wgs84);
        Ok((x, y))
    }
}
