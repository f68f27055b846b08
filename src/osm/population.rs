//! Populations for admin areas from a GeoNames places file.

use super::OsmError;
use crate::AdminArea;
use geo::{Contains, Point};
use std::path::Path;

/// Spelling variants known to differ between OSM and GeoNames, as folded names.
const BUILTIN_VARIANTS: &[(&str, &str)] = &[("moneghetti", "monegetti")];

/// One populated place from GeoNames.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoNamesPlace {
    /// GeoNames id (0 when the file has none).
    pub geonameid: u64,
    /// Name.
    pub name: String,
    /// WGS-84 longitude, when given.
    pub lon: Option<f64>,
    /// WGS-84 latitude, when given.
    pub lat: Option<f64>,
    /// Population.
    pub population: u64,
}

/// How an area's population was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchRule {
    /// The place's point is inside the area and its name matches.
    PointAndName,
    /// The only place inside the area.
    Point,
    /// Name match only.
    Name,
}

/// The place matched to one area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PopulationMatch {
    /// Index of the place in the places slice.
    pub place: usize,
    /// The rule that matched.
    pub rule: MatchRule,
}

/// Reads a GeoNames places CSV with a header row.
///
/// Columns are found by name: `name` (required), `population` (required), `lat`/`latitude`,
/// `lon`/`lng`/`longitude` (optional), `geonameid`/`id` (optional). Rows with an empty or
/// non-numeric population are skipped.
///
/// # Errors
/// [`OsmError::Open`] if the file cannot be read, [`OsmError::Companion`] if a required column is
/// missing or a coordinate is not a number (with the line).
///
/// # Example
/// ```
/// # fn main() -> Result<(), catchment::osm::OsmError> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("places.csv");
/// std::fs::write(&path, "geonameid,name,lat,lon,population\n1,Fontvieille,43.72687,7.41766,3602\n").unwrap();
/// let places = catchment::osm::read_geonames(&path)?;
/// assert_eq!(places[0].population, 3602);
/// assert_eq!(places[0].lon, Some(7.41766));
/// # Ok(()) }
/// ```
pub fn read_geonames(path: impl AsRef<Path>) -> Result<Vec<GeoNamesPlace>, OsmError> {
    let path = path.as_ref();
    let bad = |message: String| OsmError::Companion {
        path: path.to_path_buf(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|source| OsmError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers = rdr
        .headers()
        .map_err(|e| bad(format!("cannot read header: {e}")))?
        .clone();
    let col = |names: &[&str]| {
        headers.iter().position(|h| {
            names.iter().any(|n| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(n)
            })
        })
    };
    let name_col = col(&["name"]).ok_or_else(|| bad("no `name` column".into()))?;
    let pop_col = col(&["population"]).ok_or_else(|| bad("no `population` column".into()))?;
    let lat_col = col(&["lat", "latitude"]);
    let lon_col = col(&["lon", "lng", "longitude"]);
    let id_col = col(&["geonameid", "id"]);
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(format!("line {line}: {e}")))?;
        let field = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let Some(population) = field(Some(pop_col)).and_then(|p| p.parse::<u64>().ok()) else {
            continue;
        };
        let coord = |c: Option<usize>, what: &str| -> Result<Option<f64>, OsmError> {
            field(c)
                .map(|s| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| bad(format!("line {line}: {what} {s:?} is not a number")))
                })
                .transpose()
        };
        out.push(GeoNamesPlace {
            geonameid: field(id_col).and_then(|s| s.parse().ok()).unwrap_or(0),
            name: field(Some(name_col)).unwrap_or_default().to_owned(),
            lat: coord(lat_col, "latitude")?,
            lon: coord(lon_col, "longitude")?,
            population,
        });
    }
    Ok(out)
}

