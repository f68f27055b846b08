//! City extraction: the bank's branches, categorised POIs and admin areas from one extract.

use super::OsmError;
use super::category::{TransitKind, poi_category, transit_kind};
use super::multipolygon::{AreaIssue, MultipolygonBuilder};
use super::population::{GeoNamesPlace, PopulationMatch, fold_name, join_population};
use super::reader::{MemberKind, OsmData, OsmRelation, ReadStats, Selection, read_pbf};
use super::tags::{TagFilter, Tags};
use crate::{AdminArea, Branch, Poi};
use geo::{
    BooleanOps, ChamberlainDuquetteArea, Coord, GeodesicArea, InteriorPoint, MultiPolygon, Polygon,
    unary_union,
};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Transit elements closer than this (metres) may be the same stop.
const SAME_STOP_M: f64 = 50.0;
/// Platforms and stop positions of a station lie within this distance (metres) of it.
const STATION_M: f64 = 300.0;

/// What to extract and how to close admin boundaries.
///
/// # Example
/// ```
/// use catchment::osm::ExtractOptions;
///
/// let opts = ExtractOptions::new("BNP Paribas", "10").chord_max_m(None);
/// assert_eq!(opts.admin_level, "10");
/// ```
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// The bank's brand, matched against `brand`, `name` and `operator`.
    pub brand: String,
    /// The OSM `admin_level` of the admin areas (e.g. `"10"` for Monaco's quarters).
    pub admin_level: String,
    /// A boundary (e.g. the country) along which open admin rings are closed.
    pub boundary: Option<MultiPolygon<f64>>,
    /// How far (metres) a dangling end may be from `boundary` to be closed along it.
    pub boundary_tolerance_m: f64,
    /// Longest straight chord (metres) used to close what the boundary could not; `None` = never.
    pub chord_max_m: Option<f64>,
    /// GeoNames places for populations; `None` = no populations.
    pub places: Option<Vec<GeoNamesPlace>>,
    /// Extra folded `(a, b)` spelling variants for name matching.
    pub name_variants: Vec<(String, String)>,
}

impl ExtractOptions {
    /// Options for `brand` and `admin_level`, no boundary, chords up to 1 km, no populations.
    pub fn new(brand: impl Into<String>, admin_level: impl Into<String>) -> Self {
        Self {
            brand: brand.into(),
            admin_level: admin_level.into(),
            boundary: None,
            boundary_tolerance_m: 5.0,
            chord_max_m: Some(1000.0),
            places: None,
            name_variants: Vec::new(),
        }
    }

    /// Closes open admin rings along `boundary` (ends within `tolerance_m`).
    pub fn boundary(mut self, boundary: MultiPolygon<f64>, tolerance_m: f64) -> Self {
        self.boundary = Some(boundary);
        self.boundary_tolerance_m = tolerance_m;
        self
    }

    /// Sets the longest closing chord (`None` = never close by a chord).
    pub fn chord_max_m(mut self, max_m: Option<f64>) -> Self {
        self.chord_max_m = max_m;
        self
    }

    /// Joins populations from `places`.
    pub fn places(mut self, places: Vec<GeoNamesPlace>) -> Self {
        self.places = Some(places);
        self
    }
}

/// One admin area's assembly and population outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminReport {
    /// OSM relation id.
    pub relation_id: i64,
    /// The area's code (as written).
    pub code: String,
    /// Name.
    pub name: String,
    /// Geodesic area, km² (0 when rejected).
    pub area_km2: f64,
    /// Joined population.
    pub population: Option<u64>,
    /// The GeoNames place and rule used, as `"<name> (<rule>)"`.
    pub population_source: Option<String>,
    /// Assembly notes and errors.
    pub issues: Vec<AreaIssue>,
    /// Whether the area was left out (no valid geometry).
    pub rejected: bool,
}

/// Counts and notes from one extraction, for the CLI and tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExtractReport {
    /// What the reader saw.
    pub read: ReadStats,
    /// POIs per category.
    pub pois_by_category: BTreeMap<String, usize>,
    /// Transit elements dropped as duplicates of a kept stop.
    pub transit_duplicates: usize,
    /// Elements with a category but no usable location (e.g. a way with missing nodes).
    pub unlocated: usize,
    /// One entry per admin relation at the level, by relation id.
    pub admin: Vec<AdminReport>,
    /// GeoNames places not used for any area.
    pub unused_places: Vec<String>,
    /// Names of larger admin areas whose GeoNames places were set aside.
    pub larger_areas: Vec<String>,
    /// Tiling checks against each parent relation (one listing the areas as `subarea`).
    pub parents: Vec<ParentCheck>,
}

