//! Differential tests: the locator against h3o and geo (through [`BruteForce`]) on random,
//! vertex, edge and nudged points.

use super::{BruteForce, IndexError, Locator};
use geo::{LineString, MultiPolygon, Polygon, Rect, coord};
use h3o::{LatLng, Resolution};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

const CHENGDU: (f64, f64) = (104.06, 30.66);
const MONACO: (f64, f64) = (7.42, 43.73);

/// A box of `half_m` metres either side of a centre.
fn area(centre: (f64, f64), half_m: f64) -> Rect<f64> {
    let dlat = half_m / 110_574.0;
    let dlon = half_m / (111_320.0 * centre.1.to_radians().cos());
    Rect::new(
        coord! { x: centre.0 - dlon, y: centre.1 - dlat },
        coord! { x: centre.0 + dlon, y: centre.1 + dlat },
    )
}

/// Random points over the area (a little beyond it too), on h3o cell boundaries (vertices and
/// points along edges) and those nudged by ±1e-9°.
fn cell_test_points(locator: &Locator, area: Rect<f64>, n: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let (w, h) = (area.width(), area.height());
    let mut pts = Vec::with_capacity(n);
    for _ in 0..n / 2 {
        pts.push((
            area.min().x - 0.01 * w + rng.random::<f64>() * 1.02 * w,
            area.min().y - 0.01 * h + rng.random::<f64>() * 1.02 * h,
        ));
    }
    let cells = locator.cells();
    while pts.len() < n {
        let cell = cells[rng.random_range(0..cells.len())];
        let b = cell.boundary();
        let k = rng.random_range(0..b.len());
        let (a, c) = (b[k], b[(k + 1) % b.len()]);
        let t: f64 = if rng.random_bool(0.2) {
            0.0
        } else {
            rng.random()
        };
        // On the chord in lon/lat and on the true edge (a great-circle arc).
        let chord = (
            a.lng() + t * (c.lng() - a.lng()),
            a.lat() + t * (c.lat() - a.lat()),
        );
        for (lon, lat) in [chord, on_arc(a, c, t)] {
            pts.push((lon, lat));
            for _ in 0..3 {
                let nudge = |rng: &mut Pcg64| [-1e-9, 0.0, 1e-9][rng.random_range(0..3)];
                pts.push((lon + nudge(&mut rng), lat + nudge(&mut rng)));
            }
        }
    }
    pts
}

/// A point on the great-circle arc `a → b` (lon, lat in degrees).
fn on_arc(a: LatLng, b: LatLng, t: f64) -> (f64, f64) {
    let v = |ll: LatLng| {
        let (lat, lng) = (ll.lat_radians(), ll.lng_radians());
        [lat.cos() * lng.cos(), lat.cos() * lng.sin(), lat.sin()]
    };
    let (va, vb) = (v(a), v(b));
    let p = [0, 1, 2].map(|i| va[i] * (1.0 - t) + vb[i] * t);
    let n = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
    (
        p[1].atan2(p[0]).to_degrees(),
        (p[2] / n).asin().to_degrees(),
    )
}

/// Every point: `locate` and `cell_slot` agree with h3o inside the area and are `None` outside.
fn assert_cells_exact(centre: (f64, f64), half_m: f64, res: Resolution, n: usize) {
    assert_cells_exact_with(centre, half_m, res, None, n);
}

fn assert_cells_exact_with(
    centre: (f64, f64),
    half_m: f64,
    res: Resolution,
    pixel_m: Option<f64>,
    n: usize,
) {
    let area = area(centre, half_m);
    let mut builder = Locator::builder(area, res);
    if let Some(m) = pixel_m {
        builder = builder.pixel_m(m);
    }
    let locator = builder.build().expect("build");
    let mut fences = Vec::new();
    let mut inside = 0;
    for (lon, lat) in cell_test_points(&locator, area, n, u64::from(u8::from(res))) {
        let in_area = (area.min().x..=area.max().x).contains(&lon)
            && (area.min().y..=area.max().y).contains(&lat);
        let got = locator.locate(lon, lat, &mut fences);
        assert_eq!(got, locator.cell_slot(lon, lat));
        if !in_area {
            assert_eq!(got, None, "({lon}, {lat}) is outside");
            continue;
        }
        inside += 1;
        let want = LatLng::new(lat, lon).unwrap().to_cell(res);
        let slot = got.unwrap_or_else(|| panic!("({lon}, {lat}) has no slot, h3o says {want}"));
        assert_eq!(
            locator.cells()[slot as usize],
            want,
            "({lon:.12}, {lat:.12}) at {res}"
        );
        assert_eq!(locator.slot_of(want), Some(slot));
    }
    assert!(inside > n / 2, "{inside}");
    assert!(locator.stats().pure_cell_share > 0.5 || res == Resolution::Twelve);
}

