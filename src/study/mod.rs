//! The study file (TOML): inputs, parameters, fences and outputs of one analysis (SPEC §1).
//!
//! ```toml
//! name = "Monaco demo"
//! salt = "change-me"                # keys device ids; keep it secret and stable
//! timezone = "Europe/Monaco"        # default Asia/Shanghai
//! crs = "wgs84"                     # wgs84 | gcj02 | bd09 | EPSG:nnnn (default for every input)
//! h3_resolution = 9
//! # bbox = [7.40, 43.72, 7.45, 43.76]  # study area; default: extent of places + 10 km
//! brand = "BNP Paribas"             # bank POIs of another brand are competitors
//!
//! [validation]
//! max_accuracy_m = 200
//! tiers = ["mass", "affluent", "private"]
//!
//! [privacy]
//! min_devices = 10
//!
//! [staffing]                        # hourly visits -> suggested staff (see footfall::StaffingParams)
//! entry_share = 0.02
//! service_minutes = 10
//!
//! [inputs]
//! branches = { path = "branches.csv" }
//! pings = { path = "pings.parquet", columns = { device_id = "uid" } }
//!
//! [[fences]]
//! kind = "radius"
//! meters = 1000
//! ```
//!
//! Paths are relative to the study file's folder. Every key is checked: an unknown key, a wrong
//! type or a value out of range is an error naming the line.

mod area;
mod error;
mod fence_spec;
mod file;
mod inputs;

pub use area::{STUDY_AREA_MARGIN_M, extent, grow_by_meters, union};
pub use error::StudyError;
pub(crate) use fence_spec::num;
pub use fence_spec::{FenceSpec, TravelMode};
pub use inputs::{InputReport, StudyInputs};

use crate::crs::Crs;
use crate::input::{ColumnMap, PingFormat, ReadOptions};
use geo::{Rect, coord};
use jiff::tz::TimeZone;
use std::path::{Path, PathBuf};

/// The layer names of SPEC §5.
pub const LAYERS: [&str; 8] = [
    "fences",
    "heat_grid",
    "penetration",
    "partners",
    "grid_assignment",
    "overlap",
    "hourly",
    "profile",
];

/// A loaded, checked study: every path resolved, every default filled in.
#[derive(Debug, Clone)]
pub struct Study {
    /// The study file.
    pub path: PathBuf,
    /// Name.
    pub name: String,
    /// Description, if any.
    pub description: Option<String>,
    /// Salt of the device-key hash.
    pub salt: String,
    /// IANA name of the study's time zone.
    pub timezone_name: String,
    /// The study's time zone (local hours, day types, offset-less times).
    pub timezone: TimeZone,
    /// Default input CRS.
    pub crs: Crs,
    /// H3 resolution of the heat grid and penetration layers.
    pub h3_resolution: h3o::Resolution,
    /// Explicit study area, if given.
    pub bbox: Option<Rect<f64>>,
    /// The bank's brand (to tell competitor banks among POIs).
    pub brand: Option<String>,
    /// Input validation parameters.
    pub validation: ValidationParams,
    /// Privacy parameters.
    pub privacy: PrivacyParams,
    /// `[staffing]`: the service-rate rule for suggested staff and opening hours.
    pub staffing: crate::footfall::StaffingParams,
    /// Stay / visit / home-work parameters.
    pub mobility: MobilityParams,
    /// The inputs.
    pub inputs: Inputs,
    /// The fences to build around branches.
    pub fences: Vec<FenceSpec>,
    /// Where and what to write.
    pub outputs: OutputParams,
}

/// `[validation]`: what makes a row a reject.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationParams {
    /// Pings less accurate than this are rejected (200 m).
    pub max_accuracy_m: f64,
    /// Allowed tiers; `None` = any.
    pub tiers: Option<Vec<String>>,
    /// Any reject is an error.
    pub strict: bool,
}

/// `[privacy]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivacyParams {
    /// Counts below this are suppressed (10).
    pub min_devices: u32,
}

/// `[mobility]`: SPEC §4 parameters; [`Default`] gives SPEC's values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MobilityParams {
    /// Stay radius, metres (100).
    pub stay_radius_m: f64,
    /// Minimum stay, minutes (10).
    pub stay_min_minutes: f64,
    /// A gap longer than this splits a stay, minutes (60).
    pub stay_max_gap_minutes: f64,
    /// A stay within this of a POI is a visit, metres (50).
    pub poi_radius_m: f64,
    /// Nights needed for a home (3).
    pub home_min_nights: u32,
    /// Weekdays needed for a workplace (3).
    pub work_min_days: u32,
}

