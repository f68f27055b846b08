//! H3 coverage and grid cells against brute force and against h3-py (see
//! `tests/data/coverage/README.md`).
//!
//! - `property`: seeded random polygons (convex, concave, with holes, multipolygons, tiny ones,
//!   ones whose edges run through cell centres and vertices, near pentagons) at resolutions
//!   7–11, every mode, compared cell for cell with a brute force: every cell of a disk around the
//!   bounding box tested against the mode's definition with plain geo predicates.
//! - `h3py`: recorded `polygon_to_cells` / `latlng_to_cell` / `cell_to_boundary` of the H3 C
//!   library.
//!
//! Run with `-- --nocapture` to see the counts.

use catchment::fence::{CoverageMode, cell_polygon, h3_coverage};
use geo::{
    BoundingRect, ConvexHull, Coord, Distance, Haversine, InteriorPoint, Intersects, LineString,
    MultiPolygon, Point, Polygon, Rect, Relate, Validation, coordinate_position::CoordPos,
    dimensions::Dimensions,
};
use h3o::{CellIndex, LatLng, Resolution};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use rayon::prelude::*;

const MODES: [CoverageMode; 3] = [
    CoverageMode::Center,
    CoverageMode::Covers,
    CoverageMode::Intersects,
];

/// The definition of each mode, written as directly as geo allows, and its brute-force coverage.
mod brute {
    use super::*;

    /// Whether `cell` belongs to the coverage of `g` in `mode`, by the definition alone.
    pub fn selected(g: &MultiPolygon<f64>, mode: CoverageMode, cell: CellIndex) -> bool {
        let polygon = cell_polygon(cell);
        let (Some(gr), Some(pr)) = (g.bounding_rect(), polygon.bounding_rect()) else {
            return false;
        };
        if !gr.intersects(&pr) {
            return false; // disjoint boxes: disjoint sets, whatever the mode
        }
        match mode {
            CoverageMode::Center => {
                let c = LatLng::from(cell);
                g.intersects(&Point::new(c.lng(), c.lat()))
            }
            CoverageMode::Covers => g.relate(&polygon).is_covers(),
            CoverageMode::Intersects => {
                g.relate(&polygon).get(CoordPos::Inside, CoordPos::Inside) != Dimensions::Empty
            }
            _ => unreachable!("a mode this test does not know"),
        }
    }

    /// Every cell of a `grid_disk` around the bounding box that the definition selects, plus
    /// the anchor and non-empty rules of `h3_coverage`.
    pub fn coverage(
        g: &MultiPolygon<f64>,
        res: Resolution,
        mode: CoverageMode,
        anchor: Option<Point<f64>>,
    ) -> Vec<CellIndex> {
        let rect = g.bounding_rect().expect("non-empty geometry");
        let mid = rect.center();
        let origin = LatLng::new(mid.y, mid.x).unwrap().to_cell(res);
        let half_diagonal =
            Haversine.distance(Point::from(rect.min()), Point::from(rect.max())) / 2.0;
        // Cell centres are at least ~ an edge length apart, even around pentagons.
        let k = (half_diagonal / (0.5 * res.edge_length_m())).ceil() as u32 + 3;
        // The disk is big enough: no cell of its outer ring reaches the bounding box.
        for cell in origin.grid_ring::<Vec<_>>(k) {
            let pr = cell_polygon(cell).bounding_rect().unwrap();
            assert!(!pr.intersects(&rect), "disk of {k} too small");
        }
        let mut cells: Vec<CellIndex> = origin
            .grid_disk::<Vec<_>>(k)
            .into_iter()
            .filter(|&c| selected(g, mode, c))
            .collect();
        let cell_of = |p: Point<f64>| LatLng::new(p.y(), p.x()).unwrap().to_cell(res);
        if let Some(a) = anchor {
            cells.push(cell_of(a));
        } else if cells.is_empty() {
            cells.push(cell_of(g.interior_point().unwrap()));
        }
        cells.sort_unstable();
        cells.dedup();
        cells
    }
}

