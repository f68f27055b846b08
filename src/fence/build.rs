//! Building every branch's fences from the study's `[[fences]]`.

use super::shape::{finish, params};
use super::travel::RoadGraph;
use super::{
    Fence, FenceError, FenceKind, find_admin, nine_grid_fences, polygon_from_coordinates,
    polygon_from_geojson, radius_fence, ring_fences,
};
use super::{GridCell, h3_grid, square_grid};
use crate::crs::Crs;
use crate::input::{AdminArea, Branch};
use crate::study::FenceSpec;
use crate::study::TravelMode;
use geo::{MultiPolygon, Rect};
use rayon::prelude::*;
use std::path::Path;

/// What fences need besides branches and specs.
#[derive(Clone, Copy)]
pub struct FenceInputs<'a> {
    /// Admin areas (for `admin` fences and `grid … over = "admin:<code>"`).
    pub admin: &'a [AdminArea],
    /// The study area (for `grid … over = "study_area"`).
    pub study_area: Rect<f64>,
    /// CRS of `polygon` coordinates without their own `crs`.
    pub crs: Crs,
    /// Folder that relative `polygon` file paths start from (the study's folder).
    pub base_dir: &'a Path,
    /// The road graph, built once per run, for `travel` fences.
    pub roads: Option<&'a RoadGraph>,
}

/// Builds the fences of every branch, in branch order, then spec order, then part order.
///
/// Each spec applies to its `branches` (default: all). Every branch gets one primary fence: the
/// first spec marked `primary = true`, else its first single-part fence (a circle, polygon, admin
/// area, or the full-budget travel circle); specs with several parts (rings, nine-grid, grid,
/// travel intervals below the budget) cannot be primary.
///
/// # Errors
/// [`FenceError`] naming the fence (and branch) that cannot be built: an unknown branch id in a
/// spec's `branches`, an invalid polygon, an admin area not found, …
pub fn build_fences(
    branches: &[Branch],
    specs: &[FenceSpec],
    inputs: &FenceInputs<'_>,
) -> Result<Vec<Fence>, FenceError> {
    // Work shared by all branches of a spec, done once.
    let mut shared: Vec<Option<MultiPolygon<f64>>> = Vec::with_capacity(specs.len());
    for spec in specs {
        let id = spec.id();
        let unknown = spec.branches().and_then(|list| {
            list.iter()
                .find(|b| !branches.iter().any(|x| &x.branch_id == *b))
        });
        if let Some(unknown) = unknown {
            return Err(FenceError::Invalid {
                branch: unknown.clone(),
                fence: id,
                message: "`branches` names a branch that is not in the branches input".into(),
            });
        }
        shared.push(match spec {
            FenceSpec::Polygon {
                coordinates,
                file,
                crs,
                ..
            } => {
                let crs = match crs {
                    Some(c) => c.parse::<Crs>().map_err(|source| FenceError::Crs {
                        fence: id.clone(),
                        source,
                    })?,
                    None => inputs.crs,
                };
                Some(match (coordinates, file) {
                    (Some(rings), _) => polygon_from_coordinates(&id, rings, crs)?,
                    (None, Some(f)) => polygon_from_geojson(&id, &inputs.base_dir.join(f), crs)?,
                    (None, None) => unreachable!("checked when the study was loaded"),
                })
            }
            FenceSpec::Admin { code, name, .. } => Some(
                find_admin(inputs.admin, &id, code.as_deref(), name.as_deref())?
                    .geometry
                    .clone(),
            ),
            FenceSpec::Grid { over, .. } => match over.as_deref().unwrap_or("study_area") {
                "study_area" => Some(MultiPolygon::new(vec![inputs.study_area.to_polygon()])),
                o => match o.strip_prefix("admin:") {
                    Some(code) => Some(
                        find_admin(inputs.admin, &id, Some(code), None)?
                            .geometry
                            .clone(),
                    ),
                    // `fence:<id>`: the branch's own fence, known only per branch.
                    None => None,
                },
            },
            _ => None,
        });
    }
    let per_branch: Vec<Result<Vec<Fence>, FenceError>> = branches
        .par_iter()
        .map(|branch| {
            let mut out = Vec::new();
            // (index in `out`, marked primary in the study) of each part that can be primary.
            let mut candidates: Vec<(usize, bool)> = Vec::new();
            for (spec, shared) in specs.iter().zip(&shared) {
                if spec
                    .branches()
                    .is_some_and(|l| !l.contains(&branch.branch_id))
                {
                    continue;
                }
                let first = out.len();
                match branch_fences(branch, spec, shared.as_ref(), inputs.roads, &mut out)? {
                    Some(i) => candidates.push((first + i, spec.is_primary())),
                    None if spec.is_primary() => {
                        return Err(FenceError::Invalid {
                            branch: branch.branch_id.clone(),
                            fence: spec.id(),
                            message: format!(
                                "a {} fence has several parts and cannot be primary",
                                spec.kind()
                            ),
                        });
                    }
                    None => {}
                }
            }
            let chosen = candidates.iter().find(|c| c.1).or(candidates.first());
            if let Some(&(i, _)) = chosen {
                out[i].primary = true;
            }
            Ok(out)
        })
        .collect();
    let mut all = Vec::new();
    for r in per_branch {
        all.extend(r?);
    }
    Ok(all)
}

