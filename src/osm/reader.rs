//! A selective, multi-pass `.osm.pbf` reader with bounded memory.

use super::OsmError;
use super::tags::{TagFilter, TagView, Tags};
use geo::{Coord, LineString};
use osmpbf::{BlobDecode, BlobReader, ByteOffset, PrimitiveBlock, RelMemberType};
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// What to read from a file: tag filters per element type, and whether to follow relation members.
///
/// A filter that is not set selects nothing of that type. Node filters only see nodes that carry
/// at least one tag (untagged nodes are way vertices; their coordinates are resolved for the
/// selected ways).
///
/// # Example
/// ```
/// use catchment::osm::{Selection, TagFilter};
///
/// // Admin boundaries with their member ways, plus every shop node or way.
/// let selection = Selection::new()
///     .relations(TagFilter::key_value("boundary", "administrative"))
///     .ways(TagFilter::has_key("shop"))
///     .nodes(TagFilter::has_key("shop"));
/// # let _ = selection;
/// ```
#[derive(Debug, Clone)]
pub struct Selection {
    nodes: Option<TagFilter>,
    ways: Option<TagFilter>,
    relations: Option<TagFilter>,
    member_ways: Option<TagFilter>,
    way_coords: bool,
}

impl Default for Selection {
    fn default() -> Self {
        Self::new()
    }
}

impl Selection {
    /// Selects nothing; add filters with the builder methods.
    pub fn new() -> Self {
        Self {
            nodes: None,
            ways: None,
            relations: None,
            member_ways: Some(TagFilter::all()),
            way_coords: true,
        }
    }

    /// Keeps tagged nodes accepted by `filter`, as points.
    pub fn nodes(mut self, filter: TagFilter) -> Self {
        self.nodes = Some(filter);
        self
    }

    /// Keeps ways accepted by `filter`, with their vertex coordinates.
    pub fn ways(mut self, filter: TagFilter) -> Self {
        self.ways = Some(filter);
        self
    }

    /// Keeps relations accepted by `filter`, with their members (and, by default, the member ways).
    pub fn relations(mut self, filter: TagFilter) -> Self {
        self.relations = Some(filter);
        self
    }

    /// Reads member ways only of the selected relations that `filter` also accepts (by default
    /// the member ways of every selected relation are read). Member nodes and member relations
    /// are listed in [`OsmRelation::members`] but not read: select them by tag.
    ///
    /// # Example
    /// ```
    /// use catchment::osm::{Selection, TagFilter};
    ///
    /// // Names of all admin relations, geometry only for the quarters (admin_level 10).
    /// let selection = Selection::new()
    ///     .relations(TagFilter::key_value("boundary", "administrative"))
    ///     .member_ways_of(TagFilter::key_value("admin_level", "10"));
    /// # let _ = selection;
    /// ```
    pub fn member_ways_of(mut self, filter: TagFilter) -> Self {
        self.member_ways = Some(filter);
        self
    }

    /// Reads no member ways (relations keep their member lists).
    pub fn without_member_ways(mut self) -> Self {
        self.member_ways = None;
        self
    }

    /// Whether way vertex coordinates are resolved (default `true`; `false` skips pass 3 when only
    /// tags and node ids are needed).
    pub fn way_coords(mut self, yes: bool) -> Self {
        self.way_coords = yes;
        self
    }
}

/// A tagged node selected by the node filter.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmNode {
    /// OSM node id.
    pub id: i64,
    /// WGS-84 longitude, degrees.
    pub lon: f64,
    /// WGS-84 latitude, degrees.
    pub lat: f64,
    /// The node's tags.
    pub tags: Tags,
}

/// A way with its vertices resolved to coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmWay {
    /// OSM way id.
    pub id: i64,
    /// The way's tags.
    pub tags: Tags,
    /// Vertex node ids, in order.
    pub node_ids: Vec<i64>,
    /// Vertex coordinates, parallel to `node_ids`; `None` where the node is missing from the
    /// extract (or coordinates were not requested).
    pub coords: Vec<Option<Coord<f64>>>,
}