/// Seeded random fence shapes, in metres around a centre, converted to degrees.
mod shapes {
    use super::*;
    use std::f64::consts::TAU;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Family {
        Convex,
        Concave,
        Holes,
        Multi,
        Tiny,
        /// Vertices on cell centres and cell vertices: boundaries through centres and along or
        /// across cell edges, the cases where boundary rules decide.
        OnCells,
        /// The union of some whole cell polygons: boundaries along cell edges (up to the
        /// union's rounding).
        CellUnion,
        /// Exact cell polygons, none two neighbours: boundaries exactly on cell edges, and
        /// neighbours that touch the geometry without sharing area.
        ExactCells,
    }

    pub const FAMILIES: [Family; 8] = [
        Family::Convex,
        Family::Concave,
        Family::Holes,
        Family::Multi,
        Family::Tiny,
        Family::OnCells,
        Family::CellUnion,
        Family::ExactCells,
    ];

    /// Where shapes are placed: cities in four quadrants, the tropics, high latitude, and the
    /// first pentagon of the resolution (icosahedron vertex, Class III distortion vertices).
    fn centre(rng: &mut Pcg64, res: Resolution) -> (f64, f64) {
        const PLACES: [(f64, f64); 6] = [
            (114.0579, 22.5431),
            (116.3975, 39.9087),
            (103.8198, 1.3521),
            (-46.6333, -23.5505),
            (10.7522, 59.9139),
            (151.2093, -33.8688),
        ];
        match rng.random_range(0..10) {
            0..=5 => {
                let (x, y) = PLACES[rng.random_range(0..PLACES.len())];
                (
                    x + rng.random_range(-0.05..0.05),
                    y + rng.random_range(-0.05..0.05),
                )
            }
            6 | 7 => (
                rng.random_range(-170.0..170.0),
                rng.random_range(-65.0..65.0),
            ),
            _ => {
                let pentagon = res.pentagons().nth(rng.random_range(0..12)).unwrap();
                let c = LatLng::from(pentagon);
                (c.lng(), c.lat())
            }
        }
    }

    struct Frame {
        lon: f64,
        lat: f64,
    }

    impl Frame {
        fn deg(&self, east_m: f64, north_m: f64) -> Coord<f64> {
            Coord {
                x: self.lon + east_m / (111_320.0 * self.lat.to_radians().cos()),
                y: self.lat + north_m / 110_574.0,
            }
        }
    }

    /// `n` increasing angles, one in each of `n` equal sectors, so that every gap is under π
    /// and the polygon through them is star-shaped around its centre, hence simple.
    fn spread_angles(rng: &mut Pcg64, n: usize) -> Vec<f64> {
        let phase = rng.random_range(0.0..TAU);
        let sector = TAU / n as f64;
        (0..n)
            .map(|i| phase + (i as f64 + rng.random_range(0.05..0.95)) * sector)
            .collect()
    }

    /// A star-shaped ring around (cx, cy) metres: `n` sorted angles, radii in `r`.
    fn star(
        rng: &mut Pcg64,
        f: &Frame,
        (cx, cy): (f64, f64),
        n: usize,
        r: std::ops::Range<f64>,
        clockwise: bool,
    ) -> LineString<f64> {
        let mut angles = spread_angles(rng, n);
        if clockwise {
            angles.reverse();
        }
        let mut ring: Vec<Coord<f64>> = angles
            .iter()
            .map(|a| {
                let radius = rng.random_range(r.clone());
                f.deg(cx + radius * a.cos(), cy + radius * a.sin())
            })
            .collect();
        ring.push(ring[0]);
        LineString::new(ring)
    }

