//! Snapping a point to the network and Dijkstra searches from it.

use super::graph::{ModeGraph, RoadGraph, haversine};
use super::{TravelDirection, TravelError, TravelMode, TravelOptions};
use geo::Coord;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Where a point joined the network: the nearest point of the nearest usable edge.
///
/// # Example
/// ```
/// use catchment::fence::travel::{RoadGraph, TravelMode};
/// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
/// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
/// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Walk])?;
/// let snap = graph.snap(7.4256, 43.7408, TravelMode::Walk, 1000.0)?;
/// assert!(snap.distance_m < 50.0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// Longitude of the snapped point (on the edge), WGS-84.
    pub lon: f64,
    /// Latitude of the snapped point.
    pub lat: f64,
    /// Haversine distance from the query point to the snapped point, metres.
    pub distance_m: f64,
    pub(crate) edge: u32,
    /// Distance along the edge from its first node, metres.
    pub(crate) offset_m: f64,
}

/// A graph node reached by a search, with its travel time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeTime {
    /// OSM id of the node.
    pub osm_id: i64,
    /// Position, WGS-84 (`x` longitude, `y` latitude).
    pub coord: Coord<f64>,
    /// Travel time from the start (or to it, for [`TravelDirection::ToStart`]), seconds.
    pub seconds: f64,
}