#[test]
fn cells_chengdu_res7() {
    assert_cells_exact(CHENGDU, 15_000.0, Resolution::Seven, 200_000);
}

#[test]
fn cells_chengdu_res9() {
    assert_cells_exact(CHENGDU, 5_000.0, Resolution::Nine, 200_000);
}

#[test]
fn cells_chengdu_res10() {
    assert_cells_exact(CHENGDU, 3_000.0, Resolution::Ten, 200_000);
}

#[test]
fn cells_chengdu_res12() {
    assert_cells_exact(CHENGDU, 500.0, Resolution::Twelve, 200_000);
}

#[test]
fn cells_monaco_res9_10_12() {
    assert_cells_exact(MONACO, 2_000.0, Resolution::Nine, 100_000);
    assert_cells_exact(MONACO, 2_000.0, Resolution::Ten, 100_000);
    assert_cells_exact(MONACO, 400.0, Resolution::Twelve, 100_000);
}

/// A resolution-0 pentagon sits on an icosahedron vertex, so a box around it straddles face
/// edges and holds a pentagon at every resolution (base cell 4, at 64.7° N, 10.5° E).
#[test]
fn cells_around_a_pentagon_and_face_edges() {
    let pentagon = Resolution::Zero.pentagons().next().expect("12 pentagons");
    let c = LatLng::from(pentagon);
    let centre = (c.lng(), c.lat());
    assert_cells_exact(centre, 20_000.0, Resolution::Seven, 100_000);
    assert_cells_exact(centre, 3_000.0, Resolution::Nine, 100_000);
}

/// Coarse cells have edges bowed in lon/lat by far more than a pixel (about 0.5 km at
/// resolution 2, 60 m at resolution 4, against 150 m and 20 m pixels).
#[test]
fn cells_coarse_resolution_bowed_edges() {
    assert_cells_exact_with(CHENGDU, 120_000.0, Resolution::Two, Some(150.0), 100_000);
    assert_cells_exact_with(MONACO, 20_000.0, Resolution::Four, Some(20.0), 100_000);
}

// ---------------------------------------------------------------------------------------------
// Fences

fn ring(points: Vec<(f64, f64)>) -> LineString<f64> {
    LineString::from(points)
}

/// A 64-gon of `radius_m` around a centre (local equirectangular metres, as gen_data.py).
fn circle(c: (f64, f64), radius_m: f64) -> Polygon<f64> {
    let mlon = 111_320.0 * c.1.to_radians().cos();
    let pts = (0..64)
        .map(|i| {
            let a = i as f64 / 64.0 * std::f64::consts::TAU;
            (
                c.0 + radius_m * a.cos() / mlon,
                c.1 + radius_m * a.sin() / 110_574.0,
            )
        })
        .collect();
    Polygon::new(ring(pts), vec![])
}

