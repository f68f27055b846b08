//! The routable road graph: OSM ways split at intersections, one adjacency and one snapping index
//! per mode.

use super::profile::way_access;
use super::{TravelError, TravelMode};
use crate::osm::{OsmWay, Selection, TagFilter, read_pbf};
use geo::{Coord, Distance, Haversine, Point};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};
use std::collections::HashMap;
use std::path::Path;

/// Default minimum size, in nodes, of the network component a start may snap to (Valhalla's
/// `minimum_reachability` default).
pub const DEFAULT_MIN_COMPONENT_NODES: usize = 50;

/// An equirectangular plane in metres around a reference point: `x` east, `y` north.
///
/// An affine map of longitude and latitude, so straight lines, validity and orientation carry
/// over exactly both ways. Its scale error at distance `d` north or south of the reference is
/// about `tan(lat0) · d / R` (0.4 % at 25 km from a point at 44°N), which only distorts buffer
/// widths, never where the network lies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LocalPlane {
    lon0: f64,
    lat0: f64,
    kx: f64,
    ky: f64,
}

impl LocalPlane {
    pub(crate) fn new(lon0: f64, lat0: f64) -> Self {
        // Metres per degree of latitude on the haversine sphere.
        let ky = Haversine.radius().to_radians();
        Self {
            lon0,
            lat0,
            kx: ky * lat0.to_radians().cos(),
            ky,
        }
    }

    pub(crate) fn to_local(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: (c.x - self.lon0) * self.kx,
            y: (c.y - self.lat0) * self.ky,
        }
    }

    pub(crate) fn to_wgs84(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: c.x / self.kx + self.lon0,
            y: c.y / self.ky + self.lat0,
        }
    }
}

/// Haversine distance in metres between two WGS-84 coordinates.
pub(crate) fn haversine(a: Coord<f64>, b: Coord<f64>) -> f64 {
    Haversine.distance(Point(a), Point(b))
}

/// A road segment between two graph nodes, with its geometry.
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) a: u32,
    pub(crate) b: u32,
    /// Range of the edge's vertices (both ends included) in [`RoadGraph::shape`].
    pub(crate) shape_start: u32,
    pub(crate) shape_end: u32,
    /// Geodesic (haversine) length, metres.
    pub(crate) length_m: f64,
}

/// One entry of a node's adjacency list in one mode.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Adj {
    /// The node at the other end.
    pub(crate) other: u32,
    /// Edge index; the top bit set when leaving this node goes from the edge's `b` to its `a`.
    edge_dir: u32,
    /// Seconds to travel the whole edge away from this node (`INFINITY`: not allowed).
    pub(crate) out_s: f64,
    /// Seconds to travel the whole edge towards this node.
    pub(crate) in_s: f64,
}

const DIR_BIT: u32 = 1 << 31;

impl Adj {
    pub(crate) fn edge(&self) -> u32 {
        self.edge_dir & !DIR_BIT
    }

    /// Whether leaving this node along the edge goes from its `a` to its `b`.
    pub(crate) fn a_to_b(&self) -> bool {
        self.edge_dir & DIR_BIT == 0
    }
}

/// A road segment in the snapping index: its vertices in the graph's plane; data = index of its
/// first vertex in [`RoadGraph::shape`].
pub(crate) type SnapSegment = GeomWithData<Line<[f64; 2]>, u32>;

/// The graph of one mode.
#[derive(Debug)]
pub(crate) struct ModeGraph {
    pub(crate) mode: TravelMode,
    /// Speed along each edge from `a` to `b` and from `b` to `a`, m/s (0: not allowed).
    pub(crate) speed: Vec<[f64; 2]>,
    pub(crate) adj_start: Vec<u32>,
    pub(crate) adj: Vec<Adj>,
    pub(crate) tree: RTree<SnapSegment>,
    /// Weakly connected component of each node (`u32::MAX`: the mode uses no edge there).
    pub(crate) component: Vec<u32>,
    pub(crate) component_nodes: Vec<u32>,
    /// Nodes of a component a start may snap to, at least.
    pub(crate) min_snap_component: u32,
    pub(crate) edges: usize,
}

