//! Where pings go: a [`PingSink`] receives blocks in output order. CSV and Parquet writers
//! write through [`AtomicFile`], so a failed run leaves no half-written file.

use super::SynthError;
use super::device::device_id;
use crate::io::AtomicFile;
use arrow_array::{ArrayRef, Float32Array, Float64Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One synthetic ping.
///
/// # Example
/// ```
/// use catchment::synth::Ping;
/// let p = Ping { device: 0, ts: 1_780_000_000, lon: 7.42, lat: 43.73, accuracy_m: Some(8.5) };
/// assert!(p.accuracy_m.is_some());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ping {
    /// Device index (0-based); its id is [`PingBlock::device_id`].
    pub device: u64,
    /// Epoch seconds, UTC.
    pub ts: i64,
    /// WGS-84 longitude, rounded to 6 decimals.
    pub lon: f64,
    /// WGS-84 latitude, rounded to 6 decimals.
    pub lat: f64,
    /// Stated horizontal accuracy (68 % radius), metres, 1 decimal; `None` = unknown.
    pub accuracy_m: Option<f32>,
}

/// The pings of one block of devices for one local day, sorted by time then device.
///
/// # Example
/// ```
/// use catchment::synth::{PingBlock, PingSink, SynthError};
/// struct Count(usize);
/// impl PingSink for Count {
///     fn write_block(&mut self, block: &PingBlock) -> Result<(), SynthError> {
///         self.0 += block.len();
///         Ok(())
///     }
/// }
/// let mut c = Count(0);
/// c.finish().unwrap();
/// assert_eq!(c.0, 0);
/// ```
#[derive(Debug, Clone, Default)]
pub struct PingBlock {
    pub(crate) pings: Vec<Ping>,
    pub(crate) width: usize,
    pub(crate) day: u32,
}

impl PingBlock {
    /// The pings, in output order.
    ///
    /// # Example
    /// ```
    /// assert!(catchment::synth::PingBlock::default().pings().is_empty());
    /// ```
    pub fn pings(&self) -> &[Ping] {
        &self.pings
    }

    /// Number of pings.
    ///
    /// # Example
    /// ```
    /// assert_eq!(catchment::synth::PingBlock::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.pings.len()
    }

    /// Whether the block is empty.
    ///
    /// # Example
    /// ```
    /// assert!(catchment::synth::PingBlock::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.pings.is_empty()
    }

    /// Day index (0 = the start date).
    ///
    /// # Example
    /// ```
    /// assert_eq!(catchment::synth::PingBlock::default().day(), 0);
    /// ```
    pub fn day(&self) -> u32 {
        self.day
    }

    /// The synthetic id of a device index: `d` + 1-based number, zero-padded (7 digits or more).
    ///
    /// # Example
    /// ```
    /// let b = catchment::synth::PingBlock::default();
    /// assert_eq!(b.device_id(0), "d0000001");
    /// ```
    pub fn device_id(&self, device: u64) -> String {
        device_id(device, self.width.max(7))
    }

    fn write_id(&self, device: u64, buf: &mut Vec<u8>) {
        buf.push(b'd');
        write_padded(buf, device + 1, self.width.max(7));
    }
}

/// A destination for pings. [`generate`](super::generate) calls `write_block` once per block, in
/// output order; the caller calls [`finish`](PingSink::finish) afterwards.
///
/// # Example
/// ```
/// use catchment::synth::{PingBlock, PingSink, SynthError};
/// #[derive(Default)]
/// struct Collect(Vec<i64>);
/// impl PingSink for Collect {
///     fn write_block(&mut self, block: &PingBlock) -> Result<(), SynthError> {
///         self.0.extend(block.pings().iter().map(|p| p.ts));
///         Ok(())
///     }
/// }
/// let mut sink = Collect::default();
/// sink.write_block(&PingBlock::default())?;
/// # Ok::<(), SynthError>(())
/// ```
pub trait PingSink: Send {
    /// Receives the next block.
    ///
    /// # Errors
    /// Whatever writing fails with, naming the file.
    fn write_block(&mut self, block: &PingBlock) -> Result<(), SynthError>;

    /// Completes the output (footer, flush, atomic rename). Default: nothing to do.
    ///
    /// # Errors
    /// Whatever writing fails with, naming the file.
    fn finish(&mut self) -> Result<(), SynthError> {
        Ok(())
    }
}

impl<S: PingSink + ?Sized> PingSink for Box<S> {
    fn write_block(&mut self, block: &PingBlock) -> Result<(), SynthError> {
        (**self).write_block(block)
    }

    fn finish(&mut self) -> Result<(), SynthError> {
        (**self).finish()
    }
}

