//! Travel circles: routing rules, snapping, Dijkstra times, partial edges and isochrone polygons,
//! on hand-made networks and on the real Monaco extract (`data/monaco/monaco.osm.pbf`,
//! © OpenStreetMap contributors, ODbL 1.0).
//!
//! The Monaco checks compare against a brute force written here from scratch: a graph with one
//! node per way vertex (no splitting, no snapping index), built with the public routing rules
//! ([`way_access`]) and searched with a plain Dijkstra over a `BTreeSet`.

use catchment::fence::travel::{
    PolygonMethod, RoadGraph, TravelDirection, TravelError, TravelMode, TravelOptions, way_access,
};
use catchment::osm::{OsmWay, Selection, TagFilter, Tags, read_pbf};
use geo::{
    BooleanOps, Contains, Coord, Distance, Haversine, Length, MultiLineString, MultiPolygon, Point,
    Polygon, Validation, Winding,
};
use rstar::RTree;
use rstar::primitives::Line;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

const WALK_MPS: f64 = 5.0 / 3.6;

fn pbf() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/monaco/monaco.osm.pbf")
}

fn monaco() -> &'static RoadGraph {
    static GRAPH: OnceLock<RoadGraph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        RoadGraph::from_pbf(
            pbf(),
            &[TravelMode::Walk, TravelMode::Bike, TravelMode::Drive],
        )
        .unwrap()
    })
}

fn monaco_ways() -> &'static [OsmWay] {
    static WAYS: OnceLock<Vec<OsmWay>> = OnceLock::new();
    WAYS.get_or_init(|| {
        read_pbf(pbf(), &Selection::new().ways(TagFilter::has_key("highway")))
            .unwrap()
            .ways
    })
}

fn branches() -> Vec<(f64, f64)> {
    let opts = catchment::input::ReadOptions::new("test", jiff::tz::TimeZone::UTC);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/monaco/branches.csv");
    catchment::input::read_branches(&path, &opts)
        .unwrap()
        .records
        .iter()
        .map(|b| (b.lon, b.lat))
        .collect()
}

fn way(id: i64, tags: &[(&str, &str)], nodes: &[(i64, f64, f64)]) -> OsmWay {
    OsmWay {
        id,
        tags: Tags::from_pairs(tags.iter().copied()),
        node_ids: nodes.iter().map(|n| n.0).collect(),
        coords: nodes
            .iter()
            .map(|n| Some(Coord { x: n.1, y: n.2 }))
            .collect(),
    }
}

fn hav(a: Coord<f64>, b: Coord<f64>) -> f64 {
    Haversine.distance(Point(a), Point(b))
}

fn small(ways: &[OsmWay], modes: &[TravelMode]) -> RoadGraph {
    RoadGraph::builder()
        .modes(modes)
        .min_component_nodes(1)
        .build_ways(ways)
        .unwrap()
}

/// An equirectangular plane in metres around `(lon0, lat0)`.
struct Plane {
    lon0: f64,
    lat0: f64,
    kx: f64,
    ky: f64,
}

impl Plane {
    fn new(lon0: f64, lat0: f64) -> Self {
        let ky = Haversine.radius().to_radians();
        Self {
            lon0,
            lat0,
            kx: ky * lat0.to_radians().cos(),
            ky,
        }
    }
    fn p(&self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: (c.x - self.lon0) * self.kx,
            y: (c.y - self.lat0) * self.ky,
        }
    }
    /// The segments of `m` in this plane, indexed.
    fn lines(&self, m: &MultiLineString<f64>) -> RTree<Line<[f64; 2]>> {
        RTree::bulk_load(
            m.0.iter()
                .flat_map(|l| {
                    l.0.windows(2).map(|w| {
                        let (a, b) = (self.p(w[0]), self.p(w[1]));
                        Line::new([a.x, a.y], [b.x, b.y])
                    })
                })
                .collect(),
        )
    }
}

/// Distance in metres from a point of the plane to the nearest indexed segment.
fn min_dist(p: Coord<f64>, segs: &RTree<Line<[f64; 2]>>) -> f64 {
    use rstar::PointDistance;
    segs.nearest_neighbor(&[p.x, p.y])
        .map_or(f64::INFINITY, |l| l.distance_2(&[p.x, p.y]).sqrt())
}

fn local_area(plane: &Plane, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::MapCoords;
    mp.map_coords(|c| plane.p(c))
}

/// Total length of the rings of a polygon in a plane.
fn perimeter(mp: &MultiPolygon<f64>) -> f64 {
    mp.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| geo::Euclidean.length(r))
        .sum()
}

// ---------------------------------------------------------------- hand-made networks

mod rules {
    use super::*;