/// How the areas tile a parent relation that lists them as `subarea` members.
///
/// Areas here are spherical (Chamberlain–Duquette), about 0.3 % off the geodesic ones of
/// [`AdminReport::area_km2`] but comparable with each other. Overlap between areas is `children_sum_km2 - children_union_km2`; the parent's area not
/// covered by any area is `uncovered_km2`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParentCheck {
    /// The parent's relation id.
    pub relation_id: i64,
    /// The parent's name.
    pub name: String,
    /// The parent's `admin_level`.
    pub admin_level: String,
    /// How many of its subareas are among the extracted areas.
    pub children: usize,
    /// The parent's geodesic area, km², when it could be assembled.
    pub area_km2: Option<f64>,
    /// Sum of the (valid) children's areas, km².
    pub children_sum_km2: f64,
    /// Area of the children's union, km².
    pub children_union_km2: f64,
    /// Parent area outside every child, km², when the parent could be assembled.
    pub uncovered_km2: Option<f64>,
}

/// Everything extracted from one city extract.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CityExtract {
    /// The bank's own branches.
    pub branches: Vec<Branch>,
    /// POIs, competitors included.
    pub pois: Vec<Poi>,
    /// Valid admin areas at the level.
    pub admin: Vec<AdminArea>,
    /// Counts and notes.
    pub report: ExtractReport,
}

/// Whether `tags` belong to `brand`: its folded form equals, or appears as whole words in, the
/// folded `brand`, `name` or `operator` tag.
///
/// # Example
/// ```
/// use catchment::osm::{matches_brand, Tags};
///
/// let t = Tags::from_pairs([("amenity", "bank"), ("operator", "BNP-Paribas")]);
/// assert!(matches_brand(&t, "BNP Paribas"));
/// assert!(!matches_brand(&Tags::from_pairs([("name", "BNPX Paribasse")]), "BNP Paribas"));
/// ```
pub fn matches_brand(tags: &Tags, brand: &str) -> bool {
    let want = fold_name(brand);
    if want.is_empty() {
        return false;
    }
    ["brand", "name", "operator"]
        .iter()
        .filter_map(|k| tags.get(k))
        .any(|v| {
            let v = fold_name(v);
            v == want || format!(" {v} ").contains(&format!(" {want} "))
        })
}

fn elem_id(kind: char, id: i64) -> String {
    format!("osm:{kind}{id}")
}

/// Admin relations whose `admin_level` is at most `level` (numerically).
fn admin_at_most(level: &str) -> TagFilter {
    let max: i64 = level.trim().parse().unwrap_or(i64::MAX);
    TagFilter::new(move |t| {
        t.get("admin_level")
            .and_then(|l| l.trim().parse::<i64>().ok())
            .is_some_and(|l| l <= max)
    })
}

fn admin_filter() -> TagFilter {
    TagFilter::key_value("boundary", "administrative").and(TagFilter::has_key("admin_level"))
}

