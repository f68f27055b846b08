//! Isochrones: the network reached within a budget (partial edges cut where the time runs out),
//! buffered into a polygon.

use super::graph::{LocalPlane, RoadGraph, haversine};
use super::polygon::{check_valid, network_polygon};
use super::search::{NodeTime, Snap, TravelTimes, check_minutes};
use super::{TravelError, TravelMode, TravelOptions};
use geo::{Coord, GeodesicArea, LineString, MapCoords, MultiLineString, MultiPolygon, Polygon};
use rayon::prelude::*;

/// A travel-time isochrone: the area within `minutes` of a start over the road network.
///
/// # Example
/// ```
/// use catchment::fence::travel::{RoadGraph, TravelMode};
/// use geo::{Contains, Point, Validation};
/// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
/// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
/// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Walk])?;
/// let iso = graph.isochrone(7.4256, 43.7408, TravelMode::Walk, &[10.0])?.remove(0);
/// assert!(iso.polygon.is_valid());
/// assert!(iso.nodes.iter().all(|n| iso.polygon.contains(&Point(n.coord))));
/// println!("{} nodes reached, {:.2} km²", iso.nodes.len(), iso.area_km2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Isochrone {
    /// The time budget, minutes.
    pub minutes: f64,
    /// The mode.
    pub mode: TravelMode,
    /// The area: the reached network buffered by [`buffer_m`](Self::buffer_m); WGS-84, valid,
    /// exterior rings counter-clockwise and holes clockwise (RFC 7946).
    pub polygon: MultiPolygon<f64>,
    /// Geodesic area of the polygon, km² (WGS-84 ellipsoid).
    pub area_km2: f64,
    /// The reached network, WGS-84: whole edges and the reached parts of partial edges, one line
    /// per stretch.
    pub network: MultiLineString<f64>,
    /// The graph nodes reached within the budget with their times, in increasing time; their
    /// count is the reached node count.
    pub nodes: Vec<NodeTime>,
    /// Where the start joined the network.
    pub snap: Snap,
    /// The buffer distance used, metres.
    pub buffer_m: f64,
}

impl RoadGraph {
    /// Isochrones of each budget (minutes, increasing) around a start, with default
    /// [`TravelOptions`]; see [`isochrone_with`](Self::isochrone_with).
    ///
    /// # Errors
    /// As [`isochrone_with`](Self::isochrone_with).
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelMode};
    /// use geo::Contains;
    /// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
    /// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
    /// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Walk])?;
    /// let bands = graph.isochrone(7.4256, 43.7408, TravelMode::Walk, &[5.0, 10.0, 15.0])?;
    /// assert_eq!(bands.len(), 3);
    /// assert!(bands[1].polygon.contains(&bands[0].polygon));
    /// # Ok(()) }
    /// ```
    pub fn isochrone(
        &self,
        lon: f64,
        lat: f64,
        mode: TravelMode,
        budgets_minutes: &[f64],
    ) -> Result<Vec<Isochrone>, TravelError> {
        self.isochrone_with(lon, lat, mode, budgets_minutes, &TravelOptions::default())
    }

    /// Isochrones of each budget (minutes, strictly increasing) around a start.
    ///
    /// One Dijkstra search to the largest budget ([`travel_times_with`](Self::travel_times_with));
    /// then, per budget, the reached network — every edge reached in full, and every partially
    /// reached edge cut at the exact point where the remaining time runs out — is buffered by
    /// [`TravelOptions::buffer_m`] (default [`default_buffer_m`](super::default_buffer_m)) and
    /// unioned; holes smaller than [`TravelOptions::min_hole_km2`] are filled. The bands are
    /// nested: each contains the previous one.
    ///
    /// # Errors
    /// [`TravelError::InvalidParameter`] when a budget is not positive and finite, budgets do
    /// not increase, or an option is out of range; snapping errors as
    /// [`snap`](Self::snap); [`TravelError::Polygon`] if a polygon came out invalid (a bug).
    ///
    /// # Performance
    /// The search is cheap; the polygon (buffer and union of the reached segments) dominates and
    /// grows with the reached network. Budgets are built in parallel (rayon).
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelMode, TravelOptions};
    /// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
    /// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
    /// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Drive])?;
    /// let opts = TravelOptions::new().buffer_m(30.0).min_hole_km2(0.0);
    /// let iso = graph.isochrone_with(7.4256, 43.7408, TravelMode::Drive, &[3.0], &opts)?;
    /// assert_eq!(iso[0].buffer_m, 30.0);
    /// # Ok(()) }
    /// ```
    pub fn isochrone_with(
        &self,
        lon: f64,
        lat: f64,
        mode: TravelMode,
        budgets_minutes: &[f64],
        opts: &TravelOptions,
    ) -> Result<Vec<Isochrone>, TravelError> {
        check_budgets(budgets_minutes)?;
        opts.check()?;
        let Some(&max) = budgets_minutes.last() else {
            return Ok(Vec::new());
        };
        let times = self.travel_times_with(lon, lat, mode, max, opts)?;
        budgets_minutes
            .par_iter()
            .map(|&m| times.isochrone(m, opts))
            .collect()
    }
}

