//! Multipolygon assembly: member ways of a `type=multipolygon` or `type=boundary` relation joined
//! end to end into rings, holes nested in their outers, oriented (RFC 7946) and validated.

use super::reader::{MemberKind, OsmData, OsmRelation};
use geo::coordinate_position::CoordPos;
use geo::orient::Direction;
use geo::{
    Area, Coord, CoordinatePosition, LineString, MakeValid, MultiPolygon, Orient, Polygon,
    Validation,
};
use std::collections::HashMap;
use std::fmt;

/// Metres per degree of latitude (mean), for local distances.
const M_PER_DEG: f64 = 111_195.0;
/// Ends closer than this are the same point, whatever their node ids.
const COINCIDENT_M: f64 = 0.01;

/// The role of a ring or member way in a multipolygon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RingRole {
    /// An exterior ring (`outer`).
    Outer,
    /// A hole (`inner`).
    Inner,
    /// No or another role (decided by geometry).
    Unknown,
}

impl RingRole {
    /// The role of an OSM member role string (`outer`, `inner`, anything else).
    pub fn from_osm(role: &str) -> Self {
        match role {
            "outer" => Self::Outer,
            "inner" => Self::Inner,
            _ => Self::Unknown,
        }
    }
}

/// A member way with resolved coordinates: the input of ring assembly.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// The way id.
    pub way_id: i64,
    /// The member role.
    pub role: RingRole,
    /// Vertex node ids (used to join segments).
    pub node_ids: Vec<i64>,
    /// Vertex coordinates, parallel to `node_ids`.
    pub coords: Vec<Coord<f64>>,
}

/// A chain of joined segments: a closed ring, or an open chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    /// Vertex node ids; `0` for vertices added by gap closing.
    pub node_ids: Vec<i64>,
    /// Vertex coordinates; closed rings repeat the first vertex at the end.
    pub coords: Vec<Coord<f64>>,
    /// Member ways in the chain.
    pub way_ids: Vec<i64>,
    /// The role of its ways (`Unknown` when mixed or unset).
    pub role: RingRole,
}

impl Ring {
    /// Whether the chain is closed (first vertex = last vertex, at least 4 vertices).
    pub fn is_closed(&self) -> bool {
        self.coords.len() >= 4 && self.coords.first() == self.coords.last()
    }

    fn start(&self) -> Coord<f64> {
        self.coords[0]
    }

    fn end(&self) -> Coord<f64> {
        self.coords[self.coords.len() - 1]
    }

    /// Appends `other` (whose first vertex equals this chain's last) to this chain.
    fn extend(&mut self, other: Ring) {
        self.node_ids.extend(other.node_ids.into_iter().skip(1));
        self.coords.extend(other.coords.into_iter().skip(1));
        self.way_ids.extend(other.way_ids);
        if self.role != other.role {
            self.role = RingRole::Unknown;
        }
    }
}

/// Something noticed while assembling an area; the area may still be usable.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AreaIssue {
    /// A member way is not in the extract.
    MissingWay {
        /// The way.
        way_id: i64,
    },
    /// A member way has vertices missing from the extract; it was left out.
    MissingNodes {
        /// The way.
        way_id: i64,
        /// How many vertices are missing.
        count: usize,
    },
    /// A chain does not close and could not be closed; it was dropped.
    OpenRing {
        /// Node id at the chain's start.
        start_node: i64,
        /// Node id at the chain's end.
        end_node: i64,
        /// Straight distance between the ends, metres.
        gap_m: f64,
        /// Why it could not be closed.
        why: String,
    },
    /// A chain was closed by following the closing boundary.
    ClosedAlongBoundary {
        /// Node id where the added piece starts (the chain's end).
        from_node: i64,
        /// Node id where it ends (a chain's start).
        to_node: i64,
        /// Length of the added piece, metres.
        length_m: f64,
        /// Vertices taken from the boundary.
        vertices: usize,
    },
    /// A chain was closed by a straight segment.
    ClosedByChord {
        /// Node id at one end.
        from_node: i64,
        /// Node id at the other end.
        to_node: i64,
        /// Chord length, metres.
        length_m: f64,
    },
    /// Ring nesting disagrees with the member roles.
    RoleMismatch {
        /// Ways of the ring.
        way_ids: Vec<i64>,
        /// Role given by the relation.
        tagged: RingRole,
        /// Role the geometry implies.
        found: RingRole,
    },
    /// The assembled geometry was invalid and was repaired.
    Repaired {
        /// The first validation error before repair.
        reason: String,
    },
    /// The assembled geometry is invalid and could not be repaired; the area was rejected.
    Invalid {
        /// The validation error.
        reason: String,
    },
    /// No ring could be built.
    Empty,
}

impl AreaIssue {
    /// Whether the issue made the area unusable or incomplete (as opposed to a note).
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            Self::OpenRing { .. } | Self::Invalid { .. } | Self::Empty
        )
    }
}