/// A star-shaped (often concave) polygon with `k` vertices, as gen_data.py.
fn star(rng: &mut Pcg64, c: (f64, f64), radius_m: f64, k: usize) -> Polygon<f64> {
    let mlon = 111_320.0 * c.1.to_radians().cos();
    let mut angles: Vec<f64> = (0..k)
        .map(|_| rng.random::<f64>() * std::f64::consts::TAU)
        .collect();
    angles.sort_by(f64::total_cmp);
    let pts = angles
        .iter()
        .map(|a| {
            let r = radius_m * rng.random_range(0.35..1.0);
            (c.0 + r * a.cos() / mlon, c.1 + r * a.sin() / 110_574.0)
        })
        .collect();
    Polygon::new(ring(pts), vec![])
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> LineString<f64> {
    ring(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
}

/// The fence zoo over a 4 km Chengdu box: circles, stars, a polygon with a hole, a
/// multipolygon whose parts share an edge, a fence crossing the area border, fences smaller
/// than a pixel, slivers, degenerate rings, overlapping holes, a self-intersecting bow tie and
/// an empty fence.
fn fence_zoo(area: Rect<f64>, seed: u64) -> Vec<MultiPolygon<f64>> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let (x0, y0) = area.min().x_y();
    let (w, h) = (area.width(), area.height());
    let at = |fx: f64, fy: f64| (x0 + fx * w, y0 + fy * h);
    let mut fences = Vec::new();
    for _ in 0..20 {
        let c = at(rng.random(), rng.random());
        fences.push(MultiPolygon::new(vec![circle(
            c,
            rng.random_range(100.0..1500.0),
        )]));
    }
    for _ in 0..8 {
        let c = at(rng.random(), rng.random());
        let k = rng.random_range(12..49);
        let r = rng.random_range(300.0..2000.0);
        fences.push(MultiPolygon::new(vec![star(&mut rng, c, r, k)]));
    }
    // Axis-aligned square with a square hole: exact edge midpoints are on the edges.
    let (a, b) = (at(0.2, 0.2), at(0.6, 0.6));
    let (ha, hb) = (at(0.3, 0.3), at(0.4, 0.45));
    fences.push(MultiPolygon::new(vec![Polygon::new(
        rect(a.0, a.1, b.0, b.1),
        vec![rect(ha.0, ha.1, hb.0, hb.1)],
    )]));
    // Two squares sharing an edge, plus a detached third, as one multipolygon.
    let (p, q, r) = (at(0.65, 0.1), at(0.75, 0.2), at(0.85, 0.2));
    fences.push(MultiPolygon::new(vec![
        Polygon::new(rect(p.0, p.1, q.0, q.1), vec![]),
        Polygon::new(rect(q.0, p.1, r.0, r.1), vec![]),
        circle(at(0.9, 0.9), 120.0),
    ]));
    // Crossing the area border (west and south).
    let (a, b) = (at(-0.2, -0.1), at(0.1, 0.15));
    fences.push(MultiPolygon::new(vec![Polygon::new(
        rect(a.0, a.1, b.0, b.1),
        vec![],
    )]));
    // Covering the whole area with a hole.
    let (a, b) = (at(-1.0, -1.0), at(2.0, 2.0));
    fences.push(MultiPolygon::new(vec![Polygon::new(
        rect(a.0, a.1, b.0, b.1),
        vec![circle(at(0.5, 0.5), 600.0).exterior().clone()],
    )]));
    // Smaller than a pixel: a 2 m triangle, a 0.5 m square.
    let c = at(0.45, 0.7);
    fences.push(MultiPolygon::new(vec![Polygon::new(
        ring(vec![c, (c.0 + 2e-5, c.1), (c.0, c.1 + 2e-5)]),
        vec![],
    )]));
    let c = at(0.46, 0.71);
    fences.push(MultiPolygon::new(vec![Polygon::new(
        rect(c.0, c.1, c.0 + 5e-6, c.1 + 5e-6),
        vec![],
    )]));
    // Slivers: 1e-9° and 1e-7° wide, 2 km long, diagonal and axis-aligned.
    let (a, b) = (at(0.1, 0.8), at(0.7, 0.95));
    fences.push(MultiPolygon::new(vec![Polygon::new(
        ring(vec![a, b, (b.0 + 1e-9, b.1 + 1e-9)]),
        vec![],
    )]));
    let a = at(0.1, 0.75);
    fences.push(MultiPolygon::new(vec![Polygon::new(
        rect(a.0, a.1, a.0 + 0.4 * w, a.1 + 1e-7),
        vec![],
    )]));
    // Degenerate rings: a single point, a two-point ring (a segment), collinear points.
    let c = at(0.33, 0.66);
    fences.push(MultiPolygon::new(vec![Polygon::new(ring(vec![c]), vec![])]));
    let (a, b) = (at(0.3, 0.62), at(0.4, 0.64));
    fences.push(MultiPolygon::new(vec![Polygon::new(
        ring(vec![a, b]),
        vec![],
    )]));
    let (a, b, c) = (at(0.5, 0.05), at(0.55, 0.05), at(0.6, 0.05));
    fences.push(MultiPolygon::new(vec![Polygon::new(
        ring(vec![a, b, c]),
        vec![],
    )]));
    // Overlapping holes (invalid): the first hole the point is not outside of decides.
    let (a, b) = (at(0.05, 0.4), at(0.35, 0.7));
    let (h1a, h1b) = (at(0.1, 0.45), at(0.2, 0.55));
    let (h2a, h2b) = (at(0.15, 0.5), at(0.25, 0.6));
    fences.push(MultiPolygon::new(vec![Polygon::new(
        rect(a.0, a.1, b.0, b.1),
        vec![
            rect(h1a.0, h1a.1, h1b.0, h1b.1),
            rect(h2a.0, h2a.1, h2b.0, h2b.1),
        ],
    )]));
    // Self-intersecting bow tie with a loop wound twice (winding number 2).
    let (a, b, c, d) = (at(0.7, 0.4), at(0.9, 0.6), at(0.9, 0.4), at(0.7, 0.6));
    fences.push(MultiPolygon::new(vec![Polygon::new(
        ring(vec![a, b, c, d]),
        vec![],
    )]));
    let pts: Vec<_> = (0..10)
        .map(|i| {
            let t = i as f64 / 10.0 * 2.0 * std::f64::consts::TAU;
            at(0.8 + 0.05 * t.cos(), 0.8 + 0.05 * t.sin())
        })
        .collect();
    fences.push(MultiPolygon::new(vec![Polygon::new(ring(pts), vec![])]));
    // Empty.
    fences.push(MultiPolygon::new(vec![]));
    fences.push(MultiPolygon::new(vec![Polygon::new(ring(vec![]), vec![])]));
    fences
}

/// Points: uniform (and a little beyond the area), every vertex, every edge midpoint, random
/// points along edges, and all of those nudged by ±1e-12°.
fn fence_test_points(
    area: Rect<f64>,
    fences: &[MultiPolygon<f64>],
    n: usize,
    seed: u64,
) -> Vec<(f64, f64)> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let (w, h) = (area.width(), area.height());
    let mut pts = Vec::new();
    for _ in 0..n / 2 {
        pts.push((
            area.min().x - 0.02 * w + rng.random::<f64>() * 1.04 * w,
            area.min().y - 0.02 * h + rng.random::<f64>() * 1.04 * h,
        ));
    }
    let mut special = Vec::new();
    for f in fences {
        for p in &f.0 {
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                for c in &r.0 {
                    special.push((c.x, c.y));
                }
                for l in r.lines() {
                    special.push((0.5 * (l.start.x + l.end.x), 0.5 * (l.start.y + l.end.y)));
                    let t: f64 = rng.random();
                    special.push((
                        l.start.x + t * (l.end.x - l.start.x),
                        l.start.y + t * (l.end.y - l.start.y),
                    ));
                }
            }
        }
    }
    for &(x, y) in &special {
        pts.push((x, y));
        for _ in 0..4 {
            let nudge = |rng: &mut Pcg64| [-1e-12, 0.0, 1e-12][rng.random_range(0..3)];
            pts.push((x + nudge(&mut rng), y + nudge(&mut rng)));
        }
    }
    pts
}