    /// A convex ring: an ellipse sampled at sorted random angles, rotated.
    fn convex(rng: &mut Pcg64, f: &Frame, radius: f64) -> LineString<f64> {
        let n = rng.random_range(3..24);
        let (a, b) = (radius, radius * rng.random_range(0.3..1.0));
        let rot: f64 = rng.random_range(0.0..TAU);
        let angles = spread_angles(rng, n);
        let mut ring: Vec<Coord<f64>> = angles
            .iter()
            .map(|t| {
                let (x, y) = (a * t.cos(), b * t.sin());
                f.deg(x * rot.cos() - y * rot.sin(), x * rot.sin() + y * rot.cos())
            })
            .collect();
        ring.push(ring[0]);
        LineString::new(ring)
    }

    /// A random shape of `family` near a random place, sized in cell edge lengths.
    pub fn make(family: Family, seed: u64, res: Resolution) -> MultiPolygon<f64> {
        let mut rng = Pcg64::seed_from_u64(seed);
        let (lon, lat) = centre(&mut rng, res);
        let f = Frame { lon, lat };
        let edge = res.edge_length_m();
        let radius = edge * rng.random_range(0.4..7.0);
        let poly = |ext, holes| Polygon::new(ext, holes);
        let shape = match family {
            Family::Convex => vec![poly(convex(&mut rng, &f, radius), vec![])],
            Family::Concave => {
                let n = rng.random_range(5..40);
                vec![poly(
                    star(&mut rng, &f, (0.0, 0.0), n, 0.25 * radius..radius, false),
                    vec![],
                )]
            }
            Family::Holes => {
                // With ≥ 12 spread vertices at ≥ 0.7 R, the exterior's chords stay beyond
                // 0.6 R; the holes reach 0.55 R at most and stay apart.
                let n = rng.random_range(12..30);
                let ext = star(&mut rng, &f, (0.0, 0.0), n, 0.7 * radius..radius, false);
                let holes = if rng.random_bool(0.5) {
                    let m = rng.random_range(3..12);
                    vec![star(
                        &mut rng,
                        &f,
                        (0.0, 0.0),
                        m,
                        0.1 * radius..0.55 * radius,
                        true,
                    )]
                } else {
                    (0..2)
                        .map(|i| {
                            let m = rng.random_range(3..10);
                            let cx = if i == 0 { -0.3 } else { 0.3 } * radius;
                            star(
                                &mut rng,
                                &f,
                                (cx, 0.0),
                                m,
                                0.05 * radius..0.25 * radius,
                                true,
                            )
                        })
                        .collect()
                };
                vec![poly(ext, holes)]
            }
            Family::Multi => {
                let parts = rng.random_range(2..4);
                (0..parts)
                    .map(|i| {
                        let r = radius * rng.random_range(0.2..0.5);
                        let n = rng.random_range(3..16);
                        let cx = (i as f64 - 1.0) * 1.1 * radius;
                        poly(star(&mut rng, &f, (cx, 0.0), n, 0.3 * r..r, false), vec![])
                    })
                    .collect()
            }
            Family::Tiny => {
                let r = edge * rng.random_range(0.02..0.6);
                let n = rng.random_range(3..10);
                vec![poly(
                    star(&mut rng, &f, (0.0, 0.0), n, 0.4 * r..r, false),
                    vec![],
                )]
            }
            Family::OnCells => return on_cells(&mut rng, lon, lat, res),
            Family::CellUnion => return cell_union(&mut rng, lon, lat, res),
            Family::ExactCells => return exact_cells(&mut rng, lon, lat, res),
        };
        MultiPolygon::new(shape)
    }

