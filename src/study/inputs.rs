//! Reading every input a study names, in the order the study area needs.

use super::{Study, StudyError, area};
use crate::input::{
    AdminArea, Branch, Campaign, Device, InputError, Loaded, PingReader, Poi, RejectLog,
    read_admin, read_branches, read_campaigns, read_devices, read_pois,
};
use geo::{BoundingRect, Rect};
use std::path::{Path, PathBuf};

/// What was read from one input: counts, rejects and extent.
#[derive(Debug, Clone)]
pub struct InputReport {
    /// `pings`, `devices`, `branches`, `pois`, `admin`, `roads`, `campaigns`.
    pub input: &'static str,
    /// The file.
    pub path: PathBuf,
    /// Data rows (features for admin, nodes for roads) read.
    pub rows: u64,
    /// Valid records kept.
    pub valid: u64,
    /// Rejected rows, blank lines and repairs.
    pub rejects: RejectLog,
    /// Extent of the valid records (WGS-84).
    pub bounds: Option<Rect<f64>>,
    /// Time span of valid pings (epoch seconds), pings only.
    pub time_span: Option<(i64, i64)>,
}

/// The small inputs of a study, loaded and checked, and the study area they define.
///
/// Pings are not loaded: [`StudyInputs::ping_reader`] streams them.
#[derive(Debug, Clone)]
pub struct StudyInputs {
    /// The bank's branches.
    pub branches: Vec<Branch>,
    /// POIs (empty when the study has none).
    pub pois: Vec<Poi>,
    /// Admin areas.
    pub admin: Vec<AdminArea>,
    /// Devices.
    pub devices: Vec<Device>,
    /// Campaigns.
    pub campaigns: Vec<Campaign>,
    /// The study area: the study's bbox, or the extent of branches, POIs, admin areas and the
    /// road extract grown by [`area::STUDY_AREA_MARGIN_M`].
    pub study_area: Rect<f64>,
    /// One report per input read, in reading order.
    pub reports: Vec<InputReport>,
}

impl StudyInputs {
    /// Reads branches, POIs, admin areas, the road extract's extent, devices and campaigns.
    ///
    /// With `strict`, the first input with a reject stops the load with [`InputError::Strict`].
    ///
    /// # Errors
    /// [`StudyError::Input`] for an input that cannot be read (or has rejects under `strict`),
    /// [`StudyError::Roads`] for an unreadable `.osm.pbf`.
    pub fn load(study: &Study, strict: bool) -> Result<Self, StudyError> {
        let bbox = study.bbox;
        let mut reports = Vec::new();
        let ins = &study.inputs;
        let branches = read_branches(&ins.branches.path, &study.read_options(&ins.branches, bbox))?;
        let b_bounds = area::extent(branches.records.iter().map(|b| (b.lon, b.lat)));
        reports.push(report("branches", &branches, b_bounds, strict)?);

        let pois = match &ins.pois {
            Some(spec) => Some(read_pois(&spec.path, &study.read_options(spec, bbox))?),
            None => None,
        };
        let p_bounds = pois
            .as_ref()
            .and_then(|p| area::extent(p.records.iter().map(|p| (p.lon, p.lat))));
        if let Some(p) = &pois {
            reports.push(report("pois", p, p_bounds, strict)?);
        }

        let admin = match &ins.admin {
            Some(spec) => Some(read_admin(&spec.path, &study.read_options(spec, bbox))?),
            None => None,
        };
        let a_bounds = admin.as_ref().and_then(|a| {
            a.records
                .iter()
                .filter_map(|r| r.geometry.bounding_rect())
                .map(Some)
                .reduce(area::union)
                .flatten()
        });
        if let Some(a) = &admin {
            reports.push(report("admin", a, a_bounds, strict)?);
        }

        let mut r_bounds = None;
        if let Some(spec) = &ins.roads {
            let (bounds, nodes) = pbf_extent(&spec.path)?;
            r_bounds = bounds;
            reports.push(InputReport {
                input: "roads",
                path: spec.path.clone(),
                rows: nodes,
                valid: nodes,
                rejects: RejectLog::new("roads", Vec::new()),
                bounds,
                time_span: None,
            });
        }

        let study_area = match bbox {
            Some(b) => b,
            None => {
                let places = [b_bounds, p_bounds, a_bounds, r_bounds]
                    .into_iter()
                    .fold(None, area::union);
                // Branches are required and were read, so at least one place exists unless every
                // branch was rejected.
                let places = places.ok_or_else(|| InputError::Empty {
                    path: ins.branches.path.clone(),
                    what: "branches (no valid branch to derive the study area from)",
                })?;
                area::grow_by_meters(places, area::STUDY_AREA_MARGIN_M)
            }
        };

        let devices = match &ins.devices {
            Some(spec) => {
                let d = read_devices(&spec.path, &study.read_options(spec, Some(study_area)))?;
                reports.push(report("devices", &d, None, strict)?);
                d.records
            }
            None => Vec::new(),
        };
        let pois = pois.map(|p| p.records).unwrap_or_default();
        let campaigns = match &ins.campaigns {
            Some(spec) => {
                let c = read_campaigns(
                    &spec.path,
                    &study.read_options(spec, Some(study_area)),
                    ins.pois.as_ref().map(|_| pois.as_slice()),
                    Some(&branches.records),
                )?;
                reports.push(report("campaigns", &c, None, strict)?);
                c.records
            }
            None => Vec::new(),
        };
        Ok(Self {
            branches: branches.records,
            pois,
            admin: admin.map(|a| a.records).unwrap_or_default(),
            devices,
            campaigns,
            study_area,
            reports,
        })
    }

