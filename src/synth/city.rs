//! The city model: weighted home and workplace sites, POIs and branches in a local metric frame.

use super::SynthError;
use super::category::{self, ACTIVITIES, Activity};
use super::hours::OpeningHours;
use crate::input::{Branch, Poi};
use osmpbf::{Element, ElementReader, RelMemberType};
use rand::Rng;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use std::collections::HashMap;
use std::path::Path;

/// Mean Earth radius, metres.
pub(crate) const EARTH_R: f64 = 6_371_008.8;
const MIN_HOME_SITES: usize = 20;
const MIN_WORK_SITES: usize = 5;

/// A local equirectangular frame around the city: metres east / north of an origin.
///
/// Exact enough for a city (under 0.1 % distance error within 50 km of the origin) and cheap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    lon0: f64,
    lat0: f64,
    kx: f64,
    ky: f64,
}

impl Frame {
    pub(crate) fn new(lon0: f64, lat0: f64) -> Self {
        let ky = EARTH_R * std::f64::consts::PI / 180.0;
        let kx = ky * lat0.to_radians().cos();
        Frame { lon0, lat0, kx, ky }
    }

    pub(crate) fn to_xy(self, lon: f64, lat: f64) -> [f64; 2] {
        [(lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky]
    }

    pub(crate) fn to_lonlat(self, p: [f64; 2]) -> (f64, f64) {
        (self.lon0 + p[0] / self.kx, self.lat0 + p[1] / self.ky)
    }
}

/// Euclidean distance in the local frame, metres.
pub(crate) fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// A point with a weight, in WGS-84: the input of [`City::from_sites`].
///
/// # Example
/// ```
/// use catchment::synth::WeightedPoint;
/// let p = WeightedPoint { lon: 7.42, lat: 43.73, weight: 250.0 };
/// assert!(p.weight > 0.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedPoint {
    /// WGS-84 longitude, degrees.
    pub lon: f64,
    /// WGS-84 latitude, degrees.
    pub lat: f64,
    /// Relative weight (floor area in m² for buildings).
    pub weight: f64,
}

/// Weighted sites sampled by a cumulative table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sites {
    pub xy: Vec<[f64; 2]>,
    /// Jitter radius around the site (half the building's size, capped), metres.
    pub radius: Vec<f32>,
    cum: Vec<f64>,
}

impl Sites {
    fn push(&mut self, xy: [f64; 2], weight: f64, radius: f64) {
        if weight.is_nan() || weight <= 0.0 || !xy[0].is_finite() || !xy[1].is_finite() {
            return;
        }
        let total = self.cum.last().copied().unwrap_or(0.0);
        self.xy.push(xy);
        self.radius.push(radius.clamp(3.0, 25.0) as f32);
        self.cum.push(total + weight);
    }

    pub(crate) fn len(&self) -> usize {
        self.xy.len()
    }

    /// A site index drawn in proportion to weight.
    pub(crate) fn draw(&self, rng: &mut impl Rng) -> usize {
        let total = *self.cum.last().expect("sites are never empty when drawn");
        let u = rng.random::<f64>() * total;
        self.cum.partition_point(|c| *c <= u).min(self.xy.len() - 1)
    }

    /// A point uniformly inside the jitter disc of a drawn site.
    pub(crate) fn draw_point(&self, rng: &mut impl Rng) -> [f64; 2] {
        let i = self.draw(rng);
        let r = f64::from(self.radius[i]) * rng.random::<f64>().sqrt();
        let a = rng.random::<f64>() * std::f64::consts::TAU;
        [self.xy[i][0] + r * a.cos(), self.xy[i][1] + r * a.sin()]
    }
}

/// A POI as the generator uses it.
#[derive(Debug, Clone)]
pub(crate) struct PoiSite {
    pub id: String,
    pub xy: [f64; 2],
    /// Row in the category table.
    pub cat: usize,
    pub hours: OpeningHours,
    /// A `bank` that is not one of the own branches' brands (nor within 25 m of an own branch).
    pub competitor: bool,
}

/// An own branch.
#[derive(Debug, Clone)]
pub(crate) struct BranchSite {
    pub id: String,
    pub xy: [f64; 2],
}

/// Which fallbacks [`City::from_osm`] had to use (its docs list them).
///
/// # Example
/// ```
/// use catchment::synth::Fallback;
/// assert_ne!(Fallback::None, Fallback::LanduseGrid);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fallback {
    /// Buildings were enough.
    None,
    /// Points on a grid inside landuse polygons were added.
    LanduseGrid,
    /// Homes from POI density; jobs from POIs.
    PoiDensity,
    /// Jobs placed at home sites (no workplace data at all).
    HomesAsJobs,
}

/// What went into a [`City`]: counts from the extract and the fallbacks used.
///
/// # Example
/// ```
/// # fn main() -> Result<(), catchment::synth::SynthError> {
/// use catchment::synth::{City, WeightedPoint};
/// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 1.0 }];
/// let city = City::from_sites(&homes, &homes, &[], &[])?;
/// assert_eq!(city.stats().home_sites, 1);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CityStats {
    /// Buildings in the extract (ways and multipolygon relations tagged `building`).
    pub buildings: usize,
    /// Buildings used as (at least partly) homes.
    pub home_buildings: usize,
    /// Buildings used as (at least partly) workplaces.
    pub work_buildings: usize,
    /// Tagged nodes used as workplaces.
    pub work_points: usize,
    /// Landuse polygons read.
    pub landuse_areas: usize,
    /// Home sites in the model (buildings plus fallback points).
    pub home_sites: usize,
    /// Workplace sites in the model.
    pub work_sites: usize,
    /// Home fallback used.
    pub home_fallback: Option<Fallback>,
    /// Workplace fallback used.
    pub work_fallback: Option<Fallback>,
    /// Total home floor area, m².
    pub home_floor_m2: f64,
    /// Total workplace floor-area equivalent, m².
    pub work_floor_m2: f64,
}