/// Opens a CSV or Parquet sink chosen by the file extension (`.csv`, `.parquet` / `.pq`).
///
/// # Errors
/// [`SynthError::Invalid`] for another extension; [`SynthError::Write`] if the file cannot be
/// created.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let mut sink = catchment::synth::open_ping_sink(dir.path().join("pings.parquet"))?;
/// sink.finish()?;
/// assert!(dir.path().join("pings.parquet").exists());
/// assert!(catchment::synth::open_ping_sink(dir.path().join("pings.txt")).is_err());
/// # Ok(()) }
/// ```
pub fn open_ping_sink(path: impl AsRef<Path>) -> Result<Box<dyn PingSink>, SynthError> {
    let path = path.as_ref();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(Box::new(CsvPingSink::create(path)?)),
        Some("parquet" | "pq") => Ok(Box::new(ParquetPingSink::create(path)?)),
        _ => Err(SynthError::Invalid(format!(
            "{}: the ping output must end in .csv or .parquet",
            path.display()
        ))),
    }
}

/// Writes pings as CSV: `device_id,ts,lon,lat,accuracy_m` (epoch seconds, 6 decimals, accuracy
/// with 1 decimal or empty when unknown).
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::synth::{CsvPingSink, PingSink};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("p.csv");
/// let mut sink = CsvPingSink::create(&path)?;
/// sink.finish()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "device_id,ts,lon,lat,accuracy_m\n");
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct CsvPingSink {
    path: PathBuf,
    out: Option<AtomicFile>,
    buf: Vec<u8>,
}

impl CsvPingSink {
    /// Creates the file (through a temporary) and writes the header.
    ///
    /// # Errors
    /// [`SynthError::Write`] naming the file.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let _sink = catchment::synth::CsvPingSink::create(dir.path().join("p.csv"))?;
    /// # Ok(()) }
    /// ```
    pub fn create(path: impl AsRef<Path>) -> Result<Self, SynthError> {
        let path = path.as_ref().to_path_buf();
        let mut out = AtomicFile::create(&path).map_err(|e| SynthError::write(&path, e))?;
        out.write_all(b"device_id,ts,lon,lat,accuracy_m\n")
            .map_err(|e| SynthError::write(&path, e))?;
        Ok(CsvPingSink {
            path,
            out: Some(out),
            buf: Vec::with_capacity(1 << 20),
        })
    }
}

impl PingSink for CsvPingSink {
    fn write_block(&mut self, block: &PingBlock) -> Result<(), SynthError> {
        let out = self.out.as_mut().ok_or_else(|| {
            SynthError::Invalid(format!("{} already finished", self.path.display()))
        })?;
        let buf = &mut self.buf;
        buf.clear();
        for p in &block.pings {
            block.write_id(p.device, buf);
            buf.push(b',');
            write_int(buf, p.ts);
            buf.push(b',');
            write_fixed(buf, (p.lon * 1e6).round() as i64, 6);
            buf.push(b',');
            write_fixed(buf, (p.lat * 1e6).round() as i64, 6);
            buf.push(b',');
            if let Some(a) = p.accuracy_m {
                write_fixed(buf, (f64::from(a) * 10.0).round() as i64, 1);
            }
            buf.push(b'\n');
            if buf.len() >= 1 << 20 {
                out.write_all(buf)
                    .map_err(|e| SynthError::write(&self.path, e))?;
                buf.clear();
            }
        }
        out.write_all(buf)
            .map_err(|e| SynthError::write(&self.path, e))
    }

    fn finish(&mut self) -> Result<(), SynthError> {
        match self.out.take() {
            Some(out) => out.commit().map_err(|e| SynthError::write(&self.path, e)),
            None => Ok(()),
        }
    }
}

fn write_int(buf: &mut Vec<u8>, v: i64) {
    if v < 0 {
        buf.push(b'-');
    }
    write_padded(buf, v.unsigned_abs(), 1);
}

