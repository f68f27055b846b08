//! Validation of one input point: range, (0, 0), CRS conversion, study area.

use super::RejectReason;
use crate::crs::{Crs, ToWgs84};
use geo::Rect;

/// Checks and converts points of one input to WGS-84.
#[derive(Debug, Clone)]
pub(crate) struct PointCheck {
    crs: Crs,
    to_wgs84: ToWgs84,
    area: Option<Rect<f64>>,
}

impl PointCheck {
    pub(crate) fn new(crs: Crs, to_wgs84: ToWgs84, area: Option<Rect<f64>>) -> Self {
        Self {
            crs,
            to_wgs84,
            area,
        }
    }

    /// Whether coordinates are degrees before conversion (so the range check applies to the raw
    /// values, with the swap hint).
    fn degrees_in(&self) -> bool {
        matches!(self.crs, Crs::Wgs84 | Crs::Gcj02 | Crs::Bd09)
    }

    fn inside(&self, lon: f64, lat: f64) -> bool {
        self.area.is_none_or(|a| {
            lon >= a.min().x && lon <= a.max().x && lat >= a.min().y && lat <= a.max().y
        })
    }

    /// The WGS-84 (lon, lat) of an input point, or why it is rejected.
    pub(crate) fn check(&self, x: f64, y: f64) -> Result<(f64, f64), RejectReason> {
        if x == 0.0 && y == 0.0 {
            return Err(RejectReason::NullIsland);
        }
        if self.degrees_in() && !in_range(x, y) {
            return Err(RejectReason::OutOfRange {
                lon: x,
                lat: y,
                swapped: in_range(y, x),
            });
        }
        let (lon, lat) = self.to_wgs84.convert(x, y).map_err(|e| RejectReason::Crs {
            message: e.to_string(),
        })?;
        if !lon.is_finite() || !lat.is_finite() || !in_range(lon, lat) {
            return Err(RejectReason::OutOfRange {
                lon,
                lat,
                swapped: false,
            });
        }
        if !self.inside(lon, lat) {
            let swapped = self.degrees_in()
                && in_range(y, x)
                && self
                    .to_wgs84
                    .convert(y, x)
                    .is_ok_and(|(a, b)| self.inside(a, b));
            return Err(RejectReason::OutsideStudyArea { lon, lat, swapped });
        }
        Ok((lon, lat))
    }
}

fn in_range(lon: f64, lat: f64) -> bool {
    (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)
}

/// Parses a required number field.
pub(crate) fn number(column: &str, s: &str) -> Result<f64, RejectReason> {
    optional_number(column, s)?.ok_or_else(|| RejectReason::Missing {
        column: column.to_string(),
    })
}

/// Parses an optional number field (`None` when empty).
pub(crate) fn optional_number(column: &str, s: &str) -> Result<Option<f64>, RejectReason> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Err(RejectReason::NotFinite {
            column: column.to_string(),
            value: t.to_string(),
        }),
        Err(_) => Err(RejectReason::NotNumber {
            column: column.to_string(),
            value: t.to_string(),
        }),
    }
}

/// Checks an accuracy against the limit (`None` = unknown, kept).
pub(crate) fn accuracy(value: Option<f64>, max: f64) -> Result<f32, RejectReason> {
    match value {
        None => Ok(f32::NAN),
        Some(v) if v < 0.0 => Err(RejectReason::AccuracyNegative { value: v }),
        Some(v) if v > max => Err(RejectReason::AccuracyTooLarge { value: v, max }),
        Some(v) => Ok(v as f32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn monaco() -> PointCheck {
        let area = Rect::new(coord! { x: 7.3, y: 43.6 }, coord! { x: 7.6, y: 43.9 });
        PointCheck::new(Crs::Wgs84, ToWgs84::new(Crs::Wgs84).unwrap(), Some(area))
    }

    #[test]
    fn accepts_a_point_inside() {
        assert_eq!(monaco().check(7.42, 43.73), Ok((7.42, 43.73)));
    }

    #[test]
    fn null_island_and_range() {
        let c = monaco();
        assert_eq!(c.check(0.0, 0.0), Err(RejectReason::NullIsland));
        assert_eq!(
            c.check(200.0, 100.0),
            Err(RejectReason::OutOfRange {
                lon: 200.0,
                lat: 100.0,
                swapped: false
            })
        );
        assert_eq!(
            c.check(121.5, 131.2),
            Err(RejectReason::OutOfRange {
                lon: 121.5,
                lat: 131.2,
                swapped: false
            })
        );
        // lat 121 is out of range but (31, 121) swapped is valid.
        assert!(matches!(
            c.check(31.2, 121.5),
            Err(RejectReason::OutOfRange { swapped: true, .. })
        ));
    }

    #[test]
    fn outside_area_with_swap_hint() {
        let c = monaco();
        assert!(matches!(
            c.check(43.73, 7.42),
            Err(RejectReason::OutsideStudyArea { swapped: true, .. })
        ));
        assert!(matches!(
            c.check(2.35, 48.85),
            Err(RejectReason::OutsideStudyArea { swapped: false, .. })
        ));
    }

    #[test]
    fn numbers_and_accuracy() {
        assert_eq!(number("lon", " 7.5 "), Ok(7.5));
        assert!(matches!(
            number("lon", ""),
            Err(RejectReason::Missing { .. })
        ));
        assert!(matches!(
            number("lon", "NaN"),
            Err(RejectReason::NotFinite { .. })
        ));
        assert!(matches!(
            number("lon", "inf"),
            Err(RejectReason::NotFinite { .. })
        ));
        assert!(matches!(
            number("lon", "7,5"),
            Err(RejectReason::NotNumber { .. })
        ));
        assert!(accuracy(None, 200.0).unwrap().is_nan());
        assert_eq!(accuracy(Some(200.0), 200.0), Ok(200.0));
        assert!(matches!(
            accuracy(Some(200.5), 200.0),
            Err(RejectReason::AccuracyTooLarge { .. })
        ));
        assert!(matches!(
            accuracy(Some(-1.0), 200.0),
            Err(RejectReason::AccuracyNegative { .. })
        ));
    }
}
