//! Coordinate reference systems of the inputs and their conversion to and from WGS-84.
//!
//! Everything inside the crate is WGS-84 longitude/latitude. Inputs may be in another [`Crs`]; a
//! reader builds one [`ToWgs84`] per input and converts every row with it, and writers that must
//! give coordinates back in the input's system use a [`FromWgs84`].
//!
//! # GCJ-02
//!
//! GCJ-02 (火星坐标, "Mars coordinates") is the system Chinese law requires for published maps of
//! mainland China: WGS-84 plus a deliberate, smoothly varying offset of about 100–700 m. Amap
//! (高德), Tencent and Google's China tiles use it. The offset formula is public (see
//! [`wgs84_to_gcj02`]); it applies only inside mainland China, decided here by a documented
//! polygon mask ([`in_mainland_china`]) built from Natural Earth: Hong Kong, Macau and Taiwan are
//! outside, unlike the crude rectangle (72.004–137.8347 E, 0.8293–55.8271 N) that many
//! implementations test and that shifts Hong Kong, Taipei, Seoul and Hanoi. Outside the mask
//! GCJ-02 equals WGS-84. The inverse ([`gcj02_to_wgs84`]) iterates to a few micrometres rather
//! than using the common one-step approximation, which is up to 2–3 m off.
//!
//! # BD-09
//!
//! BD-09 is Baidu's system: GCJ-02 with a second offset of about 1 km ([`gcj02_to_bd09`],
//! inverse iterated too). The BD-09 offset has no region test, so it applies worldwide while the
//! GCJ-02 step is the identity outside the mask: outside mainland China, BD-09 is WGS-84 plus
//! Baidu's offset. The [`bd09_to_gcj02`] documentation explains the choice.
//!
//! # EPSG codes and backends
//!
//! `EPSG:nnnn` inputs go through an [`EpsgBackend`]: by default the pure-Rust `proj4rs` port with
//! the `crs-definitions` registry; with the `proj` cargo feature, the PROJ C library and its
//! EPSG database. Both agree to the millimetre with pyproj on the recorded CGCS2000
//! (EPSG:4490), 3-degree Gauss-Krüger (EPSG:4547) and Web Mercator (EPSG:3857) reference points
//! (`tests/data/crs/`). Geographic CRSs take (longitude, latitude) in degrees, projected ones
//! (easting, northing) in their unit, whatever axis order the EPSG registry declares.
//!
//! # Example
//!
//! ```
//! use catchment::crs::{Crs, FromWgs84, ToWgs84};
//!
//! # fn main() -> Result<(), catchment::crs::CrsError> {
//! let crs: Crs = "gcj02".parse()?;
//! let to_wgs84 = ToWgs84::new(crs)?;
//! let (lon, lat) = to_wgs84.convert(114.0628, 22.5401)?; // an Amap point in Shenzhen
//! let back = FromWgs84::new(crs)?.convert(lon, lat)?;
//! assert!((back.0 - 114.0628).abs() < 1e-9 && (back.1 - 22.5401).abs() < 1e-9);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::str::FromStr;

mod bd09;
mod china;
mod china_mask;
mod epsg;
mod gcj02;
#[cfg(feature = "proj")]
mod proj_backend;

pub use bd09::{bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, wgs84_to_bd09};
pub use china::in_mainland_china;
pub use gcj02::{gcj02_to_wgs84, wgs84_to_gcj02};