/// Extracts branches, POIs and admin areas from the extract at `pbf`.
///
/// # What is extracted
/// - **Branches**: `amenity=bank` nodes and ways whose `brand`, `name` or `operator` matches the
///   bank's brand ([`matches_brand`]); id `osm:n<ID>` / `osm:w<ID>`; a way is placed at an
///   interior point of its outline.
/// - **POIs**: nodes, ways and multipolygon relations with a category from the
///   [tag table](poi_category); other banks are `bank` POIs whose brand is their `brand`
///   tag, else `operator`, else `name` (so `category = bank` with another brand is a competitor).
///   The `opening_hours` tag is kept. Transit stops are deduplicated (below).
/// - **Admin areas**: `boundary=administrative` relations at the requested `admin_level`,
///   assembled by [`MultipolygonBuilder`]; code = the `ref` tag when present and unique, else
///   `osm:r<ID>`; population joined from GeoNames ([`join_population`]).
///
/// # Transit deduplication
/// OSM maps one stop as several elements: a platform (where people wait, often also
/// `highway=bus_stop`), a stop position on the road, sometimes a platform outline as a way, and
/// for rail a station. One POI per stop is kept:
/// - a station stands for its stop: other transit elements are dropped when they share a stop
///   area (`public_transport=stop_area` relation) with a station, or lie within 300 m of a
///   station and have its folded name (or are unnamed `railway=platform|stop` elements);
/// - a stop position is dropped when a platform within 50 m shares its stop area or its folded
///   name (or either is unnamed);
/// - a platform way is dropped when a platform node within 50 m shares its stop area or its name.
///
/// Output order is deterministic: by element type (node, way, relation), then numeric id.
///
/// # Errors
/// Any [`OsmError`] from reading the file.
///
/// # Performance
/// One [`read_pbf`] call (three passes); assembly and deduplication are linear in what is kept.
///
/// # Example
/// ```
/// use catchment::osm::{extract_city, ExtractOptions};
/// # fn main() -> Result<(), catchment::osm::OsmError> {
/// let pbf = concat!(env!("CARGO_MANIFEST_DIR"), "/data/monaco/monaco.osm.pbf");
/// let city = extract_city(pbf, &ExtractOptions::new("BNP Paribas", "10"))?;
/// assert_eq!(city.branches.len(), 4);
/// assert!(city.pois.iter().any(|p| p.category == "bank"));
/// # Ok(()) }
/// ```
pub fn extract_city(pbf: impl AsRef<Path>, opts: &ExtractOptions) -> Result<CityExtract, OsmError> {
    let level = opts.admin_level.clone();
    let poi = TagFilter::new(|t| poi_category(t).is_some());
    let mp_poi = TagFilter::key_value("type", "multipolygon").and(poi.clone());
    let selection = Selection::new()
        .nodes(poi.clone())
        .ways(poi)
        .relations(
            admin_filter()
                .or(TagFilter::key_value("public_transport", "stop_area"))
                .or(mp_poi.clone()),
        )
        // Areas at the level and the larger ones (parents are assembled as a tiling check).
        .member_ways_of(admin_filter().and(admin_at_most(&level)).or(mp_poi));
    let data = read_pbf(pbf, &selection)?;
    let mut report = ExtractReport {
        read: data.stats.clone(),
        ..ExtractReport::default()
    };

    let (branches, pois) = branches_and_pois(&data, opts, &mut report);
    let admin = admin_areas(&data, opts, &mut report);
    Ok(CityExtract {
        branches,
        pois,
        admin,
        report,
    })
}

/// A candidate POI before deduplication.
struct Candidate {
    kind: char,
    id: i64,
    tags: Tags,
    at: Coord<f64>,
    category: &'static str,
}

fn branches_and_pois(
    data: &OsmData,
    opts: &ExtractOptions,
    report: &mut ExtractReport,
) -> (Vec<Branch>, Vec<Poi>) {
    let mut cands = Vec::new();
    for n in &data.nodes {
        if let Some(category) = poi_category(&n.tags) {
            cands.push(Candidate {
                kind: 'n',
                id: n.id,
                tags: n.tags.clone(),
                at: Coord { x: n.lon, y: n.lat },
                category,
            });
        }
    }
    for w in &data.ways {
        let Some(category) = poi_category(&w.tags) else {
            continue;
        };
        let Some(ls) = w.line_string() else {
            report.unlocated += 1;
            continue;
        };
        let at = if w.closed() {
            Polygon::new(ls, vec![]).interior_point()
        } else {
            ls.interior_point()
        };
        match at {
            Some(p) => cands.push(Candidate {
                kind: 'w',
                id: w.id,
                tags: w.tags.clone(),
                at: p.0,
                category,
            }),
            None => report.unlocated += 1,
        }
    }
    let builder = MultipolygonBuilder::new();
    for r in &data.relations {
        if !r.tags.has("type", "multipolygon") {
            continue;
        }
        let Some(category) = poi_category(&r.tags) else {
            continue;
        };
        let area = builder.build(r, data);
        match area.geometry.interior_point() {
            Some(p) if area.is_ok() => cands.push(Candidate {
                kind: 'r',
                id: r.id,
                tags: r.tags.clone(),
                at: p.0,
                category,
            }),
            _ => report.unlocated += 1,
        }
    }

    let mut branches = Vec::new();
    let mut pois = Vec::new();
    let mut transit = Vec::new();
    for c in cands {
        if c.category == "bank" && matches_brand(&c.tags, &opts.brand) {
            if c.kind != 'r' {
                branches.push((
                    c.kind,
                    c.id,
                    Branch {
                        branch_id: elem_id(c.kind, c.id),
                        name: c.tags.get("name").unwrap_or(&opts.brand).to_owned(),
                        lon: c.at.x,
                        lat: c.at.y,
                        brand: Some(opts.brand.clone()),
                    },
                ));
            }
            continue;
        }
        if c.category == "transit" {
            transit.push(c);
            continue;
        }
        pois.push((c.kind, c.id, to_poi(&c)));
    }
    let kept = dedupe_transit(transit, data, report);
    pois.extend(kept.iter().map(|c| (c.kind, c.id, to_poi(c))));

    let order = |k: char| match k {
        'n' => 0,
        'w' => 1,
        _ => 2,
    };
    branches.sort_by_key(|(k, id, _)| (order(*k), *id));
    pois.sort_by_key(|(k, id, _)| (order(*k), *id));
    for (_, _, p) in &pois {
        *report
            .pois_by_category
            .entry(p.category.clone())
            .or_default() += 1;
    }
    (
        branches.into_iter().map(|(_, _, b)| b).collect(),
        pois.into_iter().map(|(_, _, p)| p).collect(),
    )
}