impl ModeGraph {
    pub(crate) fn adjacent(&self, node: u32) -> &[Adj] {
        let n = node as usize;
        &self.adj[self.adj_start[n] as usize..self.adj_start[n + 1] as usize]
    }

    /// Whether a start may snap to `edge`: the mode uses it and it lies in a large enough component.
    pub(crate) fn snappable(&self, graph: &RoadGraph, edge: u32) -> bool {
        let [ab, ba] = self.speed[edge as usize];
        if ab <= 0.0 && ba <= 0.0 {
            return false;
        }
        let c = self.component[graph.edges[edge as usize].a as usize];
        c != u32::MAX && self.component_nodes[c as usize] >= self.min_snap_component
    }
}

/// Counts describing a built graph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphStats {
    /// `highway=*` ways read.
    pub ways_read: usize,
    /// Ways at least one requested mode may use.
    pub ways_used: usize,
    /// Way vertices missing from the extract (the way is split there).
    pub missing_nodes: usize,
    /// Graph nodes (way ends and intersections).
    pub nodes: usize,
    /// Graph edges (way pieces between graph nodes), over all modes.
    pub edges: usize,
}

/// Builds a [`RoadGraph`] with non-default settings.
///
/// # Example
/// ```
/// use catchment::fence::travel::{RoadGraph, TravelMode};
/// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
/// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
/// // Congested city: cars at 70 % of the free-flow table speed.
/// let graph = RoadGraph::builder()
///     .modes(&[TravelMode::Drive])
///     .drive_speed_factor(0.7)
///     .build_pbf(pbf)?;
/// assert!(graph.has_mode(TravelMode::Drive));
/// assert!(!graph.has_mode(TravelMode::Walk));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct RoadGraphBuilder {
    modes: Vec<TravelMode>,
    drive_speed_factor: f64,
    min_component_nodes: usize,
}

impl Default for RoadGraphBuilder {
    fn default() -> Self {
        Self {
            modes: vec![TravelMode::Walk, TravelMode::Bike, TravelMode::Drive],
            drive_speed_factor: 1.0,
            min_component_nodes: DEFAULT_MIN_COMPONENT_NODES,
        }
    }
}

impl RoadGraphBuilder {
    /// The modes to build (default: walk, bike and drive).
    pub fn modes(mut self, modes: &[TravelMode]) -> Self {
        self.modes = modes.to_vec();
        self
    }

    /// Multiplies every drive speed (default 1: the free-flow table
    /// [`DRIVE_SPEEDS_KMH`](super::DRIVE_SPEEDS_KMH)); e.g. 0.6–0.8 for peak-hour city traffic.
    pub fn drive_speed_factor(mut self, factor: f64) -> Self {
        self.drive_speed_factor = factor;
        self
    }

    /// Starts snap only to network components of at least this many nodes (default
    /// [`DEFAULT_MIN_COMPONENT_NODES`]; the largest component always qualifies), so a start next
    /// to an isolated fragment (a private driveway, a way cut by the extract's border) snaps to
    /// the real network instead.
    pub fn min_component_nodes(mut self, nodes: usize) -> Self {
        self.min_component_nodes = nodes;
        self
    }

    /// Reads the `highway=*` ways of an `.osm.pbf` file and builds the graph.
    ///
    /// # Errors
    /// [`TravelError::Osm`] when the file cannot be read; [`TravelError::InvalidParameter`] for
    /// a speed factor that is not positive and finite.
    ///
    /// # Performance
    /// One selective read of the file (three passes, see [`read_pbf`]) plus linear work in the
    /// number of way vertices; the Monaco extract builds in tens of milliseconds.
    pub fn build_pbf(self, path: impl AsRef<Path>) -> Result<RoadGraph, TravelError> {
        let data = read_pbf(path, &Selection::new().ways(TagFilter::has_key("highway")))?;
        self.build_ways(&data.ways)
    }