/// Folds a place name for matching: lower case, accents removed, punctuation as spaces, leading
/// articles (`le`, `la`, `les`, `l'`) dropped, spaces collapsed.
///
/// # Example
/// ```
/// use catchment::osm::fold_name;
///
/// assert_eq!(fold_name("Ravin de Sainte-Dévote"), "ravin de sainte devote");
/// assert_eq!(fold_name("Les Monegetti"), "monegetti");
/// assert_eq!(fold_name("MONACO-VILLE"), "monaco ville");
/// ```
pub fn fold_name(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for ch in name.chars().flat_map(char::to_lowercase) {
        match fold_char(ch) {
            Some(rep) => s.push_str(rep),
            None if ch.is_alphanumeric() => s.push(ch),
            None => s.push(' '),
        }
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    let skip = words
        .iter()
        .take_while(|w| matches!(**w, "le" | "la" | "les" | "l"))
        .count()
        .min(words.len().saturating_sub(1));
    words[skip..].join(" ")
}

/// ASCII for common accented Latin letters (already lower case).
fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        '\'' | '’' => " ",
        _ => return None,
    })
}

/// Whether two folded names are the same place (equal, or a known variant pair).
fn same(a: &str, b: &str, variants: &[(String, String)]) -> bool {
    let canon = |s: &str| -> String {
        BUILTIN_VARIANTS
            .iter()
            .map(|(x, y)| (*x, *y))
            .chain(variants.iter().map(|(x, y)| (x.as_str(), y.as_str())))
            .find(|(x, _)| *x == s)
            .map_or_else(|| s.to_owned(), |(_, y)| y.to_owned())
    };
    a == b || canon(a) == canon(b)
}