fn to_poi(c: &Candidate) -> Poi {
    let brand = if c.category == "bank" {
        c.tags
            .get("brand")
            .or_else(|| c.tags.get("operator"))
            .or_else(|| c.tags.get("name"))
    } else {
        c.tags.get("brand")
    };
    Poi {
        poi_id: elem_id(c.kind, c.id),
        name: c.tags.get("name").unwrap_or_default().to_owned(),
        category: c.category.to_owned(),
        lon: c.at.x,
        lat: c.at.y,
        brand: brand.map(str::to_owned),
        opening_hours: c.tags.get("opening_hours").map(str::to_owned),
    }
}

fn dist_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let k = ((a.y + b.y) / 2.0).to_radians().cos();
    ((a.x - b.x) * k).hypot(a.y - b.y) * 111_195.0
}

/// Keeps one transit POI per stop (rules in the docs of `extract_city`).
fn dedupe_transit(
    cands: Vec<Candidate>,
    data: &OsmData,
    report: &mut ExtractReport,
) -> Vec<Candidate> {
    // Element → its stop areas.
    let mut areas: HashMap<(char, i64), Vec<i64>> = HashMap::new();
    for r in data
        .relations
        .iter()
        .filter(|r| r.tags.has("public_transport", "stop_area"))
    {
        for m in &r.members {
            let k = match m.kind {
                MemberKind::Node => 'n',
                MemberKind::Way => 'w',
                MemberKind::Relation => 'r',
            };
            areas.entry((k, m.id)).or_default().push(r.id);
        }
    }
    let kinds: Vec<TransitKind> = cands
        .iter()
        .map(|c| transit_kind(&c.tags).unwrap_or(TransitKind::Station))
        .collect();
    // Per-candidate facts computed once; neighbours found through a grid of STATION_M cells.
    let stop_areas: Vec<&[i64]> = cands
        .iter()
        .map(|c| areas.get(&(c.kind, c.id)).map_or(&[][..], Vec::as_slice))
        .collect();
    let names: Vec<Option<String>> = cands
        .iter()
        .map(|c| c.tags.get("name").map(fold_name))
        .collect();
    let grid = Grid::new(cands.iter().map(|c| c.at), STATION_M);
    let share_area = |i: usize, j: usize| stop_areas[i].iter().any(|r| stop_areas[j].contains(r));
    let name_ok = |i: usize, j: usize| match (&names[i], &names[j]) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    let mut areas_with_station: Vec<i64> = (0..cands.len())
        .filter(|&i| kinds[i] == TransitKind::Station)
        .flat_map(|i| stop_areas[i].iter().copied())
        .collect();
    areas_with_station.sort_unstable();
    let rail_part = |c: &Candidate| matches!(c.tags.get("railway"), Some("platform" | "stop"));
    let near_station = |i: usize| {
        grid.near(cands[i].at).any(|j| {
            kinds[j] == TransitKind::Station
                && dist_m(cands[i].at, cands[j].at) <= STATION_M
                && (share_area(i, j)
                    || match (&names[i], &names[j]) {
                        (Some(x), Some(y)) => x == y,
                        (None, _) => rail_part(&cands[i]),
                        _ => false,
                    })
        })
    };
    let mut keep = vec![true; cands.len()];
    for i in 0..cands.len() {
        if kinds[i] != TransitKind::Station
            && (stop_areas[i]
                .iter()
                .any(|r| areas_with_station.binary_search(r).is_ok())
                || near_station(i))
        {
            keep[i] = false;
            continue;
        }
        let dominated = |pred: &dyn Fn(usize) -> bool| {
            grid.near(cands[i].at).any(|j| {
                j != i
                    && pred(j)
                    && dist_m(cands[i].at, cands[j].at) <= SAME_STOP_M
                    && (share_area(i, j)
                        || (stop_areas[i].is_empty() || stop_areas[j].is_empty()) && name_ok(i, j))
            })
        };
        keep[i] = match kinds[i] {
            TransitKind::Station => true,
            TransitKind::StopPosition => !dominated(&|j| kinds[j] == TransitKind::Platform),
            TransitKind::Platform if cands[i].kind == 'w' => {
                !dominated(&|j| kinds[j] == TransitKind::Platform && cands[j].kind == 'n')
            }
            TransitKind::Platform => true,
        };
    }
    let before = cands.len();
    let kept: Vec<Candidate> = cands
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(c, _)| c)
        .collect();
    report.transit_duplicates = before - kept.len();
    kept
}