/// The synthetic city: where devices live and work, the POIs they visit and the own branches.
///
/// Build it once from an extract ([`City::from_osm`]) or from explicit sites
/// ([`City::from_sites`]), then pass it to [`generate`](super::generate) as often as needed.
///
/// # Example
/// ```no_run
/// # fn main() -> Result<(), catchment::synth::SynthError> {
/// use catchment::synth::City;
/// let city = City::from_osm("monaco.osm.pbf", &[], &[])?;
/// println!("{:?}", city.stats());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct City {
    pub(crate) frame: Frame,
    pub(crate) homes: Sites,
    pub(crate) works: Sites,
    pub(crate) pois: Vec<PoiSite>,
    pub(crate) branches: Vec<BranchSite>,
    /// Bounding box of everything, grown by 300 m: `[min_x, min_y, max_x, max_y]`.
    pub(crate) bounds: [f64; 4],
    stats: CityStats,
}

impl City {
    /// Reads an OSM extract and builds the city model around the given branches and POIs.
    ///
    /// # How the extract is read
    /// [`City::from_osm`] reads the `.osm.pbf` in up to three passes (tagged nodes, ways and
    /// multipolygon relations; then the untagged outer ways of those relations; then the coordinates
    /// of every node the kept ways use) and keeps only what the model needs.
    ///
    /// **Homes** are buildings, each weighted by its floor area = footprint area ×
    /// `building:levels` (default by type: apartments 5, residential / dormitory 4, house-like 2,
    /// anything else 3):
    /// - `building=house|residential|apartments|detached|terrace|semidetached_house|dormitory|bungalow|farm|villa`
    ///   are homes;
    /// - `building=yes` (or an unlisted value) is a home inside `landuse=residential`, a workplace
    ///   inside `landuse=commercial|retail|industrial` or when it carries a `shop`, `office`, `amenity`
    ///   or `craft` tag, and **mixed** otherwise: half its floor area counts as homes, half as jobs
    ///   (dense city centres are mostly unclassified `building=yes`).
    ///
    /// **Workplaces** are buildings tagged `office|commercial|retail|industrial|warehouse|school|
    /// hospital|hotel|public|civic|government|…` (floor area) plus point features: `office=*` (400 m²
    /// equivalent), `shop=*`, job-bearing `amenity=*` and `tourism=*` (the per-category `jobs_m2` of
    /// the table in the [`synth`](super) module docs: supermarket 800, mall 4000, school 2500, hospital 3000, …),
    /// `craft=*` (100). Non-dwellings (`construction`, `roof`, `garage`, `shed`, churches, …) are
    /// skipped.
    ///
    /// **Fallbacks** for thin extracts, in order, each used only when the previous step yields
    /// fewer than 20 home sites (5 workplace sites):
    /// 1. points on a 50 m grid inside `landuse=residential` (homes) or
    ///    `landuse=commercial|retail|industrial` (jobs), each weighing 2,500 m² × 3 levels;
    /// 2. points on a 100 m grid over the POIs' bounding box grown by 200 m, each weighted by the number of POIs
    ///    within 400 m (homes: "people live where the shops are"); jobs fall back to the POIs
    ///    themselves (their `jobs_m2`) and finally to the home sites.
    ///
    /// Multipolygon relations are assembled from their outer ways (inner rings are ignored: a
    /// courtyard does not change a building's weight much); ways and rings that do not close are
    /// skipped.
    ///
    /// POIs keep the default opening hours of their category; see
    /// [`City::with_opening_hours`] to set real ones.
    ///
    /// # Errors
    /// [`SynthError::Osm`] when the file cannot be read or decoded (naming it);
    /// [`SynthError::EmptyCity`] when neither the extract nor the POIs give anywhere to live.
    ///
    /// # Performance
    /// Three sequential passes over the file; memory holds the kept ways' node ids and their
    /// coordinates only (a few MB for a large city).
    ///
    /// # Example
    /// ```no_run
    /// # fn main() -> Result<(), catchment::synth::SynthError> {
    /// use catchment::synth::City;
    /// let city = City::from_osm("monaco.osm.pbf", &[], &[])?;
    /// assert!(city.stats().buildings > 1000);
    /// # Ok(()) }
    /// ```
    pub fn from_osm(
        pbf: impl AsRef<Path>,
        branches: &[Branch],
        pois: &[Poi],
    ) -> Result<City, SynthError> {
        let pbf = pbf.as_ref();
        let raw = read_pbf(pbf)?;
        City::from_raw(raw, branches, pois)
    }

    /// Builds a city from explicit home and workplace points (no OSM), e.g. from a census grid.
    ///
    /// # Errors
    /// [`SynthError::EmptyCity`] when no home has a positive weight; [`SynthError::Invalid`] for a
    /// non-finite coordinate.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), catchment::synth::SynthError> {
    /// use catchment::synth::{City, WeightedPoint};
    /// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 100.0 }];
    /// let jobs = [WeightedPoint { lon: 7.43, lat: 43.74, weight: 50.0 }];
    /// let city = City::from_sites(&homes, &jobs, &[], &[])?;
    /// assert_eq!(city.stats().work_sites, 1);
    /// # Ok(()) }
    /// ```
    pub fn from_sites(
        homes: &[WeightedPoint],
        workplaces: &[WeightedPoint],
        branches: &[Branch],
        pois: &[Poi],
    ) -> Result<City, SynthError> {
        for p in homes.iter().chain(workplaces) {
            if !p.lon.is_finite() || !p.lat.is_finite() || !p.weight.is_finite() {
                return Err(SynthError::Invalid(format!(
                    "site ({}, {}) has a non-finite coordinate or weight",
                    p.lon, p.lat
                )));
            }
        }
        let frame = frame_around(homes.iter().map(|p| (p.lon, p.lat)))
            .ok_or(SynthError::EmptyCity("no home sites given".into()))?;
        let mut h = Sites::default();
        let mut w = Sites::default();
        for p in homes {
            h.push(frame.to_xy(p.lon, p.lat), p.weight, 10.0);
        }
        for p in workplaces {
            w.push(frame.to_xy(p.lon, p.lat), p.weight, 10.0);
        }
        let stats = CityStats {
            home_sites: h.len(),
            work_sites: w.len(),
            ..CityStats::default()
        };
        City::assemble(frame, h, w, branches, pois, stats)
    }