impl RoadGraph {
    /// Snaps a point to the nearest edge `mode` may use, in a network component of at least
    /// [`min_component_nodes`](super::RoadGraphBuilder::min_component_nodes) nodes.
    ///
    /// The nearest segment is found in the graph's equirectangular plane (R-tree), then the
    /// distance is measured with haversine.
    ///
    /// # Errors
    /// [`TravelError::ModeNotBuilt`], [`TravelError::InvalidCoordinate`], or
    /// [`TravelError::NoRoadNearby`] when no usable edge is within `max_m` metres.
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelError, TravelMode};
    /// # fn main() -> Result<(), TravelError> {
    /// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
    /// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Drive])?;
    /// // Out at sea, 3 km south of the coast.
    /// let far = graph.snap(7.42, 43.70, TravelMode::Drive, 1000.0);
    /// assert!(matches!(far, Err(TravelError::NoRoadNearby { .. })));
    /// # Ok(()) }
    /// ```
    pub fn snap(
        &self,
        lon: f64,
        lat: f64,
        mode: TravelMode,
        max_m: f64,
    ) -> Result<Snap, TravelError> {
        let mg = self.mode(mode)?;
        self.snap_in(mg, lon, lat, max_m)
    }

    pub(crate) fn snap_in(
        &self,
        mg: &ModeGraph,
        lon: f64,
        lat: f64,
        max_m: f64,
    ) -> Result<Snap, TravelError> {
        if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0) {
            return Err(TravelError::InvalidCoordinate { lon, lat });
        }
        let query = Coord { x: lon, y: lat };
        let q = self.plane.to_local(query);
        // Plane distances are within a few per cent of haversine over a city; search a little
        // beyond the limit and decide on the haversine distance.
        let reach = max_m * 1.1 + 10.0;
        let mut nearest_any: Option<f64> = None;
        for (seg, d2) in mg.tree.nearest_neighbor_iter_with_distance_2(&[q.x, q.y]) {
            if d2.sqrt() > reach {
                break;
            }
            let s = seg.data;
            let edge = self.edge_of_shape_index(s);
            let p = self.shape[s as usize];
            let r = self.shape[s as usize + 1];
            let (lp, lr) = (self.plane.to_local(p), self.plane.to_local(r));
            let d = lr - lp;
            let len2 = d.x * d.x + d.y * d.y;
            let t = if len2 > 0.0 {
                (((q - lp).x * d.x + (q - lp).y * d.y) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let point = p + (r - p) * t;
            let distance_m = haversine(query, point);
            nearest_any.get_or_insert(distance_m);
            if !mg.snappable(self, edge) || distance_m > max_m {
                continue;
            }
            let e = &self.edges[edge as usize];
            let before: f64 = self.shape[e.shape_start as usize..=s as usize]
                .windows(2)
                .map(|w| haversine(w[0], w[1]))
                .sum();
            let offset_m = (before + t * haversine(p, r)).min(e.length_m);
            return Ok(Snap {
                lon: point.x,
                lat: point.y,
                distance_m,
                edge,
                offset_m,
            });
        }
        Err(TravelError::NoRoadNearby {
            lon,
            lat,
            mode: mg.mode.as_str(),
            max_m,
            nearest_m: nearest_any,
        })
    }

    /// Travel times from a start to every node within `max_minutes` (Dijkstra); see
    /// [`travel_times_with`](Self::travel_times_with).
    ///
    /// # Errors
    /// As [`travel_times_with`](Self::travel_times_with).
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelMode};
    /// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
    /// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
    /// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Walk])?;
    /// let times = graph.travel_times(7.4256, 43.7408, TravelMode::Walk, 10.0)?;
    /// assert!(times.nodes().all(|n| n.seconds <= 600.0));
    /// // Travel time to any point: to a POI 300 m away.
    /// let t = times.seconds_to(7.4290, 43.7395)?.expect("reached");
    /// assert!(t > 200.0 && t < 600.0);
    /// # Ok(()) }
    /// ```
    pub fn travel_times(
        &self,
        lon: f64,
        lat: f64,
        mode: TravelMode,
        max_minutes: f64,
    ) -> Result<TravelTimes<'_>, TravelError> {
        self.travel_times_with(lon, lat, mode, max_minutes, &TravelOptions::default())
    }

    /// Travel times between a start and every node within `max_minutes`, from the start
    /// ([`TravelDirection::FromStart`], default) or to it ([`TravelDirection::ToStart`]).
    ///
    /// The start snaps to the nearest usable edge ([`snap`](Self::snap), at most
    /// [`TravelOptions::max_snap_m`]) and enters it at the snapped point: the search begins at
    /// both ends of that edge with the partial time from the snapped point, in the directions
    /// the mode may travel the edge. Time spent between the point and the network is not
    /// counted (as in Valhalla and openrouteservice).
    ///
    /// # Errors
    /// [`TravelError::InvalidParameter`] for a budget that is not positive and finite; snapping
    /// errors as [`snap`](Self::snap).
    ///
    /// # Performance
    /// Binary-heap Dijkstra pruned at the budget: proportional to the edges within reach, plus
    /// one array of node times the size of the graph.
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelDirection, TravelMode, TravelOptions};
    /// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
    /// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
    /// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Drive])?;
    /// let to_branch = TravelOptions::new().direction(TravelDirection::ToStart);
    /// let times = graph.travel_times_with(7.4256, 43.7408, TravelMode::Drive, 5.0, &to_branch)?;
    /// assert!(times.nodes().count() > 100);
    /// # Ok(()) }
    /// ```
    pub fn travel_times_with(
        &self,
        lon: f64,
        lat: f64,
        mode: TravelMode,
        max_minutes: f64,
        opts: &TravelOptions,
    ) -> Result<TravelTimes<'_>, TravelError> {
        check_minutes(max_minutes)?;
        let mg = self.mode(mode)?;
        let snap = self.snap_in(mg, lon, lat, opts.max_snap_m)?;
        let max_s = max_minutes * 60.0;
        let mut times = TravelTimes {
            graph: self,
            mg,
            direction: opts.direction,
            snap,
            max_s,
            dist: Vec::new(),
            settled: Vec::new(),
        };
        let sources = times.sources();
        times.run(&sources, |_, _| false);
        Ok(times)
    }

    /// Network travel time in seconds from one point to another, `None` when the destination
    /// cannot be reached.
    ///
    /// Both points snap to the network ([`snap`](Self::snap), at most
    /// [`DEFAULT_MAX_SNAP_M`](super::DEFAULT_MAX_SNAP_M)); the time runs from the snapped start
    /// to the snapped destination. For many destinations from one start, search once with
    /// [`travel_times`](Self::travel_times) and ask [`TravelTimes::seconds_to`].
    ///
    /// # Errors
    /// Snapping errors for either point, as [`snap`](Self::snap).
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelMode};
    /// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
    /// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
    /// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Walk])?;
    /// let casino = (7.4282, 43.7394);
    /// let station = (7.4196, 43.7390);
    /// let t = graph.travel_time(casino, station, TravelMode::Walk)?.unwrap();
    /// assert!(t > 500.0 && t < 1500.0, "{t}");
    /// # Ok(()) }
    /// ```
    pub fn travel_time(
        &self,
        from: (f64, f64),
        to: (f64, f64),
        mode: TravelMode,
    ) -> Result<Option<f64>, TravelError> {
        let mg = self.mode(mode)?;
        let max_snap_m = super::DEFAULT_MAX_SNAP_M;
        let snap = self.snap_in(mg, from.0, from.1, max_snap_m)?;
        let target = self.snap_in(mg, to.0, to.1, max_snap_m)?;
        let mut times = TravelTimes {
            graph: self,
            mg,
            direction: TravelDirection::FromStart,
            snap,
            max_s: f64::INFINITY,
            dist: Vec::new(),
            settled: Vec::new(),
        };
        let sources = times.sources();
        // Stop once both ends of the target edge are settled or no better arrival is possible.
        let e = &self.edges[target.edge as usize];
        let (ta, tb) = (e.a, e.b);
        let same_edge = times.along_start_edge(&target);
        let mut best = same_edge.unwrap_or(f64::INFINITY);
        let [v_ab, v_ba] = times.search_speeds(target.edge);
        let (to_target_from_a, to_target_from_b) = (
            secs(target.offset_m, v_ab),
            secs(e.length_m - target.offset_m, v_ba),
        );
        times.run(&sources, |node, t| {
            if node == ta {
                best = best.min(t + to_target_from_a);
            }
            if node == tb {
                best = best.min(t + to_target_from_b);
            }
            t >= best
        });
        Ok(times.time_on_edge(&target).filter(|t| t.is_finite()))
    }
}

