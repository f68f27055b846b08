//! Extraction on the real Monaco extract (`data/monaco/monaco.osm.pbf`, © OpenStreetMap
//! contributors, ODbL 1.0), plus the `extract-osm` CLI run in a temporary folder.
//!
//! Expected counts were read off this extract (Geofabrik, 2023-12-26) and cross-checked with
//! pyosmium + shapely (see `data/README.md`).

use catchment::osm::{
    self, AreaIssue, ExtractOptions, MultipolygonBuilder, OsmError, Selection, TagFilter,
};
use geo::{Area, BooleanOps, ChamberlainDuquetteArea, MultiPolygon, Polygon, Validation};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pbf() -> PathBuf {
    root().join("data/monaco/monaco.osm.pbf")
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/data/osm").join(name)
}

fn boundary() -> MultiPolygon<f64> {
    osm::read_boundary_geojson(fixture("monaco_boundary.geojson")).unwrap()
}

fn monaco() -> osm::CityExtract {
    let opts = ExtractOptions::new("BNP Paribas", "10")
        .boundary(boundary(), 5.0)
        .places(osm::read_geonames(fixture("geonames_monaco.csv")).unwrap());
    osm::extract_city(pbf(), &opts).unwrap()
}

/// Monaco's land area (relation 36990, `boundary=land_area`, admin_level 2), closed along the
/// same boundary file: it lacks the same three border ways as the quarters. It excludes the
/// harbours' water.
fn country() -> MultiPolygon<f64> {
    let sel = Selection::new().relations(TagFilter::key_value("boundary", "land_area"));
    let data = osm::read_pbf(pbf(), &sel).unwrap();
    let rel = data.relation(36990).expect("Monaco's land-area relation");
    assert_eq!(rel.tags.get("name"), Some("Monaco"));
    let area = MultipolygonBuilder::new()
        .close_along(&boundary(), 5.0)
        .build(rel, &data);
    assert!(area.is_ok(), "{:?}", area.issues);
    area.geometry
}

#[test]
fn branches_are_the_four_bnp_paribas() {
    let city = monaco();
    let ids: Vec<&str> = city.branches.iter().map(|b| b.branch_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "osm:n946757745",
            "osm:n1784900810",
            "osm:n4054046170",
            "osm:n6482567758"
        ]
    );
    assert!(
        city.branches
            .iter()
            .all(|b| b.brand.as_deref() == Some("BNP Paribas"))
    );
    // Own branches are not competitor POIs.
    assert!(city.pois.iter().all(|p| p.poi_id != "osm:n946757745"));
}

#[test]
fn poi_counts_per_category() {
    let city = monaco();
    let c = &city.report.pois_by_category;
    let n = |k: &str| c.get(k).copied().unwrap_or(0);
    // 18 banks in the extract, 4 of them BNP Paribas.
    assert_eq!(n("bank"), 14);
    assert_eq!(n("supermarket"), 8);
    assert_eq!(n("mall"), 1);
    assert_eq!(n("convenience"), 6);
    assert_eq!(n("clothes"), 31);
    assert_eq!(n("shop"), 128);
    assert_eq!(n("restaurant"), 108);
    assert_eq!(n("cafe"), 23);
    assert_eq!(n("fast_food"), 19);
    assert_eq!(n("bar"), 23);
    assert_eq!(n("school"), 10);
    assert_eq!(n("kindergarten"), 2);
    assert_eq!(n("university"), 1);
    assert_eq!(n("gym"), 2);
    assert_eq!(n("hotel"), 20);
    assert_eq!(n("pharmacy"), 12);
    assert_eq!(n("hospital"), 7);
    assert_eq!(n("clinic"), 1);
    assert_eq!(n("transit"), 111);
    assert_eq!(city.pois.len(), 527);
    assert_eq!(city.report.transit_duplicates, 160);
    // One stop per rail station: the station node stands for its platforms and stop positions.
    let station: Vec<_> = city
        .pois
        .iter()
        .filter(|p| p.name == "Monaco - Monte Carlo")
        .collect();
    assert_eq!(station.len(), 1, "{station:?}");
    // Competitors carry a brand; opening hours are kept.
    let ubs = city
        .pois
        .iter()
        .filter(|p| p.brand.as_deref() == Some("UBS"))
        .count();
    assert_eq!(ubs, 2);
    assert!(
        city.pois
            .iter()
            .filter(|p| p.opening_hours.is_some())
            .count()
            > 100
    );
    // Deterministic order: nodes, ways, relations, each by numeric id.
    let key = |id: &str| {
        (
            ["n", "w", "r"].iter().position(|k| id[4..].starts_with(k)),
            id[5..].parse::<i64>().unwrap(),
        )
    };
    assert!(
        city.pois
            .windows(2)
            .all(|w| key(&w[0].poi_id) < key(&w[1].poi_id))
    );
}