    /// Replaces the opening hours of POIs by id (e.g. parsed from an `opening_hours` column);
    /// ids not in the city are ignored. Returns how many POIs were updated.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), catchment::synth::SynthError> {
    /// use catchment::synth::{City, OpeningHours, WeightedPoint};
    /// use catchment::Poi;
    /// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 1.0 }];
    /// let poi = Poi { poi_id: "p1".into(), name: "Spar".into(), category: "supermarket".into(),
    ///                 lon: 7.421, lat: 43.731, brand: None, opening_hours: None };
    /// let mut city = City::from_sites(&homes, &homes, &[], &[poi])?;
    /// let hours = OpeningHours::parse("Mo-Sa 07:30-20:00").expect("parses");
    /// assert_eq!(city.with_opening_hours([("p1", hours)]), 1);
    /// # Ok(()) }
    /// ```
    pub fn with_opening_hours<'a>(
        &mut self,
        hours: impl IntoIterator<Item = (&'a str, OpeningHours)>,
    ) -> usize {
        let index: HashMap<&str, usize> = self
            .pois
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect();
        let mut updates = Vec::new();
        for (id, h) in hours {
            if let Some(&i) = index.get(id) {
                updates.push((i, h));
            }
        }
        let n = updates.len();
        for (i, h) in updates {
            self.pois[i].hours = h;
        }
        n
    }

    /// What went into the model.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), catchment::synth::SynthError> {
    /// use catchment::synth::{City, WeightedPoint};
    /// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 1.0 }];
    /// let city = City::from_sites(&homes, &[], &[], &[])?;
    /// assert_eq!(city.stats().work_fallback, Some(catchment::synth::Fallback::HomesAsJobs));
    /// # Ok(()) }
    /// ```
    pub fn stats(&self) -> &CityStats {
        &self.stats
    }

    /// Number of POIs in the model.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), catchment::synth::SynthError> {
    /// use catchment::synth::{City, WeightedPoint};
    /// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 1.0 }];
    /// assert_eq!(City::from_sites(&homes, &homes, &[], &[])?.poi_count(), 0);
    /// # Ok(()) }
    /// ```
    pub fn poi_count(&self) -> usize {
        self.pois.len()
    }