impl Default for MobilityParams {
    fn default() -> Self {
        Self {
            stay_radius_m: 100.0,
            stay_min_minutes: 10.0,
            stay_max_gap_minutes: 60.0,
            poi_radius_m: 50.0,
            home_min_nights: 3,
            work_min_days: 3,
        }
    }
}

/// One input file and how to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpec {
    /// Resolved path.
    pub path: PathBuf,
    /// Explicit format (pings only); `None`: from the extension.
    pub format: Option<PingFormat>,
    /// CRS of its coordinates.
    pub crs: Crs,
    /// Column renames.
    pub columns: ColumnMap,
}

/// `[inputs]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// Device pings.
    pub pings: Option<InputSpec>,
    /// Devices with tiers and tags.
    pub devices: Option<InputSpec>,
    /// The bank's branches (required).
    pub branches: InputSpec,
    /// POIs.
    pub pois: Option<InputSpec>,
    /// Admin areas (GeoJSON).
    pub admin: Option<InputSpec>,
    /// OpenStreetMap extract (`.osm.pbf`).
    pub roads: Option<InputSpec>,
    /// Past campaigns.
    pub campaigns: Option<InputSpec>,
}

/// `[outputs]`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputParams {
    /// Output folder (default `out` beside the study).
    pub dir: PathBuf,
    /// Layers to write (default: all of SPEC §5).
    pub layers: Vec<String>,
}

impl Study {
    /// Reads and checks a study file.
    ///
    /// # Errors
    /// [`StudyError::Read`] when the file cannot be read, [`StudyError::Parse`] for malformed TOML,
    /// unknown keys and wrong types, [`StudyError::Invalid`] for values out of range — each naming
    /// the line.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("study.toml");
    /// std::fs::write(&path, "name = \"t\"\nsalt = \"s\"\n[inputs]\nbranches = { path = \"b.csv\" }\n")?;
    /// let study = catchment::study::Study::load(&path)?;
    /// assert_eq!(study.timezone_name, "Asia/Shanghai");
    /// assert_eq!(study.inputs.branches.path, dir.path().join("b.csv"));
    /// std::fs::write(&path, "name = \"t\"\nsalt = \"s\"\nsalty = 1\n")?;
    /// let err = catchment::study::Study::load(&path).unwrap_err().to_string();
    /// assert!(err.contains(":3:"), "{err}");
    /// # Ok(()) }
    /// ```
    pub fn load(path: &Path) -> Result<Self, StudyError> {
        let text = std::fs::read_to_string(path).map_err(|source| StudyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text, path)
    }