fn check_budgets(budgets: &[f64]) -> Result<(), TravelError> {
    for &m in budgets {
        check_minutes(m)?;
    }
    if budgets.windows(2).any(|w| w[0] >= w[1]) {
        return Err(TravelError::InvalidParameter {
            name: "minutes",
            message: format!("budgets must increase strictly, got {budgets:?}"),
        });
    }
    Ok(())
}

/// A reached stretch of one edge, metres from its first node.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stretch {
    edge: u32,
    from_m: f64,
    to_m: f64,
}

impl TravelTimes<'_> {
    /// The isochrone of `minutes` (at most the searched budget) from this search.
    ///
    /// # Errors
    /// [`TravelError::InvalidParameter`] when `minutes` is not positive or exceeds the searched
    /// budget, or an option is out of range; [`TravelError::Polygon`] if the polygon came out
    /// invalid (a bug).
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelMode, TravelOptions};
    /// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
    /// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
    /// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Bike])?;
    /// let times = graph.travel_times(7.4256, 43.7408, TravelMode::Bike, 10.0)?;
    /// let five = times.isochrone(5.0, &TravelOptions::new())?;
    /// assert!(five.nodes.len() < times.nodes().count());
    /// # Ok(()) }
    /// ```
    pub fn isochrone(&self, minutes: f64, opts: &TravelOptions) -> Result<Isochrone, TravelError> {
        check_minutes(minutes)?;
        opts.check()?;
        let budget = minutes * 60.0;
        if budget > self.max_s * (1.0 + 1e-12) {
            return Err(TravelError::InvalidParameter {
                name: "minutes",
                message: format!(
                    "{minutes} min is beyond the {} min searched",
                    self.max_s / 60.0
                ),
            });
        }
        let buffer_m = opts.buffer_for(self.mode());
        let cell_m = opts.cell_for(self.mode());
        if cell_m > buffer_m / 2.0 {
            return Err(TravelError::InvalidParameter {
                name: "grid_cell_m",
                message: format!("{cell_m} m is more than half the {buffer_m} m buffer"),
            });
        }
        let stretches = self.stretches(budget);
        // Build in a plane centred on the start; the map back to WGS-84 is affine, so validity
        // and orientation carry over.
        let plane = LocalPlane::new(self.snap.lon, self.snap.lat);
        let mut local = Vec::with_capacity(stretches.len());
        let mut network = Vec::with_capacity(stretches.len());
        for s in &stretches {
            let line = self.cut(s);
            local.push(LineString::new(
                line.iter().map(|&c| plane.to_local(c)).collect(),
            ));
            network.push(LineString::new(line));
        }
        let lines = MultiLineString::new(local);
        let build = |simplify| {
            network_polygon(
                &lines,
                buffer_m,
                opts.min_hole_km2 * 1e6,
                opts.method,
                cell_m,
                simplify,
            )
        };
        let mut polygon = build(true);
        if check_valid(&polygon, opts.method).is_err() {
            // Simplifying the grid contour can, rarely, make rings touch: keep every vertex.
            polygon = build(false);
            check_valid(&polygon, opts.method)?;
        }
        let polygon: MultiPolygon<f64> = polygon.map_coords(|c| plane.to_wgs84(c));
        let area_km2 = geodesic_area_km2(&polygon);
        let nodes = self
            .settled
            .iter()
            .map(|&n| self.node_time(n))
            .take_while(|n| n.seconds <= budget)
            .collect();
        Ok(Isochrone {
            minutes,
            mode: self.mode(),
            polygon,
            area_km2,
            network: MultiLineString::new(network),
            nodes,
            snap: self.snap,
            buffer_m,
        })
    }

    /// The reached stretches of every edge within `budget` seconds, merged per edge, sorted.
    fn stretches(&self, budget: f64) -> Vec<Stretch> {
        let graph = self.graph;
        let reverse = self.direction == super::TravelDirection::ToStart;
        let mut out = Vec::new();
        // The start's own edge, from the snapped point both ways as far as allowed.
        {
            let e = &graph.edges[self.snap.edge as usize];
            let [v_ab, v_ba] = self.search_speeds(self.snap.edge);
            let s = self.snap.offset_m;
            out.push(Stretch {
                edge: self.snap.edge,
                from_m: (s - budget * v_ba).max(0.0),
                to_m: (s + budget * v_ab).min(e.length_m),
            });
        }
        for &node in &self.settled {
            let t = self.dist[node as usize];
            if t > budget {
                break;
            }
            let left = budget - t;
            for adj in self.mg.adjacent(node) {
                let cost = if reverse { adj.in_s } else { adj.out_s };
                if !cost.is_finite() {
                    continue;
                }
                let len = graph.edges[adj.edge() as usize].length_m;
                let reach = if left >= cost || cost <= 0.0 {
                    len
                } else {
                    len * (left / cost)
                };
                out.push(if adj.a_to_b() {
                    Stretch {
                        edge: adj.edge(),
                        from_m: 0.0,
                        to_m: reach,
                    }
                } else {
                    Stretch {
                        edge: adj.edge(),
                        from_m: len - reach,
                        to_m: len,
                    }
                });
            }
        }
        out.sort_unstable_by(|a, b| a.edge.cmp(&b.edge).then(a.from_m.total_cmp(&b.from_m)));
        let mut merged: Vec<Stretch> = Vec::with_capacity(out.len());
        for s in out {
            match merged.last_mut() {
                Some(m) if m.edge == s.edge && s.from_m <= m.to_m => m.to_m = m.to_m.max(s.to_m),
                _ => merged.push(s),
            }
        }
        merged.retain(|s| s.to_m > s.from_m);
        merged
    }

    /// The geometry of a stretch, WGS-84, cut at its exact ends along the haversine length.
    fn cut(&self, s: &Stretch) -> Vec<Coord<f64>> {
        let shape = self.graph.edge_shape(s.edge);
        if s.from_m <= 0.0 && s.to_m >= self.graph.edges[s.edge as usize].length_m {
            return shape.to_vec();
        }
        cut_line(shape, s.from_m, s.to_m)
    }
}