/// A coordinate reference system an input can be in.
///
/// Parsed from the study file's names (`wgs84`, `gcj02`, `bd09`, `EPSG:nnnn`; case, `-` and `_`
/// are ignored) and displayed back in that form.
///
/// # Example
///
/// ```
/// use catchment::crs::Crs;
///
/// # fn main() -> Result<(), catchment::crs::CrsError> {
/// assert_eq!("GCJ-02".parse::<Crs>()?, Crs::Gcj02);
/// assert_eq!("epsg:4547".parse::<Crs>()?, Crs::Epsg(4547));
/// assert_eq!("EPSG:4326".parse::<Crs>()?, Crs::Wgs84);
/// assert_eq!(Crs::Epsg(4490).to_string(), "EPSG:4490");
/// # Ok(())
/// # }
/// ```
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
///
/// # Example
///
/// ```
/// use catchment::crs::{Crs, CrsError};
///
/// let err = "utm50".parse::<Crs>().unwrap_err();
/// assert!(matches!(err, CrsError::Unknown(_)));
/// assert_eq!(
///     err.to_string(),
///     r#"unknown CRS "utm50": expected wgs84, gcj02, bd09 or EPSG:<code>"#
/// );
/// ```
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum CrsError {
    /// The CRS name is not one of `wgs84`, `gcj02`, `bd09`, `EPSG:nnnn`.
    #[error("unknown CRS {0:?}: expected wgs84, gcj02, bd09 or EPSG:<code>")]
    Unknown(String),
    /// The EPSG backend cannot build a transformation for this code.
    #[error("EPSG:{code} is not supported by the {backend} backend: {reason}")]
    UnknownEpsg {
        /// The EPSG code asked for.
        code: u32,
        /// The backend that refused it.
        backend: EpsgBackend,
        /// What the backend said.
        reason: String,
    },
    /// A point could not be converted (non-finite input, or outside the projection's domain).
    #[error("cannot convert ({x}, {y}) from {from} to {to}: {reason}")]
    Convert {
        /// The system of the input point.
        from: Crs,
        /// The system asked for.
        to: Crs,
        /// First coordinate of the input (longitude or easting).
        x: f64,
        /// Second coordinate of the input (latitude or northing).
        y: f64,
        /// Why it failed.
        reason: String,
    },
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

/// The library that converts `EPSG:nnnn` coordinates.
///
/// [`EpsgBackend::default()`] is `EpsgBackend::Proj` when the `proj` feature is on and
/// [`EpsgBackend::Proj4rs`] otherwise. WGS-84, GCJ-02 and BD-09 never use a backend.
///
/// # Example
///
/// ```
/// use catchment::crs::{Crs, EpsgBackend, ToWgs84};
///
/// # fn main() -> Result<(), catchment::crs::CrsError> {
/// // The pure-Rust backend is always there, whatever the features.
/// let rust = ToWgs84::with_backend(Crs::Epsg(4547), EpsgBackend::Proj4rs)?;
/// let default = ToWgs84::new(Crs::Epsg(4547))?;
/// let a = rust.convert(500_000.0, 2_500_000.0)?;
/// let b = default.convert(500_000.0, 2_500_000.0)?;
/// assert!((a.0 - b.0).abs() < 1e-8 && (a.1 - b.1).abs() < 1e-8);
/// assert_eq!(EpsgBackend::Proj4rs.to_string(), "proj4rs");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum EpsgBackend {
    /// `proj4rs`, a pure-Rust port of PROJ.4 with the `crs-definitions` EPSG registry: no system
    /// library, datum shifts only as `+towgs84` Helmert parameters (no grid files). Matches PROJ
    /// to the millimetre on projections such as Web Mercator and Gauss-Krüger.
    #[cfg_attr(not(feature = "proj"), default)]
    Proj4rs,
    /// The PROJ C library (≥ 9.6, built from source) and its EPSG database: the reference
    /// implementation, choosing transformations as PROJ does. Needs the `proj` feature.
    #[cfg(feature = "proj")]
    #[cfg_attr(feature = "proj", default)]
    Proj,
}

impl fmt::Display for EpsgBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EpsgBackend::Proj4rs => f.write_str("proj4rs"),
            #[cfg(feature = "proj")]
            EpsgBackend::Proj => f.write_str("PROJ"),
        }
    }
}

/// How one converter does its work: chosen once, at construction.
#[derive(Clone)]
enum Engine {
    Identity,
    Gcj02,
    Bd09,
    Proj4rs(epsg::Proj4rsTransform),
    #[cfg(feature = "proj")]
    Proj(proj_backend::ProjTransform),
}

/// Which way a converter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    ToWgs84,
    FromWgs84,
}

/// The shared core of [`ToWgs84`] and [`FromWgs84`].
#[derive(Clone)]
struct Converter {
    crs: Crs,
    backend: EpsgBackend,
    way: Way,
    engine: Engine,
}

impl Converter {
    fn new(crs: Crs, backend: EpsgBackend, way: Way) -> Result<Self, CrsError> {
        let engine = match crs {
            Crs::Wgs84 | Crs::Epsg(4326) => Engine::Identity,
            Crs::Gcj02 => Engine::Gcj02,
            Crs::Bd09 => Engine::Bd09,
            Crs::Epsg(code) => match backend {
                EpsgBackend::Proj4rs => Engine::Proj4rs(match way {
                    Way::ToWgs84 => epsg::Proj4rsTransform::to_wgs84(code)?,
                    Way::FromWgs84 => epsg::Proj4rsTransform::from_wgs84(code)?,
                }),
                #[cfg(feature = "proj")]
                EpsgBackend::Proj => Engine::Proj(match way {
                    Way::ToWgs84 => proj_backend::ProjTransform::to_wgs84(code)?,
                    Way::FromWgs84 => proj_backend::ProjTransform::from_wgs84(code)?,
                }),
            },
        };
        Ok(Self {
            crs,
            backend,
            way,
            engine,
        })
    }

    fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        let fail = |reason: String| {
            let (from, to) = match self.way {
                Way::ToWgs84 => (self.crs, Crs::Wgs84),
                Way::FromWgs84 => (Crs::Wgs84, self.crs),
            };
            CrsError::Convert {
                from,
                to,
                x,
                y,
                reason,
            }
        };
        if !(x.is_finite() && y.is_finite()) {
            return Err(fail("the coordinates are not finite numbers".into()));
        }
        let to = self.way == Way::ToWgs84;
        let out = match &self.engine {
            Engine::Identity => (x, y),
            Engine::Gcj02 if to => gcj02_to_wgs84(x, y),
            Engine::Gcj02 => wgs84_to_gcj02(x, y),
            Engine::Bd09 if to => bd09_to_wgs84(x, y),
            Engine::Bd09 => wgs84_to_bd09(x, y),
            Engine::Proj4rs(t) => t.convert(x, y).map_err(fail)?,
            #[cfg(feature = "proj")]
            Engine::Proj(t) => t.convert(x, y).map_err(fail)?,
        };
        if out.0.is_finite() && out.1.is_finite() {
            Ok(out)
        } else {
            Err(fail(
                "the result is not finite (outside the projection's domain?)".into(),
            ))
        }
    }
}

impl fmt::Debug for Converter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct(match self.way {
            Way::ToWgs84 => "ToWgs84",
            Way::FromWgs84 => "FromWgs84",
        });
        d.field("crs", &self.crs);
        if matches!(self.engine, Engine::Proj4rs(_)) {
            d.field("backend", &EpsgBackend::Proj4rs);
        }
        #[cfg(feature = "proj")]
        if matches!(self.engine, Engine::Proj(_)) {
            d.field("backend", &EpsgBackend::Proj);
        }
        d.finish()
    }
}

/// A prepared converter from one [`Crs`] to WGS-84 longitude/latitude in degrees.
///
/// Build it once per input and call [`convert`](Self::convert) for every point. It is
/// `Send + Sync + Clone`, so one value can serve all rayon threads; clones share the prepared
/// transformation.
///
/// # Example
///
/// ```
/// use catchment::crs::{Crs, ToWgs84};
///
/// # fn main() -> Result<(), catchment::crs::CrsError> {
/// // CGCS2000 / 3-degree Gauss-Krüger CM 114E: easting, northing in metres.
/// let to_wgs84 = ToWgs84::new(Crs::Epsg(4547))?;
/// let (lon, lat) = to_wgs84.convert(505_955.846, 2_493_941.246)?;
/// assert!((lon - 114.0579).abs() < 1e-7 && (lat - 22.5431).abs() < 1e-7); // Futian
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ToWgs84(Converter);

impl ToWgs84 {
    /// Prepares a converter from `crs` with the default [`EpsgBackend`].
    ///
    /// # Errors
    ///
    /// [`CrsError::UnknownEpsg`] for an EPSG code the backend does not know or cannot handle.
    ///
    /// # Example
    ///
    /// ```
    /// use catchment::crs::{Crs, CrsError, ToWgs84};
    ///
    /// # fn main() -> Result<(), CrsError> {
    /// let cgcs2000 = ToWgs84::new(Crs::Epsg(4490))?;
    /// assert_eq!(cgcs2000.crs(), Crs::Epsg(4490));
    /// assert!(matches!(ToWgs84::new(Crs::Epsg(99_999)), Err(CrsError::UnknownEpsg { .. })));
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(crs: Crs) -> Result<Self, CrsError> {
        Self::with_backend(crs, EpsgBackend::default())
    }