    #[test]
    fn oneway_blocks_driving_against_it_not_walking() {
        let w = way(
            1,
            &[("highway", "residential"), ("oneway", "yes")],
            &[(1, 7.40, 43.70), (2, 7.41, 43.70)],
        );
        let g = small(&[w], &[TravelMode::Walk, TravelMode::Drive]);
        let (west, east) = ((7.401, 43.70), (7.409, 43.70));
        let fwd = g
            .travel_time(west, east, TravelMode::Drive)
            .unwrap()
            .unwrap();
        let len = hav(Coord { x: 7.401, y: 43.70 }, Coord { x: 7.409, y: 43.70 });
        assert!((fwd - len / (30.0 / 3.6)).abs() < 1e-6, "{fwd}");
        assert_eq!(g.travel_time(east, west, TravelMode::Drive).unwrap(), None);
        let w1 = g
            .travel_time(west, east, TravelMode::Walk)
            .unwrap()
            .unwrap();
        let w2 = g
            .travel_time(east, west, TravelMode::Walk)
            .unwrap()
            .unwrap();
        assert!((w1 - len / WALK_MPS).abs() < 1e-6 && (w1 - w2).abs() < 1e-9);

        // The isochrone of a drive from the east end is the start edge only, eastwards.
        let iso = g
            .isochrone(east.0, east.1, TravelMode::Drive, &[1.0])
            .unwrap()
            .remove(0);
        assert!(
            iso.network
                .0
                .iter()
                .all(|l| l.0.iter().all(|c| c.x >= 7.409 - 1e-9))
        );
        // A reverse (to-start) search from the east end reaches the west.
        let to = TravelOptions::new().direction(TravelDirection::ToStart);
        let times = g
            .travel_times_with(east.0, east.1, TravelMode::Drive, 10.0, &to)
            .unwrap();
        assert!(times.seconds_to(west.0, west.1).unwrap().is_some());
        let from = g
            .travel_times(east.0, east.1, TravelMode::Drive, 10.0)
            .unwrap();
        assert_eq!(from.seconds_to(west.0, west.1).unwrap(), None);
    }

    /// A-B directly by a closed way, or around by residential streets (three sides of a square).
    fn detour(direct: &[(&str, &str)]) -> (RoadGraph, f64, f64) {
        let (a, b, c, d) = (
            (1, 7.40, 43.70),
            (2, 7.402, 43.70),
            (3, 7.402, 43.702),
            (4, 7.40, 43.702),
        );
        let ways = [
            way(1, direct, &[a, b]),
            way(2, &[("highway", "residential")], &[b, c, d, a]),
        ];
        let g = small(
            &ways,
            &[TravelMode::Walk, TravelMode::Bike, TravelMode::Drive],
        );
        let cc = |n: (i64, f64, f64)| Coord { x: n.1, y: n.2 };
        let around = hav(cc(b), cc(c)) + hav(cc(c), cc(d)) + hav(cc(d), cc(a));
        (g, hav(cc(a), cc(b)), around)
    }

    #[test]
    fn closed_ways_force_the_detour() {
        let (a, b) = ((7.40, 43.70), (7.402, 43.70));
        for (tags, mode, closed) in [
            (
                &[("highway", "footway"), ("foot", "no")][..],
                TravelMode::Walk,
                true,
            ),
            (
                &[("highway", "residential"), ("access", "no")][..],
                TravelMode::Walk,
                true,
            ),
            (
                &[("highway", "residential"), ("access", "no")][..],
                TravelMode::Drive,
                true,
            ),
            (
                &[("highway", "motorway"), ("oneway", "no")][..],
                TravelMode::Walk,
                true,
            ),
            (
                &[("highway", "motorway"), ("oneway", "no")][..],
                TravelMode::Bike,
                true,
            ),
            (&[("highway", "footway")][..], TravelMode::Drive, true),
            (&[("highway", "footway")][..], TravelMode::Walk, false),
            (
                &[
                    ("highway", "residential"),
                    ("access", "private"),
                    ("foot", "yes"),
                ][..],
                TravelMode::Walk,
                false,
            ),
        ] {
            let (g, direct, around) = detour(tags);
            let speed = match mode {
                TravelMode::Walk => WALK_MPS,
                TravelMode::Bike => 15.0 / 3.6,
                _ => 30.0 / 3.6,
            };
            let t = g.travel_time(a, b, mode).unwrap().unwrap();
            let want = if closed { around } else { direct } / speed;
            assert!((t - want).abs() < 1e-6, "{tags:?} {mode:?}: {t} vs {want}");
        }
    }