impl OsmWay {
    /// Whether the way is closed (first node id = last node id, at least 4 vertices).
    pub fn closed(&self) -> bool {
        self.node_ids.len() >= 4 && self.node_ids.first() == self.node_ids.last()
    }

    /// Number of vertices whose node is missing from the extract.
    pub fn missing_nodes(&self) -> usize {
        self.coords.iter().filter(|c| c.is_none()).count()
    }

    /// The way as a line, when every vertex was resolved.
    ///
    /// # Example
    /// ```
    /// use catchment::osm::{OsmWay, Tags};
    /// use geo::coord;
    ///
    /// let way = OsmWay {
    ///     id: 1,
    ///     tags: Tags::default(),
    ///     node_ids: vec![10, 11],
    ///     coords: vec![Some(coord! { x: 7.42, y: 43.73 }), None],
    /// };
    /// assert!(way.line_string().is_none());
    /// assert_eq!(way.missing_nodes(), 1);
    /// ```
    pub fn line_string(&self) -> Option<LineString<f64>> {
        self.coords
            .iter()
            .copied()
            .collect::<Option<Vec<_>>>()
            .map(LineString::new)
    }
}

/// The type of a relation member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MemberKind {
    /// A node.
    Node,
    /// A way.
    Way,
    /// A relation.
    Relation,
}

/// A relation member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Member type.
    pub kind: MemberKind,
    /// Member id.
    pub id: i64,
    /// Role (may be empty).
    pub role: String,
}

/// A selected relation with its members.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmRelation {
    /// OSM relation id.
    pub id: i64,
    /// The relation's tags.
    pub tags: Tags,
    /// Members, in order.
    pub members: Vec<Member>,
}

/// What the reader saw, for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Data blobs in the file.
    pub blobs: usize,
    /// Blob decodes over all passes.
    pub blob_decodes: usize,
    /// Passes made over the file (1–3).
    pub passes: usize,
    /// Member ways of selected relations not present in the extract.
    pub missing_member_ways: usize,
    /// Ways (among those kept) with at least one vertex missing from the extract.
    pub ways_with_missing_nodes: usize,
    /// Vertex references (over all kept ways) whose node is missing from the extract.
    pub missing_way_nodes: usize,
}

/// Everything selected from one file, each list sorted by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OsmData {
    /// Selected tagged nodes.
    pub nodes: Vec<OsmNode>,
    /// Selected ways and member ways of selected relations.
    pub ways: Vec<OsmWay>,
    /// Selected relations.
    pub relations: Vec<OsmRelation>,
    /// Read statistics.
    pub stats: ReadStats,
}

impl OsmData {
    /// The way with `id`, if it was read (binary search).
    pub fn way(&self, id: i64) -> Option<&OsmWay> {
        self.ways
            .binary_search_by_key(&id, |w| w.id)
            .ok()
            .map(|i| &self.ways[i])
    }

    /// The relation with `id`, if it was read (binary search).
    pub fn relation(&self, id: i64) -> Option<&OsmRelation> {
        self.relations
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &self.relations[i])
    }
}