    /// Prepares a converter from `crs` with a chosen [`EpsgBackend`] (used only for EPSG codes).
    ///
    /// # Errors
    ///
    /// [`CrsError::UnknownEpsg`] for an EPSG code the backend does not know or cannot handle.
    ///
    /// # Example
    ///
    /// ```
    /// use catchment::crs::{Crs, EpsgBackend, ToWgs84};
    ///
    /// # fn main() -> Result<(), catchment::crs::CrsError> {
    /// let web_mercator = ToWgs84::with_backend(Crs::Epsg(3857), EpsgBackend::Proj4rs)?;
    /// let (lon, lat) = web_mercator.convert(12_696_867.349, 2_576_857.034)?;
    /// assert!((lon - 114.0579).abs() < 1e-7 && (lat - 22.5431).abs() < 1e-7);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_backend(crs: Crs, backend: EpsgBackend) -> Result<Self, CrsError> {
        Converter::new(crs, backend, Way::ToWgs84).map(Self)
    }

    /// The system this converter reads.
    ///
    /// # Example
    ///
    /// ```
    /// use catchment::crs::{Crs, ToWgs84};
    ///
    /// # fn main() -> Result<(), catchment::crs::CrsError> {
    /// assert_eq!(ToWgs84::new(Crs::Bd09)?.crs(), Crs::Bd09);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn crs(&self) -> Crs {
        self.0.crs
    }

    /// The EPSG backend this converter was built with (meaningful for EPSG codes only).
    ///
    /// # Example
    ///
    /// ```
    /// use catchment::crs::{Crs, EpsgBackend, ToWgs84};
    ///
    /// # fn main() -> Result<(), catchment::crs::CrsError> {
    /// assert_eq!(ToWgs84::new(Crs::Epsg(3857))?.backend(), EpsgBackend::default());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn backend(&self) -> EpsgBackend {
        self.0.backend
    }

    /// Converts one point to WGS-84 (longitude, latitude) in degrees.
    ///
    /// Input is (longitude, latitude) in degrees for WGS-84, GCJ-02, BD-09 and geographic EPSG
    /// codes, (easting, northing) in the CRS's unit for projected ones. Range checks (|lat| ≤ 90,
    /// …) are left to the caller, which knows how to explain them.
    ///
    /// # Errors
    ///
    /// [`CrsError::Convert`] when a coordinate is not finite or the backend cannot convert the
    /// point (outside the projection's domain).
    ///
    /// # Example
    ///
    /// ```
    /// use catchment::crs::{Crs, ToWgs84};
    ///
    /// # fn main() -> Result<(), catchment::crs::CrsError> {
    /// let from_baidu = ToWgs84::new(Crs::Bd09)?;
    /// let (lon, lat) = from_baidu.convert(116.4039, 39.9151)?; // Tian'anmen on Baidu Maps
    /// assert!((lon - 116.391).abs() < 2e-3 && (lat - 39.907).abs() < 2e-3);
    /// assert!(from_baidu.convert(f64::NAN, 39.9).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        self.0.convert(x, y)
    }
}

impl fmt::Debug for ToWgs84 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A prepared converter from WGS-84 longitude/latitude (degrees) to one [`Crs`], for writing
/// coordinates back in an input's system.
///
/// The mirror of [`ToWgs84`]: `Send + Sync + Clone`, built once, used for every point.
///
/// # Example
///
/// ```
/// use catchment::crs::{Crs, FromWgs84};
///
/// # fn main() -> Result<(), catchment::crs::CrsError> {
/// let to_amap = FromWgs84::new(Crs::Gcj02)?;
/// let (lon, lat) = to_amap.convert(114.0579, 22.5431)?; // Shenzhen, Futian
/// assert!((lon - 114.0628).abs() < 1e-3 && (lat - 22.5401).abs() < 1e-3);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct FromWgs84(Converter);

impl FromWgs84 {
    /// Prepares a converter to `crs` with the default [`EpsgBackend`].
    ///
    /// # Errors
    ///
    /// [`CrsError::UnknownEpsg`] for an EPSG code the backend does not know or cannot handle.
    ///
    /// # Example
    ///
    /// ```
    /// use catchment::crs::{Crs, FromWgs84};
    ///
    /// # fn main() -> Result<(), catchment::crs::CrsError> {
    /// let gk = FromWgs84::new(Crs::Epsg(4547))?;
    /// let (x, _y) = gk.convert(114.0, 30.0)?;
    /// assert!((x - 500_000.0).abs() < 1e-6); // on the central meridian
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(crs: Crs) -> Result<Self, CrsError> {
        Self::with_backend(crs, EpsgBackend::default())
    }