fn assert_fences_exact(locator: &Locator, brute: &BruteForce, pts: &[(f64, f64)], area: Rect<f64>) {
    let (mut got, mut want, mut only) = (Vec::new(), Vec::new(), Vec::new());
    let mut hits = 0usize;
    for &(lon, lat) in pts {
        brute.fences_at(lon, lat, &mut want);
        locator.fences_at(lon, lat, &mut only);
        assert_eq!(only, want, "fences_at ({lon:.15}, {lat:.15})");
        let slot = locator.locate(lon, lat, &mut got);
        let in_area = (area.min().x..=area.max().x).contains(&lon)
            && (area.min().y..=area.max().y).contains(&lat);
        assert_eq!(slot.is_some(), in_area);
        if in_area {
            assert_eq!(got, want, "locate ({lon:.15}, {lat:.15})");
            hits += want.len();
        } else {
            assert!(got.is_empty());
        }
    }
    assert!(
        hits > pts.len() / 2,
        "too few fence hits ({hits}) to mean anything"
    );
}

#[test]
fn fences_exact_zoo() {
    let area = area(CHENGDU, 2_000.0);
    let fences = fence_zoo(area, 11);
    let brute = BruteForce::new(Resolution::Nine, fences.clone());
    for pixel_m in [10.0, 3.0] {
        let locator = Locator::builder(area, Resolution::Nine)
            .fences(fences.clone())
            .pixel_m(pixel_m)
            .build()
            .expect("build");
        assert_eq!(locator.fence_count(), fences.len());
        let pts = fence_test_points(area, &fences, 100_000, 5);
        assert_fences_exact(&locator, &brute, &pts, area);
        let s = locator.stats();
        assert!(s.pure_fence_share > 0.8, "{s:?}");
    }
}

