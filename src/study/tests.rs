use super::*;

fn parse(text: &str) -> Result<Study, StudyError> {
    Study::from_toml(text, Path::new("/data/city/study.toml"))
}

const MIN: &str = "name = \"t\"\nsalt = \"s\"\n[inputs]\nbranches = { path = \"b.csv\" }\n";

#[test]
fn defaults_fill_in() {
    let s = parse(MIN).unwrap();
    assert_eq!(s.timezone_name, "Asia/Shanghai");
    assert_eq!(s.h3_resolution, h3o::Resolution::Nine);
    assert_eq!(s.validation.max_accuracy_m, 200.0);
    assert_eq!(s.privacy.min_devices, 10);
    assert_eq!(s.mobility.stay_radius_m, 100.0);
    assert_eq!(s.outputs.dir, Path::new("/data/city/out"));
    assert_eq!(s.outputs.layers.len(), 8);
    assert_eq!(s.inputs.branches.path, Path::new("/data/city/b.csv"));
}

#[test]
fn unknown_key_names_its_line() {
    let err = parse(&format!("{MIN}[privacy]\nmin_device = 5\n")).unwrap_err();
    match err {
        StudyError::Parse { line, message, .. } => {
            assert_eq!(line, 6, "{message}");
            assert!(message.contains("min_device"), "{message}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn unknown_fence_key_is_an_error() {
    let err = parse(&format!("{MIN}[[fences]]\nkind = \"radius\"\nmeter = 5\n")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("meter"), "{text}");
    assert!(
        matches!(err, StudyError::Parse { line: 5..=7, .. }),
        "{text}"
    );
}

#[test]
fn bad_values_name_key_and_line() {
    let err = parse(&format!("timezone = \"Mars/Olympus\"\n{MIN}")).unwrap_err();
    assert!(
        matches!(&err, StudyError::Invalid { line: 1, key, .. } if key == "timezone"),
        "{err}"
    );
    let err = parse(&format!(
        "{MIN}[[fences]]\nkind = \"travel\"\nmode = \"walk\"\nminutes = 10\nintervals = [5, 15]\n"
    ))
    .unwrap_err();
    assert!(
        matches!(&err, StudyError::Invalid { line: 5, key, .. } if key.contains("intervals")),
        "{err}"
    );
    let err = parse(&format!("h3_resolution = 16\n{MIN}")).unwrap_err();
    assert!(matches!(&err, StudyError::Invalid { line: 1, .. }), "{err}");
    let err = parse(&format!("bbox = [10, 0, 5, 1]\n{MIN}")).unwrap_err();
    assert!(err.to_string().contains("bbox"), "{err}");
    let err = parse(&format!(
        "{MIN}[[fences]]\nkind = \"travel\"\nmode = \"fly\"\n"
    ))
    .unwrap_err();
    assert!(err.to_string().contains("fly"), "{err}");
}

#[test]
fn fences_get_ids_and_defaults() {
    let s = parse(&format!(
        "{MIN}[[fences]]\nkind = \"radius\"\n[[fences]]\nkind = \"radius\"\nrings = [500, 1000]\n[[fences]]\nkind = \"nine_grid\"\n[[fences]]\nkind = \"travel\"\nmode = \"drive\"\n"
    ))
    .unwrap();
    let ids: Vec<String> = s.fences.iter().map(FenceSpec::id).collect();
    assert_eq!(
        ids,
        ["radius_1000", "rings_500_1000", "nine_grid_500", "drive_15"]
    );
    let err = parse(&format!(
        "{MIN}[[fences]]\nkind = \"radius\"\n[[fences]]\nkind = \"radius\"\n"
    ))
    .unwrap_err();
    assert!(err.to_string().contains("used twice"), "{err}");
}

#[test]
fn input_crs_and_columns() {
    let s = parse(&format!(
        "crs = \"gcj02\"\n{MIN}pings = {{ path = \"p.parquet\", crs = \"bd09\", columns = {{ device_id = \"uid\" }} }}\n"
    ))
    .unwrap();
    assert_eq!(s.inputs.branches.crs, Crs::Gcj02);
    let p = s.inputs.pings.unwrap();
    assert_eq!(p.crs, Crs::Bd09);
    assert_eq!(p.columns.get("device_id").map(String::as_str), Some("uid"));
}