    /// A star polygon whose vertices are cell centres and cell vertices of nearby cells.
    fn on_cells(rng: &mut Pcg64, lon: f64, lat: f64, res: Resolution) -> MultiPolygon<f64> {
        let origin = LatLng::new(lat, lon).unwrap().to_cell(res);
        let o = LatLng::from(origin);
        let k = rng.random_range(1..4);
        let disk: Vec<CellIndex> = origin.grid_disk(k);
        let mut points: Vec<Coord<f64>> = Vec::new();
        for _ in 0..rng.random_range(3..12) {
            let cell = disk[rng.random_range(0..disk.len())];
            let p = if rng.random_bool(0.5) {
                let c = LatLng::from(cell);
                Coord {
                    x: c.lng(),
                    y: c.lat(),
                }
            } else {
                let b = cell.boundary();
                let v = b[rng.random_range(0..b.len())];
                Coord {
                    x: v.lng(),
                    y: v.lat(),
                }
            };
            if p != (Coord {
                x: o.lng(),
                y: o.lat(),
            }) {
                points.push(p);
            }
        }
        let angle = |p: &Coord<f64>| (p.y - o.lat()).atan2(p.x - o.lng());
        points.sort_by(|a, b| angle(a).total_cmp(&angle(b)));
        points.dedup_by(|a, b| angle(a) == angle(b));
        if points.len() < 3 {
            // Fall back to the origin cell itself.
            return MultiPolygon::new(vec![cell_polygon(origin)]);
        }
        points.push(points[0]);
        let star = Polygon::new(LineString::new(points), vec![]);
        if star.is_valid() {
            MultiPolygon::new(vec![star])
        } else {
            // An angular gap over 180° can make the star cross itself; its hull has vertices on
            // the same cell centres and vertices.
            MultiPolygon::new(vec![star.convex_hull()])
        }
    }

    /// The union of some cells of a disk: edges on cell edges, holes where cells are left out.
    fn cell_union(rng: &mut Pcg64, lon: f64, lat: f64, res: Resolution) -> MultiPolygon<f64> {
        let origin = LatLng::new(lat, lon).unwrap().to_cell(res);
        let disk: Vec<CellIndex> = origin.grid_disk(2);
        let parts: Vec<Polygon<f64>> = disk
            .into_iter()
            .filter(|&c| c == origin || rng.random_bool(0.6))
            .map(cell_polygon)
            .collect();
        geo::unary_union(&parts)
    }

    /// Some cells of a disk, as their exact polygons, skipping neighbours of cells taken.
    fn exact_cells(rng: &mut Pcg64, lon: f64, lat: f64, res: Resolution) -> MultiPolygon<f64> {
        let origin = LatLng::new(lat, lon).unwrap().to_cell(res);
        let mut taken: Vec<CellIndex> = vec![origin];
        for cell in origin.grid_disk::<Vec<_>>(3) {
            let free = taken
                .iter()
                .all(|t| *t != cell && !t.is_neighbor_with(cell).unwrap());
            if free && rng.random_bool(0.5) {
                taken.push(cell);
            }
        }
        MultiPolygon::new(taken.into_iter().map(cell_polygon).collect())
    }

    /// A point somewhere in the shape's bounding box (an anchor need not be inside).
    pub fn anchor(g: &MultiPolygon<f64>, seed: u64) -> Point<f64> {
        let mut rng = Pcg64::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
        let r: Rect<f64> = g.bounding_rect().unwrap();
        Point::new(
            rng.random_range(r.min().x..=r.max().x),
            rng.random_range(r.min().y..=r.max().y),
        )
    }
}

mod property {
    use super::shapes::{FAMILIES, Family};
    use super::*;

    const RESOLUTIONS: [Resolution; 5] = [
        Resolution::Seven,
        Resolution::Eight,
        Resolution::Nine,
        Resolution::Ten,
        Resolution::Eleven,
    ];

