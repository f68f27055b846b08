//! Rejected rows: why a row was refused, and the log that counts and writes them.

use super::InputError;
use crate::io::AtomicFile;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a row (or feature) was refused. [`fmt::Display`] gives the sentence a person reads;
/// [`RejectReason::code`] the short code the summary counts by.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RejectReason {
    /// The row has another number of fields than the header.
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A row that is not valid UTF-8.
    NotUtf8,
    /// A required field is empty or null.
    Missing {
        /// The column.
        column: String,
    },
    /// A field that must be a number is not one.
    NotNumber {
        /// The column.
        column: String,
        /// The text found.
        value: String,
    },
    /// A number that is NaN or infinite.
    NotFinite {
        /// The column.
        column: String,
        /// The text found.
        value: String,
    },
    /// Coordinates outside [-180, 180] × [-90, 90].
    OutOfRange {
        /// Longitude as read.
        lon: f64,
        /// Latitude as read.
        lat: f64,
        /// Whether swapping lon and lat would give a valid point (a common column mix-up).
        swapped: bool,
    },
    /// The point (0, 0), a classic default of broken location SDKs.
    NullIsland,
    /// A valid point outside the study area.
    OutsideStudyArea {
        /// WGS-84 longitude.
        lon: f64,
        /// WGS-84 latitude.
        lat: f64,
        /// Whether swapping lon and lat would put it inside.
        swapped: bool,
    },
    /// Accuracy worse than the study's `max_accuracy_m`.
    AccuracyTooLarge {
        /// The accuracy, metres.
        value: f64,
        /// The limit, metres.
        max: f64,
    },
    /// A negative accuracy.
    AccuracyNegative {
        /// The accuracy as read.
        value: f64,
    },
    /// A time that is neither epoch seconds, epoch milliseconds nor RFC 3339 / ISO 8601.
    BadTime {
        /// The column.
        column: String,
        /// The text found.
        value: String,
    },
    /// An empty device id.
    EmptyDeviceId,
    /// A second row with an id already seen.
    Duplicate {
        /// The id column.
        column: String,
        /// The id.
        value: String,
        /// The line of the first occurrence.
        first_line: u64,
    },
    /// A value outside what the column allows.
    BadValue {
        /// The column.
        column: String,
        /// The text found.
        value: String,
        /// What is allowed.
        expected: String,
    },
    /// A reference to a record that does not exist (e.g. a campaign's `poi_id`).
    UnknownReference {
        /// The column.
        column: String,
        /// The id.
        value: String,
    },
    /// The CRS conversion failed for this point.
    Crs {
        /// The conversion error.
        message: String,
    },
    /// A geometry that is invalid and cannot be repaired unambiguously.
    InvalidGeometry {
        /// Why.
        message: String,
    },
}

impl RejectReason {
    /// A short stable code (`out_of_range`, `bad_time`, …) for counting.
    pub fn code(&self) -> &'static str {
        match self {
            Self::FieldCount { .. } => "field_count",
            Self::NotUtf8 => "not_utf8",
            Self::Missing { .. } => "missing_field",
            Self::NotNumber { .. } => "not_a_number",
            Self::NotFinite { .. } => "not_finite",
            Self::OutOfRange { .. } => "out_of_range",
            Self::NullIsland => "null_island",
            Self::OutsideStudyArea { .. } => "outside_study_area",
            Self::AccuracyTooLarge { .. } => "accuracy_too_large",
            Self::AccuracyNegative { .. } => "accuracy_negative",
            Self::BadTime { .. } => "bad_time",
            Self::EmptyDeviceId => "empty_device_id",
            Self::Duplicate { .. } => "duplicate_id",
            Self::BadValue { .. } => "bad_value",
            Self::UnknownReference { .. } => "unknown_reference",
            Self::Crs { .. } => "crs",
            Self::InvalidGeometry { .. } => "invalid_geometry",
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount { expected, found } => {
                write!(f, "row has {found} fields, the header has {expected}")
            }
            Self::NotUtf8 => f.write_str("row is not valid UTF-8"),
            Self::Missing { column } => write!(f, "{column} is empty"),
            Self::NotNumber { column, value } => write!(f, "{column} {value:?} is not a number"),
            Self::NotFinite { column, value } => {
                write!(f, "{column} {value:?} is not a finite number")
            }
            Self::OutOfRange { lon, lat, swapped } => {
                write!(
                    f,
                    "coordinates lon={lon} lat={lat} are out of range (lon in [-180, 180], lat in [-90, 90])"
                )?;
                if *swapped {
                    f.write_str("; lon and lat look swapped")?;
                }
                Ok(())
            }
            Self::NullIsland => {
                f.write_str("coordinates are (0, 0), a placeholder, not a location")
            }
            Self::OutsideStudyArea { lon, lat, swapped } => {
                write!(f, "point lon={lon} lat={lat} is outside the study area")?;
                if *swapped {
                    f.write_str("; lon and lat look swapped (swapped, it falls inside)")?;
                }
                Ok(())
            }
            Self::AccuracyTooLarge { value, max } => write!(
                f,
                "accuracy {} m is worse than max_accuracy_m = {max}",
                short(*value)
            ),
            Self::AccuracyNegative { value } => {
                write!(f, "accuracy {} m is negative", short(*value))
            }
            Self::BadTime { column, value } => write!(
                f,
                "{column} {value:?} is not a time (expected epoch seconds, epoch milliseconds or RFC 3339)"
            ),
            Self::EmptyDeviceId => f.write_str("device_id is empty"),
            Self::Duplicate {
                column,
                value,
                first_line,
            } => write!(f, "{column} {value:?} already appears at line {first_line}"),
            Self::BadValue {
                column,
                value,
                expected,
            } => write!(f, "{column} {value:?} is not allowed: expected {expected}"),
            Self::UnknownReference { column, value } => {
                write!(
                    f,
                    "{column} {value:?} does not match any record of that input"
                )
            }
            Self::Crs { message } => write!(f, "coordinate conversion failed: {message}"),
            Self::InvalidGeometry { message } => write!(f, "invalid geometry: {message}"),
        }
    }
}

