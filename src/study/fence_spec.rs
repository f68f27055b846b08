//! Fence specifications as written in the study (`[[fences]]`), with SPEC §3 defaults.

use serde::Deserialize;
use std::path::PathBuf;

/// One `[[fences]]` entry: a kind of fence to build around each branch (or the listed ones).
///
/// Every kind takes `id` (default: derived from kind and parameters, e.g. `radius_1000`),
/// `branches` (default: every branch) and `primary` (the fence a branch's catalogue item shows;
/// default: the first fence of the branch).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum FenceSpec {
    /// Geodesic circle of `meters` (1000), or donut bands at `rings` (e.g. `[500, 1000, 2000]`).
    Radius {
        /// Fence id.
        id: Option<String>,
        /// Branches it applies to.
        branches: Option<Vec<String>>,
        /// Whether it is the branches' primary fence.
        #[serde(default)]
        primary: bool,
        /// Radius in metres.
        #[serde(default = "default_radius")]
        meters: f64,
        /// Ring radii in metres, increasing: one band per ring.
        rings: Option<Vec<f64>>,
    },
    /// A custom polygon (自定义坐标 / 多边形): `coordinates` (GeoJSON polygon rings, in `crs` or the
    /// study's CRS) or a GeoJSON `file`.
    Polygon {
        /// Fence id.
        id: Option<String>,
        /// Branches it applies to.
        branches: Option<Vec<String>>,
        /// Whether it is the branches' primary fence.
        #[serde(default)]
        primary: bool,
        /// Rings: the exterior, then holes; each a list of `[x, y]`.
        coordinates: Option<Vec<Vec<[f64; 2]>>>,
        /// A GeoJSON file (Polygon / MultiPolygon, Feature or FeatureCollection).
        file: Option<PathBuf>,
        /// CRS of the coordinates (default: the study's).
        crs: Option<String>,
    },
    /// 九宫格: 3×3 squares of `cell_meters` (500) centred on the branch.
    NineGrid {
        /// Fence id.
        id: Option<String>,
        /// Branches it applies to.
        branches: Option<Vec<String>>,
        /// Whether it is the branches' primary fence.
        #[serde(default)]
        primary: bool,
        /// Side of each square, metres.
        #[serde(default = "default_cell")]
        cell_meters: f64,
    },
    /// Grid-marketing cells: H3 at `h3_resolution` (9) or squares of `square_meters`, `over` an
    /// area: `study_area` (default), `admin:<code>`, or `fence:<id>` of the same branch.
    Grid {
        /// Fence id.
        id: Option<String>,
        /// Branches it applies to.
        branches: Option<Vec<String>>,
        /// Whether it is the branches' primary fence.
        #[serde(default)]
        primary: bool,
        /// H3 resolution of the cells (used unless `square_meters` is set).
        h3_resolution: Option<u8>,
        /// Side of square cells, metres.
        square_meters: Option<f64>,
        /// The area covered.
        over: Option<String>,
    },
    /// The admin polygon with `code` or `name`.
    Admin {
        /// Fence id.
        id: Option<String>,
        /// Branches it applies to.
        branches: Option<Vec<String>>,
        /// Whether it is the branches' primary fence.
        #[serde(default)]
        primary: bool,
        /// Admin code.
        code: Option<String>,
        /// Admin name.
        name: Option<String>,
    },
    /// 出行圈: isochrone of `minutes` (15) by `mode` over the OSM road graph, optional `intervals`.
    Travel {
        /// Fence id.
        id: Option<String>,
        /// Branches it applies to.
        branches: Option<Vec<String>>,
        /// Whether it is the branches' primary fence.
        #[serde(default)]
        primary: bool,
        /// Travel mode.
        mode: TravelMode,
        /// Time budget, minutes.
        #[serde(default = "default_minutes")]
        minutes: f64,
        /// Nested bands, minutes, increasing, the last at most `minutes`.
        intervals: Option<Vec<f64>>,
    },
}

/// How a travel circle travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TravelMode {
    /// On foot, 5 km/h, on ways open to pedestrians.
    Walk,
    /// By bicycle, 15 km/h, on ways open to bicycles.
    Bike,
    /// By car, per-highway-class speeds, honouring `oneway` and access tags.
    Drive,
}

impl TravelMode {
    /// The name used in studies and outputs: `walk`, `bike`, `drive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Walk => "walk",
            Self::Bike => "bike",
            Self::Drive => "drive",
        }
    }
}

fn default_radius() -> f64 {
    1000.0
}
fn default_cell() -> f64 {
    500.0
}
fn default_minutes() -> f64 {
    15.0
}