    /// Compares `h3_coverage` with brute force on `seeds` shapes of `family` at every
    /// resolution and mode (every third shape with an anchor, every second one with its rings
    /// wound backwards); returns the comparisons made.
    fn check(family: Family, seeds: u64) -> usize {
        let cases: Vec<(Resolution, u64)> = RESOLUTIONS
            .iter()
            .flat_map(|&r| (0..seeds).map(move |s| (r, s)))
            .collect();
        let failures: Vec<String> = cases
            .par_iter()
            .flat_map_iter(|&(res, s)| {
                let seed = (u64::from(u8::from(res)) << 32) ^ (family as u64) << 24 ^ s;
                let mut g = shapes::make(family, seed, res);
                if s % 2 == 1 {
                    // Orientation is not part of the definition: wind every ring the other way.
                    g.iter_mut().for_each(|p| {
                        p.exterior_mut(|r| r.0.reverse());
                        p.interiors_mut(|hs| hs.iter_mut().for_each(|r| r.0.reverse()));
                    });
                }
                // The definitions are for valid geometries (OGC); so is every shape here.
                assert!(
                    g.is_valid(),
                    "{family:?} seed {seed}: {:?}",
                    g.validation_errors()
                );
                let anchor = (s % 3 == 2).then(|| shapes::anchor(&g, seed));
                MODES.into_iter().filter_map(move |mode| {
                    let got = h3_coverage(&g, res, mode, anchor);
                    let want = brute::coverage(&g, res, mode, anchor);
                    (got != want).then(|| {
                        let extra: Vec<_> = got.iter().filter(|c| !want.contains(c)).collect();
                        let missing: Vec<_> = want.iter().filter(|c| !got.contains(c)).collect();
                        format!(
                            "{family:?} seed {seed} res {res} {mode:?} anchor {anchor:?}: \
                             extra {extra:?} missing {missing:?}\n  geometry {g:?}"
                        )
                    })
                })
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} mismatches:\n{}",
            failures.len(),
            failures.join("\n")
        );
        let n = cases.len() * MODES.len();
        println!(
            "{family:?}: {n} comparisons ({seeds} shapes × 5 resolutions × 3 modes), all equal"
        );
        n
    }

    #[test]
    fn convex() {
        check(Family::Convex, 60);
    }

    #[test]
    fn concave() {
        check(Family::Concave, 60);
    }

    #[test]
    fn with_holes() {
        check(Family::Holes, 60);
    }

    #[test]
    fn multipolygons() {
        check(Family::Multi, 60);
    }

    #[test]
    fn tiny() {
        check(Family::Tiny, 100);
    }

    #[test]
    fn on_cell_centres_and_vertices() {
        check(Family::OnCells, 100);
    }

    #[test]
    fn unions_of_cells() {
        check(Family::CellUnion, 50);
    }

    #[test]
    fn exact_cell_polygons() {
        check(Family::ExactCells, 50);
    }

    #[test]
    fn families_are_what_they_say() {
        for family in FAMILIES {
            for s in 0..20 {
                let g = shapes::make(family, s, Resolution::Nine);
                assert!(g.is_valid(), "{family:?} {s}: {:?}", g.validation_errors());
                let holes = g.iter().map(|p| p.interiors().len()).sum::<usize>();
                match family {
                    Family::Holes => assert!(holes >= 1),
                    Family::Multi => assert!(g.0.len() >= 2),
                    _ => {}
                }
            }
        }
    }
}

/// Recorded results of the H3 C library through h3-py (`tests/data/coverage/README.md`).
mod h3py {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn path(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/coverage")
            .join(name)
    }

    fn records(name: &str) -> Vec<csv::StringRecord> {
        let mut reader = csv::Reader::from_path(path(name)).expect("fixture exists");
        reader
            .records()
            .map(|r| r.expect("fixture row parses"))
            .collect()
    }

    fn cell(s: &str) -> CellIndex {
        s.parse().expect("fixture cell")
    }

    /// A polygon case of `h3py_polygons.json` with its cells per h3-py containment mode.
    struct Case {
        name: String,
        res: Resolution,
        geometry: MultiPolygon<f64>,
        cells: BTreeMap<String, Vec<CellIndex>>,
    }

