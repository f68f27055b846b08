//! The study file as written (TOML), before resolution. Unknown keys are errors.

use super::FenceSpec;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StudyFile {
    pub name: String,
    pub description: Option<String>,
    pub salt: Spanned<String>,
    pub timezone: Option<Spanned<String>>,
    pub crs: Option<Spanned<String>>,
    pub h3_resolution: Option<Spanned<u8>>,
    pub bbox: Option<Spanned<[f64; 4]>>,
    pub brand: Option<String>,
    #[serde(default)]
    pub validation: ValidationFile,
    #[serde(default)]
    pub privacy: PrivacyFile,
    #[serde(default)]
    pub mobility: MobilityFile,
    #[serde(default)]
    pub staffing: StaffingFile,
    pub inputs: InputsFile,
    #[serde(default)]
    pub fences: Vec<Spanned<FenceSpec>>,
    #[serde(default)]
    pub outputs: OutputsFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValidationFile {
    pub max_accuracy_m: Option<Spanned<f64>>,
    pub tiers: Option<Vec<String>>,
    #[serde(default)]
    pub strict: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PrivacyFile {
    pub min_devices: Option<Spanned<u32>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MobilityFile {
    pub stay_radius_m: Option<f64>,
    pub stay_min_minutes: Option<f64>,
    pub stay_max_gap_minutes: Option<f64>,
    pub poi_radius_m: Option<f64>,
    pub home_min_nights: Option<u32>,
    pub work_min_days: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StaffingFile {
    pub entry_share: Option<Spanned<f64>>,
    pub service_minutes: Option<Spanned<f64>>,
    pub min_staff: Option<u32>,
    pub min_customers_per_hour: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InputsFile {
    pub pings: Option<InputFile>,
    pub devices: Option<InputFile>,
    pub branches: InputFile,
    pub pois: Option<InputFile>,
    pub admin: Option<InputFile>,
    pub roads: Option<InputFile>,
    pub campaigns: Option<InputFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InputFile {
    pub path: PathBuf,
    pub format: Option<Spanned<String>>,
    pub crs: Option<Spanned<String>>,
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutputsFile {
    pub dir: Option<PathBuf>,
    pub layers: Option<Vec<String>>,
}