#[test]
fn fences_exact_gen_data_like_random() {
    // 60 circles and 10 stars over a 6 km box, coarse pixels so most fences are candidates.
    let area = area(MONACO, 3_000.0);
    let mut rng = Pcg64::seed_from_u64(99);
    let (x0, y0) = area.min().x_y();
    let mut fences = Vec::new();
    for _ in 0..60 {
        let c = (
            x0 + rng.random::<f64>() * area.width(),
            y0 + rng.random::<f64>() * area.height(),
        );
        fences.push(MultiPolygon::new(vec![circle(
            c,
            rng.random_range(300.0..1500.0),
        )]));
    }
    for _ in 0..10 {
        let c = (
            x0 + rng.random::<f64>() * area.width(),
            y0 + rng.random::<f64>() * area.height(),
        );
        let k = rng.random_range(12..49);
        let r = rng.random_range(500.0..3000.0);
        fences.push(MultiPolygon::new(vec![star(&mut rng, c, r, k)]));
    }
    let brute = BruteForce::new(Resolution::Ten, fences.clone());
    let locator = Locator::builder(area, Resolution::Ten)
        .fences(fences.clone())
        .pixel_m(40.0)
        .build()
        .expect("build");
    let pts = fence_test_points(area, &fences, 80_000, 6);
    assert_fences_exact(&locator, &brute, &pts, area);
}

/// The boundary rule, spelled out on hand-made cases.
#[test]
fn boundary_rule() {
    let area = Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 4.0, y: 4.0 });
    let holed = MultiPolygon::new(vec![Polygon::new(
        rect(0.5, 0.5, 2.5, 2.5),
        vec![rect(1.0, 1.0, 2.0, 2.0)],
    )]);
    let pair = MultiPolygon::new(vec![
        Polygon::new(rect(3.0, 0.5, 3.5, 1.0), vec![]),
        Polygon::new(rect(3.5, 0.5, 3.75, 1.0), vec![]),
    ]);
    let locator = Locator::builder(area, Resolution::Two)
        .fences(vec![holed, pair])
        .pixel_m(5_000.0)
        .build()
        .expect("build");
    let mut f = Vec::new();
    let at = |lon, lat, f: &mut Vec<u32>| {
        locator.fences_at(lon, lat, f);
        f.clone()
    };
    assert_eq!(at(0.5, 0.5, &mut f), [0], "exterior vertex");
    assert_eq!(at(1.5, 0.5, &mut f), [0], "exterior edge");
    assert_eq!(at(1.5, 1.0, &mut f), [0], "hole edge");
    assert_eq!(at(2.0, 2.0, &mut f), [0], "hole vertex");
    assert_eq!(at(1.5, 1.5, &mut f), [] as [u32; 0], "inside the hole");
    assert_eq!(at(0.75, 0.75, &mut f), [0], "inside");
    assert_eq!(
        at(3.5, 0.75, &mut f),
        [1],
        "edge shared by two polygons of a multipolygon"
    );
    assert_eq!(at(3.5, 1.0, &mut f), [1], "vertex shared by two polygons");
    assert_eq!(at(3.9, 0.75, &mut f), [] as [u32; 0], "outside");
}

