//! Tables without geometry as CSV (RFC 4180, UTF-8, header row, `\n` line ends), written
//! atomically. Empty fields are nulls (suppressed or not applicable).

use crate::io::AtomicFile;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// A CSV field.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<'a> {
    /// Text, quoted when needed.
    Str(&'a str),
    /// An integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A number with at most `decimals` decimals.
    Num(f64, u8),
    /// `true` / `false`.
    Bool(bool),
    /// An empty field.
    Null,
}

impl<T: Into<u64> + Copy> From<Option<T>> for Field<'_> {
    fn from(v: Option<T>) -> Self {
        match v {
            Some(x) => Field::UInt(x.into()),
            None => Field::Null,
        }
    }
}

/// Streams a CSV table to a file that appears only when [`CsvTableWriter::finish`] succeeds.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::output::{CsvTableWriter, Field};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("t.csv");
/// let mut w = CsvTableWriter::create(&path, &["name", "n"])?;
/// w.row(&[Field::Str("a, b"), Field::Null])?;
/// w.finish()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "name,n\n\"a, b\",\n");
/// # Ok(()) }
/// ```
pub struct CsvTableWriter {
    out: BufWriter<AtomicFile>,
    line: String,
}

impl CsvTableWriter {
    /// Starts `path` with a header row.
    ///
    /// # Errors
    /// Any I/O error.
    pub fn create(path: impl AsRef<Path>, header: &[&str]) -> io::Result<Self> {
        let out = BufWriter::with_capacity(1 << 16, AtomicFile::create(path)?);
        let mut w = Self {
            out,
            line: String::new(),
        };
        let fields: Vec<Field<'_>> = header.iter().map(|h| Field::Str(h)).collect();
        w.row(&fields)?;
        Ok(w)
    }

    /// Writes one row.
    ///
    /// # Errors
    /// Any I/O error.
    pub fn row(&mut self, fields: &[Field<'_>]) -> io::Result<()> {
        use std::fmt::Write as _;
        let l = &mut self.line;
        l.clear();
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                l.push(',');
            }
            match f {
                Field::Str(s) if s.contains([',', '"', '\n', '\r']) => {
                    l.push('"');
                    l.push_str(&s.replace('"', "\"\""));
                    l.push('"');
                }
                Field::Str(s) => l.push_str(s),
                Field::Int(x) => {
                    let _ = write!(l, "{x}");
                }
                Field::UInt(x) => {
                    let _ = write!(l, "{x}");
                }
                Field::Num(x, d) if x.is_finite() => {
                    let s = format!("{x:.*}", usize::from(*d));
                    let s = if s.contains('.') {
                        s.trim_end_matches('0').trim_end_matches('.')
                    } else {
                        &s
                    };
                    l.push_str(if s == "-0" { "0" } else { s });
                }
                Field::Num(..) | Field::Null => {}
                Field::Bool(b) => l.push_str(if *b { "true" } else { "false" }),
            }
        }
        l.push('\n');
        self.out.write_all(l.as_bytes())
    }

    /// Flushes and renames the file into place.
    ///
    /// # Errors
    /// Any I/O error; the target is then left as it was.
    pub fn finish(self) -> io::Result<()> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.commit()
    }
}
