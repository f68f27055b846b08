//! EPSG codes through the PROJ C library (`proj` crate, feature `proj`).
//!
//! PROJ picks the transformation from its EPSG database (`proj.db`), so datum shifts follow the
//! registry rather than `+towgs84` approximations. PROJ ≥ 9.6 is built from source by `proj-sys`
//! (Debian 12 ships 9.1); `.ci/install-packages` installs what that build needs. The static build
//! looks for `proj.db` where the build installed it (under Cargo's `OUT_DIR`); a binary moved to
//! another machine needs `PROJ_DATA` pointing at a copy.
//!
//! A `proj::Proj` holds a raw PROJ context and is neither `Send` nor `Sync`, so the transform
//! itself only records the codes; each thread builds its own `Proj` on first use and keeps it in a
//! thread-local cache (one per code and direction, a few milliseconds to create). No locks are
//! taken on the conversion path.

use std::cell::RefCell;
use std::collections::HashMap;

use proj::Proj;

use super::{CrsError, EpsgBackend};

/// Which way a [`ProjTransform`] converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Direction {
    ToWgs84,
    FromWgs84,
}

/// A PROJ transformation between an EPSG code and WGS-84: `Send + Sync + Clone`, with the PROJ
/// objects kept per thread.
#[derive(Debug, Clone)]
pub(crate) struct ProjTransform {
    code: u32,
    direction: Direction,
}

thread_local! {
    static CACHE: RefCell<HashMap<(u32, Direction), Proj>> = RefCell::new(HashMap::new());
}

fn create(code: u32, direction: Direction) -> Result<Proj, CrsError> {
    let epsg = format!("EPSG:{code}");
    let (from, to) = match direction {
        Direction::ToWgs84 => (epsg.as_str(), "EPSG:4326"),
        Direction::FromWgs84 => ("EPSG:4326", epsg.as_str()),
    };
    // `new_known_crs` normalises axes to (lon, lat) / (easting, northing).
    Proj::new_known_crs(from, to, None).map_err(|e| CrsError::UnknownEpsg {
        code,
        backend: EpsgBackend::Proj,
        reason: e.to_string(),
    })
}

impl ProjTransform {
    fn new(code: u32, direction: Direction) -> Result<Self, CrsError> {
        // Fail now for an unknown code, and keep the object for this thread.
        let proj = create(code, direction)?;
        CACHE.with(|c| c.borrow_mut().insert((code, direction), proj));
        Ok(Self { code, direction })
    }

    /// EPSG `code` → WGS-84.
    pub(crate) fn to_wgs84(code: u32) -> Result<Self, CrsError> {
        Self::new(code, Direction::ToWgs84)
    }

    /// WGS-84 → EPSG `code`.
    pub(crate) fn from_wgs84(code: u32) -> Result<Self, CrsError> {
        Self::new(code, Direction::FromWgs84)
    }

    /// Converts one point; degrees for geographic CRSs, the CRS's unit otherwise.
    pub(crate) fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), String> {
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let key = (self.code, self.direction);
            let proj = match cache.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(create(self.code, self.direction).map_err(|e| e.to_string())?)
                }
            };
            proj.convert((x, y)).map_err(|e| e.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_code_is_reported() {
        let err = ProjTransform::to_wgs84(99_999).unwrap_err();
        assert!(matches!(
            err,
            CrsError::UnknownEpsg {
                code: 99_999,
                backend: EpsgBackend::Proj,
                ..
            }
        ));
    }

    #[test]
    fn other_threads_build_their_own_proj() {
        let t = ProjTransform::from_wgs84(3857).unwrap();
        let here = t.convert(114.0, 22.5).unwrap();
        let there = std::thread::spawn(move || t.convert(114.0, 22.5).unwrap())
            .join()
            .unwrap();
        assert_eq!(here, there);
    }
}