    fn cases() -> Vec<Case> {
        let text = std::fs::read_to_string(path("h3py_polygons.json")).expect("fixture exists");
        let json: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
        let mut cells: BTreeMap<(String, String), Vec<CellIndex>> = BTreeMap::new();
        for r in records("h3py_cells.csv") {
            cells
                .entry((r[0].to_string(), r[1].to_string()))
                .or_default()
                .push(cell(&r[2]));
        }
        json["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .map(|case| {
                let name = case["name"].as_str().expect("name").to_string();
                let res = Resolution::try_from(case["res"].as_u64().expect("res") as u8).unwrap();
                let ring = |r: &serde_json::Value| {
                    let mut coords: Vec<Coord<f64>> = r
                        .as_array()
                        .expect("ring")
                        .iter()
                        .map(|c| Coord {
                            x: c[0].as_f64().expect("lon"),
                            y: c[1].as_f64().expect("lat"),
                        })
                        .collect();
                    coords.push(coords[0]);
                    LineString::new(coords)
                };
                let polygons = case["polygons"]
                    .as_array()
                    .expect("polygons")
                    .iter()
                    .map(|rings| {
                        let rings = rings.as_array().expect("rings");
                        Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
                    })
                    .collect();
                let cells = ["center", "full", "overlap"]
                    .into_iter()
                    .map(|m| {
                        let mut v = cells
                            .get(&(name.clone(), m.to_string()))
                            .cloned()
                            .unwrap_or_default();
                        v.sort_unstable();
                        (m.to_string(), v)
                    })
                    .collect();
                Case {
                    name,
                    res,
                    geometry: MultiPolygon::new(polygons),
                    cells,
                }
            })
            .collect()
    }

    fn diff(got: &[CellIndex], want: &[CellIndex]) -> (Vec<CellIndex>, Vec<CellIndex>) {
        let extra = got
            .iter()
            .filter(|c| want.binary_search(c).is_err())
            .copied()
            .collect();
        let missing = want
            .iter()
            .filter(|c| got.binary_search(c).is_err())
            .copied()
            .collect();
        (extra, missing)
    }

    /// `Center` is `polygon_to_cells`: the same cells, exactly.
    #[test]
    fn center_is_polygon_to_cells() {
        let cases = cases();
        assert_eq!(cases.len(), 5);
        for case in &cases {
            let got = h3_coverage(&case.geometry, case.res, CoverageMode::Center, None);
            let want = &case.cells["center"];
            assert!(want.len() > 40, "{}", case.name);
            assert_eq!(diff(&got, want), (vec![], vec![]), "{}", case.name);
            println!(
                "{}: {} cells equal to h3-py polygon_to_cells",
                case.name,
                got.len()
            );
        }
    }

    /// `Covers` and `Intersects` against H3's experimental `full` and `overlap` containment.
    #[test]
    fn covers_and_intersects_match_full_and_overlap() {
        for case in cases() {
            for (mode, h3_mode) in [
                (CoverageMode::Covers, "full"),
                (CoverageMode::Intersects, "overlap"),
            ] {
                let got = h3_coverage(&case.geometry, case.res, mode, None);
                let want = &case.cells[h3_mode];
                assert_eq!(diff(&got, want), (vec![], vec![]), "{} {mode:?}", case.name);
                println!(
                    "{}: {mode:?} = h3-py {h3_mode}, {} cells",
                    case.name,
                    got.len()
                );
            }
        }
    }

    /// h3o computes the same cells, centres and boundaries as the C library.
    #[test]
    fn points_cells_centres_and_boundaries() {
        let rows = records("h3py_points.csv");
        assert_eq!(rows.len(), 36);
        let mut worst: f64 = 0.0;
        for r in &rows {
            let num = |i: usize| r[i].parse::<f64>().expect("number");
            let res = Resolution::try_from(r[2].parse::<u8>().unwrap()).unwrap();
            let want = cell(&r[3]);
            assert_eq!(
                LatLng::new(num(1), num(0)).unwrap().to_cell(res),
                want,
                "{r:?}"
            );
            let c = LatLng::from(want);
            worst = worst
                .max((c.lat() - num(4)).abs())
                .max((c.lng() - num(5)).abs());
            let boundary: Vec<(f64, f64)> = r[6]
                .split(' ')
                .map(|v| {
                    let (lat, lng) = v.split_once(':').unwrap();
                    (lat.parse().unwrap(), lng.parse().unwrap())
                })
                .collect();
            let ours = want.boundary();
            assert_eq!(ours.len(), boundary.len(), "{r:?}");
            for (o, (lat, lng)) in ours.iter().zip(&boundary) {
                worst = worst.max((o.lat() - lat).abs()).max((o.lng() - lng).abs());
            }
        }
        println!("h3o vs H3 C: worst centre/vertex difference {worst:e}°");
        assert!(worst < 1e-12, "{worst}");
    }
}