    #[test]
    fn roundabout_is_one_way_for_cars() {
        let ring = [
            (1, 7.40, 43.70),
            (2, 7.401, 43.70),
            (3, 7.401, 43.701),
            (4, 7.40, 43.701),
            (1, 7.40, 43.70),
        ];
        let g = small(
            &[way(
                1,
                &[("highway", "primary"), ("junction", "roundabout")],
                &ring,
            )],
            &[TravelMode::Drive, TravelMode::Walk],
        );
        let (n1, n2) = ((7.40, 43.70), (7.401, 43.70));
        let car_back = g.travel_time(n2, n1, TravelMode::Drive).unwrap().unwrap();
        let walk_back = g.travel_time(n2, n1, TravelMode::Walk).unwrap().unwrap();
        // Cars go round three sides, walkers take the short side.
        let side = hav(Coord { x: 7.40, y: 43.70 }, Coord { x: 7.401, y: 43.70 });
        assert!(car_back * 60.0 / 3.6 > 2.5 * side, "{car_back}");
        assert!((walk_back - side / WALK_MPS).abs() < 1e-6);
    }
}

mod snapping {
    use super::*;

    #[test]
    fn snaps_to_nearest_usable_edge() {
        // A motorway 20 m north of the point, a footway 60 m south.
        let ways = [
            way(
                1,
                &[("highway", "motorway")],
                &[(1, 7.40, 43.70018), (2, 7.41, 43.70018)],
            ),
            way(
                2,
                &[("highway", "footway")],
                &[(3, 7.40, 43.69946), (4, 7.41, 43.69946)],
            ),
        ];
        let g = small(&ways, &[TravelMode::Walk, TravelMode::Drive]);
        let walk = g.snap(7.405, 43.70, TravelMode::Walk, 1000.0).unwrap();
        let drive = g.snap(7.405, 43.70, TravelMode::Drive, 1000.0).unwrap();
        assert!((walk.lat - 43.69946).abs() < 1e-9 && (walk.lon - 7.405).abs() < 1e-7);
        assert!((drive.lat - 43.70018).abs() < 1e-9);
        let d = |lat: f64| hav(Coord { x: 7.405, y: 43.70 }, Coord { x: 7.405, y: lat });
        assert!(
            (walk.distance_m - d(43.69946)).abs() < 0.01,
            "{}",
            walk.distance_m
        );
        assert!((drive.distance_m - d(43.70018)).abs() < 0.01);
        let err = g.snap(7.405, 43.70, TravelMode::Walk, 50.0).unwrap_err();
        assert!(matches!(err, TravelError::NoRoadNearby { .. }), "{err}");
        assert!(err.to_string().contains("50 m"), "{err}");
        let err = g.snap(7.405, 43.70, TravelMode::Bike, 1000.0).unwrap_err();
        assert!(matches!(err, TravelError::ModeNotBuilt { mode: "bike" }));
        assert!(matches!(
            g.snap(f64::NAN, 43.7, TravelMode::Walk, 1000.0),
            Err(TravelError::InvalidCoordinate { .. })
        ));
    }

    #[test]
    fn prefers_the_main_network_to_a_nearby_fragment() {
        // A street of 60 blocks (61 graph nodes) 100 m away, a lone 2-node service way 10 m
        // away.
        let mut ways: Vec<OsmWay> = (0..60)
            .map(|i| {
                let x = |i: i64| 7.40 + 0.0002 * i as f64;
                way(
                    10 + i,
                    &[("highway", "residential")],
                    &[(100 + i, x(i), 43.7009), (101 + i, x(i + 1), 43.7009)],
                )
            })
            .collect();
        ways.push(way(
            2,
            &[("highway", "service")],
            &[(1, 7.404, 43.70009), (2, 7.405, 43.70009)],
        ));
        let g = RoadGraph::builder().build_ways(&ways).unwrap();
        let s = g.snap(7.4045, 43.70, TravelMode::Drive, 1000.0).unwrap();
        assert!((s.lat - 43.7009).abs() < 1e-9, "{s:?}");
        assert!(s.distance_m > 99.0);
        let loose = RoadGraph::builder()
            .min_component_nodes(1)
            .build_ways(&ways)
            .unwrap();
        let s = loose
            .snap(7.4045, 43.70, TravelMode::Drive, 1000.0)
            .unwrap();
        assert!(s.distance_m < 11.0);
    }
}

mod times {
    use super::*;