/// Seconds to travel `len` metres at `v` m/s (`v = 0`: not allowed, except to stay put).
fn secs(len: f64, v: f64) -> f64 {
    if len <= 0.0 {
        0.0
    } else if v > 0.0 {
        len / v
    } else {
        f64::INFINITY
    }
}

pub(crate) fn check_minutes(minutes: f64) -> Result<(), TravelError> {
    if minutes.is_finite() && minutes > 0.0 {
        Ok(())
    } else {
        Err(TravelError::InvalidParameter {
            name: "minutes",
            message: format!("a time budget must be positive and finite, got {minutes}"),
        })
    }
}

/// The result of one search: travel times between a start and the graph nodes within a budget.
///
/// Made by [`RoadGraph::travel_times`]; turns into isochrones with
/// [`isochrone`](Self::isochrone) and answers point queries with
/// [`seconds_to`](Self::seconds_to).
#[derive(Debug)]
pub struct TravelTimes<'g> {
    pub(crate) graph: &'g RoadGraph,
    pub(crate) mg: &'g ModeGraph,
    pub(crate) direction: TravelDirection,
    pub(crate) snap: Snap,
    pub(crate) max_s: f64,
    /// Seconds per node (`INFINITY`: not reached).
    pub(crate) dist: Vec<f64>,
    /// Nodes in the order they were settled (increasing time).
    pub(crate) settled: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Queued {
    seconds: f64,
    node: u32,
}