/// Grid-marketing cells: validity, stable ids, true-metric squares and full coverage.
mod grid {
    use super::shapes::Family;
    use super::*;
    use catchment::fence::{GridCell, h3_grid, square_grid};
    use geo::{Area, BooleanOps, Geodesic, Winding};

    fn rect_area(lon: f64, lat: f64, w: f64, h: f64) -> MultiPolygon<f64> {
        let r = Rect::new(
            Coord { x: lon, y: lat },
            Coord {
                x: lon + w,
                y: lat + h,
            },
        );
        MultiPolygon::new(vec![r.to_polygon()])
    }

    fn interiors_meet(g: &MultiPolygon<f64>, p: &Polygon<f64>) -> bool {
        g.relate(p).get(CoordPos::Inside, CoordPos::Inside) != Dimensions::Empty
    }

    /// Every cell is valid, counter-clockwise and shares area with the area; the cells cover the
    /// area (the area minus their union has no area). Cells tile the plane, so together this
    /// says the grid is exactly the cells that share area with the area.
    fn check_cover(area: &MultiPolygon<f64>, cells: &[GridCell], what: &str) {
        assert!(!cells.is_empty(), "{what}");
        assert!(
            cells.windows(2).all(|w| w[0].id < w[1].id),
            "{what}: sorted, unique"
        );
        for c in cells {
            assert!(c.polygon.is_valid(), "{what} {}", c.id);
            assert!(c.polygon.exterior().is_ccw(), "{what} {}", c.id);
            assert!(interiors_meet(area, &c.polygon), "{what} {}", c.id);
        }
        let polygons: Vec<Polygon<f64>> = cells.iter().map(|c| c.polygon.clone()).collect();
        let union = geo::unary_union(&polygons);
        let left = area.difference(&union).unsigned_area();
        assert!(
            left <= 1e-9 * area.unsigned_area(),
            "{what}: {left} deg² uncovered"
        );
    }

    #[test]
    fn h3_grid_is_exact_cover_with_valid_ids() {
        let mut n = 0;
        for (i, family) in [Family::Concave, Family::Holes, Family::Multi, Family::Tiny]
            .into_iter()
            .enumerate()
        {
            for s in 0..6 {
                for res in [Resolution::Eight, Resolution::Nine, Resolution::Ten] {
                    let area = shapes::make(family, 1000 + 10 * i as u64 + s, res);
                    let cells = h3_grid(&area, res);
                    for c in &cells {
                        let cell: CellIndex = c.id.parse().expect("an H3 index");
                        assert_eq!(cell.resolution(), res);
                        assert_eq!(c.id, format!("{cell:x}"));
                        assert_eq!(c.id.len(), 15);
                        assert_eq!(c.polygon, cell_polygon(cell));
                    }
                    check_cover(&area, &cells, &format!("h3 {family:?} {s} {res}"));
                    n += 1;
                }
            }
        }
        println!("h3_grid: {n} areas exactly covered");
    }

