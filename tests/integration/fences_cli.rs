//! `catchment fences` end to end: every kind of fence for every branch, valid RFC 7946 GeoJSON.

use crate::util::{catchment, text};
use geo::{Validation, Winding};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Parses a fences layer and checks what RFC 7946 and QGIS need; returns (branch, fence_id, kind).
pub(crate) fn check_fences_layer(path: &Path) -> Vec<(String, String, String, bool)> {
    let text = std::fs::read_to_string(path).unwrap();
    let gj: geojson::GeoJson = text.parse().unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!("not a FeatureCollection")
    };
    let bbox = fc.bbox.clone().expect("bbox");
    assert_eq!(bbox.len(), 4);
    // At most 7 decimals everywhere.
    for token in text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')) {
        if let Some((_, dec)) = token.split_once('.') {
            assert!(dec.len() <= 7, "{token}");
        }
    }
    let mut out = Vec::new();
    for f in fc.features {
        let props = f.properties.clone().unwrap();
        let s = |k: &str| {
            props
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("{k}"))
                .to_string()
        };
        let area = props["area_km2"].as_f64().unwrap();
        assert!(area > 0.0);
        let geom: geo::Geometry<f64> = f.geometry.clone().unwrap().try_into().unwrap();
        let geo::Geometry::MultiPolygon(mp) = geom else {
            panic!("not a MultiPolygon")
        };
        assert!(
            mp.is_valid(),
            "{} {}: {:?}",
            s("branch_id"),
            s("fence_id"),
            mp.validation_errors()
        );
        for p in &mp.0 {
            assert!(p.exterior().is_ccw(), "{}", s("fence_id"));
            for h in p.interiors() {
                assert!(h.is_cw(), "{}", s("fence_id"));
            }
            for c in p.exterior().coords() {
                assert!(c.x >= bbox[0] && c.x <= bbox[2] && c.y >= bbox[1] && c.y <= bbox[3]);
            }
        }
        serde_json::from_str::<serde_json::Value>(&s("params")).expect("params is JSON");
        out.push((
            s("branch_id"),
            s("fence_id"),
            s("kind"),
            props["primary"].as_bool().unwrap(),
        ));
    }
    // One primary per branch.
    let mut primaries: BTreeMap<String, usize> = BTreeMap::new();
    for (b, _, _, p) in &out {
        *primaries.entry(b.clone()).or_default() += usize::from(*p);
    }
    assert!(primaries.values().all(|&n| n == 1), "{primaries:?}");
    out
}

#[test]
fn monaco_branches_get_every_non_network_kind() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/monaco");
    let study = format!(
        r#"name = "fences"
salt = "s"
timezone = "Europe/Monaco"
[inputs]
branches = {{ path = "{d}/branches.csv" }}
admin = {{ path = "{d}/admin.geojson" }}
[[fences]]
kind = "radius"
meters = 400
[[fences]]
kind = "radius"
rings = [200, 400, 800]
[[fences]]
kind = "nine_grid"
cell_meters = 250
[[fences]]
kind = "polygon"
coordinates = [[[7.415, 43.728], [7.430, 43.728], [7.430, 43.742], [7.415, 43.742]]]
[[fences]]
kind = "admin"
name = "la condamine"
"#,
        d = data.display()
    );
    std::fs::write(dir.path().join("study.toml"), study).unwrap();
    let o = catchment(
        dir.path(),
        &["fences", "study.toml", "-o", "fences.geojson"],
    );
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let fences = check_fences_layer(&dir.path().join("fences.geojson"));
    assert_eq!(fences.len(), 4 * (1 + 3 + 9 + 1 + 1));
    let kinds: BTreeSet<_> = fences.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["admin", "nine_grid", "polygon", "radius"])
    );
    assert!(fences.iter().any(|f| f.1 == "nine_grid_250/NE"));
    assert!(fences.iter().any(|f| f.1 == "rings_200_400_800/400-800"));
}

#[test]
fn unknown_admin_name_suggests_close_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/monaco");
    let study = format!(
        "name = \"f\"\nsalt = \"s\"\n[inputs]\nbranches = {{ path = \"{d}/branches.csv\" }}\nadmin = {{ path = \"{d}/admin.geojson\" }}\n[[fences]]\nkind = \"admin\"\nname = \"Monte Carl\"\n",
        d = data.display()
    );
    std::fs::write(dir.path().join("study.toml"), study).unwrap();
    let o = catchment(dir.path(), &["fences", "study.toml", "-o", "f.geojson"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("did you mean \"Monte-Carlo\""),
        "{}",
        text(&o.stderr)
    );
    assert!(!dir.path().join("f.geojson").exists());
}