/// Reads selected elements from an `.osm.pbf` file.
///
/// The file is read in up to three passes, each decoding blobs in parallel (rayon):
///
/// 1. **every blob**: relations, ways and tagged nodes accepted by the [`Selection`]'s tag filters
///    are kept; the reader notes which blobs hold ways and which hold nodes;
/// 2. **blobs with ways** (only when needed): member ways of the selected relations that the way
///    filter did not already keep;
/// 3. **blobs with nodes** (only when ways were kept): coordinates of the way vertices, looked up
///    in a sorted id list.
///
/// Memory is proportional to what is selected (plus about 32 bytes per needed way vertex), never
/// to the whole file, so a city or region extract reads in little memory.
///
/// # Errors
/// [`OsmError::Open`] when the file cannot be opened, [`OsmError::Read`] when a blob is corrupt
/// or the file is not an OSM PBF, [`OsmError::UnsupportedFeature`] for history files.
///
/// # Performance
/// Pass 1 decodes every blob, passes 2 and 3 only blobs holding ways or nodes respectively; each
/// pass decodes blobs on all rayon threads. Monaco (540 kB) reads in well under a second.
///
/// # Example
/// ```
/// use catchment::osm::{read_pbf, Selection, TagFilter};
/// # fn main() -> Result<(), catchment::osm::OsmError> {
/// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
/// let data = read_pbf(pbf, &Selection::new().nodes(TagFilter::key_value("amenity", "bank")))?;
/// assert!(data.nodes.len() >= 10);
/// assert!(data.nodes.windows(2).all(|w| w[0].id < w[1].id));
/// # Ok(()) }
/// ```
pub fn read_pbf(path: impl AsRef<Path>, selection: &Selection) -> Result<OsmData, OsmError> {
    Reader::new(path.as_ref())?.read(selection)
}

/// Per-blob content flags noted in pass 1.
#[derive(Debug, Clone, Copy)]
struct BlobInfo {
    offset: u64,
    has_nodes: bool,
    has_ways: bool,
}

struct Reader {
    path: PathBuf,
}

/// What pass 1 gathers from one blob (merged across blobs by concatenation).
#[derive(Default)]
struct Pass1 {
    nodes: Vec<OsmNode>,
    ways: Vec<OsmWay>,
    relations: Vec<OsmRelation>,
    blobs: Vec<BlobInfo>,
    header_seen: bool,
}

impl Pass1 {
    fn merge(mut self, mut other: Pass1) -> Pass1 {
        self.nodes.append(&mut other.nodes);
        self.ways.append(&mut other.ways);
        self.relations.append(&mut other.relations);
        self.blobs.append(&mut other.blobs);
        self.header_seen |= other.header_seen;
        self
    }
}

impl Reader {
    fn new(path: &Path) -> Result<Self, OsmError> {
        // Open once up front so a missing or unreadable file is an `Open` error naming it.
        File::open(path).map_err(|source| OsmError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self {
            path: path.to_path_buf(),
        })
    }

    fn read_err(&self, offset: Option<u64>, source: osmpbf::Error) -> OsmError {
        OsmError::Read {
            path: self.path.clone(),
            offset,
            source,
        }
    }

    fn open_blobs(&self) -> Result<BlobReader<BufReader<File>>, OsmError> {
        BlobReader::seekable_from_path(&self.path).map_err(|e| self.read_err(None, e))
    }