/// A measurement for a message: at most 3 decimals, trailing zeros dropped (a Float32 column's
/// `340.9` reads as `340.9`, not `340.899993896…`; the row itself keeps the exact value).
fn short(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// One rejected row: where, why, and the row as read (device id replaced by its key).
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    /// 1-based line in the file (header = line 1), Parquet row (first row = 1), or GeoJSON feature
    /// number (first feature = 1).
    pub line: u64,
    /// Why it was refused.
    pub reason: RejectReason,
    /// The row's fields as read, in header order; a device id is already replaced by its key.
    pub row: Vec<String>,
}

/// Counts and keeps the rejects of one input, and writes them to `rejects/<input>.csv`.
///
/// Every reject is kept in memory up to `keep` rows (the first ones, by line) so a summary and the
/// file can show them; beyond that they are still counted by reason.
#[derive(Debug, Clone)]
pub struct RejectLog {
    input: &'static str,
    header: Vec<String>,
    kept: Vec<Reject>,
    keep: usize,
    by_reason: BTreeMap<&'static str, u64>,
    total: u64,
    blank_lines: u64,
    repaired: u64,
}

impl RejectLog {
    /// Rejects of `input` (`pings`, `devices`, …) whose rows have the columns of `header`.
    pub fn new(input: &'static str, header: Vec<String>) -> Self {
        Self {
            input,
            header,
            kept: Vec::new(),
            keep: 1_000_000,
            by_reason: BTreeMap::new(),
            total: 0,
            blank_lines: 0,
            repaired: 0,
        }
    }

    /// Keep at most `keep` reject rows in memory (and in the file); all are still counted.
    pub fn with_keep(mut self, keep: usize) -> Self {
        self.keep = keep;
        self
    }

