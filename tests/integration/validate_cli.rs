//! `catchment validate` end to end: counts, rejects files, strict mode, exit codes.

use crate::util::{catchment, fixture, text};

#[test]
fn reports_every_reject_and_writes_files() {
    let out = tempfile::tempdir().unwrap();
    let study = fixture("inputs/study.toml");
    let o = catchment(
        out.path(),
        &["validate", study.to_str().unwrap(), "-o", "."],
    );
    let stdout = text(&o.stdout);
    assert!(o.status.success(), "{}{}", stdout, text(&o.stderr));
    assert!(stdout.contains("rejects  32 in total"), "{stdout}");
    for (input, lines) in [
        ("pings", 15),
        ("devices", 3),
        ("branches", 3),
        ("pois", 2),
        ("campaigns", 5),
        ("admin", 4),
    ] {
        let f = std::fs::read_to_string(out.path().join(format!("rejects/{input}.csv"))).unwrap();
        assert_eq!(f.lines().count(), lines + 1, "{input}: {f}");
        assert!(f.starts_with("line,reason_code,reason,"), "{f}");
    }
    let devices = std::fs::read_to_string(out.path().join("rejects/devices.csv")).unwrap();
    assert!(
        !devices.contains(",d1,") && !devices.contains("d6"),
        "{devices}"
    );
}

#[test]
fn strict_fails_naming_file_and_line() {
    let out = tempfile::tempdir().unwrap();
    let study = fixture("inputs/study.toml");
    let o = catchment(
        out.path(),
        &["validate", study.to_str().unwrap(), "-o", ".", "--strict"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("branches.csv") && err.contains("line 4"),
        "{err}"
    );
}

#[test]
fn bad_study_and_missing_file_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("s.toml");
    std::fs::write(
        &study,
        "name = \"x\"\nsalt = \"s\"\n[inputs]\nbranches = { path = \"none.csv\" }\n",
    )
    .unwrap();
    let o = catchment(dir.path(), &["validate", "s.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("none.csv"), "{}", text(&o.stderr));

    std::fs::write(&study, "name = \"x\"\nsalt = \"s\"\nbranch = 1\n").unwrap();
    let o = catchment(dir.path(), &["validate", "s.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("s.toml:3:"), "{}", text(&o.stderr));
}