    fn read(&self, sel: &Selection) -> Result<OsmData, OsmError> {
        let mut stats = ReadStats {
            passes: 1,
            ..ReadStats::default()
        };

        // Pass 1: every blob.
        let blobs = self.open_blobs()?;
        let pass1 = blobs
            .par_bridge()
            .map(|blob| {
                let blob = blob.map_err(|e| self.read_err(None, e))?;
                let offset = blob.offset().map(|o| o.0);
                let mut out = Pass1::default();
                match blob.decode().map_err(|e| self.read_err(offset, e))? {
                    BlobDecode::OsmHeader(header) => {
                        out.header_seen = true;
                        if let Some(f) = header
                            .required_features()
                            .iter()
                            .find(|f| !matches!(f.as_str(), "OsmSchema-V0.6" | "DenseNodes"))
                        {
                            return Err(OsmError::UnsupportedFeature {
                                path: self.path.clone(),
                                feature: f.clone(),
                            });
                        }
                    }
                    BlobDecode::OsmData(block) => {
                        let info = scan_pass1(&block, sel, offset.unwrap_or(0), &mut out);
                        out.blobs.push(info);
                    }
                    BlobDecode::Unknown(_) => {}
                }
                Ok(out)
            })
            .try_reduce(Pass1::default, |a, b| Ok(a.merge(b)))?;
        if !pass1.header_seen {
            return Err(OsmError::NotPbf {
                path: self.path.clone(),
            });
        }
        let Pass1 {
            mut nodes,
            mut ways,
            mut relations,
            mut blobs,
            ..
        } = pass1;
        blobs.sort_by_key(|b| b.offset);
        stats.blobs = blobs.len();
        stats.blob_decodes = blobs.len();

        // Pass 2: member ways not kept by the way filter.
        if let Some(member_filter) = &sel.member_ways {
            let have: HashSet<i64> = ways.iter().map(|w| w.id).collect();
            let mut wanted: Vec<i64> = relations
                .iter()
                .filter(|r| r.tags.matches(member_filter))
                .flat_map(|r| r.members.iter())
                .filter(|m| m.kind == MemberKind::Way && !have.contains(&m.id))
                .map(|m| m.id)
                .collect();
            wanted.sort_unstable();
            wanted.dedup();
            if !wanted.is_empty() {
                let offsets: Vec<u64> = blobs
                    .iter()
                    .filter(|b| b.has_ways)
                    .map(|b| b.offset)
                    .collect();
                stats.passes += 1;
                stats.blob_decodes += offsets.len();
                let found = self.pass_over(&offsets, |block| member_ways(block, &wanted))?;
                stats.missing_member_ways = wanted.len() - found.len();
                ways.extend(found);
            }
        }
        ways.sort_unstable_by_key(|w| w.id);
        ways.dedup_by_key(|w| w.id);

        // Pass 3: vertex coordinates.
        if sel.way_coords && !ways.is_empty() {
            let mut needed: Vec<i64> = ways
                .iter()
                .flat_map(|w| w.node_ids.iter().copied())
                .collect();
            needed.sort_unstable();
            needed.dedup();
            let offsets: Vec<u64> = blobs
                .iter()
                .filter(|b| b.has_nodes)
                .map(|b| b.offset)
                .collect();
            stats.passes += 1;
            stats.blob_decodes += offsets.len();
            let mut found = self.pass_over(&offsets, |block| vertex_coords(block, &needed))?;
            found.sort_unstable_by_key(|(id, _)| *id);
            for way in &mut ways {
                way.coords = way
                    .node_ids
                    .iter()
                    .map(|id| {
                        found
                            .binary_search_by_key(id, |(n, _)| *n)
                            .ok()
                            .map(|i| found[i].1)
                    })
                    .collect();
                let missing = way.missing_nodes();
                if missing > 0 {
                    stats.ways_with_missing_nodes += 1;
                    stats.missing_way_nodes += missing;
                }
            }
        }

        nodes.sort_unstable_by_key(|n| n.id);
        relations.sort_unstable_by_key(|r| r.id);
        Ok(OsmData {
            nodes,
            ways,
            relations,
            stats,
        })
    }

    /// Decodes the blobs at `offsets` in parallel and concatenates what `f` returns for each.
    fn pass_over<T: Send>(
        &self,
        offsets: &[u64],
        f: impl Fn(&PrimitiveBlock) -> Vec<T> + Sync,
    ) -> Result<Vec<T>, OsmError> {
        let mut reader = self.open_blobs()?;
        // Raw blobs are read in file order (cheap I/O) and decoded on the pool.
        let raw = offsets.iter().map(move |&offset| {
            reader
                .blob_from_offset(ByteOffset(offset))
                .map_err(|e| (offset, e))
        });
        raw.par_bridge()
            .map(|blob| {
                let blob = blob.map_err(|(offset, e)| self.read_err(Some(offset), e))?;
                let offset = blob.offset().map(|o| o.0);
                match blob.decode().map_err(|e| self.read_err(offset, e))? {
                    BlobDecode::OsmData(block) => Ok(f(&block)),
                    _ => Ok(Vec::new()),
                }
            })
            .try_reduce(Vec::new, |mut a, mut b| {
                a.append(&mut b);
                Ok(a)
            })
    }
}

