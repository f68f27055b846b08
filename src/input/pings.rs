//! Pings: streamed in batches from CSV or Parquet, validated row by row, never loaded whole.

use super::csv_table::{ColumnMap, Columns, CsvTable, Row};
use super::point::{PointCheck, accuracy};
use super::{InputError, PingBatch, ReadOptions, Reject, RejectLog, RejectReason, TimeParser};
use crate::privacy::{DeviceKey, DeviceKeyer};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use std::fs::File;
use std::path::{Path, PathBuf};

const COLUMNS: [&str; 5] = ["device_id", "ts", "lon", "lat", "accuracy_m"];

/// The file format of a pings input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PingFormat {
    /// Comma-separated text with a header row.
    Csv,
    /// Apache Parquet (any codec the build supports: snappy, zstd, lz4, gzip).
    Parquet,
}

impl PingFormat {
    /// The format implied by a file name (`.csv`, `.parquet`/`.pq`), if any.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" | "tsv" => Some(Self::Csv),
            "parquet" | "pq" | "parq" => Some(Self::Parquet),
            _ => None,
        }
    }
}

/// Streams valid pings in [`PingBatch`]es, logging every rejected row.
///
/// Columns (remappable): `device_id, ts, lon, lat[, accuracy_m]`. A row is rejected when the
/// device id is empty, a field is missing or not a number, NaN/inf, the time is unparsable, the
/// point is out of range (with a hint when lon/lat look swapped), at (0, 0), outside the study area,
/// or its accuracy is negative or worse than `max_accuracy_m`. An empty accuracy is unknown and kept.
///
/// Parquet columns may be: `device_id` string or integer (integers are keyed as their decimal text);
/// `ts` integer (seconds or milliseconds by magnitude), floating seconds, an Arrow timestamp of any
/// unit, or RFC 3339 text; `lon`, `lat`, `accuracy_m` floating, integer or numeric text. Parquet
/// "lines" are 1-based row numbers.
///
/// # Errors
/// [`PingReader::open`] fails when the file is missing or a column is absent or of an unusable type;
/// iteration yields an [`InputError`] when the file turns out malformed or has no data row.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::input::{PingReader, ReadOptions};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("pings.csv");
/// std::fs::write(&path, "device_id,ts,lon,lat\nd1,1780000000,7.42,43.73\nd1,soon,7.42,43.73\n")?;
/// let opts = ReadOptions::new("salt", jiff::tz::TimeZone::UTC);
/// let mut reader = PingReader::open(&path, None, &opts)?;
/// let mut n = 0;
/// for batch in &mut reader {
///     n += batch?.len();
/// }
/// assert_eq!(n, 1);
/// assert_eq!(reader.rejects().total(), 1);
/// # Ok(()) }
/// ```
pub struct PingReader {
    path: PathBuf,
    source: Source,
    ctx: Ctx,
    batch_size: usize,
    rejects: RejectLog,
    done: bool,
}

enum Source {
    Csv { table: Box<CsvTable>, row: Row },
    Parquet(Box<ParquetSource>),
}

struct ParquetSource {
    reader: ParquetRecordBatchReader,
    /// Position in the projected batch of each of the five columns (`None`: no accuracy column).
    slots: [Option<usize>; 5],
    next_row: u64,
    pending: Option<(RecordBatch, usize)>,
}

struct Ctx {
    keyer: DeviceKeyer,
    time: TimeParser,
    check: PointCheck,
    max_accuracy_m: f64,
    names: [String; 5],
}

impl PingReader {
    /// Opens a pings file; `format` defaults to the one implied by the extension (else CSV).
    ///
    /// # Errors
    /// [`InputError::Open`], [`InputError::MissingColumn`], [`InputError::ColumnType`],
    /// [`InputError::Malformed`] (not a Parquet file), [`InputError::Crs`].
    pub fn open(
        path: &Path,
        format: Option<PingFormat>,
        opts: &ReadOptions,
    ) -> Result<Self, InputError> {
        let names = COLUMNS.map(|c| {
            opts.columns
                .get(c)
                .cloned()
                .unwrap_or_else(|| c.to_string())
        });
        let ctx = Ctx {
            keyer: opts.keyer,
            time: opts.time.clone(),
            check: opts.point_check(path)?,
            max_accuracy_m: opts.max_accuracy_m,
            names,
        };
        let format = format
            .or_else(|| PingFormat::from_path(path))
            .unwrap_or(PingFormat::Csv);
        let (source, header) = match format {
            PingFormat::Csv => {
                let cols = Columns {
                    required: &COLUMNS[..4],
                    optional: &COLUMNS[4..],
                };
                let table = CsvTable::open(path, "pings", cols, &opts.columns)?;
                let header = table.header().to_vec();
                (
                    Source::Csv {
                        table: Box::new(table),
                        row: Row::default(),
                    },
                    header,
                )
            }
            PingFormat::Parquet => {
                let (src, header) = ParquetSource::open(path, &opts.columns, opts.batch_size)?;
                (Source::Parquet(Box::new(src)), header)
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            source,
            ctx,
            batch_size: opts.batch_size.max(1),
            rejects: RejectLog::new("pings", header),
            done: false,
        })
    }

