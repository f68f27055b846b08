//! The study area: the study's `bbox`, or the extent of its places grown by a margin.

use geo::{Rect, coord};

/// Metres the derived study area extends beyond the places (SPEC §2: 10 km).
pub const STUDY_AREA_MARGIN_M: f64 = 10_000.0;

/// Grows `rect` by at least `meters` on every side (degrees computed at the latitude where a
/// degree of longitude is shortest, so the margin is never less than asked), clamped to the globe.
///
/// # Example
/// ```
/// use catchment::study::grow_by_meters;
/// use geo::{coord, Rect};
/// let r = grow_by_meters(Rect::new(coord! { x: 7.41, y: 43.72 }, coord! { x: 7.44, y: 43.75 }), 10_000.0);
/// assert!((r.min().y - (43.72 - 10_000.0 / 110_574.0)).abs() < 1e-12);
/// assert!(r.min().x < 7.41 - 0.12);
/// ```
pub fn grow_by_meters(rect: Rect<f64>, meters: f64) -> Rect<f64> {
    // Metres per degree of latitude are at least 110,574 (at the equator).
    let dlat = meters / 110_574.0;
    let far_lat = (rect.min().y - dlat)
        .abs()
        .max((rect.max().y + dlat).abs())
        .min(89.0);
    let dlon = (meters / (111_320.0 * far_lat.to_radians().cos())).min(180.0);
    Rect::new(
        coord! { x: (rect.min().x - dlon).max(-180.0), y: (rect.min().y - dlat).max(-90.0) },
        coord! { x: (rect.max().x + dlon).min(180.0), y: (rect.max().y + dlat).min(90.0) },
    )
}

/// The smallest rectangle holding all `points` (lon, lat), or `None` when there are none.
pub fn extent(points: impl IntoIterator<Item = (f64, f64)>) -> Option<Rect<f64>> {
    let mut it = points.into_iter();
    let (x, y) = it.next()?;
    let (mut x0, mut y0, mut x1, mut y1) = (x, y, x, y);
    for (x, y) in it {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    Some(Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 }))
}

/// The union of two optional rectangles.
pub fn union(a: Option<Rect<f64>>, b: Option<Rect<f64>>) -> Option<Rect<f64>> {
    match (a, b) {
        (Some(a), Some(b)) => extent([
            (a.min().x, a.min().y),
            (a.max().x, a.max().y),
            (b.min().x, b.min().y),
            (b.max().x, b.max().y),
        ]),
        (a, None) => a,
        (None, b) => b,
    }
}