    /// Parses study text as if it were the file at `path` (paths resolve against its folder).
    ///
    /// # Errors
    /// As [`Study::load`].
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, StudyError> {
        let line_col = |offset: usize| {
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, col)
        };
        let raw: file::StudyFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| line_col(s.start));
            StudyError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        let invalid =
            |span: std::ops::Range<usize>, key: &str, message: String| StudyError::Invalid {
                path: path.to_path_buf(),
                line: line_col(span.start).0,
                key: key.to_string(),
                message,
            };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);

        if raw.salt.get_ref().trim().is_empty() {
            return Err(invalid(raw.salt.span(), "salt", "must not be empty".into()));
        }
        let (timezone_name, timezone) = match &raw.timezone {
            None => (
                "Asia/Shanghai".to_string(),
                TimeZone::get("Asia/Shanghai").expect("bundled tzdb"),
            ),
            Some(tz) => {
                let zone = TimeZone::get(tz.get_ref()).map_err(|_| {
                    invalid(tz.span(), "timezone", format!("{:?} is not an IANA time zone (e.g. \"Asia/Shanghai\", \"Europe/Monaco\")", tz.get_ref()))
                })?;
                (tz.get_ref().clone(), zone)
            }
        };
        let parse_crs = |c: &Option<toml::Spanned<String>>, key: &str, default: Crs| match c {
            None => Ok(default),
            Some(s) => s
                .get_ref()
                .parse::<Crs>()
                .map_err(|e| invalid(s.span(), key, e.to_string())),
        };
        let crs = parse_crs(&raw.crs, "crs", Crs::Wgs84)?;
        let h3_resolution = match &raw.h3_resolution {
            None => h3o::Resolution::Nine,
            Some(r) => h3o::Resolution::try_from(*r.get_ref()).map_err(|_| {
                invalid(
                    r.span(),
                    "h3_resolution",
                    format!("must be 0 to 15, got {}", r.get_ref()),
                )
            })?,
        };
        let bbox = match &raw.bbox {
            None => None,
            Some(b) => {
                let [x0, y0, x1, y1] = *b.get_ref();
                let ok = [x0, y0, x1, y1].iter().all(|v| v.is_finite())
                    && (-180.0..=180.0).contains(&x0)
                    && (-180.0..=180.0).contains(&x1)
                    && (-90.0..=90.0).contains(&y0)
                    && (-90.0..=90.0).contains(&y1)
                    && x0 < x1
                    && y0 < y1;
                if !ok {
                    return Err(invalid(
                        b.span(),
                        "bbox",
                        format!(
                            "expected [min_lon, min_lat, max_lon, max_lat] in WGS-84 degrees with min < max, got {:?}",
                            b.get_ref()
                        ),
                    ));
                }
                Some(Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 }))
            }
        };
        let max_accuracy_m = match &raw.validation.max_accuracy_m {
            None => 200.0,
            Some(m) if m.get_ref().is_finite() && *m.get_ref() > 0.0 => *m.get_ref(),
            Some(m) => {
                return Err(invalid(
                    m.span(),
                    "validation.max_accuracy_m",
                    format!("must be a positive number of metres, got {}", m.get_ref()),
                ));
            }
        };
        let min_devices = match &raw.privacy.min_devices {
            None => 10,
            Some(m) if *m.get_ref() >= 1 => *m.get_ref(),
            Some(m) => {
                return Err(invalid(
                    m.span(),
                    "privacy.min_devices",
                    "must be at least 1".into(),
                ));
            }
        };
        let staffing = staffing_params(&raw.staffing, &invalid)?;
        let mob = &raw.mobility;
        let d = MobilityParams::default();
        let mobility = MobilityParams {
            stay_radius_m: mob.stay_radius_m.unwrap_or(d.stay_radius_m),
            stay_min_minutes: mob.stay_min_minutes.unwrap_or(d.stay_min_minutes),
            stay_max_gap_minutes: mob.stay_max_gap_minutes.unwrap_or(d.stay_max_gap_minutes),
            poi_radius_m: mob.poi_radius_m.unwrap_or(d.poi_radius_m),
            home_min_nights: mob.home_min_nights.unwrap_or(d.home_min_nights),
            work_min_days: mob.work_min_days.unwrap_or(d.work_min_days),
        };
        for (key, v) in [
            ("mobility.stay_radius_m", mobility.stay_radius_m),
            ("mobility.stay_min_minutes", mobility.stay_min_minutes),
            (
                "mobility.stay_max_gap_minutes",
                mobility.stay_max_gap_minutes,
            ),
            ("mobility.poi_radius_m", mobility.poi_radius_m),
        ] {
            if !(v.is_finite() && v > 0.0) {
                let at = text
                    .find(key.rsplit('.').next().unwrap_or(key))
                    .unwrap_or(0);
                return Err(invalid(
                    at..at,
                    key,
                    format!("must be a positive number, got {v}"),
                ));
            }
        }

        let input = |f: &file::InputFile, what: &str| -> Result<InputSpec, StudyError> {
            let format = match &f.format {
                None => None,
                Some(s) => Some(match s.get_ref().to_ascii_lowercase().as_str() {
                    "csv" => PingFormat::Csv,
                    "parquet" => PingFormat::Parquet,
                    other => {
                        return Err(invalid(
                            s.span(),
                            &format!("inputs.{what}.format"),
                            format!("expected \"csv\" or \"parquet\", got {other:?}"),
                        ));
                    }
                }),
            };
            Ok(InputSpec {
                path: dir.join(&f.path),
                format,
                crs: parse_crs(&f.crs, &format!("inputs.{what}.crs"), crs)?,
                columns: f
                    .columns
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            })
        };
        let opt = |f: &Option<file::InputFile>, what: &str| {
            f.as_ref().map(|f| input(f, what)).transpose()
        };
        let inputs = Inputs {
            pings: opt(&raw.inputs.pings, "pings")?,
            devices: opt(&raw.inputs.devices, "devices")?,
            branches: input(&raw.inputs.branches, "branches")?,
            pois: opt(&raw.inputs.pois, "pois")?,
            admin: opt(&raw.inputs.admin, "admin")?,
            roads: opt(&raw.inputs.roads, "roads")?,
            campaigns: opt(&raw.inputs.campaigns, "campaigns")?,
        };

        let mut fences = Vec::with_capacity(raw.fences.len());
        let mut ids = std::collections::HashSet::new();
        for (i, f) in raw.fences.iter().enumerate() {
            let spec = f.get_ref();
            if let Err((key, message)) = spec.check() {
                return Err(invalid(
                    f.span(),
                    &format!("fences[{i}] ({}).{key}", spec.kind()),
                    message,
                ));
            }
            if !ids.insert(spec.id()) {
                return Err(invalid(
                    f.span(),
                    &format!("fences[{i}].id"),
                    format!(
                        "fence id {:?} is used twice; give one of them an `id`",
                        spec.id()
                    ),
                ));
            }
            fences.push(spec.clone());
        }

        let layers = match &raw.outputs.layers {
            None => LAYERS.iter().map(|s| s.to_string()).collect(),
            Some(l) => {
                if let Some(bad) = l.iter().find(|n| !LAYERS.contains(&n.as_str())) {
                    let at = text.find("layers").unwrap_or(0);
                    return Err(invalid(
                        at..at,
                        "outputs.layers",
                        format!("unknown layer {bad:?}; layers are {}", LAYERS.join(", ")),
                    ));
                }
                l.clone()
            }
        };
        Ok(Study {
            path: path.to_path_buf(),
            name: raw.name,
            description: raw.description,
            salt: raw.salt.into_inner(),
            timezone_name,
            timezone,
            crs,
            h3_resolution,
            bbox,
            brand: raw.brand,
            validation: ValidationParams {
                max_accuracy_m,
                tiers: raw.validation.tiers,
                strict: raw.validation.strict,
            },
            privacy: PrivacyParams { min_devices },
            staffing,
            mobility,
            inputs,
            fences,
            outputs: OutputParams {
                dir: dir.join(raw.outputs.dir.unwrap_or_else(|| PathBuf::from("out"))),
                layers,
            },
        })
    }

    /// Read options for one input of this study (its CRS and columns, the study's limits).
    pub fn read_options(&self, spec: &InputSpec, study_area: Option<Rect<f64>>) -> ReadOptions {
        let mut o = ReadOptions::new(&self.salt, self.timezone.clone())
            .with_crs(spec.crs)
            .with_max_accuracy_m(self.validation.max_accuracy_m)
            .with_columns(spec.columns.clone());
        o.study_area = study_area;
        o.tiers = self.validation.tiers.clone();
        o
    }
}