    /// A 6×6 grid of streets 0.001° apart: a primary avenue along row 2, residential elsewhere,
    /// column 4 oneway northwards.
    fn grid() -> (Vec<OsmWay>, Vec<Coord<f64>>) {
        let n = 6;
        let id = |i: usize, j: usize| (j * n + i) as i64 + 1;
        let at = |i: usize, j: usize| Coord {
            x: 7.40 + 0.001 * i as f64,
            y: 43.70 + 0.001 * j as f64,
        };
        let node = |i: usize, j: usize| (id(i, j), at(i, j).x, at(i, j).y);
        let mut ways = Vec::new();
        for j in 0..n {
            let class = if j == 2 { "primary" } else { "residential" };
            let nodes: Vec<_> = (0..n).map(|i| node(i, j)).collect();
            ways.push(way(100 + j as i64, &[("highway", class)], &nodes));
        }
        for i in 0..n {
            let nodes: Vec<_> = (0..n).map(|j| node(i, j)).collect();
            let mut tags = vec![("highway", "residential")];
            if i == 4 {
                tags.push(("oneway", "yes"));
            }
            ways.push(way(200 + i as i64, &tags, &nodes));
        }
        let coords = (0..n * n).map(|k| at(k % n, k / n)).collect();
        (ways, coords)
    }

    /// Bellman-Ford over the grid's directed edges: the reference times.
    fn bellman_ford(ways: &[OsmWay], mode: TravelMode, start: i64) -> HashMap<i64, f64> {
        let mut edges = Vec::new();
        for w in ways {
            let Some(a) = way_access(&w.tags, mode) else {
                continue;
            };
            let v = a.speed_kmh / 3.6;
            for k in 0..w.node_ids.len() - 1 {
                let t = hav(w.coords[k].unwrap(), w.coords[k + 1].unwrap()) / v;
                if a.forward {
                    edges.push((w.node_ids[k], w.node_ids[k + 1], t));
                }
                if a.backward {
                    edges.push((w.node_ids[k + 1], w.node_ids[k], t));
                }
            }
        }
        let mut dist = HashMap::from([(start, 0.0)]);
        loop {
            let mut changed = false;
            for &(a, b, t) in &edges {
                if let Some(&da) = dist.get(&a)
                    && dist.get(&b).is_none_or(|&db| da + t < db - 1e-12)
                {
                    dist.insert(b, da + t);
                    changed = true;
                }
            }
            if !changed {
                return dist;
            }
        }
    }

    #[test]
    fn dijkstra_times_are_exact_on_a_grid() {
        let (ways, coords) = grid();
        let g = small(&ways, &[TravelMode::Walk, TravelMode::Drive]);
        for mode in [TravelMode::Walk, TravelMode::Drive] {
            for start in [1, 15, 36] {
                let c = coords[start as usize - 1];
                let times = g.travel_times(c.x, c.y, mode, 60.0).unwrap();
                let want = bellman_ford(&ways, mode, start);
                let got: HashMap<i64, f64> = times.nodes().map(|n| (n.osm_id, n.seconds)).collect();
                assert_eq!(got.len(), want.len(), "{mode:?} from {start}");
                for (id, t) in &want {
                    assert!(
                        (got[id] - t).abs() < 1e-9,
                        "{mode:?} {start}->{id}: {} vs {t}",
                        got[id]
                    );
                }
                // Point-to-point agrees with the tree.
                let far = coords[20];
                let p2p = g
                    .travel_time((c.x, c.y), (far.x, far.y), mode)
                    .unwrap()
                    .unwrap();
                assert!((p2p - want[&21]).abs() < 1e-9);
            }
        }
        // Manhattan walk corner to corner: 5 steps east (along the north row, the shortest
        // parallel) and 5 north.
        let t = g
            .travel_time((7.40, 43.70), (7.405, 43.705), TravelMode::Walk)
            .unwrap()
            .unwrap();
        let d = hav(coords[0], coords[30]) + hav(coords[30], coords[35]);
        assert!((t - d / WALK_MPS).abs() < 1e-6, "{t}");
    }