impl fmt::Display for AreaIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingWay { way_id } => write!(f, "member way {way_id} is not in the extract"),
            Self::MissingNodes { way_id, count } => {
                write!(
                    f,
                    "member way {way_id} has {count} vertices missing from the extract"
                )
            }
            Self::OpenRing {
                start_node,
                end_node,
                gap_m,
                why,
            } => write!(
                f,
                "ring does not close: node {end_node} does not reach node {start_node} \
                 ({gap_m:.0} m apart): {why}"
            ),
            Self::ClosedAlongBoundary {
                from_node,
                to_node,
                length_m,
                vertices,
            } => write!(
                f,
                "gap from node {from_node} to node {to_node} closed along the boundary \
                 ({length_m:.0} m, {vertices} boundary vertices)"
            ),
            Self::ClosedByChord {
                from_node,
                to_node,
                length_m,
            } => write!(
                f,
                "gap from node {from_node} to node {to_node} closed by a {length_m:.0} m chord"
            ),
            Self::RoleMismatch {
                way_ids,
                tagged,
                found,
            } => {
                write!(
                    f,
                    "ring of ways {way_ids:?} is tagged {tagged:?} but is {found:?} by nesting"
                )
            }
            Self::Repaired { reason } => write!(f, "invalid geometry repaired ({reason})"),
            Self::Invalid { reason } => write!(f, "invalid geometry rejected ({reason})"),
            Self::Empty => f.write_str("no ring could be built"),
        }
    }
}

/// The result of assembling one relation.
#[derive(Debug, Clone, PartialEq)]
pub struct AssembledArea {
    /// The relation (or way) id.
    pub id: i64,
    /// The polygons: valid, exteriors CCW, holes CW. Empty when nothing could be built.
    pub geometry: MultiPolygon<f64>,
    /// What was noticed, in order.
    pub issues: Vec<AreaIssue>,
}

impl AssembledArea {
    /// Whether a usable geometry came out (possibly with notes such as closed gaps).
    pub fn is_ok(&self) -> bool {
        !self.geometry.0.is_empty()
            && !self
                .issues
                .iter()
                .any(|i| matches!(i, AreaIssue::Invalid { .. }))
    }
}

/// Joins segments at shared node ids into closed rings and open chains.
///
/// Returns `(rings, open_chains)`. Closed rings that pass a node twice are split there.
///
/// # Example
/// ```
/// use catchment::osm::{join_segments, RingRole, Segment};
/// use geo::coord;
///
/// let c = |x: f64, y: f64| coord! { x: x, y: y };
/// // Two halves of a square; the second is drawn backwards.
/// let a = Segment { way_id: 1, role: RingRole::Outer, node_ids: vec![1, 2, 3],
///                   coords: vec![c(0., 0.), c(1., 0.), c(1., 1.)] };
/// let b = Segment { way_id: 2, role: RingRole::Outer, node_ids: vec![1, 4, 3],
///                   coords: vec![c(0., 0.), c(0., 1.), c(1., 1.)] };
/// let (rings, open) = join_segments(&[a, b]);
/// assert_eq!(rings.len(), 1);
/// assert!(open.is_empty());
/// assert_eq!(rings[0].node_ids, vec![1, 2, 3, 4, 1]);
/// ```
pub fn join_segments(segments: &[Segment]) -> (Vec<Ring>, Vec<Ring>) {
    let mut rings = Vec::new();
    let mut pieces: Vec<Option<Ring>> = Vec::new();
    for s in segments {
        if s.node_ids.len() < 2 || s.node_ids.len() != s.coords.len() {
            continue;
        }
        let ring = Ring {
            node_ids: s.node_ids.clone(),
            coords: s.coords.clone(),
            way_ids: vec![s.way_id],
            role: s.role,
        };
        if ring.node_ids.first() == ring.node_ids.last() {
            rings.push(ring);
        } else {
            pieces.push(Some(ring));
        }
    }
    // Endpoint node id → pieces ending there.
    let mut at: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, p) in pieces.iter().enumerate() {
        let p = p.as_ref().expect("fresh");
        at.entry(p.node_ids[0]).or_default().push(i);
        at.entry(*p.node_ids.last().expect("non-empty"))
            .or_default()
            .push(i);
    }
    let mut open = Vec::new();
    for i in 0..pieces.len() {
        let Some(mut chain) = pieces[i].take() else {
            continue;
        };
        // Extend forward, then backward, until closed or stuck.
        for backward in [false, true] {
            if backward {
                reverse(&mut chain);
            }
            loop {
                let first = chain.node_ids[0];
                let last = *chain.node_ids.last().expect("non-empty");
                if first == last {
                    break;
                }
                let next = at
                    .get(&last)
                    .and_then(|cands| cands.iter().copied().find(|&j| pieces[j].is_some()));
                let Some(j) = next else { break };
                let mut piece = pieces[j].take().expect("checked");
                if piece.node_ids[0] != last {
                    reverse(&mut piece);
                }
                chain.extend(piece);
            }
            if chain.node_ids.first() == chain.node_ids.last() {
                break;
            }
        }
        if chain.node_ids.first() == chain.node_ids.last() {
            rings.push(chain);
        } else {
            open.push(chain);
        }
    }
    let rings = rings
        .into_iter()
        .flat_map(split_at_repeats)
        .filter(|r| r.coords.len() >= 4)
        .collect();
    (rings, open)
}