    /// Builds the graph from ways with resolved coordinates (what [`read_pbf`] returns): for
    /// hand-made networks and for callers that already read the file.
    ///
    /// # Errors
    /// [`TravelError::InvalidParameter`] for a speed factor that is not positive and finite.
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelMode};
    /// use catchment::osm::{OsmWay, Tags};
    /// use geo::coord;
    /// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
    /// let way = OsmWay {
    ///     id: 1,
    ///     tags: Tags::from_pairs([("highway", "residential"), ("oneway", "yes")]),
    ///     node_ids: vec![1, 2],
    ///     coords: vec![Some(coord! { x: 7.420, y: 43.73 }), Some(coord! { x: 7.421, y: 43.73 })],
    /// };
    /// let graph = RoadGraph::builder().min_component_nodes(1).build_ways(&[way])?;
    /// assert_eq!(graph.stats().edges, 1);
    /// // Cars only go east: from the east end, nothing is reachable by car.
    /// let t = graph.travel_time((7.4201, 43.73), (7.4209, 43.73), TravelMode::Drive)?;
    /// assert!(t.is_some());
    /// assert!(graph.travel_time((7.4209, 43.73), (7.4201, 43.73), TravelMode::Drive)?.is_none());
    /// # Ok(()) }
    /// ```
    pub fn build_ways(self, ways: &[OsmWay]) -> Result<RoadGraph, TravelError> {
        if !(self.drive_speed_factor.is_finite() && self.drive_speed_factor > 0.0) {
            return Err(TravelError::InvalidParameter {
                name: "drive_speed_factor",
                message: format!("must be positive, got {}", self.drive_speed_factor),
            });
        }
        let mut modes = self.modes.clone();
        modes.sort_by_key(|m| *m as u8);
        modes.dedup();
        Ok(build(
            ways,
            &modes,
            self.drive_speed_factor,
            self.min_component_nodes,
        ))
    }
}

/// A routable road network for walk, bike and/or drive, built once and shared by every search.
///
/// Ways are split into edges at every node shared with another way (and at their ends), so
/// every intersection is a graph node. Edge lengths are haversine sums over the way's vertices
/// (mean Earth radius 6,371,008.8 m; under 0.5 % from the ellipsoid, well inside what speeds
/// mean). Each mode has its own adjacency with per-direction travel times
/// ([`way_access`](super::way_access)) and an R-tree of its usable segments for snapping.
///
/// # Example
/// ```
/// use catchment::fence::travel::{RoadGraph, TravelMode};
/// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
/// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
/// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Walk, TravelMode::Drive])?;
/// let bands = graph.isochrone(7.4256, 43.7408, TravelMode::Walk, &[5.0, 10.0])?;
/// assert!(bands[0].area_km2 < bands[1].area_km2);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct RoadGraph {
    /// Graph node positions (WGS-84).
    pub(crate) nodes: Vec<Coord<f64>>,
    pub(crate) node_ids: Vec<i64>,
    pub(crate) edges: Vec<Edge>,
    /// Vertices of every edge, edge after edge.
    pub(crate) shape: Vec<Coord<f64>>,
    pub(crate) plane: LocalPlane,
    pub(crate) modes: Vec<ModeGraph>,
    stats: GraphStats,
}

impl RoadGraph {
    /// A builder for non-default settings.
    pub fn builder() -> RoadGraphBuilder {
        RoadGraphBuilder::default()
    }