    /// Prepares a converter to `crs` with a chosen [`EpsgBackend`] (used only for EPSG codes).
    ///
    /// # Errors
    ///
    /// [`CrsError::UnknownEpsg`] for an EPSG code the backend does not know or cannot handle.
    ///
    /// # Example
    ///
    /// ```
    /// use catchment::crs::{Crs, EpsgBackend, FromWgs84};
    ///
    /// # fn main() -> Result<(), catchment::crs::CrsError> {
    /// let web_mercator = FromWgs84::with_backend(Crs::Epsg(3857), EpsgBackend::Proj4rs)?;
    /// let (x, y) = web_mercator.convert(0.0, 0.0)?;
    /// assert!(x.abs() < 1e-9 && y.abs() < 1e-9);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_backend(crs: Crs, backend: EpsgBackend) -> Result<Self, CrsError> {
        Converter::new(crs, backend, Way::FromWgs84).map(Self)
    }

    /// The system this converter writes.
    ///
    /// # Example
    ///
    /// ```
    /// use catchment::crs::{Crs, FromWgs84};
    ///
    /// # fn main() -> Result<(), catchment::crs::CrsError> {
    /// assert_eq!(FromWgs84::new(Crs::Gcj02)?.crs(), Crs::Gcj02);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn crs(&self) -> Crs {
        self.0.crs
    }

    /// The EPSG backend this converter was built with (meaningful for EPSG codes only).
    ///
    /// # Example
    ///
    /// ```
    /// use catchment::crs::{Crs, EpsgBackend, FromWgs84};
    ///
    /// # fn main() -> Result<(), catchment::crs::CrsError> {
    /// let c = FromWgs84::with_backend(Crs::Epsg(4490), EpsgBackend::Proj4rs)?;
    /// assert_eq!(c.backend(), EpsgBackend::Proj4rs);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn backend(&self) -> EpsgBackend {
        self.0.backend
    }

    /// Converts one WGS-84 point (longitude, latitude in degrees) to the target system.
    ///
    /// Output is (longitude, latitude) in degrees for WGS-84, GCJ-02, BD-09 and geographic EPSG
    /// codes, (easting, northing) in the CRS's unit for projected ones.
    ///
    /// # Errors
    ///
    /// [`CrsError::Convert`] when a coordinate is not finite or the backend cannot convert the
    /// point (outside the projection's domain).
    ///
    /// # Example
    ///
    /// ```
    /// use catchment::crs::{Crs, FromWgs84};
    ///
    /// # fn main() -> Result<(), catchment::crs::CrsError> {
    /// let to_baidu = FromWgs84::new(Crs::Bd09)?;
    /// let (lon, lat) = to_baidu.convert(116.3912, 39.9067)?; // Tian'anmen
    /// assert!((lon - 116.4039).abs() < 2e-3 && (lat - 39.9151).abs() < 2e-3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn convert(&self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        self.0.convert(lon, lat)
    }
}

impl fmt::Debug for FromWgs84 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

// Readers share one converter across rayon threads.
const _: () = {
    const fn shareable<T: Send + Sync + Clone>() {}
    shareable::<ToWgs84>();
    shareable::<FromWgs84>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09, Crs::Epsg(4547)] {
            assert_eq!(crs.to_string().parse::<Crs>(), Ok(crs));
        }
        assert_eq!("BD-09".parse::<Crs>(), Ok(Crs::Bd09));
        assert!(matches!("utm".parse::<Crs>(), Err(CrsError::Unknown(_))));
    }

    #[test]
    fn epsg_4326_is_the_identity() {
        let c = ToWgs84::new(Crs::Epsg(4326)).unwrap();
        assert_eq!(c.convert(114.1, 22.5).unwrap(), (114.1, 22.5));
    }

    #[test]
    fn errors_name_the_point_and_systems() {
        let c = ToWgs84::new(Crs::Gcj02).unwrap();
        let err = c.convert(f64::INFINITY, 1.0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot convert (inf, 1) from gcj02 to wgs84: the coordinates are not finite numbers"
        );
        let err = ToWgs84::with_backend(Crs::Epsg(99_999), EpsgBackend::Proj4rs).unwrap_err();
        assert_eq!(
            err.to_string(),
            "EPSG:99999 is not supported by the proj4rs backend: not in the EPSG registry"
        );
    }

    #[test]
    fn debug_is_short() {
        let c = ToWgs84::with_backend(Crs::Epsg(3857), EpsgBackend::Proj4rs).unwrap();
        assert_eq!(
            format!("{c:?}"),
            "ToWgs84 { crs: Epsg(3857), backend: Proj4rs }"
        );
        let c = FromWgs84::new(Crs::Gcj02).unwrap();
        assert_eq!(format!("{c:?}"), "FromWgs84 { crs: Gcj02 }");
    }
}