    #[test]
    fn a_partial_edge_is_cut_where_the_time_runs_out() {
        // One 300 m footway along a meridian.
        let dlat = 300.0 / Haversine.radius().to_radians();
        let (a, b) = (
            Coord { x: 7.40, y: 43.70 },
            Coord {
                x: 7.40,
                y: 43.70 + dlat,
            },
        );
        let g = small(
            &[way(
                1,
                &[("highway", "footway")],
                &[(1, a.x, a.y), (2, b.x, b.y)],
            )],
            &[TravelMode::Walk],
        );
        assert!((hav(a, b) - 300.0).abs() < 1e-6);
        // 100 m from the south end.
        let minutes = 100.0 / WALK_MPS / 60.0;
        let opts = TravelOptions::new().min_hole_km2(0.0);
        let iso = g
            .isochrone_with(a.x, a.y, TravelMode::Walk, &[minutes], &opts)
            .unwrap()
            .remove(0);
        assert_eq!(iso.network.0.len(), 1);
        let line = &iso.network.0[0];
        assert_eq!(line.0.len(), 2);
        let cut = line.0[1];
        assert!(
            (hav(line.0[0], cut) - 100.0).abs() < 1e-6,
            "{}",
            hav(line.0[0], cut)
        );
        // The polygon: 25 m around the 100 m reached, not beyond.
        let north = |m: f64| Point::new(7.40, 43.70 + m / Haversine.radius().to_radians());
        assert!(iso.polygon.contains(&north(100.0 + 24.0)));
        assert!(!iso.polygon.contains(&north(100.0 + 26.0)));
        assert!(!iso.polygon.contains(&Point(b)));
        assert_eq!(iso.nodes.len(), 1);
        // Capsule area 2·25·100 + π·25², within the grid's error.
        let capsule = 2.0 * 25.0 * 100.0 + std::f64::consts::PI * 625.0;
        assert!(
            (iso.area_km2 * 1e6 - capsule).abs() / capsule < 0.01,
            "{}",
            iso.area_km2 * 1e6
        );

        // From the middle, 50 m each way: [100 m, 200 m] when starting at 150 m.
        let mid = (7.40, 43.70 + dlat / 2.0);
        let minutes = 50.0 / WALK_MPS / 60.0;
        let iso = g
            .isochrone_with(mid.0, mid.1, TravelMode::Walk, &[minutes], &opts)
            .unwrap()
            .remove(0);
        let line = &iso.network.0[0];
        assert!((hav(a, line.0[0]) - 100.0).abs() < 1e-6);
        assert!((hav(a, *line.0.last().unwrap()) - 200.0).abs() < 1e-6);
        assert!(iso.nodes.is_empty());
    }

    #[test]
    fn bad_budgets_are_errors() {
        let (ways, _) = grid();
        let g = small(&ways, &[TravelMode::Walk]);
        for budgets in [&[10.0, 5.0][..], &[0.0], &[f64::NAN], &[5.0, 5.0]] {
            let r = g.isochrone(7.40, 43.70, TravelMode::Walk, budgets);
            assert!(
                matches!(r, Err(TravelError::InvalidParameter { .. })),
                "{budgets:?}"
            );
        }
        let r = g.isochrone(7.40, 43.70, TravelMode::Drive, &[5.0]);
        assert!(matches!(r, Err(TravelError::ModeNotBuilt { .. })));
        let bad = TravelOptions::new().buffer_m(-1.0);
        assert!(
            g.isochrone_with(7.40, 43.70, TravelMode::Walk, &[5.0], &bad)
                .is_err()
        );
        assert!(
            g.isochrone(7.40, 43.70, TravelMode::Walk, &[])
                .unwrap()
                .is_empty()
        );
    }
}

mod polygons {
    use super::*;

    /// Two blocks side by side: a 1 km square ring road with a 100 m square block in a corner.
    fn blocks() -> RoadGraph {
        let d = 1.0 / Haversine.radius().to_radians(); // 1 m in degrees of latitude
        let (x0, y0) = (7.40, 43.70);
        let kx = 1.0 / (43.70_f64.to_radians().cos());
        let p = |id: i64, ex: f64, ny: f64| (id, x0 + ex * d * kx, y0 + ny * d);
        let ring = [
            p(1, 0.0, 0.0),
            p(2, 1000.0, 0.0),
            p(3, 1000.0, 1000.0),
            p(4, 0.0, 1000.0),
            p(1, 0.0, 0.0),
        ];
        let small_block = [
            p(1, 0.0, 0.0),
            p(5, 100.0, 0.0),
            p(6, 100.0, 100.0),
            p(7, 0.0, 100.0),
            p(1, 0.0, 0.0),
        ];
        small(
            &[
                way(1, &[("highway", "residential")], &ring),
                way(2, &[("highway", "residential")], &small_block),
            ],
            &[TravelMode::Walk],
        )
    }

    #[test]
    fn large_unreachable_areas_are_holes_small_blocks_are_filled() {
        let g = blocks();
        let start = (7.40, 43.70);
        let iso = g
            .isochrone(start.0, start.1, TravelMode::Walk, &[60.0])
            .unwrap()
            .remove(0);
        assert_eq!(iso.polygon.0.len(), 1);
        // The 1 km block's interior (≈ 0.83 km² after the buffer) is a hole, the 100 m block
        // (50 m × 50 m inside the buffer) is filled.
        assert_eq!(iso.polygon.0[0].interiors().len(), 1);
        let hole = Polygon::new(iso.polygon.0[0].interiors()[0].clone(), vec![]);
        let plane = Plane::new(start.0, start.1);
        let hole_m2 = geo::Area::unsigned_area(&local_area(&plane, &MultiPolygon(vec![hole])));
        // [25, 975]² less the small block's buffer [25, 125]².
        let want = 950.0 * 950.0 - 100.0 * 100.0;
        assert!((hole_m2 - want).abs() < 2_000.0, "{hole_m2} vs {want}");
        let keep = TravelOptions::new().min_hole_km2(0.0);
        let iso = g
            .isochrone_with(start.0, start.1, TravelMode::Walk, &[60.0], &keep)
            .unwrap()
            .remove(0);
        assert_eq!(iso.polygon.0[0].interiors().len(), 2);
        assert!(iso.polygon.is_valid());
        assert!(iso.polygon.0[0].exterior().is_ccw());
        assert!(iso.polygon.0[0].interiors().iter().all(|h| h.is_cw()));
    }