/// Writes `v` as an unsigned decimal of at least `width` digits.
fn write_padded(buf: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for _ in (tmp.len() - i)..width {
        buf.push(b'0');
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Writes `v / 10^decimals` with exactly `decimals` decimals.
fn write_fixed(buf: &mut Vec<u8>, v: i64, decimals: u32) {
    if v < 0 {
        buf.push(b'-');
    }
    let a = v.unsigned_abs();
    let scale = 10u64.pow(decimals);
    write_padded(buf, a / scale, 1);
    buf.push(b'.');
    write_padded(buf, a % scale, decimals as usize);
}

/// Rows per Parquet row group.
pub(crate) const ROW_GROUP: usize = 1 << 20;

/// Writes pings as Parquet: `device_id` Utf8, `ts` Int64 (epoch seconds), `lon` / `lat`
/// Float64, `accuracy_m` Float32 nullable; zstd, row groups of 1,048,576 rows; `ts` delta-encoded,
/// `lon` / `lat` byte-stream-split, `device_id` and `accuracy_m` dictionary-encoded.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::synth::{ParquetPingSink, PingSink};
/// let dir = tempfile::tempdir()?;
/// let mut sink = ParquetPingSink::create(dir.path().join("p.parquet"))?;
/// sink.finish()?;
/// # Ok(()) }
/// ```
pub struct ParquetPingSink {
    path: PathBuf,
    schema: Arc<Schema>,
    writer: Option<ArrowWriter<AtomicFile>>,
}

impl std::fmt::Debug for ParquetPingSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetPingSink")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ParquetPingSink {
    /// The Arrow schema of the file.
    ///
    /// # Example
    /// ```
    /// let s = catchment::synth::ParquetPingSink::schema();
    /// assert_eq!(s.field(0).name(), "device_id");
    /// ```
    pub fn schema() -> Schema {
        Schema::new(vec![
            Field::new("device_id", DataType::Utf8, false),
            Field::new("ts", DataType::Int64, false),
            Field::new("lon", DataType::Float64, false),
            Field::new("lat", DataType::Float64, false),
            Field::new("accuracy_m", DataType::Float32, true),
        ])
    }

    /// Creates the file (through a temporary).
    ///
    /// # Errors
    /// [`SynthError::Write`] naming the file.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let _sink = catchment::synth::ParquetPingSink::create(dir.path().join("p.parquet"))?;
    /// # Ok(()) }
    /// ```
    pub fn create(path: impl AsRef<Path>) -> Result<Self, SynthError> {
        let path = path.as_ref().to_path_buf();
        let out = AtomicFile::create(&path).map_err(|e| SynthError::write(&path, e))?;
        let schema = Arc::new(Self::schema());
        // Dictionaries pay off for device ids and accuracies (few distinct values per row group),
        // not for near-sorted times (delta) or coordinates (byte-stream split compresses better
        // and costs less than a failed dictionary).
        let col = |n: &str| ColumnPath::from(n);
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_row_count(Some(ROW_GROUP))
            .set_column_dictionary_enabled(col("ts"), false)
            .set_column_encoding(col("ts"), Encoding::DELTA_BINARY_PACKED)
            .set_column_encoding(col("lon"), Encoding::BYTE_STREAM_SPLIT)
            .set_column_encoding(col("lat"), Encoding::BYTE_STREAM_SPLIT)
            .set_created_by("catchment synth (synthetic data)".to_string())
            .build();
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(props))
            .map_err(|e| SynthError::write(&path, e))?;
        Ok(ParquetPingSink {
            path,
            schema,
            writer: Some(writer),
        })
    }
}

impl PingSink for ParquetPingSink {
    fn write_block(&mut self, block: &PingBlock) -> Result<(), SynthError> {
        let w = self.writer.as_mut().ok_or_else(|| {
            SynthError::Invalid(format!("{} already finished", self.path.display()))
        })?;
        if block.is_empty() {
            return Ok(());
        }
        let n = block.len();
        let mut id = Vec::with_capacity(12);
        let mut ids =
            arrow_array::builder::StringBuilder::with_capacity(n, n * (block.width.max(7) + 1));
        for p in &block.pings {
            id.clear();
            block.write_id(p.device, &mut id);
            ids.append_value(std::str::from_utf8(&id).unwrap_or_default());
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(ids.finish()),
            Arc::new(Int64Array::from_iter_values(
                block.pings.iter().map(|p| p.ts),
            )),
            Arc::new(Float64Array::from_iter_values(
                block.pings.iter().map(|p| p.lon),
            )),
            Arc::new(Float64Array::from_iter_values(
                block.pings.iter().map(|p| p.lat),
            )),
            Arc::new(Float32Array::from_iter(
                block.pings.iter().map(|p| p.accuracy_m),
            )),
        ];
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .map_err(|e| SynthError::write(&self.path, e))?;
        w.write(&batch)
            .map_err(|e| SynthError::write(&self.path, e))
    }

    fn finish(&mut self) -> Result<(), SynthError> {
        match self.writer.take() {
            Some(w) => {
                let out = w
                    .into_inner()
                    .map_err(|e| SynthError::write(&self.path, e))?;
                out.commit().map_err(|e| SynthError::write(&self.path, e))
            }
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_formatting() {
        let mut b = Vec::new();
        write_fixed(&mut b, 7_425_629, 6);
        b.push(b' ');
        write_fixed(&mut b, -1_000_005, 6);
        b.push(b' ');
        write_fixed(&mut b, 85, 1);
        b.push(b' ');
        write_int(&mut b, -12);
        b.push(b' ');
        write_padded(&mut b, 42, 7);
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "7.425629 -1.000005 8.5 -12 0000042"
        );
    }
}