impl FenceSpec {
    /// The kind as written in the study (`radius`, `nine_grid`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Radius { .. } => "radius",
            Self::Polygon { .. } => "polygon",
            Self::NineGrid { .. } => "nine_grid",
            Self::Grid { .. } => "grid",
            Self::Admin { .. } => "admin",
            Self::Travel { .. } => "travel",
        }
    }

    /// The fence id: the given one, or one derived from kind and parameters.
    pub fn id(&self) -> String {
        let given = match self {
            Self::Radius { id, .. }
            | Self::Polygon { id, .. }
            | Self::NineGrid { id, .. }
            | Self::Grid { id, .. }
            | Self::Admin { id, .. }
            | Self::Travel { id, .. } => id,
        };
        if let Some(id) = given {
            return id.clone();
        }
        match self {
            Self::Radius { meters, rings, .. } => match rings {
                Some(r) => format!("rings_{}", join(r)),
                None => format!("radius_{}", num(*meters)),
            },
            Self::Polygon { .. } => "polygon".into(),
            Self::NineGrid { cell_meters, .. } => format!("nine_grid_{}", num(*cell_meters)),
            Self::Grid {
                h3_resolution,
                square_meters,
                ..
            } => match square_meters {
                Some(m) => format!("grid_sq{}", num(*m)),
                None => format!("grid_h3r{}", h3_resolution.unwrap_or(9)),
            },
            Self::Admin { code, name, .. } => {
                format!(
                    "admin_{}",
                    code.as_deref().or(name.as_deref()).unwrap_or("")
                )
            }
            Self::Travel { mode, minutes, .. } => format!("{}_{}", mode.as_str(), num(*minutes)),
        }
    }

    /// The branches it is restricted to (`None`: all).
    pub fn branches(&self) -> Option<&[String]> {
        match self {
            Self::Radius { branches, .. }
            | Self::Polygon { branches, .. }
            | Self::NineGrid { branches, .. }
            | Self::Grid { branches, .. }
            | Self::Admin { branches, .. }
            | Self::Travel { branches, .. } => branches.as_deref(),
        }
    }

    /// Whether it is marked primary.
    pub fn is_primary(&self) -> bool {
        match self {
            Self::Radius { primary, .. }
            | Self::Polygon { primary, .. }
            | Self::NineGrid { primary, .. }
            | Self::Grid { primary, .. }
            | Self::Admin { primary, .. }
            | Self::Travel { primary, .. } => *primary,
        }
    }

    /// Checks the parameters; the message names the key and what is allowed.
    pub(crate) fn check(&self) -> Result<(), (String, String)> {
        let positive = |key: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err((
                    key.to_string(),
                    format!("must be a positive number, got {v}"),
                ))
            }
        };
        let increasing = |key: &str, v: &[f64]| {
            if v.is_empty() {
                return Err((key.to_string(), "must not be empty".to_string()));
            }
            for w in v {
                positive(key, *w)?;
            }
            if v.windows(2).any(|w| w[0] >= w[1]) {
                return Err((
                    key.to_string(),
                    format!("must be strictly increasing, got {v:?}"),
                ));
            }
            Ok(())
        };
        match self {
            Self::Radius { meters, rings, .. } => {
                positive("meters", *meters)?;
                if let Some(r) = rings {
                    increasing("rings", r)?;
                }
            }
            Self::Polygon {
                coordinates, file, ..
            } => match (coordinates, file) {
                (Some(_), Some(_)) | (None, None) => {
                    return Err((
                        "coordinates".into(),
                        "give exactly one of `coordinates` or `file`".into(),
                    ));
                }
                (Some(rings), None) => {
                    if rings.is_empty() || rings.iter().any(|r| r.len() < 3) {
                        return Err((
                            "coordinates".into(),
                            "expected rings of at least 3 [x, y] points: [[[x, y], …]]".into(),
                        ));
                    }
                }
                (None, Some(_)) => {}
            },
            Self::NineGrid { cell_meters, .. } => positive("cell_meters", *cell_meters)?,
            Self::Grid {
                h3_resolution,
                square_meters,
                over,
                ..
            } => {
                if h3_resolution.is_some() && square_meters.is_some() {
                    return Err((
                        "square_meters".into(),
                        "give `h3_resolution` or `square_meters`, not both".into(),
                    ));
                }
                if let Some(r) = h3_resolution.filter(|r| *r > 15) {
                    return Err(("h3_resolution".into(), format!("must be 0 to 15, got {r}")));
                }
                if let Some(m) = square_meters {
                    positive("square_meters", *m)?;
                }
                if let Some(o) = over {
                    let ok = o == "study_area"
                        || o.strip_prefix("admin:").is_some_and(|c| !c.is_empty())
                        || o.strip_prefix("fence:").is_some_and(|c| !c.is_empty());
                    if !ok {
                        return Err((
                            "over".into(),
                            format!(
                                "expected \"study_area\", \"admin:<code>\" or \"fence:<id>\", got {o:?}"
                            ),
                        ));
                    }
                }
            }
            Self::Admin { code, name, .. } => {
                if code.is_some() == name.is_some() {
                    return Err(("code".into(), "give exactly one of `code` or `name`".into()));
                }
            }
            Self::Travel {
                minutes, intervals, ..
            } => {
                positive("minutes", *minutes)?;
                if let Some(iv) = intervals {
                    increasing("intervals", iv)?;
                    if iv.last().is_some_and(|l| *l > *minutes) {
                        return Err((
                            "intervals".into(),
                            format!("the last interval must be at most minutes = {minutes}"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A number as it appears in an id: integers without decimals (`500`, not `500.0`).
pub(crate) fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn join(v: &[f64]) -> String {
    v.iter().map(|x| num(*x)).collect::<Vec<_>>().join("_")
}