    #[test]
    fn grid_and_exact_buffer_agree() {
        let g = monaco();
        let (lon, lat) = branches()[0];
        let plane = Plane::new(lon, lat);
        for (mode, minutes) in [(TravelMode::Walk, 5.0), (TravelMode::Drive, 2.0)] {
            let times = g.travel_times(lon, lat, mode, minutes).unwrap();
            let o = TravelOptions::new().min_hole_km2(0.0);
            let grid = times.isochrone(minutes, &o).unwrap();
            let exact = times
                .isochrone(minutes, &o.clone().method(PolygonMethod::Buffer))
                .unwrap();
            let (a, b) = (
                local_area(&plane, &grid.polygon),
                local_area(&plane, &exact.polygon),
            );
            let xor = geo::Area::unsigned_area(&a.xor(&b));
            // Mean distance between the two boundaries.
            let mean = xor / perimeter(&b);
            assert!(mean < 0.5, "{mode:?}: {mean} m");
            assert!(exact.polygon.is_valid());
        }
    }
}

// ---------------------------------------------------------------- Monaco

mod monaco_extract {
    use super::*;

    #[test]
    fn graph_shape() {
        let g = monaco();
        let s = g.stats();
        assert!(s.ways_read >= 2852, "{s:?}");
        assert!(s.ways_used > 2500 && s.ways_used < s.ways_read, "{s:?}");
        assert!(g.mode_edges(TravelMode::Walk) > g.mode_edges(TravelMode::Drive));
        assert!(g.mode_edges(TravelMode::Bike) > g.mode_edges(TravelMode::Drive));
        // Splitting at intersections: more edges than ways.
        assert!(s.edges > s.ways_used, "{s:?}");
    }

    #[test]
    fn isochrones_grow_nest_and_are_valid() {
        let g = monaco();
        for (lon, lat) in branches() {
            let plane = Plane::new(lon, lat);
            for mode in [TravelMode::Walk, TravelMode::Bike, TravelMode::Drive] {
                let budgets = match mode {
                    TravelMode::Walk => vec![4.0, 8.0, 12.0],
                    TravelMode::Bike => vec![2.0, 4.0, 6.0],
                    _ => vec![1.0, 2.0, 3.0],
                };
                let bands = g.isochrone(lon, lat, mode, &budgets).unwrap();
                for b in &bands {
                    assert!(b.polygon.is_valid(), "{mode:?} {}", b.minutes);
                    for p in &b.polygon {
                        assert!(p.exterior().is_ccw());
                        assert!(p.interiors().iter().all(|h| h.is_cw()));
                    }
                    assert!(b.snap.distance_m < 30.0);
                    // Every node is inside; checking a seventh keeps the test quick.
                    for n in b.nodes.iter().step_by(7) {
                        assert!(n.seconds <= b.minutes * 60.0);
                        assert!(
                            b.polygon.contains(&Point(n.coord)),
                            "{mode:?} node {}",
                            n.osm_id
                        );
                    }
                }
                for w in bands.windows(2) {
                    assert!(
                        w[0].area_km2 < w[1].area_km2,
                        "{mode:?}: {} !< {}",
                        w[0].area_km2,
                        w[1].area_km2
                    );
                    assert!(w[0].nodes.len() < w[1].nodes.len());
                    // Nested up to the contour simplification (points within a thousandth of a
                    // grid cell of a line are dropped): what sticks out of the next band is
                    // under 1 mm thick on average along the boundary.
                    let (inner, outer) = (
                        local_area(&plane, &w[0].polygon),
                        local_area(&plane, &w[1].polygon),
                    );
                    let stray = geo::Area::unsigned_area(&inner.difference(&outer));
                    let length = perimeter(&inner);
                    assert!(
                        stray / length < 1e-3,
                        "{mode:?} {} min: {stray} m² outside along {length} m",
                        w[0].minutes
                    );
                }
            }
        }
    }