/// A uniform grid over points (cells at least `cell_m` metres wide) for neighbour queries.
struct Grid {
    cell_deg: f64,
    /// Longitude scale: cos of the largest |latitude|, so columns are wide enough everywhere.
    kx: f64,
    cells: HashMap<(i64, i64), Vec<usize>>,
}

impl Grid {
    fn new(points: impl Iterator<Item = Coord<f64>>, cell_m: f64) -> Self {
        let points: Vec<Coord<f64>> = points.collect();
        let max_lat = points
            .iter()
            .map(|p| p.y.abs())
            .fold(0.0, f64::max)
            .min(85.0);
        let mut g = Self {
            cell_deg: cell_m / 111_195.0,
            kx: max_lat.to_radians().cos(),
            cells: HashMap::new(),
        };
        for (i, p) in points.iter().enumerate() {
            let k = g.key(*p);
            g.cells.entry(k).or_default().push(i);
        }
        g
    }

    fn key(&self, p: Coord<f64>) -> (i64, i64) {
        (
            (p.x * self.kx / self.cell_deg).floor() as i64,
            (p.y / self.cell_deg).floor() as i64,
        )
    }

    /// Indices of points in the 3 × 3 cells around `p`: every point within `cell_m` of it.
    fn near(&self, p: Coord<f64>) -> impl Iterator<Item = usize> + '_ {
        let (cx, cy) = self.key(p);
        (-1..=1)
            .flat_map(move |dx| (-1..=1).map(move |dy| (cx + dx, cy + dy)))
            .filter_map(|k| self.cells.get(&k))
            .flatten()
            .copied()
    }
}