#[test]
fn quarters_tile_the_country() {
    let city = monaco();
    assert_eq!(city.admin.len(), 9);
    assert!(city.report.admin.iter().all(|a| !a.rejected));
    // The three quarters on the French border lack one member way each; closed along it.
    let closed: Vec<&str> = city
        .report
        .admin
        .iter()
        .filter(|a| {
            a.issues
                .iter()
                .any(|i| matches!(i, AreaIssue::ClosedAlongBoundary { .. }))
        })
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(
        closed,
        ["Jardin Exotique", "Les Monegetti", "Ravin de Sainte-Dévote"]
    );

    for a in &city.admin {
        assert!(
            a.geometry.is_valid(),
            "{}: {:?}",
            a.name,
            a.geometry.validation_errors()
        );
        for p in &a.geometry {
            assert!(
                Polygon::new(p.exterior().clone(), vec![]).signed_area() > 0.0,
                "{} not CCW",
                a.name
            );
        }
    }
    // Spherical areas for boolean-op results (they carry zero-width slivers along shared edges).
    let km2 = |g: &MultiPolygon<f64>| g.chamberlain_duquette_unsigned_area() / 1e6;
    let sum: f64 = city.admin.iter().map(|a| km2(&a.geometry)).sum();
    assert!((2.38..2.40).contains(&sum), "{sum}");

    // No overlap between quarters.
    let mut overlap = 0.0;
    for (i, a) in city.admin.iter().enumerate() {
        for b in &city.admin[i + 1..] {
            overlap += a
                .geometry
                .intersection(&b.geometry)
                .chamberlain_duquette_unsigned_area();
        }
    }
    assert!(overlap < 1.0, "pairwise overlap {overlap} m²");
    let union = city
        .admin
        .iter()
        .fold(MultiPolygon::new(vec![]), |u, a| u.union(&a.geometry));
    assert!(
        (km2(&union) - sum).abs() < 1e-5,
        "union {} vs sum {sum}",
        km2(&union)
    );

    // They tile their parent, the commune of Monaco (admin_level 8, lists them as subareas).
    let parent = &city.report.parents[..];
    assert_eq!(parent.len(), 1, "{parent:?}");
    assert_eq!(parent[0].relation_id, 2220322);
    let parent_km2 = parent[0].area_km2.unwrap();
    assert!(
        (parent_km2 - sum).abs() < 1e-4,
        "parent {parent_km2} vs quarters {sum}"
    );
    assert!(parent[0].uncovered_km2.unwrap() < 1e-4);

    // They cover all of Monaco's land area; what lies outside it is the water of the two
    // harbours (Port Hercule in La Condamine, Port de Fontvieille), mapped inside the quarters.
    let land = country();
    assert!(km2(&land.difference(&union)) < 1e-4);
    let water: Vec<(&str, f64)> = city
        .admin
        .iter()
        .map(|a| (a.name.as_str(), km2(&a.geometry.difference(&land))))
        .filter(|(_, w)| *w > 1e-4)
        .collect();
    assert_eq!(
        water.iter().map(|w| w.0).collect::<Vec<_>>(),
        ["Fontvieille", "La Condamine"]
    );
    let water_km2: f64 = water.iter().map(|w| w.1).sum();
    assert!((0.29..0.33).contains(&water_km2), "{water_km2}");
    assert!((km2(&land) + water_km2 - sum).abs() < 1e-3);
}

#[test]
fn populations_joined_from_geonames() {
    let city = monaco();
    let pop = |name: &str| {
        city.admin
            .iter()
            .find(|a| a.name == name)
            .unwrap()
            .population
    };
    assert_eq!(pop("Monte-Carlo"), Some(16012));
    assert_eq!(pop("La Condamine"), Some(12167));
    assert_eq!(pop("Les Monegetti"), Some(3000)); // GeoNames "Moneghetti"
    assert_eq!(pop("La Rousse"), Some(7087)); // not Saint-Roman, also inside it
    // The country's GeoNames point lies in this small quarter; it is set aside.
    assert_eq!(pop("Ravin de Sainte-Dévote"), None);
    let total: u64 = city.admin.iter().filter_map(|a| a.population).sum();
    assert_eq!(total, 50_075);
    assert_eq!(city.report.unused_places, ["Monaco", "Saint-Roman"]);
}