impl Eq for Queued {}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on time; node id breaks ties so the order is deterministic.
        other
            .seconds
            .total_cmp(&self.seconds)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<'g> TravelTimes<'g> {
    /// Where the start joined the network.
    pub fn snap(&self) -> &Snap {
        &self.snap
    }

    /// The mode searched.
    pub fn mode(&self) -> TravelMode {
        self.mg.mode
    }

    /// The budget searched, seconds.
    pub fn max_seconds(&self) -> f64 {
        self.max_s
    }

    /// The nodes reached within the budget, in increasing time.
    pub fn nodes(&self) -> impl Iterator<Item = NodeTime> + '_ {
        self.settled
            .iter()
            .map(move |&n| self.node_time(n))
            .filter(move |n| n.seconds <= self.max_s)
    }

    pub(crate) fn node_time(&self, n: u32) -> NodeTime {
        NodeTime {
            osm_id: self.graph.node_ids[n as usize],
            coord: self.graph.nodes[n as usize],
            seconds: self.dist[n as usize],
        }
    }

    /// Travel time to (or from, for [`TravelDirection::ToStart`]) any point, in seconds: the
    /// point snaps to the nearest usable edge (at most
    /// [`DEFAULT_MAX_SNAP_M`](super::DEFAULT_MAX_SNAP_M)) and the time runs to the snapped
    /// point. `None` when it is not reached within the budget.
    ///
    /// # Errors
    /// Snapping errors, as [`RoadGraph::snap`].
    pub fn seconds_to(&self, lon: f64, lat: f64) -> Result<Option<f64>, TravelError> {
        let target = self
            .graph
            .snap_in(self.mg, lon, lat, super::DEFAULT_MAX_SNAP_M)?;
        Ok(self.time_on_edge(&target).filter(|&t| t <= self.max_s))
    }

    /// Speeds along an edge in search order, m/s: `[a→b, b→a]` as the search walks them (the
    /// reverse of travel for [`TravelDirection::ToStart`]).
    pub(crate) fn search_speeds(&self, edge: u32) -> [f64; 2] {
        let [ab, ba] = self.mg.speed[edge as usize];
        match self.direction {
            TravelDirection::FromStart => [ab, ba],
            TravelDirection::ToStart => [ba, ab],
        }
    }

    /// The search's start nodes: the snapped edge's ends with their partial times.
    fn sources(&self) -> Vec<(u32, f64)> {
        let e = &self.graph.edges[self.snap.edge as usize];
        let [v_ab, v_ba] = self.search_speeds(self.snap.edge);
        let s = self.snap.offset_m;
        // A start on a node reaches it at once, whatever the edge's direction.
        [(e.b, secs(e.length_m - s, v_ab)), (e.a, secs(s, v_ba))]
            .into_iter()
            .filter(|(_, t)| t.is_finite())
            .collect()
    }

    /// Time between the start and a point of its own edge, along that edge only.
    fn along_start_edge(&self, target: &Snap) -> Option<f64> {
        if target.edge != self.snap.edge {
            return None;
        }
        let [v_ab, v_ba] = self.search_speeds(target.edge);
        let d = target.offset_m - self.snap.offset_m;
        let t = if d >= 0.0 {
            secs(d, v_ab)
        } else {
            secs(-d, v_ba)
        };
        t.is_finite().then_some(t)
    }

    /// Best time to a snapped point from the node times (and along the start edge).
    fn time_on_edge(&self, target: &Snap) -> Option<f64> {
        let e = &self.graph.edges[target.edge as usize];
        let [v_ab, v_ba] = self.search_speeds(target.edge);
        let via_a = self.dist[e.a as usize] + secs(target.offset_m, v_ab);
        let via_b = self.dist[e.b as usize] + secs(e.length_m - target.offset_m, v_ba);
        let best = via_a
            .min(via_b)
            .min(self.along_start_edge(target).unwrap_or(f64::INFINITY));
        best.is_finite().then_some(best)
    }

    /// Dijkstra from `sources`, pruned at the budget; `stop(node, time)` is called as each node
    /// is settled and ends the search when it returns true.
    fn run(&mut self, sources: &[(u32, f64)], mut stop: impl FnMut(u32, f64) -> bool) {
        let n = self.graph.nodes.len();
        self.dist = vec![f64::INFINITY; n];
        let mut heap = BinaryHeap::new();
        for &(node, t) in sources {
            if t <= self.max_s && t < self.dist[node as usize] {
                self.dist[node as usize] = t;
                heap.push(Queued { seconds: t, node });
            }
        }
        let reverse = self.direction == TravelDirection::ToStart;
        while let Some(Queued { seconds, node }) = heap.pop() {
            if seconds > self.dist[node as usize] {
                continue;
            }
            self.settled.push(node);
            if stop(node, seconds) {
                break;
            }
            for adj in self.mg.adjacent(node) {
                let cost = if reverse { adj.in_s } else { adj.out_s };
                let t = seconds + cost;
                if t <= self.max_s && t < self.dist[adj.other as usize] {
                    self.dist[adj.other as usize] = t;
                    heap.push(Queued {
                        seconds: t,
                        node: adj.other,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphs_and_searches_cross_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<RoadGraph>();
        shared::<TravelTimes<'_>>();
        shared::<super::super::Isochrone>();
    }
}