    /// Reads the `highway=*` ways of an `.osm.pbf` file and builds the graph for `modes`.
    ///
    /// # Errors
    /// [`TravelError::Osm`] when the file cannot be read.
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelMode};
    /// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
    /// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
    /// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Drive])?;
    /// assert!(graph.stats().edges > 1000);
    /// # Ok(()) }
    /// ```
    pub fn from_pbf(path: impl AsRef<Path>, modes: &[TravelMode]) -> Result<Self, TravelError> {
        RoadGraphBuilder::default().modes(modes).build_pbf(path)
    }

    /// Builds the graph for `modes` from ways with resolved coordinates; see
    /// [`RoadGraphBuilder::build_ways`].
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelMode};
    /// let graph = RoadGraph::from_ways(&[], &[TravelMode::Walk]);
    /// assert_eq!(graph.stats().nodes, 0);
    /// ```
    pub fn from_ways(ways: &[OsmWay], modes: &[TravelMode]) -> Self {
        let mut modes = modes.to_vec();
        modes.sort_by_key(|m| *m as u8);
        modes.dedup();
        build(ways, &modes, 1.0, DEFAULT_MIN_COMPONENT_NODES)
    }

    /// What the graph holds.
    pub fn stats(&self) -> &GraphStats {
        &self.stats
    }

    /// Whether the graph was built for `mode`.
    pub fn has_mode(&self, mode: TravelMode) -> bool {
        self.modes.iter().any(|m| m.mode == mode)
    }

    /// Number of edges `mode` may use (in at least one direction).
    ///
    /// # Example
    /// ```
    /// use catchment::fence::travel::{RoadGraph, TravelMode};
    /// # fn main() -> Result<(), catchment::fence::travel::TravelError> {
    /// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
    /// let graph = RoadGraph::from_pbf(pbf, &[TravelMode::Walk, TravelMode::Drive])?;
    /// assert!(graph.mode_edges(TravelMode::Walk) > graph.mode_edges(TravelMode::Drive));
    /// assert_eq!(graph.mode_edges(TravelMode::Bike), 0);
    /// # Ok(()) }
    /// ```
    pub fn mode_edges(&self, mode: TravelMode) -> usize {
        self.mode(mode).map_or(0, |m| m.edges)
    }

    pub(crate) fn mode(&self, mode: TravelMode) -> Result<&ModeGraph, TravelError> {
        self.modes
            .iter()
            .find(|m| m.mode == mode)
            .ok_or(TravelError::ModeNotBuilt {
                mode: mode.as_str(),
            })
    }

    pub(crate) fn edge_shape(&self, edge: u32) -> &[Coord<f64>] {
        let e = &self.edges[edge as usize];
        &self.shape[e.shape_start as usize..e.shape_end as usize]
    }

    /// The edge a shape vertex (the first of a segment) belongs to.
    pub(crate) fn edge_of_shape_index(&self, index: u32) -> u32 {
        // Edges are stored in shape order.
        let i = self.edges.partition_point(|e| e.shape_end <= index);
        i as u32
    }
}