fn reverse(r: &mut Ring) {
    r.node_ids.reverse();
    r.coords.reverse();
    r.way_ids.reverse();
}

/// Splits a closed ring that passes some node twice into simple rings.
fn split_at_repeats(ring: Ring) -> Vec<Ring> {
    let mut out = Vec::new();
    let mut stack_ids: Vec<i64> = Vec::new();
    let mut stack_coords: Vec<Coord<f64>> = Vec::new();
    let mut pos: HashMap<i64, usize> = HashMap::new();
    let n = ring.node_ids.len();
    for k in 0..n {
        let (id, c) = (ring.node_ids[k], ring.coords[k]);
        // Synthetic vertices (id 0) never repeat by id.
        if id != 0
            && let Some(&p) = pos.get(&id)
        {
            let mut ids: Vec<i64> = stack_ids.drain(p..).collect();
            let mut coords: Vec<Coord<f64>> = stack_coords.drain(p..).collect();
            for removed in &ids {
                pos.remove(removed);
            }
            ids.push(id);
            coords.push(c);
            out.push(Ring {
                node_ids: ids,
                coords,
                way_ids: ring.way_ids.clone(),
                role: ring.role,
            });
        }
        if k + 1 < n {
            pos.insert(id, stack_ids.len());
            stack_ids.push(id);
            stack_coords.push(c);
        }
    }
    if out.is_empty() {
        return vec![ring];
    }
    out
}

/// Assembles multipolygon and boundary relations into valid, oriented polygons.
///
/// # Algorithm
/// 1. **Join.** Member ways whose vertices all resolved become segments; segments are chained at
///    shared node ids (reversed where needed) until a chain returns to its first node. A closed
///    chain that passes a node twice (rings touching at a point) is split there into simple rings.
/// 2. **Close gaps** (optional). Chains left open have dangling ends. With
///    [`MultipolygonBuilder::close_along`], an end and a start lying on a known boundary (within
///    the tolerance) are joined by following that boundary: of the two ways round it, the shorter
///    one that yields a valid ring is taken. With [`MultipolygonBuilder::close_by_chord`], ends
///    closer than a maximum are joined by a straight segment. Ends that coincide (< 1 cm) always
///    join. Every closure is reported as an [`AreaIssue`]; chains that cannot be closed are
///    reported ([`AreaIssue::OpenRing`]) and dropped.
/// 3. **Nest.** Rings are sorted by area; each ring's parent is the smallest larger ring that
///    contains it. Depth 0, 2, … are exteriors, depth 1, 3, … holes of their parent, whatever the
///    member roles say (disagreements are reported as [`AreaIssue::RoleMismatch`]).
/// 4. **Orient and validate.** Exteriors counter-clockwise, holes clockwise; the result is checked
///    with geo's [`Validation`]; an invalid result is repaired with [`MakeValid`] (reported) or,
///    failing that, rejected.
///
/// A consuming builder: set how gaps may be closed, then [`build`](Self::build) relations.
///
/// # Example
/// ```
/// use catchment::osm::{MultipolygonBuilder, RingRole, Segment};
/// use geo::{coord, Area};
///
/// let c = |x: f64, y: f64| coord! { x: x, y: y };
/// // An L-shaped chain whose closing side is missing, closed by a chord.
/// let open = Segment { way_id: 7, role: RingRole::Outer, node_ids: vec![1, 2, 3],
///                      coords: vec![c(0., 0.), c(0.001, 0.), c(0.001, 0.001)] };
/// let area = MultipolygonBuilder::new().close_by_chord(500.0).build_segments(1, vec![open]);
/// assert!(area.is_ok());
/// assert!(area.geometry.signed_area() > 0.0); // counter-clockwise exterior
/// ```
#[derive(Debug, Clone, Default)]
pub struct MultipolygonBuilder {
    boundary: Vec<LineString<f64>>,
    tolerance_m: f64,
    chord_max_m: Option<f64>,
}

/// Where a point lies along one boundary ring: ring index, segment index, fraction, distance.
#[derive(Debug, Clone, Copy)]
struct RingPos {
    ring: usize,
    seg: usize,
    t: f64,
    dist_m: f64,
}

/// A way to close the gap from chain `i`'s end to chain `j`'s start.
struct Closure {
    along: bool,
    length_m: f64,
    i: usize,
    j: usize,
    vertices: Vec<Coord<f64>>,
}