    /// WGS-84 bounding box of the model `(min_lon, min_lat, max_lon, max_lat)`, grown by 300 m.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), catchment::synth::SynthError> {
    /// use catchment::synth::{City, WeightedPoint};
    /// let homes = [WeightedPoint { lon: 7.42, lat: 43.73, weight: 1.0 }];
    /// let (x0, y0, x1, y1) = City::from_sites(&homes, &homes, &[], &[])?.bbox();
    /// assert!(x0 < 7.42 && 7.42 < x1 && y0 < 43.73 && 43.73 < y1);
    /// # Ok(()) }
    /// ```
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        let (a, b) = self.frame.to_lonlat([self.bounds[0], self.bounds[1]]);
        let (c, d) = self.frame.to_lonlat([self.bounds[2], self.bounds[3]]);
        (a, b, c, d)
    }

    fn from_raw(raw: RawOsm, branches: &[Branch], pois: &[Poi]) -> Result<City, SynthError> {
        let frame = frame_around(raw.coords.iter().map(|c| (c.0, c.1)))
            .or_else(|| frame_around(pois.iter().map(|p| (p.lon, p.lat))))
            .or_else(|| frame_around(branches.iter().map(|b| (b.lon, b.lat))))
            .ok_or(SynthError::EmptyCity(
                "the extract has no nodes and no POIs were given".into(),
            ))?;
        let mut stats = CityStats {
            buildings: raw.buildings,
            ..CityStats::default()
        };

        // Rings in the local frame.
        let ring_xy = |refs: &[i64]| -> Option<Vec<[f64; 2]>> {
            let mut out = Vec::with_capacity(refs.len());
            for r in refs {
                let i = raw.ids.binary_search(r).ok()?;
                let (lon, lat) = raw.coords[i];
                out.push(frame.to_xy(lon, lat));
            }
            (out.len() >= 4 && out.first() == out.last()).then_some(out)
        };

        // Landuse polygons with an envelope index.
        let mut landuse: Vec<(Landuse, Vec<[f64; 2]>)> = Vec::new();
        for a in &raw.areas {
            if let AreaKind::Landuse(l) = a.kind {
                for ring in &a.rings {
                    if let Some(xy) = ring_xy(ring) {
                        landuse.push((l, xy));
                    }
                }
            }
        }
        stats.landuse_areas = landuse.len();
        let tree = RTree::bulk_load(
            landuse
                .iter()
                .enumerate()
                .map(|(i, (_, ring))| GeomWithData::new(envelope(ring), i))
                .collect(),
        );
        let landuse_at = |p: [f64; 2]| -> Option<Landuse> {
            tree.locate_all_at_point(&p)
                .filter(|g| point_in_ring(p, &landuse[g.data].1))
                .map(|g| landuse[g.data].0)
                .min()
        };

        let mut homes = Sites::default();
        let mut works = Sites::default();
        for a in &raw.areas {
            let AreaKind::Building(class) = a.kind else {
                continue;
            };
            let (mut area, mut cx, mut cy) = (0.0, 0.0, 0.0);
            for ring in &a.rings {
                if let Some(xy) = ring_xy(ring) {
                    let (ar, c) = ring_area_centroid(&xy);
                    area += ar;
                    cx += c[0] * ar;
                    cy += c[1] * ar;
                }
            }
            if area <= 1.0 {
                continue;
            }
            let c = [cx / area, cy / area];
            let floor = area * f64::from(a.levels.unwrap_or(3.0));
            let radius = area.sqrt() / 2.0;
            let (home_share, work_share) = match class {
                BuildingClass::Home => (1.0, 0.0),
                BuildingClass::Work => (0.0, 1.0),
                BuildingClass::Generic { tagged_work: true } => (0.0, 1.0),
                BuildingClass::Generic { tagged_work: false } => match landuse_at(c) {
                    Some(Landuse::Residential) => (1.0, 0.0),
                    Some(Landuse::Work) => (0.0, 1.0),
                    None => (0.5, 0.5),
                },
            };
            if home_share > 0.0 {
                homes.push(c, floor * home_share, radius);
                stats.home_buildings += 1;
                stats.home_floor_m2 += floor * home_share;
            }
            if work_share > 0.0 {
                works.push(c, floor * work_share, radius);
                stats.work_buildings += 1;
                stats.work_floor_m2 += floor * work_share;
            }
        }
        for p in &raw.work_points {
            works.push(frame.to_xy(p.lon, p.lat), p.weight, 10.0);
            stats.work_points += 1;
            stats.work_floor_m2 += p.weight;
        }

        // Fallback 1: landuse grids.
        if homes.len() < MIN_HOME_SITES {
            grid_in_landuse(&landuse, Landuse::Residential, &mut homes);
            stats.home_fallback = Some(Fallback::LanduseGrid);
        }
        if works.len() < MIN_WORK_SITES {
            grid_in_landuse(&landuse, Landuse::Work, &mut works);
            stats.work_fallback = Some(Fallback::LanduseGrid);
        }
        let poi_xy: Vec<[f64; 2]> = pois.iter().map(|p| frame.to_xy(p.lon, p.lat)).collect();
        // Fallback 2: POI density.
        if homes.len() < MIN_HOME_SITES && !poi_xy.is_empty() {
            poi_density_grid(&poi_xy, &mut homes);
            stats.home_fallback = Some(Fallback::PoiDensity);
        }
        if works.len() < MIN_WORK_SITES && !pois.is_empty() {
            for (p, xy) in pois.iter().zip(&poi_xy) {
                works.push(
                    *xy,
                    f64::from(category::TABLE[category::lookup(&p.category)].jobs_m2),
                    10.0,
                );
            }
            stats.work_fallback = Some(Fallback::PoiDensity);
        }
        stats.home_sites = homes.len();
        stats.work_sites = works.len();
        City::assemble(frame, homes, works, branches, pois, stats)
    }

    /// Final steps shared by both constructors: job fallbacks, POIs, branches, bounds.
    fn assemble(
        frame: Frame,
        homes: Sites,
        mut works: Sites,
        branches: &[Branch],
        pois: &[Poi],
        mut stats: CityStats,
    ) -> Result<City, SynthError> {
        if homes.len() == 0 {
            return Err(SynthError::EmptyCity(
                "no residential buildings, residential landuse or POIs to place homes".into(),
            ));
        }
        let branch_sites: Vec<BranchSite> = branches
            .iter()
            .map(|b| BranchSite {
                id: b.branch_id.clone(),
                xy: frame.to_xy(b.lon, b.lat),
            })
            .collect();
        let own_brands: Vec<String> = branches
            .iter()
            .filter_map(|b| b.brand.as_ref())
            .map(|s| s.trim().to_lowercase())
            .collect();
        let poi_sites: Vec<PoiSite> = pois
            .iter()
            .map(|p| {
                let xy = frame.to_xy(p.lon, p.lat);
                let cat = category::lookup(&p.category);
                let own = p
                    .brand
                    .as_ref()
                    .is_some_and(|b| own_brands.contains(&b.trim().to_lowercase()))
                    || branch_sites.iter().any(|b| dist(b.xy, xy) < 25.0);
                PoiSite {
                    id: p.poi_id.clone(),
                    xy,
                    cat,
                    hours: category::default_hours(cat),
                    competitor: category::is_bank(cat) && !own,
                }
            })
            .collect();
        if works.len() == 0 {
            works = homes.clone();
            stats.work_fallback = Some(Fallback::HomesAsJobs);
        }
        stats.home_sites = homes.len();
        stats.work_sites = works.len();

        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let all = homes
            .xy
            .iter()
            .chain(&works.xy)
            .chain(poi_sites.iter().map(|p| &p.xy))
            .chain(branch_sites.iter().map(|p| &p.xy));
        for p in all {
            b = [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ];
        }
        let bounds = [b[0] - 300.0, b[1] - 300.0, b[2] + 300.0, b[3] + 300.0];
        Ok(City {
            frame,
            homes,
            works,
            pois: poi_sites,
            branches: branch_sites,
            bounds,
            stats,
        })
    }

    /// Distance from a local point to the nearest own branch, metres (`None` without branches).
    pub(crate) fn nearest_branch_m(&self, p: [f64; 2]) -> Option<f64> {
        self.branches
            .iter()
            .map(|b| dist(b.xy, p))
            .min_by(f64::total_cmp)
    }

    /// A uniformly random point on the model's bounding box: where visitors enter and leave.
    pub(crate) fn edge_point(&self, rng: &mut impl Rng) -> [f64; 2] {
        let [x0, y0, x1, y1] = self.bounds;
        let (w, h) = (x1 - x0, y1 - y0);
        let u = rng.random::<f64>() * 2.0 * (w + h);
        if u < w {
            [x0 + u, y0]
        } else if u < w + h {
            [x1, y0 + (u - w)]
        } else if u < 2.0 * w + h {
            [x1 - (u - w - h), y1]
        } else {
            [x0, y1 - (u - 2.0 * w - h)]
        }
    }
}

