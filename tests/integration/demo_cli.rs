//! `catchment demo` on the bundled Monaco study, as a new user runs it.

use crate::util::{catchment, text};

#[test]
fn demo_reads_every_monaco_input() {
    let dir = tempfile::tempdir().unwrap();
    let o = catchment(dir.path(), &["demo", "-o", "out"]);
    let stdout = text(&o.stdout);
    assert!(o.status.success(), "{stdout}{}", text(&o.stderr));
    assert!(
        stdout.contains("branches 4, POIs 527, admin areas 9, devices 1500"),
        "{stdout}"
    );
    // Only the synthetic pings' coarse fixes (cell-tower accuracy > 200 m) are rejected.
    let pings = stdout.lines().find(|l| l.starts_with("pings")).unwrap();
    let cols: Vec<&str> = pings.split_whitespace().collect();
    let (rows, valid, rejected): (u64, u64, u64) = (
        cols[1].parse().unwrap(),
        cols[2].parse().unwrap(),
        cols[3].parse().unwrap(),
    );
    assert_eq!(rows, valid + rejected);
    assert!(valid > 400_000, "{pings}");
    assert!(stdout.contains("accuracy_too_large"), "{stdout}");
    let rejects = std::fs::read_to_string(dir.path().join("out/rejects/pings.csv")).unwrap();
    assert_eq!(rejects.lines().count() as u64, rejected + 1);
}

#[test]
fn demo_output_is_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let a = catchment(dir.path(), &["demo", "-o", "a"]);
    let b = catchment(dir.path(), &["demo", "-o", "b"]);
    assert!(a.status.success() && b.status.success());
    let read = |p: &str| std::fs::read(dir.path().join(p)).unwrap();
    assert_eq!(read("a/rejects/pings.csv"), read("b/rejects/pings.csv"));
}

#[test]
fn demo_writes_every_fence_kind_for_every_branch() {
    let dir = tempfile::tempdir().unwrap();
    let o = catchment(dir.path(), &["demo", "-o", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let fences =
        crate::fences_cli::check_fences_layer(&dir.path().join("out/layers/fences.geojson"));
    let mut kinds: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for (branch, _, kind, _) in &fences {
        kinds.entry(branch).or_default().insert(kind);
    }
    assert_eq!(kinds.len(), 4);
    for (branch, k) in &kinds {
        assert_eq!(k.len(), 6, "{branch}: {k:?}");
    }
    // Travel intervals are nested bands of one isochrone: 5 minutes inside 10.
    assert!(
        fences.iter().any(|f| f.1 == "walk_10/5") && fences.iter().any(|f| f.1 == "walk_10/10")
    );
}