impl MultipolygonBuilder {
    /// A builder that closes only coincident ends.
    pub fn new() -> Self {
        Self::default()
    }

    /// Closes open chains along the rings of `boundary` (e.g. the country polygon) when both
    /// dangling ends lie within `tolerance_m` of the same boundary ring.
    pub fn close_along(mut self, boundary: &MultiPolygon<f64>, tolerance_m: f64) -> Self {
        self.boundary = boundary
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .filter(|r| r.0.len() >= 4)
            .cloned()
            .collect();
        self.tolerance_m = tolerance_m;
        self
    }

    /// Closes remaining open chains by a straight segment between ends at most `max_m` apart.
    pub fn close_by_chord(mut self, max_m: f64) -> Self {
        self.chord_max_m = Some(max_m);
        self
    }

    /// Assembles `relation`'s member ways (read into `data`).
    ///
    /// # Example
    /// ```
    /// use catchment::osm::{read_pbf, MultipolygonBuilder, Selection, TagFilter};
    /// # fn main() -> Result<(), catchment::osm::OsmError> {
    /// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
    /// let sel = Selection::new().relations(TagFilter::key_value("name", "Fontvieille"));
    /// let data = read_pbf(pbf, &sel)?;
    /// let area = MultipolygonBuilder::new().build(&data.relations[0], &data);
    /// assert!(area.is_ok() && area.issues.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn build(&self, relation: &OsmRelation, data: &OsmData) -> AssembledArea {
        let mut issues = Vec::new();
        let mut segments = Vec::new();
        for m in relation
            .members
            .iter()
            .filter(|m| m.kind == MemberKind::Way)
        {
            let Some(way) = data.way(m.id) else {
                issues.push(AreaIssue::MissingWay { way_id: m.id });
                continue;
            };
            match way.line_string() {
                Some(ls) => segments.push(Segment {
                    way_id: way.id,
                    role: RingRole::from_osm(&m.role),
                    node_ids: way.node_ids.clone(),
                    coords: ls.0,
                }),
                None => issues.push(AreaIssue::MissingNodes {
                    way_id: way.id,
                    count: way.missing_nodes(),
                }),
            }
        }
        let mut area = self.build_segments(relation.id, segments);
        issues.append(&mut area.issues);
        area.issues = issues;
        area
    }

    /// Assembles hand-made or pre-filtered segments into the area `id`.
    pub fn build_segments(&self, id: i64, segments: Vec<Segment>) -> AssembledArea {
        let mut issues = Vec::new();
        let (mut rings, open) = join_segments(&segments);
        rings.extend(self.close_gaps(open, &mut issues));
        let geometry = nest(rings, &mut issues);
        let geometry = if geometry.0.is_empty() {
            issues.push(AreaIssue::Empty);
            geometry
        } else {
            validate(geometry, &mut issues)
        };
        AssembledArea {
            id,
            geometry,
            issues,
        }
    }

    fn close_gaps(&self, mut open: Vec<Ring>, issues: &mut Vec<AreaIssue>) -> Vec<Ring> {
        let mut closed = Vec::new();
        while !open.is_empty() {
            let mut cands = self.closures(&open);
            cands.sort_by(|a, b| {
                (!a.along, a.length_m)
                    .partial_cmp(&(!b.along, b.length_m))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            let mut accepted = false;
            for c in cands {
                let (i, j) = (c.i, c.j);
                let from_node = *open[i].node_ids.last().expect("non-empty");
                let to_node = open[j].node_ids[0];
                let mut chain = open[i].clone();
                let bridge = Ring {
                    node_ids: std::iter::once(from_node)
                        .chain(c.vertices.iter().map(|_| 0))
                        .chain(std::iter::once(to_node))
                        .collect(),
                    coords: std::iter::once(chain.end())
                        .chain(c.vertices.iter().copied())
                        .chain(std::iter::once(open[j].start()))
                        .collect(),
                    way_ids: Vec::new(),
                    role: chain.role,
                };
                chain.extend(bridge);
                if i == j {
                    // Close onto its own start: use the start's coordinate exactly.
                    let n = chain.coords.len();
                    chain.coords[n - 1] = chain.coords[0];
                    if !Polygon::new(LineString::new(chain.coords.clone()), vec![]).is_valid() {
                        continue;
                    }
                } else {
                    let other = open[j].clone();
                    chain.extend(other);
                }
                if c.along {
                    issues.push(AreaIssue::ClosedAlongBoundary {
                        from_node,
                        to_node,
                        length_m: c.length_m,
                        vertices: c.vertices.len(),
                    });
                } else if c.length_m >= COINCIDENT_M {
                    issues.push(AreaIssue::ClosedByChord {
                        from_node,
                        to_node,
                        length_m: c.length_m,
                    });
                }
                let (hi, lo) = if i > j { (i, j) } else { (j, i) };
                open.remove(hi);
                if hi != lo {
                    open.remove(lo);
                }
                if i == j {
                    closed.extend(split_at_repeats(chain));
                } else {
                    open.push(chain);
                }
                accepted = true;
                break;
            }
            if !accepted {
                for chain in open.drain(..) {
                    let gap_m = dist_m(chain.end(), chain.start());
                    let why = if self.boundary.is_empty() && self.chord_max_m.is_none() {
                        "no gap closing configured".to_owned()
                    } else {
                        let mut parts = Vec::new();
                        if !self.boundary.is_empty() {
                            parts.push(format!(
                                "ends are not both within {} m of the closing boundary",
                                self.tolerance_m
                            ));
                        }
                        if let Some(max) = self.chord_max_m {
                            parts.push(format!("no chord up to {max} m gives a valid ring"));
                        }
                        parts.join("; ")
                    };
                    issues.push(AreaIssue::OpenRing {
                        start_node: chain.node_ids[0],
                        end_node: *chain.node_ids.last().expect("non-empty"),
                        gap_m,
                        why,
                    });
                }
            }
        }
        closed
    }

    /// Every candidate closure from an open chain's end to an open chain's start.
    fn closures(&self, open: &[Ring]) -> Vec<Closure> {
        let mut out = Vec::new();
        let ends: Vec<Option<RingPos>> = open.iter().map(|c| self.locate(c.end())).collect();
        let starts: Vec<Option<RingPos>> = open.iter().map(|c| self.locate(c.start())).collect();
        for (i, ci) in open.iter().enumerate() {
            for (j, cj) in open.iter().enumerate() {
                let d = dist_m(ci.end(), cj.start());
                if d < COINCIDENT_M || self.chord_max_m.is_some_and(|m| d <= m) {
                    out.push(Closure {
                        along: false,
                        length_m: d,
                        i,
                        j,
                        vertices: Vec::new(),
                    });
                }
                if let (Some(a), Some(b)) = (ends[i], starts[j])
                    && a.ring == b.ring
                {
                    for forward in [true, false] {
                        let (len, verts) = self.arc(a, b, forward, ci.end(), cj.start());
                        out.push(Closure {
                            along: true,
                            length_m: len,
                            i,
                            j,
                            vertices: verts,
                        });
                    }
                }
            }
        }
        out
    }

    /// The nearest position on the closing boundary within tolerance.
    fn locate(&self, p: Coord<f64>) -> Option<RingPos> {
        let mut best: Option<RingPos> = None;
        for (r, ring) in self.boundary.iter().enumerate() {
            for (s, w) in ring.0.windows(2).enumerate() {
                let (t, d) = project(p, w[0], w[1]);
                if best.is_none_or(|b| d < b.dist_m) {
                    best = Some(RingPos {
                        ring: r,
                        seg: s,
                        t,
                        dist_m: d,
                    });
                }
            }
        }
        best.filter(|b| b.dist_m <= self.tolerance_m)
    }

    /// The boundary vertices strictly between `a` and `b` walking forward or backward, without
    /// those within a metre of the ends, and the walk's length in metres.
    fn arc(
        &self,
        a: RingPos,
        b: RingPos,
        forward: bool,
        pa: Coord<f64>,
        pb: Coord<f64>,
    ) -> (f64, Vec<Coord<f64>>) {
        let ring = &self.boundary[a.ring].0;
        let n = ring.len() - 1; // distinct vertices; segment k joins k and k+1
        let mut verts = Vec::new();
        if forward {
            if !(a.seg == b.seg && b.t >= a.t) {
                let mut k = (a.seg + 1) % n;
                loop {
                    verts.push(ring[k]);
                    if k == b.seg {
                        break;
                    }
                    k = (k + 1) % n;
                }
            }
        } else if !(a.seg == b.seg && b.t <= a.t) {
            let mut k = a.seg;
            let stop = (b.seg + 1) % n;
            loop {
                verts.push(ring[k]);
                if k == stop {
                    break;
                }
                k = (k + n - 1) % n;
            }
        }
        verts.retain(|v| dist_m(*v, pa) > 1.0 && dist_m(*v, pb) > 1.0);
        let mut len = 0.0;
        let mut prev = pa;
        for v in verts.iter().copied().chain(std::iter::once(pb)) {
            len += dist_m(prev, v);
            prev = v;
        }
        (len, verts)
    }
}

/// Local equirectangular distance in metres (accurate to well under 0.1 % at city scale).
fn dist_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let k = ((a.y + b.y) / 2.0).to_radians().cos();
    let dx = (a.x - b.x) * k;
    let dy = a.y - b.y;
    (dx * dx + dy * dy).sqrt() * M_PER_DEG
}