fn admin_areas(
    data: &OsmData,
    opts: &ExtractOptions,
    report: &mut ExtractReport,
) -> Vec<AdminArea> {
    let level: i64 = opts.admin_level.trim().parse().unwrap_or(i64::MAX);
    let mut builder = MultipolygonBuilder::new();
    if let Some(b) = &opts.boundary {
        builder = builder.close_along(b, opts.boundary_tolerance_m);
    }
    if let Some(m) = opts.chord_max_m {
        builder = builder.close_by_chord(m);
    }
    let admin_rels: Vec<_> = data
        .relations
        .iter()
        .filter(|r| r.tags.has("boundary", "administrative"))
        .collect();
    let at_level: Vec<_> = admin_rels
        .iter()
        .filter(|r| r.tags.get("admin_level") == Some(opts.admin_level.as_str()))
        .collect();
    let mut larger: Vec<String> = admin_rels
        .iter()
        .filter(|r| {
            r.tags
                .get("admin_level")
                .and_then(|l| l.trim().parse::<i64>().ok())
                .is_some_and(|l| l < level)
        })
        .filter_map(|r| r.tags.get("name").map(str::to_owned))
        .collect();
    larger.sort();
    larger.dedup();

    // `ref` is the code only when present on every area and unique.
    let refs: Vec<Option<&str>> = at_level.iter().map(|r| r.tags.get("ref")).collect();
    let mut uniq: Vec<&str> = refs.iter().flatten().copied().collect();
    uniq.sort_unstable();
    uniq.dedup();
    let use_ref = !refs.is_empty() && refs.iter().all(Option::is_some) && uniq.len() == refs.len();

    let mut areas = Vec::new();
    let mut reports = Vec::new();
    for (k, r) in at_level.iter().enumerate() {
        let built = builder.build(r, data);
        let code = match refs[k] {
            Some(code) if use_ref => code.to_owned(),
            _ => elem_id('r', r.id),
        };
        let name = r.tags.get("name").unwrap_or_default().to_owned();
        let ok = built.is_ok();
        reports.push(AdminReport {
            relation_id: r.id,
            code: code.clone(),
            name: name.clone(),
            area_km2: if ok {
                built.geometry.geodesic_area_unsigned() / 1e6
            } else {
                0.0
            },
            population: None,
            population_source: None,
            issues: built.issues,
            rejected: !ok,
        });
        if ok {
            areas.push(AdminArea {
                code,
                name,
                level: opts.admin_level.clone(),
                population: None,
                geometry: built.geometry,
            });
        }
    }
    if let Some(places) = &opts.places {
        let matches = join_population(&mut areas, places, &larger, &opts.name_variants);
        let mut used = vec![false; places.len()];
        for (area, m) in areas.iter().zip(&matches) {
            if let Some(rep) = reports.iter_mut().find(|r| r.code == area.code) {
                rep.population = area.population;
                rep.population_source = m.map(|PopulationMatch { place, rule }| {
                    used[place] = true;
                    format!("{} ({rule:?})", places[place].name)
                });
            }
        }
        report.unused_places = places
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(p, _)| p.name.clone())
            .collect();
    }
    report.parents = parent_checks(&admin_rels, &areas, &reports, &builder, data);
    report.larger_areas = larger;
    report.admin = reports;
    areas
}

/// Assembles each relation that lists the areas as `subarea` members and compares it with them.
fn parent_checks(
    admin_rels: &[&OsmRelation],
    areas: &[AdminArea],
    reports: &[AdminReport],
    builder: &MultipolygonBuilder,
    data: &OsmData,
) -> Vec<ParentCheck> {
    let ids: Vec<i64> = reports.iter().map(|r| r.relation_id).collect();
    let mut out = Vec::new();
    for parent in admin_rels {
        let children: Vec<i64> = parent
            .members
            .iter()
            .filter(|m| m.kind == MemberKind::Relation && ids.contains(&m.id))
            .map(|m| m.id)
            .collect();
        if children.is_empty() {
            continue;
        }
        let built = builder.build(parent, data);
        let geoms: Vec<&MultiPolygon<f64>> = reports
            .iter()
            .filter(|r| children.contains(&r.relation_id) && !r.rejected)
            .filter_map(|r| areas.iter().find(|a| a.code == r.code))
            .map(|a| &a.geometry)
            .collect();
        let union = unary_union(geoms.iter().copied());
        // Spherical areas: robust to the zero-width slivers boolean ops leave along shared
        // edges (geodesic areas of such degenerate rings are meaningless).
        let km2 = |g: &MultiPolygon<f64>| g.chamberlain_duquette_unsigned_area() / 1e6;
        let (area_km2, uncovered_km2) = if built.is_ok() {
            (
                Some(km2(&built.geometry)),
                Some(km2(&built.geometry.difference(&union))),
            )
        } else {
            (None, None)
        };
        out.push(ParentCheck {
            relation_id: parent.id,
            name: parent.tags.get("name").unwrap_or_default().to_owned(),
            admin_level: parent
                .tags
                .get("admin_level")
                .unwrap_or_default()
                .to_owned(),
            children: children.len(),
            area_km2,
            children_sum_km2: geoms.iter().map(|g| km2(g)).sum(),
            children_union_km2: km2(&union),
            uncovered_km2,
        });
    }
    out
}