    /// The rejects so far.
    pub fn rejects(&self) -> &RejectLog {
        &self.rejects
    }

    /// Data rows read so far (valid or not).
    pub fn rows(&self) -> u64 {
        match &self.source {
            Source::Csv { table, .. } => table.rows,
            Source::Parquet(p) => p.next_row,
        }
    }

    /// The rejects, once reading is over.
    pub fn into_rejects(self) -> RejectLog {
        self.rejects
    }

    fn next_csv(&mut self) -> Result<PingBatch, InputError> {
        let Source::Csv { table, row } = &mut self.source else {
            unreachable!("CSV source")
        };
        let mut batch = PingBatch::default();
        while batch.len() < self.batch_size {
            let Some((blank, bad)) = table.next_row(row)? else {
                self.done = true;
                break;
            };
            (0..blank).for_each(|_| self.rejects.blank_line());
            let field = |i: usize| Val::Str(table.get(row, i));
            let result = match bad {
                Some(reason) => Err(reason),
                None => self
                    .ctx
                    .validate([field(0), field(1), field(2), field(3), field(4)]),
            };
            match result {
                Ok((key, ts, lon, lat, acc)) => batch.push(key, ts, lon, lat, acc, row.line),
                Err(reason) => {
                    let mut fields = std::mem::take(&mut row.fields);
                    if let Some(p) = table.position(0).filter(|&p| p < fields.len()) {
                        fields[p] = super::redact_device(&self.ctx.keyer, &fields[p]);
                    }
                    self.rejects.push(Reject {
                        line: row.line,
                        reason,
                        row: fields,
                    });
                }
            }
        }
        Ok(batch)
    }

    fn next_parquet(&mut self) -> Result<PingBatch, InputError> {
        let Source::Parquet(src) = &mut self.source else {
            unreachable!("Parquet source")
        };
        let mut batch = PingBatch::default();
        while batch.len() < self.batch_size {
            let (rb, start) = match src.pending.take() {
                Some(p) => p,
                None => match src.reader.next() {
                    None => {
                        self.done = true;
                        break;
                    }
                    Some(Err(e)) => {
                        return Err(InputError::Malformed {
                            path: self.path.clone(),
                            line: src.next_row + 1,
                            message: format!("cannot decode Parquet: {e}"),
                        });
                    }
                    Some(Ok(rb)) => (rb, 0),
                },
            };
            let cols: Vec<Option<Col<'_>>> = src
                .slots
                .iter()
                .map(|s| s.map(|i| Col::of(rb.column(i)).expect("type checked at open")))
                .collect();
            let get = |c: usize, i: usize| cols[c].as_ref().map_or(Val::Null, |col| col.get(i));
            let take = (self.batch_size - batch.len()).min(rb.num_rows() - start);
            for i in start..start + take {
                let line = src.next_row + 1;
                src.next_row += 1;
                let vals = [get(0, i), get(1, i), get(2, i), get(3, i), get(4, i)];
                match self.ctx.validate(vals) {
                    Ok((key, ts, lon, lat, acc)) => batch.push(key, ts, lon, lat, acc, line),
                    Err(reason) => {
                        let mut row: Vec<String> = vals.iter().map(|v| v.to_text()).collect();
                        row[0] = super::redact_device(&self.ctx.keyer, &row[0]);
                        if src.slots[4].is_none() {
                            row.pop();
                        }
                        self.rejects.push(Reject { line, reason, row });
                    }
                }
            }
            if start + take < rb.num_rows() {
                src.pending = Some((rb, start + take));
            }
        }
        Ok(batch)
    }
}

impl Iterator for PingReader {
    type Item = Result<PingBatch, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let batch = match self.source {
                Source::Csv { .. } => self.next_csv(),
                Source::Parquet(_) => self.next_parquet(),
            };
            match batch {
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(b) if !b.is_empty() => return Some(Ok(b)),
                Ok(_) if self.done && self.rows() == 0 => {
                    return Some(Err(InputError::Empty {
                        path: self.path.clone(),
                        what: "pings",
                    }));
                }
                // A batch whose rows were all rejected: read on.
                Ok(_) => continue,
            }
        }
    }
}