/// Joins populations onto `areas` (setting [`AdminArea::population`]) and returns, per area, the
/// place used and the rule.
///
/// # Matching rules
/// Places whose folded name is the name of a larger admin area (e.g. the country "Monaco") stand
/// for that area and are set aside. Then, for each area, in order:
/// 1. **point and name**: a place whose point lies in the area and whose name matches it;
/// 2. **point**: otherwise the only place whose point lies in the area, unless that place's name
///    matches another area;
/// 3. **name**: otherwise a place (anywhere, or without coordinates) whose name matches.
///
/// Names match after [`fold_name`] (case, accents, punctuation, leading articles) and known
/// spelling variants (built in: GeoNames "Moneghetti" = OSM "Les Monegetti"). A place is used
/// for at most one area. Areas without a match keep no population and are reported.
///
/// `larger_area_names` are names of admin areas above the areas' level (e.g. the country): places
/// with those names are not used. `variants` are extra `(a, b)` folded spelling pairs.
///
/// # Example
/// ```
/// use catchment::osm::{join_population, GeoNamesPlace};
/// use catchment::AdminArea;
/// use geo::{polygon, MultiPolygon};
///
/// let square = polygon![(x: 7.0, y: 43.0), (x: 7.1, y: 43.0), (x: 7.1, y: 43.1), (x: 7.0, y: 43.1)];
/// let mut areas = vec![AdminArea { code: "q1".into(), name: "Les Monegetti".into(),
///     level: "10".into(), population: None, geometry: MultiPolygon::new(vec![square]) }];
/// let place = |name: &str, pop| GeoNamesPlace { geonameid: 0, name: name.into(),
///     lon: Some(7.05), lat: Some(43.05), population: pop };
/// let places = vec![place("Monaco", 32965), place("Moneghetti", 3000)];
/// let matches = join_population(&mut areas, &places, &["Monaco".into()], &[]);
/// assert_eq!(areas[0].population, Some(3000));
/// assert_eq!(matches[0].map(|m| m.place), Some(1));
/// ```
pub fn join_population(
    areas: &mut [AdminArea],
    places: &[GeoNamesPlace],
    larger_area_names: &[String],
    variants: &[(String, String)],
) -> Vec<Option<PopulationMatch>> {
    let larger: Vec<String> = larger_area_names.iter().map(|n| fold_name(n)).collect();
    let area_names: Vec<String> = areas.iter().map(|a| fold_name(&a.name)).collect();
    let place_names: Vec<String> = places.iter().map(|p| fold_name(&p.name)).collect();
    let usable: Vec<bool> = place_names
        .iter()
        .map(|n| !larger.iter().any(|l| same(n, l, variants)))
        .collect();
    let inside: Vec<Vec<usize>> = areas
        .iter()
        .map(|a| {
            (0..places.len())
                .filter(|&p| usable[p])
                .filter(|&p| match (places[p].lon, places[p].lat) {
                    (Some(x), Some(y)) => a.geometry.contains(&Point::new(x, y)),
                    _ => false,
                })
                .collect()
        })
        .collect();
    let mut used = vec![false; places.len()];
    let mut out: Vec<Option<PopulationMatch>> = vec![None; areas.len()];
    // Rule 1 for every area first, so that rules 2 and 3 never take a place a later area names.
    for (a, found) in out.iter_mut().enumerate() {
        if let Some(&p) = inside[a]
            .iter()
            .find(|&&p| !used[p] && same(&place_names[p], &area_names[a], variants))
        {
            used[p] = true;
            *found = Some(PopulationMatch {
                place: p,
                rule: MatchRule::PointAndName,
            });
        }
    }
    for (a, found) in out.iter_mut().enumerate() {
        if found.is_some() {
            continue;
        }
        let names_other = |p: usize| {
            area_names
                .iter()
                .enumerate()
                .any(|(b, n)| b != a && same(&place_names[p], n, variants))
        };
        if let [p] = inside[a][..]
            && !used[p]
            && !names_other(p)
        {
            used[p] = true;
            *found = Some(PopulationMatch {
                place: p,
                rule: MatchRule::Point,
            });
        }
    }
    for (a, found) in out.iter_mut().enumerate() {
        if found.is_some() {
            continue;
        }
        if let Some(p) = (0..places.len())
            .find(|&p| usable[p] && !used[p] && same(&place_names[p], &area_names[a], variants))
        {
            used[p] = true;
            *found = Some(PopulationMatch {
                place: p,
                rule: MatchRule::Name,
            });
        }
    }
    for (area, found) in areas.iter_mut().zip(&out) {
        area.population = found.map(|m| places[m.place].population);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, polygon};

    fn area(name: &str, x0: f64) -> AdminArea {
        AdminArea {
            code: name.into(),
            name: name.into(),
            level: "10".into(),
            population: None,
            geometry: MultiPolygon::new(vec![polygon![
                (x: x0, y: 0.0), (x: x0 + 1.0, y: 0.0), (x: x0 + 1.0, y: 1.0), (x: x0, y: 1.0)
            ]]),
        }
    }

    fn place(name: &str, x: Option<f64>, pop: u64) -> GeoNamesPlace {
        GeoNamesPlace {
            geonameid: 0,
            name: name.into(),
            lon: x,
            lat: x.map(|_| 0.5),
            population: pop,
        }
    }

    #[test]
    fn folding() {
        assert_eq!(
            fold_name("  Ravin de Sainte-Dévote "),
            "ravin de sainte devote"
        );
        assert_eq!(fold_name("L'Île-Rousse"), "ile rousse");
        assert_eq!(fold_name("La"), "la");
        assert_eq!(fold_name("Monte-Carlo"), fold_name("monte carlo"));
    }

    #[test]
    fn rules() {
        let mut areas = vec![
            area("La Rousse", 0.0),
            area("Ravin", 1.0),
            area("Les Monegetti", 2.0),
            area("Far", 3.0),
        ];
        let places = vec![
            place("Saint-Roman", Some(0.5), 3000), // inside La Rousse, other name
            place("La Rousse", Some(0.6), 7087),   // inside La Rousse, same name
            place("Monaco", Some(1.5), 32965),     // country point inside Ravin: set aside
            place("Moneghetti", Some(9.0), 3000),  // outside every area: name fallback
            place("Far", None, 10),                // no coordinates: name
        ];
        let m = join_population(&mut areas, &places, &["Monaco".into()], &[]);
        assert_eq!(
            m[0],
            Some(PopulationMatch {
                place: 1,
                rule: MatchRule::PointAndName
            })
        );
        assert_eq!(m[1], None);
        assert_eq!(
            m[2],
            Some(PopulationMatch {
                place: 3,
                rule: MatchRule::Name
            })
        );
        assert_eq!(
            m[3],
            Some(PopulationMatch {
                place: 4,
                rule: MatchRule::Name
            })
        );
        let pops: Vec<_> = areas.iter().map(|a| a.population).collect();
        assert_eq!(pops, vec![Some(7087), None, Some(3000), Some(10)]);
    }

    #[test]
    fn lone_point_inside() {
        let mut areas = vec![area("Quartier A", 0.0)];
        let places = vec![place("Somewhere", Some(0.5), 42)];
        let m = join_population(&mut areas, &places, &[], &[]);
        assert_eq!(m[0].map(|m| m.rule), Some(MatchRule::Point));
        assert_eq!(areas[0].population, Some(42));
    }
}