    /// Opens the study's pings for streaming, checked against the study area.
    /// `None` when the study has no pings input.
    ///
    /// # Errors
    /// As [`PingReader::open`].
    pub fn ping_reader(&self, study: &Study) -> Option<Result<PingReader, InputError>> {
        let spec = study.inputs.pings.as_ref()?;
        let opts = study.read_options(spec, Some(self.study_area));
        Some(PingReader::open(&spec.path, spec.format, &opts))
    }

    /// Streams every ping once (validating it) and returns the pings report.
    ///
    /// # Errors
    /// As [`PingReader`]'s iteration; with `strict`, [`InputError::Strict`] on any reject.
    pub fn scan_pings(
        &self,
        study: &Study,
        strict: bool,
    ) -> Option<Result<InputReport, InputError>> {
        let mut reader = match self.ping_reader(study)? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        let path = study
            .inputs
            .pings
            .as_ref()
            .map(|s| s.path.clone())
            .unwrap_or_default();
        let (mut valid, mut bounds, mut span) = (0u64, None::<Rect<f64>>, None::<(i64, i64)>);
        for batch in &mut reader {
            let batch = match batch {
                Ok(b) => b,
                Err(e) => return Some(Err(e)),
            };
            valid += batch.len() as u64;
            let b = area::extent(batch.lon.iter().copied().zip(batch.lat.iter().copied()));
            bounds = area::union(bounds, b);
            let (lo, hi) = batch
                .ts
                .iter()
                .fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
            span = Some(span.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
        }
        let rows = reader.rows();
        let rejects = reader.into_rejects();
        if let Err(e) = rejects.check_strict(strict, &path) {
            return Some(Err(e));
        }
        Some(Ok(InputReport {
            input: "pings",
            path,
            rows,
            valid,
            rejects,
            bounds,
            time_span: span,
        }))
    }
}

fn report<T>(
    input: &'static str,
    l: &Loaded<T>,
    bounds: Option<Rect<f64>>,
    strict: bool,
) -> Result<InputReport, StudyError> {
    l.rejects.check_strict(strict, &l.path)?;
    Ok(InputReport {
        input,
        path: l.path.clone(),
        rows: l.rows,
        valid: l.records.len() as u64,
        rejects: l.rejects.clone(),
        bounds,
        time_span: None,
    })
}

/// The extent of an `.osm.pbf` (its header bbox, else the extent of its nodes) and its node count
/// (0 when taken from the header).
fn pbf_extent(path: &Path) -> Result<(Option<Rect<f64>>, u64), StudyError> {
    let err = |e: osmpbf::Error| StudyError::Roads {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    if !path.exists() {
        return Err(StudyError::Input(InputError::Open {
            path: path.to_path_buf(),
            what: "roads",
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        }));
    }
    let mut blobs = osmpbf::BlobReader::from_path(path).map_err(err)?;
    if let Some(first) = blobs.next() {
        let first = first.map_err(err)?;
        if let Ok(header) = first.to_headerblock()
            && let Some(b) = header.bbox()
        {
            let rect = area::extent([(b.left, b.top), (b.right, b.bottom)]);
            return Ok((rect, 0));
        }
    }
    let reader = osmpbf::ElementReader::from_path(path).map_err(err)?;
    let (rect, n) = reader
        .par_map_reduce(
            |el| {
                let p = match el {
                    osmpbf::Element::Node(n) => (n.lon(), n.lat()),
                    osmpbf::Element::DenseNode(n) => (n.lon(), n.lat()),
                    _ => return (None, 0u64),
                };
                (area::extent([p]), 1)
            },
            || (None, 0),
            |a, b| (area::union(a.0, b.0), a.1 + b.1),
        )
        .map_err(err)?;
    Ok((rect, n))
}