#[cfg(test)]
mod tests;

fn staffing_params(
    f: &file::StaffingFile,
    invalid: &dyn Fn(std::ops::Range<usize>, &str, String) -> StudyError,
) -> Result<crate::footfall::StaffingParams, StudyError> {
    let d = crate::footfall::StaffingParams::default();
    let check = |v: &Option<toml::Spanned<f64>>,
                 key: &str,
                 default: f64,
                 ok: fn(f64) -> bool,
                 what: &str|
     -> Result<f64, StudyError> {
        match v {
            None => Ok(default),
            Some(x) if ok(*x.get_ref()) => Ok(*x.get_ref()),
            Some(x) => Err(invalid(
                x.span(),
                key,
                format!("must be {what}, got {}", x.get_ref()),
            )),
        }
    };
    Ok(crate::footfall::StaffingParams {
        entry_share: check(
            &f.entry_share,
            "staffing.entry_share",
            d.entry_share,
            |v| v > 0.0 && v <= 1.0,
            "a share in (0, 1]",
        )?,
        service_minutes: check(
            &f.service_minutes,
            "staffing.service_minutes",
            d.service_minutes,
            |v| v.is_finite() && v > 0.0,
            "a positive number of minutes",
        )?,
        min_staff: f.min_staff.unwrap_or(d.min_staff),
        min_customers_per_hour: check(
            &f.min_customers_per_hour,
            "staffing.min_customers_per_hour",
            d.min_customers_per_hour,
            |v| v.is_finite() && v >= 0.0,
            "a number ≥ 0",
        )?,
    })
}