fn build(
    ways: &[OsmWay],
    modes: &[TravelMode],
    drive_factor: f64,
    min_component: usize,
) -> RoadGraph {
    let mut stats = GraphStats::default();
    // Access of each usable way for each mode.
    let mut used: Vec<(&OsmWay, Vec<Option<[f64; 2]>>)> = Vec::new();
    for way in ways {
        if !way.tags.contains_key("highway") {
            continue;
        }
        stats.ways_read += 1;
        let speeds: Vec<Option<[f64; 2]>> = modes
            .iter()
            .map(|&mode| {
                way_access(&way.tags, mode).map(|a| {
                    let factor = if mode == TravelMode::Drive {
                        drive_factor
                    } else {
                        1.0
                    };
                    let mps = a.speed_kmh * factor / 3.6;
                    [
                        if a.forward { mps } else { 0.0 },
                        if a.backward { mps } else { 0.0 },
                    ]
                })
            })
            .collect();
        if speeds.iter().any(Option::is_some) {
            used.push((way, speeds));
        }
    }
    stats.ways_used = used.len();

    // A node shared by two ways (or visited twice by one) is an intersection.
    let mut uses: HashMap<i64, u32> = HashMap::new();
    for (way, _) in &used {
        for (i, id) in way.node_ids.iter().enumerate() {
            if i > 0 && way.node_ids[i - 1] == *id {
                continue;
            }
            *uses.entry(*id).or_insert(0) += 1;
        }
    }

    let mut node_index: HashMap<i64, u32> = HashMap::new();
    let mut nodes = Vec::new();
    let mut node_ids = Vec::new();
    let mut edges = Vec::new();
    let mut shape: Vec<Coord<f64>> = Vec::new();
    let mut edge_speeds: Vec<Vec<[f64; 2]>> = vec![Vec::new(); modes.len()];
    let mut vertex =
        |id: i64, c: Coord<f64>, nodes: &mut Vec<Coord<f64>>, node_ids: &mut Vec<i64>| {
            *node_index.entry(id).or_insert_with(|| {
                nodes.push(c);
                node_ids.push(id);
                (nodes.len() - 1) as u32
            })
        };
    for (way, speeds) in &used {
        let mut run: Vec<(i64, Coord<f64>)> = Vec::new();
        let mut emit =
            |run: &[(i64, Coord<f64>)], nodes: &mut Vec<Coord<f64>>, node_ids: &mut Vec<i64>| {
                if run.len() < 2 {
                    return;
                }
                let (ida, ca) = run[0];
                let (idb, cb) = run[run.len() - 1];
                let a = vertex(ida, ca, nodes, node_ids);
                let b = vertex(idb, cb, nodes, node_ids);
                let start = shape.len() as u32;
                shape.extend(run.iter().map(|(_, c)| *c));
                let length_m = run.windows(2).map(|w| haversine(w[0].1, w[1].1)).sum();
                edges.push(Edge {
                    a,
                    b,
                    shape_start: start,
                    shape_end: shape.len() as u32,
                    length_m,
                });
                for (m, s) in speeds.iter().enumerate() {
                    edge_speeds[m].push(s.unwrap_or([0.0, 0.0]));
                }
            };
        for (i, (&id, c)) in way.node_ids.iter().zip(&way.coords).enumerate() {
            if i > 0 && way.node_ids[i - 1] == id {
                continue;
            }
            match c {
                None => {
                    stats.missing_nodes += 1;
                    emit(&run, &mut nodes, &mut node_ids);
                    run.clear();
                }
                Some(c) => {
                    run.push((id, *c));
                    if run.len() >= 2 && uses.get(&id).copied().unwrap_or(0) >= 2 {
                        emit(&run, &mut nodes, &mut node_ids);
                        run.clear();
                        run.push((id, *c));
                    }
                }
            }
        }
        emit(&run, &mut nodes, &mut node_ids);
    }
    stats.nodes = nodes.len();
    stats.edges = edges.len();

    let plane = plane_for(&nodes);
    let mode_graphs = modes
        .iter()
        .zip(edge_speeds)
        .map(|(&mode, speed)| {
            mode_graph(mode, speed, &nodes, &edges, &shape, &plane, min_component)
        })
        .collect();
    RoadGraph {
        nodes,
        node_ids,
        edges,
        shape,
        plane,
        modes: mode_graphs,
        stats,
    }
}

