//! `catchment extract-osm`: branches, POIs and admin areas from an `.osm.pbf` city extract.

use anyhow::Context;
use catchment::osm::{self, ExtractOptions, OsmError};
use clap::Parser;
use geo::GeodesicArea;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

/// Extract the bank's branches, POIs (competitors, merchants, schools, transit…) and admin areas
/// with populations from an OpenStreetMap extract, as branches.csv, pois.csv and admin.geojson.
#[derive(Parser, Debug)]
pub struct Args {
    /// The OpenStreetMap extract (.osm.pbf).
    pub pbf: PathBuf,
    /// The bank's brand, matched against the `brand`, `name` and `operator` tags of banks.
    #[arg(long)]
    pub brand: String,
    /// OSM admin_level of the admin areas to extract (e.g. 10 for Monaco's quarters).
    #[arg(long)]
    pub admin_level: String,
    /// GeoNames places CSV (header with name, lat, lon, population) for area populations.
    #[arg(long, value_name = "FILE")]
    pub geonames: Option<PathBuf>,
    /// GeoJSON polygon (e.g. the country outline) along which admin rings that do not close
    /// are closed.
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<PathBuf>,
    /// How far (m) a dangling ring end may lie from --boundary to be closed along it.
    #[arg(long, default_value_t = 5.0, value_name = "M")]
    pub boundary_tolerance_m: f64,
    /// Longest straight chord (m) closing a ring that --boundary could not; 0 = never.
    #[arg(long, default_value_t = 1000.0, value_name = "M")]
    pub max_chord_m: f64,
    /// Output folder.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
}

impl Args {
    /// The library options (the CLI's validated configuration).
    fn options(&self) -> anyhow::Result<ExtractOptions> {
        anyhow::ensure!(!self.brand.trim().is_empty(), "--brand must not be empty");
        anyhow::ensure!(
            self.admin_level.trim().parse::<u8>().is_ok(),
            "--admin-level must be an OSM admin_level number (1–12), got {:?}",
            self.admin_level
        );
        anyhow::ensure!(
            self.boundary_tolerance_m.is_finite() && self.boundary_tolerance_m >= 0.0,
            "--boundary-tolerance-m must be a non-negative number"
        );
        anyhow::ensure!(
            self.max_chord_m.is_finite() && self.max_chord_m >= 0.0,
            "--max-chord-m must be a non-negative number"
        );
        let mut opts = ExtractOptions::new(self.brand.trim(), self.admin_level.trim())
            .chord_max_m((self.max_chord_m > 0.0).then_some(self.max_chord_m));
        if let Some(path) = &self.boundary {
            opts = opts.boundary(osm::read_boundary_geojson(path)?, self.boundary_tolerance_m);
        }
        if let Some(path) = &self.geonames {
            opts = opts.places(osm::read_geonames(path)?);
        }
        Ok(opts)
    }
}

/// The exit code for an error from [`run`]: bad input (2) for unreadable or malformed inputs and
/// invalid arguments, internal (1) for failures writing outputs.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<OsmError>() {
        Some(OsmError::Write { .. }) => super::EXIT_INTERNAL,
        _ => super::EXIT_BAD_INPUT,
    }
}

/// Runs the extraction, writes the three files and prints counts.
pub fn run(args: Args) -> anyhow::Result<()> {
    let opts = args.options()?;
    let city = osm::extract_city(&args.pbf, &opts)?;
    let paths = osm::write_outputs(&args.out, &city)
        .with_context(|| format!("writing outputs to {}", args.out.display()))?;

    let r = &city.report;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "read {}: {} blobs, {} passes, {} blob decodes; {} member ways of admin relations are not \
         in the extract (mostly larger boundaries reaching beyond it; per-area gaps below), {} \
         ways with missing nodes",
        args.pbf.display(),
        r.read.blobs,
        r.read.passes,
        r.read.blob_decodes,
        r.read.missing_member_ways,
        r.read.ways_with_missing_nodes
    );
    let _ = writeln!(s, "branches ({}): {}", opts.brand, city.branches.len());
    for b in &city.branches {
        let _ = writeln!(
            s,
            "  {:<16} {:<24} {:.7},{:.7}",
            b.branch_id, b.name, b.lon, b.lat
        );
    }
    let _ = writeln!(s, "POIs: {}", city.pois.len());
    for (cat, n) in &r.pois_by_category {
        let _ = writeln!(s, "  {cat:<13} {n:>5}");
    }
    let _ = writeln!(
        s,
        "  ({} transit elements dropped as duplicates of a kept stop; {} tagged elements without a location)",
        r.transit_duplicates, r.unlocated
    );
    let valid = r.admin.iter().filter(|a| !a.rejected).count();
    let _ = writeln!(
        s,
        "admin areas (admin_level {}): {valid} valid of {}",
        opts.admin_level,
        r.admin.len()
    );
    let mut total_pop = 0;
    for a in &r.admin {
        let pop = match (a.population, &a.population_source) {
            (Some(p), Some(src)) => {
                total_pop += p;
                format!("population {p} from {src}")
            }
            _ if opts.places.is_some() => "population: no GeoNames match".to_owned(),
            _ => String::new(),
        };
        let status = if a.rejected { "REJECTED" } else { "" };
        let _ = writeln!(
            s,
            "  {:<14} {:<24} {:>7.4} km²  {pop} {status}",
            a.code, a.name, a.area_km2
        );
        for issue in &a.issues {
            let _ = writeln!(
                s,
                "      {}: {issue}",
                if issue.is_error() { "error" } else { "note" }
            );
        }
    }
    let sum_km2: f64 = r.admin.iter().map(|a| a.area_km2).sum();
    let _ = write!(s, "  sum of areas {sum_km2:.4} km²");
    if let Some(b) = &opts.boundary {
        let _ = write!(
            s,
            "; --boundary polygon {:.4} km²",
            b.geodesic_area_unsigned() / 1e6
        );
    }
    let _ = writeln!(s);
    for p in &r.parents {
        let opt = |v: Option<f64>| {
            v.map_or_else(|| "n/a (does not close)".to_owned(), |v| format!("{v:.4}"))
        };
        let _ = writeln!(
            s,
            "  tiling check against {} (r{}, admin_level {}, {} subareas here): parent {} km², \
             union of areas {:.4} km², overlap {:.4} km², parent not covered {} km²",
            p.name,
            p.relation_id,
            p.admin_level,
            p.children,
            opt(p.area_km2),
            p.children_union_km2,
            (p.children_sum_km2 - p.children_union_km2).max(0.0),
            opt(p.uncovered_km2)
        );
    }
    if opts.places.is_some() {
        let _ = writeln!(s, "  population total over matched areas: {total_pop}");
        if !r.larger_areas.is_empty() {
            let _ = writeln!(
                s,
                "  GeoNames places named like a larger admin area are not used: {}",
                r.larger_areas.join(", ")
            );
        }
        let _ = writeln!(
            s,
            "  GeoNames places not used: {}",
            r.unused_places.join(", ")
        );
    }
    for p in &paths {
        let _ = writeln!(s, "wrote {}", p.display());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}