    /// Which input these rejects belong to.
    pub fn input(&self) -> &'static str {
        self.input
    }

    /// Records a rejected row.
    pub fn push(&mut self, reject: Reject) {
        *self.by_reason.entry(reject.reason.code()).or_default() += 1;
        self.total += 1;
        if self.kept.len() < self.keep {
            self.kept.push(reject);
        }
    }

    /// Records a skipped blank line.
    pub fn blank_line(&mut self) {
        self.blank_lines += 1;
    }

    /// Records a repaired record (an invalid geometry fixed unambiguously).
    pub fn repaired(&mut self) {
        self.repaired += 1;
    }

    /// An empty log of the same input, header and cap: one per part of a file read in parallel.
    pub(crate) fn empty_like(&self) -> Self {
        Self {
            input: self.input,
            header: self.header.clone(),
            kept: Vec::new(),
            keep: self.keep,
            by_reason: BTreeMap::new(),
            total: 0,
            blank_lines: 0,
            repaired: 0,
        }
    }

    /// Adds the counts and rows of another log of the same input; the rows kept stay in line
    /// order (a stable sort), and only the first `keep` of them are kept.
    ///
    /// Merging the logs of consecutive parts of one file, in file order, gives exactly the log a
    /// single pass over the file would have (same rows, same order, same cap).
    ///
    /// # Performance
    /// When `other` starts after this log's last row (parts merged in order), its rows are
    /// appended without sorting.
    pub fn merge(&mut self, other: RejectLog) {
        for (k, v) in other.by_reason {
            *self.by_reason.entry(k).or_default() += v;
        }
        self.total += other.total;
        self.blank_lines += other.blank_lines;
        self.repaired += other.repaired;
        let in_order = match (self.kept.last(), other.kept.first()) {
            (Some(last), Some(first)) => last.line <= first.line,
            _ => true,
        };
        if in_order {
            let room = self.keep.saturating_sub(self.kept.len());
            self.kept.extend(other.kept.into_iter().take(room));
        } else {
            self.kept.extend(other.kept);
            self.kept.sort_by_key(|r| r.line);
            self.kept.truncate(self.keep);
        }
    }

    /// Number of rejected rows.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Number of blank lines skipped.
    pub fn blank_lines(&self) -> u64 {
        self.blank_lines
    }

    /// Number of records repaired.
    pub fn repaired_count(&self) -> u64 {
        self.repaired
    }

    /// Counts by reason code, in code order.
    pub fn by_reason(&self) -> &BTreeMap<&'static str, u64> {
        &self.by_reason
    }

    /// The rejects kept, in line order.
    pub fn rejects(&self) -> &[Reject] {
        &self.kept
    }

    /// The first reject, if any.
    pub fn first(&self) -> Option<&Reject> {
        self.kept.first()
    }

    /// In strict mode, turns any reject into [`InputError::Strict`].
    ///
    /// # Errors
    /// [`InputError::Strict`] when `strict` and at least one row was rejected.
    pub fn check_strict(&self, strict: bool, path: &Path) -> Result<(), InputError> {
        match (strict, self.first()) {
            (true, Some(first)) => Err(InputError::Strict {
                path: path.to_path_buf(),
                count: self.total,
                first_line: first.line,
                first_reason: first.reason.to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// Writes `dir/<input>.csv` atomically: `line,reason_code,reason,<columns…>`. Writes nothing
    /// (and removes a stale file) when there is no reject. Returns the path written, if any.
    ///
    /// # Errors
    /// [`InputError::WriteRejects`] on an I/O error.
    pub fn write(&self, dir: &Path) -> Result<Option<PathBuf>, InputError> {
        let path = dir.join(format!("{}.csv", self.input));
        let err = |source| InputError::WriteRejects {
            path: path.clone(),
            source,
        };
        if self.kept.is_empty() {
            if path.exists() {
                std::fs::remove_file(&path).map_err(err)?;
            }
            return Ok(None);
        }
        let mut file = AtomicFile::create(&path).map_err(err)?;
        {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(&mut file);
            let mut head = vec!["line".to_string(), "reason_code".into(), "reason".into()];
            head.extend(self.header.iter().cloned());
            w.write_record(&head).map_err(|e| err(e.into()))?;
            for r in &self.kept {
                let mut rec = vec![
                    r.line.to_string(),
                    r.reason.code().to_string(),
                    r.reason.to_string(),
                ];
                rec.extend(r.row.iter().cloned());
                w.write_record(&rec).map_err(|e| err(e.into()))?;
            }
            w.flush().map_err(err)?;
        }
        file.flush().map_err(err)?;
        file.commit().map_err(err)?;
        Ok(Some(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(lines: &[u64], keep: usize) -> RejectLog {
        let mut log = RejectLog::new("pings", vec!["a".into()]).with_keep(keep);
        for &line in lines {
            log.push(Reject {
                line,
                reason: RejectReason::EmptyDeviceId,
                row: vec![line.to_string()],
            });
        }
        log
    }

    fn lines(log: &RejectLog) -> Vec<u64> {
        log.rejects().iter().map(|r| r.line).collect()
    }

    #[test]
    fn merging_parts_in_order_equals_one_pass() {
        let whole = log(&[2, 5, 7, 9, 12], 3);
        let mut merged = whole.empty_like();
        for part in [log(&[2, 5], 3), log(&[], 3), log(&[7, 9, 12], 3)] {
            merged.merge(part);
        }
        assert_eq!(lines(&merged), lines(&whole));
        assert_eq!(merged.total(), 5);
        assert_eq!(merged.by_reason(), whole.by_reason());
    }

    #[test]
    fn merging_out_of_order_sorts_and_caps() {
        let mut merged = log(&[7, 9], 3);
        merged.merge(log(&[2, 5], 3));
        assert_eq!(lines(&merged), [2, 5, 7]);
        assert_eq!(merged.total(), 4);
    }
}