/// Appends one spec's fences for one branch; returns the index (within what was appended) of the
/// part that can be primary, if the spec has one.
fn branch_fences(
    branch: &Branch,
    spec: &FenceSpec,
    shared: Option<&MultiPolygon<f64>>,
    roads: Option<&RoadGraph>,
    out: &mut Vec<Fence>,
) -> Result<Option<usize>, FenceError> {
    let id = spec.id();
    let whole = |kind: FenceKind, params: String, geometry: MultiPolygon<f64>| {
        let (geometry, area_km2) = finish(geometry);
        Fence {
            branch_id: branch.branch_id.clone(),
            fence_id: id.clone(),
            kind,
            params,
            geometry,
            area_km2,
            primary: false,
        }
    };
    match spec {
        FenceSpec::Radius { meters, rings, .. } => match rings {
            None => {
                out.push(radius_fence(branch, &id, *meters));
                Ok(Some(0))
            }
            Some(r) => {
                out.extend(ring_fences(branch, &id, r));
                Ok(None)
            }
        },
        FenceSpec::NineGrid { cell_meters, .. } => {
            out.extend(nine_grid_fences(branch, &id, *cell_meters));
            Ok(None)
        }
        FenceSpec::Polygon {
            coordinates, file, ..
        } => {
            let p = match (coordinates, file) {
                (Some(_), _) => params(&[("source", "coordinates".into())]),
                (None, Some(f)) => params(&[("file", f.display().to_string().into())]),
                (None, None) => params(&[]),
            };
            out.push(whole(
                FenceKind::Polygon,
                p,
                shared.cloned().expect("built once per spec"),
            ));
            Ok(Some(0))
        }
        FenceSpec::Admin { code, name, .. } => {
            let p = match (code, name) {
                (Some(c), _) => params(&[("code", c.as_str().into())]),
                (None, Some(n)) => params(&[("name", n.as_str().into())]),
                (None, None) => params(&[]),
            };
            out.push(whole(
                FenceKind::Admin,
                p,
                shared.cloned().expect("built once per spec"),
            ));
            Ok(Some(0))
        }
        FenceSpec::Grid {
            h3_resolution,
            square_meters,
            over,
            ..
        } => {
            let invalid = |message: String| FenceError::Invalid {
                branch: branch.branch_id.clone(),
                fence: id.clone(),
                message,
            };
            let area = match shared {
                Some(a) => a.clone(),
                None => {
                    let target = over
                        .as_deref()
                        .and_then(|o| o.strip_prefix("fence:"))
                        .unwrap_or_default();
                    let parts: Vec<&Fence> = out
                        .iter()
                        .filter(|f| {
                            f.fence_id == target || f.fence_id.starts_with(&format!("{target}/"))
                        })
                        .collect();
                    if parts.is_empty() {
                        return Err(invalid(format!(
                            "over = \"fence:{target}\" names no fence of this branch listed before the grid"
                        )));
                    }
                    MultiPolygon::new(
                        parts
                            .iter()
                            .flat_map(|f| f.geometry.0.iter().cloned())
                            .collect(),
                    )
                }
            };
            let (cells, p): (Vec<GridCell>, String) = match square_meters {
                Some(m) => (
                    square_grid(&area, *m).map_err(|e| invalid(e.to_string()))?,
                    params(&[("square_meters", (*m).into())]),
                ),
                None => {
                    let r = h3_resolution.unwrap_or(9);
                    let res = h3o::Resolution::try_from(r).map_err(|e| invalid(e.to_string()))?;
                    (h3_grid(&area, res), params(&[("h3_resolution", r.into())]))
                }
            };
            for cell in cells {
                let (geometry, area_km2) = finish(MultiPolygon::new(vec![cell.polygon]));
                out.push(Fence {
                    branch_id: branch.branch_id.clone(),
                    fence_id: format!("{id}/{}", cell.id),
                    kind: FenceKind::Grid,
                    params: p.clone(),
                    geometry,
                    area_km2,
                    primary: false,
                });
            }
            Ok(None)
        }
        FenceSpec::Travel {
            mode,
            minutes,
            intervals,
            ..
        } => {
            let travel_err = |message: String| FenceError::Travel {
                fence: format!("{id} of branch {}", branch.branch_id),
                message,
            };
            let graph = roads.ok_or_else(|| {
                travel_err("the study has no [inputs.roads] OpenStreetMap extract".into())
            })?;
            let mut budgets = intervals.clone().unwrap_or_default();
            if budgets.last() != Some(minutes) {
                budgets.push(*minutes);
            }
            let isochrones = graph
                .isochrone(branch.lon, branch.lat, *mode, &budgets)
                .map_err(|e| travel_err(e.to_string()))?;
            let single = isochrones.len() == 1;
            for iso in isochrones {
                let (geometry, area_km2) = finish(iso.polygon);
                out.push(Fence {
                    branch_id: branch.branch_id.clone(),
                    fence_id: if single {
                        id.clone()
                    } else {
                        format!("{id}/{}", crate::study::num(iso.minutes))
                    },
                    kind: FenceKind::Travel,
                    params: params(&[
                        ("mode", mode.as_str().into()),
                        ("minutes", iso.minutes.into()),
                        ("buffer_m", iso.buffer_m.into()),
                        (
                            "snap_m",
                            ((iso.snap.distance_m * 10.0).round() / 10.0).into(),
                        ),
                    ]),
                    geometry,
                    area_km2,
                    primary: false,
                });
            }
            // The full-budget circle, appended last, can be primary.
            Ok(Some(budgets.len() - 1))
        }
    }
}