/// Projects `p` on segment `a`–`b`: fraction along it and distance in metres.
fn project(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> (f64, f64) {
    let k = p.y.to_radians().cos();
    let (ax, ay, bx, by, px, py) = (a.x * k, a.y, b.x * k, b.y, p.x * k, p.y);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (ax + t * dx, ay + t * dy);
    (
        t,
        ((px - qx).powi(2) + (py - qy).powi(2)).sqrt() * M_PER_DEG,
    )
}

/// Nests closed rings into polygons by containment (even depth = exterior).
fn nest(rings: Vec<Ring>, issues: &mut Vec<AreaIssue>) -> MultiPolygon<f64> {
    let mut items: Vec<(f64, Polygon<f64>, Ring)> = rings
        .into_iter()
        .map(|r| {
            let poly = Polygon::new(LineString::new(r.coords.clone()), vec![]);
            (poly.unsigned_area(), poly, r)
        })
        .collect();
    items.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    // parent index and depth per ring (in sorted order)
    let mut depth: Vec<usize> = Vec::with_capacity(items.len());
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(items.len());
    for k in 0..items.len() {
        let mut found = None;
        for p in (0..k).rev() {
            if inside(&items[k].2.coords, &items[p].1) {
                found = Some(p);
                break;
            }
        }
        depth.push(found.map_or(0, |p| depth[p] + 1));
        parent.push(found);
    }
    let mut polygons: Vec<Option<Polygon<f64>>> = vec![None; items.len()];
    for k in 0..items.len() {
        let found = if depth[k].is_multiple_of(2) {
            RingRole::Outer
        } else {
            RingRole::Inner
        };
        let ring = &items[k].2;
        if ring.role != RingRole::Unknown && ring.role != found {
            issues.push(AreaIssue::RoleMismatch {
                way_ids: ring.way_ids.clone(),
                tagged: ring.role,
                found,
            });
        }
        if found == RingRole::Outer {
            polygons[k] = Some(Polygon::new(LineString::new(ring.coords.clone()), vec![]));
        } else if let Some(p) = parent[k]
            && let Some(outer) = polygons[p].as_mut()
        {
            outer.interiors_push(LineString::new(ring.coords.clone()));
        }
    }
    MultiPolygon::new(
        polygons
            .into_iter()
            .flatten()
            .map(|p| p.orient(Direction::Default))
            .collect(),
    )
}

/// Whether ring `coords` lies inside `poly`: decided by its first vertex not on `poly`'s boundary.
fn inside(coords: &[Coord<f64>], poly: &Polygon<f64>) -> bool {
    for c in coords {
        match poly.coordinate_position(c) {
            CoordPos::Inside => return true,
            CoordPos::Outside => return false,
            CoordPos::OnBoundary => {}
        }
    }
    // Every vertex on the boundary (a duplicate ring): test the first edge's midpoint.
    coords.windows(2).any(|w| {
        let mid = Coord {
            x: (w[0].x + w[1].x) / 2.0,
            y: (w[0].y + w[1].y) / 2.0,
        };
        poly.coordinate_position(&mid) == CoordPos::Inside
    })
}

fn validate(geometry: MultiPolygon<f64>, issues: &mut Vec<AreaIssue>) -> MultiPolygon<f64> {
    let Err(err) = geometry.check_validation() else {
        return geometry;
    };
    let reason = err.to_string();
    match geometry.make_valid() {
        Ok(fixed) if !fixed.0.is_empty() && fixed.is_valid() => {
            issues.push(AreaIssue::Repaired { reason });
            fixed.orient(Direction::Default)
        }
        _ => {
            issues.push(AreaIssue::Invalid { reason });
            MultiPolygon::new(vec![])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn seg(way_id: i64, role: RingRole, pts: &[(i64, f64, f64)]) -> Segment {
        Segment {
            way_id,
            role,
            node_ids: pts.iter().map(|p| p.0).collect(),
            coords: pts.iter().map(|p| coord! { x: p.1, y: p.2 }).collect(),
        }
    }

    /// A 10 × 10 square (in 1e-3 degrees) from four sides, two of them reversed.
    fn square(role: RingRole, base: i64, x0: f64, y0: f64, s: f64) -> Vec<Segment> {
        let (a, b, c, d) = (base, base + 1, base + 2, base + 3);
        vec![
            seg(base * 10, role, &[(a, x0, y0), (b, x0 + s, y0)]),
            seg(base * 10 + 1, role, &[(c, x0 + s, y0 + s), (b, x0 + s, y0)]), // reversed
            seg(base * 10 + 2, role, &[(c, x0 + s, y0 + s), (d, x0, y0 + s)]),
            seg(base * 10 + 3, role, &[(a, x0, y0), (d, x0, y0 + s)]), // reversed
        ]
    }

    #[test]
    fn joins_reversed_segments_in_any_order() {
        let mut segs = square(RingRole::Outer, 1, 0.0, 0.0, 0.01);
        segs.swap(0, 2);
        let (rings, open) = join_segments(&segs);
        assert_eq!(rings.len(), 1);
        assert!(open.is_empty());
        assert_eq!(rings[0].node_ids.len(), 5);
        assert!(rings[0].is_closed());
    }

    #[test]
    fn hole_is_nested_and_oriented() {
        let mut segs = square(RingRole::Outer, 1, 0.0, 0.0, 0.01);
        segs.extend(square(RingRole::Inner, 10, 0.003, 0.003, 0.004));
        let area = MultipolygonBuilder::new().build_segments(9, segs);
        assert!(area.is_ok(), "{:?}", area.issues);
        assert!(area.issues.is_empty(), "{:?}", area.issues);
        assert_eq!(area.geometry.0.len(), 1);
        let poly = &area.geometry.0[0];
        assert_eq!(poly.interiors().len(), 1);
        // RFC 7946: exterior CCW (positive signed area), hole CW.
        assert!(Polygon::new(poly.exterior().clone(), vec![]).signed_area() > 0.0);
        assert!(Polygon::new(poly.interiors()[0].clone(), vec![]).signed_area() < 0.0);
        let expected = 0.01f64.powi(2) - 0.004f64.powi(2);
        assert!((poly.unsigned_area() - expected).abs() < 1e-12);
    }

    #[test]
    fn two_outers_and_wrong_role_reported() {
        let mut segs = square(RingRole::Outer, 1, 0.0, 0.0, 0.01);
        segs.extend(square(RingRole::Inner, 10, 0.02, 0.0, 0.01)); // tagged inner, is outer
        let area = MultipolygonBuilder::new().build_segments(9, segs);
        assert!(area.is_ok());
        assert_eq!(area.geometry.0.len(), 2);
        assert!(matches!(
            area.issues[..],
            [AreaIssue::RoleMismatch {
                found: RingRole::Outer,
                ..
            }]
        ));
    }

    #[test]
    fn touching_rings_are_split() {
        // Figure eight sharing node 5 at (1, 1): one chain passing 5 twice.
        let s = 0.001;
        let segs = vec![
            seg(
                1,
                RingRole::Outer,
                &[
                    (1, 0.0, 0.0),
                    (2, s, 0.0),
                    (5, s, s),
                    (3, 0.0, s),
                    (1, 0.0, 0.0),
                ],
            ),
            seg(
                2,
                RingRole::Outer,
                &[(5, s, s), (6, 2.0 * s, s), (7, 2.0 * s, 2.0 * s)],
            ),
            seg(
                3,
                RingRole::Outer,
                &[(7, 2.0 * s, 2.0 * s), (8, s, 2.0 * s), (5, s, s)],
            ),
        ];
        let (rings, open) = join_segments(&segs);
        assert!(open.is_empty());
        assert_eq!(rings.len(), 2);
        let area = MultipolygonBuilder::new().build_segments(1, segs);
        assert!(area.is_ok(), "{:?}", area.issues);
        assert_eq!(area.geometry.0.len(), 2);
    }

    #[test]
    fn pinched_ring_is_split() {
        let s = 0.001;
        // One closed way visiting node 5 twice.
        let segs = vec![seg(
            1,
            RingRole::Outer,
            &[
                (1, 0.0, 0.0),
                (5, s, s),
                (6, 2.0 * s, s),
                (7, 2.0 * s, 2.0 * s),
                (5, s, s),
                (3, 0.0, s),
                (1, 0.0, 0.0),
            ],
        )];
        let (rings, _) = join_segments(&segs);
        assert_eq!(rings.len(), 2);
        assert!(rings.iter().all(Ring::is_closed));
    }

    #[test]
    fn open_ring_is_reported_with_nodes() {
        let segs = square(RingRole::Outer, 1, 0.0, 0.0, 0.01);
        let area = MultipolygonBuilder::new().build_segments(5, segs[..3].to_vec());
        assert!(!area.is_ok());
        // The chain may come out either way round.
        match &area.issues[..] {
            [
                AreaIssue::OpenRing {
                    start_node,
                    end_node,
                    ..
                },
                AreaIssue::Empty,
            ] => {
                assert_eq!((*start_node).min(*end_node), 1);
                assert_eq!((*start_node).max(*end_node), 4);
            }
            other => panic!("{other:?}"),
        }
        let text = area.issues[0].to_string();
        assert!(text.contains("does not close"), "{text}");
    }

    #[test]
    fn gap_closed_along_boundary_follows_it() {
        // Boundary: a 0.01° square with a bump on its top side (vertex at (0.005, 0.011)).
        let bnd = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (0.01, 0.0),
                (0.01, 0.01),
                (0.005, 0.011),
                (0.0, 0.01),
                (0.0, 0.0),
            ]),
            vec![],
        );
        // The area is the left half, its top side (along the boundary) missing, and its left
        // side shared with the boundary: the wrong (long) way round would overlap it.
        let segs = vec![
            seg(
                1,
                RingRole::Outer,
                &[(3, 0.005, 0.011 - 0.0), (2, 0.005, 0.0)],
            ),
            seg(
                2,
                RingRole::Outer,
                &[(2, 0.005, 0.0), (1, 0.0, 0.0), (4, 0.0, 0.01)],
            ),
        ];
        let area = MultipolygonBuilder::new()
            .close_along(&MultiPolygon::new(vec![bnd]), 5.0)
            .build_segments(3, segs);
        assert!(area.is_ok(), "{:?}", area.issues);
        match &area.issues[..] {
            [
                AreaIssue::ClosedAlongBoundary {
                    from_node,
                    to_node,
                    vertices: 0,
                    ..
                },
            ] => {
                assert_eq!((*from_node).min(*to_node), 3);
                assert_eq!((*from_node).max(*to_node), 4);
            }
            other => panic!("{other:?}"),
        }
        let expected = 0.005 * 0.01 + 0.5 * 0.005 * 0.001;
        assert!((area.geometry.unsigned_area() - expected).abs() < 1e-12);
    }

    #[test]
    fn gap_along_boundary_takes_boundary_vertices() {
        // Boundary square; the area is its lower-left quarter whose outer corner side is missing.
        let bnd = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (0.01, 0.0),
                (0.01, 0.01),
                (0.0, 0.01),
                (0.0, 0.0),
            ]),
            vec![],
        );
        let segs = vec![seg(
            1,
            RingRole::Outer,
            &[(1, 0.005, 0.0), (2, 0.005, 0.005), (3, 0.0, 0.005)],
        )];
        let area = MultipolygonBuilder::new()
            .close_along(&MultiPolygon::new(vec![bnd]), 5.0)
            .close_by_chord(10_000.0)
            .build_segments(4, segs);
        assert!(area.is_ok(), "{:?}", area.issues);
        // The corner (0, 0) comes from the boundary: a full quarter, not a triangle.
        assert!(matches!(
            area.issues[..],
            [AreaIssue::ClosedAlongBoundary { vertices: 1, .. }]
        ));
        assert!((area.geometry.unsigned_area() - 0.005 * 0.005).abs() < 1e-12);
    }

    #[test]
    fn chord_respects_maximum() {
        let segs = square(RingRole::Outer, 1, 0.0, 0.0, 0.01);
        // The missing side is 0.01° ≈ 800 m of longitude at the equator… here ~1.1 km.
        let short = MultipolygonBuilder::new()
            .close_by_chord(100.0)
            .build_segments(1, segs[..3].to_vec());
        assert!(!short.is_ok());
        let long = MultipolygonBuilder::new()
            .close_by_chord(2000.0)
            .build_segments(1, segs[..3].to_vec());
        assert!(long.is_ok());
        assert!(matches!(long.issues[..], [AreaIssue::ClosedByChord { .. }]));
    }

    #[test]
    fn missing_ways_and_nodes_are_reported_not_panics() {
        use crate::osm::{Member, OsmWay, Tags};
        let s = square(RingRole::Outer, 1, 0.0, 0.0, 0.01);
        let way = |seg: &Segment, drop_last: bool| OsmWay {
            id: seg.way_id,
            tags: Tags::default(),
            node_ids: seg.node_ids.clone(),
            coords: seg
                .coords
                .iter()
                .enumerate()
                .map(|(i, c)| (!(drop_last && i + 1 == seg.coords.len())).then_some(*c))
                .collect(),
        };
        let data = OsmData {
            ways: vec![way(&s[0], false), way(&s[1], true), way(&s[2], false)],
            ..OsmData::default()
        };
        let rel = OsmRelation {
            id: 77,
            tags: Tags::from_pairs([("type", "multipolygon")]),
            members: s
                .iter()
                .map(|seg| Member {
                    kind: MemberKind::Way,
                    id: seg.way_id,
                    role: "outer".into(),
                })
                .collect(),
        };
        let area = MultipolygonBuilder::new().build(&rel, &data);
        assert!(!area.is_ok());
        assert!(
            matches!(
                area.issues[..],
                [
                    AreaIssue::MissingNodes {
                        way_id: 11,
                        count: 1
                    },
                    AreaIssue::MissingWay { way_id: 13 },
                    ..
                ]
            ),
            "{:?}",
            area.issues
        );
        assert!(
            area.issues
                .iter()
                .any(|i| matches!(i, AreaIssue::OpenRing { .. }))
        );
    }

    #[test]
    fn two_open_chains_join_into_one_ring() {
        let s = square(RingRole::Outer, 1, 0.0, 0.0, 0.01);
        // Sides 0 and 2 only: two chains, two gaps.
        let area = MultipolygonBuilder::new()
            .close_by_chord(2000.0)
            .build_segments(1, vec![s[0].clone(), s[2].clone()]);
        assert!(area.is_ok(), "{:?}", area.issues);
        assert_eq!(area.issues.len(), 2);
        assert!((area.geometry.unsigned_area() - 1e-4).abs() < 1e-12);
    }
}