    #[test]
    fn square_grid_is_exact_cover() {
        let mut n = 0;
        for (i, family) in [Family::Concave, Family::Holes, Family::Multi, Family::Tiny]
            .into_iter()
            .enumerate()
        {
            for s in 0..6 {
                // Shapes sized for res 8 cells (≈ 0.5–3.5 km), squares of 100 m to 1 km.
                let area = shapes::make(family, 2000 + 10 * i as u64 + s, Resolution::Eight);
                let meters = [100.0, 250.0, 500.0, 1000.0][s as usize % 4];
                let cells = square_grid(&area, meters).unwrap();
                check_cover(&area, &cells, &format!("squares {family:?} {s} {meters}"));
                n += 1;
            }
        }
        println!("square_grid: {n} areas exactly covered");
    }

    /// Squares are `meters` on the ground within 0.1% anywhere in their zone.
    #[test]
    fn square_sides_are_true_metres() {
        // (lon, lat, note): on a central meridian, 180 km off it, near zone edges (Shenzhen is
        // 2.9° west of zone 50's 117° E), on the equator 2.95° off (the worst case), high
        // latitude, southern hemisphere.
        let places = [
            (117.0, 30.0, "central meridian"),
            (118.87, 30.0, "k = 1"),
            (114.06, 22.54, "Shenzhen"),
            (108.05, 0.2, "equator, zone edge"),
            (10.75, 59.91, "Oslo"),
            (-46.63, -23.55, "São Paulo"),
        ];
        let mut worst: (f64, &str) = (0.0, "");
        for (lon, lat, note) in places {
            for meters in [100.0, 500.0, 2000.0] {
                let area = rect_area(lon, lat, 0.03, 0.03);
                for cell in square_grid(&area, meters).unwrap() {
                    let ring = &cell.polygon.exterior().0;
                    assert_eq!(ring.len(), 21);
                    for side in 0..4 {
                        let len: f64 = (0..5)
                            .map(|k| {
                                let a = Point::from(ring[side * 5 + k]);
                                let b = Point::from(ring[side * 5 + k + 1]);
                                Geodesic.distance(a, b)
                            })
                            .sum();
                        let err = (len / meters - 1.0).abs();
                        assert!(err < 1e-3, "{note} {}: side {side} is {len} m", cell.id);
                        if err > worst.0 {
                            worst = (err, note);
                        }
                    }
                }
            }
        }
        println!(
            "square sides: worst relative error {:.4}% ({})",
            worst.0 * 100.0,
            worst.1
        );
    }

    /// A square has the same id and polygon whatever area asked for it.
    #[test]
    fn ids_are_stable_when_the_area_moves() {
        for (lon, lat) in [(114.05, 22.54), (-46.63, -23.55), (10.75, 59.91)] {
            let a = rect_area(lon, lat, 0.02, 0.015);
            let b = rect_area(lon + 0.0073, lat - 0.0041, 0.025, 0.02);
            let cells_a = square_grid(&a, 250.0).unwrap();
            let cells_b = square_grid(&b, 250.0).unwrap();
            let mut shared = 0;
            for ca in &cells_a {
                if let Some(cb) = cells_b.iter().find(|cb| cb.id == ca.id) {
                    assert_eq!(ca.polygon, cb.polygon, "{}", ca.id);
                    shared += 1;
                }
            }
            assert!(shared > 20, "{shared}");
            // And the same for H3 cells, trivially.
            let ha = h3_grid(&a, Resolution::Nine);
            let hb = h3_grid(&b, Resolution::Nine);
            assert!(ha.iter().filter(|c| hb.contains(c)).count() > 20);
        }
    }

    #[test]
    fn deterministic() {
        let area = shapes::make(Family::Holes, 7, Resolution::Eight);
        assert_eq!(
            square_grid(&area, 300.0).unwrap(),
            square_grid(&area, 300.0).unwrap()
        );
        assert_eq!(
            h3_grid(&area, Resolution::Nine),
            h3_grid(&area, Resolution::Nine)
        );
    }
}