#[test]
fn without_boundary_gaps_close_by_chord() {
    let city = osm::extract_city(pbf(), &ExtractOptions::new("BNP Paribas", "10")).unwrap();
    assert_eq!(city.admin.len(), 9);
    let chords = city
        .report
        .admin
        .iter()
        .flat_map(|a| &a.issues)
        .filter(|i| matches!(i, AreaIssue::ClosedByChord { .. }))
        .count();
    assert_eq!(chords, 3);
    let none = osm::extract_city(
        pbf(),
        &ExtractOptions::new("BNP Paribas", "10").chord_max_m(None),
    )
    .unwrap();
    assert_eq!(none.admin.len(), 6);
    let open = none.report.admin.iter().filter(|a| a.rejected).count();
    assert_eq!(open, 3);
}

#[test]
fn written_files_round_trip() {
    let city = monaco();
    let dir = tempfile::tempdir().unwrap();
    osm::write_outputs(dir.path(), &city).unwrap();
    let branches = std::fs::read_to_string(dir.path().join("branches.csv")).unwrap();
    assert!(branches.starts_with("branch_id,name,lon,lat,brand\n"));
    assert_eq!(branches.lines().count(), 5);
    let pois = std::fs::read_to_string(dir.path().join("pois.csv")).unwrap();
    assert!(pois.starts_with("poi_id,name,category,lon,lat,brand,opening_hours\n"));
    assert_eq!(pois.lines().count(), 528);
    let admin = osm::read_boundary_geojson(dir.path().join("admin.geojson")).unwrap();
    assert_eq!(admin.0.len(), 10); // Larvotto has an islet
    let text = std::fs::read_to_string(dir.path().join("admin.geojson")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let f = &v["features"][0];
    assert_eq!(f["properties"]["code"], "osm:r2220206");
    assert_eq!(f["properties"]["level"], "10");
    assert_eq!(f["properties"]["population"], 3602);
    // ≤ 7 decimals everywhere.
    for num in text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')) {
        if let Some((_, dec)) = num.split_once('.') {
            assert!(dec.len() <= 7, "{num}");
        }
    }
}

#[test]
fn unreadable_inputs_are_typed_errors_naming_the_file() {
    let missing = root().join("data/monaco/nope.osm.pbf");
    match osm::read_pbf(&missing, &Selection::new()) {
        Err(e @ OsmError::Open { .. }) => assert!(e.to_string().contains("nope.osm.pbf")),
        other => panic!("{other:?}"),
    }
    let dir = tempfile::tempdir().unwrap();
    // A truncated file: the first blobs are fine, a later one is cut.
    let bytes = std::fs::read(pbf()).unwrap();
    let cut = dir.path().join("cut.osm.pbf");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    match osm::read_pbf(&cut, &Selection::new().nodes(TagFilter::all())) {
        Err(e @ OsmError::Read { .. }) => assert!(e.to_string().contains("cut.osm.pbf"), "{e}"),
        other => panic!("{other:?}"),
    }
    // A corrupt blob: compressed bytes overwritten.
    let mut bad = bytes.clone();
    for b in &mut bad[20_000..20_400] {
        *b = 0x5a;
    }
    let corrupt = dir.path().join("corrupt.osm.pbf");
    std::fs::write(&corrupt, &bad).unwrap();
    assert!(matches!(
        osm::read_pbf(&corrupt, &Selection::new().nodes(TagFilter::all())),
        Err(OsmError::Read { .. })
    ));
    // Not a PBF at all.
    let text = dir.path().join("text.osm.pbf");
    std::fs::write(&text, "<osm version=\"0.6\"></osm>\n").unwrap();
    assert!(osm::read_pbf(&text, &Selection::new()).is_err());
}

#[test]
fn cli_extracts_into_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_catchment"))
        .current_dir(dir.path())
        .arg("extract-osm")
        .arg(pbf())
        .args([
            "--brand",
            "BNP Paribas",
            "--admin-level",
            "10",
            "--geonames",
        ])
        .arg(fixture("geonames_monaco.csv"))
        .arg("--boundary")
        .arg(fixture("monaco_boundary.geojson"))
        .args(["-o", "out"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("branches (BNP Paribas): 4"), "{stdout}");
    assert!(stdout.contains("9 valid of 9"), "{stdout}");
    for f in ["branches.csv", "pois.csv", "admin.geojson"] {
        assert!(dir.path().join("out").join(f).is_file(), "{f}");
    }
    // The committed demo files are exactly what the command produces.
    for f in ["branches.csv", "pois.csv", "admin.geojson"] {
        let made = std::fs::read(dir.path().join("out").join(f)).unwrap();
        let committed = std::fs::read(root().join("data/monaco").join(f)).unwrap();
        assert!(
            made == committed,
            "data/monaco/{f} is stale: rerun the command in data/README.md"
        );
    }

    let missing = Command::new(env!("CARGO_BIN_EXE_catchment"))
        .current_dir(dir.path())
        .args([
            "extract-osm",
            "missing.osm.pbf",
            "--brand",
            "X",
            "--admin-level",
            "10",
            "-o",
            "o",
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("missing.osm.pbf"));
}