/// The travel modes the specs use (to build the road graph for just those).
pub fn travel_modes(specs: &[FenceSpec]) -> Vec<TravelMode> {
    let mut modes: Vec<TravelMode> = specs
        .iter()
        .filter_map(|s| match s {
            FenceSpec::Travel { mode, .. } => Some(*mode),
            _ => None,
        })
        .collect();
    modes.sort_by_key(|m| m.as_str());
    modes.dedup();
    modes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::Study;
    use geo::coord;

    fn branches() -> Vec<Branch> {
        ["a", "b"]
            .iter()
            .enumerate()
            .map(|(i, id)| Branch {
                branch_id: id.to_string(),
                name: id.to_string(),
                lon: 7.42 + i as f64 * 0.01,
                lat: 43.73,
                brand: None,
            })
            .collect()
    }

    fn specs(fences: &str) -> Vec<FenceSpec> {
        let text = format!(
            "name = \"t\"\nsalt = \"s\"\n[inputs]\nbranches = {{ path = \"b.csv\" }}\n{fences}"
        );
        Study::from_toml(&text, Path::new("/x/study.toml"))
            .unwrap()
            .fences
    }

    fn build(fences: &str) -> Result<Vec<Fence>, FenceError> {
        let inputs = FenceInputs {
            admin: &[],
            study_area: Rect::new(coord! { x: 7.0, y: 43.0 }, coord! { x: 8.0, y: 44.0 }),
            crs: Crs::Wgs84,
            base_dir: Path::new("/x"),
            roads: None,
        };
        build_fences(&branches(), &specs(fences), &inputs)
    }

    #[test]
    fn order_ids_and_default_primary() {
        let f = build("[[fences]]\nkind = \"nine_grid\"\n[[fences]]\nkind = \"radius\"\nmeters = 300\n[[fences]]\nkind = \"radius\"\n").unwrap();
        assert_eq!(f.len(), 2 * 11);
        assert_eq!(f[0].branch_id, "a");
        assert_eq!(f[0].fence_id, "nine_grid_500/C");
        assert_eq!(f[9].fence_id, "radius_300");
        let primary: Vec<_> = f
            .iter()
            .filter(|f| f.primary)
            .map(|f| (f.branch_id.as_str(), f.fence_id.as_str()))
            .collect();
        assert_eq!(primary, [("a", "radius_300"), ("b", "radius_300")]);
    }

    #[test]
    fn explicit_primary_wins_and_branch_lists_apply() {
        let f = build("[[fences]]\nkind = \"radius\"\nmeters = 300\n[[fences]]\nkind = \"radius\"\nprimary = true\nbranches = [\"b\"]\n").unwrap();
        let primary: Vec<_> = f
            .iter()
            .filter(|f| f.primary)
            .map(|f| (f.branch_id.as_str(), f.fence_id.as_str()))
            .collect();
        assert_eq!(primary, [("a", "radius_300"), ("b", "radius_1000")]);
        assert_eq!(f.iter().filter(|f| f.branch_id == "a").count(), 1);
    }

    #[test]
    fn errors_name_the_fence() {
        let err = build("[[fences]]\nkind = \"nine_grid\"\nprimary = true\n").unwrap_err();
        assert!(
            err.to_string().contains("nine_grid_500")
                && err.to_string().contains("cannot be primary"),
            "{err}"
        );
        let err = build("[[fences]]\nkind = \"radius\"\nbranches = [\"zz\"]\n").unwrap_err();
        assert!(err.to_string().contains("\"zz\""), "{err}");
        let err = build("[[fences]]\nkind = \"admin\"\nname = \"Nowhere\"\n").unwrap_err();
        assert!(err.to_string().contains("Nowhere"), "{err}");
    }

    #[test]
    fn polygon_fence_from_coordinates_in_gcj02_outside_china_is_wgs84() {
        let f = build("[[fences]]\nkind = \"polygon\"\ncrs = \"gcj02\"\ncoordinates = [[[7.41, 43.72], [7.43, 43.72], [7.43, 43.74], [7.41, 43.74]]]\n").unwrap();
        assert_eq!(f.len(), 2);
        assert!(f[0].primary && f[0].kind == FenceKind::Polygon);
        assert_eq!(
            f[0].geometry.0[0].exterior().0[0],
            coord! { x: 7.41, y: 43.72 }
        );
        assert!(
            f[0].area_km2 > 3.5 && f[0].area_km2 < 3.7,
            "{}",
            f[0].area_km2
        );
    }
}