fn frame_around(points: impl Iterator<Item = (f64, f64)>) -> Option<Frame> {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut any = false;
    for (x, y) in points {
        if x.is_finite() && y.is_finite() {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            any = true;
        }
    }
    any.then(|| Frame::new((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0))
}

fn envelope(ring: &[[f64; 2]]) -> Rectangle<[f64; 2]> {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for p in ring {
        lo = [lo[0].min(p[0]), lo[1].min(p[1])];
        hi = [hi[0].max(p[0]), hi[1].max(p[1])];
    }
    Rectangle::from_aabb(AABB::from_corners(lo, hi))
}

/// Even-odd point in a closed ring.
fn point_in_ring(p: [f64; 2], ring: &[[f64; 2]]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
            if p[0] < x {
                inside = !inside;
            }
        }
    }
    inside
}

/// Absolute area (m²) and centroid of a closed ring.
fn ring_area_centroid(ring: &[[f64; 2]]) -> (f64, [f64; 2]) {
    let o = ring[0];
    let (mut a2, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for w in ring.windows(2) {
        let (x0, y0) = (w[0][0] - o[0], w[0][1] - o[1]);
        let (x1, y1) = (w[1][0] - o[0], w[1][1] - o[1]);
        let cross = x0 * y1 - x1 * y0;
        a2 += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if a2.abs() < 1e-9 {
        return (0.0, o);
    }
    (
        a2.abs() / 2.0,
        [o[0] + cx / (3.0 * a2), o[1] + cy / (3.0 * a2)],
    )
}

fn grid_in_landuse(landuse: &[(Landuse, Vec<[f64; 2]>)], kind: Landuse, out: &mut Sites) {
    const STEP: f64 = 50.0;
    for (l, ring) in landuse {
        if *l != kind {
            continue;
        }
        let env = envelope(ring);
        let (lo, hi) = (env.lower(), env.upper());
        let mut y = (lo[1] / STEP).floor() * STEP + STEP / 2.0;
        while y < hi[1] {
            let mut x = (lo[0] / STEP).floor() * STEP + STEP / 2.0;
            while x < hi[0] {
                if point_in_ring([x, y], ring) {
                    out.push([x, y], STEP * STEP * 3.0, STEP / 2.0);
                }
                x += STEP;
            }
            y += STEP;
        }
    }
}

fn poi_density_grid(pois: &[[f64; 2]], out: &mut Sites) {
    const STEP: f64 = 100.0;
    const REACH: f64 = 400.0;
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for p in pois {
        lo = [lo[0].min(p[0]), lo[1].min(p[1])];
        hi = [hi[0].max(p[0]), hi[1].max(p[1])];
    }
    // Half the reach around the POIs: people live next to the shops, not only between them.
    let (lo, hi) = (
        [lo[0] - REACH / 2.0, lo[1] - REACH / 2.0],
        [hi[0] + REACH / 2.0, hi[1] + REACH / 2.0],
    );
    let mut y = lo[1];
    while y <= hi[1] + STEP / 2.0 {
        let mut x = lo[0];
        while x <= hi[0] + STEP / 2.0 {
            let n = pois.iter().filter(|p| dist(**p, [x, y]) <= REACH).count();
            out.push([x, y], n as f64, STEP / 2.0);
            x += STEP;
        }
        y += STEP;
    }
}

// ---------------------------------------------------------------------------------------------
// PBF reading.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Landuse {
    /// Ordered so that residential wins where landuses overlap.
    Residential,
    Work,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BuildingClass {
    Home,
    Work,
    /// `building=yes` and unlisted values; `tagged_work` when it carries shop/office/amenity/craft.
    Generic {
        tagged_work: bool,
    },
}

#[derive(Debug, Clone, Copy)]
enum AreaKind {
    Building(BuildingClass),
    Landuse(Landuse),
}

#[derive(Debug)]
struct RawArea {
    kind: AreaKind,
    levels: Option<f32>,
    /// Closed rings as node ids (ways), or outer member way ids to assemble (relations).
    rings: Vec<Vec<i64>>,
}

#[derive(Debug, Clone, Copy)]
struct RawPoint {
    lon: f64,
    lat: f64,
    weight: f64,
}

#[derive(Debug, Default)]
struct RawOsm {
    areas: Vec<RawArea>,
    work_points: Vec<RawPoint>,
    buildings: usize,
    /// Sorted node ids the areas use, and their coordinates.
    ids: Vec<i64>,
    coords: Vec<(f64, f64)>,
}

const HOME_TYPES: &[&str] = &[
    "house",
    "residential",
    "apartments",
    "detached",
    "terrace",
    "semidetached_house",
    "dormitory",
    "bungalow",
    "farm",
    "villa",
    "static_caravan",
];
const WORK_TYPES: &[&str] = &[
    "office",
    "commercial",
    "retail",
    "industrial",
    "warehouse",
    "supermarket",
    "kiosk",
    "school",
    "college",
    "university",
    "kindergarten",
    "hospital",
    "public",
    "civic",
    "government",
    "hotel",
    "train_station",
    "transportation",
    "fire_station",
    "stadium",
    "sports_centre",
    "sports_hall",
    "restaurant",
    "bank",
    "manufacture",
    "factory",
    "mall",
    "shop",
    "clinic",
];
const SKIP_TYPES: &[&str] = &[
    "construction",
    "roof",
    "garage",
    "garages",
    "shed",
    "greenhouse",
    "hangar",
    "barn",
    "carport",
    "church",
    "chapel",
    "cathedral",
    "mosque",
    "temple",
    "shrine",
    "synagogue",
    "ruins",
    "bunker",
    "service",
    "hut",
    "bridge",
    "toilets",
    "parking",
    "no",
    "cowshed",
    "stable",
    "silo",
    "storage_tank",
    "tent",
    "container",
    "transformer_tower",
    "water_tower",
    "grandstand",
    "collapsed",
    "demolished",
    "proposed",
    "abandoned",
];

/// Default levels by building type, when `building:levels` is absent.
fn default_levels(building: &str) -> f32 {
    match building {
        "apartments" => 5.0,
        "residential" | "dormitory" => 4.0,
        "house" | "detached" | "terrace" | "semidetached_house" | "bungalow" | "farm" | "villa" => {
            2.0
        }
        "retail" | "supermarket" | "industrial" | "warehouse" | "kiosk" | "static_caravan" => 1.0,
        _ => 3.0,
    }
}

fn classify_building(building: &str, has_work_tag: bool) -> Option<BuildingClass> {
    if SKIP_TYPES.contains(&building) {
        None
    } else if HOME_TYPES.contains(&building) {
        Some(BuildingClass::Home)
    } else if WORK_TYPES.contains(&building) {
        Some(BuildingClass::Work)
    } else {
        Some(BuildingClass::Generic {
            tagged_work: has_work_tag,
        })
    }
}

/// What a tagged feature contributes: building/landuse kind, levels; or a workplace point weight.
#[derive(Default)]
struct Tags {
    building: Option<String>,
    landuse: Option<Landuse>,
    levels: Option<f32>,
    work_weight: Option<f64>,
    multipolygon: bool,
}

fn bump(w: &mut Option<f64>, v: f64) {
    *w = Some(w.map_or(v, |x| x.max(v)));
}

fn read_tags<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    let mut t = Tags::default();
    for (k, v) in tags {
        match k {
            "building" => t.building = Some(v.to_string()),
            "building:levels" => {
                t.levels = v
                    .trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|l| l.is_finite() && *l >= 0.0)
                    .map(|l| l.clamp(1.0, 100.0))
            }
            "landuse" => {
                t.landuse = match v {
                    "residential" => Some(Landuse::Residential),
                    "commercial" | "retail" | "industrial" => Some(Landuse::Work),
                    _ => None,
                }
            }
            "type" if v == "multipolygon" => t.multipolygon = true,
            "office" => bump(&mut t.work_weight, 400.0),
            "craft" => bump(&mut t.work_weight, 100.0),
            "shop" => {
                let w = f64::from(category::TABLE[category::lookup(v)].jobs_m2);
                bump(&mut t.work_weight, w.max(100.0));
            }
            "amenity" | "tourism" | "leisure" | "healthcare" => {
                let cat = category::lookup(v);
                let w = if cat != category::default_index() {
                    f64::from(category::TABLE[cat].jobs_m2)
                } else if matches!(
                    v,
                    "townhall"
                        | "police"
                        | "courthouse"
                        | "library"
                        | "fire_station"
                        | "community_centre"
                        | "social_facility"
                        | "public_building"
                ) {
                    800.0
                } else {
                    0.0
                };
                if w > 0.0 {
                    bump(&mut t.work_weight, w);
                }
            }
            _ => {}
        }
    }
    t
}

