//! RFC 7946 GeoJSON: WGS-84 lon/lat, exteriors counter-clockwise, at most 7 decimals, a `bbox`,
//! no NaN, written atomically.

use crate::fence::Fence;
use crate::io::AtomicFile;
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, MultiPolygon, Rect};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

/// A property value of a feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Property<'a> {
    /// A string.
    Str(&'a str),
    /// A number, written with at most `decimals` decimals; a non-finite number is written as null.
    Num(f64, u8),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// JSON null.
    Null,
}

/// Streams a FeatureCollection of polygonal features to a file, atomically.
///
/// Coordinates are rounded to 7 decimals (about 1 cm), rings oriented per RFC 7946 and the
/// collection's `bbox` written first, so it must be known before the first feature.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::output::{GeoJsonWriter, Property};
/// use geo::{polygon, MultiPolygon};
/// let dir = tempfile::tempdir()?;
/// let square = MultiPolygon::new(vec![polygon![(x: 7.0, y: 43.0), (x: 7.1, y: 43.0), (x: 7.1, y: 43.1), (x: 7.0, y: 43.1)]]);
/// let bbox = geo::BoundingRect::bounding_rect(&square).unwrap();
/// let mut w = GeoJsonWriter::create(dir.path().join("a.geojson"), Some(bbox), &[])?;
/// w.feature(&square, &[("name", Property::Str("a")), ("area_km2", Property::Num(88.123456789, 6))])?;
/// w.finish()?;
/// let text = std::fs::read_to_string(dir.path().join("a.geojson"))?;
/// assert!(text.contains(r#""area_km2":88.123457"#));
/// # Ok(()) }
/// ```
pub struct GeoJsonWriter {
    out: AtomicFile,
    first: bool,
    buf: String,
}

impl GeoJsonWriter {
    /// Starts `path`, with the collection's bbox and extra top-level members (`"name": value`
    /// pairs of JSON text, e.g. a manifest id).
    ///
    /// # Errors
    /// Any I/O error.
    pub fn create(
        path: impl AsRef<Path>,
        bbox: Option<Rect<f64>>,
        members: &[(&str, String)],
    ) -> io::Result<Self> {
        let mut out = AtomicFile::create(path)?;
        out.write_all(b"{\"type\":\"FeatureCollection\"")?;
        for (k, v) in members {
            write!(out, ",{}:{v}", json_str(k))?;
        }
        if let Some(b) = bbox {
            write!(
                out,
                ",\"bbox\":[{},{},{},{}]",
                num(b.min().x, 7),
                num(b.min().y, 7),
                num(b.max().x, 7),
                num(b.max().y, 7)
            )?;
        }
        out.write_all(b",\"features\":[\n")?;
        Ok(Self {
            out,
            first: true,
            buf: String::new(),
        })
    }

    /// Writes one feature.
    ///
    /// # Errors
    /// Any I/O error.
    pub fn feature(
        &mut self,
        geometry: &MultiPolygon<f64>,
        properties: &[(&str, Property<'_>)],
    ) -> io::Result<()> {
        let b = &mut self.buf;
        b.clear();
        if !self.first {
            b.push_str(",\n");
        }
        self.first = false;
        b.push_str("{\"type\":\"Feature\",\"properties\":{");
        for (i, (k, v)) in properties.iter().enumerate() {
            if i > 0 {
                b.push(',');
            }
            b.push_str(&json_str(k));
            b.push(':');
            match v {
                Property::Str(s) => b.push_str(&json_str(s)),
                Property::Num(x, d) => b.push_str(&num(*x, *d)),
                Property::Int(x) => {
                    let _ = write!(b, "{x}");
                }
                Property::Bool(x) => b.push_str(if *x { "true" } else { "false" }),
                Property::Null => b.push_str("null"),
            }
        }
        b.push_str("},\"geometry\":");
        multipolygon(b, &geometry.clone().orient(Direction::Default));
        b.push('}');
        self.out.write_all(b.as_bytes())
    }

    /// Closes the collection and renames the file into place.
    ///
    /// # Errors
    /// Any I/O error; the target is then left as it was.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.write_all(b"\n]}\n")?;
        self.out.commit()
    }
}

/// Writes fences as a GeoJSON layer (properties `branch_id, fence_id, kind, params, area_km2,
/// primary`), in the given order.
///
/// # Errors
/// Any I/O error.
pub fn write_fences_geojson(path: impl AsRef<Path>, fences: &[Fence]) -> io::Result<()> {
    write_fences_with(path, fences, None, |_, _| {})
}

/// Writes fences with their own properties, then those `extra` adds for fence `i`; `name` is the
/// collection's `name` member, if any. Shared by the plain and the footfall `fences` layers.
pub(crate) fn write_fences_with<'a>(
    path: impl AsRef<Path>,
    fences: &'a [Fence],
    name: Option<&str>,
    mut extra: impl FnMut(usize, &mut Vec<(&'static str, Property<'a>)>),
) -> io::Result<()> {
    let bbox = fences
        .iter()
        .filter_map(|f| f.geometry.bounding_rect())
        .map(Some)
        .reduce(crate::study::union)
        .flatten();
    let members: Vec<(&str, String)> = name.map(|n| ("name", json_str(n))).into_iter().collect();
    let mut w = GeoJsonWriter::create(path, bbox, &members)?;
    for (i, f) in fences.iter().enumerate() {
        let mut props = vec![
            ("branch_id", Property::Str(&f.branch_id)),
            ("fence_id", Property::Str(&f.fence_id)),
            ("kind", Property::Str(f.kind.as_str())),
            ("params", Property::Str(&f.params)),
            ("area_km2", Property::Num(f.area_km2, 6)),
            ("primary", Property::Bool(f.primary)),
        ];
        extra(i, &mut props);
        w.feature(&f.geometry, &props)?;
    }
    w.finish()
}

fn multipolygon(b: &mut String, mp: &MultiPolygon<f64>) {
    b.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
    for (i, p) in mp.0.iter().enumerate() {
        if i > 0 {
            b.push(',');
        }
        b.push('[');
        for (j, ring) in std::iter::once(p.exterior())
            .chain(p.interiors())
            .enumerate()
        {
            if j > 0 {
                b.push(',');
            }
            b.push('[');
            for (k, c) in ring.coords().enumerate() {
                if k > 0 {
                    b.push(',');
                }
                let _ = write!(b, "[{},{}]", num(c.x, 7), num(c.y, 7));
            }
            b.push(']');
        }
        b.push(']');
    }
    b.push_str("]}");
}

/// A number with at most `decimals` decimals, trailing zeros dropped; null when not finite.
fn num(x: f64, decimals: u8) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    let s = format!("{x:.*}", decimals as usize);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(num(7.123456789, 7), "7.1234568");
        assert_eq!(num(7.0, 7), "7");
        assert_eq!(num(-0.00000001, 7), "0");
        assert_eq!(num(f64::NAN, 7), "null");
        assert_eq!(num(1.5, 0), "2");
    }
}