fn to_members(rel: &osmpbf::Relation<'_>) -> Vec<Member> {
    rel.members()
        .map(|m| Member {
            kind: match m.member_type {
                RelMemberType::Node => MemberKind::Node,
                RelMemberType::Way => MemberKind::Way,
                RelMemberType::Relation => MemberKind::Relation,
            },
            id: m.member_id,
            role: m.role().unwrap_or_default().to_owned(),
        })
        .collect()
}

fn scan_pass1(block: &PrimitiveBlock, sel: &Selection, offset: u64, out: &mut Pass1) -> BlobInfo {
    let mut info = BlobInfo {
        offset,
        has_nodes: false,
        has_ways: false,
    };
    let mut buf: Vec<(&str, &str)> = Vec::new();
    for group in block.groups() {
        // Dense and plain nodes have the same accessors but different types.
        for node in group.dense_nodes() {
            info.has_nodes = true;
            if let Some(filter) = &sel.nodes {
                buf.clear();
                buf.extend(node.tags());
                keep_node(
                    filter,
                    &buf,
                    (node.id(), node.lon(), node.lat()),
                    &mut out.nodes,
                );
            }
        }
        for node in group.nodes() {
            info.has_nodes = true;
            if let Some(filter) = &sel.nodes {
                buf.clear();
                buf.extend(node.tags());
                keep_node(
                    filter,
                    &buf,
                    (node.id(), node.lon(), node.lat()),
                    &mut out.nodes,
                );
            }
        }
        for way in group.ways() {
            info.has_ways = true;
            if let Some(filter) = &sel.ways {
                buf.clear();
                buf.extend(way.tags());
                if filter.matches(&TagView::new(&buf)) {
                    let node_ids: Vec<i64> = way.refs().collect();
                    out.ways.push(OsmWay {
                        id: way.id(),
                        tags: Tags::from_pairs(buf.iter().copied()),
                        coords: vec![None; node_ids.len()],
                        node_ids,
                    });
                }
            }
        }
        for rel in group.relations() {
            if let Some(filter) = &sel.relations {
                buf.clear();
                buf.extend(rel.tags());
                if filter.matches(&TagView::new(&buf)) {
                    out.relations.push(OsmRelation {
                        id: rel.id(),
                        tags: Tags::from_pairs(buf.iter().copied()),
                        members: to_members(&rel),
                    });
                }
            }
        }
    }
    info
}

fn member_ways(block: &PrimitiveBlock, wanted: &[i64]) -> Vec<OsmWay> {
    let mut out = Vec::new();
    for group in block.groups() {
        for way in group.ways() {
            if wanted.binary_search(&way.id()).is_ok() {
                let node_ids: Vec<i64> = way.refs().collect();
                out.push(OsmWay {
                    id: way.id(),
                    tags: Tags::from_pairs(way.tags()),
                    coords: vec![None; node_ids.len()],
                    node_ids,
                });
            }
        }
    }
    out
}

/// Keeps a tagged node that the filter selects.
fn keep_node(
    filter: &TagFilter,
    tags: &[(&str, &str)],
    (id, lon, lat): (i64, f64, f64),
    out: &mut Vec<OsmNode>,
) {
    if !tags.is_empty() && filter.matches(&TagView::new(tags)) {
        out.push(OsmNode {
            id,
            lon,
            lat,
            tags: Tags::from_pairs(tags.iter().copied()),
        });
    }
}

fn vertex_coords(block: &PrimitiveBlock, needed: &[i64]) -> Vec<(i64, Coord<f64>)> {
    let mut out = Vec::new();
    for group in block.groups() {
        let dense = group.dense_nodes().map(|n| (n.id(), n.lon(), n.lat()));
        let plain = group.nodes().map(|n| (n.id(), n.lon(), n.lat()));
        for (id, x, y) in dense.chain(plain) {
            if needed.binary_search(&id).is_ok() {
                out.push((id, Coord { x, y }));
            }
        }
    }
    out
}