/// The plane of the snapping index: centred on the bounding box of the nodes.
fn plane_for(nodes: &[Coord<f64>]) -> LocalPlane {
    if nodes.is_empty() {
        return LocalPlane::new(0.0, 0.0);
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for c in nodes {
        x0 = x0.min(c.x);
        y0 = y0.min(c.y);
        x1 = x1.max(c.x);
        y1 = y1.max(c.y);
    }
    LocalPlane::new((x0 + x1) / 2.0, (y0 + y1) / 2.0)
}

fn mode_graph(
    mode: TravelMode,
    speed: Vec<[f64; 2]>,
    nodes: &[Coord<f64>],
    edges: &[Edge],
    shape: &[Coord<f64>],
    plane: &LocalPlane,
    min_component: usize,
) -> ModeGraph {
    let n = nodes.len();
    let usable = |e: usize| speed[e][0] > 0.0 || speed[e][1] > 0.0;
    let secs = |len: f64, v: f64| if v > 0.0 { len / v } else { f64::INFINITY };

    // Adjacency (CSR): every usable edge appears at both ends.
    let mut degree = vec![0u32; n + 1];
    let mut used_edges = 0;
    for (i, e) in edges.iter().enumerate() {
        if usable(i) {
            used_edges += 1;
            degree[e.a as usize] += 1;
            degree[e.b as usize] += 1;
        }
    }
    let mut adj_start = vec![0u32; n + 1];
    for i in 0..n {
        adj_start[i + 1] = adj_start[i] + degree[i];
    }
    let mut fill = adj_start.clone();
    let mut adj = vec![
        Adj {
            other: 0,
            edge_dir: 0,
            out_s: 0.0,
            in_s: 0.0,
        };
        adj_start[n] as usize
    ];
    for (i, e) in edges.iter().enumerate() {
        if !usable(i) {
            continue;
        }
        let [ab, ba] = speed[i];
        let (tab, tba) = (secs(e.length_m, ab), secs(e.length_m, ba));
        let slot = fill[e.a as usize] as usize;
        fill[e.a as usize] += 1;
        adj[slot] = Adj {
            other: e.b,
            edge_dir: i as u32,
            out_s: tab,
            in_s: tba,
        };
        let slot = fill[e.b as usize] as usize;
        fill[e.b as usize] += 1;
        adj[slot] = Adj {
            other: e.a,
            edge_dir: i as u32 | DIR_BIT,
            out_s: tba,
            in_s: tab,
        };
    }

    // Weakly connected components (union-find).
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let p = parent[parent[x as usize] as usize];
            parent[x as usize] = p;
            x = p;
        }
        x
    }
    for (i, e) in edges.iter().enumerate() {
        if usable(i) {
            let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
            if ra != rb {
                parent[ra.max(rb) as usize] = ra.min(rb);
            }
        }
    }
    let mut component = vec![u32::MAX; n];
    let mut component_nodes: Vec<u32> = Vec::new();
    let mut label: HashMap<u32, u32> = HashMap::new();
    for v in 0..n {
        if degree[v] == 0 {
            continue;
        }
        let r = find(&mut parent, v as u32);
        let next = label.len() as u32;
        let c = *label.entry(r).or_insert(next);
        if c as usize == component_nodes.len() {
            component_nodes.push(0);
        }
        component[v] = c;
        component_nodes[c as usize] += 1;
    }
    let largest = component_nodes.iter().copied().max().unwrap_or(0);
    let min_snap_component = (min_component as u32).min(largest).max(1);

    let segments: Vec<SnapSegment> = edges
        .iter()
        .enumerate()
        .filter(|(i, _)| usable(*i))
        .flat_map(|(_, e)| e.shape_start..e.shape_end - 1)
        .map(|s| {
            let p = plane.to_local(shape[s as usize]);
            let q = plane.to_local(shape[s as usize + 1]);
            GeomWithData::new(Line::new([p.x, p.y], [q.x, q.y]), s)
        })
        .collect();

    ModeGraph {
        mode,
        speed,
        adj_start,
        adj,
        tree: RTree::bulk_load(segments),
        component,
        component_nodes,
        min_snap_component,
        edges: used_edges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::Tags;

    fn way(id: i64, tags: &[(&str, &str)], nodes: &[(i64, Option<(f64, f64)>)]) -> OsmWay {
        OsmWay {
            id,
            tags: Tags::from_pairs(tags.iter().copied()),
            node_ids: nodes.iter().map(|n| n.0).collect(),
            coords: nodes
                .iter()
                .map(|n| n.1.map(|(x, y)| Coord { x, y }))
                .collect(),
        }
    }

    const RES: &[(&str, &str)] = &[("highway", "residential")];

    #[test]
    fn ways_split_at_shared_nodes() {
        // A cross: 1-2-3 and 4-2-5 share node 2; a footway hangs off node 5.
        let c = |i: i64| Some((7.40 + 0.001 * i as f64, 43.70 + 0.0005 * (i % 2) as f64));
        let ways = [
            way(1, RES, &[(1, c(1)), (2, c(2)), (3, c(3))]),
            way(2, RES, &[(4, c(4)), (2, c(2)), (5, c(5))]),
            way(
                3,
                &[("highway", "footway")],
                &[(5, c(5)), (6, c(6)), (7, c(7))],
            ),
            way(4, &[("building", "yes")], &[(8, c(8)), (9, c(9))]),
        ];
        let g = RoadGraph::from_ways(&ways, &[TravelMode::Walk, TravelMode::Drive]);
        assert_eq!(g.stats().ways_read, 3);
        assert_eq!(g.stats().edges, 5);
        // Way ends and the crossing; node 6 is an inner vertex of the footway.
        assert_eq!(g.stats().nodes, 6);
        assert!(!g.node_ids.contains(&6));
        assert_eq!(g.mode_edges(TravelMode::Walk), 5);
        assert_eq!(g.mode_edges(TravelMode::Drive), 4);
        let total: f64 = g.edges.iter().map(|e| e.length_m).sum();
        let want: f64 = ways[..3]
            .iter()
            .map(|w| {
                w.coords
                    .windows(2)
                    .map(|p| haversine(p[0].unwrap(), p[1].unwrap()))
                    .sum::<f64>()
            })
            .sum();
        assert!((total - want).abs() < 1e-9);
        // Every edge's shape starts and ends at its nodes.
        for (i, e) in g.edges.iter().enumerate() {
            let s = g.edge_shape(i as u32);
            assert_eq!(s[0], g.nodes[e.a as usize]);
            assert_eq!(*s.last().unwrap(), g.nodes[e.b as usize]);
            assert_eq!(g.edge_of_shape_index(e.shape_start), i as u32);
            assert_eq!(g.edge_of_shape_index(e.shape_end - 2), i as u32);
        }
    }

    #[test]
    fn missing_vertices_and_loops() {
        let c = |i: i64| Some((7.40 + 0.001 * i as f64, 43.70));
        // 1-2-?-4-5: the gap splits the way; a loop 10-11-12-10 touches nothing.
        let ways = [
            way(
                1,
                RES,
                &[(1, c(1)), (2, c(2)), (3, None), (4, c(4)), (5, c(5))],
            ),
            way(
                2,
                RES,
                &[
                    (10, c(10)),
                    (11, Some((7.411, 43.701))),
                    (12, c(12)),
                    (10, c(10)),
                ],
            ),
            // A repeated node (bad data) is skipped, not an edge.
            way(3, RES, &[(20, c(20)), (20, c(20)), (21, c(21))]),
        ];
        let g = RoadGraph::from_ways(&ways, &[TravelMode::Drive]);
        assert_eq!(g.stats().missing_nodes, 1);
        // 1-2, 4-5, the loop 10…10, 20-21.
        assert_eq!(g.stats().edges, 4);
        let lp = g.edges.iter().find(|e| e.a == e.b).expect("loop edge");
        assert_eq!(lp.shape_end - lp.shape_start, 4);
        let mg = g.mode(TravelMode::Drive).unwrap();
        // Four components: 1-2, 4-5, the loop, 20-21.
        assert_eq!(mg.component_nodes.len(), 4);
        assert_eq!(mg.adjacent(lp.a).len(), 2);
    }

    #[test]
    fn local_plane_round_trips() {
        let p = LocalPlane::new(7.42, 43.73);
        let c = Coord { x: 7.43, y: 43.74 };
        let l = p.to_local(c);
        assert!((haversine(Coord { x: 7.42, y: 43.73 }, c) - l.x.hypot(l.y)).abs() < 0.5);
        let back = p.to_wgs84(l);
        assert!((back.x - c.x).abs() < 1e-12 && (back.y - c.y).abs() < 1e-12);
    }

    #[test]
    fn bad_speed_factor_is_an_error() {
        let r = RoadGraph::builder().drive_speed_factor(0.0).build_ways(&[]);
        assert!(matches!(r, Err(TravelError::InvalidParameter { .. })));
    }
}