/// Geodesic area in km²: every ring measured on its own (tiny rings of either winding measure
/// near zero, not near the Earth's area), holes subtracted.
pub(crate) fn geodesic_area_km2(polygon: &MultiPolygon<f64>) -> f64 {
    let ring = |r: &LineString<f64>| Polygon::new(r.clone(), vec![]).geodesic_area_signed().abs();
    polygon
        .iter()
        .map(|p| ring(p.exterior()) - p.interiors().iter().map(ring).sum::<f64>())
        .sum::<f64>()
        / 1e6
}

/// The part of a line between `from_m` and `to_m` metres (haversine) from its start.
pub(crate) fn cut_line(shape: &[Coord<f64>], from_m: f64, to_m: f64) -> Vec<Coord<f64>> {
    let mut out = Vec::new();
    let mut at = 0.0;
    for w in shape.windows(2) {
        let len = haversine(w[0], w[1]);
        let next = at + len;
        let point = |d: f64| {
            let t = if len > 0.0 { (d - at) / len } else { 0.0 };
            if t <= 0.0 {
                w[0]
            } else if t >= 1.0 {
                w[1]
            } else {
                w[0] + (w[1] - w[0]) * t
            }
        };
        if out.is_empty() && from_m <= next {
            out.push(point(from_m));
        }
        if !out.is_empty() {
            if to_m <= next {
                out.push(point(to_m));
                return out;
            }
            out.push(w[1]);
        }
        at = next;
    }
    if out.len() == 1 {
        // Rounding left the end a hair beyond the summed length: the last vertex.
        out.push(*shape.last().unwrap_or(&out[0]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_line_at_lengths() {
        // Three segments along a meridian, each 0.001° ≈ 111.2 m.
        let shape: Vec<Coord<f64>> = (0..4)
            .map(|i| Coord {
                x: 7.0,
                y: 43.0 + 0.001 * i as f64,
            })
            .collect();
        let seg = haversine(shape[0], shape[1]);
        let part = cut_line(&shape, 0.0, 100.0);
        assert_eq!(part.len(), 2);
        assert!((haversine(part[0], part[1]) - 100.0).abs() < 1e-6);
        let part = cut_line(&shape, 50.0, 2.5 * seg);
        assert_eq!(part.len(), 4);
        assert!((haversine(shape[0], part[0]) - 50.0).abs() < 1e-6);
        assert!((haversine(shape[0], part[3]) - 2.5 * seg).abs() < 1e-6);
        let whole = cut_line(&shape, 0.0, 3.0 * seg);
        assert_eq!(whole.len(), 4);
        assert!(
            whole
                .iter()
                .zip(&shape)
                .all(|(a, b)| (a.y - b.y).abs() < 1e-12)
        );
    }
}