fn osm_err(path: &Path) -> impl Fn(osmpbf::Error) -> SynthError + '_ {
    move |e| SynthError::Osm {
        path: path.to_path_buf(),
        source: Box::new(e),
    }
}

/// Relation waiting for its outer ways.
struct PendingRelation {
    area: usize,
    outers: Vec<i64>,
}

fn read_pbf(path: &Path) -> Result<RawOsm, SynthError> {
    let mut raw = RawOsm::default();
    let mut pending: Vec<PendingRelation> = Vec::new();
    // Ways kept in pass 1 (their refs), by id, so relations can reuse them.
    let mut way_refs: HashMap<i64, Vec<i64>> = HashMap::new();

    // Pass 1: tagged nodes, buildings/landuse ways, multipolygon relations.
    ElementReader::from_path(path)
        .map_err(osm_err(path))?
        .for_each(|el| {
            let mut node = |tags: Tags, lon: f64, lat: f64| {
                if let Some(w) = tags.work_weight {
                    raw.work_points.push(RawPoint {
                        lon,
                        lat,
                        weight: w,
                    });
                }
            };
            match el {
                Element::Node(n) => node(read_tags(n.tags()), n.lon(), n.lat()),
                Element::DenseNode(n) => node(read_tags(n.tags()), n.lon(), n.lat()),
                Element::Way(w) => {
                    let t = read_tags(w.tags());
                    let kind = match (&t.building, t.landuse) {
                        (Some(b), _) => {
                            raw.buildings += 1;
                            classify_building(b, t.work_weight.is_some()).map(AreaKind::Building)
                        }
                        (None, Some(l)) => Some(AreaKind::Landuse(l)),
                        _ => None,
                    };
                    let refs: Vec<i64> = w.refs().collect();
                    if let Some(kind) = kind {
                        let levels = t
                            .levels
                            .or_else(|| t.building.as_deref().map(default_levels));
                        raw.areas.push(RawArea {
                            kind,
                            levels,
                            rings: vec![refs.clone()],
                        });
                    }
                    way_refs.insert(w.id(), refs);
                }
                Element::Relation(r) => {
                    let t = read_tags(r.tags());
                    if !t.multipolygon {
                        // Still a building for the count (e.g. `type=building` relations).
                        raw.buildings += usize::from(t.building.is_some());
                        return;
                    }
                    let kind = match (&t.building, t.landuse) {
                        (Some(b), _) => {
                            raw.buildings += 1;
                            classify_building(b, t.work_weight.is_some()).map(AreaKind::Building)
                        }
                        (None, Some(l)) => Some(AreaKind::Landuse(l)),
                        _ => None,
                    };
                    let Some(kind) = kind else { return };
                    let outers: Vec<i64> = r
                        .members()
                        .filter(|m| {
                            m.member_type == RelMemberType::Way
                                && matches!(m.role(), Ok("outer") | Ok(""))
                        })
                        .map(|m| m.member_id)
                        .collect();
                    let levels = t
                        .levels
                        .or_else(|| t.building.as_deref().map(default_levels));
                    raw.areas.push(RawArea {
                        kind,
                        levels,
                        rings: Vec::new(),
                    });
                    pending.push(PendingRelation {
                        area: raw.areas.len() - 1,
                        outers,
                    });
                }
            }
        })
        .map_err(osm_err(path))?;

    // Keeping every way's refs is wasteful for a big extract; only what relations need survives.
    let mut needed: Vec<i64> = pending
        .iter()
        .flat_map(|p| p.outers.iter().copied())
        .collect();
    needed.sort_unstable();
    needed.dedup();
    way_refs.retain(|id, _| needed.binary_search(id).is_ok());
    // Pass 2 only if a relation's outer way was not seen (PBF order: relations after ways, so all
    // ways were seen already; this covers files that are not sorted).
    let missing: Vec<i64> = needed
        .iter()
        .copied()
        .filter(|id| !way_refs.contains_key(id))
        .collect();
    if !missing.is_empty() {
        ElementReader::from_path(path)
            .map_err(osm_err(path))?
            .for_each(|el| {
                if let Element::Way(w) = el
                    && missing.binary_search(&w.id()).is_ok()
                {
                    way_refs.insert(w.id(), w.refs().collect());
                }
            })
            .map_err(osm_err(path))?;
    }
    for p in &pending {
        let parts: Vec<&[i64]> = p
            .outers
            .iter()
            .filter_map(|id| way_refs.get(id).map(Vec::as_slice))
            .collect();
        raw.areas[p.area].rings = assemble_rings(&parts);
    }
    raw.areas.retain(|a| !a.rings.is_empty());

    // Pass 3: coordinates of every node the areas use.
    let mut ids: Vec<i64> = raw
        .areas
        .iter()
        .flat_map(|a| a.rings.iter().flatten().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut coords = vec![(f64::NAN, f64::NAN); ids.len()];
    ElementReader::from_path(path)
        .map_err(osm_err(path))?
        .for_each(|el| {
            let (id, lon, lat) = match el {
                Element::Node(n) => (n.id(), n.lon(), n.lat()),
                Element::DenseNode(n) => (n.id(), n.lon(), n.lat()),
                _ => return,
            };
            if let Ok(i) = ids.binary_search(&id) {
                coords[i] = (lon, lat);
            }
        })
        .map_err(osm_err(path))?;
    // Drop ids whose node is missing from the extract (clipped ways).
    let mut keep_ids = Vec::with_capacity(ids.len());
    let mut keep_coords = Vec::with_capacity(ids.len());
    for (id, c) in ids.into_iter().zip(coords) {
        if c.0.is_finite() {
            keep_ids.push(id);
            keep_coords.push(c);
        }
    }
    raw.ids = keep_ids;
    raw.coords = keep_coords;
    Ok(raw)
}

/// Joins way node lists end to end into closed rings; unclosable pieces are dropped.
fn assemble_rings(parts: &[&[i64]]) -> Vec<Vec<i64>> {
    let mut used = vec![false; parts.len()];
    let mut rings = Vec::new();
    for start in 0..parts.len() {
        if used[start] || parts[start].len() < 2 {
            continue;
        }
        used[start] = true;
        let mut ring: Vec<i64> = parts[start].to_vec();
        while ring.first() != ring.last() {
            let end = *ring.last().expect("non-empty");
            let next = (0..parts.len()).find(|&j| {
                !used[j]
                    && parts[j].len() >= 2
                    && (parts[j][0] == end || parts[j][parts[j].len() - 1] == end)
            });
            let Some(j) = next else { break };
            used[j] = true;
            if parts[j][0] == end {
                ring.extend_from_slice(&parts[j][1..]);
            } else {
                ring.extend(parts[j].iter().rev().skip(1));
            }
        }
        if ring.len() >= 4 && ring.first() == ring.last() {
            rings.push(ring);
        }
    }
    rings
}

/// The per-run POI index: a grid of POI cells and, per anchor cell and activity, a cumulative
/// table over nearby POI cells weighted by `weight × exp(-d / decay)`.
#[derive(Debug)]
pub(crate) struct PoiIndex {
    origin: [f64; 2],
    cell: f64,
    nx: usize,
    ny: usize,
    decay: f64,
    reach: f64,
    cells: Vec<PoiCell>,
    anchors: Vec<std::sync::OnceLock<AnchorTable>>,
}

#[derive(Debug)]
struct PoiCell {
    centre: [f64; 2],
    pois: Vec<u32>,
    cum: [Vec<f32>; ACTIVITIES],
}

#[derive(Debug, Default)]
struct AnchorTable {
    cells: Vec<u32>,
    cum: Vec<f64>,
}

impl PoiIndex {
    /// Builds the index for a decay length (metres).
    pub(crate) fn new(city: &City, decay_m: f64) -> PoiIndex {
        let [x0, y0, x1, y1] = city.bounds;
        let area = (x1 - x0) * (y1 - y0);
        // 500 m cells, coarser for huge extracts so the grid stays under ~250k cells.
        let cell = 500f64.max((area / 250_000.0).sqrt());
        let nx = (((x1 - x0) / cell).ceil() as usize).max(1);
        let ny = (((y1 - y0) / cell).ceil() as usize).max(1);
        let mut by_cell: HashMap<usize, Vec<u32>> = HashMap::new();
        for (i, p) in city.pois.iter().enumerate() {
            let c = Self::cell_of([x0, y0], cell, nx, ny, p.xy);
            by_cell.entry(c).or_default().push(i as u32);
        }
        let mut keys: Vec<usize> = by_cell.keys().copied().collect();
        keys.sort_unstable();
        let cells = keys
            .into_iter()
            .map(|k| {
                let pois = by_cell.remove(&k).unwrap_or_default();
                let cum = std::array::from_fn(|a| {
                    let mut t = 0f32;
                    pois.iter()
                        .map(|&p| {
                            t += category::TABLE[city.pois[p as usize].cat].weights[a];
                            t
                        })
                        .collect()
                });
                let (ix, iy) = (k % nx, k / nx);
                let centre = [x0 + (ix as f64 + 0.5) * cell, y0 + (iy as f64 + 0.5) * cell];
                PoiCell { centre, pois, cum }
            })
            .collect();
        let anchors = (0..nx * ny * ACTIVITIES)
            .map(|_| std::sync::OnceLock::new())
            .collect();
        PoiIndex {
            origin: [x0, y0],
            cell,
            nx,
            ny,
            decay: decay_m.max(1.0),
            reach: 3.0 * decay_m.max(1.0) + cell,
            cells,
            anchors,
        }
    }

    fn cell_of(origin: [f64; 2], cell: f64, nx: usize, ny: usize, p: [f64; 2]) -> usize {
        let ix = (((p[0] - origin[0]) / cell).floor().max(0.0) as usize).min(nx - 1);
        let iy = (((p[1] - origin[1]) / cell).floor().max(0.0) as usize).min(ny - 1);
        iy * nx + ix
    }

    fn table(&self, anchor: [f64; 2], a: Activity) -> &AnchorTable {
        let c = Self::cell_of(self.origin, self.cell, self.nx, self.ny, anchor);
        self.anchors[c * ACTIVITIES + a as usize].get_or_init(|| {
            let centre = [
                self.origin[0] + ((c % self.nx) as f64 + 0.5) * self.cell,
                self.origin[1] + ((c / self.nx) as f64 + 0.5) * self.cell,
            ];
            let build = |limit: f64| {
                let mut t = AnchorTable::default();
                let mut total = 0.0;
                for (i, pc) in self.cells.iter().enumerate() {
                    let w = f64::from(pc.cum[a as usize].last().copied().unwrap_or(0.0));
                    let d = dist(centre, pc.centre);
                    if w > 0.0 && d <= limit {
                        total += w * (-d / self.decay).exp();
                        t.cells.push(i as u32);
                        t.cum.push(total);
                    }
                }
                t
            };
            let t = build(self.reach);
            if t.cells.is_empty() {
                build(f64::INFINITY)
            } else {
                t
            }
        })
    }

    /// A POI drawn for activity `a` around `anchor`, or `None` when no POI serves it.
    pub(crate) fn draw(&self, anchor: [f64; 2], a: Activity, rng: &mut impl Rng) -> Option<u32> {
        let t = self.table(anchor, a);
        let total = *t.cum.last()?;
        let u = rng.random::<f64>() * total;
        let k = t.cum.partition_point(|c| *c <= u).min(t.cells.len() - 1);
        let pc = &self.cells[t.cells[k] as usize];
        let cum = &pc.cum[a as usize];
        let u = rng.random::<f32>() * cum.last().copied().unwrap_or(0.0);
        let j = cum.partition_point(|c| *c <= u).min(pc.pois.len() - 1);
        Some(pc.pois[j])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `shared/` beside the repository (CI) or `/work/shared` (worktrees).
    fn monaco() -> std::path::PathBuf {
        let beside =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/monaco/monaco.osm.pbf");
        if beside.exists() {
            beside
        } else {
            "/work/shared/data/monaco/monaco.osm.pbf".into()
        }
    }

    #[test]
    fn ring_geometry() {
        let sq = [
            [0.0, 0.0],
            [10.0, 0.0],
            [10.0, 10.0],
            [0.0, 10.0],
            [0.0, 0.0],
        ];
        let (a, c) = ring_area_centroid(&sq);
        assert!((a - 100.0).abs() < 1e-9);
        assert!((c[0] - 5.0).abs() < 1e-9 && (c[1] - 5.0).abs() < 1e-9);
        assert!(point_in_ring([5.0, 5.0], &sq));
        assert!(!point_in_ring([15.0, 5.0], &sq));
    }

    #[test]
    fn rings_join_reversed_pieces() {
        let a: &[i64] = &[1, 2, 3];
        let b: &[i64] = &[5, 4, 3];
        let c: &[i64] = &[5, 1];
        let open: &[i64] = &[7, 8];
        let rings = assemble_rings(&[a, b, c, open]);
        assert_eq!(rings, vec![vec![1, 2, 3, 4, 5, 1]]);
    }

    #[test]
    fn frame_round_trip() {
        let f = Frame::new(7.42, 43.73);
        let p = f.to_xy(7.43, 43.74);
        let (lon, lat) = f.to_lonlat(p);
        assert!((lon - 7.43).abs() < 1e-12 && (lat - 43.74).abs() < 1e-12);
        // 0.01° of latitude is about 1112 m.
        assert!((p[1] - 1111.95).abs() < 1.0, "{p:?}");
    }

    #[test]
    fn monaco_buildings() {
        let city = City::from_osm(monaco(), &[], &[]).unwrap();
        let s = city.stats();
        // osmium counts 1,286 buildings (1,256 ways + 30 multipolygon relations).
        assert_eq!(s.buildings, 1286, "{s:?}");
        assert!(s.home_buildings > 800, "{s:?}");
        assert!(s.work_buildings > 300, "{s:?}");
        assert!(s.work_points > 200, "{s:?}");
        assert_eq!(s.home_fallback, None);
        assert_eq!(s.work_fallback, None);
    }

    #[test]
    fn poi_density_fallback() {
        let pois: Vec<Poi> = (0..10)
            .map(|i| Poi {
                poi_id: format!("p{i}"),
                name: String::new(),
                category: "restaurant".into(),
                lon: 7.42 + f64::from(i) * 0.001,
                lat: 43.73,
                brand: None,
                opening_hours: None,
            })
            .collect();
        let city = City::from_raw(RawOsm::default(), &[], &pois).unwrap();
        assert_eq!(city.stats().home_fallback, Some(Fallback::PoiDensity));
        assert_eq!(city.stats().work_fallback, Some(Fallback::PoiDensity));
        assert!(city.homes.len() >= 10);
    }
}
