//! The human-readable run summary printed to stdout.

use catchment::study::{Study, StudyInputs};
use geo::Rect;
use std::path::PathBuf;

fn bbox(r: &Option<Rect<f64>>) -> String {
    match r {
        Some(r) => format!(
            "[{:.5}, {:.5}, {:.5}, {:.5}]",
            r.min().x,
            r.min().y,
            r.max().x,
            r.max().y
        ),
        None => "-".into(),
    }
}

fn time(t: i64, study: &Study) -> String {
    jiff::Timestamp::from_second(t)
        .map(|ts| {
            ts.to_zoned(study.timezone.clone())
                .strftime("%Y-%m-%d %H:%M %:z")
                .to_string()
        })
        .unwrap_or_else(|_| t.to_string())
}

pub fn print_report(study: &Study, inputs: &StudyInputs, written: &[PathBuf]) {
    println!("study      {} ({})", study.name, study.path.display());
    println!(
        "params     timezone {}, crs {}, h3 res {}, min_devices {}, max_accuracy_m {}",
        study.timezone_name,
        study.crs,
        u8::from(study.h3_resolution),
        study.privacy.min_devices,
        study.validation.max_accuracy_m
    );
    let derived = if study.bbox.is_some() {
        "given"
    } else {
        "places + 10 km"
    };
    println!("study area {} ({derived})", bbox(&Some(inputs.study_area)));
    println!();
    println!(
        "{:<10} {:>10} {:>10} {:>9} {:>6} {:>8}  extent",
        "input", "rows", "valid", "rejected", "blank", "repaired"
    );
    let mut total_rejects = 0;
    for r in &inputs.reports {
        total_rejects += r.rejects.total();
        // A road extract whose header gives its extent is not scanned: no node count.
        let (rows, valid) = if r.input == "roads" && r.rows == 0 {
            ("-".to_string(), "-".to_string())
        } else {
            (r.rows.to_string(), r.valid.to_string())
        };
        println!(
            "{:<10} {:>10} {:>10} {:>9} {:>6} {:>8}  {}",
            r.input,
            rows,
            valid,
            r.rejects.total(),
            r.rejects.blank_lines(),
            r.rejects.repaired_count(),
            bbox(&r.bounds)
        );
        for (code, n) in r.rejects.by_reason() {
            println!("{:<10}   {n:>8} {code}", "");
        }
        if let Some((a, b)) = r.time_span {
            println!(
                "{:<10}   time span {} .. {}",
                "",
                time(a, study),
                time(b, study)
            );
        }
    }
    println!();
    println!(
        "branches {}, POIs {}, admin areas {}, devices {} ({} customers), campaigns {}, fences per branch {}",
        inputs.branches.len(),
        inputs.pois.len(),
        inputs.admin.len(),
        inputs.devices.len(),
        inputs.devices.iter().filter(|d| d.tier.is_some()).count(),
        inputs.campaigns.len(),
        study.fences.len()
    );
    if total_rejects == 0 {
        println!("rejects  none");
    } else {
        println!("rejects  {total_rejects} in total, written to:");
        for p in written {
            println!("  {}", p.display());
        }
    }
}