    /// Inside the polygon ⇔ within the buffer of the reached network, except a thin band.
    #[test]
    fn polygon_is_the_buffered_reached_network() {
        let g = monaco();
        let (lon, lat) = branches()[1];
        let plane = Plane::new(lon, lat);
        let keep = TravelOptions::new().min_hole_km2(0.0);
        for (mode, minutes) in [(TravelMode::Walk, 10.0), (TravelMode::Drive, 2.0)] {
            let iso = g
                .isochrone_with(lon, lat, mode, &[minutes], &keep)
                .unwrap()
                .remove(0);
            let segs = plane.lines(&iso.network);
            let band = 1.0;
            let (mut inside, mut outside) = (0, 0);
            for c in monaco_ways()
                .iter()
                .flat_map(|w| w.coords.iter().flatten())
                .step_by(3)
            {
                let d = min_dist(plane.p(*c), &segs);
                let contained = iso.polygon.contains(&Point(*c));
                if d < iso.buffer_m - band {
                    assert!(
                        contained,
                        "{mode:?}: {c:?} is {d} m from the network but outside"
                    );
                    inside += 1;
                } else if d > iso.buffer_m + band {
                    assert!(
                        !contained,
                        "{mode:?}: {c:?} is {d} m from the network but inside"
                    );
                    outside += 1;
                }
            }
            assert!(inside > 300 && outside > 300, "{inside} {outside}");
        }
    }

    /// A brute-force router: one node per way vertex, plain Dijkstra over a `BTreeSet`.
    fn brute_force(mode: TravelMode, start: i64) -> (HashMap<i64, f64>, HashMap<i64, Coord<f64>>) {
        let mut adj: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
        let mut at = HashMap::new();
        for w in monaco_ways() {
            let Some(a) = way_access(&w.tags, mode) else {
                continue;
            };
            let v = a.speed_kmh / 3.6;
            for k in 0..w.node_ids.len().saturating_sub(1) {
                let (Some(p), Some(q)) = (w.coords[k], w.coords[k + 1]) else {
                    continue;
                };
                let (i, j) = (w.node_ids[k], w.node_ids[k + 1]);
                at.insert(i, p);
                at.insert(j, q);
                let t = hav(p, q) / v;
                if a.forward {
                    adj.entry(i).or_default().push((j, t));
                }
                if a.backward {
                    adj.entry(j).or_default().push((i, t));
                }
            }
        }
        let mut dist: HashMap<i64, f64> = HashMap::from([(start, 0.0)]);
        let mut queue: BTreeSet<(u64, i64)> = BTreeSet::from([(0, start)]);
        while let Some((t, n)) = queue.pop_first() {
            let t = f64::from_bits(t);
            if t > dist[&n] {
                continue;
            }
            for &(m, c) in adj.get(&n).map(Vec::as_slice).unwrap_or(&[]) {
                let u = t + c;
                if dist.get(&m).is_none_or(|&d| u < d) {
                    dist.insert(m, u);
                    queue.insert((u.to_bits(), m));
                }
            }
        }
        (dist, at)
    }

    #[test]
    fn agrees_with_a_brute_force_router() {
        let g = monaco();
        // Start on an intersection next to each branch: the way vertex shared by two ways
        // nearest to it.
        let mut ways_at: HashMap<i64, Vec<&OsmWay>> = HashMap::new();
        for w in monaco_ways() {
            for id in &w.node_ids {
                ways_at.entry(*id).or_default().push(w);
            }
        }
        let vertices: HashMap<i64, Coord<f64>> = monaco_ways()
            .iter()
            .flat_map(|w| w.node_ids.iter().copied().zip(w.coords.iter().copied()))
            .filter_map(|(id, c)| c.map(|c| (id, c)))
            .collect();
        let mut ids: Vec<i64> = vertices.keys().copied().collect();
        ids.sort_unstable();
        for (mode, minutes) in [(TravelMode::Walk, 8.0), (TravelMode::Drive, 4.0)] {
            let (lon, lat) = branches()[2];
            let here = Coord { x: lon, y: lat };
            let start = ids
                .iter()
                .copied()
                .filter(|id| {
                    let w = &ways_at[id];
                    w.len() >= 2
                        && w.iter().all(|w| {
                            way_access(&w.tags, mode).is_some_and(|a| a.forward && a.backward)
                        })
                })
                .min_by(|a, b| hav(vertices[a], here).total_cmp(&hav(vertices[b], here)))
                .unwrap();
            let s = vertices[&start];
            let (want, _) = brute_force(mode, start);
            let keep = TravelOptions::new().min_hole_km2(0.0);
            let iso = g
                .isochrone_with(s.x, s.y, mode, &[minutes], &keep)
                .unwrap()
                .remove(0);
            assert!(iso.snap.distance_m < 1e-6);
            let budget = minutes * 60.0;
            // Every graph node's time equals the brute force's.
            let mut checked = 0;
            for n in &iso.nodes {
                let t = want[&n.osm_id];
                assert!(
                    (n.seconds - t).abs() < 1e-6,
                    "{mode:?} node {}: {} vs {t}",
                    n.osm_id,
                    n.seconds
                );
                checked += 1;
            }
            let reached_brute = want.values().filter(|&&t| t <= budget).count();
            assert!(
                checked > 50 && reached_brute >= checked,
                "{mode:?} {checked} {reached_brute}"
            );

            // 200 random vertices: reached ⇔ inside, except within the buffer of the reached
            // network (a vertex across the street from a reached one).
            let plane = Plane::new(s.x, s.y);
            let segs = plane.lines(&iso.network);
            let mut rng = 0x2545_f491_4f6c_dd1d_u64;
            let (mut yes, mut no) = (0, 0);
            for _ in 0..200 {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let id = ids[(rng % ids.len() as u64) as usize];
                let c = vertices[&id];
                let contained = iso.polygon.contains(&Point(c));
                match want.get(&id) {
                    Some(&t) if t <= budget - 1e-6 => {
                        assert!(
                            contained,
                            "{mode:?}: vertex {id} reached in {t} s but outside"
                        );
                        yes += 1;
                    }
                    _ => {
                        let d = min_dist(plane.p(c), &segs);
                        if d > iso.buffer_m + 1.0 {
                            assert!(
                                !contained,
                                "{mode:?}: vertex {id} unreached, {d} m away, inside"
                            );
                            no += 1;
                        }
                    }
                }
            }
            assert!(
                yes > 5 && no > 5,
                "{mode:?}: {yes} reached, {no} unreached checked"
            );
        }
    }