#[test]
fn same_build_at_one_and_two_threads() {
    let area = area(CHENGDU, 2_000.0);
    let fences = fence_zoo(area, 3);
    let build = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| {
                Locator::builder(area, Resolution::Nine)
                    .fences(fences.clone())
                    .pixel_m(8.0)
                    .build()
                    .expect("build")
            })
    };
    let (one, two) = (build(1), build(2));
    assert_eq!(one.cells, two.cells);
    assert!(one.pixels == two.pixels, "pixels differ");
    assert_eq!(one.class_offsets, two.class_offsets);
    assert_eq!(one.class_entries, two.class_entries);
}

#[test]
fn bad_input() {
    let good = area(MONACO, 1_000.0);
    let mut f = vec![7];
    let locator = Locator::builder(good, Resolution::Ten)
        .fences(vec![MultiPolygon::new(vec![good.to_polygon()])])
        .build()
        .expect("build");
    assert_eq!(locator.locate(f64::NAN, 43.73, &mut f), None);
    assert!(f.is_empty());
    assert_eq!(locator.cell_slot(7.42, f64::NAN), None);
    assert_eq!(locator.cell_slot(f64::INFINITY, 43.73), None);
    f.push(3);
    locator.fences_at(f64::NAN, f64::NAN, &mut f);
    assert!(f.is_empty());

    let flat = Rect::new(coord! { x: 7.4, y: 43.7 }, coord! { x: 7.5, y: 43.7 });
    assert!(matches!(
        Locator::builder(flat, Resolution::Ten).build(),
        Err(IndexError::InvalidArea { .. })
    ));
    let nan = Rect::new(coord! { x: f64::NAN, y: 43.7 }, coord! { x: 7.5, y: 43.8 });
    assert!(matches!(
        Locator::builder(nan, Resolution::Ten).build(),
        Err(IndexError::InvalidArea { .. })
    ));
    let wide = Rect::new(coord! { x: 170.0, y: 0.0 }, coord! { x: 181.0, y: 1.0 });
    assert!(matches!(
        Locator::builder(wide, Resolution::Ten).build(),
        Err(IndexError::InvalidArea { .. })
    ));
    let country = area(CHENGDU, 500_000.0);
    assert!(matches!(
        Locator::builder(country, Resolution::Twelve).build(),
        Err(IndexError::TooManyCells { .. })
    ));
    assert!(matches!(
        Locator::builder(good, Resolution::Ten)
            .pixel_m(-1.0)
            .build(),
        Err(IndexError::InvalidSetting(_))
    ));
    assert!(matches!(
        Locator::builder(good, Resolution::Ten)
            .max_pixels(0)
            .build(),
        Err(IndexError::InvalidSetting(_))
    ));
    let bad = Polygon::new(
        ring(vec![(7.42, 43.73), (7.43, f64::NAN), (7.43, 43.74)]),
        vec![],
    );
    assert_eq!(
        Locator::builder(good, Resolution::Ten)
            .fences(vec![
                MultiPolygon::new(vec![]),
                MultiPolygon::new(vec![bad])
            ])
            .build()
            .unwrap_err(),
        IndexError::InvalidFence { index: 1, coord: 1 }
    );
}

#[test]
fn stats_and_pixel_cap() {
    let a = area(CHENGDU, 3_000.0);
    let locator = Locator::builder(a, Resolution::Nine)
        .max_pixels(50_000)
        .build()
        .expect("build");
    let s = locator.stats();
    assert!(s.pixels <= 50_000 && s.pixels == s.columns * s.rows);
    assert!(s.pixel_m > 20.0, "{s:?}");
    assert_eq!(s.cells, locator.cells().len());
    assert!(locator.cells().windows(2).all(|w| w[0] < w[1]));
    // Still exact with coarse pixels.
    for (lon, lat) in [(104.06, 30.66), (104.07, 30.65), (a.max().x, a.max().y)] {
        let slot = locator.cell_slot(lon, lat).unwrap();
        assert_eq!(
            locator.cells()[slot as usize],
            LatLng::new(lat, lon).unwrap().to_cell(Resolution::Nine)
        );
    }
}

#[test]
fn locator_is_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<Locator>();
    shared::<BruteForce>();
}