impl ParquetSource {
    fn open(
        path: &Path,
        map: &ColumnMap,
        batch_size: usize,
    ) -> Result<(Self, Vec<String>), InputError> {
        let file = File::open(path).map_err(|source| InputError::Open {
            path: path.to_path_buf(),
            what: "pings",
            source,
        })?;
        let malformed = |e: parquet::errors::ParquetError| InputError::Malformed {
            path: path.to_path_buf(),
            line: 0,
            message: format!("not a readable Parquet file: {e}"),
        };
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(malformed)?;
        let schema = builder.schema().clone();
        let found = || {
            schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut roots = Vec::new();
        let mut header = Vec::new();
        for (i, &c) in COLUMNS.iter().enumerate() {
            let wanted = map.get(c).map_or(c, String::as_str);
            let pos = schema
                .fields()
                .iter()
                .position(|f| f.name() == wanted)
                .or_else(|| {
                    schema
                        .fields()
                        .iter()
                        .position(|f| f.name().eq_ignore_ascii_case(wanted))
                });
            let Some(pos) = pos else {
                if i == 4 {
                    continue;
                }
                return Err(InputError::MissingColumn {
                    path: path.to_path_buf(),
                    column: wanted.to_string(),
                    default: c.to_string(),
                    found: found(),
                });
            };
            let field = schema.field(pos);
            if !Col::accepts(i, field.data_type()) {
                return Err(InputError::ColumnType {
                    path: path.to_path_buf(),
                    column: field.name().clone(),
                    found: field.data_type().to_string(),
                    expected: Col::expected(i),
                });
            }
            roots.push((i, pos));
            header.push(field.name().clone());
        }
        // The projected batch keeps columns in schema order.
        let mut by_pos: Vec<usize> = roots.iter().map(|&(_, p)| p).collect();
        by_pos.sort_unstable();
        let mut slots = [None; 5];
        for &(i, pos) in &roots {
            slots[i] = by_pos.iter().position(|&p| p == pos);
        }
        let mask = ProjectionMask::roots(builder.parquet_schema(), by_pos.iter().copied());
        let reader = builder
            .with_projection(mask)
            .with_batch_size(batch_size.max(1))
            .build()
            .map_err(malformed)?;
        Ok((
            Self {
                reader,
                slots,
                next_row: 0,
                pending: None,
            },
            header,
        ))
    }
}

/// One typed Arrow column the reader understands.
enum Col<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    Utf8View(&'a arrow_array::StringViewArray),
    I64(&'a arrow_array::Int64Array),
    I32(&'a arrow_array::Int32Array),
    U64(&'a arrow_array::UInt64Array),
    U32(&'a arrow_array::UInt32Array),
    F64(&'a arrow_array::Float64Array),
    F32(&'a arrow_array::Float32Array),
    /// Timestamps as raw i64 and units per second.
    Ts(&'a dyn Array, i64),
}

impl<'a> Col<'a> {
    fn accepts(column: usize, t: &DataType) -> bool {
        use DataType::*;
        let text = matches!(t, Utf8 | LargeUtf8 | Utf8View);
        let int = matches!(t, Int64 | Int32 | UInt64 | UInt32);
        let float = matches!(t, Float64 | Float32);
        match column {
            0 => text || int,
            // Float32 cannot hold an epoch second (24-bit mantissa): refused, not misread.
            1 => text || int || matches!(t, Float64 | Timestamp(_, _)),
            _ => text || int || float,
        }
    }

    fn expected(column: usize) -> &'static str {
        match column {
            0 => "text or integer",
            1 => "integer epoch seconds/milliseconds, floating seconds, timestamp or RFC 3339 text",
            _ => "floating, integer or numeric text",
        }
    }

    fn of(a: &'a ArrayRef) -> Option<Self> {
        Some(match a.data_type() {
            DataType::Utf8 => Col::Utf8(a.as_string::<i32>()),
            DataType::LargeUtf8 => Col::LargeUtf8(a.as_string::<i64>()),
            DataType::Utf8View => Col::Utf8View(a.as_string_view()),
            DataType::Int64 => Col::I64(a.as_primitive::<Int64Type>()),
            DataType::Int32 => Col::I32(a.as_primitive::<Int32Type>()),
            DataType::UInt64 => Col::U64(a.as_primitive::<UInt64Type>()),
            DataType::UInt32 => Col::U32(a.as_primitive::<UInt32Type>()),
            DataType::Float64 => Col::F64(a.as_primitive::<Float64Type>()),
            DataType::Float32 => Col::F32(a.as_primitive::<Float32Type>()),
            DataType::Timestamp(unit, _) => Col::Ts(
                a.as_ref(),
                match unit {
                    TimeUnit::Second => 1,
                    TimeUnit::Millisecond => 1_000,
                    TimeUnit::Microsecond => 1_000_000,
                    TimeUnit::Nanosecond => 1_000_000_000,
                },
            ),
            _ => return None,
        })
    }

    fn get(&self, i: usize) -> Val<'a> {
        macro_rules! v {
            ($a:expr, $f:expr) => {
                if $a.is_null(i) {
                    Val::Null
                } else {
                    $f($a.value(i))
                }
            };
        }
        match self {
            Col::Utf8(a) => v!(a, Val::Str),
            Col::LargeUtf8(a) => v!(a, Val::Str),
            Col::Utf8View(a) => v!(a, Val::Str),
            Col::I64(a) => v!(a, Val::Int),
            Col::I32(a) => v!(a, |x: i32| Val::Int(x.into())),
            Col::U64(a) => v!(a, Val::UInt),
            Col::U32(a) => v!(a, |x: u32| Val::Int(x.into())),
            Col::F64(a) => v!(a, Val::Float),
            Col::F32(a) => v!(a, Val::F32),
            Col::Ts(a, per_second) => {
                if a.is_null(i) {
                    return Val::Null;
                }
                let raw = match per_second {
                    1 => a.as_primitive::<TimestampSecondType>().value(i),
                    1_000 => a.as_primitive::<TimestampMillisecondType>().value(i),
                    1_000_000 => a.as_primitive::<TimestampMicrosecondType>().value(i),
                    _ => a.as_primitive::<TimestampNanosecondType>().value(i),
                };
                Val::Epoch(raw.div_euclid(*per_second))
            }
        }
    }
}

/// One field value, from text (CSV) or typed (Parquet).
#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    Null,
    Str(&'a str),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// A 32-bit float, kept apart so it prints as written (`340.9`, not `340.899993896…`).
    F32(f32),
    /// Exact epoch seconds (from an Arrow timestamp).
    Epoch(i64),
}

impl Val<'_> {
    fn to_text(self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Str(s) => s.to_string(),
            Val::Int(v) | Val::Epoch(v) => v.to_string(),
            Val::UInt(v) => v.to_string(),
            Val::Float(v) => v.to_string(),
            Val::F32(v) => v.to_string(),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Val::Null => true,
            Val::Str(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    fn number(&self, column: &str) -> Result<Option<f64>, RejectReason> {
        match *self {
            Val::Null => Ok(None),
            Val::Str(s) => super::point::optional_number(column, s),
            Val::Int(v) | Val::Epoch(v) => Ok(Some(v as f64)),
            Val::UInt(v) => Ok(Some(v as f64)),
            Val::Float(v) if v.is_finite() => Ok(Some(v)),
            Val::F32(v) if v.is_finite() => Ok(Some(v.into())),
            Val::F32(v) => Err(RejectReason::NotFinite {
                column: column.to_string(),
                value: v.to_string(),
            }),
            Val::Float(v) => Err(RejectReason::NotFinite {
                column: column.to_string(),
                value: v.to_string(),
            }),
        }
    }
}

impl Ctx {
    /// A ping from its five fields, or why it is rejected. Checks run in column order, then the
    /// point, then the accuracy, so the first problem a person would see is the one reported.
    fn validate(
        &self,
        [dev, ts, lon, lat, acc]: [Val<'_>; 5],
    ) -> Result<(DeviceKey, i64, f64, f64, f32), RejectReason> {
        let key = match dev {
            Val::Null => return Err(RejectReason::EmptyDeviceId),
            Val::Str(s) if s.trim().is_empty() => return Err(RejectReason::EmptyDeviceId),
            Val::Str(s) => self.keyer.key(s),
            Val::UInt(v) => self.keyer.key_u64(v),
            other => self.keyer.key(&other.to_text()),
        };
        let bad_time = || RejectReason::BadTime {
            column: self.names[1].clone(),
            value: ts.to_text(),
        };
        let t = match ts {
            v if v.is_empty() => {
                return Err(RejectReason::Missing {
                    column: self.names[1].clone(),
                });
            }
            Val::Str(s) => self.time.parse(s).ok_or_else(bad_time)?,
            Val::Int(v) => TimeParser::from_epoch_int(v),
            Val::UInt(v) => TimeParser::from_epoch_int(i64::try_from(v).map_err(|_| bad_time())?),
            Val::Float(v) if v.is_finite() && v.abs() < 9.0e18 => {
                let s = if v >= super::EPOCH_MS_THRESHOLD as f64 {
                    v / 1000.0
                } else {
                    v
                };
                s.floor() as i64
            }
            Val::Epoch(v) => v,
            _ => return Err(bad_time()),
        };
        let coord = |v: Val<'_>, name: &String| {
            v.number(name)?.ok_or_else(|| RejectReason::Missing {
                column: name.clone(),
            })
        };
        let x = coord(lon, &self.names[2])?;
        let y = coord(lat, &self.names[3])?;
        let acc_m = acc.number(&self.names[4])?;
        let (lon, lat) = self.check.check(x, y)?;
        let acc = accuracy(acc_m, self.max_accuracy_m)?;
        Ok((key, t, lon, lat, acc))
    }
}