    #[test]
    fn point_queries_match_the_tree() {
        let g = monaco();
        let b = branches();
        for mode in [TravelMode::Walk, TravelMode::Drive] {
            let times = g.travel_times(b[0].0, b[0].1, mode, 60.0).unwrap();
            for &(lon, lat) in &b[1..] {
                let one = g.travel_time(b[0], (lon, lat), mode).unwrap().unwrap();
                let tree = times.seconds_to(lon, lat).unwrap().unwrap();
                assert!((one - tree).abs() < 1e-6, "{mode:?}: {one} vs {tree}");
            }
        }
        // Walking from the first branch to the fourth (≈ 1.5 km apart) takes 20–45 minutes.
        let t = g
            .travel_time(b[0], b[3], TravelMode::Walk)
            .unwrap()
            .unwrap()
            / 60.0;
        assert!(t > 20.0 && t < 45.0, "{t}");
        let t = g
            .travel_time(b[0], b[3], TravelMode::Drive)
            .unwrap()
            .unwrap()
            / 60.0;
        assert!(t > 2.0 && t < 10.0, "{t}");
    }

    #[test]
    fn times_to_a_branch_match_trips_from_elsewhere() {
        let g = monaco();
        let b = branches();
        let to = TravelOptions::new().direction(TravelDirection::ToStart);
        for mode in [TravelMode::Drive, TravelMode::Bike] {
            let inbound = g
                .travel_times_with(b[0].0, b[0].1, mode, 60.0, &to)
                .unwrap();
            let outbound = g.travel_times(b[0].0, b[0].1, mode, 60.0).unwrap();
            let mut asymmetric = 0;
            for &p in &b[1..] {
                let there = g.travel_time(p, b[0], mode).unwrap().unwrap();
                let tree = inbound.seconds_to(p.0, p.1).unwrap().unwrap();
                assert!((there - tree).abs() < 1e-6, "{mode:?}: {there} vs {tree}");
                let back = outbound.seconds_to(p.0, p.1).unwrap().unwrap();
                asymmetric += usize::from((back - there).abs() > 1.0);
            }
            // Oneway streets make Monaco's drive and bike networks asymmetric.
            assert!(asymmetric > 0, "{mode:?}");
        }
    }

    #[test]
    fn start_at_sea_is_an_error() {
        let err = monaco()
            .isochrone(7.43, 43.70, TravelMode::Walk, &[15.0])
            .unwrap_err();
        assert!(matches!(err, TravelError::NoRoadNearby { .. }), "{err}");
    }

    #[test]
    fn default_polygons_keep_only_large_holes() {
        let g = monaco();
        for (lon, lat) in branches() {
            let iso = g
                .isochrone(lon, lat, TravelMode::Walk, &[15.0])
                .unwrap()
                .remove(0);
            let plane = Plane::new(lon, lat);
            for p in &iso.polygon {
                for h in p.interiors() {
                    let a = geo::Area::unsigned_area(&local_area(
                        &plane,
                        &MultiPolygon(vec![Polygon::new(h.clone(), vec![])]),
                    ));
                    assert!(a >= 0.05e6 * 0.99, "{a}");
                }
            }
        }
    }
}
